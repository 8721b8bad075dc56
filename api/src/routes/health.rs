//! Probes for orchestrators and monitoring.

use actix_web::web::Data;
use actix_web::{HttpRequest, HttpResponse, get};
use ensemble_wire::Code;
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::Db;
use crate::error::ApiError;
use crate::metrics::Metrics;
use crate::metrics::MetricsAccess;

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
    db.ping().await?;
    Ok(HttpResponse::Ok().json(Health { status: "ok" }))
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
    let jobs = crate::jobs::depth(&db).await?;
    let text = metrics.render(&db, &jobs)?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(text))
}
