//! From the bytes someone uploaded to the files we serve. Pure and synchronous (the caller
//! runs it off the HTTP workers): the type is read from the bytes; the whole file must be
//! one picture and nothing else (no data after its end, no markup in its metadata); the
//! size is read from the header and refused before anything is decoded; the decoder runs
//! under memory limits; the orientation is applied; then each variant is encoded again from
//! the pixels alone, so no metadata (a photo's GPS position, the camera's serial number)
//! survives.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use sha2::{Digest, Sha256};

use ensemble_wire::{Code, PictureShape};

/// The widths made of every picture, when it is wider.
pub const WIDTHS: [u32; 4] = [160, 480, 1080, 1920];
/// Neither side may be longer (a 1 × 50,000,000 picture is no photograph).
pub const MAX_SIDE: u32 = 20_000;
const JPEG_QUALITY: u8 = 82;
const WEBP_QUALITY: f32 = 80.0;

/// The formats accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Jpeg,
    Png,
    WebP,
}

impl Kind {
    /// What the bytes are, from their signature.
    pub fn sniff(bytes: &[u8]) -> Option<Self> {
        match image::guess_format(bytes).ok()? {
            ImageFormat::Jpeg => Some(Self::Jpeg),
            ImageFormat::Png => Some(Self::Png),
            ImageFormat::WebP => Some(Self::WebP),
            _ => None,
        }
    }

    /// The kind a media type names (`image/jpeg`, …); `None` for any other.
    pub fn from_media_type(media_type: &str) -> Option<Self> {
        match media_type.trim().to_ascii_lowercase().as_str() {
            "image/jpeg" | "image/jpg" | "image/pjpeg" => Some(Self::Jpeg),
            "image/png" => Some(Self::Png),
            "image/webp" => Some(Self::WebP),
            _ => None,
        }
    }

    /// The kind a file name's extension names; `None` for none or another.
    pub fn from_file_name(name: &str) -> Option<Self> {
        let extension = name.rsplit_once('.')?.1.to_ascii_lowercase();
        match extension.as_str() {
            "jpg" | "jpeg" | "jpe" | "jfif" => Some(Self::Jpeg),
            "png" => Some(Self::Png),
            "webp" => Some(Self::WebP),
            _ => None,
        }
    }

    fn format(self) -> ImageFormat {
        match self {
            Self::Jpeg => ImageFormat::Jpeg,
            Self::Png => ImageFormat::Png,
            Self::WebP => ImageFormat::WebP,
        }
    }
}

/// Why an upload is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// Not JPEG, PNG or WebP (415).
    #[error("only JPEG, PNG and WebP pictures are accepted")]
    Unsupported,
    /// The bytes are one type, the name or the header says another (422).
    #[error("the file is {found}, but it was sent as {declared}")]
    TypeMismatch {
        found: &'static str,
        declared: String,
    },
    /// More pixels than allowed, or a side too long: a decompression bomb, or simply too
    /// big (422).
    #[error(
        "the picture is {width} × {height} pixels; at most {max} pixels and {MAX_SIDE} on a side are accepted"
    )]
    TooManyPixels { width: u32, height: u32, max: u64 },
    /// Cut short, or not decodable (422).
    #[error("the picture is damaged or cut short: {0}")]
    Damaged(String),
    /// Something else rides in the file: data after the picture's end, or markup in its
    /// metadata (422).
    #[error("the file holds more than a picture: {0}")]
    NotOnlyAPicture(String),
}

impl Refusal {
    pub fn code(&self) -> Code {
        match self {
            Self::Unsupported => Code::UnsupportedPicture,
            Self::TypeMismatch { .. } => Code::TypeMismatch,
            Self::TooManyPixels { .. } => Code::TooManyPixels,
            Self::Damaged(_) => Code::DamagedPicture,
            Self::NotOnlyAPicture(_) => Code::NotOnlyAPicture,
        }
    }
}

/// What a caller says of the file it sends: the `Content-Type` and the file name, if any.
#[derive(Debug, Default, Clone)]
pub struct Declared {
    pub media_type: Option<String>,
    pub file_name: Option<String>,
}

/// The rules an upload is processed under.
#[derive(Debug, Clone, Copy)]
pub struct Rules {
    pub max_pixels: u64,
    pub shape: PictureShape,
}

/// One file made from an upload.
#[derive(Debug, Clone)]
pub struct Variant {
    pub width: u32,
    pub height: u32,
    pub content_type: &'static str,
    pub extension: &'static str,
    /// The first 32 hexadecimal digits of the SHA-256 of `bytes`.
    pub hash: String,
    pub bytes: Vec<u8>,
}

/// An upload made safe: its upright size and its variants, smallest first.
#[derive(Debug, Clone)]
pub struct Processed {
    pub width: u32,
    pub height: u32,
    pub variants: Vec<Variant>,
}

/// Checks, decodes and re-encodes `bytes`.
pub fn process(bytes: &[u8], declared: &Declared, rules: Rules) -> Result<Processed, Refusal> {
    let kind = Kind::sniff(bytes).ok_or(Refusal::Unsupported)?;
    check_declared(kind, declared)?;
    check_whole(kind, bytes)?;

    let (width, height) = ImageReader::with_format(Cursor::new(bytes), kind.format())
        .into_dimensions()
        .map_err(|e| Refusal::Damaged(e.to_string()))?;
    let mut reader = ImageReader::with_format(Cursor::new(bytes), kind.format());
    let too_many = || Refusal::TooManyPixels {
        width,
        height,
        max: rules.max_pixels,
    };
    if width == 0 || height == 0 {
        return Err(Refusal::Damaged("no pixels".into()));
    }
    if width > MAX_SIDE
        || height > MAX_SIDE
        || u64::from(width) * u64::from(height) > rules.max_pixels
    {
        return Err(too_many());
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    // Room for the decoded pixels at 16 bits a channel, and the decoder's own buffers.
    limits.max_alloc = Some(rules.max_pixels.saturating_mul(8) + 64 * 1024 * 1024);
    reader.limits(limits);
    let mut decoder = reader
        .into_decoder()
        .map_err(|e| Refusal::Damaged(e.to_string()))?;
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut picture = DynamicImage::from_decoder(decoder).map_err(|e| match e {
        image::ImageError::Limits(_) => too_many(),
        other => Refusal::Damaged(other.to_string()),
    })?;
    picture.apply_orientation(orientation);
    variants(picture, rules.shape)
}

/// The variants of a decoded, upright picture (also the pictures the demo draws).
pub fn variants(mut picture: DynamicImage, shape: PictureShape) -> Result<Processed, Refusal> {
    if shape == PictureShape::Square {
        let side = picture.width().min(picture.height());
        let x = (picture.width() - side) / 2;
        let y = (picture.height() - side) / 2;
        picture = picture.crop_imm(x, y, side, side);
    }
    let transparent = picture.color().has_alpha() && has_transparency(&picture);
    let picture = if transparent {
        DynamicImage::ImageRgba8(picture.into_rgba8())
    } else {
        DynamicImage::ImageRgb8(picture.into_rgb8())
    };

    let (full_width, full_height) = (picture.width(), picture.height());
    let mut widths: Vec<u32> = WIDTHS.iter().copied().filter(|w| *w < full_width).collect();
    if full_width <= WIDTHS[WIDTHS.len() - 1] {
        widths.push(full_width);
    }
    let mut variants = Vec::with_capacity(widths.len() * 2);
    // From the largest down, each made from the one before: fewer pixels to read each time.
    let mut source = picture;
    for width in widths.into_iter().rev() {
        let height = scaled_height(full_width, full_height, width);
        if width != source.width() {
            // Down, always: an area average, in integers of the picture's own pixel type.
            // A filter (Catmull-Rom) kept a floating-point copy of the picture's height
            // scaled once (about 120 MB for a 12-megapixel photo) per upload in hand, and
            // took most of the time; averaging is what a downscale needs anyway.
            source = source.thumbnail_exact(width, height);
        }
        variants.push(encode_webp(&source)?);
        variants.push(if transparent {
            encode_png(&source)?
        } else {
            encode_jpeg(&source)?
        });
    }
    variants.reverse();
    // Smallest first, WebP before its fallback at each width.
    variants.sort_by_key(|v| (v.width, v.content_type != "image/webp"));
    Ok(Processed {
        width: full_width,
        height: full_height,
        variants,
    })
}

fn scaled_height(width: u32, height: u32, to_width: u32) -> u32 {
    let scaled =
        (u64::from(height) * u64::from(to_width) + u64::from(width) / 2) / u64::from(width);
    u32::try_from(scaled.max(1)).unwrap_or(u32::MAX)
}

fn has_transparency(picture: &DynamicImage) -> bool {
    match picture {
        DynamicImage::ImageRgba8(rgba) => rgba.pixels().any(|p| p.0[3] < 255),
        DynamicImage::ImageLumaA8(la) => la.pixels().any(|p| p.0[1] < 255),
        other => other.to_rgba16().pixels().any(|p| p.0[3] < u16::MAX),
    }
}

fn check_declared(kind: Kind, declared: &Declared) -> Result<(), Refusal> {
    let found = match kind {
        Kind::Jpeg => "JPEG",
        Kind::Png => "PNG",
        Kind::WebP => "WebP",
    };
    if let Some(media_type) = declared.media_type.as_deref() {
        let essence = media_type.split(';').next().unwrap_or_default().trim();
        // A generic type says nothing; a specific one must agree with the bytes.
        let generic = essence.is_empty()
            || essence.eq_ignore_ascii_case("application/octet-stream")
            || essence.eq_ignore_ascii_case("image/*");
        if !generic && Kind::from_media_type(essence) != Some(kind) {
            return Err(Refusal::TypeMismatch {
                found,
                declared: essence.to_owned(),
            });
        }
    }
    if let Some(name) = declared.file_name.as_deref()
        && name.contains('.')
        && Kind::from_file_name(name) != Some(kind)
    {
        return Err(Refusal::TypeMismatch {
            found,
            declared: name.rsplit_once('.').map_or("", |(_, e)| e).to_owned(),
        });
    }
    Ok(())
}

/// Markup that has no business in a picture's metadata.
const MARKUP: [&[u8]; 7] = [
    b"<script",
    b"<html",
    b"<svg",
    b"<?php",
    b"<iframe",
    b"<body",
    b"javascript:",
];

fn check_markup(what: &str, data: &[u8]) -> Result<(), Refusal> {
    let lower = data.to_ascii_lowercase();
    for needle in MARKUP {
        if lower.windows(needle.len()).any(|w| w == needle) {
            return Err(Refusal::NotOnlyAPicture(format!(
                "{what} holds {}",
                String::from_utf8_lossy(needle)
            )));
        }
    }
    Ok(())
}

/// Trailing bytes that are only padding (some cameras write zeros after the end).
fn only_padding(rest: &[u8]) -> bool {
    rest.iter().all(|b| *b == 0)
}

fn check_whole(kind: Kind, bytes: &[u8]) -> Result<(), Refusal> {
    let end = match kind {
        Kind::Jpeg => jpeg_end(bytes)?,
        Kind::Png => png_end(bytes)?,
        Kind::WebP => webp_end(bytes)?,
    };
    if !only_padding(&bytes[end..]) {
        return Err(Refusal::NotOnlyAPicture(format!(
            "{} bytes follow the end of the picture",
            bytes.len() - end
        )));
    }
    Ok(())
}

fn cut() -> Refusal {
    Refusal::Damaged("the file ends before the picture does".into())
}

/// Where a JPEG ends: its segments walked from the start of image to the end of image.
fn jpeg_end(b: &[u8]) -> Result<usize, Refusal> {
    let mut i = 2; // after SOI
    loop {
        // Fill bytes before a marker.
        while b.get(i) == Some(&0xFF) && b.get(i + 1) == Some(&0xFF) {
            i += 1;
        }
        let (Some(&0xFF), Some(&marker)) = (b.get(i), b.get(i + 1)) else {
            return Err(if i + 1 >= b.len() {
                cut()
            } else {
                Refusal::Damaged("a JPEG segment does not start with a marker".into())
            });
        };
        i += 2;
        match marker {
            0xD9 => return Ok(i),
            0x01 | 0xD0..=0xD7 => continue,
            _ => {}
        }
        let length = match (b.get(i), b.get(i + 1)) {
            (Some(&hi), Some(&lo)) => usize::from(hi) << 8 | usize::from(lo),
            _ => return Err(cut()),
        };
        if length < 2 {
            return Err(Refusal::Damaged("a JPEG segment has no length".into()));
        }
        let segment = b.get(i + 2..i + length).ok_or_else(cut)?;
        if (0xE0..=0xEF).contains(&marker) || marker == 0xFE {
            check_markup("the JPEG's metadata", segment)?;
        }
        i += length;
        if marker == 0xDA {
            // Entropy-coded data: up to the next marker that is not a stuffed byte or a
            // restart.
            loop {
                match (b.get(i), b.get(i + 1)) {
                    (Some(&0xFF), Some(&next)) if next == 0x00 || (0xD0..=0xD7).contains(&next) => {
                        i += 2;
                    }
                    (Some(&0xFF), Some(&0xFF)) => i += 1,
                    (Some(&0xFF), Some(_)) => break,
                    (Some(_), _) => i += 1,
                    (None, _) => return Err(cut()),
                }
            }
        }
    }
}

/// Where a PNG ends: its chunks walked to `IEND`.
fn png_end(b: &[u8]) -> Result<usize, Refusal> {
    let mut i = 8; // after the signature
    loop {
        let header = b.get(i..i + 8).ok_or_else(cut)?;
        let length = u32::from_be_bytes([header[0], header[1], header[2], header[3]]) as usize;
        let kind = &header[4..8];
        let data = b.get(i + 8..i + 8 + length).ok_or_else(cut)?;
        if b.len() < i + 12 + length {
            return Err(cut());
        }
        if matches!(kind, b"tEXt" | b"zTXt" | b"iTXt" | b"eXIf") {
            check_markup("the PNG's text", data)?;
        }
        i += 12 + length;
        if kind == b"IEND" {
            return Ok(i);
        }
    }
}

/// Where a WebP ends: the RIFF container says its own length.
fn webp_end(b: &[u8]) -> Result<usize, Refusal> {
    let header = b.get(..12).ok_or_else(cut)?;
    let size = u32::from_le_bytes([header[4], header[5], header[6], header[7]]) as usize;
    let end = size + 8;
    if b.len() < end {
        return Err(cut());
    }
    // Its chunks, for markup in the metadata ones (EXIF, XMP).
    let mut i = 12;
    while i + 8 <= end {
        let kind = &b[i..i + 4];
        let length = u32::from_le_bytes([b[i + 4], b[i + 5], b[i + 6], b[i + 7]]) as usize;
        let data = b.get(i + 8..(i + 8 + length).min(end)).ok_or_else(cut)?;
        if matches!(kind, b"EXIF" | b"XMP ") {
            check_markup("the WebP's metadata", data)?;
        }
        i += 8 + length + (length & 1);
    }
    Ok(end)
}

fn finish(
    width: u32,
    height: u32,
    content_type: &'static str,
    extension: &'static str,
    bytes: Vec<u8>,
) -> Variant {
    let hash = hex::encode(Sha256::digest(&bytes))[..32].to_owned();
    Variant {
        width,
        height,
        content_type,
        extension,
        hash,
        bytes,
    }
}

fn failed(e: impl std::fmt::Display) -> Refusal {
    Refusal::Damaged(format!("could not encode: {e}"))
}

fn encode_jpeg(picture: &DynamicImage) -> Result<Variant, Refusal> {
    let mut out = Vec::new();
    let encoder = JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY);
    picture.write_with_encoder(encoder).map_err(failed)?;
    Ok(finish(
        picture.width(),
        picture.height(),
        "image/jpeg",
        "jpg",
        out,
    ))
}

fn encode_png(picture: &DynamicImage) -> Result<Variant, Refusal> {
    let mut out = Vec::new();
    picture
        .write_with_encoder(PngEncoder::new(&mut out))
        .map_err(failed)?;
    Ok(finish(
        picture.width(),
        picture.height(),
        "image/png",
        "png",
        out,
    ))
}

fn encode_webp(picture: &DynamicImage) -> Result<Variant, Refusal> {
    let (width, height) = (picture.width(), picture.height());
    let encoded = match picture {
        DynamicImage::ImageRgba8(rgba) => {
            webp::Encoder::from_rgba(rgba.as_raw(), width, height).encode(WEBP_QUALITY)
        }
        DynamicImage::ImageRgb8(rgb) => {
            webp::Encoder::from_rgb(rgb.as_raw(), width, height).encode(WEBP_QUALITY)
        }
        other => {
            let rgb = other.to_rgb8();
            webp::Encoder::from_rgb(rgb.as_raw(), width, height).encode(WEBP_QUALITY)
        }
    };
    Ok(finish(
        width,
        height,
        "image/webp",
        "webp",
        encoded.to_vec(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{Rgb, RgbImage, Rgba, RgbaImage};

    fn rules() -> Rules {
        Rules {
            max_pixels: 50_000_000,
            shape: PictureShape::Any,
        }
    }

    fn encoded(picture: &DynamicImage, format: ImageFormat) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        picture.write_to(&mut out, format).expect("encodes");
        out.into_inner()
    }

    fn photo(width: u32, height: u32) -> DynamicImage {
        DynamicImage::ImageRgb8(RgbImage::from_fn(width, height, |x, _| {
            if x < width / 2 {
                Rgb([0, 0, 255])
            } else {
                Rgb([255, 200, 0])
            }
        }))
    }

    #[test]
    fn every_width_below_the_original_and_the_original_in_two_formats() {
        let jpeg = encoded(&photo(1200, 800), ImageFormat::Jpeg);
        let done = process(&jpeg, &Declared::default(), rules()).expect("processed");
        let widths: Vec<_> = done
            .variants
            .iter()
            .map(|v| (v.width, v.content_type))
            .collect();
        assert_eq!(
            widths,
            [
                (160, "image/webp"),
                (160, "image/jpeg"),
                (480, "image/webp"),
                (480, "image/jpeg"),
                (1080, "image/webp"),
                (1080, "image/jpeg"),
                (1200, "image/webp"),
                (1200, "image/jpeg"),
            ]
        );
        let small = &done.variants[0];
        assert_eq!(small.height, 107);
        let decoded = image::load_from_memory(&done.variants[1].bytes).expect("a JPEG");
        assert_eq!((decoded.width(), decoded.height()), (160, 107));
        let decoded = image::load_from_memory(&done.variants[0].bytes).expect("a WebP");
        assert_eq!((decoded.width(), decoded.height()), (160, 107));
    }

    #[test]
    fn transparency_is_kept_in_png() {
        let logo = DynamicImage::ImageRgba8(RgbaImage::from_fn(300, 300, |x, _| {
            Rgba([10, 20, 30, if x < 150 { 0 } else { 255 }])
        }));
        let done = process(
            &encoded(&logo, ImageFormat::Png),
            &Declared::default(),
            rules(),
        )
        .unwrap();
        assert!(done.variants.iter().any(|v| v.content_type == "image/png"));
        assert!(done.variants.iter().all(|v| v.content_type != "image/jpeg"));
    }

    #[test]
    fn a_square_is_the_centre() {
        let done = process(
            &encoded(&photo(900, 300), ImageFormat::Png),
            &Declared::default(),
            Rules {
                shape: PictureShape::Square,
                ..rules()
            },
        )
        .unwrap();
        assert_eq!((done.width, done.height), (300, 300));
        assert!(done.variants.iter().all(|v| v.width == v.height));
    }

    #[test]
    fn refusals() {
        let jpeg = encoded(&photo(64, 64), ImageFormat::Jpeg);
        let declared = |t: &str| Declared {
            media_type: Some(t.into()),
            file_name: None,
        };
        assert_eq!(
            process(b"GIF89a....", &Declared::default(), rules()).unwrap_err(),
            Refusal::Unsupported
        );
        assert!(matches!(
            process(&jpeg, &declared("image/png"), rules()),
            Err(Refusal::TypeMismatch { .. })
        ));
        assert!(process(&jpeg, &declared("image/jpeg; charset=x"), rules()).is_ok());
        assert!(matches!(
            process(
                &jpeg,
                &Declared {
                    media_type: None,
                    file_name: Some("a.png".into())
                },
                rules()
            ),
            Err(Refusal::TypeMismatch { .. })
        ));
        let mut zip = jpeg.clone();
        zip.extend_from_slice(b"PK\x03\x04 a zip file");
        assert!(matches!(
            process(&zip, &Declared::default(), rules()),
            Err(Refusal::NotOnlyAPicture(_))
        ));
        let mut padded = jpeg.clone();
        padded.extend_from_slice(&[0, 0, 0]);
        assert!(process(&padded, &Declared::default(), rules()).is_ok());
        assert!(matches!(
            process(&jpeg[..jpeg.len() - 40], &Declared::default(), rules()),
            Err(Refusal::Damaged(_))
        ));
        let big = encoded(&photo(400, 300), ImageFormat::Png);
        assert!(matches!(
            process(
                &big,
                &Declared::default(),
                Rules {
                    max_pixels: 100_000,
                    ..rules()
                }
            ),
            Err(Refusal::TooManyPixels { .. })
        ));
        // A comment segment with a script, right after the start of image.
        let mut scripted = jpeg[..2].to_vec();
        let comment = b"<script>alert(1)</script>";
        scripted.extend_from_slice(&[0xFF, 0xFE, 0, (comment.len() + 2) as u8]);
        scripted.extend_from_slice(comment);
        scripted.extend_from_slice(&jpeg[2..]);
        assert!(matches!(
            process(&scripted, &Declared::default(), rules()),
            Err(Refusal::NotOnlyAPicture(_))
        ));
    }
}
