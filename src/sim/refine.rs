//! The refinement oracle of [`simulate`](super::simulate): every observed world, mapped by an
//! abstraction, must be a reachable state of a model, and each change a step the model allows.

use std::fmt::Debug;

use crate::refine::RefinementMonitor;
use crate::system::{State, TransitionSystem};

/// Checks a sequence of observations against an explored model; reset for every run.
pub(crate) trait Refiner<W> {
    /// Forget the previous run; `require_init`: must the first observation be initial?
    fn reset(&mut self, require_init: bool);
    /// The next observation: `None` if it refines, else the violation's text.
    fn observe(&mut self, world: &W) -> Option<String>;
}

/// The public [`RefinementMonitor`] over abstract states, fed each world's abstraction.
pub(crate) struct Refinement<S: State, F> {
    monitor: RefinementMonitor<S, S, fn(&S) -> S>,
    abstraction: F,
}

impl<S: State, F> Refinement<S, F> {
    pub(crate) fn new<T: TransitionSystem<State = S>>(model: &T, abstraction: F, require_init: bool) -> Self {
        let same: fn(&S) -> S = S::clone;
        Refinement { monitor: RefinementMonitor::new(model, same).require_init(require_init), abstraction }
    }
}

impl<W, S: State + Debug, F: Fn(&W) -> S> Refiner<W> for Refinement<S, F> {
    fn reset(&mut self, require_init: bool) {
        self.monitor.reset();
        self.monitor.set_require_init(require_init);
    }

    fn observe(&mut self, world: &W) -> Option<String> {
        let a = (self.abstraction)(world);
        self.monitor.observe(&a).err().map(|v| v.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Model;

    fn counter() -> Model<u8> {
        Model::new(0u8).action("inc", |n| *n < 2, |n| n + 1)
    }

    fn verdicts(require_init: bool, observations: &[u8]) -> Vec<Option<String>> {
        let mut r = Refinement::new(&counter(), |w: &u8| *w, require_init);
        observations.iter().map(|o| r.observe(o)).collect()
    }

    #[test]
    fn after_a_violation_the_last_good_state_stays_the_previous_one() {
        let v = verdicts(true, &[0, 2, 1, 2]);
        assert_eq!(
            v[1].as_deref(),
            Some("REFINEMENT: observation 1 steps 0 -> 2, which the model does not allow")
        );
        assert_eq!((v[0].as_deref(), v[2].as_deref(), v[3].as_deref()), (None, None, None));
        let v = verdicts(true, &[0, 1, 0]);
        assert_eq!(
            v[2].as_deref(),
            Some("REFINEMENT: observation 2 steps 1 -> 0, which the model does not allow")
        );
    }

    #[test]
    fn a_failing_first_observation_is_still_the_previous_one() {
        // Bad init at 1: remembered, so 2 (a step from 1) is accepted and 0 (not) is refused.
        let v = verdicts(true, &[1, 2, 0]);
        assert_eq!(v[0].as_deref(), Some("REFINEMENT: observation 0 maps to 1, not a model initial state"));
        assert_eq!(v[1], None);
        assert_eq!(
            v[2].as_deref(),
            Some("REFINEMENT: observation 2 steps 2 -> 0, which the model does not allow")
        );
        let v = verdicts(false, &[5]);
        assert_eq!(v[0].as_deref(), Some("REFINEMENT: observation 0 maps to 5, unreachable in the model"));
        assert_eq!(verdicts(true, &[0, 0, 1, 1, 2, 2]), vec![None; 6]);
    }
}
