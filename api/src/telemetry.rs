//! Structured logs with `tracing`, filtered by the `log_filter` setting (`RUST_LOG`).

use tracing_subscriber::EnvFilter;

/// Starts logging; a filter that does not parse falls back to the default one, said so.
pub fn init(json: bool, filter: &str) {
    let parsed = EnvFilter::try_new(filter);
    let invalid = parsed.is_err();
    let directives = parsed.unwrap_or_else(|_| EnvFilter::new(crate::config::defaults::LOG_FILTER));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(directives)
        .with_writer(std::io::stderr);
    // A second init (tests start many servers in one process) is harmless: keep the first.
    let _ = if json {
        builder.json().with_current_span(true).try_init()
    } else {
        builder.compact().try_init()
    };
    if invalid {
        tracing::warn!(
            filter,
            "RUST_LOG is not a valid log filter: using the default"
        );
    }
}
