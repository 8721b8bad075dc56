//! Organisation rows and their queries.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::organisations;
use super::{DbConnection, stored_time};
use crate::domain::pagination::KeysetAfter;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = organisations)]
pub struct OrganisationRow {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub mission: String,
    pub country: Option<String>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Copy, Insertable)]
#[diesel(table_name = organisations)]
pub struct NewOrganisation<'a> {
    pub slug: &'a str,
    pub name: &'a str,
    pub mission: &'a str,
    pub country: Option<&'a str>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConnection, new: &NewOrganisation<'_>) -> QueryResult<i64> {
    let new = NewOrganisation {
        created_at: stored_time(new.created_at),
        updated_at: stored_time(new.updated_at),
        ..*new
    };
    diesel::insert_into(organisations::table)
        .values(&new)
        .returning(organisations::id)
        .get_result(conn)
}

/// Newest first, keyset-paged on (created_at, id). Loads `limit + 1` rows so the caller
/// knows whether a next page exists.
pub fn list_recent(
    conn: &mut DbConnection,
    after: Option<KeysetAfter>,
    limit: i64,
) -> QueryResult<Vec<OrganisationRow>> {
    use organisations::dsl::{created_at, id};
    let mut query = organisations::table
        .select(OrganisationRow::as_select())
        .order((created_at.desc(), id.desc()))
        .limit(limit + 1)
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(
            created_at
                .lt(after.created_at)
                .or(created_at.eq(after.created_at).and(id.lt(after.id))),
        );
    }
    query.load(conn)
}
