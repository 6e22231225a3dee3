//! The clock kit's rules, one test each, through the public API (§5.4).

use musil::kits::clock::{BoundedClock, bounded_clock};
use musil::{Checker, ErrorKind, Kind, Model, check, explore};

/// (now, replied at)
type Req = (i64, Option<i64>);

fn clock(horizon: i64) -> BoundedClock<Req> {
    bounded_clock(|s: &Req| s.0, |s: &Req, t| (t, s.1), horizon).unwrap()
}

fn reply_by(deadline: i64, horizon: i64) -> (Model<Req>, BoundedClock<Req>) {
    let c = clock(horizon);
    let m = Model::new((0, None))
        .add_action(c.action())
        .action("reply", move |s: &Req| s.1.is_none() && s.0 <= deadline, |s| (s.0, Some(s.0)))
        .invariant("answered-in-time", move |s| s.1.is_none_or(|t| t <= deadline))
        .terminal(c.at_horizon_fn());
    (m, c)
}

#[test]
fn the_tick_is_enabled_below_the_horizon_and_adds_one_to_the_clock_only() {
    let tick = clock(2).action();
    assert_eq!(tick.name(), "clock:tick");
    assert_eq!(tick.fairness(), None);
    assert_eq!(tick.apply(&(1, Some(0))), (2, Some(0)));
    assert!(tick.is_enabled(&(1, None)) && !tick.is_enabled(&(2, None)) && !tick.is_enabled(&(5, None)));
}

#[test]
fn a_name_prefixes_the_tick() {
    assert_eq!(clock(1).name("gateway").action().name(), "gateway:tick");
}

#[test]
fn a_negative_horizon_is_refused_and_zero_never_ticks() {
    let e = bounded_clock(|s: &Req| s.0, |s: &Req, t| (t, s.1), -3).unwrap_err();
    assert_eq!((e.kind(), e.message()), (ErrorKind::InvalidInput, "horizon must be >= 0, got -3"));
    let c = clock(0);
    let m = Model::new((0, None)).add_action(c.action()).terminal(c.at_horizon_fn());
    assert_eq!(explore(&m).states().collect::<Vec<_>>(), [&(0, None)]);
    assert!(c.at_horizon(&(0, None)));
}

#[test]
fn the_clock_alone_takes_horizon_plus_one_values() {
    for h in [0, 1, 5, 20] {
        let c = clock(h);
        let m = Model::new((0, None)).add_action(c.action()).terminal(c.at_horizon_fn());
        assert_eq!(explore(&m).len() as i64, h + 1, "horizon {h}");
    }
}

#[test]
fn an_unbounded_tick_is_only_truncated_and_a_bounded_one_is_complete() {
    let runaway = Model::new(0i64).action("tick", |_| true, |t| t + 1);
    let r = Checker::new(&runaway).max_states(500).check();
    assert!(r.ok && r.truncated);
    let c = clock(8);
    let bounded = Model::new((0, None)).add_action(c.action()).terminal(c.at_horizon_fn());
    let r = check(&bounded);
    assert!(r.ok && !r.truncated);
    assert_eq!(r.to_string(), "OK — 9 states, no violations");
}

#[test]
fn forgetting_the_terminal_is_a_deadlock_at_the_horizon() {
    let c = clock(3);
    let r = check(&Model::new((0, None)).add_action(c.action()));
    assert_eq!(r.kind, Some(Kind::Deadlock));
    assert_eq!(r.action_names(), ["clock:tick"; 3]);
    assert_eq!(r.trace.last().map(|s| c.now(&s.state)), Some(3));
}

#[test]
fn the_horizon_binds_when_some_state_reaches_it() {
    for (h, n) in [(2, 9), (10, 41), (50, 201)] {
        let (m, c) = reply_by(2, h);
        assert_eq!(check(&m).to_string(), format!("OK — {n} states, no violations"));
        let g = explore(&m);
        assert!(c.binding(&g));
        assert!(c.horizon_states(&g).iter().all(|s| c.now(s) == h));
    }
    let c = clock(9);
    let stops = Model::new((0i64, None))
        .action("tick", |s: &Req| s.1.is_none() && s.0 < 3, |s| (s.0 + 1, s.1))
        .action("reply", |s: &Req| s.1.is_none() && s.0 == 3, |s| (s.0, Some(s.0)))
        .terminal(|s| s.1.is_some());
    let g = explore(&stops);
    assert_eq!(g.len(), 5);
    assert!(!c.binding(&g) && c.horizon_states(&g).is_empty());
}

#[test]
fn horizon_states_come_in_graph_order() {
    let (m, c) = reply_by(2, 2);
    let g = explore(&m);
    let in_graph: Vec<&Req> = g.states().filter(|s| s.0 == 2).collect();
    assert_eq!(c.horizon_states(&g), in_graph);
    // As the original lists them: breadth-first discovery order.
    assert_eq!(c.horizon_states(&g), [&(2, None), &(2, Some(2)), &(2, Some(1)), &(2, Some(0))]);
}
