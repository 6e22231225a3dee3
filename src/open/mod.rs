//! Open-system checking: a model against adversarial environments, with the assumptions the
//! verdict rests on returned as residual proof obligations.
//!
//! The idea is the two-layer assurance of seL4 (Klein et al., SOSP 2009) applied to services:
//! the model checker proves what it can over every interleaving, and what it cannot prove is
//! said explicitly. An [`EnvironmentSpec`] is a platform's contract:
//! - **behaviours**: what the platform may do to the system at any moment (evict the pod,
//!   throttle the API call, change the etcd leader), as actions on the same global state;
//! - **guarantees**: what the platform promises, checked as invariants named `<env>:<name>`;
//! - **assumptions**: what the verdict takes on trust (a scheduler eventually places a pod, a
//!   quorum survives), each an [`Assumption`] with its status and the source it cites.
//!
//! [`check_open`] composes by merging (the system's actions, then each environment's
//! behaviours; the system's invariants, then each environment's guarantees) and runs one
//! breadth-first search over every interleaving of system steps and faults. The environment is
//! adversarial within its contract: it fires whenever its guard allows. The result carries
//! every assumption not marked verified, in environment order: what must still be checked
//! outside the model.
//!
//! ```
//! use musil::open::{check_open, Assumption, EnvironmentSpec, Status};
//! use musil::{Kind, Model};
//!
//! #[derive(Clone, Debug, PartialEq, Eq, Hash)]
//! struct Svc { status: &'static str, retries: u8 }
//!
//! let service = Model::new(Svc { status: "running", retries: 0 })
//!     .action("recover", |s| s.status != "running" && s.retries < 2, |s| Svc { status: "running", retries: s.retries + 1 })
//!     .invariant("not-permanently-failed", |s| !(s.status != "running" && s.retries >= 2));
//! let k8s = EnvironmentSpec::new("k8s")
//!     .behaviour("k8s:evict-pod", |s: &Svc| s.status == "running", |s| Svc { status: "evicted", ..s.clone() })
//!     .assumption(Assumption::new("k8s:node-capacity", "a node can always take the evicted pod")
//!         .status(Status::Unverified)
//!         .source("Kubernetes docs: Pod lifecycle"));
//!
//! let r = check_open(&service, &[k8s]);
//! assert_eq!(r.result.kind, Some(Kind::Invariant));
//! assert_eq!(r.result.action_names(), ["k8s:evict-pod", "recover", "k8s:evict-pod", "recover", "k8s:evict-pod"]);
//! assert_eq!(r.unverified_assumptions[0].name, "k8s:node-capacity");
//! ```
//!
//! Unlike the original, which rebuilt the composed model from the static actions only, the
//! composition keeps the system's `actions_fn` menu (environment behaviours follow it), its
//! footprint and its edge invariants: dropping them silently made the open check unsound.
//!
//! Unlike the original, which stores an assumption's predicate and never evaluates it, an
//! assumption may state what it means in checkable form, over states
//! ([`Assumption::predicate`]) or over steps ([`Assumption::at_most`], a bound on how often
//! named behaviours fire in one run). A counterexample is then read against every such
//! assumption, and the result says which ones it breaks ([`Open::broken_assumptions`]): the
//! obligations that would rule it out. [`check_open_assuming`] checks only the runs that keep
//! chosen assumptions. See [`assume`].

pub mod assume;
pub mod environments;

use std::fmt;
use std::sync::Arc;

use indexmap::IndexMap;

use crate::check::Checker;
use crate::error::Error;
use crate::liveness::{Liveness, LivenessResult};
use crate::model::{Action, Invariant, Model, Verdict};
use crate::result::{CheckResult, Outcome, Run};
use crate::system::{Predicate, State};

pub use assume::{Bound, Breach, BrokenAssumption, check_open_assuming};

/// How far an assumption is established.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Status {
    /// A foundation not expected to be proved (hardware executes faithfully). Still reported.
    Axiom,
    /// Proved elsewhere: not reported as an obligation.
    Verified,
    /// Stated but not yet validated: reported as an obligation.
    Unverified,
}

impl Status {
    /// The original's name: `axiom`, `verified`, `unverified`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Axiom => "axiom",
            Status::Verified => "verified",
            Status::Unverified => "unverified",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Something the verdict takes on trust, with the source it cites, and optionally what it
/// means in checkable form: a state predicate, a [`Bound`] on steps, or both (see [`assume`]).
/// Cheap to clone: the predicate and the bound are shared.
pub struct Assumption<S> {
    /// Its name, e.g. `k8s:node-capacity`.
    pub name: String,
    /// What is assumed, in words.
    pub description: String,
    /// How far it is established.
    pub status: Status,
    /// The citation; empty when there is none.
    pub source: String,
    /// Its checkable form over states: a predicate that must hold in every state of a run.
    /// Evaluated over counterexamples ([`Open::broken_assumptions`]) and, when the assumption
    /// is assumed, used to prune ([`Checker::check_open_assuming`]).
    pub predicate: Option<Predicate<S>>,
    /// Its checkable form over steps: how often named actions may fire in one run. Evaluated
    /// and assumed like the predicate.
    pub bound: Option<Bound>,
}

impl<S> Clone for Assumption<S> {
    fn clone(&self) -> Self {
        Assumption {
            name: self.name.clone(),
            description: self.description.clone(),
            status: self.status,
            source: self.source.clone(),
            predicate: self.predicate.clone(),
            bound: self.bound.clone(),
        }
    }
}

impl<S> fmt::Debug for Assumption<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Assumption")
            .field("name", &self.name)
            .field("description", &self.description)
            .field("status", &self.status)
            .field("source", &self.source)
            .field("predicate", &self.predicate.is_some())
            .field("bound", &self.bound)
            .finish()
    }
}

impl<S> PartialEq for Assumption<S> {
    /// Equal names, descriptions, statuses, sources and bounds (predicates, being closures, are
    /// not compared).
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
            && self.description == other.description
            && self.status == other.status
            && self.source == other.source
            && self.bound == other.bound
    }
}

impl<S> Assumption<S> {
    /// An unverified assumption with no source.
    ///
    /// The state type `S` is the one its predicate or its environment is written over. Given
    /// to [`EnvironmentSpec::assumption`] it is inferred; built on its own with no predicate
    /// (to keep in a list for later, say), name it: `Assumption::<MyState>::new(..)`.
    pub fn new(name: impl Into<String>, description: impl Into<String>) -> Self {
        Assumption {
            name: name.into(),
            description: description.into(),
            status: Status::Unverified,
            source: String::new(),
            predicate: None,
            bound: None,
        }
    }

    /// The same assumption with this status.
    #[must_use]
    pub fn status(mut self, status: Status) -> Self {
        self.status = status;
        self
    }

    /// The same assumption citing `source`.
    #[must_use]
    pub fn source(mut self, source: impl Into<String>) -> Self {
        self.source = source.into();
        self
    }

    /// The same assumption stated over states: `predicate` must hold in every state of a run
    /// (replacing any predicate given before). A counterexample with a state where it is false
    /// breaks the assumption; assuming it prunes such states. See [`assume`].
    #[must_use]
    pub fn predicate(mut self, predicate: impl Fn(&S) -> bool + Send + Sync + 'static) -> Self {
        self.predicate = Some(Arc::new(predicate));
        self
    }

    /// The same assumption stated over steps: the actions named in `actions` fire at most
    /// `max` times in one run, all of them together (one shared budget; replacing any bound
    /// given before). A counterexample in which they fire more often breaks the assumption;
    /// assuming it explores only runs within the budget. See [`Bound`] and [`assume`].
    ///
    /// ```
    /// use musil::open::Assumption;
    /// let faults: Assumption<u8> = Assumption::new("ops:rare-faults", "at most two faults per run")
    ///     .at_most(["k8s:evict-pod", "aws:throttle"], 2);
    /// assert_eq!(faults.bound.as_ref().unwrap().max(), 2);
    /// assert!(faults.is_checkable());
    /// ```
    #[must_use]
    pub fn at_most<I, N>(mut self, actions: I, max: usize) -> Self
    where
        I: IntoIterator<Item = N>,
        N: Into<String>,
    {
        self.bound = Some(Bound::new(actions, max));
        self
    }

    /// True when the assumption has a checkable form (a predicate, a bound, or both): it can
    /// then be evaluated over a counterexample and assumed in a check.
    pub fn is_checkable(&self) -> bool {
        self.predicate.is_some() || self.bound.is_some()
    }

    /// True unless the status is [`Status::Verified`]: the assumption is a residual obligation.
    pub fn is_residual(&self) -> bool {
        self.status != Status::Verified
    }
}

/// A platform's contract: behaviours (actions it may take at any moment), guarantees
/// (invariants it promises, reported as `<env>:<name>`) and assumptions.
pub struct EnvironmentSpec<S> {
    /// The environment's name (`k8s`, `aws`, ...), the prefix of its guarantees.
    pub name: String,
    /// Its behaviours, in order.
    pub behaviours: Vec<Action<S>>,
    /// Its guarantees, in order, by unqualified name.
    pub guarantees: IndexMap<String, Invariant<S>>,
    /// Its assumptions, in order, by key (the key is for replacing; only values are reported).
    pub assumptions: IndexMap<String, Assumption<S>>,
}

impl<S> Clone for EnvironmentSpec<S> {
    fn clone(&self) -> Self {
        EnvironmentSpec {
            name: self.name.clone(),
            behaviours: self.behaviours.clone(),
            guarantees: self.guarantees.clone(),
            assumptions: self.assumptions.clone(),
        }
    }
}

impl<S> fmt::Debug for EnvironmentSpec<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let behaviours: Vec<&str> = self.behaviours.iter().map(|b| b.name()).collect();
        f.debug_struct("EnvironmentSpec")
            .field("name", &self.name)
            .field("behaviours", &behaviours)
            .field("guarantees", &self.guarantees.keys().collect::<Vec<_>>())
            .field("assumptions", &self.assumptions.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl<S: State> EnvironmentSpec<S> {
    /// An environment with no behaviours, guarantees or assumptions yet.
    pub fn new(name: impl Into<String>) -> Self {
        EnvironmentSpec {
            name: name.into(),
            behaviours: Vec::new(),
            guarantees: IndexMap::new(),
            assumptions: IndexMap::new(),
        }
    }

    /// Add a behaviour: an (unfair) action the environment may take whenever `guard` holds.
    #[must_use]
    pub fn behaviour(
        self,
        name: impl Into<String>,
        guard: impl Fn(&S) -> bool + Send + Sync + 'static,
        effect: impl Fn(&S) -> S + Send + Sync + 'static,
    ) -> Self {
        self.add_behaviour(Action::new(name, guard, effect))
    }

    /// Add a behaviour whose effect edits the state in place (see
    /// [`Action::in_place`](crate::Action::in_place)).
    ///
    /// ```
    /// use musil::open::{EnvironmentSpec, check_open};
    /// use musil::Model;
    /// // A queue of jobs; the platform may drop the oldest.
    /// let m = Model::new(vec![1u8, 2]).action_in_place("run", |q| !q.is_empty(), |q| { q.remove(0); })
    ///     .invariant("bounded", |q| q.len() <= 2)
    ///     .terminal(|q| q.is_empty());
    /// let env = EnvironmentSpec::new("platform").behaviour_in_place("drop", |q: &Vec<u8>| !q.is_empty(), |q| q.truncate(q.len() - 1));
    /// let r = check_open(&m, &[env]);
    /// assert!(r.ok());
    /// ```
    #[must_use]
    pub fn behaviour_in_place(
        self,
        name: impl Into<String>,
        guard: impl Fn(&S) -> bool + Send + Sync + 'static,
        effect: impl Fn(&mut S) + Send + Sync + 'static,
    ) -> Self {
        self.add_behaviour(Action::in_place(name, guard, effect))
    }

    /// Add a prepared action as a behaviour.
    #[must_use]
    pub fn add_behaviour(mut self, action: Action<S>) -> Self {
        self.behaviours.push(action);
        self
    }

    /// Add a guarantee, checked as the invariant `<env name>:<name>`.
    #[must_use]
    pub fn guarantee<V: Into<Verdict>>(
        mut self,
        name: impl Into<String>,
        check: impl Fn(&S) -> V + Send + Sync + 'static,
    ) -> Self {
        let name = name.into();
        self.guarantees.insert(name.clone(), Invariant::new(name, check));
        self
    }

    /// Add an assumption under its own name; an assumption already under that name is replaced
    /// in place (to re-status a pre-wired one, for example).
    #[must_use]
    pub fn assumption(self, assumption: Assumption<S>) -> Self {
        let key = assumption.name.clone();
        self.assumption_keyed(key, assumption)
    }

    /// Add an assumption under a caller's key (same replace-in-place rule).
    #[must_use]
    pub fn assumption_keyed(mut self, key: impl Into<String>, assumption: Assumption<S>) -> Self {
        self.assumptions.insert(key.into(), assumption);
        self
    }

    /// Add several assumptions (the original's `extra_assumptions`).
    #[must_use]
    pub fn extra_assumptions(self, assumptions: impl IntoIterator<Item = Assumption<S>>) -> Self {
        assumptions.into_iter().fold(self, Self::assumption)
    }

    /// The behaviour names, in order.
    pub fn behaviour_names(&self) -> Vec<&str> {
        self.behaviours.iter().map(|b| b.name()).collect()
    }
}

// Shared immutable closures and plain data: a panic in user code leaves a spec as it was.
impl<S> std::panic::RefUnwindSafe for EnvironmentSpec<S> {}
impl<S> std::panic::UnwindSafe for EnvironmentSpec<S> {}

/// The system composed with its environments, as one [`Model`]: the system's actions (or
/// menu), then each environment's behaviours; the system's invariants, then each
/// environment's guarantees as `<env>:<name>`; the system's terminal states and edge
/// invariants.
pub fn compose<S: State>(system: &Model<S>, envs: &[EnvironmentSpec<S>]) -> Model<S> {
    let behaviours = envs.iter().flat_map(|e| e.behaviours.iter().cloned()).collect();
    let guarantees = envs
        .iter()
        .flat_map(|e| {
            e.guarantees.iter().map(move |(k, g)| {
                let g = g.clone();
                Invariant::new(format!("{}:{}", e.name, k), move |s: &S| g.eval(s))
            })
        })
        .collect();
    system.composed(behaviours, guarantees)
}

/// The assumptions not marked verified, environment by environment, in order (axioms
/// included; no de-duplication).
pub fn residual_assumptions<S>(envs: &[EnvironmentSpec<S>]) -> Vec<Assumption<S>> {
    envs.iter().flat_map(|e| e.assumptions.values().filter(|a| a.is_residual()).cloned()).collect()
}

/// The verdict of an open-system check and the obligations it rests on: [`OpenResult`] for
/// safety, [`OpenLivenessResult`] for liveness.
///
/// Besides the verdict and the residual obligations it knows every assumption of the
/// environments, so that a counterexample can be read against them
/// ([`Open::broken_assumptions`]), and which of them the check assumed ([`Open::assumed`]).
/// Its `Display` prints the verdict, then (for a counterexample) how the assumptions with a
/// checkable form fare along it, then the residual obligations, each broken or assumed one
/// marked.
#[derive(Clone, Debug)]
#[must_use = "an open result says whether the system survives its environments: assert on it or print it"]
pub struct Open<R, S> {
    /// The verdict over every interleaving of system steps and environment behaviours.
    pub result: R,
    /// The residual proof obligations: every assumption not marked verified, in order.
    pub unverified_assumptions: Vec<Assumption<S>>,
    /// Every assumption of the environments, in order, verified ones included.
    assumptions: Vec<Assumption<S>>,
    /// The names of the assumptions the check assumed, as given (duplicates removed).
    assumed: Vec<String>,
}

/// The result of [`check_open`].
pub type OpenResult<S> = Open<CheckResult<S>, S>;

/// The result of [`check_liveness_open`].
pub type OpenLivenessResult<S> = Open<LivenessResult<S>, S>;

impl<R, S> Open<R, S> {
    pub(crate) fn new(result: R, envs: &[EnvironmentSpec<S>], assumed: Vec<String>) -> Self {
        Open {
            result,
            unverified_assumptions: residual_assumptions(envs),
            assumptions: envs.iter().flat_map(|e| e.assumptions.values().cloned()).collect(),
            assumed,
        }
    }

    /// Every assumption of the environments the check ran against, in environment order,
    /// verified ones included (the residual obligations are the ones not verified).
    pub fn assumptions(&self) -> &[Assumption<S>] {
        &self.assumptions
    }

    /// The names of the assumptions this check assumed: runs that break them were not
    /// explored. Empty for [`check_open`]; see [`Checker::check_open_assuming`].
    pub fn assumed(&self) -> &[String] {
        &self.assumed
    }
}

impl<R: Outcome<State = S>, S> Open<R, S> {
    /// True when the property holds.
    pub fn ok(&self) -> bool {
        self.result.is_ok()
    }

    /// The assumptions this result's counterexample breaks, in environment order, each with
    /// why: every assumption with a checkable form (verified ones too: a verified assumption
    /// the counterexample breaks says the counterexample is a run the platform rules out) is
    /// evaluated along the counterexample. Empty when there is no counterexample.
    ///
    /// A safety counterexample is a finite run: a state predicate must hold in each of its
    /// states, and a bound caps how often its actions fire along it. A liveness
    /// counterexample is a lasso, a stem then a cycle repeated forever: the predicate must hold
    /// in the states of both, and a bound is broken as soon as the cycle contains one of its
    /// actions, since the run then takes it infinitely often. See [`Assumption::breaches`] and
    /// [`Assumption::breaches_on_lasso`].
    pub fn broken_assumptions(&self) -> Vec<BrokenAssumption> {
        let Some(Run { stem, cycle }) = self.result.counterexample_run() else {
            return Vec::new();
        };
        self.assumptions
            .iter()
            .filter_map(|a| {
                let breaches = a.breaches_on_lasso(stem, cycle);
                (!breaches.is_empty()).then(|| BrokenAssumption {
                    name: a.name.clone(),
                    status: a.status,
                    breaches,
                })
            })
            .collect()
    }
}

/// The residual obligations, in the original's layout; a broken or assumed one is marked at
/// the end of its line.
fn fmt_residuals<S>(
    f: &mut fmt::Formatter<'_>,
    residuals: &[Assumption<S>],
    broken: &[BrokenAssumption],
    assumed: &[String],
) -> fmt::Result {
    if residuals.is_empty() {
        return Ok(());
    }
    write!(f, "\nUnverified assumptions (residual proof obligations):")?;
    for a in residuals {
        write!(f, "\n  [{}] {}: {}", a.status, a.name, a.description)?;
        if !a.source.is_empty() {
            write!(f, "  [{}]", a.source)?;
        }
        if broken.iter().any(|b| b.name == a.name) {
            write!(f, "  ← BROKEN by this counterexample")?;
        }
        if assumed.contains(&a.name) {
            write!(f, "  ← assumed in this check")?;
        }
    }
    Ok(())
}

/// How the assumptions fare along a counterexample: a count line, then one line per broken
/// assumption with why.
fn fmt_report<S>(
    f: &mut fmt::Formatter<'_>,
    assumptions: &[Assumption<S>],
    broken: &[BrokenAssumption],
) -> fmt::Result {
    let checkable = assumptions.iter().filter(|a| a.is_checkable()).count();
    let unevaluable =
        broken.iter().filter(|b| b.breaches.iter().all(|x| matches!(x, Breach::Panic { .. }))).count();
    write!(
        f,
        "\nAssumptions along this counterexample: {} broken, {} hold, {} with no checkable form (no predicate, no bound)",
        broken.len() - unevaluable,
        checkable - broken.len(),
        assumptions.len() - checkable,
    )?;
    if unevaluable > 0 {
        write!(f, ", {unevaluable} could not be evaluated (a predicate panicked)")?;
    }
    for b in broken {
        write!(f, "\n  [{}] {b}", b.status)?;
    }
    Ok(())
}

impl<R: Outcome<State = S>, S> fmt::Display for Open<R, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.result)?;
        if !self.assumed.is_empty() {
            let counted =
                self.assumptions.iter().any(|a| a.bound.is_some() && self.assumed.contains(&a.name));
            let note = if counted { "; each state counted with its bound counters" } else { "" };
            write!(
                f,
                "\nAssumed in this check (runs that break them were not explored{note}): {}",
                self.assumed.join(", ")
            )?;
        }
        let broken = self.broken_assumptions();
        if self.result.counterexample_run().is_some() && !self.assumptions.is_empty() {
            fmt_report(f, &self.assumptions, &broken)?;
        }
        fmt_residuals(f, &self.unverified_assumptions, &broken, &self.assumed)
    }
}

/// Unlike the original (whose `assert_ok` could not see an open result's truncation and whose
/// `assert_violates` could not see its kind), an open result answers both from its verdict.
impl<R: Outcome<State = S>, S> Outcome for Open<R, S> {
    type State = S;
    fn is_ok(&self) -> bool {
        self.result.is_ok()
    }
    fn is_truncated(&self) -> bool {
        self.result.is_truncated()
    }
    fn kind_name(&self) -> Option<&'static str> {
        self.result.kind_name()
    }
    fn broken_invariant(&self) -> Option<&str> {
        self.result.broken_invariant()
    }
    fn counterexample_actions(&self) -> Vec<&str> {
        self.result.counterexample_actions()
    }
    fn witness_state(&self) -> Option<&S> {
        self.result.witness_state()
    }
    fn counterexample_run(&self) -> Option<Run<'_, S>> {
        self.result.counterexample_run()
    }
}

impl<S: State> Checker<'_, Model<S>> {
    /// Check the system against every interleaving of its environments' behaviours, with
    /// their guarantees as invariants, under this checker's [`Config`](crate::Config).
    pub fn check_open(&self, envs: &[EnvironmentSpec<S>]) -> OpenResult<S> {
        let composed = compose(self.sys, envs);
        let result = Checker::new(&composed).config(self.options.clone()).check();
        OpenResult::new(result, envs, Vec::new())
    }

    /// Check a liveness property of the system against its environments' behaviours, under
    /// this checker's [`Config`](crate::Config).
    ///
    /// The environments act but promise nothing here: their guarantees are not merged (that is
    /// [`check_open`]'s job). A lasso counterexample is read against the assumptions with a
    /// checkable form like a safety trace ([`Open::broken_assumptions`]), over its stem and
    /// cycle: a bound is broken by a cycle that takes one of its actions, since the run repeats
    /// it forever. Checking under assumptions is for safety only
    /// ([`Checker::check_open_assuming`]). Fairness defaults differ from [`check_liveness`](crate::check_liveness):
    /// when `spec` gives no weak fairness, exactly the system's own actions are weakly fair (an
    /// adversary is never assumed to help), and when it gives no strong fairness there is none;
    /// the actions' fairness tags are not read. Explicit names must match composed actions.
    pub fn check_liveness_open(
        &self,
        envs: &[EnvironmentSpec<S>],
        spec: &Liveness<S>,
    ) -> Result<OpenLivenessResult<S>, Error> {
        let system = self.sys;
        let behaviours = envs.iter().flat_map(|e| e.behaviours.iter().cloned()).collect();
        let composed = system.composed(behaviours, Vec::new());
        let own: Vec<String> = system.static_action_list().iter().map(|a| a.name().to_owned()).collect();
        let fairness = spec.get_fairness().clone().or_else(|| own, Vec::new);
        let spec = spec.clone().fairness(fairness);
        let result = Checker::new(&composed).config(self.options.clone()).check_liveness(&spec)?;
        Ok(OpenLivenessResult::new(result, envs, Vec::new()))
    }
}

/// [`Checker::check_open`] with the default configuration.
pub fn check_open<S: State>(system: &Model<S>, envs: &[EnvironmentSpec<S>]) -> OpenResult<S> {
    Checker::new(system).check_open(envs)
}

/// [`Checker::check_liveness_open`] with the default configuration.
pub fn check_liveness_open<S: State>(
    system: &Model<S>,
    envs: &[EnvironmentSpec<S>],
    spec: &Liveness<S>,
) -> Result<OpenLivenessResult<S>, Error> {
    Checker::new(system).check_liveness_open(envs, spec)
}
