//! What the current request is, for code that has no access to it (error rendering): its
//! id and language. Set by the request middleware for the duration of the request.

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
