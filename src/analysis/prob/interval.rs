//! Sound interval iteration in floating point: a lower and an upper bound on a reachability
//! probability, both converging, for chains and MDPs past the exact solver's reach.
//!
//! As in Haddad–Monmege (2018) and Baier et al. (CAV 2017): states that reach the target with
//! probability 0 (and, for a chain, 1) are found on the graph and fixed; for a maximum, the
//! maximal end components among the remaining states are collapsed (a scheduler may stay in
//! one forever, which would leave the upper bound at 1); then the lower bound iterates up from
//! 0 and the upper bound down from 1, Gauss–Seidel, until they are within `epsilon` at the
//! initial state. Each transition probability is a pair of floats around the exact rational,
//! and every sum and product is rounded down for the lower bound and up for the upper one, so
//! `lower ≤ exact ≤ upper` holds for the exact answer of the same model at every step, not
//! only in the limit.
//!
//! For a chain the iteration starts from bounds that one approximate solve proposes and an
//! inductive check proves ([`certify`]); on most chains they are already within `epsilon`,
//! which spares the iteration's many sweeps (of the order of the squared diameter).

use std::collections::VecDeque;

use num_traits::{One, ToPrimitive};

use super::Optimize;
use super::chain::{Chain, Mdp};
use super::ratio::Ratio;
use super::round::{down, up};
use crate::analysis::scc::tarjan;

/// A probability enclosed by two floats: `lower ≤ p ≤ upper`.
///
/// What the question answers in floating point ([`Prob::reach_probability_float`](super::Prob::reach_probability_float)):
/// the bounds hold for the exact answer (the rational the exact questions return), whatever
/// the rounding, and the iteration stopped when `upper − lower ≤ epsilon` (or when neither
/// bound could move any further in floating point, then wider).
///
/// ```
/// use musil::probabilistic::{Interval, ratio};
/// let i = Interval { lower: 0.333, upper: 0.334 };
/// assert!(i.contains(&ratio(1, 3)));
/// assert_eq!(i.to_string(), "[0.333, 0.334]");
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Interval {
    /// A lower bound.
    pub lower: f64,
    /// An upper bound.
    pub upper: f64,
}

impl Interval {
    /// `upper − lower`.
    pub fn width(&self) -> f64 {
        self.upper - self.lower
    }

    /// The midpoint, the natural point estimate.
    pub fn midpoint(&self) -> f64 {
        self.lower + (self.upper - self.lower) / 2.0
    }

    /// Whether `exact` lies in the interval, compared exactly (the bounds by their binary
    /// values).
    pub fn contains(&self, exact: &Ratio) -> bool {
        match (Ratio::from_float(self.lower), Ratio::from_float(self.upper)) {
            (Some(lo), Some(hi)) => lo <= *exact && *exact <= hi,
            _ => false,
        }
    }

    fn point(v: f64) -> Self {
        Interval { lower: v, upper: v }
    }
}

impl std::fmt::Display for Interval {
    /// `[lower, upper]`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "[{}, {}]", self.lower, self.upper)
    }
}

/// An MDP (a chain: one choice per state) with each probability as a float interval.
pub(crate) struct FloatMdp {
    /// Choices of state `s`: `choice_start[s]..choice_start[s + 1]`; none is absorbing.
    choice_start: Vec<usize>,
    /// Entries of choice `c`: `entry_start[c]..entry_start[c + 1]`.
    entry_start: Vec<usize>,
    to: Vec<u32>,
    lo: Vec<f64>,
    hi: Vec<f64>,
}

/// Floats around an exact probability: the value itself twice when it is exact.
fn bounds(p: &Ratio) -> (f64, f64) {
    let v = p.to_f64().unwrap_or(f64::NAN);
    if p.is_one() {
        return (1.0, 1.0);
    }
    if Ratio::from_float(v).is_some_and(|r| r == *p) {
        return (v, v);
    }
    (down(v).max(0.0), up(v).min(1.0))
}

impl FloatMdp {
    fn new() -> Self {
        FloatMdp {
            choice_start: vec![0],
            entry_start: vec![0],
            to: Vec::new(),
            lo: Vec::new(),
            hi: Vec::new(),
        }
    }

    fn push_choice(&mut self, dist: &[(u32, Ratio)]) {
        for (t, p) in dist {
            let (lo, hi) = bounds(p);
            self.to.push(*t);
            self.lo.push(lo);
            self.hi.push(hi);
        }
        self.entry_start.push(self.to.len());
    }

    /// The chain, its absorbing states without a choice.
    pub fn from_chain(chain: &Chain) -> Self {
        let mut m = FloatMdp::new();
        for s in 0..chain.len() {
            let succ = chain.succ(s);
            if !succ.is_empty() {
                m.push_choice(succ);
            }
            m.choice_start.push(m.entry_start.len() - 1);
        }
        m
    }

    /// The MDP, absorbing moves dropped (a state with none is absorbing).
    pub fn from_mdp(mdp: &Mdp) -> Self {
        let mut m = FloatMdp::new();
        for moves in &mdp.moves {
            for mv in moves {
                if !mv.dist.is_empty() {
                    m.push_choice(&mv.dist);
                }
            }
            m.choice_start.push(m.entry_start.len() - 1);
        }
        m
    }

    fn len(&self) -> usize {
        self.choice_start.len() - 1
    }

    fn choices(&self, s: usize) -> std::ops::Range<usize> {
        self.choice_start[s]..self.choice_start[s + 1]
    }

    fn entries(&self, c: usize) -> std::ops::Range<usize> {
        self.entry_start[c]..self.entry_start[c + 1]
    }

    fn successors(&self, s: usize) -> impl Iterator<Item = usize> + '_ {
        self.choices(s).flat_map(move |c| self.entries(c).map(move |e| self.to[e] as usize))
    }
}

/// Which bound of a probability a question wants when there is a scheduler.
fn pick(opt: Option<Optimize>, a: f64, b: f64) -> f64 {
    match opt {
        Some(Optimize::Min) => a.min(b),
        _ => a.max(b),
    }
}

/// P(F target) at `init` (optimal under `opt` for an MDP), enclosed to within `epsilon`.
pub(crate) fn reach(
    m: &FloatMdp,
    init: usize,
    target: &[bool],
    opt: Option<Optimize>,
    epsilon: f64,
) -> Interval {
    let n = m.len();
    if target[init] {
        return Interval::point(1.0);
    }
    // The scope: what `init` reaches before a target.
    let mut in_scope = vec![false; n];
    in_scope[init] = true;
    let mut queue = VecDeque::from([init]);
    let mut scope = Vec::new();
    while let Some(s) = queue.pop_front() {
        scope.push(s as u32);
        if target[s] {
            continue;
        }
        for t in m.successors(s) {
            if !in_scope[t] {
                in_scope[t] = true;
                queue.push_back(t);
            }
        }
    }
    // Predecessors over the scope, flat.
    let mut pstart = vec![0usize; n + 1];
    for &s in &scope {
        if !target[s as usize] {
            for t in m.successors(s as usize) {
                pstart[t + 1] += 1;
            }
        }
    }
    for i in 0..n {
        pstart[i + 1] += pstart[i];
    }
    let mut fill = pstart.clone();
    let mut plist = vec![0u32; pstart[n]];
    for &s in &scope {
        if !target[s as usize] {
            for t in m.successors(s as usize) {
                plist[fill[t]] = s;
                fill[t] += 1;
            }
        }
    }
    let preds = |t: usize| &plist[pstart[t]..pstart[t + 1]];
    // Backward breadth-first distance from the target: the sweep order, and `reach`.
    let mut dist = vec![u32::MAX; n];
    let mut order: Vec<u32> = Vec::new();
    let mut queue: VecDeque<usize> = scope.iter().map(|&s| s as usize).filter(|&s| target[s]).collect();
    for &s in &queue {
        dist[s] = 0;
    }
    while let Some(t) = queue.pop_front() {
        if !target[t] {
            order.push(t as u32);
        }
        for &u in preds(t) {
            if dist[u as usize] == u32::MAX {
                dist[u as usize] = dist[t] + 1;
                queue.push_back(u as usize);
            }
        }
    }
    // Known values: target 1; probability 0 (cannot reach it, or, for a minimum, a scheduler
    // can avoid it forever); for a chain, probability 1 (cannot get stuck away from it).
    let mut lo = vec![0.0f64; n];
    let mut hi = vec![0.0f64; n];
    let mut unknown = vec![false; n];
    for &s in &order {
        unknown[s as usize] = true;
    }
    if opt == Some(Optimize::Min) {
        for s in avoiding_forever(m, &scope, target) {
            unknown[s] = false;
        }
    }
    for &s in &scope {
        let s = s as usize;
        if target[s] {
            lo[s] = 1.0;
            hi[s] = 1.0;
        } else if unknown[s] {
            hi[s] = 1.0;
        }
    }
    if opt.is_none() {
        // Fail: reaches, avoiding the target, a state of probability 0.
        let mut fail = vec![false; n];
        let mut stack: Vec<usize> =
            scope.iter().map(|&s| s as usize).filter(|&s| !target[s] && !unknown[s]).collect();
        for &s in &stack {
            fail[s] = true;
        }
        while let Some(t) = stack.pop() {
            for &u in preds(t) {
                if !fail[u as usize] && !target[u as usize] {
                    fail[u as usize] = true;
                    stack.push(u as usize);
                }
            }
        }
        for &s in &scope {
            let s = s as usize;
            if unknown[s] && !fail[s] {
                unknown[s] = false;
                lo[s] = 1.0;
                hi[s] = 1.0;
            }
        }
    }
    if !unknown[init] {
        return Interval { lower: lo[init], upper: hi[init] };
    }
    if opt.is_none() {
        certify(m, &scope, &unknown, init, epsilon, &mut lo, &mut hi);
        if hi[init] - lo[init] <= epsilon {
            return Interval { lower: lo[init], upper: hi[init] };
        }
    }
    // For a maximum, collapse the maximal end components among the unknown states: `rep[s]`
    // is the component's first member, whose value all members share; choices that stay
    // inside are dropped.
    let mut rep: Vec<u32> = (0..n as u32).collect();
    let mut members: Vec<Vec<u32>> = Vec::new();
    if opt == Some(Optimize::Max) {
        for c in end_components(m, &scope, &unknown) {
            let r = c[0];
            for &s in &c {
                rep[s as usize] = r;
            }
            members.push(c);
        }
    }
    // Units of the sweep: (representative, members range, collapsed end component?).
    let mut flat: Vec<u32> = Vec::new();
    let mut units: Vec<(u32, u32, u32, bool)> = Vec::new();
    {
        let mut collapsed = vec![false; n];
        for c in members {
            collapsed[c[0] as usize] = true;
            units.push((c[0], flat.len() as u32, (flat.len() + c.len()) as u32, true));
            flat.extend(c);
        }
        for &s in &order {
            if unknown[s as usize] && rep[s as usize] == s && !collapsed[s as usize] {
                units.push((s, flat.len() as u32, flat.len() as u32 + 1, false));
                flat.push(s);
            }
        }
        // Sweep closest to the target first.
        units.sort_by_key(|&(_, a, b, _)| {
            flat[a as usize..b as usize].iter().map(|&s| dist[s as usize]).min()
        });
    }
    let value = |s: usize, v: &[f64]| v[rep[s] as usize];
    let mut forward = true;
    loop {
        let mut moved = false;
        let mut sweep = |&(r, a, b, ec): &(u32, u32, u32, bool)| {
            let r = r as usize;
            let (mut best_lo, mut best_hi) = (f64::NAN, f64::NAN);
            for &s in &flat[a as usize..b as usize] {
                for ch in m.choices(s as usize) {
                    let mut stays = true;
                    let (mut l, mut h) = (0.0f64, 0.0f64);
                    for e in m.entries(ch) {
                        let t = m.to[e] as usize;
                        if rep[t] as usize != r {
                            stays = false;
                        }
                        l = down(l + down(m.lo[e] * value(t, &lo)));
                        h = up(h + up(m.hi[e] * value(t, &hi)));
                    }
                    if stays && ec {
                        continue; // inside a collapsed end component
                    }
                    let l = l.max(0.0);
                    let h = h.min(1.0);
                    best_lo = if best_lo.is_nan() { l } else { pick(opt, best_lo, l) };
                    best_hi = if best_hi.is_nan() { h } else { pick(opt, best_hi, h) };
                }
            }
            if best_lo.is_nan() {
                return;
            }
            // Keep the bounds monotone: both old and new are bounds.
            if best_lo > lo[r] {
                lo[r] = best_lo;
                moved = true;
            }
            if best_hi < hi[r] {
                hi[r] = best_hi;
                moved = true;
            }
        };
        if forward {
            units.iter().for_each(&mut sweep);
        } else {
            units.iter().rev().for_each(&mut sweep);
        }
        forward = !forward;
        let (l, h) = (value(init, &lo), value(init, &hi));
        if h - l <= epsilon || !moved {
            return Interval { lower: l, upper: h };
        }
    }
}

/// A chain's bounds from one approximate solve, then checked: with `x̂` an approximate
/// solution ([`approximate`]) and `ŵ` one of `(I − A) ŵ = 1` (the expected time to leave the
/// undecided states), `u = x̂ − δŵ` and `v = x̂ + δŵ` for a `δ` covering the residual. If every
/// row satisfies `u ≤ F(u)` and `F(v) ≤ v` with `F(x) = A x + c` evaluated rounded outward
/// (down from the lower probability brackets for `u`, up from the upper ones for `v`), then `u`
/// and `v` bound the exact answer: `I − A` is a non-singular M-matrix on the undecided states,
/// so `F` has one fixed point and iterating it from `u` rises to it, from `v` falls to it (the
/// inductive bounds of optimistic value iteration, Hartmanns–Kaminski 2020). Otherwise nothing
/// is changed and interval iteration starts from 0 and 1. The bounds rest on this check
/// alone, whatever solver proposed `x̂` and `ŵ`.
fn certify(
    m: &FloatMdp,
    scope: &[u32],
    unknown: &[bool],
    init: usize,
    epsilon: f64,
    lo: &mut [f64],
    hi: &mut [f64],
) {
    let n = m.len();
    let states: Vec<usize> = scope.iter().map(|&s| s as usize).filter(|&s| unknown[s]).collect();
    let k = states.len();
    let mut local = vec![u32::MAX; n];
    for (i, &s) in states.iter().enumerate() {
        local[s] = i as u32;
    }
    // A on the undecided states by rows (the brackets' midpoints), and c.
    let mut a = Rows { start: Vec::with_capacity(k + 1), col: Vec::new(), val: Vec::new() };
    a.start.push(0);
    let mut c = vec![0.0f64; k];
    for (i, &s) in states.iter().enumerate() {
        for ch in m.choices(s) {
            for e in m.entries(ch) {
                let t = m.to[e] as usize;
                let p = m.lo[e] + (m.hi[e] - m.lo[e]) / 2.0;
                if local[t] != u32::MAX {
                    a.col.push(local[t]);
                    a.val.push(p);
                } else {
                    c[i] += p * lo[t];
                }
            }
        }
        a.start.push(a.col.len());
    }
    let Some((mut x, w)) = approximate(&a, &c, local[init] as usize, epsilon) else { return };
    for v in &mut x {
        *v = v.clamp(0.0, 1.0);
    }
    let mut delta = 0.0f64;
    for i in 0..k {
        let (mut fx, mut fw) = (c[i], 0.0);
        for e in a.start[i]..a.start[i + 1] {
            let j = a.col[e] as usize;
            fx += a.val[e] * x[j];
            fw += a.val[e] * w[j];
        }
        let g = w[i] - fw;
        if g.is_nan() || g <= 0.0 || !w[i].is_finite() {
            return;
        }
        delta = delta.max((x[i] - fx).abs() / g);
    }
    drop(a);
    delta = delta * 4.0 + f64::MIN_POSITIVE;
    // F(y) at state `s`, rounded down (`upper` false) or up, from the brackets.
    let f_at = |s: usize, y: &[f64], upper: bool| -> f64 {
        let mut acc = 0.0f64;
        for ch in m.choices(s) {
            for e in m.entries(ch) {
                let t = m.to[e] as usize;
                let yt = if local[t] != u32::MAX { y[local[t] as usize] } else { lo[t] };
                acc = if upper { up(acc + up(m.hi[e] * yt)) } else { down(acc + down(m.lo[e] * yt)) };
            }
        }
        acc
    };
    for _ in 0..6 {
        let u: Vec<f64> = (0..k).map(|i| down(x[i] - up(delta * w[i])).max(0.0)).collect();
        let v: Vec<f64> = (0..k).map(|i| up(x[i] + up(delta * w[i])).min(1.0)).collect();
        let ok = states.iter().enumerate().all(|(i, &s)| {
            (u[i] == 0.0 || f_at(s, &u, false) >= u[i]) && (v[i] == 1.0 || f_at(s, &v, true) <= v[i])
        });
        if ok {
            for (i, &s) in states.iter().enumerate() {
                lo[s] = u[i];
                hi[s] = v[i];
            }
            return;
        }
        delta *= 16.0;
    }
}

/// A sparse matrix by rows: row `i`'s entries are `start[i]..start[i + 1]` of `col`, `val`.
struct Rows {
    start: Vec<usize>,
    col: Vec<u32>,
    val: Vec<f64>,
}

/// The sparse LU is tried first while its factors stay within this many times the matrix's
/// entries and unknowns: a chain, a tree or any block that fills in as little passes; a grid
/// does not, and the attempt costs little (1.4 s of the 19 s a million-state grid takes; with
/// three times the budget it took 4.1 s and 250 MiB more).
const LU_FILL_FACTOR: usize = 1;

/// The sparse LU's fill when the iterative solve did not converge (memory: 12 bytes each).
const LU_FILL_MAX: usize = 200_000_000;

/// The iterative solve stops after this many iterations.
const KRYLOV_MAX_ITER: usize = 5_000;

/// Approximate solutions of `x = A x + c` and of `w = A w + 1`, for [`certify`] to check.
///
/// A sparse LU ([`flu`](super::flu)) where it fills in little; else BiCGSTAB preconditioned
/// by MILU(0) ([`krylov`](super::krylov)), `w` to a loose residual (it only needs
/// `(I − A) w ≈ 1` to keep every row's slack positive) and `x` to a residual a million times
/// below what an interval `epsilon` wide at unknown `at` needs (the width is about
/// `11·|r|·w_at`), or as far as floating point goes; if it does not get below the need, a
/// sparse LU with a large budget. `None` when nothing produced a candidate.
fn approximate(a: &Rows, c: &[f64], at: usize, epsilon: f64) -> Option<(Vec<f64>, Vec<f64>)> {
    let k = c.len();
    let by_lu = |max_fill: usize| -> Option<(Vec<f64>, Vec<f64>)> {
        let rows: Vec<Vec<(u32, f64)>> = (0..k)
            .map(|i| {
                let r = a.start[i]..a.start[i + 1];
                a.col[r.clone()].iter().copied().zip(a.val[r].iter().copied()).collect()
            })
            .collect();
        let lu = super::flu::factor(rows, max_fill)?;
        let mut x = c.to_vec();
        lu.solve(&mut x);
        let mut w = vec![1.0f64; k];
        lu.solve(&mut w);
        Some((x, w))
    };
    if let Some(xw) = by_lu(LU_FILL_FACTOR * (a.col.len() + k)) {
        return Some(xw);
    }
    let mtx = super::krylov::Matrix::identity_minus(&a.start, &a.col, &a.val);
    let Some(pre) = super::krylov::Milu::new(&mtx) else { return by_lu(LU_FILL_MAX) };
    let mut w = vec![0.0f64; k];
    let w_reached = super::krylov::bicgstab(&mtx, &pre, &vec![1.0; k], &mut w, 0.25, KRYLOV_MAX_ITER);
    let need = epsilon / (32.0 * w[at].max(1.0));
    let mut x = vec![0.0f64; k];
    let reached = super::krylov::bicgstab(&mtx, &pre, c, &mut x, need * 1e-6, KRYLOV_MAX_ITER);
    if w_reached <= 0.5 && reached <= need {
        return Some((x, w));
    }
    drop((mtx, pre));
    by_lu(LU_FILL_MAX).or(Some((x, w)))
}

/// The states where a scheduler can avoid the target forever (minimal probability 0): the
/// greatest set of non-target scope states each with a choice (or no choice) staying in it.
fn avoiding_forever(m: &FloatMdp, scope: &[u32], target: &[bool]) -> Vec<usize> {
    let n = m.len();
    let mut inside = vec![false; n];
    for &s in scope {
        inside[s as usize] = !target[s as usize];
    }
    loop {
        let mut changed = false;
        for &s in scope {
            let s = s as usize;
            if !inside[s] || m.choices(s).is_empty() {
                continue;
            }
            let stays = m.choices(s).any(|c| m.entries(c).all(|e| inside[m.to[e] as usize]));
            if !stays {
                inside[s] = false;
                changed = true;
            }
        }
        if !changed {
            return scope.iter().map(|&s| s as usize).filter(|&s| inside[s]).collect();
        }
    }
}

/// The maximal end components among the `unknown` states (each sorted, with at least one
/// choice staying inside it), by repeated strongly-connected refinement.
fn end_components(m: &FloatMdp, scope: &[u32], unknown: &[bool]) -> Vec<Vec<u32>> {
    let n = m.len();
    let mut alive: Vec<bool> = unknown.to_vec();
    let mut comp_of = vec![usize::MAX; n];
    loop {
        // Edges of choices that stay among the alive states.
        fn staying<'x>(m: &'x FloatMdp, s: usize, alive: &'x [bool]) -> impl Iterator<Item = usize> + 'x {
            m.choices(s).filter(move |&c| m.entries(c).all(|e| alive[m.to[e] as usize]))
        }
        let roots: Vec<usize> = scope.iter().map(|&s| s as usize).filter(|&s| alive[s]).collect();
        let comps = tarjan(
            n,
            roots.iter().copied(),
            |v| alive[v],
            |v, out| {
                for c in staying(m, v, &alive) {
                    out.extend(m.entries(c).map(|e| m.to[e] as usize));
                }
            },
        );
        for (i, c) in comps.iter().enumerate() {
            for &v in c {
                comp_of[v] = i;
            }
        }
        let mut changed = false;
        for &s in &roots {
            let inner =
                staying(m, s, &alive).any(|c| m.entries(c).all(|e| comp_of[m.to[e] as usize] == comp_of[s]));
            if !inner {
                alive[s] = false;
                changed = true;
            }
        }
        if !changed {
            let mut out: Vec<Vec<u32>> = comps
                .into_iter()
                .filter(|c| c.iter().all(|&v| alive[v]))
                .map(|c| {
                    let mut c: Vec<u32> = c.into_iter().map(|v| v as u32).collect();
                    c.sort_unstable();
                    c
                })
                .collect();
            out.sort_unstable_by_key(|c| c[0]);
            return out;
        }
    }
}

/// P(target within `steps`) at `init`, optimal under `opt`: exactly `steps` rounds, each
/// rounded outward.
pub(crate) fn bounded_reach(
    m: &FloatMdp,
    init: usize,
    target: &[bool],
    steps: usize,
    opt: Option<Optimize>,
) -> Interval {
    let n = m.len();
    let mut lo: Vec<f64> = (0..n).map(|s| if target[s] { 1.0 } else { 0.0 }).collect();
    let mut hi = lo.clone();
    for _ in 0..steps {
        let (mut nlo, mut nhi) = (lo.clone(), hi.clone());
        for s in 0..n {
            if target[s] || m.choices(s).is_empty() {
                continue;
            }
            let (mut bl, mut bh) = (f64::NAN, f64::NAN);
            for c in m.choices(s) {
                let (mut l, mut h) = (0.0f64, 0.0f64);
                for e in m.entries(c) {
                    let t = m.to[e] as usize;
                    l = down(l + down(m.lo[e] * lo[t]));
                    h = up(h + up(m.hi[e] * hi[t]));
                }
                let (l, h) = (l.max(0.0), h.min(1.0));
                bl = if bl.is_nan() { l } else { pick(opt, bl, l) };
                bh = if bh.is_nan() { h } else { pick(opt, bh, h) };
            }
            nlo[s] = bl;
            nhi[s] = bh;
        }
        lo = nlo;
        hi = nhi;
    }
    Interval { lower: lo[init], upper: hi[init] }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probabilistic::ratio::ratio;

    #[test]
    fn an_interval_contains_exactly() {
        let third = Interval { lower: 1.0 / 3.0, upper: 1.0 / 3.0 };
        assert!(!third.contains(&ratio(1, 3)));
        let wide = Interval { lower: down(1.0 / 3.0), upper: up(1.0 / 3.0) };
        assert!(wide.contains(&ratio(1, 3)));
        assert_eq!(bounds(&ratio(1, 4)), (0.25, 0.25));
        let (l, h) = bounds(&ratio(1, 3));
        assert!(l < h && Interval { lower: l, upper: h }.contains(&ratio(1, 3)));
    }

    /// `A` and `c` of the symmetric walk on a `k × k` interior, absorbed at the border,
    /// towards the east side.
    fn grid(k: usize) -> (Rows, Vec<f64>) {
        let mut a = Rows { start: vec![0], col: Vec::new(), val: Vec::new() };
        let mut c = vec![0.0; k * k];
        for y in 0..k {
            for x in 0..k {
                for (dx, dy) in [(1i64, 0i64), (-1, 0), (0, 1), (0, -1)] {
                    let (nx, ny) = (x as i64 + dx, y as i64 + dy);
                    if (0..k as i64).contains(&nx) && (0..k as i64).contains(&ny) {
                        a.col.push((ny as usize * k + nx as usize) as u32);
                        a.val.push(0.25);
                    } else if nx == k as i64 {
                        c[y * k + x] += 0.25;
                    }
                }
                a.start.push(a.col.len());
            }
        }
        (a, c)
    }

    #[test]
    fn a_grid_is_solved_iteratively_to_what_epsilon_needs() {
        let k = 30;
        let (a, c) = grid(k);
        let rows: Vec<Vec<(u32, f64)>> = (0..k * k)
            .map(|i| (a.start[i]..a.start[i + 1]).map(|e| (a.col[e], a.val[e])).collect())
            .collect();
        // The sparse LU fills in past its budget here.
        assert!(super::super::flu::factor(rows, LU_FILL_FACTOR * (a.col.len() + k * k)).is_none());
        let (x, w) = approximate(&a, &c, 0, 1e-9).unwrap();
        let need = 1e-9 / (32.0 * w[0].max(1.0));
        for i in 0..k * k {
            let (mut ax, mut aw) = (c[i], 0.0);
            for e in a.start[i]..a.start[i + 1] {
                ax += a.val[e] * x[a.col[e] as usize];
                aw += a.val[e] * w[a.col[e] as usize];
            }
            assert!((x[i] - ax).abs() <= need, "row {i}: residual {}", x[i] - ax);
            assert!((w[i] - aw - 1.0).abs() <= 0.5, "row {i}: w's residual {}", w[i] - aw - 1.0);
        }
    }
}
