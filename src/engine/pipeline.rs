//! The pipelined driver, for two workers: one thread applies the user-code part of the rules
//! to a level's states, the other stores their successors, each doing what it does best.
//!
//! The level's states `[from, until)` are all stored when the level begins, so the expanding
//! thread can read them while the storing thread appends the next level: appending never
//! moves a stored state. The expanding thread runs `Rules::expand` (invariants, successors,
//! edge invariants, the terminal test, each panic caught and named) over the states in order,
//! hashes each successor, and hands them over in batches of [`BATCH`] states through a
//! bounded channel. The storing thread takes the batches in the order they were made and does
//! exactly what the serial driver does with a state's successors (`Rules::apply`: the
//! observer's problems, the store, the cap, the edges), so the verdict, count and trace are
//! the serial driver's, and the store and the analysis's observer are only ever touched by
//! one thread. When the storing thread stops the sweep, it drops the channel, and the
//! expanding thread stops at its next batch.
//!
//! Why two threads split this way rather than both expanding a level and merging it: for the
//! models users write, producing successors (user closures, hashing) and storing them (one
//! random memory access per successor) cost about the same, so the split keeps both threads
//! busy, never needs a merge, and no index line moves between cores; the level-synchronous
//! driver (`parallel`) pays a merge and cross-core index traffic that two workers do not win
//! back. With more workers the level-synchronous driver shares the expansion among all of
//! them.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;

use super::step::{Found, Observer, Rules};
use super::{End, StateId, Store};
use crate::properties::Properties;
use crate::system::{ActionId, TransitionSystem};

/// States per batch handed from the expanding thread to the storing thread.
const BATCH: usize = 64;
/// Batches the expanding thread may run ahead of the storing thread.
const AHEAD: usize = 8;

/// A run of consecutive states' successors (action, state, identity hash), where each state's
/// end in `successors`, and what the rules found at each.
struct Batch<S> {
    successors: Vec<(ActionId, S, u64)>,
    ends: Vec<usize>,
    found: Vec<Found<S>>,
}

impl<S> Default for Batch<S> {
    fn default() -> Self {
        Batch { successors: Vec::new(), ends: Vec::new(), found: Vec::new() }
    }
}

/// Apply the rules to the level's states `[from, until)` (all stored) on two threads: the
/// pool's one thread expands, the calling thread stores. `Some(end)` when the sweep ends
/// there.
pub(super) fn stretch<T, P, O>(
    rules: &Rules<'_, T, P>,
    store: &mut Store<T::State>,
    observer: &mut O,
    transitions: &mut u64,
    pool: &rayon::ThreadPool,
    from: usize,
    until: usize,
) -> Option<End>
where
    T: TransitionSystem,
    P: Properties<T::State>,
    O: Observer<T>,
{
    let hasher = store.hasher();
    let level: Vec<&T::State> = (from..until)
        // SAFETY: the store outlives the references (they end with this call), and nothing
        // releases states during a level (fingerprint mode releases at level boundaries).
        .map(|i| unsafe { store.detached(StateId::new(i as u32)) })
        .collect();
    let (full, batches) = mpsc::sync_channel::<Batch<T::State>>(AHEAD);
    let (empty, recycled) = mpsc::channel::<Batch<T::State>>();
    let stopped = AtomicBool::new(false);
    let mut end = None;
    pool.in_place_scope(|scope| {
        let (level, stopped, hasher) = (&level, &stopped, &hasher);
        scope.spawn(move |_| {
            for run in level.chunks(BATCH) {
                if stopped.load(Ordering::Relaxed) {
                    return;
                }
                let mut batch = recycled.try_recv().unwrap_or_default();
                for &x in run {
                    let mut found = Found::default();
                    let out = &mut batch.successors;
                    rules.expand(
                        x,
                        &mut found,
                        |_| false,
                        |a, y| {
                            let h = hasher.hash(&y);
                            out.push((a, y, h));
                        },
                    );
                    batch.ends.push(out.len());
                    batch.found.push(found);
                }
                if full.send(batch).is_err() {
                    return;
                }
            }
        });
        end = store_batches(rules, store, observer, transitions, from, batches, empty);
        stopped.store(true, Ordering::Relaxed);
    });
    end
}

/// The storing thread: the batches in order, each state's successors stored as the serial
/// driver stores them. Dropping `batches` on return lets a blocked expanding thread go.
fn store_batches<T, P, O>(
    rules: &Rules<'_, T, P>,
    store: &mut Store<T::State>,
    observer: &mut O,
    transitions: &mut u64,
    from: usize,
    batches: mpsc::Receiver<Batch<T::State>>,
    empty: mpsc::Sender<Batch<T::State>>,
) -> Option<End>
where
    T: TransitionSystem,
    P: Properties<T::State>,
    O: Observer<T>,
{
    let max = rules.options.max_states;
    let edges = observer.wants_edges();
    let mut next = from;
    for mut batch in batches {
        let Batch { successors, ends, found } = &mut batch;
        let mut drain = successors.drain(..);
        let mut begin = 0;
        // The first state's index slots; each state's loop loads the next state's.
        if let Some(&first) = ends.first() {
            for (_, _, h) in &drain.as_slice()[..first] {
                store.prefetch_slot(*h);
            }
        }
        for (k, mut here) in found.drain(..).enumerate() {
            let id = StateId::new(next as u32);
            next += 1;
            let count = ends[k] - begin;
            begin = ends[k];
            if let Some(&after) = ends.get(k + 1) {
                for (_, _, h) in &drain.as_slice()[count..count + (after - begin)] {
                    store.prefetch_slot(*h);
                }
            }
            let mut taken = 0;
            let stored = |store: &mut Store<T::State>, observer: &mut O| {
                for (a, y, h) in drain.by_ref().take(count) {
                    taken += 1;
                    *transitions += 1;
                    let (to, new) = store.insert_hashed(y, h, Some(id));
                    if edges {
                        observer.edge(id, a, to);
                    }
                    if new && store.len() >= max {
                        return true;
                    }
                }
                false
            };
            if let Some(end) = rules.apply(observer, store, id, &mut here, stored) {
                return Some(end);
            }
            // Successors left unstored by a cap the rules let pass are dropped, as the
            // serial driver drops them.
            drain.by_ref().take(count - taken).for_each(drop);
        }
        drop(drain);
        ends.clear();
        // The expanding thread may have finished; then nobody takes the batch back.
        let _ = empty.send(batch);
    }
    None
}
