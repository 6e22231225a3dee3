//! The compact store (`musil::compact::Compact`: every state kept as its encoding) checks
//! exactly as the plain one: the same verdicts, counts, transitions, traces (read back with
//! `Packed::unpack`) and graphs, with one worker and two, in exact and fingerprint mode, with
//! canonical forms, keys, caps, edge invariants, panics and in-place effects; on random models
//! (a proptest) and on the shared benchmark models with heap-holding states.

#[path = "../benches/common/models.rs"]
mod models;
#[path = "support/random_models.rs"]
mod random_models;
#[path = "support/runs.rs"]
mod runs;

use std::fmt::Debug;

use musil::compact::{Compact, Packed, Postcard};
use musil::{CheckResult, Checker, Kind, Liveness, Model, System, check_liveness};
use proptest::prelude::*;
use random_models::{Spec, model, shown, spec};
use runs::runs;

/// The plain system and its compact form agree in every run, and two workers with one; the
/// plain check's result with one worker in exact mode.
fn agree<'a, T, S, C, const N: usize>(
    plain: &'a T,
    compact: &'a Compact<&'a T, C, N>,
    tune: impl Fn(Checker<'a, T>) -> Checker<'a, T>,
    tune_compact: impl Fn(Checker<'a, Compact<&'a T, C, N>>) -> Checker<'a, Compact<&'a T, C, N>>,
) -> CheckResult<S>
where
    T: System<State = S>,
    S: musil::State + PartialEq + Debug,
    C: musil::compact::Codec<S>,
    Packed<S, C, N>: Debug,
{
    let (checks, graphs) = runs(plain, &tune, S::clone);
    assert_eq!(checks[2..], checks[..2], "two workers");
    assert_eq!(graphs[1], graphs[0], "the graph with two workers");
    let (c, g) = runs(compact, &tune_compact, Packed::unpack);
    assert_eq!(c, checks, "compact");
    assert_eq!(g, graphs, "compact graph");
    checks.into_iter().next().expect("a run").result
}

type Small<'a> = Compact<&'a Model<Vec<u8>>, Postcard, 4>;

/// The spec's canonical form, key and cap, on plain states.
fn tuned<'a>(spec: &Spec, c: Checker<'a, Model<Vec<u8>>>) -> Checker<'a, Model<Vec<u8>>> {
    let mut c = c.max_states(spec.cap);
    if let Some(t) = spec.canon.clone() {
        c = c.canonicalize(move |s| shown(t[s[0] as usize]));
    }
    if let Some(t) = spec.key.clone() {
        c = c.key(move |s| t[s[0] as usize]);
    }
    c
}

/// The same, on packed states (decoded to be read).
fn tuned_compact<'a>(spec: &Spec, c: Checker<'a, Small<'a>>) -> Checker<'a, Small<'a>> {
    let mut c = c.max_states(spec.cap);
    if let Some(t) = spec.canon.clone() {
        c = c.canonicalize(move |p| Packed::pack(&shown(t[p.unpack()[0] as usize])).expect("fits"));
    }
    if let Some(t) = spec.key.clone() {
        c = c.key(move |p| t[p.unpack()[0] as usize]);
    }
    c
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn the_compact_store_agrees_on_random_models(spec in spec()) {
        for in_place in [Some(false), None] {
            let m = model(&spec, in_place);
            let packed: Small<'_> = Compact::new(&m);
            let (checks, graphs) = runs(&m, &|c| tuned(&spec, c), Vec::clone);
            prop_assert_eq!(&checks[2..], &checks[..2]);
            let (c, g) = runs(&packed, &|c| tuned_compact(&spec, c), Packed::unpack);
            prop_assert_eq!(&c, &checks, "in place: {:?}", in_place);
            prop_assert_eq!(&g, &graphs, "in place: {:?}", in_place);
        }
    }
}

#[test]
fn two_phase_commit_with_heap_states_agrees() {
    use models::{TwoPhase, TwoPhaseInPlace};
    for n in [3, 4] {
        let plain = TwoPhase { n };
        let in_place = TwoPhaseInPlace(TwoPhase { n });
        let r = agree(&plain, &Compact::<_, Postcard, 21>::new(&plain), |c| c, |c| c);
        assert!(r.ok);
        // Successors built in spare states, then packed.
        let (checks, graphs) = runs(&plain, &|c| c, Clone::clone);
        let (c, g) = runs(&Compact::<_, Postcard, 21>::new(&in_place), &|c| c, Packed::unpack);
        assert_eq!(c, checks);
        assert_eq!(g, graphs);
    }
    assert_eq!(musil::check(&Compact::<_, Postcard, 21>::new(TwoPhase { n: 4 })).states_explored, 1568);
}

#[test]
fn strings_and_maps_agree_with_a_violation() {
    let mut m = models::registry_model(3, true);
    m = m.invariant("svc-1 not held by client 1", |s| s.owners.get("svc-1") != Some(&1));
    let packed: Compact<_, Postcard, 40> = Compact::new(&m);
    let r = agree(&m, &Compact::<_, Postcard, 40>::new(&m), |c| c, |c| c);
    assert!(!r.ok);
    assert_eq!(r.invariant.as_deref(), Some("svc-1 not held by client 1"));
    let shown = musil::check(&packed);
    assert_eq!(shown.to_string(), r.to_string(), "a packed trace prints as the plain one");
}

#[test]
fn a_panic_is_a_result_naming_the_action_with_its_trace() {
    let m = Model::new(vec![0u8])
        .action_in_place("inc", |s: &Vec<u8>| s[0] < 3, |s| s[0] += 1)
        .action_in_place("boom", |s: &Vec<u8>| s[0] == 2, |_| panic!("boom at two"));
    let plain = musil::check(&m);
    let packed = musil::check(&Compact::<_, Postcard, 4>::new(&m)).map_states(|p| p.unpack());
    assert_eq!(plain.kind, Some(Kind::Panic));
    assert_eq!(packed, plain);
}

#[test]
fn liveness_agrees() {
    type P4 = Packed<Vec<u8>, Postcard, 4>;
    // Without fairness, stalling at 2 forever keeps 3 away: a lasso.
    let m = Model::new(vec![0u8])
        .action_in_place("tick", |_: &Vec<u8>| true, |s| s[0] = (s[0] + 1) % 4)
        .action_in_place("stall", |s: &Vec<u8>| s[0] == 2, |_| {});
    let plain = check_liveness(&m, &Liveness::eventually(|s: &Vec<u8>| s[0] == 3)).expect("a valid spec");
    let packed = check_liveness(
        &Compact::<_, Postcard, 4>::new(&m),
        &Liveness::eventually(|s: &P4| s.unpack()[0] == 3),
    )
    .expect("a valid spec");
    assert!(!plain.ok);
    assert_eq!(
        (packed.ok, packed.states_explored, packed.kind),
        (plain.ok, plain.states_explored, plain.kind)
    );
    let steps =
        |t: &[musil::Step<P4>]| t.iter().map(|s| (s.action.clone(), s.state.unpack())).collect::<Vec<_>>();
    let plain_steps = |t: &[musil::Step<Vec<u8>>]| {
        t.iter().map(|s| (s.action.clone(), s.state.clone())).collect::<Vec<_>>()
    };
    assert_eq!(steps(&packed.stem), plain_steps(&plain.stem));
    assert_eq!(steps(&packed.cycle), plain_steps(&plain.cycle));
}
