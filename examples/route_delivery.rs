//! A distributed protocol verified end to end: the design by model checking, the
//! implementation by deterministic simulation against the same model.
//!
//! A control plane `cp` pushes a route-table version to an `agent` over a flaky link; the agent
//! applies last-writer-wins and acks.
//!
//! 1. **Design.** A one-action model: safety (`no-stale-or-invented`, no deadlock) holds on its
//!    2 states, and convergence holds everywhere under weak fairness of `deliver`.
//! 2. **Implementation.** The real nodes under a network losing 30% of messages with latency
//!    1..3, on seeds 0..300, each world checked against the model (refinement) and the goal
//!    `applied==desired`. Fire-and-forget fails on seed 1, the first seed whose single push is
//!    lost under CPython's Mersenne Twister (which `musil::sim` reproduces bit for bit); the
//!    per-tick re-push converges and refines the model on all 300 seeds.
//!
//! Run: `cargo run --example route_delivery`

use musil::sim::{Context, NetworkModel, Node, Nodes, SimReport, simulate};
use musil::{CheckResult, Liveness, LivenessResult, Model, Value, check, check_liveness};

/// The design's state: one desired version, and the version the agent applied.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Spec {
    /// The version the control plane wants.
    pub desired: i64,
    /// The version the agent serves.
    pub applied: i64,
}

/// The design: the network delivers the pushed version and the agent applies it.
pub fn model() -> Model<Spec> {
    Model::new(Spec { desired: 1, applied: 0 })
        .action("deliver", |s| s.applied < s.desired, |s| Spec { desired: s.desired, applied: s.desired })
        .invariant("no-stale-or-invented", |s| s.applied <= s.desired)
        .terminal(|s| s.applied == s.desired)
}

/// Safety, and convergence everywhere under weak fairness of `deliver`.
pub fn check_design() -> (CheckResult<Spec>, LivenessResult<Spec>) {
    let liveness = Liveness::eventually(|s: &Spec| s.applied == s.desired)
        .goal_name("applied==desired")
        .everywhere(true)
        .fair(["deliver"]);
    (check(&model()), check_liveness(&model(), &liveness).expect("`deliver` is an action"))
}

/// Pushes the desired version; with `repush`, again every 2 ticks until acked.
pub struct ControlPlane {
    desired: i64,
    repush: bool,
    acked: bool,
}

impl ControlPlane {
    /// A control plane wanting version 1; with `repush`, re-sending until acked.
    pub fn new(repush: bool) -> Self {
        ControlPlane { desired: 1, repush, acked: false }
    }
}

impl Node<Value> for ControlPlane {
    fn on_start(&mut self, ctx: &mut Context<'_, Value>) {
        ctx.send("agent", self.desired);
        if self.repush {
            ctx.set_timer("push", 2);
        }
    }

    fn on_message(&mut self, _: &mut Context<'_, Value>, _: &str, payload: &Value) {
        if *payload == Value::from("ack") {
            self.acked = true;
        }
    }

    fn on_timer(&mut self, ctx: &mut Context<'_, Value>, _: &str) {
        if self.repush && !self.acked {
            ctx.send("agent", self.desired);
            ctx.set_timer("push", 2);
        }
    }
}

/// Applies the latest version seen and acks.
#[derive(Default)]
pub struct Agent {
    applied: i64,
}

impl Agent {
    /// The version served.
    pub fn applied(&self) -> i64 {
        self.applied
    }
}

impl Node<Value> for Agent {
    fn on_message(&mut self, ctx: &mut Context<'_, Value>, src: &str, payload: &Value) {
        self.applied = self.applied.max(payload.as_int());
        ctx.send(src, "ack");
    }
}

/// The implementation on `seeds`, held to the model and the goal.
pub fn simulate_push(repush: bool, seeds: impl IntoIterator<Item = u64>) -> SimReport<Spec> {
    simulate(
        move || Nodes::new().node("cp", ControlPlane::new(repush)).node("agent", Agent::default()),
        |nodes| Spec {
            desired: nodes.get::<ControlPlane>("cp").expect("a control plane").desired,
            applied: nodes.get::<Agent>("agent").expect("an agent").applied,
        },
    )
    .network(NetworkModel::new().loss(0.3).latency(1, 3))
    .refines(&model(), Spec::clone)
    .goal("applied==desired", |s: &Spec| s.applied == s.desired)
    .run(seeds)
    .expect("the nodes run")
}

fn main() {
    println!("=== DESIGN (model check) ===");
    let (safety, liveness) = check_design();
    let verdict = |ok: bool| if ok { "OK" } else { "FAIL" };
    println!("  safety (no stale/invented version, no deadlock): {}", verdict(safety.ok));
    println!("  liveness (converges under fair delivery):        {}", verdict(liveness.ok));

    println!("\n=== IMPLEMENTATION (deterministic simulation, lossy network) ===");
    let ff = simulate_push(false, 0..300);
    println!("  fire-and-forget push:");
    match &ff.failure {
        None => println!("    converged on all {} seeds (unexpected!)", ff.runs),
        Some(f) => {
            println!("    BUG FOUND -- {} on seed {}: {}", f.kind, f.seed, f.detail);
            println!("    final world: {:?}  (reproduce with seeds=[{}])", f.world, f.seed);
        }
    }
    let rp = simulate_push(true, 0..300);
    println!("  per-tick re-push:");
    match &rp.failure {
        None => println!("    converged AND refined the model on all {} seeds", rp.runs),
        Some(f) => println!("    unexpected failure: {f}"),
    }
}
