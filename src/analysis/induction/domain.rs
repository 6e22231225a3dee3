//! Domains from types: the [`Domain`] trait, the lazy [`Values`] it returns, and [`Range`].
//! Re-exported by [`crate::induction`], where the trait's documentation shows how a user
//! type implements it.

use std::fmt;

use crate::error::{Error, ErrorKind};

/// The most values an enumerated domain may have unless told otherwise
/// ([`Induction::max_domain`](super::Induction::max_domain)).
pub const DEFAULT_MAX_DOMAIN: usize = 1_000_000;

type Make<T> = Box<dyn FnOnce() -> Box<dyn Iterator<Item = T>>>;

/// A lazy enumeration of values that knows its size before it runs: what [`Domain::values`]
/// returns. Nothing is computed until it is iterated, so a size past a limit can be refused
/// first.
#[must_use = "Values enumerate nothing until iterated or collected"]
pub struct Values<T> {
    size: u128,
    make: Make<T>,
}

impl<T: 'static> Values<T> {
    /// `size` values, produced by the iterator `make` returns when they are asked for.
    fn lazy<I>(size: u128, make: impl FnOnce() -> I + 'static) -> Self
    where
        I: Iterator<Item = T> + 'static,
    {
        Values { size, make: Box::new(move || Box::new(make())) }
    }

    /// These values, in this order (collected now).
    pub fn list(values: impl IntoIterator<Item = T>) -> Self {
        let values: Vec<T> = values.into_iter().collect();
        Values::lazy(values.len() as u128, move || values.into_iter())
    }

    /// The values of an integer range, such as `0..=9u8` or `-3..3i64`, in order. The size is
    /// the iterator's upper size bound, which ranges give exactly (a range too long for
    /// `usize` counts as unbounded and is refused by any limit).
    pub fn range<R>(range: R) -> Self
    where
        R: Iterator<Item = T> + 'static,
    {
        let size = range.size_hint().1.map_or(u128::MAX, |n| n as u128);
        Values::lazy(size, move || range)
    }

    /// How many values enumerating goes through (saturating at `u128::MAX`). After
    /// [`filter`](Self::filter) it is the number examined, an upper bound on those produced:
    /// the work that enumeration costs, which is what a limit is about.
    pub fn size(&self) -> u128 {
        self.size
    }

    /// Each value passed through `f` (a field tuple into a struct, say).
    pub fn map<U: 'static>(self, f: impl FnMut(T) -> U + 'static) -> Values<U> {
        let make = self.make;
        Values::lazy(self.size, move || make().map(f))
    }

    /// Only the values `keep` accepts (the size stays the number examined).
    pub fn filter(self, keep: impl FnMut(&T) -> bool + 'static) -> Self {
        let make = self.make;
        Values::lazy(self.size, move || make().filter(keep))
    }

    /// Every pair of one of these values and one of `other()`'s, these varying slowest.
    /// `other` is called once per value of `self`, when the pairs are enumerated.
    pub fn product<U: 'static>(self, other: impl Fn() -> Values<U> + 'static) -> Values<(T, U)>
    where
        T: Clone,
    {
        let size = self.size.saturating_mul(other().size);
        let make = self.make;
        Values::lazy(size, move || make().flat_map(move |a| other().into_iter().map(move |b| (a.clone(), b))))
    }

    /// All the values in a `Vec`, or an error when there are more than `limit` (refused before
    /// any is computed).
    pub fn collect_within(self, limit: usize) -> Result<Vec<T>, Error> {
        self.check_within(limit)?;
        Ok(self.into_iter().collect())
    }

    /// An error when there are more than `limit` values.
    fn check_within(&self, limit: usize) -> Result<(), Error> {
        if self.size > limit as u128 {
            return Err(too_large(self.size, limit));
        }
        Ok(())
    }
}

/// The refusal of a domain of `size` values past `limit`.
pub(crate) fn too_large(size: u128, limit: usize) -> Error {
    let size = if size == u128::MAX { "too many".to_owned() } else { size.to_string() };
    Error::new(
        ErrorKind::InvalidInput,
        format!(
            "the domain has {size} values, more than the limit of {limit}: enumerate a smaller \
             type (a Range, a filtered or mapped Values) or raise the limit"
        ),
    )
}

impl<T> IntoIterator for Values<T> {
    type Item = T;
    type IntoIter = Box<dyn Iterator<Item = T>>;
    fn into_iter(self) -> Self::IntoIter {
        (self.make)()
    }
}

impl<T: 'static> From<Vec<T>> for Values<T> {
    fn from(values: Vec<T>) -> Self {
        Values::list(values)
    }
}

impl<T: 'static, const N: usize> From<[T; N]> for Values<T> {
    fn from(values: [T; N]) -> Self {
        Values::list(values)
    }
}

impl<T> fmt::Debug for Values<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Values").field("size", &self.size).finish_non_exhaustive()
    }
}

/// A type whose values can be listed: the domain an induction quantifies over when none is
/// given ([`Induction::enumerate`](super::Induction::enumerate)).
///
/// The values are a [`Values`]: a lazy enumeration that knows how many values it will go
/// through before it produces any, so a domain too large to enumerate is refused up front
/// ([`Values::collect_within`], [`Induction::max_domain`](super::Induction::max_domain))
/// instead of hanging. `Domain` is implemented for `bool`, `()`, `u8`, `i8`, `u16`, `i16` (all
/// their values), [`Range`] (a bounded integer), `Option`, tuples of two to four domains and
/// arrays. Compound domains list their values in nested order, the last component varying
/// fastest: `(false, false), (false, true), (true, false), (true, true)`. The order is the
/// order the step case visits, so it decides which counterexample-to-induction is reported.
///
/// A type of your own implements the one method, [`values`](Domain::values), and needs no
/// derive macro: an enum lists its variants, a struct maps the domain of its fields' tuple.
///
/// ```
/// use musil::induction::{Domain, Values};
///
/// #[derive(Clone, Debug, PartialEq)]
/// enum Pc { Idle, Wait, Crit }
/// impl Domain for Pc {
///     fn values() -> Values<Self> {
///         Values::from([Pc::Idle, Pc::Wait, Pc::Crit])
///     }
/// }
///
/// #[derive(Clone, Debug, PartialEq)]
/// struct Proc { pc: Pc, flag: bool, x: u8 }
/// impl Domain for Proc {
///     fn values() -> Values<Self> {
///         // x ranges over 0..=9 only: a product with a range, then into the struct, lazily.
///         <(Pc, bool)>::values()
///             .product(|| Values::range(0..=9u8))
///             .map(|((pc, flag), x)| Proc { pc, flag, x })
///     }
/// }
///
/// let all = Proc::values();
/// assert_eq!(all.size(), 3 * 2 * 10);
/// let list = all.collect_within(1000).unwrap();
/// assert_eq!(list[0], Proc { pc: Pc::Idle, flag: false, x: 0 });
/// assert_eq!(list[1], Proc { pc: Pc::Idle, flag: false, x: 1 });
/// assert!(<(u16, u16)>::values().collect_within(1_000_000).is_err()); // 2^32 values: refused
/// ```
pub trait Domain: Clone + 'static {
    /// Every value of the type, each once, in a fixed order.
    fn values() -> Values<Self>;
}

impl Domain for bool {
    /// `false`, `true`.
    fn values() -> Values<Self> {
        Values::from([false, true])
    }
}

impl Domain for () {
    /// The one value.
    fn values() -> Values<Self> {
        Values::from([()])
    }
}

macro_rules! every_integer {
    ($($t:ty),*) => {$(
        impl Domain for $t {
            /// Every value, from the least.
            fn values() -> Values<Self> {
                Values::range(<$t>::MIN..=<$t>::MAX)
            }
        }
    )*};
}
every_integer!(u8, i8, u16, i16);

impl<T: Domain> Domain for Option<T> {
    /// `None`, then `Some` of each value of `T`.
    fn values() -> Values<Self> {
        let inner = T::values();
        let size = inner.size.saturating_add(1);
        Values::lazy(size, move || std::iter::once(None).chain(inner.into_iter().map(Some)))
    }
}

impl<A: Domain, B: Domain> Domain for (A, B) {
    /// Every pair, the last component varying fastest.
    fn values() -> Values<Self> {
        A::values().product(B::values)
    }
}

impl<A: Domain, B: Domain, C: Domain> Domain for (A, B, C) {
    /// Every triple, the last component varying fastest.
    fn values() -> Values<Self> {
        <(A, B)>::values().product(C::values).map(|((a, b), c)| (a, b, c))
    }
}

impl<A: Domain, B: Domain, C: Domain, D: Domain> Domain for (A, B, C, D) {
    /// Every quadruple, the last component varying fastest.
    fn values() -> Values<Self> {
        <(A, B, C)>::values().product(D::values).map(|((a, b, c), d)| (a, b, c, d))
    }
}

impl<T: Domain, const N: usize> Domain for [T; N] {
    /// Every array, in lexicographic order (the last element varying fastest).
    fn values() -> Values<Self> {
        let base = T::values().size;
        let size = (0..N).try_fold(1u128, |n, _| n.checked_mul(base)).unwrap_or(u128::MAX);
        Values::lazy(size, move || {
            // Listed only now: when the size passed a limit, this never runs; when it did
            // not, T's values are at most that many (N > 0) or not needed (N = 0).
            let base: Vec<T> =
                if N == 0 || size == 0 { Vec::new() } else { T::values().into_iter().collect() };
            Odometer { base, digits: [0; N], done: size == 0 }
        })
    }
}

/// Arrays over `base` in lexicographic order: an odometer of indices.
struct Odometer<T, const N: usize> {
    base: Vec<T>,
    digits: [usize; N],
    done: bool,
}

impl<T: Clone, const N: usize> Iterator for Odometer<T, N> {
    type Item = [T; N];
    fn next(&mut self) -> Option<[T; N]> {
        if self.done {
            return None;
        }
        let item = std::array::from_fn(|i| self.base[self.digits[i]].clone());
        self.done = true;
        for d in self.digits.iter_mut().rev() {
            *d += 1;
            if *d < self.base.len() {
                self.done = false;
                break;
            }
            *d = 0;
        }
        Some(item)
    }
}

/// An integer between `LO` and `HI` inclusive: a bounded field whose [`Domain`] is that
/// range. It prints as the bare number.
///
/// ```
/// use musil::induction::{Domain, Range};
/// let v: Vec<Range<-1, 1>> = Range::values().into_iter().collect();
/// assert_eq!(v.iter().map(|r| r.get()).collect::<Vec<_>>(), [-1, 0, 1]);
/// assert_eq!(format!("{:?}", Range::<0, 9>::new(7).unwrap()), "7");
/// assert!(Range::<0, 9>::new(10).is_none());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Range<const LO: i64, const HI: i64>(i64);

impl<const LO: i64, const HI: i64> Range<LO, HI> {
    /// `value`, when it lies in `LO..=HI`.
    pub fn new(value: i64) -> Option<Self> {
        (LO..=HI).contains(&value).then_some(Range(value))
    }

    /// The value.
    pub fn get(self) -> i64 {
        self.0
    }
}

impl<const LO: i64, const HI: i64> Domain for Range<LO, HI> {
    /// `LO` to `HI`, ascending (none when `LO > HI`).
    fn values() -> Values<Self> {
        let size = if LO > HI { 0 } else { (HI as i128 - LO as i128 + 1) as u128 };
        Values::lazy(size, || (LO..=HI).map(Range))
    }
}

impl<const LO: i64, const HI: i64> fmt::Debug for Range<LO, HI> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl<const LO: i64, const HI: i64> fmt::Display for Range<LO, HI> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all<T: Domain>() -> Vec<T> {
        T::values().collect_within(usize::MAX).unwrap()
    }

    #[test]
    fn sizes_are_known_before_enumerating() {
        assert_eq!(bool::values().size(), 2);
        assert_eq!(u8::values().size(), 256);
        assert_eq!(i16::values().size(), 65_536);
        assert_eq!(<Option<bool>>::values().size(), 3);
        assert_eq!(<(bool, u8, ())>::values().size(), 512);
        assert_eq!(<[bool; 3]>::values().size(), 8);
        assert_eq!(<[u8; 0]>::values().size(), 1);
        assert_eq!(<(u16, u16, u16, u16)>::values().size(), 1u128 << 64);
        assert_eq!(<[u16; 9]>::values().size(), u128::MAX);
        assert_eq!(Range::<5, 4>::values().size(), 0);
        assert_eq!(Range::<{ i64::MIN }, { i64::MAX }>::values().size(), 1u128 << 64);
    }

    #[test]
    fn orders_are_nested_with_the_last_component_fastest() {
        assert_eq!(all::<(bool, bool)>(), [(false, false), (false, true), (true, false), (true, true)]);
        assert_eq!(all::<[bool; 2]>(), [[false, false], [false, true], [true, false], [true, true]]);
        assert_eq!(all::<Option<bool>>(), [None, Some(false), Some(true)]);
        assert_eq!(all::<i8>().first(), Some(&-128));
        assert_eq!(all::<i8>().len(), 256);
        assert_eq!(all::<[u8; 0]>(), [[0u8; 0]; 1]);
        assert!(all::<[Range<1, 0>; 2]>().is_empty());
        let t = all::<(bool, Range<0, 2>, ())>();
        assert_eq!(t.len(), 6);
        assert_eq!((t[2].0, t[2].1.get()), (false, 2));
        assert_eq!((t[3].0, t[3].1.get()), (true, 0));
    }

    #[test]
    fn a_domain_past_the_limit_is_refused_before_enumerating() {
        let e = <(u16, u16)>::values().collect_within(1000).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        assert!(e.message().contains("4294967296 values, more than the limit of 1000"), "{e}");
        let e = <[u16; 9]>::values().collect_within(10).unwrap_err();
        assert!(e.message().contains("too many values"), "{e}");
        assert_eq!(u8::values().filter(|x| *x < 3).collect_within(256).unwrap(), [0, 1, 2]);
        assert!(u8::values().filter(|x| *x < 3).collect_within(255).is_err());
    }
}
