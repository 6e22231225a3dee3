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

/// Spare states to build successors in, so that a successor known already costs no
/// allocation (see [`TransitionSystem::successors_reusing`]): successors the engine found
/// known already, kept for their buffers instead of dropped.
///
/// ```
/// use musil::Spare;
/// let mut spare = Spare::new();
/// spare.put(vec![0u8; 16]);
/// let buffer = spare.copy_of(&vec![1u8, 2]);
/// assert_eq!(buffer, [1, 2]);
/// assert!(buffer.capacity() >= 16, "the spare state's buffer, refilled");
/// assert!(spare.is_empty());
/// assert_eq!(spare.copy_of(&vec![3u8]), [3]); // none left: a clone
/// ```
pub struct Spare<S> {
    states: Vec<S>,
    /// Copies asked for since the engine last looked.
    copies: usize,
}

impl<S> Spare<S> {
    /// No spare state yet.
    pub fn new() -> Self {
        Spare { states: Vec::new(), copies: 0 }
    }

    /// Keep `state` for its buffers.
    pub fn put(&mut self, state: S) {
        self.states.push(state);
    }

    /// How many spare states are held.
    pub fn len(&self) -> usize {
        self.states.len()
    }

    /// Whether no spare state is held.
    pub fn is_empty(&self) -> bool {
        self.states.is_empty()
    }

    /// How many copies were asked for since the last call (the engine puts back as many
    /// successors it finds known already).
    pub(crate) fn take_copies(&mut self) -> usize {
        std::mem::take(&mut self.copies)
    }
}

impl<S: Clone> Spare<S> {
    /// A copy of `state`: a spare state refilled by [`Clone::clone_from`] (which reuses its
    /// buffers), or a clone when none is left.
    #[inline]
    pub fn copy_of(&mut self, state: &S) -> S {
        self.copies += 1;
        match self.states.pop() {
            Some(mut copy) => {
                copy.clone_from(state);
                copy
            }
            None => state.clone(),
        }
    }
}

impl<S> Default for Spare<S> {
    fn default() -> Self {
        Self::new()
    }
}

impl<S> Debug for Spare<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Spare").field("states", &self.states.len()).finish()
    }
}

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

    /// [`successors`](Self::successors), free to build each successor in a spare state instead
    /// of a new one. This is how the engine asks for successors: `spare` holds states it no
    /// longer needs (successors that turned out to be known already), and
    /// [`Spare::copy_of`] gives a copy of a state in one of them, refilled by
    /// [`Clone::clone_from`] (a clone when none is left). For each such copy the engine puts
    /// back a successor it finds known already, so a successor that is known already costs no
    /// allocation when `clone_from` reuses a state's buffers: only a new state, kept by the
    /// store, takes new memory.
    ///
    /// `spare` is the calling worker's, kept from one call to the next. The successors, their
    /// order and the duty to stop at `Break` are those of `successors`. The default takes no
    /// spare state: it gives what `successors` gives. The closure [`Model`](crate::Model)
    /// builds the successors of its [in-place](crate::Action::in_place) actions in spare
    /// states.
    ///
    /// ```
    /// use std::ops::ControlFlow;
    /// use musil::{ActionId, Spare, TransitionSystem, Verdict, check};
    ///
    /// /// Two bits in a `Vec`, each flipped in a spare state.
    /// struct Flips;
    /// impl TransitionSystem for Flips {
    ///     type State = Vec<bool>;
    ///     fn initial_states(&self) -> Vec<Vec<bool>> { vec![vec![false; 2]] }
    ///     fn successors<F>(&self, s: &Vec<bool>, emit: F) -> ControlFlow<()>
    ///     where F: FnMut(ActionId, Vec<bool>) -> ControlFlow<()> {
    ///         self.successors_reusing(s, &mut Spare::new(), emit)
    ///     }
    ///     fn successors_reusing<F>(&self, s: &Vec<bool>, spare: &mut Spare<Vec<bool>>, mut emit: F) -> ControlFlow<()>
    ///     where F: FnMut(ActionId, Vec<bool>) -> ControlFlow<()> {
    ///         for i in 0..2 {
    ///             let mut t = spare.copy_of(s);
    ///             t[i] = !t[i];
    ///             emit(ActionId::new(i as u32), t)?;
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
    fn successors_reusing<F>(
        &self,
        state: &Self::State,
        spare: &mut Spare<Self::State>,
        emit: F,
    ) -> ControlFlow<()>
    where
        F: FnMut(ActionId, Self::State) -> ControlFlow<()>,
    {
        let _ = spare;
        self.successors(state, emit)
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
    fn successors_reusing<F>(
        &self,
        state: &Self::State,
        spare: &mut Spare<Self::State>,
        emit: F,
    ) -> ControlFlow<()>
    where
        F: FnMut(ActionId, Self::State) -> ControlFlow<()>,
    {
        (**self).successors_reusing(state, spare, emit)
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
