//! What each kind of job does.

use std::sync::Arc;

use ensemble_wire::Lang;

use crate::config::PublicUrl;
use crate::db::{Db, StoreError, email_tokens, users};
use crate::domain::credentials::EmailPurpose;
use crate::domain::jobs::{Job, Mail};
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
        Job::CleanUp => {
            let removed = context
                .db
                .run(|conn| Ok(crate::db::jobs::clean_up(conn)?))
                .await?;
            tracing::info!(removed, "cleaned up");
            Ok(())
        }
    }
}

/// Renders and sends one mail. A link's token is made now (not when the job was queued),
/// so that the job table never holds a secret; a retry makes a new one.
async fn send(context: &Context, mail: Mail) -> Result<(), Failure> {
    let user_id = match &mail {
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
    };
    context
        .mailer
        .send(&to, &user.display_name, &message)
        .await?;
    Ok(())
}
