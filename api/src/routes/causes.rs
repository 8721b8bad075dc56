//! `/causes`: the taxonomy, in the reader's language, and following causes.

use actix_web::http::header;
use actix_web::web::{Data, Path};
use actix_web::{HttpResponse, delete, get, put};
use ensemble_wire::{Cause, Page};

use crate::auth::{Auth, Write};
use crate::db::Db;
use crate::db::StoreError;
use crate::db::causes::{self as store};
use crate::error::ApiError;
use crate::extract::Query;
use ensemble_wire::Lang;

fn localised(lang: Lang) -> actix_web::HttpResponseBuilder {
    let mut response = HttpResponse::Ok();
    response
        .insert_header((header::CONTENT_LANGUAGE, lang.code()))
        .insert_header((header::VARY, "Accept-Language"));
    response
}

/// Every cause, each top-level one followed by its narrower ones. The taxonomy is small:
/// one page holds it all.
#[utoipa::path(
    tag = "causes",
    operation_id = "list_causes",
    params(crate::routes::LangParams),
    responses((status = 200, description = "The causes, in the requested language", body = Page<Cause>))
)]
#[get("/causes")]
pub async fn list(
    db: Data<Db>,
    Query(params): Query<crate::routes::LangParams>,
) -> Result<HttpResponse, ApiError> {
    let lang = crate::routes::pick_lang(params.lang.as_deref())?;
    let causes = db.run(move |conn| Ok(store::list(conn, lang)?)).await?;
    Ok(localised(lang).json(Page {
        items: causes
            .into_iter()
            .map(|c| crate::convert::cause(c, lang))
            .collect(),
        next_cursor: None,
    }))
}

/// One cause.
#[utoipa::path(
    tag = "causes",
    operation_id = "get_cause",
    params(("slug" = String, Path, description = "The cause's slug, e.g. `mental-health`"), crate::routes::LangParams),
    responses(
        (status = 200, description = "The cause", body = Cause),
        crate::openapi::problems::NoSuchCause,
    )
)]
#[get("/causes/{slug}")]
pub async fn get(
    db: Data<Db>,
    slug: Path<String>,
    Query(params): Query<crate::routes::LangParams>,
) -> Result<HttpResponse, ApiError> {
    let lang = crate::routes::pick_lang(params.lang.as_deref())?;
    let slug = slug.into_inner();
    let cause = db
        .run(move |conn| {
            store::list(conn, lang)?
                .into_iter()
                .find(|c| c.slug == slug)
                .ok_or(StoreError::NotFound("cause"))
        })
        .await?;
    Ok(localised(lang).json(crate::convert::cause(cause, lang)))
}

/// Follow a cause (again: no change).
#[utoipa::path(
    tag = "causes",
    operation_id = "follow_cause",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "The cause's slug")),
    responses(
        (status = 204, description = "Followed"),
        crate::openapi::problems::NoSuchCause,
    )
)]
#[put("/causes/{slug}/follow")]
pub async fn follow(
    auth: Auth<Write>,
    db: Data<Db>,
    slug: Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (user_id, slug) = (auth.user_id, slug.into_inner());
    db.run(move |conn| store::follow(conn, user_id, &slug))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Stop following a cause (not following it: no change).
#[utoipa::path(
    tag = "causes",
    operation_id = "unfollow_cause",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "The cause's slug")),
    responses(
        (status = 204, description = "Not followed"),
        crate::openapi::problems::NoSuchCause,
    )
)]
#[delete("/causes/{slug}/follow")]
pub async fn unfollow(
    auth: Auth<Write>,
    db: Data<Db>,
    slug: Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (user_id, slug) = (auth.user_id, slug.into_inner());
    db.run(move |conn| store::unfollow(conn, user_id, &slug))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
