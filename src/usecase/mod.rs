//! The use cases: what a request or a job does (save, publish, sign up, register an upload,
//! erase, ...), each over `db` and `storage` with the rules of `domain`, free of HTTP.

pub mod answers;
pub mod content;
pub mod feeds;
pub mod files;
pub mod memberships;
pub mod preview;
pub mod public_docs;
pub mod public_item;
pub mod sessions;
pub mod site;
pub mod sync;
pub mod tokens;
pub mod users;
pub mod webhooks;
