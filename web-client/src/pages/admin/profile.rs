//! The profile's texts, and their translations.

use std::collections::BTreeMap;

use ensemble_wire::{OrganisationProfile, Translation, UpdateOrganisation};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::Changes;
use crate::api::ApiClient;
use crate::components::{Field, Img, PictureInput};
use crate::texts::texts;

/// The languages a translation can be written in.
const LANGUAGES: [&str; 7] = ["en", "fr", "es", "zh", "pt", "ar", "sw"];

#[component]
pub(super) fn ProfileForm(profile: OrganisationProfile, changes: Changes) -> impl IntoView {
    let t = texts();
    let api = expect_context::<ApiClient>();
    let slug = StoredValue::new(profile.slug.clone());
    let name = RwSignal::new(profile.name.clone());
    let mission = RwSignal::new(profile.mission.clone());
    let description = RwSignal::new(profile.description.clone());
    let website = RwSignal::new(profile.website.clone().unwrap_or_default());
    let city = RwSignal::new(profile.city.clone().unwrap_or_default());
    let errors = RwSignal::new(Vec::<(String, String)>::new());
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = UpdateOrganisation {
            name: Some(name.get_untracked()),
            mission: Some(mission.get_untracked()),
            description: Some(description.get_untracked()),
            website: Some(Some(website.get_untracked()).filter(|w| !w.trim().is_empty())),
            city: Some(Some(city.get_untracked()).filter(|c| !c.trim().is_empty())),
            ..Default::default()
        };
        let slug = slug.get_value();
        // Saved, the form already shows what the page would load again.
        spawn_local(async move {
            match api.edit_organisation(&slug, &body).await {
                Ok(_) => {
                    errors.set(Vec::new());
                    changes.message.set(Some(t.settings_saved.to_owned()));
                }
                Err(error) => {
                    errors.set(error.field_errors());
                    changes.failed(&error);
                }
            }
        });
    };
    view! {
        <section class="card" aria-labelledby="admin-profile">
            <h2 id="admin-profile">{t.admin_profile}</h2>
            <form on:submit=save novalidate>
                <Field id="admin-name" label=t.name_label value=name errors field="name" required=true />
                <Field id="admin-mission" label=t.mission_label value=mission errors field="mission" required=true />
                <Field id="admin-description" label=t.description_label multiline=true value=description errors field="description" />
                <Field id="admin-website" label=t.website_label kind="url" value=website errors field="website" />
                <Field id="admin-city" label=t.city_label value=city errors field="city" />
                <button type="submit" class="button-primary">{t.admin_save}</button>
            </form>
        </section>
    }
}

/// The logo and the cover: each saved as soon as it is sent, or removed.
#[component]
pub(super) fn PicturesForm(profile: OrganisationProfile, changes: Changes) -> impl IntoView {
    let t = texts();
    let api = expect_context::<ApiClient>();
    let slug = StoredValue::new(profile.slug.clone());
    let logo = RwSignal::new(profile.logo.clone());
    let cover = RwSignal::new(profile.cover.clone());
    // `Some(Some(id))` sets, `Some(None)` removes; the page shows what the server answers.
    let save = move |logo_choice: Option<Option<String>>, cover_choice: Option<Option<String>>| {
        let body = UpdateOrganisation {
            logo: logo_choice,
            cover: cover_choice,
            ..Default::default()
        };
        let slug = slug.get_value();
        spawn_local(async move {
            match api.edit_organisation(&slug, &body).await {
                Ok(saved) => {
                    logo.set(saved.logo);
                    cover.set(saved.cover);
                    changes.message.set(Some(t.settings_saved.to_owned()));
                }
                Err(error) => changes.failed(&error),
            }
        });
    };
    let chose_logo =
        Callback::new(move |upload: ensemble_wire::Upload| save(Some(Some(upload.id)), None));
    let chose_cover =
        Callback::new(move |upload: ensemble_wire::Upload| save(None, Some(Some(upload.id))));
    view! {
        <section class="card" aria-labelledby="admin-pictures">
            <h2 id="admin-pictures">{t.pictures_title}</h2>
            {move || logo.get().map(|picture| view! {
                <Img picture alt="" sizes="96px" class="logo logo-large" />
                <button type="button" on:click=move |_| save(Some(None), None)>{t.picture_remove_logo}</button>
            })}
            <PictureInput id="admin-logo" label=t.logo_label square=true chosen=chose_logo />
            {move || cover.get().map(|picture| view! {
                <Img picture alt="" sizes="(max-width: 48rem) 100vw, 48rem" class="organisation-cover" />
                <button type="button" on:click=move |_| save(None, Some(None))>{t.picture_remove_cover}</button>
            })}
            <PictureInput id="admin-cover" label=t.cover_label chosen=chose_cover />
        </section>
    }
}

#[component]
pub(super) fn TranslationForm(slug: String, changes: Changes) -> impl IntoView {
    let t = texts();
    let api = expect_context::<ApiClient>();
    let slug = StoredValue::new(slug);
    let lang = RwSignal::new("fr".to_owned());
    let mission = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<(String, String)>::new());
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let translation = Translation {
            mission: mission.get_untracked(),
            description: description.get_untracked(),
        };
        let body = UpdateOrganisation {
            translations: Some(BTreeMap::from([(lang.get_untracked(), Some(translation))])),
            ..Default::default()
        };
        let slug = slug.get_value();
        spawn_local(async move {
            match api.edit_organisation(&slug, &body).await {
                Ok(_) => changes.done(t.settings_saved),
                Err(error) => {
                    errors.set(error.field_errors());
                    changes.failed(&error);
                }
            }
        });
    };
    view! {
        <section class="card" aria-labelledby="admin-translation">
            <h2 id="admin-translation">{t.admin_translation}</h2>
            <form on:submit=save novalidate>
                <div class="field">
                    <label for="tr-lang">{t.admin_translation_language}</label>
                    <select id="tr-lang" on:change=move |ev| lang.set(event_target_value(&ev))>
                        {LANGUAGES.into_iter().map(|l| view! {
                            <option value=l selected=move || lang.get() == l>{l}</option>
                        }).collect_view()}
                    </select>
                </div>
                <Field id="tr-mission" label=t.mission_label value=mission errors field="translations" required=true />
                <Field id="tr-description" label=t.description_label multiline=true value=description errors field="translations.description" />
                <button type="submit" class="button-primary">{t.admin_save}</button>
            </form>
        </section>
    }
}
