//! The OpenAPI document, generated from the handlers' annotations and the same registration
//! that builds the router (`routes::configure`), so the two cannot disagree.

use utoipa::OpenApi;
use utoipa::openapi::path::{Operation, PathItem};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
use utoipa_actix_web::AppExt;

use crate::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Ensemble API",
        description = "Find, follow and support charitable organisations. JSON over HTTP; \
errors are `application/problem+json` with a stable `code`; lists are keyset-paged \
(`limit`, `cursor` → `{items, next_cursor}`).",
        license(name = "AGPL-3.0-or-later", identifier = "AGPL-3.0-or-later"),
    ),
    tags(
        (name = "auth", description = "Registration, sign-in, tokens"),
        (name = "me", description = "The signed-in person: profile, data, API tokens"),
        (name = "causes", description = "The causes supporters follow and organisations serve"),
        (name = "organisations", description = "The directory of organisations"),
        (name = "invitations", description = "Invitations to a team mailed to an address, opened by their link"),
        (name = "moderation", description = "Reports, the moderators' queue, their decisions and the log of them"),
        (name = "uploads", description = "Pictures: uploaded, made safe, resized; used as logos, covers, avatars and photos"),
        (name = "operations", description = "Health, readiness and metrics probes"),
    ),
    components(schemas(ensemble_wire::Problem, ensemble_wire::FieldError)),
    modifiers(&BearerScheme),
)]
struct ApiDoc;

struct BearerScheme;

impl utoipa::Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::builder().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The whole document, as served at `/api/openapi.json` and written to `openapi.yaml`.
pub fn document() -> utoipa::openapi::OpenApi {
    let (_, mut doc) = actix_web::App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(routes::configure)
        .split_for_parts();
    add_standard_errors(&mut doc);
    doc
}

pub fn yaml() -> anyhow::Result<String> {
    Ok(document().to_yaml()?)
}

/// The operations of a path item with their HTTP methods.
pub fn operations(item: &PathItem) -> impl Iterator<Item = (&'static str, &Operation)> {
    [
        ("GET", &item.get),
        ("PUT", &item.put),
        ("POST", &item.post),
        ("DELETE", &item.delete),
        ("OPTIONS", &item.options),
        ("HEAD", &item.head),
        ("PATCH", &item.patch),
        ("TRACE", &item.trace),
    ]
    .into_iter()
    .filter_map(|(method, op)| op.as_ref().map(|op| (method, op)))
}

/// Every error response is a problem document (handlers name the status and its meaning;
/// the content is added here). Errors any operation can answer are documented once, here,
/// rather than on each handler:
/// 500 everywhere; 503 where the database is used; 400 where there are parameters;
/// 400/413/415/422 where there is a body; 401 where a token is required, and 403 where such
/// an operation writes. Handlers document their specific ones (409, 404, …), which win.
fn add_standard_errors(doc: &mut utoipa::openapi::OpenApi) {
    for (path, item) in doc.paths.paths.iter_mut() {
        let uses_db = path != "/healthz";
        for (op, writes) in [
            (&mut item.get, false),
            (&mut item.put, true),
            (&mut item.post, true),
            (&mut item.delete, true),
            (&mut item.patch, true),
        ] {
            let Some(op) = op else { continue };
            // Every error answer is a problem document: the handlers give the status and
            // what it means for them, the content is added here.
            for (status, response) in op.responses.responses.iter_mut() {
                if let RefOr::T(response) = response
                    && (status.starts_with('4') || status.starts_with('5'))
                    && response.content.is_empty()
                {
                    *response = problem_content(std::mem::take(&mut response.description));
                }
            }
            let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());
            let has_params = op.parameters.as_ref().is_some_and(|p| !p.is_empty());
            let has_body = op.request_body.is_some();
            let mut add = |status: &str, description: &str| {
                op.responses
                    .responses
                    .entry(status.to_owned())
                    .or_insert_with(|| problem_response(description));
            };
            if has_params || has_body {
                add("400", "The request is malformed (see `code` and `errors`)");
            }
            if has_body {
                add("413", "The body is too large");
                add("415", "The body is not JSON");
                add("422", "Some fields are invalid (see `errors`)");
            }
            if secured {
                add(
                    "401",
                    "No token, or an invalid, expired or revoked one (see `WWW-Authenticate`)",
                );
            }
            if secured && writes {
                add(
                    "403",
                    "`insufficient_scope`: a read-only API token; `account_suspended`: a suspended account (it may still manage its sessions and password, export its data and delete itself)",
                );
            }
            add(
                "500",
                "Unexpected server error; the request id helps us find it",
            );
            if uses_db {
                add(
                    "503",
                    "The database is unreachable; retry after a few seconds",
                );
            }
        }
    }
}

fn problem_response(description: &str) -> RefOr<utoipa::openapi::Response> {
    RefOr::T(problem_content(description.to_owned()))
}

fn problem_content(description: String) -> utoipa::openapi::Response {
    ResponseBuilder::new()
        .description(description)
        .content(
            crate::error::PROBLEM_JSON,
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .build(),
        )
        .build()
}

/// The error answers several operations share, each written once: an operation lists
/// them among its `responses(…)` by name. Like every error answer, they are documented as
/// problem documents (`add_standard_errors`).
pub mod problems {
    /// 404 on an organisation's path.
    #[derive(utoipa::IntoResponses)]
    pub enum NoSuchOrganisation {
        #[response(status = 404, description = "No such organisation")]
        NotFound,
    }

    /// 404 on an update's path.
    #[derive(utoipa::IntoResponses)]
    pub enum NoSuchUpdate {
        #[response(status = 404, description = "No such update")]
        NotFound,
    }

    /// 404 on a cause's path.
    #[derive(utoipa::IntoResponses)]
    pub enum NoSuchCause {
        #[response(status = 404, description = "No such cause")]
        NotFound,
    }

    /// 400 on a paged list.
    #[derive(utoipa::IntoResponses)]
    pub enum BadPage {
        #[response(status = 400, description = "Bad `limit` or `cursor`")]
        BadRequest,
    }

    /// 403 for an account whose address is not proven yet.
    #[derive(utoipa::IntoResponses)]
    pub enum Unverified {
        #[response(
            status = 403,
            description = "`email_not_verified`: prove your address first (the link sent at sign-up, or `POST /me/email/verification`); `insufficient_scope`: a read-only API token; `account_suspended`: a suspended account"
        )]
        Forbidden,
    }

    /// 403 for a member whose role does not allow the operation.
    #[derive(utoipa::IntoResponses)]
    pub enum NotYourRole {
        #[response(status = 403, description = "`forbidden`")]
        Forbidden,
    }
}
