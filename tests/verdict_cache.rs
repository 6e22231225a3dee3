//! The verdict cache (`musil::cache`): one test per key field showing that changing it
//! invalidates the entry, what a hit returns, and how the store survives corruption and
//! concurrent writers.

use std::fs;
use std::path::PathBuf;

use musil::cache::{Cached, Lookup, VerdictCache, check_cached};
use musil::{Action, CheckResult, Checker, Fairness, Kind, Limit, Model, check, never};

/// The reference's test model: a counter 0..3, an invariant, and 3 terminal.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct C {
    n: u8,
}

fn inc() -> Action<C> {
    Action::new("inc", |s: &C| s.n < 3, |s: &C| C { n: s.n + 1 })
}

fn base() -> Model<C> {
    Model::new(C { n: 0 }).add_action(inc()).invariant("inv", |_| true).terminal(|s| s.n == 3)
}

/// A fresh, empty cache directory of this test's own.
fn fresh(name: &str) -> VerdictCache {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("verdict-cache").join(name);
    let _ = fs::remove_dir_all(&dir);
    VerdictCache::at(dir)
}

/// The entry for `base` is stored and hits; `changed` (the same checker with one key field
/// changed) then misses, is checked afresh, and leaves `base`'s entry in place.
fn assert_invalidates(
    name: &str,
    base: &Checker<'_, Model<C>>,
    changed: &Checker<'_, Model<C>>,
) -> Cached<C> {
    let cache = fresh(name);
    assert_eq!(cache.check(base, "v1").lookup, Lookup::Missing);
    assert_eq!(cache.check(base, "v1").lookup, Lookup::Hit);
    assert_ne!(cache.path(base, "v1"), cache.path(changed, "v1"), "{name}: the key must differ");
    let after = cache.check(changed, "v1");
    assert_eq!(after.lookup, Lookup::Missing, "{name}: a change of this field must not hit");
    assert_eq!(after.result, changed.check());
    assert_eq!(cache.check(changed, "v1").lookup, Lookup::Hit);
    assert_eq!(cache.check(base, "v1").lookup, Lookup::Hit);
    after
}

#[test]
fn key_field_version() {
    let cache = fresh("version");
    let passing = base();
    let failing = base().with_invariants([musil::Invariant::new("inv", |s: &C| s.n == 0)]);
    assert!(cache.check(&Checker::new(&passing), "v1").result.ok);
    // Same names, states and options; only a closure's body changed. A pass cannot be re-judged
    // without the search, so under an unchanged version the stored OK is returned: bumping the
    // version is the caller's duty (as in the original).
    let stale = cache.check(&Checker::new(&failing), "v1");
    assert_eq!((stale.lookup, stale.result.ok), (Lookup::Hit, true));
    let bumped = cache.check(&Checker::new(&failing), "v2");
    assert_eq!(bumped.lookup, Lookup::Missing);
    assert_eq!(bumped.result.invariant.as_deref(), Some("inv"));
}

#[test]
fn key_field_initial_states() {
    let other = base().with_init([C { n: 1 }]);
    let r = assert_invalidates("init", &Checker::new(&base()), &Checker::new(&other));
    assert_eq!(r.result.states_explored, 3);
    let two = base().with_init([C { n: 0 }, C { n: 0 }]);
    let r = assert_invalidates("init-duplicated", &Checker::new(&base()), &Checker::new(&two));
    assert_eq!(r.result.to_string(), "OK — 4 states, no violations");
}

#[test]
fn key_field_action_names() {
    let renamed = Model::new(C { n: 0 })
        .action("step", |s| s.n < 3, |s| C { n: s.n + 1 })
        .invariant("inv", |_| true)
        .terminal(|s| s.n == 3);
    let r = assert_invalidates("action-names", &Checker::new(&base()), &Checker::new(&renamed));
    assert!(r.result.proved());
}

#[test]
fn key_field_action_order() {
    let up = Action::new("up", |s: &C| s.n == 0, |_: &C| C { n: 1 });
    let jump = Action::new("jump", |s: &C| s.n == 0, |_: &C| C { n: 2 });
    let m = |first: &Action<C>, second: &Action<C>| {
        Model::new(C { n: 0 })
            .add_action(first.clone())
            .add_action(second.clone())
            .invariant("at-0", |s| s.n == 0)
    };
    let (a, b) = (m(&up, &jump), m(&jump, &up));
    assert_eq!(check(&a).action_names(), ["up"]);
    let r = assert_invalidates("action-order", &Checker::new(&a), &Checker::new(&b));
    assert_eq!(r.result.action_names(), ["jump"]);
}

#[test]
fn key_field_invariant_names() {
    let more = base().invariant("boom", |_| false);
    let r = assert_invalidates("invariant-names", &Checker::new(&base()), &Checker::new(&more));
    assert_eq!(r.result.invariant.as_deref(), Some("boom"));
}

#[test]
fn key_field_invariant_order() {
    // Both invariants break at the initial state: the first declared is the one reported.
    let ab = base().with_invariants([
        musil::Invariant::new("a", |_: &C| false),
        musil::Invariant::new("b", |_: &C| false),
    ]);
    let ba = base().with_invariants([
        musil::Invariant::new("b", |_: &C| false),
        musil::Invariant::new("a", |_: &C| false),
    ]);
    assert_eq!(check(&ab).invariant.as_deref(), Some("a"));
    let r = assert_invalidates("invariant-order", &Checker::new(&ab), &Checker::new(&ba));
    assert_eq!(r.result.invariant.as_deref(), Some("b"));
}

#[test]
fn key_field_edge_invariants() {
    // The original's key omits edge invariants: adding `never("inc")` returned the cached OK.
    let guarded = base().edge_invariant_from("no-inc", never("inc"));
    let r = assert_invalidates("edge-invariants", &Checker::new(&base()), &Checker::new(&guarded));
    assert_eq!((r.result.kind, r.result.invariant.as_deref()), (Some(Kind::EdgeInvariant), Some("no-inc")));
    let renamed = base().edge_invariant_from("no-increment", never("inc"));
    let r = assert_invalidates("edge-invariant-names", &Checker::new(&guarded), &Checker::new(&renamed));
    assert_eq!(r.result.invariant.as_deref(), Some("no-increment"));
}

#[test]
fn key_field_terminal() {
    // The original's key omits the terminal predicate: dropping it turns OK into DEADLOCK.
    let no_terminal = Model::new(C { n: 0 }).add_action(inc()).invariant("inv", |_| true);
    let r = assert_invalidates("terminal", &Checker::new(&base()), &Checker::new(&no_terminal));
    assert_eq!(r.result.kind, Some(Kind::Deadlock));
}

#[test]
fn key_field_max_states() {
    let m = base();
    let r = assert_invalidates("max-states", &Checker::new(&m), &Checker::new(&m).max_states(2));
    assert!(r.result.truncated && r.result.ok && r.result.limit == Some(Limit::MaxStates));
}

#[test]
fn key_field_memory_budget() {
    let m = base();
    let r = assert_invalidates("memory-budget", &Checker::new(&m), &Checker::new(&m).memory_budget(1));
    assert_eq!(r.result.limit, Some(Limit::MemoryBudget));
}

#[test]
fn key_field_fingerprint() {
    let m = base();
    let r = assert_invalidates("fingerprint", &Checker::new(&m), &Checker::new(&m).fingerprint(true));
    assert_eq!(r.result.states_explored, 4);
}

#[test]
fn key_field_canonicalize() {
    let m = base();
    let r = assert_invalidates(
        "canonicalize",
        &Checker::new(&m),
        &Checker::new(&m).canonicalize(|s| C { n: s.n.min(2) }),
    );
    assert_eq!(r.result.to_string(), "OK — 3 states, no violations");
}

#[test]
fn key_field_key() {
    let m = base();
    let r = assert_invalidates("key", &Checker::new(&m), &Checker::new(&m).key(|s: &C| s.n));
    assert_eq!(r.result.states_explored, 4);
}

#[test]
fn key_field_actions_fn() {
    let menu = base().actions_fn(|_| vec![inc()]);
    let r = assert_invalidates("actions-fn", &Checker::new(&base()), &Checker::new(&menu));
    assert!(r.result.proved());
}

#[test]
fn key_field_footprint() {
    let menu = base().actions_fn(|_| vec![inc()]);
    let memoised = menu.clone().footprint(|_| ());
    let r = assert_invalidates("footprint", &Checker::new(&menu), &Checker::new(&memoised));
    assert!(r.result.proved());
}

#[test]
fn workers_progress_and_fairness_are_not_in_the_key() {
    // A check gives the same result with any number of workers, and fairness does not change a
    // safety verdict: such runs share the entry.
    let cache = fresh("not-in-key");
    let m = base();
    assert_eq!(cache.check(&Checker::new(&m), "v1").lookup, Lookup::Missing);
    assert_eq!(cache.check(&Checker::new(&m).workers(4).progress(false), "v1").lookup, Lookup::Hit);
    let fair = Model::new(C { n: 0 })
        .add_action(inc().fair(Fairness::Weak))
        .invariant("inv", |_| true)
        .terminal(|s| s.n == 3);
    assert_eq!(cache.check(&Checker::new(&fair), "v1").lookup, Lookup::Hit);
}

/// Miss, then hit: the same result, counterexample states included.
fn round_trip(name: &str, checker: &Checker<'_, Model<C>>) -> CheckResult<C> {
    let cache = fresh(name);
    let miss = cache.check(checker, "v1");
    assert_eq!((miss.lookup, miss.stored), (Lookup::Missing, true));
    let hit = cache.check(checker, "v1");
    assert_eq!((hit.lookup, hit.stored), (Lookup::Hit, true));
    assert_eq!(hit.result, miss.result);
    assert_eq!(hit.result, checker.check());
    hit.result
}

#[test]
fn a_hit_returns_the_whole_result() {
    let failing =
        base().with_invariants([musil::Invariant::new(
            "inv",
            |s: &C| if s.n < 2 { Ok(()) } else { Err("too far") },
        )]);
    let r = round_trip("hit-invariant", &Checker::new(&failing));
    assert_eq!((r.kind, r.reason.as_deref()), (Some(Kind::Invariant), Some("too far")));
    assert_eq!(r.action_names(), ["inc", "inc"]);
    assert_eq!(r.witness(), Some(&C { n: 2 }));

    let deadlock = Model::new(C { n: 0 }).add_action(inc());
    assert_eq!(round_trip("hit-deadlock", &Checker::new(&deadlock)).kind, Some(Kind::Deadlock));
    let edge = base().edge_invariant("small-steps", |_, _, b: &C| b.n < 3);
    assert_eq!(round_trip("hit-edge", &Checker::new(&edge)).kind, Some(Kind::EdgeInvariant));
    assert!(round_trip("hit-ok", &Checker::new(&base())).proved());
    assert!(round_trip("hit-truncated", &Checker::new(&base()).max_states(2)).truncated);
    // Under a reduction and in fingerprint mode the trace is the one the check shows.
    let folded = Checker::new(&failing).canonicalize(|s| C { n: s.n.min(2) });
    assert_eq!(round_trip("hit-canonical", &folded).states_explored, 3);
    let keyed = Checker::new(&failing).key(|s: &C| s.n.min(2));
    assert_eq!(round_trip("hit-key", &keyed).witness(), Some(&C { n: 2 }));
    let r = round_trip("hit-fingerprint", &Checker::new(&failing).fingerprint(true));
    assert_eq!(r.action_names(), ["inc", "inc"]);
}

#[test]
fn a_counterexample_that_no_longer_holds_is_refuted() {
    let cache = fresh("refuted");
    let failing = base().with_invariants([musil::Invariant::new("inv", |s: &C| s.n < 2)]);
    assert!(!cache.check(&Checker::new(&failing), "v1").result.ok);
    // The invariant's body was fixed without a version bump: its stored violation no longer
    // breaks it, so the entry is not trusted.
    let fixed = cache.check(&Checker::new(&base()), "v1");
    assert_eq!(fixed.lookup, Lookup::Refuted);
    assert!(fixed.result.proved());
    assert_eq!(cache.check(&Checker::new(&base()), "v1").lookup, Lookup::Hit);

    // An effect changed: the stored trace no longer replays to the same states.
    assert_eq!(cache.check(&Checker::new(&failing), "v2").lookup, Lookup::Missing);
    let leaping = Model::new(C { n: 0 })
        .action("inc", |s| s.n < 3, |s| C { n: (s.n + 2).min(3) })
        .invariant("inv", |s| s.n < 2)
        .terminal(|s| s.n == 3);
    let r = cache.check(&Checker::new(&leaping), "v2");
    assert_eq!(r.lookup, Lookup::Refuted);
    assert_eq!((r.result.action_names(), r.result.witness()), (vec!["inc"], Some(&C { n: 2 })));

    // A dead end that became terminal, and an edge invariant that was relaxed.
    let stuck = Model::new(C { n: 0 }).add_action(inc()).terminal(|_| false);
    assert_eq!(cache.check(&Checker::new(&stuck), "v3").result.kind, Some(Kind::Deadlock));
    let settled = Model::new(C { n: 0 }).add_action(inc()).terminal(|s| s.n == 3);
    assert_eq!(cache.check(&Checker::new(&settled), "v3").lookup, Lookup::Refuted);
    let strict = base().edge_invariant("small", |_, _, b: &C| b.n < 3);
    assert_eq!(cache.check(&Checker::new(&strict), "v4").result.kind, Some(Kind::EdgeInvariant));
    let relaxed = base().edge_invariant("small", |_, _, b: &C| b.n < 4);
    assert_eq!(cache.check(&Checker::new(&relaxed), "v4").lookup, Lookup::Refuted);
}

#[test]
fn a_corrupt_or_truncated_entry_is_ignored_and_rewritten() {
    let cache = fresh("corrupt");
    let failing = base().with_invariants([musil::Invariant::new("inv", |s: &C| s.n < 2)]);
    let checker = Checker::new(&failing);
    let fresh_result = cache.check(&checker, "v1").result;
    let path = cache.path(&checker, "v1");
    let good = fs::read_to_string(&path).unwrap();
    assert!(good.starts_with("musil verdict 1 "));

    let truncated = good[..good.len() - 10].to_owned();
    // A digit changed inside the JSON: still parses, fails the checksum.
    let count = good.find("\"states_explored\":3").expect("the stored count");
    let mut flipped = good.clone();
    flipped.replace_range(count + 18..count + 19, "4");
    let no_header = good.split_once('\n').unwrap().1.to_owned();
    for (what, bytes) in [
        ("truncated", truncated.into_bytes()),
        ("a digit changed", flipped.into_bytes()),
        ("no header", no_header.into_bytes()),
        ("empty", Vec::new()),
        ("not UTF-8", vec![0xff, 0xfe, 0x00]),
    ] {
        fs::write(&path, bytes).unwrap();
        let r = cache.check(&checker, "v1");
        assert_eq!(r.lookup, Lookup::Unreadable, "{what}");
        assert_eq!(r.result, fresh_result, "{what}");
        assert!(r.stored, "{what}");
        assert_eq!(fs::read_to_string(&path).unwrap(), good, "{what}: rewritten");
        assert_eq!(cache.check(&checker, "v1").lookup, Lookup::Hit, "{what}");
    }
}

#[test]
fn an_unwritable_directory_only_means_no_cache() {
    let file = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("verdict-cache-not-a-dir");
    fs::write(&file, "a file where the directory would be").unwrap();
    let cache = VerdictCache::at(file.join("cache"));
    let m = base();
    for _ in 0..2 {
        let r = cache.check(&Checker::new(&m), "v1");
        assert_eq!((r.lookup, r.stored), (Lookup::Missing, false));
        assert_eq!(r.result.to_string(), "OK — 4 states, no violations");
    }
    assert_eq!(cache.clear(), 0);
}

#[test]
fn panics_are_reported_fresh_and_not_stored() {
    let cache = fresh("panic");
    let m = base().invariant("boom", |s| if s.n == 2 { panic!("boom") } else { true });
    for _ in 0..2 {
        let r = cache.check(&Checker::new(&m), "v1");
        assert_eq!((r.lookup, r.stored, r.result.kind), (Lookup::Missing, false, Some(Kind::Panic)));
    }
}

#[test]
fn clear_removes_entries_only() {
    let cache = fresh("clear");
    let m = base();
    let _ = cache.check(&Checker::new(&m), "v1");
    let _ = cache.check(&Checker::new(&m), "v2");
    fs::write(cache.dir().join("notes.txt"), "not an entry").unwrap();
    assert_eq!(cache.clear(), 2);
    assert_eq!(cache.clear(), 0);
    assert!(cache.dir().join("notes.txt").is_file());
    assert_eq!(VerdictCache::at(cache.dir().join("missing")).clear(), 0);
    assert_eq!(cache.check(&Checker::new(&m), "v1").lookup, Lookup::Missing);
}

#[test]
fn the_default_cache_lives_in_the_target_directory() {
    let cache = VerdictCache::new();
    assert!(cache.dir().ends_with("musil-cache"));
    let target = cache.dir().parent().unwrap();
    assert!(target.join("CACHEDIR.TAG").is_file(), "{} is Cargo's target directory", target.display());
    // check_cached goes through it.
    let version = format!("default-dir-{}-{:?}", std::process::id(), std::time::SystemTime::now());
    let m = base();
    let path = cache.path(&Checker::new(&m), &version);
    assert!(check_cached(&m, &version).proved());
    assert!(path.is_file());
    assert_eq!(Checker::new(&m).check_cached(&version), check(&m));
    assert_eq!(cache.check(&Checker::new(&m), &version).lookup, Lookup::Hit);
    fs::remove_file(path).unwrap();
}

#[test]
fn concurrent_writers_never_leave_a_broken_entry() {
    let cache = fresh("threads");
    let failing = long();
    let expected = check(&failing);
    std::thread::scope(|scope| {
        for _ in 0..8 {
            scope.spawn(|| {
                for i in 0..25 {
                    let r = cache.check(&Checker::new(&failing), "v1");
                    assert_eq!(r.result, expected);
                    assert!(matches!(r.lookup, Lookup::Hit | Lookup::Missing), "{:?}", r.lookup);
                    if i % 5 == 0 {
                        let _ = fs::remove_file(cache.path(&Checker::new(&failing), "v1"));
                    }
                }
            });
        }
    });
    let files: Vec<_> = fs::read_dir(cache.dir()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert!(files.iter().all(|f| f.to_string_lossy().ends_with(".verdict")), "{files:?}");
}

/// A counter whose violation comes after 200 steps: an entry of some 8 KB, so that a
/// writer that is not atomic leaves readers a window to see half of it.
fn long() -> Model<C> {
    Model::new(C { n: 0 }).action("inc", |s| s.n < 200, |s| C { n: s.n + 1 }).invariant("inv", |s| s.n < 200)
}

/// Run by `concurrent_processes_share_one_cache` in child processes.
#[test]
#[ignore = "a child of concurrent_processes_share_one_cache"]
fn child_process_writer() {
    let dir = std::env::var_os("MUSIL_CACHE_CHILD_DIR").map_or_else(
        || PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("verdict-cache-child"),
        PathBuf::from,
    );
    let cache = VerdictCache::at(dir);
    let failing = long();
    let expected = check(&failing);
    for i in 0..40 {
        let r = cache.check(&Checker::new(&failing), "v1");
        assert_eq!(r.result, expected);
        assert_ne!(r.lookup, Lookup::Unreadable);
        assert_ne!(r.lookup, Lookup::Refuted);
        if i % 4 == 0 {
            let _ = fs::remove_file(cache.path(&Checker::new(&failing), "v1"));
        }
    }
}

#[test]
fn concurrent_processes_share_one_cache() {
    let cache = fresh("processes");
    // All four at once, each storing, reading and deleting the one entry.
    let running: Vec<_> = (0..4)
        .map(|_| {
            std::process::Command::new(std::env::current_exe().unwrap())
                .args(["--exact", "child_process_writer", "--include-ignored", "--quiet"])
                .env("MUSIL_CACHE_CHILD_DIR", cache.dir())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in running {
        let out = child.wait_with_output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{text}{}", String::from_utf8_lossy(&out.stderr));
        assert!(text.contains("1 passed"), "the child ran its test: {text}");
    }
    let last = cache.check(&Checker::new(&long()), "v1");
    assert_ne!(last.lookup, Lookup::Unreadable);
}
