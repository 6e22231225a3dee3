//! Dixon's p-adic lifting for one strongly connected block: the block's matrix is factored
//! once modulo a 62-bit prime `p`, the solution's p-adic digits are lifted one machine-word
//! solve at a time, and the exact rationals are read back by rational reconstruction.
//!
//! Rows are scaled to integers (`M x = b`, `M = S(I − A)`, `b = S c`). Each lifting step solves
//! `M x_i ≡ b_i (mod p)` with the factorisation and sets `b_{i+1} = (b_i − M x_i) / p`, an exact
//! division, so the residual stays word-sized and every step is `O(nnz)` word operations: the
//! cost is the number of digits times the factor's size, with no intermediate growth.
//!
//! The number of digits is fixed in advance from a bound that makes reconstruction provably
//! unique (`p^k > 2·N·D`): `D` bounds `|det M|` (Fischer's inequality `det M ≤ Π m_ii` when `M`
//! is a non-singular M-matrix, which is checked: `A ≥ 0` with row or column sums at most 1;
//! Hadamard's inequality otherwise), `N` bounds the numerators `|det M_j|` (`D` itself when
//! `M·1 ≥ |b|`, so that `|x| ≤ 1`; Hadamard otherwise). No answer rests on a heuristic stop.
//! Whatever this cannot take (entries past machine words, a prime dividing a pivot, more
//! digits than the memory budget) returns `None`, and the caller solves with rationals.

use num_bigint::{BigInt, BigUint, Sign};
use num_integer::Integer;
use num_traits::{One, Signed, ToPrimitive, Zero};

use super::arith::gcd;
use super::ratio::Ratio;
use super::round::{down, up};

type Map<K, V> = hashbrown::HashMap<K, V, foldhash::fast::FixedState>;
type Set<K> = hashbrown::HashSet<K, foldhash::fast::FixedState>;

/// Entries of `M` and `b` must stay below this (so residuals and their quotients fit a word).
const ENTRY_LIMIT: u64 = 1 << 60;
/// At most this many digits are kept in memory (words over all wanted unknowns).
const DIGIT_BUDGET: usize = 40_000_000;
/// Bits one digit is counted for: every prime used lies in (2^61.99, 2^62).
const BITS_PER_DIGIT: f64 = 61.99;

/// Arithmetic modulo an odd `p < 2^62` in Montgomery form (`R = 2^64`).
#[derive(Clone, Copy, Debug)]
struct Mont {
    p: u64,
    /// `−p^{-1} mod 2^64`.
    neg_inv: u64,
    /// `R^2 mod p`.
    r2: u64,
}

impl Mont {
    fn new(p: u64) -> Self {
        let inv = inverse_mod_word(p);
        let r = ((1u128 << 64) % u128::from(p)) as u64;
        let r2 = ((u128::from(r) * u128::from(r)) % u128::from(p)) as u64;
        Mont { p, neg_inv: inv.wrapping_neg(), r2 }
    }

    #[inline(always)]
    fn redc(&self, t: u128) -> u64 {
        let m = (t as u64).wrapping_mul(self.neg_inv);
        let u = ((t + u128::from(m) * u128::from(self.p)) >> 64) as u64;
        if u >= self.p { u - self.p } else { u }
    }

    /// `a·b·R^{-1}`: with `a` in Montgomery form and `b` plain, the plain product.
    #[inline(always)]
    fn mul(&self, a: u64, b: u64) -> u64 {
        self.redc(u128::from(a) * u128::from(b))
    }

    #[inline(always)]
    fn add(&self, a: u64, b: u64) -> u64 {
        let s = a + b;
        if s >= self.p { s - self.p } else { s }
    }

    fn mont_form(&self, a: u64) -> u64 {
        self.redc(u128::from(a) * u128::from(self.r2))
    }
}

/// `p^{-1} mod 2^64` for odd `p` (Newton's iteration).
fn inverse_mod_word(p: u64) -> u64 {
    let mut inv = 1u64;
    for _ in 0..6 {
        inv = inv.wrapping_mul(2u64.wrapping_sub(p.wrapping_mul(inv)));
    }
    inv
}

fn mulmod(a: u64, b: u64, p: u64) -> u64 {
    ((u128::from(a) * u128::from(b)) % u128::from(p)) as u64
}

fn powmod(mut a: u64, mut e: u64, p: u64) -> u64 {
    let mut r = 1u64;
    while e > 0 {
        if e & 1 == 1 {
            r = mulmod(r, a, p);
        }
        a = mulmod(a, a, p);
        e >>= 1;
    }
    r
}

/// `a^{-1} mod p` (`a ≠ 0 mod p`), by the extended Euclid algorithm.
fn invmod(a: u64, p: u64) -> Option<u64> {
    let (mut r0, mut r1) = (i128::from(p), i128::from(a % p));
    let (mut t0, mut t1) = (0i128, 1i128);
    while r1 != 0 {
        let q = r0 / r1;
        (r0, r1) = (r1, r0 - q * r1);
        (t0, t1) = (t1, t0 - q * t1);
    }
    (r0 == 1).then(|| t0.rem_euclid(i128::from(p)) as u64)
}

/// Deterministic Miller–Rabin for 64-bit numbers.
fn is_prime(n: u64) -> bool {
    if n < 2 {
        return false;
    }
    const BASES: [u64; 12] = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37];
    for b in BASES {
        if n % b == 0 {
            return n == b;
        }
    }
    let (mut d, mut s) = (n - 1, 0);
    while d % 2 == 0 {
        d /= 2;
        s += 1;
    }
    'bases: for a in BASES {
        let mut x = powmod(a, d, n);
        if x == 1 || x == n - 1 {
            continue;
        }
        for _ in 1..s {
            x = mulmod(x, x, n);
            if x == n - 1 {
                continue 'bases;
            }
        }
        return false;
    }
    true
}

/// The `count` largest primes below 2^62.
fn primes(count: usize) -> Vec<u64> {
    let mut out = Vec::with_capacity(count);
    let mut n = (1u64 << 62) - 1;
    while out.len() < count {
        if is_prime(n) {
            out.push(n);
        }
        n -= 2;
    }
    out
}

/// The block as integers: `M` by rows (diagonal included) and `b`, with what the bounds need.
struct Scaled {
    /// `(column, m_ij)` per row, the diagonal among them.
    start: Vec<usize>,
    cols: Vec<u32>,
    vals: Vec<i64>,
    /// Row scale `s_i` (the lcm of the row's denominators).
    scale: Vec<u64>,
    b: Vec<i64>,
    /// `A ≥ 0` with row or column sums at most 1.
    m_matrix: bool,
    /// `M·1 ≥ |b|`: with `M` an M-matrix, `|x| ≤ 1`.
    ones_dominate: bool,
    /// log2 of Fischer's bound `Π m_ii` (valid for an M-matrix) and of Hadamard's bounds on
    /// `|det M|` and every `|det M_j|` (column `j` replaced by `b`).
    log_fischer: f64,
    log_hadamard: f64,
    log_hadamard_n: f64,
}

fn lcm_word(a: u64, d: &BigInt) -> Option<u64> {
    let d = d.to_u64()?;
    let g = a.gcd(&d);
    (a / g).checked_mul(d).filter(|&l| l < ENTRY_LIMIT)
}

/// Scale `x = A x + c` to `M x = b` over integers, or `None` when an entry passes a word.
fn scale(rows: &[Vec<(u32, Ratio)>], consts: &[Ratio]) -> Option<Scaled> {
    let k = rows.len();
    let mut start = Vec::with_capacity(k + 1);
    start.push(0);
    let (mut cols, mut vals) = (Vec::new(), Vec::new());
    let mut scale = Vec::with_capacity(k);
    let mut b = Vec::with_capacity(k);
    let mut nonneg = true;
    let mut row_stochastic = true;
    let mut ones_dominate = true;
    let (mut log_d_fischer, mut log_d_hadamard, mut log_n_hadamard) = (0.0f64, 0.0f64, 0.0f64);
    let mut merged: Map<u32, Ratio> = Map::default();
    let mut order: Vec<u32> = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        merged.clear();
        order.clear();
        for (j, a) in row {
            if a.is_zero() {
                continue;
            }
            if a.is_negative() {
                nonneg = false;
            }
            let e = merged.entry(*j).or_insert_with(|| {
                order.push(*j);
                Ratio::zero()
            });
            *e += a;
        }
        let mut s = lcm_word(1, consts[i].denom())?;
        for a in merged.values() {
            s = lcm_word(s, a.denom())?;
        }
        let sb = BigInt::from(s);
        let int = |a: &Ratio| -> Option<i64> {
            let v = (a.numer() * &sb) / a.denom();
            v.to_i64().filter(|x| x.unsigned_abs() < ENTRY_LIMIT)
        };
        let stay = merged.get(&(i as u32)).cloned().unwrap_or_else(Ratio::zero);
        let diag = int(&(Ratio::one() - stay))?;
        cols.push(i as u32);
        vals.push(diag);
        let mut abs_sum = u128::from(diag.unsigned_abs());
        let mut off_sum: i128 = 0;
        let mut sq = (diag as f64) * (diag as f64);
        for j in &order {
            if *j as usize == i {
                continue;
            }
            let v = int(&merged[j])?;
            cols.push(*j);
            vals.push(-v);
            abs_sum += u128::from(v.unsigned_abs());
            off_sum += i128::from(v);
            sq += (v as f64) * (v as f64);
        }
        let bi = int(&consts[i])?;
        if abs_sum >= u128::from(ENTRY_LIMIT) {
            return None;
        }
        // Σ_j a_ij ≤ 1, i.e. diag ≥ off_sum (in the scaled row).
        if i128::from(diag) < off_sum {
            row_stochastic = false;
        }
        if i128::from(diag) - off_sum < i128::from(bi.unsigned_abs()) {
            ones_dominate = false;
        }
        if diag <= 0 {
            nonneg = false;
        } else {
            log_d_fischer += (diag as f64).log2();
        }
        log_d_hadamard += 0.5 * sq.log2();
        log_n_hadamard += 0.5 * (sq + (bi as f64) * (bi as f64)).log2();
        scale.push(s);
        b.push(bi);
        start.push(cols.len());
    }
    // A non-singular M-matrix: A ≥ 0 with row sums ≤ 1, or column sums ≤ 1 (then ρ(A) ≤ 1,
    // and the factorisation below proves it non-singular).
    let m_matrix = nonneg && (row_stochastic || column_stochastic(rows));
    Some(Scaled {
        start,
        cols,
        vals,
        scale,
        b,
        m_matrix,
        ones_dominate,
        log_fischer: log_d_fischer,
        log_hadamard: log_d_hadamard,
        log_hadamard_n: log_n_hadamard,
    })
}

fn column_stochastic(rows: &[Vec<(u32, Ratio)>]) -> bool {
    let mut sums = vec![Ratio::zero(); rows.len()];
    for row in rows {
        for (j, a) in row {
            sums[*j as usize] += a;
        }
    }
    sums.iter().all(|s| *s <= Ratio::one())
}

/// `M` modulo `p`, factored in Markowitz order (as the rational solver does), in the solver's
/// `x = A x + c` form: `forward` then `backward` solve `M x ≡ b`.
struct Factor {
    mont: Mont,
    /// log2 of an upper bound on `det M`, valid when `M` is an M-matrix.
    log_det_bound: f64,
    order: Vec<u32>,
    /// Per pivot (in order): `(1 − stay)^{-1}·R`.
    inv: Vec<u64>,
    l_start: Vec<usize>,
    l_idx: Vec<u32>,
    l_val: Vec<u64>,
    u_start: Vec<usize>,
    u_idx: Vec<u32>,
    u_val: Vec<u64>,
}

/// `a·b` rounded down (for non-negative bounds).
fn mul_down(a: f64, b: f64) -> f64 {
    down(a * b).max(0.0)
}

/// A lower bound of `x / s` (`s` already rounded up), 0 when negative.
fn ratio_down(x: i64, s: f64) -> f64 {
    down(down(x as f64) / s).max(0.0)
}

fn add_down(a: f64, b: f64) -> f64 {
    down(a + b).max(0.0)
}

fn factor(m: &Scaled, p: u64, last: Option<usize>) -> Option<Factor> {
    let k = m.scale.len();
    let to_p = |v: i64| v.rem_euclid(p as i64) as u64;
    let mont = Mont::new(p);
    // x_i = Σ_j a_ij x_j + c_i with a_ij = −m_ij / ... kept unscaled: a_ij = −m_ij (j ≠ i) and
    // stay = 1 − m_ii, so that (1 − stay) x_i − Σ a_ij x_j = b_i is row i of M x = b.
    // Beside each residue, a lower bound of the exact coefficient as a float: for an M-matrix
    // every coefficient of the `x = A x + c` form stays non-negative during elimination, so
    // rounding down throughout bounds each pivot `1 − stay` from above, hence `det M`.
    let mut coef: Vec<Map<u32, (u64, f64)>> = Vec::with_capacity(k);
    let mut preds: Vec<Set<u32>> = vec![Set::default(); k];
    for i in 0..k {
        let mut row: Map<u32, (u64, f64)> = Map::default();
        let s = up(m.scale[i] as f64);
        for e in m.start[i]..m.start[i + 1] {
            let j = m.cols[e];
            let (v, lo) = if j as usize == i {
                ((1 + p - to_p(m.vals[e])) % p, ratio_down(m.scale[i] as i64 - m.vals[e], s))
            } else {
                (to_p(-m.vals[e]), ratio_down(-m.vals[e], s))
            };
            if v != 0 || lo > 0.0 {
                row.insert(j, (v, lo));
                if j as usize != i {
                    preds[j as usize].insert(i as u32);
                }
            }
        }
        coef.push(row);
    }
    let out_degree = |coef: &[Map<u32, (u64, f64)>], v: usize| {
        coef[v].len() as u64 - u64::from(coef[v].contains_key(&(v as u32)))
    };
    let markowitz = |preds: &[Set<u32>], coef: &[Map<u32, (u64, f64)>], v: usize| {
        if Some(v) == last { u64::MAX } else { preds[v].len() as u64 * out_degree(coef, v) }
    };
    let mut cost: Vec<u64> = (0..k).map(|v| markowitz(&preds, &coef, v)).collect();
    let mut heap: std::collections::BinaryHeap<std::cmp::Reverse<(u64, u32)>> =
        cost.iter().enumerate().map(|(v, &c)| std::cmp::Reverse((c, v as u32))).collect();
    let mut alive = vec![true; k];
    let mut log_pivots = 0.0f64;
    let mut f = Factor {
        log_det_bound: 0.0,
        mont,
        order: Vec::with_capacity(k),
        inv: Vec::with_capacity(k),
        l_start: vec![0],
        l_idx: Vec::new(),
        l_val: Vec::new(),
        u_start: vec![0],
        u_idx: Vec::new(),
        u_val: Vec::new(),
    };
    while let Some(std::cmp::Reverse((c, piv))) = heap.pop() {
        let piv = piv as usize;
        if !alive[piv] || c != cost[piv] {
            continue;
        }
        alive[piv] = false;
        let mut row = std::mem::take(&mut coef[piv]);
        let (stay, stay_lo) = row.remove(&(piv as u32)).unwrap_or((0, 0.0));
        let inv = invmod((1 + p - stay) % p, p)?;
        // 1 − stay ≤ pivot_up, and 1/(1 − stay) ≥ inv_lo.
        let pivot_up = up(1.0 - stay_lo);
        log_pivots += pivot_up.log2();
        let inv_lo = if pivot_up > 0.0 { down(1.0 / pivot_up).max(0.0) } else { 0.0 };
        for a in row.values_mut() {
            *a = (mulmod(a.0, inv, p), mul_down(a.1, inv_lo));
        }
        let mut users: Vec<u32> = std::mem::take(&mut preds[piv]).into_iter().collect();
        users.sort_unstable();
        for &u in &users {
            let u = u as usize;
            let Some((a_up, a_up_lo)) = coef[u].remove(&(piv as u32)) else { continue };
            f.l_idx.push(u as u32);
            f.l_val.push(mont.mont_form(mulmod(a_up, inv, p)));
            for (&j, &(a_pj, a_pj_lo)) in &row {
                let product = (mulmod(a_up, a_pj, p), mul_down(a_up_lo, a_pj_lo));
                match coef[u].entry(j) {
                    hashbrown::hash_map::Entry::Occupied(mut e) => {
                        let (v, lo) = *e.get();
                        *e.get_mut() = ((v + product.0) % p, add_down(lo, product.1));
                    }
                    hashbrown::hash_map::Entry::Vacant(e) => {
                        e.insert(product);
                        if j as usize != u {
                            preds[j as usize].insert(u as u32);
                        }
                    }
                }
            }
        }
        let mut row: Vec<(u32, u64)> = row.into_iter().map(|(j, (v, _))| (j, v)).collect();
        row.sort_unstable_by_key(|&(j, _)| j);
        for &(j, a) in &row {
            preds[j as usize].remove(&(piv as u32));
            f.u_idx.push(j);
            f.u_val.push(mont.mont_form(a));
        }
        for v in users.iter().copied().chain(row.iter().map(|&(j, _)| j)) {
            let v = v as usize;
            if alive[v] {
                let c = markowitz(&preds, &coef, v);
                if c != cost[v] {
                    cost[v] = c;
                    heap.push(std::cmp::Reverse((c, v as u32)));
                }
            }
        }
        f.order.push(piv as u32);
        f.inv.push(mont.mont_form(inv));
        f.l_start.push(f.l_idx.len());
        f.u_start.push(f.u_idx.len());
    }
    // det M = Π s_i · det(I − A) = Π s_i · Π (1 − stay).
    f.log_det_bound = log_pivots + m.scale.iter().map(|&s| (s as f64).log2()).sum::<f64>();
    Some(f)
}

impl Factor {
    /// Overwrite `c` (plain residues of `b`) with the solution of `M x ≡ b (mod p)`.
    fn solve_in_place(&self, c: &mut [u64]) {
        let mo = self.mont;
        let (l_idx, l_val) = (&self.l_idx[..], &self.l_val[..]);
        for ((&t, &inv), w) in self.order.iter().zip(&self.inv).zip(self.l_start.windows(2)) {
            // The multipliers carry the pivot's inverse: the users do not wait for `cp`.
            let raw = c[t as usize];
            c[t as usize] = mo.mul(inv, raw);
            if raw != 0 {
                for (&u, &a) in l_idx[w[0]..w[1]].iter().zip(&l_val[w[0]..w[1]]) {
                    let u = u as usize;
                    c[u] = mo.add(c[u], mo.mul(a, raw));
                }
            }
        }
        let (u_idx, u_val) = (&self.u_idx[..], &self.u_val[..]);
        for (&t, w) in self.order.iter().zip(self.u_start.windows(2)).rev() {
            let mut v = c[t as usize];
            for (&j, &a) in u_idx[w[0]..w[1]].iter().zip(&u_val[w[0]..w[1]]) {
                v = mo.add(v, mo.mul(a, c[j as usize]));
            }
            c[t as usize] = v;
        }
    }
}

/// `Σ digits[i]·p^i`, by halves.
fn from_digits(digits: &[u64], p: u64) -> BigUint {
    fn go(d: &[u64], p: u64, pows: &mut Map<usize, BigUint>) -> BigUint {
        if d.len() <= 8 {
            let mut v = BigUint::zero();
            for &x in d.iter().rev() {
                v = v * p + x;
            }
            return v;
        }
        let mid = d.len() / 2;
        let lo = go(&d[..mid], p, pows);
        let hi = go(&d[mid..], p, pows);
        let pw = pows.entry(mid).or_insert_with(|| BigUint::from(p).pow(mid as u32)).clone();
        lo + hi * pw
    }
    go(digits, p, &mut Map::default())
}

/// The fraction `n/d` with `|n| ≤ nb`, `0 < d ≤ db` and `n ≡ u·d (mod m)`, unique when
/// `m > 2·nb·db` (Wang's rational reconstruction: the extended Euclid algorithm on `(m, u)`
/// stopped at the first remainder `≤ nb`), with Lehmer's steps on the leading word while the
/// remainders are far above `nb`.
fn reconstruct(u: &BigUint, m: &BigUint, nb: &BigUint, db: &BigUint) -> Option<Ratio> {
    let (mut r0, mut r1) = (BigInt::from(m.clone()), BigInt::from(u % m));
    let (mut t0, mut t1) = (BigInt::zero(), BigInt::one());
    let nbig = BigInt::from(nb.clone());
    let far = nb.bits() + 130;
    while r1 > nbig {
        let (b0, b1) = (r0.bits(), r1.bits());
        if b1 >= far && b0 <= b1 + 32 {
            // Knuth's algorithm L on the leading 64 bits of r0 (r1 at the same shift).
            let shift = b0 - 64;
            let top = |v: &BigInt| i128::from((v.magnitude() >> shift).to_u64().unwrap_or(0));
            let (mut x, mut y) = (top(&r0), top(&r1));
            let (mut a, mut b, mut c, mut d) = (1i128, 0i128, 0i128, 1i128);
            while y + c != 0 && y + d != 0 {
                let q = (x + a).div_euclid(y + c);
                if q != (x + b).div_euclid(y + d) {
                    break;
                }
                (a, c) = (c, a - q * c);
                (b, d) = (d, b - q * d);
                (x, y) = (y, x - q * y);
            }
            if b != 0 {
                let (a, b, c, d) = (BigInt::from(a), BigInt::from(b), BigInt::from(c), BigInt::from(d));
                (r0, r1) = (&a * &r0 + &b * &r1, &c * &r0 + &d * &r1);
                (t0, t1) = (&a * &t0 + &b * &t1, &c * &t0 + &d * &t1);
                continue;
            }
        }
        let (q, r) = r0.div_rem(&r1);
        r0 = std::mem::replace(&mut r1, r);
        let t = &t0 - &q * &t1;
        t0 = std::mem::replace(&mut t1, t);
    }
    if t1.is_zero() || t1.magnitude() > db {
        return None;
    }
    if !gcd(r1.magnitude(), t1.magnitude()).is_one() {
        return None;
    }
    Some(if t1.is_negative() { Ratio::new_raw(-r1, -t1) } else { Ratio::new_raw(r1, t1) })
}

/// Solve `x = A x + c` on one strongly connected block (see [`super::solve`]). With `last`,
/// only that unknown's value is computed (the others are left 0). `None`: not this way.
pub(crate) fn solve_block(
    rows: &[Vec<(u32, Ratio)>],
    consts: &[Ratio],
    last: Option<usize>,
) -> Option<Vec<Ratio>> {
    let k = rows.len();
    let scaled = scale(rows, consts)?;
    let wanted: Vec<usize> = match last {
        Some(w) => vec![w],
        None => (0..k).collect(),
    };
    static PRIMES: std::sync::OnceLock<Vec<u64>> = std::sync::OnceLock::new();
    for &p in PRIMES.get_or_init(|| primes(3)) {
        if scaled.scale.iter().any(|&s| s % p == 0) {
            continue;
        }
        let Some(f) = factor(&scaled, p, last) else { continue };
        let log_d = if scaled.m_matrix {
            scaled.log_fischer.min(f.log_det_bound).min(scaled.log_hadamard)
        } else {
            scaled.log_hadamard
        };
        // With M^{-1} ≥ 0 and M·1 ≥ |b|, |x| ≤ 1, so |det M_j| = |x_j|·|det M| ≤ D.
        let log_n = if scaled.m_matrix && scaled.ones_dominate { log_d } else { scaled.log_hadamard_n };
        // Bounds as powers of two, with margin for the rounding in the logarithms.
        let margin = |l: f64| (l.max(0.0) * (1.0 + 1e-9)).ceil() as u64 + 4;
        let (nbits, dbits) = (margin(log_n), margin(log_d));
        let digits = ((nbits + dbits + 2) as f64 / BITS_PER_DIGIT).ceil() as usize;
        if !log_d.is_finite() || !log_n.is_finite() || digits.saturating_mul(wanted.len()) > DIGIT_BUDGET {
            return None;
        }
        return lift(&scaled, &f, &wanted, digits, nbits, dbits, k);
    }
    None
}

fn lift(
    m: &Scaled,
    f: &Factor,
    wanted: &[usize],
    digits: usize,
    nbits: u64,
    dbits: u64,
    k: usize,
) -> Option<Vec<Ratio>> {
    let p = f.mont.p;
    let p_inv_word = inverse_mod_word(p);
    let mut b = m.b.clone();
    let mut c = vec![0u64; k];
    let mut store: Vec<Vec<u64>> = wanted.iter().map(|_| Vec::with_capacity(digits)).collect();
    for _ in 0..digits {
        for (ci, &bi) in c.iter_mut().zip(&b) {
            let pi = p as i64;
            *ci = if (0..pi).contains(&bi) {
                bi as u64
            } else if (-pi..0).contains(&bi) {
                (bi + pi) as u64
            } else {
                bi.rem_euclid(pi) as u64
            };
        }
        f.solve_in_place(&mut c);
        for (s, &w) in store.iter_mut().zip(wanted) {
            s.push(c[w]);
        }
        // b ← (b − M x) / p, exact, in wrapping words: the quotient is below 2^62.
        for (bi, w) in b.iter_mut().zip(m.start.windows(2)) {
            let mut r = *bi as u64;
            for (&j, &v) in m.cols[w[0]..w[1]].iter().zip(&m.vals[w[0]..w[1]]) {
                r = r.wrapping_sub((v as u64).wrapping_mul(c[j as usize]));
            }
            *bi = r.wrapping_mul(p_inv_word) as i64;
        }
    }
    let modulus = BigUint::from(p).pow(digits as u32);
    let nb = BigUint::one() << nbits;
    let db = BigUint::one() << dbits;
    if modulus <= (&nb * &db) << 1u32 {
        return None;
    }
    let mut x = vec![Ratio::zero(); k];
    // Reconstruct x_j·d (d the lcm of the denominators so far): usually already an integer.
    let mut d = BigUint::one();
    for (s, &w) in store.iter().zip(wanted) {
        let u = from_digits(s, p);
        let ud = (u * &d) % &modulus;
        let v = if ud <= nb {
            Ratio::from_integer(BigInt::from(ud))
        } else if &modulus - &ud <= nb {
            Ratio::from_integer(-BigInt::from(&modulus - &ud))
        } else {
            reconstruct(&ud, &modulus, &nb, &db)?
        };
        // x_w = v / d_old = n / (d_v·d_old), reduced by the common part of n and d_old.
        let g = gcd(v.numer().magnitude(), &d);
        let (n, dv) = (v.numer() / BigInt::from(g.clone()), v.denom().magnitude());
        let denom = (&d / &g) * dv;
        d *= dv;
        x[w] = Ratio::new_raw(n, BigInt::from_biguint(Sign::Plus, denom));
    }
    Some(x)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probabilistic::ratio::ratio;

    #[test]
    fn the_primes_are_primes_below_2_62() {
        let ps = primes(3);
        assert!(ps.iter().all(|&p| p < 1 << 62 && (p as f64).log2() > BITS_PER_DIGIT));
        assert_eq!(ps[0], (1 << 62) - 57);
        assert!(!is_prime(1 << 61) && is_prime(2_305_843_009_213_693_951)); // 2^61 − 1
    }

    #[test]
    fn montgomery_multiplies() {
        let p = primes(1)[0];
        let m = Mont::new(p);
        let (a, b) = (123_456_789_012_345u64, p - 3);
        assert_eq!(m.mul(m.mont_form(a), b), mulmod(a, b, p));
        assert_eq!(invmod(a, p).map(|i| mulmod(i, a, p)), Some(1));
    }

    #[test]
    fn reconstruction_finds_small_fractions() {
        let m = BigUint::from(1_000_003u64) * BigUint::from(1_000_033u64);
        let mi = BigInt::from(m.clone());
        // u ≡ −17 · 23^{-1} (mod m)
        let inv = BigInt::from(23).extended_gcd(&mi).x.mod_floor(&mi);
        let u = (inv * -17i64).mod_floor(&mi);
        let bound = BigUint::from(1000u32);
        assert_eq!(reconstruct(u.magnitude(), &m, &bound, &bound), Some(ratio(-17, 23)));
        assert_eq!(reconstruct(&BigUint::from(5u32), &m, &bound, &bound), Some(ratio(5, 1)));
    }

    #[test]
    fn lehmer_reconstruction_agrees_on_large_fractions() {
        // x = (3^200 + 7) / (2^300 + 1) modulo p^12 (p the first prime), bounds 2^320.
        let p = BigUint::from(primes(1)[0]);
        let m = p.pow(12);
        let n: BigInt = BigInt::from(3).pow(200u32) + 7u32;
        let d: BigInt = (BigInt::one() << 300u32) + 1u32;
        let mi = BigInt::from(m.clone());
        let inv: BigInt = d.extended_gcd(&mi).x;
        let u = (n.clone() * inv).mod_floor(&mi);
        let bound = BigUint::one() << 320u32;
        assert_eq!(reconstruct(u.magnitude(), &m, &bound, &bound), Some(Ratio::new(n, d)));
    }
}
