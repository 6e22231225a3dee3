//! `simulate`: many seeded runs of the real nodes, each checked by an oracle after every step.

use std::fmt::{self, Debug};
use std::ops::ControlFlow;
use std::rc::Rc;

use super::faults::FaultSchedule;
use super::network::NetworkModel;
use super::node::Nodes;
use super::random::{CpythonRandom, SimRng};
use super::refine::{Refinement, Refiner};
use super::simulator::{DEFAULT_MAX_STEPS, SimError, Simulator};
use crate::system::{State, TransitionSystem};

/// A predicate's result judged as Python judges a condition: `true`, a non-empty string and
/// `Some(_)` hold; `false`, an empty string and `None` do not.
pub trait Truthy {
    /// Does this result hold?
    fn truthy(&self) -> bool;
}

impl Truthy for bool {
    fn truthy(&self) -> bool {
        *self
    }
}
impl Truthy for &str {
    fn truthy(&self) -> bool {
        !self.is_empty()
    }
}
impl Truthy for String {
    fn truthy(&self) -> bool {
        !self.is_empty()
    }
}
impl<T> Truthy for Option<T> {
    fn truthy(&self) -> bool {
        self.is_some()
    }
}

/// What a failing run broke.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FailureKind {
    /// An invariant was false in some world.
    Invariant,
    /// A world left the model (see [`Simulation::refines`]).
    Refinement,
    /// The settled world misses the goal, with no fault schedule (or one that heals at 0).
    Goal,
    /// The goal was not reached after the faults healed, or not within
    /// [`Simulation::converge_within`] steps.
    Liveness,
}

impl FailureKind {
    /// The kind in lower case (`invariant`, `refinement`, `goal`, `liveness`).
    pub fn as_str(self) -> &'static str {
        match self {
            FailureKind::Invariant => "invariant",
            FailureKind::Refinement => "refinement",
            FailureKind::Goal => "goal",
            FailureKind::Liveness => "liveness",
        }
    }
}

impl fmt::Display for FailureKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A reproducible failure: rerun its seed alone and it happens again.
#[derive(Clone, Debug, PartialEq)]
pub struct SimFailure<W> {
    /// The failing seed.
    pub seed: u64,
    /// What broke.
    pub kind: FailureKind,
    /// The invariant's or goal's name, or the refinement violation's text.
    pub detail: String,
    /// The snapshot's index: 0 is the world after the nodes start, k the world after step k.
    pub step: usize,
    /// The offending world.
    pub world: W,
    /// Every snapshot up to and including `world`.
    pub history: Vec<W>,
}

impl<W: Debug> fmt::Display for SimFailure<W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} on seed {} at step {}: {}\n  world: {:?}\n  reproduce with seeds=[{}]",
            self.kind.as_str().to_uppercase(),
            self.seed,
            self.step,
            self.detail,
            self.world,
            self.seed
        )
    }
}

/// What [`Simulation::run`] found: every seed passed, or the first failure.
#[derive(Clone, Debug, PartialEq)]
#[must_use = "a report says whether the runs passed"]
pub struct SimReport<W> {
    /// Runs made, the failing one included.
    pub runs: u64,
    /// The first failure, if any.
    pub failure: Option<SimFailure<W>>,
}

impl<W> SimReport<W> {
    /// Did every run pass?
    pub fn ok(&self) -> bool {
        self.failure.is_none()
    }
}

impl<W: Debug> fmt::Display for SimReport<W> {
    /// `OK -- {runs} simulated runs, no failures`, or the failure's text and
    /// `({runs} runs before the failing seed)` (the original's words: `runs` counts the failing
    /// seed too).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.failure {
            None => write!(f, "OK -- {} simulated runs, no failures", self.runs),
            Some(failure) => write!(f, "{failure}\n({} runs before the failing seed)", self.runs),
        }
    }
}

type Predicate<W> = Box<dyn Fn(&W) -> bool>;
type Snapshot<M, W> = Box<dyn Fn(&Nodes<M>) -> W>;
type PerSeedFaults = Box<dyn Fn(&mut dyn SimRng) -> FaultSchedule>;

enum Faults {
    Fixed(FaultSchedule),
    PerSeed(PerSeedFaults),
}

/// Deterministic simulation testing of real node code: one run per seed, each from fresh nodes,
/// with the world snapshotted after the nodes start and after every step and judged by an
/// oracle. Built by [`simulate`]; run by [`Simulation::run`].
///
/// **The oracle**, per snapshot (`step` = its index), in order: the invariants in the order
/// added (the first that fails ends the run, kind `invariant`); the refinement check (kind
/// `refinement`); then, with a goal and [`converge_within`](Simulation::converge_within), a
/// cumulative count of snapshots taken at or after the faults' heal time with the goal false
/// (it never resets), failing as `liveness` once it exceeds the bound. After a run ends
/// (quiescent or at the step cap) the last world must meet the goal: otherwise `liveness` if
/// the schedule heals after 0, else `goal`.
#[must_use = "a simulation does nothing until `run`"]
pub struct Simulation<M, W> {
    factory: Rc<dyn Fn() -> Nodes<M>>,
    snapshot: Snapshot<M, W>,
    network: NetworkModel<M>,
    faults: Option<Faults>,
    invariants: Vec<(String, Predicate<W>)>,
    refinement: Option<Box<dyn Refiner<W>>>,
    require_init: bool,
    goal: Option<(String, Predicate<W>)>,
    converge_within: Option<u64>,
    max_steps: u64,
    rng: Rc<dyn Fn(u64) -> Box<dyn SimRng>>,
}

impl<M, W> Debug for Simulation<M, W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Simulation")
            .field("invariants", &self.invariants.iter().map(|(n, _)| n).collect::<Vec<_>>())
            .field("goal", &self.goal.as_ref().map(|(n, _)| n))
            .field("converge_within", &self.converge_within)
            .field("max_steps", &self.max_steps)
            .finish_non_exhaustive()
    }
}

/// Simulate the nodes `factory` builds, observing each world through `snapshot`.
///
/// ```
/// use musil::sim::{simulate, Context, FailureKind, NetworkModel, Node, Nodes};
///
/// // A sender that pushes once, and a receiver that keeps what it gets.
/// struct Push;
/// impl Node<u32> for Push {
///     fn on_start(&mut self, ctx: &mut Context<'_, u32>) { ctx.send("r", 1u32) }
/// }
/// #[derive(Default)]
/// struct Keep { got: u32 }
/// impl Node<u32> for Keep {
///     fn on_message(&mut self, _: &mut Context<'_, u32>, _: &str, v: &u32) { self.got = *v }
/// }
/// let report = simulate(
///     || Nodes::new().node("s", Push).node("r", Keep::default()),
///     |nodes| nodes.get::<Keep>("r").unwrap().got,
/// )
/// .network(NetworkModel::new().loss(0.4))
/// .goal("delivered", |got| *got == 1)
/// .run(0..200)
/// .unwrap();
/// let failure = report.failure.as_ref().unwrap();
/// assert_eq!((failure.kind, failure.seed, failure.step, report.runs), (FailureKind::Goal, 1, 0, 2));
/// assert!(report.to_string().starts_with("GOAL on seed 1 at step 0: delivered\n  world: 0"));
/// ```
pub fn simulate<M: Clone + 'static, W: Clone + Debug + 'static>(
    factory: impl Fn() -> Nodes<M> + 'static,
    snapshot: impl Fn(&Nodes<M>) -> W + 'static,
) -> Simulation<M, W> {
    Simulation {
        factory: Rc::new(factory),
        snapshot: Box::new(snapshot),
        network: NetworkModel::default(),
        faults: None,
        invariants: Vec::new(),
        refinement: None,
        require_init: true,
        goal: None,
        converge_within: None,
        max_steps: DEFAULT_MAX_STEPS,
        rng: Rc::new(|seed| Box::new(CpythonRandom::new(seed))),
    }
}

impl<M: Clone + 'static, W: Clone + Debug + 'static> Simulation<M, W> {
    /// The network model of every run.
    pub fn network(mut self, network: NetworkModel<M>) -> Self {
        self.network = network;
        self
    }

    /// One fault schedule for every run.
    pub fn faults(mut self, faults: FaultSchedule) -> Self {
        self.faults = Some(Faults::Fixed(faults));
        self
    }

    /// A fault schedule per seed, drawn from a fresh generator seeded with the run's seed (a
    /// separate stream from the run's, whose first draw equals the run's first draw).
    pub fn faults_per_seed(mut self, faults: impl Fn(&mut dyn SimRng) -> FaultSchedule + 'static) -> Self {
        self.faults = Some(Faults::PerSeed(Box::new(faults)));
        self
    }

    /// An invariant every world must satisfy ([`Truthy`]: a non-empty string holds).
    pub fn invariant<R: Truthy>(
        mut self,
        name: impl Into<String>,
        predicate: impl Fn(&W) -> R + 'static,
    ) -> Self {
        self.invariants.push((name.into(), Box::new(move |w| predicate(w).truthy())));
        self
    }

    /// Every run must refine `model`: `abstraction` maps each world to a model state, which must
    /// be reachable, the first one initial (unless [`require_init`](Self::require_init) is
    /// false), and each change a transition of the model (repeating a state is allowed). The
    /// model is explored once, here. (The original takes the model and the abstraction
    /// separately and refuses a model without one; here they come together.)
    pub fn refines<T: TransitionSystem>(
        mut self,
        model: &T,
        abstraction: impl Fn(&W) -> T::State + 'static,
    ) -> Self
    where
        T::State: State,
    {
        self.refinement = Some(Box::new(Refinement::new(model, abstraction, self.require_init)));
        self
    }

    /// Whether the first world must map to an initial state of the model (default true; false
    /// checks a run that starts mid-way).
    pub fn require_init(mut self, require: bool) -> Self {
        self.require_init = require;
        self
    }

    /// The goal the settled world must meet, and its name in reports.
    pub fn goal<R: Truthy>(mut self, name: impl Into<String>, goal: impl Fn(&W) -> R + 'static) -> Self {
        self.goal = Some((name.into(), Box::new(move |w| goal(w).truthy())));
        self
    }

    /// Fail (as `liveness`) once more than `steps` snapshots taken at or after the heal time
    /// miss the goal, counted over the whole run: a livelock is caught before the step cap.
    pub fn converge_within(mut self, steps: u64) -> Self {
        self.converge_within = Some(steps);
        self
    }

    /// The step cap of each run (default [`DEFAULT_MAX_STEPS`]).
    pub fn max_steps(mut self, max_steps: u64) -> Self {
        self.max_steps = max_steps;
        self
    }

    /// Draw from another generator, built from each run's seed (the default is CPython's
    /// `Random(seed)`).
    pub fn rng<R: SimRng + 'static>(mut self, rng: impl Fn(u64) -> R + 'static) -> Self {
        self.rng = Rc::new(move |seed| Box::new(rng(seed)));
        self
    }

    /// Run once per seed, in order, and stop at the first failing seed. A node handler's panic,
    /// a send to an unknown node or an empty latency range ends it with a [`SimError`] naming
    /// the seed, the node and the step.
    pub fn run(&mut self, seeds: impl IntoIterator<Item = u64>) -> Result<SimReport<W>, SimError> {
        let mut runs = 0;
        for seed in seeds {
            runs += 1;
            if let Some(failure) = self.run_seed(seed).map_err(|e| e.with_seed(seed))? {
                return Ok(SimReport { runs, failure: Some(failure) });
            }
        }
        Ok(SimReport { runs, failure: None })
    }

    fn run_seed(&mut self, seed: u64) -> Result<Option<SimFailure<W>>, SimError> {
        let schedule = match &self.faults {
            None => None,
            Some(Faults::Fixed(s)) => Some(s.clone()),
            Some(Faults::PerSeed(f)) => Some(f(&mut *(self.rng)(seed))),
        };
        let heal_time = schedule.as_ref().map_or(0, FaultSchedule::heal_time);
        let mut sim = Simulator::new((self.factory)())
            .boxed_rng((self.rng)(seed))
            .network(self.network.clone())
            .rebuild_rc(self.factory.clone())
            .max_steps(self.max_steps);
        if let Some(s) = schedule {
            sim = sim.faults(s);
        }
        if let Some(r) = &mut self.refinement {
            r.reset(self.require_init);
        }
        let mut history: Vec<W> = Vec::new();
        let mut failure: Option<SimFailure<W>> = None;
        let mut post_heal = 0u64;
        let Simulation { snapshot, invariants, refinement, goal, converge_within, .. } = self;
        sim.run_observed(|sim| {
            let world = snapshot(sim.nodes());
            history.push(world.clone());
            let step = history.len() - 1;
            let mut fail = |kind, detail: String| {
                failure = Some(SimFailure {
                    seed,
                    kind,
                    detail,
                    step,
                    world: world.clone(),
                    history: history.clone(),
                });
                ControlFlow::Break(())
            };
            if let Some((name, _)) = invariants.iter().find(|(_, holds)| !holds(&world)) {
                return fail(FailureKind::Invariant, name.clone());
            }
            if let Some(violation) = refinement.as_mut().and_then(|r| r.observe(&world)) {
                return fail(FailureKind::Refinement, violation);
            }
            if let (Some((name, reached)), Some(bound)) = (goal.as_ref(), *converge_within) {
                if sim.now() >= heal_time && !reached(&world) {
                    post_heal += 1;
                    if post_heal > bound {
                        return fail(FailureKind::Liveness, name.clone());
                    }
                }
            }
            ControlFlow::Continue(())
        })?;
        if failure.is_some() {
            return Ok(failure);
        }
        if let (Some((name, reached)), Some(last)) = (goal.as_ref(), history.last()) {
            if !reached(last) {
                let kind = if heal_time > 0 { FailureKind::Liveness } else { FailureKind::Goal };
                let world = last.clone();
                return Ok(Some(SimFailure {
                    seed,
                    kind,
                    detail: name.clone(),
                    step: history.len() - 1,
                    world,
                    history,
                }));
            }
        }
        Ok(None)
    }
}
