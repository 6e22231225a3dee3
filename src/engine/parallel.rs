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

/// What the expansion of one state produced: its successors are `items[start..end]` of its
/// chunk, `enabled` counts them all (also known ones not kept), `fault` is the panic that cut
/// them short, if any.
struct Expansion {
    start: usize,
    end: usize,
    enabled: usize,
    fault: Option<Fault>,
}

/// The expansions of a run of consecutive states, with their successors in one buffer.
struct Chunk<S> {
    items: Vec<Succ<S>>,
    states: Vec<Expansion>,
}

/// How much of a known successor the merge needs.
#[derive(Clone, Copy)]
enum Keep {
    /// Only that it exists (for the deadlock test): check, check_all.
    Count,
    /// Its id (explore records every edge).
    Id,
    /// Its id and the state (edge invariants read it).
    State,
}

fn expand<T: TransitionSystem>(
    sys: &T,
    options: &Options<T::State>,
    store: &Store<T::State>,
    x: &T::State,
    keep: Keep,
    items: &mut Vec<Succ<T::State>>,
) -> Expansion {
    let start = items.len();
    let mut enabled = 0usize;
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        fault::enter(Site::Successors);
        let _ = sys.successors(x, |action, y| {
            enabled += 1;
            let y = canon(options, y);
            let hash = store.hash(&y);
            match (store.find_hashed(&y, hash), keep) {
                (Some(_), Keep::Count) => {}
                (Some(id), Keep::Id) => items.push(Succ::Known { action, id, state: None }),
                (Some(id), Keep::State) => items.push(Succ::Known { action, id, state: Some(y) }),
                (None, _) => items.push(Succ::New { action, state: y, hash }),
            }
            ControlFlow::Continue(())
        });
    }));
    let fault = outcome.err().map(|payload| fault_from(sys, &*payload));
    Expansion { start, end: items.len(), enabled, fault }
}

/// Expand the states `[start, end)` with `workers` threads; results in state order.
fn expand_level<T: TransitionSystem>(
    sys: &T,
    options: &Options<T::State>,
    store: &Store<T::State>,
    start: usize,
    end: usize,
    workers: usize,
    keep: Keep,
) -> Vec<Chunk<T::State>> {
    let n = end - start;
    let run = |lo: usize, hi: usize| {
        let mut items = Vec::new();
        let states = (lo..hi)
            .map(|i| expand(sys, options, store, store.get(StateId::new(i as u32)), keep, &mut items))
            .collect();
        Chunk { items, states }
    };
    if n < options.parallel_level || workers <= 1 {
        return vec![run(start, end)];
    }
    let chunks = n.div_ceil(CHUNK);
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Chunk<T::State>>>> = Mutex::new((0..chunks).map(|_| None).collect());
    let work = || {
        loop {
            let c = next.fetch_add(1, Ordering::Relaxed);
            if c >= chunks {
                break;
            }
            let lo = start + c * CHUNK;
            let done = run(lo, (lo + CHUNK).min(end));
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
        .map(|c| c.expect("every chunk is expanded"))
        .collect()
}

/// Merge one expanded state, as the serial loop processes it. `Some(end)` stops the sweep.
fn merge<T: TransitionSystem, P: Policy<T::State>>(
    store: &mut Store<T::State>,
    policy: &mut P,
    id: StateId,
    expansion: Expansion,
    items: &mut std::vec::Drain<'_, Succ<T::State>>,
    max: usize,
    transitions: &mut u64,
) -> Option<End> {
    // SAFETY: the store never moves or drops a stored state while it lives (chunks keep their
    // capacity), and `store` outlives this borrow.
    let x: &T::State = unsafe { &*store.stable_ptr(id) };
    if policy.visit(store, id, x).is_break() {
        return Some(End::Stopped);
    }
    let Expansion { start, end, enabled, fault } = expansion;
    let kept = end - start;
    *transitions += (enabled - kept) as u64;
    let insert =
        |store: &mut Store<T::State>, policy: &mut P, transitions: &mut u64, item: Succ<T::State>| -> bool {
            *transitions += 1;
            let (action, to, new) = match item {
                Succ::Known { action, id: to, .. } => (action, to, false),
                Succ::New { action, state, hash } => {
                    let (to, new) = store.insert_hashed(state, hash, Some(id));
                    (action, to, new)
                }
            };
            policy.on_edge(id, action, to);
            new && store.len() >= max
        };
    if policy.buffered() {
        let items: Vec<Succ<T::State>> = items.take(kept).collect();
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
        for item in items {
            if insert(store, policy, transitions, item) {
                return Some(End::Truncated);
            }
        }
    } else {
        for item in items.take(kept) {
            if insert(store, policy, transitions, item) {
                return Some(End::Truncated);
            }
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
    let keep = if policy.buffered() {
        Keep::State
    } else if policy.records_edges() {
        Keep::Id
    } else {
        Keep::Count
    };
    let mut start = 0usize;
    let mut progress = super::progress::Progress::new(options.progress);
    let mut depth = 0usize;
    while start < store.len() {
        let end = store.len();
        store.release_before(start);
        let bytes = store.heap_bytes();
        progress.update(store.len(), depth, end - start, bytes);
        if options.memory_budget.is_some_and(|b| bytes > b) {
            return End::OverBudget;
        }
        depth += 1;
        let mut next_id = start;
        for chunk in expand_level(sys, options, store, start, end, workers, keep) {
            let Chunk { mut items, states } = chunk;
            let mut drain = items.drain(..);
            for expansion in states {
                let id = StateId::new(next_id as u32);
                next_id += 1;
                let step = catch_unwind(AssertUnwindSafe(|| {
                    merge::<T, P>(store, policy, id, expansion, &mut drain, options.max_states, transitions)
                }));
                match step {
                    Ok(None) => {}
                    Ok(Some(end)) => return end,
                    Err(payload) => return End::Fault { at: Some(id), fault: fault_from(sys, &*payload) },
                }
            }
        }
        start = end;
    }
    End::Exhausted
}
