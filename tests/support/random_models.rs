//! Random models over states `0..n`, shared by the tests that compare two ways of running one
//! model (`inplace_effects.rs`, `compact_store.rs`): drawn actions, invariants, an edge
//! invariant, terminal states, a canonical form, a key and a cap, each action's effect written
//! as an edit and given in the form asked for.

#![allow(dead_code)]

use musil::{Action, Model, State, Verdict};
use proptest::prelude::*;

/// How a model's actions are written.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Form {
    /// Every effect makes a new state.
    Plain,
    /// Every effect edits in place.
    InPlace,
    /// Odd-numbered actions edit in place, the others make a new state.
    Mixed,
}

/// An action written once as an edit, in the form `form` asks for (`k`: its number).
pub fn act<S: State>(
    form: Form,
    k: usize,
    name: impl Into<String>,
    guard: impl Fn(&S) -> bool + Send + Sync + 'static,
    edit: impl Fn(&mut S) + Send + Sync + 'static,
) -> Action<S> {
    let in_place = match form {
        Form::Plain => false,
        Form::InPlace => true,
        Form::Mixed => k % 2 == 1,
    };
    if in_place {
        Action::in_place(name, guard, edit)
    } else {
        Action::new(name, guard, move |s: &S| {
            let mut next = s.clone();
            edit(&mut next);
            next
        })
    }
}

/// A random model over states `0..n`, each shown as a vector whose length varies with the
/// state (so a refill grows and shrinks a spare state's buffer).
#[derive(Clone, Debug)]
pub struct Spec {
    pub init: Vec<u8>,
    /// Per action: its successor per state (`None`: disabled; `Some(None)`: it panics), and
    /// whether it edits in place.
    pub actions: Vec<(Vec<Option<Option<u8>>>, bool)>,
    /// Per invariant: the states that break it.
    pub invariants: Vec<Vec<bool>>,
    /// Bad (from, action, to) triples of one edge invariant.
    pub bad_edges: Vec<(u8, usize, u8)>,
    pub terminal: Vec<bool>,
    pub canon: Option<Vec<u8>>,
    pub key: Option<Vec<u8>>,
    pub cap: usize,
}

pub fn shown(x: u8) -> Vec<u8> {
    vec![x; x as usize % 3 + 1]
}

pub fn spec() -> impl Strategy<Value = Spec> {
    (2u8..10).prop_flat_map(|n| {
        let state = 0..n;
        let succ = prop::collection::vec(
            prop::option::weighted(0.6, prop::option::weighted(0.97, state.clone())),
            n as usize,
        );
        (
            prop::collection::vec(state.clone(), 1..4),
            prop::collection::vec((succ, any::<bool>()), 0..5),
            prop::collection::vec(prop::collection::vec(prop::bool::weighted(0.1), n as usize), 0..3),
            prop::collection::vec((state.clone(), 0usize..5, state.clone()), 0..3),
            prop::collection::vec(any::<bool>(), n as usize),
            prop::option::of(prop::collection::vec(state.clone(), n as usize)),
            prop::option::of(prop::collection::vec(state, n as usize)),
            prop_oneof![Just(1_000_000usize), 0usize..8],
        )
            .prop_map(move |(init, actions, invariants, bad_edges, terminal, canon, key, cap)| {
                Spec { init, actions, invariants, bad_edges, terminal, canon, key, cap }
            })
    })
}

/// The spec's model, every effect in place when `in_place` is `Some(true)`, none when
/// `Some(false)`, and as the spec draws it when `None`.
pub fn model(spec: &Spec, in_place: Option<bool>) -> Model<Vec<u8>> {
    let mut m = Model::with_initial_states(spec.init.iter().map(|&x| shown(x)));
    for (k, (table, drawn)) in spec.actions.iter().enumerate() {
        let (t1, t2) = (table.clone(), table.clone());
        let form = if in_place.unwrap_or(*drawn) { Form::InPlace } else { Form::Plain };
        m = m.add_action(act(
            form,
            k,
            format!("a{k}"),
            move |s: &Vec<u8>| t1[s[0] as usize].is_some(),
            move |s| match t2[s[0] as usize] {
                Some(Some(y)) => {
                    s.clear();
                    s.extend(shown(y));
                }
                _ => panic!("a{k} panics at {}", s[0]),
            },
        ));
    }
    for (i, bad) in spec.invariants.iter().enumerate() {
        let bad = bad.clone();
        m = m.invariant(format!("inv{i}"), move |s: &Vec<u8>| {
            if bad[s[0] as usize] { Verdict::Violated(Some(format!("at {}", s[0]))) } else { Verdict::Holds }
        });
    }
    if !spec.bad_edges.is_empty() {
        let bad = spec.bad_edges.clone();
        m = m.edge_invariant("edges", move |a: &Vec<u8>, name: &str, b: &Vec<u8>| {
            !bad.iter().any(|&(x, k, y)| x == a[0] && y == b[0] && name == format!("a{k}"))
        });
    }
    let terminal = spec.terminal.clone();
    m.terminal(move |s| terminal[s[0] as usize])
}
