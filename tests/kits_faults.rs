//! The faults and reconciler kits' example pins the reference outcome.

#[allow(dead_code)]
#[path = "../examples/distributed_kit.rs"]
mod distributed_kit;

use musil::{Kind, LivenessKind, explore};

#[test]
fn distributed_kit_matches_the_reference() {
    let distributed_kit::Outcomes { live, unfair, one, two } = distributed_kit::run();
    assert!(live.ok);
    assert_eq!(live.states_explored, 6);
    assert_eq!(explore(&distributed_kit::controller()).len(), 6);

    assert!(!unfair.ok);
    assert_eq!(unfair.kind, Some(LivenessKind::FairCycle));
    assert_eq!(unfair.states_explored, 6);
    assert_eq!(unfair.action_names(), ["glitch", "glitch"]);
    assert_eq!(unfair.cycle.len(), 1);
    assert_eq!(
        format!("{:?}", unfair.stem.last().unwrap().state),
        "Ctrl { desired: \"a\", actual: \"stale\" }"
    );

    assert_eq!(one.to_string(), "OK — 4 states, no violations");
    assert_eq!(two.kind, Some(Kind::Invariant));
    assert_eq!(two.invariant.as_deref(), Some("quorum"));
    assert_eq!(two.action_names(), ["fault:crash:0", "fault:crash:1"]);
    assert_eq!(two.states_explored, 7);
}

#[test]
fn cluster_action_names_are_the_originals() {
    let m = distributed_kit::cluster(1);
    let names: Vec<&str> = m.static_action_list().iter().map(|a| a.name()).collect();
    assert_eq!(
        names,
        [
            "fault:crash:0",
            "fault:revive:0",
            "fault:crash:1",
            "fault:revive:1",
            "fault:crash:2",
            "fault:revive:2"
        ]
    );
}
