//! One test per rule of the liveness, LTL and patterns part of the core spec's checklist
//! (`spec/core.md` §16, rules 54–69), the open-system liveness facts (`open_systems.md` §4.4–4.5),
//! and a single 10^6-state cycle through every temporal algorithm.

use musil::history::{action_taken, with_last_action};
use musil::ltl::{Buchi, GeneralizedBuchi, Ltl, LtlOptions, LtlResult};
use musil::open::{Assumption, EnvironmentSpec, check_liveness_open, check_open};
use musil::patterns::{self, Fair};
use musil::{
    Checker, ErrorKind, Fairness, Kind, Liveness, LivenessKind, Model, Predicate, TransitionSystem,
    assert_ok, check, check_liveness, check_liveness_of, check_ltl, explore,
};
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

/// States named by letters; actions `x->y` from a table, dead ends terminal.
fn phases(spec: &[(&'static str, &'static str)]) -> Model<&'static str> {
    let mut m = Model::new("I");
    for &(a, b) in spec {
        m = m.action(format!("{a}->{b}"), move |s| *s == a, move |_| b);
    }
    let froms: Vec<&str> = spec.iter().map(|x| x.0).collect();
    m.terminal(move |s| !froms.contains(s))
}

fn toggle(escape_from_b: bool) -> Model<&'static str> {
    Model::new("A")
        .action("a2b", |s| *s == "A", |_| "B")
        .action("b2a", |s| *s == "B", |_| "A")
        .action("escape", move |s| *s == "A" || (escape_from_b && *s == "B"), |_| "P")
        .terminal(|s| *s == "P")
}

fn live(m: &Model<&'static str>, spec: Liveness<&'static str>) -> musil::LivenessResult<&'static str> {
    check_liveness(m, &spec).unwrap()
}

#[test]
fn rule_54_eventually_traps_fairness_and_recurrence() {
    let done = Model::new((0u8, false))
        .action("step", |s| s.0 < 2, |s| (s.0 + 1, s.1))
        .action("finish", |s| s.0 == 2 && !s.1, |s| (s.0, true))
        .terminal(|s| s.1);
    assert!(check_liveness(&done, &Liveness::eventually(|s: &(u8, bool)| s.1).goal_name("done")).unwrap().ok);

    let trap = Model::new("start")
        .action("win", |s| *s == "start", |_| "done")
        .action("trap", |s| *s == "start", |_| "trap")
        .terminal(|s| *s != "start");
    let r = live(&trap, Liveness::eventually(|s| *s == "done"));
    assert_eq!(r.kind, Some(LivenessKind::PUnreachable));
    assert_eq!(r.witness(), Some(&"trap"));

    let goal = |s: &&str| *s == "P";
    let strict = live(&toggle(true), Liveness::eventually(goal));
    assert_eq!(strict.kind, Some(LivenessKind::FairCycle));
    assert!(!strict.cycle.is_empty());
    assert!(live(&toggle(true), Liveness::eventually(goal).fair(["escape"])).ok);
    // Flickering escape: weak fairness does not force it, strong does.
    assert_eq!(
        live(&toggle(false), Liveness::eventually(goal).fair(["escape"])).kind,
        Some(LivenessKind::FairCycle)
    );
    assert!(live(&toggle(false), Liveness::eventually(goal).fair_strong(["escape"])).ok);

    let at_init = Model::new("P").terminal(|_| true);
    assert!(live(&at_init, Liveness::eventually(goal)).ok);

    let drift = Model::new("ok").action("drift", |s| *s == "ok", |_| "stuck").action(
        "spin",
        |s| *s == "stuck",
        |s| *s,
    );
    assert!(live(&drift, Liveness::eventually(|s| *s == "ok")).ok);
    let r = live(&drift, Liveness::always_eventually(|s| *s == "ok"));
    assert!(!r.ok);
    assert_eq!(r.witness(), Some(&"stuck"));
}

#[test]
fn rule_55_leads_to() {
    let goal = |s: &&str| *s == "G";
    let q = |s: &&str| *s == "Q";
    // Holds: every Q reaches G.
    let m = phases(&[("I", "Q"), ("Q", "G"), ("G", "I")]);
    assert!(live(&m, Liveness::leads_to(q, goal)).ok);
    // Self-loop on Q: a fair cycle. The original prints it from the trigger as `Init:`, a
    // state no initial state is shown to reach; musil prints the run from an initial state and
    // marks where the trigger holds.
    let m = phases(&[("I", "Q"), ("Q", "Q"), ("Q", "G")]);
    let r = live(&m, Liveness::leads_to(q, goal));
    assert_eq!(r.kind, Some(LivenessKind::FairCycle));
    assert_eq!(r.stem[0].action, "<init>");
    assert_eq!(r.stem[0].state, "I");
    assert_eq!(r.trigger_at, Some(1));
    assert_eq!(r.action_names(), ["I->Q", "Q->Q"]);
    assert!(r.to_string().contains(
        "  Init: \"I\"\n  → I->Q: \"Q\"\n  --- the trigger holds here ---\n  --- loops forever ---\n  ↺ Q->Q: \"Q\""
    ));
    // Fixed by weak fairness of the way out.
    assert!(live(&m, Liveness::leads_to(q, goal).fair(["Q->G"])).ok);
    // p-unreachable at a dead end.
    let m = phases(&[("I", "Q"), ("Q", "D")]);
    assert_eq!(live(&m, Liveness::leads_to(q, goal)).kind, Some(LivenessKind::PUnreachable));
    // Leads-to is weaker than everywhere and overrides it.
    let m = phases(&[("I", "X"), ("X", "X"), ("X", "Q"), ("Q", "G"), ("G", "I")]);
    assert!(live(&m, Liveness::leads_to(q, goal)).ok);
    assert!(!live(&m, Liveness::always_eventually(goal)).ok);
    assert!(live(&m, Liveness::always_eventually(goal).leadsto_from(q)).ok);
    // Everywhere can fail although the goal is reachable from every state.
    let g = explore(&m);
    assert_eq!(musil::reaches(&g, goal).len(), g.len());
}

#[test]
fn rule_56_recurrence_implies_reachability_and_fairness_is_monotone() {
    for spec in [
        vec![("I", "A"), ("A", "I"), ("A", "G"), ("G", "I")],
        vec![("I", "A"), ("A", "A"), ("A", "G"), ("G", "I")],
        vec![("I", "G"), ("G", "G")],
    ] {
        let m = phases(&spec);
        let goal = |s: &&str| *s == "G";
        let recur = live(&m, Liveness::always_eventually(goal));
        if recur.ok {
            let g = explore(&m);
            assert_eq!(musil::reaches(&g, goal).len(), g.len());
            assert!(live(&m, Liveness::eventually(goal)).ok);
        }
        let names: Vec<String> = spec.iter().map(|(a, b)| format!("{a}->{b}")).collect();
        if live(&m, Liveness::eventually(goal).fair(Vec::<String>::new())).ok {
            assert!(live(&m, Liveness::eventually(goal).fair(names.clone())).ok);
        }
    }
}

#[test]
fn rule_57_58_strong_refinement_tags_and_errors() {
    // Strong fairness of g (enabled only at s2) rules out the big SCC but not the sub-SCC {s0, s1}.
    let m = Model::new(0u8)
        .action("a", |s| *s == 0, |_| 1)
        .action("b", |s| *s == 1, |_| 0)
        .action("c", |s| *s == 1, |_| 2)
        .action("d", |s| *s == 2, |_| 0)
        .action("g", |s| *s == 2, |_| 3)
        .terminal(|s| *s == 3);
    let goal = |s: &u8| *s == 3;
    let r = check_liveness(&m, &Liveness::eventually(goal).fair_strong(["g"])).unwrap();
    assert_eq!(r.kind, Some(LivenessKind::FairCycle));
    let cycle_states: BTreeSet<u8> = r.cycle.iter().map(|s| s.state).collect();
    assert_eq!(cycle_states, BTreeSet::from([0, 1]));
    // Forcing g and c: holds. Tags act like explicit names; an explicit empty list overrides.
    assert!(check_liveness(&m, &Liveness::eventually(goal).fair_strong(["g", "c"])).unwrap().ok);
    let tagged = Model::new(0u8)
        .action("a", |s| *s == 0, |_| 1)
        .action("b", |s| *s == 1, |_| 0)
        .fair_action("c", Fairness::Strong, |s| *s == 1, |_| 2)
        .action("d", |s| *s == 2, |_| 0)
        .fair_action("g", Fairness::Strong, |s| *s == 2, |_| 3)
        .terminal(|s| *s == 3);
    assert!(check_liveness(&tagged, &Liveness::eventually(goal)).unwrap().ok);
    assert!(
        !check_liveness(&tagged, &Liveness::eventually(goal).fair_strong(Vec::<String>::new())).unwrap().ok
    );
    let err = check_liveness(&m, &Liveness::eventually(goal).fair(["zzz", "nope"])).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::UnknownAction);
    assert_eq!(
        err.to_string(),
        "check_liveness: fair names ['nope', 'zzz'] match no action (known: ['a', 'b', 'c', 'd', 'g'])"
    );
    let err = check_liveness(&m, &Liveness::eventually(goal).fair_strong(["x"])).unwrap_err();
    assert!(err.to_string().starts_with("check_liveness: fair_strong names ['x']"));
    // With actions_fn, names are not validated.
    let menu = Model::new(0u8)
        .actions_fn(|s| if *s == 0 { vec![musil::Action::new("go", |_| true, |_| 1)] } else { vec![] });
    assert!(check_liveness(&menu, &Liveness::eventually(|s| *s == 1).fair(["anything"])).unwrap().ok);
    // check_liveness_of equals check_liveness with the same explicit fairness.
    let spec = Liveness::eventually(goal).fair_strong(["g"]);
    assert_eq!(check_liveness_of(&explore(&m), &spec), check_liveness(&m, &spec).unwrap());
}

#[test]
fn rule_59_truncated_graphs() {
    let unbounded = Model::new(0u64).action("inc", |_| true, |n| n + 1);
    // Unlike the original, the frontier of a capped graph is not a dead end: the goal beyond
    // the cap is not reported unreachable. The check says it is incomplete instead.
    let r =
        Checker::new(&unbounded).max_states(10).check_liveness(&Liveness::eventually(|n| *n == 100)).unwrap();
    assert!(r.ok && r.truncated, "{r}");
    let r =
        Checker::new(&unbounded).max_states(10).check_liveness(&Liveness::eventually(|n| *n == 1)).unwrap();
    assert!(r.ok && r.truncated);
    assert!(r.to_string().ends_with("(TRUNCATED at cap)"));
}

fn light() -> Model<&'static str> {
    Model::new("red")
        .action("go", |s| *s == "red", |_| "green")
        .action("slow", |s| *s == "green", |_| "yellow")
        .action("stop", |s| *s == "yellow", |_| "red")
}

fn colours(name: &str) -> Option<Predicate<&'static str>> {
    match name {
        "red" | "green" | "yellow" => {
            let c = name.to_owned();
            Some(Arc::new(move |s: &&str| *s == c))
        }
        "known" => Some(Arc::new(|s: &&str| ["red", "green", "yellow"].contains(s))),
        _ => None,
    }
}

fn ltl(m: &Model<&'static str>, text: &str) -> LtlResult<&'static str> {
    check_ltl(m, &Ltl::parse(text, colours).unwrap(), &LtlOptions::new()).unwrap()
}

#[test]
fn rule_60_63_formula_text_reductions_and_engine() {
    assert_eq!(Ltl::parse("G F green", colours).unwrap().to_string(), "G F green");
    assert_eq!(Ltl::parse("(yellow -> F red)", colours).unwrap().to_string(), "(yellow -> F red)");
    let m = light();
    assert!(matches!(ltl(&m, "G F green"), LtlResult::Liveness(ref r) if r.ok));
    assert!(matches!(ltl(&m, "G (yellow -> F red)"), LtlResult::Liveness(ref r) if r.ok));
    assert!(matches!(ltl(&m, "G known"), LtlResult::Safety(ref r) if r.ok));
    assert!(matches!(ltl(&m, "!F !known"), LtlResult::Safety(ref r) if r.ok));
    assert!(matches!(ltl(&m, "(F red & G known)"), LtlResult::Safety(ref r) if r.ok));
    // The general engine.
    assert!(ltl(&m, "(yellow U red)").ok());
    assert!(ltl(&m, "X green").ok());
    let r = ltl(&m, "X red");
    let r = r.as_safety().unwrap();
    assert_eq!(r.kind, Some(Kind::Ltl));
    assert_eq!(r.trace.iter().take(2).map(|s| s.state).collect::<Vec<_>>(), ["red", "green"]);
    assert!(!ltl(&m, "green").ok());
    assert!(ltl(&m, "red").ok());
    assert!(ltl(&m, "red").as_safety().unwrap().trace.is_empty());
    assert!(!ltl(&m, "(green U yellow)").ok());
    assert!(ltl(&m, "(known U green)").ok());
    assert!(!ltl(&m, "G (green -> X red)").ok());
    // Stutter at a dead end.
    let m2 = Model::new(1u8).action("go", |s| *s == 1, |_| 2);
    let at = |k: u8| Ltl::atom(format!("at{k}"), move |s: &u8| *s == k);
    assert!(check_ltl(&m2, &Ltl::next(at(2)), &LtlOptions::new()).unwrap().ok());
    assert!(!check_ltl(&m2, &Ltl::next(Ltl::next(at(1))), &LtlOptions::new()).unwrap().ok());
}

#[test]
fn rule_62_hand_built_automata() {
    let m = light();
    let g = explore(&m);
    let always: Predicate<&str> = Arc::new(|_| true);
    let red: Predicate<&str> = Arc::new(|s| *s == "red");
    // One state looping on "anything": accepting when the state is accepting.
    let b = Buchi {
        initial: [0].into(),
        accepting: [0].into(),
        transitions: HashMap::from([(0, vec![(always.clone(), 0)])]),
    };
    assert!(b.has_accepting_run(&g));
    let none = Buchi {
        initial: [0].into(),
        accepting: BTreeSet::new(),
        transitions: HashMap::from([(0, vec![(always.clone(), 0)])]),
    };
    assert!(!none.has_accepting_run(&g));
    // Two sets, both met on the cycle; a third on an unreachable state rejects.
    let t = HashMap::from([(0, vec![(red.clone(), 1), (always.clone(), 0)]), (1, vec![(always.clone(), 0)])]);
    let gb = GeneralizedBuchi {
        initial: [0].into(),
        accepting_sets: vec![[0].into(), [1].into()],
        transitions: t.clone(),
    };
    assert!(gb.has_accepting_run(&g));
    assert!(gb.degeneralize().has_accepting_run(&g));
    let gb3 = GeneralizedBuchi {
        initial: [0].into(),
        accepting_sets: vec![[0].into(), [1].into(), [7].into()],
        transitions: t.clone(),
    };
    assert!(!gb3.has_accepting_run(&g));
    assert!(!gb3.degeneralize().has_accepting_run(&g));
    let gb0 = GeneralizedBuchi { initial: [0].into(), accepting_sets: vec![], transitions: t };
    assert!(gb0.has_accepting_run(&g));
    assert!(gb0.degeneralize().has_accepting_run(&g));
    let (trace, l) = gb.accepting_lasso(&g).unwrap();
    assert_eq!(trace[l].state, trace.last().unwrap().state);
}

#[test]
fn rule_64_equivalences_on_the_light() {
    let m = light();
    for (a, b) in
        [("(true U green)", "F green"), ("(false R known)", "G known"), ("G (true U red)", "G F red")]
    {
        assert_eq!(ltl(&m, a).ok(), ltl(&m, b).ok(), "{a} vs {b}");
    }
}

#[test]
fn rule_65_g_true_ignores_deadlock_and_fair_until() {
    // A deadlocking model: G true holds, always(true) fails by deadlock.
    let dead = Model::new(0u8).action("go", |s| *s == 0, |_| 1);
    assert!(check_ltl(&dead, &Ltl::always(Ltl::atom("true", |_| true)), &LtlOptions::new()).unwrap().ok());
    assert_eq!(patterns::always(&dead, "always", |_| true).kind, Some(Kind::Deadlock));
    // A U B: the loop on A must be left; only fairness says it is.
    let m = Model::new("A")
        .fair_action("loop", Fairness::Weak, |s| *s == "A", |s| *s)
        .fair_action("exit", Fairness::Weak, |s| *s == "A", |_| "B")
        .action("stay", |s| *s == "B", |s| *s);
    let a = Ltl::atom("A", |s: &&str| *s == "A");
    let b = Ltl::atom("B", |s: &&str| *s == "B");
    let f = a.until(b);
    let plain = check_ltl(&m, &f, &LtlOptions::new()).unwrap();
    assert!(!plain.ok(), "tags are not read by the general engine");
    let r = plain.as_safety().unwrap();
    let l = r.loop_index.unwrap();
    assert_eq!(r.trace[l].state, r.trace.last().unwrap().state);
    assert!(r.to_string().contains("--- loops forever ---"));
    let opts = |o: LtlOptions| Checker::new(&m).check_ltl(&f, &o).unwrap().ok();
    assert!(!opts(LtlOptions::new().fair(Vec::<String>::new())));
    assert!(opts(LtlOptions::new().fair(["exit"])));
    assert!(opts(LtlOptions::new().fair_strong(["exit"])));
}

#[test]
fn rule_66_reductions_keep_what_the_original_keeps() {
    let m = light();
    // G p ignores fairness (even unknown names) and keeps edge invariants.
    let with_edge = light().edge_invariant("no-stop", |_, a, _| a != "stop");
    let g = Ltl::parse("G known", colours).unwrap();
    let r = Checker::new(&with_edge).check_ltl(&g, &LtlOptions::new().fair(["nope"])).unwrap();
    assert_eq!(r.as_safety().unwrap().kind, Some(Kind::EdgeInvariant));
    // The reason is the normal-form text.
    let r = ltl(&m, "!(red U green)");
    assert_eq!(r.as_safety().unwrap().reason.as_deref(), Some("(!red R !green)"));
    // The fair path counts the last-action states.
    let f = Ltl::parse("X !green", colours).unwrap();
    let r = Checker::new(&m).check_ltl(&f, &LtlOptions::new().fair(["go"])).unwrap();
    assert_eq!(r.states_explored(), 4);
    let err = Checker::new(&m).check_ltl(&f, &LtlOptions::new().fair(["nope"])).unwrap_err();
    assert_eq!(
        err.to_string(),
        "check_ltl: unknown fair action name(s) ['nope']; actions are ['go', 'slow', 'stop']"
    );
}

#[test]
fn rule_67_nested_implication_is_expanded_not_ignored() {
    // ((red -> green) -> X red): at the start red holds and green does not, so the antecedent
    // is false and the formula holds. The original reports it violated (its tableau ignored the
    // inner implication); musil checks it. Its implication-free twin agrees.
    let m = light();
    assert!(ltl(&m, "((red -> green) -> X red)").ok());
    assert!(ltl(&m, "(!(!red | green) | X red)").ok());
    let r = ltl(&m, "F G green");
    let r = r.as_safety().unwrap();
    assert_eq!((r.loop_index, r.states_explored), (Some(0), 3));
    assert_eq!(r.action_names(), ["go", "slow", "stop"]);
}

#[test]
fn rule_68_with_last_action() {
    let m = Model::new((false, false))
        .action("req", |s| !s.0, |s| (true, s.1))
        .action("resp", |s| s.0 && !s.1, |s| (s.0, true))
        .action("drop", |s| s.0 && !s.1, |_| (false, false))
        .action("reset", |s| s.1, |_| (false, false))
        .invariant("resp-after-req", |s| !s.1 || s.0);
    let aug = with_last_action(&m);
    let taken = |n: &str| Ltl::atom(n.to_owned(), action_taken(n));
    let holds = Ltl::always(taken("resp").implies(Ltl::eventually(taken("reset"))));
    let fails = Ltl::always(taken("req").implies(Ltl::eventually(taken("resp"))));
    assert!(check_ltl(&aug, &holds, &LtlOptions::new()).unwrap().ok());
    assert!(!check_ltl(&aug, &fails, &LtlOptions::new()).unwrap().ok());
    assert_eq!(check(&aug).ok, check(&m).ok);
    assert!(explore(&aug).len() > explore(&m).len());
    // Patterns agree with their formulas.
    let p = |s: &(bool, bool)| s.1;
    let pf = Ltl::atom("P", p);
    assert_eq!(
        patterns::eventually(&m, "P", p, &Fair::tags()).unwrap().ok,
        check_ltl(&m, &Ltl::eventually(pf.clone()), &LtlOptions::new()).unwrap().ok()
    );
    assert_eq!(
        patterns::recurs(&m, "P", p, &Fair::tags()).unwrap().ok,
        check_ltl(&m, &Ltl::always(Ltl::eventually(pf)), &LtlOptions::new()).unwrap().ok()
    );
}

#[test]
fn rule_69_patterns_on_the_light() {
    let m = light();
    assert!(patterns::always(&m, "known", |s| !s.is_empty()).ok);
    assert_eq!(patterns::absent(&m, "yellow", |s| *s == "yellow").invariant.as_deref(), Some("yellow"));
    assert!(patterns::eventually(&m, "green", |s| *s == "green", &Fair::tags()).unwrap().ok);
    assert!(patterns::recurs(&m, "red", |s| *s == "red", &Fair::tags()).unwrap().ok);
    assert!(patterns::responds(&m, "red", |s| *s == "yellow", |s| *s == "red", &Fair::tags()).unwrap().ok);
    let stall = light().action("stall", |s| *s == "green", |s| *s);
    let r = patterns::responds(&stall, "red", |s| *s == "green", |s| *s == "red", &Fair::tags()).unwrap();
    assert_eq!(r.kind, Some(LivenessKind::FairCycle));
    assert_eq!(r.goal, "red");
    assert!(
        patterns::responds(&stall, "red", |s| *s == "green", |s| *s == "red", &Fair::tags().fair(["slow"]))
            .unwrap()
            .ok
    );
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Node {
    attached: bool,
    data_ok: bool,
    serving: bool,
}

#[test]
fn open_liveness_storage_recovery_and_stall() {
    use musil::open::environments::storage::block_volume_faults;
    let node = Model::new(Node { attached: false, data_ok: true, serving: false })
        .action("attach", |s| !s.attached, |s| Node { attached: true, ..s.clone() })
        .action("serve", |s| s.attached && s.data_ok && !s.serving, |s| Node { serving: true, ..s.clone() })
        .action("reattach", |s| s.attached && !s.data_ok, |s| Node { data_ok: true, ..s.clone() })
        .terminal(|s| s.serving);
    let env = block_volume_faults()
        .wrong_attach(|s: &Node| s.attached && !s.serving, |s| Node { data_ok: false, ..s.clone() })
        .build()
        .unwrap();
    let goal = |s: &Node| s.serving;
    let strong = check_liveness_open(
        &node,
        std::slice::from_ref(&env),
        &Liveness::eventually(goal).fair_strong(["serve"]),
    )
    .unwrap();
    assert_eq!(strong.result.to_string(), "OK — eventually 'goal' on every run (4 states)");
    let weak = check_liveness_open(&node, std::slice::from_ref(&env), &Liveness::eventually(goal)).unwrap();
    assert_eq!(weak.result.kind, Some(LivenessKind::FairCycle));
    assert_eq!(weak.result.action_names(), ["attach", "storage:wrong-volume-attached", "reattach"]);
    assert_eq!(weak.result.states_explored, 4);

    // §4.5: a stall behaviour, unfair by default.
    let sys = Model::new(0u8)
        .action("advance", |n| *n < 2, |n| n + 1)
        .invariant("bounded", |n| *n <= 2)
        .terminal(|n| *n == 2);
    let stall = EnvironmentSpec::new("stall")
        .behaviour("stall", |n: &u8| *n == 1, |_| 1)
        .guarantee("bounded", |n: &u8| *n <= 2)
        .assumption(Assumption::new("sched", "the stall cannot persist forever"));
    let envs = [stall];
    let r = check_liveness_open(&sys, &envs, &Liveness::eventually(|n| *n == 2)).unwrap();
    assert_eq!(
        r.to_string(),
        "OK — eventually 'goal' on every run (3 states)\nUnverified assumptions (residual proof obligations):\n  [unverified] sched: the stall cannot persist forever"
    );
    let unfair =
        check_liveness_open(&sys, &envs, &Liveness::eventually(|n| *n == 2).fair(Vec::<String>::new()))
            .unwrap();
    assert_eq!(unfair.result.kind, Some(LivenessKind::FairCycle));
    assert!(unfair.result.to_string().contains("  ↺ stall: 1"));
    assert!(check_open(&sys, &envs).ok());
    let none = check_liveness_open(&sys, &[], &Liveness::eventually(|n| *n == 2)).unwrap();
    assert!(none.ok() && none.unverified_assumptions.is_empty());
    assert_ok!(none);
    let err =
        check_liveness_open(&sys, &envs, &Liveness::eventually(|n| *n == 2).fair(["nope"])).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::UnknownAction);
}

/// A ring of `n` states with an exit from state 0 to the dead end `n`, hand-written so a
/// 10^6-state graph costs little to build.
struct Ring(u32);

impl TransitionSystem for Ring {
    type State = u32;
    fn initial_states(&self) -> Vec<u32> {
        vec![0]
    }
    fn successors<F>(&self, s: &u32, mut emit: F) -> std::ops::ControlFlow<()>
    where
        F: FnMut(musil::ActionId, u32) -> std::ops::ControlFlow<()>,
    {
        if *s == self.0 {
            return std::ops::ControlFlow::Continue(());
        }
        emit(musil::ActionId::new(0), (s + 1) % self.0)?;
        if *s == 0 {
            return emit(musil::ActionId::new(1), self.0);
        }
        std::ops::ControlFlow::Continue(())
    }
    fn action_name(&self, a: musil::ActionId) -> &str {
        ["next", "exit"][a.index()]
    }
}

/// Nothing to check but what each test asks.
impl musil::Properties<u32> for Ring {}

#[test]
fn a_single_million_state_cycle() {
    let ring = Ring(1_000_000);
    let out = |s: &u32| *s == 1_000_000;
    let checker = Checker::new(&ring).max_states(2_000_000);
    let r = checker.check_liveness(&Liveness::eventually(out)).unwrap();
    assert_eq!(r.kind, Some(LivenessKind::FairCycle));
    assert_eq!(r.cycle.len(), 1_000_000);
    assert!(checker.check_liveness(&Liveness::eventually(out).fair_strong(["exit"])).unwrap().ok);
    assert!(
        !checker.check_liveness(&Liveness::eventually(out).fair(["exit"])).unwrap().ok,
        "weak fairness does not force an exit enabled in one state only"
    );
    assert!(!checker.check_liveness(&Liveness::always_eventually(|s| *s == 999_999)).unwrap().ok);
    // Every run exits or keeps passing zero: the general engine proves it over the product.
    let zero = Ltl::atom("zero", |s: &u32| *s == 0);
    let f = Ltl::eventually(Ltl::atom("out", out)).or(Ltl::always(Ltl::eventually(zero)));
    let opts = LtlOptions::new();
    assert!(checker.check_ltl(&f, &opts).unwrap().ok());
    // (zero U out) fails: the ring leaves zero and never exits; the lasso is a million steps.
    let fg =
        checker.check_ltl(&Ltl::atom("zero", |s: &u32| *s == 0).until(Ltl::atom("out", out)), &opts).unwrap();
    assert!(!fg.ok());
    assert_eq!(fg.states_explored(), 1_000_001);
    let lasso = fg.as_safety().unwrap();
    assert_eq!(lasso.trace[lasso.loop_index.unwrap()].state, lasso.trace.last().unwrap().state);
}
