//! A page of a list.

use serde::{Deserialize, Serialize};

/// One page of a keyset-paginated list. Pass `next_cursor` back as `?cursor=` to get the
/// next page; it is `null` on the last page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Opaque; absent (null) when there is nothing more.
    pub next_cursor: Option<String>,
}
