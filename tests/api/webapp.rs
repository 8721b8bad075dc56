//! The server serves the built web app: hashed assets cached for a year, index.html for
//! deep links, nothing outside the folder.

use crate::helpers::{assert_problem, spawn_app, write_file};

const INDEX: &str = "<!doctype html><title>Ensemble</title>";
const ASSET: &str = "ensemble-web-0123456789abcdef.js";

fn build_fake_dist(app: &crate::helpers::TestApp) {
    let web = app.dir.path().join("web");
    write_file(&web.join("index.html"), INDEX);
    write_file(&web.join(ASSET), "console.log('hi')");
    write_file(&web.join("robots.txt"), "User-agent: *");
    write_file(&app.dir.path().join("secret.txt"), "outside the web folder");
}

#[tokio::test]
async fn index_and_deep_links_serve_the_app_without_caching() {
    let app = spawn_app().await;
    build_fake_dist(&app);
    for path in [
        "/",
        "/feed",
        "/organisations/some-slug",
        "/settings?tab=tokens",
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(response.headers()["cache-control"], "no-cache");
        assert!(
            response.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
        assert_eq!(response.text().await.unwrap(), INDEX);
    }
}

#[tokio::test]
async fn hashed_assets_are_immutable_and_others_revalidated() {
    let app = spawn_app().await;
    build_fake_dist(&app);
    let response = app.get(&format!("/{ASSET}")).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("javascript")
    );
    let robots = app.get("/robots.txt").await;
    assert_eq!(robots.headers()["cache-control"], "no-cache");
}

#[tokio::test]
async fn missing_assets_are_404_and_nothing_outside_the_folder_is_served() {
    let app = spawn_app().await;
    build_fake_dist(&app);
    assert_problem(app.get("/missing-0123456789.js").await, 404, "not_found").await;
    for path in [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/.hidden",
        "/..%2fsecret.txt",
    ] {
        let response = app.get(path).await;
        let body = response.text().await.unwrap();
        assert!(!body.contains("outside the web folder"), "{path} leaked");
    }
}

#[tokio::test]
async fn writes_to_app_pages_are_405() {
    let app = spawn_app().await;
    build_fake_dist(&app);
    let response = app.client.post(app.url("/feed")).send().await.unwrap();
    assert_eq!(response.headers()["allow"], "GET, HEAD");
    assert_problem(response, 405, "method_not_allowed").await;
}

#[tokio::test]
async fn without_a_built_app_pages_say_so() {
    let app = spawn_app().await;
    let body = assert_problem(app.get("/").await, 404, "not_found").await;
    assert!(body["detail"].as_str().unwrap().contains("not built"));
}
