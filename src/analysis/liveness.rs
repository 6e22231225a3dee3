//! Liveness under fairness: "eventually P", "always eventually P" and "P leads to Q", with
//! lasso counterexamples.
//!
//! [`check_liveness`] explores the whole reachable graph, then looks for a run that avoids the
//! goal forever: first a reachable ¬P state from which P is unreachable (a trap, kind
//! [`LivenessKind::PUnreachable`]), then a cycle of ¬P states that a fair scheduler could
//! follow forever (kind [`LivenessKind::FairCycle`]). Weak fairness of an action rules out a
//! cycle on which it is enabled throughout and never taken; strong fairness rules out one on
//! which it is enabled somewhere and never taken, so the search retries on the states that do
//! not enable it (Emerson–Lei refinement). Components are found with an iterative Tarjan search,
//! linear in the graph.
//!
//! ```
//! use musil::{check_liveness, Fairness, Liveness, LivenessKind, Model};
//! // A toggle that may flip forever unless the escape is fair.
//! let m = Model::new(0u8)
//!     .action("flip", |s| *s < 2, |s| 1 - s)
//!     .fair_action("escape", Fairness::Weak, |s| *s < 2, |_| 2);
//! let unfair = check_liveness(&m, &Liveness::eventually(|s| *s == 2).fair(Vec::<String>::new())).unwrap();
//! assert_eq!(unfair.kind, Some(LivenessKind::FairCycle));
//! let fair = check_liveness(&m, &Liveness::eventually(|s| *s == 2)).unwrap(); // tags: escape is weakly fair
//! assert!(fair.ok);
//! ```
//!
//! On a graph the cap cut short, only what was fully seen is reported. Unlike the original,
//! which takes the frontier's unexpanded states for dead ends (and so reports a goal beyond the
//! cap "unreachable"), an unexpanded state here counts as able to reach the goal and lies on no
//! cycle: a violation is reported only when expanded states witness it, and otherwise the
//! result passes marked truncated, which proves nothing. A panic in the goal or the leads-to
//! trigger is a [`LivenessKind::Panic`] result with the path to the state it panicked on.

use std::fmt::{self, Debug, Display};
use std::sync::Arc;

use crate::StateId;
pub use crate::analysis::fair::Fair;
use crate::check::Checker;
use crate::error::Error;
use crate::fault::Fault;
use crate::graph::{Graph, breadth_first, reaching, shortest_path};
use crate::model::Value;
use crate::result::{Outcome, Run, Step, format_trace};
use crate::system::{ActionId, State, TransitionSystem};

use crate::system::Predicate as Pred;

/// A liveness property and the fairness it may assume.
///
/// Fairness: `None` (the default) takes the actions' own fairness tags; an explicit list, even
/// empty, replaces them. Explicit names must match actions of the model.
pub struct Liveness<S> {
    pub(crate) goal: Pred<S>,
    pub(crate) goal_name: String,
    pub(crate) everywhere: bool,
    pub(crate) leadsto_from: Option<Pred<S>>,
    pub(crate) fairness: Fair,
}

impl<S> Clone for Liveness<S> {
    fn clone(&self) -> Self {
        Liveness {
            goal: self.goal.clone(),
            goal_name: self.goal_name.clone(),
            everywhere: self.everywhere,
            leadsto_from: self.leadsto_from.clone(),
            fairness: self.fairness.clone(),
        }
    }
}

impl<S> Debug for Liveness<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Liveness")
            .field("goal_name", &self.goal_name)
            .field("everywhere", &self.everywhere)
            .field("leadsto_from", &self.leadsto_from.is_some())
            .field("fairness", &self.fairness)
            .finish()
    }
}

impl<S> Liveness<S> {
    /// `<>P`: every run from an initial state eventually reaches a goal state.
    pub fn eventually(goal: impl Fn(&S) -> bool + Send + Sync + 'static) -> Self {
        Liveness {
            goal: Arc::new(goal),
            goal_name: "goal".to_owned(),
            everywhere: false,
            leadsto_from: None,
            fairness: Fair::tags(),
        }
    }

    /// `[]<>P`: on every run, past any point, a goal state is reached again.
    pub fn always_eventually(goal: impl Fn(&S) -> bool + Send + Sync + 'static) -> Self {
        Self::eventually(goal).everywhere(true)
    }

    /// `[](Q -> <>P)`: every reachable trigger state is followed by a goal state.
    pub fn leads_to(
        trigger: impl Fn(&S) -> bool + Send + Sync + 'static,
        goal: impl Fn(&S) -> bool + Send + Sync + 'static,
    ) -> Self {
        Self::eventually(goal).leadsto_from(trigger)
    }

    /// Check `[]<>P` instead of `<>P` (ignored when a trigger is set).
    #[must_use]
    pub fn everywhere(mut self, everywhere: bool) -> Self {
        self.everywhere = everywhere;
        self
    }

    /// Check `[](Q -> <>P)` with this trigger `Q`.
    #[must_use]
    pub fn leadsto_from(mut self, trigger: impl Fn(&S) -> bool + Send + Sync + 'static) -> Self {
        self.leadsto_from = Some(Arc::new(trigger));
        self
    }

    /// The property's shape (a trigger makes it a leads-to, whatever `everywhere` says).
    pub fn property(&self) -> LivenessProperty {
        match (&self.leadsto_from, self.everywhere) {
            (Some(_), _) => LivenessProperty::LeadsTo,
            (None, true) => LivenessProperty::AlwaysEventually,
            (None, false) => LivenessProperty::Eventually,
        }
    }

    /// The goal's name in the printed result (default `goal`).
    #[must_use]
    pub fn goal_name(mut self, name: impl Into<String>) -> Self {
        self.goal_name = name.into();
        self
    }

    /// Weakly fair actions, by name (replaces the tags; an empty list means none): the same
    /// as [`Fair::fair`] on this property's [`fairness`](Self::fairness).
    #[must_use]
    pub fn fair<I: IntoIterator<Item = N>, N: Into<String>>(mut self, names: I) -> Self {
        self.fairness = self.fairness.fair(names);
        self
    }

    /// Strongly fair actions, by name (replaces the tags; an empty list means none): the same
    /// as [`Fair::fair_strong`] on this property's [`fairness`](Self::fairness).
    #[must_use]
    pub fn fair_strong<I: IntoIterator<Item = N>, N: Into<String>>(mut self, names: I) -> Self {
        self.fairness = self.fairness.fair_strong(names);
        self
    }

    /// The fairness this property may assume, as one [`Fair`] value (replacing both lists).
    #[must_use]
    pub fn fairness(mut self, fairness: Fair) -> Self {
        self.fairness = fairness;
        self
    }

    /// The fairness this property assumes.
    pub fn get_fairness(&self) -> &Fair {
        &self.fairness
    }
}

/// The shape of a liveness property.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LivenessProperty {
    /// `<>P`: every run reaches the goal.
    Eventually,
    /// `[]<>P`: every run reaches the goal again and again.
    AlwaysEventually,
    /// `[](Q -> <>P)`: every trigger state is followed by a goal state.
    LeadsTo,
}

/// Why a liveness property fails.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LivenessKind {
    /// A reachable ¬P state from which no P state is reachable (a trap or a dead end).
    PUnreachable,
    /// A cycle of ¬P states a fair scheduler may follow forever.
    FairCycle,
    /// User code panicked while the graph was explored (not in the original).
    Panic,
}

impl LivenessKind {
    /// The original's name (`p-unreachable`, `fair-cycle`), and `panic`.
    pub fn as_str(self) -> &'static str {
        match self {
            LivenessKind::PUnreachable => "p-unreachable",
            LivenessKind::FairCycle => "fair-cycle",
            LivenessKind::Panic => "panic",
        }
    }
}

/// The outcome of a liveness check: a lasso counterexample (stem, then a cycle) when it fails.
#[derive(Clone, Debug, PartialEq, Eq)]
#[must_use = "a liveness result says whether the goal is always reached: assert on it or print it"]
pub struct LivenessResult<S> {
    /// True when no violation was found: every (fair) run of the explored graph reaches the
    /// goal. On a truncated graph this proves nothing; see [`proved`](Self::proved).
    pub ok: bool,
    /// States in the explored graph.
    pub states_explored: usize,
    /// The goal's name.
    pub goal: String,
    /// Why it fails (`None` when ok).
    pub kind: Option<LivenessKind>,
    /// The property checked, which decides how a pass is worded.
    pub property: LivenessProperty,
    /// The path to the trap, or to the entry of the cycle, from an initial state (`<init>`
    /// first). For a leads-to property it passes through the trigger state at
    /// [`trigger_at`](Self::trigger_at), after which the goal is never reached.
    pub stem: Vec<Step<S>>,
    /// For a leads-to violation: the index in [`stem`](Self::stem) of the trigger state the
    /// violation starts from (where the original's stem begins).
    pub trigger_at: Option<usize>,
    /// The cycle from the stem's last state back to it (empty for a trap).
    pub cycle: Vec<Step<S>>,
    /// The graph was cut by the cap (set on ok results only: a violation on a truncated graph
    /// reports `false`, as frontier states look like dead ends).
    pub truncated: bool,
    /// For [`LivenessKind::Panic`]: what panicked.
    pub fault: Option<Fault>,
}

impl<S> LivenessResult<S> {
    fn pass(states: usize, spec: &Liveness<S>, truncated: bool) -> Self {
        LivenessResult {
            ok: true,
            states_explored: states,
            goal: spec.goal_name.clone(),
            property: spec.property(),
            kind: None,
            stem: Vec::new(),
            trigger_at: None,
            cycle: Vec::new(),
            truncated,
            fault: None,
        }
    }

    /// True when the property was shown to hold on the whole reachable graph: `ok` and not
    /// truncated (a capped pass proves nothing).
    pub fn proved(&self) -> bool {
        self.ok && !self.truncated
    }

    /// The action names along the stem and then the cycle (no `<init>`).
    pub fn action_names(&self) -> Vec<&str> {
        self.stem
            .iter()
            .chain(&self.cycle)
            .filter(|s| s.action != "<init>")
            .map(|s| s.action.as_str())
            .collect()
    }

    /// The offending state: the stem's last state.
    pub fn witness(&self) -> Option<&S> {
        self.stem.last().map(|s| &s.state)
    }
}

impl<S: Debug> Display for LivenessResult<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ok {
            let goal = &self.goal;
            match self.property {
                LivenessProperty::Eventually => write!(f, "OK — eventually '{goal}' on every run")?,
                LivenessProperty::AlwaysEventually => {
                    write!(f, "OK — '{goal}' again and again on every run")?;
                }
                LivenessProperty::LeadsTo => {
                    write!(f, "OK — every trigger state is followed by '{goal}' on every run")?;
                }
            }
            write!(f, " ({} states)", self.states_explored)?;
            if self.truncated {
                write!(f, " (TRUNCATED at cap)")?;
            }
            if self.states_explored == 0 {
                write!(f, " (VACUOUS: the system has no initial state, so nothing was checked)")?;
            }
            return Ok(());
        }
        let stem = match self.trigger_at {
            None => format_trace(&self.stem, None),
            Some(at) => {
                let mut lines: Vec<String> =
                    format_trace(&self.stem, None).lines().map(str::to_owned).collect();
                lines.insert((at + 1).min(lines.len()), "  --- the trigger holds here ---".to_owned());
                lines.join("\n")
            }
        };
        match self.kind {
            Some(LivenessKind::PUnreachable) => write!(
                f,
                "LIVENESS VIOLATED: '{}' is unreachable from a reachable state\n{stem}\n({} states explored)",
                self.goal, self.states_explored
            ),
            Some(LivenessKind::Panic) => {
                let what = self.fault.as_ref().map_or_else(String::new, |x| x.to_string());
                write!(
                    f,
                    "PANIC: {what}\n{}\n({} states explored)",
                    format_trace(&self.stem, None),
                    self.states_explored
                )
            }
            _ => {
                write!(
                    f,
                    "LIVENESS VIOLATED: a fair cycle never reaches '{}'\n{stem}\n  --- loops forever ---",
                    self.goal
                )?;
                for s in &self.cycle {
                    write!(f, "\n  ↺ {}: {:?}", s.action, s.state)?;
                }
                write!(f, "\n({} states explored)", self.states_explored)
            }
        }
    }
}

impl<S: Debug> Outcome for LivenessResult<S> {
    type State = S;
    fn is_ok(&self) -> bool {
        self.ok
    }
    fn is_truncated(&self) -> bool {
        self.truncated
    }
    fn kind_name(&self) -> Option<&'static str> {
        self.kind.map(LivenessKind::as_str)
    }
    fn counterexample_actions(&self) -> Vec<&str> {
        self.action_names()
    }
    fn witness_state(&self) -> Option<&S> {
        self.witness()
    }
    /// The stem and the cycle (empty for a trap or a panic).
    fn counterexample_run(&self) -> Option<Run<'_, S>> {
        (!self.ok && !self.stem.is_empty()).then_some(Run { stem: &self.stem, cycle: &self.cycle })
    }
}

/// Python's list repr of strings: `['a', 'b']`.
pub(crate) fn py_list(names: &[String]) -> String {
    let items: Vec<String> = names.iter().map(|n| Value::Str(n.clone()).to_string()).collect();
    format!("[{}]", items.join(", "))
}

impl<T: TransitionSystem> Checker<'_, T> {
    /// Explore the whole graph (with this checker's cap and canonicalisation) and check a
    /// liveness property on it. Errs when an explicit fairness name matches no action.
    pub fn check_liveness(&self, spec: &Liveness<T::State>) -> Result<LivenessResult<T::State>, Error> {
        let (weak, strong) = spec.fairness.resolve(self.sys, "check_liveness")?;
        let graph = self.explore();
        let resolved = spec.clone().fairness(Fair::tags().fair(weak).fair_strong(strong));
        Ok(check_liveness_of(&graph, &resolved))
    }
}

/// [`Checker::check_liveness`] with the defaults.
pub fn check_liveness<T: TransitionSystem>(
    sys: &T,
    spec: &Liveness<T::State>,
) -> Result<LivenessResult<T::State>, Error> {
    Checker::new(sys).check_liveness(spec)
}

/// The liveness analysis over an explored graph (fairness lists taken as given; `None` means
/// none, since a graph has no tags).
pub fn check_liveness_of<S: State>(graph: &Graph<S>, spec: &Liveness<S>) -> LivenessResult<S> {
    let n = graph.len();
    if let Some(f) = graph.fault() {
        return LivenessResult {
            ok: false,
            states_explored: n,
            goal: spec.goal_name.clone(),
            property: spec.property(),
            kind: Some(LivenessKind::Panic),
            stem: f.trace.clone(),
            trigger_at: None,
            cycle: Vec::new(),
            truncated: false,
            fault: Some(f.fault.clone()),
        };
    }
    let name = spec.goal_name.as_str();
    // The goal and the trigger on every state, a panic in either a result naming it.
    let mut at = 0usize;
    let mut callback = "goal";
    let judged = crate::fault::catch(|| {
        let mut goal = Vec::with_capacity(n);
        let mut trigger = Vec::with_capacity(if spec.leadsto_from.is_some() { n } else { 0 });
        for (i, s) in graph.states().enumerate() {
            at = i;
            callback = "goal";
            goal.push((spec.goal)(s));
            if let Some(t) = &spec.leadsto_from {
                callback = "leads-to trigger";
                trigger.push(t(s));
            }
        }
        (goal, trigger)
    });
    let (goal, trigger) = match judged {
        Ok(v) => v,
        Err(payload) => {
            let fault =
                Fault { name: Some(name.to_owned()), callback, message: crate::fault::message(&*payload) };
            let state = graph.state(sid(at));
            return LivenessResult {
                ok: false,
                states_explored: n,
                goal: name.to_owned(),
                property: spec.property(),
                kind: Some(LivenessKind::Panic),
                stem: crate::graph::path_to(graph, state).unwrap_or_default(),
                trigger_at: None,
                cycle: Vec::new(),
                truncated: false,
                fault: Some(fault),
            };
        }
    };
    if goal.iter().all(|&g| g) {
        return LivenessResult::pass(n, spec, graph.truncated());
    }
    let bad = |i: usize| !goal[i];
    let ids = |names: Option<&[String]>| -> Vec<Vec<ActionId>> {
        names
            .into_iter()
            .flatten()
            .map(|nm| {
                (0..graph.action_count())
                    .map(|i| ActionId::new(i as u32))
                    .filter(|&a| graph.action_name(a) == nm)
                    .collect()
            })
            .collect()
    };
    let (weak, strong) = (ids(spec.fairness.weak_names()), ids(spec.fairness.strong_names()));

    // Seeds and the breadth-first order that gives shortest stems.
    let only_bad: bool;
    let starts: Vec<usize> = if spec.leadsto_from.is_some() {
        only_bad = true;
        (0..n).filter(|&i| bad(i) && trigger[i]).collect()
    } else if spec.everywhere {
        only_bad = false;
        graph.initial().iter().map(|i| i.index()).collect()
    } else {
        only_bad = true;
        graph.initial().iter().map(|i| i.index()).filter(|&i| bad(i)).collect()
    };
    if starts.is_empty() {
        return LivenessResult::pass(n, spec, graph.truncated());
    }
    let bad_mask: Vec<bool> = (0..n).map(bad).collect();
    let (tree, _) =
        breadth_first(graph, starts.into_iter().map(sid), only_bad.then_some(&bad_mask[..]), |_| false);
    let order: Vec<usize> = tree.order().iter().map(|s| s.index()).filter(|&i| bad(i)).collect();
    let mut in_bad = vec![false; n];
    for &i in &order {
        in_bad[i] = true;
    }
    if spec.everywhere && spec.leadsto_from.is_none() {
        in_bad.clone_from(&bad_mask);
    }

    // The stem to `s`: from an initial state, through the trigger state the search started
    // from when the property is a leads-to (the original starts the stem at the trigger,
    // which leaves the reader without a run that gets there).
    let stem = |s: usize| -> (Vec<Step<S>>, Option<usize>) {
        let (path, source) = tree.path(sid(s));
        let (mut steps, trigger_at) = if spec.leadsto_from.is_some() {
            let prefix = graph.bfs_to(|x| x == source).expect("every explored state is reachable");
            let at = prefix.len() - 1;
            (prefix, Some(at))
        } else {
            (vec![Step::new("<init>", graph.state(source).clone())], None)
        };
        steps.extend(path.into_iter().map(|(a, t)| Step::new(graph.action_name(a), graph.state(t).clone())));
        (steps, trigger_at)
    };

    // A truncated graph's unexpanded states might lead anywhere: they count as reaching P,
    // and as outside every cycle (their edges, if any, are not all known). So every violation
    // reported below is fully witnessed by expanded states.
    if graph.truncated() {
        for (i, b) in in_bad.iter_mut().enumerate() {
            *b &= graph.is_expanded(sid(i));
        }
    }

    // (1) A reachable ¬P state from which P cannot be reached.
    let can_reach = reaching(graph, |i| !bad(i.index()) || !graph.is_expanded(i));
    if let Some(&s) = order.iter().find(|&&s| !can_reach[s]) {
        let (stem, trigger_at) = stem(s);
        return LivenessResult {
            ok: false,
            states_explored: n,
            goal: name.to_owned(),
            property: spec.property(),
            kind: Some(LivenessKind::PUnreachable),
            stem,
            trigger_at,
            cycle: Vec::new(),
            truncated: false,
            fault: None,
        };
    }

    // (2) A fair cycle of ¬P states.
    let order: Vec<usize> = order.into_iter().filter(|&i| in_bad[i]).collect();
    let Some(scc) = find_fair_scc(graph, &order, &in_bad, &weak, &strong) else {
        return LivenessResult::pass(n, spec, graph.truncated());
    };
    let mut in_scc = vec![false; n];
    for &s in &scc {
        in_scc[s] = true;
    }
    let entry = *order.iter().find(|&&s| in_scc[s]).expect("the fair SCC lies in the search order");
    let cycle = fair_cycle(graph, entry, &scc, &in_scc, &weak, &strong);
    let (stem, trigger_at) = stem(entry);
    LivenessResult {
        ok: false,
        states_explored: n,
        goal: name.to_owned(),
        property: spec.property(),
        kind: Some(LivenessKind::FairCycle),
        stem,
        trigger_at,
        cycle,
        truncated: false,
        fault: None,
    }
}

fn sid(i: usize) -> crate::StateId {
    crate::StateId::new(i as u32)
}

/// A non-trivial SCC of the ¬P subgraph hosting a cycle that respects the fairness, or `None`.
///
/// Components are tried in Tarjan completion order with roots in breadth-first order; when a
/// strongly fair action forces itself on a component, the component minus the states that
/// enable it is decomposed and searched before the next component (an explicit stack, no
/// recursion). Work arrays are shared, so the whole search is linear in the ¬P subgraph times
/// the number of fair actions.
fn find_fair_scc<S: State>(
    graph: &Graph<S>,
    order: &[usize],
    in_bad: &[bool],
    weak: &[Vec<ActionId>],
    strong: &[Vec<ActionId>],
) -> Option<Vec<usize>> {
    let n = graph.len();
    let mut pos = vec![usize::MAX; n];
    for (i, &s) in order.iter().enumerate() {
        pos[s] = i;
    }
    let enables = |a: &[ActionId], s: usize| graph.edges(sid(s)).iter().any(|(x, _)| a.contains(x));
    // `scc_stamp[v] == stamp` marks the component under examination; `sub_stamp` the
    // remainder being decomposed.
    let mut scc_stamp = vec![0u32; n];
    let mut sub_stamp = vec![0u32; n];
    let (mut stamp, mut sub) = (0u32, 0u32);
    let mut tarjan = crate::scc::Tarjan::new(n);
    let successors =
        |v: usize, out: &mut Vec<usize>| out.extend(graph.edges(sid(v)).iter().map(|&(_, t)| t.index()));
    let first = tarjan.run(order.iter().copied(), |v| in_bad[v], successors);
    let mut stack: Vec<(Vec<Vec<usize>>, usize)> = vec![(first, 0)];
    while let Some((sccs, next)) = stack.last_mut() {
        if *next >= sccs.len() {
            stack.pop();
            continue;
        }
        let scc = std::mem::take(&mut sccs[*next]);
        *next += 1;
        stamp += 1;
        for &s in &scc {
            scc_stamp[s] = stamp;
        }
        let inside = |t: usize| scc_stamp[t] == stamp;
        let internal = scc.len() > 1 || graph.edges(sid(scc[0])).iter().any(|&(_, t)| t.index() == scc[0]);
        if !internal {
            continue;
        }
        let taken_inside = |a: &[ActionId]| {
            scc.iter().any(|&s| graph.edges(sid(s)).iter().any(|(x, t)| a.contains(x) && inside(t.index())))
        };
        if weak.iter().any(|a| !taken_inside(a) && scc.iter().all(|&s| enables(a, s))) {
            continue;
        }
        match strong.iter().find(|a| !taken_inside(a) && scc.iter().any(|&s| enables(a, s))) {
            None => return Some(scc),
            Some(forced) => {
                let mut rest: Vec<usize> = scc.iter().copied().filter(|&s| !enables(forced, s)).collect();
                rest.sort_by_key(|&s| pos[s]);
                sub += 1;
                for &s in &rest {
                    sub_stamp[s] = sub;
                }
                let current = sub;
                let subs = tarjan.run(rest.iter().copied(), |v| sub_stamp[v] == current, successors);
                stack.push((subs, 0));
            }
        }
    }
    None
}

/// A loop from `entry` back to itself inside the fair component that is itself a fair run:
/// the shortest loop when it already is (which is the original's choice), else one built to
/// be. The original always prints the shortest loop, which may leave out the fair action the
/// component takes elsewhere: a loop a fair scheduler would not follow forever. Here, in
/// order: for each weakly fair name, an edge of it when every state of the component enables
/// it, else a visit to a state that does not; for each strongly fair name enabled somewhere
/// in the component, an edge of it (the component takes it, or it would not be fair); then the
/// shortest way back to `entry`. Each leg is a shortest path inside the component.
fn fair_cycle<S: State>(
    graph: &Graph<S>,
    entry: usize,
    scc: &[usize],
    in_scc: &[bool],
    weak: &[Vec<ActionId>],
    strong: &[Vec<ActionId>],
) -> Vec<Step<S>> {
    let shortest = simple_cycle(graph, entry, in_scc);
    let enables = |a: &[ActionId], s: usize| graph.edges(sid(s)).iter().any(|(x, _)| a.contains(x));
    let fair = |states: &[usize], actions: &[ActionId]| {
        weak.iter().all(|a| !states.iter().all(|&s| enables(a, s)) || actions.iter().any(|x| a.contains(x)))
            && strong
                .iter()
                .all(|a| !states.iter().any(|&s| enables(a, s)) || actions.iter().any(|x| a.contains(x)))
    };
    let ids = |steps: &[Step<S>]| -> (Vec<usize>, Vec<ActionId>) {
        let mut states = vec![entry];
        let mut actions = Vec::new();
        for (i, st) in steps.iter().enumerate() {
            let from = states[i];
            let (a, t) = graph
                .edges(sid(from))
                .iter()
                .find(|(a, t)| graph.action_name(*a) == st.action && graph.state(*t) == &st.state)
                .map(|&(a, t)| (a, t.index()))
                .expect("a step of the loop is an edge");
            actions.push(a);
            if i + 1 < steps.len() {
                states.push(t);
            }
        }
        (states, actions)
    };
    let (states, actions) = ids(&shortest);
    if fair(&states, &actions) {
        return shortest;
    }
    let inside: Vec<bool> = in_scc.to_vec();
    let mut path: Vec<(ActionId, StateId)> = Vec::new();
    let mut cur = sid(entry);
    // Walk to the first state (from `cur`, inside the component) meeting `goal`.
    let walk = |cur: &mut StateId, goal: &dyn Fn(StateId) -> bool, path: &mut Vec<(ActionId, StateId)>| {
        if let Some((leg, _)) = shortest_path(graph, [*cur], goal, Some(&inside)) {
            if let Some(&(_, last)) = leg.last() {
                *cur = last;
            }
            path.extend(leg);
        }
    };
    let take =
        |a: &[ActionId], s: StateId| graph.edges(s).iter().any(|(x, t)| a.contains(x) && in_scc[t.index()]);
    let taking = |cur: &mut StateId, a: &[ActionId], path: &mut Vec<(ActionId, StateId)>| {
        walk(cur, &|s| take(a, s), path);
        if let Some(&(x, t)) = graph.edges(*cur).iter().find(|(x, t)| a.contains(x) && in_scc[t.index()]) {
            path.push((x, t));
            *cur = t;
        }
    };
    for a in weak {
        if scc.iter().all(|&s| enables(a, s)) {
            taking(&mut cur, a, &mut path);
        } else {
            walk(&mut cur, &|s| !enables(a, s.index()), &mut path);
        }
    }
    for a in strong {
        if scc.iter().any(|&s| enables(a, s)) {
            taking(&mut cur, a, &mut path);
        }
    }
    if path.is_empty() {
        return shortest;
    }
    if cur.index() != entry {
        walk(&mut cur, &|s| s.index() == entry, &mut path);
    }
    path.into_iter().map(|(a, t)| Step::new(graph.action_name(a), graph.state(t).clone())).collect()
}

/// The shortest loop from `entry` back to itself inside the component: the shortest path
/// from `entry` to a state with an edge back to it, then the first such edge.
fn simple_cycle<S: State>(graph: &Graph<S>, entry: usize, in_scc: &[bool]) -> Vec<Step<S>> {
    let back = |s: StateId| graph.edges(s).iter().find(|&&(_, t)| t.index() == entry).map(|&(a, _)| a);
    let Some((mut path, _)) = shortest_path(graph, [sid(entry)], |s| back(s).is_some(), Some(in_scc)) else {
        return Vec::new();
    };
    let last = path.last().map_or(sid(entry), |&(_, s)| s);
    path.push((back(last).expect("the path ends at a state with an edge back"), sid(entry)));
    path.into_iter().map(|(a, t)| Step::new(graph.action_name(a), graph.state(t).clone())).collect()
}
