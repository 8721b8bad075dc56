//! Social sign-in, optional: OAuth 2.0 authorization code with PKCE (S256), `state` and, for
//! OpenID Connect, `nonce`. Providers: any OpenID Connect issuer found by discovery (Google
//! is one), and Facebook Login (Graph API `/me`). We only read who the person is; we never
//! ask for permission to post anything.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ensemble_wire::AuthProvider;
use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use url::Url;

use crate::secrets::Secret;

/// How to talk to one provider.
#[derive(Debug, Clone)]
pub enum Protocol {
    /// OpenID Connect: endpoints from `{issuer}/.well-known/openid-configuration`.
    Oidc { issuer: Url },
    /// Facebook Login: the dialog, then the Graph API (token exchange and `/me`).
    Facebook { dialog_url: Url, graph_url: Url },
}

#[derive(Debug, Clone)]
pub struct Provider {
    pub id: SignInProvider,
    pub name: String,
    pub client_id: String,
    pub client_secret: Secret,
    pub protocol: Protocol,
}

pub use crate::domain::credentials::{Identity, SignInProvider};

/// Why a sign-in through a provider failed; the code is shown to the web app.
#[derive(Debug, thiserror::Error)]
pub enum OAuthError {
    #[error("the provider refused: {0}")]
    Provider(String),
    #[error("the provider's answer is not valid: {0}")]
    InvalidResponse(String),
}

impl OAuthError {
    pub fn code(&self) -> ensemble_wire::Code {
        match self {
            Self::Provider(_) => ensemble_wire::Code::ProviderError,
            Self::InvalidResponse(_) => ensemble_wire::Code::ProviderInvalidResponse,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
struct Discovery {
    issuer: String,
    authorization_endpoint: Url,
    token_endpoint: Url,
    userinfo_endpoint: Url,
}

pub struct OAuth {
    providers: Vec<Provider>,
    public_url: Url,
    http: reqwest::Client,
    discovered: Mutex<HashMap<SignInProvider, Discovery>>,
}

/// A PKCE pair: the verifier we keep, the S256 challenge we send.
pub fn pkce_challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

impl OAuth {
    pub fn new(providers: Vec<Provider>, public_url: Url) -> anyhow::Result<Self> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("Ensemble/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self {
            providers,
            public_url,
            http,
            discovered: Mutex::new(HashMap::new()),
        })
    }

    /// Whether cookies must be `Secure` (the server is reached over https).
    pub fn secure_cookies(&self) -> bool {
        self.public_url.scheme() == "https"
    }

    pub fn list(&self) -> Vec<AuthProvider> {
        self.providers
            .iter()
            .map(|p| AuthProvider {
                id: p.id.as_str().to_owned(),
                name: p.name.clone(),
            })
            .collect()
    }

    pub fn provider(&self, id: &str) -> Option<&Provider> {
        self.providers.iter().find(|p| p.id.as_str() == id)
    }

    /// Where the provider sends the browser back to.
    pub fn redirect_uri(&self, provider: &Provider) -> String {
        let base = self.public_url.as_str().trim_end_matches('/');
        format!("{base}/api/v1/auth/oauth/{}/callback", provider.id)
    }

    async fn discovery(&self, provider: &Provider, issuer: &Url) -> Result<Discovery, OAuthError> {
        if let Some(found) = self.lock().get(&provider.id) {
            return Ok(found.clone());
        }
        let url = format!(
            "{}/.well-known/openid-configuration",
            issuer.as_str().trim_end_matches('/')
        );
        let discovery: Discovery = self.get_json(self.http.get(&url)).await?;
        if discovery.issuer.trim_end_matches('/') != issuer.as_str().trim_end_matches('/') {
            return Err(OAuthError::InvalidResponse(format!(
                "discovery names the issuer {}, not {issuer}",
                discovery.issuer
            )));
        }
        self.lock().insert(provider.id, discovery.clone());
        Ok(discovery)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<SignInProvider, Discovery>> {
        self.discovered.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The provider's page the browser is sent to.
    pub async fn authorization_url(
        &self,
        provider: &Provider,
        state: &str,
        code_verifier: &str,
        nonce: &str,
    ) -> Result<Url, OAuthError> {
        let redirect_uri = self.redirect_uri(provider);
        let challenge = pkce_challenge(code_verifier);
        let mut url = match &provider.protocol {
            Protocol::Oidc { issuer } => {
                self.discovery(provider, issuer)
                    .await?
                    .authorization_endpoint
            }
            Protocol::Facebook { dialog_url, .. } => dialog_url.clone(),
        };
        let scope = match provider.protocol {
            Protocol::Oidc { .. } => "openid email profile",
            Protocol::Facebook { .. } => "email public_profile",
        };
        url.query_pairs_mut()
            .append_pair("response_type", "code")
            .append_pair("client_id", &provider.client_id)
            .append_pair("redirect_uri", &redirect_uri)
            .append_pair("scope", scope)
            .append_pair("state", state)
            .append_pair("code_challenge", &challenge)
            .append_pair("code_challenge_method", "S256")
            .append_pair("nonce", nonce);
        Ok(url)
    }

    /// Trades the authorization code for the person's identity.
    pub async fn identity(
        &self,
        provider: &Provider,
        code: &str,
        code_verifier: &str,
        nonce: &str,
    ) -> Result<Identity, OAuthError> {
        match &provider.protocol {
            Protocol::Oidc { issuer } => {
                self.oidc_identity(provider, issuer, code, code_verifier, nonce)
                    .await
            }
            Protocol::Facebook { graph_url, .. } => {
                self.facebook_identity(provider, graph_url, code, code_verifier)
                    .await
            }
        }
    }

    async fn oidc_identity(
        &self,
        provider: &Provider,
        issuer: &Url,
        code: &str,
        code_verifier: &str,
        nonce: &str,
    ) -> Result<Identity, OAuthError> {
        #[derive(Deserialize)]
        struct TokenResponse {
            access_token: String,
            id_token: String,
        }
        #[derive(Deserialize)]
        struct UserInfo {
            sub: String,
            email: Option<String>,
            #[serde(default)]
            email_verified: Option<serde_json::Value>,
            name: Option<String>,
        }
        let discovery = self.discovery(provider, issuer).await?;
        let redirect_uri = self.redirect_uri(provider);
        let tokens: TokenResponse = self
            .get_json(self.http.post(discovery.token_endpoint.clone()).form(&[
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", &redirect_uri),
                ("client_id", &provider.client_id),
                ("client_secret", provider.client_secret.expose()),
                ("code_verifier", code_verifier),
            ]))
            .await?;
        // The ID token came straight from the token endpoint over TLS, authenticated with our
        // client secret: OpenID Connect Core 3.1.3.7 lets TLS stand in for its signature.
        // Its claims are still checked: issuer, audience, expiry, and our nonce.
        let subject = check_id_token(
            &tokens.id_token,
            &discovery.issuer,
            &provider.client_id,
            nonce,
        )?;
        let info: UserInfo = self
            .get_json(
                self.http
                    .get(discovery.userinfo_endpoint.clone())
                    .bearer_auth(&tokens.access_token),
            )
            .await?;
        if info.sub != subject {
            return Err(OAuthError::InvalidResponse(
                "userinfo is about someone else".into(),
            ));
        }
        let email_verified = match info.email_verified {
            Some(serde_json::Value::Bool(b)) => b,
            Some(serde_json::Value::String(s)) => s == "true",
            _ => false,
        };
        Ok(Identity {
            subject,
            email: info.email,
            email_verified,
            name: info.name,
        })
    }

    async fn facebook_identity(
        &self,
        provider: &Provider,
        graph_url: &Url,
        code: &str,
        code_verifier: &str,
    ) -> Result<Identity, OAuthError> {
        #[derive(Deserialize)]
        struct TokenResponse {
            access_token: String,
        }
        #[derive(Deserialize)]
        struct Me {
            id: String,
            name: Option<String>,
            email: Option<String>,
        }
        let graph = graph_url.as_str().trim_end_matches('/');
        let redirect_uri = self.redirect_uri(provider);
        let tokens: TokenResponse = self
            .get_json(
                self.http
                    .get(format!("{graph}/oauth/access_token"))
                    .query(&[
                        ("client_id", provider.client_id.as_str()),
                        ("redirect_uri", &redirect_uri),
                        ("client_secret", provider.client_secret.expose()),
                        ("code", code),
                        ("code_verifier", code_verifier),
                    ]),
            )
            .await?;
        let proof = appsecret_proof(provider.client_secret.expose(), &tokens.access_token);
        let me: Me = self
            .get_json(self.http.get(format!("{graph}/me")).query(&[
                ("fields", "id,name,email"),
                ("access_token", &tokens.access_token),
                ("appsecret_proof", &proof),
            ]))
            .await?;
        // Facebook only shares an email address its owner has confirmed.
        Ok(Identity {
            subject: me.id,
            email_verified: me.email.is_some(),
            email: me.email,
            name: me.name,
        })
    }

    async fn get_json<T: serde::de::DeserializeOwned>(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<T, OAuthError> {
        let response = request
            .header(reqwest::header::ACCEPT, "application/json")
            .send()
            .await
            // Without the URL: Facebook's query strings carry the app secret and the code.
            .map_err(|e| OAuthError::Provider(format!("unreachable: {}", e.without_url())))?;
        let status = response.status();
        if !status.is_success() {
            return Err(OAuthError::Provider(format!("answered {status}")));
        }
        response
            .json()
            .await
            .map_err(|e| OAuthError::InvalidResponse(e.without_url().to_string()))
    }
}

/// Facebook's proof that a Graph API call comes from the app: HMAC-SHA256 of the access
/// token, keyed with the app secret, in hex.
pub fn appsecret_proof(app_secret: &str, access_token: &str) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(app_secret.as_bytes()) else {
        // HMAC takes keys of any length: this cannot happen.
        return String::new();
    };
    mac.update(access_token.as_bytes());
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Checks the claims of an ID token received from the token endpoint; answers its subject.
fn check_id_token(
    token: &str,
    issuer: &str,
    client_id: &str,
    nonce: &str,
) -> Result<String, OAuthError> {
    #[derive(Deserialize)]
    struct Claims {
        iss: String,
        sub: String,
        aud: serde_json::Value,
        exp: i64,
        nonce: Option<String>,
    }
    let invalid = |why: &str| OAuthError::InvalidResponse(format!("ID token: {why}"));
    let payload = token
        .split('.')
        .nth(1)
        .ok_or_else(|| invalid("not a JWT"))?;
    let bytes = URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .map_err(|_| invalid("not base64url"))?;
    let claims: Claims = serde_json::from_slice(&bytes).map_err(|_| invalid("missing claims"))?;
    let audience_ok = match &claims.aud {
        serde_json::Value::String(aud) => aud == client_id,
        serde_json::Value::Array(auds) => auds.iter().any(|a| a.as_str() == Some(client_id)),
        _ => false,
    };
    if claims.iss.trim_end_matches('/') != issuer.trim_end_matches('/') {
        return Err(invalid("another issuer"));
    }
    if !audience_ok {
        return Err(invalid("another audience"));
    }
    if claims.exp < chrono::Utc::now().timestamp() {
        return Err(invalid("expired"));
    }
    if claims.nonce.as_deref() != Some(nonce) {
        return Err(invalid("nonce mismatch"));
    }
    Ok(claims.sub)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_s256_matches_rfc_7636_appendix_b() {
        assert_eq!(
            pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn appsecret_proof_is_hex_hmac_sha256() {
        // HMAC-SHA256(key = "key", "The quick brown fox jumps over the lazy dog").
        assert_eq!(
            appsecret_proof("key", "The quick brown fox jumps over the lazy dog"),
            "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
        );
    }

    fn token(claims: serde_json::Value) -> String {
        format!("e30.{}.sig", URL_SAFE_NO_PAD.encode(claims.to_string()))
    }

    #[test]
    fn id_token_claims_are_checked() {
        let exp = chrono::Utc::now().timestamp() + 60;
        let good = serde_json::json!({"iss": "https://id.example", "sub": "42", "aud": "app", "exp": exp, "nonce": "n"});
        assert_eq!(
            check_id_token(&token(good.clone()), "https://id.example/", "app", "n").unwrap(),
            "42"
        );
        for (key, value) in [
            ("iss", serde_json::json!("https://evil.example")),
            ("aud", serde_json::json!("other-app")),
            ("exp", serde_json::json!(exp - 3600)),
            ("nonce", serde_json::json!("replayed")),
        ] {
            let mut bad = good.clone();
            bad[key] = value;
            assert!(
                check_id_token(&token(bad), "https://id.example", "app", "n").is_err(),
                "{key}"
            );
        }
    }
}
