//! Single-use links sent by mail, kept as hashes: issuing one makes the earlier unused
//! ones of the same purpose worthless; redeeming one marks it used in the statement that
//! checks it, so two clicks at once redeem it once.

use diesel::prelude::*;
use ensemble_wire::Code;

use super::schema::email_tokens;
use super::{DbConnection, StoreError, now};
use crate::domain::credentials::{EmailPurpose, hash_secret, new_secret};
use crate::domain::text::field_error;

const PREFIX: &str = "ens_mail_";

/// A new link's token for `user_id`, `purpose` and the address it is sent to.
pub fn issue(
    conn: &mut DbConnection,
    user_id: i64,
    purpose: EmailPurpose,
    email: &str,
) -> QueryResult<String> {
    let at = now();
    diesel::update(
        email_tokens::table
            .filter(email_tokens::user_id.eq(user_id))
            .filter(email_tokens::purpose.eq(purpose))
            .filter(email_tokens::used_at.is_null()),
    )
    .set(email_tokens::expires_at.eq(at))
    .execute(conn)?;
    let token = new_secret(PREFIX);
    diesel::insert_into(email_tokens::table)
        .values((
            email_tokens::token_hash.eq(hash_secret(&token)),
            email_tokens::user_id.eq(user_id),
            email_tokens::purpose.eq(purpose),
            email_tokens::email.eq(email),
            email_tokens::created_at.eq(at),
            email_tokens::expires_at.eq(at + purpose.lifetime()),
        ))
        .execute(conn)?;
    Ok(token)
}

/// What a redeemed link was for.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = email_tokens)]
pub struct Redeemed {
    pub user_id: i64,
    pub purpose: EmailPurpose,
    pub email: String,
}

/// Uses a link's token once, if it is one of `purposes`, unused and unexpired; refused
/// otherwise (422 on the `token` field: `invalid_token`, or `token_expired`), changing
/// nothing. Call it in the
/// transaction that does what the link is for.
pub fn redeem(
    conn: &mut DbConnection,
    token: &str,
    purposes: &[EmailPurpose],
) -> Result<Redeemed, StoreError> {
    let hash = hash_secret(token.trim());
    let at = now();
    let found: Option<(
        Redeemed,
        chrono::NaiveDateTime,
        Option<chrono::NaiveDateTime>,
    )> = email_tokens::table
        .find(&hash)
        .select((
            Redeemed::as_select(),
            email_tokens::expires_at,
            email_tokens::used_at,
        ))
        .first(conn)
        .optional()?;
    let refused = |code| {
        let message = match code {
            Code::TokenExpired => "this link has expired: ask for a new one",
            _ => "this link is not valid, or was used already",
        };
        Err(StoreError::Invalid(vec![field_error(
            "token", code, message,
        )]))
    };
    let Some((redeemed, expires_at, used_at)) = found else {
        return refused(Code::InvalidToken);
    };
    if !purposes.contains(&redeemed.purpose) || used_at.is_some() {
        return refused(Code::InvalidToken);
    }
    if expires_at <= at {
        return refused(Code::TokenExpired);
    }
    let used = diesel::update(
        email_tokens::table
            .find(&hash)
            .filter(email_tokens::used_at.is_null()),
    )
    .set(email_tokens::used_at.eq(Some(at)))
    .execute(conn)?;
    if used != 1 {
        return refused(Code::InvalidToken);
    }
    Ok(redeemed)
}

/// Forgets links that can no longer be used (a day after they expired).
pub fn clean_up(conn: &mut DbConnection) -> QueryResult<usize> {
    diesel::delete(
        email_tokens::table.filter(email_tokens::expires_at.lt(now() - chrono::Duration::days(1))),
    )
    .execute(conn)
}
