//! Giving: the form on an organisation's page (to the provider's checkout), and
//! `/donations`: my donations, their status, and stopping a monthly or yearly gift.

use ensemble_wire::{Donation, DonationStatus, NewDonation, Recurrence};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

use crate::api::ApiClient;
use crate::components::{Loading, SignInFirst, explain, loaded};
use crate::texts::{Texts, format_date, texts};

const CURRENCIES: [&str; 6] = ["EUR", "USD", "GBP", "CHF", "CAD", "CNY"];

/// A key for this attempt: sending the form again (a double click, a retry after a
/// network error) answers the same donation instead of a second one.
fn new_key() -> String {
    let random = || (js_sys::Math::random() * 1e16) as u64;
    format!("web-{:x}-{:x}", random(), random())
}

/// The donation form: amount, currency, how often, privacy; then the provider's checkout.
#[component]
pub fn DonateForm(slug: String) -> impl IntoView {
    let t = texts();
    let api = expect_context::<ApiClient>();
    if !api.signed_in() {
        return view! {
            <section class="card" aria-labelledby="donate-title">
                <h2 id="donate-title">{t.donate_title}</h2>
                <p><A href="/signin">{t.donate_sign_in}</A></p>
            </section>
        }
        .into_any();
    }
    let amount = RwSignal::new("25".to_owned());
    let currency = RwSignal::new("EUR".to_owned());
    let frequency = RwSignal::new("once".to_owned());
    let anonymous = RwSignal::new(false);
    let share = RwSignal::new(false);
    let message = RwSignal::new(None::<String>);
    let key = StoredValue::new(new_key());
    let slug = StoredValue::new(slug);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let units: f64 = amount
            .get_untracked()
            .replace(',', ".")
            .trim()
            .parse()
            .unwrap_or(0.0);
        let body = NewDonation {
            amount_minor: (units * 100.0).round() as i64,
            currency: currency.get_untracked(),
            recurring: match frequency.get_untracked().as_str() {
                "monthly" => Some(Recurrence::Monthly),
                "yearly" => Some(Recurrence::Yearly),
                _ => None,
            },
            anonymous: anonymous.get_untracked(),
            share_contact: share.get_untracked(),
            message: String::new(),
        };
        let slug = slug.get_value();
        let key = key.get_value();
        spawn_local(async move {
            match api.give(&slug, &body, &key).await {
                Ok(donation) => {
                    if let Some(url) = donation.checkout_url {
                        let _ = window().location().assign(&url);
                    }
                }
                Err(error) => message.set(Some(explain(t, &error))),
            }
        });
    };
    let frequency_choice = move |value: &'static str, label: &'static str| {
        let id = format!("frequency-{value}");
        view! {
            <div class="field-check">
                <input type="radio" id=id.clone() name="frequency" value=value
                    prop:checked=move || frequency.get() == value
                    on:change=move |_| frequency.set(value.to_owned()) />
                <label for=id>{label}</label>
            </div>
        }
    };
    view! {
        <section class="card" aria-labelledby="donate-title">
            <h2 id="donate-title">{t.donate_title}</h2>
            <form on:submit=submit class="donate">
                <div class="filters">
                    <div class="field">
                        <label for="donate-amount">{t.donate_amount_label}</label>
                        <input id="donate-amount" type="text" inputmode="decimal" size="8"
                            prop:value=move || amount.get()
                            on:input=move |ev| amount.set(event_target_value(&ev)) />
                    </div>
                    <div class="field">
                        <label for="donate-currency">{t.donate_currency_label}</label>
                        <select id="donate-currency" on:change=move |ev| currency.set(event_target_value(&ev))>
                            {CURRENCIES.iter().map(|c| view! { <option value=*c selected=move || currency.get() == *c>{*c}</option> }).collect_view()}
                        </select>
                    </div>
                </div>
                <fieldset>
                    <legend>{t.donate_frequency_label}</legend>
                    {frequency_choice("once", t.donate_once)}
                    {frequency_choice("monthly", t.donate_monthly)}
                    {frequency_choice("yearly", t.donate_yearly)}
                </fieldset>
                <div class="field-check">
                    <input id="donate-anonymous" type="checkbox" on:change=move |ev| anonymous.set(event_target_checked(&ev)) />
                    <label for="donate-anonymous">{t.donate_anonymous}</label>
                </div>
                <div class="field-check">
                    <input id="donate-share" type="checkbox" on:change=move |ev| share.set(event_target_checked(&ev)) />
                    <label for="donate-share">{t.donate_share_contact}</label>
                </div>
                <button type="submit" class="button-primary">{t.donate_button}</button>
                <p role="alert" class="form-message">{move || message.get()}</p>
            </form>
        </section>
    }
    .into_any()
}

pub fn status_text(t: &'static Texts, status: DonationStatus) -> &'static str {
    match status {
        DonationStatus::Pending => t.donation_status_pending,
        DonationStatus::Succeeded => t.donation_status_succeeded,
        DonationStatus::Failed => t.donation_status_failed,
        DonationStatus::Expired => t.donation_status_expired,
        DonationStatus::Refunded => t.donation_status_refunded,
        DonationStatus::Active => t.donation_status_active,
        DonationStatus::Cancelled => t.donation_status_cancelled,
    }
}

fn amount_text(amount_minor: i64, currency: &str) -> String {
    let format = js_sys::Intl::NumberFormat::new(
        &js_sys::Array::of1(&crate::texts::current_lang().code().into()),
        &{
            let options = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&options, &"style".into(), &"currency".into());
            let _ = js_sys::Reflect::set(&options, &"currency".into(), &currency.into());
            options
        },
    );
    format
        .format()
        .call1(
            &format,
            &wasm_bindgen::JsValue::from_f64(amount_minor as f64 / 100.0),
        )
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_else(|| format!("{} {currency}", amount_minor as f64 / 100.0))
}

/// `/donations` (and the provider's return, `/donations/:id`): my donations.
#[component]
pub fn MyDonationsPage() -> impl IntoView {
    let t = texts();
    let api = expect_context::<ApiClient>();
    if !api.signed_in() {
        return view! { <SignInFirst title=t.my_donations_title link=t.donate_sign_in /> }
            .into_any();
    }
    let donations = LocalResource::new(move || async move { api.my_donations(100).await });
    // A stopped gift takes the place of the one shown.
    let cancel = Callback::new(move |id: String| {
        spawn_local(async move {
            if let Ok(updated) = api.cancel_donation(&id).await {
                donations.update(|loaded| {
                    if let Some(Ok(page)) = loaded {
                        for d in page.items.iter_mut().filter(|d| d.id == updated.id) {
                            *d = updated.clone();
                        }
                    }
                });
            }
        });
    });
    view! {
        <section class="page" aria-labelledby="page-title">
            <h1 id="page-title">{t.my_donations_title}</h1>
            <Suspense fallback=|| view! { <Loading /> }>
                {loaded(donations, t.organisations_load_failed, move |page| {
                    if page.items.is_empty() {
                        view! { <p class="empty">{t.my_donations_empty}</p> }.into_any()
                    } else {
                        view! {
                            <ul class="organisation-list donations">
                                {page.items.into_iter().map(|donation| view! {
                                    <DonationCard donation on_cancel=cancel />
                                }).collect_view()}
                            </ul>
                        }
                        .into_any()
                    }
                })}
            </Suspense>
        </section>
    }
    .into_any()
}

/// One of my donations: to whom, how much, how often, where it stands, its receipts.
#[component]
fn DonationCard(donation: Donation, on_cancel: Callback<String>) -> impl IntoView {
    let t = texts();
    let d = donation;
    let id = d.id.clone();
    let can_stop = d.recurring.is_some() && d.status == DonationStatus::Active;
    view! {
        <li>
            <article class="card" aria-labelledby=format!("donation-{}", d.id)>
                <h2 id=format!("donation-{}", d.id) class="card-title">
                    <A href=format!("/organisations/{}", d.organisation.slug)>{d.organisation.name.clone()}</A>
                </h2>
                <p>
                    {d.test.then(|| view! { <span class="badge">{t.test_badge}</span> " " })}
                    <strong>{amount_text(d.amount_minor, &d.currency)}</strong>
                    {d.recurring.map(|r| format!(" · {}", if r == Recurrence::Monthly { t.donate_monthly } else { t.donate_yearly }))}
                    " · "
                    <span class="donation-status">{status_text(t, d.status)}</span>
                </p>
                <p class="muted">{format_date(&d.created_at)}
                    {d.payments.iter().map(|p| format!(" · {}", p.receipt_number)).collect::<String>()}
                </p>
                {d.checkout_url.clone().map(|url| view! { <p><a href=url>{t.donation_pay_now}</a></p> })}
                {(!d.payments.is_empty()).then(|| view! { <ReceiptLink donation_id=d.id.clone() /> })}
                {can_stop.then(|| view! {
                    <button type="button" on:click=move |_| on_cancel.run(id.clone())>{t.donation_cancel}</button>
                })}
            </article>
        </li>
    }
}

/// The printable receipt needs the access token, so it is fetched, then offered as a
/// local (blob) address that opens in a new tab, ready to print or save.
#[component]
fn ReceiptLink(donation_id: String) -> impl IntoView {
    let t = texts();
    let api = expect_context::<ApiClient>();
    let href = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let fetch = move |_| {
        let id = donation_id.clone();
        spawn_local(async move {
            match api.receipt(&id).await {
                Ok(html) => match blob_url(&html, "text/html;charset=utf-8") {
                    Some(url) => href.set(Some(url)),
                    None => error.set(Some(t.error_decode.to_owned())),
                },
                Err(e) => error.set(Some(explain(t, &e))),
            }
        });
    };
    view! {
        {move || match href.get() {
            Some(url) => view! {
                <p><a href=url target="_blank" rel="noopener">{t.donation_receipt_open}</a></p>
            }.into_any(),
            None => view! {
                <button type="button" class="button-secondary" on:click=fetch.clone()>{t.donation_receipt}</button>
            }.into_any(),
        }}
        <p role="status" class="form-message">{move || error.get()}</p>
    }
}

fn blob_url(text: &str, kind: &str) -> Option<String> {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(kind);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).ok()?;
    web_sys::Url::create_object_url_with_blob(&blob).ok()
}
