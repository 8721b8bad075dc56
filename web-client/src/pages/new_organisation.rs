//! `/organisations/new`: create an organisation (you become its owner).

use ensemble_wire::NewOrganisation;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_navigate;

use crate::api::ApiClient;
use crate::components::{Field, SignInFirst, show_form_error};
use crate::texts::{current_lang, texts};

#[component]
pub fn NewOrganisationPage() -> impl IntoView {
    let t = texts();
    let api = expect_context::<ApiClient>();
    if !api.signed_in() {
        return view! { <SignInFirst title=t.new_organisation_title narrow=true /> }.into_any();
    }
    let navigate = use_navigate();
    let name = RwSignal::new(String::new());
    let mission = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let country = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<(String, String)>::new());
    let message = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let country = country.get_untracked().trim().to_uppercase();
        let body = NewOrganisation {
            name: name.get_untracked(),
            mission: mission.get_untracked(),
            description: description.get_untracked(),
            language: Some(current_lang().code().to_owned()),
            translations: Default::default(),
            website: None,
            links: Vec::new(),
            logo: None,
            cover: None,
            country: (!country.is_empty()).then_some(country),
            city: None,
            founded_year: None,
            languages: vec![current_lang().code().to_owned()],
            causes: Vec::new(),
            registration: None,
        };
        let navigate = navigate.clone();
        spawn_local(async move {
            match api.create_organisation(&body).await {
                Ok(profile) => navigate(
                    &format!("/organisations/{}", profile.slug),
                    NavigateOptions::default(),
                ),
                Err(error) => show_form_error(t, &error, errors, message),
            }
        });
    };
    view! {
        <section class="page narrow" aria-labelledby="page-title">
            <h1 id="page-title">{t.new_organisation_title}</h1>
            <p class="lead">{t.new_organisation_intro}</p>
            <form on:submit=submit novalidate>
                <Field id="org-name" label=t.name_label value=name errors field="name" required=true />
                <Field id="org-mission" label=t.mission_label value=mission errors field="mission" required=true />
                <Field id="org-description" label=t.description_label multiline=true value=description errors field="description" />
                <Field id="org-country" label=t.filter_country value=country errors field="country" autocomplete="country"
                    choices=(t.country_label, crate::names::countries()) />
                <button type="submit" class="button-primary">{t.create_button}</button>
                <p role="alert" class="form-message">{move || message.get()}</p>
            </form>
        </section>
    }
    .into_any()
}
