//! Büchi automata over model states, the GPVW translation from LTL, and product emptiness with
//! lasso counterexamples.
//!
//! An automaton reads a run of the model: from automaton state `q` it may move along an edge
//! `(guard, q')` when `guard` holds in the model state being read (the source of the model
//! step). The product of an explored graph and an automaton is built breadth-first; an
//! accepting run is a reachable non-trivial strongly connected component of the product that
//! meets every acceptance set.

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::ops::ControlFlow;

use super::formula::Ltl;
use crate::StateId;
use crate::engine::Config;
use crate::graph::{Graph, build_graph, shortest_path};
use crate::result::Step;
use crate::scc::tarjan;
use crate::system::{ActionId, Predicate, State, TransitionSystem};

/// The edges of an automaton: per state, `(guard, successor)` in order.
pub type Transitions<S> = HashMap<usize, Vec<(Predicate<S>, usize)>>;

/// A Büchi automaton: a run is accepting when it visits `accepting` infinitely often.
pub struct Buchi<S> {
    /// Initial automaton states.
    pub initial: BTreeSet<usize>,
    /// Accepting automaton states.
    pub accepting: BTreeSet<usize>,
    /// Guarded edges.
    pub transitions: Transitions<S>,
}

/// A generalised Büchi automaton: a run is accepting when it visits every set of
/// `accepting_sets` infinitely often (no sets: every infinite run accepts).
pub struct GeneralizedBuchi<S> {
    /// Initial automaton states.
    pub initial: BTreeSet<usize>,
    /// The acceptance sets.
    pub accepting_sets: Vec<BTreeSet<usize>>,
    /// Guarded edges.
    pub transitions: Transitions<S>,
}

impl<S> fmt::Debug for Buchi<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Buchi")
            .field("initial", &self.initial)
            .field("accepting", &self.accepting)
            .field("states", &self.transitions.len())
            .finish()
    }
}

impl<S> fmt::Debug for GeneralizedBuchi<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GeneralizedBuchi")
            .field("initial", &self.initial)
            .field("accepting_sets", &self.accepting_sets)
            .field("states", &self.transitions.len())
            .finish()
    }
}

/// The product of an explored graph and an automaton, as a system the engine explores: a
/// state is (model state, automaton state); from `(m, q)` every model edge `m -a-> m'` pairs
/// with every automaton edge `q -g-> q'` whose guard `g` holds in `m`, in model-edge order,
/// then automaton-edge order. With `stutter`, an expanded dead end gets a `<stutter>` self-loop
/// (runs are infinite); a state the cap left unexpanded gets none, so every lasso found is
/// made of real steps.
struct ProductSystem<'g, S> {
    graph: &'g Graph<S>,
    initial: &'g BTreeSet<usize>,
    transitions: &'g Transitions<S>,
    stutter: bool,
}

impl<S> ProductSystem<'_, S> {
    /// The action id of the stutter step: one past the graph's.
    fn stutter_id(&self) -> ActionId
    where
        S: State,
    {
        ActionId::new(self.graph.action_count() as u32)
    }
}

impl<S: State> TransitionSystem for ProductSystem<'_, S> {
    type State = (StateId, u32);

    fn initial_states(&self) -> Vec<(StateId, u32)> {
        let mut out = Vec::new();
        for &m0 in self.graph.initial() {
            for &q0 in self.initial {
                out.push((m0, q0 as u32));
            }
        }
        out
    }

    fn successors<F>(&self, &(m, q): &(StateId, u32), mut emit: F) -> ControlFlow<()>
    where
        F: FnMut(ActionId, (StateId, u32)) -> ControlFlow<()>,
    {
        let Some(auto_edges) = self.transitions.get(&(q as usize)) else {
            return ControlFlow::Continue(());
        };
        // The guard reads the source model state; it is the same for every model edge.
        let open: Vec<u32> =
            auto_edges.iter().filter(|(g, _)| g(self.graph.state(m))).map(|e| e.1 as u32).collect();
        if open.is_empty() {
            return ControlFlow::Continue(());
        }
        let model_edges = self.graph.edges(m);
        if self.stutter && model_edges.is_empty() && self.graph.is_expanded(m) {
            for &q2 in &open {
                emit(self.stutter_id(), (m, q2))?;
            }
            return ControlFlow::Continue(());
        }
        for &(a, m2) in model_edges {
            for &q2 in &open {
                emit(a, (m2, q2))?;
            }
        }
        ControlFlow::Continue(())
    }

    fn action_name(&self, action: ActionId) -> &str {
        if action == self.stutter_id() { "<stutter>" } else { self.graph.action_name(action) }
    }
}

/// The reachable product, explored by the engine with the analysis's workers, memory budget
/// and progress line. Its cap is the graph's times the automaton's states: the most a product
/// of a graph within the cap can hold, so only the memory budget can cut it short.
fn product<S: State>(
    graph: &Graph<S>,
    stutter: bool,
    initial: &BTreeSet<usize>,
    transitions: &Transitions<S>,
    options: &Config<S>,
) -> Graph<(StateId, u32)> {
    let automaton_states = transitions
        .keys()
        .chain(initial)
        .copied()
        .chain(transitions.values().flatten().map(|e| e.1))
        .max()
        .map_or(0, |m| m + 1);
    let system = ProductSystem { graph, initial, transitions, stutter };
    let config = options.for_states_of(options.max_states.saturating_mul(automaton_states.max(1)));
    build_graph(&system, None, &config)
}

/// The first reachable non-trivial SCC of the product meeting every set, in completion order.
fn accepting_scc(p: &Graph<(StateId, u32)>, sets: &[BTreeSet<usize>]) -> Option<Vec<usize>> {
    let out = |v: usize| p.edges(StateId::new(v as u32));
    let sccs =
        tarjan(p.len(), 0..p.len(), |_| true, |v, next| next.extend(out(v).iter().map(|e| e.1.index())));
    sccs.into_iter().find(|scc| {
        let non_trivial = scc.len() > 1 || out(scc[0]).iter().any(|e| e.1.index() == scc[0]);
        non_trivial
            && sets
                .iter()
                .all(|acc| scc.iter().any(|&v| acc.contains(&(p.state(StateId::new(v as u32)).1 as usize))))
    })
}

/// What a product search found: a lasso (trace and loop index), none, or a panic in an
/// automaton guard (an atom of the formula) with the trace to the product state being
/// expanded.
pub(crate) enum LassoSearch<S> {
    Lasso { trace: Vec<Step<S>>, loop_index: usize },
    None,
    Fault { fault: crate::fault::Fault, trace: Vec<Step<S>> },
}

impl<S: State> Buchi<S> {
    /// Whether the product with `graph` (taken as it is: no stutter at dead ends) has an
    /// accepting run.
    pub fn has_accepting_run(&self, graph: &Graph<S>) -> bool {
        let p = product(graph, false, &self.initial, &self.transitions, &Config::default());
        accepting_scc(&p, std::slice::from_ref(&self.accepting)).is_some()
    }
}

impl<S: State> GeneralizedBuchi<S> {
    /// The automaton accepting exactly the runs that satisfy `formula` (GPVW tableau of its
    /// negation normal form, implications expanded).
    pub fn from_ltl(formula: &Ltl<S>) -> Self {
        gpvw(&formula.nnf().without_implies())
    }

    /// Whether the product with `graph` (taken as it is) has an accepting run.
    pub fn has_accepting_run(&self, graph: &Graph<S>) -> bool {
        let p = product(graph, false, &self.initial, &self.transitions, &Config::default());
        accepting_scc(&p, &self.accepting_sets).is_some()
    }

    /// An accepting run as a lasso: the trace (`<init>` first; model states, actions named,
    /// `<stutter>` for the self-loop at a dead end when `stutter` is set) and the index of the
    /// state the cycle returns to. `None` when there is no accepting run.
    pub fn accepting_lasso(&self, graph: &Graph<S>) -> Option<(Vec<Step<S>>, usize)> {
        match self.lasso(graph, false, &Config::default()) {
            LassoSearch::Lasso { trace, loop_index } => Some((trace, loop_index)),
            LassoSearch::None | LassoSearch::Fault { .. } => None,
        }
    }

    /// The lasso search over the product with `graph`, explored with `options`.
    pub(crate) fn lasso(&self, graph: &Graph<S>, stutter: bool, options: &Config<S>) -> LassoSearch<S> {
        let p = product(graph, stutter, &self.initial, &self.transitions, options);
        let state = |v: StateId| graph.state(p.state(v).0).clone();
        if let Some(f) = p.fault() {
            let trace =
                f.trace.iter().map(|s| Step::new(s.action.clone(), graph.state(s.state.0).clone())).collect();
            return LassoSearch::Fault { fault: f.fault.clone(), trace };
        }
        let Some(target) = accepting_scc(&p, &self.accepting_sets) else { return LassoSearch::None };
        let mut in_target = vec![false; p.len()];
        for &s in &target {
            in_target[s] = true;
        }
        let Some((stem, source)) =
            shortest_path(&p, p.initial().iter().copied(), |s| in_target[s.index()], None)
        else {
            return LassoSearch::None;
        };
        let entry = stem.last().map_or(source, |e| e.1);
        let mut cycle: Vec<(ActionId, StateId)> = Vec::new();
        let mut current = entry;
        for acc in &self.accepting_sets {
            let goal = |s: StateId| acc.contains(&(p.state(s).1 as usize));
            if let Some((seg, _)) = shortest_path(&p, [current], goal, Some(&in_target)) {
                if let Some(&(_, last)) = seg.last() {
                    cycle.extend(seg);
                    current = last;
                }
            }
        }
        if let Some((back, _)) = shortest_path(&p, [current], |s| s == entry, Some(&in_target)) {
            cycle.extend(back);
        }
        if cycle.is_empty() {
            if let Some(&(label, next)) = p.edges(entry).iter().find(|e| in_target[e.1.index()]) {
                cycle.push((label, next));
                if let Some((ret, _)) = shortest_path(&p, [next], |s| s == entry, Some(&in_target)) {
                    cycle.extend(ret);
                }
            }
        }
        let mut trace = vec![Step::new("<init>", state(source))];
        trace.extend(stem.iter().chain(&cycle).map(|&(a, s)| Step::new(p.action_name(a), state(s))));
        LassoSearch::Lasso { trace, loop_index: stem.len() }
    }

    /// The equivalent single-set automaton (counter construction); with no acceptance sets,
    /// every state accepts. Accepts the same runs on every graph.
    pub fn degeneralize(&self) -> Buchi<S> {
        let sets = &self.accepting_sets;
        let k = sets.len();
        let mut states: BTreeSet<usize> = self.initial.clone();
        for (q, edges) in &self.transitions {
            states.insert(*q);
            states.extend(edges.iter().map(|e| e.1));
        }
        for acc in sets {
            states.extend(acc.iter().copied());
        }
        if k == 0 {
            return Buchi {
                initial: self.initial.clone(),
                accepting: states,
                transitions: self.transitions.clone(),
            };
        }
        let ids: HashMap<(usize, usize), usize> = states
            .iter()
            .flat_map(|&q| (0..k).map(move |i| (q, i)))
            .enumerate()
            .map(|(n, qi)| (qi, n))
            .collect();
        let mut transitions: Transitions<S> = HashMap::new();
        for &q in &states {
            let edges = self.transitions.get(&q).cloned().unwrap_or_default();
            for i in 0..k {
                let j = if sets[i].contains(&q) { (i + 1) % k } else { i };
                transitions
                    .insert(ids[&(q, i)], edges.iter().map(|(g, q2)| (g.clone(), ids[&(*q2, j)])).collect());
            }
        }
        Buchi {
            initial: self.initial.iter().map(|&q| ids[&(q, 0)]).collect(),
            accepting: sets[0].iter().map(|&q| ids[&(q, 0)]).collect(),
            transitions,
        }
    }
}

/// Formulas interned by structure, so sets of formulas are sets of small numbers.
struct Interner<S> {
    formulas: Vec<Ltl<S>>,
    index: HashMap<Ltl<S>, usize>,
}

impl<S: State> Interner<S> {
    fn id(&mut self, f: &Ltl<S>) -> usize {
        if let Some(&i) = self.index.get(f) {
            return i;
        }
        self.formulas.push(f.clone());
        self.index.insert(f.clone(), self.formulas.len() - 1);
        self.formulas.len() - 1
    }

    /// Intern `f` and its subformulas in pre-order.
    fn closure(&mut self, f: &Ltl<S>) -> Vec<usize> {
        let mut out = Vec::new();
        let mut stack = vec![f.clone()];
        while let Some(g) = stack.pop() {
            let id = self.id(&g);
            if out.contains(&id) {
                continue;
            }
            out.push(id);
            use Ltl::*;
            match &g {
                Atom(_) => {}
                Not(a) | Next(a) | Eventually(a) | Always(a) => stack.push((**a).clone()),
                And(a, b) | Or(a, b) | Implies(a, b) | Until(a, b) | Release(a, b) | WeakUntil(a, b) => {
                    stack.push((**b).clone());
                    stack.push((**a).clone());
                }
            }
        }
        out
    }
}

struct Node {
    incoming: BTreeSet<isize>,
    old: BTreeSet<usize>,
    next: BTreeSet<usize>,
}

/// The GPVW tableau of a formula in negation normal form without implications.
fn gpvw<S: State>(phi: &Ltl<S>) -> GeneralizedBuchi<S> {
    let mut fs = Interner { formulas: Vec::new(), index: HashMap::new() };
    let closure = fs.closure(phi);
    let root = closure[0];
    let mut finished: Vec<Node> = Vec::new();
    type Task = (BTreeSet<usize>, BTreeSet<usize>, BTreeSet<usize>, BTreeSet<isize>);
    let mut work: Vec<Task> =
        vec![(BTreeSet::from([root]), BTreeSet::new(), BTreeSet::new(), BTreeSet::from([-1]))];
    let with = |set: &BTreeSet<usize>, extra: &[usize], old: &BTreeSet<usize>| -> BTreeSet<usize> {
        let mut s = set.clone();
        s.extend(extra.iter().filter(|x| !old.contains(x)));
        s
    };
    while let Some((new, old, next, incoming)) = work.pop() {
        let Some(&f) = new.iter().next() else {
            if let Some(nd) = finished.iter_mut().find(|nd| nd.old == old && nd.next == next) {
                nd.incoming.extend(incoming);
                continue;
            }
            let id = finished.len() as isize;
            finished.push(Node { incoming, old, next: next.clone() });
            work.push((next, BTreeSet::new(), BTreeSet::new(), BTreeSet::from([id])));
            continue;
        };
        let mut rest = new.clone();
        rest.remove(&f);
        if old.contains(&f) {
            work.push((rest, old, next, incoming));
            continue;
        }
        let mut old_f = old.clone();
        old_f.insert(f);
        let mut next_f = next.clone();
        next_f.insert(f);
        let formula = fs.formulas[f].clone();
        use Ltl::*;
        match &formula {
            Atom(_) | Not(_) => {
                let negated = match &formula {
                    Not(inner) => (**inner).clone(),
                    other => Not(Box::new(other.clone())),
                };
                let neg = fs.id(&negated);
                if !old.contains(&neg) {
                    work.push((rest, old_f, next, incoming));
                }
            }
            And(a, b) => {
                let (a, b) = (fs.id(a), fs.id(b));
                work.push((with(&rest, &[a, b], &old), old_f, next, incoming));
            }
            Or(a, b) => {
                let (a, b) = (fs.id(a), fs.id(b));
                // The left branch is expanded completely first (pushed last).
                work.push((with(&rest, &[b], &old), old_f.clone(), next.clone(), incoming.clone()));
                work.push((with(&rest, &[a], &old), old_f, next, incoming));
            }
            Next(a) => {
                let a = fs.id(a);
                let mut n = next.clone();
                n.insert(a);
                work.push((rest, old_f, n, incoming));
            }
            Until(a, b) | WeakUntil(a, b) => {
                let (a, b) = (fs.id(a), fs.id(b));
                work.push((with(&rest, &[a], &old), old_f.clone(), next_f, incoming.clone()));
                work.push((with(&rest, &[b], &old), old_f, next, incoming));
            }
            Release(a, b) => {
                let (a, b) = (fs.id(a), fs.id(b));
                work.push((with(&rest, &[b], &old), old_f.clone(), next_f, incoming.clone()));
                work.push((with(&rest, &[a, b], &old), old_f, next, incoming));
            }
            Eventually(a) => {
                let a = fs.id(a);
                work.push((rest.clone(), old_f.clone(), next_f, incoming.clone()));
                work.push((with(&rest, &[a], &old), old_f, next, incoming));
            }
            Always(a) => {
                let a = fs.id(a);
                work.push((with(&rest, &[a], &old), old_f, next_f, incoming));
            }
            Implies(..) => {
                // Not reached: callers expand implications first. Kept total for safety.
                work.push((rest, old_f, next, incoming));
            }
        }
    }

    let initial: BTreeSet<usize> =
        finished.iter().enumerate().filter(|(_, nd)| nd.incoming.contains(&-1)).map(|(i, _)| i).collect();
    let mut transitions: Transitions<S> = HashMap::new();
    for (q, node) in finished.iter().enumerate() {
        let literals: Vec<(Predicate<S>, bool)> = node
            .old
            .iter()
            .filter_map(|&f| match &fs.formulas[f] {
                Ltl::Atom(a) => Some((a.predicate().clone(), true)),
                Ltl::Not(inner) => match &**inner {
                    Ltl::Atom(a) => Some((a.predicate().clone(), false)),
                    _ => None,
                },
                _ => None,
            })
            .collect();
        let literals = std::sync::Arc::new(literals);
        let guard: Predicate<S> =
            std::sync::Arc::new(move |s: &S| literals.iter().all(|(p, want)| p(s) == *want));
        let succ = finished
            .iter()
            .enumerate()
            .filter(|(_, nd)| nd.incoming.contains(&(q as isize)))
            .map(|(i, _)| (guard.clone(), i))
            .collect();
        transitions.insert(q, succ);
    }
    let mut accepting_sets = Vec::new();
    for &sub in &closure {
        let fulfiller = match &fs.formulas[sub] {
            Ltl::Until(_, b) => fs.index[&**b],
            Ltl::Eventually(a) => fs.index[&**a],
            _ => continue,
        };
        accepting_sets.push(
            finished
                .iter()
                .enumerate()
                .filter(|(_, nd)| !nd.old.contains(&sub) || nd.old.contains(&fulfiller))
                .map(|(i, _)| i)
                .collect(),
        );
    }
    GeneralizedBuchi { initial, accepting_sets, transitions }
}
