//! VOPR-style liveness: does the system converge once a fault heals?
//!
//! A source `s` pushes `desired = 1` to a replica `r`, which applies the largest value it has
//! seen and acks. The goal, `applied==desired`, must hold once the faults of a
//! [`FaultSchedule`] have healed (50 seeds each):
//!
//! - a partition of the link s→r over `[0, 10)` eats a fire-and-forget push: WEDGED, kind
//!   `liveness`, seed 0;
//! - a source that re-pushes every 2 ticks until acked gets through after the heal: CONVERGES;
//! - a crash of `r` over `[3, 8)` with a cold restart loses the applied value, and with no
//!   re-push nothing restores it: LOST ON RESTART, kind `liveness`, seed 0.
//!
//! Run: `cargo run --example partition_heal`

use musil::Value;
use musil::sim::{Context, Crash, FaultSchedule, Node, Nodes, Partition, SimReport, simulate};

/// Pushes the desired value; with `repush`, again every 2 ticks until acked.
pub struct Source {
    desired: i64,
    repush: bool,
    acked: bool,
}

impl Node<Value> for Source {
    fn on_start(&mut self, ctx: &mut Context<'_, Value>) {
        ctx.send("r", self.desired);
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
            ctx.send("r", self.desired);
            ctx.set_timer("push", 2);
        }
    }
}

/// Applies the largest value seen and acks; a cold restart starts it again at 0.
#[derive(Default)]
pub struct Replica {
    applied: i64,
}

impl Node<Value> for Replica {
    fn on_message(&mut self, ctx: &mut Context<'_, Value>, src: &str, payload: &Value) {
        self.applied = self.applied.max(payload.as_int());
        ctx.send(src, "ack");
    }
}

/// The world the oracle judges.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct World {
    /// What the source wants applied.
    pub desired: i64,
    /// What the replica applied.
    pub applied: i64,
}

/// Does the pair converge under `faults` on seeds 0..50?
pub fn converges(repush: bool, faults: FaultSchedule) -> SimReport<World> {
    simulate(
        move || {
            Nodes::new().node("s", Source { desired: 1, repush, acked: false }).node("r", Replica::default())
        },
        |nodes| World {
            desired: nodes.get::<Source>("s").expect("a source").desired,
            applied: nodes.get::<Replica>("r").expect("a replica").applied,
        },
    )
    .faults(faults)
    .goal("applied==desired", |w: &World| w.applied == w.desired)
    .run(0..50)
    .expect("the nodes run")
}

/// The three reports: partition + fire-and-forget, partition + re-push, cold crash.
pub fn run() -> (SimReport<World>, SimReport<World>, SimReport<World>) {
    let partition = FaultSchedule::new().partition(Partition::new([("s", "r")], 0, 10));
    let crash = FaultSchedule::new().crash(Crash::new("r", 3, 8).cold());
    (converges(false, partition.clone()), converges(true, partition), converges(false, crash))
}

fn main() {
    println!("VOPR-style liveness -- converge after the fault heals?\n");
    let (faf, rep, lost) = run();
    let f = faf.failure.as_ref().expect("fire-and-forget wedges");
    println!("  partition + fire-and-forget : WEDGED  (kind={}, seed={})", f.kind, f.seed);
    assert!(rep.ok(), "{rep}");
    println!("  partition + per-tick re-push: CONVERGES ({} seeds, all green)", rep.runs);
    let l = lost.failure.as_ref().expect("the cold restart loses the write");
    println!("  crash (cold restart)        : LOST ON RESTART (kind={}, seed={})", l.kind, l.seed);
    println!("\nOnly the retrying system survives a heal; a cold restart loses an un-retried write.");
}
