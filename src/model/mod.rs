//! The closure-based model builder: [`Model`], its actions, invariants and terminal states.
//!
//! A model is initial states plus guarded actions (kept in declaration order, which decides
//! the breadth-first successor order and so which shortest trace is reported), invariants in
//! declaration order, edge invariants and a terminal predicate. An action's effect makes the
//! successor ([`Model::action`]) or edits a copy of the state in place
//! ([`Model::action_in_place`], see [`Action::in_place`]); one model may mix both.
//!
//! ```
//! use musil::{check, Model};
//!
//! #[derive(Clone, Debug, PartialEq, Eq, Hash)]
//! struct Light { color: &'static str }
//!
//! let light = Model::new(Light { color: "red" })
//!     .action("go", |s| s.color == "red", |_| Light { color: "green" })
//!     .action("slow", |s| s.color == "green", |_| Light { color: "yellow" })
//!     .action("stop", |s| s.color == "yellow", |_| Light { color: "red" })
//!     .invariant("never-yellow", |s| s.color != "yellow");
//! let r = check(&light);
//! assert_eq!(r.action_names(), vec!["go", "slow"]);
//! ```

mod action;
mod property;
pub(crate) mod schema;

use std::collections::HashMap;
use std::hash::Hash;
use std::ops::ControlFlow;
use std::sync::{Arc, Mutex};

use indexmap::IndexMap;

pub use action::Action;
use action::Effect;
pub use property::{EdgeInvariant, Invariant, Verdict, invariant_from_violations, never, never_when};
pub use schema::{ActionSchema, Binding, Value, enumerate_actions};

use crate::fault::{self, Site};
use crate::properties::Properties;
use crate::system::{ActionId, Fairness, Predicate, Spare, State, TransitionSystem};

/// Action names and their ids, read without a lock: an id is handed out once per name, in
/// first-seen order. A name first seen during exploration (from a per-state menu) is interned
/// under a mutex that the common path (a name already known) never takes.
#[derive(Default)]
struct Names {
    list: boxcar::Vec<Arc<str>>,
    index: papaya::HashMap<Arc<str>, u32>,
    interning: Mutex<()>,
}

impl Names {
    fn get(&self, name: &str) -> Option<ActionId> {
        self.index.pin().get(name).map(|&i| ActionId::new(i))
    }

    fn intern(&self, name: &Arc<str>) -> ActionId {
        if let Some(id) = self.get(name) {
            return id;
        }
        let _one_at_a_time = self.interning.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(id) = self.get(name) {
            return id;
        }
        let id = self.list.push(name.clone()) as u32;
        self.index.pin().insert(name.clone(), id);
        ActionId::new(id)
    }

    fn name(&self, action: ActionId) -> &str {
        self.list.get(action.index()).map_or("", |n| &**n)
    }

    /// An independent copy with the same ids.
    fn copy(&self) -> Names {
        let names = Names::default();
        for (_, n) in self.list.iter() {
            names.intern(n);
        }
        names
    }
}

/// An action together with the id of its name.
pub(crate) struct Entry<S> {
    id: ActionId,
    action: Action<S>,
}

impl<S> Clone for Entry<S> {
    fn clone(&self) -> Self {
        Entry { id: self.id, action: self.action.clone() }
    }
}

type Menu<S> = Arc<[Entry<S>]>;
type MenuFn<S> = Arc<dyn Fn(&S) -> Vec<Action<S>> + Send + Sync>;

/// A per-sweep cache of menus keyed by a footprint of the state.
trait FootprintCache<S>: Send + Sync {
    fn lookup(&self, state: &S, make: &dyn Fn() -> Menu<S>) -> Menu<S>;
    fn clear(&self);
    /// A group number per state: equal numbers for equal footprints.
    fn groups(&self, states: &[S]) -> Vec<usize>;
    /// The same footprint with an empty cache of its own.
    fn fresh(&self) -> Arc<dyn FootprintCache<S>>;
}

struct KeyedCache<S, K, F> {
    footprint: Arc<F>,
    menus: papaya::HashMap<K, Menu<S>>,
}

impl<S, K, F> FootprintCache<S> for KeyedCache<S, K, F>
where
    S: Send + Sync + 'static,
    K: Hash + Eq + Send + Sync + 'static,
    F: Fn(&S) -> K + Send + Sync + 'static,
{
    fn fresh(&self) -> Arc<dyn FootprintCache<S>> {
        Arc::new(KeyedCache { footprint: self.footprint.clone(), menus: papaya::HashMap::new() })
    }

    fn lookup(&self, state: &S, make: &dyn Fn() -> Menu<S>) -> Menu<S> {
        fault::enter(Site::Footprint);
        let key = (self.footprint)(state);
        let menus = self.menus.pin();
        if let Some(m) = menus.get(&key) {
            return m.clone();
        }
        menus.get_or_insert(key, make()).clone()
    }

    fn clear(&self) {
        self.menus.pin().clear();
    }

    fn groups(&self, states: &[S]) -> Vec<usize> {
        let mut ids: HashMap<K, usize> = HashMap::new();
        states
            .iter()
            .map(|s| {
                let n = ids.len();
                *ids.entry((self.footprint)(s)).or_insert(n)
            })
            .collect()
    }
}

/// A model described with closures: initial states, actions, invariants, edge invariants and
/// terminal states. It implements [`TransitionSystem`], so every analysis accepts it.
///
/// Builder methods take and return the model. Actions, invariants and edge invariants keep
/// declaration order, and each needs a name of its own: a builder given a name already taken
/// (or an empty or reserved action name) panics at once, naming it.
pub struct Model<S> {
    init: Vec<S>,
    actions: Vec<Entry<S>>,
    names: Names,
    invariants: IndexMap<Arc<str>, Invariant<S>>,
    edge_invariants: IndexMap<Arc<str>, EdgeInvariant<S>>,
    terminal: Option<Predicate<S>>,
    menu_fn: Option<MenuFn<S>>,
    footprint: Option<Arc<dyn FootprintCache<S>>>,
    /// Several actions may share a name ([`Model::shared_action_names`]).
    shared_names: bool,
}

impl<S> std::fmt::Debug for Model<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let actions: Vec<&str> = self.actions.iter().map(|e| e.action.name()).collect();
        f.debug_struct("Model")
            .field("initial_states", &self.init.len())
            .field("actions", &actions)
            .field("invariants", &self.invariants.keys().collect::<Vec<_>>())
            .field("edge_invariants", &self.edge_invariants.keys().collect::<Vec<_>>())
            .field("actions_fn", &self.menu_fn.is_some())
            .finish_non_exhaustive()
    }
}

impl<S: State> Model<S> {
    /// A model with one initial state.
    pub fn new(init: S) -> Self {
        Self::with_initial_states([init])
    }

    /// A model with several initial states, in order (duplicates are explored once; an empty
    /// list gives a model with no states).
    pub fn with_initial_states(init: impl IntoIterator<Item = S>) -> Self {
        Model {
            init: init.into_iter().collect(),
            actions: Vec::new(),
            names: Names::default(),
            invariants: IndexMap::new(),
            edge_invariants: IndexMap::new(),
            terminal: None,
            menu_fn: None,
            footprint: None,
            shared_names: false,
        }
    }

    /// Add an unfair action.
    #[must_use]
    pub fn action(
        self,
        name: impl Into<String>,
        guard: impl Fn(&S) -> bool + Send + Sync + 'static,
        effect: impl Fn(&S) -> S + Send + Sync + 'static,
    ) -> Self {
        self.add_action(Action::new(name, guard, effect))
    }

    /// Add an action with a fairness tag.
    #[must_use]
    pub fn fair_action(
        self,
        name: impl Into<String>,
        fairness: Fairness,
        guard: impl Fn(&S) -> bool + Send + Sync + 'static,
        effect: impl Fn(&S) -> S + Send + Sync + 'static,
    ) -> Self {
        self.add_action(Action::new(name, guard, effect).fair(fairness))
    }

    /// Add an unfair action whose effect edits the state in place (see
    /// [`Action::in_place`]): in a search, a successor that is known already then costs no
    /// allocation.
    ///
    /// ```
    /// use musil::{Model, check};
    /// let m = Model::new(String::new())
    ///     .action_in_place("a", |s| s.len() < 3, |s| s.push('a'))
    ///     .action("b", |s| s.len() < 3, |s| format!("{s}b"))
    ///     .terminal(|s| s.len() == 3);
    /// assert_eq!(check(&m).states_explored, 15);
    /// ```
    #[must_use]
    pub fn action_in_place(
        self,
        name: impl Into<String>,
        guard: impl Fn(&S) -> bool + Send + Sync + 'static,
        effect: impl Fn(&mut S) + Send + Sync + 'static,
    ) -> Self {
        self.add_action(Action::in_place(name, guard, effect))
    }

    /// Add an action with a fairness tag whose effect edits the state in place (see
    /// [`Action::in_place`]).
    #[must_use]
    pub fn fair_action_in_place(
        self,
        name: impl Into<String>,
        fairness: Fairness,
        guard: impl Fn(&S) -> bool + Send + Sync + 'static,
        effect: impl Fn(&mut S) + Send + Sync + 'static,
    ) -> Self {
        self.add_action(Action::in_place(name, guard, effect).fair(fairness))
    }

    /// Add a prepared [`Action`].
    ///
    /// # Panics
    /// When the name is empty, reserved (`<init>` and any other `<...>` name, which traces use
    /// for steps that are not actions), or already taken by another action of this model:
    /// fairness, edge invariants, probabilities and traces all speak of actions by name, so two
    /// actions under one name would be one action to them ([`Model::shared_action_names`]
    /// accepts that, as the original does).
    #[must_use]
    pub fn add_action(mut self, action: Action<S>) -> Self {
        refuse_action_name(&action.name, "Model::action");
        if let Some(twin) = self.actions.iter().find(|e| !self.shared_names && e.action.name == action.name) {
            panic!(
                "Model::action: two actions named '{}'; action names must be unique (the first is action #{})",
                action.name,
                self.actions.iter().position(|e| std::ptr::eq(e, twin)).unwrap_or(0) + 1
            );
        }
        let id = self.names.intern(&action.name);
        self.actions.push(Entry { id, action });
        self
    }

    /// Accept several actions under one name, as the original does (its Python front uses
    /// this): each still gives its own edges, in order, and everything that speaks of actions
    /// by name (traces, fairness, edge invariants, footprints, probabilities) treats them as one
    /// action. Without it a repeated name is refused, because those would silently merge them.
    /// Applies to the actions added after it and to `actions_fn` menus.
    ///
    /// ```
    /// use musil::{Model, check};
    /// let m = Model::new(0u8)
    ///     .shared_action_names()
    ///     .action("step", |n| *n < 2, |n| n + 1)
    ///     .action("step", |n| *n < 2, |n| n + 2)
    ///     .terminal(|n| *n >= 2);
    /// let r = check(&m);
    /// assert!(r.ok && r.states_explored == 4);
    /// ```
    #[must_use]
    pub fn shared_action_names(mut self) -> Self {
        self.shared_names = true;
        self
    }

    /// Add several actions, in order.
    #[must_use]
    pub fn actions(self, actions: impl IntoIterator<Item = Action<S>>) -> Self {
        actions.into_iter().fold(self, Self::add_action)
    }

    /// Add every concrete action of a parameterised schema (see [`ActionSchema`]).
    #[must_use]
    pub fn schema(self, schema: ActionSchema<S>) -> Self {
        self.actions(schema.actions())
    }

    /// Add a state invariant. It returns anything convertible to a [`Verdict`]: `bool`, a
    /// reason string (always a violation), `Option<String>` or `Result<(), E>`.
    ///
    /// # Panics
    /// When another invariant of this model has the same name (results name the broken
    /// invariant, so two under one name could not be told apart).
    #[must_use]
    pub fn invariant<V: Into<Verdict>>(
        mut self,
        name: impl Into<String>,
        check: impl Fn(&S) -> V + Send + Sync + 'static,
    ) -> Self {
        let inv = Invariant::new(name, check);
        if self.invariants.contains_key(&inv.name) {
            panic!("Model::invariant: two invariants named '{}'; invariant names must be unique", inv.name);
        }
        self.invariants.insert(inv.name.clone(), inv);
        self
    }

    /// Add an edge invariant over `(before, action name, after)`.
    ///
    /// # Panics
    /// When another edge invariant of this model has the same name.
    #[must_use]
    pub fn edge_invariant<V: Into<Verdict>>(
        mut self,
        name: impl Into<String>,
        check: impl Fn(&S, &str, &S) -> V + Send + Sync + 'static,
    ) -> Self {
        let inv = EdgeInvariant::new(name, check);
        if self.edge_invariants.contains_key(&inv.name) {
            panic!(
                "Model::edge_invariant: two edge invariants named '{}'; edge invariant names must be unique",
                inv.name
            );
        }
        self.edge_invariants.insert(inv.name.clone(), inv);
        self
    }

    /// Add an edge invariant made by a helper such as [`never()`].
    #[must_use]
    pub fn edge_invariant_from(
        self,
        name: impl Into<String>,
        check: impl Fn(&S, &str, &S) -> bool + Send + Sync + 'static,
    ) -> Self {
        self.edge_invariant(name, check)
    }

    /// States where having no enabled action is legal (default: none, so every dead end is a
    /// deadlock). Only consulted for states with no enabled action.
    #[must_use]
    pub fn terminal(mut self, terminal: impl Fn(&S) -> bool + Send + Sync + 'static) -> Self {
        self.terminal = Some(Arc::new(terminal));
        self
    }

    /// Compute the action menu per state. When set it replaces the static actions everywhere
    /// successors are computed; each menu action's guard still applies.
    #[must_use]
    pub fn actions_fn(mut self, menu: impl Fn(&S) -> Vec<Action<S>> + Send + Sync + 'static) -> Self {
        self.menu_fn = Some(Arc::new(menu));
        self
    }

    /// Memoise the per-state menu by a footprint of the state: states with equal footprints
    /// reuse the first one's menu within one sweep. No effect without [`Model::actions_fn`].
    /// Soundness (equal footprints ⇒ equal menus) is the caller's duty; see
    /// [`crate::footprint_sound`].
    #[must_use]
    pub fn footprint<K: Hash + Eq + Send + Sync + 'static>(
        mut self,
        footprint: impl Fn(&S) -> K + Send + Sync + 'static,
    ) -> Self {
        self.footprint =
            Some(Arc::new(KeyedCache { footprint: Arc::new(footprint), menus: papaya::HashMap::new() }));
        self
    }

    /// The same model with every effect in place: an effect that makes the successor
    /// ([`Model::action`], [`Action::new`]) becomes the edit `*s = f(s)` (see
    /// [`Action::in_place`]); in-place effects stay. Static actions, schema actions and the
    /// actions of an [`actions_fn`](Model::actions_fn) menu are all turned, and names, guards,
    /// order, fairness, footprints, invariants, edge invariants and the terminal predicate are
    /// kept.
    ///
    /// It is for testing the engine and a model's `Clone`: both forms give the same
    /// successors, so the turned model must check exactly like the original (same verdicts,
    /// counts and traces, with any number of workers), and a difference points at a state
    /// whose `clone_from` disagrees with `clone` or at the engine's in-place path. It gains
    /// nothing by itself: the edit still makes a whole new state and then drops the spare copy
    /// it replaces; write effects with [`Model::action_in_place`] to save allocations.
    ///
    /// ```
    /// use musil::{Model, check};
    /// let m = Model::new(vec![0u8; 2])
    ///     .action("a", |s| s[0] < 2, |s| vec![s[0] + 1, s[1]])
    ///     .action_in_place("b", |s| s[1] < 2, |s| s[1] += 1)
    ///     .invariant("not both two", |s| s != &[2, 2]);
    /// assert!(m.static_action_list().iter().any(|a| !a.is_in_place()));
    /// let plain = check(&m);
    /// let in_place = m.clone().effects_in_place();
    /// assert!(in_place.static_action_list().iter().all(|a| a.is_in_place()));
    /// assert_eq!(check(&in_place), plain);
    /// ```
    #[must_use]
    pub fn effects_in_place(mut self) -> Self {
        let actions = std::mem::take(&mut self.actions);
        self.actions = actions
            .into_iter()
            .map(|Entry { id, action }| Entry { id, action: action.into_in_place() })
            .collect();
        if let Some(menu) = self.menu_fn.take() {
            self.menu_fn =
                Some(Arc::new(move |s: &S| menu(s).into_iter().map(Action::into_in_place).collect()));
        }
        // Menus cached under the old effects are not reused.
        self.footprint = self.footprint.as_ref().map(|c| c.fresh());
        self
    }

    /// The initial states as given.
    pub fn initial(&self) -> &[S] {
        &self.init
    }

    /// The static actions in declaration order.
    pub fn static_action_list(&self) -> Vec<&Action<S>> {
        self.actions.iter().map(|e| &e.action).collect()
    }

    /// The invariants in declaration order.
    pub fn invariant_list(&self) -> Vec<&Invariant<S>> {
        self.invariants.values().collect()
    }

    /// The edge invariants in declaration order.
    pub fn edge_invariant_list(&self) -> Vec<&EdgeInvariant<S>> {
        self.edge_invariants.values().collect()
    }

    /// Whether a per-state menu replaces the static actions.
    pub fn has_actions_fn(&self) -> bool {
        self.menu_fn.is_some()
    }

    /// Whether menus are memoised by a footprint ([`Model::footprint`]).
    pub fn has_footprint(&self) -> bool {
        self.footprint.is_some()
    }

    /// Whether a terminal predicate was given ([`Model::terminal`]).
    pub fn has_terminal(&self) -> bool {
        self.terminal.is_some()
    }

    /// The menu `actions_fn` gives for `state` (no footprint cache), or `None` without one.
    pub fn menu_of(&self, state: &S) -> Option<Vec<Action<S>>> {
        self.menu_fn.as_ref().map(|f| f(state))
    }

    /// The id of an action name, if the model has seen it.
    pub fn action_id(&self, name: &str) -> Option<ActionId> {
        self.names.get(name)
    }

    /// A copy of this model with different invariants (actions, terminal, edge invariants and
    /// menu kept).
    pub fn with_invariants(&self, invariants: impl IntoIterator<Item = Invariant<S>>) -> Self {
        let mut m = self.clone();
        m.invariants = invariants.into_iter().map(|i| (i.name.clone(), i)).collect();
        m
    }

    /// A copy of this model whose terminal predicate is replaced.
    pub fn with_terminal(&self, terminal: impl Fn(&S) -> bool + Send + Sync + 'static) -> Self {
        let mut m = self.clone();
        m.terminal = Some(Arc::new(terminal));
        m
    }

    /// A copy of this model with other initial states.
    pub fn with_init(&self, init: impl IntoIterator<Item = S>) -> Self {
        let mut m = self.clone();
        m.init = init.into_iter().collect();
        m
    }

    /// This model composed with extra actions (after its own, also after a per-state menu)
    /// and extra invariants (after its own). Panics on a name taken twice, as the builders do.
    pub(crate) fn composed(&self, behaviours: Vec<Action<S>>, invariants: Vec<Invariant<S>>) -> Self {
        let mut m = self.clone();
        match m.menu_fn.take() {
            None => m = m.actions(behaviours),
            Some(menu) => {
                for b in &behaviours {
                    m.names.intern(&b.name);
                }
                let extra: Arc<[Action<S>]> = behaviours.into();
                m.menu_fn = Some(Arc::new(move |s: &S| {
                    let mut acts = menu(s);
                    acts.extend(extra.iter().cloned());
                    acts
                }));
            }
        }
        for inv in invariants {
            if m.invariants.contains_key(&inv.name) {
                panic!(
                    "compose: two invariants named '{}' (an environment's guarantee clashes with an invariant or another guarantee; environments need distinct names)",
                    inv.name
                );
            }
            m.invariants.insert(inv.name.clone(), inv);
        }
        m
    }

    fn menu(&self, state: &S) -> Menu<S> {
        let f = self.menu_fn.as_ref().expect("menu() needs actions_fn");
        let make = || -> Menu<S> {
            fault::enter(Site::Menu);
            let acts = f(state);
            let menu: Menu<S> = acts
                .into_iter()
                .map(|action| Entry { id: self.names.intern(&action.name), action })
                .collect();
            for (i, e) in menu.iter().enumerate() {
                refuse_action_name(&e.action.name, "actions_fn");
                if !self.shared_names && menu[..i].iter().any(|d| d.id == e.id) {
                    panic!("actions_fn: two actions named '{}' in one state's menu", e.action.name);
                }
            }
            menu
        };
        match &self.footprint {
            Some(cache) => cache.lookup(state, &make),
            None => make(),
        }
    }
}

// A panic in user code leaves a model as it was: its closures are shared and immutable, and
// its name table and menu cache change only by whole entries (a poisoned interning lock is
// taken over). So a `&Model` may cross `catch_unwind`.
impl<S> std::panic::RefUnwindSafe for Model<S> {}
impl<S> std::panic::UnwindSafe for Model<S> {}

/// Refuse an action name no result could show: empty, or `<...>` (traces use `<init>`,
/// `<stutter>` for steps that are not actions).
fn refuse_action_name(name: &str, what: &str) {
    if name.is_empty() {
        panic!("{what}: an action needs a non-empty name");
    }
    if name.starts_with('<') && name.ends_with('>') {
        panic!(
            "{what}: the action name '{name}' is reserved (traces use <init> and <stutter> for steps that are not actions)"
        );
    }
}

impl<S: State> Clone for Model<S> {
    fn clone(&self) -> Self {
        Model {
            init: self.init.clone(),
            actions: self.actions.clone(),
            names: self.names.copy(),
            invariants: self.invariants.clone(),
            edge_invariants: self.edge_invariants.clone(),
            terminal: self.terminal.clone(),
            menu_fn: self.menu_fn.clone(),
            footprint: self.footprint.as_ref().map(|c| c.fresh()),
            shared_names: self.shared_names,
        }
    }
}

/// Fire `entry` at `state` if its guard holds: its successor, owned, to `emit`.
#[inline]
fn fire<S: Clone>(
    entry: &Entry<S>,
    state: &S,
    emit: &mut impl FnMut(ActionId, S) -> ControlFlow<()>,
) -> ControlFlow<()> {
    fault::enter(Site::Guard(entry.id));
    if (entry.action.guard)(state) {
        fault::enter(Site::Effect(entry.id));
        let next = entry.action.effect.apply(state);
        return emit(entry.id, next);
    }
    ControlFlow::Continue(())
}

/// [`fire`], building the successor of an in-place effect in a spare state.
#[inline(always)]
fn fire_reusing<S: Clone>(
    entry: &Entry<S>,
    state: &S,
    spare: &mut Spare<S>,
    emit: &mut impl FnMut(ActionId, S) -> ControlFlow<()>,
) -> ControlFlow<()> {
    fault::enter(Site::Guard(entry.id));
    if (entry.action.guard)(state) {
        fault::enter(Site::Effect(entry.id));
        let next = match &entry.action.effect {
            Effect::Make(make) => make(state),
            Effect::Edit(edit) => {
                let mut next = spare.copy_of(state);
                edit(&mut next);
                next
            }
        };
        return emit(entry.id, next);
    }
    ControlFlow::Continue(())
}

impl<S: State> Model<S> {
    /// `each(entry)` for the actions offered at `state` (its menu, or the static actions), in
    /// order, until one breaks.
    #[inline(always)]
    fn each_action(&self, state: &S, mut each: impl FnMut(&Entry<S>) -> ControlFlow<()>) -> ControlFlow<()> {
        if self.menu_fn.is_some() {
            let menu = self.menu(state);
            for entry in menu.iter() {
                each(entry)?;
            }
        } else {
            for entry in &self.actions {
                each(entry)?;
            }
        }
        ControlFlow::Continue(())
    }
}

impl<S: State> TransitionSystem for Model<S> {
    type State = S;

    fn initial_states(&self) -> Vec<S> {
        self.init.clone()
    }

    fn successors<F>(&self, state: &S, mut emit: F) -> ControlFlow<()>
    where
        F: FnMut(ActionId, S) -> ControlFlow<()>,
    {
        self.each_action(state, |entry| fire(entry, state, &mut emit))
    }

    fn successors_reusing<F>(&self, state: &S, spare: &mut Spare<S>, mut emit: F) -> ControlFlow<()>
    where
        F: FnMut(ActionId, S) -> ControlFlow<()>,
    {
        // The loop written out (not through `each_action`): its closure was not inlined, which
        // cost the closure models 4% (`counters-closures-array 6`).
        if self.menu_fn.is_some() {
            let menu = self.menu(state);
            for entry in menu.iter() {
                fire_reusing(entry, state, spare, &mut emit)?;
            }
        } else {
            for entry in &self.actions {
                fire_reusing(entry, state, spare, &mut emit)?;
            }
        }
        ControlFlow::Continue(())
    }

    fn action_name(&self, action: ActionId) -> &str {
        self.names.name(action)
    }

    fn fair_actions(&self, fairness: Fairness) -> Vec<ActionId> {
        if self.menu_fn.is_some() {
            return Vec::new();
        }
        let mut out: Vec<ActionId> = Vec::new();
        for e in &self.actions {
            if e.action.fair == Some(fairness) && !out.contains(&e.id) {
                out.push(e.id);
            }
        }
        out
    }

    fn static_actions(&self) -> Option<Vec<ActionId>> {
        if self.menu_fn.is_some() {
            return None;
        }
        let mut out: Vec<ActionId> = Vec::new();
        for e in &self.actions {
            if !out.contains(&e.id) {
                out.push(e.id);
            }
        }
        Some(out)
    }

    fn begin_sweep(&self) {
        if let Some(cache) = &self.footprint {
            cache.clear();
        }
    }
}

impl<S: State> Properties<S> for Model<S> {
    fn invariant_count(&self) -> usize {
        self.invariants.len()
    }

    fn invariant_name(&self, index: usize) -> &str {
        self.invariants.get_index(index).map_or("", |(k, _)| &**k)
    }

    fn check_invariant(&self, index: usize, state: &S) -> Verdict {
        (self.invariants[index].check)(state)
    }

    fn edge_invariant_count(&self) -> usize {
        self.edge_invariants.len()
    }

    fn edge_invariant_name(&self, index: usize) -> &str {
        self.edge_invariants.get_index(index).map_or("", |(k, _)| &**k)
    }

    fn check_edge_invariant(&self, index: usize, before: &S, action: ActionId, after: &S) -> Verdict {
        (self.edge_invariants[index].check)(before, self.names.name(action), after)
    }

    fn is_terminal(&self, state: &S) -> bool {
        self.terminal.as_ref().is_some_and(|t| t(state))
    }
}

/// Whether the footprint memoisation of `model` is sound on a sample of states: states with
/// equal footprints must have menus with the same multiset of action names. False when the
/// model has no `actions_fn` or no footprint; true on an empty sample.
pub fn footprint_sound<S: State>(model: &Model<S>, states: impl IntoIterator<Item = S>) -> bool {
    let (Some(menu_fn), Some(cache)) = (&model.menu_fn, &model.footprint) else { return false };
    let states: Vec<S> = states.into_iter().collect();
    let mut seen: HashMap<usize, Vec<String>> = HashMap::new();
    for (s, group) in states.iter().zip(cache.groups(&states)) {
        let mut names: Vec<String> = menu_fn(s).iter().map(|a| a.name().to_owned()).collect();
        names.sort();
        match seen.get(&group) {
            Some(prev) if *prev != names => return false,
            Some(_) => {}
            None => {
                seen.insert(group, names);
            }
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two counters in a `Vec`: `a` edits in place, `b` makes a new state.
    fn mixed() -> Model<Vec<u8>> {
        Model::new(vec![0u8, 0]).action_in_place("a", |s| s[0] < 2, |s| s[0] += 1).action(
            "b",
            |s| s[1] < 2,
            |s| vec![s[0], s[1] + 1],
        )
    }

    #[test]
    fn in_place_successors_are_built_in_spare_states() {
        let m = mixed();
        let old = vec![9u8; 5];
        let buffer = old.as_ptr();
        let mut spare = Spare::new();
        spare.put(old);
        let mut seen = Vec::new();
        let _ = m.successors_reusing(&vec![1, 1], &mut spare, |a, y| {
            seen.push((m.action_name(a).to_owned(), y.as_ptr() == buffer, y));
            ControlFlow::Continue(())
        });
        // `a` took the spare state (its buffer reused), `b` made its own.
        assert_eq!(seen, [("a".into(), true, vec![2, 1]), ("b".into(), false, vec![1, 2])]);
        assert!(spare.is_empty());
        assert_eq!(spare.take_copies(), 1);
        // With no spare state, an in-place effect edits a clone.
        let mut again = Vec::new();
        let _ = m.successors_reusing(&vec![0, 2], &mut spare, |_, y| {
            again.push(y);
            ControlFlow::Continue(())
        });
        assert_eq!(again, [vec![1, 2]]);
    }

    #[test]
    fn both_ways_of_asking_give_the_same_successors() {
        let m = mixed();
        for s in [vec![0, 0], vec![1, 2], vec![2, 0], vec![2, 2]] {
            let mut given = Vec::new();
            let _ = m.successors(&s, |a, y| {
                given.push((a, y));
                ControlFlow::Continue(())
            });
            let mut reusing = Vec::new();
            let mut spare = Spare::new();
            spare.put(vec![7u8; 3]);
            spare.put(vec![]);
            let _ = m.successors_reusing(&s, &mut spare, |a, y| {
                reusing.push((a, y));
                ControlFlow::Continue(())
            });
            assert_eq!(given, reusing, "at {s:?}");
        }
    }

    #[test]
    fn effects_in_place_turns_every_effect_and_keeps_the_rest() {
        let m = mixed()
            .fair_action("c", Fairness::Weak, |s| s[0] == 2 && s[1] == 2, |_| vec![0, 0])
            .invariant("below three", |s| s.iter().all(|&x| x < 3))
            .terminal(|_| false);
        let turned = m.clone().effects_in_place();
        assert!(m.static_action_list().iter().any(|a| !a.is_in_place()));
        assert!(turned.static_action_list().iter().all(|a| a.is_in_place()));
        let names = |m: &Model<Vec<u8>>| {
            m.static_action_list().iter().map(|a| (a.name().to_owned(), a.fairness())).collect::<Vec<_>>()
        };
        assert_eq!(names(&turned), names(&m));
        assert_eq!(turned.fair_actions(Fairness::Weak), m.fair_actions(Fairness::Weak));
        assert_eq!(turned.invariant_count(), 1);
        for s in [vec![0, 0], vec![1, 2], vec![2, 2]] {
            let succ = |m: &Model<Vec<u8>>, reusing: bool| {
                let mut out = Vec::new();
                let mut spare = Spare::new();
                spare.put(vec![9u8; 4]);
                let emit = |a: ActionId, y: Vec<u8>| {
                    out.push((m.action_name(a).to_owned(), y));
                    ControlFlow::Continue(())
                };
                let _ =
                    if reusing { m.successors_reusing(&s, &mut spare, emit) } else { m.successors(&s, emit) };
                out
            };
            assert_eq!(succ(&turned, true), succ(&m, false), "at {s:?}");
            assert_eq!(succ(&turned, false), succ(&m, false), "at {s:?}");
        }
        // A per-state menu is turned too, action by action.
        let menu = Model::new(vec![0u8])
            .actions_fn(|_| vec![Action::new("inc", |s: &Vec<u8>| s[0] < 3, |s| vec![s[0] + 1])])
            .footprint(|s| s[0]);
        let turned = menu.clone().effects_in_place();
        assert!(turned.has_actions_fn() && turned.has_footprint());
        let offered = turned.menu_of(&vec![0]).expect("a menu");
        assert!(offered.iter().all(|a| a.is_in_place()) && offered[0].name() == "inc");
        assert!(menu.menu_of(&vec![0]).expect("a menu").iter().all(|a| !a.is_in_place()));
        assert_eq!(crate::check(&turned), crate::check(&menu));
        assert_eq!(crate::check(&turned).states_explored, 4);
    }

    #[test]
    fn a_break_stops_the_successors() {
        let m = mixed();
        let mut calls = 0;
        let flow = m.successors_reusing(&vec![0, 0], &mut Spare::new(), |_, _| {
            calls += 1;
            ControlFlow::Break(())
        });
        assert!(flow.is_break());
        assert_eq!(calls, 1);
    }
}
