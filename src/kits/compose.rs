//! Parallel composition: component models specified apart, checked as their interleaving.
//!
//! [`compose`] takes named component [`Model`]s and builds one model over [`Composite`]
//! states (one slice per component, sorted by name) whose behaviour is every interleaving of
//! the components' actions, each acting on its own slice. Component actions become
//! `"{component}:{action}"`, component invariants `"{component}:{invariant}"` (checked on the
//! slice), joint invariants over the whole composite are added by
//! [`Compose::invariant`], and a composite state is terminal when every slice is terminal in its
//! component.
//!
//! The components share one state type `S`; components of different kinds are variants of one
//! enum the caller writes (the original, dynamically typed, mixes them freely).
//!
//! ```
//! use musil::kits::compose::compose;
//! use musil::{check, Kind, Model};
//!
//! let toggle = || {
//!     Model::new(false).action("on", |s| !*s, |_| true).action("off", |s| *s, |_| false)
//! };
//! let both = compose([("a", toggle()), ("b", toggle())])
//!     .invariant("not-both-on", |s| !(s["a"] && s["b"]))
//!     .build()
//!     .unwrap();
//! let r = check(&both);
//! assert_eq!(r.kind, Some(Kind::Invariant));
//! assert_eq!(r.action_names(), ["a:on", "b:on"]);
//! ```

use std::fmt::Debug;
use std::ops::Index;
use std::sync::Arc;

use indexmap::IndexMap;

use crate::error::{Error, ErrorKind};
use crate::model::{Action, Model};
use crate::properties::{Properties, Verdict};
use crate::system::State;

/// A joint state: one slice per component, `(name, state)`, in the order given (sorted by name
/// when [`compose`] builds it). Read a slice with `composite["name"]` or [`Composite::get`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Composite<S> {
    /// The slices, `(component name, its state)`.
    pub parts: Vec<(Arc<str>, S)>,
}

impl<S: Clone> Composite<S> {
    /// A composite from its slices, kept in the order given (not sorted).
    ///
    /// # Examples
    ///
    /// ```
    /// use musil::kits::compose::Composite;
    ///
    /// let c = Composite::new([("b", 1), ("a", 2)]);
    /// assert_eq!(c.parts[0].0.as_ref(), "b"); // kept as given
    /// assert_eq!(c["a"], 2);
    /// ```
    pub fn new(parts: impl IntoIterator<Item = (impl Into<String>, S)>) -> Self {
        Composite { parts: parts.into_iter().map(|(n, s)| (Arc::from(n.into()), s)).collect() }
    }

    /// The slice of component `name`, if there is one.
    ///
    /// # Examples
    ///
    /// ```
    /// use musil::kits::compose::Composite;
    ///
    /// let c = Composite::new([("a", 'p'), ("z", 'q')]);
    /// assert_eq!(c.get("z"), Some(&'q'));
    /// assert_eq!(c.get("nope"), None);
    /// ```
    pub fn get(&self, name: &str) -> Option<&S> {
        self.parts.iter().find(|(n, _)| &**n == name).map(|(_, s)| s)
    }

    /// A copy with the slice of `name` replaced by `new` (an unchanged copy when no component
    /// has that name, as in the original).
    ///
    /// # Examples
    ///
    /// ```
    /// use musil::kits::compose::Composite;
    ///
    /// let c = Composite::new([("a", 0), ("z", 0)]);
    /// assert_eq!(c.with_part("z", 5), Composite::new([("a", 0), ("z", 5)]));
    /// assert_eq!(c.with_part("nope", 5), c);
    /// ```
    #[must_use]
    pub fn with_part(&self, name: &str, new: S) -> Self {
        let mut c = self.clone();
        if let Some(slot) = c.parts.iter_mut().find(|(n, _)| &**n == name) {
            slot.1 = new;
        }
        c
    }
}

impl<S: Clone> Index<&str> for Composite<S> {
    type Output = S;

    /// # Panics
    /// When no component is named `name`.
    fn index(&self, name: &str) -> &S {
        self.get(name).unwrap_or_else(|| panic!("Composite: no component named '{name}'"))
    }
}

type JointCheck<S> = Arc<dyn Fn(&Composite<S>) -> Verdict + Send + Sync>;

/// The builder [`compose`] returns: add joint invariants, then [`Compose::build`].
#[must_use = "call build() to get the composed Model"]
pub struct Compose<S> {
    components: Vec<(String, Model<S>)>,
    invariants: Vec<(String, JointCheck<S>)>,
}

impl<S> Debug for Compose<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.components.iter().map(|(n, _)| n.as_str()).collect();
        let joint: Vec<&str> = self.invariants.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("Compose").field("components", &names).field("invariants", &joint).finish()
    }
}

/// The interleaving product of named component models (see the [module](self) docs).
///
/// # Examples
///
/// ```
/// use musil::kits::compose::compose;
/// use musil::{Model, check};
///
/// let toggle = || Model::new(false).action("on", |s| !*s, |_| true).action("off", |s| *s, |_| false);
/// let m = compose([("b", toggle()), ("a", toggle())]).build().unwrap();
/// let names: Vec<&str> = m.static_action_list().iter().map(|a| a.name()).collect();
/// assert_eq!(names, ["a:on", "a:off", "b:on", "b:off"]); // components sorted by name
/// assert_eq!(check(&m).to_string(), "OK — 4 states, no violations");
/// ```
pub fn compose<S: State>(components: impl IntoIterator<Item = (impl Into<String>, Model<S>)>) -> Compose<S> {
    Compose {
        components: components.into_iter().map(|(n, m)| (n.into(), m)).collect(),
        invariants: Vec::new(),
    }
}

impl<S: State> Compose<S> {
    /// A joint invariant over the whole composite, checked after the lifted component
    /// invariants. A joint invariant named like a lifted one replaces it in its place (the
    /// original merges them as a dict update).
    ///
    /// # Examples
    ///
    /// ```
    /// use musil::kits::compose::compose;
    /// use musil::{Model, check};
    ///
    /// let once = || Model::new(false).action("go", |s| !*s, |_| true).terminal(|s| *s);
    /// let m = compose([("x", once()), ("y", once())])
    ///     .invariant("one-at-most", |c| !(c["x"] && c["y"]))
    ///     .build()
    ///     .unwrap();
    /// let r = check(&m);
    /// assert_eq!(r.invariant.as_deref(), Some("one-at-most"));
    /// assert_eq!(r.action_names(), ["x:go", "y:go"]);
    /// ```
    pub fn invariant<V: Into<Verdict>>(
        mut self,
        name: impl Into<String>,
        check: impl Fn(&Composite<S>) -> V + Send + Sync + 'static,
    ) -> Self {
        self.invariants.push((name.into(), Arc::new(move |c| check(c).into())));
        self
    }

    /// The composed model:
    /// - initial states: every combination of the components' initial states (components
    ///   sorted by name, the last varying fastest);
    /// - actions: per component (sorted), its actions in order, named `"{component}:{action}"`,
    ///   each guarded and applied on its slice. They are unfair: the original drops the
    ///   components' fairness tags, and so does this;
    /// - invariants: the components' (sorted), named `"{component}:{invariant}"`, then the joint
    ///   ones;
    /// - terminal: every slice terminal in its component.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidInput`] when two components have the same name, or a component has
    /// a per-state menu (`actions_fn`) or edge invariants: the composite carries only static
    /// actions and state invariants, and the original's silent loss of the rest is refused here.
    ///
    /// # Examples
    ///
    /// ```
    /// use musil::kits::compose::compose;
    /// use musil::{ErrorKind, Model, check};
    ///
    /// // A counter whose own invariant breaks, lifted under the component's name, fairness dropped.
    /// let counter = Model::new(0u8)
    ///     .action("inc", |n| *n < 2, |n| n + 1)
    ///     .invariant("under-2", |n| *n < 2)
    ///     .terminal(|n| *n == 2);
    /// let m = compose([("c", counter.clone())]).build().unwrap();
    /// assert_eq!(check(&m).invariant.as_deref(), Some("c:under-2"));
    /// assert!(m.static_action_list().iter().all(|a| a.fairness().is_none()));
    /// let twice = compose([("c", counter.clone()), ("c", counter)]).build();
    /// assert_eq!(twice.unwrap_err().kind(), ErrorKind::InvalidInput);
    /// ```
    pub fn build(self) -> Result<Model<Composite<S>>, Error> {
        let mut comps = self.components;
        comps.sort_by(|a, b| a.0.cmp(&b.0));
        for w in comps.windows(2) {
            if w[0].0 == w[1].0 {
                return Err(Error::new(
                    ErrorKind::InvalidInput,
                    format!(
                        "compose: two components named '{}'; each component needs a name of its own",
                        w[0].0
                    ),
                ));
            }
        }
        for (name, m) in &comps {
            if m.has_actions_fn() || !m.edge_invariant_list().is_empty() {
                return Err(Error::new(
                    ErrorKind::InvalidInput,
                    format!(
                        "compose: component '{name}' has a per-state menu (actions_fn) or edge invariants; compose lifts only static actions, state invariants and terminal states"
                    ),
                ));
            }
        }
        let names: Vec<Arc<str>> = comps.iter().map(|(n, _)| Arc::from(n.as_str())).collect();

        let mut inits: Vec<Vec<(Arc<str>, S)>> = vec![Vec::new()];
        for (i, (_, m)) in comps.iter().enumerate() {
            let name = &names[i];
            inits = inits
                .into_iter()
                .flat_map(|prefix| {
                    m.initial().iter().map(move |s| {
                        let mut p = prefix.clone();
                        p.push((name.clone(), s.clone()));
                        p
                    })
                })
                .collect();
        }
        let mut model = Model::with_initial_states(inits.into_iter().map(|parts| Composite { parts }));

        for (i, (name, m)) in comps.iter().enumerate() {
            for a in m.static_action_list() {
                let (guard, effect) = (a.clone(), a.clone());
                model = model.add_action(Action::new(
                    format!("{name}:{}", a.name()),
                    move |c: &Composite<S>| guard.is_enabled(&c.parts[i].1),
                    move |c: &Composite<S>| {
                        let mut next = c.clone();
                        next.parts[i].1 = effect.apply(&c.parts[i].1);
                        next
                    },
                ));
            }
        }

        let mut invariants: IndexMap<String, JointCheck<S>> = IndexMap::new();
        for (i, (name, m)) in comps.iter().enumerate() {
            for inv in m.invariant_list() {
                let inv = inv.clone();
                invariants
                    .insert(format!("{name}:{}", inv.name()), Arc::new(move |c| inv.eval(&c.parts[i].1)));
            }
        }
        invariants.extend(self.invariants);
        for (name, check) in invariants {
            model = model.invariant(name, move |c: &Composite<S>| check(c));
        }

        let parts: Vec<Model<S>> = comps.into_iter().map(|(_, m)| m).collect();
        Ok(model.terminal(move |c| parts.iter().zip(&c.parts).all(|(m, (_, s))| m.is_terminal(s))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Fairness, Kind, check};

    fn toggle() -> Model<bool> {
        Model::new(false).action("on", |s| !*s, |_| true).action("off", |s| *s, |_| false)
    }

    #[test]
    fn the_full_interleaving() {
        let m = compose([("a", toggle()), ("b", toggle())]).build().unwrap();
        assert_eq!(check(&m).to_string(), "OK — 4 states, no violations");
    }

    #[test]
    fn a_joint_invariant_sees_both_slices() {
        let m = compose([("a", toggle()), ("b", toggle())])
            .invariant("not-both-on", |s| !(s["a"] && s["b"]))
            .build()
            .unwrap();
        let r = check(&m);
        assert_eq!((r.kind, r.invariant.as_deref()), (Some(Kind::Invariant), Some("not-both-on")));
        assert_eq!(r.action_names(), ["a:on", "b:on"]);
        assert_eq!(r.states_explored, 4);
    }

    #[derive(Clone, Debug, PartialEq, Eq, Hash)]
    enum Part {
        Counter(u8),
        Toggle(bool),
    }

    #[test]
    fn component_invariants_are_lifted_under_the_component_name() {
        let counter = Model::new(Part::Counter(0))
            .action(
                "inc",
                |s| matches!(s, Part::Counter(n) if *n < 2),
                |s| match s {
                    Part::Counter(n) => Part::Counter(n + 1),
                    other => other.clone(),
                },
            )
            .invariant("under-2", |s| matches!(s, Part::Counter(n) if *n < 2))
            .terminal(|s| *s == Part::Counter(2));
        let t = Model::new(Part::Toggle(false))
            .action("on", |s| *s == Part::Toggle(false), |_| Part::Toggle(true))
            .action("off", |s| *s == Part::Toggle(true), |_| Part::Toggle(false));
        let r = check(&compose([("t", t), ("c", counter)]).build().unwrap());
        assert_eq!(r.invariant.as_deref(), Some("c:under-2"));
        assert_eq!(r.action_names(), ["c:inc", "c:inc"]);
        assert_eq!(r.states_explored, 5);
    }

    #[test]
    fn terminal_only_when_every_part_is() {
        let one = Model::new(false).action("finish", |s| !*s, |_| true).terminal(|s| *s);
        let m = compose([("x", one.clone()), ("y", one)]).build().unwrap();
        assert_eq!(check(&m).to_string(), "OK — 4 states, no violations");
    }

    #[test]
    fn sorted_names_product_inits_and_dropped_fairness() {
        let z = Model::with_initial_states([0u8, 1])
            .add_action(Action::new("x", |_| false, |s| *s).fair(Fairness::Weak))
            .invariant("i", |_| true);
        let a = Model::with_initial_states([10u8, 11]).action("y", |_| false, |s| *s);
        let m = compose([("z", z), ("a", a)]).invariant("j", |_| true).build().unwrap();
        let inits: Vec<Vec<u8>> = m.initial().iter().map(|c| c.parts.iter().map(|p| p.1).collect()).collect();
        assert_eq!(inits, [[10, 0], [10, 1], [11, 0], [11, 1]]);
        let acts = m.static_action_list();
        let names: Vec<&str> = acts.iter().map(|a| a.name()).collect();
        assert_eq!(names, ["a:y", "z:x"]);
        assert!(acts.iter().all(|a| a.fairness().is_none()));
        let invs: Vec<&str> = m.invariant_list().iter().map(|i| i.name()).collect();
        assert_eq!(invs, ["z:i", "j"]);
    }

    #[test]
    fn composite_slices() {
        let c = Composite::new([("b", 1), ("a", 2)]);
        assert_eq!(c.parts[0].0.as_ref(), "b");
        assert_eq!(c["a"], 2);
        assert_eq!(c.with_part("a", 5)["a"], 5);
        assert_eq!(c.with_part("nope", 5), c);
        assert_eq!(c.get("nope"), None);
    }

    #[test]
    #[should_panic(expected = "no component named 'nope'")]
    fn an_unknown_slice_panics() {
        let _ = Composite::new([("a", 1)])["nope"];
    }

    #[test]
    fn refused_components() {
        let e = compose([("a", toggle()), ("a", toggle())]).build().unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        let menu = toggle().actions_fn(|_| Vec::new());
        let e = compose([("m", menu)]).build().unwrap_err();
        assert!(e.message().contains("component 'm'"));
    }
}
