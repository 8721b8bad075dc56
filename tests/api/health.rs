use crate::helpers::spawn_app;

#[tokio::test]
async fn healthz_and_readyz_answer_ok() {
    let app = spawn_app().await;
    for path in ["/healthz", "/readyz"] {
        let (status, body) = app.get_json(path).await;
        assert_eq!(status, 200, "{path}");
        assert_eq!(body["status"], "ok");
    }
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_status() {
    let app = spawn_app().await;
    app.get("/api/v1/organisations").await;
    app.get("/api/v1/organisations?limit=abc").await;
    app.get("/api/v1/no-such-thing").await;
    let odd = app
        .client
        .request("FOO1".parse().unwrap(), app.url("/healthz"));
    odd.send().await.unwrap();

    let response = app.get("/metrics").await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    let text = response.text().await.unwrap();
    for expected in [
        r#"ensemble_http_requests_total{method="GET",route="/api/v1/organisations",status="200"} 1"#,
        r#"ensemble_http_requests_total{method="GET",route="/api/v1/organisations",status="400"} 1"#,
        r#"ensemble_http_requests_total{method="GET",route="unmatched",status="404"} 1"#,
        r#"ensemble_http_request_duration_seconds_count{method="GET",route="/api/v1/organisations"} 2"#,
        r#"ensemble_db_pool_connections{state="max"} 4"#,
        r#"ensemble_http_requests_total{method="OTHER",route="/healthz",status="405"} 1"#,
        r#"ensemble_jobs{state="dead"} 0"#,
    ] {
        assert!(text.contains(expected), "missing {expected} in\n{text}");
    }
    // The job workers use the pool too: its gauges are there, whatever they read now.
    for gauge in [
        r#"ensemble_db_pool_connections{state="in_use"} "#,
        r#"ensemble_jobs{state="queued"} "#,
        r#"ensemble_jobs{state="done"} "#,
    ] {
        assert!(text.contains(gauge), "missing {gauge} in\n{text}");
    }
}
