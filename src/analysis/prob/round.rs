//! Directed rounding by one step: the neighbouring floats above and below a value, for bounds
//! that must stay on their side of the exact number (`f64::next_up` is newer than the MSRV).

/// The least float above `x` (`x` itself for NaN and +∞).
pub(crate) fn up(x: f64) -> f64 {
    if x.is_nan() || x == f64::INFINITY {
        return x;
    }
    if x == 0.0 {
        return f64::from_bits(1);
    }
    let bits = x.to_bits();
    f64::from_bits(if x > 0.0 { bits + 1 } else { bits - 1 })
}

/// The greatest float below `x` (`x` itself for NaN and −∞).
pub(crate) fn down(x: f64) -> f64 {
    -up(-x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_to_the_neighbours() {
        assert!(up(1.0) > 1.0 && down(1.0) < 1.0);
        assert_eq!(up(1.0), 1.0 + f64::EPSILON);
        assert!(up(0.0) > 0.0 && down(0.0) < 0.0);
        assert!(up(-1.0) > -1.0 && down(-1.0) < -1.0);
        assert_eq!(up(f64::INFINITY), f64::INFINITY);
        assert_eq!(up(f64::MAX), f64::INFINITY);
    }
}
