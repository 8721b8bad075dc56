//! Verification: who may set which status.

use super::Refusal;
use ensemble_wire::Code;

crate::text_enum! {
    /// Where an organisation stands.
    pub enum Status {
        Unverified = "unverified",
        Pending = "pending",
        Verified = "verified",
        Rejected = "rejected",
        Revoked = "revoked",
    }
}

impl Status {
    /// Only a verified organisation receives gifts: one under review (a new request, or a
    /// verified one whose identity changed) waits for the platform's decision.
    pub fn receives_gifts(self) -> bool {
        self == Status::Verified
    }

    /// A decision that ends the gifts already running (a review pending does not: its
    /// donors' monthly gifts wait for the decision).
    pub fn ends_gifts(self) -> bool {
        matches!(self, Status::Rejected | Status::Revoked)
    }
}

crate::text_enum! {
    /// Who is deciding: a platform administrator sets any status; an organisation's owner
    /// may only ask for review; the platform itself sends a verified organisation back to
    /// review when the identity that was checked changes.
    pub enum Authority {
        Platform = "platform",
        Owner = "organisation",
        System = "system",
    }
}

/// What a verification checks: the identity people trust when they see "verified".
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Identity {
    pub name: String,
    pub registry: Option<String>,
    pub registration_number: Option<String>,
    pub website: Option<String>,
}

impl Identity {
    /// What differs from the identity that was checked, named for the record (empty when
    /// nothing does).
    pub fn changes_since(&self, checked: &Identity) -> Vec<&'static str> {
        let mut changed = Vec::new();
        if self.name != checked.name {
            changed.push("name");
        }
        if self.registry != checked.registry
            || self.registration_number != checked.registration_number
        {
            changed.push("registration");
        }
        if self.website != checked.website {
            changed.push("website");
        }
        changed
    }
}

impl Authority {
    pub fn may_set(self, current: Status, next: Status) -> Result<(), Refusal> {
        match self {
            Authority::Platform | Authority::System => Ok(()),
            Authority::Owner => match (current, next) {
                (_, s) if s != Status::Pending => Err(Refusal::Forbidden(Code::PlatformAdminOnly)),
                (Status::Pending, _) => Err(Refusal::Conflict(
                    Code::AlreadyPending,
                    "A review is already requested.".into(),
                )),
                (Status::Verified, _) => Err(Refusal::Conflict(
                    Code::AlreadyVerified,
                    "The organisation is verified already.".into(),
                )),
                _ => Ok(()),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_of_name_registration_or_website_is_named() {
        let checked = Identity {
            name: "Puits Communs".into(),
            registry: Some("RNA".into()),
            registration_number: Some("W123".into()),
            website: Some("https://puits.example".into()),
        };
        assert!(checked.changes_since(&checked).is_empty());
        let renamed = Identity {
            name: "Puits Communs International".into(),
            registration_number: Some("W999".into()),
            ..checked.clone()
        };
        assert_eq!(renamed.changes_since(&checked), ["name", "registration"]);
        let moved = Identity {
            website: None,
            ..checked.clone()
        };
        assert_eq!(moved.changes_since(&checked), ["website"]);
    }

    #[test]
    fn owners_may_only_ask_for_review_and_only_once() {
        let owner = Authority::Owner;
        assert!(owner.may_set(Status::Unverified, Status::Pending).is_ok());
        assert!(owner.may_set(Status::Rejected, Status::Pending).is_ok());
        assert!(owner.may_set(Status::Revoked, Status::Pending).is_ok());
        assert!(owner.may_set(Status::Pending, Status::Pending).is_err());
        assert!(owner.may_set(Status::Verified, Status::Pending).is_err());
        assert!(owner.may_set(Status::Pending, Status::Verified).is_err());
        for next in [
            Status::Verified,
            Status::Rejected,
            Status::Revoked,
            Status::Unverified,
        ] {
            assert!(Authority::Platform.may_set(Status::Pending, next).is_ok());
        }
    }
}

/// What a decision or a request for review records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub status: Status,
    /// The registry and number checked.
    pub registration: Option<(String, String)>,
    /// The name the decider checked, when they say it: refused if it is no longer the
    /// organisation's.
    pub name: Option<String>,
    pub note: String,
}

impl TryFrom<ensemble_wire::NewVerification> for Decision {
    type Error = Vec<ensemble_wire::FieldError>;

    fn try_from(body: ensemble_wire::NewVerification) -> Result<Self, Self::Error> {
        use super::organisations as rules;
        let mut errors = super::text::FieldErrors::default();
        let note = errors.keep(super::text::multi_line("note", &body.note, 2000));
        let registration = body.registration.and_then(|r| {
            let registry = errors.keep(rules::registry(&r.registry));
            let number = errors.keep(rules::registration_number(&r.number));
            registry.zip(number)
        });
        let name = body.name.and_then(|n| errors.keep(rules::name(&n)));
        errors.finish(Decision {
            status: body.status.into(),
            registration,
            name,
            note: note.unwrap_or_default(),
        })
    }
}
