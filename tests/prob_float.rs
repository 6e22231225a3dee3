//! The floating-point mode (`reach_probability_float`, `reach_probability_mdp_float`): its
//! intervals contain the exact answers on the models of `benches/probabilistic_scale.rs` at
//! small sizes, on random chains and MDPs, and with `avoid` and `steps`.

use musil::Model;
use musil::probabilistic::{Optimize, Prob};
use proptest::prelude::*;

fn birth_death(n: u32) -> Model<u32> {
    Model::new(1u32).action("up", move |&p| 0 < p && p < n, |&p| p + 1).action(
        "down",
        move |&p| 0 < p && p < n,
        |&p| p - 1,
    )
}

fn grid(k: u16) -> Model<(u16, u16)> {
    let inside = move |&(x, y): &(u16, u16)| 0 < x && x < k - 1 && 0 < y && y < k - 1;
    Model::new((1u16, 1u16))
        .action("north", inside, |&(x, y)| (x, y + 1))
        .action("east", inside, |&(x, y)| (x + 1, y))
        .action("south", inside, |&(x, y)| (x, y - 1))
        .action("west", inside, |&(x, y)| (x - 1, y))
}

#[test]
fn the_bench_models_float_intervals_contain_the_exact_answers() {
    for n in [10u32, 100, 300] {
        for (up, down) in [(2.0, 1.0), (0.6, 0.4), (1.0, 1.0)] {
            let m = birth_death(n);
            let prob = Prob::new(&m).weight(move |a, _| if a == "up" { up } else { down });
            let exact = prob.reach_probability(|&p| p == n).unwrap().unwrap_exact();
            for eps in [1e-3, 1e-9] {
                let i = Prob::new(&m)
                    .weight(move |a, _| if a == "up" { up } else { down })
                    .epsilon(eps)
                    .reach_probability_float(|&p| p == n)
                    .unwrap()
                    .unwrap_exact();
                assert!(i.contains(&exact), "n={n} {up}:{down} {i} vs {exact}");
                assert!(i.width() <= eps, "{i}");
            }
        }
    }
    for k in [4u16, 8, 16] {
        let m = grid(k);
        let exact = Prob::new(&m).reach_probability(|&(x, _)| x == k - 1).unwrap().unwrap_exact();
        let i =
            Prob::new(&m).epsilon(1e-9).reach_probability_float(|&(x, _)| x == k - 1).unwrap().unwrap_exact();
        assert!(i.contains(&exact) && i.width() <= 1e-9, "k={k} {i} vs {exact}");
    }
}

#[test]
fn grids_past_the_sparse_lu_are_certified_from_the_iterative_solve() {
    // 38 × 38 unknowns fill in past the sparse LU's budget, so BiCGSTAB proposes the bounds;
    // a drift east (weight 3 against 1) makes the system unsymmetric.
    let k = 40u16;
    let m = grid(k);
    let east = move |&(x, _): &(u16, u16)| x == k - 1;
    for drift in [1u32, 3] {
        let weight = move |a: &str, _: &(u16, u16)| if a == "east" { drift } else { 1 };
        let exact = Prob::new(&m).weight(weight).reach_probability(east).unwrap().unwrap_exact();
        for eps in [1e-6, 1e-12] {
            let i = Prob::new(&m)
                .weight(weight)
                .epsilon(eps)
                .reach_probability_float(east)
                .unwrap()
                .unwrap_exact();
            assert!(i.contains(&exact) && i.width() <= eps, "drift {drift}, epsilon {eps}: {i} vs {exact}");
        }
    }
}

#[test]
fn avoid_and_steps_are_honoured() {
    let m = grid(8);
    let east = |&(x, _): &(u16, u16)| x == 7;
    let north = |&(_, y): &(u16, u16)| y == 6;
    for steps in [None, Some(0), Some(1), Some(5), Some(40)] {
        let mut p = Prob::new(&m).avoid(north);
        if let Some(k) = steps {
            p = p.steps(k);
        }
        let exact = p.reach_probability(east).unwrap().unwrap_exact();
        let i = p.reach_probability_float(east).unwrap().unwrap_exact();
        assert!(i.contains(&exact), "{steps:?}: {i} vs {exact}");
    }
}

/// A random MDP on `n` states: state 0 is the target, state 1 a trap; every other state has
/// one to three moves, each a weighted split between two or three successors.
fn random_mdp(n: u32, seed: u64) -> (Model<u32>, Moves) {
    let mut s = seed | 1;
    let mut next = move |m: u64| {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        s % m
    };
    let mut table: Vec<Vec<(u32, u32)>> = Vec::new(); // per state: (successor, move group)
    for st in 0..n {
        let mut row = Vec::new();
        if st >= 2 {
            let moves = 1 + next(3) as u32;
            for g in 0..moves {
                for _ in 0..2 + next(2) {
                    row.push((next(u64::from(n)) as u32, g));
                }
            }
        }
        table.push(row);
    }
    let mut model = Model::new(2u32);
    let mut names: Vec<Vec<(String, u32)>> = vec![Vec::new(); n as usize];
    for (st, row) in table.iter().enumerate() {
        for (i, &(t, g)) in row.iter().enumerate() {
            let name = format!("s{st}_{i}");
            names[st].push((name.clone(), g));
            let st = st as u32;
            model = model.action(name, move |&x| x == st, move |_| t);
        }
    }
    let moves = Moves(std::rc::Rc::new(names));
    (model, moves)
}

/// The `moves` of [`random_mdp`]: per state, its action names with their move group.
#[derive(Clone)]
struct Moves(std::rc::Rc<Vec<Vec<(String, u32)>>>);

impl Moves {
    fn call(&self) -> impl Fn(&u32, &[String]) -> Vec<Vec<String>> + 'static {
        let names = self.0.clone();
        move |s: &u32, enabled: &[String]| {
            let mut groups: Vec<Vec<String>> = Vec::new();
            for (name, g) in &names[*s as usize] {
                if enabled.contains(name) {
                    while groups.len() <= *g as usize {
                        groups.push(Vec::new());
                    }
                    groups[*g as usize].push(name.clone());
                }
            }
            groups.retain(|g| !g.is_empty());
            groups
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]
    #[test]
    fn mdp_float_intervals_contain_the_exact_optima(n in 3u32..12, seed in any::<u64>()) {
        let (m, moves) = random_mdp(n, seed);
        for opt in [Optimize::Max, Optimize::Min] {
            let p = Prob::new(&m).moves(moves.call()).epsilon(1e-10);
            let exact = p.reach_probability_mdp(|&s| s == 0, opt).unwrap().unwrap_exact();
            let i = p.reach_probability_mdp_float(|&s| s == 0, opt).unwrap().unwrap_exact();
            prop_assert!(i.contains(&exact), "{:?}: {} vs {}", opt, i, exact);
            prop_assert!(i.width() <= 1e-10, "{}", i);
        }
    }

    #[test]
    fn chain_float_intervals_contain_the_exact_answers(n in 3u32..14, seed in any::<u64>()) {
        let (m, _) = random_mdp(n, seed);
        let p = Prob::new(&m).weight(|a, _| 1 + a.len() % 3).epsilon(1e-10);
        let exact = p.reach_probability(|&s| s == 0).unwrap().unwrap_exact();
        let i = p.reach_probability_float(|&s| s == 0).unwrap().unwrap_exact();
        prop_assert!(i.contains(&exact), "{} vs {}", i, exact);
        prop_assert!(i.width() <= 1e-10, "{}", i);
    }
}
