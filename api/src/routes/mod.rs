//! HTTP handlers, by resource: extract (the extractor is the permission check), parse the
//! body into a domain type, call the storage (one transactional function where a change
//! takes several steps) or a provider, and answer the wire type `convert` makes. Each is
//! annotated for OpenAPI and registered here, which builds both the router and the spec.

pub mod auth;
pub mod causes;
pub mod donations;
pub mod health;
pub mod invitations;
pub mod me;
pub mod moderation;
pub mod organisations;
pub mod updates;
pub mod uploads;

use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::scope;

use crate::context;
use crate::domain::pagination::{KeysetAfter, Limit, TextKeysetAfter};
use crate::domain::text;
use crate::error::ApiError;
use ensemble_wire::Lang;
use utoipa_actix_web::service_config::ServiceConfig;

pub const API_PREFIX: &str = "/api/v1";

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LangParams {
    /// The language to read in; overrides `Accept-Language`.
    #[param(value_type = Option<ensemble_wire::codes::Locale>)]
    pub lang: Option<String>,
}

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

impl PageParams {
    /// The page size and the position to start after, or every error at once.
    pub fn parse(&self) -> Result<(Limit, Option<KeysetAfter>), ApiError> {
        match (
            Limit::parse(self.limit),
            KeysetAfter::decode_opt(self.cursor.as_deref()),
        ) {
            (Ok(limit), Ok(after)) => Ok((limit, after)),
            (limit, after) => Err(ApiError::InvalidQuery(
                [limit.err(), after.err()].into_iter().flatten().collect(),
            )),
        }
    }

    /// Like [`Self::parse`], for lists of rows with random text ids.
    pub fn parse_text(&self) -> Result<(Limit, Option<TextKeysetAfter>), ApiError> {
        let after = self
            .cursor
            .as_deref()
            .map(TextKeysetAfter::decode)
            .transpose();
        match (Limit::parse(self.limit), after) {
            (Ok(limit), Ok(after)) => Ok((limit, after)),
            (limit, after) => Err(ApiError::InvalidQuery(
                [limit.err(), after.err()].into_iter().flatten().collect(),
            )),
        }
    }
}

/// `?lang=` if given, else the `Accept-Language` choice.
pub fn pick_lang(param: Option<&str>) -> Result<Lang, ApiError> {
    match param {
        Some(code) => text::locale("lang", code).map_err(|e| ApiError::InvalidQuery(vec![e])),
        None => Ok(context::current().map(|c| c.lang).unwrap_or_default()),
    }
}

/// Registers every operation: the same call builds the router and the OpenAPI document.
/// A person's id in a path (404 when it cannot be one).
pub fn user_id(id: &str) -> Result<i64, ApiError> {
    id.parse().map_err(|_| ApiError::NotFound("user"))
}

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(health::healthz)
        .service(health::readyz)
        .service(health::metrics)
        .service(
            scope::scope(API_PREFIX)
                .service(auth::sign_in::register)
                .service(auth::sign_in::login)
                .service(auth::sign_in::refresh)
                .service(auth::sign_in::logout)
                .service(auth::sign_in::providers)
                .service(auth::email::confirm)
                .service(auth::email::forgot)
                .service(auth::email::reset)
                .service(auth::oauth::start)
                .service(auth::oauth::callback)
                .service(me::profile::get_me)
                .service(me::profile::update_me)
                .service(me::profile::delete_me)
                .service(me::email::ask_verification)
                .service(me::email::change)
                .service(me::mail::get)
                .service(me::mail::update)
                .service(me::mail::unsubscribe)
                .service(me::export::export_me)
                .service(me::tokens::list_tokens)
                .service(me::tokens::create_token)
                .service(me::tokens::revoke_token)
                .service(me::sessions::list)
                .service(me::sessions::revoke)
                .service(me::sessions::change_password)
                .service(me::blocks::list)
                .service(me::blocks::block)
                .service(me::blocks::unblock)
                .service(causes::list)
                .service(causes::get)
                .service(causes::follow)
                .service(causes::unfollow)
                .service(organisations::directory::list)
                .service(organisations::profile::create)
                .service(organisations::profile::get)
                .service(organisations::profile::update)
                .service(organisations::profile::delete)
                .service(organisations::team::list_members)
                .service(invitations::invite)
                .service(organisations::team::change_member_role)
                .service(organisations::team::remove_member)
                .service(invitations::organisation_invitations)
                .service(invitations::revoke_invitation)
                .service(invitations::my_invitations)
                .service(invitations::accept_invitation)
                .service(invitations::decline_invitation)
                .service(invitations::linked_invitation)
                .service(invitations::accept_linked_invitation)
                .service(invitations::decline_linked_invitation)
                .service(organisations::directory::related)
                .service(organisations::verification::get)
                .service(organisations::verification::set)
                .service(organisations::follows::follow_state)
                .service(organisations::follows::follow)
                .service(organisations::follows::unfollow)
                .service(organisations::follows::followers)
                .service(organisations::bans::list)
                .service(organisations::bans::ban)
                .service(organisations::bans::unban)
                .service(me::following::my_following)
                .service(me::following::my_suggestions)
                .service(updates::posts::create)
                .service(updates::atom::organisation_feed)
                .service(updates::posts::list_for_organisation)
                .service(updates::posts::get)
                .service(updates::posts::edit)
                .service(updates::posts::remove)
                .service(updates::reactions::react)
                .service(updates::reactions::unreact)
                .service(updates::comments::list_comments)
                .service(updates::comments::create_comment)
                .service(updates::comments::delete_comment)
                .service(updates::comments::report_comment)
                .service(updates::feed::feed)
                .service(updates::feed::cause_updates)
                .service(me::notifications::my_notifications)
                .service(me::notifications::read_notifications)
                .service(donations::give::create)
                .service(donations::read::get)
                .service(donations::read::mine)
                .service(donations::csv::csv)
                .service(donations::read::of_organisation)
                .service(donations::cancel::cancel)
                .service(donations::receipt::receipt)
                .service(donations::webhook::webhook)
                .service(donations::sandbox::sandbox_checkout)
                .service(donations::sandbox::sandbox_outcome)
                .service(uploads::upload)
                .service(uploads::get_upload)
                .service(moderation::report)
                .service(moderation::queue)
                .service(moderation::decide)
                .service(moderation::appeal)
                .service(moderation::audit)
                .service(moderation::audit_csv),
        );
}
