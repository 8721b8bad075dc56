//! Updates, reactions, comments, the feed and notifications.

use std::time::Duration;

use actix_web::http::header;
use actix_web::web::{self, Data, Path};
use actix_web::{HttpResponse, delete, get, patch, post, put};
use chrono::{DateTime, Utc};
use ensemble_wire::{
    Comment, MarkRead, NewComment, NewReport, NewUpdate, Notification, OrganisationRef, Page,
    PersonRef, ReactionState, ReportReason, Update, UpdateChanges,
};

use super::PageParams;
use super::organisations::wire_status;
use crate::auth::rate_limit::{Limit, RateLimiter};
use crate::auth::{
    AtLeastEditor, Auth, CommentModerator, MaybeAuth, OrgRole, Read, UpdateRole, Write,
};
use crate::db::updates::{self as store, UpdateRow};
use crate::db::{Db, DbConnection, causes, comments, notifications};
use crate::domain::markdown;
use crate::domain::organisations as rules;
use crate::domain::pagination::{KeysetAfter, Limit as PageLimit, split_page};
use crate::domain::text::field_error;
use crate::domain::updates as updates_rules;
use crate::error::ApiError;
use crate::extract::{Json, Query};
use crate::routes::API_PREFIX;

/// Posting limits per person: generous for people, short for scripts.
const UPDATES_PER_HOUR: Limit = Limit {
    max: 60,
    window: Duration::from_secs(3600),
};
const COMMENTS_PER_MINUTE: Limit = Limit {
    max: 20,
    window: Duration::from_secs(60),
};
const REPORTS_PER_HOUR: Limit = Limit {
    max: 30,
    window: Duration::from_secs(3600),
};

fn utc(at: chrono::NaiveDateTime) -> DateTime<Utc> {
    DateTime::<Utc>::from_naive_utc_and_offset(at, Utc)
}

pub fn to_wire(row: UpdateRow, reacted: bool) -> Update {
    Update {
        id: row.id.to_string(),
        organisation: OrganisationRef {
            slug: row.slug,
            name: row.name,
            logo_url: row.logo_url,
            verification_status: wire_status(&row.verification_status),
        },
        body_html: markdown::to_safe_html(&row.body),
        title: row.title,
        body: row.body,
        language: row.language,
        image_urls: updates_rules::split_images(&row.image_urls),
        link_url: row.link_url,
        created_at: utc(row.created_at),
        edited_at: row.edited_at.map(utc),
        reactions_count: row.reactions_count,
        comments_count: row.comments_count,
        reacted,
    }
}

/// A page of updates chosen by `load`, with those the viewer reacted to marked: one trip
/// to the database pool for both (the feed is the hot path).
async fn page_of<F>(
    db: &Db,
    limit: PageLimit,
    viewer: Option<i64>,
    load: F,
) -> Result<Page<Update>, ApiError>
where
    F: FnOnce(&mut DbConnection) -> Result<Vec<UpdateRow>, ApiError> + Send + 'static,
{
    let (rows, next_cursor, reacted) = db
        .run(move |conn| {
            let (rows, next_cursor) = split_page(load(conn)?, limit, UpdateRow::key);
            let reacted = match viewer {
                Some(user) => {
                    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
                    store::reacted(conn, user, &ids)?
                }
                None => Vec::new(),
            };
            Ok((rows, next_cursor, reacted))
        })
        .await?;
    Ok(Page {
        items: rows
            .into_iter()
            .map(|row| {
                let mine = reacted.contains(&row.id);
                to_wire(row, mine)
            })
            .collect(),
        next_cursor,
    })
}

fn update_id(id: &str) -> Result<i64, ApiError> {
    id.parse().map_err(|_| ApiError::NotFound("update"))
}

async fn load_update(db: &Db, id: i64, viewer: Option<i64>) -> Result<Update, ApiError> {
    let (row, reacted) = db
        .run(move |conn| {
            let row = store::find(conn, id)?.ok_or(ApiError::NotFound("update"))?;
            let reacted = match viewer {
                Some(user) => !store::reacted(conn, user, &[id])?.is_empty(),
                None => false,
            };
            Ok((row, reacted))
        })
        .await?;
    Ok(to_wire(row, reacted))
}

/// Post an update (the organisation's editors, admins and owners). It reaches every
/// follower's feed at once; posting costs the same whatever their number.
#[utoipa::path(
    tag = "updates",
    operation_id = "create_update",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "The organisation's slug")),
    request_body = NewUpdate,
    responses(
        (status = 201, description = "Posted; `Location` is its address", body = Update),
        (status = 403, description = "`forbidden`: not in the organisation's team", body = ensemble_wire::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organisation", body = ensemble_wire::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many updates: wait `Retry-After` seconds", body = ensemble_wire::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/organisations/{slug}/updates")]
pub async fn create(
    member: OrgRole<AtLeastEditor>,
    db: Data<Db>,
    limiter: Data<RateLimiter>,
    Json(body): Json<NewUpdate>,
) -> Result<HttpResponse, ApiError> {
    let mut errors = Vec::new();
    let mut keep =
        |r: Result<String, ensemble_wire::FieldError>| r.map_err(|e| errors.push(e)).ok();
    let title = keep(updates_rules::title(&body.title));
    let text = keep(updates_rules::body(&body.body));
    let language = body
        .language
        .as_deref()
        .map(|l| keep(rules::language("language", l)));
    let link_url = body
        .link_url
        .as_deref()
        .map(|u| keep(updates_rules::link_url(u)));
    let images = updates_rules::image_urls(&body.image_urls).map_err(|e| errors.push(e));
    let (Some(title), Some(text), Ok(images), true) = (title, text, images, errors.is_empty())
    else {
        return Err(ApiError::Validation(errors));
    };
    limiter.take(&format!("update:{}", member.user_id), UPDATES_PER_HOUR)?;
    let new = store::NewUpdate {
        title,
        body: text,
        language: language.flatten(),
        image_urls: updates_rules::join_images(&images),
        link_url: link_url.flatten(),
        created_at: None,
    };
    let (organisation, author) = (member.organisation_id, member.user_id);
    let id = db
        .run(move |conn| store::create(conn, organisation, author, new))
        .await?;
    let update = load_update(&db, id, Some(author)).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("{API_PREFIX}/updates/{id}")))
        .json(update))
}

/// An organisation's updates, newest first. Public.
#[utoipa::path(
    tag = "updates",
    operation_id = "list_organisation_updates",
    params(("slug" = String, Path, description = "The organisation's slug"), PageParams),
    responses(
        (status = 200, description = "A page of updates", body = Page<Update>),
        (status = 400, description = "Bad `limit` or `cursor`", body = ensemble_wire::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organisation", body = ensemble_wire::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/organisations/{slug}/updates")]
pub async fn list_for_organisation(
    viewer: MaybeAuth,
    db: Data<Db>,
    slug: Path<String>,
    Query(params): Query<PageParams>,
) -> Result<web::Json<Page<Update>>, ApiError> {
    let (limit, after) = params.parse()?;
    let slug = slug.into_inner();
    let viewer = viewer.user_id();
    let page = page_of(&db, limit, viewer, move |conn| {
        let id = crate::db::organisations::id_of(conn, &slug)?
            .ok_or(ApiError::NotFound("organisation"))?;
        Ok(store::of_organisation(
            conn,
            id,
            after.as_ref(),
            limit.get(),
        )?)
    })
    .await?;
    Ok(web::Json(page))
}

/// One update. Public.
#[utoipa::path(
    tag = "updates",
    operation_id = "get_update",
    params(("id" = String, Path, description = "The update's id")),
    responses(
        (status = 200, description = "The update", body = Update),
        (status = 404, description = "No such update", body = ensemble_wire::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/updates/{id}")]
pub async fn get(
    viewer: MaybeAuth,
    db: Data<Db>,
    id: Path<String>,
) -> Result<web::Json<Update>, ApiError> {
    let id = update_id(&id)?;
    Ok(web::Json(load_update(&db, id, viewer.user_id()).await?))
}

/// Edit an update (the organisation's editors and above); `edited_at` says when.
#[utoipa::path(
    tag = "updates",
    operation_id = "edit_update",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The update's id")),
    request_body = UpdateChanges,
    responses(
        (status = 200, description = "The edited update", body = Update),
        (status = 403, description = "`forbidden`", body = ensemble_wire::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such update", body = ensemble_wire::Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/updates/{id}")]
pub async fn edit(
    editor: UpdateRole<AtLeastEditor>,
    db: Data<Db>,
    Json(body): Json<UpdateChanges>,
) -> Result<web::Json<Update>, ApiError> {
    let mut errors = Vec::new();
    let mut keep =
        |r: Result<String, ensemble_wire::FieldError>| r.map_err(|e| errors.push(e)).ok();
    let changes = store::Changes {
        title: body.title.and_then(|t| keep(updates_rules::title(&t))),
        body: body.body.and_then(|b| keep(updates_rules::body(&b))),
        language: body
            .language
            .and_then(|l| keep(rules::language("language", &l))),
        link_url: body
            .link_url
            .map(|l| l.and_then(|u| keep(updates_rules::link_url(&u)))),
        image_urls: None,
    };
    let changes = store::Changes {
        image_urls: match body.image_urls.map(|urls| updates_rules::image_urls(&urls)) {
            Some(Ok(urls)) => Some(updates_rules::join_images(&urls)),
            Some(Err(e)) => {
                errors.push(e);
                None
            }
            None => None,
        },
        ..changes
    };
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let (id, user) = (editor.update_id, editor.user_id);
    db.run(move |conn| Ok(store::edit(conn, id, changes)?))
        .await?;
    Ok(web::Json(load_update(&db, id, Some(user)).await?))
}

/// Delete an update, with its comments and reactions (the organisation's editors and
/// above). It leaves every feed at once.
#[utoipa::path(
    tag = "updates",
    operation_id = "delete_update",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The update's id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "`forbidden`", body = ensemble_wire::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such update", body = ensemble_wire::Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/updates/{id}")]
pub async fn remove(
    editor: UpdateRole<AtLeastEditor>,
    db: Data<Db>,
) -> Result<HttpResponse, ApiError> {
    let id = editor.update_id;
    db.run(move |conn| Ok(store::delete(conn, id)?)).await?;
    Ok(HttpResponse::NoContent().finish())
}

async fn set_reaction(db: &Db, user: i64, id: &str, on: bool) -> Result<ReactionState, ApiError> {
    let id = update_id(id)?;
    db.run(move |conn| {
        store::organisation_of(conn, id)?.ok_or(ApiError::NotFound("update"))?;
        if on {
            store::react(conn, user, id)?;
        } else {
            store::unreact(conn, user, id)?;
        }
        Ok(ReactionState {
            reacted: !store::reacted(conn, user, &[id])?.is_empty(),
            reactions_count: store::reactions_count(conn, id)?,
        })
    })
    .await
}

/// React to an update (again: no change).
#[utoipa::path(
    tag = "updates",
    operation_id = "react",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The update's id")),
    responses(
        (status = 200, description = "Reacted", body = ReactionState),
        (status = 404, description = "No such update", body = ensemble_wire::Problem, content_type = "application/problem+json"),
    )
)]
#[put("/updates/{id}/reaction")]
pub async fn react(
    auth: Auth<Write>,
    db: Data<Db>,
    id: Path<String>,
) -> Result<web::Json<ReactionState>, ApiError> {
    Ok(web::Json(set_reaction(&db, auth.user_id, &id, true).await?))
}

/// Take your reaction back (none: no change).
#[utoipa::path(
    tag = "updates",
    operation_id = "unreact",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The update's id")),
    responses(
        (status = 200, description = "Not reacted", body = ReactionState),
        (status = 404, description = "No such update", body = ensemble_wire::Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/updates/{id}/reaction")]
pub async fn unreact(
    auth: Auth<Write>,
    db: Data<Db>,
    id: Path<String>,
) -> Result<web::Json<ReactionState>, ApiError> {
    Ok(web::Json(
        set_reaction(&db, auth.user_id, &id, false).await?,
    ))
}

pub(crate) fn comment_to_wire(row: comments::CommentRow) -> Comment {
    let (id, update_id, parent_id, user_id, display_name, avatar_url, body, at) = row;
    Comment {
        id: id.to_string(),
        update_id: update_id.to_string(),
        parent_id: parent_id.map(|p| p.to_string()),
        author: PersonRef {
            user_id: user_id.to_string(),
            display_name,
            avatar_url,
        },
        body,
        created_at: utc(at),
    }
}

/// An update's comments and replies, oldest first; a reply names its comment in
/// `parent_id`. Public.
#[utoipa::path(
    tag = "updates",
    operation_id = "list_comments",
    params(("id" = String, Path, description = "The update's id"), PageParams),
    responses(
        (status = 200, description = "A page of comments", body = Page<Comment>),
        (status = 400, description = "Bad `limit` or `cursor`", body = ensemble_wire::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such update", body = ensemble_wire::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/updates/{id}/comments")]
pub async fn list_comments(
    db: Data<Db>,
    id: Path<String>,
    Query(params): Query<PageParams>,
) -> Result<web::Json<Page<Comment>>, ApiError> {
    let (limit, after) = params.parse()?;
    let id = update_id(&id)?;
    let rows = db
        .run(move |conn| {
            store::organisation_of(conn, id)?.ok_or(ApiError::NotFound("update"))?;
            Ok(comments::list(conn, id, after, limit.get())?)
        })
        .await?;
    let (rows, next_cursor) = split_page(rows, limit, |row| KeysetAfter {
        created_at: row.7,
        id: row.0,
    });
    Ok(web::Json(Page {
        items: rows.into_iter().map(comment_to_wire).collect(),
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
        (status = 404, description = "No such update", body = ensemble_wire::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many comments: wait `Retry-After` seconds", body = ensemble_wire::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/updates/{id}/comments")]
pub async fn create_comment(
    auth: Auth<Write>,
    db: Data<Db>,
    limiter: Data<RateLimiter>,
    id: Path<String>,
    Json(body): Json<NewComment>,
) -> Result<HttpResponse, ApiError> {
    let id = update_id(&id)?;
    let text = updates_rules::comment(&body.body);
    let parent = body.parent_id.as_deref().map(|p| {
        p.parse::<i64>()
            .map_err(|_| field_error("parent_id", "invalid_parent", "not a comment's id"))
    });
    let (text, parent) = match (text, parent.transpose()) {
        (Ok(text), Ok(parent)) => (text, parent),
        (text, parent) => {
            return Err(ApiError::Validation(
                [text.err(), parent.err()].into_iter().flatten().collect(),
            ));
        }
    };
    limiter.take(&format!("comment:{}", auth.user_id), COMMENTS_PER_MINUTE)?;
    let author = auth.user_id;
    let row = db
        .run(move |conn| {
            let comment = comments::create(conn, id, author, parent, &text)?;
            comments::find(conn, comment)?.ok_or(ApiError::NotFound("comment"))
        })
        .await?;
    Ok(HttpResponse::Created().json(comment_to_wire(row)))
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
        (status = 403, description = "`forbidden`: neither its author nor a moderator", body = ensemble_wire::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such comment", body = ensemble_wire::Problem, content_type = "application/problem+json"),
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

/// Report a comment to the organisation's moderators (once; again: no change).
#[utoipa::path(
    tag = "updates",
    operation_id = "report_comment",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The comment's id")),
    request_body = NewReport,
    responses(
        (status = 202, description = "Reported"),
        (status = 404, description = "No such comment", body = ensemble_wire::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many reports", body = ensemble_wire::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/comments/{id}/report")]
pub async fn report_comment(
    auth: Auth<Write>,
    db: Data<Db>,
    limiter: Data<RateLimiter>,
    id: Path<String>,
    Json(body): Json<NewReport>,
) -> Result<HttpResponse, ApiError> {
    let id: i64 = id.parse().map_err(|_| ApiError::NotFound("comment"))?;
    let note = updates_rules::report_note(&body.note).map_err(|e| ApiError::Validation(vec![e]))?;
    let reason = match body.reason {
        ReportReason::Spam => "spam",
        ReportReason::Abuse => "abuse",
        ReportReason::Other => "other",
    };
    limiter.take(&format!("report:{}", auth.user_id), REPORTS_PER_HOUR)?;
    let user = auth.user_id;
    db.run(move |conn| {
        comments::context(conn, id)?.ok_or(ApiError::NotFound("comment"))?;
        comments::report(conn, id, user, reason, &note)
    })
    .await?;
    Ok(HttpResponse::Accepted().finish())
}

/// Your feed: the updates of the organisations you follow, newest first. Keyset-paged
/// on (created_at, id): stable while others post.
#[utoipa::path(
    tag = "me",
    operation_id = "my_feed",
    security(("bearer" = [])),
    params(PageParams),
    responses(
        (status = 200, description = "A page of your feed", body = Page<Update>),
        (status = 400, description = "Bad `limit` or `cursor`", body = ensemble_wire::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/me/feed")]
pub async fn feed(
    auth: Auth<Read>,
    db: Data<Db>,
    Query(params): Query<PageParams>,
) -> Result<web::Json<Page<Update>>, ApiError> {
    let (limit, after) = params.parse()?;
    let user = auth.user_id;
    let page = page_of(&db, limit, Some(user), move |conn| {
        Ok(store::feed(conn, user, after.as_ref(), limit.get())?)
    })
    .await?;
    Ok(web::Json(page))
}

/// The newest updates of the organisations working on a cause (and its narrower causes).
#[utoipa::path(
    tag = "causes",
    operation_id = "cause_updates",
    params(("slug" = String, Path, description = "The cause's slug"), PageParams),
    responses(
        (status = 200, description = "A page of updates", body = Page<Update>),
        (status = 400, description = "Bad `limit` or `cursor`", body = ensemble_wire::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such cause", body = ensemble_wire::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/causes/{slug}/updates")]
pub async fn cause_updates(
    viewer: MaybeAuth,
    db: Data<Db>,
    slug: Path<String>,
    Query(params): Query<PageParams>,
) -> Result<web::Json<Page<Update>>, ApiError> {
    let (limit, after) = params.parse()?;
    let slug = slug.into_inner();
    let viewer = viewer.user_id();
    let page = page_of(&db, limit, viewer, move |conn| {
        let ids = causes::with_children(conn, &slug)?.ok_or(ApiError::NotFound("cause"))?;
        Ok(store::in_causes(conn, &ids, after.as_ref(), limit.get())?)
    })
    .await?;
    Ok(web::Json(page))
}

pub(crate) fn notification_to_wire(row: notifications::Row) -> Notification {
    Notification {
        id: row.id.to_string(),
        kind: row.kind.into(),
        actor: row.actor.map(|actor| PersonRef {
            user_id: actor.id.to_string(),
            display_name: actor.display_name,
            avatar_url: actor.avatar_url,
        }),
        organisation: row.organisation.map(|o| OrganisationRef {
            slug: o.slug,
            name: o.name,
            logo_url: o.logo_url,
            verification_status: o.verification_status.into(),
        }),
        update_id: row.update_id.map(|id| id.to_string()),
        comment_id: row.comment_id.map(|id| id.to_string()),
        role: row.role.map(Into::into),
        created_at: utc(row.created_at),
        read: row.read_at.is_some(),
    }
}

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
        (status = 400, description = "Bad `limit` or `cursor`", body = ensemble_wire::Problem, content_type = "application/problem+json"),
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
            items: rows.into_iter().map(notification_to_wire).collect(),
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
                "too_many",
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
