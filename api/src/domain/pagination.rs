//! Keyset pagination: the page size and the opaque cursor.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, NaiveDateTime};
use ensemble_wire::{Code, FieldError};

use super::text::field_error;

pub const DEFAULT_LIMIT: u32 = 20;
pub const MAX_LIMIT: u32 = 100;

/// A page size between 1 and [`MAX_LIMIT`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit(u32);

impl Default for Limit {
    fn default() -> Self {
        Self(DEFAULT_LIMIT)
    }
}

impl Limit {
    pub fn parse(value: Option<u32>) -> Result<Self, FieldError> {
        match value {
            None => Ok(Self(DEFAULT_LIMIT)),
            Some(n) if (1..=MAX_LIMIT).contains(&n) => Ok(Self(n)),
            Some(_) => Err(field_error(
                "limit",
                Code::OutOfRange,
                format!("limit must be between 1 and {MAX_LIMIT}"),
            )),
        }
    }

    pub fn get(self) -> i64 {
        i64::from(self.0)
    }
}

/// The position after which the next page starts: the (created_at, id) of the last item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeysetAfter {
    pub created_at: NaiveDateTime,
    pub id: i64,
}

const CURSOR_VERSION: &str = "1";

impl KeysetAfter {
    /// Opaque to clients: versioned, base64url. Times travel as microseconds, the precision
    /// both backends store.
    pub fn encode(&self) -> String {
        let micros = self.created_at.and_utc().timestamp_micros();
        URL_SAFE_NO_PAD.encode(format!("{CURSOR_VERSION}.{micros}.{}", self.id))
    }

    pub fn decode(cursor: &str) -> Result<Self, FieldError> {
        let invalid = || {
            field_error(
                "cursor",
                Code::InvalidCursor,
                "cursor is not one this server returned; start again without it",
            )
        };
        let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| invalid())?;
        let text = String::from_utf8(bytes).map_err(|_| invalid())?;
        let mut parts = text.split('.');
        let (Some(CURSOR_VERSION), Some(micros), Some(id), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(invalid());
        };
        let micros: i64 = micros.parse().map_err(|_| invalid())?;
        // 0001-01-01 to 9999-12-31: chrono goes further than PostgreSQL's timestamp.
        if !(-62_135_596_800_000_000..=253_402_300_799_999_999).contains(&micros) {
            return Err(invalid());
        }
        let id: i64 = id.parse().map_err(|_| invalid())?;
        let created_at = DateTime::from_timestamp_micros(micros)
            .ok_or_else(invalid)?
            .naive_utc();
        Ok(Self { created_at, id })
    }

    pub fn decode_opt(cursor: Option<&str>) -> Result<Option<Self>, FieldError> {
        cursor.map(Self::decode).transpose()
    }
}

/// Like [`KeysetAfter`], for rows whose id is random text (private resources): a cursor
/// on (created_at, id) all the same, from the same opaque encoding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextKeysetAfter {
    pub created_at: NaiveDateTime,
    pub id: String,
}

impl TextKeysetAfter {
    pub fn encode(&self) -> String {
        let micros = self.created_at.and_utc().timestamp_micros();
        URL_SAFE_NO_PAD.encode(format!("{CURSOR_VERSION}.{micros}.t{}", self.id))
    }

    pub fn decode(cursor: &str) -> Result<Self, FieldError> {
        let invalid = || {
            field_error(
                "cursor",
                Code::InvalidCursor,
                "cursor is not one this server returned; start again without it",
            )
        };
        let text = URL_SAFE_NO_PAD
            .decode(cursor)
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .ok_or_else(invalid)?;
        let mut parts = text.splitn(3, '.');
        let (Some(CURSOR_VERSION), Some(micros), Some(id)) =
            (parts.next(), parts.next(), parts.next())
        else {
            return Err(invalid());
        };
        let id = id
            .strip_prefix('t')
            .filter(|id| {
                !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric())
            })
            .ok_or_else(invalid)?;
        // The time is checked as a numeric cursor's is.
        let numeric = URL_SAFE_NO_PAD.encode(format!("{CURSOR_VERSION}.{micros}.0"));
        let created_at = KeysetAfter::decode(&numeric)?.created_at;
        Ok(Self {
            created_at,
            id: id.to_owned(),
        })
    }
}

/// A position a page can continue after.
pub trait Cursor {
    fn encode(&self) -> String;
}

impl Cursor for KeysetAfter {
    fn encode(&self) -> String {
        KeysetAfter::encode(self)
    }
}

impl Cursor for TextKeysetAfter {
    fn encode(&self) -> String {
        TextKeysetAfter::encode(self)
    }
}

/// Splits a `limit + 1` result into the page and the cursor to the next one.
pub fn split_page<T, C: Cursor>(
    mut rows: Vec<T>,
    limit: Limit,
    key: impl Fn(&T) -> C,
) -> (Vec<T>, Option<String>) {
    let limit = usize::try_from(limit.get()).unwrap_or(usize::MAX);
    if rows.len() > limit {
        rows.truncate(limit);
        let next = rows.last().map(|last| key(last).encode());
        (rows, next)
    } else {
        (rows, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_cursors_round_trip_and_refuse_what_they_did_not_make() {
        let after = TextKeysetAfter {
            created_at: DateTime::from_timestamp_micros(1_790_000_000_123_456)
                .unwrap()
                .naive_utc(),
            id: "0f3a9c".into(),
        };
        assert_eq!(TextKeysetAfter::decode(&after.encode()).unwrap(), after);
        let numeric = KeysetAfter {
            created_at: after.created_at,
            id: 7,
        };
        assert!(TextKeysetAfter::decode(&numeric.encode()).is_err());
        assert!(KeysetAfter::decode(&after.encode()).is_err());
        let sneaky = URL_SAFE_NO_PAD.encode("1.0.t' OR 1=1");
        assert!(TextKeysetAfter::decode(&sneaky).is_err());
    }

    #[test]
    fn cursor_round_trips() {
        let after = KeysetAfter {
            created_at: DateTime::from_timestamp_micros(1_790_000_000_123_456)
                .unwrap()
                .naive_utc(),
            id: 42,
        };
        assert_eq!(KeysetAfter::decode(&after.encode()).unwrap(), after);
    }

    #[test]
    fn garbage_cursors_are_refused() {
        let too_old = URL_SAFE_NO_PAD.encode("1.-1000000000000000000.1");
        for bad in [
            "",
            "x",
            "!!!",
            "MS4xMjM",
            "Mi4xLjE",
            "MS5hLjE",
            too_old.as_str(),
        ] {
            assert_eq!(
                KeysetAfter::decode(bad).unwrap_err().code,
                "invalid_cursor",
                "{bad}"
            );
        }
    }

    #[test]
    fn limit_bounds() {
        assert_eq!(Limit::parse(None).unwrap().get(), 20);
        assert_eq!(Limit::parse(Some(100)).unwrap().get(), 100);
        assert!(Limit::parse(Some(0)).is_err());
        assert!(Limit::parse(Some(101)).is_err());
    }

    #[test]
    fn split_page_sets_cursor_only_when_more() {
        let key = |n: &i64| KeysetAfter {
            created_at: DateTime::from_timestamp_micros(0).unwrap().naive_utc(),
            id: *n,
        };
        let limit = Limit::parse(Some(2)).unwrap();
        let (items, next) = split_page(vec![3, 2, 1], limit, key);
        assert_eq!(items, vec![3, 2]);
        assert_eq!(KeysetAfter::decode(&next.unwrap()).unwrap().id, 2);
        let (items, next) = split_page(vec![3, 2], limit, key);
        assert_eq!(items, vec![3, 2]);
        assert!(next.is_none());
    }
}
