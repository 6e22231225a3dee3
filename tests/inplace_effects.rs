//! Effects that edit a state in place (`Action::in_place`) check exactly as effects that make a
//! new state (`Action::new`): the same verdicts, counts, transitions, traces and graphs, with
//! one worker and two, in exact and fingerprint mode, with symmetry, keys, edge invariants,
//! per-state menus, fault kits, panics and partial-order reduction; on random models too (a
//! proptest), the two forms mixed at random.

use std::collections::BTreeMap;

use musil::kits::faults::{budget, once};
use musil::por::{Footprint, Footprints};
use musil::{CheckResult, Checker, Kind, Model, State, Step};
use proptest::prelude::*;

#[path = "support/random_models.rs"]
mod random_models;
use random_models::{Form, Spec, act, model, shown, spec};
#[path = "support/runs.rs"]
mod runs;
use runs::runs;

/// The plain, in-place and mixed forms of a model agree in every run, and two workers agree
/// with one; the check's result with one worker in exact mode.
fn agree<'a, S: State>(
    models: &'a [Model<S>; 3],
    tune: impl Fn(Checker<'a, Model<S>>) -> Checker<'a, Model<S>>,
) -> CheckResult<S> {
    let (checks, graphs) = runs(&models[0], &tune, S::clone);
    assert_eq!(checks[2..], checks[..2], "the plain form with two workers");
    assert_eq!(graphs[1], graphs[0], "the plain form's graph with two workers");
    for (m, form) in models[1..].iter().zip([Form::InPlace, Form::Mixed]) {
        let (c, g) = runs(m, &tune, S::clone);
        assert_eq!(c, checks, "{form:?}");
        assert_eq!(g, graphs, "{form:?}");
    }
    checks.into_iter().next().expect("a run").result
}

fn forms<S>(make: impl Fn(Form) -> Model<S>) -> [Model<S>; 3] {
    [make(Form::Plain), make(Form::InPlace), make(Form::Mixed)]
}

/// `n` counters in a `Vec`, each stepping 0..=k and wrapping: (k+1)^n states.
fn counters(form: Form, n: usize, k: u8) -> Model<Vec<u8>> {
    let mut m = Model::new(vec![0u8; n]);
    for i in 0..n {
        m = m.add_action(act(
            form,
            i,
            format!("inc_{i}"),
            |_| true,
            move |s: &mut Vec<u8>| {
                s[i] = if s[i] == k { 0 } else { s[i] + 1 };
            },
        ));
    }
    m.invariant("in-range", move |s: &Vec<u8>| s.iter().all(|c| *c <= k)).terminal(|_| true)
}

#[test]
fn counters_agree() {
    let r = agree(&forms(|f| counters(f, 4, 4)), |c| c);
    assert!(r.ok);
    assert_eq!(r.states_explored, 625);
}

#[test]
fn counters_agree_at_a_cap() {
    let r = agree(&forms(|f| counters(f, 4, 4)), |c| c.max_states(300));
    assert!(r.ok && r.truncated);
    assert_eq!(r.states_explored, 300);
}

/// A service registry: who owns each of `n` names, and the last name touched. `Clone` is
/// written by hand so that `clone_from` refills the string in place.
#[derive(Debug, PartialEq, Eq, Hash)]
struct Registry {
    owners: BTreeMap<String, u8>,
    last: String,
}

impl Clone for Registry {
    fn clone(&self) -> Self {
        Registry { owners: self.owners.clone(), last: self.last.clone() }
    }
    fn clone_from(&mut self, source: &Self) {
        self.owners.clone_from(&source.owners);
        self.last.clone_from(&source.last);
    }
}

fn registry(form: Form, n: usize) -> Model<Registry> {
    let mut m = Model::new(Registry { owners: BTreeMap::new(), last: String::new() });
    let mut k = 0;
    for i in 0..n {
        let name = format!("svc-{i}");
        for c in 0..2u8 {
            let (n1, n2) = (name.clone(), name.clone());
            m = m.add_action(act(
                form,
                k,
                format!("register_{i}_{c}"),
                move |s: &Registry| !s.owners.contains_key(&n1),
                move |s| {
                    s.owners.insert(n2.clone(), c);
                    s.last.clone_from(&n2);
                },
            ));
            k += 1;
        }
        let (n1, n2) = (name.clone(), name.clone());
        m = m.add_action(act(
            form,
            k,
            format!("transfer_{i}"),
            move |s: &Registry| s.owners.contains_key(&n1),
            move |s| {
                if let Some(owner) = s.owners.get_mut(&n2) {
                    *owner = 1 - *owner;
                }
                s.last.clone_from(&n2);
            },
        ));
        k += 1;
        let (n1, n2) = (name.clone(), name);
        m = m.add_action(act(
            form,
            k,
            format!("release_{i}"),
            move |s: &Registry| s.owners.get(&n1) == Some(&1),
            move |s| {
                s.owners.remove(&n2);
                s.last.clear();
            },
        ));
        k += 1;
    }
    m
}

#[test]
fn a_violation_with_strings_and_maps_agrees() {
    let r = agree(
        &forms(|f| {
            registry(f, 3).invariant("not-all-taken-by-0", |s: &Registry| {
                s.owners.len() < 3 || s.owners.values().any(|&o| o != 0)
            })
        }),
        |c| c,
    );
    assert_eq!(r.kind, Some(Kind::Invariant));
    let actions: Vec<&str> = r.trace.iter().map(|s| s.action.as_str()).collect();
    assert_eq!(actions, ["<init>", "register_0_0", "register_1_0", "register_2_0"]);
    assert_eq!(r.trace[3].state.last, "svc-2");
}

#[test]
fn a_registry_without_violation_agrees() {
    let r = agree(&forms(|f| registry(f, 3).invariant("any", |_| true)), |c| c);
    assert!(r.ok);
    // The last name touched is owned (18 ways for each of 3 names), or none is (after a
    // release, or at first: some name is free, 19 ways).
    assert_eq!(r.states_explored, 3 * 18 + 19);
}

#[test]
fn a_deadlock_agrees() {
    let r = agree(
        &forms(|f| {
            let mut m = Model::new(vec![0u8; 3]);
            for i in 0..3 {
                m = m.add_action(act(
                    f,
                    i,
                    format!("inc_{i}"),
                    move |s: &Vec<u8>| s[i] < 2 && s.iter().sum::<u8>() < 4,
                    move |s| s[i] += 1,
                ));
            }
            m.invariant("any", |_| true)
        }),
        |c| c,
    );
    assert_eq!(r.kind, Some(Kind::Deadlock));
    assert_eq!(r.trace.len(), 5);
    assert_eq!(r.trace.last().map(|s| s.state.iter().sum::<u8>()), Some(4));
}

/// `n` processes, each cycling through 0, 1, 2; symmetric in the processes.
fn processes(form: Form, n: usize) -> Model<Vec<u8>> {
    let mut m = Model::new(vec![0u8; n]);
    for i in 0..n {
        m = m.add_action(act(
            form,
            i,
            format!("step_{i}"),
            |_| true,
            move |s: &mut Vec<u8>| s[i] = (s[i] + 1) % 3,
        ));
    }
    m.invariant("not-all-two", |s: &Vec<u8>| s.iter().any(|&p| p != 2))
}

fn sorted(s: &[u8]) -> Vec<u8> {
    let mut t = s.to_vec();
    t.sort_unstable();
    t
}

#[test]
fn symmetry_agrees() {
    let r = agree(&forms(|f| processes(f, 4)), |c| c.canonicalize(|s| sorted(s)));
    assert_eq!(r.kind, Some(Kind::Invariant));
    assert_eq!(r.trace.len(), 9);
    assert!(r.trace.iter().all(|s| s.state == sorted(&s.state)), "only representatives are shown");
}

#[test]
fn symmetry_without_violation_agrees() {
    let r = agree(&forms(|f| processes(f, 4).with_invariants([])), |c| c.canonicalize(|s| sorted(s)));
    assert!(r.ok);
    // Multisets of 4 values out of 3.
    assert_eq!(r.states_explored, 15);
}

#[test]
fn a_key_agrees() {
    let r = agree(&forms(|f| processes(f, 4).with_invariants([])), |c| c.key(|s| sorted(s)));
    assert!(r.ok);
    assert_eq!(r.states_explored, 15);
}

#[test]
fn edge_invariants_agree() {
    let r = agree(
        &forms(|f| {
            counters(f, 3, 2).edge_invariant("inc_1-never-wraps", |a: &Vec<u8>, name: &str, b: &Vec<u8>| {
                name != "inc_1" || b[1] > a[1]
            })
        }),
        |c| c,
    );
    assert_eq!(r.kind, Some(Kind::EdgeInvariant));
    assert_eq!(r.trace.len(), 4);
}

#[test]
fn a_panicking_in_place_effect_is_a_result_naming_the_action_with_its_trace() {
    let models = forms(|f| {
        let mut m = Model::new(vec![0u8; 3]);
        for i in 0..3 {
            m = m.add_action(act(
                f,
                i,
                format!("inc_{i}"),
                |_| true,
                move |s: &mut Vec<u8>| {
                    if i == 1 && s[0] == 2 {
                        panic!("inc_1 at {s:?}");
                    }
                    s[i] = (s[i] + 1) % 3;
                },
            ));
        }
        m.invariant("any", |_| true)
    });
    assert!(models[1].static_action_list().iter().all(|a| a.is_in_place()));
    let r = agree(&models, |c| c);
    assert_eq!(r.kind, Some(Kind::Panic));
    assert_eq!(r.invariant.as_deref(), Some("inc_1"));
    assert_eq!(
        r.trace.iter().map(|s| s.state.clone()).collect::<Vec<_>>(),
        [vec![0, 0, 0], vec![1, 0, 0], vec![2, 0, 0]]
    );
    let fault = r.fault.expect("the fault");
    assert!(fault.message.contains("inc_1 at [2, 0, 0]"), "{fault:?}");
}

#[test]
fn per_state_menus_agree() {
    let r = agree(
        &forms(|f| {
            Model::new(vec![0u8; 3])
                .actions_fn(move |s: &Vec<u8>| {
                    (0..3)
                        .filter(|&i| s[i] < 2)
                        .map(|i| act(f, i, format!("inc_{i}"), |_| true, move |s: &mut Vec<u8>| s[i] += 1))
                        .collect()
                })
                .footprint(|s: &Vec<u8>| s.iter().map(|&c| c < 2).collect::<Vec<_>>())
                .terminal(|s| s.iter().all(|&c| c == 2))
        }),
        |c| c,
    );
    assert!(r.ok);
    assert_eq!(r.states_explored, 27);
}

#[test]
fn fault_kits_keep_the_form() {
    let make = |f: Form| {
        let glitch = act(f, 1, "glitch", |_: &(Vec<u8>, bool, usize)| true, |s| s.0[0] = (s.0[0] + 1) % 4);
        let bump = act(f, 1, "bump", |_: &(Vec<u8>, bool, usize)| true, |s| s.0[1] = (s.0[1] + 1) % 4);
        let one = once(glitch, |s| s.1, |s| (s.0.clone(), true, s.2));
        let three = budget(bump, 3, |s| s.2, |s| (s.0.clone(), s.1, s.2 + 1));
        assert_eq!(one.is_in_place(), f != Form::Plain);
        Model::new((vec![0u8; 2], false, 0usize)).add_action(one).add_action(three).terminal(|_| true)
    };
    let r = agree(&forms(make), |c| c);
    assert!(r.ok);
    assert_eq!(r.states_explored, 2 * 4);
}

#[test]
fn partial_order_reduction_agrees() {
    let make = |f: Form| {
        let mut m = Model::new(vec![0u8; 3]);
        for i in 0..3 {
            m = m.add_action(act(f, i, format!("inc{i}"), move |c: &Vec<u8>| c[i] < 3, move |c| c[i] += 1));
        }
        m.invariant("c0 small", |c| c[0] <= 3).terminal(|c| *c == [3, 3, 3])
    };
    let mut fp = Footprints::new().invariant("c0 small", ["c0"]);
    for i in 0..3 {
        let v = format!("c{i}");
        fp = fp.action(format!("inc{i}"), Footprint::new().reads([v.clone()]).writes([v]));
    }
    let models = forms(make);
    let reduced: Vec<_> = models
        .iter()
        .flat_map(|m| {
            [1, 2].map(|w| {
                let c = Checker::new(m).workers(w).parallel_level(1).partial_order(&fp).expect("a reduction");
                (c.check(), c.explore().len())
            })
        })
        .collect();
    assert!(reduced.iter().all(|r| r == &reduced[0]), "{reduced:?}");
    assert!(reduced[0].0.ok);
    assert_eq!(reduced[0].1, 10);
}

#[test]
fn open_systems_agree() {
    use musil::open::{Assumption, EnvironmentSpec, check_open, check_open_assuming};
    // A job queue the platform may drop jobs from, at most once (an assumption).
    let run = |s: &mut Vec<u8>| {
        s.remove(0);
    };
    let system = |f: Form| {
        Model::new(vec![1u8, 2, 3])
            .add_action(act(f, 1, "run", |q: &Vec<u8>| !q.is_empty(), run))
            .invariant("keeps-the-last-job", |q: &Vec<u8>| q.is_empty() || q.last() == Some(&3))
            .terminal(|q| q.is_empty())
    };
    let env = |f: Form| {
        EnvironmentSpec::new("platform")
            .add_behaviour(act(
                f,
                1,
                "drop",
                |q: &Vec<u8>| q.len() > 1,
                |q| {
                    q.pop();
                },
            ))
            .assumption(
                Assumption::new("drops-once", "the platform drops one job at most").at_most(["drop"], 1),
            )
    };
    let results: Vec<_> = [Form::Plain, Form::InPlace, Form::Mixed]
        .into_iter()
        .map(|f| {
            let open = check_open(&system(f), &[env(f)]);
            let assuming =
                check_open_assuming(&system(f), &[env(f)], ["drops-once"]).expect("known assumptions");
            (open.result, assuming.result)
        })
        .collect();
    assert!(results.iter().all(|r| r == &results[0]), "{results:?}");
    assert_eq!(results[0].0.kind, Some(Kind::Invariant));
    assert_eq!(results[0].0.action_names(), ["drop"]);
    // The behaviour built in place by the environment's own builder.
    let built = EnvironmentSpec::new("platform").behaviour_in_place(
        "drop",
        |q: &Vec<u8>| q.len() > 1,
        |q| {
            q.pop();
        },
    );
    assert_eq!(check_open(&system(Form::InPlace), &[built]).result, results[0].0);
}

#[test]
fn outside_a_search_an_in_place_action_edits_a_clone() {
    let m = counters(Form::InPlace, 2, 2);
    let before = vec![2u8, 0];
    let inc0 = m.static_action_list()[0].clone();
    assert_eq!(inc0.apply(&before), [0, 0]);
    assert_eq!(before, [2, 0]);
    // Replaying a trace and simulating use the owned form.
    let r = Checker::new(&m).replay_actions(&["inc_0", "inc_0", "inc_1"]).expect("a replay");
    assert_eq!(r.trace.last().map(|s: &Step<Vec<u8>>| s.state.clone()), Some(vec![2, 1]));
    let g = Checker::new(&m).explore();
    assert_eq!(g.len(), 9);
}

// ---------------------------------------------------------------------------------------------
fn tuned<'a>(spec: &Spec, c: Checker<'a, Model<Vec<u8>>>) -> Checker<'a, Model<Vec<u8>>> {
    let mut c = c.max_states(spec.cap);
    if let Some(t) = spec.canon.clone() {
        c = c.canonicalize(move |s| shown(t[s[0] as usize]));
    }
    if let Some(t) = spec.key.clone() {
        c = c.key(move |s| t[s[0] as usize]);
    }
    c
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn the_forms_agree_on_random_models(spec in spec()) {
        let plain = model(&spec, Some(false));
        let (checks, graphs) = runs(&plain, &|c| tuned(&spec, c), Vec::clone);
        prop_assert_eq!(&checks[2..], &checks[..2]);
        prop_assert_eq!(&graphs[1], &graphs[0]);
        for in_place in [Some(true), None] {
            let m = model(&spec, in_place);
            let (c, g) = runs(&m, &|c| tuned(&spec, c), Vec::clone);
            prop_assert_eq!(&c, &checks, "in place: {:?}", in_place);
            prop_assert_eq!(&g, &graphs, "in place: {:?}", in_place);
        }
    }
}
