//! Nodes: event-driven actors, the map that holds them, and the context they act through.

use std::any::Any;
use std::fmt;

use super::simulator::Core;

/// Lets the simulator hand back a node as its concrete type ([`Nodes::get`]); implemented for
/// every `'static` type, so a node type never writes it.
pub trait AsAny: Any {
    /// `self` as `&dyn Any`.
    fn as_any(&self) -> &dyn Any;
    /// `self` as `&mut dyn Any`.
    fn as_any_mut(&mut self) -> &mut dyn Any;
}

impl<T: Any> AsAny for T {
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}

/// An event-driven node exchanging messages of type `M`. Every handler is a no-op by default,
/// so a node writes only those it needs; it keeps its state in its own fields and acts on the
/// world only through the [`Context`] (never real time or another random source, or runs stop
/// being reproducible).
pub trait Node<M>: AsAny {
    /// Called once when the node boots (at the start of a run, or at a cold restart).
    fn on_start(&mut self, ctx: &mut Context<'_, M>) {
        let _ = ctx;
    }

    /// A message from `src` arrived.
    fn on_message(&mut self, ctx: &mut Context<'_, M>, src: &str, payload: &M) {
        let _ = (ctx, src, payload);
    }

    /// The timer `name` fired.
    fn on_timer(&mut self, ctx: &mut Context<'_, M>, name: &str) {
        let _ = (ctx, name);
    }
}

/// The named nodes of a run, kept in ascending name order (the order they start in).
///
/// ```
/// use musil::sim::{Node, Nodes};
/// struct Counter(u32);
/// impl Node<()> for Counter {}
/// let nodes: Nodes<()> = Nodes::new().node("b", Counter(2)).node("a", Counter(1));
/// assert_eq!(nodes.names().collect::<Vec<_>>(), ["a", "b"]);
/// assert_eq!(nodes.get::<Counter>("b").map(|c| c.0), Some(2));
/// ```
pub struct Nodes<M> {
    pub(crate) names: Vec<String>,
    pub(crate) nodes: Vec<Box<dyn Node<M>>>,
}

impl<M> Default for Nodes<M> {
    fn default() -> Self {
        Nodes { names: Vec::new(), nodes: Vec::new() }
    }
}

impl<M> fmt::Debug for Nodes<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Nodes").field("names", &self.names).finish_non_exhaustive()
    }
}

impl<M: 'static> Nodes<M> {
    /// No nodes.
    pub fn new() -> Self {
        Self::default()
    }

    /// Add (or replace) the node `name`.
    #[must_use]
    pub fn node(mut self, name: impl Into<String>, node: impl Node<M> + 'static) -> Self {
        self.insert(name, Box::new(node));
        self
    }

    /// Add (or replace) the node `name`; returns the node it replaced.
    pub fn insert(&mut self, name: impl Into<String>, node: Box<dyn Node<M>>) -> Option<Box<dyn Node<M>>> {
        let name = name.into();
        match self.names.binary_search(&name) {
            Ok(i) => Some(std::mem::replace(&mut self.nodes[i], node)),
            Err(i) => {
                self.names.insert(i, name);
                self.nodes.insert(i, node);
                None
            }
        }
    }

    /// Take the node `name` out.
    pub fn remove(&mut self, name: &str) -> Option<Box<dyn Node<M>>> {
        let i = self.index(name)?;
        self.names.remove(i);
        Some(self.nodes.remove(i))
    }

    /// The node `name` as its concrete type `T`; `None` if there is none or it is another type.
    pub fn get<T: Node<M>>(&self, name: &str) -> Option<&T> {
        self.index(name).and_then(|i| (*self.nodes[i]).as_any().downcast_ref::<T>())
    }

    /// The node `name` as its concrete type `T`, mutably.
    pub fn get_mut<T: Node<M>>(&mut self, name: &str) -> Option<&mut T> {
        let i = self.index(name)?;
        (*self.nodes[i]).as_any_mut().downcast_mut::<T>()
    }

    /// The node names, ascending.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.names.iter().map(String::as_str)
    }

    /// How many nodes.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// No nodes?
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// Is there a node `name`?
    pub fn contains(&self, name: &str) -> bool {
        self.index(name).is_some()
    }

    pub(crate) fn index(&self, name: &str) -> Option<usize> {
        self.names.binary_search_by(|n| n.as_str().cmp(name)).ok()
    }
}

/// A node's handle on the world, passed to every handler: send messages, arm and cancel
/// timers, read the virtual clock, draw from the simulator's one seeded generator.
pub struct Context<'a, M> {
    pub(crate) core: &'a mut Core<M>,
    pub(crate) names: &'a [String],
    pub(crate) node: usize,
}

impl<M> fmt::Debug for Context<'_, M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Context").field("node", &self.names[self.node]).field("now", &self.core.now).finish()
    }
}

impl<M: Clone + 'static> Context<'_, M> {
    /// This node's name.
    pub fn node(&self) -> &str {
        &self.names[self.node]
    }

    /// The virtual time.
    pub fn now(&self) -> i64 {
        self.core.now
    }

    /// Send `payload` to `dst`, through the network model
    /// ([`Simulator::inject`](super::Simulator::inject)). A send to an unknown node, or with an
    /// empty latency range, ends the run with that error once this handler returns (and the
    /// handler's later sends and timers are ignored).
    pub fn send(&mut self, dst: &str, payload: impl Into<M>) {
        if self.core.error.is_some() {
            return;
        }
        let src = self.names[self.node].clone();
        if let Err(e) = self.core.inject(self.names, &src, dst, payload.into()) {
            self.core.error = Some(e);
        }
    }

    /// Arm (or re-arm, replacing it) the timer `name` to fire `delay` ticks from now; a delay
    /// below 1 counts as 1.
    pub fn set_timer(&mut self, name: &str, delay: i64) {
        if self.core.error.is_none() {
            self.core.schedule_timer(self.node, name, delay);
        }
    }

    /// Cancel the timer `name` (nothing if it is not armed).
    pub fn cancel_timer(&mut self, name: &str) {
        self.core.cancel_timer(self.node, name);
    }

    /// A float in `[0, 1)` from the simulator's generator (the network's stream).
    pub fn random(&mut self) -> f64 {
        self.core.rng.random()
    }

    /// An integer in `[a, b]` from the simulator's generator.
    ///
    /// # Panics
    /// When `b < a` (`empty range in randrange(a, b+1)`); the run reports it as this handler's
    /// panic.
    pub fn randint(&mut self, a: i64, b: i64) -> i64 {
        self.core.rng.randint(a, b)
    }
}

type Guard<M> = Box<dyn Fn(&str, &M) -> bool>;
type Response<M> = Box<dyn Fn(&mut Context<'_, M>, &str, &M)>;

/// A node that misbehaves on purpose: an ordered list of `(guard, response)` behaviours. For
/// each message the first behaviour whose `guard(src, payload)` holds runs its
/// `response(ctx, src, payload)`, and no other; a message no guard matches is ignored (it still
/// counts as delivered). It does nothing on start or on a timer.
///
/// ```
/// use musil::sim::AdversarialNode;
/// use musil::Value;
/// // Answers every query with a wrong value, ignores everything else.
/// let liar: AdversarialNode<Value> = AdversarialNode::new()
///     .behavior(|_, p| *p == Value::from("query"), |ctx, src, _| ctx.send(src, -1));
/// assert_eq!(liar.behavior_count(), 1);
/// ```
pub struct AdversarialNode<M> {
    behaviors: Vec<(Guard<M>, Response<M>)>,
}

impl<M> Default for AdversarialNode<M> {
    fn default() -> Self {
        AdversarialNode { behaviors: Vec::new() }
    }
}

impl<M> fmt::Debug for AdversarialNode<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AdversarialNode").field("behaviors", &self.behaviors.len()).finish()
    }
}

impl<M: Clone + 'static> AdversarialNode<M> {
    /// No behaviours: ignores every message.
    pub fn new() -> Self {
        Self::default()
    }

    /// Add a behaviour after the existing ones.
    #[must_use]
    pub fn behavior(
        mut self,
        guard: impl Fn(&str, &M) -> bool + 'static,
        response: impl Fn(&mut Context<'_, M>, &str, &M) + 'static,
    ) -> Self {
        self.behaviors.push((Box::new(guard), Box::new(response)));
        self
    }

    /// A node that answers every message, from anyone, with `msg` sent back to its sender.
    pub fn replying(msg: M) -> Self {
        Self::new().behavior(|_, _| true, move |ctx, src, _| ctx.send(src, msg.clone()))
    }

    /// How many behaviours.
    pub fn behavior_count(&self) -> usize {
        self.behaviors.len()
    }
}

impl<M: Clone + 'static> Node<M> for AdversarialNode<M> {
    fn on_message(&mut self, ctx: &mut Context<'_, M>, src: &str, payload: &M) {
        if let Some((_, response)) = self.behaviors.iter().find(|(guard, _)| guard(src, payload)) {
            response(ctx, src, payload);
        }
    }
}
