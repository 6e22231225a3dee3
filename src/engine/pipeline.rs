//! The pipelined driver: the serial driver's storing order, with the states expanded ahead of
//! it by the other workers.
//!
//! One thread, the *storer*, owns the store and does what the serial driver does, state after
//! state in discovery order: the rules before storing, each successor stored in order with the
//! cap tested at each new one, the rules after. What it mostly does not do is expand: the
//! other workers take batches of [`BATCH`] stored states ahead of it, read them through the
//! store's [`Shelf`], apply `Rules::expand` (the user code: invariants, successors, edge
//! invariants, the terminal test), hash the successors and leave the batch in a ring of
//! [`RING`] places. The storer takes each batch as it reaches it, and expands a batch itself
//! when no worker has taken it (a narrow frontier then costs what the serial driver costs).
//! Storing happens in the serial driver's order by the same rules, so the verdict, the count,
//! the numbering and the trace are the serial driver's, whatever the number of workers.
//!
//! Against the level-synchronous driver (`parallel`), nothing is stored twice: no pending
//! table, no second pass to number a level's states, no lookup that a pending state costs
//! again when it is numbered. Its limit is the storer: once the other workers expand faster
//! than one thread stores, more workers add nothing. So it runs where it was measured to win,
//! with two workers (`counters-closures-array 6`: 1.76x one worker, against 1.24x for the
//! level-synchronous driver; `phils 16`: 1.92x against 1.34x), over states without heap
//! parts (whose known successors the storer would free on another thread than the one that
//! allocated them) and without a reduction (whose cycle proviso reads the store by levels).
//!
//! A batch moves between threads through its place's tag (the batch's number and a status):
//! free for batch `b`, claimed by a worker, ready, or taken by the storer to expand itself.
//! Only the thread that moved a place out of "free" touches its batch until it is ready or
//! consumed; tags are written with release ordering and read with acquire ordering.

use std::cell::UnsafeCell;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use super::progress::Boundaries;
use super::serial::Sink;
use super::step::{Found, Observer, Rules, Seen};
use super::store::{Padded, Shelf};
use super::{End, StateId, Store};
use crate::properties::Properties;
use crate::system::{ActionId, Spare, TransitionSystem};

/// States in a batch.
const BATCH: usize = 64;
/// Places in the ring: how many batches the workers may expand ahead of the storer.
const RING: usize = 64;
/// Successors whose index slots the storer starts loading ahead of the one it stores.
const AHEAD: usize = 16;

/// A place's status, in the low bits of its tag.
const FREE: u64 = 0;
const CLAIMED: u64 = 1;
const READY: u64 = 2;
const MINE: u64 = 3;

#[inline]
fn tag(batch: usize, status: u64) -> u64 {
    ((batch as u64) << 2) | status
}

/// The expansions of a run of consecutive states `[from, until)`.
struct Batch<S> {
    /// Their successors (action, state, hash), state after state.
    successors: Vec<(ActionId, S, u64)>,
    /// Each state's number of successors.
    counts: Vec<u32>,
    /// What the rules found where it is not quiet, by state index, in order.
    found: Vec<(usize, Found<S>)>,
    from: usize,
    until: usize,
}

impl<S> Batch<S> {
    fn new() -> Self {
        Batch { successors: Vec::new(), counts: Vec::new(), found: Vec::new(), from: 0, until: 0 }
    }
}

/// One place of the ring, on cache lines of its own.
#[repr(align(128))]
struct Place<S> {
    tag: AtomicU64,
    batch: UnsafeCell<Batch<S>>,
}

// SAFETY: a place's batch is touched only by the thread that moved its tag out of FREE (a
// worker until it writes READY, then the storer until it frees the place again); the tag's
// release and acquire order the batch's writes before the next owner's reads.
unsafe impl<S: Send> Sync for Place<S> {}

/// What the storer and the workers share.
struct Shared<S> {
    shelf: Shelf<S>,
    ring: Vec<Place<S>>,
    /// The next batch a worker may try to take.
    frontier: Padded<AtomicUsize>,
    /// The batch the storer is at.
    storer_at: Padded<AtomicUsize>,
    /// The sweep has ended: the workers leave.
    done: AtomicBool,
    /// A worker left by unwinding (an engine bug): the storer must not wait for it.
    broken: AtomicBool,
}

/// Expand the stored states `[from, until)` into `batch` (emptied first).
fn fill<T, P>(
    rules: &Rules<'_, T, P>,
    shelf: &Shelf<T::State>,
    batch: &mut Batch<T::State>,
    (from, until): (usize, usize),
    spare: &mut Spare<T::State>,
) where
    T: TransitionSystem,
    P: Properties<T::State>,
{
    batch.successors.clear();
    batch.counts.clear();
    batch.found.clear();
    for i in from..until {
        // SAFETY: `i` is below the shelf's length (the callers take only published states),
        // and no state at or past the storer's position is released.
        let x = unsafe { shelf.get(i) };
        let at = batch.successors.len();
        let mut found = Found::default();
        let successors = &mut batch.successors;
        rules.expand(x, &mut found, spare, |_| Seen::New, |a, y| successors.push((a, y, 0)));
        // Hashed after the system made them all, as the serial driver does.
        for (_, y, h) in &mut successors[at..] {
            *h = shelf.hash(y);
        }
        // These states own no heap memory: nothing is given back to `spare`.
        spare.take_copies();
        batch.counts.push((batch.successors.len() - at) as u32);
        if !found.is_quiet() {
            batch.found.push((i, found));
        }
    }
    batch.from = from;
    batch.until = until;
}

/// A worker's loop: take the next batch of stored states ahead of the storer, expand it,
/// leave it ready; until the sweep ends.
fn worker<T, P>(rules: &Rules<'_, T, P>, shared: &Shared<T::State>)
where
    T: TransitionSystem,
    P: Properties<T::State>,
{
    struct Leaving<'a>(&'a AtomicBool);
    impl Drop for Leaving<'_> {
        fn drop(&mut self) {
            if std::thread::panicking() {
                self.0.store(true, Ordering::Release);
            }
        }
    }
    let _leaving = Leaving(&shared.broken);
    let mut spare = Spare::new();
    let mut idle = 0u32;
    while !shared.done.load(Ordering::Acquire) {
        match help(rules, shared, &mut spare) {
            Help::Filled => idle = 0,
            Help::Lost => {}
            Help::Nothing => {
                // Nothing to take yet: spin a little, then sleep (the ring holds a millisecond
                // or so of the storer's work; a narrow frontier is the storer's own work).
                idle = idle.saturating_add(1);
                if idle < 64 {
                    std::hint::spin_loop();
                } else {
                    std::thread::sleep(Duration::from_micros(20));
                }
            }
        }
    }
}

/// What one try at taking a batch ahead of the storer came to.
enum Help {
    /// A batch was taken and expanded.
    Filled,
    /// Another thread took the batch first: try again.
    Lost,
    /// No batch can be taken yet (not all its states are stored, or the ring is full).
    Nothing,
}

/// Take the next batch ahead of the storer, if one can be taken, and expand it: what the
/// workers do, and the storer too while it waits for a batch a worker is expanding (so that
/// when expanding is the slower part, both threads expand).
fn help<T, P>(rules: &Rules<'_, T, P>, shared: &Shared<T::State>, spare: &mut Spare<T::State>) -> Help
where
    T: TransitionSystem,
    P: Properties<T::State>,
{
    let b = shared.frontier.0.load(Ordering::Acquire);
    if (b + 1) * BATCH > shared.shelf.len() || b >= shared.storer_at.0.load(Ordering::Acquire) + RING {
        return Help::Nothing;
    }
    if shared.frontier.0.compare_exchange(b, b + 1, Ordering::AcqRel, Ordering::Relaxed).is_err() {
        return Help::Lost;
    }
    let place = &shared.ring[b % RING];
    if place.tag.compare_exchange(tag(b, FREE), tag(b, CLAIMED), Ordering::AcqRel, Ordering::Relaxed).is_err()
    {
        // The storer reached it first.
        return Help::Lost;
    }
    // SAFETY: this thread moved the place out of FREE: the batch is its own until READY.
    let batch = unsafe { &mut *place.batch.get() };
    fill(rules, &shared.shelf, batch, (b * BATCH, (b + 1) * BATCH), spare);
    place.tag.store(tag(b, READY), Ordering::Release);
    Help::Filled
}

/// The sweep on `workers` threads (at least two): this thread stores, the pool's expand; its
/// end.
pub(super) fn levels<T, P, O>(
    rules: &Rules<'_, T, P>,
    store: &mut Store<T::State>,
    observer: &mut O,
    transitions: &mut u64,
    pool: &rayon::ThreadPool,
) -> End
where
    T: TransitionSystem,
    P: Properties<T::State>,
    O: Observer<T>,
{
    let shared = Shared {
        shelf: store.shelf(),
        ring: (0..RING)
            .map(|r| Place { tag: AtomicU64::new(tag(r, FREE)), batch: UnsafeCell::new(Batch::new()) })
            .collect(),
        frontier: Padded(AtomicUsize::new(0)),
        storer_at: Padded(AtomicUsize::new(0)),
        done: AtomicBool::new(false),
        broken: AtomicBool::new(false),
    };
    pool.in_place_scope(|scope| {
        for _ in 1..rules.options.workers {
            scope.spawn(|_| worker(rules, &shared));
        }
        // The workers leave when the storer is done, however it ends.
        struct Done<'a>(&'a AtomicBool);
        impl Drop for Done<'_> {
            fn drop(&mut self) {
                self.0.store(true, Ordering::Release);
            }
        }
        let _done = Done(&shared.done);
        storer(rules, store, observer, transitions, &shared)
    })
}

/// The storer: the serial driver's loop over the states in order, with expansions taken from
/// the ring.
fn storer<T, P, O>(
    rules: &Rules<'_, T, P>,
    store: &mut Store<T::State>,
    observer: &mut O,
    transitions: &mut u64,
    shared: &Shared<T::State>,
) -> End
where
    T: TransitionSystem,
    P: Properties<T::State>,
    O: Observer<T>,
{
    let options = rules.options;
    let mut boundaries = Boundaries::new(options.progress, options.memory_budget);
    let mut spare = Spare::new();
    // The states the workers may read.
    let mut published = store.len();
    // The next state to store, and where its level ends (the next level begins there).
    let mut i = 0usize;
    let mut level_end = 0usize;
    while i < store.len() {
        let b = i / BATCH;
        let place = &shared.ring[b % RING];
        let mine = take(rules, shared, b, &mut spare);
        // SAFETY: the storer holds this place (taken just now: MINE or READY).
        let batch = unsafe { &mut *place.batch.get() };
        let batch_end = (b + 1) * BATCH;
        while i < batch_end && i < store.len() {
            if mine {
                // A batch of its own, expanded as far as states are stored.
                store.publish(&shared.shelf);
                published = store.len();
                fill(rules, &shared.shelf, batch, (i, batch_end.min(published)), &mut spare);
            }
            debug_assert_eq!(batch.from, i, "batches are stored in order");
            let step = Step { rules, shared, observer, transitions };
            if let Some(end) =
                step.run(store, batch, &mut boundaries, (&mut i, &mut level_end), &mut published)
            {
                return end;
            }
        }
        place.tag.store(tag(b + RING, FREE), Ordering::Release);
    }
    End::Exhausted
}

/// The storer's work on one batch.
struct Step<'s, 'r, T: TransitionSystem, P, O> {
    rules: &'s Rules<'r, T, P>,
    shared: &'s Shared<T::State>,
    observer: &'s mut O,
    transitions: &'s mut u64,
}

impl<T, P, O> Step<'_, '_, T, P, O>
where
    T: TransitionSystem,
    P: Properties<T::State>,
    O: Observer<T>,
{
    /// Store the successors of the states of `batch` in order, from `*i` (which it advances),
    /// with the level boundaries the serial driver has; `Some(end)` when the sweep ends.
    fn run(
        self,
        store: &mut Store<T::State>,
        batch: &mut Batch<T::State>,
        boundaries: &mut Boundaries,
        (i, level_end): (&mut usize, &mut usize),
        published: &mut usize,
    ) -> Option<End> {
        let Step { rules, shared, observer, transitions } = self;
        let (edges, max) = (observer.wants_edges(), rules.options.max_states);
        let mut spare = Spare::new();
        let (counts, until) = (&batch.counts, batch.until);
        let mut found = batch.found.drain(..).peekable();
        let mut successors = batch.successors.drain(..);
        // Successors taken so far, and how many have their index slots prefetched.
        let (mut taken, mut prefetched) = (0usize, 0usize);
        let total = taken + successors.len();
        while *i < until {
            if *i == *level_end {
                // A level begins: the serial driver's boundary.
                if !boundaries.level(store, *i, store.len()) {
                    return Some(End::OverBudget);
                }
                *level_end = store.len();
            }
            let count = counts[*i - batch.from] as usize;
            let mut here = found.next_if(|f| f.0 == *i).map(|f| f.1).unwrap_or_default();
            // Start loading the index slots of the successors up to `AHEAD` past this state's.
            let want = (taken + count + AHEAD).min(total);
            if prefetched < want {
                for &(_, _, h) in &successors.as_slice()[prefetched - taken..want - taken] {
                    store.prefetch_slot(h);
                }
                prefetched = want;
            }
            let id = StateId::new(*i as u32);
            *i += 1;
            taken += count;
            let mut give_back = 0;
            let mut sink = Sink {
                id,
                edges,
                max,
                transitions: &mut *transitions,
                give_back: &mut give_back,
                spare: &mut spare,
            };
            let these = successors.by_ref().take(count);
            let stop = rules.apply(observer, store, id, &mut here, |store, observer| {
                sink.store::<T, O, false>(store, observer, these)
            });
            if stop.is_some() {
                return stop;
            }
            // The workers take whole batches: publish when one more is complete.
            if store.len() >= *published + BATCH {
                store.publish(&shared.shelf);
                *published = store.len();
            }
        }
        None
    }
}

/// The storer reaches batch `b`: take it to expand itself if no worker has (true), or wait
/// for the worker that has, expanding batches further ahead meanwhile.
fn take<T, P>(
    rules: &Rules<'_, T, P>,
    shared: &Shared<T::State>,
    b: usize,
    spare: &mut Spare<T::State>,
) -> bool
where
    T: TransitionSystem,
    P: Properties<T::State>,
{
    shared.storer_at.0.store(b, Ordering::Release);
    shared.frontier.0.fetch_max(b + 1, Ordering::AcqRel);
    let place = &shared.ring[b % RING];
    if place.tag.compare_exchange(tag(b, FREE), tag(b, MINE), Ordering::AcqRel, Ordering::Acquire).is_ok() {
        return true;
    }
    let mut spins = 0u32;
    while place.tag.load(Ordering::Acquire) != tag(b, READY) {
        assert!(!shared.broken.load(Ordering::Acquire), "musil: a worker of the sweep failed");
        // A worker is expanding it: expand the next batch meanwhile, if there is one.
        if let Help::Filled = help(rules, shared, spare) {
            continue;
        }
        spins = spins.saturating_add(1);
        if spins < 1024 {
            std::hint::spin_loop();
        } else {
            std::thread::yield_now();
        }
    }
    false
}
