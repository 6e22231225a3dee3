//! The original's analyses beyond checking: `check_inductive` (`musil.induction`),
//! `symmetry_reduction_sound` (`musil.core`), `coverage` and `invariant_coverage`
//! (`musil.metrics`), each answered by the engine's own analysis.

use musil::induction::Failure;
use musil::metrics::{Coverage, InvariantCoverage};
use musil::{Checker, Induction, InductionResult, Invariant};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

use crate::core::{self, MAX_STATES, steps};
use crate::state::{self, PyState};

/// The verdict of `check_inductive`: `proven`, `k`, `failure` (`"base"`, `"step"`, or
/// `"panic"`), the `state`, `action` and `successor` of the counterexample, the `reason`.
#[pyclass(frozen, name = "InductionResult", module = "musil.induction")]
pub struct PyInductionResult {
    inner: InductionResult<PyState>,
}

#[pymethods]
impl PyInductionResult {
    /// Base and step case both hold.
    #[getter]
    fn proven(&self) -> bool {
        self.inner.proven
    }
    /// `proven`, for the `Verdict` protocol.
    #[getter]
    fn ok(&self) -> bool {
        self.inner.proven
    }
    /// The induction depth.
    #[getter]
    fn k(&self) -> usize {
        self.inner.k
    }
    /// `"base"` (a real bug), `"step"` (a counterexample to induction), `"panic"`, or None.
    #[getter]
    fn failure(&self) -> Option<&'static str> {
        self.inner.failure.map(|f| match f {
            Failure::Base => "base",
            Failure::Step => "step",
            Failure::Panic => "panic",
        })
    }
    /// Base: the violating state; step: the pre-state (which satisfies the invariant).
    #[getter]
    fn state(&self, py: Python<'_>) -> Option<Py<PyAny>> {
        self.inner.state.as_ref().map(|s| s.object(py))
    }
    /// Step: the action from `state` to `successor`.
    #[getter]
    fn action(&self) -> Option<String> {
        self.inner.action.clone()
    }
    /// Step: the state that violates the invariant.
    #[getter]
    fn successor(&self, py: Python<'_>) -> Option<Py<PyAny>> {
        self.inner.successor.as_ref().map(|s| s.object(py))
    }
    /// The invariant's reason at the violating state.
    #[getter]
    fn reason(&self) -> Option<String> {
        self.inner.reason.clone()
    }
    /// Not in the original: the whole counterexample (for a base failure, from an initial state).
    #[getter]
    fn path<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        steps(py, &self.inner.path)
    }
    fn __bool__(&self) -> bool {
        self.inner.proven
    }
    /// The original's layout.
    fn __str__(&self) -> String {
        let r = &self.inner;
        let k = r.k;
        let why =
            r.reason.as_deref().filter(|s| !s.is_empty()).map(|s| format!(" — {s}")).unwrap_or_default();
        let shown = |s: &Option<PyState>| s.as_ref().map_or("None".to_owned(), |s| format!("{s:?}"));
        match r.failure {
            _ if r.proven => {
                format!(
                    "INDUCTIVE (k={k}) — I holds initially and is preserved by every action over the domain"
                )
            }
            Some(Failure::Base) => format!(
                "NOT INDUCTIVE (k={k}): base case — a state reachable within {} step(s) violates I{why}\n  {}",
                k - 1,
                shown(&r.state)
            ),
            Some(Failure::Step) => format!(
                "NOT INDUCTIVE (k={k}): counterexample-to-induction{why}\n  I holds at: {}\n  --{}--> {}   (violates I)\n  strengthen I to exclude this pre-state, or raise k",
                shown(&r.state),
                r.action.as_deref().unwrap_or(""),
                shown(&r.successor)
            ),
            _ => r.to_string(),
        }
    }
}

/// `check_inductive(model, invariant, domain, *, k=1)`: prove `invariant` inductive over the
/// finite `domain` (which must include unreachable states), or return the base-case bug or the
/// counterexample to induction.
#[pyfunction]
#[pyo3(signature = (model, invariant, domain, *, k=1))]
pub fn check_inductive(
    py: Python<'_>,
    model: &Bound<'_, PyAny>,
    invariant: Py<PyAny>,
    domain: &Bound<'_, PyAny>,
    k: i64,
) -> PyResult<PyInductionResult> {
    if k < 1 {
        return Err(PyValueError::new_err(format!("check_inductive: k must be at least 1, got {k}")));
    }
    let native = core::native_model(py, model)?;
    let states: Vec<PyState> =
        domain.try_iter()?.map(|s| s.map(|s| PyState::new(&s))).collect::<PyResult<_>>()?;
    let claim = Invariant::new("I", state::invariant(invariant));
    let induction = Induction::new(states).k(k as usize);
    let checker = Checker::new(&native);
    let r = state::run(py, 1, || checker.check_inductive(claim, &induction))?;
    Ok(PyInductionResult { inner: r.map_err(|e| PyValueError::new_err(e.to_string()))? })
}

/// `symmetry_reduction_sound(model, canonicalize, *, max_states=1_000_000) -> bool`: whether
/// the reduced exploration keeps every invariant's verdict and every deadlock of the full one,
/// on this (bounded) instance.
#[pyfunction]
#[pyo3(signature = (model, canonicalize, *, max_states=MAX_STATES))]
pub fn symmetry_reduction_sound(
    py: Python<'_>,
    model: &Bound<'_, PyAny>,
    canonicalize: Py<PyAny>,
    max_states: usize,
) -> PyResult<bool> {
    let native = core::native_model(py, model)?;
    let checker = Checker::new(&native).max_states(max_states);
    let canon = move |s: &PyState| Python::attach(|py| PyState::new(&state::call1(py, &canonicalize, s)));
    state::run(py, 1, || checker.symmetry_reduction_sound(canon))
}

/// Which actions a check exercised: `dead_actions`, `always_enabled_actions`,
/// `stutter_only_actions`, `actions_total`, `truncated`.
#[pyclass(frozen, name = "Coverage", module = "musil.metrics")]
pub struct PyCoverage {
    inner: Coverage,
}

#[pymethods]
impl PyCoverage {
    /// Never enabled in any explored state.
    #[getter]
    fn dead_actions<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, &self.inner.dead_actions)
    }
    /// Enabled in every explored state.
    #[getter]
    fn always_enabled_actions<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, &self.inner.always_enabled_actions)
    }
    /// Fired, but only ever back to the same state.
    #[getter]
    fn stutter_only_actions<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, &self.inner.stutter_only_actions)
    }
    /// The actions considered.
    #[getter]
    fn actions_total(&self) -> usize {
        self.inner.actions_total
    }
    /// The exploration stopped at its cap.
    #[getter]
    fn truncated(&self) -> bool {
        self.inner.truncated
    }
    /// No dead, always-enabled or stutter-only action.
    #[getter]
    fn ok(&self) -> bool {
        self.inner.ok()
    }
    fn __bool__(&self) -> bool {
        self.inner.ok()
    }
    fn __str__(&self) -> String {
        self.inner.to_string()
    }
}

/// Which invariants a check put at risk: `load_bearing`, `candidate_vacuous`, `threats`,
/// `invariants_total`, `truncated`.
#[pyclass(frozen, name = "InvariantCoverage", module = "musil.metrics")]
pub struct PyInvariantCoverage {
    inner: InvariantCoverage,
}

#[pymethods]
impl PyInvariantCoverage {
    /// Invariants something threatens.
    #[getter]
    fn load_bearing<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, &self.inner.load_bearing)
    }
    /// Invariants nothing threatens.
    #[getter]
    fn candidate_vacuous<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, &self.inner.candidate_vacuous)
    }
    /// For each load-bearing invariant, what threatens it.
    #[getter]
    fn threats<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for (k, v) in &self.inner.threats {
            d.set_item(k, PyTuple::new(py, v)?)?;
        }
        Ok(d)
    }
    /// The invariants considered.
    #[getter]
    fn invariants_total(&self) -> usize {
        self.inner.invariants_total
    }
    /// The exploration stopped at its cap.
    #[getter]
    fn truncated(&self) -> bool {
        self.inner.truncated
    }
    /// No candidate-vacuous invariant.
    #[getter]
    fn ok(&self) -> bool {
        self.inner.ok()
    }
    fn __bool__(&self) -> bool {
        self.inner.ok()
    }
    fn __str__(&self) -> String {
        self.inner.to_string()
    }
}

/// `coverage(model) -> Coverage`.
#[pyfunction]
pub fn coverage(py: Python<'_>, model: &Bound<'_, PyAny>) -> PyResult<PyCoverage> {
    let native = core::native_model(py, model)?;
    Ok(PyCoverage { inner: state::run(py, 1, || musil::metrics::coverage(&native))? })
}

/// `invariant_coverage(model) -> InvariantCoverage`.
#[pyfunction]
pub fn invariant_coverage(py: Python<'_>, model: &Bound<'_, PyAny>) -> PyResult<PyInvariantCoverage> {
    let native = core::native_model(py, model)?;
    Ok(PyInvariantCoverage { inner: state::run(py, 1, || musil::metrics::invariant_coverage(&native))? })
}
