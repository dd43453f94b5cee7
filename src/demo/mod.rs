//! The demo: the alliance's own content, loaded once into an empty database by `serve --demo`.

pub mod fixtures;
pub mod pdf;
