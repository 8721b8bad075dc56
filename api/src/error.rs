//! The one error type of the API. Each variant knows its HTTP status and stable `code`, and
//! renders as `application/problem+json` (RFC 9457). Internal causes are logged with the
//! request id, never sent.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use ensemble_wire::{FieldError, Problem};

use crate::context;
use crate::domain::lang::Lang;

pub const PROBLEM_JSON: &str = "application/problem+json";

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400 `malformed_json`: the body is not JSON at all.
    #[error("malformed JSON: {0}")]
    MalformedJson(String),
    /// 422 `validation_failed`: JSON, but some fields are missing, of the wrong type,
    /// unknown, or invalid.
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    /// 400 `invalid_query`: query parameters that cannot be understood.
    #[error("invalid query parameters")]
    InvalidQuery(Vec<FieldError>),
    /// 401: no credentials, or bad ones. Codes: `unauthorized` (none sent),
    /// `invalid_token`, `token_expired`, `invalid_credentials`, `invalid_refresh_token`,
    /// `refresh_token_reused`. Carries `WWW-Authenticate`.
    #[error("unauthorized: {0}")]
    Unauthorized(&'static str),
    /// 403: signed in, but not allowed. Codes: `insufficient_scope` (a read-only API token
    /// trying to write), `session_required`, `forbidden`.
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    /// 409: the request conflicts with the current state (e.g. `email_taken`).
    #[error("conflict: {0}")]
    Conflict(&'static str, String),
    /// 429 `rate_limited`, with `Retry-After` (seconds).
    #[error("rate limited")]
    TooManyRequests(u64),
    /// 404 `not_found`: the route exists, the resource does not.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// 404 `route_not_found`: no such path in the API.
    #[error("no route")]
    RouteNotFound,
    /// 405 `method_not_allowed`, with the `Allow` header.
    #[error("method not allowed")]
    MethodNotAllowed(Vec<String>),
    /// 413 `payload_too_large`.
    #[error("body over {0} bytes")]
    PayloadTooLarge(usize),
    /// 415 `unsupported_media_type`.
    #[error("unsupported media type")]
    UnsupportedMediaType,
    /// 502: an outside service we depend on (a sign-in provider) failed, e.g.
    /// `provider_unavailable`.
    #[error("bad gateway: {0}")]
    BadGateway(&'static str),
    /// 503 `service_unavailable`: the database cannot be reached; retry later.
    #[error("service unavailable")]
    Unavailable,
    /// 500 `internal_error`: a bug or an infrastructure failure; the cause is logged.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<diesel::result::Error> for ApiError {
    fn from(e: diesel::result::Error) -> Self {
        Self::Internal(e.into())
    }
}

/// The one place where the storage layer's refusals become HTTP answers.
impl From<crate::db::StoreError> for ApiError {
    fn from(e: crate::db::StoreError) -> Self {
        use crate::db::StoreError;
        match e {
            StoreError::Database(e) => Self::Internal(e.into()),
            StoreError::NotFound(what) => Self::NotFound(what),
            StoreError::Conflict(code, detail) => Self::Conflict(code, detail),
            StoreError::Forbidden(code) => Self::Forbidden(code),
            StoreError::Invalid(errors) => Self::Validation(errors),
            StoreError::Internal(e) => Self::Internal(e),
        }
    }
}

impl ApiError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::MalformedJson(_) => "malformed_json",
            Self::Validation(_) => "validation_failed",
            Self::InvalidQuery(_) => "invalid_query",
            Self::Unauthorized(code)
            | Self::Forbidden(code)
            | Self::Conflict(code, _)
            | Self::BadGateway(code) => code,
            Self::TooManyRequests(_) => "rate_limited",
            Self::NotFound(_) => "not_found",
            Self::RouteNotFound => "route_not_found",
            Self::MethodNotAllowed(_) => "method_not_allowed",
            Self::PayloadTooLarge(_) => "payload_too_large",
            Self::UnsupportedMediaType => "unsupported_media_type",
            Self::Unavailable => "service_unavailable",
            Self::Internal(_) => "internal_error",
        }
    }

    fn detail(&self) -> Option<String> {
        match self {
            Self::MalformedJson(detail) => Some(detail.clone()),
            Self::NotFound(what) => Some(format!("No {what} matches this address.")),
            Self::Conflict(_, detail) => Some(detail.clone()),
            Self::TooManyRequests(secs) => Some(format!("Try again in {secs} seconds.")),
            Self::MethodNotAllowed(allowed) => Some(format!("Allowed: {}.", allowed.join(", "))),
            Self::PayloadTooLarge(limit) => Some(format!("The body may be at most {limit} bytes.")),
            Self::UnsupportedMediaType => Some("Send the body as application/json.".into()),
            _ => None,
        }
    }

    pub fn to_problem(&self, lang: Lang, request_id: Option<String>) -> Problem {
        let code = self.code();
        Problem {
            kind: format!("urn:ensemble:problem:{code}"),
            title: title(code, self.status_code().as_u16(), lang).to_owned(),
            status: self.status_code().as_u16(),
            detail: self.detail(),
            code: code.to_owned(),
            errors: match self {
                Self::Validation(errors) | Self::InvalidQuery(errors) => errors.clone(),
                _ => Vec::new(),
            },
            request_id,
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::MalformedJson(_) | Self::InvalidQuery(_) => StatusCode::BAD_REQUEST,
            Self::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::Conflict(..) => StatusCode::CONFLICT,
            Self::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::NotFound(_) | Self::RouteNotFound => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            Self::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::BadGateway(_) => StatusCode::BAD_GATEWAY,
            Self::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let ctx = context::current();
        if let Self::Internal(cause) = self {
            tracing::error!(error = ?cause, "internal error");
        }
        let problem = self.to_problem(ctx.as_ref().map_or(Lang::En, |c| c.lang), ctx.map(|c| c.id));
        let mut response = HttpResponse::build(self.status_code());
        response.insert_header((header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON)));
        match self {
            Self::MethodNotAllowed(allowed) => {
                response.insert_header((header::ALLOW, allowed.join(", ")));
            }
            Self::Unavailable => {
                response.insert_header((header::RETRY_AFTER, "5"));
            }
            Self::TooManyRequests(secs) => {
                response.insert_header((header::RETRY_AFTER, secs.to_string()));
            }
            Self::Unauthorized(code) => {
                let challenge = match *code {
                    "invalid_token" | "token_expired" => {
                        "Bearer realm=\"ensemble\", error=\"invalid_token\"".to_owned()
                    }
                    _ => "Bearer realm=\"ensemble\"".to_owned(),
                };
                response.insert_header((header::WWW_AUTHENTICATE, challenge));
            }
            Self::Forbidden("insufficient_scope") => {
                response.insert_header((
                    header::WWW_AUTHENTICATE,
                    "Bearer realm=\"ensemble\", error=\"insufficient_scope\", scope=\"write\"",
                ));
            }
            _ => {}
        }
        response.body(serde_json::to_string(&problem).unwrap_or_default())
    }
}

/// Titles for people, in the request's language; `code` is what programs match on.
fn title(code: &str, status: u16, lang: Lang) -> &'static str {
    use Lang::*;
    match (code, lang) {
        ("malformed_json", En) => "The request body is not valid JSON",
        ("malformed_json", Fr) => "Le corps de la requête n'est pas du JSON valide",
        ("malformed_json", Es) => "El cuerpo de la solicitud no es JSON válido",
        ("malformed_json", Zh) => "请求正文不是有效的 JSON",
        ("validation_failed", En) => "Some fields are invalid",
        ("validation_failed", Fr) => "Certains champs ne sont pas valides",
        ("validation_failed", Es) => "Algunos campos no son válidos",
        ("validation_failed", Zh) => "部分字段无效",
        ("invalid_query", En) => "Some query parameters are invalid",
        ("invalid_query", Fr) => "Certains paramètres de la requête ne sont pas valides",
        ("invalid_query", Es) => "Algunos parámetros de la consulta no son válidos",
        ("invalid_query", Zh) => "部分查询参数无效",
        ("not_found", En) => "Not found",
        ("not_found", Fr) => "Introuvable",
        ("not_found", Es) => "No encontrado",
        ("not_found", Zh) => "未找到",
        ("route_not_found", En) => "There is nothing at this address",
        ("route_not_found", Fr) => "Il n'y a rien à cette adresse",
        ("route_not_found", Es) => "No hay nada en esta dirección",
        ("route_not_found", Zh) => "此地址不存在",
        ("method_not_allowed", En) => "This method is not allowed here",
        ("method_not_allowed", Fr) => "Cette méthode n'est pas autorisée ici",
        ("method_not_allowed", Es) => "Este método no está permitido aquí",
        ("method_not_allowed", Zh) => "此处不允许使用该方法",
        ("payload_too_large", En) => "The request body is too large",
        ("payload_too_large", Fr) => "Le corps de la requête est trop volumineux",
        ("payload_too_large", Es) => "El cuerpo de la solicitud es demasiado grande",
        ("payload_too_large", Zh) => "请求正文过大",
        ("unsupported_media_type", En) => "This media type is not supported",
        ("unsupported_media_type", Fr) => "Ce type de média n'est pas pris en charge",
        ("unsupported_media_type", Es) => "Este tipo de medio no es compatible",
        ("unsupported_media_type", Zh) => "不支持此媒体类型",
        ("invalid_credentials", En) => "The email or the password is not right",
        ("invalid_credentials", Fr) => "L'adresse e-mail ou le mot de passe est incorrect",
        ("invalid_credentials", Es) => "El correo o la contraseña no son correctos",
        ("invalid_credentials", Zh) => "邮箱或密码不正确",
        ("token_expired", En) => "Your session has expired",
        ("token_expired", Fr) => "Votre session a expiré",
        ("token_expired", Es) => "Su sesión ha caducado",
        ("token_expired", Zh) => "您的会话已过期",
        ("email_taken", En) => "An account already uses this email",
        ("email_taken", Fr) => "Un compte utilise déjà cette adresse e-mail",
        ("email_taken", Es) => "Ya existe una cuenta con este correo",
        ("email_taken", Zh) => "该邮箱已被注册",
        ("insufficient_scope", En) => "This token may only read",
        ("insufficient_scope", Fr) => "Ce jeton ne permet que la lecture",
        ("insufficient_scope", Es) => "Este token solo permite leer",
        ("insufficient_scope", Zh) => "此令牌仅可读取",
        ("rate_limited", En) => "Too many attempts, wait a moment",
        ("rate_limited", Fr) => "Trop de tentatives, patientez un instant",
        ("rate_limited", Es) => "Demasiados intentos, espere un momento",
        ("rate_limited", Zh) => "尝试次数过多，请稍候",
        (_, En) if status == 401 => "Please sign in",
        (_, Fr) if status == 401 => "Veuillez vous connecter",
        (_, Es) if status == 401 => "Inicie sesión",
        (_, Zh) if status == 401 => "请登录",
        (_, En) if status == 403 => "You are not allowed to do this",
        (_, Fr) if status == 403 => "Vous n'avez pas le droit de faire cela",
        (_, Es) if status == 403 => "No tiene permiso para hacer esto",
        (_, Zh) if status == 403 => "您无权执行此操作",
        (_, En) if status == 409 => "This conflicts with the current state",
        (_, Fr) if status == 409 => "Cela entre en conflit avec l'état actuel",
        (_, Es) if status == 409 => "Esto entra en conflicto con el estado actual",
        (_, Zh) if status == 409 => "与当前状态冲突",
        ("provider_unavailable", En) => "The sign-in service did not answer, try again later",
        ("provider_unavailable", Fr) => {
            "Le service de connexion n'a pas répondu, réessayez plus tard"
        }
        ("provider_unavailable", Es) => {
            "El servicio de inicio de sesión no respondió, inténtelo más tarde"
        }
        ("provider_unavailable", Zh) => "登录服务无响应，请稍后重试",
        ("service_unavailable", En) => "The service is unavailable, try again shortly",
        ("service_unavailable", Fr) => "Le service est indisponible, réessayez dans un instant",
        ("service_unavailable", Es) => "El servicio no está disponible, inténtelo en un momento",
        ("service_unavailable", Zh) => "服务暂时不可用，请稍后重试",
        (_, En) => "Something went wrong on our side",
        (_, Fr) => "Une erreur s'est produite de notre côté",
        (_, Es) => "Algo salió mal por nuestra parte",
        (_, Zh) => "服务器出错了",
    }
}
