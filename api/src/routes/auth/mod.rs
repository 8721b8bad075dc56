//! `/auth/…`: signing up and in with a password (`sign_in`), and with a provider
//! (`oauth`). The rules themselves are in `crate::auth`.

pub mod oauth;
pub mod sign_in;
