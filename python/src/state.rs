//! Python objects as musil states, and Python callbacks as the engine's closures.
//!
//! A [`PyState`] is a Python object hashed once with Python's `hash` and compared with Python's
//! `==`, so the engine's store, queue and traces hold Python states without knowing their type.
//! A callback that raises is turned into a panic with the exception's text, which the engine
//! reports as a result naming the guard, effect or invariant with its trace (the Rust API's
//! rule). An exception that is not an `Exception` (a `KeyboardInterrupt` from Ctrl-C, a
//! `SystemExit`) is kept and raised again when the check returns, so Ctrl-C stops a check.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::Mutex;

use musil::Verdict;
use pyo3::exceptions::{PyException, PyRuntimeError};
use pyo3::prelude::*;
use pyo3::types::PyString;

/// A Python object as a state.
pub struct PyState {
    pub(crate) obj: Py<PyAny>,
    /// Python's hash of the object; `None` for an unhashable object, which is fine only when
    /// the check identifies states by a `key`.
    hash: Option<isize>,
}

impl PyState {
    /// The state `obj`, hashed now.
    pub(crate) fn new(obj: &Bound<'_, PyAny>) -> Self {
        PyState { obj: obj.clone().unbind(), hash: obj.hash().ok() }
    }

    /// The object, bound to `py`.
    pub(crate) fn bind<'py>(&self, py: Python<'py>) -> &Bound<'py, PyAny> {
        self.obj.bind(py)
    }

    /// The object, as a new reference.
    pub(crate) fn object(&self, py: Python<'_>) -> Py<PyAny> {
        self.obj.clone_ref(py)
    }
}

impl Clone for PyState {
    fn clone(&self) -> Self {
        Python::attach(|py| PyState { obj: self.obj.clone_ref(py), hash: self.hash })
    }
}

impl PartialEq for PyState {
    fn eq(&self, other: &Self) -> bool {
        if self.obj.as_ptr() == other.obj.as_ptr() {
            return true;
        }
        if self.hash != other.hash {
            return false;
        }
        Python::attach(|py| match self.obj.bind(py).eq(other.obj.bind(py)) {
            Ok(equal) => equal,
            Err(e) => fail(py, e),
        })
    }
}

impl Eq for PyState {}

impl Hash for PyState {
    fn hash<H: Hasher>(&self, state: &mut H) {
        match self.hash {
            Some(h) => state.write_isize(h),
            None => Python::attach(|py| {
                let shown = self.obj.bind(py).get_type().name().map(|n| n.to_string()).unwrap_or_default();
                std::panic::panic_any(format!(
                    "a state is not hashable (TypeError: unhashable type: '{shown}'); give a key= that maps it to a hashable value"
                ))
            }),
        }
    }
}

/// `str(state)`, as the original's traces print states.
impl fmt::Debug for PyState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Python::attach(|py| match self.obj.bind(py).str() {
            Ok(s) => f.write_str(&s.to_string_lossy()),
            Err(_) => f.write_str("<unprintable state>"),
        })
    }
}

/// An exception that must stop the check rather than become a result.
static INTERRUPT: Mutex<Option<PyErr>> = Mutex::new(None);

/// The text a result shows for an exception: `TypeName: message`.
pub(crate) fn describe(py: Python<'_>, err: &PyErr) -> String {
    let name = err.get_type(py).name().map(|n| n.to_string()).unwrap_or_else(|_| "Exception".into());
    let message = err.value(py).str().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    if message.is_empty() { name } else { format!("{name}: {message}") }
}

/// Turn an exception raised by a callback into the panic the engine reports; keep a
/// `KeyboardInterrupt` (or any other non-`Exception`) to raise again when the check returns.
pub(crate) fn fail(py: Python<'_>, err: PyErr) -> ! {
    let text = describe(py, &err);
    LAST.with(|l| *l.borrow_mut() = Some(err.clone_ref(py)));
    if !err.is_instance_of::<PyException>(py) {
        let mut slot = INTERRUPT.lock().unwrap_or_else(|p| p.into_inner());
        if slot.is_none() {
            *slot = Some(err);
        }
    }
    std::panic::panic_any(text)
}

thread_local! {
    /// The last exception a callback raised on this thread (for a question that reports it
    /// only as a message, to raise it as the cause).
    static LAST: std::cell::RefCell<Option<PyErr>> = const { std::cell::RefCell::new(None) };
}

/// The last exception a callback raised on this thread, taken.
pub(crate) fn take_last_error() -> Option<PyErr> {
    LAST.with(|l| l.borrow_mut().take())
}

/// Forget an interrupt left by an earlier run.
fn clear_interrupt() {
    INTERRUPT.lock().unwrap_or_else(|p| p.into_inner()).take();
}

/// The interrupt a run left, if any.
fn take_interrupt() -> Option<PyErr> {
    INTERRUPT.lock().unwrap_or_else(|p| p.into_inner()).take()
}

/// Run a search over Python callbacks: attached to the interpreter with one worker (the
/// callbacks then run on this thread), detached with more so that the workers can attach in
/// turn. An interrupt raised inside a callback is raised again here; a panic outside any
/// callback (an unhashable state without a key) becomes a `RuntimeError`.
pub(crate) fn run<R: Send>(py: Python<'_>, workers: usize, search: impl FnOnce() -> R + Send) -> PyResult<R> {
    if workers > 1 { settle_run(|| py.detach(|| catch(search))) } else { settle_run(|| catch(search)) }
}

/// [`run`] on this thread, attached (for searches whose callbacks are not `Send`).
pub(crate) fn run_here<R>(search: impl FnOnce() -> R) -> PyResult<R> {
    settle_run(|| catch(search))
}

type Caught<R> = Result<R, Box<dyn std::any::Any + Send>>;

fn catch<R>(search: impl FnOnce() -> R) -> Caught<R> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(search))
}

fn settle_run<R>(go: impl FnOnce() -> Caught<R>) -> PyResult<R> {
    clear_interrupt();
    LAST.with(|l| l.borrow_mut().take());
    let outcome = go();
    if let Some(err) = take_interrupt() {
        return Err(err);
    }
    match outcome {
        Ok(r) => Ok(r),
        Err(payload) => {
            let text = if let Some(s) = payload.downcast_ref::<String>() {
                s.clone()
            } else if let Some(s) = payload.downcast_ref::<&str>() {
                (*s).to_owned()
            } else {
                "a panic without a message".to_owned()
            };
            Err(PyRuntimeError::new_err(format!("musil: {text}")))
        }
    }
}

/// `f(state)`, or the check's failure.
pub(crate) fn call1<'py>(py: Python<'py>, f: &Py<PyAny>, state: &PyState) -> Bound<'py, PyAny> {
    f.bind(py).call1((state.bind(py),)).unwrap_or_else(|e| fail(py, e))
}

/// Python truthiness, or the check's failure.
pub(crate) fn truthy(py: Python<'_>, value: &Bound<'_, PyAny>) -> bool {
    value.is_truthy().unwrap_or_else(|e| fail(py, e))
}

/// An invariant's return read as the original reads it: a string is a violation carrying it
/// as the reason (an empty one shows none); anything else by truthiness.
pub(crate) fn verdict(py: Python<'_>, value: &Bound<'_, PyAny>) -> Verdict {
    if let Ok(s) = value.cast::<PyString>() {
        return Verdict::Violated(Some(s.to_string_lossy().into_owned()));
    }
    if truthy(py, value) { Verdict::Holds } else { Verdict::Violated(None) }
}

/// A guard closure over a Python predicate.
pub(crate) fn guard(f: Py<PyAny>) -> impl Fn(&PyState) -> bool + Send + Sync + 'static {
    move |s| Python::attach(|py| truthy(py, &call1(py, &f, s)))
}

/// An effect closure over a Python function returning the next state.
pub(crate) fn effect(f: Py<PyAny>) -> impl Fn(&PyState) -> PyState + Send + Sync + 'static {
    move |s| Python::attach(|py| PyState::new(&call1(py, &f, s)))
}

/// An invariant closure over a Python predicate returning bool, a reason string or None.
pub(crate) fn invariant(f: Py<PyAny>) -> impl Fn(&PyState) -> Verdict + Send + Sync + 'static {
    move |s| Python::attach(|py| verdict(py, &call1(py, &f, s)))
}
