//! What is not an API route: the built web app (static files, and `index.html` for deep
//! links such as `/feed`), and the API's own 404 and 405 answers.

use std::path::{Path, PathBuf};

use actix_files::NamedFile;
use actix_web::dev::ResourceDef;
use actix_web::http::Method;
use actix_web::http::header::{self, HeaderValue};
use actix_web::web::Data;
use actix_web::{HttpRequest, HttpResponse};

use crate::error::ApiError;
use crate::openapi;

/// The routes of the API, to tell "wrong method" (405) from "no such path" (404), and
/// where the web app lives.
pub struct Fallback {
    routes: Vec<(ResourceDef, Vec<String>)>,
    web_dir: PathBuf,
}

impl Fallback {
    pub fn new(doc: &utoipa::openapi::OpenApi, web_dir: PathBuf) -> Self {
        let routes = doc
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let methods = openapi::operations(item)
                    .map(|(method, _)| method.to_owned())
                    .collect();
                (ResourceDef::new(path.as_str()), methods)
            })
            .collect();
        Self { routes, web_dir }
    }

    fn allowed_methods(&self, path: &str) -> Option<Vec<String>> {
        self.routes
            .iter()
            .find(|(def, _)| def.is_match(path))
            .map(|(_, methods)| methods.clone())
    }
}

fn is_api_path(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/")
}

/// The default service: runs when no route matched the path and method.
pub async fn fallback(
    req: HttpRequest,
    fallback: Data<Fallback>,
) -> Result<HttpResponse, ApiError> {
    let path = req.path();
    if let Some(allowed) = fallback.allowed_methods(path) {
        return Err(ApiError::MethodNotAllowed(allowed));
    }
    if is_api_path(path) {
        return Err(ApiError::RouteNotFound);
    }
    if !matches!(*req.method(), Method::GET | Method::HEAD) {
        return Err(ApiError::MethodNotAllowed(vec![
            "GET".into(),
            "HEAD".into(),
        ]));
    }
    serve_web_app(&req, &fallback.web_dir)
}

fn serve_web_app(req: &HttpRequest, dir: &Path) -> Result<HttpResponse, ApiError> {
    let relative = req.path().trim_start_matches('/');
    // Only plain file names are looked up on disk: no dot-segments, no hidden files, no
    // percent-encoding tricks. Anything else is a deep link into the app.
    let plain = !relative.is_empty()
        && relative.split('/').all(|segment| {
            !segment.is_empty()
                && !segment.starts_with('.')
                && segment
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
        });
    if plain {
        let file = dir.join(relative);
        if file.is_file() {
            let cache = if is_hashed(relative) {
                "public, max-age=31536000, immutable"
            } else {
                "no-cache"
            };
            return open(&file, req, cache);
        }
        // A missing asset is a 404, not the app: a browser would run HTML as a script.
        if relative
            .rsplit('/')
            .next()
            .is_some_and(|name| name.contains('.'))
        {
            return Err(ApiError::NotFound("file"));
        }
    }
    let index = dir.join("index.html");
    if !index.is_file() {
        tracing::warn!(dir = %dir.display(), "the web app is not built (run scripts/build-web.sh)");
        return Err(ApiError::NotFound(
            "web app (it is not built on this server)",
        ));
    }
    open(&index, req, "no-cache")
}

fn open(file: &Path, req: &HttpRequest, cache: &'static str) -> Result<HttpResponse, ApiError> {
    let named = NamedFile::open(file).map_err(|e| ApiError::Internal(e.into()))?;
    let mut response = named.into_response(req);
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    Ok(response)
}

/// Build outputs carry a content hash (`app-1a2b3c4d5e.wasm`); those never change.
fn is_hashed(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let stem = name.split('.').next().unwrap_or(name);
    stem.rsplit_once('-')
        .is_some_and(|(_, hash)| hash.len() >= 8 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::is_hashed;

    #[test]
    fn recognises_hashed_assets() {
        assert!(is_hashed("ensemble-web-0123456789abcdef.js"));
        assert!(is_hashed("assets/style-deadbeef.css"));
        assert!(is_hashed("ensemble-web_bg-0123456789abcdef.wasm"));
        assert!(!is_hashed("index.html"));
        assert!(!is_hashed("favicon.svg"));
        assert!(!is_hashed("my-file.js"));
    }
}
