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
    if store.is_lean() {
        return by_positions(sys, options, store, &ids);
    }
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

/// Fingerprint mode with parent links on disk: the path found again from the initial states,
/// each step the successor at the recorded position. The root is the initial state numbered
/// `ids[0]`: the initial states are numbered in order, a fingerprint met before taking no
/// number. The last state, which the store still holds (it is being expanded, or was just
/// found), checks the replay: a model whose successors changed gets the step that says so.
fn by_positions<T: TransitionSystem>(
    sys: &T,
    options: &Config<T::State>,
    store: &Store<T::State>,
    ids: &[StateId],
) -> Vec<Step<T::State>> {
    let last = *ids.last().expect("a path");
    let run = crate::fault::catch(|| {
        let mut seen = std::collections::HashSet::new();
        let root = sys
            .initial_states()
            .into_iter()
            .map(|s| canon(options, s))
            .filter(|s| seen.insert(store.hash(s)))
            .nth(ids[0].index())?;
        let mut trace = vec![Step::new("<init>", root)];
        for &next in &ids[1..] {
            let (_, k) = store.link(next)?;
            let cur = &trace.last().expect("the root is there").state;
            let mut found = None;
            let mut at = 0u32;
            let _ = sys.successors(cur, |a, y| {
                if at == k {
                    found = Some((a, canon(options, y)));
                    return ControlFlow::Break(());
                }
                at += 1;
                ControlFlow::Continue(())
            });
            let (a, y) = found?;
            trace.push(Step::new(sys.action_name(a), y));
        }
        Some(trace)
    });
    let held = store.try_get(last);
    match run {
        Ok(Some(trace))
            if held.is_none_or(|s| store.hash(s) == store.hash(&trace.last().expect("a root").state)) =>
        {
            trace
        }
        // The model changed under us: the last state is still known only by its number.
        _ => vec![Step::new(NOT_REPRODUCIBLE, held.expect("the last state of a trace is held").clone())],
    }
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
