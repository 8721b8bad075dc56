//! Pictures: sent as they are (the server checks, turns upright, strips and resizes them).

use ensemble_wire::Upload;

use super::{ApiClient, ApiError};

impl ApiClient {
    /// Uploads a picture; `square` for a logo or an avatar (cropped to its centre);
    /// `progress` hears the share sent (0 to 1) as it goes.
    pub async fn upload_picture(
        &self,
        file: &web_sys::File,
        square: bool,
        progress: impl Fn(f64) + Clone + 'static,
    ) -> Result<Upload, ApiError> {
        let path = if square {
            "/uploads?shape=square"
        } else {
            "/uploads"
        };
        self.send_file(path, file, progress).await
    }
}
