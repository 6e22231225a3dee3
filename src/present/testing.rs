//! Test assertions: [`assert_ok!`](crate::assert_ok) and [`assert_violates!`](crate::assert_violates),
//! and counterexamples replayed by action names ([`replay_trace`], [`replay_check`]).
//!
//! Both macros fail with the rendered result (the trace as the original prints it), not a
//! `Debug` dump, and `assert_ok!` refuses a truncated green unless the caller accepts it. A
//! replay rebuilds a run from its action names alone, so a counterexample pinned in a test
//! keeps meaning the same run as the model evolves (the tests `--emit-test` writes use it).
//!
//! ```
//! use musil::{assert_ok, assert_violates, check, Checker, Kind, Model};
//! let m = Model::new(0i32)
//!     .action("withdraw", |b| *b > -1, |b| b - 1)
//!     .invariant("non-negative", |b| *b >= 0);
//! assert_violates!(check(&m), kind = Kind::Invariant, invariant = "non-negative", via = ["withdraw"]);
//!
//! let counter = Model::new(0u64).action("inc", |_| true, |n| n + 1);
//! let r = Checker::new(&counter).max_states(50).check();
//! assert_ok!(r, truncated = ok);
//! ```

use std::fmt::Debug;
use std::ops::ControlFlow;

use crate::error::{Error, ErrorKind};
use crate::properties::Verdict;
use crate::result::{CheckResult, Kind, Outcome, Step};
use crate::system::{ActionId, System, TransitionSystem};

/// The text `assert_ok!` fails with, or `Ok(())` when the result passes.
pub fn ok_failure<R: Outcome + ?Sized>(
    result: &R,
    message: Option<&str>,
    accept_truncated: bool,
) -> Result<(), String> {
    let prefix = |body: String| match message {
        Some(m) if !m.is_empty() => format!("{m}\n{body}"),
        _ => body,
    };
    if !result.is_ok() {
        return Err(prefix(result.to_string()));
    }
    if !accept_truncated && result.is_truncated() {
        return Err(prefix(format!(
            "check passed but TRUNCATED at max_states -- a truncated green proves nothing; \
             raise max_states or accept it with assert_ok!(result, truncated = ok)\n{result}"
        )));
    }
    Ok(())
}

#[doc(hidden)]
#[track_caller]
pub fn assert_ok_impl<R: Outcome + ?Sized>(result: &R, accept_truncated: bool, message: Option<String>) {
    if let Err(text) = ok_failure(result, message.as_deref(), accept_truncated) {
        panic!("{text}");
    }
}

type WitnessFn<S> = Box<dyn Fn(&S) -> bool>;

/// What `assert_violates!` expects of a failing result. Built by the macro's `key = value`
/// arguments: `kind`, `invariant`, `via` (action names that must appear) and `witness` (a
/// predicate on the last state).
pub struct Expectation<S> {
    kind: Option<Kind>,
    invariant: Option<String>,
    via: Vec<String>,
    witness: Option<WitnessFn<S>>,
    message: Option<String>,
}

impl<S> std::fmt::Debug for Expectation<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Expectation")
            .field("kind", &self.kind)
            .field("invariant", &self.invariant)
            .field("via", &self.via)
            .finish_non_exhaustive()
    }
}

impl<S> Default for Expectation<S> {
    fn default() -> Self {
        Expectation { kind: None, invariant: None, via: Vec::new(), witness: None, message: None }
    }
}

impl<S: Debug> Expectation<S> {
    /// Expect any violation.
    pub fn new() -> Self {
        Self::default()
    }

    /// Expect this kind.
    #[must_use]
    pub fn kind(mut self, kind: Kind) -> Self {
        self.kind = Some(kind);
        self
    }

    /// Expect this broken invariant.
    #[must_use]
    pub fn invariant(mut self, name: &str) -> Self {
        self.invariant = Some(name.to_owned());
        self
    }

    /// Expect these actions somewhere in the counterexample.
    #[must_use]
    pub fn via<I: IntoIterator<Item = N>, N: AsRef<str>>(mut self, names: I) -> Self {
        self.via = names.into_iter().map(|n| n.as_ref().to_owned()).collect();
        self
    }

    /// Expect the witness (last) state to satisfy `predicate`.
    #[must_use]
    pub fn witness(mut self, predicate: impl Fn(&S) -> bool + 'static) -> Self {
        self.witness = Some(Box::new(predicate));
        self
    }

    /// Prefix the failure text with `message`.
    #[must_use]
    pub fn message(mut self, message: impl Into<String>) -> Self {
        self.message = Some(message.into());
        self
    }

    /// The failure text, or `Ok(())` when `result` meets the expectation.
    pub fn evaluate<R: Outcome<State = S> + ?Sized>(&self, result: &R) -> Result<(), String> {
        let fail = |reason: String| {
            let body = format!("{reason}\n{result}");
            Err(match self.message.as_deref() {
                Some(m) if !m.is_empty() => format!("{m}\n{body}"),
                _ => body,
            })
        };
        let repr = |v: Option<&str>| v.map_or("None".to_owned(), |s| format!("'{s}'"));
        if result.is_ok() {
            return fail("expected a violation, but the check passed".to_owned());
        }
        if let Some(k) = self.kind {
            if result.kind_name() != Some(k.as_str()) {
                return fail(format!("expected kind '{}', got {}", k.as_str(), repr(result.kind_name())));
            }
        }
        if let Some(inv) = &self.invariant {
            if result.broken_invariant() != Some(inv.as_str()) {
                return fail(format!(
                    "expected broken invariant '{inv}', got {}",
                    repr(result.broken_invariant())
                ));
            }
        }
        let actions = result.counterexample_actions();
        let missing: Vec<&String> = self.via.iter().filter(|n| !actions.contains(&n.as_str())).collect();
        if !missing.is_empty() {
            let list = |v: Vec<String>| format!("[{}]", v.join(", "));
            return fail(format!(
                "expected actions {} in the counterexample, but its actions were {}",
                list(missing.iter().map(|n| format!("'{n}'")).collect()),
                list(actions.iter().map(|n| format!("'{n}'")).collect())
            ));
        }
        if let Some(pred) = &self.witness {
            match result.witness_state() {
                Some(w) if pred(w) => {}
                w => {
                    let shown = w.map_or("None".to_owned(), |w| format!("{w:?}"));
                    return fail(format!("the witness state {shown} did not satisfy `witness`"));
                }
            }
        }
        Ok(())
    }
}

#[doc(hidden)]
#[track_caller]
pub fn assert_violates_impl<R: Outcome + ?Sized>(result: &R, expectation: Expectation<R::State>)
where
    R::State: Debug,
{
    if let Err(text) = expectation.evaluate(result) {
        panic!("{text}");
    }
}

/// Assert that a result passed. Fails with the rendered counterexample; a truncated pass fails
/// too unless written `assert_ok!(result, truncated = ok)`. Extra arguments are a `format!`
/// message printed first.
#[macro_export]
macro_rules! assert_ok {
    ($result:expr, truncated = ok $(,)?) => {
        $crate::testing::assert_ok_impl(&$result, true, None)
    };
    ($result:expr, truncated = ok, $($msg:tt)+) => {
        $crate::testing::assert_ok_impl(&$result, true, Some(format!($($msg)+)))
    };
    ($result:expr $(,)?) => {
        $crate::testing::assert_ok_impl(&$result, false, None)
    };
    ($result:expr, $($msg:tt)+) => {
        $crate::testing::assert_ok_impl(&$result, false, Some(format!($($msg)+)))
    };
}

/// Assert that a result is a violation, optionally of a `kind`, of an `invariant`, `via` some
/// actions, with a `witness` state satisfying a predicate, and with a `message` printed first:
/// `assert_violates!(r, kind = Kind::Deadlock, via = ["take"])`.
#[macro_export]
macro_rules! assert_violates {
    ($result:expr $(, $key:ident = $value:expr)* $(,)?) => {{
        let result = &$result;
        let expectation = $crate::testing::Expectation::new() $(.$key($value))*;
        $crate::testing::assert_violates_impl(result, expectation)
    }};
}

/// One replayed step: the action taken (`None` for the initial state) and the state after it.
type Replayed<S> = Vec<(Option<ActionId>, S)>;

/// Replay `actions` by name from the initial state: at each step exactly the successor of the
/// named action (the original's names, as traces print them). Returns the trace, `<init>` first.
///
/// The strict form of the original's
/// [`counterexample::replay_actions`](crate::counterexample::replay_actions), which takes the
/// first action of a name, starts from the first initial state only and judges invariants
/// along the way: this one refuses a name that leads to two states and replays from every
/// initial state, so a pinned run means one run.
///
/// A model with several initial states is replayed from each of them; the run must replay from
/// exactly one (or reach the same states from several).
///
/// # Errors
/// [`ErrorKind::Replay`], naming the step (1-based, `<init>` is step 0) and the action, when
/// the action is not enabled at that step (the enabled ones are listed), when it leads to more
/// than one state there (an action schema instance named twice, or a nondeterministic menu), or
/// when the run replays from several initial states into different states.
///
/// ```
/// use musil::testing::replay_trace;
/// use musil::{ErrorKind, Model};
/// let m = Model::new(0u8).action("inc", |n| *n < 2, |n| n + 1).action("reset", |n| *n > 0, |_| 0);
/// let trace = replay_trace(&m, &["inc", "inc", "reset"]).unwrap();
/// assert_eq!(trace.iter().map(|s| s.state).collect::<Vec<_>>(), [0, 1, 2, 0]);
/// let err = replay_trace(&m, &["inc", "inc", "inc"]).unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::Replay);
/// assert_eq!(err.message(), "replay: step 3: action `inc` is not enabled (enabled: reset)");
/// ```
pub fn replay_trace<T, N>(sys: &T, actions: &[N]) -> Result<Vec<Step<T::State>>, Error>
where
    T: TransitionSystem,
    N: AsRef<str>,
{
    Ok(replay(sys, actions)?
        .into_iter()
        .map(|(a, s)| Step::new(a.map_or("<init>", |a| sys.action_name(a)).to_owned(), s))
        .collect())
}

fn replay<T, N>(sys: &T, actions: &[N]) -> Result<Replayed<T::State>, Error>
where
    T: TransitionSystem,
    N: AsRef<str>,
{
    let err = |text: String| Error::new(ErrorKind::Replay, format!("replay: {text}"));
    let mut runs: Vec<Replayed<T::State>> = Vec::new();
    for s in sys.initial_states() {
        if !runs.iter().any(|r| r[0].1 == s) {
            runs.push(vec![(None, s)]);
        }
    }
    if runs.is_empty() {
        return Err(err("step 0: the model has no initial state".to_owned()));
    }
    for (i, name) in actions.iter().enumerate() {
        let name = name.as_ref();
        let step = i + 1;
        let mut next_runs = Vec::new();
        let mut enabled: Vec<String> = Vec::new();
        for run in runs {
            let at = &run.last().expect("a run holds its initial state").1;
            let mut hits: Vec<(ActionId, T::State)> = Vec::new();
            let _ = sys.successors(at, |a, s| {
                let n = sys.action_name(a);
                if n == name {
                    if !hits.iter().any(|(_, h)| *h == s) {
                        hits.push((a, s));
                    }
                } else if !enabled.iter().any(|e| e == n) {
                    enabled.push(n.to_owned());
                }
                ControlFlow::Continue(())
            });
            if hits.len() > 1 {
                return Err(err(format!(
                    "step {step}: action `{name}` is ambiguous: it leads to {} different states",
                    hits.len()
                )));
            }
            if let Some((a, s)) = hits.pop() {
                let mut run = run;
                run.push((Some(a), s));
                if !next_runs
                    .iter()
                    .any(|r: &Replayed<T::State>| r.iter().map(|x| &x.1).eq(run.iter().map(|x| &x.1)))
                {
                    next_runs.push(run);
                }
            }
        }
        if next_runs.is_empty() {
            let list = if enabled.is_empty() { "none".to_owned() } else { enabled.join(", ") };
            return Err(err(format!("step {step}: action `{name}` is not enabled (enabled: {list})")));
        }
        runs = next_runs;
    }
    if runs.len() > 1 {
        return Err(err(format!(
            "step 0: the run replays from {} initial states into different states; it is ambiguous",
            runs.len()
        )));
    }
    Ok(runs.pop().expect("one run remains"))
}

/// Replay `actions` by name (as [`replay_trace`]) and judge the run by the model's
/// properties, in the order a check meets them: at each state its invariants (declaration
/// order), then the edge invariants on the transition the run takes; a last state with no
/// enabled action that is not terminal is a deadlock. The first problem ends the run: the
/// result is a violation whose trace ends where it was found, as [`check`](crate::check())
/// reports it; else an ok result (`states_explored` is the run's length; the trace, empty as
/// on every pass, is [`replay_trace`]'s).
///
/// A guard, effect or property that panics is not caught here: the panic propagates.
///
/// # Errors
/// As [`replay_trace`].
///
/// ```
/// use musil::testing::replay_check;
/// use musil::{assert_violates, Kind, Model};
/// let m = Model::new(0u8).action("inc", |n| *n < 3, |n| n + 1).invariant("small", |n| *n < 2);
/// let run = replay_check(&m, &["inc", "inc"]).unwrap();
/// assert_violates!(run, kind = Kind::Invariant, invariant = "small");
/// assert_eq!(run.trace.len(), 3); // at the last step
/// ```
pub fn replay_check<T, N>(sys: &T, actions: &[N]) -> Result<CheckResult<T::State>, Error>
where
    T: System,
    N: AsRef<str>,
{
    let run = replay(sys, actions)?;
    let steps = |upto: usize| -> Vec<Step<T::State>> {
        run[..upto]
            .iter()
            .map(|(a, s)| Step::new(a.map_or("<init>", |a| sys.action_name(a)).to_owned(), s.clone()))
            .collect()
    };
    let fail = |kind: Kind, upto: usize, name: &str, reason: Option<String>| {
        let mut r = CheckResult::fail(kind, upto, steps(upto));
        r.invariant = (!name.is_empty()).then(|| name.to_owned());
        r.reason = reason.filter(|r| !r.is_empty());
        r
    };
    for (k, (_, state)) in run.iter().enumerate() {
        for index in 0..sys.invariant_count() {
            if let Verdict::Violated(reason) = sys.check_invariant(index, state) {
                return Ok(fail(Kind::Invariant, k + 1, sys.invariant_name(index), reason));
            }
        }
        if let Some((Some(action), next)) = run.get(k + 1) {
            for index in 0..sys.edge_invariant_count() {
                if let Verdict::Violated(reason) = sys.check_edge_invariant(index, state, *action, next) {
                    return Ok(fail(Kind::EdgeInvariant, k + 2, sys.edge_invariant_name(index), reason));
                }
            }
        }
    }
    let last = &run.last().expect("a run holds its initial state").1;
    let mut any = false;
    let _ = sys.successors(last, |_, _| {
        any = true;
        ControlFlow::Break(())
    });
    if !any && !sys.is_terminal(last) {
        return Ok(CheckResult::fail(Kind::Deadlock, run.len(), steps(run.len())));
    }
    Ok(CheckResult::pass(run.len(), false))
}
