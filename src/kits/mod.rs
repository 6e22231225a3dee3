//! Model-building kits: each generates ordinary [`Action`](crate::Action)s, invariants and
//! predicates over the caller's own state.
//!
//! A kit owns no state shape. The caller hands it getters and setters (a status field, a
//! clock field, a component's slice) and gets back actions to pass to
//! [`Model::actions`](crate::Model::actions), named exactly as the original names them and
//! in the same order, with the same fairness tags. Nothing is special about them afterwards:
//! every analysis sees plain actions.
//!
//! - [`fsm`]: actions from a transition table, a protocol table or a movement table, and the
//!   check that a model makes no undeclared status change.
//! - [`compose`]: the interleaving of named component models over one joint state.
//! - [`clock`]: a tick bounded at a declared horizon, and whether that horizon was binding.

pub mod clock;
pub mod compose;
pub mod fsm;
