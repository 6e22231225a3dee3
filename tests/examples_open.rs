//! The open-system examples, run in-process: each example file is included in a module, so
//! its model builders are checked here and its printed layout is pinned.

use musil::Kind;
use musil::open::Breach;

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
    // The three budgeted obligations carry a fourth line: the eviction budget is what this
    // run breaks, the other two hold along it.
    assert_eq!(lines[23], "  [unverified] k8s:eviction-rate-bounded");
    assert_eq!(
        lines[26],
        "               Checkable: at most 5 of k8s:evict-pod per run; BROKEN by this run: k8s:evict-pod fired 6 times, at most 5 allowed (one too many at step 11)"
    );
    let checkable: Vec<&str> = lines.iter().copied().filter(|l| l.contains("Checkable: ")).collect();
    assert_eq!(
        checkable[1..],
        [
            "               Checkable: at most 5 of aws:throttle per run; holds along this run",
            "               Checkable: at most 5 of etcd:leader-change per run; holds along this run",
        ]
    );
    assert_eq!(lines.len(), 17 + 3 * 9 + 3 + 2);
    assert_eq!(
        lines[lines.len() - 3],
        "               Source: etcd docs: Operations guide § Maintenance § History compaction"
    );
    assert_eq!(lines[lines.len() - 2], "");
    assert_eq!(
        lines[lines.len() - 1],
        "This run breaks 1 of the 3 checkable obligations: k8s:eviction-rate-bounded."
    );
}

#[test]
fn open_system_composed_names_the_eviction_budget_as_what_the_run_breaks() {
    let r = composed::run();
    let broken = r.broken_assumptions();
    assert_eq!(broken.len(), 1);
    assert_eq!(broken[0].name, "k8s:eviction-rate-bounded");
    match &broken[0].breaches[..] {
        [Breach::Bound { bound, fired: 6, step: Some(11), forever: false }] => {
            assert_eq!(bound.actions(), ["k8s:evict-pod"]);
            assert_eq!(bound.max(), composed::PLATFORM_BUDGET);
        }
        other => panic!("unexpected breaches {other:?}"),
    }
    assert!(r.assumed().is_empty());
}

#[test]
fn open_system_composed_within_platform_budgets_still_fails() {
    let r = composed::run_within_platform_budgets();
    assert!(!r.ok());
    assert_eq!(r.result.kind, Some(Kind::Invariant));
    assert_eq!(r.result.invariant.as_deref(), Some("not-permanently-failed"));
    let mut expected = vec!["start-s3-write", "aws:throttle", "recover"];
    for i in 0..9 {
        expected.push(if i % 2 == 0 { "k8s:evict-pod" } else { "recover" });
    }
    assert_eq!(r.result.action_names(), expected);
    // Model states paired with three budget counters.
    assert_eq!(r.result.states_explored, 482);
    assert_eq!(r.assumed(), composed::PLATFORM_BUDGETS);
    assert!(r.broken_assumptions().is_empty());
    let names: Vec<&str> = r.unverified_assumptions.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, COMPOSED_RESIDUALS);
    let text = composed::report_assuming(&r);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "Assuming k8s:eviction-rate-bounded, aws:throttle-transient, etcd:bounded-leader-election (runs that break them are not explored; states are counted with their budget counters):"
    );
    assert_eq!(lines[1], "FAIL  Invariant violated!");
    assert_eq!(lines[2], "INVARIANT VIOLATED: not-permanently-failed");
    assert_eq!(lines[lines.len() - 2], "(482 states explored)");
    assert_eq!(
        lines[lines.len() - 1],
        "This run keeps all 3 checkable obligations: none of them rules it out."
    );
}

#[test]
fn open_system_composed_within_the_shared_fault_budget_passes() {
    let r = composed::run_within_fault_budget();
    assert!(r.ok());
    assert!(!r.result.truncated);
    assert_eq!(r.result.states_explored, 89);
    assert_eq!(r.assumed(), [composed::FAULT_BUDGET]);
    let names: Vec<&str> = r.unverified_assumptions.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names[..9], COMPOSED_RESIDUALS);
    assert_eq!(names[9], composed::FAULT_BUDGET);
    assert_eq!(
        composed::report_assuming(&r),
        "Assuming ops:faults-within-retry-budget (runs that break them are not explored; states are counted with their budget counters):\n\
         PASS  Service invariants hold under K8s + AWS + etcd faults.\n\
         OK — 89 states, no violations"
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
