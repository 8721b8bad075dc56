//! Authentication: password hashing, access and refresh tokens, API tokens, the extractors
//! that make a handler's signature its permission check, and rate limiting.

pub mod extract;
pub mod oauth;
pub mod org;
pub mod password;
pub mod rate_limit;
pub mod tokens;

pub use extract::{Auth, MaybeAuth, Read, SessionOnly, Verified, Write};
pub use org::{AtLeastAdmin, AtLeastEditor, CommentModerator, OrgRole, UpdateRole, Verifier};
