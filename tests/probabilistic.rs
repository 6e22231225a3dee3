//! The probabilistic layer against the spec's edge-case checklist (probabilistic.md §14), the
//! original's known verdicts, the places where the original is wrong (§11.1: the right answer
//! is pinned), and properties on random models against a dense reference solve.

use std::collections::HashMap;

use musil::probabilistic::{
    Answer, Binary, Expect, InconclusiveKind, Optimize, Prob, Ratio, assert_probability, expected_reward,
    expected_reward_mdp, long_run_probability, long_run_reward, long_run_reward_mdp, probability_ltl, ratio,
    reach_probability, reach_probability_mdp, transient_distribution,
};
use musil::{ErrorKind, Ltl, Model, explore};
use num_traits::{One, Zero};
use proptest::prelude::*;

type S = &'static str;

/// A model over named states: `(action, from, to)` edges in action order.
fn chain(init: S, edges: &[(&'static str, S, S)]) -> Model<S> {
    let mut m = Model::new(init);
    for &(name, from, to) in edges {
        m = m.action(name, move |s| *s == from, move |_| to);
    }
    m
}

fn at(tag: S) -> impl Fn(&S) -> bool + Clone {
    move |s| *s == tag
}

fn atom(tag: S) -> Ltl<S> {
    Ltl::atom(tag, move |s: &S| *s == tag)
}

fn weights(table: &'static [(&'static str, i64)]) -> impl Fn(&str, &S) -> i64 {
    move |a, _| table.iter().find(|(n, _)| *n == a).map_or(1, |(_, w)| *w)
}

fn singletons<S>(_: &S, enabled: &[String]) -> Vec<Vec<String>> {
    enabled.iter().map(|a| vec![a.clone()]).collect()
}

fn one_move<S>(_: &S, enabled: &[String]) -> Vec<Vec<String>> {
    vec![enabled.to_vec()]
}

fn by_leading_letter(_: &S, enabled: &[String]) -> Vec<Vec<String>> {
    let mut groups: Vec<Vec<String>> = Vec::new();
    for a in enabled {
        match groups.iter_mut().find(|g| g[0].as_bytes()[0] == a.as_bytes()[0]) {
            Some(g) => g.push(a.clone()),
            None => groups.push(vec![a.clone()]),
        }
    }
    groups
}

fn names(xs: &[&str]) -> Vec<String> {
    xs.iter().map(|x| x.to_string()).collect()
}

fn walk(start: u32, n: u32) -> Model<u32> {
    Model::new(start).action("up", move |&p| 0 < p && p < n, |&p| p + 1).action(
        "down",
        move |&p| 0 < p && p < n,
        |&p| p - 1,
    )
}

fn coin_loop() -> Model<S> {
    chain("a", &[("win", "a", "w"), ("loop", "a", "a")])
}

// ---------------------------------------------------------------- DTMC reachability (§14 1–8)

#[test]
fn fair_walk_is_i_over_n() {
    for (n, i, want) in [(4, 1, ratio(1, 4)), (4, 2, ratio(1, 2)), (4, 3, ratio(3, 4)), (10, 3, ratio(3, 10))]
    {
        assert_eq!(reach_probability(&walk(i, n), move |&p| p == n).unwrap().unwrap_exact(), want);
    }
    assert_eq!(reach_probability(&walk(7, 10), |&p| p == 10).unwrap().unwrap_exact(), ratio(7, 10));
}

#[test]
fn target_init_is_one_and_absorbing_non_target_init_is_zero() {
    assert_eq!(reach_probability(&walk(4, 4), |&p| p == 4).unwrap().unwrap_exact(), Ratio::one());
    assert_eq!(reach_probability(&walk(0, 4), |&p| p == 4).unwrap().unwrap_exact(), Ratio::zero());
}

#[test]
fn biased_walk_matches_the_closed_form() {
    let up2 = |a: &str, _: &u32| if a == "up" { 2 } else { 1 };
    assert_eq!(
        Prob::new(&walk(1, 2)).weight(up2).reach_probability(|&p| p == 2).unwrap().unwrap_exact(),
        ratio(2, 3)
    );
    assert_eq!(
        Prob::new(&walk(2, 5)).weight(up2).reach_probability(|&p| p == 5).unwrap().unwrap_exact(),
        ratio(24, 31)
    );
}

#[test]
fn long_biased_walks_match_the_closed_form_from_anywhere() {
    // P(reach n from i) = (1 − r^i) / (1 − r^n) with r = down / up: one line of 1,999
    // unknowns, asked for at its ends and inside (the line's order is then not the order of
    // exploration), with integer weights and with decimal ones.
    let closed =
        |r: Ratio, i: u32, n: u32| (Ratio::one() - r.pow(i as i32)) / (Ratio::one() - r.pow(n as i32));
    let n = 2_000;
    for i in [1, 2, 999, n - 1] {
        let two_to_one = Prob::new(&walk(i, n))
            .weight(|a, _| if a == "up" { 2 } else { 1 })
            .reach_probability(move |&p| p == n)
            .unwrap()
            .unwrap_exact();
        assert_eq!(two_to_one, closed(ratio(1, 2), i, n), "2:1 from {i}");
        let decimal = Prob::new(&walk(i, n))
            .weight(|a, _| if a == "up" { 0.6 } else { 0.4 })
            .reach_probability(move |&p| p == n)
            .unwrap()
            .unwrap_exact();
        assert_eq!(decimal, closed(ratio(2, 3), i, n), "0.6/0.4 from {i}");
    }
}

#[test]
fn truncation_is_inconclusive_never_a_partial_answer() {
    let up = Model::new(0u32).action("up", |_| true, |&p| p + 1);
    let answer = Prob::new(&up).max_states(50).reach_probability(|&p| p == 1_000).unwrap();
    let e = answer.inconclusive().expect("a truncated graph gives no exact answer");
    assert_eq!(e.kind, InconclusiveKind::Truncated);
    assert_eq!(e.states_explored, 50);
    assert_ne!(answer, Ratio::zero());
    assert_eq!(
        e.message,
        "reach_probability: exploration truncated at max_states; the probability is inconclusive"
    );
    // A -> B -> C: three states need max_states 4.
    let abc = chain("A", &[("ab", "A", "B"), ("bc", "B", "C")]);
    for cap in 1..=3 {
        let answer = Prob::new(&abc).max_states(cap).reach_probability(at("C")).unwrap();
        assert_eq!(answer.inconclusive().map(|i| i.kind), Some(InconclusiveKind::Truncated), "cap {cap}");
    }
    assert_eq!(
        Prob::new(&abc).max_states(4).reach_probability(at("C")).unwrap().unwrap_exact(),
        Ratio::one()
    );
    // Seeding is not capped.
    assert_eq!(
        Prob::new(&chain("A", &[])).max_states(0).reach_probability(at("A")).unwrap().unwrap_exact(),
        Ratio::one()
    );
    // Every analysis answers inconclusive, each in its own name.
    let msgs = [
        Prob::new(&up)
            .max_states(5)
            .expected_reward(|&p| p == 9)
            .unwrap()
            .inconclusive()
            .unwrap()
            .message
            .clone(),
        Prob::new(&up)
            .max_states(5)
            .transient_distribution(1)
            .unwrap()
            .inconclusive()
            .unwrap()
            .message
            .clone(),
        Prob::new(&up)
            .max_states(5)
            .long_run_probability(|&p| p == 9)
            .unwrap()
            .inconclusive()
            .unwrap()
            .message
            .clone(),
        Prob::new(&up).max_states(5).long_run_reward(|&p| p).unwrap().inconclusive().unwrap().message.clone(),
        Prob::new(&up)
            .max_states(5)
            .probability_ltl(&Ltl::eventually(Ltl::atom("nine", |&p: &u32| p == 9)))
            .unwrap()
            .inconclusive()
            .unwrap()
            .message
            .clone(),
    ];
    assert_eq!(
        msgs,
        [
            "expected_reward: exploration truncated at max_states; the expectation is inconclusive",
            "transient_distribution: exploration truncated at max_states; the answer is inconclusive",
            "long_run_probability: exploration truncated at max_states; the long-run answer is inconclusive",
            "long_run_reward: exploration truncated at max_states; the long-run answer is inconclusive",
            "probability_ltl: exploration truncated at max_states; the probability is inconclusive",
        ]
    );
    let mdp = Prob::new(&up).max_states(5).moves(one_move);
    assert!(mdp.reach_probability_mdp(|&p| p == 9, Optimize::Max).unwrap().to_string().contains("truncated"));
    assert!(mdp.expected_reward_mdp(|&p| p == 9, Optimize::Min).unwrap().to_string().contains("truncated"));
    assert!(
        mdp.long_run_probability_mdp(|&p| p == 9, Optimize::Min).unwrap().to_string().contains("truncated")
    );
}

#[test]
fn a_panic_while_exploring_is_inconclusive_naming_it() {
    let m = Model::new(0u8).action("boom", |_| true, |_| panic!("kaput"));
    let answer = reach_probability(&m, |&s| s == 1).unwrap();
    let e = answer.inconclusive().expect("no exact answer");
    assert_eq!(e.kind, InconclusiveKind::Panic);
    assert!(e.message.contains("kaput") && e.message.contains("boom"), "{}", e.message);
    assert!(e.message.contains("  Init: 0"), "the trace to the state it panicked on: {}", e.message);
    assert_eq!(e.fault.as_ref().and_then(|f| f.name.as_deref()), Some("boom"));
}

#[test]
fn only_the_first_initial_state_carries_mass() {
    let m = Model::with_initial_states(["B", "A"]).action("ac", |s| *s == "A", |_| "C");
    assert_eq!(reach_probability(&m, at("C")).unwrap().unwrap_exact(), Ratio::zero());
    let pi = transient_distribution(&m, 1).unwrap().unwrap_exact();
    assert_eq!(
        pi.into_iter().collect::<Vec<_>>(),
        [("B", Ratio::one()), ("A", Ratio::zero()), ("C", Ratio::zero())]
    );
    let none = Model::<S>::with_initial_states([]);
    assert_eq!(reach_probability(&none, at("C")).unwrap_err().kind(), ErrorKind::InvalidInput);
}

#[test]
fn another_initial_state_cannot_make_a_system_singular() {
    // The second initial state loops forever, off the target: the original solves it with the
    // rest and survives only through Gauss–Jordan's column skipping.
    let m = Model::with_initial_states(["A", "B"]).action("at", |s| *s == "A", |_| "T").action(
        "bb",
        |s| *s == "B",
        |_| "B",
    );
    assert_eq!(expected_reward(&m, at("T")).unwrap().unwrap_exact(), Ratio::one());
    let mdp = Prob::new(&m).moves(singletons);
    assert_eq!(mdp.expected_reward_mdp(at("T"), Optimize::Max).unwrap().unwrap_exact(), Ratio::one());
}

// ---------------------------------------------------------------- weights (§14 9–20)

#[test]
fn a_negative_weight_is_refused_everywhere_naming_action_and_state() {
    let m = chain("a", &[("win", "a", "win"), ("loop", "a", "a")]);
    let bad = |a: &str, _: &S| if a == "loop" { ratio(-1, 3) } else { Ratio::one() };
    let errors = [
        Prob::new(&m).weight(bad).reach_probability(at("win")).unwrap_err(),
        Prob::new(&m).weight(bad).expected_reward(at("win")).unwrap_err(),
        Prob::new(&m)
            .weight(bad)
            .moves(one_move)
            .reach_probability_mdp(at("win"), Optimize::Max)
            .unwrap_err(),
        Prob::new(&m).weight(bad).moves(one_move).expected_reward_mdp(at("win"), Optimize::Min).unwrap_err(),
        Prob::new(&m).weight(bad).long_run_probability(at("win")).unwrap_err(),
        Prob::new(&m).weight(bad).transient_distribution(0).unwrap_err(),
        Prob::new(&m).weight(bad).probability_ltl(&Ltl::eventually(atom("win"))).unwrap_err(),
    ];
    for e in &errors {
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        assert_eq!(
            e.message(),
            "probabilistic weight must be non-negative, but weight('loop', \"a\") = -1/3"
        );
    }
}

#[test]
fn a_weight_without_an_exact_value_is_refused() {
    let e = Prob::new(&coin_loop()).weight(|_, _| f64::NAN).reach_probability(at("w")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert_eq!(e.message(), "probabilistic weight must be an exact rational, but weight('win', \"a\") = NaN");
    let e = Prob::new(&coin_loop()).cost(|_, _| f64::INFINITY).expected_reward(at("w")).unwrap_err();
    assert!(e.message().contains("cost('win', \"a\") = inf"), "{}", e.message());
    let e = long_run_reward(&coin_loop(), |_| f64::NAN).unwrap_err();
    assert!(e.message().contains("reward(\"w\") = NaN"), "{}", e.message());
}

#[test]
fn a_float_weight_counts_by_its_decimal_value_and_a_binary_one_by_its_binary_value() {
    let p = Prob::new(&coin_loop())
        .weight(|a, _| if a == "win" { 0.1 } else { 1.0 })
        .steps(1)
        .reach_probability(at("w"))
        .unwrap()
        .unwrap_exact();
    assert_eq!(p.to_string(), "1/11");
    // The original's reading (Fraction(0.1)), asked for explicitly.
    let p = Prob::new(&coin_loop())
        .weight(|a, _| if a == "win" { Binary(0.1) } else { Binary(1.0) })
        .steps(1)
        .reach_probability(at("w"))
        .unwrap()
        .unwrap_exact();
    assert_eq!(p.to_string(), "3602879701896397/39631676720860365");
}

#[test]
fn all_zero_weights_make_a_state_absorbing() {
    let m = coin_loop();
    let zero = Prob::new(&m).weight(|_, _| 0);
    assert_eq!(zero.reach_probability(at("w")).unwrap().unwrap_exact(), Ratio::zero());
    let pi = zero.transient_distribution(3).unwrap().unwrap_exact();
    assert_eq!(pi.into_iter().collect::<Vec<_>>(), [("a", Ratio::one()), ("w", Ratio::zero())]);
}

#[test]
fn edges_to_one_successor_sum_in_first_occurrence_order() {
    let m = chain("s", &[("a", "s", "A"), ("b", "s", "B"), ("c", "s", "A")]);
    let pi = transient_distribution(&m, 1).unwrap().unwrap_exact();
    assert_eq!(
        pi.into_iter().collect::<Vec<_>>(),
        [("s", Ratio::zero()), ("A", ratio(2, 3)), ("B", ratio(1, 3))]
    );
}

#[test]
fn duplicate_action_names_are_refused() {
    // The original accepts two actions named "x": its chain reads them as two edges (1/2 each)
    // while its MDP groups by name and keeps the last (0 or 1). One name, one action here.
    let refused = std::panic::catch_unwind(|| {
        Model::new("x").action("x", |s| *s == "x", |_| "A").action("x", |s| *s == "x", |_| "B")
    })
    .unwrap_err();
    let text = refused.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(text.contains("two actions named 'x'"), "{text}");
}

#[test]
fn a_group_may_repeat_and_name_disabled_actions() {
    let m = chain("s", &[("a", "s", "A"), ("b", "s", "B"), ("c", "A", "C")]);
    let twice = |_: &S, e: &[String]| if e.is_empty() { vec![] } else { vec![names(&["a", "a", "b", "c"])] };
    assert_eq!(reach_probability_mdp(&m, at("A"), twice, Optimize::Max).unwrap().unwrap_exact(), ratio(2, 3));
    // No groups at all: one absorbing move.
    let none = |_: &S, _: &[String]| Vec::new();
    assert_eq!(
        reach_probability_mdp(&m, at("A"), none, Optimize::Max).unwrap().unwrap_exact(),
        Ratio::zero()
    );
    // An empty group, or one whose weights sum to 0, is absorbing too.
    let empty_first = |_: &S, e: &[String]| vec![vec![], e.to_vec()];
    assert_eq!(
        reach_probability_mdp(&m, at("A"), empty_first, Optimize::Min).unwrap().unwrap_exact(),
        Ratio::zero()
    );
    assert_eq!(
        reach_probability_mdp(&m, at("A"), empty_first, Optimize::Max).unwrap().unwrap_exact(),
        ratio(1, 2)
    );
    let zero_b = Prob::new(&m).weight(|a, _| i32::from(a != "b")).moves(singletons);
    assert_eq!(zero_b.reach_probability_mdp(at("B"), Optimize::Max).unwrap().unwrap_exact(), Ratio::zero());
}

// ---------------------------------------------------------------- §11.1: zero weights (the original is wrong)

#[test]
fn a_zero_weight_action_is_no_edge_so_no_probability_of_minus_one() {
    // X loops (1) and has a weight-0 action to Y, from where T is reachable. Truth: 0. The
    // original answers −1 (its zero entry makes Y "reachable" and the solve singular).
    let m = chain("X", &[("loop", "X", "X"), ("z", "X", "Y"), ("yt", "Y", "T"), ("yx", "Y", "X")]);
    let p = Prob::new(&m).weight(weights(&[("z", 0)]));
    assert_eq!(p.reach_probability(at("T")).unwrap().unwrap_exact(), Ratio::zero());
    assert_eq!(
        Prob::new(&m)
            .weight(weights(&[("z", 0)]))
            .steps(5)
            .reach_probability(at("T"))
            .unwrap()
            .unwrap_exact(),
        Ratio::zero()
    );
    let mdp = Prob::new(&m).weight(weights(&[("z", 0)])).moves(one_move);
    assert_eq!(mdp.reach_probability_mdp(at("T"), Optimize::Max).unwrap().unwrap_exact(), Ratio::zero());
    assert_eq!(mdp.reach_probability_mdp(at("T"), Optimize::Min).unwrap().unwrap_exact(), Ratio::zero());
}

#[test]
fn a_zero_weight_leak_keeps_its_long_run_mass() {
    // X self-loops (1) with a weight-0 action to Y (a self-loop). Truth: all the time in X; the
    // original gives 0 for both X and Y, and 0 for G F X and F G X.
    let m = chain("X", &[("loop", "X", "X"), ("z", "X", "Y"), ("ly", "Y", "Y")]);
    let p = Prob::new(&m).weight(weights(&[("z", 0)]));
    assert_eq!(p.long_run_probability(at("X")).unwrap().unwrap_exact(), Ratio::one());
    assert_eq!(p.long_run_probability(at("Y")).unwrap().unwrap_exact(), Ratio::zero());
    assert_eq!(
        p.probability_ltl(&Ltl::always(Ltl::eventually(atom("X")))).unwrap().unwrap_exact(),
        Ratio::one()
    );
    assert_eq!(
        p.probability_ltl(&Ltl::eventually(Ltl::always(atom("X")))).unwrap().unwrap_exact(),
        Ratio::one()
    );
}

#[test]
fn a_zero_weight_mutual_link_gives_one_answer_whatever_the_hash_seed() {
    // X and Y each self-loop and link to each other with weight 0: the original answers 1 or 0
    // depending on PYTHONHASHSEED. The run never leaves X.
    let m = chain("X", &[("lx", "X", "X"), ("xy", "X", "Y"), ("ly", "Y", "Y"), ("yx", "Y", "X")]);
    let p = Prob::new(&m).weight(weights(&[("xy", 0), ("yx", 0)]));
    assert_eq!(p.long_run_probability(at("X")).unwrap().unwrap_exact(), Ratio::one());
}

#[test]
fn zero_weight_branches_do_not_crash_the_expectations() {
    // A reaches T (1) or B (0); B's only action has weight 0. The original divides by zero.
    let m = chain("A", &[("a", "A", "T"), ("b", "A", "B"), ("c", "B", "C")]);
    let e =
        Prob::new(&m).weight(weights(&[("b", 0), ("c", 0)])).expected_reward(at("T")).unwrap().unwrap_exact();
    assert_eq!(e, Ratio::one());
    // A single move {go → T, bad → D (weight 0)}: the original's minimal SSP raises KeyError.
    let m = chain("A", &[("go", "A", "T"), ("bad", "A", "D")]);
    let mdp = Prob::new(&m).weight(weights(&[("bad", 0)])).moves(one_move);
    assert_eq!(mdp.expected_reward_mdp(at("T"), Optimize::Min).unwrap().unwrap_exact(), Ratio::one());
    assert_eq!(mdp.expected_reward_mdp(at("T"), Optimize::Max).unwrap().unwrap_exact(), Ratio::one());
}

#[test]
fn a_zero_cost_member_of_weight_zero_still_refuses_the_unbounded_ssp() {
    // As in the original: the positivity check reads every member of a positive-total move.
    let m = chain("A", &[("go", "A", "T"), ("free", "A", "A")]);
    let mdp =
        Prob::new(&m).weight(weights(&[("free", 0)])).cost(|a, _| i32::from(a != "free")).moves(one_move);
    let e = mdp.expected_reward_mdp(at("T"), Optimize::Min).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert!(e.message().contains("strictly POSITIVE"));
}

// ---------------------------------------------------------------- MDP reachability (§14 21–33)

fn two_gambles() -> Model<S> {
    chain(
        "start",
        &[
            ("A_win", "start", "win"),
            ("A_lose", "start", "dead"),
            ("B_win", "start", "win"),
            ("B_lose", "start", "dead"),
        ],
    )
}

#[test]
fn max_and_min_pick_opposite_coins() {
    let m = two_gambles();
    assert_eq!(
        reach_probability_mdp(&m, at("win"), by_leading_letter, Optimize::Max).unwrap().unwrap_exact(),
        ratio(1, 2)
    );
    let biased = Prob::new(&m).weight(weights(&[("B_win", 2)])).moves(by_leading_letter);
    assert_eq!(biased.reach_probability_mdp(at("win"), Optimize::Max).unwrap().unwrap_exact(), ratio(2, 3));
    assert_eq!(biased.reach_probability_mdp(at("win"), Optimize::Min).unwrap().unwrap_exact(), ratio(1, 2));
}

#[test]
fn max_improves_off_a_bad_first_move_and_min_stays_forever() {
    let m = chain("start", &[("stay", "start", "start"), ("go", "start", "win")]);
    assert_eq!(
        reach_probability_mdp(&m, at("win"), singletons, Optimize::Max).unwrap().unwrap_exact(),
        Ratio::one()
    );
    assert_eq!(
        reach_probability_mdp(&m, at("win"), singletons, Optimize::Min).unwrap().unwrap_exact(),
        Ratio::zero()
    );
    let ec = chain(
        "u1",
        &[
            ("u1_to_u2", "u1", "u2"),
            ("u1_esc", "u1", "win"),
            ("u2_to_u1", "u2", "u1"),
            ("u2_esc", "u2", "win"),
        ],
    );
    assert_eq!(
        reach_probability_mdp(&ec, at("win"), singletons, Optimize::Min).unwrap().unwrap_exact(),
        Ratio::zero()
    );
    assert_eq!(
        reach_probability_mdp(&ec, at("win"), singletons, Optimize::Max).unwrap().unwrap_exact(),
        Ratio::one()
    );
}

#[test]
fn one_move_of_everything_is_the_markov_chain() {
    for i in 0..=4 {
        let m = walk(i, 4);
        let dtmc = reach_probability(&m, |&p| p == 4).unwrap().unwrap_exact();
        assert_eq!(
            reach_probability_mdp(&m, |&p| p == 4, one_move, Optimize::Max).unwrap().unwrap_exact(),
            dtmc
        );
        assert_eq!(
            reach_probability_mdp(&m, |&p| p == 4, one_move, Optimize::Min).unwrap().unwrap_exact(),
            dtmc
        );
    }
}

#[test]
fn bounded_reachability_counts_exact_rounds() {
    let got: Vec<Ratio> = (0..4)
        .map(|k| Prob::new(&coin_loop()).steps(k).reach_probability(at("w")).unwrap().unwrap_exact())
        .collect();
    assert_eq!(got, [ratio(0, 1), ratio(1, 2), ratio(3, 4), ratio(7, 8)]);
    assert_eq!(reach_probability(&coin_loop(), at("w")).unwrap().unwrap_exact(), Ratio::one());
    // With avoid: one → win | zero, zero → one.
    let m = chain("one", &[("up", "one", "win"), ("down", "one", "zero"), ("back", "zero", "one")]);
    assert_eq!(Prob::new(&m).steps(3).reach_probability(at("win")).unwrap().unwrap_exact(), ratio(3, 4));
    assert_eq!(
        Prob::new(&m).steps(3).avoid(at("zero")).reach_probability(at("win")).unwrap().unwrap_exact(),
        ratio(1, 2)
    );
    assert_eq!(reach_probability(&m, at("win")).unwrap().unwrap_exact(), Ratio::one());
    assert_eq!(
        Prob::new(&m).avoid(at("zero")).reach_probability(at("win")).unwrap().unwrap_exact(),
        ratio(1, 2)
    );
    // Bounded MDP chain s0 → s1 → win.
    let line = chain("s0", &[("a", "s0", "s1"), ("b", "s1", "win")]);
    let p = |k| {
        Prob::new(&line)
            .steps(k)
            .moves(singletons)
            .reach_probability_mdp(at("win"), Optimize::Max)
            .unwrap()
            .unwrap_exact()
    };
    assert_eq!((p(1), p(2)), (Ratio::zero(), Ratio::one()));
}

#[test]
fn avoid_gives_way_to_the_target() {
    let m = chain("A", &[("ab", "A", "B")]);
    assert_eq!(Prob::new(&m).avoid(at("A")).reach_probability(at("A")).unwrap().unwrap_exact(), Ratio::one());
    assert_eq!(
        Prob::new(&m).avoid(at("A")).reach_probability(at("B")).unwrap().unwrap_exact(),
        Ratio::zero()
    );
}

#[test]
fn avoid_separates_the_schedulers() {
    let m = chain(
        "one",
        &[
            ("sure", "one", "win"),
            ("risk_up", "one", "win"),
            ("risk_down", "one", "zero"),
            ("back", "zero", "one"),
        ],
    );
    let moves = |_: &S, e: &[String]| {
        let (risk, others): (Vec<String>, Vec<String>) =
            e.iter().cloned().partition(|a| a.starts_with("risk_"));
        let mut out = if risk.is_empty() { vec![] } else { vec![risk] };
        out.extend(others.into_iter().map(|a| vec![a]));
        out
    };
    assert_eq!(
        reach_probability_mdp(&m, at("win"), moves, Optimize::Min).unwrap().unwrap_exact(),
        Ratio::one()
    );
    let avoiding = Prob::new(&m).avoid(at("zero")).moves(moves);
    assert_eq!(avoiding.reach_probability_mdp(at("win"), Optimize::Min).unwrap().unwrap_exact(), ratio(1, 2));
    assert_eq!(
        avoiding.reach_probability_mdp(at("win"), Optimize::Max).unwrap().unwrap_exact(),
        Ratio::one()
    );
}

// ---------------------------------------------------------------- transient (§14 34–36)

#[test]
fn transient_keeps_every_state_and_sums_to_one() {
    let retry = chain("send", &[("ack", "send", "done"), ("drop", "send", "send")]);
    for k in 0..5u32 {
        let pi = transient_distribution(&retry, k as usize).unwrap().unwrap_exact();
        assert_eq!(pi.values().sum::<Ratio>(), Ratio::one());
        assert_eq!(pi["send"], ratio(1, 1 << k));
        assert_eq!(pi["done"], Ratio::one() - ratio(1, 1 << k));
    }
    let cyc = chain("A", &[("toB", "A", "B"), ("toA", "B", "A")]);
    assert_eq!(transient_distribution(&cyc, 0).unwrap().unwrap_exact()["A"], Ratio::one());
    assert_eq!(transient_distribution(&cyc, 1).unwrap().unwrap_exact()["B"], Ratio::one());
    assert_eq!(transient_distribution(&cyc, 2).unwrap().unwrap_exact()["A"], Ratio::one());
    assert_eq!(long_run_probability(&cyc, at("A")).unwrap().unwrap_exact(), ratio(1, 2));
}

// ---------------------------------------------------------------- expected reward (§14 37–51)

#[test]
fn expected_reward_dtmc() {
    assert_eq!(expected_reward(&coin_loop(), at("w")).unwrap().unwrap_exact(), ratio(2, 1));
    assert_eq!(
        Prob::new(&coin_loop()).cost(|_, _| 3).expected_reward(at("w")).unwrap().unwrap_exact(),
        ratio(6, 1)
    );
    for (n, i) in [(4, 1), (4, 2), (6, 2), (6, 3)] {
        assert_eq!(
            expected_reward(&walk(i, n), move |&p| p == 0 || p == n).unwrap().unwrap_exact(),
            ratio(i64::from(i * (n - i)), 1)
        );
    }
    let e = expected_reward(&walk(2, 4), |&p| p == 4).unwrap();
    assert!(e.is_infinite());
    assert!(e.to_string().starts_with("infinite: ") && e.to_string().contains("almost surely"));
    // Any cost sign (no stochastic-shortest-path guard in the chain).
    assert_eq!(
        Prob::new(&coin_loop()).cost(|_, _| 0).expected_reward(at("w")).unwrap().unwrap_exact(),
        Ratio::zero()
    );
    assert_eq!(
        Prob::new(&coin_loop()).cost(|_, _| -1).expected_reward(at("w")).unwrap().unwrap_exact(),
        ratio(-2, 1)
    );
    // Bounded: 2(1 − (1/2)^k); with costs win 5, loop 1 and k = 2: 9/2.
    for k in 0..5u32 {
        let e = Prob::new(&coin_loop()).steps(k as usize).expected_reward(at("w")).unwrap().unwrap_exact();
        assert_eq!(e, ratio(2, 1) * (Ratio::one() - ratio(1, 1 << k)));
    }
    let coin = coin_loop();
    let costed = Prob::new(&coin).cost(|a, _| if a == "win" { 5 } else { 1 }).steps(2);
    assert_eq!(costed.expected_reward(at("w")).unwrap().unwrap_exact(), ratio(9, 2));
    // A target initial state is 0 before anything else is looked at.
    let bad = Prob::new(&coin).weight(|_, _| -1).steps(0);
    assert_eq!(bad.expected_reward(at("a")).unwrap().unwrap_exact(), Ratio::zero());
}

#[test]
fn expected_reward_mdp_min_and_max() {
    let m = chain("start", &[("direct", "start", "win"), ("detour", "start", "mid"), ("step", "mid", "win")]);
    assert_eq!(
        expected_reward_mdp(&m, at("win"), singletons, Optimize::Min).unwrap().unwrap_exact(),
        Ratio::one()
    );
    assert_eq!(
        expected_reward_mdp(&m, at("win"), singletons, Optimize::Max).unwrap().unwrap_exact(),
        ratio(2, 1)
    );
    let heavy = Prob::new(&m).cost(|a, _| if a == "direct" { 10 } else { 1 }).moves(singletons);
    assert_eq!(heavy.expected_reward_mdp(at("win"), Optimize::Min).unwrap().unwrap_exact(), ratio(2, 1));
    // Avoid the move with a failing branch; refuse when it is the only one.
    let risky =
        chain("start", &[("sure", "start", "win"), ("R_win", "start", "win"), ("R_lose", "start", "dead")]);
    assert_eq!(
        expected_reward_mdp(&risky, at("win"), by_leading_letter, Optimize::Min).unwrap().unwrap_exact(),
        Ratio::one()
    );
    let only = chain("start", &[("R_win", "start", "win"), ("R_lose", "start", "dead")]);
    let e = expected_reward_mdp(&only, at("win"), by_leading_letter, Optimize::Min).unwrap();
    assert!(matches!(&e, Answer::Infinite { reason } if reason.contains("almost surely")));
    // Gamble (1/2 win, else retry) against an improper wait: E = 2.
    let gw = chain(
        "start",
        &[("G_win", "start", "win"), ("G_again", "start", "start"), ("wait", "start", "start")],
    );
    assert_eq!(
        expected_reward_mdp(&gw, at("win"), by_leading_letter, Optimize::Min).unwrap().unwrap_exact(),
        ratio(2, 1)
    );
    // Stall: max is infinite, min stays 1.
    let stall = chain("start", &[("go", "start", "win"), ("stall", "start", "start")]);
    assert_eq!(
        expected_reward_mdp(&stall, at("win"), singletons, Optimize::Min).unwrap().unwrap_exact(),
        Ratio::one()
    );
    let e = expected_reward_mdp(&stall, at("win"), singletons, Optimize::Max).unwrap();
    assert!(
        matches!(&e, Answer::Infinite { reason } if reason.contains("maximal expected cost is infinite"))
    );
}

#[test]
fn expected_reward_mdp_refuses_nonpositive_costs_unbounded_only() {
    let spin = chain("s", &[("spin", "s", "s"), ("go", "s", "win")]);
    let mdp = |k: Option<usize>| {
        let p = Prob::new(&spin).cost(|a, _| if a == "spin" { -1 } else { 1 });
        let p = match k {
            Some(k) => p.steps(k),
            None => p,
        };
        p.moves(singletons)
    };
    for opt in [Optimize::Min, Optimize::Max] {
        let e = mdp(None).expected_reward_mdp(at("win"), opt).unwrap_err();
        assert!(e.message().contains("strictly POSITIVE"));
    }
    assert_eq!(
        mdp(Some(3)).expected_reward_mdp(at("win"), Optimize::Min).unwrap().unwrap_exact(),
        ratio(-3, 1)
    );
    // A target initial state: 0, whatever the costs.
    assert_eq!(mdp(None).expected_reward_mdp(at("s"), Optimize::Min).unwrap().unwrap_exact(), Ratio::zero());
}

// ---------------------------------------------------------------- long run (§14 52–58)

fn split() -> Model<S> {
    chain("I", &[("left", "I", "X"), ("right", "I", "Y"), ("loopX", "X", "X"), ("loopY", "Y", "Y")])
}

#[test]
fn long_run_dtmc() {
    let biased =
        chain("A", &[("stayA", "A", "A"), ("toB", "A", "B"), ("stayB", "B", "B"), ("toA", "B", "A")]);
    let w = Prob::new(&biased).weight(|a, _| if a == "stayB" { 3 } else { 1 });
    // π(A)·1/2 = π(B)·1/4, so π = (1/3, 2/3).
    assert_eq!(w.long_run_probability(at("A")).unwrap().unwrap_exact(), ratio(1, 3));
    assert_eq!(w.long_run_probability(at("B")).unwrap().unwrap_exact(), ratio(2, 3));
    assert_eq!(long_run_probability(&split(), at("X")).unwrap().unwrap_exact(), ratio(1, 2));
    assert_eq!(long_run_probability(&split(), at("I")).unwrap().unwrap_exact(), Ratio::zero());
    assert_eq!(
        long_run_probability(&split(), |s| *s == "X" || *s == "Y").unwrap().unwrap_exact(),
        Ratio::one()
    );
    let cyc = chain("A", &[("toB", "A", "B"), ("toA", "B", "A")]);
    assert_eq!(long_run_reward(&cyc, |s| if *s == "A" { 3 } else { 1 }).unwrap().unwrap_exact(), ratio(2, 1));
    assert_eq!(
        long_run_reward(&split(), |s| match *s {
            "X" => 10,
            "Y" => 2,
            _ => 0,
        })
        .unwrap()
        .unwrap_exact(),
        ratio(6, 1)
    );
    assert_eq!(
        long_run_reward(&split(), |s| if *s == "Y" { -1 } else { 0 }).unwrap().unwrap_exact(),
        ratio(-1, 2)
    );
    // Two dead ends are two bottom components.
    let ends = chain("I", &[("l", "I", "L"), ("r", "I", "R")]);
    assert_eq!(long_run_probability(&ends, at("L")).unwrap().unwrap_exact(), ratio(1, 2));
}

#[test]
fn long_run_mdp_policy_oracle() {
    let m = chain("I", &[("up", "I", "A"), ("down", "I", "B"), ("loopA", "A", "A"), ("loopB", "B", "B")]);
    let rate = |s: &S| match *s {
        "A" => 10,
        "B" => 2,
        _ => 0,
    };
    assert_eq!(
        long_run_reward_mdp(&m, rate, singletons, Optimize::Max).unwrap().unwrap_exact(),
        ratio(10, 1)
    );
    assert_eq!(long_run_reward_mdp(&m, rate, singletons, Optimize::Min).unwrap().unwrap_exact(), ratio(2, 1));
    assert_eq!(long_run_reward_mdp(&m, rate, one_move, Optimize::Max).unwrap().unwrap_exact(), ratio(6, 1));
    assert_eq!(long_run_reward_mdp(&m, rate, one_move, Optimize::Min).unwrap().unwrap_exact(), ratio(6, 1));
    // Two policies (I has two moves; every other state one): a cap of 2 is fine, 1 is not.
    let capped =
        |cap| Prob::new(&m).moves(singletons).max_policies(cap).long_run_reward_mdp(rate, Optimize::Max);
    assert_eq!(capped(2).unwrap(), ratio(10, 1));
    let e = capped(1).unwrap();
    let e = e.inconclusive().expect("past the cap on policies");
    assert_eq!(e.kind, InconclusiveKind::PolicyLimit);
    assert!(e.message.starts_with("long_run_reward_mdp: more than max_policies=1 "));
    let p = Prob::new(&m).moves(singletons);
    assert_eq!(p.long_run_probability_mdp(at("A"), Optimize::Max).unwrap().unwrap_exact(), Ratio::one());
    assert_eq!(p.long_run_probability_mdp(at("A"), Optimize::Min).unwrap().unwrap_exact(), Ratio::zero());
    let coin = Prob::new(&m).moves(one_move);
    assert_eq!(coin.long_run_probability_mdp(at("A"), Optimize::Max).unwrap().unwrap_exact(), ratio(1, 2));
    let e = Prob::new(&m).moves(singletons).max_policies(1).long_run_probability_mdp(at("A"), Optimize::Max);
    assert!(
        e.unwrap()
            .to_string()
            .starts_with("INCONCLUSIVE: long_run_probability_mdp: more than max_policies=1 ")
    );
}

// ---------------------------------------------------------------- probability_ltl (§14 59–67)

fn ltl_model() -> Model<S> {
    chain(
        "I",
        &[("toA", "I", "A"), ("toZ", "I", "Z"), ("AtoB", "A", "B"), ("BtoA", "B", "A"), ("loopZ", "Z", "Z")],
    )
}

#[test]
fn probability_ltl_on_a_chain() {
    let m = ltl_model();
    let (a, not_z, never) =
        (atom("A"), Ltl::atom("notZ", |s: &S| *s != "Z"), Ltl::atom("false", |_: &S| false));
    let p = |f: Ltl<S>| probability_ltl(&m, &f).unwrap().unwrap_exact();
    let half = ratio(1, 2);
    assert_eq!(p(Ltl::eventually(a.clone())), half);
    assert_eq!(p(Ltl::always(Ltl::eventually(a.clone()))), half);
    assert_eq!(p(Ltl::eventually(Ltl::always(a.clone()))), Ratio::zero());
    assert_eq!(p(Ltl::always(not_z.clone())), half);
    assert_eq!(p(not_z.clone().until(a.clone())), half);
    assert_eq!(
        p(not_z.clone().until(a.clone())),
        Prob::new(&m).avoid(at("Z")).reach_probability(at("A")).unwrap().unwrap_exact()
    );
    assert_eq!(p(never.clone().release(not_z.clone())), p(Ltl::always(not_z.clone())));
    assert_eq!(
        p(a.clone().release(not_z.clone())),
        Ratio::one() - Prob::new(&m).avoid(at("A")).reach_probability(at("Z")).unwrap().unwrap_exact()
    );
    assert_eq!(p(not_z.clone().weak_until(never.clone())), p(Ltl::always(not_z.clone())));
    assert_eq!(p(never.clone().weak_until(a.clone())), Ratio::zero());
    assert_eq!(p(Ltl::next(a.clone())), half);
    // Negated shapes are normalised first.
    assert_eq!(p(Ltl::eventually(a.clone()).not()), half);
    assert_eq!(p(Ltl::always(Ltl::eventually(a.clone())).not()), half);
    assert_eq!(p(Ltl::next(a.clone()).not()), half);
    assert_eq!(p(not_z.clone().until(a.clone()).not()), half);
    assert_eq!(p(not_z.clone().release(a.clone()).not()), Ratio::one()); // Z U !A: I is not A
    assert_eq!(p(not_z.clone().weak_until(a.clone()).not()), ratio(1, 2));
    // X at an absorbing initial state: the state itself.
    let still = chain("A", &[]);
    assert_eq!(probability_ltl(&still, &Ltl::next(atom("A"))).unwrap().unwrap_exact(), Ratio::one());
    assert_eq!(probability_ltl(&still, &Ltl::next(atom("Z"))).unwrap().unwrap_exact(), Ratio::zero());
    // F equals reach_probability.
    assert_eq!(p(Ltl::eventually(atom("Z"))), reach_probability(&m, at("Z")).unwrap().unwrap_exact());
}

#[test]
fn probability_ltl_outside_the_fragment_is_unsupported() {
    let m = ltl_model();
    let (a, b) = (atom("A"), atom("B"));
    let outside = [
        a.clone(),
        a.clone().not(),
        Ltl::eventually(Ltl::eventually(a.clone())),
        Ltl::always(Ltl::always(a.clone())),
        Ltl::always(Ltl::eventually(Ltl::eventually(a.clone()))),
        Ltl::next(Ltl::next(a.clone())),
        Ltl::eventually(a.clone()).until(b.clone().not()),
        Ltl::eventually(a.clone()).and(Ltl::eventually(b.clone())),
        Ltl::always(a.clone().implies(Ltl::eventually(b.clone()))),
    ];
    for f in &outside {
        let e = probability_ltl(&m, f).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Unsupported, "{f}");
        let e = Prob::new(&m).moves(singletons).probability_ltl(f, Optimize::Max).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Unsupported, "{f}");
    }
    let e = probability_ltl(&m, &Ltl::eventually(a.clone()).and(Ltl::eventually(b.clone()))).unwrap_err();
    assert_eq!(
        e.message(),
        "probability_ltl supports F/X/G/GF/FG of a state predicate and a U b / a R b / a W b; (F A & F B) needs the general probabilistic LTL engine (a deterministic automaton for the formula), which is not yet built"
    );
    // The message prints the formula as given, not its normal form.
    let e = probability_ltl(&m, &Ltl::next(Ltl::next(a)).not()).unwrap_err();
    assert!(e.message().contains("; !X X A needs"), "{}", e.message());
}

#[test]
fn probability_ltl_on_an_mdp() {
    let m = chain(
        "I",
        &[("win", "I", "A"), ("dead", "I", "Z"), ("AtoB", "A", "B"), ("BtoA", "B", "A"), ("loopZ", "Z", "Z")],
    );
    let a = atom("A");
    let cyc = Ltl::atom("cyc", |s: &S| *s == "A" || *s == "B");
    let not_z = Ltl::atom("notZ", |s: &S| *s != "Z");
    let never = Ltl::atom("false", |_: &S| false);
    let choose = Prob::new(&m).moves(singletons);
    let coin = Prob::new(&m).moves(one_move);
    let half = ratio(1, 2);
    let formulas = [
        Ltl::eventually(a.clone()),
        Ltl::always(Ltl::eventually(a.clone())),
        Ltl::eventually(Ltl::always(cyc.clone())),
        Ltl::always(not_z.clone()),
        not_z.clone().until(a.clone()),
        never.clone().release(not_z.clone()),
        not_z.clone().weak_until(never.clone()),
    ];
    for f in &formulas {
        assert_eq!(choose.probability_ltl(f, Optimize::Max).unwrap().unwrap_exact(), Ratio::one(), "{f}");
        assert_eq!(choose.probability_ltl(f, Optimize::Min).unwrap().unwrap_exact(), Ratio::zero(), "{f}");
        assert_eq!(coin.probability_ltl(f, Optimize::Max).unwrap().unwrap_exact(), half, "{f}");
        assert_eq!(coin.probability_ltl(f, Optimize::Min).unwrap().unwrap_exact(), half, "{f}");
    }
    assert_eq!(
        choose.probability_ltl(&Ltl::next(a.clone()), Optimize::Max).unwrap().unwrap_exact(),
        Ratio::one()
    );
    assert_eq!(
        choose.probability_ltl(&Ltl::next(a.clone()), Optimize::Min).unwrap().unwrap_exact(),
        Ratio::zero()
    );
    assert_eq!(coin.probability_ltl(&Ltl::next(a), Optimize::Min).unwrap().unwrap_exact(), half);
}

#[test]
fn the_arbiter_serves_a_infinitely_often_almost_surely() {
    // arbiter_fairness: the arbiter with the last action in the state (13 states); a uniformly
    // random arbiter serves A infinitely often with probability 1.
    #[derive(Clone, Debug, PartialEq, Eq, Hash)]
    struct Aug {
        a_wait: bool,
        b_wait: bool,
        last: Option<&'static str>,
    }
    let act = |name: &'static str, guard: fn(&Aug) -> bool, effect: fn(&mut Aug)| {
        (name, guard, move |s: &Aug| {
            let mut t = s.clone();
            effect(&mut t);
            t.last = Some(name);
            t
        })
    };
    let mut m = Model::new(Aug { a_wait: false, b_wait: false, last: None });
    for (name, guard, effect) in [
        act("req_A", |s| !s.a_wait, |s| s.a_wait = true),
        act("req_B", |s| !s.b_wait, |s| s.b_wait = true),
        act("serve_A", |s| s.a_wait, |s| s.a_wait = false),
        act("serve_B", |s| s.b_wait, |s| s.b_wait = false),
        act("stall", |_| true, |_| {}),
    ] {
        m = m.action(name, guard, effect);
    }
    assert_eq!(explore(&m).len(), 13);
    let served = Ltl::atom("serve_A", |s: &Aug| s.last == Some("serve_A"));
    assert_eq!(
        probability_ltl(&m, &Ltl::always(Ltl::eventually(served.clone()))).unwrap().unwrap_exact(),
        Ratio::one()
    );
    // Spec §10: F serve_A 1, F G serve_A 0, X serve_A 0; long-run serve_A 1/6, stall 1/3; E[steps] 6.
    assert_eq!(probability_ltl(&m, &Ltl::eventually(served.clone())).unwrap().unwrap_exact(), Ratio::one());
    assert_eq!(
        probability_ltl(&m, &Ltl::eventually(Ltl::always(served.clone()))).unwrap().unwrap_exact(),
        Ratio::zero()
    );
    assert_eq!(probability_ltl(&m, &Ltl::next(served)).unwrap().unwrap_exact(), Ratio::zero());
    assert_eq!(long_run_probability(&m, |s| s.last == Some("serve_A")).unwrap().unwrap_exact(), ratio(1, 6));
    assert_eq!(long_run_probability(&m, |s| s.last == Some("stall")).unwrap().unwrap_exact(), ratio(1, 3));
    assert_eq!(expected_reward(&m, |s| s.last == Some("serve_A")).unwrap().unwrap_exact(), ratio(6, 1));
}

// ---------------------------------------------------------------- assert_probability (§14 71–72)

#[test]
fn assert_probability_bounds_and_messages() {
    let p = ratio(1, 3);
    assert_probability(&p, Expect::equals(ratio(1, 3)));
    assert_probability(&p, Expect::at_most(ratio(1, 2)));
    assert_probability(&p, Expect::at_least(ratio(1, 4)).and_at_most(ratio(1, 2)));
    assert_probability(&Ratio::one(), Expect::equals(1));
    let msg = |e: Expect| e.check(&p).shown_reason().unwrap();
    assert_eq!(msg(Expect::equals(ratio(1, 2)).label("P")), "P: expected == 1/2, got 1/3");
    assert_eq!(msg(Expect::at_most(ratio(1, 4))), "probability: expected <= 1/4, got 1/3");
    assert_eq!(msg(Expect::at_least(ratio(1, 2))), "probability: expected >= 1/2, got 1/3");
    // equals is tested first; a float bound is its decimal value, a Binary one its binary value.
    assert_eq!(msg(Expect::at_least(1).and_at_most(0).label("x")), "x: expected >= 1, got 1/3");
    let tenth = ratio(1, 10);
    assert!(Expect::equals(0.1).check(&tenth).holds());
    let e = Expect::equals(Binary(0.1)).check(&tenth);
    assert!(!e.holds());
    assert_eq!(
        e.shown_reason().unwrap(),
        "probability: expected == 3602879701896397/36028797018963968, got 1/10"
    );
    // An answer that is not exact meets no bound.
    let walk_forever = Model::new(0u8).action("stay", |_| true, |s| *s);
    let never = expected_reward(&walk_forever, |&s| s == 1).unwrap();
    assert_eq!(
        Expect::at_least(0).check(&never).shown_reason().unwrap(),
        format!("probability: expected a bound, got {never}")
    );
    let caught =
        std::panic::catch_unwind(|| assert_probability(&ratio(1, 3), Expect::equals(ratio(1, 2)).label("P")));
    let payload = caught.unwrap_err();
    assert_eq!(payload.downcast_ref::<String>().map(String::as_str), Some("P: expected == 1/2, got 1/3"));
}

// ---------------------------------------------------------------- properties on random models

/// A random model: 2 to 7 states, up to four actions with partial tables, weights 1..=4.
#[derive(Clone, Debug)]
struct Random {
    actions: Vec<Vec<Option<u8>>>,
    weights: Vec<Vec<i64>>,
    target: Vec<bool>,
}

fn random_model() -> impl Strategy<Value = Random> {
    (2u8..8).prop_flat_map(|n| {
        let table = proptest::collection::vec(proptest::option::weighted(0.6, 0..n), n as usize);
        (
            Just(n),
            proptest::collection::vec(table, 1..5),
            proptest::collection::vec(proptest::collection::vec(1i64..5, n as usize), 4),
            proptest::collection::vec(proptest::bool::weighted(0.3), n as usize),
        )
            .prop_map(|(_, actions, weights, target)| Random { actions, weights, target })
    })
}

impl Random {
    fn model(&self) -> Model<u8> {
        let mut m = Model::new(0u8);
        for (i, table) in self.actions.iter().enumerate() {
            let (g, e) = (table.clone(), table.clone());
            m = m.action(
                format!("a{i}"),
                move |s| g[*s as usize].is_some(),
                move |s| e[*s as usize].unwrap_or(0),
            );
        }
        m
    }

    fn weight(&self) -> impl Fn(&str, &u8) -> i64 + '_ {
        move |a, s| self.weights[a[1..].parse::<usize>().unwrap()][*s as usize]
    }

    fn target(&self) -> impl Fn(&u8) -> bool + Clone + '_ {
        move |s| self.target[*s as usize]
    }

    /// The original's algorithm, literally: dense Gauss–Jordan over every can-reach state.
    fn dense_reach(&self) -> Ratio {
        let g = explore(&self.model());
        let w = self.weight();
        let n = g.len();
        let mut dist: Vec<Vec<(usize, Ratio)>> = Vec::new();
        for id in g.ids() {
            let s = g.state(id);
            let edges = g.edges(id);
            let total: i64 = edges.iter().map(|&(a, _)| w(g.action_name(a), s)).sum();
            let mut acc: Vec<(usize, Ratio)> = Vec::new();
            for &(a, t) in edges {
                let p = ratio(w(g.action_name(a), s), total);
                match acc.iter_mut().find(|(u, _)| *u == t.index()) {
                    Some(e) => e.1 += p,
                    None => acc.push((t.index(), p)),
                }
            }
            dist.push(acc);
        }
        let target: Vec<bool> = g.states().map(|s| self.target[*s as usize]).collect();
        let mut can = target.clone();
        loop {
            let mut changed = false;
            for s in 0..n {
                if !can[s] && dist[s].iter().any(|(t, _)| can[*t]) {
                    can[s] = true;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        let unknown: Vec<usize> = (0..n).filter(|&s| !target[s] && can[s]).collect();
        let idx: HashMap<usize, usize> = unknown.iter().enumerate().map(|(i, &s)| (s, i)).collect();
        let m = unknown.len();
        let mut aug = vec![vec![Ratio::zero(); m + 1]; m];
        for (i, &s) in unknown.iter().enumerate() {
            aug[i][i] = Ratio::one();
            for (t, p) in &dist[s] {
                if target[*t] {
                    aug[i][m] += p;
                } else if let Some(&j) = idx.get(t) {
                    aug[i][j] -= p;
                }
            }
        }
        for col in 0..m {
            let Some(piv) = (col..m).find(|&r| !aug[r][col].is_zero()) else { continue };
            aug.swap(col, piv);
            let p = aug[col][col].clone();
            for v in aug[col].iter_mut() {
                *v /= &p;
            }
            for r in 0..m {
                if r != col && !aug[r][col].is_zero() {
                    let f = aug[r][col].clone();
                    let row = aug[col].clone();
                    for (v, pv) in aug[r].iter_mut().zip(row) {
                        *v -= &f * pv;
                    }
                }
            }
        }
        if target[0] { Ratio::one() } else { idx.get(&0).map_or_else(Ratio::zero, |&i| aug[i][m].clone()) }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn reach_probability_equals_the_dense_reference(r in random_model()) {
        let m = r.model();
        let p = Prob::new(&m).weight(r.weight()).reach_probability(r.target()).unwrap().unwrap_exact();
        prop_assert_eq!(&p, &r.dense_reach());
        let f = Prob::new(&m).weight(r.weight())
            .probability_ltl(&Ltl::eventually(Ltl::atom("t", { let t = r.target.clone(); move |s: &u8| t[*s as usize] })))
            .unwrap().unwrap_exact();
        prop_assert_eq!(&f, &p);
    }

    #[test]
    fn bounds_order_as_they_must(r in random_model()) {
        let m = r.model();
        let p = Prob::new(&m).weight(r.weight()).reach_probability(r.target()).unwrap().unwrap_exact();
        let mut last = Ratio::zero();
        for k in 0..6 {
            let b = Prob::new(&m).weight(r.weight()).steps(k).reach_probability(r.target()).unwrap().unwrap_exact();
            prop_assert!(b >= last && b <= p);
            last = b;
        }
        let mdp = Prob::new(&m).weight(r.weight()).moves(singletons);
        let lo = mdp.reach_probability_mdp(r.target(), Optimize::Min).unwrap().unwrap_exact();
        let hi = mdp.reach_probability_mdp(r.target(), Optimize::Max).unwrap().unwrap_exact();
        prop_assert!(lo <= p && p <= hi);
        let all = Prob::new(&m).weight(r.weight()).moves(one_move);
        prop_assert_eq!(all.reach_probability_mdp(r.target(), Optimize::Max).unwrap().unwrap_exact(), p.clone());
        prop_assert_eq!(all.reach_probability_mdp(r.target(), Optimize::Min).unwrap().unwrap_exact(), p);
        let lr = Prob::new(&m).weight(r.weight()).long_run_probability(r.target()).unwrap().unwrap_exact();
        prop_assert!(lr >= Ratio::zero() && lr <= Ratio::one());
        for k in 0..4 {
            let pi = Prob::new(&m).weight(r.weight()).transient_distribution(k).unwrap().unwrap_exact();
            prop_assert_eq!(pi.values().sum::<Ratio>(), Ratio::one());
            prop_assert_eq!(pi.len(), explore(&m).len());
        }
    }
}
