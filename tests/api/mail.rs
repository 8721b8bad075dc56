//! Mail through a real SMTP server (aiosmtpd, see `smtp.rs`), sent by the server's job
//! runner through lettre: proving an address, resetting a password, changing an address,
//! in the reader's language; links that are forged, reused or expired; what an unproven
//! account may not do; an SMTP outage; jobs that outlive their server and are done once by
//! two servers.

use serde_json::{Value, json};

use crate::helpers::{
    Mail, PASSWORD, TestApp, access, assert_field_error, assert_problem, spawn_app_sharing,
    spawn_app_with,
};
use crate::smtp::{SmtpServer, free_port};

async fn app_with_smtp(smtp: &SmtpServer) -> TestApp {
    let url = smtp.url();
    spawn_app_with(move |s| {
        s.smtp_url = Some(url.parse().unwrap());
        s.mail_from = Some("Ensemble <noreply@ensemble.test>".into());
    })
    .await
}

async fn sign_up(app: &TestApp, email: &str, locale: Option<&str>) -> Value {
    let mut body = json!({
        "email": email,
        "password": PASSWORD,
        "display_name": "Ana",
    });
    if let Some(locale) = locale {
        body["locale"] = json!(locale);
    }
    let (status, auth) = app
        .call("POST", "/api/v1/auth/register", Some(body), None)
        .await;
    assert_eq!(status, 201, "{auth}");
    auth
}

async fn confirm(app: &TestApp, token: &str) -> (u16, Value) {
    app.call(
        "POST",
        "/api/v1/auth/email/confirm",
        Some(json!({ "token": token })),
        None,
    )
    .await
}

fn token_of(mail: &Mail) -> String {
    mail.link_token()
        .expect("the message has a link with a token")
}

#[tokio::test]
async fn a_new_account_proves_its_address_with_a_link_that_works_once() {
    let smtp = SmtpServer::start();
    let app = app_with_smtp(&smtp).await;
    let auth = sign_up(&app, "ana@example.org", None).await;
    assert_eq!(auth["user"]["email_verified"], false);

    let mail = smtp.wait_for("ana@example.org", 1).await.remove(0);
    assert_eq!(mail.subject, "Confirm your email address");
    assert_eq!(mail.from, "noreply@ensemble.test");
    assert!(mail.text.contains("ana@example.org"), "{}", mail.text);
    assert!(
        mail.html.contains("<a href="),
        "an HTML part with the button"
    );
    let link = mail.link().unwrap();
    assert!(
        link.starts_with(&format!("{}/verify-email?token=", app.address)),
        "links use the public address: {link}"
    );
    assert!(
        mail.header("list-unsubscribe").is_none(),
        "an essential message"
    );

    let token = token_of(&mail);
    let (status, body) = confirm(&app, &token).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body, json!({"email": "ana@example.org", "changed": false}));
    let (_, me) = app
        .call("GET", "/api/v1/me", None, Some(&access(&auth)))
        .await;
    assert_eq!(me["email_verified"], true);

    // Once only; and nothing else passes for a link.
    let again = app
        .send(
            "POST",
            "/api/v1/auth/email/confirm",
            Some(json!({"token": token})),
            None,
        )
        .await;
    assert_field_error(again, 422, "token", "invalid_token").await;
    let forged = app
        .send(
            "POST",
            "/api/v1/auth/email/confirm",
            Some(json!({"token": "ens_mail_forged"})),
            None,
        )
        .await;
    assert_field_error(forged, 422, "token", "invalid_token").await;

    // Proven already: nothing more to send.
    assert_problem(
        app.send(
            "POST",
            "/api/v1/me/email/verification",
            None,
            Some(&access(&auth)),
        )
        .await,
        409,
        "already_verified",
    )
    .await;
}

#[tokio::test]
async fn an_unproven_account_reads_and_follows_but_waits_to_give_comment_or_create() {
    let smtp = SmtpServer::start();
    let app = app_with_smtp(&smtp).await;
    let token = access(&sign_up(&app, "ana@example.org", None).await);

    let created = app
        .send(
            "POST",
            "/api/v1/organisations",
            Some(json!({"name": "Les Amis", "mission": "Help", "language": "fr"})),
            Some(&token),
        )
        .await;
    assert_problem(created, 403, "email_not_verified").await;
    assert_eq!(
        app.call("GET", "/api/v1/organisations", None, Some(&token))
            .await
            .0,
        200
    );

    // Another link, and only the newest works.
    let first = smtp.wait_for("ana@example.org", 1).await.remove(0);
    let (status, _) = app
        .call("POST", "/api/v1/me/email/verification", None, Some(&token))
        .await;
    assert_eq!(status, 202);
    let both = smtp.wait_for("ana@example.org", 2).await;
    let newest = both
        .iter()
        .map(token_of)
        .find(|t| *t != token_of(&first))
        .unwrap();
    let stale = app
        .send(
            "POST",
            "/api/v1/auth/email/confirm",
            Some(json!({"token": token_of(&first)})),
            None,
        )
        .await;
    assert_field_error(stale, 422, "token", "token_expired").await;
    assert_eq!(confirm(&app, &newest).await.0, 200);

    let (status, body) = app
        .call(
            "POST",
            "/api/v1/organisations",
            Some(json!({"name": "Les Amis", "mission": "Help", "language": "fr"})),
            Some(&token),
        )
        .await;
    assert_eq!(status, 201, "{body}");
}

#[tokio::test]
async fn a_forgotten_password_is_reset_once_through_the_mail_and_every_session_ends() {
    let smtp = SmtpServer::start();
    let app = app_with_smtp(&smtp).await;
    let auth = sign_up(&app, "ana@example.org", Some("fr")).await;
    smtp.wait_for("ana@example.org", 1).await;

    // The same answer for an address nobody has; and nothing is sent there.
    for email in ["nobody@example.org", "ana@example.org"] {
        let (status, _) = app
            .call(
                "POST",
                "/api/v1/auth/password/forgot",
                Some(json!({ "email": email })),
                None,
            )
            .await;
        assert_eq!(status, 202, "{email}");
    }
    let mails = smtp.wait_for("ana@example.org", 2).await;
    let reset = mails
        .iter()
        .find(|m| m.subject == "Choisissez un nouveau mot de passe")
        .expect("the reset mail, in the account's language");
    assert!(reset.link().unwrap().contains("/reset-password?token="));
    let token = token_of(reset);

    let weak = app
        .send(
            "POST",
            "/api/v1/auth/password/reset",
            Some(json!({"token": token, "new_password": "short"})),
            None,
        )
        .await;
    assert_field_error(weak, 422, "new_password", "too_short").await;
    let (status, body) = app
        .call(
            "POST",
            "/api/v1/auth/password/reset",
            Some(json!({"token": token, "new_password": "a brand new passphrase"})),
            None,
        )
        .await;
    assert_eq!(status, 204, "{body}");

    // Signed out everywhere; the old password no longer works, the new one does.
    assert_problem(
        app.send("GET", "/api/v1/me", None, Some(&access(&auth)))
            .await,
        401,
        "invalid_token",
    )
    .await;
    let login = |password: &'static str| {
        app.call(
            "POST",
            "/api/v1/auth/login",
            Some(json!({"email": "ana@example.org", "password": password})),
            None,
        )
    };
    assert_eq!(login(PASSWORD).await.0, 401);
    let (status, fresh) = login("a brand new passphrase").await;
    assert_eq!(status, 200);
    assert_eq!(
        fresh["user"]["email_verified"], true,
        "the link reached the address"
    );

    // The link is spent; the owner is told.
    let reused = app
        .send(
            "POST",
            "/api/v1/auth/password/reset",
            Some(json!({"token": token, "new_password": "yet another passphrase"})),
            None,
        )
        .await;
    assert_field_error(reused, 422, "token", "invalid_token").await;
    let told = smtp.wait_for("ana@example.org", 3).await;
    assert!(
        told.iter()
            .any(|m| m.subject == "Votre mot de passe a été modifié")
    );
    assert!(smtp.to("nobody@example.org").is_empty());
}

#[tokio::test]
async fn links_expire_and_serve_their_purpose_only() {
    let smtp = SmtpServer::start();
    let app = app_with_smtp(&smtp).await;
    sign_up(&app, "ana@example.org", None).await;
    let verify = token_of(&smtp.wait_for("ana@example.org", 1).await[0]);
    app.call(
        "POST",
        "/api/v1/auth/password/forgot",
        Some(json!({"email": "ana@example.org"})),
        None,
    )
    .await;
    let reset = smtp
        .wait_for("ana@example.org", 2)
        .await
        .iter()
        .map(token_of)
        .find(|t| *t != verify)
        .unwrap();

    // A reset link does not prove an address, nor a proof reset a password.
    let wrong = app
        .send(
            "POST",
            "/api/v1/auth/email/confirm",
            Some(json!({"token": reset})),
            None,
        )
        .await;
    assert_field_error(wrong, 422, "token", "invalid_token").await;
    let wrong = app
        .send(
            "POST",
            "/api/v1/auth/password/reset",
            Some(json!({"token": verify, "new_password": "a brand new passphrase"})),
            None,
        )
        .await;
    assert_field_error(wrong, 422, "token", "invalid_token").await;

    // An hour later the reset link has expired, and using it changed nothing.
    let mut conn = app.db.get().unwrap();
    diesel::connection::SimpleConnection::batch_execute(
        &mut *conn,
        "UPDATE email_tokens SET expires_at = created_at WHERE purpose = 'reset'",
    )
    .unwrap();
    let late = app
        .send(
            "POST",
            "/api/v1/auth/password/reset",
            Some(json!({"token": reset, "new_password": "a brand new passphrase"})),
            None,
        )
        .await;
    assert_field_error(late, 422, "token", "token_expired").await;
    let (status, _) = app
        .call(
            "POST",
            "/api/v1/auth/login",
            Some(json!({"email": "ana@example.org", "password": PASSWORD})),
            None,
        )
        .await;
    assert_eq!(status, 200, "the old password still works");
}

#[tokio::test]
async fn a_new_address_is_the_accounts_once_confirmed_and_the_old_one_is_told() {
    let smtp = SmtpServer::start();
    let app = app_with_smtp(&smtp).await;
    let token = access(&sign_up(&app, "ana@example.org", Some("es")).await);
    smtp.wait_for("ana@example.org", 1).await;

    let wrong = app
        .send(
            "POST",
            "/api/v1/me/email",
            Some(json!({"email": "ana.new@example.org", "password": "not the password"})),
            Some(&token),
        )
        .await;
    assert_problem(wrong, 403, "wrong_password").await;
    let (status, _) = app
        .call(
            "POST",
            "/api/v1/me/email",
            Some(json!({"email": "ana.new@example.org", "password": PASSWORD})),
            Some(&token),
        )
        .await;
    assert_eq!(status, 202);
    let mail = smtp.wait_for("ana.new@example.org", 1).await.remove(0);
    assert_eq!(mail.subject, "Confirme su nueva dirección de correo");
    let (_, me) = app.call("GET", "/api/v1/me", None, Some(&token)).await;
    assert_eq!(
        me["email"], "ana@example.org",
        "nothing changes before the link"
    );

    let (status, body) = confirm(&app, &token_of(&mail)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body,
        json!({"email": "ana.new@example.org", "changed": true})
    );
    let (_, me) = app.call("GET", "/api/v1/me", None, Some(&token)).await;
    assert_eq!(me["email"], "ana.new@example.org");
    assert_eq!(me["email_verified"], true);
    let told = smtp.wait_for("ana@example.org", 2).await;
    let changed = told
        .iter()
        .find(|m| m.subject == "Su dirección de correo ha cambiado")
        .expect("the old address is told");
    assert!(changed.text.contains("ana.new@example.org"));
    assert!(changed.link().is_none());

    // An address another account took meanwhile is refused when the link is opened.
    app.call(
        "POST",
        "/api/v1/me/email",
        Some(json!({"email": "bea@example.org", "password": PASSWORD})),
        Some(&token),
    )
    .await;
    let link = token_of(&smtp.wait_for("bea@example.org", 1).await[0]);
    sign_up(&app, "bea@example.org", None).await;
    let taken = app
        .send(
            "POST",
            "/api/v1/auth/email/confirm",
            Some(json!({"token": link})),
            None,
        )
        .await;
    assert_problem(taken, 409, "email_taken").await;
    let (_, me) = app.call("GET", "/api/v1/me", None, Some(&token)).await;
    assert_eq!(me["email"], "ana.new@example.org");
}

#[tokio::test]
async fn mail_to_one_address_is_limited() {
    let smtp = SmtpServer::start();
    let app = app_with_smtp(&smtp).await;
    sign_up(&app, "ana@example.org", None).await;
    let ask = || {
        app.send(
            "POST",
            "/api/v1/auth/password/forgot",
            Some(json!({"email": "ANA@example.org"})),
            None,
        )
    };
    for _ in 0..5 {
        assert_eq!(ask().await.status(), 202);
    }
    let refused = ask().await;
    assert!(refused.headers().contains_key("retry-after"));
    assert_problem(refused, 429, "rate_limited").await;
    let bad = app
        .send(
            "POST",
            "/api/v1/auth/password/forgot",
            Some(json!({"email": "not an address"})),
            None,
        )
        .await;
    assert_field_error(bad, 422, "email", "invalid_email").await;
}

/// The jobs in the database, by state.
fn jobs(app: &TestApp) -> Vec<ensemble_api::db::jobs::JobRow> {
    let mut conn = app.db.get().unwrap();
    ensemble_api::db::jobs::list(&mut conn, None, 1000).unwrap()
}

#[tokio::test]
async fn an_smtp_outage_is_retried_until_the_mail_goes_and_the_api_answers_meanwhile() {
    let port = free_port();
    let url = format!("smtp://127.0.0.1:{port}?tls=none");
    let app = spawn_app_with(move |s| s.smtp_url = Some(url.parse().unwrap())).await;
    let auth = sign_up(&app, "ana@example.org", None).await;

    // Nobody listens: the job fails, is kept, and waits its turn again.
    let mut failed = None;
    for _ in 0..200 {
        failed = jobs(&app)
            .into_iter()
            .find(|j| j.attempts >= 1 && !j.last_error.is_empty());
        if failed.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    let failed = failed.expect("the job failed and was kept");
    assert_eq!(failed.kind, "mail.verify_address");
    assert_eq!(failed.state.as_str(), "queued");
    assert_eq!(
        app.call("GET", "/api/v1/me", None, Some(&access(&auth)))
            .await
            .0,
        200
    );

    // The server comes back: the next attempt sends it, once.
    let smtp = SmtpServer::start_on(port);
    let mail = smtp.wait_for("ana@example.org", 1).await.remove(0);
    assert_eq!(confirm(&app, &token_of(&mail)).await.0, 200);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(smtp.to("ana@example.org").len(), 1);
    let done = jobs(&app);
    assert!(done.iter().all(|j| j.state.as_str() == "done"), "{done:?}");
}

#[tokio::test]
async fn a_job_queued_by_a_stopped_server_is_done_by_the_next_one() {
    let smtp = SmtpServer::start();
    let url = smtp.url();
    let first = spawn_app_with({
        let url = url.clone();
        move |s| {
            s.smtp_url = Some(url.parse().unwrap());
            s.job_workers = 0;
        }
    })
    .await;
    sign_up(&first, "ana@example.org", None).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(
        smtp.to("ana@example.org").is_empty(),
        "nobody does jobs there"
    );
    assert_eq!(jobs(&first)[0].state.as_str(), "queued");

    first.stop().await;
    let second = spawn_app_sharing(&first, move |s| s.smtp_url = Some(url.parse().unwrap())).await;
    let mail = smtp.wait_for("ana@example.org", 1).await.remove(0);
    assert_eq!(confirm(&second, &token_of(&mail)).await.0, 200);
}

#[tokio::test]
async fn two_servers_on_one_database_do_each_job_once() {
    let smtp = SmtpServer::start();
    let url = smtp.url();
    let first = spawn_app_with({
        let url = url.clone();
        move |s| {
            s.smtp_url = Some(url.parse().unwrap());
            s.job_workers = 0;
        }
    })
    .await;
    // People to write to, and many jobs queued at once while nobody works.
    let people = 12;
    let mut ids = Vec::new();
    for n in 0..people {
        let auth = sign_up(&first, &format!("p{n}@example.org"), None).await;
        ids.push(auth["user"]["id"].as_str().unwrap().parse::<i64>().unwrap());
    }
    {
        let mut conn = first.db.get().unwrap();
        for _ in 0..8 {
            for &user_id in &ids {
                ensemble_api::db::jobs::enqueue(
                    &mut conn,
                    &ensemble_api::domain::jobs::Job::Mail(
                        ensemble_api::domain::jobs::Mail::PasswordChanged { user_id },
                    ),
                    None,
                )
                .unwrap();
            }
        }
    }
    let expected = people * 9;
    // Two servers, with several workers each, take from the same queue.
    let a = spawn_app_sharing(&first, {
        let url = url.clone();
        move |s| {
            s.smtp_url = Some(url.parse().unwrap());
            s.job_workers = 3;
        }
    })
    .await;
    let b = spawn_app_sharing(&first, move |s| {
        s.smtp_url = Some(url.parse().unwrap());
        s.job_workers = 3;
    })
    .await;
    for _ in 0..600 {
        if smtp.messages().len() >= expected {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let all = jobs(&first);
    let retried: Vec<_> = all.iter().filter(|j| j.attempts != 1).collect();
    assert_eq!(
        smtp.messages().len(),
        expected,
        "each job done once; retried: {retried:?}"
    );
    // Beside the periodic work the servers queued (once between them).
    let mail: Vec<_> = all.iter().filter(|j| j.kind.starts_with("mail.")).collect();
    assert_eq!(mail.len(), expected);
    assert!(
        mail.iter()
            .all(|j| j.state.as_str() == "done" && j.attempts == 1)
    );
    let periodic = |kind| all.iter().filter(|j| j.kind == kind).count();
    assert_eq!((periodic("reconcile"), periodic("clean_up")), (1, 1));
    drop((a, b));
}

/// Signs `email` up and proves the address with the link that reached the SMTP server.
async fn person_via(app: &TestApp, smtp: &SmtpServer, email: &str) -> crate::helpers::Person {
    let before = smtp.to(email).len();
    let auth = sign_up(app, email, None).await;
    let mail = smtp.wait_for(email, before + 1).await;
    let token = mail.iter().find_map(|m| m.link_token()).unwrap();
    assert_eq!(confirm(app, &token).await.0, 200);
    crate::helpers::Person {
        id: auth["user"]["id"].as_str().unwrap().to_owned(),
        token: access(&auth),
    }
}

/// Nothing more comes to `to` for a moment.
async fn nothing_more(smtp: &SmtpServer, to: &str, count: usize) {
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    assert_eq!(
        smtp.to(to).len(),
        count,
        "{:?}",
        smtp.to(to).iter().map(|m| &m.subject).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn notifications_come_as_each_person_chose_and_one_click_stops_a_category() {
    let smtp = SmtpServer::start();
    let app = app_with_smtp(&smtp).await;
    let owner = person_via(&app, &smtp, "owner@example.org").await;
    let bea = person_via(&app, &smtp, "bea@example.org").await;
    let ana = person_via(&app, &smtp, "ana@example.org").await;
    crate::helpers::create(&app, &owner, json!({"name": "Les Amis", "mission": "Help"})).await;
    let (_, update) = app
        .call(
            "POST",
            "/api/v1/organisations/les-amis/updates",
            Some(json!({"title": "A well", "body": "Dug today."})),
            Some(&owner.token),
        )
        .await;
    let comments = format!(
        "/api/v1/updates/{}/comments",
        update["id"].as_str().unwrap()
    );
    let comment = |who: &crate::helpers::Person, body: Value| {
        let token = who.token.clone();
        let comments = comments.clone();
        let app = &app;
        async move {
            let (status, comment) = app.call("POST", &comments, Some(body), Some(&token)).await;
            assert_eq!(status, 201, "{comment}");
            comment
        }
    };

    // Comments on the team's updates wait for the digest by default: no message of their own.
    let first = comment(&bea, json!({"body": "Wonderful"})).await;
    nothing_more(&smtp, "owner@example.org", 1).await;

    // A reply comes at once, with the one-click unsubscribe of RFC 8058.
    comment(&ana, json!({"body": "Agreed", "parent_id": first["id"]})).await;
    let reply = smtp.wait_for("bea@example.org", 2).await;
    let reply = reply
        .iter()
        .find(|m| m.subject == "Ana replied to your comment")
        .unwrap();
    assert!(reply.text.contains("Les Amis"), "{}", reply.text);
    assert!(
        reply
            .link()
            .unwrap()
            .contains(&format!("/updates/{}", update["id"].as_str().unwrap())),
        "{}",
        reply.text
    );
    assert_eq!(
        reply.header("list-unsubscribe-post"),
        Some("List-Unsubscribe=One-Click")
    );
    // A person who clicks in the text reaches the web page that asks before stopping (mail
    // scanners open links; only the one-click POST stops at once).
    assert!(
        reply.text.contains(&format!(
            "{}/unsubscribe?token={}.replies.",
            app.address, bea.id
        )),
        "{}",
        reply.text
    );
    let unsubscribe = reply
        .header("list-unsubscribe")
        .unwrap()
        .trim_matches(|c| c == '<' || c == '>')
        .to_owned();
    assert!(unsubscribe.starts_with(&app.address), "{unsubscribe}");
    // What a mail reader sends (RFC 8058): a form POST, no sign-in.
    let stopped = app
        .client
        .post(&unsubscribe)
        .form(&[("List-Unsubscribe", "One-Click")])
        .send()
        .await
        .unwrap();
    assert_eq!(stopped.status(), 200);
    let stopped: Value = stopped.json().await.unwrap();
    assert_eq!(stopped, json!({"category": "replies", "delivery": "never"}));
    let (_, choices) = app
        .call("GET", "/api/v1/me/mail-preferences", None, Some(&bea.token))
        .await;
    assert!(
        choices["categories"]
            .as_array()
            .unwrap()
            .contains(&json!({"category": "replies", "delivery": "never"}))
    );
    comment(&ana, json!({"body": "Again", "parent_id": first["id"]})).await;
    nothing_more(&smtp, "bea@example.org", 2).await;

    // A link made up, or changed, stops nothing.
    let forged = app
        .client
        .post(unsubscribe.replace(&format!("token={}.", bea.id), &format!("token={}.", ana.id)))
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 404);

    // The owner asks for comments at once: the next one comes as a message.
    let (status, choices) = app
        .call(
            "PATCH",
            "/api/v1/me/mail-preferences",
            Some(json!({"categories": [{"category": "comments", "delivery": "immediately"}]})),
            Some(&owner.token),
        )
        .await;
    assert_eq!(status, 200, "{choices}");
    comment(&ana, json!({"body": "Well done"})).await;
    let owner_mail = smtp.wait_for("owner@example.org", 2).await;
    assert!(
        owner_mail
            .iter()
            .any(|m| m.subject == "New comment on an update of Les Amis"),
        "{owner_mail:?}"
    );

    // An invitation comes at once too.
    let (status, _) = app
        .call(
            "POST",
            "/api/v1/organisations/les-amis/members",
            Some(json!({"user_id": ana.id, "role": "editor"})),
            Some(&owner.token),
        )
        .await;
    assert_eq!(status, 202);
    let invited = smtp.wait_for("ana@example.org", 2).await;
    let invitation = invited
        .iter()
        .find(|m| m.subject.contains("invites you to join Les Amis"))
        .unwrap();
    assert!(invitation.text.contains("editor"), "{}", invitation.text);
}

#[tokio::test]
async fn a_donor_is_sent_the_receipt_marked_as_test_money_unless_they_said_never() {
    let smtp = SmtpServer::start();
    let app = app_with_smtp(&smtp).await;
    let owner = person_via(&app, &smtp, "owner@example.org").await;
    let donor = person_via(&app, &smtp, "donor@example.org").await;
    let platform = person_via(&app, &smtp, "platform@example.org").await;
    crate::helpers::make_admin(&app, "platform@example.org");
    crate::helpers::create(
        &app,
        &owner,
        json!({"name": "Fonds Lumière", "mission": "Light for all.",
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
    let give = |amount: i64| {
        let token = donor.token.clone();
        let app = &app;
        async move {
            let (status, gift) = app
                .call(
                    "POST",
                    "/api/v1/organisations/fonds-lumiere/donations",
                    Some(json!({"amount_minor": amount, "currency": "EUR"})),
                    Some(&token),
                )
                .await;
            assert_eq!(status, 201, "{gift}");
            crate::donations::checkout(app, gift["checkout_url"].as_str().unwrap(), "pay").await;
        }
    };
    give(2500).await;
    let mails = smtp.wait_for("donor@example.org", 2).await;
    let receipt = mails
        .iter()
        .find(|m| {
            m.subject
                .contains("your gift of 25.00 EUR to Fonds Lumière")
        })
        .expect("the receipt");
    assert!(
        receipt.subject.starts_with("TEST, no money moved:"),
        "{}",
        receipt.subject
    );
    assert!(
        receipt.text.contains("TEST-"),
        "the test receipt number: {}",
        receipt.text
    );
    assert!(receipt.header("list-unsubscribe").is_some());

    let (status, _) = app
        .call(
            "PATCH",
            "/api/v1/me/mail-preferences",
            Some(json!({"categories": [{"category": "receipts", "delivery": "never"}]})),
            Some(&donor.token),
        )
        .await;
    assert_eq!(status, 200);
    give(1000).await;
    nothing_more(&smtp, "donor@example.org", 2).await;
}

/// Issue 15's invitation of a newcomer, through a real SMTP server: the owner invites an
/// address; its owner follows the mailed link, signs up from it, accepts, and is in the
/// team. The invitation's words are the inviter's language (the address has none).
#[tokio::test]
async fn a_newcomer_invited_by_mail_signs_up_from_the_link_and_joins_the_team() {
    let smtp = SmtpServer::start();
    let app = app_with_smtp(&smtp).await;
    let before = smtp.to("owner@example.org").len();
    let (status, auth) = app
        .call(
            "POST",
            "/api/v1/auth/register",
            Some(json!({"email": "owner@example.org", "password": PASSWORD,
                        "display_name": "Odile", "locale": "fr"})),
            None,
        )
        .await;
    assert_eq!(status, 201, "{auth}");
    let proof = smtp.wait_for("owner@example.org", before + 1).await;
    assert_eq!(confirm(&app, &token_of(&proof[0])).await.0, 200);
    let owner = crate::helpers::Person {
        id: auth["user"]["id"].as_str().unwrap().to_owned(),
        token: access(&auth),
    };
    crate::helpers::create(
        &app,
        &owner,
        json!({"name": "Les Amis", "mission": "Aider"}),
    )
    .await;
    let (status, invitation) = app
        .call(
            "POST",
            "/api/v1/organisations/les-amis/members",
            Some(json!({"email": "zoe@example.org", "role": "admin"})),
            Some(&owner.token),
        )
        .await;
    assert_eq!(status, 202, "{invitation}");
    let mail = smtp.wait_for("zoe@example.org", 1).await.remove(0);
    assert_eq!(
        mail.subject,
        "Odile vous invite à rejoindre Les Amis sur Ensemble"
    );
    assert!(mail.text.contains("administrateur"), "{}", mail.text);
    assert!(mail.html.contains("Les Amis"), "{}", mail.html);
    // Not a list message: nothing to unsubscribe from, and no account to stop it for.
    assert_eq!(mail.header("list-unsubscribe"), None);
    let token = token_of(&mail);

    let (status, auth) = app
        .call(
            "POST",
            "/api/v1/auth/register",
            Some(json!({"email": "zoe@example.org", "password": PASSWORD,
                        "display_name": "Zoé", "invitation": token})),
            None,
        )
        .await;
    assert_eq!(status, 201, "{auth}");
    assert_eq!(auth["user"]["email_verified"], true);
    let zoe = access(&auth);
    let (status, accepted) = app
        .call(
            "POST",
            &format!(
                "/api/v1/me/invitations/{}/accept",
                invitation["id"].as_str().unwrap()
            ),
            None,
            Some(&zoe),
        )
        .await;
    assert_eq!(status, 200, "{accepted}");
    let (_, team) = app
        .call(
            "GET",
            "/api/v1/organisations/les-amis/members",
            None,
            Some(&owner.token),
        )
        .await;
    assert!(
        team["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["display_name"] == "Zoé" && m["role"] == "admin"),
        "{team}"
    );
    // The link proved the address: no verification mail follows.
    nothing_more(&smtp, "zoe@example.org", 1).await;
}

/// The platform's decisions on an organisation's identity reach its owners at once (their
/// default), or never if they said so.
#[tokio::test]
async fn owners_are_told_of_the_platforms_verification_decisions_as_they_chose() {
    let smtp = SmtpServer::start();
    let app = app_with_smtp(&smtp).await;
    let owner = person_via(&app, &smtp, "owner@example.org").await;
    let platform = person_via(&app, &smtp, "platform@example.org").await;
    crate::helpers::make_admin(&app, "platform@example.org");
    for name in ["Fonds Lumière", "Fonds Ombre"] {
        crate::helpers::create(
            &app,
            &owner,
            json!({"name": name, "mission": "Light for all.",
                   "registration": {"registry": "FR-RNA", "number": "W691234567"}}),
        )
        .await;
    }
    let decide = |slug: &'static str, status: &'static str| {
        let token = platform.token.clone();
        let app = &app;
        async move {
            let (code, body) = app
                .call(
                    "POST",
                    &format!("/api/v1/organisations/{slug}/verification"),
                    Some(json!({"status": status, "note": "Checked against the register."})),
                    Some(&token),
                )
                .await;
            assert_eq!(code, 201, "{body}");
        }
    };
    decide("fonds-lumiere", "verified").await;
    let mails = smtp.wait_for("owner@example.org", 2).await;
    let approved = mails
        .iter()
        .find(|m| m.subject == "Fonds Lumière is verified")
        .expect("the decision");
    assert!(
        approved
            .link()
            .unwrap()
            .ends_with("/organisations/fonds-lumiere")
    );
    assert!(approved.header("list-unsubscribe").is_some());
    decide("fonds-ombre", "rejected").await;
    let mails = smtp.wait_for("owner@example.org", 3).await;
    assert!(
        mails
            .iter()
            .any(|m| m.subject == "Fonds Ombre could not be verified"),
        "{:?}",
        mails.iter().map(|m| &m.subject).collect::<Vec<_>>()
    );
    // In the notifications too.
    let (_, notes) = app
        .call("GET", "/api/v1/me/notifications", None, Some(&owner.token))
        .await;
    let kinds: Vec<&str> = notes["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"verification_approved") && kinds.contains(&"verification_rejected"),
        "{kinds:?}"
    );

    let (status, _) = app
        .call(
            "PATCH",
            "/api/v1/me/mail-preferences",
            Some(json!({"categories": [{"category": "verification", "delivery": "never"}]})),
            Some(&owner.token),
        )
        .await;
    assert_eq!(status, 200);
    decide("fonds-ombre", "verified").await;
    nothing_more(&smtp, "owner@example.org", 3).await;
}

/// A monthly gift: each period charged is told (as a charge, test money marked), and a
/// period that could not be charged too, once however often the provider sends its event;
/// never, for a donor who chose so.
#[tokio::test]
async fn a_monthly_donor_hears_of_each_charge_and_of_a_charge_that_failed() {
    let smtp = SmtpServer::start();
    let app = app_with_smtp(&smtp).await;
    let owner = person_via(&app, &smtp, "owner@example.org").await;
    let donor = person_via(&app, &smtp, "donor@example.org").await;
    let platform = person_via(&app, &smtp, "platform@example.org").await;
    crate::helpers::make_admin(&app, "platform@example.org");
    crate::helpers::create(
        &app,
        &owner,
        json!({"name": "Fonds Lumière", "mission": "Light for all.",
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
    let (status, gift) = app
        .call(
            "POST",
            "/api/v1/organisations/fonds-lumiere/donations",
            Some(json!({"amount_minor": 1500, "currency": "EUR", "recurring": "monthly"})),
            Some(&donor.token),
        )
        .await;
    assert_eq!(status, 201, "{gift}");
    crate::donations::checkout(&app, gift["checkout_url"].as_str().unwrap(), "pay").await;
    let mails = smtp.wait_for("donor@example.org", 2).await;
    let charged = mails
        .iter()
        .find(|m| m.subject.contains("15.00 EUR"))
        .expect("the charge");
    assert!(
        charged.subject.starts_with("TEST, no money moved:"),
        "{}",
        charged.subject
    );

    let id = gift["id"].as_str().unwrap();
    let failed = json!({"id": format!("evt_{id}_cycle_failed"), "type": "invoice.payment_failed",
        "data": {"object": {"id": format!("in_sandbox_{id}_2"),
            "subscription": format!("sub_sandbox_{id}"), "billing_reason": "subscription_cycle",
            "amount_due": 1500, "currency": "eur",
            "subscription_details": {"metadata": {"donation_id": id}}}}});
    let secret = crate::helpers::sandbox_secret(&app);
    for _ in 0..2 {
        let status = crate::helpers::deliver_event(&app, "sandbox", &secret, &failed, 0).await;
        assert_eq!(status, 200);
    }
    let mails = smtp.wait_for("donor@example.org", 3).await;
    let failure = mails
        .iter()
        .find(|m| m.subject.contains("could not be charged"))
        .expect("the failure");
    assert!(
        failure
            .subject
            .ends_with("Your monthly gift of 15.00 EUR to Fonds Lumière could not be charged"),
        "{}",
        failure.subject
    );
    assert!(failure.subject.starts_with("TEST, no money moved:"));
    assert!(failure.link().unwrap().ends_with("/donations"));
    assert!(failure.header("list-unsubscribe").is_some());
    nothing_more(&smtp, "donor@example.org", 3).await;
    // The gift goes on meanwhile: the provider tries again.
    let (_, seen) = app
        .call(
            "GET",
            &format!("/api/v1/donations/{id}"),
            None,
            Some(&donor.token),
        )
        .await;
    assert_eq!(seen["status"], "active", "{seen}");

    let (status, _) = app
        .call(
            "PATCH",
            "/api/v1/me/mail-preferences",
            Some(json!({"categories": [{"category": "recurring", "delivery": "never"}]})),
            Some(&donor.token),
        )
        .await;
    assert_eq!(status, 200);
    let again = json!({"id": format!("evt_{id}_cycle_failed_again"), "type": "invoice.payment_failed",
        "data": {"object": {"id": format!("in_sandbox_{id}_3"),
            "subscription": format!("sub_sandbox_{id}"), "billing_reason": "subscription_cycle",
            "amount_due": 1500, "currency": "eur"}}});
    assert_eq!(
        crate::helpers::deliver_event(&app, "sandbox", &secret, &again, 0).await,
        200
    );
    nothing_more(&smtp, "donor@example.org", 3).await;
}

#[tokio::test]
async fn mail_preferences_have_defaults_and_refuse_what_is_not_a_time_zone() {
    let app = crate::helpers::spawn_app().await;
    let token = access(&app.register("ana@example.org").await);
    let (status, choices) = app
        .call("GET", "/api/v1/me/mail-preferences", None, Some(&token))
        .await;
    assert_eq!(status, 200);
    assert_eq!(choices["digest"], "weekly");
    assert_eq!(choices["time_zone"], "UTC");
    assert_eq!(choices["categories"].as_array().unwrap().len(), 7);
    assert!(
        choices["categories"]
            .as_array()
            .unwrap()
            .contains(&json!({"category": "comments", "delivery": "digest"}))
    );

    let bad = app
        .send(
            "PATCH",
            "/api/v1/me/mail-preferences",
            Some(json!({"time_zone": "Mars/Olympus_Mons"})),
            Some(&token),
        )
        .await;
    assert_field_error(bad, 422, "time_zone", "invalid_value").await;
    let (status, choices) = app
        .call(
            "PATCH",
            "/api/v1/me/mail-preferences",
            Some(json!({"time_zone": "Europe/Paris", "digest": "daily"})),
            Some(&token),
        )
        .await;
    assert_eq!(status, 200, "{choices}");
    assert_eq!(
        (choices["time_zone"].as_str(), choices["digest"].as_str()),
        (Some("Europe/Paris"), Some("daily"))
    );
}

fn utc(at: &str) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(at)
        .unwrap()
        .with_timezone(&chrono::Utc)
}

fn queue_digests(app: &TestApp, at: &str) -> usize {
    let mut conn = app.db.get().unwrap();
    ensemble_api::db::digests::queue_due_at(&mut conn, utc(at)).unwrap()
}

#[tokio::test]
async fn the_digest_comes_at_the_readers_morning_with_the_best_news_first_and_only_when_there_is_news()
 {
    let smtp = SmtpServer::start();
    let app = app_with_smtp(&smtp).await;
    let owner = person_via(&app, &smtp, "owner@example.org").await;
    let reader = person_via(&app, &smtp, "reader@example.org").await;
    let idle = person_via(&app, &smtp, "idle@example.org").await;
    crate::helpers::create(&app, &owner, json!({"name": "Les Amis", "mission": "Help"})).await;
    assert_eq!(
        app.call(
            "PUT",
            "/api/v1/organisations/les-amis/follow",
            None,
            Some(&reader.token)
        )
        .await
        .0,
        200
    );
    for (who, zone, frequency, locale) in [
        (&reader, "Asia/Tokyo", "daily", "fr"),
        (&idle, "Asia/Tokyo", "daily", "en"),
    ] {
        let (status, _) = app
            .call(
                "PATCH",
                "/api/v1/me/mail-preferences",
                Some(json!({"time_zone": zone, "digest": frequency})),
                Some(&who.token),
            )
            .await;
        assert_eq!(status, 200);
        app.call(
            "PATCH",
            "/api/v1/me",
            Some(json!({"locale": locale})),
            Some(&who.token),
        )
        .await;
    }
    let mut ids = Vec::new();
    for title in ["Un puits", "Une école", "Un jardin"] {
        let (status, update) = app
            .call(
                "POST",
                "/api/v1/organisations/les-amis/updates",
                Some(json!({"title": title, "body": "Des nouvelles."})),
                Some(&owner.token),
            )
            .await;
        assert_eq!(status, 201);
        ids.push(update["id"].as_str().unwrap().to_owned());
    }
    // The school is the most talked about: first in the digest, whatever its age.
    app.call(
        "PUT",
        &format!("/api/v1/updates/{}/reaction", ids[1]),
        None,
        Some(&reader.token),
    )
    .await;

    // 22:30 UTC is 07:30 in Tokyo: nobody's morning yet.
    assert_eq!(queue_digests(&app, "2026-12-07T22:30:00Z"), 0);
    // 23:30 UTC is 08:30 in Tokyo: both readers are due, once only however often it runs.
    assert_eq!(queue_digests(&app, "2026-12-07T23:30:00Z"), 2);
    assert_eq!(queue_digests(&app, "2026-12-07T23:45:00Z"), 0);

    let before = smtp.to("reader@example.org").len();
    let digest = smtp.wait_for("reader@example.org", before + 1).await;
    let digest = digest
        .iter()
        .find(|m| m.subject == "Vos nouvelles sur Ensemble : 3 actualités")
        .expect("the digest, in the reader's language");
    let school = digest.text.find("Une école").unwrap();
    assert!(
        school < digest.text.find("Un puits").unwrap()
            && school < digest.text.find("Un jardin").unwrap(),
        "the most talked about first: {}",
        digest.text
    );
    assert!(digest.text.contains(&format!("/updates/{}", ids[1])));
    assert!(digest.header("list-unsubscribe").is_some());

    // Nothing new for the idle reader: nothing is sent.
    nothing_more(&smtp, "idle@example.org", 1).await;

    // The digest's own link stops it.
    let stop = digest
        .header("list-unsubscribe")
        .unwrap()
        .trim_matches(|c| c == '<' || c == '>')
        .to_owned();
    let stopped: Value = app
        .client
        .post(&stop)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(stopped, json!({"digest": "never"}));
    let (_, choices) = app
        .call(
            "GET",
            "/api/v1/me/mail-preferences",
            None,
            Some(&reader.token),
        )
        .await;
    assert_eq!(choices["digest"], "never");
    // The next morning, only the idle reader is still due.
    assert_eq!(queue_digests(&app, "2026-12-08T23:30:00Z"), 1);
}

#[tokio::test]
async fn a_weekly_digest_is_queued_on_the_readers_monday_only() {
    let app = crate::helpers::spawn_app().await;
    let token = access(&app.register("ana@example.org").await);
    let (status, _) = app
        .call(
            "PATCH",
            "/api/v1/me/mail-preferences",
            Some(json!({"time_zone": "Europe/Paris"})),
            Some(&token),
        )
        .await;
    assert_eq!(status, 200);
    // Tuesday 08:10 in Paris: not the day.
    assert_eq!(queue_digests(&app, "2026-12-08T07:10:00Z"), 0);
    // Monday 08:10 in Paris.
    assert_eq!(queue_digests(&app, "2026-12-07T07:10:00Z"), 1);
}
