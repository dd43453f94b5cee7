//! The media library: upload, list, read, fetch and delete files.

pub mod content;
pub mod delete;
pub mod list;
pub mod read;
pub mod upload;

use crate::db::AnyConnection;
use crate::db::files::{self, FileRow};
use crate::error::{AppError, AppResult};

/// The file with this path id; a non-UUID or unknown id is a 404.
pub(crate) fn find(conn: &mut AnyConnection, raw_id: &str) -> AppResult<FileRow> {
    let not_found = || AppError::not_found("No such file.");
    let id = crate::api::files::canonical_id(raw_id).ok_or_else(not_found)?;
    files::find(conn, &id)?.ok_or_else(not_found)
}
