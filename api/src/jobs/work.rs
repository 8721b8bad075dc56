//! What each kind of job does.

use std::sync::Arc;

use ensemble_wire::Lang;

use crate::config::PublicUrl;
use crate::db::{Db, StoreError, email_tokens, users};
use crate::domain::credentials::EmailPurpose;
use crate::domain::jobs::{Job, Mail};
use crate::mail::signed::InvitationKey;
use crate::mail::unsubscribe::{Topic, UnsubscribeKey};
use crate::mail::{self, Mailer, Rendered};
use crate::metrics::Metrics;
use crate::payments::Payments;

/// What jobs need: the database, the mailer, the public address for links, the payment
/// provider, the metrics.
pub struct Context {
    pub db: Db,
    pub mailer: Arc<Mailer>,
    pub public_url: PublicUrl,
    pub payments: Arc<Payments>,
    pub metrics: Arc<Metrics>,
    pub unsubscribe: UnsubscribeKey,
    pub invitations: InvitationKey,
    pub media: crate::media::Media,
}

/// Why a job failed (it is tried again later, or given up).
#[derive(Debug)]
pub struct Failure(pub String);

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        Failure(format!("database: {e}"))
    }
}

impl From<mail::MailError> for Failure {
    fn from(e: mail::MailError) -> Self {
        Failure(e.to_string())
    }
}

pub async fn run(context: &Context, job: Job) -> Result<(), Failure> {
    match job {
        Job::Mail(mail) => send(context, mail).await,
        Job::Reconcile => {
            let done = crate::payments::reconcile(
                &context.db,
                &context.payments,
                chrono::Duration::minutes(60),
            )
            .await
            .map_err(|e| Failure(format!("reconcile: {e}")))?;
            tracing::info!(
                checked = done.checked,
                paid = done.paid,
                expired = done.expired,
                open = done.open,
                "reconciled payments"
            );
            Ok(())
        }
        Job::QueueDigests => {
            let at = chrono::Utc::now();
            let queued = context
                .db
                .run(move |conn| Ok(crate::db::digests::queue_due_at(conn, at)?))
                .await?;
            tracing::info!(queued, "digests queued");
            Ok(())
        }
        Job::DemoPictures { organisations } => {
            let drawn = crate::media::demo::draw(&context.db, &context.media, &organisations)
                .await
                .map_err(|e| Failure(format!("{e:#}")))?;
            tracing::info!(drawn, "demo pictures");
            Ok(())
        }
        Job::CleanUp => {
            let removed = context
                .db
                .run(|conn| Ok(crate::db::jobs::clean_up(conn)?))
                .await?;
            // Pictures uploaded more than a day ago that nothing shows.
            let cutoff = crate::db::now() - chrono::Duration::days(1);
            let pictures = crate::media::remove_unused(&context.db, &context.media, cutoff).await?;
            tracing::info!(removed, pictures, "cleaned up");
            Ok(())
        }
    }
}

/// Renders and sends one mail. A link's token is made now (not when the job was queued),
/// so that the job table never holds a secret; a retry makes a new one.
async fn send(context: &Context, mail: Mail) -> Result<(), Failure> {
    let user_id = match &mail {
        Mail::Notification { notification_id } => {
            return send_notification(context, *notification_id).await;
        }
        Mail::Receipt { payment_id } => return send_receipt(context, *payment_id).await,
        Mail::Digest { user_id } => return send_digest(context, *user_id).await,
        Mail::Invitation { invitation_id } => {
            return send_invitation(context, invitation_id.clone()).await;
        }
        Mail::RecurringFailed { donation_id } => {
            return send_recurring_failed(context, *donation_id).await;
        }
        Mail::VerifyAddress { user_id }
        | Mail::ResetPassword { user_id }
        | Mail::ConfirmNewAddress { user_id, .. }
        | Mail::AddressChanged { user_id, .. }
        | Mail::PasswordChanged { user_id } => *user_id,
    };
    let prepared = context
        .db
        .run(move |conn| {
            let Some(user) = users::find(conn, user_id)? else {
                return Ok(None);
            };
            let link = |conn: &mut _, purpose: EmailPurpose, address: &str| {
                email_tokens::issue(conn, user_id, purpose, address)
            };
            let prepared = match &mail {
                // Verified meanwhile: nothing to ask for.
                Mail::VerifyAddress { .. } if user.email_verified => None,
                Mail::VerifyAddress { .. } => {
                    let token = link(conn, EmailPurpose::Verify, &user.email)?;
                    Some((user.email.clone(), Some(("verify-email", token)), mail))
                }
                Mail::ResetPassword { .. } => {
                    let token = link(conn, EmailPurpose::Reset, &user.email)?;
                    Some((user.email.clone(), Some(("reset-password", token)), mail))
                }
                Mail::ConfirmNewAddress { address, .. } => {
                    let token = link(conn, EmailPurpose::Change, address)?;
                    Some((address.clone(), Some(("verify-email", token)), mail))
                }
                Mail::AddressChanged { old_address, .. } => Some((old_address.clone(), None, mail)),
                Mail::PasswordChanged { .. } => Some((user.email.clone(), None, mail)),
                Mail::Notification { .. }
                | Mail::Receipt { .. }
                | Mail::Digest { .. }
                | Mail::Invitation { .. }
                | Mail::RecurringFailed { .. } => None,
            };
            Ok(prepared.map(|p| (user, p)))
        })
        .await?;
    // The account is gone, or there is nothing left to ask: nothing to send.
    let Some((user, (to, link, mail))) = prepared else {
        return Ok(());
    };
    let lang = Lang::from_tag(&user.locale).unwrap_or_default();
    let link = link.map(|(page, token)| context.public_url.page(page, &[("token", &token)]));
    let message: Rendered = match &mail {
        Mail::VerifyAddress { .. } => mail::render(
            lang,
            |t| t.verify_address,
            &user.display_name,
            &[("email", &user.email)],
            link.as_deref(),
        ),
        Mail::ResetPassword { .. } => mail::render(
            lang,
            |t| t.reset_password,
            &user.display_name,
            &[],
            link.as_deref(),
        ),
        Mail::ConfirmNewAddress { address, .. } => mail::render(
            lang,
            |t| t.confirm_new_address,
            &user.display_name,
            &[("email", address)],
            link.as_deref(),
        ),
        Mail::AddressChanged { .. } => mail::render(
            lang,
            |t| t.address_changed,
            &user.display_name,
            &[("email", &user.email)],
            None,
        ),
        Mail::PasswordChanged { .. } => {
            mail::render(lang, |t| t.password_changed, &user.display_name, &[], None)
        }
        Mail::Notification { .. }
        | Mail::Receipt { .. }
        | Mail::Digest { .. }
        | Mail::Invitation { .. }
        | Mail::RecurringFailed { .. } => return Ok(()),
    };
    context
        .mailer
        .send(&to, &user.display_name, &message)
        .await?;
    Ok(())
}

/// Mails an invitation to a team to the address it was sent to, with its link, in the
/// language of whoever sent it (the address has no account, so no language of its own).
/// Nothing is sent for an invitation answered, withdrawn or lapsed meanwhile.
async fn send_invitation(context: &Context, invitation_id: String) -> Result<(), Failure> {
    use crate::domain::organisations::{InvitationStatus, Role};
    let id = invitation_id.clone();
    let found = context
        .db
        .run(move |conn| {
            let Some(invitation) = crate::db::teams::invitation(conn, &id)? else {
                return Ok(None);
            };
            let inviter = match invitation.invited_by {
                Some(inviter) => users::find(conn, inviter)?,
                None => None,
            };
            Ok(Some((invitation, inviter)))
        })
        .await?;
    let Some((invitation, inviter)) = found else {
        return Ok(());
    };
    let Some(address) = invitation.email.clone() else {
        return Ok(());
    };
    if invitation.status_at(crate::db::now()) != InvitationStatus::Pending {
        return Ok(());
    }
    let lang = inviter
        .as_ref()
        .and_then(|inviter| Lang::from_tag(&inviter.locale))
        .unwrap_or_default();
    let words = mail::texts::texts(lang);
    let role = match invitation.role {
        Role::Owner => words.owner,
        Role::Admin => words.admin,
        Role::Editor => words.editor,
    };
    let actor = inviter.map_or_else(|| "Ensemble".to_owned(), |inviter| inviter.display_name);
    let link = context.public_url.page(
        "invitation",
        &[("token", &context.invitations.sign(&invitation_id))],
    );
    let message = mail::render(
        lang,
        |t| t.invitation_to_address,
        &address,
        &[
            ("actor", &actor),
            ("organisation", &invitation.organisation.name),
            ("role", role),
        ],
        Some(&link),
    );
    context.mailer.send(&address, "", &message).await?;
    Ok(())
}

/// Mails a notification its person wants at once (still: a choice changed since it was
/// queued is followed), with the link that stops its category.
async fn send_notification(context: &Context, notification_id: i64) -> Result<(), Failure> {
    use crate::domain::notifications::{Delivery, Kind};
    use crate::domain::organisations::Role;
    use mail::texts::{Notice, Texts};
    let found = context
        .db
        .run(move |conn| {
            let Some((user_id, row)) = crate::db::notifications::find(conn, notification_id)?
            else {
                return Ok(None);
            };
            let wanted = crate::db::mail_preferences::delivery(conn, user_id, row.kind.category())?;
            let user = users::find(conn, user_id)?;
            Ok(user
                .filter(|_| wanted == Delivery::Immediately)
                .map(|user| (user, row)))
        })
        .await?;
    let Some((user, row)) = found else {
        return Ok(());
    };
    let lang = Lang::from_tag(&user.locale).unwrap_or_default();
    let words = mail::texts::texts(lang);
    let actor = row
        .actor
        .as_ref()
        .map_or("Ensemble", |a| a.display_name.as_str())
        .to_owned();
    let (organisation, slug) = row
        .organisation
        .as_ref()
        .map(|o| (o.name.clone(), o.slug.clone()))
        .unwrap_or_default();
    let role = match row.role {
        Some(Role::Owner) => words.owner,
        Some(Role::Admin) => words.admin,
        Some(Role::Editor) | None => words.editor,
    };
    let url = &context.public_url;
    let update = || {
        row.update_id.map_or_else(
            || url.page("notifications", &[]),
            |id| url.page(&format!("updates/{id}"), &[]),
        )
    };
    type Pick<T> = fn(&Texts) -> T;
    let (notice, why, link): (Pick<Notice>, Pick<&'static str>, String) = match row.kind {
        Kind::CommentReply => (|t| t.comment_reply, |t| t.why_replies, update()),
        Kind::UpdateComment => (|t| t.update_comment, |t| t.why_comments, update()),
        Kind::RoleGranted => (
            |t| t.role_granted,
            |t| t.why_invitations,
            url.page(&format!("organisations/{slug}"), &[]),
        ),
        Kind::Invitation => (
            |t| t.invitation,
            |t| t.why_invitations,
            url.page("notifications", &[]),
        ),
        Kind::VerificationChanged => (
            |t| t.verification_changed,
            |t| t.why_verification,
            url.page(&format!("organisations/{slug}/admin"), &[]),
        ),
        Kind::VerificationApproved => (
            |t| t.verification_approved,
            |t| t.why_verification,
            url.page(&format!("organisations/{slug}"), &[]),
        ),
        Kind::VerificationRejected => (
            |t| t.verification_rejected,
            |t| t.why_verification,
            url.page(&format!("organisations/{slug}/admin"), &[]),
        ),
        Kind::ReportUpheld => (
            |t| t.report_upheld,
            |t| t.why_reports,
            url.page("notifications", &[]),
        ),
        Kind::ReportDismissed => (
            |t| t.report_dismissed,
            |t| t.why_reports,
            url.page("notifications", &[]),
        ),
    };
    let unsubscribe = unsubscribe_links(context, user.id, Topic::Category(row.kind.category()));
    let message = mail::render_notice(
        lang,
        notice,
        &user.display_name,
        &[
            ("actor", &actor),
            ("organisation", &organisation),
            ("role", role),
        ],
        &link,
        why,
        &unsubscribe,
    );
    context
        .mailer
        .send(&user.email, &user.display_name, &message)
        .await?;
    Ok(())
}

/// Mails the receipt of a payment to its donor, if they still want it at once.
async fn send_receipt(context: &Context, payment_id: i64) -> Result<(), Failure> {
    use crate::db::donations;
    use crate::domain::notifications::{Category, Delivery};
    let found = context
        .db
        .run(move |conn| {
            let Some(payment) = donations::payment(conn, payment_id)? else {
                return Ok(None);
            };
            let Some(donation) = donations::find(conn, payment.donation_id)? else {
                return Ok(None);
            };
            let Some(donor) = donation.donor_id else {
                return Ok(None);
            };
            let category = if donation.recurring.is_some() {
                Category::Recurring
            } else {
                Category::Receipts
            };
            if crate::db::mail_preferences::delivery(conn, donor, category)?
                != Delivery::Immediately
            {
                return Ok(None);
            }
            Ok(users::find(conn, donor)?.map(|user| (user, donation, payment, category)))
        })
        .await?;
    let Some((user, donation, payment, category)) = found else {
        return Ok(());
    };
    let lang = Lang::from_tag(&user.locale).unwrap_or_default();
    let amount = format!(
        "{} {}",
        crate::domain::donations::decimal(payment.amount_minor),
        payment.currency
    );
    let url = &context.public_url;
    let unsubscribe = unsubscribe_links(context, user.id, Topic::Category(category));
    let recurring = donation.recurring.is_some();
    let mut message = mail::render_notice(
        lang,
        |t| {
            if recurring {
                t.recurring_charged
            } else {
                t.receipt
            }
        },
        &user.display_name,
        &[
            ("amount", &amount),
            ("organisation", &payment.receipt_name),
            ("number", &payment.receipt_number),
        ],
        &url.page("donations", &[]),
        |t| {
            if recurring {
                t.why_recurring
            } else {
                t.why_receipts
            }
        },
        &unsubscribe,
    );
    if donation.provider.is_test() {
        mark_test_money(lang, &mut message);
    }
    context
        .mailer
        .send(&user.email, &user.display_name, &message)
        .await?;
    Ok(())
}

/// Test money says so, first thing.
fn mark_test_money(lang: Lang, message: &mut Rendered) {
    let marker = mail::texts::texts(lang).test_money;
    message.subject = format!("{marker} {}", message.subject);
    message.text = format!("{marker}\n\n{}", message.text);
    message.html = message.html.replacen(
        "<p>",
        &format!("<p><strong>{}</strong></p><p>", mail::escape(marker)),
        1,
    );
}

/// Tells a donor that a period of their monthly gift could not be charged, if the gift is
/// still live and they still want such news at once.
async fn send_recurring_failed(context: &Context, donation_id: i64) -> Result<(), Failure> {
    use crate::domain::donations::Status;
    use crate::domain::notifications::{Category, Delivery};
    let found = context
        .db
        .run(move |conn| {
            let Some(donation) = crate::db::donations::find(conn, donation_id)? else {
                return Ok(None);
            };
            let Some(donor) = donation.donor_id else {
                return Ok(None);
            };
            if donation.status != Status::Active
                || crate::db::mail_preferences::delivery(conn, donor, Category::Recurring)?
                    != Delivery::Immediately
            {
                return Ok(None);
            }
            Ok(users::find(conn, donor)?.map(|user| (user, donation)))
        })
        .await?;
    let Some((user, donation)) = found else {
        return Ok(());
    };
    let lang = Lang::from_tag(&user.locale).unwrap_or_default();
    let amount = format!(
        "{} {}",
        crate::domain::donations::decimal(donation.amount_minor),
        donation.currency
    );
    let unsubscribe = unsubscribe_links(context, user.id, Topic::Category(Category::Recurring));
    let mut message = mail::render_notice(
        lang,
        |t| t.recurring_failed,
        &user.display_name,
        &[
            ("amount", &amount),
            ("organisation", &donation.organisation.name),
        ],
        &context.public_url.page("donations", &[]),
        |t| t.why_recurring,
        &unsubscribe,
    );
    if donation.provider.is_test() {
        mark_test_money(lang, &mut message);
    }
    context
        .mailer
        .send(&user.email, &user.display_name, &message)
        .await?;
    Ok(())
}

/// Mails a reader their digest, if there is something new (else nothing is sent, and the
/// next digest covers the same time).
async fn send_digest(context: &Context, user_id: i64) -> Result<(), Failure> {
    use crate::domain::notifications::DigestFrequency;
    let started = crate::db::now();
    let found = context
        .db
        .run(move |conn| {
            let Some(user) = users::find(conn, user_id)? else {
                return Ok(None);
            };
            let (frequency, last) = crate::db::digests::schedule_of(conn, user_id)?;
            if frequency == DigestFrequency::Never || !user.email_verified {
                return Ok(None);
            }
            let digest = crate::db::digests::content(conn, user_id, frequency, last)?;
            Ok(Some((user, frequency, digest)))
        })
        .await?;
    let Some((user, frequency, digest)) = found else {
        return Ok(());
    };
    if digest.updates.is_empty() && digest.notifications == 0 {
        return Ok(());
    }
    let lang = Lang::from_tag(&user.locale).unwrap_or_default();
    let url = &context.public_url;
    let items: Vec<mail::DigestItem> = digest
        .updates
        .iter()
        .map(|u| mail::DigestItem {
            organisation: u.name.clone(),
            title: u.title.clone(),
            link: url.page(&format!("updates/{}", u.id), &[]),
        })
        .collect();
    let unsubscribe = unsubscribe_links(context, user.id, Topic::Digest);
    let message = mail::render_digest(
        lang,
        &user.display_name,
        &items,
        digest.more,
        digest.notifications,
        frequency == DigestFrequency::Daily,
        &url.page("feed", &[]),
        &unsubscribe,
    );
    context
        .mailer
        .send(&user.email, &user.display_name, &message)
        .await?;
    context
        .db
        .run(move |conn| Ok(crate::db::digests::sent(conn, user_id, started)?))
        .await?;
    Ok(())
}

/// The links that stop `topic` for `user_id`: the page for people, the address for mail
/// readers' one click.
fn unsubscribe_links(context: &Context, user_id: i64, topic: Topic) -> mail::Unsubscribe {
    let token = context.unsubscribe.sign(user_id, topic);
    mail::Unsubscribe {
        page: context.public_url.page("unsubscribe", &[("token", &token)]),
        one_click: context
            .public_url
            .join(&format!("/api/v1/mail/unsubscribe?token={token}")),
    }
}
