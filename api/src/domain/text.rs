//! Validated text fields shared by several resources.

use ensemble_wire::{Code, FieldError};

use super::countries::is_country;
use ensemble_wire::Lang;

pub fn field_error(field: &str, code: Code, message: impl Into<String>) -> FieldError {
    FieldError {
        field: field.to_owned(),
        code: code.as_str().to_owned(),
        message: message.into(),
    }
}

/// Gathers the field errors of a whole request, so that all of them are answered at once.
#[derive(Debug, Default)]
pub struct FieldErrors(Vec<FieldError>);

impl FieldErrors {
    /// The value, or `None` with its error kept.
    pub fn keep<T>(&mut self, result: Result<T, FieldError>) -> Option<T> {
        result.map_err(|e| self.0.push(e)).ok()
    }

    pub fn push(&mut self, error: FieldError) {
        self.0.push(error);
    }

    pub fn extend(&mut self, errors: impl IntoIterator<Item = FieldError>) {
        self.0.extend(errors);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `value` if no error was kept, else every error.
    pub fn finish<T>(self, value: T) -> Result<T, Vec<FieldError>> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(self.0)
        }
    }

    pub fn into_inner(self) -> Vec<FieldError> {
        self.0
    }
}

/// A single line of text, `min..=max` characters as sent, no control characters; stored
/// trimmed, and blank counts as empty. (The limits apply to the text as sent, as the
/// OpenAPI schema states them.)
pub fn single_line(field: &str, value: &str, min: usize, max: usize) -> Result<String, FieldError> {
    if value.chars().any(char::is_control) {
        return Err(field_error(
            field,
            Code::ControlCharacters,
            "must not contain control characters",
        ));
    }
    check_length(field, value, max)?;
    let trimmed = value.trim();
    let count = trimmed.chars().count();
    if count < min {
        let code = if count == 0 {
            Code::Required
        } else {
            Code::TooShort
        };
        return Err(field_error(
            field,
            code,
            format!("must be at least {min} characters"),
        ));
    }
    Ok(trimmed.to_owned())
}

/// Characters that reorder or hide text without showing themselves: bidirectional
/// overrides and isolates (U+202A–U+202E, U+2066–U+2069, marks U+200E, U+200F, U+061C),
/// zero-width spaces and invisible operators (U+200B, U+2060–U+2064, U+FEFF, U+180E), the
/// line and paragraph separators (U+2028, U+2029), the soft hyphen (U+00AD), the combining
/// grapheme joiner (U+034F), Hangul fillers (U+115F, U+1160, U+3164, U+FFA0) and tag
/// characters (U+E0000–U+E007F). In a name they let one organisation or person pass for
/// another. The zero-width non-joiner and joiner (U+200C, U+200D) stay: Persian, Indic
/// scripts and emoji need them.
pub fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{180E}'
            | '\u{200B}'
            | '\u{200E}'
            | '\u{200F}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{3164}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{E0000}'..='\u{E007F}'
    )
}

/// A name people recognise someone by (a person's, an organisation's): a single line with
/// no character that reorders or hides text.
pub fn name_line(field: &str, value: &str, min: usize, max: usize) -> Result<String, FieldError> {
    if value.chars().any(is_invisible_format) {
        return Err(field_error(
            field,
            Code::InvisibleCharacters,
            "must not contain invisible or text-reordering characters",
        ));
    }
    let name = single_line(field, value, min, max)?;
    // Something must show: not only joiners and spaces.
    if !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_whitespace() || matches!(c, '\u{200C}' | '\u{200D}'))
    {
        return Err(field_error(
            field,
            Code::InvisibleCharacters,
            "must have a visible character",
        ));
    }
    Ok(name)
}

/// Free text over several lines: at most `max` characters, no control characters but line
/// breaks and tabs; stored trimmed.
pub fn multi_line(field: &str, value: &str, max: usize) -> Result<String, FieldError> {
    if value
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(field_error(
            field,
            Code::ControlCharacters,
            "must not contain control characters",
        ));
    }
    check_length(field, value, max)?;
    Ok(value.trim().to_owned())
}

fn check_length(field: &str, value: &str, max: usize) -> Result<(), FieldError> {
    if value.chars().count() > max {
        return Err(field_error(
            field,
            Code::TooLong,
            format!("must be at most {max} characters"),
        ));
    }
    Ok(())
}

/// An `http://` or `https://` URL on a DNS name (an organisation's site, an update's link),
/// at most 2048 characters: exactly the pattern the OpenAPI schema gives (`WebLink` in the
/// wire crate), checked by hand. (Pictures are uploads, never addresses.)
pub fn http_url(field: &str, value: &str) -> Result<String, FieldError> {
    web_url(field, value, true)
}

fn web_url(field: &str, value: &str, allow_http: bool) -> Result<String, FieldError> {
    let invalid = || {
        field_error(
            field,
            Code::InvalidUrl,
            "must be a web address on a domain name",
        )
    };
    if value.chars().count() > 2048 {
        return Err(field_error(
            field,
            Code::TooLong,
            "must be at most 2048 characters",
        ));
    }
    let rest = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://").filter(|_| allow_http));
    let Some(rest) = rest else {
        return Err(
            if value.contains("://")
                || value.starts_with("javascript:")
                || value.starts_with("data:")
            {
                field_error(
                    field,
                    Code::InvalidScheme,
                    if allow_http {
                        "must be an http:// or https:// URL"
                    } else {
                        "must be an https:// URL"
                    },
                )
            } else {
                invalid()
            },
        );
    };
    let host_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (host, tail) = rest.split_at(host_end);
    let labels: Vec<&str> = host.split('.').collect();
    let label_ok = |l: &&str| {
        !l.is_empty()
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    let top_ok = labels
        .last()
        .is_some_and(|l| l.starts_with(|c: char| c.is_ascii_alphabetic()));
    let tail_ok = tail
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&'()*+,;=%".contains(&b));
    if labels.len() < 2 || !labels.iter().all(label_ok) || !top_ok || !tail_ok {
        return Err(invalid());
    }
    url::Url::parse(value).map_err(|_| invalid())?;
    Ok(value.to_owned())
}

/// Whether `value` can be a slug (lower-case letters, digits, dashes; 1 to 80). Anything
/// else names nothing, and is answered as such before it reaches a query (PostgreSQL
/// refuses text with a NUL byte with an error, not an empty result).
pub fn is_slug(value: &str) -> bool {
    (1..=80).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// An ISO 3166-1 alpha-2 country code, in capitals as the standard writes them.
pub fn country(field: &str, value: &str) -> Result<String, FieldError> {
    if is_country(value) {
        Ok(value.to_owned())
    } else {
        Err(field_error(
            field,
            Code::UnknownCountry,
            "must be an ISO 3166-1 alpha-2 code such as FR",
        ))
    }
}

/// One of the interface languages.
pub fn locale(field: &str, value: &str) -> Result<Lang, FieldError> {
    Lang::ALL
        .into_iter()
        .find(|l| l.code() == value)
        .ok_or_else(|| {
            field_error(
                field,
                Code::UnsupportedLocale,
                "must be one of en, fr, es, zh",
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_refuse_what_reorders_or_hides_text() {
        for sneaky in [
            "Oxfam\u{202E}lanoitanretnI",
            "Ox\u{200B}fam",
            "\u{2066}Red Cross\u{2069}",
        ] {
            assert_eq!(
                name_line("name", sneaky, 1, 80).unwrap_err().code,
                "invisible_characters",
                "{sneaky:?}"
            );
        }
        assert!(
            name_line("name", "مهرداد\u{200C}ها", 1, 80).is_ok(),
            "ZWNJ is Persian"
        );
        assert!(
            name_line("name", "👩\u{200D}👩\u{200D}👧", 1, 80).is_ok(),
            "ZWJ joins emoji"
        );
        for hidden in ["\u{200D}\u{200C}", "a\u{2028}b", "\u{3164}", "x\u{E0041}"] {
            assert_eq!(
                name_line("name", hidden, 1, 80).unwrap_err().code,
                "invisible_characters",
                "{hidden:?}"
            );
        }
    }

    #[test]
    fn single_line_trims_counts_characters_and_refuses_controls() {
        assert_eq!(single_line("f", "  Zoë  ", 1, 80).unwrap(), "Zoë");
        assert_eq!(
            single_line("f", &format!(" {} ", "a".repeat(79)), 1, 80)
                .unwrap_err()
                .code,
            "too_long"
        );
        assert_eq!(single_line("f", "   ", 1, 80).unwrap_err().code, "required");
        assert_eq!(
            single_line("f", &"é".repeat(81), 1, 80).unwrap_err().code,
            "too_long"
        );
        assert!(single_line("f", &"李".repeat(80), 1, 80).is_ok());
        assert_eq!(
            single_line("f", "a\u{0}b", 1, 80).unwrap_err().code,
            "control_characters"
        );
        assert_eq!(
            single_line("f", "a\nb", 1, 80).unwrap_err().code,
            "control_characters"
        );
    }

    #[test]
    fn urls_are_web_addresses_on_domain_names() {
        let https_url = |field: &str, value: &str| web_url(field, value, false);
        assert!(http_url("f", "http://example.org/a.png").is_ok());
        assert!(https_url("f", "https://example.org/a.png").is_ok());
        assert!(https_url("f", "https://cdn.example.org/a.png?size=200&v=2#x").is_ok());
        assert_eq!(
            https_url("f", "https://example.org/a<b>").unwrap_err().code,
            "invalid_url"
        );
        assert_eq!(
            https_url("f", "https://localhost/a.png").unwrap_err().code,
            "invalid_url"
        );
        assert_eq!(
            https_url("f", "https://1.2.3.4/a.png").unwrap_err().code,
            "invalid_url"
        );
        assert!(
            https_url("f", " https://example.org").is_err(),
            "not trimmed: as the schema says"
        );
        assert_eq!(
            https_url("f", "http://example.org/a.png").unwrap_err().code,
            "invalid_scheme"
        );
        assert_eq!(
            https_url("f", "javascript:alert(1)").unwrap_err().code,
            "invalid_scheme"
        );
        assert_eq!(https_url("f", "not a url").unwrap_err().code, "invalid_url");
    }
}
