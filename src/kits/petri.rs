//! Actions from a Petri net, for the systems that are not state machines.
//!
//! A state machine moves one token along one edge. A ledger event splits a quantity: a roast
//! consumes green coffee and produces roasted coffee *and* loss in one firing. That is a Petri-net
//! transition (a multiset of input places consumed, a multiset of output places produced), a shape
//! the tables of [`fsm`](super::fsm) cannot express.
//!
//! The marking (place → token count) stays wherever the caller keeps it: `tokens(state, place)`
//! reads a count and `deposit(state, place, delta)` returns the state with `delta` added there
//! (`delta` may be negative). The kit owns the net's logic: the guard (enough input tokens,
//! capacity headroom), the atomic firing ([`petri_actions`]), what can fire
//! ([`PetriGuard::enabled`]) and the terminal predicate ([`PetriGuard::terminal_fn`]).
//!
//! Conservation is a property of the net's structure, checked without running the model:
//! [`assert_place_invariant`] proves that a weighting of the places is kept by every transition
//! (so it holds in every reachable marking), and [`place_invariants`] finds a basis of all of them.
//!
//! ```
//! use std::collections::BTreeMap;
//! use musil::kits::petri::{assert_place_invariant, petri_actions, place_invariants, PetriNet};
//! use musil::{check, Model};
//!
//! type Marking = BTreeMap<String, i64>;
//! let net = PetriNet::new([
//!     ("roast", vec![("green", 4)], vec![("roasted", 3), ("loss", 1)]),
//!     ("grind", vec![("roasted", 1)], vec![("ground", 1)]),
//! ])
//! .unwrap();
//! let tokens = |s: &Marking, p: &str| s.get(p).copied().unwrap_or(0);
//! let deposit = |s: &Marking, p: &str, d: i64| {
//!     let mut s = s.clone();
//!     *s.entry(p.to_owned()).or_default() += d;
//!     s.retain(|_, k| *k != 0);
//!     s
//! };
//! let firing = petri_actions(&net, tokens, deposit);
//! let model = Model::new(Marking::from([("green".to_owned(), 8)]))
//!     .terminal(firing.guard().terminal_fn())
//!     .actions(firing)
//!     .invariant("mass", |s| s.values().sum::<i64>() == 8);
//! assert_eq!(check(&model).to_string(), "OK — 12 states, no violations");
//! // Raw token count is conserved by the net itself, not just along the explored runs.
//! assert_place_invariant(&net, [("green", 1), ("roasted", 1), ("loss", 1), ("ground", 1)], None);
//! assert_eq!(place_invariants(&net).len(), 2);
//! ```
//!
//! (A real state would name its places as fields; the map keeps the example short.)

use std::fmt;
use std::sync::Arc;

use indexmap::IndexMap;
use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{Signed, Zero};

use crate::error::{Error, ErrorKind};
use crate::model::Action;
use crate::probabilistic::{IntoRatio, Ratio};

type Tokens<S> = Arc<dyn Fn(&S, &str) -> i64 + Send + Sync>;
type Deposit<S> = Arc<dyn Fn(&S, &str, i64) -> S + Send + Sync>;
type Guard<S> = Arc<dyn Fn(&S) -> bool + Send + Sync>;
type TransitionName = Arc<dyn Fn(&str) -> String + Send + Sync>;

/// One transition: the tokens it consumes per place, and those it produces.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Transition {
    inputs: IndexMap<String, i64>,
    outputs: IndexMap<String, i64>,
    /// Outputs minus inputs per place: the input places first, then the new output places, a
    /// place in both netted out (possibly to zero).
    delta: IndexMap<String, i64>,
}

/// A Petri net: each transition, in declaration order, with its input and output places.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PetriNet {
    transitions: IndexMap<String, Transition>,
}

fn places_of<P: Into<String>>(
    transition: &str,
    side: &str,
    pairs: impl IntoIterator<Item = (P, i64)>,
) -> Result<IndexMap<String, i64>, Error> {
    let mut map = IndexMap::new();
    for (p, k) in pairs {
        let p = p.into();
        if map.insert(p.clone(), k).is_some() {
            return Err(Error::new(
                ErrorKind::InvalidInput,
                format!("petri net: transition {transition} lists place {p} twice in its {side}"),
            ));
        }
    }
    Ok(map)
}

impl PetriNet {
    /// A net from `(transition, inputs, outputs)` rows, each side a list of `(place, tokens)`.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidInput`] when a transition is declared twice or a place appears twice
    /// on one side of a transition (the original's mappings cannot hold either).
    ///
    /// # Examples
    ///
    /// ```
    /// use musil::kits::petri::PetriNet;
    ///
    /// let net = PetriNet::new([("roast", vec![("green", 4)], vec![("roasted", 3), ("loss", 1)])]).unwrap();
    /// assert_eq!(net.delta("roast").unwrap(), [("green", -4), ("roasted", 3), ("loss", 1)]);
    /// let twice = PetriNet::new([("t", vec![("a", 1), ("a", 2)], vec![])]);
    /// assert_eq!(twice.unwrap_err().message(), "petri net: transition t lists place a twice in its inputs");
    /// ```
    pub fn new<T, P, I, O>(rows: impl IntoIterator<Item = (T, I, O)>) -> Result<Self, Error>
    where
        T: Into<String>,
        P: Into<String>,
        I: IntoIterator<Item = (P, i64)>,
        O: IntoIterator<Item = (P, i64)>,
    {
        let mut transitions = IndexMap::new();
        for (t, i, o) in rows {
            let t = t.into();
            let inputs = places_of(&t, "inputs", i)?;
            let outputs = places_of(&t, "outputs", o)?;
            let mut delta: IndexMap<String, i64> = IndexMap::new();
            for (p, k) in &inputs {
                *delta.entry(p.clone()).or_default() -= k;
            }
            for (p, k) in &outputs {
                *delta.entry(p.clone()).or_default() += k;
            }
            if transitions.contains_key(&t) {
                return Err(Error::new(
                    ErrorKind::InvalidInput,
                    format!("petri net: transition {t} declared twice"),
                ));
            }
            transitions.insert(t, Transition { inputs, outputs, delta });
        }
        Ok(PetriNet { transitions })
    }

    /// The transition names, in declaration order.
    ///
    /// # Examples
    ///
    /// ```
    /// use musil::kits::petri::PetriNet;
    ///
    /// let net = PetriNet::new([
    ///     ("roast", vec![("green", 4)], vec![("roasted", 3)]),
    ///     ("grind", vec![("roasted", 1)], vec![("ground", 1)]),
    /// ])
    /// .unwrap();
    /// assert_eq!(net.transitions().collect::<Vec<_>>(), ["roast", "grind"]);
    /// ```
    pub fn transitions(&self) -> impl Iterator<Item = &str> {
        self.transitions.keys().map(String::as_str)
    }

    /// Every place any transition touches, sorted.
    ///
    /// # Examples
    ///
    /// ```
    /// use musil::kits::petri::PetriNet;
    ///
    /// let net = PetriNet::new([("roast", vec![("green", 4)], vec![("roasted", 3), ("loss", 1)])]).unwrap();
    /// assert_eq!(net.places(), ["green", "loss", "roasted"]);
    /// ```
    pub fn places(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self
            .transitions
            .values()
            .flat_map(|t| t.inputs.keys().chain(t.outputs.keys()))
            .map(String::as_str)
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    /// The net token change per place when `transition` fires (outputs minus inputs; input
    /// places first, zero changes kept), or `None` for an unknown transition.
    ///
    /// # Examples
    ///
    /// ```
    /// use musil::kits::petri::PetriNet;
    ///
    /// let net = PetriNet::new([("t", vec![("x", 1), ("y", 1)], vec![("z", 2), ("x", 1)])]).unwrap();
    /// // `x` is consumed and produced alike: a zero change, kept in its input position.
    /// assert_eq!(net.delta("t").unwrap(), [("x", 0), ("y", -1), ("z", 2)]);
    /// assert_eq!(net.delta("nope"), None);
    /// ```
    pub fn delta(&self, transition: &str) -> Option<Vec<(&str, i64)>> {
        self.transitions.get(transition).map(|t| t.delta.iter().map(|(p, d)| (p.as_str(), *d)).collect())
    }
}

/// What can fire: the net with its token reader, capacities and extra guard. Built by
/// [`petri_guard`] or taken from a [`PetriActions`] ([`PetriActions::guard`]); cheap to clone.
pub struct PetriGuard<S> {
    net: Arc<PetriNet>,
    tokens: Tokens<S>,
    capacity: Arc<IndexMap<String, i64>>,
    also: Option<Guard<S>>,
}

impl<S> Clone for PetriGuard<S> {
    fn clone(&self) -> Self {
        PetriGuard {
            net: self.net.clone(),
            tokens: self.tokens.clone(),
            capacity: self.capacity.clone(),
            also: self.also.clone(),
        }
    }
}

impl<S> fmt::Debug for PetriGuard<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PetriGuard")
            .field("net", &self.net)
            .field("capacity", &self.capacity)
            .field("also", &self.also.is_some())
            .finish_non_exhaustive()
    }
}

/// The enabledness of `net`'s transitions over the caller's marking, read by `tokens`
/// (the original's `petri_enabled` and `petri_terminal`, whose `capacity` and `also` keywords
/// are [`PetriGuard::capacity`] and [`PetriGuard::also`]).
///
/// # Examples
///
/// ```
/// use musil::kits::petri::{PetriNet, petri_guard};
///
/// // Marking as (green, roasted, ground).
/// let net = PetriNet::new([
///     ("roast", vec![("green", 4)], vec![("roasted", 4)]),
///     ("grind", vec![("roasted", 1)], vec![("ground", 1)]),
/// ])
/// .unwrap();
/// let g = petri_guard(&net, |s: &(i64, i64, i64), p: &str| match p {
///     "green" => s.0,
///     "roasted" => s.1,
///     _ => s.2,
/// });
/// assert_eq!(g.enabled(&(8, 0, 0)), ["roast"]);
/// assert_eq!(g.enabled(&(4, 1, 0)), ["roast", "grind"]);
/// ```
pub fn petri_guard<S>(
    net: &PetriNet,
    tokens: impl Fn(&S, &str) -> i64 + Send + Sync + 'static,
) -> PetriGuard<S> {
    PetriGuard { net: Arc::new(net.clone()), tokens: Arc::new(tokens), capacity: Arc::default(), also: None }
}

fn fireable<S>(
    t: &Transition,
    tokens: &Tokens<S>,
    capacity: &IndexMap<String, i64>,
    also: Option<&Guard<S>>,
    s: &S,
) -> bool {
    if also.is_some_and(|g| !g(s)) {
        return false;
    }
    if t.inputs.iter().any(|(p, k)| tokens(s, p) < *k) {
        return false;
    }
    t.delta.iter().all(|(p, d)| capacity.get(p).is_none_or(|cap| tokens(s, p) + d <= *cap))
}

impl<S: 'static> PetriGuard<S> {
    /// Bounds on named places: a transition is disabled when firing it would leave one over its
    /// bound (a place it consumes and produces alike counts as well). Later entries for the same
    /// place replace earlier ones.
    ///
    /// # Examples
    ///
    /// ```
    /// use musil::kits::petri::{PetriNet, petri_guard};
    ///
    /// // Marking as (green, roasted); at most 3 roasted.
    /// let net = PetriNet::new([("roast", vec![("green", 1)], vec![("roasted", 1)])]).unwrap();
    /// let g = petri_guard(&net, |s: &(i64, i64), p: &str| if p == "green" { s.0 } else { s.1 })
    ///     .capacity([("roasted", 3)]);
    /// assert_eq!(g.enabled(&(5, 2)), ["roast"]);
    /// assert!(g.enabled(&(5, 3)).is_empty());
    /// ```
    #[must_use]
    pub fn capacity<P: Into<String>>(mut self, bounds: impl IntoIterator<Item = (P, i64)>) -> Self {
        let mut cap = (*self.capacity).clone();
        cap.extend(bounds.into_iter().map(|(p, k)| (p.into(), k)));
        self.capacity = Arc::new(cap);
        self
    }

    /// An extra precondition of every transition, one the net does not encode (say, the
    /// accounting period is open).
    ///
    /// # Examples
    ///
    /// ```
    /// use musil::kits::petri::{PetriNet, petri_guard};
    ///
    /// // (tokens at `a`, period open)
    /// let net = PetriNet::new([("t", vec![("a", 1)], vec![])]).unwrap();
    /// let g = petri_guard(&net, |s: &(i64, bool), _: &str| s.0).also(|s| s.1);
    /// assert_eq!(g.enabled(&(1, true)), ["t"]);
    /// assert!(g.enabled(&(1, false)).is_empty());
    /// ```
    #[must_use]
    pub fn also(mut self, also: impl Fn(&S) -> bool + Send + Sync + 'static) -> Self {
        self.also = Some(Arc::new(also));
        self
    }

    /// The transitions that can fire in `state`, in net order: `also` holds, every input place
    /// holds the tokens it gives, and no bounded place would go over its capacity.
    ///
    /// # Examples
    ///
    /// ```
    /// use musil::kits::petri::{PetriNet, petri_guard};
    ///
    /// let net = PetriNet::new([
    ///     ("pair", vec![("a", 2)], vec![("b", 1)]),
    ///     ("single", vec![("a", 1)], vec![("b", 1)]),
    /// ])
    /// .unwrap();
    /// let g = petri_guard(&net, |a: &i64, p: &str| if p == "a" { *a } else { 0 });
    /// assert_eq!(g.enabled(&2), ["pair", "single"]);
    /// assert_eq!(g.enabled(&1), ["single"]);
    /// assert!(g.enabled(&0).is_empty());
    /// ```
    pub fn enabled(&self, state: &S) -> Vec<&str> {
        self.net
            .transitions
            .iter()
            .filter(|(_, t)| fireable(t, &self.tokens, &self.capacity, self.also.as_ref(), state))
            .map(|(n, _)| n.as_str())
            .collect()
    }

    /// "Nothing can fire", for `Model::terminal`: a drained or stuck net is a resting state, not
    /// a deadlock.
    ///
    /// # Examples
    ///
    /// ```
    /// use musil::kits::petri::{PetriNet, petri_guard};
    ///
    /// let net = PetriNet::new([("burn", vec![("fuel", 1)], vec![("ash", 1)])]).unwrap();
    /// let terminal =
    ///     petri_guard(&net, |s: &(i64, i64), p: &str| if p == "fuel" { s.0 } else { s.1 }).terminal_fn();
    /// assert!(terminal(&(0, 3)) && !terminal(&(1, 2)));
    /// ```
    pub fn terminal_fn(&self) -> impl Fn(&S) -> bool + Send + Sync + 'static {
        let g = self.clone();
        move |s| g.enabled(s).is_empty()
    }

    /// The firing actions of this net, each depositing with `deposit` (see [`petri_actions`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use musil::kits::petri::{PetriNet, petri_guard};
    ///
    /// // (fuel, ash)
    /// let net = PetriNet::new([("burn", vec![("fuel", 1)], vec![("ash", 1)])]).unwrap();
    /// let guard = petri_guard(&net, |s: &(i64, i64), p: &str| if p == "fuel" { s.0 } else { s.1 })
    ///     .capacity([("ash", 1)]);
    /// let acts = guard.actions(|s, p, d| if p == "fuel" { (s.0 + d, s.1) } else { (s.0, s.1 + d) }).build();
    /// assert_eq!(acts[0].apply(&(2, 0)), (1, 1));
    /// assert!(!acts[0].is_enabled(&(1, 1))); // the guard's capacity holds
    /// ```
    pub fn actions(&self, deposit: impl Fn(&S, &str, i64) -> S + Send + Sync + 'static) -> PetriActions<S> {
        PetriActions { guard: self.clone(), deposit: Arc::new(deposit), name: Arc::new(str::to_owned) }
    }
}

/// One action per transition of a net; a builder over [`petri_actions`], and an iterator of
/// actions for `Model::actions`.
pub struct PetriActions<S> {
    guard: PetriGuard<S>,
    deposit: Deposit<S>,
    name: TransitionName,
}

impl<S> fmt::Debug for PetriActions<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PetriActions").field("guard", &self.guard).finish_non_exhaustive()
    }
}

/// One unfair action per transition of `net`, in net order, named after the transition.
///
/// `tokens(state, place)` reads a place's count and `deposit(state, place, delta)` returns the
/// state with `delta` added there. A transition is enabled when every input place holds the
/// tokens it consumes (so no firing drives a count negative), no place bounded by
/// [`PetriActions::capacity`] would go over its bound, and [`PetriActions::also`] holds. Firing
/// deposits each place's net change (outputs minus inputs, input places first; places whose
/// change is zero are not touched), so a split event lands as one step.
///
/// # Examples
///
/// ```
/// use musil::kits::petri::{PetriNet, petri_actions};
/// use musil::{Model, check};
///
/// // (water, vapor): two water make one vapor.
/// let net = PetriNet::new([("boil", vec![("water", 2)], vec![("vapor", 1)])]).unwrap();
/// let firing = petri_actions(
///     &net,
///     |s: &(i64, i64), p: &str| if p == "water" { s.0 } else { s.1 },
///     |s, p, d| if p == "water" { (s.0 + d, s.1) } else { (s.0, s.1 + d) },
/// );
/// let m = Model::new((5i64, 0i64)).terminal(firing.guard().terminal_fn()).actions(firing);
/// // (5,0) (3,1) (1,2): stuck with one water left, a resting state.
/// assert_eq!(check(&m).to_string(), "OK — 3 states, no violations");
/// ```
pub fn petri_actions<S: Clone + 'static>(
    net: &PetriNet,
    tokens: impl Fn(&S, &str) -> i64 + Send + Sync + 'static,
    deposit: impl Fn(&S, &str, i64) -> S + Send + Sync + 'static,
) -> PetriActions<S> {
    petri_guard(net, tokens).actions(deposit)
}

impl<S: Clone + 'static> PetriActions<S> {
    /// Bounds on named places (see [`PetriGuard::capacity`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use musil::kits::petri::{PetriNet, petri_actions};
    /// use musil::{Model, explore};
    ///
    /// // (in, out): the output place holds at most 2.
    /// let net = PetriNet::new([("move", vec![("in", 1)], vec![("out", 1)])]).unwrap();
    /// let acts = petri_actions(
    ///     &net,
    ///     |s: &(i64, i64), p: &str| if p == "in" { s.0 } else { s.1 },
    ///     |s, p, d| if p == "in" { (s.0 + d, s.1) } else { (s.0, s.1 + d) },
    /// )
    /// .capacity([("out", 2)]);
    /// assert_eq!(explore(&Model::new((5i64, 0i64)).actions(acts)).len(), 3);
    /// ```
    #[must_use]
    pub fn capacity<P: Into<String>>(mut self, bounds: impl IntoIterator<Item = (P, i64)>) -> Self {
        self.guard = self.guard.capacity(bounds);
        self
    }

    /// An extra precondition of every transition (see [`PetriGuard::also`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use musil::kits::petri::{PetriNet, petri_actions};
    ///
    /// // (tokens, locked)
    /// let net = PetriNet::new([("take", vec![("a", 1)], vec![])]).unwrap();
    /// let acts = petri_actions(&net, |s: &(i64, bool), _: &str| s.0, |s, _, d| (s.0 + d, s.1))
    ///     .also(|s| !s.1)
    ///     .build();
    /// assert!(acts[0].is_enabled(&(1, false)) && !acts[0].is_enabled(&(1, true)));
    /// ```
    #[must_use]
    pub fn also(mut self, also: impl Fn(&S) -> bool + Send + Sync + 'static) -> Self {
        self.guard = self.guard.also(also);
        self
    }

    /// Name each action `name(transition)` instead of the transition itself.
    ///
    /// # Examples
    ///
    /// ```
    /// use musil::kits::petri::{PetriNet, petri_actions};
    ///
    /// let net = PetriNet::new([("roast", vec![("green", 1)], vec![])]).unwrap();
    /// let acts =
    ///     petri_actions(&net, |s: &i64, _: &str| *s, |s, _, d| s + d).name(|t| format!("fire:{t}")).build();
    /// assert_eq!(acts[0].name(), "fire:roast");
    /// ```
    #[must_use]
    pub fn name(mut self, name: impl Fn(&str) -> String + Send + Sync + 'static) -> Self {
        self.name = Arc::new(name);
        self
    }

    /// The guard these actions fire under: for [`PetriGuard::enabled`] and
    /// [`PetriGuard::terminal_fn`] with the same capacities and `also`.
    ///
    /// # Examples
    ///
    /// ```
    /// use musil::kits::petri::{PetriNet, petri_actions};
    ///
    /// let net = PetriNet::new([("take", vec![("a", 1)], vec![])]).unwrap();
    /// let firing = petri_actions(&net, |s: &i64, _: &str| *s, |s, _, d| s + d).also(|s| *s < 5);
    /// // The guard keeps the builder's `also`.
    /// assert_eq!(firing.guard().enabled(&3), ["take"]);
    /// assert!(firing.guard().enabled(&7).is_empty());
    /// ```
    pub fn guard(&self) -> PetriGuard<S> {
        self.guard.clone()
    }

    /// The actions.
    ///
    /// # Examples
    ///
    /// ```
    /// use musil::kits::petri::{PetriNet, petri_actions};
    ///
    /// // (x, y, z): x is consumed 1 and produced 3, a net +2.
    /// let net = PetriNet::new([("t", vec![("x", 1), ("y", 1)], vec![("z", 2), ("x", 3)])]).unwrap();
    /// let pick = |s: &(i64, i64, i64), p: &str| match p {
    ///     "x" => s.0,
    ///     "y" => s.1,
    ///     _ => s.2,
    /// };
    /// let acts = petri_actions(&net, pick, |s, p, d| match p {
    ///     "x" => (s.0 + d, s.1, s.2),
    ///     "y" => (s.0, s.1 + d, s.2),
    ///     _ => (s.0, s.1, s.2 + d),
    /// })
    /// .build();
    /// assert_eq!(acts[0].apply(&(1, 1, 0)), (3, 0, 2));
    /// assert_eq!(acts[0].fairness(), None);
    /// ```
    pub fn build(self) -> Vec<Action<S>> {
        let PetriGuard { net, tokens, capacity, also } = self.guard;
        net.transitions
            .iter()
            .map(|(n, t)| {
                let t1 = Arc::new(t.clone());
                let t2 = t1.clone();
                let (tokens, capacity, also, deposit) =
                    (tokens.clone(), capacity.clone(), also.clone(), self.deposit.clone());
                Action::new(
                    (self.name)(n),
                    move |s| fireable(&t1, &tokens, &capacity, also.as_ref(), s),
                    move |s: &S| {
                        t2.delta
                            .iter()
                            .filter(|(_, d)| **d != 0)
                            .fold(s.clone(), |s, (p, d)| deposit(&s, p, *d))
                    },
                )
            })
            .collect()
    }
}

impl<S: Clone + 'static> IntoIterator for PetriActions<S> {
    type Item = Action<S>;
    type IntoIter = std::vec::IntoIter<Action<S>>;
    fn into_iter(self) -> Self::IntoIter {
        self.build().into_iter()
    }
}

fn weights_map<P: Into<String>, W: IntoRatio>(
    weights: impl IntoIterator<Item = (P, W)>,
) -> Result<IndexMap<String, Ratio>, Error> {
    weights
        .into_iter()
        .map(|(p, w)| {
            let p = p.into();
            match w.into_ratio() {
                Ok(r) => Ok((p, r)),
                Err(e) => {
                    Err(Error::new(ErrorKind::InvalidInput, format!("weight of place {p} is not exact: {e}")))
                }
            }
        })
        .collect()
}

/// The transitions that change the `weights`-weighted token total, each with its change
/// (Σ weight·delta over its places; a place without a weight weighs 0), sorted by transition
/// name. Empty exactly when `weights` is a place-invariant of `net`.
///
/// # Errors
/// [`ErrorKind::InvalidInput`] for a weight with no exact value (a NaN or infinite float).
///
/// # Examples
///
/// ```
/// use musil::kits::petri::{PetriNet, place_invariant_violations};
///
/// let leaky = PetriNet::new([("evaporate", vec![("water", 2)], vec![("vapor", 1)])]).unwrap();
/// let v = place_invariant_violations(&leaky, [("water", 1), ("vapor", 1)]).unwrap();
/// assert_eq!(v.len(), 1);
/// assert_eq!((v[0].0.as_str(), v[0].1.to_string()), ("evaporate", "-1".to_owned()));
/// assert!(place_invariant_violations(&leaky, [("water", 1), ("vapor", 2)]).unwrap().is_empty());
/// ```
pub fn place_invariant_violations<P: Into<String>, W: IntoRatio>(
    net: &PetriNet,
    weights: impl IntoIterator<Item = (P, W)>,
) -> Result<Vec<(String, Ratio)>, Error> {
    let w = weights_map(weights)?;
    let mut out: Vec<(String, Ratio)> = net
        .transitions
        .iter()
        .map(|(n, t)| {
            let change = t.delta.iter().fold(Ratio::zero(), |acc, (p, d)| match w.get(p) {
                Some(wp) => acc + wp * Ratio::from_integer(BigInt::from(*d)),
                None => acc,
            });
            (n.clone(), change)
        })
        .filter(|(_, c)| !c.is_zero())
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

/// Assert that `weights` is a place-invariant of `net`: the weighted token total is kept by
/// every transition, so it holds in every reachable marking by construction, with no search.
/// Weights are exact (integers or [`Ratio`]s).
///
/// # Panics
/// When some transition changes the weighted total, with the message `weights are not a
/// place-invariant; these transitions change the weighted total: evaporate (-1), t (+1/2)`
/// (sorted by transition, signed), preceded by `message` and a newline when given; and when a
/// weight has no exact value.
///
/// # Examples
///
/// ```
/// use musil::kits::petri::{PetriNet, assert_place_invariant};
///
/// let leaky = PetriNet::new([("evaporate", vec![("water", 2)], vec![("vapor", 1)])]).unwrap();
/// assert_place_invariant(&leaky, [("water", 1), ("vapor", 2)], None);
/// let raw = std::panic::catch_unwind(|| assert_place_invariant(&leaky, [("water", 1), ("vapor", 1)], None));
/// let text = raw.unwrap_err().downcast::<String>().unwrap();
/// assert_eq!(
///     *text,
///     "weights are not a place-invariant; these transitions change the weighted total: evaporate (-1)"
/// );
/// ```
#[track_caller]
pub fn assert_place_invariant<P: Into<String>, W: IntoRatio>(
    net: &PetriNet,
    weights: impl IntoIterator<Item = (P, W)>,
    message: Option<&str>,
) {
    let offenders = match place_invariant_violations(net, weights) {
        Ok(o) => o,
        Err(e) => panic!("{}", e.message()),
    };
    if offenders.is_empty() {
        return;
    }
    let listing: Vec<String> = offenders
        .iter()
        .map(|(t, c)| format!("{t} ({}{c})", if c.is_positive() { "+" } else { "" }))
        .collect();
    let head = format!(
        "weights are not a place-invariant; these transitions change the weighted total: {}",
        listing.join(", ")
    );
    match message {
        Some(m) => panic!("{m}\n{head}"),
        None => panic!("{head}"),
    }
}

/// A basis of `net`'s place-invariants: every weighting of the places whose weighted total no
/// transition changes is a rational combination of these. Each maps every place (sorted) to its
/// weight, scaled to the smallest integers with the first non-zero weight positive; an all-ones
/// vector means the raw token count is conserved. An empty net, or one that conserves nothing,
/// gives none.
///
/// The basis is the original's: the null space of the transition × place change matrix by
/// Gauss–Jordan elimination over the rationals, one vector per free place in place order.
///
/// # Examples
///
/// ```
/// use musil::kits::petri::{PetriNet, place_invariants};
///
/// let leaky = PetriNet::new([("evaporate", vec![("water", 2)], vec![("vapor", 1)])]).unwrap();
/// let basis = place_invariants(&leaky);
/// let shown: Vec<(String, String)> = basis[0].iter().map(|(p, w)| (p.clone(), w.to_string())).collect();
/// assert_eq!(shown, [("vapor".to_owned(), "2".to_owned()), ("water".to_owned(), "1".to_owned())]);
/// assert_eq!(basis.len(), 1);
/// ```
pub fn place_invariants(net: &PetriNet) -> Vec<IndexMap<String, Ratio>> {
    let places = net.places();
    let mut m: Vec<Vec<Ratio>> = net
        .transitions
        .values()
        .map(|t| {
            places
                .iter()
                .map(|p| Ratio::from_integer(BigInt::from(t.delta.get(*p).copied().unwrap_or(0))))
                .collect()
        })
        .collect();
    let ncols = places.len();
    let nrows = m.len();
    let mut pivots: Vec<usize> = Vec::new();
    let mut r = 0;
    for c in 0..ncols {
        if r == nrows {
            break;
        }
        let Some(piv) = (r..nrows).find(|&i| !m[i][c].is_zero()) else { continue };
        m.swap(r, piv);
        let pv = m[r][c].clone();
        for x in &mut m[r] {
            *x = &*x / &pv;
        }
        for i in 0..nrows {
            if i != r && !m[i][c].is_zero() {
                let f = m[i][c].clone();
                let pivot_row = m[r].clone();
                for (a, b) in m[i].iter_mut().zip(&pivot_row) {
                    *a = &*a - &f * b;
                }
            }
        }
        pivots.push(c);
        r += 1;
    }
    (0..ncols)
        .filter(|c| !pivots.contains(c))
        .map(|free| {
            let mut v = vec![Ratio::zero(); ncols];
            v[free] = Ratio::from_integer(BigInt::from(1));
            for (row, &pc) in pivots.iter().enumerate() {
                v[pc] = -m[row][free].clone();
            }
            places.iter().map(|p| (*p).to_owned()).zip(normalise(v)).collect()
        })
        .collect()
}

/// The smallest integer multiple of `v` with its first non-zero entry positive.
fn normalise(v: Vec<Ratio>) -> Vec<Ratio> {
    let denom = v.iter().fold(BigInt::from(1), |acc, x| acc.lcm(x.denom()));
    let ints: Vec<BigInt> = v.iter().map(|x| (x * Ratio::from_integer(denom.clone())).to_integer()).collect();
    let g = ints.iter().fold(BigInt::zero(), |acc, x| acc.gcd(x));
    let mut ints: Vec<BigInt> = if g.is_zero() { ints } else { ints.into_iter().map(|x| x / &g).collect() };
    if ints.iter().find(|x| !x.is_zero()).is_some_and(Signed::is_negative) {
        ints = ints.into_iter().map(|x| -x).collect();
    }
    ints.into_iter().map(Ratio::from_integer).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probabilistic::ratio;
    use crate::{Model, check};
    use std::collections::BTreeMap;
    use std::panic::{AssertUnwindSafe, catch_unwind};
    use std::sync::Mutex;

    type Marking = BTreeMap<String, i64>;

    fn net() -> PetriNet {
        PetriNet::new([
            ("roast", vec![("green", 4)], vec![("roasted", 3), ("loss", 1)]),
            ("grind", vec![("roasted", 1)], vec![("ground", 1)]),
        ])
        .unwrap()
    }

    fn leaky() -> PetriNet {
        PetriNet::new([("evaporate", vec![("water", 2)], vec![("vapor", 1)])]).unwrap()
    }

    fn marking(pairs: &[(&str, i64)]) -> Marking {
        pairs.iter().map(|(p, k)| ((*p).to_owned(), *k)).collect()
    }

    fn tokens(s: &Marking, p: &str) -> i64 {
        s.get(p).copied().unwrap_or(0)
    }

    /// Drops emptied places, so equal markings are equal maps.
    fn deposit(s: &Marking, p: &str, d: i64) -> Marking {
        let mut s = s.clone();
        let k = s.entry(p.to_owned()).or_default();
        *k += d;
        if *k == 0 {
            s.remove(p);
        }
        s
    }

    fn actions(n: &PetriNet) -> PetriActions<Marking> {
        petri_actions(n, tokens, deposit)
    }

    fn find(acts: &[Action<Marking>], name: &str) -> Action<Marking> {
        acts.iter().find(|a| a.name() == name).unwrap().clone()
    }

    fn panic_text(f: impl FnOnce()) -> String {
        let e = catch_unwind(AssertUnwindSafe(f)).unwrap_err();
        e.downcast_ref::<String>().cloned().unwrap()
    }

    #[test]
    fn a_roast_splits_green_into_roasted_and_loss() {
        let acts = actions(&net()).build();
        assert_eq!(acts.iter().map(Action::name).collect::<Vec<_>>(), ["roast", "grind"]);
        assert!(acts.iter().all(|a| a.fairness().is_none()));
        let roast = find(&acts, "roast");
        let after = roast.apply(&marking(&[("green", 8)]));
        assert_eq!(after, marking(&[("green", 4), ("roasted", 3), ("loss", 1)]));
        assert!(!roast.is_enabled(&marking(&[("green", 3)])));
        assert!(roast.is_enabled(&marking(&[("green", 4)])));
        assert!(!find(&acts, "grind").is_enabled(&marking(&[("green", 8)])));
    }

    #[test]
    fn capacity_bounds_the_outputs() {
        let acts = actions(&net()).capacity([("roasted", 3)]).build();
        let roast = find(&acts, "roast");
        assert!(roast.is_enabled(&marking(&[("green", 8)])));
        assert!(!roast.is_enabled(&marking(&[("green", 8), ("roasted", 2)])));
        // A place both consumed and produced is bounded too, and a no-change firing deposits nothing.
        let lp = PetriNet::new([("loop", vec![("a", 1)], vec![("a", 1)])]).unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        let acts = petri_actions(&lp, tokens, move |s: &Marking, p: &str, d| {
            log.lock().unwrap().push((p.to_owned(), d));
            deposit(s, p, d)
        })
        .capacity([("a", 1)])
        .build();
        assert!(!acts[0].is_enabled(&marking(&[("a", 2)])));
        assert!(acts[0].is_enabled(&marking(&[("a", 1)])));
        assert_eq!(acts[0].apply(&marking(&[("a", 1)])), marking(&[("a", 1)]));
        assert!(seen.lock().unwrap().is_empty());
    }

    #[test]
    fn a_firing_deposits_net_changes_inputs_first() {
        let n = PetriNet::new([("t", vec![("x", 1), ("y", 1)], vec![("z", 2), ("x", 3)])]).unwrap();
        assert_eq!(n.delta("t").unwrap(), [("x", 2), ("y", -1), ("z", 2)]);
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        let acts = petri_actions(&n, tokens, move |s: &Marking, p: &str, d| {
            log.lock().unwrap().push((p.to_owned(), d));
            deposit(s, p, d)
        })
        .name(|t| format!("fire:{t}"))
        .build();
        assert_eq!(acts[0].name(), "fire:t");
        acts[0].apply(&marking(&[("x", 1), ("y", 1)]));
        let got = seen.lock().unwrap().clone();
        assert_eq!(got, [("x".to_owned(), 2), ("y".to_owned(), -1), ("z".to_owned(), 2)]);
    }

    #[test]
    fn enabled_and_terminal() {
        let g = petri_guard(&net(), tokens);
        assert_eq!(g.enabled(&marking(&[("green", 8)])), ["roast"]);
        assert_eq!(g.enabled(&marking(&[("green", 4), ("roasted", 3)])), ["roast", "grind"]);
        assert!(g.enabled(&marking(&[("ground", 5)])).is_empty());
        let term = g.terminal_fn();
        assert!(term(&marking(&[("ground", 5), ("loss", 1)])));
        assert!(!term(&marking(&[("green", 4)])));
        let closed = petri_guard(&net(), tokens).also(|_: &Marking| false);
        assert!(closed.enabled(&marking(&[("green", 8)])).is_empty());
        let held = actions(&net()).also(|s: &Marking| tokens(s, "lock") == 0).build();
        assert!(!find(&held, "roast").is_enabled(&marking(&[("green", 8), ("lock", 1)])));
    }

    #[test]
    fn the_roastery_model_checks() {
        let firing = actions(&net());
        let model = Model::new(marking(&[("green", 8)]))
            .terminal(firing.guard().terminal_fn())
            .actions(firing)
            .invariant("mass", |s| s.values().sum::<i64>() == 8)
            .invariant("no-negative", |s| s.values().all(|k| *k >= 0));
        assert_eq!(check(&model).to_string(), "OK — 12 states, no violations");
    }

    #[test]
    fn the_invariant_basis() {
        let basis = place_invariants(&net());
        let shown: Vec<Vec<(String, String)>> =
            basis.iter().map(|v| v.iter().map(|(p, w)| (p.clone(), w.to_string())).collect()).collect();
        let row = |xs: [(&str, &str); 4]| xs.map(|(p, w)| (p.to_owned(), w.to_owned())).to_vec();
        assert_eq!(
            shown,
            [
                row([("green", "1"), ("ground", "0"), ("loss", "4"), ("roasted", "0")]),
                row([("green", "3"), ("ground", "4"), ("loss", "0"), ("roasted", "4")]),
            ]
        );
        for v in &basis {
            assert_place_invariant(&net(), v.clone(), None);
        }
        assert_place_invariant(&net(), net().places().into_iter().map(|p| (p, 1)), None);
        let lb = place_invariants(&leaky());
        assert_eq!(lb.len(), 1);
        assert_eq!(
            (lb[0]["vapor"].to_string(), lb[0]["water"].to_string()),
            ("2".to_owned(), "1".to_owned())
        );
        assert!(lb.iter().all(|v| v.values().any(|w| *w != ratio(1, 1))));
        assert!(
            place_invariants(
                &PetriNet::new(Vec::<(&str, Vec<(&str, i64)>, Vec<(&str, i64)>)>::new()).unwrap()
            )
            .is_empty()
        );
    }

    #[test]
    fn a_leak_is_named() {
        let m = panic_text(|| assert_place_invariant(&leaky(), [("water", 1), ("vapor", 1)], None));
        assert_eq!(
            m,
            "weights are not a place-invariant; these transitions change the weighted total: evaporate (-1)"
        );
        let two =
            PetriNet::new([("t", vec![("a", 1)], vec![("b", 1)]), ("s", vec![("a", 1)], vec![])]).unwrap();
        let m =
            panic_text(|| assert_place_invariant(&two, [("a", ratio(1, 1)), ("b", ratio(3, 2))], Some("M")));
        assert_eq!(
            m,
            "M\nweights are not a place-invariant; these transitions change the weighted total: s (-1), t (+1/2)"
        );
        let v = place_invariant_violations(&leaky(), [("water", 1)]).unwrap();
        assert_eq!(v, [("evaporate".to_owned(), ratio(-2, 1))]);
        let e = place_invariant_violations(&leaky(), [("water", f64::NAN)]).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
    }

    #[test]
    fn malformed_nets_are_refused() {
        let e = PetriNet::new([("t", vec![("a", 1)], vec![]), ("t", vec![], vec![("a", 1)])]).unwrap_err();
        assert_eq!(
            (e.kind(), e.message()),
            (ErrorKind::InvalidInput, "petri net: transition t declared twice")
        );
        let e = PetriNet::new([("t", vec![("a", 1), ("a", 2)], vec![])]).unwrap_err();
        assert_eq!(e.message(), "petri net: transition t lists place a twice in its inputs");
    }
}
