//! `/organisations`: the directory of organisations.

use actix_web::http::header;
use actix_web::web::{self, Data, Path};
use actix_web::{HttpResponse, delete, get, patch, post};
use chrono::{DateTime, Utc};
use ensemble_wire::{
    Member, MemberRole, NewMember, NewOrganisation, Organisation, OrganisationProfile, Page,
    Registration, Role as WireRole, UpdateOrganisation,
};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::{AtLeastAdmin, AtLeastEditor, Auth, OrgRole, Write};
use crate::db::Db;
use crate::db::organisations::{self as store, OrganisationRow, Profile, ProfileChanges};
use crate::domain::markdown;
use crate::domain::organisations::{self as rules, Role};
use crate::domain::pagination::{KeysetAfter, Limit, split_page};
use crate::domain::text;
use crate::error::ApiError;
use crate::extract::{Json, Query};
use crate::routes::API_PREFIX;

/// Paging parameters shared by lists.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Items per page.
    #[param(minimum = 1, maximum = 100, default = 20)]
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    #[param(pattern = "^[A-Za-z0-9_-]{1,200}$")]
    pub cursor: Option<String>,
}

/// List organisations, newest first.
#[utoipa::path(
    tag = "organisations",
    operation_id = "list_organisations",
    params(PageParams),
    responses(
        (status = 200, description = "A page of organisations", body = Page<Organisation>),
        (status = 400, description = "Bad `limit` or `cursor`", body = ensemble_wire::Problem,
         content_type = "application/problem+json"),
    )
)]
#[get("/organisations")]
pub async fn list(
    db: Data<Db>,
    Query(params): Query<PageParams>,
) -> Result<web::Json<Page<Organisation>>, ApiError> {
    let limit = Limit::parse(params.limit);
    let after = KeysetAfter::decode_opt(params.cursor.as_deref());
    let (limit, after) = match (limit, after) {
        (Ok(limit), Ok(after)) => (limit, after),
        (limit, after) => {
            let errors = [limit.err(), after.err()].into_iter().flatten().collect();
            return Err(ApiError::InvalidQuery(errors));
        }
    };
    let rows = db
        .run(move |conn| Ok(store::list_recent(conn, after, limit.get())?))
        .await?;
    let (rows, next_cursor) = split_page(rows, limit, |row| KeysetAfter {
        created_at: row.created_at,
        id: row.id,
    });
    Ok(web::Json(Page {
        items: rows.into_iter().map(to_wire).collect(),
        next_cursor,
    }))
}

pub fn to_wire(row: OrganisationRow) -> Organisation {
    Organisation {
        id: row.id.to_string(),
        slug: row.slug,
        name: row.name,
        mission: row.mission,
        country: row.country,
        created_at: DateTime::<Utc>::from_naive_utc_and_offset(row.created_at, Utc),
    }
}

/// Gathers the field errors of a whole request, to answer them all at once.
#[derive(Default)]
struct Errors(Vec<ensemble_wire::FieldError>);

impl Errors {
    fn keep<T>(&mut self, result: Result<T, ensemble_wire::FieldError>) -> Option<T> {
        result.map_err(|e| self.0.push(e)).ok()
    }

    fn finish<T>(self, value: T) -> Result<T, ApiError> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(ApiError::Validation(self.0))
        }
    }
}

fn this_year() -> i32 {
    use chrono::Datelike;
    Utc::now().year()
}

fn registration(errors: &mut Errors, value: Registration) -> Option<(String, String)> {
    let registry = errors.keep(rules::registry(&value.registry));
    let number = errors.keep(rules::registration_number(&value.number));
    registry.zip(number)
}

fn parse_new(
    body: NewOrganisation,
) -> Result<(ProfileChanges, Vec<String>, Vec<String>), ApiError> {
    let mut errors = Errors::default();
    let (registry, number) = match body.registration.map(|r| registration(&mut errors, r)) {
        Some(Some((registry, number))) => (Some(Some(registry)), Some(Some(number))),
        _ => (None, None),
    };
    let fields = ProfileChanges {
        name: errors.keep(rules::name(&body.name)),
        mission: errors.keep(rules::mission(&body.mission)),
        description: errors.keep(rules::description(&body.description)),
        website: body
            .website
            .map(|url| errors.keep(text::http_url("website", &url))),
        logo_url: body
            .logo_url
            .map(|url| errors.keep(text::https_url("logo_url", &url))),
        country: body
            .country
            .map(|c| errors.keep(text::country("country", &c))),
        city: body.city.map(|c| errors.keep(rules::city(&c))),
        founded_year: body
            .founded_year
            .map(|y| errors.keep(rules::founded_year(y, this_year()))),
        registry,
        registration_number: number,
    };
    let languages = errors
        .keep(rules::languages(&body.languages))
        .unwrap_or_default();
    let causes = errors.keep(rules::causes(&body.causes)).unwrap_or_default();
    errors.finish((fields, languages, causes))
}

type Lists = (Option<Vec<String>>, Option<Vec<String>>);

fn parse_update(body: UpdateOrganisation) -> Result<(ProfileChanges, Lists), ApiError> {
    let mut errors = Errors::default();
    let (registry, number) = match body.registration {
        Some(Some(value)) => match registration(&mut errors, value) {
            Some((registry, number)) => (Some(Some(registry)), Some(Some(number))),
            None => (None, None),
        },
        Some(None) => (Some(None), Some(None)),
        None => (None, None),
    };
    let fields = ProfileChanges {
        name: body.name.and_then(|v| errors.keep(rules::name(&v))),
        mission: body.mission.and_then(|v| errors.keep(rules::mission(&v))),
        description: body
            .description
            .and_then(|v| errors.keep(rules::description(&v))),
        website: body
            .website
            .map(|v| v.and_then(|url| errors.keep(text::http_url("website", &url)))),
        logo_url: body
            .logo_url
            .map(|v| v.and_then(|url| errors.keep(text::https_url("logo_url", &url)))),
        country: body
            .country
            .map(|v| v.and_then(|c| errors.keep(text::country("country", &c)))),
        city: body
            .city
            .map(|v| v.and_then(|c| errors.keep(rules::city(&c)))),
        founded_year: body
            .founded_year
            .map(|v| v.and_then(|y| errors.keep(rules::founded_year(y, this_year())))),
        registry,
        registration_number: number,
    };
    let languages = body
        .languages
        .and_then(|l| errors.keep(rules::languages(&l)));
    let causes = body.causes.and_then(|c| errors.keep(rules::causes(&c)));
    errors.finish((fields, (languages, causes)))
}

fn to_profile(profile: Profile) -> OrganisationProfile {
    let row = profile.row;
    OrganisationProfile {
        id: row.id.to_string(),
        slug: row.slug,
        description_html: markdown::to_safe_html(&row.description),
        name: row.name,
        mission: row.mission,
        description: row.description,
        website: row.website,
        logo_url: row.logo_url,
        country: row.country,
        city: row.city,
        founded_year: row.founded_year,
        languages: profile.languages,
        causes: profile.causes,
        registration: row
            .registry
            .zip(row.registration_number)
            .map(|(registry, number)| Registration { registry, number }),
        followers_count: row.followers_count,
        created_at: DateTime::<Utc>::from_naive_utc_and_offset(row.created_at, Utc),
    }
}

async fn load_profile(db: &Db, slug: String) -> Result<OrganisationProfile, ApiError> {
    db.run(move |conn| store::find_profile(conn, &slug)?.ok_or(ApiError::NotFound("organisation")))
        .await
        .map(to_profile)
}

/// Create an organisation: you become its owner.
#[utoipa::path(
    tag = "organisations",
    operation_id = "create_organisation",
    security(("bearer" = [])),
    request_body = NewOrganisation,
    responses((status = 201, description = "Created; `Location` is its address", body = OrganisationProfile))
)]
#[post("/organisations")]
pub async fn create(
    auth: Auth<Write>,
    db: Data<Db>,
    Json(body): Json<NewOrganisation>,
) -> Result<HttpResponse, ApiError> {
    let (fields, languages, causes) = parse_new(body)?;
    let owner = auth.user_id;
    let slug = db
        .run(move |conn| store::create(conn, owner, fields, &languages, &causes))
        .await?;
    let profile = load_profile(&db, slug.clone()).await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("{API_PREFIX}/organisations/{slug}"),
        ))
        .json(profile))
}

/// An organisation's page.
#[utoipa::path(
    tag = "organisations",
    operation_id = "get_organisation",
    params(("slug" = String, Path, description = "The organisation's slug")),
    responses(
        (status = 200, description = "The organisation", body = OrganisationProfile),
        (status = 404, description = "No such organisation", body = ensemble_wire::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/organisations/{slug}")]
pub async fn get(
    db: Data<Db>,
    slug: Path<String>,
) -> Result<web::Json<OrganisationProfile>, ApiError> {
    Ok(web::Json(load_profile(&db, slug.into_inner()).await?))
}

/// Edit an organisation's profile (its admins and owners).
#[utoipa::path(
    tag = "organisations",
    operation_id = "update_organisation",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "The organisation's slug")),
    request_body = UpdateOrganisation,
    responses(
        (status = 200, description = "The updated organisation", body = OrganisationProfile),
        (status = 403, description = "`forbidden`: not an admin or owner of it", body = ensemble_wire::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organisation", body = ensemble_wire::Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/organisations/{slug}")]
pub async fn update(
    member: OrgRole<AtLeastAdmin>,
    db: Data<Db>,
    slug: Path<String>,
    Json(body): Json<UpdateOrganisation>,
) -> Result<web::Json<OrganisationProfile>, ApiError> {
    let (fields, (languages, causes)) = parse_update(body)?;
    let id = member.organisation_id;
    db.run(move |conn| store::update(conn, id, fields, languages, causes))
        .await?;
    Ok(web::Json(load_profile(&db, slug.into_inner()).await?))
}

fn to_member((user_id, display_name, role, since): store::MemberRow) -> Member {
    Member {
        user_id: user_id.to_string(),
        display_name,
        role: wire_role(role),
        since: DateTime::<Utc>::from_naive_utc_and_offset(since, Utc),
    }
}

fn wire_role(role: Role) -> WireRole {
    match role {
        Role::Owner => WireRole::Owner,
        Role::Admin => WireRole::Admin,
        Role::Editor => WireRole::Editor,
    }
}

fn domain_role(role: WireRole) -> Role {
    match role {
        WireRole::Owner => Role::Owner,
        WireRole::Admin => Role::Admin,
        WireRole::Editor => Role::Editor,
    }
}

/// The team, in the order people joined. Public: supporters see who runs an organisation.
#[utoipa::path(
    tag = "organisations",
    operation_id = "list_members",
    params(("slug" = String, Path, description = "The organisation's slug")),
    responses(
        (status = 200, description = "The team (one page holds it all)", body = Page<Member>),
        (status = 404, description = "No such organisation", body = ensemble_wire::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/organisations/{slug}/members")]
pub async fn list_members(
    db: Data<Db>,
    slug: Path<String>,
) -> Result<web::Json<Page<Member>>, ApiError> {
    let slug = slug.into_inner();
    let members = db
        .run(move |conn| {
            let profile =
                store::find_profile(conn, &slug)?.ok_or(ApiError::NotFound("organisation"))?;
            Ok(store::members(conn, profile.row.id)?)
        })
        .await?;
    Ok(web::Json(Page {
        items: members.into_iter().map(to_member).collect(),
        next_cursor: None,
    }))
}

fn user_id(field: &str, value: &str) -> Result<i64, ApiError> {
    value.parse().map_err(|_| {
        ApiError::Validation(vec![text::field_error(
            field,
            "unknown_user",
            "no user has this id",
        )])
    })
}

async fn member(db: &Db, organisation_id: i64, user_id: i64) -> Result<Member, ApiError> {
    db.run(move |conn| {
        store::members(conn, organisation_id)?
            .into_iter()
            .find(|m| m.0 == user_id)
            .ok_or(ApiError::NotFound("member"))
    })
    .await
    .map(to_member)
}

/// Add someone to the team: admins add editors; owners add anyone.
#[utoipa::path(
    tag = "organisations",
    operation_id = "add_member",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "The organisation's slug")),
    request_body = NewMember,
    responses(
        (status = 201, description = "Added", body = Member),
        (status = 403, description = "`forbidden`: that role is not yours to give", body = ensemble_wire::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organisation", body = ensemble_wire::Problem, content_type = "application/problem+json"),
        (status = 409, description = "`already_member`", body = ensemble_wire::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/organisations/{slug}/members")]
pub async fn add_member(
    actor: OrgRole<AtLeastAdmin>,
    db: Data<Db>,
    Json(body): Json<NewMember>,
) -> Result<HttpResponse, ApiError> {
    let role = domain_role(body.role);
    let user = user_id("user_id", &body.user_id)?;
    let (organisation, actor_id) = (actor.organisation_id, actor.user_id);
    db.run(move |conn| store::add_member(conn, organisation, actor_id, user, role))
        .await?;
    Ok(HttpResponse::Created().json(member(&db, organisation, user).await?))
}

/// Change a member's role, within what your role may manage. The last owner stays owner.
#[utoipa::path(
    tag = "organisations",
    operation_id = "change_member_role",
    security(("bearer" = [])),
    params(
        ("slug" = String, Path, description = "The organisation's slug"),
        ("user_id" = String, Path, description = "The member's user id"),
    ),
    request_body = MemberRole,
    responses(
        (status = 200, description = "Changed", body = Member),
        (status = 403, description = "`forbidden`", body = ensemble_wire::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organisation or member", body = ensemble_wire::Problem, content_type = "application/problem+json"),
        (status = 409, description = "`last_owner`", body = ensemble_wire::Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/organisations/{slug}/members/{user_id}")]
pub async fn change_member_role(
    actor: OrgRole<AtLeastAdmin>,
    db: Data<Db>,
    path: Path<(String, String)>,
    Json(body): Json<MemberRole>,
) -> Result<web::Json<Member>, ApiError> {
    let user = path
        .1
        .parse::<i64>()
        .map_err(|_| ApiError::NotFound("member"))?;
    let (organisation, actor_id, role) =
        (actor.organisation_id, actor.user_id, domain_role(body.role));
    db.run(move |conn| store::change_role(conn, organisation, actor_id, user, role))
        .await?;
    Ok(web::Json(member(&db, organisation, user).await?))
}

/// Remove a member (or leave the team yourself). The last owner cannot leave.
#[utoipa::path(
    tag = "organisations",
    operation_id = "remove_member",
    security(("bearer" = [])),
    params(
        ("slug" = String, Path, description = "The organisation's slug"),
        ("user_id" = String, Path, description = "The member's user id"),
    ),
    responses(
        (status = 204, description = "Removed"),
        (status = 403, description = "`forbidden`", body = ensemble_wire::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organisation or member", body = ensemble_wire::Problem, content_type = "application/problem+json"),
        (status = 409, description = "`last_owner`", body = ensemble_wire::Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/organisations/{slug}/members/{user_id}")]
pub async fn remove_member(
    actor: OrgRole<AtLeastEditor>,
    db: Data<Db>,
    path: Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let user = path
        .1
        .parse::<i64>()
        .map_err(|_| ApiError::NotFound("member"))?;
    let (organisation, actor_id) = (actor.organisation_id, actor.user_id);
    db.run(move |conn| store::remove_member(conn, organisation, actor_id, user))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
