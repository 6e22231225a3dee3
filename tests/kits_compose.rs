//! The compose kit's rules, one test each, through the public API (§5.3).

use musil::kits::compose::{Composite, compose};
use musil::{Action, Fairness, Kind, Model, check, explore};

fn toggle() -> Model<bool> {
    Model::new(false).action("on", |s| !*s, |_| true).action("off", |s| *s, |_| false)
}

fn names<S: musil::State>(m: &Model<S>) -> Vec<String> {
    m.static_action_list().iter().map(|a| a.name().to_owned()).collect()
}

#[test]
fn two_toggles_interleave_into_four_states() {
    let m = compose([("a", toggle()), ("b", toggle())]).build().unwrap();
    assert_eq!(check(&m).to_string(), "OK — 4 states, no violations");
    assert_eq!(explore(&m).len(), 4);
}

#[test]
fn components_are_sorted_by_name_and_actions_prefixed_in_their_order() {
    let m = compose([("zeta", toggle()), ("alpha", toggle())]).build().unwrap();
    assert_eq!(names(&m), ["alpha:on", "alpha:off", "zeta:on", "zeta:off"]);
    let init = &m.initial()[0];
    let order: Vec<&str> = init.parts.iter().map(|(n, _)| n.as_ref()).collect();
    assert_eq!(order, ["alpha", "zeta"]);
}

#[test]
fn initial_states_are_the_product_in_sorted_name_order() {
    let z = Model::with_initial_states([0u8, 1]).action("x", |_| false, |s| *s);
    let a = Model::with_initial_states([10u8, 11]).action("y", |_| false, |s| *s);
    let m = compose([("z", z), ("a", a)]).build().unwrap();
    let inits: Vec<(u8, u8)> = m.initial().iter().map(|c| (c["a"], c["z"])).collect();
    assert_eq!(inits, [(10, 0), (10, 1), (11, 0), (11, 1)]);
}

#[test]
fn a_component_action_guards_and_changes_only_its_slice() {
    let m = compose([("a", toggle()), ("b", toggle())]).build().unwrap();
    let acts = m.static_action_list();
    let a_on = &acts[0];
    let both_off = Composite::new([("a", false), ("b", false)]);
    let b_on = Composite::new([("a", false), ("b", true)]);
    assert!(a_on.is_enabled(&b_on));
    assert_eq!(a_on.apply(&b_on), Composite::new([("a", true), ("b", true)]));
    assert!(!a_on.is_enabled(&a_on.apply(&both_off)));
}

#[test]
fn fairness_tags_are_dropped() {
    let fair = Model::new(false).add_action(Action::new("go", |s: &bool| !*s, |_| true).fair(Fairness::Weak));
    let m = compose([("c", fair)]).build().unwrap();
    assert_eq!(m.static_action_list()[0].fairness(), None);
}

#[test]
fn a_joint_invariant_sees_every_slice() {
    let m = compose([("a", toggle()), ("b", toggle())])
        .invariant("not-both-on", |c| !(c["a"] && c["b"]))
        .build()
        .unwrap();
    let r = check(&m);
    assert_eq!((r.kind, r.invariant.as_deref()), (Some(Kind::Invariant), Some("not-both-on")));
    assert_eq!(r.action_names(), ["a:on", "b:on"]);
    assert_eq!(r.states_explored, 4);
}

fn counter() -> Model<u8> {
    Model::new(0u8)
        .action("inc", |n| *n < 2, |n| n + 1)
        .invariant("under-2", |n| *n < 2)
        .terminal(|n| *n == 2)
}

#[test]
fn component_invariants_are_lifted_on_their_slice_under_the_component_name() {
    let r = check(&compose([("c", counter()), ("d", Model::new(9u8).terminal(|_| true))]).build().unwrap());
    assert_eq!(r.invariant.as_deref(), Some("c:under-2"));
    assert_eq!(r.action_names(), ["c:inc", "c:inc"]);
}

#[test]
fn lifted_invariants_come_first_and_a_joint_one_of_the_same_name_replaces_it_in_place() {
    let m = compose([("c", counter())]).invariant("late", |c| c["c"] < 2).build().unwrap();
    let invs: Vec<&str> = m.invariant_list().iter().map(|i| i.name()).collect();
    assert_eq!(invs, ["c:under-2", "late"]);
    // Both break at the same state: the lifted one is checked first.
    assert_eq!(check(&m).invariant.as_deref(), Some("c:under-2"));
    // The original merges the joint invariants into the lifted ones as a dict update.
    let m = compose([("c", counter())])
        .invariant("j", |_| true)
        .invariant("c:under-2", |_| true)
        .build()
        .unwrap();
    let invs: Vec<&str> = m.invariant_list().iter().map(|i| i.name()).collect();
    assert_eq!(invs, ["c:under-2", "j"]);
    assert_eq!(check(&m).to_string(), "OK — 3 states, no violations");
}

#[test]
fn the_composite_is_terminal_only_when_every_slice_is() {
    let one_shot = || Model::new(false).action("finish", |s| !*s, |_| true).terminal(|s| *s);
    let m = compose([("x", one_shot()), ("y", one_shot())]).build().unwrap();
    assert_eq!(check(&m).to_string(), "OK — 4 states, no violations");
    // One component never terminal: its finished state is a deadlock of the whole.
    let never = Model::new(false).action("finish", |s| !*s, |_| true);
    let r = check(&compose([("x", one_shot()), ("y", never)]).build().unwrap());
    assert_eq!(r.kind, Some(Kind::Deadlock));
}

#[test]
fn a_hand_built_composite_keeps_its_order_and_with_part_ignores_unknown_names() {
    let c = Composite::new([("b", 1), ("a", 2)]);
    let order: Vec<&str> = c.parts.iter().map(|(n, _)| n.as_ref()).collect();
    assert_eq!(order, ["b", "a"]);
    assert_eq!(c.with_part("a", 7)["a"], 7);
    assert_eq!(c.with_part("b", 7)["a"], 2);
    assert_eq!(c.with_part("zz", 7), c);
}
