//! Exact rationals: the [`Ratio`] every answer is, and [`IntoRatio`], the exact conversion of
//! the numbers user callbacks return (integers, `bool`, rationals, and floats by their binary
//! value).

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
/// are. A float converts from its exact binary value, so `0.1` is
/// `3602879701896397/36028797018963968`, not `1/10`; NaN and the infinities have no exact value
/// and are refused.
///
/// ```
/// use musil::probabilistic::{ratio, IntoRatio};
/// assert_eq!(3u8.into_ratio(), Ok(ratio(3, 1)));
/// assert_eq!(0.5f64.into_ratio(), Ok(ratio(1, 2)));
/// assert_eq!(0.1f64.into_ratio().unwrap().to_string(), "3602879701896397/36028797018963968");
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

impl IntoRatio for f64 {
    fn into_ratio(self) -> Result<Ratio, String> {
        if self == 0.0 {
            return Ok(Ratio::zero()); // -0.0 too
        }
        Ratio::from_float(self).ok_or_else(|| format!("{self}"))
    }
}

impl IntoRatio for f32 {
    fn into_ratio(self) -> Result<Ratio, String> {
        f64::from(self).into_ratio()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_convert_from_their_binary_value() {
        assert_eq!(0.1f64.into_ratio().unwrap().to_string(), "3602879701896397/36028797018963968");
        assert_eq!((-0.0f64).into_ratio(), Ok(Ratio::zero()));
        assert_eq!(0.25f32.into_ratio(), Ok(ratio(1, 4)));
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
