//! An iterative floating-point solve of `(I − A) x = c` for systems whose sparse LU fills in
//! too much (a two-dimensional grid): BiCGSTAB preconditioned by a modified incomplete LU
//! factorisation (MILU(0): the factors keep the matrix's pattern, and what would fill in is
//! moved onto the diagonal, so the factors' row sums are the matrix's), all in flat (CSR)
//! storage. Like [`super::flu`] it only proposes: nothing it returns is trusted before the
//! floating-point mode's check ([`super::interval`]).
//!
//! On a `k × k` grid an incomplete factorisation that keeps row sums brings the iterations
//! from the order of `k` (plain or incomplete-LU preconditioning) down to about `√k`, and
//! every iteration is a few passes over the matrix, so a million unknowns take seconds and
//! memory linear in the matrix.

/// `I − A` by rows, columns sorted, the diagonal always present.
#[derive(Debug)]
pub(crate) struct Matrix {
    start: Vec<usize>,
    col: Vec<u32>,
    val: Vec<f64>,
    /// Index of each row's diagonal entry.
    diag: Vec<usize>,
}

impl Matrix {
    /// `I − A` for `A` given by rows `(start, col, val)` (duplicates summed).
    pub fn identity_minus(start: &[usize], col: &[u32], val: &[f64]) -> Matrix {
        let k = start.len() - 1;
        let mut m = Matrix {
            start: Vec::with_capacity(k + 1),
            col: Vec::with_capacity(col.len() + k),
            val: Vec::with_capacity(col.len() + k),
            diag: Vec::with_capacity(k),
        };
        m.start.push(0);
        let mut row: Vec<(u32, f64)> = Vec::new();
        for i in 0..k {
            row.clear();
            row.push((i as u32, 1.0));
            row.extend(
                col[start[i]..start[i + 1]].iter().zip(&val[start[i]..start[i + 1]]).map(|(&j, &a)| (j, -a)),
            );
            row.sort_unstable_by_key(|&(j, _)| j);
            let mut last = u32::MAX;
            for &(j, v) in &row {
                if j == last {
                    *m.val.last_mut().expect("an entry of this row") += v;
                } else {
                    if j as usize == i {
                        m.diag.push(m.col.len());
                    }
                    m.col.push(j);
                    m.val.push(v);
                    last = j;
                }
            }
            m.start.push(m.col.len());
        }
        m
    }

    pub fn len(&self) -> usize {
        self.diag.len()
    }

    /// `y = M x`.
    fn apply(&self, x: &[f64], y: &mut [f64]) {
        for (i, yi) in y.iter_mut().enumerate() {
            let (a, b) = (self.start[i], self.start[i + 1]);
            let mut s = 0.0;
            for (&j, &v) in self.col[a..b].iter().zip(&self.val[a..b]) {
                s += v * x[j as usize];
            }
            *yi = s;
        }
    }

    /// `r = b − M x`, and its largest magnitude.
    fn residual(&self, b: &[f64], x: &[f64], r: &mut [f64]) -> f64 {
        self.apply(x, r);
        let mut worst = 0.0f64;
        for (ri, bi) in r.iter_mut().zip(b) {
            *ri = bi - *ri;
            worst = worst.max(ri.abs());
        }
        worst
    }
}

/// The incomplete factors `L U ≈ M` in `M`'s pattern (`L` unit lower, stored below the
/// diagonal; `U` on and above it, the diagonal kept as its inverse).
#[derive(Debug)]
pub(crate) struct Milu {
    val: Vec<f64>,
    inv_diag: Vec<f64>,
}

/// MILU(0) of `m` (the fill's weight moved onto the diagonal, times `keep_rows`: 1 keeps the
/// row sums, 0 is plain ILU(0)). `None` when a pivot is not clearly positive.
fn milu(m: &Matrix, keep_rows: f64) -> Option<Milu> {
    let k = m.len();
    let mut lu = m.val.clone();
    let mut inv_diag = vec![0.0; k];
    let mut pos = vec![usize::MAX; k];
    for i in 0..k {
        let (a, b) = (m.start[i], m.start[i + 1]);
        for e in a..b {
            pos[m.col[e] as usize] = e;
        }
        let mut dropped = 0.0;
        for e in a..m.diag[i] {
            let r = m.col[e] as usize;
            let l = lu[e] * inv_diag[r];
            lu[e] = l;
            for f in m.diag[r] + 1..m.start[r + 1] {
                let update = l * lu[f];
                match pos[m.col[f] as usize] {
                    usize::MAX => dropped += update,
                    at => lu[at] -= update,
                }
            }
        }
        let d = m.diag[i];
        lu[d] -= keep_rows * dropped;
        if lu[d].is_nan() || lu[d] <= 1e-12 * m.val[d].abs() {
            return None;
        }
        inv_diag[i] = 1.0 / lu[d];
        for e in a..b {
            pos[m.col[e] as usize] = usize::MAX;
        }
    }
    Some(Milu { val: lu, inv_diag })
}

impl Milu {
    /// The preconditioner for `m`: MILU(0), or ILU(0) when a modified pivot fails.
    pub fn new(m: &Matrix) -> Option<Milu> {
        milu(m, 1.0).or_else(|| milu(m, 0.0))
    }

    /// `z = (L U)^{-1} r`.
    fn apply(&self, m: &Matrix, r: &[f64], z: &mut [f64]) {
        for i in 0..m.len() {
            let mut s = r[i];
            for e in m.start[i]..m.diag[i] {
                s -= self.val[e] * z[m.col[e] as usize];
            }
            z[i] = s;
        }
        for i in (0..m.len()).rev() {
            let mut s = z[i];
            for e in m.diag[i] + 1..m.start[i + 1] {
                s -= self.val[e] * z[m.col[e] as usize];
            }
            z[i] = s * self.inv_diag[i];
        }
    }
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn max_abs(a: &[f64]) -> f64 {
    a.iter().fold(0.0f64, |m, v| m.max(v.abs()))
}

/// BiCGSTAB gives up after this many iterations without a new least residual 2-norm.
const STALL: usize = 50;

/// Improve `x` towards `M x = b` by preconditioned BiCGSTAB until the residual's largest entry
/// is at most `tol`, its 2-norm stops falling (no new least in [`STALL`] iterations), or after
/// `max_iter` iterations in all; restarted (at most four runs) from the true residual when the
/// recurrence's residual drifted from it, and never left worse than it was given. Returns the
/// largest entry of the final true residual.
///
/// Complexity: per iteration two products with `M`, two preconditioner solves and a few
/// vector operations, all `O(nnz)`; memory nine vectors of `M`'s size.
pub(crate) fn bicgstab(m: &Matrix, pre: &Milu, b: &[f64], x: &mut [f64], tol: f64, max_iter: usize) -> f64 {
    let k = m.len();
    let mut r = vec![0.0; k];
    let mut worst = m.residual(b, x, &mut r);
    let (mut p, mut v, mut s, mut t) = (vec![0.0; k], vec![0.0; k], vec![0.0; k], vec![0.0; k]);
    let (mut p_hat, mut s_hat) = (vec![0.0; k], vec![0.0; k]);
    let mut iterations = 0;
    for _run in 0..4 {
        if worst <= tol || iterations >= max_iter {
            break;
        }
        let kept = x.to_vec();
        let r0 = r.clone();
        let (mut rho_old, mut alpha, mut omega) = (1.0f64, 1.0f64, 1.0f64);
        // Progress is judged by the residual's 2-norm, which falls more steadily.
        let (mut best, mut since_best) = (f64::INFINITY, 0);
        p.fill(0.0);
        v.fill(0.0);
        while iterations < max_iter {
            iterations += 1;
            let rho = dot(&r0, &r);
            if rho == 0.0 || !rho.is_finite() {
                break;
            }
            let beta = (rho / rho_old) * (alpha / omega);
            for ((pi, ri), vi) in p.iter_mut().zip(&r).zip(&v) {
                *pi = ri + beta * (*pi - omega * vi);
            }
            pre.apply(m, &p, &mut p_hat);
            m.apply(&p_hat, &mut v);
            let r0v = dot(&r0, &v);
            if r0v == 0.0 || !r0v.is_finite() {
                break;
            }
            alpha = rho / r0v;
            for ((si, ri), vi) in s.iter_mut().zip(&r).zip(&v) {
                *si = ri - alpha * vi;
            }
            if max_abs(&s) <= tol {
                for (xi, pi) in x.iter_mut().zip(&p_hat) {
                    *xi += alpha * pi;
                }
                break;
            }
            pre.apply(m, &s, &mut s_hat);
            m.apply(&s_hat, &mut t);
            let tt = dot(&t, &t);
            omega = if tt > 0.0 { dot(&t, &s) / tt } else { 0.0 };
            for ((xi, pi), si) in x.iter_mut().zip(&p_hat).zip(&s_hat) {
                *xi += alpha * pi + omega * si;
            }
            let (mut now, mut norm2) = (0.0f64, 0.0f64);
            for ((ri, si), ti) in r.iter_mut().zip(&s).zip(&t) {
                *ri = si - omega * ti;
                now = now.max(ri.abs());
                norm2 += *ri * *ri;
            }
            if norm2 < best {
                (best, since_best) = (norm2, 0);
            } else {
                since_best += 1;
            }
            if now <= tol || since_best >= STALL || omega == 0.0 || !omega.is_finite() {
                break;
            }
            rho_old = rho;
        }
        let before = worst;
        worst = m.residual(b, x, &mut r);
        if worst.is_nan() || worst >= before {
            x.copy_from_slice(&kept);
            return before;
        }
    }
    worst
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The symmetric walk on a `k × k` interior, absorbed at the border: `A` by rows and the
    /// right-hand side of "leave through the east side".
    fn grid(k: usize) -> (Vec<usize>, Vec<u32>, Vec<f64>, Vec<f64>) {
        let (mut start, mut col, mut val, mut c) = (vec![0], Vec::new(), Vec::new(), vec![0.0; k * k]);
        for y in 0..k {
            for x in 0..k {
                let i = y * k + x;
                for (dx, dy) in [(1i64, 0i64), (-1, 0), (0, 1), (0, -1)] {
                    let (nx, ny) = (x as i64 + dx, y as i64 + dy);
                    if (0..k as i64).contains(&nx) && (0..k as i64).contains(&ny) {
                        col.push((ny as usize * k + nx as usize) as u32);
                        val.push(0.25);
                    } else if nx == k as i64 {
                        c[i] += 0.25;
                    }
                }
                start.push(col.len());
            }
        }
        (start, col, val, c)
    }

    #[test]
    fn milu_keeps_row_sums() {
        let (start, col, val, _) = grid(6);
        let m = Matrix::identity_minus(&start, &col, &val);
        let pre = Milu::new(&m).unwrap();
        // (L U) 1 = M 1: applying (L U)^{-1} to M 1 gives back 1.
        let ones = vec![1.0; m.len()];
        let mut m1 = vec![0.0; m.len()];
        m.apply(&ones, &mut m1);
        let mut z = vec![0.0; m.len()];
        pre.apply(&m, &m1, &mut z);
        assert!(z.iter().all(|v| (v - 1.0).abs() < 1e-12), "{z:?}");
    }

    #[test]
    fn bicgstab_solves_a_grid() {
        let k = 30;
        let (start, col, val, c) = grid(k);
        let m = Matrix::identity_minus(&start, &col, &val);
        let pre = Milu::new(&m).unwrap();
        let mut x = vec![0.0; m.len()];
        let worst = bicgstab(&m, &pre, &c, &mut x, 1e-13, 1000);
        assert!(worst <= 1e-13, "{worst}");
        // By symmetry, top and bottom rows agree, and the east column is above the west one.
        assert!((x[k - 1] - x[(k - 1) * k + k - 1]).abs() < 1e-10);
        assert!(x[k - 1] > x[0]);
    }
}
