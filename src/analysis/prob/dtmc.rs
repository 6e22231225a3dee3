//! Markov-chain analyses over a fixed chain: reachability (probability-0/1 pre-computation,
//! then one sparse solve), step-bounded reachability and expectation, the transient
//! distribution, and long-run averages through bottom strongly connected components.
//!
//! Only the states reachable from the initial state with positive probability take part in a
//! solve (the answer at the initial state depends on no other), which also keeps every system
//! non-singular.

use std::collections::VecDeque;

use num_traits::{One, Zero};

use super::arith::{add, add_product, dot};
use super::chain::Chain;
use super::ratio::Ratio;
use super::solve::{Singular, System};
use crate::error::Error;
use crate::scc::tarjan;

/// The states reachable from `init` over `succ` without leaving a `stop` state (the question
/// ends there: a target, say), in graph order.
pub(crate) fn scope_from<'c>(
    n: usize,
    init: usize,
    succ: impl Fn(usize) -> &'c [(u32, Ratio)],
    stop: impl Fn(usize) -> bool,
) -> Vec<u32> {
    let mut seen = vec![false; n];
    seen[init] = true;
    let mut queue = VecDeque::from([init]);
    while let Some(s) = queue.pop_front() {
        if stop(s) {
            continue;
        }
        for &(t, _) in succ(s) {
            if !seen[t as usize] {
                seen[t as usize] = true;
                queue.push_back(t as usize);
            }
        }
    }
    (0..n as u32).filter(|&s| seen[s as usize]).collect()
}

/// Predecessor lists over the scope's edges, flat.
struct Preds {
    start: Vec<usize>,
    list: Vec<u32>,
}

impl Preds {
    fn new<'c>(n: usize, scope: &[u32], succ: &impl Fn(usize) -> &'c [(u32, Ratio)]) -> Self {
        let mut start = vec![0usize; n + 1];
        for &s in scope {
            for &(t, _) in succ(s as usize) {
                start[t as usize + 1] += 1;
            }
        }
        for i in 0..n {
            start[i + 1] += start[i];
        }
        let mut fill = start.clone();
        let mut list = vec![0u32; start[n]];
        for &s in scope {
            for &(t, _) in succ(s as usize) {
                list[fill[t as usize]] = s;
                fill[t as usize] += 1;
            }
        }
        Preds { start, list }
    }

    fn of(&self, t: usize) -> &[u32] {
        &self.list[self.start[t]..self.start[t + 1]]
    }

    /// Mark everything that reaches a marked state through states where `through` holds.
    fn close_backward(&self, mark: &mut [bool], scope: &[u32], through: impl Fn(usize) -> bool) {
        let mut stack: Vec<u32> = scope.iter().copied().filter(|&s| mark[s as usize]).collect();
        while let Some(t) = stack.pop() {
            for &u in self.of(t as usize) {
                if !mark[u as usize] && through(u as usize) {
                    mark[u as usize] = true;
                    stack.push(u);
                }
            }
        }
    }
}

/// Whether `init` reaches the target almost surely: it cannot reach, without passing
/// through the target, a state from which the target is unreachable. Graph only.
pub(crate) fn almost_surely<'c>(
    n: usize,
    scope: &[u32],
    succ: impl Fn(usize) -> &'c [(u32, Ratio)],
    target: &[bool],
    init: usize,
) -> bool {
    let (_, fail) = reach_and_fail(n, scope, &succ, target);
    target[init] || !fail[init]
}

/// Per scope state: whether it can reach the target (`reach`), and whether it can end up,
/// without passing through the target, somewhere the target is out of reach (`fail`).
fn reach_and_fail<'c>(
    n: usize,
    scope: &[u32],
    succ: impl Fn(usize) -> &'c [(u32, Ratio)],
    target: &[bool],
) -> (Vec<bool>, Vec<bool>) {
    let preds = Preds::new(n, scope, &succ);
    let mut reach = vec![false; n];
    for &s in scope {
        reach[s as usize] = target[s as usize];
    }
    preds.close_backward(&mut reach, scope, |_| true);
    let mut fail = vec![false; n];
    for &s in scope {
        fail[s as usize] = !reach[s as usize];
    }
    preds.close_backward(&mut fail, scope, |u| !target[u]);
    (reach, fail)
}

/// P(F target) of every scope state (0 outside the scope). Target states are 1, states that
/// cannot reach the target are 0, states that cannot avoid it forever are 1 (all found on the
/// graph), and the rest are one exact solve.
pub(crate) fn reach_values<'c>(
    n: usize,
    scope: &[u32],
    succ: impl Fn(usize) -> &'c [(u32, Ratio)],
    target: &[bool],
) -> Result<Vec<Ratio>, Singular> {
    let (mut values, unknown, system) = reach_system(n, scope, succ, target);
    if !unknown.is_empty() {
        for (s, x) in unknown.into_iter().zip(system.solve()?) {
            values[s as usize] = x;
        }
    }
    Ok(values)
}

/// P(F target) from `init` alone (`init` in the scope): only what it depends on is solved.
pub(crate) fn reach_value_at<'c>(
    n: usize,
    scope: &[u32],
    succ: impl Fn(usize) -> &'c [(u32, Ratio)],
    target: &[bool],
    init: usize,
) -> Result<Ratio, Singular> {
    let (mut values, unknown, system) = reach_system(n, scope, succ, target);
    match unknown.iter().position(|&s| s as usize == init) {
        Some(i) => system.solve_one(i),
        None => Ok(std::mem::take(&mut values[init])),
    }
}

/// The graph part of reachability: the known values (targets and probability-1 states 1, the
/// rest 0 so far), the unknown states in graph order, and their system.
fn reach_system<'c>(
    n: usize,
    scope: &[u32],
    succ: impl Fn(usize) -> &'c [(u32, Ratio)],
    target: &[bool],
) -> (Vec<Ratio>, Vec<u32>, System) {
    let (reach, fail) = reach_and_fail(n, scope, &succ, target);

    let mut values = vec![Ratio::zero(); n];
    let mut local = vec![u32::MAX; n];
    let mut unknown: Vec<u32> = Vec::new();
    for &s in scope {
        let s = s as usize;
        if target[s] || (reach[s] && !fail[s]) {
            values[s] = Ratio::one();
        } else if reach[s] {
            local[s] = unknown.len() as u32;
            unknown.push(s as u32);
        }
    }
    let mut system = System::with_unknowns(unknown.len());
    for (i, &s) in unknown.iter().enumerate() {
        for (t, p) in succ(s as usize) {
            let t = *t as usize;
            if local[t] != u32::MAX {
                system.rows[i].push((local[t], p.clone()));
            } else if values[t].is_one() {
                system.rhs[i] += p;
            }
        }
    }
    (values, unknown, system)
}

/// P(reach target within `steps`) at `init`: exactly `steps` backward rounds.
pub(crate) fn bounded_reach(
    chain: &Chain,
    scope: &[u32],
    init: usize,
    target: &[bool],
    steps: usize,
) -> Ratio {
    bounded_reach_by(chain.len(), scope, init, target, steps, |s, v| {
        dot(chain.succ(s).iter().map(|(t, p)| (p, &v[*t as usize])))
    })
}

/// P(target within `steps` steps) at `init` by value iteration, where `step(s, v)` is the value
/// of a non-target state `s` one step before `v` (a chain's expectation, an MDP's best move).
pub(crate) fn bounded_reach_by(
    n: usize,
    scope: &[u32],
    init: usize,
    target: &[bool],
    steps: usize,
    step: impl Fn(usize, &[Ratio]) -> Ratio,
) -> Ratio {
    let mut v: Vec<Ratio> = (0..n).map(|s| if target[s] { Ratio::one() } else { Ratio::zero() }).collect();
    for _ in 0..steps {
        let mut next = vec![Ratio::zero(); n];
        for &s in scope {
            let s = s as usize;
            next[s] = if target[s] { Ratio::one() } else { step(s, &v) };
        }
        v = next;
    }
    std::mem::take(&mut v[init])
}

/// E[cost accumulated until the target or `steps` steps, whichever first] at `init`.
pub(crate) fn bounded_expectation(
    chain: &Chain,
    scope: &[u32],
    init: usize,
    target: &[bool],
    immediate: &[Ratio],
    steps: usize,
) -> Ratio {
    let n = chain.len();
    let mut e = vec![Ratio::zero(); n];
    for _ in 0..steps {
        let mut next = vec![Ratio::zero(); n];
        for &s in scope {
            let s = s as usize;
            if !target[s] {
                next[s] =
                    chain.succ(s).iter().map(|(t, p)| p * &e[*t as usize]).sum::<Ratio>() + &immediate[s];
            }
        }
        e = next;
    }
    std::mem::take(&mut e[init])
}

/// The distribution after exactly `steps` steps from `init`, over every state.
pub(crate) fn transient(chain: &Chain, init: usize, steps: usize) -> Vec<Ratio> {
    let n = chain.len();
    let mut pi = vec![Ratio::zero(); n];
    pi[init] = Ratio::one();
    for _ in 0..steps {
        let mut next = vec![Ratio::zero(); n];
        for (s, mass) in pi.iter().enumerate() {
            if mass.is_zero() {
                continue;
            }
            let succ = chain.succ(s);
            if succ.is_empty() {
                next[s] = add(&next[s], mass);
            } else {
                for (t, p) in succ {
                    add_product(&mut next[*t as usize], mass, p);
                }
            }
        }
        pi = next;
    }
    pi
}

/// E[cost until the target] at `init` when the target is reached almost surely from every
/// scope state: `E = ic + P·E` over the non-target scope states.
pub(crate) fn expectation(
    chain: &Chain,
    scope: &[u32],
    init: usize,
    target: &[bool],
    immediate: &[Ratio],
) -> Result<Ratio, Singular> {
    let n = chain.len();
    let mut local = vec![u32::MAX; n];
    let unknown: Vec<u32> = scope.iter().copied().filter(|&s| !target[s as usize]).collect();
    for (i, &s) in unknown.iter().enumerate() {
        local[s as usize] = i as u32;
    }
    let mut system = System::with_unknowns(unknown.len());
    for (i, &s) in unknown.iter().enumerate() {
        system.rhs[i] = immediate[s as usize].clone();
        for (t, p) in chain.succ(s as usize) {
            if !target[*t as usize] {
                system.rows[i].push((local[*t as usize], p.clone()));
            }
        }
    }
    system.solve_one(local[init] as usize)
}

/// The bottom strongly connected components among the scope states, each in graph order,
/// ordered by their first state.
pub(crate) fn bottom_components<'c>(
    n: usize,
    scope: &[u32],
    succ: impl Fn(usize) -> &'c [(u32, Ratio)],
) -> Vec<Vec<u32>> {
    let mut in_scope = vec![false; n];
    for &s in scope {
        in_scope[s as usize] = true;
    }
    let comps = tarjan(
        n,
        scope.iter().map(|&s| s as usize),
        |v| in_scope[v],
        |v, out| out.extend(succ(v).iter().map(|&(t, _)| t as usize)),
    );
    let mut comp_of = vec![usize::MAX; n];
    for (ci, c) in comps.iter().enumerate() {
        for &v in c {
            comp_of[v] = ci;
        }
    }
    let mut bottom: Vec<Vec<u32>> = comps
        .iter()
        .enumerate()
        .filter(|(ci, c)| c.iter().all(|&v| succ(v).iter().all(|&(t, _)| comp_of[t as usize] == *ci)))
        .map(|(_, c)| {
            let mut c: Vec<u32> = c.iter().map(|&v| v as u32).collect();
            c.sort_unstable();
            c
        })
        .collect();
    bottom.sort_unstable_by_key(|c| c[0]);
    bottom
}

/// The stationary distribution of a bottom component (members in graph order): fix the first
/// member's mass at 1, solve the other members' balance equations, normalise.
pub(crate) fn stationary<'c>(
    n: usize,
    members: &[u32],
    succ: impl Fn(usize) -> &'c [(u32, Ratio)],
) -> Result<Vec<Ratio>, Singular> {
    if members.len() == 1 {
        return Ok(vec![Ratio::one()]);
    }
    let mut local = vec![u32::MAX; n];
    for (i, &s) in members.iter().enumerate() {
        local[s as usize] = i as u32;
    }
    // Unknowns: members 1..m (local index − 1); π_j = Σ_i π_i P(i, j).
    let m = members.len();
    let mut system = System::with_unknowns(m - 1);
    for &i in members {
        let li = local[i as usize] as usize;
        for (t, p) in succ(i as usize) {
            let lj = local[*t as usize] as usize;
            if lj == 0 {
                continue; // the dropped balance equation of the first member
            }
            if li == 0 {
                system.rhs[lj - 1] += p;
            } else {
                system.rows[lj - 1].push((li as u32 - 1, p.clone()));
            }
        }
    }
    let y = system.solve()?;
    let total: Ratio = y.iter().sum::<Ratio>() + Ratio::one();
    let mut pi = Vec::with_capacity(m);
    pi.push(total.recip());
    pi.extend(y.into_iter().map(|v| v / &total));
    Ok(pi)
}

/// Σ over bottom components B of P(absorbed in B)·(stationary average of `reward` in B), from
/// `init`: one solve over the transient states after one stationary solve per component.
pub(crate) fn long_run<'c>(
    n: usize,
    scope: &[u32],
    init: usize,
    succ: impl Fn(usize) -> &'c [(u32, Ratio)] + Copy,
    mut reward: impl FnMut(usize) -> Result<Ratio, Error>,
) -> Result<Ratio, Error> {
    let bottom = bottom_components(n, scope, succ);
    let mut value: Vec<Option<Ratio>> = vec![None; n];
    for members in &bottom {
        let pi = stationary(n, members, succ)?;
        let mut avg = Ratio::zero();
        for (&s, p) in members.iter().zip(pi) {
            let r = reward(s as usize)?;
            if !r.is_zero() {
                avg += p * r;
            }
        }
        for &s in members {
            value[s as usize] = Some(avg.clone());
        }
    }
    if let Some(v) = &value[init] {
        return Ok(v.clone());
    }
    // Transient scope states: v = P·v, with the components' averages as constants.
    let mut local = vec![u32::MAX; n];
    let unknown: Vec<u32> = scope.iter().copied().filter(|&s| value[s as usize].is_none()).collect();
    for (i, &s) in unknown.iter().enumerate() {
        local[s as usize] = i as u32;
    }
    let mut system = System::with_unknowns(unknown.len());
    for (i, &s) in unknown.iter().enumerate() {
        for (t, p) in succ(s as usize) {
            match &value[*t as usize] {
                Some(v) => {
                    if !v.is_zero() {
                        system.rhs[i] += p * v;
                    }
                }
                None => system.rows[i].push((local[*t as usize], p.clone())),
            }
        }
    }
    Ok(system.solve_one(local[init] as usize)?)
}
