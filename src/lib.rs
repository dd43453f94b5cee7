//! The Onderwijs Alliantie CMS: content with versions, files, memberships, and the public
//! delivery API, on SQLite or PostgreSQL.

pub mod admin;
pub mod api;
pub mod auth;
pub mod cli;
pub mod config;
pub mod db;
pub mod demo;
pub mod domain;
pub mod error;
pub mod jobs;
pub mod ops;
pub mod startup;
pub mod state;
pub mod storage;
pub mod telemetry;
pub mod usecase;
