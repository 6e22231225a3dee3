//! The per-state rules of exploration, written once for every driver and every analysis.
//!
//! At each state, in this order:
//! 1. its invariants, in declaration order (every one is evaluated; each broken one is a
//!    [`Problem`]);
//! 2. its successors, in action order, each canonicalised, and each transition judged by the
//!    edge invariants as it is produced;
//! 3. the successors are stored in that order, the cap tested at each new one;
//! 4. a panic that cut the expansion short is reported;
//! 5. a state with no successor that is not terminal is a deadlock.
//!
//! [`Rules::expand`] does the user-code part (1, 2 and the terminal test of 5, each panic
//! caught and named) and can run on any worker thread: it returns a [`Found`] that is empty in
//! the common case. [`Rules::before_storing`] and [`Rules::after_storing`] hand what was found
//! to the analysis's [`Observer`] in that order, on the thread that owns the store, so the
//! verdict, count and trace are the serial search's whatever thread expanded the state. A
//! problem the observer stops at before step 3 leaves the state's successors unstored.
//!
//! Successors are asked for with [`TransitionSystem::successors_reusing`], handing the system
//! the worker's [`Spare`] states: for each copy the system takes, the drivers keep a successor
//! they find known already for its buffers instead of dropping it. An in-place effect builds
//! its successor in one, so a successor that is known already costs no allocation; every
//! answer above is as it is.

use std::ops::ControlFlow;

use super::trace::{self, Step};
use super::{Config, End, StateId, Store, canon};
use crate::fault::{self, Fault, Site};
use crate::properties::{Properties, Verdict};
use crate::system::{ActionId, Spare, TransitionSystem};

/// A property that failed.
#[derive(Debug)]
pub(crate) enum Problem<S> {
    /// State invariant `index` is broken at the state.
    Invariant { index: usize, reason: Option<String> },
    /// Edge invariant `index` is broken on the transition `action` to `next`.
    Edge { index: usize, action: ActionId, next: S, reason: Option<String> },
    /// The state has no successor and is not terminal.
    Deadlock,
}

/// What the rules found at one state, apart from its successors. Empty ("quiet") in the
/// common case: nothing for the observer to hear.
#[derive(Debug)]
pub(crate) struct Found<S> {
    /// Broken invariants, then broken edge invariants, each in the order they were met.
    pub problems: Vec<Problem<S>>,
    /// The panic that cut the state's processing short.
    pub fault: Option<Fault>,
    /// The panic happened among the invariants: no successor was produced.
    pub fault_before_successors: bool,
    /// No successor, and not terminal.
    pub dead: bool,
}

impl<S> Default for Found<S> {
    fn default() -> Self {
        Found { problems: Vec::new(), fault: None, fault_before_successors: false, dead: false }
    }
}

impl<S> Found<S> {
    /// Nothing to report: no problem, no panic, no deadlock.
    #[inline]
    pub fn is_quiet(&self) -> bool {
        self.problems.is_empty() && self.fault.is_none() && !self.dead
    }
}

/// The state a rule is applied at, as an observer sees it.
pub(crate) struct At<'a, T: TransitionSystem> {
    pub sys: &'a T,
    pub options: &'a Config<T::State>,
    pub store: &'a Store<T::State>,
    pub id: StateId,
    /// The states the serial search holds at this point (what a result reports as explored).
    pub explored: usize,
}

impl<T: TransitionSystem> At<'_, T> {
    /// The shortest trace to this state.
    pub fn trace(&self) -> Vec<Step<T::State>> {
        trace::trace_to(self.sys, self.options, self.store, self.id)
    }
}

/// What an analysis hears from a sweep: the edges, if it asks for them, and every problem the
/// rules find. Its answers decide what to keep and when to stop; nothing else about the sweep
/// depends on which observer runs it.
pub(crate) trait Observer<T: TransitionSystem> {
    /// Whether [`Observer::edge`] is to hear every transition (the sweep then keeps the target
    /// of each, known or new); otherwise transitions are only counted.
    fn wants_edges(&self) -> bool {
        false
    }

    /// Whether the sweep ends at the first problem, whatever [`Observer::problem`] answers
    /// (`check`). The rules then leave a state whose invariant is broken unexpanded, and stop
    /// producing a state's successors at the first broken edge invariant, as the original does.
    fn stops_at_first_problem(&self) -> bool {
        false
    }

    /// A transition, in the serial order: `from` ascending, then action order.
    fn edge(&mut self, _from: StateId, _action: ActionId, _to: StateId) {}

    /// A problem at `at`. `Break` ends the sweep there.
    fn problem(&mut self, at: &At<'_, T>, problem: Problem<T::State>) -> ControlFlow<()>;
}

/// What a reduced sweep's cycle proviso knows of a successor when it expands a state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Seen {
    /// Not stored at this level or an earlier one.
    New,
    /// Stored at an earlier level, and expanded there in full.
    InFull,
    /// Stored at this level, or at an earlier one where it was expanded in part.
    Known,
}

/// The rules over one system and its properties, with the sweep's options.
pub(crate) struct Rules<'a, T: TransitionSystem, P> {
    pub sys: &'a T,
    pub props: &'a P,
    pub options: &'a Config<T::State>,
    invariants: usize,
    edge_invariants: usize,
    /// The observer ends the sweep at the first problem.
    first_problem: bool,
}

impl<'a, T: TransitionSystem, P: Properties<T::State>> Rules<'a, T, P> {
    pub fn new(sys: &'a T, props: &'a P, options: &'a Config<T::State>, first_problem: bool) -> Self {
        Rules {
            sys,
            props,
            options,
            invariants: props.invariant_count(),
            edge_invariants: props.edge_invariant_count(),
            first_problem,
        }
    }

    /// Whether the sweep is reduced ([`Config::reduce`]): [`Rules::expand`] then asks `seen`
    /// and says whether it expanded in full.
    #[inline]
    pub fn reduces(&self) -> bool {
        self.options.reduce.is_some()
    }

    /// Steps 1, 2 and the terminal test at `x`, what they find written into `found` (emptied
    /// first): each successor, canonicalised and judged, goes to `sink` with its action in
    /// order. Every panic in user code is caught and named.
    ///
    /// `spare` is the calling worker's spare states (see
    /// [`TransitionSystem::successors_reusing`]): the system may build successors in them, and
    /// the driver puts back as many successors it finds known already as it took copies.
    ///
    /// Under a reduction, only the successors of an ample set go to `sink`: the first of the
    /// reduction's candidates none of whose successors is a state `seen` calls
    /// [`Seen::Known`]; when every candidate has one, every successor goes. That is the cycle
    /// proviso for a breadth-first search: every cycle of the reduced graph has an edge back
    /// to a state no deeper than where it leaves, and either that state was expanded in full
    /// at an earlier level ([`Seen::InFull`]) or the state it leaves is expanded in full now;
    /// so some state on every cycle is expanded in full and no action is postponed around it
    /// forever. Self-loops are set aside: a set whose other successors are all new or in full
    /// leads on that way, so an action it postpones is taken further down; a set that only
    /// loops is expanded in full.
    ///
    /// Returns whether every successor went to `sink` (always, without a reduction): what a
    /// later level's [`Seen::InFull`] answers.
    #[inline]
    pub fn expand(
        &self,
        x: &T::State,
        found: &mut Found<T::State>,
        spare: &mut Spare<T::State>,
        seen: impl Fn(&T::State) -> Seen,
        mut sink: impl FnMut(ActionId, T::State),
    ) -> bool {
        if let Some(reduce) = &self.options.reduce {
            let mut all: Vec<(ActionId, T::State)> = Vec::new();
            self.expand_all(x, found, spare, |a, y| all.push((a, y)));
            let mut enabled: Vec<ActionId> = Vec::with_capacity(all.len());
            for &(a, _) in &all {
                if !enabled.contains(&a) {
                    enabled.push(a);
                }
            }
            let mut candidates = Vec::new();
            if !enabled.is_empty() && found.fault.is_none() {
                // The choice may run user code (a caller's ample sets, guard conjuncts): a
                // panic there, or a set refused, is this state's fault, and none of its
                // successors is kept.
                let chosen = crate::fault::catch(|| {
                    fault::enter(Site::Ample);
                    reduce.candidates(x, &enabled, &|a| self.sys.action_name(a).to_owned(), &mut candidates);
                });
                if let Err(payload) = chosen {
                    found.fault = Some(self.fault_from(&*payload));
                    return true;
                }
            }
            // A self-loop closes no path onward, so it is no reason to expand in full as long
            // as the set also leads somewhere else; a set that only loops is one.
            let ample = candidates.into_iter().find(|ample| {
                !ample.is_empty()
                    && ample.len() < enabled.len()
                    && all.iter().any(|(a, y)| ample.contains(a) && y != x)
                    && !all.iter().any(|(a, y)| ample.contains(a) && y != x && seen(y) == Seen::Known)
            });
            let in_full = ample.is_none();
            for (a, y) in all {
                if ample.as_ref().is_none_or(|ample| ample.contains(&a)) {
                    sink(a, y);
                }
            }
            return in_full;
        }
        self.expand_all(x, found, spare, sink);
        true
    }

    /// [`Rules::expand`] without a reduction: every successor goes to `sink`.
    #[inline]
    fn expand_all(
        &self,
        x: &T::State,
        found: &mut Found<T::State>,
        spare: &mut Spare<T::State>,
        mut sink: impl FnMut(ActionId, T::State),
    ) {
        if !found.is_quiet() || found.fault_before_successors {
            *found = Found::default();
        }
        // One catch for the whole state; `before` says whether a panic came before any
        // successor was produced (among the invariants).
        let mut before = true;
        let outcome = crate::fault::catch(|| {
            for index in 0..self.invariants {
                fault::enter(Site::Invariant(index));
                if let Verdict::Violated(reason) = self.props.check_invariant(index, x) {
                    found.problems.push(Problem::Invariant { index, reason });
                }
            }
            if self.first_problem && !found.problems.is_empty() {
                // The sweep ends here: the state is not expanded.
                return;
            }
            before = false;
            let mut enabled = false;
            fault::enter(Site::Successors);
            if self.edge_invariants == 0 {
                let _ = self.sys.successors_reusing(x, spare, |action, y| {
                    enabled = true;
                    sink(action, canon(self.options, y));
                    ControlFlow::Continue(())
                });
            } else {
                let _ = self.sys.successors_reusing(x, spare, |action, y| {
                    enabled = true;
                    let y = canon(self.options, y);
                    for index in 0..self.edge_invariants {
                        fault::enter(Site::EdgeInvariant(index));
                        if let Verdict::Violated(reason) =
                            self.props.check_edge_invariant(index, x, action, &y)
                        {
                            found.problems.push(Problem::Edge { index, action, next: y.clone(), reason });
                            if self.first_problem {
                                return ControlFlow::Break(());
                            }
                        }
                    }
                    sink(action, y);
                    ControlFlow::Continue(())
                });
            }
            if !enabled {
                fault::enter(Site::Terminal);
                found.dead = !self.props.is_terminal(x);
            }
        });
        if let Err(payload) = outcome {
            found.fault = Some(self.fault_from(&*payload));
            found.fault_before_successors = before;
        }
    }

    /// All the rules at state `id`, in their order, on the thread that owns the store:
    /// what was found before its successors are stored, then `store_successors` (which
    /// stores them in order and says whether the cap was hit among them), then the cap, a
    /// panic, a deadlock. The serial driver and the edge-recording parallel walk both go
    /// through here; the counting parallel walk, which stores a level's states in bulk, calls
    /// [`Rules::before_storing`] and [`Rules::after_storing`] itself.
    pub fn apply<O: Observer<T>>(
        &self,
        observer: &mut O,
        store: &mut Store<T::State>,
        id: StateId,
        found: &mut Found<T::State>,
        store_successors: impl FnOnce(&mut Store<T::State>, &mut O) -> bool,
    ) -> Option<End> {
        let quiet = found.is_quiet();
        if !quiet {
            let at = At { sys: self.sys, options: self.options, store, id, explored: store.len() };
            if let Some(end) = self.before_storing(observer, &at, found) {
                return Some(end);
            }
        }
        let truncated = store_successors(store, observer);
        if truncated || !quiet {
            let at = At { sys: self.sys, options: self.options, store, id, explored: store.len() };
            return self.after_storing(observer, &at, found, truncated);
        }
        None
    }

    /// The rules before the state's successors are stored: its broken invariants, a panic
    /// among them, its broken edge invariants. `Some(end)` ends the sweep with none of them
    /// stored.
    pub fn before_storing<O: Observer<T>>(
        &self,
        observer: &mut O,
        at: &At<'_, T>,
        found: &mut Found<T::State>,
    ) -> Option<End> {
        // Broken invariants come first, then broken edge invariants: that is their order.
        for problem in found.problems.drain(..) {
            if observer.problem(at, problem).is_break() || self.first_problem {
                return Some(End::Stopped);
            }
        }
        if found.fault_before_successors {
            let fault = found.fault.take().expect("a fault before the successors");
            return Some(End::Fault { at: Some(at.id), fault });
        }
        None
    }

    /// The rules after the state's successors are stored (`truncated`: the cap was hit among
    /// them): the cap, a panic that cut the expansion short, a deadlock.
    pub fn after_storing<O: Observer<T>>(
        &self,
        observer: &mut O,
        at: &At<'_, T>,
        found: &mut Found<T::State>,
        truncated: bool,
    ) -> Option<End> {
        if truncated {
            return Some(End::Truncated);
        }
        if let Some(fault) = found.fault.take() {
            return Some(End::Fault { at: Some(at.id), fault });
        }
        if found.dead && (observer.problem(at, Problem::Deadlock).is_break() || self.first_problem) {
            return Some(End::Stopped);
        }
        None
    }

    /// A panic in user code, named by the callback that was running.
    pub fn fault_from(&self, payload: &(dyn std::any::Any + Send)) -> Fault {
        fault_from(self.sys, self.props, payload)
    }
}

/// A panic in user code, named by the callback that was running on this thread.
pub(crate) fn fault_from<T: TransitionSystem, P: Properties<T::State>>(
    sys: &T,
    props: &P,
    payload: &(dyn std::any::Any + Send),
) -> Fault {
    let site = fault::current();
    let name = match site {
        Site::Guard(a) | Site::Effect(a) => Some(sys.action_name(a).to_owned()),
        Site::Invariant(i) => Some(props.invariant_name(i).to_owned()),
        Site::EdgeInvariant(i) => Some(props.edge_invariant_name(i).to_owned()),
        _ => payload.downcast_ref::<fault::Named>().map(|n| n.name.clone()),
    };
    Fault { name, callback: site.callback(), message: fault::message(payload) }
}
