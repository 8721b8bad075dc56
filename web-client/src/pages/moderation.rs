//! `/moderation`: the reported items this person may decide about (a moderator every one,
//! an organisation's admins the comments under its updates), the most urgent first, each
//! with what the reporters said; dismissing the reports or deleting the item, with a reason
//! the log keeps.

use ensemble_wire::{
    AuditEntry, Code, Decision, ItemKind, Me, ModerationAction, QueueEntry, ReportState,
};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

use crate::api::{ApiClient, ApiError, encode, kind_name, state_name};
use crate::components::{ApiErrorNotice, Loading, SignInFirst, explain, reason_name};
use crate::texts::{Texts, format_date, texts};

fn kind_label(t: &'static Texts, kind: ItemKind) -> &'static str {
    match kind {
        ItemKind::Comment => t.kind_comment,
        ItemKind::Update => t.kind_update,
        ItemKind::Organisation => t.kind_organisation,
        ItemKind::User => t.kind_user,
    }
}

const KINDS: [ItemKind; 4] = [
    ItemKind::Comment,
    ItemKind::Update,
    ItemKind::Organisation,
    ItemKind::User,
];
const STATES: [ReportState; 3] = [
    ReportState::Open,
    ReportState::Dismissed,
    ReportState::Upheld,
];

fn state_label(t: &'static Texts, state: ReportState) -> &'static str {
    match state {
        ReportState::Open => t.state_open,
        ReportState::Dismissed => t.state_dismissed,
        ReportState::Upheld => t.state_upheld,
    }
}

#[component]
pub fn ModerationPage() -> impl IntoView {
    let t = texts();
    let api = expect_context::<ApiClient>();
    if !api.signed_in() {
        return view! { <SignInFirst title=t.moderation_title /> }.into_any();
    }
    let kind = RwSignal::new(None::<ItemKind>);
    let state = RwSignal::new(ReportState::Open);
    let queue = LocalResource::new(move || {
        let (kind, state) = (kind.get(), state.get());
        async move { api.moderation_queue(kind, state).await }
    });
    let decided = Callback::new(move |()| queue.refetch());
    let me = expect_context::<RwSignal<Option<Me>>>();
    let is_admin = Memo::new(move |_| me.with(|me| me.as_ref().is_some_and(|me| me.is_admin)));
    view! {
        <section class="page" aria-labelledby="page-title">
            <h1 id="page-title">{t.moderation_title}</h1>
            <p class="lead">{t.moderation_intro}</p>
            {move || is_admin.get().then(|| view! { <p><A href="/moderation/log">{t.log_link}</A></p> })}
            <div class="filters">
                <div class="field">
                    <label for="moderation-kind">{t.moderation_kind_label}</label>
                    <select id="moderation-kind" on:change=move |ev| {
                        let chosen = event_target_value(&ev);
                        kind.set(KINDS.into_iter().find(|k| kind_name(*k) == chosen));
                    }>
                        <option value="">{t.kind_any}</option>
                        {KINDS.into_iter().map(|k| view! {
                            <option value=kind_name(k)>{kind_label(t, k)}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="moderation-state">{t.moderation_state_label}</label>
                    <select id="moderation-state" on:change=move |ev| {
                        let chosen = event_target_value(&ev);
                        if let Some(s) = STATES.into_iter().find(|s| state_name(*s) == chosen) {
                            state.set(s);
                        }
                    }>
                        {STATES.into_iter().map(|s| view! {
                            <option value=state_name(s)>{state_label(t, s)}</option>
                        }).collect_view()}
                    </select>
                </div>
            </div>
            <Transition fallback=|| view! { <Loading /> }>
                {move || queue.get().map(|answer| match answer {
                    Err(e) if e.code() == Some(Code::Forbidden) => {
                        view! { <p class="notice">{t.moderation_forbidden}</p> }.into_any()
                    }
                    Err(error) => view! {
                        <ApiErrorNotice summary=t.organisations_load_failed error
                            on_retry=Callback::new(move |()| queue.refetch()) />
                    }.into_any(),
                    Ok(page) if page.items.is_empty() => {
                        view! { <p class="empty">{t.moderation_empty}</p> }.into_any()
                    }
                    Ok(page) => view! {
                        <ul class="organisation-list">
                            {page.items.into_iter().map(|entry| view! { <QueueItem entry decided /> }).collect_view()}
                        </ul>
                    }.into_any(),
                })}
            </Transition>
        </section>
    }
    .into_any()
}

/// One reported item: what it is, who reported it and why, and the decisions.
#[component]
fn QueueItem(entry: QueueEntry, decided: Callback<()>) -> impl IntoView {
    let t = texts();
    let api = expect_context::<ApiClient>();
    let item = entry.item;
    let (kind, id) = (item.kind, item.id.clone());
    let reason = RwSignal::new(String::new());
    let invalid = RwSignal::new(false);
    let days = RwSignal::new("7".to_owned());
    let message = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let id = StoredValue::new(id);
    let decide = move |action: ModerationAction| {
        if busy.get_untracked() {
            return;
        }
        // A suspension lasts the days chosen, or for good.
        let until = match action {
            ModerationAction::Suspend => {
                days.get_untracked().parse::<i64>().ok().and_then(|days| {
                    // The browser's clock (chrono has none in WebAssembly).
                    let now = chrono::DateTime::from_timestamp_millis(js_sys::Date::now() as i64)?;
                    Some(now + chrono::Duration::days(days))
                })
            }
            _ => None,
        };
        let decision = Decision {
            action,
            reason: reason.get_untracked(),
            until,
        };
        if decision.reason.trim().is_empty() {
            invalid.set(true);
            message.set(Some(t.field_required.to_owned()));
            return;
        }
        busy.set(true);
        spawn_local(async move {
            match api.decide(kind, &id.get_value(), &decision).await {
                Ok(()) => {
                    message.set(Some(t.decision_done.to_owned()));
                    decided.run(());
                }
                Err(e) => message.set(Some(match e.code() {
                    Some(Code::NotForThisItem) => t.decision_not_deletable.to_owned(),
                    _ => explain(t, &e),
                })),
            }
            busy.set(false);
        });
    };
    let field = format!("decision-{}-{}", kind_name(kind), item.id);
    let deletable = item.exists && matches!(kind, ItemKind::Comment | ItemKind::Update);
    let hideable = item.exists && kind == ItemKind::Comment && entry.appeal.is_none();
    let organisation = item.exists && kind == ItemKind::Organisation;
    let update = item.exists && kind == ItemKind::Update;
    let person = item.exists && kind == ItemKind::User;
    let days_field = format!("suspend-{}", item.id);
    let appealed = entry.appeal.is_some();
    let reasons = entry
        .reasons
        .iter()
        .map(|r| reason_name(t, *r))
        .collect::<Vec<_>>()
        .join(", ");
    view! {
        <li>
            <article class="card moderation-item">
                <h2 class="card-title">
                    {kind_label(t, kind)}" · "{t.count(entry.reports_count, t.reports_one, t.reports_many)}
                </h2>
                <p class="muted">{reasons}</p>
                {item.author_name.clone().map(|name| view! {
                    <p class="muted">{crate::texts::fill(t.moderation_by, &[("name", &name)])}</p>
                })}
                {if item.exists {
                    view! { <blockquote class="preview">{item.preview.clone()}</blockquote> }.into_any()
                } else {
                    view! { <p><em>{t.moderation_gone}</em></p> }.into_any()
                }}
                {item.path.clone().filter(|_| item.exists).map(|path| view! { <p><a href=path>{t.moderation_see}</a></p> })}
                {entry.appeal.clone().map(|text| view! {
                    <p class="appeal-text"><strong>{crate::texts::fill(t.moderation_appeal, &[("text", &text)])}</strong></p>
                })}
                {(!entry.notes.is_empty()).then(|| view! {
                    <ul class="notes">{entry.notes.iter().map(|n| view! { <li>{n.clone()}</li> }).collect_view()}</ul>
                })}
                {(entry.state == ReportState::Open).then(|| view! {
                    <div class="field">
                        <label for=field.clone()>{t.decision_reason_label}</label>
                        <textarea id=field.clone() rows="2" maxlength="1000" required=true
                            aria-invalid=move || invalid.get().to_string()
                            prop:value=move || reason.get()
                            on:input=move |ev| { invalid.set(false); reason.set(event_target_value(&ev)); }></textarea>
                    </div>
                    <div class="button-row">
                        <button type="button" class="button-secondary" on:click=move |_| decide(ModerationAction::Dismiss)>
                            {t.decision_dismiss}
                        </button>
                        {hideable.then(|| view! {
                            <button type="button" class="button-secondary" on:click=move |_| decide(ModerationAction::Hide)>
                                {t.decision_hide}
                            </button>
                        })}
                        {appealed.then(|| view! {
                            <button type="button" on:click=move |_| decide(ModerationAction::Restore)>
                                {t.decision_restore}
                            </button>
                        })}
                        {organisation.then(|| view! {
                            <button type="button" class="button-danger" on:click=move |_| decide(ModerationAction::Hide)>
                                {t.decision_review}
                            </button>
                            <button type="button" class="button-secondary" on:click=move |_| decide(ModerationAction::Restore)>
                                {t.decision_end_review}
                            </button>
                        })}
                        {update.then(|| view! {
                            <button type="button" class="button-secondary" on:click=move |_| decide(ModerationAction::Lock)>
                                {t.decision_lock}
                            </button>
                            <button type="button" class="button-secondary" on:click=move |_| decide(ModerationAction::Unlock)>
                                {t.decision_unlock}
                            </button>
                        })}
                        {person.then(|| view! {
                            <div class="field">
                                <label for=days_field.clone()>{t.suspend_for_label}</label>
                                <select id=days_field.clone() on:change=move |ev| days.set(event_target_value(&ev))>
                                    <option value="7">{t.suspend_week}</option>
                                    <option value="30">{t.suspend_month}</option>
                                    <option value="">{t.suspend_forever}</option>
                                </select>
                            </div>
                            <button type="button" class="button-danger" on:click=move |_| decide(ModerationAction::Suspend)>
                                {t.decision_suspend}
                            </button>
                            <button type="button" class="button-secondary" on:click=move |_| decide(ModerationAction::Restore)>
                                {t.decision_lift}
                            </button>
                        })}
                        {deletable.then(|| view! {
                            <button type="button" class="button-danger" on:click=move |_| decide(ModerationAction::Delete)>
                                {t.decision_delete}
                            </button>
                        })}
                    </div>
                })}
                <p role="status" class="form-message">{move || message.get()}</p>
            </article>
        </li>
    }
}

/// An action of the log, in words.
fn action_label(t: &'static Texts, action: &str) -> String {
    match action {
        "dismiss" => t.action_dismiss,
        "hide" => t.action_hide,
        "restore" => t.action_restore,
        "suspend" => t.action_suspend,
        "delete" => t.action_delete,
        "ban" => t.action_ban,
        "unban" => t.action_unban,
        "lock" => t.action_lock,
        "unlock" => t.action_unlock,
        "verification" => t.action_verification,
        "role_change" => t.action_role_change,
        "platform_role" => t.action_platform_role,
        // A decision this version does not know yet: its name.
        other => return other.to_owned(),
    }
    .to_owned()
}

/// `/moderation/log`: every decision, newest first, a page at a time, and the whole log to
/// download. Platform administrators.
#[component]
pub fn ModerationLogPage() -> impl IntoView {
    let t = texts();
    let api = expect_context::<ApiClient>();
    if !api.signed_in() {
        return view! { <SignInFirst title=t.log_title /> }.into_any();
    }
    let entries = RwSignal::new(Vec::<AuditEntry>::new());
    let cursor = RwSignal::new(None::<String>);
    let state = RwSignal::new(None::<Result<(), ApiError>>);
    let load = move |from: Option<String>| {
        spawn_local(async move {
            match api.audit(from.as_deref()).await {
                Ok(page) => {
                    entries.update(|all| all.extend(page.items));
                    cursor.set(page.next_cursor);
                    state.set(Some(Ok(())));
                }
                Err(error) => state.set(Some(Err(error))),
            }
        });
    };
    load(None);
    let csv = LocalResource::new(move || async move { api.audit_csv().await });
    view! {
        <section class="page" aria-labelledby="page-title">
            <h1 id="page-title">{t.log_title}</h1>
            <p class="lead">{t.log_intro}</p>
            {move || match state.get() {
                None => view! { <Loading /> }.into_any(),
                Some(Err(e)) if e.code() == Some(Code::PlatformAdminOnly) => {
                    view! { <p class="notice">{t.log_forbidden}</p> }.into_any()
                }
                Some(Err(error)) => view! {
                    <ApiErrorNotice summary=t.organisations_load_failed error
                        on_retry=Callback::new(move |()| load(cursor.get_untracked())) />
                }.into_any(),
                Some(Ok(())) if entries.with(Vec::is_empty) => {
                    view! { <p class="empty">{t.log_empty}</p> }.into_any()
                }
                Some(Ok(())) => view! {
                    <Transition>
                        {move || csv.get().and_then(Result::ok).map(|text| {
                            let href = format!("data:text/csv;charset=utf-8,{}", encode(&text));
                            view! { <p><a href=href download="moderation-log.csv">{t.log_export}</a></p> }
                        })}
                    </Transition>
                    <ol class="log">
                        {move || entries.get().into_iter().map(|entry| view! {
                            <li class="card">
                                <p>
                                    <strong>{action_label(t, &entry.action)}</strong>
                                    " · "{kind_label(t, entry.item_kind)}" "{entry.item_id.clone()}
                                </p>
                                <p>{entry.reason.clone()}</p>
                                <p class="muted">
                                    {entry.actor_name.clone()}" · "
                                    <time datetime=entry.created_at.to_rfc3339()>{format_date(&entry.created_at)}</time>
                                </p>
                            </li>
                        }).collect_view()}
                    </ol>
                    {move || cursor.get().map(|next| view! {
                        <button type="button" class="button-secondary" on:click=move |_| load(Some(next.clone()))>
                            {t.log_more}
                        </button>
                    })}
                }.into_any(),
            }}
        </section>
    }
    .into_any()
}
