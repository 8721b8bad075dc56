//! Permission checks for an organisation's resources (`/organisations/{slug}/…`), in the
//! handler's signature: `OrgRole<AtLeastAdmin>` signs the person in (a write credential),
//! finds the organisation (404) and their role in it (403 below the minimum), before the
//! handler runs.

use std::marker::PhantomData;

use actix_web::dev::Payload;
use actix_web::web::Data;
use actix_web::{FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;

use super::{Auth, Write};
use crate::db::Db;
use crate::db::organisations as store;
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
    _minimum: PhantomData<R>,
}

/// The signed-in person, the organisation's id, and their role in it (if any).
type Membership = (Auth<Write>, i64, Option<Role>);

/// Signs the person in (a write credential) and finds the organisation of the path's
/// `{slug}` (404) and their role in it.
fn membership(
    req: &HttpRequest,
    payload: &mut Payload,
) -> LocalBoxFuture<'static, Result<Membership, ApiError>> {
    let auth = Auth::<Write>::from_request(req, payload);
    let slug = req.match_info().get("slug").map(str::to_owned);
    let db = req.app_data::<Data<Db>>().cloned();
    Box::pin(async move {
        let auth = auth.await?;
        let (Some(slug), Some(db)) = (slug, db) else {
            return Err(ApiError::Internal(anyhow::anyhow!(
                "an organisation extractor used outside /organisations/{{slug}}"
            )));
        };
        let user_id = auth.user_id;
        let (organisation_id, role) = db
            .run(move |conn| Ok(store::role_of(conn, &slug, user_id)?))
            .await?
            .ok_or(ApiError::NotFound("organisation"))?;
        Ok((auth, organisation_id, role))
    })
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
                    _minimum: PhantomData,
                }),
                _ => Err(ApiError::Forbidden("forbidden")),
            }
        })
    }
}

/// Someone who may write an organisation's verification record: a platform administrator
/// (any status), or one of its owners (asking for review). Everyone else: 403.
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
            let authority = if auth.is_admin {
                Authority::Platform
            } else if role == Some(Role::Owner) {
                Authority::Owner
            } else {
                return Err(ApiError::Forbidden("forbidden"));
            };
            Ok(Self {
                user_id: auth.user_id,
                organisation_id,
                authority,
            })
        })
    }
}
