//! Steady-state rates, warm-up, and the best and worst policy — reward rates over a server.
//!
//! A server is busy or idle; jobs arrive and are served at random. The interesting numbers
//! are rates, and `musil::probabilistic` computes them exactly:
//!
//! - `long_run_reward`: the long-run average of a per-state reward — utilisation (fraction of
//!   time busy) and a revenue rate (busy earns 10, idle costs 1).
//! - `transient_distribution`: the warm-up, P(busy) after exactly `k` steps from idle,
//!   climbing toward the steady state.
//! - `long_run_reward_mdp`: when a busy server may run in an eco or a turbo mode, the best and
//!   worst long-run utilisation over all policies.
//!
//! Run: `cargo run --example server_utilization`

use std::fmt::Write;

use musil::Model;
use musil::probabilistic::{Optimize, Prob, Ratio, ratio};

/// The server.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Server {
    /// Serving a job.
    pub busy: bool,
}

/// The eco server: idle, a job arrives or not (1/2 each); busy, it finishes or keeps working
/// (`work` weighted 3, so it stays busy 3/4).
pub fn eco() -> Model<Server> {
    Model::new(Server { busy: false })
        .action("arrive", |s| !s.busy, |_| Server { busy: true })
        .action("wait", |s| !s.busy, |_| Server { busy: false })
        .action("finish", |s| s.busy, |_| Server { busy: false })
        .action("work", |s| s.busy, |_| Server { busy: true })
}

/// The same server with a turbo mode (finish 1 : work 1) a scheduler may pick when busy.
pub fn server_mdp() -> Model<Server> {
    eco().action("finish_t", |s| s.busy, |_| Server { busy: false }).action(
        "work_t",
        |s| s.busy,
        |_| Server { busy: true },
    )
}

/// `work` 3, every other action 1.
pub fn weight(action: &str, _: &Server) -> u32 {
    if action == "work" { 3 } else { 1 }
}

/// 1 when busy: its long-run average is the fraction of time busy.
pub fn utilisation(s: &Server) -> i32 {
    i32::from(s.busy)
}

/// Busy earns 10 per step, idle costs 1.
pub fn revenue(s: &Server) -> i32 {
    if s.busy { 10 } else { -1 }
}

/// The scheduler's moves: idle has one (the arrive/wait coin); busy picks eco or turbo.
pub fn modes(s: &Server, enabled: &[String]) -> Vec<Vec<String>> {
    if !s.busy {
        return vec![enabled.to_vec()];
    }
    let pick = |names: [&str; 2]| enabled.iter().filter(|a| names.contains(&a.as_str())).cloned().collect();
    vec![pick(["finish", "work"]), pick(["finish_t", "work_t"])]
}

/// The example's exact answers.
#[derive(Debug)]
pub struct Figures {
    /// Long-run fraction busy.
    pub util: Ratio,
    /// Long-run revenue per step.
    pub revenue: Ratio,
    /// P(busy after k steps), k = 0..=4.
    pub warmup: Vec<Ratio>,
    /// Best-policy utilisation.
    pub best: Ratio,
    /// Worst-policy utilisation.
    pub worst: Ratio,
}

/// Compute the figures.
pub fn figures() -> Figures {
    let m = eco();
    let chain = Prob::new(&m).weight(weight);
    let util = chain.long_run_reward(utilisation).unwrap().unwrap_exact();
    let revenue_rate = chain.long_run_reward(revenue).unwrap().unwrap_exact();
    let warmup = (0..5)
        .map(|k| chain.transient_distribution(k).unwrap().unwrap_exact()[&Server { busy: true }].clone())
        .collect();
    let mdp = server_mdp();
    let policies = Prob::new(&mdp).weight(weight).moves(modes);
    let best = policies.long_run_reward_mdp(utilisation, Optimize::Max).unwrap().unwrap_exact();
    let worst = policies.long_run_reward_mdp(utilisation, Optimize::Min).unwrap().unwrap_exact();
    Figures { util, revenue: revenue_rate, warmup, best, worst }
}

/// The example's output; the closed forms are asserted on the way.
pub fn run() -> String {
    let f = figures();
    let warmup: Vec<String> = f.warmup.iter().map(|p| format!("'{p}'")).collect();
    let mut out = String::new();
    writeln!(out, "steady-state utilisation (fraction BUSY) = {}", f.util).unwrap();
    writeln!(out, "steady-state revenue rate per step       = {}", f.revenue).unwrap();
    writeln!(out, "P(BUSY at step k=0..4), from IDLE        = [{}]", warmup.join(", ")).unwrap();
    writeln!(out, "best-policy utilisation  (ECO)           = {}", f.best).unwrap();
    writeln!(out, "worst-policy utilisation (TURBO)         = {}", f.worst).unwrap();
    assert_eq!(f.util, ratio(2, 3));
    assert_eq!(f.revenue, ratio(19, 3));
    assert_eq!(f.warmup, [ratio(0, 1), ratio(1, 2), ratio(5, 8), ratio(21, 32), ratio(85, 128)]);
    assert_eq!((&f.best, &f.worst), (&ratio(2, 3), &ratio(1, 2)));
    writeln!(out, "\nRates are steady-state averages; the warm-up shows the transient climb toward them.")
        .unwrap();
    out
}

fn main() {
    print!("{}", run());
}
