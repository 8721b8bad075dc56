//! Pictures as pages show them: a `<picture>` with the WebP variants first and the JPEG
//! or PNG ones for browsers without WebP, `srcset` and `sizes` so that a phone downloads
//! the small one, the picture's own size (no layout shift), and lazy loading below the
//! fold.

use ensemble_wire::{Picture, PictureVariant};
use leptos::prelude::*;

fn srcset(variants: &[&PictureVariant]) -> String {
    variants
        .iter()
        .map(|v| format!("{} {}w", v.url, v.width))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A picture. `sizes` says how wide it is shown (`"48px"`, `"(max-width: 40rem) 100vw,
/// 40rem"`); `alt` is empty for a decorative one (a logo beside the name it stands for).
#[component]
pub fn Img(
    picture: Picture,
    #[prop(into)] alt: String,
    sizes: &'static str,
    #[prop(optional)] class: &'static str,
    /// At the top of the page: loaded at once rather than lazily.
    #[prop(optional)]
    eager: bool,
) -> impl IntoView {
    let webp: Vec<&PictureVariant> = picture
        .variants
        .iter()
        .filter(|v| v.content_type == "image/webp")
        .collect();
    let fallback: Vec<&PictureVariant> = picture
        .variants
        .iter()
        .filter(|v| v.content_type != "image/webp")
        .collect();
    let src = fallback
        .last()
        .or(webp.last())
        .map(|v| v.url.clone())
        .unwrap_or_default();
    let (webp, fallback) = (srcset(&webp), srcset(&fallback));
    view! {
        <picture class=class>
            {(!webp.is_empty()).then(|| view! { <source type="image/webp" srcset=webp sizes=sizes /> })}
            <img
                src=src
                srcset=fallback
                sizes=sizes
                alt=alt
                width=picture.width
                height=picture.height
                loading=if eager { "eager" } else { "lazy" }
                decoding="async"
            />
        </picture>
    }
}
