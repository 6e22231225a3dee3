//! Message channels over the caller's state: an unordered one ([`Channel`], in-flight messages
//! as a set) and an ordered one ([`FifoChannel`], a queue).
//!
//! The network is modelled explicitly: the in-flight messages live in the caller's state, a
//! sender's action puts one there with [`send`] (or [`fifo_send`]), and the channel's own actions
//! take it out and hand it to the receiver's `deliver`. What the link may do is a choice of
//! actions:
//!
//! - **reordering** (unordered channel only): any in-flight message may be delivered next;
//! - **loss** (`lossy`): a `drop` action removes a message without delivering it;
//! - **duplication** (`duplicating`, unordered only): delivery leaves the message in flight.
//!
//! # Action names
//!
//! An unordered channel named `name` has, for each message `m` of its (bounded) universe in the
//! order given, `{name}:deliver:{m}` and, when lossy, `{name}:drop:{m}`, where `{m}` is the
//! message's [`Repr`]: the text the original (Python) prints for the same value, so that
//! `data:deliver:(0, 0)`, `ack:deliver:0` and `ch:deliver:'a'` read the same in both. A FIFO
//! channel has `{name}:deliver` and, when lossy, `{name}:drop`.
//!
//! # Example
//!
//! ```
//! use std::collections::BTreeSet;
//! use musil::kits::channels::{Channel, send};
//! use musil::{Model, explore};
//!
//! #[derive(Clone, Debug, PartialEq, Eq, Hash)]
//! struct Net { wire: BTreeSet<&'static str>, got: Vec<&'static str> }
//!
//! let get = |s: &Net| s.wire.clone();
//! let put = |s: &Net, wire| Net { wire, ..s.clone() };
//! let push = send(get, put);
//! let link = Channel::new(["a", "b"], get, put, |s: &Net, m: &&'static str| {
//!     let mut got = s.got.clone();
//!     got.push(*m);
//!     Net { got, ..s.clone() }
//! })
//! .lossy(true)
//! .actions()
//! .unwrap();
//! let names: Vec<&str> = link.iter().map(|a| a.name()).collect();
//! assert_eq!(names, ["ch:deliver:'a'", "ch:drop:'a'", "ch:deliver:'b'", "ch:drop:'b'"]);
//!
//! let init = push(&push(&Net { wire: BTreeSet::new(), got: vec![] }, "a"), "b");
//! let model = Model::new(init).actions(link);
//! // Both delivery orders are reachable: the channel reorders.
//! let graph = explore(&model);
//! assert!(graph.states().any(|s| s.got == ["a", "b"]));
//! assert!(graph.states().any(|s| s.got == ["b", "a"]));
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use super::repr::Repr;
use crate::error::{Error, ErrorKind};
use crate::model::Action;
use crate::system::State;

/// A helper that puts `msg` in flight on an unordered channel: `put(s, get(s) ∪ {msg})`.
/// Idempotent, like a re-push: sending a message already in flight changes nothing.
///
/// # Examples
///
/// ```
/// use musil::kits::channels::send;
/// use std::collections::BTreeSet;
///
/// let push = send(|s: &BTreeSet<u8>| s.clone(), |_, set| set);
/// let once = push(&BTreeSet::new(), 7);
/// assert_eq!(once, BTreeSet::from([7]));
/// assert_eq!(push(&once, 7), once); // already in flight: no change
/// ```
pub fn send<S, M: Ord>(
    get: impl Fn(&S) -> BTreeSet<M>,
    put: impl Fn(&S, BTreeSet<M>) -> S,
) -> impl Fn(&S, M) -> S {
    move |s, msg| {
        let mut set = get(s);
        set.insert(msg);
        put(s, set)
    }
}

/// A helper that appends `msg` to the tail of a FIFO channel's queue. Not idempotent: each call
/// enqueues another copy, so the caller bounds the queue (send only when it is empty, or guard on
/// a capacity) to keep the model finite.
///
/// # Examples
///
/// ```
/// use musil::kits::channels::fifo_send;
///
/// let enqueue = fifo_send(|q: &Vec<u8>| q.clone(), |_, q| q);
/// let q = enqueue(&enqueue(&vec![], 1), 1);
/// assert_eq!(q, [1, 1]); // not idempotent: two copies
/// ```
pub fn fifo_send<S, M>(get: impl Fn(&S) -> Vec<M>, put: impl Fn(&S, Vec<M>) -> S) -> impl Fn(&S, M) -> S {
    move |s, msg| {
        let mut queue = get(s);
        queue.push(msg);
        put(s, queue)
    }
}

type Get<S, C> = Arc<dyn Fn(&S) -> C + Send + Sync>;
type Put<S, C> = Arc<dyn Fn(&S, C) -> S + Send + Sync>;
type Deliver<S, M> = Arc<dyn Fn(&S, &M) -> S + Send + Sync>;

/// An unordered channel's actions over the caller's state (the original's `channel_actions`).
///
/// `get`/`put` read and write the in-flight set, `deliver(state, msg)` applies a delivered
/// message to the receiver, and `messages` is the bounded universe of messages the channel may
/// carry (one deliver action each, so the universe fixes the action list). Built by
/// [`Channel::actions`]; see the [module](self) for the names.
///
/// Delivery removes the message from the set *after* `deliver` ran, so anything `deliver` put
/// in flight stays there, unless it is the delivered message itself. A duplicating channel
/// leaves the set as `deliver` returned it.
#[must_use = "a channel adds nothing until `.actions()` is passed to the model"]
pub struct Channel<S, M> {
    messages: Vec<M>,
    get: Get<S, BTreeSet<M>>,
    put: Put<S, BTreeSet<M>>,
    deliver: Deliver<S, M>,
    lossy: bool,
    duplicating: bool,
    name: String,
}

impl<S, M> std::fmt::Debug for Channel<S, M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Channel")
            .field("name", &self.name)
            .field("messages", &self.messages.len())
            .field("lossy", &self.lossy)
            .field("duplicating", &self.duplicating)
            .finish_non_exhaustive()
    }
}

impl<S: State, M: Repr + Ord + Clone + Send + Sync + 'static> Channel<S, M> {
    /// A reliable, non-duplicating channel named `ch` over `messages`.
    ///
    /// # Examples
    ///
    /// ```
    /// use musil::kits::channels::Channel;
    /// use musil::{Model, explore};
    /// use std::collections::BTreeSet;
    ///
    /// // (in flight, received)
    /// type W = (BTreeSet<u8>, Vec<u8>);
    /// let link = Channel::new(
    ///     [1u8, 2],
    ///     |s: &W| s.0.clone(),
    ///     |s: &W, w| (w, s.1.clone()),
    ///     |s: &W, m: &u8| (s.0.clone(), [s.1.clone(), vec![*m]].concat()),
    /// );
    /// let m = Model::new((BTreeSet::from([1, 2]), vec![])).actions(link.actions().unwrap());
    /// let g = explore(&m);
    /// // Both messages in flight, one delivered (either), both in either order.
    /// assert_eq!(g.len(), 5);
    /// assert!(g.states().any(|s| s.1 == [2, 1]));
    /// ```
    pub fn new(
        messages: impl IntoIterator<Item = M>,
        get: impl Fn(&S) -> BTreeSet<M> + Send + Sync + 'static,
        put: impl Fn(&S, BTreeSet<M>) -> S + Send + Sync + 'static,
        deliver: impl Fn(&S, &M) -> S + Send + Sync + 'static,
    ) -> Self {
        Channel {
            messages: messages.into_iter().collect(),
            get: Arc::new(get),
            put: Arc::new(put),
            deliver: Arc::new(deliver),
            lossy: false,
            duplicating: false,
            name: "ch".to_owned(),
        }
    }

    /// The prefix of the action names (default `ch`).
    ///
    /// # Examples
    ///
    /// ```
    /// use musil::kits::channels::Channel;
    /// use std::collections::BTreeSet;
    ///
    /// let acts = Channel::new(
    ///     [0u8, 1],
    ///     |s: &BTreeSet<u8>| s.clone(),
    ///     |_, w| w,
    ///     |s: &BTreeSet<u8>, _: &u8| s.clone(),
    /// )
    /// .name("ack")
    /// .actions()
    /// .unwrap();
    /// let names: Vec<&str> = acts.iter().map(|a| a.name()).collect();
    /// assert_eq!(names, ["ack:deliver:0", "ack:deliver:1"]);
    /// ```
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// Whether the link may lose a message: adds `{name}:drop:{m}` after each deliver action.
    ///
    /// # Examples
    ///
    /// ```
    /// use musil::kits::channels::Channel;
    /// use std::collections::BTreeSet;
    ///
    /// // (in flight, delivered count)
    /// type W = (BTreeSet<&'static str>, u8);
    /// let acts = Channel::new(
    ///     ["a"],
    ///     |s: &W| s.0.clone(),
    ///     |s: &W, w| (w, s.1),
    ///     |s: &W, _: &&str| (s.0.clone(), s.1 + 1),
    /// )
    /// .lossy(true)
    /// .actions()
    /// .unwrap();
    /// let drop = &acts[1];
    /// assert_eq!(drop.name(), "ch:drop:'a'");
    /// // A drop removes the message without delivering it, and needs it in flight.
    /// assert_eq!(drop.apply(&(BTreeSet::from(["a"]), 0)), (BTreeSet::new(), 0));
    /// assert!(!drop.is_enabled(&(BTreeSet::new(), 0)));
    /// ```
    pub fn lossy(mut self, lossy: bool) -> Self {
        self.lossy = lossy;
        self
    }

    /// Whether the link may deliver a message more than once: delivery leaves it in flight.
    ///
    /// # Examples
    ///
    /// ```
    /// use musil::kits::channels::Channel;
    /// use std::collections::BTreeSet;
    ///
    /// type W = (BTreeSet<u8>, u8); // (in flight, deliveries)
    /// let deliver = |s: &W, _: &u8| (s.0.clone(), s.1 + 1);
    /// let dup = Channel::new([1u8], |s: &W| s.0.clone(), |s: &W, w| (w, s.1), deliver)
    ///     .duplicating(true)
    ///     .actions()
    ///     .unwrap();
    /// let once = dup[0].apply(&(BTreeSet::from([1]), 0));
    /// assert_eq!(once, (BTreeSet::from([1]), 1)); // still in flight
    /// assert!(dup[0].is_enabled(&once));
    /// ```
    pub fn duplicating(mut self, duplicating: bool) -> Self {
        self.duplicating = duplicating;
        self
    }

    /// The channel's actions, per message in order: deliver, then drop when lossy. All unfair,
    /// as in the original: a liveness proof that needs delivery names them in its fairness.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidInput`] when two messages have the same [`Repr`] (their actions would
    /// share a name).
    ///
    /// # Examples
    ///
    /// ```
    /// use musil::ErrorKind;
    /// use musil::kits::channels::Channel;
    /// use std::collections::BTreeSet;
    ///
    /// let chan = |msgs: Vec<(u8, u8)>| {
    ///     Channel::new(
    ///         msgs,
    ///         |s: &BTreeSet<(u8, u8)>| s.clone(),
    ///         |_, w| w,
    ///         |s: &BTreeSet<(u8, u8)>, _: &(u8, u8)| s.clone(),
    ///     )
    ///     .lossy(true)
    ///     .actions()
    /// };
    /// let names: Vec<String> =
    ///     chan(vec![(0, 0), (1, 1)]).unwrap().iter().map(|a| a.name().to_owned()).collect();
    /// assert_eq!(names, ["ch:deliver:(0, 0)", "ch:drop:(0, 0)", "ch:deliver:(1, 1)", "ch:drop:(1, 1)"]);
    /// assert_eq!(chan(vec![(0, 0), (0, 0)]).unwrap_err().kind(), ErrorKind::InvalidInput);
    /// ```
    pub fn actions(self) -> Result<Vec<Action<S>>, Error> {
        let mut seen = BTreeMap::new();
        for (i, m) in self.messages.iter().enumerate() {
            if let Some(j) = seen.insert(m.repr(), i) {
                return Err(Error::new(
                    ErrorKind::InvalidInput,
                    format!(
                        "channel '{}': messages #{} and #{} are both {}; each message needs its own action name",
                        self.name,
                        j + 1,
                        i + 1,
                        m.repr()
                    ),
                ));
            }
        }
        let mut actions = Vec::new();
        for m in self.messages {
            let text = m.repr();
            let (get, put, deliver, msg) =
                (self.get.clone(), self.put.clone(), self.deliver.clone(), m.clone());
            let g = self.get.clone();
            let held = m.clone();
            let duplicating = self.duplicating;
            actions.push(Action::new(
                format!("{}:deliver:{text}", self.name),
                move |s| g(s).contains(&held),
                move |s| {
                    let delivered = deliver(s, &msg);
                    if duplicating {
                        return delivered;
                    }
                    let mut set = get(&delivered);
                    set.remove(&msg);
                    put(&delivered, set)
                },
            ));
            if self.lossy {
                let (get, put, g) = (self.get.clone(), self.put.clone(), self.get.clone());
                let held = m.clone();
                actions.push(Action::new(
                    format!("{}:drop:{text}", self.name),
                    move |s| g(s).contains(&held),
                    move |s| {
                        let mut set = get(s);
                        set.remove(&m);
                        put(s, set)
                    },
                ));
            }
        }
        Ok(actions)
    }
}

/// An ordered (FIFO) channel's actions over the caller's state (the original's
/// `fifo_channel_actions`): only the head of the queue is deliverable, so messages arrive in
/// send order.
///
/// `{name}:deliver` is enabled when the queue is not empty and yields
/// `put(deliver(s, head), tail)`, with head and tail both read from the state *before*
/// delivery: a `deliver` that enqueues onto this same channel has that write overwritten. When
/// lossy, `{name}:drop` removes the head. There is no duplicating mode.
///
/// # Examples
///
/// ```
/// use musil::kits::channels::FifoChannel;
/// #[derive(Clone, Debug, PartialEq, Eq, Hash)]
/// struct S { q: Vec<u8>, got: Vec<u8> }
/// let acts = FifoChannel::new(
///     |s: &S| s.q.clone(),
///     |s: &S, q| S { q, ..s.clone() },
///     |s: &S, m: &u8| S { got: [s.got.clone(), vec![*m]].concat(), ..s.clone() },
/// )
/// .lossy(true)
/// .actions();
/// assert_eq!(acts[0].name(), "ch:deliver");
/// assert_eq!(acts[1].name(), "ch:drop");
/// let s = S { q: vec![1, 2], got: vec![] };
/// assert_eq!(acts[0].apply(&s), S { q: vec![2], got: vec![1] });
/// ```
#[must_use = "a channel adds nothing until `.actions()` is passed to the model"]
pub struct FifoChannel<S, M> {
    get: Get<S, Vec<M>>,
    put: Put<S, Vec<M>>,
    deliver: Deliver<S, M>,
    lossy: bool,
    name: String,
}

impl<S, M> std::fmt::Debug for FifoChannel<S, M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FifoChannel")
            .field("name", &self.name)
            .field("lossy", &self.lossy)
            .finish_non_exhaustive()
    }
}

impl<S: State, M: Clone + Send + Sync + 'static> FifoChannel<S, M> {
    /// A reliable FIFO channel named `ch`.
    ///
    /// # Examples
    ///
    /// ```
    /// use musil::kits::channels::FifoChannel;
    /// use musil::{Model, explore};
    ///
    /// // (queue, received)
    /// type Q = (Vec<u8>, Vec<u8>);
    /// let fifo = FifoChannel::new(
    ///     |s: &Q| s.0.clone(),
    ///     |s: &Q, q| (q, s.1.clone()),
    ///     |s: &Q, m: &u8| (s.0.clone(), [s.1.clone(), vec![*m]].concat()),
    /// );
    /// let m = Model::new((vec![1, 2], vec![])).actions(fifo.actions());
    /// // Send order is the only delivery order.
    /// let drained: Vec<Vec<u8>> =
    ///     explore(&m).states().filter(|s| s.0.is_empty()).map(|s| s.1.clone()).collect();
    /// assert_eq!(drained, [vec![1, 2]]);
    /// ```
    pub fn new(
        get: impl Fn(&S) -> Vec<M> + Send + Sync + 'static,
        put: impl Fn(&S, Vec<M>) -> S + Send + Sync + 'static,
        deliver: impl Fn(&S, &M) -> S + Send + Sync + 'static,
    ) -> Self {
        FifoChannel {
            get: Arc::new(get),
            put: Arc::new(put),
            deliver: Arc::new(deliver),
            lossy: false,
            name: "ch".to_owned(),
        }
    }

    /// The prefix of the action names (default `ch`).
    ///
    /// # Examples
    ///
    /// ```
    /// use musil::kits::channels::FifoChannel;
    ///
    /// let acts = FifoChannel::new(|q: &Vec<u8>| q.clone(), |_, q| q, |q: &Vec<u8>, _: &u8| q.clone())
    ///     .name("data")
    ///     .lossy(true)
    ///     .actions();
    /// let names: Vec<&str> = acts.iter().map(|a| a.name()).collect();
    /// assert_eq!(names, ["data:deliver", "data:drop"]);
    /// ```
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// Whether the link may lose the head: adds `{name}:drop`.
    ///
    /// # Examples
    ///
    /// ```
    /// use musil::kits::channels::FifoChannel;
    ///
    /// type Q = (Vec<u8>, Vec<u8>); // (queue, received)
    /// let acts = FifoChannel::new(
    ///     |s: &Q| s.0.clone(),
    ///     |s: &Q, q| (q, s.1.clone()),
    ///     |s: &Q, m: &u8| (s.0.clone(), [s.1.clone(), vec![*m]].concat()),
    /// )
    /// .lossy(true)
    /// .actions();
    /// // The drop loses the head, undelivered.
    /// assert_eq!(acts[1].apply(&(vec![1, 2], vec![])), (vec![2], vec![]));
    /// ```
    pub fn lossy(mut self, lossy: bool) -> Self {
        self.lossy = lossy;
        self
    }

    /// The channel's actions: `{name}:deliver`, then `{name}:drop` when lossy; unfair.
    ///
    /// # Examples
    ///
    /// ```
    /// use musil::kits::channels::FifoChannel;
    ///
    /// let acts =
    ///     FifoChannel::new(|q: &Vec<u8>| q.clone(), |_, q| q, |q: &Vec<u8>, _: &u8| q.clone()).actions();
    /// assert_eq!(acts.len(), 1); // reliable: deliver only
    /// assert!(!acts[0].is_enabled(&vec![]));
    /// assert_eq!(acts[0].apply(&vec![1, 2]), [2]);
    /// assert_eq!(acts[0].fairness(), None);
    /// ```
    pub fn actions(self) -> Vec<Action<S>> {
        let (get, put, deliver, g) = (self.get.clone(), self.put.clone(), self.deliver, self.get.clone());
        let mut actions = vec![Action::new(
            format!("{}:deliver", self.name),
            move |s| !g(s).is_empty(),
            move |s| {
                let mut queue = get(s);
                let head = queue.remove(0);
                put(&deliver(s, &head), queue)
            },
        )];
        if self.lossy {
            let (get, put, g) = (self.get.clone(), self.put, self.get);
            actions.push(Action::new(
                format!("{}:drop", self.name),
                move |s| !g(s).is_empty(),
                move |s| {
                    let mut queue = get(s);
                    queue.remove(0);
                    put(s, queue)
                },
            ));
        }
        actions
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Model, check, explore};

    #[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
    struct Wire {
        inflight: BTreeSet<&'static str>,
        sent: BTreeSet<&'static str>,
        received: Vec<&'static str>,
    }

    fn get(s: &Wire) -> BTreeSet<&'static str> {
        s.inflight.clone()
    }

    fn put(s: &Wire, inflight: BTreeSet<&'static str>) -> Wire {
        Wire { inflight, ..s.clone() }
    }

    // At most two deliveries per message, so a duplicating channel stays finite.
    fn deliver(s: &Wire, m: &&'static str) -> Wire {
        if s.received.iter().filter(|r| *r == m).count() >= 2 {
            return s.clone();
        }
        let mut received = s.received.clone();
        received.push(m);
        Wire { received, ..s.clone() }
    }

    fn wire(lossy: bool, duplicating: bool) -> Model<Wire> {
        let mut model = Model::new(Wire::default());
        for m in ["a", "b"] {
            let inject = send(get, put);
            model = model.action(
                format!("send:{m}"),
                move |s| !s.sent.contains(m),
                move |s| {
                    let mut next = s.clone();
                    next.sent.insert(m);
                    inject(&next, m)
                },
            );
        }
        let link = Channel::new(["a", "b"], get, put, deliver).lossy(lossy).duplicating(duplicating);
        model.actions(link.actions().unwrap()).terminal(|s| s.inflight.is_empty() && s.sent.len() == 2)
    }

    fn names(m: &Model<Wire>) -> Vec<String> {
        m.static_action_list().iter().map(|a| a.name().to_owned()).collect()
    }

    #[test]
    fn names_follow_the_message_order_deliver_then_drop() {
        assert_eq!(names(&wire(false, false)), ["send:a", "send:b", "ch:deliver:'a'", "ch:deliver:'b'"]);
        assert_eq!(
            names(&wire(true, false)),
            ["send:a", "send:b", "ch:deliver:'a'", "ch:drop:'a'", "ch:deliver:'b'", "ch:drop:'b'"]
        );
    }

    #[test]
    fn reachable_counts_match_the_original() {
        for (lossy, dup, n) in [(false, false, 10), (true, false, 17), (false, true, 26), (true, true, 89)] {
            let m = wire(lossy, dup);
            assert_eq!(explore(&m).len(), n, "lossy={lossy} duplicating={dup}");
            assert_eq!(check(&m).to_string(), format!("OK — {n} states, no violations"));
        }
    }

    #[test]
    fn reliable_reorders_lossy_loses_duplicating_repeats() {
        let g = explore(&wire(false, false));
        assert!(g.states().any(|s| s.received == ["a", "b"]));
        assert!(g.states().any(|s| s.received == ["b", "a"]));
        let g = explore(&wire(true, false));
        assert!(g.states().any(|s| s.sent.len() == 2 && s.inflight.is_empty() && !s.received.contains(&"a")));
        let g = explore(&wire(false, true));
        assert!(g.states().any(|s| s.received.iter().filter(|r| **r == "a").count() == 2));
    }

    #[test]
    fn delivery_removes_from_the_set_after_deliver() {
        let acts = Channel::new(["m"], get, put, |s: &Wire, m: &&'static str| {
            let mut inflight = s.inflight.clone();
            inflight.insert("new");
            inflight.insert(m);
            Wire { inflight, ..s.clone() }
        })
        .actions()
        .unwrap();
        let s = Wire { inflight: ["m"].into(), ..Wire::default() };
        assert_eq!(acts[0].apply(&s).inflight, BTreeSet::from(["new"]));
    }

    #[test]
    fn send_is_idempotent() {
        let push = send(get, put);
        let once = push(&Wire::default(), "a");
        assert_eq!(push(&once, "a"), once);
    }

    #[test]
    fn duplicate_messages_are_refused() {
        let err = Channel::new([1u8, 2, 1], get_n, put_n, |s: &BTreeSet<u8>, _: &u8| s.clone())
            .actions()
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        assert!(err.message().contains("#1 and #3"), "{}", err.message());
    }

    fn get_n(s: &BTreeSet<u8>) -> BTreeSet<u8> {
        s.clone()
    }

    fn put_n(_: &BTreeSet<u8>, n: BTreeSet<u8>) -> BTreeSet<u8> {
        n
    }

    #[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
    struct Fifo {
        q: Vec<&'static str>,
        received: Vec<&'static str>,
    }

    fn fifo(lossy: bool) -> Vec<Action<Fifo>> {
        FifoChannel::new(
            |s: &Fifo| s.q.clone(),
            |s: &Fifo, q| Fifo { q, ..s.clone() },
            |s: &Fifo, m: &&'static str| Fifo {
                received: [s.received.clone(), vec![*m]].concat(),
                ..s.clone()
            },
        )
        .lossy(lossy)
        .actions()
    }

    fn drained(init: Fifo, lossy: bool) -> Vec<Vec<&'static str>> {
        let m = Model::new(init).actions(fifo(lossy));
        explore(&m).states().filter(|s| s.q.is_empty()).map(|s| s.received.clone()).collect()
    }

    #[test]
    fn fifo_keeps_order_and_lossy_fifo_may_lose_the_head() {
        let enqueue = fifo_send(|s: &Fifo| s.q.clone(), |s: &Fifo, q| Fifo { q, ..s.clone() });
        let two = enqueue(&enqueue(&Fifo::default(), "a"), "b");
        assert_eq!(two.q, ["a", "b"]);
        assert_eq!(drained(two, false), [vec!["a", "b"]]);
        let one = enqueue(&Fifo::default(), "a");
        let mut outcomes = drained(one, true);
        outcomes.sort();
        assert_eq!(outcomes, [vec![], vec!["a"]]);
        let acts = fifo(true);
        let names: Vec<&str> = acts.iter().map(|a| a.name()).collect();
        assert_eq!(names, ["ch:deliver", "ch:drop"]);
        assert_eq!(fifo(false).len(), 1);
    }

    #[test]
    fn fifo_tail_is_read_before_delivery() {
        let acts = FifoChannel::new(
            |s: &Vec<&'static str>| s.clone(),
            |_: &Vec<&'static str>, q| q,
            |s: &Vec<&'static str>, _: &&'static str| [s.clone(), vec!["echo"]].concat(),
        )
        .actions();
        assert_eq!(acts[0].apply(&vec!["a", "b"]), ["b"]);
    }
}
