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
use crate::metrics::Metrics;
use ensemble_wire::Lang;

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

/// HTTP caching for the API's successful reads: a weak `ETag` (a hash of the body) with
/// `304 Not Modified` when `If-None-Match` names it, and a `Cache-Control` saying who may
/// keep the response. Anonymous reads are public for a minute (any cache may keep them,
/// one copy per language); a signed-in reader's response is private and revalidated each
/// time. A handler that set its own `Cache-Control` keeps it.
pub async fn http_cache(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let read = matches!(
        *req.method(),
        actix_web::http::Method::GET | actix_web::http::Method::HEAD
    ) && req.path().starts_with(crate::routes::API_PREFIX);
    let signed_in = req.headers().contains_key(header::AUTHORIZATION);
    let presented = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let res = next.call(req).await?;
    if !read || res.status() != actix_web::http::StatusCode::OK {
        return Ok(res.map_into_boxed_body());
    }
    let (req, res) = res.into_parts();
    let (mut head, body) = res.into_parts();
    let bytes = match body.try_into_bytes() {
        Ok(bytes) => bytes,
        // A streamed body is passed on as it is.
        Err(body) => {
            return Ok(ServiceResponse::new(
                req,
                head.set_body(body).map_into_boxed_body(),
            ));
        }
    };
    let etag = etag_of(&bytes);
    let headers = head.headers_mut();
    if !headers.contains_key(header::CACHE_CONTROL) {
        let policy = if signed_in {
            "private, no-cache"
        } else {
            "public, max-age=60"
        };
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
        headers.append(
            header::VARY,
            HeaderValue::from_static("Accept-Language, Authorization"),
        );
    }
    if let Ok(value) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, value);
    }
    if presented.is_some_and(|p| matches_etag(&p, &etag)) {
        let mut not_modified = head.set_body(BoxBody::new(()));
        *not_modified.status_mut() = actix_web::http::StatusCode::NOT_MODIFIED;
        not_modified.headers_mut().remove(header::CONTENT_TYPE);
        return Ok(ServiceResponse::new(req, not_modified));
    }
    Ok(ServiceResponse::new(
        req,
        head.set_body(BoxBody::new(bytes)),
    ))
}

/// A weak entity tag: 128 bits of SHA-256 of the body (weak, since compression changes
/// the bytes but not the meaning).
fn etag_of(body: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(body);
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("W/\"{hex}\"")
}

/// `If-None-Match` (a list, or `*`) against our tag, by weak comparison.
fn matches_etag(presented: &str, etag: &str) -> bool {
    let ours = etag.trim_start_matches("W/");
    presented
        .split(',')
        .map(str::trim)
        .any(|tag| tag == "*" || tag.trim_start_matches("W/") == ours)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etags_compare_weakly_and_in_lists() {
        let tag = etag_of(b"{\"a\":1}");
        assert!(tag.starts_with("W/\"") && tag.len() == 36);
        assert_eq!(tag, etag_of(b"{\"a\":1}"));
        assert_ne!(tag, etag_of(b"{\"a\":2}"));
        let strong = tag.trim_start_matches("W/");
        assert!(matches_etag(strong, &tag));
        assert!(matches_etag(&format!("W/\"x\", {tag}"), &tag));
        assert!(matches_etag("*", &tag));
        assert!(!matches_etag("W/\"other\"", &tag));
    }
}
