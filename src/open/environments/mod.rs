//! Pre-built environments: the platforms services meet, with the assumptions they cite.
//!
//! One module per platform, each with its factories (builders that end in `build()`), the
//! behaviours they add (action names such as `k8s:evict-pod`) and the [`Assumption`]s they
//! pre-wire, each a function returning the assumption with its name, description, status and
//! source exactly as the original ships them:
//!
//! | module | factories | behaviours |
//! |---|---|---|
//! | [`aws`] | [`aws::aws_api_faults`] | `aws:throttle`, optional `aws:timeout` |
//! | [`distributed`] | [`distributed::credential_rotation`] | `distributed:credential-rotation` |
//! | | [`distributed::record_reality_divergence`] | `distributed:record-reality-divergence` |
//! | [`etcd`] | [`etcd::cluster_faults`] | `etcd:leader-change`, optional `etcd:write-conflict`, `etcd:compaction` |
//! | [`k8s`] | [`k8s::pod_eviction`] | `k8s:evict-pod`, optional `k8s:oom-kill` |
//! | [`linux`] | [`linux::process_faults`] | `linux:oom-kill`, optional `linux:sigterm` |
//! | | [`linux::fs_faults`] | `linux:enospc` |
//! | [`sel4`] | [`sel4::capability_revocation`] | `sel4:cap-revoke`, optional `sel4:ipc-timeout` |
//! | [`storage`] | [`storage::block_volume_faults`] | any of `storage:volume-detached`, `storage:wrong-volume-attached`, `storage:empty-volume-attached`, `storage:detach-during-write`; at least one, else `build()` returns an error |
//!
//! Behaviours are unfair (an adversary is never assumed to help), no factory ships
//! guarantees, and `extra_assumptions` are merged after the pre-wired ones (an assumption
//! with a pre-wired name replaces it in place, e.g. to mark it verified).
//! Shipped assumptions are words and citations, with no checkable form, except where a
//! factory is given a budget: [`k8s::PodEviction::eviction_budget`],
//! [`aws::AwsApiFaults::throttle_budget`] and [`etcd::ClusterFaults::leader_change_budget`]
//! attach a bound on their behaviour to `k8s:eviction-rate-bounded`, `aws:throttle-transient`
//! and `etcd:bounded-leader-election` (names, texts and order unchanged), so that a
//! counterexample is read against it and a check can assume it ([`crate::open::assume`]).
//! Two verified assumptions are shipped but, as in the original, not pre-wired:
//! [`aws::iam_correctness`] and [`etcd::unique_leader`]; add them with `extra_assumptions`.
//!
//! Simulation-side companions, [`AdversarialNode`](crate::sim::AdversarialNode)s for
//! [`crate::sim`] that answer every message with a fixed one sent back to its sender:
//! [`aws::throttling_service`] (a [`aws::Throttling`] error), [`aws::timeout_service`] (never
//! answers), [`etcd::etcd_adversary`] (`etcd:leader-change`), [`k8s::eviction_notifier`]
//! (`k8s:evict`), [`k8s::oom_notifier`] (`k8s:oom-kill`), [`linux::oom_notifier`]
//! (`linux:oom-kill`), [`linux::signal_sender`] (`SIGTERM`) and
//! [`sel4::cap_revocation_notifier`] (`sel4:cap-revoked`); `storage` and `distributed` have none.
//!
//! [`Assumption`]: crate::open::Assumption

pub mod aws;
pub mod distributed;
pub mod etcd;
pub mod k8s;
pub mod linux;
pub mod sel4;
pub mod storage;
