//! Following organisations: `GET/PUT/DELETE /organisations/{slug}/follow`, the public list of
//! followers, and `GET /me/following`.

use actix_web::web::{self, Data, Path};
use actix_web::{delete, get, put};
use chrono::{DateTime, Utc};
use ensemble_wire::{FollowState, Followed, Follower, Following, Page};

use super::PageParams;
use crate::auth::{Auth, Read, Write};
use crate::db::Db;
use crate::db::StoreError;
use crate::db::{causes, follows, organisations};
use crate::domain::pagination::{KeysetAfter, split_page};
use crate::error::ApiError;
use crate::extract::Query;

fn utc(at: chrono::NaiveDateTime) -> DateTime<Utc> {
    DateTime::<Utc>::from_naive_utc_and_offset(at, Utc)
}

async fn set_following(
    db: &Db,
    user_id: i64,
    slug: String,
    following: bool,
) -> Result<FollowState, ApiError> {
    db.run(move |conn| {
        let id = organisations::id_of(conn, &slug)?.ok_or(StoreError::NotFound("organisation"))?;
        if following {
            follows::follow(conn, user_id, id)?;
        } else {
            follows::unfollow(conn, user_id, id)?;
        }
        Ok(state_of(conn, user_id, id)?)
    })
    .await
    .map_err(ApiError::from)
}

/// Whether `user_id` follows organisation `id`, and its number of followers.
fn state_of(
    conn: &mut crate::db::DbConnection,
    user_id: i64,
    id: i64,
) -> diesel::QueryResult<FollowState> {
    Ok(FollowState {
        following: follows::follows(conn, user_id, id)?,
        followers_count: organisations::followers_count(conn, id)?,
    })
}

/// Whether you follow an organisation, with its number of followers: what a follow
/// button needs, without loading your whole list of follows.
#[utoipa::path(
    tag = "follows",
    operation_id = "get_follow_state",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "The organisation's slug")),
    responses(
        (status = 200, description = "Your follow of it", body = FollowState),
        (status = 404, description = "No such organisation"),
    )
)]
#[get("/organisations/{slug}/follow")]
pub async fn follow_state(
    auth: Auth<Read>,
    db: Data<Db>,
    slug: Path<String>,
) -> Result<web::Json<FollowState>, ApiError> {
    let (user_id, slug) = (auth.user_id, slug.into_inner());
    let state = db
        .run(move |conn| {
            let id =
                organisations::id_of(conn, &slug)?.ok_or(StoreError::NotFound("organisation"))?;
            Ok(state_of(conn, user_id, id)?)
        })
        .await?;
    Ok(web::Json(state))
}

/// Follow an organisation (again: no change). Its updates reach your feed.
#[utoipa::path(
    tag = "follows",
    operation_id = "follow_organisation",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "The organisation's slug")),
    responses(
        (status = 200, description = "Followed", body = FollowState),
        (status = 404, description = "No such organisation"),
    )
)]
#[put("/organisations/{slug}/follow")]
pub async fn follow(
    auth: Auth<Write>,
    db: Data<Db>,
    slug: Path<String>,
) -> Result<web::Json<FollowState>, ApiError> {
    Ok(web::Json(
        set_following(&db, auth.user_id, slug.into_inner(), true).await?,
    ))
}

/// Stop following an organisation (not following it: no change).
#[utoipa::path(
    tag = "follows",
    operation_id = "unfollow_organisation",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "The organisation's slug")),
    responses(
        (status = 200, description = "Not followed", body = FollowState),
        (status = 404, description = "No such organisation"),
    )
)]
#[delete("/organisations/{slug}/follow")]
pub async fn unfollow(
    auth: Auth<Write>,
    db: Data<Db>,
    slug: Path<String>,
) -> Result<web::Json<FollowState>, ApiError> {
    Ok(web::Json(
        set_following(&db, auth.user_id, slug.into_inner(), false).await?,
    ))
}

/// The people following an organisation who chose to show their follows, newest first.
#[utoipa::path(
    tag = "follows",
    operation_id = "list_followers",
    params(("slug" = String, Path, description = "The organisation's slug"), PageParams),
    responses(
        (status = 200, description = "A page of followers", body = Page<Follower>),
        (status = 400, description = "Bad `limit` or `cursor`"),
        (status = 404, description = "No such organisation"),
    )
)]
#[get("/organisations/{slug}/followers")]
pub async fn followers(
    db: Data<Db>,
    slug: Path<String>,
    Query(params): Query<PageParams>,
) -> Result<web::Json<Page<Follower>>, ApiError> {
    let (limit, after) = PageParams::parse(&params)?;
    let slug = slug.into_inner();
    let rows = db
        .run(move |conn| {
            let id =
                organisations::id_of(conn, &slug)?.ok_or(StoreError::NotFound("organisation"))?;
            Ok(follows::followers(conn, id, after, limit.get())?)
        })
        .await?;
    let (rows, next_cursor) = split_page(rows, limit, follows::FollowerRow::key);
    Ok(web::Json(Page {
        items: rows
            .into_iter()
            .map(|row| Follower {
                user_id: row.user_id.to_string(),
                display_name: row.display_name,
                avatar_url: row.avatar_url,
                since: utc(row.created_at),
            })
            .collect(),
        next_cursor,
    }))
}

/// An organisation someone follows, on the wire.
pub(crate) fn to_followed(row: follows::FollowedRow) -> Followed {
    Followed {
        slug: row.slug,
        name: row.name,
        since: utc(row.since),
    }
}

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
    let lang = super::pick_lang(params.lang.as_deref())?;
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
                .filter_map(|(slug, since)| {
                    let cause = all.iter().find(|c| c.slug == slug)?;
                    Some((slug, cause.name.clone(), since))
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
        organisations: organisations.into_iter().map(to_followed).collect(),
        causes: causes
            .into_iter()
            .map(|(slug, name, since)| Followed {
                slug,
                name,
                since: utc(since),
            })
            .collect(),
        next_cursor,
    }))
}

/// How many suggestions at most.
const SUGGESTIONS: usize = 20;

/// Organisations you might follow: those most often followed together with the ones you
/// follow, then the most followed in the causes you follow, then the most followed of
/// all, never one you follow already.
#[utoipa::path(
    tag = "me",
    operation_id = "my_suggestions",
    security(("bearer" = [])),
    params(super::LangParams),
    responses((status = 200, description = "Up to 20 organisations, the best first", body = Page<ensemble_wire::Organisation>))
)]
#[get("/me/suggestions")]
pub async fn my_suggestions(
    auth: Auth<Read>,
    db: Data<Db>,
    Query(params): Query<super::LangParams>,
) -> Result<web::Json<Page<ensemble_wire::Organisation>>, ApiError> {
    use crate::db::search::{self, Filters};
    use crate::domain::search::Sort;
    let lang = super::pick_lang(params.lang.as_deref())?;
    let user_id = auth.user_id;
    let cards = db
        .run(move |conn| {
            let followed = follows::followed_ids(conn, user_id)?;
            let mut chosen: Vec<i64> = Vec::new();
            let add = |ids: Vec<i64>, chosen: &mut Vec<i64>| {
                for id in ids {
                    if chosen.len() < SUGGESTIONS
                        && !followed.contains(&id)
                        && !chosen.contains(&id)
                    {
                        chosen.push(id);
                    }
                }
            };
            // Co-followed: votes from the ten organisations followed last.
            let mut votes: Vec<(i64, usize)> = Vec::new();
            for &organisation in followed.iter().take(10) {
                for (rank, other) in search::co_followed(conn, organisation, 20)?
                    .into_iter()
                    .enumerate()
                {
                    match votes.iter_mut().find(|(id, _)| *id == other) {
                        Some((_, score)) => *score += 20 - rank,
                        None => votes.push((other, 20 - rank)),
                    }
                }
            }
            votes.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            add(votes.into_iter().map(|(id, _)| id).collect(), &mut chosen);
            let causes = causes::followed_ids(conn, user_id)?;
            let mut exclude = followed.clone();
            exclude.extend(&chosen);
            let wanted = (SUGGESTIONS.saturating_sub(chosen.len())) as i64;
            if !causes.is_empty() && wanted > 0 {
                let filters = Filters {
                    cause_ids: Some(causes),
                    exclude: exclude.clone(),
                    ..Filters::default()
                };
                let found =
                    search::search(conn, &filters, Sort::Followers, None, lang.code(), wanted)?;
                add(found.into_iter().map(|c| c.id).collect(), &mut chosen);
            }
            let wanted = (SUGGESTIONS.saturating_sub(chosen.len())) as i64;
            if wanted > 0 {
                let mut exclude = followed.clone();
                exclude.extend(&chosen);
                let filters = Filters {
                    exclude,
                    ..Filters::default()
                };
                let found =
                    search::search(conn, &filters, Sort::Followers, None, lang.code(), wanted)?;
                add(found.into_iter().map(|c| c.id).collect(), &mut chosen);
            }
            let filters = Filters {
                ids: Some(chosen.clone()),
                ..Filters::default()
            };
            let mut cards = search::search(
                conn,
                &filters,
                Sort::Recent,
                None,
                lang.code(),
                SUGGESTIONS as i64,
            )?;
            cards.sort_by_key(|c| chosen.iter().position(|id| *id == c.id));
            cards.truncate(SUGGESTIONS);
            Ok(cards)
        })
        .await?;
    Ok(web::Json(Page {
        items: cards
            .into_iter()
            .map(super::organisations::directory::card_to_wire)
            .collect(),
        next_cursor: None,
    }))
}
