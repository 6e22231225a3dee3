//! Metrics, action coverage and invariant coverage against the figures of the spec
//! (simulation_and_tooling.md §4 and §5.5), and the `coverage_vacuity` example.

#[allow(dead_code)]
#[path = "../examples/coverage_vacuity.rs"]
mod coverage_vacuity;

use musil::graph::explore;
use musil::metrics::{
    REACHABLE, coverage, coverage_keyed_of, coverage_of, invariant_coverage, metrics_of,
    solution_cardinality, state_space_metrics,
};
use musil::{Action, Checker, Model, symmetry};

fn chain(top: u8) -> Model<u8> {
    Model::new(0u8).action("inc", move |n| *n < top, |n| n + 1)
}

#[test]
fn metrics_of_a_chain_and_a_self_loop() {
    let m = state_space_metrics(&chain(3));
    assert_eq!(
        (m.reachable_states, m.transitions, m.initial_states, m.terminal_states, m.max_branching),
        (4, 3, 1, 1, 1)
    );
    assert_eq!(m.mean_branching, 0.75);
    assert_eq!(
        m.to_string(),
        "4 states, 3 transitions\n  branching: mean 0.75, max 1 (distinct successors, self-loops excluded)\n  1 initial, 1 terminal"
    );
    // A self-loop is a transition but not a successor; a state with only a self-loop is terminal.
    let idle = chain(2).action("Idle", |_| true, |n| *n);
    let m = state_space_metrics(&idle);
    assert_eq!((m.reachable_states, m.transitions, m.max_branching, m.terminal_states), (3, 5, 1, 1));
    assert!(m.to_string().contains("mean 0.67"));
    // A chain of 8: 0.875 prints as 0.88.
    assert!(state_space_metrics(&chain(7)).to_string().contains("mean 0.88"));
}

#[test]
fn metrics_count_duplicate_initial_states_and_say_when_truncated() {
    let m = Model::with_initial_states([0u8, 0, 1]).action("inc", |n| *n < 1, |n| n + 1);
    assert_eq!(state_space_metrics(&m).initial_states, 3);
    let unbounded = Model::new(0u32).action("inc", |_| true, |n| n + 1);
    let m = metrics_of(&Checker::new(&unbounded).max_states(10).explore());
    assert!(m.truncated);
    assert!(m.to_string().starts_with("10 states, 9 transitions (TRUNCATED — counts are lower bounds)"));
    assert!(m.to_string().contains("mean 0.90"));
}

#[test]
fn solution_cardinality_counts_explored_states() {
    assert_eq!(solution_cardinality(&chain(3), |n| *n >= 2), 2);
    assert_eq!(solution_cardinality(&chain(3), |n| *n == 99), 0);
}

fn light() -> Model<&'static str> {
    Model::new("red").action("go", |c| *c == "red", |_| "green").action("stop", |c| *c == "green", |_| "red")
}

#[test]
fn action_coverage_rules() {
    let c = coverage(&light());
    assert!(c.ok());
    assert_eq!(c.actions_total, 2);
    assert_eq!(c.to_string(), "COVERAGE — all 2 actions fire and move");

    let flash = light().action("flash", |c| *c == "blue", |_| "red");
    let c = coverage(&flash);
    assert_eq!(c.dead_actions, ["flash"]);
    assert_eq!(c.to_string(), "COVERAGE — of 3 actions:\n  never enabled (dead): flash");
    assert!(musil::check(&flash).ok, "the check stays green");

    // Always enabled, `off` included (where it loops back to `off`).
    let crash = light().action("crash", |_| true, |_| "off");
    assert_eq!(coverage(&crash).always_enabled_actions, ["crash"]);

    let idle = light().action("idle", |_| true, |c| *c);
    let c = coverage(&idle);
    assert_eq!(
        (c.always_enabled_actions.clone(), c.stutter_only_actions.clone()),
        (vec!["idle".into()], vec!["idle".into()])
    );
}

#[test]
fn a_terminal_state_means_nothing_is_always_enabled() {
    let m = Model::new("red")
        .action("go", |c| *c == "red", |_| "off")
        .action("anytime", |c| *c == "red", |c| *c)
        .terminal(|c| *c == "off");
    let c = coverage(&m);
    assert!(c.always_enabled_actions.is_empty());
    assert!(c.dead_actions.is_empty());
    assert_eq!(c.stutter_only_actions, ["anytime"]);
}

#[test]
fn truncated_coverage_is_inconclusive() {
    let m = Model::new(0u32).action("inc", |_| true, |n| n + 1).action("never", |_| false, |n| *n);
    let c = coverage_of(&Checker::new(&m).max_states(20).explore(), &m);
    assert!(c.truncated);
    assert_eq!(c.dead_actions, ["never"]);
    assert!(c.to_string().starts_with("COVERAGE INCONCLUSIVE (truncated at max_states"));
}

#[test]
fn coverage_of_no_actions_and_of_duplicate_names() {
    let none = Model::new(0u8).terminal(|_| true);
    assert_eq!(coverage(&none).to_string(), "COVERAGE — all 0 actions fire and move");
}

#[test]
fn coverage_reads_only_edges_so_a_reduced_graph_is_judged_right() {
    // Three workers each 0..=1; sorting makes the state a multiset.
    let mut m = Model::new([0u8; 3]);
    for i in 0..3 {
        m = m.action(
            format!("w{i}"),
            move |s: &[u8; 3]| s[i] == 0,
            move |s: &[u8; 3]| {
                let mut s = *s;
                s[i] = 1;
                s
            },
        );
    }
    let sorted = symmetry::canonical_by_sorting(|s: &[u8; 3]| *s, |_, v: Vec<u8>| [v[0], v[1], v[2]]);
    let g = Checker::new(&m).canonicalize(sorted).explore();
    assert_eq!(g.len(), 4, "reduced: one state per number of finished workers");
    let c = coverage_of(&g, &m);
    assert!(c.dead_actions.is_empty());
    assert!(c.stutter_only_actions.is_empty());
}

#[test]
fn coverage_of_a_menu_model_with_and_without_a_key() {
    let m = Model::new(0u8).actions_fn(|n: &u8| {
        let n = *n;
        let mut v: Vec<Action<u8>> =
            (0..3u8).map(|k| Action::new(format!("noop{{{k}}}"), |_: &u8| true, |s: &u8| *s)).collect();
        if n < 2 {
            v.push(Action::new(format!("inc{{{n}}}"), |_: &u8| true, |s: &u8| s + 1));
        }
        v
    });
    let g = explore(&m);
    let c = coverage_of(&g, &m);
    assert_eq!(c.actions_total, 5);
    assert_eq!(c.stutter_only_actions, ["noop{0}", "noop{1}", "noop{2}"]);
    let k = coverage_keyed_of(&g, &m, |name| name.split('{').next().unwrap_or(name).to_string());
    assert_eq!(k.actions_total, 2);
    assert_eq!(k.always_enabled_actions, ["noop"]);
    assert_eq!(k.stutter_only_actions, ["noop"]);

    let blocked = Model::new(0u8)
        .actions_fn(|_: &u8| vec![Action::new("blocked{0}", |_: &u8| false, |s: &u8| *s)])
        .terminal(|_| true);
    let g = explore(&blocked);
    let k = coverage_keyed_of(&g, &blocked, |name| name.split('{').next().unwrap_or(name).to_string());
    assert_eq!(k.dead_actions, ["blocked"]);
}

#[test]
fn invariant_coverage_rules() {
    let m = Model::new(0i32)
        .action("inc", |n| *n < 3, |n| n + 1)
        .action("reset", |_| true, |_| 0)
        .invariant("n_le_3", |n| *n <= 3)
        .invariant("n_nonneg", |n| *n >= 0);
    let v = invariant_coverage(&m);
    assert_eq!(v.load_bearing, ["n_le_3"]);
    assert_eq!(v.candidate_vacuous, ["n_nonneg"]);
    assert_eq!(v.threats["n_le_3"], ["inc"]);
    assert!(!v.ok());

    // A reachable violation threatens too, and sorts first.
    let failing = Model::new(0u8).action("inc", |n| *n < 3, |n| n + 1).invariant("lt2", |n| *n < 2);
    let v = invariant_coverage(&failing);
    assert_eq!(v.threats["lt2"], [REACHABLE, "inc"]);
    assert_eq!(
        v.to_string(),
        "INVARIANT COVERAGE — all 1 invariants are load-bearing\n  lt2: guarded off by <reachable>, inc"
    );

    // All load-bearing.
    let ok = Model::new(0u8)
        .action("inc", |n| *n < 3, |n| n + 1)
        .invariant("n_le_3", |n| *n <= 3)
        .terminal(|n| *n == 3);
    let v = invariant_coverage(&ok);
    assert!(v.ok());
    assert!(v.to_string().starts_with("INVARIANT COVERAGE — all 1 invariants are load-bearing"));
}

#[test]
fn an_effect_that_panics_off_its_guard_is_skipped_there() {
    // `head` assumes a non-empty stack; applied to the empty one it panics, and is skipped.
    let m = Model::new(Vec::<u8>::new())
        .action(
            "push",
            |s| s.len() < 2,
            |s| {
                let mut s = s.clone();
                s.push(1);
                s
            },
        )
        .action("head", |s| !s.is_empty(), |s| vec![s[0]])
        .invariant("bounded", |s| s.len() <= 2);
    let v = invariant_coverage(&m);
    assert_eq!(v.threats["bounded"], ["push"]);
}

#[test]
fn the_coverage_vacuity_example_prints_the_reference_facts() {
    let (result, actions, invariants) = coverage_vacuity::run();
    assert_eq!(result.to_string(), "OK — 4 states, no violations");
    assert_eq!(actions.to_string(), "COVERAGE — of 3 actions:\n  never enabled (dead): thaw");
    assert_eq!(
        invariants.to_string(),
        "INVARIANT COVERAGE — of 2 invariants:\n  candidate-vacuous (nothing ever threatens them): status-known\n  non-negative-balance: guarded off by withdraw"
    );
    let m = state_space_metrics(&coverage_vacuity::model());
    assert_eq!((m.reachable_states, m.transitions, m.max_branching, m.terminal_states), (4, 6, 2, 0));
    assert!(m.to_string().contains("mean 1.50"));
}

fn walk(pairs: &'static [(char, char)]) -> Model<char> {
    pairs.iter().fold(Model::new('a'), |m, &(from, to)| {
        m.action(format!("{from}{to}"), move |c| *c == from, move |_| to)
    })
}

fn table() -> Vec<(char, Vec<char>)> {
    vec![('a', vec!['b', 'c']), ('b', vec!['a']), ('c', vec!['a'])]
}

#[test]
fn portfolio_coverage_of_one_and_two_walks() {
    use musil::metrics::portfolio_coverage;
    let m1 = explore(&walk(&[('a', 'b'), ('b', 'a')]));
    let m2 = explore(&walk(&[('a', 'c'), ('c', 'a')]));
    let both = portfolio_coverage([&m1, &m2], |c| *c, table());
    assert_eq!(both.ratio().to_string(), "1");
    assert!(both.dead_edges.is_empty() && both.dead_values.is_empty());
    let one = portfolio_coverage([&m1], |c| *c, table());
    assert_eq!(one.ratio().to_string(), "1/2");
    assert_eq!(one.dead_edges, [('a', 'c'), ('c', 'a')].into_iter().collect());
    assert_eq!(one.dead_values, ['c'].into_iter().collect());
    let nothing = portfolio_coverage(&[explore(&walk(&[]))], |c| *c, Vec::<(char, Vec<char>)>::new());
    assert_eq!(nothing.ratio().to_string(), "1");
}

fn failure(f: impl FnOnce() + std::panic::UnwindSafe) -> String {
    let e = std::panic::catch_unwind(f).expect_err("the assertion fails");
    e.downcast_ref::<String>().cloned().unwrap_or_default()
}

#[test]
fn assert_covers_rules_in_order() {
    use musil::metrics::{Covers, assert_covers};
    let m1 = || vec![explore(&walk(&[('a', 'b'), ('b', 'a')]))];
    let text = failure(|| {
        assert_covers(&m1(), |c| *c, &Covers::new(table()).blind_spots([('a', 'c')]));
    });
    assert_eq!(
        text,
        "newly uncovered declared transitions (add coverage, or acknowledge in blind_spots): c -> a"
    );
    let text = failure(|| {
        assert_covers(&[explore(&walk(&[('a', 'z')]))], |c| *c, &Covers::new(table()));
    });
    assert_eq!(text, "portfolio exercises transitions not in the declared table: a -> z");
    let text = failure(|| {
        assert_covers(&m1(), |c| *c, &Covers::new(table()).blind_spots([('a', 'b'), ('a', 'c'), ('c', 'a')]));
    });
    assert_eq!(
        text,
        "blind_spots lists transitions that are now covered — remove them (the set must shrink): a -> b"
    );
    let text = failure(|| {
        assert_covers(
            &m1(),
            |c| *c,
            &Covers::new(table()).blind_spots([('a', 'c'), ('c', 'a')]).ratio(0.9).message("portfolio"),
        );
    });
    assert_eq!(text, "portfolio\ncoverage ratio 1/2 (0.500) is below the floor 0.9");
    let text = failure(|| {
        assert_covers(&m1(), |c| *c, &Covers::new(table()).blind_spots([('a', 'c'), ('c', 'a')]).ratio(1.0));
    });
    assert!(text.ends_with("below the floor 1.0"), "{text}");
    let ok =
        assert_covers(&m1(), |c| *c, &Covers::new(table()).blind_spots([('a', 'c'), ('c', 'a')]).ratio(0.5));
    assert_eq!(ok.covered_edges.len(), 2);
}

#[test]
fn coverage_is_cached_beside_verdicts_and_never_confused_with_them() {
    use musil::cache::{Lookup, VerdictCache};
    let dir = std::env::temp_dir().join(format!("musil-coverage-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let cache = VerdictCache::at(&dir);
    let m = light().action("flash", |c| *c == "blue", |_| "red");
    let checker = Checker::new(&m);
    let first = cache.coverage(&checker, "v1");
    assert_eq!(first.lookup, Lookup::Missing);
    assert!(first.stored);
    assert_eq!(first.coverage.dead_actions, ["flash"]);
    let hit = cache.coverage(&checker, "v1");
    assert_eq!((hit.lookup, &hit.coverage), (Lookup::Hit, &first.coverage));
    // A verdict under the same key is another file: neither answers for the other.
    assert_eq!(cache.check(&checker, "v1").lookup, Lookup::Missing);
    let coverage_file = cache.path(&checker, "v1").with_extension("coverage");
    assert!(coverage_file.is_file());
    // A new version, or a guard body changed and the version bumped: computed afresh.
    let changed = light().action("flash", |c| *c == "red", |_| "red");
    let fresh = cache.coverage(&Checker::new(&changed), "v2");
    assert_eq!(fresh.lookup, Lookup::Missing);
    assert!(fresh.coverage.dead_actions.is_empty());
    // Under the old version the changed body is not seen: a stale hit, as documented.
    assert_eq!(cache.coverage(&Checker::new(&changed), "v1").coverage.dead_actions, ["flash"]);
    // A corrupt entry is ignored and rewritten.
    std::fs::write(&coverage_file, "musil verdict 1 0000\n{").unwrap();
    let again = cache.coverage(&checker, "v1");
    assert_eq!(again.lookup, Lookup::Unreadable);
    assert_eq!(cache.coverage(&checker, "v1").lookup, Lookup::Hit);
    assert_eq!(cache.clear(), 3, "two coverage entries and one verdict");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn invariant_coverage_applies_declared_actions_only() {
    // A menu model has no declared actions: only reachable violations threaten.
    let m = Model::new(0u8)
        .actions_fn(|_: &u8| vec![Action::new("inc", |n: &u8| *n < 2, |n: &u8| n + 1)])
        .invariant("at most 2", |n| *n <= 2)
        .invariant("below 2", |n| *n < 2)
        .terminal(|n| *n == 2);
    let v = invariant_coverage(&m);
    assert_eq!(v.candidate_vacuous, ["at most 2"]);
    assert_eq!(v.threats["below 2"], [REACHABLE]);
}

#[test]
fn a_model_refuses_two_actions_of_one_name_so_coverage_never_counts_one_twice() {
    let twice = std::panic::catch_unwind(|| {
        Model::new(0u8).action("a", |_| true, |n| *n).action("a", |_| true, |n| *n)
    });
    assert!(twice.is_err());
}
