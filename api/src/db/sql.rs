//! Hand-written SQL for the queries that must differ between the backends (search, feed):
//! the text is assembled with placeholders in the backend's style, and the values are
//! bound, never pasted into the text.

use diesel::backend::Backend;
use diesel::pg::Pg;
use diesel::query_builder::{BoxedSqlQuery, SqlQuery};
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
    pub text: String,
    binds: Vec<Bind>,
    postgres: bool,
}

impl Sql {
    pub fn for_connection(conn: &DbConnection) -> Self {
        Self {
            text: String::new(),
            binds: Vec::new(),
            postgres: matches!(conn, DbConnection::Pg(_)),
        }
    }

    pub fn is_postgres(&self) -> bool {
        self.postgres
    }

    pub fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Appends a placeholder for `value`.
    pub fn bind(&mut self, value: Bind) -> &mut Self {
        self.binds.push(value);
        if self.postgres {
            let n = self.binds.len();
            self.text.push_str(&format!("${n}"));
        } else {
            self.text.push('?');
        }
        self
    }

    pub fn text(&mut self, value: impl Into<String>) -> &mut Self {
        self.bind(Bind::Text(value.into()))
    }

    pub fn int(&mut self, value: i64) -> &mut Self {
        self.bind(Bind::Int(value))
    }

    /// Loads the rows on whichever backend `conn` is.
    pub fn load<T>(self, conn: &mut DbConnection) -> diesel::QueryResult<Vec<T>>
    where
        T: diesel::QueryableByName<Pg> + diesel::QueryableByName<Sqlite> + 'static,
    {
        use diesel::RunQueryDsl;
        match conn {
            DbConnection::Pg(pg) => boxed::<Pg>(self.text, self.binds).load(pg),
            DbConnection::Sqlite(lite) => boxed::<Sqlite>(self.text, self.binds).load(lite),
        }
    }
}

fn boxed<DB>(text: String, binds: Vec<Bind>) -> BoxedSqlQuery<'static, DB, SqlQuery>
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
    let mut query = diesel::sql_query(text).into_boxed::<DB>();
    for bind in binds {
        query = match bind {
            Bind::Text(v) => query.bind::<Text, _>(v),
            Bind::Int(v) => query.bind::<BigInt, _>(v),
            Bind::Float(v) => query.bind::<Double, _>(v),
            Bind::Time(v) => query.bind::<Timestamp, _>(v),
        };
    }
    query
}
