//! Comments (one level of replies), reports, and the counts on their update.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use ensemble_wire::Code;

use super::error::StoreError;
use super::schema::{comments, organisation_members, updates, users};
use super::{DbConnection, notifications, now, write_transaction};
use crate::domain::pagination::KeysetAfter;
use crate::domain::text::field_error;
use crate::domain::updates::NewComment;

/// A comment with its author.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = comments)]
pub struct CommentRow {
    pub id: i64,
    pub update_id: i64,
    pub parent_id: Option<i64>,
    #[diesel(select_expression = users::id)]
    pub author_id: i64,
    #[diesel(select_expression = users::display_name)]
    pub author_name: String,
    #[diesel(select_expression = users::avatar)]
    pub author_avatar: Option<String>,
    pub body: String,
    pub created_at: NaiveDateTime,
    /// The moderators' reason, when they hid it.
    pub hidden_reason: Option<String>,
    pub appealed_at: Option<NaiveDateTime>,
}

impl CommentRow {
    pub fn key(&self) -> KeysetAfter {
        KeysetAfter {
            created_at: self.created_at,
            id: self.id,
        }
    }
}

/// Comments with their authors, oldest first.
macro_rules! comment_rows {
    () => {
        comments::table
            .inner_join(users::table)
            .order((comments::created_at.asc(), comments::id.asc()))
            .select(CommentRow::as_select())
    };
}

/// An update's comments, oldest first (a conversation reads down), keyset-paged.
pub fn list(
    conn: &mut DbConnection,
    update_id: i64,
    after: Option<KeysetAfter>,
    limit: i64,
) -> QueryResult<Vec<CommentRow>> {
    let mut query = comment_rows!()
        .filter(comments::update_id.eq(update_id))
        .limit(limit + 1)
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(
            comments::created_at
                .gt(after.created_at)
                .or(comments::created_at
                    .eq(after.created_at)
                    .and(comments::id.gt(after.id))),
        );
    }
    query.load(conn)
}

/// Every comment a person wrote, oldest first (for their data export).
pub fn by_author(conn: &mut DbConnection, author_id: i64) -> QueryResult<Vec<CommentRow>> {
    comment_rows!()
        .filter(comments::author_id.eq(author_id))
        .load(conn)
}

pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<CommentRow>> {
    comment_rows!()
        .filter(comments::id.eq(id))
        .first(conn)
        .optional()
}

/// Where a comment is, and who wrote it.
#[derive(Debug, Clone, Copy, Queryable, Selectable)]
#[diesel(table_name = comments)]
pub struct Context {
    pub update_id: i64,
    #[diesel(select_expression = updates::organisation_id)]
    pub organisation_id: i64,
    pub author_id: i64,
}

/// The update, organisation and author of a comment.
pub fn context(conn: &mut DbConnection, id: i64) -> QueryResult<Option<Context>> {
    comments::table
        .inner_join(updates::table)
        .filter(comments::id.eq(id))
        .select(Context::as_select())
        .first(conn)
        .optional()
}

/// Comments (or replies to a top-level comment of the same update), notifying the
/// author of the comment replied to and the organisation's team.
pub fn create(
    conn: &mut DbConnection,
    update_id: i64,
    author_id: i64,
    comment: &NewComment,
) -> Result<i64, StoreError> {
    let (parent_id, body) = (comment.parent_id, comment.body.as_str());
    write_transaction(conn, |conn| {
        // One author's comments one at a time: the same one sent twice at once is seen.
        super::lock_row(conn, super::LockTable::Users, author_id)?;
        if body.chars().count() >= crate::domain::moderation::REPEAT_MIN_CHARS {
            let since = now() - chrono::Duration::days(1);
            let repeated = comments::table
                .filter(comments::author_id.eq(author_id))
                .filter(comments::body.eq(body))
                .filter(comments::created_at.gt(since))
                .count()
                .get_result::<i64>(conn)?;
            if repeated > 0 {
                return Err(StoreError::Conflict(
                    Code::DuplicateComment,
                    "you posted this comment already".to_owned(),
                ));
            }
        }
        let (organisation_id, locked): (i64, bool) = updates::table
            .find(update_id)
            .select((
                updates::organisation_id,
                updates::comments_locked_at.is_not_null(),
            ))
            .first(conn)
            .optional()?
            .ok_or(StoreError::NotFound("update"))?;
        if locked {
            return Err(StoreError::Conflict(
                Code::CommentsLocked,
                "The moderators closed the comments of this update.".to_owned(),
            ));
        }
        if super::blocks::banned(conn, organisation_id, author_id)? {
            return Err(StoreError::Forbidden(Code::BannedHere));
        }
        let parent_author = match parent_id {
            None => None,
            Some(parent) => {
                let found: Option<(i64, Option<i64>, i64)> = comments::table
                    .find(parent)
                    .select((
                        comments::update_id,
                        comments::parent_id,
                        comments::author_id,
                    ))
                    .first(conn)
                    .optional()?;
                match found {
                    Some((on, None, author)) if on == update_id => {
                        // Someone blocked does not reply to the one who blocked them.
                        if super::blocks::blocks(conn, author, author_id)? {
                            return Err(StoreError::Forbidden(Code::Blocked));
                        }
                        Some(author)
                    }
                    _ => {
                        return Err(StoreError::Invalid(vec![field_error(
                            "parent_id",
                            Code::InvalidParent,
                            "replies go to a top-level comment of the same update",
                        )]));
                    }
                }
            }
        };
        let id: i64 = diesel::insert_into(comments::table)
            .values((
                comments::update_id.eq(update_id),
                comments::author_id.eq(author_id),
                comments::parent_id.eq(parent_id),
                comments::body.eq(body),
                comments::created_at.eq(now()),
            ))
            .returning(comments::id)
            .get_result(conn)?;
        diesel::update(updates::table.find(update_id))
            .set(updates::comments_count.eq(updates::comments_count + 1))
            .execute(conn)?;
        let event = notifications::Event {
            actor_id: Some(author_id),
            organisation_id: Some(organisation_id),
            update_id: Some(update_id),
            comment_id: Some(id),
            role: None,
        };
        if let Some(parent_author) = parent_author.filter(|a| *a != author_id) {
            notifications::notify(
                conn,
                parent_author,
                notifications::Kind::CommentReply,
                &event,
            )?;
        }
        let team: Vec<i64> = organisation_members::table
            .filter(organisation_members::organisation_id.eq(organisation_id))
            .select(organisation_members::user_id)
            .load(conn)?;
        for member in team {
            if member != author_id && Some(member) != parent_author {
                notifications::notify(conn, member, notifications::Kind::UpdateComment, &event)?;
            }
        }
        Ok(id)
    })
}

/// Deletes a comment and its replies, keeping the update's count exact.
pub fn delete(conn: &mut DbConnection, id: i64) -> Result<(), StoreError> {
    write_transaction(conn, |conn| delete_within(conn, id))
}

/// [`delete`], inside a transaction the caller holds.
pub fn delete_within(conn: &mut DbConnection, id: i64) -> Result<(), StoreError> {
    let Some(comment) = context(conn, id)? else {
        return Err(StoreError::NotFound("comment"));
    };
    diesel::delete(comments::table.filter(comments::parent_id.eq(id))).execute(conn)?;
    diesel::delete(comments::table.find(id)).execute(conn)?;
    recount(conn, &[comment.update_id])?;
    Ok(())
}

/// Sets the comment and reaction counts of these updates from the rows.
pub fn recount(conn: &mut DbConnection, update_ids: &[i64]) -> QueryResult<()> {
    use super::schema::reactions;
    for &update_id in update_ids {
        let comments_count: i64 = comments::table
            .filter(comments::update_id.eq(update_id))
            .count()
            .get_result(conn)?;
        let reactions_count: i64 = reactions::table
            .filter(reactions::update_id.eq(update_id))
            .count()
            .get_result(conn)?;
        diesel::update(updates::table.find(update_id))
            .set((
                updates::comments_count.eq(comments_count),
                updates::reactions_count.eq(reactions_count),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Removes a user's comments (with the replies to them) and reactions before their
/// account goes, keeping the counts exact. Call inside the deleting transaction.
pub fn forget_user(conn: &mut DbConnection, user_id: i64) -> QueryResult<()> {
    use super::schema::reactions;
    let mut touched: Vec<i64> = comments::table
        .filter(comments::author_id.eq(user_id))
        .select(comments::update_id)
        .distinct()
        .load(conn)?;
    touched.extend(
        reactions::table
            .filter(reactions::user_id.eq(user_id))
            .select(reactions::update_id)
            .load::<i64>(conn)?,
    );
    touched.sort_unstable();
    touched.dedup();
    let mine: Vec<i64> = comments::table
        .filter(comments::author_id.eq(user_id))
        .select(comments::id)
        .load(conn)?;
    diesel::delete(comments::table.filter(comments::parent_id.eq_any(&mine))).execute(conn)?;
    diesel::delete(comments::table.filter(comments::author_id.eq(user_id))).execute(conn)?;
    diesel::delete(reactions::table.filter(reactions::user_id.eq(user_id))).execute(conn)?;
    recount(conn, &touched)
}
