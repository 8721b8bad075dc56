//! Migrations, one folder per backend (`migrations/postgres`, `migrations/sqlite`), embedded
//! in the binary and applied at start.

use anyhow::anyhow;
use diesel::connection::SimpleConnection;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use super::DbConnection;

const POSTGRES: EmbeddedMigrations = embed_migrations!("../migrations/postgres");
const SQLITE: EmbeddedMigrations = embed_migrations!("../migrations/sqlite");

/// Any constant: several servers starting at once on one PostgreSQL take turns migrating.
const PG_MIGRATION_LOCK: i64 = 0x456e_7365_6d62;

/// Applies pending migrations; returns the versions applied.
pub fn run(conn: &mut DbConnection) -> anyhow::Result<Vec<String>> {
    let applied = match conn {
        DbConnection::Pg(pg) => {
            pg.batch_execute(&format!("SELECT pg_advisory_lock({PG_MIGRATION_LOCK})"))?;
            let result = pg
                .run_pending_migrations(POSTGRES)
                .map(|versions| versions.iter().map(ToString::to_string).collect())
                .map_err(|e| anyhow!("PostgreSQL migration failed: {e}"));
            pg.batch_execute(&format!("SELECT pg_advisory_unlock({PG_MIGRATION_LOCK})"))?;
            result?
        }
        DbConnection::Sqlite(lite) => {
            // WAL lets readers work while one connection writes; it is stored in the file.
            lite.batch_execute("PRAGMA journal_mode = WAL;")?;
            lite.run_pending_migrations(SQLITE)
                .map(|versions| versions.iter().map(ToString::to_string).collect())
                .map_err(|e| anyhow!("SQLite migration failed: {e}"))?
        }
    };
    for version in &applied {
        tracing::info!(%version, "applied migration");
    }
    Ok(applied)
}
