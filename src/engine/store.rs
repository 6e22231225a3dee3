//! The state store: every discovered state once, in discovery order, with its parent link.
//!
//! Memory per state is the state itself plus about 4 bytes of parent link and 5 to 11 bytes
//! of index table, with no growth spike:
//! - states live in an arena of chunks that never move (sizes double from 64 up to 65,536,
//!   then stay), so a state being expanded can be read while new ones are appended, and at most
//!   one chunk is partly empty;
//! - the parent of each state (the state that discovered it) sits in the same kind of chunked
//!   array; the action that led there is not stored but found again when a trace is built;
//! - the index is 64 `hashbrown` tables of `u32` state numbers, chosen by 6 bits of the hash,
//!   so a table grows one shard at a time and the old and new shard coexist only briefly.

use std::hash::BuildHasher;
use std::sync::Arc;

use hashbrown::HashTable;

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
const SHARD_BITS: u32 = 6;
const SHARDS: usize = 1 << SHARD_BITS;

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
    pub(crate) fn hash(&self, s: &S) -> u64 {
        match &self.key {
            None => hash_of(s),
            Some(k) => {
                crate::fault::enter(crate::fault::Site::Key);
                (k.hash)(s)
            }
        }
    }

    #[inline]
    pub(crate) fn same(&self, a: &S, b: &S) -> bool {
        match &self.key {
            None => a == b,
            Some(k) => (k.eq)(a, b),
        }
    }
}

const FIRST_CHUNK_SHIFT: u32 = 6;
const LAST_CHUNK_SHIFT: u32 = 16;
/// Elements in the doubling chunks (64 + 128 + ... + 32,768).
const DOUBLING: usize = (1 << LAST_CHUNK_SHIFT) - (1 << FIRST_CHUNK_SHIFT);

/// Chunk number and offset of element `index`.
#[inline]
fn locate(index: usize) -> (usize, usize) {
    if index < DOUBLING {
        let j = index + (1 << FIRST_CHUNK_SHIFT);
        let k = (usize::BITS - 1 - j.leading_zeros()) - FIRST_CHUNK_SHIFT;
        (k as usize, j - ((1usize << FIRST_CHUNK_SHIFT) << k))
    } else {
        let rest = index - DOUBLING;
        (
            (LAST_CHUNK_SHIFT - FIRST_CHUNK_SHIFT) as usize + (rest >> LAST_CHUNK_SHIFT),
            rest & ((1 << LAST_CHUNK_SHIFT) - 1),
        )
    }
}

fn chunk_capacity(chunk: usize) -> usize {
    1usize << (FIRST_CHUNK_SHIFT as usize + chunk).min(LAST_CHUNK_SHIFT as usize)
}

/// An append-only array of chunks that never move.
struct Chunked<T> {
    chunks: Vec<Vec<T>>,
    len: usize,
}

impl<T> Chunked<T> {
    fn new() -> Self {
        Chunked { chunks: Vec::new(), len: 0 }
    }

    #[inline]
    fn get(&self, index: usize) -> &T {
        let (c, o) = locate(index);
        &self.chunks[c][o]
    }

    #[inline]
    fn push(&mut self, value: T) {
        let (c, _) = locate(self.len);
        if c == self.chunks.len() {
            self.chunks.push(Vec::with_capacity(chunk_capacity(c)));
        }
        // A chunk is created with its final capacity and never grows, so references to
        // earlier elements stay valid.
        debug_assert!(self.chunks[c].len() < self.chunks[c].capacity());
        self.chunks[c].push(value);
        self.len += 1;
    }

    fn iter(&self) -> impl Iterator<Item = &T> {
        self.chunks.iter().flat_map(|c| c.iter())
    }

    /// Free the chunks whose elements all lie below `index` (they must never be read again).
    fn release_before(&mut self, index: usize) -> usize {
        let mut freed = 0;
        for (c, chunk) in self.chunks.iter_mut().enumerate() {
            let end = if c < (LAST_CHUNK_SHIFT - FIRST_CHUNK_SHIFT) as usize {
                ((1usize << FIRST_CHUNK_SHIFT) << (c + 1)) - (1 << FIRST_CHUNK_SHIFT)
            } else {
                DOUBLING + ((c - (LAST_CHUNK_SHIFT - FIRST_CHUNK_SHIFT) as usize + 1) << LAST_CHUNK_SHIFT)
            };
            if end > index {
                break;
            }
            if chunk.capacity() > 0 {
                freed += chunk.len();
                *chunk = Vec::new();
            }
        }
        freed
    }

    fn heap_bytes(&self) -> usize {
        self.chunks.iter().map(|c| c.capacity() * std::mem::size_of::<T>()).sum::<usize>()
            + self.chunks.capacity() * std::mem::size_of::<Vec<T>>()
    }
}

/// Every discovered state, in discovery order, with parent links and an index.
///
/// In fingerprint mode the index compares 64-bit hashes instead of states, and the states of
/// expanded levels are dropped: memory per state no longer depends on the state's size, at the
/// price of a (reported) chance that two states share a fingerprint and one is never explored.
pub struct Store<S> {
    states: Chunked<S>,
    parent: Chunked<u32>,
    /// The fingerprint of every state, in fingerprint mode.
    fingerprints: Option<Chunked<u64>>,
    shards: Vec<HashTable<u32>>,
    identity: Identity<S>,
}

impl<S: std::fmt::Debug> std::fmt::Debug for Store<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("len", &self.states.len).finish_non_exhaustive()
    }
}

#[inline]
fn shard_of(h: u64) -> usize {
    ((h >> 32) as usize) & (SHARDS - 1)
}

impl<S: std::hash::Hash + Eq> Store<S> {
    pub(crate) fn new(identity: Identity<S>) -> Self {
        Store {
            states: Chunked::new(),
            parent: Chunked::new(),
            fingerprints: None,
            shards: (0..SHARDS).map(|_| HashTable::new()).collect(),
            identity,
        }
    }

    /// A store that identifies states by 64-bit fingerprints and forgets expanded states.
    pub(crate) fn fingerprinted(identity: Identity<S>) -> Self {
        Store { fingerprints: Some(Chunked::new()), ..Self::new(identity) }
    }

    /// Whether this store identifies states by fingerprint.
    pub fn is_fingerprinted(&self) -> bool {
        self.fingerprints.is_some()
    }

    /// The fingerprint of a stored state (fingerprint mode only).
    pub(crate) fn fingerprint(&self, id: StateId) -> Option<u64> {
        self.fingerprints.as_ref().map(|f| *f.get(id.index()))
    }

    /// In fingerprint mode, forget the states below `index` (already expanded). Returns how
    /// many were freed.
    pub(crate) fn release_before(&mut self, index: usize) -> usize {
        if self.fingerprints.is_none() {
            return 0;
        }
        self.states.release_before(index)
    }

    /// Number of stored states.
    pub fn len(&self) -> usize {
        self.states.len
    }

    /// True when nothing is stored.
    pub fn is_empty(&self) -> bool {
        self.states.len == 0
    }

    /// The state with this id.
    #[inline]
    pub fn get(&self, id: StateId) -> &S {
        self.states.get(id.index())
    }

    /// A pointer to a stored state that stays valid while states are appended.
    #[inline]
    pub(crate) fn stable_ptr(&self, id: StateId) -> *const S {
        self.get(id) as *const S
    }

    /// The state that discovered this one (`None` for an initial state).
    pub fn parent(&self, id: StateId) -> Option<StateId> {
        let p = *self.parent.get(id.index());
        (p != NO_PARENT).then_some(StateId(p))
    }

    /// Whether two states have the same identity (equal, or equal keys).
    pub(crate) fn same(&self, a: &S, b: &S) -> bool {
        self.identity.same(a, b)
    }

    /// Whether two states with these identity hashes are the same for this store (in
    /// fingerprint mode, the hash decides).
    #[inline]
    pub(crate) fn same_hashed(&self, a: &S, ha: u64, b: &S, hb: u64) -> bool {
        if self.fingerprints.is_some() { ha == hb } else { ha == hb && self.identity.same(a, b) }
    }

    /// Store a state known to be absent (the caller deduplicated it). Returns its id.
    #[inline]
    pub(crate) fn insert_new(&mut self, state: S, h: u64, parent: Option<StateId>) -> StateId {
        let Store { states, parent: parents, fingerprints, shards, identity } = self;
        let shard = &mut shards[shard_of(h)];
        let index = states.len;
        assert!(index < NO_PARENT as usize, "musil: more than 4,294,967,294 states in one store");
        states.push(state);
        parents.push(parent.map_or(NO_PARENT, |p| p.0));
        match fingerprints {
            Some(fps) => {
                fps.push(h);
                let fps = &*fps;
                shard.insert_unique(h, index as u32, |&i| *fps.get(i as usize));
            }
            None => {
                let (states, identity) = (&*states, &*identity);
                shard.insert_unique(h, index as u32, |&i| identity.hash(states.get(i as usize)));
            }
        }
        StateId(index as u32)
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
        let shard = &self.shards[shard_of(h)];
        let found = match &self.fingerprints {
            Some(fps) => shard.find(h, |&i| *fps.get(i as usize) == h),
            None => {
                let (states, identity) = (&self.states, &self.identity);
                shard.find(h, |&i| identity.same(states.get(i as usize), state))
            }
        };
        found.map(|&i| StateId(i))
    }

    /// Store `state` unless an equal one is stored. Returns its id and whether it is new.
    #[inline]
    pub(crate) fn insert(&mut self, state: S, parent: Option<StateId>) -> (StateId, bool) {
        let h = self.identity.hash(&state);
        self.insert_hashed(state, h, parent)
    }

    /// [`Store::insert`] with the hash already computed.
    #[inline]
    pub(crate) fn insert_hashed(&mut self, state: S, h: u64, parent: Option<StateId>) -> (StateId, bool) {
        let Store { states, parent: parents, fingerprints, shards, identity } = self;
        let shard = &mut shards[shard_of(h)];
        let index = states.len;
        assert!(index < NO_PARENT as usize, "musil: more than 4,294,967,294 states in one store");
        if let Some(fps) = fingerprints {
            if let Some(&i) = shard.find(h, |&i| *fps.get(i as usize) == h) {
                return (StateId(i), false);
            }
            states.push(state);
            parents.push(parent.map_or(NO_PARENT, |p| p.0));
            fps.push(h);
            let fps = &*fps;
            shard.insert_unique(h, index as u32, |&i| *fps.get(i as usize));
            return (StateId(index as u32), true);
        }
        if let Some(&i) = shard.find(h, |&i| identity.same(states.get(i as usize), &state)) {
            return (StateId(i), false);
        }
        states.push(state);
        parents.push(parent.map_or(NO_PARENT, |p| p.0));
        let states = &*states;
        let identity = &*identity;
        shard.insert_unique(h, index as u32, |&i| identity.hash(states.get(i as usize)));
        (StateId(index as u32), true)
    }

    /// The ids from an initial state to `id`, root first.
    pub fn path(&self, id: StateId) -> Vec<StateId> {
        let mut ids = vec![id];
        let mut cur = id;
        while let Some(p) = self.parent(cur) {
            ids.push(p);
            cur = p;
        }
        ids.reverse();
        ids
    }

    /// Iterate over the stored states in discovery order.
    pub fn iter(&self) -> impl Iterator<Item = &S> {
        self.states.iter()
    }

    /// Heap bytes held: states (their inline part), parent links and index tables.
    pub fn heap_bytes(&self) -> usize {
        self.states.heap_bytes()
            + self.parent.heap_bytes()
            + self.fingerprints.as_ref().map_or(0, |f| f.heap_bytes())
            + self.shards.iter().map(|t| t.capacity() * (std::mem::size_of::<u32>() + 1)).sum::<usize>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locate_walks_doubling_then_fixed_chunks() {
        assert_eq!(locate(0), (0, 0));
        assert_eq!(locate(63), (0, 63));
        assert_eq!(locate(64), (1, 0));
        assert_eq!(locate(191), (1, 127));
        assert_eq!(locate(192), (2, 0));
        assert_eq!(locate(DOUBLING - 1), (9, (1 << 15) - 1));
        assert_eq!(locate(DOUBLING), (10, 0));
        assert_eq!(locate(DOUBLING + (1 << 16)), (11, 0));
        assert_eq!(chunk_capacity(9), 1 << 15);
        assert_eq!(chunk_capacity(10), 1 << 16);
        assert_eq!(chunk_capacity(30), 1 << 16);
    }

    #[test]
    fn insert_dedups_and_keeps_discovery_order() {
        let mut st: Store<u32> = Store::new(Identity::by_value());
        for i in 0..200_000u32 {
            let (id, new) = st.insert(i, i.checked_sub(1).map(StateId::new));
            assert!(new);
            assert_eq!(id.index(), i as usize);
        }
        for i in (0..200_000u32).step_by(7) {
            let (id, new) = st.insert(i, None);
            assert!(!new);
            assert_eq!(*st.get(id), i);
            assert_eq!(st.find(&i), Some(id));
        }
        assert!(st.iter().copied().eq(0..200_000));
        assert_eq!(st.find(&5_000_000), None);
        assert_eq!(st.path(StateId::new(3)), [0, 1, 2, 3].map(StateId::new));
        // About 4 bytes of state, 4 of parent and 5 to 11 of index per state.
        assert!(st.heap_bytes() < 200_000 * (4 + 4 + 12) + (1 << 20), "{}", st.heap_bytes());
    }

    #[test]
    fn fingerprints_dedup_and_forget_expanded_states() {
        let mut st: Store<[u8; 64]> = Store::fingerprinted(Identity::by_value());
        for i in 0..100_000u32 {
            let mut s = [0u8; 64];
            s[..4].copy_from_slice(&i.to_le_bytes());
            assert!(st.insert(s, None).1);
        }
        let mut s = [0u8; 64];
        s[..4].copy_from_slice(&77u32.to_le_bytes());
        assert_eq!(st.find(&s), Some(StateId::new(77)));
        let before = st.heap_bytes();
        let freed = st.release_before(90_000);
        assert_eq!(freed, DOUBLING);
        assert!(st.heap_bytes() <= before - freed * 64);
        assert_eq!(st.get(StateId::new(99_999))[..4], 99_999u32.to_le_bytes());
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
