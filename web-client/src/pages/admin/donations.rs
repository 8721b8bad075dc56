//! The donations the organisation received, and the same as CSV.

use ensemble_wire::Donation;
use leptos::prelude::*;

use crate::api::{ApiClient, encode};
use crate::pages::donations::status_text;
use crate::texts::texts;

#[component]
pub(super) fn DonationsSection(slug: String, donations: Vec<Donation>) -> impl IntoView {
    let t = texts();
    let api = expect_context::<ApiClient>();
    let csv = LocalResource::new(move || {
        let slug = slug.clone();
        async move { api.organisation_donations_csv(&slug).await }
    });
    view! {
        <section class="card" aria-labelledby="admin-donations">
            <h2 id="admin-donations">{t.admin_donations}</h2>
            <Transition>
                {move || csv.get().and_then(Result::ok).map(|text| {
                    let href = format!("data:text/csv;charset=utf-8,{}", encode(&text));
                    view! { <p><a href=href download="donations.csv">{t.admin_donations_csv}</a></p> }
                })}
            </Transition>
            <ul class="organisation-list">
                {donations.into_iter().map(|d| view! {
                    <li>
                        {d.test.then(|| view! { <span class="badge">{t.test_badge}</span> " " })}
                        {format!("{}.{:02} {}", d.amount_minor / 100, d.amount_minor % 100, d.currency)}
                        " · " {status_text(t, d.status)}
                        " · " {d.donor_name.clone().unwrap_or_else(|| t.admin_anonymous.to_owned())}
                        {d.donor_email.clone().map(|e| format!(" <{e}>"))}
                    </li>
                }).collect_view()}
            </ul>
        </section>
    }
}
