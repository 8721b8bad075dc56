//! `/me/notifications`: what concerns the reader, and marking it read.

use actix_web::web::Data;
use actix_web::{HttpResponse, get, post};
use ensemble_wire::Code;
use ensemble_wire::{MarkRead, Notification, Page};

use crate::auth::{Auth, Read, Write};
use crate::db::{Db, notifications};
use crate::domain::pagination::{KeysetAfter, split_page};
use crate::domain::text::field_error;
use crate::error::ApiError;
use crate::extract::{Json, Query};
use crate::routes::PageParams;

/// Your notifications, newest first: replies to your comments, comments on your
/// organisations' updates, roles given to you. `X-Unread-Count` says how many are unread.
#[utoipa::path(
    tag = "me",
    operation_id = "my_notifications",
    security(("bearer" = [])),
    params(PageParams),
    responses(
        (status = 200, description = "A page of notifications", body = Page<Notification>,
         headers(("X-Unread-Count" = i64, description = "Unread notifications, all pages"))),
        crate::openapi::problems::BadPage,
    )
)]
#[get("/me/notifications")]
pub async fn my_notifications(
    auth: Auth<Read>,
    db: Data<Db>,
    Query(params): Query<PageParams>,
) -> Result<HttpResponse, ApiError> {
    let (limit, after) = params.parse()?;
    let user = auth.user_id;
    let (rows, unread) = db
        .run(move |conn| {
            Ok((
                notifications::list(conn, user, after, limit.get())?,
                notifications::unread(conn, user)?,
            ))
        })
        .await?;
    let (rows, next_cursor) = split_page(rows, limit, |row| KeysetAfter {
        created_at: row.created_at,
        id: row.id,
    });
    Ok(HttpResponse::Ok()
        .insert_header(("X-Unread-Count", unread.to_string()))
        .json(Page {
            items: rows.into_iter().map(Notification::from).collect(),
            next_cursor,
        }))
}

/// Mark notifications read: those whose `ids` are given, or all.
#[utoipa::path(
    tag = "me",
    operation_id = "read_notifications",
    security(("bearer" = [])),
    request_body = MarkRead,
    responses((status = 204, description = "Marked read"))
)]
#[post("/me/notifications/read")]
pub async fn read_notifications(
    auth: Auth<Write>,
    db: Data<Db>,
    Json(body): Json<MarkRead>,
) -> Result<HttpResponse, ApiError> {
    let ids = match body.ids {
        None => None,
        Some(ids) if ids.len() > 100 => {
            return Err(ApiError::Validation(vec![field_error(
                "ids",
                Code::TooMany,
                "at most 100 ids",
            )]));
        }
        // An id that is not a number names none of your notifications.
        Some(ids) => Some(
            ids.iter()
                .filter_map(|id| id.parse().ok())
                .collect::<Vec<i64>>(),
        ),
    };
    let user = auth.user_id;
    db.run(move |conn| Ok(notifications::mark_read(conn, user, ids.as_deref())?))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
