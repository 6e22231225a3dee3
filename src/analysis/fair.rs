//! Fairness: which actions a scheduler may not starve forever, spelled once for every
//! analysis that needs it ([`Liveness`](crate::Liveness), [`LtlOptions`](crate::LtlOptions),
//! the [patterns](crate::patterns) and the open-system liveness check).
//!
//! A [`Fair`] value names the weakly fair and the strongly fair actions. Each list is either
//! left to the model (`None`: the actions' own [`Fairness`] tags, where the analysis reads
//! tags) or given explicitly, which replaces the tags, even when the list is empty. Explicit
//! names must match actions of the model; an analysis refuses unknown names with an error.
//!
//! - **weak** (`fair`): a run may not keep the action enabled forever without taking it;
//! - **strong** (`fair_strong`): a run may not enable the action again and again without
//!   taking it.
//!
//! ```
//! use musil::{check_liveness, Fair, Fairness, Liveness, Model};
//! // A toggle that may flip forever unless the escape is fair.
//! let m = Model::new(0u8)
//!     .action("flip", |s| *s < 2, |s| 1 - s)
//!     .fair_action("escape", Fairness::Weak, |s| *s < 2, |_| 2);
//! let goal = |s: &u8| *s == 2;
//! assert!(check_liveness(&m, &Liveness::eventually(goal)).unwrap().ok); // the tags
//! let none = Fair::none();
//! assert!(!check_liveness(&m, &Liveness::eventually(goal).fairness(none)).unwrap().ok);
//! let explicit = Fair::tags().fair(["escape"]);
//! assert!(check_liveness(&m, &Liveness::eventually(goal).fairness(explicit)).unwrap().ok);
//! ```

use crate::error::{Error, ErrorKind};
use crate::liveness::py_list;
use crate::system::{Fairness, TransitionSystem};

/// The weakly and strongly fair actions of a liveness or LTL check, by name; see the
/// [module](self).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Fair {
    weak: Option<Vec<String>>,
    strong: Option<Vec<String>>,
}

impl Fair {
    /// Both lists left to the model: the actions' tags where the analysis reads them.
    pub fn tags() -> Self {
        Fair::default()
    }

    /// No fair action at all (both lists explicit and empty): every run the graph allows.
    pub fn none() -> Self {
        Fair { weak: Some(Vec::new()), strong: Some(Vec::new()) }
    }

    /// The weakly fair actions, by name (the original's `fair=`): replaces the tags; an empty
    /// list means none.
    #[must_use]
    pub fn fair<I: IntoIterator<Item = N>, N: Into<String>>(mut self, names: I) -> Self {
        self.weak = Some(names.into_iter().map(Into::into).collect());
        self
    }

    /// The strongly fair actions, by name (the original's `fair_strong=`): replaces the tags;
    /// an empty list means none.
    #[must_use]
    pub fn fair_strong<I: IntoIterator<Item = N>, N: Into<String>>(mut self, names: I) -> Self {
        self.strong = Some(names.into_iter().map(Into::into).collect());
        self
    }

    /// The explicit weakly fair names, `None` when left to the tags.
    pub fn weak_names(&self) -> Option<&[String]> {
        self.weak.as_deref()
    }

    /// The explicit strongly fair names, `None` when left to the tags.
    pub fn strong_names(&self) -> Option<&[String]> {
        self.strong.as_deref()
    }

    /// Each list that is still left to the tags, given `weak` and `strong` instead.
    #[must_use]
    pub(crate) fn or_else(
        self,
        weak: impl FnOnce() -> Vec<String>,
        strong: impl FnOnce() -> Vec<String>,
    ) -> Self {
        Fair { weak: Some(self.weak.unwrap_or_else(weak)), strong: Some(self.strong.unwrap_or_else(strong)) }
    }

    /// The weak and strong lists with `None` read as empty (no tags consulted).
    pub(crate) fn explicit(&self) -> (Vec<String>, Vec<String>) {
        (self.weak.clone().unwrap_or_default(), self.strong.clone().unwrap_or_default())
    }

    /// The explicit names that match no action of `sys`, sorted and unique, with the known
    /// names, sorted and unique; `None` when every name matches or `sys` lists no actions up
    /// front.
    fn unknown<T: TransitionSystem>(&self, sys: &T) -> Option<(Vec<String>, Vec<String>)> {
        let actions = sys.static_actions()?;
        let mut known: Vec<String> = actions.iter().map(|&a| sys.action_name(a).to_owned()).collect();
        known.sort();
        known.dedup();
        let mut unknown: Vec<String> =
            self.weak.iter().chain(&self.strong).flatten().filter(|n| !known.contains(n)).cloned().collect();
        unknown.sort();
        unknown.dedup();
        (!unknown.is_empty()).then_some((unknown, known))
    }

    /// Refuse explicit names that match no action, with `message(unknown, known)`.
    pub(crate) fn check_names<T: TransitionSystem>(
        &self,
        sys: &T,
        message: impl FnOnce(&str, &str) -> String,
    ) -> Result<(), Error> {
        match self.unknown(sys) {
            None => Ok(()),
            Some((unknown, known)) => {
                Err(Error::new(ErrorKind::UnknownAction, message(&py_list(&unknown), &py_list(&known))))
            }
        }
    }

    /// Explicit names checked against `sys` (each list in turn, named `fair` or
    /// `fair_strong` in the error), and missing lists taken from the tags.
    pub(crate) fn resolve<T: TransitionSystem>(
        &self,
        sys: &T,
        who: &str,
    ) -> Result<(Vec<String>, Vec<String>), Error> {
        for (list, label) in [(&self.weak, "fair"), (&self.strong, "fair_strong")] {
            let one = Fair { weak: list.clone(), strong: None };
            one.check_names(sys, |unknown, known| {
                format!("{who}: {label} names {unknown} match no action (known: {known})")
            })?;
        }
        if sys.static_actions().is_none() {
            return Ok(self.explicit());
        }
        let tagged = |f: Fairness| {
            sys.fair_actions(f).into_iter().map(|a| sys.action_name(a).to_owned()).collect::<Vec<_>>()
        };
        let resolved = self.clone().or_else(|| tagged(Fairness::Weak), || tagged(Fairness::Strong));
        Ok(resolved.explicit())
    }
}
