//! A green check that exercised less than it seems: a dead action and a vacuous invariant,
//! found by `metrics::coverage` and `metrics::invariant_coverage`.
//!
//! `check` passing means no invariant broke on the reachable states. It does not mean every
//! action ran, nor that every invariant could have caught anything:
//! - a **dead action** never fires: its guard holds in no reachable state (here `thaw`,
//!   guarded on a status nothing ever sets);
//! - a **candidate-vacuous invariant** holds by construction: no reachable state breaks it,
//!   and no action, applied where its guard forbids it, would (here `status-known`).
//!
//! `non-negative-balance`, in contrast, is load-bearing: `withdraw` at balance 0, applied
//! anyway, would break it; its guard is what keeps the invariant true.
//!
//! Run: `cargo run --example coverage_vacuity`.

use musil::metrics::{Coverage, InvariantCoverage, coverage, invariant_coverage};
use musil::{CheckResult, Model, check};

/// Where an account stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Status {
    Open,
    Frozen,
    Closed,
}

/// A tiny bank account.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Account {
    pub balance: i32,
    pub status: Status,
}

/// Deposits up to 3, withdrawals down to 0, and a `thaw` nothing can ever reach.
pub fn model() -> Model<Account> {
    Model::new(Account { balance: 0, status: Status::Open })
        .action(
            "deposit",
            |s| s.status == Status::Open && s.balance < 3,
            |s| Account { balance: s.balance + 1, ..*s },
        )
        .action(
            "withdraw",
            |s| s.status == Status::Open && s.balance > 0,
            |s| Account { balance: s.balance - 1, ..*s },
        )
        // The bug: guarded on `Frozen`, a status no action sets, so it never fires.
        .action("thaw", |s| s.status == Status::Frozen, |s| Account { status: Status::Open, ..*s })
        // Load-bearing: `withdraw`'s guard is what keeps it true.
        .invariant("non-negative-balance", |s| s.balance >= 0)
        // Vacuous: every status the type has is in the list, so nothing can break it.
        .invariant("status-known", |s| matches!(s.status, Status::Open | Status::Frozen | Status::Closed))
}

/// The check, the action coverage and the invariant coverage.
pub fn run() -> (CheckResult<Account>, Coverage, InvariantCoverage) {
    let m = model();
    (check(&m), coverage(&m), invariant_coverage(&m))
}

fn main() {
    let (result, actions, invariants) = run();
    println!("{result}");
    println!();
    println!("{actions}");
    println!();
    println!("{invariants}");
    assert!(result.ok);
    assert_eq!(actions.dead_actions, ["thaw"]);
    assert_eq!(invariants.load_bearing, ["non-negative-balance"]);
    assert_eq!(invariants.candidate_vacuous, ["status-known"]);
    println!("\nGreen check, yet: one dead action (thaw) and one vacuous invariant (status-known).");
}
