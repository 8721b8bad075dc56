//! Registration, sign-in, refresh tokens, logout, token attacks, rate limits.

use serde_json::{Value, json};

use crate::helpers::{PASSWORD, TestApp, access, assert_problem, spawn_app, spawn_app_with};

async fn login(app: &TestApp, email: &str, password: &str) -> (u16, Value) {
    app.call(
        "POST",
        "/api/v1/auth/login",
        Some(json!({"email": email, "password": password})),
        None,
    )
    .await
}

#[tokio::test]
async fn register_answers_tokens_and_the_user() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url("/api/v1/auth/register"))
        .header("accept-language", "fr-FR")
        .json(&json!({"email": "  Ana@Example.org ", "password": PASSWORD, "display_name": "  Ana Lopez "}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let auth: Value = response.json().await.unwrap();
    assert_eq!(auth["token_type"], "Bearer");
    assert_eq!(auth["expires_in"], 900);
    assert!(
        auth["refresh_token"]
            .as_str()
            .unwrap()
            .starts_with("ens_rt_")
    );
    let user = &auth["user"];
    assert_eq!(user["email"], "Ana@Example.org");
    assert_eq!(user["display_name"], "Ana Lopez");
    assert_eq!(user["locale"], "fr", "from Accept-Language");
    assert_eq!(user["is_admin"], false);
    assert!(user["id"].as_str().is_some());

    let (status, me) = app
        .call("GET", "/api/v1/me", None, Some(&access(&auth)))
        .await;
    assert_eq!(status, 200);
    assert_eq!(me, *user);
}

#[tokio::test]
async fn emails_are_unique_whatever_their_case() {
    let app = spawn_app().await;
    app.register("ana@example.org").await;
    let response = app
        .send(
            "POST",
            "/api/v1/auth/register",
            Some(
                json!({"email": "ANA@Example.ORG", "password": PASSWORD, "display_name": "Other"}),
            ),
            None,
        )
        .await;
    assert_problem(response, 409, "email_taken").await;
    let (status, _) = login(&app, "AnA@example.org", PASSWORD).await;
    assert_eq!(status, 200, "login is case-insensitive too");
}

#[tokio::test]
async fn registration_validates_every_field_and_saves_nothing_on_error() {
    let app = spawn_app().await;
    let cases = [
        (
            json!({"email": "nope", "password": PASSWORD, "display_name": "A"}),
            vec![("email", "invalid_email")],
        ),
        (
            json!({"email": "a@example.org", "password": "short", "display_name": "A"}),
            vec![("password", "too_short")],
        ),
        (
            json!({"email": "a@example.org", "password": "password123", "display_name": "A"}),
            vec![("password", "too_common")],
        ),
        (
            json!({"email": "a@example.org", "password": "x".repeat(1025), "display_name": "A"}),
            vec![("password", "too_long")],
        ),
        (
            json!({"email": "a@example.org", "password": PASSWORD, "display_name": "   "}),
            vec![("display_name", "required")],
        ),
        (
            json!({"email": "a@example.org", "password": PASSWORD, "display_name": "é".repeat(81)}),
            vec![("display_name", "too_long")],
        ),
        (
            json!({"email": "a@example.org", "password": PASSWORD, "display_name": "a\u{7}b"}),
            vec![("display_name", "control_characters")],
        ),
        (
            json!({"email": "a@example.org", "password": PASSWORD, "display_name": "A", "locale": "de"}),
            vec![("locale", "unsupported_locale")],
        ),
        (
            json!({"email": "", "password": "", "display_name": ""}),
            vec![
                ("email", "required"),
                ("password", "too_short"),
                ("display_name", "required"),
            ],
        ),
        (
            json!({"email": "a@example.org", "password": PASSWORD}),
            vec![("display_name", "required")],
        ),
        (
            json!({"email": "a@example.org", "password": PASSWORD, "display_name": 5}),
            vec![("display_name", "invalid_type")],
        ),
        (
            json!({"email": "a@example.org", "password": PASSWORD, "display_name": "A", "admin": true}),
            vec![("admin", "unknown_field")],
        ),
    ];
    for (body, expected) in cases {
        let response = app
            .send("POST", "/api/v1/auth/register", Some(body.clone()), None)
            .await;
        let problem = assert_problem(response, 422, "validation_failed").await;
        let got: Vec<(String, String)> = problem["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["field"].as_str().unwrap().to_owned(),
                    e["code"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        let expected: Vec<(String, String)> = expected
            .iter()
            .map(|(f, c)| (f.to_string(), c.to_string()))
            .collect();
        assert_eq!(got, expected, "{body}");
    }
    let (status, _) = login(&app, "a@example.org", PASSWORD).await;
    assert_eq!(status, 401, "no account was half-created");
}

#[tokio::test]
async fn login_does_not_reveal_whether_an_email_exists() {
    let app = spawn_app().await;
    app.register("ana@example.org").await;
    let wrong_password = app
        .send(
            "POST",
            "/api/v1/auth/login",
            Some(json!({"email": "ana@example.org", "password": "wrong password!"})),
            None,
        )
        .await;
    assert_eq!(
        wrong_password.headers()["www-authenticate"],
        "Bearer realm=\"ensemble\""
    );
    let mut a = assert_problem(wrong_password, 401, "invalid_credentials").await;
    let unknown = app
        .send(
            "POST",
            "/api/v1/auth/login",
            Some(json!({"email": "nobody@example.org", "password": "wrong password!"})),
            None,
        )
        .await;
    let mut b = assert_problem(unknown, 401, "invalid_credentials").await;
    a.as_object_mut().unwrap().remove("request_id");
    b.as_object_mut().unwrap().remove("request_id");
    assert_eq!(a, b);
}

#[tokio::test]
async fn refresh_rotates_and_reuse_revokes_the_whole_session() {
    let app = spawn_app().await;
    let first = app.register("ana@example.org").await;
    let old_refresh = first["refresh_token"].as_str().unwrap();

    let (status, second) = app
        .call(
            "POST",
            "/api/v1/auth/refresh",
            Some(json!({"refresh_token": old_refresh})),
            None,
        )
        .await;
    assert_eq!(status, 200, "{second}");
    let new_refresh = second["refresh_token"].as_str().unwrap();
    assert_ne!(new_refresh, old_refresh);
    assert_eq!(second["user"]["email"], "ana@example.org");
    assert_eq!(
        app.call("GET", "/api/v1/me", None, Some(&access(&second)))
            .await
            .0,
        200
    );

    // The old token again: someone else may hold it. The family dies.
    let reuse = app
        .send(
            "POST",
            "/api/v1/auth/refresh",
            Some(json!({"refresh_token": old_refresh})),
            None,
        )
        .await;
    assert_problem(reuse, 401, "refresh_token_reused").await;
    let after = app
        .send(
            "POST",
            "/api/v1/auth/refresh",
            Some(json!({"refresh_token": new_refresh})),
            None,
        )
        .await;
    assert_problem(after, 401, "invalid_refresh_token").await;
    let me = app
        .send("GET", "/api/v1/me", None, Some(&access(&second)))
        .await;
    assert_problem(me, 401, "invalid_token").await;

    // Another session of the same person is untouched.
    let (status, other) = login(&app, "ana@example.org", PASSWORD).await;
    assert_eq!(status, 200);
    assert_eq!(
        app.call("GET", "/api/v1/me", None, Some(&access(&other)))
            .await
            .0,
        200
    );
}

#[tokio::test]
async fn concurrent_refreshes_with_one_token_succeed_once() {
    let app = spawn_app().await;
    let auth = app.register("ana@example.org").await;
    let refresh = auth["refresh_token"].as_str().unwrap().to_owned();
    let attempts = (0..8).map(|_| {
        app.call(
            "POST",
            "/api/v1/auth/refresh",
            Some(json!({"refresh_token": refresh})),
            None,
        )
    });
    let results = futures_util::future::join_all(attempts).await;
    let ok = results.iter().filter(|(status, _)| *status == 200).count();
    assert_eq!(ok, 1, "{results:?}");
    assert!(
        results
            .iter()
            .all(|(status, _)| *status == 200 || *status == 401),
        "{results:?}"
    );
}

#[tokio::test]
async fn logout_ends_the_session() {
    let app = spawn_app().await;
    let auth = app.register("ana@example.org").await;
    let refresh = auth["refresh_token"].as_str().unwrap();
    let (status, _) = app
        .call(
            "POST",
            "/api/v1/auth/logout",
            Some(json!({"refresh_token": refresh})),
            None,
        )
        .await;
    assert_eq!(status, 204);
    assert_problem(
        app.send("GET", "/api/v1/me", None, Some(&access(&auth)))
            .await,
        401,
        "invalid_token",
    )
    .await;
    let again = app
        .send(
            "POST",
            "/api/v1/auth/refresh",
            Some(json!({"refresh_token": refresh})),
            None,
        )
        .await;
    assert_problem(again, 401, "invalid_refresh_token").await;
    let (status, _) = app
        .call(
            "POST",
            "/api/v1/auth/logout",
            Some(json!({"refresh_token": "ens_rt_unknown"})),
            None,
        )
        .await;
    assert_eq!(status, 204, "logout is idempotent");
}

fn signing_key(app: &TestApp) -> String {
    let text = std::fs::read_to_string(app.dir.path().join("data/secrets.json")).unwrap();
    let secrets: Value = serde_json::from_str(&text).unwrap();
    secrets["token_signing_key"].as_str().unwrap().to_owned()
}

fn b64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn sign(claims: &Value, key: &str) -> String {
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        claims,
        &jsonwebtoken::EncodingKey::from_secret(key.as_bytes()).unwrap(),
    )
    .unwrap()
}

#[tokio::test]
async fn forged_altered_expired_and_misused_tokens_are_refused() {
    let app = spawn_app().await;
    let victim = app.register("victim@example.org").await;
    let attacker = app.register("attacker@example.org").await;
    let token = access(&attacker);
    let parts: Vec<&str> = token.split('.').collect();
    let claims: Value = {
        use base64::Engine;
        serde_json::from_slice(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(parts[1])
                .unwrap(),
        )
        .unwrap()
    };
    let key = signing_key(&app);
    let now = chrono::Utc::now().timestamp();

    let mut edited = claims.clone();
    edited["sub"] = victim["user"]["id"].clone();
    let alg_none = format!(
        "{}.{}.",
        b64(br#"{"alg":"none","typ":"JWT"}"#),
        b64(edited.to_string().as_bytes())
    );
    let edited_claims = format!(
        "{}.{}.{}",
        parts[0],
        b64(edited.to_string().as_bytes()),
        parts[2]
    );
    let wrong_key = sign(&edited, &"w".repeat(48));
    let mut expired = claims.clone();
    expired["iat"] = json!(now - 3600);
    expired["exp"] = json!(now - 1800);
    let expired = sign(&expired, &key);
    let mut other_audience = claims.clone();
    other_audience["aud"] = json!("someone-else");
    let other_audience = sign(&other_audience, &key);
    let mut other_issuer = claims.clone();
    other_issuer["iss"] = json!("https://evil.example");
    let other_issuer = sign(&other_issuer, &key);
    let mut no_exp = claims.clone();
    no_exp.as_object_mut().unwrap().remove("exp");
    let no_exp = sign(&no_exp, &key);
    let hs512 = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS512),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(key.as_bytes()).unwrap(),
    )
    .unwrap();
    let refresh_as_access = attacker["refresh_token"].as_str().unwrap().to_owned();

    for (name, bad, code) in [
        ("alg none", alg_none, "invalid_token"),
        ("edited claims", edited_claims, "invalid_token"),
        ("wrong signature", wrong_key, "invalid_token"),
        ("expired", expired, "token_expired"),
        ("other audience", other_audience, "invalid_token"),
        ("other issuer", other_issuer, "invalid_token"),
        ("no exp", no_exp, "invalid_token"),
        ("other algorithm", hs512, "invalid_token"),
        (
            "refresh token as access",
            refresh_as_access,
            "invalid_token",
        ),
        ("garbage", "not.a.token".into(), "invalid_token"),
    ] {
        let response = app.send("GET", "/api/v1/me", None, Some(&bad)).await;
        assert_eq!(
            response.headers()["www-authenticate"],
            "Bearer realm=\"ensemble\", error=\"invalid_token\"",
            "{name}"
        );
        let problem = assert_problem(response, 401, code).await;
        assert!(problem.get("errors").is_none(), "{name}");
    }

    // A correctly signed token of a session that does not exist.
    let mut ghost = claims.clone();
    ghost["sid"] = json!("no-such-session");
    assert_problem(
        app.send("GET", "/api/v1/me", None, Some(&sign(&ghost, &key)))
            .await,
        401,
        "invalid_token",
    )
    .await;

    let missing = app.send("GET", "/api/v1/me", None, None).await;
    assert_eq!(
        missing.headers()["www-authenticate"],
        "Bearer realm=\"ensemble\""
    );
    assert_problem(missing, 401, "unauthorized").await;
    let basic = app
        .client
        .get(app.url("/api/v1/me"))
        .header("authorization", "Basic YTpi")
        .send()
        .await
        .unwrap();
    assert_problem(basic, 401, "invalid_token").await;
}

#[tokio::test]
async fn login_and_registration_are_rate_limited_per_ip() {
    let app = spawn_app_with(|s| s.auth_attempts_per_ip = 3).await;
    for _ in 0..3 {
        let (status, _) = login(&app, "nobody@example.org", "wrong password!").await;
        assert_eq!(status, 401);
    }
    let limited = app
        .send(
            "POST",
            "/api/v1/auth/login",
            Some(json!({"email": "nobody@example.org", "password": "x"})),
            None,
        )
        .await;
    let retry_after: u64 = limited.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=600).contains(&retry_after));
    assert_problem(limited, 429, "rate_limited").await;
    let register = app
        .send(
            "POST",
            "/api/v1/auth/register",
            Some(json!({"email": "new@example.org", "password": PASSWORD, "display_name": "N"})),
            None,
        )
        .await;
    assert_problem(register, 429, "rate_limited").await;
}

#[tokio::test]
async fn failed_logins_are_limited_per_account() {
    let app = spawn_app_with(|s| s.auth_failures_per_account = 2).await;
    app.register("ana@example.org").await;
    for _ in 0..2 {
        assert_eq!(
            login(&app, "ana@example.org", "wrong password!").await.0,
            401
        );
    }
    let (status, body) = login(&app, "ANA@example.org", PASSWORD).await;
    assert_eq!((status, body["code"].as_str()), (429, Some("rate_limited")));
    let (status, _) = login(&app, "other@example.org", "wrong password!").await;
    assert_eq!(status, 401, "other accounts are not affected");
}

#[tokio::test]
async fn providers_list_the_password_method() {
    let app = spawn_app().await;
    let (status, body) = app.get_json("/api/v1/auth/providers").await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!([{"id": "password", "name": "Email and password"}])
    );
}
