//! Refinement against the spec's table (simulation_and_tooling.md §3): the counter 0 → 1 → 2,
//! 2 terminal, observed as `N { v }` through an abstraction.

use musil::Model;
use musil::refine::{RefinementMonitor, RefinementReason, check_refinement, judge};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct N {
    v: u8,
}

fn counter() -> Model<N> {
    Model::new(N { v: 0 }).action("inc", |n| n.v < 2, |n| N { v: n.v + 1 }).terminal(|n| n.v == 2)
}

/// The implementation's states are plain numbers.
fn abstraction(v: &u8) -> N {
    N { v: *v }
}

fn text(observations: &[u8]) -> String {
    check_refinement(&counter(), observations, abstraction).to_string()
}

#[test]
fn runs_that_refine_and_runs_that_do_not() {
    assert_eq!(text(&[0, 1, 2]), "REFINES -- 3 observations, no divergence");
    assert_eq!(text(&[0, 0, 1, 1, 2, 2]), "REFINES -- 6 observations, no divergence");
    assert_eq!(
        text(&[0, 2]),
        "REFINEMENT: observation 1 steps N { v: 0 } -> N { v: 2 }, which the model does not allow\n(2 observations checked)"
    );
    assert_eq!(
        text(&[0, 5]),
        "REFINEMENT: observation 1 maps to N { v: 5 }, unreachable in the model\n(2 observations checked)"
    );
    assert_eq!(
        text(&[1, 2]),
        "REFINEMENT: observation 0 maps to N { v: 1 }, not a model initial state\n(1 observations checked)"
    );
    assert_eq!(text(&[]), "REFINES -- 0 observations, no divergence");
}

#[test]
fn require_init_off_and_an_unknown_first_state() {
    let lax = || RefinementMonitor::new(&counter(), abstraction).require_init(false);
    assert!(judge(lax(), [1u8, 2]).ok);
    let r = judge(lax(), [5u8]);
    let v = r.violation.unwrap();
    assert_eq!((v.index, v.reason), (0, RefinementReason::UnknownState));
    assert_eq!((v.concrete_from, v.abstract_from), (None, None));
}

#[test]
fn a_monitor_keeps_the_last_good_observation() {
    let mut m = RefinementMonitor::new(&counter(), abstraction);
    assert!(m.observe(&0).is_ok());
    assert!(m.observe(&1).is_ok());
    let v = m.observe(&0).unwrap_err();
    assert_eq!((v.index, v.reason), (2, RefinementReason::NoModelStep));
    assert_eq!((v.concrete_from, v.concrete_to), (Some(1), 0));

    let mut m = RefinementMonitor::new(&counter(), abstraction);
    let verdicts: Vec<bool> = [0u8, 2, 1, 2].iter().map(|o| m.observe(o).is_ok()).collect();
    assert_eq!(verdicts, [true, false, true, true], "only the 2nd fails; then 1 and 2 follow from 0");
    m.reset();
    assert_eq!(m.observe(&1).unwrap_err().reason, RefinementReason::BadInit);
}

#[test]
fn a_truncated_model_has_no_steps_out_of_its_frontier() {
    let unbounded = Model::new(0u32).action("inc", |_| true, |n| n + 1);
    let checker = musil::Checker::new(&unbounded).max_states(3);
    let mut m = RefinementMonitor::over(&checker, |n: &u32| *n);
    assert!(m.observe(&0).is_ok() && m.observe(&1).is_ok());
    // 2 is the frontier state the cap left unexpanded, and 3 was never stored.
    assert!(m.observe(&2).is_ok());
    assert_eq!(m.observe(&3).unwrap_err().reason, RefinementReason::UnknownState);
}
