//! Deterministic simulation: run real, event-driven node code in a controlled world.
//!
//! The bugs of distributed code hide in timing: a lost message, a reordering, a timeout racing
//! a reply, a partition healing at the wrong moment. The simulator runs the nodes' own logic
//! ([`Node`]s acting through a [`Context`]) against a virtual clock and network where all of
//! that is decided by one seeded generator, so every run is reproducible from its seed. It
//! finds bugs; it proves nothing (a model check does that).
//!
//! - [`Simulator`]: one run over named [`Nodes`], a [`NetworkModel`] (loss, duplication,
//!   latency spread, a Byzantine `mutate`) and a [`FaultSchedule`] of sustained
//!   [`Partition`]s and [`Crash`]es that heal; [`AdversarialNode`] misbehaves on purpose.
//! - [`simulate`]: one run per seed, each world checked after every step against invariants,
//!   a model it must refine, and a goal it must reach (after the faults heal: liveness).
//! - [`FaultSchedule::drive`]: the same schedule applied to a real system.
//! - [`random`]: the generator, CPython's `random.Random` bit for bit ([`CpythonRandom`]), so
//!   a seed here replays the original's run; [`SimRng`] lets another plug in.
//!
//! Node code and predicates that panic, sends to unknown nodes and empty latency ranges end a
//! run with a [`SimError`] naming the node, the handler, the step and the seed.
//!
//! ```
//! use musil::sim::{simulate, Context, FaultSchedule, Node, Nodes, Partition};
//! use musil::Value;
//!
//! /// Pushes its value to the replica; with `retry`, again every 2 ticks until acked.
//! struct Source { retry: bool, acked: bool }
//! impl Node<Value> for Source {
//!     fn on_start(&mut self, ctx: &mut Context<'_, Value>) {
//!         ctx.send("r", 1);
//!         if self.retry { ctx.set_timer("push", 2) }
//!     }
//!     fn on_message(&mut self, _: &mut Context<'_, Value>, _: &str, payload: &Value) {
//!         self.acked |= *payload == Value::from("ack");
//!     }
//!     fn on_timer(&mut self, ctx: &mut Context<'_, Value>, _: &str) {
//!         if !self.acked { ctx.send("r", 1); ctx.set_timer("push", 2) }
//!     }
//! }
//! #[derive(Default)]
//! struct Replica { applied: i64 }
//! impl Node<Value> for Replica {
//!     fn on_message(&mut self, ctx: &mut Context<'_, Value>, src: &str, payload: &Value) {
//!         self.applied = self.applied.max(payload.as_int());
//!         ctx.send(src, "ack");
//!     }
//! }
//!
//! let partition = FaultSchedule::new().partition(Partition::new([("s", "r")], 0, 10));
//! let run = |retry: bool| {
//!     simulate(
//!         move || Nodes::new().node("s", Source { retry, acked: false }).node("r", Replica::default()),
//!         |nodes| nodes.get::<Replica>("r").unwrap().applied,
//!     )
//!     .faults(partition.clone())
//!     .goal("applied", |applied| *applied == 1)
//!     .run(0..50)
//!     .unwrap()
//! };
//! assert_eq!(run(false).failure.unwrap().kind.as_str(), "liveness"); // the partition ate the push
//! assert_eq!(run(true).to_string(), "OK -- 50 simulated runs, no failures");
//! ```

mod faults;
mod network;
mod node;
pub mod random;
mod refine;
mod simulate;
mod simulator;

pub use faults::{Crash, FaultDrive, FaultDriver, FaultSchedule, Partition, ScheduledFault};
pub use network::NetworkModel;
pub use node::{AdversarialNode, AsAny, Context, Node, Nodes};
pub use random::{CpythonRandom, EmptyRange, SimRng};
pub use simulate::{FailureKind, SimFailure, SimReport, Simulation, Truthy, simulate};
pub use simulator::{DEFAULT_MAX_STEPS, Handler, RunResult, SimError, SimErrorKind, Simulator, StopReason};
