//! Remembering the last action: [`with_last_action`] turns "action `a` was just taken" into a
//! state property, so temporal formulas and fairness can speak of actions.
//!
//! ```
//! use musil::history::{action_taken, with_last_action};
//! use musil::{explore, Model};
//! let m = Model::new(0u8).action("inc", |n| *n < 2, |n| n + 1).action("reset", |n| *n == 2, |_| 0);
//! let g = explore(&with_last_action(&m));
//! // (0, none), (1, inc), (2, inc), (0, reset): re-entering 0 by `reset` is a new state.
//! assert_eq!(g.len(), 4);
//! assert!(g.states().any(|s| action_taken("reset")(s) && s.state == 0));
//! ```

use std::fmt;
use std::ops::ControlFlow;
use std::sync::{Arc, RwLock};

use crate::model::Verdict;
use crate::system::{ActionId, Fairness, State, TransitionSystem};

/// A state paired with the name of the action that led to it (`None` at initial states).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct LastAction<S> {
    /// The model's own state.
    pub state: S,
    /// The action just taken.
    pub action: Option<Arc<str>>,
}

impl<S: fmt::Debug> fmt::Debug for LastAction<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LastAction")
            .field("state", &self.state)
            .field("action", &self.action.as_deref())
            .finish()
    }
}

/// A predicate: the last action taken was `name`.
pub fn action_taken<S>(name: &str) -> impl Fn(&LastAction<S>) -> bool + Send + Sync + 'static {
    let name: Arc<str> = Arc::from(name);
    move |s| s.action.as_deref() == Some(&*name)
}

/// A system whose states also record the last action (see [`with_last_action`]).
pub struct WithLastAction<'a, T: TransitionSystem> {
    inner: &'a T,
    names: RwLock<Vec<Option<Arc<str>>>>,
}

impl<T: TransitionSystem> fmt::Debug for WithLastAction<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WithLastAction").finish_non_exhaustive()
    }
}

/// The system over [`LastAction`] states: the same initial states (no last action), the same
/// actions, names and fairness tags; invariants, edge invariants and terminal states read the
/// model's own state. States reached by different actions are distinct, so counts grow;
/// safety verdicts do not change.
pub fn with_last_action<T: TransitionSystem>(inner: &T) -> WithLastAction<'_, T> {
    WithLastAction { inner, names: RwLock::new(Vec::new()) }
}

impl<T: TransitionSystem> WithLastAction<'_, T> {
    /// The underlying system.
    pub fn inner(&self) -> &T {
        self.inner
    }

    fn name(&self, a: ActionId) -> Arc<str> {
        if let Some(Some(n)) = self.names.read().unwrap_or_else(|e| e.into_inner()).get(a.index()) {
            return n.clone();
        }
        let n: Arc<str> = Arc::from(self.inner.action_name(a));
        let mut names = self.names.write().unwrap_or_else(|e| e.into_inner());
        if names.len() <= a.index() {
            names.resize(a.index() + 1, None);
        }
        names[a.index()] = Some(n.clone());
        n
    }
}

impl<T: TransitionSystem> TransitionSystem for WithLastAction<'_, T>
where
    T::State: State,
{
    type State = LastAction<T::State>;

    fn initial_states(&self) -> Vec<Self::State> {
        self.inner.initial_states().into_iter().map(|state| LastAction { state, action: None }).collect()
    }

    fn successors<F>(&self, state: &Self::State, mut emit: F) -> ControlFlow<()>
    where
        F: FnMut(ActionId, Self::State) -> ControlFlow<()>,
    {
        self.inner.successors(&state.state, |a, next| {
            emit(a, LastAction { state: next, action: Some(self.name(a)) })
        })
    }

    fn action_name(&self, action: ActionId) -> String {
        self.inner.action_name(action)
    }

    fn fair_actions(&self, fairness: Fairness) -> Vec<ActionId> {
        self.inner.fair_actions(fairness)
    }

    fn static_actions(&self) -> Option<Vec<ActionId>> {
        self.inner.static_actions()
    }

    fn invariant_count(&self) -> usize {
        self.inner.invariant_count()
    }

    fn invariant_name(&self, index: usize) -> String {
        self.inner.invariant_name(index)
    }

    fn check_invariant(&self, index: usize, state: &Self::State) -> Verdict {
        self.inner.check_invariant(index, &state.state)
    }

    fn edge_invariant_count(&self) -> usize {
        self.inner.edge_invariant_count()
    }

    fn edge_invariant_name(&self, index: usize) -> String {
        self.inner.edge_invariant_name(index)
    }

    fn check_edge_invariant(
        &self,
        index: usize,
        before: &Self::State,
        action: ActionId,
        after: &Self::State,
    ) -> Verdict {
        self.inner.check_edge_invariant(index, &before.state, action, &after.state)
    }

    fn is_terminal(&self, state: &Self::State) -> bool {
        self.inner.is_terminal(&state.state)
    }

    fn begin_sweep(&self) {
        self.inner.begin_sweep()
    }
}
