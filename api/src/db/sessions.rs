//! Sessions (refresh-token families) and personal API tokens.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::schema::{api_tokens, refresh_tokens, sessions, users};
use super::{DbConnection, LockTable, StoreError, lock_row, now, write_transaction};
use crate::domain::credentials::{
    API_TOKEN_PREFIX, MAX_API_TOKENS, NewToken, REFRESH_PREFIX, REFRESH_TTL_DAYS, Scope,
    hash_secret, new_secret,
};
use crate::domain::pagination::TextKeysetAfter;
use ensemble_wire::Code;

/// Who a valid credential belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct Principal {
    #[diesel(column_name = id)]
    pub user_id: i64,
    pub is_admin: bool,
    /// The account's address is proven.
    pub email_verified: bool,
    /// Suspended by the moderators (since), until when (none: for good).
    pub suspended_at: Option<NaiveDateTime>,
    pub suspended_until: Option<NaiveDateTime>,
}

impl Principal {
    /// Suspended now: the account may sign in, export its data and delete itself, nothing
    /// else.
    pub fn suspended(&self) -> bool {
        crate::domain::users::suspended(self.suspended_at, self.suspended_until, now())
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = sessions)]
pub struct SessionRow {
    pub id: String,
    pub user_agent: String,
    pub created_at: NaiveDateTime,
    pub last_used_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = api_tokens)]
pub struct ApiTokenRow {
    pub id: String,
    pub name: String,
    pub scope: Scope,
    pub created_at: NaiveDateTime,
    pub last_used_at: Option<NaiveDateTime>,
}

fn insert_refresh_token(
    conn: &mut DbConnection,
    session_id: &str,
    at: NaiveDateTime,
) -> QueryResult<String> {
    let secret = new_secret(REFRESH_PREFIX);
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::token_hash.eq(hash_secret(&secret)),
            refresh_tokens::session_id.eq(session_id),
            refresh_tokens::created_at.eq(at),
            refresh_tokens::expires_at.eq(at + Duration::days(REFRESH_TTL_DAYS)),
        ))
        .execute(conn)?;
    Ok(secret)
}

/// Live sessions a person may have at once: signing in past it ends the oldest.
pub const MAX_LIVE_SESSIONS: i64 = 100;

/// Opens a session for the user: its id and its first refresh token.
pub fn open(
    conn: &mut DbConnection,
    user_id: i64,
    user_agent: &str,
) -> QueryResult<(String, String)> {
    write_transaction(conn, |conn| {
        let at = now();
        let too_many: Vec<String> = sessions::table
            .filter(sessions::user_id.eq(user_id))
            .filter(sessions::revoked_at.is_null())
            .order((sessions::last_used_at.desc(), sessions::id.desc()))
            .offset(MAX_LIVE_SESSIONS - 1)
            .select(sessions::id)
            .load(conn)?;
        if !too_many.is_empty() {
            diesel::update(sessions::table.filter(sessions::id.eq_any(&too_many)))
                .set(sessions::revoked_at.eq(at))
                .execute(conn)?;
        }
        let id = uuid::Uuid::new_v4().simple().to_string();
        diesel::insert_into(sessions::table)
            .values((
                sessions::id.eq(&id),
                sessions::user_id.eq(user_id),
                sessions::user_agent.eq(user_agent.chars().take(200).collect::<String>()),
                sessions::created_at.eq(at),
                sessions::last_used_at.eq(at),
            ))
            .execute(conn)?;
        let refresh = insert_refresh_token(conn, &id, at)?;
        Ok((id, refresh))
    })
}

/// A refresh token's session, expiry, use, owner, and its session's revocation.
type RefreshTokenState = (
    String,
    NaiveDateTime,
    Option<NaiveDateTime>,
    i64,
    Option<NaiveDateTime>,
);

pub enum Rotation {
    Rotated {
        user_id: i64,
        session_id: String,
        refresh_token: String,
    },
    /// The token had been used already: its whole session is now revoked.
    Reused,
    /// Unknown, expired, or of a revoked session.
    Invalid,
}

/// Trades a refresh token for a new one, once: the claim is a conditional update, so of two
/// concurrent uses exactly one wins and the other counts as reuse.
pub fn rotate(conn: &mut DbConnection, presented: &str) -> QueryResult<Rotation> {
    let hash = hash_secret(presented);
    write_transaction(conn, |conn| {
        let at = now();
        let found: Option<RefreshTokenState> = refresh_tokens::table
            .inner_join(sessions::table)
            .filter(refresh_tokens::token_hash.eq(&hash))
            .select((
                refresh_tokens::session_id,
                refresh_tokens::expires_at,
                refresh_tokens::used_at,
                sessions::user_id,
                sessions::revoked_at,
            ))
            .first(conn)
            .optional()?;
        let Some((session_id, expires_at, used_at, user_id, revoked_at)) = found else {
            return Ok(Rotation::Invalid);
        };
        if revoked_at.is_some() || expires_at <= at {
            return Ok(Rotation::Invalid);
        }
        let claimed = if used_at.is_none() {
            diesel::update(
                refresh_tokens::table
                    .filter(refresh_tokens::token_hash.eq(&hash))
                    .filter(refresh_tokens::used_at.is_null()),
            )
            .set(refresh_tokens::used_at.eq(at))
            .execute(conn)?
        } else {
            0
        };
        if claimed == 0 {
            revoke_session(conn, &session_id)?;
            return Ok(Rotation::Reused);
        }
        diesel::update(sessions::table.find(&session_id))
            .set(sessions::last_used_at.eq(at))
            .execute(conn)?;
        let refresh_token = insert_refresh_token(conn, &session_id, at)?;
        Ok(Rotation::Rotated {
            user_id,
            session_id,
            refresh_token,
        })
    })
}

fn revoke_session(conn: &mut DbConnection, session_id: &str) -> QueryResult<()> {
    diesel::update(
        sessions::table
            .find(session_id)
            .filter(sessions::revoked_at.is_null()),
    )
    .set(sessions::revoked_at.eq(now()))
    .execute(conn)
    .map(drop)
}

/// Logout: ends the session the refresh token belongs to (nothing if it is unknown).
pub fn revoke_by_refresh_token(conn: &mut DbConnection, presented: &str) -> QueryResult<()> {
    let session: Option<String> = refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(hash_secret(presented)))
        .select(refresh_tokens::session_id)
        .first(conn)
        .optional()?;
    match session {
        Some(id) => revoke_session(conn, &id),
        None => Ok(()),
    }
}

/// The user behind an access token, if its session is still open.
pub fn principal_for_session(
    conn: &mut DbConnection,
    user_id: i64,
    session_id: &str,
) -> QueryResult<Option<Principal>> {
    sessions::table
        .inner_join(users::table)
        .filter(sessions::id.eq(session_id))
        .filter(sessions::user_id.eq(user_id))
        .filter(sessions::revoked_at.is_null())
        .select(Principal::as_select())
        .first(conn)
        .optional()
}

/// The live sessions, newest first, keyset-paged.
pub fn live_sessions(
    conn: &mut DbConnection,
    user_id: i64,
    after: Option<TextKeysetAfter>,
    limit: i64,
) -> QueryResult<Vec<SessionRow>> {
    let mut query = sessions::table
        .filter(sessions::user_id.eq(user_id))
        .filter(sessions::revoked_at.is_null())
        .order((sessions::created_at.desc(), sessions::id.desc()))
        .limit(limit + 1)
        .select(SessionRow::as_select())
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(
            sessions::created_at
                .lt(after.created_at)
                .or(sessions::created_at
                    .eq(after.created_at)
                    .and(sessions::id.lt(after.id))),
        );
    }
    query.load(conn)
}

/// Ends one of the user's sessions; false when they have no such live session.
pub fn revoke_own_session(
    conn: &mut DbConnection,
    user_id: i64,
    session_id: &str,
) -> QueryResult<bool> {
    if session_id.len() != 32 || !session_id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(false);
    }
    diesel::update(
        sessions::table
            .filter(sessions::id.eq(session_id))
            .filter(sessions::user_id.eq(user_id))
            .filter(sessions::revoked_at.is_null()),
    )
    .set(sessions::revoked_at.eq(now()))
    .execute(conn)
    .map(|n| n > 0)
}

/// A new password; every session but `keep` ends (API tokens, which the person manages
/// one by one, stay).
pub fn change_password(
    conn: &mut DbConnection,
    user_id: i64,
    password_hash: &str,
    keep: Option<&str>,
) -> QueryResult<()> {
    write_transaction(conn, |conn| {
        set_password(conn, user_id, password_hash, keep)
    })
}

/// [`change_password`] inside the caller's transaction.
pub fn set_password(
    conn: &mut DbConnection,
    user_id: i64,
    password_hash: &str,
    keep: Option<&str>,
) -> QueryResult<()> {
    let at = now();
    diesel::update(users::table.find(user_id))
        .set((
            users::password_hash.eq(Some(password_hash)),
            users::updated_at.eq(at),
        ))
        .execute(conn)?;
    let others = sessions::table
        .filter(sessions::user_id.eq(user_id))
        .filter(sessions::revoked_at.is_null())
        .filter(sessions::id.ne(keep.unwrap_or("")));
    diesel::update(others)
        .set(sessions::revoked_at.eq(at))
        .execute(conn)?;
    Ok(())
}

/// Every session, revoked ones too (for the data export).
pub fn list_sessions(conn: &mut DbConnection, user_id: i64) -> QueryResult<Vec<SessionRow>> {
    sessions::table
        .filter(sessions::user_id.eq(user_id))
        .order(sessions::created_at.desc())
        .select(SessionRow::as_select())
        .load(conn)
}

/// Creates an API token: its row and its secret (to show once). At most
/// [`MAX_API_TOKENS`] live ones; two creations at once are counted one after the other.
pub fn create_api_token(
    conn: &mut DbConnection,
    user_id: i64,
    token: &NewToken,
) -> Result<(ApiTokenRow, String), StoreError> {
    write_transaction(conn, |conn| {
        lock_row(conn, LockTable::Users, user_id)?;
        if list_api_tokens(conn, user_id)?.len() >= MAX_API_TOKENS {
            return Err(StoreError::Conflict(
                Code::TooManyTokens,
                format!("At most {MAX_API_TOKENS} tokens: revoke one first."),
            ));
        }
        insert_api_token(conn, user_id, &token.name, token.scope).map_err(StoreError::from)
    })
}

fn insert_api_token(
    conn: &mut DbConnection,
    user_id: i64,
    name: &str,
    scope: Scope,
) -> QueryResult<(ApiTokenRow, String)> {
    let secret = new_secret(API_TOKEN_PREFIX);
    let row = ApiTokenRow {
        id: uuid::Uuid::new_v4().simple().to_string(),
        name: name.to_owned(),
        scope,
        created_at: now(),
        last_used_at: None,
    };
    diesel::insert_into(api_tokens::table)
        .values((
            api_tokens::id.eq(&row.id),
            api_tokens::user_id.eq(user_id),
            api_tokens::name.eq(&row.name),
            api_tokens::scope.eq(row.scope),
            api_tokens::token_hash.eq(hash_secret(&secret)),
            api_tokens::created_at.eq(row.created_at),
        ))
        .execute(conn)?;
    Ok((row, secret))
}

pub fn list_api_tokens(conn: &mut DbConnection, user_id: i64) -> QueryResult<Vec<ApiTokenRow>> {
    api_tokens::table
        .filter(api_tokens::user_id.eq(user_id))
        .filter(api_tokens::revoked_at.is_null())
        .order((api_tokens::created_at.desc(), api_tokens::id.desc()))
        .select(ApiTokenRow::as_select())
        .load(conn)
}

/// Revokes one of the user's tokens; false when they have no such (live) token.
pub fn revoke_api_token(conn: &mut DbConnection, user_id: i64, id: &str) -> QueryResult<bool> {
    if id.len() != 32 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(false);
    }
    diesel::update(
        api_tokens::table
            .filter(api_tokens::id.eq(id))
            .filter(api_tokens::user_id.eq(user_id))
            .filter(api_tokens::revoked_at.is_null()),
    )
    .set(api_tokens::revoked_at.eq(now()))
    .execute(conn)
    .map(|n| n > 0)
}

/// The user and scope behind a live API token; records its use (at most once a minute,
/// so reads do not each cost a write).
pub fn principal_for_api_token(
    conn: &mut DbConnection,
    presented: &str,
) -> QueryResult<Option<(Principal, Scope)>> {
    #[derive(Queryable, Selectable)]
    #[diesel(table_name = api_tokens)]
    struct Found {
        id: String,
        scope: Scope,
        last_used_at: Option<NaiveDateTime>,
        #[diesel(embed)]
        principal: Principal,
    }
    let found: Option<Found> = api_tokens::table
        .inner_join(users::table)
        .filter(api_tokens::token_hash.eq(hash_secret(presented)))
        .filter(api_tokens::revoked_at.is_null())
        .select(Found::as_select())
        .first(conn)
        .optional()?;
    let Some(Found {
        id,
        scope,
        last_used_at,
        principal,
    }) = found
    else {
        return Ok(None);
    };
    let at = now();
    if last_used_at.is_none_or(|last| at - last > Duration::minutes(1)) {
        diesel::update(api_tokens::table.find(&id))
            .set(api_tokens::last_used_at.eq(at))
            .execute(conn)?;
    }
    Ok(Some((principal, scope)))
}
