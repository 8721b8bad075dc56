//! Every stable code the API answers with, in one enum shared by the server and its
//! clients: a problem's `code`, a field error's `code`, the `error` of a provider sign-in's
//! redirect. The server can only send codes listed here, and a client matches on variants,
//! so the two cannot drift apart. On the wire a code stays a string, so an older client
//! reading a code added later gets `None` from [`Code::parse`], not an error.

macro_rules! codes {
    ($($variant:ident = $text:literal),+ $(,)?) => {
        /// A stable machine code (snake_case on the wire).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Code {
            $($variant),+
        }

        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$variant),+];

            /// The code as sent.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $text),+
                }
            }

            /// The code sent as `text`, if it is one this version knows.
            pub fn parse(text: &str) -> Option<Self> {
                match text {
                    $($text => Some(Code::$variant),)+
                    _ => None,
                }
            }
        }
    };
}

codes! {
    AccessDenied = "access_denied",
    AccountExists = "account_exists",
    AccountSuspended = "account_suspended",
    AlreadyInvited = "already_invited",
    AlreadyAppealed = "already_appealed",
    AlreadyMember = "already_member",
    AlreadyPending = "already_pending",
    AlreadyVerified = "already_verified",
    BannedHere = "banned_here",
    Blocked = "blocked",
    CheckoutCompleting = "checkout_completing",
    CommentsLocked = "comments_locked",
    ControlCharacters = "control_characters",
    DamagedPicture = "damaged_picture",
    DuplicateComment = "duplicate_comment",
    EmailNotVerified = "email_not_verified",
    EmailRequired = "email_required",
    EmailTaken = "email_taken",
    Forbidden = "forbidden",
    GiftInProgress = "gift_in_progress",
    HasDonations = "has_donations",
    IdempotencyConflict = "idempotency_conflict",
    IdempotencyKeyReused = "idempotency_key_reused",
    IdentityChanged = "identity_changed",
    InsufficientScope = "insufficient_scope",
    InternalError = "internal_error",
    InvalidCredentials = "invalid_credentials",
    InvalidCursor = "invalid_cursor",
    InvalidEmail = "invalid_email",
    InvalidEvent = "invalid_event",
    InvalidForm = "invalid_form",
    InvalidIdempotencyKey = "invalid_idempotency_key",
    InvalidLength = "invalid_length",
    InvalidParent = "invalid_parent",
    InvalidQuery = "invalid_query",
    InvalidRefreshToken = "invalid_refresh_token",
    InvalidRegistry = "invalid_registry",
    InvalidScheme = "invalid_scheme",
    InvalidSignature = "invalid_signature",
    InvalidState = "invalid_state",
    InvalidToken = "invalid_token",
    InvalidType = "invalid_type",
    InvalidUrl = "invalid_url",
    InvalidValue = "invalid_value",
    InvisibleCharacters = "invisible_characters",
    InvitationAnswered = "invitation_answered",
    InvitationExpired = "invitation_expired",
    InvitationWithdrawn = "invitation_withdrawn",
    LastOwner = "last_owner",
    MainLanguage = "main_language",
    MalformedJson = "malformed_json",
    MethodNotAllowed = "method_not_allowed",
    NoPassword = "no_password",
    NoSuchUpload = "no_such_upload",
    NotActive = "not_active",
    NotForThisItem = "not_for_this_item",
    NotFound = "not_found",
    NotHidden = "not_hidden",
    NotOnlyAPicture = "not_only_a_picture",
    NotRecurring = "not_recurring",
    NotSquare = "not_square",
    NotYourself = "not_yourself",
    NothingPaid = "nothing_paid",
    NothingReported = "nothing_reported",
    OrganisationNotVerified = "organisation_not_verified",
    OrganisationUnderReview = "organisation_under_review",
    OutOfRange = "out_of_range",
    PayloadTooLarge = "payload_too_large",
    PlatformAdminOnly = "platform_admin_only",
    ProviderError = "provider_error",
    ProviderInvalidResponse = "provider_invalid_response",
    ProviderUnavailable = "provider_unavailable",
    RateLimited = "rate_limited",
    RefreshTokenReused = "refresh_token_reused",
    Required = "required",
    RouteNotFound = "route_not_found",
    ServerError = "server_error",
    ServiceUnavailable = "service_unavailable",
    SessionRequired = "session_required",
    SlugTaken = "slug_taken",
    SoleOwner = "sole_owner",
    TokenExpired = "token_expired",
    TooCommon = "too_common",
    TooLong = "too_long",
    TooMany = "too_many",
    TooManyInvitations = "too_many_invitations",
    TooManyPixels = "too_many_pixels",
    TooManyTokens = "too_many_tokens",
    TooShort = "too_short",
    TypeMismatch = "type_mismatch",
    Unauthorized = "unauthorized",
    UnknownCause = "unknown_cause",
    UnknownCountry = "unknown_country",
    UnknownField = "unknown_field",
    UnknownLanguage = "unknown_language",
    UnknownSort = "unknown_sort",
    UnknownUser = "unknown_user",
    UnsupportedCurrency = "unsupported_currency",
    UnsupportedLocale = "unsupported_locale",
    UnsupportedMediaType = "unsupported_media_type",
    UnsupportedPicture = "unsupported_picture",
    UploadQuotaExceeded = "upload_quota_exceeded",
    ValidationFailed = "validation_failed",
    WrongPassword = "wrong_password",
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl crate::Problem {
    /// The problem's code, if this version knows it.
    pub fn known_code(&self) -> Option<Code> {
        Code::parse(&self.code)
    }
}

impl crate::FieldError {
    /// The field error's code, if this version knows it.
    pub fn known_code(&self) -> Option<Code> {
        Code::parse(&self.code)
    }
}

#[cfg(test)]
mod tests {
    use super::Code;

    #[test]
    fn every_code_reads_back_and_is_snake_case() {
        for code in Code::ALL {
            assert_eq!(Code::parse(code.as_str()), Some(*code));
            assert!(
                code.as_str()
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '_'),
                "{code}"
            );
        }
        assert_eq!(Code::parse("too_many_requests"), None);
    }
}
