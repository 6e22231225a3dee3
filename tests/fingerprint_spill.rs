//! Fingerprint mode's lean store: 6-byte fingerprint slots and parent links written to disk
//! level by level. What it must keep: the exact mode's verdict, counts and traces (rebuilt by
//! replaying recorded successor positions), whatever the number of workers, with the links on
//! disk or (when the disk refuses them) in memory; about 8 bytes of RAM per state; nothing left
//! on disk afterwards.

use musil::{Checker, DistinctBy, Model};

/// A grid walk with diagonal shortcuts: many levels, many states per level, and states met by
/// several parents (so the first discoverer matters), broken far from the start.
fn grid(side: u32, bad: (u32, u32)) -> Model<(u32, u32)> {
    Model::new((0u32, 0u32))
        .action("right", move |s: &(u32, u32)| s.0 + 1 < side, |s| (s.0 + 1, s.1))
        .action("up", move |s: &(u32, u32)| s.1 + 1 < side, |s| (s.0, s.1 + 1))
        .action("diag", move |s: &(u32, u32)| s.0 + 2 < side && s.1 + 1 < side, |s| (s.0 + 2, s.1 + 1))
        .invariant("not bad", move |s| *s != bad)
        .terminal(move |s| s.0 + 1 == side && s.1 + 1 == side)
}

fn fresh_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("musil-spill-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    dir
}

#[test]
fn deep_violations_have_the_exact_trace_with_links_on_disk() {
    let dir = fresh_dir("deep");
    // 400 x 400 states; the violation is hundreds of levels down, past many writes to disk.
    let m = grid(400, (301, 250));
    let exact = Checker::new(&m).max_states(usize::MAX).check();
    assert!(!exact.ok);
    assert_eq!(exact.trace.len(), 252, "150 shortcuts, 1 step right, 100 up, and the start");
    for workers in [1, 2] {
        let (r, stats) = Checker::new(&m)
            .max_states(usize::MAX)
            .workers(workers)
            .parallel_level(16)
            .fingerprint(true)
            .spill_dir(&dir)
            .check_with_stats();
        assert_eq!(r, exact, "{workers} workers");
        assert!(stats.collision_probability.is_some_and(|p| p < 1e-8));
    }
    // The links file is gone once the search is over.
    assert_eq!(std::fs::read_dir(&dir).expect("the directory").count(), 0);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_disk_that_refuses_the_links_keeps_them_in_memory_and_the_answer() {
    let m = grid(120, (100, 90));
    let exact = Checker::new(&m).check();
    let nowhere = std::path::Path::new("/nonexistent/musil/spill/dir");
    for workers in [1, 2] {
        let r =
            Checker::new(&m).workers(workers).parallel_level(16).fingerprint(true).spill_dir(nowhere).check();
        assert_eq!(r, exact, "{workers} workers");
    }
}

#[test]
fn every_violation_and_the_count_match_exact_mode() {
    let m = grid(150, (149, 3)).invariant("x or y small", |s: &(u32, u32)| s.0 < 140 || s.1 < 140);
    for workers in [1, 2] {
        let exact = Checker::new(&m).workers(workers).check_all(DistinctBy::Invariant);
        let lean = Checker::new(&m)
            .workers(workers)
            .parallel_level(16)
            .fingerprint(true)
            .check_all(DistinctBy::Invariant);
        assert_eq!(lean, exact, "{workers} workers");
        assert_eq!(lean.found.len(), 2);
    }
}

#[test]
fn symmetric_and_keyed_states_replay_to_the_same_representatives() {
    // Canonical forms: the replay canonicalises each recorded successor as the search did.
    let m = grid(200, (170, 30));
    let sorted = |s: &(u32, u32)| (s.0.max(s.1), s.0.min(s.1));
    for workers in [1, 2] {
        let exact = Checker::new(&m).workers(workers).canonicalize(sorted).check();
        let lean = Checker::new(&m)
            .workers(workers)
            .parallel_level(16)
            .canonicalize(sorted)
            .fingerprint(true)
            .check();
        assert_eq!(lean, exact, "{workers} workers");
        assert!(!lean.ok);
    }
}

#[test]
fn a_million_states_take_about_eight_bytes_each_besides_the_frontier() {
    let m = grid(1000, (u32::MAX, 0));
    for workers in [1, 2] {
        let (r, stats) =
            Checker::new(&m).max_states(usize::MAX).workers(workers).fingerprint(true).check_with_stats();
        assert!(r.ok && !r.truncated);
        assert_eq!(stats.states, 1_000_000);
        let per_state = stats.store_bytes as f64 / stats.states as f64;
        // 6-byte slots at 70-87.5% load, the last levels' states (8 bytes each) and links.
        assert!(per_state < 10.5, "{per_state} bytes per state with {workers} workers");
    }
}
