//! Markov-decision-process analyses: the graph pre-computations (states that can avoid a set
//! forever, states that can stay inside one, maximal end components), policy iteration for
//! optimal reachability and for the stochastic shortest/longest path, step-bounded induction,
//! and the long-run policy enumeration.
//!
//! Every policy evaluation is one exact sparse solve (`dtmc::reach_values` or an expected-cost
//! system); improvements switch a state only to a strictly better move, ties keeping the
//! current move, then the lowest index, so the iteration ends.

use std::collections::VecDeque;

use num_traits::{One, Zero};

use super::Optimize;
use super::answer::{Inconclusive, InconclusiveKind, Stop};
use super::arith::{add, dot};
use super::chain::{Mdp, Move};
use super::dtmc;
use super::ratio::Ratio;
use super::solve::System;
use crate::error::Error;
use crate::scc::tarjan;

impl Optimize {
    /// Whether `candidate` is strictly better than `best` in this direction.
    pub(crate) fn better(self, candidate: &Ratio, best: &Ratio) -> bool {
        match self {
            Optimize::Max => candidate > best,
            Optimize::Min => candidate < best,
        }
    }

    pub(crate) fn pick(self, a: Ratio, b: Ratio) -> Ratio {
        if self.better(&b, &a) { b } else { a }
    }

    /// The other direction.
    pub(crate) fn dual(self) -> Optimize {
        match self {
            Optimize::Max => Optimize::Min,
            Optimize::Min => Optimize::Max,
        }
    }
}

/// Σ p·values[t] over a move's distribution.
fn move_value(mv: &Move, values: &[Ratio]) -> Ratio {
    dot(mv.dist.iter().map(|(t, p)| (p, &values[*t as usize])))
}

/// The states reachable from `init` under some scheduler without leaving a `stop` state, in
/// graph order. The set is closed under every move of its non-stop states, so any policy's
/// chain restricted to it is a chain once the stop states are absorbing (their values are
/// fixed by the question, or only read).
pub(crate) fn scope(mdp: &Mdp, init: usize, stop: impl Fn(usize) -> bool) -> Vec<u32> {
    let n = mdp.len();
    let mut seen = vec![false; n];
    seen[init] = true;
    let mut queue = VecDeque::from([init]);
    while let Some(s) = queue.pop_front() {
        if stop(s) {
            continue;
        }
        for mv in &mdp.moves[s] {
            for &(t, _) in &mv.dist {
                if !seen[t as usize] {
                    seen[t as usize] = true;
                    queue.push_back(t as usize);
                }
            }
        }
    }
    (0..n as u32).filter(|&s| seen[s as usize]).collect()
}

/// The greatest subset U of the `start` scope states in which every state has a move whose
/// support stays in U (the absorbing move stays anywhere). With `start` = the non-target
/// states this is S0min, the states whose minimal reachability is 0; with `start` = the
/// states of a predicate it is where a scheduler can keep the run inside it forever.
pub(crate) fn staying_set(mdp: &Mdp, scope: &[u32], start: impl Fn(usize) -> bool) -> Vec<bool> {
    let n = mdp.len();
    let mut inside = vec![false; n];
    for &s in scope {
        inside[s as usize] = start(s as usize);
    }
    // Per move: how many of its successors are outside; per state: how many moves stay.
    let mut owner: Vec<u32> = Vec::new();
    let mut outside: Vec<u32> = Vec::new();
    let mut staying = vec![0u32; n];
    let mut users: Vec<Vec<u32>> = vec![Vec::new(); n];
    for &s in scope {
        for mv in &mdp.moves[s as usize] {
            let id = owner.len() as u32;
            owner.push(s);
            let out = mv.dist.iter().filter(|&&(t, _)| !inside[t as usize]).count() as u32;
            outside.push(out);
            if out == 0 {
                staying[s as usize] += 1;
            }
            for &(t, _) in &mv.dist {
                if inside[t as usize] {
                    users[t as usize].push(id);
                }
            }
        }
    }
    let mut removed: Vec<u32> = Vec::new();
    for &s in scope {
        if inside[s as usize] && staying[s as usize] == 0 {
            inside[s as usize] = false;
            removed.push(s);
        }
    }
    while let Some(t) = removed.pop() {
        for &id in &users[t as usize] {
            outside[id as usize] += 1;
            if outside[id as usize] == 1 {
                let o = owner[id as usize] as usize;
                staying[o] -= 1;
                if staying[o] == 0 && inside[o] {
                    inside[o] = false;
                    removed.push(o as u32);
                }
            }
        }
    }
    inside
}

/// The maximal end components among the scope states, by the refinement the original uses:
/// split a candidate set into strongly connected pieces over the non-absorbing moves that stay
/// in it, drop the states with no move staying in their piece, and refine what is left. A
/// state with the absorbing move is never dropped, so every absorbing state ends in one.
pub(crate) fn end_components(mdp: &Mdp, scope: &[u32]) -> Vec<Vec<u32>> {
    let n = mdp.len();
    let mut result = Vec::new();
    let mut stack: Vec<Vec<u32>> = vec![scope.to_vec()];
    let mut in_set = vec![0u32; n];
    let mut in_piece = vec![0u32; n];
    let (mut set_stamp, mut piece_stamp) = (0u32, 0u32);
    while let Some(set) = stack.pop() {
        set_stamp += 1;
        for &s in &set {
            in_set[s as usize] = set_stamp;
        }
        let inside = |t: u32| in_set[t as usize] == set_stamp;
        let pieces = tarjan(
            n,
            set.iter().map(|&s| s as usize),
            |v| in_set[v] == set_stamp,
            |v, out| {
                for mv in &mdp.moves[v] {
                    if !mv.dist.is_empty() && mv.dist.iter().all(|&(t, _)| inside(t)) {
                        out.extend(mv.dist.iter().map(|&(t, _)| t as usize));
                    }
                }
            },
        );
        for piece in pieces {
            piece_stamp += 1;
            for &v in &piece {
                in_piece[v] = piece_stamp;
            }
            let stays = |v: usize| {
                mdp.moves[v]
                    .iter()
                    .any(|mv| mv.dist.iter().all(|&(t, _)| in_piece[t as usize] == piece_stamp))
            };
            let mut keep: Vec<u32> = piece.iter().filter(|&&v| stays(v)).map(|&v| v as u32).collect();
            keep.sort_unstable();
            if keep.len() == piece.len() {
                result.push(keep);
            } else if !keep.is_empty() {
                stack.push(keep);
            }
        }
    }
    result.sort_unstable_by_key(|c| c[0]);
    result
}

/// Optimal reachability by policy iteration (§4.6): every scope state's value and the final
/// policy. `pinned` states are held absorbing (value 0 unless a target).
pub(crate) fn reach_policy_iteration(
    mdp: &Mdp,
    scope: &[u32],
    target: &[bool],
    optimize: Optimize,
    pinned: &[bool],
) -> Result<(Vec<Ratio>, Vec<u32>), Error> {
    let n = mdp.len();
    let mut policy = vec![0u32; n];
    loop {
        let values = dtmc::reach_values(
            n,
            scope,
            |s| {
                if pinned[s] { &[][..] } else { &mdp.moves[s][policy[s] as usize].dist[..] }
            },
            target,
        )?;
        let mut changed = false;
        for &s in scope {
            let s = s as usize;
            if target[s] || pinned[s] {
                continue;
            }
            let moves = &mdp.moves[s];
            let mut best = policy[s] as usize;
            let mut best_value = move_value(&moves[best], &values);
            for (i, mv) in moves.iter().enumerate() {
                let v = move_value(mv, &values);
                if optimize.better(&v, &best_value) {
                    best = i;
                    best_value = v;
                }
            }
            if best != policy[s] as usize {
                policy[s] = best as u32;
                changed = true;
            }
        }
        if !changed {
            return Ok((values, policy));
        }
    }
}

/// Optimal P(F target) of every scope state: S0min pinned for the minimum, nothing for the
/// maximum.
pub(crate) fn optimal_reach(
    mdp: &Mdp,
    scope: &[u32],
    target: &[bool],
    optimize: Optimize,
) -> Result<Vec<Ratio>, Error> {
    let pinned = match optimize {
        Optimize::Min => staying_set(mdp, scope, |s| !target[s]),
        Optimize::Max => vec![false; mdp.len()],
    };
    Ok(reach_policy_iteration(mdp, scope, target, optimize, &pinned)?.0)
}

/// Optimal P(reach target within `steps`) at `init` (§4.7).
pub(crate) fn bounded_reach(
    mdp: &Mdp,
    scope: &[u32],
    init: usize,
    target: &[bool],
    steps: usize,
    optimize: Optimize,
) -> Ratio {
    super::dtmc::bounded_reach_by(mdp.len(), scope, init, target, steps, |s, v| {
        mdp.moves[s].iter().map(|mv| move_value(mv, v)).reduce(|a, b| optimize.pick(a, b)).unwrap_or_default()
    })
}

/// Optimal E[cost until the target or `steps` steps] at `init`.
pub(crate) fn bounded_cost(
    mdp: &Mdp,
    scope: &[u32],
    init: usize,
    target: &[bool],
    steps: usize,
    optimize: Optimize,
) -> Ratio {
    let n = mdp.len();
    let mut e = vec![Ratio::zero(); n];
    for _ in 0..steps {
        let mut next = vec![Ratio::zero(); n];
        for &s in scope {
            let s = s as usize;
            if !target[s] {
                next[s] = mdp.moves[s]
                    .iter()
                    .map(|mv| add(&mv.cost, &move_value(mv, &e)))
                    .reduce(|a, b| optimize.pick(a, b))
                    .unwrap_or_default();
            }
        }
        e = next;
    }
    std::mem::take(&mut e[init])
}

/// The optimal expected cost to the target (the stochastic shortest or longest path, §5.5
/// steps 7–9) at `init`, which is not a target. Costs are positive off the target.
pub(crate) fn optimal_cost(
    mdp: &Mdp,
    scope: &[u32],
    init: usize,
    target: &[bool],
    optimize: Optimize,
) -> Result<Ratio, Stop> {
    let n = mdp.len();
    let (proper, mut policy) = match optimize {
        Optimize::Min => {
            let (values, policy) =
                reach_policy_iteration(mdp, scope, target, Optimize::Max, &vec![false; n])?;
            if !values[init].is_one() {
                return Err(Stop::Infinite("expected_reward_mdp: no scheduler reaches the target almost surely from the initial state, so the minimal expected cost is infinite".to_owned()));
            }
            (values.iter().map(Ratio::is_one).collect::<Vec<bool>>(), policy)
        }
        Optimize::Max => {
            let pinned = staying_set(mdp, scope, |s| !target[s]);
            let (values, _) = reach_policy_iteration(mdp, scope, target, Optimize::Min, &pinned)?;
            if !values[init].is_one() {
                return Err(Stop::Infinite("expected_reward_mdp: some scheduler avoids the target with positive probability from the initial state, so the maximal expected cost is infinite".to_owned()));
            }
            let mut proper = vec![false; n];
            for &s in scope {
                proper[s as usize] = true;
            }
            (proper, vec![0u32; n])
        }
    };
    let unknown: Vec<u32> =
        scope.iter().copied().filter(|&s| proper[s as usize] && !target[s as usize]).collect();
    let mut local = vec![u32::MAX; n];
    for (i, &s) in unknown.iter().enumerate() {
        local[s as usize] = i as u32;
    }
    let safe = |mv: &Move| mv.dist.iter().all(|&(t, _)| proper[t as usize]);
    loop {
        let mut system = System::with_unknowns(unknown.len());
        for (i, &s) in unknown.iter().enumerate() {
            let mv = &mdp.moves[s as usize][policy[s as usize] as usize];
            system.rhs[i] = mv.cost.clone();
            for (t, p) in &mv.dist {
                if !target[*t as usize] {
                    system.rows[i].push((local[*t as usize], p.clone()));
                }
            }
        }
        let x = system.solve()?;
        let mut e = vec![Ratio::zero(); n];
        for (&s, v) in unknown.iter().zip(x) {
            e[s as usize] = v;
        }
        let mut changed = false;
        for &s in &unknown {
            let s = s as usize;
            let moves = &mdp.moves[s];
            let mut best = policy[s] as usize;
            let mut best_value = &moves[best].cost + move_value(&moves[best], &e);
            for (i, mv) in moves.iter().enumerate() {
                if !safe(mv) {
                    continue;
                }
                let v = &mv.cost + move_value(mv, &e);
                if optimize.better(&v, &best_value) {
                    best = i;
                    best_value = v;
                }
            }
            if best != policy[s] as usize {
                policy[s] = best as u32;
                changed = true;
            }
        }
        if !changed {
            return Ok(std::mem::take(&mut e[init]));
        }
    }
}

/// The optimal long-run average of `reward` over every memoryless deterministic policy, after
/// the cap test: the product of all states' move counts must not exceed `max_policies`. Only
/// the choices at states reachable from `init` are enumerated (the others cannot change the
/// answer).
pub(crate) fn long_run_enumerate(
    mdp: &Mdp,
    init: usize,
    optimize: Optimize,
    max_policies: u64,
    func: &str,
    mut reward: impl FnMut(usize) -> Result<Ratio, Error>,
) -> Result<Ratio, Stop> {
    let mut count: u64 = 1;
    for moves in &mdp.moves {
        count = count.saturating_mul(moves.len() as u64);
        if count > max_policies {
            return Err(Stop::Inconclusive(Inconclusive {
                kind: InconclusiveKind::PolicyLimit,
                states_explored: mdp.len(),
                fault: None,
                message: format!(
                    "{func}: more than max_policies={max_policies} memoryless deterministic policies to enumerate (the product of the states' move-counts); this reference oracle is for small MDPs. Raise max_policies deliberately, or wait for the policy-iteration accelerator."
                ),
            }));
        }
    }
    let n = mdp.len();
    let scope = scope(mdp, init, |_| false);
    let choosing: Vec<usize> =
        scope.iter().map(|&s| s as usize).filter(|&s| mdp.moves[s].len() > 1).collect();
    let mut policy = vec![0usize; n];
    let mut memo: Vec<Option<Ratio>> = vec![None; n];
    let mut best: Option<Ratio> = None;
    loop {
        let induced = |s: usize| &mdp.moves[s][policy[s]].dist[..];
        let chain_scope = dtmc::scope_from(n, init, induced, |_| false);
        let value = dtmc::long_run(n, &chain_scope, init, induced, |s| {
            if memo[s].is_none() {
                memo[s] = Some(reward(s)?);
            }
            Ok(memo[s].clone().unwrap_or_default())
        })?;
        best = Some(match best {
            None => value,
            Some(b) => optimize.pick(b, value),
        });
        // Next policy (odometer over the choosing states).
        let mut i = 0;
        loop {
            if i == choosing.len() {
                return Ok(best.unwrap_or_default());
            }
            let s = choosing[i];
            policy[s] += 1;
            if policy[s] < mdp.moves[s].len() {
                break;
            }
            policy[s] = 0;
            i += 1;
        }
    }
}
