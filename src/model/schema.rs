//! Parameterised actions: an [`ActionSchema`] expands into one [`Action`] per binding.
//!
//! ```
//! use musil::{enumerate_actions, ActionSchema, Value};
//! let add = ActionSchema::new("add", |n: &i64, b| n + b.int("x") * b.int("y"))
//!     .param("x", [1, 2])
//!     .param("y", [Value::from(3), Value::from(4)]);
//! let names: Vec<String> = enumerate_actions([add]).iter().map(|a| a.name().to_owned()).collect();
//! assert_eq!(names, ["add{x=1, y=3}", "add{x=1, y=4}", "add{x=2, y=3}", "add{x=2, y=4}"]);
//! ```

use std::fmt;
use std::sync::Arc;

use super::action::Action;

/// A parameter value, printed the way the original prints it in action names (Python repr:
/// `1`, `'a'`, `None`, `True`, `(1, 'q')`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Value {
    /// No value (`None`).
    None,
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A string.
    Str(String),
    /// A tuple of values.
    Tuple(Vec<Value>),
}

impl Value {
    /// The integer, or a panic naming the value's actual kind.
    pub fn as_int(&self) -> i64 {
        match self {
            Value::Int(i) => *i,
            other => panic!("parameter value {other} is not an integer"),
        }
    }

    /// The string, or a panic naming the value's actual kind.
    pub fn as_str(&self) -> &str {
        match self {
            Value::Str(s) => s,
            other => panic!("parameter value {other} is not a string"),
        }
    }

    /// The boolean, or a panic naming the value's actual kind.
    pub fn as_bool(&self) -> bool {
        match self {
            Value::Bool(b) => *b,
            other => panic!("parameter value {other} is not a boolean"),
        }
    }
}

pub(crate) fn python_str_repr(s: &str, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let quote = if s.contains('\'') && !s.contains('"') { '"' } else { '\'' };
    write!(f, "{quote}")?;
    for c in s.chars() {
        match c {
            '\\' => write!(f, "\\\\")?,
            '\n' => write!(f, "\\n")?,
            '\r' => write!(f, "\\r")?,
            '\t' => write!(f, "\\t")?,
            c if c == quote => write!(f, "\\{c}")?,
            c => write!(f, "{c}")?,
        }
    }
    write!(f, "{quote}")
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::None => write!(f, "None"),
            Value::Bool(true) => write!(f, "True"),
            Value::Bool(false) => write!(f, "False"),
            Value::Int(i) => write!(f, "{i}"),
            Value::Str(s) => python_str_repr(s, f),
            Value::Tuple(items) => {
                write!(f, "(")?;
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{v}")?;
                }
                if items.len() == 1 {
                    write!(f, ",")?;
                }
                write!(f, ")")
            }
        }
    }
}

macro_rules! value_from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for Value {
            fn from(v: $t) -> Self { Value::Int(v as i64) }
        }
    )*};
}
value_from_int!(i8, i16, i32, i64, u8, u16, u32, usize);

impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Bool(v)
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Str(v.to_owned())
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Str(v)
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::None, Into::into)
    }
}
impl From<Vec<Value>> for Value {
    fn from(v: Vec<Value>) -> Self {
        Value::Tuple(v)
    }
}

/// The values bound to a schema's parameters for one concrete action.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Binding {
    slots: Vec<(String, Value)>,
}

impl Binding {
    /// The value of parameter `name`; panics naming the parameter when there is none.
    pub fn get(&self, name: &str) -> &Value {
        self.slots
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
            .unwrap_or_else(|| panic!("action schema has no parameter '{name}'"))
    }

    /// Parameter `name` as an integer.
    pub fn int(&self, name: &str) -> i64 {
        self.get(name).as_int()
    }

    /// Parameter `name` as a string.
    pub fn str(&self, name: &str) -> &str {
        self.get(name).as_str()
    }

    /// Parameter `name` as a boolean.
    pub fn bool(&self, name: &str) -> bool {
        self.get(name).as_bool()
    }

    /// The `(name, value)` pairs in declaration order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.slots.iter().map(|(k, v)| (k.as_str(), v))
    }
}

type SchemaFn<S, R> = Arc<dyn Fn(&S, &Binding) -> R + Send + Sync>;

/// A parameterised action: `name`, an effect and a guard that read a [`Binding`], and finite
/// parameter domains in declaration order.
pub struct ActionSchema<S> {
    name: String,
    apply: SchemaFn<S, S>,
    enabled: SchemaFn<S, bool>,
    params: Vec<(String, Vec<Value>)>,
}

impl<S> Clone for ActionSchema<S> {
    fn clone(&self) -> Self {
        ActionSchema {
            name: self.name.clone(),
            apply: self.apply.clone(),
            enabled: self.enabled.clone(),
            params: self.params.clone(),
        }
    }
}

impl<S> fmt::Debug for ActionSchema<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ActionSchema")
            .field("name", &self.name)
            .field("params", &self.params)
            .finish_non_exhaustive()
    }
}

impl<S: 'static> ActionSchema<S> {
    /// A schema that is always enabled, with no parameters yet.
    pub fn new(name: impl Into<String>, apply: impl Fn(&S, &Binding) -> S + Send + Sync + 'static) -> Self {
        ActionSchema {
            name: name.into(),
            apply: Arc::new(apply),
            enabled: Arc::new(|_, _| true),
            params: Vec::new(),
        }
    }

    /// Add a parameter and its domain (a later parameter varies fastest). Re-declaring a
    /// parameter replaces its domain and keeps its position.
    #[must_use]
    pub fn param<V: Into<Value>>(
        mut self,
        name: impl Into<String>,
        domain: impl IntoIterator<Item = V>,
    ) -> Self {
        let name = name.into();
        let values: Vec<Value> = domain.into_iter().map(Into::into).collect();
        match self.params.iter_mut().find(|(k, _)| *k == name) {
            Some(slot) => slot.1 = values,
            None => self.params.push((name, values)),
        }
        self
    }

    /// The guard, reading the binding.
    #[must_use]
    pub fn enabled(mut self, guard: impl Fn(&S, &Binding) -> bool + Send + Sync + 'static) -> Self {
        self.enabled = Arc::new(guard);
        self
    }

    /// The concrete actions: one per element of the cartesian product of the domains, the first
    /// parameter slowest; none when a domain is empty.
    pub fn actions(&self) -> Vec<Action<S>> {
        let mut out = Vec::new();
        if self.params.iter().any(|(_, d)| d.is_empty()) {
            return out;
        }
        let mut idx = vec![0usize; self.params.len()];
        loop {
            let binding = Binding {
                slots: self.params.iter().zip(&idx).map(|((k, d), &i)| (k.clone(), d[i].clone())).collect(),
            };
            let name = if binding.slots.is_empty() {
                self.name.clone()
            } else {
                let inner: Vec<String> = binding.slots.iter().map(|(k, v)| format!("{k}={v}")).collect();
                format!("{}{{{}}}", self.name, inner.join(", "))
            };
            let (apply, enabled) = (self.apply.clone(), self.enabled.clone());
            let binding = Arc::new(binding);
            let b_guard = binding.clone();
            out.push(Action::new(name, move |s| enabled(s, &b_guard), move |s| apply(s, &binding)));
            // advance the odometer, last parameter fastest
            let mut k = idx.len();
            loop {
                if k == 0 {
                    return out;
                }
                k -= 1;
                idx[k] += 1;
                if idx[k] < self.params[k].1.len() {
                    break;
                }
                idx[k] = 0;
            }
        }
    }
}

/// Expand schemas, in order, into concrete actions (see [`ActionSchema::actions`]).
pub fn enumerate_actions<S: 'static>(schemas: impl IntoIterator<Item = ActionSchema<S>>) -> Vec<Action<S>> {
    schemas.into_iter().flat_map(|s| s.actions()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_print_like_python_reprs() {
        assert_eq!(Value::from("a").to_string(), "'a'");
        assert_eq!(Value::from("it's").to_string(), "\"it's\"");
        assert_eq!(Value::None.to_string(), "None");
        assert_eq!(Value::from(true).to_string(), "True");
        assert_eq!(Value::Tuple(vec![1.into(), "q".into()]).to_string(), "(1, 'q')");
        assert_eq!(Value::Tuple(vec![1.into()]).to_string(), "(1,)");
    }

    #[test]
    fn empty_domain_yields_no_action_and_no_params_the_plain_name() {
        let s = ActionSchema::new("f", |n: &i64, _| *n).param("x", Vec::<i64>::new());
        assert!(s.actions().is_empty());
        let plain = ActionSchema::new("g", |n: &i64, _| *n);
        assert_eq!(plain.actions()[0].name(), "g");
        let y = ActionSchema::new("h", |n: &i64, _| *n).param("y", [Value::None, Value::from("a")]);
        let names: Vec<_> = y.actions().iter().map(|a| a.name().to_owned()).collect();
        assert_eq!(names, ["h{y=None}", "h{y='a'}"]);
    }

    #[test]
    fn guard_and_effect_see_the_binding() {
        let s = ActionSchema::new("add", |n: &i64, b| n + b.int("x"))
            .param("x", [1, 5])
            .enabled(|n, b| *n + b.int("x") < 4);
        let acts = s.actions();
        assert!(acts[0].is_enabled(&0));
        assert!(!acts[1].is_enabled(&0));
        assert_eq!(acts[1].apply(&1), 6);
    }
}
