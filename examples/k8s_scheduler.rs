//! Closed versus open: a service that is correct on its own, checked again inside a
//! Kubernetes cluster that may evict its pod at any moment.
//!
//! The closed model passes. Against an eviction that leaves the service unresponsive (the
//! fragile platform contract) the open check finds the two-step run start, evict. Against an
//! eviction that restarts the service with a bounded restart budget (the resilient contract)
//! every eviction timing is survived, and what remains are the two assumptions the verdict
//! rests on, printed as residual proof obligations.
//!
//! Run with `cargo run --example k8s_scheduler`.

use musil::open::{Assumption, EnvironmentSpec, OpenResult, Status, check_open};
use musil::{CheckResult, Model, check};

/// A service's lifecycle state (`status` is one of starting, healthy, degraded,
/// unresponsive).
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct ServiceState {
    pub status: &'static str,
    pub restarts: i32,
    pub max_restarts: i32,
}

/// The service: start, then move between healthy and degraded. The same model is checked
/// closed and against both platform contracts.
pub fn service_model() -> Model<ServiceState> {
    Model::new(ServiceState { status: "starting", restarts: 0, max_restarts: 3 })
        .action("start", |s| s.status == "starting", |s| ServiceState { status: "healthy", ..s.clone() })
        .action("degrade", |s| s.status == "healthy", |s| ServiceState { status: "degraded", ..s.clone() })
        .action("recover", |s| s.status == "degraded", |s| ServiceState { status: "healthy", ..s.clone() })
        .invariant("valid-status", |s| {
            matches!(s.status, "starting" | "healthy" | "degraded" | "unresponsive")
        })
        .invariant("always-responsive", |s| s.status != "unresponsive")
        .invariant("restarts-bounded", |s| s.restarts <= s.max_restarts)
}

/// The platform: the pod may be evicted while the service is up and restart budget remains.
/// A fragile eviction leaves the service unresponsive; a resilient one restarts it.
pub fn k8s_env(resilient: bool) -> EnvironmentSpec<ServiceState> {
    let can_evict =
        |s: &ServiceState| matches!(s.status, "healthy" | "degraded") && s.restarts < s.max_restarts;
    let env = if resilient {
        EnvironmentSpec::new("k8s").behaviour("k8s:evict-pod", can_evict, |s| ServiceState {
            status: "starting",
            restarts: s.restarts + 1,
            ..s.clone()
        })
    } else {
        EnvironmentSpec::new("k8s")
            .behaviour("k8s:evict-pod", can_evict, |s| ServiceState { status: "unresponsive", ..s.clone() })
    };
    env.guarantee("restarts-non-negative", |s: &ServiceState| s.restarts >= 0)
        .assumption(
            Assumption::new(
                "node-capacity",
                "At least one schedulable node is always available after eviction",
            )
            .status(Status::Unverified)
            .source("Kubernetes docs: Pod lifecycle"),
        )
        .assumption(
            Assumption::new(
                "eviction-rate-bounded",
                "Eviction rate is bounded so max_restarts is not exceeded in practice",
            )
            .status(Status::Unverified)
            .source("cluster SLA"),
        )
}

/// The three checks: closed, open against the fragile platform, open against the resilient one.
pub fn run() -> (CheckResult<ServiceState>, OpenResult<ServiceState>, OpenResult<ServiceState>) {
    let model = service_model();
    (check(&model), check_open(&model, &[k8s_env(false)]), check_open(&model, &[k8s_env(true)]))
}

fn main() {
    println!("Open-system model checking: distributed service vs K8s pod eviction\n");
    let (closed, fragile, resilient) = run();

    println!("  Closed model (no faults):               {closed}");
    assert!(closed.ok);

    println!("  Open model, fragile (vs k8s eviction):  {}", fragile.result);
    assert!(!fragile.ok());
    assert_eq!(fragile.result.invariant.as_deref(), Some("always-responsive"));

    println!("  Open model, resilient (vs k8s eviction): {}", resilient.result);
    assert!(resilient.ok(), "{resilient}");

    println!("\n  Residual proof obligations ({} unverified):", resilient.unverified_assumptions.len());
    for a in &resilient.unverified_assumptions {
        println!("    [{}] {}", a.status, a.name);
        println!("             {}", a.description);
    }

    println!(
        "\nKey insight: the same service model fails under K8s eviction without restart logic.\n\
         check_open explores EVERY possible eviction timing (the BFS is adversarial), so\n\
         the availability invariant is verified over all reachable states — not just tested."
    );
}
