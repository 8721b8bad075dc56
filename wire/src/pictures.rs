//! Pictures: what an upload became (its variants at a few widths, each in WebP and in one
//! widely supported format), and where pictures are used.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One file of a picture: a width, in one format. Its address never changes content (it is
/// named by its content's hash), so it may be cached for ever.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PictureVariant {
    /// The file's address: a path on this server (`/media/…`), or an absolute URL when the
    /// server keeps its pictures in a bucket with a public address.
    pub url: String,
    pub width: u32,
    pub height: u32,
    /// `image/webp`, `image/jpeg` or (for pictures with transparency) `image/png`.
    pub content_type: String,
}

/// A picture as it is shown: its size once orientation is applied, and its variants
/// (smallest first; every width in WebP and in JPEG or PNG), for `srcset`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Picture {
    /// The upload it was made from.
    pub id: String,
    pub width: u32,
    pub height: u32,
    pub variants: Vec<PictureVariant>,
}

/// What an upload is for: `square` (a logo or an avatar) is cropped to its centre square;
/// `any` keeps its proportions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PictureShape {
    #[default]
    Any,
    Square,
}

/// An uploaded picture: decoded, turned upright, stripped of every metadata (a photo's
/// position, the camera, …) and made again at a few widths. Refer to it by `id` where a
/// picture is asked for (a logo, a cover, an avatar, an update's photos); one nobody uses a
/// day after it was uploaded is deleted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Upload {
    pub id: String,
    pub shape: PictureShape,
    pub picture: Picture,
    /// The bytes its variants take, counted against your quota.
    pub bytes: i64,
    pub created_at: DateTime<Utc>,
}

/// A photo of an update, with the text that says what it shows to those who cannot see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Photo {
    pub picture: Picture,
    pub alt: String,
}

/// A photo to show with an update: an upload of yours (or one the organisation already
/// shows), and its alternative text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewPhoto {
    /// The upload's id.
    #[cfg_attr(feature = "openapi", schema(value_type = UploadId))]
    pub upload: String,
    /// What the photo shows, for those who cannot see it: 1 to 500 characters.
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 500,
            pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"
        )
    )]
    pub alt: String,
}

/// Schema of an upload's id: 32 lowercase hexadecimal digits.
#[cfg(feature = "openapi")]
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, pattern = "^[0-9a-f]{32}$", example = "3f2c8e1d9a7b4c6e8f0a1b2c3d4e5f60")]
pub struct UploadId(#[allow(dead_code)] String);

/// A picture file, as the raw body of `POST /uploads`.
#[cfg(feature = "openapi")]
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct PictureFile(#[allow(dead_code)] Vec<u8>);

/// A picture file, as the `file` part of a `multipart/form-data` body.
#[cfg(feature = "openapi")]
#[derive(utoipa::ToSchema)]
pub struct PictureForm {
    /// The picture: JPEG, PNG or WebP.
    #[schema(value_type = String, format = Binary)]
    #[allow(dead_code)]
    file: Vec<u8>,
}
