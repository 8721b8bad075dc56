//! Pictures: made safe and resized ([`process`]), kept in an object store (a folder of the
//! data directory by default, or an S3-compatible bucket), and described in the database as
//! the JSON of [`StoredPicture`]. The server serves them at `/media/{key}`; with a bucket
//! that has a public address, that path redirects to it.

pub mod demo;
pub mod drawn;
pub mod process;

use std::sync::Arc;

use anyhow::Context;
use bytes::Bytes;
use object_store::path::Path as StorePath;
use object_store::{ObjectStore, ObjectStoreExt};
use serde::{Deserialize, Serialize};
use tokio::sync::Semaphore;
use url::Url;

use ensemble_wire::{Picture, PictureVariant};

/// Where pictures are served from, on this server.
pub const MEDIA_PREFIX: &str = "/media/";

/// One stored file of a picture, as the database keeps it (short names: it is in every row
/// that shows a picture).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredVariant {
    /// The key in the object store.
    pub k: String,
    pub w: u32,
    pub h: u32,
    /// The media type.
    pub t: String,
}

/// A picture as the database keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredPicture {
    pub id: String,
    pub w: u32,
    pub h: u32,
    pub v: Vec<StoredVariant>,
}

impl StoredPicture {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| unreachable!("plain data serialises"))
    }

    /// The stored JSON, or `None` (logged) if it cannot be read: a picture is never worth
    /// failing a page for.
    pub fn from_json(json: &str) -> Option<Self> {
        serde_json::from_str(json)
            .inspect_err(|e| tracing::warn!(error = %e, "unreadable stored picture"))
            .ok()
    }

    /// The keys of its files.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.v.iter().map(|v| v.k.as_str())
    }
}

impl From<StoredPicture> for Picture {
    fn from(stored: StoredPicture) -> Self {
        Picture {
            id: stored.id,
            width: stored.w,
            height: stored.h,
            variants: stored
                .v
                .into_iter()
                .map(|v| PictureVariant {
                    url: url(&v.k),
                    width: v.w,
                    height: v.h,
                    content_type: v.t,
                })
                .collect(),
        }
    }
}

/// A stored picture's JSON, if any, as the wire shows it.
pub fn picture(json: Option<&str>) -> Option<Picture> {
    json.and_then(StoredPicture::from_json).map(Picture::from)
}

/// The address a file is served at: relative to the server, whatever the storage (a bucket
/// with a public address is reached by a redirect), so stored rows and cached pages never
/// name a storage location that may change.
pub fn url(key: &str) -> String {
    format!("{MEDIA_PREFIX}{key}")
}

/// A stored photo of an update (short names: it is in every row of the feed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredPhoto {
    pub p: StoredPicture,
    pub alt: String,
}

/// An update's photos as stored (`[]` when it has none).
pub fn photos_json(photos: &[StoredPhoto]) -> String {
    serde_json::to_string(photos).unwrap_or_else(|_| "[]".into())
}

/// An update's stored photos, as the wire shows them (none if unreadable, logged).
pub fn photos(json: &str) -> Vec<ensemble_wire::Photo> {
    serde_json::from_str::<Vec<StoredPhoto>>(json)
        .inspect_err(|e| tracing::warn!(error = %e, "unreadable stored photos"))
        .unwrap_or_default()
        .into_iter()
        .map(|photo| ensemble_wire::Photo {
            picture: Picture::from(photo.p),
            alt: photo.alt,
        })
        .collect()
}

/// An upload id: 32 lowercase hexadecimal digits.
pub fn valid_upload_id(id: &str) -> bool {
    id.len() == 32
        && id
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// A new upload id.
pub fn new_upload_id() -> String {
    let bytes: [u8; 16] = rand::random();
    hex::encode(bytes)
}

/// A file's key: `{upload id}/{hash}-{width}.{extension}`.
pub fn key(upload_id: &str, variant: &process::Variant) -> String {
    format!(
        "{upload_id}/{}-{}.{}",
        variant.hash, variant.width, variant.extension
    )
}

/// Whether `key` has the shape of a key this server makes (and nothing a path could use to
/// leave the store).
pub fn valid_key(key: &str) -> bool {
    let Some((upload, file)) = key.split_once('/') else {
        return false;
    };
    let Some((stem, extension)) = file.split_once('.') else {
        return false;
    };
    let Some((hash, width)) = stem.split_once('-') else {
        return false;
    };
    valid_upload_id(upload)
        && hash.len() == 32
        && hash
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        && !width.is_empty()
        && width.len() <= 5
        && width.bytes().all(|b| b.is_ascii_digit())
        && matches!(extension, "webp" | "jpg" | "png")
}

/// The media type of a key's extension.
pub fn content_type(key: &str) -> &'static str {
    match key.rsplit_once('.').map(|(_, e)| e) {
        Some("webp") => "image/webp",
        Some("png") => "image/png",
        _ => "image/jpeg",
    }
}

/// The content hash in a key (its `ETag`).
pub fn key_hash(key: &str) -> Option<&str> {
    let file = key.split_once('/')?.1;
    Some(file.split_once('-')?.0)
}

/// The upload ids a Markdown text shows as images (`![…](/media/{upload}/…)`).
pub fn uploads_in(markdown: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = markdown;
    while let Some(at) = rest.find(MEDIA_PREFIX) {
        rest = &rest[at + MEDIA_PREFIX.len()..];
        if let Some(id) = rest.get(..32)
            && valid_upload_id(id)
            && !found.iter().any(|f| f == id)
        {
            found.push(id.to_owned());
        }
    }
    found
}

/// An S3-compatible bucket.
#[derive(Debug, Clone)]
pub struct S3Settings {
    /// The endpoint (`https://s3.eu-west-3.amazonaws.com`, `http://127.0.0.1:9000`, …).
    pub endpoint: Option<String>,
    pub bucket: String,
    pub region: String,
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<String>,
    /// The bucket's public address, if browsers may read from it directly.
    pub public_url: Option<Url>,
}

/// The picture store the application shares.
#[derive(Debug, Clone)]
pub struct Media {
    store: Arc<dyn ObjectStore>,
    /// Where browsers are sent for a file, if not served here.
    public_base: Option<Url>,
    /// Pictures being processed at once: the rest wait their turn without holding a thread.
    pub processing: Arc<Semaphore>,
    /// What the store is, for the log.
    pub description: String,
}

impl Media {
    /// Files under `<data dir>/uploads`.
    pub fn local(directory: &std::path::Path, processing: usize) -> anyhow::Result<Self> {
        std::fs::create_dir_all(directory)
            .with_context(|| format!("creating {}", directory.display()))?;
        let store = object_store::local::LocalFileSystem::new_with_prefix(directory)
            .with_context(|| format!("opening {}", directory.display()))?;
        Ok(Self {
            store: Arc::new(store),
            public_base: None,
            processing: Arc::new(Semaphore::new(processing.max(1))),
            description: format!("files under {}", directory.display()),
        })
    }

    /// An S3-compatible bucket.
    pub fn s3(settings: &S3Settings, processing: usize) -> anyhow::Result<Self> {
        let mut builder = object_store::aws::AmazonS3Builder::new()
            .with_bucket_name(&settings.bucket)
            .with_region(&settings.region);
        if let Some(endpoint) = &settings.endpoint {
            builder = builder
                .with_endpoint(endpoint)
                .with_allow_http(endpoint.starts_with("http://"))
                .with_virtual_hosted_style_request(false);
        }
        if let Some(key) = &settings.access_key_id {
            builder = builder.with_access_key_id(key);
        }
        if let Some(secret) = &settings.secret_access_key {
            builder = builder.with_secret_access_key(secret);
        }
        let store = builder.build().context("configuring the S3 bucket")?;
        Ok(Self {
            store: Arc::new(store),
            public_base: settings.public_url.clone(),
            processing: Arc::new(Semaphore::new(processing.max(1))),
            description: format!(
                "the bucket {} at {}",
                settings.bucket,
                settings.endpoint.as_deref().unwrap_or("AWS")
            ),
        })
    }

    /// The origin browsers load pictures from, when it is not this server (for the CSP).
    pub fn public_origin(&self) -> Option<String> {
        self.public_base
            .as_ref()
            .map(|url| url.origin().ascii_serialization())
    }

    /// Where a browser reads `key` directly, if the bucket has a public address.
    pub fn public_url(&self, key: &str) -> Option<String> {
        self.public_base
            .as_ref()
            .map(|base| format!("{}/{key}", base.as_str().trim_end_matches('/')))
    }

    pub async fn put(&self, key: &str, bytes: Vec<u8>) -> anyhow::Result<()> {
        self.store
            .put(&StorePath::from(key), Bytes::from(bytes).into())
            .await
            .with_context(|| format!("storing {key}"))?;
        Ok(())
    }

    /// A file's bytes; `None` if there is no such file.
    pub async fn get(&self, key: &str) -> anyhow::Result<Option<Bytes>> {
        match self.store.get(&StorePath::from(key)).await {
            Ok(found) => Ok(Some(
                found
                    .bytes()
                    .await
                    .with_context(|| format!("reading {key}"))?,
            )),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(anyhow::Error::new(e).context(format!("reading {key}"))),
        }
    }

    /// Deletes a file; one already gone is fine.
    pub async fn delete(&self, key: &str) -> anyhow::Result<()> {
        match self.store.delete(&StorePath::from(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(anyhow::Error::new(e).context(format!("deleting {key}"))),
        }
    }

    /// Stores the variants of a new upload under a new id: its picture as the database
    /// keeps it, and the bytes it takes. If a file cannot be stored, those stored already
    /// are deleted.
    pub async fn store_new(
        &self,
        processed: process::Processed,
    ) -> anyhow::Result<(StoredPicture, i64)> {
        let id = new_upload_id();
        let mut picture = StoredPicture {
            id: id.clone(),
            w: processed.width,
            h: processed.height,
            v: Vec::with_capacity(processed.variants.len()),
        };
        let mut bytes = 0i64;
        for variant in processed.variants {
            let key = key(&id, &variant);
            bytes += i64::try_from(variant.bytes.len()).unwrap_or(i64::MAX);
            picture.v.push(StoredVariant {
                k: key.clone(),
                w: variant.width,
                h: variant.height,
                t: variant.content_type.to_owned(),
            });
            if let Err(e) = self.put(&key, variant.bytes).await {
                self.delete_all(std::slice::from_ref(&picture)).await;
                return Err(e);
            }
        }
        Ok((picture, bytes))
    }

    /// Deletes every file of `pictures`, logging (not failing on) the ones that resist: a
    /// file left behind costs room, not correctness.
    pub async fn delete_all(&self, pictures: &[StoredPicture]) -> usize {
        let mut deleted = 0;
        for key in pictures.iter().flat_map(StoredPicture::keys) {
            match self.delete(key).await {
                Ok(()) => deleted += 1,
                Err(e) => tracing::warn!(error = ?e, key, "a picture file could not be deleted"),
            }
        }
        deleted
    }
}

/// Removes the uploads nobody shows that came before `cutoff`: their rows, then their
/// files, a batch at a time. Returns how many uploads went.
pub async fn remove_unused(
    db: &crate::db::Db,
    media: &Media,
    cutoff: chrono::NaiveDateTime,
) -> Result<usize, crate::db::StoreError> {
    let mut removed = 0;
    loop {
        let gone = db
            .run(move |conn| Ok(crate::db::uploads::remove_unused(conn, cutoff, 500)?))
            .await?;
        if gone.is_empty() {
            return Ok(removed);
        }
        removed += gone.len();
        media.delete_all(&gone).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_checked() {
        let id = "0123456789abcdef0123456789abcdef";
        assert!(valid_key(&format!("{id}/{id}-160.webp")));
        assert!(valid_key(&format!("{id}/{id}-1920.jpg")));
        assert!(!valid_key(&format!("{id}/{id}-160.svg")));
        assert!(!valid_key(&format!("../{id}-160.webp")));
        assert!(!valid_key(&format!("{id}/../{id}-160.webp")));
        assert!(!valid_key(&format!("{id}/{id}-160.webp/x")));
        assert_eq!(key_hash(&format!("{id}/{id}-160.webp")), Some(id));
    }

    #[test]
    fn uploads_named_in_markdown() {
        let id = "0123456789abcdef0123456789abcdef";
        let text = format!(
            "![a well](/media/{id}/{id}-480.webp) and ![again](/media/{id}/x) \
             ![elsewhere](https://example.org/media/zz)"
        );
        assert_eq!(uploads_in(&text), vec![id.to_owned()]);
    }
}
