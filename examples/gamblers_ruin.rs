//! Gambler's ruin — the canonical absorbing random walk, three exact closed forms.
//!
//! A gambler starts with `i` chips and bets one chip at a time on a coin, stopping at ruin
//! (0 chips) or at the goal `N`: a 1-D random walk between two absorbing barriers, the textbook
//! Markov chain. `musil::probabilistic` gives each classical answer as an exact fraction:
//!
//! - `reach_probability` on the fair walk: P(reach `N` before 0) from `i` is `i / N`.
//! - `expected_reward` with a cost of 1 per bet: the expected number of bets until the game
//!   ends is `i · (N − i)`.
//! - `reach_probability` with weights on a biased walk: with up-probability `p` and down
//!   `q = 1 − p`, the goal probability is `(1 − (q/p)^i) / (1 − (q/p)^N)`; the weights encode
//!   `p : q` as integers.
//!
//! Run: `cargo run --example gamblers_ruin`

use std::fmt::Write;

use musil::Model;
use musil::probabilistic::{Expect, Prob, Ratio, assert_probability, ratio};

/// Chips in hand; the walk is absorbed at 0 (ruin) and at the goal.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Walk {
    /// Chips in hand.
    pub pos: u32,
}

/// The goal.
pub const N: u32 = 5;

/// The walk from `start` chips toward the goal `n`: `up` and `down` while in play. The odds
/// come only from the weight callback (uniform: the fair coin).
pub fn walk_model(start: u32, n: u32) -> Model<Walk> {
    Model::new(Walk { pos: start })
        .action("up", move |s| 0 < s.pos && s.pos < n, |s| Walk { pos: s.pos + 1 })
        .action("down", move |s| 0 < s.pos && s.pos < n, |s| Walk { pos: s.pos - 1 })
        .terminal(move |s| s.pos == 0 || s.pos == n)
}

/// The example's exact answers.
#[derive(Debug)]
pub struct Figures {
    /// Fair walk, P(goal) from each start 0..=N.
    pub fair: Vec<Ratio>,
    /// Fair walk, E[bets until absorbed] from each start 0..=N.
    pub bets: Vec<Ratio>,
    /// Up weighted 2 : 1, start 2: P(goal).
    pub biased: Ratio,
}

/// Compute the figures.
pub fn figures() -> Figures {
    let fair = (0..=N)
        .map(|i| Prob::new(&walk_model(i, N)).reach_probability(|s| s.pos == N).unwrap().unwrap_exact())
        .collect();
    let bets = (0..=N)
        .map(|i| {
            Prob::new(&walk_model(i, N))
                .cost(|_, _| 1)
                .expected_reward(|s| s.pos == 0 || s.pos == N)
                .unwrap()
                .unwrap_exact()
        })
        .collect();
    let biased = Prob::new(&walk_model(2, N))
        .weight(|action, _| if action == "up" { 2 } else { 1 })
        .reach_probability(|s| s.pos == N)
        .unwrap()
        .unwrap_exact();
    Figures { fair, bets, biased }
}

/// The example's output; every closed form is asserted on the way.
pub fn run() -> String {
    let f = figures();
    let mut out = String::new();
    writeln!(out, "Fair walk — P(reach N before 0) = i / N:").unwrap();
    for (i, p) in f.fair.iter().enumerate() {
        writeln!(out, "  start {i}: {p}").unwrap();
        assert_probability(
            p,
            Expect::equals(ratio(i as i64, N as i64)).label(format!("P(goal | start {i})")),
        );
    }
    writeln!(out, "\nFair walk — E[number of bets until absorbed] = i * (N - i):").unwrap();
    for (i, e) in f.bets.iter().enumerate() {
        writeln!(out, "  start {i}: {e}").unwrap();
        assert_eq!(*e, ratio((i * (N as usize - i)) as i64, 1));
    }
    writeln!(out, "\nBiased walk — up-step weighted 2 : 1 (p = 2/3), start 2 of 5:").unwrap();
    // (1 − (q/p)^i) / (1 − (q/p)^N) with q/p = 1/2, i = 2, N = 5: (3/4) / (31/32) = 24/31.
    writeln!(out, "  P(reach goal) = {}", f.biased).unwrap();
    assert_probability(&f.biased, Expect::equals(ratio(24, 31)).label("P(goal | biased, start 2)"));
    writeln!(out, "\nAll three classical closed forms match exactly — no sampling, no floating point.")
        .unwrap();
    out
}

fn main() {
    print!("{}", run());
}
