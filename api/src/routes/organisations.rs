//! `/organisations`: the directory of organisations.

use actix_web::get;
use actix_web::web::{Data, Json};
use chrono::{DateTime, Utc};
use ensemble_wire::{Organisation, Page};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::db::Db;
use crate::db::organisations::{self as store, OrganisationRow};
use crate::domain::pagination::{KeysetAfter, Limit, split_page};
use crate::error::ApiError;
use crate::extract::Query;

/// Paging parameters shared by lists.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Items per page.
    #[param(minimum = 1, maximum = 100, default = 20)]
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    #[param(pattern = "^[A-Za-z0-9_-]{1,200}$")]
    pub cursor: Option<String>,
}

/// List organisations, newest first.
#[utoipa::path(
    tag = "organisations",
    operation_id = "list_organisations",
    params(PageParams),
    responses(
        (status = 200, description = "A page of organisations", body = Page<Organisation>),
        (status = 400, description = "Bad `limit` or `cursor`", body = ensemble_wire::Problem,
         content_type = "application/problem+json"),
    )
)]
#[get("/organisations")]
pub async fn list(
    db: Data<Db>,
    Query(params): Query<PageParams>,
) -> Result<Json<Page<Organisation>>, ApiError> {
    let limit = Limit::parse(params.limit);
    let after = KeysetAfter::decode_opt(params.cursor.as_deref());
    let (limit, after) = match (limit, after) {
        (Ok(limit), Ok(after)) => (limit, after),
        (limit, after) => {
            let errors = [limit.err(), after.err()].into_iter().flatten().collect();
            return Err(ApiError::InvalidQuery(errors));
        }
    };
    let rows = db
        .run(move |conn| Ok(store::list_recent(conn, after, limit.get())?))
        .await?;
    let (rows, next_cursor) = split_page(rows, limit, |row| KeysetAfter {
        created_at: row.created_at,
        id: row.id,
    });
    Ok(Json(Page {
        items: rows.into_iter().map(to_wire).collect(),
        next_cursor,
    }))
}

pub fn to_wire(row: OrganisationRow) -> Organisation {
    Organisation {
        id: row.id.to_string(),
        slug: row.slug,
        name: row.name,
        mission: row.mission,
        country: row.country,
        created_at: DateTime::<Utc>::from_naive_utc_and_offset(row.created_at, Utc),
    }
}
