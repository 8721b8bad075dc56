use std::collections::HashSet;

use chrono::{Duration, NaiveDateTime, Utc};
use diesel::prelude::*;
use ensemble_api::db::schema::organisations;
use serde_json::Value;

use crate::helpers::{TestApp, assert_field_error, spawn_app};

/// Inserts `n` bare organisations straight into the table (the API cannot choose creation
/// times); every third shares its timestamp with the previous one, so paging must break
/// ties on the id.
fn seed(app: &TestApp, n: usize) {
    let mut conn = app.db.get().unwrap();
    let base: NaiveDateTime =
        ensemble_api::db::stored_time(Utc::now().naive_utc() - Duration::days(1));
    for i in 0..n {
        let at = base + Duration::seconds((i - i % 3) as i64);
        diesel::insert_into(organisations::table)
            .values((
                organisations::slug.eq(format!("organisation-{i}")),
                organisations::name.eq(format!("Organisation {i}")),
                organisations::mission.eq("Testing keyset paging"),
                organisations::country.eq(Some("FR")),
                organisations::created_at.eq(at),
                organisations::updated_at.eq(at),
            ))
            .execute(&mut *conn)
            .unwrap();
    }
}

async fn all_pages(app: &TestApp, limit: u32) -> Vec<Vec<Value>> {
    let mut pages = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/organisations?limit={limit}&cursor={c}"),
            None => format!("/api/v1/organisations?limit={limit}"),
        };
        let (status, body) = app.get_json(&path).await;
        assert_eq!(status, 200, "{body}");
        pages.push(body["items"].as_array().unwrap().clone());
        match body["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
        assert!(pages.len() < 100, "paging does not end");
    }
    pages
}

#[tokio::test]
async fn empty_directory_is_an_empty_page() {
    let app = spawn_app().await;
    let (status, body) = app.get_json("/api/v1/organisations").await;
    assert_eq!(status, 200);
    assert_eq!(body, serde_json::json!({"items": [], "next_cursor": null}));
}

#[tokio::test]
async fn keyset_paging_visits_every_organisation_once_newest_first() {
    let app = spawn_app().await;
    seed(&app, 45);
    let pages = all_pages(&app, 20).await;
    assert_eq!(
        pages.iter().map(Vec::len).collect::<Vec<_>>(),
        vec![20, 20, 5]
    );

    let items: Vec<&Value> = pages.iter().flatten().collect();
    let slugs: HashSet<&str> = items.iter().map(|o| o["slug"].as_str().unwrap()).collect();
    assert_eq!(slugs.len(), 45, "no duplicates, no gaps");
    let keys: Vec<(chrono::DateTime<Utc>, i64)> = items
        .iter()
        .map(|o| {
            (
                o["created_at"].as_str().unwrap().parse().unwrap(),
                o["id"].as_str().unwrap().parse().unwrap(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(keys, sorted, "newest first, ties broken by id");

    let first = items[0];
    assert_eq!(first["slug"], "organisation-44");
    assert_eq!(first["country"], "FR");
    assert_eq!(first["mission"], "Testing keyset paging");
    assert!(
        first["created_at"].as_str().unwrap().ends_with('Z'),
        "RFC 3339 UTC"
    );
}

#[tokio::test]
async fn page_size_defaults_to_20_and_accepts_1_to_100() {
    let app = spawn_app().await;
    seed(&app, 105);
    let (_, body) = app.get_json("/api/v1/organisations").await;
    assert_eq!(body["items"].as_array().unwrap().len(), 20);
    let (_, body) = app.get_json("/api/v1/organisations?limit=100").await;
    assert_eq!(body["items"].as_array().unwrap().len(), 100);
    let (_, body) = app.get_json("/api/v1/organisations?limit=1").await;
    assert_eq!(body["items"].as_array().unwrap().len(), 1);
    assert_eq!(
        all_pages(&app, 7).await.iter().map(Vec::len).sum::<usize>(),
        105
    );
}

#[tokio::test]
async fn bad_paging_parameters_are_400_with_field_errors() {
    let app = spawn_app().await;
    for (query, field, code) in [
        ("limit=abc", "limit", "invalid_value"),
        ("limit=-1", "limit", "invalid_value"),
        ("limit=0", "limit", "out_of_range"),
        ("limit=101", "limit", "out_of_range"),
        ("limit=99999999999999999999", "limit", "invalid_value"),
        ("cursor=not-a-cursor", "cursor", "invalid_cursor"),
        ("cursor=", "cursor", "invalid_cursor"),
    ] {
        let response = app.get(&format!("/api/v1/organisations?{query}")).await;
        assert_field_error(response, 400, field, code).await;
    }
}
