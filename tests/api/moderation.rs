//! Moderation: reports of every kind reach the moderators who may see them (a platform
//! moderator every one, an organisation's admins the comments under its updates, nobody
//! else); decisions close the reports, act, and are kept in the log platform administrators
//! read.

use std::process::Command;

use serde_json::{Value, json};

use crate::helpers::{Person, TestApp, create, join, make_admin, person, spawn_app};

const BIN: &str = env!("CARGO_BIN_EXE_ensemble");

struct Cast {
    owner: Person,
    admin: Person,
    editor: Person,
    fan: Person,
    /// Owns another organisation.
    stranger: Person,
    moderator: Person,
    chief: Person,
}

async fn cast(app: &TestApp) -> Cast {
    let c = Cast {
        owner: person(app, "owner@example.org").await,
        admin: person(app, "admin@example.org").await,
        editor: person(app, "editor@example.org").await,
        fan: person(app, "fan@example.org").await,
        stranger: person(app, "stranger@example.org").await,
        moderator: person(app, "moderator@example.org").await,
        chief: person(app, "chief@example.org").await,
    };
    create(
        app,
        &c.owner,
        json!({"name": "Radio Libre", "mission": "Community radio."}),
    )
    .await;
    create(
        app,
        &c.stranger,
        json!({"name": "Other Place", "mission": "Something else."}),
    )
    .await;
    for (who, role) in [(&c.admin, "admin"), (&c.editor, "editor")] {
        join(app, "radio-libre", &c.owner, who, role).await;
    }
    // A moderator named from the command line, as a self-hoster would.
    let named = Command::new(BIN)
        .args(["moderators", "grant", "Moderator@example.org"])
        .env("DATABASE_URL", &app.database_url)
        .env("ENSEMBLE_DATA_DIR", app.dir.path().join("data"))
        .output()
        .unwrap();
    assert!(
        named.status.success(),
        "{}",
        String::from_utf8_lossy(&named.stderr)
    );
    make_admin(app, "chief@example.org");
    c
}

/// The owner's update the comments go under; its id.
async fn on_air(app: &TestApp, c: &Cast) -> String {
    let (status, update) = app
        .call(
            "POST",
            "/api/v1/organisations/radio-libre/updates",
            Some(json!({"title": "On air", "body": "We broadcast tonight."})),
            Some(&c.owner.token),
        )
        .await;
    assert_eq!(status, 201, "{update}");
    update["id"].as_str().unwrap().to_owned()
}

pub(crate) async fn report(
    app: &TestApp,
    who: &Person,
    kind: &str,
    id: &str,
    reason: &str,
    note: &str,
) -> u16 {
    app.call(
        "POST",
        "/api/v1/reports",
        Some(json!({"kind": kind, "id": id, "reason": reason, "note": note})),
        Some(&who.token),
    )
    .await
    .0
}

async fn queue(app: &TestApp, who: &Person, query: &str) -> (u16, Value) {
    app.call(
        "GET",
        &format!("/api/v1/moderation/reports{query}"),
        None,
        Some(&who.token),
    )
    .await
}

fn kinds(page: &Value) -> Vec<&str> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["item"]["kind"].as_str().unwrap())
        .collect()
}

pub(crate) async fn decide(
    app: &TestApp,
    who: &Person,
    kind: &str,
    id: &str,
    action: &str,
    reason: &str,
) -> (u16, Value) {
    app.call(
        "POST",
        &format!("/api/v1/moderation/reports/{kind}/{id}"),
        Some(json!({"action": action, "reason": reason})),
        Some(&who.token),
    )
    .await
}

#[tokio::test]
async fn reports_reach_those_who_may_decide_and_every_decision_is_logged() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let (_, me) = app
        .call("GET", "/api/v1/me", None, Some(&c.moderator.token))
        .await;
    assert_eq!(me["is_moderator"], true);

    let update_id = on_air(&app, &c).await;
    let (status, comment) = app
        .call(
            "POST",
            &format!("/api/v1/updates/{update_id}/comments"),
            Some(json!({"body": "Buy cheap followers at spam.example"})),
            Some(&c.stranger.token),
        )
        .await;
    assert_eq!(status, 201, "{comment}");
    let comment_id = comment["id"].as_str().unwrap().to_owned();
    let (_, organisation) = app.get_json("/api/v1/organisations/radio-libre").await;
    let organisation_id = organisation["id"].as_str().unwrap().to_owned();

    // Anyone signed in reports anything; once per person and item.
    for _ in 0..2 {
        assert_eq!(
            report(&app, &c.fan, "comment", &comment_id, "spam", "ads").await,
            202
        );
    }
    // The old way to report a comment is the same report.
    let (status, _) = app
        .call(
            "POST",
            &format!("/api/v1/comments/{comment_id}/report"),
            Some(json!({"reason": "spam"})),
            Some(&c.fan.token),
        )
        .await;
    assert_eq!(status, 202);
    assert_eq!(
        report(&app, &c.editor, "comment", &comment_id, "scam", "").await,
        202
    );
    assert_eq!(
        report(&app, &c.fan, "update", &update_id, "other", "").await,
        202
    );
    assert_eq!(
        report(
            &app,
            &c.fan,
            "organisation",
            &organisation_id,
            "scam",
            "impersonates a radio"
        )
        .await,
        202
    );
    assert_eq!(
        report(&app, &c.fan, "user", &c.stranger.id, "harassment", "").await,
        202
    );
    // What is not there, not a kind, not a reason, not signed in.
    assert_eq!(
        report(&app, &c.fan, "comment", "999999", "spam", "").await,
        404
    );
    assert_eq!(
        report(&app, &c.fan, "comment", "abc", "spam", "").await,
        404
    );
    assert_eq!(
        report(&app, &c.fan, "photo", &comment_id, "spam", "").await,
        422
    );
    assert_eq!(
        report(&app, &c.fan, "comment", &comment_id, "boring", "").await,
        422
    );
    let (status, _) = app
        .call(
            "POST",
            "/api/v1/reports",
            Some(json!({"kind": "comment", "id": comment_id, "reason": "spam"})),
            None,
        )
        .await;
    assert_eq!(status, 401);

    // Who sees what: a supporter and an editor nothing; an organisation's admin the
    // comments under its updates; another organisation's owner none of them; a moderator
    // everything, the most urgent first.
    for who in [&c.fan, &c.editor] {
        assert_eq!(queue(&app, who, "").await.0, 403);
    }
    let (status, theirs) = queue(&app, &c.admin, "").await;
    assert_eq!(status, 200);
    assert_eq!(kinds(&theirs), ["comment"]);
    let entry = &theirs["items"][0];
    assert_eq!(entry["reports_count"], 2, "the fan's three reports are one");
    assert_eq!(
        entry["reasons"],
        json!(["scam", "spam"]),
        "the most urgent first"
    );
    assert_eq!(entry["notes"], json!(["ads"]));
    assert_eq!(entry["item"]["exists"], true);
    assert_eq!(
        entry["item"]["preview"],
        "Buy cheap followers at spam.example"
    );
    assert_eq!(entry["item"]["author_id"], c.stranger.id.as_str());
    assert_eq!(entry["item"]["path"], format!("/updates/{update_id}"));
    assert_eq!(entry["state"], "open");
    let (_, none) = queue(&app, &c.stranger, "").await;
    assert_eq!(kinds(&none), Vec::<&str>::new());
    let (_, all) = queue(&app, &c.moderator, "").await;
    // scam (2 reports), scam (1), harassment, other.
    assert_eq!(kinds(&all), ["comment", "organisation", "user", "update"]);
    assert_eq!(
        kinds(&queue(&app, &c.moderator, "?kind=update").await.1),
        ["update"]
    );
    assert_eq!(
        kinds(&queue(&app, &c.chief, "?state=dismissed").await.1),
        Vec::<&str>::new()
    );
    assert_eq!(queue(&app, &c.moderator, "?kind=photo").await.0, 400);
    assert_eq!(queue(&app, &c.moderator, "?state=closed").await.0, 400);

    // Who decides what.
    let (status, _) = decide(&app, &c.stranger, "comment", &comment_id, "delete", "Spam.").await;
    assert_eq!(status, 403, "another organisation's owner");
    let (status, _) = decide(&app, &c.admin, "update", &update_id, "dismiss", "Fine.").await;
    assert_eq!(
        status, 403,
        "an organisation's admin decides about comments only"
    );
    let (status, body) = decide(&app, &c.moderator, "comment", &comment_id, "delete", "  ").await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["errors"][0]["field"], "reason");
    let (status, _) = decide(&app, &c.moderator, "photo", &comment_id, "delete", "Spam.").await;
    assert_eq!(status, 404);

    // The organisation's admin deletes the comment: gone from the update, its reports
    // upheld, out of the open queue.
    let (status, _) = decide(
        &app,
        &c.admin,
        "comment",
        &comment_id,
        "delete",
        "Advertising.",
    )
    .await;
    assert_eq!(status, 204);
    let (_, comments) = app
        .get_json(&format!("/api/v1/updates/{update_id}/comments"))
        .await;
    assert_eq!(comments["items"], json!([]));
    let (_, seen) = app.get_json(&format!("/api/v1/updates/{update_id}")).await;
    assert_eq!(seen["comments_count"], 0);
    assert_eq!(
        kinds(&queue(&app, &c.admin, "").await.1),
        Vec::<&str>::new()
    );
    // The organisation's admin still finds it, among the reports acted on.
    assert_eq!(
        kinds(&queue(&app, &c.admin, "?state=upheld").await.1),
        ["comment"]
    );
    let (_, upheld) = queue(&app, &c.moderator, "?state=upheld").await;
    assert_eq!(kinds(&upheld), ["comment"]);
    assert_eq!(upheld["items"][0]["item"]["exists"], false);
    assert_eq!(upheld["items"][0]["state"], "upheld");

    // The moderator dismisses the update's report (once: then there is nothing to
    // dismiss), and may not delete an organisation.
    let (status, _) = decide(
        &app,
        &c.moderator,
        "update",
        &update_id,
        "dismiss",
        "News, not spam.",
    )
    .await;
    assert_eq!(status, 204);
    let (status, body) = decide(
        &app,
        &c.moderator,
        "update",
        &update_id,
        "dismiss",
        "Again.",
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (409, Some("nothing_reported"))
    );
    let (status, body) = decide(
        &app,
        &c.moderator,
        "organisation",
        &organisation_id,
        "delete",
        "Fake.",
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (409, Some("not_for_this_item"))
    );
    let (_, seen) = app.get_json(&format!("/api/v1/updates/{update_id}")).await;
    assert_eq!(
        seen["title"], "On air",
        "a dismissed report leaves the update be"
    );
    // A dismissed report is closed: the same person may report again.
    assert_eq!(
        report(&app, &c.fan, "update", &update_id, "spam", "").await,
        202
    );
    assert_eq!(
        kinds(&queue(&app, &c.moderator, "?kind=update").await.1),
        ["update"]
    );

    // The log: platform administrators only; every decision, newest first, with who,
    // why and the item before.
    let (status, body) = app
        .call(
            "GET",
            "/api/v1/moderation/audit",
            None,
            Some(&c.moderator.token),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (403, Some("platform_admin_only"))
    );
    let (status, log) = app
        .call(
            "GET",
            "/api/v1/moderation/audit",
            None,
            Some(&c.chief.token),
        )
        .await;
    assert_eq!(status, 200, "{log}");
    let entries = log["items"].as_array().unwrap();
    let actions: Vec<(&str, &str, &str)> = entries
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap(),
                e["item_kind"].as_str().unwrap(),
                e["actor_id"].as_str().unwrap_or("the command line"),
            )
        })
        .collect();
    assert_eq!(
        actions,
        [
            ("dismiss", "update", c.moderator.id.as_str()),
            ("delete", "comment", c.admin.id.as_str()),
            ("platform_role", "user", "the command line"),
        ],
        "refused decisions leave no trace; the moderator named from the command line does"
    );
    assert_eq!(entries[2]["actor_name"], "command line");
    assert_eq!(entries[2]["item_id"], c.moderator.id.as_str());
    assert_eq!(entries[2]["reason"], "made moderator");
    let deleted = &entries[1];
    assert_eq!(deleted["reason"], "Advertising.");
    assert_eq!(deleted["item_id"], comment_id.as_str());
    assert_eq!(
        deleted["before"]["text"],
        "Buy cheap followers at spam.example"
    );
    assert_eq!(deleted["before"]["author_id"], c.stranger.id.as_str());
    assert_eq!(deleted["before"]["open_reports"], 2);
    // Paged.
    let (_, first) = app
        .call(
            "GET",
            "/api/v1/moderation/audit?limit=1",
            None,
            Some(&c.chief.token),
        )
        .await;
    let cursor = first["next_cursor"].as_str().unwrap();
    let (_, second) = app
        .call(
            "GET",
            &format!("/api/v1/moderation/audit?limit=1&cursor={cursor}"),
            None,
            Some(&c.chief.token),
        )
        .await;
    assert_eq!(second["items"][0]["action"], "delete");
    assert!(
        second["next_cursor"].is_string(),
        "the grant is older still"
    );

    // A decider whose account goes stays in the log by name.
    let (status, _) = app
        .call("DELETE", "/api/v1/me", None, Some(&c.admin.token))
        .await;
    assert_eq!(status, 200);
    let (_, log) = app
        .call(
            "GET",
            "/api/v1/moderation/audit",
            None,
            Some(&c.chief.token),
        )
        .await;
    assert_eq!(log["items"][1]["actor_id"], Value::Null);
    assert_eq!(log["items"][1]["actor_name"], "Test Person");
}

#[tokio::test]
async fn the_moderators_role_is_granted_and_taken_from_the_command_line() {
    let app = spawn_app().await;
    let someone = person(&app, "someone@example.org").await;
    let moderators = |verb: &str, email: &str| {
        Command::new(BIN)
            .args(["moderators", verb, email])
            .env("DATABASE_URL", &app.database_url)
            .env("ENSEMBLE_DATA_DIR", app.dir.path().join("data"))
            .output()
            .unwrap()
    };
    assert_eq!(queue(&app, &someone, "").await.0, 403);
    assert!(moderators("grant", "someone@example.org").status.success());
    assert_eq!(queue(&app, &someone, "").await.0, 200);
    assert!(moderators("revoke", "SOMEONE@example.org").status.success());
    assert_eq!(queue(&app, &someone, "").await.0, 403);
    let unknown = moderators("grant", "nobody@example.org");
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no account"));
}

#[tokio::test]
async fn reports_sent_at_once_by_one_person_are_one() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let (_, organisation) = app.get_json("/api/v1/organisations/radio-libre").await;
    let id = organisation["id"].as_str().unwrap().to_owned();
    for round in 0..5 {
        let who = [&c.fan, &c.editor, &c.stranger, &c.admin, &c.owner][round];
        let calls: Vec<_> = (0..20)
            .map(|_| report(&app, who, "organisation", &id, "scam", "at once"))
            .collect();
        for status in futures_util::future::join_all(calls).await {
            assert_eq!(status, 202);
        }
        let (_, page) = queue(&app, &c.moderator, "?kind=organisation").await;
        assert_eq!(page["items"][0]["reports_count"], round + 1);
    }
}

async fn comments_seen_by(app: &TestApp, update_id: &str, who: Option<&Person>) -> Value {
    let (status, page) = app
        .call(
            "GET",
            &format!("/api/v1/updates/{update_id}/comments"),
            None,
            who.map(|p| p.token.as_str()),
        )
        .await;
    assert_eq!(status, 200);
    page["items"][0].clone()
}

async fn appeal(app: &TestApp, who: &Person, id: &str, note: &str) -> (u16, Value) {
    app.call(
        "POST",
        "/api/v1/moderation/appeals",
        Some(json!({"kind": "comment", "id": id, "note": note})),
        Some(&who.token),
    )
    .await
}

#[tokio::test]
async fn a_hidden_comment_says_why_keeps_its_text_for_its_author_and_may_be_appealed_once() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let update_id = on_air(&app, &c).await;
    let (_, comment) = app
        .call(
            "POST",
            &format!("/api/v1/updates/{update_id}/comments"),
            Some(json!({"body": "You are all frauds"})),
            Some(&c.stranger.token),
        )
        .await;
    let id = comment["id"].as_str().unwrap().to_owned();
    assert_eq!(comment["removed"], Value::Null);
    assert_eq!(
        report(&app, &c.fan, "comment", &id, "harassment", "").await,
        202
    );

    // What hiding and restoring apply to.
    let (status, body) = decide(&app, &c.moderator, "update", &update_id, "hide", "No.").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (409, Some("not_for_this_item"))
    );
    let (status, body) = decide(&app, &c.moderator, "comment", &id, "restore", "No.").await;
    assert_eq!((status, body["code"].as_str()), (409, Some("not_hidden")));
    let (status, body) = appeal(&app, &c.stranger, &id, "Why?").await;
    assert_eq!((status, body["code"].as_str()), (409, Some("not_hidden")));

    // The organisation's admin hides it: in its place, the reason; the text for its author
    // alone.
    let (status, _) = decide(&app, &c.admin, "comment", &id, "hide", "Insults the team.").await;
    assert_eq!(status, 204);
    for who in [None, Some(&c.fan), Some(&c.owner)] {
        let seen = comments_seen_by(&app, &update_id, who).await;
        assert_eq!(seen["id"], id.as_str());
        assert_eq!(seen["body"], "", "hidden from {:?}", who.map(|p| &p.id));
        assert_eq!(seen["removed"], "Insults the team.");
    }
    let theirs = comments_seen_by(&app, &update_id, Some(&c.stranger)).await;
    assert_eq!(theirs["body"], "You are all frauds");
    assert_eq!(theirs["removed"], "Insults the team.");
    assert_eq!(theirs["appealed"], false);
    assert_eq!(
        kinds(&queue(&app, &c.admin, "").await.1),
        Vec::<&str>::new()
    );

    // Its author appeals, once; nobody else may.
    let (status, _) = appeal(&app, &c.fan, &id, "Let it be.").await;
    assert_eq!(status, 403);
    let (status, body) = appeal(&app, &c.stranger, &id, "  ").await;
    assert_eq!(
        (status, body["errors"][0]["field"].as_str()),
        (422, Some("note"))
    );
    let (status, _) = appeal(&app, &c.stranger, &id, "I was angry, not insulting.").await;
    assert_eq!(status, 202);
    let (status, body) = appeal(&app, &c.stranger, &id, "Again.").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (409, Some("already_appealed"))
    );
    assert_eq!(
        comments_seen_by(&app, &update_id, Some(&c.stranger)).await["appealed"],
        true
    );
    // The appeal waits first in the queue, with what its author said.
    let (_, waiting) = queue(&app, &c.admin, "").await;
    assert_eq!(kinds(&waiting), ["comment"]);
    assert_eq!(waiting["items"][0]["appeal"], "I was angry, not insulting.");
    assert_eq!(waiting["items"][0]["reports_count"], 0);
    assert_eq!(waiting["items"][0]["item"]["preview"], "You are all frauds");

    // Kept removed: the appeal is decided, and there is no second one.
    let (status, _) = decide(
        &app,
        &c.admin,
        "comment",
        &id,
        "dismiss",
        "Still insulting.",
    )
    .await;
    assert_eq!(status, 204);
    assert_eq!(
        kinds(&queue(&app, &c.admin, "").await.1),
        Vec::<&str>::new()
    );
    let (status, _) = appeal(&app, &c.stranger, &id, "Please.").await;
    assert_eq!(status, 409);

    // A moderator restores it: everyone reads it again.
    let (status, _) = decide(
        &app,
        &c.moderator,
        "comment",
        &id,
        "restore",
        "Harsh, not abusive.",
    )
    .await;
    assert_eq!(status, 204);
    let seen = comments_seen_by(&app, &update_id, None).await;
    assert_eq!(
        (seen["body"].as_str(), &seen["removed"]),
        (Some("You are all frauds"), &Value::Null)
    );

    // Hidden again, it may be appealed again: once, however many are sent at once.
    let (status, _) = decide(&app, &c.moderator, "comment", &id, "hide", "Now it is.").await;
    assert_eq!(status, 204);
    let calls: Vec<_> = (0..10)
        .map(|i| {
            appeal(
                &app,
                &c.stranger,
                &id,
                if i % 2 == 0 { "One" } else { "Two" },
            )
        })
        .collect();
    let statuses: Vec<u16> = futures_util::future::join_all(calls)
        .await
        .into_iter()
        .map(|(status, _)| status)
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 202).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 202 || *s == 409),
        "{statuses:?}"
    );

    // Every decision in the log, with the item before it.
    let (_, log) = app
        .call(
            "GET",
            "/api/v1/moderation/audit",
            None,
            Some(&c.chief.token),
        )
        .await;
    let actions: Vec<&str> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    // The moderator named from the command line first.
    assert_eq!(
        actions,
        ["hide", "restore", "dismiss", "hide", "platform_role"]
    );
    let restored = &log["items"][1]["before"];
    assert_eq!(restored["standing"]["hidden_reason"], "Insults the team.");
    assert_eq!(
        restored["standing"]["appeal"],
        "I was angry, not insulting."
    );
}

#[tokio::test]
async fn a_comment_reported_by_enough_people_is_hidden_until_a_moderator_looks() {
    let app = crate::helpers::spawn_app_with(|s| s.auto_hide_reports = 3).await;
    let c = cast(&app).await;
    let update_id = on_air(&app, &c).await;
    let mut ids = Vec::new();
    for body in ["Cheap pills here", "More cheap pills"] {
        let (_, comment) = app
            .call(
                "POST",
                &format!("/api/v1/updates/{update_id}/comments"),
                Some(json!({"body": body})),
                Some(&c.stranger.token),
            )
            .await;
        ids.push(comment["id"].as_str().unwrap().to_owned());
    }
    // Two people, one of them twice: still shown.
    for who in [&c.fan, &c.editor, &c.fan] {
        assert_eq!(report(&app, who, "comment", &ids[0], "spam", "").await, 202);
    }
    assert_eq!(
        comments_seen_by(&app, &update_id, None).await["removed"],
        Value::Null
    );
    // The third person hides it, until a moderator looks.
    assert_eq!(
        report(&app, &c.owner, "comment", &ids[0], "spam", "").await,
        202
    );
    let seen = comments_seen_by(&app, &update_id, None).await;
    assert_eq!(
        seen["removed"],
        "Hidden after 3 reports, until a moderator looks."
    );
    assert_eq!(seen["body"], "");
    let (_, page) = queue(&app, &c.moderator, "").await;
    assert_eq!(page["items"][0]["reports_count"], 3);
    // The log says nobody decided it by hand.
    let (_, log) = app
        .call(
            "GET",
            "/api/v1/moderation/audit",
            None,
            Some(&c.chief.token),
        )
        .await;
    assert_eq!(log["items"][0]["action"], "hide");
    assert_eq!(log["items"][0]["actor_name"], "automatic");
    assert_eq!(log["items"][0]["actor_id"], Value::Null);
    // Nothing wrong, says a moderator: it comes back.
    let (status, _) = decide(
        &app,
        &c.moderator,
        "comment",
        &ids[0],
        "dismiss",
        "Not spam.",
    )
    .await;
    assert_eq!(status, 204);
    let seen = comments_seen_by(&app, &update_id, None).await;
    assert_eq!(
        (seen["body"].as_str(), &seen["removed"]),
        (Some("Cheap pills here"), &Value::Null)
    );

    // Three people at once, many times: hidden once, surely.
    let others = [&c.fan, &c.editor, &c.owner, &c.admin];
    let calls: Vec<_> = others
        .iter()
        .flat_map(|who| (0..5).map(|_| report(&app, who, "comment", &ids[1], "spam", "")))
        .collect();
    for status in futures_util::future::join_all(calls).await {
        assert_eq!(status, 202);
    }
    let (_, page) = app
        .call(
            "GET",
            &format!("/api/v1/updates/{update_id}/comments"),
            None,
            None,
        )
        .await;
    assert_eq!(
        page["items"][1]["removed"],
        "Hidden after 3 reports, until a moderator looks."
    );
    let (_, log) = app
        .call(
            "GET",
            "/api/v1/moderation/audit",
            None,
            Some(&c.chief.token),
        )
        .await;
    let automatic = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["item_id"] == ids[1].as_str())
        .count();
    assert_eq!(automatic, 1, "hidden once");
}

async fn comment(app: &TestApp, who: &Person, update_id: &str, body: &str) -> reqwest::Response {
    app.send(
        "POST",
        &format!("/api/v1/updates/{update_id}/comments"),
        Some(json!({"body": body})),
        Some(&who.token),
    )
    .await
}

#[tokio::test]
async fn a_new_account_posts_fewer_comments_and_links_and_nobody_repeats_one() {
    let app = crate::helpers::spawn_app_with(|s| {
        s.new_account_comments_per_hour = 3;
        s.new_account_links_per_day = 1;
    })
    .await;
    let c = cast(&app).await;
    let update_id = on_air(&app, &c).await;

    // A new account: three comments this hour, the fourth waits.
    for n in 0..3 {
        let posted = comment(&app, &c.fan, &update_id, &format!("Comment number {n}")).await;
        assert_eq!(posted.status(), 201);
    }
    let refused = comment(&app, &c.fan, &update_id, "One more").await;
    assert_eq!(refused.status(), 429);
    let wait: u64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(wait > 0 && wait <= 3600, "{wait}");
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["code"], "rate_limited");

    // One comment with a link on the first day; without, more.
    let with_link = comment(
        &app,
        &c.editor,
        &update_id,
        "Listen at https://radio.example",
    )
    .await;
    assert_eq!(with_link.status(), 201);
    let again = comment(&app, &c.editor, &update_id, "Or at www.radio.example/live").await;
    assert_eq!(again.status(), 429);
    let plain = comment(&app, &c.editor, &update_id, "See you tonight").await;
    assert_eq!(plain.status(), 201);

    // A day later the account is not new: these limits are gone.
    {
        use diesel::prelude::*;
        use ensemble_api::db::schema::users;
        let mut conn = app.db.get().unwrap();
        let id: i64 = c.fan.id.parse().unwrap();
        diesel::update(users::table.find(id))
            .set(users::created_at.eq(ensemble_api::db::now() - chrono::Duration::days(2)))
            .execute(&mut conn)
            .unwrap();
    }
    for n in 0..3 {
        let posted = comment(
            &app,
            &c.fan,
            &update_id,
            &format!("Links: https://{n}.example"),
        )
        .await;
        assert_eq!(posted.status(), 201);
    }

    // Nobody posts the same comment twice in a day (a long one; "Thank you!" may be said
    // twice), not even twice at once.
    let spam = "Win a prize now at prize dot example";
    assert_eq!(comment(&app, &c.fan, &update_id, spam).await.status(), 201);
    let repeated = comment(&app, &c.fan, &update_id, spam).await;
    assert_eq!(repeated.status(), 409);
    let body: Value = repeated.json().await.unwrap();
    assert_eq!(body["code"], "duplicate_comment");
    for _ in 0..2 {
        assert_eq!(
            comment(&app, &c.fan, &update_id, "Thank you!")
                .await
                .status(),
            201
        );
    }
    let twin = "Exactly the same words, sent twice at once";
    let statuses: Vec<u16> =
        futures_util::future::join_all((0..6).map(|_| comment(&app, &c.fan, &update_id, twin)))
            .await
            .into_iter()
            .map(|r| r.status().as_u16())
            .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 201 || *s == 409),
        "{statuses:?}"
    );
}
