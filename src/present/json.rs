//! The JSON report of a run: one document per run, in a versioned schema ([`SCHEMA`]).
//!
//! [`Report`] is what the command-line harness prints for `--json` ([`crate::cli`]): the
//! verdict, the counterexample as a list of steps (`<init>` first), the statistics and, for an
//! open system, the residual proof obligations. States appear as their `Debug` text, and also
//! as JSON values when the harness was told how to serialise them
//! ([`Cli::serialize_states`](crate::cli::Cli::serialize_states)).
//!
//! # Schema 1
//! Every key is always present; `null` marks what does not apply.
//!
//! | key | type | meaning |
//! |---|---|---|
//! | `schema` | number | `1`, raised on any incompatible change |
//! | `model` | string | the model's name as the harness registered it |
//! | `mode` | string | `check`, `check-all`, `explore`, `liveness` or `ltl` |
//! | `property` | string or null | the LTL formula or the liveness goal; null otherwise |
//! | `verdict` | string | `verified`, `violation` or `incomplete` (the exit code's meaning) |
//! | `exit_code` | number | `0` verified, `1` violation, `3` incomplete |
//! | `ok` | bool | no violation found (the original's `ok`; true on a truncated pass) |
//! | `proved` | bool | `ok` and the whole reachable state space was seen |
//! | `kind` | string or null | `invariant`, `edge-invariant`, `deadlock`, `ltl`, `panic`, `p-unreachable`, `fair-cycle` |
//! | `invariant` | string or null | the broken invariant (or edge invariant, or what panicked) |
//! | `reason` | string or null | the violation's reason, when it gave one |
//! | `states_explored` | number | distinct states discovered |
//! | `truncated` | bool | a limit stopped the search: a pass then proves nothing |
//! | `limit` | string or null | `max-states` or `memory-budget` when truncated |
//! | `trace` | array | the counterexample: `{action, state, value}` objects, `<init>` first; empty when ok |
//! | `loop_index` | number or null | for a lasso, the index in `trace` of the state the cycle returns to (the trace's last state equals it) |
//! | `violations` | array or null | `check-all` only: one `{kind, invariant, reason, trace, loop_index}` per distinct problem, shortest first (the top-level fields describe the first) |
//! | `stats` | object | `seconds` (wall clock), `transitions`, `store_bytes`, `collision_probability` (fingerprint mode), each null when the mode does not measure it |
//! | `config` | object | `max_states`, `workers`, `memory_budget` (bytes or null), `fingerprint` |
//! | `unverified_assumptions` | array or null | open systems only, in environment order: `{name, description, status, source, broken}` (`source` null when none cited; `broken` true when the counterexample breaks the assumption's checkable form) |
//!
//! A trace step's `state` is the state's `Debug` text; its `value` is the state as JSON when
//! serialisation was enabled, else null.
//!
//! ```
//! use musil::cli::Cli;
//! use musil::Model;
//! let m = Model::new(0u8).action("inc", |n| *n < 3, |n| n + 1).invariant("small", |n| *n < 2);
//! let (mut out, mut err) = (Vec::new(), Vec::new());
//! let exit = Cli::new("demo").model("counter", &m).execute(["--json"], &mut out, &mut err);
//! assert_eq!(exit.code(), 1);
//! let doc: serde_json::Value = serde_json::from_slice(&out).unwrap();
//! assert_eq!(doc["schema"], 1);
//! assert_eq!(doc["invariant"], "small");
//! assert_eq!(doc["trace"][0]["action"], "<init>");
//! assert_eq!(doc["trace"][2]["state"], "2");
//! ```

use serde::Serialize;
use serde_json::Value;

use crate::result::{Limit, Run, Step};

/// The schema version [`Report`] documents carry in their `schema` key.
pub const SCHEMA: u32 = 1;

/// One JSON report (see the [module](self) for the schema).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    /// Always [`SCHEMA`].
    pub schema: u32,
    /// The model's registered name.
    pub model: String,
    /// `check`, `check-all`, `explore`, `liveness` or `ltl`.
    pub mode: String,
    /// The LTL formula or the liveness goal.
    pub property: Option<String>,
    /// `verified`, `violation` or `incomplete`.
    pub verdict: String,
    /// The process exit code the verdict maps to: 0, 1 or 3.
    pub exit_code: u8,
    /// No violation found (true on a truncated pass too).
    pub ok: bool,
    /// `ok` over the whole reachable state space.
    pub proved: bool,
    /// The violation's kind.
    pub kind: Option<String>,
    /// The broken invariant, edge invariant, or what panicked.
    pub invariant: Option<String>,
    /// The violation's reason.
    pub reason: Option<String>,
    /// Distinct states discovered.
    pub states_explored: usize,
    /// A limit stopped the search.
    pub truncated: bool,
    /// Which limit: `max-states` or `memory-budget`.
    pub limit: Option<String>,
    /// The counterexample, `<init>` first; empty when ok.
    pub trace: Vec<StepJson>,
    /// For a lasso: the index in `trace` the cycle returns to.
    pub loop_index: Option<usize>,
    /// `check-all` only: every distinct problem, shortest first.
    pub violations: Option<Vec<ViolationJson>>,
    /// What the search measured.
    pub stats: StatsJson,
    /// The engine settings the run used.
    pub config: ConfigJson,
    /// Open systems only: the residual proof obligations, in order.
    pub unverified_assumptions: Option<Vec<AssumptionJson>>,
}

/// One step of a trace.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StepJson {
    /// The action taken (`<init>` for the first step).
    pub action: String,
    /// The state after it, as its `Debug` text.
    pub state: String,
    /// The state as JSON, when serialisation was enabled.
    pub value: Option<Value>,
}

/// One problem of a `check-all` run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ViolationJson {
    /// Its kind.
    pub kind: Option<String>,
    /// The broken invariant.
    pub invariant: Option<String>,
    /// Its reason.
    pub reason: Option<String>,
    /// Its shortest trace, `<init>` first.
    pub trace: Vec<StepJson>,
    /// For a lasso: where the cycle returns to.
    pub loop_index: Option<usize>,
}

/// What a search measured; `null` where the mode does not measure it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StatsJson {
    /// Wall-clock seconds of the run.
    pub seconds: f64,
    /// Transitions followed.
    pub transitions: Option<u64>,
    /// Bytes the state store held at the end.
    pub store_bytes: Option<usize>,
    /// In fingerprint mode: the bound on a fingerprint collision's probability.
    pub collision_probability: Option<f64>,
}

/// The engine settings of a run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ConfigJson {
    /// The cap on distinct states.
    pub max_states: usize,
    /// Worker threads.
    pub workers: usize,
    /// The memory budget in bytes, if any.
    pub memory_budget: Option<usize>,
    /// Whether fingerprint mode was on.
    pub fingerprint: bool,
}

/// One residual proof obligation of an open system.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AssumptionJson {
    /// Its name, e.g. `k8s:node-capacity`.
    pub name: String,
    /// What is assumed.
    pub description: String,
    /// `unverified` or `axiom` (verified ones are not obligations).
    pub status: String,
    /// The source it cites, if any.
    pub source: Option<String>,
    /// The counterexample breaks its checkable form.
    pub broken: bool,
}

impl Report {
    /// The document as one line of JSON text.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a report serialises")
    }

    /// The document as indented JSON text.
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).expect("a report serialises")
    }
}

/// How the harness renders a state as a JSON value, when it does.
pub(crate) type ValueFn<'a, S> = dyn Fn(&S) -> Option<Value> + 'a;

/// The steps of a trace as JSON.
pub(crate) fn steps<S: std::fmt::Debug>(steps: &[Step<S>], value: &ValueFn<'_, S>) -> Vec<StepJson> {
    steps
        .iter()
        .map(|s| StepJson {
            action: s.action.clone(),
            state: format!("{:?}", s.state),
            value: value(&s.state),
        })
        .collect()
}

/// A counterexample run as one trace and, for a lasso, its loop index: the stem then the cycle
/// (whose last state is the stem's last).
pub(crate) fn run_trace<S: std::fmt::Debug>(
    run: Option<Run<'_, S>>,
    value: &ValueFn<'_, S>,
) -> (Vec<StepJson>, Option<usize>) {
    match run {
        None => (Vec::new(), None),
        Some(Run { stem, cycle }) => {
            let mut trace = steps(stem, value);
            trace.extend(steps(cycle, value));
            let loop_index = (!cycle.is_empty()).then(|| stem.len() - 1);
            (trace, loop_index)
        }
    }
}

/// A limit's name in the schema.
pub(crate) fn limit_name(truncated: bool, limit: Option<Limit>) -> Option<String> {
    truncated.then(|| match limit {
        Some(Limit::MemoryBudget) => "memory-budget".to_owned(),
        _ => "max-states".to_owned(),
    })
}
