//! Byzantine fault injection in the simulator: wrong answers and wire corruption.
//!
//! A Byzantine component does not just fail silently: it answers wrongly (Castro & Liskov,
//! OSDI 1999). Two kinds, both seeded and replayable:
//!
//! 1. **Wrong-answer injection** ([`AdversarialNode`]): a service answers every query with −1
//!    instead of 42. A client without validation accepts it (the goal `accepted==expected`
//!    fails on seed 0 at step 2); one that validates rejects it (its goal holds on 20 seeds).
//! 2. **Payload mutation** ([`NetworkModel::mutate`]): the network turns integer answers into
//!    strings. A strict client that crashes on a non-integer is fine on a clean network (10
//!    seeds) and breaks the invariant `no-crash` on a corrupting one (seed 0, step 2).
//!
//! Run: `cargo run --example byzantine_service`

use musil::Value;
use musil::sim::{AdversarialNode, Context, NetworkModel, Node, Nodes, SimReport, simulate};

const EXPECTED: i64 = 42;
const BAD: i64 = -1;

/// Asks the service for a value; with `validate`, rejects anything but the expected one.
pub struct Client {
    validate: bool,
    accepted: Option<i64>,
    rejected: u32,
}

impl Node<Value> for Client {
    fn on_start(&mut self, ctx: &mut Context<'_, Value>) {
        ctx.send("service", "query");
    }

    fn on_message(&mut self, _: &mut Context<'_, Value>, _: &str, payload: &Value) {
        let Value::Int(n) = *payload else { return }; // corrupted: dropped
        if self.validate && n != EXPECTED {
            self.rejected += 1;
            return;
        }
        self.accepted = Some(n);
    }
}

/// What the client has taken.
#[derive(Clone, Debug, PartialEq)]
pub struct Taken {
    /// The value accepted, if any.
    pub accepted: Option<i64>,
    /// Answers rejected.
    pub rejected: u32,
}

/// A service that answers every `"query"` with the wrong value.
fn byzantine_service() -> AdversarialNode<Value> {
    AdversarialNode::new()
        .behavior(|_, payload| *payload == Value::from("query"), |ctx, src, _| ctx.send(src, BAD))
}

/// Scenario 1 over seeds 0..20, with or without validation.
pub fn wrong_answer(validate: bool) -> SimReport<Taken> {
    let sim = simulate(
        move || {
            Nodes::new()
                .node("client", Client { validate, accepted: None, rejected: 0 })
                .node("service", byzantine_service())
        },
        |nodes| {
            let c = nodes.get::<Client>("client").expect("a client");
            Taken { accepted: c.accepted, rejected: c.rejected }
        },
    );
    let mut sim = if validate {
        sim.goal("bad-value-rejected", |w: &Taken| w.accepted != Some(BAD))
    } else {
        sim.goal("accepted==expected", |w: &Taken| w.accepted == Some(EXPECTED))
    };
    sim.run(0..20).expect("the nodes run")
}

/// Sends a query; crashes on anything but an integer.
#[derive(Default)]
pub struct StrictClient {
    received: Option<i64>,
    crashed: bool,
}

impl Node<Value> for StrictClient {
    fn on_start(&mut self, ctx: &mut Context<'_, Value>) {
        ctx.send("service", "query");
    }

    fn on_message(&mut self, _: &mut Context<'_, Value>, _: &str, payload: &Value) {
        match payload {
            Value::Int(n) => self.received = Some(*n),
            _ => self.crashed = true,
        }
    }
}

/// Answers every query correctly.
pub struct HonestService;

impl Node<Value> for HonestService {
    fn on_message(&mut self, ctx: &mut Context<'_, Value>, src: &str, payload: &Value) {
        if *payload == Value::from("query") {
            ctx.send(src, EXPECTED);
        }
    }
}

/// What the strict client saw.
#[derive(Clone, Debug, PartialEq)]
pub struct Received {
    /// The integer received, if any.
    pub received: Option<i64>,
    /// Whether it crashed on a non-integer.
    pub crashed: bool,
}

/// Scenario 2 over seeds 0..10, on a clean or a corrupting network.
pub fn corruption(corrupt: bool) -> SimReport<Received> {
    let network = if corrupt {
        NetworkModel::new().mutate(|_, _, payload| match payload {
            Value::Int(n) => Some(Value::from(format!("corrupted:{n}"))),
            other => Some(other),
        })
    } else {
        NetworkModel::new()
    };
    simulate(
        || Nodes::new().node("client", StrictClient::default()).node("service", HonestService),
        |nodes| {
            let c = nodes.get::<StrictClient>("client").expect("a client");
            Received { received: c.received, crashed: c.crashed }
        },
    )
    .network(network)
    .invariant("no-crash", |w: &Received| !w.crashed)
    .run(0..10)
    .expect("the nodes run")
}

/// The four reports: without and with validation, clean and corrupting network.
pub fn run() -> (SimReport<Taken>, SimReport<Taken>, SimReport<Received>, SimReport<Received>) {
    (wrong_answer(false), wrong_answer(true), corruption(false), corruption(true))
}

fn main() {
    println!("Byzantine fault injection — AdversarialNode and NetworkModel.mutate\n");
    let (no_validate, with_validate, clean, corrupted) = run();
    println!("Scenario 1: Byzantine service sends wrong answer\n");
    println!("  Without validation: {no_validate}");
    assert!(!no_validate.ok());
    println!("  With validation:    {with_validate}");
    assert!(with_validate.ok(), "{with_validate}");
    println!();
    println!("Scenario 2: NetworkModel.mutate — wire-level payload corruption\n");
    println!("  Clean network (no mutation):      {clean}");
    assert!(clean.ok());
    println!("  Corrupted network (mutate=...):   {corrupted}");
    assert!(!corrupted.ok());
    println!();
    println!("Byzantine testing: wrong answers and wire corruption both detectable.");
}
