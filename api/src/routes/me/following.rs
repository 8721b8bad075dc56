//! What the reader follows (`/me/following`), and organisations they might follow
//! (`/me/suggestions`).

use crate::auth::{Auth, Read};
use crate::convert::utc;
use crate::db::Db;
use crate::db::{causes, follows, search};
use crate::domain::pagination::{KeysetAfter, split_page};
use crate::error::ApiError;
use crate::extract::Query;
use crate::routes::PageParams;
use actix_web::get;
use actix_web::web::{self, Data};
use ensemble_wire::{Followed, Following, Page};

/// What `/me/following` is asked for.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FollowingParams {
    /// The language to name causes in; overrides `Accept-Language`.
    #[param(value_type = Option<ensemble_wire::codes::Locale>)]
    pub lang: Option<String>,
    /// Organisations per page.
    #[param(minimum = 1, maximum = 100, default = 20)]
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    #[param(pattern = "^[A-Za-z0-9_-]{1,200}$")]
    pub cursor: Option<String>,
}

/// The organisations (a page, newest first) and causes (all of them) you follow.
#[utoipa::path(
    tag = "me",
    operation_id = "my_following",
    security(("bearer" = [])),
    params(FollowingParams),
    responses(
        (status = 200, description = "What you follow", body = Following),
        (status = 400, description = "Bad `limit`, `cursor` or `lang`"),
    )
)]
#[get("/me/following")]
pub async fn my_following(
    auth: Auth<Read>,
    db: Data<Db>,
    Query(params): Query<FollowingParams>,
) -> Result<web::Json<Following>, ApiError> {
    let lang = crate::routes::pick_lang(params.lang.as_deref())?;
    let (limit, after) = PageParams {
        limit: params.limit,
        cursor: params.cursor,
    }
    .parse()?;
    let user_id = auth.user_id;
    let (organisations, causes) = db
        .run(move |conn| {
            let organisations = follows::followed_by(conn, user_id, after, limit.get())?;
            let followed = causes::followed_by(conn, user_id)?;
            let all = causes::list(conn, lang)?;
            let causes = followed
                .into_iter()
                .filter_map(|followed| {
                    let cause = all.iter().find(|c| c.slug == followed.slug)?;
                    Some(Followed {
                        name: cause.name.clone(),
                        slug: followed.slug,
                        since: utc(followed.since),
                    })
                })
                .collect::<Vec<_>>();
            Ok((organisations, causes))
        })
        .await?;
    let (organisations, next_cursor) = split_page(organisations, limit, |o| KeysetAfter {
        created_at: o.since,
        id: o.organisation_id,
    });
    Ok(web::Json(Following {
        organisations: organisations.into_iter().map(Followed::from).collect(),
        causes,
        next_cursor,
    }))
}

/// Organisations you might follow: those most often followed together with the ones you
/// follow, then the most followed in the causes you follow, then the most followed of
/// all, never one you follow already.
#[utoipa::path(
    tag = "me",
    operation_id = "my_suggestions",
    security(("bearer" = [])),
    params(crate::routes::LangParams),
    responses((status = 200, description = "Up to 20 organisations, the best first", body = Page<ensemble_wire::Organisation>))
)]
#[get("/me/suggestions")]
pub async fn my_suggestions(
    auth: Auth<Read>,
    db: Data<Db>,
    Query(params): Query<crate::routes::LangParams>,
) -> Result<web::Json<Page<ensemble_wire::Organisation>>, ApiError> {
    let lang = crate::routes::pick_lang(params.lang.as_deref())?;
    let user_id = auth.user_id;
    let cards = db
        .run(move |conn| Ok(search::suggestions(conn, user_id, lang.code())?))
        .await?;
    Ok(web::Json(Page {
        items: cards
            .into_iter()
            .map(ensemble_wire::Organisation::from)
            .collect(),
        next_cursor: None,
    }))
}
