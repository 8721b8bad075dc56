//! The personal feed (read-time merge), cause updates and suggestions.

use std::collections::HashSet;

use serde_json::{Value, json};

use crate::helpers::{Person, TestApp, assert_problem, create, person, spawn_app};

async fn follow(app: &TestApp, who: &Person, slug: &str, on: bool) {
    let method = if on { "PUT" } else { "DELETE" };
    let (status, _) = app
        .call(
            method,
            &format!("/api/v1/organisations/{slug}/follow"),
            None,
            Some(&who.token),
        )
        .await;
    assert_eq!(status, 200);
}

async fn post(app: &TestApp, who: &Person, slug: &str, title: &str) -> String {
    let (status, update) = app
        .call(
            "POST",
            &format!("/api/v1/organisations/{slug}/updates"),
            Some(json!({"title": title, "body": "News."})),
            Some(&who.token),
        )
        .await;
    assert_eq!(status, 201, "{update}");
    update["id"].as_str().unwrap().to_owned()
}

async fn page(app: &TestApp, who: &Person, path: &str) -> (Vec<Value>, Option<String>) {
    let (status, body) = app.call("GET", path, None, Some(&who.token)).await;
    assert_eq!(status, 200, "{body}");
    (
        body["items"].as_array().unwrap().clone(),
        body["next_cursor"].as_str().map(str::to_owned),
    )
}

fn titles(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .map(|u| u["title"].as_str().unwrap().to_owned())
        .collect()
}

/// (created_at, id) of each item, which must go strictly down.
fn assert_newest_first(items: &[Value]) {
    let keys: Vec<(String, u64)> = items
        .iter()
        .map(|u| {
            (
                u["created_at"].as_str().unwrap().to_owned(),
                u["id"].as_str().unwrap().parse().unwrap(),
            )
        })
        .collect();
    assert!(keys.windows(2).all(|w| w[0] > w[1]), "{keys:?}");
}

#[tokio::test]
async fn the_feed_merges_followed_organisations_and_pages_without_gaps_while_others_post() {
    let app = spawn_app().await;
    let owner = person(&app, "owner@example.org").await;
    let reader = person(&app, "reader@example.org").await;
    for name in ["Alpha", "Beta", "Gamma"] {
        create(&app, &owner, json!({"name": name, "mission": "News."})).await;
    }
    follow(&app, &reader, "alpha", true).await;
    follow(&app, &reader, "beta", true).await;
    let mut expected = Vec::new();
    for i in 0..24 {
        let slug = ["alpha", "beta", "gamma"][i % 3];
        let title = format!("{slug} {i}");
        post(&app, &owner, slug, &title).await;
        if slug != "gamma" {
            expected.push(title);
        }
    }
    expected.reverse();

    let (first, mut cursor) = page(&app, &reader, "/api/v1/me/feed?limit=5").await;
    // Others post while the reader pages, in parallel.
    let mut posting = Vec::new();
    for i in 0..9 {
        let slug = ["alpha", "beta", "gamma"][i % 3];
        posting.push(post(&app, &owner, slug, "fresh"));
    }
    futures_util::future::join_all(posting).await;
    let mut seen = first.clone();
    while let Some(c) = cursor {
        let (items, next) = page(
            &app,
            &reader,
            &format!("/api/v1/me/feed?limit=5&cursor={c}"),
        )
        .await;
        assert!(items.len() <= 5);
        seen.extend(items);
        cursor = next;
        assert!(seen.len() < 100);
    }
    assert_newest_first(&seen);
    assert_eq!(
        titles(&seen),
        expected,
        "every older update once, in order, none of Gamma's"
    );
    let (fresh, _) = page(&app, &reader, "/api/v1/me/feed?limit=10").await;
    assert_eq!(
        titles(&fresh[..6]),
        vec!["fresh"; 6],
        "the new posts of followed organisations come first"
    );
    assert_eq!(
        fresh[0]["organisation"]["name"]
            .as_str()
            .map(|n| n == "Gamma"),
        Some(false)
    );

    let response = app.get("/api/v1/me/feed").await;
    assert_problem(response, 401, "unauthorized").await;
    let (status, _) = app
        .call(
            "GET",
            "/api/v1/me/feed?cursor=abc",
            None,
            Some(&reader.token),
        )
        .await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn a_reader_of_more_organisations_than_a_page_gets_every_update_in_order() {
    // More followed organisations than a page holds: the merge first bounds the page by
    // the organisations' newest updates; uneven posting must not make it skip any.
    let app = spawn_app().await;
    let owner = person(&app, "owner@example.org").await;
    let reader = person(&app, "reader@example.org").await;
    let slugs: Vec<String> = (0..8).map(|i| format!("many-{i}")).collect();
    for slug in &slugs {
        create(&app, &owner, json!({"name": slug, "mission": "News."})).await;
        follow(&app, &reader, slug, true).await;
    }
    let mut expected = Vec::new();
    // One organisation posts a burst, then every one posts once, then the first again.
    for i in 0..5 {
        expected.push(post(&app, &owner, &slugs[3], &format!("burst {i}")).await);
    }
    for (i, slug) in slugs.iter().enumerate() {
        expected.push(post(&app, &owner, slug, &format!("round {i}")).await);
    }
    for i in 0..4 {
        expected.push(post(&app, &owner, &slugs[0], &format!("late {i}")).await);
    }
    expected.reverse();
    let (mut seen, mut cursor) = page(&app, &reader, "/api/v1/me/feed?limit=3").await;
    while let Some(c) = cursor {
        let (items, next) = page(
            &app,
            &reader,
            &format!("/api/v1/me/feed?limit=3&cursor={c}"),
        )
        .await;
        seen.extend(items);
        cursor = next;
        assert!(seen.len() < 100);
    }
    assert_newest_first(&seen);
    let ids: Vec<String> = seen
        .iter()
        .map(|u| u["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids, expected, "every update once, newest first");
}

#[tokio::test]
async fn unfollowing_and_deleting_take_updates_out_of_the_feed() {
    let app = spawn_app().await;
    let owner = person(&app, "owner@example.org").await;
    let reader = person(&app, "reader@example.org").await;
    for name in ["Alpha", "Beta"] {
        create(&app, &owner, json!({"name": name, "mission": "News."})).await;
    }
    let (empty, next) = page(&app, &reader, "/api/v1/me/feed").await;
    assert!(empty.is_empty() && next.is_none());
    follow(&app, &reader, "alpha", true).await;
    follow(&app, &reader, "beta", true).await;
    let a1 = post(&app, &owner, "alpha", "a1").await;
    post(&app, &owner, "beta", "b1").await;
    post(&app, &owner, "alpha", "a2").await;
    let (items, _) = page(&app, &reader, "/api/v1/me/feed").await;
    assert_eq!(titles(&items), ["a2", "b1", "a1"]);
    follow(&app, &reader, "beta", false).await;
    let (items, _) = page(&app, &reader, "/api/v1/me/feed").await;
    assert_eq!(titles(&items), ["a2", "a1"]);
    let (status, _) = app
        .call(
            "DELETE",
            &format!("/api/v1/updates/{a1}"),
            None,
            Some(&owner.token),
        )
        .await;
    assert_eq!(status, 204);
    let (items, _) = page(&app, &reader, "/api/v1/me/feed").await;
    assert_eq!(titles(&items), ["a2"]);
    follow(&app, &reader, "beta", true).await;
    let (items, _) = page(&app, &reader, "/api/v1/me/feed").await;
    assert_eq!(
        titles(&items),
        ["a2", "b1"],
        "following again brings the old news back"
    );
}

#[tokio::test]
async fn a_cause_shows_the_updates_of_its_organisations_and_of_its_narrower_causes() {
    let app = spawn_app().await;
    let owner = person(&app, "owner@example.org").await;
    for (name, cause) in [
        ("Minds", "mental-health"),
        ("Clinic", "health"),
        ("Trees", "forests"),
    ] {
        create(
            &app,
            &owner,
            json!({"name": name, "mission": "News.", "causes": [cause]}),
        )
        .await;
    }
    post(&app, &owner, "minds", "m1").await;
    post(&app, &owner, "trees", "t1").await;
    post(&app, &owner, "clinic", "c1").await;
    post(&app, &owner, "minds", "m2").await;
    let (items, _) = page(&app, &owner, "/api/v1/causes/health/updates").await;
    assert_eq!(titles(&items), ["m2", "c1", "m1"]);
    let (items, next) = page(&app, &owner, "/api/v1/causes/mental-health/updates?limit=1").await;
    assert_eq!(titles(&items), ["m2"]);
    let (items, _) = page(
        &app,
        &owner,
        &format!(
            "/api/v1/causes/mental-health/updates?limit=1&cursor={}",
            next.unwrap()
        ),
    )
    .await;
    assert_eq!(titles(&items), ["m1"]);
    let (status, _) = app.get_json("/api/v1/causes/nothing/updates").await;
    assert_eq!(status, 404);
}

async fn suggestions(app: &TestApp, who: &Person) -> Vec<String> {
    let (status, body) = app
        .call("GET", "/api/v1/me/suggestions", None, Some(&who.token))
        .await;
    assert_eq!(status, 200, "{body}");
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["slug"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn suggestions_come_from_co_follows_then_causes_then_popularity_never_what_you_follow() {
    let app = spawn_app().await;
    let owner = person(&app, "owner@example.org").await;
    for (name, cause) in [
        ("Hub", "oceans"),
        ("Partner", "housing"),
        ("Reef", "oceans"),
        ("Popular", "pet-rescue"),
        ("Quiet", "literacy"),
    ] {
        create(
            &app,
            &owner,
            json!({"name": name, "mission": "News.", "causes": [cause]}),
        )
        .await;
    }
    let mut crowd = Vec::new();
    for i in 0..3 {
        let fan = person(&app, &format!("fan{i}@example.org")).await;
        follow(&app, &fan, "popular", true).await;
        crowd.push(fan);
    }
    follow(&app, &crowd[0], "hub", true).await;
    follow(&app, &crowd[0], "partner", true).await;

    // Someone new, following nothing: the most followed first, so the feed is never a dead end.
    let newcomer = person(&app, "new@example.org").await;
    let all = suggestions(&app, &newcomer).await;
    assert_eq!(all[0], "popular");
    assert_eq!(all.len(), 5);

    let reader = person(&app, "reader@example.org").await;
    follow(&app, &reader, "hub", true).await;
    let (status, _) = app
        .call(
            "PUT",
            "/api/v1/causes/environment/follow",
            None,
            Some(&reader.token),
        )
        .await;
    assert_eq!(status, 204);
    let got = suggestions(&app, &reader).await;
    assert!(
        !got.contains(&"hub".to_owned()),
        "never one you follow: {got:?}"
    );
    let position = |slug: &str| got.iter().position(|s| s == slug).unwrap();
    assert!(
        position("partner") < position("reef"),
        "co-followed first: {got:?}"
    );
    assert!(
        position("reef") < position("quiet"),
        "then your causes: {got:?}"
    );
    let unique: HashSet<&String> = got.iter().collect();
    assert_eq!(unique.len(), got.len());
}
