//! Editing and deleting the update, for the organisation's team (whom the API lets do it).

use ensemble_wire::{Me, Role, Update, UpdateChanges};
use leptos::prelude::Update as _;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;

use crate::api::ApiClient;
use crate::components::{ChosenPhotos, Field, PhotosField, explain, show_form_error};
use crate::texts::texts;

/// The reader's role in the team of the update's organisation (none: not in it), known
/// once the team is loaded: what the team's actions and comment moderation show on.
pub(super) fn my_role(update: RwSignal<Update>) -> Memo<Option<Role>> {
    let api = expect_context::<ApiClient>();
    let me = expect_context::<RwSignal<Option<Me>>>();
    let slug = update.with_untracked(|u| u.organisation.slug.clone());
    let team = LocalResource::new(move || {
        let slug = slug.clone();
        async move {
            if api.signed_in() {
                api.members(&slug).await.ok()
            } else {
                None
            }
        }
    });
    Memo::new(move |_| {
        let team = team.get().flatten()?;
        me.with(|me| {
            let me = me.as_ref()?;
            team.items
                .iter()
                .find(|m| m.user_id == me.id)
                .map(|m| m.role)
        })
    })
}

/// Shown once the team is known to include the reader.
#[component]
pub(super) fn TeamActions(update: RwSignal<Update>, role: Memo<Option<Role>>) -> impl IntoView {
    let in_team = move || role.get().is_some();
    let editing = RwSignal::new(false);
    let message = RwSignal::new(None::<String>);
    view! {
        <Show when=in_team>
            <div class="team-actions">
                <Show
                    when=move || editing.get()
                    fallback=move || view! { <Actions update editing message /> }
                >
                    <EditForm update editing message />
                </Show>
                <p role="status" class="form-message">{move || message.get()}</p>
            </div>
        </Show>
    }
}

/// Edit, and delete once confirmed.
#[component]
fn Actions(
    update: RwSignal<Update>,
    editing: RwSignal<bool>,
    message: RwSignal<Option<String>>,
) -> impl IntoView {
    let t = texts();
    let api = expect_context::<ApiClient>();
    let confirming = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let start = move |_| {
        message.set(None);
        editing.set(true);
    };
    // Once deleted, back to the organisation's page.
    let deleted = RwSignal::new(None::<String>);
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(slug) = deleted.get() {
            navigate(&format!("/organisations/{slug}"), Default::default());
        }
    });
    let delete = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        let (id, slug) = update.with_untracked(|u| (u.id.clone(), u.organisation.slug.clone()));
        spawn_local(async move {
            match api.delete_update(&id).await {
                Ok(()) => deleted.set(Some(slug)),
                Err(error) => message.set(Some(explain(t, &error))),
            }
            busy.set(false);
        });
    };
    view! {
        <div class="button-row">
            <button type="button" class="button-secondary" on:click=start>{t.update_edit}</button>
            <button type="button" class="button-secondary" aria-expanded=move || confirming.get().to_string()
                on:click=move |_| confirming.update(|c| *c = !*c)>
                {t.update_delete}
            </button>
        </div>
        <Show when=move || confirming.get()>
            <div class="button-row">
                <button type="button" class="button-danger" on:click=delete>{t.update_delete_confirm}</button>
                <button type="button" class="button-secondary" on:click=move |_| confirming.set(false)>{t.update_cancel}</button>
            </div>
        </Show>
    }
}

/// The update's title, text and photos, to change.
#[component]
fn EditForm(
    update: RwSignal<Update>,
    editing: RwSignal<bool>,
    message: RwSignal<Option<String>>,
) -> impl IntoView {
    let t = texts();
    let api = expect_context::<ApiClient>();
    let (title, body, photos) = update.with_untracked(|u| {
        (
            u.title.clone(),
            u.body.clone(),
            ChosenPhotos::new(&u.photos),
        )
    });
    let title = RwSignal::new(title);
    let body = RwSignal::new(body);
    let errors = RwSignal::new(Vec::<(String, String)>::new());
    let busy = RwSignal::new(false);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        let changes = UpdateChanges {
            title: Some(title.get_untracked()),
            body: Some(body.get_untracked()),
            photos: Some(photos.to_send()),
            ..UpdateChanges::default()
        };
        let id = update.with_untracked(|u| u.id.clone());
        spawn_local(async move {
            match api.edit_update(&id, &changes).await {
                Ok(edited) => {
                    update.set(edited);
                    editing.set(false);
                    message.set(Some(t.update_saved.to_owned()));
                }
                Err(error) => show_form_error(t, &error, errors, message),
            }
            busy.set(false);
        });
    };
    view! {
        <form class="card" on:submit=save novalidate>
            <Field id="edit-update-title" label=t.update_title_label value=title errors field="title" required=true />
            <Field id="edit-update-body" label=t.update_body_label hint=t.update_body_hint multiline=true value=body errors field="body" required=true />
            <PhotosField id="edit-update-photo" photos errors />
            <div class="button-row">
                <button type="submit" class="button-primary" aria-disabled=move || busy.get().to_string()>{t.update_save}</button>
                <button type="button" class="button-secondary" on:click=move |_| editing.set(false)>{t.update_cancel}</button>
            </div>
        </form>
    }
}
