//! The frame every page shares (header, main, footer) and the routes.

use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use leptos_router::components::{A, Route, Router, Routes};
use leptos_router::path;

use crate::api::ApiClient;
use crate::pages::{AuthCompletePage, NotFoundPage, OrganisationsPage};
use crate::texts::texts;

const MAIN_ID: &str = "main";

#[component]
pub fn App() -> impl IntoView {
    let t = texts();
    provide_context(ApiClient::default());
    if let Some(root) = document().document_element() {
        // index.html says "en" for the first paint; the interface language decides after.
        let _ = root.set_attribute("lang", t.lang);
    }

    view! {
        <Router>
            <a class="skip-link" href=format!("#{MAIN_ID}") on:click=skip_to_main>
                {t.skip_to_content}
            </a>
            <header class="site-header">
                <div class="container">
                    <A href="/" attr:class="brand">
                        {t.product_name}
                    </A>
                    <p class="tagline">{t.tagline}</p>
                </div>
            </header>
            <main id=MAIN_ID class="container" tabindex="-1">
                <Routes fallback=NotFoundPage>
                    <Route path=path!("/") view=OrganisationsPage />
                    <Route path=path!("/auth/complete") view=AuthCompletePage />
                </Routes>
            </main>
            <footer class="site-footer">
                <div class="container">
                    // The API docs are served by the server, not by this app: rel="external"
                    // keeps the router from handling the click.
                    <a href="/api/docs" rel="external">
                        {t.footer_api_docs}
                    </a>
                    <p>{t.footer_licence}</p>
                </div>
            </footer>
        </Router>
    }
}

/// Moves keyboard focus to `<main>`. The router handles same-page `#` links itself and only
/// scrolls, which would leave focus on the skip link.
fn skip_to_main(event: leptos::ev::MouseEvent) {
    if let Some(main) = document().get_element_by_id(MAIN_ID) {
        event.prevent_default();
        if let Ok(main) = main.dyn_into::<leptos::web_sys::HtmlElement>() {
            let _ = main.focus();
        }
    }
}
