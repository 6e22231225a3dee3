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
//! For systems that settle over time rather than step by step, a [`ConvergenceMonitor`]
//! watches running nodes until a goal holds, and [`drive_scenarios`] drives them through the
//! model's traces, waiting at each checkpoint for the view to match the model's state.
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

/// Time as [`ConvergenceMonitor::wait`] and [`drive_scenarios`] see it: a clock to read and a
/// way to wait. [`SystemClock`] is the real one; [`VirtualClock`] lets a test wait without
/// sleeping.
pub trait Clock {
    /// Seconds since some fixed point.
    fn now(&mut self) -> f64;
    /// Wait `seconds`.
    fn sleep(&mut self, seconds: f64);
}

/// Wall-clock time: `now` from a monotonic clock, `sleep` that blocks the thread.
#[derive(Clone, Copy, Debug)]
pub struct SystemClock {
    start: std::time::Instant,
}

impl Default for SystemClock {
    fn default() -> Self {
        SystemClock { start: std::time::Instant::now() }
    }
}

impl Clock for SystemClock {
    fn now(&mut self) -> f64 {
        self.start.elapsed().as_secs_f64()
    }
    fn sleep(&mut self, seconds: f64) {
        std::thread::sleep(std::time::Duration::from_secs_f64(seconds.max(0.0)));
    }
}

/// Time that passes only when waited for: `sleep` moves `now` forward at once.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct VirtualClock {
    /// The current time, in seconds.
    pub now: f64,
}

impl Clock for VirtualClock {
    fn now(&mut self) -> f64 {
        self.now
    }
    fn sleep(&mut self, seconds: f64) {
        self.now += seconds;
    }
}

/// How long [`ConvergenceMonitor::wait`] waits and how often it looks.
#[derive(Clone, Debug, PartialEq)]
pub struct Wait {
    within: f64,
    poll: f64,
    goal_name: String,
}

impl Wait {
    /// Wait at most `seconds`, looking every half second, for a goal named `goal`.
    pub fn within(seconds: f64) -> Self {
        Wait { within: seconds, poll: 0.5, goal_name: "goal".into() }
    }

    /// Seconds between two looks.
    pub fn poll(mut self, seconds: f64) -> Self {
        self.poll = seconds;
        self
    }

    /// The goal's name, as the report shows it.
    pub fn goal_name(mut self, name: impl Into<String>) -> Self {
        self.goal_name = name.into();
        self
    }
}

/// Watches running nodes: each observed, the observations merged into one view, until a goal
/// holds or time runs out.
pub struct ConvergenceMonitor<N, O, G> {
    nodes: Vec<N>,
    observe: Box<dyn Fn(&N) -> O>,
    merge: Box<dyn Fn(Vec<O>) -> G>,
}

impl<N: Debug, O, G> Debug for ConvergenceMonitor<N, O, G> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConvergenceMonitor").field("nodes", &self.nodes).finish_non_exhaustive()
    }
}

impl<N, O, G: Debug> ConvergenceMonitor<N, O, G> {
    /// A monitor over `nodes`: `observe` reads one, `merge` joins the readings (in node order).
    pub fn new(
        nodes: Vec<N>,
        observe: impl Fn(&N) -> O + 'static,
        merge: impl Fn(Vec<O>) -> G + 'static,
    ) -> Self {
        ConvergenceMonitor { nodes, observe: Box::new(observe), merge: Box::new(merge) }
    }

    /// The merged view now.
    pub fn snapshot(&self) -> G {
        (self.merge)(self.nodes.iter().map(|n| (self.observe)(n)).collect())
    }

    /// Look until `goal` holds of the view or `wait`'s time is up: at least one look, and no
    /// sleep when the goal holds at once. Elapsed time is the clock's.
    ///
    /// ```
    /// use std::cell::Cell;
    /// use std::rc::Rc;
    /// use musil::conformance::{ConvergenceMonitor, VirtualClock, Wait};
    ///
    /// // Three views that agree from the third look on.
    /// let looks = Rc::new(Cell::new(0));
    /// let seen = looks.clone();
    /// let monitor = ConvergenceMonitor::new(
    ///     vec![0, 1, 2],
    ///     move |_: &i32| seen.get() >= 6,
    ///     move |alive: Vec<bool>| { looks.set(looks.get() + 3); alive.iter().filter(|a| **a).count() },
    /// );
    /// let mut clock = VirtualClock::default();
    /// let c = monitor.wait(|n| *n == 3, &Wait::within(5.0).poll(1.0).goal_name("all 3 alive"), &mut clock);
    /// assert_eq!(c.to_string(), "CONVERGED on 'all 3 alive' after 2.000s (3 polls)");
    /// ```
    pub fn wait(&self, goal: impl Fn(&G) -> bool, wait: &Wait, clock: &mut impl Clock) -> Convergence<G> {
        let start = clock.now();
        let deadline = start + wait.within;
        let mut polls = 0;
        loop {
            let observed = self.snapshot();
            polls += 1;
            if goal(&observed) {
                let elapsed = clock.now() - start;
                return Convergence {
                    converged: true,
                    goal: wait.goal_name.clone(),
                    elapsed,
                    polls,
                    observed,
                };
            }
            if clock.now() >= deadline {
                let elapsed = clock.now() - start;
                return Convergence {
                    converged: false,
                    goal: wait.goal_name.clone(),
                    elapsed,
                    polls,
                    observed,
                };
            }
            clock.sleep(wait.poll);
        }
    }
}

/// Whether a watched system reached its goal ([`ConvergenceMonitor::wait`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Convergence<G> {
    /// The goal held.
    pub converged: bool,
    /// The goal's name.
    pub goal: String,
    /// Seconds from the first look to the answer.
    pub elapsed: f64,
    /// Looks taken.
    pub polls: usize,
    /// The last view.
    pub observed: G,
}

impl<G: Debug> Display for Convergence<G> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use crate::kits::repr::Repr;
        let goal = self.goal.repr();
        if self.converged {
            write!(f, "CONVERGED on {goal} after {:.3}s ({} polls)", self.elapsed, self.polls)
        } else {
            write!(
                f,
                "DID NOT CONVERGE on {goal} within {:.3}s ({} polls)\n  last observed: {:?}",
                self.elapsed, self.polls, self.observed
            )
        }
    }
}

/// Panic with the report (after `message`, when given) unless the system converged.
///
/// # Panics
/// When `result` did not converge.
pub fn assert_converged<G: Debug>(result: &Convergence<G>, message: Option<&str>) {
    if !result.converged {
        match message {
            Some(m) => panic!("{m}\n{result}"),
            None => panic!("{result}"),
        }
    }
}

/// How [`drive_scenarios`] drives: how long each checkpoint may take to settle, how often to
/// look, what to do before each trace, and which steps to check.
pub struct Scenarios<'a, S> {
    wait: Wait,
    reset: Option<Box<dyn FnMut() + 'a>>,
    checkpoint: StepTest<'a, S>,
}

/// Which steps [`drive_scenarios`] checks.
type StepTest<'a, S> = Box<dyn Fn(&Step<S>) -> bool + 'a>;

impl<S> Debug for Scenarios<'_, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Scenarios").field("wait", &self.wait).finish_non_exhaustive()
    }
}

impl<'a, S> Scenarios<'a, S> {
    /// Each checkpoint may take `seconds` to settle, looked at every half second; every step
    /// is a checkpoint; nothing is reset between traces.
    pub fn within(seconds: f64) -> Self {
        Scenarios { wait: Wait::within(seconds), reset: None, checkpoint: Box::new(|_| true) }
    }

    /// Seconds between two looks.
    pub fn poll(mut self, seconds: f64) -> Self {
        self.wait = self.wait.poll(seconds);
        self
    }

    /// Called once before each (non-empty) trace.
    pub fn reset(mut self, reset: impl FnMut() + 'a) -> Self {
        self.reset = Some(Box::new(reset));
        self
    }

    /// Which steps are checked; the others' actions are applied and not waited for.
    pub fn checkpoint(mut self, checkpoint: impl Fn(&Step<S>) -> bool + 'a) -> Self {
        self.checkpoint = Box::new(checkpoint);
        self
    }
}

/// Where a driven scenario did not settle.
#[derive(Clone, Debug, PartialEq)]
pub struct Checkpoint<S, G> {
    /// Which trace (from 0, empty traces counted in the index).
    pub trace_index: usize,
    /// Which step of it.
    pub step_index: usize,
    /// The step's action.
    pub action: String,
    /// The model's state there.
    pub expected: S,
    /// What the monitor saw.
    pub convergence: Convergence<G>,
}

/// The outcome of [`drive_scenarios`].
#[derive(Clone, Debug, PartialEq)]
pub struct ScenarioResult<S, G> {
    /// Every checkpoint settled.
    pub ok: bool,
    /// Non-empty traces driven.
    pub traces_run: usize,
    /// Checkpoints waited for, the failing one included.
    pub checkpoints: usize,
    /// The first checkpoint that did not settle.
    pub failure: Option<Checkpoint<S, G>>,
}

impl<S: Debug, G: Debug> Display for ScenarioResult<S, G> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(c) = &self.failure else {
            return write!(
                f,
                "ALL CONVERGED -- {} traces, {} checkpoints, every one settled",
                self.traces_run, self.checkpoints
            );
        };
        writeln!(
            f,
            "DID NOT CONVERGE in trace {} at step {} after '{}':",
            c.trace_index, c.step_index, c.action
        )?;
        writeln!(f, "  model expected: {:?}", c.expected)?;
        writeln!(f, "  {}", c.convergence)?;
        write!(f, "({} traces, {} checkpoints run)", self.traces_run, self.checkpoints)
    }
}

/// Drive a running system through the model's traces: before each non-empty trace, reset;
/// at each step after the first, apply its action to the system; at each checkpoint, wait
/// until `matches(view, model state)` holds of the monitor's view. The first checkpoint that
/// does not settle in time ends the drive.
pub fn drive_scenarios<N, O, G: Debug, S: State>(
    traces: &[Vec<Step<S>>],
    monitor: &ConvergenceMonitor<N, O, G>,
    mut apply_action: impl FnMut(&str),
    matches: impl Fn(&G, &S) -> bool,
    scenarios: &mut Scenarios<'_, S>,
    clock: &mut impl Clock,
) -> ScenarioResult<S, G> {
    let mut out = ScenarioResult { ok: true, traces_run: 0, checkpoints: 0, failure: None };
    for (ti, trace) in traces.iter().enumerate() {
        if trace.is_empty() {
            continue;
        }
        out.traces_run += 1;
        if let Some(reset) = scenarios.reset.as_mut() {
            reset();
        }
        for (si, step) in trace.iter().enumerate() {
            if si > 0 {
                apply_action(&step.action);
            }
            if !(scenarios.checkpoint)(step) {
                continue;
            }
            let wait = scenarios.wait.clone().goal_name(format!("{:?}", step.state));
            let conv = monitor.wait(|g| matches(g, &step.state), &wait, clock);
            out.checkpoints += 1;
            if !conv.converged {
                out.ok = false;
                out.failure = Some(Checkpoint {
                    trace_index: ti,
                    step_index: si,
                    action: step.action.clone(),
                    expected: step.state.clone(),
                    convergence: conv,
                });
                return out;
            }
        }
    }
    out
}

/// Panic with the report (after `message`, when given) unless every checkpoint settled.
///
/// # Panics
/// When a checkpoint did not settle.
pub fn assert_scenarios<S: Debug, G: Debug>(result: &ScenarioResult<S, G>, message: Option<&str>) {
    if !result.ok {
        match message {
            Some(m) => panic!("{m}\n{result}"),
            None => panic!("{result}"),
        }
    }
}
