//! The admin API (`/api/v1/admin/...`): staff only, access checked by the `Auth` extractor.

pub mod audit;
pub mod content;
pub mod files;
pub mod memberships;
pub mod preview;
pub mod tokens;
pub mod users;
pub mod webhooks;
