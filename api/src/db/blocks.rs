//! Blocks (one person blocks another) and organisation bans (an organisation's admins
//! keep a person from commenting on its updates).

use std::collections::HashSet;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use ensemble_wire::Code;
use serde_json::json;

use super::error::StoreError;
use super::moderation::{Entry, record};
use super::schema::{blocks, organisation_bans, organisation_members, users};
use super::{DbConnection, LockTable, lock_row, now, write_transaction};
use crate::domain::moderation::{Action, ItemKind};

/// The most blocks, and bans, listed at once (a person with more is no usual case).
pub const LISTED: i64 = 1_000;

/// A person as a list of blocks or bans shows them.
#[derive(Debug, Clone, Queryable)]
pub struct Listed {
    pub user_id: i64,
    pub display_name: String,
    pub avatar: Option<String>,
    /// Why (bans only).
    pub reason: String,
    pub since: NaiveDateTime,
}

fn user_exists(conn: &mut DbConnection, user_id: i64) -> QueryResult<bool> {
    Ok(users::table.find(user_id).count().get_result::<i64>(conn)? > 0)
}

/// `blocker` blocks `blocked`: once (blocking again changes nothing).
pub fn block(conn: &mut DbConnection, blocker: i64, blocked: i64) -> Result<(), StoreError> {
    if blocker == blocked {
        return Err(StoreError::Conflict(
            Code::NotYourself,
            "you cannot block yourself".to_owned(),
        ));
    }
    write_transaction(conn, |conn| {
        // One person's blocks one at a time: the same block sent twice at once is one.
        lock_row(conn, LockTable::Users, blocker)?;
        if !user_exists(conn, blocked)? {
            return Err(StoreError::NotFound("user"));
        }
        if !blocks(conn, blocker, blocked)? {
            diesel::insert_into(blocks::table)
                .values((
                    blocks::blocker_id.eq(blocker),
                    blocks::blocked_id.eq(blocked),
                    blocks::created_at.eq(now()),
                ))
                .execute(conn)?;
        }
        Ok(())
    })
}

/// Lifts a block (none: nothing to do).
pub fn unblock(conn: &mut DbConnection, blocker: i64, blocked: i64) -> QueryResult<()> {
    diesel::delete(
        blocks::table
            .filter(blocks::blocker_id.eq(blocker))
            .filter(blocks::blocked_id.eq(blocked)),
    )
    .execute(conn)
    .map(drop)
}

/// Whether `blocker` blocks `blocked`.
pub fn blocks(conn: &mut DbConnection, blocker: i64, blocked: i64) -> QueryResult<bool> {
    Ok(blocks::table
        .filter(blocks::blocker_id.eq(blocker))
        .filter(blocks::blocked_id.eq(blocked))
        .count()
        .get_result::<i64>(conn)?
        > 0)
}

/// Which of these people `blocker` blocks.
pub fn blocked_among(
    conn: &mut DbConnection,
    blocker: i64,
    among: &[i64],
) -> QueryResult<HashSet<i64>> {
    if among.is_empty() {
        return Ok(HashSet::new());
    }
    Ok(blocks::table
        .filter(blocks::blocker_id.eq(blocker))
        .filter(blocks::blocked_id.eq_any(among))
        .select(blocks::blocked_id)
        .load::<i64>(conn)?
        .into_iter()
        .collect())
}

/// The people `blocker` blocks, the latest first.
pub fn blocked_by(conn: &mut DbConnection, blocker: i64) -> QueryResult<Vec<Listed>> {
    blocks::table
        .inner_join(users::table.on(users::id.eq(blocks::blocked_id)))
        .filter(blocks::blocker_id.eq(blocker))
        .order((blocks::created_at.desc(), blocks::blocked_id.desc()))
        .limit(LISTED)
        .select((
            users::id,
            users::display_name,
            users::avatar,
            diesel::dsl::sql::<diesel::sql_types::Text>("''"),
            blocks::created_at,
        ))
        .load(conn)
}

/// The actor's name, as the log keeps it.
fn name_of(conn: &mut DbConnection, user_id: i64) -> QueryResult<String> {
    users::table
        .find(user_id)
        .select(users::display_name)
        .first(conn)
}

/// An organisation bans a person from commenting on its updates, and the moderation log
/// keeps who, whom, which organisation and why. Banning again changes the reason. A member
/// of its team cannot be banned (remove them from the team first).
pub fn ban(
    conn: &mut DbConnection,
    organisation_id: i64,
    user_id: i64,
    actor_id: i64,
    reason: &str,
) -> Result<(), StoreError> {
    write_transaction(conn, |conn| {
        lock_row(conn, LockTable::Organisations, organisation_id)?;
        if !user_exists(conn, user_id)? {
            return Err(StoreError::NotFound("user"));
        }
        let member = organisation_members::table
            .filter(organisation_members::organisation_id.eq(organisation_id))
            .filter(organisation_members::user_id.eq(user_id))
            .count()
            .get_result::<i64>(conn)?
            > 0;
        if member {
            return Err(StoreError::Conflict(
                Code::AlreadyMember,
                "a member of the team cannot be banned: remove them from the team first".to_owned(),
            ));
        }
        let before = ban_of(conn, organisation_id, user_id)?;
        let at = now();
        if before.is_some() {
            diesel::update(
                organisation_bans::table
                    .filter(organisation_bans::organisation_id.eq(organisation_id))
                    .filter(organisation_bans::user_id.eq(user_id)),
            )
            .set(organisation_bans::reason.eq(reason))
            .execute(conn)?;
        } else {
            diesel::insert_into(organisation_bans::table)
                .values((
                    organisation_bans::organisation_id.eq(organisation_id),
                    organisation_bans::user_id.eq(user_id),
                    organisation_bans::reason.eq(reason),
                    organisation_bans::created_at.eq(at),
                ))
                .execute(conn)?;
        }
        log_ban(
            conn,
            Action::Ban,
            organisation_id,
            user_id,
            actor_id,
            reason,
            before,
        )
    })
}

/// Lifts a ban (logged); `NotFound` when there is none.
pub fn unban(
    conn: &mut DbConnection,
    organisation_id: i64,
    user_id: i64,
    actor_id: i64,
) -> Result<(), StoreError> {
    write_transaction(conn, |conn| {
        lock_row(conn, LockTable::Organisations, organisation_id)?;
        let Some(before) = ban_of(conn, organisation_id, user_id)? else {
            return Err(StoreError::NotFound("ban"));
        };
        diesel::delete(
            organisation_bans::table
                .filter(organisation_bans::organisation_id.eq(organisation_id))
                .filter(organisation_bans::user_id.eq(user_id)),
        )
        .execute(conn)?;
        log_ban(
            conn,
            Action::Unban,
            organisation_id,
            user_id,
            actor_id,
            "Ban lifted by the organisation.",
            Some(before),
        )
    })
}

fn ban_of(
    conn: &mut DbConnection,
    organisation_id: i64,
    user_id: i64,
) -> QueryResult<Option<String>> {
    organisation_bans::table
        .filter(organisation_bans::organisation_id.eq(organisation_id))
        .filter(organisation_bans::user_id.eq(user_id))
        .select(organisation_bans::reason)
        .first(conn)
        .optional()
}

fn log_ban(
    conn: &mut DbConnection,
    action: Action,
    organisation_id: i64,
    user_id: i64,
    actor_id: i64,
    reason: &str,
    before: Option<String>,
) -> Result<(), StoreError> {
    let actor_name = name_of(conn, actor_id)?;
    let banned_name = name_of(conn, user_id)?;
    record(
        conn,
        Entry {
            actor_id: Some(actor_id),
            actor_name: &actor_name,
            action,
            kind: ItemKind::User,
            item_id: user_id,
            reason,
            before: json!({
                "author_id": user_id.to_string(),
                "author_name": banned_name,
                "organisation_id": organisation_id.to_string(),
                "standing": { "banned": before.is_some(), "ban_reason": before },
            }),
            at: now(),
        },
    )?;
    Ok(())
}

/// Whether this organisation bans this person.
pub fn banned(conn: &mut DbConnection, organisation_id: i64, user_id: i64) -> QueryResult<bool> {
    Ok(ban_of(conn, organisation_id, user_id)?.is_some())
}

/// The people an organisation bans, the latest first.
pub fn bans(conn: &mut DbConnection, organisation_id: i64) -> QueryResult<Vec<Listed>> {
    organisation_bans::table
        .inner_join(users::table)
        .filter(organisation_bans::organisation_id.eq(organisation_id))
        .order((
            organisation_bans::created_at.desc(),
            organisation_bans::user_id.desc(),
        ))
        .limit(LISTED)
        .select((
            users::id,
            users::display_name,
            users::avatar,
            organisation_bans::reason,
            organisation_bans::created_at,
        ))
        .load(conn)
}
