//! One guarded action: a name, a guard, an effect and an optional fairness tag.
//!
//! Its effect makes the successor (`Action::new`) or edits a copy of the state in place
//! (`Action::in_place`); a model may mix both.

use std::sync::Arc;

use crate::system::Fairness;

pub(crate) type Guard<S> = Arc<dyn Fn(&S) -> bool + Send + Sync>;

/// What an action does to a state, in either of its two forms.
pub(crate) enum Effect<S> {
    /// Makes the successor from the state (`Action::new`).
    Make(Arc<dyn Fn(&S) -> S + Send + Sync>),
    /// Edits a copy of the state into the successor (`Action::in_place`).
    Edit(Arc<dyn Fn(&mut S) + Send + Sync>),
}

impl<S> Clone for Effect<S> {
    fn clone(&self) -> Self {
        match self {
            Effect::Make(f) => Effect::Make(f.clone()),
            Effect::Edit(f) => Effect::Edit(f.clone()),
        }
    }
}

impl<S> Effect<S> {
    /// This effect followed by `then`, which makes a state from the effect's result; the
    /// form is kept (an in-place effect stays in place).
    pub(crate) fn then(self, then: impl Fn(&S) -> S + Send + Sync + 'static) -> Self
    where
        S: 'static,
    {
        match self {
            Effect::Make(f) => Effect::Make(Arc::new(move |s| then(&f(s)))),
            Effect::Edit(f) => Effect::Edit(Arc::new(move |s| {
                f(s);
                *s = then(s);
            })),
        }
    }
}

impl<S: 'static> Effect<S> {
    /// The same effect as an in-place one: a making effect `f` becomes the edit
    /// `*s = f(s)`; an in-place effect stays as it is.
    pub(crate) fn into_in_place(self) -> Self {
        match self {
            Effect::Make(f) => Effect::Edit(Arc::new(move |s| *s = f(s))),
            edit => edit,
        }
    }
}

impl<S: Clone> Effect<S> {
    /// The successor of `state`, owned (an in-place effect edits a clone).
    #[inline]
    pub(crate) fn apply(&self, state: &S) -> S {
        match self {
            Effect::Make(f) => f(state),
            Effect::Edit(f) => {
                let mut next = state.clone();
                f(&mut next);
                next
            }
        }
    }

    /// Turn `state` into its successor.
    #[inline]
    pub(crate) fn apply_in_place(&self, state: &mut S) {
        match self {
            Effect::Make(f) => *state = f(state),
            Effect::Edit(f) => f(state),
        }
    }
}

/// A guarded action: when `guard(state)` holds, the action may fire and produce the successor
/// its effect gives. Names need not be unique; each action still gives its own edge.
///
/// ```
/// use musil::{Action, Fairness};
/// let inc = Action::new("inc", |n: &u8| *n < 3, |n| n + 1).fair(Fairness::Weak);
/// assert!(inc.is_enabled(&0));
/// assert_eq!(inc.apply(&0), 1);
/// assert_eq!(inc.fairness(), Some(Fairness::Weak));
/// ```
///
/// # Two forms of effect
///
/// An effect comes in one of two forms, freely mixed in one model:
/// - [`Action::new`] takes `Fn(&S) -> S`: the effect makes the successor;
/// - [`Action::in_place`] takes `Fn(&mut S)`: the effect edits a copy of the state. In a
///   search the copy is a spare state of the worker's, a successor found known already and
///   kept for its buffers, refilled with [`Clone::clone_from`]; so a successor that is known
///   already costs no allocation when the state's `clone_from` reuses its buffers, and only
///   a new state, moved into the store, takes new memory.
///
/// Both forms give the same successors, so a model checks alike written either way: same
/// verdicts, counts and traces.
///
/// ```
/// use musil::{Action, Model, check};
/// // Three counters in a `Vec`: each increment edits a copy of the state.
/// let mut m = Model::new(vec![0u8; 3]);
/// for i in 0..3 {
///     m = m.add_action(Action::in_place(format!("inc_{i}"), move |s: &Vec<u8>| s[i] < 2, move |s| s[i] += 1));
/// }
/// let r = check(&m.terminal(|_| true));
/// assert_eq!(r.states_explored, 27);
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
        f.debug_struct("Action")
            .field("name", &self.name)
            .field("fair", &self.fair)
            .field("in_place", &self.is_in_place())
            .finish_non_exhaustive()
    }
}

impl<S> Action<S> {
    /// An unfair action named `name` whose effect makes the successor from the state.
    pub fn new(
        name: impl Into<String>,
        guard: impl Fn(&S) -> bool + Send + Sync + 'static,
        effect: impl Fn(&S) -> S + Send + Sync + 'static,
    ) -> Self {
        Action {
            name: Arc::from(name.into()),
            guard: Arc::new(guard),
            effect: Effect::Make(Arc::new(effect)),
            fair: None,
        }
    }

    /// An unfair action named `name` whose effect edits the state in place: the successor is
    /// a copy of the state after `effect` ran on it.
    ///
    /// In a search the copy is a spare state of the worker's (a successor the engine found
    /// known already and kept instead of dropping it) refilled with [`Clone::clone_from`], or a
    /// clone of the state when there is none: a successor that is known already allocates
    /// nothing when `clone_from` reuses a state's buffers, and a new one is moved into the
    /// store. The standard library's `Vec`, `String`,
    /// `HashMap`, `HashSet`, `Box`, `Option` and arrays reuse them (nested too); tuples,
    /// `BTreeMap` and `BTreeSet` do not, and neither does `#[derive(Clone)]`, whose
    /// `clone_from` clones and drops. A struct state gains with `Clone` written by hand,
    /// `clone_from` field by field (example below). Outside a search ([`Action::apply`],
    /// simulation, replay) the effect edits a clone.
    ///
    /// The effect must leave the state depending only on the state it starts from (the copy
    /// is refilled before every call); a panic in it is reported like one in any effect.
    ///
    /// ```
    /// use musil::Action;
    /// let push = Action::in_place("push", |v: &Vec<u8>| v.len() < 3, |v| v.push(7));
    /// assert!(push.is_in_place());
    /// assert_eq!(push.apply(&vec![1]), [1, 7]);
    /// let mut v = vec![];
    /// push.apply_in_place(&mut v);
    /// assert_eq!(v, [7]);
    /// ```
    ///
    /// A struct whose refill reuses its buffers:
    ///
    /// ```
    /// use musil::{Model, check};
    ///
    /// #[derive(Debug, PartialEq, Eq, Hash)]
    /// struct Log { lines: Vec<u8>, last: String }
    ///
    /// impl Clone for Log {
    ///     fn clone(&self) -> Self {
    ///         Log { lines: self.lines.clone(), last: self.last.clone() }
    ///     }
    ///     // What `#[derive(Clone)]` would not write: refill each field in place.
    ///     fn clone_from(&mut self, source: &Self) {
    ///         self.lines.clone_from(&source.lines);
    ///         self.last.clone_from(&source.last);
    ///     }
    /// }
    ///
    /// let m = Model::new(Log { lines: vec![], last: String::new() })
    ///     .action_in_place("a", |l| l.lines.len() < 3, |l| {
    ///         l.lines.push(b'a');
    ///         l.last.replace_range(.., "a");
    ///     })
    ///     .action_in_place("b", |l| l.lines.len() < 3, |l| {
    ///         l.lines.push(b'b');
    ///         l.last.replace_range(.., "b");
    ///     })
    ///     .terminal(|l| l.lines.len() == 3);
    /// assert_eq!(check(&m).states_explored, 15);
    /// ```
    pub fn in_place(
        name: impl Into<String>,
        guard: impl Fn(&S) -> bool + Send + Sync + 'static,
        effect: impl Fn(&mut S) + Send + Sync + 'static,
    ) -> Self {
        Action {
            name: Arc::from(name.into()),
            guard: Arc::new(guard),
            effect: Effect::Edit(Arc::new(effect)),
            fair: None,
        }
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

    /// Whether its effect edits the state in place (made by [`Action::in_place`]).
    pub fn is_in_place(&self) -> bool {
        matches!(self.effect, Effect::Edit(_))
    }

    /// The same action (name, guard, fairness) with its effect in place: a making effect `f`
    /// becomes the edit `*s = f(s)`. See [`Model::effects_in_place`](crate::Model::effects_in_place).
    #[must_use]
    pub(crate) fn into_in_place(self) -> Self
    where
        S: 'static,
    {
        Action { effect: self.effect.into_in_place(), ..self }
    }

    /// Whether the guard holds in `state`.
    pub fn is_enabled(&self, state: &S) -> bool {
        (self.guard)(state)
    }
}

impl<S: Clone> Action<S> {
    /// The successor the effect produces from `state` (the guard is not consulted). An
    /// in-place effect edits a clone of `state`.
    pub fn apply(&self, state: &S) -> S {
        self.effect.apply(state)
    }

    /// Turn `state` into the successor the effect produces from it (the guard is not
    /// consulted). A making effect's result replaces `state`.
    pub fn apply_in_place(&self, state: &mut S) {
        self.effect.apply_in_place(state)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_forms_give_the_same_successor() {
        let make = Action::new("inc", |_: &Vec<u8>| true, |v| v.iter().map(|x| x + 1).collect());
        let edit = Action::in_place("inc", |_: &Vec<u8>| true, |v| v.iter_mut().for_each(|x| *x += 1));
        assert!(!make.is_in_place() && edit.is_in_place());
        for a in [&make, &edit] {
            assert_eq!(a.apply(&vec![1, 2]), [2, 3]);
            let mut v = vec![5];
            a.apply_in_place(&mut v);
            assert_eq!(v, [6]);
        }
        assert!(format!("{edit:?}").contains("in_place: true"));
    }

    #[test]
    fn then_keeps_the_form() {
        let edit = Effect::Edit(Arc::new(|v: &mut Vec<u8>| v.push(1))).then(|v| {
            let mut w = v.clone();
            w.push(2);
            w
        });
        assert!(matches!(edit, Effect::Edit(_)));
        assert_eq!(edit.apply(&vec![0]), [0, 1, 2]);
        let make = Effect::Make(Arc::new(|v: &Vec<u8>| [v.as_slice(), &[1]].concat())).then(|v| v.clone());
        assert!(matches!(make, Effect::Make(_)));
        assert_eq!(make.apply(&vec![0]), [0, 1]);
    }
}
