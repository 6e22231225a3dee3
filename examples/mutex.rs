//! Peterson's mutual exclusion for two processes: every interleaving keeps them out of the
//! critical section together, with no deadlock.
//!
//! Run: `cargo run --example mutex`

use musil::{CheckResult, Model, check};

/// Where a process is in its protocol.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Pc {
    /// Not interested.
    Idle,
    /// Raised its flag.
    Want,
    /// Gave the turn away and waits.
    Wait,
    /// In the critical section.
    Crit,
}

/// Both processes' program counters, flags and the turn.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Peterson {
    pc0: Pc,
    pc1: Pc,
    flag0: bool,
    flag1: bool,
    turn: u8,
}

/// Peterson's algorithm as a model.
pub fn model() -> Model<Peterson> {
    use Pc::*;
    Model::new(Peterson { pc0: Idle, pc1: Idle, flag0: false, flag1: false, turn: 0 })
        .action("p0_set", |s| s.pc0 == Idle, |s| Peterson { flag0: true, pc0: Want, ..s.clone() })
        .action("p0_turn", |s| s.pc0 == Want, |s| Peterson { turn: 1, pc0: Wait, ..s.clone() })
        .action(
            "p0_enter",
            |s| s.pc0 == Wait && (!s.flag1 || s.turn == 0),
            |s| Peterson { pc0: Crit, ..s.clone() },
        )
        .action("p0_exit", |s| s.pc0 == Crit, |s| Peterson { flag0: false, pc0: Idle, ..s.clone() })
        .action("p1_set", |s| s.pc1 == Idle, |s| Peterson { flag1: true, pc1: Want, ..s.clone() })
        .action("p1_turn", |s| s.pc1 == Want, |s| Peterson { turn: 0, pc1: Wait, ..s.clone() })
        .action(
            "p1_enter",
            |s| s.pc1 == Wait && (!s.flag0 || s.turn == 1),
            |s| Peterson { pc1: Crit, ..s.clone() },
        )
        .action("p1_exit", |s| s.pc1 == Crit, |s| Peterson { flag1: false, pc1: Idle, ..s.clone() })
        .invariant("mutual-exclusion", |s| !(s.pc0 == Crit && s.pc1 == Crit))
}

/// The check's result.
pub fn run() -> CheckResult<Peterson> {
    check(&model())
}

fn main() {
    let r = run();
    println!("{r}");
    if r.ok {
        println!("mutual exclusion holds across every interleaving");
    }
}
