//! Donations through the sandbox provider: giving, idempotency, signed webhooks applied
//! once and forward only, privacy, CSV, receipts and totals.

use serde_json::{Value, json};

use crate::helpers::{
    Person, TestApp, assert_field_error, assert_problem, create, deliver_event, donation, join,
    make_admin, person, sandbox_secret, spawn_app, stripe_signature,
};

/// An organisation, verified, with an owner; a donor; a platform admin.
pub(crate) struct Cast {
    pub(crate) owner: Person,
    pub(crate) donor: Person,
}

pub(crate) async fn cast(app: &TestApp) -> Cast {
    let owner = person(app, "owner@example.org").await;
    let donor = person(app, "donor@example.org").await;
    let platform = person(app, "platform@example.org").await;
    make_admin(app, "platform@example.org");
    create(
        app,
        &owner,
        json!({"name": "Fonds Lumière", "mission": "Light for all.", "city": "Lyon",
               "registration": {"registry": "FR-RNA", "number": "W691234567"}}),
    )
    .await;
    let (status, _) = app
        .call(
            "POST",
            "/api/v1/organisations/fonds-lumiere/verification",
            Some(json!({"status": "verified"})),
            Some(&platform.token),
        )
        .await;
    assert_eq!(status, 201);
    Cast { owner, donor }
}

pub(crate) async fn give(
    app: &TestApp,
    who: &Person,
    body: Value,
    key: Option<&str>,
) -> reqwest::Response {
    let mut request = app
        .client
        .post(app.url("/api/v1/organisations/fonds-lumiere/donations"))
        .bearer_auth(&who.token)
        .json(&body);
    if let Some(key) = key {
        request = request.header("Idempotency-Key", key);
    }
    request.send().await.unwrap()
}

/// Follows the checkout link and presses `outcome` on the sandbox's page.
pub(crate) async fn checkout(app: &TestApp, checkout_url: &str, outcome: &str) -> String {
    let page = app.client.get(checkout_url).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("Test mode"), "{html}");
    press(app, checkout_url, outcome).await
}

/// Presses a button of the sandbox's page (as a browser would post its form).
async fn press(app: &TestApp, checkout_url: &str, outcome: &str) -> String {
    let token = checkout_url.split("token=").nth(1).unwrap();
    let action = checkout_url.split('?').next().unwrap();
    let response = app
        .client
        .post(action)
        .form(&[("token", token), ("outcome", outcome)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.text().await.unwrap()
}

async fn deliver(app: &TestApp, secret: &str, event: &Value, skew: i64) -> u16 {
    deliver_event(app, "sandbox", secret, event, skew).await
}

/// What the organisation received in test money (the sandbox's): never in its real
/// totals, which stay empty.
async fn totals(app: &TestApp) -> Value {
    let (_, profile) = app.get_json("/api/v1/organisations/fonds-lumiere").await;
    assert_eq!(
        profile["donation_totals"],
        json!([]),
        "test money is not real money"
    );
    profile["test_donation_totals"].clone()
}

#[tokio::test]
async fn a_one_off_gift_through_the_sandbox_end_to_end() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let response = give(
        &app,
        &c.donor,
        json!({"amount_minor": 2500, "currency": "EUR", "message": "Bon courage"}),
        Some("gift-1"),
    )
    .await;
    assert_eq!(response.status(), 201);
    let pending: Value = response.json().await.unwrap();
    assert_eq!(pending["status"], "pending");
    assert_eq!(pending["payments"], json!([]));
    let url = pending["checkout_url"].as_str().unwrap().to_owned();
    let id = pending["id"].as_str().unwrap().to_owned();

    let page = checkout(&app, &url, "pay").await;
    assert!(page.contains("Thank you"));
    let paid = donation(&app, &c.donor, &id).await;
    assert_eq!(paid["status"], "succeeded");
    assert_eq!(paid["checkout_url"], Value::Null);
    let payments = paid["payments"].as_array().unwrap();
    assert_eq!(payments.len(), 1);
    assert_eq!(payments[0]["amount_minor"], 2500);
    let receipt_number = payments[0]["receipt_number"].as_str().unwrap().to_owned();
    assert!(
        receipt_number.starts_with("TEST-"),
        "a test payment's receipt number says so: {receipt_number}"
    );
    assert_eq!(
        totals(&app).await,
        json!([{"currency": "EUR", "amount_minor": 2500, "count": 1}])
    );

    // Paying twice on the same page changes nothing; the page now says it is closed.
    let closed = app
        .client
        .get(&url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(closed.contains("closed"), "{closed}");
    press(&app, &url, "pay").await;
    assert_eq!(
        donation(&app, &c.donor, &id).await["payments"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(totals(&app).await[0]["count"], 1);

    let receipt = app
        .client
        .get(app.url(&format!("/api/v1/donations/{id}/receipt")))
        .bearer_auth(&c.donor.token)
        .send()
        .await
        .unwrap();
    assert_eq!(receipt.status(), 200);
    let html = receipt.text().await.unwrap();
    for expected in [
        "Fonds Lumière",
        "FR-RNA W691234567",
        "Test Person",
        "25.00 EUR",
        &receipt_number,
    ] {
        assert!(
            html.contains(expected),
            "{expected} missing from the receipt"
        );
    }
    let (_, mine) = app
        .call("GET", "/api/v1/me/donations", None, Some(&c.donor.token))
        .await;
    assert_eq!(mine["items"][0]["id"], id.as_str());

    // A failed checkout.
    let response = give(
        &app,
        &c.donor,
        json!({"amount_minor": 1000, "currency": "USD"}),
        None,
    )
    .await;
    let failing: Value = response.json().await.unwrap();
    checkout(&app, failing["checkout_url"].as_str().unwrap(), "fail").await;
    let failed = donation(&app, &c.donor, failing["id"].as_str().unwrap()).await;
    assert_eq!(failed["status"], "failed");
    let receipt = app
        .send(
            "GET",
            &format!(
                "/api/v1/donations/{}/receipt",
                failing["id"].as_str().unwrap()
            ),
            None,
            Some(&c.donor.token),
        )
        .await;
    assert_problem(receipt, 409, "nothing_paid").await;
    assert_eq!(
        totals(&app).await.as_array().unwrap().len(),
        1,
        "no USD received"
    );
    assert!(c.owner.id != c.donor.id);
}

#[tokio::test]
async fn a_monthly_gift_is_active_then_cancelled_by_its_donor() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let response = give(
        &app,
        &c.donor,
        json!({"amount_minor": 1500, "currency": "CHF", "recurring": "monthly"}),
        None,
    )
    .await;
    let pending: Value = response.json().await.unwrap();
    let id = pending["id"].as_str().unwrap().to_owned();
    checkout(&app, pending["checkout_url"].as_str().unwrap(), "pay").await;
    let active = donation(&app, &c.donor, &id).await;
    assert_eq!(active["status"], "active");
    assert_eq!(active["recurring"], "monthly");
    assert_eq!(
        active["payments"].as_array().unwrap().len(),
        1,
        "the first month"
    );

    // A second month, by the provider's event.
    let secret = sandbox_secret(&app);
    let month = json!({"id": "evt_month_2", "type": "invoice.paid", "data": {"object": {
        "id": format!("in_sandbox_{id}_2"), "subscription": format!("sub_sandbox_{id}"),
        "billing_reason": "subscription_cycle", "amount_paid": 1500, "currency": "chf"}}});
    assert_eq!(deliver(&app, &secret, &month, 0).await, 200);
    assert_eq!(
        deliver(&app, &secret, &month, 0).await,
        200,
        "again: received, not counted"
    );
    assert_eq!(
        donation(&app, &c.donor, &id).await["payments"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        totals(&app).await,
        json!([{"currency": "CHF", "amount_minor": 3000, "count": 2}])
    );

    let stranger = person(&app, "stranger@example.org").await;
    let (status, _) = app
        .call(
            "POST",
            &format!("/api/v1/donations/{id}/cancel"),
            None,
            Some(&stranger.token),
        )
        .await;
    assert_eq!(status, 404);
    let (status, cancelled) = app
        .call(
            "POST",
            &format!("/api/v1/donations/{id}/cancel"),
            None,
            Some(&c.donor.token),
        )
        .await;
    assert_eq!(status, 200, "{cancelled}");
    assert_eq!(cancelled["status"], "cancelled");
    let response = app
        .send(
            "POST",
            &format!("/api/v1/donations/{id}/cancel"),
            None,
            Some(&c.donor.token),
        )
        .await;
    assert_problem(response, 409, "not_active").await;
    // A period paid after the cancellation is not counted against it (the provider stopped).
    let late = json!({"id": "evt_month_3", "type": "invoice.paid", "data": {"object": {
        "id": format!("in_sandbox_{id}_3"), "subscription": format!("sub_sandbox_{id}"),
        "amount_paid": 1500, "currency": "chf"}}});
    assert_eq!(deliver(&app, &secret, &late, 0).await, 200);
    assert_eq!(donation(&app, &c.donor, &id).await["status"], "cancelled");

    let response = give(
        &app,
        &c.donor,
        json!({"amount_minor": 1500, "currency": "CHF"}),
        None,
    )
    .await;
    let one_off: Value = response.json().await.unwrap();
    let response = app
        .send(
            "POST",
            &format!(
                "/api/v1/donations/{}/cancel",
                one_off["id"].as_str().unwrap()
            ),
            None,
            Some(&c.donor.token),
        )
        .await;
    assert_problem(response, 409, "not_recurring").await;
}

#[tokio::test]
async fn gifts_go_to_verified_organisations_with_sane_amounts_and_keys() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    create(
        &app,
        &c.owner,
        json!({"name": "Not Yet", "mission": "Waiting for review."}),
    )
    .await;
    let response = app
        .client
        .post(app.url("/api/v1/organisations/not-yet/donations"))
        .bearer_auth(&c.donor.token)
        .json(&json!({"amount_minor": 2500, "currency": "EUR"}))
        .send()
        .await
        .unwrap();
    assert_problem(response, 409, "organisation_not_verified").await;
    let response = app
        .send(
            "POST",
            "/api/v1/organisations/fonds-lumiere/donations",
            Some(json!({"amount_minor": 2500, "currency": "EUR"})),
            None,
        )
        .await;
    assert_problem(response, 401, "unauthorized").await;
    for (body, field, code) in [
        (
            json!({"amount_minor": 99, "currency": "EUR"}),
            "amount_minor",
            "out_of_range",
        ),
        (
            json!({"amount_minor": 1_000_001, "currency": "EUR"}),
            "amount_minor",
            "out_of_range",
        ),
        (
            json!({"amount_minor": 400, "currency": "CNY"}),
            "amount_minor",
            "out_of_range",
        ),
        (
            json!({"amount_minor": 2500, "currency": "JPY"}),
            "currency",
            "unsupported_currency",
        ),
        (
            json!({"amount_minor": 2500, "currency": "eur"}),
            "currency",
            "unsupported_currency",
        ),
        (
            json!({"amount_minor": 25.5, "currency": "EUR"}),
            "amount_minor",
            "invalid_value",
        ),
        (
            json!({"amount_minor": "2500", "currency": "EUR"}),
            "amount_minor",
            "invalid_type",
        ),
        (
            json!({"amount_minor": 2500, "currency": "EUR", "message": "x".repeat(501)}),
            "message",
            "too_long",
        ),
        (
            json!({"amount_minor": 2500, "currency": "EUR", "recurring": "weekly"}),
            "recurring",
            "invalid_value",
        ),
        (
            json!({"amount_minor": 2500, "currency": "EUR", "tip": 5}),
            "tip",
            "unknown_field",
        ),
    ] {
        let response = give(&app, &c.donor, body.clone(), None).await;
        let problem = assert_problem(response, 422, "validation_failed").await;
        let errors = problem["errors"].as_array().unwrap();
        assert!(
            errors.iter().any(|e| e["field"] == field
                && (e["code"] == code || code == "invalid_value" || code == "invalid_type")),
            "{body}: {problem}"
        );
    }
    let response = give(
        &app,
        &c.donor,
        json!({"amount_minor": 2500, "currency": "EUR"}),
        Some(""),
    )
    .await;
    assert_field_error(response, 422, "Idempotency-Key", "invalid_idempotency_key").await;

    // The same key: the same donation; with another body: refused.
    let body = json!({"amount_minor": 5000, "currency": "GBP", "anonymous": true});
    let first = give(&app, &c.donor, body.clone(), Some("key-A")).await;
    assert_eq!(first.status(), 201);
    let first: Value = first.json().await.unwrap();
    let again = give(&app, &c.donor, body.clone(), Some("key-A")).await;
    assert_eq!(again.status(), 200);
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["id"], first["id"]);
    assert_eq!(again["checkout_url"], first["checkout_url"]);
    let other = give(
        &app,
        &c.donor,
        json!({"amount_minor": 6000, "currency": "GBP"}),
        Some("key-A"),
    )
    .await;
    assert_field_error(other, 422, "Idempotency-Key", "idempotency_key_reused").await;
    // Another donor's key is theirs.
    let friend = person(&app, "friend@example.org").await;
    assert_eq!(
        give(&app, &friend, body.clone(), Some("key-A"))
            .await
            .status(),
        201
    );

    // Ten at once with one key: one donation.
    let mut calls = Vec::new();
    for _ in 0..10 {
        calls.push(give(
            &app,
            &c.donor,
            json!({"amount_minor": 700, "currency": "CAD"}),
            Some("key-B"),
        ));
    }
    let mut ids = std::collections::HashSet::new();
    for response in futures_util::future::join_all(calls).await {
        assert!(
            response.status() == 200 || response.status() == 201,
            "{}",
            response.status()
        );
        let body: Value = response.json().await.unwrap();
        ids.insert(body["id"].as_str().unwrap().to_owned());
    }
    assert_eq!(ids.len(), 1);
    let (_, mine) = app
        .call(
            "GET",
            "/api/v1/me/donations?limit=100",
            None,
            Some(&c.donor.token),
        )
        .await;
    assert_eq!(
        mine["items"].as_array().unwrap().len(),
        2,
        "key-A and key-B, once each"
    );
}

#[tokio::test]
async fn webhooks_are_verified_and_applied_once_forward_only() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let secret = sandbox_secret(&app);
    let response = give(
        &app,
        &c.donor,
        json!({"amount_minor": 4000, "currency": "EUR"}),
        None,
    )
    .await;
    let pending: Value = response.json().await.unwrap();
    let id = pending["id"].as_str().unwrap().to_owned();
    let completed = json!({"id": "evt_done", "type": "checkout.session.completed", "data": {"object": {
        "id": format!("cs_sandbox_{id}"), "mode": "payment", "payment_status": "paid",
        "client_reference_id": id, "metadata": {"donation_id": id},
        "payment_intent": "pi_test_1", "amount_total": 4000, "currency": "eur"}}});

    // The signature: wrong secret, outside five minutes either way, missing.
    assert_eq!(deliver(&app, "whsec_wrong", &completed, 0).await, 400);
    assert_eq!(deliver(&app, &secret, &completed, -301).await, 400);
    assert_eq!(deliver(&app, &secret, &completed, 301).await, 400);
    let unsigned = app
        .client
        .post(app.url("/api/v1/payments/sandbox/webhook"))
        .body(completed.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(unsigned.status(), 400);
    assert_eq!(donation(&app, &c.donor, &id).await["status"], "pending");

    // Twenty deliveries of one event at once: one payment.
    let mut calls = Vec::new();
    for skew in 0..20 {
        let app = &app;
        let (secret, completed) = (secret.clone(), completed.clone());
        calls.push(async move { deliver(app, &secret, &completed, 250 - skew * 25).await });
    }
    for status in futures_util::future::join_all(calls).await {
        assert_eq!(status, 200);
    }
    let paid = donation(&app, &c.donor, &id).await;
    assert_eq!(paid["status"], "succeeded");
    assert_eq!(paid["payments"].as_array().unwrap().len(), 1);
    assert_eq!(
        totals(&app).await,
        json!([{"currency": "EUR", "amount_minor": 4000, "count": 1}])
    );

    // An older event arriving late moves nothing back.
    let expired = json!({"id": "evt_expired", "type": "checkout.session.expired", "data": {"object": {
        "id": format!("cs_sandbox_{id}"), "client_reference_id": id}}});
    assert_eq!(deliver(&app, &secret, &expired, 0).await, 200);
    assert_eq!(donation(&app, &c.donor, &id).await["status"], "succeeded");

    // A refund: the payment no longer counts.
    let refund = json!({"id": "evt_refund", "type": "charge.refunded", "data": {"object": {
        "id": "ch_1", "payment_intent": "pi_test_1", "refunded": true}}});
    assert_eq!(deliver(&app, &secret, &refund, 0).await, 200);
    let refunded = donation(&app, &c.donor, &id).await;
    assert_eq!(refunded["status"], "refunded");
    assert_eq!(refunded["payments"][0]["status"], "refunded");
    assert_eq!(totals(&app).await, json!([]));
    // And the completion again, as a new event id: still refunded.
    let mut again = completed.clone();
    again["id"] = json!("evt_done_again");
    assert_eq!(deliver(&app, &secret, &again, 0).await, 200);
    assert_eq!(donation(&app, &c.donor, &id).await["status"], "refunded");

    // Events of unknown kinds, or for nothing we know, are received and ignored.
    let unknown =
        json!({"id": "evt_other", "type": "customer.created", "data": {"object": {"id": "cus_1"}}});
    assert_eq!(deliver(&app, &secret, &unknown, 0).await, 200);
    let garbage = app
        .client
        .post(app.url("/api/v1/payments/sandbox/webhook"))
        .header(
            "Stripe-Signature",
            stripe_signature(&secret, chrono::Utc::now().timestamp(), "not json"),
        )
        .body("not json")
        .send()
        .await
        .unwrap();
    assert_eq!(garbage.status(), 400);
    let (status, _) = app
        .call(
            "POST",
            "/api/v1/payments/stripe/webhook",
            Some(json!({})),
            None,
        )
        .await;
    assert_eq!(status, 404, "stripe is not the configured provider");
}

#[tokio::test]
async fn the_organisation_sees_names_and_emails_only_as_donors_allow() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let editor = person(&app, "editor@example.org").await;
    join(&app, "fonds-lumiere", &c.owner, &editor, "editor").await;
    let shy = person(&app, "shy@example.org").await;
    for (who, body) in [
        (
            &c.donor,
            json!({"amount_minor": 1000, "currency": "EUR", "share_contact": true, "message": "=cmd|' /C calc'!A0"}),
        ),
        (
            &shy,
            json!({"amount_minor": 2000, "currency": "EUR", "anonymous": true}),
        ),
    ] {
        let response = give(&app, who, body, None).await;
        let pending: Value = response.json().await.unwrap();
        checkout(&app, pending["checkout_url"].as_str().unwrap(), "pay").await;
    }
    let (status, page) = app
        .call(
            "GET",
            "/api/v1/organisations/fonds-lumiere/donations",
            None,
            Some(&c.owner.token),
        )
        .await;
    assert_eq!(status, 200);
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    let anonymous = &items[0];
    assert_eq!(anonymous["donor_name"], Value::Null);
    assert_eq!(anonymous["donor_email"], Value::Null);
    assert_eq!(anonymous["checkout_url"], Value::Null);
    let open = &items[1];
    assert_eq!(open["donor_name"], "Test Person");
    assert_eq!(open["donor_email"], "donor@example.org");
    // The donor sees their own everything, the admins the rest as allowed, others nothing.
    let shy_id = anonymous["id"].as_str().unwrap();
    assert_eq!(
        donation(&app, &shy, shy_id).await["donor_email"],
        "shy@example.org"
    );
    for who in [&editor, &c.donor] {
        let (status, _) = app
            .call(
                "GET",
                &format!("/api/v1/donations/{shy_id}"),
                None,
                Some(&who.token),
            )
            .await;
        assert_eq!(status, 404);
    }
    let response = app
        .send(
            "GET",
            "/api/v1/organisations/fonds-lumiere/donations",
            None,
            Some(&editor.token),
        )
        .await;
    assert_problem(response, 403, "forbidden").await;

    let response = app
        .client
        .get(app.url("/api/v1/organisations/fonds-lumiere/donations.csv"))
        .bearer_auth(&c.owner.token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = response.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 3, "{csv}");
    assert!(lines[0].starts_with("id,created_at,status,amount,currency"));
    assert!(
        lines[1].contains("\"20.00\"") && !lines[1].contains("shy@example.org"),
        "{csv}"
    );
    assert!(lines[2].contains("\"donor@example.org\""), "{csv}");
    assert!(lines[2].contains("\"'=cmd|"), "formulas are defused: {csv}");
    let response = app
        .send(
            "GET",
            "/api/v1/organisations/fonds-lumiere/donations.csv",
            None,
            Some(&editor.token),
        )
        .await;
    assert_problem(response, 403, "forbidden").await;
}

#[tokio::test]
async fn a_configured_secret_signs_in_place_of_the_generated_one() {
    const GIVEN: &str = "sandbox-secret-from-the-environment-0123456789";
    let app = crate::helpers::spawn_app_with(|s| s.sandbox_secret = Some(GIVEN.into())).await;
    let c = cast(&app).await;
    let stored = std::fs::read_to_string(app.dir.path().join("data/secrets.json")).unwrap();
    assert!(!stored.contains("sandbox_secret"), "{stored}");
    assert!(!stored.contains(GIVEN));
    let response = give(
        &app,
        &c.donor,
        json!({"amount_minor": 1500, "currency": "EUR"}),
        None,
    )
    .await;
    let pending: Value = response.json().await.unwrap();
    let id = pending["id"].as_str().unwrap().to_owned();
    let completed = json!({"id": "evt_given", "type": "checkout.session.completed", "data": {"object": {
        "id": format!("cs_sandbox_{id}"), "mode": "payment", "payment_status": "paid",
        "client_reference_id": id, "metadata": {"donation_id": id},
        "payment_intent": "pi_given", "amount_total": 1500, "currency": "eur"}}});
    assert_eq!(deliver(&app, GIVEN, &completed, 0).await, 200);
    assert_eq!(donation(&app, &c.donor, &id).await["status"], "succeeded");
}
