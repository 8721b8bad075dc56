//! The demo organisations' pictures: a logo, a cover, and photos for some of their updates,
//! drawn by [`super::drawn`] from each one's slug, made into variants as an upload is, and
//! recorded as uploads of its owner. Run by the `demo_pictures` job; an organisation that
//! has a logo already is left as it is, so a job run twice draws nothing twice.

use actix_web::web;
use anyhow::Context;
use image::DynamicImage;

use ensemble_wire::PictureShape;

use super::process::{self, Processed};
use super::{Media, StoredPhoto, StoredPicture, drawn};
use crate::db::Db;
use crate::db::uploads::{self, NewUpload};

/// The updates of each organisation given a photo: the newest, and the third newest.
const PHOTOGRAPHED: [usize; 2] = [0, 2];

/// Draws and shows the pictures of the organisations `slugs` names; answers how many
/// organisations were given pictures.
pub async fn draw(db: &Db, media: &Media, slugs: &[String]) -> anyhow::Result<usize> {
    let mut drawn_for = 0;
    for slug in slugs {
        let target = {
            let slug = slug.clone();
            db.run(move |conn| crate::db::demo::picture_target(conn, &slug))
                .await?
        };
        let Some(target) = target else { continue };
        if target.has_logo {
            continue;
        }
        let seed = drawn::seed(slug);
        let logo = store(db, media, target.owner, PictureShape::Square, move || {
            DynamicImage::ImageRgb8(drawn::logo(seed, 512))
        })
        .await?;
        let cover = store(db, media, target.owner, PictureShape::Any, move || {
            DynamicImage::ImageRgb8(drawn::cover(seed, 1600))
        })
        .await?;
        let mut photos = Vec::new();
        for index in PHOTOGRAPHED {
            let Some((update, language)) = target.updates.get(index).cloned() else {
                continue;
            };
            let n = index as u64;
            let picture = store(db, media, target.owner, PictureShape::Any, move || {
                DynamicImage::ImageRgb8(drawn::photo(seed, n, 1080))
            })
            .await?;
            photos.push((
                update,
                StoredPhoto {
                    p: picture,
                    alt: alt_text(&language).to_owned(),
                },
            ));
        }
        let organisation = target.organisation_id;
        db.run(move |conn| {
            crate::db::demo::show_pictures(conn, organisation, &logo, &cover, &photos)
        })
        .await?;
        drawn_for += 1;
    }
    Ok(drawn_for)
}

/// Says what a drawn photo shows, in the update's language.
fn alt_text(language: &str) -> &'static str {
    match language {
        "fr" => {
            "Dessin d'un village : collines, maisons, arbres et habitants (image de démonstration)"
        }
        "es" => "Dibujo de un pueblo: colinas, casas, árboles y vecinos (imagen de demostración)",
        "zh" => "村庄插画：山丘、房屋、树木和村民（演示图片）",
        _ => "A drawing of a village: hills, houses, trees and people (demo picture)",
    }
}

/// Draws a picture off the async workers, makes its variants, stores them and records the
/// upload as `owner`'s.
async fn store(
    db: &Db,
    media: &Media,
    owner: i64,
    shape: PictureShape,
    draw: impl FnOnce() -> DynamicImage + Send + 'static,
) -> anyhow::Result<StoredPicture> {
    let processed: Processed = web::block(move || process::variants(draw(), shape))
        .await
        .context("drawing a demo picture")??;
    let (picture, bytes) = media.store_new(processed).await?;
    let new = NewUpload {
        id: picture.id.clone(),
        user_id: owner,
        shape,
        picture: picture.clone(),
        bytes,
    };
    db.run(move |conn| uploads::insert(conn, &new, i64::MAX))
        .await?;
    Ok(picture)
}
