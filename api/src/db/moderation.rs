//! Reports, the moderators' queue, their decisions and the log that keeps every one.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use ensemble_wire::Code;
use serde_json::json;

use super::error::StoreError;
use super::schema::{
    comments, moderation_log, organisation_members, organisations, reports, updates, users,
};
use super::{DbConnection, LockTable, lock_row, now, write_transaction};
use crate::domain::moderation::{Action, Appeal, Decision, ItemKind, Moderator, ReportState};
use crate::domain::organisations::Role;
use crate::domain::updates::{Report, ReportReason};

/// How much of an item's text a preview shows.
const PREVIEW_CHARS: usize = 500;
/// The most reports one queue reads (the oldest beyond it wait for the next look).
const QUEUE_READS: i64 = 5_000;

/// What the configuration says of moderation, and of what new accounts may post: the
/// limits live here (and in `routes::updates::COMMENTS_PER_MINUTE` for everyone).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    /// A comment with this many open reports is hidden until a moderator looks (0: never).
    pub auto_hide_reports: u32,
    /// Comments an account may post in an hour on its first day.
    pub new_account_comments_per_hour: u32,
    /// Comments with a link an account may post on its first day.
    pub new_account_links_per_day: u32,
}

/// The name the log gives decisions nobody made by hand.
pub const AUTOMATIC: &str = "automatic";

/// Records a report: once per person and item while it is open (reporting again changes
/// nothing). `NotFound` when there is no such item. A comment reported by as many people
/// as the rules say is hidden until a moderator looks (and logged).
pub fn report(
    conn: &mut DbConnection,
    kind: ItemKind,
    item_id: i64,
    reporter_id: i64,
    report: &Report,
    rules: Rules,
) -> Result<(), StoreError> {
    write_transaction(conn, |conn| {
        // One person's reports one at a time: two sent at once make one.
        lock_row(conn, LockTable::Users, reporter_id)?;
        if preview(conn, kind, item_id)?.is_none() {
            return Err(StoreError::NotFound(kind.as_str()));
        }
        let organisation_id = organisation_of(conn, kind, item_id)?;
        if kind == ItemKind::Comment {
            // Its reports one at a time, so that the one that reaches the threshold sees
            // the others (people reporting at once hide it once, and surely).
            lock_row(conn, LockTable::Comments, item_id)?;
        }
        let already = reports::table
            .filter(reports::item_kind.eq(kind))
            .filter(reports::item_id.eq(item_id))
            .filter(reports::reporter_id.eq(reporter_id))
            .filter(reports::state.eq(ReportState::Open))
            .count()
            .get_result::<i64>(conn)?;
        if already == 0 {
            diesel::insert_into(reports::table)
                .values((
                    reports::item_kind.eq(kind),
                    reports::item_id.eq(item_id),
                    reports::organisation_id.eq(organisation_id),
                    reports::reporter_id.eq(reporter_id),
                    reports::reason.eq(report.reason),
                    reports::note.eq(&report.note),
                    reports::state.eq(ReportState::Open),
                    reports::created_at.eq(now()),
                ))
                .execute(conn)?;
            if kind == ItemKind::Comment && rules.auto_hide_reports > 0 {
                hide_if_reported_enough(conn, item_id, rules.auto_hide_reports)?;
            }
        }
        Ok(())
    })
}

/// Hides a shown comment with at least `threshold` open reports, until a moderator looks.
fn hide_if_reported_enough(
    conn: &mut DbConnection,
    comment_id: i64,
    threshold: u32,
) -> Result<(), StoreError> {
    let open = reports::table
        .filter(reports::item_kind.eq(ItemKind::Comment))
        .filter(reports::item_id.eq(comment_id))
        .filter(reports::state.eq(ReportState::Open))
        .count()
        .get_result::<i64>(conn)?;
    if open < i64::from(threshold) {
        return Ok(());
    }
    let reason = format!("Hidden after {open} reports, until a moderator looks.");
    let at = now();
    let hidden = diesel::update(
        comments::table
            .find(comment_id)
            .filter(comments::hidden_reason.is_null()),
    )
    .set((
        comments::hidden_reason.eq(&reason),
        comments::hidden_at.eq(at),
        comments::hidden_automatically.eq(true),
        comments::appeal.eq(None::<String>),
        comments::appealed_at.eq(None::<NaiveDateTime>),
        comments::appeal_decided_at.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)?;
    if hidden == 1 {
        let before = preview(conn, ItemKind::Comment, comment_id)?;
        let was = json!({ "hidden_reason": null, "appeal": null });
        record(
            conn,
            Entry {
                actor_id: None,
                actor_name: AUTOMATIC,
                action: Action::Hide,
                kind: ItemKind::Comment,
                item_id: comment_id,
                reason: &reason,
                before: before_json(before, open, was),
                at,
            },
        )?;
    }
    Ok(())
}

/// The organisation an item belongs to: a comment's or an update's, an organisation itself.
fn organisation_of(
    conn: &mut DbConnection,
    kind: ItemKind,
    item_id: i64,
) -> QueryResult<Option<i64>> {
    Ok(match kind {
        ItemKind::Comment => super::comments::context(conn, item_id)?.map(|c| c.organisation_id),
        ItemKind::Update => updates::table
            .find(item_id)
            .select(updates::organisation_id)
            .first(conn)
            .optional()?,
        ItemKind::Organisation => Some(item_id),
        ItemKind::User => None,
    })
}

/// Whether this person moderates, and what: platform moderators and administrators every
/// report; an organisation's admins and owners the comments under its updates.
pub fn moderator(conn: &mut DbConnection, user_id: i64) -> QueryResult<Option<Moderator>> {
    let platform = users::table
        .find(user_id)
        .select(users::is_admin.or(users::is_moderator))
        .first::<bool>(conn)
        .optional()?
        .unwrap_or(false);
    if platform {
        return Ok(Some(Moderator::Platform));
    }
    Ok((!administered(conn, user_id)?.is_empty()).then_some(Moderator::Organisations))
}

/// The organisations this person administers (admin or owner).
fn administered(conn: &mut DbConnection, user_id: i64) -> QueryResult<Vec<i64>> {
    organisation_members::table
        .filter(organisation_members::user_id.eq(user_id))
        .filter(organisation_members::role.eq_any([Role::Admin, Role::Owner]))
        .select(organisation_members::organisation_id)
        .load(conn)
}

/// Whether this moderator may decide this about this item (for an organisation's admin: a
/// comment under one of their organisation's updates, or reported as such before it went;
/// and closing or opening the comments of their organisation's updates).
pub fn may_decide(
    conn: &mut DbConnection,
    moderator: Moderator,
    user_id: i64,
    action: Action,
    kind: ItemKind,
    item_id: i64,
) -> QueryResult<bool> {
    if moderator == Moderator::Organisations
        && kind == ItemKind::Update
        && matches!(action, Action::Lock | Action::Unlock)
    {
        let mine = administered(conn, user_id)?;
        return Ok(organisation_of(conn, kind, item_id)?.is_some_and(|o| mine.contains(&o)));
    }
    if !moderator.covers(kind) {
        return Ok(false);
    }
    match moderator {
        Moderator::Platform => Ok(true),
        Moderator::Organisations => {
            let mine = administered(conn, user_id)?;
            if let Some(comment) = super::comments::context(conn, item_id)? {
                return Ok(mine.contains(&comment.organisation_id));
            }
            let reported_in_mine = reports::table
                .filter(reports::item_kind.eq(kind))
                .filter(reports::item_id.eq(item_id))
                .filter(reports::organisation_id.eq_any(mine))
                .count()
                .get_result::<i64>(conn)?;
            Ok(reported_in_mine > 0)
        }
    }
}

/// An item as a moderator sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Preview {
    pub text: String,
    pub author_id: Option<i64>,
    pub author_name: Option<String>,
    pub path: Option<String>,
}

fn cut(text: &str) -> String {
    text.chars().take(PREVIEW_CHARS).collect()
}

/// The item as it is now; `None` when it is gone.
pub fn preview(conn: &mut DbConnection, kind: ItemKind, id: i64) -> QueryResult<Option<Preview>> {
    Ok(match kind {
        ItemKind::Comment => comments::table
            .inner_join(users::table)
            .filter(comments::id.eq(id))
            .select((
                comments::body,
                users::id,
                users::display_name,
                comments::update_id,
            ))
            .first::<(String, i64, String, i64)>(conn)
            .optional()?
            .map(|(body, author, name, update)| Preview {
                text: cut(&body),
                author_id: Some(author),
                author_name: Some(name),
                path: Some(format!("/updates/{update}")),
            }),
        ItemKind::Update => updates::table
            .left_join(users::table.on(users::id.nullable().eq(updates::author_id)))
            .filter(updates::id.eq(id))
            .select((
                updates::title,
                updates::body,
                updates::author_id,
                users::display_name.nullable(),
            ))
            .first::<(String, String, Option<i64>, Option<String>)>(conn)
            .optional()?
            .map(|(title, body, author, name)| Preview {
                text: cut(&format!("{title}\n\n{body}")),
                author_id: author,
                author_name: name,
                path: Some(format!("/updates/{id}")),
            }),
        ItemKind::Organisation => organisations::table
            .find(id)
            .select((
                organisations::name,
                organisations::mission,
                organisations::slug,
            ))
            .first::<(String, String, String)>(conn)
            .optional()?
            .map(|(name, mission, slug)| Preview {
                text: cut(&format!("{name}\n\n{mission}")),
                author_id: None,
                author_name: None,
                path: Some(format!("/organisations/{slug}")),
            }),
        ItemKind::User => users::table
            .find(id)
            .select((users::display_name, users::bio))
            .first::<(String, String)>(conn)
            .optional()?
            .map(|(name, bio)| Preview {
                text: cut(&format!("{name}\n\n{bio}")),
                author_id: Some(id),
                author_name: Some(name),
                path: None,
            }),
    })
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = reports)]
struct ReportRow {
    item_kind: ItemKind,
    item_id: i64,
    reason: ReportReason,
    note: String,
    created_at: NaiveDateTime,
}

/// One item of the queue, with what its reports say.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueItem {
    pub kind: ItemKind,
    pub item_id: i64,
    pub preview: Option<Preview>,
    pub reports_count: i64,
    /// The most urgent first, each once.
    pub reasons: Vec<ReportReason>,
    pub notes: Vec<String>,
    pub first_reported_at: NaiveDateTime,
    /// Its author's appeal, waiting for a decision.
    pub appeal: Option<String>,
}

/// The reported items in this state this moderator covers (of one kind, if asked), and
/// (open) the appeals waiting: appeals first, then the most urgent (the most severe reason,
/// then the most reports, then the longest waiting).
pub fn queue(
    conn: &mut DbConnection,
    moderator: Moderator,
    user_id: i64,
    kind: Option<ItemKind>,
    state: ReportState,
    limit: usize,
) -> QueryResult<Vec<QueueItem>> {
    let mut query = reports::table
        .filter(reports::state.eq(state))
        .order(reports::created_at.desc())
        .limit(QUEUE_READS)
        .select(ReportRow::as_select())
        .into_boxed();
    if let Some(kind) = kind {
        query = query.filter(reports::item_kind.eq(kind));
    }
    if moderator == Moderator::Organisations {
        let mine = administered(conn, user_id)?;
        query = query
            .filter(reports::item_kind.eq(ItemKind::Comment))
            .filter(reports::organisation_id.eq_any(mine));
    }
    let rows = query.load(conn)?;

    let mut items: Vec<QueueItem> = Vec::new();
    let mut index: HashMap<(ItemKind, i64), usize> = HashMap::new();
    for row in rows {
        let at = *index
            .entry((row.item_kind, row.item_id))
            .or_insert_with(|| {
                items.push(QueueItem {
                    kind: row.item_kind,
                    item_id: row.item_id,
                    preview: None,
                    reports_count: 0,
                    reasons: Vec::new(),
                    notes: Vec::new(),
                    first_reported_at: row.created_at,
                    appeal: None,
                });
                items.len() - 1
            });
        let item = &mut items[at];
        item.reports_count += 1;
        if !item.reasons.contains(&row.reason) {
            item.reasons.push(row.reason);
        }
        if !row.note.trim().is_empty() {
            item.notes.push(row.note);
        }
        item.first_reported_at = item.first_reported_at.min(row.created_at);
    }
    // Appeals waiting for a decision: with the item's reports, or on their own.
    if state == ReportState::Open && kind.is_none_or(|k| k == ItemKind::Comment) {
        let mut appeals = comments::table
            .inner_join(updates::table)
            .filter(comments::hidden_reason.is_not_null())
            .filter(comments::appealed_at.is_not_null())
            .filter(comments::appeal_decided_at.is_null())
            .select((comments::id, comments::appeal, comments::appealed_at))
            .into_boxed();
        if moderator == Moderator::Organisations {
            appeals = appeals.filter(updates::organisation_id.eq_any(administered(conn, user_id)?));
        }
        let appeals = appeals.load::<(i64, Option<String>, Option<NaiveDateTime>)>(conn)?;
        for (id, text, at) in appeals {
            let text = text.unwrap_or_default();
            match index.get(&(ItemKind::Comment, id)) {
                Some(at) => items[*at].appeal = Some(text),
                None => items.push(QueueItem {
                    kind: ItemKind::Comment,
                    item_id: id,
                    preview: None,
                    reports_count: 0,
                    reasons: Vec::new(),
                    notes: Vec::new(),
                    first_reported_at: at.unwrap_or_else(now),
                    appeal: Some(text),
                }),
            }
        }
    }
    for item in &mut items {
        item.reasons
            .sort_by_key(|r| std::cmp::Reverse(r.severity()));
    }
    let severity = |item: &QueueItem| item.reasons.first().map_or(0, |r| r.severity());
    // Someone waiting for redress first; then the most urgent.
    items.sort_by(|a, b| {
        b.appeal
            .is_some()
            .cmp(&a.appeal.is_some())
            .then(severity(b).cmp(&severity(a)))
            .then(b.reports_count.cmp(&a.reports_count))
            .then(a.first_reported_at.cmp(&b.first_reported_at))
    });
    items.truncate(limit);
    for item in &mut items {
        item.preview = preview(conn, item.kind, item.item_id)?;
    }
    Ok(items)
}

/// Keeps a decision made outside the moderators' queue in the log (a verification, a
/// change of role), inside the caller's transaction; without an actor, the command line.
pub fn log_decision(
    conn: &mut DbConnection,
    actor_id: Option<i64>,
    action: Action,
    kind: ItemKind,
    item_id: i64,
    reason: &str,
    before: serde_json::Value,
) -> QueryResult<()> {
    let actor_name = match actor_id {
        Some(id) => users::table
            .find(id)
            .select(users::display_name)
            .first::<String>(conn)?,
        None => COMMAND_LINE.to_owned(),
    };
    record(
        conn,
        Entry {
            actor_id,
            actor_name: &actor_name,
            action,
            kind,
            item_id,
            reason,
            before,
            at: now(),
        },
    )
}

/// The name the log gives what was done from the command line.
pub const COMMAND_LINE: &str = "command line";

/// One line of the log.
pub(super) struct Entry<'a> {
    pub actor_id: Option<i64>,
    pub actor_name: &'a str,
    pub action: Action,
    pub kind: ItemKind,
    pub item_id: i64,
    pub reason: &'a str,
    pub before: serde_json::Value,
    pub at: NaiveDateTime,
}

pub(super) fn record(conn: &mut DbConnection, entry: Entry<'_>) -> QueryResult<()> {
    diesel::insert_into(moderation_log::table)
        .values((
            moderation_log::actor_id.eq(entry.actor_id),
            moderation_log::actor_name.eq(entry.actor_name),
            moderation_log::action.eq(entry.action.as_str()),
            moderation_log::item_kind.eq(entry.kind),
            moderation_log::item_id.eq(entry.item_id),
            moderation_log::reason.eq(entry.reason),
            moderation_log::before.eq(entry.before.to_string()),
            moderation_log::created_at.eq(entry.at),
        ))
        .execute(conn)?;
    Ok(())
}

/// The item as the log keeps it: its text and author, its open reports, and where it
/// stood (a comment: its removal and appeal; an organisation: its review; a person: their
/// suspension).
fn before_json(preview: Option<Preview>, open: i64, stood: serde_json::Value) -> serde_json::Value {
    preview.map_or(json!(null), |p| {
        json!({
            "text": p.text,
            "author_id": p.author_id.map(|id| id.to_string()),
            "author_name": p.author_name,
            "open_reports": open,
            "standing": stood,
        })
    })
}

/// Where an item stands with the moderators, as the log keeps it.
fn stood(
    conn: &mut DbConnection,
    kind: ItemKind,
    item_id: i64,
    comment: Option<&Standing>,
) -> QueryResult<serde_json::Value> {
    Ok(match kind {
        ItemKind::Comment => json!({
            "hidden_reason": comment.and_then(|s| s.hidden_reason.clone()),
            "appeal": comment.and_then(|s| s.appeal.clone()),
        }),
        ItemKind::Update => updates::table
            .find(item_id)
            .select(updates::comments_locked_at.is_not_null())
            .first::<bool>(conn)
            .optional()?
            .map_or(json!(null), |locked| json!({ "comments_locked": locked })),
        ItemKind::Organisation => organisations::table
            .find(item_id)
            .select((
                organisations::hidden_reason,
                organisations::verification_status,
            ))
            .first::<(Option<String>, String)>(conn)
            .optional()?
            .map_or(
                json!(null),
                |(hidden, status)| json!({ "under_review": hidden, "verification_status": status }),
            ),
        ItemKind::User => users::table
            .find(item_id)
            .select((
                users::suspended_at,
                users::suspended_until,
                users::suspension_reason,
            ))
            .first::<(Option<NaiveDateTime>, Option<NaiveDateTime>, Option<String>)>(conn)
            .optional()?
            .map_or(json!(null), |(at, until, reason)| {
                json!({
                    "suspended": crate::domain::users::suspended(at, until, now()),
                    "suspended_until": until.map(|u| u.and_utc().to_rfc3339()),
                    "suspension_reason": reason,
                })
            }),
    })
}

/// A comment's standing with the moderators.
struct Standing {
    hidden_reason: Option<String>,
    /// Hidden by its reports' number, not by a moderator.
    hidden_automatically: bool,
    appeal: Option<String>,
    /// An appeal nobody has decided yet.
    appeal_waiting: bool,
}

type StandingRow = (
    Option<String>,
    bool,
    Option<String>,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
);

fn standing(conn: &mut DbConnection, comment_id: i64) -> QueryResult<Option<Standing>> {
    let found = comments::table
        .find(comment_id)
        .select((
            comments::hidden_reason,
            comments::hidden_automatically,
            comments::appeal,
            comments::appealed_at,
            comments::appeal_decided_at,
        ))
        .first::<StandingRow>(conn)
        .optional()?;
    Ok(found.map(
        |(hidden_reason, hidden_automatically, appeal, appealed, decided)| Standing {
            hidden_reason,
            hidden_automatically,
            appeal,
            appeal_waiting: appealed.is_some() && decided.is_none(),
        },
    ))
}

/// Applies a decision: the item's open reports are closed (`dismissed`, or `upheld` when it
/// is acted on), the action is done, and the log keeps who, what, why and the item before.
pub fn decide(
    conn: &mut DbConnection,
    actor_id: i64,
    kind: ItemKind,
    item_id: i64,
    decision: &Decision,
) -> Result<(), StoreError> {
    write_transaction(conn, |conn| {
        if !decision.action.applies_to(kind) {
            return Err(StoreError::Conflict(
                Code::NotForThisItem,
                format!("`{}` does not apply to this kind of item", decision.action),
            ));
        }
        let before = preview(conn, kind, item_id)?;
        let standing = match kind {
            ItemKind::Comment => standing(conn, item_id)?,
            _ => None,
        };
        let appeal_waiting = standing.as_ref().is_some_and(|s| s.appeal_waiting);
        let hidden = standing.as_ref().is_some_and(|s| s.hidden_reason.is_some());
        let open = reports::table
            .filter(reports::item_kind.eq(kind))
            .filter(reports::item_id.eq(item_id))
            .filter(reports::state.eq(ReportState::Open))
            .count()
            .get_result::<i64>(conn)?;
        let at = now();
        if decision.action != Action::Dismiss && before.is_none() {
            return Err(StoreError::NotFound(kind.as_str()));
        }
        let was = stood(conn, kind, item_id, standing.as_ref())?;
        let reporters: Vec<i64> = reports::table
            .filter(reports::item_kind.eq(kind))
            .filter(reports::item_id.eq(item_id))
            .filter(reports::state.eq(ReportState::Open))
            .select(reports::reporter_id)
            .load(conn)?;
        let place = Place::of(conn, kind, item_id)?;
        match (decision.action, kind) {
            (Action::Dismiss, _) if open == 0 && !appeal_waiting => {
                return Err(StoreError::Conflict(
                    Code::NothingReported,
                    "nothing is reported or appealed about this item".to_owned(),
                ));
            }
            (Action::Dismiss, _) => {
                // An appeal refused: the comment stays hidden, and was appealed once.
                if appeal_waiting {
                    diesel::update(comments::table.find(item_id))
                        .set(comments::appeal_decided_at.eq(at))
                        .execute(conn)?;
                }
                // Nothing wrong with a comment its reports hid: it comes back.
                if standing.as_ref().is_some_and(|s| s.hidden_automatically) {
                    diesel::update(comments::table.find(item_id))
                        .set((
                            comments::hidden_reason.eq(None::<String>),
                            comments::hidden_at.eq(None::<NaiveDateTime>),
                            comments::hidden_automatically.eq(false),
                        ))
                        .execute(conn)?;
                }
            }
            (Action::Hide, ItemKind::Comment) => {
                // A new removal: its author may appeal it once.
                diesel::update(comments::table.find(item_id))
                    .set((
                        comments::hidden_reason.eq(&decision.reason),
                        comments::hidden_at.eq(at),
                        comments::hidden_automatically.eq(false),
                        comments::appeal.eq(None::<String>),
                        comments::appealed_at.eq(None::<NaiveDateTime>),
                        comments::appeal_decided_at.eq(None::<NaiveDateTime>),
                    ))
                    .execute(conn)?;
            }
            (Action::Hide, ItemKind::Organisation) => {
                // Under review: out of discovery, no gifts, and its verification (if it
                // had one) checked again.
                lock_row(conn, LockTable::Organisations, item_id)?;
                diesel::update(organisations::table.find(item_id))
                    .set((
                        organisations::hidden_reason.eq(&decision.reason),
                        organisations::hidden_at.eq(at),
                    ))
                    .execute(conn)?;
                super::verification::back_to_review(
                    conn,
                    item_id,
                    actor_id,
                    "Back to review: the moderators are reviewing this organisation.",
                )?;
            }
            (Action::Restore, ItemKind::Comment) if !hidden => {
                return Err(StoreError::Conflict(
                    Code::NotHidden,
                    "this comment is not hidden".to_owned(),
                ));
            }
            (Action::Restore, ItemKind::Comment) => {
                diesel::update(comments::table.find(item_id))
                    .set((
                        comments::hidden_reason.eq(None::<String>),
                        comments::hidden_at.eq(None::<NaiveDateTime>),
                        comments::hidden_automatically.eq(false),
                        comments::appeal_decided_at.eq(at),
                    ))
                    .execute(conn)?;
            }
            (Action::Restore, ItemKind::Organisation) => {
                let lifted = diesel::update(
                    organisations::table
                        .find(item_id)
                        .filter(organisations::hidden_at.is_not_null()),
                )
                .set((
                    organisations::hidden_reason.eq(None::<String>),
                    organisations::hidden_at.eq(None::<NaiveDateTime>),
                ))
                .execute(conn)?;
                if lifted == 0 {
                    return Err(StoreError::Conflict(
                        Code::NotHidden,
                        "this organisation is not under review".to_owned(),
                    ));
                }
            }
            (Action::Restore, ItemKind::User) => {
                let lifted = diesel::update(
                    users::table
                        .find(item_id)
                        .filter(users::suspended_at.is_not_null()),
                )
                .set((
                    users::suspended_at.eq(None::<NaiveDateTime>),
                    users::suspended_until.eq(None::<NaiveDateTime>),
                    users::suspension_reason.eq(None::<String>),
                ))
                .execute(conn)?;
                if lifted == 0 {
                    return Err(StoreError::Conflict(
                        Code::NotHidden,
                        "this account is not suspended".to_owned(),
                    ));
                }
            }
            (Action::Suspend, ItemKind::User) => {
                if item_id == actor_id {
                    return Err(StoreError::Conflict(
                        Code::NotYourself,
                        "a moderator cannot suspend their own account".to_owned(),
                    ));
                }
                lock_row(conn, LockTable::Users, item_id)?;
                let admin = users::table
                    .find(item_id)
                    .select(users::is_admin)
                    .first::<bool>(conn)?;
                if admin {
                    // An administrator is answerable to the people running the instance,
                    // who revoke the role from the command line first.
                    return Err(StoreError::Forbidden(Code::Forbidden));
                }
                diesel::update(users::table.find(item_id))
                    .set((
                        users::suspended_at.eq(at),
                        users::suspended_until.eq(decision.until),
                        users::suspension_reason.eq(&decision.reason),
                    ))
                    .execute(conn)?;
            }
            (Action::Lock, ItemKind::Update) => {
                diesel::update(
                    updates::table
                        .find(item_id)
                        .filter(updates::comments_locked_at.is_null()),
                )
                .set(updates::comments_locked_at.eq(at))
                .execute(conn)?;
            }
            (Action::Unlock, ItemKind::Update) => {
                let opened = diesel::update(
                    updates::table
                        .find(item_id)
                        .filter(updates::comments_locked_at.is_not_null()),
                )
                .set(updates::comments_locked_at.eq(None::<NaiveDateTime>))
                .execute(conn)?;
                if opened == 0 {
                    return Err(StoreError::Conflict(
                        Code::NotHidden,
                        "this update's comments are not locked".to_owned(),
                    ));
                }
            }
            (Action::Delete, ItemKind::Comment) => super::comments::delete_within(conn, item_id)?,
            (Action::Delete, ItemKind::Update) => super::updates::delete(conn, item_id)?,
            (action, kind) => {
                return Err(StoreError::Conflict(
                    Code::NotForThisItem,
                    format!("`{action}` does not apply to a {kind}"),
                ));
            }
        }
        diesel::update(
            reports::table
                .filter(reports::item_kind.eq(kind))
                .filter(reports::item_id.eq(item_id))
                .filter(reports::state.eq(ReportState::Open)),
        )
        .set((
            reports::state.eq(decision.action.closes_as()),
            reports::decided_at.eq(at),
        ))
        .execute(conn)?;
        tell_reporters(
            conn,
            &reporters,
            actor_id,
            decision.action,
            place.after(decision.action, kind),
        )?;
        let actor_name = users::table
            .find(actor_id)
            .select(users::display_name)
            .first::<String>(conn)?;
        record(
            conn,
            Entry {
                actor_id: Some(actor_id),
                actor_name: &actor_name,
                action: decision.action,
                kind,
                item_id,
                reason: &decision.reason,
                before: before_json(before, open, was),
                at,
            },
        )?;
        Ok(())
    })
}

/// Where a reported item is, as a notification names it.
#[derive(Debug, Clone, Copy, Default)]
struct Place {
    organisation_id: Option<i64>,
    update_id: Option<i64>,
    comment_id: Option<i64>,
}

impl Place {
    fn of(conn: &mut DbConnection, kind: ItemKind, item_id: i64) -> QueryResult<Place> {
        Ok(match kind {
            ItemKind::Comment => super::comments::context(conn, item_id)?
                .map(|c| Place {
                    organisation_id: Some(c.organisation_id),
                    update_id: Some(c.update_id),
                    comment_id: Some(item_id),
                })
                .unwrap_or_default(),
            ItemKind::Update => Place {
                organisation_id: organisation_of(conn, kind, item_id)?,
                update_id: Some(item_id),
                comment_id: None,
            },
            ItemKind::Organisation => Place {
                organisation_id: Some(item_id),
                ..Place::default()
            },
            ItemKind::User => Place::default(),
        })
    }

    /// What is left to name once the decision is done (a deleted item is not).
    fn after(self, action: Action, kind: ItemKind) -> Place {
        match (action, kind) {
            (Action::Delete, ItemKind::Comment) => Place {
                comment_id: None,
                ..self
            },
            (Action::Delete, ItemKind::Update) => Place {
                update_id: None,
                comment_id: None,
                ..self
            },
            _ => self,
        }
    }
}

/// Tells each person who reported the item what came of it (the moderator is not named:
/// who decides stays between the moderators and the log).
fn tell_reporters(
    conn: &mut DbConnection,
    reporters: &[i64],
    moderator_id: i64,
    action: Action,
    place: Place,
) -> QueryResult<()> {
    use super::notifications::{Event, Kind, notify};
    let kind = match action.closes_as() {
        ReportState::Upheld => Kind::ReportUpheld,
        ReportState::Dismissed | ReportState::Open => Kind::ReportDismissed,
    };
    let event = Event {
        actor_id: None,
        organisation_id: place.organisation_id,
        update_id: place.update_id,
        comment_id: place.comment_id,
        role: None,
    };
    for &reporter in reporters.iter().filter(|r| **r != moderator_id) {
        notify(conn, reporter, kind, &event)?;
    }
    Ok(())
}

/// Its author appeals a removal: once per removal, while it is hidden.
pub fn appeal(
    conn: &mut DbConnection,
    kind: ItemKind,
    item_id: i64,
    author_id: i64,
    appeal: &Appeal,
) -> Result<(), StoreError> {
    if kind != ItemKind::Comment {
        // Only comments are hidden (for now): nothing else has a removal to appeal.
        return Err(StoreError::Conflict(
            Code::NotHidden,
            "only a hidden comment may be appealed".to_owned(),
        ));
    }
    write_transaction(conn, |conn| {
        let Some((author, hidden)) = comments::table
            .find(item_id)
            .select((comments::author_id, comments::hidden_reason))
            .first::<(i64, Option<String>)>(conn)
            .optional()?
        else {
            return Err(StoreError::NotFound("comment"));
        };
        if author != author_id {
            return Err(StoreError::Forbidden(Code::Forbidden));
        }
        if hidden.is_none() {
            return Err(StoreError::Conflict(
                Code::NotHidden,
                "this comment is not hidden".to_owned(),
            ));
        }
        // Only where nobody appealed yet: two appeals sent at once make one.
        let taken = diesel::update(
            comments::table
                .find(item_id)
                .filter(comments::appealed_at.is_null())
                .filter(comments::hidden_reason.is_not_null()),
        )
        .set((
            comments::appeal.eq(&appeal.note),
            comments::appealed_at.eq(now()),
        ))
        .execute(conn)?;
        if taken == 0 {
            return Err(StoreError::Conflict(
                Code::AlreadyAppealed,
                "this removal was appealed already".to_owned(),
            ));
        }
        Ok(())
    })
}

/// One decision of the log.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = moderation_log)]
pub struct LogRow {
    pub id: i64,
    pub actor_id: Option<i64>,
    pub actor_name: String,
    pub action: String,
    pub item_kind: ItemKind,
    pub item_id: i64,
    pub reason: String,
    pub before: String,
    pub created_at: NaiveDateTime,
}

/// The log, newest first, from before the entry `before` (a page's cursor).
pub fn log(conn: &mut DbConnection, before: Option<i64>, limit: i64) -> QueryResult<Vec<LogRow>> {
    let mut query = moderation_log::table
        .order(moderation_log::id.desc())
        .limit(limit + 1)
        .select(LogRow::as_select())
        .into_boxed();
    if let Some(before) = before {
        query = query.filter(moderation_log::id.lt(before));
    }
    query.load(conn)
}
