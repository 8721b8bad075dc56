//! Invitations to a team sent to an address: the mail and its link, a newcomer signing up
//! from it into the waiting invitation, an account whose proven address it is, answering
//! by link, and what a forged, reused, withdrawn or lapsed link, a stranger, a flood or a
//! race gets. (The same journey through a real SMTP server is in `mail.rs`.)

use serde_json::{Value, json};

use crate::helpers::{
    PASSWORD, Person, TestApp, assert_field_error, assert_problem, create, person, spawn_app,
    spawn_app_with,
};

/// An organisation "Les Amis" whose owner is `owner@example.org`.
async fn team(app: &TestApp) -> Person {
    let owner = person(app, "owner@example.org").await;
    create(app, &owner, json!({"name": "Les Amis", "mission": "Help"})).await;
    owner
}

async fn invite(app: &TestApp, owner: &Person, body: Value) -> (u16, Value) {
    app.call(
        "POST",
        "/api/v1/organisations/les-amis/members",
        Some(body),
        Some(&owner.token),
    )
    .await
}

/// Invites `email` as editor and answers the link's token from the mail it was sent.
async fn invite_address(app: &TestApp, owner: &Person, email: &str) -> (Value, String) {
    let seen = app.mail_to(email).len();
    let (status, invitation) = invite(app, owner, json!({"email": email, "role": "editor"})).await;
    assert_eq!(status, 202, "{invitation}");
    let mail = app.wait_for_new_mail(email, seen).await;
    let token = mail.link_token().expect("the invitation's link");
    (invitation, token)
}

/// Signs `email` up from an invitation's link.
async fn register_from(app: &TestApp, email: &str, invitation: &str) -> reqwest::Response {
    app.send(
        "POST",
        "/api/v1/auth/register",
        Some(
            json!({"email": email, "password": PASSWORD, "display_name": "Zoé",
                    "invitation": invitation}),
        ),
        None,
    )
    .await
}

async fn sign_up(app: &TestApp, email: &str, invitation: &str) -> (u16, Value) {
    let response = register_from(app, email, invitation).await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

async fn members(app: &TestApp, owner: &Person) -> Vec<String> {
    let (status, page) = app
        .call(
            "GET",
            "/api/v1/organisations/les-amis/members",
            None,
            Some(&owner.token),
        )
        .await;
    assert_eq!(status, 200, "{page}");
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["display_name"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_newcomer_signs_up_from_the_mailed_link_into_the_waiting_invitation_and_joins() {
    let app = spawn_app().await;
    let owner = team(&app).await;
    let (invitation, token) = invite_address(&app, &owner, "Zoe@Example.org").await;
    assert_eq!(invitation["email"], "Zoe@Example.org");
    assert_eq!(invitation["invitee"], Value::Null);
    assert_eq!(invitation["status"], "pending");

    // The mail names who invites, to what, and links to the web page.
    let mail = app.mail_to("Zoe@Example.org").pop().unwrap();
    assert_eq!(
        mail.subject,
        "Test Person invites you to join Les Amis on Ensemble"
    );
    assert!(mail.text.contains("editor"), "{}", mail.text);
    assert!(
        mail.link()
            .unwrap()
            .starts_with(&format!("{}/invitation?token=", app.address)),
        "{}",
        mail.text
    );
    // The team sees the invitation's id, never its link.
    assert!(!token.is_empty() && !invitation.to_string().contains(&token));

    // The link opens the invitation without signing in.
    let (status, opened) = app
        .call("GET", &format!("/api/v1/invitations/{token}"), None, None)
        .await;
    assert_eq!(status, 200, "{opened}");
    assert_eq!(opened["id"], invitation["id"]);
    assert_eq!(opened["organisation"]["slug"], "les-amis");
    assert_eq!(opened["invited_by"]["display_name"], "Test Person");
    assert_eq!(opened["invited_by"]["user_id"], json!(owner.id));

    // Signing up from it with the address it was sent to: the link proved the address, so
    // no verification mail, and the invitation waits for the new account's answer.
    let (status, auth) = sign_up(&app, "zoe@example.org", &token).await;
    assert_eq!(status, 201, "{auth}");
    assert_eq!(auth["user"]["email_verified"], true);
    let zoe = auth["access_token"].as_str().unwrap().to_owned();
    assert_eq!(
        app.mail_to("zoe@example.org").len(),
        1,
        "only the invitation"
    );
    assert_eq!(
        members(&app, &owner).await,
        ["Test Person"],
        "not a member before accepting"
    );
    let (_, waiting) = app
        .call("GET", "/api/v1/me/invitations", None, Some(&zoe))
        .await;
    assert_eq!(waiting["items"][0]["id"], invitation["id"], "{waiting}");
    assert_eq!(waiting["items"][0]["invitee"]["display_name"], "Zoé");

    // Accepting makes her an editor; the link then shows what became of it, and does
    // nothing more.
    let (status, accepted) = app
        .call(
            "POST",
            &format!("/api/v1/invitations/{token}/accept"),
            None,
            Some(&zoe),
        )
        .await;
    assert_eq!(status, 200, "{accepted}");
    assert_eq!(accepted["status"], "accepted");
    let mut team = members(&app, &owner).await;
    team.sort();
    assert_eq!(team, ["Test Person", "Zoé"]);
    let again = app
        .send(
            "POST",
            &format!("/api/v1/invitations/{token}/accept"),
            None,
            Some(&zoe),
        )
        .await;
    assert_problem(again, 409, "invitation_answered").await;
    // The link cannot make a second account either, and nothing of it is left behind.
    let reused = register_from(&app, "other@example.org", &token).await;
    assert_field_error(reused, 422, "invitation", "invitation_answered").await;
    let mut conn = app.db.get().unwrap();
    assert!(
        ensemble_api::db::users::find_by_email(&mut conn, "other@example.org")
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn links_made_up_withdrawn_or_lapsed_open_nothing_and_change_nothing() {
    let app = spawn_app().await;
    let owner = team(&app).await;
    let (invitation, token) = invite_address(&app, &owner, "zoe@example.org").await;

    // A link the server did not make.
    let (id, signature) = token.rsplit_once('.').unwrap();
    for forged in [
        format!("{id}.{}", "0".repeat(signature.len())),
        id.to_owned(),
        "nothing".to_owned(),
    ] {
        let opened = app
            .send("GET", &format!("/api/v1/invitations/{forged}"), None, None)
            .await;
        assert_problem(opened, 404, "not_found").await;
        let (status, _) = sign_up(&app, "zoe@example.org", &forged).await;
        assert_eq!(status, 422);
    }
    let forged = register_from(&app, "zoe@example.org", id).await;
    assert_field_error(forged, 422, "invitation", "invalid_token").await;

    // Withdrawn: the link says so; accepting or signing up from it is refused.
    let (status, _) = app
        .call(
            "DELETE",
            &format!(
                "/api/v1/organisations/les-amis/invitations/{}",
                invitation["id"].as_str().unwrap()
            ),
            None,
            Some(&owner.token),
        )
        .await;
    assert_eq!(status, 204);
    let (_, opened) = app
        .call("GET", &format!("/api/v1/invitations/{token}"), None, None)
        .await;
    assert_eq!(opened["status"], "revoked");
    let refused = register_from(&app, "zoe@example.org", &token).await;
    assert_field_error(refused, 422, "invitation", "invitation_answered").await;
    let declined = app
        .send(
            "POST",
            &format!("/api/v1/invitations/{token}/decline"),
            None,
            None,
        )
        .await;
    assert_problem(declined, 409, "invitation_answered").await;

    // Lapsed: past its 14 days.
    let (lapsing, token) = invite_address(&app, &owner, "zoe@example.org").await;
    {
        use diesel::prelude::*;
        use ensemble_api::db::schema::organisation_invitations as i;
        let mut conn = app.db.get().unwrap();
        diesel::update(i::table.find(lapsing["id"].as_str().unwrap()))
            .set(i::expires_at.eq(ensemble_api::db::now() - chrono::Duration::minutes(1)))
            .execute(&mut conn)
            .unwrap();
    }
    let (_, opened) = app
        .call("GET", &format!("/api/v1/invitations/{token}"), None, None)
        .await;
    assert_eq!(opened["status"], "expired");
    let refused = register_from(&app, "zoe@example.org", &token).await;
    assert_field_error(refused, 422, "invitation", "invitation_expired").await;
    let someone = person(&app, "someone@example.org").await;
    let accepted = app
        .send(
            "POST",
            &format!("/api/v1/invitations/{token}/accept"),
            None,
            Some(&someone.token),
        )
        .await;
    assert_problem(accepted, 409, "invitation_expired").await;
    assert_eq!(members(&app, &owner).await, ["Test Person"]);
    let mut conn = app.db.get().unwrap();
    assert!(
        ensemble_api::db::users::find_by_email(&mut conn, "zoe@example.org")
            .unwrap()
            .is_none(),
        "no account was made by any refused sign-up"
    );
}

#[tokio::test]
async fn an_account_whose_address_is_invited_finds_it_and_a_link_holder_may_take_it() {
    let app = spawn_app().await;
    let owner = team(&app).await;
    let bea = person(&app, "bea@example.org").await;
    // An address that is already an account's (proven): the invitation is in its list,
    // answered like any other.
    let (invitation, _) = invite_address(&app, &owner, "BEA@example.org").await;
    let (_, waiting) = app
        .call("GET", "/api/v1/me/invitations", None, Some(&bea.token))
        .await;
    assert_eq!(waiting["items"][0]["id"], invitation["id"], "{waiting}");
    let (status, accepted) = app
        .call(
            "POST",
            &format!(
                "/api/v1/me/invitations/{}/accept",
                invitation["id"].as_str().unwrap()
            ),
            None,
            Some(&bea.token),
        )
        .await;
    assert_eq!(status, 200, "{accepted}");
    assert_eq!(accepted["invitee"]["user_id"], json!(bea.id));
    // Now a member: inviting her address again is refused.
    let (status, refused) = invite(
        &app,
        &owner,
        json!({"email": "bea@example.org", "role": "admin"}),
    )
    .await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (409, Some("already_member"))
    );

    // An account whose address is not proven does not see invitations to it.
    let unproven = app.register_unverified("carl@example.org").await;
    let carl = unproven["access_token"].as_str().unwrap().to_owned();
    app.wait_for_new_mail("carl@example.org", 0).await; // the proof it asks for
    let (invitation, token) = invite_address(&app, &owner, "carl@example.org").await;
    let (_, waiting) = app
        .call("GET", "/api/v1/me/invitations", None, Some(&carl))
        .await;
    assert_eq!(waiting["items"], json!([]));
    let by_id = app
        .send(
            "POST",
            &format!(
                "/api/v1/me/invitations/{}/accept",
                invitation["id"].as_str().unwrap()
            ),
            None,
            Some(&carl),
        )
        .await;
    assert_problem(by_id, 404, "not_found").await;
    // The link, though, is proof enough: whoever holds it accepts with their account.
    let (status, accepted) = app
        .call(
            "POST",
            &format!("/api/v1/invitations/{token}/accept"),
            None,
            Some(&carl),
        )
        .await;
    assert_eq!(status, 200, "{accepted}");

    // Declining by link needs no account; a taken invitation is no one else's.
    let (_, token) = invite_address(&app, &owner, "dina@example.org").await;
    let (status, auth) = sign_up(&app, "dina.other@example.org", &token).await;
    assert_eq!(status, 201, "{auth}");
    // Another address than the invitation's: it still has to be proven.
    assert_eq!(auth["user"]["email_verified"], false);
    let stranger = person(&app, "stranger@example.org").await;
    let taken = app
        .send(
            "POST",
            &format!("/api/v1/invitations/{token}/accept"),
            None,
            Some(&stranger.token),
        )
        .await;
    assert_problem(taken, 404, "not_found").await;
    let (status, declined) = app
        .call(
            "POST",
            &format!("/api/v1/invitations/{token}/decline"),
            None,
            None,
        )
        .await;
    assert_eq!(
        (status, declined["status"].as_str()),
        (200, Some("declined"))
    );
    let mut team = members(&app, &owner).await;
    team.sort();
    assert_eq!(team.len(), 3, "{team:?}");
}

#[tokio::test]
async fn an_invitation_names_one_person_in_a_way_the_server_understands() {
    let app = spawn_app().await;
    let owner = team(&app).await;
    for (body, field, code) in [
        (json!({"role": "editor"}), "user_id", "required"),
        (
            json!({"email": "a@example.org", "user_id": owner.id, "role": "editor"}),
            "email",
            "invalid_value",
        ),
        (
            json!({"email": "not an address", "role": "editor"}),
            "email",
            "invalid_email",
        ),
    ] {
        let refused = app
            .send(
                "POST",
                "/api/v1/organisations/les-amis/members",
                Some(body),
                Some(&owner.token),
            )
            .await;
        assert_field_error(refused, 422, field, code).await;
    }
    // An editor may not invite; a stranger may not either.
    let (_, token) = invite_address(&app, &owner, "ed@example.org").await;
    let (status, auth) = sign_up(&app, "ed@example.org", &token).await;
    assert_eq!(status, 201);
    let ed = auth["access_token"].as_str().unwrap().to_owned();
    app.call(
        "POST",
        &format!("/api/v1/invitations/{token}/accept"),
        None,
        Some(&ed),
    )
    .await;
    let refused = app
        .send(
            "POST",
            "/api/v1/organisations/les-amis/members",
            Some(json!({"email": "x@example.org", "role": "editor"})),
            Some(&ed),
        )
        .await;
    assert_eq!(refused.status(), 403);
    // The same address twice while the first waits: one invitation.
    let (status, _) = invite(
        &app,
        &owner,
        json!({"email": "twice@example.org", "role": "editor"}),
    )
    .await;
    assert_eq!(status, 202);
    let (status, refused) = invite(
        &app,
        &owner,
        json!({"email": "TWICE@example.org", "role": "editor"}),
    )
    .await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (409, Some("already_invited"))
    );
}

#[tokio::test]
async fn one_address_is_not_flooded_with_invitations_withdrawn_and_sent_again() {
    let app = spawn_app().await;
    let owner = team(&app).await;
    for _ in 0..5 {
        let (invitation, _) = invite_address(&app, &owner, "victim@example.org").await;
        let (status, _) = app
            .call(
                "DELETE",
                &format!(
                    "/api/v1/organisations/les-amis/invitations/{}",
                    invitation["id"].as_str().unwrap()
                ),
                None,
                Some(&owner.token),
            )
            .await;
        assert_eq!(status, 204);
    }
    let flooded = app
        .send(
            "POST",
            "/api/v1/organisations/les-amis/members",
            Some(json!({"email": "victim@example.org", "role": "editor"})),
            Some(&owner.token),
        )
        .await;
    assert_problem(flooded, 429, "rate_limited").await;
    assert_eq!(app.mail_to("victim@example.org").len(), 5);
}

/// Many newcomers racing to sign up from one link, through a server with several workers:
/// one account takes the invitation; every other sign-up is refused whole (no account
/// left behind). Run for many invitations at once.
#[tokio::test]
async fn racing_sign_ups_from_one_link_make_one_account_that_takes_it() {
    use futures_util::StreamExt;
    let app = spawn_app_with(|s| {
        s.workers = Some(4);
        s.db_pool_size = 16;
        s.auth_attempts_per_ip = 10_000;
    })
    .await;
    let owner = team(&app).await;
    const LINKS: usize = 30;
    const RACERS: usize = 4;
    let mut tokens = Vec::new();
    for n in 0..LINKS {
        let (_, token) = invite_address(&app, &owner, &format!("new{n}@example.org")).await;
        tokens.push(token);
    }
    let app_ref = &app;
    let outcomes: Vec<(usize, usize, u16)> = futures_util::stream::iter(
        tokens
            .iter()
            .enumerate()
            .flat_map(|(n, token)| (0..RACERS).map(move |r| (n, r, token))),
    )
    .map(|(n, r, token)| async move {
        let (status, _) = sign_up(app_ref, &format!("racer{n}.{r}@example.org"), token).await;
        (n, r, status)
    })
    .buffer_unordered(32)
    .collect()
    .await;
    let mut conn = app.db.get().unwrap();
    for n in 0..LINKS {
        let won: Vec<_> = outcomes
            .iter()
            .filter(|(link, _, status)| *link == n && *status == 201)
            .collect();
        assert_eq!(won.len(), 1, "link {n}: {outcomes:?}");
        for (_, r, status) in outcomes.iter().filter(|(link, _, _)| *link == n) {
            let account = ensemble_api::db::users::find_by_email(
                &mut conn,
                &format!("racer{n}.{r}@example.org"),
            )
            .unwrap();
            assert_eq!(
                account.is_some(),
                *status == 201,
                "link {n}, racer {r}: {status}"
            );
            assert!(*status == 201 || *status == 422, "{status}");
        }
    }
}
