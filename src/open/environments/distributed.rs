//! Stateful distributed systems: credentials rotated mid-flight, records drifting from reality.
//!
//! Both factories are shape-agnostic (the caller's guard and effect say what the fault does to
//! its state). Message loss, reordering and duplication are not here: model them as channels
//! in the system itself. Races against a timer's grace window are not here either, as they
//! would tie the environment to a particular clock.
//!
//! ```
//! use musil::open::{check_open, environments::distributed};
//! use musil::Model;
//!
//! #[derive(Clone, Debug, PartialEq, Eq, Hash)]
//! struct View { record: u8, reality: u8, used: bool }
//!
//! // Trusts its cached record: acts on it without a fresh read.
//! let trusting = Model::new(View { record: 1, reality: 1, used: false })
//!     .action("use", |v| !v.used, |v| View { used: true, ..v.clone() })
//!     .invariant("no-use-on-divergence", |v| !v.used || v.record == v.reality)
//!     .terminal(|v| v.used);
//! let env = distributed::record_reality_divergence(
//!     |v: &View| v.record == v.reality && !v.used,
//!     |v| View { reality: v.reality + 1, ..v.clone() },
//! )
//! .build();
//! let r = check_open(&trusting, &[env]);
//! assert_eq!(r.result.action_names(), ["distributed:record-reality-divergence", "use"]);
//! assert_eq!(r.unverified_assumptions[0].name, "distributed:reality-eventually-sensed");
//! ```

use crate::model::Action;
use crate::open::{Assumption, EnvironmentSpec, Status};
use crate::system::State;

/// `distributed:credential-rotation-observed`: the holder notices an invalidated credential.
pub fn credential_rotation_observed<S>() -> Assumption<S> {
    Assumption::new(
        "distributed:credential-rotation-observed",
        "A credential can be rotated (invalidated) at any moment; the holder eventually observes the invalidation on its next authenticated call and re-authenticates, rather than trusting a cached token indefinitely",
    )
    .status(Status::Unverified)
    .source("OAuth 2.0 access-token expiry (RFC 6749 §1.5); secret-rotation practice")
}

/// `distributed:reality-eventually-sensed`: a component re-reads reality instead of trusting
/// its record.
pub fn reality_eventually_sensed<S>() -> Assumption<S> {
    Assumption::new(
        "distributed:reality-eventually-sensed",
        "A component's cached RECORD of external state can diverge from REALITY at any time (a restart, a cutover, a re-attached or empty volume); a correct component re-validates the record against a real read on recovery and does not treat its own record as ground truth",
    )
    .status(Status::Unverified)
    .source("Read-repair / cache-invalidation practice: the record is not the territory")
}

/// Builder of the `distributed` credential-rotation environment; see [`credential_rotation`].
#[must_use = "call build() to get the EnvironmentSpec"]
pub struct CredentialRotation<S> {
    rotate: Action<S>,
    extra: Vec<Assumption<S>>,
}

impl<S> std::fmt::Debug for CredentialRotation<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CredentialRotation").field("extra", &self.extra.len()).finish_non_exhaustive()
    }
}

/// The `distributed` environment of a credential rotated under the system: whenever
/// `can_rotate` holds (typically, while the credential is valid) it may be invalidated
/// (behaviour `distributed:credential-rotation`, effect `on_rotate`), so the system meets a
/// rotation at the worst possible moment. Pre-wired assumption:
/// [`credential_rotation_observed`].
pub fn credential_rotation<S: State>(
    can_rotate: impl Fn(&S) -> bool + Send + Sync + 'static,
    on_rotate: impl Fn(&S) -> S + Send + Sync + 'static,
) -> CredentialRotation<S> {
    CredentialRotation {
        rotate: Action::new("distributed:credential-rotation", can_rotate, on_rotate),
        extra: Vec::new(),
    }
}

impl<S: State> CredentialRotation<S> {
    /// Deployment-specific assumptions, merged after the pre-wired one.
    pub fn extra_assumptions(mut self, extra: impl IntoIterator<Item = Assumption<S>>) -> Self {
        self.extra.extend(extra);
        self
    }

    /// The environment.
    pub fn build(self) -> EnvironmentSpec<S> {
        EnvironmentSpec::new("distributed")
            .add_behaviour(self.rotate)
            .assumption(credential_rotation_observed())
            .extra_assumptions(self.extra)
    }
}

impl<S: State> From<CredentialRotation<S>> for EnvironmentSpec<S> {
    fn from(b: CredentialRotation<S>) -> Self {
        b.build()
    }
}

/// Builder of the `distributed` record/reality environment; see
/// [`record_reality_divergence`].
#[must_use = "call build() to get the EnvironmentSpec"]
pub struct RecordRealityDivergence<S> {
    diverge: Action<S>,
    extra: Vec<Assumption<S>>,
}

impl<S> std::fmt::Debug for RecordRealityDivergence<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecordRealityDivergence").field("extra", &self.extra.len()).finish_non_exhaustive()
    }
}

/// The `distributed` environment in which the world moves while a component's cached record
/// of it stays put: whenever `can_diverge` holds (typically, while record and reality agree)
/// reality may change and leave the record stale (behaviour
/// `distributed:record-reality-divergence`, effect `on_diverge`). A stale view after a restart
/// or a cutover and a wrong or empty volume found on recovery are both instances; the effect
/// says which. Pre-wired assumption: [`reality_eventually_sensed`].
pub fn record_reality_divergence<S: State>(
    can_diverge: impl Fn(&S) -> bool + Send + Sync + 'static,
    on_diverge: impl Fn(&S) -> S + Send + Sync + 'static,
) -> RecordRealityDivergence<S> {
    RecordRealityDivergence {
        diverge: Action::new("distributed:record-reality-divergence", can_diverge, on_diverge),
        extra: Vec::new(),
    }
}

impl<S: State> RecordRealityDivergence<S> {
    /// Deployment-specific assumptions, merged after the pre-wired one.
    pub fn extra_assumptions(mut self, extra: impl IntoIterator<Item = Assumption<S>>) -> Self {
        self.extra.extend(extra);
        self
    }

    /// The environment.
    pub fn build(self) -> EnvironmentSpec<S> {
        EnvironmentSpec::new("distributed")
            .add_behaviour(self.diverge)
            .assumption(reality_eventually_sensed())
            .extra_assumptions(self.extra)
    }
}

impl<S: State> From<RecordRealityDivergence<S>> for EnvironmentSpec<S> {
    fn from(b: RecordRealityDivergence<S>) -> Self {
        b.build()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn behaviours_and_keys() {
        let rot = credential_rotation(|n: &u8| *n == 0, |_| 1).build();
        assert_eq!(rot.name, "distributed");
        assert_eq!(rot.behaviour_names(), ["distributed:credential-rotation"]);
        let keys: Vec<&str> = rot.assumptions.keys().map(String::as_str).collect();
        assert_eq!(keys, ["distributed:credential-rotation-observed"]);
        let div = record_reality_divergence(|n: &u8| *n == 0, |_| 1).build();
        assert_eq!(div.name, "distributed");
        assert_eq!(div.behaviour_names(), ["distributed:record-reality-divergence"]);
        let keys: Vec<&str> = div.assumptions.keys().map(String::as_str).collect();
        assert_eq!(keys, ["distributed:reality-eventually-sensed"]);
        assert!(rot.guarantees.is_empty() && div.guarantees.is_empty());
    }
}
