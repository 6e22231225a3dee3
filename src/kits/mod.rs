//! Model-building kits: each generates ordinary [`Action`](crate::Action)s, invariants and
//! predicates over the caller's own state.
//!
//! A kit owns no state shape. The caller hands it getters and setters (a status field, an
//! in-flight set, a node's liveness flag, a desired/actual pair, a clock field) and gets back
//! actions to pass to [`Model::actions`](crate::Model::actions), named exactly as the original
//! names them and in the same order, with the same fairness tags. Nothing is special about them
//! afterwards: every analysis sees plain actions, the same model as one written by hand.
//!
//! - [`channels`]: unordered (lossy, duplicating) and FIFO channels between components;
//! - [`faults`]: crashes and revivals under a budget, network partitions, a once-only or
//!   budgeted action;
//! - [`reconciler`]: a weakly fair loop driving an actual state to the desired one;
//! - [`fsm`]: actions from a transition table, a protocol table or a movement table, and the
//!   check that a model makes no undeclared status change;
//! - [`compose`]: the interleaving of named component models over one joint state;
//! - [`petri`]: actions from a Petri net (a firing consumes and produces tokens at several
//!   places at once), and the place-invariants (conservation laws) its structure guarantees;
//! - [`clock`]: a tick bounded at a declared horizon, and whether that horizon was binding;
//! - [`citations`]: the model names cited in source text, and the ones that no longer exist;
//! - [`doctor`]: hints where a test hand-rolls what `assert_ok!`, `assert_violates!` or
//!   `action_names` already do;
//! - [`repr`]: the one Python-style rendering that names generated from values use.
//!
//! [`citations`] and [`doctor`] build no actions: they read source text around the models (the
//! code that cites them, the tests that check them). They live here, with the original's other
//! helper modules, because neither touches environments or assumptions ([`open`](crate::open)).

pub mod channels;
pub mod citations;
pub mod clock;
pub mod compose;
pub mod doctor;
pub mod faults;
pub mod fsm;
pub mod petri;
pub mod reconciler;
pub mod repr;
