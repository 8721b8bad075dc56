//! Demo data: fictitious people and organisations (`api/data/demo.json`), so that a fresh
//! installation shows a living directory. Loaded by `ensemble seed demo`, or at start with
//! `ENSEMBLE_DEMO=1`, and only into a database without organisations. Every record goes
//! through the same rules as the API's input.

use std::collections::HashMap;

use anyhow::{Context, anyhow};
use diesel::prelude::*;
use serde::Deserialize;

use super::organisations;
use super::schema::organisations as organisations_table;
use super::users::{self, NewUser};
use super::verification;
use super::{DbConnection, now};
use super::{follows, updates};
use crate::domain::organisations::{self as rules, Role};
use crate::domain::organisations::{ProfileChanges, ProfileEdit, ProfileLists};
use crate::domain::text;
use crate::domain::updates as updates_rules;
use crate::domain::verification::Decision;
use crate::domain::verification::{Authority, Status};

const DEMO: &str = include_str!("../../data/demo.json");

#[derive(Deserialize)]
struct Demo {
    people: Vec<Person>,
    organisations: Vec<Organisation>,
}

#[derive(Deserialize)]
struct Person {
    key: String,
    display_name: String,
    email: String,
    locale: String,
    country: Option<String>,
}

#[derive(Deserialize)]
struct Texts {
    mission: String,
    description: String,
}

#[derive(Deserialize)]
struct Member {
    person: String,
    role: String,
}

#[derive(Deserialize)]
struct Registration {
    registry: String,
    number: String,
}

#[derive(Deserialize)]
struct Organisation {
    name: String,
    country: Option<String>,
    city: Option<String>,
    founded: Option<i32>,
    #[serde(default)]
    languages: Vec<String>,
    #[serde(default)]
    causes: Vec<String>,
    website: Option<String>,
    registration: Option<Registration>,
    /// By language; the first is the organisation's main language.
    texts: serde_json::Map<String, serde_json::Value>,
    team: Vec<Member>,
    #[serde(default)]
    links: Vec<String>,
    #[serde(default)]
    followers: Vec<String>,
    #[serde(default)]
    updates: Vec<DemoUpdate>,
    #[serde(default)]
    verified: bool,
}

#[derive(Deserialize)]
struct DemoUpdate {
    days_ago: i64,
    title: String,
    body: String,
}

/// Loads the demo data unless the database already has organisations; answers how many
/// organisations were loaded.
pub fn load_if_empty(conn: &mut DbConnection) -> anyhow::Result<usize> {
    let existing: i64 = organisations_table::table.count().get_result(conn)?;
    if existing > 0 {
        return Ok(0);
    }
    let demo: Demo = serde_json::from_str(DEMO).context("api/data/demo.json")?;
    let mut people = HashMap::new();
    let at = now();
    for person in &demo.people {
        let email = crate::domain::users::Email::parse(&person.email)
            .map_err(|e| anyhow!("{}: {}", person.key, e.message))?;
        let name = crate::domain::users::display_name(&person.display_name)
            .map_err(|e| anyhow!("{}: {}", person.key, e.message))?;
        let locale = text::locale("locale", &person.locale)
            .map_err(|e| anyhow!("{}: {}", person.key, e.message))?;
        let id = users::insert(
            conn,
            &NewUser {
                email: &email.address,
                email_key: &email.key,
                email_verified: true,
                password_hash: None,
                display_name: &name,
                locale: locale.code(),
                created_at: at,
                updated_at: at,
            },
        )
        .map_err(|e| anyhow!("{}: {e}", person.key))?;
        if let Some(country) = &person.country {
            let country = text::country("country", country)
                .map_err(|e| anyhow!("{}: {}", person.key, e.message))?;
            diesel::update(super::schema::users::table.find(id))
                .set(super::schema::users::country.eq(country))
                .execute(conn)?;
        }
        people.insert(person.key.clone(), id);
    }
    let mut slugs = Vec::with_capacity(demo.organisations.len());
    for organisation in &demo.organisations {
        slugs.push(
            load_organisation(conn, organisation, &people)
                .with_context(|| organisation.name.clone())?,
        );
    }
    // Their pictures are drawn in the background (a few seconds of work).
    super::jobs::enqueue_once(
        conn,
        &crate::domain::jobs::Job::DemoPictures {
            organisations: slugs,
        },
        "demo-pictures",
    )?;
    Ok(demo.organisations.len())
}

fn field(result: Result<String, ensemble_wire::FieldError>) -> anyhow::Result<String> {
    result.map_err(|e| anyhow!("{}: {}", e.field, e.message))
}

fn load_organisation(
    conn: &mut DbConnection,
    o: &Organisation,
    people: &HashMap<String, i64>,
) -> anyhow::Result<String> {
    let mut texts = o.texts.iter();
    let (main_language, main) = texts.next().ok_or_else(|| anyhow!("no texts"))?;
    let main: Texts = serde_json::from_value(main.clone())?;
    let translations = texts
        .map(|(lang, value)| {
            let t: Texts = serde_json::from_value(value.clone())?;
            let texts = rules::translation(lang, &t.mission, &t.description)
                .map_err(|e| anyhow!("{}: {}", e.field, e.message))?;
            Ok::<_, anyhow::Error>((lang.clone(), Some(texts)))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let this_year = {
        use chrono::Datelike;
        chrono::Utc::now().year()
    };
    let fields = ProfileChanges {
        name: Some(field(rules::name(&o.name))?),
        mission: Some(field(rules::mission(&main.mission))?),
        description: Some(field(rules::description(&main.description))?),
        website: Some(
            o.website
                .as_deref()
                .map(|w| field(text::http_url("website", w)))
                .transpose()?,
        ),
        country: Some(
            o.country
                .as_deref()
                .map(|c| field(text::country("country", c)))
                .transpose()?,
        ),
        city: Some(
            o.city
                .as_deref()
                .map(|c| field(rules::city(c)))
                .transpose()?,
        ),
        founded_year: Some(
            o.founded
                .map(|y| rules::founded_year(y, this_year).map_err(|e| anyhow!(e.message)))
                .transpose()?,
        ),
        registry: Some(
            o.registration
                .as_ref()
                .map(|r| field(rules::registry(&r.registry)))
                .transpose()?,
        ),
        registration_number: Some(
            o.registration
                .as_ref()
                .map(|r| field(rules::registration_number(&r.number)))
                .transpose()?,
        ),
        text_language: Some(field(rules::language("language", main_language))?),
    };
    let lists = ProfileLists {
        languages: Some(rules::languages(&o.languages).map_err(|e| anyhow!(e.message))?),
        causes: Some(rules::causes(&o.causes).map_err(|e| anyhow!(e.message))?),
        links: Some(rules::links(&o.links).map_err(|e| anyhow!(e.message))?),
        translations,
    };
    let mut team = o.team.iter().map(|m| {
        let user = people
            .get(&m.person)
            .copied()
            .ok_or_else(|| anyhow!("unknown person {}", m.person))?;
        let role = Role::parse(&m.role).ok_or_else(|| anyhow!("unknown role {}", m.role))?;
        Ok::<_, anyhow::Error>((user, role))
    });
    let (owner, role) = team.next().ok_or_else(|| anyhow!("no team"))??;
    if role != Role::Owner {
        anyhow::bail!("the first member must be an owner");
    }
    let slug = organisations::create(
        conn,
        owner,
        &ProfileEdit {
            fields,
            lists,
            pictures: Default::default(),
        },
        i64::MAX,
    )
    .map_err(|e| anyhow!("{e}"))?;
    let organisation_id =
        organisations::id_of(conn, &slug)?.ok_or_else(|| anyhow!("created but not found"))?;
    // The demo's teams join as everyone does: invited by the owner, and accepting.
    for member in team {
        let (user, role) = member?;
        let invited = crate::domain::organisations::Invited::User(user);
        let invitation = super::teams::invite(conn, organisation_id, owner, &invited, role)
            .map_err(|e| anyhow!("{e}"))?;
        super::teams::answer(
            conn,
            super::teams::Answerer::Invitee(user),
            &invitation,
            true,
        )
        .map_err(|e| anyhow!("{e}"))?;
    }
    for key in &o.followers {
        let user = people
            .get(key)
            .copied()
            .ok_or_else(|| anyhow!("unknown follower {key}"))?;
        follows::follow(conn, user, organisation_id).map_err(|e| anyhow!("{e}"))?;
    }
    for (i, update) in (0..).zip(&o.updates) {
        let post = updates_rules::Post {
            title: updates_rules::title(&update.title).map_err(|e| anyhow!(e.message))?,
            body: updates_rules::body(&update.body).map_err(|e| anyhow!(e.message))?,
            language: None,
            photos: Vec::new(),
            link_url: None,
        };
        let at =
            now() - chrono::Duration::days(update.days_ago) - chrono::Duration::minutes(37 * i);
        updates::create(conn, organisation_id, owner, post, Some(at))
            .map_err(|e| anyhow!("{e}"))?;
    }
    if o.verified {
        let decision = Decision {
            status: Status::Verified,
            registration: None,
            name: None,
            note: "Registration checked against the public register (demo data).".into(),
        };
        verification::decide(conn, organisation_id, None, Authority::Platform, decision)
            .map_err(|e| anyhow!("{e}"))?;
    }
    Ok(slug)
}

/// What a demo organisation needs to be given pictures: its id, its owner (who "uploads"
/// them), whether it has a logo already (drawn by an earlier run), and its updates (id,
/// language), newest first.
pub struct PictureTarget {
    pub organisation_id: i64,
    pub owner: i64,
    pub has_logo: bool,
    pub updates: Vec<(i64, String)>,
}

pub fn picture_target(
    conn: &mut DbConnection,
    slug: &str,
) -> Result<Option<PictureTarget>, super::StoreError> {
    use super::schema::{organisation_members, updates as updates_table};
    let Some((organisation_id, logo)) = organisations_table::table
        .filter(organisations_table::slug.eq(slug))
        .select((organisations_table::id, organisations_table::logo))
        .first::<(i64, Option<String>)>(conn)
        .optional()?
    else {
        return Ok(None);
    };
    let owner: Option<i64> = organisation_members::table
        .filter(organisation_members::organisation_id.eq(organisation_id))
        .filter(organisation_members::role.eq(Role::Owner))
        .select(organisation_members::user_id)
        .order(organisation_members::created_at.asc())
        .first(conn)
        .optional()?;
    let Some(owner) = owner else { return Ok(None) };
    let updates = updates_table::table
        .filter(updates_table::organisation_id.eq(organisation_id))
        .order((updates_table::created_at.desc(), updates_table::id.desc()))
        .select((updates_table::id, updates_table::language))
        .load(conn)?;
    Ok(Some(PictureTarget {
        organisation_id,
        owner,
        has_logo: logo.is_some(),
        updates,
    }))
}

/// Shows drawn pictures (uploads recorded already) as an organisation's logo and cover and
/// as its updates' photos, in one transaction.
pub fn show_pictures(
    conn: &mut DbConnection,
    organisation_id: i64,
    logo: &crate::media::StoredPicture,
    cover: &crate::media::StoredPicture,
    photos: &[(i64, crate::media::StoredPhoto)],
) -> Result<(), super::StoreError> {
    use super::schema::updates as updates_table;
    use super::uploads::{Purpose, Subject, set_uses};
    super::write_transaction(conn, |conn| {
        diesel::update(organisations_table::table.find(organisation_id))
            .set((
                organisations_table::logo.eq(logo.to_json()),
                organisations_table::cover.eq(cover.to_json()),
            ))
            .execute(conn)?;
        let subject = Subject::Organisation(organisation_id);
        set_uses(
            conn,
            subject,
            &[Purpose::Logo],
            &[(logo.id.clone(), Purpose::Logo)],
        )?;
        set_uses(
            conn,
            subject,
            &[Purpose::Cover],
            &[(cover.id.clone(), Purpose::Cover)],
        )?;
        for (update, photo) in photos {
            diesel::update(updates_table::table.find(update))
                .set(
                    updates_table::photos
                        .eq(crate::media::photos_json(std::slice::from_ref(photo))),
                )
                .execute(conn)?;
            set_uses(
                conn,
                Subject::Update {
                    organisation: organisation_id,
                    update: *update,
                },
                &[Purpose::Photo],
                &[(photo.p.id.clone(), Purpose::Photo)],
            )?;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_demo_file_parses() {
        let demo: super::Demo = serde_json::from_str(super::DEMO).unwrap();
        assert_eq!(demo.organisations.len(), 60);
        assert!(demo.people.len() >= 20);
    }
}
