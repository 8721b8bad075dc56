//! The frame every page shares (header with navigation and language, main, footer), the
//! routes, and what every page can reach through the context: the API client, the session,
//! the signed-in person and the interface language.

use ensemble_wire::Me;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos::wasm_bindgen::JsCast;
use leptos_router::components::{A, Route, Router, Routes};
use leptos_router::path;

use crate::api::{ApiClient, DOCS_PATH};
use crate::components::{Img, SuspendedNotice, UnverifiedNotice};
use crate::pages::{
    AdminPage, AuthCompletePage, CausePage, DiscoverPage, FeedPage, ForgotPasswordPage,
    InvitationPage, ModerationLogPage, ModerationPage, MyDonationsPage, NewOrganisationPage,
    NotFoundPage, NotificationsPage, OrganisationPage, ResetPasswordPage, SettingsPage, SignInPage,
    SignUpPage, UnsubscribePage, UpdatePage, VerifyEmailPage,
};
use crate::session;
use crate::texts::{Lang, choose_lang, initial_lang, lang_chosen_here};

const MAIN_ID: &str = "main";

#[component]
pub fn App() -> impl IntoView {
    let lang = RwSignal::new(initial_lang());
    provide_context(lang);
    let session = RwSignal::new(session::load());
    let api = ApiClient::new(session);
    provide_context(api);
    let me = RwSignal::new(None::<Me>);
    provide_context(me);
    if api.signed_in() {
        spawn_local(async move {
            if let Ok(found) = api.me().await {
                // A new browser takes the account's language: the whole app is drawn again
                // then, so only when it differs (drawing it again for nothing would drop
                // what the person started on the page, a form half filled or a request
                // under way).
                if !lang_chosen_here()
                    && let Some(account) = Lang::from_tag(&found.locale)
                    && account != lang.get_untracked()
                {
                    lang.set(account);
                }
                me.set(Some(found));
            }
        });
    }
    // The whole interface is drawn again in the new language (the address, hence the page,
    // stays).
    move || {
        let current = lang.get();
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("lang", crate::texts::texts_of(current).lang);
        }
        view! { <Frame /> }
    }
}

#[component]
fn Frame() -> impl IntoView {
    let t = crate::texts::texts();
    let api = expect_context::<ApiClient>();
    let me = expect_context::<RwSignal<Option<Me>>>();
    let lang = expect_context::<RwSignal<Lang>>();
    crate::names::Causes::provide(api);
    view! {
        <Router>
            <a class="skip-link" href=format!("#{MAIN_ID}") on:click=skip_to_main>
                {t.skip_to_content}
            </a>
            <header class="site-header">
                <div class="container header-row">
                    <A href="/" attr:class="brand">{t.product_name}</A>
                    <nav aria-label=t.nav_label class="site-nav">
                        <ul class="nav">
                            <li><A href="/">{t.nav_discover}</A></li>
                            <li><A href="/feed">{t.nav_feed}</A></li>
                            {move || if api.signed_in() {
                                view! { <li class="nav-account"><AccountMenu /></li> }.into_any()
                            } else {
                                view! {
                                    <li><A href="/signin">{t.nav_sign_in}</A></li>
                                    <li><A href="/signup">{t.nav_sign_up}</A></li>
                                }.into_any()
                            }}
                        </ul>
                    </nav>
                    <div class="language">
                        <label for="language-picker">{t.language_label}</label>
                        <select id="language-picker" on:change=move |ev| {
                            if let Some(chosen) = Lang::from_tag(&event_target_value(&ev)) {
                                choose_lang(chosen);
                                // The account keeps it too (for other browsers and the mail).
                                if api.signed_in() {
                                    spawn_local(async move {
                                        let change = ensemble_wire::UpdateMe {
                                            locale: Some(chosen.code().to_owned()),
                                            ..Default::default()
                                        };
                                        if let Ok(updated) = api.update_me(&change).await {
                                            me.set(Some(updated));
                                        }
                                    });
                                }
                            }
                        }>
                            {Lang::ALL.into_iter().map(|l| view! {
                                <option value=l.code() selected=l == lang.get_untracked() lang=l.code()>{l.name()}</option>
                            }).collect_view()}
                        </select>
                    </div>
                </div>
                <p class="container tagline">{t.tagline}</p>
            </header>
            <main id=MAIN_ID class="container" tabindex="-1">
                <UnverifiedNotice />
                <SuspendedNotice />
                <Routes fallback=NotFoundPage>
                    <Route path=path!("/") view=DiscoverPage />
                    <Route path=path!("/feed") view=FeedPage />
                    <Route path=path!("/signin") view=SignInPage />
                    <Route path=path!("/signup") view=SignUpPage />
                    <Route path=path!("/organisations/new") view=NewOrganisationPage />
                    <Route path=path!("/organisations/:slug") view=OrganisationPage />
                    <Route path=path!("/organisations/:slug/admin") view=AdminPage />
                    <Route path=path!("/updates/:id") view=UpdatePage />
                    <Route path=path!("/donations") view=MyDonationsPage />
                    <Route path=path!("/notifications") view=NotificationsPage />
                    <Route path=path!("/settings") view=SettingsPage />
                    <Route path=path!("/causes/:slug") view=CausePage />
                    <Route path=path!("/moderation") view=ModerationPage />
                    <Route path=path!("/moderation/log") view=ModerationLogPage />
                    <Route path=path!("/donations/:id") view=MyDonationsPage />
                    <Route path=path!("/auth/complete") view=AuthCompletePage />
                    // Where the links sent by mail lead.
                    <Route path=path!("/verify-email") view=VerifyEmailPage />
                    <Route path=path!("/forgot-password") view=ForgotPasswordPage />
                    <Route path=path!("/reset-password") view=ResetPasswordPage />
                    <Route path=path!("/unsubscribe") view=UnsubscribePage />
                    <Route path=path!("/invitation") view=InvitationPage />
                </Routes>
            </main>
            <footer class="site-footer">
                <div class="container">
                    // The API docs are served by the server, not by this app: rel="external"
                    // keeps the router from handling the click.
                    <a href=DOCS_PATH rel="external">{t.footer_api_docs}</a>
                    <p>{t.footer_licence}</p>
                </div>
            </footer>
        </Router>
    }
}

/// The signed-in person's picture and name, opening the pages that are theirs (the
/// disclosure pattern: a button that shows or hides a list of links). It closes on a
/// choice, on Escape and when the focus leaves it.
#[component]
fn AccountMenu() -> impl IntoView {
    use leptos::ev::{FocusEvent, KeyboardEvent};

    let t = crate::texts::texts();
    let api = expect_context::<ApiClient>();
    let me = expect_context::<RwSignal<Option<Me>>>();
    let open = RwSignal::new(false);
    let button = NodeRef::<leptos::html::Button>::new();
    let container = NodeRef::<leptos::html::Div>::new();
    let on_keydown = move |ev: KeyboardEvent| {
        if ev.key() == "Escape" && open.get_untracked() {
            open.set(false);
            if let Some(button) = button.get_untracked() {
                let _ = button.focus();
            }
        }
    };
    let on_focusout = move |ev: FocusEvent| {
        let next = ev
            .related_target()
            .and_then(|t| t.dyn_into::<web_sys::Node>().ok());
        let inside = container
            .get_untracked()
            .is_some_and(|c| next.is_some_and(|n| c.contains(Some(&n))));
        if !inside {
            open.set(false);
        }
    };
    let sign_out = move |_| {
        open.set(false);
        spawn_local(async move {
            api.sign_out().await;
            me.set(None);
        });
    };
    let name = move || {
        me.with(|me| {
            me.as_ref()
                .map(|me| me.display_name.clone())
                .unwrap_or_default()
        })
    };
    view! {
        <div class="account" node_ref=container on:keydown=on_keydown on:focusout=on_focusout>
            <button
                type="button"
                class="account-button"
                node_ref=button
                aria-expanded=move || open.get().to_string()
                aria-controls="account-menu"
                on:click=move |_| open.update(|o| *o = !*o)
            >
                {move || match me.with(|me| me.as_ref().and_then(|me| me.avatar.clone())) {
                    Some(picture) => view! { <Img picture alt="" sizes="32px" class="avatar" eager=true /> }.into_any(),
                    None => view! {
                        <span class="avatar avatar-initial" aria-hidden="true">
                            {move || name().chars().next().map(|c| c.to_uppercase().to_string())}
                        </span>
                    }.into_any(),
                }}
                <span class="visually-hidden">{t.account_menu}" "</span>
                <span class="account-name">{name}</span>
                <span class="account-caret" aria-hidden="true">"▾"</span>
            </button>
            // A click on any of its links or buttons is a choice made.
            <ul id="account-menu" class="account-menu" hidden=move || !open.get() on:click=move |_| open.set(false)>
                <li><A href="/notifications">{t.nav_notifications}</A></li>
                <li><A href="/donations">{t.nav_my_donations}</A></li>
                <li><A href="/settings">{t.nav_settings}</A></li>
                <li><A href="/organisations/new">{t.nav_new_organisation}</A></li>
                {move || me.with(|me| me.as_ref().is_some_and(|me| me.is_moderator || me.is_admin)).then(|| view! {
                    <li><A href="/moderation">{t.nav_moderation}</A></li>
                })}
                <li><button type="button" class="link-button" on:click=sign_out>{t.nav_sign_out}</button></li>
            </ul>
        </div>
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
