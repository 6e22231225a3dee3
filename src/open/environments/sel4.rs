//! seL4: capability revocation and, optionally, IPC timeouts, over the proof's own axiom.
//!
//! The seL4 proof (Klein et al., SOSP 2009) covers capability integrity, so that assumption
//! is pre-wired as verified and never surfaces; the hardware it runs on is an axiom, which
//! does surface, as does IPC liveness, which the proof does not cover.
//!
//! ```
//! use musil::open::{check_open, environments::sel4, Status};
//! use musil::Model;
//!
//! #[derive(Clone, Debug, PartialEq, Eq, Hash)]
//! struct Task { cap_valid: bool, used_revoked: bool }
//!
//! let careful = Model::new(Task { cap_valid: true, used_revoked: false })
//!     .action("use-cap", |t| t.cap_valid, |t| t.clone())
//!     .invariant("no-revoked-use", |t| !t.used_revoked)
//!     .terminal(|t| !t.cap_valid);
//! let env = sel4::capability_revocation(|t: &Task| t.cap_valid, |t| Task { cap_valid: false, ..t.clone() })
//!     .build();
//! let r = check_open(&careful, &[env]);
//! assert!(r.ok());
//! let residuals: Vec<(&str, Status)> =
//!     r.unverified_assumptions.iter().map(|a| (a.name.as_str(), a.status)).collect();
//! assert_eq!(residuals, [("sel4:hardware-memory-safety", Status::Axiom), ("sel4:ipc-liveness", Status::Unverified)]);
//! ```

use crate::model::Action;
use crate::open::{Assumption, EnvironmentSpec, Status};
use crate::system::State;

/// `sel4:hardware-memory-safety` (axiom): the hardware the proof runs on behaves.
pub fn hardware_memory_safety<S>() -> Assumption<S> {
    Assumption::new(
        "sel4:hardware-memory-safety",
        "Physical memory does not corrupt silently; CPU executes instructions faithfully. This is seL4's Trusted Computing Base (TCB) — the axiom the formal proof rests on.",
    )
    .status(Status::Axiom)
    .source("Klein et al., 'seL4: Formal Verification of an OS Kernel', SOSP 2009 § 2 (TCB)")
}

/// `sel4:capability-integrity` (verified): capabilities cannot be forged or leaked.
pub fn cap_integrity<S>() -> Assumption<S> {
    Assumption::new(
        "sel4:capability-integrity",
        "Capability access requires explicit delegation from a parent; seL4 formally proves no capability can be forged or leaked",
    )
    .status(Status::Verified)
    .source("Klein et al., 'seL4: Formal Verification of an OS Kernel', SOSP 2009 § 4")
}

/// `sel4:ipc-liveness`: blocking IPC with a timeout is eventually scheduled.
pub fn ipc_liveness<S>() -> Assumption<S> {
    Assumption::new(
        "sel4:ipc-liveness",
        "Blocking IPC calls with a finite timeout are eventually scheduled; the seL4 scheduler does not starve any domain indefinitely",
    )
    .status(Status::Unverified)
    .source(
        "seL4 Reference Manual § 4 (IPC); liveness is not covered by the SOSP 2009 functional correctness proof",
    )
}

/// Builder of the `sel4` environment; see [`capability_revocation`].
#[must_use = "call build() to get the EnvironmentSpec"]
pub struct CapabilityRevocation<S> {
    revoke: Action<S>,
    ipc_timeout: Option<Action<S>>,
    extra: Vec<Assumption<S>>,
}

impl<S> std::fmt::Debug for CapabilityRevocation<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CapabilityRevocation")
            .field("ipc_timeout", &self.ipc_timeout.is_some())
            .finish_non_exhaustive()
    }
}

/// The `sel4` environment: a parent may revoke a capability whenever `can_revoke` holds
/// (behaviour `sel4:cap-revoke`, effect `on_revoke`). Pre-wired assumptions, in order:
/// [`hardware_memory_safety`] (axiom, surfaced), [`cap_integrity`] (verified, filtered out),
/// [`ipc_liveness`].
pub fn capability_revocation<S: State>(
    can_revoke: impl Fn(&S) -> bool + Send + Sync + 'static,
    on_revoke: impl Fn(&S) -> S + Send + Sync + 'static,
) -> CapabilityRevocation<S> {
    CapabilityRevocation {
        revoke: Action::new("sel4:cap-revoke", can_revoke, on_revoke),
        ipc_timeout: None,
        extra: Vec::new(),
    }
}

impl<S: State> CapabilityRevocation<S> {
    /// Also let a blocking IPC call time out (behaviour `sel4:ipc-timeout`).
    pub fn ipc_timeout(
        mut self,
        can_ipc_timeout: impl Fn(&S) -> bool + Send + Sync + 'static,
        on_ipc_timeout: impl Fn(&S) -> S + Send + Sync + 'static,
    ) -> Self {
        self.ipc_timeout = Some(Action::new("sel4:ipc-timeout", can_ipc_timeout, on_ipc_timeout));
        self
    }

    /// System-specific assumptions, merged after the pre-wired ones.
    pub fn extra_assumptions(mut self, extra: impl IntoIterator<Item = Assumption<S>>) -> Self {
        self.extra.extend(extra);
        self
    }

    /// The environment.
    pub fn build(self) -> EnvironmentSpec<S> {
        let mut env = EnvironmentSpec::new("sel4").add_behaviour(self.revoke);
        if let Some(timeout) = self.ipc_timeout {
            env = env.add_behaviour(timeout);
        }
        env.assumption(hardware_memory_safety())
            .assumption(cap_integrity())
            .assumption(ipc_liveness())
            .extra_assumptions(self.extra)
    }
}

impl<S: State> From<CapabilityRevocation<S>> for EnvironmentSpec<S> {
    fn from(b: CapabilityRevocation<S>) -> Self {
        b.build()
    }
}

/// Simulation-side companion: a [`crate::sim::AdversarialNode`] that answers every message,
/// from anyone, by sending `sel4:cap-revoked` back to its sender (a capability revocation). For another message,
/// `AdversarialNode::replying(msg)`.
pub fn cap_revocation_notifier<M: Clone + From<&'static str> + 'static>() -> crate::sim::AdversarialNode<M> {
    crate::sim::AdversarialNode::replying(M::from("sel4:cap-revoked"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn behaviours_statuses_and_keys() {
        let env = capability_revocation(|n: &u8| *n == 0, |_| 1).build();
        assert_eq!(env.name, "sel4");
        assert_eq!(env.behaviour_names(), ["sel4:cap-revoke"]);
        assert!(env.guarantees.is_empty());
        let table: Vec<(&str, Status)> =
            env.assumptions.values().map(|a| (a.name.as_str(), a.status)).collect();
        assert_eq!(
            table,
            [
                ("sel4:hardware-memory-safety", Status::Axiom),
                ("sel4:capability-integrity", Status::Verified),
                ("sel4:ipc-liveness", Status::Unverified)
            ]
        );
        let with_timeout =
            capability_revocation(|n: &u8| *n == 0, |_| 1).ipc_timeout(|_| true, |_| 2).build();
        assert_eq!(with_timeout.behaviour_names(), ["sel4:cap-revoke", "sel4:ipc-timeout"]);
    }
}
