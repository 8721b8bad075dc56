//! An update's comments: one level of replies, writing, deleting and reporting.

use ensemble_wire::{Comment, ItemKind, Me, NewBan, NewComment, Role};
use leptos::prelude::Update as _;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

use crate::api::ApiClient;
use crate::components::{Field, Img, ReportButton, explain};
use crate::texts::{format_date, texts};

#[component]
pub(super) fn Comments(
    update_id: String,
    slug: String,
    comments: Vec<Comment>,
    role: Memo<Option<Role>>,
    /// The moderators closed the comments: no form, no replies.
    locked: bool,
) -> impl IntoView {
    let t = texts();
    let comments = RwSignal::new(comments);
    let list_update_id = update_id.clone();
    let slug = StoredValue::new(slug);
    view! {
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
                                    <CommentView comment=comment.clone() comments update_id=list_update_id.clone() slug=slug.get_value() role locked />
                                    {(!replies.is_empty()).then(|| view! {
                                        <ol class="replies">
                                            {replies.into_iter().map(|reply| view! {
                                                <li><CommentView comment=reply comments update_id=list_update_id.clone() slug=slug.get_value() role locked /></li>
                                            }).collect_view()}
                                        </ol>
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ol>
                }.into_any()
            }}
            {if locked {
                view! { <p class="notice" role="status">{t.comments_locked}</p> }.into_any()
            } else {
                view! { <CommentForm update_id parent=None comments /> }.into_any()
            }}
        </section>
    }
}

#[component]
fn CommentView(
    comment: Comment,
    comments: RwSignal<Vec<Comment>>,
    update_id: String,
    slug: String,
    role: Memo<Option<Role>>,
    locked: bool,
) -> impl IntoView {
    let t = texts();
    let api = expect_context::<ApiClient>();
    let me = expect_context::<RwSignal<Option<Me>>>();
    let replying = RwSignal::new(false);
    let banning = RwSignal::new(false);
    let message = RwSignal::new(None::<String>);
    // Reactive: the signed-in person may be known only after the comments are drawn.
    let author_id = StoredValue::new(comment.author.user_id.clone());
    let mine = Memo::new(move |_| {
        me.with(|me| {
            me.as_ref()
                .is_some_and(|me| author_id.with_value(|a| me.id == *a))
        })
    });
    // An admin of the organisation may ban others from its comments.
    let may_ban =
        Memo::new(move |_| !mine.get() && matches!(role.get(), Some(Role::Admin | Role::Owner)));
    let id = StoredValue::new(comment.id.clone());
    let is_top = comment.parent_id.is_none();
    let delete = move |_| {
        let id = id.get_value();
        spawn_local(async move {
            if api.delete_comment(&id).await.is_ok() {
                comments.update(|all| {
                    all.retain(|c| c.id != id && c.parent_id.as_deref() != Some(id.as_str()))
                });
            }
        });
    };
    // Blocking its author: their comments fold away at once (the server says so from now on).
    let block = move |_| {
        let author = author_id.get_value();
        spawn_local(async move {
            match api.set_block(&author, true).await {
                Ok(()) => comments.update(|all| {
                    for c in all.iter_mut().filter(|c| c.author.user_id == author) {
                        c.author_blocked = true;
                    }
                }),
                Err(e) => message.set(Some(explain(t, &e))),
            }
        });
    };
    let body = match comment.removed.clone() {
        None if comment.author_blocked => view! {
            <details class="comment-collapsed">
                <summary>{t.comment_blocked_summary}</summary>
                <p class="comment-body">{comment.body.clone()}</p>
            </details>
        }
        .into_any(),
        None => view! { <p class="comment-body">{comment.body.clone()}</p> }.into_any(),
        Some(reason) => {
            let text = comment.body.clone();
            let appealed = comment.appealed;
            (move || {
                if mine.get() {
                    view! {
                        <p class="comment-body comment-body-removed">{text.clone()}</p>
                        <div class="notice">
                            <p>{t.comment_removed_yours}</p>
                            <p class="comment-removed"><em>{t.comment_removed}</em>" "{reason.clone()}</p>
                            <AppealForm id=id.get_value() appealed />
                        </div>
                    }
                    .into_any()
                } else {
                    view! {
                        <p class="comment-removed"><em>{t.comment_removed}</em>" "{reason.clone()}</p>
                    }
                    .into_any()
                }
            })
            .into_any()
        }
    };
    let blocked_already = comment.author_blocked;
    view! {
        <div class="comment">
            <p class="comment-meta">
                {comment.author.avatar.clone().map(|picture| view! { <Img picture alt="" sizes="32px" class="avatar" /> })}
                <strong>{comment.author.display_name.clone()}</strong>
                " · "
                <time datetime=comment.created_at.to_rfc3339()>{format_date(&comment.created_at)}</time>
            </p>
            {body}
            <div class="comment-actions">
                {(is_top && !locked && api.signed_in()).then(|| view! {
                    <button type="button" class="link-button" aria-expanded=move || replying.get().to_string() on:click=move |_| replying.update(|r| *r = !*r)>
                        {t.comment_reply}
                    </button>
                })}
                {move || if mine.get() {
                    view! { <button type="button" class="link-button" on:click=delete>{t.comment_delete}</button> }.into_any()
                } else {
                    view! {
                        <ReportButton kind=ItemKind::Comment id=id.get_value() label=t.comment_report />
                        {(api.signed_in() && !blocked_already).then(|| view! {
                            <button type="button" class="link-button" on:click=block>{t.comment_block}</button>
                        })}
                    }.into_any()
                }}
                {move || may_ban.get().then(|| view! {
                    <button type="button" class="link-button" aria-expanded=move || banning.get().to_string()
                        on:click=move |_| banning.update(|b| *b = !*b)>
                        {t.comment_ban}
                    </button>
                })}
            </div>
            {move || banning.get().then(|| view! {
                <BanForm slug=slug.clone() user_id=author_id.get_value() comment_id=id.get_value() banning message />
            })}
            <p role="status" class="form-message">{move || message.get()}</p>
            {move || replying.get().then(|| view! { <CommentForm update_id=update_id.clone() parent=Some(id.get_value()) comments /> })}
        </div>
    }
}

/// Why an organisation bans a comment's author from its comments (the log keeps it).
#[component]
fn BanForm(
    slug: String,
    user_id: String,
    comment_id: String,
    banning: RwSignal<bool>,
    message: RwSignal<Option<String>>,
) -> impl IntoView {
    let t = texts();
    let api = expect_context::<ApiClient>();
    let reason = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let field = format!("ban-{comment_id}");
    let (slug, user_id) = (StoredValue::new(slug), StoredValue::new(user_id));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let ban = NewBan {
            reason: reason.get_untracked(),
        };
        if ban.reason.trim().is_empty() {
            error.set(Some(t.field_required.to_owned()));
            return;
        }
        spawn_local(async move {
            match api.ban(&slug.get_value(), &user_id.get_value(), &ban).await {
                Ok(()) => {
                    banning.set(false);
                    message.set(Some(t.comment_banned.to_owned()));
                }
                Err(e) => error.set(Some(explain(t, &e))),
            }
        });
    };
    view! {
        <form class="report-form" on:submit=submit novalidate>
            <div class="field">
                <label for=field.clone()>{t.comment_ban_label}</label>
                <textarea id=field.clone() rows="2" maxlength="1000" required=true
                    prop:value=move || reason.get()
                    on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
            </div>
            <div class="button-row">
                <button type="submit" class="button-danger">{t.comment_ban_send}</button>
                <button type="button" class="button-secondary" on:click=move |_| banning.set(false)>{t.update_cancel}</button>
            </div>
            <p role="alert" class="field-error">{move || error.get()}</p>
        </form>
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
        let update_id = update_id.clone();
        spawn_local(async move {
            match api.post_comment(&update_id, &new).await {
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

/// Its author's appeal of a removal: once; then, that the moderators will look again.
#[component]
fn AppealForm(id: String, appealed: bool) -> impl IntoView {
    let t = texts();
    let api = expect_context::<ApiClient>();
    let sent = RwSignal::new(appealed);
    let note = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let field = format!("appeal-{id}");
    let id = StoredValue::new(id);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let appeal = ensemble_wire::NewAppeal {
            kind: ItemKind::Comment,
            id: id.get_value(),
            note: note.get_untracked(),
        };
        if appeal.note.trim().is_empty() {
            error.set(Some(t.field_required.to_owned()));
            return;
        }
        spawn_local(async move {
            match api.appeal(&appeal).await {
                Ok(()) => sent.set(true),
                Err(e) => error.set(Some(explain(t, &e))),
            }
        });
    };
    view! {
        <Show
            when=move || !sent.get()
            fallback=move || view! { <p role="status">{t.appeal_sent}</p> }
        >
            <form class="appeal" on:submit=submit novalidate>
                <div class="field">
                    <label for=field.clone()>{t.appeal_label}</label>
                    <textarea id=field.clone() rows="2" maxlength="1000" required=true
                        prop:value=move || note.get()
                        on:input=move |ev| note.set(event_target_value(&ev))></textarea>
                </div>
                <button type="submit">{t.appeal_send}</button>
                <p role="alert" class="field-error">{move || error.get()}</p>
            </form>
        </Show>
    }
}
