//! Organisation rows and their queries.

use chrono::NaiveDateTime;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};

use super::schema::{
    causes, organisation_causes, organisation_languages, organisation_links, organisation_members,
    organisation_translations, organisations, users,
};
use super::{DbConnection, notifications, now, stored_time, write_transaction};
use crate::domain::organisations::{self as rules, Role, slugify};
use crate::domain::pagination::KeysetAfter;
use crate::domain::text::{field_error, is_slug};
use crate::error::ApiError;

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

/// The whole profile of an organisation.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = organisations)]
pub struct ProfileRow {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub mission: String,
    pub description: String,
    pub website: Option<String>,
    pub logo_url: Option<String>,
    pub country: Option<String>,
    pub city: Option<String>,
    pub founded_year: Option<i32>,
    pub registry: Option<String>,
    pub registration_number: Option<String>,
    pub followers_count: i64,
    pub text_language: String,
    pub verification_status: String,
    pub created_at: NaiveDateTime,
}

/// A profile with its languages, cause slugs and links; `row.mission` and
/// `row.description` are in `row.text_language`, the reader's where possible.
#[derive(Debug, Clone)]
pub struct Profile {
    pub row: ProfileRow,
    pub languages: Vec<String>,
    pub causes: Vec<String>,
    pub links: Vec<String>,
    /// The main language first, then the translations'.
    pub text_languages: Vec<String>,
}

/// The lists of a profile, replaced when given, and translations to write (`Some`) or
/// remove (`None`).
#[derive(Debug, Default)]
pub struct ProfileLists {
    pub languages: Option<Vec<String>>,
    pub causes: Option<Vec<String>>,
    pub links: Option<Vec<String>>,
    pub translations: Vec<(String, Option<(String, String)>)>,
}

/// The validated fields of a new organisation, or of changes to one (`None`: unchanged;
/// `Some(None)`: cleared).
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = organisations)]
pub struct ProfileChanges {
    pub name: Option<String>,
    pub mission: Option<String>,
    pub description: Option<String>,
    pub website: Option<Option<String>>,
    pub logo_url: Option<Option<String>>,
    pub country: Option<Option<String>>,
    pub city: Option<Option<String>>,
    pub founded_year: Option<Option<i32>>,
    pub registry: Option<Option<String>>,
    pub registration_number: Option<Option<String>>,
    pub text_language: Option<String>,
}

fn cause_ids(conn: &mut DbConnection, slugs: &[String]) -> Result<Vec<i64>, ApiError> {
    slugs
        .iter()
        .map(|slug| {
            let unknown = || {
                ApiError::Validation(vec![field_error(
                    "causes",
                    "unknown_cause",
                    format!("{slug} is not a cause (see /causes)"),
                )])
            };
            if !is_slug(slug) {
                return Err(unknown());
            }
            causes::table
                .filter(causes::slug.eq(slug))
                .select(causes::id)
                .first(conn)
                .optional()?
                .ok_or_else(unknown)
        })
        .collect()
}

fn replace_languages(
    conn: &mut DbConnection,
    organisation_id: i64,
    languages: &[String],
) -> QueryResult<()> {
    diesel::delete(
        organisation_languages::table
            .filter(organisation_languages::organisation_id.eq(organisation_id)),
    )
    .execute(conn)?;
    for lang in languages {
        diesel::insert_into(organisation_languages::table)
            .values((
                organisation_languages::organisation_id.eq(organisation_id),
                organisation_languages::lang.eq(lang),
            ))
            .execute(conn)?;
    }
    Ok(())
}

fn replace_causes(
    conn: &mut DbConnection,
    organisation_id: i64,
    cause_ids: &[i64],
) -> QueryResult<()> {
    diesel::delete(
        organisation_causes::table.filter(organisation_causes::organisation_id.eq(organisation_id)),
    )
    .execute(conn)?;
    for cause_id in cause_ids {
        diesel::insert_into(organisation_causes::table)
            .values((
                organisation_causes::organisation_id.eq(organisation_id),
                organisation_causes::cause_id.eq(cause_id),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// `base`, or `base-N` with the next free N: one query, whatever the number taken.
fn free_slug(conn: &mut DbConnection, base: &str) -> QueryResult<String> {
    let taken: Vec<String> = organisations::table
        .filter(
            organisations::slug
                .eq(base)
                .or(organisations::slug.like(format!("{base}-%"))),
        )
        .select(organisations::slug)
        .load(conn)?;
    if !taken.iter().any(|s| s == base) {
        return Ok(base.to_owned());
    }
    let highest = taken
        .iter()
        .filter_map(|s| s.strip_prefix(base)?.strip_prefix('-')?.parse::<u64>().ok())
        .max()
        .unwrap_or(1);
    Ok(format!("{base}-{}", highest.saturating_add(1)))
}

/// Creates an organisation with `owner` as its owner; answers its slug. The slug comes
/// from the name, made unique with a number (`rivers-alive-2`).
pub fn create(
    conn: &mut DbConnection,
    owner: i64,
    fields: ProfileChanges,
    lists: &ProfileLists,
) -> Result<String, ApiError> {
    for _ in 0..3 {
        match create_once(conn, owner, &fields, lists) {
            Err(ApiError::Conflict("slug_taken", _)) => continue,
            other => return other,
        }
    }
    Err(ApiError::Conflict(
        "slug_taken",
        "Several organisations of this name are being created at once: try again.".into(),
    ))
}

fn create_once(
    conn: &mut DbConnection,
    owner: i64,
    fields: &ProfileChanges,
    lists: &ProfileLists,
) -> Result<String, ApiError> {
    write_transaction(conn, |conn| {
        let name = fields.name.clone().unwrap_or_default();
        let slug = free_slug(conn, &slugify(&name))?;
        let at = now();
        let id: i64 = diesel::insert_into(organisations::table)
            .values((
                organisations::slug.eq(&slug),
                organisations::name.eq(&name),
                organisations::mission.eq(fields.mission.clone().unwrap_or_default()),
                organisations::created_at.eq(at),
                organisations::updated_at.eq(at),
            ))
            .returning(organisations::id)
            .get_result(conn)
            .map_err(|e| match e {
                // Another creation took the slug since we looked: the caller tries again.
                DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
                    ApiError::Conflict("slug_taken", "Try again.".into())
                }
                other => other.into(),
            })?;
        diesel::update(organisations::table.find(id))
            .set(fields)
            .execute(conn)?;
        write_lists(conn, id, lists)?;
        diesel::insert_into(organisation_members::table)
            .values((
                organisation_members::organisation_id.eq(id),
                organisation_members::user_id.eq(owner),
                organisation_members::role.eq(Role::Owner.as_str()),
                organisation_members::created_at.eq(at),
            ))
            .execute(conn)?;
        Ok(slug)
    })
}

/// Applies validated changes; the lists replace the current ones when given.
pub fn update(
    conn: &mut DbConnection,
    organisation_id: i64,
    fields: ProfileChanges,
    lists: &ProfileLists,
) -> Result<(), ApiError> {
    write_transaction(conn, |conn| {
        diesel::update(organisations::table.find(organisation_id))
            .set((&fields, organisations::updated_at.eq(now())))
            .execute(conn)?;
        write_lists(conn, organisation_id, lists)
    })
}

/// Writes the lists and translations, checks that no translation is in the main
/// language, and refreshes what search reads.
fn write_lists(
    conn: &mut DbConnection,
    organisation_id: i64,
    lists: &ProfileLists,
) -> Result<(), ApiError> {
    if let Some(slugs) = &lists.causes {
        let ids = cause_ids(conn, slugs)?;
        replace_causes(conn, organisation_id, &ids)?;
    }
    if let Some(languages) = &lists.languages {
        replace_languages(conn, organisation_id, languages)?;
    }
    if let Some(links) = &lists.links {
        diesel::delete(
            organisation_links::table
                .filter(organisation_links::organisation_id.eq(organisation_id)),
        )
        .execute(conn)?;
        for (position, url) in (0..).zip(links) {
            diesel::insert_into(organisation_links::table)
                .values((
                    organisation_links::organisation_id.eq(organisation_id),
                    organisation_links::position.eq(position),
                    organisation_links::url.eq(url),
                ))
                .execute(conn)?;
        }
    }
    for (lang, texts) in &lists.translations {
        let existing = organisation_translations::table.find((organisation_id, lang));
        diesel::delete(existing).execute(conn)?;
        if let Some((mission, description)) = texts {
            diesel::insert_into(organisation_translations::table)
                .values((
                    organisation_translations::organisation_id.eq(organisation_id),
                    organisation_translations::lang.eq(lang),
                    organisation_translations::mission.eq(mission),
                    organisation_translations::description.eq(description),
                ))
                .execute(conn)?;
        }
    }
    let main: String = organisations::table
        .find(organisation_id)
        .select(organisations::text_language)
        .first(conn)?;
    let clash = organisation_translations::table
        .find((organisation_id, &main))
        .select(organisation_translations::lang)
        .first::<String>(conn)
        .optional()?;
    if clash.is_some() {
        return Err(ApiError::Validation(vec![field_error(
            &format!("translations.{main}"),
            "main_language",
            format!(
                "{main} is the language of the main texts: edit mission and description instead"
            ),
        )]));
    }
    refresh_search(conn, organisation_id)?;
    Ok(())
}

/// Rewrites the sort key and the searched text from the stored profile (and, on SQLite,
/// the two FTS5 indexes; PostgreSQL derives its `tsvector` itself).
fn refresh_search(conn: &mut DbConnection, organisation_id: i64) -> QueryResult<()> {
    let (name, city, mission, description): (String, Option<String>, String, String) =
        organisations::table
            .find(organisation_id)
            .select((
                organisations::name,
                organisations::city,
                organisations::mission,
                organisations::description,
            ))
            .first(conn)?;
    let translations: Vec<(String, String)> = organisation_translations::table
        .filter(organisation_translations::organisation_id.eq(organisation_id))
        .order(organisation_translations::lang)
        .select((
            organisation_translations::mission,
            organisation_translations::description,
        ))
        .load(conn)?;
    let body = rules::search_text(
        city.as_deref(),
        std::iter::once((mission.as_str(), description.as_str()))
            .chain(translations.iter().map(|(m, d)| (m.as_str(), d.as_str()))),
    );
    diesel::update(organisations::table.find(organisation_id))
        .set((
            organisations::sort_name.eq(rules::sort_name(&name)),
            organisations::search_text.eq(&body),
        ))
        .execute(conn)?;
    if let DbConnection::Sqlite(_) = conn {
        for table in ["organisation_search", "organisation_search_trigram"] {
            diesel::sql_query(format!("DELETE FROM {table} WHERE rowid = ?"))
                .bind::<diesel::sql_types::BigInt, _>(organisation_id)
                .execute(conn)?;
            diesel::sql_query(format!(
                "INSERT INTO {table} (rowid, name, body) VALUES (?, ?, ?)"
            ))
            .bind::<diesel::sql_types::BigInt, _>(organisation_id)
            .bind::<diesel::sql_types::Text, _>(&name)
            .bind::<diesel::sql_types::Text, _>(&body)
            .execute(conn)?;
        }
    }
    Ok(())
}

/// The profile, with its texts in `reader_lang` where the organisation wrote them in it.
pub fn find_profile(
    conn: &mut DbConnection,
    slug: &str,
    reader_lang: &str,
) -> QueryResult<Option<Profile>> {
    if !is_slug(slug) {
        return Ok(None);
    }
    let Some(mut row) = organisations::table
        .filter(organisations::slug.eq(slug))
        .select(ProfileRow::as_select())
        .first(conn)
        .optional()?
    else {
        return Ok(None);
    };
    let languages = organisation_languages::table
        .filter(organisation_languages::organisation_id.eq(row.id))
        .order(organisation_languages::lang)
        .select(organisation_languages::lang)
        .load(conn)?;
    let causes = organisation_causes::table
        .inner_join(causes::table)
        .filter(organisation_causes::organisation_id.eq(row.id))
        .order(causes::position)
        .select(causes::slug)
        .load(conn)?;
    let links = organisation_links::table
        .filter(organisation_links::organisation_id.eq(row.id))
        .order(organisation_links::position)
        .select(organisation_links::url)
        .load(conn)?;
    let translations: Vec<(String, String, String)> = organisation_translations::table
        .filter(organisation_translations::organisation_id.eq(row.id))
        .order(organisation_translations::lang)
        .select((
            organisation_translations::lang,
            organisation_translations::mission,
            organisation_translations::description,
        ))
        .load(conn)?;
    let mut text_languages = vec![row.text_language.clone()];
    for (lang, mission, description) in translations {
        if lang == reader_lang && row.text_language != reader_lang {
            row.mission = mission;
            row.description = description;
            row.text_language = lang.clone();
        }
        text_languages.push(lang);
    }
    Ok(Some(Profile {
        row,
        languages,
        causes,
        links,
        text_languages,
    }))
}

/// The slug of the organisation with this id.
pub fn slug_of(conn: &mut DbConnection, organisation_id: i64) -> QueryResult<String> {
    organisations::table
        .find(organisation_id)
        .select(organisations::slug)
        .first(conn)
}

/// The id of the organisation with this slug.
pub fn id_of(conn: &mut DbConnection, slug: &str) -> QueryResult<Option<i64>> {
    if !is_slug(slug) {
        return Ok(None);
    }
    organisations::table
        .filter(organisations::slug.eq(slug))
        .select(organisations::id)
        .first(conn)
        .optional()
}

pub fn followers_count(conn: &mut DbConnection, organisation_id: i64) -> QueryResult<i64> {
    organisations::table
        .find(organisation_id)
        .select(organisations::followers_count)
        .first(conn)
}

/// The organisation's id and the user's role in it (`None`: not a member); `None` when
/// there is no such organisation.
pub fn role_of(
    conn: &mut DbConnection,
    slug: &str,
    user_id: i64,
) -> QueryResult<Option<(i64, Option<Role>)>> {
    if !is_slug(slug) {
        return Ok(None);
    }
    let Some(organisation_id) = organisations::table
        .filter(organisations::slug.eq(slug))
        .select(organisations::id)
        .first::<i64>(conn)
        .optional()?
    else {
        return Ok(None);
    };
    let role: Option<String> = organisation_members::table
        .find((organisation_id, user_id))
        .select(organisation_members::role)
        .first(conn)
        .optional()?;
    Ok(Some((
        organisation_id,
        role.as_deref().and_then(Role::parse),
    )))
}

/// A team member: user id, display name, role, since.
pub type MemberRow = (i64, String, Role, NaiveDateTime);

pub fn members(conn: &mut DbConnection, organisation_id: i64) -> QueryResult<Vec<MemberRow>> {
    let rows: Vec<(i64, String, String, NaiveDateTime)> = organisation_members::table
        .inner_join(users::table)
        .filter(organisation_members::organisation_id.eq(organisation_id))
        .order((
            organisation_members::created_at,
            organisation_members::user_id,
        ))
        .select((
            users::id,
            users::display_name,
            organisation_members::role,
            organisation_members::created_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, name, role, since)| {
            Role::parse(&role).map(|role| (id, name, role, since))
        })
        .collect())
}

pub fn member_role(
    conn: &mut DbConnection,
    organisation_id: i64,
    user_id: i64,
) -> QueryResult<Option<Role>> {
    let role: Option<String> = organisation_members::table
        .find((organisation_id, user_id))
        .select(organisation_members::role)
        .first(conn)
        .optional()?;
    Ok(role.as_deref().and_then(Role::parse))
}

/// Serialises changes to one organisation's team: on PostgreSQL, a row lock taken before
/// counting owners, so two owners leaving at once cannot both see the other stay. (SQLite
/// write transactions already run one at a time.)
pub fn lock_organisation(conn: &mut DbConnection, organisation_id: i64) -> QueryResult<()> {
    match conn {
        DbConnection::Pg(_) => conn.batch_execute(&format!(
            "SELECT id FROM organisations WHERE id = {organisation_id} FOR UPDATE"
        )),
        DbConnection::Sqlite(_) => Ok(()),
    }
}

fn owners(conn: &mut DbConnection, organisation_id: i64) -> QueryResult<i64> {
    organisation_members::table
        .filter(organisation_members::organisation_id.eq(organisation_id))
        .filter(organisation_members::role.eq(Role::Owner.as_str()))
        .count()
        .get_result(conn)
}

fn last_owner() -> ApiError {
    ApiError::Conflict(
        "last_owner",
        "An organisation keeps at least one owner: make someone else owner first.".into(),
    )
}

/// The actor's role now, inside the write: a role read before (by the extractor) may have
/// changed since.
fn actor_role(
    conn: &mut DbConnection,
    organisation_id: i64,
    actor_id: i64,
) -> Result<Role, ApiError> {
    member_role(conn, organisation_id, actor_id)?.ok_or(ApiError::Forbidden("forbidden"))
}

/// Adds a member, if the actor may give that role; 422 for an unknown user, 409
/// `already_member`.
pub fn add_member(
    conn: &mut DbConnection,
    organisation_id: i64,
    actor_id: i64,
    user_id: i64,
    role: Role,
) -> Result<(), ApiError> {
    write_transaction(conn, |conn| {
        lock_organisation(conn, organisation_id)?;
        if !actor_role(conn, organisation_id, actor_id)?.may_manage(role) {
            return Err(ApiError::Forbidden("forbidden"));
        }
        if super::users::find(conn, user_id)?.is_none() {
            return Err(ApiError::Validation(vec![field_error(
                "user_id",
                "unknown_user",
                "no user has this id",
            )]));
        }
        let already = || {
            ApiError::Conflict(
                "already_member",
                "This person is already in the team.".into(),
            )
        };
        if member_role(conn, organisation_id, user_id)?.is_some() {
            return Err(already());
        }
        diesel::insert_into(organisation_members::table)
            .values((
                organisation_members::organisation_id.eq(organisation_id),
                organisation_members::user_id.eq(user_id),
                organisation_members::role.eq(role.as_str()),
                organisation_members::created_at.eq(now()),
            ))
            .execute(conn)
            .map_err(|e| match e {
                DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => already(),
                other => other.into(),
            })?;
        role_granted(conn, organisation_id, actor_id, user_id, role)?;
        Ok(())
    })
}

/// Tells someone they were given a role (unless they gave it to themselves).
fn role_granted(
    conn: &mut DbConnection,
    organisation_id: i64,
    actor_id: i64,
    user_id: i64,
    role: Role,
) -> QueryResult<()> {
    if actor_id == user_id {
        return Ok(());
    }
    let event = notifications::Event {
        actor_id,
        organisation_id: Some(organisation_id),
        update_id: None,
        comment_id: None,
        role: Some(role.as_str()),
    };
    notifications::notify(conn, user_id, notifications::Kind::RoleGranted, &event)
}

/// Changes a member's role if the actor may manage both the old and the new role, keeping
/// an owner.
pub fn change_role(
    conn: &mut DbConnection,
    organisation_id: i64,
    actor_id: i64,
    user_id: i64,
    role: Role,
) -> Result<(), ApiError> {
    write_transaction(conn, |conn| {
        lock_organisation(conn, organisation_id)?;
        let actor = actor_role(conn, organisation_id, actor_id)?;
        let current =
            member_role(conn, organisation_id, user_id)?.ok_or(ApiError::NotFound("member"))?;
        if !actor.may_manage(current) || !actor.may_manage(role) {
            return Err(ApiError::Forbidden("forbidden"));
        }
        if current == Role::Owner && role != Role::Owner && owners(conn, organisation_id)? <= 1 {
            return Err(last_owner());
        }
        diesel::update(organisation_members::table.find((organisation_id, user_id)))
            .set(organisation_members::role.eq(role.as_str()))
            .execute(conn)?;
        if role != current {
            role_granted(conn, organisation_id, actor_id, user_id, role)?;
        }
        Ok(())
    })
}

/// Removes a member: themselves, or someone whose role the actor may manage; never the
/// last owner.
pub fn remove_member(
    conn: &mut DbConnection,
    organisation_id: i64,
    actor_id: i64,
    user_id: i64,
) -> Result<(), ApiError> {
    write_transaction(conn, |conn| {
        lock_organisation(conn, organisation_id)?;
        let actor = actor_role(conn, organisation_id, actor_id)?;
        let current =
            member_role(conn, organisation_id, user_id)?.ok_or(ApiError::NotFound("member"))?;
        if actor_id != user_id && !actor.may_manage(current) {
            return Err(ApiError::Forbidden("forbidden"));
        }
        if current == Role::Owner && owners(conn, organisation_id)? <= 1 {
            return Err(last_owner());
        }
        diesel::delete(organisation_members::table.find((organisation_id, user_id)))
            .execute(conn)?;
        Ok(())
    })
}

/// Refuses (409 `sole_owner`) when the user is the only owner of an organisation: deleting
/// their account would leave it without anyone to run it. Call inside the deleting
/// transaction.
pub fn ensure_not_sole_owner(conn: &mut DbConnection, user_id: i64) -> Result<(), ApiError> {
    let owned: Vec<i64> = organisation_members::table
        .filter(organisation_members::user_id.eq(user_id))
        .filter(organisation_members::role.eq(Role::Owner.as_str()))
        .select(organisation_members::organisation_id)
        .load(conn)?;
    for organisation_id in owned {
        lock_organisation(conn, organisation_id)?;
        if owners(conn, organisation_id)? <= 1 {
            return Err(ApiError::Conflict(
                "sole_owner",
                "You are the only owner of an organisation: make someone else owner first.".into(),
            ));
        }
    }
    Ok(())
}
