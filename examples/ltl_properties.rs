//! Temporal properties of a traffic light: six that hold, decided by the reductions and by the
//! general Büchi engine, and one ("eventually always green") that fails with a lasso.
//!
//! Run: `cargo run --example ltl_properties`

use musil::ltl::{Ltl, LtlResult, check_ltl};
use musil::{Model, Predicate};

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
}

fn atom(name: &str) -> Option<Predicate<Light>> {
    Some(match name {
        "known" => std::sync::Arc::new(|s: &Light| ["red", "green", "yellow"].contains(&s.color)),
        "red" | "green" | "yellow" => {
            let c = name.to_owned();
            std::sync::Arc::new(move |s: &Light| s.color == c)
        }
        _ => return None,
    })
}

/// The properties in the order they are printed: formula text and what it says.
pub const PROPERTIES: [(&str, &str); 7] = [
    ("G known", "safety: always a known color"),
    ("F green", "eventually green"),
    ("G F red", "red infinitely often"),
    ("G (yellow -> F red)", "every yellow is followed by red"),
    ("X green", "next state is green, from red"),
    ("(known U green)", "stays known until green"),
    ("F G green", "eventually green forever"),
];

/// Every property's result, in order.
pub fn run() -> Vec<(String, LtlResult<Light>)> {
    let m = model();
    PROPERTIES
        .iter()
        .map(|(text, _)| {
            let f = Ltl::parse(text, atom).expect("the example's formulas parse");
            (
                f.to_string(),
                check_ltl(&m, &f, &musil::LtlOptions::new()).expect("no fairness names to refuse"),
            )
        })
        .collect()
}

fn main() {
    let results = run();
    for ((text, what), (_, r)) in PROPERTIES.iter().zip(&results) {
        let tag = if r.ok() { "[OK ]" } else { "[BAD]" };
        println!("{tag} {text:<20} ({what})");
        if !r.ok() {
            println!("{r}");
        }
    }
    let all_as_expected = results.iter().enumerate().all(|(i, (_, r))| r.ok() == (i < 6));
    if all_as_expected {
        println!("\nAll temporal verdicts match, and the false property returned a looping counterexample.");
    }
}
