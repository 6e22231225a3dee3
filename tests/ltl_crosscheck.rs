//! Cross-checks of the temporal checkers on random small models and random formulas.
//!
//! 1. `check_ltl` against a brute-force oracle written here: every lasso (a path from an
//!    initial state, then a jump back to one of its positions) up to a length bound, with the
//!    formula evaluated directly on the ultimately periodic run. A counterexample the oracle
//!    finds must make `check_ltl` fail, and every lasso `check_ltl` reports must be a real run
//!    that violates the formula (and, under fairness, is fair).
//! 2. `check_liveness` against the general engine on the equivalent formulas that avoid the
//!    reductions (`true U P` for `F P`, `G (true U P)` for `G F P`, `G (!Q | (true U P))` for
//!    leads-to), with and without weak and strong fairness.

use std::collections::HashSet;
use std::sync::Arc;

use musil::ltl::{Ltl, LtlOptions};
use musil::{Action, Checker, Liveness, Model, Step};
use proptest::prelude::*;

#[derive(Clone, Debug)]
struct Graph {
    n: u8,
    init: Vec<u8>,
    /// Per action: successor per state.
    actions: Vec<Vec<Option<u8>>>,
    p: Vec<bool>,
    q: Vec<bool>,
}

fn graph() -> impl Strategy<Value = Graph> {
    (1u8..5).prop_flat_map(|n| {
        (
            prop::collection::vec(0..n, 1..3),
            prop::collection::vec(
                prop::collection::vec(prop::option::weighted(0.55, 0..n), n as usize),
                1..4,
            ),
            prop::collection::vec(any::<bool>(), n as usize),
            prop::collection::vec(any::<bool>(), n as usize),
        )
            .prop_map(move |(init, actions, p, q)| Graph { n, init, actions, p, q })
    })
}

#[derive(Clone, Debug)]
enum F {
    P,
    Q,
    True,
    Not(Box<F>),
    And(Box<F>, Box<F>),
    Or(Box<F>, Box<F>),
    Implies(Box<F>, Box<F>),
    X(Box<F>),
    Fut(Box<F>),
    Glob(Box<F>),
    U(Box<F>, Box<F>),
    R(Box<F>, Box<F>),
    W(Box<F>, Box<F>),
}

fn formula() -> impl Strategy<Value = F> {
    let leaf = prop_oneof![Just(F::P), Just(F::Q), Just(F::True)];
    leaf.prop_recursive(3, 12, 2, |inner| {
        prop_oneof![
            inner.clone().prop_map(|a| F::Not(Box::new(a))),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| F::And(Box::new(a), Box::new(b))),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| F::Or(Box::new(a), Box::new(b))),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| F::Implies(Box::new(a), Box::new(b))),
            inner.clone().prop_map(|a| F::X(Box::new(a))),
            inner.clone().prop_map(|a| F::Fut(Box::new(a))),
            inner.clone().prop_map(|a| F::Glob(Box::new(a))),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| F::U(Box::new(a), Box::new(b))),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| F::R(Box::new(a), Box::new(b))),
            (inner.clone(), inner).prop_map(|(a, b)| F::W(Box::new(a), Box::new(b))),
        ]
    })
}

fn to_ltl(f: &F, g: &Graph) -> Ltl<u8> {
    let b = |x: &F| to_ltl(x, g);
    match f {
        F::P => {
            let p = g.p.clone();
            Ltl::atom("p", move |s: &u8| p[*s as usize])
        }
        F::Q => {
            let q = g.q.clone();
            Ltl::atom("q", move |s: &u8| q[*s as usize])
        }
        F::True => Ltl::atom("true", |_| true),
        F::Not(a) => b(a).not(),
        F::And(a, c) => b(a).and(b(c)),
        F::Or(a, c) => b(a).or(b(c)),
        F::Implies(a, c) => b(a).implies(b(c)),
        F::X(a) => Ltl::next(b(a)),
        F::Fut(a) => Ltl::eventually(b(a)),
        F::Glob(a) => Ltl::always(b(a)),
        F::U(a, c) => b(a).until(b(c)),
        F::R(a, c) => b(a).release(b(c)),
        F::W(a, c) => b(a).weak_until(b(c)),
    }
}

fn model(g: &Graph) -> Model<u8> {
    let mut m = Model::with_initial_states(g.init.clone());
    for (k, t) in g.actions.iter().enumerate() {
        let (t1, t2) = (t.clone(), t.clone());
        m = m.add_action(Action::new(
            format!("a{k}"),
            move |s: &u8| t1[*s as usize].is_some(),
            move |s| t2[*s as usize].unwrap(),
        ));
    }
    m
}

/// Successors with the stutter self-loop at dead ends: (action index or None, target).
fn succ(g: &Graph, s: u8) -> Vec<(Option<usize>, u8)> {
    let out: Vec<(Option<usize>, u8)> =
        g.actions.iter().enumerate().filter_map(|(k, t)| t[s as usize].map(|y| (Some(k), y))).collect();
    if out.is_empty() { vec![(None, s)] } else { out }
}

/// Evaluate `f` at position 0 of the run `states[0..] (states[l..])^ω`.
fn eval(f: &F, g: &Graph, states: &[u8], l: usize) -> bool {
    let n = states.len();
    let next = |i: usize| if i + 1 < n { i + 1 } else { l };
    fn go(f: &F, g: &Graph, states: &[u8], next: &dyn Fn(usize) -> usize) -> Vec<bool> {
        let n = states.len();
        let lfp = |a: Vec<bool>, b: Vec<bool>, greatest: bool| {
            // x = b | (a & X x), least (U) or greatest (W) fixpoint.
            let mut x = vec![greatest; n];
            loop {
                let y: Vec<bool> = (0..n).map(|i| b[i] || (a[i] && x[next(i)])).collect();
                if y == x {
                    return x;
                }
                x = y;
            }
        };
        match f {
            F::P => states.iter().map(|&s| g.p[s as usize]).collect(),
            F::Q => states.iter().map(|&s| g.q[s as usize]).collect(),
            F::True => vec![true; n],
            F::Not(a) => go(a, g, states, next).into_iter().map(|v| !v).collect(),
            F::And(a, b) => {
                go(a, g, states, next).into_iter().zip(go(b, g, states, next)).map(|(x, y)| x && y).collect()
            }
            F::Or(a, b) => {
                go(a, g, states, next).into_iter().zip(go(b, g, states, next)).map(|(x, y)| x || y).collect()
            }
            F::Implies(a, b) => {
                go(a, g, states, next).into_iter().zip(go(b, g, states, next)).map(|(x, y)| !x || y).collect()
            }
            F::X(a) => {
                let v = go(a, g, states, next);
                (0..n).map(|i| v[next(i)]).collect()
            }
            F::Fut(a) => lfp(vec![true; n], go(a, g, states, next), false),
            F::Glob(a) => lfp(go(a, g, states, next), vec![false; n], true),
            F::U(a, b) => lfp(go(a, g, states, next), go(b, g, states, next), false),
            F::W(a, b) => lfp(go(a, g, states, next), go(b, g, states, next), true),
            F::R(a, b) => {
                // a R b = b & (a | X (a R b)), greatest fixpoint.
                let (va, vb) = (go(a, g, states, next), go(b, g, states, next));
                let mut x = vec![true; n];
                loop {
                    let y: Vec<bool> = (0..n).map(|i| vb[i] && (va[i] || x[next(i)])).collect();
                    if y == x {
                        return x;
                    }
                    x = y;
                }
            }
        }
    }
    go(f, g, states, &next)[0]
}

/// Whether the lasso is fair: `labels[i]` is the action into position i (the loop's entry
/// step into position l is `back`); each fair action is taken in the cycle or, for weak
/// fairness, disabled somewhere in it, for strong fairness disabled throughout it.
fn fair(
    g: &Graph,
    states: &[u8],
    labels: &[Option<usize>],
    l: usize,
    back: Option<usize>,
    weak: &[usize],
    strong: &[usize],
) -> bool {
    let cycle = l..states.len();
    let taken = |a: usize| back == Some(a) || labels[l + 1..].contains(&Some(a));
    let enabled = |a: usize, s: u8| g.actions[a][s as usize].is_some();
    weak.iter().all(|&a| taken(a) || cycle.clone().any(|i| !enabled(a, states[i])))
        && strong.iter().all(|&a| taken(a) || cycle.clone().all(|i| !enabled(a, states[i])))
}

/// A violating fair lasso of at most `bound` positions, if any.
fn brute_force(g: &Graph, f: &F, bound: usize, weak: &[usize], strong: &[usize]) -> bool {
    fn extend(
        g: &Graph,
        f: &F,
        bound: usize,
        weak: &[usize],
        strong: &[usize],
        states: &mut Vec<u8>,
        labels: &mut Vec<Option<usize>>,
    ) -> bool {
        let last = *states.last().unwrap();
        for (a, y) in succ(g, last) {
            for l in 0..states.len() {
                if states[l] == y && fair(g, states, labels, l, a, weak, strong) && !eval(f, g, states, l) {
                    return true;
                }
            }
            if states.len() < bound {
                states.push(y);
                labels.push(a);
                if extend(g, f, bound, weak, strong, states, labels) {
                    return true;
                }
                states.pop();
                labels.pop();
            }
        }
        false
    }
    let inits: HashSet<u8> = g.init.iter().copied().collect();
    inits.into_iter().any(|s0| extend(g, f, bound, weak, strong, &mut vec![s0], &mut vec![None]))
}

/// Whether musil's reported lasso is a fair run of the model that violates `f`.
fn lasso_is_real(g: &Graph, f: &F, trace: &[Step<u8>], l: usize, weak: &[usize], strong: &[usize]) -> bool {
    let t = trace.len();
    if t < 2 || l >= t - 1 || trace[l].state != trace[t - 1].state || !g.init.contains(&trace[0].state) {
        return false;
    }
    let label = |name: &str| if name == "<stutter>" { None } else { name[1..].parse::<usize>().ok() };
    let steps_ok = trace.windows(2).all(|w| succ(g, w[0].state).contains(&(label(&w[1].action), w[1].state)));
    let states: Vec<u8> = trace[..t - 1].iter().map(|s| s.state).collect();
    let labels: Vec<Option<usize>> = trace[..t - 1].iter().map(|s| label(&s.action)).collect();
    steps_ok
        && fair(g, &states, &labels, l, label(&trace[t - 1].action), weak, strong)
        && !eval(f, g, &states, l)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn check_ltl_agrees_with_brute_force_lassos(g in graph(), f in formula(), fairness in 0u8..3, fa in 0usize..3) {
        let m = model(&g);
        let fa = fa % g.actions.len();
        let (weak, strong): (Vec<usize>, Vec<usize>) = match fairness {
            0 => (vec![], vec![]),
            1 => (vec![fa], vec![]),
            _ => (vec![], vec![fa]),
        };
        let names = |v: &[usize]| v.iter().map(|a| format!("a{a}")).collect::<Vec<_>>();
        let opts = LtlOptions::new().fair(names(&weak)).fair_strong(names(&strong));
        let r = Checker::new(&m).check_ltl(&to_ltl(&f, &g), &opts).unwrap();
        let oracle_fails = brute_force(&g, &f, 7, &weak, &strong);
        if oracle_fails {
            prop_assert!(!r.ok(), "the oracle found a violating lasso of {f:?}, musil says it holds");
        }
        if let Some(res) = r.as_safety() {
            if let Some(l) = res.loop_index {
                prop_assert!(lasso_is_real(&g, &f, &res.trace, l, &weak, &strong), "not a real counterexample: {res}");
            }
        }
        if !r.ok() && r.as_liveness().is_none() && r.as_safety().and_then(|x| x.loop_index).is_none() {
            // A safety violation from the G-reduction: its trace ends in a state breaking P.
            let res = r.as_safety().unwrap();
            prop_assert!(!res.trace.is_empty());
        }
    }

    #[test]
    fn liveness_agrees_with_the_general_engine(g in graph(), kind in 0u8..3, fairness in 0u8..3, fa in 0usize..3) {
        let m = model(&g);
        let fa = fa % g.actions.len();
        let (pv, qv) = (Arc::new(g.p.clone()), Arc::new(g.q.clone()));
        let p = { let pv = pv.clone(); move |s: &u8| pv[*s as usize] };
        let q = { let qv = qv.clone(); move |s: &u8| qv[*s as usize] };
        let spec = match kind {
            0 => Liveness::eventually(p),
            1 => Liveness::always_eventually(p),
            _ => Liveness::leads_to(q, p),
        };
        let names: Vec<String> = vec![format!("a{fa}")];
        let none: Vec<String> = vec![];
        let (weak, strong) = match fairness { 0 => (none.clone(), none.clone()), 1 => (names.clone(), none.clone()), _ => (none.clone(), names.clone()) };
        let spec = spec.fair(weak.clone()).fair_strong(strong.clone());
        let live = Checker::new(&m).check_liveness(&spec).unwrap();
        let pa = Ltl::atom("p", { let pv = pv.clone(); move |s: &u8| pv[*s as usize] });
        let qa = Ltl::atom("q", { let qv = qv.clone(); move |s: &u8| qv[*s as usize] });
        let t = || Ltl::atom("true", |_: &u8| true);
        let formula = match kind {
            0 => t().until(pa),
            1 => Ltl::always(t().until(pa)),
            _ => Ltl::always(qa.not().or(t().until(pa))),
        };
        let general = Checker::new(&m).check_ltl(&formula, &LtlOptions::new().fair(weak).fair_strong(strong)).unwrap();
        prop_assert!(general.as_safety().is_some(), "the equivalent formula must reach the general engine");
        prop_assert_eq!(live.ok, general.ok(), "liveness {} vs general {}", live, general);
        let _ = g.n;
    }
}
