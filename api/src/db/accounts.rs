//! An account's address: proving it, changing it, and recovering the account through it.
//! Every mail these ask for is queued in the same transaction (`db::jobs`), and every link
//! is redeemed in the transaction that does what it is for (`db::email_tokens`).

use diesel::prelude::*;
use ensemble_wire::Code;

use super::schema::users as table;
use super::users::{self, UserRow};
use super::{DbConnection, StoreError, email_tokens, jobs, now, sessions, write_transaction};
use crate::domain::credentials::EmailPurpose;
use crate::domain::jobs::{Job, Mail};
use crate::domain::users::Email;

/// Asks again for the proof of the account's address; false when it is proven already.
pub fn ask_verification(conn: &mut DbConnection, user_id: i64) -> Result<bool, StoreError> {
    let user = users::find(conn, user_id)?.ok_or(StoreError::NotFound("account"))?;
    if user.email_verified {
        return Ok(false);
    }
    jobs::enqueue(conn, &Job::Mail(Mail::VerifyAddress { user_id }), None)?;
    Ok(true)
}

/// What a confirmation link did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Confirmed {
    /// The account's address is proven.
    Verified { email: String },
    /// The account has the new address (proven), and the old one is told.
    Changed { email: String },
}

/// Redeems a link sent to prove an address (`verify`) or to take a new one (`change`).
/// A proof of an address the account no longer has proves nothing; a new address another
/// account took meanwhile is refused (409 `email_taken`), the link spent.
pub fn confirm_address(conn: &mut DbConnection, token: &str) -> Result<Confirmed, StoreError> {
    let redeemed = write_transaction(conn, |conn| {
        let link =
            email_tokens::redeem(conn, token, &[EmailPurpose::Verify, EmailPurpose::Change])?;
        let user = users::find(conn, link.user_id)?.ok_or(StoreError::NotFound("account"))?;
        match link.purpose {
            EmailPurpose::Change => {
                let new = Email::parse(&link.email).map_err(|e| StoreError::Invalid(vec![e]))?;
                if users::find_by_email(conn, &new.key)?.is_some_and(|other| other.id != user.id) {
                    return Ok(Err(new.address));
                }
                set_address(conn, user.id, &new)?;
                jobs::enqueue(
                    conn,
                    &Job::Mail(Mail::AddressChanged {
                        user_id: user.id,
                        old_address: user.email.clone(),
                    }),
                    None,
                )?;
                Ok(Ok(Confirmed::Changed { email: new.address }))
            }
            _ if link.email != user.email => {
                Err(StoreError::Invalid(vec![crate::domain::text::field_error(
                    "token",
                    Code::InvalidToken,
                    "this link was sent to an address the account no longer has",
                )]))
            }
            _ => {
                diesel::update(table::table.find(user.id))
                    .set((table::email_verified.eq(true), table::updated_at.eq(now())))
                    .execute(conn)?;
                Ok(Ok(Confirmed::Verified { email: user.email }))
            }
        }
    })?;
    redeemed.map_err(|_| {
        StoreError::Conflict(
            Code::EmailTaken,
            "Another account uses this address now.".into(),
        )
    })
}

fn set_address(conn: &mut DbConnection, user_id: i64, email: &Email) -> Result<(), StoreError> {
    diesel::update(table::table.find(user_id))
        .set((
            table::email.eq(&email.address),
            table::email_key.eq(&email.key),
            table::email_verified.eq(true),
            table::updated_at.eq(now()),
        ))
        .execute(conn)
        .map_err(|e| {
            if super::Unique::UserEmail.violated_by(&e) {
                StoreError::Conflict(
                    Code::EmailTaken,
                    "Another account uses this address now.".into(),
                )
            } else {
                e.into()
            }
        })?;
    Ok(())
}

/// Asks for a link to reset the password of the account with this address, if there is
/// one: the caller answers the same either way, so nobody learns which addresses have
/// accounts.
pub fn ask_reset(conn: &mut DbConnection, email: &Email) -> Result<(), StoreError> {
    if let Some(user) = users::find_by_email(conn, &email.key)? {
        jobs::enqueue(
            conn,
            &Job::Mail(Mail::ResetPassword { user_id: user.id }),
            None,
        )?;
    }
    Ok(())
}

/// Redeems a reset link: the new password, every session ended, the address proven (the
/// link reached it), and the owner told.
pub fn reset_password(
    conn: &mut DbConnection,
    token: &str,
    password_hash: &str,
) -> Result<UserRow, StoreError> {
    write_transaction(conn, |conn| {
        let link = email_tokens::redeem(conn, token, &[EmailPurpose::Reset])?;
        let user = users::find(conn, link.user_id)?.ok_or(StoreError::NotFound("account"))?;
        if link.email != user.email {
            return Err(StoreError::Invalid(vec![crate::domain::text::field_error(
                "token",
                Code::InvalidToken,
                "this link was sent to an address the account no longer has",
            )]));
        }
        sessions::set_password(conn, user.id, password_hash, None)?;
        diesel::update(table::table.find(user.id))
            .set(table::email_verified.eq(true))
            .execute(conn)?;
        jobs::enqueue(
            conn,
            &Job::Mail(Mail::PasswordChanged { user_id: user.id }),
            None,
        )?;
        Ok(user)
    })
}

/// Asks for the account's address to become `new`: a link goes to the new address, and
/// nothing changes until it is opened. An address another account has is refused then,
/// not now, so that asking tells nobody which addresses have accounts.
pub fn ask_address_change(
    conn: &mut DbConnection,
    user_id: i64,
    new: &Email,
) -> Result<(), StoreError> {
    let user = users::find(conn, user_id)?.ok_or(StoreError::NotFound("account"))?;
    if user.email.to_lowercase() == new.key {
        return Err(StoreError::Invalid(vec![crate::domain::text::field_error(
            "email",
            Code::InvalidEmail,
            "this is already the account's address",
        )]));
    }
    jobs::enqueue(
        conn,
        &Job::Mail(Mail::ConfirmNewAddress {
            user_id,
            address: new.address.clone(),
        }),
        None,
    )?;
    Ok(())
}
