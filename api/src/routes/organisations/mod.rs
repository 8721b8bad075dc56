//! `/organisations/…`: the directory that finds them (`directory`), each one's profile
//! (`profile`), its team (`team`), its verification (`verification`) and its followers
//! (`follows`). Invitations to a team are in `routes::invitations`, updates in
//! `routes::updates`, donations in `routes::donations`.

pub mod bans;
pub mod directory;
pub mod follows;
pub mod profile;
pub mod team;
pub mod verification;
