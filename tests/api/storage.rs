//! The storage layer against the real database: the unique constraints the code relies on
//! to settle races (two follows at once, a replayed event, a reused key) are recognised by
//! name on this backend. A renamed constraint or index fails here, not in production.

use diesel::RunQueryDsl;
use ensemble_api::db::Unique;
use serde_json::{Value, json};

use crate::donations::{cast, checkout, give};
use crate::helpers::{TestApp, person, spawn_app};

/// Inserts a copy of the rows of `table` matching `filter` (with `change` applied to the
/// copy first, to make it differ where it must) and answers which of our constraints that
/// violated. `table` names the columns to copy after its name when it has some the
/// database computes (generated columns cannot be inserted).
fn duplicate(app: &TestApp, table: &str, filter: &str, change: &str) -> Option<Unique> {
    let (name, columns) = table.split_once(' ').unwrap_or((table, "*"));
    let mut conn = app.db.get().unwrap();
    let statements = [
        "DROP TABLE IF EXISTS copy_row".to_owned(),
        format!("CREATE TEMPORARY TABLE copy_row AS SELECT * FROM {name} WHERE {filter}"),
        format!("UPDATE copy_row SET {change}"),
    ];
    for statement in statements {
        diesel::sql_query(statement).execute(&mut *conn).unwrap();
    }
    let into = if columns == "*" {
        name.to_owned()
    } else {
        format!("{name} {columns}")
    };
    let columns = columns.trim_start_matches('(').trim_end_matches(')');
    let error = diesel::sql_query(format!("INSERT INTO {into} SELECT {columns} FROM copy_row"))
        .execute(&mut *conn)
        .expect_err("a copy of the row violates a unique constraint");
    Unique::of(&error)
}

#[tokio::test]
async fn every_constraint_the_code_relies_on_is_recognised() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let fan = person(&app, "fan@example.org").await;
    let newcomer = person(&app, "newcomer@example.org").await;
    let slug = "fonds-lumiere";
    let calls: [(&str, String, Option<Value>, &str); 4] = [
        (
            "PUT",
            format!("/api/v1/organisations/{slug}/follow"),
            None,
            &fan.token,
        ),
        (
            "PUT",
            "/api/v1/causes/climate/follow".to_owned(),
            None,
            &fan.token,
        ),
        (
            "POST",
            format!("/api/v1/organisations/{slug}/members"),
            Some(json!({"user_id": newcomer.id, "role": "editor"})),
            &c.owner.token,
        ),
        (
            "POST",
            format!("/api/v1/organisations/{slug}/updates"),
            Some(json!({"title": "Hello", "body": "First light."})),
            &c.owner.token,
        ),
    ];
    let mut update = Value::Null;
    for (method, path, body, token) in calls {
        let (status, answer) = app.call(method, &path, body, Some(token)).await;
        assert!(status < 300, "{method} {path}: {status} {answer}");
        update = answer;
    }
    let (status, _) = app
        .call(
            "PUT",
            &format!(
                "/api/v1/updates/{}/reaction",
                update["id"].as_str().unwrap()
            ),
            None,
            Some(&fan.token),
        )
        .await;
    assert_eq!(status, 200);
    let response = give(
        &app,
        &c.donor,
        json!({"amount_minor": 1000, "currency": "EUR"}),
        Some("key-1"),
    )
    .await;
    assert_eq!(response.status(), 201);
    let pending: Value = response.json().await.unwrap();
    checkout(&app, pending["checkout_url"].as_str().unwrap(), "pay").await;

    let cases = [
        ("users", "1 = 1", "id = id + 1000", Unique::UserEmail),
        (
            "organisations (id, slug, name)",
            "1 = 1",
            "id = id + 1000",
            Unique::OrganisationSlug,
        ),
        (
            "organisation_invitations",
            "status = 'pending'",
            "id = 'copy-' || id",
            Unique::PendingInvitation,
        ),
        (
            "organisation_follows",
            "1 = 1",
            "created_at = created_at",
            Unique::OrganisationFollow,
        ),
        (
            "cause_follows",
            "1 = 1",
            "created_at = created_at",
            Unique::CauseFollow,
        ),
        (
            "reactions",
            "1 = 1",
            "created_at = created_at",
            Unique::Reaction,
        ),
        (
            "donations",
            "idempotency_key IS NOT NULL",
            "id = id + 1000, provider_checkout_id = NULL, provider_subscription_id = NULL",
            Unique::DonationKey,
        ),
        (
            "payment_events",
            "1 = 1",
            "received_at = received_at",
            Unique::PaymentEvent,
        ),
    ];
    for (table, filter, change, expected) in cases {
        assert_eq!(
            duplicate(&app, table, filter, change),
            Some(expected),
            "{table}"
        );
    }
}
