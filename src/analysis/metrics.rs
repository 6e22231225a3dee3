//! How much of a model a check exercised: the explored graph's size and shape, which actions
//! fire, and which invariants anything could ever break.
//!
//! A green check says nothing was broken; it does not say the model could have broken
//! anything. Three readings of the explored graph ([`Graph`]) say more:
//! - [`metrics_of`]: states, transitions, branching, initial and terminal states;
//! - [`coverage_of`]: actions never enabled (dead), always enabled (their guard never
//!   guards), or that only ever loop back to the same state;
//! - [`invariant_coverage_of`]: invariants that are *load-bearing* (some reachable state breaks
//!   them, or some action, applied where its guard forbids it, would) and those that are
//!   *candidate-vacuous* (nothing ever threatens them: they hold by construction);
//! - [`portfolio_coverage`] and [`assert_covers`]: which transitions of a declared table (of
//!   one value read off the state) a set of explored graphs takes, with a floor and blind
//!   spots that may only shrink.
//!
//! Each has a form that explores first with the default limits ([`state_space_metrics`],
//! [`coverage`], [`invariant_coverage`]); to explore under other limits, pass
//! `Checker::new(&model).max_states(n).explore()` to the `_of` form. A truncated graph makes
//! every answer a lower bound, and the printed forms say so.
//!
//! ```
//! use musil::Model;
//! use musil::metrics::{coverage, invariant_coverage};
//!
//! let m = Model::new(0u8)
//!     .action("inc", |n| *n < 3, |n| n + 1)
//!     .action("thaw", |n| *n > 9, |_| 0)
//!     .invariant("at most 3", |n| *n <= 3)
//!     .invariant("not negative", |_| true);
//! let c = coverage(&m);
//! assert_eq!(c.dead_actions, ["thaw"]);
//! let v = invariant_coverage(&m);
//! assert_eq!(v.candidate_vacuous, ["not negative"]);
//! assert_eq!(v.threats["at most 3"], ["inc"]); // inc at 3, applied anyway, gives 4
//! ```

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::{self, Display};

use crate::graph::{Graph, explore};
use crate::model::Model;
use crate::system::State;

/// The size and shape of an explored graph ([`metrics_of`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Metrics {
    /// Explored states.
    pub reachable_states: usize,
    /// Edges, self-loops and parallel edges included.
    pub transitions: usize,
    /// Initial states as given, duplicates counted.
    pub initial_states: usize,
    /// States with no successor other than themselves (a state the cap left unexpanded
    /// counts, and so does one whose only successor is itself; `Model::terminal` plays no part).
    pub terminal_states: usize,
    /// The most distinct successors other than itself any state has (0 for no state).
    pub max_branching: usize,
    /// Distinct successors other than itself, averaged over the states (0.0 for no state).
    pub mean_branching: f64,
    /// The exploration stopped at a cap: every count is a lower bound.
    pub truncated: bool,
}

/// [`metrics_of`] the model explored with the default limits.
pub fn state_space_metrics<S: State>(model: &Model<S>) -> Metrics {
    metrics_of(&explore(model))
}

/// The size and shape of an explored graph.
///
/// ```
/// use musil::Model;
/// use musil::metrics::state_space_metrics;
///
/// let chain = Model::new(0u8).action("inc", |n| *n < 3, |n| n + 1).terminal(|n| *n == 3);
/// let m = state_space_metrics(&chain);
/// assert_eq!((m.reachable_states, m.transitions, m.terminal_states, m.max_branching), (4, 3, 1, 1));
/// assert_eq!(m.to_string().lines().nth(1), Some("  branching: mean 0.75, max 1 (distinct successors, self-loops excluded)"));
/// ```
pub fn metrics_of<S: State>(graph: &Graph<S>) -> Metrics {
    let mut transitions = 0;
    let (mut terminal, mut max, mut sum) = (0, 0, 0usize);
    let mut distinct = BTreeSet::new();
    for id in graph.ids() {
        let edges = graph.edges(id);
        transitions += edges.len();
        distinct.clear();
        distinct.extend(edges.iter().map(|&(_, to)| to).filter(|&to| to != id));
        let degree = distinct.len();
        if degree == 0 {
            terminal += 1;
        }
        max = max.max(degree);
        sum += degree;
    }
    let n = graph.len();
    Metrics {
        reachable_states: n,
        transitions,
        initial_states: graph.initial().len(),
        terminal_states: terminal,
        max_branching: max,
        mean_branching: if n == 0 { 0.0 } else { sum as f64 / n as f64 },
        truncated: graph.truncated(),
    }
}

/// How many explored states satisfy `predicate` (the model explored with the default limits).
///
/// ```
/// use musil::Model;
/// use musil::metrics::solution_cardinality;
///
/// let chain = Model::new(0u8).action("inc", |n| *n < 3, |n| n + 1);
/// assert_eq!(solution_cardinality(&chain, |n| *n >= 2), 2);
/// ```
pub fn solution_cardinality<S: State>(model: &Model<S>, predicate: impl Fn(&S) -> bool) -> usize {
    explore(model).states().filter(|s| predicate(s)).count()
}

impl Display for Metrics {
    /// Three lines: counts, branching, initial and terminal states.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cap = if self.truncated { " (TRUNCATED — counts are lower bounds)" } else { "" };
        writeln!(f, "{} states, {} transitions{cap}", self.reachable_states, self.transitions)?;
        writeln!(
            f,
            "  branching: mean {:.2}, max {} (distinct successors, self-loops excluded)",
            self.mean_branching, self.max_branching
        )?;
        write!(f, "  {} initial, {} terminal", self.initial_states, self.terminal_states)
    }
}

/// Which actions an explored graph shows firing ([`coverage_of`]). Action names (or the
/// buckets a key puts them in) keep the model's declaration order, or sorted order for a
/// model with a per-state menu. [`VerdictCache::coverage`](crate::cache::VerdictCache::coverage)
/// keeps reports across runs.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Coverage {
    /// Never enabled in any explored state.
    pub dead_actions: Vec<String>,
    /// Enabled in every explored state: the guard never guards.
    pub always_enabled_actions: Vec<String>,
    /// Fired, but only ever back to the same state.
    pub stutter_only_actions: Vec<String>,
    /// The actions (or buckets) considered.
    pub actions_total: usize,
    /// The exploration stopped at a cap: "dead" only means "not seen enabled yet".
    pub truncated: bool,
}

impl Coverage {
    /// No dead, always-enabled or stutter-only action. (A truncated graph can still be `ok`;
    /// [`Coverage::truncated`] says the answer is partial.)
    pub fn ok(&self) -> bool {
        self.dead_actions.is_empty()
            && self.always_enabled_actions.is_empty()
            && self.stutter_only_actions.is_empty()
    }
}

/// [`coverage_of`] the model explored with the default limits.
pub fn coverage<S: State>(model: &Model<S>) -> Coverage {
    coverage_of(&explore(model), model)
}

/// Which of the model's actions the graph shows firing, each counted under its own name.
///
/// Only the graph's edges are read (no guard is evaluated again), so the answer is right on a
/// symmetry-reduced graph too. The actions considered are the model's, in declaration order
/// (a name declared twice counts once); for a model with a per-state menu
/// (`Model::actions_fn`), every action the menu offers at any explored state, sorted, so an
/// action offered but never enabled is reported dead.
///
/// ```
/// use musil::Model;
/// use musil::metrics::coverage;
///
/// let light = Model::new(false)
///     .action("go", |red| *red, |_| false)
///     .action("stop", |red| !*red, |_| true)
///     .action("idle", |_| true, |s| *s);
/// let c = coverage(&light);
/// assert_eq!(c.always_enabled_actions, ["idle"]);
/// assert_eq!(c.stutter_only_actions, ["idle"]);
/// assert_eq!(c.to_string(), "COVERAGE — of 3 actions:\n  always enabled (the guard never guards): idle\n  only ever self-loops (fires, changes nothing): idle");
/// ```
pub fn coverage_of<S: State>(graph: &Graph<S>, model: &Model<S>) -> Coverage {
    coverage_keyed_of(graph, model, |name| name.to_string())
}

/// [`coverage_of`] with actions counted in buckets: `key` maps an action name to its bucket
/// (for example the text before a parameter, so that `inc{0}`, `inc{1}` count as one `inc`).
///
/// ```
/// use musil::{Action, Model};
/// use musil::metrics::{coverage_keyed_of, coverage_of};
/// use musil::graph::explore;
///
/// let m = Model::new(0u8).actions_fn(|n: &u8| {
///     (0..3u8).map(|k| Action::new(format!("noop{{{k}}}"), |_: &u8| true, |n: &u8| *n)).chain(
///     (0..2u8).map(|k| Action::new(format!("inc{{{k}}}"), move |n: &u8| *n < 2 && k == *n, |n: &u8| n + 1))).collect()
/// });
/// let g = explore(&m);
/// assert_eq!(coverage_of(&g, &m).actions_total, 5);
/// let by_kind = coverage_keyed_of(&g, &m, |name| name.split('{').next().unwrap_or(name).to_string());
/// assert_eq!(by_kind.actions_total, 2);
/// assert_eq!(by_kind.stutter_only_actions, ["noop"]);
/// ```
pub fn coverage_keyed_of<S: State>(
    graph: &Graph<S>,
    model: &Model<S>,
    key: impl Fn(&str) -> String,
) -> Coverage {
    let universe: Vec<String> = if model.has_actions_fn() {
        let mut offered = BTreeSet::new();
        for s in graph.states() {
            for a in model.menu_of(s).unwrap_or_default() {
                offered.insert(key(a.name()));
            }
        }
        offered.into_iter().collect()
    } else {
        let mut seen = BTreeSet::new();
        model.static_action_list().iter().map(|a| key(a.name())).filter(|b| seen.insert(b.clone())).collect()
    };
    let mut fired: BTreeSet<String> = BTreeSet::new();
    let mut moved: BTreeSet<String> = BTreeSet::new();
    let mut enabled_in: HashMap<String, usize> = HashMap::new();
    for id in graph.ids() {
        let mut here = BTreeSet::new();
        for &(action, to) in graph.edges(id) {
            let bucket = key(graph.action_name(action));
            if to != id {
                moved.insert(bucket.clone());
            }
            fired.insert(bucket.clone());
            here.insert(bucket);
        }
        for b in here {
            *enabled_in.entry(b).or_default() += 1;
        }
    }
    let n = graph.len();
    let pick =
        |keep: &dyn Fn(&String) -> bool| universe.iter().filter(|b| keep(b)).cloned().collect::<Vec<_>>();
    Coverage {
        dead_actions: pick(&|b| !fired.contains(b)),
        always_enabled_actions: pick(&|b| n > 0 && enabled_in.get(b) == Some(&n)),
        stutter_only_actions: pick(&|b| fired.contains(b) && !moved.contains(b)),
        actions_total: universe.len(),
        truncated: graph.truncated(),
    }
}

impl Display for Coverage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.truncated {
            write!(
                f,
                "COVERAGE INCONCLUSIVE (truncated at max_states — 'dead' only means not yet seen enabled)"
            )?;
        } else if self.ok() {
            return write!(f, "COVERAGE — all {} actions fire and move", self.actions_total);
        } else {
            write!(f, "COVERAGE — of {} actions:", self.actions_total)?;
        }
        for (label, names) in [
            ("never enabled (dead)", &self.dead_actions),
            ("always enabled (the guard never guards)", &self.always_enabled_actions),
            ("only ever self-loops (fires, changes nothing)", &self.stutter_only_actions),
        ] {
            if !names.is_empty() {
                write!(f, "\n  {label}: {}", names.join(", "))?;
            }
        }
        Ok(())
    }
}

/// The threat a reachable violation counts as in [`InvariantCoverage::threats`] (it sorts
/// before every action name).
pub const REACHABLE: &str = "<reachable>";

/// Which invariants anything could break ([`invariant_coverage_of`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvariantCoverage {
    /// Invariants something threatens, in declaration order.
    pub load_bearing: Vec<String>,
    /// Invariants nothing threatens (they hold by construction), in declaration order.
    pub candidate_vacuous: Vec<String>,
    /// For each load-bearing invariant, what threatens it, sorted: [`REACHABLE`] when a
    /// reachable state breaks it, and each action that, applied where its guard is false,
    /// gives a state that breaks it.
    pub threats: BTreeMap<String, Vec<String>>,
    /// The invariants considered.
    pub invariants_total: usize,
    /// The exploration stopped at a cap: "candidate-vacuous" only means "not threatened yet".
    pub truncated: bool,
}

impl InvariantCoverage {
    /// No candidate-vacuous invariant. (A truncated graph can still be `ok`.)
    pub fn ok(&self) -> bool {
        self.candidate_vacuous.is_empty()
    }
}

/// [`invariant_coverage_of`] the model explored with the default limits.
pub fn invariant_coverage<S: State>(model: &Model<S>) -> InvariantCoverage {
    invariant_coverage_of(&explore(model), model)
}

/// Which of the model's invariants are load-bearing and which are candidate-vacuous.
///
/// At each explored state, in order: each invariant it breaks is threatened by
/// [`REACHABLE`]; then each declared action whose guard is false there is applied anyway, and
/// each invariant the result breaks is threatened by that action. An effect that panics on
/// such a state is skipped there (effects often assume their guard). A model with only a
/// per-state menu has no declared actions, so only reachable violations count. Guards and
/// invariants are user code run directly: a panic in one propagates.
///
/// ```
/// use musil::Model;
/// use musil::metrics::invariant_coverage;
///
/// let m = Model::new(0i32)
///     .action("inc", |n| *n < 3, |n| n + 1)
///     .action("reset", |_| true, |_| 0)
///     .invariant("n_le_3", |n| *n <= 3)
///     .invariant("n_nonneg", |n| *n >= 0);
/// let v = invariant_coverage(&m);
/// assert_eq!(v.load_bearing, ["n_le_3"]);
/// assert_eq!(v.candidate_vacuous, ["n_nonneg"]);
/// assert!(v.to_string().ends_with("  n_le_3: guarded off by inc"));
/// ```
pub fn invariant_coverage_of<S: State>(graph: &Graph<S>, model: &Model<S>) -> InvariantCoverage {
    let invariants = model.invariant_list();
    let mut threats: Vec<BTreeSet<String>> = vec![BTreeSet::new(); invariants.len()];
    let actions = model.static_action_list();
    for s in graph.states() {
        for (i, inv) in invariants.iter().enumerate() {
            if !inv.eval(s).holds() {
                threats[i].insert(REACHABLE.to_string());
            }
        }
        for a in &actions {
            if a.is_enabled(s) {
                continue;
            }
            let Ok(t) = crate::fault::catch(|| a.apply(s)) else {
                continue;
            };
            for (i, inv) in invariants.iter().enumerate() {
                if !inv.eval(&t).holds() {
                    threats[i].insert(a.name().to_string());
                }
            }
        }
    }
    let mut out = InvariantCoverage {
        load_bearing: Vec::new(),
        candidate_vacuous: Vec::new(),
        threats: BTreeMap::new(),
        invariants_total: invariants.len(),
        truncated: graph.truncated(),
    };
    for (inv, found) in invariants.iter().zip(threats) {
        let name = inv.name().to_string();
        if found.is_empty() {
            out.candidate_vacuous.push(name);
        } else {
            out.load_bearing.push(name.clone());
            out.threats.insert(name, found.into_iter().collect());
        }
    }
    out
}

impl Display for InvariantCoverage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.truncated {
            write!(
                f,
                "INVARIANT COVERAGE INCONCLUSIVE (truncated — 'candidate-vacuous' only means not yet threatened)"
            )?;
        } else if self.ok() {
            write!(f, "INVARIANT COVERAGE — all {} invariants are load-bearing", self.invariants_total)?;
        } else {
            write!(f, "INVARIANT COVERAGE — of {} invariants:", self.invariants_total)?;
        }
        if !self.candidate_vacuous.is_empty() {
            write!(
                f,
                "\n  candidate-vacuous (nothing ever threatens them): {}",
                self.candidate_vacuous.join(", ")
            )?;
        }
        for name in &self.load_bearing {
            write!(f, "\n  {name}: guarded off by {}", self.threats[name].join(", "))?;
        }
        Ok(())
    }
}

/// Which declared transitions of one observed value a portfolio of explored graphs exercises
/// ([`portfolio_coverage`]). Edges and values are kept sorted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortfolioCoverage<V: Ord> {
    /// Declared transitions some graph takes.
    pub covered_edges: BTreeSet<(V, V)>,
    /// Declared transitions no graph takes.
    pub dead_edges: BTreeSet<(V, V)>,
    /// Transitions some graph takes that the table does not declare.
    pub undeclared_edges: BTreeSet<(V, V)>,
    /// Declared values some graph's state has.
    pub covered_values: BTreeSet<V>,
    /// Declared values no graph's state has.
    pub dead_values: BTreeSet<V>,
    /// Every declared transition.
    pub declared_edges: BTreeSet<(V, V)>,
}

impl<V: Ord> PortfolioCoverage<V> {
    /// Covered over declared transitions, exactly; 1 when nothing is declared. Its `Display`
    /// is Python's `Fraction` text: `1/2`, `0`, `1`.
    pub fn ratio(&self) -> num_rational::Ratio<u64> {
        if self.declared_edges.is_empty() {
            num_rational::Ratio::from_integer(1)
        } else {
            num_rational::Ratio::new(self.covered_edges.len() as u64, self.declared_edges.len() as u64)
        }
    }
}

/// Which transitions of a declared table (a value → the values it may move to) a portfolio
/// of explored graphs (`&[graph]`, or any iterator of `&Graph`) exercises, reading one value
/// off each state with `get`.
///
/// Every state's value counts as exercised; an edge `s → t` whose values differ counts as an
/// exercised transition (action names play no part). Declared values are the table's keys
/// and targets. To explore a model under other limits, pass its `Checker::explore()`.
///
/// ```
/// use musil::Model;
/// use musil::graph::explore;
/// use musil::metrics::portfolio_coverage;
///
/// let walk_ab = Model::new('a').action("ab", |c| *c == 'a', |_| 'b').action("ba", |c| *c == 'b', |_| 'a');
/// let table = [('a', vec!['b', 'c']), ('b', vec!['a']), ('c', vec!['a'])];
/// let p = portfolio_coverage(&[explore(&walk_ab)], |c| *c, table);
/// assert_eq!(p.ratio().to_string(), "1/2");
/// assert_eq!(p.dead_edges.into_iter().collect::<Vec<_>>(), [('a', 'c'), ('c', 'a')]);
/// ```
pub fn portfolio_coverage<'g, S: State, V: Ord + Clone>(
    portfolio: impl IntoIterator<Item = &'g Graph<S>>,
    get: impl Fn(&S) -> V,
    declared: impl IntoIterator<Item = (V, impl IntoIterator<Item = V>)>,
) -> PortfolioCoverage<V> {
    let mut declared_edges = BTreeSet::new();
    let mut declared_values = BTreeSet::new();
    for (from, tos) in declared {
        declared_values.insert(from.clone());
        for to in tos {
            declared_values.insert(to.clone());
            declared_edges.insert((from.clone(), to));
        }
    }
    let mut values = BTreeSet::new();
    let mut edges = BTreeSet::new();
    for graph in portfolio {
        for id in graph.ids() {
            let here = get(graph.state(id));
            for &(_, to) in graph.edges(id) {
                let there = get(graph.state(to));
                if there != here {
                    edges.insert((here.clone(), there.clone()));
                }
                values.insert(there);
            }
            values.insert(here);
        }
    }
    PortfolioCoverage {
        covered_edges: edges.intersection(&declared_edges).cloned().collect(),
        dead_edges: declared_edges.difference(&edges).cloned().collect(),
        undeclared_edges: edges.difference(&declared_edges).cloned().collect(),
        covered_values: values.intersection(&declared_values).cloned().collect(),
        dead_values: declared_values.difference(&values).cloned().collect(),
        declared_edges,
    }
}

/// What [`assert_covers`] demands of a portfolio: a declared table, a floor on the covered
/// ratio, the declared transitions known to be uncovered (blind spots), and a message.
#[derive(Clone, Debug)]
pub struct Covers<V> {
    declared: Vec<(V, Vec<V>)>,
    floor: f64,
    blind_spots: BTreeSet<(V, V)>,
    message: Option<String>,
}

impl<V: Ord + Clone> Covers<V> {
    /// The declared table (a value → the values it may move to); no floor, no blind spot.
    pub fn new(declared: impl IntoIterator<Item = (V, impl IntoIterator<Item = V>)>) -> Self {
        Covers {
            declared: declared.into_iter().map(|(k, v)| (k, v.into_iter().collect())).collect(),
            floor: 0.0,
            blind_spots: BTreeSet::new(),
            message: None,
        }
    }

    /// The least covered ratio accepted (0.0 by default).
    pub fn ratio(mut self, floor: f64) -> Self {
        self.floor = floor;
        self
    }

    /// Declared transitions acknowledged as uncovered. The set may only shrink: a blind spot
    /// that becomes covered fails the assertion until it is removed.
    pub fn blind_spots(mut self, edges: impl IntoIterator<Item = (V, V)>) -> Self {
        self.blind_spots = edges.into_iter().collect();
        self
    }

    /// A first line for the failure message.
    pub fn message(mut self, message: impl Into<String>) -> Self {
        self.message = Some(message.into());
        self
    }
}

/// Assert that a portfolio covers a declared table, as the original's `assert_covers`: the
/// first failing rule panics with its message (after the caller's, when given). In order:
/// no undeclared transition is taken; every uncovered declared transition is a blind spot;
/// every blind spot is still uncovered; the covered ratio is at least the floor. The report
/// on success.
///
/// ```
/// use musil::Model;
/// use musil::graph::explore;
/// use musil::metrics::{Covers, assert_covers};
///
/// let walk_ab = Model::new('a').action("ab", |c| *c == 'a', |_| 'b').action("ba", |c| *c == 'b', |_| 'a');
/// let table = [('a', vec!['b', 'c']), ('b', vec!['a']), ('c', vec!['a'])];
/// let rules = Covers::new(table).blind_spots([('a', 'c'), ('c', 'a')]);
/// assert_eq!(assert_covers(&[explore(&walk_ab)], |c| *c, &rules).covered_edges.len(), 2);
/// let missing = std::panic::catch_unwind(|| assert_covers(&[explore(&walk_ab)], |c| *c, &Covers::new([('a', vec!['c'])])));
/// assert!(missing.is_err());
/// ```
///
/// # Panics
/// When a rule fails; the message names the transitions, each as `a -> b`, sorted.
pub fn assert_covers<'g, S: State, V: Ord + Clone + Display>(
    portfolio: impl IntoIterator<Item = &'g Graph<S>>,
    get: impl Fn(&S) -> V,
    covers: &Covers<V>,
) -> PortfolioCoverage<V> {
    let report = portfolio_coverage(portfolio, get, covers.declared.iter().cloned());
    let list = |edges: &BTreeSet<(V, V)>| {
        edges.iter().map(|(a, b)| format!("{a} -> {b}")).collect::<Vec<_>>().join(", ")
    };
    let fail = |text: String| -> ! {
        match &covers.message {
            Some(m) => panic!("{m}\n{text}"),
            None => panic!("{text}"),
        }
    };
    if !report.undeclared_edges.is_empty() {
        fail(format!(
            "portfolio exercises transitions not in the declared table: {}",
            list(&report.undeclared_edges)
        ));
    }
    let newly: BTreeSet<(V, V)> = report.dead_edges.difference(&covers.blind_spots).cloned().collect();
    if !newly.is_empty() {
        fail(format!(
            "newly uncovered declared transitions (add coverage, or acknowledge in blind_spots): {}",
            list(&newly)
        ));
    }
    let stale: BTreeSet<(V, V)> = covers.blind_spots.difference(&report.dead_edges).cloned().collect();
    if !stale.is_empty() {
        fail(format!(
            "blind_spots lists transitions that are now covered — remove them (the set must shrink): {}",
            list(&stale)
        ));
    }
    let ratio = report.ratio();
    let value = *ratio.numer() as f64 / *ratio.denom() as f64;
    if value < covers.floor {
        let floor = if covers.floor.fract() == 0.0 {
            format!("{:.1}", covers.floor)
        } else {
            covers.floor.to_string()
        };
        fail(format!("coverage ratio {ratio} ({value:.3}) is below the floor {floor}"));
    }
    report
}
