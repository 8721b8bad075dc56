//! `/organisations/{slug}/verification`: the public record of who an organisation proved
//! to be. Platform administrators decide; owners may ask for review.

use actix_web::web::{self, Data, Path};
use actix_web::{HttpResponse, get, post};
use chrono::{DateTime, Utc};
use ensemble_wire::{NewVerification, Registration, Verification, VerificationRecord};

use crate::auth::Verifier;
use crate::db::verification::{self as store, Decision};
use crate::db::{Db, organisations};
use crate::domain::organisations as rules;
use crate::domain::text;
use crate::error::ApiError;
use crate::extract::Json;

async fn load(db: &Db, organisation_id: i64) -> Result<Verification, ApiError> {
    let (status, records) = db
        .run(move |conn| Ok(store::history(conn, organisation_id)?))
        .await?;
    Ok(Verification {
        status: status.into(),
        history: records
            .into_iter()
            .map(|r| VerificationRecord {
                status: r.status.into(),
                registration: r
                    .registry
                    .zip(r.registration_number)
                    .map(|(registry, number)| Registration { registry, number }),
                note: r.note,
                by: r.decided_as.into(),
                at: DateTime::<Utc>::from_naive_utc_and_offset(r.created_at, Utc),
            })
            .collect(),
    })
}

/// An organisation's verification: its status and every decision, newest first. Public.
#[utoipa::path(
    tag = "organisations",
    operation_id = "get_verification",
    params(("slug" = String, Path, description = "The organisation's slug")),
    responses(
        (status = 200, description = "The verification record", body = Verification),
        (status = 404, description = "No such organisation", body = ensemble_wire::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/organisations/{slug}/verification")]
pub async fn get(db: Data<Db>, slug: Path<String>) -> Result<web::Json<Verification>, ApiError> {
    let slug = slug.into_inner();
    let id = db
        .run(move |conn| {
            organisations::id_of(conn, &slug)?.ok_or(ApiError::NotFound("organisation"))
        })
        .await?;
    Ok(web::Json(load(&db, id).await?))
}

/// Record a decision (platform administrators: any status, `verified` with the
/// registration checked) or ask for review (owners: `pending`, once at a time).
#[utoipa::path(
    tag = "organisations",
    operation_id = "set_verification",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "The organisation's slug")),
    request_body = NewVerification,
    responses(
        (status = 201, description = "Recorded; the record as it now stands", body = Verification),
        (status = 403, description = "`forbidden` (not an owner) or `platform_admin_only` (owners only ask for review)", body = ensemble_wire::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organisation", body = ensemble_wire::Problem, content_type = "application/problem+json"),
        (status = 409, description = "`already_pending` or `already_verified`", body = ensemble_wire::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/organisations/{slug}/verification")]
pub async fn set(
    verifier: Verifier,
    db: Data<Db>,
    Json(body): Json<NewVerification>,
) -> Result<HttpResponse, ApiError> {
    let mut errors = Vec::new();
    let note = text::multi_line("note", &body.note, 2000).map_err(|e| errors.push(e));
    let registration = match body.registration {
        None => Ok(None),
        Some(r) => match (
            rules::registry(&r.registry),
            rules::registration_number(&r.number),
        ) {
            (Ok(registry), Ok(number)) => Ok(Some((registry, number))),
            (registry, number) => {
                errors.extend(registry.err());
                errors.extend(number.err());
                Err(())
            }
        },
    };
    let (Ok(note), Ok(registration)) = (note, registration) else {
        return Err(ApiError::Validation(errors));
    };
    let decision = Decision {
        status: body.status.into(),
        registration,
        note,
    };
    let (id, actor, authority) = (
        verifier.organisation_id,
        verifier.user_id,
        verifier.authority,
    );
    db.run(move |conn| store::decide(conn, id, Some(actor), authority, decision))
        .await?;
    Ok(HttpResponse::Created().json(load(&db, id).await?))
}
