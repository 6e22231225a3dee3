//! Exact probabilities and expectations over the explored graph: the model as a Markov chain
//! (DTMC) or a Markov decision process (MDP), every answer an exact rational.
//!
//! No new model type: each enabled action is one outcome, and a `weight(action, state)`
//! callback (default 1, uniform) gives its relative likelihood, normalised per state. A state
//! whose weights sum to 0 (a dead end, say) is absorbing. With `moves(state, enabled)` the
//! enabled actions are split into groups, each group one scheduler choice whose actions,
//! weighted, form one distribution: an MDP, and the answers become the best and worst over
//! all schedulers ([`Optimize`]).
//!
//! | Question | DTMC ([`Prob`]) | MDP ([`Prob::moves`]) |
//! |---|---|---|
//! | P(eventually target), within `steps`, avoiding `avoid` first | [`reach_probability`](Prob::reach_probability) | [`reach_probability_mdp`](Prob::reach_probability_mdp) |
//! | distribution after exactly `k` steps | [`transient_distribution`](Prob::transient_distribution) | |
//! | E[cost until target] (optionally within `steps`) | [`expected_reward`](Prob::expected_reward) | [`expected_reward_mdp`](Prob::expected_reward_mdp) |
//! | long-run average reward / fraction of time | [`long_run_reward`](Prob::long_run_reward), [`long_run_probability`](Prob::long_run_probability) | [`long_run_reward_mdp`](Prob::long_run_reward_mdp), [`long_run_probability_mdp`](Prob::long_run_probability_mdp) |
//! | P(run satisfies `F`, `G`, `G F`, `F G`, `X`, `U`, `R`, `W` of state formulas) | [`probability_ltl`](Prob::probability_ltl) | [`probability_ltl`](Prob::probability_ltl) |
//!
//! The free functions of the same names run with the defaults (uniform weights, unit costs,
//! a cap of [`crate::DEFAULT_MAX_STATES`] states).
//!
//! ```
//! use musil::Model;
//! use musil::probabilistic::{Expect, Prob, assert_probability, ratio};
//!
//! // Gambler's ruin: bet one chip at a time, stop at 0 or 5; the up-step is weighted 2 : 1.
//! let walk = Model::new(2u32)
//!     .action("up", |&p| 0 < p && p < 5, |&p| p + 1)
//!     .action("down", |&p| 0 < p && p < 5, |&p| p - 1);
//! let p = Prob::new(&walk)
//!     .weight(|action, _| if action == "up" { 2 } else { 1 })
//!     .reach_probability(|&p| p == 5)
//!     .unwrap();
//! assert_eq!(p.to_string(), "24/31");
//! assert_probability(&p, Expect::equals(ratio(24, 31)).label("P(goal)"));
//! // Fair coin: expected bets until the game ends, i·(N − i) = 6.
//! let bets = musil::probabilistic::expected_reward(&walk, |&p| p == 0 || p == 5).unwrap();
//! assert_eq!(bets, ratio(6, 1));
//! ```
//!
//! ## How the answers are computed
//! The graph is explored once ([`Checker::explore`](crate::Checker::explore)); an exploration
//! that stops at `max_states` gives an [`Answer::Inconclusive`], never a partial number.
//! Every question returns `Result<Answer<_>, Error>`: the error is refused input (a negative
//! weight, a formula outside the fragment); an [`Answer`] is exact, infinite (an expected cost
//! whose target is not reached almost surely) or inconclusive (a truncated graph, a panic while
//! exploring, too many policies to enumerate). An exact answer compares equal to its value.
//! Unbounded questions are exact linear solves, bounded ones exactly `k` rounds; there is no
//! floating point, iteration to convergence or tolerance anywhere. Graph pre-computations
//! come first (states of probability 0 and 1, bottom strongly connected components, end
//! components, the states a scheduler can keep away from a target), then each system is
//! solved one strongly connected component at a time, sinks first. A component whose unknowns
//! lie on a line (a birth-death chain), when one of its values is asked for, is read off a
//! balanced product of 3×3 integer transfer matrices, which costs a few multiplications of
//! numbers the answer's size. Any other component of several unknowns is solved by Dixon's
//! p-adic lifting: its matrix is factored once (sparse, Markowitz order) modulo a 62-bit
//! prime, the solution's digits are lifted by machine-word solves, and the rationals are read
//! back by reconstruction after as many digits as a proven bound on the answer's size asks for
//! (Fischer's or Hadamard's inequality), so the cost follows the answer's size and not the
//! growth of intermediate fractions. Components whose
//! coefficients do not fit machine words are solved by sparse elimination over rationals
//! (reduced with Lehmer's gcd). The original's dense Gauss–Jordan is cubic; here a
//! 10,000-state grid takes seconds (`docs/PERFORMANCE.md`). MDP optima are exact policy iteration. Formulas are the crate's
//! [`Ltl`]. Answers equal the original's (musil 0.36.7) except where the original is wrong:
//!
//! - **Zero-weight actions are not edges.** The original keeps a weight-0 action at a state
//!   whose total is positive as a zero-probability entry and lets its graph pre-computations
//!   treat it as real, which yields a reachability probability of −1, long-run mass that
//!   vanishes, answers that depend on Python's hash seed and crashes. Here it is simply absent.
//! - **Only the initial state's reach matters.** Answers are taken at the first initial state;
//!   solves cover only what it can reach, so other initial states (explored, and given zero
//!   mass in [`transient_distribution`](Prob::transient_distribution)) cannot make a system
//!   singular.
//! - **Misuse cannot be written:** `steps` is unsigned, the direction is an [`Optimize`], not
//!   a string the original silently reads as max or min, and a bound for
//!   [`assert_probability`] is given by construction.
//! - Error messages name the function called (the original's delegating functions carry their
//!   delegate's prefix) and the state with the action.
//!
//! A callback that panics (weight, cost, reward, moves, target) panics through the analysis; a
//! panic in a guard or effect while exploring is an inconclusive answer naming it, with the
//! trace to the state it panicked on.

mod answer;
mod arith;
mod chain;
mod dtmc;
mod flu;
mod interval;
mod krylov;
mod mdp;
mod padic;
mod path;
mod pltl;
mod ratio;
mod round;
mod solve;

use std::fmt;

use indexmap::IndexMap;
use num_traits::{One, Zero};

use crate::check::{Checker, Config};
use crate::error::{Error, ErrorKind};
use crate::graph::Graph;
use crate::ltl::Ltl;
use crate::properties::Verdict;
use crate::system::{State, TransitionSystem};

use chain::{Chain, MovesFn, WeightFn, Weights};
use pltl::Shape;

pub use answer::{Answer, Inconclusive, InconclusiveKind};
pub use interval::Interval;
pub use ratio::{Binary, IntoRatio, Ratio, ratio};

use answer::{Stop, answer};

/// The default cap on the policies [`long_run_reward_mdp`](Prob::long_run_reward_mdp)
/// enumerates.
pub const DEFAULT_MAX_POLICIES: u64 = 100_000;

/// The default width at which the floating-point questions
/// ([`reach_probability_float`](Prob::reach_probability_float)) stop: `upper − lower ≤ 1e-6`.
pub const DEFAULT_EPSILON: f64 = 1e-6;

/// Which optimum over an MDP's schedulers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Optimize {
    /// The best a scheduler can do: the maximal probability, cost or rate.
    Max,
    /// The worst: the minimal probability, cost or rate.
    Min,
}

/// Marker: the model is read as a Markov chain (no `moves`).
#[derive(Clone, Copy, Debug, Default)]
pub struct Dtmc;

/// Marker: the model is read as an MDP, with its `moves` callback.
pub struct Mdp<'a, S> {
    moves: MovesFn<'a, S>,
    max_policies: u64,
}

impl<S> fmt::Debug for Mdp<'_, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Mdp").field("max_policies", &self.max_policies).finish_non_exhaustive()
    }
}

type Pred<'a, S> = Box<dyn Fn(&S) -> bool + 'a>;

/// The probabilistic analyses of one transition system, configured like Python keyword
/// arguments: `Prob::new(&model)`, then options (`weight`, `cost`, `avoid`, `steps`,
/// `max_states`; `moves` for an MDP, then `max_policies`), then one question.
///
/// ```
/// use musil::Model;
/// use musil::probabilistic::{Optimize, Prob, ratio};
///
/// // Retry over a lossy link: the fast link delivers with 1/2 at cost 1, the careful one
/// // with 2/3 at cost 2. The cheapest strategy keeps using the fast link: 1 / (1/2) = 2.
/// #[derive(Clone, Debug, PartialEq, Eq, Hash)]
/// enum Link { Sending, Delivered }
/// let sending = |s: &Link| *s == Link::Sending;
/// let m = Model::new(Link::Sending)
///     .action("fast_ack", sending, |_| Link::Delivered)
///     .action("fast_drop", sending, |_| Link::Sending)
///     .action("careful_ack", sending, |_| Link::Delivered)
///     .action("careful_drop", sending, |_| Link::Sending);
/// let cost = Prob::new(&m)
///     .weight(|a, _| if a == "careful_ack" { 2 } else { 1 })
///     .cost(|a, _| if a.starts_with("fast") { 1 } else { 2 })
///     .moves(|_, enabled| {
///         let (fast, careful) = enabled.iter().cloned().partition(|a| a.starts_with("fast"));
///         vec![fast, careful]
///     })
///     .expected_reward_mdp(|s| *s == Link::Delivered, Optimize::Min)
///     .unwrap();
/// assert_eq!(cost, ratio(2, 1));
/// ```
#[must_use = "a Prob does nothing until you ask it a question, e.g. reach_probability(target)"]
pub struct Prob<'a, T: TransitionSystem, M = Dtmc> {
    sys: &'a T,
    weight: Option<WeightFn<'a, T::State>>,
    cost: Option<WeightFn<'a, T::State>>,
    avoid: Option<Pred<'a, T::State>>,
    steps: Option<usize>,
    epsilon: f64,
    config: Config<T::State>,
    kind: M,
}

impl<T: TransitionSystem, M: fmt::Debug> fmt::Debug for Prob<'_, T, M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Prob")
            .field("weight", &self.weight.is_some())
            .field("cost", &self.cost.is_some())
            .field("avoid", &self.avoid.is_some())
            .field("steps", &self.steps)
            .field("epsilon", &self.epsilon)
            .field("config", &self.config)
            .field("kind", &self.kind)
            .finish()
    }
}

const PROBABILITY: &str = "the probability is inconclusive";
const EXPECTATION: &str = "the expectation is inconclusive";
const LONG_RUN: &str = "the long-run answer is inconclusive";
const ANSWER: &str = "the answer is inconclusive";

fn exact_reward<S: fmt::Debug, R: IntoRatio>(reward: &impl Fn(&S) -> R, s: &S) -> Result<Ratio, Error> {
    reward(s).into_ratio().map_err(|text| {
        Error::new(
            ErrorKind::InvalidInput,
            format!("reward must be an exact rational, but reward({s:?}) = {text}"),
        )
    })
}

fn indicator(b: bool) -> Ratio {
    if b { Ratio::one() } else { Ratio::zero() }
}

impl<'a, T: TransitionSystem> Prob<'a, T, Dtmc> {
    /// The analyses of `sys` with the defaults: uniform weights, unit costs, no `avoid`, no
    /// step bound, at most [`DEFAULT_MAX_STATES`](crate::DEFAULT_MAX_STATES) states.
    pub fn new(sys: &'a T) -> Self {
        Prob {
            sys,
            weight: None,
            cost: None,
            avoid: None,
            steps: None,
            epsilon: DEFAULT_EPSILON,
            config: Config::new(),
            kind: Dtmc,
        }
    }

    /// Read the model as an MDP: `moves(state, enabled)` gets the state and the names of its
    /// enabled actions (in action order) and returns the groups of action names a scheduler
    /// picks between, in order (the first is where policy iteration starts). The actions of one
    /// group, weighted, form that choice's distribution; a singleton group is a plain choice,
    /// one group of everything is the Markov chain again:
    ///
    /// ```
    /// # use musil::Model;
    /// # use musil::probabilistic::Prob;
    /// # let model = Model::new(0u8);
    /// let choices = Prob::new(&model).moves(|_, enabled| enabled.iter().map(|a| vec![a.clone()]).collect());
    /// let coin = Prob::new(&model).moves(|_, enabled| vec![enabled.to_vec()]);
    /// ```
    ///
    /// Groups are matched by name: members that are not enabled are dropped, a name listed
    /// twice counts its weight twice, and with two enabled actions of one name the last one's
    /// successor is used (as in the original). No groups, an empty group, or a group whose
    /// weights sum to 0 is an absorbing choice.
    pub fn moves<F>(self, moves: F) -> Prob<'a, T, Mdp<'a, T::State>>
    where
        F: Fn(&T::State, &[String]) -> Vec<Vec<String>> + 'a,
    {
        Prob {
            sys: self.sys,
            weight: self.weight,
            cost: self.cost,
            avoid: self.avoid,
            steps: self.steps,
            epsilon: self.epsilon,
            config: self.config,
            kind: Mdp { moves: Box::new(moves), max_policies: DEFAULT_MAX_POLICIES },
        }
    }
}

impl<'a, T: TransitionSystem, M> Prob<'a, T, M> {
    /// Relative likelihood of taking `action` at a state (default 1 for every action). Any
    /// [`IntoRatio`] number; it must be non-negative. A float counts as the decimal it prints
    /// as (`0.6` is `3/5`; the original reads its binary value), [`Binary`]`(x)` by its exact
    /// binary value. The enabled actions' weights are normalised per state (or per move).
    pub fn weight<W: IntoRatio>(mut self, weight: impl Fn(&str, &T::State) -> W + 'a) -> Self {
        self.weight = Some(Box::new(move |a, s| weight(a, s).into_ratio()));
        self
    }

    /// The cost of taking `action` at a state, for the expected-reward questions (default 1,
    /// so the expectation counts steps). Any sign is accepted except where noted.
    pub fn cost<C: IntoRatio>(mut self, cost: impl Fn(&str, &T::State) -> C + 'a) -> Self {
        self.cost = Some(Box::new(move |a, s| cost(a, s).into_ratio()));
        self
    }

    /// For the reachability questions: count only runs that reach the target before entering
    /// an `avoid` state (`P(¬avoid U target)`). A state that is both counts as the target.
    pub fn avoid(mut self, avoid: impl Fn(&T::State) -> bool + 'a) -> Self {
        self.avoid = Some(Box::new(avoid));
        self
    }

    /// For the reachability and expected-reward questions: within this many steps (`0` asks
    /// about the initial state alone) instead of unbounded.
    pub fn steps(mut self, steps: usize) -> Self {
        self.steps = Some(steps);
        self
    }

    /// For the floating-point questions ([`reach_probability_float`](Prob::reach_probability_float),
    /// [`reach_probability_mdp_float`](Prob::reach_probability_mdp_float)): stop when the
    /// interval at the initial state is at most this wide, `upper − lower ≤ epsilon` (absolute;
    /// default [`DEFAULT_EPSILON`]). The exact questions ignore it.
    pub fn epsilon(mut self, epsilon: f64) -> Self {
        self.epsilon = epsilon;
        self
    }

    /// Give no exact answer (an [`Answer::Inconclusive`]) once the exploration has recorded
    /// this many states (default [`DEFAULT_MAX_STATES`](crate::DEFAULT_MAX_STATES)); the test is made when a new state is
    /// recorded, so a model of exactly `n` states needs `max_states(n + 1)`.
    pub fn max_states(mut self, max_states: usize) -> Self {
        self.config = self.config.max_states(max_states);
        self
    }

    /// Explore under this configuration (cap, workers, memory budget, symmetry reduction,
    /// key); it replaces every earlier setting of the cap.
    pub fn config(mut self, config: Config<T::State>) -> Self {
        self.config = config;
        self
    }
    fn weights(&self) -> Weights<'_, 'a, T::State> {
        Weights { weight: self.weight.as_ref(), cost: self.cost.as_ref() }
    }

    /// Explore once; a partial graph gives no exact answer. Returns the graph and the first
    /// initial state.
    fn explore(&self, func: &str, what: &str) -> Result<(Graph<T::State>, usize), Stop> {
        let graph = Checker::new(self.sys).config(self.config.clone()).explore();
        if let Some(f) = graph.fault() {
            return Err(Stop::Inconclusive(Inconclusive {
                kind: InconclusiveKind::Panic,
                message: format!(
                    "{func}: exploration stopped because {}; {what}\n{}",
                    f.fault,
                    crate::result::format_trace(&f.trace, None)
                ),
                states_explored: graph.len(),
                fault: Some(f.fault.clone()),
            }));
        }
        if graph.truncated() {
            return Err(Stop::Inconclusive(Inconclusive {
                kind: InconclusiveKind::Truncated,
                message: format!("{func}: exploration truncated at max_states; {what}"),
                states_explored: graph.len(),
                fault: None,
            }));
        }
        let Some(&init) = graph.initial().first() else {
            return Err(Error::new(
                ErrorKind::InvalidInput,
                format!("{func}: the model has no initial state"),
            )
            .into());
        };
        Ok((graph, init.index()))
    }
}

fn mask<S: State>(graph: &Graph<S>, p: impl Fn(&S) -> bool) -> Vec<bool> {
    graph.states().map(p).collect()
}

impl<'a, T: TransitionSystem> Prob<'a, T, Dtmc> {
    /// The probability that a run from the (first) initial state eventually reaches a
    /// `target` state; with [`avoid`](Prob::avoid), before any `avoid` state; with
    /// [`steps`](Prob::steps), within that many steps.
    ///
    /// An [`Answer::Inconclusive`] when the exploration stops at `max_states` or on a panic.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidInput`] for a negative weight or one that is not exact (NaN).
    pub fn reach_probability(&self, target: impl Fn(&T::State) -> bool) -> Result<Answer<Ratio>, Error> {
        // Each question is a closure run at once (a `try` block): `?` and early returns end
        // the solve with a `Stop`, which `answer` sorts into refused input and outcomes.
        answer((|| -> Result<Ratio, Stop> {
            let (graph, init) = self.explore("reach_probability", PROBABILITY)?;
            let mut chain = self.weights().chain(&graph)?;
            let target = mask(&graph, target);
            if let Some(avoid) = &self.avoid {
                chain = chain.absorbing(|s| !target[s] && avoid(graph.state(graph_id(s))));
            }
            reach_at(&chain, init, &target, self.steps)
        })())
    }

    /// [`reach_probability`](Prob::reach_probability) in floating point, for chains past the
    /// exact solver's reach: an [`Interval`] that contains the exact answer, at most
    /// [`epsilon`](Prob::epsilon) wide (wider only if floating point cannot narrow it further).
    ///
    /// Sound interval iteration (Haddad–Monmege; Baier et al.): the states of probability 0
    /// and 1 are found on the graph, then a lower bound rises from 0 and an upper bound falls
    /// from 1, Gauss–Seidel, every operation rounded outward, so the bounds hold at every step
    /// for the exact rational answer of the same weights (floats as in [`IntoRatio`]). It is
    /// not value iteration stopped on a small change, which can stop far from the answer.
    /// Before iterating, one approximate solve (a sparse LU where it fills in little, as on a
    /// chain; BiCGSTAB preconditioned by a modified incomplete LU otherwise, as on a grid)
    /// proposes bounds around its solution, which are kept only if an inductive check, rounded
    /// outward, proves them; the interval never rests on the solver. With
    /// [`steps`](Prob::steps), exactly that many rounds, rounded outward. Expected rewards and
    /// long-run questions have no floating-point mode yet.
    ///
    /// ```
    /// use musil::Model;
    /// use musil::probabilistic::{Prob, ratio};
    /// let walk = Model::new(2u32)
    ///     .action("up", |&p| 0 < p && p < 5, |&p| p + 1)
    ///     .action("down", |&p| 0 < p && p < 5, |&p| p - 1);
    /// let prob = Prob::new(&walk).weight(|a, _| if a == "up" { 2 } else { 1 });
    /// let p = prob.epsilon(1e-12).reach_probability_float(|&p| p == 5).unwrap().unwrap_exact();
    /// assert!(p.contains(&ratio(24, 31)) && p.width() <= 1e-12);
    /// ```
    ///
    /// # Errors
    /// As [`reach_probability`](Prob::reach_probability).
    pub fn reach_probability_float(
        &self,
        target: impl Fn(&T::State) -> bool,
    ) -> Result<Answer<Interval>, Error> {
        answer((|| -> Result<Interval, Stop> {
            let (graph, init) = self.explore("reach_probability_float", PROBABILITY)?;
            let mut chain = self.weights().chain(&graph)?;
            let target = mask(&graph, target);
            if let Some(avoid) = &self.avoid {
                chain = chain.absorbing(|s| !target[s] && avoid(graph.state(graph_id(s))));
            }
            let m = interval::FloatMdp::from_chain(&chain);
            drop(chain);
            Ok(match self.steps {
                Some(k) => interval::bounded_reach(&m, init, &target, k, None),
                None => interval::reach(&m, init, &target, None, self.epsilon),
            })
        })())
    }

    /// The probability of being in each state after exactly `steps` steps from the (first)
    /// initial state: every explored state in discovery order, zeros included; the values sum
    /// to 1. An absorbing state keeps its mass.
    ///
    /// # Errors
    /// As [`reach_probability`](Prob::reach_probability).
    pub fn transient_distribution(&self, steps: usize) -> Result<Answer<IndexMap<T::State, Ratio>>, Error> {
        answer((|| -> Result<IndexMap<T::State, Ratio>, Stop> {
            let (graph, init) = self.explore("transient_distribution", ANSWER)?;
            let chain = self.weights().chain(&graph)?;
            let pi = dtmc::transient(&chain, init, steps);
            Ok(graph.states().cloned().zip(pi).collect())
        })())
    }

    /// The expected accumulated [`cost`](Prob::cost) until a run first reaches a `target`
    /// state (with the default unit cost, the expected number of steps). 0 when the initial
    /// state is a target. With [`steps`](Prob::steps): until the target or that many steps,
    /// whichever comes first, always finite.
    ///
    /// [`Answer::Infinite`] when, unbounded, the target is not reached almost surely.
    ///
    /// # Errors
    /// As [`reach_probability`](Prob::reach_probability).
    pub fn expected_reward(&self, target: impl Fn(&T::State) -> bool) -> Result<Answer<Ratio>, Error> {
        answer((|| -> Result<Ratio, Stop> {
            let (graph, init) = self.explore("expected_reward", EXPECTATION)?;
            let target = mask(&graph, target);
            if target[init] {
                return Ok(Ratio::zero());
            }
            let weights = self.weights();
            let chain = weights.chain(&graph)?;
            let n = chain.len();
            let scope = dtmc::scope_from(n, init, |s| chain.succ(s), |s| target[s]);
            if let Some(k) = self.steps {
                let immediate = weights.immediate_costs(&graph, |_| true)?;
                return Ok(dtmc::bounded_expectation(&chain, &scope, init, &target, &immediate, k));
            }
            if !dtmc::almost_surely(n, &scope, |s| chain.succ(s), &target, init) {
                return Err(Stop::Infinite(
                    "expected_reward: the target is not reached almost surely from the initial state (reach probability < 1), so the expected cost is infinite".to_owned(),
                ));
            }
            let immediate = weights.immediate_costs(&graph, |s| !target[s])?;
            Ok(dtmc::expectation(&chain, &scope, init, &target, &immediate)?)
        })())
    }

    /// The long-run average of `reward(state)` per step (any sign): over the bottom strongly
    /// connected components the run can end in, the probability of ending there times the
    /// component's stationary average. Exact for periodic components too (a 2-cycle spends
    /// half its time in each state).
    ///
    /// # Errors
    /// As [`reach_probability`](Prob::reach_probability), and for a reward that is not exact.
    pub fn long_run_reward<R: IntoRatio>(
        &self,
        reward: impl Fn(&T::State) -> R,
    ) -> Result<Answer<Ratio>, Error> {
        answer(self.long_run("long_run_reward", &|s: &T::State| exact_reward(&reward, s)))
    }

    /// The long-run fraction of time spent in `target` states.
    ///
    /// # Errors
    /// As [`reach_probability`](Prob::reach_probability).
    pub fn long_run_probability(&self, target: impl Fn(&T::State) -> bool) -> Result<Answer<Ratio>, Error> {
        answer(self.long_run("long_run_probability", &|s: &T::State| Ok(indicator(target(s)))))
    }

    fn long_run(
        &self,
        func: &str,
        reward: &dyn Fn(&T::State) -> Result<Ratio, Error>,
    ) -> Result<Ratio, Stop> {
        let (graph, init) = self.explore(func, LONG_RUN)?;
        let chain = self.weights().chain(&graph)?;
        let scope = dtmc::scope_from(chain.len(), init, |s| chain.succ(s), |_| false);
        Ok(dtmc::long_run(
            chain.len(),
            &scope,
            init,
            |s| chain.succ(s),
            |s| reward(graph.state(graph_id(s))),
        )?)
    }

    /// The probability that a run satisfies `formula`, for the fragment that reduces to
    /// reachability: `F p`, `G p`, `G F p`, `F G p`, `X p`, `a U b`, `a R b`, `a W b` with
    /// `p`, `a`, `b` state formulas (atoms under `!`, `&`, `|`, `->`), after negations are
    /// pushed inward (so `!F p` is `G !p`). `G F p` is the probability of ending in a bottom
    /// component that holds a `p` state, `F G p` in one that lies inside `p`.
    ///
    /// The first matching shape decides, as in the original: `F F a`, `G G a`, `X X a`, a bare
    /// atom and `F a & F b` are outside the fragment.
    ///
    /// # Errors
    /// [`ErrorKind::Unsupported`] outside the fragment (after the exploration and weight
    /// errors); otherwise as [`reach_probability`](Prob::reach_probability).
    pub fn probability_ltl(&self, formula: &Ltl<T::State>) -> Result<Answer<Ratio>, Error> {
        answer((|| -> Result<Ratio, Stop> {
            let phi = formula.nnf();
            let (graph, init) = self.explore("probability_ltl", PROBABILITY)?;
            let chain = self.weights().chain(&graph)?;
            let Some(shape) = pltl::shape(&phi) else {
                return Err(Error::new(
                    ErrorKind::Unsupported,
                    format!(
                        "probability_ltl supports F/X/G/GF/FG of a state predicate and a U b / a R b / a W b; {formula} needs the general probabilistic LTL engine (a deterministic automaton for the formula), which is not yet built"
                    ),
                ).into());
            };
            let n = chain.len();
            let holds = |p: &crate::system::Predicate<T::State>| mask(&graph, |s| p(s));
            let one_minus = |x: Ratio| Ratio::one() - x;
            match shape {
                Shape::InfinitelyOften(p) => {
                    let p = holds(&p);
                    let good = bottom_union(&chain, init, |b| b.iter().any(|&s| p[s as usize]));
                    reach_at(&chain, init, &good, None)
                }
                Shape::EventuallyAlways(p) => {
                    let p = holds(&p);
                    let good = bottom_union(&chain, init, |b| b.iter().all(|&s| p[s as usize]));
                    reach_at(&chain, init, &good, None)
                }
                Shape::Eventually(p) => reach_at(&chain, init, &holds(&p), None),
                Shape::Always(p) => {
                    let not_p: Vec<bool> = holds(&p).into_iter().map(|x| !x).collect();
                    reach_at(&chain, init, &not_p, None).map(one_minus)
                }
                Shape::Until(a, b) => {
                    let (a, b) = (holds(&a), holds(&b));
                    let until = chain.absorbing(|s| !a[s] && !b[s]);
                    reach_at(&until, init, &b, None)
                }
                Shape::Release(a, b) => {
                    let (a, b) = (holds(&a), holds(&b));
                    let release = chain.absorbing(|s| a[s] && b[s]);
                    let not_b: Vec<bool> = b.iter().map(|x| !x).collect();
                    reach_at(&release, init, &not_b, None).map(one_minus)
                }
                Shape::WeakUntil(a, b) => {
                    let (a, b) = (holds(&a), holds(&b));
                    let weak = chain.absorbing(|s| b[s]);
                    let neither: Vec<bool> = (0..n).map(|s| !a[s] && !b[s]).collect();
                    reach_at(&weak, init, &neither, None).map(one_minus)
                }
                Shape::Next(p) => {
                    let p = holds(&p);
                    let succ = chain.succ(init);
                    if succ.is_empty() {
                        return Ok(indicator(p[init]));
                    }
                    Ok(succ.iter().filter(|(t, _)| p[*t as usize]).map(|(_, q)| q).sum())
                }
            }
        })())
    }
}

/// The states of the bottom components (among those `init` reaches) that `keep` accepts.
fn bottom_union(chain: &Chain, init: usize, keep: impl Fn(&[u32]) -> bool) -> Vec<bool> {
    let n = chain.len();
    let scope = dtmc::scope_from(n, init, |s| chain.succ(s), |_| false);
    let mut good = vec![false; n];
    for b in dtmc::bottom_components(n, &scope, |s| chain.succ(s)) {
        if keep(&b) {
            for s in b {
                good[s as usize] = true;
            }
        }
    }
    good
}

fn graph_id(s: usize) -> crate::engine::StateId {
    crate::engine::StateId::new(s as u32)
}

/// P(F target) at `init` over a chain, unbounded or within `steps`.
fn reach_at(chain: &Chain, init: usize, target: &[bool], steps: Option<usize>) -> Result<Ratio, Stop> {
    let n = chain.len();
    let scope = dtmc::scope_from(n, init, |s| chain.succ(s), |s| target[s]);
    Ok(match steps {
        Some(k) => dtmc::bounded_reach(chain, &scope, init, target, k),
        None => dtmc::reach_value_at(n, &scope, |s| chain.succ(s), target, init)?,
    })
}

impl<'a, T: TransitionSystem> Prob<'a, T, Mdp<'a, T::State>> {
    /// Cap on the memoryless deterministic policies the long-run MDP questions enumerate
    /// (default [`DEFAULT_MAX_POLICIES`]): the product of every explored state's number of
    /// moves may equal it, not exceed it.
    pub fn max_policies(mut self, max_policies: u64) -> Self {
        self.kind.max_policies = max_policies;
        self
    }

    fn mdp(&self, graph: &Graph<T::State>, costs_for: Option<&[bool]>) -> Result<chain::Mdp, Error> {
        self.weights().mdp(graph, &self.kind.moves, costs_for)
    }

    /// The maximal or minimal probability, over all schedulers, of eventually reaching a
    /// `target` state (with [`avoid`](Prob::avoid) and [`steps`](Prob::steps) as for
    /// [`reach_probability`](Prob::reach_probability)). Exact policy iteration; for the
    /// minimum, the states from which a scheduler can avoid the target forever are found on the
    /// graph first and held at 0.
    ///
    /// # Errors
    /// As [`reach_probability`](Prob::reach_probability).
    pub fn reach_probability_mdp(
        &self,
        target: impl Fn(&T::State) -> bool,
        optimize: Optimize,
    ) -> Result<Answer<Ratio>, Error> {
        answer((|| -> Result<Ratio, Stop> {
            let (graph, init) = self.explore("reach_probability_mdp", PROBABILITY)?;
            let mut m = self.mdp(&graph, None)?;
            let target = mask(&graph, target);
            if let Some(avoid) = &self.avoid {
                m.absorb(|s| !target[s] && avoid(graph.state(graph_id(s))));
            }
            mdp_reach_at(&m, init, &target, self.steps, optimize)
        })())
    }

    /// [`reach_probability_mdp`](Prob::reach_probability_mdp) in floating point: an
    /// [`Interval`] around the exact optimum, by sound interval iteration as for
    /// [`reach_probability_float`](Prob::reach_probability_float). For the minimum, the states
    /// from which a scheduler can avoid the target forever are held at 0 first; for the
    /// maximum, the maximal end components among the undecided states are collapsed (a
    /// scheduler could stay in one forever, which would hold the upper bound at 1).
    ///
    /// # Errors
    /// As [`reach_probability_mdp`](Prob::reach_probability_mdp).
    pub fn reach_probability_mdp_float(
        &self,
        target: impl Fn(&T::State) -> bool,
        optimize: Optimize,
    ) -> Result<Answer<Interval>, Error> {
        answer((|| -> Result<Interval, Stop> {
            let (graph, init) = self.explore("reach_probability_mdp_float", PROBABILITY)?;
            let mut m = self.mdp(&graph, None)?;
            let target = mask(&graph, target);
            if let Some(avoid) = &self.avoid {
                m.absorb(|s| !target[s] && avoid(graph.state(graph_id(s))));
            }
            let f = interval::FloatMdp::from_mdp(&m);
            drop(m);
            Ok(match self.steps {
                Some(k) => interval::bounded_reach(&f, init, &target, k, Some(optimize)),
                None => interval::reach(&f, init, &target, Some(optimize), self.epsilon),
            })
        })())
    }
    /// The minimal or maximal expected accumulated [`cost`](Prob::cost) until a `target` state
    /// over all schedulers (the stochastic shortest or longest path); 0 when the initial state
    /// is a target. With [`steps`](Prob::steps): until the target or that many steps, any cost
    /// sign allowed.
    ///
    /// Unbounded, every cost off the target must be positive (a member of a move checked even
    /// when its weight is 0, as in the original). The minimum needs some scheduler to reach
    /// the target almost surely; the maximum needs every scheduler to.
    ///
    /// [`Answer::Infinite`] when the optimum is infinite.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidInput`] for a cost ≤ 0 off the target (unbounded); otherwise as
    /// [`reach_probability`](Prob::reach_probability).
    pub fn expected_reward_mdp(
        &self,
        target: impl Fn(&T::State) -> bool,
        optimize: Optimize,
    ) -> Result<Answer<Ratio>, Error> {
        answer((|| -> Result<Ratio, Stop> {
            let (graph, init) = self.explore("expected_reward_mdp", EXPECTATION)?;
            let target = mask(&graph, target);
            if target[init] {
                return Ok(Ratio::zero());
            }
            let m = self.mdp(&graph, Some(&target))?;
            let scope = mdp::scope(&m, init, |s| target[s]);
            if let Some(k) = self.steps {
                return Ok(mdp::bounded_cost(&m, &scope, init, &target, k, optimize));
            }
            if m.nonpositive_cost {
                return Err(Error::new(
                    ErrorKind::InvalidInput,
                    "expected_reward_mdp: cost must be strictly POSITIVE off the target for the unbounded expected cost (a zero/negative-cost step breaks the stochastic-shortest-path assumption and would give a wrong value). Use positive costs, or steps=k for a bounded horizon.",
                ).into());
            }
            mdp::optimal_cost(&m, &scope, init, &target, optimize)
        })())
    }

    /// The maximal or minimal long-run average of `reward(state)` over all schedulers, by
    /// enumerating every memoryless deterministic policy (an optimal one always exists) and
    /// taking the extreme of [`long_run_reward`](Prob::long_run_reward) over their chains.
    /// Exponential: for small MDPs, guarded by [`max_policies`](Prob::max_policies).
    ///
    /// An [`Answer::Inconclusive`] of kind [`InconclusiveKind::PolicyLimit`] when the product
    /// of all states' move counts exceeds `max_policies`.
    ///
    /// # Errors
    /// As [`long_run_reward`](Prob::long_run_reward).
    pub fn long_run_reward_mdp<R: IntoRatio>(
        &self,
        reward: impl Fn(&T::State) -> R,
        optimize: Optimize,
    ) -> Result<Answer<Ratio>, Error> {
        answer(self.long_run_mdp("long_run_reward_mdp", &|s: &T::State| exact_reward(&reward, s), optimize))
    }

    /// The maximal or minimal long-run fraction of time in `target` states over all
    /// schedulers (see [`long_run_reward_mdp`](Prob::long_run_reward_mdp)).
    ///
    /// # Errors
    /// As [`long_run_reward_mdp`](Prob::long_run_reward_mdp).
    pub fn long_run_probability_mdp(
        &self,
        target: impl Fn(&T::State) -> bool,
        optimize: Optimize,
    ) -> Result<Answer<Ratio>, Error> {
        answer(self.long_run_mdp(
            "long_run_probability_mdp",
            &|s: &T::State| Ok(indicator(target(s))),
            optimize,
        ))
    }

    fn long_run_mdp(
        &self,
        func: &str,
        reward: &dyn Fn(&T::State) -> Result<Ratio, Error>,
        optimize: Optimize,
    ) -> Result<Ratio, Stop> {
        let (graph, init) = self.explore(func, ANSWER)?;
        let m = self.mdp(&graph, None)?;
        mdp::long_run_enumerate(&m, init, optimize, self.kind.max_policies, func, |s| {
            reward(graph.state(graph_id(s)))
        })
    }

    /// The maximal or minimal probability over all schedulers that a run satisfies `formula`,
    /// for the fragment of the Markov-chain [`probability_ltl`](Prob::probability_ltl). `G F p`
    /// (max) is reaching an end component that holds a `p` state, `F G p` (max) reaching the
    /// states a scheduler can keep inside `p` forever; the minima are their duals.
    ///
    /// # Errors
    /// As the Markov-chain [`probability_ltl`](Prob::probability_ltl).
    pub fn probability_ltl(
        &self,
        formula: &Ltl<T::State>,
        optimize: Optimize,
    ) -> Result<Answer<Ratio>, Error> {
        answer((|| -> Result<Ratio, Stop> {
            let phi = formula.nnf();
            let (graph, init) = self.explore("probability_ltl", PROBABILITY)?;
            let mut m = self.mdp(&graph, None)?;
            let Some(shape) = pltl::shape(&phi) else {
                return Err(Error::new(
                    ErrorKind::Unsupported,
                    format!(
                        "probability_ltl over an MDP supports F/X/G/GF/FG of a state predicate and a U b / a R b / a W b (max and min); {formula} needs the general probabilistic LTL engine (a deterministic automaton), not yet built"
                    ),
                ).into());
            };
            let n = m.len();
            let holds = |p: &crate::system::Predicate<T::State>| mask(&graph, |s| p(s));
            let not = |v: &[bool]| -> Vec<bool> { v.iter().map(|x| !x).collect() };
            let scope = mdp::scope(&m, init, |_| false);
            let r = |m: &chain::Mdp, target: &[bool], opt: Optimize| mdp_reach_at(m, init, target, None, opt);
            let one_minus = |x: Ratio| Ratio::one() - x;
            // Union of the end components holding a state where `p` holds.
            let mec_union = |m: &chain::Mdp, p: &[bool]| {
                let mut good = vec![false; n];
                for c in mdp::end_components(m, &scope) {
                    if c.iter().any(|&s| p[s as usize]) {
                        for s in c {
                            good[s as usize] = true;
                        }
                    }
                }
                good
            };
            match (shape, optimize) {
                (Shape::InfinitelyOften(p), Optimize::Max) => {
                    r(&m, &mec_union(&m, &holds(&p)), Optimize::Max)
                }
                (Shape::InfinitelyOften(p), Optimize::Min) => {
                    let not_p = not(&holds(&p));
                    let stay = mdp::staying_set(&m, &scope, |s| not_p[s]);
                    r(&m, &stay, Optimize::Max).map(one_minus)
                }
                (Shape::EventuallyAlways(p), Optimize::Max) => {
                    let p = holds(&p);
                    let stay = mdp::staying_set(&m, &scope, |s| p[s]);
                    r(&m, &stay, Optimize::Max)
                }
                (Shape::EventuallyAlways(p), Optimize::Min) => {
                    r(&m, &mec_union(&m, &not(&holds(&p))), Optimize::Max).map(one_minus)
                }
                (Shape::Eventually(p), opt) => r(&m, &holds(&p), opt),
                (Shape::Always(p), opt) => r(&m, &not(&holds(&p)), opt.dual()).map(one_minus),
                (Shape::Until(a, b), opt) => {
                    let (a, b) = (holds(&a), holds(&b));
                    m.absorb(|s| !a[s] && !b[s]);
                    r(&m, &b, opt)
                }
                (Shape::Release(a, b), opt) => {
                    let (a, b) = (holds(&a), holds(&b));
                    m.absorb(|s| a[s] && b[s]);
                    r(&m, &not(&b), opt.dual()).map(one_minus)
                }
                (Shape::WeakUntil(a, b), opt) => {
                    let (a, b) = (holds(&a), holds(&b));
                    m.absorb(|s| b[s]);
                    let neither: Vec<bool> = (0..n).map(|s| !a[s] && !b[s]).collect();
                    r(&m, &neither, opt.dual()).map(one_minus)
                }
                (Shape::Next(p), opt) => {
                    let p = holds(&p);
                    let values = m.moves[init].iter().map(|mv| {
                        if mv.dist.is_empty() {
                            indicator(p[init])
                        } else {
                            mv.dist.iter().filter(|(t, _)| p[*t as usize]).map(|(_, q)| q).sum()
                        }
                    });
                    Ok(values.reduce(|a, b| opt.pick(a, b)).unwrap_or_default())
                }
            }
        })())
    }
}

/// Optimal P(F target) at `init` over an MDP, unbounded or within `steps`.
fn mdp_reach_at(
    m: &chain::Mdp,
    init: usize,
    target: &[bool],
    steps: Option<usize>,
    optimize: Optimize,
) -> Result<Ratio, Stop> {
    let scope = mdp::scope(m, init, |s| target[s]);
    Ok(match steps {
        Some(k) => mdp::bounded_reach(m, &scope, init, target, k, optimize),
        None => std::mem::take(&mut mdp::optimal_reach(m, &scope, target, optimize)?[init]),
    })
}

/// [`Prob::reach_probability`] with the defaults (uniform weights).
///
/// # Errors
/// As [`Prob::reach_probability`].
pub fn reach_probability<T: TransitionSystem>(
    sys: &T,
    target: impl Fn(&T::State) -> bool,
) -> Result<Answer<Ratio>, Error> {
    Prob::new(sys).reach_probability(target)
}

/// [`Prob::transient_distribution`] with the defaults.
///
/// # Errors
/// As [`Prob::transient_distribution`].
pub fn transient_distribution<T: TransitionSystem>(
    sys: &T,
    steps: usize,
) -> Result<Answer<IndexMap<T::State, Ratio>>, Error> {
    Prob::new(sys).transient_distribution(steps)
}

/// [`Prob::expected_reward`] with the defaults (uniform weights, unit cost: expected steps).
///
/// # Errors
/// As [`Prob::expected_reward`].
pub fn expected_reward<T: TransitionSystem>(
    sys: &T,
    target: impl Fn(&T::State) -> bool,
) -> Result<Answer<Ratio>, Error> {
    Prob::new(sys).expected_reward(target)
}

/// [`Prob::long_run_reward`] with the defaults.
///
/// # Errors
/// As [`Prob::long_run_reward`].
pub fn long_run_reward<T: TransitionSystem, R: IntoRatio>(
    sys: &T,
    reward: impl Fn(&T::State) -> R,
) -> Result<Answer<Ratio>, Error> {
    Prob::new(sys).long_run_reward(reward)
}

/// [`Prob::long_run_probability`] with the defaults.
///
/// # Errors
/// As [`Prob::long_run_probability`].
pub fn long_run_probability<T: TransitionSystem>(
    sys: &T,
    target: impl Fn(&T::State) -> bool,
) -> Result<Answer<Ratio>, Error> {
    Prob::new(sys).long_run_probability(target)
}

/// [`Prob::reach_probability_mdp`] with the defaults.
///
/// # Errors
/// As [`Prob::reach_probability_mdp`].
pub fn reach_probability_mdp<T, F>(
    sys: &T,
    target: impl Fn(&T::State) -> bool,
    moves: F,
    optimize: Optimize,
) -> Result<Answer<Ratio>, Error>
where
    T: TransitionSystem,
    F: Fn(&T::State, &[String]) -> Vec<Vec<String>>,
{
    Prob::new(sys).moves(moves).reach_probability_mdp(target, optimize)
}

/// [`Prob::expected_reward_mdp`] with the defaults (uniform weights, unit cost).
///
/// # Errors
/// As [`Prob::expected_reward_mdp`].
pub fn expected_reward_mdp<T, F>(
    sys: &T,
    target: impl Fn(&T::State) -> bool,
    moves: F,
    optimize: Optimize,
) -> Result<Answer<Ratio>, Error>
where
    T: TransitionSystem,
    F: Fn(&T::State, &[String]) -> Vec<Vec<String>>,
{
    Prob::new(sys).moves(moves).expected_reward_mdp(target, optimize)
}

/// [`Prob::long_run_reward_mdp`] with the defaults.
///
/// # Errors
/// As [`Prob::long_run_reward_mdp`].
pub fn long_run_reward_mdp<T, F, R>(
    sys: &T,
    reward: impl Fn(&T::State) -> R,
    moves: F,
    optimize: Optimize,
) -> Result<Answer<Ratio>, Error>
where
    T: TransitionSystem,
    F: Fn(&T::State, &[String]) -> Vec<Vec<String>>,
    R: IntoRatio,
{
    Prob::new(sys).moves(moves).long_run_reward_mdp(reward, optimize)
}

/// [`Prob::long_run_probability_mdp`] with the defaults.
///
/// # Errors
/// As [`Prob::long_run_probability_mdp`].
pub fn long_run_probability_mdp<T, F>(
    sys: &T,
    target: impl Fn(&T::State) -> bool,
    moves: F,
    optimize: Optimize,
) -> Result<Answer<Ratio>, Error>
where
    T: TransitionSystem,
    F: Fn(&T::State, &[String]) -> Vec<Vec<String>>,
{
    Prob::new(sys).moves(moves).long_run_probability_mdp(target, optimize)
}

/// [`Prob::probability_ltl`] over the Markov chain with uniform weights.
///
/// # Errors
/// As [`Prob::probability_ltl`].
pub fn probability_ltl<T: TransitionSystem>(
    sys: &T,
    formula: &Ltl<T::State>,
) -> Result<Answer<Ratio>, Error> {
    Prob::new(sys).probability_ltl(formula)
}

/// A bound on a probability or expectation, for [`assert_probability`]: `equals`, `at_least`,
/// `at_most` (give both of the last two for a range), and a label for the message.
///
/// ```
/// use musil::probabilistic::{Expect, ratio};
/// let p = ratio(1, 3);
/// assert!(Expect::at_most(ratio(1, 2)).check(&p).holds());
/// let e = Expect::equals(ratio(1, 2)).label("P").check(&p);
/// assert_eq!(e.shown_reason().unwrap(), "P: expected == 1/2, got 1/3");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[must_use = "an Expect does nothing until given to assert_probability or check"]
pub struct Expect {
    equals: Option<Ratio>,
    at_least: Option<Ratio>,
    at_most: Option<Ratio>,
    label: String,
}

fn bound(b: impl IntoRatio, which: &str) -> Ratio {
    b.into_ratio().unwrap_or_else(|text| {
        panic!("assert_probability: the {which} bound {text} is not an exact rational")
    })
}

impl Expect {
    fn new() -> Self {
        Expect { equals: None, at_least: None, at_most: None, label: "probability".to_owned() }
    }

    /// Exactly this value (a float bound counts as the decimal it prints as, a [`Binary`] one by
    /// its binary value; see [`IntoRatio`]).
    ///
    /// # Panics
    /// When the bound is NaN or infinite.
    pub fn equals(value: impl IntoRatio) -> Self {
        Expect { equals: Some(bound(value, "equals")), ..Self::new() }
    }

    /// At least this value.
    ///
    /// # Panics
    /// When the bound is NaN or infinite.
    pub fn at_least(value: impl IntoRatio) -> Self {
        Expect { at_least: Some(bound(value, "at_least")), ..Self::new() }
    }

    /// At most this value.
    ///
    /// # Panics
    /// When the bound is NaN or infinite.
    pub fn at_most(value: impl IntoRatio) -> Self {
        Expect { at_most: Some(bound(value, "at_most")), ..Self::new() }
    }

    /// Also at least this value.
    ///
    /// # Panics
    /// When the bound is NaN or infinite.
    pub fn and_at_least(mut self, value: impl IntoRatio) -> Self {
        self.at_least = Some(bound(value, "at_least"));
        self
    }

    /// Also at most this value.
    ///
    /// # Panics
    /// When the bound is NaN or infinite.
    pub fn and_at_most(mut self, value: impl IntoRatio) -> Self {
        self.at_most = Some(bound(value, "at_most"));
        self
    }

    /// The name in the failure message (default `probability`).
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = label.into();
        self
    }

    /// Whether `actual` meets every bound. The bounds are tested in the order `equals`,
    /// `at_least`, `at_most`; the first that fails is reported as
    /// `{label}: expected == {bound}, got {actual}` (or `>=`, `<=`). An infinite or
    /// inconclusive answer meets no bound: `{label}: expected a bound, got {answer}`.
    pub fn check(&self, actual: &impl Measured) -> Verdict {
        let actual = match actual.measured() {
            Ok(v) => v,
            Err(text) => {
                return Verdict::Violated(Some(format!("{}: expected a bound, got {text}", self.label)));
            }
        };
        let fail = |op: &str, b: &Ratio| {
            Verdict::Violated(Some(format!("{}: expected {op} {b}, got {actual}", self.label)))
        };
        if let Some(b) = &self.equals {
            if actual != b {
                return fail("==", b);
            }
        }
        if let Some(b) = &self.at_least {
            if actual < b {
                return fail(">=", b);
            }
        }
        if let Some(b) = &self.at_most {
            if actual > b {
                return fail("<=", b);
            }
        }
        Verdict::Holds
    }
}

/// A probability or expectation as [`Expect`] reads it: a [`Ratio`], or an [`Answer`] (whose
/// infinite and inconclusive forms meet no bound).
pub trait Measured {
    /// The exact value, or the text of what stands in its place.
    fn measured(&self) -> Result<&Ratio, String>;
}

impl Measured for Ratio {
    fn measured(&self) -> Result<&Ratio, String> {
        Ok(self)
    }
}

impl Measured for Answer<Ratio> {
    fn measured(&self) -> Result<&Ratio, String> {
        self.exact().ok_or_else(|| self.to_string())
    }
}

/// Assert that an exact probability or expectation meets its bound, the quantitative
/// counterpart of [`assert_ok!`](crate::assert_ok): panics with
/// `{label}: expected == {bound}, got {actual}` (or `>=`, `<=`) otherwise.
///
/// ```
/// use musil::probabilistic::{assert_probability, ratio, Expect};
/// assert_probability(&ratio(1, 3), Expect::at_least(0).and_at_most(ratio(1, 2)).label("failure rate"));
/// ```
///
/// # Panics
/// When `actual` misses a bound (see [`Expect::check`]).
#[track_caller]
pub fn assert_probability(actual: &impl Measured, expect: Expect) {
    if let Verdict::Violated(why) = expect.check(actual) {
        panic!("{}", why.unwrap_or_default());
    }
}
