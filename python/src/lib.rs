//! `musil._native`: the original musil's Python API over the Rust engine.
//!
//! The pure-Python package `musil` (in `pysrc/`) lays these names out in the original's modules
//! (`musil`, `musil.core`, `musil.env`, `musil.environments.k8s`, ...). States are Python
//! objects, hashed and compared through Python ([`state::PyState`]); the queue, the store, the
//! traces and the analyses are the engine's. Build it with maturin (`pip install ./python`).

mod analyses;
mod core;
mod env;
mod liveness;
mod ltl;
mod prob;
mod sim;
mod state;

use pyo3::prelude::*;

/// The extension module.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<core::PyAction>()?;
    m.add_class::<core::PyStep>()?;
    m.add_class::<core::PyModel>()?;
    m.add_class::<core::PyCheckResult>()?;
    m.add_class::<core::PyGraph>()?;
    m.add_function(wrap_pyfunction!(core::never, m)?)?;
    m.add_function(wrap_pyfunction!(core::check, m)?)?;
    m.add_function(wrap_pyfunction!(core::check_all, m)?)?;
    m.add_function(wrap_pyfunction!(core::explore, m)?)?;
    m.add_function(wrap_pyfunction!(core::reaches, m)?)?;
    m.add_function(wrap_pyfunction!(core::witness, m)?)?;
    m.add_function(wrap_pyfunction!(core::path_to, m)?)?;
    m.add_function(wrap_pyfunction!(core::states_where, m)?)?;
    m.add_function(wrap_pyfunction!(core::format_trace, m)?)?;
    m.add_function(wrap_pyfunction!(core::to_dot, m)?)?;
    m.add_function(wrap_pyfunction!(core::check_of, m)?)?;
    m.add_class::<liveness::PyLivenessResult>()?;
    m.add_class::<liveness::PyOpenLivenessResult>()?;
    m.add_function(wrap_pyfunction!(liveness::check_liveness, m)?)?;
    m.add_function(wrap_pyfunction!(liveness::check_liveness_open, m)?)?;
    m.add_function(wrap_pyfunction!(ltl::check_ltl, m)?)?;
    m.add_function(wrap_pyfunction!(prob::reach_probability, m)?)?;
    m.add_function(wrap_pyfunction!(prob::transient_distribution, m)?)?;
    m.add_function(wrap_pyfunction!(prob::expected_reward, m)?)?;
    m.add_function(wrap_pyfunction!(prob::long_run_reward, m)?)?;
    m.add_function(wrap_pyfunction!(prob::long_run_probability, m)?)?;
    m.add_function(wrap_pyfunction!(prob::reach_probability_mdp, m)?)?;
    m.add_function(wrap_pyfunction!(prob::expected_reward_mdp, m)?)?;
    m.add_function(wrap_pyfunction!(prob::long_run_reward_mdp, m)?)?;
    m.add_function(wrap_pyfunction!(prob::long_run_probability_mdp, m)?)?;
    m.add_function(wrap_pyfunction!(prob::probability_ltl, m)?)?;
    m.add_class::<analyses::PyInductionResult>()?;
    m.add_class::<analyses::PyCoverage>()?;
    m.add_class::<analyses::PyInvariantCoverage>()?;
    m.add_function(wrap_pyfunction!(analyses::check_inductive, m)?)?;
    m.add_function(wrap_pyfunction!(analyses::symmetry_reduction_sound, m)?)?;
    m.add_function(wrap_pyfunction!(analyses::coverage, m)?)?;
    m.add_function(wrap_pyfunction!(analyses::invariant_coverage, m)?)?;
    m.add_class::<sim::PyContext>()?;
    m.add_function(wrap_pyfunction!(sim::simulate_py, m)?)?;
    m.add_class::<env::PyAssumption>()?;
    m.add_class::<env::PyEnvironmentSpec>()?;
    m.add_class::<env::PyOpenResult>()?;
    m.add_function(wrap_pyfunction!(env::check_open, m)?)?;
    m.add_function(wrap_pyfunction!(env::pod_eviction, m)?)?;
    m.add_function(wrap_pyfunction!(env::aws_api_faults, m)?)?;
    m.add_function(wrap_pyfunction!(env::cluster_faults, m)?)?;
    m.add_function(wrap_pyfunction!(env::process_faults, m)?)?;
    m.add_function(wrap_pyfunction!(env::fs_faults, m)?)?;
    m.add_function(wrap_pyfunction!(env::capability_revocation, m)?)?;
    m.add_function(wrap_pyfunction!(env::block_volume_faults, m)?)?;
    m.add_function(wrap_pyfunction!(env::credential_rotation, m)?)?;
    m.add_function(wrap_pyfunction!(env::record_reality_divergence, m)?)?;
    Ok(())
}
