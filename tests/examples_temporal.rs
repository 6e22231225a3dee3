//! The temporal examples pin their reference outcomes.

#[allow(dead_code)]
#[path = "../examples/arbiter_fairness.rs"]
mod arbiter_fairness;
#[allow(dead_code)]
#[path = "../examples/leader_election.rs"]
mod leader_election;
#[allow(dead_code)]
#[path = "../examples/ltl_properties.rs"]
mod ltl_properties;
#[allow(dead_code)]
#[path = "../examples/producer_consumer.rs"]
mod producer_consumer;

use musil::{Kind, LivenessKind, LtlResult};

#[test]
fn ltl_properties_six_hold_and_f_g_green_loops_at_the_start() {
    let results = ltl_properties::run();
    for (text, r) in &results[..6] {
        assert!(r.ok(), "{text}: {r}");
        assert_eq!(r.states_explored(), 3);
    }
    assert!(matches!(results[0].1, LtlResult::Safety(_)));
    assert!(matches!(results[1].1, LtlResult::Liveness(_)));
    assert!(matches!(results[4].1, LtlResult::Safety(_)));
    let (text, bad) = &results[6];
    assert_eq!(text, "F G green");
    let r = bad.as_safety().expect("the general engine returns a safety result");
    assert_eq!(r.kind, Some(Kind::Ltl));
    assert_eq!(r.reason.as_deref(), Some("F G green"));
    assert_eq!(r.loop_index, Some(0));
    assert_eq!(r.states_explored, 3);
    assert_eq!(r.action_names(), ["go", "slow", "stop"]);
    assert!(r.to_string().starts_with(
        "LTL VIOLATED: F G green\n  Init: Light { color: \"red\" }\n  --- loops forever ---\n  → go:"
    ));
}

#[test]
fn producer_consumer_race_fix_and_liveness() {
    let (naive, atomic, live) = producer_consumer::run();
    assert_eq!(naive.invariant.as_deref(), Some("within-capacity"));
    assert_eq!(naive.states_explored, 27);
    assert_eq!(naive.action_names(), ["P0_check", "P1_check", "P0_commit", "P1_commit"]);
    assert_eq!(musil::explore(&producer_consumer::naive()).len(), 49);
    assert_eq!(atomic.to_string(), "OK — 10 states, no violations");
    assert_eq!(
        live.to_string(),
        "OK — eventually 'every item produced and consumed' on every run (10 states)"
    );
}

#[test]
fn leader_election_split_brain_quorum_and_split_vote() {
    let (split, quorum, live) = leader_election::run();
    assert_eq!(split.invariant.as_deref(), Some("one-leader-per-term"));
    assert_eq!(split.states_explored, 244);
    assert_eq!(split.action_names(), ["campaign:0", "win:0", "campaign:1", "win:1"]);
    assert_eq!(musil::explore(&leader_election::build(1)).len(), 1307);
    assert_eq!(quorum.to_string(), "OK — 681 states, no violations");
    assert_eq!(live.kind, Some(LivenessKind::PUnreachable));
    assert_eq!(live.states_explored, 681);
    assert_eq!(
        live.action_names(),
        ["campaign:0", "campaign:0", "campaign:1", "campaign:1", "campaign:2", "campaign:2"]
    );
    assert!(
        live.to_string()
            .starts_with("LIVENESS VIOLATED: 'some-leader' is unreachable from a reachable state\n")
    );
}

#[test]
fn arbiter_fairness_three_ltl_lines() {
    let [unfair, weak, strong] = arbiter_fairness::run();
    let unfair = unfair.as_liveness().expect("G (req -> F serve) reduces to leads-to");
    assert!(!unfair.ok);
    assert_eq!(unfair.kind, Some(LivenessKind::FairCycle));
    assert_eq!(unfair.states_explored, 13);
    // The reference's stem starts at the trigger (req_A waiting); musil reaches it first.
    assert_eq!(unfair.action_names(), ["req_A", "req_B", "serve_B", "req_B"]);
    assert_eq!(unfair.stem[0].action, "<init>");
    assert_eq!(unfair.trigger_at, Some(1));
    assert!(unfair.to_string().contains(
        "a_wait: true, b_wait: false }, action: Some(\"req_A\") }\n  --- the trigger holds here ---\n"
    ));
    assert!(weak.ok() && weak.states_explored() == 13);
    assert!(strong.ok() && strong.states_explored() == 13);
    assert_eq!(arbiter_fairness::probability_served_infinitely_often().to_string(), "1");
}
