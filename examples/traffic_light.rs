//! The smallest useful model: a three-colour light, proven safe and drawn as a Graphviz graph.
//!
//! Run: `cargo run --example traffic_light` (pipe the DOT part to `dot -Tsvg`).

use musil::{CheckResult, Model, check, explore, to_dot};

/// The light's colour.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Light {
    color: &'static str,
}

/// red → green → yellow → red.
pub fn model() -> Model<Light> {
    Model::new(Light { color: "red" })
        .action("go", |s| s.color == "red", |_| Light { color: "green" })
        .action("slow", |s| s.color == "green", |_| Light { color: "yellow" })
        .action("stop", |s| s.color == "yellow", |_| Light { color: "red" })
        .invariant("known-color", |s| ["red", "green", "yellow"].contains(&s.color))
}

/// The check and the DOT text.
pub fn run() -> (CheckResult<Light>, String) {
    let m = model();
    (check(&m), to_dot(&explore(&m), &[], "musil"))
}

fn main() {
    let (result, dot) = run();
    println!("{result}");
    println!();
    println!("--- DOT (pipe to: dot -Tsvg) ---");
    print!("{dot}");
}
