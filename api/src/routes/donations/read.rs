//! Reading donations: one (`GET /donations/{id}`), the donor's (`/me/donations`) and an
//! organisation's (`/organisations/{slug}/donations`).

use actix_web::get;
use actix_web::web::{self, Data, Path};
use ensemble_wire::{Donation, Page};

use super::visible;
use crate::auth::{AtLeastAdmin, Auth, OrgRole, Read};
use crate::db::Db;
use crate::db::donations::{self as store, Of};
use crate::domain::donations::Viewer;
use crate::domain::pagination::{KeysetAfter, split_page};
use crate::error::ApiError;
use crate::extract::Query;
use crate::routes::PageParams;

/// One donation: its donor, or the organisation's admins (who see the donor's name unless
/// anonymous, and their email only with consent).
#[utoipa::path(
    tag = "donations",
    operation_id = "get_donation",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The donation's id")),
    responses(
        (status = 200, description = "The donation", body = Donation),
        (status = 404, description = "No such donation (or not yours to see)"),
    )
)]
#[get("/donations/{id}")]
pub async fn get(
    auth: Auth<Read>,
    db: Data<Db>,
    id: Path<String>,
) -> Result<web::Json<Donation>, ApiError> {
    let seen = visible(&db, &id, auth.user_id).await?;
    Ok(web::Json(crate::convert::donation(
        seen.row,
        &seen.payments,
        seen.viewer,
    )))
}

/// A page of donations, as `viewer` sees them.
async fn page(
    db: &Db,
    of: Of,
    params: &PageParams,
    viewer: Viewer,
) -> Result<Page<Donation>, ApiError> {
    let (limit, after) = params.parse()?;
    let (rows, payments) = db
        .run(move |conn| {
            let rows = store::list(conn, of, after, limit.get())?;
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
            .map(|r| crate::convert::donation(r, &payments, viewer))
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
        crate::openapi::problems::BadPage,
    )
)]
#[get("/me/donations")]
pub async fn mine(
    auth: Auth<Read>,
    db: Data<Db>,
    Query(params): Query<PageParams>,
) -> Result<web::Json<Page<Donation>>, ApiError> {
    Ok(web::Json(
        page(&db, Of::Donor(auth.user_id), &params, Viewer::Donor).await?,
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
        crate::openapi::problems::BadPage,
        (status = 403, description = "`forbidden`: not an admin of it"),
        crate::openapi::problems::NoSuchOrganisation,
    )
)]
#[get("/organisations/{slug}/donations")]
pub async fn of_organisation(
    admin: OrgRole<AtLeastAdmin>,
    db: Data<Db>,
    Query(params): Query<PageParams>,
) -> Result<web::Json<Page<Donation>>, ApiError> {
    Ok(web::Json(
        page(
            &db,
            Of::Organisation(admin.organisation_id),
            &params,
            Viewer::Organisation,
        )
        .await?,
    ))
}
