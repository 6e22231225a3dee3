//! Seeded randomness: CPython's `random.Random`, bit for bit.
//!
//! The simulator draws every random number (message loss, latency, duplication, and node code's
//! own draws) from one generator, so a run is a function of its seed. [`SimRng`] is the small
//! trait the simulator needs: a source of 32-bit words ([`SimRng::next_u32`]); every other
//! method is provided, written as CPython 3.13 writes it (`random()` from two words,
//! `getrandbits`, `randrange` by rejection sampling over `getrandbits(bit_length(n))`,
//! `choice`, `uniform`, `shuffle`). [`CpythonRandom`] is CPython's Mersenne Twister (MT19937,
//! seeded by `init_by_array` from the words of `|seed|`), so with it every provided method
//! returns exactly what `random.Random(seed)` returns; plug in another word source and the
//! same algorithms run over it.
//!
//! ```
//! use musil::sim::{CpythonRandom, SimRng};
//!
//! let mut rng = CpythonRandom::new(0);
//! assert_eq!(rng.random(), 0.8444218515250481); // random.Random(0).random()
//! assert_eq!(rng.randint(1, 6), 4);
//! assert_eq!(CpythonRandom::from_signed(-1).random(), CpythonRandom::new(1).random());
//! ```

use std::fmt;

/// A range to draw from was empty (`randrange(start, stop)` with `stop <= start`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EmptyRange {
    /// The range's start.
    pub start: i64,
    /// The range's (exclusive) stop.
    pub stop: i64,
}

impl fmt::Display for EmptyRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "empty range in randrange({}, {})", self.start, self.stop)
    }
}

impl std::error::Error for EmptyRange {}

/// A seeded source of randomness for the simulator.
///
/// Implement [`next_u32`](SimRng::next_u32); the provided methods are CPython's algorithms
/// over it, so they are CPython-exact whenever the words are (as with [`CpythonRandom`]).
pub trait SimRng {
    /// The next 32-bit output word.
    fn next_u32(&mut self) -> u32;

    /// A float in `[0, 1)` with 53 random bits: `((a >> 5) · 2^26 + (b >> 6)) / 2^53` from two
    /// successive words (CPython's `random()`).
    fn random(&mut self) -> f64 {
        let a = u64::from(self.next_u32() >> 5);
        let b = u64::from(self.next_u32() >> 6);
        (a * 67_108_864 + b) as f64 * (1.0 / 9_007_199_254_740_992.0)
    }

    /// `k` random bits (`1 ≤ k ≤ 64`; 0 gives 0): words filled least significant first, the
    /// last one shifted right to keep its top bits (CPython's `getrandbits`).
    fn getrandbits(&mut self, k: u32) -> u64 {
        assert!(k <= 64, "getrandbits({k}): at most 64 bits are supported");
        if k == 0 {
            return 0;
        }
        if k <= 32 {
            return u64::from(self.next_u32() >> (32 - k));
        }
        let low = u64::from(self.next_u32());
        let high = u64::from(self.next_u32() >> (64 - k));
        low | (high << 32)
    }

    /// A uniform integer in `[0, n)`, `n ≥ 1`: `getrandbits(bit_length(n))` repeated until it is
    /// below `n` (CPython's `_randbelow`). `n = 0` gives 0 without a draw.
    fn randbelow(&mut self, n: u64) -> u64 {
        if n == 0 {
            return 0;
        }
        let k = 64 - n.leading_zeros();
        loop {
            let r = self.getrandbits(k);
            if r < n {
                return r;
            }
        }
    }

    /// A uniform integer in `[start, stop)`, or [`EmptyRange`] (CPython's `randrange(start,
    /// stop)`).
    fn try_randrange(&mut self, start: i64, stop: i64) -> Result<i64, EmptyRange> {
        let width = i128::from(stop) - i128::from(start);
        if width <= 0 {
            return Err(EmptyRange { start, stop });
        }
        let r = self.randbelow(width as u64);
        Ok((i128::from(start) + i128::from(r)) as i64)
    }

    /// A uniform integer in `[a, b]`, or [`EmptyRange`] naming `randrange(a, b + 1)` when
    /// `b < a` (CPython's `randint`).
    fn try_randint(&mut self, a: i64, b: i64) -> Result<i64, EmptyRange> {
        self.try_randrange(a, b.saturating_add(1))
    }

    /// A uniform integer in `[a, b]`.
    ///
    /// # Panics
    /// When `b < a`, with CPython's message (`empty range in randrange(a, b+1)`); see
    /// [`try_randint`](SimRng::try_randint).
    fn randint(&mut self, a: i64, b: i64) -> i64 {
        self.try_randint(a, b).unwrap_or_else(|e| panic!("{e}"))
    }

    /// `a + (b − a) · random()` (CPython's `uniform`).
    fn uniform(&mut self, a: f64, b: f64) -> f64 {
        a + (b - a) * self.random()
    }

    /// An index into a sequence of `len` items, drawn as CPython's `choice` draws it
    /// (`randbelow(len)`); `None` for an empty sequence (CPython raises `IndexError`).
    fn choice_index(&mut self, len: usize) -> Option<usize> {
        (len > 0).then(|| self.randbelow(len as u64) as usize)
    }
}

/// A uniformly chosen item, `None` when `items` is empty (CPython's `choice`).
pub fn choice<'a, T>(rng: &mut (impl SimRng + ?Sized), items: &'a [T]) -> Option<&'a T> {
    rng.choice_index(items.len()).map(|i| &items[i])
}

/// Shuffle in place: for `i` from `len − 1` down to 1, swap item `i` with item
/// `randbelow(i + 1)` (CPython's `shuffle`).
pub fn shuffle<T>(rng: &mut (impl SimRng + ?Sized), items: &mut [T]) {
    for i in (1..items.len()).rev() {
        let j = rng.randbelow(i as u64 + 1) as usize;
        items.swap(i, j);
    }
}

const N: usize = 624;
const M: usize = 397;

/// CPython's `random.Random(seed)` for an integer seed: MT19937 with the reference tempering,
/// seeded by `init_genrand(19650218)` then `init_by_array` over the 32-bit little-endian words
/// of `|seed|` (`[0]` for seed 0).
#[derive(Clone)]
pub struct CpythonRandom {
    mt: [u32; N],
    index: usize,
}

impl fmt::Debug for CpythonRandom {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CpythonRandom").field("index", &self.index).finish_non_exhaustive()
    }
}

impl CpythonRandom {
    /// `random.Random(seed)`.
    pub fn new(seed: u64) -> Self {
        let key: Vec<u32> =
            if seed >> 32 == 0 { vec![seed as u32] } else { vec![seed as u32, (seed >> 32) as u32] };
        Self::from_key(&key)
    }

    /// `random.Random(seed)` for a signed seed: CPython seeds by `|seed|`, so `-1` equals `1`.
    pub fn from_signed(seed: i64) -> Self {
        Self::new(seed.unsigned_abs())
    }

    fn from_key(key: &[u32]) -> Self {
        let mut mt = [0u32; N];
        mt[0] = 19_650_218;
        for i in 1..N {
            mt[i] = 1_812_433_253u32.wrapping_mul(mt[i - 1] ^ (mt[i - 1] >> 30)).wrapping_add(i as u32);
        }
        let (mut i, mut j) = (1usize, 0usize);
        for _ in 0..N.max(key.len()) {
            mt[i] = (mt[i] ^ (mt[i - 1] ^ (mt[i - 1] >> 30)).wrapping_mul(1_664_525))
                .wrapping_add(key[j])
                .wrapping_add(j as u32);
            i += 1;
            j += 1;
            if i >= N {
                mt[0] = mt[N - 1];
                i = 1;
            }
            if j >= key.len() {
                j = 0;
            }
        }
        for _ in 0..N - 1 {
            mt[i] =
                (mt[i] ^ (mt[i - 1] ^ (mt[i - 1] >> 30)).wrapping_mul(1_566_083_941)).wrapping_sub(i as u32);
            i += 1;
            if i >= N {
                mt[0] = mt[N - 1];
                i = 1;
            }
        }
        mt[0] = 0x8000_0000;
        CpythonRandom { mt, index: N }
    }

    fn twist(&mut self) {
        const UPPER: u32 = 0x8000_0000;
        const LOWER: u32 = 0x7fff_ffff;
        const MATRIX_A: u32 = 0x9908_b0df;
        for k in 0..N {
            let y = (self.mt[k] & UPPER) | (self.mt[(k + 1) % N] & LOWER);
            let mag = if y & 1 == 0 { 0 } else { MATRIX_A };
            self.mt[k] = self.mt[(k + M) % N] ^ (y >> 1) ^ mag;
        }
        self.index = 0;
    }
}

impl SimRng for CpythonRandom {
    fn next_u32(&mut self) -> u32 {
        if self.index >= N {
            self.twist();
        }
        let mut y = self.mt[self.index];
        self.index += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^= y >> 18;
        y
    }
}
