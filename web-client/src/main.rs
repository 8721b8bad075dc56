//! Ensemble's web app: a client-side rendered Leptos SPA talking to the JSON API.

mod api;
mod app;
mod components;
mod names;
mod pages;
mod session;
mod texts;
mod texts_en;
mod texts_es;
mod texts_fr;
mod texts_zh;

fn main() {
    // Panics show up in the browser console with their message instead of "unreachable".
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
