//! Organisation rules: team roles, slugs, and what a valid profile is.

use ensemble_wire::FieldError;
use ensemble_wire::codes::is_language;

use super::text::{self, field_error};

crate::text_enum! {
    /// A role in an organisation's team, ordered: editor < admin < owner. Editors publish
    /// updates; admins also edit the profile and manage editors; owners also manage admins
    /// and owners. An organisation always keeps an owner.
    #[derive(PartialOrd, Ord)]
    pub enum Role {
        Editor = "editor",
        Admin = "admin",
        Owner = "owner",
    }
}

crate::text_enum! {
    /// Where an invitation to a team stands: waiting for the invitee, then answered
    /// (accepted or declined), withdrawn by the team, or lapsed.
    pub enum InvitationStatus {
        Pending = "pending",
        Accepted = "accepted",
        Declined = "declined",
        Revoked = "revoked",
        Expired = "expired",
    }
}

impl Role {
    /// Whether someone with this role may give, change or take away `target`.
    pub fn may_manage(self, target: Role) -> bool {
        match self {
            Role::Owner => true,
            Role::Admin => target == Role::Editor,
            Role::Editor => false,
        }
    }
}

pub const SLUG_MAX: usize = 60;

/// Languages an organisation's mission and description can be translated into, at most.
pub const MAX_TRANSLATIONS: i64 = 20;

/// A URL-safe slug from a name in any script: transliterated to ASCII (`Rivières Vivantes`
/// → `rivieres-vivantes`, `绿色希望` → `lu-se-xi-wang`), lower case, words joined by `-`.
pub fn slugify(name: &str) -> String {
    let ascii = deunicode::deunicode(name).to_ascii_lowercase();
    let mut slug = String::new();
    for word in ascii
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if slug.len() + word.len() + 1 > SLUG_MAX {
            break;
        }
        if !slug.is_empty() {
            slug.push('-');
        }
        slug.push_str(word);
    }
    if slug.is_empty() {
        "organisation".to_owned()
    } else {
        slug
    }
}

pub fn name(value: &str) -> Result<String, FieldError> {
    text::name_line("name", value, 1, 120)
}

pub fn mission(value: &str) -> Result<String, FieldError> {
    text::single_line("mission", value, 1, 300)
}

pub fn description(value: &str) -> Result<String, FieldError> {
    text::multi_line("description", value, 20_000)
}

/// An ISO 639-1 code, for the language of texts.
pub fn language(field: &str, code: &str) -> Result<String, FieldError> {
    if is_language(code) {
        Ok(code.to_owned())
    } else {
        Err(field_error(
            field,
            "unknown_language",
            format!("{code} is not an ISO 639-1 code such as fr"),
        ))
    }
}

/// A translation's mission and description, with errors named after their place in the
/// body (`translations.fr.mission`).
pub fn translation(
    lang: &str,
    mission: &str,
    description: &str,
) -> Result<(String, String), FieldError> {
    let at = |mut e: FieldError| {
        e.field = format!("translations.{lang}.{}", e.field);
        e
    };
    language(&format!("translations.{lang}"), lang)?;
    Ok((
        self::mission(mission).map_err(at)?,
        self::description(description).map_err(at)?,
    ))
}

pub const MAX_LINKS: usize = 5;

/// Social and other links: `http(s)://`, at most [`MAX_LINKS`], without repeats.
pub fn links(values: &[String]) -> Result<Vec<String>, FieldError> {
    if values.len() > MAX_LINKS {
        return Err(field_error(
            "links",
            "too_many",
            format!("at most {MAX_LINKS} links"),
        ));
    }
    let mut seen: Vec<String> = Vec::new();
    for (i, url) in values.iter().enumerate() {
        let url = text::http_url(&format!("links[{i}]"), url)?;
        if !seen.contains(&url) {
            seen.push(url);
        }
    }
    Ok(seen)
}

/// The key the directory sorts names by: transliterated, lower case, so that `Éclat`
/// sorts with `eclat` and `绿色希望` with `lu se xi wang`, the same on both databases.
pub fn sort_name(name: &str) -> String {
    deunicode::deunicode(name).to_lowercase().trim().to_owned()
}

/// Everything besides the name that a search looks in: city, then every mission and
/// description.
pub fn search_text<'a>(
    city: Option<&str>,
    texts: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> String {
    let mut out = String::from(city.unwrap_or_default());
    for (mission, description) in texts {
        for part in [mission, description] {
            if !part.is_empty() {
                out.push('\n');
                out.push_str(part);
            }
        }
    }
    out
}

pub fn city(value: &str) -> Result<String, FieldError> {
    text::single_line("city", value, 1, 100)
}

pub fn founded_year(value: i32, this_year: i32) -> Result<i32, FieldError> {
    if (1800..=this_year).contains(&value) {
        Ok(value)
    } else {
        Err(field_error(
            "founded_year",
            "out_of_range",
            format!("must be between 1800 and {this_year}"),
        ))
    }
}

/// ISO 639-1 codes, at most 20, without repeats.
pub fn languages(values: &[String]) -> Result<Vec<String>, FieldError> {
    if values.len() > 20 {
        return Err(field_error("languages", "too_many", "at most 20 languages"));
    }
    let mut seen = Vec::new();
    for code in values {
        if !is_language(code) {
            return Err(field_error(
                "languages",
                "unknown_language",
                format!("{code} is not an ISO 639-1 code such as fr"),
            ));
        }
        if !seen.contains(code) {
            seen.push(code.clone());
        }
    }
    Ok(seen)
}

/// Cause slugs, at most 5, without repeats (their existence is checked against the
/// taxonomy by the caller).
pub fn causes(values: &[String]) -> Result<Vec<String>, FieldError> {
    if values.len() > 5 {
        return Err(field_error("causes", "too_many", "at most 5 causes"));
    }
    let mut seen: Vec<String> = Vec::new();
    for slug in values {
        if !seen.contains(slug) {
            seen.push(slug.clone());
        }
    }
    Ok(seen)
}

/// A registry such as `FR-RNA`, `US-EIN`, `GB-CHC`: a country code, a dash, 2 to 10
/// capitals or digits.
pub fn registry(value: &str) -> Result<String, FieldError> {
    let ok = value.len() <= 13
        && value.split_once('-').is_some_and(|(country, list)| {
            country.len() == 2
                && country.bytes().all(|b| b.is_ascii_uppercase())
                && (2..=10).contains(&list.len())
                && list
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        });
    if ok {
        Ok(value.to_owned())
    } else {
        Err(field_error(
            "registration.registry",
            "invalid_registry",
            "must look like FR-RNA or US-EIN",
        ))
    }
}

/// A registration number: 1 to 40 letters, digits, spaces, dots, slashes or dashes.
pub fn registration_number(value: &str) -> Result<String, FieldError> {
    let ok = (1..=40).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b" ./-".contains(&b))
        && value.bytes().any(|b| b.is_ascii_alphanumeric());
    if ok {
        Ok(value.trim().to_owned())
    } else {
        Err(field_error(
            "registration.number",
            "invalid_value",
            "1 to 40 letters, digits, spaces, dots, slashes or dashes",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_ordered_and_managed_from_above() {
        assert!(Role::Owner > Role::Admin && Role::Admin > Role::Editor);
        assert!(Role::Owner.may_manage(Role::Owner));
        assert!(Role::Admin.may_manage(Role::Editor));
        assert!(!Role::Admin.may_manage(Role::Admin) && !Role::Admin.may_manage(Role::Owner));
        assert!(!Role::Editor.may_manage(Role::Editor));
    }

    #[test]
    fn slugs_transliterate_any_script() {
        assert_eq!(slugify("Rivières Vivantes"), "rivieres-vivantes");
        assert_eq!(slugify("  Mesa Abierta — Madrid! "), "mesa-abierta-madrid");
        assert_eq!(slugify("绿色希望"), "lu-se-xi-wang");
        assert_eq!(slugify("!!!"), "organisation");
        assert!(slugify(&"word ".repeat(40)).len() <= SLUG_MAX);
    }

    #[test]
    fn registries_and_numbers() {
        assert!(
            registry("FR-RNA").is_ok() && registry("US-EIN").is_ok() && registry("GB-CHC").is_ok()
        );
        assert!(
            registry("fr-rna").is_err() && registry("FRRNA").is_err() && registry("FR-").is_err()
        );
        assert_eq!(registration_number(" W751234567").unwrap(), "W751234567");
        assert!(registration_number("12-3456789").is_ok());
        assert!(registration_number("<script>").is_err() && registration_number("").is_err());
    }
}
