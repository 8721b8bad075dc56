//! `ensemble seed bulk`: a large, realistic, deterministic dataset for benchmarks, made by
//! the database itself (`generate_series` on PostgreSQL, a recursive CTE on SQLite) in a
//! few statements, so a million users take seconds, not an afternoon of round trips.
//!
//! At scale 1: 1M users, 100k organisations, 10M follows (power-law popularity: the k-th
//! organisation is followed about 1/√k as often as the first), 10M updates over two years
//! (more from the popular ones), 1M comments. "Random" choices are a multiplicative hash of
//! the row number in integer arithmetic, identical on both backends and at every run. Ids
//! are assumed to start at 1 (an empty database).

use std::time::Instant;

use diesel::connection::SimpleConnection;

use super::DbConnection;

/// Sizes at `scale`.
#[derive(Debug, Clone, Copy)]
pub struct Sizes {
    pub users: i64,
    pub organisations: i64,
    pub follows: i64,
    pub updates: i64,
    pub comments: i64,
}

impl Sizes {
    pub fn at(scale: f64) -> Self {
        let n = |full: f64| ((full * scale).round() as i64).max(1);
        Self {
            users: n(1_000_000.0),
            organisations: n(100_000.0),
            follows: n(10_000_000.0),
            updates: n(10_000_000.0),
            comments: n(1_000_000.0),
        }
    }
}

/// A pseudo-random whole number in [0, 2^32) from the row number `i` (and a salt):
/// Knuth's multiplicative hash, in integer arithmetic, the same on both databases.
fn hash(i: &str, salt: u32) -> String {
    format!("((({i} + {salt}) * 2654435761) % 4294967296)")
}

/// The rows 1..=n, as a FROM clause naming the number `i`.
fn series(postgres: bool, n: i64) -> String {
    if postgres {
        format!("generate_series(1, {n}) AS g(i)")
    } else {
        format!(
            "(WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < {n}) SELECT i FROM g) AS g"
        )
    }
}

/// Loads the dataset into a database without users; prints each step with its time.
pub fn load(conn: &mut DbConnection, scale: f64, seed: u32) -> anyhow::Result<Sizes> {
    let existing: i64 = {
        use diesel::prelude::*;
        super::schema::users::table.count().get_result(conn)?
    };
    if existing > 0 {
        anyhow::bail!("the database already has users: seed bulk needs an empty one");
    }
    let postgres = matches!(conn, DbConnection::Pg(_));
    let sizes = Sizes::at(scale);
    let now = "(now() AT TIME ZONE 'utc')";
    // Two years back, in seconds, from the row's hash.
    let ago = |i: &str, salt: u32| {
        let seconds = format!("({} % 63072000)", hash(i, salt));
        if postgres {
            format!("({now} - make_interval(secs => {seconds}))")
        } else {
            // Microseconds written out, as every stored time is (times compare as text).
            format!(
                "strftime('%Y-%m-%d %H:%M:%S', 'now', '-' || {seconds} || ' seconds') || '.' || printf('%06d', ({i} * 7919) % 1000000)"
            )
        }
    };
    let (users, organisations, follows, updates, comments) = (
        sizes.users,
        sizes.organisations,
        sizes.follows,
        sizes.updates,
        sizes.comments,
    );
    // An organisation by popularity: 1 + floor(n * u^2), u uniform in [0, 1) (a power
    // law), in integers: u = h / 2^16 with h < 2^16.
    let popular = |i: &str, salt: u32| {
        let h = format!("({} / 65536)", hash(i, salt));
        format!("(1 + ({organisations} * {h} * {h}) / 4294967296)")
    };
    // Who follows: another multiplier than the organisation's, so the pairs do not repeat.
    let follower = format!("(((i + {}) * 2246822519) % 4294967296)", seed + 8);
    let steps: Vec<(&str, String)> = vec![
        (
            "users",
            format!(
                "INSERT INTO users (email, email_key, email_verified, display_name, locale, follows_public, is_admin, created_at, updated_at) \
                 SELECT 'user' || i || '@bulk.invalid', 'user' || i || '@bulk.invalid', TRUE, 'Supporter ' || i, 'en', TRUE, FALSE, {ago}, {ago} FROM {series}",
                ago = ago("i", seed),
                series = series(postgres, users)
            ),
        ),
        (
            "organisations",
            format!(
                "INSERT INTO organisations (slug, name, mission, description, text_language, country, created_at, updated_at, sort_name, search_text, verification_status) \
                 SELECT 'bulk-org-' || i, 'Bulk Organisation ' || i, 'Clean water, schools and health for community ' || i || '.', \
                 'We work with volunteers on water, education and health.', 'en', 'FR', {ago}, {ago}, 'bulk organisation ' || i, \
                 'community ' || i || ' water education health volunteers', CASE WHEN i % 3 = 0 THEN 'verified' ELSE 'unverified' END FROM {series}",
                ago = ago("i", seed + 1),
                series = series(postgres, organisations)
            ),
        ),
        (
            "causes of organisations",
            "INSERT INTO organisation_causes (organisation_id, cause_id) \
             SELECT o.id, c.id FROM organisations o JOIN \
             (SELECT id, ROW_NUMBER() OVER (ORDER BY position) - 1 AS n FROM causes) c \
             ON c.n = o.id % (SELECT COUNT(*) FROM causes)"
                .to_owned(),
        ),
        (
            "follows",
            format!(
                "INSERT INTO organisation_follows (user_id, organisation_id, created_at) \
                 SELECT 1 + ({follower} / 7) % {users}, {org}, {ago} FROM {series} WHERE 1 = 1 ON CONFLICT DO NOTHING",
                follower = follower,
                org = popular("i", seed + 2),
                ago = ago("i", seed + 3),
                series = series(postgres, follows)
            ),
        ),
        (
            "followers counts",
            "UPDATE organisations SET followers_count = \
             (SELECT COUNT(*) FROM organisation_follows f WHERE f.organisation_id = organisations.id)"
                .to_owned(),
        ),
        (
            "updates",
            format!(
                "INSERT INTO updates (organisation_id, title, body, language, created_at) \
                 SELECT {org}, 'News ' || i, 'This month we **dug a well** and opened a class (update ' || i || ').', 'en', {ago} FROM {series}",
                org = popular("i", seed + 4),
                ago = ago("i", seed + 5),
                series = series(postgres, updates)
            ),
        ),
        (
            "comments",
            format!(
                "INSERT INTO comments (update_id, author_id, body, created_at) \
                 SELECT 1 + ({h} % {updates}), 1 + (i % {users}), 'Well done! (' || i || ')', {ago} FROM {series}",
                h = hash("i", seed + 6),
                ago = ago("i", seed + 7),
                series = series(postgres, comments)
            ),
        ),
        (
            "comments counts",
            "UPDATE updates SET comments_count = \
             (SELECT COUNT(*) FROM comments c WHERE c.update_id = updates.id) \
             WHERE id IN (SELECT DISTINCT update_id FROM comments)"
                .to_owned(),
        ),
    ];
    let total = steps.len() + 1;
    for (n, (name, sql)) in steps.into_iter().enumerate() {
        let started = Instant::now();
        eprint!("[{}/{total}] {name}…", n + 1);
        conn.batch_execute(&sql)?;
        eprintln!(" {:.1} s", started.elapsed().as_secs_f64());
    }
    let started = Instant::now();
    eprint!("[{total}/{total}] search indexes and statistics…");
    if postgres {
        conn.batch_execute("ANALYZE")?;
    } else {
        conn.batch_execute(
            "INSERT INTO organisation_search (rowid, name, body) SELECT id, name, mission || ' ' || search_text FROM organisations; \
             INSERT INTO organisation_search_trigram (rowid, name, body) SELECT id, name, mission || ' ' || search_text FROM organisations; \
             ANALYZE;",
        )?;
    }
    eprintln!(" {:.1} s", started.elapsed().as_secs_f64());
    Ok(sizes)
}
