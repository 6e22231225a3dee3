//! Model diff: what changed in behaviour between two versions of a model, over their reachable
//! graphs: states and transitions found in only one, and invariant outcomes that flip on the
//! states both reach.
//!
//! When a model is refactored (actions enumerated another way, a state field renamed in the
//! code but not in meaning), the question is whether behaviour was kept: the same reachable
//! states, the same labelled transitions, the same verdict of every invariant on them. Both
//! models are explored by the engine under one [`Config`](crate::Config) (the same cap, the same
//! canonicalisation), so the diff reads "modulo the same symmetry" when one is given.
//!
//! ```
//! use musil::diffing::diff;
//! use musil::Model;
//!
//! let model = |cap: u8, small: u8| {
//!     Model::new(0u8)
//!         .action("inc", move |n| *n < cap, |n| n + 1)
//!         .invariant("small", move |n| *n <= small)
//!         .terminal(move |n| *n == cap)
//! };
//! let same = diff(&model(3, 1), &model(3, 1));
//! assert!(same.equivalent());
//! let d = diff(&model(3, 1), &model(4, 2));
//! assert_eq!(d.states_only_in_b, [4]);
//! assert_eq!(d.transitions_only_in_b, [(3, "inc".to_owned(), 4)]);
//! assert_eq!(d.invariant_changes, [(2, "small".to_owned(), false, true)]);
//! assert_eq!(
//!     d.to_string(),
//!     "MODEL DIFF:\n  1 state(s) only in B\n  1 transition(s) only in B\n  1 invariant-outcome change(s) on shared states"
//! );
//! ```

use std::collections::{BTreeMap, HashSet};
use std::fmt;

use crate::check::Checker;
use crate::fault::{self, Site};
use crate::graph::Graph;
use crate::system::System;

/// The behavioural delta between model A and model B (see the [module](self)).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModelDiff<S> {
    /// States reachable in A and not in B, in A's discovery order.
    pub states_only_in_a: Vec<S>,
    /// States reachable in B and not in A, in B's discovery order.
    pub states_only_in_b: Vec<S>,
    /// Transitions `(from, action, to)` of A that B lacks: by A's state order, then edge
    /// order (an edge found twice is listed twice).
    pub transitions_only_in_a: Vec<(S, String, S)>,
    /// Transitions of B that A lacks, in B's order.
    pub transitions_only_in_b: Vec<(S, String, S)>,
    /// On the states both reach (in A's order), for each invariant name both models define
    /// (sorted by name): `(state, name, holds in A, holds in B)` where the two differ.
    pub invariant_changes: Vec<(S, String, bool, bool)>,
    /// Why the comparison covers less than both reachable graphs: a capped exploration, a
    /// panic in user code. Empty when both graphs were explored in full. Not in the original,
    /// which compared truncated graphs silently.
    pub incomplete: Vec<String>,
}

impl<S> ModelDiff<S> {
    /// No difference was found and both graphs were explored in full: the same reachable
    /// states, transitions and invariant outcomes. Unlike the original's `equivalent`, false
    /// when the comparison is [`incomplete`](Self::incomplete).
    pub fn equivalent(&self) -> bool {
        self.no_difference_found() && self.incomplete.is_empty()
    }

    /// The five lists of differences are empty (over what was explored).
    pub fn no_difference_found(&self) -> bool {
        self.states_only_in_a.is_empty()
            && self.states_only_in_b.is_empty()
            && self.transitions_only_in_a.is_empty()
            && self.transitions_only_in_b.is_empty()
            && self.invariant_changes.is_empty()
    }
}

/// The original's printed form: `MODELS EQUIVALENT — …`, or `MODEL DIFF:` and a count per
/// non-empty list. An incomplete comparison says so on lines of its own, and never prints
/// `MODELS EQUIVALENT`.
impl<S> fmt::Display for ModelDiff<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.equivalent() {
            return f
                .write_str("MODELS EQUIVALENT — same reachable states, transitions, and invariant outcomes");
        }
        if self.no_difference_found() {
            f.write_str("NO DIFFERENCE FOUND, BUT THE COMPARISON IS INCOMPLETE:")?;
        } else {
            f.write_str("MODEL DIFF:")?;
            let counts = [
                (self.states_only_in_a.len(), "state(s) only in A"),
                (self.states_only_in_b.len(), "state(s) only in B"),
                (self.transitions_only_in_a.len(), "transition(s) only in A"),
                (self.transitions_only_in_b.len(), "transition(s) only in B"),
                (self.invariant_changes.len(), "invariant-outcome change(s) on shared states"),
            ];
            for (n, what) in counts {
                if n > 0 {
                    write!(f, "\n  {n} {what}")?;
                }
            }
        }
        for why in &self.incomplete {
            write!(f, "\n  incomplete: {why}")?;
        }
        Ok(())
    }
}

/// Why graph `which` covers less than the reachable states.
fn gaps<S: crate::State>(which: &str, g: &Graph<S>, into: &mut Vec<String>) {
    if let Some(f) = g.fault() {
        into.push(format!("{which}'s exploration stopped at a panic ({})", f.fault));
    } else if g.truncated() {
        into.push(format!("{which}'s exploration stopped at the cap, after {} states", g.len()));
    }
}

/// The labelled transitions of `g`, in state order then edge order.
fn transitions<S: crate::State>(g: &Graph<S>) -> Vec<(S, String, S)> {
    g.ids()
        .flat_map(|id| {
            g.edges(id)
                .iter()
                .map(move |&(a, to)| (g.state(id).clone(), g.action_name(a).to_owned(), g.state(to).clone()))
        })
        .collect()
}

impl<T: System> Checker<'_, T> {
    /// The original's `diff` under this checker's configuration (cap, canonicalisation, workers),
    /// this checker's model as A: see [`diff`].
    pub fn diff<U: System<State = T::State>>(&self, other: &U) -> ModelDiff<T::State> {
        let ga = self.explore();
        let gb = Checker { sys: other, options: self.options.clone() }.explore();
        let mut incomplete = Vec::new();
        gaps("A", &ga, &mut incomplete);
        gaps("B", &gb, &mut incomplete);
        let only = |x: &Graph<T::State>, y: &Graph<T::State>| -> Vec<T::State> {
            x.states().filter(|s| y.id_of(s).is_none()).cloned().collect()
        };
        let (ta, tb) = (transitions(&ga), transitions(&gb));
        let set = |t: &[(T::State, String, T::State)]| -> HashSet<(T::State, String, T::State)> {
            t.iter().cloned().collect()
        };
        let (in_a, in_b) = (set(&ta), set(&tb));
        // Invariant names both define, sorted, with their positions in A and in B.
        let names = |n: usize, name: &dyn Fn(usize) -> String| -> BTreeMap<String, usize> {
            let mut m = BTreeMap::new();
            for i in 0..n {
                m.entry(name(i)).or_insert(i);
            }
            m
        };
        let of_a = names(self.sys.invariant_count(), &|i| self.sys.invariant_name(i).to_owned());
        let of_b = names(other.invariant_count(), &|i| other.invariant_name(i).to_owned());
        let shared: Vec<(&String, usize, usize)> =
            of_a.iter().filter_map(|(name, &i)| of_b.get(name).map(|&j| (name, i, j))).collect();
        let mut invariant_changes = Vec::new();
        let holds = |sys: &dyn Fn(usize, &T::State) -> bool, i: usize, s: &T::State| {
            fault::catch(|| {
                fault::enter(Site::Invariant(i));
                sys(i, s)
            })
        };
        let judge_a = |i: usize, s: &T::State| self.sys.check_invariant(i, s).holds();
        let judge_b = |j: usize, s: &T::State| other.check_invariant(j, s).holds();
        'states: for s in ga.states() {
            if gb.id_of(s).is_none() {
                continue;
            }
            for &(name, i, j) in &shared {
                let (holds_a, holds_b) = match (holds(&judge_a, i, s), holds(&judge_b, j, s)) {
                    (Ok(x), Ok(y)) => (x, y),
                    (Err(payload), _) | (_, Err(payload)) => {
                        incomplete.push(format!(
                            "invariant '{name}' panicked at {s:?} while the outcomes were compared ({})",
                            fault::message(&*payload)
                        ));
                        break 'states;
                    }
                };
                if holds_a != holds_b {
                    invariant_changes.push((s.clone(), name.clone(), holds_a, holds_b));
                }
            }
        }
        ModelDiff {
            states_only_in_a: only(&ga, &gb),
            states_only_in_b: only(&gb, &ga),
            transitions_only_in_a: ta.iter().filter(|t| !in_b.contains(t)).cloned().collect(),
            transitions_only_in_b: tb.iter().filter(|t| !in_a.contains(t)).cloned().collect(),
            invariant_changes,
            incomplete,
        }
    }
}

/// Explore `a` and `b` (the default configuration: the default cap, no canonicalisation) and
/// return their behavioural difference; [`Checker::diff`] takes a configuration. Reads only
/// the two reachable graphs: linear in states and transitions.
pub fn diff<A, B>(a: &A, b: &B) -> ModelDiff<A::State>
where
    A: System,
    B: System<State = A::State>,
{
    Checker::new(a).diff(b)
}
