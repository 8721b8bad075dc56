//! Sign-in states of provider logins, and the accounts linked to provider identities.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use ensemble_wire::Code;

use super::error::StoreError;
use super::schema::{oauth_states, user_identities};
use super::users::{NewUser, UserRow};
use super::{DbConnection, now, write_transaction};
use crate::domain::credentials::{Identity, SignInProvider};

pub const STATE_TTL_MINUTES: i64 = 10;

pub struct NewState<'a> {
    pub state_hash: &'a str,
    pub provider: SignInProvider,
    pub code_verifier: &'a str,
    pub nonce: &'a str,
    pub return_to: &'a str,
}

/// Forgets the sign-in states that ran out.
pub fn clean_up(conn: &mut DbConnection) -> QueryResult<usize> {
    diesel::delete(oauth_states::table.filter(oauth_states::expires_at.lt(now()))).execute(conn)
}

/// Records a sign-in in progress (and forgets those that expired).
pub fn save_state(conn: &mut DbConnection, state: &NewState<'_>) -> QueryResult<()> {
    let at = now();
    diesel::delete(oauth_states::table.filter(oauth_states::expires_at.lt(at))).execute(conn)?;
    diesel::insert_into(oauth_states::table)
        .values((
            oauth_states::state_hash.eq(state.state_hash),
            oauth_states::provider.eq(state.provider),
            oauth_states::code_verifier.eq(state.code_verifier),
            oauth_states::nonce.eq(state.nonce),
            oauth_states::return_to.eq(state.return_to),
            oauth_states::expires_at.eq(at + Duration::minutes(STATE_TTL_MINUTES)),
        ))
        .execute(conn)
        .map(drop)
}

pub struct ClaimedState {
    pub code_verifier: String,
    pub nonce: String,
    pub return_to: String,
}

/// Takes a sign-in state, once: of two callbacks with the same state, one gets it.
pub fn claim_state(
    conn: &mut DbConnection,
    state_hash: &str,
    provider: SignInProvider,
) -> QueryResult<Option<ClaimedState>> {
    write_transaction(conn, |conn| {
        let found: Option<(String, String, String, NaiveDateTime)> = oauth_states::table
            .filter(oauth_states::state_hash.eq(state_hash))
            .filter(oauth_states::provider.eq(provider))
            .select((
                oauth_states::code_verifier,
                oauth_states::nonce,
                oauth_states::return_to,
                oauth_states::expires_at,
            ))
            .first(conn)
            .optional()?;
        let deleted = diesel::delete(oauth_states::table.find(state_hash)).execute(conn)?;
        Ok(match found {
            Some((code_verifier, nonce, return_to, expires_at))
                if deleted == 1 && expires_at > now() =>
            {
                Some(ClaimedState {
                    code_verifier,
                    nonce,
                    return_to,
                })
            }
            _ => None,
        })
    })
}

/// The user a provider identity signs in: the one already linked to it; else a new account
/// for its (verified) email. An account that already uses the address is never taken
/// over nor linked silently (403 `account_exists`): its owner signs in as before. A
/// provider round trip must never remove someone's password or end their sessions.
pub fn sign_in_with(
    conn: &mut DbConnection,
    provider: SignInProvider,
    identity: &Identity,
    locale: &str,
) -> Result<UserRow, StoreError> {
    write_transaction(conn, |conn| {
        let linked: Option<i64> = user_identities::table
            .find((provider.as_str(), &identity.subject))
            .select(user_identities::user_id)
            .first(conn)
            .optional()?;
        if let Some(user_id) = linked {
            return super::users::find(conn, user_id)?.ok_or(StoreError::NotFound("user"));
        }
        let email = identity
            .email
            .as_deref()
            .ok_or(StoreError::Forbidden(Code::EmailRequired))?;
        if !identity.email_verified {
            return Err(StoreError::Forbidden(Code::EmailNotVerified));
        }
        let key = email.trim().to_lowercase();
        if super::users::find_by_email(conn, &key)?.is_some() {
            return Err(StoreError::Forbidden(Code::AccountExists));
        }
        let at = now();
        // The provider's name, else the address's local part, else a plain word: each only
        // if it is a name people may have here (no invisible or reordering characters).
        let local_part: String = key
            .split('@')
            .next()
            .unwrap_or_default()
            .chars()
            .take(80)
            .collect();
        let name = identity
            .name
            .as_deref()
            .map(|n| n.trim().chars().take(80).collect::<String>())
            .into_iter()
            .chain(std::iter::once(local_part))
            .find_map(|candidate| crate::domain::users::display_name(&candidate).ok())
            .unwrap_or_else(|| "Supporter".to_owned());
        let user = super::users::insert(
            conn,
            &NewUser {
                email: email.trim(),
                email_key: &key,
                email_verified: true,
                password_hash: None,
                display_name: &name,
                locale,
                created_at: at,
                updated_at: at,
            },
        )?;
        diesel::insert_into(user_identities::table)
            .values((
                user_identities::provider.eq(provider),
                user_identities::subject.eq(&identity.subject),
                user_identities::user_id.eq(user),
                user_identities::email.eq(email),
                user_identities::created_at.eq(at),
            ))
            .execute(conn)?;
        super::users::find(conn, user)?.ok_or(StoreError::NotFound("user"))
    })
}

/// The provider accounts linked to a user.
pub fn identities(conn: &mut DbConnection, user_id: i64) -> QueryResult<Vec<IdentityRow>> {
    user_identities::table
        .filter(user_identities::user_id.eq(user_id))
        .order((user_identities::created_at, user_identities::provider))
        .select(IdentityRow::as_select())
        .load(conn)
}

/// A provider account linked to a person's.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = user_identities)]
pub struct IdentityRow {
    pub provider: SignInProvider,
    pub email: Option<String>,
    pub created_at: NaiveDateTime,
}
