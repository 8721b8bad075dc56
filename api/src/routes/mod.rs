//! HTTP handlers, thin: extract, parse into domain types, call one function, respond.
//! Each is annotated for OpenAPI and registered here, which builds both the router and
//! the spec.

pub mod auth;
pub mod causes;
pub mod health;
pub mod me;
pub mod oauth;
pub mod organisations;

use utoipa_actix_web::scope;
use utoipa_actix_web::service_config::ServiceConfig;

pub const API_PREFIX: &str = "/api/v1";

/// Registers every operation: the same call builds the router and the OpenAPI document.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(health::healthz)
        .service(health::readyz)
        .service(health::metrics)
        .service(
            scope::scope(API_PREFIX)
                .service(auth::register)
                .service(auth::login)
                .service(auth::refresh)
                .service(auth::logout)
                .service(auth::providers)
                .service(oauth::start)
                .service(oauth::callback)
                .service(me::get_me)
                .service(me::update_me)
                .service(me::delete_me)
                .service(me::export_me)
                .service(me::list_tokens)
                .service(me::create_token)
                .service(me::revoke_token)
                .service(causes::list)
                .service(causes::get)
                .service(causes::follow)
                .service(causes::unfollow)
                .service(organisations::list)
                .service(organisations::create)
                .service(organisations::get)
                .service(organisations::update)
                .service(organisations::list_members)
                .service(organisations::add_member)
                .service(organisations::change_member_role)
                .service(organisations::remove_member),
        );
}
