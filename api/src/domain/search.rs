//! Directory search: what a query asks for, how its words reach each search engine, and
//! the cursors of its sorts.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, NaiveDateTime};
use ensemble_wire::Code;
use ensemble_wire::FieldError;

use super::text::field_error;

/// The order of a list of organisations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    /// Best match first (with `q`); without `q`, the same as `Followers`.
    Relevance,
    Followers,
    Recent,
    Name,
}

impl Sort {
    pub fn parse(value: Option<&str>, has_query: bool) -> Result<Self, FieldError> {
        match value {
            None if has_query => Ok(Sort::Relevance),
            None => Ok(Sort::Recent),
            Some("relevance") => Ok(Sort::Relevance),
            Some("followers") => Ok(Sort::Followers),
            Some("recent") => Ok(Sort::Recent),
            Some("name") => Ok(Sort::Name),
            Some(_) => Err(field_error(
                "sort",
                Code::UnknownSort,
                "sort is one of relevance, followers, recent, name",
            )),
        }
    }
}

/// How the words of `q` are looked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Matching {
    /// Words, stemmed where the engine can: the query's words, lower case.
    Words(Vec<String>),
    /// A substring (text in a script written without spaces, such as Chinese).
    Substring(String),
}

pub const QUERY_MAX: usize = 200;

/// Parses `q`: at most 200 characters, no control characters.
pub fn query(value: &str) -> Result<Option<Matching>, FieldError> {
    if value.chars().count() > QUERY_MAX {
        return Err(field_error(
            "q",
            Code::TooLong,
            format!("at most {QUERY_MAX} characters"),
        ));
    }
    if value.chars().any(char::is_control) {
        return Err(field_error(
            "q",
            Code::ControlCharacters,
            "must not contain control characters",
        ));
    }
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Ok(None);
    }
    if trimmed.chars().any(is_unspaced_script) {
        return Ok(Some(Matching::Substring(trimmed.to_lowercase())));
    }
    let words: Vec<String> = trimmed
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(12)
        .map(str::to_lowercase)
        .collect();
    Ok(Some(Matching::Words(words)))
}

/// Scripts written without spaces between words: Han, kana, Hangul syllables, Thai.
fn is_unspaced_script(c: char) -> bool {
    matches!(c as u32,
        0x0E00..=0x0E7F        // Thai
        | 0x3040..=0x30FF      // Hiragana, Katakana
        | 0x3400..=0x4DBF      // CJK extension A
        | 0x4E00..=0x9FFF      // CJK unified ideographs
        | 0xAC00..=0xD7AF      // Hangul syllables
        | 0xF900..=0xFAFF      // CJK compatibility ideographs
        | 0x20000..=0x3134F) // CJK extensions B to G
}

/// An FTS5 query matching every word (each quoted, so that no word is read as an
/// operator).
pub fn fts5_words(words: &[String]) -> String {
    words
        .iter()
        .map(|w| format!("\"{}\"", w.replace('"', "\"\"")))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The same text as a LIKE pattern matching it anywhere, with `\` as the escape.
pub fn like_anywhere(text: &str) -> String {
    let mut out = String::from("%");
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// The position after which the next page starts, for each sort: the sort key of the
/// last item and its id.
#[derive(Debug, Clone, PartialEq)]
pub enum After {
    Score(f64, i64),
    Followers(i64, i64),
    Recent(NaiveDateTime, i64),
    Name(String, i64),
}

const VERSION: &str = "o1";

impl After {
    pub fn encode(&self) -> String {
        let text = match self {
            After::Score(score, id) => format!("{VERSION}.s.{id}.{score:?}"),
            After::Followers(n, id) => format!("{VERSION}.f.{id}.{n}"),
            After::Recent(at, id) => {
                format!("{VERSION}.t.{id}.{}", at.and_utc().timestamp_micros())
            }
            After::Name(name, id) => format!("{VERSION}.n.{id}.{name}"),
        };
        URL_SAFE_NO_PAD.encode(text)
    }

    /// A cursor this server gave for the same sort.
    pub fn decode(cursor: &str, sort: Sort) -> Result<Self, FieldError> {
        let invalid = || {
            field_error(
                "cursor",
                Code::InvalidCursor,
                "cursor is not one this server returned for this sort; start again without it",
            )
        };
        let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| invalid())?;
        let text = String::from_utf8(bytes).map_err(|_| invalid())?;
        let mut parts = text.splitn(4, '.');
        let (Some(VERSION), Some(kind), Some(id), Some(key)) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(invalid());
        };
        let id: i64 = id.parse().map_err(|_| invalid())?;
        let after = match (kind, sort) {
            ("s", Sort::Relevance) => {
                let score: f64 = key.parse().map_err(|_| invalid())?;
                if !score.is_finite() {
                    return Err(invalid());
                }
                After::Score(score, id)
            }
            ("f", Sort::Followers) => After::Followers(key.parse().map_err(|_| invalid())?, id),
            ("t", Sort::Recent) => {
                let micros: i64 = key.parse().map_err(|_| invalid())?;
                // 0001-01-01 to 9999-12-31: chrono goes further than PostgreSQL.
                if !(-62_135_596_800_000_000..=253_402_300_799_999_999).contains(&micros) {
                    return Err(invalid());
                }
                let at = DateTime::from_timestamp_micros(micros).ok_or_else(invalid)?;
                After::Recent(at.naive_utc(), id)
            }
            ("n", Sort::Name) if key.len() <= 400 && !key.contains('\0') => {
                After::Name(key.to_owned(), id)
            }
            _ => return Err(invalid()),
        };
        Ok(after)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_is_searched_as_a_substring_and_words_are_split() {
        assert_eq!(
            query(" 清洁饮水 ").unwrap(),
            Some(Matching::Substring("清洁饮水".into()))
        );
        assert_eq!(
            query("Eau-Potable  l'Afrique").unwrap(),
            Some(Matching::Words(vec![
                "eau".into(),
                "potable".into(),
                "l".into(),
                "afrique".into()
            ]))
        );
        assert_eq!(query("   ").unwrap(), None);
        assert!(query("a\u{7}").is_err());
        assert!(query(&"x".repeat(201)).is_err());
    }

    #[test]
    fn fts5_and_like_escape_what_they_must() {
        assert_eq!(fts5_words(&["a\"b".into(), "c".into()]), "\"a\"\"b\" \"c\"");
        assert_eq!(like_anywhere("50%_\\"), "%50\\%\\_\\\\%");
    }

    #[test]
    fn cursors_round_trip_and_belong_to_their_sort() {
        for (after, sort) in [
            (After::Score(0.060_792_7, 12), Sort::Relevance),
            (After::Score(-3.25e-7, 1), Sort::Relevance),
            (After::Followers(1_000_000, 3), Sort::Followers),
            (
                After::Recent(
                    DateTime::from_timestamp_micros(1_790_000_000_123_456)
                        .unwrap()
                        .naive_utc(),
                    9,
                ),
                Sort::Recent,
            ),
            (After::Name("lu se xi.wang".into(), 4), Sort::Name),
        ] {
            let cursor = after.encode();
            assert_eq!(After::decode(&cursor, sort).unwrap(), after);
            let other = if sort == Sort::Name {
                Sort::Recent
            } else {
                Sort::Name
            };
            assert!(After::decode(&cursor, other).is_err());
        }
        assert!(After::decode("!!", Sort::Name).is_err());
        assert!(After::decode(&URL_SAFE_NO_PAD.encode("o1.s.1.NaN"), Sort::Relevance).is_err());
    }
}
