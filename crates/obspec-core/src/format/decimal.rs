//! Exact decimal arithmetic for numbers written in specs, so that generated
//! artifacts print `0.001`, never `0.0009999999999999432`.

use std::fmt;

/// A decimal number `mantissa × 10^-scale`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decimal {
    mantissa: i128,
    scale: u32,
}

impl Decimal {
    /// The decimal a spec author wrote: Rust prints the shortest representation
    /// that round-trips, which for any number written with up to 17 significant
    /// digits is the number as written.
    pub fn from_f64(v: f64) -> Option<Decimal> {
        if !v.is_finite() {
            return None;
        }
        let s = format!("{v}");
        Decimal::parse(&s)
    }

    /// Parses `-12.345` (no exponent; Rust's `{}` of an f64 never prints one).
    pub fn parse(s: &str) -> Option<Decimal> {
        let (neg, digits) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
        if int.is_empty() && frac.is_empty() {
            return None;
        }
        if !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) || frac.len() > 30 {
            return None;
        }
        let mut m: i128 = 0;
        for b in int.bytes().chain(frac.bytes()) {
            m = m.checked_mul(10)?.checked_add(i128::from(b - b'0'))?;
        }
        Some(
            Decimal {
                mantissa: if neg { -m } else { m },
                scale: frac.len() as u32,
            }
            .normalized(),
        )
    }

    pub fn from_int(v: i64) -> Decimal {
        Decimal {
            mantissa: i128::from(v),
            scale: 0,
        }
    }

    fn normalized(mut self) -> Decimal {
        while self.scale > 0 && self.mantissa % 10 == 0 {
            self.mantissa /= 10;
            self.scale -= 1;
        }
        self
    }

    fn rescale(self, scale: u32) -> Option<i128> {
        self.mantissa
            .checked_mul(10i128.checked_pow(scale - self.scale)?)
    }

    pub fn checked_sub(self, other: Decimal) -> Option<Decimal> {
        let scale = self.scale.max(other.scale);
        Some(
            Decimal {
                mantissa: self.rescale(scale)?.checked_sub(other.rescale(scale)?)?,
                scale,
            }
            .normalized(),
        )
    }

    pub fn checked_mul(self, other: Decimal) -> Option<Decimal> {
        Some(
            Decimal {
                mantissa: self.mantissa.checked_mul(other.mantissa)?,
                scale: self.scale.checked_add(other.scale)?,
            }
            .normalized(),
        )
    }

    /// `self × num / den`, rounded half up to `digits` decimals (`None` on
    /// overflow or a zero denominator).
    pub fn mul_ratio(self, num: u64, den: u64, digits: u32) -> Option<Decimal> {
        if den == 0 {
            return None;
        }
        let up = 10i128.checked_pow(digits)?;
        let n = self
            .mantissa
            .checked_mul(i128::from(num))?
            .checked_mul(up)?;
        let d = i128::from(den).checked_mul(10i128.checked_pow(self.scale)?)?;
        let q = (n.checked_mul(2)? + d).div_euclid(d.checked_mul(2)?);
        Some(
            Decimal {
                mantissa: q,
                scale: digits,
            }
            .normalized(),
        )
    }

    /// The nearest float.
    pub fn to_f64(self) -> f64 {
        self.to_string().parse().unwrap_or(f64::NAN)
    }

    /// Divides by `10^n` exactly (percent → ratio is `shift(2)`).
    pub fn shift(self, n: u32) -> Decimal {
        Decimal {
            mantissa: self.mantissa,
            scale: self.scale + n,
        }
        .normalized()
    }
}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Decimal {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        let scale = self.scale.max(other.scale);
        match (self.rescale(scale), other.rescale(scale)) {
            (Some(a), Some(b)) => a.cmp(&b),
            // Too large to rescale exactly: compare as floats.
            _ => self.to_f64().total_cmp(&other.to_f64()),
        }
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The digits of the mantissa, without an allocation per number.
        let mut buf = itoa::Buffer::new();
        let digits = buf.format(self.mantissa.unsigned_abs());
        let scale = self.scale as usize;
        if self.mantissa < 0 {
            f.write_str("-")?;
        }
        if digits.len() > scale {
            let (int, frac) = digits.split_at(digits.len() - scale);
            f.write_str(int)?;
            if !frac.is_empty() {
                f.write_str(".")?;
                f.write_str(frac)?;
            }
        } else {
            f.write_str("0.")?;
            for _ in digits.len()..scale {
                f.write_str("0")?;
            }
            f.write_str(digits)?;
        }
        Ok(())
    }
}

/// Formats a spec number as written (`1`, `2.5`, `0.05`).
pub fn fmt_f64(v: f64) -> String {
    Decimal::from_f64(v).map_or_else(|| v.to_string(), |d| d.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact() {
        let error_budget_percent =
            |o: f64| Decimal::from_int(100).checked_sub(Decimal::from_f64(o)?);
        assert_eq!(error_budget_percent(99.9).unwrap().to_string(), "0.1");
        assert_eq!(
            error_budget_percent(99.95).unwrap().shift(2).to_string(),
            "0.0005"
        );
        assert_eq!(error_budget_percent(99.0).unwrap().to_string(), "1");
        let burn = Decimal::parse("14.4").unwrap();
        let budget = error_budget_percent(99.9).unwrap().shift(2);
        assert_eq!(burn.checked_mul(budget).unwrap().to_string(), "0.0144");
        assert_eq!(fmt_f64(1.0), "1");
        assert_eq!(fmt_f64(0.05), "0.05");
        assert_eq!(fmt_f64(-2.5), "-2.5");
        assert_eq!(Decimal::parse("0.000").unwrap().to_string(), "0");
    }
}
