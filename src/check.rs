//! Safety checking: [`check`], [`check_all`] and the [`Checker`] builder that configures them.
//!
//! `check` sweeps breadth-first and returns the first problem (broken invariant, broken edge
//! invariant, deadlock) with its shortest trace; `check_all` sweeps everything and returns one
//! shortest witness per distinct problem.
//!
//! ```
//! use musil::{Checker, DistinctBy, Model};
//! let m = Model::new(0u32)
//!     .action("inc", |n| *n < 5, |n| n + 1)
//!     .invariant("small", |n| *n < 3)
//!     .terminal(|n| *n == 5);
//! let r = Checker::new(&m).max_states(100).check();
//! assert_eq!(r.invariant.as_deref(), Some("small"));
//! assert_eq!(r.trace.len(), 4);
//! let all = Checker::new(&m).check_all(DistinctBy::Invariant);
//! assert_eq!(all.len(), 1);
//! ```

use std::ops::ControlFlow;
use std::sync::Arc;

use indexmap::IndexMap;

use crate::engine::{self, End, Identity, Options, Policy, StateId, Store, Sweep};
use crate::fault::{self, Site};
use crate::model::Verdict;
use crate::result::{CheckResult, Kind, Limit, Step};
use crate::system::{ActionId, TransitionSystem};

/// The default cap on distinct states, as in the original.
pub const DEFAULT_MAX_STATES: usize = 1_000_000;

/// A caller's bucket function for [`DistinctBy::Custom`]: (invariant name, raw reason) → class.
pub type BucketFn = Box<dyn Fn(&str, Option<&str>) -> String + Send + Sync>;

/// What a search did.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Stats {
    /// Distinct states stored.
    pub states: usize,
    /// Transitions followed (successors produced).
    pub transitions: u64,
    /// Wall-clock seconds.
    pub seconds: f64,
    /// Bytes the store held at the end: the states' inline parts, parent links and index.
    pub store_bytes: usize,
    /// In fingerprint mode: an upper bound on the probability that two distinct states shared
    /// a fingerprint (n(n-1)/2 pairs, each colliding with probability 2^-64).
    pub collision_probability: Option<f64>,
}

/// How [`check_all`] tells violations apart.
pub enum DistinctBy {
    /// One entry per broken invariant name (the default).
    Invariant,
    /// One entry per (invariant, reason); a `""` reason and a plain `false` are different.
    Reason,
    /// One entry per class the function returns for (invariant name, raw reason).
    Custom(BucketFn),
}

impl DistinctBy {
    /// Bucket by a caller's function of (invariant name, raw reason).
    pub fn custom(f: impl Fn(&str, Option<&str>) -> String + Send + Sync + 'static) -> Self {
        DistinctBy::Custom(Box::new(f))
    }

    fn bucket(&self, name: &str, reason: Option<&str>) -> (String, Option<Option<String>>) {
        match self {
            DistinctBy::Invariant => (name.to_owned(), None),
            DistinctBy::Reason => (name.to_owned(), Some(reason.map(str::to_owned))),
            DistinctBy::Custom(f) => (f(name, reason), None),
        }
    }
}

impl std::fmt::Debug for DistinctBy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DistinctBy::Invariant => write!(f, "Invariant"),
            DistinctBy::Reason => write!(f, "Reason"),
            DistinctBy::Custom(_) => write!(f, "Custom(..)"),
        }
    }
}

/// Configures and runs the analyses over one transition system.
///
/// `Checker::new(&model)` then options (`max_states`, `canonicalize`, `key`), then a run
/// (`check`, `check_all`, `explore`, ...).
#[must_use = "a Checker does nothing until you call check(), check_all() or explore()"]
pub struct Checker<'a, T: TransitionSystem> {
    pub(crate) sys: &'a T,
    pub(crate) options: Options<T::State>,
}

impl<T: TransitionSystem> std::fmt::Debug for Checker<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Checker")
            .field("max_states", &self.options.max_states)
            .field("canonicalize", &self.options.canonicalize.is_some())
            .finish_non_exhaustive()
    }
}

impl<'a, T: TransitionSystem> Checker<'a, T> {
    /// A checker with the defaults: a cap of [`DEFAULT_MAX_STATES`], no symmetry reduction,
    /// states identified by value.
    pub fn new(sys: &'a T) -> Self {
        Checker {
            sys,
            options: Options {
                max_states: DEFAULT_MAX_STATES,
                workers: 1,
                parallel_level: crate::engine::PARALLEL_LEVEL,
                memory_budget: None,
                progress: true,
                fingerprint: false,
                canonicalize: None,
                identity: Identity::by_value(),
            },
        }
    }

    /// Stop once this many distinct states are known; the result is then marked truncated.
    /// The cap is tested only when a new state is recorded, never while seeding, so a cap
    /// below 2 acts like 2 on a model with one initial state.
    pub fn max_states(mut self, max_states: usize) -> Self {
        self.options.max_states = max_states;
        self
    }

    /// Expand each breadth-first level with this many threads (default 1). The result (verdict,
    /// count, trace, truncation) is the same for any number: new states are numbered in the
    /// order the serial search discovers them. Only side effects of user code differ (a guard or
    /// effect may run for a state the serial search stops before expanding).
    pub fn workers(mut self, workers: usize) -> Self {
        self.options.workers = workers.max(1);
        self
    }

    /// Expand levels in parallel from this size on (default 256); tests set 1 so that tiny
    /// models exercise the worker threads.
    #[doc(hidden)]
    pub fn parallel_level(mut self, states: usize) -> Self {
        self.options.parallel_level = states.max(1);
        self
    }

    /// Stop once the store holds more than this many bytes (its states' inline parts, parent
    /// links and index): the result is then truncated, and says it stopped at the memory budget.
    pub fn memory_budget(mut self, bytes: usize) -> Self {
        self.options.memory_budget = Some(bytes);
        self
    }

    /// Fingerprint mode for spaces that do not fit: states are identified by 64-bit hashes and
    /// forgotten once expanded, so memory per state (about 17 bytes) no longer depends on the
    /// state's size; traces are rebuilt by running the model again from the initial state.
    /// Two states with one fingerprint count as one, and what only the second reaches is
    /// missed: [`Stats::collision_probability`] bounds that chance (about n²/2^65 for n
    /// states). Used by `check` and `check_all`; graphs (`explore`, liveness, LTL) stay exact.
    pub fn fingerprint(mut self, on: bool) -> Self {
        self.options.fingerprint = on;
        self
    }

    /// Show a progress line (states, states/s, depth, queue, memory) on stderr during long
    /// searches. On by default; it only ever appears on a terminal, after a second.
    pub fn progress(mut self, show: bool) -> Self {
        self.options.progress = show;
        self
    }

    /// Symmetry reduction: map every state (initial ones too) to a representative; only
    /// representatives are stored, expanded and shown. Sound only for a real symmetry of the
    /// model: check it on small instances with [`symmetry_reduction_sound`](crate::symmetry_reduction_sound).
    pub fn canonicalize(
        mut self,
        canonicalize: impl Fn(&T::State) -> T::State + Send + Sync + 'static,
    ) -> Self {
        self.options.canonicalize = Some(Arc::new(canonicalize));
        self
    }

    /// Identify states by `key(state)` for the visited set only (traces keep the full states).
    /// The key must be injective on reachable states: two states with one key count as one,
    /// and everything only the second reaches is never explored.
    pub fn key<K: std::hash::Hash + Eq>(
        mut self,
        key: impl Fn(&T::State) -> K + Send + Sync + 'static,
    ) -> Self {
        self.options.identity = Identity::by_key(key);
        self
    }

    /// [`Checker::check`] with what the search did: states, transitions and time.
    pub fn check_with_stats(&self) -> (CheckResult<T::State>, Stats) {
        let start = std::time::Instant::now();
        let mut policy = FirstProblem::new(self.sys, &self.options);
        let sweep = engine::sweep(self.sys, &self.options, &mut policy);
        let stats = Stats {
            states: sweep.store.len(),
            transitions: sweep.transitions,
            seconds: start.elapsed().as_secs_f64(),
            store_bytes: sweep.store.heap_bytes(),
            collision_probability: sweep.store.is_fingerprinted().then(|| {
                let n = sweep.store.len() as f64;
                (n * (n - 1.0) / 2.0 / 2f64.powi(64)).min(1.0)
            }),
        };
        let n = sweep.store.len();
        let result = match sweep.end {
            End::Exhausted => CheckResult::pass(n, false),
            End::Truncated => CheckResult::pass(n, true),
            End::OverBudget => {
                let mut r = CheckResult::pass(n, true);
                r.limit = Some(Limit::MemoryBudget);
                r
            }
            End::Stopped => policy.result.expect("the check policy stops only with a result"),
            End::Fault { at, ref fault } => panic_result(self.sys, &self.options, &sweep, at, fault.clone()),
        };
        (result, stats)
    }

    /// Breadth-first safety check: the first broken invariant, broken edge invariant or
    /// deadlock, with its shortest trace; else OK.
    pub fn check(&self) -> CheckResult<T::State> {
        self.check_with_stats().0
    }

    /// Sweep everything and return the shortest witness of each distinct problem, ordered by
    /// trace length (ties in discovery order). Violating states are expanded too. Empty iff
    /// the model is correct (up to the cap: a capped sweep marks every entry truncated).
    pub fn check_all(&self, distinct_by: DistinctBy) -> Vec<CheckResult<T::State>> {
        let mut policy = EveryProblem::new(self.sys, &self.options, &distinct_by);
        let sweep = engine::sweep(self.sys, &self.options, &mut policy);
        let truncated = matches!(sweep.end, End::Truncated | End::OverBudget);
        let mut found: Vec<CheckResult<T::State>> = policy.found.into_values().collect();
        if let End::Fault { at, ref fault } = sweep.end {
            found.push(panic_result(self.sys, &self.options, &sweep, at, fault.clone()));
        }
        found.sort_by_key(|r| r.trace.len());
        if truncated {
            for r in &mut found {
                r.truncated = true;
            }
        }
        found
    }
}

/// [`Checker::check`] with the defaults.
pub fn check<T: TransitionSystem>(sys: &T) -> CheckResult<T::State> {
    Checker::new(sys).check()
}

/// [`Checker::check_all`] with the defaults.
pub fn check_all<T: TransitionSystem>(sys: &T, distinct_by: DistinctBy) -> Vec<CheckResult<T::State>> {
    Checker::new(sys).check_all(distinct_by)
}

/// The trace from a root to `id`, states cloned. The store keeps parents, not actions: each
/// step's action is the first one of the parent whose (canonical) successor is the child, which
/// is the action that discovered it.
pub(crate) fn trace_to<T: TransitionSystem>(
    sys: &T,
    options: &Options<T::State>,
    store: &Store<T::State>,
    id: StateId,
) -> Vec<Step<T::State>> {
    let ids = store.path(id);
    if store.is_fingerprinted() {
        return trace_by_fingerprints(sys, options, store, &ids);
    }
    let mut trace = Vec::with_capacity(ids.len());
    trace.push(Step::new("<init>", store.get(ids[0]).clone()));
    for w in ids.windows(2) {
        let (parent, child) = (store.get(w[0]), store.get(w[1]));
        let mut found = None;
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            sys.successors(parent, |a, y| {
                if store.same(&engine::canon(options, y), child) {
                    found = Some(a);
                    return std::ops::ControlFlow::Break(());
                }
                std::ops::ControlFlow::Continue(())
            })
        }));
        let name = match found {
            Some(a) => sys.action_name(a),
            None => "<action not reproducible: the model's successors changed>".to_owned(),
        };
        trace.push(Step::new(name, child.clone()));
    }
    trace
}

/// Fingerprint mode: the expanded states are gone, so the path is found again from the
/// initial states, each step the first successor with the recorded fingerprint.
fn trace_by_fingerprints<T: TransitionSystem>(
    sys: &T,
    options: &Options<T::State>,
    store: &Store<T::State>,
    ids: &[StateId],
) -> Vec<Step<T::State>> {
    let lost = "<not reproducible: the model's successors changed>";
    let fp = |i: StateId| store.fingerprint(i).expect("a fingerprint store");
    let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let root = sys
            .initial_states()
            .into_iter()
            .map(|s| engine::canon(options, s))
            .find(|s| store.hash(s) == fp(ids[0]))?;
        let mut trace = vec![Step::new("<init>", root)];
        for &next in &ids[1..] {
            let cur = &trace.last().expect("the root is there").state;
            let mut found = None;
            let _ = sys.successors(cur, |a, y| {
                let y = engine::canon(options, y);
                if store.hash(&y) == fp(next) {
                    found = Some((a, y));
                    return std::ops::ControlFlow::Break(());
                }
                std::ops::ControlFlow::Continue(())
            });
            let (a, y) = found?;
            trace.push(Step::new(sys.action_name(a), y));
        }
        Some(trace)
    }));
    match run {
        Ok(Some(trace)) => trace,
        // The model changed under us: the last state is still known only by its number.
        _ => vec![Step::new(lost, store.get(*ids.last().expect("a path")).clone())],
    }
}

pub(crate) fn panic_result<T: TransitionSystem>(
    sys: &T,
    options: &Options<T::State>,
    sweep: &Sweep<T::State>,
    at: Option<StateId>,
    fault: fault::Fault,
) -> CheckResult<T::State> {
    let trace = at.map(|id| trace_to(sys, options, &sweep.store, id)).unwrap_or_default();
    let mut r = CheckResult::fail(Kind::Panic, sweep.store.len(), trace);
    r.invariant = fault.name.clone();
    r.reason = Some(fault.message.clone());
    r.fault = Some(fault);
    r
}

#[inline]
pub(crate) fn invariant_verdict<T: TransitionSystem>(sys: &T, index: usize, state: &T::State) -> Verdict {
    fault::enter(Site::Invariant(index));
    sys.check_invariant(index, state)
}

#[inline]
pub(crate) fn edge_verdict<T: TransitionSystem>(
    sys: &T,
    index: usize,
    before: &T::State,
    action: ActionId,
    after: &T::State,
) -> Verdict {
    fault::enter(Site::EdgeInvariant(index));
    sys.check_edge_invariant(index, before, action, after)
}

#[inline]
pub(crate) fn terminal<T: TransitionSystem>(sys: &T, state: &T::State) -> bool {
    fault::enter(Site::Terminal);
    sys.is_terminal(state)
}

/// `check`: stop at the first problem.
struct FirstProblem<'a, T: TransitionSystem> {
    sys: &'a T,
    options: &'a Options<T::State>,
    invariants: usize,
    edge_invariants: usize,
    result: Option<CheckResult<T::State>>,
}

impl<'a, T: TransitionSystem> FirstProblem<'a, T> {
    fn new(sys: &'a T, options: &'a Options<T::State>) -> Self {
        FirstProblem {
            sys,
            options,
            invariants: sys.invariant_count(),
            edge_invariants: sys.edge_invariant_count(),
            result: None,
        }
    }
}

impl<T: TransitionSystem> Policy<T::State> for FirstProblem<'_, T> {
    fn visit(&mut self, store: &Store<T::State>, id: StateId, state: &T::State) -> ControlFlow<()> {
        for i in 0..self.invariants {
            if let Verdict::Violated(reason) = invariant_verdict(self.sys, i, state) {
                let mut r = CheckResult::fail(
                    Kind::Invariant,
                    store.explored(),
                    trace_to(self.sys, self.options, store, id),
                );
                r.invariant = Some(self.sys.invariant_name(i));
                r.reason = reason.filter(|r| !r.is_empty());
                self.result = Some(r);
                return ControlFlow::Break(());
            }
        }
        ControlFlow::Continue(())
    }

    fn visit_is_invariants(&self) -> bool {
        true
    }

    fn expanded_is_deadlock_test(&self) -> bool {
        true
    }

    fn buffered(&self) -> bool {
        self.edge_invariants > 0
    }

    fn check_edge(
        &mut self,
        store: &Store<T::State>,
        from: StateId,
        state: &T::State,
        action: ActionId,
        next: &T::State,
    ) -> ControlFlow<()> {
        for i in 0..self.edge_invariants {
            if let Verdict::Violated(reason) = edge_verdict(self.sys, i, state, action, next) {
                let mut trace = trace_to(self.sys, self.options, store, from);
                trace.push(Step::new(self.sys.action_name(action), next.clone()));
                let mut r = CheckResult::fail(Kind::EdgeInvariant, store.explored(), trace);
                r.invariant = Some(self.sys.edge_invariant_name(i));
                r.reason = reason.filter(|r| !r.is_empty());
                self.result = Some(r);
                return ControlFlow::Break(());
            }
        }
        ControlFlow::Continue(())
    }

    fn expanded(
        &mut self,
        store: &Store<T::State>,
        id: StateId,
        state: &T::State,
        enabled: usize,
    ) -> ControlFlow<()> {
        if enabled == 0 && !terminal(self.sys, state) {
            self.result = Some(CheckResult::fail(
                Kind::Deadlock,
                store.explored(),
                trace_to(self.sys, self.options, store, id),
            ));
            return ControlFlow::Break(());
        }
        ControlFlow::Continue(())
    }
}

#[derive(Clone, PartialEq, Eq, Hash)]
enum Bucket {
    State((String, Option<Option<String>>)),
    Edge((String, Option<Option<String>>)),
    Deadlock,
}

/// `check_all`: record the first witness of every distinct problem.
struct EveryProblem<'a, T: TransitionSystem> {
    sys: &'a T,
    options: &'a Options<T::State>,
    distinct_by: &'a DistinctBy,
    invariants: usize,
    edge_invariants: usize,
    found: IndexMap<Bucket, CheckResult<T::State>>,
}

impl<'a, T: TransitionSystem> EveryProblem<'a, T> {
    fn new(sys: &'a T, options: &'a Options<T::State>, distinct_by: &'a DistinctBy) -> Self {
        EveryProblem {
            sys,
            options,
            distinct_by,
            invariants: sys.invariant_count(),
            edge_invariants: sys.edge_invariant_count(),
            found: IndexMap::new(),
        }
    }
}

impl<T: TransitionSystem> Policy<T::State> for EveryProblem<'_, T> {
    fn visit(&mut self, store: &Store<T::State>, id: StateId, state: &T::State) -> ControlFlow<()> {
        for i in 0..self.invariants {
            if let Verdict::Violated(reason) = invariant_verdict(self.sys, i, state) {
                let name = self.sys.invariant_name(i);
                let key = Bucket::State(self.distinct_by.bucket(&name, reason.as_deref()));
                if !self.found.contains_key(&key) {
                    let mut r = CheckResult::fail(
                        Kind::Invariant,
                        store.explored(),
                        trace_to(self.sys, self.options, store, id),
                    );
                    r.invariant = Some(name);
                    r.reason = reason.filter(|r| !r.is_empty());
                    self.found.insert(key, r);
                }
            }
        }
        ControlFlow::Continue(())
    }

    fn visit_is_invariants(&self) -> bool {
        true
    }

    fn expanded_is_deadlock_test(&self) -> bool {
        true
    }

    fn buffered(&self) -> bool {
        self.edge_invariants > 0
    }

    fn check_edge(
        &mut self,
        store: &Store<T::State>,
        from: StateId,
        state: &T::State,
        action: ActionId,
        next: &T::State,
    ) -> ControlFlow<()> {
        for i in 0..self.edge_invariants {
            if let Verdict::Violated(reason) = edge_verdict(self.sys, i, state, action, next) {
                let name = self.sys.edge_invariant_name(i);
                let key = Bucket::Edge(self.distinct_by.bucket(&name, reason.as_deref()));
                if !self.found.contains_key(&key) {
                    let mut trace = trace_to(self.sys, self.options, store, from);
                    trace.push(Step::new(self.sys.action_name(action), next.clone()));
                    let mut r = CheckResult::fail(Kind::EdgeInvariant, store.explored(), trace);
                    r.invariant = Some(name);
                    r.reason = reason.filter(|r| !r.is_empty());
                    self.found.insert(key, r);
                }
            }
        }
        ControlFlow::Continue(())
    }

    fn expanded(
        &mut self,
        store: &Store<T::State>,
        id: StateId,
        state: &T::State,
        enabled: usize,
    ) -> ControlFlow<()> {
        if enabled == 0 && !terminal(self.sys, state) && !self.found.contains_key(&Bucket::Deadlock) {
            let r = CheckResult::fail(
                Kind::Deadlock,
                store.explored(),
                trace_to(self.sys, self.options, store, id),
            );
            self.found.insert(Bucket::Deadlock, r);
        }
        ControlFlow::Continue(())
    }
}
