//! Notifications: written by the transaction of what they announce, read by their person.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::organisations::Brief;
use super::schema::{notifications, organisations, users};
use super::{DbConnection, now};
pub use crate::domain::notifications::Kind;
use crate::domain::organisations::Role;
use crate::domain::pagination::KeysetAfter;

/// What happened, and who did it.
pub struct Event {
    /// None when nobody is named (the moderators' decisions).
    pub actor_id: Option<i64>,
    pub organisation_id: Option<i64>,
    pub update_id: Option<i64>,
    pub comment_id: Option<i64>,
    pub role: Option<Role>,
}

/// Notifies `user_id` (unless they blocked the actor), in the caller's transaction; a notification whose category the person
/// wants at once is mailed too (queued in the same transaction).
pub fn notify(conn: &mut DbConnection, user_id: i64, kind: Kind, event: &Event) -> QueryResult<()> {
    // Nothing from someone this person blocked.
    if let Some(actor) = event.actor_id
        && super::blocks::blocks(conn, user_id, actor)?
    {
        return Ok(());
    }
    let id: i64 = diesel::insert_into(notifications::table)
        .values((
            notifications::user_id.eq(user_id),
            notifications::kind.eq(kind),
            notifications::actor_id.eq(event.actor_id),
            notifications::organisation_id.eq(event.organisation_id),
            notifications::update_id.eq(event.update_id),
            notifications::comment_id.eq(event.comment_id),
            notifications::role.eq(event.role),
            notifications::created_at.eq(now()),
        ))
        .returning(notifications::id)
        .get_result(conn)?;
    if super::mail_preferences::delivery(conn, user_id, kind.category())?
        == crate::domain::notifications::Delivery::Immediately
    {
        super::jobs::enqueue(
            conn,
            &crate::domain::jobs::Job::Mail(crate::domain::jobs::Mail::Notification {
                notification_id: id,
            }),
            None,
        )?;
    }
    Ok(())
}

/// Who did what a notification announces.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct ActorRow {
    pub id: i64,
    pub display_name: String,
    pub avatar: Option<String>,
}

/// A notification with its actor and organisation.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = notifications)]
pub struct Row {
    pub id: i64,
    pub kind: Kind,
    #[diesel(embed)]
    pub actor: Option<ActorRow>,
    #[diesel(embed)]
    pub organisation: Option<Brief>,
    pub update_id: Option<i64>,
    pub comment_id: Option<i64>,
    pub role: Option<Role>,
    pub created_at: NaiveDateTime,
    pub read_at: Option<NaiveDateTime>,
}

/// One notification, with its actor and organisation, and whose it is.
pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<(i64, Row)>> {
    notifications::table
        .left_join(users::table.on(users::id.nullable().eq(notifications::actor_id)))
        .left_join(
            organisations::table.on(organisations::id
                .nullable()
                .eq(notifications::organisation_id)),
        )
        .filter(notifications::id.eq(id))
        .select((notifications::user_id, Row::as_select()))
        .first(conn)
        .optional()
}

/// Newest first, keyset-paged.
pub fn list(
    conn: &mut DbConnection,
    user_id: i64,
    after: Option<KeysetAfter>,
    limit: i64,
) -> QueryResult<Vec<Row>> {
    let mut query = notifications::table
        .left_join(users::table.on(users::id.nullable().eq(notifications::actor_id)))
        .left_join(
            organisations::table.on(organisations::id
                .nullable()
                .eq(notifications::organisation_id)),
        )
        .filter(notifications::user_id.eq(user_id))
        .order((notifications::created_at.desc(), notifications::id.desc()))
        .select(Row::as_select())
        .limit(limit + 1)
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(
            notifications::created_at
                .lt(after.created_at)
                .or(notifications::created_at
                    .eq(after.created_at)
                    .and(notifications::id.lt(after.id))),
        );
    }
    query.load(conn)
}

/// Marks these (or all) of the user's notifications read; answers how many changed.
pub fn mark_read(conn: &mut DbConnection, user_id: i64, ids: Option<&[i64]>) -> QueryResult<usize> {
    let mine = notifications::table
        .filter(notifications::user_id.eq(user_id))
        .filter(notifications::read_at.is_null());
    match ids {
        Some(ids) => diesel::update(mine.filter(notifications::id.eq_any(ids)))
            .set(notifications::read_at.eq(Some(now())))
            .execute(conn),
        None => diesel::update(mine)
            .set(notifications::read_at.eq(Some(now())))
            .execute(conn),
    }
}

pub fn unread(conn: &mut DbConnection, user_id: i64) -> QueryResult<i64> {
    notifications::table
        .filter(notifications::user_id.eq(user_id))
        .filter(notifications::read_at.is_null())
        .count()
        .get_result(conn)
}
