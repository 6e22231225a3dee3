//! Partial-order reduction from declared footprints: explore one order of actions that cannot
//! affect each other instead of every interleaving, with the same safety and deadlock verdict.
//!
//! Each action declares the variables it reads (in its guard and its effect) and writes, as a
//! [`Footprint`]; each invariant may declare the variables it reads. Two actions are
//! *dependent* when one writes a variable the other reads or writes. At every state the
//! reduced search expands an *ample* subset of the enabled actions, built as a stubborn set
//! from the footprints (Valmari's conditions):
//! - **C0**: it is empty only when nothing is enabled;
//! - **C1**: starting from one enabled action, it takes in every action dependent on an enabled
//!   member and, for a disabled member, the actions that could enable it first: the writers
//!   of one of its guard conjuncts that is false here, when the footprint declares conjuncts
//!   ([`Footprint::when`]), else the writers of everything it reads; so no action outside the
//!   set can interfere with it before one of its actions fires;
//! - **C2**: a proper subset holds no *visible* action: one that writes a variable read by an
//!   invariant over several variables (or by an invariant that declares nothing). An
//!   invariant over one variable needs no such care: the writers of one variable are mutually
//!   dependent, so the reduced search passes through every value the variable takes on any
//!   run;
//! - **C3** (the engine's cycle proviso for breadth-first search): a state is expanded in full
//!   when an ample successor is stored at the current level, or at an earlier one where it
//!   was itself expanded in part. Every cycle of the reduced graph has an edge back to a
//!   state no deeper than the one it leaves, so some state on every cycle is expanded in full
//!   and no action is postponed forever.
//!
//! Candidate sets (one grown from each enabled action) are tried smallest first, the first in
//! action order on a tie, and the first that keeps the proviso is expanded; when none does, the
//! state is expanded in full. The choice depends on the state and the levels before it alone,
//! so the reduced graph, verdict, count and trace are the same with any number of workers and
//! in fingerprint mode.
//!
//! Variables are names the caller chooses, not fields: a name may stand for a fact about a
//! field (`"critical3"` for "node 3 is in its critical section"), so that an action that
//! changes the field without changing the fact an invariant reads stays invisible to it. On
//! the shared token ring that, with declared guard conjuncts, keeps one order of the nodes'
//! `want` steps: about 4N states instead of N·3·2^(N-1) (`examples/partial_order.rs`).
//!
//! **What it preserves:** whether each invariant can be broken, and whether a deadlock is
//! reachable ([`Reduced::check_all`] finds the same invariants and deadlock as the full
//! check). The reduced search explores fewer states, so `states_explored` is smaller, and its
//! counterexamples are real runs but not always the shortest. **What it refuses** (an
//! [`Error`], never a wrong answer): systems whose actions are not known up front (a per-state
//! menu), edge invariants (they judge transitions the reduction skips), symmetry reduction or
//! a key (not known to combine soundly here), and footprints naming unknown actions or
//! invariants. Liveness, LTL and probabilities have no reduced form: they explore in full.
//! Footprints are the caller's claim; [`footprints_sound`] tests them on the reachable states
//! (independent actions commute, conjuncts hold where their action is enabled and change only
//! by their writers, invariants change only by the writers of what they read).
//!
//! Unlike the original, which offers only an `explore_por` over ample sets the caller writes,
//! with no check of any condition, this computes the sets and enforces C0–C3.
//!
//! ```
//! use musil::por::{Footprint, Footprints};
//! use musil::{Checker, Model};
//!
//! // Three independent counters, each 0..=3: 64 states in full.
//! let m = Model::new([0u8; 3])
//!     .action("inc0", |c| c[0] < 3, |c| { let mut c = *c; c[0] += 1; c })
//!     .action("inc1", |c| c[1] < 3, |c| { let mut c = *c; c[1] += 1; c })
//!     .action("inc2", |c| c[2] < 3, |c| { let mut c = *c; c[2] += 1; c })
//!     .invariant("c0 small", |c| c[0] <= 3)
//!     .terminal(|c| *c == [3, 3, 3]);
//! let fp = Footprints::new()
//!     .action("inc0", Footprint::new().reads(["c0"]).writes(["c0"]))
//!     .action("inc1", Footprint::new().reads(["c1"]).writes(["c1"]))
//!     .action("inc2", Footprint::new().reads(["c2"]).writes(["c2"]))
//!     .invariant("c0 small", ["c0"]);
//! let full = Checker::new(&m).check();
//! let reduced = Checker::new(&m).partial_order(&fp).unwrap().check();
//! assert!(full.ok && reduced.ok);
//! assert_eq!(full.states_explored, 64);
//! assert_eq!(reduced.states_explored, 10); // one order: c0 to 3, then c1, then c2
//! ```

use std::collections::HashMap;
use std::ops::ControlFlow;
use std::sync::Arc;

use indexmap::IndexMap;

use crate::check::{Checker, DistinctBy, Violations};
use crate::engine::Reduce;
use crate::error::{Error, ErrorKind};
use crate::graph::Graph;
use crate::liveness::py_list;
use crate::result::CheckResult;
use crate::system::{ActionId, System};

/// A condition an action needs to be enabled (one conjunct of its guard) and the variables it
/// reads.
struct Conjunct<S> {
    reads: Vec<String>,
    holds: Arc<dyn Fn(&S) -> bool + Send + Sync>,
}

impl<S> Clone for Conjunct<S> {
    fn clone(&self) -> Self {
        Conjunct { reads: self.reads.clone(), holds: Arc::clone(&self.holds) }
    }
}

/// The variables one action reads (in its guard or its effect) and writes, by name, and
/// optionally its guard's conjuncts.
///
/// The names are the caller's: they need not be fields of the state. A finer name that stands
/// for a fact about a field (`"waiting0"` for "node 0 is waiting", `"critical0"` for "node 0 is
/// critical") lets an action that changes the field without changing an invariant's fact stay
/// invisible to it. The claim is only that an action not declared to write a name cannot
/// change what the readers of that name see; [`footprints_sound`] tests it.
///
/// **Guard conjuncts** ([`when`](Self::when)) make disabled actions cheaper to keep waiting. To
/// leave an action `t` out of an ample set, the reduction must take in every action that could
/// enable `t` first. Without conjuncts those are the writers of everything `t` reads. With
/// them, it is enough to take the writers of *one conjunct that is false here* (the one with
/// the fewest writers), since `t` stays disabled until that conjunct turns true (a *necessary
/// enabling set*, in Valmari's terms).
pub struct Footprint<S> {
    reads: Vec<String>,
    writes: Vec<String>,
    guard: Vec<Conjunct<S>>,
}

impl<S> Clone for Footprint<S> {
    fn clone(&self) -> Self {
        Footprint { reads: self.reads.clone(), writes: self.writes.clone(), guard: self.guard.clone() }
    }
}

impl<S> Default for Footprint<S> {
    fn default() -> Self {
        Footprint { reads: Vec::new(), writes: Vec::new(), guard: Vec::new() }
    }
}

impl<S> std::fmt::Debug for Footprint<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Footprint")
            .field("reads", &self.reads)
            .field("writes", &self.writes)
            .field("guard", &self.guard.iter().map(|c| &c.reads).collect::<Vec<_>>())
            .finish()
    }
}

impl<S> Footprint<S> {
    /// Reads and writes nothing (yet).
    pub fn new() -> Self {
        Self::default()
    }

    /// Also reads these variables (in its guard or its effect).
    #[must_use]
    pub fn reads<I: IntoIterator<Item = N>, N: Into<String>>(mut self, vars: I) -> Self {
        self.reads.extend(vars.into_iter().map(Into::into));
        self
    }

    /// Also writes these variables.
    #[must_use]
    pub fn writes<I: IntoIterator<Item = N>, N: Into<String>>(mut self, vars: I) -> Self {
        self.writes.extend(vars.into_iter().map(Into::into));
        self
    }

    /// One conjunct of the guard: `holds` is true wherever the action is enabled, and reads
    /// only `vars` (which count as read by the action too). Declare several for a guard
    /// `a ∧ b ∧ …`; they need not cover the whole guard. Where the action is disabled, the
    /// reduction looks for a conjunct that is false and waits only on that conjunct's writers;
    /// when every declared conjunct holds, it waits on the writers of everything the action
    /// reads. Write the closure's parameter type (`|s: &MyState| …`) when the footprint is
    /// built apart from the model, which is what fixes `S` otherwise.
    ///
    /// ```
    /// use musil::por::Footprint;
    ///
    /// // enter_0: node 0 waiting, and the token at node 0.
    /// let enter = Footprint::new()
    ///     .when(["waiting0"], |s: &(u8, [u8; 2])| s.1[0] == 1)
    ///     .when(["token"], |s: &(u8, [u8; 2])| s.0 == 0)
    ///     .writes(["waiting0", "critical0"]);
    /// # let _ = enter;
    /// ```
    #[must_use]
    pub fn when<I, N>(mut self, vars: I, holds: impl Fn(&S) -> bool + Send + Sync + 'static) -> Self
    where
        I: IntoIterator<Item = N>,
        N: Into<String>,
    {
        let reads: Vec<String> = vars.into_iter().map(Into::into).collect();
        self.reads.extend(reads.iter().cloned());
        self.guard.push(Conjunct { reads, holds: Arc::new(holds) });
        self
    }
}

/// The declared footprints of a system's actions and the variables its invariants read. An
/// action without a footprint counts as reading and writing everything; an invariant without
/// one as reading everything (both sound, both reduce less).
pub struct Footprints<S> {
    actions: IndexMap<String, Footprint<S>>,
    invariants: IndexMap<String, Vec<String>>,
}

impl<S> Clone for Footprints<S> {
    fn clone(&self) -> Self {
        Footprints { actions: self.actions.clone(), invariants: self.invariants.clone() }
    }
}

impl<S> Default for Footprints<S> {
    fn default() -> Self {
        Footprints { actions: IndexMap::new(), invariants: IndexMap::new() }
    }
}

impl<S> std::fmt::Debug for Footprints<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Footprints")
            .field("actions", &self.actions)
            .field("invariants", &self.invariants)
            .finish()
    }
}

impl<S> Footprints<S> {
    /// No footprints yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// The footprint of the action `name`.
    ///
    /// # Panics
    /// When `name` already has one (a second would silently replace it).
    #[must_use]
    pub fn action(mut self, name: impl Into<String>, footprint: Footprint<S>) -> Self {
        let name = name.into();
        assert!(!self.actions.contains_key(&name), "Footprints::action: {name:?} is declared twice");
        self.actions.insert(name, footprint);
        self
    }

    /// The variables the invariant `name` reads.
    ///
    /// # Panics
    /// When `name` already has them.
    #[must_use]
    pub fn invariant<I: IntoIterator<Item = N>, N: Into<String>>(
        mut self,
        name: impl Into<String>,
        reads: I,
    ) -> Self {
        let name = name.into();
        assert!(!self.invariants.contains_key(&name), "Footprints::invariant: {name:?} is declared twice");
        self.invariants.insert(name, reads.into_iter().map(Into::into).collect());
        self
    }
}

/// One declared guard conjunct, its variables' writers resolved.
struct Waits<S> {
    holds: Arc<dyn Fn(&S) -> bool + Send + Sync>,
    /// The actions that write a variable the conjunct reads.
    writers: Vec<usize>,
}

/// The stubborn-set choice over one system's actions (positions in its action list).
struct Stubborn<S> {
    /// Position of each action id in the system's action list.
    position: HashMap<ActionId, usize>,
    ids: Vec<ActionId>,
    names: Vec<String>,
    /// Per action: the actions dependent on it (for an enabled member).
    dependent: Vec<Vec<usize>>,
    /// Per action: the actions that write a variable it reads (for a disabled member with no
    /// false declared conjunct).
    enabling: Vec<Vec<usize>>,
    /// Per action: its declared guard conjuncts, fewest writers first.
    guard: Vec<Vec<Waits<S>>>,
    visible: Vec<bool>,
    /// The candidates per enabled set, when no action declares conjuncts (they then depend on
    /// nothing else, and few enabled sets recur across many states).
    memo: papaya::HashMap<Vec<ActionId>, Arc<Vec<Vec<ActionId>>>>,
}

impl<S> Reduce<S> for Stubborn<S> {
    fn candidates(
        &self,
        state: &S,
        enabled: &[ActionId],
        _: &dyn Fn(ActionId) -> String,
        candidates: &mut Vec<Vec<ActionId>>,
    ) {
        if self.guard.iter().any(|g| !g.is_empty()) {
            self.grow(state, enabled, candidates);
            return;
        }
        let memo = self.memo.pin();
        if let Some(known) = memo.get(enabled) {
            candidates.extend(known.iter().cloned());
            return;
        }
        let mut fresh = Vec::new();
        self.grow(state, enabled, &mut fresh);
        candidates.extend(fresh.iter().cloned());
        memo.insert(enabled.to_vec(), Arc::new(fresh));
    }
}

impl<S> Stubborn<S> {
    /// What a disabled action `t` waits on at `state`: the writers of its false conjunct with
    /// the fewest writers, or of everything it reads when no declared conjunct is false.
    fn waits_on<'s>(&'s self, state: &S, t: usize) -> &'s [usize] {
        for c in &self.guard[t] {
            let holds = crate::fault::catch(|| (c.holds)(state)).unwrap_or_else(|payload| {
                std::panic::resume_unwind(Box::new(crate::fault::Named {
                    name: self.names[t].clone(),
                    message: format!(
                        "a guard conjunct of {}'s footprint panicked: {}",
                        self.names[t],
                        crate::fault::message(&*payload)
                    ),
                }))
            });
            if !holds {
                return &c.writers;
            }
        }
        &self.enabling[t]
    }

    /// The candidate ample sets for `enabled` at `state`, best first.
    fn grow(&self, state: &S, enabled: &[ActionId], candidates: &mut Vec<Vec<ActionId>>) {
        let n = self.ids.len();
        let Some(on) = enabled.iter().map(|a| self.position.get(a).copied()).collect::<Option<Vec<usize>>>()
        else {
            // An action the footprints never saw: expand everything.
            return;
        };
        let mut is_on = vec![false; n];
        for &p in &on {
            is_on[p] = true;
        }
        // What each disabled action waits on here, found once per state.
        let mut waits: Vec<Option<&[usize]>> = vec![None; n];
        let mut member = vec![false; n];
        let mut work = Vec::new();
        let mut found: Vec<Vec<usize>> = Vec::new();
        // Starts already rejected: a set that takes one in contains its whole set, so it is
        // rejected too.
        let mut refused = vec![false; n];
        for &start in &on {
            member.iter_mut().for_each(|m| *m = false);
            member[start] = true;
            work.clear();
            work.push(start);
            if self.visible[start] {
                refused[start] = true;
                continue;
            }
            let mut chosen = vec![start];
            // Grow until the set is closed, or it is no candidate: every enabled action (not a
            // proper subset) or a visible one (C2).
            let mut rejected = false;
            while let Some(t) = work.pop() {
                let next: &[usize] = if is_on[t] {
                    &self.dependent[t]
                } else {
                    waits[t].get_or_insert_with(|| self.waits_on(state, t))
                };
                for &u in next {
                    if !member[u] {
                        member[u] = true;
                        work.push(u);
                        if is_on[u] {
                            chosen.push(u);
                            rejected |= self.visible[u] || refused[u];
                        }
                    }
                }
                if rejected || chosen.len() == on.len() {
                    rejected = true;
                    break;
                }
            }
            if rejected {
                refused[start] = true;
                continue;
            }
            chosen.sort_unstable();
            if !found.contains(&chosen) {
                found.push(chosen);
            }
        }
        // Smallest first; among equals, the first met (action order of the starting action).
        found.sort_by_key(Vec::len);
        candidates.extend(found.into_iter().map(|c| c.into_iter().map(|p| self.ids[p]).collect()));
    }
}

/// Interned variable names, and sets of them.
#[derive(Default)]
struct Vars(IndexMap<String, ()>);

impl Vars {
    fn set(&mut self, names: &[String]) -> Vec<usize> {
        let mut v: Vec<usize> = names.iter().map(|n| self.0.insert_full(n.clone(), ()).0).collect();
        v.sort_unstable();
        v.dedup();
        v
    }
}

/// A variable set, or every variable.
#[derive(Clone)]
enum Set {
    All,
    Some(Vec<usize>),
}

impl Set {
    fn meets(&self, other: &Set) -> bool {
        match (self, other) {
            (Set::Some(a), Set::Some(b)) => a.iter().any(|x| b.binary_search(x).is_ok()),
            (Set::All, Set::Some(b)) | (Set::Some(b), Set::All) => !b.is_empty(),
            (Set::All, Set::All) => true,
        }
    }
}

impl<S> Stubborn<S> {
    fn new<T: System<State = S>>(sys: &T, fp: &Footprints<S>) -> Result<Self, Error> {
        let Some(ids) = sys.static_actions() else {
            return Err(Error::new(
                ErrorKind::InvalidInput,
                "partial_order: the system's actions are not known up front (a per-state menu); the reduction needs them",
            ));
        };
        let names: Vec<String> = ids.iter().map(|&a| sys.action_name(a).to_owned()).collect();
        let mut unknown: Vec<String> = fp.actions.keys().filter(|n| !names.contains(n)).cloned().collect();
        if !unknown.is_empty() {
            unknown.sort();
            let mut known = names.clone();
            known.sort();
            return Err(Error::new(
                ErrorKind::UnknownAction,
                format!(
                    "partial_order: footprints name {} which match no action (known: {})",
                    py_list(&unknown),
                    py_list(&known)
                ),
            ));
        }
        let invariants: Vec<String> =
            (0..sys.invariant_count()).map(|i| sys.invariant_name(i).to_owned()).collect();
        let unknown: Vec<String> =
            fp.invariants.keys().filter(|n| !invariants.contains(n)).cloned().collect();
        if !unknown.is_empty() {
            return Err(Error::new(
                ErrorKind::InvalidInput,
                format!(
                    "partial_order: footprints name invariants {} which the system does not have (it has {})",
                    py_list(&unknown),
                    py_list(&invariants)
                ),
            ));
        }
        if sys.edge_invariant_count() > 0 {
            return Err(Error::new(
                ErrorKind::InvalidInput,
                format!(
                    "partial_order: the system has edge invariants ({}), which judge transitions the reduction skips; check it in full",
                    sys.edge_invariant_name(0)
                ),
            ));
        }
        let mut vars = Vars::default();
        let footprint: Vec<Option<(Set, Set)>> = names
            .iter()
            .map(|n| {
                fp.actions.get(n).map(|f| {
                    let mut reads = f.reads.clone();
                    // Writing a variable is reading it for dependence's sake (write/write).
                    reads.extend(f.writes.iter().cloned());
                    (Set::Some(vars.set(&reads)), Set::Some(vars.set(&f.writes)))
                })
            })
            .collect();
        let (reads, writes): (Vec<Set>, Vec<Set>) =
            footprint.into_iter().map(|f| f.unwrap_or((Set::All, Set::All))).unzip();
        // What the properties observe: the variables of every invariant over several (or
        // undeclared) variables.
        let mut observed = Set::Some(Vec::new());
        for name in &invariants {
            match fp.invariants.get(name) {
                None => observed = Set::All,
                Some(r) => {
                    let set = vars.set(r);
                    if set.len() > 1
                        && let Set::Some(o) = &mut observed
                    {
                        o.extend(set);
                        o.sort_unstable();
                        o.dedup();
                    }
                }
            }
        }
        let n = ids.len();
        let dependent = (0..n)
            .map(|t| {
                (0..n)
                    .filter(|&u| u != t && (writes[t].meets(&reads[u]) || writes[u].meets(&reads[t])))
                    .collect()
            })
            .collect();
        let writers_of = |vars: &Set, t: usize| -> Vec<usize> {
            (0..n).filter(|&u| u != t && writes[u].meets(vars)).collect()
        };
        let enabling = (0..n).map(|t| writers_of(&reads[t], t)).collect();
        let guard = names
            .iter()
            .enumerate()
            .map(|(t, name)| {
                let mut waits: Vec<Waits<S>> = fp.actions.get(name).map_or_else(Vec::new, |f| {
                    f.guard
                        .iter()
                        .map(|c| Waits {
                            holds: Arc::clone(&c.holds),
                            writers: writers_of(&Set::Some(vars.set(&c.reads)), t),
                        })
                        .collect()
                });
                // Fewest writers first (stable: declaration order among equals).
                waits.sort_by_key(|w| w.writers.len());
                waits
            })
            .collect();
        let visible = (0..n).map(|t| writes[t].meets(&observed)).collect();
        let position = ids.iter().enumerate().map(|(p, &a)| (a, p)).collect();
        Ok(Stubborn {
            position,
            ids,
            names,
            dependent,
            enabling,
            guard,
            visible,
            memo: papaya::HashMap::new(),
        })
    }
}

/// A checker whose safety sweeps explore only ample sets; see the [module](self).
#[derive(Debug)]
pub struct Reduced<'a, T: System> {
    checker: Checker<'a, T>,
}

impl<'a, T: System> Checker<'a, T> {
    /// This checker with partial-order reduction from `footprints`, for the safety checks and
    /// the reduced graph.
    ///
    /// # Errors
    /// When the reduction is not known to preserve the verdict here (a per-state menu, edge
    /// invariants, a symmetry reduction or a key), or the footprints name unknown actions or
    /// invariants; see the [module](self).
    pub fn partial_order(&self, footprints: &Footprints<T::State>) -> Result<Reduced<'a, T>, Error> {
        if self.options.canonicalize.is_some() || self.options.identity.is_keyed() {
            return Err(Error::new(
                ErrorKind::InvalidInput,
                "partial_order: not combined with a symmetry reduction or a key (not known to preserve the verdict together); drop one",
            ));
        }
        let stubborn = Stubborn::new(self.sys, footprints)?;
        let mut options = self.options.clone();
        options.reduce = Some(Arc::new(stubborn));
        Ok(Reduced { checker: Checker { sys: self.sys, options } })
    }
}

impl<T: System> Reduced<'_, T> {
    /// The safety check over the reduced graph: the full check's verdict (ok or not); the
    /// first problem met may be another one when there are several.
    pub fn check(&self) -> CheckResult<T::State> {
        self.checker.check()
    }

    /// [`check`](Self::check) with the sweep's figures (states, transitions, time, memory).
    pub fn check_with_stats(&self) -> (CheckResult<T::State>, crate::check::Stats) {
        self.checker.check_with_stats()
    }

    /// Every broken invariant and a deadlock over the reduced graph: the same ones as the full
    /// check finds.
    pub fn check_all(&self, distinct_by: DistinctBy) -> Violations<T::State> {
        self.checker.check_all(distinct_by)
    }

    /// The reduced graph: its safety and deadlock answers are the full graph's; liveness over
    /// it is not.
    pub fn explore(&self) -> Graph<T::State> {
        self.checker.explore()
    }
}

/// Whether `footprints` are true of `sys` on its reachable states (explored in full, up to
/// `max_states`). Three claims are tested:
/// - wherever two enabled actions are independent by their footprints, firing them in either
///   order gives the same states, and neither disables the other;
/// - every declared guard conjunct holds wherever its action is enabled, and only its action
///   or a writer of its variables changes its value;
/// - only a writer of an invariant's declared variables changes whether it holds.
///
/// False when the exploration is truncated. A check on what was reached, not a proof.
///
/// # Errors
/// When the footprints cannot be read against `sys`, as for [`Checker::partial_order`].
pub fn footprints_sound<T: System>(
    sys: &T,
    footprints: &Footprints<T::State>,
    max_states: usize,
) -> Result<bool, Error> {
    let stubborn = Stubborn::new(sys, footprints)?;
    let graph = Checker::new(sys).max_states(max_states).explore();
    if graph.truncated() || graph.fault().is_some() {
        return Ok(false);
    }
    let step = |s: &T::State, a: ActionId| -> Vec<T::State> {
        let mut out = Vec::new();
        let _ = sys.successors(s, |b, y| {
            if b == a {
                out.push(y);
            }
            ControlFlow::Continue(())
        });
        out
    };
    // Each declared invariant's position and its variables' writers.
    let invariants: Vec<(usize, Vec<usize>)> = (0..sys.invariant_count())
        .filter_map(|i| {
            let reads = footprints.invariants.get(sys.invariant_name(i))?;
            let writers = stubborn
                .names
                .iter()
                .enumerate()
                .filter(|(_, n)| {
                    footprints.actions.get(*n).is_none_or(|f| f.writes.iter().any(|w| reads.contains(w)))
                })
                .map(|(p, _)| p)
                .collect();
            Some((i, writers))
        })
        .collect();
    for s in graph.states() {
        let mut edges: Vec<(ActionId, T::State)> = Vec::new();
        let _ = sys.successors(s, |a, y| {
            edges.push((a, y));
            ControlFlow::Continue(())
        });
        let mut enabled: Vec<ActionId> = Vec::new();
        for (a, _) in &edges {
            if !enabled.contains(a) {
                enabled.push(*a);
            }
        }
        // Conjuncts: necessary where enabled, and changed only by their writers.
        for (t, guard) in stubborn.guard.iter().enumerate() {
            for c in guard {
                let here = (c.holds)(s);
                if !here && enabled.contains(&stubborn.ids[t]) {
                    return Ok(false);
                }
                for (a, y) in &edges {
                    let Some(&pa) = stubborn.position.get(a) else { continue };
                    if pa != t && !c.writers.contains(&pa) && (c.holds)(y) != here {
                        return Ok(false);
                    }
                }
            }
        }
        // Invariants: changed only by writers of what they read.
        for (i, writers) in &invariants {
            let here = sys.check_invariant(*i, s).holds();
            for (a, y) in &edges {
                let Some(&pa) = stubborn.position.get(a) else { continue };
                if !writers.contains(&pa) && sys.check_invariant(*i, y).holds() != here {
                    return Ok(false);
                }
            }
        }
        for (i, &a) in enabled.iter().enumerate() {
            for &b in &enabled[i + 1..] {
                let (Some(&pa), Some(&pb)) = (stubborn.position.get(&a), stubborn.position.get(&b)) else {
                    continue;
                };
                if stubborn.dependent[pa].contains(&pb) {
                    continue;
                }
                for sa in step(s, a) {
                    for sb in step(s, b) {
                        let ab = step(&sa, b);
                        let ba = step(&sb, a);
                        if ab.is_empty() || ba.is_empty() || ab.iter().any(|x| !ba.contains(x)) {
                            return Ok(false);
                        }
                    }
                }
            }
        }
    }
    Ok(true)
}

/// The caller's ample sets ([`Checker::explore_por`]), checked at every state.
struct Given<F> {
    ample: F,
}

/// The name a refused ample set's panic carries, so that it becomes an [`Error`].
const REFUSED: &str = "ample set";

impl<S, F> Reduce<S> for Given<F>
where
    F: Fn(&S, &[&str]) -> Vec<String> + Send + Sync,
{
    fn candidates(
        &self,
        state: &S,
        enabled: &[ActionId],
        name: &dyn Fn(ActionId) -> String,
        candidates: &mut Vec<Vec<ActionId>>,
    ) {
        let names: Vec<String> = enabled.iter().map(|&a| name(a)).collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let chosen = (self.ample)(state, &refs);
        let refuse = |message: String| -> ! {
            std::panic::resume_unwind(Box::new(crate::fault::Named { name: REFUSED.to_owned(), message }))
        };
        if chosen.is_empty() {
            refuse(format!("the ample set is empty where {} are enabled (C0)", py_list(&names)));
        }
        let mut positions = Vec::with_capacity(chosen.len());
        for c in &chosen {
            match names.iter().position(|n| n == c) {
                None => refuse(format!(
                    "the ample set names '{c}', which is not enabled here (enabled: {})",
                    py_list(&names)
                )),
                Some(p) if positions.contains(&p) => refuse(format!("the ample set names '{c}' twice")),
                Some(p) => positions.push(p),
            }
        }
        positions.sort_unstable();
        candidates.push(positions.into_iter().map(|p| enabled[p]).collect());
    }
}

impl<T: System> Checker<'_, T> {
    /// The original's `explore_por`: the graph explored with the ample sets the caller gives,
    /// `ample(state, enabled)` naming a subset of the enabled actions (in action order). Unlike
    /// the original, which applies whatever it is given (a disabled action without its guard,
    /// an empty set as a dead end, a name twice as two edges), every set is checked: nonempty
    /// where something is enabled (C0), enabled actions only, no repeats; and the engine's
    /// cycle proviso (C3) expands a state in full where the set would close a cycle, so the
    /// graph can differ from the original's on cyclic models. C1 and C2 remain the caller's:
    /// test them with [`por_sound`]. Successors come in action order, as everywhere.
    ///
    /// # Errors
    /// A set that breaks one of those checks, naming the state; refused configurations as for
    /// [`Checker::partial_order`] (a key, edge invariants), except that canonicalisation is
    /// allowed here as in the original.
    pub fn explore_por(
        &self,
        ample: impl Fn(&T::State, &[&str]) -> Vec<String> + Send + Sync + 'static,
    ) -> Result<Graph<T::State>, Error> {
        let mut options = self.options.clone();
        options.reduce = Some(Arc::new(Given { ample }));
        let graph = Checker { sys: self.sys, options }.explore();
        if let Some(f) = graph.fault()
            && f.fault.name.as_deref() == Some(REFUSED)
        {
            let at = f.trace.last().map_or_else(String::new, |s| format!(" at {:?}", s.state));
            return Err(Error::new(ErrorKind::InvalidInput, format!("explore_por{at}: {}", f.fault.message)));
        }
        Ok(graph)
    }
}

/// [`Checker::explore_por`] with the default configuration.
pub fn explore_por<T: System>(
    sys: &T,
    ample: impl Fn(&T::State, &[&str]) -> Vec<String> + Send + Sync + 'static,
) -> Result<Graph<T::State>, Error> {
    Checker::new(sys).explore_por(ample)
}

/// Whether actions `a` and `b` commute at `state` (the original's `independent`): both are
/// enabled, each stays enabled after the other, and either order reaches the same states.
/// Computed at this one state; symmetric; `independent(a, a, s)` is true exactly when `a` is
/// enabled at `s` and still enabled after firing (for a deterministic action).
pub fn independent<T: System>(sys: &T, a: &str, b: &str, state: &T::State) -> bool {
    let step = |s: &T::State, name: &str| -> Vec<T::State> {
        let mut out = Vec::new();
        let _ = sys.successors(s, |x, y| {
            if sys.action_name(x) == name {
                out.push(y);
            }
            ControlFlow::Continue(())
        });
        out
    };
    let (after_a, after_b) = (step(state, a), step(state, b));
    if after_a.is_empty() || after_b.is_empty() {
        return false;
    }
    after_a.iter().all(|sa| {
        after_b.iter().all(|sb| {
            let (ab, ba) = (step(sa, b), step(sb, a));
            !ab.is_empty()
                && !ba.is_empty()
                && ab.iter().all(|x| ba.contains(x))
                && ba.iter().all(|x| ab.contains(x))
        })
    })
}

/// The original's gate `por_sound`, made stricter: the graph [`Checker::explore_por`] builds
/// with `ample` (up to `max_states`) must break the same invariants as the full graph **and
/// agree on whether a deadlock is reachable** (the original compared invariant names only, so
/// an ample set that fires nothing passed on a model whose invariants hold). False when either
/// exploration is truncated. A check on this instance, not a proof.
///
/// # Errors
/// As [`Checker::explore_por`].
pub fn por_sound<T: System>(
    sys: &T,
    ample: impl Fn(&T::State, &[&str]) -> Vec<String> + Send + Sync + 'static,
    max_states: usize,
) -> Result<bool, Error> {
    let full = Checker::new(sys).max_states(max_states).check_all(DistinctBy::Invariant);
    let mut options = Checker::new(sys).max_states(max_states).options;
    options.reduce = Some(Arc::new(Given { ample }));
    let reduced = Checker { sys, options }.check_all(DistinctBy::Invariant);
    if let Some(f) = reduced.iter().find_map(|r| r.fault.as_ref())
        && f.name.as_deref() == Some(REFUSED)
    {
        return Err(Error::new(ErrorKind::InvalidInput, format!("por_sound: {}", f.message)));
    }
    if full.truncated || reduced.truncated {
        return Ok(false);
    }
    let problems = |v: &Violations<T::State>| -> Vec<(Option<crate::result::Kind>, Option<String>)> {
        let mut p: Vec<_> = v.iter().map(|r| (r.kind, r.invariant.clone())).collect();
        p.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
        p
    };
    Ok(problems(&full) == problems(&reduced))
}
