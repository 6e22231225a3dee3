//! The store's index: an open-addressing table of 5-byte slots (an 8-bit hash tag and a
//! 32-bit state number), so a probe reads one cache line and a slot costs 5 bytes.
//!
//! Linear probing from a home slot chosen by multiplying 32 hash bits by the capacity (any
//! capacity works, no power of two needed); a tag of 8 other hash bits rejects almost every
//! slot that holds another state without reading that state. The table keeps no hashes: it is
//! told how to hash an entry again when it grows. [`Table::prefetch`] starts loading a hash's
//! home slot so that a batch of lookups waits for memory once instead of once per lookup.

/// A slot's value that matches nothing (an entry taken back).
pub(crate) const TOMBSTONE: u32 = u32::MAX;
/// Tag of an empty slot; real tags are 1..=255.
const EMPTY: u8 = 0;
/// Grow when more than 7/8 of the slots are taken.
const LOAD_NUM: usize = 7;
const LOAD_DEN: usize = 8;
const MIN_CAPACITY: usize = 16;

type Slot = [u8; 5];

/// Hash → 32-bit value, values compared by the caller.
#[derive(Default)]
pub(crate) struct Table {
    slots: Vec<Slot>,
    /// Taken slots, tombstones included.
    taken: usize,
}

#[inline]
fn tag_of(h: u64) -> u8 {
    ((h >> 56) as u8).max(1)
}

#[inline]
fn home(h: u64, capacity: usize) -> usize {
    // A multiply mixes the hash again: linear probing needs the home slots spread evenly even
    // when the caller's hash leaves structure in some bits.
    let m = (h ^ (h >> 31)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    (((m >> 32) * capacity as u64) >> 32) as usize
}

#[inline]
fn value(slot: &Slot) -> u32 {
    u32::from_le_bytes([slot[1], slot[2], slot[3], slot[4]])
}

#[inline]
fn slot(tag: u8, v: u32) -> Slot {
    let b = v.to_le_bytes();
    [tag, b[0], b[1], b[2], b[3]]
}

/// Where a table's slots are, readable without the table's lock, for prefetching only: a
/// reader may see an old pair (a table that has since grown, even a freed one), which is
/// harmless for a prefetch, which never faults.
#[derive(Default)]
pub(crate) struct SlotsHint {
    base: std::sync::atomic::AtomicPtr<u8>,
    capacity: std::sync::atomic::AtomicUsize,
}

impl SlotsHint {
    /// Start loading the home slot of `h` in the table last published here.
    #[inline]
    pub(crate) fn prefetch(&self, h: u64) {
        use std::sync::atomic::Ordering::Relaxed;
        let capacity = self.capacity.load(Relaxed);
        if capacity > 0 {
            let base = self.base.load(Relaxed);
            prefetch_ptr(base.wrapping_add(home(h, capacity) * std::mem::size_of::<Slot>()));
        }
    }

    /// Publish where `table`'s slots are now.
    pub(crate) fn publish(&self, table: &Table) {
        use std::sync::atomic::Ordering::Relaxed;
        self.capacity.store(table.slots.len(), Relaxed);
        self.base.store(table.slots.as_ptr().cast_mut().cast::<u8>(), Relaxed);
    }
}

/// Ask the processor to bring the cache line at `p` closer (a hint; never faults).
#[inline(always)]
pub(crate) fn prefetch_ptr<T>(p: *const T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is a hint that never faults, whatever the address.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(p.cast::<i8>());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

impl Table {
    /// Slots allocated.
    #[cfg(test)]
    pub(crate) fn capacity(&self) -> usize {
        self.slots.len()
    }

    /// Bytes allocated.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.slots.capacity() * std::mem::size_of::<Slot>()
    }

    /// Empty the table, keeping its slots.
    pub(crate) fn clear(&mut self) {
        if self.taken > 0 {
            self.slots.fill([EMPTY; 5]);
            self.taken = 0;
        }
    }

    /// Start loading the home slot of `h`.
    #[inline]
    pub(crate) fn prefetch(&self, h: u64) {
        let capacity = self.slots.len();
        if capacity > 0 {
            prefetch_ptr(self.slots.as_ptr().wrapping_add(home(h, capacity)));
        }
    }

    /// The value under `h` for which `eq` holds.
    #[inline]
    pub(crate) fn find(&self, h: u64, eq: impl FnMut(u32) -> bool) -> Option<u32> {
        self.position(h, eq).map(|i| value(&self.slots[i]))
    }

    /// Replace the value `old` under `h` by `new` (`TOMBSTONE` takes it back). False when
    /// `old` is not there.
    pub(crate) fn replace(&mut self, h: u64, old: u32, new: u32) -> bool {
        match self.position(h, |v| v == old) {
            Some(i) => {
                self.slots[i] = slot(tag_of(h), new);
                true
            }
            None => false,
        }
    }

    /// The slot under `h` whose value (never a tombstone) satisfies `eq`: linear probing from
    /// the home slot to the first empty one.
    #[inline]
    fn position(&self, h: u64, mut eq: impl FnMut(u32) -> bool) -> Option<usize> {
        let capacity = self.slots.len();
        if capacity == 0 {
            return None;
        }
        let tag = tag_of(h);
        let mut i = home(h, capacity);
        loop {
            let s = &self.slots[i];
            if s[0] == EMPTY {
                return None;
            }
            if s[0] == tag {
                let v = value(s);
                if v != TOMBSTONE && eq(v) {
                    return Some(i);
                }
            }
            i += 1;
            if i == capacity {
                i = 0;
            }
        }
    }

    /// Add `v` under `h` (the caller knows no equal entry is there). `rehash` gives the hash
    /// of a value already in the table, for when the table grows; `fetch` starts loading what
    /// `rehash` will read, a few values ahead. True when the table grew (moved).
    #[inline]
    pub(crate) fn insert_unique(
        &mut self,
        h: u64,
        v: u32,
        rehash: impl FnMut(u32) -> u64,
        fetch: impl FnMut(u32),
    ) -> bool {
        let grew = (self.taken + 1) * LOAD_DEN > self.slots.len() * LOAD_NUM;
        if grew {
            self.grow(rehash, fetch);
        }
        self.put(h, v);
        self.taken += 1;
        grew
    }

    #[inline]
    fn put(&mut self, h: u64, v: u32) {
        let capacity = self.slots.len();
        let mut i = home(h, capacity);
        while self.slots[i][0] != EMPTY {
            i += 1;
            if i == capacity {
                i = 0;
            }
        }
        self.slots[i] = slot(tag_of(h), v);
    }

    #[cold]
    fn grow(&mut self, mut rehash: impl FnMut(u32) -> u64, mut fetch: impl FnMut(u32)) {
        const AHEAD: usize = 16;
        let capacity = (self.slots.len() * 2).max(MIN_CAPACITY);
        let old = std::mem::replace(&mut self.slots, vec![[EMPTY; 5]; capacity]);
        self.taken = 0;
        let live = |s: &Slot| s[0] != EMPTY && value(s) != TOMBSTONE;
        // The values are visited in slot order, which is random in the store: fetching a few
        // ahead keeps several loads in flight instead of one.
        let mut ahead = old.iter().filter(|s| live(s));
        for s in ahead.by_ref().take(AHEAD) {
            fetch(value(s));
        }
        for s in old.iter().filter(|s| live(s)) {
            if let Some(a) = ahead.next() {
                fetch(value(a));
            }
            let v = value(s);
            self.put(rehash(v), v);
            self.taken += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(v: u32) -> u64 {
        crate::engine::store::hash_of(&v)
    }

    #[test]
    fn finds_what_it_holds_and_grows() {
        let mut t = Table::default();
        for v in 0..100_000u32 {
            assert_eq!(t.find(h(v), |x| x == v), None);
            t.insert_unique(h(v), v, h, |_| ());
        }
        for v in 0..100_000u32 {
            assert_eq!(t.find(h(v), |x| x == v), Some(v));
        }
        assert_eq!(t.find(h(100_000), |x| x == 100_000), None);
        // Load between 7/16 and 7/8 after growing.
        assert!(t.capacity() * 7 / 16 <= 100_000 && 100_000 <= t.capacity() * 7 / 8);
        assert_eq!(t.heap_bytes(), t.capacity() * 5);
    }

    #[test]
    fn colliding_hashes_probe_on_and_tombstones_match_nothing() {
        let mut t = Table::default();
        // The same hash for every value: one long run of slots.
        for v in 0..50u32 {
            t.insert_unique(42, v, |_| 42, |_| ());
        }
        for v in 0..50u32 {
            assert_eq!(t.find(42, |x| x == v), Some(v));
        }
        assert!(t.replace(42, 7, TOMBSTONE));
        assert_eq!(t.find(42, |x| x == 7), None);
        assert_eq!(t.find(42, |x| x == 8), Some(8), "probing goes on past a tombstone");
        assert!(t.replace(42, 8, 1_000));
        assert_eq!(t.find(42, |x| x == 1_000), Some(1_000));
        assert!(!t.replace(42, 8, 9));
        // Growing drops tombstones and keeps the rest.
        for v in 100..200u32 {
            t.insert_unique(42, v, |_| 42, |_| ());
        }
        assert_eq!(t.find(42, |x| x == 7), None);
        assert_eq!(t.find(42, |x| x == 150), Some(150));
    }
}
