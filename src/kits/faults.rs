//! Faults over the caller's state: node crashes (and revivals), network partitions (and the
//! heal), and two wrappers that bound how often an action may fire.
//!
//! The kit writes the fault actions; the caller owns the state they change, through a lens:
//! `get_up(state, node)`/`set_up(state, node, up)` for crashes, `get_reach`/`set_reach` for the
//! reachability relation a partition replaces. Every generated action is **unfair**: a liveness
//! proof must not lean on a fault being scheduled, so do not name fault actions in `fair` or
//! `fair_strong` either. [`once`] and [`budget`] keep the wrapped action's name and fairness.
//!
//! # Action names
//!
//! For each node in the order given: `{name}:crash:{node}` and, with `revive`, right after it
//! `{name}:revive:{node}` (so `fault:crash:0`, `fault:revive:0`, `fault:crash:1`, …). The node
//! is written as the original's `str()` writes it: see [`Repr::write_str`]. Partitions are
//! `{name}:partition:{i}` for the 0-based index of each split, then one `{name}:heal`. The
//! default `name` is `fault`.
//!
//! # Example
//!
//! ```
//! use std::collections::BTreeSet;
//! use musil::kits::faults::Crash;
//! use musil::{Model, check};
//!
//! // Three nodes, `up` the set of live ones; a majority must stay up.
//! let cluster = |budget| {
//!     let crashes = Crash::new(
//!         0..3u8,
//!         |s: &BTreeSet<u8>, n: &u8| s.contains(n),
//!         |s: &BTreeSet<u8>, n: &u8, up: bool| {
//!             let mut s = s.clone();
//!             if up { s.insert(*n); } else { s.remove(n); }
//!             s
//!         },
//!     )
//!     .budget(budget)
//!     .revive(true)
//!     .actions()
//!     .unwrap();
//!     Model::new(BTreeSet::from([0, 1, 2])).actions(crashes).invariant("quorum", |s| s.len() >= 2)
//! };
//! assert_eq!(check(&cluster(1)).to_string(), "OK — 4 states, no violations");
//! let two = check(&cluster(2));
//! assert_eq!(two.action_names(), ["fault:crash:0", "fault:crash:1"]);
//! ```

use std::collections::BTreeMap;
use std::sync::Arc;

use super::repr::Repr;
use crate::error::{Error, ErrorKind};
use crate::model::Action;
use crate::system::State;

type GetUp<S, N> = Arc<dyn Fn(&S, &N) -> bool + Send + Sync>;
type SetUp<S, N> = Arc<dyn Fn(&S, &N, bool) -> S + Send + Sync>;
type GetReach<S, R> = Arc<dyn Fn(&S) -> R + Send + Sync>;
type SetReach<S, R> = Arc<dyn Fn(&S, R) -> S + Send + Sync>;

/// Crash (and optionally revive) actions for a list of nodes (the original's `crash_actions`).
///
/// `{name}:crash:{node}` is enabled when the node is up and fewer than `budget` nodes of the
/// whole list are down, so the budget bounds *simultaneous* failures (without `revive` a crash
/// is permanent and it bounds the total too); no budget means unbounded, a budget of 0 disables
/// every crash. `{name}:revive:{node}` is enabled when the node is down. `set_up` followed by
/// `get_up` must round-trip.
#[must_use = "crashes add nothing until `.actions()` is passed to the model"]
pub struct Crash<S, N> {
    nodes: Vec<N>,
    get_up: GetUp<S, N>,
    set_up: SetUp<S, N>,
    budget: Option<usize>,
    revive: bool,
    name: String,
}

impl<S, N> std::fmt::Debug for Crash<S, N> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Crash")
            .field("name", &self.name)
            .field("nodes", &self.nodes.len())
            .field("budget", &self.budget)
            .field("revive", &self.revive)
            .finish_non_exhaustive()
    }
}

impl<S: State, N: Repr + Clone + Send + Sync + 'static> Crash<S, N> {
    /// Crashes of `nodes`, unbounded, without revival, named `fault:…`.
    ///
    /// # Examples
    ///
    /// ```
    /// use musil::kits::faults::Crash;
    /// use musil::{Model, explore};
    /// use std::collections::BTreeSet;
    ///
    /// // The set of live nodes; with no budget and no revival any subset may be left.
    /// let crashes = Crash::new(
    ///     ["a", "b"],
    ///     |s: &BTreeSet<&str>, n: &&str| s.contains(n),
    ///     |s: &BTreeSet<&str>, n: &&str, up: bool| {
    ///         let mut s = s.clone();
    ///         if up {
    ///             s.insert(*n);
    ///         } else {
    ///             s.remove(n);
    ///         }
    ///         s
    ///     },
    /// );
    /// let m = Model::new(BTreeSet::from(["a", "b"])).actions(crashes.actions().unwrap());
    /// assert_eq!(explore(&m).len(), 4);
    /// ```
    pub fn new(
        nodes: impl IntoIterator<Item = N>,
        get_up: impl Fn(&S, &N) -> bool + Send + Sync + 'static,
        set_up: impl Fn(&S, &N, bool) -> S + Send + Sync + 'static,
    ) -> Self {
        Crash {
            nodes: nodes.into_iter().collect(),
            get_up: Arc::new(get_up),
            set_up: Arc::new(set_up),
            budget: None,
            revive: false,
            name: "fault".to_owned(),
        }
    }

    /// At most `budget` nodes down at once.
    ///
    /// # Examples
    ///
    /// ```
    /// use musil::kits::faults::Crash;
    /// use musil::{Model, explore};
    ///
    /// // Liveness flags of three nodes; at most one down, none ever revived.
    /// let crash = |budget| {
    ///     Crash::new(
    ///         0..3usize,
    ///         |s: &[bool; 3], n: &usize| s[*n],
    ///         |s: &[bool; 3], n: &usize, up: bool| {
    ///             let mut s = *s;
    ///             s[*n] = up;
    ///             s
    ///         },
    ///     )
    ///     .budget(budget)
    ///     .actions()
    ///     .unwrap()
    /// };
    /// assert_eq!(explore(&Model::new([true; 3]).actions(crash(1))).len(), 4);
    /// assert_eq!(explore(&Model::new([true; 3]).actions(crash(0))).len(), 1);
    /// ```
    pub fn budget(mut self, budget: usize) -> Self {
        self.budget = Some(budget);
        self
    }

    /// Whether a down node may come back: adds `{name}:revive:{node}` after each crash action.
    ///
    /// # Examples
    ///
    /// ```
    /// use musil::kits::faults::Crash;
    ///
    /// let acts = Crash::new([7u8], |s: &bool, _: &u8| *s, |_: &bool, _: &u8, up| up)
    ///     .revive(true)
    ///     .actions()
    ///     .unwrap();
    /// let names: Vec<&str> = acts.iter().map(|a| a.name()).collect();
    /// assert_eq!(names, ["fault:crash:7", "fault:revive:7"]);
    /// // Revival is enabled only while the node is down, and brings it up.
    /// assert!(!acts[1].is_enabled(&true));
    /// assert!(acts[1].apply(&false));
    /// ```
    pub fn revive(mut self, revive: bool) -> Self {
        self.revive = revive;
        self
    }

    /// The prefix of the action names (default `fault`).
    ///
    /// # Examples
    ///
    /// ```
    /// use musil::kits::faults::Crash;
    ///
    /// let acts = Crash::new([("x", 1)], |s: &bool, _: &(&str, i32)| *s, |_: &bool, _: &(&str, i32), up| up)
    ///     .name("nf")
    ///     .actions()
    ///     .unwrap();
    /// assert_eq!(acts[0].name(), "nf:crash:('x', 1)");
    /// ```
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// The actions, per node in order: crash, then revive when asked; all unfair.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidInput`] when two nodes are written the same (their actions would
    /// share a name).
    ///
    /// # Examples
    ///
    /// ```
    /// use musil::ErrorKind;
    /// use musil::kits::faults::Crash;
    ///
    /// let crash =
    ///     |nodes: Vec<u8>| Crash::new(nodes, |s: &bool, _: &u8| *s, |_: &bool, _: &u8, up| up).actions();
    /// let acts = crash(vec![0, 1]).unwrap();
    /// assert!(acts[0].is_enabled(&true) && !acts[0].is_enabled(&false));
    /// assert!(!acts[0].apply(&true)); // the node goes down
    /// assert!(acts.iter().all(|a| a.fairness().is_none()));
    /// assert_eq!(crash(vec![1, 1]).unwrap_err().kind(), ErrorKind::InvalidInput);
    /// ```
    pub fn actions(self) -> Result<Vec<Action<S>>, Error> {
        let mut seen = BTreeMap::new();
        for (i, n) in self.nodes.iter().enumerate() {
            if let Some(j) = seen.insert(n.str_text(), i) {
                return Err(Error::new(
                    ErrorKind::InvalidInput,
                    format!(
                        "crash '{}': nodes #{} and #{} are both {}; each node needs its own action name",
                        self.name,
                        j + 1,
                        i + 1,
                        n.str_text()
                    ),
                ));
            }
        }
        let nodes = Arc::new(self.nodes);
        let mut actions = Vec::new();
        for node in nodes.iter() {
            let text = node.str_text();
            let (get_up, all, budget) = (self.get_up.clone(), nodes.clone(), self.budget);
            let (set_up, n1, n2) = (self.set_up.clone(), node.clone(), node.clone());
            actions.push(Action::new(
                format!("{}:crash:{text}", self.name),
                move |s| {
                    get_up(s, &n1) && budget.is_none_or(|b| all.iter().filter(|n| !get_up(s, n)).count() < b)
                },
                move |s| set_up(s, &n2, false),
            ));
            if self.revive {
                let (get_up, set_up, n1, n2) =
                    (self.get_up.clone(), self.set_up.clone(), node.clone(), node.clone());
                actions.push(Action::new(
                    format!("{}:revive:{text}", self.name),
                    move |s| !get_up(s, &n1),
                    move |s| set_up(s, &n2, true),
                ));
            }
        }
        Ok(actions)
    }
}

/// Partition actions (the original's `partition_actions`): each split replaces the healed
/// reachability, one at a time, and a heal restores it.
///
/// `{name}:partition:{i}` is enabled only when the network is healed (`get_reach(s) == healed`:
/// partitions never stack) and sets the `i`th split; `{name}:heal` is enabled when it is not and
/// sets `healed`. With no split there is no action at all, heal included. All unfair.
///
/// # Examples
///
/// ```
/// use musil::kits::faults::Partitions;
/// let acts = Partitions::new(["a|b", "ab|"], |s: &&str| *s, |_: &&str, r| r, "ab").actions();
/// let names: Vec<&str> = acts.iter().map(|a| a.name()).collect();
/// assert_eq!(names, ["fault:partition:0", "fault:partition:1", "fault:heal"]);
/// assert!(acts[0].is_enabled(&"ab") && !acts[0].is_enabled(&"a|b"));
/// ```
#[must_use = "partitions add nothing until `.actions()` is passed to the model"]
pub struct Partitions<S, R> {
    splits: Vec<R>,
    get_reach: GetReach<S, R>,
    set_reach: SetReach<S, R>,
    healed: R,
    name: String,
}

impl<S, R> std::fmt::Debug for Partitions<S, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Partitions")
            .field("name", &self.name)
            .field("splits", &self.splits.len())
            .finish_non_exhaustive()
    }
}

impl<S: State, R: PartialEq + Clone + Send + Sync + 'static> Partitions<S, R> {
    /// Partitions into each of `splits`, healing back to `healed`, named `fault:…`.
    ///
    /// # Examples
    ///
    /// ```
    /// use musil::kits::faults::Partitions;
    /// use musil::{Model, explore};
    ///
    /// // Reachability as a string; "abc" is the healed network.
    /// let parts = Partitions::new(["a|bc", "ab|c"], |s: &&str| *s, |_: &&str, r| r, "abc");
    /// let m = Model::new("abc").actions(parts.actions());
    /// let seen: Vec<&str> = explore(&m).states().copied().collect();
    /// assert_eq!(seen, ["abc", "a|bc", "ab|c"]); // never two splits at once
    /// ```
    pub fn new(
        splits: impl IntoIterator<Item = R>,
        get_reach: impl Fn(&S) -> R + Send + Sync + 'static,
        set_reach: impl Fn(&S, R) -> S + Send + Sync + 'static,
        healed: R,
    ) -> Self {
        Partitions {
            splits: splits.into_iter().collect(),
            get_reach: Arc::new(get_reach),
            set_reach: Arc::new(set_reach),
            healed,
            name: "fault".to_owned(),
        }
    }

    /// The prefix of the action names (default `fault`).
    ///
    /// # Examples
    ///
    /// ```
    /// use musil::kits::faults::Partitions;
    ///
    /// let acts = Partitions::new([1u8], |s: &u8| *s, |_: &u8, r| r, 0).name("net").actions();
    /// let names: Vec<&str> = acts.iter().map(|a| a.name()).collect();
    /// assert_eq!(names, ["net:partition:0", "net:heal"]);
    /// ```
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// One partition action per split in order, then the heal (none at all without splits).
    ///
    /// # Examples
    ///
    /// ```
    /// use musil::kits::faults::Partitions;
    ///
    /// let acts = Partitions::new([1u8, 2], |s: &u8| *s, |_: &u8, r| r, 0).actions();
    /// // Partitions never stack; the heal restores the healed value.
    /// assert_eq!(acts[1].apply(&0), 2);
    /// assert!(!acts[0].is_enabled(&2));
    /// assert!(acts[2].is_enabled(&2) && !acts[2].is_enabled(&0));
    /// assert_eq!(acts[2].apply(&2), 0);
    /// assert!(Partitions::new(Vec::<u8>::new(), |s: &u8| *s, |_: &u8, r| r, 0).actions().is_empty());
    /// ```
    pub fn actions(self) -> Vec<Action<S>> {
        let mut actions = Vec::new();
        for (i, split) in self.splits.iter().enumerate() {
            let (get, set, healed, split) =
                (self.get_reach.clone(), self.set_reach.clone(), self.healed.clone(), split.clone());
            actions.push(Action::new(
                format!("{}:partition:{i}", self.name),
                move |s| get(s) == healed,
                move |s| set(s, split.clone()),
            ));
        }
        if !self.splits.is_empty() {
            let (get, set, h1, h2) = (self.get_reach, self.set_reach, self.healed.clone(), self.healed);
            actions.push(Action::new(
                format!("{}:heal", self.name),
                move |s| get(s) != h1,
                move |s| set(s, h2.clone()),
            ));
        }
        actions
    }
}

/// `action`, able to fire only once: the same name and fairness, enabled when `fired` is false
/// and the inner guard holds (the guard is not consulted once fired), and its effect followed
/// by `mark`, which must make `fired` true. An [in-place](Action::in_place) `action` stays in
/// place.
///
/// # Examples
///
/// ```
/// use musil::kits::faults::once;
/// use musil::{Action, Fairness};
/// let glitch = Action::new("glitch", |_: &(u8, bool)| true, |s| (s.0 + 1, s.1)).fair(Fairness::Weak);
/// let one = once(glitch, |s| s.1, |s| (s.0, true));
/// assert_eq!((one.name(), one.fairness()), ("glitch", Some(Fairness::Weak)));
/// assert_eq!(one.apply(&(0, false)), (1, true));
/// assert!(!one.is_enabled(&(1, true)));
/// ```
pub fn once<S: 'static>(
    action: Action<S>,
    fired: impl Fn(&S) -> bool + Send + Sync + 'static,
    mark: impl Fn(&S) -> S + Send + Sync + 'static,
) -> Action<S> {
    let guard = action.guard;
    Action {
        name: action.name,
        guard: Arc::new(move |s| !fired(s) && guard(s)),
        effect: action.effect.then(mark),
        fair: action.fair,
    }
}

/// `action`, able to fire at most `n` times: the same name and fairness, enabled when
/// `count(s) < n` and the inner guard holds (the guard is not consulted once spent), and its
/// effect followed by `tick`, which must raise `count` by one. Wrapping several actions with the
/// same `count` and `tick` gives them one shared pool. (The original refuses a negative `n`;
/// here `n` is unsigned.) An [in-place](Action::in_place) `action` stays in place.
///
/// # Examples
///
/// ```
/// use musil::kits::faults::budget;
/// use musil::{Action, Model, explore};
/// // (n, spent): `inc` fires at most three times.
/// let inc = Action::new("inc", |_: &(u8, usize)| true, |s| (s.0 + 1, s.1));
/// let m = Model::new((0u8, 0usize)).add_action(budget(inc, 3, |s| s.1, |s| (s.0, s.1 + 1)));
/// assert_eq!(explore(&m).len(), 4);
/// ```
pub fn budget<S: 'static>(
    action: Action<S>,
    n: usize,
    count: impl Fn(&S) -> usize + Send + Sync + 'static,
    tick: impl Fn(&S) -> S + Send + Sync + 'static,
) -> Action<S> {
    let guard = action.guard;
    Action {
        name: action.name,
        guard: Arc::new(move |s| count(s) < n && guard(s)),
        effect: action.effect.then(tick),
        fair: action.fair,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::system::Fairness;
    use crate::{Kind, Model, check, explore};

    type Up = BTreeSet<u8>;

    fn get_up(s: &Up, n: &u8) -> bool {
        s.contains(n)
    }

    fn set_up(s: &Up, n: &u8, up: bool) -> Up {
        let mut s = s.clone();
        if up {
            s.insert(*n);
        } else {
            s.remove(n);
        }
        s
    }

    fn mesh(budget: usize) -> Model<Up> {
        let crashes = Crash::new(0..3, get_up, set_up).budget(budget).revive(true).actions().unwrap();
        Model::new(Up::from([0, 1, 2])).actions(crashes).invariant("quorum", |s| s.len() >= 2)
    }

    fn names(acts: &[Action<Up>]) -> Vec<&str> {
        acts.iter().map(|a| a.name()).collect()
    }

    #[test]
    fn crash_names_interleave_per_node_and_are_unfair() {
        let acts = Crash::new(0..2, get_up, set_up).revive(true).actions().unwrap();
        assert_eq!(names(&acts), ["fault:crash:0", "fault:revive:0", "fault:crash:1", "fault:revive:1"]);
        assert!(acts.iter().all(|a| a.fairness().is_none()));
        let acts = Crash::new(0..2, get_up, set_up).name("nf").actions().unwrap();
        assert_eq!(names(&acts), ["nf:crash:0", "nf:crash:1"]);
        let tuple = Crash::new([("x", 1)], |_: &u8, _: &(&str, i32)| true, |s: &u8, _: &(&str, i32), _| *s)
            .name("nf")
            .actions()
            .unwrap();
        assert_eq!(tuple[0].name(), "nf:crash:('x', 1)");
        let text = Crash::new(["a"], |_: &u8, _: &&str| true, |s: &u8, _: &&str, _| *s).actions().unwrap();
        assert_eq!(text[0].name(), "fault:crash:a");
    }

    #[test]
    fn budget_bounds_simultaneous_crashes() {
        assert_eq!(check(&mesh(1)).to_string(), "OK — 4 states, no violations");
        assert_eq!(explore(&mesh(1)).len(), 4);
        let two = check(&mesh(2));
        assert_eq!(two.kind, Some(Kind::Invariant));
        assert_eq!(two.invariant.as_deref(), Some("quorum"));
        assert_eq!(two.action_names(), ["fault:crash:0", "fault:crash:1"]);
        assert_eq!(two.states_explored, 7);
        assert_eq!(explore(&mesh(0)).len(), 1);
    }

    #[test]
    fn duplicate_nodes_are_refused() {
        let err = Crash::new([1u8, 1], get_up, set_up).actions().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        assert!(err.message().contains("#1 and #2"), "{}", err.message());
    }

    // Reachability as a partition into groups; the healed network is one group.
    type Groups = Vec<Vec<u8>>;

    fn partitioned(splits: Vec<Groups>) -> Model<Groups> {
        let healed: Groups = vec![vec![0, 1, 2]];
        let acts =
            Partitions::new(splits, |s: &Groups| s.clone(), |_: &Groups, r| r, healed.clone()).actions();
        Model::new(healed).actions(acts).invariant("quorum-side", |s| s.iter().any(|g| g.len() >= 2))
    }

    #[test]
    fn partitions_never_stack_and_heal() {
        let ok = partitioned(vec![vec![vec![0], vec![1, 2]]]);
        assert_eq!(check(&ok).to_string(), "OK — 2 states, no violations");
        let names: Vec<&str> = ok.static_action_list().iter().map(|a| a.name()).collect();
        assert_eq!(names, ["fault:partition:0", "fault:heal"]);
        let bad = check(&partitioned(vec![vec![vec![0], vec![1], vec![2]]]));
        assert_eq!(bad.invariant.as_deref(), Some("quorum-side"));
        assert_eq!(bad.action_names(), ["fault:partition:0"]);
        assert_eq!(bad.states_explored, 2);
        let none = Partitions::new(Vec::<u8>::new(), |s: &u8| *s, |_: &u8, r| r, 0).actions();
        assert!(none.is_empty());
    }

    #[test]
    fn once_fires_once_and_skips_the_guard_afterwards() {
        // (n, latch)
        let inc = Action::new("inc", |_: &(u8, bool)| true, |s| (s.0 + 1, s.1));
        let m = Model::new((0u8, false)).add_action(once(inc, |s| s.1, |s| (s.0, true))).terminal(|_| true);
        let g = explore(&m);
        assert!(g.states().all(|s| s.0 <= 1));
        assert!(g.states().any(|s| *s == (1, true)));
        assert_eq!(check(&m).to_string(), "OK — 2 states, no violations");
        let panicky = Action::new("p", |_: &(u8, bool)| panic!("guard consulted"), |s| *s);
        assert!(!once(panicky, |s| s.1, |s| *s).is_enabled(&(0, true)));
        let glitch =
            once(Action::new("glitch", |_: &(u8, bool)| true, |s| *s).fair(Fairness::Weak), |s| s.1, |s| *s);
        assert_eq!((glitch.name(), glitch.fairness()), ("glitch", Some(Fairness::Weak)));
    }

    // (n, spent) and (a, b, spent).
    #[test]
    fn budget_caps_firings_and_pools_when_shared() {
        let inc = || Action::new("inc", |_: &(u8, usize)| true, |s| (s.0 + 1, s.1));
        let capped = |n| Model::new((0u8, 0usize)).add_action(budget(inc(), n, |s| s.1, |s| (s.0, s.1 + 1)));
        let g = explore(&capped(3));
        let ns: BTreeSet<u8> = g.states().map(|s| s.0).collect();
        assert_eq!(ns, BTreeSet::from([0, 1, 2, 3]));
        assert!(g.states().all(|s| usize::from(s.0) == s.1));
        assert_eq!(check(&capped(3).terminal(|_| true)).to_string(), "OK — 4 states, no violations");
        assert_eq!(explore(&capped(0)).len(), 1);
        let panicky = Action::new("p", |_: &(u8, usize)| panic!("guard consulted"), |s| *s);
        assert!(!budget(panicky, 1, |s| s.1, |s| *s).is_enabled(&(0, 1)));

        let count = |s: &(u8, u8, usize)| s.2;
        let tick = |s: &(u8, u8, usize)| (s.0, s.1, s.2 + 1);
        let a = budget(Action::new("a", |_| true, |s: &(u8, u8, usize)| (s.0 + 1, s.1, s.2)), 2, count, tick);
        let b = budget(Action::new("b", |_| true, |s: &(u8, u8, usize)| (s.0, s.1 + 1, s.2)), 2, count, tick);
        let pool = Model::new((0u8, 0u8, 0usize)).actions([a, b]);
        let g = explore(&pool);
        assert_eq!(g.len(), 6);
        assert!(g.states().all(|s| usize::from(s.0 + s.1) == s.2 && s.2 <= 2));
        assert!(g.states().any(|s| s.0 == 2) && g.states().any(|s| s.0 == 1 && s.1 == 1));
    }
}
