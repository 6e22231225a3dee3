//! The original's `musil.probabilistic`: exact probabilities, expectations and long-run values
//! over the explored graph read as a Markov chain (or, with `moves`, an MDP), answered as
//! `fractions.Fraction`.
//!
//! A weight, cost or reward may be an `int`, a `Fraction`, a `bool` or a `float`; a float counts
//! as the decimal it prints as (`0.6` is `3/5`), which is the engine's rule (the original reads
//! its binary value). A question without an exact answer raises `ValueError` as the original
//! does (a truncated exploration, an infinite expectation, too many policies); an exception in
//! a guard or an effect raises `RuntimeError` naming the action, with the exception as cause;
//! one in a weight, cost, reward, target or `moves` function is raised as it is.

use std::cell::RefCell;

use musil::Model;
use musil::probabilistic::{Answer, InconclusiveKind, IntoRatio, Optimize, Prob, Ratio};
use num_bigint::BigInt;
use num_rational::BigRational;
use pyo3::exceptions::{PyRuntimeError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyTuple};

use crate::core::{self, MAX_STATES};
use crate::state::{self, PyState};

/// The first exception a callback raised during one question; the callback then answers
/// something harmless and the question's answer is replaced by the exception.
#[derive(Default)]
struct Trap(RefCell<Option<PyErr>>);

impl Trap {
    fn keep<T>(&self, r: PyResult<T>, fallback: T) -> T {
        match r {
            Ok(v) => v,
            Err(e) => {
                self.0.borrow_mut().get_or_insert(e);
                fallback
            }
        }
    }
    fn check(&self) -> PyResult<()> {
        match self.0.borrow_mut().take() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

/// A Python number as an exact rational.
fn to_ratio(v: &Bound<'_, PyAny>) -> PyResult<Ratio> {
    if let Ok(b) = v.cast::<PyBool>() {
        return Ok(Ratio::from_integer(BigInt::from(u8::from(b.is_true()))));
    }
    if v.is_instance_of::<PyInt>() {
        return Ok(Ratio::from_integer(v.extract::<BigInt>()?));
    }
    if v.is_instance_of::<PyFloat>() {
        return v.extract::<f64>()?.into_ratio().map_err(PyValueError::new_err);
    }
    match (v.getattr("numerator"), v.getattr("denominator")) {
        (Ok(n), Ok(d)) => {
            let d: BigInt = d.extract()?;
            if d == BigInt::from(0) {
                return Err(PyValueError::new_err("a weight with denominator 0"));
            }
            Ok(BigRational::new(n.extract()?, d))
        }
        _ => Err(PyTypeError::new_err(format!(
            "a weight, cost or reward must be an int, a Fraction or a float, not {}",
            v.get_type().name()?
        ))),
    }
}

/// An exact rational as a `fractions.Fraction`.
fn fraction(py: Python<'_>, r: &Ratio) -> PyResult<Py<PyAny>> {
    let f = py.import("fractions")?.getattr("Fraction")?;
    Ok(f.call1((r.numer().clone(), r.denom().clone()))?.unbind())
}

/// The answer, or the exception that stands for it.
fn settle<T>(py: Python<'_>, trap: &Trap, r: Result<Answer<T>, musil::Error>) -> PyResult<T> {
    trap.check()?;
    match r.map_err(|e| PyValueError::new_err(e.to_string()))? {
        Answer::Exact(v) => Ok(v),
        Answer::Infinite { reason } => Err(PyValueError::new_err(reason)),
        Answer::Inconclusive(i) => match i.kind {
            InconclusiveKind::Panic => {
                let err = PyRuntimeError::new_err(i.message.clone());
                if let Some(cause) = state::take_last_error() {
                    err.set_cause(py, Some(cause));
                }
                Err(err)
            }
            _ => Err(PyValueError::new_err(i.message.clone())),
        },
    }
}

fn optimize_of(what: &str, optimize: &str) -> PyResult<Optimize> {
    match optimize {
        "max" => Ok(Optimize::Max),
        "min" => Ok(Optimize::Min),
        other => {
            Err(PyValueError::new_err(format!("{what}: optimize must be 'max' or 'min', got {other:?}")))
        }
    }
}

/// Everything one question reads from the caller's keywords.
struct Question<'py> {
    py: Python<'py>,
    model: Model<PyState>,
    /// The Python model (for `moves`: the enabled actions as `Action` objects).
    py_model: Bound<'py, PyAny>,
    trap: Trap,
}

impl<'py> Question<'py> {
    fn new(py: Python<'py>, model: &Bound<'py, PyAny>) -> PyResult<Self> {
        Ok(Question {
            py,
            model: core::native_model(py, model)?,
            py_model: model.clone(),
            trap: Trap::default(),
        })
    }

    /// A predicate over states (`target`, `avoid`).
    fn predicate<'a>(&'a self, f: &'a Bound<'py, PyAny>) -> impl Fn(&PyState) -> bool + 'a {
        move |s| self.trap.keep(f.call1((s.bind(self.py),)).and_then(|v| v.is_truthy()), false)
    }

    /// A number per (action, state): `weight`, `cost`.
    fn per_step<'a>(&'a self, f: &'a Bound<'py, PyAny>) -> impl Fn(&str, &PyState) -> Ratio + 'a {
        move |a, s| {
            self.trap
                .keep(f.call1((a, s.bind(self.py))).and_then(|v| to_ratio(&v)), Ratio::from_integer(0.into()))
        }
    }

    /// A number per state: `reward`.
    fn per_state<'a>(&'a self, f: &'a Bound<'py, PyAny>) -> impl Fn(&PyState) -> Ratio + 'a {
        move |s| {
            self.trap
                .keep(f.call1((s.bind(self.py),)).and_then(|v| to_ratio(&v)), Ratio::from_integer(0.into()))
        }
    }

    /// The original's `moves(state, enabled_actions) -> groups of actions`, by name.
    fn moves<'a>(
        &'a self,
        f: &'a Bound<'py, PyAny>,
    ) -> impl Fn(&PyState, &[String]) -> Vec<Vec<String>> + 'a {
        move |s, enabled| {
            let r = (|| -> PyResult<Vec<Vec<String>>> {
                let py = self.py;
                let menu = match self.py_model.getattr("actions_fn")? {
                    m if m.is_none() => self.py_model.getattr("actions")?,
                    m => m.call1((s.bind(py),))?,
                };
                let by_name = PyDict::new(py);
                for a in menu.try_iter()? {
                    let a = a?;
                    let name = a.getattr("name")?;
                    if !by_name.contains(&name)? {
                        by_name.set_item(name, a)?;
                    }
                }
                let actions: Vec<Bound<'_, PyAny>> = enabled
                    .iter()
                    .map(|n| {
                        by_name.get_item(n.as_str()).map(|a| a.expect("an enabled action is on the menu"))
                    })
                    .collect::<PyResult<_>>()?;
                let groups = f.call1((s.bind(py), PyTuple::new(py, actions)?))?;
                groups
                    .try_iter()?
                    .map(|g| g?.try_iter()?.map(|a| a?.getattr("name")?.extract::<String>()).collect())
                    .collect()
            })();
            self.trap.keep(r, Vec::new())
        }
    }
}

macro_rules! prob {
    ($q:expr, $weight:expr, $max_states:expr) => {{
        let mut p = Prob::new(&$q.model).max_states($max_states);
        if let Some(w) = &$weight {
            p = p.weight($q.per_step(w));
        }
        p
    }};
}

fn non_negative(what: &str, steps: Option<i64>) -> PyResult<Option<usize>> {
    match steps {
        Some(k) if k < 0 => {
            Err(PyValueError::new_err(format!("{what}: steps must be non-negative, got {k}")))
        }
        Some(k) => Ok(Some(k as usize)),
        None => Ok(None),
    }
}

/// `reach_probability(model, target, *, weight=None, avoid=None, steps=None,
/// max_states=1_000_000) -> Fraction`.
#[pyfunction]
#[pyo3(signature = (model, target, *, weight=None, avoid=None, steps=None, max_states=MAX_STATES))]
pub fn reach_probability<'py>(
    py: Python<'py>,
    model: &Bound<'py, PyAny>,
    target: Bound<'py, PyAny>,
    weight: Option<Bound<'py, PyAny>>,
    avoid: Option<Bound<'py, PyAny>>,
    steps: Option<i64>,
    max_states: usize,
) -> PyResult<Py<PyAny>> {
    let steps = non_negative("reach_probability", steps)?;
    let q = Question::new(py, model)?;
    let mut p = prob!(q, weight, max_states);
    if let Some(a) = &avoid {
        p = p.avoid(q.predicate(a));
    }
    if let Some(k) = steps {
        p = p.steps(k);
    }
    let r = state::run_here(|| p.reach_probability(q.predicate(&target)))?;
    fraction(py, &settle(py, &q.trap, r)?)
}

/// `transient_distribution(model, steps, *, weight=None, max_states=1_000_000)
/// -> dict[state, Fraction]`: every explored state, in discovery order.
#[pyfunction]
#[pyo3(signature = (model, steps, *, weight=None, max_states=MAX_STATES))]
pub fn transient_distribution<'py>(
    py: Python<'py>,
    model: &Bound<'py, PyAny>,
    steps: i64,
    weight: Option<Bound<'py, PyAny>>,
    max_states: usize,
) -> PyResult<Bound<'py, PyDict>> {
    let steps = non_negative("transient_distribution", Some(steps))?.unwrap_or(0);
    let q = Question::new(py, model)?;
    let p = prob!(q, weight, max_states);
    let r = state::run_here(|| p.transient_distribution(steps))?;
    let dist = settle(py, &q.trap, r)?;
    let out = PyDict::new(py);
    for (s, v) in &dist {
        out.set_item(s.bind(py), fraction(py, v)?)?;
    }
    Ok(out)
}

/// `expected_reward(model, target, *, weight=None, cost=None, steps=None,
/// max_states=1_000_000) -> Fraction`.
#[pyfunction]
#[pyo3(signature = (model, target, *, weight=None, cost=None, steps=None, max_states=MAX_STATES))]
pub fn expected_reward<'py>(
    py: Python<'py>,
    model: &Bound<'py, PyAny>,
    target: Bound<'py, PyAny>,
    weight: Option<Bound<'py, PyAny>>,
    cost: Option<Bound<'py, PyAny>>,
    steps: Option<i64>,
    max_states: usize,
) -> PyResult<Py<PyAny>> {
    let steps = non_negative("expected_reward", steps)?;
    let q = Question::new(py, model)?;
    let mut p = prob!(q, weight, max_states);
    if let Some(c) = &cost {
        p = p.cost(q.per_step(c));
    }
    if let Some(k) = steps {
        p = p.steps(k);
    }
    let r = state::run_here(|| p.expected_reward(q.predicate(&target)))?;
    fraction(py, &settle(py, &q.trap, r)?)
}

/// `long_run_reward(model, reward, *, weight=None, max_states=1_000_000) -> Fraction`.
#[pyfunction]
#[pyo3(signature = (model, reward, *, weight=None, max_states=MAX_STATES))]
pub fn long_run_reward<'py>(
    py: Python<'py>,
    model: &Bound<'py, PyAny>,
    reward: Bound<'py, PyAny>,
    weight: Option<Bound<'py, PyAny>>,
    max_states: usize,
) -> PyResult<Py<PyAny>> {
    let q = Question::new(py, model)?;
    let p = prob!(q, weight, max_states);
    let r = state::run_here(|| p.long_run_reward(q.per_state(&reward)))?;
    fraction(py, &settle(py, &q.trap, r)?)
}

/// `long_run_probability(model, target, *, weight=None, max_states=1_000_000) -> Fraction`.
#[pyfunction]
#[pyo3(signature = (model, target, *, weight=None, max_states=MAX_STATES))]
pub fn long_run_probability<'py>(
    py: Python<'py>,
    model: &Bound<'py, PyAny>,
    target: Bound<'py, PyAny>,
    weight: Option<Bound<'py, PyAny>>,
    max_states: usize,
) -> PyResult<Py<PyAny>> {
    let q = Question::new(py, model)?;
    let p = prob!(q, weight, max_states);
    let r = state::run_here(|| p.long_run_probability(q.predicate(&target)))?;
    fraction(py, &settle(py, &q.trap, r)?)
}

/// `reach_probability_mdp(model, target, *, moves, weight=None, optimize="max", avoid=None,
/// steps=None, max_states=1_000_000) -> Fraction`.
#[pyfunction]
#[pyo3(signature = (model, target, *, moves, weight=None, optimize="max", avoid=None, steps=None, max_states=MAX_STATES))]
#[allow(clippy::too_many_arguments)]
pub fn reach_probability_mdp<'py>(
    py: Python<'py>,
    model: &Bound<'py, PyAny>,
    target: Bound<'py, PyAny>,
    moves: Bound<'py, PyAny>,
    weight: Option<Bound<'py, PyAny>>,
    optimize: &str,
    avoid: Option<Bound<'py, PyAny>>,
    steps: Option<i64>,
    max_states: usize,
) -> PyResult<Py<PyAny>> {
    let opt = optimize_of("reach_probability_mdp", optimize)?;
    let steps = non_negative("reach_probability_mdp", steps)?;
    let q = Question::new(py, model)?;
    let mut p = prob!(q, weight, max_states);
    if let Some(a) = &avoid {
        p = p.avoid(q.predicate(a));
    }
    if let Some(k) = steps {
        p = p.steps(k);
    }
    let p = p.moves(q.moves(&moves));
    let r = state::run_here(|| p.reach_probability_mdp(q.predicate(&target), opt))?;
    fraction(py, &settle(py, &q.trap, r)?)
}

/// `expected_reward_mdp(model, target, *, moves, weight=None, cost=None, optimize="min",
/// steps=None, max_states=1_000_000) -> Fraction`.
#[pyfunction]
#[pyo3(signature = (model, target, *, moves, weight=None, cost=None, optimize="min", steps=None, max_states=MAX_STATES))]
#[allow(clippy::too_many_arguments)]
pub fn expected_reward_mdp<'py>(
    py: Python<'py>,
    model: &Bound<'py, PyAny>,
    target: Bound<'py, PyAny>,
    moves: Bound<'py, PyAny>,
    weight: Option<Bound<'py, PyAny>>,
    cost: Option<Bound<'py, PyAny>>,
    optimize: &str,
    steps: Option<i64>,
    max_states: usize,
) -> PyResult<Py<PyAny>> {
    let opt = optimize_of("expected_reward_mdp", optimize)?;
    let steps = non_negative("expected_reward_mdp", steps)?;
    let q = Question::new(py, model)?;
    let mut p = prob!(q, weight, max_states);
    if let Some(c) = &cost {
        p = p.cost(q.per_step(c));
    }
    if let Some(k) = steps {
        p = p.steps(k);
    }
    let p = p.moves(q.moves(&moves));
    let r = state::run_here(|| p.expected_reward_mdp(q.predicate(&target), opt))?;
    fraction(py, &settle(py, &q.trap, r)?)
}

/// `long_run_reward_mdp(model, reward, *, moves, weight=None, optimize="max",
/// max_policies=100_000, max_states=1_000_000) -> Fraction`.
#[pyfunction]
#[pyo3(signature = (model, reward, *, moves, weight=None, optimize="max", max_policies=100_000, max_states=MAX_STATES))]
#[allow(clippy::too_many_arguments)]
pub fn long_run_reward_mdp<'py>(
    py: Python<'py>,
    model: &Bound<'py, PyAny>,
    reward: Bound<'py, PyAny>,
    moves: Bound<'py, PyAny>,
    weight: Option<Bound<'py, PyAny>>,
    optimize: &str,
    max_policies: u64,
    max_states: usize,
) -> PyResult<Py<PyAny>> {
    let opt = optimize_of("long_run_reward_mdp", optimize)?;
    let q = Question::new(py, model)?;
    let p = prob!(q, weight, max_states).moves(q.moves(&moves)).max_policies(max_policies);
    let r = state::run_here(|| p.long_run_reward_mdp(q.per_state(&reward), opt))?;
    fraction(py, &settle(py, &q.trap, r)?)
}

/// `long_run_probability_mdp(model, target, *, moves, weight=None, optimize="max",
/// max_policies=100_000, max_states=1_000_000) -> Fraction`.
#[pyfunction]
#[pyo3(signature = (model, target, *, moves, weight=None, optimize="max", max_policies=100_000, max_states=MAX_STATES))]
#[allow(clippy::too_many_arguments)]
pub fn long_run_probability_mdp<'py>(
    py: Python<'py>,
    model: &Bound<'py, PyAny>,
    target: Bound<'py, PyAny>,
    moves: Bound<'py, PyAny>,
    weight: Option<Bound<'py, PyAny>>,
    optimize: &str,
    max_policies: u64,
    max_states: usize,
) -> PyResult<Py<PyAny>> {
    let opt = optimize_of("long_run_probability_mdp", optimize)?;
    let q = Question::new(py, model)?;
    let p = prob!(q, weight, max_states).moves(q.moves(&moves)).max_policies(max_policies);
    let r = state::run_here(|| p.long_run_probability_mdp(q.predicate(&target), opt))?;
    fraction(py, &settle(py, &q.trap, r)?)
}

/// `probability_ltl(model, formula, *, weight=None, moves=None, optimize="max",
/// max_states=1_000_000) -> Fraction`.
#[pyfunction]
#[pyo3(signature = (model, formula, *, weight=None, moves=None, optimize="max", max_states=MAX_STATES))]
pub fn probability_ltl<'py>(
    py: Python<'py>,
    model: &Bound<'py, PyAny>,
    formula: &Bound<'py, PyAny>,
    weight: Option<Bound<'py, PyAny>>,
    moves: Option<Bound<'py, PyAny>>,
    optimize: &str,
    max_states: usize,
) -> PyResult<Py<PyAny>> {
    let opt = optimize_of("probability_ltl", optimize)?;
    let f = crate::ltl::formula(formula)?;
    let q = Question::new(py, model)?;
    let p = prob!(q, weight, max_states);
    let r = match &moves {
        None => state::run_here(|| p.probability_ltl(&f))?,
        Some(m) => {
            let p = p.moves(q.moves(m));
            state::run_here(|| p.probability_ltl(&f, opt))?
        }
    };
    fraction(py, &settle(py, &q.trap, r)?)
}
