//! Linux: OOM kills and SIGTERM for processes, ENOSPC for filesystems.
//!
//! ```
//! use musil::open::{check_open, environments::linux};
//! use musil::Model;
//!
//! #[derive(Clone, Debug, PartialEq, Eq, Hash)]
//! enum Proc { Running, Killed, Stopped }
//!
//! let supervised = Model::new(Proc::Running)
//!     .action("respawn", |p| *p == Proc::Killed, |_| Proc::Running)
//!     .terminal(|p| *p == Proc::Stopped);
//! let env = linux::process_faults(|p: &Proc| *p == Proc::Running, |_| Proc::Killed)
//!     .sigterm(|p: &Proc| *p == Proc::Running, |_| Proc::Stopped)
//!     .build();
//! assert_eq!(env.behaviour_names(), ["linux:oom-kill", "linux:sigterm"]);
//! let r = check_open(&supervised, &[env]);
//! assert!(r.ok());
//! assert_eq!(r.result.states_explored, 3);
//!
//! // fs_faults pre-wires a verified assumption (rename is atomic): only ENOSPC is residual.
//! let disk = linux::fs_faults(|p: &Proc| *p == Proc::Running, |_| Proc::Stopped).build();
//! assert_eq!(disk.behaviour_names(), ["linux:enospc"]);
//! let r = check_open(&supervised, &[disk]);
//! assert_eq!(r.unverified_assumptions.len(), 1);
//! assert_eq!(r.unverified_assumptions[0].name, "linux:enospc-recoverable");
//! ```

use crate::model::Action;
use crate::open::{Assumption, EnvironmentSpec, Status};
use crate::system::State;

/// `linux:oom-killer-bounded`: the OOM killer fires only under real pressure, one victim at
/// a time.
pub fn oom_killer_bounded<S>() -> Assumption<S> {
    Assumption::new(
        "linux:oom-killer-bounded",
        "The OOM killer fires only under genuine memory pressure; it selects victims by oom_score and kills at most one process per invocation",
    )
    .status(Status::Unverified)
    .source("Linux kernel docs: admin-guide/mm/concepts § OOM killer")
}

/// `linux:signal-delivery`: sent signals are eventually delivered.
pub fn signal_delivery<S>() -> Assumption<S> {
    Assumption::new(
        "linux:signal-delivery",
        "Signals sent to a process are eventually delivered (subject to signal masks and process state)",
    )
    .status(Status::Unverified)
    .source("Linux man-pages: signal(7) § Standard signals")
}

/// `linux:fs-rename-atomic` (verified): `rename(2)` within one filesystem is atomic.
pub fn fs_rename_atomic<S>() -> Assumption<S> {
    Assumption::new(
        "linux:fs-rename-atomic",
        "rename(2) is atomic within the same filesystem; either the old name or the new name is visible, never both nor neither",
    )
    .status(Status::Verified)
    .source("Linux man-pages: rename(2) § NOTES")
}

/// `linux:enospc-recoverable`: a full disk frees up again after cleanup.
pub fn enospc_recoverable<S>() -> Assumption<S> {
    Assumption::new(
        "linux:enospc-recoverable",
        "ENOSPC conditions are transient; disk space becomes available after log rotation or other cleanup",
    )
    .status(Status::Unverified)
    .source("Operational assumption — must be verified per deployment")
}

/// Builder of the `linux` process environment; see [`process_faults`].
#[must_use = "call build() to get the EnvironmentSpec"]
pub struct ProcessFaults<S> {
    oom_kill: Action<S>,
    sigterm: Option<Action<S>>,
    extra: Vec<Assumption<S>>,
}

impl<S> std::fmt::Debug for ProcessFaults<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProcessFaults").field("sigterm", &self.sigterm.is_some()).finish_non_exhaustive()
    }
}

/// The `linux` process environment: the kernel's OOM killer may kill the process
/// (SIGKILL, exit status 137) whenever `can_oom_kill` holds (behaviour `linux:oom-kill`,
/// effect `on_oom_kill`). Pre-wired assumptions, in order: [`oom_killer_bounded`],
/// [`signal_delivery`].
pub fn process_faults<S: State>(
    can_oom_kill: impl Fn(&S) -> bool + Send + Sync + 'static,
    on_oom_kill: impl Fn(&S) -> S + Send + Sync + 'static,
) -> ProcessFaults<S> {
    ProcessFaults {
        oom_kill: Action::new("linux:oom-kill", can_oom_kill, on_oom_kill),
        sigterm: None,
        extra: Vec::new(),
    }
}

impl<S: State> ProcessFaults<S> {
    /// Also let the process be asked to shut down gracefully (behaviour `linux:sigterm`).
    pub fn sigterm(
        mut self,
        can_sigterm: impl Fn(&S) -> bool + Send + Sync + 'static,
        on_sigterm: impl Fn(&S) -> S + Send + Sync + 'static,
    ) -> Self {
        self.sigterm = Some(Action::new("linux:sigterm", can_sigterm, on_sigterm));
        self
    }

    /// Host-specific assumptions, merged after the pre-wired ones.
    pub fn extra_assumptions(mut self, extra: impl IntoIterator<Item = Assumption<S>>) -> Self {
        self.extra.extend(extra);
        self
    }

    /// The environment.
    pub fn build(self) -> EnvironmentSpec<S> {
        let mut env = EnvironmentSpec::new("linux").add_behaviour(self.oom_kill);
        if let Some(sigterm) = self.sigterm {
            env = env.add_behaviour(sigterm);
        }
        env.assumption(oom_killer_bounded()).assumption(signal_delivery()).extra_assumptions(self.extra)
    }
}

impl<S: State> From<ProcessFaults<S>> for EnvironmentSpec<S> {
    fn from(b: ProcessFaults<S>) -> Self {
        b.build()
    }
}

/// Builder of the `linux` filesystem environment; see [`fs_faults`].
#[must_use = "call build() to get the EnvironmentSpec"]
pub struct FsFaults<S> {
    enospc: Action<S>,
    extra: Vec<Assumption<S>>,
}

impl<S> std::fmt::Debug for FsFaults<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FsFaults").field("extra", &self.extra.len()).finish_non_exhaustive()
    }
}

/// The `linux` filesystem environment: a write may fail with "no space left on device"
/// whenever `can_enospc` holds (behaviour `linux:enospc`, effect `on_enospc`). Pre-wired
/// assumptions, in order: [`fs_rename_atomic`] (verified, so never a residual),
/// [`enospc_recoverable`].
pub fn fs_faults<S: State>(
    can_enospc: impl Fn(&S) -> bool + Send + Sync + 'static,
    on_enospc: impl Fn(&S) -> S + Send + Sync + 'static,
) -> FsFaults<S> {
    FsFaults { enospc: Action::new("linux:enospc", can_enospc, on_enospc), extra: Vec::new() }
}

impl<S: State> FsFaults<S> {
    /// Host-specific assumptions, merged after the pre-wired ones.
    pub fn extra_assumptions(mut self, extra: impl IntoIterator<Item = Assumption<S>>) -> Self {
        self.extra.extend(extra);
        self
    }

    /// The environment.
    pub fn build(self) -> EnvironmentSpec<S> {
        EnvironmentSpec::new("linux")
            .add_behaviour(self.enospc)
            .assumption(fs_rename_atomic())
            .assumption(enospc_recoverable())
            .extra_assumptions(self.extra)
    }
}

impl<S: State> From<FsFaults<S>> for EnvironmentSpec<S> {
    fn from(b: FsFaults<S>) -> Self {
        b.build()
    }
}

/// Simulation-side companion: a [`crate::sim::AdversarialNode`] that answers every message,
/// from anyone, by sending `linux:oom-kill` back to its sender (an OOM kill notice). For another message,
/// `AdversarialNode::replying(msg)`.
pub fn oom_notifier<M: Clone + From<&'static str> + 'static>() -> crate::sim::AdversarialNode<M> {
    crate::sim::AdversarialNode::replying(M::from("linux:oom-kill"))
}

/// Simulation-side companion: a [`crate::sim::AdversarialNode`] that answers every message,
/// from anyone, by sending `SIGTERM` back to its sender (the signal, as the payload). For another message,
/// `AdversarialNode::replying(msg)`.
pub fn signal_sender<M: Clone + From<&'static str> + 'static>() -> crate::sim::AdversarialNode<M> {
    crate::sim::AdversarialNode::replying(M::from("SIGTERM"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn process_faults_behaviours_and_keys() {
        let env = process_faults(|n: &u8| *n == 0, |_| 1).build();
        assert_eq!(env.name, "linux");
        assert_eq!(env.behaviour_names(), ["linux:oom-kill"]);
        assert!(env.guarantees.is_empty());
        let keys: Vec<&str> = env.assumptions.keys().map(String::as_str).collect();
        assert_eq!(keys, ["linux:oom-killer-bounded", "linux:signal-delivery"]);
        let with_term = process_faults(|n: &u8| *n == 0, |_| 1).sigterm(|_| true, |_| 2).build();
        assert_eq!(with_term.behaviour_names(), ["linux:oom-kill", "linux:sigterm"]);
    }

    #[test]
    fn fs_faults_behaviours_and_keys() {
        let env = fs_faults(|n: &u8| *n == 0, |_| 1).build();
        assert_eq!(env.name, "linux");
        assert_eq!(env.behaviour_names(), ["linux:enospc"]);
        let keys: Vec<&str> = env.assumptions.keys().map(String::as_str).collect();
        assert_eq!(keys, ["linux:fs-rename-atomic", "linux:enospc-recoverable"]);
        assert_eq!(env.assumptions["linux:fs-rename-atomic"].status, Status::Verified);
    }
}
