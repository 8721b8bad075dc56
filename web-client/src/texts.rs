//! Every text the interface shows, in English, French, Spanish and Chinese.
//!
//! One `Texts` value per language, checked by the compiler: a language that lacks a text
//! does not build, so no page ever shows a key or falls back silently. (A runtime catalogue
//! such as Fluent would find that out in the browser; these texts are few and need no
//! plural rules beyond [`Texts::count`].) Placeholders are written `{name}` and filled
//! with [`fill`].

use leptos::prelude::*;

use crate::session;

pub use ensemble_wire::Lang;

/// The texts of a language.
pub fn texts_of(lang: Lang) -> &'static Texts {
    match lang {
        Lang::En => &crate::texts_en::EN,
        Lang::Fr => &crate::texts_fr::FR,
        Lang::Es => &crate::texts_es::ES,
        Lang::Zh => &crate::texts_zh::ZH,
    }
}

const PREFERENCE: &str = "ensemble.lang";

/// The language chosen here before, else the browser's first supported one, else English.
pub fn initial_lang() -> Lang {
    if let Some(lang) = session::preference(PREFERENCE).and_then(|c| Lang::from_tag(&c)) {
        return lang;
    }
    let languages = window().navigator().languages();
    languages
        .iter()
        .filter_map(|l| l.as_string())
        .find_map(|l| Lang::from_tag(&l))
        .unwrap_or(Lang::En)
}

/// Switches the interface language and remembers it.
pub fn choose_lang(lang: Lang) {
    session::set_preference(PREFERENCE, lang.code());
    expect_context::<RwSignal<Lang>>().set(lang);
}

/// Whether this browser has a language chosen in it (else it follows the browser's, or the
/// account's once signed in).
pub fn lang_chosen_here() -> bool {
    session::preference(PREFERENCE).is_some()
}

pub fn current_lang() -> Lang {
    use_context::<RwSignal<Lang>>().map_or(Lang::En, |l| l.get_untracked())
}

/// The texts in the interface language. The whole app is drawn again when it changes.
pub fn texts() -> &'static Texts {
    texts_of(current_lang())
}

/// Replaces each `{name}` of `template` with its value.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    values
        .iter()
        .fold(template.to_owned(), |text, (name, value)| {
            text.replace(&format!("{{{name}}}"), value)
        })
}

/// Formats a date for the interface language (the browser's `Intl`).
pub fn format_date(at: &chrono::DateTime<chrono::Utc>) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(
        at.timestamp_millis() as f64
    ));
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"dateStyle".into(), &"medium".into());
    date.to_locale_string(current_lang().code(), &options)
        .as_string()
        .unwrap_or_default()
}

/// Formats a whole number for the interface language (`1 234`, `1,234`).
pub fn format_number(n: i64) -> String {
    let format = js_sys::Intl::NumberFormat::new(
        &js_sys::Array::of1(&current_lang().code().into()),
        &js_sys::Object::new(),
    );
    format
        .format()
        .call1(&format, &wasm_bindgen::JsValue::from_f64(n as f64))
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_else(|| n.to_string())
}

pub struct Texts {
    /// `lang` of the document (BCP 47).
    pub lang: &'static str,
    pub product_name: &'static str,
    pub tagline: &'static str,
    pub skip_to_content: &'static str,
    pub footer_api_docs: &'static str,
    pub footer_licence: &'static str,
    pub nav_label: &'static str,
    pub nav_discover: &'static str,
    pub nav_feed: &'static str,
    pub nav_new_organisation: &'static str,
    pub nav_sign_in: &'static str,
    pub nav_sign_up: &'static str,
    pub nav_sign_out: &'static str,
    /// Before the person's name on the button that opens their menu (heard, not seen).
    pub account_menu: &'static str,
    pub language_label: &'static str,

    pub organisations_title: &'static str,
    pub organisations_intro: &'static str,
    pub organisations_loading: &'static str,
    pub organisations_empty: &'static str,
    pub organisations_load_more: &'static str,
    pub organisations_loading_more: &'static str,
    pub organisations_load_failed: &'static str,
    /// `{country}`: ISO 3166-1 alpha-2 code.
    pub organisation_country: &'static str,
    pub search_label: &'static str,
    pub search_button: &'static str,
    pub filter_cause: &'static str,
    pub filter_country: &'static str,
    pub filter_language: &'static str,
    pub filter_any: &'static str,
    pub filter_verified_only: &'static str,
    pub sort_label: &'static str,
    pub sort_relevance: &'static str,
    pub sort_followers: &'static str,
    pub sort_recent: &'static str,
    pub sort_name: &'static str,
    /// `{count}`: a formatted number.
    pub followers_one: &'static str,
    pub followers_many: &'static str,
    pub verified: &'static str,
    pub verification_pending: &'static str,

    pub follow: &'static str,
    pub following: &'static str,
    pub sign_in_to_follow: &'static str,
    pub organisation_load_failed: &'static str,
    pub organisation_website: &'static str,
    pub organisation_causes: &'static str,
    pub organisation_updates: &'static str,
    pub organisation_no_updates: &'static str,
    pub organisation_related: &'static str,
    pub organisation_team: &'static str,
    /// `{language}`: a language code.
    pub shown_in_language: &'static str,

    pub update_new_title: &'static str,
    pub update_title_label: &'static str,
    pub update_body_label: &'static str,
    pub update_body_hint: &'static str,
    pub update_publish: &'static str,
    pub update_published: &'static str,
    pub avatar_label: &'static str,
    pub avatar_remove: &'static str,
    pub pictures_title: &'static str,
    pub logo_label: &'static str,
    pub cover_label: &'static str,
    pub picture_remove_logo: &'static str,
    pub picture_remove_cover: &'static str,
    pub photos_label: &'static str,
    pub photo_add: &'static str,
    pub photo_alt_label: &'static str,
    pub photo_remove: &'static str,
    pub uploading: &'static str,
    /// Once the file is sent, while the server makes its sizes.
    pub picture_preparing: &'static str,
    pub picture_refused: &'static str,
    pub update_edited: &'static str,
    pub update_edit: &'static str,
    pub update_save: &'static str,
    pub update_saved: &'static str,
    pub update_cancel: &'static str,
    pub update_delete: &'static str,
    pub update_delete_confirm: &'static str,
    /// `{date}`.
    pub update_posted_on: &'static str,
    pub react: &'static str,
    pub reacted: &'static str,
    /// `{count}`.
    pub reactions_count: &'static str,
    /// `{count}`.
    pub comments_count: &'static str,
    pub comments_title: &'static str,
    pub comments_empty: &'static str,
    pub comment_label: &'static str,
    pub comment_send: &'static str,
    pub comment_reply: &'static str,
    pub comment_delete: &'static str,
    pub comment_report: &'static str,
    pub comment_reported: &'static str,
    pub sign_in_to_comment: &'static str,

    pub feed_title: &'static str,
    pub feed_intro: &'static str,
    pub feed_empty: &'static str,
    pub feed_sign_in: &'static str,
    pub suggestions_title: &'static str,
    pub onboarding_title: &'static str,
    pub onboarding_intro: &'static str,

    pub sign_in_title: &'static str,
    pub sign_up_title: &'static str,
    pub email_label: &'static str,
    pub password_label: &'static str,
    pub password_hint: &'static str,
    pub display_name_label: &'static str,
    pub sign_in_button: &'static str,
    pub sign_up_button: &'static str,
    pub have_account: &'static str,
    pub no_account: &'static str,
    pub wrong_credentials: &'static str,

    pub new_organisation_title: &'static str,
    pub new_organisation_intro: &'static str,
    pub name_label: &'static str,
    pub mission_label: &'static str,
    pub description_label: &'static str,
    pub country_label: &'static str,
    pub create_button: &'static str,

    pub form_fix_errors: &'static str,
    pub field_required: &'static str,
    pub field_too_long: &'static str,
    pub field_too_short: &'static str,
    pub field_invalid: &'static str,
    pub email_taken: &'static str,
    pub password_too_common: &'static str,
    pub too_many_requests: &'static str,
    pub forbidden: &'static str,

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

    pub nav_my_donations: &'static str,
    pub donate_title: &'static str,
    pub donate_amount_label: &'static str,
    pub donate_currency_label: &'static str,
    pub donate_frequency_label: &'static str,
    pub donate_once: &'static str,
    pub donate_monthly: &'static str,
    pub donate_yearly: &'static str,
    pub donate_anonymous: &'static str,
    pub donate_share_contact: &'static str,
    pub donate_button: &'static str,
    pub donate_sign_in: &'static str,
    pub my_donations_title: &'static str,
    pub my_donations_empty: &'static str,
    pub donation_cancel: &'static str,
    pub donation_status_pending: &'static str,
    pub donation_status_succeeded: &'static str,
    pub donation_status_failed: &'static str,
    pub donation_status_expired: &'static str,
    pub donation_status_refunded: &'static str,
    pub donation_status_active: &'static str,
    pub donation_status_cancelled: &'static str,
    pub donation_pay_now: &'static str,
    pub donation_receipt: &'static str,
    pub donation_receipt_open: &'static str,
    pub nav_notifications: &'static str,
    pub nav_settings: &'static str,
    pub notifications_title: &'static str,
    pub notifications_empty: &'static str,
    pub notifications_mark_read: &'static str,
    pub notification_reply: &'static str,
    pub notification_comment: &'static str,
    pub notification_role: &'static str,
    pub notification_invitation: &'static str,
    pub notification_verification_changed: &'static str,
    pub notification_verification_approved: &'static str,
    pub notification_verification_rejected: &'static str,
    pub notification_report_upheld: &'static str,
    pub notification_report_dismissed: &'static str,
    pub notification_someone: &'static str,
    pub notification_unread: &'static str,
    pub cause_organisations: &'static str,
    pub cause_updates: &'static str,
    pub settings_title: &'static str,
    pub settings_follows_public: &'static str,
    pub settings_saved: &'static str,
    pub settings_export: &'static str,
    pub settings_delete: &'static str,
    pub settings_delete_confirm: &'static str,
    pub settings_delete_warning: &'static str,
    pub role_owner: &'static str,
    pub role_admin: &'static str,
    pub role_editor: &'static str,
    pub admin_link: &'static str,
    pub admin_title: &'static str,
    pub admin_profile: &'static str,
    pub admin_save: &'static str,
    pub website_label: &'static str,
    pub city_label: &'static str,
    pub admin_translation: &'static str,
    pub admin_translation_language: &'static str,
    pub admin_members: &'static str,
    pub admin_member_email: &'static str,
    pub admin_member_role: &'static str,
    pub admin_member_add: &'static str,
    pub admin_member_remove: &'static str,
    pub admin_member_role_of: &'static str,
    pub admin_verification: &'static str,
    pub admin_verification_status: &'static str,
    pub admin_request_review: &'static str,
    pub admin_donations: &'static str,
    pub admin_donations_csv: &'static str,
    pub admin_anonymous: &'static str,
    /// `{provider}`: e.g. Google.
    pub continue_with: &'static str,
    pub tokens_title: &'static str,
    pub tokens_intro: &'static str,
    pub token_name_label: &'static str,
    pub token_write_label: &'static str,
    pub token_create: &'static str,
    pub token_created: &'static str,
    pub token_revoke: &'static str,
    pub not_found_title: &'static str,
    pub not_found_body: &'static str,
    pub not_found_home: &'static str,
    pub invitations_title: &'static str,
    pub invitation_line: &'static str,
    pub invitation_accept: &'static str,
    pub invitation_decline: &'static str,
    pub invitation_accepted: &'static str,
    pub invitation_declined: &'static str,
    /// `{email}`.
    pub admin_invited: &'static str,
    pub admin_invitations: &'static str,
    pub invitation_pending: &'static str,
    pub invitation_status_accepted: &'static str,
    pub invitation_status_declined: &'static str,
    pub invitation_status_revoked: &'static str,
    pub invitation_status_expired: &'static str,
    pub admin_invitation_revoke: &'static str,
    pub admin_invite_title: &'static str,
    pub admin_invite_hint: &'static str,
    pub admin_already_invited: &'static str,
    pub admin_already_member: &'static str,
    pub admin_too_many_invitations: &'static str,
    pub admin_invite_rate_limited: &'static str,
    pub test_badge: &'static str,
    pub sessions_title: &'static str,
    pub session_current: &'static str,
    pub session_since: &'static str,
    pub session_revoke: &'static str,
    pub password_title: &'static str,
    pub password_current: &'static str,
    pub password_new: &'static str,
    pub password_change: &'static str,
    pub password_changed: &'static str,
    pub sign_in_account_exists: &'static str,

    pub email_unverified: &'static str,
    pub email_unverified_why: &'static str,
    pub email_resend: &'static str,
    /// `{email}`.
    pub email_resent: &'static str,
    pub email_already_verified: &'static str,
    pub email_not_verified: &'static str,
    pub email_invalid: &'static str,
    pub verify_title: &'static str,
    pub verify_working: &'static str,
    pub verify_done: &'static str,
    pub verify_changed: &'static str,
    /// `{email}`.
    pub verify_done_body: &'static str,
    /// `{email}`.
    pub verify_changed_body: &'static str,
    pub verify_continue: &'static str,
    pub verify_failed: &'static str,
    pub verify_email_taken: &'static str,
    pub verify_sign_in_to_ask: &'static str,
    pub verify_ask_in_settings: &'static str,
    pub link_invalid: &'static str,
    pub link_expired: &'static str,
    pub forgot_link: &'static str,
    pub forgot_title: &'static str,
    pub forgot_intro: &'static str,
    pub forgot_button: &'static str,
    pub forgot_sent: &'static str,
    pub reset_title: &'static str,
    pub reset_button: &'static str,
    pub reset_done: &'static str,
    pub reset_ask_again: &'static str,
    pub email_change_title: &'static str,
    /// `{email}`.
    pub email_change_current: &'static str,
    pub email_change_new: &'static str,
    pub email_change_password: &'static str,
    pub email_change_button: &'static str,
    /// `{email}`.
    pub email_change_sent: &'static str,
    pub password_wrong: &'static str,
    pub mail_title: &'static str,
    pub mail_intro: &'static str,
    pub mail_load_failed: &'static str,
    pub mail_categories: &'static str,
    pub mail_replies: &'static str,
    pub mail_comments: &'static str,
    pub mail_invitations: &'static str,
    pub mail_receipts: &'static str,
    pub mail_recurring: &'static str,
    pub mail_verification: &'static str,
    pub mail_reports: &'static str,
    pub mail_at_once: &'static str,
    pub mail_in_digest: &'static str,
    pub mail_never: &'static str,
    pub digest_title: &'static str,
    pub digest_label: &'static str,
    pub digest_hint: &'static str,
    pub digest_daily: &'static str,
    pub digest_weekly: &'static str,
    pub time_zone_label: &'static str,
    /// `{zone}`: an IANA time zone.
    pub time_zone_device: &'static str,
    /// `{zone}`.
    pub time_zone_use_device: &'static str,
    pub mail_save: &'static str,
    pub unsubscribe_title: &'static str,
    pub unsubscribe_intro: &'static str,
    pub unsubscribe_button: &'static str,
    pub unsubscribe_done_title: &'static str,
    /// `{category}`: a category's name, e.g. "Replies to my comments".
    pub unsubscribe_done_category: &'static str,
    pub unsubscribe_done_digest: &'static str,
    pub unsubscribe_change: &'static str,
    pub unsubscribe_settings: &'static str,
    pub unsubscribe_sign_in: &'static str,
    pub unsubscribe_bad_link: &'static str,

    /// `{organisation}`.
    pub invitation_title: &'static str,
    pub invitation_load_failed: &'static str,
    pub invitation_link_invalid: &'static str,
    pub invitation_was_accepted: &'static str,
    pub invitation_was_declined: &'static str,
    pub invitation_was_revoked: &'static str,
    pub invitation_was_expired: &'static str,
    pub invitation_taken: &'static str,
    pub invitation_answered: &'static str,
    pub invitation_withdrawn: &'static str,
    pub invitation_account_ready: &'static str,
    /// `{email}`.
    pub invitation_sent_to: &'static str,
    /// Who sent an invitation: `{name}`.
    pub invitation_sent_by: &'static str,
    /// `{date}`.
    pub invitation_answer_by: &'static str,
    /// `{organisation}`.
    pub invitation_see_organisation: &'static str,
    /// `{email}`: the signed-in account's address.
    pub invitation_signed_in_as: &'static str,
    pub invitation_sign_in_to_answer: &'static str,
    pub invitation_have_account: &'static str,
    pub invitation_not_for_you: &'static str,
    pub invitation_decline_without_account: &'static str,
    pub invitation_sign_up_title: &'static str,
    pub invitation_sign_up_intro: &'static str,
    pub invitation_email_taken: &'static str,
    pub report_reason_label: &'static str,
    pub report_note_label: &'static str,
    pub report_send: &'static str,
    pub reason_spam: &'static str,
    pub reason_scam: &'static str,
    pub reason_harassment: &'static str,
    pub reason_hate: &'static str,
    pub reason_self_harm: &'static str,
    pub reason_illegal: &'static str,
    pub reason_other: &'static str,
    pub report_update: &'static str,
    pub report_organisation: &'static str,
    pub nav_moderation: &'static str,
    pub moderation_title: &'static str,
    pub moderation_intro: &'static str,
    pub moderation_forbidden: &'static str,
    pub moderation_empty: &'static str,
    pub moderation_kind_label: &'static str,
    pub moderation_state_label: &'static str,
    pub kind_any: &'static str,
    pub kind_comment: &'static str,
    pub kind_update: &'static str,
    pub kind_organisation: &'static str,
    pub kind_user: &'static str,
    pub state_open: &'static str,
    pub state_dismissed: &'static str,
    pub state_upheld: &'static str,
    /// `{count}`.
    pub reports_one: &'static str,
    /// `{count}`.
    pub reports_many: &'static str,
    pub moderation_gone: &'static str,
    pub moderation_see: &'static str,
    /// `{name}`.
    pub moderation_by: &'static str,
    pub decision_reason_label: &'static str,
    pub decision_dismiss: &'static str,
    pub decision_delete: &'static str,
    pub decision_done: &'static str,
    pub decision_not_deletable: &'static str,
    pub moderation_reported_comments: &'static str,
    pub comment_removed: &'static str,
    pub comment_removed_yours: &'static str,
    pub appeal_label: &'static str,
    pub appeal_send: &'static str,
    pub appeal_sent: &'static str,
    pub decision_hide: &'static str,
    pub decision_restore: &'static str,
    /// `{text}`: what the author says.
    pub moderation_appeal: &'static str,
    pub comment_duplicate: &'static str,
    pub suspended_title: &'static str,
    /// `{date}`.
    pub suspended_until: &'static str,
    pub suspended_for_good: &'static str,
    pub suspended_what: &'static str,
    pub account_suspended: &'static str,
    pub comment_block: &'static str,
    pub comment_blocked_summary: &'static str,
    pub comment_banned_here: &'static str,
    pub comment_blocked_reply: &'static str,
    pub blocks_title: &'static str,
    pub blocks_intro: &'static str,
    pub blocks_empty: &'static str,
    pub blocks_unblock: &'static str,
    pub decision_review: &'static str,
    pub decision_end_review: &'static str,
    pub decision_suspend: &'static str,
    pub decision_lift: &'static str,
    pub suspend_for_label: &'static str,
    pub suspend_week: &'static str,
    pub suspend_month: &'static str,
    pub suspend_forever: &'static str,
    pub under_review: &'static str,
    pub bans_title: &'static str,
    pub bans_intro: &'static str,
    pub bans_empty: &'static str,
    pub bans_lift: &'static str,
    pub comment_ban: &'static str,
    pub comment_ban_label: &'static str,
    pub comment_ban_send: &'static str,
    pub comment_banned: &'static str,
    pub log_title: &'static str,
    pub log_intro: &'static str,
    pub log_link: &'static str,
    pub log_export: &'static str,
    pub log_more: &'static str,
    pub log_empty: &'static str,
    pub log_forbidden: &'static str,
    pub action_dismiss: &'static str,
    pub action_hide: &'static str,
    pub action_restore: &'static str,
    pub action_suspend: &'static str,
    pub action_delete: &'static str,
    pub action_ban: &'static str,
    pub action_unban: &'static str,
    pub comments_locked: &'static str,
    pub decision_lock: &'static str,
    pub decision_unlock: &'static str,
    pub action_lock: &'static str,
    pub action_unlock: &'static str,
    pub action_verification: &'static str,
    pub action_role_change: &'static str,
    pub action_platform_role: &'static str,
}

impl Texts {
    /// `one` or `many` for `n`, with `{count}` filled.
    pub fn count(&self, n: i64, one: &str, many: &str) -> String {
        let template = if n == 1 { one } else { many };
        fill(template, &[("count", &format_number(n))])
    }
}
