//! Every client mistake is a 4xx problem+json with a stable code, never a 500.

use crate::helpers::{assert_problem, spawn_app};

#[tokio::test]
async fn unknown_api_route_is_404_route_not_found() {
    let app = spawn_app().await;
    for path in [
        "/api/v1/nothing-here",
        "/api/v2/organisations",
        "/api",
        "/api/v1/organisations/x/y/z",
    ] {
        assert_problem(app.get(path).await, 404, "route_not_found").await;
    }
}

#[tokio::test]
async fn wrong_method_is_405_with_allow() {
    let app = spawn_app().await;
    for method in ["PUT", "DELETE", "PATCH"] {
        let response = app
            .client
            .request(method.parse().unwrap(), app.url("/api/v1/organisations"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.headers()["allow"], "GET, POST", "{method}");
        assert_problem(response, 405, "method_not_allowed").await;
    }
    let response = app
        .client
        .post(app.url("/api/v1/organisations/some-slug"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["allow"], "GET, DELETE, PATCH");
    assert_problem(response, 405, "method_not_allowed").await;
    let response = app.client.delete(app.url("/healthz")).send().await.unwrap();
    assert_problem(response, 405, "method_not_allowed").await;
}

#[tokio::test]
async fn problems_are_titled_in_the_requested_language() {
    let app = spawn_app().await;
    for (accept, title) in [
        ("fr-FR,fr;q=0.9", "Il n'y a rien à cette adresse"),
        ("es", "No hay nada en esta dirección"),
        ("zh-CN", "此地址不存在"),
        ("de", "There is nothing at this address"),
    ] {
        let response = app
            .client
            .get(app.url("/api/v1/nope"))
            .header("accept-language", accept)
            .send()
            .await
            .unwrap();
        let body = assert_problem(response, 404, "route_not_found").await;
        assert_eq!(body["title"], title, "{accept}");
    }
}

#[tokio::test]
async fn json_bodies_malformed_mistyped_oversized_or_not_json_are_4xx() {
    let app = crate::helpers::spawn_app_with(|s| s.max_body_bytes = 1024).await;
    let url = app.url("/api/v1/auth/login");
    let post = |body: &'static str, content_type: Option<&'static str>| {
        let mut request = app.client.post(&url).body(body);
        if let Some(ct) = content_type {
            request = request.header("content-type", ct);
        }
        request.send()
    };
    let body = assert_problem(
        post("{\"email\": ", Some("application/json"))
            .await
            .unwrap(),
        400,
        "malformed_json",
    )
    .await;
    assert!(
        !body["detail"].as_str().unwrap().contains("line"),
        "no parser internals"
    );
    assert_problem(
        post("", Some("application/json")).await.unwrap(),
        400,
        "malformed_json",
    )
    .await;
    assert_problem(
        post(
            "{\"email\": \"a@example.org\", \"password\": \"b\"} {}",
            Some("application/json"),
        )
        .await
        .unwrap(),
        400,
        "malformed_json",
    )
    .await;
    assert_problem(
        post(
            "{\"email\": 1, \"password\": \"x\"}",
            Some("application/json"),
        )
        .await
        .unwrap(),
        422,
        "validation_failed",
    )
    .await;
    assert_problem(
        post("email=a", Some("application/x-www-form-urlencoded"))
            .await
            .unwrap(),
        415,
        "unsupported_media_type",
    )
    .await;
    assert_problem(
        post("{}", None).await.unwrap(),
        415,
        "unsupported_media_type",
    )
    .await;
    let ok_type = app
        .client
        .post(&url)
        .header("content-type", "application/json; charset=utf-8")
        .body(r#"{"email": "a@example.org", "password": "whatever it is"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(ok_type.status(), 401, "charset parameter accepted");

    let big = format!(
        "{{\"email\": \"{}\", \"password\": \"x\"}}",
        "a".repeat(2000)
    );
    let response = app
        .client
        .post(&url)
        .header("content-type", "application/json")
        .body(big)
        .send()
        .await
        .unwrap();
    assert_problem(response, 413, "payload_too_large").await;
    // Without a Content-Length (chunked), the limit holds while reading.
    let chunks: Vec<Result<String, std::io::Error>> =
        (0..40).map(|_| Ok("x".repeat(100))).collect();
    let stream = futures_util::stream::iter(chunks);
    let response = app
        .client
        .post(&url)
        .header("content-type", "application/json")
        .body(reqwest::Body::wrap_stream(stream))
        .send()
        .await
        .unwrap();
    assert_problem(response, 413, "payload_too_large").await;
}

/// PostgreSQL refuses text containing a NUL byte with an error; such input must be
/// answered before it reaches a query, on both backends alike.
#[tokio::test]
async fn nul_bytes_and_impossible_times_never_reach_the_database() {
    use serde_json::json;
    let app = crate::helpers::spawn_app().await;
    let token = crate::helpers::access(&app.register("ana@example.org").await);
    let login = json!({"email": "a\u{0}@example.org", "password": "whatever it is"});
    assert_problem(
        app.send("POST", "/api/v1/auth/login", Some(login), None)
            .await,
        401,
        "invalid_credentials",
    )
    .await;
    assert_problem(
        app.get("/api/v1/organisations/x%00").await,
        404,
        "not_found",
    )
    .await;
    assert_problem(
        app.get("/api/v1/organisations/x%00/members").await,
        404,
        "not_found",
    )
    .await;
    let patch = app
        .send(
            "PATCH",
            "/api/v1/organisations/x%00",
            Some(json!({"city": "X"})),
            Some(&token),
        )
        .await;
    assert_problem(patch, 404, "not_found").await;
    assert_problem(
        app.send("PUT", "/api/v1/causes/x%00/follow", None, Some(&token))
            .await,
        404,
        "not_found",
    )
    .await;
    assert_problem(
        app.send("DELETE", "/api/v1/me/tokens/x%00", None, Some(&token))
            .await,
        404,
        "not_found",
    )
    .await;
    let create = json!({"name": "A", "mission": "B", "causes": ["a\u{0}"]});
    let create = app
        .send("POST", "/api/v1/organisations", Some(create), Some(&token))
        .await;
    crate::helpers::assert_field_error(create, 422, "causes", "unknown_cause").await;

    use base64::Engine;
    let before_year_one =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode("1.-1000000000000000000.1");
    let response = app
        .get(&format!("/api/v1/organisations?cursor={before_year_one}"))
        .await;
    crate::helpers::assert_field_error(response, 400, "cursor", "invalid_cursor").await;
}
