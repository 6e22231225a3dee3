//! How a system moves: the [`TransitionSystem`] trait every analysis explores.
//!
//! A transition system is dynamics only: initial states, the successors of a state in a fixed
//! action order, action names and fairness tags. What must hold (invariants, edge invariants,
//! legal dead ends) is the [`Properties`](crate::Properties) trait beside it. The closure-based
//! [`Model`](crate::Model) implements both; a hand-written implementation gets static dispatch
//! and no boxed closures. Everything musil computes runs over this trait through the one
//! engine in [`crate::engine`].
//!
//! ```
//! use std::ops::ControlFlow;
//! use musil::{ActionId, Properties, TransitionSystem, Verdict, check};
//!
//! /// A counter that wraps at 3, written by hand.
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
//!     fn invariant_name(&self, _: usize) -> &str { "small" }
//!     fn check_invariant(&self, _: usize, s: &u8) -> Verdict { (*s < 3).into() }
//! }
//! assert_eq!(check(&Wrap).to_string(), "OK — 3 states, no violations");
//! ```

use std::borrow::Cow;
use std::fmt::Debug;
use std::hash::Hash;
use std::ops::ControlFlow;

/// A shared predicate over states (terminal states, goals, assumption predicates).
pub type Predicate<S> = std::sync::Arc<dyn Fn(&S) -> bool + Send + Sync>;

/// Identifies an action label. Equal names share one id, so fairness, edge invariants and
/// traces, which all speak of names, compare ids.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ActionId(u32);

impl ActionId {
    /// The id with this index.
    pub const fn new(index: u32) -> Self {
        ActionId(index)
    }

    /// The index of this id.
    pub const fn index(self) -> usize {
        self.0 as usize
    }
}

/// Fairness of an action, used by liveness checking when no explicit fairness is given.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Fairness {
    /// Continuously enabled ⇒ eventually taken.
    Weak,
    /// Enabled infinitely often ⇒ taken infinitely often.
    Strong,
}

/// What a state type must be: cloneable, comparable, hashable, printable and shareable
/// across worker threads. Every `#[derive(Clone, Debug, PartialEq, Eq, Hash)]` type of
/// `Send + Sync` fields qualifies.
pub trait State: Clone + Eq + Hash + Debug + Send + Sync + 'static {}
impl<T: Clone + Eq + Hash + Debug + Send + Sync + 'static> State for T {}

/// A transition system: initial states, successors in a fixed action order, action names.
///
/// Determinism duty: `initial_states` and `successors` must give the same answer every time
/// for the same state; musil's results (counts, traces) are defined by that order.
pub trait TransitionSystem: Sync {
    /// The state type.
    type State: State;

    /// The initial states, in order (duplicates are explored once).
    fn initial_states(&self) -> Vec<Self::State>;

    /// Call `emit(action, successor)` once per enabled action, in declaration order. Stop and
    /// return `Break` as soon as `emit` returns `Break`.
    fn successors<F>(&self, state: &Self::State, emit: F) -> ControlFlow<()>
    where
        F: FnMut(ActionId, Self::State) -> ControlFlow<()>;

    /// [`successors`](Self::successors), free to lend each successor instead of giving it:
    /// `emit` takes a [`Cow`], borrowed when the successor lives in `scratch`, owned otherwise.
    /// This is how the engine asks for successors. It copies a lent successor (by
    /// [`Clone::clone_from`]) into the buffers of a successor that was known already and would
    /// otherwise be dropped, or looks it up before cloning it, so a successor that is known
    /// already costs no allocation if `scratch` is refilled without one (with `clone_from`, on
    /// a state whose buffers it reuses).
    ///
    /// `scratch` is the caller's, kept from one call to the next on one thread: an
    /// implementation may leave anything in it (it starts as `None`). The successors, their
    /// order and the duty to stop at `Break` are those of `successors`. The default lends
    /// nothing: it gives what `successors` gives. The closure [`Model`](crate::Model) lends
    /// the successors of its [in-place](crate::Action::in_place) actions.
    ///
    /// ```
    /// use std::borrow::Cow;
    /// use std::ops::ControlFlow;
    /// use musil::{ActionId, TransitionSystem, Verdict, check};
    ///
    /// /// Two bits in a `Vec`, flipped one at a time in a scratch copy.
    /// struct Flips;
    /// impl TransitionSystem for Flips {
    ///     type State = Vec<bool>;
    ///     fn initial_states(&self) -> Vec<Vec<bool>> { vec![vec![false; 2]] }
    ///     fn successors<F>(&self, s: &Vec<bool>, mut emit: F) -> ControlFlow<()>
    ///     where F: FnMut(ActionId, Vec<bool>) -> ControlFlow<()> {
    ///         for i in 0..2 {
    ///             let mut t = s.clone();
    ///             t[i] = !t[i];
    ///             emit(ActionId::new(i as u32), t)?;
    ///         }
    ///         ControlFlow::Continue(())
    ///     }
    ///     fn lend_successors<F>(&self, s: &Vec<bool>, scratch: &mut Option<Vec<bool>>, mut emit: F) -> ControlFlow<()>
    ///     where F: FnMut(ActionId, Cow<'_, Vec<bool>>) -> ControlFlow<()> {
    ///         for i in 0..2 {
    ///             let t = scratch.get_or_insert_with(Vec::new);
    ///             t.clone_from(s);
    ///             t[i] = !t[i];
    ///             emit(ActionId::new(i as u32), Cow::Borrowed(t))?;
    ///         }
    ///         ControlFlow::Continue(())
    ///     }
    ///     fn action_name(&self, a: ActionId) -> &str { ["flip0", "flip1"][a.index()] }
    /// }
    /// impl musil::Properties<Vec<bool>> for Flips {
    ///     fn invariant_count(&self) -> usize { 0 }
    ///     fn invariant_name(&self, _: usize) -> &str { "" }
    ///     fn check_invariant(&self, _: usize, _: &Vec<bool>) -> Verdict { Verdict::Holds }
    /// }
    /// assert_eq!(check(&Flips).states_explored, 4);
    /// ```
    fn lend_successors<F>(
        &self,
        state: &Self::State,
        scratch: &mut Option<Self::State>,
        mut emit: F,
    ) -> ControlFlow<()>
    where
        F: FnMut(ActionId, Cow<'_, Self::State>) -> ControlFlow<()>,
    {
        let _ = scratch;
        self.successors(state, |action, next| emit(action, Cow::Owned(next)))
    }

    /// The name of an action, as traces print it.
    fn action_name(&self, action: ActionId) -> &str;

    /// The actions tagged with `fairness` (liveness uses them when no explicit fairness is
    /// given). Default: none.
    fn fair_actions(&self, _fairness: Fairness) -> Vec<ActionId> {
        Vec::new()
    }

    /// Every action this system can ever take, in declaration order, or `None` when its menu
    /// is computed per state (then names cannot be validated up front).
    fn static_actions(&self) -> Option<Vec<ActionId>> {
        None
    }

    /// Called once when a sweep starts (the closure model clears its footprint cache here).
    fn begin_sweep(&self) {}
}

impl<T: TransitionSystem + ?Sized> TransitionSystem for &T {
    type State = T::State;
    fn initial_states(&self) -> Vec<Self::State> {
        (**self).initial_states()
    }
    fn successors<F>(&self, state: &Self::State, emit: F) -> ControlFlow<()>
    where
        F: FnMut(ActionId, Self::State) -> ControlFlow<()>,
    {
        (**self).successors(state, emit)
    }
    fn lend_successors<F>(
        &self,
        state: &Self::State,
        scratch: &mut Option<Self::State>,
        emit: F,
    ) -> ControlFlow<()>
    where
        F: FnMut(ActionId, Cow<'_, Self::State>) -> ControlFlow<()>,
    {
        (**self).lend_successors(state, scratch, emit)
    }
    fn action_name(&self, action: ActionId) -> &str {
        (**self).action_name(action)
    }
    fn fair_actions(&self, fairness: Fairness) -> Vec<ActionId> {
        (**self).fair_actions(fairness)
    }
    fn static_actions(&self) -> Option<Vec<ActionId>> {
        (**self).static_actions()
    }
    fn begin_sweep(&self) {
        (**self).begin_sweep()
    }
}

/// Dynamics and properties together: what the checks (`check`, `check_all`, liveness, LTL,
/// open systems) take. Implemented for every type that implements both
/// [`TransitionSystem`] and [`Properties`](crate::Properties) over its states.
pub trait System:
    TransitionSystem + crate::properties::Properties<<Self as TransitionSystem>::State>
{
}

impl<T> System for T where
    T: TransitionSystem + crate::properties::Properties<<T as TransitionSystem>::State> + ?Sized
{
}
