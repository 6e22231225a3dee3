//! k-induction: prove that an invariant holds in every reachable state, at any depth, from a
//! base case over the first steps and a step case over a finite domain of candidate states.
//!
//! [`check_inductive`] (and [`Checker::check_inductive`]) decides two things, in this order:
//! - **base(k)**: no state reachable in at most k−1 steps violates the invariant `I`;
//! - **step(k)**: from every domain state that satisfies `I`, every path of k enabled
//!   transitions whose first k states satisfy `I` ends in a state that satisfies `I`.
//!
//! Together they prove `I` for every reachable state, provided the domain holds every state a
//! bad path could start from, *unreachable ones included*: over the reachable states alone the
//! step proves nothing a [`check`](crate::check()) did not. A failed step is a
//! counterexample-to-induction (CTI): a pre-state that satisfies `I` and a transition out of it
//! that breaks `I`. When the pre-state is unreachable, `I` is true but too weak to be
//! inductive: strengthen it to exclude that pre-state, or raise k.
//!
//! ```
//! use musil::{check, check_inductive, Model};
//!
//! // A counter stepping by two: it reaches 0, 2, 4, 6, 8.
//! let m = Model::new(0u8).action("step", |x| *x < 8, |x| x + 2).terminal(|x| *x == 8);
//! let domain = 0..10u8; // every value of the bounded variable, odd ones included
//!
//! assert!(check(&m.with_invariants([musil::Invariant::new("x<=8", |x: &u8| *x <= 8)])).proved());
//! let weak = check_inductive(&m, |x: &u8| *x <= 8, domain.clone(), 1).unwrap();
//! assert!(!weak.proven); // from the unreachable 7, one step reaches 9
//! assert_eq!((weak.state, weak.successor), (Some(7), Some(9)));
//! assert_eq!(weak.to_string(), "NOT INDUCTIVE (k=1): counterexample-to-induction
//!   I holds at: 7
//!   --step--> 9   (violates I)
//!   strengthen I to exclude this pre-state, or raise k");
//!
//! let strong = check_inductive(&m, |x: &u8| *x <= 8 && x % 2 == 0, domain, 1).unwrap();
//! assert!(strong.proven);
//! ```
//!
//! The order of both searches decides which counterexample is reported, and it is the
//! original's: the base case is a breadth-first search from the initial states, so its
//! failure is a violating state of least depth; the step case takes the domain states in order
//! and searches depth first, successors in action order, and reports the *last* transition of
//! the first offending path. Beyond the original:
//! - a base failure carries the whole path from an initial state, and a CTI the whole path
//!   from its domain state ([`InductionResult::path`]);
//! - [`Induction::max_k`] raises k one at a time until the invariant is proven, the base case
//!   fails, or k reaches the bound;
//! - [`Induction::enumerate`] takes the domain from the state type ([`Domain`]), refusing one
//!   past a size limit instead of hanging;
//! - a panic in a guard, effect, the invariant or the domain is a result
//!   ([`Failure::Panic`]) naming it, with the path to where it happened.
//!
//! The base case runs on the one engine, with the checker's [`Config`](crate::Config) (cap,
//! workers, memory budget); a base case cut short by the cap proves nothing and says so
//! ([`InductionResult::truncated`]). Symmetry reduction and keys are not used: the original
//! takes neither. The model's own invariants, edge invariants and terminal states are ignored;
//! only the invariant being proven is evaluated.

mod domain;

use std::fmt::{self, Debug, Display};
use std::hash::{Hash, Hasher};
use std::ops::ControlFlow;

pub use domain::{DEFAULT_MAX_DOMAIN, Domain, Range, Values};

use crate::check::Checker;
use crate::engine::fault_from;
use crate::error::{Error, ErrorKind};
use crate::fault::{self, Fault, Site};
use crate::model::Invariant;
use crate::properties::{Projected, Properties, Verdict};
use crate::result::{Kind, Limit, Outcome, Run, Step};
use crate::system::{ActionId, System, TransitionSystem};

/// The name a predicate is known by when it has none: the printed results call it `I`.
const UNNAMED: &str = "I";

/// The first step of a step-case path: a domain state, not an initial one.
pub const FROM_DOMAIN: &str = "<domain>";

/// The invariant an induction proves: one of the system's invariants by name, or a predicate
/// of its own (which need not be one of the model's invariants).
pub enum Claim<S> {
    /// The system's invariant with this name ([`Properties::invariant_name`]).
    Named(String),
    /// A predicate, with the name results give it.
    Predicate(Invariant<S>),
}

impl<S> Debug for Claim<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Claim::Named(name) => f.debug_tuple("Named").field(name).finish(),
            Claim::Predicate(inv) => f.debug_tuple("Predicate").field(&inv.name()).finish(),
        }
    }
}

/// What [`check_inductive`] accepts as its invariant: a name (`&str`, `String`) of one of the
/// system's invariants, an [`Invariant`], or a predicate `Fn(&S) -> V` returning anything that
/// converts into a [`Verdict`] (`bool`, a reason string, ...), which results call `I`.
pub trait IntoClaim<S> {
    /// The claim.
    fn into_claim(self) -> Claim<S>;
}

impl<S> IntoClaim<S> for Claim<S> {
    fn into_claim(self) -> Claim<S> {
        self
    }
}

impl<S> IntoClaim<S> for &str {
    fn into_claim(self) -> Claim<S> {
        Claim::Named(self.to_owned())
    }
}

impl<S> IntoClaim<S> for String {
    fn into_claim(self) -> Claim<S> {
        Claim::Named(self)
    }
}

impl<S> IntoClaim<S> for Invariant<S> {
    fn into_claim(self) -> Claim<S> {
        Claim::Predicate(self)
    }
}

impl<S, F, V> IntoClaim<S> for F
where
    F: Fn(&S) -> V + Send + Sync + 'static,
    V: Into<Verdict>,
{
    fn into_claim(self) -> Claim<S> {
        Claim::Predicate(Invariant::new(UNNAMED, self))
    }
}

/// Where the domain comes from.
enum Source<S> {
    Listed(Vec<S>),
    Enumerated(fn() -> Values<S>),
}

/// How to prove an invariant by induction: the domain of candidate states, the depth k, and
/// how far k may be raised.
///
/// ```
/// use musil::{Checker, Induction, Model};
/// let m = Model::new(0u8).action("add2", |n| *n + 2 <= 4, |n| n + 2);
/// // n != 3 is not 1-inductive (1 -> 3), but it is 2-inductive.
/// let r = Checker::new(&m).check_inductive(|n: &u8| *n != 3, &Induction::new(0..5u8).max_k(4)).unwrap();
/// assert!(r.proven);
/// assert_eq!(r.k, 2);
/// ```
#[must_use = "an Induction does nothing until given to Checker::check_inductive"]
pub struct Induction<S> {
    source: Source<S>,
    k: usize,
    max_k: Option<usize>,
    max_domain: usize,
}

impl<S: Clone> Clone for Induction<S> {
    fn clone(&self) -> Self {
        let source = match &self.source {
            Source::Listed(v) => Source::Listed(v.clone()),
            Source::Enumerated(f) => Source::Enumerated(*f),
        };
        Induction { source, k: self.k, max_k: self.max_k, max_domain: self.max_domain }
    }
}

impl<S> Debug for Induction<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Induction");
        match &self.source {
            Source::Listed(v) => d.field("domain", &format_args!("{} listed states", v.len())),
            Source::Enumerated(_) => d.field("domain", &format_args!("enumerated from the type")),
        };
        d.field("k", &self.k).field("max_k", &self.max_k).field("max_domain", &self.max_domain).finish()
    }
}

impl<S> Induction<S> {
    /// Induction over these candidate states (taken in this order), with k = 1. The domain
    /// must hold every state a bad path could start from, unreachable ones included; the
    /// code cannot check that.
    pub fn new(domain: impl IntoIterator<Item = S>) -> Self {
        Induction {
            source: Source::Listed(domain.into_iter().collect()),
            k: 1,
            max_k: None,
            max_domain: DEFAULT_MAX_DOMAIN,
        }
    }

    /// Induction over every value of the state type, in [`Domain`] order, with k = 1. A type
    /// with more than [`max_domain`](Self::max_domain) values is refused when checked.
    pub fn enumerate() -> Self
    where
        S: Domain,
    {
        Induction { source: Source::Enumerated(S::values), k: 1, max_k: None, max_domain: DEFAULT_MAX_DOMAIN }
    }

    /// The induction depth (default 1; at least 1, else the check is refused). With
    /// [`max_k`](Self::max_k), the depth to start from.
    pub fn k(mut self, k: usize) -> Self {
        self.k = k;
        self
    }

    /// Raise k one at a time, from [`k`](Self::k) up to `max_k`, while the step case fails: the
    /// result is the first proof, the first base failure, or the CTI at `max_k`. Its
    /// [`k`](InductionResult::k) says where it stopped. The step case costs about
    /// |domain| · b^k for b enabled actions per state, so keep the bound small.
    pub fn max_k(mut self, max_k: usize) -> Self {
        self.max_k = Some(max_k);
        self
    }

    /// The most values an [`enumerate`](Self::enumerate)d domain may have (default
    /// [`DEFAULT_MAX_DOMAIN`]); past it the check is refused before anything is enumerated.
    /// A listed domain is the caller's own and is not capped.
    pub fn max_domain(mut self, limit: usize) -> Self {
        self.max_domain = limit;
        self
    }

    /// The induction depth (the first one tried, with `max_k`).
    pub fn get_k(&self) -> usize {
        self.k
    }

    /// The bound k may be raised to, if any.
    pub fn get_max_k(&self) -> Option<usize> {
        self.max_k
    }

    /// The depths to try, or the refusal.
    fn depths(&self) -> Result<(usize, usize), Error> {
        if self.k < 1 {
            return Err(Error::new(ErrorKind::InvalidInput, format!("k must be >= 1, got {}", self.k)));
        }
        match self.max_k {
            Some(max_k) if max_k < self.k => Err(Error::new(
                ErrorKind::InvalidInput,
                format!("max_k must be >= k, got max_k = {max_k} and k = {}", self.k),
            )),
            Some(max_k) => Ok((self.k, max_k)),
            None => Ok((self.k, self.k)),
        }
    }
}

/// Why an induction did not prove its invariant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Failure {
    /// A state reachable within k−1 steps violates the invariant: a real bug.
    Base,
    /// A counterexample-to-induction: a path whose first k states satisfy the invariant and
    /// whose last breaks it. Its pre-state may be unreachable.
    Step,
    /// User code (a guard, effect, the invariant, the domain's enumeration) panicked; nothing
    /// is decided. Not in the original, which lets the exception escape.
    Panic,
}

impl Failure {
    /// The original's name (`base`, `step`), and `panic`.
    pub fn as_str(self) -> &'static str {
        match self {
            Failure::Base => "base",
            Failure::Step => "step",
            Failure::Panic => "panic",
        }
    }
}

impl Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What an induction found. The first seven fields are the original's; `Display` prints its
/// text exactly (states with `{:?}`).
#[derive(Clone, Debug, PartialEq, Eq)]
#[must_use = "an induction result says whether the invariant is proven: assert on it or print it"]
pub struct InductionResult<S> {
    /// Base and step case both hold: the invariant holds in every reachable state, provided
    /// the domain covers every possible pre-state.
    pub proven: bool,
    /// The depth of the last attempt (the one given, or where [`Induction::max_k`] stopped).
    pub k: usize,
    /// Why it is not proven (`None` when proven, or when the base case was cut short).
    pub failure: Option<Failure>,
    /// Base failure: the violating state. Step failure: the pre-state, which satisfies the
    /// invariant. Panic: the state being processed, if any.
    pub state: Option<S>,
    /// Step failure: the action from `state` to `successor`.
    pub action: Option<String>,
    /// Step failure: the state that violates the invariant.
    pub successor: Option<S>,
    /// The invariant's reason at the violating state, when it gave a non-empty one.
    pub reason: Option<String>,
    /// The invariant's name (`I` for a predicate given without one).
    pub invariant: String,
    /// The whole counterexample: for a base failure, from an initial state (first action
    /// `<init>`) to the violating state; for a step failure, the k transitions from the domain
    /// state (first action [`FROM_DOMAIN`]) to `successor`; for a panic, the path to where it
    /// happened. Empty when proven.
    pub path: Vec<Step<S>>,
    /// Distinct states the base case stored (in its last attempt).
    pub base_states: usize,
    /// The base case stopped at the cap or the memory budget: nothing is proven or refuted.
    pub truncated: bool,
    /// For a truncated result: which limit stopped it.
    pub limit: Option<Limit>,
    /// For [`Failure::Panic`]: what panicked and its message.
    pub fault: Option<Fault>,
}

impl<S> InductionResult<S> {
    fn new(k: usize, invariant: &str, base_states: usize) -> Self {
        InductionResult {
            proven: false,
            k,
            failure: None,
            state: None,
            action: None,
            successor: None,
            reason: None,
            invariant: invariant.to_owned(),
            path: Vec::new(),
            base_states,
            truncated: false,
            limit: None,
            fault: None,
        }
    }

    /// The original's `ok`: the same as [`proven`](Self::proven).
    pub fn ok(&self) -> bool {
        self.proven
    }

    /// The path's action names, its first step (`<init>` or `<domain>`) left out.
    pub fn action_names(&self) -> Vec<&str> {
        self.path.iter().skip(1).map(|s| s.action.as_str()).collect()
    }

    /// The state that violates the invariant: `state` for a base failure, `successor` for a
    /// step failure; `None` otherwise.
    pub fn witness(&self) -> Option<&S> {
        match self.failure {
            Some(Failure::Base) => self.state.as_ref(),
            Some(Failure::Step) => self.successor.as_ref(),
            _ => None,
        }
    }
}

impl<S: Debug> Display for InductionResult<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let k = self.k;
        let why =
            self.reason.as_deref().filter(|r| !r.is_empty()).map_or_else(String::new, |r| format!(" — {r}"));
        let show = |s: &Option<S>| s.as_ref().map_or_else(|| "None".to_owned(), |s| format!("{s:?}"));
        if self.proven {
            return write!(
                f,
                "INDUCTIVE (k={k}) — I holds initially and is preserved by every action over the domain"
            );
        }
        match self.failure {
            Some(Failure::Base) => write!(
                f,
                "NOT INDUCTIVE (k={k}): base case — a state reachable within {} step(s) violates I{why}\n  {}",
                k.saturating_sub(1),
                show(&self.state)
            ),
            Some(Failure::Step) => write!(
                f,
                "NOT INDUCTIVE (k={k}): counterexample-to-induction{why}\n  I holds at: {}\n  --{}--> {}   \
                 (violates I)\n  strengthen I to exclude this pre-state, or raise k",
                show(&self.state),
                self.action.as_deref().unwrap_or(""),
                show(&self.successor)
            ),
            Some(Failure::Panic) => {
                match &self.fault {
                    Some(fault) => write!(f, "PANIC (k={k}): {fault}")?,
                    None => write!(f, "PANIC (k={k})")?,
                }
                for (i, step) in self.path.iter().enumerate() {
                    match (i, step.action.as_str()) {
                        (0, "<init>") => write!(f, "\n  Init: {:?}", step.state)?,
                        (0, _) => write!(f, "\n  From: {:?}", step.state)?,
                        (_, action) => write!(f, "\n  → {action}: {:?}", step.state)?,
                    }
                }
                Ok(())
            }
            None => {
                let at = match self.limit {
                    Some(Limit::MemoryBudget) => "the memory budget",
                    _ => "the cap",
                };
                write!(
                    f,
                    "NOT PROVEN (k={k}): the base case stopped at {at} after {} states, short of \
                     {} step(s) from the initial states (TRUNCATED): nothing is proven or refuted",
                    self.base_states,
                    k.saturating_sub(1)
                )
            }
        }
    }
}

impl<S: Debug> Outcome for InductionResult<S> {
    type State = S;
    fn is_ok(&self) -> bool {
        self.proven
    }
    fn is_truncated(&self) -> bool {
        self.truncated
    }
    fn kind_name(&self) -> Option<&'static str> {
        self.failure.map(Failure::as_str)
    }
    fn broken_invariant(&self) -> Option<&str> {
        match self.failure {
            Some(Failure::Base | Failure::Step) => Some(&self.invariant),
            Some(Failure::Panic) => self.fault.as_ref().and_then(|x| x.name.as_deref()),
            None => None,
        }
    }
    fn counterexample_actions(&self) -> Vec<&str> {
        self.action_names()
    }
    fn witness_state(&self) -> Option<&S> {
        self.witness()
    }
    /// The path from an initial state (a base failure, or a panic in the base case); a CTI
    /// starts from a domain state, not a run of the system, so it has none.
    fn counterexample_run(&self) -> Option<Run<'_, S>> {
        match self.path.first() {
            Some(first) if first.action == "<init>" => Some(Run { stem: &self.path, cycle: &[] }),
            _ => None,
        }
    }
}

/// The claim resolved against a system: the one invariant the induction evaluates, as
/// properties (every dead end legal: deadlocks are irrelevant to induction).
struct One<'a, P, S> {
    props: &'a P,
    which: Which<S>,
    name: String,
}

enum Which<S> {
    Model(usize),
    Own(Invariant<S>),
}

impl<S, P: Properties<S>> Properties<S> for One<'_, P, S> {
    fn invariant_count(&self) -> usize {
        1
    }
    fn invariant_name(&self, _index: usize) -> &str {
        &self.name
    }
    fn check_invariant(&self, _index: usize, state: &S) -> Verdict {
        match &self.which {
            Which::Model(i) => self.props.check_invariant(*i, state),
            Which::Own(inv) => inv.eval(state),
        }
    }
    fn is_terminal(&self, _state: &S) -> bool {
        true
    }
}

impl<'a, S, P: Properties<S>> One<'a, P, S> {
    fn resolve(props: &'a P, claim: Claim<S>) -> Result<Self, Error> {
        match claim {
            Claim::Predicate(inv) => Ok(One { props, name: inv.name().to_owned(), which: Which::Own(inv) }),
            Claim::Named(name) => {
                let names: Vec<&str> =
                    (0..props.invariant_count()).map(|i| props.invariant_name(i)).collect();
                match names.iter().position(|n| *n == name) {
                    Some(i) => Ok(One { props, which: Which::Model(i), name }),
                    None => {
                        let known = if names.is_empty() {
                            "the system has no invariants".to_owned()
                        } else {
                            format!("its invariants are: {}", names.join(", "))
                        };
                        Err(Error::new(
                            ErrorKind::UnknownInvariant,
                            format!("check_inductive: the system has no invariant named '{name}'; {known}"),
                        ))
                    }
                }
            }
        }
    }

    fn eval(&self, state: &S) -> Verdict {
        fault::enter(Site::Invariant(0));
        self.check_invariant(0, state)
    }
}

/// A state with the depth it was first reached at. Equal and hashed by the state alone, so
/// the engine keeps each state once, at its least depth (its first discoverer), as the
/// original's base case does.
#[derive(Clone)]
struct AtDepth<S> {
    state: S,
    depth: usize,
}

impl<S: PartialEq> PartialEq for AtDepth<S> {
    fn eq(&self, other: &Self) -> bool {
        self.state == other.state
    }
}

impl<S: Eq> Eq for AtDepth<S> {}

impl<S: Hash> Hash for AtDepth<S> {
    fn hash<H: Hasher>(&self, h: &mut H) {
        self.state.hash(h);
    }
}

impl<S: Debug> Debug for AtDepth<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.state.fmt(f)
    }
}

fn state_of<S>(x: &AtDepth<S>) -> &S {
    &x.state
}

/// The system seen to depth `last`: states at that depth have no successors. The base case
/// is the engine's safety check of this system against the one invariant.
///
/// The engine has no depth bound of its own, and induction does not need one added to it:
/// this view carries each state's depth in the state ([`AtDepth`], compared by the state
/// alone) and stops producing successors at the bound. The engine's order, cap, workers and
/// panic handling then apply unchanged.
struct Bounded<'a, T> {
    sys: &'a T,
    last: usize,
}

impl<T: TransitionSystem> TransitionSystem for Bounded<'_, T> {
    type State = AtDepth<T::State>;

    fn initial_states(&self) -> Vec<Self::State> {
        self.sys.initial_states().into_iter().map(|state| AtDepth { state, depth: 0 }).collect()
    }

    fn successors<F>(&self, x: &Self::State, mut emit: F) -> ControlFlow<()>
    where
        F: FnMut(ActionId, Self::State) -> ControlFlow<()>,
    {
        if x.depth >= self.last {
            return ControlFlow::Continue(());
        }
        let depth = x.depth + 1;
        self.sys.successors(&x.state, |a, state| emit(a, AtDepth { state, depth }))
    }

    fn action_name(&self, action: ActionId) -> &str {
        self.sys.action_name(action)
    }

    fn static_actions(&self) -> Option<Vec<ActionId>> {
        self.sys.static_actions()
    }

    fn begin_sweep(&self) {
        self.sys.begin_sweep()
    }
}

/// How the base case ended.
enum Base<S> {
    Holds,
    Violated { path: Vec<Step<S>>, reason: Option<String> },
    Panic { path: Vec<Step<S>>, fault: Fault },
    Truncated(Option<Limit>),
}

/// How the step case ended.
enum StepCase<S> {
    Holds,
    Cti { path: Vec<Step<S>>, reason: Option<String> },
    Panic { path: Vec<Step<S>>, fault: Fault },
}

impl<T: System> Checker<'_, T> {
    /// Prove `invariant` by k-induction over `induction`'s domain (see the
    /// [module](crate::induction)): the base case on the engine under this checker's
    /// [`Config`](crate::Config) (cap, workers, memory budget), then the step case over the
    /// domain, raising k when [`Induction::max_k`] allows.
    ///
    /// `invariant` is one of the system's invariants by name, or a predicate
    /// ([`IntoClaim`]). Refused ([`Error`]): k = 0 (`k must be >= 1, got 0`), `max_k` below k,
    /// a name that is none of the system's invariants
    /// ([`ErrorKind::UnknownInvariant`]), an enumerated domain past
    /// [`Induction::max_domain`]. Everything else is a result: proven, a base failure, a CTI,
    /// a base case cut short, or a panic in user code.
    pub fn check_inductive(
        &self,
        invariant: impl IntoClaim<T::State>,
        induction: &Induction<T::State>,
    ) -> Result<InductionResult<T::State>, Error> {
        let (first, last) = induction.depths()?;
        let one = One::resolve(self.sys, invariant.into_claim())?;
        if let Source::Enumerated(values) = &induction.source {
            match fault::catch(|| {
                fault::enter(Site::Domain);
                values().size()
            }) {
                Ok(size) => {
                    let limit = induction.max_domain;
                    if size > limit as u128 {
                        return Err(domain::too_large(size, limit));
                    }
                }
                Err(payload) => {
                    let mut r = InductionResult::new(first, &one.name, 0);
                    r.failure = Some(Failure::Panic);
                    r.fault = Some(fault_from(self.sys, &one, &*payload));
                    return Ok(r);
                }
            }
        }
        let mut k = first;
        loop {
            let r = self.induction_at(&one, induction, k);
            if r.failure == Some(Failure::Step) && k < last {
                k += 1;
                continue;
            }
            return Ok(r);
        }
    }

    /// Base case, then step case, at depth `k`.
    fn induction_at(
        &self,
        one: &One<'_, T, T::State>,
        induction: &Induction<T::State>,
        k: usize,
    ) -> InductionResult<T::State> {
        let (base, base_states) = self.base_case(one, k);
        let mut r = InductionResult::new(k, &one.name, base_states);
        let step = match base {
            Base::Holds => self.step_case(one, induction, k),
            Base::Violated { path, reason } => {
                r.failure = Some(Failure::Base);
                r.state = path.last().map(|s| s.state.clone());
                r.reason = reason;
                r.path = path;
                return r;
            }
            Base::Panic { path, fault } => StepCase::Panic { path, fault },
            Base::Truncated(limit) => {
                r.truncated = true;
                r.limit = limit;
                return r;
            }
        };
        match step {
            StepCase::Holds => r.proven = true,
            StepCase::Cti { path, reason } => {
                let n = path.len();
                r.failure = Some(Failure::Step);
                r.state = Some(path[n - 2].state.clone());
                r.action = Some(path[n - 1].action.clone());
                r.successor = Some(path[n - 1].state.clone());
                r.reason = reason;
                r.path = path;
            }
            StepCase::Panic { path, fault } => {
                r.failure = Some(Failure::Panic);
                r.state = path.last().map(|s| s.state.clone());
                r.fault = Some(fault);
                r.path = path;
            }
        }
        r
    }

    /// No state reachable within k−1 steps violates the invariant: the engine's breadth-first
    /// safety check of the system cut at depth k−1, with the invariant as its only property.
    /// Its first violation is a violating state of least depth, first in generation order,
    /// which is the state the original's base case returns.
    fn base_case(&self, one: &One<'_, T, T::State>, k: usize) -> (Base<T::State>, usize) {
        let bounded = Bounded { sys: self.sys, last: k - 1 };
        let config = self.options.for_states_of(self.options.get_max_states());
        let props = Projected::new(one, state_of::<T::State>);
        let (r, _) = Checker::new(&bounded).config(config).check_against(&props);
        let path = || r.trace.iter().map(|s| Step::new(s.action.clone(), s.state.state.clone())).collect();
        let base = match r.kind {
            None if r.truncated => Base::Truncated(r.limit.or(Some(Limit::MaxStates))),
            None => Base::Holds,
            Some(Kind::Invariant) => Base::Violated { path: path(), reason: r.reason.clone() },
            Some(_) => Base::Panic {
                path: path(),
                fault: r.fault.clone().expect("the bounded system has no edge invariants or deadlocks"),
            },
        };
        (base, r.states_explored)
    }

    /// Every path of k enabled transitions from a domain state that satisfies the invariant,
    /// whose intermediate states satisfy it too, ends in a state that satisfies it.
    ///
    /// This is the one search induction runs outside the engine, because it is not an
    /// exploration of the reachable states: it starts from each domain state in turn, keeps no
    /// visited set (paths may repeat states, and the same state may start or continue many
    /// paths), and stops at depth k. So it is a depth-first walk with an explicit stack of
    /// successor lists, in the original's order (domain order, then action order), costing
    /// about |domain| · b^k for b enabled actions per state. A successor that violates the
    /// invariant before depth k is skipped: that path is too short to be an antecedent, and
    /// the base case covers short paths from the initial states.
    fn step_case(
        &self,
        one: &One<'_, T, T::State>,
        induction: &Induction<T::State>,
        k: usize,
    ) -> StepCase<T::State> {
        let sys = self.sys;
        sys.begin_sweep();
        let successors = |s: &T::State| {
            fault::enter(Site::Successors);
            let mut out = Vec::new();
            let _ = sys.successors(s, |a, y| {
                out.push((a, y));
                ControlFlow::Continue(())
            });
            out.into_iter()
        };
        // The path from the domain state to the state being looked at, and for each state on
        // it but the last, the successors still to try. Kept outside the catch so a panic
        // can report where it happened.
        let mut path: Vec<(Option<ActionId>, T::State)> = Vec::new();
        let mut frames: Vec<std::vec::IntoIter<(ActionId, T::State)>> = Vec::new();
        let outcome = fault::catch(|| {
            fault::enter(Site::Domain);
            let mut domain: Box<dyn Iterator<Item = T::State>> = match &induction.source {
                Source::Listed(states) => Box::new(states.iter().cloned()),
                Source::Enumerated(values) => values().into_iter(),
            };
            loop {
                path.clear();
                frames.clear();
                fault::enter(Site::Domain);
                let s0 = domain.next()?;
                path.push((None, s0));
                if !one.eval(&path[0].1).holds() {
                    continue; // the antecedent is false: it constrains nothing
                }
                frames.push(successors(&path[0].1));
                while let Some(top) = frames.last_mut() {
                    let Some((a, t)) = top.next() else {
                        frames.pop();
                        path.pop();
                        continue;
                    };
                    let depth = frames.len();
                    path.push((Some(a), t));
                    let last = &path[depth].1;
                    let verdict = one.eval(last);
                    if depth == k {
                        if !verdict.holds() {
                            return Some(verdict.shown_reason());
                        }
                        path.pop();
                    } else if verdict.holds() {
                        frames.push(successors(last));
                    } else {
                        path.pop();
                    }
                }
            }
        });
        let steps = |path: Vec<(Option<ActionId>, T::State)>| {
            path.into_iter()
                .map(|(a, s)| Step::new(a.map_or(FROM_DOMAIN, |a| sys.action_name(a)), s))
                .collect()
        };
        match outcome {
            Ok(None) => StepCase::Holds,
            Ok(Some(reason)) => StepCase::Cti { path: steps(path), reason },
            Err(payload) => StepCase::Panic { fault: fault_from(sys, one, &*payload), path: steps(path) },
        }
    }
}

/// Prove `invariant` inductive for `sys` at depth `k` over `domain`: the original's
/// `check_inductive(model, invariant, domain, k=k)`, with the default configuration. See
/// [`Checker::check_inductive`] for what is refused, and [`Induction`] for raising k and for
/// a domain enumerated from the state type.
pub fn check_inductive<T: System>(
    sys: &T,
    invariant: impl IntoClaim<T::State>,
    domain: impl IntoIterator<Item = T::State>,
    k: usize,
) -> Result<InductionResult<T::State>, Error> {
    Checker::new(sys).check_inductive(invariant, &Induction::new(domain).k(k))
}
