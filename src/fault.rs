//! Panics in user code: where they happened and what they said.
//!
//! A guard, effect, invariant or other callback that panics does not abort a check. The engine
//! catches the panic, and the closure model records beforehand which callback it was calling, so
//! the result can name the action or invariant, the panic message and the trace.

use std::any::Any;
use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Once;

use crate::system::ActionId;

/// Which user callback was running.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Site {
    /// Nothing more precise is known (a hand-written system's `successors`).
    Successors,
    Guard(ActionId),
    Effect(ActionId),
    Menu,
    Footprint,
    Invariant(usize),
    EdgeInvariant(usize),
    Terminal,
    Canonicalize,
    Key,
    Initial,
    /// An assumed assumption's predicate (`check_open_assuming`).
    Assumption,
    /// A caller's ample-set function (`explore_por`).
    Ample,
    /// A domain's enumeration (`check_inductive`).
    Domain,
}

thread_local! {
    static SITE: Cell<Site> = const { Cell::new(Site::Successors) };
    /// How many [`catch`] calls this thread is inside.
    static CATCHING: Cell<u32> = const { Cell::new(0) };
}

/// Run user code, turning a panic into an `Err` with its payload: the one place musil catches
/// panics. The panic is not printed (the result that reports it says what it was), while a
/// panic anywhere else, on any thread, still reaches the panic hook that was installed before.
#[inline]
pub(crate) fn catch<R>(f: impl FnOnce() -> R) -> Result<R, Box<dyn Any + Send>> {
    if !QUIET.is_completed() {
        install_quiet_hook();
    }
    CATCHING.with(|c| c.set(c.get() + 1));
    let outcome = catch_unwind(AssertUnwindSafe(f));
    CATCHING.with(|c| c.set(c.get() - 1));
    outcome
}

static QUIET: Once = Once::new();

/// Put a hook in front of the current one that stays silent for panics [`catch`] catches.
#[cold]
fn install_quiet_hook() {
    QUIET.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if CATCHING.with(Cell::get) == 0 {
                previous(info);
            }
        }));
    });
}

/// Record the callback about to run.
#[inline(always)]
pub(crate) fn enter(site: Site) {
    SITE.with(|c| c.set(site));
}

/// The callback that was running when the last panic happened on this thread.
pub(crate) fn current() -> Site {
    SITE.with(|c| c.get())
}

/// A panic re-raised with the name of what was running, for a site that has no index to name
/// it by (an assumed assumption's predicate): [`message`] reads its message and the result
/// names `name`.
#[derive(Debug)]
pub(crate) struct Named {
    /// What panicked (an assumption's name).
    pub name: String,
    /// The original panic's message.
    pub message: String,
}

/// Run `f` at `site`; a panic in it is re-raised as [`Named`] after `name`. The site in force
/// before is restored when `f` returns.
#[inline]
pub(crate) fn named<R>(site: Site, name: &str, f: impl FnOnce() -> R) -> R {
    let before = current();
    enter(site);
    match catch(f) {
        Ok(r) => {
            enter(before);
            r
        }
        Err(payload) => {
            std::panic::resume_unwind(Box::new(Named { name: name.to_owned(), message: message(&*payload) }))
        }
    }
}

/// The text of a panic payload.
pub(crate) fn message(payload: &(dyn Any + Send)) -> String {
    if let Some(named) = payload.downcast_ref::<Named>() {
        named.message.clone()
    } else if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "(a panic without a message)".to_owned()
    }
}

/// A panic in user code, as a result reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fault {
    /// The action or invariant whose callback panicked, when known.
    pub name: Option<String>,
    /// Which callback: `guard`, `effect`, `invariant`, `edge invariant`, `terminal`, ...
    pub callback: &'static str,
    /// The panic message.
    pub message: String,
}

impl std::fmt::Display for Fault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.name {
            Some(n) => write!(f, "{} of '{}' panicked: {}", self.callback, n, self.message),
            None => write!(f, "{} panicked: {}", self.callback, self.message),
        }
    }
}

impl Site {
    pub(crate) fn callback(self) -> &'static str {
        match self {
            Site::Successors => "successor function",
            Site::Guard(_) => "guard",
            Site::Effect(_) => "effect",
            Site::Menu => "actions_fn",
            Site::Footprint => "footprint",
            Site::Invariant(_) => "invariant",
            Site::EdgeInvariant(_) => "edge invariant",
            Site::Terminal => "terminal predicate",
            Site::Canonicalize => "canonicalize",
            Site::Key => "key",
            Site::Initial => "initial states",
            Site::Assumption => "assumption predicate",
            Site::Ample => "ample",
            Site::Domain => "domain enumeration",
        }
    }
}
