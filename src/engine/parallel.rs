//! The parallel driver: level-synchronous, with the same result as the serial loop.
//!
//! A breadth-first level (the states numbered `[start, end)` when the level begins) is expanded
//! by worker threads: each computes a state's successors, canonicalises and hashes them, and
//! looks each up in the store, which nobody writes during this phase. Then one thread merges the
//! expansions in state order, exactly as the serial loop would: invariants first, then each
//! successor in action order (edge invariants, insertion with the first discoverer as parent,
//! the cap), then the deadlock test. New states are therefore numbered in serial discovery
//! order, and the verdict, the count and the trace do not depend on the number of workers.
//! User code that panics during expansion is recorded with the state and reported only when the
//! merge reaches that point, as the serial loop would report it.

use std::ops::ControlFlow;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::{End, Options, Policy, StateId, Store, canon, fault_from};
use crate::fault::{self, Fault, Site};
use crate::system::{ActionId, TransitionSystem};

/// Levels smaller than this are expanded on the merging thread alone (the default).
pub(crate) const PARALLEL_LEVEL: usize = 256;
/// States a worker takes at a time.
const CHUNK: usize = 128;

/// One successor as the expansion phase saw it.
enum Succ<S> {
    /// Already stored when the level began (the state is kept only for edge invariants).
    Known { action: ActionId, id: StateId, state: Option<S> },
    /// Not stored when the level began.
    New { action: ActionId, state: S, hash: u64 },
}

/// A state's successors, in action order, and the panic that cut them short, if any.
struct Expansion<S> {
    items: Vec<Succ<S>>,
    fault: Option<Fault>,
}

fn expand<T: TransitionSystem>(
    sys: &T,
    options: &Options<T::State>,
    store: &Store<T::State>,
    x: &T::State,
    keep_known: bool,
) -> Expansion<T::State> {
    let mut items = Vec::new();
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        fault::enter(Site::Successors);
        let _ = sys.successors(x, |action, y| {
            let y = canon(options, y);
            let hash = store.hash(&y);
            match store.find_hashed(&y, hash) {
                Some(id) => items.push(Succ::Known { action, id, state: keep_known.then_some(y) }),
                None => items.push(Succ::New { action, state: y, hash }),
            }
            ControlFlow::Continue(())
        });
    }));
    let fault = outcome.err().map(|payload| fault_from(sys, &*payload));
    Expansion { items, fault }
}

/// Expand the states `[start, end)` with `workers` threads; results in state order.
fn expand_level<T: TransitionSystem>(
    sys: &T,
    options: &Options<T::State>,
    store: &Store<T::State>,
    start: usize,
    end: usize,
    workers: usize,
    keep_known: bool,
) -> Vec<Expansion<T::State>> {
    let n = end - start;
    let one = |i: usize| expand(sys, options, store, store.get(StateId::new(i as u32)), keep_known);
    if n < options.parallel_level || workers <= 1 {
        return (start..end).map(one).collect();
    }
    let chunks = n.div_ceil(CHUNK);
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Vec<Expansion<T::State>>>>> =
        Mutex::new((0..chunks).map(|_| None).collect());
    let work = || {
        loop {
            let c = next.fetch_add(1, Ordering::Relaxed);
            if c >= chunks {
                break;
            }
            let lo = start + c * CHUNK;
            let hi = (lo + CHUNK).min(end);
            let done: Vec<Expansion<T::State>> = (lo..hi).map(one).collect();
            results.lock().unwrap_or_else(|e| e.into_inner())[c] = Some(done);
        }
    };
    std::thread::scope(|scope| {
        for _ in 1..workers {
            scope.spawn(work);
        }
        work();
    });
    results
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .into_iter()
        .flat_map(|c| c.expect("every chunk is expanded"))
        .collect()
}

/// Merge one expanded state, as the serial loop processes it. `Some(end)` stops the sweep.
fn merge<T: TransitionSystem, P: Policy<T::State>>(
    store: &mut Store<T::State>,
    policy: &mut P,
    id: StateId,
    expansion: Expansion<T::State>,
    max: usize,
    transitions: &mut u64,
) -> Option<End> {
    // SAFETY: the store never moves or drops a stored state while it lives (chunks keep their
    // capacity), and `store` outlives this borrow.
    let x: &T::State = unsafe { &*store.stable_ptr(id) };
    if policy.visit(store, id, x).is_break() {
        return Some(End::Stopped);
    }
    let Expansion { items, fault } = expansion;
    let enabled = items.len();
    if policy.buffered() {
        for item in &items {
            let (action, y) = match item {
                Succ::Known { action, state: Some(y), .. } => (*action, y),
                Succ::New { action, state, .. } => (*action, state),
                Succ::Known { state: None, .. } => unreachable!("edge invariants keep known successors"),
            };
            if policy.check_edge(store, id, x, action, y).is_break() {
                return Some(End::Stopped);
            }
        }
        if let Some(fault) = fault {
            return Some(End::Fault { at: Some(id), fault });
        }
    }
    for item in items {
        *transitions += 1;
        let (action, to, new) = match item {
            Succ::Known { action, id: to, .. } => (action, to, false),
            Succ::New { action, state, hash } => {
                let (to, new) = store.insert_hashed(state, hash, Some((id, action)));
                (action, to, new)
            }
        };
        policy.on_edge(id, action, to);
        if new && store.len() >= max {
            return Some(End::Truncated);
        }
    }
    if let Some(fault) = fault {
        return Some(End::Fault { at: Some(id), fault });
    }
    if policy.expanded(store, id, x, enabled).is_break() {
        return Some(End::Stopped);
    }
    None
}

/// Expand every level from `cursor` on with `workers` threads; the end of the sweep.
pub(super) fn levels<T: TransitionSystem, P: Policy<T::State>>(
    sys: &T,
    options: &Options<T::State>,
    store: &mut Store<T::State>,
    policy: &mut P,
    workers: usize,
    transitions: &mut u64,
) -> End {
    let keep_known = policy.buffered();
    let mut start = 0usize;
    while start < store.len() {
        let end = store.len();
        let expansions = expand_level(sys, options, store, start, end, workers, keep_known);
        for (k, expansion) in expansions.into_iter().enumerate() {
            let id = StateId::new((start + k) as u32);
            let step = catch_unwind(AssertUnwindSafe(|| {
                merge::<T, P>(store, policy, id, expansion, options.max_states, transitions)
            }));
            match step {
                Ok(None) => {}
                Ok(Some(end)) => return end,
                Err(payload) => return End::Fault { at: Some(id), fault: fault_from(sys, &*payload) },
            }
        }
        start = end;
    }
    End::Exhausted
}
