//! The counterexample tools and the model diff (spec core §12, §13; checklist items 70–72):
//! `replay_actions`, `minimize`, `as_regression_test` and `diff`, one test per rule, and a
//! property test that minimisation never lengthens a trace and always still violates.

use musil::counterexample::{RegressionTest, as_regression_test, minimize, replay_actions};
use musil::diffing::{ModelDiff, diff};
use musil::{CheckResult, Checker, ErrorKind, Kind, Model, Step, check};
use proptest::prelude::*;

/// A counter with an irrelevant self-loop: `n <= 2` breaks after three `inc`s.
fn counter() -> Model<u8> {
    Model::new(0u8)
        .action("inc", |n| *n < 5, |n| n + 1)
        .action("noop", |_| true, |n| *n)
        .invariant("n_le_2", |n| *n <= 2)
        .terminal(|_| false)
}

/// A failing invariant result assembled by hand, as a simulation or a log might give it.
fn assembled(invariant: &str, steps: &[(&str, u8)]) -> CheckResult<u8> {
    let mut result = check(&Model::new(0u8).invariant("never", |_| false));
    result.invariant = Some(invariant.to_owned());
    result.reason = None;
    result.states_explored = 0;
    result.trace = steps.iter().map(|&(a, n)| Step::new(a, n)).collect();
    result
}

// The emitted regression test, pinned: `the_emitted_regression_test_is_the_pinned_one` checks
// the emitter still writes exactly this text, and including it here compiles and runs it.
include!("emitted/n_overflow.rs");

#[test]
fn the_emitted_regression_test_is_the_pinned_one() {
    let padded = assembled("n_le_2", &[("<init>", 0), ("noop", 0), ("inc", 1), ("inc", 2), ("inc", 3)]);
    let src = as_regression_test(
        &counter(),
        &padded,
        &RegressionTest::new().name("n_overflow").model("crate::counter()"),
    )
    .unwrap();
    assert_eq!(src, include_str!("emitted/n_overflow.rs"));
    // Minimised first by default: the noop is gone.
    assert!(src.contains(r#"&["inc", "inc", "inc"]"#));
    let unminimised = as_regression_test(
        &counter(),
        &padded,
        &RegressionTest::new().name("n_overflow").model("crate::counter()").minimize_first(false),
    )
    .unwrap();
    assert!(unminimised.contains(r#"&["noop", "inc", "inc", "inc"]"#));
}

#[test]
fn only_an_invariant_counterexample_becomes_a_regression_test() {
    let ok = check(&Model::new(0u8).terminal(|_| true));
    let err = as_regression_test(&counter(), &ok, &RegressionTest::new()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(err.message().contains("needs an invariant counterexample"));
    let dead = check(&Model::new(0u8).action("stay", |_| false, |n| *n));
    assert_eq!(dead.kind, Some(Kind::Deadlock));
    assert!(as_regression_test(&counter(), &dead, &RegressionTest::new()).is_err());
}

#[test]
fn minimize_strips_irrelevant_actions() {
    let padded =
        assembled("n_le_2", &[("<init>", 0), ("noop", 0), ("inc", 1), ("noop", 1), ("inc", 2), ("inc", 3)]);
    let short = minimize(&counter(), &padded);
    assert_eq!(short.action_names(), ["inc", "inc", "inc"]);
    assert_eq!(short.trace[0].action, "<init>");
    assert_eq!(short.witness(), Some(&3));
    assert_eq!(short.invariant.as_deref(), Some("n_le_2"));
    assert!(!short.ok);
    // Every other field is kept.
    assert_eq!(short.states_explored, padded.states_explored);
    assert_eq!(short.kind, padded.kind);
}

#[test]
fn a_breadth_first_counterexample_comes_back_unchanged() {
    let found = check(&counter());
    assert!(!found.ok);
    assert_eq!(minimize(&counter(), &found), found);
}

#[test]
fn ok_and_deadlock_results_are_returned_as_they_are() {
    let ok_model = Model::new(0u8).action("stay", |_| false, |n| *n).terminal(|_| true);
    let ok = check(&ok_model);
    assert!(ok.ok);
    assert_eq!(minimize(&ok_model, &ok), ok);
    let dead_model = Model::new(0u8).action("noop", |_| false, |n| *n);
    let dead = check(&dead_model);
    assert_eq!(dead.kind, Some(Kind::Deadlock));
    assert_eq!(minimize(&dead_model, &dead), dead);
}

#[test]
fn a_trace_that_does_not_replay_to_the_violation_is_returned_as_it_is() {
    // The invariant is not the model's, or the trace names an action that is not enabled: no
    // reduction that might be wrong is made.
    let unknown = assembled("no_such_invariant", &[("<init>", 0), ("inc", 1), ("inc", 2), ("inc", 3)]);
    assert_eq!(minimize(&counter(), &unknown), unknown);
    let stale = assembled("n_le_2", &[("<init>", 0), ("dec", 0), ("inc", 1)]);
    assert_eq!(minimize(&counter(), &stale), stale);
    let holds = assembled("n_le_2", &[("<init>", 0), ("inc", 1)]);
    assert_eq!(minimize(&counter(), &holds), holds);
}

#[test]
fn the_reason_is_recomputed_at_the_minimised_last_state() {
    let m = Model::new(0u8)
        .action("inc", |n| *n < 5, |n| n + 1)
        .action("noop", |_| true, |n| *n)
        .invariant("bounded", |n| if *n > 2 { Some(format!("n is {n}")) } else { None })
        .terminal(|_| false);
    let mut padded = assembled("bounded", &[("<init>", 0), ("noop", 0), ("inc", 1), ("inc", 2), ("inc", 3)]);
    padded.reason = Some("stale".to_owned());
    let short = minimize(&m, &padded);
    assert_eq!(short.action_names(), ["inc", "inc", "inc"]);
    assert_eq!(short.reason.as_deref(), Some("n is 3"));
}

#[test]
fn replay_reports_the_violation_along_the_named_sequence() {
    let r = replay_actions(&counter(), &["inc", "inc", "inc"]).unwrap();
    assert!(!r.ok);
    assert_eq!(r.kind, Some(Kind::Invariant));
    assert_eq!(r.invariant.as_deref(), Some("n_le_2"));
    assert_eq!(r.witness(), Some(&3));
    assert_eq!(r.states_explored, r.trace.len());
    // The replay stops at the first violation: the rest of the sequence is not taken.
    let longer = replay_actions(&counter(), &["inc", "inc", "inc", "inc", "noop"]).unwrap();
    assert_eq!(longer.trace, r.trace);
}

#[test]
fn an_ok_replay_carries_its_whole_path() {
    let r = replay_actions(&counter(), &["inc", "noop", "inc"]).unwrap();
    assert!(r.ok);
    assert_eq!(r.kind, None);
    assert_eq!(r.action_names(), ["inc", "noop", "inc"]);
    assert_eq!(r.trace.iter().map(|s| s.state).collect::<Vec<_>>(), [0, 1, 1, 2]);
    assert_eq!(r.states_explored, r.trace.len());
    let empty: [&str; 0] = [];
    let start = replay_actions(&counter(), &empty).unwrap();
    assert!(start.ok);
    assert_eq!(start.trace.len(), 1);
}

#[test]
fn an_initial_state_that_breaks_an_invariant_is_the_violation() {
    let m = Model::new(7u8).action("inc", |_| true, |n| n + 1).invariant("small", |n| *n < 5);
    let r = replay_actions(&m, &["inc"]).unwrap();
    assert!(!r.ok);
    assert_eq!(r.trace.len(), 1);
    assert_eq!(r.states_explored, 1);
}

#[test]
fn a_stale_sequence_is_an_error_naming_the_step_and_the_action() {
    let m = Model::new(0u8).action("inc", |n| *n < 1, |n| n + 1).action("reset", |n| *n > 0, |_| 0);
    let err = replay_actions(&m, &["inc", "inc"]).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Replay);
    assert!(err.message().contains("step 2: action 'inc'"), "{}", err.message());
    assert!(err.message().contains("reset"), "the enabled actions are listed: {}", err.message());
    assert!(err.message().contains("does not replay"));
    let missing = replay_actions(&m, &["jump"]).unwrap_err();
    assert!(missing.message().contains("step 1: action 'jump'"), "{}", missing.message());
}

#[test]
fn a_checkers_canonicalisation_applies_to_the_start_and_every_step() {
    let m = Model::new(3u8).action("dec", |n| *n > 0, |n| n - 1).invariant("not_one", |n| *n != 1);
    // Canonicalise by parity class: even states to 0, odd to 1.
    let r = Checker::new(&m).canonicalize(|n: &u8| n % 2).replay_actions(&["dec"]).unwrap();
    assert_eq!(r.trace[0].state, 1, "the initial state is canonicalised first");
    assert!(!r.ok);
    assert_eq!(r.invariant.as_deref(), Some("not_one"));
}

#[test]
fn a_panicking_effect_is_a_result_naming_the_action_with_its_trace() {
    let m =
        Model::new(0u8).action("inc", |_| true, |n| n + 1).action("boom", |n| *n == 1, |_| panic!("kaput"));
    let r = replay_actions(&m, &["inc", "boom"]).unwrap();
    assert!(!r.ok);
    assert_eq!(r.kind, Some(Kind::Panic));
    assert_eq!(r.invariant.as_deref(), Some("boom"));
    assert_eq!(r.trace.iter().map(|s| s.state).collect::<Vec<_>>(), [0, 1]);
    assert!(r.fault.unwrap().message.contains("kaput"));
}

// ---- model diff -------------------------------------------------------------------------

fn versioned(cap: u8, small: u8) -> Model<u8> {
    Model::new(0u8)
        .action("inc", move |n| *n < cap, |n| n + 1)
        .invariant("small", move |n| *n <= small)
        .terminal(move |n| *n == cap)
}

#[test]
fn identical_models_are_equivalent() {
    let d: ModelDiff<u8> = diff(&versioned(3, 1), &versioned(3, 1));
    assert!(d.equivalent());
    assert!(d.incomplete.is_empty());
    assert_eq!(
        d.to_string(),
        "MODELS EQUIVALENT — same reachable states, transitions, and invariant outcomes"
    );
}

#[test]
fn new_states_and_transitions_are_reported_on_their_side() {
    let d = diff(&versioned(3, 1), &versioned(4, 1));
    assert!(d.states_only_in_a.is_empty());
    assert_eq!(d.states_only_in_b, [4]);
    assert!(d.transitions_only_in_a.is_empty());
    assert_eq!(d.transitions_only_in_b, [(3, "inc".to_owned(), 4)]);
    assert!(!d.equivalent());
    // And the other way round.
    let back = diff(&versioned(4, 1), &versioned(3, 1));
    assert_eq!(back.states_only_in_a, [4]);
    assert_eq!(back.transitions_only_in_a, [(3, "inc".to_owned(), 4)]);
}

#[test]
fn a_renamed_action_is_a_transition_on_each_side() {
    let a = Model::new(0u8).action("inc", |n| *n < 1, |n| n + 1).terminal(|n| *n == 1);
    let b = Model::new(0u8).action("incr", |n| *n < 1, |n| n + 1).terminal(|n| *n == 1);
    let d = diff(&a, &b);
    assert!(d.states_only_in_a.is_empty() && d.states_only_in_b.is_empty());
    assert_eq!(d.transitions_only_in_a, [(0, "inc".to_owned(), 1)]);
    assert_eq!(d.transitions_only_in_b, [(0, "incr".to_owned(), 1)]);
}

#[test]
fn invariant_outcomes_that_flip_on_shared_states_are_reported() {
    let d = diff(&versioned(3, 1), &versioned(3, 2));
    assert!(d.states_only_in_a.is_empty() && d.states_only_in_b.is_empty());
    assert_eq!(d.invariant_changes, [(2, "small".to_owned(), false, true)]);
    assert!(!d.equivalent());
    // Invariants only one model defines are not compared; shared ones are compared by name,
    // sorted by name.
    let a = versioned(3, 1).invariant("zeta", |n| *n < 3).invariant("alpha", |n| *n != 1);
    let b = versioned(3, 1).invariant("alpha", |n| *n != 2).invariant("only_b", |_| false);
    let d = diff(&a, &b);
    assert_eq!(
        d.invariant_changes,
        [(1, "alpha".to_owned(), false, true), (2, "alpha".to_owned(), true, false)]
    );
}

#[test]
fn a_diff_prints_its_counts() {
    let d = diff(&versioned(3, 1), &versioned(4, 2));
    assert_eq!(
        d.to_string(),
        "MODEL DIFF:\n  1 state(s) only in B\n  1 transition(s) only in B\n  1 invariant-outcome change(s) on shared states"
    );
}

#[test]
fn a_capped_comparison_is_never_called_equivalent() {
    let endless = || Model::new(0u32).action("inc", |_| true, |n| n + 1);
    let d = Checker::new(&endless()).max_states(10).diff(&endless());
    assert!(d.no_difference_found());
    assert!(!d.equivalent());
    assert_eq!(d.incomplete.len(), 2);
    let text = d.to_string();
    assert!(text.starts_with("NO DIFFERENCE FOUND, BUT THE COMPARISON IS INCOMPLETE:"), "{text}");
    assert!(text.contains("A's exploration stopped at the cap"), "{text}");
    assert!(!text.contains("EQUIVALENT"));
}

#[test]
fn a_panicking_invariant_makes_the_comparison_incomplete() {
    let a = versioned(3, 1).invariant("fragile", |n| if *n == 2 { panic!("two") } else { true });
    let b = versioned(3, 1).invariant("fragile", |_| true);
    let d = diff(&a, &b);
    assert!(!d.equivalent());
    assert!(d.to_string().contains("incomplete:"), "{d}");
}

#[test]
fn the_diff_shares_the_checkers_canonicalisation() {
    // Two models that differ only in states a symmetry identifies.
    let a = Model::new((0u8, 0u8)).action("a", |s| s.0 + s.1 < 1, |s| (s.0 + 1, s.1)).terminal(|_| true);
    let b = Model::new((0u8, 0u8)).action("a", |s| s.0 + s.1 < 1, |s| (s.0, s.1 + 1)).terminal(|_| true);
    assert!(!diff(&a, &b).equivalent());
    let sorted = |s: &(u8, u8)| (s.0.max(s.1), s.0.min(s.1));
    let d = Checker::new(&a).canonicalize(sorted).diff(&b);
    assert!(d.equivalent(), "{d} {d:?}");
}

// ---- property: minimisation never lengthens and always still violates ---------------------

/// A two-counter model with `k` actions drawn from a small menu, and an invariant that breaks
/// on one target value of a weighted sum.
fn random_model(actions: &[(u8, u8)], target: u8) -> Model<(u8, u8)> {
    let mut m = Model::new((0u8, 0u8));
    for (i, &(which, delta)) in actions.iter().enumerate() {
        let delta = delta % 3; // 0 is a self-loop: the padding minimisation should strip
        m = m.action(
            format!("a{i}"),
            move |s: &(u8, u8)| if which % 2 == 0 { s.0 + delta <= 6 } else { s.1 + delta <= 6 },
            move |s: &(u8, u8)| if which % 2 == 0 { (s.0 + delta, s.1) } else { (s.0, s.1 + delta) },
        );
    }
    m.invariant("miss", move |s: &(u8, u8)| s.0 + 2 * s.1 != target).terminal(|_| true)
}

/// A walk that always replays: at each step, the `pick`-th enabled action by name.
fn walk(m: &Model<(u8, u8)>, picks: &[usize]) -> Vec<String> {
    use musil::TransitionSystem;
    let mut s = (0u8, 0u8);
    let mut names = Vec::new();
    for &p in picks {
        let mut next = Vec::new();
        let _ = m.successors(&s, |a, t| {
            next.push((a, t));
            std::ops::ControlFlow::Continue(())
        });
        if next.is_empty() {
            break;
        }
        let (a, t) = next[p % next.len()];
        names.push(m.action_name(a).to_owned());
        s = t;
    }
    names
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(600))]
    #[test]
    fn minimize_never_lengthens_and_always_still_violates(
        actions in prop::collection::vec((0u8..2, 0u8..3), 1..5),
        target in 1u8..12,
        picks in prop::collection::vec(0usize..8, 0..24),
    ) {
        let m = random_model(&actions, target);
        let names = walk(&m, &picks);
        let found = replay_actions(&m, &names).unwrap();
        if found.ok {
            return Ok(());
        }
        let short = minimize(&m, &found);
        prop_assert!(short.trace.len() <= found.trace.len());
        prop_assert!(!short.ok);
        prop_assert_eq!(&short.invariant, &found.invariant);
        // It replays, from the start, to a violation of the same invariant.
        let again = replay_actions(&m, &short.action_names()).unwrap();
        prop_assert!(!again.ok);
        prop_assert_eq!(&again.trace, &short.trace);
        // And it is never shorter than the breadth-first counterexample (the oracle).
        let bfs = check(&m);
        prop_assert!(!bfs.ok);
        prop_assert!(bfs.trace.len() <= short.trace.len());
        // 1-minimal: dropping any one action no longer replays to the violation.
        let kept = short.action_names();
        for i in 0..kept.len() {
            let mut fewer = kept.clone();
            fewer.remove(i);
            if let Ok(r) = replay_actions(&m, &fewer) {
                prop_assert!(r.ok, "dropping action {} still violates: not 1-minimal", i);
            }
        }
    }
}
