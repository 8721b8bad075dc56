//! Uploaded pictures: their rows (the files live in the object store), the quota each
//! uploader has, and the clean-up of the ones nobody shows.

use diesel::dsl::{exists, not};
use diesel::prelude::*;
use ensemble_wire::{Code, PictureShape};

use super::schema::{upload_uses, uploads};
use super::{DbConnection, LockTable, StoreError, lock_row, now, write_transaction};
use crate::media::StoredPicture;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = uploads)]
pub struct UploadRow {
    pub id: String,
    pub user_id: Option<i64>,
    pub shape: String,
    pub width: i32,
    pub height: i32,
    pub bytes: i64,
    pub picture: String,
    pub created_at: chrono::NaiveDateTime,
}

impl UploadRow {
    pub fn shape(&self) -> PictureShape {
        if self.shape == "square" {
            PictureShape::Square
        } else {
            PictureShape::Any
        }
    }
}

/// An upload to record.
#[derive(Debug, Clone)]
pub struct NewUpload {
    pub id: String,
    pub user_id: i64,
    pub shape: PictureShape,
    pub picture: StoredPicture,
    pub bytes: i64,
}

fn shape_text(shape: PictureShape) -> &'static str {
    match shape {
        PictureShape::Any => "any",
        PictureShape::Square => "square",
    }
}

/// The bytes `user_id`'s uploads take.
pub fn stored_bytes(conn: &mut DbConnection, user_id: i64) -> QueryResult<i64> {
    sum_bytes(conn, "user_id = ", user_id, "")
}

/// The bytes of the uploads `WHERE {condition}{id}{end}` selects.
fn sum_bytes(conn: &mut DbConnection, condition: &str, id: i64, end: &str) -> QueryResult<i64> {
    #[derive(QueryableByName)]
    struct Total {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        total: i64,
    }
    let mut sql = super::sql::Sql::for_connection(conn);
    sql.push("SELECT CAST(COALESCE(SUM(bytes), 0) AS BIGINT) AS total FROM uploads WHERE ")
        .push(condition)
        .int(id)
        .push(end);
    Ok(sql.load::<Total>(conn)?.first().map_or(0, |t| t.total))
}

/// Records an upload, if its uploader's quota has room for it (checked under a lock on the
/// uploader's row, so uploads at once cannot all pass the check): 409
/// `upload_quota_exceeded` otherwise.
pub fn insert(
    conn: &mut DbConnection,
    upload: &NewUpload,
    quota: i64,
) -> Result<UploadRow, StoreError> {
    write_transaction(conn, |conn| {
        lock_row(conn, LockTable::Users, upload.user_id)?;
        let used = stored_bytes(conn, upload.user_id)?;
        if used + upload.bytes > quota {
            return Err(StoreError::Conflict(
                Code::UploadQuotaExceeded,
                format!(
                    "Your pictures take {} of the {} MB you may use: delete some, or use smaller ones.",
                    megabytes(used),
                    megabytes(quota)
                ),
            ));
        }
        let row = UploadRow {
            id: upload.id.clone(),
            user_id: Some(upload.user_id),
            shape: shape_text(upload.shape).to_owned(),
            width: i32::try_from(upload.picture.w).unwrap_or(i32::MAX),
            height: i32::try_from(upload.picture.h).unwrap_or(i32::MAX),
            bytes: upload.bytes,
            picture: upload.picture.to_json(),
            created_at: now(),
        };
        diesel::insert_into(uploads::table)
            .values((
                uploads::id.eq(&row.id),
                uploads::user_id.eq(row.user_id),
                uploads::shape.eq(&row.shape),
                uploads::width.eq(row.width),
                uploads::height.eq(row.height),
                uploads::bytes.eq(row.bytes),
                uploads::picture.eq(&row.picture),
                uploads::created_at.eq(row.created_at),
            ))
            .execute(conn)?;
        Ok(row)
    })
}

fn megabytes(bytes: i64) -> String {
    format!("{:.1}", bytes as f64 / 1_000_000.0)
}

pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<UploadRow>> {
    uploads::table
        .find(id)
        .select(UploadRow::as_select())
        .first(conn)
        .optional()
}

/// Deletes up to `limit` uploads made before `cutoff` that nothing shows, and returns
/// their pictures (whose files the caller deletes). The check and the deletion are one
/// statement per upload, so an upload taken into use meanwhile stays.
pub fn remove_unused(
    conn: &mut DbConnection,
    cutoff: chrono::NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<StoredPicture>> {
    let unused = || {
        not(exists(
            upload_uses::table.filter(upload_uses::upload_id.eq(uploads::id)),
        ))
    };
    let candidates: Vec<(String, String)> = uploads::table
        .filter(uploads::created_at.lt(cutoff))
        .filter(unused())
        .order(uploads::created_at.asc())
        .select((uploads::id, uploads::picture))
        .limit(limit)
        .load(conn)?;
    let mut removed = Vec::with_capacity(candidates.len());
    for (id, picture) in candidates {
        let deleted = diesel::delete(uploads::table.filter(uploads::id.eq(&id)).filter(unused()))
            .execute(conn)?;
        if deleted == 1
            && let Some(picture) = StoredPicture::from_json(&picture)
        {
            removed.push(picture);
        }
    }
    Ok(removed)
}

/// What an upload is shown as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Logo,
    Cover,
    Avatar,
    Photo,
    /// An image in a text (an update's body, an organisation's description).
    Inline,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Self::Logo => "logo",
            Self::Cover => "cover",
            Self::Avatar => "avatar",
            Self::Photo => "photo",
            Self::Inline => "inline",
        }
    }

    /// Logos and avatars are shown in circles and squares: they must be square.
    fn square(self) -> bool {
        matches!(self, Self::Logo | Self::Avatar)
    }
}

/// What shows an upload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    /// An organisation's page (its logo, cover, description).
    Organisation(i64),
    /// One update of an organisation.
    Update { organisation: i64, update: i64 },
    /// A person's profile.
    Person(i64),
}

/// The upload `id` as `actor` may show it as `purpose` (of `organisation`'s, if any): one
/// they uploaded, or one the organisation shows already (another admin's logo kept as it
/// is). Anything else is 422 on `field`: `no_such_upload` (whether it exists is not told),
/// or `not_square` for a logo or an avatar that is not.
pub fn usable(
    conn: &mut DbConnection,
    field: &str,
    id: &str,
    actor: i64,
    purpose: Purpose,
    organisation: Option<i64>,
) -> Result<StoredPicture, StoreError> {
    let refused = |code, message: &str| {
        StoreError::Invalid(vec![crate::domain::text::field_error(field, code, message)])
    };
    let no_such = || refused(Code::NoSuchUpload, "no upload of yours has this id");
    let row = find(conn, id)?.ok_or_else(no_such)?;
    let allowed = row.user_id == Some(actor)
        || match organisation {
            Some(organisation) => diesel::select(exists(
                upload_uses::table
                    .filter(upload_uses::upload_id.eq(id))
                    .filter(upload_uses::organisation_id.eq(organisation)),
            ))
            .get_result::<bool>(conn)?,
            None => false,
        };
    if !allowed {
        return Err(no_such());
    }
    if purpose.square() && row.shape() != PictureShape::Square {
        return Err(refused(
            Code::NotSquare,
            "upload it with ?shape=square: it is shown in a square",
        ));
    }
    StoredPicture::from_json(&row.picture)
        .ok_or_else(|| StoreError::Internal(anyhow::anyhow!("upload {id} has no readable picture")))
}

/// The uploads a Markdown text shows (`/media/{upload}/…`), each of which must exist
/// (else 422 `no_such_upload` on `field`): an image of a text may be any picture shown on
/// the platform, since its address is public already.
pub fn inline(
    conn: &mut DbConnection,
    field: &str,
    markdown: &str,
) -> Result<Vec<String>, StoreError> {
    let ids = crate::media::uploads_in(markdown);
    if ids.is_empty() {
        return Ok(ids);
    }
    let found: Vec<String> = uploads::table
        .filter(uploads::id.eq_any(&ids))
        .select(uploads::id)
        .load(conn)?;
    match ids.iter().find(|id| !found.contains(id)) {
        Some(missing) => Err(StoreError::Invalid(vec![crate::domain::text::field_error(
            field,
            Code::NoSuchUpload,
            format!("the image /media/{missing}/… is not an upload"),
        )])),
        None => Ok(ids),
    }
}

/// Replaces what `subject` shows as each of `purposes` with `uses`.
pub fn set_uses(
    conn: &mut DbConnection,
    subject: Subject,
    purposes: &[Purpose],
    uses: &[(String, Purpose)],
) -> QueryResult<()> {
    let (organisation, user, update) = match subject {
        Subject::Organisation(id) => (Some(id), None, None),
        Subject::Update {
            organisation,
            update,
        } => (Some(organisation), None, Some(update)),
        Subject::Person(id) => (None, Some(id), None),
    };
    let names: Vec<&str> = purposes.iter().map(|p| p.as_str()).collect();
    let mut delete = diesel::delete(upload_uses::table)
        .filter(upload_uses::purpose.eq_any(names))
        .into_boxed();
    delete = match subject {
        Subject::Organisation(id) => delete
            .filter(upload_uses::organisation_id.eq(id))
            .filter(upload_uses::update_id.is_null()),
        Subject::Update { update, .. } => delete.filter(upload_uses::update_id.eq(update)),
        Subject::Person(id) => delete.filter(upload_uses::user_id.eq(id)),
    };
    delete.execute(conn)?;
    for (upload, purpose) in uses {
        diesel::insert_into(upload_uses::table)
            .values((
                upload_uses::upload_id.eq(upload),
                upload_uses::purpose.eq(purpose.as_str()),
                upload_uses::organisation_id.eq(organisation),
                upload_uses::user_id.eq(user),
                upload_uses::update_id.eq(update),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The bytes of the pictures an organisation shows (each upload counted once).
pub fn organisation_bytes(conn: &mut DbConnection, organisation: i64) -> QueryResult<i64> {
    sum_bytes(
        conn,
        "id IN (SELECT upload_id FROM upload_uses WHERE organisation_id = ",
        organisation,
        ")",
    )
}

/// Refuses a change that grew what an organisation shows past its quota (409
/// `upload_quota_exceeded`); one that did not grow it passes, even over a quota lowered
/// since. Call it after the change, in its transaction, under the organisation's lock.
pub fn check_organisation_quota(
    conn: &mut DbConnection,
    organisation: i64,
    before: i64,
    quota: i64,
) -> Result<(), StoreError> {
    let after = organisation_bytes(conn, organisation)?;
    if after > quota && after > before {
        return Err(StoreError::Conflict(
            Code::UploadQuotaExceeded,
            format!(
                "The organisation's pictures would take {} of the {} MB it may use: remove some first.",
                megabytes(after),
                megabytes(quota)
            ),
        ));
    }
    Ok(())
}
