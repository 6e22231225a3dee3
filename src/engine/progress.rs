//! The progress line of a long search, and the memory budget.
//!
//! After a second of searching, and only when stderr is a terminal, one `indicatif` line shows
//! states, states per second, breadth-first depth, the queue and the store's memory. The same
//! periodic look at the store enforces the memory budget.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Looked at every this many expanded states.
pub(crate) const EVERY: usize = 4096;

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
