//! Small building blocks shared by the pages.

use ensemble_wire::{Code, FollowState, Organisation, Update, VerificationStatus};
use gloo_net::http::Method;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

use crate::api::{ApiClient, ApiError};
use crate::texts::{Texts, fill, format_date, texts};

/// What went wrong with a request, said for people, with a way to try again.
#[component]
pub fn ApiErrorNotice(
    /// What the page failed to do, e.g. "The organisations could not be loaded."
    summary: &'static str,
    error: ApiError,
    on_retry: Callback<()>,
) -> impl IntoView {
    let t = texts();
    let reference = match &error {
        ApiError::Problem(problem) => problem
            .request_id
            .as_ref()
            .map(|id| fill(t.error_reference, &[("request_id", id)])),
        _ => None,
    };
    let explanation = explain(t, &error);
    view! {
        <div class="notice notice-error" role="alert">
            <p class="notice-summary">{summary}</p>
            <p>{explanation}</p>
            {reference.map(|reference| view! { <p class="notice-reference">{reference}</p> })}
            <button type="button" on:click=move |_| on_retry.run(())>
                {t.retry}
            </button>
        </div>
    }
}

/// An error in the reader's language: the known codes in our words, else the server's
/// title (already in the `Accept-Language` language).
pub fn explain(t: &'static Texts, error: &ApiError) -> String {
    match error {
        ApiError::Problem(problem) => match problem.known_code() {
            Some(Code::RateLimited) => t.too_many_requests.to_owned(),
            Some(Code::Forbidden) => t.forbidden.to_owned(),
            _ => problem
                .detail
                .clone()
                .unwrap_or_else(|| problem.title.clone()),
        },
        ApiError::Status {
            status,
            status_text,
        } => fill(
            t.error_status,
            &[
                ("status", &status.to_string()),
                ("status_text", status_text),
            ],
        ),
        ApiError::Network(_) => t.error_network.to_owned(),
        ApiError::Decode(_) => t.error_decode.to_owned(),
    }
}

/// A form refused: the fields at fault are marked (`errors`), and the message says either
/// to fix them or, when no field is at fault, what went wrong.
pub fn show_form_error(
    t: &'static Texts,
    error: &ApiError,
    errors: RwSignal<Vec<(String, String)>>,
    message: RwSignal<Option<String>>,
) {
    let fields = error.field_errors();
    message.set(Some(if fields.is_empty() {
        explain(t, error)
    } else {
        t.form_fix_errors.to_owned()
    }));
    errors.set(fields);
}

/// The message for one field error code.
pub fn field_message(t: &'static Texts, code: &str) -> &'static str {
    match Code::parse(code) {
        Some(Code::Required) => t.field_required,
        Some(Code::TooLong) => t.field_too_long,
        Some(Code::TooShort) => t.field_too_short,
        Some(Code::EmailTaken) => t.email_taken,
        Some(Code::TooCommon) => t.password_too_common,
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
    let input = if multiline {
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

pub fn followers_text(t: &'static Texts, n: i64) -> String {
    t.count(n, t.followers_one, t.followers_many)
}

#[component]
pub fn VerifiedBadge(status: VerificationStatus) -> impl IntoView {
    let t = texts();
    match status {
        VerificationStatus::Verified => {
            Some(view! { <span class="badge badge-verified">"✓ " {t.verified}</span> }.into_any())
        }
        VerificationStatus::Pending => {
            Some(view! { <span class="badge">{t.verification_pending}</span> }.into_any())
        }
        _ => None,
    }
}

/// An organisation in a list.
#[component]
pub fn OrganisationCard(organisation: Organisation) -> impl IntoView {
    let t = texts();
    let href = format!("/organisations/{}", organisation.slug);
    view! {
        <li>
            <article class="card" tabindex="-1" lang=organisation.language.clone()>
                <h2 class="card-title">
                    <A href=href>{organisation.name}</A>
                </h2>
                <VerifiedBadge status=organisation.verification_status />
                <p>{organisation.mission}</p>
                <p class="muted">
                    {followers_text(t, organisation.followers_count)}
                    {organisation
                        .country
                        .map(|country| format!(" · {}", fill(t.organisation_country, &[("country", &country)])))}
                </p>
            </article>
        </li>
    }
}

/// Follow or stop following an organisation, with its count.
#[component]
pub fn FollowButton(slug: String, followers: i64) -> impl IntoView {
    let t = texts();
    let api = expect_context::<ApiClient>();
    let state = RwSignal::new(FollowState {
        following: false,
        followers_count: followers,
    });
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    if api.signed_in() {
        // Whether I follow it (and the count as of now).
        let path = format!("/organisations/{slug}/follow");
        spawn_local(async move {
            if let Ok(now) = api.get::<FollowState>(&path, &[]).await {
                state.set(now);
            }
        });
    }
    let slug = StoredValue::new(slug);
    let toggle = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        let method = if state.get_untracked().following {
            Method::DELETE
        } else {
            Method::PUT
        };
        let path = format!("/organisations/{}/follow", slug.get_value());
        spawn_local(async move {
            match api.send::<(), FollowState>(method, &path, None).await {
                Ok(now) => {
                    state.set(now);
                    error.set(None);
                }
                Err(e) => error.set(Some(explain(t, &e))),
            }
            busy.set(false);
        });
    };
    view! {
        <div class="follow">
            {move || {
                if api.signed_in() {
                    view! {
                        <button
                            type="button"
                            class="button-primary"
                            aria-pressed=move || state.get().following.to_string()
                            aria-disabled=move || busy.get().to_string()
                            on:click=toggle
                        >
                            {move || if state.get().following { t.following } else { t.follow }}
                        </button>
                    }
                        .into_any()
                } else {
                    view! { <A href="/signin" attr:class="button">{t.sign_in_to_follow}</A> }.into_any()
                }
            }}
            <span class="muted" aria-live="polite">{move || followers_text(t, state.get().followers_count)}</span>
            {move || error.get().map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
        </div>
    }
}

/// An update, as lists show it: an `<article>` with its reactions and a link to its
/// comments.
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
        let method = if on { Method::DELETE } else { Method::PUT };
        let path = format!("/updates/{id}/reaction");
        spawn_local(async move {
            if let Ok(state) = api
                .send::<(), ensemble_wire::ReactionState>(method, &path, None)
                .await
            {
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
                <A href=format!("/organisations/{}", update.organisation.slug)>{update.organisation.name.clone()}</A>
                " · "
                <time datetime=update.created_at.to_rfc3339()>{fill(t.update_posted_on, &[("date", &format_date(&update.created_at))])}</time>
                {update.edited_at.map(|_| format!(" · {}", t.update_edited))}
            </p>
            {title}
            // Sanitised by the server (no scripts, no handlers, safe links only).
            <div class="update-body" inner_html=update.body_html.clone()></div>
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
