//! Traces from parent links: the one place a path through the store becomes a list of steps.
//!
//! The store keeps each state's parent (its first discoverer), not the action: a step's action
//! is the first action of the parent whose canonical successor is the child, which is the one
//! that discovered it. In fingerprint mode expanded states are gone, so the path is found again
//! by running the model from the initial states, each step the first successor with the
//! recorded fingerprint. Either way a model whose successors changed between the search and
//! the rebuild (a nondeterministic model) gets a step that says so instead of a wrong action.

use std::ops::ControlFlow;

use super::{Config, StateId, Store, canon};
use crate::system::TransitionSystem;

/// One trace entry: the action taken and the state it led to. Every trace starts with the
/// action `<init>`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Step<S> {
    /// The action's name (`<init>` for the first step).
    pub action: String,
    /// The state after the action.
    pub state: S,
}

impl<S> Step<S> {
    /// A step.
    pub fn new(action: impl Into<String>, state: S) -> Self {
        Step { action: action.into(), state }
    }
}

/// What a step says when the model no longer produces the recorded successor.
const NOT_REPRODUCIBLE: &str = "<action not reproducible: the model's successors changed>";

/// The trace from an initial state to `id`, states cloned.
pub(crate) fn trace_to<T: TransitionSystem>(
    sys: &T,
    options: &Config<T::State>,
    store: &Store<T::State>,
    id: StateId,
) -> Vec<Step<T::State>> {
    let ids = store.path(id);
    if store.is_fingerprinted() {
        return by_fingerprints(sys, options, store, &ids);
    }
    let mut trace = Vec::with_capacity(ids.len());
    trace.push(Step::new("<init>", store.get(ids[0]).clone()));
    for w in ids.windows(2) {
        let (parent, child) = (store.get(w[0]), store.get(w[1]));
        let mut found = None;
        let _ = crate::fault::catch(|| {
            sys.successors(parent, |a, y| {
                if store.same(&canon(options, y), child) {
                    found = Some(a);
                    return ControlFlow::Break(());
                }
                ControlFlow::Continue(())
            })
        });
        let name = found.map_or(NOT_REPRODUCIBLE, |a| sys.action_name(a));
        trace.push(Step::new(name, child.clone()));
    }
    trace
}

/// Fingerprint mode: the path found again from the initial states.
fn by_fingerprints<T: TransitionSystem>(
    sys: &T,
    options: &Config<T::State>,
    store: &Store<T::State>,
    ids: &[StateId],
) -> Vec<Step<T::State>> {
    let fp = |i: StateId| store.fingerprint(i).expect("a fingerprint store");
    let run = crate::fault::catch(|| {
        let root = sys
            .initial_states()
            .into_iter()
            .map(|s| canon(options, s))
            .find(|s| store.hash(s) == fp(ids[0]))?;
        let mut trace = vec![Step::new("<init>", root)];
        for &next in &ids[1..] {
            let cur = &trace.last().expect("the root is there").state;
            let mut found = None;
            let _ = sys.successors(cur, |a, y| {
                let y = canon(options, y);
                if store.hash(&y) == fp(next) {
                    found = Some((a, y));
                    return ControlFlow::Break(());
                }
                ControlFlow::Continue(())
            });
            let (a, y) = found?;
            trace.push(Step::new(sys.action_name(a), y));
        }
        Some(trace)
    });
    match run {
        Ok(Some(trace)) => trace,
        // The model changed under us: the last state is still known only by its number.
        _ => vec![Step::new(NOT_REPRODUCIBLE, store.get(*ids.last().expect("a path")).clone())],
    }
}
