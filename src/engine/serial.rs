//! The serial driver: the rules of `step` applied to one state after another, in discovery
//! order, each state's successors stored as they come.
//!
//! The successors of a state are produced (each hashed, its index slot prefetched) one state
//! ahead of their lookups, so that the loads of many lookups overlap instead of each waiting
//! for memory in turn. (Prefetching the stored states the lookups compare against as well was
//! measured slower: it costs a second probe per successor.) What the serial order decides is
//! unchanged by it: states are stored in emission order, the cap stops at the same successor,
//! and what the rules found at a state is heard only when the sweep reaches that state.
//!
//! A successor the system lends (an in-place effect's edit of the scratch state) is copied, by
//! `clone_from`, into a spare state: one that a lent successor before it left known, kept for
//! its buffers instead of dropped. So it waits for its lookup like any other, and a lent
//! successor that is known already allocates nothing (looking it up where it is produced,
//! to clone only a new one, would lose the prefetching and was measured slower than
//! allocating: `counters-closures-inplace 6`, one worker, 1.10 to 1.22 s against 0.81 to
//! 0.87 s this way).

use std::borrow::Cow;

use super::step::{Found, Observer, Rules, Seen};
use super::{End, StateId, Store};
use crate::properties::Properties;
use crate::system::{ActionId, TransitionSystem};

/// The serial driver's buffers, kept from one stretch to the next: the successors of the
/// state being processed and of the one after it, the scratch state the system may lend
/// successors from, and spare states whose buffers a lent successor is copied into.
pub(super) struct Buffers<S> {
    current: Expanded<S>,
    ahead: Expanded<S>,
    scratch: Option<S>,
    spare: Vec<S>,
}

impl<S> Default for Buffers<S> {
    fn default() -> Self {
        Buffers { current: Expanded::new(), ahead: Expanded::new(), scratch: None, spare: Vec::new() }
    }
}

/// A successor on its way to the store: its action, the state, its identity hash, and whether
/// it is a copy of a lent successor (its buffers go back to the spare states when known).
type Next<S> = (ActionId, S, u64, bool);

/// A state's successors and what the rules found there.
struct Expanded<S> {
    successors: Vec<Next<S>>,
    found: Found<S>,
}

impl<S> Expanded<S> {
    fn new() -> Self {
        Expanded { successors: Vec::new(), found: Found::default() }
    }
}

/// Apply the rules at state `id`, its successors into `into` (cleared first). `[from, until)`:
/// the level being expanded (what a reduction's cycle proviso may look up).
fn expand<T: TransitionSystem, P: Properties<T::State>>(
    rules: &Rules<'_, T, P>,
    store: &mut Store<T::State>,
    id: StateId,
    into: &mut Expanded<T::State>,
    scratch: &mut Option<T::State>,
    spare: &mut Vec<T::State>,
    (from, until): (usize, usize),
) {
    into.successors.clear();
    let out = &mut into.successors;
    // SAFETY: the store outlives `x`, and nothing here releases states.
    let x: &T::State = unsafe { store.detached(id) };
    if rules.reduces() {
        // The proviso looks states up (this level or earlier: the same answer whatever of the
        // next level is stored yet, and marks of earlier levels only), so the hashes come
        // after.
        let known: &Store<T::State> = store;
        let seen = |y: &T::State| match known.find(y) {
            Some(at) if at.index() < from && known.expanded_in_full(at) => Seen::InFull,
            Some(at) if at.index() < until => Seen::Known,
            _ => Seen::New,
        };
        if rules.expand(x, &mut into.found, scratch, seen, |a, y| out.push((a, y.into_owned(), 0, false))) {
            store.mark_in_full(id);
        }
        for (_, y, h, _) in out.iter_mut() {
            *h = store.hash(y);
            store.prefetch_slot(*h);
        }
        return;
    }
    rules.expand(
        x,
        &mut into.found,
        scratch,
        |_| Seen::New,
        |a, y| {
            let h = store.hash(&y);
            let (y, copied) = match y {
                Cow::Owned(y) => (y, false),
                Cow::Borrowed(y) => match spare.pop() {
                    Some(mut copy) => {
                        copy.clone_from(y);
                        (copy, true)
                    }
                    None => (y.clone(), std::mem::needs_drop::<T::State>()),
                },
            };
            store.prefetch_slot(h);
            out.push((a, y, h, copied));
        },
    );
}

/// Apply the rules to the states numbered `[from, until)` in order (fewer when the store ends
/// first). `Some(end)` when the sweep ends there.
pub(super) fn stretch<T, P, O>(
    rules: &Rules<'_, T, P>,
    store: &mut Store<T::State>,
    observer: &mut O,
    transitions: &mut u64,
    buffers: &mut Buffers<T::State>,
    from: usize,
    until: usize,
) -> Option<End>
where
    T: TransitionSystem,
    P: Properties<T::State>,
    O: Observer<T>,
{
    let max = rules.options.max_states;
    let edges = observer.wants_edges();
    let Buffers { current, ahead, scratch, spare } = buffers;
    let mut ahead_of: Option<usize> = None;
    let mut cursor = from;
    while cursor < until && cursor < store.len() {
        let id = StateId::new(cursor as u32);
        cursor += 1;
        if ahead_of == Some(id.index()) {
            std::mem::swap(current, ahead);
        } else {
            expand(rules, store, id, current, scratch, spare, (from, until));
        }
        ahead_of = None;
        if cursor < until && cursor < store.len() {
            expand(rules, store, StateId::new(cursor as u32), ahead, scratch, spare, (from, until));
            ahead_of = Some(cursor);
        }
        let successors = &mut current.successors;
        let stored = |store: &mut Store<T::State>, observer: &mut O| {
            for (a, y, h, copied) in successors.drain(..) {
                *transitions += 1;
                let (to, known) = store.insert_or_give_back(y, h, Some(id));
                let new = known.is_none();
                if let Some(y) = known
                    && copied
                {
                    spare.push(y);
                }
                if edges {
                    observer.edge(id, a, to);
                }
                if new && store.len() >= max {
                    return true;
                }
            }
            false
        };
        if let Some(end) = rules.apply(observer, store, id, &mut current.found, stored) {
            return Some(end);
        }
    }
    None
}
