//! The domain's text enums as diesel column types: each is written as its stored name and
//! read back only if it is one of them (an unknown stored value is a deserialization
//! error, hence a 500 with its cause logged, never a plausible default).

use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql, Queryable};
use diesel::expression::AsExpression;
use diesel::internal::derives::as_expression::Bound;
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::{Nullable, Text};

use super::MultiBackend;

macro_rules! text_column {
    ($($ty:ty),+ $(,)?) => {$(
        text_column!(@backend $ty, MultiBackend);
        text_column!(@backend $ty, diesel::pg::Pg);
        text_column!(@backend $ty, diesel::sqlite::Sqlite);

        impl AsExpression<Text> for $ty {
            type Expression = Bound<Text, Self>;
            fn as_expression(self) -> Self::Expression {
                Bound::new(self)
            }
        }

        impl AsExpression<Nullable<Text>> for $ty {
            type Expression = Bound<Nullable<Text>, Self>;
            fn as_expression(self) -> Self::Expression {
                Bound::new(self)
            }
        }

        impl<'a> AsExpression<Text> for &'a $ty {
            type Expression = Bound<Text, Self>;
            fn as_expression(self) -> Self::Expression {
                Bound::new(self)
            }
        }

        impl<'a> AsExpression<Nullable<Text>> for &'a $ty {
            type Expression = Bound<Nullable<Text>, Self>;
            fn as_expression(self) -> Self::Expression {
                Bound::new(self)
            }
        }
    )+};
    // Each backend: the multi-connection's own, and the two it wraps (arrays of values,
    // `IN (…)`, are bound by the wrapped connection).
    (@backend $ty:ty, $db:ty) => {
        impl FromSql<Text, $db> for $ty {
            fn from_sql(bytes: <$db as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
                let stored = <String as FromSql<Text, $db>>::from_sql(bytes)?;
                <$ty>::parse(&stored).ok_or_else(|| {
                    format!("unknown {} {stored:?} in the database", stringify!($ty)).into()
                })
            }
        }

        impl ToSql<Text, $db> for $ty {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, $db>) -> serialize::Result {
                <str as ToSql<Text, $db>>::to_sql(self.as_str(), out)
            }
        }

        impl ToSql<Nullable<Text>, $db> for $ty {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, $db>) -> serialize::Result {
                <Self as ToSql<Text, $db>>::to_sql(self, out)
            }
        }

        impl Queryable<Text, $db> for $ty {
            type Row = Self;
            fn build(row: Self) -> deserialize::Result<Self> {
                Ok(row)
            }
        }
    };
}

text_column!(
    crate::domain::donations::Status,
    crate::domain::donations::PaymentStatus,
    crate::domain::donations::Recurrence,
    crate::domain::donations::Provider,
    crate::domain::donations::EventOutcome,
    crate::domain::verification::Status,
    crate::domain::organisations::Role,
    crate::domain::organisations::InvitationStatus,
    crate::domain::verification::Authority,
    crate::domain::notifications::Kind,
    crate::domain::credentials::Scope,
    crate::domain::updates::ReportReason,
    crate::domain::moderation::ItemKind,
    crate::domain::moderation::ReportState,
    crate::domain::moderation::Action,
    crate::domain::credentials::SignInProvider,
    crate::domain::credentials::EmailPurpose,
    crate::domain::jobs::State,
    crate::domain::notifications::Category,
    crate::domain::notifications::Delivery,
    crate::domain::notifications::DigestFrequency,
);
