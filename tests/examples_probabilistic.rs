//! Every probabilistic example pins the original's figures and prints its output byte for byte.

#[allow(dead_code)]
#[path = "../examples/availability.rs"]
mod availability;
#[allow(dead_code)]
#[path = "../examples/gamblers_ruin.rs"]
mod gamblers_ruin;
#[allow(dead_code)]
#[path = "../examples/lossy_retry.rs"]
mod lossy_retry;
#[allow(dead_code)]
#[path = "../examples/monty_hall.rs"]
mod monty_hall;
#[allow(dead_code)]
#[path = "../examples/server_utilization.rs"]
mod server_utilization;

use musil::explore;
use musil::probabilistic::{Optimize, Prob, Ratio, ratio};

fn strs(xs: &[Ratio]) -> Vec<String> {
    xs.iter().map(Ratio::to_string).collect()
}

#[test]
fn gamblers_ruin_closed_forms() {
    let f = gamblers_ruin::figures();
    assert_eq!(strs(&f.fair), ["0", "1/5", "2/5", "3/5", "4/5", "1"]);
    assert_eq!(strs(&f.bets), ["0", "4", "6", "6", "4", "0"]);
    assert_eq!(f.biased, ratio(24, 31));
    assert_eq!(
        gamblers_ruin::run(),
        "Fair walk — P(reach N before 0) = i / N:
  start 0: 0
  start 1: 1/5
  start 2: 2/5
  start 3: 3/5
  start 4: 4/5
  start 5: 1

Fair walk — E[number of bets until absorbed] = i * (N - i):
  start 0: 0
  start 1: 4
  start 2: 6
  start 3: 6
  start 4: 4
  start 5: 0

Biased walk — up-step weighted 2 : 1 (p = 2/3), start 2 of 5:
  P(reach goal) = 24/31

All three classical closed forms match exactly — no sampling, no floating point.
"
    );
}

#[test]
fn gamblers_ruin_extra_figures() {
    // Spec §10: biased E[steps to absorption] 174/31; fair P(goal within k), k = 0..5.
    let walk = gamblers_ruin::walk_model(2, 5);
    let biased = Prob::new(&walk).weight(|a, _| if a == "up" { 2 } else { 1 });
    assert_eq!(biased.expected_reward(|s| s.pos == 0 || s.pos == 5).unwrap().unwrap_exact(), ratio(174, 31));
    let within: Vec<Ratio> = (0..=5)
        .map(|k| Prob::new(&walk).steps(k).reach_probability(|s| s.pos == 5).unwrap().unwrap_exact())
        .collect();
    assert_eq!(strs(&within), ["0", "0", "0", "1/8", "1/8", "7/32"]);
}

#[test]
fn monty_hall_stay_and_switch() {
    let (stay, switch) = monty_hall::figures();
    assert_eq!((stay, switch), (ratio(1, 3), ratio(2, 3)));
    assert_eq!(explore(&monty_hall::game(monty_hall::Strategy::Stay)).len(), 12);
    assert_eq!(explore(&monty_hall::game(monty_hall::Strategy::Switch)).len(), 12);
    assert_eq!(
        monty_hall::run(),
        "P(win | stay)   = 1/3\nP(win | switch) = 2/3\n\nSwitching wins exactly twice as often (2/3 vs 1/3) -- exact, no sampling.\n"
    );
    // Spec §10: the won-mass of STAY after k steps.
    let stay = monty_hall::game(monty_hall::Strategy::Stay);
    let won: Vec<Ratio> = (0..4)
        .map(|k| {
            let pi = Prob::new(&stay).transient_distribution(k).unwrap().unwrap_exact();
            pi.iter().filter(|(s, _)| monty_hall::won(s)).map(|(_, p)| p).sum()
        })
        .collect();
    assert_eq!(strs(&won), ["0", "0", "0", "1/3"]);
}

#[test]
fn availability_figures() {
    let f = availability::figures();
    assert_eq!(strs(&[f.up, f.down]), ["4/7", "1/7"]);
    assert_eq!(strs(&[f.reach_failed, f.failed_first]), ["1", "1/2"]);
    assert_eq!(strs(&[f.min_cost, f.max_cost]), ["2", "3"]);
    assert_eq!(
        availability::run(),
        "long-run availability P(healthy) = 4/7
long-run P(failed)               = 1/7
P(eventually failed)             = 1
P(failed before recovering)      = 1/2
min E[recovery cost]             = 2
max E[recovery cost]             = 3

All exact-fraction answers match their closed forms.
"
    );
}

#[test]
fn availability_extra_figures() {
    use availability::Health::*;
    let m = availability::availability();
    let chain = Prob::new(&m).weight(availability::weight);
    assert_eq!(chain.long_run_probability(|s| *s == Degraded).unwrap().unwrap_exact(), ratio(2, 7));
    assert_eq!(chain.expected_reward(|s| *s == Failed).unwrap().unwrap_exact(), ratio(6, 1));
    assert_eq!(chain.expected_reward(|s| *s == Healthy).unwrap().unwrap_exact(), ratio(3, 1));
    let healthy: Vec<Ratio> = (0..5)
        .map(|k| chain.transient_distribution(k).unwrap().unwrap_exact().get(&Healthy).cloned().unwrap())
        .collect();
    assert_eq!(strs(&healthy), ["0", "1/2", "3/8", "19/32", "63/128"]);
    let gf = musil::Ltl::always(musil::Ltl::eventually(musil::Ltl::atom(
        "healthy",
        |s: &availability::Health| *s == Healthy,
    )));
    assert_eq!(chain.probability_ltl(&gf).unwrap().unwrap_exact(), ratio(1, 1));
    let rec = availability::recovery();
    let one_step = Prob::new(&rec)
        .cost(availability::cost)
        .steps(1)
        .moves(|_, enabled| enabled.iter().map(|a| vec![a.clone()]).collect());
    assert_eq!(
        one_step.expected_reward_mdp(|s| *s == Healthy, Optimize::Min).unwrap().unwrap_exact(),
        ratio(1, 1)
    );
    assert_eq!(
        one_step.expected_reward_mdp(|s| *s == Healthy, Optimize::Max).unwrap().unwrap_exact(),
        ratio(3, 1)
    );
}

#[test]
fn lossy_retry_figures() {
    let f = lossy_retry::figures();
    assert_eq!(f.delivered, ratio(1, 1));
    assert_eq!(strs(&f.within), ["1/2", "3/4", "7/8", "15/16"]);
    assert_eq!((f.attempts, f.min_cost), (ratio(2, 1), ratio(2, 1)));
    assert_eq!(
        lossy_retry::run(),
        "P(eventually delivered)      = 1
P(delivered within k=1..4)   = ['1/2', '3/4', '7/8', '15/16']
E[attempts to deliver]       = 2
min E[cost] over strategies  = 2

All exact-fraction answers match their closed forms.
"
    );
}

#[test]
fn lossy_retry_extra_figures() {
    use lossy_retry::{Link, by_link, cost, delivered, weight};
    let m = lossy_retry::mdp();
    let mdp = Prob::new(&m).weight(weight).cost(cost).moves(by_link);
    assert_eq!(mdp.expected_reward_mdp(delivered, Optimize::Max).unwrap().unwrap_exact(), ratio(3, 1));
    assert_eq!(mdp.reach_probability_mdp(delivered, Optimize::Max).unwrap().unwrap_exact(), ratio(1, 1));
    assert_eq!(mdp.reach_probability_mdp(delivered, Optimize::Min).unwrap().unwrap_exact(), ratio(1, 1));
    let one = Prob::new(&m).weight(weight).steps(1).moves(by_link);
    assert_eq!(one.reach_probability_mdp(delivered, Optimize::Max).unwrap().unwrap_exact(), ratio(2, 3));
    assert_eq!(one.reach_probability_mdp(delivered, Optimize::Min).unwrap().unwrap_exact(), ratio(1, 2));
    let two = Prob::new(&m).weight(weight).cost(cost).steps(2).moves(by_link);
    assert_eq!(two.expected_reward_mdp(delivered, Optimize::Min).unwrap().unwrap_exact(), ratio(3, 2));
    assert_eq!(two.expected_reward_mdp(delivered, Optimize::Max).unwrap().unwrap_exact(), ratio(8, 3));
    let retry = lossy_retry::retry();
    assert_eq!(Prob::new(&retry).steps(3).expected_reward(delivered).unwrap().unwrap_exact(), ratio(7, 4));
    let pi = Prob::new(&retry).transient_distribution(3).unwrap().unwrap_exact();
    assert_eq!(
        pi.into_iter().collect::<Vec<_>>(),
        [(Link::Sending, ratio(1, 8)), (Link::Delivered, ratio(7, 8))]
    );
}

#[test]
fn server_utilization_figures() {
    let f = server_utilization::figures();
    assert_eq!(strs(&[f.util, f.revenue]), ["2/3", "19/3"]);
    assert_eq!(strs(&f.warmup), ["0", "1/2", "5/8", "21/32", "85/128"]);
    assert_eq!(strs(&[f.best, f.worst]), ["2/3", "1/2"]);
    assert_eq!(
        server_utilization::run(),
        "steady-state utilisation (fraction BUSY) = 2/3
steady-state revenue rate per step       = 19/3
P(BUSY at step k=0..4), from IDLE        = ['0', '1/2', '5/8', '21/32', '85/128']
best-policy utilisation  (ECO)           = 2/3
worst-policy utilisation (TURBO)         = 1/2

Rates are steady-state averages; the warm-up shows the transient climb toward them.
"
    );
}

#[test]
fn server_utilization_extra_figures() {
    use server_utilization::{Server, modes, revenue, weight};
    let eco = server_utilization::eco();
    let busy: Vec<Ratio> = (5..=8)
        .map(|k| {
            Prob::new(&eco).weight(weight).transient_distribution(k).unwrap().unwrap_exact()
                [&Server { busy: true }]
                .clone()
        })
        .collect();
    assert_eq!(strs(&busy), ["341/512", "1365/2048", "5461/8192", "21845/32768"]);
    let m = server_utilization::server_mdp();
    let mdp = Prob::new(&m).weight(weight).moves(modes);
    assert_eq!(mdp.long_run_reward_mdp(revenue, Optimize::Max).unwrap().unwrap_exact(), ratio(19, 3));
    assert_eq!(mdp.long_run_reward_mdp(revenue, Optimize::Min).unwrap().unwrap_exact(), ratio(9, 2));
    assert_eq!(mdp.long_run_probability_mdp(|s| s.busy, Optimize::Max).unwrap().unwrap_exact(), ratio(2, 3));
    assert_eq!(mdp.long_run_probability_mdp(|s| s.busy, Optimize::Min).unwrap().unwrap_exact(), ratio(1, 2));
}
