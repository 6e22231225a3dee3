//! How results are shown and asserted: [`result`] (the result types and their printed forms),
//! [`dot`] (Graphviz output) and [`testing`] (the `assert_ok!` / `assert_violates!` macros).
//! Nothing here explores: it only reads what an analysis returned.

pub mod dot;
pub mod result;
pub mod testing;
