//! Builds the application the same way for the binary and for tests: bind (port 0 picks a
//! free one), connect and migrate, then serve.

use ensemble_wire::Code;
use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_cors::Cors;
use actix_web::dev::{Server, ServerHandle};
use actix_web::middleware::{Compress, Condition, DefaultHeaders, from_fn};
use actix_web::web::{self, Data};
use actix_web::{App, HttpServer};
use anyhow::Context;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::auth::oauth::OAuth;
use crate::auth::rate_limit::{AuthLimits, RateLimiter};
use crate::auth::tokens::TokenKeys;
use crate::config::{PublicUrl, Settings};
use crate::db::Db;
use crate::error::ApiError;
use crate::extract::BodyLimit;
use crate::mail::Mailer;
use crate::metrics::Metrics;
use crate::secrets::Secrets;
use crate::webapp::Fallback;
use crate::{jobs, middleware, openapi, routes, webapp};

/// The web app runs WASM (hence 'wasm-unsafe-eval') and loads nothing from elsewhere:
/// pictures come from this server (or the bucket it keeps them in, when browsers read that
/// directly), never from an address someone wrote into a text.
fn content_security_policy(media_origin: Option<&str>) -> String {
    let images = match media_origin {
        Some(origin) => format!("'self' data: {origin}"),
        None => "'self' data:".to_owned(),
    };
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' \
         'unsafe-inline'; img-src {images}; connect-src 'self'; object-src 'none'; \
         base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    )
}

pub struct Application {
    port: u16,
    server: Server,
    db: Db,
    jobs: jobs::Config,
    job_context: Arc<jobs::Context>,
    wake: Arc<jobs::Wake>,
    media: crate::media::Media,
}

impl Application {
    pub fn build(settings: Settings) -> anyhow::Result<Self> {
        settings.ensure_data_dir()?;
        let secrets = Secrets::load(&settings)?;
        let database = settings.database()?;
        let db = Db::connect(&database, settings.db_pool_size)?;
        tracing::info!(database = ?database, "database ready");
        if settings.demo {
            let loaded = crate::db::demo::load_if_empty(&mut *db.get()?)?;
            tracing::info!(organisations = loaded, "demo data");
        }

        let listener = TcpListener::bind(&settings.listen)
            .with_context(|| format!("listening on {}", settings.listen))?;
        let address = listener.local_addr()?;
        let public_url = settings.public_url_at(&address.to_string())?;

        let doc = openapi::document();
        let fallback = Data::new(Fallback::new(&doc, settings.web_dir.clone()));
        let metrics = Data::new(Metrics::new()?);
        let db_data = Data::new(db.clone());
        let token_keys = Data::new(TokenKeys::new(
            &secrets.token_signing_key,
            public_url.as_str().trim_end_matches('/'),
        )?);
        let oauth = Data::new(OAuth::new(settings.oauth_providers()?, public_url.clone())?);
        let rate_limiter = Data::new(RateLimiter::default());
        let auth_limits = Data::new(AuthLimits::new(
            settings.auth_attempts_per_ip,
            settings.auth_failures_per_account,
        ));
        let trusted_proxies = Data::new(crate::client_ip::TrustedProxies::parse(
            &settings.trusted_proxies,
        )?);
        let body_limit = BodyLimit(settings.max_body_bytes);
        let metrics_access = Data::new(crate::metrics::MetricsAccess {
            token: settings
                .metrics_token
                .clone()
                .filter(|t| !t.expose().is_empty()),
            local_server: match public_url.host() {
                Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
                Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
                Some(url::Host::Domain(name)) => name == "localhost",
                None => false,
            },
        });
        if public_url.scheme() == "https"
            && settings.trusted_proxies.iter().all(|p| p.trim().is_empty())
        {
            tracing::warn!(
                "the public URL is https but ENSEMBLE_TRUSTED_PROXIES is empty: behind a reverse \
                 proxy, every client looks like the proxy to the rate limits (set it to the \
                 proxy's address)"
            );
        }
        let public = Data::new(PublicUrl(public_url.clone()));
        let payments = Data::new(crate::payments::Payments::from_settings(
            &settings,
            &secrets,
            &public_url,
        )?);
        let mailer = Arc::new(Mailer::new(
            settings.smtp_url.as_ref(),
            &settings.mail_sender(&public_url),
            &settings.data_dir,
        )?);
        if let Some(dir) = mailer.directory() {
            tracing::info!(directory = %dir.display(), "no ENSEMBLE_SMTP_URL: mail is written to files");
        }
        let unsubscribe = crate::mail::unsubscribe::UnsubscribeKey::derive(
            secrets.token_signing_key.expose().as_bytes(),
        );
        let unsubscribe_data = Data::new(unsubscribe.clone());
        let invitations = crate::mail::signed::InvitationKey::derive(
            secrets.token_signing_key.expose().as_bytes(),
        );
        let invitations_data = Data::new(invitations.clone());
        let media = settings.media()?;
        tracing::info!(store = %media.description, "pictures");
        let csp = content_security_policy(media.public_origin().as_deref());
        let media_data = Data::new(media.clone());
        let upload_rules = Data::new(settings.upload_rules());
        let moderation_rules = Data::new(crate::db::moderation::Rules {
            auto_hide_reports: settings.auto_hide_reports,
            new_account_comments_per_hour: settings.new_account_comments_per_hour,
            new_account_links_per_day: settings.new_account_links_per_day,
        });
        let wake = Arc::new(jobs::Wake::default());
        let wake_data = Data::from(wake.clone());
        let job_context = Arc::new(jobs::Context {
            db: db.clone(),
            mailer,
            public_url: PublicUrl(public_url.clone()),
            payments: payments.clone().into_inner(),
            metrics: metrics.clone().into_inner(),
            unsubscribe: unsubscribe.clone(),
            invitations,
            media: media.clone(),
        });
        let cors_origins = settings.cors_origins.clone();
        let https = public_url.scheme() == "https";
        let cors_public_url = public_url.clone();

        let mut server = HttpServer::new(move || {
            let (app, _) = App::new()
                .into_utoipa_app()
                .configure(routes::configure)
                .split_for_parts();
            app.app_data(db_data.clone())
                .app_data(metrics.clone())
                .app_data(metrics_access.clone())
                .app_data(fallback.clone())
                .app_data(token_keys.clone())
                .app_data(rate_limiter.clone())
                .app_data(oauth.clone())
                .app_data(auth_limits.clone())
                .app_data(trusted_proxies.clone())
                .app_data(body_limit)
                .app_data(public.clone())
                .app_data(payments.clone())
                .app_data(wake_data.clone())
                .app_data(unsubscribe_data.clone())
                .app_data(invitations_data.clone())
                .app_data(media_data.clone())
                .app_data(upload_rules.clone())
                .app_data(moderation_rules.clone())
                .app_data(web::FormConfig::default().error_handler(|error, _| {
                    match error {
                        actix_web::error::UrlencodedError::ContentType => {
                            ApiError::UnsupportedMediaType.into()
                        }
                        _ => ApiError::Validation(vec![crate::domain::text::field_error(
                            "body",
                            Code::InvalidForm,
                            "not a form this operation understands",
                        )])
                        .into(),
                    }
                }))
                .app_data(
                    web::PathConfig::default()
                        .error_handler(|_, _| ApiError::NotFound("resource").into()),
                )
                .route("/api/docs", web::get().to(docs_redirect))
                .route("/media/{key:.+}", web::get().to(routes::uploads::serve))
                .service(SwaggerUi::new("/api/docs/{_:.*}").url("/api/openapi.json", doc.clone()))
                .default_service(web::to(webapp::fallback))
                .wrap(from_fn(crate::auth::extract::middleware))
                .wrap(from_fn(middleware::http_cache))
                .wrap(Compress::default())
                .wrap(security_headers(https, &csp))
                .wrap(Condition::new(
                    !cors_origins.is_empty(),
                    cors(&cors_origins, &cors_public_url),
                ))
                .wrap(from_fn(middleware::request_context))
        })
        .listen(listener)?
        .shutdown_timeout(settings.shutdown_timeout_secs);
        if let Some(workers) = settings.workers {
            server = server.workers(workers.max(1));
        }
        tracing::info!(%address, %public_url, "serving");
        Ok(Self {
            port: address.port(),
            server: server.run(),
            db,
            jobs: settings.jobs(),
            job_context,
            wake,
            media,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    /// The picture store (tests).
    pub fn media(&self) -> &crate::media::Media {
        &self.media
    }

    /// Stops the server from outside (tests); SIGTERM and Ctrl-C do the same by default.
    pub fn handle(&self) -> ServerHandle {
        self.server.handle()
    }

    /// Serves until stopped, with the job workers; in-flight requests get the shutdown
    /// timeout to finish, and the workers stop with the server (a job cut short is taken
    /// again once its lease runs out).
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let _runner = jobs::Runner::start(self.jobs, self.job_context, self.wake);
        self.server.await
    }
}

async fn docs_redirect() -> actix_web::HttpResponse {
    actix_web::HttpResponse::PermanentRedirect()
        .insert_header((actix_web::http::header::LOCATION, "/api/docs/"))
        .finish()
}

fn security_headers(https: bool, csp: &str) -> DefaultHeaders {
    let headers = DefaultHeaders::new()
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("X-Frame-Options", "DENY"))
        .add(("Referrer-Policy", "strict-origin-when-cross-origin"))
        .add(("Cross-Origin-Opener-Policy", "same-origin"))
        .add((
            "Permissions-Policy",
            "camera=(), microphone=(), geolocation=()",
        ))
        .add(("Content-Security-Policy", csp.to_owned()));
    if https {
        headers.add((
            "Strict-Transport-Security",
            "max-age=31536000; includeSubDomains",
        ))
    } else {
        headers
    }
}

/// Cross-origin access for third-party web apps; our own origin is always allowed, since
/// browsers send `Origin` on same-origin writes too.
fn cors(origins: &[String], public_url: &url::Url) -> Cors {
    let cors = Cors::default()
        .allowed_methods(["GET", "POST", "PUT", "PATCH", "DELETE"])
        .allowed_headers([
            "authorization",
            "content-type",
            "accept-language",
            "idempotency-key",
            "x-request-id",
        ])
        .expose_headers([
            "x-request-id",
            "retry-after",
            "location",
            "www-authenticate",
        ])
        .max_age(3600);
    if origins.iter().any(|o| o.trim() == "*") {
        return cors.allow_any_origin().send_wildcard();
    }
    let own = public_url.origin().ascii_serialization();
    origins
        .iter()
        .map(|o| o.trim().trim_end_matches('/'))
        .filter(|o| !o.is_empty())
        .chain(std::iter::once(own.as_str()))
        .fold(cors, |cors, origin| cors.allowed_origin(origin))
}

/// Waits for the server with a deadline (tests and the command line).
pub async fn stop(handle: ServerHandle, graceful: bool) {
    let _ = tokio::time::timeout(Duration::from_secs(35), handle.stop(graceful)).await;
}
