//! Organisation rows and their queries.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use ensemble_wire::Code;

use super::error::StoreError;
use super::schema::{
    causes, organisation_causes, organisation_languages, organisation_links, organisation_members,
    organisation_translations, organisations,
};
use super::{DbConnection, now, write_transaction};
use crate::domain::organisations::{
    self as rules, ProfileChanges, ProfileEdit, ProfileLists, Role, slugify,
};
use crate::domain::text::{field_error, is_slug};

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
    /// The logo's stored picture (JSON).
    pub logo: Option<String>,
    /// The cover's stored picture (JSON).
    pub cover: Option<String>,
    pub country: Option<String>,
    pub city: Option<String>,
    pub founded_year: Option<i32>,
    pub registry: Option<String>,
    pub registration_number: Option<String>,
    pub followers_count: i64,
    pub text_language: String,
    pub verification_status: crate::domain::verification::Status,
    pub created_at: NaiveDateTime,
    /// Under review by the moderators, since.
    pub hidden_at: Option<NaiveDateTime>,
}

/// An organisation as other resources name it (a donation's, a notification's, a team's).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = organisations)]
pub struct Brief {
    pub slug: String,
    pub name: String,
    pub logo: Option<String>,
    pub verification_status: crate::domain::verification::Status,
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

/// The columns a profile edit writes: the domain's changes as diesel sets them.
#[derive(AsChangeset)]
#[diesel(table_name = organisations)]
struct Changeset<'a> {
    name: Option<&'a str>,
    mission: Option<&'a str>,
    description: Option<&'a str>,
    website: Option<Option<&'a str>>,
    country: Option<Option<&'a str>>,
    city: Option<Option<&'a str>>,
    founded_year: Option<Option<i32>>,
    registry: Option<Option<&'a str>>,
    registration_number: Option<Option<&'a str>>,
    text_language: Option<&'a str>,
}

impl<'a> From<&'a ProfileChanges> for Changeset<'a> {
    fn from(c: &'a ProfileChanges) -> Self {
        let text = |v: &'a Option<Option<String>>| v.as_ref().map(|v| v.as_deref());
        Self {
            name: c.name.as_deref(),
            mission: c.mission.as_deref(),
            description: c.description.as_deref(),
            website: text(&c.website),
            country: text(&c.country),
            city: text(&c.city),
            founded_year: c.founded_year,
            registry: text(&c.registry),
            registration_number: text(&c.registration_number),
            text_language: c.text_language.as_deref(),
        }
    }
}

fn cause_ids(conn: &mut DbConnection, slugs: &[String]) -> Result<Vec<i64>, StoreError> {
    slugs
        .iter()
        .map(|slug| {
            let unknown = || {
                StoreError::Invalid(vec![field_error(
                    "causes",
                    Code::UnknownCause,
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
    edit: &ProfileEdit,
    picture_quota: i64,
) -> Result<String, StoreError> {
    for _ in 0..3 {
        if let Some(slug) = create_once(conn, owner, edit, picture_quota)? {
            return Ok(slug);
        }
    }
    Err(StoreError::Conflict(
        Code::SlugTaken,
        "Several organisations of this name are being created at once: try again.".into(),
    ))
}

/// One attempt: `None` when another creation took the slug since it was chosen.
fn create_once(
    conn: &mut DbConnection,
    owner: i64,
    edit: &ProfileEdit,
    picture_quota: i64,
) -> Result<Option<String>, StoreError> {
    write_transaction(conn, |conn| {
        let fields = &edit.fields;
        let name = fields.name.clone().unwrap_or_default();
        let slug = free_slug(conn, &slugify(&name))?;
        let at = now();
        let inserted = diesel::insert_into(organisations::table)
            .values((
                organisations::slug.eq(&slug),
                organisations::name.eq(&name),
                organisations::mission.eq(fields.mission.clone().unwrap_or_default()),
                organisations::created_at.eq(at),
                organisations::updated_at.eq(at),
            ))
            .returning(organisations::id)
            .get_result::<i64>(conn);
        let id = match inserted {
            Ok(id) => id,
            Err(e) if super::Unique::OrganisationSlug.violated_by(&e) => return Ok(None),
            Err(other) => return Err(other.into()),
        };
        diesel::update(organisations::table.find(id))
            .set(Changeset::from(fields))
            .execute(conn)?;
        write_lists(conn, id, &edit.lists)?;
        set_pictures(conn, id, owner, edit, 0, picture_quota)?;
        diesel::insert_into(organisation_members::table)
            .values((
                organisation_members::organisation_id.eq(id),
                organisation_members::user_id.eq(owner),
                organisation_members::role.eq(Role::Owner),
                organisation_members::created_at.eq(at),
            ))
            .execute(conn)?;
        Ok(Some(slug))
    })
}

/// Applies validated changes; the lists replace the current ones when given. A verified
/// organisation whose checked identity changes goes back to review in the same
/// transaction (`verification::recheck_identity`).
pub fn update(
    conn: &mut DbConnection,
    organisation_id: i64,
    actor_id: i64,
    edit: &ProfileEdit,
    picture_quota: i64,
) -> Result<(), StoreError> {
    write_transaction(conn, |conn| {
        lock_organisation(conn, organisation_id)?;
        // The editor's role now, under the lock: one read before may have been taken away.
        if super::teams::member_role(conn, organisation_id, actor_id)?
            .is_none_or(|role| role < Role::Admin)
        {
            return Err(StoreError::Forbidden(Code::Forbidden));
        }
        diesel::update(organisations::table.find(organisation_id))
            .set((
                Changeset::from(&edit.fields),
                organisations::updated_at.eq(now()),
            ))
            .execute(conn)?;
        write_lists(conn, organisation_id, &edit.lists)?;
        let before = super::uploads::organisation_bytes(conn, organisation_id)?;
        set_pictures(conn, organisation_id, actor_id, edit, before, picture_quota)?;
        super::verification::recheck_identity(conn, organisation_id, actor_id)?;
        Ok(())
    })
}

/// Writes the logo and cover chosen (uploads `actor` may show: see
/// [`super::uploads::usable`]) and what the descriptions show, then checks the
/// organisation's picture quota (against `before`, its bytes before the change).
fn set_pictures(
    conn: &mut DbConnection,
    organisation_id: i64,
    actor_id: i64,
    edit: &ProfileEdit,
    before: i64,
    quota: i64,
) -> Result<(), StoreError> {
    use super::uploads::{self, Purpose, Subject};
    let subject = Subject::Organisation(organisation_id);
    let mut errors = Vec::new();
    for (field, choice, purpose) in [
        ("logo", &edit.pictures.logo, Purpose::Logo),
        ("cover", &edit.pictures.cover, Purpose::Cover),
    ] {
        let Some(choice) = choice else { continue };
        let picture = match choice {
            Some(id) => {
                match uploads::usable(conn, field, id, actor_id, purpose, Some(organisation_id)) {
                    Ok(picture) => Some(picture),
                    Err(StoreError::Invalid(mut found)) => {
                        errors.append(&mut found);
                        continue;
                    }
                    Err(other) => return Err(other),
                }
            }
            None => None,
        };
        let json = picture.as_ref().map(crate::media::StoredPicture::to_json);
        match purpose {
            Purpose::Logo => diesel::update(organisations::table.find(organisation_id))
                .set(organisations::logo.eq(json))
                .execute(conn)?,
            _ => diesel::update(organisations::table.find(organisation_id))
                .set(organisations::cover.eq(json))
                .execute(conn)?,
        };
        let uses: Vec<(String, Purpose)> = picture.map(|p| (p.id, purpose)).into_iter().collect();
        uploads::set_uses(conn, subject, &[purpose], &uses)?;
    }
    // The images the descriptions show, in every language, when one of them changed.
    if edit.fields.description.is_some() || !edit.lists.translations.is_empty() {
        let mut texts: Vec<String> = organisation_translations::table
            .filter(organisation_translations::organisation_id.eq(organisation_id))
            .select(organisation_translations::description)
            .load(conn)?;
        texts.push(
            organisations::table
                .find(organisation_id)
                .select(organisations::description)
                .first(conn)?,
        );
        match uploads::inline(conn, "description", &texts.join("\n")) {
            Ok(ids) => {
                let uses: Vec<_> = ids.into_iter().map(|id| (id, Purpose::Inline)).collect();
                uploads::set_uses(conn, subject, &[Purpose::Inline], &uses)?;
            }
            Err(StoreError::Invalid(mut found)) => errors.append(&mut found),
            Err(other) => return Err(other),
        }
    }
    if !errors.is_empty() {
        return Err(StoreError::Invalid(errors));
    }
    uploads::check_organisation_quota(conn, organisation_id, before, quota)
}

/// Deletes an organisation (its owners), with its team, follows, updates and history. One
/// that has received real money keeps its records for its donors' receipts and accounts:
/// 409 `has_donations` (hand it over to someone else instead). Test gifts go with it.
pub fn delete(
    conn: &mut DbConnection,
    organisation_id: i64,
    actor_id: i64,
) -> Result<(), StoreError> {
    use super::schema::{donation_payments, donations};
    use crate::domain::donations::Provider;
    write_transaction(conn, |conn| {
        lock_organisation(conn, organisation_id)?;
        if super::teams::member_role(conn, organisation_id, actor_id)? != Some(Role::Owner) {
            return Err(StoreError::Forbidden(Code::Forbidden));
        }
        // Any real payment, refunded ones too: donors' records of it stay.
        let real_money: i64 = donation_payments::table
            .inner_join(donations::table)
            .filter(donations::organisation_id.eq(organisation_id))
            .filter(donations::provider.ne(Provider::Sandbox))
            .count()
            .get_result(conn)?;
        let real_gifts: i64 = donations::table
            .filter(donations::organisation_id.eq(organisation_id))
            .filter(donations::provider.ne(Provider::Sandbox))
            .filter(donations::status.eq_any([
                crate::domain::donations::Status::Pending,
                crate::domain::donations::Status::Active,
            ]))
            .count()
            .get_result(conn)?;
        if real_money > 0 || real_gifts > 0 {
            return Err(StoreError::Conflict(
                Code::HasDonations,
                "This organisation has received gifts, whose records its donors rely on: hand it over to someone else instead.".into(),
            ));
        }
        let gifts = donations::table
            .filter(donations::organisation_id.eq(organisation_id))
            .select(donations::id);
        diesel::delete(
            donation_payments::table.filter(donation_payments::donation_id.eq_any(gifts)),
        )
        .execute(conn)?;
        diesel::delete(donations::table.filter(donations::organisation_id.eq(organisation_id)))
            .execute(conn)?;
        if let DbConnection::Sqlite(_) = conn {
            for table in ["organisation_search", "organisation_search_trigram"] {
                diesel::sql_query(format!("DELETE FROM {table} WHERE rowid = ?"))
                    .bind::<diesel::sql_types::BigInt, _>(organisation_id)
                    .execute(conn)?;
            }
        }
        diesel::delete(organisations::table.find(organisation_id)).execute(conn)?;
        Ok(())
    })
}

/// Writes the lists and translations, checks that no translation is in the main
/// language, and refreshes what search reads.
fn write_lists(
    conn: &mut DbConnection,
    organisation_id: i64,
    lists: &ProfileLists,
) -> Result<(), StoreError> {
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
    let kept: i64 = organisation_translations::table
        .filter(organisation_translations::organisation_id.eq(organisation_id))
        .count()
        .get_result(conn)?;
    if kept > rules::MAX_TRANSLATIONS {
        return Err(StoreError::Invalid(vec![field_error(
            "translations",
            Code::TooMany,
            format!(
                "at most {} translations: remove one (set it to null) first",
                rules::MAX_TRANSLATIONS
            ),
        )]));
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
        return Err(StoreError::Invalid(vec![field_error(
            &format!("translations.{main}"),
            Code::MainLanguage,
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

/// Serialises changes to one organisation (its team, its verification): on PostgreSQL, a
/// row lock taken before counting owners, so two owners leaving at once cannot both see
/// the other stay. (SQLite write transactions already run one at a time.)
pub fn lock_organisation(conn: &mut DbConnection, organisation_id: i64) -> QueryResult<()> {
    super::lock_row(conn, super::LockTable::Organisations, organisation_id)
}
