//! Probes for orchestrators and monitoring.

use actix_web::web::Data;
use actix_web::{HttpRequest, HttpResponse, get};
use diesel::connection::SimpleConnection;
use ensemble_wire::Code;
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::Db;
use crate::db::StoreError;
use crate::error::ApiError;
use crate::metrics::Metrics;

#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// Always `ok` when the server answers.
    pub status: &'static str,
}

/// Liveness: the process is up and serving.
#[utoipa::path(
    tag = "operations",
    operation_id = "healthz",
    responses((status = 200, description = "The process is up", body = Health))
)]
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(Health { status: "ok" })
}

/// Readiness: the database answers.
#[utoipa::path(
    tag = "operations",
    operation_id = "readyz",
    responses(
        (status = 200, description = "Ready to serve", body = Health),
        (status = 503, description = "The database cannot be reached"),
    )
)]
#[get("/readyz")]
pub async fn readyz(db: Data<Db>) -> Result<HttpResponse, ApiError> {
    db.run(|conn| {
        conn.batch_execute("SELECT 1").map_err(|e| {
            tracing::warn!(error = %e, "readiness query failed");
            StoreError::Unavailable
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(Health { status: "ok" }))
}

/// Who may read `/metrics`: the holder of its token when one is set; else, on a server
/// whose public address is this machine (a development one), a client on this machine
/// talking to it directly. A deployed server without a token shows its metrics to nobody
/// (a proxy on the same machine could otherwise pass them on).
#[derive(Debug, Clone)]
pub struct MetricsAccess {
    pub token: Option<crate::secrets::Secret>,
    pub local_server: bool,
}

impl MetricsAccess {
    fn allows(&self, req: &HttpRequest) -> bool {
        match &self.token {
            Some(token) => req
                .headers()
                .get(actix_web::http::header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Bearer "))
                .is_some_and(|given| {
                    crate::payments::signature::constant_time_eq(
                        given.as_bytes(),
                        token.expose().as_bytes(),
                    )
                }),
            None => {
                self.local_server
                    && req.peer_addr().is_some_and(|peer| peer.ip().is_loopback())
                    && !req.headers().contains_key("x-forwarded-for")
                    && !req.headers().contains_key("forwarded")
            }
        }
    }
}

/// Prometheus metrics (text format 0.0.4): requests by route and status, latency
/// histogram, database pool usage. With `ENSEMBLE_METRICS_TOKEN`, for its bearer only;
/// without, for clients on this machine only (never through a proxy).
#[utoipa::path(
    tag = "operations",
    operation_id = "metrics",
    responses(
        (status = 200, description = "Metrics", body = String,
         content_type = "text/plain; version=0.0.4"),
        (status = 403, description = "`forbidden`: not this machine, or not the metrics token"),
    )
)]
#[get("/metrics")]
pub async fn metrics(
    req: HttpRequest,
    access: Data<MetricsAccess>,
    metrics: Data<Metrics>,
    db: Data<Db>,
) -> Result<HttpResponse, ApiError> {
    if !access.allows(&req) {
        return Err(ApiError::Forbidden(Code::Forbidden));
    }
    let text = metrics.render(&db)?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(text))
}
