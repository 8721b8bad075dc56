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
    for method in ["POST", "PUT", "DELETE", "PATCH"] {
        let response = app
            .client
            .request(method.parse().unwrap(), app.url("/api/v1/organisations"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.headers()["allow"], "GET", "{method}");
        assert_problem(response, 405, "method_not_allowed").await;
    }
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
