//! Hand-written SQL for the queries that must differ between the backends (search, the
//! feed, row locks, sums): the text is assembled with placeholders in the backend's style,
//! and the values are bound, never pasted into the text (only names of our own tables and
//! columns are).

use diesel::backend::Backend;
use diesel::pg::Pg;
use diesel::serialize::ToSql;
use diesel::sql_types::HasSqlType;
use diesel::sql_types::{BigInt, Double, Text, Timestamp};
use diesel::sqlite::Sqlite;

use super::DbConnection;

/// A value to bind.
#[derive(Debug, Clone)]
pub enum Bind {
    Text(String),
    Int(i64),
    Float(f64),
    Time(chrono::NaiveDateTime),
}

/// SQL text and its binds, for one backend.
#[derive(Debug)]
pub struct Sql {
    /// The text between placeholders: `parts.len() == binds.len() + 1`.
    parts: Vec<String>,
    binds: Vec<Bind>,
    postgres: bool,
    prepared: bool,
}

impl Sql {
    pub fn for_connection(conn: &DbConnection) -> Self {
        Self {
            parts: vec![String::new()],
            binds: Vec::new(),
            postgres: matches!(conn, DbConnection::Pg(_)),
            prepared: false,
        }
    }

    /// Run as a prepared statement kept by the connection (by its text), so that the
    /// database plans it once per connection instead of at every call. Only for queries
    /// whose text takes few shapes (values are bound, never written in): each text is one
    /// more statement held by every connection.
    pub fn prepared(&mut self) -> &mut Self {
        self.prepared = true;
        self
    }

    pub fn is_postgres(&self) -> bool {
        self.postgres
    }

    pub fn push(&mut self, text: &str) -> &mut Self {
        if let Some(last) = self.parts.last_mut() {
            last.push_str(text);
        }
        self
    }

    /// Appends a placeholder for `value`.
    pub fn bind(&mut self, value: Bind) -> &mut Self {
        self.binds.push(value);
        self.parts.push(String::new());
        self
    }

    /// The text with the backend's placeholders (`$1` or `?`), as the database sees it.
    pub fn sql_text(&self) -> String {
        let mut text = String::new();
        for (n, part) in self.parts.iter().enumerate() {
            text.push_str(part);
            if n + 1 < self.parts.len() {
                if self.postgres {
                    text.push_str(&format!("${}", n + 1));
                } else {
                    text.push('?');
                }
            }
        }
        text
    }

    pub fn text(&mut self, value: impl Into<String>) -> &mut Self {
        self.bind(Bind::Text(value.into()))
    }

    pub fn int(&mut self, value: i64) -> &mut Self {
        self.bind(Bind::Int(value))
    }

    /// `column` is one of `ids` (`negate`: is none of them), with the list bound as one
    /// value, so the text is the same whatever the ids and however many: a PostgreSQL
    /// array, or a JSON array SQLite reads with `json_each`.
    pub fn id_in(&mut self, column: &str, ids: &[i64], negate: bool) -> &mut Self {
        let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        if self.postgres {
            let not = if negate { "NOT " } else { "" };
            self.push(&format!("{not}({column} = ANY(CAST("))
                .text(format!("{{{list}}}"))
                .push(" AS BIGINT[])))")
        } else {
            let not = if negate { " NOT" } else { "" };
            self.push(&format!("{column}{not} IN (SELECT value FROM json_each("))
                .text(format!("[{list}]"))
                .push("))")
        }
    }

    /// The binds, in order (for `ensemble explain`).
    pub fn binds(&self) -> &[Bind] {
        &self.binds
    }

    /// The database's plan for this query, one line per row: `EXPLAIN (ANALYZE, BUFFERS)`
    /// on PostgreSQL (so the query runs), `EXPLAIN QUERY PLAN` on SQLite.
    pub fn explain(mut self, conn: &mut DbConnection) -> diesel::QueryResult<Vec<String>> {
        #[derive(diesel::QueryableByName)]
        struct PgLine {
            #[diesel(sql_type = Text, column_name = "QUERY PLAN")]
            line: String,
        }
        #[derive(diesel::QueryableByName)]
        struct SqliteLine {
            #[diesel(sql_type = BigInt)]
            id: i64,
            #[diesel(sql_type = BigInt)]
            parent: i64,
            #[diesel(sql_type = Text)]
            detail: String,
        }
        match conn {
            DbConnection::Pg(_) => {
                self.prepared = false;
                if let Some(first) = self.parts.first_mut() {
                    first.insert_str(0, "EXPLAIN (ANALYZE, BUFFERS) ");
                }
                let lines: Vec<PgLine> = self.load(conn)?;
                Ok(lines.into_iter().map(|l| l.line).collect())
            }
            DbConnection::Sqlite(_) => {
                self.prepared = false;
                if let Some(first) = self.parts.first_mut() {
                    first.insert_str(0, "EXPLAIN QUERY PLAN ");
                }
                let lines: Vec<SqliteLine> = self.load(conn)?;
                // Indent each step under its parent, as the sqlite3 shell does.
                let mut depth: Vec<(i64, usize)> = Vec::new();
                Ok(lines
                    .into_iter()
                    .map(|l| {
                        let level = depth
                            .iter()
                            .find(|(id, _)| *id == l.parent)
                            .map_or(0, |(_, d)| d + 1);
                        depth.push((l.id, level));
                        format!("{}{}", "  ".repeat(level), l.detail)
                    })
                    .collect())
            }
        }
    }

    /// Runs a statement that answers no rows; answers how many it changed.
    pub fn execute(self, conn: &mut DbConnection) -> diesel::QueryResult<usize> {
        use diesel::RunQueryDsl;
        let query = Prepared {
            parts: &self.parts,
            binds: &self.binds,
            cache: self.prepared,
        };
        match conn {
            DbConnection::Pg(pg) => query.execute(pg),
            DbConnection::Sqlite(lite) => query.execute(lite),
        }
    }

    /// Loads the rows on whichever backend `conn` is.
    pub fn load<T>(self, conn: &mut DbConnection) -> diesel::QueryResult<Vec<T>>
    where
        T: diesel::QueryableByName<Pg> + diesel::QueryableByName<Sqlite> + 'static,
    {
        use diesel::RunQueryDsl;
        let query = Prepared {
            parts: &self.parts,
            binds: &self.binds,
            cache: self.prepared,
        };
        match conn {
            DbConnection::Pg(pg) => query.load(pg),
            DbConnection::Sqlite(lite) => query.load(lite),
        }
    }
}

/// The query as diesel runs it. With `cache`, it does not mark itself unsafe to cache (as
/// `sql_query` does), so the connection's statement cache keeps it prepared, by its text.
struct Prepared<'a> {
    parts: &'a [String],
    binds: &'a [Bind],
    cache: bool,
}

impl<DB> diesel::query_builder::QueryFragment<DB> for Prepared<'_>
where
    DB: Backend
        + HasSqlType<Text>
        + HasSqlType<BigInt>
        + HasSqlType<Double>
        + HasSqlType<Timestamp>,
    String: ToSql<Text, DB>,
    i64: ToSql<BigInt, DB>,
    f64: ToSql<Double, DB>,
    chrono::NaiveDateTime: ToSql<Timestamp, DB>,
{
    fn walk_ast<'b>(
        &'b self,
        mut out: diesel::query_builder::AstPass<'_, 'b, DB>,
    ) -> diesel::QueryResult<()> {
        if !self.cache {
            out.unsafe_to_cache_prepared();
        }
        for (n, part) in self.parts.iter().enumerate() {
            out.push_sql(part);
            match self.binds.get(n) {
                None => {}
                Some(Bind::Text(v)) => out.push_bind_param::<Text, _>(v)?,
                Some(Bind::Int(v)) => out.push_bind_param::<BigInt, _>(v)?,
                Some(Bind::Float(v)) => out.push_bind_param::<Double, _>(v)?,
                Some(Bind::Time(v)) => out.push_bind_param::<Timestamp, _>(v)?,
            }
        }
        Ok(())
    }
}

impl diesel::query_builder::QueryId for Prepared<'_> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl diesel::query_builder::Query for Prepared<'_> {
    type SqlType = diesel::sql_types::Untyped;
}

impl<Conn> diesel::RunQueryDsl<Conn> for Prepared<'_> {}
