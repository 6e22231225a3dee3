//! The original's core API: `Action`, `Step`, `Model`, `Result`, `Graph`, and the checks and
//! graph queries over them, each a thin layer that builds a [`musil::Model`] over [`PyState`]s
//! and reads the engine's answer back into Python objects.

use std::sync::{Arc, OnceLock};

use musil::{CheckResult, Checker, DistinctBy, Fairness, Graph as NativeGraph};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyFrozenSet, PyList, PyString, PyTuple, PyType};

use crate::state::{self, PyState};

/// The original's default `max_states`.
pub(crate) const MAX_STATES: usize = 1_000_000;

/// A guarded, atomic transition: `Action(name, enabled, apply, fair=None)`.
#[pyclass(frozen, name = "Action", module = "musil")]
pub struct PyAction {
    /// The action's name.
    #[pyo3(get)]
    name: String,
    /// The guard, `state -> bool`.
    #[pyo3(get)]
    enabled: Py<PyAny>,
    /// The effect, `state -> state`.
    #[pyo3(get)]
    apply: Py<PyAny>,
    /// `"weak"`, `"strong"` or `None`.
    #[pyo3(get)]
    fair: Option<String>,
    /// The engine's action over the same callables.
    pub(crate) native: musil::Action<PyState>,
}

fn fairness(fair: Option<&str>) -> PyResult<Option<Fairness>> {
    match fair {
        None => Ok(None),
        Some("weak") => Ok(Some(Fairness::Weak)),
        Some("strong") => Ok(Some(Fairness::Strong)),
        Some(other) => Err(PyValueError::new_err(format!(
            "Action fair= must be 'weak', 'strong' or None, not {other:?}"
        ))),
    }
}

impl PyAction {
    /// An action over Python callables.
    pub(crate) fn build(
        name: String,
        enabled: Py<PyAny>,
        apply: Py<PyAny>,
        fair: Option<String>,
    ) -> PyResult<Self> {
        let tag = fairness(fair.as_deref())?;
        let py_guard = Python::attach(|py| enabled.clone_ref(py));
        let py_effect = Python::attach(|py| apply.clone_ref(py));
        let mut native = musil::Action::new(name.clone(), state::guard(py_guard), state::effect(py_effect));
        if let Some(tag) = tag {
            native = native.fair(tag);
        }
        Ok(PyAction { name, enabled, apply, fair, native })
    }

    /// An action the engine built (an environment's behaviour) over the Python callables it
    /// was built from.
    pub(crate) fn wrap(native: musil::Action<PyState>, enabled: Py<PyAny>, apply: Py<PyAny>) -> Self {
        let fair = native.fairness().map(|f| match f {
            Fairness::Weak => "weak".to_owned(),
            Fairness::Strong => "strong".to_owned(),
        });
        PyAction { name: native.name().to_owned(), enabled, apply, fair, native }
    }

    /// The engine's action for an `Action`, or for any object with `name`, `enabled`, `apply`
    /// (and optionally `fair`) attributes.
    pub(crate) fn native_of(
        item: &Bound<'_, PyAny>,
        what: &dyn Fn() -> String,
    ) -> PyResult<musil::Action<PyState>> {
        if let Ok(a) = item.cast::<PyAction>() {
            return Ok(a.get().native.clone());
        }
        let attr = |n: &str| {
            item.getattr(n).map_err(|_| {
                PyTypeError::new_err(format!(
                    "{} must be an Action (an object with name, enabled and apply), got {}",
                    what(),
                    item.get_type().name().map(|n| n.to_string()).unwrap_or_default()
                ))
            })
        };
        let name: String = attr("name")?.extract()?;
        let fair: Option<String> = item.getattr("fair").ok().and_then(|f| f.extract().ok());
        Ok(PyAction::build(name, attr("enabled")?.unbind(), attr("apply")?.unbind(), fair)?.native)
    }
}

#[pymethods]
impl PyAction {
    #[new]
    #[pyo3(signature = (name, enabled, apply, fair=None))]
    fn py_new(name: String, enabled: Py<PyAny>, apply: Py<PyAny>, fair: Option<String>) -> PyResult<Self> {
        PyAction::build(name, enabled, apply, fair)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "Action(name={}, enabled={}, apply={}, fair={})",
            repr_str(py, &self.name)?,
            self.enabled.bind(py).repr()?,
            self.apply.bind(py).repr()?,
            match &self.fair {
                Some(f) => repr_str(py, f)?,
                None => "None".into(),
            }
        ))
    }

    #[classmethod]
    fn __class_getitem__(cls: &Bound<'_, PyType>, _item: &Bound<'_, PyAny>) -> Py<PyType> {
        cls.clone().unbind()
    }
}

/// Python's `repr` of a string.
pub(crate) fn repr_str(py: Python<'_>, s: &str) -> PyResult<String> {
    Ok(PyString::new(py, s).repr()?.to_string())
}

/// One link of a trace: the action that fired and the state it produced.
#[pyclass(frozen, name = "Step", module = "musil")]
pub struct PyStep {
    /// The action's name (`<init>` for the first step).
    #[pyo3(get)]
    action: String,
    /// The state it produced.
    #[pyo3(get)]
    state: Py<PyAny>,
}

#[pymethods]
impl PyStep {
    #[classmethod]
    fn __class_getitem__(cls: &Bound<'_, PyType>, _item: &Bound<'_, PyAny>) -> Py<PyType> {
        cls.clone().unbind()
    }
    #[new]
    fn py_new(action: String, state: Py<PyAny>) -> Self {
        PyStep { action, state }
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!("Step(action={}, state={})", repr_str(py, &self.action)?, self.state.bind(py).repr()?))
    }

    fn __eq__(&self, py: Python<'_>, other: &Bound<'_, PyAny>) -> PyResult<bool> {
        match other.cast::<PyStep>() {
            Ok(o) => Ok(self.action == o.get().action && self.state.bind(py).eq(o.get().state.bind(py))?),
            Err(_) => Ok(false),
        }
    }

    fn __hash__(&self, py: Python<'_>) -> PyResult<isize> {
        PyTuple::new(py, [PyString::new(py, &self.action).into_any(), self.state.bind(py).clone()])?.hash()
    }
}

/// A trace as a tuple of `Step`s.
pub(crate) fn steps<'py>(py: Python<'py>, trace: &[musil::Step<PyState>]) -> PyResult<Bound<'py, PyTuple>> {
    let items: Vec<Py<PyStep>> = trace
        .iter()
        .map(|s| Py::new(py, PyStep { action: s.action.to_string(), state: s.state.object(py) }))
        .collect::<PyResult<_>>()?;
    PyTuple::new(py, items)
}

/// What to check: `Model(init, actions=(), invariants={}, terminal=never, actions_fn=None,
/// footprint=None, edge_invariants={})`.
#[pyclass(name = "Model", module = "musil")]
pub struct PyModel {
    /// One state, or a collection of them.
    #[pyo3(get, set)]
    init: Py<PyAny>,
    /// The actions, in order.
    #[pyo3(get, set)]
    actions: Py<PyAny>,
    /// Invariants by name.
    #[pyo3(get, set)]
    invariants: Py<PyAny>,
    /// States allowed to have no enabled action (`None`: none).
    terminal: Option<Py<PyAny>>,
    /// The actions available in a state, taking precedence over `actions`.
    #[pyo3(get, set)]
    actions_fn: Option<Py<PyAny>>,
    /// The part of a state `actions_fn` reads (memoises its menus).
    #[pyo3(get, set)]
    footprint: Option<Py<PyAny>>,
    /// Edge invariants by name, over `(before, action_name, after)`.
    #[pyo3(get, set)]
    edge_invariants: Py<PyAny>,
}

/// The default `terminal`: no state is a sink.
#[pyfunction]
#[pyo3(name = "_never")]
pub fn never(_state: &Bound<'_, PyAny>) -> bool {
    false
}

#[pymethods]
impl PyModel {
    #[new]
    #[allow(clippy::too_many_arguments)]
    #[pyo3(signature = (init, actions=None, invariants=None, terminal=None, actions_fn=None, footprint=None, edge_invariants=None))]
    fn py_new(
        py: Python<'_>,
        init: Py<PyAny>,
        actions: Option<Py<PyAny>>,
        invariants: Option<Py<PyAny>>,
        terminal: Option<Py<PyAny>>,
        actions_fn: Option<Py<PyAny>>,
        footprint: Option<Py<PyAny>>,
        edge_invariants: Option<Py<PyAny>>,
    ) -> Self {
        PyModel {
            init,
            actions: actions.unwrap_or_else(|| PyTuple::empty(py).into_any().unbind()),
            invariants: invariants.unwrap_or_else(|| PyDict::new(py).into_any().unbind()),
            terminal,
            actions_fn,
            footprint,
            edge_invariants: edge_invariants.unwrap_or_else(|| PyDict::new(py).into_any().unbind()),
        }
    }

    #[getter]
    fn terminal(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        match &self.terminal {
            Some(t) => Ok(t.clone_ref(py)),
            None => Ok(wrap_pyfunction!(never, py)?.into_any().unbind()),
        }
    }

    #[setter]
    fn set_terminal(&mut self, terminal: Option<Py<PyAny>>) {
        self.terminal = terminal;
    }

    /// The initial states as a tuple.
    fn initial_states<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, initial_objects(self.init.bind(py))?)
    }

    #[classmethod]
    fn __class_getitem__(cls: &Bound<'_, PyType>, _item: &Bound<'_, PyAny>) -> Py<PyType> {
        cls.clone().unbind()
    }
}

/// The original's reading of `init`: a str or bytes, a dataclass or a pydantic model is one
/// state; a list, tuple, set, frozenset or other iterable is several.
fn initial_objects<'py>(init: &Bound<'py, PyAny>) -> PyResult<Vec<Bound<'py, PyAny>>> {
    let one = init.is_instance_of::<PyString>()
        || init.is_instance_of::<pyo3::types::PyBytes>()
        || (!(init.is_instance_of::<PyList>()
            || init.is_instance_of::<PyTuple>()
            || init.is_instance_of::<pyo3::types::PySet>()
            || init.is_instance_of::<PyFrozenSet>())
            && (init.hasattr("__dataclass_fields__")?
                || init.hasattr("model_fields")?
                || !init.hasattr("__iter__")?));
    if one {
        return Ok(vec![init.clone()]);
    }
    init.try_iter()?.collect()
}

/// Items of a mapping, in order.
fn items<'py>(mapping: &Bound<'py, PyAny>, what: &str) -> PyResult<Vec<(String, Bound<'py, PyAny>)>> {
    let items = mapping
        .call_method0("items")
        .map_err(|_| PyTypeError::new_err(format!("{what} must be a mapping of name to function")))?;
    items
        .try_iter()?
        .map(|kv| {
            let kv = kv?;
            let (k, v): (Bound<'py, PyAny>, Bound<'py, PyAny>) = kv.extract()?;
            Ok((k.str()?.to_string(), v))
        })
        .collect()
}

/// The engine's model for a Python `Model`.
pub(crate) fn native_model(py: Python<'_>, model: &Bound<'_, PyAny>) -> PyResult<musil::Model<PyState>> {
    let model = model.cast::<PyModel>().map_err(|_| PyTypeError::new_err("expected a musil Model"))?;
    let m = model.borrow();
    let inits: Vec<PyState> = initial_objects(m.init.bind(py))?.iter().map(PyState::new).collect();
    // The original lets actions share a name (each gives its own edges).
    let mut native = musil::Model::with_initial_states(inits).shared_action_names();
    for (i, a) in m.actions.bind(py).try_iter()?.enumerate() {
        native = native.add_action(PyAction::native_of(&a?, &|| format!("Model.actions[{i}]"))?);
    }
    for (name, f) in items(m.invariants.bind(py), "Model.invariants")? {
        native = native.invariant(name, state::invariant(f.unbind()));
    }
    for (name, f) in items(m.edge_invariants.bind(py), "Model.edge_invariants")? {
        let f = f.unbind();
        native = native.edge_invariant(name, move |a: &PyState, n: &str, b: &PyState| {
            Python::attach(|py| {
                let v = f.bind(py).call1((a.bind(py), n, b.bind(py))).unwrap_or_else(|e| state::fail(py, e));
                state::verdict(py, &v)
            })
        });
    }
    if let Some(t) = &m.terminal {
        let t = t.clone_ref(py);
        native = native.terminal(move |s| Python::attach(|py| state::truthy(py, &state::call1(py, &t, s))));
    }
    if let Some(menu) = &m.actions_fn {
        let menu = menu.clone_ref(py);
        native = native.actions_fn(move |s| {
            Python::attach(|py| {
                let listed = state::call1(py, &menu, s);
                let iter = listed.try_iter().unwrap_or_else(|e| state::fail(py, e));
                iter.enumerate()
                    .map(|(i, a)| {
                        let a = a.unwrap_or_else(|e| state::fail(py, e));
                        PyAction::native_of(&a, &|| format!("actions_fn's item {i}"))
                            .unwrap_or_else(|e| state::fail(py, e))
                    })
                    .collect()
            })
        });
        if let Some(fp) = &m.footprint {
            let fp = fp.clone_ref(py);
            native = native
                .footprint(move |s: &PyState| Python::attach(|py| PyState::new(&state::call1(py, &fp, s))));
        }
    }
    Ok(native)
}

/// The search settings the checks share.
pub(crate) fn checker<'a>(
    model: &'a musil::Model<PyState>,
    max_states: usize,
    canonicalize: Option<Py<PyAny>>,
    key: Option<Py<PyAny>>,
    workers: usize,
) -> Checker<'a, musil::Model<PyState>> {
    let mut c = Checker::new(model).max_states(max_states).workers(workers.max(1));
    if let Some(canon) = canonicalize {
        c = c
            .canonicalize(move |s: &PyState| Python::attach(|py| PyState::new(&state::call1(py, &canon, s))));
    }
    if let Some(key) = key {
        c = c.key(move |s: &PyState| Python::attach(|py| PyState::new(&state::call1(py, &key, s))));
    }
    c
}

/// The outcome of a check.
#[pyclass(frozen, name = "Result", module = "musil")]
pub struct PyCheckResult {
    pub(crate) inner: CheckResult<PyState>,
}

#[pymethods]
impl PyCheckResult {
    #[classmethod]
    fn __class_getitem__(cls: &Bound<'_, PyType>, _item: &Bound<'_, PyAny>) -> Py<PyType> {
        cls.clone().unbind()
    }
    /// True when no violation was found.
    #[getter]
    fn ok(&self) -> bool {
        self.inner.ok
    }
    /// Distinct states discovered.
    #[getter]
    fn states_explored(&self) -> usize {
        self.inner.states_explored
    }
    /// `"invariant"`, `"edge-invariant"`, `"deadlock"`, `"ltl"`, `"panic"` or `None`.
    #[getter]
    fn kind(&self) -> Option<&'static str> {
        self.inner.kind.map(|k| k.as_str())
    }
    /// The broken invariant's name.
    #[getter]
    fn invariant(&self) -> Option<String> {
        self.inner.invariant.clone()
    }
    /// The violation's reason.
    #[getter]
    fn reason(&self) -> Option<String> {
        self.inner.reason.clone().filter(|r| !r.is_empty())
    }
    /// The counterexample, `<init>` first.
    #[getter]
    fn trace<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        steps(py, &self.inner.trace)
    }
    /// The search stopped at its cap.
    #[getter]
    fn truncated(&self) -> bool {
        self.inner.truncated
    }
    /// For a lasso: where its cycle begins.
    #[getter(r#loop)]
    fn loop_index(&self) -> Option<usize> {
        self.inner.loop_index
    }
    /// For a `"panic"` result: what raised, and the exception's text.
    #[getter]
    fn fault(&self) -> Option<String> {
        self.inner.fault.as_ref().map(|f| f.to_string())
    }
    /// The action names along the trace, without `<init>`.
    #[getter]
    fn action_names<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, self.inner.trace.iter().skip(1).map(|s| s.action.to_string()))
    }
    /// The trace's last state, or `None`.
    #[getter]
    fn witness(&self, py: Python<'_>) -> Option<Py<PyAny>> {
        self.inner.trace.last().map(|s| s.state.object(py))
    }
    fn __bool__(&self) -> bool {
        self.inner.ok
    }
    fn __str__(&self, py: Python<'_>) -> String {
        let _ = py;
        self.inner.to_string()
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let opt = |v: &Option<String>| -> PyResult<String> {
            match v {
                Some(s) => repr_str(py, s),
                None => Ok("None".into()),
            }
        };
        Ok(format!(
            "Result(ok={}, states_explored={}, kind={}, invariant={}, reason={}, trace={}, truncated={}, loop={})",
            py_bool(self.inner.ok),
            self.inner.states_explored,
            opt(&self.inner.kind.map(|k| k.as_str().to_owned()))?,
            opt(&self.inner.invariant)?,
            opt(&self.inner.reason.clone().filter(|r| !r.is_empty()))?,
            self.trace(py)?.repr()?,
            py_bool(self.inner.truncated),
            self.inner.loop_index.map_or("None".into(), |i| i.to_string())
        ))
    }
}

fn py_bool(b: bool) -> &'static str {
    if b { "True" } else { "False" }
}

/// Wrap a result for Python.
pub(crate) fn result(py: Python<'_>, inner: CheckResult<PyState>) -> PyResult<Py<PyCheckResult>> {
    Py::new(py, PyCheckResult { inner })
}

/// `check(model, *, max_states=1_000_000, canonicalize=None, key=None, workers=1)`.
#[pyfunction]
#[pyo3(signature = (model, *, max_states=MAX_STATES, canonicalize=None, key=None, workers=1))]
pub fn check(
    py: Python<'_>,
    model: &Bound<'_, PyAny>,
    max_states: usize,
    canonicalize: Option<Py<PyAny>>,
    key: Option<Py<PyAny>>,
    workers: usize,
) -> PyResult<Py<PyCheckResult>> {
    let native = native_model(py, model)?;
    let c = checker(&native, max_states, canonicalize, key, workers);
    let r = state::run(py, workers, || c.check())?;
    result(py, r)
}

/// `check_all(model, *, max_states=1_000_000, canonicalize=None, key=None,
/// distinct_by="invariant")`: one shortest witness per distinct violation, shortest first.
/// A callable `distinct_by` buckets by the `repr` of what it returns.
#[pyfunction]
#[pyo3(signature = (model, *, max_states=MAX_STATES, canonicalize=None, key=None, distinct_by=None))]
pub fn check_all<'py>(
    py: Python<'py>,
    model: &Bound<'py, PyAny>,
    max_states: usize,
    canonicalize: Option<Py<PyAny>>,
    key: Option<Py<PyAny>>,
    distinct_by: Option<Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyList>> {
    let by = match distinct_by {
        None => DistinctBy::Invariant,
        Some(d) if d.is_instance_of::<PyString>() => match d.extract::<String>()?.as_str() {
            "invariant" => DistinctBy::Invariant,
            "reason" => DistinctBy::Reason,
            other => {
                return Err(PyValueError::new_err(format!(
                    "distinct_by must be 'invariant', 'reason' or a callable, not {other:?}"
                )));
            }
        },
        Some(d) if d.is_callable() => {
            let f = d.unbind();
            DistinctBy::custom(move |name, reason| {
                Python::attach(|py| {
                    let v = f.bind(py).call1((name, reason)).unwrap_or_else(|e| state::fail(py, e));
                    v.repr().map(|r| r.to_string()).unwrap_or_else(|e| state::fail(py, e))
                })
            })
        }
        Some(_) => {
            return Err(PyTypeError::new_err("distinct_by must be 'invariant', 'reason' or a callable"));
        }
    };
    let native = native_model(py, model)?;
    let c = checker(&native, max_states, canonicalize, key, 1);
    let found = state::run(py, 1, || c.check_all(by))?;
    let truncated = found.truncated;
    let list = PyList::empty(py);
    for mut r in found.found {
        r.truncated |= truncated;
        list.append(result(py, r)?)?;
    }
    Ok(list)
}

/// The reachable state graph: `initial`, `states`, `edges` (state to `(action, next)` pairs),
/// `truncated`.
#[pyclass(frozen, name = "Graph", module = "musil")]
pub struct PyGraph {
    pub(crate) inner: Arc<NativeGraph<PyState>>,
    initial: OnceLock<Py<PyTuple>>,
    states: OnceLock<Py<PyTuple>>,
    edges: OnceLock<Py<PyDict>>,
}

impl PyGraph {
    pub(crate) fn new(inner: NativeGraph<PyState>) -> Self {
        PyGraph {
            inner: Arc::new(inner),
            initial: OnceLock::new(),
            states: OnceLock::new(),
            edges: OnceLock::new(),
        }
    }
}

#[pymethods]
impl PyGraph {
    #[classmethod]
    fn __class_getitem__(cls: &Bound<'_, PyType>, _item: &Bound<'_, PyAny>) -> Py<PyType> {
        cls.clone().unbind()
    }
    /// The initial states.
    #[getter]
    fn initial(&self, py: Python<'_>) -> PyResult<Py<PyTuple>> {
        if let Some(t) = self.initial.get() {
            return Ok(t.clone_ref(py));
        }
        let t = PyTuple::new(py, self.inner.initial().iter().map(|&id| self.inner.state(id).object(py)))?
            .unbind();
        Ok(self.initial.get_or_init(|| t).clone_ref(py))
    }
    /// Every reachable state, in discovery order.
    #[getter]
    fn states(&self, py: Python<'_>) -> PyResult<Py<PyTuple>> {
        if let Some(t) = self.states.get() {
            return Ok(t.clone_ref(py));
        }
        let all: Vec<Py<PyAny>> = self.inner.states().map(|s| s.object(py)).collect();
        let t = PyTuple::new(py, all)?.unbind();
        Ok(self.states.get_or_init(|| t).clone_ref(py))
    }
    /// `edges[s]`: the `(action_name, next_state)` pairs out of `s`.
    #[getter]
    fn edges(&self, py: Python<'_>) -> PyResult<Py<PyDict>> {
        if let Some(d) = self.edges.get() {
            return Ok(d.clone_ref(py));
        }
        let d = PyDict::new(py);
        for id in self.inner.ids() {
            let out: Vec<Bound<'_, PyTuple>> = self
                .inner
                .edges(id)
                .iter()
                .map(|&(a, t)| {
                    PyTuple::new(
                        py,
                        [
                            PyString::new(py, self.inner.action_name(a)).into_any(),
                            self.inner.state(t).bind(py).clone(),
                        ],
                    )
                })
                .collect::<PyResult<_>>()?;
            d.set_item(self.inner.state(id).bind(py), PyTuple::new(py, out)?)?;
        }
        let d = d.unbind();
        Ok(self.edges.get_or_init(|| d).clone_ref(py))
    }
    /// The cap stopped the exploration.
    #[getter]
    fn truncated(&self) -> bool {
        self.inner.truncated()
    }
    fn __repr__(&self) -> String {
        format!(
            "Graph(<{} states, {} edges>, truncated={})",
            self.inner.len(),
            self.inner.edge_count(),
            py_bool(self.inner.truncated())
        )
    }
}

/// `explore(model, *, max_states=1_000_000, canonicalize=None)`: the reachable graph.
#[pyfunction]
#[pyo3(signature = (model, *, max_states=MAX_STATES, canonicalize=None))]
pub fn explore(
    py: Python<'_>,
    model: &Bound<'_, PyAny>,
    max_states: usize,
    canonicalize: Option<Py<PyAny>>,
) -> PyResult<PyGraph> {
    let native = native_model(py, model)?;
    let c = checker(&native, max_states, canonicalize, None, 1);
    let g = state::run(py, 1, || c.explore())?;
    if let Some(fault) = g.fault() {
        return Err(pyo3::exceptions::PyRuntimeError::new_err(format!(
            "musil: explore stopped: {}",
            fault.fault
        )));
    }
    Ok(PyGraph::new(g))
}

/// A Python predicate for a query that calls it directly: the first exception it raises is
/// kept (the predicate then answers false) and raised when the query returns.
struct Trap {
    f: Py<PyAny>,
    err: std::cell::RefCell<Option<PyErr>>,
}

impl Trap {
    fn new(f: Py<PyAny>) -> Self {
        Trap { f, err: std::cell::RefCell::new(None) }
    }
    fn test(&self, py: Python<'_>, s: &PyState) -> bool {
        if self.err.borrow().is_some() {
            return false;
        }
        match self.f.bind(py).call1((s.bind(py),)).and_then(|v| v.is_truthy()) {
            Ok(b) => b,
            Err(e) => {
                *self.err.borrow_mut() = Some(e);
                false
            }
        }
    }
    fn done<T>(self, value: T) -> PyResult<T> {
        match self.err.into_inner() {
            Some(e) => Err(e),
            None => Ok(value),
        }
    }
}

/// `reaches(graph, predicate)`: the states from which a predicate-satisfying state is
/// reachable (those satisfying it included), as a frozenset.
#[pyfunction]
pub fn reaches<'py>(
    py: Python<'py>,
    graph: &PyGraph,
    predicate: Py<PyAny>,
) -> PyResult<Bound<'py, PyFrozenSet>> {
    let trap = Trap::new(predicate);
    let ids = musil::reaches(&graph.inner, |s| trap.test(py, s));
    let ids = trap.done(ids)?;
    PyFrozenSet::new(py, ids.iter().map(|&id| graph.inner.state(id).object(py)))
}

/// `witness(graph, predicate)`: the shortest path to a state satisfying `predicate`, or None.
#[pyfunction]
pub fn witness<'py>(
    py: Python<'py>,
    graph: &PyGraph,
    predicate: Py<PyAny>,
) -> PyResult<Option<Bound<'py, PyTuple>>> {
    let trap = Trap::new(predicate);
    let path = musil::witness(&graph.inner, |s| trap.test(py, s));
    match trap.done(path)? {
        Some(p) => Ok(Some(steps(py, &p)?)),
        None => Ok(None),
    }
}

/// `path_to(graph, state)`: the shortest path to `state`, or None when it is not reachable.
#[pyfunction]
pub fn path_to<'py>(
    py: Python<'py>,
    graph: &PyGraph,
    state: &Bound<'py, PyAny>,
) -> PyResult<Option<Bound<'py, PyTuple>>> {
    let target = PyState::new(state);
    let path = state::run(py, 1, || musil::path_to(&graph.inner, &target))?;
    match path {
        Some(p) => Ok(Some(steps(py, &p)?)),
        None => Ok(None),
    }
}

/// `states_where(graph, predicate)`: the reachable states satisfying `predicate`, in order.
#[pyfunction]
pub fn states_where<'py>(
    py: Python<'py>,
    graph: &PyGraph,
    predicate: Py<PyAny>,
) -> PyResult<Bound<'py, PyTuple>> {
    let trap = Trap::new(predicate);
    let found: Vec<Py<PyAny>> =
        musil::states_where(&graph.inner, |s| trap.test(py, s)).iter().map(|s| s.object(py)).collect();
    PyTuple::new(py, trap.done(found)?)
}

/// `format_trace(trace, *, render=None, loop=None)`: `Init: <state>`, then `→ <action>: <state>`
/// per step, each line indented by two spaces; `render` shows a state (default `str`); `loop`
/// marks a lasso's cycle start.
#[pyfunction]
#[pyo3(signature = (trace, *, render=None, r#loop=None))]
pub fn format_trace(
    py: Python<'_>,
    trace: &Bound<'_, PyAny>,
    render: Option<Py<PyAny>>,
    r#loop: Option<usize>,
) -> PyResult<String> {
    let mut lines = Vec::new();
    for (i, step) in trace.try_iter()?.enumerate() {
        let step = step?;
        let state = step.getattr("state")?;
        let shown = match &render {
            Some(r) => r.bind(py).call1((state,))?.str()?.to_string(),
            None => state.str()?.to_string(),
        };
        if i == 0 {
            lines.push(format!("  Init: {shown}"));
        } else {
            lines.push(format!("  → {}: {shown}", step.getattr("action")?.str()?));
        }
        if r#loop == Some(i) {
            lines.push("  --- loops forever ---".into());
        }
    }
    Ok(lines.join("\n"))
}

/// `to_dot(source, *, highlight=(), name="musil", max_states=1_000_000)`: Graphviz DOT for a
/// `Model` (explored here) or a `Graph`; initial states bold, `highlight`ed states filled.
#[pyfunction]
#[pyo3(signature = (source, *, highlight=None, name="musil".to_owned(), max_states=MAX_STATES))]
pub fn to_dot(
    py: Python<'_>,
    source: &Bound<'_, PyAny>,
    highlight: Option<Bound<'_, PyAny>>,
    name: String,
    max_states: usize,
) -> PyResult<String> {
    let lit: Vec<PyState> = match highlight {
        Some(h) => h.try_iter()?.map(|s| s.map(|s| PyState::new(&s))).collect::<PyResult<_>>()?,
        None => Vec::new(),
    };
    let label =
        |s: &PyState| Python::attach(|py| dot_label(s.bind(py)).unwrap_or_else(|e| state::fail(py, e)));
    if let Ok(g) = source.cast::<PyGraph>() {
        let g = g.get();
        return state::run(py, 1, || musil::dot::to_dot_with(&g.inner, &lit, &name, label));
    }
    let graph = explore(py, source, max_states, None)?;
    state::run(py, 1, || musil::dot::to_dot_with(&graph.inner, &lit, &name, label))
}

/// The original's node label: `field=value, ...` (values by `str`) for a dataclass state, else
/// `str(state)`.
fn dot_label(state: &Bound<'_, PyAny>) -> PyResult<String> {
    if let Ok(fields) = state.getattr("__dataclass_fields__") {
        if fields.is_truthy()? {
            let mut parts = Vec::new();
            for f in fields.try_iter()? {
                let f = f?;
                let name = f.str()?.to_string();
                parts.push(format!("{name}={}", state.getattr(name.as_str())?.str()?));
            }
            return Ok(parts.join(", "));
        }
    }
    Ok(state.str()?.to_string())
}

/// `check_of(graph, model)`: `check`'s verdict read off an explored graph (the model's
/// invariants, edge invariants and terminal states judged on the graph's states and edges).
#[pyfunction]
pub fn check_of(py: Python<'_>, graph: &PyGraph, model: &Bound<'_, PyAny>) -> PyResult<Py<PyCheckResult>> {
    let native = native_model(py, model)?;
    let r = state::run(py, 1, || musil::check_of(&graph.inner, &native))?;
    result(py, r)
}
