//! The probabilistic-LTL fragment that reduces to reachability: which shape a formula has
//! (`G F p`, `F G p`, `F p`, `G p`, `a U b`, `a R b`, `a W b`, `X p` over state formulas).

use crate::ltl::Ltl;
use crate::system::Predicate;

/// A formula of the fragment, its operands compiled to state predicates.
pub(crate) enum Shape<S> {
    /// `G F p`
    InfinitelyOften(Predicate<S>),
    /// `F G p`
    EventuallyAlways(Predicate<S>),
    /// `F p`
    Eventually(Predicate<S>),
    /// `G p`
    Always(Predicate<S>),
    /// `a U b`
    Until(Predicate<S>, Predicate<S>),
    /// `a R b`
    Release(Predicate<S>, Predicate<S>),
    /// `a W b`
    WeakUntil(Predicate<S>, Predicate<S>),
    /// `X p`
    Next(Predicate<S>),
}

/// The shape of a formula in negation normal form. The shapes are tried in the order above and
/// the first that matches syntactically decides: when its operands are not state formulas the
/// formula is outside the fragment (`None`), and no later shape is tried. So `F F a`, `G G a`
/// and a bare atom are all outside, as in the original.
pub(crate) fn shape<S: 'static>(phi: &Ltl<S>) -> Option<Shape<S>> {
    match phi {
        Ltl::Always(inner) if matches!(**inner, Ltl::Eventually(_)) => {
            let Ltl::Eventually(p) = &**inner else { return None };
            Some(Shape::InfinitelyOften(p.state_predicate()?))
        }
        Ltl::Eventually(inner) if matches!(**inner, Ltl::Always(_)) => {
            let Ltl::Always(p) = &**inner else { return None };
            Some(Shape::EventuallyAlways(p.state_predicate()?))
        }
        Ltl::Eventually(p) => Some(Shape::Eventually(p.state_predicate()?)),
        Ltl::Always(p) => Some(Shape::Always(p.state_predicate()?)),
        Ltl::Until(a, b) => Some(Shape::Until(a.state_predicate()?, b.state_predicate()?)),
        Ltl::Release(a, b) => Some(Shape::Release(a.state_predicate()?, b.state_predicate()?)),
        Ltl::WeakUntil(a, b) => Some(Shape::WeakUntil(a.state_predicate()?, b.state_predicate()?)),
        Ltl::Next(p) => Some(Shape::Next(p.state_predicate()?)),
        _ => None,
    }
}
