//! ISO 3166-1 alpha-2 country codes: the list lives in the wire crate, shared with clients.

pub use ensemble_wire::codes::is_country;
