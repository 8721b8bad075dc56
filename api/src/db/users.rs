//! Users: rows and queries.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use ensemble_wire::Code;

use super::error::StoreError;
use super::schema::{moderation_log, users};
use super::{DbConnection, LockTable, lock_row, now, write_transaction};
use crate::domain::users::{ProfileChanges, Registration};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: i64,
    pub email: String,
    pub email_verified: bool,
    pub password_hash: Option<String>,
    pub display_name: String,
    /// The avatar's stored picture (JSON).
    pub avatar: Option<String>,
    pub bio: String,
    pub locale: String,
    pub country: Option<String>,
    pub follows_public: bool,
    pub is_admin: bool,
    pub is_moderator: bool,
    pub created_at: NaiveDateTime,
    pub suspended_at: Option<NaiveDateTime>,
    pub suspended_until: Option<NaiveDateTime>,
    pub suspension_reason: Option<String>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = users)]
pub struct NewUser<'a> {
    pub email: &'a str,
    pub email_key: &'a str,
    pub email_verified: bool,
    pub password_hash: Option<&'a str>,
    pub display_name: &'a str,
    pub locale: &'a str,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// The columns [`ProfileChanges`] sets.
#[derive(Debug, AsChangeset)]
#[diesel(table_name = users)]
struct Changeset<'a> {
    display_name: Option<&'a str>,
    bio: Option<&'a str>,
    locale: Option<&'a str>,
    country: Option<Option<&'a str>>,
    follows_public: Option<bool>,
}

impl<'a> From<&'a ProfileChanges> for Changeset<'a> {
    fn from(changes: &'a ProfileChanges) -> Self {
        Self {
            display_name: changes.display_name.as_deref(),
            bio: changes.bio.as_deref(),
            locale: changes.locale.as_deref(),
            country: changes.country.as_ref().map(Option::as_deref),
            follows_public: changes.follows_public,
        }
    }
}

/// Creates the user; 409 `email_taken` when the email (in any case) is in use.
pub fn insert(conn: &mut DbConnection, new: &NewUser<'_>) -> Result<i64, StoreError> {
    diesel::insert_into(users::table)
        .values(new)
        .returning(users::id)
        .get_result(conn)
        .map_err(|e| match e {
            e if super::Unique::UserEmail.violated_by(&e) => StoreError::Conflict(
                Code::EmailTaken,
                "An account with this email exists: sign in instead.".into(),
            ),
            other => other.into(),
        })
}

/// Creates the account of a registration with its password's hash, and queues the mail
/// that proves its address; answers the account.
pub fn register(
    conn: &mut DbConnection,
    registration: &Registration,
    password_hash: &str,
    invitation_id: Option<&str>,
) -> Result<UserRow, StoreError> {
    write_transaction(conn, |conn| {
        let user = insert_registration(conn, registration, password_hash)?;
        // Signed up from an invitation's link: it waits for the new account's answer, and
        // the link proved the address it was sent to.
        let proven = match invitation_id {
            Some(id) => {
                super::teams::take_for_new_account(conn, id, user.id, &registration.email.key)?
            }
            None => false,
        };
        if proven {
            diesel::update(users::table.find(user.id))
                .set(users::email_verified.eq(true))
                .execute(conn)?;
            return find(conn, user.id)?.ok_or(StoreError::NotFound("user"));
        }
        super::jobs::enqueue(
            conn,
            &crate::domain::jobs::Job::Mail(crate::domain::jobs::Mail::VerifyAddress {
                user_id: user.id,
            }),
            None,
        )?;
        Ok(user)
    })
}

fn insert_registration(
    conn: &mut DbConnection,
    registration: &Registration,
    password_hash: &str,
) -> Result<UserRow, StoreError> {
    let at = now();
    let id = insert(
        conn,
        &NewUser {
            email: &registration.email.address,
            email_key: &registration.email.key,
            email_verified: false,
            password_hash: Some(password_hash),
            display_name: &registration.display_name,
            locale: registration.locale.code(),
            created_at: at,
            updated_at: at,
        },
    )?;
    find(conn, id)?.ok_or(StoreError::NotFound("user"))
}

pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<UserRow>> {
    users::table
        .find(id)
        .select(UserRow::as_select())
        .first(conn)
        .optional()
}

pub fn find_by_email(conn: &mut DbConnection, email_key: &str) -> QueryResult<Option<UserRow>> {
    users::table
        .filter(users::email_key.eq(email_key))
        .select(UserRow::as_select())
        .first(conn)
        .optional()
}

/// Applies profile changes; a new avatar must be a square upload of the person's own (422
/// `no_such_upload` or `not_square` on `avatar` otherwise).
pub fn update_profile(
    conn: &mut DbConnection,
    id: i64,
    changes: &ProfileChanges,
) -> Result<(), StoreError> {
    use super::uploads::{self, Purpose, Subject};
    write_transaction(conn, |conn| {
        diesel::update(users::table.find(id))
            .set((Changeset::from(changes), users::updated_at.eq(now())))
            .execute(conn)?;
        if let Some(choice) = &changes.avatar {
            let picture = match choice {
                Some(upload) => Some(uploads::usable(
                    conn,
                    "avatar",
                    upload,
                    id,
                    Purpose::Avatar,
                    None,
                )?),
                None => None,
            };
            diesel::update(users::table.find(id))
                .set(users::avatar.eq(picture.as_ref().map(crate::media::StoredPicture::to_json)))
                .execute(conn)?;
            let uses: Vec<_> = picture
                .map(|p| (p.id, Purpose::Avatar))
                .into_iter()
                .collect();
            uploads::set_uses(conn, Subject::Person(id), &[Purpose::Avatar], &uses)?;
        }
        Ok(())
    })
}

/// Deletes the user and, by cascade, everything that is only theirs.
pub fn delete(conn: &mut DbConnection, id: i64) -> QueryResult<bool> {
    diesel::delete(users::table.find(id))
        .execute(conn)
        .map(|n| n > 0)
}

/// Deletes an account whose recurring gifts were stopped, with its follows, comments and
/// reactions and the counts they added. Refused while it is an organisation's only owner,
/// or when a recurring gift was begun after the others were stopped (it would run on with
/// nobody to stop it).
pub fn delete_account(conn: &mut DbConnection, id: i64) -> Result<(), StoreError> {
    write_transaction(conn, |conn| {
        // A gift begun from now on waits for this transaction (its row refers to the
        // user), then finds the account gone.
        lock_row(conn, LockTable::Users, id)?;
        super::teams::ensure_not_sole_owner(conn, id)?;
        if !super::donations::live_recurring(conn, super::donations::Of::Donor(id))?.is_empty() {
            return Err(StoreError::Conflict(
                Code::GiftInProgress,
                "A monthly or yearly gift was started meanwhile: try again.".into(),
            ));
        }
        super::follows::forget_user(conn, id)?;
        super::comments::forget_user(conn, id)?;
        // The log keeps their decisions under their name, no longer their id.
        diesel::update(moderation_log::table.filter(moderation_log::actor_id.eq(id)))
            .set(moderation_log::actor_id.eq(None::<i64>))
            .execute(conn)?;
        delete(conn, id)?;
        Ok(())
    })
}

/// When this account was made.
pub fn joined(conn: &mut DbConnection, id: i64) -> QueryResult<NaiveDateTime> {
    users::table.find(id).select(users::created_at).first(conn)
}

/// Grants or revokes the moderator's role; false when no account has this email.
pub fn set_moderator(
    conn: &mut DbConnection,
    email_key: &str,
    moderator: bool,
) -> QueryResult<bool> {
    diesel::update(users::table.filter(users::email_key.eq(email_key)))
        .set((
            users::is_moderator.eq(moderator),
            users::updated_at.eq(now()),
        ))
        .execute(conn)
        .map(|n| n > 0)
}

/// A platform role, as the command line grants it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlatformRole {
    Moderator,
    Admin,
}

/// Grants or revokes a platform role from the command line, and keeps it in the moderation
/// log; false when no account has this email.
pub fn set_platform_role(
    conn: &mut DbConnection,
    email_key: &str,
    role: PlatformRole,
    granted: bool,
) -> Result<bool, StoreError> {
    write_transaction(conn, |conn| {
        let Some((id, was_admin, was_moderator)) = users::table
            .filter(users::email_key.eq(email_key))
            .select((users::id, users::is_admin, users::is_moderator))
            .first::<(i64, bool, bool)>(conn)
            .optional()?
        else {
            return Ok(false);
        };
        let name = match role {
            PlatformRole::Moderator => {
                set_moderator(conn, email_key, granted)?;
                "moderator"
            }
            PlatformRole::Admin => {
                set_admin(conn, email_key, granted)?;
                "platform administrator"
            }
        };
        let verb = if granted { "made" } else { "no longer" };
        super::moderation::log_decision(
            conn,
            None,
            crate::domain::moderation::Action::PlatformRole,
            crate::domain::moderation::ItemKind::User,
            id,
            &format!("{verb} {name}"),
            serde_json::json!({
                "standing": { "is_admin": was_admin, "is_moderator": was_moderator },
            }),
        )?;
        Ok(true)
    })
}

/// Grants or revokes platform administration; false when no account has this email.
pub fn set_admin(conn: &mut DbConnection, email_key: &str, admin: bool) -> QueryResult<bool> {
    diesel::update(users::table.filter(users::email_key.eq(email_key)))
        .set((users::is_admin.eq(admin), users::updated_at.eq(now())))
        .execute(conn)
        .map(|n| n > 0)
}
