//! The state store: every discovered state once, in discovery order, with its parent link.
//!
//! States live in an arena of chunks whose buffers never move (chunk `k` holds `64 << k`
//! states), so a state being expanded can be read while new states are appended. Beside each
//! state: the index of the state that discovered it and the action that led there. A
//! `hashbrown` table maps a state to its index; each slot keeps 32 bits of the state's hash
//! beside the index, so most non-matching slots are rejected without touching the arena.

use std::hash::BuildHasher;
use std::sync::Arc;

use hashbrown::HashTable;

use crate::system::ActionId;

/// Index of a stored state: its position in discovery order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StateId(u32);

impl StateId {
    /// The id at this position.
    pub const fn new(index: u32) -> Self {
        StateId(index)
    }

    /// The position in discovery order.
    pub const fn index(self) -> usize {
        self.0 as usize
    }
}

const NO_PARENT: u32 = u32::MAX;
const FIRST_CHUNK_SHIFT: u32 = 6;

/// How states are identified: by value (the default) or by a caller's key.
pub(crate) struct Identity<S> {
    key: Option<KeyFns<S>>,
}

type KeyHash<S> = Arc<dyn Fn(&S) -> u64 + Send + Sync>;
type KeyEq<S> = Arc<dyn Fn(&S, &S) -> bool + Send + Sync>;

struct KeyFns<S> {
    hash: KeyHash<S>,
    eq: KeyEq<S>,
}

impl<S> Clone for Identity<S> {
    fn clone(&self) -> Self {
        Identity { key: self.key.as_ref().map(|k| KeyFns { hash: k.hash.clone(), eq: k.eq.clone() }) }
    }
}

pub(crate) fn hash_of<T: std::hash::Hash + ?Sized>(value: &T) -> u64 {
    foldhash::fast::FixedState::with_seed(0x6d75_7369_6c21).hash_one(value)
}

impl<S: std::hash::Hash + Eq> Identity<S> {
    /// Identify states by their whole value.
    pub(crate) fn by_value() -> Self {
        Identity { key: None }
    }

    /// Identify states by `key(state)`.
    pub(crate) fn by_key<K: std::hash::Hash + Eq>(key: impl Fn(&S) -> K + Send + Sync + 'static) -> Self {
        let key = Arc::new(key);
        let k2 = key.clone();
        Identity {
            key: Some(KeyFns {
                hash: Arc::new(move |s| hash_of(&key(s))),
                eq: Arc::new(move |a, b| k2(a) == k2(b)),
            }),
        }
    }

    #[inline]
    fn hash(&self, s: &S) -> u64 {
        match &self.key {
            None => hash_of(s),
            Some(k) => {
                crate::fault::enter(crate::fault::Site::Key);
                (k.hash)(s)
            }
        }
    }

    #[inline]
    fn same(&self, a: &S, b: &S) -> bool {
        match &self.key {
            None => a == b,
            Some(k) => (k.eq)(a, b),
        }
    }
}

#[inline]
fn table_hash(hi: u32) -> u64 {
    ((hi as u64) << 32) | hi as u64
}

/// Every discovered state, in discovery order, with parent links and an index.
pub struct Store<S> {
    chunks: Vec<Vec<S>>,
    len: usize,
    parent: Vec<u32>,
    action: Vec<ActionId>,
    table: HashTable<u64>,
    identity: Identity<S>,
}

impl<S: std::fmt::Debug> std::fmt::Debug for Store<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("len", &self.len).finish_non_exhaustive()
    }
}

#[inline]
fn locate(index: usize) -> (usize, usize) {
    let j = index + (1 << FIRST_CHUNK_SHIFT);
    let k = (usize::BITS - 1 - j.leading_zeros()) - FIRST_CHUNK_SHIFT;
    (k as usize, j - ((1usize << FIRST_CHUNK_SHIFT) << k))
}

impl<S: std::hash::Hash + Eq> Store<S> {
    pub(crate) fn new(identity: Identity<S>) -> Self {
        Store {
            chunks: Vec::new(),
            len: 0,
            parent: Vec::new(),
            action: Vec::new(),
            table: HashTable::new(),
            identity,
        }
    }

    /// Number of stored states.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when nothing is stored.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The state with this id.
    #[inline]
    pub fn get(&self, id: StateId) -> &S {
        let (c, o) = locate(id.index());
        &self.chunks[c][o]
    }

    /// A pointer to a stored state that stays valid while states are appended.
    #[inline]
    pub(crate) fn stable_ptr(&self, id: StateId) -> *const S {
        self.get(id) as *const S
    }

    /// The parent link of a state: `None` for an initial state.
    pub fn parent(&self, id: StateId) -> Option<(StateId, ActionId)> {
        let p = self.parent[id.index()];
        (p != NO_PARENT).then(|| (StateId(p), self.action[id.index()]))
    }

    /// The identity hash of a state (what [`Store::find_hashed`] and
    /// [`Store::insert_hashed`] take).
    #[inline]
    pub(crate) fn hash(&self, state: &S) -> u64 {
        self.identity.hash(state)
    }

    /// The id of a stored state equal (by identity) to `state`.
    pub fn find(&self, state: &S) -> Option<StateId> {
        self.find_hashed(state, self.identity.hash(state))
    }

    /// [`Store::find`] with the hash already computed.
    #[inline]
    pub(crate) fn find_hashed(&self, state: &S, h: u64) -> Option<StateId> {
        let hi = (h >> 32) as u32;
        let chunks = &self.chunks;
        let identity = &self.identity;
        self.table
            .find(table_hash(hi), |&e| {
                (e >> 32) as u32 == hi && {
                    let (c, o) = locate((e as u32) as usize);
                    identity.same(&chunks[c][o], state)
                }
            })
            .map(|&e| StateId(e as u32))
    }

    /// Store `state` unless an equal one is stored. Returns its id and whether it is new.
    #[inline]
    pub(crate) fn insert(&mut self, state: S, parent: Option<(StateId, ActionId)>) -> (StateId, bool) {
        let h = self.identity.hash(&state);
        self.insert_hashed(state, h, parent)
    }

    /// [`Store::insert`] with the hash already computed.
    #[inline]
    pub(crate) fn insert_hashed(
        &mut self,
        state: S,
        h: u64,
        parent: Option<(StateId, ActionId)>,
    ) -> (StateId, bool) {
        let hi = (h >> 32) as u32;
        let chunks = &self.chunks;
        let identity = &self.identity;
        let found = self.table.find(table_hash(hi), |&e| {
            (e >> 32) as u32 == hi && {
                let (c, o) = locate((e as u32) as usize);
                identity.same(&chunks[c][o], &state)
            }
        });
        if let Some(&e) = found {
            return (StateId(e as u32), false);
        }
        let index = self.len;
        assert!(index < NO_PARENT as usize, "musil: more than 4,294,967,294 states in one store");
        let (c, _) = locate(index);
        if c == self.chunks.len() {
            self.chunks.push(Vec::with_capacity((1usize << FIRST_CHUNK_SHIFT) << c));
        }
        // A chunk is created with its final capacity and never grows, so pointers into earlier
        // states stay valid.
        debug_assert!(self.chunks[c].len() < self.chunks[c].capacity());
        self.chunks[c].push(state);
        self.len += 1;
        match parent {
            Some((p, a)) => {
                self.parent.push(p.0);
                self.action.push(a);
            }
            None => {
                self.parent.push(NO_PARENT);
                self.action.push(ActionId::new(0));
            }
        }
        self.table.insert_unique(table_hash(hi), ((hi as u64) << 32) | index as u64, |&e| {
            table_hash((e >> 32) as u32)
        });
        (StateId(index as u32), true)
    }

    /// The path from an initial state to `id`: the root first, then `(action, state)` steps.
    pub fn path(&self, id: StateId) -> (StateId, Vec<(ActionId, StateId)>) {
        let mut steps = Vec::new();
        let mut cur = id;
        while let Some((p, a)) = self.parent(cur) {
            steps.push((a, cur));
            cur = p;
        }
        steps.reverse();
        (cur, steps)
    }

    /// Depth of a state (number of steps from its root).
    pub fn depth(&self, id: StateId) -> usize {
        let mut d = 0;
        let mut cur = id;
        while let Some((p, _)) = self.parent(cur) {
            d += 1;
            cur = p;
        }
        d
    }

    /// Iterate over the stored states in discovery order.
    pub fn iter(&self) -> impl Iterator<Item = &S> {
        self.chunks.iter().flat_map(|c| c.iter())
    }

    /// Approximate heap bytes used per stored state by the bookkeeping (parent, action, index
    /// table), not counting the states themselves.
    pub fn overhead_bytes(&self) -> usize {
        self.parent.capacity() * 4 + self.action.capacity() * 4 + self.table.capacity() * 9
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locate_walks_chunks_of_doubling_size() {
        assert_eq!(locate(0), (0, 0));
        assert_eq!(locate(63), (0, 63));
        assert_eq!(locate(64), (1, 0));
        assert_eq!(locate(191), (1, 127));
        assert_eq!(locate(192), (2, 0));
    }

    #[test]
    fn insert_dedups_and_keeps_discovery_order() {
        let mut st: Store<u32> = Store::new(Identity::by_value());
        for i in 0..1000u32 {
            let (id, new) = st.insert(i, None);
            assert!(new);
            assert_eq!(id.index(), i as usize);
        }
        for i in 0..1000u32 {
            let (id, new) = st.insert(i, None);
            assert!(!new);
            assert_eq!(*st.get(id), i);
            assert_eq!(st.find(&i), Some(id));
        }
        assert_eq!(st.iter().copied().collect::<Vec<_>>(), (0..1000).collect::<Vec<_>>());
        assert_eq!(st.find(&5000), None);
    }

    #[test]
    fn a_key_identifies_states_by_key() {
        let mut st: Store<u32> = Store::new(Identity::by_key(|s: &u32| s % 10));
        assert!(st.insert(3, None).1);
        let (id, new) = st.insert(13, None);
        assert!(!new);
        assert_eq!(*st.get(id), 3);
    }
}
