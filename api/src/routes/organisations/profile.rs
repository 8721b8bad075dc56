//! One organisation's profile: created, read in the reader's language, edited (a verified
//! one's identity change sends it back to review), deleted.

use actix_web::http::header;
use actix_web::web::{Data, Path};
use actix_web::{HttpResponse, delete, get, patch, post};
use ensemble_wire::Code;
use ensemble_wire::{NewOrganisation, OrganisationProfile, UpdateOrganisation};

use crate::auth::{AtLeastAdmin, Auth, OrgRole, Verified};
use crate::db::Db;
use crate::db::StoreError;
use crate::db::organisations::{self as store};
use crate::domain::organisations::{ProfileEdit, Role};
use crate::error::ApiError;
use crate::extract::{Json, Query};
use crate::routes::API_PREFIX;
use crate::routes::uploads::UploadRules;
use ensemble_wire::Lang;

async fn load_profile(db: &Db, slug: String, lang: Lang) -> Result<OrganisationProfile, ApiError> {
    db.run(move |conn| {
        let profile = store::find_profile(conn, &slug, lang.code())?
            .ok_or(StoreError::NotFound("organisation"))?;
        let totals = crate::db::donations::totals(conn, profile.row.id)?;
        Ok((profile, totals))
    })
    .await
    .map_err(ApiError::from)
    .map(|(profile, totals)| {
        let mut wire = OrganisationProfile::from(profile);
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
    responses(
        (status = 201, description = "Created; `Location` is its address", body = OrganisationProfile),
        (status = 409, description = "`upload_quota_exceeded`: its pictures would take more room than an organisation has"),
        (status = 422, description = "`validation_failed`; a logo or cover that is not an upload of yours is `no_such_upload`, a logo that is not square `not_square`"),
        crate::openapi::problems::Unverified,
    )
)]
#[post("/organisations")]
pub async fn create(
    auth: Auth<Verified>,
    db: Data<Db>,
    rules: Data<UploadRules>,
    Json(body): Json<NewOrganisation>,
) -> Result<HttpResponse, ApiError> {
    let edit = ProfileEdit::try_from(body).map_err(ApiError::Validation)?;
    let owner = auth.user_id;
    let quota = rules.quota_per_organisation;
    let slug = db
        .run(move |conn| store::create(conn, owner, &edit, quota))
        .await?;
    let profile = load_profile(&db, slug.clone(), crate::routes::pick_lang(None)?).await?;
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
    params(("slug" = String, Path, description = "The organisation's slug"), crate::routes::LangParams),
    responses(
        (status = 200, description = "The organisation, its texts in the reader's language where it wrote them in it", body = OrganisationProfile),
        crate::openapi::problems::NoSuchOrganisation,
    )
)]
#[get("/organisations/{slug}")]
pub async fn get(
    db: Data<Db>,
    slug: Path<String>,
    Query(params): Query<crate::routes::LangParams>,
) -> Result<HttpResponse, ApiError> {
    let lang = crate::routes::pick_lang(params.lang.as_deref())?;
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
        (status = 403, description = "`forbidden`: not an admin or owner of it"),
        crate::openapi::problems::NoSuchOrganisation,
        (status = 409, description = "`upload_quota_exceeded`: its pictures would take more room than an organisation has"),
        (status = 422, description = "`validation_failed`; a logo or cover that is neither an upload of yours nor its current one is `no_such_upload`, a logo that is not square `not_square`"),
    )
)]
#[patch("/organisations/{slug}")]
pub async fn update(
    member: OrgRole<AtLeastAdmin>,
    db: Data<Db>,
    rules: Data<UploadRules>,
    slug: Path<String>,
    Json(body): Json<UpdateOrganisation>,
) -> Result<HttpResponse, ApiError> {
    let edit = ProfileEdit::try_from(body).map_err(ApiError::Validation)?;
    let (id, actor) = (member.organisation_id, member.user_id);
    let quota = rules.quota_per_organisation;
    db.run(move |conn| store::update(conn, id, actor, &edit, quota))
        .await?;
    let profile = load_profile(&db, slug.into_inner(), crate::routes::pick_lang(None)?).await?;
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
        (status = 403, description = "`forbidden` (not an owner) or `session_required`"),
        crate::openapi::problems::NoSuchOrganisation,
        (status = 409, description = "`has_donations`"),
    )
)]
#[delete("/organisations/{slug}")]
pub async fn delete(owner: OrgRole<AtLeastAdmin>, db: Data<Db>) -> Result<HttpResponse, ApiError> {
    if owner.role != Role::Owner {
        return Err(ApiError::Forbidden(Code::Forbidden));
    }
    if !owner.session {
        return Err(ApiError::Forbidden(Code::SessionRequired));
    }
    let (id, actor) = (owner.organisation_id, owner.user_id);
    db.run(move |conn| store::delete(conn, id, actor)).await?;
    Ok(HttpResponse::NoContent().finish())
}
