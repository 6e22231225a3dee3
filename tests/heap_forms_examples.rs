//! Every example whose check runs through a `Model` checks alike in its three forms (issue 19,
//! item 4): the plain model, the same model with every effect in place
//! (`Model::effects_in_place`) and the compact store (`Compact<_, _, N>`, every state kept as
//! its postcard encoding). Compared: `check` (verdict, count, trace, transitions),
//! `check_all(DistinctBy::Invariant)` and the `explore`d graph, with one worker and two (every
//! level parallel), in exact and fingerprint mode, under the example's own options; and what
//! the example checks beyond safety (liveness, LTL, probabilities, open systems) where the
//! analysis takes any system, or at least in the in-place form where it takes a `Model` only
//! or where its formula is written over plain states.
//!
//! Examples without a `Model` are not here: `byzantine_service` and `partition_heal` are
//! simulations of nodes (no state space to search).

#[allow(dead_code)]
#[path = "../examples/alternating_bit.rs"]
mod alternating_bit;
#[allow(dead_code)]
#[path = "../examples/arbiter_fairness.rs"]
mod arbiter_fairness;
#[allow(dead_code)]
#[path = "../examples/availability.rs"]
mod availability;
#[allow(dead_code)]
#[path = "../examples/cosim_master_scaling.rs"]
mod cosim_master_scaling;
#[allow(dead_code)]
#[path = "../examples/coverage_vacuity.rs"]
mod coverage_vacuity;
#[allow(dead_code)]
#[path = "../examples/dining_philosophers.rs"]
mod dining_philosophers;
#[allow(dead_code)]
#[path = "../examples/distributed_kit.rs"]
mod distributed_kit;
#[allow(dead_code)]
#[path = "../examples/gamblers_ruin.rs"]
mod gamblers_ruin;
#[allow(dead_code)]
#[path = "../examples/induction.rs"]
mod induction;
#[allow(dead_code)]
#[path = "../examples/k8s_scheduler.rs"]
mod k8s_scheduler;
#[allow(dead_code)]
#[path = "../examples/leader_election.rs"]
mod leader_election;
#[allow(dead_code)]
#[path = "../examples/lossy_retry.rs"]
mod lossy_retry;
#[allow(dead_code)]
#[path = "../examples/lost_update.rs"]
mod lost_update;
#[allow(dead_code)]
#[path = "../examples/ltl_properties.rs"]
mod ltl_properties;
#[allow(dead_code)]
#[path = "../examples/monty_hall.rs"]
mod monty_hall;
#[allow(dead_code)]
#[path = "../examples/mutex.rs"]
mod mutex;
#[allow(dead_code)]
#[path = "../examples/open_system_composed.rs"]
mod open_system_composed;
#[allow(dead_code)]
#[path = "../examples/partial_order.rs"]
mod partial_order;
#[allow(dead_code)]
#[path = "../examples/producer_consumer.rs"]
mod producer_consumer;
#[allow(dead_code)]
#[path = "../examples/route_delivery.rs"]
mod route_delivery;
#[allow(dead_code)]
#[path = "../examples/server_utilization.rs"]
mod server_utilization;
#[allow(dead_code)]
#[path = "../examples/service_lifecycle.rs"]
mod service_lifecycle;
#[allow(dead_code)]
#[path = "../examples/traffic_light.rs"]
mod traffic_light;

use std::collections::BTreeSet;
use std::fmt::Debug;
use std::sync::{Arc, Mutex};

use musil::compact::{Codec, Compact, Packed, Postcard};
use musil::history::{action_taken, with_last_action};
use musil::probabilistic::{Optimize, Prob, Ratio};
use musil::{
    CheckResult, Checker, DistinctBy, Liveness, LivenessResult, Ltl, LtlOptions, Model, Predicate, State,
    Step, System, TransitionSystem, Violations,
};

/// Postcard for states that borrow `&'static str` (they deserialize only from `'static`
/// bytes): each distinct encoding is copied once into leaked memory and decoded from there.
/// The examples' models are small, so the leak is bounded by their state counts.
struct Leaked;

impl<T: serde::Serialize + serde::Deserialize<'static>> Codec<T> for Leaked {
    fn encode(state: &T, out: &mut Vec<u8>) {
        out.extend(postcard::to_allocvec(state).expect("the example's state encodes"));
    }

    fn encode_into(state: &T, buf: &mut [u8]) -> Option<usize> {
        postcard::to_slice(state, buf).ok().map(|b| b.len())
    }

    fn decode(bytes: &[u8]) -> T {
        static SEEN: Mutex<BTreeSet<&'static [u8]>> = Mutex::new(BTreeSet::new());
        let mut seen = SEEN.lock().unwrap_or_else(|e| e.into_inner());
        let bytes: &'static [u8] = match seen.get(bytes) {
            Some(b) => b,
            None => {
                let b: &'static [u8] = Box::leak(bytes.to_vec().into_boxed_slice());
                seen.insert(b);
                b
            }
        };
        drop(seen);
        postcard::from_bytes(bytes).expect("a packed state decodes")
    }
}

/// A canonical form (a symmetry reduction) on plain states.
type Canonical<S> = Arc<dyn Fn(&S) -> S + Send + Sync>;

/// The example's own search options, on plain states: of those the examples use (no example
/// sets a key or a cap), a canonical form.
struct Tuning<S> {
    canonicalize: Option<Canonical<S>>,
}

impl<S> Default for Tuning<S> {
    fn default() -> Self {
        Tuning { canonicalize: None }
    }
}

impl<S: State> Tuning<S> {
    fn plain<'a>(&self, mut c: Checker<'a, Model<S>>) -> Checker<'a, Model<S>> {
        if let Some(f) = self.canonicalize.clone() {
            c = c.canonicalize(move |s| f(s));
        }
        c
    }

    /// The same options on packed states: the canonical form of the decoded state, packed.
    fn packed<'a, C: Codec<S>, const N: usize>(
        &self,
        mut c: Checker<'a, Compact<&'a Model<S>, C, N>>,
    ) -> Checker<'a, Compact<&'a Model<S>, C, N>> {
        if let Some(f) = self.canonicalize.clone() {
            c = c.canonicalize(move |p: &Packed<S, C, N>| Packed::pack(&f(&p.unpack())).expect("fits"));
        }
        c
    }
}

/// A graph as (states in discovery order, edges per state by action name and target, cut).
type Shape<S> = (Vec<S>, Vec<Vec<(String, S)>>, bool);

/// What one configuration gives, its states read back as plain states.
#[derive(Debug, PartialEq)]
struct Run<S> {
    workers: usize,
    fingerprint: bool,
    result: CheckResult<S>,
    transitions: u64,
    all: Option<Violations<S>>,
    graph: Shape<S>,
}

/// `check` (with its transition count), `check_all` (when `all`) and `explore`, with 1 and 2
/// workers (every level parallel), exact and fingerprint mode; each state passed through
/// `plain`.
fn runs<'a, T: System, S>(
    sys: &'a T,
    tune: &dyn Fn(Checker<'a, T>) -> Checker<'a, T>,
    plain: &dyn Fn(&T::State) -> S,
    all: bool,
) -> Vec<Run<S>> {
    let mut out = Vec::new();
    for workers in [1, 2] {
        for fingerprint in [false, true] {
            let c = tune(Checker::new(sys).workers(workers).parallel_level(1).fingerprint(fingerprint));
            let (result, stats) = c.check_with_stats();
            let g = c.explore();
            let states = g.states().map(plain).collect();
            let edges = g
                .ids()
                .map(|i| {
                    g.edges(i)
                        .iter()
                        .map(|&(a, t)| (g.action_name(a).to_owned(), plain(g.state(t))))
                        .collect()
                })
                .collect();
            out.push(Run {
                workers,
                fingerprint,
                result: result.map_states(|s| plain(&s)),
                transitions: stats.transitions,
                all: all.then(|| c.check_all(DistinctBy::Invariant).map_states(|s| plain(&s))),
                graph: (states, edges, g.truncated()),
            });
        }
    }
    out
}

/// The plain model, its in-place form and its compact form (codec `C`, `N` bytes) agree in
/// every run; `check_all` too when `all`. The plain check's result (one worker, exact).
fn forms<S, C, const N: usize>(model: &Model<S>, tuning: &Tuning<S>, all: bool) -> CheckResult<S>
where
    S: State + PartialEq + Debug,
    C: Codec<S>,
{
    let plain = runs(model, &|c| tuning.plain(c), &S::clone, all);
    let in_place = model.clone().effects_in_place();
    assert!(in_place.static_action_list().iter().all(|a| a.is_in_place()));
    let turned = runs(&in_place, &|c| tuning.plain(c), &S::clone, all);
    assert_eq!(turned, plain, "in place");
    let compact: Compact<&Model<S>, C, N> = Compact::new(model);
    let packed = runs(&compact, &|c| tuning.packed(c), &|p: &Packed<S, C, N>| p.unpack(), all);
    assert_eq!(packed, plain, "compact");
    plain.into_iter().next().expect("a run").result
}

/// What a liveness check is given besides its goal.
#[derive(Clone, Default)]
struct Spec {
    name: Option<&'static str>,
    everywhere: bool,
    weak: Option<Vec<&'static str>>,
    strong: Vec<&'static str>,
}

impl Spec {
    fn dress<X>(&self, mut l: Liveness<X>) -> Liveness<X> {
        if let Some(n) = self.name {
            l = l.goal_name(n);
        }
        l = l.everywhere(self.everywhere);
        if let Some(w) = &self.weak {
            l = l.fair(w.clone());
        }
        if !self.strong.is_empty() {
            l = l.fair_strong(self.strong.clone());
        }
        l
    }
}

fn steps<X, S>(steps: Vec<Step<X>>, plain: impl Fn(&X) -> S) -> Vec<Step<S>> {
    steps.into_iter().map(|s| Step::new(s.action, plain(&s.state))).collect()
}

/// A packed liveness result read back as a plain one.
fn unpacked<S, C: Codec<S>, const N: usize>(r: LivenessResult<Packed<S, C, N>>) -> LivenessResult<S> {
    LivenessResult {
        ok: r.ok,
        states_explored: r.states_explored,
        goal: r.goal,
        kind: r.kind,
        property: r.property,
        stem: steps(r.stem, |p: &Packed<S, C, N>| p.unpack()),
        trigger_at: r.trigger_at,
        cycle: steps(r.cycle, |p: &Packed<S, C, N>| p.unpack()),
        truncated: r.truncated,
        fault: r.fault,
    }
}

/// `eventually(goal)` dressed by `spec` gives the same result on the three forms, with one
/// worker and two; the plain result.
fn liveness<S, C, const N: usize>(
    model: &Model<S>,
    goal: impl Fn(&S) -> bool + Clone + Send + Sync + 'static,
    spec: &Spec,
) -> LivenessResult<S>
where
    S: State + PartialEq + Debug,
    C: Codec<S>,
{
    let in_place = model.clone().effects_in_place();
    let compact: Compact<&Model<S>, C, N> = Compact::new(model);
    let mut results = Vec::new();
    for workers in [1, 2] {
        let plain = Checker::new(model)
            .workers(workers)
            .parallel_level(1)
            .check_liveness(&spec.dress(Liveness::eventually(goal.clone())))
            .expect("a valid spec");
        let turned = Checker::new(&in_place)
            .workers(workers)
            .parallel_level(1)
            .check_liveness(&spec.dress(Liveness::eventually(goal.clone())))
            .expect("a valid spec");
        let g = goal.clone();
        let packed = Checker::new(&compact)
            .workers(workers)
            .parallel_level(1)
            .check_liveness(&spec.dress(Liveness::eventually(move |p: &Packed<S, C, N>| g(&p.unpack()))))
            .expect("a valid spec");
        assert_eq!(turned, plain, "liveness in place, {workers} workers");
        assert_eq!(unpacked(packed), plain, "liveness compact, {workers} workers");
        results.push(plain);
    }
    assert_eq!(results[1], results[0], "liveness with two workers");
    results.swap_remove(0)
}

/// The text of a state (for goals over fields the example keeps private).
fn shown<S: Debug>(s: &S) -> String {
    format!("{s:?}")
}

#[test]
fn traffic_light() {
    // `&'static str` in the state: the compact form decodes through `Leaked`.
    let r = forms::<_, Leaked, 16>(&traffic_light::model(), &Tuning::default(), true);
    assert_eq!(r, traffic_light::run().0);
    assert_eq!(r.states_explored, 3);
}

#[test]
fn lost_update() {
    let r = forms::<_, Postcard, 16>(&lost_update::model(), &Tuning::default(), true);
    assert_eq!(r, lost_update::run());
    assert!(!r.ok);
}

#[test]
fn mutex() {
    let r = forms::<_, Postcard, 16>(&mutex::model(), &Tuning::default(), true);
    assert_eq!(r, mutex::run());
    assert_eq!(r.states_explored, 20);
}

#[test]
fn dining_philosophers() {
    let (naive, ordered) = dining_philosophers::run();
    assert_eq!(
        forms::<_, Postcard, 16>(&dining_philosophers::model(3, false), &Tuning::default(), true),
        naive
    );
    assert_eq!(
        forms::<_, Postcard, 16>(&dining_philosophers::model(3, true), &Tuning::default(), true),
        ordered
    );
    // A larger table, so that two workers share levels.
    let r = forms::<_, Postcard, 16>(&dining_philosophers::model(5, true), &Tuning::default(), true);
    assert!(r.states_explored > ordered.states_explored);
}

#[test]
fn service_lifecycle() {
    let r = forms::<_, Leaked, 16>(&service_lifecycle::model(), &Tuning::default(), true);
    assert_eq!(r, service_lifecycle::run().0);
}

#[test]
fn coverage_vacuity() {
    // `coverage` and `invariant_coverage` take a `Model` only: compared in the in-place form.
    let m = coverage_vacuity::model();
    let r = forms::<_, Postcard, 16>(&m, &Tuning::default(), true);
    let (plain, coverage, invariants) = coverage_vacuity::run();
    assert_eq!(r, plain);
    let turned = m.clone().effects_in_place();
    assert_eq!(format!("{:?}", musil::metrics::coverage(&turned)), format!("{coverage:?}"));
    assert_eq!(format!("{:?}", musil::metrics::invariant_coverage(&turned)), format!("{invariants:?}"));
}

#[test]
fn cosim_master_scaling() {
    // The example's two checks: in full and under its symmetry reduction (its canonical form,
    // through `unpack`/`pack` in the compact form).
    for n in 2..=4 {
        let m = cosim_master_scaling::model(n, cosim_master_scaling::K);
        let full = forms::<_, Postcard, 32>(&m, &Tuning::default(), true);
        let sym = Tuning { canonicalize: Some(Arc::new(cosim_master_scaling::by_sorting())) };
        let reduced = forms::<_, Postcard, 32>(&m, &sym, true);
        let row = cosim_master_scaling::measure(n, cosim_master_scaling::K);
        assert_eq!((full.states_explored, reduced.states_explored), (row.full_states, row.sym_states));
        assert!(reduced.states_explored < full.states_explored);
    }
}

#[test]
fn induction() {
    // `check_inductive` takes any system: the weak and strong claims over the example's
    // domain in the three forms (the packed domain is the plain one packed); raising k over
    // the domain the state type enumerates (`Domain`, which a packed state does not have) in
    // the in-place form only.
    type P = Packed<induction::Counter, Postcard, 8>;
    let m = induction::model();
    let bounded = m.clone().invariant("x<=8", induction::within_bound);
    let facts = induction::run();
    assert_eq!(forms::<_, Postcard, 8>(&bounded, &Tuning::default(), true), facts.bounded);
    let turned = m.clone().effects_in_place();
    let compact: Compact<&Model<induction::Counter>, Postcard, 8> = Compact::new(&m);
    let domain: Vec<induction::Counter> = facts_domain();
    let packed_domain: Vec<P> = domain.iter().map(|s| Packed::pack(s).expect("fits")).collect();
    for (inv, expected) in [
        (induction::within_bound as fn(&induction::Counter) -> bool, &facts.weak),
        (induction::within_bound_and_even, &facts.strong),
    ] {
        let plain = musil::check_inductive(&m, inv, domain.clone(), 1).expect("k = 1 is accepted");
        assert_eq!(format!("{plain:?}"), format!("{expected:?}"));
        let r = musil::check_inductive(&turned, inv, domain.clone(), 1).expect("k = 1 is accepted");
        assert_eq!(format!("{r:?}"), format!("{plain:?}"), "in place");
        // A packed result read through its text (a packed state prints as its state).
        let r = musil::check_inductive(&compact, move |p: &P| inv(&p.unpack()), packed_domain.clone(), 1)
            .expect("k = 1 is accepted");
        assert_eq!(format!("{r:?}"), format!("{plain:?}"), "compact");
    }
    let raised = Checker::new(&turned)
        .check_inductive(induction::within_bound, &musil::Induction::enumerate().max_k(6))
        .expect("a domain of ten states is accepted");
    assert_eq!(format!("{raised:?}"), format!("{:?}", facts.raised));
    assert_ne!(format!("{:?}", facts.weak), format!("{:?}", facts.strong));
}

/// The example's domain: its ten counters, read back from their encodings (the field is
/// private to the example).
fn facts_domain() -> Vec<induction::Counter> {
    (0u8..10).map(|x| postcard::from_bytes(&[x]).expect("a one-field counter")).collect()
}

#[test]
fn alternating_bit() {
    let o = alternating_bit::run();
    assert_eq!(
        forms::<_, Postcard, 64>(&alternating_bit::unordered(), &Tuning::default(), true),
        o.unordered
    );
    assert_eq!(
        forms::<_, Postcard, 32>(&alternating_bit::fifo(false, true), &Tuning::default(), true),
        o.no_bit
    );
    assert_eq!(
        forms::<_, Postcard, 32>(&alternating_bit::fifo(true, true), &Tuning::default(), true),
        o.with_bit
    );
    // The goal `r_idx == N` over a private field, read from the state's text.
    let delivered = |s: &alternating_bit::Slot| shown(s).contains(&format!("r_idx: {},", alternating_bit::N));
    let lossy = alternating_bit::fifo(true, false);
    let base = Spec { name: Some("all-delivered"), ..Spec::default() };
    let weak = Spec { weak: Some(vec!["sender:send", "data:deliver", "ack:deliver"]), ..base.clone() };
    let strong =
        Spec { weak: Some(vec!["sender:send"]), strong: vec!["data:deliver", "ack:deliver"], ..base };
    assert_eq!(liveness::<_, Postcard, 32>(&lossy, delivered, &weak), o.weak);
    assert_eq!(liveness::<_, Postcard, 32>(&lossy, delivered, &strong), o.strong);
    assert_ne!(o.weak.ok, o.strong.ok);
}

#[test]
fn distributed_kit() {
    let o = distributed_kit::run();
    // `&'static str` in the controller's state: `Leaked`.
    let _ = forms::<_, Leaked, 32>(&distributed_kit::controller(), &Tuning::default(), true);
    assert_eq!(forms::<_, Postcard, 16>(&distributed_kit::cluster(1), &Tuning::default(), true), o.one);
    assert_eq!(forms::<_, Postcard, 16>(&distributed_kit::cluster(2), &Tuning::default(), true), o.two);
    // The goal (the reconciler's `converged`: desired == actual) over private fields, read
    // from the state's text `Ctrl { desired: "a", actual: "b" }`.
    let converged = |s: &distributed_kit::Ctrl| {
        let t = shown(s);
        let q: Vec<&str> = t.split('"').collect();
        q[1] == q[3]
    };
    let m = distributed_kit::controller();
    let live = Spec { everywhere: true, ..Spec::default() };
    let unfair = Spec { everywhere: true, weak: Some(vec![]), ..Spec::default() };
    let r = liveness::<_, Leaked, 32>(&m, converged, &live);
    assert_eq!(
        (r.ok, r.states_explored, r.kind, &r.stem, &r.cycle),
        (o.live.ok, o.live.states_explored, o.live.kind, &o.live.stem, &o.live.cycle)
    );
    let r = liveness::<_, Leaked, 32>(&m, converged, &unfair);
    assert_eq!(
        (r.ok, r.states_explored, r.kind, &r.stem, &r.cycle),
        (o.unfair.ok, o.unfair.states_explored, o.unfair.kind, &o.unfair.stem, &o.unfair.cycle)
    );
    assert_ne!(o.live.ok, o.unfair.ok);
}

#[test]
fn leader_election() {
    let (one, two, live) = leader_election::run();
    assert_eq!(forms::<_, Postcard, 64>(&leader_election::build(1), &Tuning::default(), true), one);
    assert_eq!(forms::<_, Postcard, 64>(&leader_election::build(2), &Tuning::default(), true), two);
    let leader = |c: &leader_election::Cluster| shown(c).contains("Leader");
    let spec = Spec { name: Some("some-leader"), ..Spec::default() };
    assert_eq!(liveness::<_, Postcard, 64>(&leader_election::build(2), leader, &spec), live);
}

#[test]
fn producer_consumer() {
    let (naive, atomic, live) = producer_consumer::run();
    assert_eq!(forms::<_, Postcard, 16>(&producer_consumer::naive(), &Tuning::default(), true), naive);
    assert_eq!(forms::<_, Postcard, 16>(&producer_consumer::atomic(), &Tuning::default(), true), atomic);
    let all_done =
        |b: &producer_consumer::Buffer| shown(b).contains("producers: [Done, Done], consumers: [Done, Done]");
    let spec = Spec { name: Some("every item produced and consumed"), ..Spec::default() };
    assert_eq!(liveness::<_, Postcard, 16>(&producer_consumer::atomic(), all_done, &spec), live);
}

#[test]
fn route_delivery() {
    let (safe, live) = route_delivery::check_design();
    assert_eq!(forms::<_, Postcard, 32>(&route_delivery::model(), &Tuning::default(), true), safe);
    let spec = Spec {
        name: Some("applied==desired"),
        everywhere: true,
        weak: Some(vec!["deliver"]),
        ..Spec::default()
    };
    let goal = |s: &route_delivery::Spec| s.applied == s.desired;
    assert_eq!(liveness::<_, Postcard, 32>(&route_delivery::model(), goal, &spec), live);
}

/// `$figures(&system, &plain)` on the plain model, its in-place form and its compact form
/// (codec `$codec`, `$n` bytes) gives the same answer; the plain one. `$figures` is generic
/// over the system, reading states through `plain`.
macro_rules! three_forms {
    ($model:expr, $codec:ty, $n:literal, $figures:ident) => {{
        let m = $model;
        let plain = $figures(&m, &|s| s.clone());
        let turned = $figures(&m.clone().effects_in_place(), &|s| s.clone());
        let compact: Compact<&_, $codec, $n> = Compact::new(&m);
        let packed = $figures(&compact, &|p| p.unpack());
        assert_eq!(turned, plain, "in place");
        assert_eq!(packed, plain, "compact");
        plain
    }};
}

#[test]
fn monty_hall() {
    fn won<T: TransitionSystem>(sys: &T, plain: &dyn Fn(&T::State) -> monty_hall::Game) -> Ratio {
        Prob::new(sys).reach_probability(|s| monty_hall::won(&plain(s))).unwrap().unwrap_exact()
    }
    for strategy in [monty_hall::Strategy::Stay, monty_hall::Strategy::Switch] {
        let _ = forms::<_, Postcard, 8>(&monty_hall::game(strategy), &Tuning::default(), true);
    }
    let stay = three_forms!(monty_hall::game(monty_hall::Strategy::Stay), Postcard, 8, won);
    let switch = three_forms!(monty_hall::game(monty_hall::Strategy::Switch), Postcard, 8, won);
    assert_eq!((stay, switch), monty_hall::figures());
}

#[test]
fn gamblers_ruin() {
    use gamblers_ruin::N;
    fn figures<T: TransitionSystem>(
        sys: &T,
        plain: &dyn Fn(&T::State) -> gamblers_ruin::Walk,
    ) -> (Ratio, Ratio, Ratio) {
        let reach = Prob::new(sys).reach_probability(|s| plain(s).pos == N).unwrap().unwrap_exact();
        let bets = Prob::new(sys)
            .cost(|_, _| 1)
            .expected_reward(|s| plain(s).pos == 0 || plain(s).pos == N)
            .unwrap()
            .unwrap_exact();
        let biased = Prob::new(sys)
            .weight(|action, _| if action == "up" { 2 } else { 1 })
            .reach_probability(|s| plain(s).pos == N)
            .unwrap()
            .unwrap_exact();
        (reach, bets, biased)
    }
    let f = gamblers_ruin::figures();
    for i in 0..=N {
        let _ = forms::<_, Postcard, 8>(&gamblers_ruin::walk_model(i, N), &Tuning::default(), true);
        let (reach, bets, biased) = three_forms!(gamblers_ruin::walk_model(i, N), Postcard, 8, figures);
        assert_eq!((&reach, &bets), (&f.fair[i as usize], &f.bets[i as usize]));
        if i == 2 {
            assert_eq!(biased, f.biased);
        }
    }
}

#[test]
fn availability() {
    use availability::Health;
    fn chain<T: TransitionSystem>(sys: &T, plain: &dyn Fn(&T::State) -> Health) -> [Ratio; 4] {
        let p = Prob::new(sys).weight(|a, s| availability::weight(a, &plain(s)));
        let up = p.long_run_probability(|s| plain(s) == Health::Healthy).unwrap().unwrap_exact();
        let down = p.long_run_probability(|s| plain(s) == Health::Failed).unwrap().unwrap_exact();
        let reach = p.reach_probability(|s| plain(s) == Health::Failed).unwrap().unwrap_exact();
        let first = Prob::new(sys)
            .weight(|a, s| availability::weight(a, &plain(s)))
            .avoid(|s| plain(s) == Health::Healthy)
            .reach_probability(|s| plain(s) == Health::Failed)
            .unwrap()
            .unwrap_exact();
        [up, down, reach, first]
    }
    fn mdp<T: TransitionSystem>(sys: &T, plain: &dyn Fn(&T::State) -> Health) -> [Ratio; 2] {
        let p = Prob::new(sys)
            .cost(|a, s| availability::cost(a, &plain(s)))
            .moves(|_, enabled| enabled.iter().map(|a| vec![a.clone()]).collect());
        [Optimize::Min, Optimize::Max]
            .map(|o| p.expected_reward_mdp(|s| plain(s) == Health::Healthy, o).unwrap().unwrap_exact())
    }
    let _ = forms::<_, Postcard, 4>(&availability::availability(), &Tuning::default(), true);
    let _ = forms::<_, Postcard, 4>(&availability::recovery(), &Tuning::default(), true);
    let [up, down, reach_failed, failed_first] =
        three_forms!(availability::availability(), Postcard, 4, chain);
    let [min_cost, max_cost] = three_forms!(availability::recovery(), Postcard, 4, mdp);
    let f = availability::figures();
    assert_eq!(
        (up, down, reach_failed, failed_first, min_cost, max_cost),
        (f.up, f.down, f.reach_failed, f.failed_first, f.min_cost, f.max_cost)
    );
}

#[test]
fn lossy_retry() {
    use lossy_retry::Link;
    fn chain<T: TransitionSystem>(sys: &T, plain: &dyn Fn(&T::State) -> Link) -> (Ratio, Vec<Ratio>, Ratio) {
        let delivered = |s: &T::State| lossy_retry::delivered(&plain(s));
        let p = Prob::new(sys).reach_probability(delivered).unwrap().unwrap_exact();
        let within = (1..=4)
            .map(|k| Prob::new(sys).steps(k).reach_probability(delivered).unwrap().unwrap_exact())
            .collect();
        let attempts = Prob::new(sys).expected_reward(delivered).unwrap().unwrap_exact();
        (p, within, attempts)
    }
    fn mdp<T: TransitionSystem>(sys: &T, plain: &dyn Fn(&T::State) -> Link) -> Ratio {
        Prob::new(sys)
            .weight(|a, s| lossy_retry::weight(a, &plain(s)))
            .cost(|a, s| lossy_retry::cost(a, &plain(s)))
            .moves(|s, enabled| lossy_retry::by_link(&plain(s), enabled))
            .expected_reward_mdp(|s| lossy_retry::delivered(&plain(s)), Optimize::Min)
            .unwrap()
            .unwrap_exact()
    }
    let _ = forms::<_, Postcard, 4>(&lossy_retry::retry(), &Tuning::default(), true);
    let _ = forms::<_, Postcard, 4>(&lossy_retry::mdp(), &Tuning::default(), true);
    let (delivered, within, attempts) = three_forms!(lossy_retry::retry(), Postcard, 4, chain);
    let min_cost = three_forms!(lossy_retry::mdp(), Postcard, 4, mdp);
    let f = lossy_retry::figures();
    assert_eq!((delivered, within, attempts, min_cost), (f.delivered, f.within, f.attempts, f.min_cost));
}

#[test]
fn server_utilization() {
    use server_utilization::Server;
    fn chain<T: TransitionSystem>(
        sys: &T,
        plain: &dyn Fn(&T::State) -> Server,
    ) -> (Ratio, Ratio, Vec<Ratio>) {
        let p = Prob::new(sys).weight(|a, s| server_utilization::weight(a, &plain(s)));
        let util = p.long_run_reward(|s| server_utilization::utilisation(&plain(s))).unwrap().unwrap_exact();
        let revenue = p.long_run_reward(|s| server_utilization::revenue(&plain(s))).unwrap().unwrap_exact();
        let warmup = (0..5)
            .map(|k| {
                let d = p.transient_distribution(k).unwrap().unwrap_exact();
                d.iter().find(|(s, _)| plain(s).busy).map(|(_, r)| r.clone()).expect("a busy state")
            })
            .collect();
        (util, revenue, warmup)
    }
    fn mdp<T: TransitionSystem>(sys: &T, plain: &dyn Fn(&T::State) -> Server) -> [Ratio; 2] {
        let p = Prob::new(sys)
            .weight(|a, s| server_utilization::weight(a, &plain(s)))
            .moves(|s, enabled| server_utilization::modes(&plain(s), enabled));
        [Optimize::Max, Optimize::Min].map(|o| {
            p.long_run_reward_mdp(|s| server_utilization::utilisation(&plain(s)), o).unwrap().unwrap_exact()
        })
    }
    let _ = forms::<_, Postcard, 4>(&server_utilization::eco(), &Tuning::default(), true);
    let _ = forms::<_, Postcard, 4>(&server_utilization::server_mdp(), &Tuning::default(), true);
    let (util, revenue, warmup) = three_forms!(server_utilization::eco(), Postcard, 4, chain);
    let [best, worst] = three_forms!(server_utilization::server_mdp(), Postcard, 4, mdp);
    let f = server_utilization::figures();
    assert_eq!((util, revenue, warmup, best, worst), (f.util, f.revenue, f.warmup, f.best, f.worst));
}

/// An atom of `ltl_properties` (its own `atom` is private), read from a state's text, so
/// that it works on plain and packed states alike (a packed state prints as its state).
fn light_atom<X: Debug + 'static>(name: &str) -> Option<Predicate<X>> {
    let has = |c: &str, s: &X| shown(s).contains(&format!("\"{c}\""));
    match name {
        "known" => Some(Arc::new(move |s: &X| ["red", "green", "yellow"].iter().any(|c| has(c, s)))),
        "red" | "green" | "yellow" => {
            let c = name.to_owned();
            Some(Arc::new(move |s: &X| has(&c, s)))
        }
        _ => None,
    }
}

#[test]
fn ltl_properties() {
    let m = ltl_properties::model();
    let _ = forms::<_, Leaked, 16>(&m, &Tuning::default(), true);
    let turned = m.clone().effects_in_place();
    let compact: Compact<&Model<ltl_properties::Light>, Leaked, 16> = Compact::new(&m);
    let expected = ltl_properties::run();
    for ((text, _), (shown_formula, r)) in ltl_properties::PROPERTIES.iter().zip(&expected) {
        let f = Ltl::parse(text, light_atom).expect("parses");
        let fp = Ltl::parse(text, light_atom).expect("parses");
        assert_eq!(&f.to_string(), shown_formula);
        for workers in [1, 2] {
            let o = LtlOptions::new();
            let plain =
                Checker::new(&m).workers(workers).parallel_level(1).check_ltl(&f, &o).expect("checks");
            assert_eq!(&plain, r, "{text}");
            let t =
                Checker::new(&turned).workers(workers).parallel_level(1).check_ltl(&f, &o).expect("checks");
            assert_eq!(t, plain, "{text} in place");
            let p =
                Checker::new(&compact).workers(workers).parallel_level(1).check_ltl(&fp, &o).expect("checks");
            // A packed result read through its text (a packed state prints as its state).
            assert_eq!(
                (p.ok(), p.states_explored(), p.to_string()),
                (plain.ok(), plain.states_explored(), plain.to_string()),
                "{text} compact"
            );
        }
    }
}

#[test]
fn arbiter_fairness() {
    // The example checks its LTL property on `with_last_action(&model)`, whose states
    // (`LastAction<Arb>`) are not serde types: the compact form is compared on the bare model
    // only, the LTL checks and the probability in the in-place form.
    let m = arbiter_fairness::arbiter();
    let _ = forms::<_, Postcard, 4>(&m, &Tuning::default(), true);
    let turned = m.clone().effects_in_place();
    let (plain, aug) = (with_last_action(&m), with_last_action(&turned));
    let f = arbiter_fairness::property();
    let expected = arbiter_fairness::run();
    let options =
        [LtlOptions::new(), LtlOptions::new().fair(["serve_A"]), LtlOptions::new().fair_strong(["serve_A"])];
    for (o, r) in options.iter().zip(&expected) {
        for workers in [1, 2] {
            let p = Checker::new(&plain).workers(workers).parallel_level(1).check_ltl(&f, o).expect("checks");
            assert_eq!(&p, r);
            let t = Checker::new(&aug).workers(workers).parallel_level(1).check_ltl(&f, o).expect("checks");
            assert_eq!(t, p, "in place");
        }
    }
    let gf_serve = Ltl::always(Ltl::eventually(Ltl::atom("serve_A", action_taken("serve_A"))));
    let p = Prob::new(&aug).probability_ltl(&gf_serve).expect("in the fragment").unwrap_exact();
    assert_eq!(p, arbiter_fairness::probability_served_infinitely_often());
}

#[test]
fn k8s_scheduler() {
    // `check_open` takes a `Model` and environments over plain states: compared in the
    // in-place form; the service model itself in all three (`Leaked`: `&'static str`).
    let m = k8s_scheduler::service_model();
    let (safe, brittle, resilient) = k8s_scheduler::run();
    assert_eq!(forms::<_, Leaked, 32>(&m, &Tuning::default(), true), safe);
    let turned = m.clone().effects_in_place();
    for (resilient_env, expected) in [(false, &brittle), (true, &resilient)] {
        for workers in [1, 2] {
            for fingerprint in [false, true] {
                let open = |m| {
                    let r = Checker::new(m)
                        .workers(workers)
                        .parallel_level(1)
                        .fingerprint(fingerprint)
                        .check_open(&[k8s_scheduler::k8s_env(resilient_env)]);
                    format!("{r:?}")
                };
                let plain = open(&m);
                assert_eq!(open(&turned), plain);
                if !fingerprint && workers == 1 {
                    assert_eq!(plain, format!("{expected:?}"));
                }
            }
        }
    }
}

#[test]
fn open_system_composed() {
    use open_system_composed as c;
    // The service in three forms; `check_open` and `check_open_assuming` take a `Model` and
    // environments over plain states: compared in the in-place form.
    let m = c::service();
    let _ = forms::<_, Postcard, 32>(&m, &Tuning::default(), true);
    let turned = m.clone().effects_in_place();
    for workers in [1, 2] {
        for fingerprint in [false, true] {
            let on = |m| Checker::new(m).workers(workers).parallel_level(1).fingerprint(fingerprint);
            let open = |m| format!("{:?}", on(m).check_open(&c::environments()));
            let platform =
                |m| format!("{:?}", on(m).check_open_assuming(&c::environments(), c::PLATFORM_BUDGETS));
            let budget = |m| {
                format!(
                    "{:?}",
                    on(m).check_open_assuming(&c::environments_with_fault_budget(), [c::FAULT_BUDGET])
                )
            };
            assert_eq!(open(&turned), open(&m));
            assert_eq!(platform(&turned), platform(&m));
            assert_eq!(budget(&turned), budget(&m));
            if workers == 1 && !fingerprint {
                assert_eq!(open(&m), format!("{:?}", c::run()));
                assert_eq!(budget(&m), format!("{:?}", Ok::<_, musil::Error>(c::run_within_fault_budget())));
            }
        }
    }
}

#[test]
fn partial_order() {
    // The example's models at its own sizes, in full in three forms; the reduced search
    // (`partial_order`, footprints over plain states) in the in-place form. No `check_all`:
    // these are the largest models here (up to 10,000 states) and all hold.
    use partial_order as p;
    let rows = p::run();
    let models = [p::counters(4, 9), p::token_ring(8), p::phils(10), p::two_phase(4), p::workers(4, 9)];
    for ((m, footprints), row) in models.into_iter().zip(&rows) {
        let full = forms::<_, Postcard, 32>(&m, &Tuning::default(), false);
        assert_eq!(full, row.full, "{}", row.name);
        let turned = m.clone().effects_in_place();
        for workers in [1, 2] {
            let reduce = |m| {
                Checker::new(m)
                    .workers(workers)
                    .parallel_level(1)
                    .partial_order(&footprints)
                    .expect("the example's footprints")
                    .check_with_stats()
            };
            let ((plain, ps), (t, ts)) = (reduce(&m), reduce(&turned));
            assert_eq!((&t, ts.transitions), (&plain, ps.transitions), "{} reduced in place", row.name);
            if workers == 1 {
                assert_eq!((plain, ps.transitions), (row.reduced.clone(), row.transitions.1), "{}", row.name);
            }
        }
    }
}
