//! The open-system examples, run in-process: each example file is included in a module, so
//! its model builders are checked here and its printed layout is pinned.

use musil::Kind;

#[allow(dead_code)]
#[path = "../examples/open_system_composed.rs"]
mod composed;

#[allow(dead_code)]
#[path = "../examples/k8s_scheduler.rs"]
mod scheduler;

const COMPOSED_RESIDUALS: [&str; 9] = [
    "k8s:node-capacity",
    "k8s:scheduler-liveness",
    "k8s:eviction-rate-bounded",
    "aws:s3-eventual-delivery",
    "aws:region-availability",
    "aws:throttle-transient",
    "etcd:quorum-maintained",
    "etcd:bounded-leader-election",
    "etcd:compaction-bounded",
];

#[test]
fn open_system_composed_finds_the_exhausted_retry_budget() {
    let r = composed::run();
    assert!(!r.ok());
    assert_eq!(r.result.kind, Some(Kind::Invariant));
    assert_eq!(r.result.invariant.as_deref(), Some("not-permanently-failed"));
    assert_eq!(r.result.states_explored, 89);
    let expected: Vec<&str> = (0..11).map(|i| if i % 2 == 0 { "k8s:evict-pod" } else { "recover" }).collect();
    assert_eq!(r.result.action_names(), expected);
    let last = r.result.witness().unwrap();
    assert_eq!((last.status, last.retries), (composed::Phase::Evicted, 5));
    let names: Vec<&str> = r.unverified_assumptions.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, COMPOSED_RESIDUALS);
}

#[test]
fn open_system_composed_figures_around_the_violation() {
    // The closed service alone is fine; the open model has 96 reachable states.
    let closed = musil::check(&composed::service());
    assert!(closed.ok);
    assert_eq!(closed.states_explored, 9);
    let open = musil::open::compose(&composed::service(), &composed::environments());
    assert_eq!(musil::explore(&open).len(), 96);
}

#[test]
fn open_system_composed_report_layout() {
    let text = composed::report(&composed::run());
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "FAIL  Invariant violated!");
    assert_eq!(lines[1], "INVARIANT VIOLATED: not-permanently-failed");
    assert!(lines[2].starts_with("  Init: ServiceState { status: Running,"));
    assert!(lines[3].starts_with("  → k8s:evict-pod: ServiceState { status: Evicted,"));
    assert!(lines[13].starts_with("  → k8s:evict-pod: "));
    assert_eq!(lines[14], "(89 states explored)");
    assert_eq!(lines[15], "");
    assert_eq!(lines[16], "Residual proof obligations (must be verified externally):");
    assert_eq!(
        &lines[17..20],
        [
            "  [unverified] k8s:node-capacity",
            "               At least one schedulable node exists after any eviction; the scheduler can always place the evicted pod",
            "               Source: Kubernetes docs: Concepts > Workloads > Pod lifecycle § Disruptions",
        ]
    );
    assert_eq!(lines.len(), 17 + 3 * 9);
    assert_eq!(
        lines.last(),
        Some(&"               Source: etcd docs: Operations guide § Maintenance § History compaction")
    );
}

#[test]
fn k8s_scheduler_closed_fragile_resilient() {
    let (closed, fragile, resilient) = scheduler::run();
    assert!(closed.ok);
    assert_eq!(closed.to_string(), "OK — 3 states, no violations");

    assert!(!fragile.ok());
    assert_eq!(fragile.result.kind, Some(Kind::Invariant));
    assert_eq!(fragile.result.invariant.as_deref(), Some("always-responsive"));
    assert_eq!(fragile.result.action_names(), ["start", "k8s:evict-pod"]);
    assert_eq!(fragile.result.states_explored, 4);
    assert!(fragile.result.to_string().starts_with("INVARIANT VIOLATED: always-responsive\n  Init: "));

    assert!(resilient.ok());
    assert_eq!(resilient.result.to_string(), "OK — 12 states, no violations");
    let residuals: Vec<(&str, &str)> =
        resilient.unverified_assumptions.iter().map(|a| (a.name.as_str(), a.description.as_str())).collect();
    assert_eq!(
        residuals,
        [
            ("node-capacity", "At least one schedulable node is always available after eviction"),
            ("eviction-rate-bounded", "Eviction rate is bounded so max_restarts is not exceeded in practice"),
        ]
    );
    // The fragile result carries the same residuals: the verdict does not change them.
    assert_eq!(fragile.unverified_assumptions, resilient.unverified_assumptions);
}
