//! Organisation profiles and teams: who may do what.

use serde_json::{Value, json};

use crate::helpers::{
    Person, TestApp, assert_field_error, assert_problem, create, join, make_admin, person,
    spawn_app,
};

#[tokio::test]
async fn creating_an_organisation_makes_you_its_owner() {
    let app = spawn_app().await;
    let ana = person(&app, "ana@example.org").await;
    let profile = create(
        &app,
        &ana,
        json!({
            "name": "  Rivières Vivantes ",
            "mission": "Cleaning and protecting rivers with local volunteers.",
            "description": "**Since 2009** we clean rivers.\n\n<script>alert(1)</script>\n\n[site](javascript:alert(1)) <img src=x onerror=alert(1)>",
            "website": "http://rivieres.example.org",
            "country": "FR",
            "city": "Lyon",
            "founded_year": 2009,
            "languages": ["fr", "en", "fr"],
            "causes": ["oceans", "environment"],
            "registration": {"registry": "FR-RNA", "number": "W691234567"}
        }),
    )
    .await;
    assert_eq!(profile["slug"], "rivieres-vivantes");
    assert_eq!(profile["name"], "Rivières Vivantes");
    assert_eq!(profile["languages"], json!(["en", "fr"]));
    assert_eq!(
        profile["causes"],
        json!(["environment", "oceans"]),
        "taxonomy order"
    );
    assert_eq!(
        profile["registration"],
        json!({"registry": "FR-RNA", "number": "W691234567"})
    );
    assert_eq!(profile["followers_count"], 0);
    let html = profile["description_html"].as_str().unwrap();
    assert!(html.contains("<strong>Since 2009</strong>"));
    assert!(
        !html.contains("<script") && !html.contains("javascript:"),
        "{html}"
    );

    let (status, fetched) = app
        .get_json("/api/v1/organisations/rivieres-vivantes")
        .await;
    assert_eq!(status, 200);
    assert_eq!(fetched, profile);
    let (_, members) = app
        .get_json("/api/v1/organisations/rivieres-vivantes/members")
        .await;
    assert_eq!(members["items"][0]["user_id"], ana.id.as_str());
    assert_eq!(members["items"][0]["role"], "owner");

    // Same name again: a numbered slug. Chinese names are transliterated.
    let again = create(
        &app,
        &ana,
        json!({"name": "Rivières vivantes", "mission": "Another one."}),
    )
    .await;
    assert_eq!(again["slug"], "rivieres-vivantes-2");
    let chinese = create(
        &app,
        &ana,
        json!({"name": "绿色希望", "mission": "保护森林。"}),
    )
    .await;
    assert_eq!(chinese["slug"], "lu-se-xi-wang");
    assert_problem(
        app.get("/api/v1/organisations/nope").await,
        404,
        "not_found",
    )
    .await;
}

#[tokio::test]
async fn invalid_profiles_are_refused_whole() {
    let app = spawn_app().await;
    let ana = person(&app, "ana@example.org").await;
    let response = app
        .send(
            "POST",
            "/api/v1/organisations",
            Some(json!({
                "name": "",
                "mission": "x".repeat(301),
                "website": "ftp://files.example.org",
                "logo": "http://insecure.example.org/logo.png",
                "country": "XX",
                "city": "a\u{0}b",
                "founded_year": 1700,
                "languages": ["fr", "klingon"],
                "registration": {"registry": "rna", "number": "<b>"}
            })),
            Some(&ana.token),
        )
        .await;
    let problem = assert_problem(response, 422, "validation_failed").await;
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    for field in [
        "name",
        "mission",
        "website",
        "logo",
        "country",
        "city",
        "founded_year",
        "languages",
        "registration.registry",
        "registration.number",
    ] {
        assert!(fields.contains(&field), "{field} missing from {fields:?}");
    }
    let unknown_cause = app
        .send(
            "POST",
            "/api/v1/organisations",
            Some(json!({"name": "A", "mission": "B", "causes": ["astrology"]})),
            Some(&ana.token),
        )
        .await;
    assert_field_error(unknown_cause, 422, "causes", "unknown_cause").await;
    let (_, list) = app.get_json("/api/v1/organisations").await;
    assert_eq!(list["items"], json!([]), "nothing half-saved");
    assert_problem(
        app.send(
            "POST",
            "/api/v1/organisations",
            Some(json!({"name": "A", "mission": "B"})),
            None,
        )
        .await,
        401,
        "unauthorized",
    )
    .await;
}

/// An organisation with an owner, an admin and an editor; a stranger; and a platform
/// administrator, who verifies organisations but does not run them.
struct Team {
    owner: Person,
    admin: Person,
    editor: Person,
    stranger: Person,
    platform: Person,
}

async fn team(app: &TestApp) -> Team {
    let team = Team {
        owner: person(app, "owner@example.org").await,
        admin: person(app, "admin@example.org").await,
        editor: person(app, "editor@example.org").await,
        stranger: person(app, "stranger@example.org").await,
        platform: person(app, "platform@example.org").await,
    };
    make_admin(app, "platform@example.org");
    create(
        app,
        &team.owner,
        json!({"name": "Mesa Abierta", "mission": "Community kitchens."}),
    )
    .await;
    for (who, role) in [(&team.admin, "admin"), (&team.editor, "editor")] {
        let joined = join(app, "mesa-abierta", &team.owner, who, role).await;
        assert_eq!(joined["role"], role);
    }
    team
}

#[tokio::test]
async fn only_admins_and_owners_edit_the_profile() {
    let app = spawn_app().await;
    let team = team(&app).await;
    let patch = |token: Option<String>, body: Value| {
        let app = &app;
        async move {
            app.send(
                "PATCH",
                "/api/v1/organisations/mesa-abierta",
                Some(body),
                token.as_deref(),
            )
            .await
        }
    };
    assert_problem(
        patch(None, json!({"city": "Madrid"})).await,
        401,
        "unauthorized",
    )
    .await;
    assert_problem(
        patch(Some(team.stranger.token.clone()), json!({"city": "Madrid"})).await,
        403,
        "forbidden",
    )
    .await;
    assert_problem(
        patch(Some(team.editor.token.clone()), json!({"city": "Madrid"})).await,
        403,
        "forbidden",
    )
    .await;
    assert_problem(
        patch(Some(team.platform.token.clone()), json!({"city": "Madrid"})).await,
        403,
        "forbidden",
    )
    .await;
    for who in [&team.platform, &team.stranger] {
        let response = app
            .send(
                "POST",
                "/api/v1/organisations/mesa-abierta/members",
                Some(json!({"user_id": who.id, "role": "owner"})),
                Some(&who.token),
            )
            .await;
        assert_problem(response, 403, "forbidden").await;
    }

    let response = patch(
        Some(team.admin.token.clone()),
        json!({"city": "Madrid", "name": "Mesa Abierta Madrid", "causes": ["food-security"]}),
    )
    .await;
    assert_eq!(response.status(), 200);
    let profile: Value = response.json().await.unwrap();
    assert_eq!(profile["city"], "Madrid");
    assert_eq!(profile["slug"], "mesa-abierta", "the slug is stable");
    assert_eq!(profile["causes"], json!(["food-security"]));

    let response = patch(
        Some(team.owner.token.clone()),
        json!({"city": null, "website": "https://mesa.example.org"}),
    )
    .await;
    let profile: Value = response.json().await.unwrap();
    assert_eq!(profile["city"], Value::Null);
    assert_eq!(
        profile["causes"],
        json!(["food-security"]),
        "absent lists are kept"
    );

    let missing = app
        .send(
            "PATCH",
            "/api/v1/organisations/nope",
            Some(json!({"city": "X"})),
            Some(&team.owner.token),
        )
        .await;
    assert_problem(missing, 404, "not_found").await;
    let bad = patch(Some(team.owner.token.clone()), json!({"slug": "x"})).await;
    assert_field_error(bad, 422, "slug", "unknown_field").await;
    let future = patch(
        Some(team.owner.token.clone()),
        json!({"founded_year": 3000}),
    )
    .await;
    assert_field_error(future, 422, "founded_year", "out_of_range").await;
}

#[tokio::test]
async fn roles_are_managed_from_above_and_an_owner_always_remains() {
    let app = spawn_app().await;
    let team = team(&app).await;
    let members = "/api/v1/organisations/mesa-abierta/members";
    let member = |who: &Person| format!("{members}/{}", who.id);

    // Admins manage editors only.
    let newcomer = person(&app, "new@example.org").await;
    let (status, _) = app
        .call(
            "POST",
            members,
            Some(json!({"user_id": newcomer.id, "role": "admin"})),
            Some(&team.admin.token),
        )
        .await;
    assert_eq!(status, 403);
    let (status, _) = app
        .call(
            "POST",
            members,
            Some(json!({"user_id": newcomer.id, "role": "editor"})),
            Some(&team.admin.token),
        )
        .await;
    assert_eq!(status, 202);
    let (_, waiting) = app
        .call("GET", "/api/v1/me/invitations", None, Some(&newcomer.token))
        .await;
    let invitation = waiting["items"][0]["id"].as_str().unwrap().to_owned();
    let (status, _) = app
        .call(
            "POST",
            &format!("/api/v1/me/invitations/{invitation}/accept"),
            None,
            Some(&newcomer.token),
        )
        .await;
    assert_eq!(status, 200);
    let (status, _) = app
        .call(
            "PATCH",
            &member(&newcomer),
            Some(json!({"role": "admin"})),
            Some(&team.admin.token),
        )
        .await;
    assert_eq!(status, 403);
    let (status, _) = app
        .call(
            "PATCH",
            &member(&team.owner),
            Some(json!({"role": "editor"})),
            Some(&team.admin.token),
        )
        .await;
    assert_eq!(status, 403);
    // Editors manage nobody; strangers even less.
    assert_eq!(
        app.call("DELETE", &member(&newcomer), None, Some(&team.editor.token))
            .await
            .0,
        403
    );
    assert_eq!(
        app.call(
            "POST",
            members,
            Some(json!({"user_id": team.stranger.id, "role": "editor"})),
            Some(&team.editor.token)
        )
        .await
        .0,
        403
    );
    assert_eq!(
        app.call(
            "POST",
            members,
            Some(json!({"user_id": team.stranger.id, "role": "editor"})),
            Some(&team.stranger.token)
        )
        .await
        .0,
        403
    );

    let dup = app
        .send(
            "POST",
            members,
            Some(json!({"user_id": team.editor.id, "role": "editor"})),
            Some(&team.owner.token),
        )
        .await;
    assert_problem(dup, 409, "already_member").await;
    let ghost = app
        .send(
            "POST",
            members,
            Some(json!({"user_id": "999999", "role": "editor"})),
            Some(&team.owner.token),
        )
        .await;
    assert_field_error(ghost, 422, "user_id", "unknown_user").await;

    // The only owner can neither step down nor leave.
    let demote = app
        .send(
            "PATCH",
            &member(&team.owner),
            Some(json!({"role": "admin"})),
            Some(&team.owner.token),
        )
        .await;
    assert_problem(demote, 409, "last_owner").await;
    assert_problem(
        app.send(
            "DELETE",
            &member(&team.owner),
            None,
            Some(&team.owner.token),
        )
        .await,
        409,
        "last_owner",
    )
    .await;

    // With a second owner, the first may go.
    let (status, promoted) = app
        .call(
            "PATCH",
            &member(&team.admin),
            Some(json!({"role": "owner"})),
            Some(&team.owner.token),
        )
        .await;
    assert_eq!((status, promoted["role"].as_str()), (200, Some("owner")));
    assert_eq!(
        app.call(
            "DELETE",
            &member(&team.owner),
            None,
            Some(&team.owner.token)
        )
        .await
        .0,
        204
    );
    // An editor may leave on their own.
    assert_eq!(
        app.call(
            "DELETE",
            &member(&team.editor),
            None,
            Some(&team.editor.token)
        )
        .await
        .0,
        204
    );

    let (_, list) = app.get_json(members).await;
    let roles: Vec<(&str, &str)> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["user_id"].as_str().unwrap(), m["role"].as_str().unwrap()))
        .collect();
    assert_eq!(
        roles,
        vec![
            (team.admin.id.as_str(), "owner"),
            (newcomer.id.as_str(), "editor")
        ]
    );
    assert_problem(
        app.send(
            "PATCH",
            "/api/v1/organisations/mesa-abierta",
            Some(json!({"city": "X"})),
            Some(&team.owner.token),
        )
        .await,
        403,
        "forbidden",
    )
    .await;
}

#[tokio::test]
async fn the_only_owner_cannot_delete_their_account() {
    let app = spawn_app().await;
    let team = team(&app).await;
    let refused = app
        .send("DELETE", "/api/v1/me", None, Some(&team.owner.token))
        .await;
    assert_problem(refused, 409, "sole_owner").await;
    let promote = format!(
        "/api/v1/organisations/mesa-abierta/members/{}",
        team.admin.id
    );
    let (status, _) = app
        .call(
            "PATCH",
            &promote,
            Some(json!({"role": "owner"})),
            Some(&team.owner.token),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        app.call("DELETE", "/api/v1/me", None, Some(&team.owner.token))
            .await
            .0,
        200
    );
    let (_, list) = app
        .get_json("/api/v1/organisations/mesa-abierta/members")
        .await;
    assert_eq!(
        list["items"].as_array().unwrap().len(),
        2,
        "the membership went with the account"
    );
}

#[tokio::test]
async fn a_demoted_admin_loses_their_powers_at_once() {
    let app = spawn_app().await;
    let team = team(&app).await;
    let demote = format!(
        "/api/v1/organisations/mesa-abierta/members/{}",
        team.admin.id
    );
    let (status, _) = app
        .call(
            "PATCH",
            &demote,
            Some(json!({"role": "editor"})),
            Some(&team.owner.token),
        )
        .await;
    assert_eq!(status, 200);
    let add = json!({"user_id": team.stranger.id, "role": "editor"});
    let (status, _) = app
        .call(
            "POST",
            "/api/v1/organisations/mesa-abierta/members",
            Some(add),
            Some(&team.admin.token),
        )
        .await;
    assert_eq!(status, 403);
}
