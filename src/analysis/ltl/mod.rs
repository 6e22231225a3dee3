//! Linear temporal logic: formulas ([`Ltl`]), [`check_ltl`], and the automata behind it.
//!
//! `check_ltl` first puts the formula in negation normal form, then, as the original does,
//! sends the shapes it can decide more directly to the dedicated checkers:
//! - `G F P` → [`check_liveness`](crate::check_liveness) "always eventually";
//! - `G (Q -> F P)` → liveness "leads to";
//! - `G P` → a safety sweep with `P` as the only invariant, dead ends allowed (`G` says nothing
//!   about deadlock);
//! - `F P` → liveness "eventually";
//! - `a & b` → `a`, then `b`;
//!
//! where `P` and `Q` are state formulas (atoms with `!`, `&`, `|`, `->`). Everything else goes
//! to the general engine: the explored graph, with a `<stutter>` self-loop on every dead end
//! (runs are infinite), is multiplied with the generalised Büchi automaton of the negated
//! formula (GPVW tableau); an accepting lasso is the counterexample. Fairness on that path is
//! the premise `fairness -> formula`, checked over [`crate::history::with_last_action`]
//! where "taken" and "enabled" are state atoms.
//!
//! ```
//! use musil::ltl::{check_ltl, Ltl, LtlOptions};
//! use musil::Model;
//! let light = Model::new("red")
//!     .action("go", |s| *s == "red", |_| "green")
//!     .action("slow", |s| *s == "green", |_| "yellow")
//!     .action("stop", |s| *s == "yellow", |_| "red");
//! let f = Ltl::parse_with("F G green", [("green", |s: &&str| *s == "green")]).unwrap();
//! let r = check_ltl(&light, &f, &LtlOptions::new()).unwrap();
//! assert!(!r.ok());
//! assert!(r.to_string().starts_with("LTL VIOLATED: F G green\n  Init: \"red\"\n  --- loops forever ---"));
//! ```
//!
//! Unlike the original, an implication left inside the negated formula after normalisation
//! (for example the inner one of `((red -> green) -> X red)`) is expanded into `!a | b` for the
//! automaton: the original's tableau ignored it and reported such formulas violated when they
//! hold.

mod buchi;
mod formula;

use std::collections::HashMap;
use std::fmt;
use std::ops::ControlFlow;
use std::sync::Arc;

use buchi::LassoSearch;
pub use buchi::{Buchi, GeneralizedBuchi, Transitions};
pub use formula::{Atom, Atoms, Ltl, MAX_DEPTH};

pub use crate::analysis::fair::Fair;
use crate::check::Checker;
use crate::engine::Config;
use crate::error::{Error, ErrorKind};
use crate::history::{LastAction, action_taken, with_last_action};
use crate::liveness::{Liveness, LivenessResult};
use crate::properties::{Properties, Verdict};
use crate::result::{CheckResult, Kind, Outcome, Run, Step};
use crate::system::{ActionId, Predicate, System};

/// Config of [`check_ltl`]: the name violations are reported under, and fairness.
#[derive(Clone, Debug)]
pub struct LtlOptions {
    name: String,
    fairness: Fair,
}

impl Default for LtlOptions {
    fn default() -> Self {
        LtlOptions { name: "ltl".to_owned(), fairness: Fair::tags() }
    }
}

impl LtlOptions {
    /// The defaults: name `ltl`, fairness from the actions' tags on the liveness reductions and
    /// none on the general engine.
    pub fn new() -> Self {
        Self::default()
    }

    /// The name of the invariant (for `G P`) or goal (for the liveness reductions).
    #[must_use]
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// Weakly fair actions by name (explicit; an empty list means none): [`Fair::fair`] on
    /// these options' fairness.
    #[must_use]
    pub fn fair<I: IntoIterator<Item = N>, N: Into<String>>(mut self, names: I) -> Self {
        self.fairness = self.fairness.fair(names);
        self
    }

    /// Strongly fair actions by name (explicit; an empty list means none):
    /// [`Fair::fair_strong`] on these options' fairness.
    #[must_use]
    pub fn fair_strong<I: IntoIterator<Item = N>, N: Into<String>>(mut self, names: I) -> Self {
        self.fairness = self.fairness.fair_strong(names);
        self
    }

    /// The fairness as one [`Fair`] value (replacing both lists). Lists left to the tags are
    /// read from the tags by the liveness reductions, and as empty by the general engine.
    #[must_use]
    pub fn fairness(mut self, fairness: Fair) -> Self {
        self.fairness = fairness;
        self
    }
}

/// What [`check_ltl`] returns: a safety result (the `G P` reduction and the general engine)
/// or a liveness result (the `F`, `G F` and leads-to reductions).
#[derive(Clone, Debug, PartialEq, Eq)]
#[must_use = "an LTL result says whether the formula holds: assert on it or print it"]
pub enum LtlResult<S> {
    /// From the safety sweep or the general engine (kind [`Kind::Ltl`] on a lasso).
    Safety(CheckResult<S>),
    /// From a liveness reduction.
    Liveness(LivenessResult<S>),
}

impl<S> LtlResult<S> {
    /// True when the formula holds.
    pub fn ok(&self) -> bool {
        match self {
            LtlResult::Safety(r) => r.ok,
            LtlResult::Liveness(r) => r.ok,
        }
    }

    /// States explored.
    pub fn states_explored(&self) -> usize {
        match self {
            LtlResult::Safety(r) => r.states_explored,
            LtlResult::Liveness(r) => r.states_explored,
        }
    }

    /// The safety result, if that is what it is.
    pub fn as_safety(&self) -> Option<&CheckResult<S>> {
        match self {
            LtlResult::Safety(r) => Some(r),
            LtlResult::Liveness(_) => None,
        }
    }

    /// The liveness result, if that is what it is.
    pub fn as_liveness(&self) -> Option<&LivenessResult<S>> {
        match self {
            LtlResult::Liveness(r) => Some(r),
            LtlResult::Safety(_) => None,
        }
    }
}

impl<S: fmt::Debug> fmt::Display for LtlResult<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LtlResult::Safety(r) => r.fmt(f),
            LtlResult::Liveness(r) => r.fmt(f),
        }
    }
}

impl<S: fmt::Debug> Outcome for LtlResult<S> {
    type State = S;
    fn is_ok(&self) -> bool {
        self.ok()
    }
    fn is_truncated(&self) -> bool {
        match self {
            LtlResult::Safety(r) => r.truncated,
            LtlResult::Liveness(r) => r.truncated,
        }
    }
    fn kind_name(&self) -> Option<&'static str> {
        match self {
            LtlResult::Safety(r) => r.kind_name(),
            LtlResult::Liveness(r) => r.kind_name(),
        }
    }
    fn broken_invariant(&self) -> Option<&str> {
        match self {
            LtlResult::Safety(r) => r.invariant.as_deref(),
            LtlResult::Liveness(_) => None,
        }
    }
    fn counterexample_actions(&self) -> Vec<&str> {
        match self {
            LtlResult::Safety(r) => r.action_names(),
            LtlResult::Liveness(r) => r.action_names(),
        }
    }
    fn witness_state(&self) -> Option<&S> {
        match self {
            LtlResult::Safety(r) => r.witness(),
            LtlResult::Liveness(r) => r.witness(),
        }
    }
    fn counterexample_run(&self) -> Option<Run<'_, S>> {
        match self {
            LtlResult::Safety(r) => r.counterexample_run(),
            LtlResult::Liveness(r) => r.counterexample_run(),
        }
    }
}

/// A system's properties with its invariants replaced by one predicate (and, optionally,
/// every dead end allowed): the `G P` reduction and the `always` / `absent` patterns. Edge
/// invariants and terminal states are the system's own.
pub(crate) struct OnlyInvariant<'a, P, S> {
    pub inner: &'a P,
    pub name: String,
    pub predicate: Predicate<S>,
    pub dead_ends_allowed: bool,
}

impl<S, P: Properties<S>> Properties<S> for OnlyInvariant<'_, P, S> {
    fn invariant_count(&self) -> usize {
        1
    }
    fn invariant_name(&self, _index: usize) -> &str {
        &self.name
    }
    fn check_invariant(&self, _index: usize, state: &S) -> Verdict {
        (self.predicate)(state).into()
    }
    fn edge_invariant_count(&self) -> usize {
        self.inner.edge_invariant_count()
    }
    fn edge_invariant_name(&self, index: usize) -> &str {
        self.inner.edge_invariant_name(index)
    }
    fn check_edge_invariant(&self, index: usize, before: &S, action: ActionId, after: &S) -> Verdict {
        self.inner.check_edge_invariant(index, before, action, after)
    }
    fn is_terminal(&self, state: &S) -> bool {
        self.dead_ends_allowed || self.inner.is_terminal(state)
    }
}

impl<T: System> Checker<'_, T> {
    /// Check an LTL formula (see the [module](crate::ltl) for how each shape is decided).
    /// Errs when a fairness name matches no action.
    pub fn check_ltl(
        &self,
        formula: &Ltl<T::State>,
        options: &LtlOptions,
    ) -> Result<LtlResult<T::State>, Error> {
        if formula.depth() > MAX_DEPTH {
            return Err(Error::new(
                ErrorKind::Formula,
                format!(
                    "check_ltl: the formula is nested {} levels deep; at most {MAX_DEPTH} are checked",
                    formula.depth()
                ),
            ));
        }
        let f = formula.nnf();
        let opts = options;
        let liveness = |spec: Liveness<T::State>| -> Result<LtlResult<T::State>, Error> {
            let spec = spec.goal_name(opts.name.clone()).fairness(opts.fairness.clone());
            Ok(LtlResult::Liveness(self.check_liveness(&spec)?))
        };
        match &f {
            Ltl::Always(inner) => match &**inner {
                Ltl::Eventually(p) => {
                    if let Some(p) = p.state_predicate() {
                        return liveness(Liveness::always_eventually(move |s| p(s)));
                    }
                }
                Ltl::Implies(q, fp) if matches!(**fp, Ltl::Eventually(_)) => {
                    let Ltl::Eventually(p) = &**fp else { unreachable!() };
                    if let (Some(q), Some(p)) = (q.state_predicate(), p.state_predicate()) {
                        return liveness(Liveness::leads_to(move |s| q(s), move |s| p(s)));
                    }
                }
                other => {
                    if let Some(p) = other.state_predicate() {
                        let view = OnlyInvariant {
                            inner: self.sys,
                            name: opts.name.clone(),
                            predicate: p,
                            dead_ends_allowed: true,
                        };
                        return Ok(LtlResult::Safety(self.check_against(&view).0));
                    }
                }
            },
            Ltl::Eventually(p) => {
                if let Some(p) = p.state_predicate() {
                    return liveness(Liveness::eventually(move |s| p(s)));
                }
            }
            Ltl::And(a, b) => {
                let left = self.check_ltl(a, options)?;
                if !left.ok() {
                    return Ok(left);
                }
                return self.check_ltl(b, options);
            }
            _ => {}
        }
        let (weak, strong) = opts.fairness.explicit();
        if weak.is_empty() && strong.is_empty() {
            return Ok(LtlResult::Safety(self.general(&f)));
        }
        self.fair_general(&f, &weak, &strong).map(LtlResult::Safety)
    }

    /// The general engine over the stutter-extended graph.
    fn general(&self, f: &Ltl<T::State>) -> CheckResult<T::State> {
        let graph = self.explore();
        if let Some(fault) = graph.fault() {
            return fault_result(graph.len(), &fault.fault, fault.trace.clone());
        }
        let automaton = GeneralizedBuchi::from_ltl(&f.clone().not());
        lasso_result(graph.len(), graph.truncated(), f, automaton.lasso(&graph, true, &self.options), |s| s)
    }

    /// The general engine under fairness: `fairness -> f` over the last-action system.
    fn fair_general(
        &self,
        f: &Ltl<T::State>,
        weak: &[String],
        strong: &[String],
    ) -> Result<CheckResult<T::State>, Error> {
        let sys = self.sys;
        Fair::tags().fair(weak).fair_strong(strong).check_names(sys, |unknown, known| {
            format!("check_ltl: unknown fair action name(s) {unknown}; actions are {known}")
        })?;
        let augmented = with_last_action(sys);
        let canon = self.options.canonicalize.clone();
        let options = Config {
            fingerprint: false,
            canonicalize: canon.map(|c| {
                std::sync::Arc::new(move |s: &LastAction<T::State>| LastAction {
                    state: c(&s.state),
                    action: s.action.clone(),
                }) as crate::engine::Canon<LastAction<T::State>>
            }),
            identity: self.options.identity.lifted(|l: &LastAction<T::State>| &l.state, |l| &l.action),
            ..self.options.for_states_of(self.options.max_states)
        };
        let graph = crate::graph::build_graph(&augmented, None, &options);
        if let Some(fault) = graph.fault() {
            return Ok(fault_result(graph.len(), &fault.fault, fault.trace.iter().map(inner_step).collect()));
        }
        // "enabled:a" per fair name and explored state, read from the model itself (also for
        // states the cap left unexpanded).
        let names: Vec<&String> = weak.iter().chain(strong).collect();
        let mut enabled_at: HashMap<LastAction<T::State>, Vec<bool>> = HashMap::with_capacity(graph.len());
        for s in graph.states() {
            let mut row = vec![false; names.len()];
            let _ = sys.successors(&s.state, |a, _| {
                let n = sys.action_name(a);
                for (k, name) in names.iter().enumerate() {
                    if **name == n {
                        row[k] = true;
                    }
                }
                ControlFlow::Continue(())
            });
            enabled_at.insert(s.clone(), row);
        }
        let enabled_at = Arc::new(enabled_at);
        let enabled = |k: usize| -> Ltl<LastAction<T::State>> {
            let table = enabled_at.clone();
            Ltl::atom(format!("enabled:{}", names[k]), move |s: &LastAction<T::State>| {
                table.get(s).is_some_and(|r| r[k])
            })
        };
        let taken = |name: &str| Ltl::atom(format!("taken:{name}"), action_taken::<T::State>(name));
        let mut terms = Vec::new();
        for (k, name) in names.iter().enumerate() {
            let gf_taken = Ltl::always(Ltl::eventually(taken(name)));
            let not_enabled = enabled(k).not();
            let escape = if k < weak.len() {
                Ltl::always(Ltl::eventually(not_enabled))
            } else {
                Ltl::eventually(Ltl::always(not_enabled))
            };
            terms.push(escape.or(gf_taken));
        }
        let premise = terms.into_iter().reduce(Ltl::and).expect("at least one fair action");
        let lifted = f.map_atoms(&|a: &Atom<T::State>| {
            let p = a.predicate().clone();
            Atom::new(a.name(), move |s: &LastAction<T::State>| p(&s.state))
        });
        let property = premise.implies(lifted);
        let automaton = GeneralizedBuchi::from_ltl(&property.not());
        let search = automaton.lasso(&graph, true, &options);
        Ok(lasso_result(graph.len(), graph.truncated(), f, search, |s| inner_step(&s)))
    }
}

/// The result of a product search: the lasso as a violation (each step mapped by `step`), a
/// pass (truncated when the graph was), or the panic of a formula's atom.
fn lasso_result<S, R, F>(
    n: usize,
    truncated: bool,
    f: &Ltl<F>,
    search: LassoSearch<S>,
    step: impl Fn(Step<S>) -> Step<R>,
) -> CheckResult<R> {
    match search {
        LassoSearch::None => CheckResult::pass(n, truncated),
        LassoSearch::Lasso { trace, loop_index } => {
            // Every step of a lasso is a real transition: it stands even in a truncated graph.
            let mut r = CheckResult::fail(Kind::Ltl, n, trace.into_iter().map(step).collect());
            r.reason = Some(f.to_string());
            r.loop_index = Some(loop_index);
            r
        }
        LassoSearch::Fault { fault, trace } => fault_result(n, &fault, trace.into_iter().map(step).collect()),
    }
}

fn inner_step<S: Clone>(s: &Step<LastAction<S>>) -> Step<S> {
    Step::new(s.action.clone(), s.state.state.clone())
}

fn fault_result<S>(n: usize, fault: &crate::fault::Fault, trace: Vec<Step<S>>) -> CheckResult<S> {
    let mut r = CheckResult::fail(Kind::Panic, n, trace);
    r.invariant = fault.name.clone();
    r.reason = Some(fault.message.clone());
    r.fault = Some(fault.clone());
    r
}

/// [`Checker::check_ltl`] with the default configuration and these options (the reported
/// name and the fairness; [`LtlOptions::new`] for the defaults: name `ltl`, fairness from the
/// tags on the liveness reductions only).
pub fn check_ltl<T: System>(
    sys: &T,
    formula: &Ltl<T::State>,
    options: &LtlOptions,
) -> Result<LtlResult<T::State>, Error> {
    Checker::new(sys).check_ltl(formula, options)
}
