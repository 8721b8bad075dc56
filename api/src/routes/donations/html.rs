//! The few HTML pages the API serves itself (the printable receipt, the sandbox's
//! checkout): escaping and one page shell with its style.

/// `text` escaped for HTML text and attribute values.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

const PAGE_STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#1f2328;line-height:1.5}\
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #d0d7de;padding:.4rem;text-align:left}\
.test{background:#fff4d6;border:2px solid #8a5a00;padding:1rem;border-radius:.5rem;color:#5c3b00}\
button{font:inherit;min-height:2.75rem;padding:.5rem 1.25rem;margin:.25rem .5rem .25rem 0;border-radius:.5rem;border:2px solid #1d4f91;background:#1d4f91;color:#fff}\
button.secondary{background:#fff;color:#1d4f91}";

/// A whole page around `body` (already HTML).
pub fn page(lang: &str, title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{}</title><style>{PAGE_STYLE}</style></head><body><main>{body}</main></body></html>",
        escape(title)
    )
}

/// The banner every page about test money carries.
pub const TEST_BANNER: &str = "<p class=\"test\" role=\"note\"><strong>Test mode.</strong> \
This is Ensemble's sandbox: no card is asked for and no money moves.</p>";
