//! The analyses: each observes the one engine or reads the graph it explores.
//!
//! - [`safety`]: `check`, `check_all` and the [`Checker`](crate::Checker) that configures every
//!   analysis (re-exported as [`crate::check`](mod@crate::check));
//! - [`graph`]: `explore` into a [`Graph`](crate::Graph) and the queries over it, with the one
//!   shortest-path helper;
//! - [`liveness`]: eventually, always-eventually and leads-to under weak and strong fairness;
//! - [`ltl`]: formulas, the Büchi automata and the product, explored by the engine;
//! - [`history`]: the last action as part of the state; [`patterns`]: properties by name;
//! - [`fair`]: the one spelling of fairness the liveness and LTL checks take;
//! - [`por`]: partial-order reduction from declared footprints, in the engine's rules;
//! - [`induction`]: k-induction, a proof at any depth from a base case and a step case over a
//!   finite domain;
//! - [`prob`]: exact probabilities and expectations (re-exported as [`crate::probabilistic`]);
//! - [`symmetry`]: the constructions that build a symmetry reduction's `canonicalize`;
//! - [`counterexample`]: replay by action names, minimise, emit a regression test; [`diffing`]:
//!   what changed in behaviour between two versions of a model;
//! - [`cache`]: the verdict cache, a check answered from disk while nothing it depends on
//!   changed.

pub mod cache;
pub mod conformance;
pub mod counterexample;
pub mod diffing;
pub mod fair;
pub mod graph;
pub mod history;
pub mod induction;
pub mod liveness;
pub mod ltl;
pub mod metrics;
pub mod patterns;
pub mod por;
pub mod prob;
pub mod profile;
pub mod refine;
pub mod safety;
pub(crate) mod scc;
pub mod symmetry;
