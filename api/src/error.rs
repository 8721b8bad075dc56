//! The one error type of the API. Each variant knows its HTTP status and stable `code`, and
//! renders as `application/problem+json` (RFC 9457). Internal causes are logged with the
//! request id, never sent.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use ensemble_wire::{Code, FieldError, Problem};

use crate::context;
use ensemble_wire::Lang;

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
    Unauthorized(Code),
    /// 403: signed in, but not allowed. Codes: `insufficient_scope` (a read-only API token
    /// trying to write), `session_required`, `forbidden`.
    #[error("forbidden: {0}")]
    Forbidden(Code),
    /// 409: the request conflicts with the current state (e.g. `email_taken`).
    #[error("conflict: {0}")]
    Conflict(Code, String),
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
    /// 415 `unsupported_picture`: a file that is not JPEG, PNG or WebP.
    #[error("unsupported picture")]
    UnsupportedPicture,
    /// 422: a picture refused (`damaged_picture`, `too_many_pixels`, `not_only_a_picture`,
    /// `type_mismatch`, `not_square`, `no_such_upload`), with why.
    #[error("picture refused: {1}")]
    BadPicture(Code, String),
    /// 502: an outside service we depend on (a sign-in or payment provider) failed, e.g.
    /// `provider_unavailable`.
    #[error("bad gateway: {0}")]
    BadGateway(Code),
    /// 503 `service_unavailable`: the database cannot be reached; retry later.
    #[error("service unavailable")]
    Unavailable,
    /// 500 `internal_error`: a bug or an infrastructure failure; the cause is logged.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
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
            StoreError::Unavailable => Self::Unavailable,
            StoreError::Internal(e) => Self::Internal(e),
        }
    }
}

impl ApiError {
    pub fn code(&self) -> Code {
        match self {
            Self::MalformedJson(_) => Code::MalformedJson,
            Self::Validation(_) => Code::ValidationFailed,
            Self::InvalidQuery(_) => Code::InvalidQuery,
            Self::Unauthorized(code)
            | Self::Forbidden(code)
            | Self::Conflict(code, _)
            | Self::BadGateway(code) => *code,
            Self::TooManyRequests(_) => Code::RateLimited,
            Self::NotFound(_) => Code::NotFound,
            Self::RouteNotFound => Code::RouteNotFound,
            Self::MethodNotAllowed(_) => Code::MethodNotAllowed,
            Self::PayloadTooLarge(_) => Code::PayloadTooLarge,
            Self::UnsupportedMediaType => Code::UnsupportedMediaType,
            Self::UnsupportedPicture => Code::UnsupportedPicture,
            Self::BadPicture(code, _) => *code,
            Self::Unavailable => Code::ServiceUnavailable,
            Self::Internal(_) => Code::InternalError,
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
            Self::UnsupportedPicture => Some("Send a JPEG, PNG or WebP picture.".into()),
            Self::BadPicture(_, detail) => Some(detail.clone()),
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
            code: code.as_str().to_owned(),
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
            Self::UnsupportedMediaType | Self::UnsupportedPicture => {
                StatusCode::UNSUPPORTED_MEDIA_TYPE
            }
            Self::BadPicture(..) => StatusCode::UNPROCESSABLE_ENTITY,
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
                    Code::InvalidToken | Code::TokenExpired => {
                        "Bearer realm=\"ensemble\", error=\"invalid_token\"".to_owned()
                    }
                    _ => "Bearer realm=\"ensemble\"".to_owned(),
                };
                response.insert_header((header::WWW_AUTHENTICATE, challenge));
            }
            Self::Forbidden(Code::InsufficientScope) => {
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
fn title(code: Code, status: u16, lang: Lang) -> &'static str {
    use Lang::*;
    match (code, lang) {
        (Code::MalformedJson, En) => "The request body is not valid JSON",
        (Code::MalformedJson, Fr) => "Le corps de la requête n'est pas du JSON valide",
        (Code::MalformedJson, Es) => "El cuerpo de la solicitud no es JSON válido",
        (Code::MalformedJson, Zh) => "请求正文不是有效的 JSON",
        (Code::ValidationFailed, En) => "Some fields are invalid",
        (Code::ValidationFailed, Fr) => "Certains champs ne sont pas valides",
        (Code::ValidationFailed, Es) => "Algunos campos no son válidos",
        (Code::ValidationFailed, Zh) => "部分字段无效",
        (Code::InvalidQuery, En) => "Some query parameters are invalid",
        (Code::InvalidQuery, Fr) => "Certains paramètres de la requête ne sont pas valides",
        (Code::InvalidQuery, Es) => "Algunos parámetros de la consulta no son válidos",
        (Code::InvalidQuery, Zh) => "部分查询参数无效",
        (Code::NotFound, En) => "Not found",
        (Code::NotFound, Fr) => "Introuvable",
        (Code::NotFound, Es) => "No encontrado",
        (Code::NotFound, Zh) => "未找到",
        (Code::RouteNotFound, En) => "There is nothing at this address",
        (Code::RouteNotFound, Fr) => "Il n'y a rien à cette adresse",
        (Code::RouteNotFound, Es) => "No hay nada en esta dirección",
        (Code::RouteNotFound, Zh) => "此地址不存在",
        (Code::MethodNotAllowed, En) => "This method is not allowed here",
        (Code::MethodNotAllowed, Fr) => "Cette méthode n'est pas autorisée ici",
        (Code::MethodNotAllowed, Es) => "Este método no está permitido aquí",
        (Code::MethodNotAllowed, Zh) => "此处不允许使用该方法",
        (Code::PayloadTooLarge, En) => "The request body is too large",
        (Code::PayloadTooLarge, Fr) => "Le corps de la requête est trop volumineux",
        (Code::PayloadTooLarge, Es) => "El cuerpo de la solicitud es demasiado grande",
        (Code::PayloadTooLarge, Zh) => "请求正文过大",
        (Code::UnsupportedMediaType, En) => "This media type is not supported",
        (Code::UnsupportedMediaType, Fr) => "Ce type de média n'est pas pris en charge",
        (Code::UnsupportedMediaType, Es) => "Este tipo de medio no es compatible",
        (Code::UnsupportedMediaType, Zh) => "不支持此媒体类型",
        (Code::UnsupportedPicture, En) => "Only JPEG, PNG and WebP pictures are accepted",
        (Code::UnsupportedPicture, Fr) => "Seules les images JPEG, PNG et WebP sont acceptées",
        (Code::UnsupportedPicture, Es) => "Solo se aceptan imágenes JPEG, PNG y WebP",
        (Code::UnsupportedPicture, Zh) => "仅接受 JPEG、PNG 和 WebP 图片",
        (Code::DamagedPicture, En) => "This picture is damaged or incomplete",
        (Code::DamagedPicture, Fr) => "Cette image est endommagée ou incomplète",
        (Code::DamagedPicture, Es) => "Esta imagen está dañada o incompleta",
        (Code::DamagedPicture, Zh) => "该图片已损坏或不完整",
        (Code::TooManyPixels, En) => "This picture is too large",
        (Code::TooManyPixels, Fr) => "Cette image est trop grande",
        (Code::TooManyPixels, Es) => "Esta imagen es demasiado grande",
        (Code::TooManyPixels, Zh) => "该图片尺寸过大",
        (Code::NotOnlyAPicture, En) => "This file holds more than a picture",
        (Code::NotOnlyAPicture, Fr) => "Ce fichier contient autre chose qu'une image",
        (Code::NotOnlyAPicture, Es) => "Este archivo contiene algo más que una imagen",
        (Code::NotOnlyAPicture, Zh) => "该文件包含图片以外的内容",
        (Code::TypeMismatch, En) => "This file is not of the type it claims",
        (Code::TypeMismatch, Fr) => "Ce fichier n'est pas du type annoncé",
        (Code::TypeMismatch, Es) => "Este archivo no es del tipo que declara",
        (Code::TypeMismatch, Zh) => "该文件的实际类型与声明不符",
        (Code::NotSquare, En) => "This picture must be square",
        (Code::NotSquare, Fr) => "Cette image doit être carrée",
        (Code::NotSquare, Es) => "Esta imagen debe ser cuadrada",
        (Code::NotSquare, Zh) => "该图片必须是正方形",
        (Code::NoSuchUpload, En) => "There is no such picture of yours",
        (Code::NoSuchUpload, Fr) => "Vous n'avez pas d'image de ce nom",
        (Code::NoSuchUpload, Es) => "No tiene ninguna imagen con ese nombre",
        (Code::NoSuchUpload, Zh) => "找不到您的这张图片",
        (Code::UploadQuotaExceeded, En) => "Your pictures take all the room you have",
        (Code::UploadQuotaExceeded, Fr) => "Vos images occupent toute la place dont vous disposez",
        (Code::UploadQuotaExceeded, Es) => "Sus imágenes ocupan todo el espacio disponible",
        (Code::UploadQuotaExceeded, Zh) => "您的图片已用完全部空间",
        (Code::InvalidCredentials, En) => "The email or the password is not right",
        (Code::InvalidCredentials, Fr) => "L'adresse e-mail ou le mot de passe est incorrect",
        (Code::InvalidCredentials, Es) => "El correo o la contraseña no son correctos",
        (Code::InvalidCredentials, Zh) => "邮箱或密码不正确",
        (Code::TokenExpired, En) => "Your session has expired",
        (Code::TokenExpired, Fr) => "Votre session a expiré",
        (Code::TokenExpired, Es) => "Su sesión ha caducado",
        (Code::TokenExpired, Zh) => "您的会话已过期",
        (Code::EmailTaken, En) => "An account already uses this email",
        (Code::EmailTaken, Fr) => "Un compte utilise déjà cette adresse e-mail",
        (Code::EmailTaken, Es) => "Ya existe una cuenta con este correo",
        (Code::EmailTaken, Zh) => "该邮箱已被注册",
        (Code::InsufficientScope, En) => "This token may only read",
        (Code::InsufficientScope, Fr) => "Ce jeton ne permet que la lecture",
        (Code::InsufficientScope, Es) => "Este token solo permite leer",
        (Code::InsufficientScope, Zh) => "此令牌仅可读取",
        (Code::AccountSuspended, En) => "This account is suspended",
        (Code::AccountSuspended, Fr) => "Ce compte est suspendu",
        (Code::AccountSuspended, Es) => "Esta cuenta está suspendida",
        (Code::AccountSuspended, Zh) => "此账户已被暂停",
        (Code::CommentsLocked, En) => "The comments of this update are closed",
        (Code::CommentsLocked, Fr) => "Les commentaires de cette actualité sont fermés",
        (Code::CommentsLocked, Es) => "Los comentarios de esta novedad están cerrados",
        (Code::CommentsLocked, Zh) => "此动态的评论已关闭",
        (Code::Blocked, En) => "This person has blocked you",
        (Code::Blocked, Fr) => "Cette personne vous a bloqué",
        (Code::Blocked, Es) => "Esta persona te ha bloqueado",
        (Code::Blocked, Zh) => "此人已屏蔽你",
        (Code::BannedHere, En) => "This organisation does not take your comments",
        (Code::BannedHere, Fr) => "Cette organisation n'accepte pas vos commentaires",
        (Code::BannedHere, Es) => "Esta organización no acepta tus comentarios",
        (Code::BannedHere, Zh) => "该组织不接受你的评论",
        (Code::OrganisationUnderReview, En) => "This organisation is under review",
        (Code::OrganisationUnderReview, Fr) => "Cette organisation est en cours d'examen",
        (Code::OrganisationUnderReview, Es) => "Esta organización está en revisión",
        (Code::OrganisationUnderReview, Zh) => "该组织正在审核中",
        (Code::RateLimited, En) => "Too many attempts, wait a moment",
        (Code::RateLimited, Fr) => "Trop de tentatives, patientez un instant",
        (Code::RateLimited, Es) => "Demasiados intentos, espere un momento",
        (Code::RateLimited, Zh) => "尝试次数过多，请稍候",
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
        (Code::ProviderUnavailable, En) => "A service we rely on did not answer, try again later",
        (Code::ProviderUnavailable, Fr) => {
            "Un service dont nous dépendons n'a pas répondu, réessayez plus tard"
        }
        (Code::ProviderUnavailable, Es) => {
            "Un servicio del que dependemos no respondió, inténtelo más tarde"
        }
        (Code::ProviderUnavailable, Zh) => "我们依赖的服务无响应，请稍后重试",
        (Code::ServiceUnavailable, En) => "The service is unavailable, try again shortly",
        (Code::ServiceUnavailable, Fr) => "Le service est indisponible, réessayez dans un instant",
        (Code::ServiceUnavailable, Es) => "El servicio no está disponible, inténtelo en un momento",
        (Code::ServiceUnavailable, Zh) => "服务暂时不可用，请稍后重试",
        (_, En) => "Something went wrong on our side",
        (_, Fr) => "Une erreur s'est produite de notre côté",
        (_, Es) => "Algo salió mal por nuestra parte",
        (_, Zh) => "服务器出错了",
    }
}
