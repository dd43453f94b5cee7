//! Integration tests: the real server over HTTP, on SQLite and on PostgreSQL.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::too_many_lines,
    clippy::many_single_char_names,
    clippy::similar_names,
    clippy::unnecessary_wraps
)]

mod content_fixtures;
mod process;
mod support;

mod admin_ui;
mod auth;
mod cli;
mod content;
mod demo;
mod files;
mod memberships;
mod openapi_contract;
mod ops;
mod ops_backup;
mod ops_process;
mod ops_shutdown;
mod parsing;
mod platform;
mod public;
mod roles;
