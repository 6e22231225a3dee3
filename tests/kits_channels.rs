//! The channel kit's example pins the reference outcome (verdicts, state counts and traces), and
//! [`rules`] tests the kit's rules one by one (§5.2).

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

/// The channel kit's rules, one test each, through the public API.
mod rules {
    use std::collections::BTreeSet;

    use musil::kits::channels::{Channel, FifoChannel, send};
    use musil::{Action, Model, explore};

    /// (in flight, received in order)
    type Net = (BTreeSet<u8>, Vec<u8>);

    fn link(lossy: bool, duplicating: bool) -> Vec<Action<Net>> {
        Channel::new(
            [1u8, 2],
            |s: &Net| s.0.clone(),
            |s: &Net, w| (w, s.1.clone()),
            |s: &Net, m: &u8| (s.0.clone(), [s.1.clone(), vec![*m]].concat()),
        )
        .lossy(lossy)
        .duplicating(duplicating)
        .actions()
        .unwrap()
    }

    fn names<S>(acts: &[Action<S>]) -> Vec<&str> {
        acts.iter().map(|a| a.name()).collect()
    }

    #[test]
    fn names_use_the_prefix_and_the_python_repr_and_every_action_is_unfair() {
        let sets = Channel::new(
            [BTreeSet::from([1u8]), BTreeSet::new()],
            |s: &BTreeSet<BTreeSet<u8>>| s.clone(),
            |_, w| w,
            |s: &BTreeSet<BTreeSet<u8>>, _: &BTreeSet<u8>| s.clone(),
        )
        .name("votes")
        .lossy(true)
        .actions()
        .unwrap();
        assert_eq!(
            names(&sets),
            [
                "votes:deliver:frozenset({1})",
                "votes:drop:frozenset({1})",
                "votes:deliver:frozenset()",
                "votes:drop:frozenset()"
            ]
        );
        assert!(sets.iter().all(|a| a.fairness().is_none()));
        assert!(link(true, true).iter().all(|a| a.fairness().is_none()));
        let odd = Channel::new(
            ["a\u{a0}b"],
            |s: &BTreeSet<&str>| s.clone(),
            |_, w| w,
            |s: &BTreeSet<&str>, _: &&str| s.clone(),
        )
        .actions()
        .unwrap();
        assert_eq!(odd[0].name(), r"ch:deliver:'a\xa0b'");
    }

    #[test]
    fn deliver_and_drop_need_the_message_in_flight() {
        let acts = link(true, false);
        assert_eq!(names(&acts), ["ch:deliver:1", "ch:drop:1", "ch:deliver:2", "ch:drop:2"]);
        let only_two: Net = (BTreeSet::from([2]), vec![]);
        assert!(!acts[0].is_enabled(&only_two) && !acts[1].is_enabled(&only_two));
        assert!(acts[2].is_enabled(&only_two) && acts[3].is_enabled(&only_two));
    }

    #[test]
    fn a_drop_loses_the_message_without_delivering_it() {
        let acts = link(true, false);
        assert_eq!(acts[1].apply(&(BTreeSet::from([1, 2]), vec![])), (BTreeSet::from([2]), vec![]));
    }

    #[test]
    fn delivery_removes_the_message_unless_duplicating() {
        let both: Net = (BTreeSet::from([1, 2]), vec![]);
        assert_eq!(link(false, false)[0].apply(&both), (BTreeSet::from([2]), vec![1]));
        let dup = link(false, true);
        assert_eq!(dup[0].apply(&both), (BTreeSet::from([1, 2]), vec![1]));
        // A duplicating link may hand the same message over again and again.
        let twice = dup[0].apply(&dup[0].apply(&both));
        assert_eq!(twice.1, [1, 1]);
    }

    #[test]
    fn sending_puts_a_message_in_flight_once() {
        let push = send(|s: &Net| s.0.clone(), |s: &Net, w| (w, s.1.clone()));
        let sent = push(&(BTreeSet::new(), vec![]), 1);
        assert_eq!(sent.0, BTreeSet::from([1]));
        assert_eq!(push(&sent, 1), sent);
    }

    /// (queue, received in order)
    type Q = (Vec<u8>, Vec<u8>);

    fn fifo(lossy: bool) -> Vec<Action<Q>> {
        FifoChannel::new(
            |s: &Q| s.0.clone(),
            |s: &Q, q| (q, s.1.clone()),
            |s: &Q, m: &u8| (s.0.clone(), [s.1.clone(), vec![*m]].concat()),
        )
        .name("data")
        .lossy(lossy)
        .actions()
    }

    #[test]
    fn fifo_delivers_and_drops_only_the_head() {
        let acts = fifo(true);
        assert_eq!(names(&acts), ["data:deliver", "data:drop"]);
        assert!(acts.iter().all(|a| a.fairness().is_none() && !a.is_enabled(&(vec![], vec![]))));
        assert_eq!(acts[0].apply(&(vec![3, 1], vec![])), (vec![1], vec![3]));
        assert_eq!(acts[1].apply(&(vec![3, 1], vec![])), (vec![1], vec![]));
        assert_eq!(names(&fifo(false)), ["data:deliver"]);
    }

    #[test]
    fn a_lossy_fifo_may_lose_any_message_but_never_reorders() {
        let m = Model::new((vec![1u8, 2], vec![])).actions(fifo(true));
        let mut drained: Vec<Vec<u8>> =
            explore(&m).states().filter(|s| s.0.is_empty()).map(|s| s.1.clone()).collect();
        drained.sort();
        assert_eq!(drained, [vec![], vec![1], vec![1, 2], vec![2]]);
    }
}
