//! Pictures: uploaded as a raw body or a form, made upright and stripped of metadata (read
//! back by Pillow, not by our own decoder), refused with a clear 4xx when they are not
//! pictures or not only pictures, held to quotas under concurrency, served with immutable
//! caching, removed when unused, and kept in an S3-protocol bucket (moto's server).

use std::path::Path;
use std::process::{Child, Command, Stdio};

use serde_json::Value;

use crate::helpers::{Person, TestApp, assert_problem, person, spawn_app, spawn_app_with};
use crate::smtp::{free_port, python};

fn script() -> String {
    format!("{}/../tests/api/pictures.py", env!("CARGO_MANIFEST_DIR"))
}

/// A picture Pillow makes: left half blue and right half yellow once upright, stored
/// turned when `orientation` is 6, with EXIF (GPS position, camera).
fn make(format: &str, width: u32, height: u32, orientation: u32) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("picture");
    let status = Command::new(python())
        .args([&script(), "make", format])
        .args([width, height, orientation].map(|n| n.to_string()))
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    std::fs::read(out).unwrap()
}

fn bomb() -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("bomb.png");
    assert!(
        Command::new(python())
            .args([&script(), "bomb"])
            .arg(&out)
            .status()
            .unwrap()
            .success()
    );
    std::fs::read(out).unwrap()
}

/// What Pillow reads in a file.
fn inspect(bytes: &[u8]) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("file");
    std::fs::write(&path, bytes).unwrap();
    let out = Command::new(python())
        .args([&script(), "inspect"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn blue(rgb: &Value) -> bool {
    rgb[2].as_i64().unwrap() > 180 && rgb[0].as_i64().unwrap() < 80
}

fn yellow(rgb: &Value) -> bool {
    rgb[0].as_i64().unwrap() > 180 && rgb[2].as_i64().unwrap() < 80
}

async fn upload(
    app: &TestApp,
    who: &Person,
    bytes: Vec<u8>,
    content_type: &str,
    query: &str,
) -> reqwest::Response {
    app.client
        .post(app.url(&format!("/api/v1/uploads{query}")))
        .bearer_auth(&who.token)
        .header("content-type", content_type)
        .body(bytes)
        .send()
        .await
        .unwrap()
}

/// A `multipart/form-data` body with one `file` part, written by hand so that its name
/// and type can lie.
fn form(bytes: &[u8], file_name: &str, part_type: &str) -> (String, Vec<u8>) {
    let boundary = "----ensemble-test-boundary-7MA4YWxk";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\n\
             Content-Type: {part_type}\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn created(response: reqwest::Response) -> Value {
    let status = response.status().as_u16();
    let location = response
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned());
    let body: Value = response.json().await.unwrap();
    assert_eq!(status, 201, "{body}");
    assert_eq!(
        location.as_deref(),
        Some(format!("/api/v1/uploads/{}", body["id"].as_str().unwrap()).as_str())
    );
    body
}

/// The files under the local store (every variant of every upload).
fn stored_files(app: &TestApp) -> Vec<std::path::PathBuf> {
    fn walk(dir: &Path, found: &mut Vec<std::path::PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, found);
            } else {
                found.push(path);
            }
        }
    }
    let mut found = Vec::new();
    walk(&app.dir.path().join("data/uploads"), &mut found);
    found
}

async fn upload_rows(app: &TestApp) -> i64 {
    use diesel::prelude::*;
    use ensemble_api::db::schema::uploads;
    app.db
        .run(|conn| Ok(uploads::table.count().get_result::<i64>(conn)?))
        .await
        .unwrap()
}

#[tokio::test]
async fn every_format_is_turned_upright_stripped_of_metadata_and_made_at_each_width() {
    let app = spawn_app().await;
    let who = person(&app, "photographer@example.org").await;
    for (format, content_type, fallback) in [
        ("JPEG", "image/jpeg", "JPEG"),
        ("PNG", "image/png", "JPEG"),
        ("WEBP", "image/webp", "JPEG"),
    ] {
        // 2,000 × 1,200 once upright, stored a quarter turned, with a GPS position.
        let original = make(format, 2000, 1200, 6);
        let seen = inspect(&original);
        assert_eq!(
            (seen["width"].as_i64(), seen["gps"].as_i64()),
            (Some(1200), Some(4))
        );
        let body = created(upload(&app, &who, original, content_type, "").await).await;
        assert_eq!(body["shape"], "any");
        let picture = &body["picture"];
        assert_eq!(
            (picture["width"].as_u64(), picture["height"].as_u64()),
            (Some(2000), Some(1200))
        );
        let variants = picture["variants"].as_array().unwrap();
        let widths: Vec<(u64, &str)> = variants
            .iter()
            .map(|v| {
                (
                    v["width"].as_u64().unwrap(),
                    v["content_type"].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            widths,
            [
                (160, "image/webp"),
                (160, "image/jpeg"),
                (480, "image/webp"),
                (480, "image/jpeg"),
                (1080, "image/webp"),
                (1080, "image/jpeg"),
                (1920, "image/webp"),
                (1920, "image/jpeg"),
            ],
            "{format}"
        );
        let mut total = 0;
        for variant in variants {
            let url = variant["url"].as_str().unwrap();
            assert!(url.starts_with(&format!("/media/{}/", body["id"].as_str().unwrap())));
            let response = app.get(url).await;
            assert_eq!(response.status(), 200, "{url}");
            let headers = response.headers().clone();
            assert_eq!(
                headers["content-type"],
                variant["content_type"].as_str().unwrap()
            );
            assert_eq!(
                headers["cache-control"],
                "public, max-age=31536000, immutable"
            );
            assert!(
                headers
                    .get("content-encoding")
                    .is_none_or(|e| e == "identity")
            );
            let etag = headers["etag"].to_str().unwrap().to_owned();
            let bytes = response.bytes().await.unwrap();
            total += bytes.len() as i64;
            let seen = inspect(&bytes);
            let expected_format = if variant["content_type"] == "image/webp" {
                "WEBP"
            } else {
                fallback
            };
            assert_eq!(seen["format"], expected_format, "{url}");
            assert_eq!(seen["width"], variant["width"], "{url}");
            assert_eq!(seen["height"], variant["height"], "{url}");
            assert_eq!(seen["exif"], 0, "{url} keeps EXIF");
            assert_eq!(seen["gps"], 0, "{url} keeps a GPS position");
            assert_eq!(seen["info"], serde_json::json!([]), "{url} keeps metadata");
            assert!(
                blue(&seen["left"]) && yellow(&seen["right"]),
                "{url} is not upright: {seen}"
            );

            // Cached: the same tag, nothing sent again.
            let again = app
                .client
                .get(app.url(url))
                .header("if-none-match", &etag)
                .send()
                .await
                .unwrap();
            assert_eq!(again.status(), 304);
        }
        assert_eq!(body["bytes"].as_i64(), Some(total), "{format}");

        // The owner can read it again; someone else cannot tell it exists.
        let id = body["id"].as_str().unwrap();
        let (status, again) = app
            .call(
                "GET",
                &format!("/api/v1/uploads/{id}"),
                None,
                Some(&who.token),
            )
            .await;
        assert_eq!((status, &again["picture"]), (200, picture));
    }
    let stranger = person(&app, "stranger@example.org").await;
    let (_, mine) = app
        .call(
            "GET",
            "/api/v1/uploads/00000000000000000000000000000000",
            None,
            Some(&who.token),
        )
        .await;
    assert_eq!(mine["code"], "not_found");
    let body = created(upload(&app, &who, make("PNG", 300, 200, 1), "image/png", "").await).await;
    let id = body["id"].as_str().unwrap();
    let response = app
        .send(
            "GET",
            &format!("/api/v1/uploads/{id}"),
            None,
            Some(&stranger.token),
        )
        .await;
    assert_problem(response, 404, "not_found").await;
    // Narrower than 480: 160 and its own width.
    let widths: Vec<u64> = body["picture"]["variants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["width"].as_u64().unwrap())
        .collect();
    assert_eq!(widths, [160, 160, 300, 300]);
}

#[tokio::test]
async fn a_form_upload_and_a_square() {
    let app = spawn_app().await;
    let who = person(&app, "logo@example.org").await;
    let (content_type, body) = form(&make("PNG", 900, 600, 1), "logo.png", "image/png");
    let square = created(upload(&app, &who, body, &content_type, "?shape=square").await).await;
    assert_eq!(square["shape"], "square");
    assert_eq!(
        (
            square["picture"]["width"].as_u64(),
            square["picture"]["height"].as_u64()
        ),
        (Some(600), Some(600))
    );
    // The centre: blue on the left third of the square's… left, yellow on its right.
    let variants = square["picture"]["variants"].as_array().unwrap();
    assert!(variants.iter().all(|v| v["width"] == v["height"]));
    let largest = variants.last().unwrap()["url"].as_str().unwrap();
    let seen = inspect(&app.get(largest).await.bytes().await.unwrap());
    assert!(blue(&seen["left"]) && yellow(&seen["right"]), "{seen}");

    let response = upload(&app, &who, b"x".to_vec(), "image/png", "?shape=round").await;
    assert_problem(response, 400, "invalid_query").await;
}

#[tokio::test]
async fn what_is_not_a_picture_or_not_only_one_is_refused_and_nothing_is_kept() {
    let app = spawn_app_with(|s| s.upload_max_bytes = 200_000).await;
    let who = person(&app, "hostile@example.org").await;
    let jpeg = make("JPEG", 640, 480, 1);
    let png = make("PNG", 640, 480, 1);

    // Not a picture we take.
    let gif = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;".to_vec();
    assert_problem(
        upload(&app, &who, gif, "image/gif", "").await,
        415,
        "unsupported_picture",
    )
    .await;
    let svg =
        br#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#.to_vec();
    assert_problem(
        upload(&app, &who, svg, "image/svg+xml", "").await,
        415,
        "unsupported_picture",
    )
    .await;
    assert_problem(
        upload(&app, &who, b"hello".to_vec(), "text/plain", "").await,
        415,
        "unsupported_picture",
    )
    .await;
    let response = upload(&app, &who, Vec::new(), "image/png", "").await;
    crate::helpers::assert_field_error(response, 422, "file", "required").await;

    // Too big: the bytes, the pixels, a decompression bomb.
    let big = vec![0xFFu8; 300_000];
    assert_problem(
        upload(&app, &who, big, "image/jpeg", "").await,
        413,
        "payload_too_large",
    )
    .await;
    let problem = assert_problem(
        upload(&app, &who, bomb(), "image/png", "").await,
        422,
        "too_many_pixels",
    )
    .await;
    assert!(
        problem["detail"].as_str().unwrap().contains("40000"),
        "{problem}"
    );

    // Cut short.
    let cut = jpeg[..jpeg.len() / 2].to_vec();
    assert_problem(
        upload(&app, &who, cut, "image/jpeg", "").await,
        422,
        "damaged_picture",
    )
    .await;
    let cut = png[..png.len() - 20].to_vec();
    assert_problem(
        upload(&app, &who, cut, "image/png", "").await,
        422,
        "damaged_picture",
    )
    .await;

    // Polyglots: a JPEG that is also a ZIP, a PNG followed by HTML, a script in a comment.
    let mut zip = jpeg.clone();
    zip.extend_from_slice(b"PK\x03\x04\x14\x00\x00\x00\x08\x00payload.html<html>");
    assert_problem(
        upload(&app, &who, zip, "image/jpeg", "").await,
        422,
        "not_only_a_picture",
    )
    .await;
    let mut html = png.clone();
    html.extend_from_slice(b"<html><script>alert(document.cookie)</script></html>");
    assert_problem(
        upload(&app, &who, html, "image/png", "").await,
        422,
        "not_only_a_picture",
    )
    .await;
    let comment = b"<script>alert(1)</script>";
    let mut scripted = jpeg[..2].to_vec();
    scripted.extend_from_slice(&[0xFF, 0xFE, 0, (comment.len() + 2) as u8]);
    scripted.extend_from_slice(comment);
    scripted.extend_from_slice(&jpeg[2..]);
    assert_problem(
        upload(&app, &who, scripted, "image/jpeg", "").await,
        422,
        "not_only_a_picture",
    )
    .await;

    // Lies about the type: the header, the form part's name.
    assert_problem(
        upload(&app, &who, jpeg.clone(), "image/png", "").await,
        422,
        "type_mismatch",
    )
    .await;
    let (content_type, body) = form(&png, "holiday.jpg", "image/png");
    assert_problem(
        upload(&app, &who, body, &content_type, "").await,
        422,
        "type_mismatch",
    )
    .await;
    let (content_type, body) = form(&png, "holiday.png", "image/jpeg");
    assert_problem(
        upload(&app, &who, body, &content_type, "").await,
        422,
        "type_mismatch",
    )
    .await;
    // A form without a file.
    let response = app
        .client
        .post(app.url("/api/v1/uploads"))
        .bearer_auth(&who.token)
        .header("content-type", "multipart/form-data; boundary=x")
        .body("--x\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhi\r\n--x--\r\n")
        .send()
        .await
        .unwrap();
    crate::helpers::assert_field_error(response, 422, "file", "required").await;
    let response = app
        .client
        .post(app.url("/api/v1/uploads"))
        .bearer_auth(&who.token)
        .header("content-type", "multipart/form-data; boundary=x")
        .body("this is not a form")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);

    // Nothing was kept of any of them.
    assert_eq!(upload_rows(&app).await, 0);
    assert!(stored_files(&app).is_empty(), "{:?}", stored_files(&app));

    // And a picture under the pixel limit of a stricter server is refused the same way.
    let strict = spawn_app_with(|s| s.upload_max_pixels = 100_000).await;
    let who = person(&strict, "strict@example.org").await;
    assert_problem(
        upload(&strict, &who, jpeg, "image/jpeg", "").await,
        422,
        "too_many_pixels",
    )
    .await;
}

#[tokio::test]
async fn only_a_verified_account_uploads() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url("/api/v1/uploads"))
        .header("content-type", "image/png")
        .body(make("PNG", 200, 200, 1))
        .send()
        .await
        .unwrap();
    assert_problem(response, 401, "unauthorized").await;
    let auth = app.register_unverified("new@example.org").await;
    let who = Person {
        id: auth["user"]["id"].as_str().unwrap().to_owned(),
        token: crate::helpers::access(&auth),
    };
    let response = upload(&app, &who, make("PNG", 200, 200, 1), "image/png", "").await;
    assert_problem(response, 403, "email_not_verified").await;
}

#[tokio::test]
async fn files_are_served_by_their_key_only() {
    let app = spawn_app().await;
    for path in [
        "/media/nothing",
        "/media/00000000000000000000000000000000/00000000000000000000000000000000-160.webp",
        "/media/..%2F..%2Fdata%2Fsecrets.json",
        "/media/00000000000000000000000000000000/../../secrets.json",
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 404, "{path}");
    }
    // Pictures come from this server alone: an image address in a text cannot load.
    let response = app.get("/").await;
    let csp = response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csp.contains("img-src 'self' data:;"), "{csp}");
    assert!(!csp.contains("https:"), "{csp}");
}

/// Uploads at once by one person cannot together pass their quota: the check and the
/// insert hold a lock on the person. Several server workers, many rounds.
#[tokio::test]
async fn the_quota_holds_under_concurrent_uploads() {
    let sizing = spawn_app().await;
    let who = person(&sizing, "size@example.org").await;
    let picture = make("PNG", 300, 200, 1);
    let size =
        created(upload(&sizing, &who, picture.clone(), "image/png", "").await).await["bytes"]
            .as_i64()
            .unwrap();
    // Room for two and a half.
    let app = spawn_app_with(|s| {
        s.workers = Some(4);
        s.db_pool_size = 12;
        s.upload_quota_per_person = size * 5 / 2;
        s.upload_processing = 4;
    })
    .await;
    let rounds = 12;
    for round in 0..rounds {
        let who = person(&app, &format!("racer{round}@example.org")).await;
        let attempts = (0..8).map(|_| upload(&app, &who, picture.clone(), "image/png", ""));
        let answers = futures_util::future::join_all(attempts).await;
        let mut statuses = Vec::new();
        for answer in answers {
            let status = answer.status().as_u16();
            if status == 409 {
                assert_problem(answer, 409, "upload_quota_exceeded").await;
            }
            statuses.push(status);
        }
        statuses.sort_unstable();
        assert_eq!(
            statuses,
            [201, 201, 409, 409, 409, 409, 409, 409],
            "round {round}"
        );
    }
    assert_eq!(upload_rows(&app).await, 2 * rounds);
    assert_eq!(stored_files(&app).len() as i64, 2 * rounds * 4);
}

/// An upload nothing shows is removed a day later, files and all; one in use stays.
#[tokio::test]
async fn unused_uploads_are_removed_after_a_day() {
    use diesel::prelude::*;
    use ensemble_api::db::schema::{upload_uses, uploads};

    let app = spawn_app().await;
    let who = person(&app, "forgetful@example.org").await;
    let user_id: i64 = who.id.parse().unwrap_or_else(|_| {
        panic!("a numeric user id, not {}", who.id);
    });
    let mut ids = Vec::new();
    for _ in 0..3 {
        let body =
            created(upload(&app, &who, make("PNG", 200, 200, 1), "image/png", "").await).await;
        ids.push(body);
    }
    let (old_unused, old_used) = (
        ids[0]["id"].as_str().unwrap().to_owned(),
        ids[1]["id"].as_str().unwrap().to_owned(),
    );
    let two_days_ago = ensemble_api::db::now() - chrono::Duration::days(2);
    let (a, b) = (old_unused.clone(), old_used.clone());
    app.db
        .run(move |conn| {
            diesel::update(uploads::table.filter(uploads::id.eq_any([&a, &b])))
                .set(uploads::created_at.eq(two_days_ago))
                .execute(conn)?;
            diesel::insert_into(upload_uses::table)
                .values((
                    upload_uses::upload_id.eq(&b),
                    upload_uses::purpose.eq("avatar"),
                    upload_uses::user_id.eq(user_id),
                ))
                .execute(conn)?;
            Ok(())
        })
        .await
        .unwrap();
    let files_before = stored_files(&app).len();
    let removed = ensemble_api::media::remove_unused(
        &app.db,
        &app.media,
        ensemble_api::db::now() - chrono::Duration::days(1),
    )
    .await
    .unwrap();
    assert_eq!(removed, 1);
    assert_eq!(stored_files(&app).len(), files_before - 4);
    for variant in ids[0]["picture"]["variants"].as_array().unwrap() {
        assert_eq!(
            app.get(variant["url"].as_str().unwrap()).await.status(),
            404
        );
    }
    for kept in &ids[1..] {
        for variant in kept["picture"]["variants"].as_array().unwrap() {
            assert_eq!(
                app.get(variant["url"].as_str().unwrap()).await.status(),
                200
            );
        }
    }
    let (status, _) = app
        .call(
            "GET",
            &format!("/api/v1/uploads/{old_unused}"),
            None,
            Some(&who.token),
        )
        .await;
    assert_eq!(status, 404);
    assert_eq!(upload_rows(&app).await, 2);
}

/// moto's S3 server, on a free port, with one bucket.
struct Bucket {
    child: Child,
    endpoint: String,
    name: String,
}

impl Bucket {
    async fn start() -> Self {
        let port = free_port();
        let child = Command::new(python())
            .args([
                "-m",
                "moto.server",
                "-H",
                "127.0.0.1",
                "-p",
                &port.to_string(),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let endpoint = format!("http://127.0.0.1:{port}");
        let client = reqwest::Client::new();
        for _ in 0..300 {
            if client.get(format!("{endpoint}/")).send().await.is_ok() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        let name = "ensemble-pictures".to_owned();
        let made = client
            .put(format!("{endpoint}/{name}"))
            .send()
            .await
            .unwrap();
        assert!(made.status().is_success(), "{}", made.status());
        Self {
            child,
            endpoint,
            name,
        }
    }

    /// An object's bytes, read by boto3; `None` when there is no such object.
    fn object(&self, key: &str) -> Option<Vec<u8>> {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("object");
        let status = Command::new(python())
            .args([&script(), "s3get", &self.endpoint, &self.name, key])
            .arg(&out)
            .status()
            .unwrap();
        match status.code() {
            Some(0) => Some(std::fs::read(out).unwrap()),
            Some(4) => None,
            _ => panic!("boto3 could not read {key}: {status}"),
        }
    }
}

impl Drop for Bucket {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn pictures_kept_in_an_s3_bucket() {
    let bucket = Bucket::start().await;
    let (endpoint, name) = (bucket.endpoint.clone(), bucket.name.clone());
    let app = spawn_app_with(|s| {
        s.s3_endpoint = Some(endpoint);
        s.s3_bucket = Some(name);
        s.s3_access_key_id = Some("testing".into());
        s.s3_secret_access_key = Some("testing".parse().unwrap());
    })
    .await;
    let who = person(&app, "bucket@example.org").await;
    let body = created(upload(&app, &who, make("JPEG", 800, 500, 6), "image/jpeg", "").await).await;
    assert!(
        stored_files(&app).is_empty(),
        "nothing on the server's disk"
    );
    let variant = &body["picture"]["variants"][0];
    let url = variant["url"].as_str().unwrap();
    let key = url.strip_prefix("/media/").unwrap();
    // In the bucket, and served from it by the API.
    let in_bucket = bucket.object(key).expect("the file is in the bucket");
    let served = app.get(url).await;
    assert_eq!(served.status(), 200);
    assert_eq!(served.bytes().await.unwrap().to_vec(), in_bucket);
    assert_eq!(inspect(&in_bucket)["gps"], 0);

    // Unused a day later: gone from the bucket too.
    {
        use diesel::prelude::*;
        use ensemble_api::db::schema::uploads;
        let two_days_ago = ensemble_api::db::now() - chrono::Duration::days(2);
        app.db
            .run(move |conn| {
                Ok(diesel::update(uploads::table)
                    .set(uploads::created_at.eq(two_days_ago))
                    .execute(conn)?)
            })
            .await
            .unwrap();
    }
    let removed = ensemble_api::media::remove_unused(&app.db, &app.media, ensemble_api::db::now())
        .await
        .unwrap();
    assert_eq!(removed, 1);
    assert_eq!(bucket.object(key), None);
    assert_eq!(app.get(url).await.status(), 404);

    // A bucket browsers read directly: the API redirects there, and the CSP allows it.
    let (endpoint, name) = (bucket.endpoint.clone(), bucket.name.clone());
    let public = format!("{endpoint}/{name}");
    let direct = spawn_app_with(|s| {
        s.s3_endpoint = Some(endpoint);
        s.s3_bucket = Some(name);
        s.s3_access_key_id = Some("testing".into());
        s.s3_secret_access_key = Some("testing".parse().unwrap());
        s.s3_public_url = Some(public.parse().unwrap());
    })
    .await;
    let who = person(&direct, "direct@example.org").await;
    let body =
        created(upload(&direct, &who, make("PNG", 300, 300, 1), "image/png", "").await).await;
    let url = body["picture"]["variants"][0]["url"].as_str().unwrap();
    let response = direct.get(url).await;
    assert_eq!(response.status(), 301);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(
        location,
        format!("{public}/{}", url.strip_prefix("/media/").unwrap())
    );
    assert!(
        bucket
            .object(url.strip_prefix("/media/").unwrap())
            .is_some()
    );
    let csp = direct.get("/").await.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        csp.contains(&format!(
            "img-src 'self' data: {endpoint_origin};",
            endpoint_origin = bucket.endpoint
        )),
        "{csp}"
    );
}

async fn upload_id(
    app: &TestApp,
    who: &Person,
    format: &str,
    width: u32,
    height: u32,
    query: &str,
) -> String {
    let content_type = match format {
        "PNG" => "image/png",
        "WEBP" => "image/webp",
        _ => "image/jpeg",
    };
    let body = created(
        upload(
            app,
            who,
            make(format, width, height, 1),
            content_type,
            query,
        )
        .await,
    )
    .await;
    body["id"].as_str().unwrap().to_owned()
}

fn field_codes(problem: &Value) -> Vec<(String, String)> {
    problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

async fn backdate_uploads(app: &TestApp) {
    use diesel::prelude::*;
    use ensemble_api::db::schema::uploads;
    let two_days_ago = ensemble_api::db::now() - chrono::Duration::days(2);
    app.db
        .run(move |conn| {
            Ok(diesel::update(uploads::table)
                .set(uploads::created_at.eq(two_days_ago))
                .execute(conn)?)
        })
        .await
        .unwrap();
}

async fn clean_up(app: &TestApp) -> usize {
    ensemble_api::media::remove_unused(
        &app.db,
        &app.media,
        ensemble_api::db::now() - chrono::Duration::days(1),
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn logos_covers_and_avatars_are_uploads_their_chooser_may_show() {
    let app = spawn_app().await;
    let ana = person(&app, "ana@example.org").await;
    let ben = person(&app, "ben@example.org").await;
    let logo = upload_id(&app, &ana, "PNG", 400, 400, "?shape=square").await;
    let wide = upload_id(&app, &ana, "JPEG", 1500, 500, "").await;
    let bens = upload_id(&app, &ben, "JPEG", 1200, 400, "").await;

    // Refused: a logo that is not square, someone else's upload, one that does not exist,
    // something that is not an id. Every field at once, nothing created.
    let response = app
        .send(
            "POST",
            "/api/v1/organisations",
            Some(serde_json::json!({"name": "Wells", "mission": "Wells for villages.", "logo": wide, "cover": bens})),
            Some(&ana.token),
        )
        .await;
    let problem = assert_problem(response, 422, "validation_failed").await;
    assert_eq!(
        field_codes(&problem),
        [
            ("logo".to_owned(), "not_square".to_owned()),
            ("cover".to_owned(), "no_such_upload".to_owned())
        ]
    );
    for (logo, code) in [
        ("ffffffffffffffffffffffffffffffff", "no_such_upload"),
        ("https://example.org/logo.png", "no_such_upload"),
    ] {
        let response = app
            .send(
                "POST",
                "/api/v1/organisations",
                Some(serde_json::json!({"name": "Wells", "mission": "Wells for villages.", "logo": logo})),
                Some(&ana.token),
            )
            .await;
        crate::helpers::assert_field_error(response, 422, "logo", code).await;
    }
    let (_, directory) = app.call("GET", "/api/v1/organisations", None, None).await;
    assert_eq!(directory["items"].as_array().unwrap().len(), 0);

    let profile = crate::helpers::create(
        &app,
        &ana,
        serde_json::json!({"name": "Wells", "mission": "Wells for villages.", "logo": logo, "cover": wide}),
    )
    .await;
    let slug = profile["slug"].as_str().unwrap().to_owned();
    assert_eq!(profile["logo"]["id"], logo.as_str());
    assert_eq!(profile["logo"]["width"], 400);
    assert_eq!(profile["cover"]["id"], wide.as_str());
    assert_eq!(profile["cover"]["height"], 500);
    let (_, directory) = app.call("GET", "/api/v1/organisations", None, None).await;
    assert_eq!(directory["items"][0]["logo"], profile["logo"]);

    // Ben, an admin now, keeps Ana's logo as it is and sets his cover; he cannot take an
    // upload of Ana's that the organisation does not show.
    crate::helpers::join(&app, &slug, &ana, &ben, "admin").await;
    let spare = upload_id(&app, &ana, "PNG", 300, 300, "?shape=square").await;
    let path = format!("/api/v1/organisations/{slug}");
    let response = app
        .send(
            "PATCH",
            &path,
            Some(serde_json::json!({"logo": spare})),
            Some(&ben.token),
        )
        .await;
    crate::helpers::assert_field_error(response, 422, "logo", "no_such_upload").await;
    let (status, edited) = app
        .call(
            "PATCH",
            &path,
            Some(serde_json::json!({"logo": logo, "cover": bens})),
            Some(&ben.token),
        )
        .await;
    assert_eq!(status, 200, "{edited}");
    assert_eq!(
        (
            edited["logo"]["id"].as_str(),
            edited["cover"]["id"].as_str()
        ),
        (Some(logo.as_str()), Some(bens.as_str()))
    );

    // An avatar: one's own square upload.
    let avatar = upload_id(&app, &ben, "WEBP", 256, 256, "?shape=square").await;
    let not_square = upload_id(&app, &ben, "PNG", 300, 200, "").await;
    for (choice, code) in [(&not_square, "not_square"), (&spare, "no_such_upload")] {
        let response = app
            .send(
                "PATCH",
                "/api/v1/me",
                Some(serde_json::json!({"avatar": choice})),
                Some(&ben.token),
            )
            .await;
        crate::helpers::assert_field_error(response, 422, "avatar", code).await;
    }
    let (status, me) = app
        .call(
            "PATCH",
            "/api/v1/me",
            Some(serde_json::json!({"avatar": avatar, "follows_public": true})),
            Some(&ben.token),
        )
        .await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["avatar"]["id"], avatar.as_str());
    // Shown where people are: the followers of an organisation.
    app.call("PUT", &format!("{path}/follow"), None, Some(&ben.token))
        .await;
    let (_, followers) = app
        .call("GET", &format!("{path}/followers"), None, None)
        .await;
    assert_eq!(
        followers["items"][0]["avatar"]["id"],
        avatar.as_str(),
        "{followers}"
    );

    // A day on: what nobody shows is gone (Ana's first cover, the spare, the refused
    // avatar), what is shown stays.
    backdate_uploads(&app).await;
    assert_eq!(clean_up(&app).await, 3);
    for kept in [&logo, &bens, &avatar] {
        let (status, _) = app
            .call(
                "GET",
                &format!("/api/v1/uploads/{kept}"),
                None,
                Some(if *kept == logo {
                    &ana.token
                } else {
                    &ben.token
                }),
            )
            .await;
        assert_eq!(status, 200, "{kept}");
    }
    let (status, _) = app
        .call(
            "GET",
            &format!("/api/v1/uploads/{wide}"),
            None,
            Some(&ana.token),
        )
        .await;
    assert_eq!(status, 404);

    // Removing the avatar lets it go too.
    let (_, me) = app
        .call(
            "PATCH",
            "/api/v1/me",
            Some(serde_json::json!({"avatar": null})),
            Some(&ben.token),
        )
        .await;
    assert_eq!(me["avatar"], Value::Null);
    assert_eq!(clean_up(&app).await, 1);
}

#[tokio::test]
async fn update_photos_carry_alt_texts_and_texts_show_only_uploads() {
    let app = spawn_app().await;
    let ana = person(&app, "ana@example.org").await;
    let reader = person(&app, "reader@example.org").await;
    let profile = crate::helpers::create(
        &app,
        &ana,
        serde_json::json!({"name": "Wells", "mission": "Wells for villages."}),
    )
    .await;
    let slug = profile["slug"].as_str().unwrap().to_owned();
    let first = upload_id(&app, &ana, "JPEG", 1600, 1000, "").await;
    let second = upload_id(&app, &ana, "PNG", 800, 600, "").await;
    let inline = upload_id(&app, &ana, "JPEG", 600, 400, "").await;
    let (_, inline_upload) = app
        .call(
            "GET",
            &format!("/api/v1/uploads/{inline}"),
            None,
            Some(&ana.token),
        )
        .await;
    let inline_url = inline_upload["picture"]["variants"][0]["url"]
        .as_str()
        .unwrap()
        .to_owned();
    let posts = format!("/api/v1/organisations/{slug}/updates");

    let response = app
        .send(
            "POST",
            &posts,
            Some(serde_json::json!({"title": "A new well", "body": "Dug.", "photos": [{"upload": first, "alt": " "}, {"upload": "ffffffffffffffffffffffffffffffff", "alt": "x"}]})),
            Some(&ana.token),
        )
        .await;
    let problem = assert_problem(response, 422, "validation_failed").await;
    assert_eq!(
        field_codes(&problem),
        [("photos[0].alt".to_owned(), "required".to_owned())]
    );
    let response = app
        .send(
            "POST",
            &posts,
            Some(serde_json::json!({"title": "A new well", "body": "![gone](/media/ffffffffffffffffffffffffffffffff/ffffffffffffffffffffffffffffffff-160.webp)"})),
            Some(&ana.token),
        )
        .await;
    crate::helpers::assert_field_error(response, 422, "body", "no_such_upload").await;

    let body = format!(
        "The village's new well.\n\n![The well]({inline_url})\n\n![tracker](https://tracker.example/pixel.gif)"
    );
    let (status, update) = app
        .call(
            "POST",
            &posts,
            Some(
                serde_json::json!({"title": "A new well", "body": body, "photos": [
                    {"upload": first, "alt": "Children drawing water from the new well"},
                    {"upload": second, "alt": "The team at work"}
                ]}),
            ),
            Some(&ana.token),
        )
        .await;
    assert_eq!(status, 201, "{update}");
    let photos = update["photos"].as_array().unwrap();
    assert_eq!(photos.len(), 2);
    assert_eq!(photos[0]["alt"], "Children drawing water from the new well");
    assert_eq!(photos[0]["picture"]["id"], first.as_str());
    assert_eq!(photos[1]["picture"]["width"], 800);
    let html = update["body_html"].as_str().unwrap();
    assert!(
        html.contains(&format!(r#"<img src="{inline_url}" alt="The well">"#)),
        "{html}"
    );
    assert!(!html.contains("tracker.example"), "{html}");

    // Where readers see it: the feed, the update, the Atom feed (an enclosure each).
    app.call(
        "PUT",
        &format!("/api/v1/organisations/{slug}/follow"),
        None,
        Some(&reader.token),
    )
    .await;
    let (_, feed) = app
        .call("GET", "/api/v1/me/feed", None, Some(&reader.token))
        .await;
    assert_eq!(feed["items"][0]["photos"], update["photos"]);
    let atom = app
        .get(&format!("/api/v1/organisations/{slug}/updates.atom"))
        .await
        .text()
        .await
        .unwrap();
    let document = roxmltree::Document::parse(&atom).unwrap();
    let enclosures: Vec<(String, String)> = document
        .descendants()
        .filter(|n| n.has_tag_name("link") && n.attribute("rel") == Some("enclosure"))
        .map(|n| {
            (
                n.attribute("href").unwrap().to_owned(),
                n.attribute("title").unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(enclosures.len(), 2, "{atom}");
    assert!(
        enclosures[0].0.starts_with("http://127.0.0.1:") && enclosures[0].0.ends_with(".jpg"),
        "{enclosures:?}"
    );
    assert_eq!(enclosures[1].1, "The team at work");
    let enclosure_path = enclosures[0]
        .0
        .split_once("/media/")
        .map(|(_, k)| format!("/media/{k}"))
        .unwrap();
    assert_eq!(app.get(&enclosure_path).await.status(), 200);

    // Edited: one photo left, the inline image gone from the text.
    let id = update["id"].as_str().unwrap();
    let (status, edited) = app
        .call(
            "PATCH",
            &format!("/api/v1/updates/{id}"),
            Some(serde_json::json!({"body": "The new well.", "photos": [{"upload": second, "alt": "The team"}]})),
            Some(&ana.token),
        )
        .await;
    assert_eq!(status, 200, "{edited}");
    assert_eq!(edited["photos"].as_array().unwrap().len(), 1);
    backdate_uploads(&app).await;
    assert_eq!(
        clean_up(&app).await,
        2,
        "the first photo and the inline image"
    );
    // Deleted: its last photo goes a day later.
    let (status, _) = app
        .call(
            "DELETE",
            &format!("/api/v1/updates/{id}"),
            None,
            Some(&ana.token),
        )
        .await;
    assert_eq!(status, 204);
    assert_eq!(clean_up(&app).await, 1);
    assert_eq!(upload_rows(&app).await, 0);
    assert!(stored_files(&app).is_empty());
}

/// Two editors posting photos at once cannot together pass the organisation's quota: each
/// checks it under the organisation's lock.
#[tokio::test]
async fn the_organisation_quota_holds_under_concurrent_posts() {
    let sizing = spawn_app().await;
    let who = person(&sizing, "size@example.org").await;
    let picture = make("PNG", 300, 200, 1);
    let size =
        created(upload(&sizing, &who, picture.clone(), "image/png", "").await).await["bytes"]
            .as_i64()
            .unwrap();
    let app = spawn_app_with(|s| {
        s.workers = Some(4);
        s.db_pool_size = 12;
        s.upload_quota_per_organisation = size * 3 / 2;
    })
    .await;
    let owner = person(&app, "owner@example.org").await;
    let editors = [
        person(&app, "e1@example.org").await,
        person(&app, "e2@example.org").await,
    ];
    for round in 0..10 {
        let profile = crate::helpers::create(
            &app,
            &owner,
            serde_json::json!({"name": format!("Org {round}"), "mission": "Wells for villages."}),
        )
        .await;
        let slug = profile["slug"].as_str().unwrap().to_owned();
        for editor in &editors {
            crate::helpers::join(&app, &slug, &owner, editor, "editor").await;
        }
        let mut photos = Vec::new();
        for editor in &editors {
            photos.push(
                created(upload(&app, editor, picture.clone(), "image/png", "").await).await["id"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
            );
        }
        let posts = format!("/api/v1/organisations/{slug}/updates");
        let attempts = editors.iter().zip(&photos).map(|(editor, photo)| {
            app.send(
                "POST",
                &posts,
                Some(serde_json::json!({"title": "News", "body": "Photos.", "photos": [{"upload": photo, "alt": "A photo"}]})),
                Some(&editor.token),
            )
        });
        let answers = futures_util::future::join_all(attempts).await;
        let mut statuses: Vec<u16> = answers.iter().map(|a| a.status().as_u16()).collect();
        statuses.sort_unstable();
        assert_eq!(statuses, [201, 409], "round {round}");
    }
}

/// A new installation's demo organisations have pictures the project drew itself: a logo,
/// a cover, and photos on some updates, with alternative texts.
#[tokio::test]
async fn the_demo_draws_its_own_pictures() {
    let app = spawn_app_with(|s| s.demo = true).await;
    let mut waited = 0;
    let cards = loop {
        let (status, page) = app
            .call("GET", "/api/v1/organisations?limit=100", None, None)
            .await;
        assert_eq!(status, 200);
        let cards = page["items"].as_array().unwrap().clone();
        if !cards.is_empty() && cards.iter().all(|c| !c["logo"].is_null()) {
            break cards;
        }
        waited += 1;
        assert!(
            waited < 600,
            "the demo pictures were not drawn in 5 minutes"
        );
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    };
    assert!(cards.len() >= 20);
    let slug = cards[0]["slug"].as_str().unwrap();
    let (_, profile) = app
        .call("GET", &format!("/api/v1/organisations/{slug}"), None, None)
        .await;
    assert_eq!(profile["cover"]["width"], 1600);
    assert_eq!(profile["cover"]["height"], 533);
    let logo = &profile["logo"]["variants"];
    let largest = logo.as_array().unwrap().last().unwrap();
    assert_eq!(
        (largest["width"].as_u64(), largest["height"].as_u64()),
        (Some(512), Some(512))
    );
    let seen = inspect(
        &app.get(largest["url"].as_str().unwrap())
            .await
            .bytes()
            .await
            .unwrap(),
    );
    assert_eq!(
        (seen["width"].as_u64(), seen["height"].as_u64()),
        (Some(512), Some(512))
    );
    // Two logos differ.
    assert_ne!(
        cards[0]["logo"]["variants"][0]["url"],
        cards[1]["logo"]["variants"][0]["url"]
    );
    let mut photographed = 0;
    for card in &cards {
        let slug = card["slug"].as_str().unwrap();
        let (_, updates) = app
            .call(
                "GET",
                &format!("/api/v1/organisations/{slug}/updates"),
                None,
                None,
            )
            .await;
        let Some(newest) = updates["items"].as_array().and_then(|items| items.first()) else {
            continue;
        };
        assert_eq!(
            newest["photos"].as_array().map(Vec::len),
            Some(1),
            "{newest}"
        );
        assert!(!newest["photos"][0]["alt"].as_str().unwrap().is_empty());
        photographed += 1;
    }
    assert!(photographed >= 10, "{photographed}");
}
