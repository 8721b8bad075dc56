//! Access tokens (short-lived HS256 JWTs, algorithm pinned when verifying) and opaque
//! secrets (refresh and API tokens: random, shown once, stored as SHA-256 hashes).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Utc;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::secrets::Secret;

/// Access tokens live 15 minutes; refresh them with the refresh token.
pub const ACCESS_TTL_SECS: u32 = 15 * 60;
/// A refresh token not used for 30 days expires.
pub const REFRESH_TTL_DAYS: i64 = 30;
const AUDIENCE: &str = "ensemble-api";

pub const REFRESH_PREFIX: &str = "ens_rt_";
pub const API_TOKEN_PREFIX: &str = "ens_pat_";

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    iss: String,
    aud: String,
    sub: String,
    exp: i64,
    iat: i64,
    jti: String,
    /// The session the token was minted for; revoking the session ends the token.
    sid: String,
}

/// What a valid access token says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessClaims {
    pub user_id: i64,
    pub session_id: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenError {
    Expired,
    Invalid,
}

pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    issuer: String,
    validation: Validation,
}

impl TokenKeys {
    pub fn new(secret: &Secret, issuer: &str) -> anyhow::Result<Self> {
        if secret.expose().len() < 32 {
            anyhow::bail!(
                "the token signing secret (ENSEMBLE_TOKEN_SECRET) must be at least 32 characters"
            );
        }
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[issuer]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
        validation.leeway = 5;
        Ok(Self {
            encoding: EncodingKey::from_secret(secret.expose().as_bytes())?,
            decoding: DecodingKey::from_secret(secret.expose().as_bytes())?,
            issuer: issuer.to_owned(),
            validation,
        })
    }

    pub fn issue(&self, user_id: i64, session_id: &str) -> anyhow::Result<String> {
        let now = Utc::now().timestamp();
        let claims = Claims {
            iss: self.issuer.clone(),
            aud: AUDIENCE.to_owned(),
            sub: user_id.to_string(),
            exp: now + i64::from(ACCESS_TTL_SECS),
            iat: now,
            jti: uuid::Uuid::new_v4().simple().to_string(),
            sid: session_id.to_owned(),
        };
        Ok(jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &self.encoding,
        )?)
    }

    pub fn verify(&self, token: &str) -> Result<AccessClaims, TokenError> {
        use jsonwebtoken::errors::ErrorKind;
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map_err(|e| match e.kind() {
                ErrorKind::ExpiredSignature => TokenError::Expired,
                _ => TokenError::Invalid,
            })?;
        let claims = data.claims;
        if claims.iat > Utc::now().timestamp() + 60 || claims.jti.is_empty() {
            return Err(TokenError::Invalid);
        }
        let user_id = claims.sub.parse().map_err(|_| TokenError::Invalid)?;
        Ok(AccessClaims {
            user_id,
            session_id: claims.sid,
        })
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> TokenKeys {
        TokenKeys::new(&Secret::new("k".repeat(48)), "http://ensemble.test").unwrap()
    }

    #[test]
    fn issued_tokens_verify() {
        let keys = keys();
        let token = keys.issue(7, "session-1").unwrap();
        let claims = keys.verify(&token).unwrap();
        assert_eq!(
            claims,
            AccessClaims {
                user_id: 7,
                session_id: "session-1".into()
            }
        );
    }

    #[test]
    fn other_keys_and_issuers_are_refused() {
        let token = keys().issue(7, "s").unwrap();
        let other_key =
            TokenKeys::new(&Secret::new("o".repeat(48)), "http://ensemble.test").unwrap();
        assert_eq!(other_key.verify(&token), Err(TokenError::Invalid));
        let other_issuer =
            TokenKeys::new(&Secret::new("k".repeat(48)), "http://elsewhere.test").unwrap();
        assert_eq!(other_issuer.verify(&token), Err(TokenError::Invalid));
    }

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
