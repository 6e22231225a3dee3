//! Sparse LU in floating point for `x = A x + c` (`A ≥ 0`), in the exact solver's Markowitz
//! order: the fast approximate solve that the floating-point mode then certifies
//! ([`super::interval`]); nothing it returns is trusted without that check.

type Map<K, V> = hashbrown::HashMap<K, V, foldhash::fast::FixedState>;
type Set<K> = hashbrown::HashSet<K, foldhash::fast::FixedState>;

/// The factorisation: `solve` overwrites a right-hand side `c` with `x`.
pub(crate) struct FloatLu {
    order: Vec<u32>,
    inv: Vec<f64>,
    l_start: Vec<usize>,
    l_idx: Vec<u32>,
    l_val: Vec<f64>,
    u_start: Vec<usize>,
    u_idx: Vec<u32>,
    u_val: Vec<f64>,
}

/// Factor `I − A` for rows `rows[i] = [(j, a_ij)]` (duplicates summed), eliminating the
/// cheapest unknown first (fewest predecessors × successors). `None` on a pivot that is not
/// positive, or past `max_fill` stored entries.
pub(crate) fn factor(rows: Vec<Vec<(u32, f64)>>, max_fill: usize) -> Option<FloatLu> {
    let k = rows.len();
    let mut coef: Vec<Map<u32, f64>> = Vec::with_capacity(k);
    let mut preds: Vec<Set<u32>> = vec![Set::default(); k];
    for (i, row) in rows.into_iter().enumerate() {
        let mut m: Map<u32, f64> = Map::default();
        for (j, a) in row {
            if a == 0.0 {
                continue;
            }
            if j as usize != i {
                preds[j as usize].insert(i as u32);
            }
            *m.entry(j).or_insert(0.0) += a;
        }
        coef.push(m);
    }
    let out_degree = |coef: &[Map<u32, f64>], v: usize| {
        coef[v].len() as u64 - u64::from(coef[v].contains_key(&(v as u32)))
    };
    let markowitz =
        |preds: &[Set<u32>], coef: &[Map<u32, f64>], v: usize| preds[v].len() as u64 * out_degree(coef, v);
    let mut cost: Vec<u64> = (0..k).map(|v| markowitz(&preds, &coef, v)).collect();
    let mut heap: std::collections::BinaryHeap<std::cmp::Reverse<(u64, u32)>> =
        cost.iter().enumerate().map(|(v, &c)| std::cmp::Reverse((c, v as u32))).collect();
    let mut alive = vec![true; k];
    let mut f = FloatLu {
        order: Vec::with_capacity(k),
        inv: Vec::with_capacity(k),
        l_start: vec![0],
        l_idx: Vec::new(),
        l_val: Vec::new(),
        u_start: vec![0],
        u_idx: Vec::new(),
        u_val: Vec::new(),
    };
    while let Some(std::cmp::Reverse((c, p))) = heap.pop() {
        let p = p as usize;
        if !alive[p] || c != cost[p] {
            continue;
        }
        alive[p] = false;
        let mut row = std::mem::take(&mut coef[p]);
        let stay = row.remove(&(p as u32)).unwrap_or(0.0);
        let pivot = 1.0 - stay;
        if pivot.is_nan() || pivot <= 0.0 {
            return None;
        }
        let inv = 1.0 / pivot;
        for a in row.values_mut() {
            *a *= inv;
        }
        let mut users: Vec<u32> = std::mem::take(&mut preds[p]).into_iter().collect();
        users.sort_unstable();
        for &u in &users {
            let u = u as usize;
            let Some(a_up) = coef[u].remove(&(p as u32)) else { continue };
            f.l_idx.push(u as u32);
            f.l_val.push(a_up * inv);
            for (&j, &a_pj) in &row {
                match coef[u].entry(j) {
                    hashbrown::hash_map::Entry::Occupied(mut e) => *e.get_mut() += a_up * a_pj,
                    hashbrown::hash_map::Entry::Vacant(e) => {
                        e.insert(a_up * a_pj);
                        if j as usize != u {
                            preds[j as usize].insert(u as u32);
                        }
                    }
                }
            }
        }
        let mut row: Vec<(u32, f64)> = row.into_iter().collect();
        row.sort_unstable_by_key(|&(j, _)| j);
        for &(j, a) in &row {
            preds[j as usize].remove(&(p as u32));
            f.u_idx.push(j);
            f.u_val.push(a);
        }
        if f.l_idx.len() + f.u_idx.len() > max_fill {
            return None;
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
        f.order.push(p as u32);
        f.inv.push(inv);
        f.l_start.push(f.l_idx.len());
        f.u_start.push(f.u_idx.len());
    }
    Some(f)
}

impl FloatLu {
    /// Overwrite `c` with the (approximate) solution of `x = A x + c`.
    pub fn solve(&self, c: &mut [f64]) {
        for ((&t, &inv), w) in self.order.iter().zip(&self.inv).zip(self.l_start.windows(2)) {
            let raw = c[t as usize];
            c[t as usize] = raw * inv;
            if raw != 0.0 {
                for (&u, &a) in self.l_idx[w[0]..w[1]].iter().zip(&self.l_val[w[0]..w[1]]) {
                    c[u as usize] += a * raw;
                }
            }
        }
        for (&t, w) in self.order.iter().zip(self.u_start.windows(2)).rev() {
            let mut v = c[t as usize];
            for (&j, &a) in self.u_idx[w[0]..w[1]].iter().zip(&self.u_val[w[0]..w[1]]) {
                v += a * c[j as usize];
            }
            c[t as usize] = v;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fair_walk_solves_to_i_over_n() {
        let rows: Vec<Vec<(u32, f64)>> = (0..4u32)
            .map(|i| {
                let mut r = Vec::new();
                if i > 0 {
                    r.push((i - 1, 0.5));
                }
                if i < 3 {
                    r.push((i + 1, 0.5));
                }
                r
            })
            .collect();
        let lu = factor(rows, usize::MAX).unwrap();
        let mut c = vec![0.0, 0.0, 0.0, 0.5];
        lu.solve(&mut c);
        for (i, x) in c.iter().enumerate() {
            assert!((x - (i + 1) as f64 / 5.0).abs() < 1e-15);
        }
    }
}
