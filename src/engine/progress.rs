//! The progress line of a long search, and the memory budget.
//!
//! After a second of searching, and only when stderr is a terminal, one `indicatif` line shows
//! states, states per second, breadth-first depth, the queue and the store's memory. The same
//! periodic look at the store enforces the memory budget ([`Boundaries`]).

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Looked at every this many expanded states.
pub(crate) const EVERY: usize = 4096;

/// What a sweep does where a breadth-first level begins: the store is measured (released
/// below the level in fingerprint mode, the progress line updated, the memory budget tested)
/// at level boundaries only, at least every [`EVERY`] states and more often as the budget
/// nears. Every driver looks at the same points, so a sweep stopped by the budget has the
/// same count whatever ran it; a level is never cut by the budget.
pub(crate) struct Boundaries {
    progress: Progress,
    budget: Option<usize>,
    depth: usize,
    next_look: usize,
}

impl Boundaries {
    pub(crate) fn new(progress: bool, budget: Option<usize>) -> Self {
        Boundaries { progress: Progress::new(progress), budget, depth: 0, next_look: 0 }
    }

    /// The level of the states `[start, end)` begins; `false` when the store is over budget.
    pub(crate) fn level<S: std::hash::Hash + Eq>(
        &mut self,
        store: &mut super::Store<S>,
        start: usize,
        end: usize,
    ) -> bool {
        if start >= self.next_look {
            store.release_before(start);
            let bytes = store.heap_bytes();
            self.progress.update(store.len(), self.depth, end - start, bytes);
            self.next_look = start + EVERY;
            if let Some(budget) = self.budget {
                if bytes > budget {
                    return false;
                }
                // Look again before the states the remaining room holds at the current
                // bytes per state, halved: the stop lands close to the budget.
                let per_state = (bytes / end.max(1)).max(1);
                let room = (budget - bytes) / per_state / 2;
                self.next_look = self.next_look.min(start + room.max(1));
            }
        }
        self.depth += 1;
        true
    }
}

pub(crate) struct Progress {
    start: Instant,
    bar: Option<ProgressBar>,
    enabled: bool,
}

impl Progress {
    pub(crate) fn new(enabled: bool) -> Self {
        Progress { start: Instant::now(), bar: None, enabled: enabled && std::io::stderr().is_terminal() }
    }

    /// Report the search's position.
    pub(crate) fn update(&mut self, states: usize, depth: usize, queue: usize, bytes: usize) {
        if !self.enabled {
            return;
        }
        let elapsed = self.start.elapsed();
        if self.bar.is_none() {
            if elapsed < Duration::from_secs(1) {
                return;
            }
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template("{spinner} {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            self.bar = Some(bar);
        }
        let rate = states as f64 / elapsed.as_secs_f64().max(1e-9);
        if let Some(bar) = &self.bar {
            bar.set_message(format!(
                "{states} states, {rate:.0} states/s, depth {depth}, queue {queue}, {:.1} MiB",
                bytes as f64 / (1024.0 * 1024.0)
            ));
            bar.tick();
        }
    }

    /// Clear the line.
    pub(crate) fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}
