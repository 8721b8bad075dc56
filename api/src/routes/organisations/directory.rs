//! Finding organisations: `GET /organisations` (words, filters, four sorts, keyset-paged)
//! and `GET /organisations/{slug}/related`.

use actix_web::http::header;
use actix_web::web::{Data, Path};
use actix_web::{HttpResponse, get};
use ensemble_wire::Code;
use ensemble_wire::{Organisation, Page};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::db::Db;
use crate::db::StoreError;
use crate::db::causes;
use crate::db::organisations::{self as store};
use crate::db::search::{self as search_store, Card, Filters};
use crate::domain::organisations::{self as rules};
use crate::domain::pagination::Limit;
use crate::domain::search::{self, After, Sort};
use crate::domain::text::{self, FieldErrors};
use crate::error::ApiError;
use crate::extract::Query;
use ensemble_wire::Lang;

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
        (status = 400, description = "A bad parameter (`invalid_cursor`, `unknown_cause`, …)"),
    )
)]
#[get("/organisations")]
pub async fn list(
    db: Data<Db>,
    Query(params): Query<DirectoryParams>,
) -> Result<HttpResponse, ApiError> {
    let mut errors = FieldErrors::default();
    // An empty filter is no filter (what a form sends for "any").
    let given = |value: Option<String>| value.filter(|v| !v.is_empty());
    let (cause, country, language) = (
        given(params.cause),
        given(params.country),
        given(params.language),
    );
    let lang = crate::routes::pick_lang(params.lang.as_deref());
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
    let limit = errors.keep(Limit::parse(params.limit)).unwrap_or_default();
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
            errors.extend(e);
            Lang::default()
        }
        Err(other) => return Err(other),
    };
    errors.finish(()).map_err(ApiError::InvalidQuery)?;
    let verified = params.verified;
    let cards = db
        .run(move |conn| {
            let cause_ids = match cause {
                None => None,
                Some(slug) => match causes::with_children(conn, &slug)? {
                    Some(ids) => Some(ids),
                    None => return Ok(Err(slug)),
                },
            };
            let filters = Filters {
                matching,
                cause_ids,
                country,
                language,
                verified,
                ..Filters::default()
            };
            Ok(Ok(search_store::search(
                conn,
                &filters,
                sort,
                after.as_ref(),
                lang.code(),
                limit.get(),
            )?))
        })
        .await?
        .map_err(|slug| {
            ApiError::InvalidQuery(vec![text::field_error(
                "cause",
                Code::UnknownCause,
                format!("{slug} is not a cause (see /causes)"),
            )])
        })?;
    let (cards, next_cursor) = split_cards(cards, limit, sort);
    Ok(HttpResponse::Ok()
        .insert_header((header::VARY, "Accept-Language"))
        .json(Page {
            items: cards.into_iter().map(Organisation::from).collect(),
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

/// Organisations related to this one: the most often followed by the same people, then
/// those sharing its causes.
#[utoipa::path(
    tag = "organisations",
    operation_id = "related_organisations",
    params(("slug" = String, Path, description = "The organisation's slug"), crate::routes::LangParams),
    responses(
        (status = 200, description = "Up to 12 organisations, the most related first", body = Page<Organisation>),
        crate::openapi::problems::NoSuchOrganisation,
    )
)]
#[get("/organisations/{slug}/related")]
pub async fn related(
    db: Data<Db>,
    slug: Path<String>,
    Query(params): Query<crate::routes::LangParams>,
) -> Result<HttpResponse, ApiError> {
    let lang = crate::routes::pick_lang(params.lang.as_deref())?;
    let slug = slug.into_inner();
    let cards = db
        .run(move |conn| {
            let id = store::id_of(conn, &slug)?.ok_or(StoreError::NotFound("organisation"))?;
            Ok(search_store::related(conn, id, lang.code())?)
        })
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::VARY, "Accept-Language"))
        .json(Page {
            items: cards.into_iter().map(Organisation::from).collect(),
            next_cursor: None,
        }))
}
