//! `/updates/:id`: one update with its comments and replies, and, for the organisation's
//! team, editing and deleting it.

mod comments;
mod team;

use ensemble_wire::{Comment, ItemKind, Update};
use futures_util::future::join;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api::{ApiClient, ApiError};
use crate::components::{Loading, ReportButton, UpdateCard, loaded};
use crate::texts::texts;

/// The most comments shown.
const COMMENTS: u32 = 100;

async fn load(api: ApiClient, id: String) -> Result<(Update, Vec<Comment>), ApiError> {
    let (update, comments) = join(api.update(&id), api.comments(&id, COMMENTS)).await;
    Ok((update?, comments?.items))
}

#[component]
pub fn UpdatePage() -> impl IntoView {
    let t = texts();
    let api = expect_context::<ApiClient>();
    let params = use_params_map();
    let data = LocalResource::new(move || {
        let id = params.with(|p| p.get("id")).unwrap_or_default();
        load(api, id)
    });
    view! {
        <Suspense fallback=|| view! { <Loading /> }>
            {loaded(data, t.organisation_load_failed, |(update, comments)| view! {
                <UpdateView update comments />
            })}
        </Suspense>
    }
}

#[component]
fn UpdateView(update: Update, comments: Vec<Comment>) -> impl IntoView {
    let t = crate::texts::texts();
    let update_id = update.id.clone();
    let slug = update.organisation.slug.clone();
    let locked = update.comments_locked;
    let shown = RwSignal::new(update);
    let role = team::my_role(shown);
    view! {
        <div class="page">
            {move || view! { <UpdateCard update=shown.get() full=true /> }}
            <ReportButton kind=ItemKind::Update id=update_id.clone() label=t.report_update />
            <team::TeamActions update=shown role />
            <comments::Comments update_id slug comments role locked />
        </div>
    }
}
