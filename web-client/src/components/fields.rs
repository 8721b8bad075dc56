//! Form fields: labelled, with their hint and error linked for screen readers.

use ensemble_wire::Code;
use leptos::prelude::*;

use crate::texts::{Texts, texts};

/// The message for one field error code.
fn field_message(t: &'static Texts, code: &str) -> &'static str {
    match Code::parse(code) {
        Some(Code::Required) => t.field_required,
        Some(Code::TooLong) => t.field_too_long,
        Some(Code::TooShort) => t.field_too_short,
        Some(Code::EmailTaken) => t.email_taken,
        Some(Code::TooCommon) => t.password_too_common,
        Some(Code::InvalidEmail) => t.email_invalid,
        Some(Code::WrongPassword) => t.password_wrong,
        _ => t.field_invalid,
    }
}

/// A labelled text field with its error, linked for screen readers.
#[component]
pub fn Field(
    id: &'static str,
    label: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] multiline: bool,
    /// A list to choose from (value, name), after an empty first choice named `none`.
    #[prop(optional)]
    choices: Option<(&'static str, Vec<(&'static str, String)>)>,
    #[prop(optional)] required: bool,
    value: RwSignal<String>,
    errors: RwSignal<Vec<(String, String)>>,
    /// The API's name of the field.
    field: &'static str,
) -> impl IntoView {
    let t = texts();
    let error = move || {
        errors.with(|all| {
            all.iter()
                .find(|(f, _)| f == field)
                .map(|(_, code)| field_message(t, code))
        })
    };
    let described = move || {
        let mut ids = Vec::new();
        if hint.is_some() {
            ids.push(format!("{id}-hint"));
        }
        if error().is_some() {
            ids.push(format!("{id}-error"));
        }
        (!ids.is_empty()).then(|| ids.join(" "))
    };
    let input = if let Some((none, choices)) = choices {
        view! {
            <select
                id=id
                required=required
                autocomplete=autocomplete
                aria-invalid=move || error().is_some().to_string()
                aria-describedby=described
                prop:value=move || value.get()
                on:change=move |ev| value.set(event_target_value(&ev))
            >
                <option value="">{none}</option>
                {choices.into_iter().map(|(code, name)| view! {
                    <option value=code selected=move || value.get() == code>{name}</option>
                }).collect_view()}
            </select>
        }
        .into_any()
    } else if multiline {
        view! {
            <textarea
                id=id
                rows="6"
                required=required
                aria-invalid=move || error().is_some().to_string()
                aria-describedby=described
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            ></textarea>
        }
        .into_any()
    } else {
        view! {
            <input
                id=id
                type=kind
                required=required
                autocomplete=autocomplete
                aria-invalid=move || error().is_some().to_string()
                aria-describedby=described
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
        }
        .into_any()
    };
    view! {
        <div class="field">
            <label for=id>{label}</label>
            {hint.map(|hint| view! { <p class="hint" id=format!("{id}-hint")>{hint}</p> })}
            {input}
            {move || error().map(|message| view! { <p class="field-error" id=format!("{id}-error")>{message}</p> })}
        </div>
    }
}
