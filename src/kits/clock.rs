//! A bounded discrete clock: timeouts in a model without an unbounded state space.
//!
//! A timeout model needs a tick action and a bound that stops it. Without the bound the check
//! does not fail: it stops at `max_states` and answers `OK … (TRUNCATED at cap)`, which proves
//! nothing and reads like a proof. [`bounded_clock`] makes the bound a declared number
//! (`horizon`) and answers the question it raises: was the horizon binding
//! ([`BoundedClock::binding`])? A green result under a binding horizon means "no violation within
//! `horizon` ticks", a weaker claim than "no violation".
//!
//! The clock lives in the caller's state, read by `get` and written by `put`. Mark the horizon
//! terminal (`.terminal(clock.at_horizon_fn())`): at the horizon the tick is disabled, and a
//! state whose only move was the tick would otherwise be reported as a deadlock (a loud false
//! alarm, with a trace ending at the horizon).
//!
//! ```
//! use musil::kits::clock::bounded_clock;
//! use musil::{check, explore, Model};
//!
//! #[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
//! struct Req { now: i64, replied_at: Option<i64> }
//!
//! let clock = bounded_clock(|s: &Req| s.now, |s, t| Req { now: t, ..s.clone() }, 2).unwrap();
//! let model = Model::new(Req::default())
//!     .add_action(clock.action())
//!     .action("reply", |s| s.replied_at.is_none() && s.now <= 2, |s| Req { replied_at: Some(s.now), ..s.clone() })
//!     .invariant("answered-in-time", |s| s.replied_at.is_none_or(|t| t <= 2))
//!     .terminal(clock.at_horizon_fn());
//! assert_eq!(check(&model).to_string(), "OK — 9 states, no violations");
//! // Green, but only within two ticks: the horizon was reached.
//! assert!(clock.binding(&explore(&model)));
//! ```

use std::fmt;
use std::sync::Arc;

use crate::error::{Error, ErrorKind};
use crate::graph::Graph;
use crate::model::Action;
use crate::system::State;

type Get<S> = Arc<dyn Fn(&S) -> i64 + Send + Sync>;
type Put<S> = Arc<dyn Fn(&S, i64) -> S + Send + Sync>;

/// A clock that advances one tick at a time and stops at its horizon. Built by
/// [`bounded_clock`]; cheap to clone.
pub struct BoundedClock<S> {
    horizon: i64,
    name: String,
    get: Get<S>,
    put: Put<S>,
}

impl<S> Clone for BoundedClock<S> {
    fn clone(&self) -> Self {
        BoundedClock {
            horizon: self.horizon,
            name: self.name.clone(),
            get: self.get.clone(),
            put: self.put.clone(),
        }
    }
}

impl<S> fmt::Debug for BoundedClock<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BoundedClock")
            .field("horizon", &self.horizon)
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

/// A tick over the caller's clock (`get` reads it, `put(state, t)` sets it), bounded at
/// `horizon`: the action [`BoundedClock::action`], named `"clock:tick"`, is enabled while
/// `get(state) < horizon` and adds one. The clock then takes at most `horizon + 1` values.
/// `horizon = 0` is a clock that never ticks (valid, if pointless).
///
/// Deadlines are ordinary guards over the clock (`now >= armed_at + delay`); the kit supplies
/// only the time they read and the bound that keeps it finite.
///
/// # Errors
/// [`ErrorKind::InvalidInput`] when `horizon` is negative: `horizon must be >= 0, got -1`.
///
/// # Examples
///
/// ```
/// use musil::kits::clock::bounded_clock;
/// use musil::{Model, check};
///
/// let clock = bounded_clock(|t: &i64| *t, |_, t| t, 3).unwrap();
/// let m = Model::new(0i64).add_action(clock.action()).terminal(clock.at_horizon_fn());
/// assert_eq!(check(&m).to_string(), "OK — 4 states, no violations");
/// let e = bounded_clock(|t: &i64| *t, |_, t| t, -1).unwrap_err();
/// assert_eq!(e.message(), "horizon must be >= 0, got -1");
/// ```
pub fn bounded_clock<S>(
    get: impl Fn(&S) -> i64 + Send + Sync + 'static,
    put: impl Fn(&S, i64) -> S + Send + Sync + 'static,
    horizon: i64,
) -> Result<BoundedClock<S>, Error> {
    if horizon < 0 {
        return Err(Error::new(ErrorKind::InvalidInput, format!("horizon must be >= 0, got {horizon}")));
    }
    Ok(BoundedClock { horizon, name: "clock".to_owned(), get: Arc::new(get), put: Arc::new(put) })
}

impl<S: 'static> BoundedClock<S> {
    /// The same clock with its tick named `"{name}:tick"` (default `clock`).
    ///
    /// # Examples
    ///
    /// ```
    /// use musil::kits::clock::bounded_clock;
    ///
    /// let clock = bounded_clock(|t: &i64| *t, |_, t| t, 1).unwrap().name("gateway");
    /// assert_eq!(clock.action().name(), "gateway:tick");
    /// ```
    #[must_use]
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// The bound.
    ///
    /// # Examples
    ///
    /// ```
    /// use musil::kits::clock::bounded_clock;
    ///
    /// assert_eq!(bounded_clock(|t: &i64| *t, |_, t| t, 5).unwrap().horizon(), 5);
    /// ```
    pub fn horizon(&self) -> i64 {
        self.horizon
    }

    /// The tick action, to add to the model (unfair).
    ///
    /// # Examples
    ///
    /// ```
    /// use musil::kits::clock::bounded_clock;
    ///
    /// // (now, other): the tick writes only the clock.
    /// let clock = bounded_clock(|s: &(i64, char)| s.0, |s, t| (t, s.1), 2).unwrap();
    /// let tick = clock.action();
    /// assert_eq!(tick.apply(&(1, 'x')), (2, 'x'));
    /// assert!(tick.is_enabled(&(1, 'x')) && !tick.is_enabled(&(2, 'x')));
    /// assert_eq!(tick.fairness(), None);
    /// ```
    pub fn action(&self) -> Action<S> {
        let (get, put, horizon) = (self.get.clone(), self.put.clone(), self.horizon);
        let read = get.clone();
        Action::new(format!("{}:tick", self.name), move |s| get(s) < horizon, move |s| put(s, read(s) + 1))
    }

    /// The clock's value in `state`.
    ///
    /// # Examples
    ///
    /// ```
    /// use musil::kits::clock::bounded_clock;
    ///
    /// let clock = bounded_clock(|s: &(i64, bool)| s.0, |s, t| (t, s.1), 4).unwrap();
    /// assert_eq!(clock.now(&(3, true)), 3);
    /// ```
    pub fn now(&self, state: &S) -> i64 {
        (self.get)(state)
    }

    /// Whether `state` sits at the horizon.
    ///
    /// # Examples
    ///
    /// ```
    /// use musil::kits::clock::bounded_clock;
    ///
    /// let clock = bounded_clock(|t: &i64| *t, |_, t| t, 2).unwrap();
    /// assert_eq!([1, 2, 3].map(|t| clock.at_horizon(&t)), [false, true, true]);
    /// ```
    pub fn at_horizon(&self, state: &S) -> bool {
        (self.get)(state) >= self.horizon
    }

    /// [`BoundedClock::at_horizon`] as an owned predicate, for `Model::terminal`.
    ///
    /// # Examples
    ///
    /// ```
    /// use musil::kits::clock::bounded_clock;
    /// use musil::{Kind, Model, check};
    ///
    /// let clock = bounded_clock(|t: &i64| *t, |_, t| t, 3).unwrap();
    /// let bare = Model::new(0i64).add_action(clock.action());
    /// // Without it the horizon is a dead end: a deadlock after three ticks.
    /// assert_eq!(check(&bare).kind, Some(Kind::Deadlock));
    /// assert!(check(&bare.terminal(clock.at_horizon_fn())).ok);
    /// ```
    pub fn at_horizon_fn(&self) -> impl Fn(&S) -> bool + Send + Sync + 'static {
        let (get, horizon) = (self.get.clone(), self.horizon);
        move |s| get(s) >= horizon
    }
}

impl<S: State> BoundedClock<S> {
    /// The explored states at the horizon, in discovery order: where exploration stopped
    /// because time ran out, not because the system had nowhere to go.
    ///
    /// # Examples
    ///
    /// ```
    /// use musil::kits::clock::bounded_clock;
    /// use musil::{Model, explore};
    ///
    /// // (now, done): `finish` may happen at any time, the clock runs on.
    /// let clock = bounded_clock(|s: &(i64, bool)| s.0, |s, t| (t, s.1), 2).unwrap();
    /// let m = Model::new((0i64, false))
    ///     .add_action(clock.action())
    ///     .action("finish", |s| !s.1, |s| (s.0, true))
    ///     .terminal(clock.at_horizon_fn());
    /// let g = explore(&m);
    /// assert_eq!(clock.horizon_states(&g), [&(2, false), &(2, true)]);
    /// ```
    pub fn horizon_states<'g>(&self, graph: &'g Graph<S>) -> Vec<&'g S> {
        graph.states().filter(|s| self.at_horizon(s)).collect()
    }

    /// Whether the horizon cut the exploration. False: the model finished with time to spare
    /// and a green result is about the whole model. True: it says only "no violation within
    /// `horizon` ticks"; raise the horizon until this is false, or quote the weaker claim.
    ///
    /// # Examples
    ///
    /// ```
    /// use musil::kits::clock::bounded_clock;
    /// use musil::{Model, explore};
    ///
    /// let clock = bounded_clock(|t: &i64| *t, |_, t| t, 9).unwrap();
    /// // A model that stops itself at 3 never meets the horizon: its green result is unbounded.
    /// let stops = Model::new(0i64).action("tick", |t| *t < 3, |t| t + 1).terminal(|t| *t == 3);
    /// assert!(!clock.binding(&explore(&stops)));
    /// let runs = Model::new(0i64).add_action(clock.action()).terminal(clock.at_horizon_fn());
    /// assert!(clock.binding(&explore(&runs)));
    /// ```
    pub fn binding(&self, graph: &Graph<S>) -> bool {
        graph.states().any(|s| self.at_horizon(s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Checker, Kind, Model, check, explore};

    #[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
    struct World {
        now: i64,
        replied: bool,
    }

    fn clock(horizon: i64) -> BoundedClock<World> {
        bounded_clock(|s: &World| s.now, |s, t| World { now: t, ..s.clone() }, horizon).unwrap()
    }

    #[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
    struct Req {
        now: i64,
        replied_at: Option<i64>,
    }

    fn reply_by(deadline: i64, horizon: i64) -> (Model<Req>, BoundedClock<Req>) {
        let c = bounded_clock(|s: &Req| s.now, |s, t| Req { now: t, ..s.clone() }, horizon).unwrap();
        let m = Model::new(Req::default())
            .add_action(c.action())
            .action(
                "reply",
                move |s| s.replied_at.is_none() && s.now <= deadline,
                |s| Req { replied_at: Some(s.now), ..s.clone() },
            )
            .terminal(c.at_horizon_fn())
            .invariant("answered-in-time", move |s| s.replied_at.is_none_or(|t| t <= deadline));
        (m, c)
    }

    #[test]
    fn an_unbounded_tick_only_looks_green_and_a_bounded_one_is() {
        let runaway =
            Model::new(World::default()).action("tick", |_| true, |s| World { now: s.now + 1, ..s.clone() });
        let loose = Checker::new(&runaway).max_states(500).check();
        assert_eq!(loose.to_string(), "OK — 500 states, no violations (TRUNCATED at cap)");
        let c = clock(8);
        let bounded = Model::new(World::default()).add_action(c.action()).terminal(c.at_horizon_fn());
        assert_eq!(check(&bounded).to_string(), "OK — 9 states, no violations");
    }

    #[test]
    fn the_state_count_is_linear_in_the_horizon() {
        for h in [0, 1, 5, 20] {
            let c = clock(h);
            let m = Model::new(World::default()).add_action(c.action()).terminal(c.at_horizon_fn());
            assert_eq!(explore(&m).len() as i64, h + 1);
        }
    }

    #[test]
    fn a_binding_horizon() {
        let (m, c) = reply_by(2, 2);
        let g = explore(&m);
        assert!(check(&m).ok);
        assert!(c.binding(&g));
        assert!(c.horizon_states(&g).iter().all(|s| s.now == 2));
        for (h, n) in [(2, 9), (10, 41), (50, 201)] {
            let (m, c) = reply_by(2, h);
            assert_eq!(check(&m).to_string(), format!("OK — {n} states, no violations"));
            assert!(c.binding(&explore(&m)));
        }
    }

    #[test]
    fn a_model_that_stops_first_is_not_bound() {
        let c = clock(9);
        let m = Model::new(World::default())
            .action("tick", |s| !s.replied && s.now < 3, |s| World { now: s.now + 1, ..s.clone() })
            .action("reply", |s| !s.replied && s.now == 3, |s| World { replied: true, ..s.clone() })
            .terminal(|s| s.replied);
        let g = explore(&m);
        assert_eq!(g.len(), 5);
        assert!(!c.binding(&g));
    }

    #[test]
    fn forgetting_terminal_is_a_deadlock_at_the_horizon() {
        let c = clock(3);
        let r = check(&Model::new(World::default()).add_action(c.action()));
        assert_eq!(r.kind, Some(Kind::Deadlock));
        assert_eq!(r.action_names(), ["clock:tick"; 3]);
        assert_eq!(r.states_explored, 4);
        assert_eq!(r.trace.last().map(|s| s.state.now), Some(3));
    }

    #[test]
    fn a_zero_horizon_never_ticks() {
        let c = clock(0);
        let m = Model::new(World::default()).add_action(c.action()).terminal(c.at_horizon_fn());
        let g = explore(&m);
        assert_eq!(g.states().collect::<Vec<_>>(), [&World::default()]);
        assert!(c.at_horizon(&World::default()));
    }

    #[test]
    fn a_negative_horizon_is_refused_and_the_name_is_prefixable() {
        let e = bounded_clock(|s: &World| s.now, |s, _| s.clone(), -1).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        assert_eq!(e.message(), "horizon must be >= 0, got -1");
        let c = clock(2).name("gateway");
        assert_eq!(c.action().name(), "gateway:tick");
        assert_eq!(c.action().fairness(), None);
        assert_eq!((c.horizon(), c.now(&World { now: 1, replied: false })), (2, 1));
    }
}
