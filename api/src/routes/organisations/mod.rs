//! `/organisations`: the directory that finds them (`directory`), and each one's profile
//! (`profile`). Their teams are in `routes::teams`, their verification in
//! `routes::verification`.

pub mod directory;
pub mod profile;
