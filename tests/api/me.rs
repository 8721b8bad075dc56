//! The signed-in person: profile, export, deletion, API tokens.

use serde_json::{Value, json};

use crate::helpers::{PASSWORD, access, assert_field_error, assert_problem, spawn_app};

#[tokio::test]
async fn profile_updates_are_validated_and_partial() {
    let app = spawn_app().await;
    let token = access(&app.register("ana@example.org").await);
    let (status, me) = app
        .call(
            "PATCH",
            "/api/v1/me",
            Some(json!({
                "display_name": "  李小龙 ",
                "bio": "Volunteer.\nLikes rivers.",
                "locale": "zh",
                "country": "CN",
                "follows_public": false
            })),
            Some(&token),
        )
        .await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["display_name"], "李小龙");
    assert_eq!(me["avatar"], Value::Null);
    assert_eq!(me["bio"], "Volunteer.\nLikes rivers.");
    assert_eq!(
        (me["locale"].as_str(), me["country"].as_str()),
        (Some("zh"), Some("CN"))
    );
    assert_eq!(me["follows_public"], false);

    let (status, me) = app
        .call(
            "PATCH",
            "/api/v1/me",
            Some(json!({"avatar": null, "country": null})),
            Some(&token),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(me["avatar"], Value::Null);
    assert_eq!(me["country"], Value::Null);
    assert_eq!(me["display_name"], "李小龙", "absent fields are kept");

    let (status, unchanged) = app
        .call("PATCH", "/api/v1/me", Some(json!({})), Some(&token))
        .await;
    assert_eq!(
        (status, &unchanged["display_name"]),
        (200, &json!("李小龙"))
    );

    let response = app
        .send(
            "PATCH",
            "/api/v1/me",
            Some(json!({
                "display_name": "",
                "avatar": "https://insecure.example.org/a.png",
                "locale": "xx",
                "country": "ZZ",
                "bio": "x".repeat(2001)
            })),
            Some(&token),
        )
        .await;
    let problem = assert_problem(response, 422, "validation_failed").await;
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        vec!["display_name", "avatar", "bio", "locale", "country"]
    );
    let (_, me) = app.call("GET", "/api/v1/me", None, Some(&token)).await;
    assert_eq!(me["display_name"], "李小龙", "nothing half-saved");

    for (body, field, code) in [
        (
            json!({"follows_public": "yes"}),
            "follows_public",
            "invalid_type",
        ),
        (json!({"email": "x@example.org"}), "email", "unknown_field"),
        (json!({"is_admin": true}), "is_admin", "unknown_field"),
    ] {
        assert_field_error(
            app.send("PATCH", "/api/v1/me", Some(body), Some(&token))
                .await,
            422,
            field,
            code,
        )
        .await;
    }
}

#[tokio::test]
async fn export_holds_everything_but_secrets() {
    let app = spawn_app().await;
    let auth = app.register("ana@example.org").await;
    let token = access(&auth);
    app.call(
        "POST",
        "/api/v1/me/tokens",
        Some(json!({"name": "reader", "scope": "read"})),
        Some(&token),
    )
    .await;
    let response = app
        .send("GET", "/api/v1/me/export", None, Some(&token))
        .await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    let text = response.text().await.unwrap();
    let export: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(export["user"]["email"], "ana@example.org");
    assert_eq!(export["sessions"].as_array().unwrap().len(), 1);
    assert_eq!(export["api_tokens"][0]["name"], "reader");
    for secret in ["ens_rt_", "ens_pat_", "argon2", PASSWORD] {
        assert!(!text.contains(secret), "export leaks {secret}");
    }
}

#[tokio::test]
async fn deleting_the_account_erases_it_and_ends_its_sessions() {
    let app = spawn_app().await;
    let auth = app.register("ana@example.org").await;
    let token = access(&auth);
    let (status, created) = app
        .call(
            "POST",
            "/api/v1/me/tokens",
            Some(json!({"name": "w", "scope": "write"})),
            Some(&token),
        )
        .await;
    assert_eq!(status, 201);
    let api_token = created["token"].as_str().unwrap().to_owned();

    let refused = app
        .send("DELETE", "/api/v1/me", None, Some(&api_token))
        .await;
    assert_problem(refused, 403, "session_required").await;

    assert_eq!(
        app.call("DELETE", "/api/v1/me", None, Some(&token)).await.0,
        200
    );
    assert_problem(
        app.send("GET", "/api/v1/me", None, Some(&token)).await,
        401,
        "invalid_token",
    )
    .await;
    assert_problem(
        app.send("GET", "/api/v1/me", None, Some(&api_token)).await,
        401,
        "invalid_token",
    )
    .await;
    let refresh = app
        .send(
            "POST",
            "/api/v1/auth/refresh",
            Some(json!({"refresh_token": auth["refresh_token"]})),
            None,
        )
        .await;
    assert_problem(refresh, 401, "invalid_refresh_token").await;
    let (status, _) = app
        .call(
            "POST",
            "/api/v1/auth/login",
            Some(json!({"email": "ana@example.org", "password": PASSWORD})),
            None,
        )
        .await;
    assert_eq!(status, 401);
    app.register("ana@example.org").await;
}

#[tokio::test]
async fn api_tokens_are_shown_once_scoped_and_revocable() {
    let app = spawn_app().await;
    let session = access(&app.register("ana@example.org").await);

    let (status, read) = app
        .call(
            "POST",
            "/api/v1/me/tokens",
            Some(json!({"name": "feed reader", "scope": "read"})),
            Some(&session),
        )
        .await;
    assert_eq!(status, 201, "{read}");
    let read_token = read["token"].as_str().unwrap().to_owned();
    assert!(read_token.starts_with("ens_pat_"));
    let (_, write) = app
        .call(
            "POST",
            "/api/v1/me/tokens",
            Some(json!({"name": "bot", "scope": "write"})),
            Some(&session),
        )
        .await;
    let write_token = write["token"].as_str().unwrap().to_owned();

    let (status, list) = app
        .call("GET", "/api/v1/me/tokens", None, Some(&session))
        .await;
    assert_eq!(status, 200);
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(list["next_cursor"], Value::Null);
    assert!(
        items.iter().all(|t| t.get("token").is_none()),
        "secrets are never listed"
    );
    assert_eq!(items[0]["last_used_at"], Value::Null);

    // Read: reads; writes are 403 with a scope challenge.
    let (status, me) = app.call("GET", "/api/v1/me", None, Some(&read_token)).await;
    assert_eq!(
        (status, me["email"].as_str()),
        (200, Some("ana@example.org"))
    );
    let refused = app
        .send(
            "PATCH",
            "/api/v1/me",
            Some(json!({"bio": "x"})),
            Some(&read_token),
        )
        .await;
    assert!(
        refused.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .contains("insufficient_scope")
    );
    assert_problem(refused, 403, "insufficient_scope").await;
    // Write: writes, but may not manage tokens.
    assert_eq!(
        app.call(
            "PATCH",
            "/api/v1/me",
            Some(json!({"bio": "bot"})),
            Some(&write_token)
        )
        .await
        .0,
        200
    );
    let refused = app
        .send(
            "POST",
            "/api/v1/me/tokens",
            Some(json!({"name": "x", "scope": "write"})),
            Some(&write_token),
        )
        .await;
    assert_problem(refused, 403, "session_required").await;

    let (_, list) = app
        .call("GET", "/api/v1/me/tokens", None, Some(&session))
        .await;
    let used: Vec<&Value> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| &t["last_used_at"])
        .collect();
    assert!(
        used.iter().all(|u| u.is_string()),
        "last use recorded: {list}"
    );

    let id = read["id"].as_str().unwrap();
    assert_eq!(
        app.call(
            "DELETE",
            &format!("/api/v1/me/tokens/{id}"),
            None,
            Some(&session)
        )
        .await
        .0,
        204
    );
    assert_problem(
        app.send("GET", "/api/v1/me", None, Some(&read_token)).await,
        401,
        "invalid_token",
    )
    .await;
    assert_problem(
        app.send(
            "DELETE",
            &format!("/api/v1/me/tokens/{id}"),
            None,
            Some(&session),
        )
        .await,
        404,
        "not_found",
    )
    .await;

    // Someone else's token cannot be revoked by id.
    let other = access(&app.register("bob@example.org").await);
    let write_id = write["id"].as_str().unwrap();
    assert_problem(
        app.send(
            "DELETE",
            &format!("/api/v1/me/tokens/{write_id}"),
            None,
            Some(&other),
        )
        .await,
        404,
        "not_found",
    )
    .await;

    for (body, field, code) in [
        (json!({"name": "", "scope": "read"}), "name", "required"),
        (
            json!({"name": "x", "scope": "admin"}),
            "scope",
            "invalid_value",
        ),
        (json!({"name": "x"}), "scope", "required"),
    ] {
        assert_field_error(
            app.send("POST", "/api/v1/me/tokens", Some(body), Some(&session))
                .await,
            422,
            field,
            code,
        )
        .await;
    }
}
