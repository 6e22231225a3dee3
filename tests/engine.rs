//! The engine: the shared benchmark models' exact counts, identical results for 1, 2 and 4
//! workers on every example model, and the memory budget.

#[path = "../benches/common/models.rs"]
mod models;

#[allow(dead_code)]
#[path = "../examples/dining_philosophers.rs"]
mod dining_philosophers;
#[allow(dead_code)]
#[path = "../examples/leader_election.rs"]
mod leader_election;
#[allow(dead_code)]
#[path = "../examples/lost_update.rs"]
mod lost_update;
#[allow(dead_code)]
#[path = "../examples/mutex.rs"]
mod mutex;
#[allow(dead_code)]
#[path = "../examples/open_system_composed.rs"]
mod open_system_composed;
#[allow(dead_code)]
#[path = "../examples/producer_consumer.rs"]
mod producer_consumer;
#[allow(dead_code)]
#[path = "../examples/traffic_light.rs"]
mod traffic_light;

use models::{Counters, PackedTwoPhase, Phils, TokenRing, TwoPhase};
use musil::{Checker, DistinctBy, Limit, Liveness, System};

fn counts<T: System>(sys: &T, workers: usize) -> (usize, u64) {
    let (r, stats) = Checker::new(sys).workers(workers).parallel_level(16).check_with_stats();
    assert!(r.ok && !r.truncated, "{r}");
    (stats.states, stats.transitions + 1)
}

#[test]
fn benchmark_models_have_the_shared_counts() {
    for w in [1, 2] {
        assert_eq!(counts(&Counters::<3> { k: 9 }, w), (1_000, 3_001));
        assert_eq!(counts(&Counters::<4> { k: 9 }, w), (10_000, 40_001));
        assert_eq!(counts(&TokenRing::<9>, w), (3_072, 15_873));
        assert_eq!(counts(&TokenRing::<12>, w), (33_792, 225_281));
        assert_eq!(counts(&Phils::<3> { ordered: true }, w), (12, 23));
        assert_eq!(counts(&Phils::<10> { ordered: true }, w), (5_741, 36_519));
        assert_eq!(counts(&TwoPhase { n: 3 }, w), (288, 1_146));
        assert_eq!(counts(&TwoPhase { n: 4 }, w), (1_568, 8_258));
        assert_eq!(counts(&TwoPhase { n: 5 }, w), (8_832, 58_146));
        assert_eq!(counts(&PackedTwoPhase { n: 3 }, w), (288, 1_146));
        assert_eq!(counts(&PackedTwoPhase { n: 5 }, w), (8_832, 58_146));
        assert_eq!(counts(&PackedTwoPhase { n: 6 }, w), (50_816, 402_306));
    }
    // The naive philosophers deadlock; their graph has the shared counts.
    for (n, states, transitions) in [(3usize, 14usize, 28usize), (4, 34, 89), (6, 198, 769)] {
        let g = match n {
            3 => musil::explore(&Phils::<3> { ordered: false }).edge_count(),
            4 => musil::explore(&Phils::<4> { ordered: false }).edge_count(),
            _ => musil::explore(&Phils::<6> { ordered: false }).edge_count(),
        };
        assert_eq!(g + 1, transitions);
        let size = match n {
            3 => musil::explore(&Phils::<3> { ordered: false }).len(),
            4 => musil::explore(&Phils::<4> { ordered: false }).len(),
            _ => musil::explore(&Phils::<6> { ordered: false }).len(),
        };
        assert_eq!(size, states);
    }
    let closures = models::counters_model(3, 9);
    assert_eq!(counts(&closures, 1), (1_000, 3_001));
    // The rows of closures in both forms of effect: the same counts.
    for w in [1, 2] {
        assert_eq!(counts(&models::counters_inplace_model(3, 9), w), (1_000, 3_001));
        for in_place in [false, true] {
            // 2N·3^(N-1) + 3^N − 2^N states for N = 5.
            let registry = models::registry_model(5, in_place);
            assert_eq!(counts(&registry, w).0, 2 * 5 * 81 + 243 - 32);
            assert_eq!(counts(&registry, w), counts(&models::registry_model(5, false), 1));
        }
    }
}

/// The packed two-phase commit is the same graph as the one with vectors and a set: the same
/// states in the same discovery order, with the same labelled edges.
#[test]
fn packed_two_phase_commit_is_the_same_graph() {
    for n in [3, 4, 5] {
        let packed = musil::explore(&PackedTwoPhase { n });
        let plain = musil::explore(&TwoPhase { n });
        assert_eq!(packed.len(), plain.len());
        for (id, state) in plain.ids().zip(plain.states()) {
            assert_eq!(&packed.state(id).unpack(n), state, "state {id:?} of 2pc {n}");
            assert_eq!(packed.edges(id), plain.edges(id), "edges of {state:?}");
        }
    }
}

/// Every analysis gives the same answer with 1, 2 and 4 workers (a check, the same count of
/// transitions too).
fn same_for_any_workers<T: System>(sys: &T) {
    let with = |w: usize| Checker::new(sys).workers(w).parallel_level(1);
    let checked = |c: Checker<'_, T>| {
        let (r, stats) = c.check_with_stats();
        (r, stats.transitions)
    };
    let check = checked(with(1));
    let all = with(1).check_all(DistinctBy::Reason);
    let graph = with(1).explore();
    let edges: Vec<_> = graph.ids().map(|i| graph.edges(i).to_vec()).collect();
    for w in [2, 4] {
        assert_eq!(checked(with(w)), check, "{w} workers");
        assert_eq!(with(w).check_all(DistinctBy::Reason), all, "{w} workers");
        let g = with(w).explore();
        assert!(g.states().eq(graph.states()));
        assert_eq!(g.ids().map(|i| g.edges(i).to_vec()).collect::<Vec<_>>(), edges);
        for cap in [1, 5, 50] {
            assert_eq!(checked(with(w).max_states(cap)), checked(with(1).max_states(cap)), "cap {cap}");
        }
    }
}

/// Levels of thousands of states: a level is expanded in several slices, and states without
/// heap memory are looked up by the worker that owns their index shard, with heap states by
/// the worker that made them. Both give the serial answer with 2, 3 and 4 workers, exact and
/// in fingerprint mode, at caps inside a wide level and at a violation in one.
#[test]
fn levels_wider_than_a_slice_are_identical_with_any_number_of_workers() {
    use musil::Model;
    // Five counters 0..=9: 100,000 states, the widest levels about 6,000 states.
    let inline = (0..5).fold(Model::new([0u8; 5]), |m, i| {
        m.action(
            format!("inc{i}"),
            move |c: &[u8; 5]| c[i] < 9,
            move |c: &[u8; 5]| {
                let mut c = *c;
                c[i] += 1;
                c
            },
        )
    });
    let heap = (0..5).fold(Model::new(vec![0u8; 5]), |m, i| {
        m.action(
            format!("inc{i}"),
            move |c: &Vec<u8>| c[i] < 9,
            move |c: &Vec<u8>| {
                let mut c = c.clone();
                c[i] += 1;
                c
            },
        )
    });
    let broken =
        inline.clone().invariant("sum below 30", |c: &[u8; 5]| c.iter().map(|&x| x as u32).sum::<u32>() < 30);
    for fingerprint in [false, true] {
        let with = |w: usize| Checker::new(&inline).workers(w).parallel_level(1).fingerprint(fingerprint);
        let (serial, stats) = with(1).check_with_stats();
        assert_eq!(stats.states, 100_000);
        let heap_with = |w: usize| Checker::new(&heap).workers(w).parallel_level(1).fingerprint(fingerprint);
        let heap_serial = heap_with(1).check();
        let broken_with =
            |w: usize| Checker::new(&broken).workers(w).parallel_level(1).fingerprint(fingerprint);
        let broken_serial = broken_with(1).check();
        assert!(!broken_serial.ok);
        for w in [2, 3, 4] {
            let (r, st) = with(w).check_with_stats();
            assert_eq!(
                (r, st.states, st.transitions),
                (serial.clone(), stats.states, stats.transitions),
                "{w} workers"
            );
            assert_eq!(heap_with(w).check(), heap_serial, "{w} workers, heap states");
            assert_eq!(broken_with(w).check(), broken_serial, "{w} workers, violation");
            for cap in [20_000, 50_001] {
                assert_eq!(with(w).max_states(cap).check(), with(1).max_states(cap).check(), "cap {cap}");
            }
        }
    }
}

/// Under a key, states of one identity may differ: the store keeps the one the serial search
/// meets first, whichever worker meets one first. Two thousand initial states in one level
/// (many chunks) all lead to states of one key; only the first discoverer's, 10,000, goes on.
/// The first state is slow to expand, so that another worker is likely to meet the key first.
#[test]
fn a_key_keeps_the_first_discoverers_state_with_any_number_of_workers() {
    use musil::Model;
    let slow = |s: u32| {
        if s == 0 {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        s < 10_000
    };
    let inline = Model::with_initial_states(0..2000u32)
        .action("go", move |s: &u32| slow(*s), |s: &u32| s + 10_000)
        .action("end", |s: &u32| *s == 10_000, |_: &u32| 20_000)
        .invariant("not-the-end", |s: &u32| *s != 20_000)
        .terminal(|_| true);
    let heap = Model::with_initial_states((0..2000u32).map(|s| vec![s]))
        .action("go", move |s: &Vec<u32>| slow(s[0]), |s: &Vec<u32>| vec![s[0] + 10_000])
        .action("end", |s: &Vec<u32>| s[0] == 10_000, |_: &Vec<u32>| vec![20_000])
        .invariant("not-the-end", |s: &Vec<u32>| s[0] != 20_000)
        .terminal(|_| true);
    for fingerprint in [false, true] {
        let with = |w: usize| {
            Checker::new(&inline)
                .workers(w)
                .parallel_level(1)
                .fingerprint(fingerprint)
                .key(|s: &u32| if (10_000..20_000).contains(s) { 10_000 } else { *s })
        };
        let heap_with = |w: usize| {
            Checker::new(&heap)
                .workers(w)
                .parallel_level(1)
                .fingerprint(fingerprint)
                .key(|s: &Vec<u32>| if (10_000..20_000).contains(&s[0]) { 10_000 } else { s[0] })
        };
        let serial = with(1).check();
        assert_eq!(serial.action_names(), ["go", "end"]);
        let heap_serial = heap_with(1).check();
        assert_eq!(heap_serial.action_names(), ["go", "end"]);
        for _ in 0..20 {
            assert_eq!(with(2).check(), serial);
            assert_eq!(heap_with(2).check(), heap_serial);
        }
    }
}

/// A state with more than 64 successors takes the parallel merge's sorted path; states
/// counted by explored() at a violation, caps that fall inside a level, a deadlock and a stop
/// on a violation all match the serial loop.
#[test]
fn wide_and_capped_levels_are_identical_with_any_number_of_workers() {
    use musil::{Action, Model};
    // Wide: 0 has 70 successors (1..=70), each of those two more; a deadlock at 150.
    let wide = Model::new(0u32)
        .actions_fn(|s: &u32| {
            let to = |name: String, t: u32| Action::new(name, |_: &u32| true, move |_: &u32| t);
            let s = *s;
            if s == 0 {
                (1..=70u32).map(|k| to(format!("to{k}"), k)).collect()
            } else if s <= 70 {
                vec![to("a".into(), 100 + s % 7), to("b".into(), 200 + s % 5)]
            } else if s == 104 {
                vec![]
            } else {
                vec![to("c".into(), 0)]
            }
        })
        .invariant("below-205", |s: &u32| *s < 205);
    same_for_any_workers(&wide);
    for cap in [2, 30, 71, 72, 75, 80] {
        let with = |w: usize| Checker::new(&wide).workers(w).parallel_level(1).max_states(cap);
        assert_eq!(with(2).check(), with(1).check(), "cap {cap}");
        assert_eq!(
            with(2).check_all(DistinctBy::Invariant),
            with(1).check_all(DistinctBy::Invariant),
            "cap {cap}"
        );
    }
    // Narrow and deep with a violation in a big level: the count at the violation.
    let grid = Model::new((0u8, 0u8))
        .action("right", |s: &(u8, u8)| s.0 < 60, |s: &(u8, u8)| (s.0 + 1, s.1))
        .action("up", |s: &(u8, u8)| s.1 < 60, |s: &(u8, u8)| (s.0, s.1 + 1))
        .invariant("far", |s: &(u8, u8)| (s.0 as u32 + s.1 as u32) < 70 || s.0 < 33);
    same_for_any_workers(&grid);
}

/// Two workers over inline states run the pipelined driver (one thread stores, the other
/// expands batches of 64 states ahead of it): a chain narrower than a batch (the storer expands
/// itself), then levels of thousands (the other thread does), with the cap at and around
/// batch boundaries, a panicking guard, a deadlock, an invariant, fingerprint mode, every edge.
#[test]
fn the_two_worker_pipeline_gives_the_serial_answer() {
    use musil::Model;
    // 0..40 a chain; from 40 on, each state s has successors 2s+1 and 2s+2 up to 20,000.
    let tree = |panic_at: u32, dead_at: u32| {
        Model::new(0u32)
            .action("next", |s: &u32| *s < 40, |s: &u32| s + 1)
            .action(
                "left",
                move |s: &u32| {
                    assert!(*s != panic_at, "boom at {s}");
                    *s >= 40 && *s != dead_at && 2 * s + 1 < 20_000
                },
                |s: &u32| 2 * s + 1,
            )
            .action("right", |s: &u32| *s >= 40 && 2 * s + 2 < 20_000, |s: &u32| 2 * s + 2)
            .invariant("below-19000", |s: &u32| *s < 19_000)
            .terminal(|s: &u32| 2 * s + 1 >= 20_000)
    };
    for (panic_at, dead_at) in [(u32::MAX, u32::MAX), (5_000, u32::MAX), (u32::MAX, 4_321)] {
        let m = tree(panic_at, dead_at);
        for fingerprint in [false, true] {
            let with = |w: usize| Checker::new(&m).workers(w).fingerprint(fingerprint);
            let checked = |c: Checker<'_, Model<u32>>| {
                let (r, stats) = c.check_with_stats();
                (r, stats.states, stats.transitions)
            };
            let at = format!("panic at {panic_at}, dead at {dead_at}, fingerprint {fingerprint}");
            assert_eq!(checked(with(2)), checked(with(1)), "{at}");
            assert_eq!(with(2).check_all(DistinctBy::Reason), with(1).check_all(DistinctBy::Reason), "{at}");
            for cap in [1, 40, 63, 64, 65, 127, 128, 129, 1_000, 4_097] {
                assert_eq!(
                    checked(with(2).max_states(cap)),
                    checked(with(1).max_states(cap)),
                    "{at}, cap {cap}"
                );
            }
        }
        let graph = Checker::new(&m).explore();
        let g = Checker::new(&m).workers(2).explore();
        assert!(g.states().eq(graph.states()));
        assert!(g.ids().all(|i| g.edges(i) == graph.edges(i)));
    }
}

#[test]
fn examples_are_identical_with_any_number_of_workers() {
    same_for_any_workers(&lost_update::model());
    same_for_any_workers(&mutex::model());
    same_for_any_workers(&dining_philosophers::model(3, false));
    same_for_any_workers(&dining_philosophers::model(4, true));
    same_for_any_workers(&traffic_light::model());
    same_for_any_workers(&producer_consumer::naive());
    same_for_any_workers(&producer_consumer::atomic());
    same_for_any_workers(&leader_election::build(1));
    same_for_any_workers(&leader_election::build(2));
    same_for_any_workers(&musil::open::compose(
        &open_system_composed::service(),
        &open_system_composed::environments(),
    ));
    same_for_any_workers(&TwoPhase { n: 3 });
    let m = leader_election::build(2);
    let spec = Liveness::eventually(|c: &leader_election::Cluster| format!("{c:?}").contains("Leader"));
    let serial = Checker::new(&m).check_liveness(&spec).unwrap();
    assert_eq!(Checker::new(&m).workers(2).parallel_level(1).check_liveness(&spec).unwrap(), serial);
}

#[test]
fn a_memory_budget_truncates_and_says_so() {
    let unbounded = musil::Model::new(0u64).action("inc", |_| true, |n| n + 1);
    for w in [1, 2] {
        let r = Checker::new(&unbounded).workers(w).memory_budget(1 << 20).check();
        assert!(r.ok && r.truncated);
        assert_eq!(r.limit, Some(Limit::MemoryBudget));
        assert!(r.to_string().ends_with("no violations (TRUNCATED at memory budget)"), "{r}");
        assert!(r.states_explored > 10_000);
    }
    let capped = Checker::new(&unbounded).max_states(10).check();
    assert_eq!(capped.limit, Some(Limit::MaxStates));
}

#[test]
fn fingerprint_mode_gives_the_exact_counts_and_traces() {
    fn same<T: System>(sys: &T) {
        for w in [1, 2] {
            let exact = Checker::new(sys).workers(w).check();
            let (fp, stats) =
                Checker::new(sys).workers(w).parallel_level(8).fingerprint(true).check_with_stats();
            assert_eq!(fp, exact, "{w} workers");
            assert!(stats.collision_probability.is_some_and(|p| p < 1e-9));
            let all = Checker::new(sys).workers(w).check_all(DistinctBy::Invariant);
            assert_eq!(Checker::new(sys).workers(w).fingerprint(true).check_all(DistinctBy::Invariant), all);
        }
    }
    same(&Counters::<4> { k: 9 });
    same(&TokenRing::<12>);
    same(&Phils::<10> { ordered: true });
    same(&TwoPhase { n: 5 });
    same(&lost_update::model());
    same(&dining_philosophers::model(3, false));
    same(&producer_consumer::naive());
    same(&leader_election::build(1));
    same(&musil::open::compose(&open_system_composed::service(), &open_system_composed::environments()));
    // A violation deep in a large space: the trace is rebuilt from the initial state.
    let deep = musil::Model::new(0u32)
        .action("inc", |n| *n < 200_000, |n| n + 1)
        .invariant("small", |n| *n < 150_000);
    let r = Checker::new(&deep).fingerprint(true).check();
    assert_eq!(r.trace.len(), 150_001);
    assert_eq!(r, Checker::new(&deep).check());
    // Explore stays exact even when asked for fingerprints.
    assert_eq!(Checker::new(&TwoPhase { n: 3 }).fingerprint(true).explore().len(), 288);
}
