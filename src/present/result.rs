//! What a check returns: [`CheckResult`], its trace of [`Step`]s, and how both print.
//!
//! `Display` follows the original's layout exactly, so a failing `assert_ok!` shows the
//! counterexample a reader of the original would recognise:
//!
//! ```text
//! INVARIANT VIOLATED: both-increments-counted
//!   Init: Counter { x: 0, .. }
//!   → A_read: Counter { x: 0, .. }
//! (12 states explored)
//! ```
//!
//! States print with `{:?}`.

use std::fmt::{self, Debug, Display};

pub use crate::engine::Step;
use crate::fault::Fault;

/// The kind of a violation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A state invariant is broken in the trace's last state.
    Invariant,
    /// An edge invariant is broken on the trace's last transition.
    EdgeInvariant,
    /// The trace's last state has no enabled action and is not terminal.
    Deadlock,
    /// An LTL formula is broken by the lasso (`loop_index` marks where it repeats).
    Ltl,
    /// User code (a guard, effect, invariant, ...) panicked in the trace's last state. Not in
    /// the original, which lets the exception escape; musil reports it as a result instead.
    Panic,
}

impl Kind {
    /// The original's name for this kind (`invariant`, `edge-invariant`, `deadlock`, `ltl`),
    /// and `panic`.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Invariant => "invariant",
            Kind::EdgeInvariant => "edge-invariant",
            Kind::Deadlock => "deadlock",
            Kind::Ltl => "ltl",
            Kind::Panic => "panic",
        }
    }
}

impl Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which limit stopped a search early.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Limit {
    /// `max_states` distinct states were found.
    MaxStates,
    /// The store outgrew the memory budget.
    MemoryBudget,
}

/// Anything with a verdict and a printed form: the original's `Verdict` protocol, which
/// [`assert_ok!`](crate::assert_ok) and [`assert_violates!`](crate::assert_violates) accept.
pub trait Outcome: Display {
    /// The state type of the counterexample.
    type State;
    /// True when no violation was found (the original's `ok`): on a truncated search this
    /// proves nothing; see [`proved`](Outcome::proved).
    fn is_ok(&self) -> bool;
    /// True when the search hit a cap before it finished.
    fn is_truncated(&self) -> bool {
        false
    }
    /// True when the property holds on everything reachable: no violation, and the search
    /// saw the whole state space (not truncated).
    fn proved(&self) -> bool {
        self.is_ok() && !self.is_truncated()
    }
    /// The violation kind's name, if any.
    fn kind_name(&self) -> Option<&'static str> {
        None
    }
    /// The broken invariant's name, if any.
    fn broken_invariant(&self) -> Option<&str> {
        None
    }
    /// The counterexample's action names (no `<init>`).
    fn counterexample_actions(&self) -> Vec<&str> {
        Vec::new()
    }
    /// The counterexample's last state, if any.
    fn witness_state(&self) -> Option<&Self::State> {
        None
    }
    /// The counterexample as a [`Run`]; `None` when there is none. Open-system reports read
    /// assumptions along it.
    fn counterexample_run(&self) -> Option<Run<'_, Self::State>> {
        None
    }
}

/// A counterexample read as a run: the steps taken, `<init>` first, and for a lasso the steps
/// of the cycle that repeats forever after them (ending in the stem's last state); for a finite
/// counterexample the cycle is empty.
#[derive(Debug)]
pub struct Run<'a, S> {
    /// The steps from the initial state.
    pub stem: &'a [Step<S>],
    /// The cycle's steps, repeated forever after the stem; empty for a finite run.
    pub cycle: &'a [Step<S>],
}

impl<S> Clone for Run<'_, S> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<S> Copy for Run<'_, S> {}

/// The result of a safety check.
#[derive(Clone, Debug, PartialEq, Eq)]
#[must_use = "a check result says whether the model is correct: assert on it (assert_ok!) or print it"]
pub struct CheckResult<S> {
    /// True when no violation was found (the original's `ok`). On a truncated search
    /// ([`truncated`](Self::truncated)) this proves nothing: [`proved`](Self::proved) is true
    /// only for a pass over the whole reachable state space.
    pub ok: bool,
    /// Distinct states discovered when the check returned (queued ones included).
    pub states_explored: usize,
    /// The violation kind (`None` when ok).
    pub kind: Option<Kind>,
    /// The broken invariant or edge invariant (or the panicking action / invariant).
    pub invariant: Option<String>,
    /// The violation's reason, when it gave a non-empty one.
    pub reason: Option<String>,
    /// The shortest counterexample, `<init>` first; empty when ok.
    pub trace: Vec<Step<S>>,
    /// The search stopped at `max_states`: an ok result then proves nothing.
    pub truncated: bool,
    /// For an LTL lasso: the index in `trace` of the state the cycle returns to.
    pub loop_index: Option<usize>,
    /// For [`Kind::Panic`]: what panicked and its message.
    pub fault: Option<Fault>,
    /// For a truncated result: which limit stopped it (`None` means `max_states`).
    pub limit: Option<Limit>,
}

impl<S> CheckResult<S> {
    pub(crate) fn pass(states_explored: usize, truncated: bool) -> Self {
        CheckResult {
            ok: true,
            states_explored,
            kind: None,
            invariant: None,
            reason: None,
            trace: Vec::new(),
            truncated,
            loop_index: None,
            fault: None,
            limit: truncated.then_some(Limit::MaxStates),
        }
    }

    pub(crate) fn fail(kind: Kind, states_explored: usize, trace: Vec<Step<S>>) -> Self {
        CheckResult {
            ok: false,
            states_explored,
            kind: Some(kind),
            invariant: None,
            reason: None,
            trace,
            truncated: false,
            loop_index: None,
            fault: None,
            limit: None,
        }
    }

    /// True when the check passed over the whole reachable state space: [`ok`](Self::ok) and
    /// not [`truncated`](Self::truncated).
    pub fn proved(&self) -> bool {
        self.ok && !self.truncated
    }

    /// The counterexample's action names, every `<init>` step left out.
    pub fn action_names(&self) -> Vec<&str> {
        self.trace.iter().filter(|s| s.action != "<init>").map(|s| s.action.as_str()).collect()
    }

    /// The last state of the trace (the violating one), if any.
    pub fn witness(&self) -> Option<&S> {
        self.trace.last().map(|s| &s.state)
    }

    /// The same result with every trace state passed through `f` (a
    /// [packed](crate::compact::Packed) trace read back as plain states, for example).
    ///
    /// ```
    /// use musil::{Model, check};
    /// let r = check(&Model::new(0u8).action("inc", |n| *n < 5, |n| n + 1).invariant("small", |n| *n < 3));
    /// let doubled = r.map_states(|n| u32::from(n) * 2);
    /// assert_eq!(doubled.witness(), Some(&6));
    /// ```
    pub fn map_states<R>(self, mut f: impl FnMut(S) -> R) -> CheckResult<R> {
        CheckResult {
            ok: self.ok,
            states_explored: self.states_explored,
            kind: self.kind,
            invariant: self.invariant,
            reason: self.reason,
            trace: self.trace.into_iter().map(|s| Step { action: s.action, state: f(s.state) }).collect(),
            truncated: self.truncated,
            loop_index: self.loop_index,
            fault: self.fault,
            limit: self.limit,
        }
    }
}

impl<S: Debug> Display for CheckResult<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ok {
            write!(f, "OK — {} states, no violations", self.states_explored)?;
            if self.truncated {
                match self.limit {
                    Some(Limit::MemoryBudget) => write!(f, " (TRUNCATED at memory budget)")?,
                    _ => write!(f, " (TRUNCATED at cap)")?,
                }
            }
            if self.states_explored == 0 {
                // Not in the original, which prints a vacuous pass like any other.
                write!(f, " (VACUOUS: the system has no initial state, so nothing was checked)")?;
            }
            return Ok(());
        }
        let reason = self.reason.as_deref().filter(|r| !r.is_empty());
        match self.kind {
            Some(Kind::Invariant) => {
                write!(f, "INVARIANT VIOLATED: {}", self.invariant.as_deref().unwrap_or(""))?;
                if let Some(r) = reason {
                    write!(f, " — {r}")?;
                }
            }
            Some(Kind::EdgeInvariant) => {
                write!(
                    f,
                    "EDGE INVARIANT VIOLATED: {} (on the last transition)",
                    self.invariant.as_deref().unwrap_or("")
                )?;
                if let Some(r) = reason {
                    write!(f, " — {r}")?;
                }
            }
            Some(Kind::Ltl) => match reason {
                Some(r) => write!(f, "LTL VIOLATED: {r}")?,
                None => write!(f, "LTL VIOLATED")?,
            },
            Some(Kind::Panic) => match &self.fault {
                Some(fault) => write!(f, "PANIC: {fault}")?,
                None => write!(f, "PANIC")?,
            },
            Some(Kind::Deadlock) | None => {
                write!(f, "DEADLOCK (a non-terminal state with no enabled action)")?
            }
        }
        write!(
            f,
            "\n{}\n({} states explored)",
            format_trace(&self.trace, self.loop_index),
            self.states_explored
        )
    }
}

impl<S: Debug> Outcome for CheckResult<S> {
    type State = S;
    fn is_ok(&self) -> bool {
        self.ok
    }
    fn is_truncated(&self) -> bool {
        self.truncated
    }
    fn kind_name(&self) -> Option<&'static str> {
        self.kind.map(Kind::as_str)
    }
    fn broken_invariant(&self) -> Option<&str> {
        self.invariant.as_deref()
    }
    fn counterexample_actions(&self) -> Vec<&str> {
        self.action_names()
    }
    fn witness_state(&self) -> Option<&S> {
        self.witness()
    }
    /// The trace; for an LTL lasso, split after `loop_index` (the steps after it are the cycle).
    fn counterexample_run(&self) -> Option<Run<'_, S>> {
        if self.ok || self.trace.is_empty() {
            return None;
        }
        let (stem, cycle) = match self.loop_index {
            Some(i) if i < self.trace.len() => self.trace.split_at(i + 1),
            _ => (&self.trace[..], &[][..]),
        };
        Some(Run { stem, cycle })
    }
}

/// Render a trace: `  Init: {state:?}` then `  → {action}: {state:?}` per step, with
/// `  --- loops forever ---` after the line of index `loop_index` when given.
///
/// ```
/// use musil::{format_trace, Step};
/// let t = vec![Step::new("<init>", 0), Step::new("inc", 1)];
/// assert_eq!(format_trace(&t, None), "  Init: 0\n  → inc: 1");
/// ```
pub fn format_trace<S: Debug>(trace: &[Step<S>], loop_index: Option<usize>) -> String {
    format_trace_with(trace, loop_index, |s| format!("{s:?}"))
}

/// [`format_trace`] with a caller's rendering of states.
pub fn format_trace_with<S>(
    trace: &[Step<S>],
    loop_index: Option<usize>,
    render: impl Fn(&S) -> String,
) -> String {
    let mut lines = Vec::with_capacity(trace.len() + 1);
    for (i, step) in trace.iter().enumerate() {
        if i == 0 {
            lines.push(format!("  Init: {}", render(&step.state)));
        } else {
            lines.push(format!("  → {}: {}", step.action, render(&step.state)));
        }
        if loop_index == Some(i) {
            lines.push("  --- loops forever ---".to_owned());
        }
    }
    lines.join("\n")
}

/// Render a trace showing only what changed: the initial state's fields in full, then per
/// step the fields whose value differs from the previous state (`(no field change)` when none).
/// Fields are read from the derived `Debug` form (`Name { a: 1, b: 2 }`); a state without
/// fields prints whole and does not become the comparison base.
///
/// ```
/// use musil::{format_trace_diff, Step};
/// #[derive(Debug)]
/// struct S { a: u8, b: &'static str }
/// let t = vec![
///     Step::new("<init>", S { a: 0, b: "x" }),
///     Step::new("inc", S { a: 1, b: "x" }),
///     Step::new("noop", S { a: 1, b: "x" }),
/// ];
/// assert_eq!(format_trace_diff(&t), "  Init: a=0, b=\"x\"\n  → inc: a=1\n  → noop: (no field change)");
/// ```
pub fn format_trace_diff<S: Debug>(trace: &[Step<S>]) -> String {
    let mut lines = Vec::with_capacity(trace.len());
    let mut prev: Option<Vec<(String, String)>> = None;
    for (i, step) in trace.iter().enumerate() {
        let text = format!("{:?}", step.state);
        let cur = debug_fields(&text);
        let show = |fields: &[(String, String)]| {
            fields.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(", ")
        };
        if i == 0 {
            let body = cur.as_deref().map_or_else(|| text.clone(), show);
            lines.push(format!("  Init: {body}"));
        } else {
            match (&cur, &prev) {
                (Some(c), Some(p)) => {
                    let delta: Vec<(String, String)> = c
                        .iter()
                        .filter(|(k, v)| p.iter().find(|(pk, _)| pk == k).map(|(_, pv)| pv) != Some(v))
                        .cloned()
                        .collect();
                    let body = if delta.is_empty() { "(no field change)".to_owned() } else { show(&delta) };
                    lines.push(format!("  → {}: {}", step.action, body));
                }
                _ => lines.push(format!("  → {}: {}", step.action, text)),
            }
        }
        if cur.is_some() {
            prev = cur;
        }
    }
    lines.join("\n")
}

/// Split a derived `Debug` rendering `Name { a: 1, b: [2, 3] }` into its top-level fields.
/// `None` when the text is not a struct with named fields.
pub(crate) fn debug_fields(text: &str) -> Option<Vec<(String, String)>> {
    let open = text.find(" { ")?;
    let name = &text[..open];
    if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '_' || c == ':') {
        return None;
    }
    let body = text[open + 3..].strip_suffix(" }")?;
    let mut fields = Vec::new();
    for part in split_top_level(body) {
        let (k, v) = part.split_once(": ")?;
        let k = k.trim();
        if k.is_empty() || !k.chars().all(|c| c.is_alphanumeric() || c == '_') {
            return None;
        }
        fields.push((k.to_owned(), v.trim().to_owned()));
    }
    Some(fields)
}

/// Split on commas that are not inside brackets or string literals.
fn split_top_level(body: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0i32, 0usize);
    let mut in_str: Option<char> = None;
    let mut escaped = false;
    for (i, c) in body.char_indices() {
        if let Some(q) = in_str {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == q {
                in_str = None;
            }
            continue;
        }
        match c {
            '"' => in_str = Some('"'),
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&body[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    if !body[start..].trim().is_empty() {
        parts.push(&body[start..]);
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(dead_code)] // the fields are read through Debug
    fn fields_of_nested_debug_output() {
        #[derive(Debug)]
        struct Inner {
            v: Vec<u8>,
        }
        #[derive(Debug)]
        struct S {
            a: Option<u8>,
            b: Inner,
            c: &'static str,
        }
        let s = S { a: Some(1), b: Inner { v: vec![1, 2] }, c: "x, y" };
        let f = debug_fields(&format!("{s:?}")).unwrap();
        assert_eq!(
            f,
            vec![
                ("a".into(), "Some(1)".into()),
                ("b".into(), "Inner { v: [1, 2] }".into()),
                ("c".into(), "\"x, y\"".into())
            ]
        );
        assert_eq!(debug_fields("3"), None);
        assert_eq!(debug_fields("Some(3)"), None);
    }

    #[test]
    fn empty_trace_leaves_a_blank_middle_line() {
        let mut r: CheckResult<u8> = CheckResult::fail(Kind::Invariant, 0, vec![]);
        r.invariant = Some("x".into());
        assert_eq!(r.to_string(), "INVARIANT VIOLATED: x\n\n(0 states explored)");
        r.kind = None;
        assert!(r.to_string().starts_with("DEADLOCK (a non-terminal state with no enabled action)"));
    }

    #[test]
    fn loop_marker_after_the_loop_line() {
        let t = vec![Step::new("<init>", 'a'), Step::new("x", 'b')];
        assert_eq!(format_trace(&t, Some(1)), "  Init: 'a'\n  → x: 'b'\n  --- loops forever ---");
        assert_eq!(format_trace(&t, Some(0)), "  Init: 'a'\n  --- loops forever ---\n  → x: 'b'");
        assert_eq!(format_trace::<u8>(&[], None), "");
    }

    #[test]
    #[allow(dead_code)] // the fields are read through Debug
    fn diff_base_survives_a_step_without_fields() {
        #[derive(Debug)]
        enum E {
            S { a: u8 },
            Off,
        }
        let t = vec![
            Step::new("<init>", E::S { a: 0 }),
            Step::new("off", E::Off),
            Step::new("on", E::S { a: 0 }),
        ];
        assert_eq!(format_trace_diff(&t), "  Init: a=0\n  → off: Off\n  → on: (no field change)");
    }
}
