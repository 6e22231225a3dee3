//! Block storage: detached, wrong, empty volumes and detaches racing writes.
//!
//! These are the faults behind most data-loss incidents of stateful nodes. The contract the
//! two pre-wired assumptions state: a volume is attached to one node at a time, and after an
//! attach the node eventually senses whether the volume carries its own data, so a wrong or
//! empty volume is detected rather than served (which is what lets a liveness property such
//! as "eventually recovered" hold).
//!
//! Every fault is opt-in and at least one is required: [`BlockVolumeFaults::build`] returns
//! an [`Error`] of kind [`InvalidInput`](crate::ErrorKind::InvalidInput) when
//! none was added.
//!
//! ```
//! use musil::open::{check_open, environments::storage};
//! use musil::Model;
//!
//! #[derive(Clone, Debug, PartialEq, Eq, Hash)]
//! struct Node { attached: bool, data_ok: bool, serving: bool }
//!
//! // A node that serves whatever volume it finds attached.
//! let naive = Model::new(Node { attached: false, data_ok: true, serving: false })
//!     .action("attach", |n| !n.attached, |n| Node { attached: true, ..n.clone() })
//!     .action("serve", |n| n.attached && !n.serving, |n| Node { serving: true, ..n.clone() })
//!     .invariant("no-wrong-serve", |n| !n.serving || n.data_ok)
//!     .terminal(|n| n.serving);
//! let env = storage::block_volume_faults()
//!     .wrong_attach(|n: &Node| n.attached && !n.serving, |n| Node { data_ok: false, ..n.clone() })
//!     .build()?;
//! let r = check_open(&naive, &[env]);
//! assert_eq!(r.result.action_names(), ["attach", "storage:wrong-volume-attached", "serve"]);
//!
//! assert!(storage::block_volume_faults::<Node>().build().is_err());
//! # Ok::<(), musil::Error>(())
//! ```

use std::fmt;

use crate::error::{Error, ErrorKind};
use crate::model::Action;
use crate::open::{Assumption, EnvironmentSpec, Status};
use crate::system::State;

/// `storage:attach-exclusive`: one node at a time holds a volume.
pub fn volume_attach_exclusive<S>() -> Assumption<S> {
    Assumption::new(
        "storage:attach-exclusive",
        "A block volume is attached to at most one node at a time; a second attach waits for or force-detaches the first (barring explicit multi-attach)",
    )
    .status(Status::Unverified)
    .source(
        "AWS EBS docs: a volume attaches to one instance at a time (except Multi-Attach); general block-storage contract",
    )
}

/// `storage:data-presence-sensed`: a node eventually detects a wrong or empty volume.
pub fn data_presence_sensed<S>() -> Assumption<S> {
    Assumption::new(
        "storage:data-presence-sensed",
        "After an attach a node eventually SENSES whether the volume holds its own data (a sentinel/marker read) and refuses to serve a wrong or empty volume, so a data-loss state is detectable and thus recoverable -- this is what makes []<>recovered provable rather than a wrong volume silently served",
    )
    .status(Status::Unverified)
    .source("Operational assumption: the node must implement the sense and the deployment must guarantee it resolves")
}

/// Builder of the `storage` environment; see [`block_volume_faults`].
///
/// Each fault method takes its guard and its effect together, so the original's other error
/// (a guard supplied without its effect, or the reverse) cannot be written in Rust; the only
/// error left is adding no fault at all.
#[must_use = "call build() to get the EnvironmentSpec"]
pub struct BlockVolumeFaults<S> {
    detach: Option<Action<S>>,
    wrong_attach: Option<Action<S>>,
    empty_attach: Option<Action<S>>,
    detach_during_write: Option<Action<S>>,
    extra: Vec<Assumption<S>>,
}

impl<S> fmt::Debug for BlockVolumeFaults<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BlockVolumeFaults")
            .field("detach", &self.detach.is_some())
            .field("wrong_attach", &self.wrong_attach.is_some())
            .field("empty_attach", &self.empty_attach.is_some())
            .field("detach_during_write", &self.detach_during_write.is_some())
            .finish_non_exhaustive()
    }
}

/// The `storage` environment, with no fault yet: add at least one with
/// [`detach`](BlockVolumeFaults::detach), [`wrong_attach`](BlockVolumeFaults::wrong_attach),
/// [`empty_attach`](BlockVolumeFaults::empty_attach) or
/// [`detach_during_write`](BlockVolumeFaults::detach_during_write). Behaviours come out in
/// that order whatever order they were added in. Pre-wired assumptions, in order:
/// [`volume_attach_exclusive`], [`data_presence_sensed`].
///
/// Each method takes a fault's guard and effect together, so the original's half-supplied
/// pair (its `BOTH` error) cannot be written; adding no fault at all is the one error left,
/// reported by [`build`](BlockVolumeFaults::build) as an [`Error`].
pub fn block_volume_faults<S: State>() -> BlockVolumeFaults<S> {
    BlockVolumeFaults {
        detach: None,
        wrong_attach: None,
        empty_attach: None,
        detach_during_write: None,
        extra: Vec::new(),
    }
}

impl<S: State> BlockVolumeFaults<S> {
    /// The volume may be detached or lost (behaviour `storage:volume-detached`).
    pub fn detach(
        mut self,
        can_detach: impl Fn(&S) -> bool + Send + Sync + 'static,
        on_detach: impl Fn(&S) -> S + Send + Sync + 'static,
    ) -> Self {
        self.detach = Some(Action::new("storage:volume-detached", can_detach, on_detach));
        self
    }

    /// A different volume, holding another tenant's data, may be attached (behaviour
    /// `storage:wrong-volume-attached`); serving it destroys that tenant's data.
    pub fn wrong_attach(
        mut self,
        can_wrong_attach: impl Fn(&S) -> bool + Send + Sync + 'static,
        on_wrong_attach: impl Fn(&S) -> S + Send + Sync + 'static,
    ) -> Self {
        self.wrong_attach =
            Some(Action::new("storage:wrong-volume-attached", can_wrong_attach, on_wrong_attach));
        self
    }

    /// A volume that is present but empty may be attached (behaviour
    /// `storage:empty-volume-attached`).
    pub fn empty_attach(
        mut self,
        can_empty_attach: impl Fn(&S) -> bool + Send + Sync + 'static,
        on_empty_attach: impl Fn(&S) -> S + Send + Sync + 'static,
    ) -> Self {
        self.empty_attach =
            Some(Action::new("storage:empty-volume-attached", can_empty_attach, on_empty_attach));
        self
    }

    /// A detach may race a write in flight (behaviour `storage:detach-during-write`).
    pub fn detach_during_write(
        mut self,
        can_detach_during_write: impl Fn(&S) -> bool + Send + Sync + 'static,
        on_detach_during_write: impl Fn(&S) -> S + Send + Sync + 'static,
    ) -> Self {
        self.detach_during_write =
            Some(Action::new("storage:detach-during-write", can_detach_during_write, on_detach_during_write));
        self
    }

    /// Deployment-specific assumptions, merged after the pre-wired ones.
    pub fn extra_assumptions(mut self, extra: impl IntoIterator<Item = Assumption<S>>) -> Self {
        self.extra.extend(extra);
        self
    }

    /// The environment, or an error of kind [`ErrorKind::InvalidInput`] when no fault was
    /// added: an environment that can do nothing to the system is refused rather than
    /// silently accepted.
    pub fn build(self) -> Result<EnvironmentSpec<S>, Error> {
        let faults: Vec<Action<S>> =
            [self.detach, self.wrong_attach, self.empty_attach, self.detach_during_write]
                .into_iter()
                .flatten()
                .collect();
        if faults.is_empty() {
            return Err(Error::new(
                ErrorKind::InvalidInput,
                "block_volume_faults: supply at least one fault's can_/on_ pair",
            ));
        }
        Ok(faults
            .into_iter()
            .fold(EnvironmentSpec::new("storage"), EnvironmentSpec::add_behaviour)
            .assumption(volume_attach_exclusive())
            .assumption(data_presence_sensed())
            .extra_assumptions(self.extra))
    }
}

impl<S: State> TryFrom<BlockVolumeFaults<S>> for EnvironmentSpec<S> {
    type Error = Error;
    fn try_from(b: BlockVolumeFaults<S>) -> Result<Self, Error> {
        b.build()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn behaviours_in_fixed_order() {
        let env = block_volume_faults::<u8>()
            .detach_during_write(|_| true, |_| 4)
            .empty_attach(|_| true, |_| 3)
            .wrong_attach(|_| true, |_| 2)
            .detach(|_| true, |_| 1)
            .build()
            .unwrap();
        assert_eq!(env.name, "storage");
        assert_eq!(
            env.behaviour_names(),
            [
                "storage:volume-detached",
                "storage:wrong-volume-attached",
                "storage:empty-volume-attached",
                "storage:detach-during-write"
            ]
        );
        assert!(env.guarantees.is_empty());
        let keys: Vec<&str> = env.assumptions.keys().map(String::as_str).collect();
        assert_eq!(keys, ["storage:attach-exclusive", "storage:data-presence-sensed"]);
        let one = block_volume_faults::<u8>().empty_attach(|_| true, |_| 3).build().unwrap();
        assert_eq!(one.behaviour_names(), ["storage:empty-volume-attached"]);
    }

    #[test]
    fn no_fault_is_an_error() {
        let err = block_volume_faults::<u8>().build().unwrap_err();
        assert_eq!(err.to_string(), "block_volume_faults: supply at least one fault's can_/on_ pair");
        let via_try: Result<EnvironmentSpec<u8>, _> = block_volume_faults::<u8>().try_into();
        assert_eq!(via_try.unwrap_err().kind(), ErrorKind::InvalidInput);
    }
}
