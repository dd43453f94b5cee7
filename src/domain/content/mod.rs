//! Content items: kinds and their fields, validation, slugs, the orders of lists, status and
//! the public visibility windows, and the diff of two versions.

pub mod diff;
pub mod document;
pub mod fields;
pub mod kind;
pub mod kinds;
pub mod slug;
pub mod sort;
pub mod status;
pub mod video;

pub use document::{Attachment, Document, DocumentInput};
pub use fields::Fields;
pub use kind::Kind;
pub use sort::Sort;
pub use status::{Publication, Status, Window};

#[cfg(test)]
mod roundtrip_tests;
