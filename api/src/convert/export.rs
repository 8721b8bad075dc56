//! The data export: every row about a person, as the person sees it.

use ensemble_wire::{Export, ExportedMembership, ExportedReaction, LinkedIdentity};

use super::{donation, session, utc};
use crate::db::export::Snapshot;
use crate::domain::donations::Viewer;

impl From<Snapshot> for Export {
    fn from(rows: Snapshot) -> Self {
        let payments = rows.payments;
        Export {
            exported_at: chrono::Utc::now(),
            user: rows.user.into(),
            sessions: rows
                .sessions
                .into_iter()
                .map(|s| session(s, None))
                .collect(),
            api_tokens: rows.api_tokens.into_iter().map(Into::into).collect(),
            identities: rows
                .identities
                .into_iter()
                .map(|i| LinkedIdentity {
                    provider: i.provider.as_str().to_owned(),
                    email: i.email,
                    created_at: utc(i.created_at),
                })
                .collect(),
            followed_causes: rows.followed_causes.into_iter().map(|c| c.slug).collect(),
            followed_organisations: rows
                .followed_organisations
                .into_iter()
                .map(Into::into)
                .collect(),
            donations: rows
                .donations
                .into_iter()
                .map(|g| donation(g, &payments, Viewer::Donor))
                .collect(),
            comments: rows.comments.into_iter().map(Into::into).collect(),
            reactions: rows
                .reactions
                .into_iter()
                .map(|r| ExportedReaction {
                    update_id: r.update_id.to_string(),
                    created_at: utc(r.created_at),
                })
                .collect(),
            memberships: rows
                .memberships
                .into_iter()
                .map(|m| ExportedMembership {
                    organisation: m.organisation.into(),
                    role: m.role.into(),
                    since: utc(m.since),
                })
                .collect(),
            invitations: rows.invitations.into_iter().map(Into::into).collect(),
            notifications: rows.notifications.into_iter().map(Into::into).collect(),
            blocked: rows.blocked.into_iter().map(Into::into).collect(),
        }
    }
}
