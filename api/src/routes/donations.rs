//! Donations: giving (`POST /organisations/{slug}/donations`), reading them (the donor, the
//! organisation's admins), cancelling a recurring gift, receipts, the provider webhooks,
//! and the sandbox's own checkout page.

use actix_web::http::header;
use actix_web::web::{self, Bytes, Data, Path};
use actix_web::{HttpRequest, HttpResponse, get, post};
use chrono::{DateTime, Utc};
use ensemble_wire::{
    Donation, DonationStatus, NewDonation, OrganisationRef, Page, Payment, Recurrence,
};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::organisations::{PageParams, wire_status};
use crate::auth::{AtLeastAdmin, Auth, OrgRole, Read, Write};
use crate::db::donations::{self as store, Row};
use crate::db::{Db, organisations};
use crate::domain::donations::{self as rules, Status};
use crate::domain::organisations::Role;
use crate::domain::pagination::{KeysetAfter, split_page};
use crate::domain::text::field_error;
use crate::error::ApiError;
use crate::extract::Json;
use crate::payments::{CheckoutRequest, Payments, events, signature};

fn utc(at: chrono::NaiveDateTime) -> DateTime<Utc> {
    DateTime::<Utc>::from_naive_utc_and_offset(at, Utc)
}

/// Who is looking at a donation: what they may see follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Viewer {
    Donor,
    Organisation,
}

fn wire_donation_status(stored: &str) -> DonationStatus {
    match Status::parse(stored).unwrap_or(Status::Pending) {
        Status::Pending => DonationStatus::Pending,
        Status::Succeeded => DonationStatus::Succeeded,
        Status::Failed => DonationStatus::Failed,
        Status::Expired => DonationStatus::Expired,
        Status::Refunded => DonationStatus::Refunded,
        Status::Active => DonationStatus::Active,
        Status::Cancelled => DonationStatus::Cancelled,
    }
}

fn to_wire(row: Row, payments: &[store::PaymentRow], viewer: Viewer) -> Donation {
    let (slug, name, logo_url, status) = row.organisation;
    let (donor_name, donor_email) = match (row.donor, viewer) {
        (Some((name, email)), Viewer::Donor) => (Some(name), Some(email)),
        (Some((name, email)), Viewer::Organisation) => (
            (!row.anonymous).then_some(name),
            row.share_contact.then_some(email),
        ),
        (None, _) => (None, None),
    };
    let status_now = wire_donation_status(&row.status);
    Donation {
        id: row.id.to_string(),
        organisation: OrganisationRef {
            slug,
            name,
            logo_url,
            verification_status: wire_status(&status),
        },
        amount_minor: row.amount_minor,
        currency: row.currency,
        recurring: match row.recurring.as_deref() {
            Some("monthly") => Some(Recurrence::Monthly),
            Some("yearly") => Some(Recurrence::Yearly),
            _ => None,
        },
        status: status_now,
        anonymous: row.anonymous,
        share_contact: row.share_contact,
        message: row.message,
        checkout_url: if status_now == DonationStatus::Pending && viewer == Viewer::Donor {
            row.checkout_url
        } else {
            None
        },
        donor_name,
        donor_email,
        payments: payments
            .iter()
            .filter(|p| p.0 == row.id)
            .map(
                |(_, amount_minor, currency, status, receipt_number, paid_at)| Payment {
                    amount_minor: *amount_minor,
                    currency: currency.clone(),
                    status: status.clone(),
                    receipt_number: receipt_number.clone(),
                    paid_at: utc(*paid_at),
                },
            )
            .collect(),
        created_at: utc(row.created_at),
    }
}

/// The donation and how the user may see it: 404 for everyone else (its existence is
/// nobody else's business).
async fn visible(
    db: &Db,
    id: &str,
    user_id: i64,
) -> Result<(Row, Vec<store::PaymentRow>, Viewer), ApiError> {
    let id: i64 = id.parse().map_err(|_| ApiError::NotFound("donation"))?;
    db.run(move |conn| {
        let row = store::find(conn, id)?.ok_or(ApiError::NotFound("donation"))?;
        let viewer = if row.donor_id == Some(user_id) {
            Viewer::Donor
        } else if organisations::member_role(conn, row.organisation_id, user_id)?
            .is_some_and(|r| r >= Role::Admin)
        {
            Viewer::Organisation
        } else {
            return Err(ApiError::NotFound("donation"));
        };
        let payments = store::payments(conn, &[id])?;
        Ok((row, payments, viewer))
    })
    .await
}

const KEY_MAX: usize = 255;

/// Any unique string (a UUID): 1 to 255 visible ASCII characters.
#[derive(utoipa::IntoParams)]
#[into_params(names("Idempotency-Key"), parameter_in = Header)]
pub struct IdempotencyKey(#[param(pattern = "^[!-~]{1,255}$")] pub Option<String>);

/// Give to an organisation (verified ones only). Answers the pending donation and where to
/// pay (`checkout_url`). With an `Idempotency-Key`, sending the same request again answers
/// the same donation; the same key with another request is refused (422).
#[utoipa::path(
    tag = "donations",
    operation_id = "create_donation",
    security(("bearer" = [])),
    params(
        ("slug" = String, Path, description = "The organisation's slug"),
        IdempotencyKey,
    ),
    request_body = NewDonation,
    responses(
        (status = 201, description = "Pending: pay at `checkout_url`", body = Donation),
        (status = 200, description = "The donation this Idempotency-Key already made", body = Donation),
        (status = 404, description = "No such organisation", body = ensemble_wire::Problem, content_type = "application/problem+json"),
        (status = 409, description = "`organisation_not_verified`: only verified organisations receive donations", body = ensemble_wire::Problem, content_type = "application/problem+json"),
        (status = 502, description = "`provider_unavailable`: the payment provider did not answer; the same request (same key) can be sent again", body = ensemble_wire::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/organisations/{slug}/donations")]
pub async fn create(
    auth: Auth<Write>,
    db: Data<Db>,
    payments: Data<Payments>,
    slug: Path<String>,
    request: HttpRequest,
    Json(body): Json<NewDonation>,
) -> Result<HttpResponse, ApiError> {
    let mut errors = Vec::new();
    let key = match request.headers().get("Idempotency-Key").map(|v| v.to_str()) {
        None => None,
        Some(Ok(key))
            if !key.is_empty()
                && key.len() <= KEY_MAX
                && key.bytes().all(|b| b.is_ascii_graphic()) =>
        {
            Some(key.to_owned())
        }
        Some(_) => {
            errors.push(field_error(
                "Idempotency-Key",
                "invalid_idempotency_key",
                "1 to 255 visible ASCII characters",
            ));
            None
        }
    };
    let currency = rules::currency(&body.currency)
        .map_err(|e| errors.push(e))
        .ok();
    let amount = currency.and_then(|c| {
        rules::amount(c, body.amount_minor)
            .map_err(|e| errors.push(e))
            .ok()
    });
    let message = rules::message(&body.message)
        .map_err(|e| errors.push(e))
        .ok();
    let (Some(currency), Some(amount), Some(message), true) =
        (currency, amount, message, errors.is_empty())
    else {
        return Err(ApiError::Validation(errors));
    };
    let recurring = body.recurring.map(|r| match r {
        Recurrence::Monthly => "monthly",
        Recurrence::Yearly => "yearly",
    });
    let slug = slug.into_inner();
    let donor = auth.user_id;
    let provider = payments.provider.name();
    let (id, created, organisation_name, donor_email) = db
        .run(move |conn| {
            let profile = organisations::find_profile(conn, &slug, "")?
                .ok_or(ApiError::NotFound("organisation"))?;
            if profile.row.verification_status != "verified" {
                return Err(ApiError::Conflict(
                    "organisation_not_verified",
                    "Only organisations whose verification is complete can receive donations."
                        .into(),
                ));
            }
            let hash = hex::encode(Sha256::digest(
                format!(
                    "{}|{amount}|{}|{recurring:?}|{}|{}|{message}",
                    profile.row.id, currency.code, body.anonymous, body.share_contact
                )
                .as_bytes(),
            ));
            let new = store::NewDonation {
                organisation_id: profile.row.id,
                donor_id: donor,
                amount_minor: amount,
                currency: currency.code.to_owned(),
                recurring,
                anonymous: body.anonymous,
                share_contact: body.share_contact,
                message,
                provider,
                idempotency_key: key,
                request_hash: hash,
            };
            let (id, created) = store::create_pending(conn, &new)?;
            let email = crate::db::users::find(conn, donor)?.map(|u| u.email);
            Ok((id, created, profile.row.name, email))
        })
        .await?;
    // The pending donation is committed: now the provider. A failure leaves it pending,
    // and sending the same request again (same key) resumes here.
    let (row, _, _) = visible(&db, &id.to_string(), donor).await?;
    if row.checkout_url.is_none() {
        let checkout = payments
            .provider
            .create_checkout(&CheckoutRequest {
                donation_id: id,
                amount_minor: row.amount_minor,
                currency: row.currency.clone(),
                interval: match row.recurring.as_deref() {
                    Some("monthly") => Some("month"),
                    Some("yearly") => Some("year"),
                    _ => None,
                },
                organisation_name,
                donor_email,
            })
            .await?;
        db.run(move |conn| Ok(store::set_checkout(conn, id, &checkout.id, &checkout.url)?))
            .await?;
    }
    let (row, payments_rows, viewer) = visible(&db, &id.to_string(), donor).await?;
    let donation = to_wire(row, &payments_rows, viewer);
    let mut response = if created {
        HttpResponse::Created()
    } else {
        HttpResponse::Ok()
    };
    Ok(response
        .insert_header((
            header::LOCATION,
            format!("{}/donations/{id}", super::API_PREFIX),
        ))
        .json(donation))
}

/// One donation: its donor, or the organisation's admins (who see the donor's name unless
/// anonymous, and their email only with consent).
#[utoipa::path(
    tag = "donations",
    operation_id = "get_donation",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The donation's id")),
    responses(
        (status = 200, description = "The donation", body = Donation),
        (status = 404, description = "No such donation (or not yours to see)", body = ensemble_wire::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/donations/{id}")]
pub async fn get(
    auth: Auth<Read>,
    db: Data<Db>,
    id: Path<String>,
) -> Result<web::Json<Donation>, ApiError> {
    let (row, payments, viewer) = visible(&db, &id, auth.user_id).await?;
    Ok(web::Json(to_wire(row, &payments, viewer)))
}

async fn page(
    db: &Db,
    donor: Option<i64>,
    organisation: Option<i64>,
    params: &PageParams,
    viewer: Viewer,
) -> Result<Page<Donation>, ApiError> {
    let (limit, after) = params.parse()?;
    let (rows, payments) = db
        .run(move |conn| {
            let rows = store::list(conn, donor, organisation, after, limit.get())?;
            let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
            Ok((rows, store::payments(conn, &ids)?))
        })
        .await?;
    let (rows, next_cursor) = split_page(rows, limit, |r| KeysetAfter {
        created_at: r.created_at,
        id: r.id,
    });
    Ok(Page {
        items: rows
            .into_iter()
            .map(|r| to_wire(r, &payments, viewer))
            .collect(),
        next_cursor,
    })
}

/// Your donations, newest first.
#[utoipa::path(
    tag = "me",
    operation_id = "my_donations",
    security(("bearer" = [])),
    params(PageParams),
    responses(
        (status = 200, description = "A page of your donations", body = Page<Donation>),
        (status = 400, description = "Bad `limit` or `cursor`", body = ensemble_wire::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/me/donations")]
pub async fn mine(
    auth: Auth<Read>,
    db: Data<Db>,
    crate::extract::Query(params): crate::extract::Query<PageParams>,
) -> Result<web::Json<Page<Donation>>, ApiError> {
    Ok(web::Json(
        page(&db, Some(auth.user_id), None, &params, Viewer::Donor).await?,
    ))
}

/// An organisation's donations, newest first (its admins and owners).
#[utoipa::path(
    tag = "donations",
    operation_id = "organisation_donations",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "The organisation's slug"), PageParams),
    responses(
        (status = 200, description = "A page of donations", body = Page<Donation>),
        (status = 400, description = "Bad `limit` or `cursor`", body = ensemble_wire::Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden`: not an admin of it", body = ensemble_wire::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organisation", body = ensemble_wire::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/organisations/{slug}/donations")]
pub async fn of_organisation(
    admin: OrgRole<AtLeastAdmin>,
    db: Data<Db>,
    crate::extract::Query(params): crate::extract::Query<PageParams>,
) -> Result<web::Json<Page<Donation>>, ApiError> {
    Ok(web::Json(
        page(
            &db,
            None,
            Some(admin.organisation_id),
            &params,
            Viewer::Organisation,
        )
        .await?,
    ))
}

/// A CSV cell: quoted, and a leading `= + - @` defused so a spreadsheet never runs it.
fn cell(value: &str) -> String {
    let defused = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    format!("\"{}\"", defused.replace('"', "\"\""))
}

fn decimal(amount_minor: i64) -> String {
    format!("{}.{:02}", amount_minor / 100, amount_minor % 100)
}

/// An organisation's donations as CSV, for its accounts (admins and owners): one line per
/// donation, with what was received.
#[utoipa::path(
    tag = "donations",
    operation_id = "organisation_donations_csv",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "The organisation's slug")),
    responses(
        (status = 200, description = "CSV (UTF-8, header line first)", content_type = "text/csv", body = String),
        (status = 403, description = "`forbidden`", body = ensemble_wire::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organisation", body = ensemble_wire::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/organisations/{slug}/donations.csv")]
pub async fn csv(admin: OrgRole<AtLeastAdmin>, db: Data<Db>) -> Result<HttpResponse, ApiError> {
    let organisation = admin.organisation_id;
    let (rows, payments) = db
        .run(move |conn| {
            let rows = store::list(conn, None, Some(organisation), None, i64::from(u32::MAX))?;
            let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
            Ok((rows, store::payments(conn, &ids)?))
        })
        .await?;
    let mut out = String::from(
        "id,created_at,status,amount,currency,recurring,donor_name,donor_email,message,payments,received\n",
    );
    for row in rows {
        let id = row.id;
        let received: i64 = payments
            .iter()
            .filter(|p| p.0 == id && p.3 == "succeeded")
            .map(|p| p.1)
            .sum();
        let count = payments
            .iter()
            .filter(|p| p.0 == id && p.3 == "succeeded")
            .count();
        let donation = to_wire(row, &payments, Viewer::Organisation);
        let fields = [
            donation.id.clone(),
            donation.created_at.to_rfc3339(),
            serde_json::to_value(donation.status)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            decimal(donation.amount_minor),
            donation.currency.clone(),
            donation
                .recurring
                .map(|r| {
                    if r == Recurrence::Monthly {
                        "monthly"
                    } else {
                        "yearly"
                    }
                })
                .unwrap_or_default()
                .to_owned(),
            donation.donor_name.clone().unwrap_or_default(),
            donation.donor_email.clone().unwrap_or_default(),
            donation.message.clone(),
            count.to_string(),
            decimal(received),
        ];
        out.push_str(&fields.iter().map(|f| cell(f)).collect::<Vec<_>>().join(","));
        out.push('\n');
    }
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"donations.csv\"",
        ))
        .body(out))
}

/// Stop a monthly or yearly gift (its donor). The provider stops charging; past payments
/// stay.
#[utoipa::path(
    tag = "donations",
    operation_id = "cancel_donation",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The donation's id")),
    responses(
        (status = 200, description = "Cancelled", body = Donation),
        (status = 404, description = "No such donation (or not yours)", body = ensemble_wire::Problem, content_type = "application/problem+json"),
        (status = 409, description = "`not_recurring` or `not_active`", body = ensemble_wire::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/donations/{id}/cancel")]
pub async fn cancel(
    auth: Auth<Write>,
    db: Data<Db>,
    payments: Data<Payments>,
    id: Path<String>,
) -> Result<web::Json<Donation>, ApiError> {
    let (row, _, viewer) = visible(&db, &id, auth.user_id).await?;
    if viewer != Viewer::Donor {
        return Err(ApiError::NotFound("donation"));
    }
    if row.recurring.is_none() {
        return Err(ApiError::Conflict(
            "not_recurring",
            "Only monthly or yearly gifts can be cancelled.".into(),
        ));
    }
    let status = Status::parse(&row.status).unwrap_or(Status::Pending);
    if !matches!(status, Status::Active | Status::Pending) {
        return Err(ApiError::Conflict(
            "not_active",
            "This gift has already ended.".into(),
        ));
    }
    if let Some(subscription) = &row.provider_subscription_id {
        payments.provider.cancel_subscription(subscription).await?;
    }
    let donation_id = row.id;
    db.run(move |conn| Ok(store::move_to(conn, donation_id, Status::Cancelled)?))
        .await?;
    let (row, payments_rows, viewer) = visible(&db, &id, auth.user_id).await?;
    Ok(web::Json(to_wire(row, &payments_rows, viewer)))
}

fn html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

const PAGE_STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#1f2328;line-height:1.5}\
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #d0d7de;padding:.4rem;text-align:left}\
.test{background:#fff4d6;border:2px solid #8a5a00;padding:1rem;border-radius:.5rem;color:#5c3b00}\
button{font:inherit;min-height:2.75rem;padding:.5rem 1.25rem;margin:.25rem .5rem .25rem 0;border-radius:.5rem;border:2px solid #1d4f91;background:#1d4f91;color:#fff}\
button.secondary{background:#fff;color:#1d4f91}";

fn page_html(lang: &str, title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{}</title><style>{PAGE_STYLE}</style></head><body><main>{body}</main></body></html>",
        html(title)
    )
}

/// A printable receipt for the payments of a donation (its donor, or the organisation's
/// admins).
#[utoipa::path(
    tag = "donations",
    operation_id = "donation_receipt",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The donation's id")),
    responses(
        (status = 200, description = "HTML, printable", content_type = "text/html", body = String),
        (status = 404, description = "No such donation (or not yours to see)", body = ensemble_wire::Problem, content_type = "application/problem+json"),
        (status = 409, description = "`nothing_paid`: no payment yet", body = ensemble_wire::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/donations/{id}/receipt")]
pub async fn receipt(
    auth: Auth<Read>,
    db: Data<Db>,
    id: Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (row, payments, _) = visible(&db, &id, auth.user_id).await?;
    let paid: Vec<_> = payments.iter().filter(|p| p.3 == "succeeded").collect();
    if paid.is_empty() {
        return Err(ApiError::Conflict(
            "nothing_paid",
            "No payment has been received for this donation yet.".into(),
        ));
    }
    let organisation_id = row.organisation_id;
    let profile = db
        .run(move |conn| {
            let id_slug = crate::db::organisations::slug_of(conn, organisation_id)?;
            Ok(organisations::find_profile(conn, &id_slug, "")?)
        })
        .await?
        .ok_or(ApiError::NotFound("organisation"))?;
    let registration = match (&profile.row.registry, &profile.row.registration_number) {
        (Some(registry), Some(number)) => format!("{} {}", html(registry), html(number)),
        _ => "—".into(),
    };
    let donor = row
        .donor
        .as_ref()
        .map_or("—".to_owned(), |(name, _)| html(name));
    let lines: String = paid
        .iter()
        .map(|(_, amount, currency, _, number, at)| {
            format!(
                "<tr><td>{}</td><td>{}</td><td>{} {}</td></tr>",
                html(number),
                utc(*at).format("%Y-%m-%d"),
                decimal(*amount),
                html(currency)
            )
        })
        .collect();
    let body = format!(
        "<h1>Donation receipt</h1>\
         <p><strong>{org}</strong><br>Registration: {registration}{city}</p>\
         <p>Received from <strong>{donor}</strong>.</p>\
         <table><thead><tr><th>Receipt number</th><th>Date</th><th>Amount</th></tr></thead><tbody>{lines}</tbody></table>\
         <p>Thank you for your support.</p>",
        org = html(&profile.row.name),
        city = profile
            .row
            .city
            .as_deref()
            .map(|c| format!("<br>{}", html(c)))
            .unwrap_or_default(),
    );
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(page_html("en", "Donation receipt", &body)))
}

/// A provider's event (`sandbox` or `stripe`), signed with its webhook secret
/// (`Stripe-Signature`). Each event is applied once, however often it is delivered.
#[utoipa::path(
    tag = "donations",
    operation_id = "payment_webhook",
    params(("provider" = String, Path, description = "`sandbox` or `stripe`")),
    request_body(content = String, content_type = "application/json", description = "The provider's event"),
    responses(
        (status = 200, description = "Received (applied now, or already before)"),
        (status = 400, description = "`invalid_signature` or `invalid_event`", body = ensemble_wire::Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not the configured provider", body = ensemble_wire::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/payments/{provider}/webhook")]
pub async fn webhook(
    db: Data<Db>,
    payments: Data<Payments>,
    provider: Path<String>,
    request: HttpRequest,
    body: Bytes,
) -> Result<HttpResponse, ApiError> {
    let provider_name = payments.provider.name();
    if provider.as_str() != provider_name {
        return Err(ApiError::NotFound("provider"));
    }
    let header = request
        .headers()
        .get("Stripe-Signature")
        .and_then(|v| v.to_str().ok());
    signature::verify(
        payments.provider.webhook_secret(),
        header,
        &body,
        Utc::now().timestamp(),
    )
    .map_err(|e| {
        tracing::warn!(provider = provider_name, error = ?e, "webhook signature refused");
        ApiError::InvalidQuery(vec![field_error(
            "Stripe-Signature",
            "invalid_signature",
            "the signature does not verify",
        )])
    })?;
    let event: events::Event = serde_json::from_slice(&body).map_err(|_| {
        ApiError::InvalidQuery(vec![field_error("body", "invalid_event", "not an event")])
    })?;
    let effect = events::effect(&event);
    let applied = db
        .run(move |conn| store::apply(conn, provider_name, &event.id, &event.kind, &effect))
        .await?;
    tracing::info!(provider = provider_name, applied, "payment event");
    Ok(HttpResponse::Ok().json(serde_json::json!({"received": true})))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CheckoutToken {
    /// The token of the checkout link.
    pub token: String,
}

/// The sandbox's checkout page: a test, clearly marked, where the donor chooses to pay or
/// to fail. Only with the sandbox provider.
#[utoipa::path(
    tag = "donations",
    operation_id = "sandbox_checkout",
    params(("id" = String, Path, description = "The donation's id"), CheckoutToken),
    responses(
        (status = 200, description = "HTML", content_type = "text/html", body = String),
        (status = 404, description = "No such checkout", body = ensemble_wire::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/payments/sandbox/checkout/{id}")]
pub async fn sandbox_checkout(
    db: Data<Db>,
    payments: Data<Payments>,
    id: Path<String>,
    crate::extract::Query(query): crate::extract::Query<CheckoutToken>,
) -> Result<HttpResponse, ApiError> {
    let (row, _) = sandbox_donation(&db, &payments, &id, &query.token).await?;
    let (_, name, _, _) = &row.organisation;
    let status = Status::parse(&row.status).unwrap_or(Status::Pending);
    let what = format!(
        "{} {}{}",
        decimal(row.amount_minor),
        html(&row.currency),
        match row.recurring.as_deref() {
            Some("monthly") => " every month",
            Some("yearly") => " every year",
            _ => "",
        }
    );
    let action = format!("/api/v1/payments/sandbox/checkout/{}", row.id);
    let token = html(&query.token);
    let body = if status == Status::Pending {
        format!(
            "<p class=\"test\" role=\"note\"><strong>Test mode.</strong> This is Ensemble's sandbox: \
             no card is asked for and no money moves.</p>\
             <h1>Give {what} to {name}</h1>\
             <form method=\"post\" action=\"{action}\">\
             <input type=\"hidden\" name=\"token\" value=\"{token}\">\
             <button type=\"submit\" name=\"outcome\" value=\"pay\">Pay (test)</button>\
             <button type=\"submit\" name=\"outcome\" value=\"fail\" class=\"secondary\">Fail the payment (test)</button>\
             </form>",
            name = html(name),
        )
    } else {
        format!(
            "<h1>This checkout is closed</h1><p>Donation status: {}.</p>",
            status.as_str()
        )
    };
    // A page for one checkout: no cache keeps it.
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(page_html("en", "Sandbox checkout (test mode)", &body)))
}

async fn sandbox_donation(
    db: &Db,
    payments: &Payments,
    id: &str,
    token: &str,
) -> Result<(Row, std::sync::Arc<crate::payments::sandbox::Sandbox>), ApiError> {
    let sandbox = payments
        .sandbox
        .clone()
        .ok_or(ApiError::NotFound("checkout"))?;
    let id: i64 = id.parse().map_err(|_| ApiError::NotFound("checkout"))?;
    if !sandbox.token_ok(id, token) {
        return Err(ApiError::NotFound("checkout"));
    }
    let row = db
        .run(move |conn| store::find(conn, id)?.ok_or(ApiError::NotFound("checkout")))
        .await?;
    Ok((row, sandbox))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct CheckoutOutcome {
    pub token: String,
    /// `pay` or `fail`.
    pub outcome: String,
}

/// The donor's choice on the sandbox checkout: the provider's events are signed and
/// delivered to the sandbox webhook, as a real provider would.
#[utoipa::path(
    tag = "donations",
    operation_id = "sandbox_checkout_outcome",
    params(("id" = String, Path, description = "The donation's id")),
    request_body(content = CheckoutOutcome, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "HTML: what happened", content_type = "text/html", body = String),
        (status = 404, description = "No such checkout", body = ensemble_wire::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/payments/sandbox/checkout/{id}")]
pub async fn sandbox_outcome(
    db: Data<Db>,
    payments: Data<Payments>,
    id: Path<String>,
    form: web::Form<CheckoutOutcome>,
) -> Result<HttpResponse, ApiError> {
    let (row, sandbox) = sandbox_donation(&db, &payments, &id, &form.token).await?;
    let paid = match form.outcome.as_str() {
        "pay" => true,
        "fail" => false,
        _ => {
            return Err(ApiError::Validation(vec![field_error(
                "outcome",
                "invalid_value",
                "pay or fail",
            )]));
        }
    };
    if Status::parse(&row.status) == Some(Status::Pending) {
        for event in crate::payments::sandbox::Sandbox::outcome_events(
            row.id,
            row.amount_minor,
            &row.currency,
            row.recurring.is_some(),
            paid,
        ) {
            sandbox.deliver(&event).await?;
        }
    }
    let (slug, name, _, _) = &row.organisation;
    let body = format!(
        "<p class=\"test\" role=\"note\"><strong>Test mode.</strong> No money moved.</p>\
         <h1>{}</h1><p><a href=\"/organisations/{}\">Back to {}</a></p>",
        if paid {
            "Thank you! (test payment completed)"
        } else {
            "The test payment failed"
        },
        html(slug),
        html(name)
    );
    // A page for one checkout: no cache keeps it.
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(page_html("en", "Sandbox checkout (test mode)", &body)))
}
