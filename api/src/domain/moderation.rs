//! Moderation's rules: what can be reported, where a report stands, what a moderator may
//! decide, and who may see and decide which reports.

use ensemble_wire::{Code, FieldError};

use super::text;

crate::text_enum! {
    /// What a report is about.
    pub enum ItemKind {
        Comment = "comment",
        Update = "update",
        Organisation = "organisation",
        User = "user",
    }
}

crate::text_enum! {
    /// Where a report stands.
    pub enum ReportState {
        Open = "open",
        Dismissed = "dismissed",
        Upheld = "upheld",
    }
}

crate::text_enum! {
    /// A decision on a reported item, as the log names it.
    pub enum Action {
        Dismiss = "dismiss",
        Hide = "hide",
        Restore = "restore",
        Delete = "delete",
    }
}

impl Action {
    /// What the item's open reports become.
    pub fn closes_as(self) -> ReportState {
        match self {
            Action::Dismiss | Action::Restore => ReportState::Dismissed,
            Action::Hide | Action::Delete => ReportState::Upheld,
        }
    }

    /// Whether it applies to this kind of item (hiding and restoring: comments, for now;
    /// deleting: comments and updates; dismissing: anything).
    pub fn applies_to(self, kind: ItemKind) -> bool {
        match self {
            Action::Dismiss => true,
            Action::Hide | Action::Restore => kind == ItemKind::Comment,
            Action::Delete => matches!(kind, ItemKind::Comment | ItemKind::Update),
        }
    }
}

/// An appeal of a removal: what its author says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appeal {
    pub note: String,
}

impl TryFrom<ensemble_wire::NewAppeal> for Appeal {
    type Error = Vec<FieldError>;

    fn try_from(body: ensemble_wire::NewAppeal) -> Result<Self, Self::Error> {
        let note = text::multi_line("note", &body.note, 1_000).map_err(|e| vec![e])?;
        if note.trim().is_empty() {
            return Err(vec![text::field_error(
                "note",
                Code::Required,
                "say why it should come back",
            )]);
        }
        Ok(Appeal { note })
    }
}

/// A decision, checked: what, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub action: Action,
    pub reason: String,
}

impl TryFrom<ensemble_wire::Decision> for Decision {
    type Error = Vec<FieldError>;

    fn try_from(body: ensemble_wire::Decision) -> Result<Self, Self::Error> {
        let reason = text::multi_line("reason", &body.reason, 1_000).map_err(|e| vec![e])?;
        if reason.trim().is_empty() {
            return Err(vec![text::field_error(
                "reason",
                Code::Required,
                "say why: the log keeps it",
            )]);
        }
        Ok(Decision {
            action: body.action.into(),
            reason,
        })
    }
}

/// How long an account is new: its first day.
pub const NEW_ACCOUNT_HOURS: i64 = 24;

/// A comment at least this long, posted again by its author within a day, is refused as
/// repeated (a short one, "Thank you!", may well be said twice).
pub const REPEAT_MIN_CHARS: usize = 20;

/// How many links a text holds (web addresses, written out or not).
pub fn links_in(text: &str) -> usize {
    let lower = text.to_lowercase();
    lower.matches("http://").count()
        + lower.matches("https://").count()
        + lower
            .match_indices("www.")
            .filter(|(at, _)| !lower[..*at].ends_with("//"))
            .count()
}

/// Who is deciding, and over what.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Moderator {
    /// A platform moderator or administrator: every report.
    Platform,
    /// An organisation's admins and owners: the comments under their updates.
    Organisations,
}

impl Moderator {
    /// Whether this moderator may see and decide the reports of this kind of item (an
    /// organisation's admin, only the comments under that organisation's updates: the
    /// store checks which).
    pub fn covers(self, kind: ItemKind) -> bool {
        match self {
            Moderator::Platform => true,
            Moderator::Organisations => kind == ItemKind::Comment,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_decision_says_why() {
        let decision = |reason: &str| {
            Decision::try_from(ensemble_wire::Decision {
                action: ensemble_wire::ModerationAction::Dismiss,
                reason: reason.to_owned(),
            })
        };
        assert_eq!(decision("  ").unwrap_err()[0].code, "required");
        assert_eq!(
            decision("Not spam: a real question.").unwrap().action,
            Action::Dismiss
        );
        assert_eq!(
            decision(&"x".repeat(1_001)).unwrap_err()[0].code,
            "too_long"
        );
    }

    #[test]
    fn links_are_counted_however_written() {
        assert_eq!(links_in("No link here."), 0);
        assert_eq!(links_in("See https://a.example and HTTP://b.example"), 2);
        assert_eq!(
            links_in("www.c.example, not https://www.d.example twice"),
            2
        );
    }

    #[test]
    fn organisation_admins_moderate_comments_only() {
        assert!(Moderator::Organisations.covers(ItemKind::Comment));
        assert!(!Moderator::Organisations.covers(ItemKind::Update));
        assert!(ItemKind::ALL.iter().all(|k| Moderator::Platform.covers(*k)));
    }
}
