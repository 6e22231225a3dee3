//! etcd: Raft leader changes and, optionally, write conflicts and history compaction.
//!
//! ```
//! use musil::open::{check_open, environments::etcd};
//! use musil::Model;
//!
//! #[derive(Clone, Debug, PartialEq, Eq, Hash)]
//! struct Cfg { write_in_flight: bool, leader_known: bool }
//!
//! let writer = Model::new(Cfg { write_in_flight: false, leader_known: true })
//!     .action("write", |s| !s.write_in_flight && s.leader_known, |s| Cfg { write_in_flight: true, ..s.clone() })
//!     .action("ack", |s| s.write_in_flight && s.leader_known, |s| Cfg { write_in_flight: false, ..s.clone() })
//!     .action("rediscover", |s| !s.leader_known, |_| Cfg { write_in_flight: false, leader_known: true });
//! // The builder order does not matter: behaviours come out leader-change, write-conflict, compaction.
//! let env = etcd::cluster_faults(|s: &Cfg| s.leader_known, |s| Cfg { leader_known: false, ..s.clone() })
//!     .compaction(|_: &Cfg| false, |s| s.clone())
//!     .write_conflict(|s: &Cfg| s.write_in_flight, |s| Cfg { write_in_flight: false, ..s.clone() })
//!     .build();
//! assert_eq!(env.behaviour_names(), ["etcd:leader-change", "etcd:write-conflict", "etcd:compaction"]);
//! let r = check_open(&writer, &[env]);
//! assert!(r.ok());
//! assert_eq!(r.unverified_assumptions.len(), 3);
//! ```

use crate::model::Action;
use crate::open::{Assumption, EnvironmentSpec, Status};
use crate::system::State;

/// `etcd:quorum-maintained`: a majority of members stays healthy.
pub fn quorum_maintained<S>() -> Assumption<S> {
    Assumption::new(
        "etcd:quorum-maintained",
        "etcd cluster maintains quorum (>50% of members healthy) throughout; a minority partition cannot elect a leader or accept writes",
    )
    .status(Status::Unverified)
    .source("etcd docs: Clustering guide § Fault tolerance; Ongaro & Ousterhout, USENIX ATC 2014")
}

/// `etcd:bounded-leader-election`: elections finish in bounded time.
pub fn bounded_leader_election<S>() -> Assumption<S> {
    Assumption::new(
        "etcd:bounded-leader-election",
        "Leader elections complete within a bounded time (default election timeout: 1000ms); clients that retry writes after an election eventually succeed",
    )
    .status(Status::Unverified)
    .source("etcd docs: Tuning § Time parameters")
}

/// `etcd:unique-leader` (verified): Raft elects at most one leader at a time.
///
/// Shipped for callers to add through `extra_assumptions`; [`cluster_faults`] does not
/// pre-wire it (nor did the original). Being verified, it would not surface as a residual.
pub fn unique_leader<S>() -> Assumption<S> {
    Assumption::new(
        "etcd:unique-leader",
        "At most one etcd leader exists at any point; Raft guarantees linearizability for committed writes",
    )
    .status(Status::Verified)
    .source(
        "Ongaro & Ousterhout, 'In Search of an Understandable Consensus Algorithm', USENIX ATC 2014 § 5 (Safety)",
    )
}

/// `etcd:compaction-bounded`: compaction only drops revisions outside the retention window.
pub fn compaction_bounded<S>() -> Assumption<S> {
    Assumption::new(
        "etcd:compaction-bounded",
        "etcd compaction removes only revisions older than the configured retention window; keys within the window are always readable",
    )
    .status(Status::Unverified)
    .source("etcd docs: Operations guide § Maintenance § History compaction")
}

/// Builder of the `etcd` environment; see [`cluster_faults`].
#[must_use = "call build() to get the EnvironmentSpec"]
pub struct ClusterFaults<S> {
    leader_change: Action<S>,
    write_conflict: Option<Action<S>>,
    compaction: Option<Action<S>>,
    leader_change_budget: Option<usize>,
    extra: Vec<Assumption<S>>,
}

impl<S> std::fmt::Debug for ClusterFaults<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClusterFaults")
            .field("write_conflict", &self.write_conflict.is_some())
            .field("compaction", &self.compaction.is_some())
            .field("leader_change_budget", &self.leader_change_budget)
            .finish_non_exhaustive()
    }
}

/// The `etcd` environment: the Raft leader may change whenever `can_leader_change` holds
/// (behaviour `etcd:leader-change`, effect `on_leader_change`; in-flight writes may be
/// rejected). Pre-wired assumptions, in order: [`quorum_maintained`],
/// [`bounded_leader_election`], [`compaction_bounded`] ([`unique_leader`] is not wired in).
///
/// Behaviours always come out in the order `etcd:leader-change`, `etcd:write-conflict`,
/// `etcd:compaction`, whatever order the optional ones were added in.
pub fn cluster_faults<S: State>(
    can_leader_change: impl Fn(&S) -> bool + Send + Sync + 'static,
    on_leader_change: impl Fn(&S) -> S + Send + Sync + 'static,
) -> ClusterFaults<S> {
    ClusterFaults {
        leader_change: Action::new("etcd:leader-change", can_leader_change, on_leader_change),
        write_conflict: None,
        compaction: None,
        leader_change_budget: None,
        extra: Vec::new(),
    }
}

impl<S: State> ClusterFaults<S> {
    /// Also let a concurrent write with a conflicting revision reject the system's write
    /// (behaviour `etcd:write-conflict`).
    pub fn write_conflict(
        mut self,
        can_write_conflict: impl Fn(&S) -> bool + Send + Sync + 'static,
        on_write_conflict: impl Fn(&S) -> S + Send + Sync + 'static,
    ) -> Self {
        self.write_conflict = Some(Action::new("etcd:write-conflict", can_write_conflict, on_write_conflict));
        self
    }

    /// Also let old revisions be compacted away, so a watcher may miss events (behaviour
    /// `etcd:compaction`).
    pub fn compaction(
        mut self,
        can_compaction: impl Fn(&S) -> bool + Send + Sync + 'static,
        on_compaction: impl Fn(&S) -> S + Send + Sync + 'static,
    ) -> Self {
        self.compaction = Some(Action::new("etcd:compaction", can_compaction, on_compaction));
        self
    }

    /// Give [`bounded_leader_election`] a checkable form: at most `max` `etcd:leader-change`
    /// steps in one run ([`Assumption::at_most`]). The assumption speaks of time (each
    /// election ends within a timeout); a model has no clock, so this reads it as elections
    /// being rare enough for clients' retries to get through. Its name, text and place stay as
    /// shipped; without a budget it has no checkable form.
    pub fn leader_change_budget(mut self, max: usize) -> Self {
        self.leader_change_budget = Some(max);
        self
    }

    /// Cluster-specific assumptions, merged after the pre-wired ones.
    pub fn extra_assumptions(mut self, extra: impl IntoIterator<Item = Assumption<S>>) -> Self {
        self.extra.extend(extra);
        self
    }

    /// The environment.
    pub fn build(self) -> EnvironmentSpec<S> {
        let env = [Some(self.leader_change), self.write_conflict, self.compaction]
            .into_iter()
            .flatten()
            .fold(EnvironmentSpec::new("etcd"), EnvironmentSpec::add_behaviour);
        env.assumption(quorum_maintained())
            .assumption(match self.leader_change_budget {
                Some(max) => bounded_leader_election().at_most(["etcd:leader-change"], max),
                None => bounded_leader_election(),
            })
            .assumption(compaction_bounded())
            .extra_assumptions(self.extra)
    }
}

impl<S: State> From<ClusterFaults<S>> for EnvironmentSpec<S> {
    fn from(b: ClusterFaults<S>) -> Self {
        b.build()
    }
}

/// Simulation-side companion: a [`crate::sim::AdversarialNode`] that answers every message,
/// from anyone, by sending `etcd:leader-change` back to its sender (a leader change). For another message,
/// `AdversarialNode::replying(msg)`.
pub fn etcd_adversary<M: Clone + From<&'static str> + 'static>() -> crate::sim::AdversarialNode<M> {
    crate::sim::AdversarialNode::replying(M::from("etcd:leader-change"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn behaviours_in_fixed_order() {
        let env = cluster_faults(|n: &u8| *n == 0, |_| 1).build();
        assert_eq!(env.name, "etcd");
        assert_eq!(env.behaviour_names(), ["etcd:leader-change"]);
        assert!(env.guarantees.is_empty());
        let only_compaction = cluster_faults(|n: &u8| *n == 0, |_| 1).compaction(|_| true, |_| 2).build();
        assert_eq!(only_compaction.behaviour_names(), ["etcd:leader-change", "etcd:compaction"]);
        let both = cluster_faults(|n: &u8| *n == 0, |_| 1)
            .compaction(|_| true, |_| 2)
            .write_conflict(|_| true, |_| 3)
            .build();
        assert_eq!(both.behaviour_names(), ["etcd:leader-change", "etcd:write-conflict", "etcd:compaction"]);
        assert!(both.behaviours.iter().all(|b| b.fairness().is_none()));
    }

    #[test]
    fn unique_leader_is_verified_and_not_wired() {
        assert_eq!(unique_leader::<u8>().status, Status::Verified);
        let env = cluster_faults(|n: &u8| *n == 0, |_| 1).build();
        let keys: Vec<&str> = env.assumptions.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            ["etcd:quorum-maintained", "etcd:bounded-leader-election", "etcd:compaction-bounded"]
        );
    }

    #[test]
    fn leader_change_budget_gives_the_shipped_assumption_a_bound() {
        let plain = cluster_faults(|n: &u8| *n == 0, |_| 1).build();
        assert!(!plain.assumptions["etcd:bounded-leader-election"].is_checkable());
        let env = cluster_faults(|n: &u8| *n == 0, |_| 1).leader_change_budget(2).build();
        let keys: Vec<&str> = env.assumptions.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            ["etcd:quorum-maintained", "etcd:bounded-leader-election", "etcd:compaction-bounded"]
        );
        let a = &env.assumptions["etcd:bounded-leader-election"];
        let shipped = bounded_leader_election::<u8>();
        assert_eq!(
            (&a.description, a.status, &a.source),
            (&shipped.description, shipped.status, &shipped.source)
        );
        assert_eq!(a.bound, Some(crate::open::Bound::new(["etcd:leader-change"], 2)));
    }
}
