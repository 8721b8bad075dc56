//! An update as lists show it.

use ensemble_wire::{NewPhoto, Photo, Picture, Update, Upload};
use leptos::prelude::Update as _;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

use super::{Img, PictureInput};
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

/// The most photos an update shows (the API's limit).
const MOST_PHOTOS: usize = 4;

/// An update's photos while it is written or edited: each picture with its description as
/// it is typed.
#[derive(Clone, Copy)]
pub struct ChosenPhotos(RwSignal<Vec<(Picture, RwSignal<String>)>>);

impl ChosenPhotos {
    /// The photos an update shows already (none for a new one).
    pub fn new(shown: &[Photo]) -> Self {
        ChosenPhotos(RwSignal::new(
            shown
                .iter()
                .map(|photo| (photo.picture.clone(), RwSignal::new(photo.alt.clone())))
                .collect(),
        ))
    }

    /// What the API is sent.
    pub fn to_send(self) -> Vec<NewPhoto> {
        self.0.with_untracked(|list| {
            list.iter()
                .map(|(picture, alt)| NewPhoto {
                    upload: picture.id.clone(),
                    alt: alt.get_untracked(),
                })
                .collect()
        })
    }

    pub fn clear(self) {
        self.0.set(Vec::new());
    }
}

/// The photos of an update being written: add one (sent at once), describe each (required),
/// remove one. `id` keeps two forms on a page apart.
#[component]
pub fn PhotosField(
    id: &'static str,
    photos: ChosenPhotos,
    errors: RwSignal<Vec<(String, String)>>,
) -> impl IntoView {
    let t = texts();
    let list = photos.0;
    let add = Callback::new(move |upload: Upload| {
        list.update(|all| all.push((upload.picture, RwSignal::new(String::new()))));
    });
    view! {
        <fieldset class="photos">
            <legend>{t.photos_label}</legend>
            <ul class="chosen-photos">
                {move || list.get().into_iter().enumerate().map(|(i, (picture, alt))| {
                    let alt_id = format!("{id}-alt-{i}");
                    let field = format!("photos[{i}].alt");
                    let error = move || {
                        errors.with(|all| all.iter().any(|(f, _)| *f == field)).then_some(t.field_required)
                    };
                    let remove = move |_| list.update(|all| { all.remove(i); });
                    view! {
                        <li class="chosen-photo">
                            <Img picture alt="" sizes="8rem" />
                            <div class="field">
                                <label for=alt_id.clone()>{t.photo_alt_label}</label>
                                <input
                                    id=alt_id.clone()
                                    type="text"
                                    required=true
                                    maxlength="500"
                                    prop:value=move || alt.get()
                                    on:input=move |ev| alt.set(event_target_value(&ev))
                                />
                                <p class="field-error" role="alert">{error}</p>
                            </div>
                            <button type="button" on:click=remove>{t.photo_remove}</button>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <PictureInput
                id=id
                label=t.photo_add
                chosen=add
                disabled=Signal::derive(move || list.with(|all| all.len() >= MOST_PHOTOS))
            />
        </fieldset>
    }
}
