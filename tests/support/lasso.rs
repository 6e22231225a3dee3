//! An independent check of liveness and LTL counterexamples, written apart from the engine:
//! it reads only the model's own successor function, and decides on the counterexample alone
//! whether it is a real run of the model, breaks the property, and respects the fairness asked
//! for. Every LTL and liveness counterexample the tests produce goes through it.
//!
//! A lasso is a trace `s0 .. sn` (`<init>` first) with a loop index `l`, `sn == sl`: the run
//! `s0 .. s(l-1) (sl .. s(n-1))^ω`. A `<stutter>` step is legal only at a dead end, from a
//! state to itself. An LTL formula is evaluated on that ultimately periodic word by fixpoints
//! over its positions (least for `U` and `F`, greatest for `R`, `W` and `G`).

#![allow(dead_code)]

use std::collections::{HashSet, VecDeque};
use std::fmt::Debug;
use std::hash::Hash;

use musil::ltl::Ltl;
use musil::result::Step;
use musil::{LivenessKind, LivenessResult};

/// The model as the checker sees it: its initial states and, per state, its successors with
/// the action names that lead to them.
pub struct Semantics<'a, S> {
    pub init: Vec<S>,
    pub successors: &'a dyn Fn(&S) -> Vec<(String, S)>,
}

/// Fairness as the property asks for it: weakly and strongly fair action names.
#[derive(Default)]
pub struct Fairness {
    pub weak: Vec<String>,
    pub strong: Vec<String>,
}

impl<S: Clone + Eq + Hash + Debug> Semantics<'_, S> {
    fn enabled(&self, s: &S, action: &str) -> bool {
        (self.successors)(s).iter().any(|(a, _)| a == action)
    }

    /// Each step of `trace` after the first is a transition (or a stutter at a dead end).
    fn steps_ok(&self, trace: &[Step<S>]) -> Result<(), String> {
        for (i, w) in trace.windows(2).enumerate() {
            let real = if w[1].action == "<stutter>" {
                w[0].state == w[1].state && (self.successors)(&w[0].state).is_empty()
            } else {
                (self.successors)(&w[0].state).iter().any(|(a, t)| *a == w[1].action && *t == w[1].state)
            };
            if !real {
                return Err(format!(
                    "step {} ({} to {:?}) is not a transition",
                    i + 1,
                    w[1].action,
                    w[1].state
                ));
            }
        }
        Ok(())
    }

    fn reachable(&self, from: &[S]) -> HashSet<S> {
        let mut seen: HashSet<S> = from.iter().cloned().collect();
        let mut queue: VecDeque<S> = from.iter().cloned().collect();
        while let Some(s) = queue.pop_front() {
            for (_, t) in (self.successors)(&s) {
                if seen.insert(t.clone()) {
                    queue.push_back(t);
                }
            }
        }
        seen
    }

    /// The cycle (steps after the entry) respects the fairness: a weakly fair action enabled
    /// in every cycle state is taken on it, a strongly fair one enabled in some cycle state is.
    fn fair(&self, cycle_states: &[S], cycle_actions: &[String], fairness: &Fairness) -> Result<(), String> {
        for a in &fairness.weak {
            if cycle_states.iter().all(|s| self.enabled(s, a)) && !cycle_actions.contains(a) {
                return Err(format!("weakly fair '{a}' is enabled all along the cycle and never taken"));
            }
        }
        for a in &fairness.strong {
            if cycle_states.iter().any(|s| self.enabled(s, a)) && !cycle_actions.contains(a) {
                return Err(format!("strongly fair '{a}' is enabled on the cycle and never taken"));
            }
        }
        Ok(())
    }

    /// An LTL counterexample: a real run from an initial state, looping back to `trace[l]`,
    /// on which `formula` is false and the fairness holds.
    pub fn ltl_lasso(
        &self,
        formula: &Ltl<S>,
        trace: &[Step<S>],
        loop_index: usize,
        fairness: &Fairness,
    ) -> Result<(), String> {
        let n = trace.len() - 1;
        if trace.first().is_none_or(|s| s.action != "<init>" || !self.init.contains(&s.state)) {
            return Err("the lasso does not start at an initial state".into());
        }
        if loop_index >= n || trace[n].state != trace[loop_index].state {
            return Err(format!("loop index {loop_index} does not close the lasso of {} steps", n));
        }
        self.steps_ok(trace)?;
        let word: Vec<S> = trace[..n].iter().map(|s| s.state.clone()).collect();
        if eval(formula, &word, loop_index)[0] {
            return Err("the formula holds on the lasso".into());
        }
        let cycle_states: Vec<S> = trace[loop_index..n].iter().map(|s| s.state.clone()).collect();
        let cycle_actions: Vec<String> = trace[loop_index + 1..].iter().map(|s| s.action.clone()).collect();
        self.fair(&cycle_states, &cycle_actions, fairness)
    }

    /// A liveness counterexample for `goal` (`everywhere`: `G F goal`; `trigger`: leads-to).
    pub fn liveness(
        &self,
        r: &LivenessResult<S>,
        goal: &dyn Fn(&S) -> bool,
        trigger: Option<&dyn Fn(&S) -> bool>,
        everywhere: bool,
        fairness: &Fairness,
    ) -> Result<(), String> {
        let first = r.stem.first().ok_or("an empty stem")?;
        if first.action != "<init>" || !self.init.contains(&first.state) {
            return Err("the stem does not start at an initial state".into());
        }
        self.steps_ok(&r.stem)?;
        // Where the property starts to be violated: the trigger state for a leads-to, the
        // initial state otherwise.
        let from = match (trigger, r.trigger_at) {
            (Some(t), Some(at)) => {
                let s = &r.stem.get(at).ok_or("the trigger index is past the stem")?.state;
                if !t(s) || goal(s) {
                    return Err("a leads-to violation starts at a trigger state outside the goal".into());
                }
                at
            }
            (Some(_), None) => return Err("a leads-to violation names no trigger state".into()),
            (None, Some(_)) => return Err("a trigger index on a property without a trigger".into()),
            (None, None) => 0,
        };
        // Without `everywhere`, no state of the run past its start may meet the goal.
        if !everywhere && r.stem[from..].iter().any(|s| goal(&s.state)) {
            return Err("the stem meets the goal".into());
        }
        let entry = r.stem.last().expect("a stem").state.clone();
        match r.kind {
            Some(LivenessKind::PUnreachable) => {
                if goal(&entry) || self.reachable(std::slice::from_ref(&entry)).iter().any(goal) {
                    return Err("the goal is reachable from the stem's end".into());
                }
                Ok(())
            }
            Some(LivenessKind::FairCycle) => {
                let mut lasso = vec![Step::new("<init>", entry.clone())];
                lasso.extend(r.cycle.iter().cloned());
                self.steps_ok(&lasso)?;
                if r.cycle.last().map(|s| &s.state) != Some(&entry) {
                    return Err("the cycle does not return to the stem's end".into());
                }
                if goal(&entry) || r.cycle.iter().any(|s| goal(&s.state)) {
                    return Err("the cycle meets the goal".into());
                }
                let states: Vec<S> = lasso[..lasso.len() - 1].iter().map(|s| s.state.clone()).collect();
                let actions: Vec<String> = r.cycle.iter().map(|s| s.action.clone()).collect();
                self.fair(&states, &actions, fairness)
            }
            other => Err(format!("not a liveness counterexample: {other:?}")),
        }
    }
}

/// The shortest path from an initial state to `target` (BFS over the model's successors), as
/// steps with `<init>` first.
pub fn path_to<S: Clone + Eq + Hash + Debug>(sem: &Semantics<'_, S>, target: &S) -> Vec<Step<S>> {
    let mut parent: std::collections::HashMap<S, Option<(S, String)>> = std::collections::HashMap::new();
    let mut queue = VecDeque::new();
    for s in &sem.init {
        if !parent.contains_key(s) {
            parent.insert(s.clone(), None);
            queue.push_back(s.clone());
        }
    }
    while let Some(s) = queue.pop_front() {
        if s == *target {
            let mut steps = Vec::new();
            let mut cur = s;
            while let Some(Some((p, a))) = parent.get(&cur).cloned() {
                steps.push(Step::new(a, cur.clone()));
                cur = p;
            }
            steps.push(Step::new("<init>", cur));
            steps.reverse();
            return steps;
        }
        for (a, t) in (sem.successors)(&s) {
            if !parent.contains_key(&t) {
                parent.insert(t.clone(), Some((s.clone(), a)));
                queue.push_back(t);
            }
        }
    }
    vec![Step::new("<unreachable>", target.clone())]
}

/// The truth of `f` at each position of the word `word[0..n]` whose position `n - 1` is
/// followed by `loop_index`.
pub fn eval<S>(f: &Ltl<S>, word: &[S], loop_index: usize) -> Vec<bool> {
    let n = word.len();
    let next = |p: usize| if p + 1 < n { p + 1 } else { loop_index };
    // `v[p] = now[p] || (keep[p] && v[next(p)])` from all-`start`, to its fixpoint.
    let fix = |now: &[bool], keep: &[bool], start: bool| -> Vec<bool> {
        let mut v = vec![start; n];
        loop {
            let mut changed = false;
            for p in (0..n).rev() {
                let x = now[p] || (keep[p] && v[next(p)]);
                if x != v[p] {
                    v[p] = x;
                    changed = true;
                }
            }
            if !changed {
                return v;
            }
        }
    };
    let not = |v: Vec<bool>| v.into_iter().map(|x| !x).collect::<Vec<_>>();
    match f {
        Ltl::Atom(a) => word.iter().map(|s| a.holds(s)).collect(),
        Ltl::Not(a) => not(eval(a, word, loop_index)),
        Ltl::And(a, b) => eval(a, word, loop_index)
            .into_iter()
            .zip(eval(b, word, loop_index))
            .map(|(x, y)| x && y)
            .collect(),
        Ltl::Or(a, b) => eval(a, word, loop_index)
            .into_iter()
            .zip(eval(b, word, loop_index))
            .map(|(x, y)| x || y)
            .collect(),
        Ltl::Implies(a, b) => eval(a, word, loop_index)
            .into_iter()
            .zip(eval(b, word, loop_index))
            .map(|(x, y)| !x || y)
            .collect(),
        Ltl::Next(a) => {
            let v = eval(a, word, loop_index);
            (0..n).map(|p| v[next(p)]).collect()
        }
        Ltl::Eventually(a) => fix(&eval(a, word, loop_index), &vec![true; n], false),
        Ltl::Always(a) => not(fix(&not(eval(a, word, loop_index)), &vec![true; n], false)),
        Ltl::Until(a, b) => fix(&eval(b, word, loop_index), &eval(a, word, loop_index), false),
        Ltl::WeakUntil(a, b) => fix(&eval(b, word, loop_index), &eval(a, word, loop_index), true),
        // a R b = !(!a U !b)
        Ltl::Release(a, b) => {
            not(fix(&not(eval(b, word, loop_index)), &not(eval(a, word, loop_index)), false))
        }
    }
}
