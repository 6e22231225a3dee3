//! How results are shown and asserted: [`result`] (the result types and their printed forms),
//! [`dot`] (Graphviz output), [`json`] (the versioned JSON report), [`testing`] (the
//! `assert_ok!` / `assert_violates!` macros and replays by action names), [`cli`] (the
//! command-line harness a model binary calls) and [`explorer`] (the local web page its
//! `--explore` serves). Nothing here explores by itself: the harness runs the analyses and
//! reads what they return.

pub mod cli;
pub mod dot;
pub mod explorer;
pub mod json;
pub mod result;
pub mod testing;
