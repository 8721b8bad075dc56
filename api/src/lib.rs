//! Ensemble's server: a JSON REST API to find, follow and support charitable organisations,
//! on SQLite or PostgreSQL, serving the web app too.
//!
//! Start at [`startup::Application`]; handlers are in [`routes`], rules in [`domain`],
//! storage in [`db`], the error type in [`error`].

pub mod auth;
pub mod client_ip;
pub mod config;
pub mod context;
pub mod convert;
pub mod db;
pub mod domain;
pub mod error;
pub mod extract;
pub mod jobs;
pub mod mail;
pub mod media;
pub mod metrics;
pub mod middleware;
pub mod openapi;
pub mod payments;
pub mod routes;
pub mod secrets;
pub mod startup;
pub mod telemetry;
pub mod webapp;
