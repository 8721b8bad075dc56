//! `/organisations`: the directory of organisations.

use actix_web::http::header;
use actix_web::web::{Data, Path};
use actix_web::{HttpResponse, delete, get, patch, post};
use chrono::{DateTime, Utc};
use ensemble_wire::{
    NewOrganisation, Organisation, OrganisationProfile, Page, Registration, Translation,
    UpdateOrganisation, VerificationStatus,
};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::{AtLeastAdmin, Auth, OrgRole, Write};
use crate::db::Db;
use crate::db::causes;
use crate::db::organisations::{self as store, Profile, ProfileChanges, ProfileLists};
use crate::db::search::{self as search_store, Card, Filters};
use crate::domain::lang::Lang;
use crate::domain::markdown;
use crate::domain::organisations::{self as rules, Role};
use crate::domain::pagination::Limit;
use crate::domain::search::{self, After, Sort};
use crate::domain::text;
use crate::domain::verification::Status;
use crate::error::ApiError;
use crate::extract::{Json, Query};
use crate::routes::API_PREFIX;

/// The orders of the directory.
#[derive(Debug, Clone, Copy, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SortParam {
    /// Best match first (the default with `q`); without `q`, the most followed.
    Relevance,
    /// The most followed first.
    Followers,
    /// The newest first (the default without `q`).
    Recent,
    /// By name, A to Z (names in other scripts by their transliteration).
    Name,
}

/// What the directory is asked for.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DirectoryParams {
    /// Words to find in names, missions and descriptions, in any language: accents and
    /// case do not matter; Chinese is found as written.
    #[param(max_length = 200, pattern = r"^[^\x00-\x1f\x7f-\x9f]*$")]
    pub q: Option<String>,
    /// A cause slug; a broad cause includes its narrower ones.
    pub cause: Option<String>,
    #[param(value_type = Option<ensemble_wire::codes::CountryCode>)]
    pub country: Option<String>,
    /// A language the organisation works in.
    #[param(value_type = Option<ensemble_wire::codes::LanguageCode>)]
    pub language: Option<String>,
    /// Only verified organisations (`true`) or only the others (`false`).
    pub verified: Option<bool>,
    #[param(inline)]
    pub sort: Option<SortParam>,
    /// The language to read missions in; overrides `Accept-Language`.
    #[param(value_type = Option<ensemble_wire::codes::Locale>)]
    pub lang: Option<String>,
    /// Items per page.
    #[param(minimum = 1, maximum = 100, default = 20)]
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page (of the same query).
    #[param(pattern = "^[A-Za-z0-9_-]{1,600}$")]
    pub cursor: Option<String>,
}

/// Find organisations: by words, cause, country, language and verification, in four
/// orders, keyset-paged.
#[utoipa::path(
    tag = "organisations",
    operation_id = "list_organisations",
    params(DirectoryParams),
    responses(
        (status = 200, description = "A page of organisations", body = Page<Organisation>),
        (status = 400, description = "A bad parameter (`invalid_cursor`, `unknown_cause`, …)", body = ensemble_wire::Problem,
         content_type = "application/problem+json"),
    )
)]
#[get("/organisations")]
pub async fn list(
    db: Data<Db>,
    Query(params): Query<DirectoryParams>,
) -> Result<HttpResponse, ApiError> {
    let mut errors = Errors::default();
    // An empty filter is no filter (what a form sends for "any").
    let given = |value: Option<String>| value.filter(|v| !v.is_empty());
    let (cause, country, language) = (
        given(params.cause),
        given(params.country),
        given(params.language),
    );
    let lang = super::pick_lang(params.lang.as_deref());
    let matching = params
        .q
        .as_deref()
        .and_then(|q| errors.keep(search::query(q)))
        .flatten();
    let sort = match params.sort {
        Some(SortParam::Relevance) | None if matching.is_some() => Sort::Relevance,
        None => Sort::Recent,
        Some(SortParam::Relevance | SortParam::Followers) => Sort::Followers,
        Some(SortParam::Recent) => Sort::Recent,
        Some(SortParam::Name) => Sort::Name,
    };
    let limit = errors.keep(Limit::parse(params.limit));
    let after = params
        .cursor
        .as_deref()
        .and_then(|c| errors.keep(After::decode(c, sort)));
    let country = country
        .as_deref()
        .and_then(|c| errors.keep(text::country("country", c)));
    let language = language
        .as_deref()
        .and_then(|l| errors.keep(rules::language("language", l)));
    let lang = match lang {
        Ok(lang) => lang,
        Err(ApiError::InvalidQuery(e)) => {
            errors.0.extend(e);
            Lang::default()
        }
        Err(other) => return Err(other),
    };
    let (Some(limit), true) = (limit, errors.0.is_empty()) else {
        return Err(ApiError::InvalidQuery(errors.0));
    };
    let verified = params.verified;
    let cards = db
        .run(move |conn| {
            let cause_ids = match cause {
                None => None,
                Some(slug) => Some(causes::with_children(conn, &slug)?.ok_or_else(|| {
                    ApiError::InvalidQuery(vec![text::field_error(
                        "cause",
                        "unknown_cause",
                        format!("{slug} is not a cause (see /causes)"),
                    )])
                })?),
            };
            let filters = Filters {
                matching,
                cause_ids,
                country,
                language,
                verified,
                ..Filters::default()
            };
            Ok(search_store::search(
                conn,
                &filters,
                sort,
                after.as_ref(),
                lang.code(),
                limit.get(),
            )?)
        })
        .await?;
    let (cards, next_cursor) = split_cards(cards, limit, sort);
    Ok(HttpResponse::Ok()
        .insert_header((header::VARY, "Accept-Language"))
        .json(Page {
            items: cards.into_iter().map(card_to_wire).collect(),
            next_cursor,
        }))
}

fn split_cards(mut cards: Vec<Card>, limit: Limit, sort: Sort) -> (Vec<Card>, Option<String>) {
    let limit = usize::try_from(limit.get()).unwrap_or(usize::MAX);
    if cards.len() > limit {
        cards.truncate(limit);
        let next = cards.last().map(|c| c.after(sort).encode());
        (cards, next)
    } else {
        (cards, None)
    }
}

pub fn card_to_wire(card: Card) -> Organisation {
    Organisation {
        id: card.id.to_string(),
        slug: card.slug,
        name: card.name,
        mission: card.shown_mission,
        language: card.shown_language,
        country: card.country,
        logo_url: card.logo_url,
        followers_count: card.followers_count,
        verification_status: wire_status(&card.verification_status),
        created_at: DateTime::<Utc>::from_naive_utc_and_offset(card.created_at, Utc),
    }
}

pub fn wire_status(stored: &str) -> VerificationStatus {
    match Status::parse(stored).unwrap_or(Status::Unverified) {
        Status::Unverified => VerificationStatus::Unverified,
        Status::Pending => VerificationStatus::Pending,
        Status::Verified => VerificationStatus::Verified,
        Status::Rejected => VerificationStatus::Rejected,
        Status::Revoked => VerificationStatus::Revoked,
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

/// Validated translations: (language, Some((mission, description))) to write, `None` to
/// remove.
fn translations(
    errors: &mut Errors,
    given: impl IntoIterator<Item = (String, Option<Translation>)>,
) -> Vec<(String, Option<(String, String)>)> {
    given
        .into_iter()
        .filter_map(|(lang, texts)| match texts {
            None => errors
                .keep(rules::language(&format!("translations.{lang}"), &lang))
                .map(|lang| (lang, None)),
            Some(t) => errors
                .keep(rules::translation(&lang, &t.mission, &t.description))
                .map(|texts| (lang, Some(texts))),
        })
        .collect()
}

fn parse_new(body: NewOrganisation) -> Result<(ProfileChanges, ProfileLists), ApiError> {
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
        text_language: match &body.language {
            Some(l) => errors.keep(rules::language("language", l)),
            None => Some(
                body.languages
                    .first()
                    .cloned()
                    .unwrap_or_else(|| "en".into()),
            ),
        },
    };
    let lists = ProfileLists {
        languages: errors.keep(rules::languages(&body.languages)),
        causes: errors.keep(rules::causes(&body.causes)),
        links: errors.keep(rules::links(&body.links)),
        translations: translations(
            &mut errors,
            body.translations.into_iter().map(|(l, t)| (l, Some(t))),
        ),
    };
    errors.finish((fields, lists))
}

fn parse_update(body: UpdateOrganisation) -> Result<(ProfileChanges, ProfileLists), ApiError> {
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
        text_language: body
            .language
            .and_then(|l| errors.keep(rules::language("language", &l))),
    };
    let lists = ProfileLists {
        languages: body
            .languages
            .and_then(|l| errors.keep(rules::languages(&l))),
        causes: body.causes.and_then(|c| errors.keep(rules::causes(&c))),
        links: body.links.and_then(|l| errors.keep(rules::links(&l))),
        translations: translations(&mut errors, body.translations.unwrap_or_default()),
    };
    errors.finish((fields, lists))
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
        language: row.text_language,
        text_languages: profile.text_languages,
        website: row.website,
        links: profile.links,
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
        verification_status: row.verification_status.into(),
        followers_count: row.followers_count,
        donation_totals: Vec::new(),
        test_donation_totals: Vec::new(),
        created_at: DateTime::<Utc>::from_naive_utc_and_offset(row.created_at, Utc),
    }
}

async fn load_profile(db: &Db, slug: String, lang: Lang) -> Result<OrganisationProfile, ApiError> {
    db.run(move |conn| {
        let profile = store::find_profile(conn, &slug, lang.code())?
            .ok_or(ApiError::NotFound("organisation"))?;
        let totals = crate::db::donations::totals(conn, profile.row.id)?;
        Ok((profile, totals))
    })
    .await
    .map(|(profile, totals)| {
        let mut wire = to_profile(profile);
        for total in totals {
            let entry = ensemble_wire::DonationTotal {
                currency: total.currency,
                amount_minor: total.amount_minor,
                count: total.payments,
            };
            if total.test {
                wire.test_donation_totals.push(entry);
            } else {
                wire.donation_totals.push(entry);
            }
        }
        wire
    })
}

/// A profile, with `Content-Language` saying which language its texts are in.
fn profile_response(
    mut response: actix_web::HttpResponseBuilder,
    profile: OrganisationProfile,
) -> HttpResponse {
    response
        .insert_header((header::CONTENT_LANGUAGE, profile.language.clone()))
        .insert_header((header::VARY, "Accept-Language"))
        .json(profile)
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
    let (fields, lists) = parse_new(body)?;
    let owner = auth.user_id;
    let slug = db
        .run(move |conn| store::create(conn, owner, fields, &lists))
        .await?;
    let profile = load_profile(&db, slug.clone(), super::pick_lang(None)?).await?;
    let mut created = HttpResponse::Created();
    created.insert_header((
        header::LOCATION,
        format!("{API_PREFIX}/organisations/{slug}"),
    ));
    Ok(profile_response(created, profile))
}

/// An organisation's page.
#[utoipa::path(
    tag = "organisations",
    operation_id = "get_organisation",
    params(("slug" = String, Path, description = "The organisation's slug"), super::LangParams),
    responses(
        (status = 200, description = "The organisation, its texts in the reader's language where it wrote them in it", body = OrganisationProfile),
        (status = 404, description = "No such organisation", body = ensemble_wire::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/organisations/{slug}")]
pub async fn get(
    db: Data<Db>,
    slug: Path<String>,
    Query(params): Query<super::LangParams>,
) -> Result<HttpResponse, ApiError> {
    let lang = super::pick_lang(params.lang.as_deref())?;
    let profile = load_profile(&db, slug.into_inner(), lang).await?;
    Ok(profile_response(HttpResponse::Ok(), profile))
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
) -> Result<HttpResponse, ApiError> {
    let (fields, lists) = parse_update(body)?;
    let (id, actor) = (member.organisation_id, member.user_id);
    db.run(move |conn| store::update(conn, id, actor, fields, &lists))
        .await?;
    let profile = load_profile(&db, slug.into_inner(), super::pick_lang(None)?).await?;
    Ok(profile_response(HttpResponse::Ok(), profile))
}

/// Delete an organisation (its owners, from a signed-in session): its team, follows,
/// updates and history go with it. One that has received gifts keeps its records for its
/// donors (409 `has_donations`): hand it over instead.
#[utoipa::path(
    tag = "organisations",
    operation_id = "delete_organisation",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "The organisation's slug")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "`forbidden` (not an owner) or `session_required`", body = ensemble_wire::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organisation", body = ensemble_wire::Problem, content_type = "application/problem+json"),
        (status = 409, description = "`has_donations`", body = ensemble_wire::Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/organisations/{slug}")]
pub async fn delete(owner: OrgRole<AtLeastAdmin>, db: Data<Db>) -> Result<HttpResponse, ApiError> {
    if owner.role != Role::Owner {
        return Err(ApiError::Forbidden("forbidden"));
    }
    if !owner.session {
        return Err(ApiError::Forbidden("session_required"));
    }
    let (id, actor) = (owner.organisation_id, owner.user_id);
    db.run(move |conn| store::delete(conn, id, actor)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// How many related organisations at most.
const RELATED_MAX: i64 = 12;

/// Organisations related to this one: the most often followed by the same people, then
/// those sharing its causes.
#[utoipa::path(
    tag = "organisations",
    operation_id = "related_organisations",
    params(("slug" = String, Path, description = "The organisation's slug"), super::LangParams),
    responses(
        (status = 200, description = "Up to 12 organisations, the most related first", body = Page<Organisation>),
        (status = 404, description = "No such organisation", body = ensemble_wire::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/organisations/{slug}/related")]
pub async fn related(
    db: Data<Db>,
    slug: Path<String>,
    Query(params): Query<super::LangParams>,
) -> Result<HttpResponse, ApiError> {
    let lang = super::pick_lang(params.lang.as_deref())?;
    let slug = slug.into_inner();
    let cards = db
        .run(move |conn| {
            let id = store::id_of(conn, &slug)?.ok_or(ApiError::NotFound("organisation"))?;
            let mut ids = search_store::co_followed(conn, id, RELATED_MAX)?;
            if ids.len() < RELATED_MAX as usize {
                for other in search_store::sharing_causes(conn, id, RELATED_MAX * 2)? {
                    if ids.len() < RELATED_MAX as usize && !ids.contains(&other) {
                        ids.push(other);
                    }
                }
            }
            let filters = Filters {
                ids: Some(ids.clone()),
                ..Filters::default()
            };
            let mut cards =
                search_store::search(conn, &filters, Sort::Recent, None, lang.code(), RELATED_MAX)?;
            cards.sort_by_key(|c| ids.iter().position(|id| *id == c.id));
            Ok(cards)
        })
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::VARY, "Accept-Language"))
        .json(Page {
            items: cards.into_iter().map(card_to_wire).collect(),
            next_cursor: None,
        }))
}
