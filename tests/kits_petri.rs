//! The petri kit's rules, one test each, through the public API (§5.7).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use musil::kits::petri::{
    PetriNet, assert_place_invariant, petri_actions, petri_guard, place_invariant_violations,
    place_invariants,
};
use musil::{Model, check};

type Marking = BTreeMap<String, i64>;

fn marking(pairs: &[(&str, i64)]) -> Marking {
    pairs.iter().map(|(p, k)| ((*p).to_owned(), *k)).collect()
}

fn tokens(s: &Marking, p: &str) -> i64 {
    s.get(p).copied().unwrap_or(0)
}

fn deposit(s: &Marking, p: &str, d: i64) -> Marking {
    let mut s = s.clone();
    *s.entry(p.to_owned()).or_default() += d;
    s.retain(|_, k| *k != 0);
    s
}

fn roastery() -> PetriNet {
    PetriNet::new([
        ("roast", vec![("green", 4)], vec![("roasted", 3), ("loss", 1)]),
        ("grind", vec![("roasted", 1)], vec![("ground", 1)]),
    ])
    .unwrap()
}

/// Each basis vector as (place, weight text) pairs.
fn shown(net: &PetriNet) -> Vec<Vec<(String, String)>> {
    place_invariants(net)
        .iter()
        .map(|v| v.iter().map(|(p, w)| (p.clone(), w.to_string())).collect())
        .collect()
}

fn row(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(p, w)| ((*p).to_owned(), (*w).to_owned())).collect()
}

#[test]
fn delta_nets_a_place_out_inputs_first_then_new_outputs() {
    let n = PetriNet::new([("t", vec![("x", 1), ("y", 1)], vec![("z", 2), ("x", 3), ("y", 1)])]).unwrap();
    assert_eq!(n.delta("t").unwrap(), [("x", 2), ("y", 0), ("z", 2)]);
    assert_eq!(n.places(), ["x", "y", "z"]);
}

#[test]
fn a_transition_needs_every_input_token() {
    let acts = petri_actions(&roastery(), tokens, deposit).build();
    assert!(!acts[0].is_enabled(&marking(&[("green", 3)])));
    assert!(acts[0].is_enabled(&marking(&[("green", 4)])));
    assert!(!acts[1].is_enabled(&marking(&[("green", 8)])));
}

#[test]
fn a_firing_deposits_only_the_nonzero_changes_in_delta_order() {
    let n = PetriNet::new([("t", vec![("x", 1), ("y", 1)], vec![("z", 2), ("x", 3), ("y", 1)])]).unwrap();
    let log = Arc::new(Mutex::new(Vec::new()));
    let seen = log.clone();
    let acts = petri_actions(&n, tokens, move |s: &Marking, p: &str, d| {
        seen.lock().unwrap().push(format!("{p}{d:+}"));
        deposit(s, p, d)
    })
    .build();
    let after = acts[0].apply(&marking(&[("x", 1), ("y", 1)]));
    assert_eq!(after, marking(&[("x", 3), ("y", 1), ("z", 2)]));
    assert_eq!(*log.lock().unwrap(), ["x+2", "z+2"]);
}

#[test]
fn capacity_counts_every_place_the_firing_touches_and_only_those() {
    let n =
        PetriNet::new([("loop", vec![("a", 1)], vec![("a", 1)]), ("other", vec![("b", 1)], vec![])]).unwrap();
    // `a` is over its bound already, so even a zero-change firing is refused; `c` is touched by
    // nothing, so its bound (0) refuses nothing.
    let g = petri_guard(&n, tokens).capacity([("a", 1), ("c", 0)]);
    assert_eq!(g.enabled(&marking(&[("a", 1), ("b", 1)])), ["loop", "other"]);
    assert_eq!(g.enabled(&marking(&[("a", 2), ("b", 1)])), ["other"]);
    let roast = petri_actions(&roastery(), tokens, deposit).capacity([("roasted", 3)]).build();
    assert!(roast[0].is_enabled(&marking(&[("green", 8)])));
    assert!(!roast[0].is_enabled(&marking(&[("green", 8), ("roasted", 2)])));
}

#[test]
fn also_is_one_more_precondition_of_every_transition() {
    let g = petri_guard(&roastery(), tokens).also(|s: &Marking| tokens(s, "closed") == 0);
    assert_eq!(g.enabled(&marking(&[("green", 4), ("roasted", 1)])), ["roast", "grind"]);
    assert!(g.enabled(&marking(&[("green", 4), ("roasted", 1), ("closed", 1)])).is_empty());
}

#[test]
fn enabled_and_terminal_agree() {
    let g = petri_guard(&roastery(), tokens);
    assert_eq!(g.enabled(&marking(&[("green", 8)])), ["roast"]);
    assert_eq!(g.enabled(&marking(&[("green", 4), ("roasted", 3)])), ["roast", "grind"]);
    let terminal = g.terminal_fn();
    assert!(terminal(&marking(&[("ground", 5), ("loss", 1)])));
    assert!(!terminal(&marking(&[("green", 4)])));
}

#[test]
fn the_roastery_from_eight_green_checks_with_its_conservation_laws() {
    let firing = petri_actions(&roastery(), tokens, deposit);
    let names: Vec<String> =
        firing.guard().enabled(&marking(&[("green", 8)])).iter().map(|s| s.to_string()).collect();
    assert_eq!(names, ["roast"]);
    let m = Model::new(marking(&[("green", 8)]))
        .terminal(firing.guard().terminal_fn())
        .actions(firing)
        .invariant("mass", |s| s.values().sum::<i64>() == 8)
        .invariant("no-negative", |s| s.values().all(|k| *k >= 0))
        .invariant("green+4loss", |s| tokens(s, "green") + 4 * tokens(s, "loss") == 8);
    assert_eq!(check(&m).to_string(), "OK — 12 states, no violations");
}

#[test]
fn the_invariant_basis_is_the_originals() {
    assert_eq!(
        shown(&roastery()),
        [
            row(&[("green", "1"), ("ground", "0"), ("loss", "4"), ("roasted", "0")]),
            row(&[("green", "3"), ("ground", "4"), ("loss", "0"), ("roasted", "4")]),
        ]
    );
    for v in place_invariants(&roastery()) {
        assert_place_invariant(&roastery(), v, None);
    }
    // Scaled to the smallest integers, the first weight positive, later ones may be negative.
    let cycle = PetriNet::new([
        ("t1", vec![("a", 2)], vec![("b", 3)]),
        ("t2", vec![("b", 1), ("c", 1)], vec![("a", 1)]),
    ])
    .unwrap();
    assert_eq!(shown(&cycle), [row(&[("a", "3"), ("b", "2"), ("c", "1")])]);
    let split = PetriNet::new([
        ("split", vec![("x", 3)], vec![("y", 2), ("z", 1)]),
        ("merge", vec![("y", 1), ("z", 1)], vec![("x", 1)]),
    ])
    .unwrap();
    assert_eq!(shown(&split), [row(&[("x", "1"), ("y", "2"), ("z", "-1")])]);
    let idle = PetriNet::new([("idle", Vec::<(&str, i64)>::new(), vec![])]).unwrap();
    assert!(place_invariants(&idle).is_empty());
}

#[test]
fn a_weighting_that_is_not_kept_names_each_offender_signed_and_sorted() {
    let split = PetriNet::new([
        ("split", vec![("x", 3)], vec![("y", 2), ("z", 1)]),
        ("merge", vec![("y", 1), ("z", 1)], vec![("x", 1)]),
    ])
    .unwrap();
    let text = std::panic::catch_unwind(|| {
        assert_place_invariant(&split, [("x", 1), ("y", 1), ("z", 1)], Some("M"))
    })
    .unwrap_err()
    .downcast::<String>()
    .unwrap();
    assert_eq!(
        *text,
        "M\nweights are not a place-invariant; these transitions change the weighted total: merge (-1)"
    );
    let offenders = place_invariant_violations(&split, [("x", 1)]).unwrap();
    let listed: Vec<(&str, String)> = offenders.iter().map(|(t, c)| (t.as_str(), c.to_string())).collect();
    assert_eq!(listed, [("merge", "1".to_owned()), ("split", "-3".to_owned())]);
}
