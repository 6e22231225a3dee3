//! Path-shaped blocks: a strongly connected block whose unknowns lie on a line (each one's
//! neighbours in the block are at most its predecessor and its successor) is tridiagonal, and
//! one of its unknowns is read off a product of 3×3 integer transfer matrices, multiplied as a
//! balanced tree so that the cost follows the answer's size: `O(M(n) log n)` for `n` unknowns.
//!
//! Row `p` of the path (unknowns `x_1 … x_n` in line order), scaled to integers, reads
//! `D_p x_p − L_p x_{p−1} − R_p x_{p+1} = C_p`. With `v_p = (x_{p−1}, x_p, 1)` it is
//! `R_p v_{p+1} = T_p v_p`, `T_p = [[0, R_p, 0], [−L_p, D_p, −C_p], [0, 0, R_p]]`, and every
//! `R_p` but the last is non-zero (the block is strongly connected, so `x_p` leads to
//! `x_{p+1}`). From `v_1 = (0, t, 1)` (`t = x_1` unknown) the product of the first `w − 1`
//! matrices gives `x_w` as an affine function of `t`, and the product of the rest applied to
//! it must meet the last row's equation (its middle entry is 0): two products, a handful of
//! multiplications and one gcd give `x_w` exactly. The p-adic lifting that solves such a block
//! otherwise needs as many word-sized steps over all `n` unknowns as the answer has digits,
//! which is quadratic on a long chain.
//!
//! Only one unknown is computed: every value of the block at once would be `n` numbers of
//! `O(n)` digits each, which is quadratic output whatever the method, so blocks whose every
//! value is wanted are left to the other solvers.

use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{One, Signed, Zero};

use super::arith::gcd;
use super::ratio::Ratio;

/// A transfer matrix `[[a, b, c], [d, e, f], [0, 0, g]]` (the last row of every product of
/// such matrices keeps this shape).
#[derive(Clone, Debug, Default, PartialEq)]
struct Transfer {
    a: BigInt,
    b: BigInt,
    c: BigInt,
    d: BigInt,
    e: BigInt,
    f: BigInt,
    g: BigInt,
}

impl Transfer {
    fn identity() -> Self {
        let (o, z) = (BigInt::one(), BigInt::zero());
        Transfer { a: o.clone(), b: z.clone(), c: z.clone(), d: z.clone(), e: o.clone(), f: z, g: o }
    }

    /// `self · then`: the map that applies `then` first.
    fn after(&self, then: &Transfer) -> Transfer {
        let (x, y) = (self, then);
        Transfer {
            a: &x.a * &y.a + &x.b * &y.d,
            b: &x.a * &y.b + &x.b * &y.e,
            c: &x.a * &y.c + &x.b * &y.f + &x.c * &y.g,
            d: &x.d * &y.a + &x.e * &y.d,
            e: &x.d * &y.b + &x.e * &y.e,
            f: &x.d * &y.c + &x.e * &y.f + &x.f * &y.g,
            g: &x.g * &y.g,
        }
    }
}

/// `T_last · … · T_first` for `ts = [T_first, …, T_last]`, multiplied pairwise level by level
/// in place (balanced, so the big products are few); the identity when empty.
fn product(mut ts: Vec<Transfer>) -> Transfer {
    while ts.len() > 1 {
        let len = ts.len();
        for i in 0..len / 2 {
            let first = std::mem::take(&mut ts[2 * i]);
            ts[i] = ts[2 * i + 1].after(&first);
        }
        if len % 2 == 1 {
            ts.swap(len / 2, len - 1);
        }
        ts.truncate(len.div_ceil(2));
    }
    ts.pop().unwrap_or_else(Transfer::identity)
}

/// The unknowns in line order when every unknown has at most two neighbours (non-zero entries
/// taken in either direction) and together they form one path; `None` otherwise (a cycle, a
/// branch, more than one piece). The walk starts at the end of smaller index.
fn line_order(rows: &[Vec<(u32, Ratio)>]) -> Option<Vec<u32>> {
    let k = rows.len();
    let mut adj: Vec<[u32; 2]> = vec![[u32::MAX; 2]; k];
    let mut link = |i: usize, j: u32| -> bool {
        let slots = &mut adj[i];
        if slots.contains(&j) {
            return true;
        }
        match slots.iter_mut().find(|s| **s == u32::MAX) {
            Some(s) => {
                *s = j;
                true
            }
            None => false,
        }
    };
    for (i, row) in rows.iter().enumerate() {
        for (j, a) in row {
            if *j as usize != i && !a.is_zero() && (!link(i, *j) || !link(*j as usize, i as u32)) {
                return None;
            }
        }
    }
    let degree = |i: usize| adj[i].iter().filter(|&&s| s != u32::MAX).count();
    let start = (0..k).find(|&i| degree(i) <= 1)?;
    let mut order = Vec::with_capacity(k);
    let (mut prev, mut at) = (u32::MAX, start as u32);
    loop {
        order.push(at);
        let next = adj[at as usize].iter().copied().find(|&s| s != u32::MAX && s != prev);
        match next {
            Some(n) if order.len() < k => {
                prev = at;
                at = n;
            }
            _ => break,
        }
    }
    (order.len() == k).then_some(order)
}

/// The transfer matrix of row `x_p = stay·x_p + l·x_{p−1} + r·x_{p+1} + c`, scaled by the
/// least common multiple of its denominators.
fn transfer(stay: &Ratio, l: &Ratio, r: &Ratio, c: &Ratio) -> Transfer {
    let diag = Ratio::one() - stay;
    let mut s = BigInt::one();
    for v in [&diag, l, r, c] {
        s = s.lcm(v.denom());
    }
    let int = |v: &Ratio| (v.numer() * &s) / v.denom();
    let (d, l, r, c) = (int(&diag), int(l), int(r), int(c));
    let z = BigInt::zero();
    Transfer { a: z.clone(), b: r.clone(), c: z, d: -l, e: d, f: -c, g: r }
}

/// Solve `x = A x + c` on one strongly connected block (see [`super::solve`]) for unknown
/// `last` alone, when the block is path-shaped; `None` when it is not (or when the system is
/// singular, which the caller's solvers then report).
///
/// Complexity: `O(nnz)` to recognise the shape, then `O(M(b) log n)` for `n` unknowns whose
/// answer has `b` bits (`M` the cost of a `b`-bit multiplication), and one gcd.
pub(crate) fn solve_block(rows: &[Vec<(u32, Ratio)>], consts: &[Ratio], last: usize) -> Option<Ratio> {
    let k = rows.len();
    if k < 2 {
        return None;
    }
    let order = line_order(rows)?;
    let w = order.iter().position(|&i| i as usize == last)?;
    // The transfer matrices before the wanted unknown, and from it on.
    let (mut before, mut from) = (Vec::with_capacity(w), Vec::with_capacity(k - w));
    for (p, &i) in order.iter().enumerate() {
        let prev = p.checked_sub(1).map(|q| order[q]);
        let next = order.get(p + 1).copied();
        let (mut stay, mut l, mut r) = (Ratio::zero(), Ratio::zero(), Ratio::zero());
        for (j, a) in &rows[i as usize] {
            if *j == i {
                stay += a;
            } else if Some(*j) == prev {
                l += a;
            } else if Some(*j) == next {
                r += a;
            }
        }
        if next.is_some() && r.is_zero() {
            return None; // no edge forward: not strongly connected along the line
        }
        let t = transfer(&stay, &l, &r, &consts[i as usize]);
        if p < w { before.push(t) } else { from.push(t) }
    }
    let (lm, sm) = (product(before), product(from));
    // Lm·v_1 = L22·v_w with v_1 = (0, t, 1); Sm's middle row applied to it is 0.
    let alpha = &sm.d * &lm.b + &sm.e * &lm.e;
    if alpha.is_zero() {
        return None;
    }
    let beta = &sm.d * &lm.c + &sm.e * &lm.f + &sm.f * &lm.g;
    // t = −β/α, and x_w = (L11·t + L12) / L22.
    let mut numer = &lm.f * &alpha - &lm.e * &beta;
    let mut denom = &lm.g * &alpha;
    if denom.is_negative() {
        numer = -numer;
        denom = -denom;
    }
    let g = gcd(numer.magnitude(), denom.magnitude());
    if !g.is_one() {
        let g = BigInt::from(g);
        numer /= &g;
        denom /= &g;
    }
    Some(Ratio::new_raw(numer, denom))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probabilistic::ratio::ratio;

    /// The fair walk on 0..=n (n − 1 unknowns, the local numbering `perm`): x_i = i / n.
    fn fair_walk(n: u32, perm: &[u32]) -> (Vec<Vec<(u32, Ratio)>>, Vec<Ratio>) {
        let m = (n - 1) as usize;
        let mut rows = vec![Vec::new(); m];
        let mut rhs = vec![Ratio::zero(); m];
        for s in 1..n {
            let i = perm[(s - 1) as usize] as usize;
            if s > 1 {
                rows[i].push((perm[(s - 2) as usize], ratio(1, 2)));
            }
            if s + 1 < n {
                rows[i].push((perm[s as usize], ratio(1, 2)));
            } else {
                rhs[i] = ratio(1, 2);
            }
        }
        (rows, rhs)
    }

    #[test]
    fn a_fair_walk_is_i_over_n_from_any_unknown_in_any_numbering() {
        let perm = [3u32, 0, 4, 1, 2];
        let (rows, rhs) = fair_walk(6, &perm);
        for s in 1..6u32 {
            let x = solve_block(&rows, &rhs, perm[(s - 1) as usize] as usize);
            assert_eq!(x, Some(ratio(s as i64, 6)), "state {s}");
        }
    }

    #[test]
    fn gamblers_ruin_two_to_one() {
        // Up 2 : down 1 on 0..=n from 1: 2^(n−1) / (2^n − 1).
        let n = 40u32;
        let m = (n - 1) as usize;
        let mut rows = vec![Vec::new(); m];
        let mut rhs = vec![Ratio::zero(); m];
        for i in 0..m {
            if i > 0 {
                rows[i].push(((i - 1) as u32, ratio(1, 3)));
            }
            if i + 1 < m {
                rows[i].push(((i + 1) as u32, ratio(2, 3)));
            } else {
                rhs[i] = ratio(2, 3);
            }
        }
        let expected = Ratio::new(BigInt::one() << (n - 1), (BigInt::one() << n) - 1);
        assert_eq!(solve_block(&rows, &rhs, 0), Some(expected));
    }

    #[test]
    fn only_lines_are_taken() {
        // A ring of three, and a star of four.
        let ring = vec![vec![(1, ratio(1, 2))], vec![(2, ratio(1, 2))], vec![(0, ratio(1, 2))]];
        assert!(solve_block(&ring, &[ratio(1, 2), ratio(1, 2), ratio(1, 2)], 0).is_none());
        let h = ratio(1, 3);
        let star = vec![
            vec![(1, h.clone()), (2, h.clone()), (3, h.clone())],
            vec![(0, h.clone())],
            vec![(0, h.clone())],
            vec![(0, h.clone())],
        ];
        assert!(solve_block(&star, &[Ratio::zero(), h.clone(), h.clone(), h], 0).is_none());
    }

    #[test]
    fn a_closed_line_is_singular() {
        let rows = vec![vec![(1, ratio(1, 1))], vec![(0, ratio(1, 1))]];
        assert!(solve_block(&rows, &[Ratio::zero(), Ratio::zero()], 0).is_none());
    }

    #[test]
    fn products_associate() {
        let t = |v: i64| transfer(&ratio(1, 5), &ratio(v, 7), &ratio(2, 7), &ratio(v, 3));
        let ts: Vec<Transfer> = (1..8).map(t).collect();
        let mut by_one = Transfer::identity();
        for m in &ts {
            by_one = m.after(&by_one);
        }
        assert_eq!(product(ts), by_one);
    }
}
