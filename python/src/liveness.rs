//! The original's `check_liveness`, `check_liveness_open` and `LivenessResult`.

use musil::{Checker, Fair, Liveness, LivenessKind, LivenessResult};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyTuple, PyType};

use crate::core::{self, MAX_STATES, steps};
use crate::state::{self, PyState};

/// The outcome of a liveness check: `ok`, `states_explored`, `goal`, `kind`
/// (`"p-unreachable"`, `"fair-cycle"`, or `"panic"`), the lasso's `stem` and `cycle`, `truncated`.
#[pyclass(frozen, name = "LivenessResult", module = "musil")]
pub struct PyLivenessResult {
    inner: LivenessResult<PyState>,
    /// The original's stem: for a leads-to violation it starts at the trigger state.
    stem: Vec<musil::Step<PyState>>,
}

impl PyLivenessResult {
    pub(crate) fn new(inner: LivenessResult<PyState>) -> Self {
        let stem = match inner.trigger_at {
            Some(at) if at < inner.stem.len() => {
                let mut stem = inner.stem[at..].to_vec();
                stem[0].action = "<init>".into();
                stem
            }
            _ => inner.stem.clone(),
        };
        PyLivenessResult { inner, stem }
    }
}

#[pymethods]
impl PyLivenessResult {
    #[classmethod]
    fn __class_getitem__(cls: &Bound<'_, PyType>, _item: &Bound<'_, PyAny>) -> Py<PyType> {
        cls.clone().unbind()
    }
    /// True when every (fair) run reaches the goal.
    #[getter]
    fn ok(&self) -> bool {
        self.inner.ok
    }
    /// States in the explored graph.
    #[getter]
    fn states_explored(&self) -> usize {
        self.inner.states_explored
    }
    /// The goal's name.
    #[getter]
    fn goal(&self) -> &str {
        &self.inner.goal
    }
    /// Why it fails.
    #[getter]
    fn kind(&self) -> Option<&'static str> {
        self.inner.kind.map(LivenessKind::as_str)
    }
    /// The path to the trap or the cycle's entry (for a leads-to property, from the trigger).
    #[getter]
    fn stem<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        steps(py, &self.stem)
    }
    /// The cycle, back to the stem's last state.
    #[getter]
    fn cycle<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        steps(py, &self.inner.cycle)
    }
    /// The graph was cut by the cap.
    #[getter]
    fn truncated(&self) -> bool {
        self.inner.truncated
    }
    /// For a `"panic"` result: what raised.
    #[getter]
    fn fault(&self) -> Option<String> {
        self.inner.fault.as_ref().map(|f| f.to_string())
    }
    /// The action names along the stem, then the cycle, without `<init>`.
    #[getter]
    fn action_names<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let names: Vec<String> = self
            .stem
            .iter()
            .chain(&self.inner.cycle)
            .filter(|s| &*s.action != "<init>")
            .map(|s| s.action.to_string())
            .collect();
        PyTuple::new(py, names)
    }
    /// The stem's last state.
    #[getter]
    fn witness(&self, py: Python<'_>) -> Option<Py<PyAny>> {
        self.stem.last().map(|s| s.state.object(py))
    }
    fn __bool__(&self) -> bool {
        self.inner.ok
    }
    /// The original's layout.
    fn __str__(&self) -> String {
        let r = &self.inner;
        if r.ok {
            let cap = if r.truncated { " (TRUNCATED at cap)" } else { "" };
            return format!("OK — eventually '{}' on every run ({} states){cap}", r.goal, r.states_explored);
        }
        let stem = musil::format_trace(&self.stem, None);
        match r.kind {
            Some(LivenessKind::PUnreachable) => format!(
                "LIVENESS VIOLATED: '{}' is unreachable from a reachable state\n{stem}\n({} states explored)",
                r.goal, r.states_explored
            ),
            Some(LivenessKind::FairCycle) => {
                let cycle: Vec<String> =
                    r.cycle.iter().map(|s| format!("  ↺ {}: {:?}", s.action, s.state)).collect();
                format!(
                    "LIVENESS VIOLATED: a fair cycle never reaches '{}'\n{stem}\n  --- loops forever ---\n{}\n({} states explored)",
                    r.goal,
                    cycle.join("\n"),
                    r.states_explored
                )
            }
            _ => r.to_string(),
        }
    }
}

/// The engine's liveness question for the original's keywords.
fn spec(
    goal: Py<PyAny>,
    fair: Option<Vec<String>>,
    fair_strong: Option<Vec<String>>,
    everywhere: bool,
    leadsto_from: Option<Py<PyAny>>,
    goal_name: String,
    default_fair: Fair,
) -> Liveness<PyState> {
    let mut spec = Liveness::eventually(state::guard(goal)).everywhere(everywhere).goal_name(goal_name);
    if let Some(q) = leadsto_from {
        spec = spec.leadsto_from(state::guard(q));
    }
    let mut fairness = default_fair;
    if let Some(w) = fair {
        fairness = fairness.fair(w);
    }
    if let Some(s) = fair_strong {
        fairness = fairness.fair_strong(s);
    }
    spec.fairness(fairness)
}

/// A list of action names given as any iterable of strings (None: not given).
pub(crate) fn names(v: Option<Bound<'_, PyAny>>) -> PyResult<Option<Vec<String>>> {
    match v {
        None => Ok(None),
        Some(v) if v.is_none() => Ok(None),
        Some(v) => v.try_iter()?.map(|n| n?.extract::<String>()).collect::<PyResult<Vec<_>>>().map(Some),
    }
}

/// `check_liveness(model, *, goal, fair=None, fair_strong=None, everywhere=False,
/// leadsto_from=None, goal_name="goal", max_states=1_000_000)`.
#[pyfunction]
#[pyo3(signature = (model, *, goal, fair=None, fair_strong=None, everywhere=false, leadsto_from=None, goal_name="goal".to_owned(), max_states=MAX_STATES))]
#[allow(clippy::too_many_arguments)]
pub fn check_liveness(
    py: Python<'_>,
    model: &Bound<'_, PyAny>,
    goal: Py<PyAny>,
    fair: Option<Bound<'_, PyAny>>,
    fair_strong: Option<Bound<'_, PyAny>>,
    everywhere: bool,
    leadsto_from: Option<Py<PyAny>>,
    goal_name: String,
    max_states: usize,
) -> PyResult<PyLivenessResult> {
    let native = core::native_model(py, model)?;
    let spec =
        spec(goal, names(fair)?, names(fair_strong)?, everywhere, leadsto_from, goal_name, Fair::tags());
    let checker = Checker::new(&native).max_states(max_states);
    let r = state::run(py, 1, || checker.check_liveness(&spec))?;
    let r = r.map_err(|e| PyValueError::new_err(e.to_string()))?;
    Ok(PyLivenessResult::new(r))
}

/// The outcome of `check_liveness_open`: the liveness `result` and the residual obligations.
#[pyclass(frozen, name = "OpenLivenessResult", module = "musil.env")]
pub struct PyOpenLivenessResult {
    /// The liveness verdict under the environments' faults.
    #[pyo3(get)]
    result: Py<PyLivenessResult>,
    /// Every assumption not marked verified.
    #[pyo3(get)]
    unverified_assumptions: Py<PyTuple>,
}

#[pymethods]
impl PyOpenLivenessResult {
    #[classmethod]
    fn __class_getitem__(cls: &Bound<'_, PyType>, _item: &Bound<'_, PyAny>) -> Py<PyType> {
        cls.clone().unbind()
    }
    /// True when the liveness property holds.
    #[getter]
    fn ok(&self) -> bool {
        self.result.get().inner.ok
    }
    fn __bool__(&self) -> bool {
        self.ok()
    }
    fn __str__(&self, py: Python<'_>) -> PyResult<String> {
        crate::env::with_obligations(self.result.get().__str__(), self.unverified_assumptions.bind(py))
    }
}

/// `check_liveness_open(system, *envs, goal, goal_name="goal", everywhere=False,
/// leadsto_from=None, fair=None, fair_strong=(), max_states=1_000_000)`: environment behaviours
/// are unfair unless named in `fair` (which defaults to the system's own actions).
#[pyfunction]
#[pyo3(signature = (system, *envs, goal, goal_name="goal".to_owned(), everywhere=false, leadsto_from=None, fair=None, fair_strong=None, max_states=MAX_STATES))]
#[allow(clippy::too_many_arguments)]
pub fn check_liveness_open(
    py: Python<'_>,
    system: &Bound<'_, PyAny>,
    envs: &Bound<'_, PyTuple>,
    goal: Py<PyAny>,
    goal_name: String,
    everywhere: bool,
    leadsto_from: Option<Py<PyAny>>,
    fair: Option<Bound<'_, PyAny>>,
    fair_strong: Option<Bound<'_, PyAny>>,
    max_states: usize,
) -> PyResult<PyOpenLivenessResult> {
    let native = core::native_model(py, system)?;
    let natives = crate::env::native_envs(py, envs)?;
    let strong = names(fair_strong)?.unwrap_or_default();
    let spec = spec(goal, names(fair)?, Some(strong), everywhere, leadsto_from, goal_name, Fair::tags());
    let checker = Checker::new(&native).max_states(max_states);
    let r = state::run(py, 1, || checker.check_liveness_open(&natives, &spec))?;
    let r = r.map_err(|e| PyValueError::new_err(e.to_string()))?;
    Ok(PyOpenLivenessResult {
        result: Py::new(py, PyLivenessResult::new(r.result))?,
        unverified_assumptions: crate::env::residual(py, envs)?.unbind(),
    })
}
