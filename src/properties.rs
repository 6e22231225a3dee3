//! What must hold, apart from how the system moves: [`Verdict`] and the [`Properties`] trait.
//!
//! A [`TransitionSystem`](crate::TransitionSystem) says only how a system moves; its
//! properties (state invariants, edge invariants, and which dead ends are legal) are a second
//! trait over the same state type. The closure [`Model`](crate::Model) implements both; a
//! hand-written system implements `Properties` next to its dynamics (an empty `impl` when it
//! has nothing to check). Analyses that change what is checked (the `G P` reduction, the
//! `always` and `absent` patterns, the last-action view) wrap properties in a view instead of
//! re-implementing the system:
//! - [`NoProperties`]: nothing to check, every dead end legal (what `explore` evaluates);
//! - [`Projected`]: another system's properties read through a projection of the state.
//!
//! ```
//! use std::ops::ControlFlow;
//! use musil::{ActionId, Properties, TransitionSystem, Verdict, check};
//!
//! struct Wrap;
//! impl TransitionSystem for Wrap {
//!     type State = u8;
//!     fn initial_states(&self) -> Vec<u8> { vec![0] }
//!     fn successors<F>(&self, s: &u8, mut emit: F) -> ControlFlow<()>
//!     where F: FnMut(ActionId, u8) -> ControlFlow<()> {
//!         emit(ActionId::new(0), (s + 1) % 3)
//!     }
//!     fn action_name(&self, _: ActionId) -> &str { "tick" }
//! }
//! impl Properties<u8> for Wrap {
//!     fn invariant_count(&self) -> usize { 1 }
//!     fn invariant_name(&self, _: usize) -> &str { "below-two" }
//!     fn check_invariant(&self, _: usize, s: &u8) -> Verdict { (*s < 2).into() }
//! }
//! let r = check(&Wrap);
//! assert_eq!(r.invariant.as_deref(), Some("below-two"));
//! assert_eq!(r.action_names(), ["tick", "tick"]);
//! ```

use crate::system::ActionId;

/// What an invariant or edge invariant says about one state or step.
///
/// `Violated(Some(""))` is a violation without a reason (the original's `""` return); results
/// show it with no reason, but `check_all`'s [`DistinctBy::Reason`](crate::DistinctBy::Reason)
/// keeps it apart from `Violated(None)`, as the original does.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Verdict {
    /// The property holds here.
    Holds,
    /// The property is broken, with an optional reason.
    Violated(Option<String>),
}

impl Verdict {
    /// True when the property holds.
    pub fn holds(&self) -> bool {
        matches!(self, Verdict::Holds)
    }

    /// The reason as results show it: a non-empty string, else `None`.
    pub fn shown_reason(&self) -> Option<String> {
        match self {
            Verdict::Violated(Some(r)) if !r.is_empty() => Some(r.clone()),
            _ => None,
        }
    }
}

impl From<bool> for Verdict {
    fn from(ok: bool) -> Self {
        if ok { Verdict::Holds } else { Verdict::Violated(None) }
    }
}

impl From<&str> for Verdict {
    fn from(reason: &str) -> Self {
        Verdict::Violated(Some(reason.to_owned()))
    }
}

impl From<String> for Verdict {
    fn from(reason: String) -> Self {
        Verdict::Violated(Some(reason))
    }
}

impl From<Option<String>> for Verdict {
    fn from(reason: Option<String>) -> Self {
        match reason {
            None => Verdict::Holds,
            Some(r) => Verdict::Violated(Some(r)),
        }
    }
}

impl From<Option<&str>> for Verdict {
    fn from(reason: Option<&str>) -> Self {
        Verdict::from(reason.map(str::to_owned))
    }
}

impl<E: std::fmt::Display> From<Result<(), E>> for Verdict {
    fn from(r: Result<(), E>) -> Self {
        match r {
            Ok(()) => Verdict::Holds,
            Err(e) => Verdict::Violated(Some(e.to_string())),
        }
    }
}

/// The properties of a system over `S`: named state invariants, named edge invariants (over
/// one transition), and the dead ends that are legal.
///
/// Every method has a default (nothing to check, every dead end a deadlock), so an
/// implementation writes only what it has. Indices run from 0 to the count, in the order
/// results report them: the first broken invariant in that order is the one `check` names.
/// Evaluation happens on worker threads, hence `Sync`; a panic in any method is caught and
/// reported as a result naming the property.
pub trait Properties<S>: Sync {
    /// Number of state invariants.
    fn invariant_count(&self) -> usize {
        0
    }

    /// Name of state invariant `index`.
    fn invariant_name(&self, _index: usize) -> &str {
        ""
    }

    /// Evaluate state invariant `index` on `state`.
    fn check_invariant(&self, _index: usize, _state: &S) -> Verdict {
        Verdict::Holds
    }

    /// Number of edge invariants.
    fn edge_invariant_count(&self) -> usize {
        0
    }

    /// Name of edge invariant `index`.
    fn edge_invariant_name(&self, _index: usize) -> &str {
        ""
    }

    /// Evaluate edge invariant `index` on one transition.
    fn check_edge_invariant(&self, _index: usize, _before: &S, _action: ActionId, _after: &S) -> Verdict {
        Verdict::Holds
    }

    /// A dead end where this is true is legal, not a deadlock. Default: never.
    fn is_terminal(&self, _state: &S) -> bool {
        false
    }
}

impl<S, P: Properties<S> + ?Sized> Properties<S> for &P {
    fn invariant_count(&self) -> usize {
        (**self).invariant_count()
    }
    fn invariant_name(&self, index: usize) -> &str {
        (**self).invariant_name(index)
    }
    fn check_invariant(&self, index: usize, state: &S) -> Verdict {
        (**self).check_invariant(index, state)
    }
    fn edge_invariant_count(&self) -> usize {
        (**self).edge_invariant_count()
    }
    fn edge_invariant_name(&self, index: usize) -> &str {
        (**self).edge_invariant_name(index)
    }
    fn check_edge_invariant(&self, index: usize, before: &S, action: ActionId, after: &S) -> Verdict {
        (**self).check_edge_invariant(index, before, action, after)
    }
    fn is_terminal(&self, state: &S) -> bool {
        (**self).is_terminal(state)
    }
}

/// Nothing to check, and every dead end legal: what [`explore`](crate::explore) evaluates.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoProperties;

impl<S> Properties<S> for NoProperties {
    fn is_terminal(&self, _state: &S) -> bool {
        true
    }
}

/// The properties `inner` states over `S`, read through `project` on a richer state `R` (the
/// last-action view checks the model's own invariants on the model's part of its states).
pub struct Projected<P, F> {
    inner: P,
    project: F,
}

impl<P, F> Projected<P, F> {
    /// `inner`'s properties, evaluated on `project(state)`.
    pub fn new(inner: P, project: F) -> Self {
        Projected { inner, project }
    }
}

impl<P, F> std::fmt::Debug for Projected<P, F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Projected").finish_non_exhaustive()
    }
}

impl<R, S, P, F> Properties<R> for Projected<P, F>
where
    P: Properties<S>,
    F: Fn(&R) -> &S + Sync,
{
    fn invariant_count(&self) -> usize {
        self.inner.invariant_count()
    }
    fn invariant_name(&self, index: usize) -> &str {
        self.inner.invariant_name(index)
    }
    fn check_invariant(&self, index: usize, state: &R) -> Verdict {
        self.inner.check_invariant(index, (self.project)(state))
    }
    fn edge_invariant_count(&self) -> usize {
        self.inner.edge_invariant_count()
    }
    fn edge_invariant_name(&self, index: usize) -> &str {
        self.inner.edge_invariant_name(index)
    }
    fn check_edge_invariant(&self, index: usize, before: &R, action: ActionId, after: &R) -> Verdict {
        self.inner.check_edge_invariant(index, (self.project)(before), action, (self.project)(after))
    }
    fn is_terminal(&self, state: &R) -> bool {
        self.inner.is_terminal((self.project)(state))
    }
}
