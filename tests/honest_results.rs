//! Never a wrong answer, never a silent one: what a check says when it did not see everything,
//! when user code panics outside the engine, and when a formula is too deep to handle.

use musil::ltl::{Ltl, LtlOptions};
use musil::{Checker, Config, ErrorKind, Kind, Liveness, LivenessKind, Model};

/// A counter that always reaches 5000, then stays there (a legal end).
fn counter() -> Model<u32> {
    Model::new(0u32).action("inc", |n| *n < 5000, |n| n + 1).terminal(|n| *n == 5000)
}

#[test]
fn a_capped_liveness_check_reports_no_violation_it_did_not_witness() {
    let m = counter();
    let full = Checker::new(&m).check_liveness(&Liveness::eventually(|n| *n == 5000)).unwrap();
    assert!(full.ok && !full.truncated);
    // Capped, the frontier at 100 is unexplored, not a dead end from which 5000 is unreachable.
    let capped =
        Checker::new(&m).max_states(100).check_liveness(&Liveness::eventually(|n| *n == 5000)).unwrap();
    assert!(capped.ok, "{capped}");
    assert!(capped.truncated);
    // A trap the capped graph does see is still reported, and it stands.
    let trap = Model::new(0u32)
        .action("inc", |n| *n < 5000, |n| n + 1)
        .action("stuck", |n| *n == 3, |_| 1_000_000)
        .terminal(|_| true);
    let r =
        Checker::new(&trap).max_states(100).check_liveness(&Liveness::eventually(|n| *n == 5000)).unwrap();
    assert_eq!(r.kind, Some(LivenessKind::PUnreachable));
    assert_eq!(r.witness(), Some(&1_000_000));
    assert!(!r.truncated);
}

#[test]
fn a_capped_ltl_check_draws_no_lasso_at_the_frontier() {
    let m = counter();
    let done = Ltl::atom("done", |n: &u32| *n == 5000);
    // `true U done` goes to the general engine (no reduction applies).
    let f = Ltl::atom("true", |_: &u32| true).until(done);
    let full = Checker::new(&m).check_ltl(&f, &LtlOptions::new()).unwrap();
    assert!(full.ok());
    let capped = Checker::new(&m).max_states(100).check_ltl(&f, &LtlOptions::new()).unwrap();
    assert!(capped.ok(), "{capped}");
    assert!(capped.as_safety().unwrap().truncated);
    assert!(!capped.to_string().contains("<stutter>"));
}

#[test]
fn a_panic_in_a_liveness_goal_or_an_ltl_atom_is_a_result() {
    let m = counter();
    let r = Checker::new(&m)
        .check_liveness(&Liveness::eventually(
            |n: &u32| if *n == 7 { panic!("goal broke at 7") } else { false },
        ))
        .unwrap();
    assert_eq!(r.kind, Some(LivenessKind::Panic));
    let fault = r.fault.as_ref().unwrap();
    assert_eq!(fault.message, "goal broke at 7");
    assert_eq!(fault.callback, "goal");
    assert_eq!(r.witness(), Some(&7));

    let trigger =
        Liveness::leads_to(|n: &u32| if *n == 9 { panic!("trigger broke") } else { false }, |_| true);
    let r = Checker::new(&m).check_liveness(&trigger).unwrap();
    assert_eq!(r.kind, Some(LivenessKind::Panic));
    assert_eq!(r.fault.as_ref().unwrap().callback, "leads-to trigger");

    let bad = Ltl::atom("bad", |n: &u32| if *n == 11 { panic!("atom broke") } else { true });
    let f = bad.until(Ltl::atom("done", |n: &u32| *n == 5000));
    let r = Checker::new(&m).check_ltl(&f, &LtlOptions::new()).unwrap();
    let r = r.as_safety().unwrap();
    assert_eq!(r.kind, Some(Kind::Panic));
    assert_eq!(r.reason.as_deref(), Some("atom broke"));
    assert_eq!(r.witness(), Some(&11));
}

/// Parse on a thread with the default 2 MiB test stack: deep input is a clear error.
fn parse_on_small_stack(text: String) -> Result<(), musil::Error> {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            let atoms = |name: &str| -> Option<musil::Predicate<u32>> {
                (name == "a").then(|| std::sync::Arc::new(|_: &u32| true) as musil::Predicate<u32>)
            };
            Ltl::parse(&text, atoms).map(|_| ())
        })
        .unwrap()
        .join()
        .expect("the parser does not overflow its stack")
}

#[test]
fn deep_formulas_are_refused_with_a_clear_error() {
    let deep = [
        format!("{}a{}", "(".repeat(2000), ")".repeat(2000)),
        format!("{}a", "X ".repeat(5000)),
        format!("{}a", "! ".repeat(5000)),
        format!("a{}", " -> a".repeat(10_000)),
        format!("a{}", " U a".repeat(10_000)),
        format!("a{}", " & a".repeat(10_000)),
        format!("a{}", " | a".repeat(10_000)),
    ];
    for text in deep {
        let err = parse_on_small_stack(text.clone()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Formula, "{}", &text[..20]);
        assert!(err.message().contains("LTL formula"), "{}", err.message());
        assert!(err.position().is_some());
    }
    // Shallow formulas of the same operators still parse.
    parse_on_small_stack(format!("{}a{}", "(".repeat(100), ")".repeat(100))).unwrap();
    parse_on_small_stack(format!("a{}", " -> a".repeat(400))).unwrap();
    parse_on_small_stack("G (a -> F a) & X ! a U a".to_owned()).unwrap();
    // A formula built deeper than the limit through the API is refused by check_ltl.
    let mut f = Ltl::atom("a", |_: &u32| true);
    for _ in 0..=musil::ltl::MAX_DEPTH {
        f = Ltl::next(f);
    }
    let err = musil::check_ltl(&counter(), &f, &musil::LtlOptions::new()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Formula);
    std::mem::forget(f);
}

#[test]
fn one_config_for_every_analysis() {
    let m = counter();
    let config = Config::new().max_states(100).workers(2);
    let c = Checker::new(&m).config(config.clone());
    assert!(c.check().truncated);
    assert!(c.explore().truncated());
    assert!(c.always("small", |n| *n < 6000).truncated);
    assert!(c.eventually("done", |n| *n == 5000, &musil::patterns::Fair::tags()).unwrap().truncated);
    let p = musil::probabilistic::Prob::new(&m).config(config);
    let answer = p.reach_probability(|n| *n == 5000).unwrap();
    assert_eq!(
        answer.inconclusive().map(|i| i.kind),
        Some(musil::probabilistic::InconclusiveKind::Truncated)
    );
}

#[test]
fn the_memory_budget_stops_at_the_same_count_for_any_workers_and_close_to_it() {
    let chain = Model::new(0u32).action("inc", |n| *n < 1_000_000, |n| n + 1).terminal(|n| *n == 1_000_000);
    let wide = Model::new((0u8, 0u8, 0u8))
        .action("a", |s| s.0 < 40, |s| (s.0 + 1, s.1, s.2))
        .action("b", |s| s.1 < 40, |s| (s.0, s.1 + 1, s.2))
        .action("c", |s| s.2 < 40, |s| (s.0, s.1, s.2 + 1))
        .terminal(|_| true);
    let budget = 100_000;
    let one = Checker::new(&chain).memory_budget(budget).check_with_stats();
    assert!(one.0.ok && one.0.truncated);
    assert_eq!(one.0.limit, Some(musil::Limit::MemoryBudget));
    // Close: the store is measured more often as the budget nears.
    assert!(one.1.store_bytes < budget * 2, "{} bytes for a budget of {budget}", one.1.store_bytes);
    for workers in [2, 4] {
        let r = Checker::new(&chain).memory_budget(budget).workers(workers).parallel_level(1).check();
        assert_eq!(r, one.0, "{workers} workers");
    }
    let one = Checker::new(&wide).memory_budget(budget).check();
    assert!(one.truncated);
    for workers in [2, 4] {
        let r = Checker::new(&wide).memory_budget(budget).workers(workers).parallel_level(1).check();
        assert_eq!(r, one, "{workers} workers");
    }
}

fn panic_text(f: impl FnOnce() + std::panic::UnwindSafe) -> String {
    let payload = std::panic::catch_unwind(f).unwrap_err();
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap()
}

#[test]
fn names_are_unique_non_empty_and_not_reserved() {
    let text = panic_text(|| {
        let _ = Model::new(0u8).action("tick", |_| true, |n| *n).action("tick", |_| true, |n| n + 1);
    });
    assert!(text.contains("two actions named 'tick'"), "{text}");
    let text = panic_text(|| {
        let _ = Model::new(0u8).action("<init>", |_| true, |n| *n);
    });
    assert!(text.contains("'<init>' is reserved"), "{text}");
    let text = panic_text(|| {
        let _ = Model::new(0u8).action("", |_| true, |n| *n);
    });
    assert!(text.contains("non-empty name"), "{text}");
    let text = panic_text(|| {
        let _ = Model::new(0u8).invariant("small", |n| *n < 3).invariant("small", |n| *n < 4);
    });
    assert!(text.contains("two invariants named 'small'"), "{text}");
    let text = panic_text(|| {
        let _ = Model::new(0u8).edge_invariant("e", |_, _, _| true).edge_invariant("e", |_, _, _| true);
    });
    assert!(text.contains("two edge invariants named 'e'"), "{text}");
    // Two environments under one name would merge their guarantees: refused.
    let env = || musil::open::EnvironmentSpec::new("net").guarantee("bounded", |n: &u8| *n < 10);
    let text = panic_text(|| {
        let _ = musil::open::check_open(&Model::new(0u8).terminal(|_| true), &[env(), env()]);
    });
    assert!(text.contains("two invariants named 'net:bounded'"), "{text}");
    // A per-state menu with two actions of one name is a result naming actions_fn.
    let menu = Model::new(0u8).actions_fn(|_| {
        vec![musil::Action::new("go", |_| true, |n| *n), musil::Action::new("go", |_| true, |n| *n)]
    });
    let r = musil::check(&menu);
    assert_eq!(r.kind, Some(Kind::Panic));
    assert_eq!(r.fault.as_ref().unwrap().callback, "actions_fn");
    assert!(r.reason.as_deref().unwrap().contains("two actions named 'go'"));
}

#[test]
fn a_system_without_initial_states_says_its_pass_is_vacuous() {
    let none = Model::<u8>::with_initial_states(Vec::new()).action("inc", |_| true, |n| n + 1);
    let vacuous = "(VACUOUS: the system has no initial state, so nothing was checked)";
    assert!(musil::check(&none).to_string().ends_with(vacuous));
    assert!(musil::check_all(&none, musil::DistinctBy::Invariant).to_string().ends_with(vacuous));
    let r = Checker::new(&none).check_liveness(&Liveness::eventually(|n| *n == 3)).unwrap();
    assert!(r.to_string().ends_with(vacuous), "{r}");
}

/// A light that cycles red → green → yellow → red, with a way to get stuck on green.
fn light() -> Model<&'static str> {
    Model::new("red")
        .action("go", |s| *s == "red", |_| "green")
        .action("slow", |s| *s == "green", |_| "yellow")
        .action("stop", |s| *s == "yellow", |_| "red")
        .action("hold", |s| *s == "green", |_| "green")
}

#[test]
fn atoms_written_as_different_closures_parse_into_one_formula() {
    use musil::ltl::Atoms;
    let atoms = Atoms::new().atom("red", |s: &&str| *s == "red").atom("green", |s: &&str| *s == "green");
    let f = atoms.parse("G (red -> F green)").unwrap();
    assert_eq!(f.to_string(), "G (red -> F green)");
    assert!(musil::check_ltl(&light(), &f, &LtlOptions::new()).unwrap().ok());
    let err = atoms.parse("G yellow").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Formula);
    let twice = std::panic::catch_unwind(|| Atoms::new().atom("p", |_: &u8| true).atom("p", |_: &u8| false));
    assert!(twice.is_err());
    let operator = std::panic::catch_unwind(|| Atoms::new().atom("F", |_: &u8| true));
    assert!(operator.is_err());
}

#[test]
fn the_free_check_ltl_takes_fairness() {
    let f = Ltl::parse_with("G F red", [("red", |s: &&str| *s == "red")]).unwrap();
    // `hold` may repeat forever on green unless `slow` is weakly fair.
    let unfair = musil::check_ltl(&light(), &f, &LtlOptions::new()).unwrap();
    assert!(!unfair.ok());
    let fair = musil::check_ltl(&light(), &f, &LtlOptions::new().fair(["slow"])).unwrap();
    assert!(fair.ok(), "{fair}");
    // One spelling of fairness for liveness, LTL and the patterns.
    let same = musil::Fair::tags().fair(["slow"]);
    assert!(musil::check_ltl(&light(), &f, &LtlOptions::new().fairness(same.clone())).unwrap().ok());
    assert!(musil::patterns::recurs(&light(), "red", |s| *s == "red", &same).unwrap().ok);
    let err = musil::check_ltl(&light(), &f, &LtlOptions::new().fair(["nope"])).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::UnknownAction);
}

#[test]
fn a_pass_is_worded_by_the_property_checked() {
    let fair = musil::Fair::tags().fair(["slow"]);
    let m = light();
    let c = Checker::new(&m);
    let again =
        c.check_liveness(&Liveness::always_eventually(|s| *s == "red").fairness(fair.clone())).unwrap();
    assert_eq!(again.to_string(), "OK — 'goal' again and again on every run (3 states)");
    let once = c.check_liveness(&Liveness::eventually(|s| *s == "red")).unwrap();
    assert_eq!(once.to_string(), "OK — eventually 'goal' on every run (3 states)");
    let leads = c
        .check_liveness(
            &Liveness::leads_to(|s| *s == "green", |s| *s == "red").fairness(fair).goal_name("red"),
        )
        .unwrap();
    assert_eq!(leads.to_string(), "OK — every trigger state is followed by 'red' on every run (3 states)");
}

#[test]
fn a_leads_to_counterexample_starts_at_an_initial_state() {
    // The trigger (green) is two steps in; the original printed it as `Init:`.
    let m = Model::new(0u8)
        .action("a", |n| *n < 2, |n| n + 1)
        .action("spin", |n| *n == 2, |n| *n)
        .action("exit", |n| *n == 2, |_| 9)
        .terminal(|n| *n == 9);
    let r = Checker::new(&m).check_liveness(&Liveness::leads_to(|n| *n == 2, |n| *n == 9)).unwrap();
    assert_eq!(r.kind, Some(LivenessKind::FairCycle));
    assert_eq!(r.stem.iter().map(|s| s.state).collect::<Vec<_>>(), [0, 1, 2]);
    assert_eq!(r.trigger_at, Some(2));
    assert_eq!(r.action_names(), ["a", "a", "spin"]);
    assert_eq!(
        r.to_string(),
        "LIVENESS VIOLATED: a fair cycle never reaches 'goal'\n  Init: 0\n  → a: 1\n  → a: 2\n  --- the trigger holds here ---\n  --- loops forever ---\n  ↺ spin: 2\n(4 states explored)"
    );
}

#[test]
fn a_truncated_pass_is_ok_but_not_proved() {
    use musil::Outcome;
    let m = counter();
    let capped = Checker::new(&m).max_states(100).check();
    // `ok` keeps the original's meaning (no violation found); `proved` says whether that covers
    // everything reachable.
    assert!(capped.ok && capped.truncated && !capped.proved() && !Outcome::proved(&capped));
    let full = Checker::new(&m).check();
    assert!(full.proved() && Outcome::proved(&full));
    let live =
        Checker::new(&m).max_states(100).check_liveness(&Liveness::eventually(|n| *n == 5000)).unwrap();
    assert!(live.ok && !live.proved());
    let open = musil::open::check_open(&m, &[]);
    assert!(open.proved());
}
