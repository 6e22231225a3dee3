//! Properties a state or a step must keep: [`Verdict`], invariants and edge invariants.
//!
//! An invariant returns anything that converts into a [`Verdict`]: `bool` (`false` breaks it), a
//! reason string (any string breaks it, as in the original, where a string return is always a
//! violation), `Option<String>` (`Some(reason)` breaks it) or `Result<(), String>`.
//!
//! ```
//! use musil::Verdict;
//! assert_eq!(Verdict::from(true), Verdict::Holds);
//! assert_eq!(Verdict::from("balance went negative"), Verdict::Violated(Some("balance went negative".into())));
//! assert_eq!(Verdict::from(None::<String>), Verdict::Holds);
//! ```

use std::sync::Arc;

pub use crate::properties::Verdict;

pub(crate) type StatePredicate<S> = Arc<dyn Fn(&S) -> Verdict + Send + Sync>;
pub(crate) type StepPredicate<S> = Arc<dyn Fn(&S, &str, &S) -> Verdict + Send + Sync>;

/// A named state invariant: it must hold in every reachable state.
pub struct Invariant<S> {
    pub(crate) name: Arc<str>,
    pub(crate) check: StatePredicate<S>,
}

impl<S> Clone for Invariant<S> {
    fn clone(&self) -> Self {
        Invariant { name: self.name.clone(), check: self.check.clone() }
    }
}

impl<S> Invariant<S> {
    /// An invariant named `name` that `check` evaluates on a state.
    pub fn new<V: Into<Verdict>>(
        name: impl Into<String>,
        check: impl Fn(&S) -> V + Send + Sync + 'static,
    ) -> Self {
        Invariant { name: Arc::from(name.into()), check: Arc::new(move |s| check(s).into()) }
    }

    /// The invariant's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Evaluate it on a state.
    pub fn eval(&self, state: &S) -> Verdict {
        (self.check)(state)
    }
}

impl<S> std::fmt::Debug for Invariant<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Invariant").field("name", &self.name).finish_non_exhaustive()
    }
}

/// A named edge invariant: it must hold on every transition `(before, action name, after)`,
/// including transitions to states already seen and self-loops.
pub struct EdgeInvariant<S> {
    pub(crate) name: Arc<str>,
    pub(crate) check: StepPredicate<S>,
}

impl<S> Clone for EdgeInvariant<S> {
    fn clone(&self) -> Self {
        EdgeInvariant { name: self.name.clone(), check: self.check.clone() }
    }
}

impl<S> EdgeInvariant<S> {
    /// An edge invariant named `name`, evaluated on `(before, action, after)`.
    pub fn new<V: Into<Verdict>>(
        name: impl Into<String>,
        check: impl Fn(&S, &str, &S) -> V + Send + Sync + 'static,
    ) -> Self {
        EdgeInvariant { name: Arc::from(name.into()), check: Arc::new(move |a, n, b| check(a, n, b).into()) }
    }

    /// The edge invariant's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Evaluate it on one transition.
    pub fn eval(&self, before: &S, action: &str, after: &S) -> Verdict {
        (self.check)(before, action, after)
    }
}

impl<S> std::fmt::Debug for EdgeInvariant<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EdgeInvariant").field("name", &self.name).finish_non_exhaustive()
    }
}

/// An edge invariant broken exactly when the transition's action is named `action`.
///
/// Name it when adding it to a model: `model.edge_invariant_from("no-force", never("force"))`.
/// Its violations carry no reason. See [`never_when`] to restrict it to some source states.
///
/// ```
/// use musil::{never, Model, check, Kind};
/// let m = Model::new(0u8)
///     .action("inc", |s| *s < 2, |s| s + 1)
///     .action("reset", |s| *s == 2, |_| 0)
///     .edge_invariant_from("no-reset", never("reset"));
/// let r = check(&m);
/// assert_eq!(r.kind, Some(Kind::EdgeInvariant));
/// assert_eq!(r.action_names(), vec!["inc", "inc", "reset"]);
/// ```
pub fn never<S: 'static>(action: impl Into<String>) -> impl Fn(&S, &str, &S) -> bool + Send + Sync + 'static {
    let action = action.into();
    move |_before: &S, name: &str, _after: &S| name != action
}

/// Like [`never()`], but only a transition whose source state satisfies `when` breaks it.
pub fn never_when<S: 'static>(
    action: impl Into<String>,
    when: impl Fn(&S) -> bool + Send + Sync + 'static,
) -> impl Fn(&S, &str, &S) -> bool + Send + Sync + 'static {
    let action = action.into();
    move |before: &S, name: &str, _after: &S| !(name == action && when(before))
}

/// Turn a checker that lists what is wrong with a state into an invariant: it holds when the
/// list is empty, else it is violated with `describe(first item)` as the reason.
///
/// ```
/// use musil::{invariant_from_violations, Verdict};
/// let inv = invariant_from_violations(|n: &i32| if *n < 0 { vec![format!("{n} < 0")] } else { vec![] }, |s: &String| s.clone());
/// assert_eq!(inv(&1), Verdict::Holds);
/// assert_eq!(inv(&-2), Verdict::Violated(Some("-2 < 0".into())));
/// ```
pub fn invariant_from_violations<S, T, I>(
    checker: impl Fn(&S) -> I + Send + Sync + 'static,
    describe: impl Fn(&T) -> String + Send + Sync + 'static,
) -> impl Fn(&S) -> Verdict + Send + Sync + 'static
where
    I: IntoIterator<Item = T>,
{
    move |s: &S| match checker(s).into_iter().next() {
        None => Verdict::Holds,
        Some(first) => Verdict::Violated(Some(describe(&first))),
    }
}
