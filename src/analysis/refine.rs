//! Refinement: does a run of an implementation, seen through an abstraction onto the model's
//! states, only ever take steps the model allows?
//!
//! A [`RefinementMonitor`] explores the model once and then judges observations one at a
//! time: each observation's abstraction must be a reachable model state, the first must be an
//! initial one (unless told otherwise), and each later one must equal the one before (a
//! stutter) or be one of its successors. [`check_refinement`] feeds a whole sequence and stops
//! at the first violation.
//!
//! ```
//! use musil::Model;
//! use musil::refine::check_refinement;
//!
//! let counter = Model::new(0u8).action("inc", |n| *n < 2, |n| n + 1).terminal(|n| *n == 2);
//! // The implementation's states are strings; the abstraction reads the number back.
//! let abstraction = |s: &String| s.parse::<u8>().unwrap_or(u8::MAX);
//! let run = ["0", "0", "1", "2"].map(String::from);
//! assert_eq!(check_refinement(&counter, &run, abstraction).to_string(), "REFINES -- 4 observations, no divergence");
//! let jump = ["0", "2"].map(String::from);
//! let r = check_refinement(&counter, &jump, abstraction);
//! assert_eq!(r.to_string(), "REFINEMENT: observation 1 steps 0 -> 2, which the model does not allow\n(2 observations checked)");
//! ```

use std::fmt::{self, Debug, Display};

use crate::check::Checker;
use crate::graph::Graph;
use crate::system::{State, TransitionSystem};

/// Why an observation does not refine the model.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RefinementReason {
    /// The first observation maps to a reachable state that is not initial.
    BadInit,
    /// The observation maps to a state the model cannot reach.
    UnknownState,
    /// The observation maps to a reachable state that is not the previous one nor one of its
    /// successors.
    NoModelStep,
}

/// An observation that does not refine the model: where, why, and the states involved (the
/// previous, last good observation and its abstraction; none at observation 0).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefinementViolation<S, C> {
    /// Which observation (from 0).
    pub index: usize,
    /// Why.
    pub reason: RefinementReason,
    /// The previous (last good) observation.
    pub concrete_from: Option<C>,
    /// The observation.
    pub concrete_to: C,
    /// The previous observation's abstraction.
    pub abstract_from: Option<S>,
    /// The observation's abstraction.
    pub abstract_to: S,
}

impl<S: Debug, C> Display for RefinementViolation<S, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (i, to) = (self.index, &self.abstract_to);
        match (self.reason, &self.abstract_from) {
            (RefinementReason::BadInit, _) => {
                write!(f, "REFINEMENT: observation {i} maps to {to:?}, not a model initial state")
            }
            (RefinementReason::UnknownState, _) => {
                write!(f, "REFINEMENT: observation {i} maps to {to:?}, unreachable in the model")
            }
            (RefinementReason::NoModelStep, from) => write!(
                f,
                "REFINEMENT: observation {i} steps {} -> {to:?}, which the model does not allow",
                from.as_ref().map_or_else(|| "?".to_string(), |s| format!("{s:?}"))
            ),
        }
    }
}

/// Judges observations of an implementation against an explored model, one at a time.
pub struct RefinementMonitor<S: State, C, F> {
    graph: Graph<S>,
    abstraction: F,
    require_init: bool,
    index: usize,
    previous: Option<(C, S)>,
}

impl<S: State, C, F> Debug for RefinementMonitor<S, C, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RefinementMonitor")
            .field("states", &self.graph.len())
            .field("require_init", &self.require_init)
            .field("index", &self.index)
            .finish_non_exhaustive()
    }
}

impl<S: State, C: Clone, F: Fn(&C) -> S> RefinementMonitor<S, C, F> {
    /// A monitor of `model` (explored once, with the default limits) through `abstraction`;
    /// the first observation must map to an initial state.
    pub fn new<T: TransitionSystem<State = S>>(model: &T, abstraction: F) -> Self {
        Self::over(&Checker::new(model), abstraction)
    }

    /// A monitor of the model `checker` explores, under its limits. On a truncated model the
    /// unexpanded states have no successors, so a step out of one is refused.
    pub fn over<T: TransitionSystem<State = S>>(checker: &Checker<'_, T>, abstraction: F) -> Self {
        RefinementMonitor {
            graph: checker.explore(),
            abstraction,
            require_init: true,
            index: 0,
            previous: None,
        }
    }

    /// Whether the first observation must map to an initial state (`true` by default).
    pub fn require_init(mut self, require: bool) -> Self {
        self.require_init = require;
        self
    }

    /// [`RefinementMonitor::require_init`] on a monitor in use (the simulator resets one per run).
    pub(crate) fn set_require_init(&mut self, require: bool) {
        self.require_init = require;
    }

    /// Forget the observations so far: the next one is observation 0 again.
    pub fn reset(&mut self) {
        self.index = 0;
        self.previous = None;
    }

    /// Judge the next observation. The first one is remembered even when it fails (an
    /// unknown state is reported before a bad initial one); after a later violation the
    /// previous observation stays the last good one. A stutter is always allowed.
    ///
    /// ```
    /// use musil::Model;
    /// use musil::refine::{RefinementMonitor, RefinementReason};
    ///
    /// let counter = Model::new(0u8).action("inc", |n| *n < 2, |n| n + 1);
    /// let mut m = RefinementMonitor::new(&counter, |n: &u8| *n);
    /// assert!(m.observe(&0).is_ok());
    /// assert_eq!(m.observe(&2).unwrap_err().reason, RefinementReason::NoModelStep);
    /// assert!(m.observe(&1).is_ok()); // judged from 0, the last good observation
    /// ```
    pub fn observe(&mut self, concrete: &C) -> Result<(), RefinementViolation<S, C>> {
        let a = (self.abstraction)(concrete);
        let index = self.index;
        self.index += 1;
        let id = self.graph.id_of(&a);
        let fail = |reason, previous: Option<&(C, S)>| RefinementViolation {
            index,
            reason,
            concrete_from: previous.map(|p| p.0.clone()),
            concrete_to: concrete.clone(),
            abstract_from: previous.map(|p| p.1.clone()),
            abstract_to: a.clone(),
        };
        let Some(previous) = &self.previous else {
            self.previous = Some((concrete.clone(), a.clone()));
            return match id {
                None => Err(fail(RefinementReason::UnknownState, None)),
                Some(id) if self.require_init && !self.graph.initial().contains(&id) => {
                    Err(fail(RefinementReason::BadInit, None))
                }
                Some(_) => Ok(()),
            };
        };
        let Some(id) = id else {
            return Err(fail(RefinementReason::UnknownState, Some(previous)));
        };
        let stepped =
            self.graph.id_of(&previous.1).is_some_and(|p| self.graph.edges(p).iter().any(|&(_, t)| t == id));
        if a != previous.1 && !stepped {
            return Err(fail(RefinementReason::NoModelStep, Some(previous)));
        }
        self.previous = Some((concrete.clone(), a));
        Ok(())
    }
}

/// The outcome of [`check_refinement`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefinementResult<S, C> {
    /// Every observation refined the model.
    pub ok: bool,
    /// Observations judged, the violating one included.
    pub steps_checked: usize,
    /// The first violation.
    pub violation: Option<RefinementViolation<S, C>>,
}

impl<S: Debug, C> Display for RefinementResult<S, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.violation {
            None => write!(f, "REFINES -- {} observations, no divergence", self.steps_checked),
            Some(v) => write!(f, "{v}\n({} observations checked)", self.steps_checked),
        }
    }
}

/// Judge a sequence of observations with a [`RefinementMonitor`] over `model` (first
/// observation initial), stopping at the first violation.
pub fn check_refinement<S: State, C: Clone, T: TransitionSystem<State = S>>(
    model: &T,
    observations: impl IntoIterator<Item = impl std::borrow::Borrow<C>>,
    abstraction: impl Fn(&C) -> S,
) -> RefinementResult<S, C> {
    judge(RefinementMonitor::new(model, abstraction), observations)
}

/// Judge a sequence of observations with a monitor you configured, stopping at the first
/// violation.
pub fn judge<S: State, C: Clone, F: Fn(&C) -> S>(
    mut monitor: RefinementMonitor<S, C, F>,
    observations: impl IntoIterator<Item = impl std::borrow::Borrow<C>>,
) -> RefinementResult<S, C> {
    let mut steps_checked = 0;
    for o in observations {
        steps_checked += 1;
        if let Err(v) = monitor.observe(o.borrow()) {
            return RefinementResult { ok: false, steps_checked, violation: Some(v) };
        }
    }
    RefinementResult { ok: true, steps_checked, violation: None }
}
