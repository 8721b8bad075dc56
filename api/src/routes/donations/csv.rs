//! `GET /organisations/{slug}/donations.csv`: an organisation's donations for its accounts,
//! streamed a page at a time (never loaded whole), each row through the same privacy rule
//! as every other view, test money marked on its row.

use actix_web::http::header;
use actix_web::web::{Bytes, Data};
use actix_web::{HttpResponse, get};
use futures_util::stream;

use super::decimal;
use crate::auth::{AtLeastAdmin, OrgRole};
use crate::db::Db;
use crate::db::donations::{self as store, Of};
use crate::domain::donations::{PaymentStatus, Viewer};
use crate::domain::pagination::KeysetAfter;
use crate::error::ApiError;

const HEADER: &str = "id,created_at,status,amount,currency,recurring,donor_name,donor_email,message,payments,received,mode\n";

/// Rows read from the database per chunk of the answer.
const CHUNK: i64 = 500;

/// A CSV cell: quoted, and a leading `= + - @` defused so a spreadsheet never runs it.
pub(crate) fn cell(value: &str) -> String {
    let defused = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    format!("\"{}\"", defused.replace('"', "\"\""))
}

/// The lines of one page of donations.
fn lines(rows: Vec<store::Row>, payments: &[store::PaymentRow]) -> String {
    let mut out = String::new();
    for row in rows {
        let id = row.id;
        let paid: Vec<&store::PaymentRow> = payments
            .iter()
            .filter(|p| p.donation_id == id && p.status == PaymentStatus::Succeeded)
            .collect();
        let received: i64 = paid.iter().map(|p| p.amount_minor).sum();
        let (status, recurring) = (row.status, row.recurring);
        let donation = crate::convert::donation(row, payments, Viewer::Organisation);
        let fields = [
            donation.id.clone(),
            donation.created_at.to_rfc3339(),
            status.as_str().to_owned(),
            decimal(donation.amount_minor),
            donation.currency.clone(),
            recurring.map_or("", |r| r.as_str()).to_owned(),
            donation.donor_name.clone().unwrap_or_default(),
            donation.donor_email.clone().unwrap_or_default(),
            donation.message.clone(),
            paid.len().to_string(),
            decimal(received),
            if donation.test { "TEST" } else { "live" }.to_owned(),
        ];
        out.push_str(&fields.iter().map(|f| cell(f)).collect::<Vec<_>>().join(","));
        out.push('\n');
    }
    out
}

/// Where the stream is.
enum Next {
    Header,
    After(Option<KeysetAfter>),
    Done,
}

/// An organisation's donations as CSV, for its accounts (admins and owners): one line per
/// donation, with what was received; test money is marked `TEST` in the `mode` column.
#[utoipa::path(
    tag = "donations",
    operation_id = "organisation_donations_csv",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "The organisation's slug")),
    responses(
        (status = 200, description = "CSV (UTF-8, header line first)", content_type = "text/csv", body = String),
        crate::openapi::problems::NotYourRole,
        crate::openapi::problems::NoSuchOrganisation,
    )
)]
#[get("/organisations/{slug}/donations.csv")]
pub async fn csv(admin: OrgRole<AtLeastAdmin>, db: Data<Db>) -> Result<HttpResponse, ApiError> {
    let of = Of::Organisation(admin.organisation_id);
    let body = stream::unfold(Next::Header, move |next| {
        let db = db.clone();
        async move {
            match next {
                Next::Header => {
                    Some((Ok(Bytes::from_static(HEADER.as_bytes())), Next::After(None)))
                }
                Next::After(after) => {
                    let page = db
                        .run(move |conn| {
                            let rows = store::list(conn, of, after, CHUNK)?;
                            let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
                            Ok((rows, store::payments(conn, &ids)?))
                        })
                        .await;
                    match page {
                        Ok((mut rows, payments)) => {
                            let more = rows.len() > CHUNK as usize;
                            rows.truncate(CHUNK as usize);
                            let last = rows.last().map(|r| KeysetAfter {
                                created_at: r.created_at,
                                id: r.id,
                            });
                            let text = lines(rows, &payments);
                            let next = if more { Next::After(last) } else { Next::Done };
                            Some((Ok(Bytes::from(text)), next))
                        }
                        // The status line is sent: the body ends short.
                        Err(error) => {
                            tracing::error!(%error, "the donations CSV stopped short");
                            Some((Err(error), Next::Done))
                        }
                    }
                }
                Next::Done => None,
            }
        }
    });
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"donations.csv\"",
        ))
        .streaming(body))
}
