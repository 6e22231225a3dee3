//! The discrete-event simulator: a virtual clock, a queue of deliveries, timers and restarts,
//! the network model and the fault schedule, all driven by one seeded generator.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::fmt;
use std::ops::ControlFlow;
use std::rc::Rc;

use super::faults::FaultSchedule;
use super::network::NetworkModel;
use super::node::{Context, Nodes};
use super::random::{CpythonRandom, SimRng};
use crate::model::schema::python_str_repr;

/// The default step cap of a run.
pub const DEFAULT_MAX_STEPS: u64 = 10_000;

/// Why a run stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StopReason {
    /// The event queue drained.
    Quiescent,
    /// The observer (or `until` predicate) asked to stop.
    Until,
    /// The step cap was reached.
    MaxSteps,
}

impl fmt::Display for StopReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            StopReason::Quiescent => "quiescent",
            StopReason::Until => "until",
            StopReason::MaxSteps => "max-steps",
        })
    }
}

/// The outcome of [`Simulator::run`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RunResult {
    /// Events processed (deliveries, live timers and restarts; skipped events do not count).
    pub steps: u64,
    /// The due time of the last event processed.
    pub time: i64,
    /// Messages delivered to a handler.
    pub delivered: u64,
    /// Messages dropped: partition cuts, losses, `mutate` drops and arrivals at down nodes.
    pub dropped: u64,
    /// Why the run stopped.
    pub reason: StopReason,
}

/// Which handler of a node was running.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Handler {
    /// `on_start`.
    Start,
    /// `on_message`.
    Message,
    /// `on_timer`.
    Timer,
}

impl fmt::Display for Handler {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Handler::Start => "on_start",
            Handler::Message => "on_message",
            Handler::Timer => "on_timer",
        })
    }
}

/// What went wrong in a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SimErrorKind {
    /// A send (or timer, or crash) named a node the run does not have.
    UnknownNode,
    /// The network's latency range is empty (`min > max`).
    EmptyRange,
    /// A node's handler panicked.
    Panic,
    /// A cold restart's `rebuild` did not build the restarting node.
    Rebuild,
}

/// A run that could not go on: refused input met during the run, or a node handler's panic.
/// Its text names what was wrong, and where: the node, the handler, the step and the seed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SimError {
    kind: SimErrorKind,
    message: String,
    node: Option<String>,
    handler: Option<Handler>,
    step: Option<u64>,
    seed: Option<u64>,
}

impl SimError {
    fn new(kind: SimErrorKind, message: String) -> Self {
        SimError { kind, message, node: None, handler: None, step: None, seed: None }
    }

    pub(crate) fn with_seed(mut self, seed: u64) -> Self {
        self.seed = Some(seed);
        self
    }

    /// What went wrong.
    pub fn kind(&self) -> SimErrorKind {
        self.kind
    }

    /// The bare message: CPython's wording for refused input (`send to unknown node 'zz'
    /// (known: ['a', 'b'])`, `empty range in randrange(3, 2)`), the panic's own message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The node whose handler was running, if one was.
    pub fn node(&self) -> Option<&str> {
        self.node.as_deref()
    }

    /// The handler that was running, if one was.
    pub fn handler(&self) -> Option<Handler> {
        self.handler
    }

    /// The step being processed (0 while the nodes start), if known.
    pub fn step(&self) -> Option<u64> {
        self.step
    }

    /// The seed of the run (from [`simulate`](super::simulate)).
    pub fn seed(&self) -> Option<u64> {
        self.seed
    }
}

impl fmt::Display for SimError {
    /// `node 'b' panicked in on_message at step 1 on seed 3: {message}`, `in on_start of node
    /// 'a' at step 0: {message}`, or the bare message when no handler was running.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut wrote = false;
        if let (Some(node), Some(h)) = (&self.node, self.handler) {
            if self.kind == SimErrorKind::Panic {
                write!(f, "node {} panicked in {h}", PyStr(node))?;
            } else {
                write!(f, "in {h} of node {}", PyStr(node))?;
            }
            wrote = true;
        }
        if let Some(step) = self.step {
            write!(f, "{}at step {step}", if wrote { " " } else { "" })?;
            wrote = true;
        }
        if let Some(seed) = self.seed {
            write!(f, "{}on seed {seed}", if wrote { " " } else { "" })?;
            wrote = true;
        }
        if wrote {
            f.write_str(": ")?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for SimError {}

/// A string written as Python's `repr` writes it.
pub(crate) struct PyStr<'a>(pub &'a str);

impl fmt::Display for PyStr<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        python_str_repr(self.0, f)
    }
}

fn py_list(names: &[String]) -> String {
    let items: Vec<String> = names.iter().map(|n| PyStr(n).to_string()).collect();
    format!("[{}]", items.join(", "))
}

pub(crate) enum Event<M> {
    Deliver { src: String, dst: usize, payload: M },
    Timer { node: usize, name: String },
    Restart { node: usize },
}

/// Everything but the nodes: what a [`Context`] reaches.
pub(crate) struct Core<M> {
    pub(crate) rng: Box<dyn SimRng>,
    network: NetworkModel<M>,
    faults: Option<FaultSchedule>,
    pub(crate) now: i64,
    counter: u64,
    delivered: u64,
    dropped: u64,
    queue: BinaryHeap<Reverse<(i64, u64)>>,
    events: HashMap<u64, Event<M>>,
    timers: HashMap<(usize, String), u64>,
    /// A send's error, raised once the handler returns.
    pub(crate) error: Option<SimError>,
}

impl<M: Clone + 'static> Core<M> {
    fn schedule(&mut self, due: i64, event: Event<M>) -> u64 {
        self.counter += 1;
        let seq = self.counter;
        self.events.insert(seq, event);
        self.queue.push(Reverse((due, seq)));
        seq
    }

    pub(crate) fn inject(
        &mut self,
        names: &[String],
        src: &str,
        dst: &str,
        payload: M,
    ) -> Result<(), SimError> {
        let Ok(d) = names.binary_search_by(|n| n.as_str().cmp(dst)) else {
            return Err(SimError::new(
                SimErrorKind::UnknownNode,
                format!("send to unknown node {} (known: {})", PyStr(dst), py_list(names)),
            ));
        };
        if self.faults.as_ref().is_some_and(|f| f.link_cut(src, dst, self.now)) {
            self.dropped += 1;
            return Ok(());
        }
        let net = &self.network;
        if net.get_loss() > 0.0 && self.rng.random() < net.get_loss() {
            self.dropped += 1;
            return Ok(());
        }
        let payload = match net.mutator() {
            Some(mutate) => match mutate(src, dst, payload) {
                Some(p) => p,
                None => {
                    self.dropped += 1;
                    return Ok(());
                }
            },
            None => payload,
        };
        let (min, max) = net.get_latency();
        let duplicate = net.get_duplicate();
        let empty = |e: super::random::EmptyRange| SimError::new(SimErrorKind::EmptyRange, e.to_string());
        let latency = self.rng.try_randint(min, max).map_err(empty)?;
        let copy = (duplicate > 0.0).then(|| payload.clone());
        self.schedule(self.now + latency, Event::Deliver { src: src.to_owned(), dst: d, payload });
        if let Some(payload) = copy {
            if self.rng.random() < duplicate {
                let latency = self.rng.try_randint(min, max).map_err(empty)?;
                self.schedule(self.now + latency, Event::Deliver { src: src.to_owned(), dst: d, payload });
            }
        }
        Ok(())
    }

    pub(crate) fn schedule_timer(&mut self, node: usize, name: &str, delay: i64) {
        let seq = self.schedule(self.now + delay.max(1), Event::Timer { node, name: name.to_owned() });
        self.timers.insert((node, name.to_owned()), seq);
    }

    pub(crate) fn cancel_timer(&mut self, node: usize, name: &str) {
        self.timers.remove(&(node, name.to_owned()));
    }

    fn down(&self, name: &str, t: i64) -> bool {
        self.faults.as_ref().is_some_and(|f| f.node_down(name, t))
    }
}

/// Runs a fixed set of named nodes under a virtual clock, a network model and an optional
/// fault schedule. The same nodes, seed, network and faults always give the same run.
///
/// **Scheduling.** Every event (a delivery, a timer, a restart) gets the next sequence number;
/// the queue pops the smallest `(due, seq)`, so events due at the same time run in the order
/// they were scheduled, and reordering comes only from latency spread.
///
/// **A run** ([`run`](Simulator::run)): each node not down at time 0 starts, in ascending name
/// order; a restart event is scheduled at the end of every crash, in order; the observer sees
/// the started world (and may stop the run there, with 0 steps). Then, until the queue drains
/// (`quiescent`) or the step cap is reached (checked before each pop, `max-steps`): a timer that
/// was re-armed or cancelled since is skipped, one due while its node is down is lost; a
/// restart boots the node (below); a delivery to a node down at arrival counts as dropped and
/// is skipped; anything else advances the clock, runs the handler and is one step, after which
/// the observer runs and may stop the run (`until`).
///
/// **Restarts.** At the end of a crash window the node restarts: if the first crash of that node
/// ending then is cold and a `rebuild` factory is set, the whole factory runs again and its
/// instance of the node replaces the old one, which then boots (`on_start`); a warm restart,
/// or a cold one without `rebuild`, only boots a node that never started. Timers belong to the
/// node's name, so a timer armed before a cold restart fires on the new instance.
///
/// ```
/// use musil::sim::{Context, Node, Nodes, Simulator, StopReason};
///
/// struct Ping;
/// impl Node<&'static str> for Ping {
///     fn on_start(&mut self, ctx: &mut Context<'_, &'static str>) { ctx.send("pong", "ping") }
/// }
/// #[derive(Default)]
/// struct Pong { pings: u32 }
/// impl Node<&'static str> for Pong {
///     fn on_message(&mut self, ctx: &mut Context<'_, &'static str>, src: &str, _: &&'static str) {
///         self.pings += 1;
///         ctx.send(src, "pong");
///     }
/// }
/// let mut sim = Simulator::new(Nodes::new().node("ping", Ping).node("pong", Pong::default())).seed(1);
/// let r = sim.run().unwrap();
/// assert_eq!((r.steps, r.time, r.delivered, r.dropped, r.reason), (2, 2, 2, 0, StopReason::Quiescent));
/// assert_eq!(sim.nodes().get::<Pong>("pong").unwrap().pings, 1);
/// ```
pub struct Simulator<M> {
    nodes: Nodes<M>,
    core: Core<M>,
    rebuild: Option<Rc<dyn Fn() -> Nodes<M>>>,
    started: Vec<bool>,
    max_steps: u64,
    steps: u64,
}

impl<M> fmt::Debug for Simulator<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Simulator")
            .field("nodes", &self.nodes)
            .field("now", &self.core.now)
            .field("delivered", &self.core.delivered)
            .field("dropped", &self.core.dropped)
            .finish_non_exhaustive()
    }
}

impl<M: Clone + 'static> Simulator<M> {
    /// A simulator over `nodes`, seed 0, a reliable network, no faults.
    pub fn new(nodes: Nodes<M>) -> Self {
        let n = nodes.len();
        Simulator {
            nodes,
            core: Core {
                rng: Box::new(CpythonRandom::new(0)),
                network: NetworkModel::default(),
                faults: None,
                now: 0,
                counter: 0,
                delivered: 0,
                dropped: 0,
                queue: BinaryHeap::new(),
                events: HashMap::new(),
                timers: HashMap::new(),
                error: None,
            },
            rebuild: None,
            started: vec![false; n],
            max_steps: DEFAULT_MAX_STEPS,
            steps: 0,
        }
    }

    /// Draw from CPython's `random.Random(seed)` (the default is seed 0).
    #[must_use]
    pub fn seed(self, seed: u64) -> Self {
        self.rng(CpythonRandom::new(seed))
    }

    /// Draw from another generator.
    #[must_use]
    pub fn rng(mut self, rng: impl SimRng + 'static) -> Self {
        self.core.rng = Box::new(rng);
        self
    }

    pub(crate) fn boxed_rng(mut self, rng: Box<dyn SimRng>) -> Self {
        self.core.rng = rng;
        self
    }

    /// The network model (default: reliable, latency 1).
    #[must_use]
    pub fn network(mut self, network: NetworkModel<M>) -> Self {
        self.core.network = network;
        self
    }

    /// The fault schedule (partitions judged at send time, crashes at arrival time).
    #[must_use]
    pub fn faults(mut self, faults: FaultSchedule) -> Self {
        self.core.faults = Some(faults);
        self
    }

    /// The factory a cold restart rebuilds from: the whole factory runs again and the
    /// restarting node's new instance is kept. Without it a cold restart acts warm.
    #[must_use]
    pub fn rebuild(self, factory: impl Fn() -> Nodes<M> + 'static) -> Self {
        self.rebuild_rc(Rc::new(factory))
    }

    pub(crate) fn rebuild_rc(mut self, factory: Rc<dyn Fn() -> Nodes<M>>) -> Self {
        self.rebuild = Some(factory);
        self
    }

    /// The step cap of a run (default [`DEFAULT_MAX_STEPS`]).
    #[must_use]
    pub fn max_steps(mut self, max_steps: u64) -> Self {
        self.max_steps = max_steps;
        self
    }

    /// The live nodes (a cold restart swaps an instance in).
    pub fn nodes(&self) -> &Nodes<M> {
        &self.nodes
    }

    /// The virtual time.
    pub fn now(&self) -> i64 {
        self.core.now
    }

    /// Messages delivered so far.
    pub fn delivered(&self) -> u64 {
        self.core.delivered
    }

    /// Messages dropped so far.
    pub fn dropped(&self) -> u64 {
        self.core.dropped
    }

    /// Steps processed so far in the current run.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// A float in `[0, 1)` from the run's generator.
    pub fn random(&mut self) -> f64 {
        self.core.rng.random()
    }

    /// An integer in `[a, b]` from the run's generator (see [`SimRng::randint`]).
    pub fn randint(&mut self, a: i64, b: i64) -> i64 {
        self.core.rng.randint(a, b)
    }

    /// Send `payload` from `src` (any name, a node or not) to `dst`. In order:
    /// 1. `dst` must be a node, else an error `send to unknown node 'zz' (known: ['a', 'b'])`
    ///    (no draw);
    /// 2. a partition cutting `src → dst` now drops it (no draw);
    /// 3. if `loss > 0`, draw `u = random()`; `u < loss` drops it;
    /// 4. `mutate`, if set, replaces the payload; `None` drops it;
    /// 5. draw the latency `randint(min, max)`, even when `min == max` (an empty range is an
    ///    error `empty range in randrange(min, max+1)`), and schedule the delivery;
    /// 6. if `duplicate > 0`, draw `v = random()`; `v < duplicate` draws a second latency and
    ///    schedules the same payload again.
    pub fn inject(&mut self, src: &str, dst: &str, payload: impl Into<M>) -> Result<(), SimError> {
        self.core.inject(&self.nodes.names, src, dst, payload.into())
    }

    /// Arm (or re-arm) `node`'s timer `name`, due `max(delay, 1)` ticks from now.
    pub fn schedule_timer(&mut self, node: &str, name: &str, delay: i64) -> Result<(), SimError> {
        let i = self.node_index(node)?;
        self.core.schedule_timer(i, name, delay);
        Ok(())
    }

    /// Cancel `node`'s timer `name` (nothing if it is not armed).
    pub fn cancel_timer(&mut self, node: &str, name: &str) {
        if let Some(i) = self.nodes.index(node) {
            self.core.cancel_timer(i, name);
        }
    }

    fn node_index(&self, node: &str) -> Result<usize, SimError> {
        self.nodes.index(node).ok_or_else(|| {
            SimError::new(
                SimErrorKind::UnknownNode,
                format!("unknown node {} (known: {})", PyStr(node), py_list(&self.nodes.names)),
            )
        })
    }

    /// Run to quiescence or the step cap.
    pub fn run(&mut self) -> Result<RunResult, SimError> {
        self.run_observed(|_| ControlFlow::Continue(()))
    }

    /// Run until `until(sim)` holds (judged after the nodes start and after every step), to
    /// quiescence, or to the step cap.
    pub fn run_until(&mut self, mut until: impl FnMut(&Simulator<M>) -> bool) -> Result<RunResult, SimError> {
        self.run_observed(|sim| if until(sim) { ControlFlow::Break(()) } else { ControlFlow::Continue(()) })
    }

    /// Run with an observer called once after the nodes start and once after every step;
    /// `Break` stops the run (reason [`StopReason::Until`]). Calling a run twice starts the
    /// nodes again; don't rely on it.
    pub fn run_observed(
        &mut self,
        mut observer: impl FnMut(&Simulator<M>) -> ControlFlow<()>,
    ) -> Result<RunResult, SimError> {
        if let Some(faults) = &self.core.faults {
            for c in &faults.crashes {
                self.node_index(&c.node)
                    .map_err(|e| SimError { message: format!("crash of {}", e.message), ..e })?;
            }
        }
        self.steps = 0;
        for i in 0..self.nodes.len() {
            if self.core.down(&self.nodes.names[i], 0) {
                continue;
            }
            self.call(i, 0, Incoming::Start)?;
            self.started[i] = true;
        }
        if let Some(faults) = self.core.faults.clone() {
            for c in &faults.crashes {
                let node = self.node_index(&c.node)?;
                self.core.schedule(c.end, Event::Restart { node });
            }
        }
        if observer(self).is_break() {
            return Ok(self.result(StopReason::Until));
        }
        loop {
            if self.core.queue.is_empty() {
                return Ok(self.result(StopReason::Quiescent));
            }
            if self.steps >= self.max_steps {
                return Ok(self.result(StopReason::MaxSteps));
            }
            let Some(Reverse((due, seq))) = self.core.queue.pop() else { unreachable!() };
            let Some(event) = self.core.events.remove(&seq) else { continue };
            match event {
                Event::Timer { node, name } => {
                    let key = (node, name);
                    if self.core.timers.get(&key) != Some(&seq) {
                        continue;
                    }
                    self.core.timers.remove(&key);
                    if self.core.down(&self.nodes.names[node], due) {
                        continue;
                    }
                    self.core.now = due;
                    self.call(node, self.steps + 1, Incoming::Timer(&key.1))?;
                }
                Event::Restart { node } => {
                    self.core.now = due;
                    self.restart(node, due)?;
                }
                Event::Deliver { src, dst, payload } => {
                    if self.core.down(&self.nodes.names[dst], due) {
                        self.core.dropped += 1;
                        continue;
                    }
                    self.core.now = due;
                    self.core.delivered += 1;
                    self.call(dst, self.steps + 1, Incoming::Message(&src, &payload))?;
                }
            }
            self.steps += 1;
            if observer(self).is_break() {
                return Ok(self.result(StopReason::Until));
            }
        }
    }

    fn result(&self, reason: StopReason) -> RunResult {
        RunResult {
            steps: self.steps,
            time: self.core.now,
            delivered: self.core.delivered,
            dropped: self.core.dropped,
            reason,
        }
    }

    fn restart(&mut self, node: usize, t: i64) -> Result<(), SimError> {
        let name = self.nodes.names[node].clone();
        let cold =
            self.core.faults.as_ref().and_then(|f| f.crash_ending_at(&name, t)).is_some_and(|c| c.lose_state);
        if let (true, Some(rebuild)) = (cold, self.rebuild.clone()) {
            let mut fresh = rebuild();
            let Some(instance) = fresh.remove(&name) else {
                let mut e = SimError::new(
                    SimErrorKind::Rebuild,
                    format!("cold restart of {}: the rebuilt nodes have no such node", PyStr(&name)),
                );
                e.step = Some(self.steps + 1);
                return Err(e);
            };
            self.nodes.nodes[node] = instance;
            self.started[node] = false;
        }
        if !self.started[node] {
            self.call(node, self.steps + 1, Incoming::Start)?;
            self.started[node] = true;
        }
        Ok(())
    }

    /// Run one handler of node `i`, turning its panic or a send's error into a [`SimError`].
    fn call(&mut self, i: usize, step: u64, incoming: Incoming<'_, M>) -> Result<(), SimError> {
        let Simulator { nodes, core, .. } = self;
        let handler = match incoming {
            Incoming::Start => Handler::Start,
            Incoming::Message(..) => Handler::Message,
            Incoming::Timer(_) => Handler::Timer,
        };
        let node = &mut nodes.nodes[i];
        let mut ctx = Context { core, names: &nodes.names, node: i };
        let outcome = crate::fault::catch(|| match incoming {
            Incoming::Start => node.on_start(&mut ctx),
            Incoming::Message(src, payload) => node.on_message(&mut ctx, src, payload),
            Incoming::Timer(name) => node.on_timer(&mut ctx, name),
        });
        let error = match outcome {
            Ok(()) => self.core.error.take(),
            Err(payload) => {
                self.core.error = None;
                Some(SimError::new(SimErrorKind::Panic, crate::fault::message(&*payload)))
            }
        };
        match error {
            None => Ok(()),
            Some(mut e) => {
                e.node = Some(self.nodes.names[i].clone());
                e.handler = Some(handler);
                e.step = Some(step);
                Err(e)
            }
        }
    }
}

enum Incoming<'a, M> {
    Start,
    Message(&'a str, &'a M),
    Timer(&'a str),
}
