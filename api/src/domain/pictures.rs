//! What a valid choice of pictures is: upload ids of the right shape, and an update's
//! photos with their alternative texts. Whether an upload exists, is the chooser's and has
//! the right shape is the storage's to check (`db::uploads::usable`).

use ensemble_wire::{Code, FieldError, NewPhoto};

use super::text::{self, field_error};

/// Photos an update may show.
pub const MAX_PHOTOS: usize = 4;

/// An upload's id, as `POST /uploads` gave it.
pub fn upload_id(field: &str, value: &str) -> Result<String, FieldError> {
    if crate::media::valid_upload_id(value) {
        Ok(value.to_owned())
    } else {
        Err(field_error(
            field,
            Code::NoSuchUpload,
            "not an upload's id (32 hexadecimal digits, as POST /uploads gives it)",
        ))
    }
}

/// A photo chosen for an update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhotoChoice {
    pub upload: String,
    pub alt: String,
}

/// Up to [`MAX_PHOTOS`] photos, each once, each with an alternative text of 1 to 500
/// characters.
pub fn photos(values: &[NewPhoto]) -> Result<Vec<PhotoChoice>, Vec<FieldError>> {
    if values.len() > MAX_PHOTOS {
        return Err(vec![field_error(
            "photos",
            Code::TooMany,
            format!("at most {MAX_PHOTOS} photos"),
        )]);
    }
    let mut errors = text::FieldErrors::default();
    let mut chosen: Vec<PhotoChoice> = Vec::with_capacity(values.len());
    for (i, photo) in values.iter().enumerate() {
        let upload = errors.keep(upload_id(&format!("photos[{i}].upload"), &photo.upload));
        let alt = errors.keep(text::single_line(
            &format!("photos[{i}].alt"),
            &photo.alt,
            1,
            500,
        ));
        if let (Some(upload), Some(alt)) = (upload, alt) {
            if chosen.iter().any(|c| c.upload == upload) {
                errors.push(field_error(
                    &format!("photos[{i}].upload"),
                    Code::InvalidValue,
                    "this photo is already shown",
                ));
            } else {
                chosen.push(PhotoChoice { upload, alt });
            }
        }
    }
    errors.finish(chosen)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn photo(upload: &str, alt: &str) -> NewPhoto {
        NewPhoto {
            upload: upload.into(),
            alt: alt.into(),
        }
    }

    #[test]
    fn photos_need_ids_alt_texts_and_no_repeats() {
        let id = "0123456789abcdef0123456789abcdef";
        assert_eq!(
            photos(&[photo(id, "A new well")]).unwrap()[0].alt,
            "A new well"
        );
        let errors = photos(&[photo("x", " "), photo(id, "a"), photo(id, "b")]).unwrap_err();
        let fields: Vec<_> = errors
            .iter()
            .map(|e| (e.field.as_str(), e.code.as_str()))
            .collect();
        assert_eq!(
            fields,
            [
                ("photos[0].upload", "no_such_upload"),
                ("photos[0].alt", "required"),
                ("photos[2].upload", "invalid_value"),
            ]
        );
        assert_eq!(
            photos(&vec![photo(id, "a"); 5]).unwrap_err()[0].code,
            "too_many"
        );
    }
}
