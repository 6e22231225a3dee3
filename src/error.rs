//! The one error type: input musil refuses (an unknown fairness name, a formula it cannot
//! parse, a weight that is not a number). Violations, truncation, panics in user code, infinite
//! expectations and inconclusive answers are results, never errors (see
//! [`probabilistic::Answer`](crate::probabilistic::Answer) for the probabilistic ones).

use std::fmt;

/// What kind of input was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A fairness name matches no action of the model, or an assumed bound names an action
    /// the model does not have.
    UnknownAction,
    /// An assumption name matches no assumption of the environments (`check_open_assuming`).
    UnknownAssumption,
    /// An invariant name matches no invariant of the model (`check_inductive`).
    UnknownInvariant,
    /// An LTL formula's text could not be parsed, or names an unknown atom.
    Formula,
    /// Any other refused input (an empty builder, an inconsistent option).
    InvalidInput,
    /// A probabilistic LTL formula outside the fragment that reduces to reachability.
    Unsupported,
    /// A run replayed by action names does not replay: an action is not enabled at its step,
    /// or leads to more than one state ([`replay_trace`](crate::testing::replay_trace), [`replay_actions`](crate::counterexample::replay_actions)).
    Replay,
}

/// Refused input, with a message naming what was wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    message: String,
    position: Option<usize>,
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error { kind, message: message.into(), position: None }
    }

    pub(crate) fn at(mut self, position: usize) -> Self {
        self.position = Some(position);
        self
    }

    /// What kind of input was refused.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// For a formula: the byte offset in its text where parsing failed.
    pub fn position(&self) -> Option<usize> {
        self.position
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}
