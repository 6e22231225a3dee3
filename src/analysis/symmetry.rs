//! Symmetry reduction built rather than hand-written: each function here returns the
//! `canonicalize` function that [`Config::canonicalize`](crate::Config::canonicalize) takes.
//!
//! The one idea: when components of a system are interchangeable, the states that differ only
//! by which component is which (an orbit) behave alike, so the search keeps one representative
//! per orbit. Which construction is right depends on one question: **does anything else in the
//! state name a component?**
//!
//! - No (the components are anonymous): sort their slices, with [`canonical_by_sorting`] (the
//!   slices read out and written back by two functions) or [`canonical_by_fields`] (fields of
//!   the state sorted in place). O(n log n) per state; the construction that scales.
//! - Yes (a leader index, an owner id, a destination in a message): relabel the whole state under
//!   every permutation of the identities and keep the least result, with
//!   [`canonical_by_permutations`]. Every reference moves with the component it names; the cost
//!   is n! relabellings per state, so it is for a handful of identities.
//!
//! Neither construction is sound by itself: a model that later grows a field naming a
//! component makes a sort unsound, and nothing in the sort says so. Grade every reduction on a
//! small instance with [`symmetry_reduction_sound`](crate::symmetry_reduction_sound) before
//! trusting it on a large one.
//!
//! **Which representative.** The original (Python) orders candidates by their `repr` text.
//! Here every order is a documented Rust total order: slices are sorted by their [`Ord`] (or a
//! key the caller gives), permutation results are compared by the state's `Ord` (or a key).
//! Any fixed total order gives one representative per orbit, but a different order gives other
//! representatives, so a check that stops early (at a violation) may report another trace and
//! count than the original's; full sweeps count the same orbits.
//!
//! ```
//! use musil::symmetry::canonical_by_sorting;
//! use musil::{symmetry_reduction_sound, Checker, Model};
//!
//! // Three interchangeable workers, each counting 0, 1, 2.
//! #[derive(Clone, Debug, PartialEq, Eq, Hash)]
//! struct Workers { counts: Vec<u8> }
//!
//! let mut m = Model::new(Workers { counts: vec![0; 3] }).terminal(|_| true);
//! for i in 0..3 {
//!     m = m.action(format!("w{i}:step"), move |s| s.counts[i] < 2, move |s| {
//!         let mut counts = s.counts.clone();
//!         counts[i] += 1;
//!         Workers { counts }
//!     });
//! }
//! let canon = canonical_by_sorting(|s: &Workers| s.counts.clone(), |_, counts| Workers { counts });
//! assert!(symmetry_reduction_sound(&m, canon.clone()));
//! assert_eq!(Checker::new(&m).check().states_explored, 27); // 3^3 assignments
//! assert_eq!(Checker::new(&m).canonicalize(canon).check().states_explored, 10); // multisets
//! ```

use std::cmp::Ordering;
use std::fmt;
use std::sync::Arc;

use crate::error::{Error, ErrorKind};

/// The default cap on permutations per state for [`canonical_by_permutations`]: 7! = 5040.
pub const MAX_PERMUTATIONS: usize = 5040;

/// A canonicalize function that sorts the components' slices by their natural order.
///
/// `get(state)` reads the per-component slices in component order; `put(state, sorted)`
/// writes them back and returns the representative. The sort is ascending by `T`'s [`Ord`]
/// and stable. Nothing is validated at construction.
///
/// Sound only when nothing outside the slices names a component by position or id (use
/// [`canonical_by_permutations`] then); grade it with
/// [`symmetry_reduction_sound`](crate::symmetry_reduction_sound).
///
/// ```
/// use musil::symmetry::canonical_by_sorting;
/// let canon = canonical_by_sorting(|s: &(u8, u8)| [s.0, s.1], |_, v| (v[0], v[1]));
/// assert_eq!(canon(&(2, 1)), (1, 2));
/// ```
pub fn canonical_by_sorting<S, T, I>(
    get: impl Fn(&S) -> I + Send + Sync + 'static,
    put: impl Fn(&S, Vec<T>) -> S + Send + Sync + 'static,
) -> impl Fn(&S) -> S + Clone + Send + Sync + 'static
where
    I: IntoIterator<Item = T>,
    T: Ord,
{
    let (get, put) = (Arc::new(get), Arc::new(put));
    move |s: &S| {
        let mut slices: Vec<T> = get(s).into_iter().collect();
        slices.sort();
        put(s, slices)
    }
}

/// [`canonical_by_sorting`] with the slices ordered by `key(slice)` (for slices that are not
/// [`Ord`], or to sort by one part of them). The sort is stable: two slices with equal keys
/// keep their order, so the result is a representative per orbit only if the key tells
/// distinct slices apart (otherwise the reduction is merely weaker).
///
/// ```
/// use musil::symmetry::canonical_by_sorting_by_key;
/// let by_load = canonical_by_sorting_by_key(|s: &Vec<(u8, char)>| s.clone(), |_, v| v, |w| w.0);
/// assert_eq!(by_load(&vec![(2, 'a'), (1, 'b'), (2, 'c')]), vec![(1, 'b'), (2, 'a'), (2, 'c')]);
/// ```
pub fn canonical_by_sorting_by_key<S, T, I, K>(
    get: impl Fn(&S) -> I + Send + Sync + 'static,
    put: impl Fn(&S, Vec<T>) -> S + Send + Sync + 'static,
    key: impl Fn(&T) -> K + Send + Sync + 'static,
) -> impl Fn(&S) -> S + Clone + Send + Sync + 'static
where
    I: IntoIterator<Item = T>,
    K: Ord,
{
    let (get, put, key) = (Arc::new(get), Arc::new(put), Arc::new(key));
    move |s: &S| {
        let mut slices: Vec<T> = get(s).into_iter().collect();
        slices.sort_by_key(|t| key(t));
        put(s, slices)
    }
}

/// The declarative form of [`canonical_by_sorting`]: name the fields that each hold a
/// sequence of interchangeable items, and the canonicalize function sorts each in place, in
/// the order the fields were declared, on a copy of the state.
///
/// A field is given by an accessor to its items as a mutable slice (a `Vec`, an array, a boxed
/// slice). Set-valued fields need nothing: a `BTreeSet` is already in one order. As for any
/// sort, declaring the fields does not make the reduction sound: nothing outside them may name
/// an item by position or id; grade it with
/// [`symmetry_reduction_sound`](crate::symmetry_reduction_sound).
///
/// ```
/// use musil::symmetry::canonical_by_fields;
///
/// #[derive(Clone, Debug, PartialEq)]
/// struct St { a: Vec<u8>, b: [u8; 2], leader: u8 }
///
/// let canon = canonical_by_fields::<St>().field(|s| &mut s.a).field(|s| &mut s.b).build();
/// let s = St { a: vec![3, 1, 2], b: [2, 1], leader: 0 };
/// assert_eq!(canon(&s), St { a: vec![1, 2, 3], b: [1, 2], leader: 0 });
/// ```
pub fn canonical_by_fields<S>() -> Fields<S> {
    Fields { sorts: Vec::new() }
}

/// The fields [`canonical_by_fields`] sorts; [`Fields::build`] makes the function.
#[must_use = "a Fields declaration does nothing until build() makes the canonicalize function"]
pub struct Fields<S> {
    sorts: Vec<SortField<S>>,
}

/// Sorts one declared field in place.
type SortField<S> = Arc<dyn Fn(&mut S) + Send + Sync>;

impl<S> fmt::Debug for Fields<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Fields").field("fields", &self.sorts.len()).finish()
    }
}

impl<S: Clone + 'static> Fields<S> {
    /// Sort this field's items by their [`Ord`] (stable).
    pub fn field<T: Ord, C: AsMut<[T]> + ?Sized>(
        mut self,
        field: impl Fn(&mut S) -> &mut C + Send + Sync + 'static,
    ) -> Self {
        self.sorts.push(Arc::new(move |s: &mut S| field(s).as_mut().sort()));
        self
    }

    /// Sort this field's items by `key(item)` (stable: items with equal keys keep their order).
    pub fn field_by_key<T, K: Ord, C: AsMut<[T]> + ?Sized>(
        mut self,
        field: impl Fn(&mut S) -> &mut C + Send + Sync + 'static,
        key: impl Fn(&T) -> K + Send + Sync + 'static,
    ) -> Self {
        self.sorts.push(Arc::new(move |s: &mut S| field(s).as_mut().sort_by_key(|t| key(t))));
        self
    }

    /// The canonicalize function: a copy of the state with every declared field sorted. With
    /// no field declared it returns an equal copy.
    pub fn build(self) -> impl Fn(&S) -> S + Clone + Send + Sync + 'static {
        let sorts: Arc<[SortField<S>]> = self.sorts.into();
        move |s: &S| {
            let mut copy = s.clone();
            for sort in sorts.iter() {
                sort(&mut copy);
            }
            copy
        }
    }
}

/// One permutation of the identities, as [`canonical_by_permutations`] hands it to `relabel`:
/// each identity and the identity it becomes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Relabeling<I> {
    identities: Arc<[I]>,
    images: Vec<I>,
}

impl<I: PartialEq> Relabeling<I> {
    /// What `id` becomes, or `None` when it is not one of the identities.
    pub fn get(&self, id: &I) -> Option<&I> {
        self.identities.iter().position(|x| x == id).map(|i| &self.images[i])
    }

    /// What `id` becomes.
    ///
    /// # Panics
    /// When `id` is not one of the identities (inside a check, the panic is reported as a
    /// result naming `canonicalize`).
    pub fn image(&self, id: &I) -> &I {
        self.get(id).expect("Relabeling::image: not one of the identities given to canonical_by_permutations")
    }

    /// Every identity with its image, in the order the identities were given.
    pub fn pairs(&self) -> impl Iterator<Item = (&I, &I)> {
        self.identities.iter().zip(&self.images)
    }
}

impl Relabeling<usize> {
    /// For identities that are the positions `0..n` of per-component slots: the slots with
    /// each one moved to the position its index becomes (`out[image(i)] = slots[i]`).
    ///
    /// # Panics
    /// When `slots` does not have one entry per identity or the identities are not `0..n`.
    pub fn permute<T: Clone>(&self, slots: &[T]) -> Vec<T> {
        assert_eq!(slots.len(), self.images.len(), "Relabeling::permute: one slot per identity");
        let mut out: Vec<Option<T>> = vec![None; slots.len()];
        for (&from, &to) in self.pairs() {
            assert!(from < slots.len() && to < slots.len(), "Relabeling::permute: identities must be 0..n");
            out[to] = Some(slots[from].clone());
        }
        out.into_iter().map(|x| x.expect("a permutation fills every slot")).collect()
    }
}

type Relabel<S, I> = Arc<dyn Fn(&S, &Relabeling<I>) -> S + Send + Sync>;
type Order<S> = Arc<dyn Fn(&S, &S) -> Ordering + Send + Sync>;

/// A canonicalize function that relabels the whole state under every permutation of
/// `identities` and keeps the least result by the state's [`Ord`].
///
/// `relabel(state, p)` must rewrite *every* place an identity occurs (the per-component slots
/// and every reference such as a leader field): a relabel that forgets one is exactly the
/// mistake this construction exists to avoid, and [`symmetry_reduction_sound`] rejects it.
/// Permutations are tried in lexicographic order of the identities' positions (the first is
/// the identity permutation), and among equal least results the first is kept.
///
/// The result is a [`Permutations`] to [`build`](Permutations::build); it refuses more than
/// [`MAX_PERMUTATIONS`] permutations per state unless the cap is raised.
///
/// ```
/// use musil::symmetry::canonical_by_permutations;
///
/// // Counts per worker, and a leader naming one of them by index.
/// #[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
/// struct Cluster { counts: Vec<u8>, leader: usize }
///
/// let canon = canonical_by_permutations(0..3, |s: &Cluster, p| Cluster {
///     counts: p.permute(&s.counts),
///     leader: *p.image(&s.leader),
/// })
/// .build()
/// .unwrap();
/// let a = canon(&Cluster { counts: vec![1, 0, 0], leader: 0 });
/// let b = canon(&Cluster { counts: vec![0, 0, 1], leader: 2 });
/// assert_eq!(a, b);
/// assert_eq!(a, Cluster { counts: vec![0, 0, 1], leader: 2 });
/// ```
///
/// [`symmetry_reduction_sound`]: crate::symmetry_reduction_sound
pub fn canonical_by_permutations<S: Ord + 'static, I: 'static>(
    identities: impl IntoIterator<Item = I>,
    relabel: impl Fn(&S, &Relabeling<I>) -> S + Send + Sync + 'static,
) -> Permutations<S, I> {
    Permutations {
        identities: identities.into_iter().collect(),
        relabel: Arc::new(relabel),
        order: Arc::new(S::cmp),
        max_permutations: MAX_PERMUTATIONS,
    }
}

/// [`canonical_by_permutations`] with the results compared by `key(state)` instead of the
/// state's own order (for states that are not [`Ord`], or to choose which representative a
/// trace shows). Among results with equal keys the first permutation's wins, so a key that
/// ties states of different orbits merges them: keep it injective on each orbit.
pub fn canonical_by_permutations_by_key<S: 'static, I: 'static, K: Ord>(
    identities: impl IntoIterator<Item = I>,
    relabel: impl Fn(&S, &Relabeling<I>) -> S + Send + Sync + 'static,
    key: impl Fn(&S) -> K + Send + Sync + 'static,
) -> Permutations<S, I> {
    Permutations {
        identities: identities.into_iter().collect(),
        relabel: Arc::new(relabel),
        order: Arc::new(move |a: &S, b: &S| key(a).cmp(&key(b))),
        max_permutations: MAX_PERMUTATIONS,
    }
}

/// A permutation canonicalizer being set up: [`Permutations::max_permutations`] raises the
/// cap, [`Permutations::build`] makes the function.
#[must_use = "Permutations does nothing until build() makes the canonicalize function"]
pub struct Permutations<S, I> {
    identities: Vec<I>,
    relabel: Relabel<S, I>,
    order: Order<S>,
    max_permutations: usize,
}

impl<S, I: fmt::Debug> fmt::Debug for Permutations<S, I> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Permutations")
            .field("identities", &self.identities)
            .field("max_permutations", &self.max_permutations)
            .finish_non_exhaustive()
    }
}

impl<S: 'static, I: Clone + PartialEq + fmt::Debug + Send + Sync + 'static> Permutations<S, I> {
    /// Allow up to this many permutations per state (default [`MAX_PERMUTATIONS`], 7!). Every
    /// state is relabelled that many times, so raising it is a decision about cost.
    pub fn max_permutations(mut self, cap: usize) -> Self {
        self.max_permutations = cap;
        self
    }

    /// The canonicalize function: all permutations are built here, once.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidInput`] when an identity is listed twice, or when the identities
    /// have more permutations (n!) than the cap allows.
    pub fn build(self) -> Result<impl Fn(&S) -> S + Clone + Send + Sync + 'static, Error> {
        let n = self.identities.len();
        for (i, id) in self.identities.iter().enumerate() {
            if self.identities[..i].contains(id) {
                return Err(Error::new(
                    ErrorKind::InvalidInput,
                    format!(
                        "canonical_by_permutations: the identity {id:?} is listed twice; each must be distinct"
                    ),
                ));
            }
        }
        let count = (1..=n).try_fold(1usize, |acc, k| acc.checked_mul(k));
        if count.is_none_or(|c| c > self.max_permutations) {
            let count = count.map_or_else(|| "more than usize::MAX".to_owned(), |c| c.to_string());
            return Err(Error::new(
                ErrorKind::InvalidInput,
                format!(
                    "canonical_by_permutations: {n} identities give {count} permutations per state, over the cap of {} \
                     (max_permutations). Sorting the components' slices (canonical_by_sorting) is what scales to many \
                     anonymous components; raise the cap only when the identities are referenced elsewhere and few",
                    self.max_permutations
                ),
            ));
        }
        let identities: Arc<[I]> = self.identities.into();
        let perms: Arc<[Relabeling<I>]> = positions_in_order(n)
            .into_iter()
            .map(|p| Relabeling {
                identities: identities.clone(),
                images: p.iter().map(|&i| identities[i].clone()).collect(),
            })
            .collect();
        let (relabel, order) = (self.relabel, self.order);
        Ok(move |s: &S| {
            let mut best: Option<S> = None;
            for p in perms.iter() {
                let candidate = relabel(s, p);
                // Strictly less replaces: the first of equal least results stays.
                if best.as_ref().is_none_or(|b| order(&candidate, b) == Ordering::Less) {
                    best = Some(candidate);
                }
            }
            best.expect("there is always at least the identity permutation")
        })
    }
}

/// Every permutation of `0..n`, in lexicographic order (the identity first); one empty
/// permutation for n = 0.
fn positions_in_order(n: usize) -> Vec<Vec<usize>> {
    let mut p: Vec<usize> = (0..n).collect();
    let mut out = vec![p.clone()];
    // The next permutation in lexicographic order, until the last (descending) one.
    loop {
        let Some(i) = (1..n).rev().find(|&i| p[i - 1] < p[i]) else { return out };
        let j = (i..n).rev().find(|&j| p[j] > p[i - 1]).expect("p[i] itself is greater");
        p.swap(i - 1, j);
        p[i..].reverse();
        out.push(p.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permutations_come_in_lexicographic_order() {
        assert_eq!(positions_in_order(0), vec![Vec::<usize>::new()]);
        assert_eq!(positions_in_order(1), vec![vec![0]]);
        assert_eq!(
            positions_in_order(3),
            vec![vec![0, 1, 2], vec![0, 2, 1], vec![1, 0, 2], vec![1, 2, 0], vec![2, 0, 1], vec![2, 1, 0]]
        );
        assert_eq!(positions_in_order(5).len(), 120);
    }
}
