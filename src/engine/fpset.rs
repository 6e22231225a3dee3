//! A set of 64-bit fingerprints at about 8.4 bytes each: the index of a fingerprint sweep
//! that needs no state numbers back from it.
//!
//! The set is split, by 6 bits of the fingerprint, into 64 small ordered hash tables (and the
//! store splits it again by its 6 shard bits, so 12 bits in all are implied by where a
//! fingerprint lives: 4,096 tables, whose headers stay in cache); a 7-byte slot keeps the
//! other 52 bits. A table grows by a fifth when more than 9/10 of it is taken, so slots are
//! between 75% and 90% taken: 7.8 to 9.3 bytes per fingerprint, and growing never doubles
//! anything. Growing needs no state and no hash: the kept bits are the hash, and the table
//! keeps them in order, so it is one sequential pass.
//!
//! ```text
//! fingerprint:  [63..44 kept] [43..38 table] [37..32 store shard] [31..0 kept]
//! ```

use super::index::prefetch_ptr;

/// Tables per set (one set per store shard).
const TABLES: usize = 1 << TABLE_BITS;
const TABLE_BITS: u32 = 6;
/// Where the table bits start (the store's shard takes the 6 bits below).
const TABLE_SHIFT: u32 = 38;
const MIN_SLOTS: usize = 4;
/// A table grows when more than `LOAD_NUM / LOAD_DEN` of its home slots are taken...
const LOAD_NUM: usize = 9;
const LOAD_DEN: usize = 10;
/// ...by `1 / GROW` of its size.
const GROW: usize = 5;

/// Bits of a fingerprint a slot keeps: all but the store shard's and the table's.
const KEPT_BITS: u32 = 64 - 6 - TABLE_BITS;

/// The kept bits of a fingerprint (never 0, which marks an empty slot).
#[inline]
fn kept(fp: u64) -> u64 {
    let k = (fp & 0xffff_ffff) | ((fp >> (TABLE_SHIFT + TABLE_BITS)) << 32);
    k.max(1)
}

#[inline]
fn table_of(fp: u64) -> usize {
    ((fp >> TABLE_SHIFT) as usize) & (TABLES - 1)
}

/// Home slot of kept bits `k` in a table of `capacity` slots: monotone in `k`, so that the
/// table is ordered (see [`Small`]).
#[inline]
fn home(k: u64, capacity: usize) -> usize {
    (((k >> (KEPT_BITS - 32)) * capacity as u64) >> 32) as usize
}

type Slot = [u8; 7];

#[inline]
fn load(s: &Slot) -> u64 {
    u64::from_le_bytes([s[0], s[1], s[2], s[3], s[4], s[5], s[6], 0])
}

#[inline]
fn slot(k: u64) -> Slot {
    let b = k.to_le_bytes();
    [b[0], b[1], b[2], b[3], b[4], b[5], b[6]]
}

/// Slots past the last home slot of a table of `capacity`, so that a run never wraps around
/// (a run that would pass them makes the table grow).
#[inline]
fn tail(capacity: usize) -> usize {
    (capacity / 16).clamp(4, 32)
}

/// One small table: ordered linear probing over 7-byte slots (Amble and Knuth's ordered hash
/// table). Home slots are monotone in the key and every run of taken slots is sorted, so a
/// lookup stops at the first key not smaller than its own: about 3 slots at 80% load even for
/// a key that is absent, where plain linear probing reads about 13 (and 50 at 90%). A key sits at or after its
/// home with no empty slot between; an insertion shifts the rest of its run one slot on.
/// Growing reads the keys in ascending order and lays them down in one sequential pass.
#[derive(Default)]
struct Small {
    /// `capacity + tail(capacity)` slots (none before the first insertion).
    slots: Box<[Slot]>,
    len: u32,
    /// Home slots.
    capacity: u32,
}

impl Small {
    #[inline]
    fn capacity(&self) -> usize {
        self.capacity as usize
    }

    #[inline]
    fn contains(&self, k: u64) -> bool {
        if self.slots.is_empty() {
            return false;
        }
        let mut i = home(k, self.capacity());
        while let Some(s) = self.slots.get(i) {
            let v = load(s);
            if v == 0 || v > k {
                return false;
            }
            if v == k {
                return true;
            }
            i += 1;
        }
        false
    }

    /// Insert `k` (absent) in order; false when its run would pass the tail.
    #[inline]
    fn place(slots: &mut [Slot], capacity: usize, k: u64) -> bool {
        let mut i = home(k, capacity);
        loop {
            let Some(s) = slots.get(i) else { return false };
            let v = load(s);
            if v == 0 {
                slots[i] = slot(k);
                return true;
            }
            if v > k {
                break;
            }
            i += 1;
        }
        // Shift the rest of the run one slot on.
        let Some(gap) = slots[i..].iter().position(|s| load(s) == 0) else { return false };
        slots.copy_within(i..i + gap, i + 1);
        slots[i] = slot(k);
        true
    }

    #[inline]
    fn insert(&mut self, k: u64) {
        if (self.len as usize + 1) * LOAD_DEN > self.capacity() * LOAD_NUM {
            self.grow();
        }
        while !Self::place(&mut self.slots, self.capacity as usize, k) {
            self.grow();
        }
        self.len += 1;
    }

    /// A table a quarter larger, filled in one pass: the old slots hold the keys in ascending
    /// order, so each goes to its home or just after the one before.
    #[cold]
    fn grow(&mut self) {
        let mut capacity = (self.capacity() + self.capacity() / GROW + 1).max(MIN_SLOTS);
        'again: loop {
            let mut slots = vec![[0u8; 7]; capacity + tail(capacity)].into_boxed_slice();
            let mut next = 0usize;
            for s in self.slots.iter() {
                let v = load(s);
                if v != 0 {
                    let at = home(v, capacity).max(next);
                    if at >= slots.len() {
                        capacity += capacity / GROW + 1;
                        continue 'again;
                    }
                    slots[at] = *s;
                    next = at + 1;
                }
            }
            self.slots = slots;
            self.capacity = capacity as u32;
            return;
        }
    }
}

/// A set of fingerprints (those of one store shard).
pub(crate) struct FpSet {
    tables: Box<[Small]>,
}

impl Default for FpSet {
    fn default() -> Self {
        FpSet { tables: (0..TABLES).map(|_| Small::default()).collect() }
    }
}

impl FpSet {
    /// Whether `fp` is in the set.
    #[inline]
    pub(crate) fn contains(&self, fp: u64) -> bool {
        self.tables[table_of(fp)].contains(kept(fp))
    }

    /// Add `fp` (the caller knows it is absent).
    #[inline]
    pub(crate) fn insert(&mut self, fp: u64) {
        self.tables[table_of(fp)].insert(kept(fp));
    }

    /// Start loading the home slot of `fp`.
    #[inline]
    pub(crate) fn prefetch(&self, fp: u64) {
        let t = &self.tables[table_of(fp)];
        if !t.slots.is_empty() {
            prefetch_ptr(t.slots.as_ptr().wrapping_add(home(kept(fp), t.capacity())));
        }
    }

    /// Bytes allocated.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.tables.len() * std::mem::size_of::<Small>()
            + self.tables.iter().map(|t| t.slots.len() * std::mem::size_of::<Slot>()).sum::<usize>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fp(i: u64) -> u64 {
        crate::engine::store::hash_of(&i)
    }

    #[test]
    fn holds_what_it_was_given_and_nothing_else() {
        let mut set = FpSet::default();
        for i in 0..300_000 {
            assert!(!set.contains(fp(i)));
            set.insert(fp(i));
        }
        assert!((0..300_000).all(|i| set.contains(fp(i))));
        assert!((300_000..600_000).all(|i| !set.contains(fp(i))));
        // 7-byte slots, at least 75% taken once the tables have grown a few times.
        let per = set.heap_bytes() as f64 / 300_000.0;
        assert!(per < 7.0 / 0.75 + 0.5, "{per} bytes per fingerprint");
        for t in set.tables.iter() {
            let keys: Vec<u64> = t.slots.iter().map(load).filter(|&v| v != 0).collect();
            assert!(keys.windows(2).all(|w| w[0] < w[1]), "every table keeps its keys in order");
            assert_eq!(keys.len(), t.len as usize);
        }
    }

    #[test]
    fn kept_bits_and_table_bits_are_the_whole_fingerprint_but_the_shard() {
        // Two fingerprints that differ only in the store shard's bits share table and slot
        // contents: the store keeps them apart by shard.
        let a = 0x1234_5678_9abc_def0u64;
        let b = a ^ (0x3f << 32);
        assert_eq!((kept(a), table_of(a)), (kept(b), table_of(b)));
        // Any other bit changes one of the two.
        for bit in (0..32).chain(38..64) {
            let c = a ^ (1 << bit);
            assert_ne!((kept(a), table_of(a)), (kept(c), table_of(c)), "bit {bit}");
        }
    }
}
