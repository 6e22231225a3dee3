//! Steady-state availability, an until-probability and recovery cost, exact.
//!
//! A replicated service cycles through health states forever: mostly healthy, sometimes
//! degraded, sometimes failed, then restarting. Sampling would estimate these numbers;
//! `musil::probabilistic` gives them exactly:
//!
//! - `long_run_probability`: the long-run fraction of time healthy (availability) and failed,
//!   a stationary answer, exact although the chain never settles in one state.
//! - `reach_probability` with `avoid`: the probability of failing from degraded before
//!   recovering to healthy, `P(¬healthy U failed)`, against the plain reachability, 1.
//! - `expected_reward_mdp`: when recovery can be staged (cheaper, one hop through a
//!   recovering state) or direct (dearer, immediate), the minimal and maximal expected cost
//!   back to healthy over all recovery strategies.
//!
//! Run: `cargo run --example availability`

use std::fmt::Write;

use musil::Model;
use musil::probabilistic::{Optimize, Prob, Ratio, ratio};

/// The service's health.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Health {
    /// Serving.
    Healthy,
    /// Serving, at risk.
    Degraded,
    /// Down.
    Failed,
    /// Coming back.
    Recovering,
}

use Health::*;

/// The availability chain, from degraded: healthy stays 3 : degrades 1; degraded recovers or
/// fails (1 : 1); failed restarts to degraded. Irreducible: it never settles.
pub fn availability() -> Model<Health> {
    Model::new(Degraded)
        .action("stay", |s| *s == Healthy, |_| Healthy)
        .action("degrade", |s| *s == Healthy, |_| Degraded)
        .action("recover", |s| *s == Degraded, |_| Healthy)
        .action("fail", |s| *s == Degraded, |_| Failed)
        .action("restart", |s| *s == Failed, |_| Degraded)
}

/// The availability chain's weights: `stay` 3, every other action 1.
pub fn weight(action: &str, _: &Health) -> u32 {
    if action == "stay" { 3 } else { 1 }
}

/// The recovery MDP, from failed: staged (to recovering, cost 1, then finish, cost 1) or
/// direct (to healthy, cost 3).
pub fn recovery() -> Model<Health> {
    Model::new(Failed)
        .action("staged", |s| *s == Failed, |_| Recovering)
        .action("direct", |s| *s == Failed, |_| Healthy)
        .action("finish", |s| *s == Recovering, |_| Healthy)
        .terminal(|s| *s == Healthy)
}

/// The recovery costs.
pub fn cost(action: &str, _: &Health) -> u32 {
    match action {
        "direct" => 3,
        _ => 1,
    }
}

/// The example's exact answers.
#[derive(Debug)]
pub struct Figures {
    /// Long-run fraction healthy.
    pub up: Ratio,
    /// Long-run fraction failed.
    pub down: Ratio,
    /// P(eventually failed).
    pub reach_failed: Ratio,
    /// P(failed before healthy).
    pub failed_first: Ratio,
    /// Minimal expected recovery cost.
    pub min_cost: Ratio,
    /// Maximal expected recovery cost.
    pub max_cost: Ratio,
}

/// Compute the figures.
pub fn figures() -> Figures {
    let av = availability();
    let chain = Prob::new(&av).weight(weight);
    let up = chain.long_run_probability(|s| *s == Healthy).unwrap().unwrap_exact();
    let down = chain.long_run_probability(|s| *s == Failed).unwrap().unwrap_exact();
    let reach_failed = chain.reach_probability(|s| *s == Failed).unwrap().unwrap_exact();
    let failed_first = Prob::new(&av)
        .weight(weight)
        .avoid(|s| *s == Healthy)
        .reach_probability(|s| *s == Failed)
        .unwrap()
        .unwrap_exact();
    let rec = recovery();
    // Each recovery action is its own move: the strategy picks staged or direct.
    let mdp =
        Prob::new(&rec).cost(cost).moves(|_, enabled| enabled.iter().map(|a| vec![a.clone()]).collect());
    let min_cost = mdp.expected_reward_mdp(|s| *s == Healthy, Optimize::Min).unwrap().unwrap_exact();
    let max_cost = mdp.expected_reward_mdp(|s| *s == Healthy, Optimize::Max).unwrap().unwrap_exact();
    Figures { up, down, reach_failed, failed_first, min_cost, max_cost }
}

/// The example's output; the closed forms are asserted on the way.
pub fn run() -> String {
    let f = figures();
    let mut out = String::new();
    writeln!(out, "long-run availability P(healthy) = {}", f.up).unwrap();
    writeln!(out, "long-run P(failed)               = {}", f.down).unwrap();
    writeln!(out, "P(eventually failed)             = {}", f.reach_failed).unwrap();
    writeln!(out, "P(failed before recovering)      = {}", f.failed_first).unwrap();
    writeln!(out, "min E[recovery cost]             = {}", f.min_cost).unwrap();
    writeln!(out, "max E[recovery cost]             = {}", f.max_cost).unwrap();
    assert_eq!((&f.up, &f.down), (&ratio(4, 7), &ratio(1, 7)));
    assert_eq!(f.reach_failed, ratio(1, 1));
    assert_eq!(f.failed_first, ratio(1, 2));
    assert_eq!((&f.min_cost, &f.max_cost), (&ratio(2, 1), &ratio(3, 1)));
    writeln!(out, "\nAll exact-fraction answers match their closed forms.").unwrap();
    out
}

fn main() {
    print!("{}", run());
}
