//! The simulation examples pin the reference facts (reference/examples/*.out), and
//! route_delivery's per-seed figures pin the generator: they hold only with CPython's
//! Mersenne Twister draws (simulation_and_tooling.md §1.5, [run] figures).

#[allow(dead_code)]
#[path = "../examples/byzantine_service.rs"]
mod byzantine_service;
#[allow(dead_code)]
#[path = "../examples/partition_heal.rs"]
mod partition_heal;
#[allow(dead_code)]
#[path = "../examples/route_delivery.rs"]
mod route_delivery;

use musil::sim::FailureKind;

#[test]
fn byzantine_service_catches_wrong_answers_and_corruption() {
    let (no_validate, with_validate, clean, corrupted) = byzantine_service::run();
    assert_eq!(
        no_validate.to_string(),
        "GOAL on seed 0 at step 2: accepted==expected\n  world: Taken { accepted: Some(-1), rejected: 0 }\n  \
         reproduce with seeds=[0]\n(1 runs before the failing seed)"
    );
    assert_eq!(with_validate.to_string(), "OK -- 20 simulated runs, no failures");
    assert_eq!(clean.to_string(), "OK -- 10 simulated runs, no failures");
    assert_eq!(
        corrupted.to_string(),
        "INVARIANT on seed 0 at step 2: no-crash\n  world: Received { received: None, crashed: true }\n  \
         reproduce with seeds=[0]\n(1 runs before the failing seed)"
    );
}

#[test]
fn partition_heal_wedges_converges_and_loses_on_restart() {
    let (faf, rep, lost) = partition_heal::run();
    let f = faf.failure.expect("wedged");
    assert_eq!((f.kind, f.seed), (FailureKind::Liveness, 0));
    assert_eq!(rep.to_string(), "OK -- 50 simulated runs, no failures");
    let l = lost.failure.expect("lost on restart");
    assert_eq!(
        (l.kind, l.seed, l.step, l.detail.as_str()),
        (FailureKind::Liveness, 0, 3, "applied==desired")
    );
    let applied: Vec<i64> = l.history.iter().map(|w| w.applied).collect();
    assert_eq!(applied, [0, 1, 1, 0]); // §1.8: crash r [3,8) cold, fire-and-forget
}

#[test]
fn route_delivery_design_holds_and_fire_and_forget_fails_on_seed_1() {
    let (safety, liveness) = route_delivery::check_design();
    assert_eq!(safety.to_string(), "OK — 2 states, no violations");
    assert!(liveness.proved());
    let ff = route_delivery::simulate_push(false, 0..300);
    let f = ff.failure.as_ref().expect("fire-and-forget fails");
    assert_eq!((f.kind, f.seed, f.detail.as_str()), (FailureKind::Goal, 1, "applied==desired"));
    assert_eq!(f.world, route_delivery::Spec { desired: 1, applied: 0 });
    assert_eq!(ff.runs, 2);
    let rp = route_delivery::simulate_push(true, 0..300);
    assert_eq!(rp.to_string(), "OK -- 300 simulated runs, no failures");
}

#[test]
fn route_delivery_failing_seeds_are_cpythons() {
    // §1.5: 87 of seeds 0..300 fail, the first 1, 3, 4, 8, 13, 14, 18, 21, 28, 31, 32, 39, 43,
    // 45, 49.
    let failing: Vec<u64> = (0..300).filter(|&s| !route_delivery::simulate_push(false, [s]).ok()).collect();
    assert_eq!(failing.len(), 87);
    assert_eq!(failing[..15], [1, 3, 4, 8, 13, 14, 18, 21, 28, 31, 32, 39, 43, 45, 49]);
}

#[test]
fn route_delivery_runs_match_the_golden_draw_traces() {
    use musil::Value;
    use musil::sim::{NetworkModel, Nodes, Simulator};
    let run = |repush: bool, seed: u64| {
        let nodes = Nodes::<Value>::new()
            .node("cp", route_delivery_nodes::control_plane(repush))
            .node("agent", route_delivery::Agent::default());
        let mut applied = Vec::new();
        let r = Simulator::new(nodes)
            .seed(seed)
            .network(NetworkModel::new().loss(0.3).latency(1, 3))
            .run_observed(|sim| {
                let a = sim.nodes().get::<route_delivery::Agent>("agent").unwrap();
                applied.push((sim.now(), route_delivery_nodes::applied(a)));
                std::ops::ControlFlow::Continue(())
            })
            .unwrap();
        ((r.steps, r.time, r.delivered, r.dropped), applied)
    };
    assert_eq!(run(false, 0).0, (1, 2, 1, 1));
    assert_eq!(run(false, 1).0, (0, 0, 0, 1));
    assert_eq!(run(false, 2).0, (1, 1, 1, 1));
    let (figures, snapshots) = run(true, 0);
    assert_eq!(figures, (8, 7, 5, 1));
    assert_eq!(snapshots, [(0, 0), (2, 1), (2, 1), (4, 1), (4, 1), (6, 1), (6, 1), (6, 1), (7, 1)]);
    let (figures, snapshots) = run(true, 1);
    assert_eq!(figures, (9, 9, 5, 2));
    assert_eq!(snapshots, [(0, 0), (2, 0), (3, 1), (4, 1), (6, 1), (6, 1), (7, 1), (8, 1), (8, 1), (9, 1)]);
    assert_eq!(run(true, 2).0, (8, 9, 5, 1));
    assert_eq!(run(true, 3).0, (7, 7, 4, 1));
}

/// Reach into the example's node types.
mod route_delivery_nodes {
    use super::route_delivery::{Agent, ControlPlane};
    pub fn control_plane(repush: bool) -> ControlPlane {
        ControlPlane::new(repush)
    }
    pub fn applied(agent: &Agent) -> i64 {
        agent.applied()
    }
}
