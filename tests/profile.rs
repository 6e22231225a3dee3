//! Profiling: the call counts of the spec (simulation_and_tooling.md §6), which do not vary
//! from run to run, and the printed form.

#[allow(dead_code)]
#[path = "../examples/coverage_vacuity.rs"]
mod coverage_vacuity;

use musil::profile::{ActionCost, Phase, Profile, profile};
use musil::{Checker, Model};

fn calls(p: &Profile) -> Vec<u64> {
    p.phases.iter().map(|ph| ph.calls).collect()
}

fn per_action(p: &Profile) -> Vec<(String, u64, u64)> {
    let mut v: Vec<_> = p.actions.iter().map(|a| (a.name.clone(), a.enabled_calls, a.apply_calls)).collect();
    v.sort();
    v
}

#[test]
fn call_counts_of_a_counter_with_a_self_loop() {
    let m = Model::new(0u8)
        .action("inc", |n| *n < 5, |n| n + 1)
        .action("noop", |_| true, |n| *n)
        .invariant("small", |n| *n <= 5);
    let p = profile(&m);
    assert_eq!(p.states_explored, 6);
    assert_eq!(p.states_explored, musil::explore(&m).len());
    assert!(!p.truncated);
    let names: Vec<&str> = p.phases.iter().map(|ph| ph.name).collect();
    assert_eq!(names, ["invariants", "enumeration", "enablement", "apply", "canonicalize", "visited-set"]);
    assert_eq!(calls(&p), [6, 6, 12, 11, 12, 12]);
    assert_eq!(per_action(&p), [("inc".into(), 6, 5), ("noop".into(), 6, 6)]);
}

#[test]
fn call_counts_of_the_coverage_vacuity_model_and_a_light() {
    let p = profile(&coverage_vacuity::model());
    assert_eq!(p.states_explored, 4);
    assert_eq!(calls(&p), [8, 4, 12, 6, 7, 7]);
    assert_eq!(per_action(&p), [("deposit".into(), 4, 3), ("thaw".into(), 4, 0), ("withdraw".into(), 4, 3)]);
    let light = Model::new(0u8).action("go", |c| *c == 0, |_| 1).action("slow", |c| *c == 1, |_| 2).action(
        "stop",
        |c| *c == 2,
        |_| 0,
    );
    let p = profile(&light);
    assert_eq!(calls(&p), [0, 3, 9, 3, 4, 4]);
    assert!(p.actions.iter().all(|a| (a.enabled_calls, a.apply_calls) == (3, 1)));
}

#[test]
fn a_capped_profile_and_one_without_actions() {
    let unbounded = Model::new(0u32).action("inc", |_| true, |n| n + 1);
    let p = Checker::new(&unbounded).max_states(10).profile();
    assert_eq!(p.states_explored, 10);
    assert!(p.truncated);
    assert_eq!(calls(&p), [0, 9, 9, 9, 10, 10]);
    assert!(
        p.to_string()
            .lines()
            .next()
            .unwrap()
            .ends_with("(TRUNCATED at max_states — counts are lower bounds)")
    );

    let idle = Model::new(0u8);
    let p = profile(&idle);
    assert_eq!(p.states_explored, 1);
    assert_eq!(calls(&p), [0, 1, 0, 0, 1, 1]);
    assert!(p.actions.is_empty());
    assert!(!p.to_string().contains("hottest actions"));
}

#[test]
fn a_profile_does_not_stop_at_a_violation() {
    let m = Model::new(0u8).action("inc", |n| *n < 5, |n| n + 1).invariant("below 2", |n| *n < 2);
    assert_eq!(profile(&m).states_explored, 6);
}

#[test]
fn a_panicking_effect_is_named_in_the_profile() {
    let m = Model::new(0u8).action("inc", |n| *n < 5, |n| if *n == 3 { panic!("boom") } else { n + 1 });
    let p = profile(&m);
    let fault = p.fault.as_ref().expect("the panic is reported");
    assert_eq!(fault.name.as_deref(), Some("inc"));
    assert!(p.to_string().contains("boom"));
}

#[test]
fn the_printed_form_of_a_hand_built_profile() {
    let phase = |name, seconds, calls| Phase { name, seconds, calls };
    let p = Profile {
        states_explored: 6,
        elapsed: 0.5,
        truncated: false,
        phases: vec![
            phase("invariants", 0.1, 6),
            phase("enumeration", 0.0, 6),
            phase("enablement", 0.2, 12),
            phase("apply", 0.1, 11),
            phase("canonicalize", 0.05, 12),
            phase("visited-set", 0.05, 12),
        ],
        actions: vec![ActionCost {
            name: "inc".into(),
            enabled_seconds: 0.1,
            enabled_calls: 6,
            apply_seconds: 0.05,
            apply_calls: 5,
        }],
        fault: None,
    };
    let text = p.to_string();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "PROFILE — 6 states in 0.500s (12 states/s)");
    assert_eq!(lines[1], "  by phase (cumulative):");
    assert_eq!(lines[2], "    invariants        0.100s   20%  (6 calls)");
    assert_eq!(lines[8], "  hottest actions (enabled + apply):");
    assert_eq!(lines[9], "    inc                     0.150s  enabled 0.100s/6  apply 0.050s/5");
    assert_eq!(lines[10], "  dominant cost: enablement (40% of timed work)");
    assert_eq!(p.dominant_phase().map(|d| d.name), Some("enablement"));
}

#[test]
fn duplicate_initial_states_are_counted_and_untimed_phases_print_a_dash() {
    let m = Model::with_initial_states([0u8, 0]).action("inc", |n| *n < 1, |n| n + 1);
    let p = profile(&m);
    assert_eq!(p.states_explored, 2);
    // Two initial states canonicalised and looked up, one successor each way.
    assert_eq!(calls(&p)[4..], [3, 3]);

    let idle = |name: &str| ActionCost {
        name: name.into(),
        enabled_seconds: 0.0,
        enabled_calls: 1,
        apply_seconds: 0.0,
        apply_calls: 0,
    };
    let p = Profile {
        states_explored: 1,
        elapsed: 0.0,
        truncated: false,
        phases: ["invariants", "enumeration", "enablement", "apply", "canonicalize", "visited-set"]
            .into_iter()
            .map(|name| Phase { name, seconds: 0.0, calls: 0 })
            .collect(),
        actions: ["a", "b", "c", "d", "e", "f"].into_iter().map(idle).collect(),
        fault: None,
    };
    let text = p.to_string();
    assert!(text.starts_with("PROFILE — 1 states in 0.000s (0 states/s)"));
    assert!(text.contains("    invariants        0.000s    -  (0 calls)"), "{text}");
    assert_eq!(text.lines().filter(|l| l.contains("enabled 0.000s/1")).count(), 5, "the top 5 only");
    assert!(!text.contains("dominant cost"));
}
