//! Induction: proving an invariant beyond the explored scope, and reading a
//! counterexample-to-induction.
//!
//! A counter steps by two, so it reaches 0, 2, 4, 6 and 8, and `x <= 8` holds on all of them:
//! `check` is green. But `x <= 8` is not inductive: from the unreachable odd state 7 (which
//! satisfies it) one step reaches 9. `check_inductive` over the domain 0..=9, unreachable
//! states included, returns exactly that counterexample-to-induction (CTI); the fix is to
//! strengthen the invariant (x is also even), after which it holds at any depth.
//!
//! Beyond the original, the domain comes from the state type ([`Domain`]), and raising k
//! proves the weak invariant too: no path of five steps inside the domain ends at 9.
//!
//! Run: `cargo run --example induction`

use musil::induction::{Domain, Induction, InductionResult, Values};
use musil::{CheckResult, Checker, Model, check, check_inductive};

/// The counter.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Counter {
    /// Its value.
    pub x: u8,
}

/// The candidate states: 0 to 9, including the unreachable odd ones.
impl Domain for Counter {
    fn values() -> Values<Self> {
        Values::range(0..=9u8).map(|x| Counter { x })
    }
}

/// The counter as a model: `step` adds two while x < 8; 8 is the end.
pub fn model() -> Model<Counter> {
    Model::new(Counter { x: 0 })
        .action("step", |s| s.x < 8, |s| Counter { x: s.x + 2 })
        .terminal(|s| s.x == 8)
}

/// True on every reachable state, but not inductive.
pub fn within_bound(s: &Counter) -> bool {
    s.x <= 8
}

/// The strengthened, inductive invariant.
pub fn within_bound_and_even(s: &Counter) -> bool {
    s.x <= 8 && s.x % 2 == 0
}

/// What the example shows: the bounded check, the two inductions the original runs, and the
/// weak invariant proven by raising k.
#[derive(Debug)]
pub struct Facts {
    /// `check` with `x <= 8` as the model's invariant.
    pub bounded: CheckResult<Counter>,
    /// `x <= 8` at k = 1: a CTI.
    pub weak: InductionResult<Counter>,
    /// `x <= 8 and x even` at k = 1: proven.
    pub strong: InductionResult<Counter>,
    /// `x <= 8` with k raised from 1 up to 6: proven at k = 5.
    pub raised: InductionResult<Counter>,
}

/// Run the checks.
pub fn run() -> Facts {
    let m = model();
    let bounded = check(&m.clone().invariant("x<=8", within_bound));
    let domain: Vec<Counter> = (0..10).map(|x| Counter { x }).collect();
    let weak = check_inductive(&m, within_bound, domain.clone(), 1).expect("k = 1 is accepted");
    let strong = check_inductive(&m, within_bound_and_even, domain, 1).expect("k = 1 is accepted");
    let raised = Checker::new(&m)
        .check_inductive(within_bound, &Induction::enumerate().max_k(6))
        .expect("a domain of ten states is accepted");
    Facts { bounded, weak, strong, raised }
}

fn main() {
    let Facts { bounded, weak, strong, raised } = run();
    println!("check (bounded sweep) says x <= 8 holds: {}  — over the reachable {{0,2,4,6,8}}", bounded.ok);

    println!("\ncheck_inductive on 'x <= 8': proven = {}", weak.proven);
    let show = |s: &Option<Counter>| s.as_ref().map_or_else(|| "None".to_owned(), |s| format!("{s:?}"));
    println!(
        "  counterexample-to-induction: {} --step--> {}  (the pre-state is unreachable)",
        show(&weak.state),
        show(&weak.successor)
    );

    println!("\ncheck_inductive on the strengthened 'x <= 8 and x even': proven = {}", strong.proven);
    println!("  => the invariant now holds at UNBOUNDED depth — every reachable state, at any scope.");

    println!(
        "\nA green check proved it up to a bound; induction proved it for all depths — once strengthened past the CTI."
    );

    println!("\nBeyond the original: 'x <= 8' over the type's domain, k raised from 1 up to 6:");
    println!("{raised}");
    println!(
        "  (from any state in 0..=9, a path of {k} steps whose first {k} states keep x <= 8 ends within it)",
        k = raised.k
    );
}
