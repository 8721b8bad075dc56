//! A local Stripe for the donation tests, speaking Stripe's request and object shapes:
//! `POST /v1/checkout/sessions` (form-encoded, bearer secret key, `Idempotency-Key`
//! required and honoured), `GET /v1/checkout/sessions/{id}`, `DELETE /v1/subscriptions/{id}`.
//! It checks what Stripe checks (400 or 401 otherwise) and records every request.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use actix_web::dev::ServerHandle;
use actix_web::web::{self, Bytes, Data, Path};
use actix_web::{App, HttpRequest, HttpResponse, HttpServer};
use serde_json::{Value, json};

pub const SECRET_KEY: &str = "sk_test_fake_ensemble";
pub const WEBHOOK_SECRET: &str = "whsec_fake_ensemble";

#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub idempotency_key: Option<String>,
    pub form: HashMap<String, String>,
}

#[derive(Default)]
struct State {
    base: String,
    sessions: HashMap<String, Value>,
    by_key: HashMap<String, String>,
    requests: Vec<Recorded>,
    counter: u64,
    failing: bool,
}

pub struct FakeStripe {
    pub base: String,
    state: Arc<Mutex<State>>,
    handle: ServerHandle,
}

impl FakeStripe {
    pub async fn start() -> Self {
        let state = Arc::new(Mutex::new(State::default()));
        let data = Data::from(state.clone());
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .route("/v1/checkout/sessions", web::post().to(create_session))
                .route("/v1/checkout/sessions/{id}", web::get().to(get_session))
                .route(
                    "/v1/checkout/sessions/{id}/expire",
                    web::post().to(expire_session),
                )
                .route(
                    "/v1/subscriptions/{id}",
                    web::delete().to(cancel_subscription),
                )
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

    pub fn requests(&self) -> Vec<Recorded> {
        self.state.lock().unwrap().requests.clone()
    }

    /// Answers 500 to everything while `failing`.
    pub fn set_failing(&self, failing: bool) {
        self.state.lock().unwrap().failing = failing;
    }

    /// The donor paid at checkout: the session is complete (with a PaymentIntent, or a
    /// subscription). Answers the session object.
    pub fn complete(&self, session_id: &str) -> Value {
        let mut state = self.state.lock().unwrap();
        state.counter += 1;
        let n = state.counter;
        let session = state.sessions.get_mut(session_id).unwrap();
        session["status"] = json!("complete");
        session["payment_status"] = json!("paid");
        if session["mode"] == "subscription" {
            session["subscription"] = json!(format!("sub_{n}"));
        } else {
            session["payment_intent"] = json!(format!("pi_{n}"));
        }
        session.clone()
    }

    pub fn expire(&self, session_id: &str) -> Value {
        let mut state = self.state.lock().unwrap();
        let session = state.sessions.get_mut(session_id).unwrap();
        session["status"] = json!("expired");
        session.clone()
    }
}

impl Drop for FakeStripe {
    fn drop(&mut self) {
        drop(self.handle.stop(false));
    }
}

/// A Stripe event around `object`.
pub fn event(id: &str, kind: &str, object: Value) -> Value {
    json!({"id": id, "object": "event", "type": kind, "api_version": "2025-03-31.basil",
           "created": chrono::Utc::now().timestamp(), "data": {"object": object}})
}

fn error(status: u16, message: &str) -> HttpResponse {
    HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap())
        .json(json!({"error": {"type": "invalid_request_error", "message": message}}))
}

fn authorised(req: &HttpRequest) -> bool {
    req.headers()
        .get("Authorization")
        .and_then(|v| v.to_str().ok())
        == Some(&format!("Bearer {SECRET_KEY}"))
}

fn record(state: &mut State, req: &HttpRequest, form: HashMap<String, String>) {
    state.requests.push(Recorded {
        method: req.method().to_string(),
        path: req.path().to_owned(),
        idempotency_key: req
            .headers()
            .get("Idempotency-Key")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        form,
    });
}

async fn create_session(state: Data<Mutex<State>>, req: HttpRequest, body: Bytes) -> HttpResponse {
    let form: HashMap<String, String> = url::form_urlencoded::parse(&body).into_owned().collect();
    let mut state = state.lock().unwrap();
    record(&mut state, &req, form.clone());
    if state.failing {
        return error(500, "fake outage");
    }
    if !authorised(&req) {
        return error(401, "Invalid API Key provided");
    }
    use actix_web::HttpMessage;
    if req.content_type() != "application/x-www-form-urlencoded" {
        return error(400, "form-encoded bodies only");
    }
    let Some(key) = req
        .headers()
        .get("Idempotency-Key")
        .and_then(|v| v.to_str().ok())
    else {
        return error(400, "this fake wants an Idempotency-Key on every POST");
    };
    if let Some(id) = state.by_key.get(key) {
        return HttpResponse::Ok().json(state.sessions[id].clone());
    }
    let get = |k: &str| form.get(k).cloned();
    let mode = get("mode").unwrap_or_default();
    let reference = get("client_reference_id");
    let amount = get("line_items[0][price_data][unit_amount]").and_then(|a| a.parse::<i64>().ok());
    let currency = get("line_items[0][price_data][currency]").unwrap_or_default();
    let interval = get("line_items[0][price_data][recurring][interval]");
    let valid = matches!(mode.as_str(), "payment" | "subscription")
        && reference.is_some()
        && get("metadata[donation_id]") == reference
        && amount.is_some_and(|a| a > 0)
        && currency.len() == 3
        && currency.chars().all(|c| c.is_ascii_lowercase())
        && get("success_url").is_some_and(|u| u.starts_with("http"))
        && get("line_items[0][quantity]").as_deref() == Some("1")
        && (mode == "subscription") == interval.is_some();
    if !valid {
        return error(400, "invalid checkout session parameters");
    }
    state.counter += 1;
    let id = format!("cs_test_{}", state.counter);
    let session = json!({
        "id": id, "object": "checkout.session", "mode": mode, "status": "open",
        "payment_status": "unpaid", "client_reference_id": reference,
        "metadata": {"donation_id": get("metadata[donation_id]")},
        "amount_total": amount, "currency": currency,
        "url": format!("{}/pay/{id}", state.base),
        "payment_intent": null, "subscription": null,
    });
    state.by_key.insert(key.to_owned(), id.clone());
    state.sessions.insert(id, session.clone());
    HttpResponse::Ok().json(session)
}

async fn get_session(
    state: Data<Mutex<State>>,
    req: HttpRequest,
    id: Path<String>,
) -> HttpResponse {
    let mut state = state.lock().unwrap();
    record(&mut state, &req, HashMap::new());
    if !authorised(&req) {
        return error(401, "Invalid API Key provided");
    }
    match state.sessions.get(id.as_str()) {
        Some(session) => HttpResponse::Ok().json(session.clone()),
        None => error(404, "No such checkout.session"),
    }
}

async fn expire_session(
    state: Data<Mutex<State>>,
    req: HttpRequest,
    id: Path<String>,
) -> HttpResponse {
    let mut state = state.lock().unwrap();
    record(&mut state, &req, HashMap::new());
    if !authorised(&req) {
        return error(401, "Invalid API Key provided");
    }
    let Some(session) = state.sessions.get_mut(id.as_str()) else {
        return error(404, "No such checkout.session");
    };
    if session["status"] != "open" {
        return error(
            400,
            "Only Checkout Sessions with a status in [\"open\"] can be expired.",
        );
    }
    session["status"] = json!("expired");
    HttpResponse::Ok().json(session.clone())
}

async fn cancel_subscription(
    state: Data<Mutex<State>>,
    req: HttpRequest,
    id: Path<String>,
) -> HttpResponse {
    let mut state = state.lock().unwrap();
    record(&mut state, &req, HashMap::new());
    if !authorised(&req) {
        return error(401, "Invalid API Key provided");
    }
    HttpResponse::Ok()
        .json(json!({"id": id.as_str(), "object": "subscription", "status": "canceled"}))
}
