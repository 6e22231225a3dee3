//! Every liveness and LTL counterexample on random models, with random formulas and
//! fairness, is vouched for by the independent lasso checker (`tests/support/lasso.rs`): a
//! real run of the model, breaking the property, respecting the fairness asked for. The same
//! counterexample comes back with 1, 2 and 4 workers.

use std::sync::Arc;

use musil::ltl::{Ltl, LtlOptions};
use musil::{Action, Checker, LivenessKind, LtlResult, Model, Predicate};
use proptest::prelude::*;

#[path = "support/lasso.rs"]
mod lasso;

#[derive(Clone, Debug)]
struct Spec {
    init: Vec<u8>,
    /// Per action: successor per state (None = disabled).
    actions: Vec<Vec<Option<u8>>>,
    /// Atoms p and q: the states where each holds.
    p: Vec<bool>,
    q: Vec<bool>,
    weak: Vec<bool>,
    strong: Vec<bool>,
}

fn spec() -> impl Strategy<Value = Spec> {
    (2u8..8).prop_flat_map(|n| {
        let succ = prop::collection::vec(prop::option::weighted(0.6, 0..n), n as usize);
        (
            prop::collection::vec(0..n, 1..3),
            prop::collection::vec(succ, 1..5),
            prop::collection::vec(any::<bool>(), n as usize),
            prop::collection::vec(any::<bool>(), n as usize),
            prop::collection::vec(prop::bool::weighted(0.3), 4),
            prop::collection::vec(prop::bool::weighted(0.2), 4),
        )
            .prop_map(|(init, actions, p, q, weak, strong)| Spec {
                init,
                actions,
                p,
                q,
                weak,
                strong,
            })
    })
}

/// Formulas over p and q, as text the parser reads.
fn formula() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![Just("p".to_owned()), Just("q".to_owned()), Just("true".to_owned())];
    leaf.prop_recursive(4, 24, 2, |inner| {
        prop_oneof![
            inner.clone().prop_map(|a| format!("!{a}")),
            inner.clone().prop_map(|a| format!("X {a}")),
            inner.clone().prop_map(|a| format!("F {a}")),
            inner.clone().prop_map(|a| format!("G {a}")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a} & {b})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a} | {b})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a} -> {b})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a} U {b})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a} R {b})")),
            (inner.clone(), inner).prop_map(|(a, b)| format!("({a} W {b})")),
        ]
    })
}

fn name(i: usize) -> String {
    format!("a{i}")
}

fn model(spec: &Spec) -> Model<u8> {
    let mut m = Model::with_initial_states(spec.init.clone());
    for (i, table) in spec.actions.iter().enumerate() {
        let (t1, t2) = (table.clone(), table.clone());
        let mut a =
            Action::new(name(i), move |s: &u8| t1[*s as usize].is_some(), move |s| t2[*s as usize].unwrap());
        if spec.weak[i] {
            a = a.fair(musil::Fairness::Weak);
        } else if spec.strong[i] {
            a = a.fair(musil::Fairness::Strong);
        }
        m = m.add_action(a);
    }
    m
}

fn successors(spec: &Spec, s: &u8) -> Vec<(String, u8)> {
    spec.actions.iter().enumerate().filter_map(|(i, t)| t[*s as usize].map(|x| (name(i), x))).collect()
}

fn atoms(spec: &Spec) -> impl Fn(&str) -> Option<Predicate<u8>> + '_ {
    move |n: &str| {
        let set = match n {
            "p" => spec.p.clone(),
            "q" => spec.q.clone(),
            _ => return None,
        };
        Some(Arc::new(move |s: &u8| set[*s as usize]) as Predicate<u8>)
    }
}

fn listed(spec: &Spec, flags: &[bool]) -> Vec<String> {
    (0..spec.actions.len()).filter(|&i| flags[i]).map(name).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn every_ltl_counterexample_is_a_fair_violating_run(spec in spec(), text in formula(), fair in any::<bool>()) {
        let m = model(&spec);
        let f = Ltl::parse(&text, atoms(&spec)).unwrap();
        let weak = listed(&spec, &spec.weak);
        let mut options = LtlOptions::new();
        if fair {
            options = options.fair(weak.clone());
        }
        let got = Checker::new(&m).check_ltl(&f, &options).unwrap();
        for workers in [2, 4] {
            let other = Checker::new(&m).workers(workers).parallel_level(1).check_ltl(&f, &options).unwrap();
            prop_assert_eq!(&other, &got);
        }
        let succ = |s: &u8| successors(&spec, s);
        let sem = lasso::Semantics { init: spec.init.clone(), successors: &succ };
        match &got {
            LtlResult::Safety(r) if !r.ok => {
                if let Some(l) = r.loop_index {
                    let fairness = lasso::Fairness { weak: if fair { weak.clone() } else { Vec::new() }, strong: Vec::new() };
                    if let Err(why) = sem.ltl_lasso(&f, &r.trace, l, &fairness) {
                        prop_assert!(false, "{text}: {why}\n{r}");
                    }
                }
            }
            LtlResult::Liveness(r) if !r.ok && r.kind == Some(LivenessKind::FairCycle) => {
                // Fairness of a reduction: the listed names, or the actions' tags.
                // (An explicit weak list equals the tags here; strong fairness is not listed,
                // so it comes from the tags.)
                let fairness = lasso::Fairness {
                    weak: weak.clone(),
                    strong: listed(&spec, &spec.strong).into_iter().filter(|n| !weak.contains(n)).collect(),
                };
                let mut trace = lasso::path_to(&sem, &r.stem[0].state);
                trace.extend(r.stem.iter().skip(1).cloned());
                let l = trace.len() - 1;
                trace.extend(r.cycle.iter().cloned());
                if let Err(why) = sem.ltl_lasso(&f, &trace, l, &fairness) {
                    prop_assert!(false, "{text}: {why}\n{r}");
                }
            }
            _ => {}
        }
    }

    #[test]
    fn every_liveness_counterexample_is_fair_and_real(spec in spec(), everywhere in any::<bool>(), leads in any::<bool>()) {
        let m = model(&spec);
        let p = spec.p.clone();
        let q = spec.q.clone();
        let goal = move |s: &u8| p[*s as usize];
        let mut l = musil::Liveness::eventually(goal.clone());
        if leads {
            let q = q.clone();
            l = l.leadsto_from(move |s: &u8| q[*s as usize]);
        } else if everywhere {
            l = l.everywhere(true);
        }
        let r = Checker::new(&m).check_liveness(&l).unwrap();
        for workers in [2, 4] {
            prop_assert_eq!(&Checker::new(&m).workers(workers).parallel_level(1).check_liveness(&l).unwrap(), &r);
        }
        if !r.ok {
            let succ = |s: &u8| successors(&spec, s);
            let sem = lasso::Semantics { init: spec.init.clone(), successors: &succ };
            let weak = listed(&spec, &spec.weak);
            let strong: Vec<String> = listed(&spec, &spec.strong).into_iter().filter(|n| !weak.contains(n)).collect();
            let fairness = lasso::Fairness { weak, strong };
            let in_q = |s: &u8| q[*s as usize];
            let trigger: Option<&dyn Fn(&u8) -> bool> = if leads { Some(&in_q) } else { None };
            if let Err(why) = sem.liveness(&r, &goal, trigger, everywhere && !leads, &fairness) {
                prop_assert!(false, "{why}\n{r}");
            }
        }
    }
}
