//! The directory: organisations found by words, filtered, sorted and keyset-paged. The one
//! place where the two backends search differently: PostgreSQL with a generated
//! `tsvector` (English, French and Spanish stemming) and trigrams; SQLite with FTS5
//! (Porter stemming for English) and an FTS5 trigram index.

use chrono::NaiveDateTime;
use diesel::QueryResult;
use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Double, Nullable, Text, Timestamp};

use super::DbConnection;
use super::sql::{Bind, Sql};
use crate::domain::search::{After, Matching, Sort, fts5_words, like_anywhere};

/// What a list of organisations asks for, validated.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    pub matching: Option<Matching>,
    /// A cause and its children.
    pub cause_ids: Option<Vec<i64>>,
    pub country: Option<String>,
    pub language: Option<String>,
    pub verified: Option<bool>,
    /// Only these organisations (related organisations, suggestions).
    pub ids: Option<Vec<i64>>,
    /// Not these.
    pub exclude: Vec<i64>,
}

/// An organisation as lists show it, its mission in the reader's language where it has
/// one.
#[derive(Debug, Clone, QueryableByName)]
pub struct Card {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub slug: String,
    #[diesel(sql_type = Text)]
    pub name: String,
    #[diesel(sql_type = Text)]
    pub shown_mission: String,
    #[diesel(sql_type = Text)]
    pub shown_language: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub country: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub logo: Option<String>,
    #[diesel(sql_type = BigInt)]
    pub followers_count: i64,
    #[diesel(sql_type = Text)]
    pub verification_status: crate::domain::verification::Status,
    #[diesel(sql_type = Timestamp)]
    pub created_at: NaiveDateTime,
    #[diesel(sql_type = Text)]
    pub sort_name: String,
    #[diesel(sql_type = Double)]
    pub score: f64,
}

impl Card {
    /// The cursor to the page after this card.
    pub fn after(&self, sort: Sort) -> After {
        match sort {
            Sort::Relevance => After::Score(self.score, self.id),
            Sort::Followers => After::Followers(self.followers_count, self.id),
            Sort::Recent => After::Recent(self.created_at, self.id),
            Sort::Name => After::Name(self.sort_name.clone(), self.id),
        }
    }
}

const PG_QUERY: &str = "(websearch_to_tsquery('simple', ensemble_fold(#)) \
     || websearch_to_tsquery('english', ensemble_fold(#)) \
     || websearch_to_tsquery('french', ensemble_fold(#)) \
     || websearch_to_tsquery('spanish', ensemble_fold(#)))";

/// Appends `template`, binding `value` at each `#`.
fn push_with(sql: &mut Sql, template: &str, value: &str) {
    let mut parts = template.split('#');
    if let Some(first) = parts.next() {
        sql.push(first);
    }
    for part in parts {
        sql.text(value);
        sql.push(part);
    }
}

/// Appends ` WHERE ` before the first condition, ` AND ` before the others.
struct Conditions {
    any: bool,
}

impl Conditions {
    fn next<'a>(&mut self, sql: &'a mut Sql) -> &'a mut Sql {
        sql.push(if self.any { " AND " } else { " WHERE " });
        self.any = true;
        sql
    }
}

/// How many matches PostgreSQL ranks by relevance: the most followed ones.
const RELEVANCE_CANDIDATES: i64 = 1000;

/// Substrings shorter than this (in characters) have no index to find them (trigrams need
/// three)...
const SHORT_SUBSTRING: usize = 3;
/// ...so they are looked for among the names of this many most followed organisations.
const SHORT_SUBSTRING_SCOPE: i64 = 5_000;

/// One page (`limit + 1` rows, so the caller knows whether there is a next one).
pub fn search(
    conn: &mut DbConnection,
    filters: &Filters,
    sort: Sort,
    after: Option<&After>,
    reader_lang: &str,
    limit: i64,
) -> QueryResult<Vec<Card>> {
    search_query(conn, filters, sort, after, reader_lang, limit).load(conn)
}

/// The query [`search`] runs (`ensemble explain search` prints it).
pub fn search_query(
    conn: &DbConnection,
    filters: &Filters,
    sort: Sort,
    after: Option<&After>,
    reader_lang: &str,
    limit: i64,
) -> Sql {
    let mut sql = Sql::for_connection(conn);
    let pg = sql.is_postgres();
    // Without words, relevance is popularity.
    let sort = match (sort, &filters.matching) {
        (Sort::Relevance, None) => Sort::Followers,
        (sort, _) => sort,
    };
    sql.push(
        "SELECT x.id, x.slug, x.name, COALESCE(t.mission, x.mission) AS shown_mission, \
         COALESCE(t.lang, x.text_language) AS shown_language, x.country, x.logo, \
         x.followers_count, x.verification_status, x.created_at, x.sort_name, x.score \
         FROM (SELECT o.id, o.slug, o.name, o.mission, o.text_language, o.country, \
         o.logo, o.followers_count, o.verification_status, o.created_at, o.sort_name, ",
    );
    let popularity = "CAST(o.followers_count AS DOUBLE PRECISION) AS score FROM organisations o";
    let mut conditions = Conditions { any: false };
    match &filters.matching {
        None => {
            sql.push(popularity);
        }
        Some(Matching::Words(words)) if words.is_empty() => {
            // Only punctuation: nothing can match.
            sql.push(popularity);
            conditions.next(&mut sql).push("1 = 0");
        }
        Some(Matching::Words(words)) if pg => {
            sql.push(
                "CAST(ts_rank(o.search_vector, q.query) AS DOUBLE PRECISION) AS score \
                 FROM organisations o, (SELECT ",
            );
            push_with(&mut sql, PG_QUERY, &words.join(" "));
            sql.push(" AS query) q");
            conditions.next(&mut sql).push("o.search_vector @@ q.query");
        }
        Some(Matching::Words(words)) => {
            sql.push(
                "s.score AS score FROM (SELECT rowid AS id, -bm25(organisation_search, 4.0, 1.0) \
                 AS score FROM organisation_search WHERE organisation_search MATCH ",
            );
            sql.text(fts5_words(words));
            sql.push(") s JOIN organisations o ON o.id = s.id");
        }
        Some(Matching::Substring(text)) if text.chars().count() < SHORT_SUBSTRING => {
            // One or two characters: no index can find them, so they are looked for in
            // the names of the most followed organisations only, a bounded amount of work
            // whatever the size of the directory.
            sql.push(popularity);
            let c = conditions.next(&mut sql);
            c.push(
                "o.id IN (SELECT p.id FROM organisations p \
                 ORDER BY p.followers_count DESC, p.id DESC LIMIT ",
            )
            .int(SHORT_SUBSTRING_SCOPE)
            .push(") AND ");
            if pg {
                c.push("ensemble_fold(o.name) LIKE ensemble_fold(")
                    .text(like_anywhere(text))
                    .push(")");
            } else {
                c.push("lower(o.name) LIKE ")
                    .text(like_anywhere(text))
                    .push(" ESCAPE '\\'");
            }
        }
        Some(Matching::Substring(text)) => {
            // Ranked by popularity: substrings have no better measure.
            sql.push(popularity);
            let c = conditions.next(&mut sql);
            if pg {
                c.push("ensemble_fold(o.name || ' ' || o.search_text) LIKE ensemble_fold(")
                    .text(like_anywhere(text))
                    .push(")");
            } else {
                c.push(
                    "o.id IN (SELECT rowid FROM organisation_search_trigram \
                     WHERE organisation_search_trigram MATCH ",
                )
                .text(fts5_words(std::slice::from_ref(text)))
                .push(")");
            }
        }
    }
    if let Some(ids) = &filters.cause_ids {
        conditions
            .next(&mut sql)
            .push(
                "EXISTS (SELECT 1 FROM organisation_causes oc WHERE oc.organisation_id = o.id AND ",
            )
            .id_in("oc.cause_id", ids, false)
            .push(")");
    }
    if let Some(country) = &filters.country {
        conditions
            .next(&mut sql)
            .push("o.country = ")
            .text(country.clone());
    }
    if let Some(language) = &filters.language {
        conditions
            .next(&mut sql)
            .push(
                "EXISTS (SELECT 1 FROM organisation_languages ol \
                 WHERE ol.organisation_id = o.id AND ol.lang = ",
            )
            .text(language.clone())
            .push(")");
    }
    if let Some(verified) = filters.verified {
        conditions
            .next(&mut sql)
            .push(if verified {
                "o.verification_status = "
            } else {
                "o.verification_status <> "
            })
            .text(
                crate::domain::verification::Status::Verified
                    .as_str()
                    .to_owned(),
            );
    }
    if let Some(ids) = &filters.ids {
        conditions.next(&mut sql).id_in("o.id", ids, false);
    }
    if !filters.exclude.is_empty() {
        conditions
            .next(&mut sql)
            .id_in("o.id", &filters.exclude, true);
    }
    // Under review (the moderators hid it): out of discovery.
    conditions.next(&mut sql).push("o.hidden_at IS NULL");
    // Ranking every match of a common word ("water": half the directory) would cost a
    // score per match; PostgreSQL ranks the 1,000 most followed matches instead (their
    // index gives them in that order, so a common word stops early and a rare one is read
    // from the text index). Further results are there by the other sorts.
    if pg && sort == Sort::Relevance && matches!(filters.matching, Some(Matching::Words(_))) {
        sql.push(" ORDER BY o.followers_count DESC, o.id DESC LIMIT ")
            .int(RELEVANCE_CANDIDATES);
    }
    sql.push(") x LEFT JOIN organisation_translations t ON t.organisation_id = x.id AND t.lang = ")
        .text(reader_lang);
    // Keyset: row values, which both backends compare (and index) in order.
    match after {
        None => {}
        Some(After::Score(score, id)) => {
            sql.push(" WHERE (x.score, x.id) < (")
                .bind(Bind::Float(*score))
                .push(", ")
                .int(*id)
                .push(")");
        }
        Some(After::Followers(n, id)) => {
            sql.push(" WHERE (x.followers_count, x.id) < (")
                .int(*n)
                .push(", ")
                .int(*id)
                .push(")");
        }
        Some(After::Recent(at, id)) => {
            sql.push(" WHERE (x.created_at, x.id) < (")
                .bind(Bind::Time(*at))
                .push(", ")
                .int(*id)
                .push(")");
        }
        Some(After::Name(name, id)) => {
            sql.push(" WHERE (x.sort_name, x.id) > (")
                .text(name.clone())
                .push(", ")
                .int(*id)
                .push(")");
        }
    }
    sql.push(match sort {
        Sort::Relevance => " ORDER BY x.score DESC, x.id DESC",
        Sort::Followers => " ORDER BY x.followers_count DESC, x.id DESC",
        Sort::Recent => " ORDER BY x.created_at DESC, x.id DESC",
        Sort::Name => " ORDER BY x.sort_name ASC, x.id ASC",
    });
    sql.push(" LIMIT ").int(limit + 1);
    sql
}

#[derive(QueryableByName)]
struct IdRow {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

/// Organisations most often followed by the followers of `organisation_id` (among its
/// latest 500 public followers, so the cost is bounded), the most shared first.
pub fn co_followed(
    conn: &mut DbConnection,
    organisation_id: i64,
    limit: i64,
) -> QueryResult<Vec<i64>> {
    let mut sql = Sql::for_connection(conn);
    // Only public follows: what someone follows privately must not show through anything
    // others can see (related organisations, suggestions).
    sql.push(
        "SELECT f2.organisation_id AS id FROM (SELECT f.user_id FROM organisation_follows f \
         JOIN users u ON u.id = f.user_id AND u.follows_public \
         WHERE f.organisation_id = ",
    )
    .int(organisation_id)
    .push(
        " ORDER BY f.created_at DESC LIMIT 500) f1 \
         JOIN organisation_follows f2 ON f2.user_id = f1.user_id \
         WHERE f2.organisation_id <> ",
    )
    .int(organisation_id)
    .push(" GROUP BY f2.organisation_id ORDER BY COUNT(*) DESC, f2.organisation_id LIMIT ")
    .int(limit);
    Ok(sql.load::<IdRow>(conn)?.into_iter().map(|r| r.id).collect())
}

/// Organisations sharing causes with `organisation_id`, the most shared and then the most
/// followed first.
pub fn sharing_causes(
    conn: &mut DbConnection,
    organisation_id: i64,
    limit: i64,
) -> QueryResult<Vec<i64>> {
    let mut sql = Sql::for_connection(conn);
    sql.push(
        "SELECT o.id AS id FROM organisation_causes mine \
         JOIN organisation_causes theirs ON theirs.cause_id = mine.cause_id \
         JOIN organisations o ON o.id = theirs.organisation_id \
         WHERE mine.organisation_id = ",
    )
    .int(organisation_id)
    .push(" AND theirs.organisation_id <> ")
    .int(organisation_id)
    .push(
        " GROUP BY o.id, o.followers_count \
         ORDER BY COUNT(*) DESC, o.followers_count DESC, o.id LIMIT ",
    )
    .int(limit);
    Ok(sql.load::<IdRow>(conn)?.into_iter().map(|r| r.id).collect())
}

/// How many related organisations at most.
pub const RELATED_MAX: i64 = 12;

/// Organisations related to organisation `id`: the most often followed by the same people
/// (public follows only), then those sharing its causes.
pub fn related(conn: &mut DbConnection, id: i64, lang: &str) -> QueryResult<Vec<Card>> {
    let mut ids = co_followed(conn, id, RELATED_MAX)?;
    if ids.len() < RELATED_MAX as usize {
        for other in sharing_causes(conn, id, RELATED_MAX * 2)? {
            if ids.len() < RELATED_MAX as usize && !ids.contains(&other) {
                ids.push(other);
            }
        }
    }
    let filters = Filters {
        ids: Some(ids.clone()),
        ..Filters::default()
    };
    let mut cards = search(conn, &filters, Sort::Recent, None, lang, RELATED_MAX)?;
    cards.sort_by_key(|c| ids.iter().position(|id| *id == c.id));
    Ok(cards)
}

/// How many suggestions at most.
pub const SUGGESTIONS: usize = 20;

/// Organisations `user_id` might follow, best first: those most often followed together
/// with the ones they follow, then the most followed in the causes they follow, then the
/// most followed of all, never one they follow already. Public follows only count.
pub fn suggestions(conn: &mut DbConnection, user_id: i64, lang: &str) -> QueryResult<Vec<Card>> {
    let followed = super::follows::followed_ids(conn, user_id)?;
    let mut chosen: Vec<i64> = Vec::new();
    let add = |ids: Vec<i64>, chosen: &mut Vec<i64>| {
        for id in ids {
            if chosen.len() < SUGGESTIONS && !followed.contains(&id) && !chosen.contains(&id) {
                chosen.push(id);
            }
        }
    };
    // Co-followed: votes from the ten organisations followed last.
    let mut votes: Vec<(i64, usize)> = Vec::new();
    for &organisation in followed.iter().take(10) {
        for (rank, other) in co_followed(conn, organisation, 20)?.into_iter().enumerate() {
            match votes.iter_mut().find(|(id, _)| *id == other) {
                Some((_, score)) => *score += 20 - rank,
                None => votes.push((other, 20 - rank)),
            }
        }
    }
    votes.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    add(votes.into_iter().map(|(id, _)| id).collect(), &mut chosen);
    let causes = super::causes::followed_ids(conn, user_id)?;
    let mut exclude = followed.clone();
    exclude.extend(&chosen);
    let wanted = (SUGGESTIONS.saturating_sub(chosen.len())) as i64;
    if !causes.is_empty() && wanted > 0 {
        let filters = Filters {
            cause_ids: Some(causes),
            exclude: exclude.clone(),
            ..Filters::default()
        };
        let found = search(conn, &filters, Sort::Followers, None, lang, wanted)?;
        add(found.into_iter().map(|c| c.id).collect(), &mut chosen);
    }
    let wanted = (SUGGESTIONS.saturating_sub(chosen.len())) as i64;
    if wanted > 0 {
        let mut exclude = followed.clone();
        exclude.extend(&chosen);
        let filters = Filters {
            exclude,
            ..Filters::default()
        };
        let found = search(conn, &filters, Sort::Followers, None, lang, wanted)?;
        add(found.into_iter().map(|c| c.id).collect(), &mut chosen);
    }
    let filters = Filters {
        ids: Some(chosen.clone()),
        ..Filters::default()
    };
    let mut cards = search(conn, &filters, Sort::Recent, None, lang, SUGGESTIONS as i64)?;
    cards.sort_by_key(|c| chosen.iter().position(|id| *id == c.id));
    cards.truncate(SUGGESTIONS);
    Ok(cards)
}
