//! Everything stored about one person, read in one snapshot so that its parts agree
//! (the data export).

use diesel::connection::SimpleConnection;
use diesel::prelude::*;

use super::causes::{self, FollowedCause};
use super::comments::{self, CommentRow};
use super::donations::{self, Of, PaymentRow, Row as DonationRow};
use super::follows::{self, FollowedRow};
use super::notifications;
use super::oauth::{self, IdentityRow};
use super::sessions::{self, ApiTokenRow, SessionRow};
use super::teams::{self, InvitationRow, InvitationsOf, MembershipRow};
use super::updates::{self, ReactionRow};
use super::users::{self, UserRow};
use super::{DbConnection, StoreError};

/// More than anyone has: the export holds whole lists.
const ALL: i64 = 1_000_000;

/// One person's rows.
pub struct Snapshot {
    pub user: UserRow,
    pub sessions: Vec<SessionRow>,
    pub api_tokens: Vec<ApiTokenRow>,
    pub identities: Vec<IdentityRow>,
    pub followed_causes: Vec<FollowedCause>,
    pub followed_organisations: Vec<FollowedRow>,
    pub donations: Vec<DonationRow>,
    pub payments: Vec<PaymentRow>,
    pub comments: Vec<CommentRow>,
    pub reactions: Vec<ReactionRow>,
    pub memberships: Vec<MembershipRow>,
    pub invitations: Vec<InvitationRow>,
    pub notifications: Vec<notifications::Row>,
    pub blocked: Vec<super::blocks::Listed>,
}

/// Everything about `user_id`, in one transaction: on SQLite a read transaction is one
/// snapshot, on PostgreSQL it takes REPEATABLE READ.
pub fn snapshot(conn: &mut DbConnection, user_id: i64) -> Result<Snapshot, StoreError> {
    conn.transaction(|conn| {
        if let DbConnection::Pg(_) = conn {
            conn.batch_execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")?;
        }
        let user = users::find(conn, user_id)?.ok_or(StoreError::NotFound("account"))?;
        let gifts = donations::list(conn, Of::Donor(user_id), None, ALL)?;
        let ids: Vec<i64> = gifts.iter().map(|g| g.id).collect();
        Ok(Snapshot {
            user,
            sessions: sessions::list_sessions(conn, user_id)?,
            api_tokens: sessions::list_api_tokens(conn, user_id)?,
            identities: oauth::identities(conn, user_id)?,
            followed_causes: causes::followed_by(conn, user_id)?,
            followed_organisations: follows::followed_by(conn, user_id, None, ALL)?,
            payments: donations::payments(conn, &ids)?,
            donations: gifts,
            comments: comments::by_author(conn, user_id)?,
            reactions: updates::reactions_by(conn, user_id)?,
            memberships: teams::memberships(conn, user_id)?,
            invitations: teams::invitations(conn, InvitationsOf::EverInvited(user_id), None, ALL)?,
            notifications: notifications::list(conn, user_id, None, ALL)?,
            blocked: super::blocks::blocked_by(conn, user_id)?,
        })
    })
}
