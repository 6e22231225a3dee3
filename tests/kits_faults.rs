//! The faults and reconciler kits' example pins the reference outcome, and [`rules`] tests the
//! fault kit's rules one by one (§5.1).

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

/// The fault kit's rules, one test each, through the public API.
mod rules {
    use std::collections::BTreeSet;

    use musil::kits::faults::{Crash, Partitions, budget, once};
    use musil::{Action, Fairness, Model, explore};

    type Up = BTreeSet<u8>;

    fn set_up(s: &Up, n: &u8, up: bool) -> Up {
        let mut s = s.clone();
        if up {
            s.insert(*n);
        } else {
            s.remove(n);
        }
        s
    }

    fn crashes(nodes: &[u8], budget: usize, revive: bool) -> Vec<Action<Up>> {
        Crash::new(nodes.to_vec(), |s: &Up, n: &u8| s.contains(n), set_up)
            .budget(budget)
            .revive(revive)
            .actions()
            .unwrap()
    }

    #[test]
    fn the_budget_counts_down_nodes_of_the_list_only() {
        // Node 2 is down but not in the list: it does not spend the budget.
        let acts = crashes(&[0, 1], 1, false);
        let start = Up::from([0, 1]);
        assert!(acts[0].is_enabled(&start));
        let after = acts[0].apply(&start);
        assert_eq!(after, Up::from([1]));
        assert!(!acts[1].is_enabled(&after));
    }

    #[test]
    fn with_revival_the_budget_bounds_simultaneous_failures_not_the_total() {
        let acts = crashes(&[0, 1], 1, true);
        let names: Vec<&str> = acts.iter().map(|a| a.name()).collect();
        assert_eq!(names, ["fault:crash:0", "fault:revive:0", "fault:crash:1", "fault:revive:1"]);
        let (crash0, revive0, crash1) = (&acts[0], &acts[1], &acts[2]);
        let one_down = crash0.apply(&Up::from([0, 1]));
        assert!(!crash1.is_enabled(&one_down));
        assert!(!revive0.is_enabled(&Up::from([0, 1])) && revive0.is_enabled(&one_down));
        let back = revive0.apply(&one_down);
        assert_eq!(back, Up::from([0, 1]));
        assert!(crash1.is_enabled(&back)); // a second crash in the run, one at a time
        let m = Model::new(Up::from([0, 1])).actions(acts);
        assert_eq!(explore(&m).len(), 3);
        assert!(!explore(&m).states().any(|s| s.is_empty()));
    }

    #[test]
    fn without_a_budget_every_subset_may_crash() {
        let acts = Crash::new([0u8, 1, 2], |s: &Up, n: &u8| s.contains(n), set_up).actions().unwrap();
        assert_eq!(explore(&Model::new(Up::from([0, 1, 2])).actions(acts)).len(), 8);
    }

    #[test]
    fn partitions_set_the_split_heal_restores_and_all_are_unfair() {
        let acts = Partitions::new([1u8, 2], |s: &u8| *s, |_: &u8, r| r, 0).name("net").actions();
        let names: Vec<&str> = acts.iter().map(|a| a.name()).collect();
        assert_eq!(names, ["net:partition:0", "net:partition:1", "net:heal"]);
        assert!(acts.iter().all(|a| a.fairness().is_none()));
        assert_eq!((acts[0].apply(&0), acts[1].apply(&0)), (1, 2));
        assert!(!acts[0].is_enabled(&1) && !acts[1].is_enabled(&1));
        assert!(!acts[2].is_enabled(&0));
        assert_eq!(acts[2].apply(&2), 0);
    }

    #[test]
    fn budget_keeps_the_name_and_fairness_and_applies_the_tick_after_the_effect() {
        // (n, spent): the tick sees the inner effect's result.
        let inc = Action::new("inc", |_: &(u8, usize)| true, |s| (s.0 + 1, s.1)).fair(Fairness::Strong);
        let capped = budget(inc, 2, |s| s.1, |s| (s.0 * 10, s.1 + 1));
        assert_eq!((capped.name(), capped.fairness()), ("inc", Some(Fairness::Strong)));
        assert_eq!(capped.apply(&(1, 0)), (20, 1));
        assert!(capped.is_enabled(&(0, 1)) && !capped.is_enabled(&(0, 2)));
    }

    #[test]
    fn once_respects_the_inner_guard_and_marks_after_the_effect() {
        // (n, fired)
        let inc = Action::new("inc", |s: &(u8, bool)| s.0 < 5, |s| (s.0 + 1, s.1));
        let one = once(inc, |s| s.1, |s| (s.0 * 10, true));
        assert!(!one.is_enabled(&(5, false))); // the inner guard still applies
        assert_eq!(one.apply(&(1, false)), (20, true));
        assert_eq!(one.fairness(), None);
    }
}
