//! An update as lists show it.

use ensemble_wire::Update;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

use super::Img;
use crate::api::ApiClient;
use crate::texts::{fill, format_date, texts};

/// An update, as lists show it: an `<article>` with its reactions and a link to its
/// comments; `full`, the update's own page, with its title as the page's heading.
#[component]
pub fn UpdateCard(update: Update, #[prop(optional)] full: bool) -> impl IntoView {
    let t = texts();
    let api = expect_context::<ApiClient>();
    let reaction = RwSignal::new((update.reacted, update.reactions_count));
    let id = update.id.clone();
    let react = move |_| {
        if !api.signed_in() {
            return;
        }
        let (on, _) = reaction.get_untracked();
        let id = id.clone();
        spawn_local(async move {
            if let Ok(state) = api.set_reaction(&id, !on).await {
                reaction.set((state.reacted, state.reactions_count));
            }
        });
    };
    let heading_id = format!("update-{}", update.id);
    let title = if full {
        view! { <h1 id=heading_id.clone()>{update.title.clone()}</h1> }.into_any()
    } else {
        view! {
            <h3 id=heading_id.clone()>
                <A href=format!("/updates/{}", update.id)>{update.title.clone()}</A>
            </h3>
        }
        .into_any()
    };
    view! {
        <article class="update card" aria-labelledby=heading_id lang=update.language.clone()>
            <p class="muted update-meta">
                {update.organisation.logo.clone().map(|logo| view! { <Img picture=logo alt="" sizes="24px" class="logo logo-small" /> })}
                <A href=format!("/organisations/{}", update.organisation.slug)>{update.organisation.name.clone()}</A>
                " · "
                <time datetime=update.created_at.to_rfc3339()>{fill(t.update_posted_on, &[("date", &format_date(&update.created_at))])}</time>
                {update.edited_at.map(|_| format!(" · {}", t.update_edited))}
            </p>
            {title}
            // Sanitised by the server (no scripts, no handlers, safe links only).
            <div class="update-body" inner_html=update.body_html.clone()></div>
            {(!update.photos.is_empty()).then(|| {
                let many = update.photos.len() > 1;
                view! {
                    <div class=if many { "update-photos update-photos-grid" } else { "update-photos" }>
                        {update.photos.iter().map(|photo| view! {
                            <Img
                                picture=photo.picture.clone()
                                alt=photo.alt.clone()
                                sizes=if many { "(max-width: 40rem) 50vw, 24rem" } else { "(max-width: 48rem) 100vw, 48rem" }
                            />
                        }).collect_view()}
                    </div>
                }
            })}
            <div class="update-actions">
                <button
                    type="button"
                    aria-pressed=move || reaction.get().0.to_string()
                    disabled=move || !api.signed_in()
                    on:click=react
                >
                    {move || if reaction.get().0 { t.reacted } else { t.react }}
                    " · "
                    {move || fill(t.reactions_count, &[("count", &reaction.get().1.to_string())])}
                </button>
                {(!full).then(|| view! {
                    <A href=format!("/updates/{}", update.id)>
                        {fill(t.comments_count, &[("count", &update.comments_count.to_string())])}
                    </A>
                })}
            </div>
        </article>
    }
}
