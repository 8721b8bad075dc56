//! The binary itself: subcommands, configuration from the environment, SIGTERM.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_ensemble");

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[test]
fn openapi_subcommand_prints_the_spec() {
    let output = Command::new(BIN).arg("openapi").output().unwrap();
    assert!(output.status.success());
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        ensemble_api::openapi::yaml().unwrap()
    );
}

#[test]
fn migrate_creates_the_embedded_database_and_generated_secrets_once() {
    let dir = tempfile::tempdir().unwrap();
    let run = || {
        Command::new(BIN)
            .arg("migrate")
            .env_remove("DATABASE_URL")
            .env("ENSEMBLE_DATA_DIR", dir.path())
            // Yes/no settings as people write them (scripts/run.sh sets ENSEMBLE_DEMO=1).
            .env("ENSEMBLE_DEMO", "1")
            .env("ENSEMBLE_TRUST_PROXY", "no")
            .env("ENSEMBLE_LOG_JSON", "off")
            .output()
            .unwrap()
    };
    let first = run();
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(dir.path().join("ensemble.sqlite3").is_file());
    let secrets = std::fs::read_to_string(dir.path().join("secrets.json"));
    // `migrate` does not need secrets; serving creates them (see below).
    assert!(secrets.is_err());
    let second = run();
    assert!(second.status.success());
}

#[test]
fn serves_with_no_configuration_and_stops_gracefully_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut child = Command::new(BIN)
        .current_dir(dir.path())
        .env_remove("DATABASE_URL")
        .env_remove("ENSEMBLE_DATA_DIR")
        .env("ENSEMBLE_LISTEN", format!("127.0.0.1:{port}"))
        .env("RUST_LOG", "info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();

    let deadline = Instant::now() + Duration::from_secs(30);
    let url = format!("http://127.0.0.1:{port}/readyz");
    loop {
        if let Ok(response) = reqwest::blocking_get(&url) {
            assert_eq!(response, 200);
            break;
        }
        assert!(Instant::now() < deadline, "server did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    // Defaults: the data directory ./data, with the database and the generated secrets.
    assert!(dir.path().join("data/ensemble.sqlite3").is_file());
    let secrets_path = dir.path().join("data/secrets.json");
    let secrets = std::fs::read_to_string(&secrets_path).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&secrets_path)
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let started = Instant::now();
    let exit = loop {
        if let Some(exit) = child.try_wait().unwrap() {
            break exit;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "did not stop on SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(exit.success(), "{exit:?}");
    let mut logs = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut logs).unwrap();
    let secret_value = secrets.split('"').nth(3).unwrap();
    assert!(!logs.contains(secret_value), "a secret was logged");
    assert!(logs.contains("stopped"), "{logs}");
}

mod reqwest {
    /// A tiny blocking GET over std, so this test needs no async runtime: the status code.
    pub fn blocking_get(url: &str) -> std::io::Result<u16> {
        use std::io::{Read, Write};
        let rest = url.strip_prefix("http://").unwrap();
        let (host, path) = rest.split_once('/').unwrap();
        let mut stream = std::net::TcpStream::connect(host)?;
        write!(
            stream,
            "GET /{path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
        )?;
        let mut response = String::new();
        stream.read_to_string(&mut response)?;
        response
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| std::io::Error::other("no status"))
    }
}

#[tokio::test]
async fn admin_grant_and_revoke_use_the_server_configuration() {
    let app = crate::helpers::spawn_app().await;
    let token = crate::helpers::access(&app.register("Chief@Example.org").await);
    let admin = |verb: &str, email: &str| {
        Command::new(BIN)
            .args(["admin", verb, email])
            .env("DATABASE_URL", &app.database_url)
            .env("ENSEMBLE_DATA_DIR", app.dir.path().join("data"))
            .output()
            .unwrap()
    };
    let granted = admin("grant", "chief@example.org");
    assert!(
        granted.status.success(),
        "{}",
        String::from_utf8_lossy(&granted.stderr)
    );
    let (_, me) = app.call("GET", "/api/v1/me", None, Some(&token)).await;
    assert_eq!(me["is_admin"], true);

    assert!(admin("revoke", "CHIEF@example.org").status.success());
    let (_, me) = app.call("GET", "/api/v1/me", None, Some(&token)).await;
    assert_eq!(me["is_admin"], false);

    let unknown = admin("grant", "nobody@example.org");
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no account"));
}

#[tokio::test]
async fn digests_queue_queues_the_readers_whose_morning_it_is_once() {
    let app = crate::helpers::spawn_app().await;
    let token = crate::helpers::access(&app.register("ana@example.org").await);
    let (status, _) = app
        .call(
            "PATCH",
            "/api/v1/me/mail-preferences",
            Some(serde_json::json!({"time_zone": "Europe/Paris"})),
            Some(&token),
        )
        .await;
    assert_eq!(status, 200);
    let queue = |at: &str| {
        let output = Command::new(BIN)
            .args(["digests", "queue", "--at", at])
            .env("DATABASE_URL", &app.database_url)
            .env("ENSEMBLE_DATA_DIR", app.dir.path().join("data"))
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    };
    // Monday 08:00 in Paris, written in Paris's offset; then the same hour again.
    let first = queue("2026-12-07T08:00:00+01:00");
    assert!(
        first.starts_with("1 digests queued for 2026-12-07T07:00:00Z"),
        "{first}"
    );
    assert!(queue("2026-12-07T07:30:00Z").starts_with("0 digests"));
    // Tuesday: a weekly reader is not due.
    assert!(queue("2026-12-08T07:00:00Z").starts_with("0 digests"));
}

#[test]
fn sigterm_lets_an_in_flight_request_finish() {
    use std::io::{Read, Write};
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut child = Command::new(BIN)
        .env_remove("DATABASE_URL")
        .env("ENSEMBLE_DATA_DIR", dir.path())
        .env("ENSEMBLE_LISTEN", format!("127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while reqwest::blocking_get(&format!("http://127.0.0.1:{port}/readyz")).is_err() {
        assert!(Instant::now() < deadline, "server did not start");
        std::thread::sleep(Duration::from_millis(100));
    }

    // A login whose body arrives slowly: the request is in flight when SIGTERM comes.
    let body = r#"{"email": "nobody@example.org", "password": "not the password"}"#;
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        stream,
        "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
        body.len(),
        &body[..10]
    )
    .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    std::thread::sleep(Duration::from_millis(500));
    assert!(
        child.try_wait().unwrap().is_none(),
        "the server waits for the request"
    );
    stream.write_all(&body.as_bytes()[10..]).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 401"), "{response}");
    assert!(response.contains("invalid_credentials"));

    let started = Instant::now();
    let exit = loop {
        if let Some(exit) = child.try_wait().unwrap() {
            break exit;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "did not stop after the request"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(exit.success(), "{exit:?}");
    // New connections are refused once shutting down.
    assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_err());
}

#[tokio::test]
async fn seed_demo_loads_a_living_directory_once() {
    let app = crate::helpers::spawn_app().await;
    let seed = || {
        Command::new(BIN)
            .args(["seed", "demo"])
            .env("DATABASE_URL", &app.database_url)
            .env("ENSEMBLE_DATA_DIR", app.dir.path().join("data"))
            .output()
            .unwrap()
    };
    let first = seed();
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(String::from_utf8_lossy(&first.stdout).contains("loaded 60 demo organisations"));
    let second = seed();
    assert!(second.status.success());
    assert!(String::from_utf8_lossy(&second.stdout).contains("not loaded"));

    let (_, page) = app.get_json("/api/v1/organisations?limit=100").await;
    assert_eq!(page["items"].as_array().unwrap().len(), 60);
    let (status, profile) = app
        .get_json("/api/v1/organisations/les-jardins-de-la-breche")
        .await;
    assert_eq!(status, 200);
    assert_eq!(profile["country"], "FR");
    assert!(!profile["description_html"].as_str().unwrap().is_empty());
    let (_, team) = app
        .get_json("/api/v1/organisations/les-jardins-de-la-breche/members")
        .await;
    assert_eq!(team["items"][0]["role"], "owner");
}

#[tokio::test]
async fn ensemble_demo_loads_the_demo_at_start_on_an_empty_database() {
    let app = crate::helpers::spawn_app_with(|s| s.demo = true).await;
    let (_, page) = app.get_json("/api/v1/organisations?limit=100").await;
    assert_eq!(page["items"].as_array().unwrap().len(), 60);
    let (_, causes) = app.get_json("/api/v1/causes/oceans").await;
    assert_eq!(causes["slug"], "oceans");
}

#[tokio::test]
async fn seed_bulk_makes_the_same_consistent_dataset_on_either_backend() {
    let app = crate::helpers::spawn_app().await;
    let seed = || {
        Command::new(BIN)
            .args(["seed", "bulk", "--scale", "0.0005"])
            .env("DATABASE_URL", &app.database_url)
            .env("ENSEMBLE_DATA_DIR", app.dir.path().join("data"))
            .output()
            .unwrap()
    };
    let first = seed();
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(String::from_utf8_lossy(&first.stdout).contains("loaded 500 users, 50 organisations"));
    let again = seed();
    assert!(!again.status.success(), "only into an empty database");

    use diesel::prelude::*;
    use ensemble_api::db::schema::{organisation_follows, organisations, updates};
    let mut conn = app.db.get().unwrap();
    let follows: i64 = organisation_follows::table
        .count()
        .get_result(&mut conn)
        .unwrap();
    let counted: Vec<i64> = organisations::table
        .select(organisations::followers_count)
        .load(&mut conn)
        .unwrap();
    assert_eq!(
        counted.iter().sum::<i64>(),
        follows,
        "followers_count matches the rows"
    );
    // The same numbers on both backends (a hash of the row number, not a random source).
    assert_eq!(follows, 4734);
    let posted: i64 = updates::table.count().get_result(&mut conn).unwrap();
    assert_eq!(posted, 5000);
    // Donations go to verified organisations only; all but the expired ones were paid.
    use ensemble_api::db::schema::{donation_payments, donations};
    let given: i64 = donations::table.count().get_result(&mut conn).unwrap();
    assert_eq!(given, 250);
    let paid: i64 = donation_payments::table
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(paid, 250 - 12, "one payment each, but the 12 expired");
    let unverified: i64 = donations::table
        .inner_join(organisations::table)
        .filter(organisations::verification_status.ne("verified"))
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(unverified, 0);
    // Popularity follows a power law: the most followed has many times the median.
    let mut sorted = counted.clone();
    sorted.sort_unstable();
    assert!(
        sorted[sorted.len() - 1] > 5 * sorted[sorted.len() / 2],
        "{sorted:?}"
    );
    let (status, page) = app
        .get_json("/api/v1/organisations?sort=followers&limit=1")
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        page["items"][0]["followers_count"],
        sorted[sorted.len() - 1]
    );
    let (status, found) = app.get_json("/api/v1/organisations?q=water&limit=5").await;
    assert_eq!(status, 200);
    assert_eq!(found["items"].as_array().unwrap().len(), 5, "searchable");

    // `explain` prints the feed's SQL, its binds and the database's plan for it.
    let explain = |args: &[&str]| {
        let out = Command::new(BIN)
            .arg("explain")
            .args(args)
            .env("DATABASE_URL", &app.database_url)
            .env("ENSEMBLE_DATA_DIR", app.dir.path().join("data"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let feed = explain(&["feed", "--user", "3", "--page", "2"]);
    let mut lines = feed.lines();
    assert!(lines.next().unwrap().starts_with("SELECT u.id"), "{feed}");
    assert!(
        feed.lines()
            .any(|l| l.starts_with("-- $") && l.ends_with(" = 3")),
        "the reader's id is bound: {feed}"
    );
    let plan = if app.database_url.starts_with("postgres") {
        "Execution Time"
    } else {
        "USING COVERING INDEX updates_organisation_recent_idx"
    };
    assert!(feed.contains(plan), "{feed}");
    let sql_only = explain(&["--sql-only", "search", "--q", "water"]);
    assert!(
        sql_only.contains("-- $1 = ") && !sql_only.contains(plan),
        "{sql_only}"
    );
}
