//! AWS: API throttling and, optionally, request timeouts.
//!
//! ```
//! use musil::open::{check_open, environments::aws};
//! use musil::Model;
//!
//! #[derive(Clone, Debug, PartialEq, Eq, Hash)]
//! struct Put { in_flight: bool, throttled: bool }
//!
//! let client = Model::new(Put { in_flight: false, throttled: false })
//!     .action("send", |s| !s.in_flight && !s.throttled, |_| Put { in_flight: true, throttled: false })
//!     .action("backoff", |s| s.throttled, |_| Put { in_flight: false, throttled: false })
//!     .invariant("not-both", |s| !(s.in_flight && s.throttled));
//! let env = aws::aws_api_faults(|s: &Put| s.in_flight, |_| Put { in_flight: false, throttled: true })
//!     .timeout(|s: &Put| s.in_flight, |_| Put { in_flight: false, throttled: false })
//!     .build();
//! assert_eq!(env.behaviour_names(), ["aws:throttle", "aws:timeout"]);
//! let r = check_open(&client, &[env]);
//! assert!(r.ok());
//! let residuals: Vec<&str> = r.unverified_assumptions.iter().map(|a| a.name.as_str()).collect();
//! assert_eq!(residuals, ["aws:s3-eventual-delivery", "aws:region-availability", "aws:throttle-transient"]);
//! ```

use crate::model::Action;
use crate::open::{Assumption, EnvironmentSpec, Status};
use crate::system::State;

/// `aws:s3-eventual-delivery`: S3 PUT responses eventually arrive.
pub fn s3_eventual_delivery<S>() -> Assumption<S> {
    Assumption::new(
        "aws:s3-eventual-delivery",
        "S3 PUT responses are eventually delivered; strong consistency for new objects",
    )
    .status(Status::Unverified)
    .source("AWS docs: Amazon S3 > Strong consistency")
}

/// `aws:region-availability`: some region stays reachable.
pub fn region_availability<S>() -> Assumption<S> {
    Assumption::new(
        "aws:region-availability",
        "At least one AWS region is available and reachable; multi-region failover eventually succeeds",
    )
    .status(Status::Unverified)
    .source("AWS SLA: Compute Service Level Agreement")
}

/// `aws:throttle-transient`: throttling ends; backoff eventually gets through.
pub fn throttle_transient<S>() -> Assumption<S> {
    Assumption::new(
        "aws:throttle-transient",
        "Throttling events are transient; exponential backoff with jitter eventually succeeds (SDK default: up to 8 retries)",
    )
    .status(Status::Unverified)
    .source("AWS docs: General reference > Error retries and exponential backoff")
}

/// `aws:iam-correctness` (verified): IAM rejects unauthorised requests.
///
/// Shipped for callers to add through `extra_assumptions`; [`aws_api_faults`] does not
/// pre-wire it (nor did the original). Being verified, it would not surface as a residual.
pub fn iam_correctness<S>() -> Assumption<S> {
    Assumption::new(
        "aws:iam-correctness",
        "IAM correctly enforces permissions; unauthorized requests are rejected",
    )
    .status(Status::Verified)
    .source("AWS docs: IAM > Security in AWS Identity and Access Management")
}

/// Builder of the `aws` environment; see [`aws_api_faults`].
#[must_use = "call build() to get the EnvironmentSpec"]
pub struct AwsApiFaults<S> {
    throttle: Action<S>,
    timeout: Option<Action<S>>,
    throttle_budget: Option<usize>,
    extra: Vec<Assumption<S>>,
}

impl<S> std::fmt::Debug for AwsApiFaults<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AwsApiFaults")
            .field("timeout", &self.timeout.is_some())
            .field("throttle_budget", &self.throttle_budget)
            .finish_non_exhaustive()
    }
}

/// The `aws` environment: an API call may be answered with a throttling error whenever
/// `can_throttle` holds (behaviour `aws:throttle`, effect `on_throttle`). Pre-wired
/// assumptions, in order: [`s3_eventual_delivery`], [`region_availability`],
/// [`throttle_transient`] ([`iam_correctness`] is not wired in).
pub fn aws_api_faults<S: State>(
    can_throttle: impl Fn(&S) -> bool + Send + Sync + 'static,
    on_throttle: impl Fn(&S) -> S + Send + Sync + 'static,
) -> AwsApiFaults<S> {
    AwsApiFaults {
        throttle: Action::new("aws:throttle", can_throttle, on_throttle),
        timeout: None,
        throttle_budget: None,
        extra: Vec::new(),
    }
}

impl<S: State> AwsApiFaults<S> {
    /// Also let a call time out with no response at all (behaviour `aws:timeout`, after
    /// `aws:throttle`).
    pub fn timeout(
        mut self,
        can_timeout: impl Fn(&S) -> bool + Send + Sync + 'static,
        on_timeout: impl Fn(&S) -> S + Send + Sync + 'static,
    ) -> Self {
        self.timeout = Some(Action::new("aws:timeout", can_timeout, on_timeout));
        self
    }

    /// Give [`throttle_transient`] a checkable form: at most `max` `aws:throttle` steps in one
    /// run ([`Assumption::at_most`]), "throttling is transient" read as a budget on how often
    /// the run is throttled (timeouts do not count). Its name, text and place stay as shipped;
    /// without a budget it has no checkable form.
    pub fn throttle_budget(mut self, max: usize) -> Self {
        self.throttle_budget = Some(max);
        self
    }

    /// Account-specific assumptions, merged after the pre-wired ones.
    pub fn extra_assumptions(mut self, extra: impl IntoIterator<Item = Assumption<S>>) -> Self {
        self.extra.extend(extra);
        self
    }

    /// The environment.
    pub fn build(self) -> EnvironmentSpec<S> {
        let mut env = EnvironmentSpec::new("aws").add_behaviour(self.throttle);
        if let Some(timeout) = self.timeout {
            env = env.add_behaviour(timeout);
        }
        env.assumption(s3_eventual_delivery())
            .assumption(region_availability())
            .assumption(match self.throttle_budget {
                Some(max) => throttle_transient().at_most(["aws:throttle"], max),
                None => throttle_transient(),
            })
            .extra_assumptions(self.extra)
    }
}

impl<S: State> From<AwsApiFaults<S>> for EnvironmentSpec<S> {
    fn from(b: AwsApiFaults<S>) -> Self {
        b.build()
    }
}

/// The error an AWS API answers under throttling; the original's message is the dict
/// `{'error': 'ThrottlingException', 'code': 429}`, which this prints as.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Throttling {
    /// The error name (`ThrottlingException`).
    pub error: String,
    /// The HTTP status (429).
    pub code: i64,
}

impl Default for Throttling {
    fn default() -> Self {
        Throttling { error: "ThrottlingException".to_owned(), code: 429 }
    }
}

impl std::fmt::Display for Throttling {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{{'error': {}, 'code': {}}}", crate::model::Value::from(self.error.as_str()), self.code)
    }
}

/// As a [`crate::model::Value`]: the dict's items, `(('error', 'ThrottlingException'), ('code', 429))`.
impl From<Throttling> for crate::model::Value {
    fn from(t: Throttling) -> Self {
        use crate::model::Value;
        Value::Tuple(vec![
            Value::Tuple(vec![Value::from("error"), Value::from(t.error)]),
            Value::Tuple(vec![Value::from("code"), Value::Int(t.code)]),
        ])
    }
}

/// Simulation-side companion: a [`crate::sim::AdversarialNode`] that answers every message, from
/// anyone, with a [`Throttling`] error sent back to its sender. For another message,
/// `AdversarialNode::replying(msg)`.
pub fn throttling_service<M: Clone + From<Throttling> + 'static>() -> crate::sim::AdversarialNode<M> {
    crate::sim::AdversarialNode::replying(M::from(Throttling::default()))
}

/// Simulation-side companion: a [`crate::sim::AdversarialNode`] with no behaviour, a service
/// that never answers (every request times out).
pub fn timeout_service<M: Clone + 'static>() -> crate::sim::AdversarialNode<M> {
    crate::sim::AdversarialNode::new()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::open::residual_assumptions;

    #[test]
    fn behaviours_and_assumption_table() {
        let env = aws_api_faults(|n: &u8| *n == 0, |_| 1).build();
        assert_eq!(env.name, "aws");
        assert_eq!(env.behaviour_names(), ["aws:throttle"]);
        assert!(env.guarantees.is_empty());
        let keys: Vec<&str> = env.assumptions.keys().map(String::as_str).collect();
        assert_eq!(keys, ["aws:s3-eventual-delivery", "aws:region-availability", "aws:throttle-transient"]);
        let with_timeout = aws_api_faults(|n: &u8| *n == 0, |_| 1).timeout(|_| true, |_| 2).build();
        assert_eq!(with_timeout.behaviour_names(), ["aws:throttle", "aws:timeout"]);
        assert!(with_timeout.behaviours.iter().all(|b| b.fairness().is_none()));
    }

    #[test]
    fn iam_correctness_is_verified_and_not_wired() {
        assert_eq!(iam_correctness::<u8>().status, Status::Verified);
        let env = aws_api_faults(|n: &u8| *n == 0, |_| 1).build();
        assert!(!env.assumptions.contains_key("aws:iam-correctness"));
        let env = aws_api_faults(|n: &u8| *n == 0, |_| 1).extra_assumptions([iam_correctness()]).build();
        let names: Vec<String> = residual_assumptions(&[env]).into_iter().map(|a| a.name).collect();
        assert!(!names.iter().any(|n| n == "aws:iam-correctness"));
    }

    #[test]
    fn throttle_budget_gives_the_shipped_assumption_a_bound() {
        let plain = aws_api_faults(|n: &u8| *n == 0, |_| 1).build();
        assert!(!plain.assumptions["aws:throttle-transient"].is_checkable());
        let env = aws_api_faults(|n: &u8| *n == 0, |_| 1).timeout(|_| true, |_| 2).throttle_budget(3).build();
        let keys: Vec<&str> = env.assumptions.keys().map(String::as_str).collect();
        assert_eq!(keys, ["aws:s3-eventual-delivery", "aws:region-availability", "aws:throttle-transient"]);
        let a = &env.assumptions["aws:throttle-transient"];
        let shipped = throttle_transient::<u8>();
        assert_eq!(
            (&a.description, a.status, &a.source),
            (&shipped.description, shipped.status, &shipped.source)
        );
        // Timeouts do not draw on the throttle budget.
        assert_eq!(a.bound, Some(crate::open::Bound::new(["aws:throttle"], 3)));
    }
}
