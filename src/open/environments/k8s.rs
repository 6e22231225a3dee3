//! Kubernetes: pod eviction and OOM kills.
//!
//! ```
//! use musil::open::{check_open, environments::k8s};
//! use musil::Model;
//!
//! #[derive(Clone, Debug, PartialEq, Eq, Hash)]
//! struct Pod { running: bool }
//!
//! let service = Model::new(Pod { running: true })
//!     .action("restart", |p| !p.running, |_| Pod { running: true });
//! let env = k8s::pod_eviction(|p: &Pod| p.running, |_| Pod { running: false }).build();
//! assert_eq!(env.behaviour_names(), ["k8s:evict-pod"]);
//! let r = check_open(&service, &[env]);
//! assert!(r.ok());
//! assert_eq!(r.unverified_assumptions.len(), 3);
//! ```

use crate::model::Action;
use crate::open::{Assumption, EnvironmentSpec, Status};
use crate::system::State;

/// `k8s:node-capacity`: a node can always take the evicted pod.
pub fn node_capacity<S>() -> Assumption<S> {
    Assumption::new(
        "k8s:node-capacity",
        "At least one schedulable node exists after any eviction; the scheduler can always place the evicted pod",
    )
    .status(Status::Unverified)
    .source("Kubernetes docs: Concepts > Workloads > Pod lifecycle § Disruptions")
}

/// `k8s:scheduler-liveness`: pending pods are eventually placed.
pub fn scheduler_liveness<S>() -> Assumption<S> {
    Assumption::new(
        "k8s:scheduler-liveness",
        "kube-scheduler eventually places any Pending pod on an available node",
    )
    .status(Status::Unverified)
    .source("Kubernetes docs: Concepts > Scheduling, Preemption and Eviction")
}

/// `k8s:eviction-rate-bounded`: evictions stay within the disruption budget.
pub fn eviction_rate_bounded<S>() -> Assumption<S> {
    Assumption::new(
        "k8s:eviction-rate-bounded",
        "Concurrent pod evictions are bounded by the cluster PodDisruptionBudget; the scheduler will not evict pods beyond the budget",
    )
    .status(Status::Unverified)
    .source("Kubernetes docs: Tasks > Run Applications > Configure a Disruption Budget")
}

/// Builder of the `k8s` environment; see [`pod_eviction`].
#[must_use = "call build() to get the EnvironmentSpec"]
pub struct PodEviction<S> {
    evict: Action<S>,
    oom_kill: Option<Action<S>>,
    eviction_budget: Option<usize>,
    extra: Vec<Assumption<S>>,
}

impl<S> std::fmt::Debug for PodEviction<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PodEviction")
            .field("oom_kill", &self.oom_kill.is_some())
            .field("eviction_budget", &self.eviction_budget)
            .finish_non_exhaustive()
    }
}

/// The `k8s` environment: the scheduler may evict the pod whenever `can_evict` holds
/// (behaviour `k8s:evict-pod`, effect `on_evict`). Pre-wired assumptions, in order:
/// [`node_capacity`], [`scheduler_liveness`], [`eviction_rate_bounded`].
pub fn pod_eviction<S: State>(
    can_evict: impl Fn(&S) -> bool + Send + Sync + 'static,
    on_evict: impl Fn(&S) -> S + Send + Sync + 'static,
) -> PodEviction<S> {
    PodEviction {
        evict: Action::new("k8s:evict-pod", can_evict, on_evict),
        oom_kill: None,
        eviction_budget: None,
        extra: Vec::new(),
    }
}

impl<S: State> PodEviction<S> {
    /// Also let the OOM killer terminate the pod (behaviour `k8s:oom-kill`).
    pub fn oom_kill(
        mut self,
        can_oom_kill: impl Fn(&S) -> bool + Send + Sync + 'static,
        on_oom_kill: impl Fn(&S) -> S + Send + Sync + 'static,
    ) -> Self {
        self.oom_kill = Some(Action::new("k8s:oom-kill", can_oom_kill, on_oom_kill));
        self
    }

    /// Give [`eviction_rate_bounded`] a checkable form: at most `max` `k8s:evict-pod` steps in
    /// one run ([`Assumption::at_most`]), the disruption budget read over the run the model
    /// covers. Its name, text and place stay as shipped; without a budget it has no checkable
    /// form. A counterexample with more evictions is then reported as breaking it, and
    /// [`check_open_assuming`](crate::open::check_open_assuming) can assume it.
    pub fn eviction_budget(mut self, max: usize) -> Self {
        self.eviction_budget = Some(max);
        self
    }

    /// Cluster-specific assumptions, merged after the pre-wired ones.
    pub fn extra_assumptions(mut self, extra: impl IntoIterator<Item = Assumption<S>>) -> Self {
        self.extra.extend(extra);
        self
    }

    /// The environment.
    pub fn build(self) -> EnvironmentSpec<S> {
        let mut env = EnvironmentSpec::new("k8s").add_behaviour(self.evict);
        if let Some(oom) = self.oom_kill {
            env = env.add_behaviour(oom);
        }
        env.assumption(node_capacity())
            .assumption(scheduler_liveness())
            .assumption(match self.eviction_budget {
                Some(max) => eviction_rate_bounded().at_most(["k8s:evict-pod"], max),
                None => eviction_rate_bounded(),
            })
            .extra_assumptions(self.extra)
    }
}

impl<S: State> From<PodEviction<S>> for EnvironmentSpec<S> {
    fn from(b: PodEviction<S>) -> Self {
        b.build()
    }
}

/// Simulation-side companion: a [`crate::sim::AdversarialNode`] that answers every message,
/// from anyone, by sending `k8s:evict` back to its sender (an eviction notice). For another message,
/// `AdversarialNode::replying(msg)`.
pub fn eviction_notifier<M: Clone + From<&'static str> + 'static>() -> crate::sim::AdversarialNode<M> {
    crate::sim::AdversarialNode::replying(M::from("k8s:evict"))
}

/// Simulation-side companion: a [`crate::sim::AdversarialNode`] that answers every message,
/// from anyone, by sending `k8s:oom-kill` back to its sender (an OOM kill notice). For another message,
/// `AdversarialNode::replying(msg)`.
pub fn oom_notifier<M: Clone + From<&'static str> + 'static>() -> crate::sim::AdversarialNode<M> {
    crate::sim::AdversarialNode::replying(M::from("k8s:oom-kill"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::open::residual_assumptions;

    #[test]
    fn behaviours_and_assumption_table() {
        let env = pod_eviction(|n: &u8| *n == 0, |_| 1).build();
        assert_eq!(env.name, "k8s");
        assert_eq!(env.behaviour_names(), ["k8s:evict-pod"]);
        assert!(env.guarantees.is_empty());
        let keys: Vec<&str> = env.assumptions.keys().map(String::as_str).collect();
        assert_eq!(keys, ["k8s:node-capacity", "k8s:scheduler-liveness", "k8s:eviction-rate-bounded"]);
        let with_oom = pod_eviction(|n: &u8| *n == 0, |_| 1).oom_kill(|_| true, |_| 2).build();
        assert_eq!(with_oom.behaviour_names(), ["k8s:evict-pod", "k8s:oom-kill"]);
        assert!(with_oom.behaviours.iter().all(|b| b.fairness().is_none()));
    }

    #[test]
    fn extra_assumptions_append_or_replace_in_place() {
        let custom = Assumption::new("my-service:rate-limited", "the service is rate limited");
        let env = pod_eviction(|n: &u8| *n == 0, |_| 1)
            .extra_assumptions([custom, node_capacity().status(Status::Verified)])
            .build();
        let names: Vec<String> = residual_assumptions(&[env]).into_iter().map(|a| a.name).collect();
        assert_eq!(names, ["k8s:scheduler-liveness", "k8s:eviction-rate-bounded", "my-service:rate-limited"]);
    }

    #[test]
    fn eviction_budget_gives_the_shipped_assumption_a_bound() {
        let plain = pod_eviction(|n: &u8| *n == 0, |_| 1).build();
        assert!(!plain.assumptions["k8s:eviction-rate-bounded"].is_checkable());
        let env = pod_eviction(|n: &u8| *n == 0, |_| 1).eviction_budget(5).build();
        let keys: Vec<&str> = env.assumptions.keys().map(String::as_str).collect();
        assert_eq!(keys, ["k8s:node-capacity", "k8s:scheduler-liveness", "k8s:eviction-rate-bounded"]);
        let a = &env.assumptions["k8s:eviction-rate-bounded"];
        let shipped = eviction_rate_bounded::<u8>();
        assert_eq!(
            (&a.name, &a.description, a.status, &a.source),
            (&shipped.name, &shipped.description, shipped.status, &shipped.source)
        );
        assert_eq!(a.bound, Some(crate::open::Bound::new(["k8s:evict-pod"], 5)));
        assert!(a.predicate.is_none());
        assert_eq!(env.assumptions.values().filter(|a| a.is_checkable()).count(), 1);
    }
}
