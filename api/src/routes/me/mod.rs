//! `/me/…`: what belongs to the signed-in person: their profile and account, sessions and
//! API tokens, what they follow, their invitations, notifications, and the data export.
//! (Their feed and donations are with the updates and the donations.)

pub mod blocks;
pub mod email;
pub mod export;
pub mod following;
pub mod mail;
pub mod notifications;
pub mod profile;
pub mod sessions;
pub mod tokens;
