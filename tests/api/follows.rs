//! Following organisations: idempotent, counted exactly under concurrency, private when
//! the follower wants.

use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, create, person, spawn_app};

async fn put(app: &TestApp, token: &str, slug: &str, method: &str) -> (u16, Value) {
    app.call(
        method,
        &format!("/api/v1/organisations/{slug}/follow"),
        None,
        Some(token),
    )
    .await
}

async fn count(app: &TestApp, slug: &str) -> i64 {
    let (_, body) = app.get_json(&format!("/api/v1/organisations/{slug}")).await;
    body["followers_count"].as_i64().unwrap()
}

#[tokio::test]
async fn following_is_idempotent_and_counted() {
    let app = spawn_app().await;
    let owner = person(&app, "owner@example.org").await;
    let fan = person(&app, "fan@example.org").await;
    create(
        &app,
        &owner,
        json!({"name": "Kite Club", "mission": "Kites."}),
    )
    .await;
    let (status, body) = put(&app, &fan.token, "kite-club", "GET").await;
    assert_eq!(status, 200);
    assert_eq!(body, json!({"following": false, "followers_count": 0}));
    for _ in 0..2 {
        let (status, body) = put(&app, &fan.token, "kite-club", "PUT").await;
        assert_eq!(status, 200);
        assert_eq!(body, json!({"following": true, "followers_count": 1}));
    }
    assert_eq!(count(&app, "kite-club").await, 1);
    // Reading one's follow: for the follower, not for the owner who does not follow.
    let (_, body) = put(&app, &fan.token, "kite-club", "GET").await;
    assert_eq!(body, json!({"following": true, "followers_count": 1}));
    let (_, body) = put(&app, &owner.token, "kite-club", "GET").await;
    assert_eq!(body, json!({"following": false, "followers_count": 1}));
    let (status, _) = put(&app, &fan.token, "no-such-club", "GET").await;
    assert_eq!(status, 404);
    let response = app
        .send("GET", "/api/v1/organisations/kite-club/follow", None, None)
        .await;
    assert_problem(response, 401, "unauthorized").await;
    for _ in 0..2 {
        let (status, body) = put(&app, &fan.token, "kite-club", "DELETE").await;
        assert_eq!(status, 200);
        assert_eq!(body, json!({"following": false, "followers_count": 0}));
    }
    assert_eq!(count(&app, "kite-club").await, 0);
    let (status, _) = put(&app, &fan.token, "no-such-club", "PUT").await;
    assert_eq!(status, 404);
    let response = app
        .send("PUT", "/api/v1/organisations/kite-club/follow", None, None)
        .await;
    assert_problem(response, 401, "unauthorized").await;
}

#[tokio::test]
async fn the_count_stays_exact_under_concurrent_follows_and_unfollows() {
    let app = spawn_app().await;
    let owner = person(&app, "owner@example.org").await;
    create(
        &app,
        &owner,
        json!({"name": "Busy", "mission": "Many fans."}),
    )
    .await;
    let mut fans = Vec::new();
    for i in 0..12 {
        fans.push(person(&app, &format!("fan{i}@example.org")).await);
    }
    // Everyone follows twice at once; then half unfollow twice at once while the others
    // follow again.
    let mut calls = Vec::new();
    for fan in &fans {
        for _ in 0..2 {
            calls.push(put(&app, &fan.token, "busy", "PUT"));
        }
    }
    for (status, _) in futures_util::future::join_all(calls).await {
        assert_eq!(status, 200);
    }
    assert_eq!(count(&app, "busy").await, 12);
    let mut calls = Vec::new();
    for (i, fan) in fans.iter().enumerate() {
        let method = if i % 2 == 0 { "DELETE" } else { "PUT" };
        for _ in 0..2 {
            calls.push(put(&app, &fan.token, "busy", method));
        }
    }
    for (status, _) in futures_util::future::join_all(calls).await {
        assert_eq!(status, 200);
    }
    assert_eq!(count(&app, "busy").await, 6);
    let (_, followers) = app
        .get_json("/api/v1/organisations/busy/followers?limit=100")
        .await;
    assert_eq!(followers["items"].as_array().unwrap().len(), 6);
}

#[tokio::test]
async fn followers_list_only_public_follows_and_pages() {
    let app = spawn_app().await;
    let owner = person(&app, "owner@example.org").await;
    create(
        &app,
        &owner,
        json!({"name": "Kite Club", "mission": "Kites."}),
    )
    .await;
    let mut fans = Vec::new();
    for i in 0..5 {
        let fan = person(&app, &format!("fan{i}@example.org")).await;
        put(&app, &fan.token, "kite-club", "PUT").await;
        fans.push(fan);
    }
    let (status, _) = app
        .call(
            "PATCH",
            "/api/v1/me",
            Some(json!({"follows_public": false})),
            Some(&fans[2].token),
        )
        .await;
    assert_eq!(status, 200);
    let mut seen = Vec::new();
    let mut path = "/api/v1/organisations/kite-club/followers?limit=2".to_owned();
    loop {
        let (status, page) = app.get_json(&path).await;
        assert_eq!(status, 200, "{page}");
        for item in page["items"].as_array().unwrap() {
            seen.push(item["user_id"].as_str().unwrap().to_owned());
        }
        match page["next_cursor"].as_str() {
            Some(c) => {
                path = format!("/api/v1/organisations/kite-club/followers?limit=2&cursor={c}")
            }
            None => break,
        }
    }
    let expected: Vec<String> = [4, 3, 1, 0].iter().map(|i| fans[*i].id.clone()).collect();
    assert_eq!(seen, expected, "newest first, the private one left out");
    assert_eq!(
        count(&app, "kite-club").await,
        5,
        "private follows still count"
    );
    let (status, _) = app
        .get_json("/api/v1/organisations/kite-club/followers?cursor=nonsense")
        .await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn my_following_lists_organisations_and_causes_and_leaves_with_the_account() {
    let app = spawn_app().await;
    let owner = person(&app, "owner@example.org").await;
    let fan = person(&app, "fan@example.org").await;
    for name in ["Kite Club", "Chess Club"] {
        create(&app, &owner, json!({"name": name, "mission": "Clubs."})).await;
    }
    put(&app, &fan.token, "kite-club", "PUT").await;
    put(&app, &fan.token, "chess-club", "PUT").await;
    let (status, _) = app
        .call(
            "PUT",
            "/api/v1/causes/oceans/follow",
            None,
            Some(&fan.token),
        )
        .await;
    assert_eq!(status, 204);
    let response = app
        .client
        .get(app.url("/api/v1/me/following"))
        .bearer_auth(&fan.token)
        .header("Accept-Language", "fr")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let following: Value = response.json().await.unwrap();
    let organisations: Vec<&str> = following["organisations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["slug"].as_str().unwrap())
        .collect();
    assert_eq!(organisations, ["chess-club", "kite-club"], "newest first");
    assert_eq!(following["causes"][0]["slug"], "oceans");
    assert_eq!(following["causes"][0]["name"], "Océans et rivières");

    let (status, _) = app
        .call("DELETE", "/api/v1/me", None, Some(&fan.token))
        .await;
    assert_eq!(status, 200);
    assert_eq!(count(&app, "kite-club").await, 0);
    assert_eq!(count(&app, "chess-club").await, 0);
}
