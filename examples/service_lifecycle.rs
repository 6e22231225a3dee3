//! The zero-drift bridge: a model built straight from an allowed-transitions table.
//!
//! Point musil at the `ALLOWED` map the code already enforces and the model *is* that table:
//! there is no second description to keep in sync. Here a small service lifecycle stands in
//! for it; every declared status is reachable and the table has no sink (every status has a
//! way out), so no terminal state is declared and none is needed.
//!
//! Run: `cargo run --example service_lifecycle`
//!
//! The original builds its rows from Python sets, so its action order (and the DOT below) changes
//! from run to run; here rows and successors keep the order they are written in.

use musil::kits::fsm::{Table, transition_actions};
use musil::{CheckResult, Model, check, explore, to_dot};

/// The service: its status only.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Service {
    status: &'static str,
}

/// The lifecycle's allowed transitions.
pub fn allowed() -> Table<&'static str> {
    Table::new([
        ("pending", vec!["placed", "failed"]),
        ("placed", vec!["running", "failed", "stopped", "pending"]),
        ("running", vec!["stopped", "failed", "pending"]),
        ("failed", vec!["placed", "pending"]),
        ("stopped", vec!["placed"]),
    ])
    .expect("one row per status")
}

/// The model: one action per table edge, every status a declared one, the table's sinks terminal.
pub fn model() -> Model<Service> {
    let table = allowed();
    let declared = table.declared_states();
    let terminal = table.terminal_states();
    Model::new(Service { status: "pending" })
        .actions(transition_actions(&table, |s: &Service| s.status, |_, dst| Service { status: dst }))
        .invariant("status-declared", move |s| declared.contains(&s.status))
        .terminal(move |s| terminal.contains(&s.status))
}

/// The check, the number of declared statuses and the DOT text.
pub fn run() -> (CheckResult<Service>, usize, String) {
    let m = model();
    (check(&m), allowed().declared_states().len(), to_dot(&explore(&m), &[], "musil"))
}

fn main() {
    let (result, declared, dot) = run();
    println!("{result}");
    println!("reached {} of {declared} declared states", result.states_explored);
    println!();
    println!("--- DOT ---");
    println!("{dot}");
}
