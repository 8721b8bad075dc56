//! `/`: discover organisations: words, cause, country, language, verification, order. The
//! address keeps every choice, so a search can be shared, reloaded and navigated back to.

use ensemble_wire::{Cause, Organisation, Page};
use leptos::html::Ul;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos::wasm_bindgen::JsCast;
use leptos::web_sys::HtmlElement;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api::{ApiClient, ApiError, encode};
use crate::components::{ApiErrorNotice, OrganisationCard};
use crate::texts::texts;

/// Where the list stands. Pages already shown stay on screen whatever happens next.
#[derive(Debug, Clone, PartialEq)]
enum Status {
    Loading,
    Idle,
    Failed(ApiError),
}

const PARAMS: [&str; 6] = ["q", "cause", "country", "language", "verified", "sort"];
const LANGUAGES: [&str; 12] = [
    "en", "fr", "es", "zh", "ar", "pt", "sw", "hi", "de", "it", "qu", "wo",
];

#[component]
pub fn DiscoverPage() -> impl IntoView {
    let t = texts();
    let api = expect_context::<ApiClient>();
    let query = use_query_map();
    let navigate = use_navigate();
    let param = move |name: &str| query.with(|q| q.get(name)).unwrap_or_default();

    let organisations = RwSignal::new(Vec::<Organisation>::new());
    let next_cursor = RwSignal::new(None::<String>);
    let status = RwSignal::new(Status::Loading);
    let list = NodeRef::<Ul>::new();
    let causes = RwSignal::new(Vec::<Cause>::new());
    spawn_local(async move {
        if let Ok(page) = api.get::<Page<Cause>>("/causes", &[]).await {
            causes.set(page.items);
        }
    });

    // The form's fields, filled from the address.
    let q = RwSignal::new(String::new());
    let cause = RwSignal::new(String::new());
    let country = RwSignal::new(String::new());
    let language = RwSignal::new(String::new());
    let verified = RwSignal::new(false);
    let sort = RwSignal::new(String::new());

    let load = move |cursor: Option<String>| {
        status.set(Status::Loading);
        let mut params: Vec<(&str, String)> = PARAMS
            .iter()
            .filter_map(|name| {
                let value = param(name);
                (!value.is_empty()).then_some((*name, value))
            })
            .collect();
        if let Some(cursor) = cursor.clone() {
            params.push(("cursor", cursor));
        }
        spawn_local(async move {
            match api
                .get::<Page<Organisation>>("/organisations", &params)
                .await
            {
                Ok(page) => {
                    // The page may have been left while the request was out: its signals
                    // are gone, and there is nothing to show.
                    let Some(first_new) = organisations.try_with_untracked(Vec::len) else {
                        return;
                    };
                    if cursor.is_some() {
                        organisations.update(|shown| shown.extend(page.items));
                        focus_card(list, first_new);
                    } else {
                        organisations.set(page.items);
                    }
                    next_cursor.set(page.next_cursor);
                    status.set(Status::Idle);
                }
                Err(error) => status.set(Status::Failed(error)),
            }
        });
    };
    // A new address: a new first page.
    Effect::new(move |_| {
        q.set(param("q"));
        cause.set(param("cause"));
        country.set(param("country"));
        language.set(param("language"));
        verified.set(param("verified") == "true");
        sort.set(param("sort"));
        load(None);
    });

    let search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let values = [
            ("q", q.get_untracked()),
            ("cause", cause.get_untracked()),
            ("country", country.get_untracked().trim().to_uppercase()),
            ("language", language.get_untracked()),
            (
                "verified",
                if verified.get_untracked() {
                    "true".into()
                } else {
                    String::new()
                },
            ),
            ("sort", sort.get_untracked()),
        ];
        let query = values
            .iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .map(|(k, v)| format!("{k}={}", encode(v.trim())))
            .collect::<Vec<_>>()
            .join("&");
        navigate(
            &if query.is_empty() {
                "/".to_owned()
            } else {
                format!("/?{query}")
            },
            NavigateOptions::default(),
        );
    };

    let is_loading = move || status.with(|status| *status == Status::Loading);
    let nothing_shown = move || organisations.with(Vec::is_empty);
    let on_load_more = move |_| {
        if !is_loading() {
            load(next_cursor.get_untracked());
        }
    };

    view! {
        <section class="page" aria-labelledby="page-title">
            <h1 id="page-title">{t.organisations_title}</h1>
            <p class="lead">{t.organisations_intro}</p>

            <form class="search" role="search" on:submit=search>
                <div class="search-row">
                    <label for="q" class="visually-hidden">{t.search_label}</label>
                    <input
                        id="q"
                        type="search"
                        placeholder=t.search_label
                        prop:value=move || q.get()
                        on:input=move |ev| q.set(event_target_value(&ev))
                    />
                    <button type="submit" class="button-primary">{t.search_button}</button>
                </div>
                <div class="filters">
                    <div class="field">
                        <label for="cause">{t.filter_cause}</label>
                        <select id="cause" on:change=move |ev| cause.set(event_target_value(&ev)) prop:value=move || cause.get()>
                            <option value="">{t.filter_any}</option>
                            {move || causes.get().into_iter().map(|c| {
                                let label = if c.parent.is_some() { format!("— {}", c.name) } else { c.name.clone() };
                                view! { <option value=c.slug.clone() selected=move || cause.get() == c.slug>{label}</option> }
                            }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="country">{t.filter_country}</label>
                        <input id="country" type="text" maxlength="2" size="3" autocomplete="country"
                            prop:value=move || country.get()
                            on:input=move |ev| country.set(event_target_value(&ev)) />
                    </div>
                    <div class="field">
                        <label for="language">{t.filter_language}</label>
                        <select id="language" on:change=move |ev| language.set(event_target_value(&ev)) prop:value=move || language.get()>
                            <option value="">{t.filter_any}</option>
                            {LANGUAGES.iter().map(|code| view! {
                                <option value=*code selected=move || language.get() == *code>{*code}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="sort">{t.sort_label}</label>
                        <select id="sort" on:change=move |ev| sort.set(event_target_value(&ev)) prop:value=move || sort.get()>
                            <option value="">{t.sort_relevance}</option>
                            <option value="followers" selected=move || sort.get() == "followers">{t.sort_followers}</option>
                            <option value="recent" selected=move || sort.get() == "recent">{t.sort_recent}</option>
                            <option value="name" selected=move || sort.get() == "name">{t.sort_name}</option>
                        </select>
                    </div>
                    <div class="field field-check">
                        <input id="verified" type="checkbox" prop:checked=move || verified.get()
                            on:change=move |ev| verified.set(event_target_checked(&ev)) />
                        <label for="verified">{t.filter_verified_only}</label>
                    </div>
                </div>
            </form>

            <Show when=move || !nothing_shown()>
                <ul node_ref=list class="organisation-list" aria-busy=move || is_loading().to_string()>
                    <For
                        each=move || organisations.get()
                        key=|organisation| organisation.id.clone()
                        children=|organisation| view! { <OrganisationCard organisation /> }
                    />
                </ul>
            </Show>

            <div role="status" class="list-status">
                {move || match status.get() {
                    Status::Loading if nothing_shown() => view! { <p class="muted">{t.organisations_loading}</p> }.into_any(),
                    Status::Idle if nothing_shown() => view! { <p class="empty">{t.organisations_empty}</p> }.into_any(),
                    _ => ().into_any(),
                }}
            </div>

            {move || match status.get() {
                Status::Failed(error) => Some(view! {
                    <ApiErrorNotice
                        summary=t.organisations_load_failed
                        error
                        on_retry=Callback::new(move |()| load(next_cursor.get_untracked()))
                    />
                }),
                _ => None,
            }}

            <Show when=move || next_cursor.with(Option::is_some) && !nothing_shown()>
                <button type="button" class="load-more" aria-disabled=move || is_loading().to_string() on:click=on_load_more>
                    {move || if is_loading() { t.organisations_loading_more } else { t.organisations_load_more }}
                </button>
            </Show>
        </section>
    }
}

/// Moves keyboard focus to the card at `index` once it is on screen (after "Load more").
fn focus_card(list: NodeRef<Ul>, index: usize) {
    request_animation_frame(move || {
        let card = list
            .get_untracked()
            .and_then(|list| list.children().item(u32::try_from(index).ok()?))
            .and_then(|item| item.first_element_child())
            .and_then(|card| card.dyn_into::<HtmlElement>().ok());
        if let Some(card) = card {
            let _ = card.focus();
        }
    });
}
