//! `POST /organisations/{slug}/donations`: giving.

use actix_web::http::header;
use actix_web::web::{Data, Path};
use actix_web::{HttpResponse, post};
use ensemble_wire::{Donation, NewDonation};

use super::visible;
use crate::auth::{Auth, Verified};
use crate::db::StoreError;
use crate::db::donations::{self as store};
use crate::db::{Db, organisations};
use crate::domain::donations::{Money, NewGift};
use crate::error::ApiError;
use crate::extract::{IdempotencyKeyHeader, Json};
use crate::payments::{CheckoutRequest, Payments};

/// Any unique string (a UUID): 1 to 255 visible ASCII characters.
#[derive(utoipa::IntoParams)]
#[into_params(names("Idempotency-Key"), parameter_in = Header)]
pub struct IdempotencyKeyParam(#[param(pattern = "^[!-~]{1,255}$")] pub Option<String>);

/// Give to an organisation (verified ones only). Answers the pending donation and where to
/// pay (`checkout_url`). With an `Idempotency-Key`, sending the same request again answers
/// the same donation; the same key with another request is refused (422).
#[utoipa::path(
    tag = "donations",
    operation_id = "create_donation",
    security(("bearer" = [])),
    params(
        ("slug" = String, Path, description = "The organisation's slug"),
        IdempotencyKeyParam,
    ),
    request_body = NewDonation,
    responses(
        (status = 201, description = "Pending: pay at `checkout_url`", body = Donation),
        (status = 200, description = "The donation this Idempotency-Key already made", body = Donation),
        crate::openapi::problems::Unverified,
        crate::openapi::problems::NoSuchOrganisation,
        (status = 409, description = "`organisation_not_verified`: only verified organisations receive donations; `organisation_under_review`: the moderators are reviewing it"),
        (status = 502, description = "`provider_unavailable`: the payment provider did not answer; the same request (same key) can be sent again"),
    )
)]
#[post("/organisations/{slug}/donations")]
pub async fn create(
    auth: Auth<Verified>,
    db: Data<Db>,
    payments: Data<Payments>,
    slug: Path<String>,
    IdempotencyKeyHeader(key): IdempotencyKeyHeader,
    Json(body): Json<NewDonation>,
) -> Result<HttpResponse, ApiError> {
    let gift = NewGift::try_from(&body).map_err(ApiError::Validation)?;
    let slug = slug.into_inner();
    let donor = auth.user_id;
    let provider = payments.provider.name();
    let (id, created, organisation_name, donor_email) = db
        .run(move |conn| {
            let profile = organisations::find_profile(conn, &slug, "")?
                .ok_or(StoreError::NotFound("organisation"))?;
            // Whether it may receive gifts is decided under its lock, in create_pending.
            let new = store::NewDonation {
                organisation_id: profile.row.id,
                donor_id: donor,
                request_hash: gift.request_hash(profile.row.id),
                gift,
                provider,
                idempotency_key: key,
            };
            let (id, created) = store::create_pending(conn, &new)?;
            let email = crate::db::users::find(conn, donor)?.map(|u| u.email);
            Ok((id, created, profile.row.name, email))
        })
        .await?;
    // The pending donation is committed: now the provider. A failure leaves it pending,
    // and sending the same request again (same key) resumes here.
    let pending = visible(&db, &id.to_string(), donor).await?.row;
    if pending.checkout_url.is_none() {
        let checkout = payments
            .provider
            .create_checkout(&CheckoutRequest {
                donation_id: id,
                created_at: pending.created_at,
                money: Money {
                    amount_minor: pending.amount_minor,
                    currency: pending.currency.clone(),
                },
                recurring: pending.recurring,
                organisation_name,
                donor_email,
            })
            .await?;
        db.run(move |conn| Ok(store::set_checkout(conn, id, &checkout.id, &checkout.url)?))
            .await?;
    }
    let seen = visible(&db, &id.to_string(), donor).await?;
    let donation = crate::convert::donation(seen.row, &seen.payments, seen.viewer);
    let mut response = if created {
        HttpResponse::Created()
    } else {
        HttpResponse::Ok()
    };
    Ok(response
        .insert_header((
            header::LOCATION,
            format!("{}/donations/{id}", crate::routes::API_PREFIX),
        ))
        .json(donation))
}
