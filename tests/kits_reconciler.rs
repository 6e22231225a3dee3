//! The reconciler kit's rules, one test each, through the public API (§5.5).

use musil::kits::reconciler::Reconciler;
use musil::{Fairness, Liveness, LivenessKind, Model, check_liveness, explore};

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Ctrl {
    desired: &'static str,
    actual: &'static str,
}

fn reconciler() -> Reconciler<Ctrl> {
    Reconciler::new(|s: &Ctrl| s.desired, |s| s.actual, |s, actual| Ctrl { actual, ..s.clone() })
}

fn ctrl(desired: &'static str, actual: &'static str) -> Ctrl {
    Ctrl { desired, actual }
}

#[test]
fn converged_is_actual_equal_to_desired() {
    let converged = reconciler().converged();
    assert!(converged(&ctrl("a", "a")));
    assert!(!converged(&ctrl("a", "b")));
}

#[test]
fn the_action_is_weakly_fair_named_and_enabled_only_while_not_converged() {
    let a = reconciler().action();
    assert_eq!((a.name(), a.fairness()), ("reconcile", Some(Fairness::Weak)));
    assert!(a.is_enabled(&ctrl("a", "b")) && !a.is_enabled(&ctrl("a", "a")));
    assert_eq!(reconciler().name("sync").action().name(), "sync");
}

#[test]
fn reconcile_sets_actual_to_the_desired_value_of_the_moment() {
    let a = reconciler().action();
    assert_eq!(a.apply(&ctrl("a", "b")), ctrl("a", "a"));
    // The environment retargets: the next reconcile follows the new value.
    let m = Model::new(ctrl("a", "a"))
        .add_action(a)
        .action("retarget", |s| s.desired == "a", |s| Ctrl { desired: "z", ..s.clone() })
        .terminal(|_| true);
    let mut seen: Vec<Ctrl> = explore(&m).states().cloned().collect();
    seen.sort_by_key(|s| (s.desired, s.actual));
    assert_eq!(seen, [ctrl("a", "a"), ctrl("z", "a"), ctrl("z", "z")]);
}

fn with_idle() -> Model<Ctrl> {
    Model::new(ctrl("a", "b"))
        .add_action(reconciler().action())
        .action("idle", |_| true, Clone::clone)
        .terminal(|_| false)
}

#[test]
fn the_corpus_controller_has_two_states_and_converges_under_the_tag() {
    let m = with_idle();
    assert_eq!(explore(&m).len(), 2);
    let goal = || Liveness::eventually(reconciler().converged()).everywhere(true);
    assert!(check_liveness(&m, &goal()).unwrap().ok);
    let starved = check_liveness(&m, &goal().fair(Vec::<String>::new())).unwrap();
    assert!(!starved.ok);
    assert_eq!(starved.kind, Some(LivenessKind::FairCycle));
    assert_eq!(starved.states_explored, 2);
}
