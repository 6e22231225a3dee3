//! What a probabilistic question answers: an exact value, an infinite expectation, or no exact
//! answer at all (the graph was not fully seen, or enumerating policies would go past its cap).
//! These are outcomes, so they are results; refused input (a negative weight, a formula
//! outside the fragment) is an [`Error`].

use std::fmt;

use crate::error::Error;
use crate::fault::Fault;

/// The answer to a probabilistic question that was not refused.
///
/// ```
/// use musil::Model;
/// use musil::probabilistic::{Answer, Prob, ratio};
/// let coin = Model::new(0u8).action("heads", |s| *s == 0, |_| 1).action("tails", |s| *s == 0, |_| 2);
/// let p = Prob::new(&coin).reach_probability(|s| *s == 1).unwrap();
/// assert_eq!(p, ratio(1, 2)); // an exact answer compares with its value
/// assert_eq!(p.to_string(), "1/2");
/// // Tails never reaches heads: the expected number of steps is infinite, an answer too.
/// let steps = Prob::new(&coin).expected_reward(|s| *s == 1).unwrap();
/// assert!(steps.is_infinite());
/// // Capped below the graph's size, no number would be exact.
/// let capped = Prob::new(&coin).max_states(2).reach_probability(|s| *s == 1).unwrap();
/// assert!(matches!(capped, Answer::Inconclusive(_)));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[must_use = "an answer may be infinite or inconclusive: look at it"]
pub enum Answer<T> {
    /// The exact value.
    Exact(T),
    /// An expected cost that is infinite: the target is not reached almost surely (under the
    /// optimising scheduler, for an MDP), and the reason says which.
    Infinite {
        /// Why the expectation diverges.
        reason: String,
    },
    /// No exact answer: see [`Inconclusive`].
    Inconclusive(Inconclusive),
}

/// Why a question has no exact answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum InconclusiveKind {
    /// The exploration stopped at `max_states` (or the memory budget) before the whole graph.
    Truncated,
    /// User code panicked while the graph was explored (a guard or an effect).
    Panic,
    /// Enumerating the MDP's policies would go past `max_policies`.
    PolicyLimit,
}

/// A question left without an exact answer, with what stopped it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inconclusive {
    /// What stopped it.
    pub kind: InconclusiveKind,
    /// The message, naming the question asked (and, for a panic, the action with the trace to
    /// the state it panicked on).
    pub message: String,
    /// States explored before it stopped.
    pub states_explored: usize,
    /// For [`InconclusiveKind::Panic`]: what panicked.
    pub fault: Option<Fault>,
}

impl<T> Answer<T> {
    /// The exact value, if that is the answer.
    pub fn exact(&self) -> Option<&T> {
        match self {
            Answer::Exact(v) => Some(v),
            _ => None,
        }
    }

    /// The exact value, if that is the answer, by value.
    pub fn into_exact(self) -> Option<T> {
        match self {
            Answer::Exact(v) => Some(v),
            _ => None,
        }
    }

    /// True for an exact answer.
    pub fn is_exact(&self) -> bool {
        matches!(self, Answer::Exact(_))
    }

    /// True for an infinite expectation.
    pub fn is_infinite(&self) -> bool {
        matches!(self, Answer::Infinite { .. })
    }

    /// The inconclusive outcome, if that is the answer.
    pub fn inconclusive(&self) -> Option<&Inconclusive> {
        match self {
            Answer::Inconclusive(i) => Some(i),
            _ => None,
        }
    }

    /// The exact value.
    ///
    /// # Panics
    /// With the answer's text when it is infinite or inconclusive.
    #[track_caller]
    pub fn unwrap_exact(self) -> T {
        match self {
            Answer::Exact(v) => v,
            Answer::Infinite { reason } => panic!("no exact answer: infinite: {reason}"),
            Answer::Inconclusive(i) => panic!("no exact answer: INCONCLUSIVE: {}", i.message),
        }
    }

    /// The answer with its exact value mapped by `f`.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Answer<U> {
        match self {
            Answer::Exact(v) => Answer::Exact(f(v)),
            Answer::Infinite { reason } => Answer::Infinite { reason },
            Answer::Inconclusive(i) => Answer::Inconclusive(i),
        }
    }
}

/// An exact answer equals its value; an infinite or inconclusive one equals no value.
impl<T: PartialEq> PartialEq<T> for Answer<T> {
    fn eq(&self, other: &T) -> bool {
        self.exact() == Some(other)
    }
}

impl<T: fmt::Display> fmt::Display for Answer<T> {
    /// The value; `infinite: {reason}`; or `INCONCLUSIVE: {message}`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Answer::Exact(v) => v.fmt(f),
            Answer::Infinite { reason } => write!(f, "infinite: {reason}"),
            Answer::Inconclusive(i) => write!(f, "INCONCLUSIVE: {}", i.message),
        }
    }
}

/// How an internal solve ends without an exact value: refused input, or an outcome.
#[derive(Debug)]
pub(crate) enum Stop {
    Refused(Error),
    Infinite(String),
    Inconclusive(Inconclusive),
}

impl From<super::solve::Singular> for Stop {
    fn from(e: super::solve::Singular) -> Self {
        Stop::Refused(e.into())
    }
}

impl From<Error> for Stop {
    fn from(e: Error) -> Self {
        Stop::Refused(e)
    }
}

/// A solve's end as the public answer: refused input stays an error.
pub(crate) fn answer<T>(solved: Result<T, Stop>) -> Result<Answer<T>, Error> {
    match solved {
        Ok(v) => Ok(Answer::Exact(v)),
        Err(Stop::Refused(e)) => Err(e),
        Err(Stop::Infinite(reason)) => Ok(Answer::Infinite { reason }),
        Err(Stop::Inconclusive(i)) => Ok(Answer::Inconclusive(i)),
    }
}
