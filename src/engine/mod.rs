//! The one exploration engine: breadth-first search over a [`TransitionSystem`], judged by its
//! [`Properties`], heard by an analysis's observer.
//!
//! A sweep seeds the store with the initial states (canonicalised, deduplicated, never
//! capped), then expands states in discovery order, which is FIFO order because the store
//! numbers states as it finds them. What happens at each state (invariants, successors, edge
//! invariants, the cap, panics, deadlocks) is written once, in `step`. The sweep goes level by
//! level (`parallel::levels`): a level runs on the serial driver (`serial`) with one worker or
//! when it is narrow, and on the workers otherwise; with two workers over states without heap
//! parts, one thread stores in the serial driver's order while the other expands ahead of it
//! (`pipeline`). All apply the same rules, so the verdict, the count and the trace do not
//! depend on the number of workers. An analysis (`check`,
//! `check_all`, `explore`, ...) only observes: it hears every problem and, if it asks, every
//! edge, and decides what to keep and when to stop. Traces are rebuilt from parent links in
//! one place (`trace`); the limits and settings of a sweep are one [`Config`].

mod config;
mod fpset;
mod index;
mod parallel;
mod pipeline;
mod progress;
mod serial;
mod spill;
pub(crate) mod step;
pub(crate) mod store;
pub(crate) mod trace;

pub(crate) use config::{Canon, Reduce};
pub use config::{Config, DEFAULT_MAX_STATES};
pub(crate) use step::{At, Observer, Problem, Rules, fault_from};
pub use store::StateId;
pub(crate) use store::Store;
pub use trace::Step;

use crate::fault::{self, Fault, Site};
use crate::properties::Properties;
use crate::system::TransitionSystem;

/// How a sweep ended.
#[derive(Debug)]
pub(crate) enum End {
    /// Every reachable state was expanded.
    Exhausted,
    /// The cap was hit.
    Truncated,
    /// The store outgrew the memory budget.
    OverBudget,
    /// The observer stopped it.
    Stopped,
    /// User code panicked while the state `at` was being processed (`None`: before any).
    Fault { at: Option<StateId>, fault: Fault },
}

/// The store and the end of a sweep.
pub(crate) struct Sweep<S> {
    pub store: Store<S>,
    /// The canonical initial states in the given order (duplicates kept).
    pub initial: Vec<StateId>,
    pub end: End,
    /// Transitions followed (successors produced and merged).
    pub transitions: u64,
}

#[inline]
pub(crate) fn canon<S>(options: &Config<S>, s: S) -> S {
    match &options.canonicalize {
        None => s,
        Some(c) => {
            fault::enter(Site::Canonicalize);
            c(&s)
        }
    }
}

/// Run the engine over `sys` judged by `props` from its initial states.
pub(crate) fn sweep<T, P, O>(
    sys: &T,
    props: &P,
    options: &Config<T::State>,
    observer: &mut O,
) -> Sweep<T::State>
where
    T: TransitionSystem,
    P: Properties<T::State>,
    O: Observer<T>,
{
    sweep_from(sys, props, None, options, observer)
}

/// Run the engine from `starts` (or the system's own initial states).
pub(crate) fn sweep_from<T, P, O>(
    sys: &T,
    props: &P,
    starts: Option<Vec<T::State>>,
    options: &Config<T::State>,
    observer: &mut O,
) -> Sweep<T::State>
where
    T: TransitionSystem,
    P: Properties<T::State>,
    O: Observer<T>,
{
    let mut store = if !options.fingerprint {
        Store::new(options.identity.clone())
    } else if options.reduce.is_none() && !observer.wants_edges() {
        Store::lean(options.identity.clone(), options.spill_dir.as_deref().map(|d| d.as_path()))
    } else {
        // A reduction's proviso and an edge-recording observer read state numbers back.
        Store::fingerprinted(options.identity.clone())
    };
    // Ids are 32 bits: the numbering stops a sweep, truncated, where the store's ids end.
    let clamped;
    let options = if options.max_states > store.max_len() {
        clamped = Config { max_states: store.max_len(), ..options.clone() };
        &clamped
    } else {
        options
    };
    let mut initial = Vec::new();
    sys.begin_sweep();

    let seeded = crate::fault::catch(|| {
        fault::enter(Site::Initial);
        let starts = starts.unwrap_or_else(|| sys.initial_states());
        for s0 in starts {
            let s = canon(options, s0);
            let (id, _) = store.insert(s, None);
            initial.push(id);
        }
    });
    if let Err(payload) = seeded {
        let fault = fault_from(sys, props, &*payload);
        return Sweep { store, initial, end: End::Fault { at: None, fault }, transitions: 0 };
    }

    let rules = Rules::new(sys, props, options, observer.stops_at_first_problem());
    let mut transitions = 0u64;
    let end = parallel::levels(&rules, &mut store, observer, &mut transitions);
    Sweep { store, initial, end, transitions }
}
