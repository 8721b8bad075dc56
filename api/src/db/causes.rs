//! Causes: the taxonomy (synchronised from `api/data/causes.json`), its translations, and
//! who follows what.

use std::collections::HashMap;

use anyhow::Context;
use chrono::NaiveDateTime;
use diesel::dsl::count_star;
use diesel::prelude::*;
use serde::Deserialize;

use super::error::StoreError;
use super::schema::{cause_follows, cause_translations, causes};
use super::{DbConnection, now, write_transaction};
use crate::domain::text::is_slug;
use ensemble_wire::Lang;

const TAXONOMY: &str = include_str!("../../data/causes.json");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedCause {
    slug: String,
    parent: Option<String>,
    name: HashMap<String, String>,
    description: HashMap<String, String>,
}

fn taxonomy() -> anyhow::Result<Vec<SeedCause>> {
    let seeds: Vec<SeedCause> = serde_json::from_str(TAXONOMY).context("api/data/causes.json")?;
    for seed in &seeds {
        for lang in Lang::ALL {
            let has = |m: &HashMap<String, String>| {
                m.get(lang.code()).is_some_and(|t| !t.trim().is_empty())
            };
            if !has(&seed.name) || !has(&seed.description) {
                anyhow::bail!(
                    "cause {} lacks its {} name or description",
                    seed.slug,
                    lang.code()
                );
            }
        }
    }
    Ok(seeds)
}

/// Makes the causes tables say what `causes.json` says: new causes are added, names,
/// descriptions, parents and order updated. (Causes are never deleted here: people follow
/// them and organisations are filed under them.)
pub fn sync_taxonomy(conn: &mut DbConnection) -> anyhow::Result<()> {
    let seeds = taxonomy()?;
    write_transaction(conn, |conn| -> anyhow::Result<()> {
        for (position, seed) in seeds.iter().enumerate() {
            let position = i32::try_from(position)?;
            let parent_id: Option<i64> = match &seed.parent {
                Some(parent) => Some(
                    causes::table
                        .filter(causes::slug.eq(parent))
                        .select(causes::id)
                        .first(conn)
                        .with_context(|| {
                            format!("cause {}: parent {parent} must come first", seed.slug)
                        })?,
                ),
                None => None,
            };
            let existing: Option<i64> = causes::table
                .filter(causes::slug.eq(&seed.slug))
                .select(causes::id)
                .first(conn)
                .optional()?;
            let cause_id = match existing {
                Some(id) => {
                    diesel::update(causes::table.find(id))
                        .set((
                            causes::parent_id.eq(parent_id),
                            causes::position.eq(position),
                        ))
                        .execute(conn)?;
                    id
                }
                None => diesel::insert_into(causes::table)
                    .values((
                        causes::slug.eq(&seed.slug),
                        causes::parent_id.eq(parent_id),
                        causes::position.eq(position),
                    ))
                    .returning(causes::id)
                    .get_result(conn)?,
            };
            diesel::delete(
                cause_translations::table.filter(cause_translations::cause_id.eq(cause_id)),
            )
            .execute(conn)?;
            for lang in Lang::ALL {
                let code = lang.code();
                diesel::insert_into(cause_translations::table)
                    .values((
                        cause_translations::cause_id.eq(cause_id),
                        cause_translations::lang.eq(code),
                        cause_translations::name.eq(&seed.name[code]),
                        cause_translations::description.eq(&seed.description[code]),
                    ))
                    .execute(conn)?;
            }
        }
        Ok(())
    })
}

/// A cause in one language, with its place in the tree and its followers.
#[derive(Debug, Clone)]
pub struct CauseView {
    pub slug: String,
    pub parent: Option<String>,
    pub children: Vec<String>,
    pub name: String,
    pub description: String,
    pub followers_count: i64,
}

/// Every cause, in taxonomy order (each parent followed by its children), in `lang`.
pub fn list(conn: &mut DbConnection, lang: Lang) -> QueryResult<Vec<CauseView>> {
    let rows: Vec<(i64, String, Option<i64>)> = causes::table
        .order(causes::position)
        .select((causes::id, causes::slug, causes::parent_id))
        .load(conn)?;
    let texts: HashMap<i64, (String, String)> = cause_translations::table
        .filter(cause_translations::lang.eq(lang.code()))
        .select((
            cause_translations::cause_id,
            cause_translations::name,
            cause_translations::description,
        ))
        .load::<(i64, String, String)>(conn)?
        .into_iter()
        .map(|(id, name, description)| (id, (name, description)))
        .collect();
    let followers: HashMap<i64, i64> = cause_follows::table
        .group_by(cause_follows::cause_id)
        .select((cause_follows::cause_id, count_star()))
        .load::<(i64, i64)>(conn)?
        .into_iter()
        .collect();
    let slugs: HashMap<i64, String> = rows
        .iter()
        .map(|(id, slug, _)| (*id, slug.clone()))
        .collect();
    Ok(rows
        .iter()
        .map(|(id, slug, parent_id)| {
            let (name, description) = texts
                .get(id)
                .cloned()
                .unwrap_or_else(|| (slug.clone(), String::new()));
            CauseView {
                slug: slug.clone(),
                parent: parent_id.and_then(|p| slugs.get(&p).cloned()),
                children: rows
                    .iter()
                    .filter(|(_, _, p)| *p == Some(*id))
                    .map(|(_, s, _)| s.clone())
                    .collect(),
                name,
                description,
                followers_count: followers.get(id).copied().unwrap_or(0),
            }
        })
        .collect())
}

fn cause_id(conn: &mut DbConnection, slug: &str) -> Result<i64, StoreError> {
    if !is_slug(slug) {
        return Err(StoreError::NotFound("cause"));
    }
    causes::table
        .filter(causes::slug.eq(slug))
        .select(causes::id)
        .first(conn)
        .optional()?
        .ok_or(StoreError::NotFound("cause"))
}

/// The ids of a cause and of its narrower causes; `None` when there is no such cause.
pub fn with_children(conn: &mut DbConnection, slug: &str) -> QueryResult<Option<Vec<i64>>> {
    if !is_slug(slug) {
        return Ok(None);
    }
    let Some(id) = causes::table
        .filter(causes::slug.eq(slug))
        .select(causes::id)
        .first::<i64>(conn)
        .optional()?
    else {
        return Ok(None);
    };
    let mut ids: Vec<i64> = causes::table
        .filter(causes::parent_id.eq(id))
        .select(causes::id)
        .load(conn)?;
    ids.insert(0, id);
    Ok(Some(ids))
}

/// Follows a cause; following it again changes nothing.
pub fn follow(conn: &mut DbConnection, user_id: i64, slug: &str) -> Result<(), StoreError> {
    let cause_id = cause_id(conn, slug)?;
    let inserted = diesel::insert_into(cause_follows::table)
        .values((
            cause_follows::user_id.eq(user_id),
            cause_follows::cause_id.eq(cause_id),
            cause_follows::created_at.eq(now()),
        ))
        .execute(conn);
    match inserted {
        Ok(_) => Ok(()),
        // Followed already (at the same moment, from elsewhere): following is idempotent.
        Err(e) if super::Unique::CauseFollow.violated_by(&e) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

/// Stops following a cause; not following it already changes nothing.
pub fn unfollow(conn: &mut DbConnection, user_id: i64, slug: &str) -> Result<(), StoreError> {
    let cause_id = cause_id(conn, slug)?;
    diesel::delete(cause_follows::table.find((user_id, cause_id))).execute(conn)?;
    Ok(())
}

/// A cause someone follows.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = cause_follows)]
pub struct FollowedCause {
    #[diesel(select_expression = causes::slug)]
    pub slug: String,
    #[diesel(select_expression = cause_follows::created_at)]
    pub since: NaiveDateTime,
}

/// The causes a user follows, in taxonomy order.
pub fn followed_by(conn: &mut DbConnection, user_id: i64) -> QueryResult<Vec<FollowedCause>> {
    cause_follows::table
        .inner_join(causes::table)
        .filter(cause_follows::user_id.eq(user_id))
        .order(causes::position)
        .select(FollowedCause::as_select())
        .load(conn)
}

/// The ids of the causes a user follows, with their narrower causes.
pub fn followed_ids(conn: &mut DbConnection, user_id: i64) -> QueryResult<Vec<i64>> {
    let followed: Vec<i64> = cause_follows::table
        .filter(cause_follows::user_id.eq(user_id))
        .select(cause_follows::cause_id)
        .load(conn)?;
    let mut ids: Vec<i64> = causes::table
        .filter(causes::parent_id.eq_any(&followed))
        .select(causes::id)
        .load(conn)?;
    ids.extend(followed);
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_embedded_taxonomy_is_complete_and_two_levels_deep() {
        let seeds = super::taxonomy().unwrap();
        assert!((20..=40).contains(&seeds.len()), "{}", seeds.len());
        let top: Vec<&str> = seeds
            .iter()
            .filter(|s| s.parent.is_none())
            .map(|s| s.slug.as_str())
            .collect();
        for seed in &seeds {
            if let Some(parent) = &seed.parent {
                assert!(
                    top.contains(&parent.as_str()),
                    "{} is under a non-top-level cause",
                    seed.slug
                );
            }
        }
    }
}
