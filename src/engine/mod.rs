//! The one exploration loop: breadth-first search over a [`TransitionSystem`].
//!
//! `sweep` seeds the store with the initial states (canonicalised, deduplicated, never
//! capped), then expands states in discovery order, which is FIFO order because the store
//! numbers states as it finds them. What a sweep does at each state is decided by a
//! `Policy`: `check` stops at the first problem, `check_all` records every distinct one,
//! `explore` records the edges. The cap, canonicalisation, identity by key and the catching of
//! panics in user code live here once, for all of them.

mod index;
mod parallel;
mod progress;
pub mod store;

use std::ops::ControlFlow;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

pub(crate) use parallel::PARALLEL_LEVEL;
pub(crate) use store::Identity;
pub use store::{StateId, Store};

use crate::fault::{self, Fault, Site};
use crate::system::{ActionId, TransitionSystem};

/// A state-to-representative map for symmetry reduction.
pub(crate) type Canon<S> = Arc<dyn Fn(&S) -> S + Send + Sync>;

/// Options every sweep understands.
pub(crate) struct Options<S> {
    pub max_states: usize,
    /// Threads expanding each breadth-first level (1: the serial loop).
    pub workers: usize,
    /// Levels smaller than this are expanded by the merging thread alone.
    pub parallel_level: usize,
    /// Stop (truncated) once the store holds more bytes than this.
    pub memory_budget: Option<usize>,
    /// Show a progress line on long runs (on a terminal only).
    pub progress: bool,
    /// Identify states by 64-bit fingerprints and forget expanded ones (check, check_all).
    pub fingerprint: bool,
    pub canonicalize: Option<Canon<S>>,
    pub identity: Identity<S>,
}

impl<S> Clone for Options<S> {
    fn clone(&self) -> Self {
        Options {
            max_states: self.max_states,
            workers: self.workers,
            parallel_level: self.parallel_level,
            memory_budget: self.memory_budget,
            progress: self.progress,
            fingerprint: self.fingerprint,
            canonicalize: self.canonicalize.clone(),
            identity: self.identity.clone(),
        }
    }
}

/// What a sweep does at each state.
pub(crate) trait Policy<S> {
    /// A state was dequeued (check its invariants). `Break` ends the sweep.
    fn visit(&mut self, store: &Store<S>, id: StateId, state: &S) -> ControlFlow<()>;

    /// Whether [`Policy::visit`] only evaluates the system's invariants and does nothing when
    /// they all hold: the parallel merge then has the workers evaluate them and calls `visit`
    /// only where one does not hold (or panics).
    fn visit_is_invariants(&self) -> bool {
        false
    }

    /// Whether [`Policy::expanded`] does nothing for a state with at least one successor (it
    /// only looks for deadlocks): the parallel merge then skips it for those.
    fn expanded_is_deadlock_test(&self) -> bool {
        false
    }

    /// Whether successors are all produced (and passed to [`Policy::check_edge`]) before any is
    /// stored; otherwise each is stored as it is produced.
    fn buffered(&self) -> bool {
        false
    }

    /// In buffered mode, one successor just produced. `Break` ends the sweep.
    fn check_edge(
        &mut self,
        _store: &Store<S>,
        _from: StateId,
        _state: &S,
        _action: ActionId,
        _next: &S,
    ) -> ControlFlow<()> {
        ControlFlow::Continue(())
    }

    /// An edge was stored (its target is new or was seen before).
    fn on_edge(&mut self, _from: StateId, _action: ActionId, _to: StateId) {}

    /// Whether [`Policy::on_edge`] must see edges to states already stored (only `explore`
    /// needs them; the parallel driver then keeps them, else it only counts them).
    fn records_edges(&self) -> bool {
        false
    }

    /// The state was expanded with `enabled` enabled actions (not called after a cap hit).
    /// `Break` ends the sweep.
    fn expanded(&mut self, _store: &Store<S>, _id: StateId, _state: &S, _enabled: usize) -> ControlFlow<()> {
        ControlFlow::Continue(())
    }
}

/// How a sweep ended.
#[derive(Debug)]
pub(crate) enum End {
    /// Every reachable state was expanded.
    Exhausted,
    /// The cap was hit.
    Truncated,
    /// The store outgrew the memory budget.
    OverBudget,
    /// The policy stopped it.
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

pub(crate) fn fault_from<T: TransitionSystem>(sys: &T, payload: &(dyn std::any::Any + Send)) -> Fault {
    let site = fault::current();
    let name = match site {
        Site::Guard(a) | Site::Effect(a) => Some(sys.action_name(a)),
        Site::Invariant(i) => Some(sys.invariant_name(i)),
        Site::EdgeInvariant(i) => Some(sys.edge_invariant_name(i)),
        _ => None,
    };
    Fault { name, callback: site.callback(), message: fault::message(payload) }
}

#[inline]
pub(crate) fn canon<S>(options: &Options<S>, s: S) -> S {
    match &options.canonicalize {
        None => s,
        Some(c) => {
            fault::enter(Site::Canonicalize);
            c(&s)
        }
    }
}

/// Run the breadth-first loop over `sys` from its initial states.
pub(crate) fn sweep<T, P>(sys: &T, options: &Options<T::State>, policy: &mut P) -> Sweep<T::State>
where
    T: TransitionSystem,
    P: Policy<T::State>,
{
    sweep_from(sys, None, options, policy)
}

/// Run the breadth-first loop from `starts` (or the system's own initial states).
pub(crate) fn sweep_from<T, P>(
    sys: &T,
    starts: Option<Vec<T::State>>,
    options: &Options<T::State>,
    policy: &mut P,
) -> Sweep<T::State>
where
    T: TransitionSystem,
    P: Policy<T::State>,
{
    let mut store = if options.fingerprint {
        Store::fingerprinted(options.identity.clone())
    } else {
        Store::new(options.identity.clone())
    };
    let mut initial = Vec::new();
    sys.begin_sweep();

    let seeded = catch_unwind(AssertUnwindSafe(|| {
        fault::enter(Site::Initial);
        let starts = starts.unwrap_or_else(|| sys.initial_states());
        for s0 in starts {
            let s = canon(options, s0);
            let (id, _) = store.insert(s, None);
            initial.push(id);
        }
    }));
    if let Err(payload) = seeded {
        let fault = fault_from(sys, &*payload);
        return Sweep { store, initial, end: End::Fault { at: None, fault }, transitions: 0 };
    }

    let mut transitions = 0u64;
    if options.workers > 1 {
        let end = parallel::levels(sys, options, &mut store, policy, options.workers, &mut transitions);
        return Sweep { store, initial, end, transitions };
    }
    let max = options.max_states;
    let mut buf: Vec<(ActionId, T::State)> = Vec::new();
    let mut batch: Vec<(ActionId, T::State, u64)> = Vec::new();
    let mut ahead: Vec<(ActionId, T::State, u64)> = Vec::new();
    let mut ahead_of: Option<(StateId, Option<Fault>)> = None;
    let mut cursor = 0usize;
    let mut progress = progress::Progress::new(options.progress);
    let (mut depth, mut level_end) = (0usize, store.len());
    while cursor < store.len() {
        if cursor == level_end {
            depth += 1;
            level_end = store.len();
        }
        if cursor % progress::EVERY == 0 && cursor > 0 {
            store.release_before(cursor);
            let bytes = store.heap_bytes();
            progress.update(store.len(), depth, store.len() - cursor, bytes);
            if options.memory_budget.is_some_and(|b| bytes > b) {
                return Sweep { store, initial, end: End::OverBudget, transitions };
            }
        }
        let id = StateId::new(cursor as u32);
        cursor += 1;
        let step = catch_unwind(AssertUnwindSafe(|| -> Option<End> {
            // SAFETY: the store never moves or drops a stored state while it lives (chunks keep
            // their capacity), and `store` outlives this closure.
            let x: &T::State = unsafe { &*store.stable_ptr(id) };
            if policy.visit(&store, id, x).is_break() {
                return Some(End::Stopped);
            }
            let mut enabled = 0usize;
            let mut truncated = false;
            if policy.buffered() {
                buf.clear();
                fault::enter(Site::Successors);
                let flow = sys.successors(x, |a, y| {
                    enabled += 1;
                    buf.push((a, canon(options, y)));
                    let (a, y) = buf.last().expect("just pushed");
                    policy.check_edge(&store, id, x, *a, y)
                });
                if flow.is_break() {
                    return Some(End::Stopped);
                }
                for (a, y) in buf.drain(..) {
                    transitions += 1;
                    let (to, new) = store.insert(y, Some(id));
                    policy.on_edge(id, a, to);
                    if new && store.len() >= max {
                        truncated = true;
                        break;
                    }
                }
            } else {
                // The successors of a state are produced (each hashed, its index slot
                // prefetched) one state ahead of their lookups: the loads of many lookups
                // overlap instead of each lookup waiting for memory in turn. (Prefetching the
                // stored states the lookups compare against as well was measured slower: it
                // costs a second probe per successor.) What the serial
                // order decides is unchanged: states are stored in emission order, the cap
                // stops at the same successor, and a panic in user code is reported only when
                // the sweep reaches it (a state's invariants, then the successors before it).
                let fault = match ahead_of.take() {
                    Some((next, fault)) if next == id => {
                        std::mem::swap(&mut batch, &mut ahead);
                        fault
                    }
                    _ => generate(sys, options, &mut store, x, &mut batch),
                };
                if cursor < store.len() {
                    // SAFETY: as for `x`.
                    let next: &T::State = unsafe { &*store.stable_ptr(StateId::new(cursor as u32)) };
                    let fault = generate(sys, options, &mut store, next, &mut ahead);
                    ahead_of = Some((StateId::new(cursor as u32), fault));
                }
                for (a, y, h) in batch.drain(..) {
                    enabled += 1;
                    transitions += 1;
                    let (to, new) = store.insert_hashed(y, h, Some(id));
                    policy.on_edge(id, a, to);
                    if new && store.len() >= max {
                        truncated = true;
                        break;
                    }
                }
                if let (Some(fault), false) = (fault, truncated) {
                    return Some(End::Fault { at: Some(id), fault });
                }
            }
            if truncated {
                return Some(End::Truncated);
            }
            if policy.expanded(&store, id, x, enabled).is_break() {
                return Some(End::Stopped);
            }
            None
        }));
        match step {
            Ok(None) => {}
            Ok(Some(end)) => return Sweep { store, initial, end, transitions },
            Err(payload) => {
                let fault = fault_from(sys, &*payload);
                return Sweep { store, initial, end: End::Fault { at: Some(id), fault }, transitions };
            }
        }
    }
    Sweep { store, initial, end: End::Exhausted, transitions }
}

/// Produce the successors of `x` into `out` (cleared first), each canonicalised and hashed, its
/// index slot prefetched; the panic that cut them short, if any.
fn generate<T: TransitionSystem>(
    sys: &T,
    options: &Options<T::State>,
    store: &mut Store<T::State>,
    x: &T::State,
    out: &mut Vec<(ActionId, T::State, u64)>,
) -> Option<Fault> {
    out.clear();
    let generated = catch_unwind(AssertUnwindSafe(|| {
        fault::enter(Site::Successors);
        let _ = sys.successors(x, |a, y| {
            let y = canon(options, y);
            let h = store.hash(&y);
            store.prefetch_slot(h);
            out.push((a, y, h));
            ControlFlow::Continue(())
        });
    }));
    generated.err().map(|payload| fault_from(sys, &*payload))
}
