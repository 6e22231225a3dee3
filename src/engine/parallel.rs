//! The parallel driver: level-synchronous, with the same result as the serial loop.
//!
//! A breadth-first level (the states numbered `[start, end)` when the level begins) is expanded
//! by worker threads. Each computes a state's successors, canonicalises and hashes them, and
//! looks each up in the store, which nobody writes during this phase. A successor the store does
//! not know goes into the level's *pending* table (64 locked shards): the first worker to meet
//! a state puts it there, and every discoverer records its order, (position of the parent in
//! the level, position of the successor among the parent's), keeping the smallest. That
//! smallest order is exactly where the serial loop would meet the state first.
//!
//! Then the level is merged in state order, as the serial loop processes it, so that new states
//! are numbered in serial discovery order and the verdict, the count and the trace do not
//! depend on the number of workers. Two merges:
//! - when the policy needs no edges (`check`, `check_all` without edge invariants),
//!   [`count_level`]: workers batch their lookups by shard, each new state's rank among its
//!   first discoverer's successors comes from a bit mask, one thread walks the level with the
//!   policy (invariants, cap, panics, deadlocks) and workers then store the new states at
//!   their ids in parallel;
//! - otherwise one thread merges each state's successors in action order (edge invariants,
//!   insertion when this is the state's first discoverer, the cap), then the deadlock test.
//!
//! User code that panics during expansion is recorded with the state and reported only when
//! the merge reaches that point, as the serial loop would report it.

use std::ops::ControlFlow;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::store::Probe;
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
    /// New this level: its pending slot, and this discoverer's order (the state itself only
    /// for edge invariants).
    New { action: ActionId, shard: u32, slot: u32, order: u64, state: Option<S> },
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
#[derive(Clone, Copy, PartialEq, Eq)]
enum Keep {
    /// Only that it exists (for the deadlock test): check, check_all.
    Count,
    /// Its id (explore records every edge).
    Id,
    /// Its id and the state (edge invariants read it).
    State,
}

struct Level<'a, T: TransitionSystem> {
    sys: &'a T,
    options: &'a Options<T::State>,
    store: &'a Store<T::State>,
    start: usize,
    keep: Keep,
}

impl<T: TransitionSystem> Level<'_, T> {
    fn expand(&self, position: usize, x: &T::State, items: &mut Vec<Succ<T::State>>) -> Expansion {
        let start = items.len();
        let mut enabled = 0usize;
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            fault::enter(Site::Successors);
            let _ = self.sys.successors(x, |action, y| {
                let order = ((position as u64) << 32) | enabled as u64;
                enabled += 1;
                let y = canon(self.options, y);
                let hash = self.store.hash(&y);
                match (self.store.probe_or_pend(y, hash, order, self.keep == Keep::State), self.keep) {
                    (_, Keep::Count) => {}
                    (Probe::Known(id, state), _) => items.push(Succ::Known { action, id, state }),
                    (Probe::Pending { shard, slot, copy }, _) => {
                        items.push(Succ::New { action, shard, slot, order, state: copy })
                    }
                }
                ControlFlow::Continue(())
            });
        }));
        let fault = outcome.err().map(|payload| fault_from(self.sys, &*payload));
        Expansion { start, end: items.len(), enabled, fault }
    }

    /// Expand the states `[lo, hi)` of the level.
    fn run(&self, lo: usize, hi: usize) -> Chunk<T::State> {
        let mut items = Vec::new();
        let states = (lo..hi)
            .map(|i| self.expand(i - self.start, self.store.get(StateId::new(i as u32)), &mut items))
            .collect();
        Chunk { items, states }
    }
}

/// Expand the states `[start, end)` with `workers` threads: chunks in state order, and the
/// level's pending table.
#[allow(clippy::too_many_arguments)]
fn expand_level<T: TransitionSystem>(
    sys: &T,
    options: &Options<T::State>,
    store: &Store<T::State>,
    start: usize,
    end: usize,
    pool: Option<&rayon::ThreadPool>,
    workers: usize,
    keep: Keep,
) -> Vec<Chunk<T::State>> {
    let level = Level { sys, options, store, start, keep };
    let n = end - start;
    let Some(pool) = pool.filter(|_| n >= options.parallel_level) else {
        return vec![level.run(start, end)];
    };
    {
        let count = n.div_ceil(CHUNK);
        let next = AtomicUsize::new(0);
        let results: Mutex<Vec<Option<Chunk<T::State>>>> = Mutex::new((0..count).map(|_| None).collect());
        let work = || {
            loop {
                let c = next.fetch_add(1, Ordering::Relaxed);
                if c >= count {
                    break;
                }
                let lo = start + c * CHUNK;
                let done = level.run(lo, (lo + CHUNK).min(end));
                results.lock().unwrap_or_else(|e| e.into_inner())[c] = Some(done);
            }
        };
        run_on(pool, workers, work);
        results
            .into_inner()
            .unwrap_or_else(|e| e.into_inner())
            .into_iter()
            .map(|c| c.expect("every chunk is expanded"))
            .collect()
    }
}

/// Merge one expanded state, as the serial loop processes it. `Some(end)` stops the sweep.
#[allow(clippy::too_many_arguments)]
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
    // Store a successor (if this is its first discoverer) and record the edge; true at the cap.
    let insert = |store: &mut Store<T::State>, policy: &mut P, item: Succ<T::State>| {
        let (action, to, new) = match item {
            Succ::Known { action, id: to, .. } => (action, to, false),
            Succ::New { action, shard, slot, order, .. } => match store.pending_status(shard, slot) {
                (first, None) if first == order => (action, store.settle(shard, slot, id), true),
                (_, Some(to)) => (action, to, false),
                (_, None) => unreachable!("the first discoverer of a state is merged before the others"),
            },
        };
        policy.on_edge(id, action, to);
        new && store.len() >= max
    };
    if policy.buffered() {
        let items: Vec<Succ<T::State>> = items.take(kept).collect();
        for item in &items {
            let (action, y) = match item {
                Succ::Known { action, state: Some(y), .. } | Succ::New { action, state: Some(y), .. } => {
                    (*action, y)
                }
                _ => unreachable!("edge invariants keep every successor"),
            };
            if policy.check_edge(store, id, x, action, y).is_break() {
                return Some(End::Stopped);
            }
        }
        if let Some(fault) = fault {
            return Some(End::Fault { at: Some(id), fault });
        }
        for item in items {
            *transitions += 1;
            if insert(store, policy, item) {
                return Some(End::Truncated);
            }
        }
    } else {
        for item in items.take(kept) {
            *transitions += 1;
            if insert(store, policy, item) {
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

/// The merge when the policy needs no edges (check, check_all without edge invariants): per
/// state in order, its invariants, then the new states it discovered first, in the order it
/// discovered them (the pending slots sorted by smallest order), then the deadlock test.
#[allow(clippy::too_many_arguments)]
fn merge_firsts<T: TransitionSystem, P: Policy<T::State>>(
    store: &mut Store<T::State>,
    policy: &mut P,
    start: usize,
    states: Vec<Expansion>,
    firsts: &mut std::iter::Peekable<std::vec::IntoIter<(u64, u32, u32)>>,
    max: usize,
    transitions: &mut u64,
    sys: &T,
) -> Option<End> {
    for (position, expansion) in states.into_iter().enumerate() {
        let id = StateId::new((start + position) as u32);
        let step = catch_unwind(AssertUnwindSafe(|| -> Option<End> {
            // SAFETY: as in `merge`.
            let x: &T::State = unsafe { &*store.stable_ptr(id) };
            if policy.visit(store, id, x).is_break() {
                return Some(End::Stopped);
            }
            *transitions += expansion.enabled as u64;
            while let Some((order, _, _)) = firsts.peek() {
                if (order >> 32) as usize != position {
                    break;
                }
                let (_, shard, slot) = firsts.next().expect("peeked");
                store.settle(shard, slot, id);
                if store.len() >= max {
                    return Some(End::Truncated);
                }
            }
            if let Some(fault) = expansion.fault {
                return Some(End::Fault { at: Some(id), fault });
            }
            if policy.expanded(store, id, x, expansion.enabled).is_break() {
                return Some(End::Stopped);
            }
            None
        }));
        match step {
            Ok(None) => {}
            Ok(Some(end)) => return Some(end),
            Err(payload) => return Some(End::Fault { at: Some(id), fault: fault_from(sys, &*payload) }),
        }
    }
    None
}

/// The merge of a level expanded by [`expand_level`] when the policy needs no edges: the
/// pending states sorted by the order that met them first, stored in that order.
fn serial_firsts<T: TransitionSystem, P: Policy<T::State>>(
    sys: &T,
    options: &Options<T::State>,
    store: &mut Store<T::State>,
    policy: &mut P,
    start: usize,
    chunks: Vec<Chunk<T::State>>,
    transitions: &mut u64,
) -> Option<End> {
    let mut firsts = store.pending_slots();
    firsts.sort_unstable_by_key(|f| f.0);
    let mut firsts = firsts.into_iter().peekable();
    let states: Vec<Expansion> = chunks.into_iter().flat_map(|c| c.states).collect();
    merge_firsts(store, policy, start, states, &mut firsts, options.max_states, transitions, sys)
}

/// What the count-mode expansion of a run of states left for the merge.
struct Counted {
    /// Successors produced, per state.
    enabled: Vec<u32>,
    /// Per state, whether its invariants were evaluated and all hold (then the merge need
    /// not visit it).
    holds: Vec<bool>,
    /// The panics that cut expansions short, by position in the level.
    faults: Vec<(usize, Fault)>,
}

/// Expand the level `[start, end)` when the policy needs no edges (check, check_all without
/// edge invariants), on every worker, merging in parallel too:
/// 1. workers expand chunks of states; each batches its successors by index shard and looks
///    them up under one lock per shard and chunk, leaving the unknown ones pending with the
///    smallest order that met them (the serial loop's first discoverer);
/// 2. each pending state marks its successor position in its first discoverer's bit mask, so
///    a discoverer's new states and their rank among its successors are known;
/// 3. one thread walks the level's states in order with the policy (invariants, the cap,
///    faults, deadlocks), telling [`Store::explored`] how many states the serial loop would
///    hold at each point, and finds where the level ends;
/// 4. workers store the kept pending states at the ids the serial loop would give them
///    (level end + new states of earlier discoverers + rank), shard by shard.
///
/// A level where some state has more than 64 successors uses the sorted merge instead.
#[allow(clippy::too_many_arguments)]
fn count_level<T: TransitionSystem, P: Policy<T::State>>(
    sys: &T,
    options: &Options<T::State>,
    store: &mut Store<T::State>,
    policy: &mut P,
    start: usize,
    end: usize,
    pool: &rayon::ThreadPool,
    workers: usize,
    transitions: &mut u64,
) -> Option<End> {
    use super::store::{SHARDS, shard_of};
    use std::sync::atomic::{AtomicBool, AtomicU64};

    let n = end - start;
    let count = n.div_ceil(CHUNK);
    let (gate, invariants) = (policy.visit_is_invariants(), sys.invariant_count());
    let overflow = AtomicBool::new(false);
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Counted>>> = Mutex::new((0..count).map(|_| None).collect());
    {
        let store: &Store<T::State> = store;
        let work = || {
            let mut entries: Vec<(u64, u64, Option<T::State>)> = Vec::new();
            let mut which: Vec<u32> = Vec::new();
            loop {
                let c = next.fetch_add(1, Ordering::Relaxed);
                if c >= count {
                    break;
                }
                let lo = start + c * CHUNK;
                let hi = (lo + CHUNK).min(end);
                entries.clear();
                let mut counted = Counted {
                    enabled: Vec::with_capacity(hi - lo),
                    holds: Vec::with_capacity(hi - lo),
                    faults: Vec::new(),
                };
                for i in lo..hi {
                    let position = i - start;
                    let x = store.get(StateId::new(i as u32));
                    let holds = gate
                        && catch_unwind(AssertUnwindSafe(|| {
                            (0..invariants).all(|i| crate::check::invariant_verdict(sys, i, x).holds())
                        }))
                        .unwrap_or(false);
                    counted.holds.push(holds);
                    let mut k = 0u64;
                    let outcome = catch_unwind(AssertUnwindSafe(|| {
                        fault::enter(Site::Successors);
                        let _ = sys.successors(x, |_, y| {
                            let order = ((position as u64) << 32) | k;
                            k += 1;
                            let y = canon(options, y);
                            let h = store.hash(&y);
                            store.prefetch_shared(h);
                            entries.push((h, order, Some(y)));
                            ControlFlow::Continue(())
                        });
                    }));
                    if k > 64 {
                        overflow.store(true, Ordering::Relaxed);
                    }
                    counted.enabled.push(k as u32);
                    if let Err(payload) = outcome {
                        counted.faults.push((position, fault_from(sys, &*payload)));
                    }
                }
                // Group by shard (a counting sort of positions), then one lock per shard.
                let mut offsets = [0u32; SHARDS + 1];
                for e in &entries {
                    offsets[shard_of(e.0) + 1] += 1;
                }
                for sh in 0..SHARDS {
                    offsets[sh + 1] += offsets[sh];
                }
                which.clear();
                which.resize(entries.len(), 0);
                let mut fill = offsets;
                for (j, e) in entries.iter().enumerate() {
                    let sh = shard_of(e.0);
                    which[fill[sh] as usize] = j as u32;
                    fill[sh] += 1;
                }
                for sh in 0..SHARDS {
                    let (a, b) = (offsets[sh] as usize, offsets[sh + 1] as usize);
                    if a < b {
                        store.probe_batch(sh, &mut entries, &which[a..b]);
                    }
                }
                results.lock().unwrap_or_else(|e| e.into_inner())[c] = Some(counted);
            }
        };
        run_on(pool, workers, work);
    }
    let counted: Vec<Counted> = results
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .into_iter()
        .map(|c| c.expect("every chunk is expanded"))
        .collect();

    let enabled: Vec<u32> = counted.iter().flat_map(|c| c.enabled.iter().copied()).collect();
    let holds: Vec<bool> = counted.iter().flat_map(|c| c.holds.iter().copied()).collect();
    let mut faults = counted.into_iter().flat_map(|c| c.faults).peekable();

    if overflow.load(Ordering::Relaxed) {
        // Ranks by bit mask need at most 64 successors a state: sort the pending states.
        let states: Vec<Expansion> = enabled
            .iter()
            .enumerate()
            .map(|(position, &enabled)| Expansion {
                start: 0,
                end: 0,
                enabled: enabled as usize,
                fault: faults.next_if(|f| f.0 == position).map(|f| f.1),
            })
            .collect();
        let mut firsts = store.pending_slots();
        firsts.sort_unstable_by_key(|f| f.0);
        let mut firsts = firsts.into_iter().peekable();
        return merge_firsts(store, policy, start, states, &mut firsts, options.max_states, transitions, sys);
    }

    // 2. Each pending state's bit in its first discoverer's mask.
    let masks: Vec<AtomicU64> = (0..n).map(|_| AtomicU64::new(0)).collect();
    let next_shard = AtomicUsize::new(0);
    {
        let store: &Store<T::State> = store;
        run_on(pool, workers, || {
            loop {
                let sh = next_shard.fetch_add(1, Ordering::Relaxed);
                if sh >= SHARDS {
                    break;
                }
                store.pending_orders(sh, |order| {
                    masks[(order >> 32) as usize].fetch_or(1 << (order & 0xffff_ffff), Ordering::Relaxed);
                });
            }
        });
    }
    let masks: Vec<u64> = masks.into_iter().map(AtomicU64::into_inner).collect();

    // 3. The policy over the level's states, in order.
    let max = options.max_states;
    let mut bases: Vec<u32> = Vec::with_capacity(n);
    let mut kept = 0usize;
    let mut bound = (n as u64) << 32;
    let mut stop = None;
    let quiet = policy.visit_is_invariants() && policy.expanded_is_deadlock_test();
    for position in 0..n {
        let mask = masks[position];
        if quiet && holds[position] && enabled[position] > 0 && faults.peek().is_none_or(|f| f.0 != position)
        {
            // Nothing for the policy to do here: count the state's new successors, unless
            // the cap falls among them (then the full path below stops there).
            let new = mask.count_ones() as usize;
            if new < max.saturating_sub(end + kept).max(1) {
                bases.push(kept as u32);
                *transitions += enabled[position] as u64;
                kept += new;
                continue;
            }
        }
        let id = StateId::new((start + position) as u32);
        bases.push(kept as u32);
        store.set_explored(Some(end + kept));
        let fault = faults.next_if(|f| f.0 == position).map(|f| f.1);
        let mut visited = false;
        let step = catch_unwind(AssertUnwindSafe(|| -> Option<End> {
            // SAFETY: as in `merge`.
            let x: &T::State = unsafe { &*store.stable_ptr(id) };
            if !holds[position] && policy.visit(store, id, x).is_break() {
                return Some(End::Stopped);
            }
            visited = true;
            *transitions += enabled[position] as u64;
            let new = mask.count_ones() as usize;
            let room = max.saturating_sub(end + kept).max(1);
            if new >= room {
                // The cap is reached at this state's `room`-th new successor.
                let mut m = mask;
                for _ in 1..room {
                    m &= m - 1;
                }
                kept += room;
                bound = ((position as u64) << 32) | (m.trailing_zeros() as u64 + 1);
                return Some(End::Truncated);
            }
            kept += new;
            store.set_explored(Some(end + kept));
            if let Some(fault) = fault {
                return Some(End::Fault { at: Some(id), fault });
            }
            if policy.expanded(store, id, x, enabled[position] as usize).is_break() {
                return Some(End::Stopped);
            }
            None
        }));
        let step = step
            .unwrap_or_else(|payload| Some(End::Fault { at: Some(id), fault: fault_from(sys, &*payload) }));
        if let Some(e) = step {
            if !matches!(e, End::Truncated) {
                // Stopped at (or panicked in) the invariants: none of this state's successors
                // are stored; after them: all of them.
                bound = ((position as u64 + u64::from(visited)) << 32).min(bound);
            }
            stop = Some(e);
            break;
        }
    }
    store.set_explored(None);

    // 4. Store the kept pending states at their ids.
    let settling = store.begin_settle(kept);
    {
        let store: &Store<T::State> = store;
        let next_shard = AtomicUsize::new(0);
        let place = |order: u64| {
            if order >= bound {
                return None;
            }
            let position = (order >> 32) as usize;
            let k = order & 0xffff_ffff;
            let rank = (masks[position] & ((1u64 << k) - 1)).count_ones() as usize;
            Some((bases[position] as usize + rank, StateId::new((start + position) as u32)))
        };
        run_on(pool, workers, || {
            loop {
                let sh = next_shard.fetch_add(1, Ordering::Relaxed);
                if sh >= SHARDS {
                    break;
                }
                store.settle_shard(sh, &settling, place);
            }
        });
    }
    // SAFETY: every kept pending state (order below `bound`) was written at its own offset, and
    // they are `kept` in number with offsets `0..kept` (bases count them in order).
    unsafe { store.finish_settle(kept) };
    stop
}

/// Run `work` on `workers` threads: the calling thread and `workers - 1` of the pool's (which
/// has that many), so that no thread waits idle beside the workers and the merge that follows
/// runs on a thread that was working.
fn run_on(pool: &rayon::ThreadPool, workers: usize, work: impl Fn() + Sync) {
    pool.in_place_scope(|scope| {
        for _ in 1..workers {
            scope.spawn(|_| work());
        }
        work();
    });
}

/// Expand every level from the first on with `workers` threads; the end of the sweep.
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
    // One pool per sweep: a level costs a scope, not a thread start (deep searches have many
    // small levels).
    let pool = rayon::ThreadPoolBuilder::new().num_threads(workers - 1).build().ok();
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
        if keep == Keep::Count {
            let pool = pool.as_ref().filter(|_| end - start >= options.parallel_level);
            let stop = match pool {
                Some(pool) => {
                    count_level(sys, options, store, policy, start, end, pool, workers, transitions)
                }
                None => {
                    let chunks = expand_level(sys, options, store, start, end, None, workers, keep);
                    serial_firsts(sys, options, store, policy, start, chunks, transitions)
                }
            };
            store.end_level();
            if let Some(end) = stop {
                return end;
            }
            start = end;
            continue;
        }
        let chunks = expand_level(sys, options, store, start, end, pool.as_ref(), workers, keep);
        let mut next_id = start;
        for chunk in chunks {
            let Chunk { mut items, states } = chunk;
            let mut drain = items.drain(..);
            for expansion in states {
                let id = StateId::new(next_id as u32);
                next_id += 1;
                let step = catch_unwind(AssertUnwindSafe(|| {
                    merge::<T, P>(store, policy, id, expansion, &mut drain, options.max_states, transitions)
                }));
                let stop = match step {
                    Ok(None) => None,
                    Ok(Some(end)) => Some(end),
                    Err(payload) => Some(End::Fault { at: Some(id), fault: fault_from(sys, &*payload) }),
                };
                if let Some(end) = stop {
                    drop(drain);
                    store.end_level();
                    return end;
                }
            }
        }
        store.end_level();
        start = end;
    }
    End::Exhausted
}
