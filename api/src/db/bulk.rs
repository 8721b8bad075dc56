//! `ensemble seed bulk`: a large, realistic, deterministic dataset for benchmarks, made by
//! the database itself (`generate_series` on PostgreSQL, a recursive CTE on SQLite) in a
//! few statements, so a million users take seconds, not an afternoon of round trips.
//!
//! At scale 1: 1M users, 100k organisations, 10M follows (power-law popularity: the k-th
//! organisation is followed about 1/√k as often as the first), 10M updates over two years
//! (more from the popular ones), 1M comments, 500k donations to verified organisations
//! (popular ones again) with their payments. "Random" choices are a multiplicative hash of
//! the row number in integer arithmetic, identical on both backends and at every run. Ids
//! are assumed to start at 1 (an empty database).
//!
//! The one place where values are written into SQL text rather than bound: the sizes,
//! salts and constants of the generating expressions, all integers computed here (never
//! text from outside), since each statement is built once and its expressions nest them.

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
    pub donations: i64,
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
            donations: n(500_000.0),
        }
    }
}

/// A pseudo-random whole number in [0, 2^32) from the row number `i` (and a salt):
/// Knuth's multiplicative hash, in integer arithmetic, the same on both databases.
fn hash(i: &str, salt: u32) -> String {
    format!("((({i} + {salt}) * 2654435761) % 4294967296)")
}

/// The rows from..=to, as a FROM clause naming the number `i`.
fn series(postgres: bool, from: i64, to: i64) -> String {
    if postgres {
        format!("generate_series({from}, {to}) AS g(i)")
    } else {
        format!(
            "(WITH RECURSIVE g(i) AS (SELECT {from} UNION ALL SELECT i + 1 FROM g WHERE i < {to}) SELECT i FROM g) AS g"
        )
    }
}

/// Rows made per statement (and transaction): big enough to keep the database busy,
/// small enough to show progress.
const CHUNK: i64 = 250_000;

/// One step: a statement, or one run per chunk of `rows` rows (`{series}` in `sql` stands
/// for the chunk's rows). A row's values depend only on its number, so the chunks make the
/// same data as one statement would.
struct Step {
    name: &'static str,
    sql: String,
    rows: Option<i64>,
}

fn step(name: &'static str, sql: String) -> Step {
    Step {
        name,
        sql,
        rows: None,
    }
}

fn rows(name: &'static str, rows: i64, sql: String) -> Step {
    Step {
        name,
        sql,
        rows: Some(rows),
    }
}

/// `[3/11] follows [#######.............]  35%  12.0 s`, redrawn in place on a terminal,
/// or one line at the end of the step when the output is a file.
fn progress(label: &str, done: i64, total: i64, seconds: f64, finished: bool) {
    use std::io::{IsTerminal, Write};
    let terminal = std::io::stderr().is_terminal();
    if !terminal && !finished {
        return;
    }
    const WIDTH: i64 = 24;
    let filled = if total == 0 {
        WIDTH
    } else {
        (done * WIDTH / total).clamp(0, WIDTH)
    };
    let bar = format!(
        "{}{}",
        "#".repeat(filled as usize),
        ".".repeat((WIDTH - filled) as usize)
    );
    let percent = if total == 0 { 100 } else { done * 100 / total };
    let mut err = std::io::stderr().lock();
    let _ = write!(
        err,
        "\r{label} [{bar}] {percent:>3}%  {seconds:.1} s{}",
        if finished { "\n" } else { "" }
    );
    let _ = err.flush();
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
    let (users, organisations, follows, updates, comments, donations) = (
        sizes.users,
        sizes.organisations,
        sizes.follows,
        sizes.updates,
        sizes.comments,
        sizes.donations,
    );
    // An organisation by popularity: 1 + floor(n * u^2), u uniform in [0, 1) (a power
    // law), in integers: u = h / 2^16 with h < 2^16.
    let popular = |i: &str, salt: u32| {
        let h = format!("({} / 65536)", hash(i, salt));
        format!("(1 + ({organisations} * {h} * {h}) / 4294967296)")
    };
    // Who follows: another multiplier than the organisation's, so the pairs do not repeat.
    let follower = format!("(((i + {}) * 2246822519) % 4294967296)", seed + 8);
    let mut steps: Vec<Step> = vec![
        rows(
            "users",
            users,
            format!(
                "INSERT INTO users (email, email_key, email_verified, display_name, locale, follows_public, is_admin, created_at, updated_at) \
                 SELECT 'user' || i || '@bulk.invalid', 'user' || i || '@bulk.invalid', TRUE, 'Supporter ' || i, 'en', TRUE, FALSE, {ago}, {ago} FROM {{series}}",
                ago = ago("i", seed),
            ),
        ),
        rows(
            "organisations",
            organisations,
            format!(
                "INSERT INTO organisations (slug, name, mission, description, text_language, country, created_at, updated_at, sort_name, search_text, verification_status) \
                 SELECT 'bulk-org-' || i, 'Bulk Organisation ' || i, 'Clean water, schools and health for community ' || i || '.', \
                 'We work with volunteers on water, education and health.', 'en', 'FR', {ago}, {ago}, 'bulk organisation ' || i, \
                 'community ' || i || ' water education health volunteers', CASE WHEN i % 3 = 0 THEN 'verified' ELSE 'unverified' END FROM {{series}}",
                ago = ago("i", seed + 1),
            ),
        ),
        step(
            "causes of organisations",
            "INSERT INTO organisation_causes (organisation_id, cause_id) \
             SELECT o.id, c.id FROM organisations o JOIN \
             (SELECT id, ROW_NUMBER() OVER (ORDER BY position) - 1 AS n FROM causes) c \
             ON c.n = o.id % (SELECT COUNT(*) FROM causes)"
                .to_owned(),
        ),
        rows(
            "follows",
            follows,
            format!(
                "INSERT INTO organisation_follows (user_id, organisation_id, created_at) \
                 SELECT 1 + ({follower} / 7) % {users}, {org}, {ago} FROM {{series}} WHERE 1 = 1 ORDER BY 1, 2 ON CONFLICT DO NOTHING",
                follower = follower,
                org = popular("i", seed + 2),
                ago = ago("i", seed + 3),
            ),
        ),
        step(
            "followers counts",
            "UPDATE organisations SET followers_count = c.n FROM \
             (SELECT organisation_id, COUNT(*) AS n FROM organisation_follows GROUP BY organisation_id) AS c \
             WHERE organisations.id = c.organisation_id"
                .to_owned(),
        ),
        rows(
            "updates",
            updates,
            format!(
                "INSERT INTO updates (organisation_id, title, body, language, created_at) \
                 SELECT {org}, 'News ' || i, 'This month we **dug a well** and opened a class (update ' || i || ').', 'en', {ago} FROM {{series}}",
                org = popular("i", seed + 4),
                ago = ago("i", seed + 5),
            ),
        ),
        rows(
            "comments",
            comments,
            format!(
                "INSERT INTO comments (update_id, author_id, body, created_at) \
                 SELECT 1 + ({h} % {updates}), 1 + (i % {users}), 'Well done! (' || i || ')', {ago} FROM {{series}}",
                h = hash("i", seed + 6),
                ago = ago("i", seed + 7),
            ),
        ),
        step(
            "comments counts",
            "UPDATE updates SET comments_count = c.n FROM \
             (SELECT update_id, COUNT(*) AS n FROM comments GROUP BY update_id) AS c \
             WHERE updates.id = c.update_id"
                .to_owned(),
        ),
    ];
    // Donations go to verified organisations (every third), the popular ones first: 85%
    // paid once, 10% monthly and running, 5% expired at checkout.
    if organisations >= 3 {
        let verified = format!(
            "(3 * (1 + ({} - 1) % {}))",
            popular("i", seed + 9),
            organisations / 3
        );
        steps.push(rows(
            "donations",
            donations,
            format!(
                "INSERT INTO donations (organisation_id, donor_id, amount_minor, currency, recurring, anonymous, share_contact, message, status, provider, provider_checkout_id, provider_subscription_id, created_at, updated_at) \
                 SELECT {verified}, 1 + ({h} % {users}), 500 * (1 + {h} % 40), CASE WHEN i % 4 = 0 THEN 'USD' ELSE 'EUR' END, \
                 CASE WHEN i % 20 = 1 OR i % 20 = 11 THEN 'monthly' END, i % 5 = 0, i % 2 = 0, '', \
                 CASE WHEN i % 20 = 19 THEN 'expired' WHEN i % 20 = 1 OR i % 20 = 11 THEN 'active' ELSE 'succeeded' END, 'sandbox', 'bulk_cs_' || i, \
                 CASE WHEN i % 20 = 1 OR i % 20 = 11 THEN 'bulk_sub_' || i END, {ago}, {ago} FROM {{series}}",
                h = hash("i", seed + 10),
                ago = ago("i", seed + 11),
            ),
        ));
        steps.push(step(
            "donation payments",
            "INSERT INTO donation_payments (donation_id, provider_payment_id, amount_minor, currency, status, receipt_number, paid_at) \
             SELECT id, 'bulk_pi_' || id, amount_minor, currency, 'succeeded', 'BULK-' || id, created_at FROM donations \
             WHERE status IN ('succeeded', 'active')"
                .to_owned(),
        ));
    }
    let total = steps.len() + 1;
    for (n, step) in steps.into_iter().enumerate() {
        let started = Instant::now();
        let label = format!("[{}/{total}] {:<24}", n + 1, step.name);
        match step.rows {
            None => {
                progress(&label, 0, 1, 0.0, false);
                conn.batch_execute(&step.sql)?;
                progress(&label, 1, 1, started.elapsed().as_secs_f64(), true);
            }
            Some(rows) => {
                let mut from = 1;
                while from <= rows {
                    let to = (from + CHUNK - 1).min(rows);
                    conn.batch_execute(&step.sql.replace("{series}", &series(postgres, from, to)))?;
                    progress(
                        &label,
                        to,
                        rows,
                        started.elapsed().as_secs_f64(),
                        to == rows,
                    );
                    from = to + 1;
                }
            }
        }
    }
    let started = Instant::now();
    let label = format!("[{total}/{total}] {:<24}", "indexes, statistics");
    progress(&label, 0, 1, 0.0, false);
    if postgres {
        conn.batch_execute("ANALYZE")?;
    } else {
        conn.batch_execute(
            "INSERT INTO organisation_search (rowid, name, body) SELECT id, name, mission || ' ' || search_text FROM organisations; \
             INSERT INTO organisation_search_trigram (rowid, name, body) SELECT id, name, mission || ' ' || search_text FROM organisations; \
             ANALYZE;",
        )?;
    }
    progress(&label, 1, 1, started.elapsed().as_secs_f64(), true);
    Ok(sizes)
}
