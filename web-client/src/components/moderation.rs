//! Reporting anything to the moderators: a button that opens a short form (why, and
//! anything to add), sent once.

use ensemble_wire::{ItemKind, Me, NewItemReport, ReportReason};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::explain;
use crate::api::{ApiClient, kind_name};
use crate::texts::{Texts, fill, format_date, texts};

/// The reasons a person may give, as the form lists them, and the value each is sent as.
pub fn reasons(t: &'static Texts) -> [(ReportReason, &'static str, &'static str); 7] {
    [
        (ReportReason::Spam, "spam", t.reason_spam),
        (ReportReason::Scam, "scam", t.reason_scam),
        (ReportReason::Harassment, "harassment", t.reason_harassment),
        (ReportReason::Hate, "hate", t.reason_hate),
        (ReportReason::SelfHarm, "self_harm", t.reason_self_harm),
        (ReportReason::Illegal, "illegal", t.reason_illegal),
        (ReportReason::Other, "other", t.reason_other),
    ]
}

/// A reason in words.
pub fn reason_name(t: &'static Texts, reason: ReportReason) -> &'static str {
    reasons(t)
        .into_iter()
        .find(|(r, _, _)| *r == reason)
        .map_or("", |(_, _, name)| name)
}

/// "Report" for someone signed in (nothing for others): opens the form, sends it, thanks.
#[component]
pub fn ReportButton(kind: ItemKind, id: String, label: &'static str) -> impl IntoView {
    let t = texts();
    let api = expect_context::<ApiClient>();
    if !api.signed_in() {
        return ().into_any();
    }
    let open = RwSignal::new(false);
    let sent = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let reason = RwSignal::new("spam".to_owned());
    let note = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let base = format!("report-{}-{id}", kind_name(kind));
    let (form_id, reason_id, note_id) = (
        base.clone(),
        format!("{base}-reason"),
        format!("{base}-note"),
    );
    let id = StoredValue::new(id);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let chosen = reason.get_untracked();
        let Some((reason, _, _)) = reasons(t).into_iter().find(|(_, v, _)| *v == chosen) else {
            return;
        };
        let report = NewItemReport {
            kind,
            id: id.get_value(),
            reason,
            note: note.get_untracked(),
        };
        busy.set(true);
        spawn_local(async move {
            match api.report(&report).await {
                Ok(()) => {
                    sent.set(true);
                    open.set(false);
                }
                Err(e) => error.set(Some(explain(t, &e))),
            }
            busy.set(false);
        });
    };
    view! {
        <div class="report">
            {move || if sent.get() {
                view! { <p role="status" class="muted">{t.comment_reported}</p> }.into_any()
            } else {
                view! {
                    <button type="button" class="link-button" aria-expanded=move || open.get().to_string()
                        aria-controls=form_id.clone() on:click=move |_| open.update(|o| *o = !*o)>
                        {label}
                    </button>
                }.into_any()
            }}
            <Show when=move || open.get() && !sent.get()>
                <form id=base.clone() class="report-form" on:submit=submit>
                    <div class="field">
                        <label for=reason_id.clone()>{t.report_reason_label}</label>
                        <select id=reason_id.clone() on:change=move |ev| reason.set(event_target_value(&ev))>
                            {reasons(t).into_iter().map(|(_, value, name)| view! {
                                <option value=value selected=move || reason.get() == value>{name}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for=note_id.clone()>{t.report_note_label}</label>
                        <textarea id=note_id.clone() rows="3" maxlength="1000"
                            prop:value=move || note.get()
                            on:input=move |ev| note.set(event_target_value(&ev))></textarea>
                    </div>
                    <div class="button-row">
                        <button type="submit" aria-disabled=move || busy.get().to_string()>{t.report_send}</button>
                        <button type="button" class="button-secondary" on:click=move |_| open.set(false)>{t.update_cancel}</button>
                    </div>
                    <p role="alert" class="field-error">{move || error.get()}</p>
                </form>
            </Show>
        </div>
    }
    .into_any()
}

/// For a suspended account: until when, why, and what it may still do.
#[component]
pub fn SuspendedNotice() -> impl IntoView {
    let t = texts();
    let me = expect_context::<RwSignal<Option<Me>>>();
    let suspension =
        Memo::new(move |_| me.with(|me| me.as_ref().and_then(|me| me.suspension.clone())));
    move || {
        suspension.get().map(|suspension| {
            let until = match suspension.until {
                Some(until) => fill(t.suspended_until, &[("date", &format_date(&until))]),
                None => t.suspended_for_good.to_owned(),
            };
            view! {
                <section class="notice notice-suspended" role="status" aria-labelledby="suspended-title">
                    <p id="suspended-title" class="notice-summary">{t.suspended_title}</p>
                    <p>{until}" "{suspension.reason}</p>
                    <p>{t.suspended_what}</p>
                </section>
            }
        })
    }
}
