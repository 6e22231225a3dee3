//! Running one system every way a comparison between two forms needs: `check` (with its
//! transition count) and `check_all` with 1 and 2 workers, exact and fingerprint, and
//! `explore` with 1 and 2 workers, every state read back as a plain state. Shared by
//! `inplace_effects.rs`, `compact_store.rs` and `heap_forms_examples.rs`-style tests.

#![allow(dead_code)]

use musil::{CheckResult, Checker, DistinctBy, System, Violations};

/// What one configuration of a check gives, its states read back as plain states.
#[derive(Debug, PartialEq)]
pub struct Run<S> {
    pub result: CheckResult<S>,
    pub transitions: u64,
    pub all: Violations<S>,
}

/// A graph as (states in discovery order, edges per state by action name and target state).
pub type Shape<S> = (Vec<S>, Vec<Vec<(String, S)>>, bool);

/// `check` (with its transition count) and `check_all` with 1 and 2 workers (every level
/// parallel), exact and fingerprint mode, and `explore` with 1 and 2 workers; every state
/// passed through `plain`.
pub fn runs<'a, T: System, S>(
    sys: &'a T,
    tune: &impl Fn(Checker<'a, T>) -> Checker<'a, T>,
    plain: impl Fn(&T::State) -> S + Copy,
) -> (Vec<Run<S>>, Vec<Shape<S>>) {
    let mut checks = Vec::new();
    for workers in [1, 2] {
        for fingerprint in [false, true] {
            let c = tune(Checker::new(sys).workers(workers).parallel_level(1).fingerprint(fingerprint));
            let (result, stats) = c.check_with_stats();
            checks.push(Run {
                result: result.map_states(|s| plain(&s)),
                transitions: stats.transitions,
                all: c.check_all(DistinctBy::Invariant).map_states(|s| plain(&s)),
            });
        }
    }
    let mut graphs = Vec::new();
    for workers in [1, 2] {
        let g = tune(Checker::new(sys).workers(workers).parallel_level(1)).explore();
        let states = g.states().map(plain).collect();
        let edges = g
            .ids()
            .map(|i| {
                g.edges(i).iter().map(|&(a, t)| (g.action_name(a).to_owned(), plain(g.state(t)))).collect()
            })
            .collect();
        graphs.push((states, edges, g.truncated()));
    }
    (checks, graphs)
}
