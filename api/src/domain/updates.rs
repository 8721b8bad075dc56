//! What a valid update, comment or report is.

use ensemble_wire::Code;
use ensemble_wire::FieldError;

use super::pictures::{self, PhotoChoice};
use super::text::{self, FieldErrors, field_error};

pub fn title(value: &str) -> Result<String, FieldError> {
    text::single_line("title", value, 1, 200)
}

/// Text over several lines that must say something.
fn required_text(field: &str, value: &str, max: usize) -> Result<String, FieldError> {
    let text = text::multi_line(field, value, max)?;
    if text.is_empty() {
        return Err(field_error(field, Code::Required, "must not be empty"));
    }
    Ok(text)
}

/// Markdown, 1 to 20,000 characters.
pub fn body(value: &str) -> Result<String, FieldError> {
    required_text("body", value, 20_000)
}

pub fn link_url(value: &str) -> Result<String, FieldError> {
    text::http_url("link_url", value)
}

/// A comment: plain text, 1 to 2,000 characters.
/// A comment, or a reply to one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewComment {
    pub body: String,
    /// The comment replied to (a top-level comment of the same update, which the storage
    /// checks).
    pub parent_id: Option<i64>,
}

impl TryFrom<ensemble_wire::NewComment> for NewComment {
    type Error = Vec<FieldError>;

    fn try_from(wire: ensemble_wire::NewComment) -> Result<Self, Self::Error> {
        let mut errors = text::FieldErrors::default();
        let body = errors.keep(required_text("body", &wire.body, 2_000));
        let parent_id =
            wire.parent_id.as_deref().and_then(|p| {
                errors.keep(p.parse::<i64>().map_err(|_| {
                    field_error("parent_id", Code::InvalidParent, "not a comment's id")
                }))
            });
        errors.finish(NewComment {
            body: body.unwrap_or_default(),
            parent_id,
        })
    }
}

crate::text_enum! {
    /// Why someone reports something.
    pub enum ReportReason {
        Spam = "spam",
        Scam = "scam",
        Harassment = "harassment",
        Hate = "hate",
        SelfHarm = "self_harm",
        Illegal = "illegal",
        Other = "other",
    }
}

impl ReportReason {
    /// How urgent: the queue shows the most urgent first.
    pub fn severity(self) -> u8 {
        match self {
            ReportReason::Illegal => 7,
            ReportReason::SelfHarm => 6,
            ReportReason::Scam => 5,
            ReportReason::Hate => 4,
            ReportReason::Harassment => 3,
            ReportReason::Spam => 2,
            ReportReason::Other => 1,
        }
    }
}

/// A report: why, and what the reporter adds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub reason: ReportReason,
    pub note: String,
}

impl TryFrom<ensemble_wire::NewReport> for Report {
    type Error = Vec<FieldError>;

    fn try_from(body: ensemble_wire::NewReport) -> Result<Self, Self::Error> {
        Ok(Report {
            reason: body.reason.into(),
            note: text::multi_line("note", &body.note, 1_000).map_err(|e| vec![e])?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_must_say_something() {
        assert_eq!(body(" \n ").unwrap_err().code, "required");
        assert_eq!(body("Hello\n\nworld").unwrap(), "Hello\n\nworld");
        let comment = |body: &str, parent: Option<&str>| {
            NewComment::try_from(ensemble_wire::NewComment {
                body: body.to_owned(),
                parent_id: parent.map(str::to_owned),
            })
        };
        let codes =
            |errors: Vec<FieldError>| errors.into_iter().map(|e| e.code).collect::<Vec<_>>();
        assert_eq!(
            codes(comment("a\u{0}", None).unwrap_err()),
            ["control_characters"]
        );
        // Every field at fault at once.
        assert_eq!(
            codes(comment(" ", Some("x")).unwrap_err()),
            ["required", "invalid_parent"]
        );
        assert_eq!(comment("Bravo", Some("12")).unwrap().parent_id, Some(12));
    }
}

/// A new update, its fields checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Post {
    pub title: String,
    pub body: String,
    /// `None`: the organisation's own language.
    pub language: Option<String>,
    pub photos: Vec<PhotoChoice>,
    pub link_url: Option<String>,
}

impl TryFrom<&ensemble_wire::NewUpdate> for Post {
    type Error = Vec<FieldError>;

    fn try_from(body: &ensemble_wire::NewUpdate) -> Result<Self, Vec<FieldError>> {
        let mut errors = FieldErrors::default();
        let title = errors.keep(title(&body.title));
        let text = errors.keep(self::body(&body.body));
        let language = body
            .language
            .as_deref()
            .map(|l| errors.keep(super::organisations::language("language", l)));
        let link_url = body.link_url.as_deref().map(|u| errors.keep(link_url(u)));
        let photos = pictures::photos(&body.photos)
            .map_err(|e| errors.extend(e))
            .ok();
        match (title, text, photos) {
            (Some(title), Some(body), Some(photos)) => errors.finish(Self {
                title,
                body,
                language: language.flatten(),
                photos,
                link_url: link_url.flatten(),
            }),
            _ => Err(errors.into_inner()),
        }
    }
}

/// Changes to an update: `None` leaves a field alone; `Some(None)` removes the link.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PostChanges {
    pub title: Option<String>,
    pub body: Option<String>,
    pub language: Option<String>,
    /// Replaces the photos.
    pub photos: Option<Vec<PhotoChoice>>,
    pub link_url: Option<Option<String>>,
}

impl TryFrom<ensemble_wire::UpdateChanges> for PostChanges {
    type Error = Vec<FieldError>;

    fn try_from(body: ensemble_wire::UpdateChanges) -> Result<Self, Vec<FieldError>> {
        let mut errors = FieldErrors::default();
        let changes = Self {
            title: body.title.and_then(|t| errors.keep(title(&t))),
            body: body.body.and_then(|b| errors.keep(self::body(&b))),
            language: body
                .language
                .and_then(|l| errors.keep(super::organisations::language("language", &l))),
            link_url: body
                .link_url
                .map(|l| l.and_then(|u| errors.keep(link_url(&u)))),
            photos: body
                .photos
                .and_then(|photos| pictures::photos(&photos).map_err(|e| errors.extend(e)).ok()),
        };
        errors.finish(changes)
    }
}
