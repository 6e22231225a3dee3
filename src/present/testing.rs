//! Test assertions: [`assert_ok!`](crate::assert_ok) and [`assert_violates!`](crate::assert_violates).
//!
//! Both fail with the rendered result (the trace as the original prints it), not a `Debug`
//! dump, and `assert_ok!` refuses a truncated green unless the caller accepts it.
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

use crate::result::{Kind, Outcome};

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
