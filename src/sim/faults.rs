//! Sustained faults: partitions and crashes that hold for a window of virtual time, then heal.

use std::collections::BTreeSet;
use std::time::Duration;

/// A directed network partition: every link `(src, dst)` in it drops **all** traffic sent while
/// the window `[start, end)` is open. A window with `end <= start` is empty.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Partition {
    /// The cut links, each `(src, dst)`: a link is directed, so `(a, b)` leaves `b → a` open.
    pub links: BTreeSet<(String, String)>,
    /// When the cut opens.
    pub start: i64,
    /// When it heals (exclusive).
    pub end: i64,
}

impl Partition {
    /// A partition of `links` over `[start, end)`.
    pub fn new<A: Into<String>, B: Into<String>>(
        links: impl IntoIterator<Item = (A, B)>,
        start: i64,
        end: i64,
    ) -> Self {
        Partition { links: links.into_iter().map(|(a, b)| (a.into(), b.into())).collect(), start, end }
    }

    /// Does this partition drop a message from `src` to `dst` sent at time `t`?
    pub fn cuts(&self, src: &str, dst: &str, t: i64) -> bool {
        self.start <= t && t < self.end && self.links.contains(&(src.to_owned(), dst.to_owned()))
    }
}

/// A crash: `node` is down over `[start, end)` (messages arriving are dropped, its timers are
/// lost, it runs no handler), then restarts at `end`, warm (the instance resumes) unless
/// [`cold`](Crash::cold) (a fresh instance from the factory, which runs `on_start` again).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Crash {
    /// The node that crashes.
    pub node: String,
    /// When it goes down.
    pub start: i64,
    /// When it restarts (exclusive end of the window).
    pub end: i64,
    /// A cold restart: the node loses its state.
    pub lose_state: bool,
}

impl Crash {
    /// A warm crash of `node` over `[start, end)`.
    pub fn new(node: impl Into<String>, start: i64, end: i64) -> Self {
        Crash { node: node.into(), start, end, lose_state: false }
    }

    /// The same crash with a cold restart (`lose_state`).
    #[must_use]
    pub fn cold(mut self) -> Self {
        self.lose_state = true;
        self
    }

    /// Is `node` down at time `t` by this crash?
    pub fn down(&self, node: &str, t: i64) -> bool {
        node == self.node && self.start <= t && t < self.end
    }
}

/// One fault of a schedule, as [`FaultSchedule::drive`] hands it to its callbacks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScheduledFault<'a> {
    /// A partition.
    Partition(&'a Partition),
    /// A crash.
    Crash(&'a Crash),
}

impl ScheduledFault<'_> {
    fn window(&self) -> (i64, i64) {
        match self {
            ScheduledFault::Partition(p) => (p.start, p.end),
            ScheduledFault::Crash(c) => (c.start, c.end),
        }
    }
}

/// What [`FaultSchedule::drive`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FaultDrive {
    /// Fault windows opened.
    pub applied: usize,
    /// Fault windows closed.
    pub healed: usize,
    /// The schedule's [`heal_time`](FaultSchedule::heal_time).
    pub heal_time: i64,
}

/// The sustained faults of one run: partitions and crashes, in the order added.
///
/// ```
/// use musil::sim::{Crash, FaultSchedule, Partition};
/// let faults = FaultSchedule::new()
///     .partition(Partition::new([("s", "r")], 0, 10))
///     .crash(Crash::new("r", 3, 8).cold());
/// assert_eq!(faults.heal_time(), 10);
/// assert!(faults.link_cut("s", "r", 9) && !faults.link_cut("r", "s", 9));
/// assert!(faults.node_down("r", 3) && !faults.node_down("r", 8));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct FaultSchedule {
    /// The partitions, in order.
    pub partitions: Vec<Partition>,
    /// The crashes, in order.
    pub crashes: Vec<Crash>,
}

impl FaultSchedule {
    /// No faults.
    pub fn new() -> Self {
        Self::default()
    }

    /// Add a partition.
    #[must_use]
    pub fn partition(mut self, p: Partition) -> Self {
        self.partitions.push(p);
        self
    }

    /// Add a crash.
    #[must_use]
    pub fn crash(mut self, c: Crash) -> Self {
        self.crashes.push(c);
        self
    }

    /// When the last fault lifts: the largest `end` of any window (empty ones too), 0 with none.
    pub fn heal_time(&self) -> i64 {
        self.partitions.iter().map(|p| p.end).chain(self.crashes.iter().map(|c| c.end)).max().unwrap_or(0)
    }

    /// Does some partition cut `src → dst` at time `t`?
    pub fn link_cut(&self, src: &str, dst: &str, t: i64) -> bool {
        self.partitions.iter().any(|p| p.cuts(src, dst, t))
    }

    /// Does some crash hold `node` down at time `t`?
    pub fn node_down(&self, node: &str, t: i64) -> bool {
        self.crashes.iter().any(|c| c.down(node, t))
    }

    /// The first crash (in order) of `node` whose window ends at `t`.
    pub fn crash_ending_at(&self, node: &str, t: i64) -> Option<&Crash> {
        self.crashes.iter().find(|c| c.node == node && c.end == t)
    }

    /// Drive a real system through this schedule at one second per tick, sleeping for real:
    /// see [`FaultDriver`] to pace it otherwise or to inject the sleep.
    pub fn drive(
        &self,
        apply: impl FnMut(ScheduledFault<'_>),
        heal: impl FnMut(ScheduledFault<'_>),
    ) -> FaultDrive {
        self.driver().run(apply, heal)
    }

    /// A driver over this schedule, to set the pace and the sleep before [`FaultDriver::run`].
    pub fn driver(&self) -> FaultDriver<'_> {
        FaultDriver { schedule: self, seconds_per_tick: 1.0, sleep: Box::new(std::thread::sleep) }
    }
}

/// Drives a real system (not the simulator) through a [`FaultSchedule`]'s boundaries: each
/// fault's window opens with `apply(fault)` and closes with `heal(fault)`, in virtual-time
/// order, sleeping `gap × seconds_per_tick` between instants.
///
/// Order: faults are the partitions then the crashes; the events (one apply at `start` and one
/// heal at `end` per fault) are stably sorted by time, heals before applies at a shared
/// instant (so a zero-length window heals before it applies), same-kind ties in fault order.
/// Only positive gaps sleep; events at or before time 0 never do.
///
/// ```
/// use std::time::Duration;
/// use musil::sim::{Crash, FaultSchedule, Partition, ScheduledFault};
///
/// let faults = FaultSchedule::new().partition(Partition::new([("a", "b")], 1, 3)).crash(Crash::new("b", 2, 5));
/// let log = std::cell::RefCell::new(Vec::new());
/// let kind = |f: ScheduledFault<'_>| if matches!(f, ScheduledFault::Partition(_)) { "P" } else { "C" };
/// let mut slept = Vec::new();
/// let drive = faults.driver().sleep(|d| slept.push(d)).run(
///     |f| log.borrow_mut().push(format!("apply {}", kind(f))),
///     |f| log.borrow_mut().push(format!("heal {}", kind(f))),
/// );
/// assert_eq!((drive.applied, drive.healed, drive.heal_time), (2, 2, 5));
/// assert_eq!(log.into_inner(), ["apply P", "apply C", "heal P", "heal C"]);
/// assert_eq!(slept, [1.0, 1.0, 1.0, 2.0].map(Duration::from_secs_f64));
/// ```
#[must_use = "a driver does nothing until `run`"]
pub struct FaultDriver<'a> {
    schedule: &'a FaultSchedule,
    seconds_per_tick: f64,
    sleep: Box<dyn FnMut(Duration) + 'a>,
}

impl std::fmt::Debug for FaultDriver<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FaultDriver")
            .field("schedule", self.schedule)
            .field("seconds_per_tick", &self.seconds_per_tick)
            .finish_non_exhaustive()
    }
}

impl<'a> FaultDriver<'a> {
    /// Wall-clock seconds per virtual tick (default 1.0).
    pub fn seconds_per_tick(mut self, seconds: f64) -> Self {
        self.seconds_per_tick = seconds;
        self
    }

    /// The sleep to call for each gap (default [`std::thread::sleep`]); inject one to drive a
    /// simulated fleet or to test without waiting.
    pub fn sleep(mut self, sleep: impl FnMut(Duration) + 'a) -> Self {
        self.sleep = Box::new(sleep);
        self
    }

    /// Fire every boundary, in order, and say how many windows opened and closed.
    pub fn run(
        mut self,
        mut apply: impl FnMut(ScheduledFault<'_>),
        mut heal: impl FnMut(ScheduledFault<'_>),
    ) -> FaultDrive {
        let s = self.schedule;
        let faults: Vec<ScheduledFault<'_>> = s
            .partitions
            .iter()
            .map(ScheduledFault::Partition)
            .chain(s.crashes.iter().map(ScheduledFault::Crash))
            .collect();
        let mut events: Vec<(i64, bool, ScheduledFault<'_>)> = faults
            .iter()
            .map(|f| (f.window().0, true, *f))
            .chain(faults.iter().map(|f| (f.window().1, false, *f)))
            .collect();
        events.sort_by_key(|&(t, is_apply, _)| (t, is_apply)); // stable
        let (mut now, mut applied, mut healed) = (0i64, 0, 0);
        for (t, is_apply, fault) in events {
            if t > now {
                (self.sleep)(Duration::from_secs_f64((t - now) as f64 * self.seconds_per_tick));
                now = t;
            }
            if is_apply {
                apply(fault);
                applied += 1;
            } else {
                heal(fault);
                healed += 1;
            }
        }
        FaultDrive { applied, healed, heal_time: s.heal_time() }
    }
}
