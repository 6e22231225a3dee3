//! The state store: every discovered state once, in discovery order, with its parent link.
//!
//! Memory per state is the state itself plus about 4 bytes of parent link and 5 to 11 bytes
//! of index table, with no growth spike:
//! - states live in an arena of chunks that never move (sizes double from 64 up to 65,536,
//!   then stay), so a state being expanded can be read while new ones are appended, and at most
//!   one chunk is partly empty;
//! - the parent of each state (the state that discovered it) sits in the same kind of chunked
//!   array; the action that led there is not stored but found again when a trace is built;
//! - the index is 64 open-addressing tables of cache-line buckets of 12 slots (a hash tag and
//!   a state number each, 5.33 bytes a slot, see `src/engine/index.rs`), chosen by 6 bits of
//!   the hash, so a table grows one shard at a time and the old and new shard coexist only
//!   briefly.

use std::hash::BuildHasher;
use std::sync::atomic::{AtomicPtr, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use super::fpset::FpSet;
use super::index::{SlotsHint, TOMBSTONE, Table, prefetch_ptr};
use super::spill::{Link, Links};

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
/// What a lean store answers for a state it knows but cannot number (it keeps fingerprints,
/// not numbers; no sweep that reads the number runs on one).
const UNNUMBERED: StateId = StateId(u32::MAX);
/// The most states a store numbers: ids are 32 bits, and exact and fingerprint stores keep
/// the top bit for states pending in a parallel level.
pub(crate) const MAX_IDS: usize = (1 << 31) - 1;
/// The most states a lean store numbers (its index holds no numbers; `u32::MAX` marks "no
/// parent").
pub(crate) const MAX_LEAN_IDS: usize = u32::MAX as usize - 1;
/// Index entries with this bit are provisional: a state met during a parallel level, numbered
/// in its shard's pending list until the merge stores it.
const PROVISIONAL: u32 = 1 << 31;
const SHARD_BITS: u32 = 6;
/// Parts of the index, each with its own lock.
pub(crate) const SHARDS: usize = 1 << SHARD_BITS;

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

impl<S> Identity<S> {
    /// Whether states are identified by a caller's key.
    pub(crate) fn is_keyed(&self) -> bool {
        self.key.is_some()
    }
}

impl<S> Clone for Identity<S> {
    fn clone(&self) -> Self {
        Identity { key: self.key.as_ref().map(|k| KeyFns { hash: k.hash.clone(), eq: k.eq.clone() }) }
    }
}

/// A well-mixed 64-bit hash (foldhash): what fingerprints and keys are hashed with.
pub(crate) fn hash_of<T: std::hash::Hash + ?Sized>(value: &T) -> u64 {
    foldhash::fast::FixedState::with_seed(0x6d75_7369_6c21).hash_one(value)
}

/// The index's hash in exact mode, where a collision costs a comparison and nothing else:
/// a word at a time (multiply, rotate, xor, as in FxHash), then a full avalanche, since the
/// index takes its shard, home slot and tag from different bits. Small inline states hash in
/// a few instructions instead of a call into a general-purpose hasher.
#[derive(Default)]
pub(crate) struct StateHasher {
    acc: u64,
}

const SEED: u64 = 0x6d75_7369_6c21_7273;
const MUL: u64 = 0xf135_7aea_2e62_a9c5;

impl StateHasher {
    #[inline(always)]
    fn mix(&mut self, word: u64) {
        self.acc = (self.acc.rotate_left(26) ^ word).wrapping_mul(MUL);
    }
}

impl std::hash::Hasher for StateHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for w in &mut words {
            self.mix(u64::from_le_bytes(w.try_into().expect("8 bytes")));
        }
        let rest = words.remainder();
        if !rest.is_empty() {
            let mut last = [0u8; 8];
            last[..rest.len()].copy_from_slice(rest);
            self.mix(u64::from_le_bytes(last) ^ (rest.len() as u64) << 61);
        }
    }
    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.mix(i as u64);
    }
    #[inline]
    fn write_u16(&mut self, i: u16) {
        self.mix(i as u64);
    }
    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.mix(i as u64);
    }
    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.mix(i);
    }
    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.mix(i as u64);
    }
    #[inline]
    fn finish(&self) -> u64 {
        // murmur3's 64-bit finaliser.
        let mut h = self.acc ^ SEED;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^ (h >> 33)
    }
}

/// The exact-mode index hash of a value.
#[inline]
pub(crate) fn state_hash<T: std::hash::Hash + ?Sized>(value: &T) -> u64 {
    let mut h = StateHasher::default();
    value.hash(&mut h);
    std::hash::Hasher::finish(&h)
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

    /// The identity of states `R` made of an `S` part, identified as `self` identifies it,
    /// and a rest compared by value (the last-action view: the model's state and the action
    /// that led to it). By value when `self` is.
    pub(crate) fn lifted<R, X>(&self, part: fn(&R) -> &S, rest: fn(&R) -> &X) -> Identity<R>
    where
        S: 'static,
        R: std::hash::Hash + Eq + 'static,
        X: std::hash::Hash + Eq + 'static,
    {
        match &self.key {
            None => Identity::by_value(),
            Some(k) => {
                let (hash, eq) = (k.hash.clone(), k.eq.clone());
                Identity {
                    key: Some(KeyFns {
                        hash: Arc::new(move |r| hash_of(&(hash(part(r)), rest(r)))),
                        eq: Arc::new(move |a, b| eq(part(a), part(b)) && rest(a) == rest(b)),
                    }),
                }
            }
        }
    }

    /// The index hash in exact mode.
    #[inline]
    pub(crate) fn hash(&self, s: &S) -> u64 {
        self.hash_with(s, state_hash)
    }

    /// The fingerprint of a state (fingerprint mode): a well-mixed 64-bit hash.
    #[inline]
    pub(crate) fn fingerprint(&self, s: &S) -> u64 {
        self.hash_with(s, hash_of)
    }

    /// `by_value(s)`, or the hash of the caller's key (always well mixed).
    #[inline(always)]
    fn hash_with(&self, s: &S, by_value: fn(&S) -> u64) -> u64 {
        match &self.key {
            None => by_value(s),
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

    /// Element `index`, unless it was released.
    fn try_get(&self, index: usize) -> Option<&T> {
        let (c, o) = locate(index);
        self.chunks.get(c).and_then(|chunk| chunk.get(o))
    }

    /// Where element `index` lives (for prefetching; the element must exist).
    #[inline]
    fn ptr(&self, index: usize) -> *const T {
        let (c, o) = locate(index);
        self.chunks[c].as_ptr().wrapping_add(o)
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

    /// Room for `count` more elements, to be written in any order (by several threads) through
    /// the returned slots, then made part of the array by [`Chunked::commit`].
    fn reserve(&mut self, count: usize) -> Slots<T> {
        if count > 0 {
            let (last, _) = locate(self.len + count - 1);
            while self.chunks.len() <= last {
                let c = self.chunks.len();
                self.chunks.push(Vec::with_capacity(chunk_capacity(c)));
            }
        }
        Slots { bases: self.chunks.iter_mut().map(|c| c.as_mut_ptr()).collect(), start: self.len, count }
    }

    /// Take in the `count` elements reserved last.
    ///
    /// # Safety
    /// Every one of them was written through the slots of [`Chunked::reserve`].
    unsafe fn commit(&mut self, count: usize) {
        let end = self.len + count;
        let mut i = self.len;
        while i < end {
            let (c, o) = locate(i);
            let room = self.chunks[c].capacity() - o;
            let take = room.min(end - i);
            // SAFETY: elements `..o` of the chunk were there before; `o..o + take` were written
            // (the caller's promise), and a chunk's capacity is its final size.
            unsafe { self.chunks[c].set_len(o + take) };
            i += take;
        }
        self.len = end;
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

/// Raw places past the end of a [`Chunked`] array, written by index from any thread.
struct Slots<T> {
    bases: Vec<*mut T>,
    start: usize,
    count: usize,
}

// SAFETY: the slots are disjoint places, each written once (see `Slots::write`); what is
// written is sent to the array's owner.
unsafe impl<T: Send> Send for Slots<T> {}
unsafe impl<T: Send> Sync for Slots<T> {}

impl<T> Slots<T> {
    /// Write the element `offset` places past the old end.
    ///
    /// # Safety
    /// `offset < count`, and no other write to the same offset happens.
    #[inline]
    unsafe fn write(&self, offset: usize, value: T) {
        debug_assert!(offset < self.count);
        let (c, o) = locate(self.start + offset);
        // SAFETY: the chunk was allocated with room for this place by `reserve`.
        unsafe { self.bases[c].add(o).write(value) };
    }
}

/// The stored states as other threads may read them while the store's owner appends (the
/// pipelined driver's workers): where each chunk of states is, and how many states are
/// stored and written, both published by the owner ([`Store::publish`]) with release ordering.
pub(crate) struct Shelf<S> {
    /// Chunk `c`'s first element (null until published); chunks never move.
    chunks: Box<[AtomicPtr<S>]>,
    /// Chunks published so far (written by the owner only).
    known: AtomicUsize,
    /// On a cache line of its own: the owner writes it while readers read the rest.
    len: Padded<AtomicUsize>,
    identity: Identity<S>,
    fingerprinted: bool,
}

/// A value alone on its two cache lines (no other value shares them).
#[repr(align(128))]
pub(crate) struct Padded<T>(pub T);

impl<S: std::hash::Hash + Eq> Shelf<S> {
    /// States stored and readable.
    #[inline]
    pub(crate) fn len(&self) -> usize {
        self.len.0.load(Ordering::Acquire)
    }

    /// Stored state `index`.
    ///
    /// # Safety
    /// `index` is below [`Shelf::len`], the store this shelf was made from is alive, and the
    /// state is not released while the reference lives.
    #[inline]
    pub(crate) unsafe fn get(&self, index: usize) -> &S {
        let (c, o) = locate(index);
        // SAFETY: the caller's promise: the state was written and published (release) before
        // `len` counted it, which the caller read (acquire); chunks never move.
        unsafe { &*self.chunks[c].load(Ordering::Acquire).add(o) }
    }

    /// What [`Store::hash`] gives.
    #[inline]
    pub(crate) fn hash(&self, state: &S) -> u64 {
        if self.fingerprinted { self.identity.fingerprint(state) } else { self.identity.hash(state) }
    }
}

/// Places for one level's new states, their parents and fingerprints, filled in parallel by
/// [`Store::settle_shard`] and taken in by [`Store::finish_settle`].
pub(crate) struct Settling<S> {
    states: Slots<S>,
    parent: Option<Slots<u32>>,
    fingerprints: Option<Slots<u64>>,
    /// A lean store's links: the place past the end reserved for them.
    links: Option<LinkSlots>,
}

/// Raw places for a level's links past the end of a lean store's [`Links`].
struct LinkSlots(*mut Link);

// SAFETY: as for `Slots`: disjoint places, each written once, taken in by the owner.
unsafe impl Send for LinkSlots {}
unsafe impl Sync for LinkSlots {}

/// A state met during a parallel level that the store did not know.
pub(crate) struct Pending<S> {
    state: Option<S>,
    hash: u64,
    /// The smallest (parent position << 32 | successor position) that met it; once the
    /// edge-recording merge has stored it, [`SETTLED`] and its id.
    order: u64,
}

/// The mark of a pending state stored by the edge-recording merge (no order has it: parent
/// positions in a level are below 2^31 in a store that records edges).
const SETTLED: u64 = 1 << 63;

impl<S> Pending<S> {
    /// Met again, at `order`, as `state` (of the same identity): the smallest order is kept,
    /// and under a key, where states of one identity may differ, the state met at it, which is
    /// the one the serial driver stores (the first to meet it may have met it later in order).
    #[inline]
    fn meet(&mut self, order: u64, state: impl FnOnce() -> S, keyed: bool) {
        if order < self.order {
            self.order = order;
            if keyed {
                self.state = Some(state());
            }
        }
    }
}

/// One of the 64 parts of the index, with the states its level has met but not stored.
/// Aligned to two cache lines so that workers locking neighbouring shards do not share one.
#[repr(align(128))]
struct Shard<S> {
    /// State numbers by hash; in a lean store, the level's pending states only.
    table: Table,
    pending: Vec<Pending<S>>,
    /// A lean store's fingerprints of stored states.
    set: Option<FpSet>,
}

/// What a parallel lookup found.
pub(crate) enum Probe {
    /// Stored already.
    Known(StateId),
    /// Met in this level: its shard and pending slot.
    Pending { shard: u32, slot: u32 },
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
    shards: Vec<Mutex<Shard<S>>>,
    /// Where each shard's slots are, for prefetching without its lock.
    hints: Vec<SlotsHint>,
    identity: Identity<S>,
    /// Which states a reduced sweep expanded in full, a bit each (its cycle proviso reads
    /// them); empty in an unreduced sweep.
    in_full: Vec<AtomicU64>,
    /// A lean store's parent links (on disk up to the last level boundary).
    links: Option<Links>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn owned<T>(m: &mut Mutex<T>) -> &mut T {
    m.get_mut().unwrap_or_else(|e| e.into_inner())
}

/// Start loading what [`entry_hash`] reads for this entry.
#[inline]
fn entry_fetch<S>(e: u32, states: &Chunked<S>, fingerprints: Option<&Chunked<u64>>) {
    if e & PROVISIONAL == 0 {
        match fingerprints {
            Some(fps) => prefetch_ptr(fps.ptr(e as usize)),
            None => prefetch_ptr(states.ptr(e as usize)),
        }
    }
}

/// The hash of an index entry, for growing a shard.
#[inline]
fn entry_hash<S: std::hash::Hash + Eq>(
    e: u32,
    pending: &[Pending<S>],
    states: &Chunked<S>,
    fingerprints: Option<&Chunked<u64>>,
    identity: &Identity<S>,
) -> u64 {
    if e & PROVISIONAL != 0 {
        pending[(e & !PROVISIONAL) as usize].hash
    } else if let Some(fps) = fingerprints {
        *fps.get(e as usize)
    } else {
        identity.hash(states.get(e as usize))
    }
}

/// What a lookup during a parallel level met.
enum Met {
    /// A stored state (its number; [`UNNUMBERED`] in a lean store).
    Stored(StateId),
    /// A state pending in this level, in this pending slot.
    Pending(u32),
}

/// Look a state up in a shard during a parallel level: among the stored states and the
/// states pending in this level.
#[inline]
#[allow(clippy::too_many_arguments)]
fn find_in_level<S: std::hash::Hash + Eq>(
    table: &Table,
    pending: &[Pending<S>],
    set: Option<&FpSet>,
    states: &Chunked<S>,
    fps: Option<&Chunked<u64>>,
    identity: &Identity<S>,
    h: u64,
    state: &S,
) -> Option<Met> {
    if let Some(set) = set {
        if set.contains(h) {
            return Some(Met::Stored(UNNUMBERED));
        }
        // The table holds this level's pending states only.
        return table
            .find(h, |e| e & PROVISIONAL != 0 && pending[(e & !PROVISIONAL) as usize].hash == h)
            .map(|e| Met::Pending(e & !PROVISIONAL));
    }
    let e = table.find(h, |e| {
        if e & PROVISIONAL != 0 {
            let p = &pending[(e & !PROVISIONAL) as usize];
            p.hash == h && p.state.as_ref().is_some_and(|s| fps.is_some() || identity.same(s, state))
        } else if let Some(fps) = fps {
            *fps.get(e as usize) == h
        } else {
            identity.same(states.get(e as usize), state)
        }
    })?;
    Some(if e & PROVISIONAL != 0 { Met::Pending(e & !PROVISIONAL) } else { Met::Stored(StateId(e)) })
}

/// Note a state the store does not know as pending in a shard, with its provisional index
/// entry; its pending slot.
#[allow(clippy::too_many_arguments)]
fn pend<S: std::hash::Hash + Eq>(
    table: &mut Table,
    pending: &mut Vec<Pending<S>>,
    hint: &SlotsHint,
    states: &Chunked<S>,
    fps: Option<&Chunked<u64>>,
    identity: &Identity<S>,
    state: S,
    h: u64,
    order: u64,
) -> u32 {
    let slot = pending.len() as u32;
    pending.push(Pending { state: Some(state), hash: h, order });
    let grew = table.insert_unique(
        h,
        PROVISIONAL | slot,
        |e| entry_hash(e, pending, states, fps, identity),
        |e| entry_fetch(e, states, fps),
    );
    if grew {
        hint.publish(table);
    }
    slot
}

impl<S: std::fmt::Debug> std::fmt::Debug for Store<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("len", &self.states.len).finish_non_exhaustive()
    }
}

/// The index part a hash belongs to.
#[inline]
pub(crate) fn shard_of(h: u64) -> usize {
    ((h >> 32) as usize) & (SHARDS - 1)
}

impl<S: std::hash::Hash + Eq> Store<S> {
    pub(crate) fn new(identity: Identity<S>) -> Self {
        Store {
            states: Chunked::new(),
            parent: Chunked::new(),
            fingerprints: None,
            shards: (0..SHARDS)
                .map(|_| Mutex::new(Shard { table: Table::default(), pending: Vec::new(), set: None }))
                .collect(),
            hints: (0..SHARDS).map(|_| SlotsHint::default()).collect(),
            identity,
            in_full: Vec::new(),
            links: None,
        }
    }

    /// A store that identifies states by 64-bit fingerprints and forgets expanded states.
    pub(crate) fn fingerprinted(identity: Identity<S>) -> Self {
        Store { fingerprints: Some(Chunked::new()), ..Self::new(identity) }
    }

    /// A fingerprint store that keeps no state numbers in its index and its parent links on
    /// disk (in `dir`, or the system's temporary directory): about 8 bytes of RAM per state
    /// besides the states of the levels being expanded and found. It cannot say which number
    /// a known state has, so it serves sweeps that record no edges and reduce nothing.
    pub(crate) fn lean(identity: Identity<S>, dir: Option<&std::path::Path>) -> Self {
        let mut store = Self::new(identity);
        for shard in &mut store.shards {
            owned(shard).set = Some(FpSet::default());
        }
        store.links = Some(Links::new(dir));
        store
    }

    /// Whether this store identifies states by fingerprint.
    pub fn is_fingerprinted(&self) -> bool {
        self.fingerprints.is_some() || self.links.is_some()
    }

    /// Whether this is a lean store ([`Store::lean`]).
    pub(crate) fn is_lean(&self) -> bool {
        self.links.is_some()
    }

    /// The most states this store numbers.
    pub(crate) fn max_len(&self) -> usize {
        if self.is_lean() { MAX_LEAN_IDS } else { MAX_IDS }
    }

    /// A lean store's link of state `id`: its parent, and its position among the parent's
    /// successors (`None` for an initial state, and in other stores).
    pub(crate) fn link(&self, id: StateId) -> Option<(StateId, u32)> {
        let [p, k] = self.links.as_ref()?.get(id.index());
        (p != NO_PARENT).then_some((StateId(p), k))
    }

    /// The state with this id, unless a fingerprint store has released it.
    pub(crate) fn try_get(&self, id: StateId) -> Option<&S> {
        self.states.try_get(id.index())
    }

    /// The fingerprint of a stored state (fingerprint mode only).
    pub(crate) fn fingerprint(&self, id: StateId) -> Option<u64> {
        self.fingerprints.as_ref().map(|f| *f.get(id.index()))
    }

    /// In fingerprint mode, forget the states below `index` (already expanded). Returns how
    /// many were freed.
    pub(crate) fn release_before(&mut self, index: usize) -> usize {
        if !self.is_fingerprinted() {
            return 0;
        }
        if let Some(links) = &mut self.links {
            links.write_out();
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

    /// A stored state, borrowed apart from the store, so that it can be read while new states
    /// are appended (a state being expanded while its successors are stored).
    ///
    /// # Safety
    /// The reference must not outlive the store, and no call may release the state while it
    /// lives: [`Store::release_before`] with an index above `id` (fingerprint mode forgets
    /// expanded states there). Appending never moves or drops a stored state: chunks keep their
    /// capacity, in exact and fingerprint mode alike.
    #[inline]
    pub(crate) unsafe fn detached<'s>(&self, id: StateId) -> &'s S {
        let state: *const S = self.get(id);
        // SAFETY: the caller keeps the store alive and the state unreleased while the
        // reference lives, and appending never moves a stored state.
        unsafe { &*state }
    }

    /// A [`Shelf`] of this store's states, published up to now.
    pub(crate) fn shelf(&self) -> Shelf<S> {
        let chunks = locate(self.max_len() - 1).0 + 1;
        let shelf = Shelf {
            chunks: (0..chunks).map(|_| AtomicPtr::new(std::ptr::null_mut())).collect(),
            known: AtomicUsize::new(0),
            len: Padded(AtomicUsize::new(0)),
            identity: self.identity.clone(),
            fingerprinted: self.is_fingerprinted(),
        };
        self.publish(&shelf);
        shelf
    }

    /// Publish the states stored since the last call to `shelf`'s readers.
    #[inline]
    pub(crate) fn publish(&self, shelf: &Shelf<S>) {
        let known = shelf.known.load(Ordering::Relaxed);
        if known < self.states.chunks.len() {
            for (c, chunk) in self.states.chunks.iter().enumerate().skip(known) {
                shelf.chunks[c].store(chunk.as_ptr().cast_mut(), Ordering::Release);
            }
            shelf.known.store(self.states.chunks.len(), Ordering::Relaxed);
        }
        shelf.len.0.store(self.states.len, Ordering::Release);
    }

    /// The state that discovered this one (`None` for an initial state).
    pub fn parent(&self, id: StateId) -> Option<StateId> {
        if self.links.is_some() {
            return self.link(id).map(|(p, _)| p);
        }
        let p = *self.parent.get(id.index());
        (p != NO_PARENT).then_some(StateId(p))
    }

    /// Whether two states have the same identity (equal, or equal keys).
    pub(crate) fn same(&self, a: &S, b: &S) -> bool {
        self.identity.same(a, b)
    }

    /// Store a state known to be absent (the caller deduplicated it). Returns its id.
    #[inline]
    pub(crate) fn insert_new(&mut self, state: S, h: u64, parent: Option<StateId>, k: u32) -> StateId {
        let index = self.push(state, h, parent, k);
        let Store { states, fingerprints, shards, hints, identity, .. } = self;
        let sh = shard_of(h);
        let Shard { table, pending, set } = owned(&mut shards[sh]);
        if let Some(set) = set {
            set.insert(h);
            return index;
        }
        let (states, fps) = (&*states, fingerprints.as_ref());
        let grew = table.insert_unique(
            h,
            index.0,
            |e| entry_hash(e, pending, states, fps, identity),
            |e| entry_fetch(e, states, fps),
        );
        if grew {
            hints[sh].publish(table);
        }
        index
    }

    /// Start loading the index slot where `h` would be found (serial loop, before a batch of
    /// lookups).
    #[inline]
    pub(crate) fn prefetch_slot(&mut self, h: u64) {
        let shard = owned(&mut self.shards[shard_of(h)]);
        match &shard.set {
            Some(set) => set.prefetch(h),
            None => shard.table.prefetch(h),
        }
    }

    /// Append a state (not indexed yet), found as successor `k` of `parent`.
    fn push(&mut self, state: S, h: u64, parent: Option<StateId>, k: u32) -> StateId {
        let index = self.states.len;
        // The drivers stop a sweep at `max_len` states; this guards the numbering.
        assert!(index < self.max_len(), "musil: more than {} states in one store", self.max_len());
        self.states.push(state);
        let p = parent.map_or(NO_PARENT, |p| p.0);
        match &mut self.links {
            Some(links) => links.push([p, k]),
            None => self.parent.push(p),
        }
        if let Some(fps) = &mut self.fingerprints {
            fps.push(h);
        }
        StateId(index as u32)
    }

    /// Parallel phase: look `state` up; when the store does not know it, note it as met in
    /// this level with `order` (keeping the smallest order of all who met it). `state` comes
    /// back unless it was kept.
    pub(crate) fn probe_or_pend(&self, state: S, h: u64, order: u64) -> (Probe, Option<S>) {
        let sh = shard_of(h);
        let mut guard = lock(&self.shards[sh]);
        let Shard { table, pending, set } = &mut *guard;
        let (states, fps, identity) = (&self.states, self.fingerprints.as_ref(), &self.identity);
        let found = find_in_level(table, pending, set.as_ref(), states, fps, identity, h, &state);
        match found {
            Some(Met::Stored(id)) => (Probe::Known(id), Some(state)),
            Some(Met::Pending(slot)) => {
                let mut state = Some(state);
                pending[slot as usize].meet(order, || state.take().expect("taken once"), identity.is_keyed());
                (Probe::Pending { shard: sh as u32, slot }, state)
            }
            None => {
                let slot = pend(table, pending, &self.hints[sh], states, fps, identity, state, h, order);
                (Probe::Pending { shard: sh as u32, slot }, None)
            }
        }
    }

    /// Parallel phase, a worker's successors that fall in shard `sh` (`entries[j]` for `j` in
    /// `which`): under one lock, each is looked up; one the store does not know becomes
    /// pending (or lowers the order of the pending entry it equals). Known ones are left in
    /// `entries`, for the worker to drop or reuse.
    pub(crate) fn probe_batch(&self, sh: usize, entries: &mut [(u64, u64, Option<S>)], which: &[u32]) {
        const AHEAD: usize = 4;
        let mut guard = lock(&self.shards[sh]);
        let Shard { table, pending, set } = &mut *guard;
        for (n, &j) in which.iter().enumerate() {
            if let Some(&a) = which.get(n + AHEAD) {
                match set {
                    Some(set) => set.prefetch(entries[a as usize].0),
                    None => table.prefetch(entries[a as usize].0),
                }
            }
            self.probe_one(sh, (table, pending, set.as_ref()), &mut entries[j as usize]);
        }
    }

    /// Parallel phase, [`Store::probe_batch`] for successors that all fall in shard `sh`, in
    /// the order given.
    pub(crate) fn probe_run(&self, sh: usize, entries: &mut [(u64, u64, Option<S>)]) {
        const AHEAD: usize = 8;
        let mut guard = lock(&self.shards[sh]);
        let Shard { table, pending, set } = &mut *guard;
        for n in 0..entries.len() + AHEAD {
            if let Some(a) = entries.get(n) {
                match set {
                    Some(set) => set.prefetch(a.0),
                    None => table.prefetch(a.0),
                }
            }
            let Some(n) = n.checked_sub(AHEAD) else { continue };
            self.probe_one(sh, (table, pending, set.as_ref()), &mut entries[n]);
        }
    }

    /// One successor of a parallel level's lookups in shard `sh` (whose table, pending states
    /// and set are given, locked): stored already, it is left in `entry`; pending, it lowers
    /// the pending state's order if it met it earlier; unknown, it becomes pending.
    #[inline(always)]
    fn probe_one(
        &self,
        sh: usize,
        (table, pending, set): (&mut Table, &mut Vec<Pending<S>>, Option<&FpSet>),
        entry: &mut (u64, u64, Option<S>),
    ) {
        let (states, fps, identity) = (&self.states, self.fingerprints.as_ref(), &self.identity);
        let (h, order, ref mut state) = *entry;
        let found = {
            let state = state.as_ref().expect("each successor is probed once");
            find_in_level(table, pending, set, states, fps, identity, h, state)
        };
        let mut take = || state.take().expect("each successor is probed once");
        match found {
            Some(Met::Stored(_)) => {}
            Some(Met::Pending(slot)) => {
                pending[slot as usize].meet(order, take, identity.is_keyed());
            }
            None => {
                pend(table, pending, &self.hints[sh], states, fps, identity, take(), h, order);
            }
        }
    }

    /// Start loading the index slot of `h` without taking its shard's lock (a worker, before
    /// a batch of lookups).
    #[inline]
    pub(crate) fn prefetch_shared(&self, h: u64) {
        self.hints[shard_of(h)].prefetch(h);
    }

    /// Parallel merge: the order of every state pending in shard `sh` (after the level's
    /// expansion, the smallest order that met it).
    pub(crate) fn pending_orders(&self, sh: usize, mut f: impl FnMut(u64)) {
        for p in &lock(&self.shards[sh]).pending {
            f(p.order);
        }
    }

    /// Parallel merge: room for `count` new states after the stored ones.
    pub(crate) fn begin_settle(&mut self, count: usize) -> Settling<S> {
        assert!(
            self.states.len + count <= self.max_len(),
            "musil: more than {} states in one store",
            self.max_len()
        );
        let lean = self.links.is_some();
        Settling {
            states: self.states.reserve(count),
            parent: (!lean).then(|| self.parent.reserve(count)),
            fingerprints: self.fingerprints.as_mut().map(|f| f.reserve(count)),
            links: self.links.as_mut().map(|l| LinkSlots(l.reserve(count))),
        }
    }

    /// Parallel merge: store the pending states of shard `sh` that `place` places (at the
    /// offset past the old end it gives, with the parent it gives), and forget the others.
    /// Shards may be settled by several threads at once.
    ///
    /// # Safety
    /// `place` must give each kept state of every shard its own offset below the count given
    /// to [`Store::begin_settle`]: two states at one offset would be written over each other.
    pub(crate) unsafe fn settle_shard(
        &self,
        sh: usize,
        into: &Settling<S>,
        place: impl Fn(u64) -> Option<(usize, StateId)>,
    ) {
        let mut guard = lock(&self.shards[sh]);
        let Shard { table, pending, set } = &mut *guard;
        let base = into.states.start;
        if let Some(set) = set {
            for p in pending.iter_mut() {
                if let Some((offset, parent)) = place(p.order) {
                    let state = p.state.take().expect("a pending state is settled once");
                    // SAFETY: the caller's promise: `place` gives every kept state its own
                    // offset below the count that was reserved, for states and links alike.
                    unsafe {
                        into.states.write(offset, state);
                        let links = into.links.as_ref().expect("a lean store reserves links");
                        links.0.add(offset).write([parent.0, p.order as u32]);
                    }
                    set.prefetch(p.hash);
                    set.insert(p.hash);
                }
            }
            table.clear();
            pending.clear();
            return;
        }
        const AHEAD: usize = 8;
        for p in pending.iter().take(AHEAD) {
            table.prefetch(p.hash);
        }
        for slot in 0..pending.len() {
            if let Some(a) = pending.get(slot + AHEAD) {
                table.prefetch(a.hash);
            }
            let p = &mut pending[slot];
            let entry = PROVISIONAL | slot as u32;
            match place(p.order) {
                Some((offset, parent)) => {
                    let id = (base + offset) as u32;
                    let state = p.state.take().expect("a pending state is settled once");
                    // SAFETY: the caller's promise: `place` gives every kept state its own
                    // offset below the count that was reserved.
                    unsafe {
                        into.states.write(offset, state);
                        into.parent
                            .as_ref()
                            .expect("a numbered store reserves parents")
                            .write(offset, parent.0);
                        if let Some(fps) = &into.fingerprints {
                            fps.write(offset, p.hash);
                        }
                    }
                    table.replace(p.hash, entry, id);
                }
                None => {
                    table.replace(p.hash, entry, TOMBSTONE);
                }
            }
        }
        pending.clear();
    }

    /// Parallel merge: take in the `count` states settled since [`Store::begin_settle`].
    ///
    /// # Safety
    /// Every offset below `count` was written by [`Store::settle_shard`].
    pub(crate) unsafe fn finish_settle(&mut self, count: usize) {
        // SAFETY: the caller's promise.
        unsafe {
            self.states.commit(count);
            match &mut self.links {
                Some(links) => links.commit(count),
                None => self.parent.commit(count),
            }
            if let Some(f) = &mut self.fingerprints {
                f.commit(count);
            }
        }
    }

    /// Merge: the smallest order that met a pending state, and its id if stored already.
    pub(crate) fn pending_status(&mut self, shard: u32, slot: u32) -> (u64, Option<StateId>) {
        let p = &owned(&mut self.shards[shard as usize]).pending[slot as usize];
        (p.order, (p.order & SETTLED != 0).then_some(StateId(p.order as u32)))
    }

    /// Merge: every pending state of this level as (order, shard, slot), in no given order.
    pub(crate) fn pending_slots(&mut self) -> Vec<(u64, u32, u32)> {
        let mut out = Vec::new();
        for (sh, shard) in self.shards.iter_mut().enumerate() {
            for (slot, p) in owned(shard).pending.iter().enumerate() {
                out.push((p.order, sh as u32, slot as u32));
            }
        }
        out
    }

    /// Merge: store a pending state, discovered first by `parent`; its provisional index entry
    /// becomes its id.
    pub(crate) fn settle(&mut self, shard: u32, slot: u32, parent: StateId) -> StateId {
        let (state, h, k) = {
            let p = &mut owned(&mut self.shards[shard as usize]).pending[slot as usize];
            (p.state.take().expect("a pending state is settled once"), p.hash, p.order as u32)
        };
        let id = self.push(state, h, Some(parent), k);
        let Shard { table, pending, set } = owned(&mut self.shards[shard as usize]);
        match set {
            // The pending entry stays until the level ends; the set answers first.
            Some(set) => set.insert(h),
            None => {
                table.replace(h, PROVISIONAL | slot, id.0);
            }
        }
        debug_assert_eq!(pending[slot as usize].order & SETTLED, 0, "an order has no settled mark");
        pending[slot as usize].order = SETTLED | id.0 as u64;
        id
    }

    /// After a parallel level: forget its pending states (a merge that stopped early leaves some
    /// unsettled; their provisional entries go too).
    pub(crate) fn end_level(&mut self) {
        for shard in &mut self.shards {
            let Shard { table, pending, set } = owned(shard);
            if set.is_some() {
                table.clear();
                pending.clear();
                continue;
            }
            for (slot, p) in pending.iter().enumerate() {
                if p.order & SETTLED == 0 {
                    table.replace(p.hash, PROVISIONAL | slot as u32, TOMBSTONE);
                }
            }
            pending.clear();
        }
    }

    /// The identity hash of a state (what [`Store::find_hashed`] and
    /// [`Store::insert_hashed`] take).
    #[inline]
    pub(crate) fn hash(&self, state: &S) -> u64 {
        if self.is_fingerprinted() { self.identity.fingerprint(state) } else { self.identity.hash(state) }
    }

    /// The id of a stored state equal (by identity) to `state`.
    pub fn find(&self, state: &S) -> Option<StateId> {
        self.find_hashed(state, self.hash(state))
    }

    /// [`Store::find`] with the hash already computed.
    #[inline]
    pub(crate) fn find_hashed(&self, state: &S, h: u64) -> Option<StateId> {
        let guard = lock(&self.shards[shard_of(h)]);
        if let Some(set) = &guard.set {
            return set.contains(h).then_some(UNNUMBERED);
        }
        let found = match &self.fingerprints {
            Some(fps) => guard.table.find(h, |i| i & PROVISIONAL == 0 && *fps.get(i as usize) == h),
            None => {
                let (states, identity) = (&self.states, &self.identity);
                guard.table.find(h, |i| i & PROVISIONAL == 0 && identity.same(states.get(i as usize), state))
            }
        };
        found.map(StateId)
    }

    /// Store `state` unless an equal one is stored. Returns its id and whether it is new.
    #[inline]
    pub(crate) fn insert(&mut self, state: S, parent: Option<StateId>) -> (StateId, bool) {
        let h = self.hash(&state);
        self.insert_hashed(state, h, parent, 0)
    }

    /// [`Store::find_hashed`] by the store's owner, outside a parallel level (no lock taken).
    #[inline]
    pub(crate) fn find_unshared(&mut self, state: &S, h: u64) -> Option<StateId> {
        let Store { states, fingerprints, shards, identity, .. } = &mut *self;
        let shard = owned(&mut shards[shard_of(h)]);
        if let Some(set) = &shard.set {
            return set.contains(h).then_some(UNNUMBERED);
        }
        let table = &shard.table;
        let found = match fingerprints {
            Some(fps) => table.find(h, |i| *fps.get(i as usize) == h),
            None => table.find(h, |i| identity.same(states.get(i as usize), state)),
        };
        found.map(StateId)
    }

    /// [`Store::insert_hashed`], giving `state` back when an equal one is stored (its buffers
    /// may be reused).
    #[inline]
    pub(crate) fn insert_or_give_back(
        &mut self,
        state: S,
        h: u64,
        parent: Option<StateId>,
        k: u32,
    ) -> (StateId, Option<S>) {
        if let Some(id) = self.find_unshared(&state, h) {
            return (id, Some(state));
        }
        (self.insert_new(state, h, parent, k), None)
    }

    /// [`Store::insert`] with the hash already computed.
    #[inline]
    pub(crate) fn insert_hashed(
        &mut self,
        state: S,
        h: u64,
        parent: Option<StateId>,
        k: u32,
    ) -> (StateId, bool) {
        if let Some(id) = self.find_unshared(&state, h) {
            return (id, false);
        }
        (self.insert_new(state, h, parent, k), true)
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

    /// Room for the "expanded in full" marks of the states below `n` (a reduced sweep, before
    /// each level).
    pub(crate) fn reserve_in_full(&mut self, n: usize) {
        let words = n.div_ceil(64);
        if self.in_full.len() < words {
            self.in_full.resize_with(words, || AtomicU64::new(0));
        }
    }

    /// Mark `id` as expanded in full; [`reserve_in_full`](Self::reserve_in_full) made room.
    pub(crate) fn mark_in_full(&self, id: StateId) {
        let i = id.index();
        self.in_full[i / 64].fetch_or(1 << (i % 64), Ordering::Relaxed);
    }

    /// Whether `id` was marked as expanded in full (the marks of a level are read only at
    /// later levels, after the level's workers have joined).
    pub(crate) fn expanded_in_full(&self, id: StateId) -> bool {
        let i = id.index();
        self.in_full.get(i / 64).is_some_and(|w| (w.load(Ordering::Relaxed) >> (i % 64)) & 1 == 1)
    }

    /// Heap bytes held: states (their inline part), parent links and index tables.
    pub fn heap_bytes(&self) -> usize {
        self.in_full.capacity() * std::mem::size_of::<AtomicU64>()
            + self.states.heap_bytes()
            + self.parent.heap_bytes()
            + self.fingerprints.as_ref().map_or(0, |f| f.heap_bytes())
            + self.links.as_ref().map_or(0, Links::heap_bytes)
            + self
                .shards
                .iter()
                .map(|t| {
                    // What a parallel level leaves behind (pending states, a lean store's
                    // pending table) depends on the number of workers, and the budget must
                    // not: only what every driver holds alike is counted.
                    let shard = lock(t);
                    match &shard.set {
                        Some(set) => set.heap_bytes(),
                        None => shard.table.heap_bytes(),
                    }
                })
                .sum::<usize>()
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
    fn a_known_state_comes_back() {
        let mut st: Store<Vec<u8>> = Store::new(Identity::by_value());
        st.insert(vec![1], None);
        let h = st.hash(&vec![1]);
        assert_eq!(st.insert_or_give_back(vec![1], h, None, 0), (StateId::new(0), Some(vec![1])));
        assert!(matches!(st.probe_or_pend(vec![1], h, 0), (Probe::Known(id), Some(_)) if id.index() == 0));
        let new = vec![2];
        let h = st.hash(&new);
        let (Probe::Pending { shard, slot }, None) = st.probe_or_pend(new.clone(), h, 5) else {
            panic!("a new state is kept pending")
        };
        // Met again earlier in order: one pending state, at the smaller order, and the state
        // met comes back.
        assert!(
            matches!(st.probe_or_pend(new.clone(), h, 3), (Probe::Pending { slot: s, .. }, Some(_)) if s == slot)
        );
        assert_eq!(st.pending_status(shard, slot), (3, None));
        let id = st.settle(shard, slot, StateId::new(0));
        assert_eq!(st.get(id), &new);
        assert_eq!(st.insert_or_give_back(vec![3], st.hash(&vec![3]), None, 0), (StateId::new(2), None));
    }

    #[test]
    fn under_a_key_a_pending_state_is_the_one_met_first_in_order() {
        let mut st: Store<(u8, u8)> = Store::new(Identity::by_key(|s: &(u8, u8)| s.0));
        let later = (1, 9);
        let h = st.hash(&later);
        let (Probe::Pending { shard, slot }, None) = st.probe_or_pend(later, h, 7) else {
            panic!("a new state is kept pending")
        };
        assert_eq!(st.probe_or_pend((1, 2), h, 2).1, None, "kept in place of the later one");
        assert_eq!(st.probe_or_pend((1, 5), h, 4).1, Some((1, 5)));
        let id = st.settle(shard, slot, StateId::new(0));
        assert_eq!(st.get(id), &(1, 2));
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
