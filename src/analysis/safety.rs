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

use indexmap::IndexMap;

use crate::engine::{self, At, End, Observer, Problem, StateId, Sweep};
pub use crate::engine::{Config, DEFAULT_MAX_STATES};
use crate::fault;
use crate::properties::Properties;
use crate::result::{CheckResult, Kind, Limit, Step};
use crate::system::{System, TransitionSystem};

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

/// Runs the analyses over one transition system, configured by one [`Config`].
///
/// `Checker::new(&model)` then settings (`max_states`, `workers`, `canonicalize`, `key`, ...,
/// or a whole [`Config`] at once), then a run (`check`, `check_all`, `explore`,
/// `check_liveness`, `check_ltl`, the patterns, `check_open`, ...).
#[must_use = "a Checker does nothing until you call check(), check_all() or explore()"]
pub struct Checker<'a, T: TransitionSystem> {
    pub(crate) sys: &'a T,
    pub(crate) options: Config<T::State>,
}

impl<T: TransitionSystem> std::fmt::Debug for Checker<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Checker").field("config", &self.options).finish_non_exhaustive()
    }
}

impl<'a, T: TransitionSystem> Checker<'a, T> {
    /// A checker with the default [`Config`]: a cap of [`DEFAULT_MAX_STATES`], one worker, no
    /// symmetry reduction, states identified by value.
    pub fn new(sys: &'a T) -> Self {
        Checker { sys, options: Config::new() }
    }

    /// Use this configuration (replacing every setting made so far).
    pub fn config(mut self, config: Config<T::State>) -> Self {
        self.options = config;
        self
    }

    /// The configuration in force.
    pub fn get_config(&self) -> &Config<T::State> {
        &self.options
    }

    /// See [`Config::max_states`].
    pub fn max_states(mut self, max_states: usize) -> Self {
        self.options = self.options.max_states(max_states);
        self
    }

    /// See [`Config::workers`].
    pub fn workers(mut self, workers: usize) -> Self {
        self.options = self.options.workers(workers);
        self
    }

    /// See [`Config::parallel_level`].
    #[doc(hidden)]
    pub fn parallel_level(mut self, states: usize) -> Self {
        self.options = self.options.parallel_level(states);
        self
    }

    /// See [`Config::memory_budget`].
    pub fn memory_budget(mut self, bytes: usize) -> Self {
        self.options = self.options.memory_budget(bytes);
        self
    }

    /// See [`Config::fingerprint`].
    pub fn fingerprint(mut self, on: bool) -> Self {
        self.options = self.options.fingerprint(on);
        self
    }

    /// See [`Config::spill_dir`].
    pub fn spill_dir(mut self, dir: impl Into<std::path::PathBuf>) -> Self {
        self.options = self.options.spill_dir(dir);
        self
    }

    /// See [`Config::progress`].
    pub fn progress(mut self, show: bool) -> Self {
        self.options = self.options.progress(show);
        self
    }

    /// See [`Config::canonicalize`].
    pub fn canonicalize(
        mut self,
        canonicalize: impl Fn(&T::State) -> T::State + Send + Sync + 'static,
    ) -> Self {
        self.options = self.options.canonicalize(canonicalize);
        self
    }

    /// See [`Config::key`].
    pub fn key<K: std::hash::Hash + Eq>(
        mut self,
        key: impl Fn(&T::State) -> K + Send + Sync + 'static,
    ) -> Self {
        self.options = self.options.key(key);
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
    /// trace length (ties in discovery order). Violating states are expanded too. Empty and
    /// complete iff the model is correct; a sweep stopped by the cap or the memory budget says
    /// so ([`Violations::truncated`]), and marks every entry truncated as the original does.
    pub fn check_all(&self, distinct_by: DistinctBy) -> Violations<T::State> {
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
        Violations {
            found,
            states_explored: sweep.store.len(),
            truncated,
            limit: matches!(sweep.end, End::OverBudget).then_some(Limit::MemoryBudget),
        }
    }
}

/// What [`check_all`] returns: the shortest witness of each distinct problem, and whether the
/// search saw every reachable state. It dereferences to the slice of witnesses, so `len()`,
/// indexing and iteration read them directly.
///
/// ```
/// use musil::{Checker, DistinctBy, Model};
/// let unbounded = Model::new(0u64).action("inc", |_| true, |n| n + 1);
/// let all = Checker::new(&unbounded).max_states(5).check_all(DistinctBy::Invariant);
/// assert!(all.is_empty());
/// assert!(all.truncated && !all.is_complete()); // no violation seen, but not everything seen
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[must_use = "check_all's answer says what is broken: assert on it or print it"]
pub struct Violations<S> {
    /// One shortest witness per distinct problem, by trace length (ties in discovery order).
    pub found: Vec<CheckResult<S>>,
    /// Distinct states the sweep stored.
    pub states_explored: usize,
    /// The sweep stopped at the cap or the memory budget: problems beyond it are unknown.
    pub truncated: bool,
    /// What stopped it, when it was not the cap.
    pub limit: Option<Limit>,
}

impl<S> Violations<S> {
    /// The same answer with every trace state passed through `f` (see
    /// [`CheckResult::map_states`]).
    pub fn map_states<R>(self, mut f: impl FnMut(S) -> R) -> Violations<R> {
        Violations {
            found: self.found.into_iter().map(|r| r.map_states(&mut f)).collect(),
            states_explored: self.states_explored,
            truncated: self.truncated,
            limit: self.limit,
        }
    }

    /// True when the sweep saw every reachable state (so an empty answer proves the model).
    pub fn is_complete(&self) -> bool {
        !self.truncated
    }

    /// True when nothing is broken and everything was seen.
    pub fn ok(&self) -> bool {
        self.found.is_empty() && !self.truncated
    }
}

impl<S> std::ops::Deref for Violations<S> {
    type Target = [CheckResult<S>];
    fn deref(&self) -> &[CheckResult<S>] {
        &self.found
    }
}

impl<S> IntoIterator for Violations<S> {
    type Item = CheckResult<S>;
    type IntoIter = std::vec::IntoIter<CheckResult<S>>;
    fn into_iter(self) -> Self::IntoIter {
        self.found.into_iter()
    }
}

impl<'v, S> IntoIterator for &'v Violations<S> {
    type Item = &'v CheckResult<S>;
    type IntoIter = std::slice::Iter<'v, CheckResult<S>>;
    fn into_iter(self) -> Self::IntoIter {
        self.found.iter()
    }
}

impl<S: std::fmt::Debug> std::fmt::Display for Violations<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.found.is_empty() {
            write!(f, "OK — {} states, no violations", self.states_explored)?;
            if self.states_explored == 0 {
                write!(f, " (VACUOUS: the system has no initial state, so nothing was checked)")?;
            }
        } else {
            for (i, r) in self.found.iter().enumerate() {
                if i > 0 {
                    writeln!(f)?;
                }
                write!(f, "{r}")?;
            }
        }
        if self.truncated {
            match self.limit {
                Some(Limit::MemoryBudget) => {
                    write!(f, "\n(TRUNCATED at the memory budget: problems beyond it are unknown)")?
                }
                _ => write!(f, "\n(TRUNCATED at cap: problems beyond it are unknown)")?,
            }
        }
        Ok(())
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
pub fn check_all<T: System>(sys: &T, distinct_by: DistinctBy) -> Violations<T::State> {
    Checker::new(sys).check_all(distinct_by)
}

pub(crate) fn panic_result<T: TransitionSystem>(
    sys: &T,
    options: &Config<T::State>,
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
