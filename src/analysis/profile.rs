//! Where a check spends its time: per phase of the search and per action.
//!
//! [`profile`] runs the engine over the whole reachable space (it does not stop at a
//! violation) with every piece of user code timed: invariants, the action list (a per-state
//! menu), each action's guard and effect, and canonicalisation; what is left of the wall time
//! is the engine's own work, the visited set and the queue, reported as `visited-set`. The
//! seconds vary from run to run; the call counts do not.
//!
//! ```
//! use musil::Model;
//! use musil::profile::profile;
//!
//! let m = Model::new(0u8)
//!     .action("inc", |n| *n < 5, |n| n + 1)
//!     .action("noop", |_| true, |n| *n)
//!     .invariant("small", |n| *n <= 5);
//! let p = profile(&m);
//! assert_eq!(p.states_explored, 6);
//! let calls: Vec<u64> = p.phases.iter().map(|ph| ph.calls).collect();
//! // invariants, enumeration, enablement, apply, canonicalize, visited-set
//! assert_eq!(calls, [6, 6, 12, 11, 12, 12]);
//! assert!(p.to_string().starts_with("PROFILE — 6 states in "));
//! ```

use std::collections::HashMap;
use std::fmt::{self, Display};
use std::ops::ControlFlow;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use crate::check::Checker;
use crate::engine::{self, At, End, Observer, Problem};
use crate::fault::{self, Fault, Site};
use crate::model::Model;
use crate::properties::{Properties, Verdict};
use crate::system::{ActionId, State, TransitionSystem};

/// One phase of the search: cumulative seconds (over all workers) and calls.
#[derive(Clone, Debug, PartialEq)]
pub struct Phase {
    /// `invariants`, `enumeration`, `enablement`, `apply`, `canonicalize` or `visited-set`.
    pub name: &'static str,
    /// Cumulative seconds.
    pub seconds: f64,
    /// Calls.
    pub calls: u64,
}

/// What one action cost: its guard's calls and time, its effect's calls and time.
#[derive(Clone, Debug, PartialEq)]
pub struct ActionCost {
    /// The action's name.
    pub name: String,
    /// Seconds in the guard.
    pub enabled_seconds: f64,
    /// Guard calls.
    pub enabled_calls: u64,
    /// Seconds in the effect.
    pub apply_seconds: f64,
    /// Effect calls (the guard held).
    pub apply_calls: u64,
}

impl ActionCost {
    /// Guard and effect seconds together.
    pub fn total_seconds(&self) -> f64 {
        self.enabled_seconds + self.apply_seconds
    }
}

/// Where a search spent its time ([`profile`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Profile {
    /// States found.
    pub states_explored: usize,
    /// Wall-clock seconds of the whole search.
    pub elapsed: f64,
    /// The search stopped at the cap or the memory budget: every count is a lower bound.
    pub truncated: bool,
    /// The six phases, in the order listed at [`Phase::name`].
    pub phases: Vec<Phase>,
    /// Every action ever offered, most expensive first (ties by name).
    pub actions: Vec<ActionCost>,
    /// The panic that stopped the search, if user code panicked.
    pub fault: Option<Fault>,
}

impl Profile {
    /// States per second of wall time (0.0 when no time passed).
    pub fn states_per_second(&self) -> f64 {
        if self.elapsed > 0.0 { self.states_explored as f64 / self.elapsed } else { 0.0 }
    }

    /// The phase with the most seconds (the first on a tie); `None` without phases.
    pub fn dominant_phase(&self) -> Option<&Phase> {
        self.phases.iter().fold(None, |best: Option<&Phase>, p| match best {
            Some(b) if b.seconds >= p.seconds => Some(b),
            _ => Some(p),
        })
    }
}

impl Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cap = if self.truncated { " (TRUNCATED at max_states — counts are lower bounds)" } else { "" };
        writeln!(
            f,
            "PROFILE — {} states in {:.3}s ({:.0} states/s){cap}",
            self.states_explored,
            self.elapsed,
            self.states_per_second()
        )?;
        write!(f, "  by phase (cumulative):")?;
        let sum: f64 = self.phases.iter().map(|p| p.seconds).sum();
        for p in &self.phases {
            let pct =
                if sum > 0.0 { format!("{:4.0}%", 100.0 * p.seconds / sum) } else { "   -".to_string() };
            write!(f, "\n    {:<14} {:8.3}s {pct}  ({} calls)", p.name, p.seconds, p.calls)?;
        }
        if !self.actions.is_empty() {
            write!(f, "\n  hottest actions (enabled + apply):")?;
            for a in self.actions.iter().take(5) {
                write!(
                    f,
                    "\n    {:<20} {:8.3}s  enabled {:.3}s/{}  apply {:.3}s/{}",
                    a.name,
                    a.total_seconds(),
                    a.enabled_seconds,
                    a.enabled_calls,
                    a.apply_seconds,
                    a.apply_calls
                )?;
            }
        }
        if sum > 0.0
            && let Some(d) = self.dominant_phase()
        {
            write!(f, "\n  dominant cost: {} ({:.0}% of timed work)", d.name, 100.0 * d.seconds / sum)?;
        }
        if let Some(fault) = &self.fault {
            write!(f, "\n  stopped by a panic: {fault}")?;
        }
        Ok(())
    }
}

/// [`Checker::profile`] with the default configuration.
pub fn profile<S: State>(model: &Model<S>) -> Profile {
    Checker::new(model).profile()
}

impl<S: State> Checker<'_, Model<S>> {
    /// Search every reachable state with each piece of user code timed: see [`profile`]. The
    /// configuration's cap, memory budget, workers (times are then summed over them),
    /// canonicalisation and key apply; the search does not stop at a violation.
    pub fn profile(&self) -> Profile {
        let model = self.sys;
        let clock = Arc::new(Clock::default());
        let timed = Timed { model, clock: clock.clone(), names: Mutex::default(), order: boxcar::Vec::new() };
        let mut options = self.options.clone();
        let canon = options.canonicalize.clone();
        let c = clock.clone();
        options.canonicalize = Some(Arc::new(move |s: &S| {
            let t = Instant::now();
            let out = match &canon {
                Some(f) => f(s),
                None => s.clone(),
            };
            c.add(CANONICALIZE, t);
            out
        }));
        let start = Instant::now();
        let sweep = engine::sweep(
            &timed,
            &TimedProperties { model, clock: clock.clone() },
            &options,
            &mut Everything,
        );
        let elapsed = start.elapsed().as_secs_f64();
        let (truncated, fault) = match sweep.end {
            End::Exhausted | End::Stopped => (false, None),
            End::Truncated | End::OverBudget => (true, None),
            End::Fault { fault, .. } => (true, Some(fault)),
        };
        // The engine's own work: what the timed user code leaves of the wall time.
        let timed_seconds: f64 = (0..VISITED).map(|i| clock.seconds(i)).sum();
        let visited_calls = sweep.initial.len() as u64 + sweep.transitions;
        let phases = PHASES
            .iter()
            .enumerate()
            .map(|(i, &name)| {
                if i == VISITED {
                    Phase { name, seconds: (elapsed - timed_seconds).max(0.0), calls: visited_calls }
                } else {
                    Phase { name, seconds: clock.seconds(i), calls: clock.calls[i].load(Ordering::Relaxed) }
                }
            })
            .collect();
        let names = timed.names.into_inner().unwrap_or_else(|e| e.into_inner());
        let mut actions: Vec<ActionCost> = timed
            .order
            .into_iter()
            .zip(names.costs)
            .map(|(name, c)| ActionCost {
                name,
                enabled_seconds: c[0] as f64 * 1e-9,
                enabled_calls: c[1],
                apply_seconds: c[2] as f64 * 1e-9,
                apply_calls: c[3],
            })
            .collect();
        actions.sort_by(|a, b| a.name.cmp(&b.name));
        actions.sort_by(|a, b| b.total_seconds().total_cmp(&a.total_seconds()));
        Profile { states_explored: sweep.store.len(), elapsed, truncated, phases, actions, fault }
    }
}

const PHASES: [&str; 6] = ["invariants", "enumeration", "enablement", "apply", "canonicalize", "visited-set"];
const INVARIANTS: usize = 0;
const ENUMERATION: usize = 1;
const ENABLEMENT: usize = 2;
const APPLY: usize = 3;
const CANONICALIZE: usize = 4;
const VISITED: usize = 5;

/// Nanoseconds and calls per phase, shared by the workers.
#[derive(Default)]
struct Clock {
    nanos: [AtomicU64; 6],
    calls: [AtomicU64; 6],
}

impl Clock {
    fn add(&self, phase: usize, since: Instant) {
        self.nanos[phase].fetch_add(since.elapsed().as_nanos() as u64, Ordering::Relaxed);
        self.calls[phase].fetch_add(1, Ordering::Relaxed);
    }

    fn seconds(&self, phase: usize) -> f64 {
        self.nanos[phase].load(Ordering::Relaxed) as f64 * 1e-9
    }
}

/// The actions met so far (a per-state menu offers new ones as it goes), each with its costs:
/// guard nanoseconds and calls, effect nanoseconds and calls.
#[derive(Default)]
struct Names {
    ids: HashMap<String, u32>,
    costs: Vec<[u64; 4]>,
}

/// The model with its guards, effects and menu timed.
struct Timed<'a, S: State> {
    model: &'a Model<S>,
    clock: Arc<Clock>,
    names: Mutex<Names>,
    /// Action names by id (append-only, so a name can be lent out while others are added).
    order: boxcar::Vec<String>,
}

impl<S: State> Timed<'_, S> {
    fn id(&self, name: &str) -> ActionId {
        let mut names = self.names.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(&id) = names.ids.get(name) {
            return ActionId::new(id);
        }
        let id = self.order.push(name.to_string()) as u32;
        names.ids.insert(name.to_string(), id);
        names.costs.push([0; 4]);
        ActionId::new(id)
    }

    fn charge(&self, id: ActionId, slot: usize, nanos: u64) {
        let mut names = self.names.lock().unwrap_or_else(|e| e.into_inner());
        let c = &mut names.costs[id.index()];
        c[slot] += nanos;
        c[slot + 1] += 1;
    }
}

impl<S: State> TransitionSystem for Timed<'_, S> {
    type State = S;

    fn initial_states(&self) -> Vec<S> {
        self.model.initial_states()
    }

    fn successors<F>(&self, state: &S, mut emit: F) -> ControlFlow<()>
    where
        F: FnMut(ActionId, S) -> ControlFlow<()>,
    {
        let t = Instant::now();
        fault::enter(Site::Menu);
        let menu = self.model.menu_of(state);
        let statics = if menu.is_none() { self.model.static_action_list() } else { Vec::new() };
        let list: Vec<&crate::model::Action<S>> = match &menu {
            Some(m) => m.iter().collect(),
            None => statics,
        };
        self.clock.add(ENUMERATION, t);
        for a in list {
            let id = self.id(a.name());
            fault::enter(Site::Guard(id));
            let t = Instant::now();
            let enabled = a.is_enabled(state);
            let nanos = t.elapsed().as_nanos() as u64;
            self.clock.add(ENABLEMENT, t);
            self.charge(id, 0, nanos);
            if enabled {
                fault::enter(Site::Effect(id));
                let t = Instant::now();
                let next = a.apply(state);
                let nanos = t.elapsed().as_nanos() as u64;
                self.clock.add(APPLY, t);
                self.charge(id, 2, nanos);
                emit(id, next)?;
            }
        }
        ControlFlow::Continue(())
    }

    fn action_name(&self, action: ActionId) -> &str {
        self.order.get(action.index()).map_or("<unknown action>", String::as_str)
    }
}

/// The model's invariants (timed) and terminal test; no edge invariant.
struct TimedProperties<'a, S: State> {
    model: &'a Model<S>,
    clock: Arc<Clock>,
}

impl<S: State> Properties<S> for TimedProperties<'_, S> {
    fn invariant_count(&self) -> usize {
        self.model.invariant_count()
    }

    fn invariant_name(&self, index: usize) -> &str {
        self.model.invariant_name(index)
    }

    fn check_invariant(&self, index: usize, state: &S) -> Verdict {
        let t = Instant::now();
        let v = self.model.check_invariant(index, state);
        self.clock.add(INVARIANTS, t);
        v
    }

    fn is_terminal(&self, state: &S) -> bool {
        self.model.is_terminal(state)
    }
}

/// Hears everything and stops at nothing.
struct Everything;

impl<T: TransitionSystem> Observer<T> for Everything {
    fn problem(&mut self, _at: &At<'_, T>, _problem: Problem<T::State>) -> ControlFlow<()> {
        ControlFlow::Continue(())
    }
}
