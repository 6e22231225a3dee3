//! One guarded action: a name, a guard, an effect and an optional fairness tag.

use std::sync::Arc;

use crate::system::Fairness;

pub(crate) type Guard<S> = Arc<dyn Fn(&S) -> bool + Send + Sync>;
pub(crate) type Effect<S> = Arc<dyn Fn(&S) -> S + Send + Sync>;

/// A guarded action: when `guard(state)` holds, the action may fire and produce
/// `effect(state)`, a new state. Names need not be unique; each action still gives its own edge.
///
/// ```
/// use musil::{Action, Fairness};
/// let inc = Action::new("inc", |n: &u8| *n < 3, |n| n + 1).fair(Fairness::Weak);
/// assert!(inc.is_enabled(&0));
/// assert_eq!(inc.apply(&0), 1);
/// assert_eq!(inc.fairness(), Some(Fairness::Weak));
/// ```
pub struct Action<S> {
    pub(crate) name: Arc<str>,
    pub(crate) guard: Guard<S>,
    pub(crate) effect: Effect<S>,
    pub(crate) fair: Option<Fairness>,
}

impl<S> Clone for Action<S> {
    fn clone(&self) -> Self {
        Action {
            name: self.name.clone(),
            guard: self.guard.clone(),
            effect: self.effect.clone(),
            fair: self.fair,
        }
    }
}

impl<S> std::fmt::Debug for Action<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Action").field("name", &self.name).field("fair", &self.fair).finish_non_exhaustive()
    }
}

impl<S> Action<S> {
    /// An unfair action named `name`.
    pub fn new(
        name: impl Into<String>,
        guard: impl Fn(&S) -> bool + Send + Sync + 'static,
        effect: impl Fn(&S) -> S + Send + Sync + 'static,
    ) -> Self {
        Action { name: Arc::from(name.into()), guard: Arc::new(guard), effect: Arc::new(effect), fair: None }
    }

    /// The same action with a fairness tag (read by liveness checks when no explicit fairness
    /// is given).
    #[must_use]
    pub fn fair(mut self, fairness: Fairness) -> Self {
        self.fair = Some(fairness);
        self
    }

    /// The action's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Its fairness tag.
    pub fn fairness(&self) -> Option<Fairness> {
        self.fair
    }

    /// Whether the guard holds in `state`.
    pub fn is_enabled(&self, state: &S) -> bool {
        (self.guard)(state)
    }

    /// The successor the effect produces from `state` (the guard is not consulted).
    pub fn apply(&self, state: &S) -> S {
        (self.effect)(state)
    }
}
