//! The channel kit's example pins the reference outcome: verdicts, state counts and traces.

#[allow(dead_code)]
#[path = "../examples/alternating_bit.rs"]
mod alternating_bit;

use musil::{Kind, LivenessKind, explore};

#[test]
fn alternating_bit_matches_the_reference() {
    let alternating_bit::Outcomes { unordered, no_bit, with_bit, weak, strong } = alternating_bit::run();

    assert_eq!(unordered.kind, Some(Kind::Invariant));
    assert_eq!(unordered.invariant.as_deref(), Some("in-order"));
    assert_eq!(unordered.states_explored, 31);
    assert_eq!(
        unordered.action_names(),
        [
            "sender:send",
            "data:deliver:(0, 0)",
            "sender:send",
            "ack:deliver:0",
            "sender:send",
            "data:deliver:(1, 1)",
            "data:deliver:(0, 0)"
        ]
    );
    assert_eq!(explore(&alternating_bit::unordered()).len(), 231);

    assert_eq!(no_bit.invariant.as_deref(), Some("in-order"));
    assert_eq!(no_bit.states_explored, 7);
    assert_eq!(no_bit.action_names(), ["sender:send", "data:deliver", "data:deliver"]);

    assert!(with_bit.ok);
    assert_eq!(with_bit.states_explored, 30);

    assert!(!weak.ok);
    assert_eq!(weak.kind, Some(LivenessKind::FairCycle));
    assert_eq!(weak.states_explored, 27);
    let stem = ["sender:send", "data:deliver", "ack:deliver"];
    let lasso: Vec<&str> = stem.iter().chain(&stem).chain(&["sender:send", "data:drop"]).copied().collect();
    assert_eq!(weak.action_names(), lasso);
    assert_eq!(weak.cycle.len(), 2);
    assert!(weak.to_string().starts_with("LIVENESS VIOLATED: a fair cycle never reaches 'all-delivered'\n"));

    assert!(strong.ok);
    assert_eq!(strong.states_explored, 27);
}

#[test]
fn unordered_action_names_are_the_originals() {
    let m = alternating_bit::unordered();
    let names: Vec<&str> = m.static_action_list().iter().map(|a| a.name()).collect();
    assert_eq!(
        names,
        [
            "sender:send",
            "data:deliver:(0, 0)",
            "data:drop:(0, 0)",
            "data:deliver:(1, 1)",
            "data:drop:(1, 1)",
            "data:deliver:(0, 2)",
            "data:drop:(0, 2)",
            "ack:deliver:0",
            "ack:drop:0",
            "ack:deliver:1",
            "ack:drop:1"
        ]
    );
}
