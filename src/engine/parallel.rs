//! The parallel driver: level-synchronous, with the same result as the serial driver.
//!
//! A breadth-first level (the states numbered `[start, end)` when the level begins) is expanded
//! by worker threads, each applying the user-code part of the rules (`Rules::expand`:
//! invariants, successors, edge invariants, the terminal test) and looking each successor up in
//! the store, which nobody writes during this phase. A successor the store does not know goes
//! into the level's *pending* table (64 locked shards): the first worker to meet a state puts
//! it there, and every discoverer records its order, (position of the parent in the level,
//! position of the successor among the parent's), keeping the smallest. That smallest order is
//! exactly where the serial driver would meet the state first.
//!
//! Then one thread walks the level in state order and applies the rest of the rules
//! (`Rules::before_storing`, the cap, `Rules::after_storing`) exactly as the serial driver
//! does, so new states get the serial driver's numbers and the verdict, count and trace do not
//! depend on the number of workers. Two ways to store the new states:
//! - when the observer wants no edges (`check`, `check_all`), the walk only counts each
//!   state's first discoveries and the workers store them afterwards, in parallel, at the ids
//!   the serial driver would give them ([`count_level`]);
//! - when it wants every edge (`explore`), the walk stores each successor as it meets it and
//!   tells the observer ([`edge_level`]).
//!
//! Levels smaller than `parallel_level` run on the serial driver: no pending table, no pool.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use super::progress::Boundaries;
use super::serial;
use super::step::{At, Found, Observer, Rules, Seen};
use super::store::{Probe, SHARDS, shard_of};
use super::{End, StateId, Store};
use crate::properties::Properties;
use crate::system::{ActionId, Spare, TransitionSystem};

/// Levels smaller than this are expanded by the serial driver (the default).
pub(crate) const PARALLEL_LEVEL: usize = 256;
/// States a worker takes at a time.
const CHUNK: usize = 128;
/// States a level's routed expansion takes between two exchanges among the workers.
const SLICE: usize = 4096;

/// Run `work(w)` for each worker `w` in `0..workers` on as many threads: the calling thread
/// (worker 0) and `workers - 1` of the pool's (which has that many), so that no thread waits
/// idle beside the workers and the walk that follows runs on a thread that was working.
fn run_on(pool: &rayon::ThreadPool, workers: usize, work: impl Fn(usize) + Sync) {
    pool.in_place_scope(|scope| {
        for w in 1..workers {
            let work = &work;
            scope.spawn(move |_| work(w));
        }
        work(0);
    });
}

/// Run `chunk(scratch, c)` for every chunk `c` of `count` on the workers, worker `w` with
/// `scratch[w]` (its buffers, kept from one chunk and one level to the next); the results in
/// chunk order.
fn chunks<R: Send, W: Send>(
    pool: &rayon::ThreadPool,
    workers: usize,
    count: usize,
    scratch: &[Mutex<W>],
    chunk: impl Fn(&mut W, usize) -> R + Sync,
) -> Vec<R> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<R>>> = Mutex::new((0..count).map(|_| None).collect());
    run_on(pool, workers, |w| {
        let mut scratch = lock(&scratch[w]);
        loop {
            let c = next.fetch_add(1, Ordering::Relaxed);
            if c >= count {
                break;
            }
            let done = chunk(&mut scratch, c);
            results.lock().unwrap_or_else(|e| e.into_inner())[c] = Some(done);
        }
    });
    results
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .into_iter()
        .map(|r| r.expect("every chunk is expanded"))
        .collect()
}

/// The sweep, level by level from the first; its end. With one worker, or for a level
/// narrower than `parallel_level`, the level runs on the serial driver. Two workers over
/// states without heap parts, unreduced, run the pipelined driver instead. What happens
/// between levels (the store measured, the budget tested) is [`Boundaries`]'s.
pub(super) fn levels<T, P, O>(
    rules: &Rules<'_, T, P>,
    store: &mut Store<T::State>,
    observer: &mut O,
    transitions: &mut u64,
) -> End
where
    T: TransitionSystem,
    P: Properties<T::State>,
    O: Observer<T>,
{
    let options = rules.options;
    let workers = options.workers;
    // One pool per sweep: a level costs a scope, not a thread start (deep searches have many
    // small levels).
    let pool = (workers > 1)
        .then(|| rayon::ThreadPoolBuilder::new().num_threads(workers - 1).build().ok())
        .flatten();
    // Two workers over states without heap parts: one stores while the other expands (see
    // `pipeline`: faster here than splitting each level, which scales further with more).
    if let Some(pool) = &pool
        && workers == 2
        && !std::mem::needs_drop::<T::State>()
        && !rules.reduces()
    {
        return super::pipeline::levels(rules, store, observer, transitions, pool);
    }
    let mut start = 0usize;
    let mut boundaries = Boundaries::new(options.progress, options.memory_budget);
    let mut buffers = serial::Buffers::default();
    let scratch: Vec<Mutex<Scratch<T::State>>> = (0..workers).map(|_| Mutex::default()).collect();
    while start < store.len() {
        let end = store.len();
        if !boundaries.level(store, start, end) {
            return End::OverBudget;
        }
        if rules.reduces() {
            store.reserve_in_full(end);
        }
        let parallel = pool.as_ref().filter(|_| end - start >= options.parallel_level);
        let stop = match parallel {
            None => serial::stretch(rules, store, observer, transitions, &mut buffers, start, end),
            Some(pool) => {
                let stop = if observer.wants_edges() {
                    edge_level(rules, store, observer, (pool, &scratch), start, end, transitions)
                } else {
                    count_level(rules, store, observer, (pool, &scratch), start, end, transitions)
                };
                store.end_level();
                stop
            }
        };
        if let Some(end) = stop {
            return end;
        }
        start = end;
    }
    End::Exhausted
}

/// What the workers found at a run of states: successors produced per state, and the states
/// where the rules found something, by position in the level.
struct Counted<S> {
    enabled: Vec<u32>,
    found: Vec<(usize, Found<S>)>,
}

/// A worker's buffers, kept from one chunk and one level to the next: the spare states the
/// system may build successors in, and for [`expand_and_probe`] its successors and their
/// positions grouped by shard.
struct Scratch<S> {
    entries: Vec<Entry<S>>,
    which: Vec<u32>,
    spare: Spare<S>,
}

impl<S> Default for Scratch<S> {
    fn default() -> Self {
        Scratch { entries: Vec::new(), which: Vec::new(), spare: Spare::new() }
    }
}

/// The pool a parallel level runs on, and each worker's buffers.
type Workers<'w, S> = (&'w rayon::ThreadPool, &'w [Mutex<Scratch<S>>]);

/// A successor on its way to its index shard: (hash, order, state).
type Entry<S> = (u64, u64, Option<S>);

/// The index shards worker `w` of `workers` owns: it looks successors up in them (when states
/// are routed), gathers their pending orders and stores their pending states, so each shard's
/// index lines and pending states stay in one core's cache.
fn owned(w: usize, workers: usize) -> impl Iterator<Item = usize> {
    (w..SHARDS).step_by(workers)
}

/// What a reduction's cycle proviso knows of a successor while the level starting at `start`
/// is expanded: the store's settled states are exactly the levels up to this one (a lookup
/// does not find pending states), and the marks of the levels before it are final.
fn seen<S: std::hash::Hash + Eq>(store: &Store<S>, start: usize) -> impl Fn(&S) -> Seen + '_ {
    move |y: &S| match store.find(y) {
        Some(at) if at.index() < start && store.expanded_in_full(at) => Seen::InFull,
        Some(_) => Seen::Known,
        None => Seen::New,
    }
}

/// Lock a mutex of this driver (user code runs inside the rules' panic catch, so a poisoned
/// lock holds nothing half-written).
fn lock<X>(m: &Mutex<X>) -> std::sync::MutexGuard<'_, X> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Apply `Rules::expand` to the states of chunk `c` of the level `[start, end)` (the system
/// may build successors in `spare` states), handing each successor to `sink` with its hash and
/// order; what the rules found there.
fn expand_chunk<T, P>(
    rules: &Rules<'_, T, P>,
    store: &Store<T::State>,
    (start, end): (usize, usize),
    c: usize,
    overflow: &AtomicBool,
    spare: &mut Spare<T::State>,
    mut sink: impl FnMut(u64, u64, T::State),
) -> Counted<T::State>
where
    T: TransitionSystem,
    P: Properties<T::State>,
{
    let lo = start + c * CHUNK;
    let hi = (lo + CHUNK).min(end);
    let mut counted = Counted { enabled: Vec::with_capacity(hi - lo), found: Vec::new() };
    for i in lo..hi {
        let position = i - start;
        let mut k = 0u64;
        let mut found = Found::default();
        let x = store.get(StateId::new(i as u32));
        let in_full = rules.expand(x, &mut found, spare, seen(store, start), |_, y| {
            let order = ((position as u64) << 32) | k;
            k += 1;
            sink(store.hash(&y), order, y);
        });
        if in_full && rules.reduces() {
            store.mark_in_full(StateId::new(i as u32));
        }
        if k > 64 {
            overflow.store(true, Ordering::Relaxed);
        }
        counted.enabled.push(k as u32);
        if !found.is_quiet() {
            counted.found.push((position, found));
        }
    }
    counted
}

/// Step 1 for states that own heap memory: each worker expands chunks and looks its own
/// successors up at once, in every shard. A duplicate successor is then dropped (or kept
/// spare) by the thread that allocated it; routed to another worker, it would be freed across
/// threads, which costs the allocator more than the shared index lines cost
/// (`counters-closures 6`, two workers: 1.01 s routed, 0.76 s here). As many duplicates as the
/// system took copies of spare states for in a chunk (an in-place effect builds its successor
/// in one) are kept spare for the next, so that successors known already cost no allocation.
fn expand_and_probe<T, P>(
    rules: &Rules<'_, T, P>,
    store: &Store<T::State>,
    (pool, scratch): Workers<'_, T::State>,
    start: usize,
    end: usize,
    overflow: &AtomicBool,
) -> Vec<Counted<T::State>>
where
    T: TransitionSystem,
    P: Properties<T::State>,
{
    let chunk_count = (end - start).div_ceil(CHUNK);
    chunks(pool, rules.options.workers, chunk_count, scratch, |scratch: &mut Scratch<T::State>, c| {
        let Scratch { entries, which, spare } = scratch;
        entries.clear();
        let counted = expand_chunk(rules, store, (start, end), c, overflow, spare, |h, order, y| {
            store.prefetch_shared(h);
            entries.push((h, order, Some(y)));
        });
        probe_by_shard(store, entries, which);
        // The known successors are left in `entries`: as many as were taken are kept spare.
        let mut give_back = spare.take_copies();
        for (_, _, known) in entries.drain(..) {
            if let Some(y) = known
                && give_back > 0
            {
                give_back -= 1;
                spare.put(y);
            }
        }
        counted
    })
}

/// Step 1 for states that own no heap memory: the level goes in slices of [`SLICE`] states;
/// workers expand a slice's chunks, routing each successor to the worker that owns its
/// shard, then each worker looks up what was routed to it. A shard's index and pending
/// states are then only touched by one core, where sharing them costs a cache-line transfer
/// for about half the lookups (`counters-closures-array 7`, two workers: 4.02 s routed,
/// 4.57 s shared).
fn expand_and_route<T, P>(
    rules: &Rules<'_, T, P>,
    store: &Store<T::State>,
    pool: &rayon::ThreadPool,
    start: usize,
    end: usize,
    overflow: &AtomicBool,
) -> Vec<Counted<T::State>>
where
    T: TransitionSystem,
    P: Properties<T::State>,
{
    let workers = rules.options.workers;
    let chunk_count = (end - start).div_ceil(CHUNK);
    let counted: Mutex<Vec<Option<Counted<T::State>>>> = Mutex::new((0..chunk_count).map(|_| None).collect());
    // `lanes[from * SHARDS + sh]`: successors made by worker `from` in shard `sh`, which
    // worker `sh % workers` looks up: read in the order they were written, the other worker's
    // lanes stream from its cache instead of being fetched a line at a time.
    let lanes: Vec<Mutex<Vec<Entry<T::State>>>> = (0..workers * SHARDS).map(|_| Mutex::default()).collect();
    for first in (0..chunk_count).step_by(SLICE / CHUNK) {
        let last = (first + SLICE / CHUNK).min(chunk_count);
        let next = AtomicUsize::new(first);
        run_on(pool, workers, |from| {
            let mine = &lanes[from * SHARDS..(from + 1) * SHARDS];
            let mut out: Vec<Vec<Entry<T::State>>> =
                mine.iter().map(|lane| std::mem::take(&mut *lock(lane))).collect();
            // These states own no heap memory: no spare state is worth keeping.
            let mut spare = Spare::new();
            loop {
                let c = next.fetch_add(1, Ordering::Relaxed);
                if c >= last {
                    break;
                }
                let done =
                    expand_chunk(rules, store, (start, end), c, overflow, &mut spare, |h, order, y| {
                        out[shard_of(h)].push((h, order, Some(y)));
                    });
                lock(&counted)[c] = Some(done);
            }
            for (lane, filled) in mine.iter().zip(out) {
                *lock(lane) = filled;
            }
        });
        run_on(pool, workers, |to| {
            for sh in owned(to, workers) {
                for from in 0..workers {
                    let mut lane = lock(&lanes[from * SHARDS + sh]);
                    if !lane.is_empty() {
                        store.probe_run(sh, &mut lane);
                        lane.clear();
                    }
                }
            }
        });
    }
    counted
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .into_iter()
        .map(|c| c.expect("every chunk is expanded"))
        .collect()
}

/// Which successors of each state of a level are first discoveries, and their rank.
enum Firsts {
    /// Bit `k` of `masks[position]`: successor `k` of that state is a first discovery (every
    /// state of the level has at most 64 successors).
    Masks(Vec<u64>),
    /// Otherwise: the first discoveries' orders, sorted, and where each position's begin.
    Sorted { orders: Vec<u64>, starts: Vec<usize> },
}

impl Firsts {
    /// How many successors of the state at `position` are first discoveries.
    fn count(&self, position: usize) -> usize {
        match self {
            Firsts::Masks(masks) => masks[position].count_ones() as usize,
            Firsts::Sorted { starts, .. } => starts[position + 1] - starts[position],
        }
    }

    /// The successor index of the `n`-th (from 0) first discovery of the state at `position`.
    fn nth(&self, position: usize, n: usize) -> u64 {
        match self {
            Firsts::Masks(masks) => {
                let mut m = masks[position];
                for _ in 0..n {
                    m &= m - 1;
                }
                m.trailing_zeros() as u64
            }
            Firsts::Sorted { orders, starts } => orders[starts[position] + n] & 0xffff_ffff,
        }
    }

    /// The rank of the first discovery `order` among its discoverer's.
    fn rank(&self, order: u64) -> usize {
        let position = (order >> 32) as usize;
        match self {
            Firsts::Masks(masks) => {
                (masks[position] & ((1u64 << (order & 0xffff_ffff)) - 1)).count_ones() as usize
            }
            Firsts::Sorted { orders, starts } => {
                let run = &orders[starts[position]..starts[position + 1]];
                run.partition_point(|&o| o < order)
            }
        }
    }
}

/// A level when the observer wants no edges:
/// 1. workers apply `Rules::expand` to chunks of states and look the successors up, batched
///    by index shard under one lock per shard and batch, leaving the unknown ones pending with
///    the smallest order that met them (the serial driver's first discoverer). States that
///    own heap memory are looked up by the worker that made them ([`expand_and_probe`]);
///    others by the worker that owns their shard ([`expand_and_route`]);
/// 2. the first discoveries of each state are gathered (bit masks, or a sort when a state has
///    more than 64 successors);
/// 3. one thread walks the level's states in order with the rules, counting the new states
///    the serial driver would hold at each point, and finds where the level ends;
/// 4. workers store the kept pending states at the ids the serial driver would give them
///    (level end + new states of earlier discoverers + rank), each its own shards.
fn count_level<T, P, O>(
    rules: &Rules<'_, T, P>,
    store: &mut Store<T::State>,
    observer: &mut O,
    (pool, scratch): Workers<'_, T::State>,
    start: usize,
    end: usize,
    transitions: &mut u64,
) -> Option<End>
where
    T: TransitionSystem,
    P: Properties<T::State>,
    O: Observer<T>,
{
    let workers = rules.options.workers;
    let n = end - start;
    let store_ref: &Store<T::State> = store;
    let overflow = AtomicBool::new(false);
    let counted = if std::mem::needs_drop::<T::State>() {
        expand_and_probe(rules, store_ref, (pool, scratch), start, end, &overflow)
    } else {
        expand_and_route(rules, store_ref, pool, start, end, &overflow)
    };

    // 2. The first discoveries of each state.
    let firsts = if overflow.load(Ordering::Relaxed) {
        let mut orders: Vec<u64> = store.pending_slots().into_iter().map(|(order, _, _)| order).collect();
        orders.sort_unstable();
        let mut starts = vec![0usize; n + 1];
        for &o in &orders {
            starts[(o >> 32) as usize + 1] += 1;
        }
        for p in 0..n {
            starts[p + 1] += starts[p];
        }
        Firsts::Sorted { orders, starts }
    } else {
        // Each worker marks the orders of its own shards in masks of its own (no line of them
        // is written by two cores); they are merged below.
        let store: &Store<T::State> = store;
        let mine: Vec<Mutex<Vec<u64>>> = (0..workers).map(|_| Mutex::default()).collect();
        run_on(pool, workers, |w| {
            let mut masks = vec![0u64; n];
            for sh in owned(w, workers) {
                store.pending_orders(sh, |order| masks[(order >> 32) as usize] |= 1 << (order & 0xffff_ffff));
            }
            *lock(&mine[w]) = masks;
        });
        let mut mine = mine.into_iter().map(|m| m.into_inner().unwrap_or_else(|e| e.into_inner()));
        let mut masks = mine.next().unwrap_or_default();
        let others: Vec<Vec<u64>> = mine.collect();
        let per = n.div_ceil(CHUNK).div_ceil(workers) * CHUNK;
        let parts: Vec<Mutex<&mut [u64]>> = masks.chunks_mut(per.max(1)).map(Mutex::new).collect();
        run_on(pool, workers, |w| {
            if let Some(part) = parts.get(w) {
                let mut part = lock(part);
                for other in &others {
                    for (m, o) in part.iter_mut().zip(&other[w * per..]) {
                        *m |= o;
                    }
                }
            }
        });
        drop(parts);
        Firsts::Masks(masks)
    };

    // Each state's first discoveries before it in its chunk, and each chunk's in all.
    let chunk_count = counted.len();
    let mut before: Vec<u32> = vec![0; n];
    let mut chunk_new: Vec<usize> = vec![0; chunk_count];
    {
        let per = chunk_count.div_ceil(workers).max(1);
        let parts: Vec<Mutex<(&mut [u32], &mut [usize])>> =
            before.chunks_mut(per * CHUNK).zip(chunk_new.chunks_mut(per)).map(Mutex::new).collect();
        let firsts = &firsts;
        run_on(pool, workers, |w| {
            if let Some(part) = parts.get(w) {
                let (before, totals) = &mut *lock(part);
                for (c, (before, total)) in before.chunks_mut(CHUNK).zip(totals.iter_mut()).enumerate() {
                    let first = (w * per + c) * CHUNK;
                    let mut sum = 0;
                    for (i, b) in before.iter_mut().enumerate() {
                        *b = sum as u32;
                        sum += firsts.count(first + i);
                    }
                    *total = sum;
                }
            }
        });
    }

    // 3. The rules over the level's states, in order, a chunk at a time where no state of the
    // chunk has anything for the observer and the cap is not among their successors.
    let max = rules.options.max_states;
    let mut chunk_base: Vec<usize> = vec![0; chunk_count];
    let mut kept = 0usize;
    // Pending states met first at an order below this are stored.
    let mut bound = (n as u64) << 32;
    let mut stop = None;
    'walk: for (c, done) in counted.into_iter().enumerate() {
        chunk_base[c] = kept;
        if done.found.is_empty() && end + kept + chunk_new[c] < max {
            kept += chunk_new[c];
            *transitions += done.enabled.iter().map(|&k| k as u64).sum::<u64>();
            continue;
        }
        let mut found = done.found.into_iter().peekable();
        for (i, &produced) in done.enabled.iter().enumerate() {
            let position = c * CHUNK + i;
            let mut here = found.next_if(|f| f.0 == position).map(|f| f.1);
            let new = firsts.count(position);
            let room = max.saturating_sub(end + kept).max(1);
            if here.is_none() && new < room {
                // Nothing for the observer here, and the cap is not among its successors.
                kept += new;
                *transitions += produced as u64;
                continue;
            }
            let id = StateId::new((start + position) as u32);
            let store: &Store<T::State> = store;
            let at = |explored| At { sys: rules.sys, options: rules.options, store, id, explored };
            if let Some(found) = here.as_mut()
                && let Some(e) = rules.before_storing(observer, &at(end + kept), found)
            {
                // None of this state's successors is stored.
                bound = (position as u64) << 32;
                stop = Some(e);
                break 'walk;
            }
            // Transitions are counted as the serial driver stores them: none of a state stopped
            // at before its successors are stored, and up to the one that reaches the cap.
            let truncated = new >= room;
            if truncated {
                // The cap is reached at this state's `room`-th new successor.
                let last = firsts.nth(position, room - 1);
                kept += room;
                bound = ((position as u64) << 32) | (last + 1);
                *transitions += last + 1;
            } else {
                kept += new;
                *transitions += produced as u64;
            }
            let mut here = here.unwrap_or_default();
            if let Some(e) = rules.after_storing(observer, &at(end + kept), &mut here, truncated) {
                if !truncated {
                    // All of this state's successors are stored.
                    bound = (position as u64 + 1) << 32;
                }
                stop = Some(e);
                break 'walk;
            }
        }
    }

    // 4. Store the kept pending states at their ids.
    let settling = store.begin_settle(kept);
    {
        let store: &Store<T::State> = store;
        let place = |order: u64| {
            if order >= bound {
                return None;
            }
            let position = (order >> 32) as usize;
            let offset = chunk_base[position / CHUNK] + before[position] as usize + firsts.rank(order);
            Some((offset, StateId::new((start + position) as u32)))
        };
        run_on(pool, workers, |w| {
            for sh in owned(w, workers) {
                // SAFETY: a kept state (order below `bound`) goes to the first discoveries of
                // the states before its discoverer in the walk (its chunk's base, and those
                // before it in the chunk) plus its rank among its discoverer's first
                // discoveries: distinct for distinct states, and below `kept`, the total the
                // walk counted up to `bound`.
                unsafe { store.settle_shard(sh, &settling, place) };
            }
        });
    }
    // SAFETY: every kept pending state (order below `bound`) was written at its own offset, and
    // they are `kept` in number with offsets `0..kept`.
    unsafe { store.finish_settle(kept) };
    stop
}

/// Look a worker's successors up, grouped by index shard (a counting sort of positions), one
/// lock per shard: the unknown ones become pending, with the smallest order that met them.
fn probe_by_shard<S: std::hash::Hash + Eq>(store: &Store<S>, entries: &mut [Entry<S>], which: &mut Vec<u32>) {
    let mut offsets = [0u32; SHARDS + 1];
    for e in entries.iter() {
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
            store.probe_batch(sh, entries, &which[a..b]);
        }
    }
}

/// One successor as a worker of [`edge_level`] saw it.
enum Succ {
    /// Stored when the level began.
    Known { action: ActionId, id: StateId },
    /// New this level: its pending slot, and this discoverer's order.
    New { action: ActionId, shard: u32, slot: u32, order: u64 },
}

/// A state's successors as a worker of [`edge_level`] saw them, and what the rules found.
type Expansion<S> = (Vec<Succ>, Found<S>);

/// A level when the observer wants every edge: workers expand and look up as in
/// [`count_level`], keeping each successor's id or pending slot; one thread then walks the
/// level in order, storing each state's first discoveries and telling the observer each edge.
fn edge_level<T, P, O>(
    rules: &Rules<'_, T, P>,
    store: &mut Store<T::State>,
    observer: &mut O,
    (pool, scratch): Workers<'_, T::State>,
    start: usize,
    end: usize,
    transitions: &mut u64,
) -> Option<End>
where
    T: TransitionSystem,
    P: Properties<T::State>,
    O: Observer<T>,
{
    let max = rules.options.max_states;
    let expanded: Vec<Vec<Expansion<T::State>>> = {
        let store: &Store<T::State> = store;
        let chunk = |scratch: &mut Scratch<T::State>, c: usize| {
            let lo = start + c * CHUNK;
            let hi = (lo + CHUNK).min(end);
            let spare = &mut scratch.spare;
            // Successors found known, as many kept spare as the system took.
            let mut known = Vec::new();
            (lo..hi)
                .map(|i| {
                    let position = i - start;
                    let mut succs = Vec::new();
                    let mut found = Found::default();
                    let id = StateId::new(i as u32);
                    let x = store.get(id);
                    let in_full = rules.expand(x, &mut found, spare, seen(store, start), |action, y| {
                        let order = ((position as u64) << 32) | succs.len() as u64;
                        let h = store.hash(&y);
                        let (probe, left) = store.probe_or_pend(y, h, order);
                        known.extend(left);
                        succs.push(match probe {
                            Probe::Known(id) => Succ::Known { action, id },
                            Probe::Pending { shard, slot } => Succ::New { action, shard, slot, order },
                        });
                    });
                    for y in known.drain(..).take(spare.take_copies()) {
                        spare.put(y);
                    }
                    if in_full && rules.reduces() {
                        store.mark_in_full(id);
                    }
                    (succs, found)
                })
                .collect()
        };
        chunks(pool, rules.options.workers, (end - start).div_ceil(CHUNK), scratch, chunk)
    };
    for (position, (succs, mut found)) in expanded.into_iter().flatten().enumerate() {
        let id = StateId::new((start + position) as u32);
        let stored = |store: &mut Store<T::State>, observer: &mut O| {
            for succ in succs {
                *transitions += 1;
                let (action, to, new) = match succ {
                    Succ::Known { action, id: to } => (action, to, false),
                    Succ::New { action, shard, slot, order } => match store.pending_status(shard, slot) {
                        (first, None) if first == order => (action, store.settle(shard, slot, id), true),
                        (_, Some(to)) => (action, to, false),
                        (_, None) => {
                            unreachable!("the first discoverer of a state is walked before the others")
                        }
                    },
                };
                observer.edge(id, action, to);
                if new && store.len() >= max {
                    return true;
                }
            }
            false
        };
        if let Some(e) = rules.apply(observer, store, id, &mut found, stored) {
            return Some(e);
        }
    }
    None
}
