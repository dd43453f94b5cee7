//! Public file downloads and the blob sending shared with the admin API.

pub mod download;
pub mod send;

use crate::state::AppState;
use crate::storage::Storage;

/// The blob store of the configured data directory.
pub fn storage(state: &AppState) -> Storage {
    Storage::new(state.config.files_dir())
}

/// A path id in its canonical form, or `None` when it is not a UUID (answered as 404).
pub fn canonical_id(raw: &str) -> Option<String> {
    uuid::Uuid::try_parse(raw)
        .ok()
        .map(|u| u.hyphenated().to_string())
        .filter(|id| id == raw)
}
