//! An upload as its owner sees it.

use ensemble_wire::Upload;

impl From<crate::db::uploads::UploadRow> for Upload {
    fn from(row: crate::db::uploads::UploadRow) -> Self {
        let shape = row.shape();
        let picture = crate::media::StoredPicture::from_json(&row.picture).map_or_else(
            || ensemble_wire::Picture {
                id: row.id.clone(),
                width: u32::try_from(row.width).unwrap_or_default(),
                height: u32::try_from(row.height).unwrap_or_default(),
                variants: Vec::new(),
            },
            ensemble_wire::Picture::from,
        );
        Upload {
            id: row.id,
            shape,
            picture,
            bytes: row.bytes,
            created_at: super::utc(row.created_at),
        }
    }
}
