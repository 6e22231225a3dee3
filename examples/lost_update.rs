//! The lost-update race: two actors read a shared counter, then each writes what it read plus
//! one. Interleaving the reads loses an update; musil finds the shortest such interleaving.
//!
//! Run: `cargo run --example lost_update`

use musil::{CheckResult, Model, check};

/// The shared counter, each actor's register and whether it finished.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize)]
pub struct Counter {
    x: u8,
    a_reg: Option<u8>,
    b_reg: Option<u8>,
    a_done: bool,
    b_done: bool,
}

/// The race as a model.
pub fn model() -> Model<Counter> {
    Model::new(Counter::default())
        .action("A_read", |s| s.a_reg.is_none() && !s.a_done, |s| Counter { a_reg: Some(s.x), ..s.clone() })
        .action(
            "A_write",
            |s| s.a_reg.is_some(),
            |s| Counter { x: s.a_reg.unwrap_or_default() + 1, a_reg: None, a_done: true, ..s.clone() },
        )
        .action("B_read", |s| s.b_reg.is_none() && !s.b_done, |s| Counter { b_reg: Some(s.x), ..s.clone() })
        .action(
            "B_write",
            |s| s.b_reg.is_some(),
            |s| Counter { x: s.b_reg.unwrap_or_default() + 1, b_reg: None, b_done: true, ..s.clone() },
        )
        .invariant("both-increments-counted", |s| !(s.a_done && s.b_done) || s.x == 2)
        .terminal(|s| s.a_done && s.b_done)
}

/// The check's result.
pub fn run() -> CheckResult<Counter> {
    check(&model())
}

fn main() {
    println!("{}", run());
}
