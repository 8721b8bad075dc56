//! The cause taxonomy: localised, two levels, followable.

use serde_json::Value;

use crate::helpers::{access, assert_field_error, assert_problem, spawn_app};

#[tokio::test]
async fn the_taxonomy_has_two_levels_in_order() {
    let app = spawn_app().await;
    let (status, body) = app.get_json("/api/v1/causes").await;
    assert_eq!(status, 200);
    assert_eq!(body["next_cursor"], Value::Null);
    let items = body["items"].as_array().unwrap();
    assert!((20..=40).contains(&items.len()), "{}", items.len());
    assert_eq!(items[0]["slug"], "health");
    assert_eq!(items[0]["parent"], Value::Null);
    assert_eq!(items[1]["parent"], "health", "children follow their parent");
    let children: Vec<&str> = items[0]["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert!(children.contains(&"mental-health"));
    for item in items {
        if let Some(parent) = item["parent"].as_str() {
            let parent = items.iter().find(|i| i["slug"] == parent).unwrap();
            assert_eq!(parent["parent"], Value::Null, "two levels only");
            assert!(
                parent["children"]
                    .as_array()
                    .unwrap()
                    .contains(&item["slug"])
            );
        }
        assert!(!item["name"].as_str().unwrap().is_empty());
        assert!(!item["description"].as_str().unwrap().is_empty());
    }
}

#[tokio::test]
async fn names_follow_accept_language_and_the_lang_parameter() {
    let app = spawn_app().await;
    let mut names = Vec::new();
    for accept in ["en", "fr-CA,fr;q=0.9", "es-MX", "zh-Hans-CN", "de"] {
        let response = app
            .client
            .get(app.url("/api/v1/causes/mental-health"))
            .header("accept-language", accept)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let language = response.headers()["content-language"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            response.headers()["vary"]
                .to_str()
                .unwrap()
                .contains("Accept-Language")
        );
        let cause: Value = response.json().await.unwrap();
        assert_eq!(cause["lang"], language);
        names.push((language, cause["name"].as_str().unwrap().to_owned()));
    }
    let languages: Vec<&str> = names.iter().map(|(l, _)| l.as_str()).collect();
    assert_eq!(languages, vec!["en", "fr", "es", "zh", "en"]);
    assert_eq!(names[0].1, "Mental health");
    assert_ne!(names[1].1, names[0].1);
    assert!(
        names[3]
            .1
            .chars()
            .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "{}",
        names[3].1
    );

    let response = app
        .client
        .get(app.url("/api/v1/causes/mental-health?lang=es"))
        .header("accept-language", "fr")
        .send()
        .await
        .unwrap();
    let cause: Value = response.json().await.unwrap();
    assert_eq!(cause["lang"], "es", "?lang= wins over Accept-Language");

    assert_field_error(
        app.get("/api/v1/causes?lang=de").await,
        400,
        "lang",
        "unsupported_locale",
    )
    .await;
    assert_problem(
        app.get("/api/v1/causes/no-such-cause").await,
        404,
        "not_found",
    )
    .await;
}

#[tokio::test]
async fn following_is_idempotent_and_counted() {
    let app = spawn_app().await;
    let ana = access(&app.register("ana@example.org").await);
    let bob = access(&app.register("bob@example.org").await);
    let count = || async {
        app.get_json("/api/v1/causes/climate").await.1["followers_count"]
            .as_i64()
            .unwrap()
    };
    assert_eq!(count().await, 0);
    for _ in 0..2 {
        assert_eq!(
            app.call("PUT", "/api/v1/causes/climate/follow", None, Some(&ana))
                .await
                .0,
            204
        );
    }
    assert_eq!(
        app.call("PUT", "/api/v1/causes/climate/follow", None, Some(&bob))
            .await
            .0,
        204
    );
    assert_eq!(count().await, 2);

    let (_, export) = app.call("GET", "/api/v1/me/export", None, Some(&ana)).await;
    assert_eq!(export["followed_causes"], serde_json::json!(["climate"]));

    for _ in 0..2 {
        assert_eq!(
            app.call("DELETE", "/api/v1/causes/climate/follow", None, Some(&ana))
                .await
                .0,
            204
        );
    }
    assert_eq!(count().await, 1);

    assert_problem(
        app.send("PUT", "/api/v1/causes/nope/follow", None, Some(&ana))
            .await,
        404,
        "not_found",
    )
    .await;
    assert_problem(
        app.send("PUT", "/api/v1/causes/climate/follow", None, None)
            .await,
        401,
        "unauthorized",
    )
    .await;
    let (_, read) = app
        .call(
            "POST",
            "/api/v1/me/tokens",
            Some(serde_json::json!({"name": "r", "scope": "read"})),
            Some(&ana),
        )
        .await;
    let read = read["token"].as_str().unwrap();
    assert_problem(
        app.send("PUT", "/api/v1/causes/climate/follow", None, Some(read))
            .await,
        403,
        "insufficient_scope",
    )
    .await;
}

#[tokio::test]
async fn deleting_an_account_removes_its_follows() {
    let app = spawn_app().await;
    let ana = access(&app.register("ana@example.org").await);
    app.call("PUT", "/api/v1/causes/oceans/follow", None, Some(&ana))
        .await;
    assert_eq!(
        app.get_json("/api/v1/causes/oceans").await.1["followers_count"],
        1
    );
    assert_eq!(
        app.call("DELETE", "/api/v1/me", None, Some(&ana)).await.0,
        200
    );
    assert_eq!(
        app.get_json("/api/v1/causes/oceans").await.1["followers_count"],
        0
    );
}
