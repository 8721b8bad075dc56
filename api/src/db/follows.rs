//! Following organisations. `organisations.followers_count` moves in the same transaction
//! as the follow row, and only when a row was really added or removed, so it stays exact
//! under concurrent follows and unfollows.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::result::Error as DieselError;

use super::error::StoreError;
use super::schema::{organisation_follows, organisations, users};
use super::{DbConnection, now, write_transaction};
use crate::domain::pagination::KeysetAfter;

/// Follows; following already changes nothing.
pub fn follow(
    conn: &mut DbConnection,
    user_id: i64,
    organisation_id: i64,
) -> Result<(), StoreError> {
    let result = write_transaction(conn, |conn| {
        let already = organisation_follows::table
            .find((user_id, organisation_id))
            .count()
            .get_result::<i64>(conn)?;
        if already > 0 {
            return Ok(());
        }
        diesel::insert_into(organisation_follows::table)
            .values((
                organisation_follows::user_id.eq(user_id),
                organisation_follows::organisation_id.eq(organisation_id),
                organisation_follows::created_at.eq(now()),
            ))
            .execute(conn)?;
        diesel::update(organisations::table.find(organisation_id))
            .set(organisations::followers_count.eq(organisations::followers_count + 1))
            .execute(conn)?;
        Ok::<_, DieselError>(())
    });
    match result {
        // The same person following at the same moment from elsewhere: theirs counted.
        Ok(()) => Ok(()),
        Err(e) if super::Unique::OrganisationFollow.violated_by(&e) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

/// Stops following; not following already changes nothing.
pub fn unfollow(
    conn: &mut DbConnection,
    user_id: i64,
    organisation_id: i64,
) -> Result<(), StoreError> {
    write_transaction(conn, |conn| {
        let removed = diesel::delete(organisation_follows::table.find((user_id, organisation_id)))
            .execute(conn)?;
        if removed > 0 {
            diesel::update(organisations::table.find(organisation_id))
                .set(organisations::followers_count.eq(organisations::followers_count - 1))
                .execute(conn)?;
        }
        Ok(())
    })
}

/// Removes every follow of a user (their account is being deleted), keeping the counts.
pub fn forget_user(conn: &mut DbConnection, user_id: i64) -> QueryResult<()> {
    let followed: Vec<i64> = organisation_follows::table
        .filter(organisation_follows::user_id.eq(user_id))
        .select(organisation_follows::organisation_id)
        .load(conn)?;
    diesel::delete(organisation_follows::table.filter(organisation_follows::user_id.eq(user_id)))
        .execute(conn)?;
    for organisation_id in followed {
        diesel::update(organisations::table.find(organisation_id))
            .set(organisations::followers_count.eq(organisations::followers_count - 1))
            .execute(conn)?;
    }
    Ok(())
}

/// A follower whose follows are public: (user id, display name, avatar, since).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = organisation_follows)]
pub struct FollowerRow {
    #[diesel(select_expression = users::id)]
    pub user_id: i64,
    #[diesel(select_expression = users::display_name)]
    pub display_name: String,
    #[diesel(select_expression = users::avatar)]
    pub avatar: Option<String>,
    pub created_at: NaiveDateTime,
}

impl FollowerRow {
    pub fn key(&self) -> KeysetAfter {
        KeysetAfter {
            created_at: self.created_at,
            id: self.user_id,
        }
    }
}

/// Public followers, newest first, keyset-paged on (created_at, user id).
pub fn followers(
    conn: &mut DbConnection,
    organisation_id: i64,
    after: Option<KeysetAfter>,
    limit: i64,
) -> QueryResult<Vec<FollowerRow>> {
    let mut query = organisation_follows::table
        .inner_join(users::table)
        .filter(organisation_follows::organisation_id.eq(organisation_id))
        .filter(users::follows_public.eq(true))
        .order((
            organisation_follows::created_at.desc(),
            organisation_follows::user_id.desc(),
        ))
        .select(FollowerRow::as_select())
        .limit(limit + 1)
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(
            organisation_follows::created_at.lt(after.created_at).or(
                organisation_follows::created_at
                    .eq(after.created_at)
                    .and(organisation_follows::user_id.lt(after.id)),
            ),
        );
    }
    query.load(conn)
}

/// An organisation someone follows.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = organisation_follows)]
pub struct FollowedRow {
    pub organisation_id: i64,
    #[diesel(select_expression = organisations::slug)]
    pub slug: String,
    #[diesel(select_expression = organisations::name)]
    pub name: String,
    #[diesel(select_expression = organisation_follows::created_at)]
    pub since: NaiveDateTime,
}

/// The organisations a user follows, newest first, keyset-paged on (since, id).
pub fn followed_by(
    conn: &mut DbConnection,
    user_id: i64,
    after: Option<KeysetAfter>,
    limit: i64,
) -> QueryResult<Vec<FollowedRow>> {
    let mut query = organisation_follows::table
        .inner_join(organisations::table)
        .filter(organisation_follows::user_id.eq(user_id))
        .order((
            organisation_follows::created_at.desc(),
            organisation_follows::organisation_id.desc(),
        ))
        .select(FollowedRow::as_select())
        .limit(limit + 1)
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(
            organisation_follows::created_at.lt(after.created_at).or(
                organisation_follows::created_at
                    .eq(after.created_at)
                    .and(organisation_follows::organisation_id.lt(after.id)),
            ),
        );
    }
    query.load(conn)
}

/// Whether the user follows the organisation.
/// Whether someone follows an organisation, and how many do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct State {
    pub following: bool,
    pub followers_count: i64,
}

/// Whether `user_id` follows organisation `organisation_id`, and its number of followers.
pub fn state(conn: &mut DbConnection, user_id: i64, organisation_id: i64) -> QueryResult<State> {
    Ok(State {
        following: follows(conn, user_id, organisation_id)?,
        followers_count: super::organisations::followers_count(conn, organisation_id)?,
    })
}

pub fn follows(conn: &mut DbConnection, user_id: i64, organisation_id: i64) -> QueryResult<bool> {
    Ok(organisation_follows::table
        .find((user_id, organisation_id))
        .count()
        .get_result::<i64>(conn)?
        > 0)
}

/// The ids of the organisations a user follows, the most recently followed first.
pub fn followed_ids(conn: &mut DbConnection, user_id: i64) -> QueryResult<Vec<i64>> {
    organisation_follows::table
        .filter(organisation_follows::user_id.eq(user_id))
        .order((
            organisation_follows::created_at.desc(),
            organisation_follows::organisation_id.desc(),
        ))
        .select(organisation_follows::organisation_id)
        .load(conn)
}
