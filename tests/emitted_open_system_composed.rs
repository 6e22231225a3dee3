//! Emitted by `open_system_composed check --emit-test`: the counterexample found in the model
//! `service`, replayed by action names so that it stays pinned as the model changes.

#[allow(dead_code)]
#[path = "../examples/open_system_composed.rs"]
mod open_system_composed;

#[test]
#[rustfmt::skip]
fn service_counterexample_replays() {
    let system = open_system_composed::service();
    let environments = open_system_composed::environments();
    let model = musil::open::compose(&system, &environments);
    let actions: &[&str] = &[
        "k8s:evict-pod",
        "recover",
        "k8s:evict-pod",
        "recover",
        "k8s:evict-pod",
        "recover",
        "k8s:evict-pod",
        "recover",
        "k8s:evict-pod",
        "recover",
        "k8s:evict-pod",
    ];
    let run = musil::testing::replay_check(&model, actions).unwrap_or_else(|e| panic!("{e}"));
    let invariant = "not-permanently-failed";
    musil::assert_violates!(run, kind = musil::Kind::Invariant, invariant = invariant);
    assert_eq!(run.trace.len(), actions.len() + 1, "the violation is at the last step");
    let last = "ServiceState { status: Evicted, s3_writes_pending: 0, etcd_reads_pending: 0, retries: 5 }";
    assert_eq!(format!("{:?}", run.trace[actions.len()].state), last);
}
