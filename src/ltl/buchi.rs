//! Büchi automata over model states, the GPVW translation from LTL, and product emptiness with
//! lasso counterexamples.
//!
//! An automaton reads a run of the model: from automaton state `q` it may move along an edge
//! `(guard, q')` when `guard` holds in the model state being read (the source of the model
//! step). The product of an explored graph and an automaton is built breadth-first; an
//! accepting run is a reachable non-trivial strongly connected component of the product that
//! meets every acceptance set.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::fmt;

use super::formula::Ltl;
use crate::StateId;
use crate::graph::Graph;
use crate::result::Step;
use crate::scc::tarjan;
use crate::system::{ActionId, Predicate, State};

/// The edges of an automaton: per state, `(guard, successor)` in order.
pub type Transitions<S> = HashMap<usize, Vec<(Predicate<S>, usize)>>;

/// A Büchi automaton: a run is accepting when it visits `accepting` infinitely often.
pub struct Buchi<S> {
    /// Initial automaton states.
    pub initial: BTreeSet<usize>,
    /// Accepting automaton states.
    pub accepting: BTreeSet<usize>,
    /// Guarded edges.
    pub transitions: Transitions<S>,
}

/// A generalised Büchi automaton: a run is accepting when it visits every set of
/// `accepting_sets` infinitely often (no sets: every infinite run accepts).
pub struct GeneralizedBuchi<S> {
    /// Initial automaton states.
    pub initial: BTreeSet<usize>,
    /// The acceptance sets.
    pub accepting_sets: Vec<BTreeSet<usize>>,
    /// Guarded edges.
    pub transitions: Transitions<S>,
}

impl<S> fmt::Debug for Buchi<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Buchi")
            .field("initial", &self.initial)
            .field("accepting", &self.accepting)
            .field("states", &self.transitions.len())
            .finish()
    }
}

impl<S> fmt::Debug for GeneralizedBuchi<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GeneralizedBuchi")
            .field("initial", &self.initial)
            .field("accepting_sets", &self.accepting_sets)
            .field("states", &self.transitions.len())
            .finish()
    }
}

/// A step label in the product: a model action, or the stutter self-loop added at dead ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Label {
    Action(ActionId),
    Stutter,
}

/// The reachable product of a graph and an automaton.
struct Product {
    /// (model state, automaton state) per product state, in discovery order.
    states: Vec<(StateId, usize)>,
    /// Out-edges of product state `i`: `edges[start[i]..start[i + 1]]`.
    start: Vec<usize>,
    edges: Vec<(Label, usize)>,
    /// Initial product states, in discovery order.
    initial: Vec<usize>,
}

/// Product state numbers by (model state, automaton state): a dense table when it is small
/// enough, else a hash map.
enum ProductIndex {
    Dense { automaton_states: usize, slots: Vec<u32> },
    Sparse(HashMap<(StateId, usize), usize>),
}

impl ProductIndex {
    fn new(model_states: usize, automaton_states: usize) -> Self {
        match model_states.checked_mul(automaton_states) {
            Some(n) if n <= 1 << 26 => ProductIndex::Dense { automaton_states, slots: vec![u32::MAX; n] },
            _ => ProductIndex::Sparse(HashMap::new()),
        }
    }

    /// The number of `(m, q)`, assigning `fresh` when it has none; whether it was new.
    fn get_or_insert(&mut self, m: StateId, q: usize, fresh: usize) -> (usize, bool) {
        match self {
            ProductIndex::Dense { automaton_states, slots } => {
                let slot = &mut slots[m.index() * *automaton_states + q];
                if *slot == u32::MAX {
                    *slot = fresh as u32;
                    (fresh, true)
                } else {
                    (*slot as usize, false)
                }
            }
            ProductIndex::Sparse(map) => match map.entry((m, q)) {
                std::collections::hash_map::Entry::Occupied(e) => (*e.get(), false),
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert(fresh);
                    (fresh, true)
                }
            },
        }
    }
}

fn product<S: State>(
    graph: &Graph<S>,
    stutter: bool,
    initial: &BTreeSet<usize>,
    transitions: &Transitions<S>,
) -> Product {
    let automaton_states = transitions
        .keys()
        .chain(initial)
        .copied()
        .chain(transitions.values().flatten().map(|e| e.1))
        .max()
        .map_or(0, |m| m + 1);
    let mut index = ProductIndex::new(graph.len(), automaton_states);
    let mut states = Vec::new();
    let mut init = Vec::new();
    for &m0 in graph.initial() {
        for &q0 in initial {
            if index.get_or_insert(m0, q0, states.len()).1 {
                init.push(states.len());
                states.push((m0, q0));
            }
        }
    }
    let mut start = vec![0usize];
    let mut edges: Vec<(Label, usize)> = Vec::new();
    let mut head = 0;
    let none = Vec::new();
    while head < states.len() {
        let (m, q) = states[head];
        head += 1;
        let auto_edges = transitions.get(&q).unwrap_or(&none);
        let model_edges = graph.edges(m);
        let stutters = stutter && model_edges.is_empty();
        let model_edges: Box<dyn Iterator<Item = (Label, StateId)>> = if stutters {
            Box::new(std::iter::once((Label::Stutter, m)))
        } else {
            Box::new(model_edges.iter().map(|&(a, t)| (Label::Action(a), t)))
        };
        // The guard reads the source model state; it is the same for every model edge.
        let open: Vec<usize> = auto_edges.iter().filter(|(g, _)| g(graph.state(m))).map(|e| e.1).collect();
        if !open.is_empty() {
            for (label, m2) in model_edges {
                for &q2 in &open {
                    let (next, fresh) = index.get_or_insert(m2, q2, states.len());
                    if fresh {
                        states.push((m2, q2));
                    }
                    edges.push((label, next));
                }
            }
        }
        start.push(edges.len());
    }
    Product { states, start, edges, initial: init }
}

impl Product {
    fn out(&self, v: usize) -> &[(Label, usize)] {
        &self.edges[self.start[v]..self.start[v + 1]]
    }

    fn sccs(&self) -> Vec<Vec<usize>> {
        tarjan(
            self.states.len(),
            0..self.states.len(),
            |_| true,
            |v, out| out.extend(self.out(v).iter().map(|e| e.1)),
        )
    }

    fn non_trivial(&self, scc: &[usize]) -> bool {
        scc.len() > 1 || self.out(scc[0]).iter().any(|e| e.1 == scc[0])
    }

    /// The first reachable non-trivial SCC meeting every set, in completion order.
    fn accepting_scc(&self, sets: &[BTreeSet<usize>]) -> Option<Vec<usize>> {
        self.sccs().into_iter().find(|scc| {
            self.non_trivial(scc)
                && sets.iter().all(|acc| scc.iter().any(|&p| acc.contains(&self.states[p].1)))
        })
    }

    /// Shortest path from `sources` to the first state satisfying `goal` (tested when
    /// dequeued), staying inside `allowed`. Returns the edges and the source it started from.
    fn bfs(
        &self,
        sources: &[usize],
        goal: impl Fn(usize) -> bool,
        allowed: Option<&[bool]>,
    ) -> Option<(Vec<(Label, usize)>, usize)> {
        const ROOT: u32 = u32::MAX;
        const UNSEEN: u32 = u32::MAX - 1;
        let mut parent: Vec<(u32, Label)> = vec![(UNSEEN, Label::Stutter); self.states.len()];
        let mut queue = VecDeque::new();
        for &s in sources {
            if parent[s].0 == UNSEEN {
                parent[s].0 = ROOT;
                queue.push_back(s);
            }
        }
        while let Some(u) = queue.pop_front() {
            if goal(u) {
                let mut path = Vec::new();
                let mut cur = u;
                while parent[cur].0 != ROOT {
                    let (prev, label) = parent[cur];
                    path.push((label, cur));
                    cur = prev as usize;
                }
                path.reverse();
                return Some((path, cur));
            }
            for &(label, v) in self.out(u) {
                if parent[v].0 == UNSEEN && allowed.is_none_or(|a| a[v]) {
                    parent[v] = (u as u32, label);
                    queue.push_back(v);
                }
            }
        }
        None
    }
}

fn label_name<S: State>(graph: &Graph<S>, label: Label) -> String {
    match label {
        Label::Action(a) => graph.action_name(a).to_owned(),
        Label::Stutter => "<stutter>".to_owned(),
    }
}

impl<S: State> Buchi<S> {
    /// Whether the product with `graph` (taken as it is: no stutter at dead ends) has an
    /// accepting run.
    pub fn has_accepting_run(&self, graph: &Graph<S>) -> bool {
        let p = product(graph, false, &self.initial, &self.transitions);
        let sets = [self.accepting.clone()];
        p.accepting_scc(&sets).is_some()
    }
}

impl<S: State> GeneralizedBuchi<S> {
    /// The automaton accepting exactly the runs that satisfy `formula` (GPVW tableau of its
    /// negation normal form, implications expanded).
    pub fn from_ltl(formula: &Ltl<S>) -> Self {
        gpvw(&formula.nnf().without_implies())
    }

    /// Whether the product with `graph` (taken as it is) has an accepting run.
    pub fn has_accepting_run(&self, graph: &Graph<S>) -> bool {
        product(graph, false, &self.initial, &self.transitions).accepting_scc(&self.accepting_sets).is_some()
    }

    /// An accepting run as a lasso: the trace (`<init>` first; model states, actions named,
    /// `<stutter>` for the self-loop at a dead end when `stutter` is set) and the index of the
    /// state the cycle returns to. `None` when there is no accepting run.
    pub fn accepting_lasso(&self, graph: &Graph<S>) -> Option<(Vec<Step<S>>, usize)> {
        self.lasso(graph, false)
    }

    pub(crate) fn lasso(&self, graph: &Graph<S>, stutter: bool) -> Option<(Vec<Step<S>>, usize)> {
        let p = product(graph, stutter, &self.initial, &self.transitions);
        let target = p.accepting_scc(&self.accepting_sets)?;
        let mut in_target = vec![false; p.states.len()];
        for &s in &target {
            in_target[s] = true;
        }
        let (stem, source) = p.bfs(&p.initial, |s| in_target[s], None)?;
        let entry = stem.last().map_or(source, |e| e.1);
        let mut cycle: Vec<(Label, usize)> = Vec::new();
        let mut current = entry;
        for acc in &self.accepting_sets {
            if let Some((seg, _)) = p.bfs(&[current], |s| acc.contains(&p.states[s].1), Some(&in_target)) {
                if let Some(&(_, last)) = seg.last() {
                    cycle.extend(seg);
                    current = last;
                }
            }
        }
        if let Some((back, _)) = p.bfs(&[current], |s| s == entry, Some(&in_target)) {
            cycle.extend(back);
        }
        if cycle.is_empty() {
            if let Some(&(label, next)) = p.out(entry).iter().find(|e| in_target[e.1]) {
                cycle.push((label, next));
                if let Some((ret, _)) = p.bfs(&[next], |s| s == entry, Some(&in_target)) {
                    cycle.extend(ret);
                }
            }
        }
        let state = |i: usize| graph.state(p.states[i].0).clone();
        let mut steps = vec![Step::new("<init>", state(source))];
        steps.extend(stem.iter().map(|&(l, s)| Step::new(label_name(graph, l), state(s))));
        steps.extend(cycle.iter().map(|&(l, s)| Step::new(label_name(graph, l), state(s))));
        Some((steps, stem.len()))
    }

    /// The equivalent single-set automaton (counter construction); with no acceptance sets,
    /// every state accepts. Accepts the same runs on every graph.
    pub fn degeneralize(&self) -> Buchi<S> {
        let sets = &self.accepting_sets;
        let k = sets.len();
        let mut states: BTreeSet<usize> = self.initial.clone();
        for (q, edges) in &self.transitions {
            states.insert(*q);
            states.extend(edges.iter().map(|e| e.1));
        }
        for acc in sets {
            states.extend(acc.iter().copied());
        }
        if k == 0 {
            return Buchi {
                initial: self.initial.clone(),
                accepting: states,
                transitions: self.transitions.clone(),
            };
        }
        let ids: HashMap<(usize, usize), usize> = states
            .iter()
            .flat_map(|&q| (0..k).map(move |i| (q, i)))
            .enumerate()
            .map(|(n, qi)| (qi, n))
            .collect();
        let mut transitions: Transitions<S> = HashMap::new();
        for &q in &states {
            let edges = self.transitions.get(&q).cloned().unwrap_or_default();
            for i in 0..k {
                let j = if sets[i].contains(&q) { (i + 1) % k } else { i };
                transitions
                    .insert(ids[&(q, i)], edges.iter().map(|(g, q2)| (g.clone(), ids[&(*q2, j)])).collect());
            }
        }
        Buchi {
            initial: self.initial.iter().map(|&q| ids[&(q, 0)]).collect(),
            accepting: sets[0].iter().map(|&q| ids[&(q, 0)]).collect(),
            transitions,
        }
    }
}

/// Formulas interned by structure, so sets of formulas are sets of small numbers.
struct Interner<S> {
    formulas: Vec<Ltl<S>>,
    index: HashMap<Ltl<S>, usize>,
}

impl<S: State> Interner<S> {
    fn id(&mut self, f: &Ltl<S>) -> usize {
        if let Some(&i) = self.index.get(f) {
            return i;
        }
        self.formulas.push(f.clone());
        self.index.insert(f.clone(), self.formulas.len() - 1);
        self.formulas.len() - 1
    }

    /// Intern `f` and its subformulas in pre-order.
    fn closure(&mut self, f: &Ltl<S>) -> Vec<usize> {
        let mut out = Vec::new();
        let mut stack = vec![f.clone()];
        while let Some(g) = stack.pop() {
            let id = self.id(&g);
            if out.contains(&id) {
                continue;
            }
            out.push(id);
            use Ltl::*;
            match &g {
                Atom(_) => {}
                Not(a) | Next(a) | Eventually(a) | Always(a) => stack.push((**a).clone()),
                And(a, b) | Or(a, b) | Implies(a, b) | Until(a, b) | Release(a, b) | WeakUntil(a, b) => {
                    stack.push((**b).clone());
                    stack.push((**a).clone());
                }
            }
        }
        out
    }
}

struct Node {
    incoming: BTreeSet<isize>,
    old: BTreeSet<usize>,
    next: BTreeSet<usize>,
}

/// The GPVW tableau of a formula in negation normal form without implications.
fn gpvw<S: State>(phi: &Ltl<S>) -> GeneralizedBuchi<S> {
    let mut fs = Interner { formulas: Vec::new(), index: HashMap::new() };
    let closure = fs.closure(phi);
    let root = closure[0];
    let mut finished: Vec<Node> = Vec::new();
    type Task = (BTreeSet<usize>, BTreeSet<usize>, BTreeSet<usize>, BTreeSet<isize>);
    let mut work: Vec<Task> =
        vec![(BTreeSet::from([root]), BTreeSet::new(), BTreeSet::new(), BTreeSet::from([-1]))];
    let with = |set: &BTreeSet<usize>, extra: &[usize], old: &BTreeSet<usize>| -> BTreeSet<usize> {
        let mut s = set.clone();
        s.extend(extra.iter().filter(|x| !old.contains(x)));
        s
    };
    while let Some((new, old, next, incoming)) = work.pop() {
        let Some(&f) = new.iter().next() else {
            if let Some(nd) = finished.iter_mut().find(|nd| nd.old == old && nd.next == next) {
                nd.incoming.extend(incoming);
                continue;
            }
            let id = finished.len() as isize;
            finished.push(Node { incoming, old, next: next.clone() });
            work.push((next, BTreeSet::new(), BTreeSet::new(), BTreeSet::from([id])));
            continue;
        };
        let mut rest = new.clone();
        rest.remove(&f);
        if old.contains(&f) {
            work.push((rest, old, next, incoming));
            continue;
        }
        let mut old_f = old.clone();
        old_f.insert(f);
        let mut next_f = next.clone();
        next_f.insert(f);
        let formula = fs.formulas[f].clone();
        use Ltl::*;
        match &formula {
            Atom(_) | Not(_) => {
                let negated = match &formula {
                    Not(inner) => (**inner).clone(),
                    other => Not(Box::new(other.clone())),
                };
                let neg = fs.id(&negated);
                if !old.contains(&neg) {
                    work.push((rest, old_f, next, incoming));
                }
            }
            And(a, b) => {
                let (a, b) = (fs.id(a), fs.id(b));
                work.push((with(&rest, &[a, b], &old), old_f, next, incoming));
            }
            Or(a, b) => {
                let (a, b) = (fs.id(a), fs.id(b));
                // The left branch is expanded completely first (pushed last).
                work.push((with(&rest, &[b], &old), old_f.clone(), next.clone(), incoming.clone()));
                work.push((with(&rest, &[a], &old), old_f, next, incoming));
            }
            Next(a) => {
                let a = fs.id(a);
                let mut n = next.clone();
                n.insert(a);
                work.push((rest, old_f, n, incoming));
            }
            Until(a, b) | WeakUntil(a, b) => {
                let (a, b) = (fs.id(a), fs.id(b));
                work.push((with(&rest, &[a], &old), old_f.clone(), next_f, incoming.clone()));
                work.push((with(&rest, &[b], &old), old_f, next, incoming));
            }
            Release(a, b) => {
                let (a, b) = (fs.id(a), fs.id(b));
                work.push((with(&rest, &[b], &old), old_f.clone(), next_f, incoming.clone()));
                work.push((with(&rest, &[a, b], &old), old_f, next, incoming));
            }
            Eventually(a) => {
                let a = fs.id(a);
                work.push((rest.clone(), old_f.clone(), next_f, incoming.clone()));
                work.push((with(&rest, &[a], &old), old_f, next, incoming));
            }
            Always(a) => {
                let a = fs.id(a);
                work.push((with(&rest, &[a], &old), old_f, next_f, incoming));
            }
            Implies(..) => {
                // Not reached: callers expand implications first. Kept total for safety.
                work.push((rest, old_f, next, incoming));
            }
        }
    }

    let initial: BTreeSet<usize> =
        finished.iter().enumerate().filter(|(_, nd)| nd.incoming.contains(&-1)).map(|(i, _)| i).collect();
    let mut transitions: Transitions<S> = HashMap::new();
    for (q, node) in finished.iter().enumerate() {
        let literals: Vec<(Predicate<S>, bool)> = node
            .old
            .iter()
            .filter_map(|&f| match &fs.formulas[f] {
                Ltl::Atom(a) => Some((a.predicate().clone(), true)),
                Ltl::Not(inner) => match &**inner {
                    Ltl::Atom(a) => Some((a.predicate().clone(), false)),
                    _ => None,
                },
                _ => None,
            })
            .collect();
        let literals = std::sync::Arc::new(literals);
        let guard: Predicate<S> =
            std::sync::Arc::new(move |s: &S| literals.iter().all(|(p, want)| p(s) == *want));
        let succ = finished
            .iter()
            .enumerate()
            .filter(|(_, nd)| nd.incoming.contains(&(q as isize)))
            .map(|(i, _)| (guard.clone(), i))
            .collect();
        transitions.insert(q, succ);
    }
    let mut accepting_sets = Vec::new();
    for &sub in &closure {
        let fulfiller = match &fs.formulas[sub] {
            Ltl::Until(_, b) => fs.index[&**b],
            Ltl::Eventually(a) => fs.index[&**a],
            _ => continue,
        };
        accepting_sets.push(
            finished
                .iter()
                .enumerate()
                .filter(|(_, nd)| !nd.old.contains(&sub) || nd.old.contains(&fulfiller))
                .map(|(i, _)| i)
                .collect(),
        );
    }
    GeneralizedBuchi { initial, accepting_sets, transitions }
}
