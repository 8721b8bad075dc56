//! `Option<Option<T>>` for PATCH bodies: absent → `None`, `null` → `Some(None)`,
//! a value → `Some(Some(v))`. Use with `#[serde(default, with = "double_option")]`.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub fn deserialize<'de, T, D>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

pub fn serialize<T, S>(value: &Option<Option<T>>, serializer: S) -> Result<S::Ok, S::Error>
where
    T: Serialize,
    S: Serializer,
{
    match value {
        Some(inner) => inner.serialize(serializer),
        None => serializer.serialize_none(),
    }
}
