//! Content items: kinds and their fields, validation, slugs, status and the diff of
//! two versions.

pub mod diff;
pub mod document;
pub mod fields;
pub mod kind;
pub mod kinds;
pub mod slug;
pub mod sort;
pub mod status;
pub mod video;

pub use document::{Attachment, CreateContent, Document, DocumentInput, UpdateContent};
pub use fields::Fields;
pub use kind::Kind;
pub use sort::Sort;
pub use status::{Publication, Status, Window};

#[cfg(test)]
mod roundtrip_tests;
