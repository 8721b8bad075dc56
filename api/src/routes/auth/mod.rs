//! `/auth/…`: signing up and in with a password (`sign_in`), with a provider (`oauth`),
//! and the links sent by mail (`email`: proving an address, resetting a password). The rules themselves are in `crate::auth`.

pub mod email;
pub mod oauth;
pub mod sign_in;
