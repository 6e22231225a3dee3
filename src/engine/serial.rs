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
//! The system builds successors in spare states where it can (an in-place effect does:
//! [`TransitionSystem::successors_reusing`]): as many successors found known already as it took
//! copies for a state are kept for their buffers instead of dropped, so a successor that is
//! known already costs no allocation, and waits for its lookup with its slot prefetched like
//! any other. (Looking a successor up where it is produced, to clone only a new one, loses the
//! prefetching: it was measured slower than allocating.)

use super::step::{Found, Observer, Rules, Seen};
use super::{End, StateId, Store};
use crate::properties::Properties;
use crate::system::{ActionId, Spare, TransitionSystem};

/// The serial driver's buffers, kept from one stretch to the next: the successors of the
/// state being processed and of the one after it, and the spare states the system may build
/// successors in.
pub(super) struct Buffers<S> {
    current: Expanded<S>,
    ahead: Expanded<S>,
    spare: Spare<S>,
}

impl<S> Default for Buffers<S> {
    fn default() -> Self {
        Buffers { current: Expanded::new(), ahead: Expanded::new(), spare: Spare::new() }
    }
}

/// A state's successors (action, state, identity hash), what the rules found there, and how
/// many copies of spare states the system took for them.
struct Expanded<S> {
    successors: Vec<(ActionId, S, u64)>,
    found: Found<S>,
    took: usize,
}

impl<S> Expanded<S> {
    fn new() -> Self {
        Expanded { successors: Vec::new(), found: Found::default(), took: 0 }
    }
}

/// Apply the rules at state `id`, its successors into `into` (cleared first). `[from, until)`:
/// the level being expanded (what a reduction's cycle proviso may look up).
fn expand<T: TransitionSystem, P: Properties<T::State>>(
    rules: &Rules<'_, T, P>,
    store: &mut Store<T::State>,
    id: StateId,
    into: &mut Expanded<T::State>,
    spare: &mut Spare<T::State>,
    (from, until): (usize, usize),
) {
    into.successors.clear();
    let out = &mut into.successors;
    // SAFETY: the store outlives `x`, and nothing here releases states.
    let x: &T::State = unsafe { store.detached(id) };
    let hashed = if rules.reduces() {
        // The proviso looks states up (this level or earlier: the same answer whatever of the
        // next level is stored yet, and marks of earlier levels only).
        let known: &Store<T::State> = store;
        let seen = |y: &T::State| match known.find(y) {
            Some(at) if at.index() < from && known.expanded_in_full(at) => Seen::InFull,
            Some(at) if at.index() < until => Seen::Known,
            _ => Seen::New,
        };
        if rules.expand(x, &mut into.found, spare, seen, |a, y| out.push((a, y, 0))) {
            store.mark_in_full(id);
        }
        false
    } else if std::mem::needs_drop::<T::State>() {
        // States with heap parts are hashed as they come: hashed in a loop of their own, they
        // were slower with two workers (`registry-closures 9`: 0.79 -> 0.96 s, alternated
        // medians), and no faster with one.
        rules.expand(
            x,
            &mut into.found,
            spare,
            |_| Seen::New,
            |a, y| {
                let h = store.hash(&y);
                store.prefetch_slot(h);
                out.push((a, y, h));
            },
        );
        true
    } else {
        rules.expand(x, &mut into.found, spare, |_| Seen::New, |a, y| out.push((a, y, 0)));
        false
    };
    if !hashed {
        // Hashed in a loop of their own once the system made them all: hashing inside the
        // callback the system calls was 20-25% slower (one worker: `counters-closures-array 6`,
        // `phils 16`, `token-ring 16`).
        for (_, y, h) in out.iter_mut() {
            *h = store.hash(y);
            store.prefetch_slot(*h);
        }
    }
    into.took = spare.take_copies();
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
    let Buffers { current, ahead, spare } = buffers;
    let mut ahead_of: Option<usize> = None;
    let mut cursor = from;
    while cursor < until && cursor < store.len() {
        let id = StateId::new(cursor as u32);
        cursor += 1;
        if ahead_of == Some(id.index()) {
            std::mem::swap(current, ahead);
        } else {
            expand(rules, store, id, current, spare, (from, until));
        }
        ahead_of = None;
        if cursor < until && cursor < store.len() {
            expand(rules, store, StateId::new(cursor as u32), ahead, spare, (from, until));
            ahead_of = Some(cursor);
        }
        let (successors, mut give_back) = (&mut current.successors, current.took);
        let mut sink =
            Sink { id, edges, max, transitions: &mut *transitions, give_back: &mut give_back, spare };
        // Two copies of the storing loop: the one for successors made afresh (the common case)
        // keeps nothing and so carries no bookkeeping.
        let end = if sink.give_back == &0 {
            rules.apply(observer, store, id, &mut current.found, |store, observer| {
                sink.store::<T, O, false>(store, observer, successors.drain(..))
            })
        } else {
            rules.apply(observer, store, id, &mut current.found, |store, observer| {
                sink.store::<T, O, true>(store, observer, successors.drain(..))
            })
        };
        if let Some(end) = end {
            return Some(end);
        }
    }
    None
}

/// Where one state's successors are stored, and what is kept of the known ones.
pub(super) struct Sink<'a, S> {
    pub id: StateId,
    pub edges: bool,
    pub max: usize,
    pub transitions: &'a mut u64,
    /// How many known successors go back to `spare`.
    pub give_back: &'a mut usize,
    pub spare: &'a mut Spare<S>,
}

impl<S> Sink<'_, S> {
    /// Store `successors` in order; `true` when the cap was reached. With `KEEP`, known
    /// successors go back to the spare states while `give_back` lasts.
    #[inline(always)]
    pub fn store<T, O, const KEEP: bool>(
        &mut self,
        store: &mut Store<S>,
        observer: &mut O,
        successors: impl Iterator<Item = (ActionId, S, u64)>,
    ) -> bool
    where
        T: TransitionSystem<State = S>,
        O: Observer<T>,
        S: std::hash::Hash + Eq,
    {
        for (k, (a, y, h)) in successors.enumerate() {
            *self.transitions += 1;
            let k = k as u32;
            let (to, new) = if !KEEP || *self.give_back == 0 {
                store.insert_hashed(y, h, Some(self.id), k)
            } else {
                match store.insert_or_give_back(y, h, Some(self.id), k) {
                    (to, Some(known)) => {
                        *self.give_back -= 1;
                        self.spare.put(known);
                        (to, false)
                    }
                    (to, None) => (to, true),
                }
            };
            if self.edges {
                observer.edge(self.id, a, to);
            }
            if new && store.len() >= self.max {
                return true;
            }
        }
        false
    }
}
