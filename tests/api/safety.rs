//! Safety beyond reports: a suspended account may sign in, export its data and delete
//! itself, nothing else; an organisation under review leaves discovery and refuses gifts;
//! a person blocks another; an organisation bans a person from its comments. Every
//! decision is in the log.

use serde_json::{Value, json};

use crate::donations::{cast as verified_cast, give};
use crate::helpers::{
    PASSWORD, Person, TestApp, create, join, make_admin, person, spawn_app, spawn_app_with,
};
use crate::moderation::{decide, report};

fn code(body: &Value) -> Option<&str> {
    body["code"].as_str()
}

async fn comment(app: &TestApp, who: &Person, update_id: &str, body: Value) -> (u16, Value) {
    app.call(
        "POST",
        &format!("/api/v1/updates/{update_id}/comments"),
        Some(body),
        Some(&who.token),
    )
    .await
}

async fn log(app: &TestApp, admin: &Person) -> Vec<Value> {
    let (status, page) = app
        .call("GET", "/api/v1/moderation/audit", None, Some(&admin.token))
        .await;
    assert_eq!(status, 200, "{page}");
    page["items"].as_array().unwrap().clone()
}

/// A platform moderator (an administrator here) and the person they suspend.
#[tokio::test]
async fn a_suspended_account_signs_in_exports_and_leaves_but_does_nothing_else_until_its_end() {
    let app = spawn_app().await;
    let chief = person(&app, "chief@example.org").await;
    make_admin(&app, "chief@example.org");
    let owner = person(&app, "owner@example.org").await;
    let troll = person(&app, "troll@example.org").await;
    create(
        &app,
        &owner,
        json!({"name": "Radio Libre", "mission": "Radio."}),
    )
    .await;
    let (_, update) = app
        .call(
            "POST",
            "/api/v1/organisations/radio-libre/updates",
            Some(json!({"title": "On air", "body": "Tonight."})),
            Some(&owner.token),
        )
        .await;
    let update_id = update["id"].as_str().unwrap().to_owned();
    assert_eq!(
        report(
            &app,
            &owner,
            "user",
            &troll.id,
            "harassment",
            "Insults us daily."
        )
        .await,
        202
    );

    // A bad end, or an end for anything but a suspension, is refused before anything.
    for (action, until, field_code) in [
        ("suspend", "2001-01-01T00:00:00Z", "out_of_range"),
        ("dismiss", "2999-01-01T00:00:00Z", "not_for_this_item"),
    ] {
        let (status, body) = app
            .call(
                "POST",
                &format!("/api/v1/moderation/reports/user/{}", troll.id),
                Some(json!({"action": action, "reason": "Harassment.", "until": until})),
                Some(&chief.token),
            )
            .await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(body["errors"][0]["field"], "until");
        assert_eq!(body["errors"][0]["code"], field_code);
    }
    // Nobody suspends themself, nor an administrator; nothing else is suspended.
    let (status, body) = decide(&app, &chief, "user", &chief.id, "suspend", "Me.").await;
    assert_eq!((status, code(&body)), (409, Some("not_yourself")));
    let (status, body) = decide(&app, &chief, "comment", "1", "suspend", "No.").await;
    assert_eq!((status, code(&body)), (409, Some("not_for_this_item")));

    let (status, body) = app
        .call(
            "POST",
            &format!("/api/v1/moderation/reports/user/{}", troll.id),
            Some(
                json!({"action": "suspend", "reason": "Harassment, again and again.",
                        "until": "2999-01-01T00:00:00Z"}),
            ),
            Some(&chief.token),
        )
        .await;
    assert_eq!(status, 204, "{body}");

    // It signs in, and reads what it is told.
    let signed_in = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"email": "troll@example.org", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), 200);
    let (status, me) = app
        .call("GET", "/api/v1/me", None, Some(&troll.token))
        .await;
    assert_eq!(status, 200);
    assert_eq!(me["suspension"]["reason"], "Harassment, again and again.");
    assert_eq!(me["suspension"]["until"], "2999-01-01T00:00:00Z");
    // Nothing that acts on others: comment, follow, report, create, change its profile.
    let attempts: Vec<(&str, String, Option<Value>)> = vec![
        (
            "POST",
            format!("/api/v1/updates/{update_id}/comments"),
            Some(json!({"body": "Still here."})),
        ),
        (
            "PUT",
            "/api/v1/organisations/radio-libre/follow".into(),
            None,
        ),
        (
            "POST",
            "/api/v1/reports".into(),
            Some(json!({"kind": "user", "id": owner.id, "reason": "spam"})),
        ),
        (
            "POST",
            "/api/v1/organisations".into(),
            Some(json!({"name": "Radio Libre Officielle", "mission": "Radio."})),
        ),
        (
            "PATCH",
            "/api/v1/me".into(),
            Some(json!({"display_name": "Radio Libre"})),
        ),
        ("PUT", format!("/api/v1/updates/{update_id}/reaction"), None),
    ];
    for (method, path, body) in attempts {
        let (status, answer) = app.call(method, &path, body, Some(&troll.token)).await;
        assert_eq!(
            (status, code(&answer)),
            (403, Some("account_suspended")),
            "{method} {path}"
        );
    }
    let (_, comments) = app
        .get_json(&format!("/api/v1/updates/{update_id}/comments"))
        .await;
    assert_eq!(comments["items"].as_array().unwrap().len(), 0);
    // Its data, whole.
    let (status, export) = app
        .call("GET", "/api/v1/me/export", None, Some(&troll.token))
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        export["user"]["suspension"]["reason"],
        "Harassment, again and again."
    );

    // The log keeps the decision and what stood before; lifting it lets it act again.
    let entries = log(&app, &chief).await;
    assert_eq!(entries[0]["action"], "suspend");
    assert_eq!(entries[0]["item_id"], troll.id.as_str());
    assert_eq!(entries[0]["before"]["standing"]["suspended"], false);
    let (status, _) = decide(&app, &chief, "user", &troll.id, "restore", "Apologised.").await;
    assert_eq!(status, 204);
    let (status, body) = decide(&app, &chief, "user", &troll.id, "restore", "Again.").await;
    assert_eq!((status, code(&body)), (409, Some("not_hidden")));
    let (status, _) = comment(
        &app,
        &troll,
        &update_id,
        json!({"body": "Sorry, everyone."}),
    )
    .await;
    assert_eq!(status, 201);
    let (_, me) = app
        .call("GET", "/api/v1/me", None, Some(&troll.token))
        .await;
    assert_eq!(me["suspension"], Value::Null);
    assert_eq!(
        log(&app, &chief).await[0]["before"]["standing"]["suspended"],
        true
    );

    // Suspended for good, it may still delete itself.
    let (status, _) = decide(&app, &chief, "user", &troll.id, "suspend", "For good.").await;
    assert_eq!(status, 204);
    let (_, me) = app
        .call("GET", "/api/v1/me", None, Some(&troll.token))
        .await;
    assert_eq!(me["suspension"]["until"], Value::Null);
    let (status, _) = app
        .call("DELETE", "/api/v1/me", None, Some(&troll.token))
        .await;
    assert_eq!(status, 200);
}

/// An organisation reported as an impersonation: under review, it leaves discovery, takes
/// no gifts, and its verification goes back to review; restored, it is found again.
#[tokio::test]
async fn an_organisation_under_review_leaves_discovery_and_takes_no_gifts() {
    let app = spawn_app().await;
    let c = verified_cast(&app).await;
    let chief = person(&app, "chief@example.org").await;
    make_admin(&app, "chief@example.org");
    let (_, profile) = app.get_json("/api/v1/organisations/fonds-lumiere").await;
    let id = profile["id"].as_str().unwrap().to_owned();
    assert_eq!(profile["under_review"], false);
    let found = |page: &Value| {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["slug"] == "fonds-lumiere")
    };
    assert!(found(
        &app.get_json("/api/v1/organisations?q=lumiere").await.1
    ));

    // Only platform moderators decide about an organisation.
    let (status, body) = decide(&app, &c.owner, "organisation", &id, "hide", "No.").await;
    assert_eq!((status, code(&body)), (403, Some("forbidden")));
    let (status, body) = decide(
        &app,
        &chief,
        "organisation",
        &id,
        "hide",
        "Impersonates the Fondation Lumière.",
    )
    .await;
    assert_eq!(status, 204, "{body}");

    let (_, profile) = app.get_json("/api/v1/organisations/fonds-lumiere").await;
    assert_eq!(profile["under_review"], true);
    assert_eq!(profile["verification_status"], "pending");
    for query in [
        "q=lumiere",
        "q=lu",
        "sort=name",
        "sort=recent",
        "country=FR",
    ] {
        let (status, page) = app
            .get_json(&format!("/api/v1/organisations?{query}"))
            .await;
        assert_eq!(status, 200);
        assert!(!found(&page), "{query}: {page}");
    }
    let response = give(
        &app,
        &c.donor,
        json!({"amount_minor": 2500, "currency": "EUR"}),
        None,
    )
    .await;
    assert_eq!(response.status(), 409);
    let problem: Value = response.json().await.unwrap();
    assert_eq!(code(&problem), Some("organisation_under_review"));
    // Its history says why it went back to review; its owners were told.
    let (_, history) = app
        .get_json("/api/v1/organisations/fonds-lumiere/verification")
        .await;
    let text = history.to_string();
    assert!(text.contains("the moderators are reviewing"), "{text}");
    let (_, notes) = app
        .call(
            "GET",
            "/api/v1/me/notifications",
            None,
            Some(&c.owner.token),
        )
        .await;
    assert_eq!(notes["items"][0]["kind"], "verification_changed");
    let entry = &log(&app, &chief).await[0];
    assert_eq!(entry["action"], "hide");
    assert_eq!(
        entry["before"]["standing"]["verification_status"],
        "verified"
    );

    // Restored: in discovery again (its verification waits for an administrator).
    let (status, _) = decide(
        &app,
        &chief,
        "organisation",
        &id,
        "restore",
        "The real one.",
    )
    .await;
    assert_eq!(status, 204);
    let (_, profile) = app.get_json("/api/v1/organisations/fonds-lumiere").await;
    assert_eq!(profile["under_review"], false);
    assert!(found(
        &app.get_json("/api/v1/organisations?q=lumiere").await.1
    ));
    let (status, body) = decide(&app, &chief, "organisation", &id, "restore", "Again.").await;
    assert_eq!((status, code(&body)), (409, Some("not_hidden")));
}

async fn on_air(app: &TestApp, owner: &Person) -> String {
    let (status, update) = app
        .call(
            "POST",
            "/api/v1/organisations/radio-libre/updates",
            Some(json!({"title": "On air", "body": "Tonight."})),
            Some(&owner.token),
        )
        .await;
    assert_eq!(status, 201, "{update}");
    update["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn someone_blocked_cannot_reply_nor_notify_and_their_comments_come_collapsed() {
    let app = spawn_app().await;
    let owner = person(&app, "owner@example.org").await;
    let ana = person(&app, "ana@example.org").await;
    let pest = person(&app, "pest@example.org").await;
    let other = person(&app, "other@example.org").await;
    create(
        &app,
        &owner,
        json!({"name": "Radio Libre", "mission": "Radio."}),
    )
    .await;
    let update_id = on_air(&app, &owner).await;
    let (_, mine) = comment(&app, &ana, &update_id, json!({"body": "Lovely show."})).await;
    let ana_comment = mine["id"].as_str().unwrap().to_owned();
    let (_, theirs) = comment(&app, &pest, &update_id, json!({"body": "Boring."})).await;

    // Blocking: not oneself, not nobody; twice is once.
    let block = |who: &Person, id: &str| {
        let (token, path) = (who.token.clone(), format!("/api/v1/me/blocks/{id}"));
        let app = &app;
        async move { app.call("PUT", &path, None, Some(&token)).await }
    };
    let (status, body) = block(&ana, &ana.id).await;
    assert_eq!((status, code(&body)), (409, Some("not_yourself")));
    assert_eq!(block(&ana, "999999").await.0, 404);
    assert_eq!(block(&ana, "nobody").await.0, 404);
    for _ in 0..2 {
        assert_eq!(block(&ana, &pest.id).await.0, 204);
    }
    let (_, list) = app
        .call("GET", "/api/v1/me/blocks", None, Some(&ana.token))
        .await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    assert_eq!(list["items"][0]["user_id"], pest.id.as_str());

    // The pest cannot reply to Ana; someone else can, and Ana hears of it.
    let (status, body) = comment(
        &app,
        &pest,
        &update_id,
        json!({"body": "Nobody asked you.", "parent_id": ana_comment}),
    )
    .await;
    assert_eq!((status, code(&body)), (403, Some("blocked")));
    let (status, _) = comment(
        &app,
        &other,
        &update_id,
        json!({"body": "Agreed!", "parent_id": ana_comment}),
    )
    .await;
    assert_eq!(status, 201);
    let (_, notes) = app
        .call("GET", "/api/v1/me/notifications", None, Some(&ana.token))
        .await;
    let kinds: Vec<&str> = notes["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["actor"]["user_id"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, [other.id.as_str()]);

    // Ana sees the pest's comment collapsed; others see it as it is.
    let seen = |who: Option<&Person>| {
        let token = who.map(|p| p.token.clone());
        let app = &app;
        let path = format!("/api/v1/updates/{update_id}/comments");
        async move { app.call("GET", &path, None, token.as_deref()).await.1 }
    };
    let blocked_flag = |page: &Value| -> Vec<bool> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["id"] == theirs["id"])
            .map(|c| c["author_blocked"].as_bool().unwrap())
            .collect()
    };
    assert_eq!(blocked_flag(&seen(Some(&ana)).await), [true]);
    assert_eq!(blocked_flag(&seen(Some(&other)).await), [false]);
    assert_eq!(blocked_flag(&seen(None).await), [false]);
    // In Ana's export; then lifted, and the pest may reply again.
    let (_, export) = app
        .call("GET", "/api/v1/me/export", None, Some(&ana.token))
        .await;
    assert_eq!(export["blocked"][0]["user_id"], pest.id.as_str());
    let (status, _) = app
        .call(
            "DELETE",
            &format!("/api/v1/me/blocks/{}", pest.id),
            None,
            Some(&ana.token),
        )
        .await;
    assert_eq!(status, 204);
    let (status, _) = comment(
        &app,
        &pest,
        &update_id,
        json!({"body": "Fair enough.", "parent_id": ana_comment}),
    )
    .await;
    assert_eq!(status, 201);
}

#[tokio::test]
async fn an_organisation_bans_a_person_from_its_comments_and_the_log_keeps_it() {
    let app = spawn_app().await;
    let owner = person(&app, "owner@example.org").await;
    let pest = person(&app, "pest@example.org").await;
    let fan = person(&app, "fan@example.org").await;
    let chief = person(&app, "chief@example.org").await;
    make_admin(&app, "chief@example.org");
    create(
        &app,
        &owner,
        json!({"name": "Radio Libre", "mission": "Radio."}),
    )
    .await;
    create(
        &app,
        &fan,
        json!({"name": "Other Place", "mission": "Else."}),
    )
    .await;
    let update_id = on_air(&app, &owner).await;
    let path = format!("/api/v1/organisations/radio-libre/bans/{}", pest.id);

    // Its admins only; a reason is required; the team's own members are not banned.
    let (status, _) = app
        .call(
            "PUT",
            &path,
            Some(json!({"reason": "Spam."})),
            Some(&fan.token),
        )
        .await;
    assert_eq!(status, 403);
    let (status, body) = app
        .call(
            "PUT",
            &path,
            Some(json!({"reason": " "})),
            Some(&owner.token),
        )
        .await;
    assert_eq!(
        (status, body["errors"][0]["field"].as_str()),
        (422, Some("reason"))
    );
    let (status, body) = app
        .call(
            "PUT",
            &format!("/api/v1/organisations/radio-libre/bans/{}", owner.id),
            Some(json!({"reason": "Me."})),
            Some(&owner.token),
        )
        .await;
    assert_eq!((status, code(&body)), (409, Some("already_member")));
    let (status, _) = app
        .call(
            "PUT",
            "/api/v1/organisations/radio-libre/bans/999999",
            Some(json!({"reason": "Nobody."})),
            Some(&owner.token),
        )
        .await;
    assert_eq!(status, 404);

    let (status, _) = app
        .call(
            "PUT",
            &path,
            Some(json!({"reason": "Spams our comments."})),
            Some(&owner.token),
        )
        .await;
    assert_eq!(status, 204);
    let (status, body) = comment(&app, &pest, &update_id, json!({"body": "Buy now!"})).await;
    assert_eq!((status, code(&body)), (403, Some("banned_here")));
    // Elsewhere it still comments.
    let (_, elsewhere) = app
        .call(
            "POST",
            "/api/v1/organisations/other-place/updates",
            Some(json!({"title": "Hello", "body": "World."})),
            Some(&fan.token),
        )
        .await;
    let (status, _) = comment(
        &app,
        &pest,
        elsewhere["id"].as_str().unwrap(),
        json!({"body": "Hi there."}),
    )
    .await;
    assert_eq!(status, 201);
    let (_, bans) = app
        .call(
            "GET",
            "/api/v1/organisations/radio-libre/bans",
            None,
            Some(&owner.token),
        )
        .await;
    assert_eq!(bans["items"][0]["reason"], "Spams our comments.");
    let (status, _) = app
        .call(
            "GET",
            "/api/v1/organisations/radio-libre/bans",
            None,
            Some(&pest.token),
        )
        .await;
    assert_eq!(status, 403);

    // Lifted (once: then there is none), and logged both times.
    let (status, _) = app.call("DELETE", &path, None, Some(&owner.token)).await;
    assert_eq!(status, 204);
    let (status, _) = app.call("DELETE", &path, None, Some(&owner.token)).await;
    assert_eq!(status, 404);
    let (status, _) = comment(&app, &pest, &update_id, json!({"body": "Sorry."})).await;
    assert_eq!(status, 201);
    let entries = log(&app, &chief).await;
    let actions: Vec<&str> = entries
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["unban", "ban"]);
    assert_eq!(entries[1]["reason"], "Spams our comments.");
    assert_eq!(entries[1]["item_kind"], "user");
    assert_eq!(entries[1]["item_id"], pest.id.as_str());

    // The log, exported whole for platform administrators; a formula stays text.
    let (status, _) = app
        .call(
            "PUT",
            &path,
            Some(json!({"reason": "=HYPERLINK(\"http://evil.example\")"})),
            Some(&owner.token),
        )
        .await;
    assert_eq!(status, 204);
    let refused = app
        .client
        .get(app.url("/api/v1/moderation/audit.csv"))
        .bearer_auth(&owner.token)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
    let csv = app
        .client
        .get(app.url("/api/v1/moderation/audit.csv"))
        .bearer_auth(&chief.token)
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), 200);
    assert!(
        csv.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let text = csv.text().await.unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "id,created_at,actor_id,actor_name,action,item_kind,item_id,reason,before"
    );
    assert_eq!(lines.len(), 4, "{text}");
    assert!(lines[1].contains("\"ban\",\"user\""), "{}", lines[1]);
    assert!(lines[1].contains("\"'=HYPERLINK("), "{}", lines[1]);
    assert!(lines[2].contains("\"unban\""), "{}", lines[2]);
}

/// Blocks sent at once are one; a ban and comments at once: nothing the ban's
/// transaction has seen through gets in after it (PostgreSQL, several workers).
#[tokio::test]
async fn blocks_and_bans_hold_under_concurrency() {
    let app = spawn_app_with(|s| {
        s.workers = Some(4);
        s.new_account_comments_per_hour = 1_000;
    })
    .await;
    let owner = person(&app, "owner@example.org").await;
    let pest = person(&app, "pest@example.org").await;
    create(
        &app,
        &owner,
        json!({"name": "Radio Libre", "mission": "Radio."}),
    )
    .await;
    let update_id = on_air(&app, &owner).await;
    let path = format!("/api/v1/me/blocks/{}", pest.id);
    let calls = (0..20).map(|_| app.call("PUT", &path, None, Some(&owner.token)));
    for (status, body) in futures_util::future::join_all(calls).await {
        assert_eq!(status, 204, "{body}");
    }
    let (_, list) = app
        .call("GET", "/api/v1/me/blocks", None, Some(&owner.token))
        .await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);

    // Comments racing a ban: each one either got in before it, or was refused.
    let ban_path = format!("/api/v1/organisations/radio-libre/bans/{}", pest.id);
    // Within the limit of 20 a minute, so that every one meets the ban.
    let comments = (0..18).map(|i| {
        comment(
            &app,
            &pest,
            &update_id,
            json!({"body": format!("Comment number {i}")}),
        )
    });
    let ban = app.call(
        "PUT",
        &ban_path,
        Some(json!({"reason": "Flooding."})),
        Some(&owner.token),
    );
    let (answers, (ban_status, _)) =
        futures_util::future::join(futures_util::future::join_all(comments), ban).await;
    assert_eq!(ban_status, 204);
    let accepted = answers.iter().filter(|(s, _)| *s == 201).count();
    for (status, body) in &answers {
        assert!(
            *status == 201 || (*status == 403 && code(body) == Some("banned_here")),
            "{status} {body}"
        );
    }
    let (_, listed) = app
        .get_json(&format!("/api/v1/updates/{update_id}/comments?limit=100"))
        .await;
    assert_eq!(listed["items"].as_array().unwrap().len(), accepted);
    let (status, body) = comment(&app, &pest, &update_id, json!({"body": "After the ban."})).await;
    assert_eq!((status, code(&body)), (403, Some("banned_here")));
}

/// Each reporter hears what came of their report (not who decided), in the app and by
/// mail; the moderator who reported it too does not; a deleted item is not named.
#[tokio::test]
async fn reporters_are_told_what_came_of_their_reports() {
    let app = spawn_app().await;
    let owner = person(&app, "owner@example.org").await;
    let pest = person(&app, "pest@example.org").await;
    let fan = person(&app, "fan@example.org").await;
    let other = person(&app, "other@example.org").await;
    let chief = person(&app, "chief@example.org").await;
    make_admin(&app, "chief@example.org");
    create(
        &app,
        &owner,
        json!({"name": "Radio Libre", "mission": "Radio."}),
    )
    .await;
    let update_id = on_air(&app, &owner).await;
    let (_, rude) = comment(
        &app,
        &pest,
        &update_id,
        json!({"body": "You all sing badly."}),
    )
    .await;
    let rude_id = rude["id"].as_str().unwrap().to_owned();
    let seen_mail = app.mail_to("fan@example.org").len();
    for who in [&fan, &other, &chief] {
        assert_eq!(
            report(&app, who, "comment", &rude_id, "harassment", "").await,
            202
        );
    }
    assert_eq!(
        report(&app, &fan, "update", &update_id, "spam", "").await,
        202
    );

    let (status, _) = decide(&app, &chief, "comment", &rude_id, "hide", "Insults.").await;
    assert_eq!(status, 204);
    let notes = |who: &Person| {
        let (token, app) = (who.token.clone(), &app);
        async move {
            let (status, page) = app
                .call("GET", "/api/v1/me/notifications", None, Some(&token))
                .await;
            assert_eq!(status, 200);
            page["items"].as_array().unwrap().clone()
        }
    };
    for who in [&fan, &other] {
        let items = notes(who).await;
        assert_eq!(items[0]["kind"], "report_upheld");
        assert_eq!(items[0]["actor"], Value::Null, "the moderator is not named");
        assert_eq!(items[0]["comment_id"], rude_id.as_str());
        assert_eq!(items[0]["update_id"], update_id.as_str());
    }
    assert!(
        notes(&chief).await.is_empty(),
        "the one who decided is not told"
    );
    let mail = app.wait_for_new_mail("fan@example.org", seen_mail).await;
    assert_eq!(mail.subject, "The moderators acted on your report");
    assert!(!mail.text.contains("chief"), "{}", mail.text);

    // The update: reported, then deleted; the reporter is told, without a link to it.
    let (status, _) = decide(&app, &chief, "update", &update_id, "delete", "Spam.").await;
    assert_eq!(status, 204);
    let items = notes(&fan).await;
    assert_eq!(items[0]["kind"], "report_upheld");
    assert_eq!(items[0]["update_id"], Value::Null);

    // A person reported, nothing wrong: dismissed, and the reporter hears it too.
    assert_eq!(
        report(&app, &other, "user", &pest.id, "spam", "").await,
        202
    );
    let (status, _) = decide(&app, &chief, "user", &pest.id, "dismiss", "Just rude once.").await;
    assert_eq!(status, 204);
    assert_eq!(notes(&other).await[0]["kind"], "report_dismissed");
    // Like every category of mail, it may be had in the digest or not at all.
    let (status, body) = app
        .call(
            "PATCH",
            "/api/v1/me/mail-preferences",
            Some(json!({"categories": [{"category": "reports", "delivery": "never"}]})),
            Some(&other.token),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let reports = body["categories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["category"] == "reports")
        .unwrap()
        .clone();
    assert_eq!(reports["delivery"], "never");
}

/// The platform's verification decisions and the teams' changes of role are in the same
/// log as the moderators' decisions, with what stood before.
#[tokio::test]
async fn verifications_and_role_changes_are_in_the_moderation_log() {
    let app = spawn_app().await;
    let c = verified_cast(&app).await;
    let chief = person(&app, "chief@example.org").await;
    make_admin(&app, "chief@example.org");
    let helper = person(&app, "helper@example.org").await;
    join(&app, "fonds-lumiere", &c.owner, &helper, "editor").await;
    let member = format!("/api/v1/organisations/fonds-lumiere/members/{}", helper.id);
    let (status, _) = app
        .call(
            "PATCH",
            &member,
            Some(json!({"role": "admin"})),
            Some(&c.owner.token),
        )
        .await;
    assert_eq!(status, 200);
    let (status, _) = app
        .call("DELETE", &member, None, Some(&c.owner.token))
        .await;
    assert_eq!(status, 204);

    let entries = log(&app, &chief).await;
    let summary: Vec<(&str, &str)> = entries
        .iter()
        .map(|e| (e["action"].as_str().unwrap(), e["reason"].as_str().unwrap()))
        .collect();
    assert_eq!(
        summary,
        [
            ("role_change", "admin → removed from the team"),
            ("role_change", "editor → admin"),
            ("verification", "verified"),
        ]
    );
    assert_eq!(entries[0]["item_id"], helper.id.as_str());
    assert_eq!(entries[0]["actor_id"], c.owner.id.as_str());
    assert_eq!(entries[1]["before"]["standing"]["role"], "editor");
    assert_eq!(entries[2]["item_kind"], "organisation");
    assert_eq!(
        entries[2]["before"]["standing"]["verification_status"],
        "unverified"
    );
}

/// A platform moderator closes an update's comments (nobody comments there, the update
/// says so) and opens them again; so do the organisation's admins, for its updates only.
#[tokio::test]
async fn a_moderator_closes_an_updates_comments_and_opens_them_again() {
    let app = spawn_app().await;
    let owner = person(&app, "owner@example.org").await;
    let fan = person(&app, "fan@example.org").await;
    let chief = person(&app, "chief@example.org").await;
    make_admin(&app, "chief@example.org");
    create(
        &app,
        &owner,
        json!({"name": "Radio Libre", "mission": "Radio."}),
    )
    .await;
    let update_id = on_air(&app, &owner).await;
    let (_, first) = comment(&app, &fan, &update_id, json!({"body": "Great!"})).await;
    assert_eq!(
        report(
            &app,
            &owner,
            "update",
            &update_id,
            "harassment",
            "A pile-on."
        )
        .await,
        202
    );

    // The admin of another organisation may not; nor may the owner do anything else to it.
    let other = person(&app, "other@example.org").await;
    create(
        &app,
        &other,
        json!({"name": "Other Place", "mission": "Else."}),
    )
    .await;
    let (status, body) = decide(&app, &other, "update", &update_id, "lock", "Mine?").await;
    assert_eq!((status, code(&body)), (403, Some("forbidden")));
    let (status, body) = decide(&app, &owner, "update", &update_id, "delete", "No.").await;
    assert_eq!((status, code(&body)), (403, Some("forbidden")));
    // Its owner closes them, and opens them again.
    let (status, _) = decide(&app, &owner, "update", &update_id, "lock", "Pile-on.").await;
    assert_eq!(status, 204);
    let (status, _) = comment(&app, &fan, &update_id, json!({"body": "Hello?"})).await;
    assert_eq!(status, 409);
    let (status, _) = decide(&app, &owner, "update", &update_id, "unlock", "Calmer.").await;
    assert_eq!(status, 204);
    let (status, body) = decide(
        &app,
        &chief,
        "comment",
        first["id"].as_str().unwrap(),
        "lock",
        "No.",
    )
    .await;
    assert_eq!((status, code(&body)), (409, Some("not_for_this_item")));
    let (status, _) = decide(&app, &chief, "update", &update_id, "lock", "A pile-on.").await;
    assert_eq!(status, 204);
    let (_, update) = app.get_json(&format!("/api/v1/updates/{update_id}")).await;
    assert_eq!(update["comments_locked"], true);
    for body in [
        json!({"body": "Me too!"}),
        json!({"body": "Reply", "parent_id": first["id"]}),
    ] {
        let (status, answer) = comment(&app, &fan, &update_id, body).await;
        assert_eq!((status, code(&answer)), (409, Some("comments_locked")));
    }
    // What was written stays; the feed says so too.
    let (_, listed) = app
        .get_json(&format!("/api/v1/updates/{update_id}/comments"))
        .await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
    let (_, updates) = app
        .get_json("/api/v1/organisations/radio-libre/updates")
        .await;
    assert_eq!(updates["items"][0]["comments_locked"], true);

    let (status, _) = decide(&app, &chief, "update", &update_id, "unlock", "Calm again.").await;
    assert_eq!(status, 204);
    let (status, body) = decide(&app, &chief, "update", &update_id, "unlock", "Again.").await;
    assert_eq!((status, code(&body)), (409, Some("not_hidden")));
    let (status, _) = comment(&app, &fan, &update_id, json!({"body": "Welcome back."})).await;
    assert_eq!(status, 201);
    let entries = log(&app, &chief).await;
    assert_eq!(entries[0]["action"], "unlock");
    assert_eq!(entries[0]["before"]["standing"]["comments_locked"], true);
    assert_eq!(entries[1]["action"], "lock");
}

/// Gifts racing the moderators' review of their organisation, round after round on several
/// workers: each gift is either in before the review (201, and listed) or refused by it
/// (409 `organisation_under_review`), never a 500, never half of one.
#[tokio::test]
async fn gifts_racing_a_review_are_each_in_before_it_or_refused() {
    let app = spawn_app_with(|s| s.workers = Some(4)).await;
    let c = verified_cast(&app).await;
    let chief = person(&app, "chief@example.org").await;
    make_admin(&app, "chief@example.org");
    let (_, profile) = app.get_json("/api/v1/organisations/fonds-lumiere").await;
    let id = profile["id"].as_str().unwrap().to_owned();
    let mut accepted = 0;
    for round in 0..5 {
        if round > 0 {
            // Back from review, verified again by a platform administrator.
            let (status, _) = decide(&app, &chief, "organisation", &id, "restore", "Real.").await;
            assert_eq!(status, 204);
            let (status, body) = app
                .call(
                    "POST",
                    "/api/v1/organisations/fonds-lumiere/verification",
                    Some(json!({"status": "verified"})),
                    Some(&chief.token),
                )
                .await;
            assert_eq!(status, 201, "{body}");
        }
        let gifts = (0..12).map(|_| {
            give(
                &app,
                &c.donor,
                json!({"amount_minor": 1000, "currency": "EUR"}),
                None,
            )
        });
        let review = decide(&app, &chief, "organisation", &id, "hide", "Impersonation?");
        let (answers, (status, _)) =
            futures_util::future::join(futures_util::future::join_all(gifts), review).await;
        assert_eq!(status, 204);
        for answer in answers {
            let status = answer.status().as_u16();
            let body: Value = answer.json().await.unwrap();
            match status {
                201 => accepted += 1,
                409 => assert_eq!(code(&body), Some("organisation_under_review"), "{body}"),
                _ => panic!("{status} {body}"),
            }
        }
        let after = give(
            &app,
            &c.donor,
            json!({"amount_minor": 1000, "currency": "EUR"}),
            None,
        )
        .await;
        assert_eq!(after.status(), 409);
    }
    let (_, mine) = app
        .call(
            "GET",
            "/api/v1/me/donations?limit=100",
            None,
            Some(&c.donor.token),
        )
        .await;
    assert_eq!(mine["items"].as_array().unwrap().len(), accepted);
}
