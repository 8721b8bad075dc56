//! Whole numbers as JSON Schema defines them: `1996` and `1996.0` are the same integer.
//! serde refuses a float for an `i32`; these deserializers accept any number without a
//! fractional part that fits. Use `#[serde(default, deserialize_with = "…")]`.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, Visitor};

struct WholeI32(i32);

struct WholeI32Visitor;

impl Visitor<'_> for WholeI32Visitor {
    type Value = WholeI32;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a whole number")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<WholeI32, E> {
        i32::try_from(v)
            .map(WholeI32)
            .map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &self))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<WholeI32, E> {
        i32::try_from(v)
            .map(WholeI32)
            .map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<WholeI32, E> {
        let fits = v.fract() == 0.0 && v >= f64::from(i32::MIN) && v <= f64::from(i32::MAX);
        if fits {
            // Whole and within range: the conversion is exact.
            Ok(WholeI32(v as i32))
        } else {
            Err(E::invalid_value(de::Unexpected::Float(v), &self))
        }
    }
}

impl<'de> Deserialize<'de> for WholeI32 {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(WholeI32Visitor)
    }
}

/// For `Option<i32>`: absent or `null` → `None`.
pub fn option<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i32>, D::Error> {
    Ok(Option::<WholeI32>::deserialize(deserializer)?.map(|w| w.0))
}

/// For `Option<Option<i32>>` in PATCH bodies: `null` → `Some(None)` (absent is the
/// field's `default`, `None`).
pub fn double_option<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Option<i32>>, D::Error> {
    Ok(Some(
        Option::<WholeI32>::deserialize(deserializer)?.map(|w| w.0),
    ))
}

struct WholeI64Visitor;

impl Visitor<'_> for WholeI64Visitor {
    type Value = i64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a whole number")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<i64, E> {
        Ok(v)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<i64, E> {
        i64::try_from(v).map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<i64, E> {
        // 2^53: beyond it a float no longer holds every whole number exactly.
        if v.fract() == 0.0 && v.abs() <= 9_007_199_254_740_992.0 {
            Ok(v as i64)
        } else {
            Err(E::invalid_value(de::Unexpected::Float(v), &self))
        }
    }
}

/// For a required `i64`.
pub fn i64<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
    deserializer.deserialize_any(WholeI64Visitor)
}
