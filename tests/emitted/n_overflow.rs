#[test]
fn n_overflow() {
    let model = crate::counter();
    let result = musil::counterexample::replay_actions(&model, &["inc", "inc", "inc"]).unwrap_or_else(|e| panic!("{e}"));
    assert!(!result.ok);
    assert_eq!(result.invariant.as_deref(), Some("n_le_2"));
}
