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
    /// What `DATABASE_URL` would be to reach this app's database from the command line.
    pub database_url: String,
    /// The picture store the server uses.
    pub media: ensemble_api::media::Media,
    handle: ServerHandle,
    /// Dropped with the app: the test database goes too.
    _postgres: Option<PgTestDb>,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

pub async fn spawn_app_with(customise: impl FnOnce(&mut Settings)) -> TestApp {
    start(None, customise).await
}

/// Another server on the database of `other` (as several instances behind one address).
pub async fn spawn_app_sharing(other: &TestApp, customise: impl FnOnce(&mut Settings)) -> TestApp {
    start(Some(other.database_url.clone()), customise).await
}

async fn start(shared_database: Option<String>, customise: impl FnOnce(&mut Settings)) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = Settings::new(dir.path().join("data"), "127.0.0.1:0");
    settings.workers = Some(1);
    settings.db_pool_size = 4;
    // Jobs queued here wake the workers at once; others are looked for five times a
    // second, and a failed one is retried after a second.
    settings.job_poll_ms = 200;
    settings.job_retry_base_secs = 1;
    settings.web_dir = dir.path().join("web");
    let postgres = match &shared_database {
        Some(_) => None,
        None => PgTestDb::create_if_configured(),
    };
    settings.database_url = match shared_database {
        Some(url) => Some(url),
        None => postgres.as_ref().map(|pg| pg.url.clone()),
    };
    customise(&mut settings);
    let database_url = match &settings.database_url {
        Some(url) => url.clone(),
        None => settings
            .data_dir
            .join("ensemble.sqlite3")
            .display()
            .to_string(),
    };

    let app = tokio::task::spawn_blocking(move || Application::build(settings))
        .await
        .unwrap()
        .expect("the application starts");
    let address = format!("http://127.0.0.1:{}", app.port());
    let db = app.db().clone();
    let media = app.media().clone();
    let handle = app.handle();
    tokio::spawn(app.run_until_stopped());
    TestApp {
        address,
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            // Shorter than the server's keep-alive (5 s): a connection the server has closed
            // while a test was busy is never sent a request.
            .pool_idle_timeout(std::time::Duration::from_secs(2))
            // Like a browser: the OAuth sign-in is bound to a cookie.
            .cookie_store(true)
            .build()
            .unwrap(),
        db,
        dir,
        database_url,
        media,
        handle,
        _postgres: postgres,
    }
}

impl TestApp {
    /// Stops the server (and its job workers); its database stays until the app is dropped.
    pub async fn stop(&self) {
        self.handle.stop(false).await;
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.unwrap()
    }

    /// A request with a JSON body and, optionally, a bearer token.
    pub async fn send(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
        token: Option<&str>,
    ) -> reqwest::Response {
        let mut request = self.client.request(method.parse().unwrap(), self.url(path));
        if let Some(body) = body {
            request = request.json(&body);
        }
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.unwrap()
    }

    /// Like `send`, answering the status and the JSON body (null when empty).
    pub async fn call(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
        token: Option<&str>,
    ) -> (u16, Value) {
        let response = self.send(method, path, body, token).await;
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        (
            status,
            if text.is_empty() {
                Value::Null
            } else {
                serde_json::from_str(&text).unwrap()
            },
        )
    }

    /// Registers `email` with a good password and proves the address with the link the
    /// server mailed; answers the auth response.
    pub async fn register(&self, email: &str) -> Value {
        let before = self.mail_to(email).len();
        let auth = self.register_unverified(email).await;
        self.verify_address(email, before).await;
        auth
    }

    /// Opens the address-proving link of the first message to `email` after the first
    /// `seen` ones.
    pub async fn verify_address(&self, email: &str, seen: usize) {
        let mail = self.wait_for_new_mail(email, seen).await;
        let token = mail.link_token().expect("a link with a token");
        let (status, body) = self
            .call(
                "POST",
                "/api/v1/auth/email/confirm",
                Some(serde_json::json!({ "token": token })),
                None,
            )
            .await;
        assert_eq!(status, 200, "{body}");
    }

    /// The messages written for `to` (without SMTP, the server writes `.eml` files),
    /// oldest first.
    pub fn mail_to(&self, to: &str) -> Vec<Mail> {
        let dir = self.dir.path().join("data").join("mail");
        let mut found: Vec<(std::time::SystemTime, Mail)> = std::fs::read_dir(&dir)
            .map(|entries| {
                entries
                    .flatten()
                    .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
                    .filter_map(|e| {
                        let bytes = std::fs::read(e.path()).ok()?;
                        let at = e.metadata().ok()?.modified().ok()?;
                        Some((at, Mail::parse(&bytes)?))
                    })
                    .filter(|(_, m)| m.to.iter().any(|t| t.eq_ignore_ascii_case(to)))
                    .collect()
            })
            .unwrap_or_default();
        found.sort_by_key(|(at, _)| *at);
        found.into_iter().map(|(_, m)| m).collect()
    }

    /// Waits (10 s at most) for a message to `to` after the first `seen` ones.
    pub async fn wait_for_new_mail(&self, to: &str, seen: usize) -> Mail {
        for _ in 0..500 {
            if let Some(mail) = self.mail_to(to).into_iter().nth(seen) {
                return mail;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        panic!("no new mail to {to} came");
    }

    /// Registers `email` with a good password; answers the auth response.
    pub async fn register_unverified(&self, email: &str) -> Value {
        let (status, body) = self
            .call(
                "POST",
                "/api/v1/auth/register",
                Some(serde_json::json!({
                    "email": email,
                    "password": PASSWORD,
                    "display_name": "Test Person",
                })),
                None,
            )
            .await;
        assert_eq!(status, 201, "{body}");
        body
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

pub const PASSWORD: &str = "correct horse battery staple";

/// A message as its recipient reads it.
#[derive(Debug, Clone)]
pub struct Mail {
    pub to: Vec<String>,
    pub from: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// Every header, by lower-case name.
    pub headers: Vec<(String, String)>,
}

impl Mail {
    pub fn parse(raw: &[u8]) -> Option<Mail> {
        let message = mail_parser::MessageParser::default().parse(raw)?;
        let addresses = |a: Option<&mail_parser::Address>| -> Vec<String> {
            a.map(|a| {
                a.iter()
                    .filter_map(|m| m.address().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
        };
        Some(Mail {
            to: addresses(message.to()),
            from: addresses(message.from()).join(","),
            subject: message.subject().unwrap_or_default().to_owned(),
            text: message
                .body_text(0)
                .map(|t| t.into_owned())
                .unwrap_or_default(),
            html: message
                .body_html(0)
                .map(|t| t.into_owned())
                .unwrap_or_default(),
            headers: message
                .headers()
                .iter()
                .map(|h| {
                    let raw = raw
                        .get(h.offset_start as usize..h.offset_end as usize)
                        .map(|v| String::from_utf8_lossy(v).trim().to_owned())
                        .unwrap_or_default();
                    (h.name().to_ascii_lowercase(), raw)
                })
                .collect(),
        })
    }

    /// The first web address in the text.
    pub fn link(&self) -> Option<String> {
        self.text
            .split_whitespace()
            .find(|w| w.starts_with("http://") || w.starts_with("https://"))
            .map(str::to_owned)
    }

    /// The `token` of the link.
    pub fn link_token(&self) -> Option<String> {
        let link = url::Url::parse(&self.link()?).ok()?;
        link.query_pairs()
            .find(|(k, _)| k == "token")
            .map(|(_, v)| v.into_owned())
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The access token of an auth response.
pub fn access(auth: &Value) -> String {
    auth["access_token"].as_str().unwrap().to_owned()
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
        // Loopback needs no TLS, and libpq's OpenSSL can crash the test process at exit
        // while pool threads still hold TLS connections (seen intermittently here).
        if !url.query_pairs().any(|(k, _)| k == "sslmode") {
            url.query_pairs_mut().append_pair("sslmode", "disable");
        }
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

/// Asserts a problem whose first field error is `field` with `code`.
pub async fn assert_field_error(response: reqwest::Response, status: u16, field: &str, code: &str) {
    let problem_code = if status == 400 {
        "invalid_query"
    } else {
        "validation_failed"
    };
    let body = assert_problem(response, status, problem_code).await;
    let first = &body["errors"][0];
    assert_eq!(
        (first["field"].as_str(), first["code"].as_str()),
        (Some(field), Some(code)),
        "{body}"
    );
}

/// A registered person: their user id and access token.
pub struct Person {
    pub id: String,
    pub token: String,
}

/// Registers `email`.
pub async fn person(app: &TestApp, email: &str) -> Person {
    let auth = app.register(email).await;
    Person {
        id: auth["user"]["id"].as_str().unwrap().to_owned(),
        token: access(&auth),
    }
}

/// Creates an organisation as `owner`; answers its profile.
pub async fn create(app: &TestApp, owner: &Person, body: Value) -> Value {
    let response = app
        .send(
            "POST",
            "/api/v1/organisations",
            Some(body),
            Some(&owner.token),
        )
        .await;
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let profile: Value = response.json().await.unwrap();
    assert_eq!(
        location,
        format!(
            "/api/v1/organisations/{}",
            profile["slug"].as_str().unwrap()
        )
    );
    profile
}

/// Makes the person with this email a platform administrator.
pub fn make_admin(app: &TestApp, email: &str) {
    let mut conn = app.db.get().unwrap();
    assert!(ensemble_api::db::users::set_admin(&mut conn, email, true).unwrap());
}

/// A `Stripe-Signature` header for `body` at Unix time `at` (the v1 scheme).
pub fn stripe_signature(secret: &str, at: i64, body: &str) -> String {
    use hmac::{Hmac, Mac};
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{at}.{body}").as_bytes());
    format!("t={at},v1={}", hex::encode(mac.finalize().into_bytes()))
}

/// Delivers a provider event to `/api/v1/payments/{provider}/webhook`, signed with `secret`
/// `skew` seconds from now; answers the status.
pub async fn deliver_event(
    app: &TestApp,
    provider: &str,
    secret: &str,
    event: &serde_json::Value,
    skew: i64,
) -> u16 {
    let body = event.to_string();
    let at = chrono::Utc::now().timestamp() + skew;
    app.client
        .post(app.url(&format!("/api/v1/payments/{provider}/webhook")))
        .header("Content-Type", "application/json")
        .header("Stripe-Signature", stripe_signature(secret, at, &body))
        .body(body)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// `inviter` invites `who` to the team of `slug` with `role`, and `who` accepts: how
/// anyone joins a team. Answers the accepted invitation.
pub async fn join(app: &TestApp, slug: &str, inviter: &Person, who: &Person, role: &str) -> Value {
    let (status, invitation) = app
        .call(
            "POST",
            &format!("/api/v1/organisations/{slug}/members"),
            Some(serde_json::json!({"user_id": who.id, "role": role})),
            Some(&inviter.token),
        )
        .await;
    assert_eq!(status, 202, "{invitation}");
    assert_eq!(invitation["status"], "pending");
    let (status, accepted) = app
        .call(
            "POST",
            &format!(
                "/api/v1/me/invitations/{}/accept",
                invitation["id"].as_str().unwrap()
            ),
            None,
            Some(&who.token),
        )
        .await;
    assert_eq!(status, 200, "{accepted}");
    assert_eq!(accepted["status"], "accepted");
    accepted
}

/// A donation as `who` sees it (`GET /donations/{id}`, which must answer 200).
pub async fn donation(app: &TestApp, who: &Person, id: &str) -> Value {
    let (status, body) = app
        .call(
            "GET",
            &format!("/api/v1/donations/{id}"),
            None,
            Some(&who.token),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    body
}

/// The secret the sandbox signs its events with, as the server generated it.
pub fn sandbox_secret(app: &TestApp) -> String {
    let text = std::fs::read_to_string(app.dir.path().join("data/secrets.json")).unwrap();
    let secrets: Value = serde_json::from_str(&text).unwrap();
    secrets["sandbox_secret"].as_str().unwrap().to_owned()
}
