//! Validated types and the rules of the product, free of HTTP.

pub mod content;
pub mod credentials;
pub mod cursor;
pub mod files;
pub mod markdown;
pub mod memberships;
pub mod search;
pub mod users;
