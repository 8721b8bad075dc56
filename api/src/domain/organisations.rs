//! Organisation rules: team roles, slugs, and what a valid profile is.

use ensemble_wire::Code;
use ensemble_wire::FieldError;
use ensemble_wire::codes::is_language;

use super::text::{self, FieldErrors, field_error};

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
            Code::UnknownLanguage,
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
            Code::TooMany,
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
            Code::OutOfRange,
            format!("must be between 1800 and {this_year}"),
        ))
    }
}

/// ISO 639-1 codes, at most 20, without repeats.
pub fn languages(values: &[String]) -> Result<Vec<String>, FieldError> {
    if values.len() > 20 {
        return Err(field_error(
            "languages",
            Code::TooMany,
            "at most 20 languages",
        ));
    }
    let mut seen = Vec::new();
    for code in values {
        if !is_language(code) {
            return Err(field_error(
                "languages",
                Code::UnknownLanguage,
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
        return Err(field_error("causes", Code::TooMany, "at most 5 causes"));
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
            Code::InvalidRegistry,
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
            Code::InvalidValue,
            "1 to 40 letters, digits, spaces, dots, slashes or dashes",
        ))
    }
}

/// The fields of a new organisation, or changes to one (`None`: unchanged; `Some(None)`:
/// cleared), validated.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ProfileChanges {
    pub name: Option<String>,
    pub mission: Option<String>,
    pub description: Option<String>,
    pub website: Option<Option<String>>,
    pub country: Option<Option<String>>,
    pub city: Option<Option<String>>,
    pub founded_year: Option<Option<i32>>,
    pub registry: Option<Option<String>>,
    pub registration_number: Option<Option<String>>,
    pub text_language: Option<String>,
}

/// The lists of a profile, replaced when given, and translations to write (`Some`) or
/// remove (`None`).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ProfileLists {
    pub languages: Option<Vec<String>>,
    pub causes: Option<Vec<String>>,
    pub links: Option<Vec<String>>,
    pub translations: Vec<(String, Option<(String, String)>)>,
}

/// The pictures chosen (upload ids): `None` leaves one alone, `Some(None)` removes it.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PictureChoices {
    pub logo: Option<Option<String>>,
    pub cover: Option<Option<String>>,
}

/// A profile as asked for, every field and list validated together (all the errors of a
/// request answered at once).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ProfileEdit {
    pub fields: ProfileChanges,
    pub lists: ProfileLists,
    pub pictures: PictureChoices,
}

fn this_year() -> i32 {
    use chrono::Datelike;
    chrono::Utc::now().year()
}

fn registration(
    errors: &mut FieldErrors,
    value: ensemble_wire::Registration,
) -> Option<(String, String)> {
    let registry = errors.keep(registry(&value.registry));
    let number = errors.keep(registration_number(&value.number));
    registry.zip(number)
}

/// Validated translations: (language, Some((mission, description))) to write, `None` to
/// remove.
fn translations(
    errors: &mut FieldErrors,
    given: impl IntoIterator<Item = (String, Option<ensemble_wire::Translation>)>,
) -> Vec<(String, Option<(String, String)>)> {
    given
        .into_iter()
        .filter_map(|(lang, texts)| match texts {
            None => errors
                .keep(language(&format!("translations.{lang}"), &lang))
                .map(|lang| (lang, None)),
            Some(t) => errors
                .keep(translation(&lang, &t.mission, &t.description))
                .map(|texts| (lang, Some(texts))),
        })
        .collect()
}

impl TryFrom<ensemble_wire::NewOrganisation> for ProfileEdit {
    type Error = Vec<FieldError>;

    /// A new organisation: every field as given (the main language defaults to the first
    /// language it works in, else English).
    fn try_from(body: ensemble_wire::NewOrganisation) -> Result<Self, Vec<FieldError>> {
        let mut errors = FieldErrors::default();
        let (registry, number) = match body.registration.map(|r| registration(&mut errors, r)) {
            Some(Some((registry, number))) => (Some(Some(registry)), Some(Some(number))),
            _ => (None, None),
        };
        let fields = ProfileChanges {
            name: errors.keep(name(&body.name)),
            mission: errors.keep(mission(&body.mission)),
            description: errors.keep(description(&body.description)),
            website: body
                .website
                .map(|url| errors.keep(text::http_url("website", &url))),
            country: body
                .country
                .map(|c| errors.keep(text::country("country", &c))),
            city: body.city.map(|c| errors.keep(city(&c))),
            founded_year: body
                .founded_year
                .map(|y| errors.keep(founded_year(y, this_year()))),
            registry,
            registration_number: number,
            text_language: match &body.language {
                Some(l) => errors.keep(language("language", l)),
                None => Some(
                    body.languages
                        .first()
                        .cloned()
                        .unwrap_or_else(|| "en".into()),
                ),
            },
        };
        let lists = ProfileLists {
            languages: errors.keep(languages(&body.languages)),
            causes: errors.keep(causes(&body.causes)),
            links: errors.keep(links(&body.links)),
            translations: translations(
                &mut errors,
                body.translations.into_iter().map(|(l, t)| (l, Some(t))),
            ),
        };
        let pictures = PictureChoices {
            logo: body
                .logo
                .map(|id| errors.keep(super::pictures::upload_id("logo", &id))),
            cover: body
                .cover
                .map(|id| errors.keep(super::pictures::upload_id("cover", &id))),
        };
        errors.finish(ProfileEdit {
            fields,
            lists,
            pictures,
        })
    }
}

impl TryFrom<ensemble_wire::UpdateOrganisation> for ProfileEdit {
    type Error = Vec<FieldError>;

    /// Changes: absent fields stay, `null` clears a nullable one.
    fn try_from(body: ensemble_wire::UpdateOrganisation) -> Result<Self, Vec<FieldError>> {
        let mut errors = FieldErrors::default();
        let (registry, number) = match body.registration {
            Some(Some(value)) => match registration(&mut errors, value) {
                Some((registry, number)) => (Some(Some(registry)), Some(Some(number))),
                None => (None, None),
            },
            Some(None) => (Some(None), Some(None)),
            None => (None, None),
        };
        let fields = ProfileChanges {
            name: body.name.and_then(|v| errors.keep(name(&v))),
            mission: body.mission.and_then(|v| errors.keep(mission(&v))),
            description: body.description.and_then(|v| errors.keep(description(&v))),
            website: body
                .website
                .map(|v| v.and_then(|url| errors.keep(text::http_url("website", &url)))),
            country: body
                .country
                .map(|v| v.and_then(|c| errors.keep(text::country("country", &c)))),
            city: body.city.map(|v| v.and_then(|c| errors.keep(city(&c)))),
            founded_year: body
                .founded_year
                .map(|v| v.and_then(|y| errors.keep(founded_year(y, this_year())))),
            registry,
            registration_number: number,
            text_language: body
                .language
                .and_then(|l| errors.keep(language("language", &l))),
        };
        let lists = ProfileLists {
            languages: body.languages.and_then(|l| errors.keep(languages(&l))),
            causes: body.causes.and_then(|c| errors.keep(causes(&c))),
            links: body.links.and_then(|l| errors.keep(links(&l))),
            translations: translations(&mut errors, body.translations.unwrap_or_default()),
        };
        let pictures = PictureChoices {
            logo: body
                .logo
                .map(|v| v.and_then(|id| errors.keep(super::pictures::upload_id("logo", &id)))),
            cover: body
                .cover
                .map(|v| v.and_then(|id| errors.keep(super::pictures::upload_id("cover", &id)))),
        };
        errors.finish(ProfileEdit {
            fields,
            lists,
            pictures,
        })
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

/// Who an invitation is for: a person with an account, or an address (whoever signs up or
/// signs in from the link sent there).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Invited {
    User(i64),
    Address(crate::domain::users::Email),
}

/// Someone invited to a team, and the role offered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitee {
    pub who: Invited,
    pub role: Role,
}

impl TryFrom<ensemble_wire::NewMember> for Invitee {
    type Error = Vec<FieldError>;

    /// Exactly one of `user_id` and `email`.
    fn try_from(body: ensemble_wire::NewMember) -> Result<Self, Self::Error> {
        let who = match (body.user_id, body.email) {
            (Some(user_id), None) => Invited::User(user_id.parse().map_err(|_| {
                vec![field_error(
                    "user_id",
                    Code::UnknownUser,
                    "no user has this id",
                )]
            })?),
            (None, Some(email)) => Invited::Address(
                crate::domain::users::Email::parse(&email).map_err(|error| vec![error])?,
            ),
            (Some(_), Some(_)) => {
                return Err(vec![field_error(
                    "email",
                    Code::InvalidValue,
                    "give a user_id or an email, not both",
                )]);
            }
            (None, None) => {
                return Err(vec![field_error(
                    "user_id",
                    Code::Required,
                    "a user_id or an email is required",
                )]);
            }
        };
        Ok(Invitee {
            who,
            role: body.role.into(),
        })
    }
}
