//! The digest: who is due one now (set-based, one statement whatever the number of
//! readers), and what one reader's holds — built from the feed's own queries.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{notifications, users};
use super::sql::{Bind, Sql};
use super::updates::{self, UpdateRow};
use super::{DbConnection, now};
use crate::domain::jobs::State;
use crate::domain::notifications::{Delivery, DigestFrequency, Kind};

/// The time zones readers who want a digest live in.
pub fn zones(conn: &mut DbConnection) -> QueryResult<Vec<String>> {
    users::table
        .filter(users::digest.ne(DigestFrequency::Never))
        .select(users::time_zone)
        .distinct()
        .load(conn)
}

/// Queues the digest of every reader whose morning it is (`daily_zones` for daily readers,
/// `weekly_zones` for weekly ones) and who has not had one for most of a day, in one
/// statement. A reader gets one digest job per day at most (`unique_key`), however often
/// this runs. Answers how many were queued.
pub fn queue_due(
    conn: &mut DbConnection,
    daily_zones: &[String],
    weekly_zones: &[String],
    at: NaiveDateTime,
) -> QueryResult<usize> {
    if daily_zones.is_empty() && weekly_zones.is_empty() {
        return Ok(0);
    }
    let mut sql = Sql::for_connection(conn);
    let day = at.format("%Y-%m-%d").to_string();
    sql.push(
        "INSERT INTO jobs (kind, payload, state, run_at, attempts, max_attempts, last_error, \
         unique_key, created_at) SELECT ",
    )
    .text("mail.digest")
    .push(", '{\"kind\":\"mail\",\"mail\":\"digest\",\"user_id\":' || CAST(u.id AS TEXT) || '}', ")
    .text(State::Queued.as_str())
    .push(", ")
    .bind(Bind::Time(now()))
    .push(", 0, 12, '', ")
    .text(format!("digest:{day}:"))
    .push(" || CAST(u.id AS TEXT), ")
    .bind(Bind::Time(now()))
    .push(" FROM users u WHERE u.email_verified AND ((u.digest = ")
    .text(DigestFrequency::Daily.as_str())
    .push(" AND u.time_zone IN (");
    zone_list(&mut sql, daily_zones);
    sql.push(")) OR (u.digest = ")
        .text(DigestFrequency::Weekly.as_str())
        .push(" AND u.time_zone IN (");
    zone_list(&mut sql, weekly_zones);
    sql.push("))) AND (u.digest_sent_at IS NULL OR u.digest_sent_at < ")
        .bind(Bind::Time(at - chrono::Duration::hours(20)))
        .push(") ON CONFLICT DO NOTHING");
    sql.execute(conn)
}

fn zone_list(sql: &mut Sql, zones: &[String]) {
    if zones.is_empty() {
        // A list that matches nothing, in a form both databases accept.
        sql.push("NULL");
    }
    for (n, zone) in zones.iter().enumerate() {
        if n > 0 {
            sql.push(", ");
        }
        sql.text(zone.clone());
    }
}

/// What one reader's digest holds.
#[derive(Debug, Clone)]
pub struct Digest {
    /// The best of the news since the last digest, best first.
    pub updates: Vec<UpdateRow>,
    /// How many more there were.
    pub more: usize,
    /// Notifications the reader wanted in the digest, since the last one.
    pub notifications: i64,
}

/// Updates in a digest at most.
pub const DIGEST_UPDATES: usize = 8;

/// The news since the reader's last digest (or, for a first one, since its period): the
/// newest updates of the organisations and causes they follow, read by the feed's queries,
/// then the most reacted to and commented first.
pub fn content(
    conn: &mut DbConnection,
    user_id: i64,
    frequency: DigestFrequency,
    last: Option<NaiveDateTime>,
) -> QueryResult<Digest> {
    let period = match frequency {
        DigestFrequency::Daily => chrono::Duration::days(1),
        _ => chrono::Duration::days(7),
    };
    let since = last.unwrap_or_else(|| now() - period);
    // Each followed organisation's range stops at `since`: a reader with three new updates
    // costs three rows, not a page of old ones.
    let mut found: Vec<UpdateRow> = updates::feed_since(conn, user_id, since, 50)?;
    let causes = super::causes::followed_ids(conn, user_id)?;
    if !causes.is_empty() {
        for update in updates::in_causes(conn, &causes, None, Some(since), 50)? {
            if !found.iter().any(|f| f.id == update.id) {
                found.push(update);
            }
        }
    }
    found.sort_by(|a, b| {
        (b.reactions_count + b.comments_count)
            .cmp(&(a.reactions_count + a.comments_count))
            .then(b.created_at.cmp(&a.created_at))
    });
    let more = found.len().saturating_sub(DIGEST_UPDATES);
    found.truncate(DIGEST_UPDATES);
    let digest_kinds: Vec<Kind> = Kind::ALL
        .iter()
        .copied()
        .filter(|kind| {
            super::mail_preferences::delivery(conn, user_id, kind.category())
                .is_ok_and(|d| d == Delivery::Digest)
        })
        .collect();
    let notifications = if digest_kinds.is_empty() {
        0
    } else {
        notifications::table
            .filter(notifications::user_id.eq(user_id))
            .filter(notifications::created_at.gt(since))
            .filter(notifications::read_at.is_null())
            .filter(notifications::kind.eq_any(digest_kinds))
            .count()
            .get_result(conn)?
    };
    Ok(Digest {
        updates: found,
        more,
        notifications,
    })
}

/// The reader had their digest (what the next one covers starts now).
pub fn sent(conn: &mut DbConnection, user_id: i64, at: NaiveDateTime) -> QueryResult<()> {
    diesel::update(users::table.find(user_id))
        .set(users::digest_sent_at.eq(Some(at)))
        .execute(conn)
        .map(drop)
}

/// A reader's digest frequency and when their last digest went.
pub fn schedule_of(
    conn: &mut DbConnection,
    user_id: i64,
) -> QueryResult<(DigestFrequency, Option<NaiveDateTime>)> {
    users::table
        .find(user_id)
        .select((users::digest, users::digest_sent_at))
        .first(conn)
}

/// Queues the digests due at `at`: the zones where it is the digest's hour now.
pub fn queue_due_at(
    conn: &mut DbConnection,
    at: chrono::DateTime<chrono::Utc>,
) -> QueryResult<usize> {
    let zones = zones(conn)?;
    let daily = crate::domain::jobs::morning_zones(&zones, at, false);
    let weekly = crate::domain::jobs::morning_zones(&zones, at, true);
    queue_due(conn, &daily, &weekly, super::stored_time(at.naive_utc()))
}
