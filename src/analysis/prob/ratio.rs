//! Exact rationals: the [`Ratio`] every answer is, and [`IntoRatio`], the exact conversion of
//! the numbers user callbacks return (integers, `bool`, rationals, floats as the decimal they
//! print as, and [`Binary`] floats by their binary value).

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Zero};

/// An exact rational number of arbitrary size, in lowest terms with a positive denominator.
///
/// Its `Display` prints like the original's answers: `0`, `1`, `-3`, `2/3`, `-1/2`.
///
/// ```
/// use musil::probabilistic::ratio;
/// assert_eq!(ratio(4, 6).to_string(), "2/3");
/// assert_eq!(ratio(3, -1).to_string(), "-3");
/// ```
pub type Ratio = BigRational;

/// The rational `numer / denom`, reduced.
///
/// # Panics
/// When `denom` is 0.
pub fn ratio(numer: i64, denom: i64) -> Ratio {
    assert!(denom != 0, "ratio: the denominator is 0");
    Ratio::new(BigInt::from(numer), BigInt::from(denom))
}

/// A number that converts exactly to a [`Ratio`]: what weight, cost and reward callbacks and
/// probability bounds may return.
///
/// Integers, `bool` (`true` is 1), [`Ratio`] and the `num-rational` ratios convert as they
/// are. A float converts as the decimal it prints as (its shortest round-trip decimal, Rust's
/// `Display`), which is the number written in the source: `0.1` is `1/10` and `0.6` is
/// `3/5`, not `5404319552844595/9007199254740992`. Wrap it in [`Binary`] for the float's exact
/// binary value instead. NaN and the infinities have no exact value and are refused.
///
/// **A deliberate difference from the original** (musil 0.36.7), which converts floats with
/// Python's `Fraction(x)`, from the binary value: a weight of `0.1` there is
/// `3602879701896397/36028797018963968`. `Binary(0.1)` gives that number here; integer and
/// rational weights, the only kind its corpus uses, read the same in both.
///
/// ```
/// use musil::probabilistic::{Binary, IntoRatio, ratio};
/// assert_eq!(3u8.into_ratio(), Ok(ratio(3, 1)));
/// assert_eq!(0.5f64.into_ratio(), Ok(ratio(1, 2)));
/// assert_eq!(0.6f64.into_ratio(), Ok(ratio(3, 5)));
/// assert_eq!(0.1f32.into_ratio(), Ok(ratio(1, 10)));
/// assert_eq!(Binary(0.1).into_ratio().unwrap().to_string(), "3602879701896397/36028797018963968");
/// assert_eq!(f64::NAN.into_ratio(), Err("NaN".to_owned()));
/// ```
pub trait IntoRatio {
    /// The exact value, or the printed input when it has none (NaN, an infinity).
    fn into_ratio(self) -> Result<Ratio, String>;
}

macro_rules! int_into_ratio {
    ($($t:ty),*) => {$(
        impl IntoRatio for $t {
            fn into_ratio(self) -> Result<Ratio, String> {
                Ok(Ratio::from_integer(BigInt::from(self)))
            }
        }
    )*};
}
int_into_ratio!(i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize);

impl IntoRatio for bool {
    fn into_ratio(self) -> Result<Ratio, String> {
        Ok(if self { Ratio::one() } else { Ratio::zero() })
    }
}

impl IntoRatio for BigInt {
    fn into_ratio(self) -> Result<Ratio, String> {
        Ok(Ratio::from_integer(self))
    }
}

impl IntoRatio for Ratio {
    fn into_ratio(self) -> Result<Ratio, String> {
        Ok(self)
    }
}

impl IntoRatio for &Ratio {
    fn into_ratio(self) -> Result<Ratio, String> {
        Ok(self.clone())
    }
}

impl IntoRatio for num_rational::Rational64 {
    fn into_ratio(self) -> Result<Ratio, String> {
        Ok(Ratio::new(BigInt::from(*self.numer()), BigInt::from(*self.denom())))
    }
}

impl IntoRatio for num_rational::Rational32 {
    fn into_ratio(self) -> Result<Ratio, String> {
        Ok(Ratio::new(BigInt::from(*self.numer()), BigInt::from(*self.denom())))
    }
}

/// A float read by its exact binary value, the original's reading: `Binary(0.1)` is
/// `3602879701896397/36028797018963968`, where a bare `0.1` is `1/10` (see [`IntoRatio`]).
///
/// ```
/// use musil::probabilistic::{Binary, IntoRatio, ratio};
/// assert_eq!(Binary(0.375).into_ratio(), Ok(ratio(3, 8)));
/// assert_ne!(Binary(0.6).into_ratio(), Ok(ratio(3, 5)));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd)]
pub struct Binary(pub f64);

impl IntoRatio for Binary {
    fn into_ratio(self) -> Result<Ratio, String> {
        if self.0 == 0.0 {
            return Ok(Ratio::zero()); // -0.0 too
        }
        Ratio::from_float(self.0).ok_or_else(|| format!("{}", self.0))
    }
}

/// The decimal `text` (Rust's `Display` of a finite float: digits, an optional point, no
/// exponent) as a rational.
fn decimal(text: &str) -> Option<Ratio> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    let all: String = [int, frac].concat();
    let numer: BigInt = if all.is_empty() { BigInt::zero() } else { all.parse().ok()? };
    let denom = num_traits::pow(BigInt::from(10u32), frac.len());
    let r = Ratio::new(numer, denom);
    Some(if negative { -r } else { r })
}

impl IntoRatio for f64 {
    fn into_ratio(self) -> Result<Ratio, String> {
        if !self.is_finite() {
            return Err(format!("{self}"));
        }
        decimal(&format!("{self}")).ok_or_else(|| format!("{self}"))
    }
}

impl IntoRatio for f32 {
    /// The decimal the `f32` prints as (so `0.1f32` is `1/10`).
    fn into_ratio(self) -> Result<Ratio, String> {
        if !self.is_finite() {
            return Err(format!("{self}"));
        }
        decimal(&format!("{self}")).ok_or_else(|| format!("{self}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_convert_from_their_decimal_or_binary_value() {
        assert_eq!(0.1f64.into_ratio(), Ok(ratio(1, 10)));
        assert_eq!((-2.5f64).into_ratio(), Ok(ratio(-5, 2)));
        assert_eq!(1e-7f64.into_ratio(), Ok(ratio(1, 10_000_000)));
        assert_eq!(
            0.30000000000000004f64.into_ratio().unwrap().to_string(),
            "7500000000000001/25000000000000000"
        );
        assert_eq!(Binary(0.1).into_ratio().unwrap().to_string(), "3602879701896397/36028797018963968");
        assert_eq!((-0.0f64).into_ratio(), Ok(Ratio::zero()));
        assert_eq!(Binary(-0.0).into_ratio(), Ok(Ratio::zero()));
        assert_eq!(0.25f32.into_ratio(), Ok(ratio(1, 4)));
        assert_eq!(0.1f32.into_ratio(), Ok(ratio(1, 10)));
        assert_eq!(Binary(f64::NAN).into_ratio(), Err("NaN".to_owned()));
        assert_eq!(f64::INFINITY.into_ratio(), Err("inf".to_owned()));
        assert_eq!(f64::NEG_INFINITY.into_ratio(), Err("-inf".to_owned()));
        assert!(f64::NAN.into_ratio().is_err());
        assert_eq!(1e300f64.into_ratio().unwrap().denom(), &BigInt::one());
    }

    #[test]
    fn prints_like_python_fractions() {
        assert_eq!(ratio(0, 5).to_string(), "0");
        assert_eq!(ratio(5, 5).to_string(), "1");
        assert_eq!(ratio(1, -2).to_string(), "-1/2");
        assert_eq!(ratio(19, 3).to_string(), "19/3");
        assert_eq!(true.into_ratio(), Ok(ratio(1, 1)));
        assert_eq!(num_rational::Rational64::new(2, 4).into_ratio(), Ok(ratio(1, 2)));
    }
}
