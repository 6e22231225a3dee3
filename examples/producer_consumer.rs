//! A bounded buffer whose producers check for room and insert in two steps: two producers
//! both see the one free slot and overflow it. An atomic test-and-insert fixes it, and every
//! item is then eventually consumed.
//!
//! Run: `cargo run --example producer_consumer`

use musil::{CheckResult, Liveness, LivenessResult, Model, check, check_liveness};

/// The buffer's capacity.
pub const CAP: u8 = 1;

/// Where a producer or consumer is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Phase {
    /// Not started.
    Idle,
    /// Checked, not yet committed.
    Ready,
    /// Finished.
    Done,
}

/// The item count and everybody's phase.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Buffer {
    count: i8,
    producers: [Phase; 2],
    consumers: [Phase; 2],
}

fn base() -> Model<Buffer> {
    Model::new(Buffer { count: 0, producers: [Phase::Idle; 2], consumers: [Phase::Idle; 2] })
        .invariant("within-capacity", |b| (0..=CAP as i8).contains(&b.count))
        .terminal(|b| b.producers.iter().chain(&b.consumers).all(|p| *p == Phase::Done))
}

/// Check, then commit: the race.
pub fn naive() -> Model<Buffer> {
    let mut m = base();
    for i in 0..2 {
        m = m
            .action(
                format!("P{i}_check"),
                move |b| b.producers[i] == Phase::Idle && b.count < CAP as i8,
                move |b| {
                    let mut n = b.clone();
                    n.producers[i] = Phase::Ready;
                    n
                },
            )
            .action(
                format!("P{i}_commit"),
                move |b| b.producers[i] == Phase::Ready,
                move |b| {
                    let mut n = b.clone();
                    n.count += 1;
                    n.producers[i] = Phase::Done;
                    n
                },
            );
    }
    for j in 0..2 {
        m = m
            .action(
                format!("C{j}_check"),
                move |b| b.consumers[j] == Phase::Idle && b.count > 0,
                move |b| {
                    let mut n = b.clone();
                    n.consumers[j] = Phase::Ready;
                    n
                },
            )
            .action(
                format!("C{j}_commit"),
                move |b| b.consumers[j] == Phase::Ready,
                move |b| {
                    let mut n = b.clone();
                    n.count -= 1;
                    n.consumers[j] = Phase::Done;
                    n
                },
            );
    }
    m
}

/// Test-and-insert in one step.
pub fn atomic() -> Model<Buffer> {
    let mut m = base();
    for i in 0..2 {
        m = m.action(
            format!("P{i}_put"),
            move |b| b.producers[i] == Phase::Idle && b.count < CAP as i8,
            move |b| {
                let mut n = b.clone();
                n.count += 1;
                n.producers[i] = Phase::Done;
                n
            },
        );
    }
    for j in 0..2 {
        m = m.action(
            format!("C{j}_get"),
            move |b| b.consumers[j] == Phase::Idle && b.count > 0,
            move |b| {
                let mut n = b.clone();
                n.count -= 1;
                n.consumers[j] = Phase::Done;
                n
            },
        );
    }
    m
}

/// The naive check, the atomic check and the atomic liveness check.
pub fn run() -> (CheckResult<Buffer>, CheckResult<Buffer>, LivenessResult<Buffer>) {
    let all_done = |b: &Buffer| b.producers.iter().chain(&b.consumers).all(|p| *p == Phase::Done);
    let live = check_liveness(
        &atomic(),
        &Liveness::eventually(all_done).goal_name("every item produced and consumed"),
    )
    .expect("no fairness names to refuse");
    (check(&naive()), check(&atomic()), live)
}

fn main() {
    let (naive, atomic, live) = run();
    println!("=== naive buffer (check, then commit -- non-atomic) ===");
    println!("{naive}");
    println!();
    println!("=== atomic buffer (test-and-insert in one step) ===");
    println!("{atomic}");
    println!("liveness (every item eventually consumed): {}", if live.ok { "OK" } else { "FAILS" });
    println!("{live}");
}
