//! One service against three platforms at once: Kubernetes pod eviction, AWS throttling and
//! etcd leader changes, all from the pre-built environment library.
//!
//! The service keeps up to two S3 writes and two etcd reads in flight and recovers from any
//! fault, but only five times. The environments are adversarial and unbounded: nothing in
//! their contracts limits how often the pod is evicted, so the breadth-first search finds the
//! run in which six evictions exhaust the retry budget. The residual proof obligations printed
//! after the trace are exactly what would have to hold (and be checked outside the model) for
//! the real deployment not to hit that run: eviction rates are bounded, and so on.
//!
//! Run with `cargo run --example open_system_composed`.

use musil::Model;
use musil::open::environments::{aws, etcd, k8s};
use musil::open::{EnvironmentSpec, OpenResult, check_open};

/// Where the service stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Phase {
    Running,
    Evicted,
    Throttled,
    NoLeader,
}

/// A service that writes data to S3 and reads its configuration from etcd.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ServiceState {
    pub status: Phase,
    pub s3_writes_pending: u8,
    pub etcd_reads_pending: u8,
    pub retries: u8,
}

/// The closed system: start and complete writes and reads while running; recover from any
/// fault while retries remain.
pub fn service() -> Model<ServiceState> {
    let running = |s: &ServiceState| s.status == Phase::Running;
    Model::new(ServiceState {
        status: Phase::Running,
        s3_writes_pending: 0,
        etcd_reads_pending: 0,
        retries: 0,
    })
    .action(
        "start-s3-write",
        move |s| running(s) && s.s3_writes_pending < 2,
        |s| ServiceState { s3_writes_pending: s.s3_writes_pending + 1, ..s.clone() },
    )
    .action(
        "complete-s3-write",
        move |s| s.s3_writes_pending > 0 && running(s),
        |s| ServiceState { s3_writes_pending: s.s3_writes_pending - 1, ..s.clone() },
    )
    .action(
        "start-etcd-read",
        move |s| running(s) && s.etcd_reads_pending < 2,
        |s| ServiceState { etcd_reads_pending: s.etcd_reads_pending + 1, ..s.clone() },
    )
    .action(
        "complete-etcd-read",
        move |s| s.etcd_reads_pending > 0 && running(s),
        |s| ServiceState { etcd_reads_pending: s.etcd_reads_pending - 1, ..s.clone() },
    )
    .action(
        "recover",
        move |s| !running(s) && s.retries < 5,
        |s| ServiceState { status: Phase::Running, retries: s.retries + 1, ..s.clone() },
    )
    .invariant("not-permanently-failed", move |s| running(s) || s.retries < 5)
    .invariant("no-pending-after-eviction", |s| {
        !(s.status == Phase::Evicted && (s.s3_writes_pending > 0 || s.etcd_reads_pending > 0))
    })
}

/// The three platforms, in the order they are composed: k8s, aws, etcd.
pub fn environments() -> Vec<EnvironmentSpec<ServiceState>> {
    let k8s = k8s::pod_eviction(
        |s: &ServiceState| s.status == Phase::Running,
        |s| ServiceState { status: Phase::Evicted, s3_writes_pending: 0, etcd_reads_pending: 0, ..s.clone() },
    );
    let aws = aws::aws_api_faults(
        |s: &ServiceState| s.s3_writes_pending > 0 && s.status == Phase::Running,
        |s| ServiceState { status: Phase::Throttled, s3_writes_pending: 0, ..s.clone() },
    );
    let etcd = etcd::cluster_faults(
        |s: &ServiceState| s.etcd_reads_pending > 0 && s.status == Phase::Running,
        |s| ServiceState { status: Phase::NoLeader, etcd_reads_pending: 0, ..s.clone() },
    );
    vec![k8s.build(), aws.build(), etcd.build()]
}

/// The service checked against every interleaving of the three platforms' faults.
pub fn run() -> OpenResult<ServiceState> {
    check_open(&service(), &environments())
}

/// The report `main` prints: the verdict with its trace, then the residual obligations.
pub fn report(result: &OpenResult<ServiceState>) -> String {
    let mut lines = Vec::new();
    if result.ok() {
        lines.push("PASS  Service invariants hold under K8s + AWS + etcd faults.".to_owned());
    } else {
        lines.push("FAIL  Invariant violated!".to_owned());
        lines.push(result.result.to_string());
    }
    if result.unverified_assumptions.is_empty() {
        lines.push("\nNo residual proof obligations.".to_owned());
    } else {
        lines.push("\nResidual proof obligations (must be verified externally):".to_owned());
        for a in &result.unverified_assumptions {
            lines.push(format!("  {:<12} {}", format!("[{}]", a.status), a.name));
            lines.push(format!("               {}", a.description));
            if !a.source.is_empty() {
                lines.push(format!("               Source: {}", a.source));
            }
        }
    }
    lines.join("\n")
}

fn main() {
    println!("{}", report(&run()));
}
