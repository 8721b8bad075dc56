//! How each person wants mail: per category (absent: the category's default), and the
//! digest's frequency and time zone.

use diesel::prelude::*;

use super::schema::{mail_preferences, users};
use super::{DbConnection, now, write_transaction};
use crate::domain::notifications::{Category, Delivery, DigestFrequency, MailChanges};
use crate::mail::unsubscribe::Topic;

/// A person's choices, every category included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preferences {
    pub categories: Vec<(Category, Delivery)>,
    pub digest: DigestFrequency,
    pub time_zone: String,
}

/// How `category` reaches `user_id`.
pub fn delivery(
    conn: &mut DbConnection,
    user_id: i64,
    category: Category,
) -> QueryResult<Delivery> {
    Ok(mail_preferences::table
        .find((user_id, category))
        .select(mail_preferences::delivery)
        .first::<Delivery>(conn)
        .optional()?
        .unwrap_or_else(|| category.default_delivery()))
}

pub fn get(conn: &mut DbConnection, user_id: i64) -> QueryResult<Preferences> {
    let chosen: Vec<(Category, Delivery)> = mail_preferences::table
        .filter(mail_preferences::user_id.eq(user_id))
        .select((mail_preferences::category, mail_preferences::delivery))
        .load(conn)?;
    let (digest, time_zone): (DigestFrequency, String) = users::table
        .find(user_id)
        .select((users::digest, users::time_zone))
        .first(conn)?;
    let categories = Category::ALL
        .iter()
        .map(|&category| {
            let delivery = chosen
                .iter()
                .find(|(stored, _)| *stored == category)
                .map_or_else(|| category.default_delivery(), |(_, delivery)| *delivery);
            (category, delivery)
        })
        .collect();
    Ok(Preferences {
        categories,
        digest,
        time_zone,
    })
}

pub fn set(
    conn: &mut DbConnection,
    user_id: i64,
    changes: &MailChanges,
) -> QueryResult<Preferences> {
    write_transaction(conn, |conn| {
        for &(category, delivery) in &changes.categories {
            diesel::delete(mail_preferences::table.find((user_id, category))).execute(conn)?;
            diesel::insert_into(mail_preferences::table)
                .values((
                    mail_preferences::user_id.eq(user_id),
                    mail_preferences::category.eq(category),
                    mail_preferences::delivery.eq(delivery),
                ))
                .execute(conn)?;
        }
        if let Some(digest) = changes.digest {
            diesel::update(users::table.find(user_id))
                .set((users::digest.eq(digest), users::updated_at.eq(now())))
                .execute(conn)?;
        }
        if let Some(time_zone) = &changes.time_zone {
            diesel::update(users::table.find(user_id))
                .set((users::time_zone.eq(time_zone), users::updated_at.eq(now())))
                .execute(conn)?;
        }
        get(conn, user_id)
    })
}

/// Stops one category, or the digest, for a person (an unsubscribe link); false when there
/// is no such person any more.
pub fn stop(conn: &mut DbConnection, user_id: i64, topic: Topic) -> QueryResult<bool> {
    if super::users::find(conn, user_id)?.is_none() {
        return Ok(false);
    }
    let changes = match topic {
        Topic::Category(category) => MailChanges {
            categories: vec![(category, Delivery::Never)],
            ..MailChanges::default()
        },
        Topic::Digest => MailChanges {
            digest: Some(DigestFrequency::Never),
            ..MailChanges::default()
        },
    };
    set(conn, user_id, &changes)?;
    Ok(true)
}
