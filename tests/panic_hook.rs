//! Panics the library catches are results, so they are not printed; every other panic still
//! reaches the panic hook. (Its own test binary: the panic hook is global to the process.)

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use musil::{Kind, Model, check};

#[test]
fn caught_panics_stay_off_stderr_and_others_still_reach_the_hook() {
    let printed = Arc::new(AtomicUsize::new(0));
    let seen = printed.clone();
    std::panic::set_hook(Box::new(move |_| {
        seen.fetch_add(1, Ordering::SeqCst);
    }));
    let m = Model::new(0u8).action("boom", |_| true, |_: &u8| -> u8 { panic!("effect broke") });
    for workers in [1, 2] {
        let r = musil::Checker::new(&m).workers(workers).parallel_level(1).check();
        assert_eq!(r.kind, Some(Kind::Panic));
    }
    assert_eq!(check(&m).reason.as_deref(), Some("effect broke"));
    assert_eq!(printed.load(Ordering::SeqCst), 0, "a caught panic reached the hook");
    // A panic of the program's own still reaches it.
    let _ = std::thread::spawn(|| panic!("not musil's")).join();
    assert_eq!(printed.load(Ordering::SeqCst), 1);
}
