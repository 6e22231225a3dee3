//! # musil — an explicit-state model checker
//!
//! Describe a system as states, guarded actions and invariants; musil explores every
//! reachable state, in every interleaving, breadth-first, and returns the shortest
//! counterexample or the proof that none exists (every reachable state checked).
//!
//! ```
//! use musil::{check, Kind, Model};
//!
//! #[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
//! struct Counter { x: u8, a_reg: Option<u8>, b_reg: Option<u8>, a_done: bool, b_done: bool }
//!
//! let model = Model::new(Counter::default())
//!     .action("A_read", |s| s.a_reg.is_none() && !s.a_done, |s| Counter { a_reg: Some(s.x), ..s.clone() })
//!     .action("A_write", |s| s.a_reg.is_some(), |s| Counter { x: s.a_reg.unwrap() + 1, a_reg: None, a_done: true, ..s.clone() })
//!     .action("B_read", |s| s.b_reg.is_none() && !s.b_done, |s| Counter { b_reg: Some(s.x), ..s.clone() })
//!     .action("B_write", |s| s.b_reg.is_some(), |s| Counter { x: s.b_reg.unwrap() + 1, b_reg: None, b_done: true, ..s.clone() })
//!     .invariant("both-increments-counted", |s| !(s.a_done && s.b_done) || s.x == 2)
//!     .terminal(|s| s.a_done && s.b_done);
//!
//! let result = check(&model);
//! assert_eq!(result.kind, Some(Kind::Invariant));
//! assert_eq!(result.action_names(), ["A_read", "B_read", "A_write", "B_write"]);
//! assert_eq!(result.states_explored, 12);
//! println!("{result}"); // the trace, as `  → A_read: Counter { x: 0, a_reg: Some(0), .. }` lines
//! ```
//!
//! ## The layers
//! - [`model`]: the closure-based [`Model`] builder (actions, schemas, invariants, edge
//!   invariants, terminal states, per-state menus).
//! - [`system`]: the one [`TransitionSystem`] trait every analysis explores; implement it by
//!   hand for static dispatch.
//! - [`engine`]: the one breadth-first loop and the state [`Store`].
//! - [`check`](mod@check): [`check()`], [`check_all`] and the [`Checker`] builder
//!   (`max_states`, `canonicalize`, `key`).
//! - [`graph`]: [`explore`] into a [`Graph`] and the queries over it ([`reaches`],
//!   [`path_to`], [`witness`], [`states_where`], [`check_of`], [`fixed_points`]).
//! - [`liveness`]: [`check_liveness`] under weak and strong fairness; [`ltl`]: [`Ltl`]
//!   formulas and [`check_ltl`]; [`history`]: the last action as state; [`patterns`].
//! - [`probabilistic`]: exact probabilities and expectations, the model read as a Markov
//!   chain or decision process.
//! - [`open`]: checking against adversarial environments ([`open::check_open`]) and the
//!   pre-built environments, with the assumptions each verdict rests on.
//! - [`result`]: [`CheckResult`], traces and their printed forms; [`dot`]: Graphviz output;
//!   [`testing`]: [`assert_ok!`] and [`assert_violates!`].
//!
//! ## Conventions
//! - Names follow the original Python library (musil 0.36.7), written the Rust way: builders
//!   instead of keyword arguments, enums instead of string kinds. Its `Result` is
//!   [`CheckResult`]; its invariant return values are [`Verdict`]s; its `Verdict` protocol is
//!   the [`Outcome`] trait.
//! - Results equal the original's: breadth-first order, actions and invariants in declaration
//!   order, the first discoverer of a state is its parent, `states_explored` counts every
//!   discovered state.
//! - Violations, truncation and panics in user code are results, never errors: a guard, effect
//!   or invariant that panics gives a [`Kind::Panic`] result naming it, with the trace.
#![deny(missing_docs)]
#![warn(missing_debug_implementations)]

pub mod check;
pub mod dot;
pub mod engine;
mod error;
mod fault;
pub mod graph;
pub mod history;
pub mod liveness;
pub mod ltl;
pub mod model;
pub mod open;
pub mod patterns;
pub mod probabilistic;
pub mod properties;
pub mod result;
mod scc;
pub mod system;
pub mod testing;

pub use check::{Checker, Config, DEFAULT_MAX_STATES, DistinctBy, Stats, check, check_all};
pub use dot::to_dot;
pub use engine::{StateId, Store};
pub use error::{Error, ErrorKind};
pub use fault::Fault;
pub use graph::{
    FixedPoints, Graph, GraphFault, StateViolation, check_of, explore, fixed_points, fixed_points_of,
    path_to, reachable_violations, reaches, states_where, symmetry_reduction_sound, witness,
};
pub use liveness::{Liveness, LivenessKind, LivenessResult, check_liveness, check_liveness_of};
pub use ltl::{Ltl, LtlOptions, LtlResult, check_ltl};
pub use model::{
    Action, ActionSchema, Binding, EdgeInvariant, Invariant, Model, Value, enumerate_actions,
    footprint_sound, invariant_from_violations, never, never_when,
};
pub use properties::{NoProperties, Projected, Properties, Verdict};
pub use result::{
    CheckResult, Kind, Limit, Outcome, Step, format_trace, format_trace_diff, format_trace_with,
};
pub use system::{ActionId, Fairness, Predicate, State, System, TransitionSystem};

#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
