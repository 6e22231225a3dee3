//! The native half of `musil.sim`: Python node objects run by the engine's deterministic
//! simulator (`musil::sim`), with its seeded CPython-compatible generator, network model, fault
//! schedules and oracle.
//!
//! A node is any Python object with `on_start(ctx)`, `on_message(ctx, src, payload)` and
//! `on_timer(ctx, name)`; messages and worlds are Python objects. The `Context` handed to a
//! handler is valid only during that call.

use std::cell::Cell;

use musil::sim::{Context, Crash, FaultSchedule, NetworkModel, Node, Nodes, Partition, simulate};
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

use crate::core;
use crate::state::{self, PyState};

/// A message in flight: a Python object.
pub struct PyMsg(Py<PyAny>);

impl Clone for PyMsg {
    fn clone(&self) -> Self {
        Python::attach(|py| PyMsg(self.0.clone_ref(py)))
    }
}

impl std::fmt::Debug for PyMsg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        Python::attach(|py| match self.0.bind(py).repr() {
            Ok(r) => f.write_str(&r.to_string_lossy()),
            Err(_) => f.write_str("<message>"),
        })
    }
}

/// A node's handle on the simulated world, for the duration of one handler call.
#[pyclass(unsendable, name = "Context", module = "musil.sim")]
pub struct PyContext {
    ctx: Cell<*mut Context<'static, PyMsg>>,
}

impl PyContext {
    fn with<R>(&self, f: impl FnOnce(&mut Context<'static, PyMsg>) -> R) -> PyResult<R> {
        let ptr = self.ctx.get();
        if ptr.is_null() {
            return Err(PyRuntimeError::new_err(
                "a simulation Context is valid only inside the handler it was given to",
            ));
        }
        // SAFETY: the pointer was made from the `&mut Context` of the handler call that is still
        // running (it is cleared before that call returns), on this thread (the class is
        // unsendable), and no other reference to that context is used while Python runs.
        Ok(f(unsafe { &mut *ptr }))
    }
}

#[pymethods]
impl PyContext {
    /// This node's name.
    #[getter]
    fn node(&self) -> PyResult<String> {
        self.with(|c| c.node().to_owned())
    }
    /// The virtual clock.
    #[getter]
    fn now(&self) -> PyResult<i64> {
        self.with(|c| c.now())
    }
    /// Send `payload` to `dst` through the network model.
    fn send(&self, dst: &str, payload: Py<PyAny>) -> PyResult<()> {
        self.with(|c| c.send(dst, PyMsg(payload)))
    }
    /// Arm (or re-arm) the timer `name` to fire `delay` units from now.
    #[pyo3(signature = (name, delay=1))]
    fn set_timer(&self, name: &str, delay: i64) -> PyResult<()> {
        self.with(|c| c.set_timer(name, delay))
    }
    /// Cancel the timer `name`.
    fn cancel_timer(&self, name: &str) -> PyResult<()> {
        self.with(|c| c.cancel_timer(name))
    }
    /// A float in [0, 1) from the run's seeded generator.
    fn random(&self) -> PyResult<f64> {
        self.with(|c| c.random())
    }
    /// An integer in [a, b] from the run's seeded generator.
    fn randint(&self, a: i64, b: i64) -> PyResult<i64> {
        self.with(|c| c.randint(a, b))
    }
}

/// A Python object as a simulated node.
struct PyNode {
    obj: Py<PyAny>,
}

impl PyNode {
    fn call(
        &self,
        ctx: &mut Context<'_, PyMsg>,
        method: &str,
        args: impl FnOnce(Python<'_>, Py<PyContext>) -> PyResult<Bound<'_, PyTuple>>,
    ) {
        Python::attach(|py| {
            let ptr: *mut Context<'static, PyMsg> = (ctx as *mut Context<'_, PyMsg>).cast();
            let handle =
                Py::new(py, PyContext { ctx: Cell::new(ptr) }).unwrap_or_else(|e| state::fail(py, e));
            let outcome =
                args(py, handle.clone_ref(py)).and_then(|a| self.obj.bind(py).call_method1(method, a));
            handle.borrow(py).ctx.set(std::ptr::null_mut());
            if let Err(e) = outcome {
                state::fail(py, e);
            }
        })
    }
}

impl Node<PyMsg> for PyNode {
    fn on_start(&mut self, ctx: &mut Context<'_, PyMsg>) {
        self.call(ctx, "on_start", |py, c| PyTuple::new(py, [c.into_any()]));
    }
    fn on_message(&mut self, ctx: &mut Context<'_, PyMsg>, src: &str, payload: &PyMsg) {
        self.call(ctx, "on_message", |py, c| {
            PyTuple::new(
                py,
                [
                    c.into_any(),
                    pyo3::types::PyString::new(py, src).into_any().unbind(),
                    payload.0.clone_ref(py),
                ],
            )
        });
    }
    fn on_timer(&mut self, ctx: &mut Context<'_, PyMsg>, name: &str) {
        self.call(ctx, "on_timer", |py, c| {
            PyTuple::new(py, [c.into_any(), pyo3::types::PyString::new(py, name).into_any().unbind()])
        });
    }
}

/// The nodes a Python factory returns (a mapping of name to node).
fn nodes_of(py: Python<'_>, factory: &Py<PyAny>) -> Nodes<PyMsg> {
    let made = factory.bind(py).call0().unwrap_or_else(|e| state::fail(py, e));
    let items = made.call_method0("items").unwrap_or_else(|e| state::fail(py, e));
    let mut nodes = Nodes::new();
    for kv in items.try_iter().unwrap_or_else(|e| state::fail(py, e)) {
        let (name, obj): (String, Py<PyAny>) =
            kv.and_then(|kv| kv.extract()).unwrap_or_else(|e| state::fail(py, e));
        nodes = nodes.node(name, PyNode { obj });
    }
    nodes
}

/// The world as the snapshot function sees it: a dict of name to node object.
fn world<'py>(py: Python<'py>, nodes: &Nodes<PyMsg>) -> Bound<'py, PyDict> {
    let d = PyDict::new(py);
    for name in nodes.names() {
        if let Some(n) = nodes.get::<PyNode>(name) {
            d.set_item(name, n.obj.bind(py)).unwrap_or_else(|e| state::fail(py, e));
        }
    }
    d
}

/// A partition as Python passes it: the cut links, start, end.
type PartitionRow = (Vec<(String, String)>, i64, i64);

/// One failure, as the Python `SimFailure` is built from it.
type Failure = (u64, String, String, usize, Py<PyAny>, Vec<Py<PyAny>>);

/// The native half of `musil.sim.simulate`: `(runs, failure or None)`.
#[pyfunction]
#[pyo3(name = "_simulate", signature = (factory, seeds, snapshot, network, partitions, crashes, invariants, model, abstraction, goal, goal_name, converge_within, max_steps, require_init))]
#[allow(clippy::too_many_arguments)]
pub fn simulate_py(
    py: Python<'_>,
    factory: Py<PyAny>,
    seeds: Vec<u64>,
    snapshot: Py<PyAny>,
    network: (f64, f64, i64, i64, Option<Py<PyAny>>),
    partitions: Vec<PartitionRow>,
    crashes: Vec<(String, i64, i64, bool)>,
    invariants: Vec<(String, Py<PyAny>)>,
    model: Option<Bound<'_, PyAny>>,
    abstraction: Option<Py<PyAny>>,
    goal: Option<Py<PyAny>>,
    goal_name: String,
    converge_within: Option<u64>,
    max_steps: u64,
    require_init: bool,
) -> PyResult<(u64, Option<Failure>)> {
    let (loss, duplicate, min_latency, max_latency, mutate) = network;
    let mut net = NetworkModel::new().loss(loss).duplicate(duplicate).latency(min_latency, max_latency);
    if let Some(m) = mutate {
        net = net.mutate(move |src: &str, dst: &str, msg: PyMsg| {
            Python::attach(|py| {
                let v = m.bind(py).call1((src, dst, msg.0.bind(py))).unwrap_or_else(|e| state::fail(py, e));
                if v.is_none() { None } else { Some(PyMsg(v.unbind())) }
            })
        });
    }
    let mut schedule = FaultSchedule::new();
    for (links, start, end) in partitions {
        schedule = schedule.partition(Partition::new(links, start, end));
    }
    for (node, start, end, cold) in crashes {
        let c = Crash::new(node, start, end);
        schedule = schedule.crash(if cold { c.cold() } else { c });
    }
    let native_model = match &model {
        Some(m) => Some(core::native_model(py, m)?),
        None => None,
    };
    let mut sim = simulate(
        move || Python::attach(|py| nodes_of(py, &factory)),
        move |nodes: &Nodes<PyMsg>| {
            Python::attach(|py| {
                PyState::new(
                    &snapshot.bind(py).call1((world(py, nodes),)).unwrap_or_else(|e| state::fail(py, e)),
                )
            })
        },
    )
    .network(net)
    .faults(schedule)
    .max_steps(max_steps)
    .require_init(require_init);
    for (name, f) in invariants {
        sim = sim.invariant(name, move |w: &PyState| {
            Python::attach(|py| state::truthy(py, &state::call1(py, &f, w)))
        });
    }
    if let (Some(m), Some(abs)) = (&native_model, abstraction) {
        sim =
            sim.refines(m, move |w: &PyState| Python::attach(|py| PyState::new(&state::call1(py, &abs, w))));
    }
    if let Some(g) = goal {
        sim = sim.goal(goal_name, move |w: &PyState| {
            Python::attach(|py| state::truthy(py, &state::call1(py, &g, w)))
        });
    }
    if let Some(n) = converge_within {
        sim = sim.converge_within(n);
    }
    let report = state::run_here(|| sim.run(seeds))?;
    let report = report.map_err(|e| {
        let err = PyRuntimeError::new_err(format!("simulate: {e}"));
        if let Some(cause) = state::take_last_error() {
            err.set_cause(py, Some(cause));
        }
        err
    })?;
    let failure = report.failure.map(|f| {
        (
            f.seed,
            f.kind.as_str().to_owned(),
            f.detail,
            f.step,
            f.world.object(py),
            f.history.iter().map(|w| w.object(py)).collect(),
        )
    });
    Ok((report.runs, failure))
}
