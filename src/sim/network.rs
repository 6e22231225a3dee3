//! How the virtual network treats each message: loss, duplication, latency, corruption.

use std::fmt;
use std::rc::Rc;

type Mutate<M> = Rc<dyn Fn(&str, &str, M) -> Option<M>>;

/// The per-message behaviour of the virtual network (independent for each send).
///
/// The default is reliable, with latency 1. Every setting is drawn from the simulator's one
/// seeded generator, in the order [`Simulator::inject`](super::Simulator::inject) documents.
///
/// ```
/// use musil::sim::NetworkModel;
/// use musil::Value;
/// let lossy: NetworkModel<Value> = NetworkModel::new().loss(0.3).latency(1, 3);
/// assert_eq!((lossy.get_loss(), lossy.get_latency()), (0.3, (1, 3)));
/// ```
pub struct NetworkModel<M> {
    loss: f64,
    duplicate: f64,
    min_latency: i64,
    max_latency: i64,
    mutate: Option<Mutate<M>>,
}

impl<M> Clone for NetworkModel<M> {
    fn clone(&self) -> Self {
        NetworkModel {
            loss: self.loss,
            duplicate: self.duplicate,
            min_latency: self.min_latency,
            max_latency: self.max_latency,
            mutate: self.mutate.clone(),
        }
    }
}

impl<M> Default for NetworkModel<M> {
    fn default() -> Self {
        NetworkModel { loss: 0.0, duplicate: 0.0, min_latency: 1, max_latency: 1, mutate: None }
    }
}

impl<M> fmt::Debug for NetworkModel<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NetworkModel")
            .field("loss", &self.loss)
            .field("duplicate", &self.duplicate)
            .field("min_latency", &self.min_latency)
            .field("max_latency", &self.max_latency)
            .field("mutate", &self.mutate.as_ref().map(|_| "<fn>"))
            .finish()
    }
}

impl<M> NetworkModel<M> {
    /// A reliable network with latency 1.
    pub fn new() -> Self {
        Self::default()
    }

    /// The probability that a send is lost (`1.0` always drops; `0.0`, the default, draws
    /// nothing).
    #[must_use]
    pub fn loss(mut self, p: f64) -> Self {
        self.loss = p;
        self
    }

    /// The probability that a delivered send is delivered twice (default 0, no draw).
    #[must_use]
    pub fn duplicate(mut self, p: f64) -> Self {
        self.duplicate = p;
        self
    }

    /// Latency drawn uniformly from `min..=max` (default 1..=1; drawn even when equal). With
    /// `min > max` the first send fails with `empty range in randrange(min, max+1)`.
    #[must_use]
    pub fn latency(mut self, min: i64, max: i64) -> Self {
        self.min_latency = min;
        self.max_latency = max;
        self
    }

    /// A Byzantine hook: `mutate(src, dst, payload)` replaces the payload of every send that
    /// survived loss (once per send, so a duplicate carries the same result); `None` drops it.
    #[must_use]
    pub fn mutate(mut self, f: impl Fn(&str, &str, M) -> Option<M> + 'static) -> Self {
        self.mutate = Some(Rc::new(f));
        self
    }

    /// The loss probability.
    pub fn get_loss(&self) -> f64 {
        self.loss
    }

    /// The duplication probability.
    pub fn get_duplicate(&self) -> f64 {
        self.duplicate
    }

    /// The latency bounds `(min, max)`.
    pub fn get_latency(&self) -> (i64, i64) {
        (self.min_latency, self.max_latency)
    }

    pub(crate) fn mutator(&self) -> Option<&Mutate<M>> {
        self.mutate.as_ref()
    }
}
