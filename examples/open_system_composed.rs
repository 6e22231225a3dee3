//! One service against three platforms at once: Kubernetes pod eviction, AWS throttling and
//! etcd leader changes, all from the pre-built environment library.
//!
//! The service keeps up to two S3 writes and two etcd reads in flight and recovers from any
//! fault, but only five times. Each platform's contract carries a budget: at most five
//! evictions, five throttles and five leader changes per run, attached to the pre-wired
//! assumptions `k8s:eviction-rate-bounded`, `aws:throttle-transient` and
//! `etcd:bounded-leader-election`. The example prints three checks:
//!
//! 1. The plain open check. The environments are adversarial: nothing stops them, so the
//!    breadth-first search finds the run in which six evictions exhaust the retries (89 states
//!    explored). The residual proof obligations follow, each checkable one read against that
//!    run: `k8s:eviction-rate-bounded` is marked broken (six evictions against a budget of
//!    five), the throttle and leader-change budgets hold, and the other six obligations have no
//!    checkable form.
//! 2. The check again, assuming the three platform budgets: runs that break them are not
//!    explored. It still fails, in one more step: a throttle and five evictions. No platform
//!    exceeds its budget; six faults from two platforms share the five retries.
//! 3. The check assuming one budget for all faults together (an operator's assumption,
//!    `ops:faults-within-retry-budget`: at most five evictions, throttles and leader changes
//!    in total). It passes: that is the obligation the deployment must meet.
//!
//! The state counts of checks 2 and 3 count model states paired with their budget counters.
//!
//! Run with `cargo run --example open_system_composed`. With arguments it is a command-line
//! harness over check 1 ([`harness`], see `musil::cli`): `-- --json` prints the verdict as
//! JSON, `-- --dot` the state graph, `-- --explore 127.0.0.1:8080` serves a page over the
//! result, its trace and its graph (see `musil::explorer`) until Ctrl-C, `-- --max-states 10`
//! stops early (exit 3), `-- ltl "G F running"` checks a formula, and `-- --emit-test
//! tests/emitted.rs` writes a test that replays the counterexample. With flags the exit code is the verdict's (1 for this one);
//! without, the example prints its three checks and exits 0.

use std::process::ExitCode;

use musil::Model;
use musil::cli::Cli;
use musil::open::environments::{aws, etcd, k8s};
use musil::open::{Assumption, EnvironmentSpec, OpenResult, check_open, check_open_assuming};

/// Where the service stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Phase {
    Running,
    Evicted,
    Throttled,
    NoLeader,
}

/// A service that writes data to S3 and reads its configuration from etcd.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
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

/// Each platform's budget of faults per run: as many as the service has retries.
pub const PLATFORM_BUDGET: usize = 5;

/// The assumptions that carry the platform budgets, in environment order.
pub const PLATFORM_BUDGETS: [&str; 3] =
    ["k8s:eviction-rate-bounded", "aws:throttle-transient", "etcd:bounded-leader-election"];

/// The operator's assumption of check 3: one budget shared by every fault.
pub const FAULT_BUDGET: &str = "ops:faults-within-retry-budget";

/// The three platforms, in the order they are composed: k8s, aws, etcd, each with its budget.
pub fn environments() -> Vec<EnvironmentSpec<ServiceState>> {
    let k8s = k8s::pod_eviction(
        |s: &ServiceState| s.status == Phase::Running,
        |s| ServiceState { status: Phase::Evicted, s3_writes_pending: 0, etcd_reads_pending: 0, ..s.clone() },
    )
    .eviction_budget(PLATFORM_BUDGET);
    let aws = aws::aws_api_faults(
        |s: &ServiceState| s.s3_writes_pending > 0 && s.status == Phase::Running,
        |s| ServiceState { status: Phase::Throttled, s3_writes_pending: 0, ..s.clone() },
    )
    .throttle_budget(PLATFORM_BUDGET);
    let etcd = etcd::cluster_faults(
        |s: &ServiceState| s.etcd_reads_pending > 0 && s.status == Phase::Running,
        |s| ServiceState { status: Phase::NoLeader, etcd_reads_pending: 0, ..s.clone() },
    )
    .leader_change_budget(PLATFORM_BUDGET);
    vec![k8s.build(), aws.build(), etcd.build()]
}

/// The three platforms and an operator's contract with no behaviours of its own: all faults
/// together stay within the service's retries.
pub fn environments_with_fault_budget() -> Vec<EnvironmentSpec<ServiceState>> {
    let ops = EnvironmentSpec::new("ops").assumption(
        Assumption::new(
            FAULT_BUDGET,
            "Evictions, throttles and leader changes together hit the service at most five times per run",
        )
        .at_most(["k8s:evict-pod", "aws:throttle", "etcd:leader-change"], 5),
    );
    let mut envs = environments();
    envs.push(ops);
    envs
}

/// Check 1: the service against every interleaving of the three platforms' faults.
pub fn run() -> OpenResult<ServiceState> {
    check_open(&service(), &environments())
}

/// Check 2: only the runs within every platform's budget.
pub fn run_within_platform_budgets() -> OpenResult<ServiceState> {
    check_open_assuming(&service(), &environments(), PLATFORM_BUDGETS).expect("the budgets are checkable")
}

/// Check 3: only the runs within the shared fault budget.
pub fn run_within_fault_budget() -> OpenResult<ServiceState> {
    check_open_assuming(&service(), &environments_with_fault_budget(), [FAULT_BUDGET])
        .expect("the fault budget is checkable")
}

/// The verdict with its trace.
fn verdict(result: &OpenResult<ServiceState>, lines: &mut Vec<String>) {
    if result.ok() {
        lines.push("PASS  Service invariants hold under K8s + AWS + etcd faults.".to_owned());
    } else {
        lines.push("FAIL  Invariant violated!".to_owned());
    }
    lines.push(result.result.to_string());
}

/// How the checkable obligations fare along the counterexample, in one line.
fn breaks(result: &OpenResult<ServiceState>) -> String {
    let checkable: Vec<&str> =
        result.unverified_assumptions.iter().filter(|a| a.is_checkable()).map(|a| a.name.as_str()).collect();
    let broken: Vec<String> = result.broken_assumptions().into_iter().map(|b| b.name).collect();
    if broken.is_empty() {
        format!("This run keeps all {} checkable obligations: none of them rules it out.", checkable.len())
    } else {
        format!(
            "This run breaks {} of the {} checkable obligations: {}.",
            broken.len(),
            checkable.len(),
            broken.join(", ")
        )
    }
}

/// The report of check 1: the verdict with its trace, then the residual obligations, each
/// checkable one read against the trace.
pub fn report(result: &OpenResult<ServiceState>) -> String {
    let mut lines = Vec::new();
    verdict(result, &mut lines);
    let broken = result.broken_assumptions();
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
            if let Some(bound) = &a.bound {
                let verdict = match broken.iter().find(|b| b.name == a.name) {
                    Some(b) => format!("BROKEN by this run: {}", b.breaches[0]),
                    None if result.ok() => "no counterexample to read it against".to_owned(),
                    None => "holds along this run".to_owned(),
                };
                lines.push(format!("               Checkable: {bound}; {verdict}"));
            }
        }
    }
    if !result.ok() {
        lines.push(String::new());
        lines.push(breaks(result));
    }
    lines.join("\n")
}

/// The report of a check under assumptions: what was assumed, the verdict with its trace, and
/// (for a counterexample) which checkable obligations it breaks.
pub fn report_assuming(result: &OpenResult<ServiceState>) -> String {
    let mut lines = vec![format!(
        "Assuming {} (runs that break them are not explored; states are counted with their budget counters):",
        result.assumed().join(", ")
    )];
    verdict(result, &mut lines);
    if !result.ok() {
        lines.push(breaks(result));
    }
    lines.join("\n")
}

/// What a test emitted by `--emit-test` starts with: the example as a module, as seen from a
/// file in `tests/`.
const TEST_HEADER: &str =
    "#[allow(dead_code)]\n#[path = \"../examples/open_system_composed.rs\"]\nmod open_system_composed;";

/// Check 1 behind the command-line harness: the service against the three platforms, with
/// atoms for LTL (`running`, `evicted`, `retries_left`), the liveness goal `running`, states
/// as JSON values too, and how an emitted test rebuilds the model.
pub fn harness() -> Cli<'static, ServiceState> {
    Cli::new("open_system_composed")
        .open("service", service(), environments())
        .rebuilt_by("open_system_composed::service")
        .environments_rebuilt_by("open_system_composed::environments")
        .test_header(TEST_HEADER)
        .serialize_states()
        .goal("running", |s: &ServiceState| s.status == Phase::Running)
        .atom("evicted", |s: &ServiceState| s.status == Phase::Evicted)
        .atom("retries_left", |s: &ServiceState| s.retries < 5)
}

fn main() -> ExitCode {
    if std::env::args().len() > 1 {
        return harness().run();
    }
    println!("{}", report(&run()));
    println!("\n{}", report_assuming(&run_within_platform_budgets()));
    println!("\n{}", report_assuming(&run_within_fault_budget()));
    ExitCode::SUCCESS
}
