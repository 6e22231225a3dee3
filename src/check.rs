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

use crate::engine::{self, At, End, Identity, Observer, Options, Problem, StateId, Sweep};
use crate::fault;
use crate::properties::Properties;
use crate::result::{CheckResult, Kind, Limit, Step};
use crate::system::{System, TransitionSystem};

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
}

impl<T: System> Checker<'_, T> {
    /// [`Checker::check`] with what the search did: states, transitions and time.
    pub fn check_with_stats(&self) -> (CheckResult<T::State>, Stats) {
        self.check_against(self.sys)
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
        let mut observer =
            EveryProblem { props: self.sys, distinct_by: &distinct_by, found: IndexMap::new() };
        let sweep = engine::sweep(self.sys, self.sys, &self.options, &mut observer);
        let truncated = matches!(sweep.end, End::Truncated | End::OverBudget);
        let mut found: Vec<CheckResult<T::State>> = observer.found.into_values().collect();
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

impl<T: TransitionSystem> Checker<'_, T> {
    /// The safety check of this system's dynamics against other properties (a view such as
    /// "only this invariant").
    pub(crate) fn check_against<P: Properties<T::State>>(&self, props: &P) -> (CheckResult<T::State>, Stats) {
        let start = std::time::Instant::now();
        let mut observer = FirstProblem { props, result: None };
        let sweep = engine::sweep(self.sys, props, &self.options, &mut observer);
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
            End::Stopped => observer.result.expect("the check observer stops only with a result"),
            End::Fault { at, ref fault } => panic_result(self.sys, &self.options, &sweep, at, fault.clone()),
        };
        (result, stats)
    }
}

/// [`Checker::check`] with the defaults.
pub fn check<T: System>(sys: &T) -> CheckResult<T::State> {
    Checker::new(sys).check()
}

/// [`Checker::check_all`] with the defaults.
pub fn check_all<T: System>(sys: &T, distinct_by: DistinctBy) -> Vec<CheckResult<T::State>> {
    Checker::new(sys).check_all(distinct_by)
}

pub(crate) fn panic_result<T: TransitionSystem>(
    sys: &T,
    options: &Options<T::State>,
    sweep: &Sweep<T::State>,
    at: Option<StateId>,
    fault: fault::Fault,
) -> CheckResult<T::State> {
    let trace = at.map(|id| engine::trace::trace_to(sys, options, &sweep.store, id)).unwrap_or_default();
    let mut r = CheckResult::fail(Kind::Panic, sweep.store.len(), trace);
    r.invariant = fault.name.clone();
    r.reason = Some(fault.message.clone());
    r.fault = Some(fault);
    r
}

/// The result that reports `problem` at `at`.
fn problem_result<T: TransitionSystem, P: Properties<T::State>>(
    at: &At<'_, T>,
    props: &P,
    problem: Problem<T::State>,
) -> CheckResult<T::State> {
    match problem {
        Problem::Invariant { index, reason } => {
            let mut r = CheckResult::fail(Kind::Invariant, at.explored, at.trace());
            r.invariant = Some(props.invariant_name(index).to_owned());
            r.reason = reason.filter(|r| !r.is_empty());
            r
        }
        Problem::Edge { index, action, next, reason } => {
            let mut trace = at.trace();
            trace.push(Step::new(at.sys.action_name(action), next));
            let mut r = CheckResult::fail(Kind::EdgeInvariant, at.explored, trace);
            r.invariant = Some(props.edge_invariant_name(index).to_owned());
            r.reason = reason.filter(|r| !r.is_empty());
            r
        }
        Problem::Deadlock => CheckResult::fail(Kind::Deadlock, at.explored, at.trace()),
    }
}

/// `check`: stop at the first problem.
struct FirstProblem<'a, P, S> {
    props: &'a P,
    result: Option<CheckResult<S>>,
}

impl<T: TransitionSystem, P: Properties<T::State>> Observer<T> for FirstProblem<'_, P, T::State> {
    fn stops_at_first_problem(&self) -> bool {
        true
    }

    fn problem(&mut self, at: &At<'_, T>, problem: Problem<T::State>) -> ControlFlow<()> {
        self.result = Some(problem_result(at, self.props, problem));
        ControlFlow::Break(())
    }
}

#[derive(Clone, PartialEq, Eq, Hash)]
enum Bucket {
    State((String, Option<Option<String>>)),
    Edge((String, Option<Option<String>>)),
    Deadlock,
}

/// `check_all`: record the first witness of every distinct problem.
struct EveryProblem<'a, P, S> {
    props: &'a P,
    distinct_by: &'a DistinctBy,
    found: IndexMap<Bucket, CheckResult<S>>,
}

impl<T: TransitionSystem, P: Properties<T::State>> Observer<T> for EveryProblem<'_, P, T::State> {
    fn problem(&mut self, at: &At<'_, T>, problem: Problem<T::State>) -> ControlFlow<()> {
        let key = match &problem {
            Problem::Invariant { index, reason } => {
                Bucket::State(self.distinct_by.bucket(self.props.invariant_name(*index), reason.as_deref()))
            }
            Problem::Edge { index, reason, .. } => Bucket::Edge(
                self.distinct_by.bucket(self.props.edge_invariant_name(*index), reason.as_deref()),
            ),
            Problem::Deadlock => Bucket::Deadlock,
        };
        if !self.found.contains_key(&key) {
            self.found.insert(key, problem_result(at, self.props, problem));
        }
        ControlFlow::Continue(())
    }
}
