//! Every text the interface shows, in one place.
//!
//! The interface will be offered in English, French, Spanish and Chinese: translating it means
//! adding one `Texts` value per language and choosing it in [`texts`]; no view changes.
//! Placeholders are written `{name}` and filled with [`fill`].

pub struct Texts {
    /// `lang` of the document (BCP 47).
    pub lang: &'static str,
    pub product_name: &'static str,
    pub tagline: &'static str,
    pub skip_to_content: &'static str,
    pub footer_api_docs: &'static str,
    pub footer_licence: &'static str,

    pub organisations_title: &'static str,
    pub organisations_intro: &'static str,
    pub organisations_loading: &'static str,
    pub organisations_empty: &'static str,
    pub organisations_load_more: &'static str,
    pub organisations_loading_more: &'static str,
    pub organisations_load_failed: &'static str,
    /// `{country}`: ISO 3166-1 alpha-2 code.
    pub organisation_country: &'static str,

    pub error_network: &'static str,
    /// `{status}`: HTTP status code, `{status_text}`: its reason phrase.
    pub error_status: &'static str,
    pub error_decode: &'static str,
    /// `{request_id}`: the id to quote in a bug report.
    pub error_reference: &'static str,
    pub retry: &'static str,

    pub sign_in_done: &'static str,
    pub sign_in_failed_title: &'static str,
    pub sign_in_failed: &'static str,
    pub sign_in_cancelled: &'static str,
    pub sign_in_email_needed: &'static str,
    pub sign_in_expired: &'static str,
    pub sign_in_storage_refused: &'static str,

    pub not_found_title: &'static str,
    pub not_found_body: &'static str,
    pub not_found_home: &'static str,
}

pub const EN: Texts = Texts {
    lang: "en",
    product_name: "Ensemble",
    tagline: "Find, follow and support charitable organisations.",
    skip_to_content: "Skip to main content",
    footer_api_docs: "API documentation",
    footer_licence: "Ensemble is free software (AGPL-3.0-or-later).",

    organisations_title: "Organisations",
    organisations_intro: "Charities, associations and NGOs you can follow and support.",
    organisations_loading: "Loading organisations…",
    organisations_empty: "No organisations yet.",
    organisations_load_more: "Load more",
    organisations_loading_more: "Loading…",
    organisations_load_failed: "The organisations could not be loaded.",
    organisation_country: "Country: {country}",

    error_network: "The server could not be reached. Check your connection and try again.",
    error_status: "The server answered with an error ({status} {status_text}).",
    error_decode: "The server sent an answer this page does not understand.",
    error_reference: "Reference: {request_id}",
    retry: "Try again",

    sign_in_done: "You are signed in.",
    sign_in_failed_title: "Sign-in did not complete",
    sign_in_failed: "Something went wrong while signing you in. Please try again.",
    sign_in_cancelled: "You cancelled the sign-in at the provider. Nothing was shared.",
    sign_in_email_needed: "The provider did not share a confirmed email address, which Ensemble needs for your account. Confirm your email there, or sign up with an email and a password.",
    sign_in_expired: "This sign-in link has expired or was already used. Please start again.",
    sign_in_storage_refused: "Your browser refused to keep the session (private browsing or full storage).",

    not_found_title: "Page not found",
    not_found_body: "There is nothing at this address. It may have moved, or the link may be wrong.",
    not_found_home: "Go to the list of organisations",
};

/// The texts in the interface language.
pub fn texts() -> &'static Texts {
    &EN
}

/// Replaces each `{name}` of `template` with its value.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    values
        .iter()
        .fold(template.to_owned(), |text, (name, value)| {
            text.replace(&format!("{{{name}}}"), value)
        })
}
