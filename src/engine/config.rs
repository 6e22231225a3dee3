//! One configuration value for every search: [`Config`].
//!
//! Every analysis (check, check_all, explore, liveness, LTL, the patterns, open systems, the
//! probabilistic builder) explores through the one engine, and every one takes its limits and
//! engine settings from the same value: the state cap, workers, memory budget, fingerprint
//! mode, the progress line, and how states are identified (canonicalisation for symmetry, a
//! key for the visited set). Setters take and return the value; getters resolve it.
//!
//! ```
//! use musil::{Checker, Config, Model};
//! let m = Model::new(0u32).action("inc", |n| *n < 1000, |n| n + 1).terminal(|n| *n == 1000);
//! let config = Config::new().max_states(100).workers(2);
//! let r = Checker::new(&m).config(config.clone()).check();
//! assert!(r.ok && r.truncated);
//! assert_eq!(config.get_max_states(), 100);
//! ```

use std::sync::Arc;

use super::parallel::PARALLEL_LEVEL;
use super::store::Identity;

/// The default cap on distinct states, as in the original.
pub const DEFAULT_MAX_STATES: usize = 1_000_000;

/// A state-to-representative map for symmetry reduction.
pub(crate) type Canon<S> = Arc<dyn Fn(&S) -> S + Send + Sync>;

/// How a search runs: its limits and engine settings. Cheap to clone; every analysis takes
/// one (through [`Checker::config`](crate::Checker::config) or its setters).
#[must_use = "a Config does nothing until a Checker (or Prob) is given it"]
pub struct Config<S> {
    pub(crate) max_states: usize,
    /// Threads expanding each breadth-first level (1: the serial driver).
    pub(crate) workers: usize,
    /// Levels smaller than this are expanded by the serial driver.
    pub(crate) parallel_level: usize,
    /// Stop (truncated) once the store holds more bytes than this.
    pub(crate) memory_budget: Option<usize>,
    /// Show a progress line on long runs (on a terminal only).
    pub(crate) progress: bool,
    /// Identify states by 64-bit fingerprints and forget expanded ones (check, check_all).
    pub(crate) fingerprint: bool,
    pub(crate) canonicalize: Option<Canon<S>>,
    pub(crate) identity: Identity<S>,
    /// A partial-order reduction: which enabled actions to expand (set only by the reduced
    /// checks of [`crate::por`], which refuse what it does not preserve).
    pub(crate) reduce: Option<Arc<dyn Reduce<S>>>,
    /// Where fingerprint mode writes parent links (the system's temporary directory when
    /// `None`).
    pub(crate) spill_dir: Option<Arc<std::path::PathBuf>>,
}

/// A partial-order reduction's choice at one state: among the enabled actions (distinct, in
/// action order), the proper subsets that may be expanded alone, best first. The engine takes
/// the first that keeps its cycle proviso, else every action.
pub(crate) trait Reduce<S>: Send + Sync {
    /// Push the candidate ample sets at `state` onto `candidates` (empty on entry), best first;
    /// `name` gives an action's name.
    fn candidates(
        &self,
        state: &S,
        enabled: &[crate::system::ActionId],
        name: &dyn Fn(crate::system::ActionId) -> String,
        candidates: &mut Vec<Vec<crate::system::ActionId>>,
    );
}

impl<S> Clone for Config<S> {
    fn clone(&self) -> Self {
        Config {
            max_states: self.max_states,
            workers: self.workers,
            parallel_level: self.parallel_level,
            memory_budget: self.memory_budget,
            progress: self.progress,
            fingerprint: self.fingerprint,
            canonicalize: self.canonicalize.clone(),
            identity: self.identity.clone(),
            reduce: self.reduce.clone(),
            spill_dir: self.spill_dir.clone(),
        }
    }
}

impl<S> std::fmt::Debug for Config<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("max_states", &self.max_states)
            .field("workers", &self.workers)
            .field("memory_budget", &self.memory_budget)
            .field("fingerprint", &self.fingerprint)
            .field("progress", &self.progress)
            .field("canonicalize", &self.canonicalize.is_some())
            .field("key", &self.identity.is_keyed())
            .field("reduced", &self.reduce.is_some())
            .field("spill_dir", &self.spill_dir)
            .finish()
    }
}

impl<S: std::hash::Hash + Eq> Default for Config<S> {
    fn default() -> Self {
        Config {
            max_states: DEFAULT_MAX_STATES,
            workers: 1,
            parallel_level: PARALLEL_LEVEL,
            memory_budget: None,
            progress: true,
            fingerprint: false,
            canonicalize: None,
            identity: Identity::by_value(),
            reduce: None,
            spill_dir: None,
        }
    }
}

impl<S: std::hash::Hash + Eq> Config<S> {
    /// The defaults: a cap of [`DEFAULT_MAX_STATES`], one worker, no memory budget, exact
    /// mode, a progress line on long runs, no symmetry reduction, states identified by value.
    pub fn new() -> Self {
        Self::default()
    }

    /// Stop once this many distinct states are known; the result is then marked truncated.
    /// The cap is tested only when a new state is recorded, never while seeding, so a cap
    /// below 2 acts like 2 on a model with one initial state.
    pub fn max_states(mut self, max_states: usize) -> Self {
        self.max_states = max_states;
        self
    }

    /// Expand each breadth-first level with this many threads (default 1). The result (verdict,
    /// count, trace, truncation) is the same for any number: new states are numbered in the
    /// order the serial search discovers them. Only side effects of user code differ (a guard or
    /// effect may run for a state the serial search stops before expanding).
    ///
    /// With two workers over states without heap parts, one thread stores states in the serial
    /// order while the other runs the model ahead of it; otherwise each level is split among
    /// the workers and merged in order. `docs/PERFORMANCE.md` has the figures.
    pub fn workers(mut self, workers: usize) -> Self {
        self.workers = workers.max(1);
        self
    }

    /// Expand levels in parallel from this size on (default 256); tests set 1 so that tiny
    /// models exercise the worker threads. (The two-worker pipeline has no such threshold: a
    /// narrow level is the storing thread's own work.)
    #[doc(hidden)]
    pub fn parallel_level(mut self, states: usize) -> Self {
        self.parallel_level = states.max(1);
        self
    }

    /// Stop once the store holds more than this many bytes (its states' inline parts, parent
    /// links and index): the result is then truncated, and says it stopped at the memory budget.
    pub fn memory_budget(mut self, bytes: usize) -> Self {
        self.memory_budget = Some(bytes);
        self
    }

    /// Fingerprint mode for spaces that do not fit: states are identified by 64-bit hashes and
    /// forgotten once expanded, so memory per state no longer depends on the state's size.
    /// The index keeps 7 bytes per fingerprint (about 8.4 bytes per state with its slack) and
    /// no state numbers; each state's parent link (its parent and its position among the
    /// parent's successors) goes to a file in the [`spill_dir`](Self::spill_dir) level by
    /// level, 8 bytes per state on disk. RAM then holds about 8.4 bytes per state plus what
    /// the levels being expanded and found take (their states, and with several workers their
    /// pending states). Traces are rebuilt by running the
    /// model again from the initial state along the recorded positions.
    ///
    /// Two states with one fingerprint count as one, and what only the second reaches is
    /// missed: [`Stats::collision_probability`](crate::Stats::collision_probability) bounds that
    /// chance (about n²/2^65 for n states). Used by `check` and `check_all`; graphs (`explore`,
    /// liveness, LTL) stay exact. A partial-order reduction's cycle proviso needs state
    /// numbers, so a reduced check in fingerprint mode keeps them (about 20 bytes per state,
    /// in RAM). Ids are 32 bits: a fingerprint sweep stops, truncated, at 4,294,967,294
    /// states (2,147,483,647 otherwise), whatever `max_states` says.
    pub fn fingerprint(mut self, on: bool) -> Self {
        self.fingerprint = on;
        self
    }

    /// Where fingerprint mode writes its parent links (default: the system's temporary
    /// directory, `std::env::temp_dir()`). The file is removed when the search ends; on Unix
    /// it is unlinked at once, so an interrupted run leaves nothing behind. If it cannot be
    /// written, the links stay in memory and a warning says so on stderr.
    pub fn spill_dir(mut self, dir: impl Into<std::path::PathBuf>) -> Self {
        self.spill_dir = Some(Arc::new(dir.into()));
        self
    }

    /// Show a progress line (states, states/s, depth, queue, memory) on stderr during long
    /// searches. On by default; it only ever appears on a terminal, after a second.
    pub fn progress(mut self, show: bool) -> Self {
        self.progress = show;
        self
    }

    /// Symmetry reduction: map every state (initial ones too) to a representative; only
    /// representatives are stored, expanded and shown. Sound only for a real symmetry of the
    /// model: check it on small instances with
    /// [`symmetry_reduction_sound`](crate::symmetry_reduction_sound).
    pub fn canonicalize(mut self, canonicalize: impl Fn(&S) -> S + Send + Sync + 'static) -> Self {
        self.canonicalize = Some(Arc::new(canonicalize));
        self
    }

    /// Identify states by `key(state)` for the visited set only (traces keep the full states).
    /// The key must be injective on reachable states: two states with one key count as one,
    /// and everything only the second reaches is never explored.
    pub fn key<K: std::hash::Hash + Eq>(mut self, key: impl Fn(&S) -> K + Send + Sync + 'static) -> Self {
        self.identity = Identity::by_key(key);
        self
    }

    /// The cap on distinct states.
    pub fn get_max_states(&self) -> usize {
        self.max_states
    }

    /// The number of workers.
    pub fn get_workers(&self) -> usize {
        self.workers
    }

    /// The memory budget in bytes, if any.
    pub fn get_memory_budget(&self) -> Option<usize> {
        self.memory_budget
    }

    /// Whether fingerprint mode is on.
    pub fn get_fingerprint(&self) -> bool {
        self.fingerprint
    }

    /// Whether the progress line may show.
    pub fn get_progress(&self) -> bool {
        self.progress
    }

    /// Whether a symmetry reduction is set.
    pub fn has_canonicalize(&self) -> bool {
        self.canonicalize.is_some()
    }

    /// Whether states are identified by a key.
    pub fn has_key(&self) -> bool {
        self.identity.is_keyed()
    }
}

impl<S> Config<S> {
    /// The same engine settings (workers, memory budget, progress) for a derived system over
    /// other states, capped at `max_states`: no canonicalisation, states identified by value,
    /// exact mode.
    pub(crate) fn for_states_of<R: std::hash::Hash + Eq>(&self, max_states: usize) -> Config<R> {
        Config {
            max_states,
            workers: self.workers,
            parallel_level: self.parallel_level,
            memory_budget: self.memory_budget,
            progress: self.progress,
            ..Config::default()
        }
    }
}
