//! Comments and replies under an update, their deletion (moderation) and reports.

use actix_web::web::{self, Data, Path};
use actix_web::{HttpResponse, delete, get, post};
use ensemble_wire::{Comment, NewComment, NewReport, Page};

use super::{COMMENTS_PER_MINUTE, update_id};
use crate::auth::rate_limit::RateLimiter;
use crate::auth::{Auth, CommentModerator, MaybeAuth, Verified, Write};
use crate::db::StoreError;
use crate::db::updates::{self as store};
use crate::db::{Db, comments};
use crate::domain::moderation::ItemKind;
use crate::domain::pagination::split_page;
use crate::domain::updates as updates_rules;
use crate::domain::updates::Report;
use crate::error::ApiError;
use crate::extract::{Json, Query};
use crate::routes::PageParams;

/// An update's comments and replies, oldest first; a reply names its comment in
/// `parent_id`. Public. A comment the moderators removed keeps its place with their reason
/// (`removed`) and, for all but its author, no text; one by someone the reader blocked is
/// marked `author_blocked`.
#[utoipa::path(
    tag = "updates",
    operation_id = "list_comments",
    params(("id" = String, Path, description = "The update's id"), PageParams),
    responses(
        (status = 200, description = "A page of comments", body = Page<Comment>),
        crate::openapi::problems::BadPage,
        crate::openapi::problems::NoSuchUpdate,
    )
)]
#[get("/updates/{id}/comments")]
pub async fn list_comments(
    viewer: MaybeAuth,
    db: Data<Db>,
    id: Path<String>,
    Query(params): Query<PageParams>,
) -> Result<web::Json<Page<Comment>>, ApiError> {
    let (limit, after) = params.parse()?;
    let id = update_id(&id)?;
    let reader = viewer.user_id();
    let (rows, blocked) = db
        .run(move |conn| {
            store::organisation_of(conn, id)?.ok_or(StoreError::NotFound("update"))?;
            let rows = comments::list(conn, id, after, limit.get())?;
            let blocked = match reader {
                Some(reader) => {
                    let authors: Vec<i64> = rows.iter().map(|r| r.author_id).collect();
                    crate::db::blocks::blocked_among(conn, reader, &authors)?
                }
                None => Default::default(),
            };
            Ok((rows, blocked))
        })
        .await?;
    let (rows, next_cursor) = split_page(rows, limit, comments::CommentRow::key);
    Ok(web::Json(Page {
        items: rows
            .into_iter()
            .map(|row| crate::convert::comment(row, reader, &blocked))
            .collect(),
        next_cursor,
    }))
}

/// Comment on an update, or reply to a comment (`parent_id`).
#[utoipa::path(
    tag = "updates",
    operation_id = "create_comment",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The update's id")),
    request_body = NewComment,
    responses(
        (status = 201, description = "Posted", body = Comment),
        crate::openapi::problems::NoSuchUpdate,
        (status = 403, description = "`banned_here`: the organisation banned you from commenting on its updates; `blocked`: the author of the comment you reply to blocked you; `email_not_verified`; `account_suspended`"),
        (status = 409, description = "`duplicate_comment`: the same comment (20 characters or more) posted by its author within a day; `comments_locked`: the moderators closed this update's comments"),
        (status = 429, description = "`rate_limited`, wait `Retry-After` seconds: 20 comments a minute; on an account's first day, `ENSEMBLE_NEW_ACCOUNT_COMMENTS_PER_HOUR` (10) an hour, and `ENSEMBLE_NEW_ACCOUNT_LINKS_PER_DAY` (2) with a link"),
    )
)]
#[post("/updates/{id}/comments")]
pub async fn create_comment(
    auth: Auth<Verified>,
    db: Data<Db>,
    limiter: Data<RateLimiter>,
    rules: Data<crate::db::moderation::Rules>,
    id: Path<String>,
    Json(body): Json<NewComment>,
) -> Result<HttpResponse, ApiError> {
    use crate::auth::rate_limit::Limit;
    use crate::domain::moderation::{NEW_ACCOUNT_HOURS, links_in};

    let id = update_id(&id)?;
    let comment = updates_rules::NewComment::try_from(body).map_err(ApiError::Validation)?;
    let author = auth.user_id;
    limiter.take(&format!("comment:{author}"), COMMENTS_PER_MINUTE)?;
    // An account's first day: fewer comments, and fewer links (where spam goes).
    let joined = db
        .run(move |conn| Ok(crate::db::users::joined(conn, author)?))
        .await?;
    if crate::db::now() - joined < chrono::Duration::hours(NEW_ACCOUNT_HOURS) {
        let hour = std::time::Duration::from_secs(3600);
        limiter.take(
            &format!("comment-new:{author}"),
            Limit {
                max: rules.new_account_comments_per_hour,
                window: hour,
            },
        )?;
        if links_in(&comment.body) > 0 {
            limiter.take(
                &format!("link-new:{author}"),
                Limit {
                    max: rules.new_account_links_per_day,
                    window: hour * 24,
                },
            )?;
        }
    }
    let row = db
        .run(move |conn| {
            let created = comments::create(conn, id, author, &comment)?;
            comments::find(conn, created)?.ok_or(StoreError::NotFound("comment"))
        })
        .await?;
    Ok(HttpResponse::Created().json(Comment::from(row)))
}

/// Delete a comment and its replies: its author, or the organisation's admins and owners
/// (moderation).
#[utoipa::path(
    tag = "updates",
    operation_id = "delete_comment",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The comment's id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "`forbidden`: neither its author nor a moderator"),
        (status = 404, description = "No such comment"),
    )
)]
#[delete("/comments/{id}")]
pub async fn delete_comment(
    moderator: CommentModerator,
    db: Data<Db>,
) -> Result<HttpResponse, ApiError> {
    let id = moderator.comment_id;
    db.run(move |conn| comments::delete(conn, id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Report a comment to the organisation's moderators (once; again: no change); the same as
/// `POST /reports` with `kind: comment`.
#[utoipa::path(
    tag = "updates",
    operation_id = "report_comment",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The comment's id")),
    request_body = NewReport,
    responses(
        (status = 202, description = "Reported"),
        (status = 404, description = "No such comment"),
        (status = 429, description = "Too many reports"),
    )
)]
#[post("/comments/{id}/report")]
pub async fn report_comment(
    auth: Auth<Write>,
    db: Data<Db>,
    limiter: Data<RateLimiter>,
    rules: Data<crate::db::moderation::Rules>,
    id: Path<String>,
    Json(body): Json<NewReport>,
) -> Result<HttpResponse, ApiError> {
    let id: i64 = id.parse().map_err(|_| ApiError::NotFound("comment"))?;
    let report = Report::try_from(body).map_err(ApiError::Validation)?;
    crate::routes::moderation::submit(
        auth.user_id,
        ItemKind::Comment,
        id,
        report,
        &db,
        &limiter,
        **rules,
    )
    .await?;
    Ok(HttpResponse::Accepted().finish())
}
