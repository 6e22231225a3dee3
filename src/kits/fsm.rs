//! Actions generated from a transition table: the table your code enforces becomes the model.
//!
//! Point the checker at the very allowed-transitions map the code already uses and the model
//! cannot drift from it: it *is* that table. Three table shapes live side by side:
//!
//! - [`Table`]: status → the statuses it may move to (`ALLOWED[entity]`), turned into actions
//!   by [`transition_actions`] (one machine), [`StatusFields`] (one machine per status field)
//!   and [`replicated_transition_actions`] (one machine per instance key, over one flat state);
//! - [`Protocol`]: state → operation → where it leaves you (or nowhere: legal, stays put),
//!   turned into actions by [`protocol_actions`];
//! - [`MovementTable`]: event label → the `(source, destination)` account pairs it may move
//!   quantity between, turned into actions by [`movement_actions`].
//!
//! [`undeclared_transitions`] and [`assert_covers_table`] check the other direction: that a
//! model (hand-written actions included) makes no status change its table does not declare.
//!
//! The caller owns the state: each builder takes a getter and a setter over it. Every built
//! action is unfair. Where the original iterates a Python set (a table row, a movement label's
//! pairs), its action order changes from run to run; here it is declaration order, always.
//!
//! ```
//! use musil::kits::fsm::{Table, transition_actions};
//! use musil::{check, Model};
//!
//! #[derive(Clone, Debug, PartialEq, Eq, Hash)]
//! struct Job { status: &'static str }
//!
//! let allowed = Table::new([
//!     ("pending", vec!["running", "failed"]),
//!     ("running", vec!["done", "failed"]),
//!     ("failed", vec!["pending"]),
//! ])
//! .unwrap();
//! let terminal = allowed.terminal_states();
//! assert_eq!(terminal, ["done"]);
//! let model = Model::new(Job { status: "pending" })
//!     .actions(transition_actions(&allowed, |s: &Job| s.status, |_, dst| Job { status: dst }))
//!     .terminal(move |s| terminal.contains(&s.status));
//! let names: Vec<&str> = model.static_action_list().iter().map(|a| a.name()).collect();
//! assert_eq!(names, ["pending->running", "pending->failed", "running->done", "running->failed", "failed->pending"]);
//! assert_eq!(check(&model).to_string(), "OK — 4 states, no violations");
//! ```

use std::fmt::{self, Debug, Display};
use std::hash::Hash;
use std::sync::Arc;

use indexmap::{IndexMap, IndexSet};

use crate::check::Checker;
use crate::error::{Error, ErrorKind};
use crate::model::Action;
use crate::system::TransitionSystem;

/// What a table's statuses may be: `&'static str`, `String`, an enum with `Display`, … The
/// `Display` text is what action names show.
pub trait Status: Clone + Eq + Hash + Debug + Display + Send + Sync + 'static {}

impl<T: Clone + Eq + Hash + Debug + Display + Send + Sync + 'static> Status for T {}

type Shared<F> = Arc<F>;
type Get<S, T> = Arc<dyn Fn(&S) -> T + Send + Sync>;
type SetTo<S, T> = Arc<dyn Fn(&S, T) -> S + Send + Sync>;
type After<S, T> = Arc<dyn Fn(&S, &T, &T) -> S + Send + Sync>;
type Guard<S> = Arc<dyn Fn(&S) -> bool + Send + Sync>;
type EdgeName<T> = Arc<dyn Fn(&T, &T) -> String + Send + Sync>;
type KeyGet<S, K, T> = Arc<dyn Fn(&S, &K) -> T + Send + Sync>;
type KeySet<S, K, T> = Arc<dyn Fn(&S, &K, T) -> S + Send + Sync>;
type KeyAfter<S, K, T> = Arc<dyn Fn(&S, &K, &T, &T) -> S + Send + Sync>;
type KeyGuard<S, K> = Arc<dyn Fn(&S, &K) -> bool + Send + Sync>;
type KeyName<K, T> = Arc<dyn Fn(&K, &T, &T) -> String + Send + Sync>;
type OpName<T> = Arc<dyn Fn(&T, &str) -> String + Send + Sync>;
type MoveName = dyn Fn(&str, &str, &str) -> String + Send + Sync;

/// A transition table: each status with the statuses it may move to, in declaration order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table<T: Status> {
    rows: IndexMap<T, IndexSet<T>>,
}

impl<T: Status> Table<T> {
    /// A table from its rows `(status, successors)`, in order. A successor named twice in one
    /// row counts once (a row is a set, as in the original).
    ///
    /// # Errors
    /// [`ErrorKind::InvalidInput`] when two rows have the same status (the original's dict
    /// literal would keep only the last one, silently).
    ///
    /// # Examples
    ///
    /// ```
    /// use musil::ErrorKind;
    /// use musil::kits::fsm::Table;
    ///
    /// let t = Table::new([("draft", vec!["posted", "posted"]), ("posted", vec!["closed"])]).unwrap();
    /// assert_eq!(t.edges().count(), 2); // a row is a set
    /// let twice = Table::new([("a", vec!["b"]), ("a", vec!["c"])]);
    /// assert_eq!(twice.unwrap_err().kind(), ErrorKind::InvalidInput);
    /// ```
    pub fn new<D: IntoIterator<Item = T>>(rows: impl IntoIterator<Item = (T, D)>) -> Result<Self, Error> {
        let mut out: IndexMap<T, IndexSet<T>> = IndexMap::new();
        for (src, dsts) in rows {
            if out.contains_key(&src) {
                return Err(Error::new(
                    ErrorKind::InvalidInput,
                    format!(
                        "fsm::Table: two rows for status {src}; give each status one row with all its successors"
                    ),
                ));
            }
            out.insert(src, dsts.into_iter().collect());
        }
        Ok(Table { rows: out })
    }

    /// The statuses `src` may move to (none for a status without a row).
    ///
    /// # Examples
    ///
    /// ```
    /// use musil::kits::fsm::Table;
    ///
    /// let t = Table::new([("pending", vec!["active", "failed"])]).unwrap();
    /// assert_eq!(t.successors(&"pending").collect::<Vec<_>>(), [&"active", &"failed"]);
    /// assert_eq!(t.successors(&"active").count(), 0);
    /// ```
    pub fn successors(&self, src: &T) -> impl Iterator<Item = &T> {
        self.rows.get(src).into_iter().flatten()
    }

    /// Whether the table declares `src -> dst`.
    ///
    /// # Examples
    ///
    /// ```
    /// use musil::kits::fsm::Table;
    ///
    /// let t = Table::new([("pending", vec!["active"])]).unwrap();
    /// assert!(t.allows(&"pending", &"active"));
    /// assert!(!t.allows(&"active", &"pending"));
    /// ```
    pub fn allows(&self, src: &T, dst: &T) -> bool {
        self.rows.get(src).is_some_and(|d| d.contains(dst))
    }

    /// Every declared edge `(src, dst)`, rows in order and each row's successors in order.
    ///
    /// # Examples
    ///
    /// ```
    /// use musil::kits::fsm::Table;
    ///
    /// let t = Table::new([("a", vec!["b", "c"]), ("c", vec!["a"])]).unwrap();
    /// let edges: Vec<(&str, &str)> = t.edges().map(|(s, d)| (*s, *d)).collect();
    /// assert_eq!(edges, [("a", "b"), ("a", "c"), ("c", "a")]);
    /// ```
    pub fn edges(&self) -> impl Iterator<Item = (&T, &T)> {
        self.rows.iter().flat_map(|(src, dsts)| dsts.iter().map(move |dst| (src, dst)))
    }

    /// Every status the table names: the row statuses, then targets not seen before, in order.
    ///
    /// # Examples
    ///
    /// ```
    /// use musil::kits::fsm::Table;
    ///
    /// let t = Table::new([("pending", vec!["active", "failed"]), ("active", vec!["deleted"])]).unwrap();
    /// assert_eq!(t.declared_states(), ["pending", "active", "failed", "deleted"]);
    /// ```
    pub fn declared_states(&self) -> Vec<T> {
        let mut all: IndexSet<T> = self.rows.keys().cloned().collect();
        all.extend(self.rows.values().flatten().cloned());
        all.into_iter().collect()
    }

    /// The declared statuses with no way out (an empty row, or a target that has no row):
    /// build a model's `terminal` from them so a legitimate sink is not a deadlock.
    ///
    /// # Examples
    ///
    /// ```
    /// use musil::kits::fsm::Table;
    ///
    /// // `done` has an empty row, `failed` no row at all: both are sinks.
    /// let t = Table::new([("running", vec!["done", "failed"]), ("done", vec![])]).unwrap();
    /// assert_eq!(t.terminal_states(), ["done", "failed"]);
    /// ```
    pub fn terminal_states(&self) -> Vec<T> {
        self.declared_states().into_iter().filter(|s| self.rows.get(s).is_none_or(|d| d.is_empty())).collect()
    }
}

/// The builder [`transition_actions`] returns: set the options, then pass it to
/// [`Model::actions`](crate::Model::actions) (it is an iterator source) or call
/// [`Transitions::build`].
#[must_use = "pass it to Model::actions or call build()"]
pub struct Transitions<S, T: Status> {
    table: Table<T>,
    get: Get<S, T>,
    with_status: SetTo<S, T>,
    effect: Option<After<S, T>>,
    also: Option<Guard<S>>,
    name: EdgeName<T>,
}

impl<S, T: Status> Debug for Transitions<S, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Transitions")
            .field("table", &self.table)
            .field("effect", &self.effect.is_some())
            .field("also", &self.also.is_some())
            .finish_non_exhaustive()
    }
}

/// One action per declared edge `src -> dst` of `table`, rows in order, each row's successors
/// in order (a self-edge `p -> p` included): enabled when `get(state) == src` (and the
/// [`also`](Transitions::also) guard holds), effect `with_status(state, dst)` followed by the
/// [`effect`](Transitions::effect) if one is given. Named `"{src}->{dst}"` unless
/// [`name`](Transitions::name) says otherwise.
///
/// # Examples
///
/// ```
/// use musil::kits::fsm::{Table, transition_actions};
/// use musil::{Model, check};
///
/// let t = Table::new([("off", vec!["on"]), ("on", vec!["off"])]).unwrap();
/// let acts = transition_actions(&t, |s: &&str| *s, |_, dst| dst).build();
/// assert!(acts[0].is_enabled(&"off") && !acts[0].is_enabled(&"on"));
/// assert_eq!(acts[0].apply(&"off"), "on");
/// assert_eq!(check(&Model::new("off").actions(acts)).to_string(), "OK — 2 states, no violations");
/// ```
pub fn transition_actions<S, T: Status>(
    table: &Table<T>,
    get: impl Fn(&S) -> T + Send + Sync + 'static,
    with_status: impl Fn(&S, T) -> S + Send + Sync + 'static,
) -> Transitions<S, T> {
    Transitions {
        table: table.clone(),
        get: Arc::new(get),
        with_status: Arc::new(with_status),
        effect: None,
        also: None,
        name: Arc::new(|src, dst| format!("{src}->{dst}")),
    }
}

impl<S: 'static, T: Status> Transitions<S, T> {
    /// Applied after the status change, as `effect(moved, src, dst)`: side effects on other
    /// fields (move a balance, stamp a time).
    ///
    /// # Examples
    ///
    /// ```
    /// use musil::kits::fsm::{Table, transition_actions};
    ///
    /// // (status, balance): posting credits one unit.
    /// let t = Table::new([("draft", vec!["posted"])]).unwrap();
    /// let acts = transition_actions(&t, |s: &(&str, u8)| s.0, |s, d| (d, s.1))
    ///     .effect(|moved, _src, dst| if *dst == "posted" { (moved.0, moved.1 + 1) } else { *moved })
    ///     .build();
    /// assert_eq!(acts[0].apply(&("draft", 0)), ("posted", 1));
    /// ```
    pub fn effect(mut self, effect: impl Fn(&S, &T, &T) -> S + Send + Sync + 'static) -> Self {
        self.effect = Some(Arc::new(effect));
        self
    }

    /// An extra guard ANDed with "currently in `src`", for a precondition the table does not
    /// encode (only post while the period is open).
    ///
    /// # Examples
    ///
    /// ```
    /// use musil::kits::fsm::{Table, transition_actions};
    ///
    /// // (status, period open)
    /// let t = Table::new([("draft", vec!["posted"])]).unwrap();
    /// let acts = transition_actions(&t, |s: &(&str, bool)| s.0, |s, d| (d, s.1)).also(|s| s.1).build();
    /// assert!(acts[0].is_enabled(&("draft", true)));
    /// assert!(!acts[0].is_enabled(&("draft", false)));
    /// ```
    pub fn also(mut self, also: impl Fn(&S) -> bool + Send + Sync + 'static) -> Self {
        self.also = Some(Arc::new(also));
        self
    }

    /// The action name of an edge, `name(src, dst)`.
    ///
    /// # Examples
    ///
    /// ```
    /// use musil::kits::fsm::{Table, transition_actions};
    ///
    /// let t = Table::new([("draft", vec!["posted"])]).unwrap();
    /// let acts =
    ///     transition_actions(&t, |s: &&str| *s, |_, d| d).name(|src, dst| format!("{src}=>{dst}")).build();
    /// assert_eq!(acts[0].name(), "draft=>posted");
    /// ```
    pub fn name(mut self, name: impl Fn(&T, &T) -> String + Send + Sync + 'static) -> Self {
        self.name = Arc::new(name);
        self
    }

    /// The actions, in table order.
    ///
    /// # Examples
    ///
    /// ```
    /// use musil::kits::fsm::{Table, transition_actions};
    ///
    /// let t = Table::new([("p", vec!["p", "q"])]).unwrap();
    /// let acts = transition_actions(&t, |s: &&str| *s, |_, d| d).build();
    /// let names: Vec<&str> = acts.iter().map(|a| a.name()).collect();
    /// assert_eq!(names, ["p->p", "p->q"]); // a self-edge is built
    /// assert!(acts.iter().all(|a| a.fairness().is_none()));
    /// ```
    pub fn build(self) -> Vec<Action<S>> {
        let mut out = Vec::new();
        for (src, dst) in self.table.edges() {
            let (get, also) = (self.get.clone(), self.also.clone());
            let (with_status, effect) = (self.with_status.clone(), self.effect.clone());
            let (g_src, e_src, e_dst) = (src.clone(), src.clone(), dst.clone());
            out.push(Action::new(
                (self.name)(src, dst),
                move |s| get(s) == g_src && also.as_ref().is_none_or(|a| a(s)),
                move |s| {
                    let moved = with_status(s, e_dst.clone());
                    match &effect {
                        Some(e) => e(&moved, &e_src, &e_dst),
                        None => moved,
                    }
                },
            ));
        }
        out
    }
}

impl<S: 'static, T: Status> IntoIterator for Transitions<S, T> {
    type Item = Action<S>;
    type IntoIter = std::vec::IntoIter<Action<S>>;
    fn into_iter(self) -> Self::IntoIter {
        self.build().into_iter()
    }
}

/// Several status fields of one state, each driven by its own table: the original's
/// `multi_status_field_actions`. Add each field with [`StatusFields::field`]; the actions are
/// every field's [`transition_actions`] in the order the fields were added, named
/// `"{field}:{src}->{dst}"` so they stay distinct across fields.
///
/// The original reads a dataclass field by its name (and `status_field_actions` reads the
/// field `status`); Rust has no such reflection, so each field comes with its getter and
/// setter, and one field alone is just [`transition_actions`].
///
/// # Examples
///
/// ```
/// use musil::kits::fsm::{StatusFields, Table};
/// use musil::{check, Model};
///
/// #[derive(Clone, Debug, PartialEq, Eq, Hash)]
/// struct Two { a: &'static str, b: &'static str }
///
/// let ta = Table::new([("pending", vec!["active"])]).unwrap();
/// let tb = Table::new([("pending", vec!["on", "off"]), ("on", vec!["off"]), ("off", vec!["on"])]).unwrap();
/// let fields = StatusFields::new()
///     .field("a", &ta, |s: &Two| s.a, |s, d| Two { a: d, ..s.clone() })
///     .field("b", &tb, |s: &Two| s.b, |s, d| Two { b: d, ..s.clone() });
/// let m = Model::new(Two { a: "pending", b: "pending" }).actions(fields).terminal(|_| true);
/// assert_eq!(m.static_action_list()[0].name(), "a:pending->active");
/// assert_eq!(check(&m).to_string(), "OK — 6 states, no violations");
/// ```
#[must_use = "pass it to Model::actions or call build()"]
pub struct StatusFields<S> {
    actions: Vec<Action<S>>,
}

impl<S> Debug for StatusFields<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.actions.iter().map(|a| a.name()).collect();
        f.debug_struct("StatusFields").field("actions", &names).finish()
    }
}

impl<S: 'static> Default for StatusFields<S> {
    fn default() -> Self {
        StatusFields { actions: Vec::new() }
    }
}

impl<S: 'static> StatusFields<S> {
    /// No fields yet.
    ///
    /// # Examples
    ///
    /// ```
    /// use musil::kits::fsm::StatusFields;
    ///
    /// assert!(StatusFields::<u8>::new().build().is_empty());
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Add the field `field`, read by `get` and set by `with_status`, driven by `table`.
    ///
    /// # Examples
    ///
    /// ```
    /// use musil::kits::fsm::{StatusFields, Table};
    ///
    /// // (power, link)
    /// let t = Table::new([("off", vec!["on"])]).unwrap();
    /// let acts = StatusFields::new()
    ///     .field("power", &t, |s: &(&str, &str)| s.0, |s, d| (d, s.1))
    ///     .field("link", &t, |s: &(&str, &str)| s.1, |s, d| (s.0, d))
    ///     .build();
    /// assert_eq!(acts[1].name(), "link:off->on");
    /// assert_eq!(acts[1].apply(&("off", "off")), ("off", "on"));
    /// ```
    pub fn field<T: Status>(
        mut self,
        field: impl Into<String>,
        table: &Table<T>,
        get: impl Fn(&S) -> T + Send + Sync + 'static,
        with_status: impl Fn(&S, T) -> S + Send + Sync + 'static,
    ) -> Self {
        let field = field.into();
        let t =
            transition_actions(table, get, with_status).name(move |src, dst| format!("{field}:{src}->{dst}"));
        self.actions.extend(t.build());
        self
    }

    /// The actions, fields in order.
    ///
    /// # Examples
    ///
    /// ```
    /// use musil::kits::fsm::{StatusFields, Table};
    ///
    /// let t = Table::new([("a", vec!["b"]), ("b", vec!["a"])]).unwrap();
    /// let acts = StatusFields::new().field("x", &t, |s: &&str| *s, |_, d| d).build();
    /// let names: Vec<&str> = acts.iter().map(|a| a.name()).collect();
    /// assert_eq!(names, ["x:a->b", "x:b->a"]);
    /// ```
    pub fn build(self) -> Vec<Action<S>> {
        self.actions
    }
}

impl<S: 'static> IntoIterator for StatusFields<S> {
    type Item = Action<S>;
    type IntoIter = std::vec::IntoIter<Action<S>>;
    fn into_iter(self) -> Self::IntoIter {
        self.actions.into_iter()
    }
}

/// The builder [`replicated_transition_actions`] returns.
#[must_use = "pass it to Model::actions or call build()"]
pub struct Replicated<S, K, T: Status> {
    table: Table<T>,
    keys: Vec<K>,
    get: KeyGet<S, K, T>,
    set_status: KeySet<S, K, T>,
    effect: Option<KeyAfter<S, K, T>>,
    also: Option<KeyGuard<S, K>>,
    name: KeyName<K, T>,
}

impl<S, K: Debug, T: Status> Debug for Replicated<S, K, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Replicated")
            .field("table", &self.table)
            .field("keys", &self.keys)
            .field("effect", &self.effect.is_some())
            .field("also", &self.also.is_some())
            .finish_non_exhaustive()
    }
}

/// One copy of `table`'s machine per instance key, over one flat state: for each key in order,
/// the actions of [`transition_actions`] with per-key lenses `get(state, key)` and
/// `set_status(state, key, dst)`, named `"{key}:{src}->{dst}"`. The original's integer `N`
/// (keys `0..N`) is the range `0..n` here.
///
/// # Examples
///
/// ```
/// use musil::kits::fsm::{Table, replicated_transition_actions};
/// use musil::{Model, check};
///
/// let t = Table::new([("draft", vec!["posted"]), ("posted", vec!["closed"])]).unwrap();
/// let acts = replicated_transition_actions(
///     &t,
///     0..2usize,
///     |s: &[&str; 2], k| s[*k],
///     |s, k, d| {
///         let mut s = *s;
///         s[*k] = d;
///         s
///     },
/// );
/// let m = Model::new(["draft"; 2]).actions(acts).terminal(|s| *s == ["closed"; 2]);
/// assert_eq!(m.static_action_list()[2].name(), "1:draft->posted");
/// assert_eq!(check(&m).to_string(), "OK — 9 states, no violations");
/// ```
pub fn replicated_transition_actions<S, K, T: Status>(
    table: &Table<T>,
    instances: impl IntoIterator<Item = K>,
    get: impl Fn(&S, &K) -> T + Send + Sync + 'static,
    set_status: impl Fn(&S, &K, T) -> S + Send + Sync + 'static,
) -> Replicated<S, K, T>
where
    K: Clone + Display + Send + Sync + 'static,
{
    Replicated {
        table: table.clone(),
        keys: instances.into_iter().collect(),
        get: Arc::new(get),
        set_status: Arc::new(set_status),
        effect: None,
        also: None,
        name: Arc::new(|key, src, dst| format!("{key}:{src}->{dst}")),
    }
}

impl<S: 'static, K: Clone + Display + Send + Sync + 'static, T: Status> Replicated<S, K, T> {
    /// Applied after the status change, as `effect(moved, key, src, dst)`.
    ///
    /// # Examples
    ///
    /// ```
    /// use musil::kits::fsm::{Table, replicated_transition_actions};
    ///
    /// // (statuses, posted count)
    /// type L = ([&'static str; 2], u8);
    /// let t = Table::new([("draft", vec!["posted"])]).unwrap();
    /// let acts = replicated_transition_actions(
    ///     &t,
    ///     0..2usize,
    ///     |s: &L, k| s.0[*k],
    ///     |s, k, d| {
    ///         let mut s = *s;
    ///         s.0[*k] = d;
    ///         s
    ///     },
    /// )
    /// .effect(|s, _k, _src, _dst| (s.0, s.1 + 1))
    /// .build();
    /// assert_eq!(acts[1].apply(&(["draft"; 2], 0)), (["draft", "posted"], 1));
    /// ```
    pub fn effect(mut self, effect: impl Fn(&S, &K, &T, &T) -> S + Send + Sync + 'static) -> Self {
        self.effect = Some(Arc::new(effect));
        self
    }

    /// A per-instance extra guard `also(state, key)`.
    ///
    /// # Examples
    ///
    /// ```
    /// use musil::kits::fsm::{Table, replicated_transition_actions};
    ///
    /// // Only instance 0 may move.
    /// let t = Table::new([("idle", vec!["busy"])]).unwrap();
    /// let acts = replicated_transition_actions(
    ///     &t,
    ///     0..2usize,
    ///     |s: &[&str; 2], k| s[*k],
    ///     |s, k, d| {
    ///         let mut s = *s;
    ///         s[*k] = d;
    ///         s
    ///     },
    /// )
    /// .also(|_, k| *k == 0)
    /// .build();
    /// assert!(acts[0].is_enabled(&["idle"; 2]) && !acts[1].is_enabled(&["idle"; 2]));
    /// ```
    pub fn also(mut self, also: impl Fn(&S, &K) -> bool + Send + Sync + 'static) -> Self {
        self.also = Some(Arc::new(also));
        self
    }

    /// The action name, `name(key, src, dst)`.
    ///
    /// # Examples
    ///
    /// ```
    /// use musil::kits::fsm::{Table, replicated_transition_actions};
    ///
    /// let t = Table::new([("idle", vec!["busy"])]).unwrap();
    /// let acts = replicated_transition_actions(&t, ["w1", "w2"], |s: &&str, _| *s, |_, _, d| d)
    ///     .name(|k, src, dst| format!("{k}.{src}.{dst}"))
    ///     .build();
    /// assert_eq!(acts[1].name(), "w2.idle.busy");
    /// ```
    pub fn name(mut self, name: impl Fn(&K, &T, &T) -> String + Send + Sync + 'static) -> Self {
        self.name = Arc::new(name);
        self
    }

    /// The actions: keys in order, then table order.
    ///
    /// # Examples
    ///
    /// ```
    /// use musil::kits::fsm::{Table, replicated_transition_actions};
    ///
    /// let t = Table::new([("a", vec!["b"]), ("b", vec!["a"])]).unwrap();
    /// let acts = replicated_transition_actions(&t, ['x', 'y'], |s: &&str, _| *s, |_, _, d| d).build();
    /// let names: Vec<&str> = acts.iter().map(|a| a.name()).collect();
    /// assert_eq!(names, ["x:a->b", "x:b->a", "y:a->b", "y:b->a"]); // keys, then table order
    /// ```
    pub fn build(self) -> Vec<Action<S>> {
        let mut out = Vec::new();
        for key in &self.keys {
            for (src, dst) in self.table.edges() {
                let (get, also) = (self.get.clone(), self.also.clone());
                let (set_status, effect) = (self.set_status.clone(), self.effect.clone());
                let (g_key, g_src) = (key.clone(), src.clone());
                let (e_key, e_src, e_dst) = (key.clone(), src.clone(), dst.clone());
                out.push(Action::new(
                    (self.name)(key, src, dst),
                    move |s| get(s, &g_key) == g_src && also.as_ref().is_none_or(|a| a(s, &g_key)),
                    move |s| {
                        let moved = set_status(s, &e_key, e_dst.clone());
                        match &effect {
                            Some(e) => e(&moved, &e_key, &e_src, &e_dst),
                            None => moved,
                        }
                    },
                ));
            }
        }
        out
    }
}

impl<S: 'static, K: Clone + Display + Send + Sync + 'static, T: Status> IntoIterator for Replicated<S, K, T> {
    type Item = Action<S>;
    type IntoIter = std::vec::IntoIter<Action<S>>;
    fn into_iter(self) -> Self::IntoIter {
        self.build().into_iter()
    }
}

/// A protocol table: each state with its legal operations, each leading to a state or, for
/// `None`, legal and staying put. Rows and operations keep declaration order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Protocol<T: Status> {
    rows: IndexMap<T, IndexMap<String, Option<T>>>,
}

impl<T: Status> Protocol<T> {
    /// A protocol from its rows `(state, [(operation, target)])`.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidInput`] when two rows have the same state or one row names an
    /// operation twice.
    ///
    /// # Examples
    ///
    /// ```
    /// use musil::ErrorKind;
    /// use musil::kits::fsm::Protocol;
    ///
    /// let p = Protocol::new([("idle", vec![("start", Some("busy")), ("ping", None)])]).unwrap();
    /// assert_eq!(p.operations(&"idle"), ["start", "ping"]);
    /// let twice = Protocol::new([("idle", vec![("start", Some("busy")), ("start", None)])]);
    /// assert_eq!(twice.unwrap_err().kind(), ErrorKind::InvalidInput);
    /// ```
    pub fn new<O, R>(rows: impl IntoIterator<Item = (T, R)>) -> Result<Self, Error>
    where
        O: Into<String>,
        R: IntoIterator<Item = (O, Option<T>)>,
    {
        let mut out: IndexMap<T, IndexMap<String, Option<T>>> = IndexMap::new();
        for (state, ops) in rows {
            if out.contains_key(&state) {
                return Err(Error::new(
                    ErrorKind::InvalidInput,
                    format!("fsm::Protocol: two rows for state {state}; give each state one row"),
                ));
            }
            let mut row = IndexMap::new();
            for (op, target) in ops {
                let op = op.into();
                if row.contains_key(&op) {
                    return Err(Error::new(
                        ErrorKind::InvalidInput,
                        format!(
                            "fsm::Protocol: operation '{op}' named twice in state {state}; an operation has one target"
                        ),
                    ));
                }
                row.insert(op, target);
            }
            out.insert(state, row);
        }
        Ok(Protocol { rows: out })
    }

    /// Every operation legal in `state`, moving or not, in order: what a guard checks against
    /// (none for a state without a row). The original's `protocol_operations`.
    ///
    /// # Examples
    ///
    /// ```
    /// use musil::kits::fsm::Protocol;
    ///
    /// let p =
    ///     Protocol::new([("open", vec![("send", None), ("close", Some("closed"))]), ("closed", vec![])])
    ///         .unwrap();
    /// assert_eq!(p.operations(&"open"), ["send", "close"]); // moving or not
    /// assert!(p.operations(&"closed").is_empty());
    /// assert!(p.operations(&"unknown").is_empty());
    /// ```
    pub fn operations(&self, state: &T) -> Vec<&str> {
        self.rows.get(state).map(|r| r.keys().map(String::as_str).collect()).unwrap_or_default()
    }
}

/// The builder [`protocol_actions`] returns.
#[must_use = "pass it to Model::actions or call build()"]
pub struct ProtocolActions<S, T: Status> {
    protocol: Protocol<T>,
    get: Get<S, T>,
    with_state: SetTo<S, T>,
    name: OpName<T>,
}

impl<S, T: Status> Debug for ProtocolActions<S, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProtocolActions").field("protocol", &self.protocol).finish_non_exhaustive()
    }
}

/// One action per `(state, operation)` that moves: operations with no target, or whose target
/// is the state itself, give none (they add no state). Enabled when `get(s) == state`; effect
/// `with_state(s, target)`; named `"{operation} in {state}"` unless
/// [`name`](ProtocolActions::name) says otherwise.
///
/// # Examples
///
/// ```
/// use musil::kits::fsm::{Protocol, protocol_actions};
/// use musil::{Model, check};
///
/// let p = Protocol::new([
///     ("start", vec![("hello", Some("offered")), ("log", None)]),
///     ("offered", vec![("accept", Some("open")), ("reject", Some("closed"))]),
///     ("open", vec![("close", Some("closed")), ("stay", Some("open"))]),
/// ])
/// .unwrap();
/// let acts = protocol_actions(&p, |s: &&str| *s, |_, t| t).build();
/// let names: Vec<&str> = acts.iter().map(|a| a.name()).collect();
/// assert_eq!(names, ["hello in start", "accept in offered", "reject in offered", "close in open"]);
/// let m = Model::new("start").actions(acts).terminal(|s| *s == "closed");
/// assert_eq!(check(&m).to_string(), "OK — 4 states, no violations");
/// ```
pub fn protocol_actions<S, T: Status>(
    protocol: &Protocol<T>,
    get: impl Fn(&S) -> T + Send + Sync + 'static,
    with_state: impl Fn(&S, T) -> S + Send + Sync + 'static,
) -> ProtocolActions<S, T> {
    ProtocolActions {
        protocol: protocol.clone(),
        get: Arc::new(get),
        with_state: Arc::new(with_state),
        name: Arc::new(|state, op| format!("{op} in {state}")),
    }
}

impl<S: 'static, T: Status> ProtocolActions<S, T> {
    /// The action name, `name(state, operation)`.
    ///
    /// # Examples
    ///
    /// ```
    /// use musil::kits::fsm::{Protocol, protocol_actions};
    ///
    /// let p = Protocol::new([("idle", vec![("start", Some("busy"))])]).unwrap();
    /// let acts =
    ///     protocol_actions(&p, |s: &&str| *s, |_, t| t).name(|state, op| format!("{state}/{op}")).build();
    /// assert_eq!(acts[0].name(), "idle/start");
    /// ```
    pub fn name(mut self, name: impl Fn(&T, &str) -> String + Send + Sync + 'static) -> Self {
        self.name = Arc::new(name);
        self
    }

    /// The actions, rows in order, each row's operations in order.
    ///
    /// # Examples
    ///
    /// ```
    /// use musil::kits::fsm::{Protocol, protocol_actions};
    ///
    /// let p =
    ///     Protocol::new([("idle", vec![("start", Some("busy"))]), ("busy", vec![("stop", Some("idle"))])])
    ///         .unwrap();
    /// let acts = protocol_actions(&p, |s: &&str| *s, |_, t| t).build();
    /// assert!(acts[0].is_enabled(&"idle") && !acts[0].is_enabled(&"busy"));
    /// assert_eq!(acts[1].apply(&"busy"), "idle");
    /// ```
    pub fn build(self) -> Vec<Action<S>> {
        let mut out = Vec::new();
        for (state, ops) in &self.protocol.rows {
            for (op, target) in ops {
                let Some(target) = target.clone().filter(|t| t != state) else { continue };
                let (get, with_state, from) = (self.get.clone(), self.with_state.clone(), state.clone());
                out.push(Action::new(
                    (self.name)(state, op),
                    move |s| get(s) == from,
                    move |s| with_state(s, target.clone()),
                ));
            }
        }
        out
    }
}

impl<S: 'static, T: Status> IntoIterator for ProtocolActions<S, T> {
    type Item = Action<S>;
    type IntoIter = std::vec::IntoIter<Action<S>>;
    fn into_iter(self) -> Self::IntoIter {
        self.build().into_iter()
    }
}

/// A movement table: each event label with the `(source, destination)` account pairs it may
/// move quantity between, in declaration order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MovementTable {
    rows: IndexMap<String, IndexSet<(String, String)>>,
}

impl MovementTable {
    /// A table from its rows `(label, [(src, dst)])`. A pair named twice under one label counts
    /// once.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidInput`] when two rows have the same label.
    ///
    /// # Examples
    ///
    /// ```
    /// use musil::kits::fsm::MovementTable;
    ///
    /// let t = MovementTable::new([("roast", vec![("green", "roasted"), ("green", "roasted")])]).unwrap();
    /// assert_eq!(t.endpoints_of("roast"), [("green", "roasted")]); // a pair counts once
    /// assert!(MovementTable::new([("roast", vec![("a", "b")]), ("roast", vec![])]).is_err());
    /// ```
    pub fn new<L, A, P>(rows: impl IntoIterator<Item = (L, P)>) -> Result<Self, Error>
    where
        L: Into<String>,
        A: Into<String>,
        P: IntoIterator<Item = (A, A)>,
    {
        let mut out: IndexMap<String, IndexSet<(String, String)>> = IndexMap::new();
        for (label, pairs) in rows {
            let label = label.into();
            if out.contains_key(&label) {
                return Err(Error::new(
                    ErrorKind::InvalidInput,
                    format!("fsm::MovementTable: two rows for label '{label}'; give each label one row"),
                ));
            }
            out.insert(label, pairs.into_iter().map(|(a, b)| (a.into(), b.into())).collect());
        }
        Ok(MovementTable { rows: out })
    }

    /// Every account named, sources and destinations, in order of first mention.
    ///
    /// # Examples
    ///
    /// ```
    /// use musil::kits::fsm::MovementTable;
    ///
    /// let t = MovementTable::new([
    ///     ("roast", vec![("green", "roasted"), ("green", "loss")]),
    ///     ("grind", vec![("roasted", "ground")]),
    /// ])
    /// .unwrap();
    /// assert_eq!(t.declared_accounts(), ["green", "roasted", "loss", "ground"]);
    /// ```
    pub fn declared_accounts(&self) -> Vec<&str> {
        let set: IndexSet<&str> =
            self.rows.values().flatten().flat_map(|(a, b)| [a.as_str(), b.as_str()]).collect();
        set.into_iter().collect()
    }

    /// The pairs `label` may move between (none for an unknown label).
    ///
    /// # Examples
    ///
    /// ```
    /// use musil::kits::fsm::MovementTable;
    ///
    /// let t = MovementTable::new([("grind", vec![("roasted", "ground")])]).unwrap();
    /// assert_eq!(t.endpoints_of("grind"), [("roasted", "ground")]);
    /// assert!(t.endpoints_of("unknown").is_empty());
    /// ```
    pub fn endpoints_of(&self, label: &str) -> Vec<(&str, &str)> {
        self.rows.get(label).into_iter().flatten().map(|(a, b)| (a.as_str(), b.as_str())).collect()
    }
}

type MoveFn<S> = dyn Fn(&S, &str, &str, &str) -> S + Send + Sync;
type MoveGuard<S> = dyn Fn(&S, &str, &str, &str) -> bool + Send + Sync;

/// The builder [`movement_actions`] returns.
#[must_use = "pass it to Model::actions or call build()"]
pub struct Movements<S> {
    table: MovementTable,
    apply: Shared<MoveFn<S>>,
    enabled: Option<Shared<MoveGuard<S>>>,
    name: Shared<MoveName>,
}

impl<S> Debug for Movements<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Movements")
            .field("table", &self.table)
            .field("enabled", &self.enabled.is_some())
            .finish_non_exhaustive()
    }
}

/// One action per declared `(label, src, dst)`, labels in order, each label's pairs in order:
/// effect `apply(state, label, src, dst)` (the kit gives the structure, the caller the
/// arithmetic), always enabled unless [`enabled`](Movements::enabled) says otherwise, named
/// `"{label}:{src}->{dst}"` unless [`name`](Movements::name) says otherwise. The original's
/// `move` is `apply` here (`move` is a Rust keyword).
///
/// # Examples
///
/// ```
/// use musil::kits::fsm::{MovementTable, movement_actions};
/// use musil::{Model, explore};
///
/// const ACCOUNTS: [&str; 3] = ["green", "roasted", "loss"];
/// let at = |a: &str| ACCOUNTS.iter().position(|x| *x == a).unwrap();
/// let t = MovementTable::new([("roast", vec![("green", "roasted"), ("green", "loss")])]).unwrap();
/// let acts = movement_actions(&t, move |s: &[u8; 3], _label, src, dst| {
///     let mut s = *s;
///     (s[at(src)], s[at(dst)]) = (s[at(src)] - 1, s[at(dst)] + 1);
///     s
/// })
/// .enabled(move |s, _label, src, _dst| s[at(src)] > 0);
/// // Two units of green, each roasted or lost: (2,0,0) (1,1,0) (1,0,1) (0,2,0) (0,1,1) (0,0,2).
/// assert_eq!(explore(&Model::new([2u8, 0, 0]).actions(acts)).len(), 6);
/// ```
pub fn movement_actions<S>(
    table: &MovementTable,
    apply: impl Fn(&S, &str, &str, &str) -> S + Send + Sync + 'static,
) -> Movements<S> {
    Movements {
        table: table.clone(),
        apply: Arc::new(apply),
        enabled: None,
        name: Arc::new(|label, src, dst| format!("{label}:{src}->{dst}")),
    }
}

impl<S: 'static> Movements<S> {
    /// An extra guard `enabled(state, label, src, dst)`, typically "src has a positive balance".
    ///
    /// # Examples
    ///
    /// ```
    /// use musil::kits::fsm::{MovementTable, movement_actions};
    ///
    /// // (source balance, destination balance): no overdraw.
    /// let t = MovementTable::new([("pay", vec![("a", "b")])]).unwrap();
    /// let acts = movement_actions(&t, |s: &(u8, u8), _, _, _| (s.0 - 1, s.1 + 1))
    ///     .enabled(|s, _, _, _| s.0 > 0)
    ///     .build();
    /// assert!(acts[0].is_enabled(&(1, 0)) && !acts[0].is_enabled(&(0, 1)));
    /// ```
    pub fn enabled(mut self, enabled: impl Fn(&S, &str, &str, &str) -> bool + Send + Sync + 'static) -> Self {
        self.enabled = Some(Arc::new(enabled));
        self
    }

    /// The action name, `name(label, src, dst)`.
    ///
    /// # Examples
    ///
    /// ```
    /// use musil::kits::fsm::{MovementTable, movement_actions};
    ///
    /// let t = MovementTable::new([("pay", vec![("a", "b")])]).unwrap();
    /// let acts = movement_actions(&t, |s: &u8, _, _, _| *s)
    ///     .name(|l, src, dst| format!("{l}({src}, {dst})"))
    ///     .build();
    /// assert_eq!(acts[0].name(), "pay(a, b)");
    /// ```
    pub fn name(mut self, name: impl Fn(&str, &str, &str) -> String + Send + Sync + 'static) -> Self {
        self.name = Arc::new(name);
        self
    }

    /// The actions, in table order.
    ///
    /// # Examples
    ///
    /// ```
    /// use musil::kits::fsm::{MovementTable, movement_actions};
    ///
    /// let t = MovementTable::new([
    ///     ("roast", vec![("green", "roasted"), ("green", "loss")]),
    ///     ("grind", vec![("roasted", "ground")]),
    /// ])
    /// .unwrap();
    /// let acts = movement_actions(&t, |s: &u8, _, _, _| *s).build();
    /// let names: Vec<&str> = acts.iter().map(|a| a.name()).collect();
    /// assert_eq!(names, ["roast:green->roasted", "roast:green->loss", "grind:roasted->ground"]);
    /// assert!(acts[0].is_enabled(&0)); // always enabled without `enabled`
    /// ```
    pub fn build(self) -> Vec<Action<S>> {
        let mut out = Vec::new();
        for (label, pairs) in &self.table.rows {
            for (src, dst) in pairs {
                let (enabled, apply) = (self.enabled.clone(), self.apply.clone());
                let (gl, gs, gd) = (label.clone(), src.clone(), dst.clone());
                let (al, as_, ad) = (label.clone(), src.clone(), dst.clone());
                out.push(Action::new(
                    (self.name)(label, src, dst),
                    move |s| enabled.as_ref().is_none_or(|e| e(s, &gl, &gs, &gd)),
                    move |s| apply(s, &al, &as_, &ad),
                ));
            }
        }
        out
    }
}

impl<S: 'static> IntoIterator for Movements<S> {
    type Item = Action<S>;
    type IntoIter = std::vec::IntoIter<Action<S>>;
    fn into_iter(self) -> Self::IntoIter {
        self.build().into_iter()
    }
}

/// Every status change the system makes that `table` does not declare, as `(src, dst)` pairs
/// sorted by their text: over every explored edge whose status (read by `get`) changes from
/// `src` to `dst`, those with `dst` not among `src`'s successors (a status without a row
/// declares none). Conformance, not completeness: a declared edge may go unused. Explores with
/// the defaults (the cap included).
///
/// # Examples
///
/// ```
/// use musil::Model;
/// use musil::kits::fsm::{Table, undeclared_transitions};
///
/// let t = Table::new([("a", vec!["b"])]).unwrap();
/// let m = Model::new("a").action("ab", |s| *s == "a", |_| "b").action("ac", |s| *s == "a", |_| "c").action(
///     "cz",
///     |s| *s == "c",
///     |_| "z",
/// ); // `c` has no row: nothing is declared from it
/// assert_eq!(undeclared_transitions(&m, &t, |s| *s), [("a", "c"), ("c", "z")]);
/// ```
pub fn undeclared_transitions<Sys, T>(
    system: &Sys,
    table: &Table<T>,
    get: impl Fn(&Sys::State) -> T,
) -> Vec<(T, T)>
where
    Sys: TransitionSystem,
    T: Status,
{
    let graph = Checker::new(system).explore();
    let mut found: IndexSet<(T, T)> = IndexSet::new();
    for x in graph.ids() {
        let src = get(graph.state(x));
        for &(_, y) in graph.edges(x) {
            let dst = get(graph.state(y));
            if src != dst && !table.allows(&src, &dst) {
                found.insert((src.clone(), dst));
            }
        }
    }
    let mut out: Vec<(T, T)> = found.into_iter().collect();
    out.sort_by_cached_key(|(a, b)| (a.to_string(), b.to_string()));
    out
}

/// Assert that the system conforms to `table` (see [`undeclared_transitions`]).
///
/// # Panics
/// When it makes an undeclared status change, with the message `model makes status transitions
/// not declared in the table: a -> b, c -> d`, preceded by `message` and a newline when given.
///
/// # Examples
///
/// ```
/// use musil::Model;
/// use musil::kits::fsm::{Table, assert_covers_table};
///
/// let t = Table::new([("draft", vec!["posted"]), ("posted", vec!["closed"])]).unwrap();
/// let ok = Model::new("draft").action("post", |s| *s == "draft", |_| "posted");
/// assert_covers_table(&ok, &t, |s| *s, None); // conformance: `posted -> closed` may go unused
/// let skip = ok.action("skip", |s| *s == "draft", |_| "closed");
/// let panic = std::panic::catch_unwind(|| assert_covers_table(&skip, &t, |s| *s, Some("ledger")));
/// let text = panic.unwrap_err().downcast::<String>().unwrap();
/// assert_eq!(*text, "ledger\nmodel makes status transitions not declared in the table: draft -> closed");
/// ```
#[track_caller]
pub fn assert_covers_table<Sys, T>(
    system: &Sys,
    table: &Table<T>,
    get: impl Fn(&Sys::State) -> T,
    message: Option<&str>,
) where
    Sys: TransitionSystem,
    T: Status,
{
    let undeclared = undeclared_transitions(system, table, get);
    if undeclared.is_empty() {
        return;
    }
    let listing: Vec<String> = undeclared.iter().map(|(a, b)| format!("{a} -> {b}")).collect();
    let head = format!("model makes status transitions not declared in the table: {}", listing.join(", "));
    match message {
        Some(m) => panic!("{m}\n{head}"),
        None => panic!("{head}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Model, check};

    #[derive(Clone, Debug, PartialEq, Eq, Hash)]
    struct Res {
        status: &'static str,
    }

    fn lifecycle() -> Table<&'static str> {
        Table::new([
            ("pending", vec!["active", "failed"]),
            ("active", vec!["deleting", "failed"]),
            ("failed", vec!["deleting"]),
            ("deleting", vec!["deleted"]),
            ("deleted", vec![]),
        ])
        .unwrap()
    }

    fn names<S>(actions: &[Action<S>]) -> Vec<&str> {
        actions.iter().map(|a| a.name()).collect()
    }

    #[test]
    fn declared_and_terminal_states() {
        let t = lifecycle();
        assert_eq!(t.declared_states(), ["pending", "active", "failed", "deleting", "deleted"]);
        assert_eq!(t.terminal_states(), ["deleted"]);
        let t = Table::new([("a", vec!["b"])]).unwrap();
        assert_eq!(t.terminal_states(), ["b"]);
    }

    #[test]
    fn one_action_per_edge_in_declaration_order() {
        let acts = transition_actions(&lifecycle(), |s: &Res| s.status, |_, d| Res { status: d }).build();
        assert_eq!(
            names(&acts),
            [
                "pending->active",
                "pending->failed",
                "active->deleting",
                "active->failed",
                "failed->deleting",
                "deleting->deleted"
            ]
        );
        assert!(acts.iter().all(|a| a.fairness().is_none()));
        let go = &acts[0];
        assert!(go.is_enabled(&Res { status: "pending" }));
        assert!(!go.is_enabled(&Res { status: "active" }));
        assert_eq!(go.apply(&Res { status: "pending" }), Res { status: "active" });
    }

    #[test]
    fn a_self_edge_is_built() {
        let t = Table::new([("p", vec!["p"])]).unwrap();
        let acts = transition_actions(&t, |s: &Res| s.status, |_, d| Res { status: d }).build();
        assert_eq!(names(&acts), ["p->p"]);
    }

    #[test]
    fn the_model_checks_and_an_unreachable_row_is_harmless() {
        let t = lifecycle();
        let term = t.terminal_states();
        let m = Model::new(Res { status: "pending" })
            .actions(transition_actions(&t, |s: &Res| s.status, |_, d| Res { status: d }))
            .terminal(move |s| term.contains(&s.status));
        assert_eq!(check(&m).to_string(), "OK — 5 states, no violations");
        let t = Table::new([("pending", vec!["active"]), ("active", vec![]), ("orphan", vec!["active"])])
            .unwrap();
        let term = t.terminal_states();
        let m = Model::new(Res { status: "pending" })
            .actions(transition_actions(&t, |s: &Res| s.status, |_, d| Res { status: d }))
            .terminal(move |s| term.contains(&s.status));
        assert_eq!(check(&m).to_string(), "OK — 2 states, no violations");
    }

    #[test]
    fn two_status_fields_each_with_its_own_table() {
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        struct Two {
            a: &'static str,
            b: &'static str,
        }
        let ta = Table::new([("pending", vec!["active"])]).unwrap();
        let tb =
            Table::new([("pending", vec!["on", "off"]), ("on", vec!["off"]), ("off", vec!["on"])]).unwrap();
        let m =
            Model::new(Two { a: "pending", b: "pending" })
                .actions(
                    StatusFields::new()
                        .field("a", &ta, |s: &Two| s.a, |s, d| Two { a: d, ..s.clone() })
                        .field("b", &tb, |s: &Two| s.b, |s, d| Two { b: d, ..s.clone() }),
                )
                .terminal(|_| true);
        let n: Vec<&str> = m.static_action_list().iter().map(|a| a.name()).collect();
        assert!(n.contains(&"a:pending->active") && n.contains(&"b:on->off"));
        assert_eq!(check(&m).to_string(), "OK — 6 states, no violations");
    }

    #[test]
    fn duplicate_rows_are_refused() {
        let e = Table::new([("a", vec!["b"]), ("a", vec!["c"])]).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        assert!(e.message().contains("two rows for status a"));
        let e = Protocol::new([("s", vec![("x", None), ("x", Some("s"))])]).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        let e = MovementTable::new([("roast", vec![("a", "b")]), ("roast", vec![])]).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
    }

    #[derive(Clone, Debug, PartialEq, Eq, Hash)]
    struct Ledger {
        entries: [&'static str; 2],
        balance: u8,
        open: bool,
    }

    fn ledger_table() -> Table<&'static str> {
        Table::new([("draft", vec!["posted"]), ("posted", vec!["closed"])]).unwrap()
    }

    fn ledger() -> Model<Ledger> {
        let acts = replicated_transition_actions(
            &ledger_table(),
            0..2usize,
            |s: &Ledger, k| s.entries[*k],
            |s, k, d| {
                let mut n = s.clone();
                n.entries[*k] = d;
                n
            },
        )
        .effect(|s, _k, _src, dst| {
            let mut n = s.clone();
            if *dst == "posted" {
                n.balance += 1;
            }
            n
        })
        .also(|s, _k| s.open);
        Model::new(Ledger { entries: ["draft", "draft"], balance: 0, open: true })
            .actions(acts)
            .terminal(|s| s.entries == ["closed", "closed"])
    }

    #[test]
    fn replicated_ledger_entries() {
        let m = ledger();
        let n: Vec<&str> = m.static_action_list().iter().map(|a| a.name()).collect();
        assert_eq!(n, ["0:draft->posted", "0:posted->closed", "1:draft->posted", "1:posted->closed"]);
        assert_eq!(check(&m).to_string(), "OK — 9 states, no violations");
        for k in 0..2 {
            assert_covers_table(&m, &ledger_table(), move |s| s.entries[k], None);
        }
    }

    #[test]
    #[should_panic(
        expected = "entry 0\nmodel makes status transitions not declared in the table: draft -> closed"
    )]
    fn a_hand_written_skip_is_not_covered() {
        let m = ledger().action(
            "0:skip",
            |s| s.entries[0] == "draft",
            |s| Ledger { entries: ["closed", s.entries[1]], ..s.clone() },
        );
        assert_covers_table(&m, &ledger_table(), |s| s.entries[0], Some("entry 0"));
    }

    #[test]
    fn undeclared_pairs_are_sorted() {
        let m = Model::new("a").action("ac", |s| *s == "a", |_| "c").action("cz", |s| *s == "c", |_| "z");
        let t = Table::new([("a", vec!["b"])]).unwrap();
        assert_eq!(undeclared_transitions(&m, &t, |s| *s), [("a", "c"), ("c", "z")]);
    }

    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    enum Hs {
        Start,
        Offered,
        Open,
        Closed,
    }

    impl Display for Hs {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(match self {
                Hs::Start => "start",
                Hs::Offered => "offered",
                Hs::Open => "open",
                Hs::Closed => "closed",
            })
        }
    }

    #[test]
    fn protocol_actions_skip_staying_operations() {
        let p = Protocol::new([
            (Hs::Start, vec![("hello", Some(Hs::Offered)), ("log", None)]),
            (Hs::Offered, vec![("accept", Some(Hs::Open)), ("reject", Some(Hs::Closed))]),
            (Hs::Open, vec![("send", None), ("close", Some(Hs::Closed))]),
            (Hs::Closed, vec![]),
        ])
        .unwrap();
        let acts = protocol_actions(&p, |s: &Hs| *s, |_, t| t).build();
        assert_eq!(
            names(&acts),
            ["hello in start", "accept in offered", "reject in offered", "close in open"]
        );
        let m = Model::new(Hs::Start).actions(acts).terminal(|s| *s == Hs::Closed);
        assert_eq!(check(&m).to_string(), "OK — 4 states, no violations");
        assert_eq!(p.operations(&Hs::Open), ["send", "close"]);
        assert!(p.operations(&Hs::Closed).is_empty());
        let p = Protocol::new([("a", vec![("x", Some("a")), ("y", Some("b")), ("z", None)])]).unwrap();
        assert_eq!(names(&protocol_actions(&p, |s: &&str| *s, |_, t| t).build()), ["y in a"]);
    }

    #[test]
    fn movement_actions_shift_one_unit_without_overdraw() {
        let t = MovementTable::new([
            ("roast", vec![("green.loose", "roasted"), ("green.loose", "loss")]),
            ("grind", vec![("roasted", "ground")]),
        ])
        .unwrap();
        assert_eq!(t.declared_accounts(), ["green.loose", "roasted", "loss", "ground"]);
        assert_eq!(t.endpoints_of("grind"), [("roasted", "ground")]);
        assert!(t.endpoints_of("unknown").is_empty());
        let idx =
            |a: &str| ["green.loose", "roasted", "loss", "ground"].iter().position(|x| *x == a).unwrap();
        let acts = movement_actions(&t, move |s: &[u8; 4], _l, src, dst| {
            let mut n = *s;
            n[idx(src)] -= 1;
            n[idx(dst)] += 1;
            n
        })
        .enabled(move |s, _l, src, _d| s[idx(src)] > 0)
        .build();
        assert_eq!(
            names(&acts),
            ["roast:green.loose->roasted", "roast:green.loose->loss", "grind:roasted->ground"]
        );
        assert_eq!(acts[0].apply(&[2, 0, 0, 0]), [1, 1, 0, 0]);
        assert!(!acts[2].is_enabled(&[2, 0, 0, 0]));
        let m = Model::new([2u8, 0, 0, 0]).actions(acts).terminal(|_| true);
        assert_eq!(check(&m).to_string(), "OK — 10 states, no violations");
    }
}
