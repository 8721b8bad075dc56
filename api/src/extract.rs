//! Request extractors that turn every client mistake into a precise problem+json: the field
//! at fault is named (through `serde_path_to_error`), and the body size and media type are
//! checked before anything is parsed.

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::web::BytesMut;
use actix_web::{FromRequest, HttpRequest};
use ensemble_wire::{Code, FieldError};
use futures_util::StreamExt;
use futures_util::future::{LocalBoxFuture, Ready, ready};
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// The largest body a request may carry, from the settings.
#[derive(Debug, Clone, Copy)]
pub struct BodyLimit(pub usize);

/// A JSON request body deserialised into `T`.
#[derive(Debug)]
pub struct Json<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let limit = req
            .app_data::<BodyLimit>()
            .map_or(crate::config::defaults::MAX_BODY_BYTES, |limit| limit.0);
        let declared_length = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        let is_json = is_json_content_type(req);
        let mut payload = payload.take();
        Box::pin(async move {
            if declared_length.is_some_and(|len| len > limit) {
                return Err(ApiError::PayloadTooLarge(limit));
            }
            if !is_json {
                return Err(ApiError::UnsupportedMediaType);
            }
            let mut body = BytesMut::new();
            while let Some(chunk) = payload.next().await {
                let chunk = chunk.map_err(|e| ApiError::MalformedJson(e.to_string()))?;
                if body.len() + chunk.len() > limit {
                    return Err(ApiError::PayloadTooLarge(limit));
                }
                body.extend_from_slice(&chunk);
            }
            parse_json(&body).map(Json)
        })
    }
}

fn is_json_content_type(req: &HttpRequest) -> bool {
    let Some(value) = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let essence = value
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// Parses a JSON body, naming the offending field in errors.
/// Every request body of this API is a JSON object: serde would also fill a struct from an
/// array, by position, which no client means.
pub fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    match body.iter().find(|b| !b.is_ascii_whitespace()) {
        None => return Err(ApiError::MalformedJson("the body is empty".into())),
        Some(b'{') => {}
        Some(_) if serde_json::from_slice::<serde_json::Value>(body).is_ok() => {
            return Err(ApiError::Validation(vec![FieldError {
                field: "body".into(),
                code: Code::InvalidType.as_str().into(),
                message: "the body must be a JSON object".into(),
            }]));
        }
        Some(_) => {}
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        match inner.classify() {
            serde_json::error::Category::Data => {
                ApiError::Validation(vec![field_error("body", &path, &inner.to_string())])
            }
            _ => ApiError::MalformedJson(without_position(&inner.to_string())),
        }
    })?;
    de.end()
        .map_err(|e| ApiError::MalformedJson(without_position(&e.to_string())))?;
    Ok(value)
}

/// The query string deserialised into `T`; unknown parameters are ignored.
#[derive(Debug)]
pub struct Query<T>(pub T);

impl<T: DeserializeOwned> FromRequest for Query<T> {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        let pairs = url::form_urlencoded::parse(req.query_string().as_bytes());
        let de = serde_urlencoded::Deserializer::new(pairs);
        ready(
            serde_path_to_error::deserialize(de)
                .map(Query)
                .map_err(|e| {
                    let path = e.path().to_string();
                    ApiError::InvalidQuery(vec![field_error(
                        "query",
                        &path,
                        &e.into_inner().to_string(),
                    )])
                }),
        )
    }
}

/// A field error from a serde message, with a stable code for the kinds serde reports.
fn field_error(root: &str, path: &str, message: &str) -> FieldError {
    let message = without_position(message);
    let backticked = message.split('`').nth(1).map(str::to_owned);
    let (field, code) = if message.starts_with("missing field") {
        (join_path(root, path, backticked.as_deref()), Code::Required)
    } else if message.starts_with("unknown field") {
        // The path already ends with the unknown field's name.
        (join_path(root, path, None), Code::UnknownField)
    } else if message.starts_with("invalid type") {
        (join_path(root, path, None), Code::InvalidType)
    } else if message.starts_with("invalid length") {
        (join_path(root, path, None), Code::InvalidLength)
    } else {
        (join_path(root, path, None), Code::InvalidValue)
    };
    FieldError {
        field,
        code: code.as_str().to_owned(),
        message,
    }
}

fn join_path(root: &str, path: &str, leaf: Option<&str>) -> String {
    let path = if path == "." { "" } else { path };
    match (path.is_empty(), leaf) {
        (true, None) => root.to_owned(),
        (true, Some(leaf)) => leaf.to_owned(),
        (false, None) => path.to_owned(),
        (false, Some(leaf)) => format!("{path}.{leaf}"),
    }
}

/// serde_json appends " at line 1 column 7"; clients do not need it in field messages.
fn without_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Body {
        name: String,
        age: Option<u32>,
        inner: Option<Inner>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        flag: bool,
    }

    fn errors(body: &str) -> (&'static str, Vec<FieldError>) {
        match parse_json::<Body>(body.as_bytes()) {
            Err(ApiError::Validation(errors)) => ("validation_failed", errors),
            Err(ApiError::MalformedJson(_)) => ("malformed_json", vec![]),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn names_the_field_at_fault() {
        let (_, e) = errors(r#"{"name": 3}"#);
        assert_eq!(
            (e[0].field.as_str(), e[0].code.as_str()),
            ("name", "invalid_type")
        );
        let (_, e) = errors(r#"{"age": 3}"#);
        assert_eq!(
            (e[0].field.as_str(), e[0].code.as_str()),
            ("name", "required")
        );
        let (_, e) = errors(r#"{"name": "a", "nope": 1}"#);
        assert_eq!(
            (e[0].field.as_str(), e[0].code.as_str()),
            ("nope", "unknown_field")
        );
        let (_, e) = errors(r#"{"name": "a", "inner": {"flag": "yes"}}"#);
        assert_eq!(
            (e[0].field.as_str(), e[0].code.as_str()),
            ("inner.flag", "invalid_type")
        );
        let (_, e) = errors(r#""just a string""#);
        assert_eq!(
            (e[0].field.as_str(), e[0].code.as_str()),
            ("body", "invalid_type")
        );
        let (_, e) = errors(r#"["a", 1]"#);
        assert_eq!(
            (e[0].field.as_str(), e[0].code.as_str()),
            ("body", "invalid_type"),
            "no struct from an array"
        );
    }

    #[test]
    fn syntax_errors_are_malformed() {
        assert_eq!(errors(r#"{"name": "#).0, "malformed_json");
        assert_eq!(errors(r#"{"name": "a"} trailing"#).0, "malformed_json");
        assert_eq!(errors("").0, "malformed_json");
    }
}

/// The optional `Idempotency-Key` header, parsed into the domain's key: absent is `None`,
/// anything but 1 to 255 visible ASCII characters is a 422 naming the header.
#[derive(Debug, Clone)]
pub struct IdempotencyKeyHeader(pub Option<crate::domain::donations::IdempotencyKey>);

impl FromRequest for IdempotencyKeyHeader {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        use crate::domain::donations::IdempotencyKey;
        ready(match req.headers().get("Idempotency-Key") {
            None => Ok(Self(None)),
            Some(value) => match value.to_str().map(IdempotencyKey::parse) {
                Ok(Ok(key)) => Ok(Self(Some(key))),
                Ok(Err(error)) => Err(ApiError::Validation(vec![error])),
                Err(_) => Err(ApiError::Validation(vec![IdempotencyKey::invalid()])),
            },
        })
    }
}
