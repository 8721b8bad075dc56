//! Storage: one diesel schema for both backends, chosen at run time from the database URL.
//! Query functions take `&mut DbConnection` and are synchronous; handlers reach them through
//! [`Db::run`], which moves the work off the async workers. SQL that must differ between
//! PostgreSQL and SQLite is forked inside one function, on the connection's variant.

pub mod accounts;
pub mod blocks;
pub mod bulk;
pub mod causes;
pub mod comments;
pub mod demo;
pub mod digests;
pub mod donations;
pub mod email_tokens;
pub mod error;
pub mod export;
pub mod follows;
pub mod jobs;
pub mod mail_preferences;
pub mod migrations;
pub mod moderation;
pub mod notifications;
pub mod oauth;
pub mod organisations;
pub mod schema;
pub mod search;
pub mod sessions;
pub mod sql;
pub mod teams;
pub mod types;
pub mod updates;
pub mod uploads;
pub mod users;
pub mod verification;

use std::path::PathBuf;
use std::time::Duration;

use actix_web::web;
use anyhow::{Context, bail};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2;

pub use error::{StoreError, Unique};

/// A connection to either backend. PostgreSQL is listed first: diesel tries the variants in
/// order, and SQLite would accept almost any URL as a file name. (We connect through
/// [`Manager`], which picks the variant from the URL scheme, so this order is only a guard.)
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Pg(diesel::PgConnection),
    Sqlite(diesel::SqliteConnection),
}

/// Now, at the precision both backends store (microseconds). Every stored time goes
/// through [`stored_time`]: SQLite keeps times as text, so a nanosecond that PostgreSQL
/// would drop makes keyset comparisons against a cursor miss rows.
pub fn now() -> chrono::NaiveDateTime {
    stored_time(chrono::Utc::now().naive_utc())
}

/// `t` truncated to microseconds.
pub fn stored_time(t: chrono::NaiveDateTime) -> chrono::NaiveDateTime {
    use chrono::SubsecRound;
    t.trunc_subsecs(6)
}

/// Runs `work` in a transaction that takes the write lock up front on SQLite
/// (`BEGIN IMMEDIATE`): a deferred transaction that reads, then writes, fails with
/// SQLITE_BUSY when another connection wrote in between, whatever the busy timeout.
/// `work` must not open transactions of its own.
pub fn write_transaction<T, E>(
    conn: &mut DbConnection,
    work: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    match conn {
        DbConnection::Pg(_) => conn.transaction(work),
        DbConnection::Sqlite(_) => {
            conn.batch_execute("BEGIN IMMEDIATE")?;
            match work(conn) {
                Ok(value) => match conn.batch_execute("COMMIT") {
                    Ok(()) => Ok(value),
                    Err(e) => {
                        let _ = conn.batch_execute("ROLLBACK");
                        Err(e.into())
                    }
                },
                Err(e) => {
                    let _ = conn.batch_execute("ROLLBACK");
                    Err(e)
                }
            }
        }
    }
}

/// The tables whose rows a transaction may lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockTable {
    Comments,
    Donations,
    Organisations,
    Users,
}

/// Locks one row until the transaction ends, so that what the transaction reads of it
/// and then writes cannot change in between: `SELECT … FOR UPDATE` on PostgreSQL. SQLite
/// needs nothing: its write transactions ([`write_transaction`]) already run one at a time.
pub fn lock_row(conn: &mut DbConnection, table: LockTable, id: i64) -> QueryResult<()> {
    #[derive(diesel::QueryableByName)]
    struct Locked {
        #[allow(dead_code)]
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        id: i64,
    }
    if let DbConnection::Sqlite(_) = conn {
        return Ok(());
    }
    let table = match table {
        LockTable::Comments => "comments",
        LockTable::Donations => "donations",
        LockTable::Organisations => "organisations",
        LockTable::Users => "users",
    };
    let mut sql = sql::Sql::for_connection(conn);
    sql.push(&format!("SELECT id FROM {table} WHERE id = "))
        .int(id)
        .push(" FOR UPDATE");
    sql.load::<Locked>(conn).map(drop)
}

/// Which database, parsed from `DATABASE_URL`.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Postgres(String),
    Sqlite(PathBuf),
}

impl DatabaseUrl {
    pub fn parse(url: &str) -> anyhow::Result<Self> {
        let url = url.trim();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Self::Postgres(url.to_owned()));
        }
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .unwrap_or(url);
        if path.is_empty() || path.contains("://") {
            bail!("DATABASE_URL must be postgres://… or a SQLite file (sqlite://path or a path)");
        }
        Ok(Self::Sqlite(PathBuf::from(path)))
    }
}

/// Shows the URL without its password, so it can be logged.
impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Postgres(url) => match url::Url::parse(url) {
                Ok(mut parsed) => {
                    if parsed.password().is_some() {
                        let _ = parsed.set_password(Some("***"));
                    }
                    write!(f, "{parsed}")
                }
                Err(_) => f.write_str("postgres://(unparsable)"),
            },
            Self::Sqlite(path) => write!(f, "sqlite://{}", path.display()),
        }
    }
}

/// Opens connections of the variant the URL names, and prepares SQLite ones.
#[derive(Debug)]
pub struct Manager {
    url: DatabaseUrl,
}

impl r2d2::ManageConnection for Manager {
    type Connection = DbConnection;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConnection, r2d2::Error> {
        match &self.url {
            DatabaseUrl::Postgres(url) => diesel::PgConnection::establish(url)
                .map(DbConnection::Pg)
                .map_err(r2d2::Error::ConnectionError),
            DatabaseUrl::Sqlite(path) => {
                let mut conn = diesel::SqliteConnection::establish(&path.to_string_lossy())
                    .map_err(r2d2::Error::ConnectionError)?;
                // Per connection: enforce foreign keys, wait for the writer instead of failing
                // with SQLITE_BUSY, fsync at checkpoints only (safe with WAL), and read the
                // file through a shared memory map (every connection of the pool sees the
                // same pages, instead of each keeping its own small cache).
                conn.batch_execute(
                    "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; \
                     PRAGMA synchronous = NORMAL; PRAGMA mmap_size = 1073741824; \
                     PRAGMA cache_size = -8192; PRAGMA temp_store = MEMORY;",
                )
                .map_err(r2d2::Error::QueryError)?;
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), r2d2::Error> {
        conn.batch_execute("SELECT 1")
            .map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, _conn: &mut DbConnection) -> bool {
        false
    }
}

pub type Pool = r2d2::Pool<Manager>;

/// The database handle the application shares: a pool and the backend it talks to.
#[derive(Clone)]
pub struct Db {
    pool: Pool,
}

/// Connections in use and idle, for `/metrics`.
#[derive(Debug, Clone, Copy)]
pub struct PoolUsage {
    pub in_use: u32,
    pub idle: u32,
    pub max: u32,
}

impl Db {
    /// Opens the pool (creating the SQLite file and its folder if needed), checks that the
    /// database answers, and applies pending migrations.
    pub fn connect(url: &DatabaseUrl, max_size: u32) -> anyhow::Result<Self> {
        if let DatabaseUrl::Sqlite(path) = url
            && let Some(parent) = path.parent()
            && !parent.as_os_str().is_empty()
        {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating {}", parent.display()))?;
        }
        let pool = r2d2::Pool::builder()
            .max_size(max_size.max(1))
            .min_idle(Some(1))
            .connection_timeout(Duration::from_secs(5))
            .build(Manager { url: url.clone() })
            .with_context(|| format!("connecting to the database {url:?}"))?;
        let db = Self { pool };
        let mut conn = db.pool.get()?;
        migrations::run(&mut conn)?;
        causes::sync_taxonomy(&mut conn)?;
        Ok(db)
    }

    /// Runs blocking database work on the blocking thread pool, in the caller's span.
    /// A pool that cannot hand out a connection in time is [`StoreError::Unavailable`].
    pub async fn run<T, F>(&self, work: F) -> Result<T, StoreError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, StoreError> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        let span = tracing::Span::current();
        web::block(move || {
            let _entered = span.enter();
            let mut conn = pool.get().map_err(|e| {
                tracing::error!(error = %e, "no database connection available");
                StoreError::Unavailable
            })?;
            work(&mut conn)
        })
        .await
        .map_err(|e| StoreError::Internal(anyhow::anyhow!("database task failed: {e}")))?
    }

    /// Whether the database answers (readiness).
    pub async fn ping(&self) -> Result<(), StoreError> {
        self.run(|conn| {
            conn.batch_execute("SELECT 1").map_err(|e| {
                tracing::warn!(error = %e, "the database does not answer");
                StoreError::Unavailable
            })
        })
        .await
    }

    /// A connection for command-line tools (no async runtime involved).
    pub fn get(&self) -> anyhow::Result<r2d2::PooledConnection<Manager>> {
        Ok(self.pool.get()?)
    }

    pub fn usage(&self) -> PoolUsage {
        let state = self.pool.state();
        PoolUsage {
            in_use: state.connections.saturating_sub(state.idle_connections),
            idle: state.idle_connections,
            max: self.pool.max_size(),
        }
    }
}
