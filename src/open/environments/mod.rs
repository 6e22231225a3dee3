//! Pre-built environments: the platforms services meet, with the assumptions they cite.
//!
//! One module per platform, each with its factories (builders that end in `build()`), the
//! behaviours they add (action names such as `k8s:evict-pod`) and the [`Assumption`]s they
//! pre-wire, each a function returning the assumption with its name, description, status and
//! source exactly as the original ships them:
//!
//! | module | factories | behaviours |
//! |---|---|---|
//! | [`k8s`] | [`k8s::pod_eviction`] | `k8s:evict-pod`, optional `k8s:oom-kill` |
//!
//! Behaviours are unfair (an adversary is never assumed to help), no factory ships
//! guarantees, and `extra_assumptions` are merged after the pre-wired ones (an assumption
//! with a pre-wired name replaces it in place, e.g. to mark it verified).
//!
//! [`Assumption`]: crate::open::Assumption

pub mod k8s;
