//! Symmetry reduction: the three constructions of `musil::symmetry` and the soundness gate,
//! on the reference's figures (spec/analyses.md §3.6), the deadlock case the original's gate
//! let through, and the `cosim_master_scaling` example's counts.

#[allow(dead_code)]
#[path = "../examples/cosim_master_scaling.rs"]
mod cosim_master_scaling;

use musil::symmetry::{
    MAX_PERMUTATIONS, canonical_by_fields, canonical_by_permutations, canonical_by_permutations_by_key,
    canonical_by_sorting, canonical_by_sorting_by_key,
};
use musil::{Checker, ErrorKind, Kind, Model, check, explore, symmetry_reduction_sound};

/// Two interchangeable counters, each 0 → 1 → 2 (the reference's `Pair`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct Pair {
    a: u8,
    b: u8,
}

fn pair(invariant: bool) -> Model<Pair> {
    let m = Model::new(Pair { a: 0, b: 0 })
        .action("a:step", |s| s.a < 2, |s| Pair { a: s.a + 1, ..*s })
        .action("b:step", |s| s.b < 2, |s| Pair { b: s.b + 1, ..*s });
    if invariant { m.invariant("sum-le-3", |s| s.a + s.b <= 3) } else { m }
}

fn sort_pair(s: &Pair) -> Pair {
    Pair { a: s.a.min(s.b), b: s.a.max(s.b) }
}

fn lossy(s: &Pair) -> Pair {
    Pair { a: s.a, b: 0 }
}

fn p(a: u8, b: u8) -> Pair {
    Pair { a, b }
}

#[test]
fn pair_sorting_keeps_six_of_nine_in_discovery_order() {
    assert_eq!(explore(&pair(false)).len(), 9);
    let reduced = Checker::new(&pair(false)).canonicalize(sort_pair).explore();
    let states: Vec<Pair> = reduced.states().copied().collect();
    assert_eq!(states, [p(0, 0), p(0, 1), p(1, 1), p(0, 2), p(1, 2), p(2, 2)]);
    assert!(symmetry_reduction_sound(&pair(false), sort_pair));
    assert!(symmetry_reduction_sound(&pair(true), sort_pair));
}

#[test]
fn pair_checks_with_and_without_the_reduction() {
    let full = check(&pair(true));
    assert_eq!(
        (full.kind, full.invariant.as_deref(), full.states_explored),
        (Some(Kind::Invariant), Some("sum-le-3"), 9)
    );
    assert_eq!(full.action_names(), ["a:step", "a:step", "b:step", "b:step"]);
    let reduced = Checker::new(&pair(true)).canonicalize(sort_pair).check();
    assert_eq!(reduced.kind, Some(Kind::Invariant));
    assert_eq!(reduced.states_explored, 6);
    assert_eq!(reduced.action_names(), ["a:step"; 4]);
    let shown: Vec<Pair> = reduced.trace.iter().map(|s| s.state).collect();
    assert_eq!(shown, [p(0, 0), p(0, 1), p(1, 1), p(1, 2), p(2, 2)]);
    assert!(reduced.to_string().ends_with("(6 states explored)"));

    let full = check(&pair(false));
    assert_eq!((full.kind, full.states_explored, full.witness()), (Some(Kind::Deadlock), 9, Some(&p(2, 2))));
    let reduced = Checker::new(&pair(false)).canonicalize(sort_pair).check();
    assert_eq!(
        (reduced.kind, reduced.states_explored, reduced.witness()),
        (Some(Kind::Deadlock), 6, Some(&p(2, 2)))
    );
}

#[test]
fn gate_rejects_a_lossy_projection_an_invariant_can_see() {
    let m = pair(false).invariant("b-le-1", |s| s.b <= 1);
    assert!(!symmetry_reduction_sound(&m, lossy));
}

#[test]
fn gate_rejects_a_lossy_projection_that_turns_a_deadlock_into_ok() {
    // No invariant sees the loss, but the verdict flips: the full model ends in a deadlock at
    // (2, 2), the reduced one loops at (2, 0) where `b` can always step again. The original's
    // gate, which compares only violated invariant names, passes this reduction.
    let m = pair(false);
    let full = check(&m);
    assert_eq!(full.kind, Some(Kind::Deadlock));
    let reduced = Checker::new(&m).canonicalize(lossy).check();
    assert_eq!(reduced.to_string(), "OK — 3 states, no violations");
    // What the original's gate looks at agrees, and that is why it passed:
    let reps: std::collections::HashSet<Pair> = explore(&m).states().map(lossy).collect();
    let red: std::collections::HashSet<Pair> =
        Checker::new(&m).canonicalize(lossy).explore().states().copied().collect();
    assert_eq!(reps, red);
    assert!(musil::reachable_violations(&m).is_empty());
    assert!(!symmetry_reduction_sound(&m, lossy));
    // The gate judges what a check judges: with every dead end legal and no invariant, the
    // projection changes no verdict, and the gate passes it.
    let settled = pair(false).terminal(|_| true);
    assert!(symmetry_reduction_sound(&settled, lossy));
}

#[test]
fn gate_compares_state_by_state_not_names() {
    // An invariant broken at (1, 0) and at (2, 2): both graphs violate it somewhere (the
    // original's name comparison passes), but (1, 0)'s representative (0, 1) holds it, so the
    // reduced check reports a later, different counterexample.
    let m = pair(false).terminal(|_| true).invariant("odd", |s| *s != p(1, 0) && *s != p(2, 2));
    let full = check(&m);
    let reduced = Checker::new(&m).canonicalize(sort_pair).check();
    assert_eq!(full.witness(), Some(&p(1, 0)));
    assert_eq!(reduced.witness(), Some(&p(2, 2)));
    assert!(!symmetry_reduction_sound(&m, sort_pair));
}

#[test]
fn gate_is_inconclusive_when_truncated_or_user_code_panics() {
    assert!(!Checker::new(&pair(false)).max_states(9).symmetry_reduction_sound(sort_pair));
    assert!(Checker::new(&pair(false)).max_states(10).symmetry_reduction_sound(sort_pair));
    let m = pair(false)
        .terminal(|_| true)
        .invariant("boom", |s| if *s == p(2, 2) { panic!("boom") } else { true });
    assert!(!symmetry_reduction_sound(&m, sort_pair));
}

/// The reference's `Workers`: n interchangeable workers counting 0, 1, 2.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct Workers {
    counts: Vec<u8>,
}

fn workers(n: usize) -> Model<Workers> {
    (0..n).fold(Model::new(Workers { counts: vec![0; n] }), |m, i| {
        m.action(
            format!("w{i}:step"),
            move |s| s.counts[i] < 2,
            move |s| {
                let mut counts = s.counts.clone();
                counts[i] += 1;
                Workers { counts }
            },
        )
    })
}

fn sorted_workers() -> impl Fn(&Workers) -> Workers + Clone + Send + Sync + 'static {
    canonical_by_sorting(|s: &Workers| s.counts.clone(), |_, counts| Workers { counts })
}

#[test]
fn sorting_collapses_the_orderings_and_passes_the_gate() {
    let mut ratios = Vec::new();
    for (n, full_len, reduced_len) in [(3, 27, 10), (4, 81, 15), (5, 243, 21)] {
        let m = workers(n);
        let full = explore(&m);
        let reduced = Checker::new(&m).canonicalize(sorted_workers()).explore();
        assert_eq!((full.len(), reduced.len()), (full_len, reduced_len), "n = {n}");
        assert!(reduced.states().all(|s| s.counts.is_sorted()));
        assert!(symmetry_reduction_sound(&m, sorted_workers()));
        ratios.push(full_len as f64 / reduced_len as f64);
    }
    assert!(ratios.is_sorted() && ratios[2] > ratios[0] * 2.0); // 2.7x to 11.6x
}

#[test]
fn the_reduced_run_still_finds_the_violation() {
    let m = workers(4).invariant("not-all-done", |s| !s.counts.iter().all(|&c| c == 2));
    let full = check(&m);
    assert_eq!((full.invariant.as_deref(), full.states_explored), (Some("not-all-done"), 81));
    let reduced = Checker::new(&m).canonicalize(sorted_workers()).check();
    assert_eq!((reduced.invariant.as_deref(), reduced.states_explored), (Some("not-all-done"), 15));
    assert_eq!(reduced.action_names(), ["w0:step"; 8]);
}

/// The reference's `Cluster`: the workers plus a leader naming one of them by index; only the
/// leader may reach the last value.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct Cluster {
    counts: Vec<u8>,
    leader: usize,
}

fn cap(s: &Cluster, i: usize) -> u8 {
    if i == s.leader { 2 } else { 1 }
}

fn cluster(n: usize) -> Model<Cluster> {
    (0..n)
        .fold(Model::new(Cluster { counts: vec![0; n], leader: 0 }), |m, i| {
            m.action(
                format!("w{i}:step"),
                move |s| s.counts[i] < cap(s, i),
                move |s| {
                    let mut counts = s.counts.clone();
                    counts[i] += 1;
                    Cluster { counts, ..s.clone() }
                },
            )
        })
        .terminal(|s| s.counts.iter().enumerate().all(|(i, &c)| c == cap(s, i)))
        .invariant("only-leader-finishes", |s| {
            s.counts.iter().enumerate().all(|(i, &c)| c < 2 || i == s.leader)
        })
}

fn relabelled(ids: impl IntoIterator<Item = usize>) -> musil::symmetry::Permutations<Cluster, usize> {
    canonical_by_permutations(ids, |s: &Cluster, p| Cluster {
        counts: p.permute(&s.counts),
        leader: *p.image(&s.leader),
    })
}

#[test]
fn sorting_is_unsound_once_a_field_names_a_component() {
    let m = cluster(3);
    assert_eq!(check(&m).to_string(), "OK — 12 states, no violations");
    let sort_counts =
        canonical_by_sorting(|s: &Cluster| s.counts.clone(), |s, counts| Cluster { counts, ..s.clone() });
    assert!(!symmetry_reduction_sound(&m, sort_counts.clone()));
    let invented = Checker::new(&m).canonicalize(sort_counts.clone()).check();
    assert_eq!(invented.kind, Some(Kind::Invariant));
    assert_eq!((invented.invariant.as_deref(), invented.states_explored), (Some("only-leader-finishes"), 5));
    assert_eq!(Checker::new(&m).canonicalize(sort_counts).explore().len(), 7);
}

#[test]
fn permutations_relabel_the_reference_and_are_sound() {
    let m = cluster(3);
    let canon = relabelled(0..3).build().unwrap();
    assert!(symmetry_reduction_sound(&m, canon.clone()));
    assert_eq!(Checker::new(&m).canonicalize(canon).check().to_string(), "OK — 9 states, no violations");

    // Permute the slots but leave the leader behind: the gate says no.
    let half = canonical_by_permutations(0..3, |s: &Cluster, p| Cluster {
        counts: p.permute(&s.counts),
        leader: s.leader,
    })
    .build()
    .unwrap();
    assert!(!symmetry_reduction_sound(&m, half));
}

#[test]
fn permutations_agree_with_the_full_run_on_a_real_violation() {
    let m = cluster(3)
        .with_invariants([musil::Invariant::new("leader-idle", |s: &Cluster| s.counts[s.leader] == 0)]);
    let full = check(&m);
    assert_eq!((full.invariant.as_deref(), full.states_explored), (Some("leader-idle"), 4));
    assert_eq!(full.action_names(), ["w0:step"]);
    assert_eq!(full.witness(), Some(&Cluster { counts: vec![1, 0, 0], leader: 0 }));
    let reduced = Checker::new(&m).canonicalize(relabelled(0..3).build().unwrap()).check();
    assert_eq!((reduced.invariant.as_deref(), reduced.states_explored), (Some("leader-idle"), 3));
    assert_eq!(reduced.action_names(), ["w0:step"]);
    assert_eq!(reduced.witness(), Some(&Cluster { counts: vec![0, 0, 1], leader: 2 }));
}

#[test]
fn permutations_are_capped_at_construction() {
    let err = relabelled(0..8).build().err().expect("8! = 40320 is over the default cap");
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(err.message().contains("8 identities give 40320 permutations per state, over the cap of 5040"));
    assert!(err.message().contains("canonical_by_sorting"));
    assert_eq!(MAX_PERMUTATIONS, 5040);
    assert!(relabelled(0..7).build().is_ok()); // exactly 7! passes

    // The cap can be lowered and raised deliberately.
    assert!(relabelled(0..4).max_permutations(23).build().is_err());
    let canon = relabelled(0..4).max_permutations(24).build().unwrap();
    let a = canon(&Cluster { counts: vec![1, 0, 0, 0], leader: 0 });
    assert_eq!(a, canon(&Cluster { counts: vec![0, 0, 0, 1], leader: 3 }));
    assert_eq!(a, Cluster { counts: vec![0, 0, 0, 1], leader: 3 });
    assert!(relabelled(0..9).max_permutations(362_879).build().is_err());
    let huge = relabelled(0..25).max_permutations(usize::MAX).build().err().expect("25! overflows");
    assert!(huge.message().contains("25 identities give more than usize::MAX permutations"));

    let twice = relabelled([0, 1, 1]).build().err().expect("a duplicate identity");
    assert_eq!(twice.kind(), ErrorKind::InvalidInput);
    assert!(twice.message().contains("listed twice"));
}

#[test]
fn the_representative_is_the_least_by_ord_or_by_the_key_given() {
    // The original compares Python repr text, where (10, 9) sorts before (9, 10) ("1" < "9");
    // here the state's Ord decides, numerically.
    #[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
    struct V {
        xs: Vec<u8>,
    }
    let swap = |s: &V, p: &musil::symmetry::Relabeling<usize>| V { xs: p.permute(&s.xs) };
    let by_ord = canonical_by_permutations(0..2, swap).build().unwrap();
    assert_eq!(by_ord(&V { xs: vec![10, 9] }).xs, [9, 10]);
    // A caller's key chooses another representative: here the largest first slot.
    let by_key =
        canonical_by_permutations_by_key(0..2, swap, |s: &V| std::cmp::Reverse(s.xs[0])).build().unwrap();
    assert_eq!(by_key(&V { xs: vec![9, 10] }).xs, [10, 9]);
    // Ties go to the first permutation in lexicographic order, the identity first.
    let tie = canonical_by_permutations_by_key(0..2, swap, |_: &V| 0).build().unwrap();
    assert_eq!(tie(&V { xs: vec![9, 10] }).xs, [9, 10]);
    // No identity: one (empty) permutation, the state itself.
    let none = canonical_by_permutations(Vec::<usize>::new(), |s: &V, _| s.clone()).build().unwrap();
    assert_eq!(none(&V { xs: vec![2, 1] }).xs, [2, 1]);
}

#[test]
fn sorting_by_key_is_stable() {
    let by_first =
        canonical_by_sorting_by_key(|s: &Vec<(u8, u8)>| s.clone(), |_, v| v, |slice: &(u8, u8)| slice.0);
    assert_eq!(by_first(&vec![(1, 9), (0, 5), (1, 2)]), [(0, 5), (1, 9), (1, 2)]);
    // Ties keep their order, so two orderings of one multiset need not meet: less reduction.
    assert_ne!(by_first(&vec![(1, 2), (1, 9)]), by_first(&vec![(1, 9), (1, 2)]));
}

/// The reference's `W`: three workers, each stepping +1 mod 3.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct W {
    workers: [u8; 3],
}

#[test]
fn fields_reduce_the_space_and_stay_sound() {
    let m = (0..3)
        .fold(Model::new(W { workers: [0; 3] }), |m, i| {
            m.action(
                format!("inc{i}"),
                |_| true,
                move |s| {
                    let mut w = s.clone();
                    w.workers[i] = (w.workers[i] + 1) % 3;
                    w
                },
            )
        })
        .invariant("bounded", |s| s.workers.iter().all(|&v| v < 3));
    assert_eq!(explore(&m).len(), 27);
    let canon = canonical_by_fields::<W>().field(|s| &mut s.workers).build();
    assert_eq!(Checker::new(&m).canonicalize(canon.clone()).explore().len(), 10);
    assert!(symmetry_reduction_sound(&m, canon.clone()));
    assert_eq!(Checker::new(&m).canonicalize(canon).check().to_string(), "OK — 10 states, no violations");
}

#[test]
fn fields_sort_each_declared_field_and_nothing_else() {
    #[derive(Clone, Debug, PartialEq)]
    struct St {
        a: Vec<u8>,
        b: Vec<u8>,
        leader: u8,
    }
    let canon = canonical_by_fields::<St>().field(|s| &mut s.a).field(|s| &mut s.b).build();
    assert_eq!(
        canon(&St { a: vec![3, 1, 2], b: vec![2, 1], leader: 0 }),
        St { a: vec![1, 2, 3], b: vec![1, 2], leader: 0 }
    );
    let by_key =
        canonical_by_fields::<St>().field_by_key(|s| &mut s.a, |x: &u8| std::cmp::Reverse(*x)).build();
    assert_eq!(by_key(&St { a: vec![3, 1, 2], b: vec![2, 1], leader: 0 }).a, [3, 2, 1]);
    let nothing = canonical_by_fields::<St>().build();
    assert_eq!(
        nothing(&St { a: vec![2, 1], b: vec![], leader: 1 }),
        St { a: vec![2, 1], b: vec![], leader: 1 }
    );
}

#[test]
fn fields_are_unsound_when_the_invariant_sees_the_order() {
    #[derive(Clone, Debug, PartialEq, Eq, Hash)]
    struct P {
        workers: [u8; 2],
    }
    let m = (0..2)
        .fold(Model::new(P { workers: [0, 0] }), |m, i| {
            m.action(
                format!("toggle{i}"),
                |_| true,
                move |s| {
                    let mut w = s.clone();
                    w.workers[i] = 1 - w.workers[i];
                    w
                },
            )
        })
        .invariant("not_1_0", |s| s.workers != [1, 0]);
    let canon = canonical_by_fields::<P>().field(|s| &mut s.workers).build();
    let full = check(&m);
    assert_eq!((full.invariant.as_deref(), full.states_explored), (Some("not_1_0"), 3));
    assert_eq!(full.action_names(), ["toggle0"]);
    assert_eq!(
        Checker::new(&m).canonicalize(canon.clone()).check().to_string(),
        "OK — 3 states, no violations"
    );
    assert!(!symmetry_reduction_sound(&m, canon));
}

#[test]
fn pair_model_twelve_deadlocks_in_fewer_states_reduced() {
    let m = Model::new(p(0, 0)).action("inc_a", |s| s.a < 12, |s| Pair { a: s.a + 1, ..*s }).action(
        "inc_b",
        |s| s.b < 12,
        |s| Pair { b: s.b + 1, ..*s },
    );
    let full = check(&m);
    assert_eq!((full.kind, full.states_explored), (Some(Kind::Deadlock), 169));
    let reduced = Checker::new(&m).canonicalize(sort_pair).check();
    assert_eq!((reduced.kind, reduced.states_explored), (Some(Kind::Deadlock), 91));
    // Up to symmetry: the trace's actions need not replay on the unreduced model.
    assert_eq!(reduced.action_names(), ["inc_a"; 24]);
}

#[test]
fn cosim_master_scaling_prints_the_reference_counts() {
    let rows = cosim_master_scaling::run();
    let counts: Vec<(usize, usize, usize)> =
        rows.iter().map(|r| (r.n, r.full_states, r.sym_states)).collect();
    assert_eq!(counts, [(2, 16, 10), (3, 64, 20), (4, 256, 35), (5, 1024, 56)]);
    assert!(rows.iter().all(|r| r.sound && r.proved));

    // The printed table: every column but the two timings is a fact of the reference.
    let text = cosim_master_scaling::report(&rows);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "Co-simulation master, k=3 micro-steps per component, with rollback.");
    assert_eq!(lines[3], " n |  full states    full s |  sym states     sym s |  shrink");
    assert_eq!(lines[4], "-".repeat(66));
    let facts = |line: &str| -> Vec<String> {
        let cols: Vec<&str> = line.split('|').map(str::trim).collect();
        let first = |c: &str| c.split_whitespace().next().unwrap_or("").to_owned();
        vec![cols[0].to_owned(), first(cols[1]), first(cols[2]), cols[3].to_owned()]
    };
    let table: Vec<Vec<String>> = lines[5..9].iter().map(|l| facts(l)).collect();
    assert_eq!(
        table,
        [
            ["2", "16", "10", "1.6x"],
            ["3", "64", "20", "3.2x"],
            ["4", "256", "35", "7.3x"],
            ["5", "1,024", "56", "18.3x"]
        ]
    );
    // Columns line up with the reference's layout: `{n:>2} | {full:>12} {s:>9.4} | ...`.
    assert!(lines[8].starts_with(" 5 |        1,024 "));
    assert!(text.contains("canonical_by_sorting"));

    // The gate passes the recipe, and each reduced state is one multiset of micro-steps.
    let m = cosim_master_scaling::model(3, cosim_master_scaling::K);
    let reduced = Checker::new(&m).canonicalize(cosim_master_scaling::by_sorting()).explore();
    assert!(reduced.states().all(|s| s.steps.is_sorted()));
    assert!(symmetry_reduction_sound(&m, cosim_master_scaling::by_sorting()));
}
