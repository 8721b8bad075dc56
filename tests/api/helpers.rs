use std::path::Path;

use actix_web::dev::ServerHandle;
use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};
use ensemble_api::config::Settings;
use ensemble_api::db::Db;
use ensemble_api::startup::Application;
use serde_json::Value;
use tempfile::TempDir;

/// A running server with its own database, stopped and cleaned up on drop.
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub db: Db,
    pub dir: TempDir,
    handle: ServerHandle,
    /// Dropped with the app: the test database goes too.
    _postgres: Option<PgTestDb>,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

pub async fn spawn_app_with(customise: impl FnOnce(&mut Settings)) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = Settings::new(dir.path().join("data"), "127.0.0.1:0");
    settings.workers = Some(1);
    settings.db_pool_size = 4;
    settings.web_dir = dir.path().join("web");
    let postgres = PgTestDb::create_if_configured();
    settings.database_url = postgres.as_ref().map(|pg| pg.url.clone());
    customise(&mut settings);

    let app = tokio::task::spawn_blocking(move || Application::build(settings))
        .await
        .unwrap()
        .expect("the application starts");
    let address = format!("http://127.0.0.1:{}", app.port());
    let db = app.db().clone();
    let handle = app.handle();
    tokio::spawn(app.run_until_stopped());
    TestApp {
        address,
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
        db,
        dir,
        handle,
        _postgres: postgres,
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.unwrap()
    }

    pub async fn get_json(&self, path: &str) -> (u16, Value) {
        let response = self.get(path).await;
        let status = response.status().as_u16();
        (status, response.json().await.unwrap())
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // Sends the stop command now; the database is dropped with FORCE regardless.
        drop(self.handle.stop(false));
    }
}

/// Asserts a problem+json answer and returns its body.
pub async fn assert_problem(response: reqwest::Response, status: u16, code: &str) -> Value {
    assert_eq!(response.status().as_u16(), status, "status");
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned());
    assert_eq!(content_type.as_deref(), Some("application/problem+json"));
    let request_id = response
        .headers()
        .get("x-request-id")
        .map(|v| v.to_str().unwrap().to_owned());
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["code"], code, "{body}");
    assert_eq!(body["status"], status);
    assert!(body["title"].as_str().is_some_and(|t| !t.is_empty()));
    assert_eq!(body["type"], format!("urn:ensemble:problem:{code}"));
    assert_eq!(body["request_id"].as_str(), request_id.as_deref());
    body
}

/// A PostgreSQL database created for one test and dropped after it.
struct PgTestDb {
    admin_url: String,
    name: String,
    url: String,
}

impl PgTestDb {
    fn create_if_configured() -> Option<Self> {
        let admin_url = std::env::var("TEST_DATABASE_URL").ok()?;
        if !admin_url.starts_with("postgres") {
            return None;
        }
        let name = format!("ensemble_test_{}", uuid::Uuid::new_v4().simple());
        let mut admin = PgConnection::establish(&admin_url).expect("TEST_DATABASE_URL answers");
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .unwrap();
        let mut url = url::Url::parse(&admin_url).unwrap();
        url.set_path(&name);
        Some(Self {
            admin_url,
            name,
            url: url.to_string(),
        })
    }
}

impl Drop for PgTestDb {
    fn drop(&mut self) {
        if let Ok(mut admin) = PgConnection::establish(&self.admin_url) {
            let _ = admin.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}

pub fn write_file(path: &Path, contents: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, contents).unwrap();
}
