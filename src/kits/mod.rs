//! Model-building kits: functions that write ordinary [`Action`](crate::Action)s and predicates
//! over the caller's own state.
//!
//! A kit owns no state shape. The caller hands it getters and setters (a lens onto the part of
//! its state the kit is about: an in-flight set, a node's liveness flag, a desired/actual pair)
//! and gets back actions to add with [`Model::actions`](crate::Model::actions), with the
//! original's action names, in its order, with its fairness tags. Nothing a kit builds is special
//! to the checker: the model is the same as one written by hand.

pub mod channels;
pub mod faults;
pub mod reconciler;
pub mod repr;
