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
//! ## A tour
//! Beyond safety, the same model answers temporal and quantitative questions, and can be
//! checked against the platforms it runs on. Each check below runs on the one engine.
//!
//! ```
//! use musil::ltl::{Atoms, LtlOptions};
//! use musil::open::{check_open, environments::k8s};
//! use musil::probabilistic::{Prob, ratio};
//! use musil::{check_liveness, check_ltl, Fairness, Liveness, LivenessKind, Model};
//!
//! // A request that may be retried forever unless delivery is (weakly) fair.
//! let link = Model::new("sent")
//!     .action("retry", |s| *s == "sent", |_| "sent")
//!     .fair_action("deliver", Fairness::Weak, |s| *s == "sent", |_| "delivered")
//!     .terminal(|s| *s == "delivered");
//!
//! // Liveness under fairness: `deliver` is weakly fair by its tag, so every run delivers;
//! // with no fairness, retrying forever is a counterexample (a lasso: stem, then cycle).
//! let delivered = |s: &&str| *s == "delivered";
//! assert!(check_liveness(&link, &Liveness::eventually(delivered)).unwrap().proved());
//! let unfair = check_liveness(&link, &Liveness::eventually(delivered).fair(Vec::<String>::new())).unwrap();
//! assert_eq!(unfair.kind, Some(LivenessKind::FairCycle));
//! assert_eq!(unfair.action_names(), ["retry"]);
//!
//! // LTL over named atoms (each its own closure); fairness by name.
//! let f = Atoms::new().atom("sent", |s: &&str| *s == "sent").atom("done", delivered).parse("sent -> F done").unwrap();
//! assert!(check_ltl(&link, &f, &LtlOptions::new().fair(["deliver"])).unwrap().ok());
//!
//! // Exact probabilities: each enabled action is one outcome, weighted (default uniform).
//! let p = Prob::new(&link).weight(|a, _| if a == "deliver" { 9 } else { 1 });
//! assert_eq!(p.expected_reward(delivered).unwrap(), ratio(10, 9)); // steps until delivered
//!
//! // Open systems: the pod may be evicted at any moment; the residual obligations come back.
//! let pod = Model::new(true).action("restart", |up| !up, |_| true);
//! let evictions = k8s::pod_eviction(|up: &bool| *up, |_| false).build();
//! let r = check_open(&pod, &[evictions]);
//! assert!(r.ok());
//! assert_eq!(r.unverified_assumptions[0].name, "k8s:node-capacity");
//! ```
//!
//! ## How far a check goes
//! Every check explores at most [`DEFAULT_MAX_STATES`] states unless told otherwise. A check
//! that stops there says so: its result is `truncated`, a violation it reports is real (the
//! trace replays from an initial state), but a pass proves nothing, so [`CheckResult::proved`]
//! (and [`Outcome::proved`]) is false and [`assert_ok!`] refuses it unless written
//! `assert_ok!(r, truncated = ok)`. A probabilistic question answers
//! [`Inconclusive`](probabilistic::Answer::Inconclusive) instead of a number.
//!
//! The engine's options are one [`Config`] value, taken by [`Checker::config`] and by every
//! analysis (check, check_all, explore, liveness, LTL, the patterns, open systems and
//! [`Prob::config`](probabilistic::Prob::config)):
//!
//! ```
//! use musil::{Checker, Config, Model};
//! let counter = Model::new(0u32).action("inc", |n| *n < 50_000, |n| n + 1).terminal(|n| *n == 50_000);
//! let config = Config::new()
//!     .max_states(10_000)         // the cap (default DEFAULT_MAX_STATES)
//!     .workers(2)                 // parallel levels; the same verdict, count and trace with any number
//!     .memory_budget(64 << 20)    // stop (truncated) before the store outgrows this many bytes
//!     .fingerprint(false);        // true: store 64-bit fingerprints, traces replayed from the model
//! let r = Checker::new(&counter).config(config).check();
//! assert!(r.ok && r.truncated && !r.proved());
//! assert_eq!(r.states_explored, 10_000);
//! ```
//!
//! [`Config::canonicalize`] (symmetry reduction, built by [`symmetry`] and graded by
//! [`symmetry_reduction_sound`]) and [`Config::key`] (states compared by a projection)
//! sit beside these; [`Config::progress`] prints a progress line per level on stderr.
//!
//! An effect may also edit the state in place ([`Action::in_place`],
//! [`Model::action_in_place`]): the engine then has it edit a spare state of the worker's (a
//! successor found known already, kept for its buffers) refilled with `clone_from`, so a
//! successor that is known already costs no allocation (for states whose `clone_from` reuses
//! their buffers).
//!
//! ## From the command line
//! A model binary hands its models to [`cli::Cli`] (or one model to [`cli::run`]) and gets
//! musil's flags (`--workers`, `--max-states`, `--memory-budget 2G`, `--fingerprint`,
//! `--json`, `--dot`, `--emit-test PATH`, modes `check-all`, `explore`, `liveness`,
//! `--ltl "G (req -> F ack)"`) and exit codes: 0 verified, 1 a violation, 2 bad usage, 3
//! incomplete (a limit stopped the search; unlike the original, a truncated pass is never a
//! success). `--json` prints one [`json::Report`]; `--emit-test` writes a `#[test]` that
//! replays the counterexample by action names ([`testing::replay_check`]). The `musil` command
//! runs the [`kits::doctor`] and [`kits::citations`] gates over Rust sources.
//!
//! ```no_run
//! use musil::Model;
//! fn main() -> std::process::ExitCode {
//!     let model = Model::new(0u8).action("inc", |n| *n < 3, |n| n + 1).invariant("small", |n| *n < 3);
//!     musil::cli::run(&model) // `my_model --json`, `my_model --max-states 100`, ...
//! }
//! ```
//!
//! ## The layers
//! Each layer uses only those above it in this list.
//! - [`system`]: the [`TransitionSystem`] trait, dynamics only (initial states, successors in
//!   order, action names, fairness); [`properties`]: the [`Properties`] trait (invariants,
//!   edge invariants, legal dead ends) and [`Verdict`]; [`System`] is both.
//! - [`model`]: the closure-based [`Model`] builder, which implements both (actions, schemas,
//!   invariants, edge invariants, terminal states, per-state menus).
//! - [`engine`]: the one breadth-first engine (the per-state rules written once, the serial and
//!   parallel drivers, the state store, traces from parent links) and its one [`Config`].
//! - [`analysis`]: everything that observes the engine or reads its graph:
//!   [`check`](mod@check) ([`check()`], [`check_all`], the [`Checker`] every analysis is
//!   configured by), [`graph`] ([`explore`] into a [`Graph`] and its queries), [`liveness`]
//!   ([`check_liveness`] under weak and strong fairness), [`ltl`] ([`Ltl`] and [`check_ltl`]),
//!   [`history`], [`patterns`], [`por`] (partial-order reduction from declared footprints),
//!   [`induction`] ([`check_inductive`]: k-induction, a proof at any depth over a finite
//!   domain), [`probabilistic`] (exact probabilities and expectations), [`symmetry`] (the
//!   constructions of a symmetry reduction), [`cache`] (verdicts reused while nothing they
//!   depend on changed), [`metrics`] (how much of a model a check exercised: size, action and
//!   invariant coverage), [`profile`] (where a check spends its time), [`conformance`] (the
//!   model's traces replayed against an implementation and its logs against the model),
//!   [`refine`] (an implementation's observed run against the model's steps),
//!   [`counterexample`] (replay by action names, minimise, emit a regression test) and
//!   [`diffing`] (what changed in behaviour between two versions of a model).
//! - [`sim`]: deterministic simulation of real node code (seeded network, faults that heal,
//!   invariants, goals and refinement of a model checked after every step), drawing from
//!   CPython's own random generator so a seed replays the original's run.
//! - [`kits`]: model-building kits (channels, faults, a reconciler, state-machine tables,
//!   composition, a bounded clock, Petri nets) that write ordinary actions over the caller's
//!   state, and two helpers for test suites (citations, doctor).
//! - [`open`]: checking against adversarial environments ([`open::check_open`]) and the
//!   pre-built environments, with the assumptions each verdict rests on.
//! - [`present`]: [`result`] ([`CheckResult`], traces and their printed forms), [`dot`]
//!   (Graphviz), [`json`] (the versioned JSON report), [`testing`] ([`assert_ok!`],
//!   [`assert_violates!`] and replays by action names), [`cli`] (the command-line harness) and
//!   [`explorer`] (a local web page over a run, for `--explore`).
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

pub mod analysis;
pub mod compact;
#[cfg(feature = "distributed")]
pub mod distributed;
pub mod engine;
mod error;
mod fault;
pub mod kits;
pub mod model;
pub mod open;
pub mod present;
pub mod properties;
pub mod sim;
pub mod system;

// The paths users type: each module where the original's reader looks for it.
pub use analysis::prob as probabilistic;
pub use analysis::safety as check;
pub(crate) use analysis::scc;
pub use analysis::{
    cache, conformance, counterexample, diffing, graph, history, induction, liveness, ltl, metrics, patterns,
    por, profile, refine, symmetry,
};
pub use present::{cli, dot, explorer, json, result, testing};

pub use analysis::fair::Fair;
pub use check::{Checker, Config, DEFAULT_MAX_STATES, DistinctBy, Stats, Violations, check, check_all};
pub use dot::to_dot;
pub use engine::StateId;
pub use error::{Error, ErrorKind};
pub use fault::Fault;
pub use graph::{
    FixedPoints, Graph, GraphFault, StateViolation, check_of, explore, fixed_points, fixed_points_of,
    path_to, reachable_violations, reaches, states_where, symmetry_reduction_sound, witness,
};
pub use induction::{Domain, Induction, InductionResult, check_inductive};
pub use liveness::{Liveness, LivenessKind, LivenessResult, check_liveness, check_liveness_of};
pub use ltl::{Ltl, LtlOptions, LtlResult, check_ltl};
pub use model::{
    Action, ActionSchema, Binding, EdgeInvariant, Invariant, Model, Value, enumerate_actions,
    footprint_sound, invariant_from_violations, never, never_when,
};
pub use properties::{NoProperties, Projected, Properties, Verdict};
pub use result::{
    CheckResult, Kind, Limit, Outcome, Run, Step, format_trace, format_trace_diff, format_trace_with,
};
pub use system::{ActionId, Fairness, Predicate, Spare, State, System, TransitionSystem};

#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
