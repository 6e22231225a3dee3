//! k-induction: the example's reference facts, the original's figures (spec analyses.md §2.6)
//! and edge cases (§9), what musil adds (paths, raising k, domains from types, panics as
//! results, a capped base case), and a property test against a naive transcription of the
//! original's algorithm.

#[allow(dead_code)]
#[path = "../examples/induction.rs"]
mod example;

use std::collections::{HashSet, VecDeque};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use musil::induction::{Claim, Domain, FROM_DOMAIN, Failure, Induction, Range, Values};
use musil::{
    ErrorKind, Invariant, Limit, Model, Verdict, assert_ok, assert_violates, check, check_inductive,
};
use proptest::prelude::*;

// ---------------------------------------------------------------------------------------------
// The example

#[test]
fn example_reference_facts() {
    let example::Facts { bounded, weak, strong, raised } = example::run();
    // "check (bounded sweep) says x <= 8 holds: True" (5 states: 0, 2, 4, 6, 8)
    assert!(bounded.proved());
    assert_eq!(bounded.to_string(), "OK — 5 states, no violations");
    // "check_inductive on 'x <= 8': proven = False", CTI Counter(x=7) --step--> Counter(x=9)
    assert!(!weak.proven);
    assert_eq!(weak.failure, Some(Failure::Step));
    assert_eq!(weak.state, Some(example::Counter { x: 7 }));
    assert_eq!(weak.action.as_deref(), Some("step"));
    assert_eq!(weak.successor, Some(example::Counter { x: 9 }));
    assert_eq!(weak.reason, None);
    assert_eq!(
        weak.to_string(),
        "NOT INDUCTIVE (k=1): counterexample-to-induction\n  I holds at: Counter { x: 7 }\n  \
         --step--> Counter { x: 9 }   (violates I)\n  strengthen I to exclude this pre-state, or raise k"
    );
    // "check_inductive on the strengthened 'x <= 8 and x even': proven = True"
    assert!(strong.proven);
    assert_eq!(
        strong.to_string(),
        "INDUCTIVE (k=1) — I holds initially and is preserved by every action over the domain"
    );
    // Beyond the original (which agrees when run with k = 5: proven; k = 1..4: the same CTI).
    assert!(raised.proven);
    assert_eq!(raised.k, 5);
}

#[test]
fn example_domain_from_the_type_is_zero_to_nine() {
    let all: Vec<u8> = example::Counter::values().into_iter().map(|c| c.x).collect();
    assert_eq!(all, (0..10).collect::<Vec<u8>>());
    let m = example::model();
    for k in 1..=4 {
        let r = musil::Checker::new(&m)
            .check_inductive(example::within_bound, &Induction::enumerate().k(k))
            .unwrap();
        assert_eq!((r.state.unwrap().x, r.successor.unwrap().x), (7, 9), "k = {k}");
        assert_eq!(r.path.len(), k + 1);
        assert_eq!(r.path[0].state.x, 9 - 2 * k as u8);
    }
}

// ---------------------------------------------------------------------------------------------
// Model A of the spec: C(n), add2 while n + 2 <= 4, terminal everywhere, DOMAIN = C(0)..C(4)

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct C {
    n: u8,
}

fn add2(init: u8) -> Model<C> {
    Model::new(C { n: init }).action("add2", |s| s.n + 2 <= 4, |s| C { n: s.n + 2 }).terminal(|_| true)
}

fn domain() -> Vec<C> {
    (0..5).map(|n| C { n }).collect()
}

fn c(n: u8) -> Option<C> {
    Some(C { n })
}

#[test]
fn figure_proven_for_a_1_inductive_invariant() {
    let r = check_inductive(&add2(0), |s: &C| s.n <= 4, domain(), 1).unwrap();
    assert!(r.proven && r.ok());
    assert_eq!((r.failure, &r.state, &r.action, &r.successor, &r.reason), (None, &None, &None, &None, &None));
    assert!(r.path.is_empty());
    assert_ok!(r);
}

#[test]
fn figure_step_counterexample_from_an_unreachable_state() {
    let r = check_inductive(&add2(0), |s: &C| s.n != 3, domain(), 1).unwrap();
    assert!(!r.proven);
    assert_eq!(r.failure, Some(Failure::Step));
    assert_eq!((r.state.clone(), r.action.as_deref(), r.successor.clone()), (c(1), Some("add2"), c(3)));
    assert_eq!(r.reason, None);
    assert_eq!(
        r.to_string(),
        "NOT INDUCTIVE (k=1): counterexample-to-induction\n  I holds at: C { n: 1 }\n  \
         --add2--> C { n: 3 }   (violates I)\n  strengthen I to exclude this pre-state, or raise k"
    );
    assert_violates!(r, via = ["add2"], witness = |s: &C| s.n == 3);
}

#[test]
fn figure_k_2_proves_what_k_1_could_not() {
    let inv = |s: &C| s.n != 3;
    assert!(!check_inductive(&add2(0), inv, domain(), 1).unwrap().proven);
    let r = check_inductive(&add2(0), inv, domain(), 2).unwrap();
    assert!(r.proven);
    assert_eq!(
        r.to_string(),
        "INDUCTIVE (k=2) — I holds initially and is preserved by every action over the domain"
    );
}

#[test]
fn figure_base_case_catches_an_initial_violation() {
    let r = check_inductive(&add2(3), |s: &C| s.n != 3, domain(), 1).unwrap();
    assert_eq!(r.failure, Some(Failure::Base));
    assert_eq!(r.state, c(3));
    // §9.5: a base failure sets only the state (and perhaps the reason).
    assert_eq!((r.action.as_deref(), r.successor.clone()), (None, None));
    assert_eq!(
        r.to_string(),
        "NOT INDUCTIVE (k=1): base case — a state reachable within 0 step(s) violates I\n  C { n: 3 }"
    );
}

#[test]
fn figure_reason_is_carried_and_printed() {
    let inv = |s: &C| if s.n == 3 { Verdict::from("n reached 3") } else { Verdict::Holds };
    let r = check_inductive(&add2(0), inv, domain(), 1).unwrap();
    assert_eq!(r.reason.as_deref(), Some("n reached 3"));
    assert!(r.to_string().starts_with("NOT INDUCTIVE (k=1): counterexample-to-induction — n reached 3\n"));
    // The base case with reason `three` [run].
    let r =
        check_inductive(&add2(3), |s: &C| if s.n == 3 { Err("three") } else { Ok(()) }, domain(), 1).unwrap();
    assert_eq!(
        r.to_string(),
        "NOT INDUCTIVE (k=1): base case — a state reachable within 0 step(s) violates I — three\n  C { n: 3 }"
    );
    // §9.12: an empty reason is no reason.
    let r = check_inductive(&add2(0), |s: &C| if s.n == 3 { Some("") } else { None }, domain(), 1).unwrap();
    assert_eq!((r.failure, r.state.clone(), r.reason.clone()), (Some(Failure::Step), c(1), None));
    assert!(r.to_string().starts_with("NOT INDUCTIVE (k=1): counterexample-to-induction\n"));
}

#[test]
fn figure_a_reachable_only_domain_proves_nothing_new() {
    let reachable = [0, 2, 4].map(|n| C { n });
    assert!(check_inductive(&add2(0), |s: &C| s.n != 3, reachable, 1).unwrap().proven);
}

#[test]
fn figure_k_must_be_positive_and_is_refused_before_anything_runs() {
    let calls = Arc::new(AtomicUsize::new(0));
    let seen = calls.clone();
    let inv = move |_: &C| {
        seen.fetch_add(1, Ordering::Relaxed);
        true
    };
    let e = check_inductive(&add2(0), inv, domain(), 0).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert_eq!(e.message(), "k must be >= 1, got 0");
    assert_eq!(calls.load(Ordering::Relaxed), 0);
}

#[test]
fn figure_init_1_at_k_1_2_3() {
    let inv = |s: &C| s.n != 3;
    let r = check_inductive(&add2(1), inv, domain(), 2).unwrap();
    assert_eq!((r.failure, r.state.clone()), (Some(Failure::Base), c(3)));
    assert_eq!(
        r.to_string(),
        "NOT INDUCTIVE (k=2): base case — a state reachable within 1 step(s) violates I\n  C { n: 3 }"
    );
    let r = check_inductive(&add2(1), inv, domain(), 1).unwrap();
    assert_eq!((r.failure, r.state.clone(), r.successor.clone()), (Some(Failure::Step), c(1), c(3)));
    let r = check_inductive(&add2(1), inv, domain(), 3).unwrap();
    assert_eq!((r.failure, r.state.clone()), (Some(Failure::Base), c(3)));
    assert!(r.to_string().contains("within 2 step(s)"));
}

#[test]
fn figure_domain_states_that_violate_are_skipped() {
    // §9.6: C(7) fails n <= 4, so it starts no path.
    assert!(check_inductive(&add2(0), |s: &C| s.n <= 4, [C { n: 7 }, C { n: 2 }], 1).unwrap().proven);
    // Were the violating 5 not skipped, 5 -> 6 would be a CTI.
    let inc = Model::new(C { n: 0 }).action("inc", |s| s.n < 9, |s| C { n: s.n + 1 });
    assert!(check_inductive(&inc, |s: &C| s.n != 5 && s.n != 6, [C { n: 5 }], 1).unwrap().proven);
}

#[test]
fn figure_step_paths_may_leave_the_domain() {
    // §9.7: the successor C(3) is not in the domain.
    let r = check_inductive(&add2(0), |s: &C| s.n != 3, [C { n: 1 }], 1).unwrap();
    assert_eq!((r.failure, r.state.clone(), r.successor.clone()), (Some(Failure::Step), c(1), c(3)));
    // And so may intermediate states: 0 -> 1 -> 2 with a domain of {0}.
    let inc = Model::new(C { n: 0 }).action("inc", |s| s.n < 9, |s| C { n: s.n + 1 });
    let r = check_inductive(&inc, |s: &C| s.n != 2, [C { n: 0 }], 2).unwrap();
    assert_eq!((r.state.clone(), r.successor.clone()), (c(1), c(2)));
}

// ---------------------------------------------------------------------------------------------
// Edge cases (§9)

#[test]
fn base_tests_initial_states_in_order_first_violator_wins() {
    // §9.2
    let m = Model::with_initial_states([1, 5, 3, 5].map(|n| C { n })).terminal(|_| true);
    let r = check_inductive(&m, |s: &C| s.n != 3 && s.n != 5, Vec::new(), 1).unwrap();
    assert_eq!((r.failure, r.state.clone()), (Some(Failure::Base), c(5)));
    assert_eq!(r.path.len(), 1);
    assert_eq!(r.path[0].action, "<init>");
}

#[test]
fn base_expands_to_depth_k_minus_1_and_reports_in_generation_order() {
    // §9.3: a chain 0 -> 1 -> 2 -> 3; with an empty domain only the base case can fail.
    let chain = Model::new(C { n: 0 }).action("inc", |s| s.n < 3, |s| C { n: s.n + 1 });
    let bad = |s: &C| s.n != 3;
    let r = check_inductive(&chain, bad, Vec::new(), 3).unwrap();
    assert!(r.proven, "3 is at depth 3, beyond k - 1 = 2");
    assert_eq!(r.base_states, 3);
    let r = check_inductive(&chain, bad, Vec::new(), 4).unwrap();
    assert_eq!((r.failure, r.state.clone()), (Some(Failure::Base), c(3)));
    // The first violating successor in action order is reported, not the least state.
    let fork = Model::new(C { n: 0 }).action("two", |s| s.n == 0, |_| C { n: 2 }).action(
        "one",
        |s| s.n == 0,
        |_| C { n: 1 },
    );
    let r = check_inductive(&fork, |s: &C| s.n == 0, Vec::new(), 2).unwrap();
    assert_eq!(r.state, c(2));
    assert_eq!(r.action_names(), ["two"]);
}

#[test]
fn step_searches_domain_order_outermost_then_action_order() {
    // §9.8
    let m = Model::new(C { n: 0 }).action("a", |s| s.n < 9, |s| C { n: s.n + 1 }).action(
        "b",
        |s| s.n < 8,
        |s| C { n: s.n + 2 },
    );
    let inv = |s: &C| s.n != 5;
    let r = check_inductive(&m, inv, [3, 4].map(|n| C { n }), 1).unwrap();
    assert_eq!((r.state.clone(), r.action.as_deref(), r.successor.clone()), (c(3), Some("b"), c(5)));
    let r = check_inductive(&m, inv, [4, 3].map(|n| C { n }), 1).unwrap();
    assert_eq!((r.state.clone(), r.action.as_deref(), r.successor.clone()), (c(4), Some("a"), c(5)));
}

#[test]
fn a_cti_at_k_2_is_the_last_transition_with_the_whole_path() {
    // §9.9: with n != 4 at k = 2, the path C(0) -> C(2) -> C(4) reports C(2), not C(0).
    let r = check_inductive(&add2(0), |s: &C| s.n != 4, domain(), 2).unwrap();
    assert_eq!((r.failure, r.state.clone(), r.successor.clone()), (Some(Failure::Step), c(2), c(4)));
    let path: Vec<(&str, u8)> = r.path.iter().map(|s| (s.action.as_str(), s.state.n)).collect();
    assert_eq!(path, [(FROM_DOMAIN, 0), ("add2", 2), ("add2", 4)]);
    assert_eq!(r.action_names(), ["add2", "add2"]);
}

#[test]
fn with_k_1_a_reachable_bug_one_step_from_init_is_a_step_failure() {
    // §9.11
    let r = check_inductive(&add2(0), |s: &C| s.n != 2, domain(), 1).unwrap();
    assert_eq!((r.failure, r.state.clone(), r.successor.clone()), (Some(Failure::Step), c(0), c(2)));
}

#[test]
fn k_is_echoed_and_never_raised_unasked() {
    // §9.13
    for k in 1..=4 {
        assert_eq!(check_inductive(&add2(0), |s: &C| s.n != 4, domain(), k).unwrap().k, k);
    }
}

#[test]
fn the_models_own_properties_are_ignored() {
    // §9.14: an invariant and an edge invariant that always fail, and no terminal state.
    let m = Model::new(C { n: 0 })
        .action("add2", |s| s.n + 2 <= 4, |s| C { n: s.n + 2 })
        .invariant("never", |_| false)
        .edge_invariant("no-steps", |_, _, _| false);
    assert!(!check(&m).ok);
    let r = check_inductive(&m, |s: &C| s.n <= 4, domain(), 3).unwrap();
    assert!(r.proven);
}

// ---------------------------------------------------------------------------------------------
// Peterson (spec §2.6): the 128-state product domain, CTIs for k = 1..6 as the original reports
// them, and 7 as it reports it when run; the strengthened invariant is 1-inductive.

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Pc {
    Idle,
    Want,
    Wait,
    Crit,
}

impl Domain for Pc {
    fn values() -> Values<Self> {
        Values::from([Pc::Idle, Pc::Want, Pc::Wait, Pc::Crit])
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Peterson {
    pc0: Pc,
    pc1: Pc,
    flag0: bool,
    flag1: bool,
    turn: u8,
}

impl Domain for Peterson {
    fn values() -> Values<Self> {
        <(Pc, Pc, bool, bool)>::values()
            .product(|| Values::range(0..=1u8))
            .map(|((pc0, pc1, flag0, flag1), turn)| Peterson { pc0, pc1, flag0, flag1, turn })
    }
}

fn peterson() -> Model<Peterson> {
    use Pc::*;
    let init = Peterson { pc0: Idle, pc1: Idle, flag0: false, flag1: false, turn: 0 };
    Model::new(init)
        .action("p0_set", |s| s.pc0 == Idle, |s| Peterson { flag0: true, pc0: Want, ..s.clone() })
        .action("p0_turn", |s| s.pc0 == Want, |s| Peterson { turn: 1, pc0: Wait, ..s.clone() })
        .action(
            "p0_enter",
            |s| s.pc0 == Wait && (!s.flag1 || s.turn == 0),
            |s| Peterson { pc0: Crit, ..s.clone() },
        )
        .action("p0_exit", |s| s.pc0 == Crit, |s| Peterson { flag0: false, pc0: Idle, ..s.clone() })
        .action("p1_set", |s| s.pc1 == Idle, |s| Peterson { flag1: true, pc1: Want, ..s.clone() })
        .action("p1_turn", |s| s.pc1 == Want, |s| Peterson { turn: 0, pc1: Wait, ..s.clone() })
        .action(
            "p1_enter",
            |s| s.pc1 == Wait && (!s.flag0 || s.turn == 1),
            |s| Peterson { pc1: Crit, ..s.clone() },
        )
        .action("p1_exit", |s| s.pc1 == Crit, |s| Peterson { flag1: false, pc1: Idle, ..s.clone() })
        .invariant("mutual-exclusion", |s| !(s.pc0 == Crit && s.pc1 == Crit))
}

#[test]
fn peterson_ctis_for_k_1_to_7() {
    use Pc::*;
    let p = |pc0, pc1, flag0, flag1, turn| Peterson { pc0, pc1, flag0, flag1, turn };
    let expected = [
        (p(Wait, Crit, false, false, 0), "p0_enter"),
        (p(Wait, Crit, false, false, 1), "p0_enter"),
        (p(Wait, Crit, true, false, 1), "p0_enter"),
        (p(Crit, Wait, true, false, 1), "p1_enter"),
        (p(Crit, Wait, true, false, 1), "p1_enter"),
        (p(Crit, Wait, false, true, 0), "p1_enter"),
        (p(Crit, Wait, true, false, 1), "p1_enter"),
    ];
    let m = peterson();
    assert_eq!(Peterson::values().size(), 128);
    for (i, (state, action)) in expected.into_iter().enumerate() {
        let k = i + 1;
        let induction = Induction::enumerate().k(k);
        let r = musil::Checker::new(&m).check_inductive("mutual-exclusion", &induction).unwrap();
        assert_eq!(r.failure, Some(Failure::Step), "k = {k}");
        assert_eq!(r.invariant, "mutual-exclusion");
        let successor = Peterson { pc0: Crit, pc1: Crit, ..state.clone() };
        assert_eq!(
            (r.state, r.action.as_deref(), r.successor),
            (Some(state), Some(action), Some(successor)),
            "k = {k}"
        );
        assert_eq!(r.path.len(), k + 1);
    }
}

#[test]
fn peterson_strengthened_is_1_inductive() {
    use Pc::*;
    let lemma = |s: &Peterson| {
        !(s.pc0 == Crit && s.pc1 == Crit)
            && ((s.pc0 != Idle) == s.flag0)
            && ((s.pc1 != Idle) == s.flag1)
            && (!(s.pc0 == Crit && s.pc1 == Wait) || s.turn == 0)
            && (!(s.pc1 == Crit && s.pc0 == Wait) || s.turn == 1)
    };
    let m = peterson();
    let r = musil::Checker::new(&m)
        .check_inductive(Invariant::new("lemma", lemma), &Induction::enumerate())
        .unwrap();
    assert_ok!(r);
    assert_eq!(r.invariant, "lemma");
}

// ---------------------------------------------------------------------------------------------
// Beyond the original

#[test]
fn a_base_failure_carries_the_path_from_an_initial_state() {
    let r = check_inductive(&add2(1), |s: &C| s.n != 3, domain(), 3).unwrap();
    let path: Vec<(&str, u8)> = r.path.iter().map(|s| (s.action.as_str(), s.state.n)).collect();
    assert_eq!(path, [("<init>", 1), ("add2", 3)]);
    assert_violates!(r, via = ["add2"], witness = |s: &C| s.n == 3);
    let run = musil::Outcome::counterexample_run(&r).unwrap();
    assert_eq!(run.stem.len(), 2);
    // A CTI is not a run of the system.
    let cti = check_inductive(&add2(0), |s: &C| s.n != 3, domain(), 1).unwrap();
    assert!(musil::Outcome::counterexample_run(&cti).is_none());
}

#[test]
fn max_k_raises_k_until_proven() {
    let inv = |s: &C| s.n != 3;
    let r = musil::Checker::new(&add2(0)).check_inductive(inv, &Induction::new(domain()).max_k(5)).unwrap();
    assert!(r.proven);
    assert_eq!(r.k, 2);
    // Never proven: the CTI at the bound.
    let inc = Model::new(C { n: 0 }).action("inc", |s| s.n < 9, |s| C { n: s.n + 1 });
    let cycle: Vec<C> = (0..10).map(|n| C { n }).collect();
    let r = musil::Checker::new(&inc)
        .check_inductive(|s: &C| s.n != 9, &Induction::new(cycle).k(2).max_k(4))
        .unwrap();
    assert_eq!((r.failure, r.k), (Some(Failure::Step), 4));
    assert_eq!((r.state.clone(), r.successor.clone()), (c(8), c(9)));
    // A base failure ends the raising: it is a real bug. From 1, k = 1 gives the CTI 1 -> 3; at
    // k = 2 the base case reaches 3.
    let r = musil::Checker::new(&add2(1)).check_inductive(inv, &Induction::new(domain()).max_k(5)).unwrap();
    assert_eq!((r.failure, r.k, r.state.clone()), (Some(Failure::Base), 2, c(3)));
    // max_k below k is refused.
    let e = musil::Checker::new(&add2(0))
        .check_inductive(inv, &Induction::new(domain()).k(3).max_k(2))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert_eq!(e.message(), "max_k must be >= k, got max_k = 2 and k = 3");
}

#[test]
fn invariants_by_name_and_unknown_names() {
    let m = add2(0).invariant("small", |s| s.n <= 4).invariant("not-three", |s| s.n != 3);
    let r = check_inductive(&m, "not-three", domain(), 1).unwrap();
    assert_eq!((r.failure, r.state.clone(), r.invariant.as_str()), (Some(Failure::Step), c(1), "not-three"));
    assert!(check_inductive(&m, "small".to_owned(), domain(), 1).unwrap().proven);
    assert!(check_inductive(&m, Claim::Named("small".into()), domain(), 1).unwrap().proven);
    let e = check_inductive(&m, "tiny", domain(), 1).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::UnknownInvariant);
    assert_eq!(
        e.message(),
        "check_inductive: the system has no invariant named 'tiny'; its invariants are: small, not-three"
    );
    let e = check_inductive(&add2(0), "tiny", domain(), 1).unwrap_err();
    assert!(e.message().ends_with("the system has no invariants"), "{e}");
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Wide {
    a: u16,
    b: u16,
}

impl Domain for Wide {
    fn values() -> Values<Self> {
        <(u16, u16)>::values().map(|(a, b)| Wide { a, b })
    }
}

#[test]
fn an_enumerated_domain_past_the_limit_is_refused() {
    let m = Model::new(Wide { a: 0, b: 0 }).action("inc", |s| s.a < 3, |s| Wide { a: s.a + 1, ..s.clone() });
    let checker = musil::Checker::new(&m);
    let e = checker.check_inductive(|s: &Wide| s.a <= 3, &Induction::enumerate()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert!(
        e.message().starts_with("the domain has 4294967296 values, more than the limit of 1000000"),
        "{e}"
    );
    let e = checker.check_inductive(|s: &Wide| s.a <= 3, &Induction::enumerate().max_domain(10)).unwrap_err();
    assert!(e.message().contains("more than the limit of 10:"), "{e}");
    // A bounded field keeps a domain small: Range as a state field.
    #[derive(Clone, Debug, PartialEq, Eq, Hash)]
    struct Small {
        a: Range<0, 4>,
        on: bool,
    }
    impl Domain for Small {
        fn values() -> Values<Self> {
            <(Range<0, 4>, bool)>::values().map(|(a, on)| Small { a, on })
        }
    }
    let m = Model::new(Small { a: Range::new(0).unwrap(), on: false }).action(
        "inc",
        |s| s.a.get() < 3,
        |s| Small { a: Range::new(s.a.get() + 1).unwrap(), ..s.clone() },
    );
    let r =
        musil::Checker::new(&m).check_inductive(|s: &Small| s.a.get() <= 3, &Induction::enumerate()).unwrap();
    assert!(r.proven);
    let r =
        musil::Checker::new(&m).check_inductive(|s: &Small| s.a.get() != 3, &Induction::enumerate()).unwrap();
    assert_eq!(r.to_string().lines().nth(1), Some("  I holds at: Small { a: 2, on: false }"));
}

#[test]
fn an_empty_domain_leaves_only_the_base_case_as_the_original_does() {
    assert!(check_inductive(&add2(0), |s: &C| s.n != 3, Vec::new(), 1).unwrap().proven);
    let nothing = Model::<C>::with_initial_states([]);
    let r = check_inductive(&nothing, |s: &C| s.n != 3, domain(), 1).unwrap();
    assert!(r.proven);
    assert_eq!(r.base_states, 0);
}

#[test]
fn a_panicking_guard_in_the_step_case_is_a_result() {
    let m = Model::new(C { n: 0 }).action(
        "add2",
        |s| if s.n == 3 { panic!("boom at 3") } else { s.n + 2 <= 4 },
        |s| C { n: s.n + 2 },
    );
    let r = check_inductive(&m, |s: &C| s.n != 5, domain(), 2).unwrap();
    assert!(!r.proven);
    assert_eq!(r.failure, Some(Failure::Panic));
    let fault = r.fault.clone().unwrap();
    assert_eq!(
        (fault.name.as_deref(), fault.callback, fault.message.as_str()),
        (Some("add2"), "guard", "boom at 3")
    );
    // From the domain state 1, add2 reached 3, whose guard panicked.
    let path: Vec<(&str, u8)> = r.path.iter().map(|s| (s.action.as_str(), s.state.n)).collect();
    assert_eq!(path, [(FROM_DOMAIN, 1), ("add2", 3)]);
    assert_eq!(r.state, c(3));
    assert_eq!(
        r.to_string(),
        "PANIC (k=2): guard of 'add2' panicked: boom at 3\n  From: C { n: 1 }\n  → add2: C { n: 3 }"
    );
    assert_violates!(r, kind = musil::Kind::Panic, invariant = "add2");
}

#[test]
fn a_panicking_invariant_in_the_base_case_is_a_result() {
    let inv = Invariant::new("fragile", |s: &C| if s.n == 2 { panic!("cannot judge 2") } else { true });
    let r = check_inductive(&add2(0), inv, domain(), 2).unwrap();
    assert_eq!(r.failure, Some(Failure::Panic));
    let fault = r.fault.clone().unwrap();
    assert_eq!((fault.name.as_deref(), fault.callback), (Some("fragile"), "invariant"));
    assert_eq!(
        r.to_string(),
        "PANIC (k=2): invariant of 'fragile' panicked: cannot judge 2\n  Init: C { n: 0 }\n  → add2: C { n: 2 }"
    );
    // An unnamed predicate is I.
    let r =
        check_inductive(&add2(0), |s: &C| if s.n == 1 { panic!("1") } else { true }, domain(), 1).unwrap();
    assert_eq!(r.fault.unwrap().name.as_deref(), Some("I"));
    assert_eq!(r.path.len(), 1);
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Flaky(u8);

impl Domain for Flaky {
    fn values() -> Values<Self> {
        Values::range(0..4u8).map(|n| if n == 2 { panic!("no 2") } else { Flaky(n) })
    }
}

#[test]
fn a_panicking_domain_is_a_result() {
    let m = Model::new(Flaky(0)).action("inc", |s| s.0 < 3, |s| Flaky(s.0 + 1));
    let r = musil::Checker::new(&m).check_inductive(|s: &Flaky| s.0 < 4, &Induction::enumerate()).unwrap();
    assert_eq!(r.failure, Some(Failure::Panic));
    let fault = r.fault.unwrap();
    assert_eq!((fault.name, fault.callback, fault.message.as_str()), (None, "domain enumeration", "no 2"));
    assert!(r.path.is_empty());
}

#[test]
fn a_base_case_cut_short_proves_nothing() {
    let inc = Model::new(0u32).action("inc", |_| true, |n| n + 1);
    let checker = musil::Checker::new(&inc).max_states(10);
    let r = checker.check_inductive(|n: &u32| *n < 100, &Induction::new(0..100u32).k(50)).unwrap();
    assert!(!r.proven && r.truncated);
    assert_eq!((r.failure, r.limit, r.base_states), (None, Some(Limit::MaxStates), 10));
    assert_eq!(
        r.to_string(),
        "NOT PROVEN (k=50): the base case stopped at the cap after 10 states, short of 49 step(s) from the \
         initial states (TRUNCATED): nothing is proven or refuted"
    );
    assert!(musil::testing::ok_failure(&r, None, true).is_err());
    // With room, the base case finishes (50 states) and the step case finds 99 -> 100... from 50.
    let r = musil::Checker::new(&inc)
        .check_inductive(|n: &u32| *n < 100, &Induction::new(0..100u32).k(50))
        .unwrap();
    assert_eq!(
        (r.failure, r.base_states, r.state, r.successor),
        (Some(Failure::Step), 50, Some(99), Some(100))
    );
    assert_eq!(r.path[0].state, 50);
}

// ---------------------------------------------------------------------------------------------
// Property test: random models over a small domain against a naive transcription of the
// original's algorithm, and the facts each outcome must satisfy on its own.

#[derive(Clone, Debug)]
struct Spec {
    init: Vec<u8>,
    /// Per action: its successor from each state (None = disabled).
    actions: Vec<Vec<Option<u8>>>,
    /// Per state: None = holds, Some(reason) = violated (reason may be "").
    inv: Vec<Option<Option<String>>>,
    /// The domain, in order; `full` says it holds every state.
    domain: Vec<u8>,
    full: bool,
    k: usize,
    workers: usize,
}

fn spec() -> impl Strategy<Value = Spec> {
    (2u8..9).prop_flat_map(|n| {
        let succ = prop::collection::vec(prop::option::weighted(0.6, 0..n), n as usize);
        let verdict = prop::option::weighted(
            0.45,
            prop_oneof![Just(None), Just(Some(String::new())), Just(Some("r".to_owned()))],
        );
        (
            prop::collection::vec(0..n, 1..3),
            prop::collection::vec(succ, 0..5),
            prop::collection::vec(verdict, n as usize),
            prop_oneof![Just(None), prop::collection::vec(0..n, 0..6).prop_map(Some)],
            Just((0..n).collect::<Vec<u8>>()).prop_shuffle(),
            1usize..4,
            prop_oneof![Just(1usize), Just(2)],
            any::<bool>(),
        )
            .prop_map(move |(init, actions, mut inv, partial, shuffled, k, workers, init_ok)| {
                // Half the models start in states that satisfy the invariant, so that the step
                // case is reached more often.
                if init_ok {
                    for &s in &init {
                        inv[s as usize] = None;
                    }
                }
                let full = partial.is_none();
                Spec { init, actions, inv, domain: partial.unwrap_or(shuffled), full, k, workers }
            })
    })
}

fn model_of(spec: &Spec) -> Model<u8> {
    let mut m = Model::with_initial_states(spec.init.clone());
    for (i, table) in spec.actions.iter().enumerate() {
        let (guard, effect) = (table.clone(), table.clone());
        m = m.action(
            format!("a{i}"),
            move |s: &u8| guard[*s as usize].is_some(),
            move |s: &u8| effect[*s as usize].unwrap(),
        );
    }
    m
}

fn verdict_of(spec: &Spec, s: u8) -> Verdict {
    match &spec.inv[s as usize] {
        None => Verdict::Holds,
        Some(r) => Verdict::Violated(r.clone()),
    }
}

fn successors(spec: &Spec, s: u8) -> Vec<(String, u8)> {
    spec.actions.iter().enumerate().filter_map(|(i, t)| t[s as usize].map(|y| (format!("a{i}"), y))).collect()
}

/// The original's answer: (failure, state, action, successor, reason), written from
/// induction.py's algorithm.
type Answer = (Option<Failure>, Option<u8>, Option<String>, Option<u8>, Option<String>);

fn naive(spec: &Spec) -> Answer {
    let violates = |s: u8| !verdict_of(spec, s).holds();
    let reason = |s: u8| verdict_of(spec, s).shown_reason();
    let mut seen = HashSet::new();
    let mut frontier = VecDeque::new();
    for &s in &spec.init {
        if violates(s) {
            return (Some(Failure::Base), Some(s), None, None, reason(s));
        }
        if seen.insert(s) {
            frontier.push_back((s, 0));
        }
    }
    while let Some((s, depth)) = frontier.pop_front() {
        if depth + 1 >= spec.k {
            continue;
        }
        for (_, t) in successors(spec, s) {
            if violates(t) {
                return (Some(Failure::Base), Some(t), None, None, reason(t));
            }
            if seen.insert(t) {
                frontier.push_back((t, depth + 1));
            }
        }
    }
    fn dfs(spec: &Spec, violates: &dyn Fn(u8) -> bool, s: u8, remaining: usize) -> Option<(u8, String, u8)> {
        for (name, t) in successors(spec, s) {
            if remaining == 1 {
                if violates(t) {
                    return Some((s, name, t));
                }
            } else if !violates(t) {
                if let Some(found) = dfs(spec, violates, t, remaining - 1) {
                    return Some(found);
                }
            }
        }
        None
    }
    for &s in &spec.domain {
        if violates(s) {
            continue;
        }
        if let Some((pre, a, post)) = dfs(spec, &violates, s, spec.k) {
            return (Some(Failure::Step), Some(pre), Some(a), Some(post), reason(post));
        }
    }
    (None, None, None, None, None)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]
    #[test]
    fn induction_agrees_with_the_original_and_its_answers_check_out(spec in spec()) {
        let m = model_of(&spec);
        let sp = spec.clone();
        let inv = move |s: &u8| verdict_of(&sp, *s);
        let r = musil::Checker::new(&m)
            .workers(spec.workers)
            .parallel_level(1)
            .check_inductive(inv.clone(), &Induction::new(spec.domain.clone()).k(spec.k))
            .unwrap();
        // The original's verdict and counterexample, field for field.
        let got: Answer = (r.failure, r.state, r.action.clone(), r.successor, r.reason.clone());
        prop_assert_eq!(&got, &naive(&spec));
        prop_assert_eq!(r.proven, r.failure.is_none());
        prop_assert_eq!(r.k, spec.k);
        prop_assert!(!r.truncated);
        let violates = |s: u8| !verdict_of(&spec, s).holds();
        // Every path is made of real transitions.
        for w in r.path.windows(2) {
            let step = (w[1].action.clone(), w[1].state);
            prop_assert!(successors(&spec, w[0].state).contains(&step), "{:?} is no transition", w);
        }
        match r.failure {
            None => {
                prop_assert!(r.path.is_empty());
                // Proven over every state: check agrees at any depth.
                if spec.full {
                    let checked = check(&m.clone().invariant("I", inv.clone()).terminal(|_| true));
                    prop_assert!(checked.proved(), "proven, but check says\n{}", checked);
                }
            }
            Some(Failure::Base) => {
                // From an initial state, within k - 1 steps, to a violating state; and check
                // finds a violation no longer than it.
                prop_assert_eq!(r.path[0].action.as_str(), "<init>");
                prop_assert!(spec.init.contains(&r.path[0].state));
                prop_assert!(r.path.len() <= spec.k);
                prop_assert_eq!(Some(r.path.last().unwrap().state), r.state);
                prop_assert!(violates(r.state.unwrap()));
                let checked = check(&m.clone().invariant("I", inv.clone()).terminal(|_| true));
                prop_assert_eq!(checked.trace.len(), r.path.len());
            }
            Some(Failure::Step) => {
                // k transitions from a domain state, the first k states satisfying I, the last
                // breaking it.
                prop_assert_eq!(r.path.len(), spec.k + 1);
                prop_assert_eq!(r.path[0].action.as_str(), FROM_DOMAIN);
                prop_assert!(spec.domain.contains(&r.path[0].state));
                for s in &r.path[..spec.k] {
                    prop_assert!(!violates(s.state));
                }
                prop_assert!(violates(r.path[spec.k].state));
                prop_assert_eq!(Some(r.path[spec.k - 1].state), r.state);
                prop_assert_eq!(Some(r.path[spec.k].state), r.successor);
            }
            Some(Failure::Panic) => prop_assert!(false, "nothing panics here"),
        }
        // Raising k: the first proof, else the same answer as the last k on its own.
        let raised = musil::Checker::new(&m)
            .check_inductive(inv.clone(), &Induction::new(spec.domain.clone()).max_k(spec.k))
            .unwrap();
        let alone = check_inductive(&m, inv, spec.domain.clone(), raised.k).unwrap();
        prop_assert_eq!(&raised, &alone);
        prop_assert!(raised.k <= spec.k);
        if raised.k < spec.k {
            prop_assert!(raised.proven || raised.failure == Some(Failure::Base));
        }
    }
}
