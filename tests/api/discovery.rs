//! The directory: search in several languages and scripts, filters, sorts with keyset
//! paging, texts in the reader's language, related organisations.

use std::collections::HashSet;

use serde_json::{Value, json};

use crate::helpers::{
    Person, TestApp, assert_field_error, assert_problem, create, make_admin, person, spawn_app,
};

async fn slugs(app: &TestApp, query: &str) -> Vec<String> {
    let (status, body) = app
        .get_json(&format!("/api/v1/organisations?{query}"))
        .await;
    assert_eq!(status, 200, "{query}: {body}");
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["slug"].as_str().unwrap().to_owned())
        .collect()
}

fn q(text: &str) -> String {
    format!("q={}", urlencoding(text))
}

fn urlencoding(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Four organisations in four languages and two scripts.
async fn multilingual(app: &TestApp, owner: &Person) {
    for body in [
        json!({
            "name": "Rivières Vivantes",
            "mission": "Nettoyer les rivières avec des bénévoles.",
            "language": "fr",
            "translations": {"en": {"mission": "Cleaning rivers with local volunteers."}},
            "country": "FR", "languages": ["fr", "en"], "causes": ["oceans"]
        }),
        json!({
            "name": "Clean Water Now",
            "mission": "Drilling wells so that villages have drinking water.",
            "country": "KE", "languages": ["en", "sw"], "causes": ["clean-water"]
        }),
        json!({
            "name": "绿色希望教育中心",
            "mission": "为乡村儿童提供环境教育。",
            "language": "zh",
            "country": "CN", "languages": ["zh"], "causes": ["education"]
        }),
        json!({
            "name": "Escuelas Abiertas",
            "mission": "Construimos escuelas rurales en la sierra.",
            "language": "es",
            "country": "PE", "languages": ["es", "qu"], "causes": ["girls-education"]
        }),
    ] {
        create(app, owner, body).await;
    }
}

#[tokio::test]
async fn search_ignores_case_and_accents_stems_and_finds_chinese_substrings() {
    let app = spawn_app().await;
    let owner = person(&app, "owner@example.org").await;
    multilingual(&app, &owner).await;
    let rivers = vec!["rivieres-vivantes".to_owned()];
    let water = vec!["clean-water-now".to_owned()];
    let chinese = vec!["lu-se-xi-wang-jiao-yu-zhong-xin".to_owned()];
    let schools = vec!["escuelas-abiertas".to_owned()];
    for (query, expected) in [
        ("RIVIÈRES", &rivers),
        ("rivieres", &rivers),
        ("riviere", &rivers),
        ("Bénévole", &rivers),
        ("volunteers", &rivers),
        ("cleaning rivers", &rivers),
        ("wells", &water),
        ("well", &water),
        ("drinking", &water),
        ("escuela", &schools),
        ("教育", &chinese),
        ("环境教育", &chinese),
        ("希望", &chinese),
    ] {
        assert_eq!(&slugs(&app, &q(query)).await, expected, "q={query}");
    }
    for nothing in [
        "astronomy",
        "!!!",
        "\"AND OR NEAR(",
        "教育 astronomy",
        "%",
        "_",
    ] {
        assert!(slugs(&app, &q(nothing)).await.is_empty(), "q={nothing}");
    }
    // A blank query is no query: everything, newest first.
    assert_eq!(slugs(&app, "q=%20%20").await.len(), 4);
}

#[tokio::test]
async fn filters_cause_with_its_children_country_language_and_verification() {
    let app = spawn_app().await;
    let owner = person(&app, "owner@example.org").await;
    multilingual(&app, &owner).await;
    create(
        &app,
        &owner,
        json!({"name": "Quiet Minds", "mission": "Listening lines.", "country": "FR",
               "causes": ["mental-health"], "languages": ["fr"],
               "registration": {"registry": "FR-RNA", "number": "W123456789"}}),
    )
    .await;
    create(
        &app,
        &owner,
        json!({"name": "Open Clinics", "mission": "Free clinics.", "causes": ["health"]}),
    )
    .await;
    let set = |v: Vec<String>| v.into_iter().collect::<HashSet<_>>();
    let of = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<HashSet<_>>();
    assert_eq!(
        set(slugs(&app, "cause=health").await),
        of(&["quiet-minds", "open-clinics"])
    );
    assert_eq!(
        set(slugs(&app, "cause=mental-health").await),
        of(&["quiet-minds"])
    );
    assert_eq!(
        set(slugs(&app, "cause=education").await),
        of(&["lu-se-xi-wang-jiao-yu-zhong-xin", "escuelas-abiertas"])
    );
    assert_eq!(
        set(slugs(&app, "country=FR").await),
        of(&["quiet-minds", "rivieres-vivantes"])
    );
    assert_eq!(
        set(slugs(&app, "language=qu").await),
        of(&["escuelas-abiertas"])
    );
    assert_eq!(
        set(slugs(&app, "country=FR&language=fr&cause=health").await),
        of(&["quiet-minds"])
    );
    assert!(slugs(&app, "verified=true").await.is_empty());

    let admin = person(&app, "admin@example.org").await;
    make_admin(&app, "admin@example.org");
    let (status, body) = app
        .call(
            "POST",
            "/api/v1/organisations/quiet-minds/verification",
            Some(json!({"status": "verified"})),
            Some(&admin.token),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(slugs(&app, "verified=true").await, vec!["quiet-minds"]);
    assert_eq!(slugs(&app, "verified=false").await.len(), 5);
    assert_eq!(
        slugs(&app, &format!("verified=true&{}", q("listening"))).await,
        vec!["quiet-minds"]
    );
}

/// Pages through `query` with `limit` 2; answers every item, checking that no page
/// repeats one.
async fn every_page(app: &TestApp, query: &str) -> Vec<Value> {
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/organisations?{query}&limit=2&cursor={c}"),
            None => format!("/api/v1/organisations?{query}&limit=2"),
        };
        let (status, body) = app.get_json(&path).await;
        assert_eq!(status, 200, "{path}: {body}");
        items.extend(body["items"].as_array().unwrap().iter().cloned());
        match body["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
        assert!(items.len() < 100, "paging does not end");
    }
    let ids: HashSet<&str> = items.iter().map(|o| o["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), items.len(), "{query}: an item came twice");
    items
}

#[tokio::test]
async fn every_sort_pages_through_everything_once_in_its_order() {
    let app = spawn_app().await;
    let owner = person(&app, "owner@example.org").await;
    // Names out of order, in two scripts; water mentioned more or less often; follower
    // counts with ties.
    let specs = [
        ("Zèbre Water", "Water, water and water for all.", 2),
        ("alpha water", "Water for schools.", 0),
        ("Éclat", "Water.", 2),
        ("Béta Wells", "Wells and water.", 1),
        ("水之家 Water", "Clean water at home.", 3),
        ("Delta", "Water and sanitation, water filters.", 0),
        ("Castor", "Water is life.", 1),
    ];
    let mut fans = Vec::new();
    for i in 0..3 {
        fans.push(person(&app, &format!("fan{i}@example.org")).await);
    }
    for (name, mission, followers) in specs {
        let profile = create(&app, &owner, json!({"name": name, "mission": mission})).await;
        let slug = profile["slug"].as_str().unwrap();
        for fan in fans.iter().take(followers) {
            let (status, _) = app
                .call(
                    "PUT",
                    &format!("/api/v1/organisations/{slug}/follow"),
                    None,
                    Some(&fan.token),
                )
                .await;
            assert_eq!(status, 200);
        }
    }
    let all = every_page(&app, "sort=recent").await;
    assert_eq!(all.len(), 7);
    let created: Vec<(String, u64)> = all
        .iter()
        .map(|o| {
            (
                o["created_at"].as_str().unwrap().to_owned(),
                o["id"].as_str().unwrap().parse().unwrap(),
            )
        })
        .collect();
    assert!(created.windows(2).all(|w| w[0] > w[1]), "newest first");
    assert_eq!(every_page(&app, "").await, all, "recent is the default");

    let by_followers = every_page(&app, "sort=followers").await;
    let counts: Vec<(i64, u64)> = by_followers
        .iter()
        .map(|o| {
            (
                o["followers_count"].as_i64().unwrap(),
                o["id"].as_str().unwrap().parse().unwrap(),
            )
        })
        .collect();
    assert!(counts.windows(2).all(|w| w[0] > w[1]), "{counts:?}");
    assert_eq!(counts[0].0, 3);

    let names: Vec<String> = every_page(&app, "sort=name")
        .await
        .iter()
        .map(|o| o["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        names,
        [
            "alpha water",
            "Béta Wells",
            "Castor",
            "Delta",
            "Éclat",
            "水之家 Water",
            "Zèbre Water"
        ],
        "accents and case do not move a name; Chinese sorts by its transliteration (shui)"
    );

    let relevant = every_page(&app, "q=water&sort=relevance").await;
    assert_eq!(relevant.len(), 7);
    assert_eq!(
        every_page(&app, "q=water").await,
        relevant,
        "relevance is the default with q"
    );
    // The names that say "water" (weighted) and the most repeated come first.
    let top: HashSet<&str> = relevant[..3]
        .iter()
        .map(|o| o["slug"].as_str().unwrap())
        .collect();
    assert!(top.contains("zebre-water"), "{top:?}");
    let followed = every_page(&app, "q=water&sort=followers").await;
    assert_eq!(followed, by_followers, "every organisation says water");
    // Relevance without words is popularity.
    assert_eq!(every_page(&app, "sort=relevance").await, by_followers);
}

#[tokio::test]
async fn bad_directory_parameters_are_400_with_the_field() {
    let app = spawn_app().await;
    let owner = person(&app, "owner@example.org").await;
    for i in 0..3 {
        create(
            &app,
            &owner,
            json!({"name": format!("Org {i}"), "mission": "Testing."}),
        )
        .await;
    }
    let (_, page) = app
        .get_json("/api/v1/organisations?sort=name&limit=1")
        .await;
    let name_cursor = page["next_cursor"].as_str().unwrap().to_owned();
    for (query, field, code) in [
        ("sort=best".to_owned(), "sort", "invalid_value"),
        (
            format!("sort=recent&cursor={name_cursor}"),
            "cursor",
            "invalid_cursor",
        ),
        ("cause=not-a-cause".to_owned(), "cause", "unknown_cause"),
        ("country=XX".to_owned(), "country", "unknown_country"),
        ("language=xx".to_owned(), "language", "unknown_language"),
        (format!("q={}", "a".repeat(201)), "q", "too_long"),
        ("q=a%07b".to_owned(), "q", "control_characters"),
        ("verified=maybe".to_owned(), "verified", "invalid_value"),
        ("limit=101".to_owned(), "limit", "out_of_range"),
    ] {
        let response = app.get(&format!("/api/v1/organisations?{query}")).await;
        let body = assert_problem(response, 400, "invalid_query").await;
        let errors = body["errors"].as_array().unwrap();
        assert!(
            errors
                .iter()
                .any(|e| e["field"] == field && (e["code"] == code || code == "invalid_value")),
            "{query}: {body}"
        );
    }
    let (status, page) = app
        .get_json(&format!(
            "/api/v1/organisations?sort=name&limit=1&cursor={name_cursor}"
        ))
        .await;
    assert_eq!(status, 200);
    assert_eq!(page["items"][0]["name"], "Org 1");
}

#[tokio::test]
async fn texts_come_in_the_readers_language_with_a_fallback_and_stay_searchable() {
    let app = spawn_app().await;
    let owner = person(&app, "owner@example.org").await;
    create(
        &app,
        &owner,
        json!({
            "name": "Les Ruches Partagées",
            "mission": "Des ruches dans les écoles.",
            "description": "Nos *abeilles*.",
            "language": "fr",
            "translations": {"en": {"mission": "Beehives in schools.", "description": "Our *bees*."}},
            "links": ["https://social.example/@ruches", "http://video.example/ruches"]
        }),
    )
    .await;
    let path = "/api/v1/organisations/les-ruches-partagees";
    let read = |lang: &'static str| {
        let app = &app;
        async move {
            let response = app
                .client
                .get(app.url(path))
                .header("Accept-Language", lang)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 200);
            let served = response.headers()["content-language"]
                .to_str()
                .unwrap()
                .to_owned();
            let body: Value = response.json().await.unwrap();
            assert_eq!(body["language"], served.as_str());
            body
        }
    };
    let english = read("en-GB, fr;q=0.5").await;
    assert_eq!(english["mission"], "Beehives in schools.");
    assert_eq!(english["description_html"], "<p>Our <em>bees</em>.</p>\n");
    assert_eq!(english["text_languages"], json!(["fr", "en"]));
    assert_eq!(
        english["links"],
        json!([
            "https://social.example/@ruches",
            "http://video.example/ruches"
        ])
    );
    let spanish = read("es").await;
    assert_eq!(spanish["language"], "fr", "no Spanish: the main language");
    assert_eq!(spanish["mission"], "Des ruches dans les écoles.");
    let (_, forced) = app.get_json(&format!("{path}?lang=fr")).await;
    assert_eq!(forced["mission"], "Des ruches dans les écoles.");
    let (_, card) = app.get_json("/api/v1/organisations?lang=en").await;
    assert_eq!(card["items"][0]["mission"], "Beehives in schools.");
    assert_eq!(card["items"][0]["language"], "en");

    // Translations are added, replaced and removed; search follows.
    assert_eq!(slugs(&app, &q("beehives")).await.len(), 1);
    let (status, body) = app
        .call(
            "PATCH",
            path,
            Some(json!({"translations": {
                "en": null,
                "es": {"mission": "Colmenas en las escuelas."}
            }})),
            Some(&owner.token),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["text_languages"], json!(["fr", "es"]));
    assert!(slugs(&app, &q("beehives")).await.is_empty());
    assert_eq!(slugs(&app, &q("colmenas")).await.len(), 1);
    assert_eq!(slugs(&app, &q("ruches")).await.len(), 1);

    // A translation in the main language, or a main language a translation has: refused,
    // and nothing of the request is kept.
    let response = app
        .send(
            "PATCH",
            path,
            Some(json!({"name": "Renamed", "translations": {"fr": {"mission": "Autre."}}})),
            Some(&owner.token),
        )
        .await;
    assert_field_error(response, 422, "translations.fr", "main_language").await;
    let response = app
        .send(
            "PATCH",
            path,
            Some(json!({"language": "es"})),
            Some(&owner.token),
        )
        .await;
    assert_field_error(response, 422, "translations.es", "main_language").await;
    let (_, unchanged) = app.get_json(&format!("{path}?lang=fr")).await;
    assert_eq!(unchanged["name"], "Les Ruches Partagées");
    assert_eq!(unchanged["text_languages"], json!(["fr", "es"]));

    for (body, field, code) in [
        (
            json!({"translations": {"xx": {"mission": "A."}}}),
            "translations.xx",
            "unknown_language",
        ),
        (
            json!({"translations": {"en": {"mission": ""}}}),
            "translations.en.mission",
            "required",
        ),
        (
            json!({"translations": {"en": {"mission": "A\u{7}"}}}),
            "translations.en.mission",
            "control_characters",
        ),
        (
            json!({"language": "klingon"}),
            "language",
            "unknown_language",
        ),
        (
            json!({"links": ["javascript:alert(1)"]}),
            "links[0]",
            "invalid_scheme",
        ),
        (
            json!({"links": ["https://a.example", "https://b.example", "https://c.example",
                          "https://d.example", "https://e.example", "https://f.example"]}),
            "links",
            "too_many",
        ),
    ] {
        let response = app
            .send("PATCH", path, Some(body.clone()), Some(&owner.token))
            .await;
        assert_field_error(response, 422, field, code).await;
    }
}

#[tokio::test]
async fn related_organisations_are_the_co_followed_then_those_sharing_causes() {
    let app = spawn_app().await;
    let owner = person(&app, "owner@example.org").await;
    for (name, causes) in [
        ("Hub", json!(["oceans"])),
        ("Often Together", json!(["housing"])),
        ("Sometimes Together", json!(["literacy"])),
        ("Same Cause", json!(["oceans"])),
        ("Unrelated", json!(["pet-rescue"])),
    ] {
        create(
            &app,
            &owner,
            json!({"name": name, "mission": "Testing.", "causes": causes}),
        )
        .await;
    }
    let follow = |who: &Person, slug: &str| {
        let (app, token, path) = (
            &app,
            who.token.clone(),
            format!("/api/v1/organisations/{slug}/follow"),
        );
        async move {
            let (status, _) = app.call("PUT", &path, None, Some(&token)).await;
            assert_eq!(status, 200);
        }
    };
    let a = person(&app, "a@example.org").await;
    let b = person(&app, "b@example.org").await;
    for who in [&a, &b] {
        follow(who, "hub").await;
        follow(who, "often-together").await;
    }
    follow(&a, "sometimes-together").await;
    follow(&b, "unrelated").await;
    follow(&b, "unrelated").await;
    let (status, body) = app.get_json("/api/v1/organisations/hub/related").await;
    assert_eq!(status, 200);
    let related: Vec<&str> = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["slug"].as_str().unwrap())
        .collect();
    assert_eq!(
        related,
        [
            "often-together",
            "sometimes-together",
            "unrelated",
            "same-cause"
        ]
    );
    let (status, body) = app
        .get_json("/api/v1/organisations/same-cause/related")
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        body["items"][0]["slug"], "hub",
        "shared cause, nobody follows it"
    );
    let (status, _) = app.get_json("/api/v1/organisations/nobody/related").await;
    assert_eq!(status, 404);
}
