use leptos::prelude::*;
use leptos_router::components::A;

use crate::texts::texts;

/// Shown for any path no route matches. The server answers every unknown path with the app,
/// so this is also what a mistyped deep link shows.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    let t = texts();
    view! {
        <section class="page" aria-labelledby="page-title">
            <h1 id="page-title">{t.not_found_title}</h1>
            <p>{t.not_found_body}</p>
            <p>
                <A href="/">{t.not_found_home}</A>
            </p>
        </section>
    }
}
