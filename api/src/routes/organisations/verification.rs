//! `/organisations/{slug}/verification`: the public record of who an organisation proved
//! to be. Platform administrators decide; owners may ask for review.

use actix_web::web::{self, Data, Path};
use actix_web::{HttpResponse, get, post};
use chrono::{DateTime, Utc};
use ensemble_wire::{NewVerification, Registration, Verification, VerificationRecord};

use crate::auth::Verifier;
use crate::db::StoreError;
use crate::db::verification as store;
use crate::db::{Db, donations, organisations};
use crate::domain::verification::Decision;
use crate::error::ApiError;
use crate::extract::Json;
use crate::payments::Payments;

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
        crate::openapi::problems::NoSuchOrganisation,
    )
)]
#[get("/organisations/{slug}/verification")]
pub async fn get(db: Data<Db>, slug: Path<String>) -> Result<web::Json<Verification>, ApiError> {
    let slug = slug.into_inner();
    let id = db
        .run(move |conn| {
            organisations::id_of(conn, &slug)?.ok_or(StoreError::NotFound("organisation"))
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
        (status = 403, description = "`forbidden` (not an owner) or `platform_admin_only` (owners only ask for review)"),
        crate::openapi::problems::NoSuchOrganisation,
        (status = 409, description = "`already_pending`, `already_verified`, or `identity_changed` (the name, registration or website is no longer the one checked, or the one the review was asked for)"),
        (status = 502, description = "`provider_unavailable`: rejected or revoked, its recurring gifts could not all be stopped yet (the decision is recorded; send it again)"),
    )
)]
#[post("/organisations/{slug}/verification")]
pub async fn set(
    verifier: Verifier,
    db: Data<Db>,
    payments: Data<Payments>,
    Json(body): Json<NewVerification>,
) -> Result<HttpResponse, ApiError> {
    let decision = Decision::try_from(body).map_err(ApiError::Validation)?;
    let status = decision.status;
    let (id, actor, authority) = (
        verifier.organisation_id,
        verifier.user_id,
        verifier.authority,
    );
    db.run(move |conn| store::decide(conn, id, Some(actor), authority, decision))
        .await?;
    if status.ends_gifts() {
        stop_gifts(&db, &payments, id).await?;
    }
    Ok(HttpResponse::Created().json(load(&db, id).await?))
}

/// A rejected or revoked organisation receives nothing more: its recurring gifts are
/// stopped at the provider and cancelled (each donor keeps their past payments).
async fn stop_gifts(db: &Db, payments: &Payments, organisation_id: i64) -> Result<(), ApiError> {
    let live = db
        .run(move |conn| {
            Ok(donations::live_recurring(
                conn,
                donations::Of::Organisation(organisation_id),
            )?)
        })
        .await?;
    for gift in live {
        crate::payments::stop_recurring(payments, &gift).await?;
        let (provider, id) = (gift.provider, gift.id);
        db.run(move |conn| donations::cancel(conn, provider, id))
            .await?;
    }
    Ok(())
}
