//! Moderation: anyone signed in reports a comment, an update, an organisation or a person;
//! moderators (a platform role, granted with `ensemble moderators grant EMAIL`; platform
//! administrators too) see every report, and an organisation's admins and owners those of
//! the comments under its updates; they decide (dismiss, delete), and every decision is kept
//! in a log platform administrators read.

use std::time::Duration;

use actix_web::web::{Data, Path};
use actix_web::{HttpResponse, get, post};
use ensemble_wire::{
    AuditEntry, Code, FieldError, NewItemReport, Page, QueueEntry, ReportState as WireState,
    ReportedItem,
};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::rate_limit::{Limit, RateLimiter};
use crate::auth::{Auth, Read, Write};
use crate::convert::utc;
use crate::db::moderation::{self as store, LogRow, QueueItem};
use crate::db::{Db, StoreError};
use crate::domain::moderation::{Appeal, Decision, ItemKind, Moderator, ReportState};
use crate::domain::pagination::{KeysetAfter, split_page};
use crate::domain::text::field_error;
use crate::domain::updates::Report;
use crate::error::ApiError;
use crate::extract::{Json, Query};
use crate::routes::PageParams;

/// Reports one person may send in an hour, whatever they report.
pub const REPORTS_PER_HOUR: Limit = Limit {
    max: 30,
    window: Duration::from_secs(3600),
};

/// The most items one look at the queue shows.
const QUEUE_PAGE: usize = 100;

fn item_id(id: &str, kind: ItemKind) -> Result<i64, ApiError> {
    id.parse().map_err(|_| ApiError::NotFound(kind.as_str()))
}

/// Report something to the moderators: a comment, an update, an organisation or a person.
/// One open report per person and item: reporting again changes nothing. A comment reported
/// by `ENSEMBLE_AUTO_HIDE_REPORTS` people (5 unless configured) is hidden until a moderator
/// looks.
#[utoipa::path(
    tag = "moderation",
    operation_id = "report",
    security(("bearer" = [])),
    request_body = NewItemReport,
    responses(
        (status = 202, description = "Reported"),
        (status = 404, description = "No such item"),
        (status = 422, description = "`validation_failed`"),
        (status = 429, description = "`rate_limited`: too many reports this hour"),
    )
)]
#[post("/reports")]
pub async fn report(
    auth: Auth<Write>,
    db: Data<Db>,
    limiter: Data<RateLimiter>,
    rules: Data<store::Rules>,
    Json(body): Json<NewItemReport>,
) -> Result<HttpResponse, ApiError> {
    let kind = ItemKind::from(body.kind);
    let id = item_id(&body.id, kind)?;
    let report = Report::try_from(ensemble_wire::NewReport {
        reason: body.reason,
        note: body.note,
    })
    .map_err(ApiError::Validation)?;
    submit(auth.user_id, kind, id, report, &db, &limiter, **rules).await?;
    Ok(HttpResponse::Accepted().finish())
}

/// Records a report, within the reporter's hourly allowance (also for
/// `POST /comments/{id}/report`).
pub async fn submit(
    reporter: i64,
    kind: ItemKind,
    id: i64,
    what: Report,
    db: &Db,
    limiter: &RateLimiter,
    rules: store::Rules,
) -> Result<(), ApiError> {
    limiter.take(&format!("report:{reporter}"), REPORTS_PER_HOUR)?;
    db.run(move |conn| store::report(conn, kind, id, reporter, &what, rules))
        .await?;
    Ok(())
}

/// Appeal a removal: its author, once per removal, says why it should come back; the
/// moderators find it first in their queue and restore it or keep it removed.
#[utoipa::path(
    tag = "moderation",
    operation_id = "appeal",
    security(("bearer" = [])),
    request_body = ensemble_wire::NewAppeal,
    responses(
        (status = 202, description = "Appealed: the moderators will look again"),
        (status = 403, description = "`forbidden`: not its author"),
        (status = 404, description = "No such item"),
        (status = 409, description = "`not_hidden` (nothing to appeal) or `already_appealed`"),
        (status = 422, description = "`validation_failed`: say why"),
        (status = 429, description = "`rate_limited`"),
    )
)]
#[post("/moderation/appeals")]
pub async fn appeal(
    auth: Auth<Write>,
    db: Data<Db>,
    limiter: Data<RateLimiter>,
    Json(body): Json<ensemble_wire::NewAppeal>,
) -> Result<HttpResponse, ApiError> {
    let kind = ItemKind::from(body.kind);
    let id = item_id(&body.id, kind)?;
    let appeal = Appeal::try_from(body).map_err(ApiError::Validation)?;
    let author = auth.user_id;
    limiter.take(&format!("report:{author}"), REPORTS_PER_HOUR)?;
    db.run(move |conn| store::appeal(conn, kind, id, author, &appeal))
        .await?;
    Ok(HttpResponse::Accepted().finish())
}

/// Which reports to list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueueParams {
    /// Only this kind of item.
    #[param(value_type = Option<ensemble_wire::ItemKind>)]
    pub kind: Option<String>,
    /// `open` (the default), `dismissed` or `upheld`.
    #[param(value_type = Option<WireState>)]
    pub state: Option<String>,
}

impl QueueParams {
    fn parse(&self) -> Result<(Option<ItemKind>, ReportState), ApiError> {
        let mut errors: Vec<FieldError> = Vec::new();
        let kind = match self.kind.as_deref() {
            None => None,
            Some(k) => ItemKind::parse(k).or_else(|| {
                errors.push(field_error(
                    "kind",
                    Code::InvalidValue,
                    "not a kind of item",
                ));
                None
            }),
        };
        let state = match self.state.as_deref() {
            None => ReportState::Open,
            Some(s) => ReportState::parse(s).unwrap_or_else(|| {
                errors.push(field_error(
                    "state",
                    Code::InvalidValue,
                    "not a report's state",
                ));
                ReportState::Open
            }),
        };
        if errors.is_empty() {
            Ok((kind, state))
        } else {
            Err(ApiError::InvalidQuery(errors))
        }
    }
}

/// The moderator this person is, or 403.
async fn moderator_of(db: &Db, user: i64) -> Result<Moderator, ApiError> {
    db.run(move |conn| Ok(store::moderator(conn, user)?))
        .await?
        .ok_or(ApiError::Forbidden(Code::Forbidden))
}

fn entry(item: QueueItem, state: ReportState) -> QueueEntry {
    let preview = item.preview;
    QueueEntry {
        item: ReportedItem {
            kind: item.kind.into(),
            id: item.item_id.to_string(),
            exists: preview.is_some(),
            preview: preview.as_ref().map(|p| p.text.clone()).unwrap_or_default(),
            author_id: preview
                .as_ref()
                .and_then(|p| p.author_id)
                .map(|id| id.to_string()),
            author_name: preview.as_ref().and_then(|p| p.author_name.clone()),
            path: preview.and_then(|p| p.path),
        },
        state: state.into(),
        reports_count: item.reports_count,
        reasons: item.reasons.into_iter().map(Into::into).collect(),
        notes: item.notes,
        appeal: item.appeal,
        first_reported_at: utc(item.first_reported_at),
    }
}

/// The moderators' queue: each reported item once, with how many reported it, why (the
/// most urgent reason first) and what they added; the most urgent items first (the most
/// severe reason, then the most reports, then the longest waiting). Moderators see every
/// report; an organisation's admins and owners those of the comments under its updates.
#[utoipa::path(
    tag = "moderation",
    operation_id = "moderation_queue",
    security(("bearer" = [])),
    params(QueueParams),
    responses(
        (status = 200, description = "At most 100 items", body = Page<QueueEntry>),
        (status = 400, description = "`invalid_query`: an unknown kind or state"),
        (status = 403, description = "`forbidden`: not a moderator"),
    )
)]
#[get("/moderation/reports")]
pub async fn queue(
    auth: Auth<Read>,
    db: Data<Db>,
    Query(params): Query<QueueParams>,
) -> Result<HttpResponse, ApiError> {
    let (kind, state) = params.parse()?;
    let user = auth.user_id;
    let moderator = moderator_of(&db, user).await?;
    let items = db
        .run(move |conn| {
            Ok(store::queue(
                conn, moderator, user, kind, state, QUEUE_PAGE,
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(Page {
        items: items.into_iter().map(|i| entry(i, state)).collect(),
        next_cursor: None,
    }))
}

/// Decide about a reported or appealed item: `dismiss` its reports (or its author's appeal:
/// it stays removed); `hide` a comment (others see it was removed, and why; its author may
/// appeal once) or an organisation (under review: out of discovery, refusing gifts, its
/// verification back to review); `restore` a hidden comment, an organisation under review
/// or a suspended person; `suspend` a person (`until` a time, or for good: they may still
/// sign in, export their data and delete their account, nothing else); `lock` an update's
/// comments or `unlock` them; or `delete` it (a comment with its replies, an update with
/// its comments). Anything but comments is for platform moderators, except that an
/// organisation's admins close and open the comments of its updates. Its open reports close, and the log keeps who decided what, why,
/// and the item as it was.
#[utoipa::path(
    tag = "moderation",
    operation_id = "moderation_decide",
    security(("bearer" = [])),
    params(
        ("kind" = ensemble_wire::ItemKind, Path, description = "What the item is"),
        ("id" = String, Path, description = "The item's id"),
    ),
    request_body = ensemble_wire::Decision,
    responses(
        (status = 204, description = "Decided"),
        (status = 403, description = "`forbidden`: not a moderator of this item, or suspending a platform administrator"),
        (status = 404, description = "No such item (to delete), or no such kind"),
        (status = 409, description = "`nothing_reported` (dismissing what nobody reported or appealed), `not_hidden` (restoring what is shown, or who is not suspended), `not_yourself` (suspending yourself) or `not_for_this_item` (an action that does not apply: hiding an update or a person, suspending anything but a person, deleting an organisation or an account)"),
        (status = 422, description = "`validation_failed`: say why; `until` only for `suspend`, and in the future"),
    )
)]
#[post("/moderation/reports/{kind}/{id}")]
pub async fn decide(
    auth: Auth<Write>,
    db: Data<Db>,
    path: Path<(String, String)>,
    Json(body): Json<ensemble_wire::Decision>,
) -> Result<HttpResponse, ApiError> {
    let (kind, id) = path.into_inner();
    let kind = ItemKind::parse(&kind).ok_or(ApiError::NotFound("kind of item"))?;
    let id = item_id(&id, kind)?;
    let decision = Decision::try_from(body).map_err(ApiError::Validation)?;
    let user = auth.user_id;
    let moderator = moderator_of(&db, user).await?;
    db.run(move |conn| {
        if !store::may_decide(conn, moderator, user, decision.action, kind, id)? {
            return Err(StoreError::Forbidden(Code::Forbidden));
        }
        store::decide(conn, user, kind, id, &decision)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

impl From<LogRow> for AuditEntry {
    fn from(row: LogRow) -> Self {
        AuditEntry {
            id: row.id.to_string(),
            actor_id: row.actor_id.map(|id| id.to_string()),
            actor_name: row.actor_name,
            action: row.action,
            item_kind: row.item_kind.into(),
            item_id: row.item_id.to_string(),
            reason: row.reason,
            before: serde_json::from_str(&row.before).unwrap_or(serde_json::Value::Null),
            created_at: utc(row.created_at),
        }
    }
}

/// The moderation log, newest first: every decision, who made it, why, and the item as it
/// was. Platform administrators only.
#[utoipa::path(
    tag = "moderation",
    operation_id = "moderation_audit",
    security(("bearer" = [])),
    params(PageParams),
    responses(
        (status = 200, description = "A page of decisions", body = Page<AuditEntry>),
        crate::openapi::problems::BadPage,
        (status = 403, description = "`platform_admin_only`"),
    )
)]
#[get("/moderation/audit")]
pub async fn audit(
    auth: Auth<Read>,
    db: Data<Db>,
    Query(params): Query<PageParams>,
) -> Result<HttpResponse, ApiError> {
    if !auth.is_admin {
        return Err(ApiError::Forbidden(Code::PlatformAdminOnly));
    }
    let (limit, after) = params.parse()?;
    let rows = db
        .run(move |conn| Ok(store::log(conn, after.map(|a| a.id), limit.get())?))
        .await?;
    let (rows, next_cursor) = split_page(rows, limit, |row| KeysetAfter {
        created_at: row.created_at,
        id: row.id,
    });
    Ok(HttpResponse::Ok().json(Page {
        items: rows.into_iter().map(AuditEntry::from).collect(),
        next_cursor,
    }))
}

/// Rows of the log read per chunk of its CSV.
const AUDIT_CHUNK: i64 = 500;

/// What the log's CSV sends next: its header, the entries before one (the newest first),
/// or nothing more.
enum Chunk {
    Header,
    Before(Option<i64>),
    Done,
}

/// One decision as a CSV line.
fn audit_line(row: LogRow) -> String {
    use crate::routes::donations::csv::cell;
    let fields = [
        row.id.to_string(),
        utc(row.created_at).to_rfc3339(),
        row.actor_id.map(|id| id.to_string()).unwrap_or_default(),
        row.actor_name,
        row.action,
        row.item_kind.as_str().to_owned(),
        row.item_id.to_string(),
        row.reason,
        row.before,
    ];
    let cells: Vec<String> = fields.iter().map(|f| cell(f)).collect();
    format!("{}\n", cells.join(","))
}

/// The whole moderation log as CSV, newest first, for keeping or handing over (the `before`
/// column is the item as it was, in JSON). Platform administrators only. Streamed a chunk
/// at a time.
#[utoipa::path(
    tag = "moderation",
    operation_id = "moderation_audit_csv",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "CSV (UTF-8, header line first)", content_type = "text/csv", body = String),
        (status = 403, description = "`platform_admin_only`"),
    )
)]
#[get("/moderation/audit.csv")]
pub async fn audit_csv(auth: Auth<Read>, db: Data<Db>) -> Result<HttpResponse, ApiError> {
    use actix_web::http::header;
    use actix_web::web::Bytes;

    if !auth.is_admin {
        return Err(ApiError::Forbidden(Code::PlatformAdminOnly));
    }
    const HEADER: &str =
        "id,created_at,actor_id,actor_name,action,item_kind,item_id,reason,before\n";
    let body = futures_util::stream::unfold(Chunk::Header, move |next| {
        let db = db.clone();
        async move {
            let before = match next {
                Chunk::Header => {
                    let header = Bytes::from_static(HEADER.as_bytes());
                    return Some((Ok(header), Chunk::Before(None)));
                }
                Chunk::Before(before) => before,
                Chunk::Done => return None,
            };
            match db
                .run(move |conn| Ok(store::log(conn, before, AUDIT_CHUNK)?))
                .await
            {
                Ok(mut rows) => {
                    let more = rows.len() > AUDIT_CHUNK as usize;
                    rows.truncate(AUDIT_CHUNK as usize);
                    let last = rows.last().map(|r| r.id);
                    let text: String = rows.into_iter().map(audit_line).collect();
                    let next = if more {
                        Chunk::Before(last)
                    } else {
                        Chunk::Done
                    };
                    Some((Ok(Bytes::from(text)), next))
                }
                Err(error) => {
                    tracing::error!(%error, "the moderation log's CSV stopped short");
                    Some((Err(error), Chunk::Done))
                }
            }
        }
    });
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"moderation-log.csv\"",
        ))
        .streaming(body))
}
