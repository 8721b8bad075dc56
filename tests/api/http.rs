//! Cross-cutting HTTP behaviour: request ids, security headers, CORS, compression.

use crate::helpers::{spawn_app, spawn_app_with};

#[tokio::test]
async fn every_response_has_a_request_id_and_keeps_a_sane_incoming_one() {
    let app = spawn_app().await;
    let generated = app.get("/healthz").await;
    let id = generated.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(id.len(), 32);

    let kept = app
        .client
        .get(app.url("/healthz"))
        .header("x-request-id", "trace-abc_123")
        .send()
        .await
        .unwrap();
    assert_eq!(kept.headers()["x-request-id"], "trace-abc_123");

    let replaced = app
        .client
        .get(app.url("/healthz"))
        .header("x-request-id", "<script>")
        .send()
        .await
        .unwrap();
    assert_ne!(replaced.headers()["x-request-id"], "<script>");
}

#[tokio::test]
async fn security_headers_are_set() {
    let app = spawn_app().await;
    let response = app.get("/api/v1/organisations").await;
    let headers = response.headers();
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["x-frame-options"], "DENY");
    assert_eq!(
        headers["referrer-policy"],
        "strict-origin-when-cross-origin"
    );
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"));
    assert!(
        headers.get("strict-transport-security").is_none(),
        "only behind https"
    );
}

#[tokio::test]
async fn hsts_when_served_over_https() {
    let app = spawn_app_with(|s| {
        s.public_url = Some("https://ensemble.example".parse().unwrap());
        // A test deployment on https: the sandbox must be allowed explicitly.
        s.allow_sandbox = true;
    })
    .await;
    let response = app.get("/healthz").await;
    assert!(
        response.headers()["strict-transport-security"]
            .to_str()
            .unwrap()
            .starts_with("max-age=")
    );
}

#[tokio::test]
async fn cors_is_off_by_default() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(app.url("/api/v1/organisations"))
        .header("origin", "https://elsewhere.example")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
}

#[tokio::test]
async fn cors_allows_configured_origins_only() {
    let app = spawn_app_with(|s| s.cors_origins = vec!["https://client.example".into()]).await;
    let preflight = app
        .client
        .request(reqwest::Method::OPTIONS, app.url("/api/v1/organisations"))
        .header("origin", "https://client.example")
        .header("access-control-request-method", "GET")
        .header("access-control-request-headers", "authorization")
        .send()
        .await
        .unwrap();
    assert_eq!(preflight.status(), 200);
    assert_eq!(
        preflight.headers()["access-control-allow-origin"],
        "https://client.example"
    );

    let simple = app
        .client
        .get(app.url("/api/v1/organisations"))
        .header("origin", "https://client.example")
        .send()
        .await
        .unwrap();
    assert_eq!(
        simple.headers()["access-control-allow-origin"],
        "https://client.example"
    );
    assert!(
        simple.headers()["access-control-expose-headers"]
            .to_str()
            .unwrap()
            .contains("x-request-id")
    );

    let other = app
        .client
        .get(app.url("/api/v1/organisations"))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert!(other.headers().get("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn responses_are_compressed_when_asked() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(app.url("/api/openapi.json"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-encoding"], "gzip");
}

#[tokio::test]
async fn public_reads_carry_an_etag_and_answer_304_until_they_change() {
    let app = spawn_app().await;
    let owner = crate::helpers::person(&app, "cache-owner@example.org").await;
    let profile = crate::helpers::create(
        &app,
        &owner,
        serde_json::json!({"name": "Cached Water", "mission": "Clean water for all."}),
    )
    .await;
    let path = &format!(
        "/api/v1/organisations/{}",
        profile["slug"].as_str().unwrap()
    );
    let first = app.get(path).await;
    assert_eq!(first.status(), 200);
    assert_eq!(first.headers()["cache-control"], "public, max-age=60");
    assert!(
        first.headers()["vary"]
            .to_str()
            .unwrap()
            .contains("Accept-Language")
    );
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    assert!(etag.starts_with("W/\""), "{etag}");

    let again = app
        .client
        .get(app.url(path))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    assert_eq!(again.headers()["etag"], etag.as_str());
    assert!(again.bytes().await.unwrap().is_empty());

    // A change gives a new tag: the old one no longer matches.
    let edited = app
        .send(
            "PATCH",
            path,
            Some(serde_json::json!({"mission": "Clean water for everyone."})),
            Some(&owner.token),
        )
        .await;
    assert_eq!(edited.status(), 200);
    let changed = app
        .client
        .get(app.url(path))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), 200);
    assert_ne!(changed.headers()["etag"], etag.as_str());

    // A signed-in reader's view is private and revalidated.
    let mine = app
        .send("GET", "/api/v1/me/feed", None, Some(&owner.token))
        .await;
    assert_eq!(mine.status(), 200);
    assert_eq!(mine.headers()["cache-control"], "private, no-cache");
    assert!(mine.headers().contains_key("etag"));

    // Errors and writes are not cached.
    let missing = app.get("/api/v1/organisations/no-such-one").await;
    assert_eq!(missing.status(), 404);
    assert!(missing.headers().get("etag").is_none());
    assert!(missing.headers().get("cache-control").is_none());
}
