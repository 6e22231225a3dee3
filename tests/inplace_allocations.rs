//! Exploring with in-place effects allocates per new state, not per transition: a successor
//! that is known already costs no allocation. Counted by a global allocator of this test
//! binary's own (one test, so nothing else runs beside it).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use musil::{Checker, Model};

/// The system allocator, counting allocations (reallocations too).
struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is passed on to the system allocator unchanged.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: the caller's promises, passed on.
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: the caller's promises, passed on.
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: the caller's promises, passed on.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's promises, passed on.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Three counters 0..=9 in a `Vec` (1,000 states), plus `idle` actions that leave the state as
/// it is: every state has 3 + `idle` successors, all but a few known already.
fn counters(in_place: bool, idle: usize) -> Model<Vec<u8>> {
    let mut m = Model::new(vec![0u8; 3]);
    let step = |i: usize| move |s: &mut Vec<u8>| s[i] = (s[i] + 1) % 10;
    for i in 0..3 {
        m = if in_place {
            m.action_in_place(format!("inc_{i}"), |_| true, step(i))
        } else {
            m.action(
                format!("inc_{i}"),
                |_| true,
                move |s: &Vec<u8>| {
                    let mut t = s.clone();
                    step(i)(&mut t);
                    t
                },
            )
        };
    }
    for j in 0..idle {
        m = if in_place {
            m.action_in_place(format!("idle_{j}"), |_| true, |s| s[0] = s[0].min(9))
        } else {
            m.action(format!("idle_{j}"), |_| true, |s: &Vec<u8>| s.clone())
        };
    }
    m.terminal(|_| true)
}

/// Allocations made by a check of `m` (states, transitions, allocations).
fn allocations(m: &Model<Vec<u8>>, workers: usize, fingerprint: bool) -> (usize, u64, usize) {
    let c = Checker::new(m).workers(workers).parallel_level(1).fingerprint(fingerprint).progress(false);
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    let (r, stats) = c.check_with_stats();
    let after = ALLOCATIONS.load(Ordering::Relaxed);
    assert!(r.ok);
    (stats.states, stats.transitions, after - before)
}

/// The plain form allocates once per transition; the in-place form once per new state, plus
/// buffers for the successors waiting for their lookup at one time: those of two states on
/// one worker, those of a chunk of 128 states per worker on several.
#[test]
fn known_successors_of_in_place_effects_allocate_nothing() {
    for workers in [1, 2] {
        for fingerprint in [false, true] {
            let at = format!("{workers} workers, fingerprint {fingerprint}");
            let few = allocations(&counters(true, 10), workers, fingerprint);
            let many = allocations(&counters(true, 40), workers, fingerprint);
            let plain_few = allocations(&counters(false, 10), workers, fingerprint);
            let plain_many = allocations(&counters(false, 40), workers, fingerprint);
            println!("{at}: in place {few:?} {many:?}, plain {plain_few:?} {plain_many:?}");
            assert_eq!((few.0, few.1, many.0, many.1), (1_000, 13_000, 1_000, 43_000));
            assert_eq!(
                (plain_few.0, plain_few.1, plain_many.0, plain_many.1),
                (few.0, few.1, many.0, many.1)
            );
            // Plain: every successor is a new allocation.
            assert!(plain_few.2 >= 13_000 && plain_many.2 >= 43_000, "{at}: {plain_few:?} {plain_many:?}");
            // In place: a thousand states, a thousand allocations and a little.
            let waiting = if workers == 1 { 2 * 43 } else { workers * 128 * 43 };
            for (n, run) in [few, many].into_iter().enumerate() {
                assert!(run.2 <= 2 * run.0 + waiting, "{at}, run {n}: {run:?}");
            }
            if workers == 1 {
                assert!(
                    many.2 - few.2 < 300,
                    "{at}: 30,000 more transitions, {} more allocations",
                    many.2 - few.2
                );
            }
        }
    }
}
