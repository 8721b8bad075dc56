//! `GET /me/export`: everything Ensemble holds about the signed-in person, in one JSON
//! document (the `Export` schema), read in one transaction so its parts agree.

use actix_web::http::header;
use actix_web::web::Data;
use actix_web::{HttpResponse, get};
use ensemble_wire::Export;

use crate::auth::{Auth, SessionOnly};
use crate::db::{Db, export};
use crate::error::ApiError;

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
    let snapshot = db.run(move |conn| export::snapshot(conn, user_id)).await?;
    Ok(HttpResponse::Ok()
        .insert_header((
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"ensemble-export.json\"",
        ))
        .json(Export::from(snapshot)))
}
