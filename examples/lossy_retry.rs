//! Exact quantitative answers over a lossy link — the probabilistic layer end to end.
//!
//! A message is sent over a link that delivers each attempt with probability 1/2, otherwise
//! drops it, and the sender retries. Simulation would sample this; `musil::probabilistic`
//! answers exactly:
//!
//! - `reach_probability`: the message is eventually delivered with probability 1.
//! - `reach_probability` with `steps(k)`: delivered within `k` attempts, `1 − (1/2)^k`.
//! - `expected_reward`: the expected number of attempts, `1/p = 2`.
//! - `expected_reward_mdp`: when the sender may choose a fast link (succeeds 1/2, cost 1 per
//!   attempt) or a careful one (succeeds 2/3, cost 2), the minimal expected cost over all
//!   strategies.
//!
//! Run: `cargo run --example lossy_retry`

use std::fmt::Write;

use musil::Model;
use musil::probabilistic::{Optimize, Prob, Ratio, ratio};

/// The message's status (the attempt count is not in the state, so the graph is finite).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Link {
    /// Still being sent.
    Sending,
    /// Delivered.
    Delivered,
}

fn sending(s: &Link) -> bool {
    *s == Link::Sending
}

/// Delivered yet?
pub fn delivered(s: &Link) -> bool {
    *s == Link::Delivered
}

/// One link, retrying until it gets through: `ack` or `drop`, 1/2 each.
pub fn retry() -> Model<Link> {
    Model::new(Link::Sending)
        .action("ack", sending, |_| Link::Delivered)
        .action("drop", sending, |_| Link::Sending)
        .terminal(delivered)
}

/// The same link where the sender picks fast or careful at each attempt.
pub fn mdp() -> Model<Link> {
    Model::new(Link::Sending)
        .action("fast_ack", sending, |_| Link::Delivered)
        .action("fast_drop", sending, |_| Link::Sending)
        .action("careful_ack", sending, |_| Link::Delivered)
        .action("careful_drop", sending, |_| Link::Sending)
        .terminal(delivered)
}

/// The scheduler's choice: the fast link (both its actions) or the careful one.
pub fn by_link(_: &Link, enabled: &[String]) -> Vec<Vec<String>> {
    let (fast, careful): (Vec<String>, Vec<String>) =
        enabled.iter().cloned().partition(|a| a.starts_with("fast"));
    [fast, careful].into_iter().filter(|g| !g.is_empty()).collect()
}

/// Careful ack : drop = 2 : 1 (succeeds 2/3); fast is 1 : 1.
pub fn weight(action: &str, _: &Link) -> u32 {
    if action == "careful_ack" { 2 } else { 1 }
}

/// A careful attempt costs twice a fast one.
pub fn cost(action: &str, _: &Link) -> u32 {
    if action.starts_with("fast") { 1 } else { 2 }
}

/// The example's exact answers.
#[derive(Debug)]
pub struct Figures {
    /// P(eventually delivered).
    pub delivered: Ratio,
    /// P(delivered within k), k = 1..=4.
    pub within: Vec<Ratio>,
    /// E[attempts].
    pub attempts: Ratio,
    /// Minimal expected cost over strategies.
    pub min_cost: Ratio,
}

/// Compute the figures.
pub fn figures() -> Figures {
    let m = retry();
    let delivered_p = Prob::new(&m).reach_probability(delivered).unwrap().unwrap_exact();
    let within = (1..=4)
        .map(|k| Prob::new(&m).steps(k).reach_probability(delivered).unwrap().unwrap_exact())
        .collect();
    let attempts = Prob::new(&m).expected_reward(delivered).unwrap().unwrap_exact();
    let choice = mdp();
    let min_cost = Prob::new(&choice)
        .weight(weight)
        .cost(cost)
        .moves(by_link)
        .expected_reward_mdp(delivered, Optimize::Min)
        .unwrap()
        .unwrap_exact();
    Figures { delivered: delivered_p, within, attempts, min_cost }
}

/// Fractions printed as the original's examples print a list of them: `['1/2', '3/4']`.
pub fn fraction_list(xs: &[Ratio]) -> String {
    let items: Vec<String> = xs.iter().map(|x| format!("'{x}'")).collect();
    format!("[{}]", items.join(", "))
}

/// The example's output; the closed forms are asserted on the way.
pub fn run() -> String {
    let f = figures();
    let mut out = String::new();
    writeln!(out, "P(eventually delivered)      = {}", f.delivered).unwrap();
    writeln!(out, "P(delivered within k=1..4)   = {}", fraction_list(&f.within)).unwrap();
    writeln!(out, "E[attempts to deliver]       = {}", f.attempts).unwrap();
    writeln!(out, "min E[cost] over strategies  = {}", f.min_cost).unwrap();
    assert_eq!(f.delivered, ratio(1, 1));
    assert_eq!(f.within, [ratio(1, 2), ratio(3, 4), ratio(7, 8), ratio(15, 16)]);
    assert_eq!(f.attempts, ratio(2, 1));
    assert_eq!(f.min_cost, ratio(2, 1));
    writeln!(out, "\nAll exact-fraction answers match their closed forms.").unwrap();
    out
}

fn main() {
    print!("{}", run());
}
