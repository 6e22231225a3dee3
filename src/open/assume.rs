//! Assumptions in checkable form: read against a counterexample, or assumed in a check.
//!
//! An [`Assumption`] is words and a citation; it may also say what it means in a form musil
//! can check, in one or both of two shapes:
//! - **over states**, [`Assumption::predicate`]: a `Fn(&S) -> bool` that holds in every state
//!   of a run ("a quorum of members is healthy");
//! - **over steps**, [`Assumption::at_most`]: a [`Bound`] on how often named actions fire in
//!   one run, all of them drawing on one budget ("at most five evictions", "at most five faults
//!   of any kind in total").
//!
//! Two things are done with that form.
//!
//! **Reporting.** When an open check finds a counterexample,
//! [`Open::broken_assumptions`](crate::open::Open::broken_assumptions) evaluates every
//! checkable assumption along it and returns each one the run breaks, with why
//! ([`Breach`]): the first state where the predicate is false and its step, or how often the
//! bounded actions fired against the bound. The printed result marks those obligations, so the
//! reader sees which of them would rule the counterexample out. Assumptions with no checkable
//! form are counted as such, never passed over silently.
//!
//! **Assuming.** [`Checker::check_open_assuming`] checks the system only over the runs that
//! keep the chosen assumptions:
//! - a state where an assumed predicate is false belongs to no admissible run: it is neither
//!   stored nor checked nor expanded, and neither is the transition into it (an initial state
//!   that breaks one is dropped; with none left the result is a vacuous pass);
//! - a bound is kept by exploring the product of each model state with one counter per
//!   assumed bound: a step that would take a counter past its bound is not taken. The state
//!   count of the result counts these product states, so it may exceed the model's own, and
//!   `max_states` caps them too; the trace is the model's own states (the counters dropped);
//! - a state whose every successor is ruled out by an assumption is not a deadlock: the
//!   system could move, the assumption says the environment will not make it.
//!
//! The product is explored by the same engine under the checker's [`Config`]:
//! workers, fingerprint mode and the memory budget apply unchanged; a symmetry reduction or a
//! key applies to the model's part of each state (counters are compared as they are), so a
//! bound must name actions the symmetry maps onto themselves.
//!
//! ```
//! use musil::open::{check_open, check_open_assuming, Assumption, Breach, EnvironmentSpec};
//! use musil::Model;
//!
//! #[derive(Clone, Debug, PartialEq, Eq, Hash)]
//! struct Pod { up: bool, restarts: u8 }
//!
//! // A pod that survives two evictions: it restarts at most twice.
//! let service = Model::new(Pod { up: true, restarts: 0 })
//!     .action("restart", |p| !p.up && p.restarts < 2, |p| Pod { up: true, restarts: p.restarts + 1 })
//!     .invariant("recoverable", |p| p.up || p.restarts < 2);
//! let k8s = EnvironmentSpec::new("k8s")
//!     .behaviour("k8s:evict-pod", |p: &Pod| p.up, |p| Pod { up: false, ..p.clone() })
//!     .assumption(Assumption::new("k8s:rare-evictions", "at most two evictions per run")
//!         .at_most(["k8s:evict-pod"], 2));
//!
//! // Unbounded, the third eviction is fatal, and the report names the obligation that rules it out.
//! let r = check_open(&service, &[k8s.clone()]);
//! assert_eq!(r.result.action_names(), ["k8s:evict-pod", "restart", "k8s:evict-pod", "restart", "k8s:evict-pod"]);
//! let broken = r.broken_assumptions();
//! assert_eq!(broken[0].name, "k8s:rare-evictions");
//! assert!(matches!(broken[0].breaches[0], Breach::Bound { fired: 3, step: Some(5), .. }));
//! assert!(r.to_string().contains("k8s:evict-pod fired 3 times, at most 2 allowed"));
//!
//! // Under that assumption the service is safe.
//! let assumed = check_open_assuming(&service, &[k8s], ["k8s:rare-evictions"]).unwrap();
//! assert!(assumed.ok());
//! assert_eq!(assumed.assumed(), ["k8s:rare-evictions"]);
//! ```

use std::fmt;
use std::ops::ControlFlow;
use std::sync::Arc;

use crate::check::Checker;
use crate::engine::{Canon, Config};
use crate::error::{Error, ErrorKind};
use crate::fault::{self, Site};
use crate::liveness::py_list;
use crate::model::Model;
use crate::open::{Assumption, EnvironmentSpec, OpenResult, Status, compose};
use crate::properties::{Properties, Verdict};
use crate::result::{CheckResult, Step};
use crate::system::{ActionId, Fairness, Predicate, State, TransitionSystem};

/// A budget over steps: the actions it names fire at most [`Bound::max`] times in one run,
/// all of them together. Built by [`Assumption::at_most`]; cheap to clone.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Bound {
    actions: Arc<[String]>,
    max: usize,
}

impl Bound {
    /// At most `max` steps of the actions named in `actions`, counted together, per run. A
    /// name given twice counts once.
    pub fn new<I, N>(actions: I, max: usize) -> Self
    where
        I: IntoIterator<Item = N>,
        N: Into<String>,
    {
        let mut names: Vec<String> = Vec::new();
        for n in actions {
            let n = n.into();
            if !names.contains(&n) {
                names.push(n);
            }
        }
        Bound { actions: names.into(), max }
    }

    /// The action names that draw on the budget, in the order given.
    pub fn actions(&self) -> &[String] {
        &self.actions
    }

    /// How many of their steps one run may take.
    pub fn max(&self) -> usize {
        self.max
    }

    /// True when a step of the action `name` draws on this budget.
    pub fn counts(&self, name: &str) -> bool {
        self.actions.iter().any(|a| a == name)
    }
}

impl fmt::Debug for Bound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Bound").field("actions", &&*self.actions).field("max", &self.max).finish()
    }
}

/// `at most 5 of k8s:evict-pod per run`, `at most 5 of k8s:evict-pod, aws:throttle in total
/// per run`.
impl fmt::Display for Bound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at most {} of {}", self.max, self.actions.join(", "))?;
        if self.actions.len() > 1 {
            write!(f, " in total")?;
        }
        write!(f, " per run")
    }
}

/// How a run breaks one checkable form of an assumption. Steps are numbered as the trace
/// prints them: 0 is the initial state, step `i` the state after the `i`-th action; on a
/// lasso the cycle's steps follow the stem's.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Breach {
    /// The state predicate is false in the state at `step`, the first such state of the run.
    Predicate {
        /// The step whose state breaks it.
        step: usize,
        /// The action that led there (`<init>` at step 0).
        action: String,
    },
    /// The bounded actions fired more often than the bound allows.
    Bound {
        /// The bound broken.
        bound: Bound,
        /// How many of the run's printed steps are steps of its actions (on a lasso: the stem
        /// and one turn of the cycle).
        fired: usize,
        /// The step at which they fired one time too many, when that happens among the printed
        /// steps.
        step: Option<usize>,
        /// On a lasso: the cycle takes one of the actions, so the run fires them without end.
        forever: bool,
    },
    /// The predicate panicked at `step`: whether the run keeps the assumption is unknown.
    Panic {
        /// The step whose state it panicked on.
        step: usize,
        /// The panic's message.
        message: String,
    },
}

impl fmt::Display for Breach {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Breach::Predicate { step: 0, .. } => write!(f, "its predicate is false in the initial state"),
            Breach::Predicate { step, action } => {
                write!(f, "its predicate is false at step {step} (after {action})")
            }
            Breach::Bound { bound, fired, step, forever } => {
                let names = bound.actions.join(", ");
                let total = if bound.actions.len() > 1 { " in total" } else { "" };
                if *forever && step.is_none() {
                    write!(
                        f,
                        "{names} fires on the cycle, so without end{total} (at most {} allowed)",
                        bound.max
                    )
                } else {
                    let times = if *fired == 1 { "time" } else { "times" };
                    write!(f, "{names} fired {fired} {times}{total}, at most {} allowed", bound.max)?;
                    if let Some(step) = step {
                        write!(f, " (one too many at step {step})")?;
                    }
                    if *forever {
                        write!(f, ", and fires on the cycle without end")?;
                    }
                    Ok(())
                }
            }
            Breach::Panic { step, message } => write!(f, "its predicate panicked at step {step}: {message}"),
        }
    }
}

/// An assumption a counterexample breaks: its name and status, and each of its checkable
/// forms the run breaks (the predicate's breach first, then the bound's).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BrokenAssumption {
    /// The assumption's name.
    pub name: String,
    /// Its status (a verified one broken means the counterexample is a run the platform rules
    /// out).
    pub status: Status,
    /// How the run breaks it; never empty.
    pub breaches: Vec<Breach>,
}

/// `k8s:eviction-rate-bounded: k8s:evict-pod fired 6 times, at most 5 allowed (...)`.
impl fmt::Display for BrokenAssumption {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.name)?;
        for (i, b) in self.breaches.iter().enumerate() {
            if i > 0 {
                write!(f, "; ")?;
            }
            write!(f, "{b}")?;
        }
        Ok(())
    }
}

impl<S> Assumption<S> {
    /// How the finite run `trace` (`<init>` first, as results hold it) breaks this
    /// assumption's checkable forms: empty when it keeps them, or has none. A panic in the
    /// predicate is caught and reported as [`Breach::Panic`].
    pub fn breaches(&self, trace: &[Step<S>]) -> Vec<Breach> {
        self.breaches_on_lasso(trace, &[])
    }

    /// How the infinite run that follows `stem` and then repeats `cycle` forever breaks this
    /// assumption: the predicate must hold in every state of both, and a bound is broken when
    /// the stem and one turn of the cycle exceed it, or when the cycle takes one of its actions
    /// at all (the run then takes it infinitely often). An empty `cycle` is a finite run.
    pub fn breaches_on_lasso(&self, stem: &[Step<S>], cycle: &[Step<S>]) -> Vec<Breach> {
        let mut out = Vec::new();
        if let Some(p) = &self.predicate {
            for (step, s) in stem.iter().chain(cycle).enumerate() {
                match fault::catch(|| p(&s.state)) {
                    Ok(true) => continue,
                    Ok(false) => out.push(Breach::Predicate { step, action: s.action.clone() }),
                    Err(payload) => out.push(Breach::Panic { step, message: fault::message(&*payload) }),
                }
                break;
            }
        }
        if let Some(bound) = &self.bound {
            let mut fired = 0;
            let mut step = None;
            for (i, s) in stem.iter().chain(cycle).enumerate() {
                // Step 0 is the initial state, not an action.
                if i > 0 && bound.counts(&s.action) {
                    fired += 1;
                    if fired > bound.max && step.is_none() {
                        step = Some(i);
                    }
                }
            }
            let forever = cycle.iter().any(|s| bound.counts(&s.action));
            if step.is_some() || forever {
                out.push(Breach::Bound { bound: bound.clone(), fired, step, forever });
            }
        }
        out
    }
}

/// A model state with one counter per assumed bound: how often the bound's actions have fired
/// on the way here.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
struct Counted<S> {
    state: S,
    fired: Box<[u32]>,
}

/// The composed model restricted to the runs that keep the assumed assumptions.
struct Assuming<'a, T: TransitionSystem> {
    inner: &'a T,
    /// The assumed state predicates, with their assumptions' names.
    predicates: Vec<(String, Predicate<T::State>)>,
    /// The assumed bounds; counter `k` of a state belongs to `bounds[k]`.
    bounds: Vec<Bound>,
    /// Per bound, its budget as a counter value (a budget past `u32::MAX` never binds).
    caps: Vec<u32>,
    /// Per action, the bounds it draws on (filled as actions are met).
    counted: papaya::HashMap<ActionId, Box<[usize]>>,
}

impl<'a, T: TransitionSystem> Assuming<'a, T> {
    fn new(inner: &'a T, assumed: &[Assumption<T::State>]) -> Self {
        let predicates =
            assumed.iter().filter_map(|a| a.predicate.clone().map(|p| (a.name.clone(), p))).collect();
        let bounds: Vec<Bound> = assumed.iter().filter_map(|a| a.bound.clone()).collect();
        let caps = bounds.iter().map(|b| u32::try_from(b.max).unwrap_or(u32::MAX)).collect();
        Assuming { inner, predicates, bounds, caps, counted: papaya::HashMap::new() }
    }

    /// True when `state` keeps every assumed predicate (a panic in one is reported naming it).
    fn admits(&self, state: &T::State) -> bool {
        self.predicates.iter().all(|(name, p)| fault::named(Site::Assumption, name, || p(state)))
    }

    /// The bounds a step of `action` draws on.
    fn counters_of(&self, action: ActionId) -> Box<[usize]> {
        let name = self.inner.action_name(action);
        self.bounds.iter().enumerate().filter(|(_, b)| b.counts(name)).map(|(k, _)| k).collect()
    }
}

impl<T: TransitionSystem> TransitionSystem for Assuming<'_, T> {
    type State = Counted<T::State>;

    fn initial_states(&self) -> Vec<Self::State> {
        let zero: Box<[u32]> = vec![0; self.bounds.len()].into();
        let admitted = self.inner.initial_states().into_iter().filter(|s| self.admits(s));
        admitted.map(|state| Counted { state, fired: zero.clone() }).collect()
    }

    fn successors<F>(&self, x: &Self::State, mut emit: F) -> ControlFlow<()>
    where
        F: FnMut(ActionId, Self::State) -> ControlFlow<()>,
    {
        let counted = self.counted.pin();
        self.inner.successors(&x.state, |action, y| {
            let mut fired = x.fired.clone();
            if !self.bounds.is_empty() {
                for &k in counted.get_or_insert_with(action, || self.counters_of(action)).iter() {
                    if fired[k] >= self.caps[k] {
                        return ControlFlow::Continue(());
                    }
                    fired[k] += 1;
                }
            }
            if !self.admits(&y) {
                return ControlFlow::Continue(());
            }
            emit(action, Counted { state: y, fired })
        })
    }

    fn action_name(&self, action: ActionId) -> &str {
        self.inner.action_name(action)
    }

    fn fair_actions(&self, fairness: Fairness) -> Vec<ActionId> {
        self.inner.fair_actions(fairness)
    }

    fn static_actions(&self) -> Option<Vec<ActionId>> {
        self.inner.static_actions()
    }

    fn begin_sweep(&self) {
        self.inner.begin_sweep()
    }
}

/// The model's own properties on the model's part of each state; a state the assumptions
/// leave with no successor, though the model has one, is a legal end.
impl<T> Properties<Counted<T::State>> for Assuming<'_, T>
where
    T: TransitionSystem + Properties<T::State>,
{
    fn invariant_count(&self) -> usize {
        self.inner.invariant_count()
    }

    fn invariant_name(&self, index: usize) -> &str {
        self.inner.invariant_name(index)
    }

    fn check_invariant(&self, index: usize, x: &Counted<T::State>) -> Verdict {
        self.inner.check_invariant(index, &x.state)
    }

    fn edge_invariant_count(&self) -> usize {
        self.inner.edge_invariant_count()
    }

    fn edge_invariant_name(&self, index: usize) -> &str {
        self.inner.edge_invariant_name(index)
    }

    fn check_edge_invariant(
        &self,
        index: usize,
        before: &Counted<T::State>,
        action: ActionId,
        after: &Counted<T::State>,
    ) -> Verdict {
        self.inner.check_edge_invariant(index, &before.state, action, &after.state)
    }

    fn is_terminal(&self, x: &Counted<T::State>) -> bool {
        // Asked only where no successor was kept: the model's own terminal states, and states
        // whose every successor an assumption rules out.
        self.inner.is_terminal(&x.state)
            || self.inner.successors(&x.state, |_, _| ControlFlow::Break(())).is_break()
    }
}

/// The checker's settings for the product: the same engine settings and cap, the symmetry
/// reduction and the key applied to the model's part of each state.
fn lifted<S: State>(options: &Config<S>) -> Config<Counted<S>> {
    let canonicalize = options.canonicalize.clone().map(|c| {
        Arc::new(move |x: &Counted<S>| Counted { state: c(&x.state), fired: x.fired.clone() })
            as Canon<Counted<S>>
    });
    Config {
        fingerprint: options.fingerprint,
        canonicalize,
        identity: options.identity.lifted(|x: &Counted<S>| &x.state, |x| &x.fired),
        ..options.for_states_of(options.max_states)
    }
}

/// The product's result with the counters dropped from its trace.
fn project<S>(r: CheckResult<Counted<S>>) -> CheckResult<S> {
    let CheckResult {
        ok,
        states_explored,
        kind,
        invariant,
        reason,
        trace,
        truncated,
        loop_index,
        fault,
        limit,
    } = r;
    let trace = trace.into_iter().map(|s| Step { action: s.action, state: s.state.state }).collect();
    CheckResult { ok, states_explored, kind, invariant, reason, trace, truncated, loop_index, fault, limit }
}

/// The assumptions named in `names` (every assumption under each name, in environment order),
/// or the error naming the unknown ones or the ones with nothing to check.
fn chosen<S>(envs: &[EnvironmentSpec<S>], names: &[String]) -> Result<Vec<Assumption<S>>, Error> {
    let all: Vec<&Assumption<S>> = envs.iter().flat_map(|e| e.assumptions.values()).collect();
    let unknown: Vec<String> = names.iter().filter(|n| !all.iter().any(|a| &a.name == *n)).cloned().collect();
    if !unknown.is_empty() {
        let mut known: Vec<String> = Vec::new();
        for a in &all {
            if !known.contains(&a.name) {
                known.push(a.name.clone());
            }
        }
        return Err(Error::new(
            ErrorKind::UnknownAssumption,
            format!(
                "check_open_assuming: unknown assumption name(s) {}; the environments' assumptions are {}",
                py_list(&unknown),
                py_list(&known)
            ),
        ));
    }
    let unchecked: Vec<String> =
        names.iter().filter(|n| all.iter().any(|a| &a.name == *n && !a.is_checkable())).cloned().collect();
    if !unchecked.is_empty() {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            format!(
                "check_open_assuming: assumption(s) {} have no checkable form (neither a predicate nor a bound), so a check cannot assume them; give them one with Assumption::predicate or Assumption::at_most",
                py_list(&unchecked)
            ),
        ));
    }
    Ok(all.into_iter().filter(|a| names.contains(&a.name)).cloned().collect())
}

/// Every assumed bound names at least one action, and (when the model's actions are known up
/// front) only actions of the composed model.
fn check_bounds<S: State>(composed: &Model<S>, assumed: &[Assumption<S>]) -> Result<(), Error> {
    let known: Option<Vec<String>> = composed
        .static_actions()
        .map(|ids| ids.into_iter().map(|a| composed.action_name(a).to_owned()).collect());
    for a in assumed {
        let Some(bound) = &a.bound else { continue };
        if bound.actions().is_empty() {
            return Err(Error::new(
                ErrorKind::InvalidInput,
                format!("check_open_assuming: the bound of '{}' names no action", a.name),
            ));
        }
        let Some(known) = &known else { continue };
        let unknown: Vec<String> = bound.actions().iter().filter(|n| !known.contains(n)).cloned().collect();
        if !unknown.is_empty() {
            return Err(Error::new(
                ErrorKind::UnknownAction,
                format!(
                    "check_open_assuming: the bound of '{}' names action(s) {} that the composed model does not have; its actions are {}",
                    a.name,
                    py_list(&unknown),
                    py_list(known)
                ),
            ));
        }
    }
    Ok(())
}

impl<S: State> Checker<'_, Model<S>> {
    /// [`check_open`](crate::open::check_open) over only the runs that keep the assumptions
    /// named in `assumed`, under this checker's [`Config`]: a state breaking
    /// an assumed predicate is neither stored nor checked, and a step past an assumed bound is
    /// not taken (see the [module documentation](self) for what is pruned and how states are
    /// counted). The result lists every residual obligation as before and says which were
    /// assumed ([`Open::assumed`](crate::open::Open::assumed)); `states_explored` counts the
    /// model's states paired with their bound counters.
    ///
    /// Every name must be an assumption of `envs` (all assumptions under a name shared by
    /// several environments are assumed), and each must have a checkable form; a bound must
    /// name actions of the composed model (checked when its actions are known up front, that
    /// is without an `actions_fn` menu). An empty list checks exactly as `check_open` does.
    ///
    /// # Errors
    /// [`ErrorKind::UnknownAssumption`] for a name no environment has,
    /// [`ErrorKind::InvalidInput`] for an assumption with no checkable form or a bound naming
    /// no action, [`ErrorKind::UnknownAction`] for a bound naming an action the composed model
    /// does not have. Each message names the culprits and what would be accepted.
    pub fn check_open_assuming<I, N>(
        &self,
        envs: &[EnvironmentSpec<S>],
        assumed: I,
    ) -> Result<OpenResult<S>, Error>
    where
        I: IntoIterator<Item = N>,
        N: AsRef<str>,
    {
        let mut names: Vec<String> = Vec::new();
        for n in assumed {
            let n = n.as_ref();
            if !names.iter().any(|m| m == n) {
                names.push(n.to_owned());
            }
        }
        let assumptions = chosen(envs, &names)?;
        let composed = compose(self.sys, envs);
        check_bounds(&composed, &assumptions)?;
        let system = Assuming::new(&composed, &assumptions);
        let result = Checker::new(&system).config(lifted(&self.options)).check();
        Ok(OpenResult::new(project(result), envs, names))
    }
}

/// [`Checker::check_open_assuming`] with the default configuration.
///
/// # Errors
/// As [`Checker::check_open_assuming`].
pub fn check_open_assuming<S: State, I, N>(
    system: &Model<S>,
    envs: &[EnvironmentSpec<S>],
    assumed: I,
) -> Result<OpenResult<S>, Error>
where
    I: IntoIterator<Item = N>,
    N: AsRef<str>,
{
    Checker::new(system).check_open_assuming(envs, assumed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::open::check_open;
    use crate::result::Kind;

    fn steps(actions: &[&str], states: &[u8]) -> Vec<Step<u8>> {
        let mut out = vec![Step::new("<init>", states[0])];
        out.extend(actions.iter().zip(&states[1..]).map(|(a, s)| Step::new(*a, *s)));
        out
    }

    #[test]
    fn bound_counts_each_name_once_and_prints_its_budget() {
        let b = Bound::new(["evict", "throttle", "evict"], 3);
        assert_eq!(b.actions(), ["evict", "throttle"]);
        assert!(b.counts("throttle") && !b.counts("recover"));
        assert_eq!(b.to_string(), "at most 3 of evict, throttle in total per run");
        assert_eq!(Bound::new(["evict"], 1).to_string(), "at most 1 of evict per run");
    }

    #[test]
    fn predicate_breach_is_the_first_false_state() {
        let a: Assumption<u8> = Assumption::new("small", "below 3").predicate(|n| *n < 3);
        let t = steps(&["inc", "inc", "inc", "inc"], &[0, 1, 2, 3, 4]);
        assert_eq!(a.breaches(&t), [Breach::Predicate { step: 3, action: "inc".to_owned() }]);
        assert!(a.breaches(&t[..3]).is_empty());
        let init = steps(&[], &[7]);
        assert_eq!(a.breaches(&init), [Breach::Predicate { step: 0, action: "<init>".to_owned() }]);
        assert_eq!(a.breaches(&init)[0].to_string(), "its predicate is false in the initial state");
    }

    #[test]
    fn bound_breach_counts_steps_and_names_the_one_too_many() {
        let a: Assumption<u8> = Assumption::new("rare", "few faults").at_most(["evict", "throttle"], 2);
        let t = steps(&["evict", "recover", "throttle", "recover", "evict"], &[1, 0, 1, 0, 1, 0]);
        let [Breach::Bound { fired, step, forever, .. }] = &a.breaches(&t)[..] else {
            panic!("one bound breach expected")
        };
        assert_eq!((*fired, *step, *forever), (3, Some(5), false));
        // Exactly at the budget: kept.
        assert!(a.breaches(&t[..5]).is_empty());
        // The initial step is not an action, whatever it is called.
        let a0: Assumption<u8> = Assumption::new("none", "no init").at_most(["<init>"], 0);
        assert!(a0.breaches(&steps(&[], &[0])).is_empty());
    }

    #[test]
    fn an_assumption_with_both_forms_reports_both() {
        let a: Assumption<u8> =
            Assumption::new("both", "small and rare").predicate(|n| *n < 2).at_most(["inc"], 1);
        let t = steps(&["inc", "inc"], &[0, 1, 2]);
        let b = a.breaches(&t);
        assert_eq!(b.len(), 2);
        assert!(matches!(b[0], Breach::Predicate { step: 2, .. }));
        assert!(matches!(b[1], Breach::Bound { fired: 2, step: Some(2), .. }));
        let shown = BrokenAssumption { name: a.name.clone(), status: a.status, breaches: b }.to_string();
        assert_eq!(
            shown,
            "both: its predicate is false at step 2 (after inc); inc fired 2 times, at most 1 allowed (one too many at step 2)"
        );
    }

    #[test]
    fn on_a_lasso_a_bounded_action_on_the_cycle_breaks_the_bound() {
        let a: Assumption<u8> = Assumption::new("rare", "few evictions").at_most(["evict"], 5);
        let stem = steps(&["start"], &[0, 1]);
        let cycle = vec![Step::new("evict", 2), Step::new("recover", 1)];
        let b = a.breaches_on_lasso(&stem, &cycle);
        assert_eq!(
            b,
            [Breach::Bound { bound: Bound::new(["evict"], 5), fired: 1, step: None, forever: true }]
        );
        assert_eq!(b[0].to_string(), "evict fires on the cycle, so without end (at most 5 allowed)");
        // The same steps as a finite run keep the bound.
        let finite: Vec<Step<u8>> = stem.iter().cloned().chain(cycle.iter().cloned()).collect();
        assert!(a.breaches(&finite).is_empty());
        // A predicate false on the cycle is found there, numbered after the stem.
        let p: Assumption<u8> = Assumption::new("low", "never 2").predicate(|n| *n != 2);
        assert_eq!(
            p.breaches_on_lasso(&stem, &cycle),
            [Breach::Predicate { step: 2, action: "evict".to_owned() }]
        );
    }

    #[test]
    fn a_panicking_predicate_is_reported_not_raised() {
        let a: Assumption<u8> = Assumption::new("boom", "panics at 1").predicate(|n| {
            assert!(*n != 1, "no ones");
            true
        });
        let b = a.breaches(&steps(&["inc"], &[0, 1]));
        assert_eq!(b, [Breach::Panic { step: 1, message: "no ones".to_owned() }]);
    }

    // A counter the environment bumps; the system resets it from 2. The invariant fails at 4.
    fn counter() -> Model<u8> {
        Model::new(0u8).action("reset", |n| *n == 2, |_| 0).invariant("below-four", |n| *n < 4)
    }

    fn bumps(assumption: Assumption<u8>) -> EnvironmentSpec<u8> {
        EnvironmentSpec::new("env").behaviour("env:bump", |n: &u8| *n < 9, |n| n + 1).assumption(assumption)
    }

    #[test]
    fn an_assumed_predicate_prunes_states_and_they_are_not_counted() {
        let env = bumps(Assumption::new("env:below-three", "never past 2").predicate(|n| *n < 3));
        let open = check_open(&counter(), std::slice::from_ref(&env));
        assert_eq!(open.result.invariant.as_deref(), Some("below-four"));
        assert_eq!(open.result.action_names(), ["env:bump", "env:bump", "env:bump", "env:bump"]);
        assert_eq!(
            open.broken_assumptions()[0].breaches,
            [Breach::Predicate { step: 3, action: "env:bump".to_owned() }]
        );
        let r = check_open_assuming(&counter(), &[env], ["env:below-three"]).unwrap();
        assert!(r.ok(), "{r}");
        assert_eq!(r.result.states_explored, 3); // 0, 1, 2: state 3 is never stored
        assert_eq!(r.assumed(), ["env:below-three"]);
    }

    #[test]
    fn a_state_left_without_admissible_successors_is_not_a_deadlock() {
        // From 2 only a bump leads on (no reset here); assuming "never 3" leaves 2 stuck.
        let m = Model::new(0u8).invariant("below-four", |n| *n < 4);
        let env = bumps(Assumption::new("env:below-three", "never past 2").predicate(|n| *n < 3));
        let r = check_open_assuming(&m, &[env], ["env:below-three"]).unwrap();
        assert!(r.ok(), "{r}");
        // A real dead end is still one.
        let stuck = Model::new(0u8);
        let env =
            EnvironmentSpec::new("env").assumption(Assumption::new("any", "anything").predicate(|_| true));
        let r = check_open_assuming(&stuck, &[env], ["any"]).unwrap();
        assert_eq!(r.result.kind, Some(Kind::Deadlock));
    }

    #[test]
    fn initial_states_breaking_an_assumed_predicate_are_dropped() {
        let env = bumps(Assumption::new("env:never", "nothing is admissible").predicate(|_| false));
        let r = check_open_assuming(&counter(), &[env], ["env:never"]).unwrap();
        assert!(r.ok());
        assert_eq!(r.result.states_explored, 0);
        assert!(r.to_string().contains("VACUOUS"));
    }

    #[test]
    fn a_bound_is_kept_by_counters_and_the_trace_is_the_models() {
        let m = Model::new(0u8).action("reset", |n| *n >= 2, |_| 0).invariant("below-four", |n| *n < 4);
        let env = |max| bumps(Assumption::new("env:few-bumps", "few bumps").at_most(["env:bump"], max));
        // Unbounded, four bumps in a row is the shortest violation.
        let open = check_open(&m, &[env(3)]);
        assert_eq!(open.result.action_names(), ["env:bump"; 4]);
        // Three bumps per run cannot reach 4.
        let r = check_open_assuming(&m, &[env(3)], ["env:few-bumps"]).unwrap();
        assert!(r.ok(), "{r}");
        // Product states: (value, bumps so far) for every admissible pair.
        let by_hand = [(0, 0), (1, 1), (2, 2), (3, 3), (0, 2), (0, 3), (1, 3)];
        assert_eq!(r.result.states_explored, by_hand.len());
        // Four bumps allowed: the unbounded counterexample again, over the model's states.
        let r = check_open_assuming(&m, &[env(4)], ["env:few-bumps"]).unwrap();
        assert_eq!(r.result.trace, open.result.trace);
    }

    #[test]
    fn the_engine_settings_apply_to_the_product() {
        let m = Model::new(0u8).action("reset", |n| *n >= 2, |_| 0).invariant("below-four", |n| *n < 4);
        let env = bumps(Assumption::new("env:few-bumps", "few bumps").at_most(["env:bump"], 4));
        let serial = check_open_assuming(&m, std::slice::from_ref(&env), ["env:few-bumps"]).unwrap();
        let parallel = Checker::new(&m)
            .workers(2)
            .parallel_level(1)
            .check_open_assuming(std::slice::from_ref(&env), ["env:few-bumps"])
            .unwrap();
        assert_eq!(parallel.result, serial.result);
        let fingerprinted = Checker::new(&m)
            .fingerprint(true)
            .check_open_assuming(std::slice::from_ref(&env), ["env:few-bumps"]);
        assert_eq!(fingerprinted.unwrap().result.trace, serial.result.trace);
        let capped = Checker::new(&m).max_states(3).check_open_assuming(&[env], ["env:few-bumps"]).unwrap();
        assert!(capped.ok() && capped.result.truncated);
    }

    #[test]
    fn refused_assumptions_are_named() {
        let env = bumps(Assumption::new("env:few-bumps", "few bumps").at_most(["env:bump"], 1))
            .assumption(Assumption::new("env:words", "only words"))
            .assumption(Assumption::new("env:typo", "a misspelt action").at_most(["env:bmup"], 1))
            .assumption(Assumption::new("env:empty", "names nothing").at_most(Vec::<String>::new(), 1));
        let envs = [env];
        let e = check_open_assuming(&counter(), &envs, ["env:nope", "env:few-bumps"]).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::UnknownAssumption);
        assert!(e.message().contains("['env:nope']"), "{e}");
        assert!(e.message().contains("'env:few-bumps', 'env:words'"), "{e}");
        let e = check_open_assuming(&counter(), &envs, ["env:words"]).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        assert!(e.message().contains("['env:words'] have no checkable form"), "{e}");
        let e = check_open_assuming(&counter(), &envs, ["env:typo"]).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::UnknownAction);
        assert!(e.message().contains("'env:typo' names action(s) ['env:bmup']"), "{e}");
        assert!(e.message().contains("['reset', 'env:bump']"), "{e}");
        let e = check_open_assuming(&counter(), &envs, ["env:empty"]).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        assert!(e.message().contains("names no action"), "{e}");
    }

    #[test]
    fn a_panicking_assumed_predicate_is_a_panic_result_naming_it() {
        let env = bumps(Assumption::new("env:fragile", "panics at 2").predicate(|n| {
            assert!(*n != 2, "two");
            true
        }));
        let r = check_open_assuming(&counter(), &[env], ["env:fragile"]).unwrap();
        assert_eq!(r.result.kind, Some(Kind::Panic));
        let fault = r.result.fault.as_ref().unwrap();
        assert_eq!(fault.to_string(), "assumption predicate of 'env:fragile' panicked: two");
        assert_eq!(r.result.action_names(), ["env:bump"]);
    }
}
