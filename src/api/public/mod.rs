//! The public delivery API: published content only, no authentication, cacheable.

pub mod content;
pub mod cursor;
pub mod feeds;
pub mod site;
pub mod sync;
