//! Conformance: the model's runs replayed against an implementation, and an implementation's
//! own log replayed against the model, each stopping at the first place they part.
//!
//! Both directions compare states through a projection of the implementation's state onto the
//! model's state type:
//! - [`generate_traces`] turns an explored graph into test traces (one per edge, or one per
//!   state), and [`replay`] drives an implementation through each trace with a step function,
//!   comparing the projected state after every step ([`replay_async`] when the step function
//!   is async; it needs no particular runtime);
//! - [`replay_log`] reads what an implementation did (each action it took and the state it
//!   then observed) and asks whether the model allows it: the first entry an initial state,
//!   every later one the successor of the one before by an action of that name.
//!
//! Either way the answer is a [`ConformanceResult`], with the first [`Divergence`] if any.
//!
//! ```
//! use musil::Model;
//! use musil::conformance::{Cover, generate_traces, replay};
//! use musil::graph::explore;
//!
//! let light = Model::new("red")
//!     .action("go", |c| *c == "red", |_| "green")
//!     .action("slow", |c| *c == "green", |_| "yellow")
//!     .action("stop", |c| *c == "yellow", |_| "red");
//! let traces = generate_traces(&explore(&light), Cover::Edges, 100_000);
//! assert_eq!(traces.iter().map(Vec::len).collect::<Vec<_>>(), [2, 3, 4]);
//!
//! // An implementation that jumps from red straight to yellow.
//! let buggy = |_now: String, action: &str| match action {
//!     "go" => "yellow".to_string(),
//!     "slow" => "yellow".to_string(),
//!     _ => "red".to_string(),
//! };
//! let r = replay(&traces, &"red".to_string(), buggy, |c: &String| -> &'static str {
//!     match c.as_str() { "red" => "red", "green" => "green", _ => "yellow" }
//! });
//! assert!(!r.ok);
//! assert_eq!(r.to_string().lines().next(), Some("DIVERGENCE in trace 0 at step 1 after 'go':"));
//! ```

use std::fmt::{self, Debug, Display};
use std::future::Future;

use crate::engine::StateId;
use crate::graph::{Graph, breadth_first};
use crate::model::Model;
use crate::result::Step;
use crate::system::State;

/// What the generated traces cover ([`generate_traces`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Cover {
    /// One trace per edge: the path to its source, then the edge (self-loops and parallel
    /// edges included). A graph with no edge gives no trace.
    Edges,
    /// One trace per state: the path to it.
    States,
}

/// Test traces from an explored graph, at most `max_traces`: each starts with `<init>` and
/// follows the breadth-first tree (the first path that reaches each state, edges in order),
/// states taken in discovery order.
pub fn generate_traces<S: State>(graph: &Graph<S>, cover: Cover, max_traces: usize) -> Vec<Vec<Step<S>>> {
    let (tree, _) = breadth_first(graph, graph.initial().iter().copied(), None, |_| false);
    let path = |to: StateId| -> Vec<Step<S>> {
        let (steps, root) = tree.path(to);
        std::iter::once(Step::new("<init>", graph.state(root).clone()))
            .chain(steps.into_iter().map(|(a, s)| Step::new(graph.action_name(a), graph.state(s).clone())))
            .collect()
    };
    let mut traces = Vec::new();
    for &s in tree.order() {
        if traces.len() >= max_traces {
            break;
        }
        match cover {
            Cover::States => traces.push(path(s)),
            Cover::Edges => {
                for &(a, t) in graph.edges(s) {
                    if traces.len() >= max_traces {
                        break;
                    }
                    let mut trace = path(s);
                    trace.push(Step::new(graph.action_name(a), graph.state(t).clone()));
                    traces.push(trace);
                }
            }
        }
    }
    traces
}

/// Where a replay parted from the model.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Divergence<S> {
    /// Which trace (from 0).
    pub trace_index: usize,
    /// Which step of it (0 is `<init>`).
    pub step_index: usize,
    /// The step's action (`<init>` at step 0).
    pub action: String,
    /// The state the model has there; `None` when the model has no such step (a log entry
    /// whose action the model does not enable at the state before it).
    pub expected: Option<S>,
    /// The implementation's state there, projected onto the model's state type.
    pub actual: S,
}

/// The outcome of a replay: whether every step agreed, how much ran, and where it parted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConformanceResult<S> {
    /// No divergence.
    pub ok: bool,
    /// Traces started (an empty trace counts, and is then skipped).
    pub traces_run: usize,
    /// Steps taken after `<init>`, the diverging one included.
    pub steps_run: usize,
    /// The first divergence.
    pub divergence: Option<Divergence<S>>,
}

impl<S: Debug> Display for ConformanceResult<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(d) = &self.divergence else {
            return write!(
                f,
                "CONFORMS -- {} traces, {} steps, no divergence",
                self.traces_run, self.steps_run
            );
        };
        writeln!(f, "DIVERGENCE in trace {} at step {} after '{}':", d.trace_index, d.step_index, d.action)?;
        match &d.expected {
            Some(e) => writeln!(f, "  model expected: {e:?}")?,
            None => writeln!(f, "  model expected: no '{}' step from the state before", d.action)?,
        }
        writeln!(f, "  implementation: {:?}", d.actual)?;
        write!(f, "({} traces, {} steps run)", self.traces_run, self.steps_run)
    }
}

/// Drive an implementation through each trace and compare, after every step, its state
/// projected onto the model's state type with the trace's. Each trace starts from a clone of
/// `start`; `step(real, action)` takes the implementation one step; the first divergence ends
/// the replay (see the module example).
pub fn replay<S: State, R: Clone>(
    traces: &[Vec<Step<S>>],
    start: &R,
    mut step: impl FnMut(R, &str) -> R,
    project: impl Fn(&R) -> S,
) -> ConformanceResult<S> {
    let mut out = ConformanceResult { ok: true, traces_run: 0, steps_run: 0, divergence: None };
    for (ti, trace) in traces.iter().enumerate() {
        out.traces_run += 1;
        let Some(first) = trace.first() else { continue };
        let mut real = start.clone();
        if let Some(d) = differs(ti, 0, first, project(&real)) {
            return out.diverged(d);
        }
        for (si, s) in trace.iter().enumerate().skip(1) {
            real = step(real, &s.action);
            out.steps_run += 1;
            if let Some(d) = differs(ti, si, s, project(&real)) {
                return out.diverged(d);
            }
        }
    }
    out
}

/// [`replay`] for an implementation driven by an `async` step function: the same indices,
/// counts and divergence. It only awaits the caller's futures, so it runs on whatever executor
/// the caller uses.
///
/// ```
/// use musil::conformance::replay_async;
/// use musil::result::Step;
///
/// let traces = vec![vec![Step::new("<init>", 0u8), Step::new("inc", 1)]];
/// let run = replay_async(&traces, &0u8, |n, _action| async move { n + 1 }, |n| *n);
/// // Any executor drives it; this future never waits, so one poll finishes it.
/// let mut run = std::pin::pin!(run);
/// let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
/// let std::task::Poll::Ready(r) = run.as_mut().poll(&mut cx) else { unreachable!() };
/// assert!(r.ok);
/// ```
pub async fn replay_async<S: State, R: Clone, F: Future<Output = R>>(
    traces: &[Vec<Step<S>>],
    start: &R,
    mut step: impl FnMut(R, &str) -> F,
    project: impl Fn(&R) -> S,
) -> ConformanceResult<S> {
    let mut out = ConformanceResult { ok: true, traces_run: 0, steps_run: 0, divergence: None };
    for (ti, trace) in traces.iter().enumerate() {
        out.traces_run += 1;
        let Some(first) = trace.first() else { continue };
        let mut real = start.clone();
        if let Some(d) = differs(ti, 0, first, project(&real)) {
            return out.diverged(d);
        }
        for (si, s) in trace.iter().enumerate().skip(1) {
            real = step(real, &s.action).await;
            out.steps_run += 1;
            if let Some(d) = differs(ti, si, s, project(&real)) {
                return out.diverged(d);
            }
        }
    }
    out
}

/// Check an implementation's own log against the model: `log` is what it did, as (action,
/// state observed after it, projected onto the model's state type), its first entry the state
/// it started in (the action there is not read; `<init>` by convention). The first state must
/// be one of the model's initial states, and every later one must be what the model's action
/// of that name gives from the state before. The report is the same as [`replay`]'s, with one
/// trace: a divergence's `expected` is the model's state, or `None` when the model has no
/// enabled action of that name there.
///
/// ```
/// use musil::Model;
/// use musil::conformance::replay_log;
///
/// let counter = Model::new(0u8).action("inc", |n| *n < 2, |n| n + 1).action("reset", |_| true, |_| 0);
/// let good = [("<init>", 0u8), ("inc", 1), ("inc", 2), ("reset", 0)];
/// assert!(replay_log(&counter, &good).ok);
/// let bad = [("<init>", 0u8), ("inc", 1), ("inc", 3)];
/// let r = replay_log(&counter, &bad);
/// let d = r.divergence.unwrap();
/// assert_eq!((d.step_index, d.expected, d.actual), (2, Some(2), 3));
/// let jumped = replay_log(&counter, &[("<init>", 0u8), ("inc", 1), ("inc", 2), ("inc", 3)]);
/// assert_eq!(jumped.divergence.unwrap().expected, None); // inc is not enabled at 2
/// ```
pub fn replay_log<S: State>(model: &Model<S>, log: &[(impl AsRef<str>, S)]) -> ConformanceResult<S> {
    let mut out = ConformanceResult { ok: true, traces_run: 1, steps_run: 0, divergence: None };
    let Some((_, first)) = log.first() else { return out };
    if !model.initial().contains(first) {
        let expected = model.initial().first().cloned();
        let d = Divergence {
            trace_index: 0,
            step_index: 0,
            action: "<init>".into(),
            expected,
            actual: first.clone(),
        };
        return out.diverged(d);
    }
    let mut before = first;
    for (si, (action, observed)) in log.iter().enumerate().skip(1) {
        out.steps_run += 1;
        let action = action.as_ref();
        let menu = model.menu_of(before);
        let statics = if menu.is_none() { model.static_action_list() } else { Vec::new() };
        let offered: Vec<&crate::model::Action<S>> = match &menu {
            Some(m) => m.iter().collect(),
            None => statics,
        };
        let nexts: Vec<S> = offered
            .iter()
            .filter(|a| a.name() == action && a.is_enabled(before))
            .map(|a| a.apply(before))
            .collect();
        if !nexts.contains(observed) {
            let d = Divergence {
                trace_index: 0,
                step_index: si,
                action: action.to_string(),
                expected: nexts.into_iter().next(),
                actual: observed.clone(),
            };
            return out.diverged(d);
        }
        before = observed;
    }
    out
}

impl<S> ConformanceResult<S> {
    fn diverged(mut self, d: Divergence<S>) -> Self {
        self.ok = false;
        self.divergence = Some(d);
        self
    }
}

fn differs<S: State>(ti: usize, si: usize, step: &Step<S>, actual: S) -> Option<Divergence<S>> {
    (actual != step.state).then(|| Divergence {
        trace_index: ti,
        step_index: si,
        action: step.action.clone(),
        expected: Some(step.state.clone()),
        actual,
    })
}
