//! Account rules: what a valid email, password and display name are.

use ensemble_wire::Code;
use ensemble_wire::FieldError;

use super::text::field_error;

/// An email address as typed, with its case-insensitive key (lower case).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email {
    pub address: String,
    pub key: String,
}

impl Email {
    pub fn parse(value: &str) -> Result<Self, FieldError> {
        let address = value.trim();
        let invalid = || {
            field_error(
                "email",
                Code::InvalidEmail,
                "must be an email address such as ana@example.org",
            )
        };
        if address.is_empty() {
            return Err(field_error(
                "email",
                Code::Required,
                "an email address is required",
            ));
        }
        if address.chars().count() > 254
            || address.chars().any(|c| c.is_whitespace() || c.is_control())
        {
            return Err(invalid());
        }
        let (local, domain) = address.rsplit_once('@').ok_or_else(invalid)?;
        // The domain as DNS writes it: ASCII letters, digits and inner hyphens, in two
        // labels or more (what the OpenAPI pattern says too).
        let label_ok = |label: &str| {
            !label.is_empty()
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        };
        if local.is_empty()
            || local.chars().count() > 64
            || local.contains('@')
            || local.chars().any(|c| ('\u{7f}'..='\u{9f}').contains(&c))
            || domain.split('.').count() < 2
            || !domain.split('.').all(label_ok)
        {
            return Err(invalid());
        }
        Ok(Self {
            address: address.to_owned(),
            key: address.to_lowercase(),
        })
    }
}

/// A password acceptable for a new account (never stored: only its hash is).
#[derive(Clone)]
pub struct NewPassword(String);

pub const PASSWORD_MIN: usize = 10;
pub const PASSWORD_MAX: usize = 1024;

/// The most common passwords of public breach lists that meet the length rule.
const COMMON_PASSWORDS: &[&str] = &[
    "1234567890",
    "12345678910",
    "123456789a",
    "0123456789",
    "1234567891",
    "1q2w3e4r5t",
    "1qaz2wsx3edc",
    "qwertyuiop",
    "password12",
    "password123",
    "password1234",
    "passw0rd123",
    "iloveyou12",
    "qwerty1234",
    "qwerty12345",
    "1111111111",
    "0000000000",
    "abcdefghij",
    "abc1234567",
    "a123456789",
    "aa12345678",
    "zxcvbnm123",
    "asdfghjkl1",
    "asdfghjkl;",
    "qwertyuiop123",
    "football123",
    "baseball123",
    "superman123",
    "princess123",
    "sunshine123",
    "welcome123",
    "letmein123",
    "monkey1234",
    "dragon1234",
    "starwars123",
    "trustno1234",
    "changeme123",
    "administrator",
    "adminadmin",
    "passwordpassword",
    "motdepasse",
    "contraseña",
    "contrasena",
    "1234qwerty",
    "987654321a",
    "9876543210",
    "1122334455",
    "1234512345",
    "qazwsxedc123",
    "q1w2e3r4t5",
    "p@ssw0rd123",
    "p@ssword123",
    "iloveyou123",
    "michael123",
];

impl NewPassword {
    /// The `password` field of a sign-up.
    pub fn parse(value: &str, email: Option<&Email>) -> Result<Self, FieldError> {
        Self::parse_field("password", value, email)
    }

    /// A new password given in `field`; `email` is the account's (a password equal to it is
    /// refused).
    pub fn parse_field(
        field: &str,
        value: &str,
        email: Option<&Email>,
    ) -> Result<Self, FieldError> {
        let count = value.chars().count();
        if count < PASSWORD_MIN {
            return Err(field_error(
                field,
                Code::TooShort,
                format!("must be at least {PASSWORD_MIN} characters"),
            ));
        }
        if count > PASSWORD_MAX {
            return Err(field_error(
                field,
                Code::TooLong,
                format!("must be at most {PASSWORD_MAX} characters"),
            ));
        }
        let lower = value.to_lowercase();
        let repeated = value.chars().all(|c| value.starts_with(c));
        if repeated
            || COMMON_PASSWORDS.contains(&lower.as_str())
            || email.is_some_and(|e| lower == e.key)
        {
            return Err(field_error(
                field,
                Code::TooCommon,
                "is too easy to guess: choose a less common password",
            ));
        }
        Ok(Self(value.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

pub fn display_name(value: &str) -> Result<String, FieldError> {
    super::text::name_line("display_name", value, 1, 80)
}

/// A new account asked for with a password.
#[derive(Clone)]
pub struct Registration {
    pub email: Email,
    pub password: NewPassword,
    pub display_name: String,
    pub locale: ensemble_wire::Lang,
}

impl Registration {
    /// The body parsed, every field's error at once; `locale` when the body names none (the
    /// language the request was made in).
    pub fn parse(
        body: &ensemble_wire::RegisterRequest,
        locale: ensemble_wire::Lang,
    ) -> Result<Self, Vec<FieldError>> {
        let email = Email::parse(&body.email);
        let password = NewPassword::parse(&body.password, email.as_ref().ok());
        let name = display_name(&body.display_name);
        let locale = match &body.locale {
            Some(code) => super::text::locale("locale", code),
            None => Ok(locale),
        };
        match (email, password, name, locale) {
            (Ok(email), Ok(password), Ok(display_name), Ok(locale)) => Ok(Self {
                email,
                password,
                display_name,
                locale,
            }),
            (email, password, name, locale) => {
                Err([email.err(), password.err(), name.err(), locale.err()]
                    .into_iter()
                    .flatten()
                    .collect())
            }
        }
    }
}

/// Changes to one's profile: `None` leaves a field alone; `Some(None)` clears a nullable one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfileChanges {
    pub display_name: Option<String>,
    /// An upload's id; checked against the storage when written.
    pub avatar: Option<Option<String>>,
    pub bio: Option<String>,
    pub locale: Option<String>,
    pub country: Option<Option<String>>,
    pub follows_public: Option<bool>,
}

impl TryFrom<ensemble_wire::UpdateMe> for ProfileChanges {
    type Error = Vec<FieldError>;

    fn try_from(body: ensemble_wire::UpdateMe) -> Result<Self, Vec<FieldError>> {
        use super::text;
        let mut errors = text::FieldErrors::default();
        let changes = Self {
            display_name: body
                .display_name
                .as_deref()
                .and_then(|v| errors.keep(display_name(v))),
            avatar: body
                .avatar
                .map(|v| v.and_then(|id| errors.keep(super::pictures::upload_id("avatar", &id)))),
            bio: body
                .bio
                .as_deref()
                .and_then(|v| errors.keep(text::multi_line("bio", v, 2000))),
            locale: body
                .locale
                .as_deref()
                .and_then(|v| errors.keep(text::locale("locale", v).map(|l| l.code().to_owned()))),
            country: body
                .country
                .map(|v| v.and_then(|c| errors.keep(text::country("country", &c)))),
            follows_public: body.follows_public,
        };
        errors.finish(changes)
    }
}

/// Whether an account suspended `at` (if ever), `until` (none: for good), is suspended `now`.
pub fn suspended(
    at: Option<chrono::NaiveDateTime>,
    until: Option<chrono::NaiveDateTime>,
    now: chrono::NaiveDateTime,
) -> bool {
    at.is_some() && until.is_none_or(|until| now < until)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_suspension_lasts_until_its_end_or_for_good() {
        let day = |d: u32| {
            chrono::NaiveDate::from_ymd_opt(2026, 12, d)
                .unwrap()
                .and_hms_opt(12, 0, 0)
                .unwrap()
        };
        assert!(!suspended(None, None, day(5)));
        assert!(suspended(Some(day(1)), None, day(25)));
        assert!(suspended(Some(day(1)), Some(day(6)), day(5)));
        assert!(!suspended(Some(day(1)), Some(day(6)), day(6)));
    }

    #[test]
    fn emails() {
        let email = Email::parse("  Ana.Lopez@Example.ORG ").unwrap();
        assert_eq!(email.address, "Ana.Lopez@Example.ORG");
        assert_eq!(email.key, "ana.lopez@example.org");
        for bad in [
            "",
            "ana",
            "ana@",
            "@example.org",
            "ana@example",
            "a b@example.org",
            "ana@.org",
            "ana@ex..org",
            "ana@example.org*",
            "ana@-example.org",
            "ana@exämple.org",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn passwords() {
        assert!(NewPassword::parse("correct horse battery", None).is_ok());
        assert_eq!(
            NewPassword::parse("short", None).err().unwrap().code,
            "too_short"
        );
        assert_eq!(
            NewPassword::parse(&"x".repeat(1025), None)
                .err()
                .unwrap()
                .code,
            "too_long"
        );
        assert_eq!(
            NewPassword::parse("Password123", None).err().unwrap().code,
            "too_common"
        );
        assert_eq!(
            NewPassword::parse("aaaaaaaaaaaa", None).err().unwrap().code,
            "too_common"
        );
        let email = Email::parse("someone@example.org").unwrap();
        assert_eq!(
            NewPassword::parse("Someone@Example.org", Some(&email))
                .err()
                .unwrap()
                .code,
            "too_common"
        );
    }
}
