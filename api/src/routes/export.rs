//! `GET /me/export`: everything Ensemble holds about the signed-in person, in one JSON
//! document (the `Export` schema), read in one transaction so its parts agree.

use actix_web::http::header;
use actix_web::web::Data;
use actix_web::{HttpResponse, get};
use chrono::{DateTime, NaiveDateTime, Utc};
use ensemble_wire::{
    Export, ExportedMembership, ExportedReaction, LinkedIdentity, OrganisationRef,
};

use crate::auth::{Auth, SessionOnly};
use crate::db::StoreError;
use crate::db::donations::{self, Of};
use crate::db::teams::{self, InvitationsOf};
use crate::db::{Db, causes, comments, follows, notifications, oauth, sessions, updates, users};
use crate::domain::donations::Viewer;
use crate::error::ApiError;
use diesel::Connection;

/// More than anyone has: the export holds whole lists.
const ALL: i64 = 1_000_000;

fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    DateTime::from_naive_utc_and_offset(t, Utc)
}

/// Everything Ensemble holds about you, as JSON: profile, sessions, tokens, linked
/// accounts, follows, gifts and payments, comments, reactions, teams, invitations and
/// notifications. From a signed-in session only: an API token cannot take it all away.
#[utoipa::path(
    tag = "me",
    operation_id = "export_me",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Your data", body = Export),
        (status = 403, description = "`session_required`"),
    )
)]
#[get("/me/export")]
pub async fn export_me(auth: Auth<SessionOnly>, db: Data<Db>) -> Result<HttpResponse, ApiError> {
    let user_id = auth.user_id;
    let export = db
        .run(move |conn| {
            // One snapshot: on SQLite a read transaction is one, on PostgreSQL it takes
            // REPEATABLE READ.
            conn.transaction(|conn| {
                if let crate::db::DbConnection::Pg(_) = conn {
                    diesel::connection::SimpleConnection::batch_execute(
                        conn,
                        "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY",
                    )?;
                }
                let user = users::find(conn, user_id)?.ok_or(StoreError::NotFound("account"))?;
                let gifts = donations::list(conn, Of::Donor(user_id), None, ALL)?;
                let ids: Vec<i64> = gifts.iter().map(|g| g.id).collect();
                let payments = donations::payments(conn, &ids)?;
                Ok(Export {
                    exported_at: Utc::now(),
                    user: super::me::to_me(user),
                    sessions: sessions::list_sessions(conn, user_id)?
                        .into_iter()
                        .map(|s| super::sessions::to_wire(s, None))
                        .collect(),
                    api_tokens: sessions::list_api_tokens(conn, user_id)?
                        .into_iter()
                        .map(super::me::to_api_token)
                        .collect(),
                    identities: oauth::identities(conn, user_id)?
                        .into_iter()
                        .map(|(provider, email, created_at)| LinkedIdentity {
                            provider,
                            email,
                            created_at: utc(created_at),
                        })
                        .collect(),
                    followed_causes: causes::followed_by(conn, user_id)?
                        .into_iter()
                        .map(|(slug, _)| slug)
                        .collect(),
                    followed_organisations: follows::followed_by(conn, user_id, None, ALL)?
                        .into_iter()
                        .map(super::follows::to_followed)
                        .collect(),
                    donations: gifts
                        .into_iter()
                        .map(|g| super::donations::to_wire(g, &payments, Viewer::Donor))
                        .collect(),
                    comments: comments::by_author(conn, user_id)?
                        .into_iter()
                        .map(super::updates::comments::comment_to_wire)
                        .collect(),
                    reactions: updates::reactions_by(conn, user_id)?
                        .into_iter()
                        .map(|(update_id, at)| ExportedReaction {
                            update_id: update_id.to_string(),
                            created_at: utc(at),
                        })
                        .collect(),
                    memberships: teams::memberships(conn, user_id)?
                        .into_iter()
                        .map(|m| ExportedMembership {
                            organisation: OrganisationRef {
                                slug: m.slug,
                                name: m.name,
                                logo_url: m.logo_url,
                                verification_status: m.verification_status.into(),
                            },
                            role: m.role.into(),
                            since: utc(m.since),
                        })
                        .collect(),
                    invitations: teams::invitations(
                        conn,
                        InvitationsOf::EverInvited(user_id),
                        None,
                        ALL,
                    )?
                    .into_iter()
                    .map(super::teams::to_invitation)
                    .collect(),
                    notifications: notifications::list(conn, user_id, None, ALL)?
                        .into_iter()
                        .map(super::updates::notifications::notification_to_wire)
                        .collect(),
                })
            })
        })
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header((
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"ensemble-export.json\"",
        ))
        .json(export))
}
