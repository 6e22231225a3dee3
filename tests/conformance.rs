//! Conformance against the spec's figures (simulation_and_tooling.md §2.1, §2.2, §2.5), the
//! async replay, and the log replay in the other direction.

use std::pin::pin;
use std::task::{Context, Poll, Waker};

use musil::conformance::{Cover, generate_traces, replay, replay_async, replay_log};
use musil::graph::explore;
use musil::result::Step;
use musil::{Checker, Model};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Color {
    Red,
    Green,
    Yellow,
}

fn light() -> Model<Color> {
    use Color::*;
    Model::new(Red).action("go", |c| *c == Red, |_| Green).action("slow", |c| *c == Green, |_| Yellow).action(
        "stop",
        |c| *c == Yellow,
        |_| Red,
    )
}

/// The implementation: a light that keeps its colour as text.
fn implementation(buggy: bool) -> impl FnMut(String, &str) -> String {
    move |_now, action| {
        match action {
            "go" if buggy => "yellow",
            "go" => "green",
            "slow" => "yellow",
            _ => "red",
        }
        .to_string()
    }
}

#[allow(clippy::ptr_arg)] // a projection takes the implementation's own state type, here `String`
fn project(text: &String) -> Color {
    match text.as_str() {
        "red" => Color::Red,
        "green" => Color::Green,
        _ => Color::Yellow,
    }
}

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    let mut f = pin!(f);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(out) = f.as_mut().poll(&mut cx) {
            return out;
        }
    }
}

#[test]
fn traces_cover_edges_or_states_in_discovery_order() {
    let g = explore(&light());
    let edges = generate_traces(&g, Cover::Edges, 100_000);
    assert_eq!(edges.iter().map(Vec::len).collect::<Vec<_>>(), [2, 3, 4]);
    assert!(edges.iter().all(|t| t[0].action == "<init>"));
    let states = generate_traces(&g, Cover::States, 100_000);
    let colors: Vec<Vec<Color>> = states.iter().map(|t| t.iter().map(|s| s.state).collect()).collect();
    use Color::*;
    assert_eq!(colors, [vec![Red], vec![Red, Green], vec![Red, Green, Yellow]]);
    assert_eq!(generate_traces(&g, Cover::Edges, 2).len(), 2);
    // No transitions, no edge traces; self-loops and duplicate edges each get one.
    let still = Model::new(0u8).terminal(|_| true);
    assert!(generate_traces(&explore(&still), Cover::Edges, 10).is_empty());
    let looping = Model::new(0u8).action("a", |_| true, |n| *n).action("b", |_| true, |n| *n);
    assert_eq!(generate_traces(&explore(&looping), Cover::Edges, 10).len(), 2);
}

#[test]
fn membership_traces_have_the_reference_lengths() {
    // {a, b} joining and leaving: 4 states, 8 edge traces.
    let m = Model::new((false, false))
        .action("join:a", |s| !s.0, |s| (true, s.1))
        .action("join:b", |s| !s.1, |s| (s.0, true))
        .action("leave:a", |s| s.0, |s| (false, s.1))
        .action("leave:b", |s| s.1, |s| (s.0, false));
    let traces = generate_traces(&Checker::new(&m).explore(), Cover::Edges, 100_000);
    assert_eq!(traces.iter().map(Vec::len).collect::<Vec<_>>(), [2, 2, 3, 3, 3, 3, 4, 4]);
}

#[test]
fn a_correct_replay_conforms_and_a_buggy_one_diverges_at_its_step() {
    let traces = generate_traces(&explore(&light()), Cover::Edges, 100_000);
    let r = replay(&traces, &"red".to_string(), implementation(false), project);
    assert_eq!(r.to_string(), "CONFORMS -- 3 traces, 6 steps, no divergence");
    let r = replay(&traces, &"red".to_string(), implementation(true), project);
    assert_eq!(
        r.to_string(),
        "DIVERGENCE in trace 0 at step 1 after 'go':\n  model expected: Green\n  implementation: Yellow\n(1 traces, 1 steps run)"
    );
    let d = r.divergence.unwrap();
    assert_eq!((d.trace_index, d.step_index, d.action.as_str()), (0, 1, "go"));
}

#[test]
fn a_wrong_start_diverges_at_init_and_empty_traces_count() {
    let states = generate_traces(&explore(&light()), Cover::States, 100_000);
    let r = replay(&states, &"green".to_string(), implementation(false), project);
    let d = r.divergence.as_ref().unwrap();
    assert_eq!((d.step_index, d.action.as_str()), (0, "<init>"));
    assert!(r.to_string().ends_with("(1 traces, 0 steps run)"));

    let mut with_empty = vec![Vec::new()];
    with_empty.extend(generate_traces(&explore(&light()), Cover::Edges, 100_000));
    let r = replay(&with_empty, &"red".to_string(), implementation(false), project);
    assert_eq!((r.ok, r.traces_run, r.steps_run), (true, 4, 6));
    let empties: Vec<Vec<Step<Color>>> = vec![Vec::new(), Vec::new()];
    let r = replay(&empties, &"red".to_string(), implementation(false), project);
    assert_eq!((r.traces_run, r.steps_run), (2, 0));
}

#[test]
fn the_async_replay_gives_the_same_answer() {
    let traces = generate_traces(&explore(&light()), Cover::Edges, 100_000);
    for buggy in [false, true] {
        let sync = replay(&traces, &"red".to_string(), implementation(buggy), project);
        let mut step = implementation(buggy);
        let start = "red".to_string();
        let run = replay_async(
            &traces,
            &start,
            |now, action| {
                let next = step(now, action);
                async move { next }
            },
            project,
        );
        assert_eq!(block_on(run), sync);
    }
}

#[test]
fn a_log_is_checked_against_the_model() {
    use Color::*;
    let ok = [("<init>", Red), ("go", Green), ("slow", Yellow), ("stop", Red), ("go", Green)];
    let r = replay_log(&light(), &ok);
    assert_eq!(r.to_string(), "CONFORMS -- 1 traces, 4 steps, no divergence");
    // A log that skips yellow: the model's stop is not enabled at green.
    let skipped = [("<init>", Red), ("go", Green), ("stop", Red)];
    let r = replay_log(&light(), &skipped);
    let d = r.divergence.clone().unwrap();
    assert_eq!((d.step_index, d.expected, d.actual), (2, None, Red));
    assert!(r.to_string().contains("model expected: no 'stop' step from the state before"));
    // A step the model takes elsewhere.
    let wrong = [("<init>", Red), ("go", Yellow)];
    let d = replay_log(&light(), &wrong).divergence.unwrap();
    assert_eq!((d.step_index, d.expected, d.actual), (1, Some(Green), Yellow));
    // A log that starts elsewhere.
    let d = replay_log(&light(), &[("<init>", Green)]).divergence.unwrap();
    assert_eq!((d.step_index, d.action.as_str()), (0, "<init>"));
    // An empty log: nothing to disagree with.
    assert!(replay_log(&light(), &[] as &[(&str, Color)]).ok);
}

mod settling {
    use std::cell::{Cell, RefCell};
    use std::collections::BTreeSet;
    use std::rc::Rc;

    use musil::conformance::{
        Clock, ConvergenceMonitor, Cover, Scenarios, VirtualClock, Wait, assert_converged, drive_scenarios,
        generate_traces,
    };
    use musil::{Checker, Model};

    /// Virtual time shared by the test's system and the driver.
    #[derive(Clone, Default)]
    struct Shared(Rc<Cell<f64>>);

    impl Clock for Shared {
        fn now(&mut self) -> f64 {
            self.0.get()
        }
        fn sleep(&mut self, seconds: f64) {
            self.0.set(self.0.get() + seconds);
        }
    }

    /// A membership service whose joins and leaves take effect `delay` seconds after they
    /// are asked for.
    struct Service {
        time: Shared,
        delay: f64,
        members: RefCell<BTreeSet<char>>,
        pending: RefCell<Vec<(f64, char, bool)>>,
    }

    impl Service {
        fn view(&self) -> BTreeSet<char> {
            let now = self.time.0.get();
            let mut pending = self.pending.borrow_mut();
            let mut members = self.members.borrow_mut();
            pending.retain(|&(at, who, join)| {
                if at <= now {
                    if join {
                        members.insert(who);
                    } else {
                        members.remove(&who);
                    }
                    false
                } else {
                    true
                }
            });
            members.clone()
        }
    }

    fn membership() -> Model<(bool, bool)> {
        Model::new((false, false))
            .action("join:a", |s| !s.0, |s| (true, s.1))
            .action("join:b", |s| !s.1, |s| (s.0, true))
            .action("leave:a", |s| s.0, |s| (false, s.1))
            .action("leave:b", |s| s.1, |s| (s.0, false))
    }

    fn drive(delay: f64, skip_init: bool) -> (String, bool, usize, usize, f64) {
        let time = Shared::default();
        let service = Rc::new(Service {
            time: time.clone(),
            delay,
            members: RefCell::default(),
            pending: RefCell::default(),
        });
        let traces = generate_traces(&Checker::new(&membership()).explore(), Cover::Edges, 100_000);
        let watched = service.clone();
        let monitor = ConvergenceMonitor::new(
            vec![()],
            move |_: &()| watched.view(),
            |views: Vec<BTreeSet<char>>| views.into_iter().next().unwrap_or_default(),
        );
        let actor = service.clone();
        let apply = |action: &str| {
            let (verb, who) = action.split_once(':').unwrap();
            let who = who.chars().next().unwrap();
            actor.pending.borrow_mut().push((actor.time.0.get() + actor.delay, who, verb == "join"));
        };
        let resetter = service.clone();
        let resets = Rc::new(Cell::new(0usize));
        let counted = resets.clone();
        let mut scenarios = Scenarios::within(100.0).poll(1.0).reset(move || {
            counted.set(counted.get() + 1);
            resetter.members.borrow_mut().clear();
            resetter.pending.borrow_mut().clear();
        });
        if skip_init {
            scenarios = scenarios.checkpoint(|step| step.action != "<init>");
        }
        let matches = |view: &BTreeSet<char>, s: &(bool, bool)| {
            *view == [(s.0, 'a'), (s.1, 'b')].into_iter().filter(|p| p.0).map(|p| p.1).collect()
        };
        let mut clock = time.clone();
        let mut with_empty = vec![Vec::new()];
        with_empty.extend(traces);
        let r = drive_scenarios(&with_empty, &monitor, apply, matches, &mut scenarios, &mut clock);
        assert_eq!(resets.get(), r.traces_run, "one reset per non-empty trace, the empty one not counted");
        (r.to_string(), r.ok, r.traces_run, r.checkpoints, time.0.get())
    }

    #[test]
    fn every_checkpoint_settles_within_its_time() {
        let (text, ok, traces, checkpoints, now) = drive(5.0, false);
        assert!(ok, "{text}");
        assert_eq!((traces, checkpoints), (8, 24));
        assert_eq!(text, "ALL CONVERGED -- 8 traces, 24 checkpoints, every one settled");
        // 16 actions, each seen 5 s after it is asked for, looking every second.
        assert_eq!(now, 80.0);
        let (_, ok, _, checkpoints, _) = drive(5.0, true);
        assert!(ok);
        assert_eq!(checkpoints, 24 - 8);
    }

    #[test]
    fn a_checkpoint_that_does_not_settle_ends_the_drive() {
        let (text, ok, traces, checkpoints, _) = drive(200.0, false);
        assert!(!ok);
        assert_eq!((traces, checkpoints), (1, 2));
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0], "DID NOT CONVERGE in trace 1 at step 1 after 'join:a':",
            "the empty trace 0 is skipped"
        );
        assert_eq!(lines[1], "  model expected: (true, false)");
        assert_eq!(lines[2], "  DID NOT CONVERGE on '(true, false)' within 100.000s (101 polls)");
        assert_eq!(lines[3], "  last observed: {}");
        assert_eq!(lines[4], "(1 traces, 2 checkpoints run)");
    }

    #[test]
    fn a_wait_that_never_settles_looks_until_its_time_is_up() {
        let monitor = ConvergenceMonitor::new(vec![1, 2, 3], |n: &i32| *n, |v: Vec<i32>| v.len());
        let mut clock = VirtualClock::default();
        let c = monitor.wait(|n| *n == 4, &Wait::within(5.0).poll(1.0).goal_name("it's"), &mut clock);
        assert!(!c.converged);
        assert_eq!((c.polls, c.elapsed), (6, 5.0));
        assert_eq!(c.to_string(), "DID NOT CONVERGE on \"it's\" within 5.000s (6 polls)\n  last observed: 3");
        let e = std::panic::catch_unwind(|| assert_converged(&c, Some("cluster"))).unwrap_err();
        assert!(e.downcast_ref::<String>().unwrap().starts_with("cluster\nDID NOT CONVERGE"));
        // A goal that holds at once: one look, no sleep; within 0: exactly one look.
        let at_once = monitor.wait(|n| *n == 3, &Wait::within(5.0), &mut clock);
        assert_eq!((at_once.polls, at_once.elapsed), (1, 0.0));
        assert_eq!(monitor.wait(|n| *n == 4, &Wait::within(0.0), &mut clock).polls, 1);
    }
}
