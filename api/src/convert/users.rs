//! People: the signed-in person, their sessions and API tokens.

use ensemble_wire::{ApiToken, CreatedApiToken, Me, SessionInfo};

use super::utc;
use crate::db::sessions::{ApiTokenRow, SessionRow};
use crate::db::users::UserRow;

impl From<UserRow> for Me {
    fn from(row: UserRow) -> Self {
        Me {
            id: row.id.to_string(),
            email: row.email,
            email_verified: row.email_verified,
            display_name: row.display_name,
            avatar: crate::media::picture(row.avatar.as_deref()),
            bio: row.bio,
            locale: row.locale,
            country: row.country,
            follows_public: row.follows_public,
            is_admin: row.is_admin,
            is_moderator: row.is_moderator,
            suspension: crate::domain::users::suspended(
                row.suspended_at,
                row.suspended_until,
                crate::db::now(),
            )
            .then(|| ensemble_wire::Suspension {
                reason: row.suspension_reason.unwrap_or_default(),
                until: row.suspended_until.map(utc),
            }),
            created_at: utc(row.created_at),
        }
    }
}

impl From<ApiTokenRow> for ApiToken {
    fn from(row: ApiTokenRow) -> Self {
        ApiToken {
            id: row.id,
            name: row.name,
            scope: row.scope.into(),
            created_at: utc(row.created_at),
            last_used_at: row.last_used_at.map(utc),
        }
    }
}

/// A session as listed; `current` is the one the request came with.
pub fn session(row: SessionRow, current: Option<&str>) -> SessionInfo {
    SessionInfo {
        current: current == Some(row.id.as_str()),
        id: row.id,
        user_agent: row.user_agent,
        created_at: utc(row.created_at),
        last_used_at: utc(row.last_used_at),
        revoked_at: row.revoked_at.map(utc),
    }
}

/// A token just created, with its secret (shown this once).
pub fn created_token(row: ApiTokenRow, secret: String) -> CreatedApiToken {
    CreatedApiToken {
        id: row.id,
        name: row.name,
        scope: row.scope.into(),
        created_at: utc(row.created_at),
        token: secret,
    }
}

impl From<crate::db::mail_preferences::Preferences> for ensemble_wire::email::MailPreferences {
    fn from(preferences: crate::db::mail_preferences::Preferences) -> Self {
        ensemble_wire::email::MailPreferences {
            categories: preferences
                .categories
                .into_iter()
                .map(|(category, delivery)| ensemble_wire::email::MailChoice {
                    category: category.into(),
                    delivery: delivery.into(),
                })
                .collect(),
            digest: preferences.digest.into(),
            time_zone: preferences.time_zone,
        }
    }
}

/// Someone blocked, as the person who blocked them lists them.
impl From<crate::db::blocks::Listed> for ensemble_wire::BlockedUser {
    fn from(row: crate::db::blocks::Listed) -> Self {
        ensemble_wire::BlockedUser {
            user_id: row.user_id.to_string(),
            display_name: row.display_name,
            avatar: crate::media::picture(row.avatar.as_deref()),
            blocked_at: utc(row.since),
        }
    }
}
