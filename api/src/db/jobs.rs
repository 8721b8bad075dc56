//! The job table. A job is written by the transaction of the change that causes it
//! ([`enqueue`] takes the transaction's connection), taken by one worker at a time for a
//! lease ([`claim`]: `FOR UPDATE SKIP LOCKED` on PostgreSQL, so several servers on one
//! database never take the same job; SQLite's write transactions take turns), and then
//! finished, retried later, or given up ([`finish`], [`fail`]). Every change of a job after
//! it is taken is conditional on the worker still holding it.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Text};

use super::schema::jobs;
use super::sql::{Bind, Sql};
use super::{DbConnection, now, write_transaction};
use crate::domain::jobs::{Job, State};

/// Queues `job` to run at `run_at` (now if `None`), in the caller's transaction.
pub fn enqueue(
    conn: &mut DbConnection,
    job: &Job,
    run_at: Option<NaiveDateTime>,
) -> QueryResult<()> {
    insert(conn, job, run_at, None).map(drop)
}

/// Queues `job` unless a job with this key was ever queued (periodic work: one job per
/// period, whichever server asks first). Answers whether this call queued it.
pub fn enqueue_once(conn: &mut DbConnection, job: &Job, unique_key: &str) -> QueryResult<bool> {
    match insert(conn, job, None, Some(unique_key)) {
        Ok(n) => Ok(n > 0),
        Err(e) if super::Unique::JobKey.violated_by(&e) => Ok(false),
        Err(e) => Err(e),
    }
}

fn insert(
    conn: &mut DbConnection,
    job: &Job,
    run_at: Option<NaiveDateTime>,
    unique_key: Option<&str>,
) -> QueryResult<usize> {
    let payload = serde_json::to_string(job)
        .map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))?;
    let at = now();
    diesel::insert_into(jobs::table)
        .values((
            jobs::kind.eq(job.kind()),
            jobs::payload.eq(payload),
            jobs::state.eq(State::Queued),
            jobs::run_at.eq(run_at.map_or(at, super::stored_time)),
            jobs::max_attempts.eq(job.max_attempts()),
            jobs::unique_key.eq(unique_key),
            jobs::created_at.eq(at),
        ))
        .execute(conn)
}

/// A job a worker holds.
#[derive(Debug, Clone, QueryableByName)]
pub struct Claimed {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub kind: String,
    #[diesel(sql_type = Text)]
    pub payload: String,
    /// This attempt's number (1 for the first).
    #[diesel(sql_type = Integer)]
    pub attempts: i32,
    #[diesel(sql_type = Integer)]
    pub max_attempts: i32,
}

/// Takes up to `limit` due jobs (queued ones whose time has come, and running ones whose
/// worker's lease ran out) for `worker` until `lease_until`. Oldest first.
pub fn claim(
    conn: &mut DbConnection,
    worker: &str,
    limit: i64,
    lease_until: NaiveDateTime,
) -> QueryResult<Vec<Claimed>> {
    let at = now();
    // Most polls find nothing: a read, without a write transaction or a row lock.
    let due = jobs::table
        .filter(
            jobs::state
                .eq(State::Queued)
                .and(jobs::run_at.le(at))
                .or(jobs::state
                    .eq(State::Running)
                    .and(jobs::locked_until.lt(at))),
        )
        .select(jobs::id)
        .first::<i64>(conn)
        .optional()?;
    if due.is_none() {
        return Ok(Vec::new());
    }
    write_transaction(conn, |conn| {
        let mut sql = Sql::for_connection(conn);
        sql.push("UPDATE jobs SET state = ")
            .text(State::Running.as_str())
            .push(", attempts = attempts + 1, locked_by = ")
            .text(worker)
            .push(", locked_until = ")
            .bind(Bind::Time(super::stored_time(lease_until)))
            .push(" WHERE id IN (SELECT id FROM jobs WHERE (state = ")
            .text(State::Queued.as_str())
            .push(" AND run_at <= ")
            .bind(Bind::Time(at))
            .push(") OR (state = ")
            .text(State::Running.as_str())
            .push(" AND locked_until < ")
            .bind(Bind::Time(at))
            .push(") ORDER BY run_at, id LIMIT ")
            .int(limit);
        if sql.is_postgres() {
            sql.push(" FOR UPDATE SKIP LOCKED");
        }
        sql.push(") RETURNING id, kind, payload, attempts, max_attempts");
        sql.load(conn)
    })
}

/// The job is done. False when `worker` no longer held it (its lease ran out and another
/// worker took it): the other worker's outcome stands.
pub fn finish(conn: &mut DbConnection, id: i64, worker: &str) -> QueryResult<bool> {
    diesel::update(
        jobs::table
            .find(id)
            .filter(jobs::state.eq(State::Running))
            .filter(jobs::locked_by.eq(worker)),
    )
    .set((
        jobs::state.eq(State::Done),
        jobs::finished_at.eq(Some(now())),
        jobs::locked_by.eq(None::<String>),
        jobs::locked_until.eq(None::<NaiveDateTime>),
        jobs::last_error.eq(""),
    ))
    .execute(conn)
    .map(|n| n == 1)
}

/// The attempt failed with `error`: the job runs again at `retry_at`, or, with `None`
/// (its last attempt), is dead.
pub fn fail(
    conn: &mut DbConnection,
    id: i64,
    worker: &str,
    error: &str,
    retry_at: Option<NaiveDateTime>,
) -> QueryResult<bool> {
    let error: String = error.chars().take(2000).collect();
    let (state, run_at, finished_at) = match retry_at {
        Some(at) => (State::Queued, super::stored_time(at), None),
        None => (State::Dead, now(), Some(now())),
    };
    diesel::update(
        jobs::table
            .find(id)
            .filter(jobs::state.eq(State::Running))
            .filter(jobs::locked_by.eq(worker)),
    )
    .set((
        jobs::state.eq(state),
        jobs::run_at.eq(run_at),
        jobs::finished_at.eq(finished_at),
        jobs::locked_by.eq(None::<String>),
        jobs::locked_until.eq(None::<NaiveDateTime>),
        jobs::last_error.eq(error),
    ))
    .execute(conn)
    .map(|n| n == 1)
}

/// A job as listed.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = jobs)]
pub struct JobRow {
    pub id: i64,
    pub kind: String,
    pub state: State,
    pub run_at: NaiveDateTime,
    pub attempts: i32,
    pub max_attempts: i32,
    pub last_error: String,
    pub created_at: NaiveDateTime,
    pub finished_at: Option<NaiveDateTime>,
}

/// Jobs, newest first, of one state or all.
pub fn list(conn: &mut DbConnection, state: Option<State>, limit: i64) -> QueryResult<Vec<JobRow>> {
    let mut query = jobs::table
        .order(jobs::id.desc())
        .limit(limit)
        .select(JobRow::as_select())
        .into_boxed();
    if let Some(state) = state {
        query = query.filter(jobs::state.eq(state));
    }
    query.load(conn)
}

/// Sends dead jobs back to the queue with their tries counted afresh: one (`Some(id)`) or
/// all. Answers how many.
pub fn retry(conn: &mut DbConnection, id: Option<i64>) -> QueryResult<usize> {
    let mut query = diesel::update(jobs::table)
        .filter(jobs::state.eq(State::Dead))
        .into_boxed();
    if let Some(id) = id {
        query = query.filter(jobs::id.eq(id));
    }
    query
        .set((
            jobs::state.eq(State::Queued),
            jobs::run_at.eq(now()),
            jobs::attempts.eq(0),
            jobs::finished_at.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)
}

/// Deletes finished jobs (done, and dead unless `keep_dead`) that ended before `before`.
pub fn purge(
    conn: &mut DbConnection,
    before: NaiveDateTime,
    keep_dead: bool,
) -> QueryResult<usize> {
    let states: &[State] = if keep_dead {
        &[State::Done]
    } else {
        &[State::Done, State::Dead]
    };
    diesel::delete(
        jobs::table
            .filter(jobs::state.eq_any(states.to_vec()))
            .filter(jobs::finished_at.lt(before)),
    )
    .execute(conn)
}

/// How many jobs are in each state (for `/metrics`).
pub fn depth(conn: &mut DbConnection) -> QueryResult<Vec<(State, i64)>> {
    use diesel::dsl::count_star;
    jobs::table
        .group_by(jobs::state)
        .select((jobs::state, count_star()))
        .load(conn)
}

/// Forgets what has expired: finished jobs after a week (dead ones stay until an operator
/// purges them), links a day after they expired, sign-in states that ran out. Answers how
/// many rows went.
pub fn clean_up(conn: &mut DbConnection) -> QueryResult<usize> {
    let week_ago = now() - chrono::Duration::days(7);
    let jobs = purge(conn, week_ago, true)?;
    let links = super::email_tokens::clean_up(conn)?;
    let states = super::oauth::clean_up(conn)?;
    Ok(jobs + links + states)
}
