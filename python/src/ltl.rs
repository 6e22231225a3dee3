//! The original's `check_ltl`: a formula of `musil.ltl` nodes becomes the engine's [`Ltl`].

use musil::ltl::{Ltl, LtlOptions, LtlResult};
use musil::{Checker, Fair};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;

use crate::core::{self, MAX_STATES};
use crate::liveness::{PyLivenessResult, names};
use crate::state::{self, PyState};

/// The engine's formula for a tree of `musil.ltl` nodes (read by class name and fields).
pub(crate) fn formula(node: &Bound<'_, PyAny>) -> PyResult<Ltl<PyState>> {
    let kind = node.get_type().name()?.to_string();
    let arg = || formula(&node.getattr("arg")?);
    let pair = || -> PyResult<(Ltl<PyState>, Ltl<PyState>)> {
        Ok((formula(&node.getattr("left")?)?, formula(&node.getattr("right")?)?))
    };
    Ok(match kind.as_str() {
        "Atom" => {
            let name: String = node.getattr("name")?.extract()?;
            Ltl::atom(name, state::guard(node.getattr("predicate")?.unbind()))
        }
        "Not" => arg()?.not(),
        "Next" => Ltl::next(arg()?),
        "Eventually" => Ltl::eventually(arg()?),
        "Always" => Ltl::always(arg()?),
        "And" => pair().map(|(a, b)| a.and(b))?,
        "Or" => pair().map(|(a, b)| a.or(b))?,
        "Implies" => pair().map(|(a, b)| a.implies(b))?,
        "Until" => pair().map(|(a, b)| a.until(b))?,
        "Release" => pair().map(|(a, b)| a.release(b))?,
        "WeakUntil" => pair().map(|(a, b)| a.weak_until(b))?,
        other => return Err(PyTypeError::new_err(format!("check_ltl: {other} is not an LTL formula node"))),
    })
}

/// The native half of `musil.ltl.check_ltl`.
#[pyfunction]
#[pyo3(name = "_check_ltl", signature = (model, formula, *, name="ltl".to_owned(), fair=None, fair_strong=None, max_states=MAX_STATES))]
pub fn check_ltl(
    py: Python<'_>,
    model: &Bound<'_, PyAny>,
    formula: &Bound<'_, PyAny>,
    name: String,
    fair: Option<Bound<'_, PyAny>>,
    fair_strong: Option<Bound<'_, PyAny>>,
    max_states: usize,
) -> PyResult<Py<PyAny>> {
    let native = core::native_model(py, model)?;
    let f = self::formula(formula)?;
    let mut fairness = Fair::tags();
    if let Some(w) = names(fair)? {
        fairness = fairness.fair(w);
    }
    if let Some(s) = names(fair_strong)? {
        fairness = fairness.fair_strong(s);
    }
    let options = LtlOptions::new().name(name).fairness(fairness);
    let checker = Checker::new(&native).max_states(max_states);
    let r = state::run(py, 1, || checker.check_ltl(&f, &options))?;
    match r.map_err(|e| PyValueError::new_err(e.to_string()))? {
        LtlResult::Safety(r) => Ok(core::result(py, r)?.into_any()),
        LtlResult::Liveness(r) => Ok(Py::new(py, PyLivenessResult::new(r))?.into_any()),
    }
}
