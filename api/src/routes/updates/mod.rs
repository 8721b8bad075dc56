//! Updates over HTTP: an organisation's news (`posts`) and its Atom feed (`atom`),
//! reactions, comments and their reports, and the feeds that gather updates (`feed`). The
//! shared piece here: a page of updates with the reader's reactions.

pub mod atom;
pub mod comments;
pub mod feed;
pub mod posts;
pub mod reactions;

use std::time::Duration;

use ensemble_wire::{Page, Update};

use crate::auth::rate_limit::Limit;
use crate::db::StoreError;
use crate::db::updates::{self as store, UpdateRow};
use crate::db::{Db, DbConnection};
use crate::domain::pagination::{Limit as PageLimit, split_page};
use crate::error::ApiError;

/// Posting limits per person: generous for people, short for scripts.
const UPDATES_PER_HOUR: Limit = Limit {
    max: 60,
    window: Duration::from_secs(3600),
};
const COMMENTS_PER_MINUTE: Limit = Limit {
    max: 20,
    window: Duration::from_secs(60),
};

/// A page of updates chosen by `load`, with those the viewer reacted to marked: one trip
/// to the database pool for both (the feed is the hot path).
async fn page_of<F>(
    db: &Db,
    limit: PageLimit,
    viewer: Option<i64>,
    load: F,
) -> Result<Page<Update>, ApiError>
where
    F: FnOnce(&mut DbConnection) -> Result<Vec<UpdateRow>, StoreError> + Send + 'static,
{
    let (rows, next_cursor, reacted) = db
        .run(move |conn| {
            let (rows, next_cursor) = split_page(load(conn)?, limit, UpdateRow::key);
            let reacted = match viewer {
                Some(user) => {
                    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
                    store::reacted(conn, user, &ids)?
                }
                None => Vec::new(),
            };
            Ok((rows, next_cursor, reacted))
        })
        .await?;
    Ok(Page {
        items: rows
            .into_iter()
            .map(|row| {
                let mine = reacted.contains(&row.id);
                crate::convert::update(row, mine)
            })
            .collect(),
        next_cursor,
    })
}

fn update_id(id: &str) -> Result<i64, ApiError> {
    id.parse().map_err(|_| ApiError::NotFound("update"))
}

async fn load_update(db: &Db, id: i64, viewer: Option<i64>) -> Result<Update, ApiError> {
    let (row, reacted) = db
        .run(move |conn| {
            let row = store::find(conn, id)?.ok_or(StoreError::NotFound("update"))?;
            let reacted = match viewer {
                Some(user) => !store::reacted(conn, user, &[id])?.is_empty(),
                None => false,
            };
            Ok((row, reacted))
        })
        .await?;
    Ok(crate::convert::update(row, reacted))
}
