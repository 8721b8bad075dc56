//! Permission checks for an organisation's resources (`/organisations/{slug}/…`), in the
//! handler's signature: `OrgRole<AtLeastAdmin>` signs the person in (a write credential),
//! finds the organisation (404) and their role in it (403 below the minimum), before the
//! handler runs.

use ensemble_wire::Code;
use std::marker::PhantomData;

use actix_web::dev::Payload;
use actix_web::web::Data;
use actix_web::{FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;

use super::{Auth, Write};
use diesel::QueryResult;

use crate::db::StoreError;
use crate::db::organisations as store;
use crate::db::teams;
use crate::db::{Db, DbConnection, comments, updates};
use crate::domain::organisations::Role;
use crate::domain::verification::Authority;
use crate::error::ApiError;

pub trait MinimumRole {
    const ROLE: Role;
}

/// Editors, admins and owners: publishing.
pub struct AtLeastEditor;
/// Admins and owners: the profile and the team.
pub struct AtLeastAdmin;

impl MinimumRole for AtLeastEditor {
    const ROLE: Role = Role::Editor;
}
impl MinimumRole for AtLeastAdmin {
    const ROLE: Role = Role::Admin;
}

/// A signed-in member of the organisation named by the `{slug}` of the path, with at least
/// the role `R`.
pub struct OrgRole<R: MinimumRole> {
    pub user_id: i64,
    pub organisation_id: i64,
    pub role: Role,
    /// Signed in with a session (not an API token): what handing an organisation over
    /// needs.
    pub session: bool,
    _minimum: PhantomData<R>,
}

/// The signed-in person, the organisation's id, and their role in it (if any).
type Membership = (Auth<Write>, i64, Option<Role>);

/// What a path names, inside an organisation: resolved to the organisation's id, and to
/// a "not found" code when it names nothing.
type Resolver = fn(&mut DbConnection, &str) -> QueryResult<Option<i64>>;

/// Signs the person in (a write credential) and finds the organisation the path's
/// `param` leads to (404) and their role in it.
fn membership_by(
    req: &HttpRequest,
    payload: &mut Payload,
    param: &'static str,
    resolve: Resolver,
    missing: &'static str,
) -> LocalBoxFuture<'static, Result<Membership, ApiError>> {
    let auth = Auth::<Write>::from_request(req, payload);
    let value = req.match_info().get(param).map(str::to_owned);
    let db = req.app_data::<Data<Db>>().cloned();
    Box::pin(async move {
        let auth = auth.await?;
        let (Some(value), Some(db)) = (value, db) else {
            return Err(ApiError::Internal(anyhow::anyhow!(
                "an organisation extractor used on a path without {{{param}}}"
            )));
        };
        let user_id = auth.user_id;
        let (organisation_id, role) = db
            .run(move |conn| {
                let Some(organisation_id) = resolve(conn, &value)? else {
                    return Err(StoreError::NotFound(missing));
                };
                Ok((
                    organisation_id,
                    teams::member_role(conn, organisation_id, user_id)?,
                ))
            })
            .await?;
        Ok((auth, organisation_id, role))
    })
}

/// The organisation of the path's `{slug}`.
fn membership(
    req: &HttpRequest,
    payload: &mut Payload,
) -> LocalBoxFuture<'static, Result<Membership, ApiError>> {
    membership_by(req, payload, "slug", store::id_of, "organisation")
}

fn update_organisation(conn: &mut DbConnection, id: &str) -> QueryResult<Option<i64>> {
    match id.parse::<i64>() {
        Ok(id) => updates::organisation_of(conn, id),
        Err(_) => Ok(None),
    }
}

/// A signed-in member, with at least the role `R`, of the organisation whose update the
/// path's `{id}` names (`/updates/{id}`).
pub struct UpdateRole<R: MinimumRole> {
    pub user_id: i64,
    pub update_id: i64,
    pub organisation_id: i64,
    _minimum: PhantomData<R>,
}

impl<R: MinimumRole> FromRequest for UpdateRole<R> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let update_id = req.match_info().get("id").and_then(|id| id.parse().ok());
        let membership = membership_by(req, payload, "id", update_organisation, "update");
        Box::pin(async move {
            let (auth, organisation_id, role) = membership.await?;
            match (role, update_id) {
                (Some(role), Some(update_id)) if role >= R::ROLE => Ok(Self {
                    user_id: auth.user_id,
                    update_id,
                    organisation_id,
                    _minimum: PhantomData,
                }),
                _ => Err(ApiError::Forbidden(Code::Forbidden)),
            }
        })
    }
}

/// Someone who may delete the comment of the path's `{id}`: its author, or an admin or
/// owner of the organisation it was written under (moderation).
pub struct CommentModerator {
    pub user_id: i64,
    pub comment_id: i64,
}

impl FromRequest for CommentModerator {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let auth = Auth::<Write>::from_request(req, payload);
        let comment_id = req
            .match_info()
            .get("id")
            .and_then(|id| id.parse::<i64>().ok());
        let db = req.app_data::<Data<Db>>().cloned();
        Box::pin(async move {
            let auth = auth.await?;
            let (Some(comment_id), Some(db)) = (comment_id, db) else {
                return Err(ApiError::NotFound("comment"));
            };
            let user_id = auth.user_id;
            let allowed = db
                .run(move |conn| {
                    let comment = comments::context(conn, comment_id)?
                        .ok_or(StoreError::NotFound("comment"))?;
                    let role = teams::member_role(conn, comment.organisation_id, user_id)?;
                    Ok(comment.author_id == user_id || role.is_some_and(|r| r >= Role::Admin))
                })
                .await?;
            if allowed {
                Ok(Self {
                    user_id,
                    comment_id,
                })
            } else {
                Err(ApiError::Forbidden(Code::Forbidden))
            }
        })
    }
}

impl<R: MinimumRole> OrgRole<R> {
    /// Whether this member may offer `role`: making someone owner hands the organisation
    /// over, so it takes a signed-in session, never an API token. (Whether their own role
    /// allows it is checked by the storage, under the organisation's lock.)
    pub fn may_offer(&self, role: Role) -> Result<(), ApiError> {
        if role == Role::Owner && !self.session {
            return Err(ApiError::Forbidden(Code::SessionRequired));
        }
        Ok(())
    }
}

impl<R: MinimumRole> FromRequest for OrgRole<R> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let membership = membership(req, payload);
        Box::pin(async move {
            let (auth, organisation_id, role) = membership.await?;
            match role {
                Some(role) if role >= R::ROLE => Ok(Self {
                    user_id: auth.user_id,
                    organisation_id,
                    role,
                    session: auth.is_session(),
                    _minimum: PhantomData,
                }),
                _ => Err(ApiError::Forbidden(Code::Forbidden)),
            }
        })
    }
}

/// Someone who may write an organisation's verification record: a platform administrator
/// signed in with a session (any status; never through an API token), or one of its
/// owners (asking for review). Everyone else: 403.
pub struct Verifier {
    pub user_id: i64,
    pub organisation_id: i64,
    pub authority: Authority,
}

impl FromRequest for Verifier {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let membership = membership(req, payload);
        Box::pin(async move {
            let (auth, organisation_id, role) = membership.await?;
            let authority = if auth.is_admin && auth.is_session() {
                Authority::Platform
            } else if role == Some(Role::Owner) {
                Authority::Owner
            } else if auth.is_admin {
                return Err(ApiError::Forbidden(Code::SessionRequired));
            } else {
                return Err(ApiError::Forbidden(Code::Forbidden));
            };
            Ok(Self {
                user_id: auth.user_id,
                organisation_id,
                authority,
            })
        })
    }
}
