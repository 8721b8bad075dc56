//! Typed configuration, read from the environment (and flags) once at start, then passed
//! down: nothing reads the environment later, so tests build their own `Settings`.

use std::path::PathBuf;

use anyhow::Context;
use clap::builder::BoolishValueParser;
use clap::{ArgAction, Args};
use url::Url;

use crate::auth::oauth::{self, Protocol};
use crate::db::DatabaseUrl;
use crate::domain::donations::Provider as PaymentProvider;
use crate::secrets::Secret;

/// Every setting's default, written once: the flags' attributes and [`Settings::new`] (what
/// tests start from) both read these.
pub mod defaults {
    use crate::domain::donations::Provider;

    pub const DATA_DIR: &str = "./data";
    pub const LISTEN: &str = "127.0.0.1:8080";
    pub const WEB_DIR: &str = "web-client/dist";
    pub const MAX_BODY_BYTES: usize = 64 * 1024;
    pub const DB_POOL_SIZE: u32 = 16;
    pub const LOG_JSON: bool = false;
    pub const LOG_FILTER: &str = "info,actix_server=warn";
    pub const AUTH_ATTEMPTS_PER_IP: u32 = 30;
    pub const AUTH_FAILURES_PER_ACCOUNT: u32 = 10;
    pub const GOOGLE_ISSUER: &str = "https://accounts.google.com";
    pub const FACEBOOK_DIALOG_URL: &str = "https://www.facebook.com/v21.0/dialog/oauth";
    pub const FACEBOOK_GRAPH_URL: &str = "https://graph.facebook.com/v21.0";
    pub const OIDC_NAME: &str = "Single sign-on";
    pub const PAYMENTS: Provider = Provider::Sandbox;
    pub const ALLOW_SANDBOX: bool = false;
    pub const STRIPE_API_BASE: &str = "https://api.stripe.com";
    pub const DEMO: bool = false;
    pub const SHUTDOWN_TIMEOUT_SECS: u64 = 30;
    /// Mail jobs spend most of their time waiting on the SMTP server (see
    /// docs/PERFORMANCE.md, "Digests at 1M readers"): 8 at once send about four times what 2
    /// do, with the API's latency unchanged.
    pub const JOB_WORKERS: usize = 8;
    pub const JOB_POLL_MS: u64 = 1000;
    pub const JOB_RETRY_BASE_SECS: u64 = 30;
    pub const JOB_LEASE_SECS: u64 = 600;
    pub const UPLOAD_MAX_BYTES: usize = 15 * 1000 * 1000;
    pub const UPLOAD_MAX_PIXELS: u64 = 50 * 1000 * 1000;
    pub const UPLOAD_QUOTA_PER_PERSON: i64 = 200 * 1000 * 1000;
    pub const UPLOAD_QUOTA_PER_ORGANISATION: i64 = 1000 * 1000 * 1000;
    /// Decoding and encoding a 12-megapixel photo keeps a core busy for about a second:
    /// two at once leave the other requests their share of two cores.
    pub const UPLOAD_PROCESSING: usize = 2;
    pub const AUTO_HIDE_REPORTS: u32 = 5;
    pub const NEW_ACCOUNT_COMMENTS_PER_HOUR: u32 = 10;
    pub const NEW_ACCOUNT_LINKS_PER_DAY: u32 = 2;
    pub const S3_REGION: &str = "us-east-1";
}

/// The address people reach the server at, for absolute links (feeds, redirects).
#[derive(Debug, Clone)]
pub struct PublicUrl(pub Url);

impl PublicUrl {
    /// `path` (starting with `/`) on the public address.
    pub fn join(&self, path: &str) -> String {
        format!("{}{path}", self.0.as_str().trim_end_matches('/'))
    }

    /// A page of the web app with a query, for links in mail: `/{page}?name=value…`.
    pub fn page(&self, page: &str, query: &[(&str, &str)]) -> String {
        let mut url = self.0.clone();
        url.set_path(&format!("/{page}"));
        url.set_query(None);
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        url.to_string()
    }
}

fn default_url(url: &str) -> Url {
    Url::parse(url).unwrap_or_else(|_| unreachable!("a valid constant URL"))
}

/// Server settings. Every flag also reads the environment variable named beside it; yes/no
/// settings take `true`/`false`, `1`/`0`, `yes`/`no` or `on`/`off`.
#[derive(Debug, Clone, Args)]
pub struct Settings {
    /// Database: `postgres://…` for PostgreSQL, `sqlite://path` or a file path for SQLite.
    /// Absent: `ensemble.sqlite3` in the data directory.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,

    /// Where the server keeps its SQLite database and generated development secrets.
    #[arg(long, env = "ENSEMBLE_DATA_DIR", default_value = defaults::DATA_DIR)]
    pub data_dir: PathBuf,

    /// Address and port to listen on (`0` as the port picks a free one).
    #[arg(long, env = "ENSEMBLE_LISTEN", default_value = defaults::LISTEN)]
    pub listen: String,

    /// The URL people and providers reach the server at (links, OAuth redirects).
    /// Absent: `http://` + the listen address.
    #[arg(long, env = "ENSEMBLE_PUBLIC_URL")]
    pub public_url: Option<Url>,

    /// The built web app (index.html and its hashed assets).
    #[arg(long, env = "ENSEMBLE_WEB_DIR", default_value = defaults::WEB_DIR)]
    pub web_dir: PathBuf,

    /// Origins of third-party web apps allowed to call the API from a browser, separated by
    /// commas, or `*` for any. Absent: same-origin only.
    #[arg(long, env = "ENSEMBLE_CORS_ORIGINS", value_delimiter = ',')]
    pub cors_origins: Vec<String>,

    /// Largest request body accepted, in bytes.
    #[arg(long, env = "ENSEMBLE_MAX_BODY_BYTES", default_value_t = defaults::MAX_BODY_BYTES)]
    pub max_body_bytes: usize,

    /// Database connections kept in the pool.
    #[arg(long, env = "ENSEMBLE_DB_POOL_SIZE", default_value_t = defaults::DB_POOL_SIZE)]
    pub db_pool_size: u32,

    /// HTTP worker threads (absent: one per core).
    #[arg(long, env = "ENSEMBLE_WORKERS")]
    pub workers: Option<usize>,

    /// Log as JSON lines (for log collectors) instead of human-readable text.
    #[arg(long, env = "ENSEMBLE_LOG_JSON", default_value_t = defaults::LOG_JSON, action = ArgAction::Set, value_parser = BoolishValueParser::new())]
    pub log_json: bool,

    /// Which log lines to write, as `tracing`'s filter directives (`debug`,
    /// `info,ensemble_api=debug`, …).
    #[arg(long, env = "RUST_LOG", default_value = defaults::LOG_FILTER)]
    pub log_filter: String,

    /// Sign-in and registration attempts allowed per client IP per 10 minutes.
    #[arg(long, env = "ENSEMBLE_AUTH_ATTEMPTS_PER_IP", default_value_t = defaults::AUTH_ATTEMPTS_PER_IP)]
    pub auth_attempts_per_ip: u32,

    /// Failed sign-ins allowed per account and client address per 10 minutes.
    #[arg(long, env = "ENSEMBLE_AUTH_FAILURES_PER_ACCOUNT", default_value_t = defaults::AUTH_FAILURES_PER_ACCOUNT)]
    pub auth_failures_per_account: u32,

    /// The reverse proxies in front of this server, as networks or addresses separated by
    /// commas (`127.0.0.1,10.0.0.0/8`): the client address is the rightmost hop of
    /// `X-Forwarded-For` that is not one of them. Absent: the peer is the client.
    #[arg(long, env = "ENSEMBLE_TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Vec<String>,

    /// Sign-in with Google (OpenID Connect): the OAuth client id and secret.
    #[arg(long, env = "ENSEMBLE_GOOGLE_CLIENT_ID")]
    pub google_client_id: Option<String>,
    #[arg(long, env = "ENSEMBLE_GOOGLE_CLIENT_SECRET", hide_env_values = true)]
    pub google_client_secret: Option<Secret>,
    /// Google's issuer; discovery finds its endpoints (override only to test).
    #[arg(
        long,
        env = "ENSEMBLE_GOOGLE_ISSUER",
        default_value = defaults::GOOGLE_ISSUER
    )]
    pub google_issuer: Url,

    /// Sign-in with Facebook Login: the app id and secret.
    #[arg(long, env = "ENSEMBLE_FACEBOOK_CLIENT_ID")]
    pub facebook_client_id: Option<String>,
    #[arg(long, env = "ENSEMBLE_FACEBOOK_CLIENT_SECRET", hide_env_values = true)]
    pub facebook_client_secret: Option<Secret>,
    /// Facebook's login dialog (override only to test).
    #[arg(
        long,
        env = "ENSEMBLE_FACEBOOK_DIALOG_URL",
        default_value = defaults::FACEBOOK_DIALOG_URL
    )]
    pub facebook_dialog_url: Url,
    /// Facebook's Graph API (override only to test).
    #[arg(
        long,
        env = "ENSEMBLE_FACEBOOK_GRAPH_URL",
        default_value = defaults::FACEBOOK_GRAPH_URL
    )]
    pub facebook_graph_url: Url,

    /// Sign-in with any OpenID Connect provider (e.g. a Keycloak realm): its issuer URL,
    /// where `/.well-known/openid-configuration` is found.
    #[arg(long, env = "ENSEMBLE_OIDC_ISSUER")]
    pub oidc_issuer: Option<Url>,
    #[arg(long, env = "ENSEMBLE_OIDC_CLIENT_ID")]
    pub oidc_client_id: Option<String>,
    #[arg(long, env = "ENSEMBLE_OIDC_CLIENT_SECRET", hide_env_values = true)]
    pub oidc_client_secret: Option<Secret>,
    /// The name the sign-in button shows for it.
    #[arg(long, env = "ENSEMBLE_OIDC_NAME", default_value = defaults::OIDC_NAME)]
    pub oidc_name: String,

    /// The payment provider: `sandbox` (a built-in test checkout where no money moves) or
    /// `stripe`.
    #[arg(long, env = "ENSEMBLE_PAYMENTS", default_value_t = defaults::PAYMENTS)]
    pub payments: PaymentProvider,
    /// Allow the sandbox (test money) on an `https://` public address: only for a test
    /// deployment. Without it, such a server refuses to start with the sandbox.
    #[arg(long, env = "ENSEMBLE_ALLOW_SANDBOX", default_value_t = defaults::ALLOW_SANDBOX, action = ArgAction::Set, value_parser = BoolishValueParser::new())]
    pub allow_sandbox: bool,
    /// Stripe's secret API key (`sk_live_…`, `sk_test_…`).
    #[arg(long, env = "ENSEMBLE_STRIPE_SECRET_KEY", hide_env_values = true)]
    pub stripe_secret_key: Option<Secret>,
    /// The signing secret of the webhook endpoint `<public URL>/api/v1/payments/stripe/webhook`
    /// (`whsec_…`).
    #[arg(long, env = "ENSEMBLE_STRIPE_WEBHOOK_SECRET", hide_env_values = true)]
    pub stripe_webhook_secret: Option<Secret>,
    /// Stripe's API (override only to test).
    #[arg(
        long,
        env = "ENSEMBLE_STRIPE_API_BASE",
        default_value = defaults::STRIPE_API_BASE
    )]
    pub stripe_api_base: Url,

    /// Load the demo data (fictitious organisations and people) at start, if the database
    /// has no organisations yet.
    #[arg(long, env = "ENSEMBLE_DEMO", default_value_t = defaults::DEMO, action = ArgAction::Set, value_parser = BoolishValueParser::new())]
    pub demo: bool,

    /// The bearer token `/metrics` asks for. Absent: `/metrics` answers only requests made
    /// directly from this machine (a loopback peer, no proxy in between).
    #[arg(long, env = "ENSEMBLE_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<Secret>,

    /// The key access tokens are signed with (HMAC). Absent: generated once and kept in
    /// `<data dir>/secrets.json`, which suits one development machine, not several servers.
    #[arg(long, env = "ENSEMBLE_TOKEN_SECRET", hide_env_values = true)]
    pub token_secret: Option<Secret>,
    /// The key the sandbox signs its checkout links and events with. Absent: like the token
    /// key, generated once in the data directory.
    #[arg(long, env = "ENSEMBLE_SANDBOX_SECRET", hide_env_values = true)]
    pub sandbox_secret: Option<Secret>,

    /// The SMTP server mail goes through: `smtps://user:password@host:465` (TLS), or
    /// `smtp://user:password@host:587` (STARTTLS, required; `?tls=opportunistic`, or
    /// `?tls=none` for a relay on this machine). Absent: each message is written as an
    /// `.eml` file under `<data dir>/mail/` (and the log names it).
    #[arg(long, env = "ENSEMBLE_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<Secret>,

    /// The sender of every message, e.g. `Ensemble <noreply@example.org>`. Absent:
    /// `noreply@` the public URL's host.
    #[arg(long, env = "ENSEMBLE_MAIL_FROM")]
    pub mail_from: Option<String>,

    /// Background jobs (mail, periodic work) this server does at once; 0 runs none here
    /// (another server on the same database does them).
    #[arg(long, env = "ENSEMBLE_JOB_WORKERS", default_value_t = defaults::JOB_WORKERS)]
    pub job_workers: usize,

    /// How often an idle job worker looks for work, in milliseconds (jobs this server
    /// queues wake it at once).
    #[arg(long, env = "ENSEMBLE_JOB_POLL_MS", default_value_t = defaults::JOB_POLL_MS)]
    pub job_poll_ms: u64,

    /// Seconds before a failed job's first retry; each next one waits twice as long (at
    /// most six hours).
    #[arg(long, env = "ENSEMBLE_JOB_RETRY_BASE_SECS", default_value_t = defaults::JOB_RETRY_BASE_SECS)]
    pub job_retry_base_secs: u64,

    /// Seconds a worker may hold a job before another worker may take it (one that died).
    #[arg(long, env = "ENSEMBLE_JOB_LEASE_SECS", default_value_t = defaults::JOB_LEASE_SECS)]
    pub job_lease_secs: u64,

    /// The largest picture file accepted, in bytes.
    #[arg(long, env = "ENSEMBLE_UPLOAD_MAX_BYTES", default_value_t = defaults::UPLOAD_MAX_BYTES)]
    pub upload_max_bytes: usize,

    /// The most pixels (width × height) an uploaded picture may have.
    #[arg(long, env = "ENSEMBLE_UPLOAD_MAX_PIXELS", default_value_t = defaults::UPLOAD_MAX_PIXELS)]
    pub upload_max_pixels: u64,

    /// The bytes one person's uploaded pictures (all their variants) may take.
    #[arg(long, env = "ENSEMBLE_UPLOAD_QUOTA_PER_PERSON", default_value_t = defaults::UPLOAD_QUOTA_PER_PERSON)]
    pub upload_quota_per_person: i64,

    /// The bytes the pictures one organisation shows may take.
    #[arg(long, env = "ENSEMBLE_UPLOAD_QUOTA_PER_ORGANISATION", default_value_t = defaults::UPLOAD_QUOTA_PER_ORGANISATION)]
    pub upload_quota_per_organisation: i64,

    /// Pictures processed at once; more wait their turn (without holding a thread).
    #[arg(long, env = "ENSEMBLE_UPLOAD_PROCESSING", default_value_t = defaults::UPLOAD_PROCESSING)]
    pub upload_processing: usize,

    /// A comment reported by this many people is hidden until a moderator looks (0: never
    /// automatically).
    #[arg(long, env = "ENSEMBLE_AUTO_HIDE_REPORTS", default_value_t = defaults::AUTO_HIDE_REPORTS)]
    pub auto_hide_reports: u32,

    /// Comments an account may post in an hour on its first day (afterwards, 20 a minute).
    #[arg(long, env = "ENSEMBLE_NEW_ACCOUNT_COMMENTS_PER_HOUR", default_value_t = defaults::NEW_ACCOUNT_COMMENTS_PER_HOUR)]
    pub new_account_comments_per_hour: u32,

    /// Comments with a link an account may post on its first day.
    #[arg(long, env = "ENSEMBLE_NEW_ACCOUNT_LINKS_PER_DAY", default_value_t = defaults::NEW_ACCOUNT_LINKS_PER_DAY)]
    pub new_account_links_per_day: u32,

    /// Keep pictures in an S3-compatible bucket (for several servers) at this endpoint, e.g.
    /// `https://s3.eu-west-3.amazonaws.com` or `http://127.0.0.1:9000`. Absent (and no
    /// bucket): files under `<data dir>/uploads`.
    #[arg(long, env = "ENSEMBLE_S3_ENDPOINT")]
    pub s3_endpoint: Option<String>,
    /// The bucket's name; setting it turns the bucket on.
    #[arg(long, env = "ENSEMBLE_S3_BUCKET")]
    pub s3_bucket: Option<String>,
    #[arg(long, env = "ENSEMBLE_S3_REGION", default_value = defaults::S3_REGION)]
    pub s3_region: String,
    #[arg(long, env = "ENSEMBLE_S3_ACCESS_KEY_ID")]
    pub s3_access_key_id: Option<String>,
    #[arg(long, env = "ENSEMBLE_S3_SECRET_ACCESS_KEY", hide_env_values = true)]
    pub s3_secret_access_key: Option<Secret>,
    /// The bucket's public address, if browsers may read it directly (`/media/…` then
    /// redirects there). Absent: this server serves the pictures.
    #[arg(long, env = "ENSEMBLE_S3_PUBLIC_URL")]
    pub s3_public_url: Option<Url>,

    /// Seconds in-flight requests get to finish after SIGTERM.
    #[arg(long, env = "ENSEMBLE_SHUTDOWN_TIMEOUT", default_value_t = defaults::SHUTDOWN_TIMEOUT_SECS)]
    pub shutdown_timeout_secs: u64,
}

impl Settings {
    /// Settings for a server on `listen` with its data in `data_dir`, everything else default.
    pub fn new(data_dir: PathBuf, listen: impl Into<String>) -> Self {
        Self {
            database_url: None,
            data_dir,
            listen: listen.into(),
            public_url: None,
            web_dir: PathBuf::from(defaults::WEB_DIR),
            cors_origins: Vec::new(),
            max_body_bytes: defaults::MAX_BODY_BYTES,
            db_pool_size: defaults::DB_POOL_SIZE,
            workers: None,
            log_json: defaults::LOG_JSON,
            log_filter: defaults::LOG_FILTER.into(),
            auth_attempts_per_ip: defaults::AUTH_ATTEMPTS_PER_IP,
            auth_failures_per_account: defaults::AUTH_FAILURES_PER_ACCOUNT,
            trusted_proxies: Vec::new(),
            google_client_id: None,
            google_client_secret: None,
            google_issuer: default_url(defaults::GOOGLE_ISSUER),
            facebook_client_id: None,
            facebook_client_secret: None,
            facebook_dialog_url: default_url(defaults::FACEBOOK_DIALOG_URL),
            facebook_graph_url: default_url(defaults::FACEBOOK_GRAPH_URL),
            oidc_issuer: None,
            oidc_client_id: None,
            oidc_client_secret: None,
            oidc_name: defaults::OIDC_NAME.into(),
            payments: defaults::PAYMENTS,
            allow_sandbox: defaults::ALLOW_SANDBOX,
            stripe_secret_key: None,
            stripe_webhook_secret: None,
            stripe_api_base: default_url(defaults::STRIPE_API_BASE),
            demo: defaults::DEMO,
            metrics_token: None,
            token_secret: None,
            sandbox_secret: None,
            shutdown_timeout_secs: defaults::SHUTDOWN_TIMEOUT_SECS,
            smtp_url: None,
            mail_from: None,
            job_workers: defaults::JOB_WORKERS,
            job_poll_ms: defaults::JOB_POLL_MS,
            job_retry_base_secs: defaults::JOB_RETRY_BASE_SECS,
            job_lease_secs: defaults::JOB_LEASE_SECS,
            upload_max_bytes: defaults::UPLOAD_MAX_BYTES,
            upload_max_pixels: defaults::UPLOAD_MAX_PIXELS,
            upload_quota_per_person: defaults::UPLOAD_QUOTA_PER_PERSON,
            upload_quota_per_organisation: defaults::UPLOAD_QUOTA_PER_ORGANISATION,
            upload_processing: defaults::UPLOAD_PROCESSING,
            auto_hide_reports: defaults::AUTO_HIDE_REPORTS,
            new_account_comments_per_hour: defaults::NEW_ACCOUNT_COMMENTS_PER_HOUR,
            new_account_links_per_day: defaults::NEW_ACCOUNT_LINKS_PER_DAY,
            s3_endpoint: None,
            s3_bucket: None,
            s3_region: defaults::S3_REGION.into(),
            s3_access_key_id: None,
            s3_secret_access_key: None,
            s3_public_url: None,
        }
    }

    /// How the job runner works.
    pub fn jobs(&self) -> crate::jobs::Config {
        use std::time::Duration;
        crate::jobs::Config {
            concurrency: self.job_workers,
            poll: Duration::from_millis(self.job_poll_ms.max(10)),
            retry_base: Duration::from_secs(self.job_retry_base_secs.max(1)),
            lease: Duration::from_secs(self.job_lease_secs.max(1)),
        }
    }

    /// The picture store: the bucket if one is named, else the data directory.
    pub fn media(&self) -> anyhow::Result<crate::media::Media> {
        match self.s3_bucket.as_deref().map(str::trim) {
            Some(bucket) if !bucket.is_empty() => crate::media::Media::s3(
                &crate::media::S3Settings {
                    endpoint: self.s3_endpoint.clone().filter(|e| !e.trim().is_empty()),
                    bucket: bucket.to_owned(),
                    region: self.s3_region.clone(),
                    access_key_id: self.s3_access_key_id.clone(),
                    secret_access_key: self
                        .s3_secret_access_key
                        .as_ref()
                        .map(|s| s.expose().to_owned()),
                    public_url: self.s3_public_url.clone(),
                },
                self.upload_processing,
            ),
            _ if self.s3_endpoint.is_some() => {
                anyhow::bail!("ENSEMBLE_S3_ENDPOINT is set but ENSEMBLE_S3_BUCKET is not")
            }
            _ => crate::media::Media::local(&self.data_dir.join("uploads"), self.upload_processing),
        }
    }

    /// The limits uploads are held to.
    pub fn upload_rules(&self) -> crate::routes::uploads::UploadRules {
        crate::routes::uploads::UploadRules {
            max_bytes: self.upload_max_bytes.max(1024),
            max_pixels: self.upload_max_pixels.max(1),
            quota_per_person: self.upload_quota_per_person.max(0),
            quota_per_organisation: self.upload_quota_per_organisation.max(0),
        }
    }

    /// The sender of mail: the setting, else `noreply@` the public host.
    pub fn mail_sender(&self, public_url: &Url) -> String {
        match &self.mail_from {
            Some(from) if !from.trim().is_empty() => from.trim().to_owned(),
            _ => format!(
                "Ensemble <noreply@{}>",
                match public_url.host_str() {
                    Some(host)
                        if host.contains('.') && host.parse::<std::net::IpAddr>().is_err() =>
                        host,
                    _ => "localhost.localdomain",
                }
            ),
        }
    }

    /// The public URL, or by default `http://` + `address` (the address the server listens
    /// at, once bound: a port `0` has become the one picked).
    pub fn public_url_at(&self, address: &str) -> anyhow::Result<Url> {
        match &self.public_url {
            Some(url) => Ok(url.clone()),
            None => Url::parse(&format!("http://{address}"))
                .with_context(|| format!("http://{address} as the public URL")),
        }
    }

    /// The database to use, with the embedded default resolved.
    pub fn database(&self) -> anyhow::Result<DatabaseUrl> {
        match &self.database_url {
            Some(url) if !url.trim().is_empty() => DatabaseUrl::parse(url),
            _ => Ok(DatabaseUrl::Sqlite(self.data_dir.join("ensemble.sqlite3"))),
        }
    }

    /// The sign-in providers configured: each needs its client id and secret (one without
    /// the other is a configuration error, reported at start).
    pub fn oauth_providers(&self) -> anyhow::Result<Vec<oauth::Provider>> {
        let mut providers = Vec::new();
        let mut add = |id: oauth::SignInProvider,
                       name: &str,
                       client: (&Option<String>, &Option<Secret>),
                       protocol: Protocol| {
            match client {
                (Some(client_id), Some(secret))
                    if !client_id.is_empty() && !secret.expose().is_empty() =>
                {
                    providers.push(oauth::Provider {
                        id,
                        name: name.to_owned(),
                        client_id: client_id.clone(),
                        client_secret: secret.clone(),
                        protocol,
                    });
                    Ok(())
                }
                (None, None) => Ok(()),
                _ => Err(anyhow::anyhow!(
                    "the {id} sign-in needs both a client id and a client secret"
                )),
            }
        };
        add(
            oauth::SignInProvider::Google,
            "Google",
            (&self.google_client_id, &self.google_client_secret),
            Protocol::Oidc {
                issuer: self.google_issuer.clone(),
            },
        )?;
        add(
            oauth::SignInProvider::Facebook,
            "Facebook",
            (&self.facebook_client_id, &self.facebook_client_secret),
            Protocol::Facebook {
                dialog_url: self.facebook_dialog_url.clone(),
                graph_url: self.facebook_graph_url.clone(),
            },
        )?;
        match &self.oidc_issuer {
            Some(issuer) => add(
                oauth::SignInProvider::Oidc,
                &self.oidc_name,
                (&self.oidc_client_id, &self.oidc_client_secret),
                Protocol::Oidc {
                    issuer: issuer.clone(),
                },
            )?,
            None if self.oidc_client_id.is_some() => {
                anyhow::bail!("ENSEMBLE_OIDC_CLIENT_ID is set but ENSEMBLE_OIDC_ISSUER is not")
            }
            None => {}
        }
        Ok(providers)
    }

    /// Creates the data directory if needed.
    pub fn ensure_data_dir(&self) -> anyhow::Result<()> {
        std::fs::create_dir_all(&self.data_dir)
            .with_context(|| format!("creating the data directory {}", self.data_dir.display()))
    }
}
