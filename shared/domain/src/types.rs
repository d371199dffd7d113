//! Small value types shared by every part of the domain: trades, priorities, money, job codes.
//! The types themselves belong to the language engine, which reads them out of people's words;
//! they are re-exported here so that the domain's callers name them as before.

pub use mendwork_language::types::{EmergencyKind, JobCode, Language, Money, Priority, Trade};

/// Serde for [`Money`] written in whole or decimal dollars, as a PM writes it in YAML or JSON:
/// `500`, `1250.50`, `"$1,250.50"`. Serialises as a number of dollars.
pub mod dollars {
    use super::Money;
    use serde::{Deserialize, Deserializer, Serializer, de};

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Int(u64),
        Float(f64),
        Text(String),
    }

    /// Parses `"$1,250.50"`, `"1250.5"`, `"1250"` into cents; `None` for anything else.
    pub fn parse(s: &str) -> Option<Money> {
        let s = s.trim().trim_start_matches('$').replace(',', "");
        let (whole, frac) = match s.split_once('.') {
            Some((w, f)) => (w, f),
            None => (s.as_str(), ""),
        };
        if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) || frac.len() > 2 {
            return None;
        }
        if !frac.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let w: u64 = whole.parse().ok()?;
        let f: u64 = if frac.is_empty() {
            0
        } else {
            format!("{frac:0<2}").parse().ok()?
        };
        w.checked_mul(100)?.checked_add(f).map(Money)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Money, D::Error> {
        match Raw::deserialize(d)? {
            Raw::Int(n) => n
                .checked_mul(100)
                .map(Money)
                .ok_or_else(|| de::Error::custom("amount too large")),
            Raw::Float(f) if f.is_finite() && (0.0..1e12).contains(&f) => {
                Ok(Money((f * 100.0).round() as u64))
            }
            Raw::Float(f) => Err(de::Error::custom(format!(
                "{f} is not an amount of dollars"
            ))),
            Raw::Text(s) => parse(&s).ok_or_else(|| {
                de::Error::custom(format!(
                    "{s:?} is not an amount of dollars, e.g. 500 or 1250.50"
                ))
            }),
        }
    }

    pub fn serialize<S: Serializer>(m: &Money, s: S) -> Result<S::Ok, S::Error> {
        if m.0.is_multiple_of(100) {
            s.serialize_u64(m.0 / 100)
        } else {
            s.serialize_f64(m.0 as f64 / 100.0)
        }
    }
}
