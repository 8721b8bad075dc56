//! Donations through Stripe, against a local fake that speaks Stripe's requests, objects
//! and signed events.

use serde_json::{Value, json};

use crate::fake_stripe::{FakeStripe, SECRET_KEY, WEBHOOK_SECRET, event};
use crate::helpers::{
    Person, TestApp, assert_problem, create, deliver_event, donation, make_admin, person,
    spawn_app_with,
};

async fn app_with_stripe(stripe: &FakeStripe) -> (TestApp, Person) {
    let base = stripe.base.clone();
    let app = spawn_app_with(|s| {
        s.payments = ensemble_api::domain::donations::Provider::Stripe;
        s.stripe_secret_key = Some(SECRET_KEY.into());
        s.stripe_webhook_secret = Some(WEBHOOK_SECRET.into());
        s.stripe_api_base = base.parse().unwrap();
    })
    .await;
    let owner = person(&app, "owner@example.org").await;
    let platform = person(&app, "platform@example.org").await;
    make_admin(&app, "platform@example.org");
    create(
        &app,
        &owner,
        json!({"name": "Puits Communs", "mission": "Wells.",
        "registration": {"registry": "FR-RNA", "number": "W131234567"}}),
    )
    .await;
    let (status, _) = app
        .call(
            "POST",
            "/api/v1/organisations/puits-communs/verification",
            Some(json!({"status": "verified"})),
            Some(&platform.token),
        )
        .await;
    assert_eq!(status, 201);
    let donor = person(&app, "donor@example.org").await;
    (app, donor)
}

async fn give(app: &TestApp, donor: &Person, body: Value, key: &str) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/organisations/puits-communs/donations"))
        .bearer_auth(&donor.token)
        .header("Idempotency-Key", key)
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn deliver(app: &TestApp, secret: &str, event: &Value, skew: i64) -> u16 {
    deliver_event(app, "stripe", secret, event, skew).await
}

fn session_id(checkout_url: &str) -> String {
    checkout_url.rsplit('/').next().unwrap().to_owned()
}

#[tokio::test]
async fn a_one_off_gift_opens_one_checkout_session_and_its_signed_event_settles_it() {
    let stripe = FakeStripe::start().await;
    let (app, donor) = app_with_stripe(&stripe).await;
    let response = give(
        &app,
        &donor,
        json!({"amount_minor": 2500, "currency": "EUR"}),
        "k1",
    )
    .await;
    assert_eq!(response.status(), 201);
    let pending: Value = response.json().await.unwrap();
    let id = pending["id"].as_str().unwrap().to_owned();
    let url = pending["checkout_url"].as_str().unwrap().to_owned();
    assert!(url.starts_with(&stripe.base), "{url}");
    let requests = stripe.requests();
    assert_eq!(requests.len(), 1);
    let sent = &requests[0];
    // The donation's id and creation time: the same on every retry, another for another
    // database's donation of the same id.
    let key = sent.idempotency_key.clone().unwrap();
    assert!(
        key.starts_with(&format!("donation-{id}-")) && key.ends_with("-checkout"),
        "{key}"
    );
    assert_eq!(sent.form["mode"], "payment");
    assert_eq!(sent.form["client_reference_id"], id);
    assert_eq!(sent.form["metadata[donation_id]"], id);
    assert_eq!(sent.form["line_items[0][price_data][currency]"], "eur");
    assert_eq!(sent.form["line_items[0][price_data][unit_amount]"], "2500");
    assert_eq!(sent.form["customer_email"], "donor@example.org");
    // Our own retry with the same key: the same donation, no second session.
    let again = give(
        &app,
        &donor,
        json!({"amount_minor": 2500, "currency": "EUR"}),
        "k1",
    )
    .await;
    assert_eq!(again.status(), 200);
    assert_eq!(stripe.requests().len(), 1);

    let session = stripe.complete(&session_id(&url));
    let completed = event("evt_1", "checkout.session.completed", session);
    assert_eq!(deliver(&app, "whsec_other", &completed, 0).await, 400);
    assert_eq!(
        deliver(&app, WEBHOOK_SECRET, &completed, -301).await,
        400,
        "a replay from the past"
    );
    assert_eq!(
        deliver(&app, WEBHOOK_SECRET, &completed, 301).await,
        400,
        "from the future"
    );
    assert_eq!(donation(&app, &donor, &id).await["status"], "pending");
    let mut calls = Vec::new();
    for _ in 0..20 {
        calls.push(deliver(&app, WEBHOOK_SECRET, &completed, 0));
    }
    assert!(
        futures_util::future::join_all(calls)
            .await
            .iter()
            .all(|s| *s == 200)
    );
    let paid = donation(&app, &donor, &id).await;
    assert_eq!(paid["status"], "succeeded");
    assert_eq!(paid["payments"].as_array().unwrap().len(), 1);
    let (_, profile) = app.get_json("/api/v1/organisations/puits-communs").await;
    assert_eq!(
        profile["donation_totals"],
        json!([{"currency": "EUR", "amount_minor": 2500, "count": 1}])
    );
}

#[tokio::test]
async fn a_monthly_gift_counts_each_period_and_is_cancelled_through_the_api() {
    let stripe = FakeStripe::start().await;
    let (app, donor) = app_with_stripe(&stripe).await;
    let response = give(
        &app,
        &donor,
        json!({"amount_minor": 1000, "currency": "USD", "recurring": "monthly"}),
        "m1",
    )
    .await;
    let pending: Value = response.json().await.unwrap();
    let id = pending["id"].as_str().unwrap().to_owned();
    assert_eq!(stripe.requests()[0].form["mode"], "subscription");
    assert_eq!(
        stripe.requests()[0].form["line_items[0][price_data][recurring][interval]"],
        "month"
    );
    let session = stripe.complete(&session_id(pending["checkout_url"].as_str().unwrap()));
    let subscription = session["subscription"].as_str().unwrap().to_owned();
    // The first invoice may arrive before the checkout's event: out of order, counted once.
    let invoice = |n: u32, reason: &str| {
        json!({"id": format!("in_{n}"), "object": "invoice",
        "billing_reason": reason, "amount_paid": 1000, "currency": "usd",
        "parent": {"subscription_details": {"subscription": subscription,
            "metadata": {"donation_id": id}}}})
    };
    assert_eq!(
        deliver(
            &app,
            WEBHOOK_SECRET,
            &event("evt_i1", "invoice.paid", invoice(1, "subscription_create")),
            0
        )
        .await,
        200
    );
    let first = donation(&app, &donor, &id).await;
    assert_eq!(
        first["status"], "active",
        "the invoice alone says it is paid"
    );
    assert_eq!(first["payments"].as_array().unwrap().len(), 1);
    assert_eq!(
        deliver(
            &app,
            WEBHOOK_SECRET,
            &event("evt_c", "checkout.session.completed", session.clone()),
            0
        )
        .await,
        200
    );
    assert_eq!(
        deliver(
            &app,
            WEBHOOK_SECRET,
            // The same invoice in another event: still one payment.
            &event(
                "evt_i1_again",
                "invoice.paid",
                invoice(1, "subscription_create")
            ),
            0
        )
        .await,
        200
    );
    assert_eq!(
        deliver(
            &app,
            WEBHOOK_SECRET,
            &event("evt_i2", "invoice.paid", invoice(2, "subscription_cycle")),
            0
        )
        .await,
        200
    );
    let active = donation(&app, &donor, &id).await;
    assert_eq!(active["status"], "active");
    assert_eq!(active["payments"].as_array().unwrap().len(), 2, "{active}");
    // A failed later period changes nothing (Stripe retries, then deletes the subscription).
    assert_eq!(
        deliver(
            &app,
            WEBHOOK_SECRET,
            &event(
                "evt_f3",
                "invoice.payment_failed",
                invoice(3, "subscription_cycle")
            ),
            0
        )
        .await,
        200
    );
    assert_eq!(donation(&app, &donor, &id).await["status"], "active");

    let (status, cancelled) = app
        .call(
            "POST",
            &format!("/api/v1/donations/{id}/cancel"),
            None,
            Some(&donor.token),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(cancelled["status"], "cancelled");
    let deleted = stripe
        .requests()
        .into_iter()
        .find(|r| r.method == "DELETE")
        .unwrap();
    assert_eq!(deleted.path, format!("/v1/subscriptions/{subscription}"));
    let gone = event(
        "evt_del",
        "customer.subscription.deleted",
        json!({"id": subscription, "object": "subscription"}),
    );
    assert_eq!(deliver(&app, WEBHOOK_SECRET, &gone, 0).await, 200);
    let after = donation(&app, &donor, &id).await;
    assert_eq!(after["status"], "cancelled");
    assert_eq!(after["payments"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn an_outage_leaves_the_gift_pending_and_reconcile_settles_what_no_webhook_told() {
    let stripe = FakeStripe::start().await;
    let (app, donor) = app_with_stripe(&stripe).await;
    stripe.set_failing(true);
    let response = give(
        &app,
        &donor,
        json!({"amount_minor": 3000, "currency": "GBP"}),
        "o1",
    )
    .await;
    assert_problem(response, 502, "provider_unavailable").await;
    let (_, mine) = app
        .call("GET", "/api/v1/me/donations", None, Some(&donor.token))
        .await;
    assert_eq!(
        mine["items"][0]["status"], "pending",
        "committed before the provider was called"
    );
    assert_eq!(mine["items"][0]["checkout_url"], Value::Null);
    stripe.set_failing(false);
    let response = give(
        &app,
        &donor,
        json!({"amount_minor": 3000, "currency": "GBP"}),
        "o1",
    )
    .await;
    assert_eq!(
        response.status(),
        200,
        "the same request resumes the same donation"
    );
    let resumed: Value = response.json().await.unwrap();
    assert_eq!(resumed["id"], mine["items"][0]["id"]);
    let paid_id = resumed["id"].as_str().unwrap().to_owned();
    stripe.complete(&session_id(resumed["checkout_url"].as_str().unwrap()));

    let response = give(
        &app,
        &donor,
        json!({"amount_minor": 4000, "currency": "GBP"}),
        "o2",
    )
    .await;
    let forgotten: Value = response.json().await.unwrap();
    let expired_id = forgotten["id"].as_str().unwrap().to_owned();
    stripe.expire(&session_id(forgotten["checkout_url"].as_str().unwrap()));

    // No webhook came for either: reconcile asks Stripe.
    let (database_url, data_dir, api_base) = (
        app.database_url.clone(),
        app.dir.path().join("data"),
        stripe.base.clone(),
    );
    let run = move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_ensemble"))
            .args(["payments", "reconcile", "--older-than", "0"])
            .env("DATABASE_URL", &database_url)
            .env("ENSEMBLE_DATA_DIR", &data_dir)
            .env("ENSEMBLE_PAYMENTS", "stripe")
            .env("ENSEMBLE_STRIPE_SECRET_KEY", SECRET_KEY)
            .env("ENSEMBLE_STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET)
            .env("ENSEMBLE_STRIPE_API_BASE", &api_base)
            .output()
            .unwrap()
    };
    let output = tokio::task::spawn_blocking(run.clone()).await.unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let said = String::from_utf8_lossy(&output.stdout);
    assert!(said.contains("1 paid, 1 expired"), "{said}");
    assert_eq!(
        donation(&app, &donor, &paid_id).await["status"],
        "succeeded"
    );
    assert_eq!(
        donation(&app, &donor, &paid_id).await["payments"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        donation(&app, &donor, &expired_id).await["status"],
        "expired"
    );
    // Twice changes nothing; a late webhook neither.
    let output = tokio::task::spawn_blocking(run).await.unwrap();
    assert!(String::from_utf8_lossy(&output.stdout).contains("0 pending donations checked"));
    let (_, profile) = app.get_json("/api/v1/organisations/puits-communs").await;
    assert_eq!(
        profile["donation_totals"],
        json!([{"currency": "GBP", "amount_minor": 3000, "count": 1}])
    );
}

#[tokio::test]
async fn a_first_period_that_fails_ends_the_monthly_gift_and_a_refund_uncounts_a_payment() {
    let stripe = FakeStripe::start().await;
    let (app, donor) = app_with_stripe(&stripe).await;
    let response = give(
        &app,
        &donor,
        json!({"amount_minor": 1200, "currency": "EUR", "recurring": "yearly"}),
        "y1",
    )
    .await;
    let pending: Value = response.json().await.unwrap();
    let id = pending["id"].as_str().unwrap().to_owned();
    assert_eq!(
        stripe.requests()[0].form["line_items[0][price_data][recurring][interval]"],
        "year"
    );
    let failed = json!({"id": "in_f1", "object": "invoice", "billing_reason": "subscription_create",
        "amount_paid": 0, "currency": "eur",
        "parent": {"subscription_details": {"subscription": "sub_failing",
            "metadata": {"donation_id": id}}}});
    // The first period fails: the gift ends (Stripe's checkout then expires, which
    // changes nothing more).
    assert_eq!(
        deliver(
            &app,
            WEBHOOK_SECRET,
            &event("evt_f1", "invoice.payment_failed", failed),
            0
        )
        .await,
        200
    );
    assert_eq!(donation(&app, &donor, &id).await["status"], "failed");
    let session = stripe.expire(&session_id(pending["checkout_url"].as_str().unwrap()));
    let expired = event("evt_x1", "checkout.session.expired", session);
    assert_eq!(deliver(&app, WEBHOOK_SECRET, &expired, 0).await, 200);
    assert_eq!(donation(&app, &donor, &id).await["status"], "failed");

    // A one-off gift, paid, then refunded by the organisation in Stripe's dashboard.
    let response = give(
        &app,
        &donor,
        json!({"amount_minor": 5000, "currency": "EUR"}),
        "r1",
    )
    .await;
    let gift: Value = response.json().await.unwrap();
    let gift_id = gift["id"].as_str().unwrap().to_owned();
    let session = stripe.complete(&session_id(gift["checkout_url"].as_str().unwrap()));
    let intent = session["payment_intent"].as_str().unwrap().to_owned();
    assert_eq!(
        deliver(
            &app,
            WEBHOOK_SECRET,
            &event("evt_p", "checkout.session.completed", session),
            0
        )
        .await,
        200
    );
    let partial = json!({"id": "ch_1", "object": "charge", "payment_intent": intent, "refunded": false, "amount_refunded": 1000});
    assert_eq!(
        deliver(
            &app,
            WEBHOOK_SECRET,
            &event("evt_r0", "charge.refunded", partial),
            0
        )
        .await,
        200
    );
    assert_eq!(
        donation(&app, &donor, &gift_id).await["status"],
        "succeeded",
        "a partial refund is not handled as a full one"
    );
    let full = json!({"id": "ch_1", "object": "charge", "payment_intent": intent, "refunded": true, "amount_refunded": 5000});
    assert_eq!(
        deliver(
            &app,
            WEBHOOK_SECRET,
            &event("evt_r1", "charge.refunded", full),
            0
        )
        .await,
        200
    );
    assert_eq!(donation(&app, &donor, &gift_id).await["status"], "refunded");
    let (_, profile) = app.get_json("/api/v1/organisations/puits-communs").await;
    assert_eq!(profile["donation_totals"], json!([]));
}
