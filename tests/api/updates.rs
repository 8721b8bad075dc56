//! Updates, reactions, comments, moderation, notifications and the Atom feed.

use serde_json::{Value, json};

use crate::helpers::{
    Person, TestApp, assert_field_error, assert_problem, create, join, make_admin, person,
    spawn_app,
};

/// An organisation with an owner, an admin and an editor; a follower; a stranger.
struct Cast {
    owner: Person,
    admin: Person,
    editor: Person,
    fan: Person,
    stranger: Person,
}

async fn cast(app: &TestApp) -> Cast {
    let c = Cast {
        owner: person(app, "owner@example.org").await,
        admin: person(app, "admin@example.org").await,
        editor: person(app, "editor@example.org").await,
        fan: person(app, "fan@example.org").await,
        stranger: person(app, "stranger@example.org").await,
    };
    create(
        app,
        &c.owner,
        json!({"name": "Radio Libre", "mission": "Community radio.", "language": "fr"}),
    )
    .await;
    for (who, role) in [(&c.admin, "admin"), (&c.editor, "editor")] {
        join(app, "radio-libre", &c.owner, who, role).await;
    }
    c
}

async fn post(app: &TestApp, who: &Person, body: Value) -> (u16, Value) {
    app.call(
        "POST",
        "/api/v1/organisations/radio-libre/updates",
        Some(body),
        Some(&who.token),
    )
    .await
}

#[tokio::test]
async fn the_team_posts_edits_and_deletes_updates_and_nobody_else() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let body = json!({"title": "On air", "body": "We broadcast **tonight**."});
    let response = app
        .send(
            "POST",
            "/api/v1/organisations/radio-libre/updates",
            Some(body.clone()),
            None,
        )
        .await;
    assert_problem(response, 401, "unauthorized").await;
    let platform = person(&app, "platform@example.org").await;
    make_admin(&app, "platform@example.org");
    for who in [&c.stranger, &c.fan, &platform] {
        let (status, problem) = post(&app, who, body.clone()).await;
        assert_eq!((status, problem["code"].as_str()), (403, Some("forbidden")));
    }
    let mut ids = Vec::new();
    for who in [&c.editor, &c.admin, &c.owner] {
        let response = app
            .send(
                "POST",
                "/api/v1/organisations/radio-libre/updates",
                Some(body.clone()),
                Some(&who.token),
            )
            .await;
        assert_eq!(response.status(), 201);
        let location = response.headers()["location"].to_str().unwrap().to_owned();
        let update: Value = response.json().await.unwrap();
        assert_eq!(
            location,
            format!("/api/v1/updates/{}", update["id"].as_str().unwrap())
        );
        assert_eq!(
            update["language"], "fr",
            "the organisation's language by default"
        );
        assert_eq!(
            update["body_html"],
            "<p>We broadcast <strong>tonight</strong>.</p>\n"
        );
        assert_eq!(update["organisation"]["slug"], "radio-libre");
        assert_eq!(update["edited_at"], Value::Null);
        assert_eq!(update["reactions_count"], 0);
        assert_eq!(update["comments_count"], 0);
        ids.push(update["id"].as_str().unwrap().to_owned());
    }
    let (status, page) = app
        .get_json("/api/v1/organisations/radio-libre/updates")
        .await;
    assert_eq!(status, 200);
    let listed: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_str().unwrap())
        .collect();
    assert_eq!(listed, [&ids[2], &ids[1], &ids[0]], "newest first");

    let path = format!("/api/v1/updates/{}", ids[0]);
    let edit = json!({"title": "On air at 8", "link_url": "https://radio.example/live"});
    for who in [&c.stranger, &c.fan, &platform] {
        let response = app
            .send("PATCH", &path, Some(edit.clone()), Some(&who.token))
            .await;
        assert_problem(response, 403, "forbidden").await;
    }
    let response = app.send("PATCH", &path, Some(edit.clone()), None).await;
    assert_problem(response, 401, "unauthorized").await;
    let (status, edited) = app
        .call("PATCH", &path, Some(edit), Some(&c.editor.token))
        .await;
    assert_eq!(status, 200, "{edited}");
    assert_eq!(edited["title"], "On air at 8");
    assert_eq!(edited["link_url"], "https://radio.example/live");
    assert_eq!(
        edited["body"], "We broadcast **tonight**.",
        "absent fields stay"
    );
    assert!(edited["edited_at"].is_string());
    let (_, cleared) = app
        .call(
            "PATCH",
            &path,
            Some(json!({"link_url": null})),
            Some(&c.admin.token),
        )
        .await;
    assert_eq!(cleared["link_url"], Value::Null);

    for who in [&c.stranger, &c.fan, &platform] {
        let response = app.send("DELETE", &path, None, Some(&who.token)).await;
        assert_problem(response, 403, "forbidden").await;
    }
    for (who, id) in [
        (&c.editor, &ids[0]),
        (&c.admin, &ids[1]),
        (&c.owner, &ids[2]),
    ] {
        let (status, _) = app
            .call(
                "DELETE",
                &format!("/api/v1/updates/{id}"),
                None,
                Some(&who.token),
            )
            .await;
        assert_eq!(status, 204);
        let (status, _) = app.get_json(&format!("/api/v1/updates/{id}")).await;
        assert_eq!(status, 404);
    }
    for missing in ["/api/v1/updates/999999", "/api/v1/updates/abc"] {
        let response = app
            .send("DELETE", missing, None, Some(&c.owner.token))
            .await;
        assert_eq!(response.status(), 404);
    }
    let (status, _) = post(&app, &c.owner, json!({"title": "x", "body": "y"})).await;
    assert_eq!(status, 201);
    let response = app
        .send(
            "POST",
            "/api/v1/organisations/nobody/updates",
            Some(json!({"title": "x", "body": "y"})),
            Some(&c.owner.token),
        )
        .await;
    assert_eq!(response.status(), 404);
}

#[tokio::test]
async fn markdown_attacks_are_neutralised_and_bad_updates_refused_whole() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let attack = "<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n\
        [x](javascript:alert(1)) [y](data:text/html,hi) <a href=\"vbscript:x\">z</a>\n\n\
        <iframe src=\"https://evil.example\"></iframe><div onclick=\"steal()\" style=\"x\">d</div>\n\n\
        [mail](mailto:team@radio.example) [site](https://radio.example)";
    let (status, update) = post(&app, &c.editor, json!({"title": "Hi", "body": attack})).await;
    assert_eq!(status, 201);
    let html = update["body_html"].as_str().unwrap().to_lowercase();
    for bad in [
        "<script",
        "onerror",
        "onclick",
        "javascript:",
        "data:text",
        "vbscript:",
        "<iframe",
        "style=",
    ] {
        assert!(!html.contains(bad), "{bad} in {html}");
    }
    assert!(
        html.contains("href=\"mailto:team@radio.example\""),
        "{html}"
    );
    assert!(html.contains("href=\"https://radio.example\""), "{html}");
    assert_eq!(update["body"], attack, "the Markdown is kept as written");

    for (body, field, code) in [
        (json!({"title": "", "body": "x"}), "title", "required"),
        (
            json!({"title": "a\u{7}", "body": "x"}),
            "title",
            "control_characters",
        ),
        (
            json!({"title": "x".repeat(201), "body": "x"}),
            "title",
            "too_long",
        ),
        (json!({"title": "x", "body": "  \n "}), "body", "required"),
        (
            json!({"title": "x", "body": "y".repeat(20_001)}),
            "body",
            "too_long",
        ),
        (
            json!({"title": "x", "body": "y", "language": "xx"}),
            "language",
            "unknown_language",
        ),
        (
            json!({"title": "x", "body": "y", "photos": [{"upload": "https://a.example/x.png", "alt": "x"}]}),
            "photos[0].upload",
            "no_such_upload",
        ),
        (
            json!({"title": "x", "body": "y", "photos": vec![json!({"upload": "0123456789abcdef0123456789abcdef", "alt": "x"}); 5]}),
            "photos",
            "too_many",
        ),
        (
            json!({"title": "x", "body": "y", "link_url": "javascript:alert(1)"}),
            "link_url",
            "invalid_scheme",
        ),
        (
            json!({"title": "x", "body": "y", "pinned": true}),
            "pinned",
            "unknown_field",
        ),
    ] {
        let response = app
            .send(
                "POST",
                "/api/v1/organisations/radio-libre/updates",
                Some(body),
                Some(&c.editor.token),
            )
            .await;
        assert_field_error(response, 422, field, code).await;
    }
    let (_, page) = app
        .get_json("/api/v1/organisations/radio-libre/updates")
        .await;
    assert_eq!(
        page["items"].as_array().unwrap().len(),
        1,
        "nothing half-saved"
    );
}

#[tokio::test]
async fn reactions_are_idempotent_and_counted() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let (_, update) = post(&app, &c.editor, json!({"title": "Hi", "body": "Hello"})).await;
    let path = format!(
        "/api/v1/updates/{}/reaction",
        update["id"].as_str().unwrap()
    );
    for _ in 0..2 {
        let (status, state) = app.call("PUT", &path, None, Some(&c.fan.token)).await;
        assert_eq!(status, 200);
        assert_eq!(state, json!({"reacted": true, "reactions_count": 1}));
    }
    let (_, state) = app.call("PUT", &path, None, Some(&c.stranger.token)).await;
    assert_eq!(state["reactions_count"], 2);
    let update_path = format!("/api/v1/updates/{}", update["id"].as_str().unwrap());
    let response = app
        .client
        .get(app.url(&update_path))
        .bearer_auth(&c.fan.token)
        .send()
        .await
        .unwrap();
    let seen: Value = response.json().await.unwrap();
    assert_eq!(seen["reacted"], true);
    assert_eq!(seen["reactions_count"], 2);
    let (_, anonymous) = app.get_json(&update_path).await;
    assert_eq!(anonymous["reacted"], false);
    for _ in 0..2 {
        let (status, state) = app.call("DELETE", &path, None, Some(&c.fan.token)).await;
        assert_eq!(status, 200);
        assert_eq!(state, json!({"reacted": false, "reactions_count": 1}));
    }
    let response = app.send("PUT", &path, None, None).await;
    assert_problem(response, 401, "unauthorized").await;
    let (status, _) = app
        .call(
            "PUT",
            "/api/v1/updates/424242/reaction",
            None,
            Some(&c.fan.token),
        )
        .await;
    assert_eq!(status, 404);
}

async fn comment(app: &TestApp, who: &Person, update: &str, body: Value) -> (u16, Value) {
    app.call(
        "POST",
        &format!("/api/v1/updates/{update}/comments"),
        Some(body),
        Some(&who.token),
    )
    .await
}

async fn notifications(app: &TestApp, who: &Person) -> (Vec<Value>, i64) {
    let response = app
        .client
        .get(app.url("/api/v1/me/notifications"))
        .bearer_auth(&who.token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let unread = response.headers()["x-unread-count"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let page: Value = response.json().await.unwrap();
    (page["items"].as_array().unwrap().clone(), unread)
}

#[tokio::test]
async fn comments_reply_one_level_are_moderated_and_notify() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    // Being invited to a team is a notification.
    let (given, unread) = notifications(&app, &c.editor).await;
    assert_eq!(unread, 1);
    assert_eq!(given[0]["kind"], "invitation");
    assert_eq!(given[0]["role"], "editor");
    assert_eq!(given[0]["organisation"]["slug"], "radio-libre");
    assert_eq!(given[0]["read"], false);

    let (_, update) = post(&app, &c.editor, json!({"title": "Hi", "body": "Hello"})).await;
    let id = update["id"].as_str().unwrap().to_owned();
    let response = app
        .send(
            "POST",
            &format!("/api/v1/updates/{id}/comments"),
            Some(json!({"body": "First!"})),
            None,
        )
        .await;
    assert_problem(response, 401, "unauthorized").await;
    let (status, top) = comment(&app, &c.fan, &id, json!({"body": "  Bravo !  "})).await;
    assert_eq!(status, 201, "{top}");
    assert_eq!(top["body"], "Bravo !");
    assert_eq!(top["parent_id"], Value::Null);
    assert_eq!(top["author"]["user_id"], c.fan.id.as_str());
    let top_id = top["id"].as_str().unwrap().to_owned();
    let (status, reply) = comment(
        &app,
        &c.stranger,
        &id,
        json!({"body": "<b>agreed</b>", "parent_id": top_id}),
    )
    .await;
    assert_eq!(status, 201);
    assert_eq!(
        reply["body"], "<b>agreed</b>",
        "plain text, escaped by whoever shows it"
    );
    let reply_id = reply["id"].as_str().unwrap().to_owned();
    // Replies are one level deep, on the same update.
    let (status, problem) = comment(
        &app,
        &c.fan,
        &id,
        json!({"body": "x", "parent_id": reply_id}),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(problem["errors"][0]["code"], "invalid_parent");
    let (_, other) = post(&app, &c.editor, json!({"title": "Other", "body": "Other"})).await;
    let other_id = other["id"].as_str().unwrap().to_owned();
    let (status, _) = comment(
        &app,
        &c.fan,
        &other_id,
        json!({"body": "x", "parent_id": top_id}),
    )
    .await;
    assert_eq!(status, 422);
    for (body, field, code) in [
        (json!({"body": ""}), "body", "required"),
        (json!({"body": "x".repeat(2001)}), "body", "too_long"),
        (json!({"body": "a\u{0}"}), "body", "control_characters"),
        (
            json!({"body": "x", "parent_id": "zz"}),
            "parent_id",
            "invalid_parent",
        ),
    ] {
        let response = app
            .send(
                "POST",
                &format!("/api/v1/updates/{id}/comments"),
                Some(body),
                Some(&c.fan.token),
            )
            .await;
        assert_field_error(response, 422, field, code).await;
    }

    let (_, page) = app
        .get_json(&format!("/api/v1/updates/{id}/comments"))
        .await;
    let listed: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(listed, [top_id.as_str(), reply_id.as_str()], "oldest first");
    let (_, seen) = app.get_json(&format!("/api/v1/updates/{id}")).await;
    assert_eq!(seen["comments_count"], 2);

    // The fan hears of the reply; the team of both comments (not of their own).
    let (fan_news, _) = notifications(&app, &c.fan).await;
    assert_eq!(fan_news.len(), 1);
    assert_eq!(fan_news[0]["kind"], "comment_reply");
    assert_eq!(fan_news[0]["actor"]["user_id"], c.stranger.id.as_str());
    assert_eq!(fan_news[0]["comment_id"], reply_id.as_str());
    assert_eq!(fan_news[0]["update_id"], id.as_str());
    let (owner_news, owner_unread) = notifications(&app, &c.owner).await;
    assert_eq!(
        owner_news
            .iter()
            .filter(|n| n["kind"] == "update_comment")
            .count(),
        2
    );
    assert_eq!(owner_unread, 2);
    let (stranger_news, _) = notifications(&app, &c.stranger).await;
    assert!(stranger_news.is_empty());

    // Reading: some, then all.
    let first = owner_news[0]["id"].as_str().unwrap().to_owned();
    let (status, _) = app
        .call(
            "POST",
            "/api/v1/me/notifications/read",
            Some(json!({"ids": [first, "x"]})),
            Some(&c.owner.token),
        )
        .await;
    assert_eq!(status, 204);
    let (news, unread) = notifications(&app, &c.owner).await;
    assert_eq!((news[0]["read"].as_bool(), unread), (Some(true), 1));
    // Someone else's ids change nothing of theirs.
    app.call(
        "POST",
        "/api/v1/me/notifications/read",
        Some(json!({"ids": [fan_news[0]["id"]]})),
        Some(&c.owner.token),
    )
    .await;
    assert_eq!(notifications(&app, &c.fan).await.1, 1);
    app.call(
        "POST",
        "/api/v1/me/notifications/read",
        Some(json!({})),
        Some(&c.owner.token),
    )
    .await;
    assert_eq!(notifications(&app, &c.owner).await.1, 0);

    // Reports: once per person.
    for _ in 0..2 {
        let (status, _) = app
            .call(
                "POST",
                &format!("/api/v1/comments/{reply_id}/report"),
                Some(json!({"reason": "spam", "note": "ads"})),
                Some(&c.fan.token),
            )
            .await;
        assert_eq!(status, 202);
    }
    let (status, _) = app
        .call(
            "POST",
            "/api/v1/comments/999999/report",
            Some(json!({"reason": "harassment"})),
            Some(&c.fan.token),
        )
        .await;
    assert_eq!(status, 404);
    let (status, _) = app
        .call(
            "POST",
            &format!("/api/v1/comments/{reply_id}/report"),
            Some(json!({"reason": "boring"})),
            Some(&c.fan.token),
        )
        .await;
    assert_eq!(status, 422);

    // Moderation: the author, or the organisation's admins and owners; not its editors,
    // not others.
    for who in [&c.editor, &c.fan] {
        let response = app
            .send(
                "DELETE",
                &format!("/api/v1/comments/{reply_id}"),
                None,
                Some(&who.token),
            )
            .await;
        assert_problem(response, 403, "forbidden").await;
    }
    let (status, _) = app
        .call(
            "DELETE",
            &format!("/api/v1/comments/{reply_id}"),
            None,
            Some(&c.admin.token),
        )
        .await;
    assert_eq!(status, 204);
    let (_, seen) = app.get_json(&format!("/api/v1/updates/{id}")).await;
    assert_eq!(seen["comments_count"], 1);
    let (_, again) = comment(
        &app,
        &c.stranger,
        &id,
        json!({"body": "Sorry", "parent_id": top_id}),
    )
    .await;
    assert_eq!(again["parent_id"], top_id.as_str());
    // The author deletes their comment: its replies go with it.
    let (status, _) = app
        .call(
            "DELETE",
            &format!("/api/v1/comments/{top_id}"),
            None,
            Some(&c.fan.token),
        )
        .await;
    assert_eq!(status, 204);
    let (_, page) = app
        .get_json(&format!("/api/v1/updates/{id}/comments"))
        .await;
    assert!(page["items"].as_array().unwrap().is_empty());
    let (_, seen) = app.get_json(&format!("/api/v1/updates/{id}")).await;
    assert_eq!(seen["comments_count"], 0);
    let (status, _) = app
        .call(
            "DELETE",
            &format!("/api/v1/comments/{top_id}"),
            None,
            Some(&c.fan.token),
        )
        .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn deleting_an_account_keeps_every_count_exact() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    let (_, update) = post(&app, &c.editor, json!({"title": "Hi", "body": "Hello"})).await;
    let id = update["id"].as_str().unwrap().to_owned();
    let (_, top) = comment(&app, &c.stranger, &id, json!({"body": "Mine"})).await;
    comment(
        &app,
        &c.fan,
        &id,
        json!({"body": "Reply", "parent_id": top["id"]}),
    )
    .await;
    comment(&app, &c.fan, &id, json!({"body": "Other"})).await;
    for who in [&c.stranger, &c.fan] {
        app.call(
            "PUT",
            &format!("/api/v1/updates/{id}/reaction"),
            None,
            Some(&who.token),
        )
        .await;
    }
    let (status, _) = app
        .call("DELETE", "/api/v1/me", None, Some(&c.stranger.token))
        .await;
    assert_eq!(status, 200);
    let (_, seen) = app.get_json(&format!("/api/v1/updates/{id}")).await;
    assert_eq!(seen["reactions_count"], 1);
    assert_eq!(
        seen["comments_count"], 1,
        "their comment and the reply to it are gone"
    );
    let (_, page) = app
        .get_json(&format!("/api/v1/updates/{id}/comments"))
        .await;
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn the_atom_feed_is_valid_and_sanitised() {
    let app = spawn_app().await;
    let c = cast(&app).await;
    for i in 0..3 {
        post(
            &app,
            &c.editor,
            json!({"title": format!("News & views #{i} <b>"), "body": format!("Part {i}: <script>alert(1)</script> **bold** & [link](https://radio.example/{i})")}),
        )
        .await;
    }
    let response = app
        .get("/api/v1/organisations/radio-libre/updates.atom")
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "application/atom+xml; charset=utf-8"
    );
    let text = response.text().await.unwrap();
    let doc = roxmltree::Document::parse(&text).expect("well-formed XML");
    let feed = doc.root_element();
    assert!(feed.has_tag_name((ATOM, "feed")));
    let rfc3339 = |node: roxmltree::Node<'_, '_>| {
        chrono::DateTime::parse_from_rfc3339(node.text().unwrap()).expect("RFC 3339 date")
    };
    // RFC 4287 4.1.1: exactly one id, title, updated; an author; a self link.
    for name in ["id", "title", "updated", "author"] {
        assert_eq!(child(feed, name).len(), 1, "feed/{name}");
    }
    rfc3339(child(feed, "updated")[0]);
    assert_eq!(child(feed, "title")[0].text(), Some("Radio Libre"));
    assert!(child(feed, "link").iter().any(|l| {
        l.attribute("rel") == Some("self")
            && l.attribute("href")
                .unwrap()
                .ends_with("/api/v1/organisations/radio-libre/updates.atom")
    }));
    let entries = child(feed, "entry");
    assert_eq!(entries.len(), 3);
    let mut ids = std::collections::HashSet::new();
    for entry in &entries {
        for name in ["id", "title", "updated", "published", "content"] {
            assert_eq!(child(*entry, name).len(), 1, "entry/{name}");
        }
        assert!(
            ids.insert(child(*entry, "id")[0].text().unwrap().to_owned()),
            "unique ids"
        );
        rfc3339(child(*entry, "updated")[0]);
        let content = child(*entry, "content")[0];
        assert_eq!(content.attribute("type"), Some("html"));
        let html = content.text().unwrap();
        assert!(html.contains("<strong>bold</strong>"), "{html}");
        assert!(!html.contains("<script"), "{html}");
    }
    assert_eq!(
        child(entries[0], "title")[0].text(),
        Some("News & views #2 <b>")
    );
    let (status, _) = app
        .get_json("/api/v1/organisations/nobody/updates.atom")
        .await;
    assert_eq!(status, 404);
}

const ATOM: &str = "http://www.w3.org/2005/Atom";

/// The children of `node` named `name` in the Atom namespace.
fn child<'a, 'input>(
    node: roxmltree::Node<'a, 'input>,
    name: &str,
) -> Vec<roxmltree::Node<'a, 'input>> {
    node.children()
        .filter(|n| n.has_tag_name((ATOM, name)))
        .collect()
}
