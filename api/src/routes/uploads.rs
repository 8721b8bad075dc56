//! Pictures sent to the server (`POST /uploads`), what became of one (`GET /uploads/{id}`),
//! and their files (`/media/{key}`, outside the API: immutable, cached for ever).

use std::time::Duration;

use actix_web::http::header::{self, HeaderValue};
use actix_web::web::{self, Bytes, BytesMut, Data, Path};
use actix_web::{HttpRequest, HttpResponse, ResponseError, get, post};
use ensemble_wire::{Code, PictureShape, Upload};
use futures_util::{StreamExt, TryStreamExt};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::rate_limit::{Limit, RateLimiter};
use crate::auth::{Auth, Read, Verified};
use crate::db::uploads::{self as store, NewUpload};
use crate::db::{Db, StoreError};
use crate::domain::text::field_error;
use crate::error::ApiError;
use crate::extract::Query;
use crate::media::process::{self, Declared, Refusal};
use crate::media::{self, Media};
use crate::routes::API_PREFIX;

/// Uploads a person may send in an hour.
const UPLOADS_PER_HOUR: Limit = Limit {
    max: 60,
    window: Duration::from_secs(3600),
};

/// The limits uploads are held to, from the settings.
#[derive(Debug, Clone, Copy)]
pub struct UploadRules {
    /// The largest file accepted, in bytes.
    pub max_bytes: usize,
    /// The most pixels a picture may have (width × height).
    pub max_pixels: u64,
    /// The bytes one person's uploads may take.
    pub quota_per_person: i64,
    /// The bytes the pictures one organisation shows may take.
    pub quota_per_organisation: i64,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadParams {
    /// `square` for a logo or an avatar (cropped to its centre square); `any` (the
    /// default) keeps the proportions.
    #[param(value_type = Option<PictureShape>)]
    pub shape: Option<String>,
}

impl From<Refusal> for ApiError {
    fn from(refusal: Refusal) -> Self {
        match refusal {
            Refusal::Unsupported => ApiError::UnsupportedPicture,
            other => ApiError::BadPicture(other.code(), other.to_string()),
        }
    }
}

/// Upload a picture: JPEG, PNG or WebP, as the raw body (with its `Content-Type`) or as the
/// `file` part of a `multipart/form-data` body. Its type is read from its bytes; it is
/// turned upright, stripped of all metadata (a photo's GPS position among them) and made
/// again at widths 160, 480, 1080 and 1920 (those narrower than it, and its own), each in
/// WebP and in JPEG (PNG if it has transparency). Use its `id` where a picture is asked
/// for; an upload nothing uses is deleted after a day. Counts against your quota.
#[utoipa::path(
    tag = "uploads",
    operation_id = "upload_picture",
    security(("bearer" = [])),
    params(UploadParams),
    request_body(
        description = "The picture",
        content(
            (ensemble_wire::pictures::PictureFile = "image/jpeg"),
            (ensemble_wire::pictures::PictureFile = "image/png"),
            (ensemble_wire::pictures::PictureFile = "image/webp"),
            (ensemble_wire::pictures::PictureForm = "multipart/form-data"),
        )
    ),
    responses(
        (status = 201, description = "Stored; `Location` is its address", body = Upload),
        (status = 409, description = "`upload_quota_exceeded`: your pictures take all the room you have"),
        (status = 413, description = "`payload_too_large`: over the size allowed"),
        (status = 415, description = "`unsupported_picture`: not JPEG, PNG or WebP"),
        (status = 422, description = "`damaged_picture` (cut short or undecodable), `too_many_pixels`, `not_only_a_picture` (data after its end, or markup inside), `type_mismatch` (the bytes are not what the name or `Content-Type` says), `not_square`, or `validation_failed` (no `file` part)"),
        (status = 429, description = "Too many uploads: wait `Retry-After` seconds"),
        crate::openapi::problems::Unverified,
    )
)]
#[post("/uploads")]
#[allow(clippy::too_many_arguments)]
pub async fn upload(
    auth: Auth<Verified>,
    db: Data<Db>,
    media: Data<Media>,
    rules: Data<UploadRules>,
    limiter: Data<RateLimiter>,
    req: HttpRequest,
    payload: web::Payload,
    Query(params): Query<UploadParams>,
) -> Result<HttpResponse, ApiError> {
    let shape = match params.shape.as_deref() {
        None | Some("any") => PictureShape::Any,
        Some("square") => PictureShape::Square,
        Some(_) => {
            return Err(ApiError::InvalidQuery(vec![field_error(
                "shape",
                Code::InvalidValue,
                "`any` or `square`",
            )]));
        }
    };
    let rules = **rules;
    let declared_length = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared_length.is_some_and(|length| length > rules.max_bytes + 64 * 1024) {
        return Err(ApiError::PayloadTooLarge(rules.max_bytes));
    }
    limiter.take(&format!("upload:{}", auth.user_id), UPLOADS_PER_HOUR)?;
    let (bytes, declared) = read_file(&req, payload, rules.max_bytes).await?;

    // Whether the quota has room, before spending a core on it (checked again, under a
    // lock, when it is recorded).
    let user_id = auth.user_id;
    let used = db
        .run(move |conn| Ok(store::stored_bytes(conn, user_id)?))
        .await?;
    if used >= rules.quota_per_person {
        return Err(quota_exceeded());
    }

    let permit = media
        .processing
        .clone()
        .acquire_owned()
        .await
        .map_err(|e| ApiError::Internal(e.into()))?;
    let processed = web::block(move || {
        let _permit = permit;
        process::process(
            &bytes,
            &declared,
            process::Rules {
                max_pixels: rules.max_pixels,
                shape,
            },
        )
    })
    .await
    .map_err(|e| ApiError::Internal(anyhow::anyhow!("picture processing failed: {e}")))??;

    let (stored, total) = media.store_new(processed).await?;
    let new = NewUpload {
        id: stored.id.clone(),
        user_id,
        shape,
        picture: stored.clone(),
        bytes: total,
    };
    let quota = rules.quota_per_person;
    let row = match db.run(move |conn| store::insert(conn, &new, quota)).await {
        Ok(row) => row,
        Err(e) => {
            media.delete_all(std::slice::from_ref(&stored)).await;
            return Err(e.into());
        }
    };
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("{API_PREFIX}/uploads/{}", row.id)))
        .json(Upload::from(row)))
}

fn quota_exceeded() -> ApiError {
    ApiError::Conflict(
        Code::UploadQuotaExceeded,
        "Your pictures take all the room you have: use the ones you uploaded, or wait for \
         the unused ones to be removed."
            .into(),
    )
}

/// The file and what the request says of it: the raw body, or the `file` part of a form.
async fn read_file(
    req: &HttpRequest,
    payload: web::Payload,
    max_bytes: usize,
) -> Result<(Bytes, Declared), ApiError> {
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let multipart = content_type.as_deref().is_some_and(|t| {
        t.trim_start()
            .to_ascii_lowercase()
            .starts_with("multipart/form-data")
    });
    let (bytes, declared) = if multipart {
        read_form(req, payload, max_bytes).await?
    } else {
        let bytes = read_limited(payload.map(|c| c.map_err(|e| e.to_string())), max_bytes).await?;
        (
            bytes,
            Declared {
                media_type: content_type,
                file_name: None,
            },
        )
    };
    if bytes.is_empty() {
        return Err(ApiError::Validation(vec![field_error(
            "file",
            Code::Required,
            "send a picture",
        )]));
    }
    Ok((bytes, declared))
}

async fn read_limited<S>(mut stream: S, max_bytes: usize) -> Result<Bytes, ApiError>
where
    S: futures_util::Stream<Item = Result<Bytes, String>> + Unpin,
{
    let mut body = BytesMut::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk
            .map_err(|e| ApiError::Validation(vec![field_error("file", Code::InvalidForm, e)]))?;
        if body.len() + chunk.len() > max_bytes {
            return Err(ApiError::PayloadTooLarge(max_bytes));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

async fn read_form(
    req: &HttpRequest,
    payload: web::Payload,
    max_bytes: usize,
) -> Result<(Bytes, Declared), ApiError> {
    let malformed = |e: actix_multipart::MultipartError| {
        ApiError::Validation(vec![field_error(
            "file",
            Code::InvalidForm,
            format!("not a form this operation understands: {e}"),
        )])
    };
    let mut form = actix_multipart::Multipart::new(req.headers(), payload);
    let mut seen = 0usize;
    while let Some(mut field) = form.try_next().await.map_err(malformed)? {
        if field.name() != Some("file") {
            // Other parts are read past, within the same limit.
            while let Some(chunk) = field.try_next().await.map_err(malformed)? {
                seen += chunk.len();
                if seen > max_bytes {
                    return Err(ApiError::PayloadTooLarge(max_bytes));
                }
            }
            continue;
        }
        let declared = Declared {
            media_type: field.content_type().map(ToString::to_string),
            file_name: field
                .content_disposition()
                .and_then(|d| d.get_filename())
                .map(str::to_owned),
        };
        let bytes = read_limited(
            field.map(|c| c.map_err(|e| e.to_string())),
            max_bytes.saturating_sub(seen),
        )
        .await
        .map_err(|e| match e {
            ApiError::PayloadTooLarge(_) => ApiError::PayloadTooLarge(max_bytes),
            other => other,
        })?;
        return Ok((bytes, declared));
    }
    Err(ApiError::Validation(vec![field_error(
        "file",
        Code::Required,
        "the form has no `file` part",
    )]))
}

/// One of your uploads.
#[utoipa::path(
    tag = "uploads",
    operation_id = "get_upload",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The upload's id")),
    responses(
        (status = 200, description = "The upload and its variants", body = Upload),
        (status = 404, description = "`not_found`: no upload of yours has this id"),
    )
)]
#[get("/uploads/{id}")]
pub async fn get_upload(
    auth: Auth<Read>,
    db: Data<Db>,
    id: Path<String>,
) -> Result<web::Json<Upload>, ApiError> {
    let id = id.into_inner();
    if !media::valid_upload_id(&id) {
        return Err(ApiError::NotFound("upload"));
    }
    let user_id = auth.user_id;
    let row = db
        .run(move |conn| {
            store::find(conn, &id)?
                .filter(|row| row.user_id == Some(user_id))
                .ok_or(StoreError::NotFound("upload"))
        })
        .await?;
    Ok(web::Json(Upload::from(row)))
}

/// A picture's file. Its key names its content, so it never changes: cached for a year,
/// and `304` when the client has it. With a bucket that has a public address, a redirect
/// there.
pub async fn serve(req: HttpRequest, media: Data<Media>, key: Path<String>) -> HttpResponse {
    let key = key.into_inner();
    let not_found = || ApiError::NotFound("picture").error_response();
    if !media::valid_key(&key) {
        return not_found();
    }
    if let Some(url) = media.public_url(&key) {
        return HttpResponse::MovedPermanently()
            .insert_header((header::LOCATION, url))
            .insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"))
            .finish();
    }
    let etag = format!("\"{}\"", media::key_hash(&key).unwrap_or_default());
    let cached = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|presented| {
            presented
                .split(',')
                .map(|t| t.trim().trim_start_matches("W/"))
                .any(|t| t == etag || t == "*")
        });
    let response = |status| {
        let mut builder = HttpResponse::build(status);
        builder
            .insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"))
            .insert_header((header::ETAG, etag.clone()))
            // Pictures are compressed already: the compression middleware leaves them be.
            .insert_header((
                header::CONTENT_ENCODING,
                HeaderValue::from_static("identity"),
            ));
        builder
    };
    if cached {
        return response(actix_web::http::StatusCode::NOT_MODIFIED).finish();
    }
    match media.get(&key).await {
        Ok(Some(bytes)) => response(actix_web::http::StatusCode::OK)
            .content_type(media::content_type(&key))
            .body(bytes),
        Ok(None) => not_found(),
        Err(e) => ApiError::Internal(e).error_response(),
    }
}
