//! The service_lifecycle example pins the reference outcome; the fsm kit on the original's
//! own test models.

#[allow(dead_code)]
#[path = "../examples/service_lifecycle.rs"]
mod service_lifecycle;

#[test]
fn service_lifecycle_reaches_all_five_declared_states() {
    let (result, declared, dot) = service_lifecycle::run();
    assert_eq!(result.to_string(), "OK — 5 states, no violations");
    assert_eq!((result.states_explored, declared), (5, 5));
    assert!(service_lifecycle::allowed().terminal_states().is_empty());
    assert!(dot.contains("  n0 [label=\"status=pending\", penwidth=2];\n"));
    assert_eq!(dot.matches(" -> ").count(), 12);
}
