//! Two kits together: a controller converging despite a fault, and a cluster keeping quorum
//! through crashes.
//!
//! 1. A reconcile loop ([`Reconciler`]) drives `actual` towards `desired` while the environment
//!    flips `desired` and an unfair `glitch` sets `actual` to `stale`. `[]<>converged` holds
//!    because the reconcile step is weakly fair (the kit tags it); with no fairness, the glitch
//!    can repeat forever.
//! 2. Three nodes crash and revive ([`Crash`]); a majority must stay up. A budget of one
//!    simultaneous crash keeps it; a budget of two breaks it.
//!
//! Run: `cargo run --example distributed_kit`

use std::collections::BTreeSet;

use musil::kits::faults::Crash;
use musil::kits::reconciler::Reconciler;
use musil::{CheckResult, Liveness, LivenessResult, Model, check, check_liveness};

/// The controller: what the environment wants and what has been achieved.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Ctrl {
    desired: &'static str,
    actual: &'static str,
}

fn reconciler() -> Reconciler<Ctrl> {
    Reconciler::new(|s: &Ctrl| s.desired, |s| s.actual, |s, actual| Ctrl { actual, ..s.clone() })
}

/// The controller model: `reconcile` (weakly fair), `flip` and `glitch` (unfair).
pub fn controller() -> Model<Ctrl> {
    Model::new(Ctrl { desired: "a", actual: "a" })
        .add_action(reconciler().action())
        .action("flip", |_| true, |s| Ctrl { desired: if s.desired == "a" { "b" } else { "a" }, ..s.clone() })
        .action("glitch", |_| true, |s| Ctrl { actual: "stale", ..s.clone() })
        .terminal(|_| false)
}

/// The cluster: which of the three nodes are up.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Cluster {
    up: BTreeSet<u8>,
}

/// Three nodes that crash (at most `budget` down at once) and revive; invariant `quorum`.
pub fn cluster(budget: usize) -> Model<Cluster> {
    let crashes = Crash::new(
        0..3u8,
        |s: &Cluster, n: &u8| s.up.contains(n),
        |s: &Cluster, n: &u8, alive: bool| {
            let mut up = s.up.clone();
            if alive {
                up.insert(*n);
            } else {
                up.remove(n);
            }
            Cluster { up }
        },
    )
    .budget(budget)
    .revive(true)
    .actions()
    .expect("distinct nodes");
    Model::new(Cluster { up: BTreeSet::from([0, 1, 2]) })
        .actions(crashes)
        .invariant("quorum", |s| s.up.len() >= 2)
        .terminal(|_| false)
}

/// The four outcomes, in the order printed.
#[derive(Debug)]
pub struct Outcomes {
    /// `[]<>converged` with the tags (reconcile weakly fair).
    pub live: LivenessResult<Ctrl>,
    /// `[]<>converged` with no fairness.
    pub unfair: LivenessResult<Ctrl>,
    /// Quorum with at most one node down.
    pub one: CheckResult<Cluster>,
    /// Quorum with at most two nodes down.
    pub two: CheckResult<Cluster>,
}

/// Run the four checks.
pub fn run() -> Outcomes {
    let m = controller();
    let goal = || Liveness::eventually(reconciler().converged()).everywhere(true);
    Outcomes {
        live: check_liveness(&m, &goal()).expect("fairness from the tags"),
        unfair: check_liveness(&m, &goal().fair(Vec::<String>::new())).expect("no names to resolve"),
        one: check(&cluster(1)),
        two: check(&cluster(2)),
    }
}

fn main() {
    let Outcomes { live, unfair, one, two } = run();
    let verdict = |ok: bool| if ok { "OK " } else { "BAD" };
    println!("[]<>converged, reconcile weak-fair : {} (converges despite the fault)", verdict(live.ok));
    println!("[]<>converged, no fairness          : {} (a fault can starve reconcile)", verdict(unfair.ok));
    println!("quorum holds with <=1 crash         : {}", verdict(one.ok));
    println!("quorum holds with <=2 crashes       : {} (2 down -> only 1 up)", verdict(two.ok));
    assert!(live.ok, "a fair reconcile carries convergence");
    assert!(!unfair.ok, "without fairness the glitch can loop forever");
    assert!(one.ok, "a budget of 1 keeps a majority up");
    assert_eq!(two.invariant.as_deref(), Some("quorum"), "a budget of 2 breaks quorum");
    println!("\nConvergence needs the reconcile to be fair; quorum needs the crash budget below N/2.");
}
