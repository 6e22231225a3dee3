//! "Every request by A is eventually served": a property about actions, expressible once the
//! last action is part of the state. It fails with no fairness (the arbiter may stall or serve
//! B forever) and holds when serving A is weakly or strongly fair; under a uniformly random
//! arbiter, A is served infinitely often with probability exactly 1.
//!
//! Run: `cargo run --example arbiter_fairness`

use musil::history::{LastAction, WithLastAction, action_taken, with_last_action};
use musil::ltl::{Ltl, LtlOptions, LtlResult};
use musil::probabilistic::{Prob, Ratio};
use musil::{Checker, Model};

/// Whether each client waits.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Arb {
    a_wait: bool,
    b_wait: bool,
}

/// Two clients, one arbiter that may also stall.
pub fn arbiter() -> Model<Arb> {
    Model::new(Arb { a_wait: false, b_wait: false })
        .action("req_A", |s| !s.a_wait, |s| Arb { a_wait: true, ..s.clone() })
        .action("req_B", |s| !s.b_wait, |s| Arb { b_wait: true, ..s.clone() })
        .action("serve_A", |s| s.a_wait, |s| Arb { a_wait: false, ..s.clone() })
        .action("serve_B", |s| s.b_wait, |s| Arb { b_wait: false, ..s.clone() })
        .action("stall", |_| true, |s| s.clone())
}

/// `G (req_A -> F serve_A)` over the last-action states.
pub fn property() -> Ltl<LastAction<Arb>> {
    let req = Ltl::atom("req_A", action_taken("req_A"));
    let serve = Ltl::atom("serve_A", action_taken("serve_A"));
    Ltl::always(req.implies(Ltl::eventually(serve)))
}

/// The property with no fairness, weak fairness and strong fairness of `serve_A`.
pub fn run() -> [LtlResult<LastAction<Arb>>; 3] {
    let m = arbiter();
    let aug: WithLastAction<'_, Model<Arb>> = with_last_action(&m);
    let f = property();
    let check = |o: LtlOptions| Checker::new(&aug).check_ltl(&f, &o).expect("serve_A is an action");
    [
        check(LtlOptions::new()),
        check(LtlOptions::new().fair(["serve_A"])),
        check(LtlOptions::new().fair_strong(["serve_A"])),
    ]
}

/// P(G F serve_A) when the arbiter picks uniformly among its enabled actions.
pub fn probability_served_infinitely_often() -> Ratio {
    let m = arbiter();
    let aug = with_last_action(&m);
    let gf_serve = Ltl::always(Ltl::eventually(Ltl::atom("serve_A", action_taken("serve_A"))));
    Prob::new(&aug)
        .probability_ltl(&gf_serve)
        .expect("G F of a state formula is in the fragment")
        .unwrap_exact()
}

fn main() {
    let [unfair, weak, strong] = run();
    let verdict = |r: &LtlResult<LastAction<Arb>>| if r.ok() { "OK" } else { "BAD" };
    println!("G(req_A -> F serve_A), no fairness    : {}", verdict(&unfair));
    println!("G(req_A -> F serve_A), weak-fair serve : {}", verdict(&weak));
    println!("G(req_A -> F serve_A), strong-fair     : {}", verdict(&strong));
    println!("P(GF serve_A), uniform-random arbiter  : {}", probability_served_infinitely_often());
    println!();
    println!("{unfair}");
    println!();
    println!(
        "Fairness is what turns 'can be served' into 'must be served'; a random arbiter gets there a.s."
    );
}
