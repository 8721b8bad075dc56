//! Access tokens: short-lived HS256 JWTs, algorithm pinned when verifying. The opaque
//! secrets (refresh and API tokens) are `domain::credentials`.

use chrono::Utc;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::secrets::Secret;

/// Access tokens live 15 minutes; refresh them with the refresh token.
pub const ACCESS_TTL_SECS: u32 = 15 * 60;
const AUDIENCE: &str = "ensemble-api";

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
}
