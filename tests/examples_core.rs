//! Every core example pins the reference outcome: verdict, state count and trace.

#[allow(dead_code)]
#[path = "../examples/dining_philosophers.rs"]
mod dining_philosophers;
#[allow(dead_code)]
#[path = "../examples/lost_update.rs"]
mod lost_update;
#[allow(dead_code)]
#[path = "../examples/mutex.rs"]
mod mutex;
#[allow(dead_code)]
#[path = "../examples/traffic_light.rs"]
mod traffic_light;

use musil::Kind;

#[test]
fn lost_update_loses_an_update_in_four_steps() {
    let r = lost_update::run();
    assert_eq!(r.kind, Some(Kind::Invariant));
    assert_eq!(r.invariant.as_deref(), Some("both-increments-counted"));
    assert_eq!(r.states_explored, 12);
    assert_eq!(r.action_names(), ["A_read", "B_read", "A_write", "B_write"]);
    let text = r.to_string();
    assert!(text.starts_with("INVARIANT VIOLATED: both-increments-counted\n  Init: Counter { x: 0,"));
    assert!(text.ends_with("(12 states explored)"));
    assert_eq!(musil::explore(&lost_update::model()).len(), 12);
}

#[test]
fn mutex_holds_on_twenty_states() {
    let r = mutex::run();
    assert_eq!(r.to_string(), "OK — 20 states, no violations");
}

#[test]
fn dining_philosophers_deadlock_and_fix() {
    let (naive, ordered) = dining_philosophers::run();
    assert_eq!(naive.kind, Some(Kind::Deadlock));
    assert_eq!(naive.states_explored, 14);
    assert_eq!(naive.action_names(), ["P0_take_f0", "P1_take_f1", "P2_take_f2"]);
    assert!(naive.to_string().starts_with("DEADLOCK (a non-terminal state with no enabled action)\n"));
    assert_eq!(ordered.to_string(), "OK — 12 states, no violations");
}

#[test]
fn traffic_light_is_safe_and_drawn() {
    let (r, dot) = traffic_light::run();
    assert_eq!(r.to_string(), "OK — 3 states, no violations");
    let reference = "digraph musil {
  rankdir=LR;
  node [shape=box, fontname=\"monospace\"];
  edge [fontname=\"monospace\"];
  n0 [label=\"color=red\", penwidth=2];
  n1 [label=\"color=green\"];
  n2 [label=\"color=yellow\"];
  n0 -> n1 [label=\"go\"];
  n1 -> n2 [label=\"slow\"];
  n2 -> n0 [label=\"stop\"];
}
";
    assert_eq!(dot, reference);
}
