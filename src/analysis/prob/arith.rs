//! Exact rational arithmetic for the solver's inner loop: the same values as `num-rational`'s
//! operators, reduced with Lehmer's gcd.
//!
//! `num-bigint`'s gcd is the binary (Stein) algorithm, which removes about one bit per pass
//! over the number; every rational operation reduces, so on the thousand-digit numbers of a
//! large exact solve the gcds take nearly all the time. Lehmer's algorithm (as in CPython's
//! `math.gcd`) runs Euclid on the leading 60 bits in machine words and applies the resulting
//! 2×2 cofactor matrix to the full numbers once per ~30 bits. Sums use Henrici's trick (one gcd
//! of the denominators, one of the small cofactor), products cross-reduce, as Python's
//! `Fraction` does.

use num_bigint::{BigInt, BigUint, Sign};
use num_traits::{One, ToPrimitive, Zero};

use super::ratio::Ratio;

/// gcd(a, b) by Lehmer's algorithm.
pub(crate) fn gcd(a: &BigUint, b: &BigUint) -> BigUint {
    if a.is_zero() {
        return b.clone();
    }
    if b.is_zero() {
        return a.clone();
    }
    // Machine-word cases: both small, or one small (one remainder, then words).
    let small = |x: &BigUint| if x.bits() <= 128 { x.to_u128() } else { None };
    match (small(a), small(b)) {
        (Some(x), Some(y)) => return BigUint::from(binary_gcd(x, y)),
        (None, Some(y)) => return BigUint::from(binary_gcd(y, (a % y).to_u128().unwrap_or(0))),
        (Some(x), None) => return BigUint::from(binary_gcd(x, (b % x).to_u128().unwrap_or(0))),
        (None, None) => {}
    }
    let (mut a, mut b) =
        if a >= b { (a.to_u64_digits(), b.to_u64_digits()) } else { (b.to_u64_digits(), a.to_u64_digits()) };
    let mut na: Vec<u64> = Vec::with_capacity(a.len());
    let mut nb: Vec<u64> = Vec::with_capacity(a.len());
    // Invariant: a >= b, both trimmed (no leading zero limb).
    while a.len() > 2 {
        if b.is_empty() {
            return from_limbs(&a);
        }
        let n = a.len();
        let nbits = 64 - a[n - 1].leading_zeros(); // bits in a's top limb, 1..=64
        // The top 120 bits of a, and the bits of b at the same positions.
        let (mut x, mut y) = (leading120(&a, n, nbits) as i128, leading120(&b, n, nbits) as i128);
        // Lehmer's inner loop in CPython's form (signed x, y, q, s, t) with 60-bit "digits":
        // the cofactors A, B, C, D stay below 2^60. Most quotients are small, so they are found
        // by subtraction.
        let (mut ca, mut cb, mut cc, mut cd) = (1i128, 0i128, 0i128, 1i128);
        let mut k = 0u32;
        loop {
            let den = y - cc;
            if den == 0 {
                break;
            }
            let num = x + (ca - 1);
            // Most quotients are small: find them by subtraction, divide only past 8.
            let (mut q, mut r) = (0i128, num);
            while r >= den && q < 8 {
                r -= den;
                q += 1;
            }
            if r >= den {
                q = if num <= i128::from(u64::MAX) { i128::from(num as u64 / den as u64) } else { num / den };
            }
            let s = cb + q * cd;
            let t = x - q * y;
            if s > t {
                break;
            }
            x = y;
            y = t;
            let t2 = ca + q * cc;
            ca = cd;
            cb = cc;
            cc = s;
            cd = t2;
            k += 1;
        }
        if k == 0 {
            // No progress from the leading bits: one full Euclidean step.
            let r = from_limbs(&a) % from_limbs(&b);
            a = std::mem::replace(&mut b, r.to_u64_digits());
            continue;
        }
        // k odd: a, b = A·b − B·a, D·a − C·b; k even: a, b = A·a − B·b, D·b − C·a.
        // Cofactors below 2^60 times limbs below 2^64: each product and difference fits i128.
        let (pa, pb, pc, pd) = (ca as u128, cb as u128, cc as u128, cd as u128);
        na.clear();
        nb.clear();
        let (mut c1, mut c2) = (0i128, 0i128);
        let (x1, x2) = if k & 1 == 1 { (&b, &a) } else { (&a, &b) };
        // c1 = A·x1 − B·x2, c2 = D·x2 − C·x1 (x1, x2 = a, b or b, a).
        for i in 0..n {
            let u = u128::from(x1.get(i).copied().unwrap_or(0));
            let v = u128::from(x2.get(i).copied().unwrap_or(0));
            c1 += (pa * u) as i128 - (pb * v) as i128;
            c2 += (pd * v) as i128 - (pc * u) as i128;
            na.push(c1 as u64);
            nb.push(c2 as u64);
            c1 >>= 64;
            c2 >>= 64;
        }
        debug_assert!(c1 == 0 && c2 == 0, "Lehmer step left a carry");
        trim(&mut na);
        trim(&mut nb);
        std::mem::swap(&mut a, &mut na);
        std::mem::swap(&mut b, &mut nb);
        if cmp_limbs(&a, &b).is_lt() {
            std::mem::swap(&mut a, &mut b);
        }
    }
    // Both fit in 128 bits now.
    BigUint::from(binary_gcd(to_u128(&a), to_u128(&b)))
}

/// gcd of machine words, by Stein's algorithm (no division).
fn binary_gcd(mut x: u128, mut y: u128) -> u128 {
    if x == 0 {
        return y;
    }
    if y == 0 {
        return x;
    }
    let shift = (x | y).trailing_zeros();
    x >>= x.trailing_zeros();
    loop {
        y >>= y.trailing_zeros();
        if x > y {
            std::mem::swap(&mut x, &mut y);
        }
        y -= x;
        if y == 0 {
            return x << shift;
        }
    }
}

fn from_limbs(v: &[u64]) -> BigUint {
    BigUint::new(v.iter().flat_map(|&x| [x as u32, (x >> 32) as u32]).collect())
}

fn trim(v: &mut Vec<u64>) {
    while v.last() == Some(&0) {
        v.pop();
    }
}

fn cmp_limbs(a: &[u64], b: &[u64]) -> std::cmp::Ordering {
    a.len().cmp(&b.len()).then_with(|| a.iter().rev().cmp(b.iter().rev()))
}

fn to_u128(v: &[u64]) -> u128 {
    u128::from(v.first().copied().unwrap_or(0)) | (u128::from(v.get(1).copied().unwrap_or(0)) << 64)
}

/// The 120 bits of `v` from bit `64(n−1) + nbits − 120` up: the top 120 bits of a number
/// whose top limb is `n − 1` with `nbits` bits in it (zeros where `v` is shorter). Needs n ≥ 3.
fn leading120(v: &[u64], n: usize, nbits: u32) -> u128 {
    let lo = 64 * (n - 1) + nbits as usize - 120;
    let (limb, off) = (lo / 64, (lo % 64) as u32);
    let word = |i: usize| u128::from(v.get(i).copied().unwrap_or(0));
    let low = (word(limb) | (word(limb + 1) << 64)) >> off;
    let high = if off == 0 { 0 } else { word(limb + 2) << (128 - off) };
    (low | high) & ((1u128 << 120) - 1)
}

fn to_biguint(x: &BigInt) -> &BigUint {
    x.magnitude()
}

fn make(numer: BigInt, denom: BigInt) -> Ratio {
    Ratio::new_raw(numer, denom)
}

/// `a · b`, reduced.
pub(crate) fn mul(a: &Ratio, b: &Ratio) -> Ratio {
    if a.is_zero() || b.is_zero() {
        return Ratio::zero();
    }
    let g1 = gcd(to_biguint(a.numer()), to_biguint(b.denom()));
    let g2 = gcd(to_biguint(b.numer()), to_biguint(a.denom()));
    let (g1, g2) = (BigInt::from(g1), BigInt::from(g2));
    let numer = divide(a.numer(), &g1) * divide(b.numer(), &g2);
    let denom = divide(a.denom(), &g2) * divide(b.denom(), &g1);
    make(numer, denom)
}

fn divide(x: &BigInt, g: &BigInt) -> BigInt {
    if g.is_one() { x.clone() } else { x / g }
}

/// `a + b`, reduced.
pub(crate) fn add(a: &Ratio, b: &Ratio) -> Ratio {
    if a.is_zero() {
        return b.clone();
    }
    if b.is_zero() {
        return a.clone();
    }
    let (na, da, nb, db) = (a.numer(), a.denom(), b.numer(), b.denom());
    let g = BigInt::from(gcd(to_biguint(da), to_biguint(db)));
    if g.is_one() {
        return make(na * db + nb * da, da * db);
    }
    let s = da / &g;
    let t = na * (db / &g) + nb * &s;
    if t.is_zero() {
        return Ratio::zero();
    }
    let g2 = BigInt::from(gcd(to_biguint(&t), to_biguint(&g)));
    if g2.is_one() { make(t, s * db) } else { make(t / &g2, s * (db / &g2)) }
}

/// `1 / a` (a ≠ 0): no gcd needed.
pub(crate) fn recip(a: &Ratio) -> Ratio {
    let (n, d) = (a.numer().clone(), a.denom().clone());
    if n.sign() == Sign::Minus { make(-d, -n) } else { make(d, n) }
}

/// `acc += a · b`.
pub(crate) fn add_product(acc: &mut Ratio, a: &Ratio, b: &Ratio) {
    if a.is_zero() || b.is_zero() {
        return;
    }
    let p = mul(a, b);
    *acc = add(acc, &p);
}

/// `Σ a·b` over the pairs.
pub(crate) fn dot<'r>(pairs: impl IntoIterator<Item = (&'r Ratio, &'r Ratio)>) -> Ratio {
    let mut acc = Ratio::zero();
    for (a, b) in pairs {
        add_product(&mut acc, a, b);
    }
    acc
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probabilistic::ratio::ratio;
    use num_integer::Integer;

    fn big(s: &str) -> BigUint {
        s.parse().unwrap()
    }

    #[test]
    fn lehmer_gcd_agrees_with_the_binary_gcd() {
        let three = BigUint::from(3u32);
        let seven = BigUint::from(7u32);
        let cases = [
            (three.pow(500) * seven.pow(30), seven.pow(200) * three.pow(7)),
            (
                big("123456789012345678901234567890123456789012345678901234567890"),
                big("987654321098765432109876543210"),
            ),
            (BigUint::from(2u32).pow(300), BigUint::from(2u32).pow(299) * three.clone()),
            (three.pow(1000) + 1u32, three.pow(999)),
            (BigUint::one() << 1000u32, (BigUint::one() << 1000u32) - 1u32),
            (three.pow(300), BigUint::from(5u32)),
        ];
        for (a, b) in cases {
            assert_eq!(gcd(&a, &b), a.gcd(&b));
            assert_eq!(gcd(&b, &a), a.gcd(&b));
            let g = BigUint::from(12345678901234567u64) * three.pow(40);
            assert_eq!(gcd(&(&a * &g), &(&b * &g)), (&a * &g).gcd(&(&b * &g)));
        }
        // Every small pair, and products of primes around limb boundaries.
        for x in 0u32..60 {
            for y in 0u32..60 {
                let (a, b) = (BigUint::from(x), BigUint::from(y));
                assert_eq!(gcd(&a, &b), a.gcd(&b));
            }
        }
        for shift in [59u32, 60, 61, 63, 64, 65, 127, 128, 129, 191, 192, 193] {
            let a = (BigUint::one() << shift) + 12345u32;
            let b = (BigUint::one() << (shift - 3)) * 7u32 + 999u32;
            assert_eq!(gcd(&a, &b), a.gcd(&b), "shift {shift}");
            let a = (BigUint::one() << (shift + 70)) - 1u32;
            let b = (BigUint::one() << shift) - 1u32;
            assert_eq!(gcd(&a, &b), a.gcd(&b), "mersenne {shift}");
        }
    }

    fn from_words(words: &[u64]) -> BigUint {
        from_limbs(words)
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(500))]

        #[test]
        fn lehmer_gcd_agrees_on_random_numbers(
            a in proptest::collection::vec(proptest::prelude::any::<u64>(), 0..12),
            b in proptest::collection::vec(proptest::prelude::any::<u64>(), 0..12),
            g in proptest::collection::vec(proptest::prelude::any::<u64>(), 0..6),
        ) {
            let (a, b, g) = (from_words(&a), from_words(&b), from_words(&g) + 1u32);
            proptest::prop_assert_eq!(gcd(&a, &b), a.gcd(&b));
            let (ag, bg) = (&a * &g, &b * &g);
            proptest::prop_assert_eq!(gcd(&ag, &bg), ag.gcd(&bg));
        }
    }

    #[test]
    fn operations_match_num_rational() {
        let xs = [
            ratio(0, 1),
            ratio(1, 1),
            ratio(-1, 2),
            ratio(2, 3),
            ratio(-7, 12),
            ratio(1 << 40, 3_i64.pow(25)),
            ratio(5, 1),
        ];
        for a in &xs {
            for b in &xs {
                assert_eq!(add(a, b), a + b, "{a} + {b}");
                assert_eq!(mul(a, b), a * b, "{a} * {b}");
                let mut acc = a.clone();
                add_product(&mut acc, a, b);
                assert_eq!(acc, a + a * b);
            }
            if !a.is_zero() {
                assert_eq!(recip(a), a.recip());
            }
        }
        let big = Ratio::new(BigInt::from(3u32).pow(400) + 1, BigInt::from(2u32).pow(600) * 7);
        let other = Ratio::new(BigInt::from(7u32).pow(120), BigInt::from(3u32).pow(200) + 5);
        assert_eq!(add(&big, &other), &big + &other);
        assert_eq!(mul(&big, &other), &big * &other);
    }
}
