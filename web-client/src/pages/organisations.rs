use ensemble_wire::Organisation;
use leptos::html::Ul;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos::wasm_bindgen::JsCast;
use leptos::web_sys::HtmlElement;

use crate::api::{ApiClient, ApiError};
use crate::components::ApiErrorNotice;
use crate::texts::{fill, texts};

/// Where the list stands. Pages already shown stay on screen whatever happens next.
#[derive(Debug, Clone, PartialEq)]
enum Status {
    Loading,
    Idle,
    Failed(ApiError),
}

impl Status {
    fn failed(self) -> Option<ApiError> {
        match self {
            Self::Failed(error) => Some(error),
            Self::Loading | Self::Idle => None,
        }
    }
}

/// `/`: the organisations, one page at a time, with "Load more" while the API has a
/// `next_cursor`.
#[component]
pub fn OrganisationsPage() -> impl IntoView {
    let t = texts();
    let api = expect_context::<ApiClient>();
    let organisations = RwSignal::new(Vec::<Organisation>::new());
    // The cursor of the page to load next: `None` before the first page and after the last.
    let next_cursor = RwSignal::new(None::<String>);
    let status = RwSignal::new(Status::Loading);
    let list = NodeRef::<Ul>::new();

    let load_next_page = move || {
        status.set(Status::Loading);
        let cursor = next_cursor.get_untracked();
        spawn_local(async move {
            match api.list_organisations(cursor.as_deref()).await {
                Ok(page) => {
                    let first_new = organisations.with_untracked(Vec::len);
                    organisations.update(|shown| shown.extend(page.items));
                    next_cursor.set(page.next_cursor);
                    status.set(Status::Idle);
                    if cursor.is_some() {
                        focus_card(list, first_new);
                    }
                }
                // The cursor is kept, so "Try again" asks for the same page.
                Err(error) => status.set(Status::Failed(error)),
            }
        });
    };
    load_next_page();

    let is_loading = move || status.with(|status| *status == Status::Loading);
    let nothing_shown = move || organisations.with(Vec::is_empty);
    let on_load_more = move |_| {
        // The button stays focusable while loading (aria-disabled rather than disabled,
        // which would drop keyboard focus), so a second click is ignored here instead.
        if !is_loading() {
            load_next_page();
        }
    };

    view! {
        <section class="page" aria-labelledby="page-title">
            <h1 id="page-title">{t.organisations_title}</h1>
            <p class="lead">{t.organisations_intro}</p>

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
                {move || {
                    match status.get() {
                        Status::Loading if nothing_shown() => {
                            view! { <p class="muted">{t.organisations_loading}</p> }.into_any()
                        }
                        Status::Idle if nothing_shown() => {
                            view! { <p class="empty">{t.organisations_empty}</p> }.into_any()
                        }
                        _ => ().into_any(),
                    }
                }}
            </div>

            {move || {
                status
                    .get()
                    .failed()
                    .map(|error| {
                        view! {
                            <ApiErrorNotice
                                summary=t.organisations_load_failed
                                error
                                on_retry=Callback::new(move |()| load_next_page())
                            />
                        }
                    })
            }}

            <Show when=move || {
                next_cursor.with(Option::is_some) && !nothing_shown()
                    && status.with(|status| !matches!(status, Status::Failed(_)))
            }>
                <button
                    type="button"
                    class="load-more"
                    aria-disabled=move || is_loading().to_string()
                    on:click=on_load_more
                >
                    {move || {
                        if is_loading() {
                            t.organisations_loading_more
                        } else {
                            t.organisations_load_more
                        }
                    }}
                </button>
            </Show>
        </section>
    }
}

/// Moves keyboard focus to the card at `index` once it is on screen. Used after "Load more":
/// the button disappears with the last page, which would drop focus to the top of the
/// document, and a screen reader then reads on from the first new organisation.
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

#[component]
fn OrganisationCard(organisation: Organisation) -> impl IntoView {
    let t = texts();
    view! {
        <li>
            <article class="card" tabindex="-1">
                <h2>{organisation.name}</h2>
                <p>{organisation.mission}</p>
                {organisation
                    .country
                    .map(|country| {
                        view! {
                            <p class="muted">
                                {fill(t.organisation_country, &[("country", &country)])}
                            </p>
                        }
                    })}
            </article>
        </li>
    }
}
