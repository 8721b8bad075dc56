//! Opaque credentials (refresh and API tokens, OAuth states): random, shown once, stored
//! only as SHA-256 hashes, recognisable by their prefix. Kept apart from `auth` because the
//! storage layer mints and checks them too.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// A refresh token not used for 30 days expires.
pub const REFRESH_TTL_DAYS: i64 = 30;

/// A person may hold this many live API tokens.
pub const MAX_API_TOKENS: usize = 50;

pub const REFRESH_PREFIX: &str = "ens_rt_";
pub const API_TOKEN_PREFIX: &str = "ens_pat_";

/// A new random secret with a recognisable prefix (so a leaked one can be found by
/// secret scanners, and a refresh token can never pass for an access token).
pub fn new_secret(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("{prefix}{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// How secrets are stored: hex SHA-256 (they are random, so no salt or slow hash is needed).
pub fn hash_secret(secret: &str) -> String {
    let digest = Sha256::digest(secret.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

crate::text_enum! {
    /// What a personal API token may do: read only, or act as its owner would (but never
    /// manage the account's sessions and tokens).
    pub enum Scope {
        Read = "read",
        Write = "write",
    }
}

crate::text_enum! {
    /// The sign-in providers this server can be configured with: the path segment of
    /// `/auth/oauth/{provider}/…`, and what linked identities are stored under.
    pub enum SignInProvider {
        Google = "google",
        Facebook = "facebook",
        Oidc = "oidc",
    }
}

crate::text_enum! {
    /// What a link sent by mail is for.
    pub enum EmailPurpose {
        /// Proving the account's address.
        Verify = "verify",
        /// Choosing a new password.
        Reset = "reset",
        /// Making a new address the account's.
        Change = "change",
    }
}

impl EmailPurpose {
    /// How long a link works: an hour to reset a password (it opens the account), a day
    /// for the others.
    pub fn lifetime(self) -> chrono::Duration {
        match self {
            EmailPurpose::Reset => chrono::Duration::hours(1),
            EmailPurpose::Verify | EmailPurpose::Change => chrono::Duration::hours(24),
        }
    }
}

/// A personal API token asked for: its name (for its owner to recognise it) and scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewToken {
    pub name: String,
    pub scope: Scope,
}

impl TryFrom<ensemble_wire::NewApiToken> for NewToken {
    type Error = Vec<ensemble_wire::FieldError>;

    fn try_from(body: ensemble_wire::NewApiToken) -> Result<Self, Self::Error> {
        Ok(NewToken {
            name: super::text::single_line("name", &body.name, 1, 80).map_err(|e| vec![e])?,
            scope: body.scope.into(),
        })
    }
}

/// Who a sign-in provider says a person is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub subject: String,
    pub email: Option<String>,
    pub email_verified: bool,
    pub name: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_prefixed_random_and_hashed() {
        let a = new_secret(REFRESH_PREFIX);
        assert!(a.starts_with("ens_rt_") && a.len() > 40);
        assert_ne!(a, new_secret(REFRESH_PREFIX));
        assert_eq!(hash_secret("abc").len(), 64);
        assert_eq!(
            hash_secret("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
