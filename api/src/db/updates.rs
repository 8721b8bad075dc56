//! Updates and the feed. Posting writes one row whatever the number of followers; the
//! feed is merged at read time from each followed organisation's newest updates (see
//! [`feed`]).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text, Timestamp};

use super::error::StoreError;
use super::schema::{reactions, updates};
use super::sql::{Bind, Sql};
use super::{DbConnection, now, write_transaction};
use crate::domain::pagination::KeysetAfter;
use crate::domain::pictures::PhotoChoice;
use crate::domain::updates::{Post, PostChanges};
use crate::media::StoredPhoto;

/// An update with its organisation, as lists show it.
#[derive(Debug, Clone, QueryableByName)]
pub struct UpdateRow {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = BigInt)]
    pub organisation_id: i64,
    #[diesel(sql_type = Text)]
    pub slug: String,
    #[diesel(sql_type = Text)]
    pub name: String,
    /// The organisation's logo (a stored picture's JSON).
    #[diesel(sql_type = Nullable<Text>)]
    pub logo: Option<String>,
    #[diesel(sql_type = Text)]
    pub verification_status: crate::domain::verification::Status,
    #[diesel(sql_type = Text)]
    pub title: String,
    #[diesel(sql_type = Text)]
    pub body: String,
    #[diesel(sql_type = Text)]
    pub language: String,
    /// Its photos (stored pictures with their alt texts, as JSON).
    #[diesel(sql_type = Text)]
    pub photos: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub link_url: Option<String>,
    #[diesel(sql_type = Timestamp)]
    pub created_at: NaiveDateTime,
    #[diesel(sql_type = Nullable<Timestamp>)]
    pub edited_at: Option<NaiveDateTime>,
    #[diesel(sql_type = BigInt)]
    pub reactions_count: i64,
    #[diesel(sql_type = BigInt)]
    pub comments_count: i64,
    /// The moderators closed its comments, since.
    #[diesel(sql_type = Nullable<Timestamp>)]
    pub comments_locked_at: Option<NaiveDateTime>,
}

impl UpdateRow {
    pub fn key(&self) -> KeysetAfter {
        KeysetAfter {
            created_at: self.created_at,
            id: self.id,
        }
    }
}

const COLUMNS: &str = "u.id, u.organisation_id, o.slug, o.name, o.logo, \
    o.verification_status, u.title, u.body, u.language, u.photos, u.link_url, \
    u.created_at, u.edited_at, u.reactions_count, u.comments_count, u.comments_locked_at";

/// ` AND (alias.created_at, alias.id) < (…)` when there is a cursor.
fn push_after(sql: &mut Sql, alias: &str, after: Option<&KeysetAfter>) {
    if let Some(after) = after {
        sql.push(&format!(" AND ({alias}.created_at, {alias}.id) < ("))
            .bind(Bind::Time(after.created_at))
            .push(", ")
            .int(after.id)
            .push(")");
    }
}

/// ` AND alias.created_at > since` when the range stops at `since`.
fn push_since(sql: &mut Sql, alias: &str, since: Option<NaiveDateTime>) {
    if let Some(since) = since {
        sql.push(&format!(" AND {alias}.created_at > "))
            .bind(Bind::Time(since));
    }
}

/// Loads full rows for a page of ids chosen by `page_sql` (a query answering `id`,
/// `created_at`), newest first.
fn load_page(mut sql: Sql, conn: &mut DbConnection) -> QueryResult<Vec<UpdateRow>> {
    finish_page(&mut sql);
    sql.load(conn)
}

fn finish_page(sql: &mut Sql) {
    sql.push(
        ") page JOIN updates u ON u.id = page.id JOIN organisations o ON o.id = u.organisation_id \
         ORDER BY u.created_at DESC, u.id DESC",
    );
}

/// Every query here takes one of a few shapes, with every value bound: prepared once per
/// connection.
fn page_start(conn: &DbConnection) -> Sql {
    let mut sql = Sql::for_connection(conn);
    sql.prepared().push(&format!("SELECT {COLUMNS} FROM ("));
    sql
}

/// The newest updates of the organisations whose ids `source` selects (a query with one
/// column, `organisation_id`, binding `source_binds`), after `after`: `limit + 1` rows.
///
/// Read-time merge: for each organisation, its newest `limit + 1` updates after the
/// cursor (an index range scan on (organisation_id, created_at DESC, id DESC)), then the
/// newest of those. PostgreSQL runs it as `CROSS JOIN LATERAL`s (bounded first by the
/// organisations' newest updates); SQLite, which has no LATERAL, bounds each
/// organisation's range by its n-th newest update, on the same index. Never the plain join and
/// sort, whose cost grows with every update ever posted.
///
/// With `since`, only updates posted after it: each organisation's range stops there, so
/// a week's news costs what it holds rather than a full page of older rows.
fn merged(
    conn: &mut DbConnection,
    source: impl Fn(&mut Sql),
    after: Option<&KeysetAfter>,
    since: Option<NaiveDateTime>,
    limit: i64,
) -> QueryResult<Vec<UpdateRow>> {
    merged_query(conn, source, after, since, limit).load(conn)
}

fn merged_query(
    conn: &DbConnection,
    source: impl Fn(&mut Sql),
    after: Option<&KeysetAfter>,
    since: Option<NaiveDateTime>,
    limit: i64,
) -> Sql {
    let mut sql = page_start(conn);
    let n = limit + 1;
    if sql.is_postgres() {
        // Two steps down the same index. First each organisation's newest update (after
        // the cursor): the n-th newest of those is a bound, since n updates at least as new
        // exist, so no older update can be in the page. Then the newest n of only the
        // organisations that reach the bound, from the bound on. For most readers (fewer
        // than n organisations) the bound is -infinity; for one who follows thousands,
        // the second step reads a few organisations instead of all of them.
        sql.push("WITH newest AS (SELECT s.organisation_id, t.created_at FROM (");
        source(&mut sql);
        sql.push(
            ") s CROSS JOIN LATERAL (SELECT u.created_at FROM updates u \
             WHERE u.organisation_id = s.organisation_id",
        );
        push_after(&mut sql, "u", after);
        push_since(&mut sql, "u", since);
        sql.push(" ORDER BY u.created_at DESC, u.id DESC LIMIT 1) t), bound AS (SELECT COALESCE((SELECT created_at FROM newest ORDER BY created_at DESC LIMIT 1 OFFSET ")
            .int(n - 1)
            .push(
                "), '-infinity'::timestamp) AS at) \
                 SELECT l.id, l.created_at FROM newest w CROSS JOIN bound b \
                 CROSS JOIN LATERAL (SELECT u.id, u.created_at FROM updates u \
                 WHERE u.organisation_id = w.organisation_id AND u.created_at >= b.at",
            );
        push_after(&mut sql, "u", after);
        push_since(&mut sql, "u", since);
        sql.push(" ORDER BY u.created_at DESC, u.id DESC LIMIT ")
            .int(n)
            .push(") l WHERE w.created_at >= b.at ORDER BY l.created_at DESC, l.id DESC LIMIT ")
            .int(n);
    } else {
        // Each organisation's range ends at its n-th newest update after the cursor (one
        // step down the index); the rows of that range are then read from the same
        // covering index, with no lookup in the table, and the newest n kept. Ties at the
        // bound may add a few rows; the final sort and limit are unaffected.
        sql.push("SELECT u.id, u.created_at FROM (SELECT s.organisation_id, (SELECT b.created_at FROM updates b WHERE b.organisation_id = s.organisation_id");
        push_after(&mut sql, "b", after);
        push_since(&mut sql, "b", since);
        sql.push(" ORDER BY b.created_at DESC, b.id DESC LIMIT 1 OFFSET ")
            .int(n - 1)
            .push(") AS bound FROM (");
        source(&mut sql);
        sql.push(
            ") s) r JOIN updates u ON u.organisation_id = r.organisation_id \
             AND u.created_at >= COALESCE(r.bound, '')",
        );
        push_after(&mut sql, "u", after);
        push_since(&mut sql, "u", since);
        sql.push(" ORDER BY u.created_at DESC, u.id DESC LIMIT ")
            .int(n);
    }
    finish_page(&mut sql);
    sql
}

/// The personal feed: updates of the organisations `user_id` follows, newest first.
pub fn feed(
    conn: &mut DbConnection,
    user_id: i64,
    after: Option<&KeysetAfter>,
    limit: i64,
) -> QueryResult<Vec<UpdateRow>> {
    feed_query(conn, user_id, after, limit).load(conn)
}

/// The feed's updates posted after `since` (the digest's news), newest first: `limit + 1`
/// at most.
pub fn feed_since(
    conn: &mut DbConnection,
    user_id: i64,
    since: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<UpdateRow>> {
    merged(
        conn,
        |sql| followed_by(sql, user_id),
        None,
        Some(since),
        limit,
    )
}

fn followed_by(sql: &mut Sql, user_id: i64) {
    sql.push("SELECT organisation_id FROM organisation_follows WHERE user_id = ")
        .int(user_id);
}

/// The feed's query, as [`feed`] runs it (`ensemble explain feed` prints it).
pub fn feed_query(
    conn: &DbConnection,
    user_id: i64,
    after: Option<&KeysetAfter>,
    limit: i64,
) -> Sql {
    merged_query(conn, |sql| followed_by(sql, user_id), after, None, limit)
}

/// The newest updates of the organisations in these causes (posted after `since`, if
/// given).
pub fn in_causes(
    conn: &mut DbConnection,
    cause_ids: &[i64],
    after: Option<&KeysetAfter>,
    since: Option<NaiveDateTime>,
    limit: i64,
) -> QueryResult<Vec<UpdateRow>> {
    merged(
        conn,
        |sql| {
            sql.push("SELECT DISTINCT organisation_id FROM organisation_causes WHERE ")
                .id_in("cause_id", cause_ids, false);
        },
        after,
        since,
        limit,
    )
}

/// One organisation's updates, newest first.
pub fn of_organisation(
    conn: &mut DbConnection,
    organisation_id: i64,
    after: Option<&KeysetAfter>,
    limit: i64,
) -> QueryResult<Vec<UpdateRow>> {
    let mut sql = page_start(conn);
    sql.push("SELECT u.id, u.created_at FROM updates u WHERE u.organisation_id = ")
        .int(organisation_id);
    push_after(&mut sql, "u", after);
    sql.push(" ORDER BY u.created_at DESC, u.id DESC LIMIT ")
        .int(limit + 1);
    load_page(sql, conn)
}

pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<UpdateRow>> {
    let mut sql = page_start(conn);
    sql.push("SELECT u.id, u.created_at FROM updates u WHERE u.id = ")
        .int(id);
    Ok(load_page(sql, conn)?.into_iter().next())
}

/// The organisation an update belongs to.
pub fn organisation_of(conn: &mut DbConnection, update_id: i64) -> QueryResult<Option<i64>> {
    updates::table
        .find(update_id)
        .select(updates::organisation_id)
        .first(conn)
        .optional()
}

/// Which of `ids` the user reacted to.
pub fn reacted(conn: &mut DbConnection, user_id: i64, ids: &[i64]) -> QueryResult<Vec<i64>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    reactions::table
        .filter(reactions::user_id.eq(user_id))
        .filter(reactions::update_id.eq_any(ids))
        .select(reactions::update_id)
        .load(conn)
}

/// Posts an update: one row, whatever the number of followers.
/// `created_at` is now, unless loading data from elsewhere (the demo).
/// Publishes an update as a member of the organisation's team, whose role is read again in
/// the transaction that writes (someone removed from the team meanwhile cannot post);
/// answers the update as lists show it.
pub fn publish(
    conn: &mut DbConnection,
    organisation_id: i64,
    author_id: i64,
    new: Post,
    picture_quota: i64,
) -> Result<UpdateRow, StoreError> {
    write_transaction(conn, |conn| {
        ensure_editor(conn, organisation_id, author_id)?;
        super::organisations::lock_organisation(conn, organisation_id)?;
        let before = super::uploads::organisation_bytes(conn, organisation_id)?;
        let photos = resolve_photos(conn, organisation_id, author_id, &new.photos)?;
        let body = new.body.clone();
        let id = create(conn, organisation_id, author_id, new, None)?;
        set_pictures(
            conn,
            organisation_id,
            id,
            Some(photos),
            Some(&body),
            before,
            picture_quota,
        )?;
        written(conn, id)
    })
}

/// The stored pictures of the photos chosen, each one `actor` may show (every refusal at
/// once, on `photos[i].upload`).
fn resolve_photos(
    conn: &mut DbConnection,
    organisation_id: i64,
    actor: i64,
    chosen: &[PhotoChoice],
) -> Result<Vec<StoredPhoto>, StoreError> {
    use super::uploads::{Purpose, usable};
    let mut photos = Vec::with_capacity(chosen.len());
    let mut errors = Vec::new();
    for (i, choice) in chosen.iter().enumerate() {
        let field = format!("photos[{i}].upload");
        match usable(
            conn,
            &field,
            &choice.upload,
            actor,
            Purpose::Photo,
            Some(organisation_id),
        ) {
            Ok(picture) => photos.push(StoredPhoto {
                p: picture,
                alt: choice.alt.clone(),
            }),
            Err(StoreError::Invalid(mut found)) => errors.append(&mut found),
            Err(other) => return Err(other),
        }
    }
    if errors.is_empty() {
        Ok(photos)
    } else {
        Err(StoreError::Invalid(errors))
    }
}

/// Writes an update's photos (when given) and what its body shows (when given), then
/// checks the organisation's picture quota against `before`.
fn set_pictures(
    conn: &mut DbConnection,
    organisation_id: i64,
    update_id: i64,
    photos: Option<Vec<StoredPhoto>>,
    body: Option<&str>,
    before: i64,
    quota: i64,
) -> Result<(), StoreError> {
    use super::uploads::{self, Purpose, Subject};
    let subject = Subject::Update {
        organisation: organisation_id,
        update: update_id,
    };
    if let Some(photos) = photos {
        diesel::update(updates::table.find(update_id))
            .set(updates::photos.eq(crate::media::photos_json(&photos)))
            .execute(conn)?;
        let uses: Vec<_> = photos
            .into_iter()
            .map(|p| (p.p.id, Purpose::Photo))
            .collect();
        uploads::set_uses(conn, subject, &[Purpose::Photo], &uses)?;
    }
    if let Some(body) = body {
        let ids = uploads::inline(conn, "body", body)?;
        let uses: Vec<_> = ids.into_iter().map(|id| (id, Purpose::Inline)).collect();
        uploads::set_uses(conn, subject, &[Purpose::Inline], &uses)?;
    }
    uploads::check_organisation_quota(conn, organisation_id, before, quota)
}

/// Edits an update as an editor (or more) of its organisation, checked in the transaction
/// that writes; answers it as edited.
pub fn edit_as(
    conn: &mut DbConnection,
    id: i64,
    editor_id: i64,
    changes: PostChanges,
    picture_quota: i64,
) -> Result<UpdateRow, StoreError> {
    write_transaction(conn, |conn| {
        let organisation_id = organisation_of(conn, id)?.ok_or(StoreError::NotFound("update"))?;
        ensure_editor(conn, organisation_id, editor_id)?;
        super::organisations::lock_organisation(conn, organisation_id)?;
        let before = super::uploads::organisation_bytes(conn, organisation_id)?;
        let photos = changes
            .photos
            .as_deref()
            .map(|chosen| resolve_photos(conn, organisation_id, editor_id, chosen))
            .transpose()?;
        let body = changes.body.clone();
        edit(conn, id, changes)?;
        set_pictures(
            conn,
            organisation_id,
            id,
            photos,
            body.as_deref(),
            before,
            picture_quota,
        )?;
        written(conn, id)
    })
}

/// Deletes an update as an editor (or more) of its organisation, checked in the
/// transaction that deletes.
pub fn delete_as(conn: &mut DbConnection, id: i64, editor_id: i64) -> Result<(), StoreError> {
    write_transaction(conn, |conn| {
        let organisation_id = organisation_of(conn, id)?.ok_or(StoreError::NotFound("update"))?;
        ensure_editor(conn, organisation_id, editor_id)?;
        Ok(delete(conn, id)?)
    })
}

fn ensure_editor(
    conn: &mut DbConnection,
    organisation_id: i64,
    user_id: i64,
) -> Result<(), StoreError> {
    match super::teams::member_role(conn, organisation_id, user_id)? {
        Some(role) if role >= crate::domain::organisations::Role::Editor => Ok(()),
        _ => Err(StoreError::Forbidden(ensemble_wire::Code::Forbidden)),
    }
}

fn written(conn: &mut DbConnection, id: i64) -> Result<UpdateRow, StoreError> {
    find(conn, id)?.ok_or_else(|| StoreError::Internal(anyhow::anyhow!("update {id} vanished")))
}

/// Writes an update (the demo data's path: nothing checked).
pub fn create(
    conn: &mut DbConnection,
    organisation_id: i64,
    author_id: i64,
    new: Post,
    created_at: Option<NaiveDateTime>,
) -> Result<i64, StoreError> {
    use super::schema::organisations;
    let language = match new.language {
        Some(language) => language,
        None => organisations::table
            .find(organisation_id)
            .select(organisations::text_language)
            .first(conn)?,
    };
    Ok(diesel::insert_into(updates::table)
        .values((
            updates::organisation_id.eq(organisation_id),
            updates::author_id.eq(author_id),
            updates::title.eq(new.title),
            updates::body.eq(new.body),
            updates::language.eq(language),
            updates::link_url.eq(new.link_url),
            updates::created_at.eq(created_at.map_or_else(now, super::stored_time)),
        ))
        .returning(updates::id)
        .get_result(conn)?)
}

/// The columns [`PostChanges`] sets.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = updates)]
struct Changeset {
    title: Option<String>,
    body: Option<String>,
    language: Option<String>,
    link_url: Option<Option<String>>,
}

impl From<PostChanges> for Changeset {
    fn from(changes: PostChanges) -> Self {
        Self {
            title: changes.title,
            body: changes.body,
            language: changes.language,
            link_url: changes.link_url,
        }
    }
}

pub fn edit(conn: &mut DbConnection, id: i64, changes: PostChanges) -> QueryResult<()> {
    diesel::update(updates::table.find(id))
        .set((Changeset::from(changes), updates::edited_at.eq(Some(now()))))
        .execute(conn)?;
    Ok(())
}

/// Deletes an update with its comments, reactions and notifications.
pub fn delete(conn: &mut DbConnection, id: i64) -> QueryResult<()> {
    diesel::delete(updates::table.find(id)).execute(conn)?;
    Ok(())
}

/// Reacts (again: no change), keeping the update's count exact.
pub fn react(conn: &mut DbConnection, user_id: i64, update_id: i64) -> Result<(), StoreError> {
    let result = write_transaction(conn, |conn| {
        let already = reactions::table
            .find((update_id, user_id))
            .count()
            .get_result::<i64>(conn)?;
        if already == 0 {
            diesel::insert_into(reactions::table)
                .values((
                    reactions::update_id.eq(update_id),
                    reactions::user_id.eq(user_id),
                    reactions::created_at.eq(now()),
                ))
                .execute(conn)?;
            diesel::update(updates::table.find(update_id))
                .set(updates::reactions_count.eq(updates::reactions_count + 1))
                .execute(conn)?;
        }
        Ok::<_, diesel::result::Error>(())
    });
    match result {
        Ok(()) => Ok(()),
        // Reacted already (at the same moment, from elsewhere): reacting is idempotent.
        Err(e) if super::Unique::Reaction.violated_by(&e) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

pub fn unreact(conn: &mut DbConnection, user_id: i64, update_id: i64) -> Result<(), StoreError> {
    write_transaction(conn, |conn| {
        let removed = diesel::delete(reactions::table.find((update_id, user_id))).execute(conn)?;
        if removed > 0 {
            diesel::update(updates::table.find(update_id))
                .set(updates::reactions_count.eq(updates::reactions_count - 1))
                .execute(conn)?;
        }
        Ok(())
    })
}

/// The updates a person reacted to, and when (for their data export).
pub fn reactions_by(conn: &mut DbConnection, user_id: i64) -> QueryResult<Vec<ReactionRow>> {
    use super::schema::reactions;
    reactions::table
        .filter(reactions::user_id.eq(user_id))
        .order((reactions::created_at, reactions::update_id))
        .select(ReactionRow::as_select())
        .load(conn)
}

/// A reaction someone gave.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = super::schema::reactions)]
pub struct ReactionRow {
    pub update_id: i64,
    pub created_at: chrono::NaiveDateTime,
}

pub fn reactions_count(conn: &mut DbConnection, update_id: i64) -> QueryResult<i64> {
    updates::table
        .find(update_id)
        .select(updates::reactions_count)
        .first(conn)
}
