//! Markdown written by organisations, rendered to HTML that is safe to insert in a page:
//! no scripts, no event handlers, no styles, links only to http, https and mailto, every
//! link marked as user content that opens no window handle, and images only from this
//! platform's uploads (`/media/…`): an image address elsewhere is dropped, so a text cannot
//! carry a tracking pixel (the CSP would block it anyway).

use std::collections::HashSet;
use std::sync::LazyLock;

use pulldown_cmark::{Options, Parser, html};

/// The sanitiser's rules, built once: building them (sets of tags and attributes) costs
/// more than cleaning a short update, and every page of the feed cleans twenty.
static SANITISER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::default();
    builder
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        .link_rel(Some("nofollow noopener noreferrer ugc"))
        .attribute_filter(|element, attribute, value| {
            if element == "img" && attribute == "src" {
                let ours = value
                    .strip_prefix(crate::media::MEDIA_PREFIX)
                    .is_some_and(crate::media::valid_key);
                return ours.then(|| value.into());
            }
            Some(value.into())
        });
    builder
});

pub fn to_safe_html(markdown: &str) -> String {
    let parser = Parser::new_ext(
        markdown,
        Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TABLES,
    );
    let mut unsafe_html = String::new();
    html::push_html(&mut unsafe_html, parser);
    SANITISER.clean(&unsafe_html).to_string()
}

#[cfg(test)]
mod tests {
    use super::to_safe_html;

    #[test]
    fn renders_markdown() {
        let html = to_safe_html("**Clean rivers**\n\n- one\n- two\n\n[site](https://example.org)");
        assert!(html.contains("<strong>Clean rivers</strong>"));
        assert!(html.contains("<li>one</li>"));
        assert!(
            html.contains(
                r#"<a href="https://example.org" rel="nofollow noopener noreferrer ugc">site</a>"#
            ),
            "{html}"
        );
    }

    #[test]
    fn images_only_from_our_uploads() {
        let ours =
            "/media/0123456789abcdef0123456789abcdef/0123456789abcdef0123456789abcdef-480.webp";
        let html = to_safe_html(&format!(
            "![a well]({ours}) ![pixel](https://tracker.example/p.gif) \
             ![sneaky](/media/../secrets.json) ![data](data:image/png;base64,AAAA)"
        ));
        assert!(
            html.contains(&format!(r#"<img src="{ours}" alt="a well">"#)),
            "{html}"
        );
        assert!(!html.contains("tracker.example"), "{html}");
        assert!(!html.contains("secrets"), "{html}");
        assert!(!html.contains("data:"), "{html}");
    }

    #[test]
    fn neutralises_script_handlers_and_bad_links() {
        for attack in [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "[click](javascript:alert(1))",
            "<a href=\"data:text/html,<script>alert(1)</script>\">x</a>",
            "<iframe src=\"https://evil.example\"></iframe>",
            "<div style=\"position:fixed\" onclick=\"steal()\">x</div>",
            "<svg><script>alert(1)</script></svg>",
        ] {
            let html = to_safe_html(attack).to_lowercase();
            for bad in [
                "<script",
                "onerror",
                "onclick",
                "javascript:",
                "data:text",
                "<iframe",
                "style=",
            ] {
                assert!(!html.contains(bad), "{attack} gave {html}");
            }
        }
    }
}
