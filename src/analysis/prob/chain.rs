//! From the explored graph to numbers: each state's distribution over successors (a DTMC) or
//! its scheduler moves (an MDP), with every weight and cost checked on the way.
//!
//! One outcome per enabled action; weights normalise per state (or per move), and edges to
//! the same successor sum, in order of first occurrence. A state (or move) whose weights sum to
//! 0 is absorbing. A weight-0 action at a state whose total is positive is **not** an edge:
//! the original keeps it as a zero-probability entry that its graph pre-computations then
//! treat as real (a probability of −1, lost long-run mass, answers that depend on the hash
//! seed); here it is left out, so every pre-computation sees the chain's true support.

use num_traits::{One, Zero};

use super::ratio::Ratio;
use crate::error::{Error, ErrorKind};
use crate::graph::Graph;
use crate::system::State;

/// A weight or cost callback, its value already converted exactly.
pub(crate) type WeightFn<'a, S> = Box<dyn Fn(&str, &S) -> Result<Ratio, String> + 'a>;

/// The MDP moves callback: groups of enabled action names.
pub(crate) type MovesFn<'a, S> = Box<dyn Fn(&S, &[String]) -> Vec<Vec<String>> + 'a>;

/// One weighted distribution over successors: `(successor, probability)`, every probability
/// positive, in order of first occurrence. Empty means absorbing.
pub(crate) type Dist = Vec<(u32, Ratio)>;

/// A DTMC: one distribution per state, stored flat.
#[derive(Debug, Default)]
pub(crate) struct Chain {
    start: Vec<usize>,
    entries: Vec<(u32, Ratio)>,
}

impl Chain {
    pub fn len(&self) -> usize {
        self.start.len().saturating_sub(1)
    }

    /// The distribution of state `s` (empty: absorbing).
    pub fn succ(&self, s: usize) -> &[(u32, Ratio)] {
        &self.entries[self.start[s]..self.start[s + 1]]
    }

    /// The same chain with the states where `absorbing` holds made absorbing.
    pub fn absorbing(&self, absorbing: impl Fn(usize) -> bool) -> Chain {
        let mut out = Chain { start: vec![0], entries: Vec::new() };
        for s in 0..self.len() {
            if !absorbing(s) {
                out.entries.extend(self.succ(s).iter().cloned());
            }
            out.start.push(out.entries.len());
        }
        out
    }
}

/// One scheduler choice: its distribution and its expected immediate cost.
#[derive(Debug, Clone)]
pub(crate) struct Move {
    pub dist: Dist,
    pub cost: Ratio,
}

impl Move {
    pub fn absorbing() -> Move {
        Move { dist: Vec::new(), cost: Ratio::zero() }
    }
}

/// An MDP: every state has at least one move (an absorbing one when `moves` gave none).
#[derive(Debug, Default)]
pub(crate) struct Mdp {
    pub moves: Vec<Vec<Move>>,
    /// Some move member at a non-target state costs ≤ 0 (only when costs were asked for).
    pub nonpositive_cost: bool,
}

impl Mdp {
    pub fn len(&self) -> usize {
        self.moves.len()
    }

    /// Give the states where `absorbing` holds the single absorbing move.
    pub fn absorb(&mut self, absorbing: impl Fn(usize) -> bool) {
        for (s, moves) in self.moves.iter_mut().enumerate() {
            if absorbing(s) {
                *moves = vec![Move::absorbing()];
            }
        }
    }
}

/// The callbacks that turn edges into numbers.
pub(crate) struct Weights<'w, 'a, S> {
    pub weight: Option<&'w WeightFn<'a, S>>,
    pub cost: Option<&'w WeightFn<'a, S>>,
}

impl<S: State> Weights<'_, '_, S> {
    /// `weight(name, s)`: exact and non-negative, else an error naming the action and state.
    pub fn weight(&self, name: &str, s: &S) -> Result<Ratio, Error> {
        let Some(f) = self.weight else { return Ok(Ratio::one()) };
        match f(name, s) {
            Ok(w) if w < Ratio::zero() => Err(Error::new(
                ErrorKind::InvalidInput,
                format!("probabilistic weight must be non-negative, but weight('{name}', {s:?}) = {w}"),
            )),
            Ok(w) => Ok(w),
            Err(text) => Err(Error::new(
                ErrorKind::InvalidInput,
                format!(
                    "probabilistic weight must be an exact rational, but weight('{name}', {s:?}) = {text}"
                ),
            )),
        }
    }

    /// `cost(name, s)`, exact (default 1), else an error naming the action and state.
    pub fn cost(&self, name: &str, s: &S) -> Result<Ratio, Error> {
        let Some(f) = self.cost else { return Ok(Ratio::one()) };
        f(name, s).map_err(|text| {
            Error::new(
                ErrorKind::InvalidInput,
                format!("cost must be an exact rational, but cost('{name}', {s:?}) = {text}"),
            )
        })
    }

    /// Normalise `(weight, successor)` pairs into a distribution (§3.2), zero entries left out.
    fn normalize(pairs: Vec<(Ratio, u32)>) -> Dist {
        let total: Ratio = pairs.iter().map(|(w, _)| w).sum();
        if total.is_zero() {
            return Vec::new();
        }
        let mut acc: Dist = Vec::new();
        let mut index: Option<hashbrown::HashMap<u32, usize, foldhash::fast::FixedState>> =
            (pairs.len() > 16).then(Default::default);
        for (w, t) in pairs {
            let at = match &mut index {
                Some(ix) => ix.get(&t).copied(),
                None => acc.iter().position(|&(u, _)| u == t),
            };
            match at {
                Some(i) => acc[i].1 += w,
                None => {
                    if let Some(ix) = &mut index {
                        ix.insert(t, acc.len());
                    }
                    acc.push((t, w));
                }
            }
        }
        acc.retain(|(_, w)| !w.is_zero());
        for (_, w) in &mut acc {
            *w /= &total;
        }
        acc
    }

    /// Every state's distribution, in graph order; weights are checked at every state.
    pub fn chain(&self, graph: &Graph<S>) -> Result<Chain, Error> {
        let mut chain = Chain { start: Vec::with_capacity(graph.len() + 1), entries: Vec::new() };
        chain.start.push(0);
        for id in graph.ids() {
            let s = graph.state(id);
            let edges = graph.edges(id);
            let dist = if self.weight.is_none() {
                // Uniform: count edges per successor.
                let pairs = edges.iter().map(|&(_, t)| (Ratio::one(), t.index() as u32)).collect();
                Self::normalize(pairs)
            } else {
                let mut pairs = Vec::with_capacity(edges.len());
                for &(a, t) in edges {
                    pairs.push((self.weight(graph.action_name(a), s)?, t.index() as u32));
                }
                Self::normalize(pairs)
            };
            chain.entries.extend(dist);
            chain.start.push(chain.entries.len());
        }
        Ok(chain)
    }

    /// Each state's expected immediate cost over its raw edges (0 where the weights sum to 0),
    /// for the states where `wanted` holds (others get 0 and no callback).
    pub fn immediate_costs(
        &self,
        graph: &Graph<S>,
        wanted: impl Fn(usize) -> bool,
    ) -> Result<Vec<Ratio>, Error> {
        let mut out = Vec::with_capacity(graph.len());
        for id in graph.ids() {
            if !wanted(id.index()) {
                out.push(Ratio::zero());
                continue;
            }
            let s = graph.state(id);
            let mut pairs = Vec::new();
            for &(a, _) in graph.edges(id) {
                let name = graph.action_name(a);
                pairs.push((self.weight(name, s)?, name));
            }
            let total: Ratio = pairs.iter().map(|(w, _)| w).sum();
            let mut ic = Ratio::zero();
            if !total.is_zero() {
                for (w, name) in pairs {
                    ic += w * self.cost(name, s)?;
                }
                ic /= total;
            }
            out.push(ic);
        }
        Ok(out)
    }

    /// Every state's moves (§3.3), in graph order. With `target` given, each move also gets its
    /// expected immediate cost and members costing ≤ 0 off the target are flagged.
    pub fn mdp(
        &self,
        graph: &Graph<S>,
        moves: &MovesFn<'_, S>,
        target: Option<&[bool]>,
    ) -> Result<Mdp, Error> {
        let mut mdp = Mdp { moves: Vec::with_capacity(graph.len()), nonpositive_cost: false };
        for id in graph.ids() {
            let s = graph.state(id);
            let edges = graph.edges(id);
            let names: Vec<String> = edges.iter().map(|&(a, _)| graph.action_name(a).to_owned()).collect();
            // Duplicate names: the last edge wins, as in the original.
            let by_name =
                |name: &str| names.iter().rposition(|n| *n == name).map(|i| edges[i].1.index() as u32);
            let groups = moves(s, &names);
            let mut state_moves = Vec::with_capacity(groups.len().max(1));
            for group in groups {
                let mut pairs = Vec::with_capacity(group.len());
                let mut members = Vec::with_capacity(group.len());
                for name in group {
                    if let Some(t) = by_name(&name) {
                        pairs.push((self.weight(&name, s)?, t));
                        members.push(name);
                    }
                }
                let mut cost = Ratio::zero();
                if let Some(target) = target {
                    let total: Ratio = pairs.iter().map(|(w, _)| w).sum();
                    if !total.is_zero() {
                        for ((w, _), name) in pairs.iter().zip(&members) {
                            let c = self.cost(name, s)?;
                            if c <= Ratio::zero() && !target[id.index()] {
                                mdp.nonpositive_cost = true;
                            }
                            cost += w * c;
                        }
                        cost /= total;
                    }
                }
                state_moves.push(Move { dist: Self::normalize(pairs), cost });
            }
            if state_moves.is_empty() {
                state_moves.push(Move::absorbing());
            }
            mdp.moves.push(state_moves);
        }
        Ok(mdp)
    }
}
