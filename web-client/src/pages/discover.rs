//! `/`: discover organisations: words, cause, country, language, verification, order. The
//! address keeps every choice, so a search can be shared, reloaded and navigated back to.

use ensemble_wire::{Organisation, Page};
use leptos::html::Ul;
use leptos::prelude::Update as _;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos::wasm_bindgen::JsCast;
use leptos::web_sys::HtmlElement;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::params::ParamsMap;

use crate::api::{ApiClient, ApiError, DirectoryQuery, Sort, encode};
use crate::components::{ApiErrorNotice, OrganisationCard, loaded};
use crate::texts::texts;

const LANGUAGES: [&str; 12] = [
    "en", "fr", "es", "zh", "ar", "pt", "sw", "hi", "de", "it", "qu", "wo",
];

/// The search an address asks for. The address uses the API's parameter names.
fn query_of(address: &ParamsMap) -> DirectoryQuery {
    let get = |name: &str| address.get(name).unwrap_or_default();
    DirectoryQuery {
        words: get("q"),
        cause: get("cause"),
        country: get("country"),
        language: get("language"),
        verified_only: get("verified") == "true",
        sort: Sort::parse(&get("sort")),
    }
}

/// The address of a search.
fn address_of(query: &DirectoryQuery) -> String {
    let params = query
        .params()
        .iter()
        .map(|(name, value)| format!("{name}={}", encode(value)))
        .collect::<Vec<_>>()
        .join("&");
    if params.is_empty() {
        "/".to_owned()
    } else {
        format!("/?{params}")
    }
}

#[component]
pub fn DiscoverPage() -> impl IntoView {
    let t = texts();
    let api = expect_context::<ApiClient>();
    let address = use_query_map();
    let query = Memo::new(move |_| address.with(query_of));
    // A new address: a new first page (the one shown stays until it is there).
    let first = LocalResource::new(move || {
        let query = query.get();
        async move {
            let page = api.directory(&query, None).await?;
            Ok::<_, ApiError>((query, page))
        }
    });
    let pending = RwSignal::new(false);
    let shown =
        move || first.with(|first| matches!(first, Some(Ok((_, page))) if !page.items.is_empty()));
    let found_nothing =
        move || first.with(|first| matches!(first, Some(Ok((_, page))) if page.items.is_empty()));
    let waiting = move || pending.get() || first.with(Option::is_none);

    view! {
        <section class="page page-wide" aria-labelledby="page-title">
            <h1 id="page-title">{t.organisations_title}</h1>
            <p class="lead">{t.organisations_intro}</p>
            <div class="discover-layout">
            <SearchForm query />
            <div class="discover-results">

            // Kept on the page, so that screen readers hear it change.
            <div role="status" class="list-status">
                {move || if waiting() {
                    (!shown()).then(|| view! { <p class="muted">{t.organisations_loading}</p> }.into_any())
                } else {
                    found_nothing().then(|| view! { <p class="empty">{t.organisations_empty}</p> }.into_any())
                }}
            </div>

            <Transition set_pending=pending>
                {loaded(first, t.organisations_load_failed, move |(query, page)| {
                    (!page.items.is_empty()).then(|| view! { <Results query first=page pending /> })
                })}
            </Transition>
            </div>
            </div>
        </section>
    }
}

/// The search form, filled from the address; searching changes the address.
#[component]
fn SearchForm(query: Memo<DirectoryQuery>) -> impl IntoView {
    let t = texts();
    let navigate = use_navigate();
    let causes = crate::names::causes().0;

    let words = RwSignal::new(String::new());
    let cause = RwSignal::new(String::new());
    let country = RwSignal::new(String::new());
    let language = RwSignal::new(String::new());
    let verified = RwSignal::new(false);
    let sort = RwSignal::new(None::<Sort>);
    Effect::new(move |_| {
        let query = query.get();
        words.set(query.words);
        cause.set(query.cause);
        country.set(query.country);
        language.set(query.language);
        verified.set(query.verified_only);
        sort.set(query.sort);
    });

    let search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let query = DirectoryQuery {
            words: words.get_untracked(),
            cause: cause.get_untracked(),
            country: country.get_untracked().trim().to_uppercase(),
            language: language.get_untracked(),
            verified_only: verified.get_untracked(),
            sort: sort.get_untracked(),
        };
        navigate(&address_of(&query), NavigateOptions::default());
    };
    let sort_option = move |choice: Sort, label: &'static str| {
        view! { <option value=choice.as_str() selected=move || sort.get() == Some(choice)>{label}</option> }
    };

    view! {
        <form class="search" role="search" on:submit=search>
            <div class="search-row">
                <label for="q" class="visually-hidden">{t.search_label}</label>
                <input
                    id="q"
                    type="search"
                    placeholder=t.search_label
                    prop:value=move || words.get()
                    on:input=move |ev| words.set(event_target_value(&ev))
                />
                <button type="submit" class="button-primary">{t.search_button}</button>
            </div>
            <div class="filters">
                <div class="field">
                    <label for="cause">{t.filter_cause}</label>
                    <select id="cause" on:change=move |ev| cause.set(event_target_value(&ev)) prop:value=move || cause.get()>
                        <option value="">{t.filter_any}</option>
                        <Transition>
                            {move || causes.get().map(|all| all.into_iter().map(|c| {
                                let label = if c.parent.is_some() { format!("— {}", c.name) } else { c.name.clone() };
                                view! { <option value=c.slug.clone() selected=move || cause.get() == c.slug>{label}</option> }
                            }).collect_view())}
                        </Transition>
                    </select>
                </div>
                <div class="field">
                    <label for="country">{t.filter_country}</label>
                    <select id="country" on:change=move |ev| country.set(event_target_value(&ev)) prop:value=move || country.get()>
                        <option value="">{t.filter_any}</option>
                        {crate::names::countries().into_iter().map(|(code, name)| view! {
                            <option value=code selected=move || country.get() == code>{name}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="language">{t.filter_language}</label>
                    <select id="language" on:change=move |ev| language.set(event_target_value(&ev)) prop:value=move || language.get()>
                        <option value="">{t.filter_any}</option>
                        {crate::names::languages(&LANGUAGES).into_iter().map(|(code, name)| view! {
                            <option value=code selected=move || language.get() == code>{name}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="sort">{t.sort_label}</label>
                    <select id="sort" on:change=move |ev| sort.set(Sort::parse(&event_target_value(&ev)))
                        prop:value=move || sort.get().map(Sort::as_str).unwrap_or_default()>
                        <option value="">{t.sort_relevance}</option>
                        {sort_option(Sort::Followers, t.sort_followers)}
                        {sort_option(Sort::Recent, t.sort_recent)}
                        {sort_option(Sort::Name, t.sort_name)}
                    </select>
                </div>
                <div class="field field-check">
                    <input id="verified" type="checkbox" prop:checked=move || verified.get()
                        on:change=move |ev| verified.set(event_target_checked(&ev)) />
                    <label for="verified">{t.filter_verified_only}</label>
                </div>
            </div>
        </form>
    }
}

/// Where loading more pages stands. The pages already shown stay on screen whatever
/// happens next.
#[derive(Debug, Clone, PartialEq)]
enum More {
    Idle,
    Loading,
    Failed(ApiError),
}

/// The organisations found: the first page, and the pages "Load more" adds to it.
#[component]
fn Results(
    query: DirectoryQuery,
    first: Page<Organisation>,
    pending: RwSignal<bool>,
) -> impl IntoView {
    let t = texts();
    let api = expect_context::<ApiClient>();
    let organisations = RwSignal::new(first.items);
    let next_cursor = RwSignal::new(first.next_cursor);
    let more = RwSignal::new(More::Idle);
    let list = NodeRef::<Ul>::new();
    let query = StoredValue::new(query);
    let is_loading = move || more.with(|more| *more == More::Loading);
    let load_more = move || {
        if is_loading() {
            return;
        }
        let Some(cursor) = next_cursor.get_untracked() else {
            return;
        };
        more.set(More::Loading);
        let first_new = organisations.with_untracked(Vec::len);
        let query = query.get_value();
        spawn_local(async move {
            match api.directory(&query, Some(&cursor)).await {
                Ok(page) => {
                    organisations.update(|shown| shown.extend(page.items));
                    next_cursor.set(page.next_cursor);
                    more.set(More::Idle);
                    focus_card(list, first_new);
                }
                Err(error) => more.set(More::Failed(error)),
            }
        });
    };
    view! {
        <ul node_ref=list class="organisation-list" aria-busy=move || (pending.get() || is_loading()).to_string()>
            <For
                each=move || organisations.get()
                key=|organisation| organisation.id.clone()
                children=|organisation| view! { <OrganisationCard organisation /> }
            />
        </ul>
        {move || match more.get() {
            More::Failed(error) => Some(view! {
                <ApiErrorNotice summary=t.organisations_load_failed error on_retry=Callback::new(move |()| load_more()) />
            }),
            _ => None,
        }}
        <Show when=move || next_cursor.with(Option::is_some)>
            <button type="button" class="load-more" aria-disabled=move || is_loading().to_string() on:click=move |_| load_more()>
                {move || if is_loading() { t.organisations_loading_more } else { t.organisations_load_more }}
            </button>
        </Show>
    }
}

/// Moves keyboard focus to the card at `index` once it is on screen (after "Load more"),
/// unless the page was left meanwhile.
fn focus_card(list: NodeRef<Ul>, index: usize) {
    request_animation_frame(move || {
        let card = list
            .try_get_untracked()
            .flatten()
            .and_then(|list| list.children().item(u32::try_from(index).ok()?))
            .and_then(|item| item.first_element_child())
            .and_then(|card| card.dyn_into::<HtmlElement>().ok());
        if let Some(card) = card {
            let _ = card.focus();
        }
    });
}
