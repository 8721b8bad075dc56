//! Social sign-in end to end against the local fake provider.

use std::collections::HashMap;

use serde_json::json;

use crate::fake_provider::{CLIENT_ID, CLIENT_SECRET, FakeProvider, Person};
use crate::helpers::{PASSWORD, TestApp, access, assert_problem, spawn_app_with};

async fn app_with_providers(fake: &FakeProvider) -> TestApp {
    let base = fake.base.clone();
    spawn_app_with(move |s| {
        s.oidc_issuer = Some(base.parse().unwrap());
        s.oidc_client_id = Some(CLIENT_ID.into());
        s.oidc_client_secret = Some(CLIENT_SECRET.into());
        s.oidc_name = "Example SSO".into();
        s.facebook_client_id = Some(CLIENT_ID.into());
        s.facebook_client_secret = Some(CLIENT_SECRET.into());
        s.facebook_dialog_url = format!("{base}/fb/dialog").parse().unwrap();
        s.facebook_graph_url = format!("{base}/fb/graph").parse().unwrap();
    })
    .await
}

fn ana(verified: bool) -> Person {
    Person {
        subject: "ana-at-provider".into(),
        email: Some("Ana@Example.org".into()),
        email_verified: verified,
        name: "Ana Lopez".into(),
    }
}

fn location(response: &reqwest::Response) -> String {
    assert_eq!(response.status(), 302, "a redirect");
    response.headers()["location"].to_str().unwrap().to_owned()
}

/// The browser's trip: our start → the provider → our callback. Answers the callback URL
/// and the fragment of the final redirect to the web app.
async fn sign_in(
    app: &TestApp,
    provider: &str,
    return_to: &str,
) -> (String, HashMap<String, String>) {
    let start = app
        .get(&format!(
            "/api/v1/auth/oauth/{provider}/start?return_to={return_to}"
        ))
        .await;
    assert_eq!(start.headers()["cache-control"], "no-store");
    let at_provider = app.client.get(location(&start)).send().await.unwrap();
    let callback = location(&at_provider);
    assert!(
        callback.starts_with(&format!(
            "{}/api/v1/auth/oauth/{provider}/callback?",
            app.address
        )),
        "{callback}"
    );
    (callback.clone(), follow_callback(app, &callback).await)
}

async fn follow_callback(app: &TestApp, callback: &str) -> HashMap<String, String> {
    let done = app.client.get(callback).send().await.unwrap();
    let target = location(&done);
    let (page, fragment) = target.split_once('#').expect("a fragment");
    assert_eq!(page, "/auth/complete");
    url::form_urlencoded::parse(fragment.as_bytes())
        .into_owned()
        .collect()
}

#[tokio::test]
async fn providers_are_listed_when_configured() {
    let fake = FakeProvider::start().await;
    let app = app_with_providers(&fake).await;
    let (status, body) = app.get_json("/api/v1/auth/providers").await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!([
            {"id": "password", "name": "Email and password"},
            {"id": "facebook", "name": "Facebook"},
            {"id": "oidc", "name": "Example SSO"},
        ])
    );
    assert_problem(
        app.get("/api/v1/auth/oauth/google/start").await,
        404,
        "not_found",
    )
    .await;
    let open_redirect = app
        .get("/api/v1/auth/oauth/oidc/start?return_to=//evil.example")
        .await;
    assert_problem(open_redirect, 400, "invalid_query").await;
}

#[tokio::test]
async fn openid_connect_sign_in_creates_a_verified_account_then_finds_it_again() {
    let fake = FakeProvider::start().await;
    let app = app_with_providers(&fake).await;
    fake.sign_in_as(ana(true));

    let (_, outcome) = sign_in(&app, "oidc", "/feed").await;
    assert_eq!(outcome["return_to"], "/feed");
    assert_eq!(outcome["token_type"], "Bearer");
    assert_eq!(outcome["expires_in"], "900");
    assert!(outcome["refresh_token"].starts_with("ens_rt_"));
    let (status, me) = app
        .call("GET", "/api/v1/me", None, Some(&outcome["access_token"]))
        .await;
    assert_eq!(status, 200);
    assert_eq!(me["email"], "Ana@Example.org");
    assert_eq!(me["email_verified"], true);
    assert_eq!(me["display_name"], "Ana Lopez");

    let (_, export) = app
        .call(
            "GET",
            "/api/v1/me/export",
            None,
            Some(&outcome["access_token"]),
        )
        .await;
    assert_eq!(export["identities"][0]["provider"], "oidc");
    assert_eq!(export["identities"][0]["email"], "Ana@Example.org");

    let (_, again) = sign_in(&app, "oidc", "/").await;
    let (_, me_again) = app
        .call("GET", "/api/v1/me", None, Some(&again["access_token"]))
        .await;
    assert_eq!(me_again["id"], me["id"], "the same account");
    // No password: the account can only sign in through the provider.
    let (status, _) = app
        .call(
            "POST",
            "/api/v1/auth/login",
            Some(json!({"email": "ana@example.org", "password": PASSWORD})),
            None,
        )
        .await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn facebook_sign_in_works_end_to_end() {
    let fake = FakeProvider::start().await;
    let app = app_with_providers(&fake).await;
    fake.sign_in_as(Person {
        subject: "1234567890".into(),
        ..ana(true)
    });
    let (_, outcome) = sign_in(&app, "facebook", "/").await;
    let (status, me) = app
        .call("GET", "/api/v1/me", None, Some(&outcome["access_token"]))
        .await;
    assert_eq!(
        (status, me["email"].as_str()),
        (200, Some("Ana@Example.org")),
        "{outcome:?}"
    );
}

#[tokio::test]
async fn a_provider_sign_in_never_takes_over_an_account_that_uses_its_address() {
    let fake = FakeProvider::start().await;
    let app = app_with_providers(&fake).await;
    let owner = app.register("ana@example.org").await;

    fake.sign_in_as(ana(true));
    let (_, outcome) = sign_in(&app, "oidc", "/").await;
    assert_eq!(
        outcome,
        HashMap::from([("error".to_owned(), "account_exists".to_owned())]),
        "neither linked nor taken over"
    );
    // The owner's session and password are untouched.
    assert_eq!(
        app.call("GET", "/api/v1/me", None, Some(&access(&owner)))
            .await
            .0,
        200
    );
    let (status, _) = app
        .call(
            "POST",
            "/api/v1/auth/login",
            Some(json!({"email": "ana@example.org", "password": PASSWORD})),
            None,
        )
        .await;
    assert_eq!(status, 200, "the password still works");

    // Nor does a second provider join the account a first one made.
    fake.sign_in_as(Person {
        subject: "another-subject".into(),
        email: Some("bea@example.org".into()),
        ..ana(true)
    });
    let (_, first) = sign_in(&app, "oidc", "/").await;
    assert!(first.contains_key("access_token"), "{first:?}");
    let (_, second) = sign_in(&app, "facebook", "/").await;
    assert_eq!(second["error"], "account_exists");
}

#[tokio::test]
async fn an_unverified_provider_email_is_never_linked_or_used() {
    let fake = FakeProvider::start().await;
    let app = app_with_providers(&fake).await;
    let owner = app.register("ana@example.org").await;
    fake.sign_in_as(ana(false));
    let (_, outcome) = sign_in(&app, "oidc", "/").await;
    assert_eq!(
        outcome,
        HashMap::from([("error".to_owned(), "email_not_verified".to_owned())])
    );
    assert_eq!(
        app.call("GET", "/api/v1/me", None, Some(&access(&owner)))
            .await
            .0,
        200,
        "untouched"
    );

    fake.sign_in_as(Person {
        email: None,
        ..ana(true)
    });
    let (_, outcome) = sign_in(&app, "facebook", "/").await;
    assert_eq!(outcome["error"], "email_required");
}

#[tokio::test]
async fn states_are_single_use_and_cannot_be_forged() {
    let fake = FakeProvider::start().await;
    let app = app_with_providers(&fake).await;
    fake.sign_in_as(ana(true));
    let (callback, first) = sign_in(&app, "oidc", "/").await;
    assert!(first.contains_key("access_token"));
    let replay = follow_callback(&app, &callback).await;
    assert_eq!(replay["error"], "invalid_state", "a callback works once");

    // The same callback URL opened in another browser (one without the sign-in's cookie),
    // as when an attacker sends their own half-finished sign-in to a victim.
    let start = app.get("/api/v1/auth/oauth/oidc/start").await;
    assert!(
        start.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .contains("HttpOnly")
    );
    let at_provider = app.client.get(location(&start)).send().await.unwrap();
    let other_browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let done = other_browser
        .get(location(&at_provider))
        .send()
        .await
        .unwrap();
    assert!(
        location(&done).ends_with("#error=invalid_state"),
        "{}",
        location(&done)
    );

    let forged = follow_callback(
        &app,
        &format!(
            "{}/api/v1/auth/oauth/oidc/callback?code=code-1&state=made-up",
            app.address
        ),
    )
    .await;
    assert_eq!(forged["error"], "invalid_state");

    // A state started for one provider is not accepted by another's callback.
    let start = app.get("/api/v1/auth/oauth/oidc/start").await;
    let at_provider = app.client.get(location(&start)).send().await.unwrap();
    let crossed = location(&at_provider).replace("/oauth/oidc/", "/oauth/facebook/");
    assert_eq!(
        follow_callback(&app, &crossed).await["error"],
        "invalid_state"
    );
}

#[tokio::test]
async fn refusal_at_the_provider_and_bad_codes_end_in_errors_not_accounts() {
    let fake = FakeProvider::start().await;
    let app = app_with_providers(&fake).await;
    fake.sign_in_as(ana(true));

    let start = app.get("/api/v1/auth/oauth/oidc/start").await;
    let state = url::Url::parse(&location(&start))
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "state")
        .unwrap()
        .1
        .into_owned();
    let denied = format!(
        "{}/api/v1/auth/oauth/oidc/callback?error=access_denied&state={state}",
        app.address
    );
    assert_eq!(
        follow_callback(&app, &denied).await["error"],
        "access_denied"
    );

    let start = app.get("/api/v1/auth/oauth/oidc/start").await;
    let at_provider = app.client.get(location(&start)).send().await.unwrap();
    let tampered = location(&at_provider).replace("code=code-", "code=stolen-");
    assert_eq!(
        follow_callback(&app, &tampered).await["error"],
        "provider_error"
    );

    // No account was created: the email is still free.
    app.register("ana@example.org").await;
}

#[tokio::test]
async fn an_unreachable_provider_is_a_502_not_a_500() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let app = spawn_app_with(move |s| {
        s.oidc_issuer = Some(format!("http://127.0.0.1:{port}").parse().unwrap());
        s.oidc_client_id = Some(CLIENT_ID.into());
        s.oidc_client_secret = Some(CLIENT_SECRET.into());
    })
    .await;
    assert_problem(
        app.get("/api/v1/auth/oauth/oidc/start").await,
        502,
        "provider_unavailable",
    )
    .await;
}
