//! What a page shows instead of its content: while it loads, when loading failed, and to
//! someone who must sign in first.

use leptos::prelude::*;
use leptos_router::components::A;

use super::ApiErrorNotice;
use crate::api::ApiError;
use crate::texts::texts;

/// While a page's content loads (the fallback of its `<Suspense>` or `<Transition>`).
#[component]
pub fn Loading() -> impl IntoView {
    view! { <p class="muted" role="status">{texts().organisations_loading}</p> }
}

/// What `resource` loaded, drawn by `ready`; or why it failed (`failed` says what), with a
/// button that loads it again. Read under a `<Suspense>` or `<Transition>`, which waits
/// for the answer.
pub fn loaded<T, V>(
    resource: LocalResource<Result<T, ApiError>>,
    failed: &'static str,
    ready: impl Fn(T) -> V + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    move || {
        resource.get().map(|result| match result {
            Ok(value) => ready(value).into_any(),
            Err(error) => view! {
                <ApiErrorNotice summary=failed error on_retry=Callback::new(move |()| resource.refetch()) />
            }
            .into_any(),
        })
    }
}

/// A page for the signed-in only, to someone who is not: its title and a way to sign in.
#[component]
pub fn SignInFirst(
    title: &'static str,
    /// What the link to the sign-in says; "Sign in" unless given.
    #[prop(optional)]
    link: Option<&'static str>,
    /// The page is a narrow one (a form).
    #[prop(optional)]
    narrow: bool,
) -> impl IntoView {
    let t = texts();
    view! {
        <section class=if narrow { "page narrow" } else { "page" } aria-labelledby="page-title">
            <h1 id="page-title">{title}</h1>
            <p><A href="/signin">{link.unwrap_or(t.nav_sign_in)}</A></p>
        </section>
    }
}
