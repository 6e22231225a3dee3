//! Counterexample tools: replay a run by its action names, shrink an invariant counterexample
//! to the fewest actions that still break the invariant, and turn it into a regression test.
//!
//! A replay follows exactly one path, no search: at each step it takes the **first** enabled
//! action of the state's menu (action order) with the requested name, canonicalised as the
//! [`Checker`]'s configuration says, and checks every invariant at the start and after every
//! step. That is the original's rule, so a name shared by several actions (a schema instance
//! named twice) replays as the first; [`testing::replay_trace`](crate::testing::replay_trace)
//! is the strict form, which refuses such a name as ambiguous.
//!
//! [`minimize`] is greedy one-action minimisation: drop the first single action whose removal
//! still replays to a violation of the same invariant, and start again, until no single
//! removal does. A breadth-first counterexample is already the shortest, so it comes back
//! unchanged; the tool earns its keep on simulated runs, hand-assembled sequences and logs.
//!
//! ```
//! use musil::counterexample::{minimize, replay_actions};
//! use musil::{Kind, Model};
//!
//! let m = Model::new(0u8)
//!     .action("inc", |n| *n < 5, |n| n + 1)
//!     .action("noop", |_| true, |n| *n)
//!     .invariant("n-le-2", |n| *n <= 2);
//! // A padded run, as a simulation might produce it.
//! let padded = replay_actions(&m, &["noop", "inc", "noop", "inc", "inc"]).unwrap();
//! assert_eq!(padded.kind, Some(Kind::Invariant));
//! let short = minimize(&m, &padded);
//! assert_eq!(short.action_names(), ["inc", "inc", "inc"]);
//! assert_eq!(short.invariant.as_deref(), Some("n-le-2"));
//! ```

use std::fmt::Write as _;
use std::ops::ControlFlow;

use crate::check::Checker;
use crate::engine::{Step, canon, fault_from};
use crate::error::{Error, ErrorKind};
use crate::fault::{self, Site};
use crate::properties::Verdict;
use crate::result::{CheckResult, Kind};
use crate::system::System;

/// How one replay ended.
enum Replayed<S> {
    /// An invariant broke at the trace's last state: its index and reason.
    Violated(Vec<Step<S>>, usize, Option<String>),
    /// User code panicked at the trace's last state.
    Panicked(Vec<Step<S>>, crate::fault::Fault),
    /// The whole sequence replayed and nothing broke.
    Held(Vec<Step<S>>),
    /// The action at `step` (1-based) is not enabled there; the names that are.
    Stuck { step: usize, name: String, enabled: Vec<String> },
}

/// The first broken invariant at `s` in declaration order (`only`: that one alone), or the
/// panic of one.
fn judge<T: System>(
    sys: &T,
    s: &T::State,
    only: Option<usize>,
) -> Result<Option<(usize, Option<String>)>, crate::fault::Fault> {
    let run = || {
        for index in 0..sys.invariant_count() {
            if only.is_some_and(|o| o != index) {
                continue;
            }
            fault::enter(Site::Invariant(index));
            if let Verdict::Violated(reason) = sys.check_invariant(index, s) {
                return Some((index, reason.filter(|r| !r.is_empty())));
            }
        }
        None
    };
    fault::catch(run).map_err(|payload| fault_from(sys, sys, &*payload))
}

impl<T: System> Checker<'_, T> {
    /// Replay `names` from `start` (taken as given), stopping at the first state that breaks an
    /// invariant (`only`: that one alone).
    fn replay_from<N: AsRef<str>>(
        &self,
        start: T::State,
        names: &[N],
        only: Option<usize>,
    ) -> Replayed<T::State> {
        let sys = self.sys;
        let mut trace = vec![Step::new("<init>".to_owned(), start)];
        let verdict = |trace: Vec<Step<T::State>>| -> Result<Replayed<T::State>, Vec<Step<T::State>>> {
            match judge(sys, &trace[trace.len() - 1].state, only) {
                Ok(Some((index, reason))) => Ok(Replayed::Violated(trace, index, reason)),
                Ok(None) => Err(trace),
                Err(f) => Ok(Replayed::Panicked(trace, f)),
            }
        };
        trace = match verdict(trace) {
            Ok(end) => return end,
            Err(trace) => trace,
        };
        for (i, name) in names.iter().enumerate() {
            let name = name.as_ref();
            let at = &trace[trace.len() - 1].state;
            let mut next = None;
            let mut enabled: Vec<String> = Vec::new();
            let stepped = fault::catch(|| {
                fault::enter(Site::Successors);
                let _ = sys.successors(at, |a, y| {
                    let n = sys.action_name(a);
                    if n == name {
                        next = Some(y);
                        return ControlFlow::Break(());
                    }
                    if !enabled.iter().any(|e| e == n) {
                        enabled.push(n.to_owned());
                    }
                    ControlFlow::Continue(())
                });
                next.take().map(|y| canon(&self.options, y))
            });
            let y = match stepped {
                Err(payload) => return Replayed::Panicked(trace, fault_from(sys, sys, &*payload)),
                Ok(None) => return Replayed::Stuck { step: i + 1, name: name.to_owned(), enabled },
                Ok(Some(y)) => y,
            };
            trace.push(Step::new(name.to_owned(), y));
            trace = match verdict(trace) {
                Ok(end) => return end,
                Err(trace) => trace,
            };
        }
        Replayed::Held(trace)
    }

    /// The original's `replay_actions` under this checker's canonicalisation: see
    /// [`replay_actions`].
    ///
    /// # Errors
    /// As [`replay_actions`].
    pub fn replay_actions<N: AsRef<str>>(&self, names: &[N]) -> Result<CheckResult<T::State>, Error> {
        let sys = self.sys;
        let first = fault::catch(|| {
            fault::enter(Site::Initial);
            sys.initial_states().into_iter().next().map(|s| canon(&self.options, s))
        });
        let start = match first {
            Ok(Some(s)) => s,
            Ok(None) => {
                return Err(Error::new(ErrorKind::Replay, "replay_actions: the model has no initial state"));
            }
            Err(payload) => {
                let mut r = CheckResult::fail(Kind::Panic, 0, Vec::new());
                let f = fault_from(sys, sys, &*payload);
                r.invariant = f.name.clone();
                r.fault = Some(f);
                return Ok(r);
            }
        };
        match self.replay_from(start, names, None) {
            Replayed::Violated(trace, index, reason) => {
                let mut r = CheckResult::fail(Kind::Invariant, trace.len(), trace);
                r.invariant = Some(sys.invariant_name(index).to_owned());
                r.reason = reason;
                Ok(r)
            }
            Replayed::Panicked(trace, f) => {
                let mut r = CheckResult::fail(Kind::Panic, trace.len(), trace);
                r.invariant = f.name.clone();
                r.fault = Some(f);
                Ok(r)
            }
            Replayed::Held(trace) => {
                let mut r = CheckResult::pass(trace.len(), false);
                r.trace = trace;
                Ok(r)
            }
            Replayed::Stuck { step, name, enabled } => {
                let list = if enabled.is_empty() { "none".to_owned() } else { enabled.join(", ") };
                Err(Error::new(
                    ErrorKind::Replay,
                    format!(
                        "replay_actions: step {step}: action '{name}' is not available or not enabled (enabled: {list}); the sequence does not replay on this model"
                    ),
                ))
            }
        }
    }

    /// The original's `minimize` under this checker's canonicalisation: see [`minimize`].
    pub fn minimize(&self, result: &CheckResult<T::State>) -> CheckResult<T::State> {
        let sys = self.sys;
        let index = match (&result.kind, &result.invariant) {
            (Some(Kind::Invariant), Some(name)) if !result.ok && !result.trace.is_empty() => {
                (0..sys.invariant_count()).find(|&i| sys.invariant_name(i) == name)
            }
            _ => None,
        };
        let Some(index) = index else {
            return result.clone();
        };
        let start = result.trace[0].state.clone();
        let mut names: Vec<&str> = result.trace[1..].iter().map(|s| s.action.as_str()).collect();
        let violates = |names: &[&str]| {
            matches!(self.replay_from(start.clone(), names, Some(index)), Replayed::Violated(..))
        };
        if !violates(&names) {
            return result.clone();
        }
        'shrink: while !names.is_empty() {
            for i in 0..names.len() {
                let mut fewer = names.clone();
                fewer.remove(i);
                if violates(&fewer) {
                    names = fewer;
                    continue 'shrink;
                }
            }
            break;
        }
        let Replayed::Violated(trace, _, reason) = self.replay_from(start, &names, Some(index)) else {
            unreachable!("the shrinking keeps only sequences that replay to a violation")
        };
        let mut out = result.clone();
        out.trace = trace;
        if reason.is_some() {
            out.reason = reason;
        }
        out
    }
}

/// Replay `names` from the model's first initial state (the original's rule: one path, the
/// first enabled action of each name in action order) and check every invariant at the start
/// and after every step.
///
/// Returns the first violation with its trace (`states_explored` is the trace's length), or an
/// ok result that carries the whole path as its trace. A guard, effect or invariant that
/// panics is a [`Kind::Panic`] result naming it, with the trace up to there. Edge invariants
/// and deadlocks are not judged, as in the original: [`testing::replay_check`]
/// (crate::testing::replay_check) judges everything a check does.
///
/// # Errors
/// [`ErrorKind::Replay`] when a name is not enabled at its step, naming the step (1-based), the
/// action and the actions that are enabled there; or when the model has no initial state.
///
/// ```
/// use musil::counterexample::replay_actions;
/// use musil::{ErrorKind, Model};
///
/// let m = Model::new(0u8).action("inc", |n| *n < 1, |n| n + 1);
/// let ok = replay_actions(&m, &["inc"]).unwrap();
/// assert!(ok.ok);
/// assert_eq!(ok.states_explored, 2);
/// assert_eq!(ok.trace.len(), 2);
/// let stale = replay_actions(&m, &["inc", "inc"]).unwrap_err();
/// assert_eq!(stale.kind(), ErrorKind::Replay);
/// assert!(stale.message().contains("step 2: action 'inc'"));
/// assert!(stale.message().contains("does not replay"));
/// ```
pub fn replay_actions<T: System, N: AsRef<str>>(
    sys: &T,
    names: &[N],
) -> Result<CheckResult<T::State>, Error> {
    Checker::new(sys).replay_actions(names)
}

/// Shrink an invariant counterexample: greedy one-action minimisation of its action sequence,
/// replayed from the trace's first state (as given) and kept only while it still replays to a
/// violation of the same invariant. The new trace ends at the first violating state; `reason`
/// is the invariant's reason there when it gives one (else the old reason); every other field
/// is kept, `states_explored` included.
///
/// Every other result is returned as it is: an ok one, a deadlock, an edge invariant, a panic,
/// a result with no trace, one naming an invariant the model does not have, or one whose trace
/// does not replay to that violation (same-named actions that pick differently): a reduction
/// that might be wrong is never made. Use [`Checker::minimize`] with the check's
/// canonicalisation when the trace was found under one.
pub fn minimize<T: System>(sys: &T, result: &CheckResult<T::State>) -> CheckResult<T::State> {
    Checker::new(sys).minimize(result)
}

/// What [`as_regression_test`] writes: the test function's name, the expression that builds
/// the model, and whether the counterexample is minimised first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegressionTest {
    name: String,
    model: String,
    minimize_first: bool,
}

impl Default for RegressionTest {
    fn default() -> Self {
        RegressionTest {
            name: "regression".to_owned(),
            model: "your_crate::model() /* <-- point this at your model */".to_owned(),
            minimize_first: true,
        }
    }
}

impl RegressionTest {
    /// A test named `regression`, with a placeholder model expression, minimised first.
    pub fn new() -> Self {
        Self::default()
    }

    /// The test function's name (a Rust identifier).
    #[must_use]
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// The Rust expression that builds the model in the test, e.g. `my_crate::bank::model()`.
    #[must_use]
    pub fn model(mut self, expression: impl Into<String>) -> Self {
        self.model = expression.into();
        self
    }

    /// Whether to [`minimize`] the counterexample first (the default).
    #[must_use]
    pub fn minimize_first(mut self, yes: bool) -> Self {
        self.minimize_first = yes;
        self
    }
}

/// Rust source for a `#[test]` that replays this invariant counterexample by its action names
/// ([`replay_actions`]) and asserts that the same invariant breaks: a fast, deterministic test
/// that pins the interleaving without searching again. Minimised first unless `test` says
/// otherwise. The text ends with a newline.
///
/// # Errors
/// [`ErrorKind::InvalidInput`] unless `result` is a failing invariant result naming its
/// invariant, or when the test name is not a Rust identifier.
///
/// ```
/// use musil::counterexample::{as_regression_test, RegressionTest};
/// use musil::{check, Model};
///
/// let m = Model::new(0u8).action("inc", |n| *n < 5, |n| n + 1).invariant("n-le-2", |n| *n <= 2);
/// let src = as_regression_test(&m, &check(&m), &RegressionTest::new().name("n_overflow").model("crate::model()")).unwrap();
/// assert!(src.contains("fn n_overflow()"));
/// assert!(src.contains(r#"replay_actions(&model, &["inc", "inc", "inc"])"#));
/// assert!(src.contains(r#"Some("n-le-2")"#));
/// ```
pub fn as_regression_test<T: System>(
    sys: &T,
    result: &CheckResult<T::State>,
    test: &RegressionTest,
) -> Result<String, Error> {
    let invariant = match (&result.kind, &result.invariant) {
        (Some(Kind::Invariant), Some(name)) if !result.ok => name.clone(),
        _ => {
            return Err(Error::new(
                ErrorKind::InvalidInput,
                "as_regression_test needs an invariant counterexample (a failing result of kind Invariant with its invariant named)",
            ));
        }
    };
    let ident = &test.name;
    let is_ident = ident.chars().next().is_some_and(|c| c == '_' || c.is_alphabetic())
        && ident.chars().all(|c| c == '_' || c.is_alphanumeric());
    if !is_ident {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            format!("as_regression_test: the test name {ident:?} is not a Rust identifier"),
        ));
    }
    let result = if test.minimize_first { minimize(sys, result) } else { result.clone() };
    let names: Vec<String> = result.action_names().iter().map(|n| format!("{n:?}")).collect();
    let mut text = String::new();
    text.push_str("#[test]\n");
    let _ = writeln!(text, "fn {ident}() {{");
    let _ = writeln!(text, "    let model = {};", test.model);
    let _ = writeln!(
        text,
        "    let result = musil::counterexample::replay_actions(&model, &[{}]).unwrap_or_else(|e| panic!(\"{{e}}\"));",
        names.join(", ")
    );
    text.push_str("    assert!(!result.ok);\n");
    let _ = writeln!(text, "    assert_eq!(result.invariant.as_deref(), Some({invariant:?}));");
    text.push_str("}\n");
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Model;

    fn counter() -> Model<u8> {
        Model::new(0u8)
            .action("inc", |n| *n < 5, |n| n + 1)
            .action("noop", |_| true, |n| *n)
            .invariant("n-le-2", |n| *n <= 2)
            .terminal(|_| false)
    }

    #[test]
    fn a_first_state_that_breaks_an_invariant_is_the_violation() {
        let m = Model::new(7u8).action("inc", |_| true, |n| n + 1).invariant("small", |n| *n < 5);
        let r = replay_actions(&m, &["inc"]).unwrap();
        assert_eq!((r.kind, r.states_explored, r.trace.len()), (Some(Kind::Invariant), 1, 1));
    }

    #[test]
    fn a_panicking_effect_is_a_result_naming_the_action() {
        let m = Model::new(0u8).action("boom", |_| true, |_| panic!("no")).invariant("any", |_| true);
        let r = replay_actions(&m, &["boom"]).unwrap();
        assert_eq!(r.kind, Some(Kind::Panic));
        assert_eq!(r.invariant.as_deref(), Some("boom"));
        assert_eq!(r.trace.len(), 1);
    }

    #[test]
    fn the_checkers_canonicalisation_applies_to_every_step() {
        let m = counter();
        let r = Checker::new(&m).canonicalize(|n| n % 2).replay_actions(&["inc", "inc", "inc"]).unwrap();
        assert!(r.ok);
        assert_eq!(r.trace.iter().map(|s| s.state).collect::<Vec<_>>(), [0, 1, 0, 1]);
    }

    #[test]
    fn a_non_identifier_test_name_is_refused() {
        let m = counter();
        let r = crate::check(&m);
        let e = as_regression_test(&m, &r, &RegressionTest::new().name("two words")).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
    }
}
