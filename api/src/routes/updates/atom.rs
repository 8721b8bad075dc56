//! `GET /organisations/{slug}/updates.atom`: an organisation's updates as an Atom 1.0 feed
//! (RFC 4287), so anyone can follow it from a feed reader.

use actix_web::web::{Data, Path};
use actix_web::{HttpResponse, get};
use chrono::{DateTime, SecondsFormat, Utc};

use crate::config::PublicUrl;
use crate::db::Db;
use crate::db::StoreError;
use crate::db::organisations;
use crate::db::updates::{self as store, UpdateRow};
use crate::domain::markdown;
use crate::error::ApiError;
use crate::routes::API_PREFIX;

const ENTRIES: i64 = 20;

/// Escapes text for XML content and attribute values.
fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 cannot carry at all (our texts refuse them anyway).
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

fn rfc3339(at: chrono::NaiveDateTime) -> String {
    DateTime::<Utc>::from_naive_utc_and_offset(at, Utc).to_rfc3339_opts(SecondsFormat::Micros, true)
}

fn entry(public: &PublicUrl, row: &UpdateRow) -> String {
    let page = public.join(&format!("/updates/{}", row.id));
    let html = markdown::to_safe_html(&row.body);
    // Each photo, as its largest variant in the format every reader knows (the first
    // variant of the largest width that is not WebP), with its alternative text.
    let enclosures: String = crate::media::photos(&row.photos)
        .into_iter()
        .filter_map(|photo| {
            let variant = photo
                .picture
                .variants
                .iter()
                .rev()
                .find(|v| v.content_type != "image/webp")?;
            Some(format!(
                "    <link rel=\"enclosure\" type=\"{kind}\" href=\"{href}\" title=\"{alt}\"/>\n",
                kind = xml(&variant.content_type),
                href = xml(&public.join(&variant.url)),
                alt = xml(&photo.alt),
            ))
        })
        .collect();
    format!(
        "  <entry xml:lang=\"{lang}\" xml:base=\"{base}\">\n    <id>{page}</id>\n    <title>{title}</title>\n    \
         <published>{published}</published>\n    <updated>{updated}</updated>\n    \
         <link rel=\"alternate\" type=\"text/html\" href=\"{page}\"/>\n{enclosures}    \
         <content type=\"html\">{content}</content>\n  </entry>\n",
        base = xml(&public.join("/")),
        lang = xml(&row.language),
        page = xml(&page),
        title = xml(&row.title),
        published = rfc3339(row.created_at),
        updated = rfc3339(row.edited_at.unwrap_or(row.created_at)),
        content = xml(&html),
    )
}

/// An organisation's newest updates as an Atom feed. Public.
#[utoipa::path(
    tag = "updates",
    operation_id = "organisation_updates_atom",
    params(("slug" = String, Path, description = "The organisation's slug")),
    responses(
        (status = 200, description = "Atom 1.0: the 20 newest updates, their HTML sanitised", content_type = "application/atom+xml", body = String),
        crate::openapi::problems::NoSuchOrganisation,
    )
)]
#[get("/organisations/{slug}/updates.atom")]
pub async fn organisation_feed(
    db: Data<Db>,
    public: Data<PublicUrl>,
    slug: Path<String>,
) -> Result<HttpResponse, ApiError> {
    let slug = slug.into_inner();
    let (profile, rows) = db
        .run(move |conn| {
            let profile = organisations::find_profile(conn, &slug, "")?
                .ok_or(StoreError::NotFound("organisation"))?;
            let rows = store::of_organisation(conn, profile.row.id, None, ENTRIES - 1)?;
            Ok((profile, rows))
        })
        .await?;
    let row = &profile.row;
    let page = public.join(&format!("/organisations/{}", row.slug));
    let updated = rows
        .iter()
        .map(|r| r.edited_at.unwrap_or(r.created_at))
        .max()
        .unwrap_or(row.created_at);
    let mut body = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n\
         <feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{lang}\">\n  \
         <id>{page}</id>\n  <title>{name}</title>\n  <subtitle>{mission}</subtitle>\n  \
         <updated>{updated}</updated>\n  \
         <link rel=\"self\" type=\"application/atom+xml\" href=\"{this}\"/>\n  \
         <link rel=\"alternate\" type=\"text/html\" href=\"{page}\"/>\n  \
         <author>\n    <name>{name}</name>\n    <uri>{page}</uri>\n  </author>\n  \
        <generator>Ensemble</generator>\n",
        lang = xml(&row.text_language),
        page = xml(&page),
        name = xml(&row.name),
        mission = xml(&row.mission),
        updated = rfc3339(updated),
        this = xml(&public.join(&format!(
            "{API_PREFIX}/organisations/{}/updates.atom",
            row.slug
        ))),
    );
    for row in &rows {
        body.push_str(&entry(&public, row));
    }
    body.push_str("</feed>\n");
    Ok(HttpResponse::Ok()
        .content_type("application/atom+xml; charset=utf-8")
        .insert_header(("Cache-Control", "public, max-age=300"))
        .body(body))
}
