//! A reconcile loop over the caller's state: a `desired` value the environment sets, an
//! `actual` value the controller drives towards it, one weakly fair reconcile step, and the
//! goal `[]<>converged`.
//!
//! The kit writes the `converged` predicate and the `reconcile` action (the original's
//! `reconciler`); faults that knock `actual` off (crashes from [`faults`](super::faults), a
//! glitch, a concurrent writer) are the caller's, unfair. The reconcile action is tagged
//! [`Fairness::Weak`]: the "ours is fair, faults are not" discipline, so a liveness check that
//! reads the tags proves convergence despite the faults, and one with no fairness shows a fault
//! starving it.
//!
//! # Example
//!
//! ```
//! use musil::kits::reconciler::Reconciler;
//! use musil::{Action, Liveness, Model, check_liveness};
//!
//! // (desired, actual); a glitch may set `actual` to 0 at any time.
//! let r = Reconciler::new(|s: &(u8, u8)| s.0, |s| s.1, |s, v| (s.0, v));
//! let m = Model::new((1u8, 1u8))
//!     .add_action(r.action())
//!     .action("glitch", |_| true, |s| (s.0, 0));
//! let fair = check_liveness(&m, &Liveness::eventually(r.converged()).everywhere(true)).unwrap();
//! assert!(fair.ok);
//! let unfair = Liveness::eventually(r.converged()).everywhere(true).fair(Vec::<String>::new());
//! assert!(!check_liveness(&m, &unfair).unwrap().ok);
//! ```

use std::sync::Arc;

use crate::model::Action;
use crate::system::Fairness;

type Pred<S> = Arc<dyn Fn(&S) -> bool + Send + Sync>;
type Step<S> = Arc<dyn Fn(&S) -> S + Send + Sync>;

/// A reconcile loop: `converged(s)` is `get_actual(s) == get_desired(s)`, and the action named
/// `reconcile` (by default) is enabled while not converged and sets `actual` to `desired`,
/// weakly fair.
#[must_use = "a reconciler adds nothing until its action is passed to the model"]
pub struct Reconciler<S> {
    converged: Pred<S>,
    reconcile: Step<S>,
    name: String,
}

impl<S> std::fmt::Debug for Reconciler<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reconciler").field("name", &self.name).finish_non_exhaustive()
    }
}

impl<S: 'static> Reconciler<S> {
    /// A reconciler over the caller's `desired` and `actual` values.
    ///
    /// # Examples
    ///
    /// ```
    /// use musil::kits::reconciler::Reconciler;
    /// use musil::{Model, explore};
    ///
    /// // (desired, actual)
    /// let r = Reconciler::new(|s: &(char, char)| s.0, |s| s.1, |s, v| (s.0, v));
    /// let m = Model::new(('a', 'b')).add_action(r.action()).terminal(r.converged());
    /// let mut states: Vec<(char, char)> = explore(&m).states().copied().collect();
    /// states.sort();
    /// assert_eq!(states, [('a', 'a'), ('a', 'b')]);
    /// ```
    pub fn new<V: PartialEq + 'static>(
        get_desired: impl Fn(&S) -> V + Send + Sync + 'static,
        get_actual: impl Fn(&S) -> V + Send + Sync + 'static,
        set_actual: impl Fn(&S, V) -> S + Send + Sync + 'static,
    ) -> Self {
        let desired = Arc::new(get_desired);
        let d = desired.clone();
        Reconciler {
            converged: Arc::new(move |s| get_actual(s) == d(s)),
            reconcile: Arc::new(move |s| set_actual(s, desired(s))),
            name: "reconcile".to_owned(),
        }
    }

    /// The reconcile action's name (default `reconcile`).
    ///
    /// # Examples
    ///
    /// ```
    /// use musil::kits::reconciler::Reconciler;
    ///
    /// let r = Reconciler::new(|s: &(u8, u8)| s.0, |s| s.1, |s, v| (s.0, v)).name("sync");
    /// assert_eq!(r.action().name(), "sync");
    /// ```
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// The goal: `actual == desired`. Cheap to call again; each copy shares the getters.
    ///
    /// # Examples
    ///
    /// ```
    /// use musil::kits::reconciler::Reconciler;
    ///
    /// let r = Reconciler::new(|s: &(u8, u8)| s.0, |s| s.1, |s, v| (s.0, v));
    /// let converged = r.converged();
    /// assert!(converged(&(3, 3)) && !converged(&(3, 0)));
    /// ```
    pub fn converged(&self) -> impl Fn(&S) -> bool + Clone + Send + Sync + 'static {
        let converged = self.converged.clone();
        move |s: &S| converged(s)
    }

    /// The weakly fair reconcile action: enabled while not converged, sets `actual` to `desired`.
    ///
    /// # Examples
    ///
    /// ```
    /// use musil::Fairness;
    /// use musil::kits::reconciler::Reconciler;
    ///
    /// let a = Reconciler::new(|s: &(u8, u8)| s.0, |s| s.1, |s, v| (s.0, v)).action();
    /// assert_eq!((a.name(), a.fairness()), ("reconcile", Some(Fairness::Weak)));
    /// assert_eq!(a.apply(&(3, 0)), (3, 3));
    /// assert!(!a.is_enabled(&(3, 3)));
    /// ```
    pub fn action(&self) -> Action<S> {
        let (converged, reconcile) = (self.converged.clone(), self.reconcile.clone());
        Action::new(self.name.clone(), move |s| !converged(s), move |s| reconcile(s)).fair(Fairness::Weak)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Liveness, LivenessKind, Model, check_liveness, explore};

    #[derive(Clone, Debug, PartialEq, Eq, Hash)]
    struct Ctrl {
        desired: &'static str,
        actual: &'static str,
    }

    fn reconciler() -> Reconciler<Ctrl> {
        Reconciler::new(|s: &Ctrl| s.desired, |s| s.actual, |s, actual| Ctrl { actual, ..s.clone() })
    }

    #[test]
    fn the_action_is_weakly_fair_and_named() {
        let r = reconciler();
        let a = r.action();
        assert_eq!((a.name(), a.fairness()), ("reconcile", Some(Fairness::Weak)));
        assert_eq!(reconciler().name("sync").action().name(), "sync");
        let s = Ctrl { desired: "a", actual: "b" };
        assert!(a.is_enabled(&s) && !r.converged()(&s));
        assert_eq!(a.apply(&s), Ctrl { desired: "a", actual: "a" });
        assert!(!a.is_enabled(&a.apply(&s)));
    }

    #[test]
    fn converges_under_the_tag_and_not_without_fairness() {
        let r = reconciler();
        let m = Model::new(Ctrl { desired: "a", actual: "b" })
            .add_action(r.action())
            .action("idle", |_| true, Clone::clone)
            .terminal(|_| false);
        assert_eq!(explore(&m).len(), 2);
        let goal = || Liveness::eventually(r.converged()).everywhere(true);
        assert!(check_liveness(&m, &goal()).unwrap().ok);
        let unfair = check_liveness(&m, &goal().fair(Vec::<String>::new())).unwrap();
        assert!(!unfair.ok);
        assert_eq!(unfair.kind, Some(LivenessKind::FairCycle));
        assert_eq!(unfair.cycle.iter().map(|s| s.action.as_str()).collect::<Vec<_>>(), ["idle"]);
        assert_eq!(unfair.states_explored, 2);
    }
}
