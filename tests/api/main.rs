//! Integration tests: the real application called in-process (a few over a real port or as
//! the real binary), on SQLite and on PostgreSQL.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::too_many_lines,
    clippy::many_single_char_names,
    clippy::similar_names,
    clippy::unnecessary_wraps
)]

mod builders;
mod builders_check;
mod content_fixtures;
mod process;
mod receiver;
mod support;

mod admin_ui;
mod auth;
mod cli;
mod content;
mod demo;
mod error_codes;
mod feeds;
mod files;
mod hardening;
mod memberships;
mod openapi_contract;
mod ops;
mod ops_backup;
mod ops_data_dir;
mod ops_process;
mod ops_restore;
mod ops_shutdown;
mod parsing;
mod platform;
mod preview;
mod public;
mod roles;
mod shapes;
mod site;
mod sync;
mod transport;
mod webhooks;
