//! Temporal patterns by name: [`always`], [`absent`], [`eventually`], [`recurs`], [`responds`].
//!
//! Each lowers to the check it names: `always(p)` and `absent(p)` are safety sweeps with `p`
//! (or `!p`) as the only invariant, so a deadlock fails them too (unlike `check_ltl(G p)`);
//! `eventually(p)` is `F p`, `recurs(p)` is `G F p` and `responds(t, r)` is `G (t -> F r)`,
//! checked as liveness with the fairness given (or the actions' tags).
//!
//! ```
//! use musil::patterns::{always, recurs, Fair};
//! use musil::Model;
//! let light = Model::new("red")
//!     .action("go", |s| *s == "red", |_| "green")
//!     .action("slow", |s| *s == "green", |_| "yellow")
//!     .action("stop", |s| *s == "yellow", |_| "red");
//! assert!(always(&light, "known", |s| ["red", "green", "yellow"].contains(s)).ok);
//! assert!(recurs(&light, "red", |s| *s == "red", &Fair::tags()).unwrap().ok);
//! ```

use crate::check::Checker;
use crate::error::Error;
use crate::liveness::{Liveness, LivenessResult};
use crate::ltl::OnlyInvariant;
use crate::result::CheckResult;
use crate::system::{System, TransitionSystem};

pub use crate::analysis::fair::Fair;

/// The pattern's property with the fairness given.
fn apply<S>(fair: &Fair, spec: Liveness<S>) -> Liveness<S> {
    spec.fairness(fair.clone())
}

impl<T: System> Checker<'_, T> {
    /// `p` holds in every reachable state (a safety check with `p` as the only invariant, named
    /// `name`; the model's terminal states and edge invariants are kept, so a deadlock fails it).
    pub fn always(
        &self,
        name: &str,
        p: impl Fn(&T::State) -> bool + Send + Sync + 'static,
    ) -> CheckResult<T::State> {
        let view = OnlyInvariant {
            inner: self.sys,
            name: name.to_owned(),
            predicate: std::sync::Arc::new(p),
            dead_ends_allowed: false,
        };
        self.check_against(&view).0
    }

    /// `p` holds in no reachable state.
    pub fn absent(
        &self,
        name: &str,
        p: impl Fn(&T::State) -> bool + Send + Sync + 'static,
    ) -> CheckResult<T::State> {
        self.always(name, move |s| !p(s))
    }
}

impl<T: TransitionSystem> Checker<'_, T> {
    /// Every run eventually reaches `p` (`F p`).
    pub fn eventually(
        &self,
        name: &str,
        p: impl Fn(&T::State) -> bool + Send + Sync + 'static,
        fair: &Fair,
    ) -> Result<LivenessResult<T::State>, Error> {
        self.check_liveness(&apply(fair, Liveness::eventually(p).goal_name(name)))
    }

    /// Every run reaches `p` again and again (`G F p`).
    pub fn recurs(
        &self,
        name: &str,
        p: impl Fn(&T::State) -> bool + Send + Sync + 'static,
        fair: &Fair,
    ) -> Result<LivenessResult<T::State>, Error> {
        self.check_liveness(&apply(fair, Liveness::always_eventually(p).goal_name(name)))
    }

    /// Every `trigger` state is followed by a `response` state (`G (trigger -> F response)`); the
    /// goal is reported under `name`.
    pub fn responds(
        &self,
        name: &str,
        trigger: impl Fn(&T::State) -> bool + Send + Sync + 'static,
        response: impl Fn(&T::State) -> bool + Send + Sync + 'static,
        fair: &Fair,
    ) -> Result<LivenessResult<T::State>, Error> {
        self.check_liveness(&apply(fair, Liveness::leads_to(trigger, response).goal_name(name)))
    }
}

/// [`Checker::always`] with the default configuration.
pub fn always<T: System>(
    sys: &T,
    name: &str,
    p: impl Fn(&T::State) -> bool + Send + Sync + 'static,
) -> CheckResult<T::State> {
    Checker::new(sys).always(name, p)
}

/// [`Checker::absent`] with the default configuration.
pub fn absent<T: System>(
    sys: &T,
    name: &str,
    p: impl Fn(&T::State) -> bool + Send + Sync + 'static,
) -> CheckResult<T::State> {
    Checker::new(sys).absent(name, p)
}

/// [`Checker::eventually`] with the default configuration.
pub fn eventually<T: TransitionSystem>(
    sys: &T,
    name: &str,
    p: impl Fn(&T::State) -> bool + Send + Sync + 'static,
    fair: &Fair,
) -> Result<LivenessResult<T::State>, Error> {
    Checker::new(sys).eventually(name, p, fair)
}

/// [`Checker::recurs`] with the default configuration.
pub fn recurs<T: TransitionSystem>(
    sys: &T,
    name: &str,
    p: impl Fn(&T::State) -> bool + Send + Sync + 'static,
    fair: &Fair,
) -> Result<LivenessResult<T::State>, Error> {
    Checker::new(sys).recurs(name, p, fair)
}

/// [`Checker::responds`] with the default configuration.
pub fn responds<T: TransitionSystem>(
    sys: &T,
    name: &str,
    trigger: impl Fn(&T::State) -> bool + Send + Sync + 'static,
    response: impl Fn(&T::State) -> bool + Send + Sync + 'static,
    fair: &Fair,
) -> Result<LivenessResult<T::State>, Error> {
    Checker::new(sys).responds(name, trigger, response, fair)
}
