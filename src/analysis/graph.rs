//! The explored state graph ([`Graph`], from [`explore`]) and the queries over it.
//!
//! A graph holds every reachable state once, in discovery order, and for each expanded state
//! its out-edges in action order (self-loops, edges to known states and duplicate edges
//! included). Queries read it without exploring again: [`reaches`], [`path_to`], [`witness`],
//! [`states_where`], [`check_of`], [`fixed_points_of`].
//!
//! ```
//! use musil::{explore, path_to, reaches, Model};
//! let m = Model::new(0u8).action("inc", |n| *n < 3, |n| n + 1);
//! let g = explore(&m);
//! assert_eq!(g.len(), 4);
//! let p = path_to(&g, &2).unwrap();
//! assert_eq!(p.iter().map(|s| s.state).collect::<Vec<_>>(), [0, 1, 2]);
//! assert_eq!(reaches(&g, |n| *n == 3).len(), 4);
//! ```

use std::collections::VecDeque;
use std::fmt::{self, Debug, Display};
use std::ops::ControlFlow;

use indexmap::IndexMap;

use crate::check::Checker;
use crate::engine::trace::trace_to;
use crate::engine::{self, At, Config, End, Observer, Problem, StateId, Store, Sweep};
use crate::fault::Fault;
use crate::properties::{NoProperties, Properties, Verdict};
use crate::result::{CheckResult, Step};
use crate::system::{ActionId, State, System, TransitionSystem};

/// User code panicked while the graph was being explored: what panicked and the trace to the
/// state being expanded. The graph holds what was explored before and is marked truncated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GraphFault<S> {
    /// What panicked.
    pub fault: Fault,
    /// The path to the state being processed (empty when it happened while seeding).
    pub trace: Vec<Step<S>>,
}

/// The explored state graph.
pub struct Graph<S> {
    store: Store<S>,
    initial: Vec<StateId>,
    edge_start: Vec<usize>,
    edges: Vec<(ActionId, StateId)>,
    action_names: Vec<String>,
    /// States `[0, expanded)` were expanded; the others (left by the cap or a panic) were not.
    expanded: usize,
    truncated: bool,
    fault: Option<GraphFault<S>>,
}

impl<S: State> Debug for Graph<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Graph")
            .field("states", &self.store.len())
            .field("edges", &self.edges.len())
            .field("truncated", &self.truncated)
            .finish_non_exhaustive()
    }
}

impl<S: State> Graph<S> {
    /// Number of states.
    pub fn len(&self) -> usize {
        self.store.len()
    }

    /// True when the graph has no state.
    pub fn is_empty(&self) -> bool {
        self.store.is_empty()
    }

    /// The initial states (canonicalised) in the given order, duplicates kept.
    pub fn initial(&self) -> &[StateId] {
        &self.initial
    }

    /// The state with this id.
    pub fn state(&self, id: StateId) -> &S {
        self.store.get(id)
    }

    /// Every state in discovery order.
    pub fn states(&self) -> impl Iterator<Item = &S> {
        self.store.iter()
    }

    /// Every state id in discovery order.
    pub fn ids(&self) -> impl Iterator<Item = StateId> + use<S> {
        (0..self.store.len() as u32).map(StateId::new)
    }

    /// The id of a state, if it was explored.
    pub fn id_of(&self, state: &S) -> Option<StateId> {
        self.store.find(state)
    }

    /// The out-edges of a state, `(action, target)` in action order. Empty for a dead end and
    /// for a state left unexpanded by the cap.
    pub fn edges(&self, id: StateId) -> &[(ActionId, StateId)] {
        &self.edges[self.edge_start[id.index()]..self.edge_start[id.index() + 1]]
    }

    /// Number of action ids that have a name here (ids run from 0).
    pub fn action_count(&self) -> usize {
        self.action_names.len()
    }

    /// Total number of edges.
    pub fn edge_count(&self) -> usize {
        self.edges.len()
    }

    /// The name of an action.
    pub fn action_name(&self, action: ActionId) -> &str {
        &self.action_names[action.index()]
    }

    /// Whether the state's successors were computed. False only in a truncated graph, for
    /// the states the cap or a panic left: they have no edges, but are not dead ends.
    pub fn is_expanded(&self, id: StateId) -> bool {
        id.index() < self.expanded
    }

    /// True when the cap (or a panic in user code) stopped the exploration early: unexpanded
    /// states then look like dead ends (see [`Graph::is_expanded`]).
    pub fn truncated(&self) -> bool {
        self.truncated
    }

    /// The panic that stopped the exploration, if one did.
    pub fn fault(&self) -> Option<&GraphFault<S>> {
        self.fault.as_ref()
    }

    /// Breadth-first from the initial states (deduplicated) following edges in order; the
    /// first state satisfying `goal` when dequeued, with its path.
    pub(crate) fn bfs_to(&self, goal: impl Fn(StateId) -> bool) -> Option<Vec<Step<S>>> {
        let (path, source) = shortest_path(self, self.initial.iter().copied(), goal, None)?;
        let mut steps = vec![Step::new("<init>", self.state(source).clone())];
        steps.extend(path.into_iter().map(|(a, y)| Step::new(self.action_name(a), self.state(y).clone())));
        Some(steps)
    }
}

/// A breadth-first search tree over an explored graph: the states in the order the search
/// reached them, and the edge each was first reached by. [`shortest_path`] and the liveness
/// stems read their paths from one.
pub(crate) struct Tree {
    /// Per state: the predecessor's index and the action, `ROOT` for a source, `UNSEEN` when
    /// not reached.
    parent: Vec<(u32, ActionId)>,
    order: Vec<StateId>,
}

const ROOT: u32 = u32::MAX;
const UNSEEN: u32 = u32::MAX - 1;

impl Tree {
    /// The states reached, in breadth-first order (sources first, in the order given).
    pub(crate) fn order(&self) -> &[StateId] {
        &self.order
    }

    /// The path to `to`, a reached state: its steps after the source, as `(action, state)` in
    /// order, and the source it starts from.
    pub(crate) fn path(&self, to: StateId) -> (Vec<(ActionId, StateId)>, StateId) {
        debug_assert_ne!(self.parent[to.index()].0, UNSEEN, "path to a state the search did not reach");
        let mut path = Vec::new();
        let mut cur = to;
        while self.parent[cur.index()].0 != ROOT {
            let (prev, action) = self.parent[cur.index()];
            path.push((action, cur));
            cur = StateId::new(prev);
        }
        path.reverse();
        (path, cur)
    }
}

/// The one breadth-first search over an explored graph.
///
/// # Arguments
/// - `sources`: where paths may start (duplicates ignored; the first listed is dequeued first);
/// - `allowed`: when given, the search stays inside the states marked `true` (sources excepted);
/// - `stop`: tested on each state when it is dequeued, the sources included; the search ends
///   at the first state it accepts.
///
/// # Returns
/// The search tree and the state `stop` accepted, if any. Edges are followed in order, so each
/// path in the tree is a shortest one, and among those the first the search meets.
///
/// # Complexity
/// O(states + edges) time, one parent link per state.
pub(crate) fn breadth_first<S: State>(
    graph: &Graph<S>,
    sources: impl IntoIterator<Item = StateId>,
    allowed: Option<&[bool]>,
    mut stop: impl FnMut(StateId) -> bool,
) -> (Tree, Option<StateId>) {
    let mut tree = Tree { parent: vec![(UNSEEN, ActionId::new(0)); graph.len()], order: Vec::new() };
    for s in sources {
        if tree.parent[s.index()].0 == UNSEEN {
            tree.parent[s.index()].0 = ROOT;
            tree.order.push(s);
        }
    }
    let mut head = 0;
    while head < tree.order.len() {
        let u = tree.order[head];
        head += 1;
        if stop(u) {
            tree.order.truncate(head);
            return (tree, Some(u));
        }
        let out = &graph.edges[graph.edge_start[u.index()]..graph.edge_start[u.index() + 1]];
        for &(action, v) in out {
            if tree.parent[v.index()].0 == UNSEEN && allowed.is_none_or(|a| a[v.index()]) {
                tree.parent[v.index()] = (u.index() as u32, action);
                tree.order.push(v);
            }
        }
    }
    (tree, None)
}

/// The shortest path from `sources` to a state satisfying `goal` ([`breadth_first`] stopped
/// at the first goal state), as `(steps after the source, source)`; `None` when no goal state
/// is reachable inside `allowed`.
pub(crate) fn shortest_path<S: State>(
    graph: &Graph<S>,
    sources: impl IntoIterator<Item = StateId>,
    goal: impl Fn(StateId) -> bool,
    allowed: Option<&[bool]>,
) -> Option<(Vec<(ActionId, StateId)>, StateId)> {
    let (tree, found) = breadth_first(graph, sources, allowed, goal);
    found.map(|s| tree.path(s))
}

/// `explore`: record every edge.
#[derive(Default)]
struct RecordEdges {
    edge_start: Vec<usize>,
    edges: Vec<(ActionId, StateId)>,
}

impl<T: TransitionSystem> Observer<T> for RecordEdges {
    fn wants_edges(&self) -> bool {
        true
    }

    fn edge(&mut self, from: StateId, action: ActionId, to: StateId) {
        while self.edge_start.len() <= from.index() {
            self.edge_start.push(self.edges.len());
        }
        self.edges.push((action, to));
    }

    fn problem(&mut self, _at: &At<'_, T>, _problem: Problem<T::State>) -> ControlFlow<()> {
        ControlFlow::Continue(())
    }
}

pub(crate) fn build_graph<T: TransitionSystem>(
    sys: &T,
    starts: Option<Vec<T::State>>,
    options: &Config<T::State>,
) -> Graph<T::State> {
    let mut observer = RecordEdges::default();
    // A graph keeps every state: fingerprints are for check and check_all only.
    let exact;
    let options = if options.fingerprint {
        exact = Config { fingerprint: false, ..options.clone() };
        &exact
    } else {
        options
    };
    let sweep: Sweep<T::State> = engine::sweep_from(sys, &NoProperties, starts, options, &mut observer);
    let n = sweep.store.len();
    let RecordEdges { mut edge_start, mut edges } = observer;
    let (truncated, fault) = match &sweep.end {
        End::Exhausted | End::Stopped => (false, None),
        End::Truncated | End::OverBudget => (true, None),
        End::Fault { at, fault } => {
            let trace = at.map(|id| trace_to(sys, options, &sweep.store, id)).unwrap_or_default();
            (true, Some(GraphFault { fault: fault.clone(), trace }))
        }
    };
    // States are expanded in order: up to the one the sweep ended at (that one included when
    // the cap stopped it among its successors, excluded when a panic cut it short).
    let expanded = match sweep.end {
        End::Exhausted | End::Stopped => n,
        End::Fault { at: None, .. } => 0,
        End::Fault { at: Some(id), .. } => {
            // The faulting state's partial edge list is dropped: it is unexpanded.
            edge_start.resize(edge_start.len().max(id.index() + 1), edges.len());
            edges.truncate(edge_start[id.index()]);
            edge_start.truncate(id.index() + 1);
            id.index()
        }
        // The state the cap stopped in is partly expanded: count it out. After the memory
        // budget, trailing dead ends may be counted out too (never a state that was not).
        End::Truncated | End::OverBudget => edge_start.len().saturating_sub(1),
    };
    edge_start.resize(n + 1, edges.len());
    let max_action = edges.iter().map(|(a, _)| a.index() + 1).max().unwrap_or(0);
    let action_names = (0..max_action).map(|i| sys.action_name(ActionId::new(i as u32)).to_owned()).collect();
    Graph {
        store: sweep.store,
        initial: sweep.initial,
        edge_start,
        edges,
        action_names,
        expanded,
        truncated,
        fault,
    }
}

impl<T: TransitionSystem> Checker<'_, T> {
    /// Explore every reachable state (no invariant, edge-invariant or deadlock test) into a
    /// [`Graph`]. At the cap the state being expanded keeps the edges produced so far (the one
    /// that hit the cap included) and every unexpanded state has no edges.
    pub fn explore(&self) -> Graph<T::State> {
        build_graph(self.sys, None, &self.options)
    }
}

impl<T: System> Checker<'_, T> {
    /// Every (state, invariant) violation over the explored graph, in state order then
    /// invariant order. Deadlocks and edge invariants are not considered; a truncated graph's
    /// states are all scanned.
    pub fn reachable_violations(&self) -> Vec<StateViolation<T::State>> {
        let g = self.explore();
        let mut out = Vec::new();
        for s in g.states() {
            for i in 0..self.sys.invariant_count() {
                if let Verdict::Violated(reason) = self.sys.check_invariant(i, s) {
                    out.push(StateViolation {
                        state: s.clone(),
                        invariant: self.sys.invariant_name(i).to_owned(),
                        reason: reason.filter(|r| !r.is_empty()),
                    });
                }
            }
        }
        out
    }
}

impl<T: TransitionSystem> Checker<'_, T> {
    /// For each initial state, the dead ends reachable from it (each explored on its own, with
    /// its own cap).
    ///
    /// Unlike the original, which explores only the static actions here (so a model driven by
    /// `actions_fn` "settles" every start in itself), this follows the system's real
    /// successors; `fixed_points_of(explore(m))` agrees with it on every model.
    pub fn fixed_points(&self) -> FixedPoints<T::State> {
        let canon = self.options.canonicalize.clone();
        let mut by_init: IndexMap<T::State, Vec<T::State>> = IndexMap::new();
        let mut truncated = false;
        for s0 in self.sys.initial_states() {
            let start = match &canon {
                Some(c) => c(&s0),
                None => s0,
            };
            let g = build_graph(self.sys, Some(vec![start.clone()]), &self.options);
            truncated |= g.truncated();
            let ends: Vec<T::State> =
                g.ids().filter(|&i| g.edges(i).is_empty()).map(|i| g.state(i).clone()).collect();
            by_init.insert(start, ends);
        }
        FixedPoints { by_init: by_init.into_iter().collect(), truncated }
    }
}

/// [`Checker::explore`] with the defaults.
pub fn explore<T: TransitionSystem>(sys: &T) -> Graph<T::State> {
    Checker::new(sys).explore()
}

/// The states from which some state satisfying `predicate` is reachable (those states
/// included), in discovery order.
pub fn reaches<S: State>(graph: &Graph<S>, predicate: impl Fn(&S) -> bool) -> Vec<StateId> {
    let mark = reaching(graph, |x| predicate(graph.state(x)));
    graph.ids().filter(|x| mark[x.index()]).collect()
}

/// Per state, whether some state marked by `target` is reachable from it (itself included):
/// a breadth-first search backwards over the edges.
pub(crate) fn reaching<S: State>(graph: &Graph<S>, target: impl Fn(StateId) -> bool) -> Vec<bool> {
    let n = graph.len();
    let mut rev: Vec<Vec<StateId>> = vec![Vec::new(); n];
    for x in graph.ids() {
        for &(_, y) in graph.edges(x) {
            rev[y.index()].push(x);
        }
    }
    let mut mark: Vec<bool> = graph.ids().map(&target).collect();
    let mut queue: VecDeque<StateId> = graph.ids().filter(|x| mark[x.index()]).collect();
    while let Some(y) = queue.pop_front() {
        for &x in &rev[y.index()] {
            if !mark[x.index()] {
                mark[x.index()] = true;
                queue.push_back(x);
            }
        }
    }
    mark
}

/// The shortest path from an initial state to `state`, or `None` when it is not reachable.
pub fn path_to<S: State>(graph: &Graph<S>, state: &S) -> Option<Vec<Step<S>>> {
    graph.bfs_to(|x| graph.state(x) == state)
}

/// The shortest path to a state satisfying `predicate`, or `None`.
pub fn witness<S: State>(graph: &Graph<S>, predicate: impl Fn(&S) -> bool) -> Option<Vec<Step<S>>> {
    graph.bfs_to(|x| predicate(graph.state(x)))
}

/// The states satisfying `predicate`, in discovery order.
pub fn states_where<S: State>(graph: &Graph<S>, predicate: impl Fn(&S) -> bool) -> Vec<&S> {
    graph.states().filter(|s| predicate(s)).collect()
}

/// The explored graph as a transition system over its state ids: [`check_of`] runs the
/// engine over it.
struct OverGraph<'g, S> {
    graph: &'g Graph<S>,
}

impl<S: State> TransitionSystem for OverGraph<'_, S> {
    type State = StateId;
    fn initial_states(&self) -> Vec<StateId> {
        self.graph.initial.clone()
    }
    fn successors<F>(&self, state: &StateId, mut emit: F) -> ControlFlow<()>
    where
        F: FnMut(ActionId, StateId) -> ControlFlow<()>,
    {
        for &(a, y) in self.graph.edges(*state) {
            emit(a, y)?;
        }
        ControlFlow::Continue(())
    }
    fn action_name(&self, action: ActionId) -> &str {
        self.graph.action_name(action)
    }
}

/// A system's properties read at the graph's states; a state left unexpanded is no deadlock
/// (what it would do is unknown).
struct GraphProperties<'g, S, P> {
    graph: &'g Graph<S>,
    props: &'g P,
}

impl<S: State, P: Properties<S>> Properties<StateId> for GraphProperties<'_, S, P> {
    fn invariant_count(&self) -> usize {
        self.props.invariant_count()
    }
    fn invariant_name(&self, index: usize) -> &str {
        self.props.invariant_name(index)
    }
    fn check_invariant(&self, index: usize, state: &StateId) -> Verdict {
        self.props.check_invariant(index, self.graph.state(*state))
    }
    fn edge_invariant_count(&self) -> usize {
        self.props.edge_invariant_count()
    }
    fn edge_invariant_name(&self, index: usize) -> &str {
        self.props.edge_invariant_name(index)
    }
    fn check_edge_invariant(
        &self,
        index: usize,
        before: &StateId,
        action: ActionId,
        after: &StateId,
    ) -> Verdict {
        self.props.check_edge_invariant(index, self.graph.state(*before), action, self.graph.state(*after))
    }
    fn is_terminal(&self, state: &StateId) -> bool {
        !self.graph.is_expanded(*state) || self.props.is_terminal(self.graph.state(*state))
    }
}

/// The safety check over an already explored graph: the system supplies only invariants, edge
/// invariants and terminal states. It is the engine run over the graph (each state's
/// successors are its edges), so on a complete graph the verdict, kind, invariant and trace
/// equal [`check`](fn@crate::check)'s; `states_explored` is the whole graph's size. A state the
/// graph left unexpanded is never reported as a deadlock, and a truncated graph's result says
/// it is truncated.
pub fn check_of<S: State, P: Properties<S>>(graph: &Graph<S>, sys: &P) -> CheckResult<S> {
    let n = graph.len();
    if let Some(f) = graph.fault() {
        let mut r = CheckResult::fail(crate::result::Kind::Panic, n, f.trace.clone());
        r.invariant = f.fault.name.clone();
        r.reason = Some(f.fault.message.clone());
        r.fault = Some(f.fault.clone());
        return r;
    }
    let over = OverGraph { graph };
    let props = GraphProperties { graph, props: sys };
    let checker = Checker::new(&over).max_states(usize::MAX).progress(false);
    let (r, _) = checker.check_against(&props);
    let mut r = CheckResult {
        trace: r.trace.into_iter().map(|s| Step::new(s.action, graph.state(s.state).clone())).collect(),
        ok: r.ok,
        states_explored: n,
        kind: r.kind,
        invariant: r.invariant,
        reason: r.reason,
        truncated: r.truncated,
        limit: r.limit,
        loop_index: r.loop_index,
        fault: r.fault,
    };
    // A violation the graph witnessed stands; a pass over a truncated graph is incomplete.
    r.truncated = r.ok && graph.truncated();
    r
}

/// One violation of one invariant in one reachable state (no path).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StateViolation<S> {
    /// The violating state.
    pub state: S,
    /// The invariant's name.
    pub invariant: String,
    /// Its non-empty reason, if any.
    pub reason: Option<String>,
}

/// [`Checker::reachable_violations`] with the defaults.
pub fn reachable_violations<T: System>(sys: &T) -> Vec<StateViolation<T::State>> {
    Checker::new(sys).reachable_violations()
}

/// Where each initial state can settle: the dead ends reachable from it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FixedPoints<S> {
    /// Per distinct initial state, in order: the dead ends reachable from it.
    pub by_init: Vec<(S, Vec<S>)>,
    /// Some exploration hit its cap.
    pub truncated: bool,
}

impl<S> FixedPoints<S> {
    /// Not truncated, and no start can settle in more than one place (a start that never
    /// settles does not count against it).
    pub fn confluent(&self) -> bool {
        !self.truncated && self.by_init.iter().all(|(_, ends)| ends.len() <= 1)
    }
}

impl<S: Debug> Display for FixedPoints<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.truncated {
            return write!(f, "FIXED POINTS INCONCLUSIVE (truncated at max_states)");
        }
        if self.confluent() {
            write!(f, "CONFLUENT")?;
        } else {
            write!(f, "NOT CONFLUENT (an initial state has a choice)")?;
        }
        for (init, ends) in &self.by_init {
            write!(f, "\n  {init:?} settles in {} place(s)", ends.len())?;
        }
        Ok(())
    }
}

/// [`Checker::fixed_points`] with the defaults.
pub fn fixed_points<T: TransitionSystem>(sys: &T) -> FixedPoints<T::State> {
    Checker::new(sys).fixed_points()
}

/// The dead ends reachable from each initial state of an explored graph.
pub fn fixed_points_of<S: State>(graph: &Graph<S>) -> FixedPoints<S> {
    let mut by_init: IndexMap<S, Vec<S>> = IndexMap::new();
    for &i in graph.initial() {
        let (reached, _) = breadth_first(graph, [i], None, |_| false);
        let mut ends: Vec<StateId> =
            reached.order().iter().copied().filter(|&x| graph.edges(x).is_empty()).collect();
        ends.sort();
        by_init.insert(graph.state(i).clone(), ends.into_iter().map(|x| graph.state(x).clone()).collect());
    }
    FixedPoints { by_init: by_init.into_iter().collect(), truncated: graph.truncated() }
}

impl<T: System> Checker<'_, T> {
    /// Whether `canonicalize` is a sound symmetry reduction of the system on its reachable
    /// states: the gate to pass on a small instance before trusting the reduction on a large
    /// one. Both graphs are explored under this checker's [`Config`] (its cap, workers and key;
    /// its own canonicalisation is not used).
    ///
    /// # Returns
    /// True when both explorations finish within the cap and
    /// - **coverage**: the reduced graph's states are exactly the representatives of the full
    ///   graph's (`{canonicalize(s)}` over the full graph), and
    /// - **agreement**: every reachable state `s` and its representative `r` agree on
    ///   everything a check judges at a state: each invariant holds at `s` iff it holds at `r`
    ///   (reasons are not compared), and `s` is a deadlock (no enabled action, not terminal)
    ///   iff `r` is.
    ///
    /// False when either exploration is truncated (inconclusive; a space of exactly the cap
    /// counts as truncated) or user code panics.
    ///
    /// # Why agreement state by state
    /// The reduced search sees only representatives, so its verdict can be trusted only if a
    /// representative shows every problem its orbit has. Checking that at each reachable state
    /// is what makes the reduced graph hold a deadlock, and a violation of each invariant,
    /// exactly where (up to representatives) the full graph does. The original compares less: the *names* of
    /// the invariants violated somewhere in each graph, and no deadlocks at all, so a lossy
    /// projection such as `(a, b) ↦ (a, 0)` passed its gate on a model whose full check ends
    /// in DEADLOCK while the reduced check says OK; here the dead end `(2, 2)` and its
    /// representative `(2, 0)`, where `b` may still step, disagree and the gate says false.
    /// Comparing the two checks' verdicts instead would not do: when two problems sit at the
    /// same depth, which one a check reports first depends on the discovery order, which a
    /// sound reduction changes. What is not compared: edge invariants (their action names are
    /// themselves permuted by a symmetry), liveness and trace shape.
    ///
    /// # Complexity
    /// Two explorations, then one pass over the full graph evaluating every invariant at each
    /// state and at its representative.
    pub fn symmetry_reduction_sound(
        &self,
        canonicalize: impl Fn(&T::State) -> T::State + Send + Sync + 'static,
    ) -> bool {
        let canonicalize = std::sync::Arc::new(canonicalize);
        let c2 = canonicalize.clone();
        let mut plain = self.options.clone();
        plain.canonicalize = None;
        let full = Checker::new(self.sys).config(plain.clone()).explore();
        let reduced = Checker::new(self.sys).config(plain).canonicalize(move |s| c2(s)).explore();
        if full.truncated() || reduced.truncated() {
            return false;
        }
        let sys = self.sys;
        // A deadlock as `check` sees one: no edge out of an expanded state, not terminal.
        let deadlock =
            |g: &Graph<T::State>, id: StateId| g.edges(id).is_empty() && !sys.is_terminal(g.state(id));
        let agree = || -> bool {
            let mut covered = vec![false; reduced.len()];
            for id in full.ids() {
                let s = full.state(id);
                let Some(rid) = reduced.id_of(&canonicalize(s)) else { return false };
                covered[rid.index()] = true;
                let r = reduced.state(rid);
                let invariants_agree = (0..sys.invariant_count())
                    .all(|i| sys.check_invariant(i, s).holds() == sys.check_invariant(i, r).holds());
                if !invariants_agree || deadlock(&full, id) != deadlock(&reduced, rid) {
                    return false;
                }
            }
            covered.iter().all(|&c| c)
        };
        crate::fault::catch(agree).unwrap_or(false)
    }
}

/// [`Checker::symmetry_reduction_sound`] with the default configuration (a cap of
/// [`DEFAULT_MAX_STATES`](crate::DEFAULT_MAX_STATES) states); set a smaller cap through the
/// checker for a quick look at a small instance.
pub fn symmetry_reduction_sound<T: System>(
    sys: &T,
    canonicalize: impl Fn(&T::State) -> T::State + Send + Sync + 'static,
) -> bool {
    Checker::new(sys).symmetry_reduction_sound(canonicalize)
}
