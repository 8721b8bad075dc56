//! A local sign-in provider speaking the real protocols, for the OAuth tests: OpenID Connect
//! (discovery, authorize, token with PKCE S256, userinfo) and Facebook Login (dialog, Graph
//! API token exchange, `/me` with `appsecret_proof`). It checks what a real provider checks
//! and answers 400 otherwise.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use actix_web::dev::ServerHandle;
use actix_web::web::{self, Data};
use actix_web::{App, HttpRequest, HttpResponse, HttpServer};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::Mac;
use serde_json::{Value, json};
use sha2::Digest;

pub const CLIENT_ID: &str = "ensemble-test-client";
pub const CLIENT_SECRET: &str = "fake-provider-client-secret";

/// The person signed in at the provider.
#[derive(Debug, Clone)]
pub struct Person {
    pub subject: String,
    pub email: Option<String>,
    pub email_verified: bool,
    pub name: String,
}

struct Grant {
    challenge: String,
    nonce: Option<String>,
    redirect_uri: String,
}

#[derive(Default)]
struct State {
    base: String,
    person: Option<Person>,
    grants: HashMap<String, Grant>,
    tokens: HashMap<String, Person>,
    counter: u64,
}

pub struct FakeProvider {
    pub base: String,
    state: Arc<Mutex<State>>,
    handle: ServerHandle,
}

impl FakeProvider {
    pub async fn start() -> Self {
        let state = Arc::new(Mutex::new(State::default()));
        let data = Data::from(state.clone());
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .route(
                    "/.well-known/openid-configuration",
                    web::get().to(discovery),
                )
                .route("/authorize", web::get().to(authorize))
                .route("/token", web::post().to(token))
                .route("/userinfo", web::get().to(userinfo))
                .route("/fb/dialog", web::get().to(authorize))
                .route(
                    "/fb/graph/oauth/access_token",
                    web::get().to(facebook_token),
                )
                .route("/fb/graph/me", web::get().to(facebook_me))
        })
        .workers(1)
        .bind("127.0.0.1:0")
        .unwrap();
        let base = format!("http://{}", server.addrs()[0]);
        let server = server.run();
        let handle = server.handle();
        tokio::spawn(server);
        state.lock().unwrap().base = base.clone();
        Self {
            base,
            state,
            handle,
        }
    }

    pub fn sign_in_as(&self, person: Person) {
        self.state.lock().unwrap().person = Some(person);
    }
}

impl Drop for FakeProvider {
    fn drop(&mut self) {
        drop(self.handle.stop(false));
    }
}

fn bad(error: &str) -> HttpResponse {
    HttpResponse::BadRequest().json(json!({"error": error}))
}

fn query(req: &HttpRequest) -> HashMap<String, String> {
    url::form_urlencoded::parse(req.query_string().as_bytes())
        .into_owned()
        .collect()
}

async fn discovery(state: Data<Mutex<State>>) -> HttpResponse {
    let base = state.lock().unwrap().base.clone();
    HttpResponse::Ok().json(json!({
        "issuer": base,
        "authorization_endpoint": format!("{base}/authorize"),
        "token_endpoint": format!("{base}/token"),
        "userinfo_endpoint": format!("{base}/userinfo"),
        "jwks_uri": format!("{base}/jwks"),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "code_challenge_methods_supported": ["S256"],
    }))
}

/// The consent page: the person is already signed in and agrees at once.
async fn authorize(req: HttpRequest, state: Data<Mutex<State>>) -> HttpResponse {
    let q = query(&req);
    let get = |k: &str| q.get(k).cloned().unwrap_or_default();
    if get("response_type") != "code"
        || get("client_id") != CLIENT_ID
        || get("code_challenge_method") != "S256"
    {
        return bad("invalid_request");
    }
    if get("state").len() < 32
        || get("code_challenge").len() != 43
        || get("redirect_uri").is_empty()
    {
        return bad("invalid_request");
    }
    let mut state = state.lock().unwrap();
    state.counter += 1;
    let code = format!("code-{}", state.counter);
    state.grants.insert(
        code.clone(),
        Grant {
            challenge: get("code_challenge"),
            nonce: q.get("nonce").cloned(),
            redirect_uri: get("redirect_uri"),
        },
    );
    let mut location = url::Url::parse(&get("redirect_uri")).unwrap();
    location
        .query_pairs_mut()
        .append_pair("code", &code)
        .append_pair("state", &get("state"));
    HttpResponse::Found()
        .insert_header(("location", location.to_string()))
        .finish()
}

/// Redeems a code, once, for the right client, redirect URI and PKCE verifier; else the
/// OAuth error code to answer with.
fn redeem(
    state: &mut State,
    params: &HashMap<String, String>,
) -> Result<(Grant, Person), &'static str> {
    let get = |k: &str| params.get(k).cloned().unwrap_or_default();
    if get("client_id") != CLIENT_ID || get("client_secret") != CLIENT_SECRET {
        return Err("invalid_client");
    }
    let grant = state.grants.remove(&get("code")).ok_or("invalid_grant")?;
    let challenge = URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(get("code_verifier").as_bytes()));
    if grant.redirect_uri != get("redirect_uri") || grant.challenge != challenge {
        return Err("invalid_grant");
    }
    let person = state.person.clone().ok_or("access_denied")?;
    Ok((grant, person))
}

async fn token(
    state: Data<Mutex<State>>,
    form: web::Form<HashMap<String, String>>,
) -> HttpResponse {
    if form.get("grant_type").map(String::as_str) != Some("authorization_code") {
        return bad("unsupported_grant_type");
    }
    let mut state = state.lock().unwrap();
    let (grant, person) = match redeem(&mut state, &form) {
        Ok(found) => found,
        Err(error) => return bad(error),
    };
    let access_token = format!("at-{}-{}", person.subject, state.counter);
    state.tokens.insert(access_token.clone(), person.clone());
    let now = chrono::Utc::now().timestamp();
    let claims = json!({
        "iss": state.base, "sub": person.subject, "aud": CLIENT_ID,
        "iat": now, "exp": now + 300, "nonce": grant.nonce,
    });
    // Signed by a real provider; our server takes it straight from this endpoint over TLS.
    let id_token = format!(
        "{}.{}.{}",
        URL_SAFE_NO_PAD.encode(br#"{"alg":"RS256","kid":"fake"}"#),
        URL_SAFE_NO_PAD.encode(claims.to_string()),
        URL_SAFE_NO_PAD.encode(b"signature")
    );
    HttpResponse::Ok().json(json!({
        "access_token": access_token, "token_type": "Bearer", "expires_in": 3600, "id_token": id_token,
    }))
}

fn person_for(state: &State, token: &str) -> Option<Person> {
    state.tokens.get(token).cloned()
}

async fn userinfo(req: HttpRequest, state: Data<Mutex<State>>) -> HttpResponse {
    let token = req
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    match person_for(&state.lock().unwrap(), token) {
        Some(p) => HttpResponse::Ok().json(json!({
            "sub": p.subject, "email": p.email, "email_verified": p.email_verified, "name": p.name,
        })),
        None => HttpResponse::Unauthorized().json(json!({"error": "invalid_token"})),
    }
}

async fn facebook_token(req: HttpRequest, state: Data<Mutex<State>>) -> HttpResponse {
    let params = query(&req);
    let mut state = state.lock().unwrap();
    let (_, person) = match redeem(&mut state, &params) {
        Ok(found) => found,
        Err(error) => return bad(error),
    };
    let access_token = format!("fb-{}-{}", person.subject, state.counter);
    state.tokens.insert(access_token.clone(), person);
    HttpResponse::Ok()
        .json(json!({"access_token": access_token, "token_type": "bearer", "expires_in": 5183944}))
}

async fn facebook_me(req: HttpRequest, state: Data<Mutex<State>>) -> HttpResponse {
    let q = query(&req);
    let token = q.get("access_token").cloned().unwrap_or_default();
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(CLIENT_SECRET.as_bytes()).unwrap();
    mac.update(token.as_bytes());
    let proof: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    if q.get("appsecret_proof") != Some(&proof) {
        return bad("invalid appsecret_proof");
    }
    let Some(p) = person_for(&state.lock().unwrap(), &token) else {
        return HttpResponse::Unauthorized().json(json!({"error": {"type": "OAuthException"}}));
    };
    let mut me: Value = json!({"id": p.subject, "name": p.name});
    // Facebook only shares a confirmed email.
    if let (Some(email), true) = (p.email, p.email_verified) {
        me["email"] = json!(email);
    }
    HttpResponse::Ok().json(me)
}
