//! The transport under the typed API: requests, the session's tokens, and errors.
//!
//! Success bodies decode into the shared wire types of `ensemble-wire`; error bodies
//! (`application/problem+json`) decode into [`Problem`], so pages can tell a validation error
//! from a missing resource by its stable `code` instead of parsing text. Signed in, every
//! request carries the access token; when it has expired (401), the client trades the
//! refresh token for new ones once and repeats the request, so pages never see it.
//!
//! Refresh tokens work once, and a used one presented again ends the session (it may have
//! been stolen). So refreshing is single-flight, within a tab and across the tabs of the
//! browser: it runs under a Web Lock, and whoever gets the lock first looks at the
//! session kept in `localStorage` — if another request or tab has refreshed meanwhile, its
//! new tokens are taken instead of spending the old refresh token again.

use ensemble_wire::{AuthResponse, Code, Problem, RefreshRequest};
use gloo_net::http::{Method, RequestBuilder, Response};
use leptos::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use crate::session::{self, Session};

/// Where the API lives: the same origin as the web app, so no CORS and no configuration.
pub(super) const BASE_PATH: &str = "/api/v1";

/// Why a request did not give the expected value.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// No HTTP answer at all: offline, server down, request blocked.
    Network(String),
    /// The server refused or failed, and said why in an RFC 9457 problem body.
    Problem(Problem),
    /// An error status without a problem body, e.g. a proxy's 502 page.
    Status { status: u16, status_text: String },
    /// A body that does not match the wire type: client and server disagree on the contract.
    Decode(String),
}

impl ApiError {
    /// The field errors of a 422, by field name.
    pub fn field_errors(&self) -> Vec<(String, String)> {
        match self {
            ApiError::Problem(problem) => problem
                .errors
                .iter()
                .map(|e| (e.field.clone(), e.code.clone()))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The problem's code, if this version of the client knows it.
    pub fn code(&self) -> Option<Code> {
        match self {
            ApiError::Problem(problem) => problem.known_code(),
            _ => None,
        }
    }
}

/// A handle on the API and on the session. Cheap to copy; pages get it from the context.
#[derive(Debug, Clone, Copy)]
pub struct ApiClient {
    session: RwSignal<Option<Session>>,
}

impl ApiClient {
    pub fn new(session: RwSignal<Option<Session>>) -> Self {
        Self { session }
    }

    pub fn signed_in(&self) -> bool {
        self.session.with(Option::is_some)
    }

    /// Keeps the tokens of a sign-in (memory and `localStorage`).
    pub fn sign_in(&self, auth: &AuthResponse) {
        let session = Session {
            access_token: auth.access_token.clone(),
            refresh_token: auth.refresh_token.clone(),
            user_id: auth.user.id.clone(),
        };
        session::save(&session);
        self.session.set(Some(session));
    }

    /// Uses a session obtained elsewhere (a provider's sign-in), already saved.
    pub fn adopt(&self, session: Session) {
        self.session.set(Some(session));
    }

    /// Forgets the session here only (it has ended at the server already).
    pub fn forget(&self) {
        session::clear();
        self.session.set(None);
    }

    /// Signs out: the server ends the session (its tokens stop working everywhere), and
    /// this browser forgets it — even if the server cannot be reached.
    pub async fn sign_out(&self) {
        if let Some(session) = self.session.get_untracked() {
            let body = RefreshRequest {
                refresh_token: session.refresh_token,
            };
            if let Ok(request) = RequestBuilder::new(&format!("{BASE_PATH}/auth/logout"))
                .method(Method::POST)
                .json(&body)
            {
                let _ = request.send().await;
            }
        }
        self.forget();
    }

    pub(super) async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<T, ApiError> {
        let query = query
            .iter()
            .map(|(k, v)| format!("{k}={}", encode(v)))
            .collect::<Vec<_>>()
            .join("&");
        let path = if query.is_empty() {
            path.to_owned()
        } else {
            format!("{path}?{query}")
        };
        decode(self.send_raw(Method::GET, &path, None).await?).await
    }

    /// A text answer (CSV).
    pub(super) async fn get_text(&self, path: &str) -> Result<String, ApiError> {
        let response = self.send_raw(Method::GET, path, None).await?;
        if response.ok() {
            response
                .text()
                .await
                .map_err(|e| ApiError::Decode(e.to_string()))
        } else {
            Err(problem(response).await)
        }
    }

    /// Sends `body` (JSON) and decodes the answer.
    pub(super) async fn send<B: Serialize, T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<T, ApiError> {
        let body = body
            .map(serde_json::to_string)
            .transpose()
            .map_err(|e| ApiError::Decode(e.to_string()))?;
        decode(self.send_raw(method, path, body).await?).await
    }

    /// Like [`Self::send`], with an `Idempotency-Key`.
    pub(super) async fn send_with_key<B: Serialize, T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
        key: &str,
    ) -> Result<T, ApiError> {
        let body = body
            .map(serde_json::to_string)
            .transpose()
            .map_err(|e| ApiError::Decode(e.to_string()))?;
        let response = self
            .attempt_with(method.clone(), path, body.clone(), Some(key))
            .await?;
        let response = if response.status() == 401 && self.refresh().await {
            self.attempt_with(method, path, body, Some(key)).await?
        } else {
            response
        };
        decode(response).await
    }

    /// Sends `body` (JSON) to an operation answering no content (204, 202).
    pub(super) async fn send_no_content<B: Serialize>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<(), ApiError> {
        let body = body
            .map(serde_json::to_string)
            .transpose()
            .map_err(|e| ApiError::Decode(e.to_string()))?;
        let response = self.send_raw(method, path, body).await?;
        if response.ok() {
            Ok(())
        } else {
            Err(problem(response).await)
        }
    }

    /// Sends a file as the raw body (its own type as `Content-Type`), signed in, telling
    /// `progress` the share sent so far (0 to 1) as it goes.
    pub(super) async fn send_file<T: DeserializeOwned>(
        &self,
        path: &str,
        file: &web_sys::File,
        progress: impl Fn(f64) + Clone + 'static,
    ) -> Result<T, ApiError> {
        let mut sent = self.attempt_file(path, file, progress.clone()).await?;
        if sent.status == 401 && self.refresh().await {
            sent = self.attempt_file(path, file, progress).await?;
        }
        sent.decode()
    }

    /// One upload, by XMLHttpRequest: `fetch` cannot tell how much of a body has gone.
    async fn attempt_file(
        &self,
        path: &str,
        file: &web_sys::File,
        progress: impl Fn(f64) + 'static,
    ) -> Result<Sent, ApiError> {
        use leptos::wasm_bindgen::JsCast;
        use leptos::wasm_bindgen::closure::Closure;

        let network = |e: JsValue| ApiError::Network(format!("{e:?}"));
        let xhr = web_sys::XmlHttpRequest::new().map_err(network)?;
        xhr.open("POST", &format!("{BASE_PATH}{path}"))
            .map_err(network)?;
        let mut headers = vec![
            ("Accept", "application/json".to_owned()),
            (
                "Accept-Language",
                crate::texts::current_lang().code().to_owned(),
            ),
            ("Content-Type", file.type_()),
        ];
        if let Some(session) = self.session.get_untracked() {
            headers.push(("Authorization", format!("Bearer {}", session.access_token)));
        }
        for (name, value) in headers {
            xhr.set_request_header(name, &value).map_err(network)?;
        }
        let on_progress =
            Closure::<dyn Fn(web_sys::ProgressEvent)>::new(move |ev: web_sys::ProgressEvent| {
                if ev.length_computable() && ev.total() > 0.0 {
                    progress(ev.loaded() / ev.total());
                }
            });
        xhr.upload()
            .map_err(network)?
            .set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
        // Whatever the outcome (answer, network error, abort), `loadend` comes last.
        let done = js_sys::Promise::new(&mut |resolve, _reject| {
            xhr.set_onloadend(Some(&resolve));
        });
        xhr.send_with_opt_blob(Some(file)).map_err(network)?;
        let _ = wasm_bindgen_futures::JsFuture::from(done).await;
        drop(on_progress);
        let status = xhr.status().map_err(network)?;
        if status == 0 {
            return Err(ApiError::Network(
                "the upload did not reach the server".to_owned(),
            ));
        }
        Ok(Sent {
            status,
            status_text: xhr.status_text().unwrap_or_default(),
            content_type: xhr
                .get_response_header("content-type")
                .ok()
                .flatten()
                .unwrap_or_default(),
            body: xhr.response_text().ok().flatten().unwrap_or_default(),
        })
    }

    async fn send_raw(
        &self,
        method: Method,
        path: &str,
        body: Option<String>,
    ) -> Result<Response, ApiError> {
        let response = self.attempt(method.clone(), path, body.clone()).await?;
        if response.status() != 401 || !self.refresh().await {
            return Ok(response);
        }
        self.attempt(method, path, body).await
    }

    async fn attempt(
        &self,
        method: Method,
        path: &str,
        body: Option<String>,
    ) -> Result<Response, ApiError> {
        self.attempt_with(method, path, body, None).await
    }

    async fn attempt_with(
        &self,
        method: Method,
        path: &str,
        body: Option<String>,
        key: Option<&str>,
    ) -> Result<Response, ApiError> {
        let url = format!("{BASE_PATH}{path}");
        // The API's messages (problem titles, cause names) in the interface's language.
        let mut request = RequestBuilder::new(&url)
            .method(method)
            .header("Accept", "application/json")
            .header("Accept-Language", crate::texts::current_lang().code());
        if let Some(key) = key {
            request = request.header("Idempotency-Key", key);
        }
        if let Some(session) = self.session.get_untracked() {
            request = request.header("Authorization", &format!("Bearer {}", session.access_token));
        }
        let sent = match body {
            Some(body) => {
                request
                    .header("Content-Type", "application/json")
                    .body(body)
                    .map_err(|e| ApiError::Network(e.to_string()))?
                    .send()
                    .await
            }
            None => request.send().await,
        };
        sent.map_err(|e| {
            leptos::logging::warn!("{url}: {e}");
            ApiError::Network(e.to_string())
        })
    }

    /// New tokens for the session `stale` was part of: false (and signed out) when there
    /// are none to be had. Single-flight across the browser's tabs (see the module).
    async fn refresh(&self) -> bool {
        let Some(stale) = self.session.get_untracked() else {
            return false;
        };
        let client = *self;
        let outcome = with_lock("ensemble-refresh", async move {
            // Refreshed meanwhile by another request or tab: take its tokens (the browser's
            // kept session, or this tab's own where the browser keeps nothing).
            let current = if session::available() {
                session::load()
            } else {
                client.session.get_untracked()
            };
            match current {
                None => return Refresh::SignedOut,
                Some(current) if current.refresh_token != stale.refresh_token => {
                    return if current.user_id == stale.user_id {
                        Refresh::Adopted(current)
                    } else {
                        Refresh::OtherAccount
                    };
                }
                Some(_) => {}
            }
            let body = RefreshRequest {
                refresh_token: stale.refresh_token,
            };
            // A refresh that hangs would hold every tab's lock: it gives up after 15 s.
            let abort = leptos::web_sys::AbortController::new().ok();
            let timer = abort.as_ref().and_then(|abort| {
                let abort = abort.clone();
                let stop = Closure::once_into_js(move || abort.abort());
                window()
                    .set_timeout_with_callback_and_timeout_and_arguments_0(
                        stop.unchecked_ref(),
                        15_000,
                    )
                    .ok()
            });
            let Ok(request) = RequestBuilder::new(&format!("{BASE_PATH}/auth/refresh"))
                .method(Method::POST)
                .abort_signal(abort.as_ref().map(|a| a.signal()).as_ref())
                .json(&body)
            else {
                return Refresh::Failed;
            };
            let sent = request.send().await;
            if let Some(timer) = timer {
                window().clear_timeout_with_handle(timer);
            }
            match sent {
                Ok(response) if response.ok() => match response.json::<AuthResponse>().await {
                    Ok(auth) => {
                        client.sign_in(&auth);
                        Refresh::Refreshed
                    }
                    Err(_) => Refresh::Failed,
                },
                // The server says the session is over.
                Ok(response) if response.status() == 401 => Refresh::SignedOut,
                // Offline, or the server failing: keep the session for later.
                _ => Refresh::Failed,
            }
        })
        .await
        .unwrap_or(Refresh::Failed);
        match outcome {
            Refresh::Refreshed => true,
            Refresh::Adopted(current) => {
                self.session.set(Some(current));
                true
            }
            Refresh::SignedOut => {
                self.forget();
                false
            }
            // Another tab signed in as someone else: this page belongs to nobody now.
            Refresh::OtherAccount => {
                self.session.set(None);
                let _ = window().location().reload();
                false
            }
            Refresh::Failed => false,
        }
    }
}

/// What refreshing came to.
enum Refresh {
    Refreshed,
    /// Another request or tab refreshed first: its session.
    Adopted(Session),
    /// Another tab signed in as another person since.
    OtherAccount,
    SignedOut,
    Failed,
}

/// Runs `work` holding the browser-wide lock `name` (every tab of this site waits its
/// turn, through the Web Locks API); where the browser has no such locks, runs it as it is.
async fn with_lock<T: 'static>(name: &str, work: impl Future<Output = T> + 'static) -> Option<T> {
    use std::cell::RefCell;
    use std::rc::Rc;
    thread_local! {
        // This tab's own turn-taking, with or without Web Locks.
        static IN_TAB: Rc<futures_util::lock::Mutex<()>> = Rc::new(futures_util::lock::Mutex::new(()));
    }
    let in_tab = IN_TAB.with(Rc::clone);
    let _turn = in_tab.lock().await;
    type Work<T> = std::pin::Pin<Box<dyn Future<Output = T>>>;
    let work: Rc<RefCell<Option<Work<T>>>> = Rc::new(RefCell::new(Some(Box::pin(work))));
    let result: Rc<RefCell<Option<T>>> = Rc::new(RefCell::new(None));
    let locks = js_sys::Reflect::get(&window().navigator(), &JsValue::from_str("locks"))
        .ok()
        .filter(|locks| !locks.is_undefined() && !locks.is_null());
    let request = locks.as_ref().and_then(|locks| {
        js_sys::Reflect::get(locks, &JsValue::from_str("request"))
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
    });
    if let (Some(locks), Some(request)) = (locks, request) {
        let (pending, slot) = (work.clone(), result.clone());
        let callback = Closure::<dyn FnMut(JsValue) -> js_sys::Promise>::new(move |_lock| {
            let taken = pending.borrow_mut().take();
            let slot = slot.clone();
            // The lock is held until this promise settles.
            wasm_bindgen_futures::future_to_promise(async move {
                if let Some(work) = taken {
                    let value = work.await;
                    *slot.borrow_mut() = Some(value);
                }
                Ok(JsValue::UNDEFINED)
            })
        });
        if let Ok(promise) = request.call2(&locks, &JsValue::from_str(name), callback.as_ref())
            && let Ok(promise) = promise.dyn_into::<js_sys::Promise>()
        {
            let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
        }
        drop(callback);
    }
    // No lock to be had (or it failed before running the work): run it now.
    let left = work.borrow_mut().take();
    if let Some(work) = left {
        let value = work.await;
        *result.borrow_mut() = Some(value);
    }
    // `None` only if the work was taken under the lock and never finished.
    result.borrow_mut().take()
}

/// Percent-encodes a query value.
pub fn encode(value: &str) -> String {
    js_sys::encode_uri_component(value)
        .as_string()
        .unwrap_or_default()
}

/// An answer read whole, as XMLHttpRequest gives it.
struct Sent {
    status: u16,
    status_text: String,
    content_type: String,
    body: String,
}

impl Sent {
    fn decode<T: DeserializeOwned>(self) -> Result<T, ApiError> {
        if (200..300).contains(&self.status) {
            return serde_json::from_str(&self.body).map_err(|e| ApiError::Decode(e.to_string()));
        }
        let problem = self
            .content_type
            .contains("json")
            .then(|| serde_json::from_str::<Problem>(&self.body).ok())
            .flatten();
        Err(problem.map_or(
            ApiError::Status {
                status: self.status,
                status_text: self.status_text,
            },
            ApiError::Problem,
        ))
    }
}

async fn decode<T: DeserializeOwned>(response: Response) -> Result<T, ApiError> {
    if response.ok() {
        return response
            .json::<T>()
            .await
            .map_err(|err| ApiError::Decode(err.to_string()));
    }
    Err(problem(response).await)
}

async fn problem(response: Response) -> ApiError {
    let status = response.status();
    let status_text = response.status_text();
    let is_json = response
        .headers()
        .get("content-type")
        .is_some_and(|content_type| content_type.contains("json"));
    // Anything in front of the API (proxy, static file server) may answer with HTML.
    let problem = if is_json {
        response.json::<Problem>().await.ok()
    } else {
        None
    };
    problem.map_or(
        ApiError::Status {
            status,
            status_text,
        },
        ApiError::Problem,
    )
}
