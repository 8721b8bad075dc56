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
        Suspend = "suspend",
        /// An update's comments closed, and opened again.
        Lock = "lock",
        Unlock = "unlock",
        Delete = "delete",
        /// An organisation bans a person from commenting on its updates (not a decision
        /// on a report: logged all the same).
        Ban = "ban",
        Unban = "unban",
        /// Decisions made elsewhere, kept in the same log: the platform's verification of
        /// an organisation, a change of role in a team, a platform role given or taken.
        Verification = "verification",
        RoleChange = "role_change",
        PlatformRole = "platform_role",
    }
}

impl Action {
    /// What the item's open reports become.
    pub fn closes_as(self) -> ReportState {
        match self {
            Action::Dismiss | Action::Restore | Action::Unban | Action::Unlock => {
                ReportState::Dismissed
            }
            Action::Hide | Action::Suspend | Action::Lock | Action::Delete | Action::Ban => {
                ReportState::Upheld
            }
            // Not decisions on reports: they close none (`applies_to` refuses them).
            Action::Verification | Action::RoleChange | Action::PlatformRole => {
                ReportState::Dismissed
            }
        }
    }

    /// Whether a moderator may decide it about this kind of item: hiding a comment or an
    /// organisation (under review), restoring those or a suspended person, suspending a
    /// person, deleting a comment or an update, dismissing anything. Bans are an
    /// organisation's, not a decision on a report.
    pub fn applies_to(self, kind: ItemKind) -> bool {
        match self {
            Action::Dismiss => true,
            Action::Hide => matches!(kind, ItemKind::Comment | ItemKind::Organisation),
            Action::Restore => matches!(
                kind,
                ItemKind::Comment | ItemKind::Organisation | ItemKind::User
            ),
            Action::Suspend => kind == ItemKind::User,
            Action::Lock | Action::Unlock => kind == ItemKind::Update,
            Action::Delete => matches!(kind, ItemKind::Comment | ItemKind::Update),
            Action::Ban
            | Action::Unban
            | Action::Verification
            | Action::RoleChange
            | Action::PlatformRole => false,
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
        let note = said("note", &body.note, "say why it should come back")?;
        Ok(Appeal { note })
    }
}

/// A decision, checked: what, why, and (a suspension) until when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub action: Action,
    pub reason: String,
    /// When a suspension ends; `None`, for good.
    pub until: Option<chrono::NaiveDateTime>,
}

impl TryFrom<ensemble_wire::Decision> for Decision {
    type Error = Vec<FieldError>;

    fn try_from(body: ensemble_wire::Decision) -> Result<Self, Self::Error> {
        let reason = said("reason", &body.reason, WHY)?;
        let action: Action = body.action.into();
        let until = body.until.map(|until| until.naive_utc());
        if let Some(until) = until {
            if action != Action::Suspend {
                return Err(vec![text::field_error(
                    "until",
                    Code::NotForThisItem,
                    "only a suspension has an end",
                )]);
            }
            if until <= crate::db::now() {
                return Err(vec![text::field_error(
                    "until",
                    Code::OutOfRange,
                    "a suspension ends in the future",
                )]);
            }
        }
        Ok(Decision {
            action,
            reason,
            until,
        })
    }
}

/// A ban's reason, checked (required, like a decision's).
pub fn ban_reason(body: ensemble_wire::NewBan) -> Result<String, Vec<FieldError>> {
    said("reason", &body.reason, WHY)
}

/// What a decision's reason must say when empty.
const WHY: &str = "say why: the log keeps it";

/// A required text of up to 1,000 characters (a reason, an appeal): `missing` when blank.
fn said(field: &str, value: &str, missing: &str) -> Result<String, Vec<FieldError>> {
    let checked = text::multi_line(field, value, 1_000).map_err(|e| vec![e])?;
    if checked.trim().is_empty() {
        return Err(vec![text::field_error(field, Code::Required, missing)]);
    }
    Ok(checked)
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
                until: None,
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
    fn only_a_suspension_ends_and_it_ends_later() {
        let decision = |action, until: Option<chrono::DateTime<chrono::Utc>>| {
            Decision::try_from(ensemble_wire::Decision {
                action,
                reason: "Harassment, again.".to_owned(),
                until,
            })
        };
        let later = chrono::Utc::now() + chrono::Duration::days(7);
        let earlier = chrono::Utc::now() - chrono::Duration::minutes(1);
        use ensemble_wire::ModerationAction::{Hide, Suspend};
        assert_eq!(
            decision(Suspend, Some(later)).unwrap().action,
            Action::Suspend
        );
        assert_eq!(decision(Suspend, None).unwrap().until, None);
        assert_eq!(
            decision(Suspend, Some(earlier)).unwrap_err()[0].code,
            "out_of_range"
        );
        assert_eq!(
            decision(Hide, Some(later)).unwrap_err()[0].code,
            "not_for_this_item"
        );
        assert!(Action::Suspend.applies_to(ItemKind::User));
        assert!(!Action::Suspend.applies_to(ItemKind::Comment));
        assert!(!Action::Ban.applies_to(ItemKind::User));
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
