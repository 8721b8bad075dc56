//! What the current request is: its id and language, set by the request middleware for the
//! duration of the request. Read where the request itself is out of reach (rendering an
//! error, naming a default language), so that no function has to be handed them.

use ensemble_wire::Lang;

#[derive(Debug, Clone)]
pub struct RequestContext {
    pub id: String,
    pub lang: Lang,
}

tokio::task_local! {
    static CURRENT: RequestContext;
}

/// Runs `fut` with `ctx` as the current request context.
pub async fn scope<F: std::future::Future>(ctx: RequestContext, fut: F) -> F::Output {
    CURRENT.scope(ctx, fut).await
}

/// The current request's context, if inside one.
pub fn current() -> Option<RequestContext> {
    CURRENT.try_with(Clone::clone).ok()
}
