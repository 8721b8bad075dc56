//! The outermost middleware: gives each request an id (kept from a sane `X-Request-Id`, else
//! new), a tracing span, its language, metrics and one log line.

use std::time::Instant;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::web::Data;
use tracing::Instrument;

use crate::context::{self, RequestContext};
use crate::domain::lang::Lang;
use crate::metrics::Metrics;

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

pub async fn request_context(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let id = req
        .headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty()
                && v.len() <= 64
                && v.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b))
        })
        .map_or_else(|| uuid::Uuid::new_v4().simple().to_string(), str::to_owned);
    let lang = req
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map_or(Lang::En, Lang::from_accept_language);
    let metrics = req.app_data::<Data<Metrics>>().cloned();
    // Any other method would be a new metric series: memory for whoever sends `FOO1`, `FOO2`…
    let method = match req.method().as_str() {
        m @ ("GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS") => m.to_owned(),
        _ => "OTHER".to_owned(),
    };
    let span = tracing::info_span!("request", id = %id, method = %method, path = %req.path());
    let start = Instant::now();

    let ctx = RequestContext {
        id: id.clone(),
        lang,
    };
    // Handlers' errors become responses inside this scope, so they carry the request id
    // and the language. (An error from a middleware passes through unchanged.)
    let result = context::scope(ctx, next.call(req).instrument(span.clone())).await;
    let mut res = match result {
        Ok(res) => res.map_into_boxed_body(),
        Err(err) => {
            let status = err.as_response_error().status_code().as_u16();
            if let Some(metrics) = &metrics {
                metrics.observe(&method, "unmatched", status, start.elapsed().as_secs_f64());
            }
            tracing::info!(parent: &span, status, error = %err, "request refused by middleware");
            return Err(err);
        }
    };

    if let Ok(value) = HeaderValue::from_str(&id) {
        res.headers_mut().insert(REQUEST_ID, value);
    }
    let status = res.status().as_u16();
    let elapsed = start.elapsed();
    let route = res
        .request()
        .match_pattern()
        .unwrap_or_else(|| "unmatched".into());
    if let Some(metrics) = metrics {
        metrics.observe(&method, &route, status, elapsed.as_secs_f64());
    }
    let millis = elapsed.as_secs_f64() * 1000.0;
    if status >= 500 {
        tracing::error!(parent: &span, status, millis, route = %route, "request failed");
    } else {
        tracing::info!(parent: &span, status, millis, route = %route, "request");
    }
    Ok(res)
}
