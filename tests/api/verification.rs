//! Verification: only platform administrators decide; owners ask for review; the history
//! is public.

use serde_json::{Value, json};

use crate::helpers::{
    Person, TestApp, assert_field_error, assert_problem, create, join, make_admin, person,
    spawn_app,
};

const PATH: &str = "/api/v1/organisations/fondation-lumen/verification";

async fn post(app: &TestApp, who: Option<&Person>, body: Value) -> reqwest::Response {
    app.send("POST", PATH, Some(body), who.map(|p| p.token.as_str()))
        .await
}

struct Cast {
    owner: Person,
    admin: Person,
    editor: Person,
    stranger: Person,
    platform: Person,
}

async fn cast(app: &TestApp) -> Cast {
    let owner = person(app, "owner@example.org").await;
    let admin = person(app, "admin@example.org").await;
    let editor = person(app, "editor@example.org").await;
    let stranger = person(app, "stranger@example.org").await;
    let platform = person(app, "platform@example.org").await;
    make_admin(app, "platform@example.org");
    create(
        app,
        &owner,
        json!({"name": "Fondation Lumen", "mission": "Light for all.",
               "registration": {"registry": "FR-RNA", "number": "W751234567"}}),
    )
    .await;
    for (who, role) in [(&admin, "admin"), (&editor, "editor")] {
        join(app, "fondation-lumen", &owner, who, role).await;
    }
    Cast {
        owner,
        admin,
        editor,
        stranger,
        platform,
    }
}

async fn status_now(app: &TestApp) -> (String, Value) {
    let (code, record) = app.get_json(PATH).await;
    assert_eq!(code, 200);
    let (_, profile) = app.get_json("/api/v1/organisations/fondation-lumen").await;
    assert_eq!(profile["verification_status"], record["status"]);
    (record["status"].as_str().unwrap().to_owned(), record)
}

#[tokio::test]
async fn only_platform_admins_decide_and_owners_ask_for_review_once() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    assert_eq!(status_now(&app).await.0, "unverified");

    let pending = json!({"status": "pending", "note": "Our statutes are on our site."});
    assert_problem(post(&app, None, pending.clone()).await, 401, "unauthorized").await;
    for who in [&c.stranger, &c.editor, &c.admin] {
        assert_problem(
            post(&app, Some(who), pending.clone()).await,
            403,
            "forbidden",
        )
        .await;
    }
    // Owners may not decide.
    for status in ["verified", "rejected", "revoked", "unverified"] {
        let response = post(&app, Some(&c.owner), json!({"status": status})).await;
        assert_problem(response, 403, "platform_admin_only").await;
    }
    assert_eq!(status_now(&app).await.0, "unverified", "nothing recorded");

    let response = post(&app, Some(&c.owner), pending.clone()).await;
    assert_eq!(response.status(), 201);
    assert_eq!(status_now(&app).await.0, "pending");
    assert_problem(
        post(&app, Some(&c.owner), pending.clone()).await,
        409,
        "already_pending",
    )
    .await;

    let response = post(
        &app,
        Some(&c.platform),
        json!({"status": "verified", "note": "Checked in the RNA."}),
    )
    .await;
    assert_eq!(response.status(), 201);
    let (status, record) = status_now(&app).await;
    assert_eq!(status, "verified");
    let history = record["history"].as_array().unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[0]["status"], "verified");
    assert_eq!(history[0]["by"], "platform");
    assert_eq!(history[0]["note"], "Checked in the RNA.");
    assert_eq!(
        history[0]["registration"],
        json!({"registry": "FR-RNA", "number": "W751234567"}),
        "the profile's registration by default"
    );
    assert!(history[0]["at"].as_str().unwrap() >= history[1]["at"].as_str().unwrap());
    assert_eq!(history[1]["status"], "pending");
    assert_eq!(history[1]["by"], "organisation");
    assert_eq!(history[1]["note"], "Our statutes are on our site.");
    assert!(history[0].get("decided_by").is_none(), "no names");

    assert_problem(
        post(&app, Some(&c.owner), pending.clone()).await,
        409,
        "already_verified",
    )
    .await;
    let response = post(
        &app,
        Some(&c.platform),
        json!({"status": "revoked", "note": "Dissolved.",
               "registration": {"registry": "FR-RNA", "number": "W751234567"}}),
    )
    .await;
    assert_eq!(response.status(), 201);
    assert_eq!(status_now(&app).await.0, "revoked");
    let response = post(&app, Some(&c.owner), pending).await;
    assert_eq!(response.status(), 201, "asking again after a revocation");
    let (status, record) = status_now(&app).await;
    assert_eq!(status, "pending");
    assert_eq!(record["history"].as_array().unwrap().len(), 4);

    let (code, _) = app
        .get_json("/api/v1/organisations/nobody/verification")
        .await;
    assert_eq!(code, 404);
}

#[tokio::test]
async fn verifying_needs_a_registration_and_bad_input_records_nothing() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let (status, _) = app
        .call(
            "PATCH",
            "/api/v1/organisations/fondation-lumen",
            Some(json!({"registration": null})),
            Some(&c.owner.token),
        )
        .await;
    assert_eq!(status, 200);
    let response = post(&app, Some(&c.platform), json!({"status": "verified"})).await;
    assert_field_error(response, 422, "registration", "required").await;
    for (body, field, code) in [
        (
            json!({"status": "verified", "note": "x".repeat(2001)}),
            "note",
            "too_long",
        ),
        (
            json!({"status": "verified", "note": "a\u{0}b"}),
            "note",
            "control_characters",
        ),
        (
            json!({"status": "verified", "registration": {"registry": "rna", "number": "W1"}}),
            "registration.registry",
            "invalid_registry",
        ),
    ] {
        let response = post(&app, Some(&c.platform), body).await;
        let problem = assert_problem(response, 422, "validation_failed").await;
        assert!(
            problem["errors"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["field"] == field && (code.is_empty() || e["code"] == code)),
            "{problem}"
        );
    }
    let response = post(&app, Some(&c.platform), json!({"status": "approved"})).await;
    assert_eq!(response.status(), 422);
    assert_eq!(status_now(&app).await.1["history"], json!([]));

    let response = post(
        &app,
        Some(&c.platform),
        json!({"status": "verified", "registration": {"registry": "FR-RNA", "number": "W759999999"}}),
    )
    .await;
    assert_eq!(response.status(), 201);
    assert_eq!(status_now(&app).await.0, "verified");
}
