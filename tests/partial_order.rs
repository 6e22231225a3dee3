//! Partial-order reduction against the full check: on random models with honest footprints the
//! reduced check finds the same broken invariants and the same deadlock verdict, the same way
//! with any number of workers and in fingerprint mode; what it cannot preserve it refuses.

use std::collections::BTreeSet;

use musil::por::{Footprint, Footprints, footprints_sound};
use musil::{Checker, Config, DistinctBy, ErrorKind, Kind, Model};
use proptest::prelude::*;

const VARS: usize = 4;
type St = [u8; VARS];

/// One generated action: when every conjunct of `guard` holds (`s[var] == value`), `s[write]
/// := (s[read] + add) % 3`; `conjuncts` says whether its footprint declares them one by one.
#[derive(Clone, Debug)]
struct Act {
    guard: Vec<(usize, u8)>,
    conjuncts: bool,
    read: usize,
    write: usize,
    add: u8,
}

/// One generated invariant: `s[a] != x`, or `!(s[a] == x && s[b] == y)`.
#[derive(Clone, Debug)]
struct Inv {
    a: (usize, u8),
    b: Option<(usize, u8)>,
}

fn var(i: usize) -> String {
    format!("v{i}")
}

fn build(acts: &[Act], invs: &[Inv], terminal: bool) -> (Model<St>, Footprints<St>) {
    let mut m = Model::new([0u8; VARS]);
    let mut fp = Footprints::new();
    for (k, a) in acts.iter().enumerate() {
        let a = a.clone();
        let name = format!("a{k}");
        let g = a.guard.clone();
        m = m.action(
            name.clone(),
            move |s: &St| g.iter().all(|&(v, x)| s[v] == x),
            move |s: &St| {
                let mut t = *s;
                t[a.write] = (s[a.read] + a.add) % 3;
                t
            },
        );
        let mut f = Footprint::new().reads([var(a.read)]).writes([var(a.write)]);
        for &(v, x) in &a.guard {
            f = if a.conjuncts { f.when([var(v)], move |s: &St| s[v] == x) } else { f.reads([var(v)]) };
        }
        fp = fp.action(name, f);
    }
    for (k, i) in invs.iter().enumerate() {
        let i = i.clone();
        let name = format!("inv{k}");
        m = m.invariant(name.clone(), move |s: &St| {
            !(s[i.a.0] == i.a.1 && i.b.is_none_or(|(v, y)| s[v] == y))
        });
        let mut reads = vec![var(i.a.0)];
        if let Some((v, _)) = i.b {
            reads.push(var(v));
        }
        fp = fp.invariant(name, reads);
    }
    if terminal {
        m = m.terminal(|s: &St| s[0] == 2);
    }
    (m, fp)
}

fn act() -> impl Strategy<Value = Act> {
    (proptest::collection::vec((0..VARS, 0u8..3), 0..3), any::<bool>(), 0..VARS, 0..VARS, 1u8..3)
        .prop_map(|(guard, conjuncts, read, write, add)| Act { guard, conjuncts, read, write, add })
}

fn inv() -> impl Strategy<Value = Inv> {
    ((0..VARS, 0u8..3), proptest::option::of((0..VARS, 0u8..3))).prop_map(|(a, b)| Inv { a, b })
}

/// What a check_all found: each broken invariant's name, and `deadlock`.
fn problems(v: &musil::Violations<St>) -> BTreeSet<String> {
    v.iter()
        .map(|r| match r.kind {
            Some(Kind::Deadlock) => "deadlock".to_owned(),
            _ => r.invariant.clone().unwrap_or_default(),
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 600, ..ProptestConfig::default() })]

    #[test]
    fn the_reduced_check_finds_what_the_full_check_finds(
        acts in proptest::collection::vec(act(), 1..7),
        invs in proptest::collection::vec(inv(), 0..3),
        terminal in any::<bool>(),
    ) {
        let (m, fp) = build(&acts, &invs, terminal);
        prop_assert!(footprints_sound(&m, &fp, 1_000).unwrap(), "the generated footprints are honest");
        let full = Checker::new(&m).check_all(DistinctBy::Invariant);
        let reduced = Checker::new(&m).partial_order(&fp).unwrap().check_all(DistinctBy::Invariant);
        prop_assert_eq!(problems(&reduced), problems(&full));
        let full_check = Checker::new(&m).check();
        let reduced_check = Checker::new(&m).partial_order(&fp).unwrap().check();
        prop_assert_eq!(full_check.ok, reduced_check.ok);
        // Any number of workers, fingerprint mode: the same reduced answer.
        for config in [Config::new().workers(2).parallel_level(1), Config::new().fingerprint(true)] {
            let again = Checker::new(&m).config(config).partial_order(&fp).unwrap().check();
            prop_assert_eq!(&again.kind, &reduced_check.kind);
            prop_assert_eq!(again.states_explored, reduced_check.states_explored);
            prop_assert_eq!(again.action_names(), reduced_check.action_names());
        }
        let g_full = Checker::new(&m).explore();
        let g_reduced = Checker::new(&m).partial_order(&fp).unwrap().explore();
        // The reduced graph is part of the full one (a first problem may still be met later
        // in the reduced search, whose paths can be longer).
        prop_assert!(g_reduced.len() <= g_full.len());
        prop_assert!(g_reduced.states().all(|s| g_full.states().any(|t| t == s)));
    }
}

/// The model of the spec's figures: `inc_a` (a < 2) and `inc_b` (b < 2) over `(a, b)`.
fn two() -> Model<(u8, u8)> {
    Model::new((0u8, 0u8))
        .action("inc_a", |s| s.0 < 2, |s| (s.0 + 1, s.1))
        .action("inc_b", |s| s.1 < 2, |s| (s.0, s.1 + 1))
        .terminal(|s| *s == (2, 2))
}

fn two_fp() -> Footprints<(u8, u8)> {
    Footprints::new()
        .action("inc_a", Footprint::new().reads(["a"]).writes(["a"]))
        .action("inc_b", Footprint::new().reads(["b"]).writes(["b"]))
}

#[test]
fn independent_counters_take_one_order() {
    let full = Checker::new(&two()).check();
    let reduced = Checker::new(&two()).partial_order(&two_fp()).unwrap().check();
    assert_eq!(full.states_explored, 9);
    assert_eq!(reduced.states_explored, 5);
    assert!(full.ok && reduced.ok);
    let g = Checker::new(&two()).partial_order(&two_fp()).unwrap().explore();
    assert_eq!(g.states().copied().collect::<Vec<_>>(), [(0, 0), (1, 0), (2, 0), (2, 1), (2, 2)]);
}

#[test]
fn an_invariant_over_two_variables_makes_their_writers_visible() {
    // `a + b != 3` reads both: reducing to one order would still pass through (2, 1), but the
    // rule is the rule: writers of both are visible, so nothing is reduced and the verdict
    // stands.
    let m = two().invariant("sum-not-3", |s| s.0 + s.1 != 3);
    let fp = two_fp().invariant("sum-not-3", ["a", "b"]);
    let reduced = Checker::new(&m).partial_order(&fp).unwrap().check();
    assert_eq!(reduced.kind, Some(Kind::Invariant));
    assert_eq!(reduced.states_explored, Checker::new(&m).check().states_explored);
    // Undeclared, it counts as reading everything: the same.
    let undeclared = Checker::new(&m).partial_order(&two_fp()).unwrap().check();
    assert_eq!(undeclared.states_explored, reduced.states_explored);
    // Over one variable, the reduction applies and still finds `b == 2`.
    let m = two().invariant("b-not-2", |s| s.1 != 2);
    let fp = two_fp().invariant("b-not-2", ["b"]);
    let r = Checker::new(&m).partial_order(&fp).unwrap().check();
    assert_eq!(r.invariant.as_deref(), Some("b-not-2"));
}

#[test]
fn a_cycle_does_not_postpone_an_action_forever() {
    // `spin` loops on its own variable forever; `go` is independent of it and leads to the
    // bad state. Ample {spin} everywhere would never fire `go`: the proviso expands in full
    // where `spin` closes its cycle.
    let m = Model::new((0u8, false))
        .action("spin", |_| true, |s| ((s.0 + 1) % 3, s.1))
        .action("go", |s| !s.1, |s| (s.0, true))
        .invariant("never-gone", |s| !s.1);
    let fp = Footprints::new()
        .action("spin", Footprint::new().reads(["n"]).writes(["n"]))
        .action("go", Footprint::new().reads(["gone"]).writes(["gone"]))
        .invariant("never-gone", ["gone"]);
    let r = Checker::new(&m).partial_order(&fp).unwrap().check();
    assert_eq!(r.invariant.as_deref(), Some("never-gone"));
}

#[test]
fn what_the_reduction_does_not_preserve_is_refused() {
    let err = |r: Result<musil::por::Reduced<'_, Model<(u8, u8)>>, musil::Error>| r.unwrap_err();
    let with_edge = two().edge_invariant("monotone", |a, _, b| a.0 <= b.0);
    let e = err(Checker::new(&with_edge).partial_order(&two_fp()));
    assert!(e.message().contains("edge invariants"), "{e}");
    let m = two();
    let sym = Checker::new(&m).canonicalize(|s| (s.0.min(s.1), s.0.max(s.1)));
    assert!(err(sym.partial_order(&two_fp())).message().contains("symmetry"));
    let unknown = two_fp().action("inc_c", Footprint::new());
    assert_eq!(err(Checker::new(&two()).partial_order(&unknown)).kind(), ErrorKind::UnknownAction);
    let no_such = two_fp().invariant("nope", ["a"]);
    assert!(err(Checker::new(&two()).partial_order(&no_such)).message().contains("nope"));
    let menu = Model::new((0u8, 0u8)).actions_fn(|_| Vec::new());
    let e = Checker::new(&menu).partial_order(&two_fp()).unwrap_err();
    assert!(e.message().contains("per-state menu"), "{e}");
}

#[test]
fn dishonest_footprints_are_caught_on_the_reachable_states() {
    // `inc_b` claims not to read `a`, but its guard does: footprints_sound says so.
    let m = Model::new((0u8, 0u8)).action("inc_a", |s| s.0 < 2, |s| (s.0 + 1, s.1)).action(
        "inc_b",
        |s| s.1 < 2 && s.0 == 0,
        |s| (s.0, s.1 + 1),
    );
    assert!(!footprints_sound(&m, &two_fp(), 1_000).unwrap());
    assert!(footprints_sound(&two(), &two_fp(), 1_000).unwrap());
}

#[allow(dead_code)]
#[path = "../examples/partial_order.rs"]
mod partial_order;

#[test]
fn the_partial_order_example_on_the_shared_models() {
    let rows = partial_order::run();
    let figures: Vec<(&str, usize, usize, bool)> = rows
        .iter()
        .map(|r| (r.name.as_str(), r.full.states_explored, r.reduced.states_explored, r.same_verdict()))
        .collect();
    // The shared models' counts are MODELS.md's; the token ring keeps one order of its `want`
    // steps (see the example's rustdoc for why the others lose no states), and the finishing
    // `workers` model one order of everything.
    assert_eq!(
        figures,
        [
            ("counters 4 9", 10_000, 10_000, true),
            ("token-ring 8", 3_072, 32, true),
            ("phils 10", 5_741, 5_741, true),
            ("2pc 4", 1_568, 1_568, true),
            ("workers 4 9", 10_000, 37, true),
        ]
    );
    assert!(rows.iter().all(|r| r.full.ok && r.reduced.ok));
    // Counters keep their states but not their transitions: one successor per state.
    assert_eq!(rows[0].transitions, (40_000, 10_003));
}

/// The spec's `inc_a_first`: the enabled `inc_a` if any, else everything enabled.
fn inc_a_first(_: &(u8, u8), enabled: &[&str]) -> Vec<String> {
    if enabled.contains(&"inc_a") {
        vec!["inc_a".to_owned()]
    } else {
        enabled.iter().map(|s| s.to_string()).collect()
    }
}

fn identity(_: &(u8, u8), enabled: &[&str]) -> Vec<String> {
    enabled.iter().map(|s| s.to_string()).collect()
}

#[test]
fn independent_at_one_state_as_the_original_computes_it() {
    use musil::por::independent;
    let m = two();
    assert!(independent(&m, "inc_a", "inc_b", &(0, 0)));
    assert!(!independent(&m, "inc_a", "inc_b", &(2, 0)));
    assert!(independent(&m, "inc_a", "inc_a", &(0, 0)));
    assert!(!independent(&m, "inc_a", "inc_a", &(1, 0)));
    let sets = Model::new(0u8).action("set0", |_| true, |_| 0).action("set1", |_| true, |_| 1);
    assert!(!independent(&sets, "set0", "set1", &0));
}

#[test]
fn explore_por_with_the_callers_sets_checked() {
    use musil::por::{explore_por, por_sound};
    let full = musil::explore(&two());
    let same = explore_por(&two(), identity).unwrap();
    assert_eq!(same.states().collect::<Vec<_>>(), full.states().collect::<Vec<_>>());
    let reduced = explore_por(&two(), inc_a_first).unwrap();
    assert_eq!(reduced.states().copied().collect::<Vec<_>>(), [(0, 0), (1, 0), (2, 0), (2, 1), (2, 2)]);
    // The gate, on the spec's models.
    let sum = two().invariant("sum-not-3", |s| s.0 + s.1 != 3);
    assert!(por_sound(&sum, identity, 1_000).unwrap());
    assert!(por_sound(&sum, inc_a_first, 1_000).unwrap());
    // The original applied a disabled action without its guard and took an empty set for a
    // dead end; both are refused here, naming the state.
    let b_not_2 = two().invariant("b-not-2", |s| s.1 != 2);
    let without_b = |_: &(u8, u8), enabled: &[&str]| -> Vec<String> {
        enabled.iter().filter(|a| **a != "inc_b").map(|s| s.to_string()).collect()
    };
    let e = por_sound(&b_not_2, without_b, 1_000).unwrap_err();
    assert!(e.message().contains("empty"), "{e}");
    let e = explore_por(&two(), |_, _| vec!["inc_a".to_owned()]).unwrap_err();
    assert!(e.message().contains("(2, 0)") && e.message().contains("not enabled"), "{e}");
    let e = explore_por(&two(), |_, _| vec!["inc_a".to_owned(), "inc_a".to_owned()]).unwrap_err();
    assert!(e.message().contains("twice"), "{e}");
}

#[test]
fn por_sound_also_compares_deadlocks() {
    use musil::por::por_sound;
    // `crash` from (0, 0) only, to a dead end that is not terminal. No invariant at all: the
    // original's gate passed any set here; deferring `crash` hides the deadlock.
    let m = two().action("crash", |s| *s == (0, 0), |_| (9, 9));
    assert_eq!(musil::check(&m).kind, Some(Kind::Deadlock));
    let no_crash = |_: &(u8, u8), enabled: &[&str]| -> Vec<String> {
        let keep: Vec<String> = enabled.iter().filter(|a| **a != "crash").map(|s| s.to_string()).collect();
        if keep.is_empty() { enabled.iter().map(|s| s.to_string()).collect() } else { keep }
    };
    assert!(!por_sound(&m, no_crash, 1_000).unwrap());
    assert!(por_sound(&m, |_, enabled| enabled.iter().map(|s| s.to_string()).collect(), 1_000).unwrap());
}

#[test]
fn a_panic_in_the_callers_ample_sets_is_a_result_naming_it() {
    let g = musil::por::explore_por(&two(), |s, enabled| {
        assert!(*s != (1, 0), "no sets at (1, 0)");
        enabled.iter().map(|a| a.to_string()).collect()
    })
    .unwrap();
    let f = g.fault().expect("the panic stopped the exploration");
    assert_eq!(f.fault.callback, "ample");
    assert!(f.fault.message.contains("no sets at (1, 0)"));
    assert_eq!(f.trace.last().map(|s| s.state), Some((1, 0)));
}

#[test]
fn the_examples_footprints_are_honest() {
    let (m, fp) = partial_order::token_ring(4);
    assert!(footprints_sound(&m, &fp, 10_000).unwrap());
    let (m, fp) = partial_order::two_phase(3);
    assert!(footprints_sound(&m, &fp, 10_000).unwrap());
    let (m, fp) = partial_order::phils(4);
    assert!(footprints_sound(&m, &fp, 10_000).unwrap());
}

#[test]
fn a_broken_token_ring_is_still_caught_reduced() {
    // `enter` without the token: two nodes can be critical at once. The reduced search keeps
    // one order of the `want` steps and still finds it, with 1, 2 workers and fingerprints.
    let n = 5;
    let (mut m, mut fp) = (Model::new(vec![0u8; n + 1]).terminal(|_| true), Footprints::new());
    for i in 0..n {
        let (w, c) = (format!("waiting{i}"), format!("critical{i}"));
        let set = move |v: u8| {
            move |s: &Vec<u8>| {
                let mut t = s.clone();
                t[1 + i] = v;
                t
            }
        };
        m = m
            .action(format!("want_{i}"), move |s: &Vec<u8>| s[1 + i] == 0, set(1))
            .action(format!("enter_{i}"), move |s: &Vec<u8>| s[1 + i] == 1, set(2))
            .action(format!("exit_{i}"), move |s: &Vec<u8>| s[1 + i] == 2, set(0));
        fp = fp
            .action(
                format!("want_{i}"),
                Footprint::new()
                    .when([&w], move |s: &Vec<u8>| s[1 + i] != 1)
                    .when([&c], move |s: &Vec<u8>| s[1 + i] != 2)
                    .writes([&w]),
            )
            .action(
                format!("enter_{i}"),
                Footprint::new().when([&w], move |s: &Vec<u8>| s[1 + i] == 1).writes([&w, &c]),
            )
            .action(
                format!("exit_{i}"),
                Footprint::new().when([&c], move |s: &Vec<u8>| s[1 + i] == 2).writes([&c]),
            );
    }
    m = m.invariant("mutual-exclusion", |s: &Vec<u8>| s[1..].iter().filter(|p| **p == 2).count() <= 1);
    let fp = fp.invariant("mutual-exclusion", (0..n).map(|i| format!("critical{i}")));
    assert!(footprints_sound(&m, &fp, 10_000).unwrap());
    let full = Checker::new(&m).check();
    assert_eq!(full.invariant.as_deref(), Some("mutual-exclusion"));
    for config in [Config::new(), Config::new().workers(2).parallel_level(1), Config::new().fingerprint(true)]
    {
        let r = Checker::new(&m).config(config).partial_order(&fp).unwrap().check();
        assert_eq!(r.invariant.as_deref(), Some("mutual-exclusion"));
        assert!(
            r.states_explored < full.states_explored,
            "{} vs {}",
            r.states_explored,
            full.states_explored
        );
    }
}

#[test]
fn dishonest_conjuncts_are_caught_on_the_reachable_states() {
    // A conjunct that does not hold where its action is enabled.
    let not_needed = Footprints::new()
        .action("inc_a", Footprint::new().when(["a"], |s: &(u8, u8)| s.0 == 0).writes(["a"]))
        .action("inc_b", Footprint::new().reads(["b"]).writes(["b"]));
    assert!(!footprints_sound(&two(), &not_needed, 1_000).unwrap());
    // A conjunct that reads a variable it does not name (`inc_a` changes it).
    let hidden = Footprints::new()
        .action("inc_a", Footprint::new().reads(["a"]).writes(["a"]))
        .action("inc_b", Footprint::new().when(["b"], |s: &(u8, u8)| s.1 < 2 && s.0 < 9).writes(["b"]));
    assert!(footprints_sound(&two(), &hidden, 1_000).unwrap(), "true where `a` never reaches 9");
    let hidden = Footprints::new()
        .action("inc_a", Footprint::new().reads(["a"]).writes(["a"]))
        .action("inc_b", Footprint::new().when(["b"], |s: &(u8, u8)| s.1 < 2 && s.0 < 1).writes(["b"]));
    assert!(!footprints_sound(&two(), &hidden, 1_000).unwrap());
    // An invariant that reads a variable it does not name.
    let m = two().invariant("sum-small", |s| s.0 + s.1 < 4);
    assert!(!footprints_sound(&m, &two_fp().invariant("sum-small", ["b"]), 1_000).unwrap());
    assert!(footprints_sound(&m, &two_fp().invariant("sum-small", ["a", "b"]), 1_000).unwrap());
}

#[test]
fn a_panicking_conjunct_is_a_result_naming_the_action() {
    // `inc_a` reads `c`, so where `inc_c` is disabled and `inc_a` is a candidate, the reduction
    // asks `inc_c`'s conjunct, which panics.
    let m = Model::new((0u8, 0u8, 0u8))
        .action("inc_a", |s| s.0 < 2, |s| (s.0 + 1, s.1, s.2))
        .action("spin", |_| true, |s| (s.0, (s.1 + 1) % 3, s.2))
        .action("inc_c", |s| s.2 < 1, |s| (s.0, s.1, s.2 + 1));
    let fp = Footprints::new()
        .action("inc_a", Footprint::new().reads(["a", "c"]).writes(["a"]))
        .action("spin", Footprint::new().reads(["b"]).writes(["b"]))
        .action(
            "inc_c",
            Footprint::new()
                .when(["c"], |s: &(u8, u8, u8)| if s.2 >= 1 { panic!("no c") } else { true })
                .writes(["c"]),
        );
    let r = Checker::new(&m).partial_order(&fp).unwrap().check();
    let fault = r.fault.expect("the panic is reported");
    assert_eq!(fault.name.as_deref(), Some("inc_c"));
    assert!(fault.message.contains("no c"), "{}", fault.message);
}
