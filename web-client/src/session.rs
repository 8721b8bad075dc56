//! The signed-in session of this browser: the tokens the API gave, kept in `localStorage`
//! so that a reload stays signed in. (The server's CSP allows scripts from this site only,
//! which is what keeps other scripts from reading them.)

use serde::{Deserialize, Serialize};

const KEY: &str = "ensemble.session";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub access_token: String,
    pub refresh_token: String,
    /// Whose session it is: another tab signing in as someone else must not hand its
    /// tokens to this one.
    #[serde(default)]
    pub user_id: String,
}

fn storage() -> Option<leptos::web_sys::Storage> {
    leptos::prelude::window().local_storage().ok().flatten()
}

/// Keeps the session; false when the browser refuses (private mode, storage full).
pub fn save(session: &Session) -> bool {
    match (storage(), serde_json::to_string(session)) {
        (Some(storage), Ok(text)) => storage.set_item(KEY, &text).is_ok(),
        _ => false,
    }
}

/// Whether this browser keeps anything for this site (private modes and full disks
/// refuse): without it, each tab keeps its session in memory only.
pub fn available() -> bool {
    storage().is_some_and(|s| s.set_item("ensemble.probe", "1").is_ok())
}

/// The session kept by an earlier visit.
pub fn load() -> Option<Session> {
    let text = storage()?.get_item(KEY).ok()??;
    serde_json::from_str(&text).ok()
}

pub fn clear() {
    if let Some(storage) = storage() {
        let _ = storage.remove_item(KEY);
    }
}

/// A small preference kept in `localStorage` (the interface language).
pub fn preference(key: &str) -> Option<String> {
    storage()?.get_item(key).ok()?
}

pub fn set_preference(key: &str, value: &str) {
    if let Some(storage) = storage() {
        let _ = storage.set_item(key, value);
    }
}

const SIGN_IN_STARTED: &str = "ensemble.sign_in_started";

/// Notes, for this tab, that the person started a sign-in with a provider.
pub fn mark_sign_in_started() {
    if let Some(storage) = leptos::prelude::window().session_storage().ok().flatten() {
        let _ = storage.set_item(SIGN_IN_STARTED, "1");
    }
}

/// Whether this tab started a sign-in (and forgets it): tokens arriving otherwise were not
/// asked for here (someone else's link), and are refused.
pub fn take_sign_in_started() -> bool {
    let Some(storage) = leptos::prelude::window().session_storage().ok().flatten() else {
        return false;
    };
    let started = storage.get_item(SIGN_IN_STARTED).ok().flatten().is_some();
    let _ = storage.remove_item(SIGN_IN_STARTED);
    started
}
