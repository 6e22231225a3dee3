//! The alternating-bit protocol: ordered delivery over a lossy link, and what it assumes.
//!
//! The sender tags each frame with one bit and resends it until that bit comes back in an ack;
//! the receiver accepts a frame only when its bit is the one it expects, and echoes the bit
//! either way. With N = 3 messages the bit wraps (messages 0 and 2 both carry bit 0). Four checks:
//!
//! 1. On the channel kit's *unordered* link ([`Channel`]) the protocol is unsafe: a frame two
//!    generations old stays in flight until the bit wraps and is then accepted again. ABP
//!    assumes an order-preserving link; the kit's names (`data:deliver:(0, 0)`) show which frame.
//! 2. On a single-slot FIFO link that duplicates, a receiver with no bit accepts the duplicate.
//! 3. With the bit, the same link is safe.
//! 4. "Every message is eventually delivered" fails under weak fairness on delivery (the link
//!    may drop every frame it is offered) and holds under strong fairness.
//!
//! Parts 2–4 keep the original's hand-written slot; the kit's [`FifoChannel`] would serve too.
//!
//! [`FifoChannel`]: musil::kits::channels::FifoChannel
//!
//! Run: `cargo run --example alternating_bit`

use std::collections::BTreeSet;

use musil::kits::channels::{Channel, send};
use musil::{CheckResult, Liveness, LivenessResult, Model, check, check_liveness};

/// Messages pushed end to end: 3 is enough to wrap the one-bit counter.
pub const N: usize = 3;

/// Part 1's state: counts (the bits are derived from them) and the two in-flight sets.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize)]
pub struct Net {
    s_idx: usize,
    r_idx: usize,
    bad: bool,
    data: BTreeSet<(usize, usize)>,
    acks: BTreeSet<usize>,
}

fn get_data(s: &Net) -> BTreeSet<(usize, usize)> {
    s.data.clone()
}

fn put_data(s: &Net, data: BTreeSet<(usize, usize)>) -> Net {
    Net { data, ..s.clone() }
}

fn get_acks(s: &Net) -> BTreeSet<usize> {
    s.acks.clone()
}

fn put_acks(s: &Net, acks: BTreeSet<usize>) -> Net {
    Net { acks, ..s.clone() }
}

/// The receiver takes a frame: accepted when its bit is the expected one (marking `bad` when it
/// is not the next message), and its bit is acked either way.
fn deliver_frame(s: &Net, &(bit, idx): &(usize, usize)) -> Net {
    let mut s = s.clone();
    if bit == s.r_idx % 2 {
        s.bad |= idx != s.r_idx;
        s.r_idx += 1;
    }
    send(get_acks, put_acks)(&s, bit)
}

/// The sender takes an ack: its current bit means the current frame got through.
fn deliver_ack(s: &Net, &bit: &usize) -> Net {
    if bit == s.s_idx % 2 && s.s_idx < N {
        return Net { s_idx: s.s_idx + 1, ..s.clone() };
    }
    s.clone()
}

/// ABP over the kit's unordered, lossy channels `data` and `ack`.
pub fn unordered() -> Model<Net> {
    let data =
        Channel::new((0..N).map(|i| (i % 2, i)), get_data, put_data, deliver_frame).name("data").lossy(true);
    let ack = Channel::new([0, 1], get_acks, put_acks, deliver_ack).name("ack").lossy(true);
    Model::new(Net::default())
        .action("sender:send", |s| s.s_idx < N, |s| send(get_data, put_data)(s, (s.s_idx % 2, s.s_idx)))
        .actions(data.actions().expect("distinct frames"))
        .actions(ack.actions().expect("distinct bits"))
        .invariant("in-order", |s| !s.bad)
        .invariant("no-over-delivery", |s| s.r_idx <= N)
        .terminal(|s| s.s_idx == N && s.r_idx == N)
}

/// Parts 2–4's state: each direction a single slot.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize)]
pub struct Slot {
    s_idx: usize,
    r_idx: usize,
    bad: bool,
    data: Option<(usize, usize)>,
    ack: Option<usize>,
}

/// ABP over a single-slot FIFO link: `use_bit = false` strips the sequence bit, `duplicating`
/// lets the link deliver a frame again.
pub fn fifo(use_bit: bool, duplicating: bool) -> Model<Slot> {
    Model::new(Slot::default())
        .action("sender:send", |s| s.s_idx < N, |s| Slot { data: Some((s.s_idx % 2, s.s_idx)), ..s.clone() })
        .action(
            "data:deliver",
            |s| s.data.is_some(),
            move |s| {
                let (bit, idx) = s.data.expect("guarded");
                let mut s = s.clone();
                if !use_bit || bit == s.r_idx % 2 {
                    s.bad |= idx != s.r_idx;
                    s.r_idx += 1;
                }
                s.ack = Some(bit);
                if !duplicating {
                    s.data = None;
                }
                s
            },
        )
        .action("data:drop", |s| s.data.is_some(), |s| Slot { data: None, ..s.clone() })
        .action(
            "ack:deliver",
            |s| s.ack.is_some(),
            |s| {
                let mut s = s.clone();
                if s.ack == Some(s.s_idx % 2) && s.s_idx < N {
                    s.s_idx += 1;
                }
                s.ack = None;
                s
            },
        )
        .action("ack:drop", |s| s.ack.is_some(), |s| Slot { ack: None, ..s.clone() })
        .invariant("in-order", |s| !s.bad)
        .invariant("no-over-delivery", |s| s.r_idx <= N)
        .terminal(|s| s.s_idx == N && s.r_idx == N)
}

/// The five outcomes.
#[derive(Debug)]
pub struct Outcomes {
    /// Part 1: safety on the unordered kit channel.
    pub unordered: CheckResult<Net>,
    /// Part 2: safety on the duplicating slot, no bit.
    pub no_bit: CheckResult<Slot>,
    /// Part 3: safety on the duplicating slot, with the bit.
    pub with_bit: CheckResult<Slot>,
    /// Part 4: eventual delivery on the lossy slot, weak fairness on delivery.
    pub weak: LivenessResult<Slot>,
    /// Part 4: the same, strong fairness on delivery.
    pub strong: LivenessResult<Slot>,
}

/// Run the four checks.
pub fn run() -> Outcomes {
    let lossy = fifo(true, false);
    let delivered = || Liveness::eventually(|s: &Slot| s.r_idx == N).goal_name("all-delivered");
    let weak = check_liveness(&lossy, &delivered().fair(["sender:send", "data:deliver", "ack:deliver"]))
        .expect("the fair actions exist");
    let strong = check_liveness(
        &lossy,
        &delivered().fair(["sender:send"]).fair_strong(["data:deliver", "ack:deliver"]),
    )
    .expect("the fair actions exist");
    Outcomes {
        unordered: check(&unordered()),
        no_bit: check(&fifo(false, true)),
        with_bit: check(&fifo(true, true)),
        weak,
        strong,
    }
}

fn indented(result: &impl std::fmt::Display) -> String {
    format!("  {}", result.to_string().replace('\n', "\n  "))
}

fn main() {
    let Outcomes { unordered, no_bit, with_bit, weak, strong } = run();
    println!("=== 1. ABP on musil's UNORDERED channel kit -- safety ===");
    match &unordered.invariant {
        Some(name) => {
            println!(
                "  UNSAFE -- invariant '{name}' violated. ABP needs FIFO; the kit's channel is unordered:"
            );
            println!("{}", indented(&unordered));
        }
        None => println!("  clean (unexpected!)"),
    }

    println!("\n=== 2. ABP on a FIFO link, but with NO sequence bit -- safety ===");
    match &no_bit.invariant {
        Some(name) => {
            println!("  BUG FOUND -- invariant '{name}' violated (the duplicate is delivered twice):");
            println!("{}", indented(&no_bit));
        }
        None => println!("  clean (unexpected!)"),
    }

    println!("\n=== 3. ABP on a FIFO link, WITH the bit -- safety ===");
    let verdict = if with_bit.ok { "OK" } else { "FAIL" };
    println!("  in-order, no over-delivery: {verdict} ({} states)", with_bit.states_explored);

    println!("\n=== 4. ABP liveness over the lossy FIFO link (the weak-vs-strong lesson) ===");
    if weak.ok {
        println!("  under WEAK fairness on delivery:   OK");
    } else {
        println!("  under WEAK fairness on delivery:   FAILS -- the link can drop forever (lasso below)");
        println!("{}", indented(&weak));
    }
    if strong.ok {
        println!(
            "\n  under STRONG fairness on delivery: OK -- a frame offered infinitely often must eventually land"
        );
    } else {
        println!("\n  under STRONG fairness on delivery: FAILS");
    }
}
