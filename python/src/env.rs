//! The original's `musil.env` and `musil.environments.*`: `Assumption`, `EnvironmentSpec`,
//! `OpenResult`, `check_open`, and the environment factories, each factory built by the
//! engine's own environment (`musil::open::environments`) so that behaviour names, their order
//! and the assumptions' texts come from one place.

use musil::open::{self, Assumption, EnvironmentSpec, Status};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple, PyType};

use crate::core::{self, MAX_STATES, PyAction, PyCheckResult, repr_str};
use crate::state::{self, PyState};

/// A named proof obligation: `Assumption(name, description, status="unverified", source="",
/// predicate=None)`.
#[pyclass(frozen, name = "Assumption", module = "musil.env")]
pub struct PyAssumption {
    /// Its name, e.g. `k8s:node-capacity`.
    #[pyo3(get)]
    name: String,
    /// What is assumed.
    #[pyo3(get)]
    description: String,
    /// `"axiom"`, `"verified"` or `"unverified"`.
    #[pyo3(get)]
    status: String,
    /// The citation.
    #[pyo3(get)]
    source: String,
    /// An optional checkable form over states.
    #[pyo3(get)]
    predicate: Option<Py<PyAny>>,
    /// The engine's assumption (with the checkable forms the engine's environments give).
    native: Assumption<PyState>,
}

fn status_of(status: &str) -> PyResult<Status> {
    match status {
        "axiom" => Ok(Status::Axiom),
        "verified" => Ok(Status::Verified),
        "unverified" => Ok(Status::Unverified),
        other => Err(PyValueError::new_err(format!(
            "Assumption status must be 'axiom', 'verified' or 'unverified', not {other:?}"
        ))),
    }
}

impl PyAssumption {
    fn from_native(py: Python<'_>, native: Assumption<PyState>) -> Self {
        let _ = py;
        PyAssumption {
            name: native.name.clone(),
            description: native.description.clone(),
            status: native.status.as_str().to_owned(),
            source: native.source.clone(),
            predicate: None,
            native,
        }
    }
}

#[pymethods]
impl PyAssumption {
    #[new]
    #[pyo3(signature = (name, description, status="unverified".to_owned(), source="".to_owned(), predicate=None))]
    fn py_new(
        py: Python<'_>,
        name: String,
        description: String,
        status: String,
        source: String,
        predicate: Option<Py<PyAny>>,
    ) -> PyResult<Self> {
        let mut native = Assumption::new(name.clone(), description.clone())
            .status(status_of(&status)?)
            .source(source.clone());
        if let Some(p) = &predicate {
            native = native.predicate(state::guard(p.clone_ref(py)));
        }
        Ok(PyAssumption { name, description, status, source, predicate, native })
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "Assumption(name={}, description={}, status={}, source={}, predicate={})",
            repr_str(py, &self.name)?,
            repr_str(py, &self.description)?,
            repr_str(py, &self.status)?,
            repr_str(py, &self.source)?,
            match &self.predicate {
                Some(p) => p.bind(py).repr()?.to_string(),
                None => "None".into(),
            }
        ))
    }

    fn __eq__(&self, py: Python<'_>, other: &Bound<'_, PyAny>) -> bool {
        match other.cast::<PyAssumption>() {
            Ok(o) => {
                let o = o.get();
                self.name == o.name
                    && self.description == o.description
                    && self.status == o.status
                    && self.source == o.source
                    && match (&self.predicate, &o.predicate) {
                        (None, None) => true,
                        (Some(a), Some(b)) => a.bind(py).is(b.bind(py)),
                        _ => false,
                    }
            }
            Err(_) => false,
        }
    }

    fn __hash__(&self, py: Python<'_>) -> PyResult<isize> {
        PyTuple::new(py, [&self.name, &self.description, &self.status, &self.source])?.hash()
    }
}

/// A contract for one external component: `EnvironmentSpec(name, behaviors, guarantees={},
/// assumptions={})`.
#[pyclass(name = "EnvironmentSpec", module = "musil.env")]
pub struct PyEnvironmentSpec {
    /// The environment's name, the prefix of its guarantees.
    #[pyo3(get, set)]
    name: String,
    /// Its behaviours: actions it may take at any moment.
    #[pyo3(get, set)]
    behaviors: Py<PyAny>,
    /// Invariants it commits to, by name.
    #[pyo3(get, set)]
    guarantees: Py<PyAny>,
    /// Its assumptions, by key.
    #[pyo3(get, set)]
    assumptions: Py<PyAny>,
}

#[pymethods]
impl PyEnvironmentSpec {
    #[new]
    #[pyo3(signature = (name, behaviors, guarantees=None, assumptions=None))]
    fn py_new(
        py: Python<'_>,
        name: String,
        behaviors: Py<PyAny>,
        guarantees: Option<Py<PyAny>>,
        assumptions: Option<Py<PyAny>>,
    ) -> Self {
        PyEnvironmentSpec {
            name,
            behaviors,
            guarantees: guarantees.unwrap_or_else(|| PyDict::new(py).into_any().unbind()),
            assumptions: assumptions.unwrap_or_else(|| PyDict::new(py).into_any().unbind()),
        }
    }

    #[classmethod]
    fn __class_getitem__(cls: &Bound<'_, PyType>, _item: &Bound<'_, PyAny>) -> Py<PyType> {
        cls.clone().unbind()
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "EnvironmentSpec(name={}, behaviors={}, guarantees={}, assumptions={})",
            repr_str(py, &self.name)?,
            self.behaviors.bind(py).repr()?,
            self.guarantees.bind(py).repr()?,
            self.assumptions.bind(py).repr()?
        ))
    }
}

/// The values of a mapping, in order.
fn values<'py>(mapping: &Bound<'py, PyAny>, what: &str) -> PyResult<Vec<(String, Bound<'py, PyAny>)>> {
    let items = mapping
        .call_method0("items")
        .map_err(|_| PyTypeError::new_err(format!("{what} must be a mapping")))?;
    items
        .try_iter()?
        .map(|kv| {
            let (k, v): (Bound<'py, PyAny>, Bound<'py, PyAny>) = kv?.extract()?;
            Ok((k.str()?.to_string(), v))
        })
        .collect()
}

/// The engine's environment for a Python one.
fn native_env(py: Python<'_>, env: &Bound<'_, PyAny>) -> PyResult<EnvironmentSpec<PyState>> {
    let env = env.cast::<PyEnvironmentSpec>().map_err(|_| {
        PyTypeError::new_err(format!(
            "check_open takes EnvironmentSpec values after the model, got {}",
            env.get_type().name().map(|n| n.to_string()).unwrap_or_default()
        ))
    })?;
    let e = env.borrow();
    let mut native = EnvironmentSpec::new(e.name.clone());
    for (i, b) in e.behaviors.bind(py).try_iter()?.enumerate() {
        let name = e.name.clone();
        native = native.add_behaviour(PyAction::native_of(&b?, &|| {
            format!("EnvironmentSpec {name:?}: behaviors[{i}]")
        })?);
    }
    for (name, f) in values(e.guarantees.bind(py), "EnvironmentSpec.guarantees")? {
        native = native.guarantee(name, state::invariant(f.unbind()));
    }
    for (key, a) in values(e.assumptions.bind(py), "EnvironmentSpec.assumptions")? {
        let a = a.cast::<PyAssumption>().map_err(|_| {
            PyTypeError::new_err(format!(
                "EnvironmentSpec {:?}: assumptions[{key:?}] is not an Assumption",
                e.name
            ))
        })?;
        native = native.assumption_keyed(key, a.get().native.clone());
    }
    Ok(native)
}

/// The engine's environments for Python ones.
pub(crate) fn native_envs(
    py: Python<'_>,
    envs: &Bound<'_, PyTuple>,
) -> PyResult<Vec<EnvironmentSpec<PyState>>> {
    envs.iter().map(|e| native_env(py, &e)).collect()
}

/// The residual obligations: every assumption not verified, in environment order, as the
/// Python objects the environments hold.
pub(crate) fn residual<'py>(py: Python<'py>, envs: &Bound<'py, PyTuple>) -> PyResult<Bound<'py, PyTuple>> {
    let mut out = Vec::new();
    for env in envs.iter() {
        let env = env.cast::<PyEnvironmentSpec>()?.borrow();
        for (_, a) in values(env.assumptions.bind(py), "EnvironmentSpec.assumptions")? {
            if a.getattr("status")?.extract::<String>()? != "verified" {
                out.push(a);
            }
        }
    }
    PyTuple::new(py, out)
}

/// The outcome of `check_open`: the `result` and the `unverified_assumptions`.
#[pyclass(frozen, name = "OpenResult", module = "musil.env")]
pub struct PyOpenResult {
    /// The verdict over every interleaving of system and environment steps.
    #[pyo3(get)]
    result: Py<PyCheckResult>,
    /// Every assumption not marked verified: the residual proof obligations.
    #[pyo3(get)]
    unverified_assumptions: Py<PyTuple>,
}

#[pymethods]
impl PyOpenResult {
    #[classmethod]
    fn __class_getitem__(cls: &Bound<'_, PyType>, _item: &Bound<'_, PyAny>) -> Py<PyType> {
        cls.clone().unbind()
    }
    /// True when the system survives its environments.
    #[getter]
    fn ok(&self) -> bool {
        self.result.get().inner.ok
    }
    fn __bool__(&self) -> bool {
        self.ok()
    }
    fn __str__(&self, py: Python<'_>) -> PyResult<String> {
        with_obligations(self.result.get().inner.to_string(), self.unverified_assumptions.bind(py))
    }
}

/// A verdict's text followed by the residual obligations, in the original's layout.
pub(crate) fn with_obligations(head: String, residual: &Bound<'_, PyTuple>) -> PyResult<String> {
    let mut lines = vec![head];
    if !residual.is_empty() {
        lines.push("Unverified assumptions (residual proof obligations):".into());
        for a in residual.iter() {
            let source: String = a.getattr("source")?.extract()?;
            let src = if source.is_empty() { String::new() } else { format!("  [{source}]") };
            lines.push(format!(
                "  [{}] {}: {}{src}",
                a.getattr("status")?.str()?,
                a.getattr("name")?.str()?,
                a.getattr("description")?.str()?
            ));
        }
    }
    Ok(lines.join("\n"))
}

/// `check_open(system, *envs, max_states=1_000_000)`: check `system` with every environment's
/// behaviours as extra actions and its guarantees as invariants `<env>:<name>`.
#[pyfunction]
#[pyo3(signature = (system, *envs, max_states=MAX_STATES))]
pub fn check_open(
    py: Python<'_>,
    system: &Bound<'_, PyAny>,
    envs: &Bound<'_, PyTuple>,
    max_states: usize,
) -> PyResult<PyOpenResult> {
    let model = core::native_model(py, system)?;
    let natives: Vec<EnvironmentSpec<PyState>> =
        envs.iter().map(|e| native_env(py, &e)).collect::<PyResult<_>>()?;
    let c = core::checker(&model, max_states, None, None, 1);
    let open = state::run(py, 1, || c.check_open(&natives))?;
    Ok(PyOpenResult {
        result: core::result(py, open.result)?,
        unverified_assumptions: residual(py, envs)?.unbind(),
    })
}

/// A guard and an effect given together, or neither; one without the other is an error.
type Pair = Option<(Py<PyAny>, Py<PyAny>)>;

fn pair(
    factory: &str,
    can: &str,
    on: &str,
    guard: Option<Py<PyAny>>,
    effect: Option<Py<PyAny>>,
) -> PyResult<Pair> {
    match (guard, effect) {
        (Some(g), Some(e)) => Ok(Some((g, e))),
        (None, None) => Ok(None),
        (Some(_), None) => Err(PyTypeError::new_err(format!("{factory}: {can} given without {on}"))),
        (None, Some(_)) => Err(PyTypeError::new_err(format!("{factory}: {on} given without {can}"))),
    }
}

/// The Python environment for one the engine built from `pairs` (the guard and effect of each
/// behaviour, in the order the engine lists them), with `extra` merged into its assumptions.
fn python_env(
    py: Python<'_>,
    native: EnvironmentSpec<PyState>,
    pairs: Vec<(Py<PyAny>, Py<PyAny>)>,
    extra: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyEnvironmentSpec> {
    assert_eq!(native.behaviours.len(), pairs.len(), "one Python guard and effect per behaviour");
    let behaviors = pyo3::types::PyList::empty(py);
    for (action, (g, e)) in native.behaviours.iter().zip(pairs) {
        behaviors.append(Py::new(py, PyAction::wrap(action.clone(), g, e))?)?;
    }
    let assumptions = PyDict::new(py);
    for (key, a) in &native.assumptions {
        assumptions.set_item(key, Py::new(py, PyAssumption::from_native(py, a.clone()))?)?;
    }
    if let Some(extra) = extra {
        assumptions.call_method1("update", (extra,))?;
    }
    Ok(PyEnvironmentSpec {
        name: native.name.clone(),
        behaviors: behaviors.into_any().unbind(),
        guarantees: PyDict::new(py).into_any().unbind(),
        assumptions: assumptions.into_any().unbind(),
    })
}

fn g(f: &Py<PyAny>, py: Python<'_>) -> impl Fn(&PyState) -> bool + Send + Sync + 'static {
    state::guard(f.clone_ref(py))
}

fn e(f: &Py<PyAny>, py: Python<'_>) -> impl Fn(&PyState) -> PyState + Send + Sync + 'static {
    state::effect(f.clone_ref(py))
}

/// `musil.environments.k8s.pod_eviction(*, can_evict, on_evict, can_oom_kill=None,
/// on_oom_kill=None, extra_assumptions=None)`.
#[pyfunction]
#[pyo3(signature = (*, can_evict, on_evict, can_oom_kill=None, on_oom_kill=None, extra_assumptions=None))]
pub fn pod_eviction(
    py: Python<'_>,
    can_evict: Py<PyAny>,
    on_evict: Py<PyAny>,
    can_oom_kill: Option<Py<PyAny>>,
    on_oom_kill: Option<Py<PyAny>>,
    extra_assumptions: Option<Bound<'_, PyAny>>,
) -> PyResult<PyEnvironmentSpec> {
    let oom = pair("pod_eviction", "can_oom_kill", "on_oom_kill", can_oom_kill, on_oom_kill)?;
    let mut b = open::environments::k8s::pod_eviction(g(&can_evict, py), e(&on_evict, py));
    let mut pairs = vec![(can_evict, on_evict)];
    if let Some((c, o)) = oom {
        b = b.oom_kill(g(&c, py), e(&o, py));
        pairs.push((c, o));
    }
    python_env(py, b.build(), pairs, extra_assumptions.as_ref())
}

/// `musil.environments.aws.aws_api_faults(*, can_throttle, on_throttle, can_timeout=None,
/// on_timeout=None, extra_assumptions=None)`.
#[pyfunction]
#[pyo3(signature = (*, can_throttle, on_throttle, can_timeout=None, on_timeout=None, extra_assumptions=None))]
pub fn aws_api_faults(
    py: Python<'_>,
    can_throttle: Py<PyAny>,
    on_throttle: Py<PyAny>,
    can_timeout: Option<Py<PyAny>>,
    on_timeout: Option<Py<PyAny>>,
    extra_assumptions: Option<Bound<'_, PyAny>>,
) -> PyResult<PyEnvironmentSpec> {
    let timeout = pair("aws_api_faults", "can_timeout", "on_timeout", can_timeout, on_timeout)?;
    let mut b = open::environments::aws::aws_api_faults(g(&can_throttle, py), e(&on_throttle, py));
    let mut pairs = vec![(can_throttle, on_throttle)];
    if let Some((c, o)) = timeout {
        b = b.timeout(g(&c, py), e(&o, py));
        pairs.push((c, o));
    }
    python_env(py, b.build(), pairs, extra_assumptions.as_ref())
}

/// `musil.environments.etcd.cluster_faults(*, can_leader_change, on_leader_change,
/// can_write_conflict=None, on_write_conflict=None, can_compaction=None, on_compaction=None,
/// extra_assumptions=None)`.
#[pyfunction]
#[pyo3(signature = (*, can_leader_change, on_leader_change, can_write_conflict=None, on_write_conflict=None, can_compaction=None, on_compaction=None, extra_assumptions=None))]
#[allow(clippy::too_many_arguments)]
pub fn cluster_faults(
    py: Python<'_>,
    can_leader_change: Py<PyAny>,
    on_leader_change: Py<PyAny>,
    can_write_conflict: Option<Py<PyAny>>,
    on_write_conflict: Option<Py<PyAny>>,
    can_compaction: Option<Py<PyAny>>,
    on_compaction: Option<Py<PyAny>>,
    extra_assumptions: Option<Bound<'_, PyAny>>,
) -> PyResult<PyEnvironmentSpec> {
    let conflict = pair(
        "cluster_faults",
        "can_write_conflict",
        "on_write_conflict",
        can_write_conflict,
        on_write_conflict,
    )?;
    let compaction =
        pair("cluster_faults", "can_compaction", "on_compaction", can_compaction, on_compaction)?;
    let mut b = open::environments::etcd::cluster_faults(g(&can_leader_change, py), e(&on_leader_change, py));
    let mut pairs = vec![(can_leader_change, on_leader_change)];
    if let Some((c, o)) = conflict {
        b = b.write_conflict(g(&c, py), e(&o, py));
        pairs.push((c, o));
    }
    if let Some((c, o)) = compaction {
        b = b.compaction(g(&c, py), e(&o, py));
        pairs.push((c, o));
    }
    python_env(py, b.build(), pairs, extra_assumptions.as_ref())
}

/// `musil.environments.linux.process_faults(*, can_oom_kill, on_oom_kill, can_sigterm=None,
/// on_sigterm=None, extra_assumptions=None)`.
#[pyfunction]
#[pyo3(signature = (*, can_oom_kill, on_oom_kill, can_sigterm=None, on_sigterm=None, extra_assumptions=None))]
pub fn process_faults(
    py: Python<'_>,
    can_oom_kill: Py<PyAny>,
    on_oom_kill: Py<PyAny>,
    can_sigterm: Option<Py<PyAny>>,
    on_sigterm: Option<Py<PyAny>>,
    extra_assumptions: Option<Bound<'_, PyAny>>,
) -> PyResult<PyEnvironmentSpec> {
    let sigterm = pair("process_faults", "can_sigterm", "on_sigterm", can_sigterm, on_sigterm)?;
    let mut b = open::environments::linux::process_faults(g(&can_oom_kill, py), e(&on_oom_kill, py));
    let mut pairs = vec![(can_oom_kill, on_oom_kill)];
    if let Some((c, o)) = sigterm {
        b = b.sigterm(g(&c, py), e(&o, py));
        pairs.push((c, o));
    }
    python_env(py, b.build(), pairs, extra_assumptions.as_ref())
}

/// `musil.environments.linux.fs_faults(*, can_enospc, on_enospc, extra_assumptions=None)`.
#[pyfunction]
#[pyo3(signature = (*, can_enospc, on_enospc, extra_assumptions=None))]
pub fn fs_faults(
    py: Python<'_>,
    can_enospc: Py<PyAny>,
    on_enospc: Py<PyAny>,
    extra_assumptions: Option<Bound<'_, PyAny>>,
) -> PyResult<PyEnvironmentSpec> {
    let b = open::environments::linux::fs_faults(g(&can_enospc, py), e(&on_enospc, py));
    python_env(py, b.build(), vec![(can_enospc, on_enospc)], extra_assumptions.as_ref())
}

/// `musil.environments.sel4.capability_revocation(*, can_revoke, on_revoke,
/// can_ipc_timeout=None, on_ipc_timeout=None, extra_assumptions=None)`.
#[pyfunction]
#[pyo3(signature = (*, can_revoke, on_revoke, can_ipc_timeout=None, on_ipc_timeout=None, extra_assumptions=None))]
pub fn capability_revocation(
    py: Python<'_>,
    can_revoke: Py<PyAny>,
    on_revoke: Py<PyAny>,
    can_ipc_timeout: Option<Py<PyAny>>,
    on_ipc_timeout: Option<Py<PyAny>>,
    extra_assumptions: Option<Bound<'_, PyAny>>,
) -> PyResult<PyEnvironmentSpec> {
    let timeout =
        pair("capability_revocation", "can_ipc_timeout", "on_ipc_timeout", can_ipc_timeout, on_ipc_timeout)?;
    let mut b = open::environments::sel4::capability_revocation(g(&can_revoke, py), e(&on_revoke, py));
    let mut pairs = vec![(can_revoke, on_revoke)];
    if let Some((c, o)) = timeout {
        b = b.ipc_timeout(g(&c, py), e(&o, py));
        pairs.push((c, o));
    }
    python_env(py, b.build(), pairs, extra_assumptions.as_ref())
}

/// `musil.environments.storage.block_volume_faults(*, can_detach=None, on_detach=None,
/// can_wrong_attach=None, on_wrong_attach=None, can_empty_attach=None, on_empty_attach=None,
/// can_detach_during_write=None, on_detach_during_write=None, extra_assumptions=None)`.
#[pyfunction]
#[pyo3(signature = (*, can_detach=None, on_detach=None, can_wrong_attach=None, on_wrong_attach=None, can_empty_attach=None, on_empty_attach=None, can_detach_during_write=None, on_detach_during_write=None, extra_assumptions=None))]
#[allow(clippy::too_many_arguments)]
pub fn block_volume_faults(
    py: Python<'_>,
    can_detach: Option<Py<PyAny>>,
    on_detach: Option<Py<PyAny>>,
    can_wrong_attach: Option<Py<PyAny>>,
    on_wrong_attach: Option<Py<PyAny>>,
    can_empty_attach: Option<Py<PyAny>>,
    on_empty_attach: Option<Py<PyAny>>,
    can_detach_during_write: Option<Py<PyAny>>,
    on_detach_during_write: Option<Py<PyAny>>,
    extra_assumptions: Option<Bound<'_, PyAny>>,
) -> PyResult<PyEnvironmentSpec> {
    let f = "block_volume_faults";
    let detach = pair(f, "can_detach", "on_detach", can_detach, on_detach)?;
    let wrong = pair(f, "can_wrong_attach", "on_wrong_attach", can_wrong_attach, on_wrong_attach)?;
    let empty = pair(f, "can_empty_attach", "on_empty_attach", can_empty_attach, on_empty_attach)?;
    let during = pair(
        f,
        "can_detach_during_write",
        "on_detach_during_write",
        can_detach_during_write,
        on_detach_during_write,
    )?;
    let mut b = open::environments::storage::block_volume_faults();
    let mut pairs = Vec::new();
    if let Some((c, o)) = detach {
        b = b.detach(g(&c, py), e(&o, py));
        pairs.push((c, o));
    }
    if let Some((c, o)) = wrong {
        b = b.wrong_attach(g(&c, py), e(&o, py));
        pairs.push((c, o));
    }
    if let Some((c, o)) = empty {
        b = b.empty_attach(g(&c, py), e(&o, py));
        pairs.push((c, o));
    }
    if let Some((c, o)) = during {
        b = b.detach_during_write(g(&c, py), e(&o, py));
        pairs.push((c, o));
    }
    let native = b.build().map_err(|err| PyValueError::new_err(format!("block_volume_faults: {err}")))?;
    python_env(py, native, pairs, extra_assumptions.as_ref())
}

/// `musil.environments.distributed.credential_rotation(*, can_rotate, on_rotate,
/// extra_assumptions=None)`.
#[pyfunction]
#[pyo3(signature = (*, can_rotate, on_rotate, extra_assumptions=None))]
pub fn credential_rotation(
    py: Python<'_>,
    can_rotate: Py<PyAny>,
    on_rotate: Py<PyAny>,
    extra_assumptions: Option<Bound<'_, PyAny>>,
) -> PyResult<PyEnvironmentSpec> {
    let b = open::environments::distributed::credential_rotation(g(&can_rotate, py), e(&on_rotate, py));
    python_env(py, b.build(), vec![(can_rotate, on_rotate)], extra_assumptions.as_ref())
}

/// `musil.environments.distributed.record_reality_divergence(*, can_diverge, on_diverge,
/// extra_assumptions=None)`.
#[pyfunction]
#[pyo3(signature = (*, can_diverge, on_diverge, extra_assumptions=None))]
pub fn record_reality_divergence(
    py: Python<'_>,
    can_diverge: Py<PyAny>,
    on_diverge: Py<PyAny>,
    extra_assumptions: Option<Bound<'_, PyAny>>,
) -> PyResult<PyEnvironmentSpec> {
    let b =
        open::environments::distributed::record_reality_divergence(g(&can_diverge, py), e(&on_diverge, py));
    python_env(py, b.build(), vec![(can_diverge, on_diverge)], extra_assumptions.as_ref())
}
