//! The settings' "Email" section: how each category of message reaches the person (at once,
//! in the digest, or never), how often the digest comes, and the time zone whose morning it
//! comes at.

use ensemble_wire::email::{
    DigestFrequency, MailCategory, MailChoice, MailDelivery, MailPreferences, UpdateMailPreferences,
};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::{JsCast, JsValue};

use crate::api::ApiClient;
use crate::components::{Loading, loaded, show_form_error};
use crate::texts::{Texts, fill, texts};

/// Every category, in the order the section shows them.
const CATEGORIES: [MailCategory; 7] = [
    MailCategory::Replies,
    MailCategory::Comments,
    MailCategory::Invitations,
    MailCategory::Receipts,
    MailCategory::Recurring,
    MailCategory::Verification,
    MailCategory::Reports,
];

const DELIVERIES: [MailDelivery; 3] = [
    MailDelivery::Immediately,
    MailDelivery::Digest,
    MailDelivery::Never,
];

const FREQUENCIES: [DigestFrequency; 3] = [
    DigestFrequency::Daily,
    DigestFrequency::Weekly,
    DigestFrequency::Never,
];

/// The zone the server starts everyone with.
const UTC: &str = "UTC";

/// The zones offered where the browser cannot list its own: one or more per continent.
const FALLBACK_ZONES: [&str; 16] = [
    "Africa/Lagos",
    "Africa/Nairobi",
    "America/Bogota",
    "America/Chicago",
    "America/Los_Angeles",
    "America/Mexico_City",
    "America/New_York",
    "America/Sao_Paulo",
    "Asia/Kolkata",
    "Asia/Shanghai",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Europe/Berlin",
    "Europe/London",
    "Europe/Madrid",
    "Europe/Paris",
];

/// The name of a category, as the section and the unsubscribe page say it.
pub fn category_name(t: &'static Texts, category: MailCategory) -> &'static str {
    match category {
        MailCategory::Replies => t.mail_replies,
        MailCategory::Comments => t.mail_comments,
        MailCategory::Invitations => t.mail_invitations,
        MailCategory::Receipts => t.mail_receipts,
        MailCategory::Recurring => t.mail_recurring,
        MailCategory::Verification => t.mail_verification,
        MailCategory::Reports => t.mail_reports,
    }
}

/// The id of a category's `<select>`.
fn category_id(category: MailCategory) -> &'static str {
    match category {
        MailCategory::Replies => "mail-replies",
        MailCategory::Comments => "mail-comments",
        MailCategory::Invitations => "mail-invitations",
        MailCategory::Receipts => "mail-receipts",
        MailCategory::Recurring => "mail-recurring",
        MailCategory::Verification => "mail-verification",
        MailCategory::Reports => "mail-reports",
    }
}

/// A delivery as an `<option>`'s value.
fn delivery_value(delivery: MailDelivery) -> &'static str {
    match delivery {
        MailDelivery::Immediately => "immediately",
        MailDelivery::Digest => "digest",
        MailDelivery::Never => "never",
    }
}

fn delivery_name(t: &'static Texts, delivery: MailDelivery) -> &'static str {
    match delivery {
        MailDelivery::Immediately => t.mail_at_once,
        MailDelivery::Digest => t.mail_in_digest,
        MailDelivery::Never => t.mail_never,
    }
}

/// A frequency as an `<option>`'s value.
fn frequency_value(frequency: DigestFrequency) -> &'static str {
    match frequency {
        DigestFrequency::Daily => "daily",
        DigestFrequency::Weekly => "weekly",
        DigestFrequency::Never => "never",
    }
}

fn frequency_name(t: &'static Texts, frequency: DigestFrequency) -> &'static str {
    match frequency {
        DigestFrequency::Daily => t.digest_daily,
        DigestFrequency::Weekly => t.digest_weekly,
        DigestFrequency::Never => t.mail_never,
    }
}

/// The browser's `Intl`, if it has one.
fn intl() -> Option<JsValue> {
    js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("Intl"))
        .ok()
        .filter(|intl| intl.is_object())
}

/// The IANA zones the browser knows (`Intl.supportedValuesOf('timeZone')`), else a short
/// list; with UTC first, and `also` (the saved zone, this device's) wherever they are
/// missing.
fn time_zones(also: &[&str]) -> Vec<String> {
    // Called through `Reflect`: browsers older than 2022 lack it, and calling what is not
    // there would throw.
    let listed = intl().and_then(|intl| {
        let list = js_sys::Reflect::get(&intl, &JsValue::from_str("supportedValuesOf"))
            .ok()?
            .dyn_into::<js_sys::Function>()
            .ok()?
            .call1(&intl, &JsValue::from_str("timeZone"))
            .ok()?
            .dyn_into::<js_sys::Array>()
            .ok()?;
        Some(
            list.iter()
                .filter_map(|zone| zone.as_string())
                .collect::<Vec<_>>(),
        )
    });
    let mut zones = listed
        .filter(|zones| !zones.is_empty())
        .unwrap_or_else(|| FALLBACK_ZONES.iter().map(|&zone| zone.to_owned()).collect());
    zones.extend(also.iter().map(|&zone| zone.to_owned()));
    zones.retain(|zone| !zone.is_empty() && zone != UTC);
    zones.sort();
    zones.dedup();
    zones.insert(0, UTC.to_owned());
    zones
}

/// This device's zone (`Intl.DateTimeFormat().resolvedOptions().timeZone`), if it says.
fn device_time_zone() -> Option<String> {
    intl()?;
    let format = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new());
    js_sys::Reflect::get(&format.resolved_options(), &JsValue::from_str("timeZone"))
        .ok()?
        .as_string()
        .filter(|zone| !zone.is_empty())
}

/// A zone as people read it: `America/New_York` → `America/New York`.
fn zone_name(zone: &str) -> String {
    zone.replace('_', " ")
}

/// The section: the account's choices, once loaded.
#[component]
pub fn MailSettings() -> impl IntoView {
    let t = texts();
    let api = expect_context::<ApiClient>();
    let preferences = LocalResource::new(move || async move { api.mail_preferences().await });
    view! {
        <section class="card" aria-labelledby="mail-title">
            <h2 id="mail-title">{t.mail_title}</h2>
            <p>{t.mail_intro}</p>
            <Transition fallback=Loading>
                {loaded(preferences, t.mail_load_failed, |preferences| view! { <MailForm preferences /> })}
            </Transition>
        </section>
    }
}

/// The choices as saved, to change and save again.
#[component]
fn MailForm(preferences: MailPreferences) -> impl IntoView {
    let t = texts();
    let api = expect_context::<ApiClient>();
    // The categories the server sent (all of them), in this section's order.
    let choices: Vec<(MailCategory, RwSignal<MailDelivery>)> = CATEGORIES
        .into_iter()
        .filter_map(|category| {
            let saved = preferences
                .categories
                .iter()
                .find(|choice| choice.category == category)?;
            Some((category, RwSignal::new(saved.delivery)))
        })
        .collect();
    let shown = choices.clone();
    let digest = RwSignal::new(preferences.digest);
    let zone = RwSignal::new(preferences.time_zone.clone());
    // The zone as saved: the device's own is suggested while it is still the default.
    let saved_zone = RwSignal::new(preferences.time_zone.clone());
    let device = device_time_zone();
    let zones = time_zones(&[
        preferences.time_zone.as_str(),
        device.as_deref().unwrap_or(""),
    ]);
    let errors = RwSignal::new(Vec::<(String, String)>::new());
    let message = RwSignal::new(None::<String>);
    let saved = RwSignal::new(false);
    let busy = RwSignal::new(false);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        saved.set(false);
        let changes = UpdateMailPreferences {
            categories: choices
                .iter()
                .map(|(category, delivery)| MailChoice {
                    category: *category,
                    delivery: delivery.get_untracked(),
                })
                .collect(),
            digest: Some(digest.get_untracked()),
            time_zone: Some(zone.get_untracked()),
        };
        let choices = choices.clone();
        spawn_local(async move {
            match api.update_mail_preferences(&changes).await {
                Ok(now) => {
                    for choice in now.categories {
                        if let Some((_, delivery)) =
                            choices.iter().find(|(c, _)| *c == choice.category)
                        {
                            delivery.set(choice.delivery);
                        }
                    }
                    digest.set(now.digest);
                    zone.set(now.time_zone.clone());
                    saved_zone.set(now.time_zone);
                    errors.set(Vec::new());
                    message.set(None);
                    saved.set(true);
                }
                Err(error) => show_form_error(t, &error, errors, message),
            }
            busy.set(false);
        });
    };

    let category_field = move |(category, delivery): (MailCategory, RwSignal<MailDelivery>)| {
        let id = category_id(category);
        view! {
            <div class="field">
                <label for=id>{category_name(t, category)}</label>
                <select id=id
                    prop:value=move || delivery_value(delivery.get())
                    on:change=move |ev| {
                        let value = event_target_value(&ev);
                        if let Some(chosen) = DELIVERIES.into_iter().find(|d| delivery_value(*d) == value) {
                            delivery.set(chosen);
                        }
                    }>
                    {DELIVERIES.into_iter().map(|option| view! {
                        <option value=delivery_value(option) selected=move || delivery.get() == option>
                            {delivery_name(t, option)}
                        </option>
                    }).collect_view()}
                </select>
            </div>
        }
    };

    let zone_invalid = move || errors.with(|all| all.iter().any(|(field, _)| field == "time_zone"));
    // The device's zone, while the saved one is still UTC and another is not chosen yet.
    let suggestion = move || {
        device.clone().filter(|device| {
            device != UTC && saved_zone.with(|saved| saved == UTC) && zone.with(|z| z != device)
        })
    };

    view! {
        <form on:submit=submit novalidate>
            <fieldset>
                <legend>{t.mail_categories}</legend>
                {shown.into_iter().map(category_field).collect_view()}
            </fieldset>
            <fieldset>
                <legend>{t.digest_title}</legend>
                <div class="field">
                    <label for="mail-digest">{t.digest_label}</label>
                    <p class="hint" id="mail-digest-hint">{t.digest_hint}</p>
                    <select id="mail-digest" aria-describedby="mail-digest-hint"
                        prop:value=move || frequency_value(digest.get())
                        on:change=move |ev| {
                            let value = event_target_value(&ev);
                            if let Some(chosen) = FREQUENCIES.into_iter().find(|f| frequency_value(*f) == value) {
                                digest.set(chosen);
                            }
                        }>
                        {FREQUENCIES.into_iter().map(|option| view! {
                            <option value=frequency_value(option) selected=move || digest.get() == option>
                                {frequency_name(t, option)}
                            </option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="mail-time-zone">{t.time_zone_label}</label>
                    <select id="mail-time-zone"
                        aria-invalid=move || zone_invalid().to_string()
                        aria-describedby=move || zone_invalid().then_some("mail-time-zone-error")
                        prop:value=move || zone.get()
                        on:change=move |ev| zone.set(event_target_value(&ev))>
                        {zones.into_iter().map(|option| {
                            let name = zone_name(&option);
                            let value = option.clone();
                            view! {
                                <option value=value selected=move || zone.with(|z| *z == option)>{name}</option>
                            }
                        }).collect_view()}
                    </select>
                    {move || zone_invalid().then(|| view! {
                        <p class="field-error" id="mail-time-zone-error">{t.field_invalid}</p>
                    })}
                    {move || suggestion().map(|device| {
                        let name = zone_name(&device);
                        view! {
                            <p class="hint">
                                {fill(t.time_zone_device, &[("zone", &name)])} " "
                                <button type="button" class="link-button" on:click=move |_| zone.set(device.clone())>
                                    {fill(t.time_zone_use_device, &[("zone", &name)])}
                                </button>
                            </p>
                        }
                    })}
                </div>
            </fieldset>
            <button type="submit" class="button-primary" aria-disabled=move || busy.get().to_string()>
                {t.mail_save}
            </button>
            <p role="status" class="form-message">{move || saved.get().then_some(t.settings_saved)}</p>
            <p role="alert" class="form-message">{move || message.get()}</p>
        </form>
    }
}
