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
use std::sync::Arc;

use crate::properties::{Properties, Verdict};
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
    /// Each action's name, shared by the states it leads to (read without a lock).
    names: papaya::HashMap<ActionId, Arc<str>>,
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
    WithLastAction { inner, names: papaya::HashMap::new() }
}

impl<T: TransitionSystem> WithLastAction<'_, T> {
    /// The underlying system.
    pub fn inner(&self) -> &T {
        self.inner
    }

    fn name(&self, a: ActionId) -> Arc<str> {
        let names = self.names.pin();
        if let Some(n) = names.get(&a) {
            return n.clone();
        }
        names.get_or_insert_with(a, || Arc::from(self.inner.action_name(a))).clone()
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

    fn action_name(&self, action: ActionId) -> &str {
        self.inner.action_name(action)
    }

    fn fair_actions(&self, fairness: Fairness) -> Vec<ActionId> {
        self.inner.fair_actions(fairness)
    }

    fn static_actions(&self) -> Option<Vec<ActionId>> {
        self.inner.static_actions()
    }

    fn begin_sweep(&self) {
        self.inner.begin_sweep()
    }
}

/// The model's own properties, read on the model's part of each state.
impl<T> Properties<LastAction<T::State>> for WithLastAction<'_, T>
where
    T: TransitionSystem + Properties<T::State>,
{
    fn invariant_count(&self) -> usize {
        self.inner.invariant_count()
    }

    fn invariant_name(&self, index: usize) -> &str {
        self.inner.invariant_name(index)
    }

    fn check_invariant(&self, index: usize, state: &LastAction<T::State>) -> Verdict {
        self.inner.check_invariant(index, &state.state)
    }

    fn edge_invariant_count(&self) -> usize {
        self.inner.edge_invariant_count()
    }

    fn edge_invariant_name(&self, index: usize) -> &str {
        self.inner.edge_invariant_name(index)
    }

    fn check_edge_invariant(
        &self,
        index: usize,
        before: &LastAction<T::State>,
        action: ActionId,
        after: &LastAction<T::State>,
    ) -> Verdict {
        self.inner.check_edge_invariant(index, &before.state, action, &after.state)
    }

    fn is_terminal(&self, state: &LastAction<T::State>) -> bool {
        self.inner.is_terminal(&state.state)
    }
}
