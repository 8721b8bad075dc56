//! `/updates/:id`: one update with its comments and replies.

use ensemble_wire::{
    Comment, Member, NewComment, NewReport, Page, ReportReason, Update, UpdateChanges,
};
use gloo_net::http::Method;
use leptos::prelude::Update as _;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};

use crate::api::{ApiClient, ApiError};
use crate::components::{ApiErrorNotice, Field, UpdateCard, explain, show_form_error};
use crate::texts::{format_date, texts};

#[component]
pub fn UpdatePage() -> impl IntoView {
    let t = texts();
    let api = expect_context::<ApiClient>();
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id")).unwrap_or_default();
    let data = RwSignal::new(None::<Result<(Update, Vec<Comment>), ApiError>>);
    let reload = move || {
        let id = id();
        spawn_local(async move {
            let loaded = async {
                let update = api.get::<Update>(&format!("/updates/{id}"), &[]).await?;
                let comments = api
                    .get::<Page<Comment>>(
                        &format!("/updates/{id}/comments"),
                        &[("limit", "100".into())],
                    )
                    .await?
                    .items;
                Ok((update, comments))
            };
            data.set(Some(loaded.await));
        });
    };
    Effect::new(move |_| {
        id();
        reload();
    });
    move || {
        match data.get() {
        None => view! { <p class="muted" role="status">{t.organisations_loading}</p> }.into_any(),
        Some(Err(error)) => view! {
            <ApiErrorNotice summary=t.organisation_load_failed error on_retry=Callback::new(move |()| reload()) />
        }
        .into_any(),
        Some(Ok((update, comments))) => {
            let update_id = update.id.clone();
            let list_update_id = update_id.clone();
            let comments = RwSignal::new(comments);
            let shown = RwSignal::new(update);
            view! {
                <div class="page">
                    {move || view! { <UpdateCard update=shown.get() full=true /> }}
                    <TeamActions update=shown />
                    <section aria-labelledby="comments-title">
                        <h2 id="comments-title">{t.comments_title}</h2>
                        {move || {
                            let all = comments.get();
                            if all.is_empty() {
                                return view! { <p class="empty">{t.comments_empty}</p> }.into_any();
                            }
                            let top: Vec<Comment> = all.iter().filter(|c| c.parent_id.is_none()).cloned().collect();
                            view! {
                                <ol class="comments">
                                    {top.into_iter().map(|comment| {
                                        let replies: Vec<Comment> = all.iter().filter(|c| c.parent_id.as_deref() == Some(comment.id.as_str())).cloned().collect();
                                        view! {
                                            <li>
                                                <CommentView comment=comment.clone() comments update_id=list_update_id.clone() />
                                                {(!replies.is_empty()).then(|| view! {
                                                    <ol class="replies">
                                                        {replies.into_iter().map(|reply| view! {
                                                            <li><CommentView comment=reply comments update_id=list_update_id.clone() /></li>
                                                        }).collect_view()}
                                                    </ol>
                                                })}
                                            </li>
                                        }
                                    }).collect_view()}
                                </ol>
                            }.into_any()
                        }}
                        <CommentForm update_id=update_id.clone() parent=None comments />
                    </section>
                </div>
            }
            .into_any()
        }
    }
    }
}

#[component]
fn CommentView(
    comment: Comment,
    comments: RwSignal<Vec<Comment>>,
    update_id: String,
) -> impl IntoView {
    let t = texts();
    let api = expect_context::<ApiClient>();
    let me = expect_context::<RwSignal<Option<ensemble_wire::Me>>>();
    let replying = RwSignal::new(false);
    let reported = RwSignal::new(false);
    let mine = me.with_untracked(|me| {
        me.as_ref()
            .is_some_and(|me| me.id == comment.author.user_id)
    });
    let id = comment.id.clone();
    let is_top = comment.parent_id.is_none();
    let delete = {
        let id = id.clone();
        move |_| {
            let id = id.clone();
            spawn_local(async move {
                if api
                    .send_no_content::<()>(Method::DELETE, &format!("/comments/{id}"), None)
                    .await
                    .is_ok()
                {
                    comments.update(|all| {
                        all.retain(|c| c.id != id && c.parent_id.as_deref() != Some(id.as_str()))
                    });
                }
            });
        }
    };
    let report = {
        let id = id.clone();
        move |_| {
            let id = id.clone();
            spawn_local(async move {
                let body = NewReport {
                    reason: ReportReason::Abuse,
                    note: String::new(),
                };
                if api
                    .send_no_content(Method::POST, &format!("/comments/{id}/report"), Some(&body))
                    .await
                    .is_ok()
                {
                    reported.set(true);
                }
            });
        }
    };
    view! {
        <div class="comment">
            <p class="comment-meta">
                <strong>{comment.author.display_name.clone()}</strong>
                " · "
                <time datetime=comment.created_at.to_rfc3339()>{format_date(&comment.created_at)}</time>
            </p>
            <p class="comment-body">{comment.body.clone()}</p>
            <div class="comment-actions">
                {(is_top && api.signed_in()).then(|| view! {
                    <button type="button" class="link-button" aria-expanded=move || replying.get().to_string() on:click=move |_| replying.update(|r| *r = !*r)>
                        {t.comment_reply}
                    </button>
                })}
                {mine.then(|| view! { <button type="button" class="link-button" on:click=delete.clone()>{t.comment_delete}</button> })}
                {(!mine && api.signed_in()).then(|| view! {
                    <button type="button" class="link-button" on:click=report.clone() disabled=move || reported.get()>
                        {move || if reported.get() { t.comment_reported } else { t.comment_report }}
                    </button>
                })}
            </div>
            {move || replying.get().then(|| view! { <CommentForm update_id=update_id.clone() parent=Some(id.clone()) comments /> })}
        </div>
    }
}

#[component]
fn CommentForm(
    update_id: String,
    parent: Option<String>,
    comments: RwSignal<Vec<Comment>>,
) -> impl IntoView {
    let t = texts();
    let api = expect_context::<ApiClient>();
    if !api.signed_in() {
        return view! { <p><A href="/signin">{t.sign_in_to_comment}</A></p> }.into_any();
    }
    let body = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<(String, String)>::new());
    let message = RwSignal::new(None::<String>);
    let field_id: &'static str = if parent.is_some() {
        "reply-body"
    } else {
        "comment-body"
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let new = NewComment {
            body: body.get_untracked(),
            parent_id: parent.clone(),
        };
        let path = format!("/updates/{update_id}/comments");
        spawn_local(async move {
            match api
                .send::<_, Comment>(Method::POST, &path, Some(&new))
                .await
            {
                Ok(comment) => {
                    comments.update(|all| all.push(comment));
                    body.set(String::new());
                    errors.set(Vec::new());
                    message.set(None);
                }
                Err(error) => {
                    errors.set(error.field_errors());
                    message.set(Some(explain(t, &error)));
                }
            }
        });
    };
    view! {
        <form class="comment-form" on:submit=submit novalidate>
            <Field id=field_id label=t.comment_label multiline=true value=body errors field="body" required=true />
            <button type="submit" class="button-primary">{t.comment_send}</button>
            <p role="status" class="form-message">{move || message.get()}</p>
        </form>
    }
    .into_any()
}

/// Edit and delete, for the organisation's team (whom the API lets do it).
#[component]
fn TeamActions(update: RwSignal<Update>) -> impl IntoView {
    let t = texts();
    let api = expect_context::<ApiClient>();
    let me = expect_context::<RwSignal<Option<ensemble_wire::Me>>>();
    let in_team = RwSignal::new(false);
    if api.signed_in() {
        let slug = update.with_untracked(|u| u.organisation.slug.clone());
        spawn_local(async move {
            if let Ok(team) = api
                .get::<Page<Member>>(&format!("/organisations/{slug}/members"), &[])
                .await
            {
                let mine = me.with_untracked(|me| {
                    me.as_ref()
                        .is_some_and(|me| team.items.iter().any(|m| m.user_id == me.id))
                });
                in_team.set(mine);
            }
        });
    }
    let editing = RwSignal::new(false);
    let confirming = RwSignal::new(false);
    let title = RwSignal::new(String::new());
    let body = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<(String, String)>::new());
    let message = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let start = move |_| {
        update.with_untracked(|u| {
            title.set(u.title.clone());
            body.set(u.body.clone());
        });
        errors.set(Vec::new());
        message.set(None);
        editing.set(true);
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        let changes = UpdateChanges {
            title: Some(title.get_untracked()),
            body: Some(body.get_untracked()),
            ..UpdateChanges::default()
        };
        let path = format!("/updates/{}", update.with_untracked(|u| u.id.clone()));
        spawn_local(async move {
            match api
                .send::<_, Update>(Method::PATCH, &path, Some(&changes))
                .await
            {
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
            match api
                .send_no_content::<()>(Method::DELETE, &format!("/updates/{id}"), None)
                .await
            {
                Ok(()) => deleted.set(Some(slug)),
                Err(error) => message.set(Some(explain(t, &error))),
            }
            busy.set(false);
        });
    };
    view! {
        <Show when=move || in_team.get()>
            <div class="team-actions">
                <Show
                    when=move || editing.get()
                    fallback=move || view! {
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
                >
                    <form class="card" on:submit=save novalidate>
                        <Field id="edit-update-title" label=t.update_title_label value=title errors field="title" required=true />
                        <Field id="edit-update-body" label=t.update_body_label hint=t.update_body_hint multiline=true value=body errors field="body" required=true />
                        <div class="button-row">
                            <button type="submit" class="button-primary" aria-disabled=move || busy.get().to_string()>{t.update_save}</button>
                            <button type="button" class="button-secondary" on:click=move |_| editing.set(false)>{t.update_cancel}</button>
                        </div>
                    </form>
                </Show>
                <p role="status" class="form-message">{move || message.get()}</p>
            </div>
        </Show>
    }
}
