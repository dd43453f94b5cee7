//! Content items: kinds and their fields, validation, slugs, Markdown, status, and the
//! rules for saving versions and changing state.

pub mod diff;
pub mod document;
pub mod fields;
pub mod history;
pub mod kind;
pub mod kinds;
pub mod save;
pub mod slug;
pub mod sort;
pub mod state;
pub mod status;
pub mod video;
pub mod view;

pub use document::{Attachment, CreateContent, Document, DocumentInput, UpdateContent};
pub use fields::Fields;
pub use kind::Kind;
pub use sort::Sort;
pub use status::{Publication, Status};

#[cfg(test)]
mod roundtrip_tests;
