//! Verification: who may set which status.

use crate::error::ApiError;

/// Where an organisation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Unverified,
    Pending,
    Verified,
    Rejected,
    Revoked,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Unverified => "unverified",
            Status::Pending => "pending",
            Status::Verified => "verified",
            Status::Rejected => "rejected",
            Status::Revoked => "revoked",
        }
    }

    pub fn parse(stored: &str) -> Option<Self> {
        [
            Status::Unverified,
            Status::Pending,
            Status::Verified,
            Status::Rejected,
            Status::Revoked,
        ]
        .into_iter()
        .find(|s| s.as_str() == stored)
    }
}

/// Who is deciding: a platform administrator sets any status; an organisation's owner may
/// only ask for review.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Authority {
    Platform,
    Owner,
}

impl Authority {
    pub fn as_str(self) -> &'static str {
        match self {
            Authority::Platform => "platform",
            Authority::Owner => "organisation",
        }
    }

    pub fn may_set(self, current: Status, next: Status) -> Result<(), ApiError> {
        match self {
            Authority::Platform => Ok(()),
            Authority::Owner => match (current, next) {
                (_, s) if s != Status::Pending => Err(ApiError::Forbidden("platform_admin_only")),
                (Status::Pending, _) => Err(ApiError::Conflict(
                    "already_pending",
                    "A review is already requested.".into(),
                )),
                (Status::Verified, _) => Err(ApiError::Conflict(
                    "already_verified",
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
