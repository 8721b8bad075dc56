//! Mail: each message rendered in its recipient's language with a plain-text and an HTML
//! part (`texts` holds the words), sent through SMTP (`lettre`) or, with no SMTP server
//! configured (the embedded default), written as an `.eml` file under `<data dir>/mail/`,
//! which the log names, so that a newcomer can open a verification link without a mail
//! server. Mail is sent by the job runner (`crate::jobs`), never inside a request.

pub mod signed;
pub mod texts;
pub mod unsubscribe;

use std::path::{Path, PathBuf};
use std::time::Duration;

use lettre::message::header::{self, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::secrets::Secret;
use ensemble_wire::Lang;

/// How a message can be stopped: the web page its text links to (a person clicks), and the
/// address mail readers POST to in one click (`List-Unsubscribe`, RFC 8058).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsubscribe {
    pub page: String,
    pub one_click: String,
}

/// A message ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
    /// `List-Unsubscribe` (an https address): set on every message that is not essential.
    pub unsubscribe: Option<String>,
}

/// Renders `message` for `name` in `lang`: the greeting, its paragraphs with `values` in
/// their places, the button to `link` (with the address written out for mail readers that
/// show no buttons), what follows, and the signature.
pub fn render(
    lang: Lang,
    message: impl Fn(&texts::Texts) -> texts::Message,
    name: &str,
    values: &[(&str, &str)],
    link: Option<&str>,
) -> Rendered {
    let words = texts::texts(lang);
    let message = message(words);
    let greeting = fill(words.greeting, &[("name", name)]);
    let body: Vec<String> = message.body.iter().map(|p| fill(p, values)).collect();
    let after: Vec<String> = message.after.iter().map(|p| fill(p, values)).collect();

    let mut text = format!("{greeting}\n\n");
    for paragraph in &body {
        text.push_str(paragraph);
        text.push_str("\n\n");
    }
    if let Some(link) = link {
        text.push_str(&format!("{}\n{link}\n\n", message.action));
    }
    for paragraph in &after {
        text.push_str(paragraph);
        text.push_str("\n\n");
    }
    text.push_str(words.signature);
    text.push('\n');

    let mut html = format!(
        "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title></head>\
         <body style=\"font-family: system-ui, sans-serif; color: #1f2933; max-width: 36rem; margin: 0 auto; padding: 1rem; line-height: 1.5\">\
         <p>{}</p>",
        lang.code(),
        escape(&fill(message.subject, values)),
        escape(&greeting)
    );
    for paragraph in &body {
        html.push_str(&format!("<p>{}</p>", escape(paragraph)));
    }
    if let Some(link) = link {
        let link = escape(link);
        html.push_str(&format!(
            "<p><a href=\"{link}\" style=\"display: inline-block; background: #1d4ed8; color: #fff; padding: 0.6rem 1.1rem; border-radius: 0.4rem; text-decoration: none\">{}</a></p>\
             <p style=\"font-size: 0.9em; color: #52606d\">{}<br><a href=\"{link}\">{link}</a></p>",
            escape(message.action),
            escape(words.link_intro),
        ));
    }
    for paragraph in &after {
        html.push_str(&format!(
            "<p style=\"font-size: 0.9em; color: #52606d\">{}</p>",
            escape(paragraph)
        ));
    }
    html.push_str(&format!("<p>{}</p></body></html>", escape(words.signature)));
    Rendered {
        subject: fill(message.subject, values),
        text,
        html,
        unsubscribe: None,
    }
}

/// Renders a notification for `name` in `lang`: what happened, the button to `link`, why
/// the person receives it, and the address that stops this category (`unsubscribe`, also
/// sent as `List-Unsubscribe` for mail readers' own button).
pub fn render_notice(
    lang: Lang,
    notice: impl Fn(&texts::Texts) -> texts::Notice,
    name: &str,
    values: &[(&str, &str)],
    link: &str,
    why: impl Fn(&texts::Texts) -> &'static str,
    unsubscribe: &Unsubscribe,
) -> Rendered {
    let words = texts::texts(lang);
    let notice = notice(words);
    let (one_click, unsubscribe) = (&unsubscribe.one_click, &unsubscribe.page);
    let greeting = fill(words.greeting, &[("name", name)]);
    let subject = fill(notice.subject, values);
    let body = fill(notice.body, values);
    let action = fill(notice.action, values);
    let why = fill(why(words), values);
    let text = format!(
        "{greeting}\n\n{body}\n\n{action}\n{link}\n\n{}\n\n-- \n{why}\n{}: {unsubscribe}\n",
        words.signature, words.unsubscribe
    );
    let link_html = escape(link);
    let html = format!(
        "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title></head>\
         <body style=\"font-family: system-ui, sans-serif; color: #1f2933; max-width: 36rem; margin: 0 auto; padding: 1rem; line-height: 1.5\">\
         <p>{}</p><p>{}</p>\
         <p><a href=\"{link_html}\" style=\"display: inline-block; background: #1d4ed8; color: #fff; padding: 0.6rem 1.1rem; border-radius: 0.4rem; text-decoration: none\">{}</a></p>\
         <p>{}</p>\
         <hr><p style=\"font-size: 0.85em; color: #52606d\">{} <a href=\"{}\">{}</a></p></body></html>",
        lang.code(),
        escape(&subject),
        escape(&greeting),
        escape(&body),
        escape(&action),
        escape(words.signature),
        escape(&why),
        escape(unsubscribe),
        escape(words.unsubscribe),
    );
    Rendered {
        subject,
        text,
        html,
        unsubscribe: Some(one_click.clone()),
    }
}

/// One update in a digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestItem {
    pub organisation: String,
    pub title: String,
    pub link: String,
}

/// Renders a digest: the updates (best first), how many more, the notifications waiting,
/// the way to the feed, and the link that stops the digest.
#[allow(clippy::too_many_arguments)]
pub fn render_digest(
    lang: Lang,
    name: &str,
    items: &[DigestItem],
    more: usize,
    notifications: i64,
    daily: bool,
    feed: &str,
    unsubscribe: &Unsubscribe,
) -> Rendered {
    let words = texts::texts(lang);
    let (one_click, unsubscribe) = (&unsubscribe.one_click, &unsubscribe.page);
    let count = (items.len() + more).to_string();
    let more_text = (more > 0).then(|| fill(words.digest_more, &[("more", &more.to_string())]));
    let notifications_text = (notifications > 0).then(|| {
        fill(
            words.digest_notifications,
            &[("notifications", &notifications.to_string())],
        )
    });
    let why = if daily {
        words.why_digest_daily
    } else {
        words.why_digest_weekly
    };
    let subject = fill(words.digest_subject, &[("count", &count)]);
    let greeting = fill(words.greeting, &[("name", name)]);

    let mut text = format!("{greeting}\n\n{}\n\n", words.digest_intro);
    for item in items {
        text.push_str(&format!(
            "* {}: {}\n  {}\n",
            item.organisation, item.title, item.link
        ));
    }
    for line in more_text.iter().chain(notifications_text.iter()) {
        text.push_str(&format!("\n{line}\n"));
    }
    text.push_str(&format!(
        "\n{}\n{feed}\n\n{}\n\n-- \n{why}\n{}: {unsubscribe}\n",
        words.digest_action, words.signature, words.digest_unsubscribe
    ));

    let mut html = format!(
        "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title></head>\
         <body style=\"font-family: system-ui, sans-serif; color: #1f2933; max-width: 36rem; margin: 0 auto; padding: 1rem; line-height: 1.5\">\
         <p>{}</p><p>{}</p><ul>",
        lang.code(),
        escape(&subject),
        escape(&greeting),
        escape(words.digest_intro)
    );
    for item in items {
        html.push_str(&format!(
            "<li><strong>{}</strong>: <a href=\"{}\">{}</a></li>",
            escape(&item.organisation),
            escape(&item.link),
            escape(&item.title)
        ));
    }
    html.push_str("</ul>");
    for line in more_text.iter().chain(notifications_text.iter()) {
        html.push_str(&format!("<p>{}</p>", escape(line)));
    }
    html.push_str(&format!(
        "<p><a href=\"{}\" style=\"display: inline-block; background: #1d4ed8; color: #fff; padding: 0.6rem 1.1rem; border-radius: 0.4rem; text-decoration: none\">{}</a></p>\
         <p>{}</p><hr><p style=\"font-size: 0.85em; color: #52606d\">{} <a href=\"{}\">{}</a></p></body></html>",
        escape(feed),
        escape(words.digest_action),
        escape(words.signature),
        escape(why),
        escape(unsubscribe),
        escape(words.digest_unsubscribe)
    ));
    Rendered {
        subject,
        text,
        html,
        unsubscribe: Some(one_click.clone()),
    }
}

/// Replaces each `{name}` of `template` with its value.
fn fill(template: &str, values: &[(&str, &str)]) -> String {
    values
        .iter()
        .fold(template.to_owned(), |text, (name, value)| {
            text.replace(&format!("{{{name}}}"), value)
        })
}

pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Why a message was not sent. A job that meets one tries again later.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("the message cannot be built: {0}")]
    Build(String),
    #[error("the mail server refused or could not be reached: {0}")]
    Send(String),
}

enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files {
        files: AsyncFileTransport<Tokio1Executor>,
        dir: PathBuf,
    },
}

/// Sends mail, through SMTP or into files.
pub struct Mailer {
    transport: Transport,
    from: Mailbox,
}

impl Mailer {
    /// SMTP when `smtp_url` is set (`smtps://user:password@host:465`; `smtp://host:587`,
    /// which requires STARTTLS; `?tls=none` for a relay on this machine only), else files
    /// under `<data_dir>/mail/`.
    pub fn new(smtp_url: Option<&Secret>, from: &str, data_dir: &Path) -> anyhow::Result<Self> {
        let from: Mailbox = from
            .parse()
            .map_err(|e| anyhow::anyhow!("ENSEMBLE_MAIL_FROM {from:?} is not an address: {e}"))?;
        let transport = match smtp_url.filter(|url| !url.expose().is_empty()) {
            Some(url) => Transport::Smtp(smtp_transport(url.expose())?),
            None => {
                let dir = data_dir.join("mail");
                std::fs::create_dir_all(&dir)?;
                Transport::Files {
                    files: AsyncFileTransport::new(&dir),
                    dir,
                }
            }
        };
        Ok(Self { transport, from })
    }

    /// Where messages are written, without SMTP.
    pub fn directory(&self) -> Option<&Path> {
        match &self.transport {
            Transport::Files { dir, .. } => Some(dir),
            Transport::Smtp(_) => None,
        }
    }

    /// Sends `message` to `name <address>`.
    pub async fn send(
        &self,
        address: &str,
        name: &str,
        message: &Rendered,
    ) -> Result<(), MailError> {
        let to = Mailbox::new(
            Some(name.to_owned()).filter(|name| !name.is_empty()),
            address
                .parse()
                .map_err(|e| MailError::Build(format!("{address:?}: {e}")))?,
        );
        let mut builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(message.subject.clone());
        if let Some(unsubscribe) = &message.unsubscribe {
            builder = builder
                .raw_header(HeaderValue::new(
                    HeaderName::new_from_ascii_str("List-Unsubscribe"),
                    format!("<{unsubscribe}>"),
                ))
                .raw_header(HeaderValue::new(
                    HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
                    "List-Unsubscribe=One-Click".to_owned(),
                ));
        }
        let email = builder
            .header(header::MIME_VERSION_1_0)
            .multipart(MultiPart::alternative_plain_html(
                message.text.clone(),
                message.html.clone(),
            ))
            .map_err(|e| MailError::Build(e.to_string()))?;
        match &self.transport {
            Transport::Smtp(smtp) => {
                smtp.send(email)
                    .await
                    .map_err(|e| MailError::Send(e.to_string()))?;
                tracing::info!(subject = %message.subject, "mail sent");
            }
            Transport::Files { files, dir } => {
                let id = files
                    .send(email)
                    .await
                    .map_err(|e| MailError::Send(e.to_string()))?;
                let path = dir.join(format!("{id}.eml"));
                tracing::info!(subject = %message.subject, file = %path.display(), "mail written");
            }
        }
        Ok(())
    }
}

fn smtp_transport(url: &str) -> anyhow::Result<AsyncSmtpTransport<Tokio1Executor>> {
    let parsed =
        url::Url::parse(url).map_err(|_| anyhow::anyhow!("ENSEMBLE_SMTP_URL is not a URL"))?;
    let host = parsed
        .host_str()
        .ok_or_else(|| anyhow::anyhow!("ENSEMBLE_SMTP_URL names no host"))?
        .to_owned();
    let tls_mode = parsed
        .query_pairs()
        .find(|(k, _)| k == "tls")
        .map(|(_, v)| v.into_owned());
    let builder = match (parsed.scheme(), tls_mode.as_deref()) {
        ("smtps", _) => {
            AsyncSmtpTransport::<Tokio1Executor>::relay(&host)?.port(parsed.port().unwrap_or(465))
        }
        ("smtp", None | Some("required")) => {
            AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&host)?
                .port(parsed.port().unwrap_or(587))
        }
        ("smtp", Some("opportunistic")) => {
            AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&host)
                .port(parsed.port().unwrap_or(587))
                .tls(Tls::Opportunistic(TlsParameters::new(host.clone())?))
        }
        ("smtp", Some("none")) => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&host)
            .port(parsed.port().unwrap_or(25)),
        _ => anyhow::bail!(
            "ENSEMBLE_SMTP_URL must be smtps://… or smtp://… (with ?tls=required, the default, ?tls=opportunistic or ?tls=none)"
        ),
    };
    let builder = if parsed.username().is_empty() {
        builder
    } else {
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        };
        builder.credentials(Credentials::new(
            decode(parsed.username()),
            decode(parsed.password().unwrap_or_default()),
        ))
    };
    Ok(builder.timeout(Some(Duration::from_secs(20))).build())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_says_every_message_with_its_values_and_link() {
        for lang in Lang::ALL {
            let mail = render(
                lang,
                |t| t.verify_address,
                "Ana <script>",
                &[("email", "ana@example.org")],
                Some("https://ensemble.example/verify?token=a&b"),
            );
            assert!(!mail.subject.is_empty());
            assert!(mail.text.contains("ana@example.org"), "{lang:?}");
            assert!(
                mail.text
                    .contains("https://ensemble.example/verify?token=a&b")
            );
            assert!(
                !mail.text.contains('{'),
                "a value left unfilled: {}",
                mail.text
            );
            assert!(
                mail.html.contains("Ana &lt;script&gt;"),
                "names are escaped"
            );
            assert!(mail.html.contains("token=a&amp;b"));
            assert!(mail.html.contains(&format!("lang=\"{}\"", lang.code())));
        }
    }
}
