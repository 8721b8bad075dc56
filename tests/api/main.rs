//! Black-box tests: each starts the real server on a free port with a fresh database
//! (a temporary SQLite file, or a new PostgreSQL database when `TEST_DATABASE_URL` is a
//! postgres URL) and talks HTTP to it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod helpers;
mod smtp;

mod accounts;
mod auth;
mod causes;
mod cli;
mod discovery;
mod donations;
mod errors;
mod fake_provider;
mod fake_stripe;
mod feed;
mod follows;
mod health;
mod http;
mod invitations;
mod mail;
mod me;
mod moderation;
mod oauth;
mod openapi;
mod organisations;
mod pictures;
mod safety;
mod storage;
mod stripe;
mod teams;
mod trust;
mod updates;
mod verification;
mod webapp;
