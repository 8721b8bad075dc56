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

/// A button that sends a picture the person chooses, says so while it goes, and hands the
/// upload to `chosen`. Its errors are said in words (the server's `code` tells which).
#[component]
pub fn PictureInput(
    id: &'static str,
    label: &'static str,
    #[prop(optional)] square: bool,
    chosen: Callback<ensemble_wire::Upload>,
    /// Disabled (e.g. when the most photos are chosen already).
    #[prop(into, optional)]
    disabled: Signal<bool>,
) -> impl IntoView {
    use leptos::task::spawn_local;
    use wasm_bindgen::JsCast;

    let t = crate::texts::texts();
    let api = expect_context::<crate::api::ApiClient>();
    let busy = RwSignal::new(false);
    // The share of the file sent so far, 0 to 1.
    let sent = RwSignal::new(0.0_f64);
    let error = RwSignal::new(None::<String>);
    let on_change = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|target| target.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(file) = input.files().and_then(|files| files.get(0)) else {
            return;
        };
        // The same file may be chosen again later.
        input.set_value("");
        busy.set(true);
        sent.set(0.0);
        error.set(None);
        spawn_local(async move {
            match api
                .upload_picture(&file, square, move |share| sent.set(share))
                .await
            {
                Ok(upload) => chosen.run(upload),
                Err(e) => error.set(Some(match e.code() {
                    Some(ensemble_wire::Code::RateLimited) | None => super::explain(t, &e),
                    Some(_) => t.picture_refused.to_owned(),
                })),
            }
            busy.set(false);
        });
    };
    let error_id = format!("{id}-error");
    view! {
        <div class="field picture-input">
            <label for=id>{label}</label>
            <input
                id=id
                type="file"
                accept="image/jpeg,image/png,image/webp"
                disabled=move || busy.get() || disabled.get()
                aria-describedby=error_id.clone()
                on:change=on_change
            />
            {move || busy.get().then(|| {
                // Sent: the server is still making the variants, which takes a moment.
                let percent = (sent.get() * 100.0).round();
                if percent < 100.0 {
                    view! {
                        <p class="upload-progress">
                            <progress max="100" value=percent aria-label=t.uploading></progress>
                            " "{t.uploading}" "{format!("{percent} %")}
                        </p>
                    }.into_any()
                } else {
                    view! {
                        <p class="upload-progress" role="status">
                            <progress aria-label=t.picture_preparing></progress>" "{t.picture_preparing}
                        </p>
                    }.into_any()
                }
            })}
            <p id=error_id class="field-error" role="alert">{move || error.get()}</p>
        </div>
    }
}
