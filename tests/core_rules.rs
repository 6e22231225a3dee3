//! One test per rule of the core spec's edge-case checklist (`spec/core.md` §16, rules 1–53),
//! on the tests' own small models. Rules about Python-only input forms (a `str` init, pydantic
//! models, generators, unhashable states) are stated in their Rust form.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use musil::{
    Action, ActionSchema, Checker, DistinctBy, Kind, Model, Step, Verdict, assert_ok, assert_violates, check,
    check_all, check_of, enumerate_actions, explore, fixed_points, fixed_points_of, footprint_sound,
    format_trace, format_trace_diff, format_trace_with, invariant_from_violations, never, never_when,
    path_to, reachable_violations, reaches, states_where, symmetry_reduction_sound, to_dot, witness,
};

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Light {
    color: &'static str,
}

fn light() -> Model<Light> {
    Model::new(Light { color: "red" })
        .action("go", |s| s.color == "red", |_| Light { color: "green" })
        .action("slow", |s| s.color == "green", |_| Light { color: "yellow" })
        .action("stop", |s| s.color == "yellow", |_| Light { color: "red" })
}

fn counter(limit: u32) -> Model<u32> {
    Model::new(0u32).action("inc", move |n| *n < limit, |n| n + 1)
}

fn panic_text(f: impl FnOnce() + std::panic::UnwindSafe) -> String {
    let err = std::panic::catch_unwind(f).expect_err("expected a panic");
    err.downcast_ref::<String>()
        .cloned()
        .or_else(|| err.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap()
}

#[test]
fn rule_01_light_ok_and_never_yellow_trace() {
    assert_eq!(check(&light()).to_string(), "OK — 3 states, no violations");
    let r = check(&light().invariant("never-yellow", |s| s.color != "yellow"));
    let actions: Vec<&str> = r.trace.iter().map(|s| s.action.as_str()).collect();
    assert_eq!(actions, ["<init>", "go", "slow"]);
}

#[test]
fn rule_02_dead_end_is_deadlock_unless_terminal() {
    let r = check(&counter(2));
    assert_eq!(r.kind, Some(Kind::Deadlock));
    assert_eq!(r.witness(), Some(&2));
    assert!(check(&counter(2).terminal(|n| *n == 2)).ok);
}

#[test]
fn rule_03_05_initial_state_forms() {
    // One initial state; several; none.
    let one = Model::new("red").terminal(|_| true);
    assert_eq!(check(&one).states_explored, 1);
    let two = Model::with_initial_states(["a", "b"]).terminal(|s| *s == "a" || *s == "b");
    assert_eq!(check(&two).to_string(), "OK — 2 states, no violations");
    let none = Model::<u8>::with_initial_states(Vec::new());
    // The original prints a plain pass; musil says it is vacuous.
    assert_eq!(
        check(&none).to_string(),
        "OK — 0 states, no violations (VACUOUS: the system has no initial state, so nothing was checked)"
    );
    // A tuple state is one state (Rust makes the one/many choice explicit).
    let pair = Model::new((0u8, 0u8)).terminal(|_| true);
    assert_eq!(check(&pair).states_explored, 1);
}

#[test]
fn rule_06_initial_states_are_not_consumed() {
    // The original's generator init is consumed by the first check; a Rust model owns its
    // initial states, so every check sees them.
    let m = Model::with_initial_states((0u8..3).map(|i| i * 2)).terminal(|_| true);
    assert_eq!(check(&m).states_explored, 3);
    assert_eq!(check(&m).states_explored, 3);
}

#[test]
fn rule_07_duplicate_inits_seeded_once_kept_in_graph() {
    let m = Model::with_initial_states([1u8, 2, 1]).terminal(|_| true);
    assert_eq!(check(&m).states_explored, 2);
    let g = explore(&m);
    let init: Vec<u8> = g.initial().iter().map(|&i| *g.state(i)).collect();
    assert_eq!(init, [1, 2, 1]);
    assert_eq!(g.len(), 2);
}

#[test]
fn rule_09_unbounded_counter_truncates_at_exactly_the_cap() {
    let m = Model::new(0u64).action("inc", |_| true, |n| n + 1);
    let r = Checker::new(&m).max_states(50).check();
    assert!(r.ok && r.truncated);
    assert_eq!(r.states_explored, 50);
}

#[test]
fn rule_10_cap_below_two_acts_like_two() {
    let m = Model::new(0u64).action("inc", |_| true, |n| n + 1);
    for cap in [0, 1] {
        let r = Checker::new(&m).max_states(cap).check();
        assert_eq!(r.to_string(), "OK — 2 states, no violations (TRUNCATED at cap)");
    }
}

#[test]
fn rule_11_seeding_never_truncates() {
    let m = Model::with_initial_states([1u8, 2, 3, 4, 5]).action("stay", |_| true, |s| *s);
    let r = Checker::new(&m).max_states(2).check();
    assert_eq!(r.to_string(), "OK — 5 states, no violations");
    let m = Model::with_initial_states([0u8, 10, 20]).action("inc", |_| true, |n| n + 1);
    let g = Checker::new(&m).max_states(2).explore();
    assert!(g.truncated());
    assert_eq!(g.len(), 4);
}

#[test]
fn rule_12_invariant_broken_at_an_initial_state() {
    let m = Model::with_initial_states([0u8, 1, 0]).invariant("not-one", |n| *n != 1).terminal(|_| true);
    let r = check(&m);
    assert_eq!(r.trace, vec![Step::new("<init>", 1)]);
    assert_eq!(r.states_explored, 2);
}

#[test]
fn rule_13_invariant_before_deadlock_and_terminal_states_still_expand() {
    let m = Model::new(0u8).invariant("never", |_| false);
    assert_eq!(check(&m).kind, Some(Kind::Invariant));
    let m = counter(3).terminal(|n| *n == 1).invariant("below-3", |n| *n < 3);
    let r = check(&m);
    assert_eq!(r.invariant.as_deref(), Some("below-3"));
    assert_eq!(r.action_names(), ["inc", "inc", "inc"]);
}

#[test]
fn rule_14_15_reasons_and_falsy_verdicts() {
    let with_reason =
        check(&counter(1).invariant("small", |n| if *n < 1 { Verdict::Holds } else { "too big".into() }));
    assert!(with_reason.to_string().starts_with("INVARIANT VIOLATED: small — too big\n"));
    assert_eq!(with_reason.reason.as_deref(), Some("too big"));
    let empty = check(&counter(1).invariant("small", |n| if *n < 1 { Verdict::Holds } else { "".into() }));
    assert_eq!(empty.reason, None);
    assert!(empty.to_string().starts_with("INVARIANT VIOLATED: small\n"));
    // Any string is a violation; `Option`/`Result` map as documented; the first in order wins.
    assert_eq!(Verdict::from("x"), Verdict::Violated(Some("x".into())));
    assert_eq!(Verdict::from(Ok::<(), String>(())), Verdict::Holds);
    assert_eq!(Verdict::from(Err::<(), _>("bad")), Verdict::Violated(Some("bad".into())));
    let m = Model::new(0u8).invariant("a", |_| true).invariant("b", |_| false).invariant("c", |_| "c");
    assert_eq!(check(&m).invariant.as_deref(), Some("b"));
}

#[test]
fn rule_16_a_violating_state_is_not_expanded() {
    let calls = Arc::new(std::sync::Mutex::new(Vec::new()));
    let c = calls.clone();
    let m = Model::new(0u8)
        .actions_fn(move |n| {
            c.lock().unwrap().push(*n);
            vec![Action::new("inc", |_| true, |n| n + 1)]
        })
        .invariant("below-2", |n| *n < 2);
    let r = check(&m);
    assert_eq!(r.witness(), Some(&2));
    // The violating state 2 is never expanded. (Building the trace asks the menu of 0 and 1
    // again to name the actions: the store keeps parents, not actions.)
    let calls = calls.lock().unwrap();
    assert!(!calls.contains(&2));
    assert_eq!(calls[..2], [0, 1]);
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Ab {
    a: u8,
    b: u8,
}

fn menu_by_a(calls: Arc<AtomicUsize>) -> impl Fn(&Ab) -> Vec<Action<Ab>> + Send + Sync + 'static {
    move |s| {
        calls.fetch_add(1, Ordering::SeqCst);
        let mut acts = vec![Action::new("cycle_a", |_| true, |s: &Ab| Ab { a: (s.a + 1) % 3, ..s.clone() })];
        if s.a == 0 {
            acts.push(Action::new("inc_b", |s: &Ab| s.b < 2, |s: &Ab| Ab { b: s.b + 1, ..s.clone() }));
        }
        acts
    }
}

#[test]
fn rule_17_18_footprint_memoises_the_menu() {
    let calls = Arc::new(AtomicUsize::new(0));
    let m = Model::new(Ab { a: 0, b: 0 }).actions_fn(menu_by_a(calls.clone())).footprint(|s| s.a);
    assert_eq!(explore(&m).len(), 9);
    assert_eq!(calls.load(Ordering::SeqCst), 3);
    // The cache lives one sweep: a second sweep calls again.
    assert_eq!(explore(&m).len(), 9);
    assert_eq!(calls.load(Ordering::SeqCst), 6);

    let plain_calls = Arc::new(AtomicUsize::new(0));
    let plain = Model::new(Ab { a: 0, b: 0 }).actions_fn(menu_by_a(plain_calls.clone()));
    assert_eq!(explore(&plain).len(), 9);
    assert_eq!(plain_calls.load(Ordering::SeqCst), 9);

    let inv = |s: &Ab| s.b <= 2;
    let with = m.clone().invariant("b-bounded", inv);
    let without = plain.clone().invariant("b-bounded", inv);
    assert_eq!(check(&with), check(&without));

    // With a key, it still runs once per footprint (here one footprint: a constant key prunes).
    let keyed_calls = Arc::new(AtomicUsize::new(0));
    let keyed = Model::new(Ab { a: 0, b: 0 }).actions_fn(menu_by_a(keyed_calls.clone())).footprint(|s| s.a);
    let r = Checker::new(&keyed).key(|s: &Ab| (s.a, s.b)).check();
    assert_eq!(r.states_explored, 9);
    assert_eq!(keyed_calls.load(Ordering::SeqCst), 3);

    let states: Vec<Ab> = explore(&plain).states().cloned().collect();
    assert!(footprint_sound(&m, states.clone()));
    let constant = Model::new(Ab { a: 0, b: 0 }).actions_fn(menu_by_a(Arc::default())).footprint(|_| 0);
    assert!(!footprint_sound(&constant, states.clone()));
    assert!(!footprint_sound(&plain, states.clone()));
    assert!(!footprint_sound(&Model::new(Ab { a: 0, b: 0 }), states));
    assert!(footprint_sound(&constant, Vec::new()));
}

#[test]
fn rule_19_20_key_identity_keeps_rich_states_and_prunes_collisions() {
    #[derive(Clone, Debug, PartialEq, Eq, Hash)]
    struct Rich {
        n: u8,
        log: Vec<String>,
    }
    let m = Model::new(Rich { n: 0, log: vec![] })
        .action(
            "inc",
            |s| s.n < 3,
            |s| Rich { n: s.n + 1, log: [s.log.clone(), vec![format!("inc{}", s.n)]].concat() },
        )
        .invariant("below-3", |s| s.n < 3);
    let r = Checker::new(&m).key(|s: &Rich| s.n).check();
    assert_eq!(r.witness().unwrap().log, ["inc0", "inc1", "inc2"]);
    let all = Checker::new(&m).key(|s: &Rich| s.n).check_all(DistinctBy::Invariant);
    assert_eq!(all[0].witness().unwrap().n, 3);

    // A non-injective key prunes a state and the violation only it shows.
    let m = Model::new(0u8)
        .action("inc", |n| *n < 2, |n| n + 1)
        .invariant("not-two", |n| *n != 2)
        .terminal(|_| true);
    let r = Checker::new(&m).key(|n: &u8| n.min(&1).to_owned()).check();
    assert_eq!(r.to_string(), "OK — 2 states, no violations");
}

#[test]
fn rule_21_successors_are_canonicalised() {
    // Two interchangeable counters; sorting is the symmetry.
    let m = Model::new((0u8, 0u8))
        .action("a", |s| s.0 < 2, |s| (s.0 + 1, s.1))
        .action("b", |s| s.1 < 2, |s| (s.0, s.1 + 1))
        .invariant("not-both-2", |s| *s != (2, 2));
    let full = check(&m);
    let sorted = |s: &(u8, u8)| (s.0.min(s.1), s.0.max(s.1));
    let reduced = Checker::new(&m).canonicalize(sorted).check();
    assert!(reduced.states_explored < full.states_explored);
    assert!(reduced.trace.iter().all(|s| s.state.0 <= s.state.1));
    assert_eq!(reduced.invariant, full.invariant);
}

#[test]
fn rule_22_23_actions_fn_and_schemas() {
    let m = Model::new(0u8)
        .actions_fn(|n| if *n < 2 { vec![Action::new("inc", |_| true, |n| n + 1)] } else { vec![] });
    assert_eq!(explore(&m).len(), 3);
    assert_eq!(check(&m).kind, Some(Kind::Deadlock));
    let add = ActionSchema::new("add", |n: &i64, b| n + b.int("x") + b.int("y"))
        .param("x", [1, 2])
        .param("y", [10, 20]);
    let names: Vec<String> = enumerate_actions([add, ActionSchema::new("noop", |n: &i64, _| *n)])
        .iter()
        .map(|a| a.name().to_owned())
        .collect();
    assert_eq!(names, ["add{x=1, y=10}", "add{x=1, y=20}", "add{x=2, y=10}", "add{x=2, y=20}", "noop"]);
    let empty = ActionSchema::new("none", |n: &i64, _| *n).param("x", Vec::<i64>::new());
    assert!(enumerate_actions([empty]).is_empty());
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Doc {
    Draft,
    Green,
    Published,
}

fn publisher() -> Model<Doc> {
    Model::new(Doc::Draft)
        .action("approve", |d| *d == Doc::Draft, |_| Doc::Green)
        .action("publish", |d| *d == Doc::Green, |_| Doc::Published)
        .action("force_publish", |d| *d == Doc::Green, |_| Doc::Published)
        .terminal(|d| *d == Doc::Published)
}

#[test]
fn rule_24_edge_invariant_and_never() {
    let m = publisher().edge_invariant("no-force", |_, a, _| a != "force_publish");
    let r = check(&m);
    assert_eq!(r.kind, Some(Kind::EdgeInvariant));
    assert_eq!(r.action_names(), ["approve", "force_publish"]);
    assert_eq!(r.witness(), Some(&Doc::Published));
    let of = check_of(&explore(&m), &m);
    assert_eq!((of.kind, of.trace.clone()), (r.kind, r.trace.clone()));
    let n = publisher().edge_invariant_from("no-force", never("force_publish"));
    assert_eq!(check(&n).action_names(), r.action_names());
    let only_from_draft =
        publisher().edge_invariant_from("no-force", never_when("force_publish", |d| *d == Doc::Draft));
    assert!(check(&only_from_draft).ok);
}

#[test]
fn rule_25_edge_invariant_text() {
    let m = counter(1).edge_invariant("nf", |_, _, _| "went up").terminal(|_| true);
    assert!(
        check(&m).to_string().starts_with("EDGE INVARIANT VIOLATED: nf (on the last transition) — went up\n")
    );
    for v in [Verdict::from(""), Verdict::from(None::<String>).clone(), Verdict::from(false)] {
        if v.holds() {
            continue;
        }
        let v2 = v.clone();
        let m = counter(1).edge_invariant("nf", move |_, _, _| v2.clone()).terminal(|_| true);
        assert!(check(&m).to_string().starts_with("EDGE INVARIANT VIOLATED: nf (on the last transition)\n"));
    }
}

#[test]
fn rule_26_edge_invariants_fire_on_self_loops_to_seen_states() {
    let m = Model::new(0u8)
        .action("inc", |n| *n < 2, |n| n + 1)
        .action("stay", |n| *n == 2, |n| *n)
        .edge_invariant("no-stay", |_, a, _| a != "stay");
    let r = check(&m);
    assert_eq!(r.action_names(), ["inc", "inc", "stay"]);
    assert_eq!(r.states_explored, 3);
    // State invariants come first; every edge invariant is tried per successor, in order.
    let m = Model::new(0u8)
        .action("inc", |n| *n < 2, |n| n + 1)
        .invariant("state", |n| *n < 1)
        .edge_invariant("e1", |_, _, _| true)
        .edge_invariant("e2", |a, _, _| *a != 0);
    let r = check(&m);
    assert_eq!(r.invariant.as_deref(), Some("e2"));
    assert_eq!(r.states_explored, 1);
}

#[test]
fn rule_27_edge_invariant_counter_truncates_at_the_cap() {
    let m = Model::new(0u64).action("inc", |_| true, |n| n + 1).edge_invariant("up", |a, _, b| b > a);
    let r = Checker::new(&m).max_states(5).check();
    assert!(r.ok && r.truncated);
    assert_eq!(r.states_explored, 5);
    let bounded = Model::new(0u64)
        .action("inc", |n| *n < 4, |n| n + 1)
        .edge_invariant("up", |a, _, b| b > a)
        .terminal(|n| *n == 4);
    assert_eq!(check(&bounded).states_explored, explore(&bounded).len());
    assert!(check_all(&bounded, DistinctBy::Invariant).is_empty());
}

#[test]
fn rule_29_texts() {
    let m = Model::new(0u64).action("inc", |_| true, |n| n + 1);
    assert!(Checker::new(&m).max_states(3).check().to_string().ends_with("(TRUNCATED at cap)"));
    let mut r = check(&counter(1).invariant("x", |n| *n < 1));
    r.truncated = true;
    assert!(!r.to_string().contains("TRUNCATED"));
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Acct(i32);

fn bank() -> Model<Acct> {
    Model::new(Acct(0))
        .action("deposit", |a| a.0 == 0, |a| Acct(a.0 + 1))
        .action("withdraw", |a| a.0 == 1, |a| Acct(a.0 - 1))
        .action("overdraw", |a| a.0 == 0, |a| Acct(a.0 - 1))
        .invariant("non-negative", |a| a.0 >= 0)
}

#[test]
fn rule_30_action_names_witness_and_assert_violates() {
    let r = check(&bank());
    assert_eq!(r.action_names(), ["overdraw"]);
    assert_eq!(r.witness(), Some(&Acct(-1)));
    assert_violates!(
        r,
        kind = Kind::Invariant,
        invariant = "non-negative",
        via = ["overdraw"],
        witness = |a: &Acct| a.0 < 0
    );
    let text = panic_text(|| assert_violates!(check(&bank()), kind = Kind::Deadlock));
    assert!(
        text.starts_with("expected kind 'deadlock', got 'invariant'\nINVARIANT VIOLATED: non-negative\n")
    );
    let text = panic_text(|| assert_violates!(check(&light())));
    assert_eq!(text, "expected a violation, but the check passed\nOK — 3 states, no violations");
}

#[test]
fn rule_31_33_assertion_texts() {
    let bad = check(&light().invariant("never-yellow", |s| s.color != "yellow"));
    let text = panic_text(|| assert_ok!(check(&light().invariant("never-yellow", |s| s.color != "yellow"))));
    assert_eq!(text, bad.to_string());
    assert!(
        text.contains("  Init: Light { color: \"red\" }")
            && text.contains("→ slow: Light { color: \"yellow\" }")
    );
    assert!(!text.contains("Step {"));
    let text = panic_text(|| {
        assert_ok!(check(&light().invariant("never-yellow", |s| s.color != "yellow")), "ctx {}", 1)
    });
    assert!(text.starts_with("ctx 1\nINVARIANT VIOLATED"));
    let m = Model::new(0u64).action("inc", |_| true, |n| n + 1);
    let capped = Checker::new(&m).max_states(10).check();
    let text = panic_text(|| {
        assert_ok!(Checker::new(&Model::new(0u64).action("inc", |_| true, |n| n + 1)).max_states(10).check())
    });
    assert!(text.starts_with("check passed but TRUNCATED at max_states -- a truncated green proves nothing"));
    assert!(text.ends_with(&capped.to_string()));
    assert_ok!(capped, truncated = ok);
    let text = panic_text(|| assert_violates!(check(&bank()), invariant = "other"));
    assert!(text.starts_with("expected broken invariant 'other', got 'non-negative'\n"));
    let text = panic_text(|| assert_violates!(check(&bank()), via = ["deposit", "x"]));
    assert!(text.starts_with(
        "expected actions ['deposit', 'x'] in the counterexample, but its actions were ['overdraw']\n"
    ));
    let text = panic_text(|| assert_violates!(check(&bank()), witness = |a: &Acct| a.0 > 0));
    assert!(text.starts_with("the witness state Acct(-1) did not satisfy `witness`\n"));
}

#[test]
fn rule_34_39_check_all() {
    let m = Model::new(0u8)
        .action("inc", |n| *n < 4, |n| n + 1)
        .invariant("lt3", |n| {
            if *n < 3 {
                Verdict::Holds
            } else {
                format!("hit {}", if *n == 3 { "three" } else { "four" }).into()
            }
        })
        .invariant("lt1", |n| *n < 1);
    let all = check_all(&m, DistinctBy::Invariant);
    let names: Vec<(&str, usize)> =
        all.iter().map(|r| (r.invariant.as_deref().unwrap_or("-"), r.trace.len())).collect();
    // lt1 at depth 1 (trace 2), lt3 at depth 3 (trace 4), deadlock at 4 (trace 5); violating states expanded.
    assert_eq!(names, [("lt1", 2), ("lt3", 4), ("-", 5)]);
    assert_eq!(all[2].kind, Some(Kind::Deadlock));
    let by_reason = check_all(&m, DistinctBy::Reason);
    let reasons: Vec<Option<&str>> = by_reason.iter().map(|r| r.reason.as_deref()).collect();
    assert_eq!(reasons, [None, Some("hit three"), Some("hit four"), None]);
    let by_parity = check_all(&m, DistinctBy::custom(|name, _| (name.len() % 2).to_string()));
    assert_eq!(by_parity.len(), 2);
    let c = check(&m);
    assert!(all.iter().any(|r| r.kind == c.kind && r.invariant == c.invariant));
    assert!(check_all(&light(), DistinctBy::Invariant).is_empty());
    // "" and false land in different buckets by reason.
    let split = Model::new(0u8).invariant("x", |_| "").terminal(|_| true);
    let split2 = Model::new(0u8).invariant("x", |_| false).terminal(|_| true);
    assert_eq!(check_all(&split, DistinctBy::Reason).len(), 1);
    assert_eq!(check_all(&split2, DistinctBy::Reason)[0].reason, None);
    // Capped: every entry truncated, and the answer says it is incomplete, found or not.
    let unbounded = Model::new(0u64).action("inc", |_| true, |n| n + 1).invariant("small", |n| *n < 2);
    let capped = Checker::new(&unbounded).max_states(5).check_all(DistinctBy::Invariant);
    assert!(capped.len() == 1 && capped[0].truncated && capped.truncated);
    let nothing_seen = Checker::new(&counter(100)).max_states(5).check_all(DistinctBy::Invariant);
    assert!(nothing_seen.is_empty() && nothing_seen.truncated && !nothing_seen.ok());
    assert!(nothing_seen.to_string().ends_with("(TRUNCATED at cap: problems beyond it are unknown)"));
    assert!(check_all(&counter(100).terminal(|n| *n == 100), DistinctBy::Invariant).ok());
}

#[test]
fn rule_36_check_all_reports_edge_and_state_violations_together() {
    let m = publisher()
        .invariant("not-green", |d| *d != Doc::Green)
        .edge_invariant_from("no-force", never("force_publish"));
    let all = check_all(&m, DistinctBy::Invariant);
    let kinds: Vec<Kind> = all.iter().filter_map(|r| r.kind).collect();
    assert_eq!(kinds, [Kind::Invariant, Kind::EdgeInvariant]);
}

#[test]
fn rule_40_explore_at_the_cap_keeps_the_tripping_edge() {
    let m = Model::new(0u8).action("a", |n| *n == 0, |_| 1).action("b", |n| *n == 0, |_| 2).action(
        "c",
        |n| *n == 0,
        |_| 3,
    );
    let g = Checker::new(&m).max_states(2).explore();
    assert!(g.truncated());
    assert_eq!(g.edges(g.initial()[0]).len(), 1);
    assert!(g.edges(musil::StateId::new(1)).is_empty());
}

#[test]
fn rule_41_44_graph_queries() {
    let m = light().action("off", |s| s.color == "red", |_| Light { color: "off" });
    let g = explore(&m);
    let red = g.id_of(&Light { color: "red" }).unwrap();
    let r = reaches(&g, |s| s.color == "yellow");
    assert_eq!(r.len(), 3);
    assert!(r.contains(&red));
    assert_eq!(reaches(&g, |s| s.color == "off").len(), 4);
    let c = counter(5);
    let g = explore(&c);
    assert_eq!(witness(&g, |n| *n == 5).unwrap().len(), 6);
    let p: Vec<u32> = path_to(&g, &3).unwrap().into_iter().map(|s| s.state).collect();
    assert_eq!(p, [0, 1, 2, 3]);
    assert_eq!(states_where(&g, |n| *n >= 4), [&4, &5]);
    assert!(path_to(&g, &9).is_none());
    let m = bank();
    let of = check_of(&explore(&m), &m);
    let direct = check(&m);
    assert_eq!(
        (of.ok, of.kind, of.invariant.clone(), of.trace.clone()),
        (direct.ok, direct.kind, direct.invariant, direct.trace)
    );
    // On a truncated graph: no deadlocks, OK carries truncated, violations do not.
    let unbounded = Model::new(0u64).action("inc", |_| true, |n| n + 1);
    let g = Checker::new(&unbounded).max_states(4).explore();
    let r = check_of(&g, &unbounded);
    assert!(r.ok && r.truncated && r.states_explored == 4);
    let r = check_of(&g, &unbounded.clone().invariant("small", |n| *n < 2));
    assert!(!r.ok && !r.truncated);
}

#[test]
fn rule_45_47_fixed_points() {
    let latch = Model::new(0u8).action("set", |n| *n == 0, |_| 1);
    assert!(fixed_points(&latch).confluent());
    let race = Model::new(0u8).action("a", |n| *n == 0, |_| 1).action("b", |n| *n == 0, |_| 2);
    let fp = fixed_points(&race);
    assert!(!fp.confluent());
    assert_eq!(fp.to_string(), "NOT CONFLUENT (an initial state has a choice)\n  0 settles in 2 place(s)");
    assert_eq!(fixed_points_of(&explore(&race)), fp);
    assert_eq!(fixed_points_of(&explore(&latch)), fixed_points(&latch));
    let cycle = light();
    let fp = fixed_points(&cycle);
    assert!(fp.confluent() && fp.by_init[0].1.is_empty());
    let unbounded = Model::new(0u64).action("inc", |_| true, |n| n + 1);
    let fp = Checker::new(&unbounded).max_states(5).fixed_points();
    assert!(!fp.confluent());
    assert_eq!(fp.to_string(), "FIXED POINTS INCONCLUSIVE (truncated at max_states)");
    // Fixed (not replicated): a model driven by actions_fn settles where its menu takes it.
    let menu = Model::new(0u8)
        .actions_fn(|n| if *n == 0 { vec![Action::new("go", |_| true, |_| 1)] } else { vec![] });
    assert_eq!(fixed_points(&menu).by_init, vec![(0, vec![1])]);
}

#[test]
fn rule_48_reachable_violations_and_invariant_from_violations() {
    let m = counter(3)
        .invariant("lt2", |n| *n < 2)
        .invariant("even", |n| if n % 2 == 0 { Verdict::Holds } else { "odd".into() });
    let v: Vec<(u32, String)> =
        reachable_violations(&m).into_iter().map(|x| (x.state, x.invariant)).collect();
    assert_eq!(v, [(1, "even".into()), (2, "lt2".into()), (3, "lt2".into()), (3, "even".into())]);
    let inv = invariant_from_violations(
        |n: &u32| (0..*n).filter(|i| i % 2 == 1).collect::<Vec<_>>(),
        |i| format!("odd {i}"),
    );
    assert_eq!(inv(&1), Verdict::Holds);
    assert_eq!(inv(&4), Verdict::Violated(Some("odd 1".into())));
}

#[test]
fn rule_49_symmetry_reduction_sound() {
    let m = Model::new((0u8, 0u8))
        .action("a", |s| s.0 < 2, |s| (s.0 + 1, s.1))
        .action("b", |s| s.1 < 2, |s| (s.0, s.1 + 1))
        .invariant("sum", |s| s.0 + s.1 < 4);
    let sorted = |s: &(u8, u8)| (s.0.min(s.1), s.0.max(s.1));
    assert!(symmetry_reduction_sound(&m, sorted));
    let lopsided = m.clone().invariant("ordered", |s| s.0 <= s.1);
    assert!(!symmetry_reduction_sound(&lopsided, sorted));
    assert!(!Checker::new(&m).max_states(3).symmetry_reduction_sound(sorted));
}

#[test]
fn rule_50_51_dot() {
    let g = explore(&light());
    let yellow = Light { color: "yellow" };
    let red = Light { color: "red" };
    let dot = to_dot(&g, &[yellow, red], "musil");
    assert!(dot.starts_with("digraph musil {\n"));
    assert!(dot.ends_with("}\n"));
    assert!(dot.contains("  n0 [label=\"color=red\", penwidth=2, style=filled, fillcolor=\"#ffe0e0\"];"));
    assert!(dot.contains("  n2 -> n0 [label=\"stop\", color=\"red\", penwidth=2];"));
    assert!(dot.contains("  n0 -> n1 [label=\"go\"];"));
    let quoted = Model::new("a\"b\\c\nd".to_owned()).terminal(|_| true);
    let dot = to_dot(&explore(&quoted), &[], "my graph");
    assert!(dot.starts_with("digraph my graph {"));
    assert!(dot.contains(r#"label="\"a\\\"b\\\\c\\nd\"""#), "{dot}");
}

#[test]
fn rule_52_53_trace_rendering() {
    let t = vec![Step::new("<init>", 1u8), Step::new("inc", 2)];
    assert_eq!(format_trace_with(&t, None, |n| format!("n={n}")), "  Init: n=1\n  → inc: n=2");
    assert_eq!(format_trace(&t, Some(0)), "  Init: 1\n  --- loops forever ---\n  → inc: 2");
    let r = check(&bank());
    assert_eq!(format_trace_diff(&r.trace), "  Init: Acct(0)\n  → overdraw: Acct(-1)");
    let l = check(&light().invariant("never-yellow", |s| s.color != "yellow"));
    assert_eq!(
        format_trace_diff(&l.trace),
        "  Init: color=\"red\"\n  → go: color=\"green\"\n  → slow: color=\"yellow\""
    );
}

#[test]
fn panics_in_user_code_are_results_naming_the_culprit() {
    let m = counter(5).action("boom", |n| *n == 2, |_| panic!("effect exploded")).terminal(|_| true);
    let r = check(&m);
    assert_eq!(r.kind, Some(Kind::Panic));
    assert_eq!(r.invariant.as_deref(), Some("boom"));
    assert_eq!(r.reason.as_deref(), Some("effect exploded"));
    assert_eq!(r.action_names(), ["inc", "inc"]);
    assert!(r.to_string().starts_with("PANIC: effect of 'boom' panicked: effect exploded\n  Init: 0\n"));

    let m = counter(5).action("g", |n| if *n == 1 { panic!("guard {n}") } else { false }, |n| *n);
    let r = check(&m);
    assert_eq!((r.invariant.as_deref(), r.reason.as_deref()), (Some("g"), Some("guard 1")));
    assert_eq!(r.fault.as_ref().unwrap().callback, "guard");

    let m = counter(5).invariant("inv", |n| if *n == 3 { panic!("inv at 3") } else { true });
    let r = check(&m);
    assert_eq!(r.fault.as_ref().unwrap().callback, "invariant");
    assert_eq!(r.witness(), Some(&3));
    let all = check_all(&m, DistinctBy::Invariant);
    assert_eq!(all.last().unwrap().kind, Some(Kind::Panic));
    let g = explore(&counter(5).action("boom", |n| *n == 2, |_| panic!("x")));
    assert!(g.truncated());
    assert_eq!(g.fault().unwrap().fault.name.as_deref(), Some("boom"));
    assert_eq!(check_of(&g, &counter(5)).kind, Some(Kind::Panic));

    let m = counter(1).terminal(|_| panic!("terminal"));
    assert_eq!(check(&m).fault.unwrap().callback, "terminal predicate");
    let m = counter(1).edge_invariant("e", |_, _, _| -> bool { panic!("edge") });
    assert_eq!(check(&m).fault.unwrap().name.as_deref(), Some("e"));
    let canon =
        Checker::new(&counter(3)).canonicalize(|n| if *n == 2 { panic!("canon") } else { *n }).check();
    assert_eq!(canon.fault.unwrap().callback, "canonicalize");
}
