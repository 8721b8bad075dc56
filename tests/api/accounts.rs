//! Accounts under abuse: sign-in limits that hold under concurrency and behind proxies,
//! sessions a person can see and end, password changes, bad tokens never served as
//! strangers, the whole data export, private follows that stay private, and the small
//! bounds an attacker would probe.

use futures_util::StreamExt;
use serde_json::{Value, json};

use crate::helpers::{
    PASSWORD, Person, TestApp, access, assert_field_error, assert_problem, create, join,
    make_admin, person, spawn_app, spawn_app_with,
};

async fn login(app: &TestApp, email: &str, password: &str, client: &str) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/auth/login"))
        .header("X-Forwarded-For", client)
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap()
}

/// 50 wrong passwords at once on one account from one client: exactly the limit are
/// checked, the rest refused before any password is looked at. Another client still
/// signs in; what a client writes on the left of `X-Forwarded-For` changes nothing.
#[tokio::test]
async fn parallel_wrong_passwords_stop_at_the_limit_for_that_client_only() {
    let app = spawn_app_with(|s| {
        s.workers = Some(4);
        s.auth_attempts_per_ip = 1_000;
        s.auth_failures_per_account = 10;
        s.trusted_proxies = vec!["127.0.0.1".into()];
    })
    .await;
    app.register("ana@example.org").await;
    let attacker = "203.0.113.66";
    let statuses: Vec<u16> = futures_util::stream::iter(0..50)
        .map(|n| {
            let app = &app;
            async move {
                // The leftmost hop is the client's own writing: a new one each time.
                let spoofed = format!("10.{n}.0.1, {attacker}");
                login(app, "ana@example.org", "wrong password here", &spoofed)
                    .await
                    .status()
                    .as_u16()
            }
        })
        .buffer_unordered(50)
        .collect()
        .await;
    let checked = statuses.iter().filter(|s| **s == 401).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!((checked, refused), (10, 40), "{statuses:?}");
    let response = login(&app, "ana@example.org", PASSWORD, attacker).await;
    assert_problem(response, 429, "rate_limited").await;
    let response = login(&app, "ana@example.org", PASSWORD, "198.51.100.7").await;
    assert_eq!(
        response.status(),
        200,
        "the owner, elsewhere, is not locked out"
    );
}

/// The rightmost untrusted hop is the client: without trusted proxies the header is
/// ignored altogether.
#[tokio::test]
async fn forwarded_for_is_believed_only_from_trusted_proxies() {
    let app = spawn_app_with(|s| s.auth_attempts_per_ip = 2).await;
    for n in 0..2 {
        let response = login(
            &app,
            "x@example.org",
            "nope nope nope",
            &format!("10.0.0.{n}"),
        )
        .await;
        assert_eq!(response.status(), 401);
    }
    let response = login(&app, "x@example.org", "nope nope nope", "10.9.9.9").await;
    assert_problem(response, 429, "rate_limited").await;
}

/// The devices signed in are listed, the current one marked; ending one ends its tokens;
/// a new password ends every other session and keeps this one.
#[tokio::test]
async fn sessions_are_listed_ended_and_ended_by_a_new_password() {
    let app = spawn_app().await;
    let first = app.register("ana@example.org").await;
    let sign_in = || {
        let app = &app;
        async move {
            let (status, body) = app
                .call(
                    "POST",
                    "/api/v1/auth/login",
                    Some(json!({"email": "ana@example.org", "password": PASSWORD})),
                    None,
                )
                .await;
            assert_eq!(status, 200);
            body
        }
    };
    let second = sign_in().await;
    let third = sign_in().await;
    let (_, listed) = app
        .call("GET", "/api/v1/me/sessions", None, Some(&access(&third)))
        .await;
    let items = listed["items"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    assert_eq!(
        items.iter().filter(|s| s["current"] == true).count(),
        1,
        "{listed}"
    );
    assert_eq!(items[0]["current"], true, "newest first: this one");
    let second_id = items[1]["id"].as_str().unwrap();
    let (status, _) = app
        .call(
            "DELETE",
            &format!("/api/v1/me/sessions/{second_id}"),
            None,
            Some(&access(&third)),
        )
        .await;
    assert_eq!(status, 204);
    assert_problem(
        app.send("GET", "/api/v1/me", None, Some(&access(&second)))
            .await,
        401,
        "invalid_token",
    )
    .await;
    let (status, _) = app
        .call(
            "POST",
            "/api/v1/auth/refresh",
            Some(json!({"refresh_token": second["refresh_token"]})),
            None,
        )
        .await;
    assert_eq!(status, 401, "its refresh token is dead too");
    let response = app
        .send(
            "DELETE",
            &format!("/api/v1/me/sessions/{second_id}"),
            None,
            Some(&access(&third)),
        )
        .await;
    assert_problem(response, 404, "not_found").await;

    // A wrong current password changes nothing; a right one ends the others.
    let wrong = app
        .send(
            "POST",
            "/api/v1/me/password",
            Some(json!({"current_password": "not it at all", "new_password": "a brand new passphrase"})),
            Some(&access(&third)),
        )
        .await;
    assert_problem(wrong, 403, "wrong_password").await;
    let weak = app
        .send(
            "POST",
            "/api/v1/me/password",
            Some(json!({"current_password": PASSWORD, "new_password": "short"})),
            Some(&access(&third)),
        )
        .await;
    assert_field_error(weak, 422, "new_password", "too_short").await;
    let (status, _) = app
        .call(
            "POST",
            "/api/v1/me/password",
            Some(json!({"current_password": PASSWORD, "new_password": "a brand new passphrase"})),
            Some(&access(&third)),
        )
        .await;
    assert_eq!(status, 204);
    assert_eq!(
        app.call("GET", "/api/v1/me", None, Some(&access(&third)))
            .await
            .0,
        200,
        "this session goes on"
    );
    assert_eq!(
        app.call("GET", "/api/v1/me", None, Some(&access(&first)))
            .await
            .0,
        401,
        "the others end"
    );
    let old = app
        .send(
            "POST",
            "/api/v1/auth/login",
            Some(json!({"email": "ana@example.org", "password": PASSWORD})),
            None,
        )
        .await;
    assert_eq!(old.status(), 401);
    let new = app
        .send(
            "POST",
            "/api/v1/auth/login",
            Some(json!({"email": "ana@example.org", "password": "a brand new passphrase"})),
            None,
        )
        .await;
    assert_eq!(new.status(), 200);
}

/// A bad or expired token on a public route is a 401 that says so, never a stranger's
/// page; no token at all is a stranger.
#[tokio::test]
async fn a_bad_token_on_a_public_route_is_refused_not_ignored() {
    let app = spawn_app().await;
    for (token, code) in [
        ("not-a-token", "invalid_token"),
        ("ens_pat_revoked-or-made-up", "invalid_token"),
    ] {
        for path in [
            "/api/v1/organisations",
            "/api/v1/causes",
            "/api/v1/updates/1",
        ] {
            let response = app.send("GET", path, None, Some(token)).await;
            assert!(response.headers().contains_key("www-authenticate"));
            assert_problem(response, 401, code).await;
        }
    }
    let expired = {
        use jsonwebtoken::{EncodingKey, Header};
        let text = std::fs::read_to_string(app.dir.path().join("data/secrets.json")).unwrap();
        let secrets: Value = serde_json::from_str(&text).unwrap();
        let key = secrets["token_signing_key"].as_str().unwrap();
        let now = chrono::Utc::now().timestamp();
        jsonwebtoken::encode(
            &Header::default(),
            &json!({"iss": app.address, "aud": "ensemble-api", "sub": "1", "sid": "x",
                    "jti": "j", "iat": now - 3600, "exp": now - 1800}),
            &EncodingKey::from_secret(key.as_bytes()).unwrap(),
        )
        .unwrap()
    };
    let response = app
        .send("GET", "/api/v1/organisations", None, Some(&expired))
        .await;
    assert_problem(response, 401, "token_expired").await;
    assert_eq!(app.get_json("/api/v1/organisations").await.0, 200);
    // Signing in again is never blocked by a stale header.
    app.register("ana@example.org").await;
    let response = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .bearer_auth(&expired)
        .json(&json!({"email": "ana@example.org", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

/// The export holds everything the account has.
#[tokio::test]
async fn the_export_holds_everything_the_account_has() {
    let app = spawn_app().await;
    let owner = person(&app, "owner@example.org").await;
    let ana = person(&app, "ana@example.org").await;
    let platform = person(&app, "platform@example.org").await;
    make_admin(&app, "platform@example.org");
    create(
        &app,
        &owner,
        json!({"name": "Radio Libre", "mission": "Community radio.",
               "registration": {"registry": "FR-RNA", "number": "W751000002"}}),
    )
    .await;
    app.call(
        "POST",
        "/api/v1/organisations/radio-libre/verification",
        Some(json!({"status": "verified"})),
        Some(&platform.token),
    )
    .await;
    join(&app, "radio-libre", &owner, &ana, "editor").await;
    let (_, update) = app
        .call(
            "POST",
            "/api/v1/organisations/radio-libre/updates",
            Some(json!({"title": "On air", "body": "We broadcast tonight."})),
            Some(&ana.token),
        )
        .await;
    let update_id = update["id"].as_str().unwrap();
    app.call(
        "PUT",
        "/api/v1/organisations/radio-libre/follow",
        None,
        Some(&ana.token),
    )
    .await;
    app.call(
        "PUT",
        "/api/v1/causes/education/follow",
        None,
        Some(&ana.token),
    )
    .await;
    app.call(
        "PUT",
        &format!("/api/v1/updates/{update_id}/reaction"),
        None,
        Some(&ana.token),
    )
    .await;
    app.call(
        "POST",
        &format!("/api/v1/updates/{update_id}/comments"),
        Some(json!({"body": "Listening!"})),
        Some(&ana.token),
    )
    .await;
    let (status, _) = app
        .call(
            "POST",
            "/api/v1/organisations/radio-libre/donations",
            Some(json!({"amount_minor": 1500, "currency": "EUR", "anonymous": true})),
            Some(&ana.token),
        )
        .await;
    assert_eq!(status, 201);

    let (status, export) = app
        .call("GET", "/api/v1/me/export", None, Some(&ana.token))
        .await;
    assert_eq!(status, 200);
    assert_eq!(export["user"]["email"], "ana@example.org");
    assert_eq!(export["followed_organisations"][0]["slug"], "radio-libre");
    assert_eq!(export["followed_causes"], json!(["education"]));
    assert_eq!(export["donations"][0]["amount_minor"], 1500);
    assert_eq!(
        export["donations"][0]["donor_name"], "Test Person",
        "the donor sees their own name"
    );
    assert_eq!(export["comments"][0]["body"], "Listening!");
    assert_eq!(export["reactions"][0]["update_id"], update_id);
    assert_eq!(
        export["memberships"][0]["organisation"]["slug"],
        "radio-libre"
    );
    assert_eq!(export["memberships"][0]["role"], "editor");
    assert_eq!(export["invitations"][0]["status"], "accepted");
    assert_eq!(export["notifications"][0]["kind"], "invitation");
    assert_eq!(export["sessions"].as_array().unwrap().len(), 1);
    assert!(export.get("password_hash").is_none());
    assert!(!export.to_string().contains("$argon2"), "no secret leaves");
}

/// What someone follows privately shows through nothing others can see.
#[tokio::test]
async fn private_follows_shape_nothing_anyone_else_sees() {
    let app = spawn_app().await;
    let owner = person(&app, "owner@example.org").await;
    for name in ["Alpha Aid", "Beta Aid", "Gamma Aid"] {
        create(&app, &owner, json!({"name": name, "mission": "Helping."})).await;
    }
    let secretive = person(&app, "secret@example.org").await;
    app.call(
        "PATCH",
        "/api/v1/me",
        Some(json!({"follows_public": false})),
        Some(&secretive.token),
    )
    .await;
    for slug in ["alpha-aid", "beta-aid"] {
        app.call(
            "PUT",
            &format!("/api/v1/organisations/{slug}/follow"),
            None,
            Some(&secretive.token),
        )
        .await;
    }
    let (_, related) = app
        .get_json("/api/v1/organisations/alpha-aid/related")
        .await;
    assert_eq!(related["items"], json!([]), "{related}");
    let (_, followers) = app
        .get_json("/api/v1/organisations/alpha-aid/followers")
        .await;
    assert_eq!(followers["items"], json!([]));
    let reader = person(&app, "reader@example.org").await;
    app.call(
        "PUT",
        "/api/v1/organisations/alpha-aid/follow",
        None,
        Some(&reader.token),
    )
    .await;
    let (_, suggested) = app
        .call("GET", "/api/v1/me/suggestions", None, Some(&reader.token))
        .await;
    assert!(
        !suggested["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["slug"] == "beta-aid" && o["reason"] == "co_followed"),
        "{suggested}"
    );

    // Made public, the same follows count.
    app.call(
        "PATCH",
        "/api/v1/me",
        Some(json!({"follows_public": true})),
        Some(&secretive.token),
    )
    .await;
    let (_, related) = app
        .get_json("/api/v1/organisations/alpha-aid/related")
        .await;
    assert_eq!(related["items"][0]["slug"], "beta-aid", "{related}");
}

/// `/metrics` answers its token's bearer, or, without a token, only this machine directly.
#[tokio::test]
async fn metrics_are_not_open_to_anyone() {
    let app = spawn_app().await;
    assert_eq!(
        app.get("/metrics").await.status(),
        200,
        "loopback, directly"
    );
    let through_proxy = app
        .client
        .get(app.url("/metrics"))
        .header("X-Forwarded-For", "203.0.113.1")
        .send()
        .await
        .unwrap();
    assert_problem(through_proxy, 403, "forbidden").await;

    // Deployed (a public address), without a token: nobody.
    let deployed = spawn_app_with(|s| {
        s.public_url = Some("http://ensemble.example".parse().unwrap());
    })
    .await;
    assert_problem(deployed.get("/metrics").await, 403, "forbidden").await;

    let guarded = spawn_app_with(|s| s.metrics_token = Some("metrics-secret-token".into())).await;
    assert_problem(guarded.get("/metrics").await, 403, "forbidden").await;
    let wrong = guarded
        .client
        .get(guarded.url("/metrics"))
        .bearer_auth("metrics-secret-tokeN")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 403);
    let right = guarded
        .client
        .get(guarded.url("/metrics"))
        .bearer_auth("metrics-secret-token")
        .send()
        .await
        .unwrap();
    assert_eq!(right.status(), 200);
}

/// Names that reorder or hide text cannot pass for someone else's.
#[tokio::test]
async fn names_with_invisible_or_reordering_characters_are_refused() {
    let app = spawn_app().await;
    let response = app
        .send(
            "POST",
            "/api/v1/auth/register",
            Some(json!({"email": "x@example.org", "password": PASSWORD,
                        "display_name": "Admin\u{202E}nimda"})),
            None,
        )
        .await;
    assert_field_error(response, 422, "display_name", "invisible_characters").await;
    let owner = person(&app, "owner@example.org").await;
    let response = app
        .send(
            "POST",
            "/api/v1/organisations",
            Some(json!({"name": "Red\u{200B}Cross", "mission": "Not them."})),
            Some(&owner.token),
        )
        .await;
    assert_field_error(response, 422, "name", "invisible_characters").await;
}

/// Fifty token creations at once stop at the cap.
#[tokio::test]
async fn the_api_token_cap_holds_under_concurrency() {
    let app = spawn_app_with(|s| s.workers = Some(4)).await;
    let ana: Person = person(&app, "ana@example.org").await;
    let made: Vec<u16> = futures_util::stream::iter(0..60)
        .map(|n| {
            let app = &app;
            let token = ana.token.clone();
            async move {
                app.call(
                    "POST",
                    "/api/v1/me/tokens",
                    Some(json!({"name": format!("t{n}"), "scope": "read"})),
                    Some(&token),
                )
                .await
                .0
            }
        })
        .buffer_unordered(60)
        .collect()
        .await;
    assert_eq!(made.iter().filter(|s| **s == 201).count(), 50, "{made:?}");
    assert_eq!(made.iter().filter(|s| **s == 409).count(), 10);
}

/// Each sign-in start keeps a row until it expires: a client gets only so many.
#[tokio::test]
async fn provider_sign_in_starts_are_limited_per_client() {
    let fake = crate::fake_provider::FakeProvider::start().await;
    let base = fake.base.clone();
    let app = spawn_app_with(move |s| {
        s.oidc_issuer = Some(base.parse().unwrap());
        s.oidc_client_id = Some(crate::fake_provider::CLIENT_ID.into());
        s.oidc_client_secret = Some(crate::fake_provider::CLIENT_SECRET.into());
        s.auth_attempts_per_ip = 3;
    })
    .await;
    for _ in 0..3 {
        assert_eq!(app.get("/api/v1/auth/oauth/oidc/start").await.status(), 302);
    }
    assert_problem(
        app.get("/api/v1/auth/oauth/oidc/start").await,
        429,
        "rate_limited",
    )
    .await;
}

/// Translations are bounded; a one-character Chinese search finds a name.
#[tokio::test]
async fn translations_are_bounded_and_short_chinese_searches_find_names() {
    let app = spawn_app().await;
    let owner = person(&app, "owner@example.org").await;
    create(
        &app,
        &owner,
        json!({"name": "绿色希望", "mission": "Trees for the hills.", "language": "zh"}),
    )
    .await;
    let (_, found) = app.get_json("/api/v1/organisations?q=绿").await;
    assert_eq!(found["items"][0]["slug"], "lu-se-xi-wang", "{found}");
    let many: serde_json::Map<String, Value> = [
        "en", "fr", "es", "de", "it", "pt", "nl", "sv", "da", "fi", "no", "pl", "cs", "sk", "hu",
        "ro", "bg", "el", "tr", "ru", "uk",
    ]
    .iter()
    .map(|l| {
        (
            (*l).to_owned(),
            json!({"mission": "A mission.", "description": ""}),
        )
    })
    .collect();
    let response = app
        .send(
            "PATCH",
            "/api/v1/organisations/lu-se-xi-wang",
            Some(json!({"translations": many})),
            Some(&owner.token),
        )
        .await;
    assert_field_error(response, 422, "translations", "too_many").await;
}
