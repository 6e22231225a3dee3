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
//! A successor the system lends (an in-place effect's scratch state) cannot wait for its
//! lookup: it is looked up as it is produced, and cloned only when the store does not know it
//! yet. A state known then is known at its turn too (the store only grows within a level), so
//! the answer is the one the lookup in order would give; one not known yet is looked up again
//! in order, as an owned successor is.

use std::borrow::Cow;

use super::step::{Found, Observer, Rules, Seen};
use super::{End, StateId, Store};
use crate::properties::Properties;
use crate::system::{ActionId, TransitionSystem};

/// The serial driver's buffers, kept from one stretch to the next: the successors of the
/// state being processed and of the one after it, and the scratch state the system may lend
/// successors from.
pub(super) struct Buffers<S> {
    current: Expanded<S>,
    ahead: Expanded<S>,
    scratch: Option<S>,
}

impl<S> Default for Buffers<S> {
    fn default() -> Self {
        Buffers { current: Expanded::new(), ahead: Expanded::new(), scratch: None }
    }
}

/// A successor on its way to the store.
enum Next<S> {
    /// To be looked up in order: the state and its identity hash.
    Owned(S, u64),
    /// Known already (a lent successor, looked up as it was produced).
    Known(StateId),
}

/// A state's successors (action, successor) and what the rules found there.
struct Expanded<S> {
    successors: Vec<(ActionId, Next<S>)>,
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
        if rules
            .expand(x, &mut into.found, scratch, seen, |a, y| out.push((a, Next::Owned(y.into_owned(), 0))))
        {
            store.mark_in_full(id);
        }
        for (_, next) in out.iter_mut() {
            if let Next::Owned(y, h) = next {
                *h = store.hash(y);
                store.prefetch_slot(*h);
            }
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
            let y = match y {
                Cow::Owned(y) => y,
                // A state that owns no heap memory is cloned without an allocation: it waits
                // for its lookup in order, its index slot prefetched, as an owned one does.
                Cow::Borrowed(y) if std::mem::needs_drop::<T::State>() => {
                    if let Some(to) = store.find_unshared(y, h) {
                        out.push((a, Next::Known(to)));
                        return;
                    }
                    y.clone()
                }
                Cow::Borrowed(y) => y.clone(),
            };
            store.prefetch_slot(h);
            out.push((a, Next::Owned(y, h)));
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
    let Buffers { current, ahead, scratch } = buffers;
    let mut ahead_of: Option<usize> = None;
    let mut cursor = from;
    while cursor < until && cursor < store.len() {
        let id = StateId::new(cursor as u32);
        cursor += 1;
        if ahead_of == Some(id.index()) {
            std::mem::swap(current, ahead);
        } else {
            expand(rules, store, id, current, scratch, (from, until));
        }
        ahead_of = None;
        if cursor < until && cursor < store.len() {
            expand(rules, store, StateId::new(cursor as u32), ahead, scratch, (from, until));
            ahead_of = Some(cursor);
        }
        let successors = &mut current.successors;
        let stored = |store: &mut Store<T::State>, observer: &mut O| {
            for (a, next) in successors.drain(..) {
                *transitions += 1;
                let (to, new) = match next {
                    Next::Owned(y, h) => store.insert_hashed(y, h, Some(id)),
                    Next::Known(to) => (to, false),
                };
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
