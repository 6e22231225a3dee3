//! Property tests: on random small models, `check`, `check_all` and `explore` agree with a
//! naive breadth-first search written here from the spec, with and without `canonicalize` and
//! `key`, with caps, edge invariants and terminal states.

use std::collections::{HashMap, HashSet, VecDeque};

use musil::{Action, CheckResult, Checker, DistinctBy, Kind, Model, Step, Verdict};
use proptest::prelude::*;

#[derive(Clone, Debug)]
struct Spec {
    n: u8,
    init: Vec<u8>,
    /// Per action: successor per state (None = disabled). Names may repeat.
    actions: Vec<(String, Vec<Option<u8>>)>,
    /// Per invariant: per state, None = holds, Some(reason) = violated (reason may be "").
    invariants: Vec<Vec<Option<Option<String>>>>,
    /// Bad (from, action index, to) triples per edge invariant.
    edge_invariants: Vec<HashSet<(u8, usize, u8)>>,
    terminal: Vec<bool>,
    canon: Vec<u8>,
    key: Vec<u8>,
    cap: usize,
}

fn spec() -> impl Strategy<Value = Spec> {
    (2u8..9).prop_flat_map(|n| {
        let state = 0..n;
        let succ = prop::collection::vec(prop::option::weighted(0.6, 0..n), n as usize);
        let verdict = prop::option::weighted(
            0.15,
            prop_oneof![
                Just(None),
                Just(Some(String::new())),
                Just(Some("r1".to_owned())),
                Just(Some("r2".to_owned()))
            ],
        );
        (
            prop::collection::vec(state.clone(), 1..4),
            prop::collection::vec((0usize..3, succ), 0..5),
            prop::collection::vec(prop::collection::vec(verdict, n as usize), 0..3),
            prop::collection::vec(
                prop::collection::hash_set((state.clone(), 0usize..5, state.clone()), 0..3),
                0..2,
            ),
            prop::collection::vec(any::<bool>(), n as usize),
            prop::collection::vec(state.clone(), n as usize),
            prop::collection::vec(state, n as usize),
            prop_oneof![Just(1_000_000usize), 0usize..8],
        )
            .prop_map(
                move |(init, actions, invariants, edge_invariants, terminal, canon, key, cap)| Spec {
                    n,
                    init,
                    // Names are unique (the builder refuses a name taken twice); `k` only varies
                    // the order in which the names a0..a2 are drawn, the rest are a3, a4.
                    actions: unique_names(actions),
                    invariants,
                    edge_invariants,
                    terminal,
                    canon,
                    key,
                    cap,
                },
            )
    })
}

/// Each action under its drawn name `a{k}` if still free, else the next free `a{i}`.
fn unique_names<T>(actions: Vec<(usize, T)>) -> Vec<(String, T)> {
    let mut taken = std::collections::HashSet::new();
    actions
        .into_iter()
        .map(|(k, t)| {
            let i = (k..).find(|i| !taken.contains(i)).expect("a free index");
            taken.insert(i);
            (format!("a{i}"), t)
        })
        .collect()
}

fn model(spec: &Spec) -> Model<u8> {
    let mut m = Model::with_initial_states(spec.init.clone());
    for (name, table) in &spec.actions {
        let (t1, t2) = (table.clone(), table.clone());
        m = m.add_action(Action::new(
            name.clone(),
            move |s: &u8| t1[*s as usize].is_some(),
            move |s| t2[*s as usize].unwrap(),
        ));
    }
    for (i, inv) in spec.invariants.iter().enumerate() {
        let inv = inv.clone();
        m = m.invariant(format!("inv{i}"), move |s: &u8| match &inv[*s as usize] {
            None => Verdict::Holds,
            Some(r) => Verdict::Violated(r.clone()),
        });
    }
    for (i, bad) in spec.edge_invariants.iter().enumerate() {
        let bad = bad.clone();
        let names: Vec<String> = spec.actions.iter().map(|a| a.0.clone()).collect();
        m = m.edge_invariant(format!("e{i}"), move |a: &u8, name: &str, b: &u8| {
            !bad.iter().any(|&(x, k, y)| x == *a && y == *b && names.get(k).is_some_and(|n| n == name))
        });
    }
    let terminal = spec.terminal.clone();
    m.terminal(move |s| terminal[*s as usize])
}

/// The naive oracle: the spec's algorithm with hash maps, one function for check, check_all
/// and explore.
struct Naive<'a> {
    spec: &'a Spec,
    canon: bool,
    key: bool,
}

type Trace = Vec<(String, u8)>;
/// (states in discovery order, edges per state, truncated)
type Explored = (Vec<u8>, Vec<Vec<(String, u8)>>, bool);

#[derive(Debug, PartialEq)]
struct NaiveResult {
    ok: bool,
    kind: Option<&'static str>,
    invariant: Option<String>,
    reason: Option<String>,
    states_explored: usize,
    truncated: bool,
    trace: Trace,
}

impl Naive<'_> {
    fn c(&self, s: u8) -> u8 {
        if self.canon { self.spec.canon[s as usize] } else { s }
    }
    fn id(&self, s: u8) -> u8 {
        if self.key { self.spec.key[s as usize] } else { s }
    }
    fn successors(&self, s: u8) -> Vec<(usize, u8)> {
        let mut out = Vec::new();
        for (k, (_, t)) in self.spec.actions.iter().enumerate() {
            if let Some(y) = t[s as usize] {
                out.push((k, self.c(y)));
            }
        }
        out
    }
    fn path(&self, parent: &HashMap<u8, Option<(u8, usize)>>, stored: &HashMap<u8, u8>, id: u8) -> Trace {
        let mut out = Vec::new();
        let mut cur = id;
        loop {
            match parent[&cur] {
                None => {
                    out.push(("<init>".to_owned(), stored[&cur]));
                    break;
                }
                Some((p, k)) => {
                    out.push((self.spec.actions[k].0.clone(), stored[&cur]));
                    cur = p;
                }
            }
        }
        out.reverse();
        out
    }
    fn edge_bad(&self, x: u8, k: usize, y: u8) -> Option<usize> {
        let name = &self.spec.actions[k].0;
        self.spec.edge_invariants.iter().position(|bad| {
            bad.iter()
                .any(|&(a, j, b)| a == x && b == y && self.spec.actions.get(j).is_some_and(|n| &n.0 == name))
        })
    }

    /// `all = false`: check; `all = true`: check_all by invariant (entries in discovery order).
    fn run(&self, all: bool) -> Vec<NaiveResult> {
        let mut parent: HashMap<u8, Option<(u8, usize)>> = HashMap::new();
        let mut stored: HashMap<u8, u8> = HashMap::new();
        let mut queue: VecDeque<u8> = VecDeque::new();
        let mut found: Vec<(String, NaiveResult)> = Vec::new();
        let fail = |kind, inv: Option<String>, reason: Option<String>, n, trace| NaiveResult {
            ok: false,
            kind: Some(kind),
            invariant: inv,
            reason,
            states_explored: n,
            truncated: false,
            trace,
        };
        for &s0 in &self.spec.init {
            let s = self.c(s0);
            if let std::collections::hash_map::Entry::Vacant(e) = parent.entry(self.id(s)) {
                e.insert(None);
                stored.insert(self.id(s), s);
                queue.push_back(s);
            }
        }
        let mut truncated = false;
        while let Some(x) = queue.pop_front() {
            let i = self.id(x);
            for (j, inv) in self.spec.invariants.iter().enumerate() {
                if let Some(r) = &inv[x as usize] {
                    let res = fail(
                        "invariant",
                        Some(format!("inv{j}")),
                        r.clone().filter(|r| !r.is_empty()),
                        parent.len(),
                        self.path(&parent, &stored, i),
                    );
                    if !all {
                        return vec![res];
                    }
                    if !found.iter().any(|(k, _)| *k == format!("s:inv{j}")) {
                        found.push((format!("s:inv{j}"), res));
                    }
                }
            }
            let succ = self.successors(x);
            if !self.spec.edge_invariants.is_empty() {
                for &(k, y) in &succ {
                    if let Some(e) = self.edge_bad(x, k, y) {
                        let mut t = self.path(&parent, &stored, i);
                        t.push((self.spec.actions[k].0.clone(), y));
                        let res = fail("edge-invariant", Some(format!("e{e}")), None, parent.len(), t);
                        if !all {
                            return vec![res];
                        }
                        if !found.iter().any(|(kk, _)| *kk == format!("e:e{e}")) {
                            found.push((format!("e:e{e}"), res));
                        }
                        // check_all evaluates every edge invariant; the first bad one per edge
                        // is enough here because later ones have other names.
                        for (e2, bad) in self.spec.edge_invariants.iter().enumerate().skip(e + 1) {
                            let name = &self.spec.actions[k].0;
                            if bad.iter().any(|&(a, j, b)| {
                                a == x && b == y && self.spec.actions.get(j).is_some_and(|n| &n.0 == name)
                            }) && !found.iter().any(|(kk, _)| *kk == format!("e:e{e2}"))
                            {
                                let mut t = self.path(&parent, &stored, i);
                                t.push((self.spec.actions[k].0.clone(), y));
                                found.push((
                                    format!("e:e{e2}"),
                                    fail("edge-invariant", Some(format!("e{e2}")), None, parent.len(), t),
                                ));
                            }
                        }
                    }
                }
            }
            for &(k, y) in &succ {
                if let std::collections::hash_map::Entry::Vacant(e) = parent.entry(self.id(y)) {
                    e.insert(Some((i, k)));
                    stored.insert(self.id(y), y);
                    queue.push_back(y);
                    if parent.len() >= self.spec.cap {
                        truncated = true;
                        break;
                    }
                }
            }
            if truncated {
                break;
            }
            if succ.is_empty() && !self.spec.terminal[x as usize] {
                let res = fail("deadlock", None, None, parent.len(), self.path(&parent, &stored, i));
                if !all {
                    return vec![res];
                }
                if !found.iter().any(|(k, _)| k == "deadlock") {
                    found.push(("deadlock".to_owned(), res));
                }
            }
        }
        if !all {
            return vec![NaiveResult {
                ok: true,
                kind: None,
                invariant: None,
                reason: None,
                states_explored: parent.len(),
                truncated,
                trace: vec![],
            }];
        }
        let mut out: Vec<NaiveResult> = found.into_iter().map(|(_, r)| r).collect();
        out.sort_by_key(|r| r.trace.len());
        for r in &mut out {
            r.truncated = truncated;
        }
        out
    }

    /// (states in discovery order, edges per state, truncated)
    fn explore(&self) -> Explored {
        let mut states: Vec<u8> = Vec::new();
        let mut index: HashMap<u8, usize> = HashMap::new();
        for &s0 in &self.spec.init {
            let s = self.c(s0);
            if let std::collections::hash_map::Entry::Vacant(e) = index.entry(s) {
                e.insert(states.len());
                states.push(s);
            }
        }
        let mut edges: Vec<Vec<(String, u8)>> = vec![];
        let mut head = 0;
        while head < states.len() {
            let x = states[head];
            head += 1;
            edges.push(vec![]);
            for (k, (name, t)) in self.spec.actions.iter().enumerate() {
                let _ = k;
                if let Some(y) = t[x as usize] {
                    let y = self.c(y);
                    edges.last_mut().unwrap().push((name.clone(), y));
                    if let std::collections::hash_map::Entry::Vacant(e) = index.entry(y) {
                        e.insert(states.len());
                        states.push(y);
                        if states.len() >= self.spec.cap {
                            edges.resize(states.len(), vec![]);
                            return (states, edges, true);
                        }
                    }
                }
            }
        }
        (states, edges, false)
    }
}

fn ours(r: &CheckResult<u8>) -> NaiveResult {
    NaiveResult {
        ok: r.ok,
        kind: r.kind.map(Kind::as_str),
        invariant: r.invariant.clone(),
        reason: r.reason.clone(),
        states_explored: r.states_explored,
        truncated: r.truncated,
        trace: r.trace.iter().map(|Step { action, state }| (action.clone(), *state)).collect(),
    }
}

fn checker<'a>(spec: &Spec, m: &'a Model<u8>, canon: bool, key: bool) -> Checker<'a, Model<u8>> {
    checker_with(spec, m, canon, key, 1)
}

/// With `workers` threads, expanding even one-state levels in parallel.
fn checker_with<'a>(
    spec: &Spec,
    m: &'a Model<u8>,
    canon: bool,
    key: bool,
    workers: usize,
) -> Checker<'a, Model<u8>> {
    let mut c = Checker::new(m).max_states(spec.cap).workers(workers).parallel_level(1);
    if canon {
        let t = spec.canon.clone();
        c = c.canonicalize(move |s| t[*s as usize]);
    }
    if key {
        let t = spec.key.clone();
        c = c.key(move |s| t[*s as usize]);
    }
    c
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn check_agrees_with_the_naive_search(spec in spec(), canon in any::<bool>(), key in any::<bool>()) {
        let m = model(&spec);
        let naive = Naive { spec: &spec, canon, key };
        let got = ours(&checker(&spec, &m, canon, key).check());
        prop_assert_eq!(got, naive.run(false).pop().unwrap());
        let serial = checker(&spec, &m, canon, key).check();
        for workers in [2, 4] {
            prop_assert_eq!(&checker_with(&spec, &m, canon, key, workers).check(), &serial, "workers {}", workers);
        }
    }

    #[test]
    fn check_all_agrees_with_the_naive_search(spec in spec(), canon in any::<bool>(), key in any::<bool>()) {
        let m = model(&spec);
        let naive = Naive { spec: &spec, canon, key };
        let got: Vec<NaiveResult> = checker(&spec, &m, canon, key).check_all(DistinctBy::Invariant).iter().map(ours).collect();
        prop_assert_eq!(got, naive.run(true));
        let serial = checker(&spec, &m, canon, key).check_all(DistinctBy::Reason);
        for workers in [2, 4] {
            prop_assert_eq!(&checker_with(&spec, &m, canon, key, workers).check_all(DistinctBy::Reason), &serial);
        }
    }

    #[test]
    fn explore_agrees_with_the_naive_search(spec in spec(), canon in any::<bool>()) {
        let m = model(&spec);
        let naive = Naive { spec: &spec, canon, key: false };
        let g = checker(&spec, &m, canon, false).explore();
        let states: Vec<u8> = g.states().copied().collect();
        let edges: Vec<Vec<(String, u8)>> = g.ids().map(|i| g.edges(i).iter().map(|&(a, t)| (g.action_name(a).to_owned(), *g.state(t))).collect()).collect();
        prop_assert_eq!((states.clone(), edges.clone(), g.truncated()), naive.explore());
        for workers in [2, 4] {
            let g = checker_with(&spec, &m, canon, false, workers).explore();
            let s2: Vec<u8> = g.states().copied().collect();
            let e2: Vec<Vec<(String, u8)>> = g.ids().map(|i| g.edges(i).iter().map(|&(a, t)| (g.action_name(a).to_owned(), *g.state(t))).collect()).collect();
            prop_assert_eq!((&s2, &e2), (&states, &edges));
        }
        let _ = spec.n;
    }
}
