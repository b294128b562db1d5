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

    /// Divides by `10^n` exactly (percent → ratio is `shift(2)`).
    pub fn shift(self, n: u32) -> Decimal {
        Decimal {
            mantissa: self.mantissa,
            scale: self.scale + n,
        }
        .normalized()
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let neg = self.mantissa < 0;
        let digits = self.mantissa.unsigned_abs().to_string();
        let scale = self.scale as usize;
        let (int, frac) = if digits.len() > scale {
            let (i, fr) = digits.split_at(digits.len() - scale);
            (i.to_string(), fr.to_string())
        } else {
            (
                "0".to_string(),
                format!("{}{digits}", "0".repeat(scale - digits.len())),
            )
        };
        if neg {
            f.write_str("-")?;
        }
        f.write_str(&int)?;
        if !frac.is_empty() {
            write!(f, ".{frac}")?;
        }
        Ok(())
    }
}

/// Formats a spec number as written (`1`, `2.5`, `0.05`).
pub fn fmt_f64(v: f64) -> String {
    Decimal::from_f64(v).map_or_else(|| v.to_string(), |d| d.to_string())
}

/// The error budget of an objective in percent: `100 - objective`, exactly.
pub fn error_budget_percent(objective: f64) -> Option<Decimal> {
    Decimal::from_int(100).checked_sub(Decimal::from_f64(objective)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact() {
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
