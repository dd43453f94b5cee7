//! What staff may change on a sign-up: its status and note.

use super::{MAX_NOTE, Status, within};
use crate::error::{ErrorCode, FieldError};

/// A change staff make to a record.
#[derive(Debug, Clone, Default)]
pub struct Change {
    pub status: Option<Status>,
    /// `Some(None)` clears the note.
    pub note: Option<Option<String>>,
}

/// A record's strong ETag: `"<id>:<version>"`, the form content items use. `If-Match` is
/// compared with it as a whole string, so only the exact value a read handed out matches.
pub fn etag(id: &str, version: i64) -> String {
    format!("\"{id}:{version}\"")
}

/// Checks a staff change: the status one of the known ones, the note within its length.
pub fn check_change(
    status: Option<&str>,
    note: Option<Option<&str>>,
) -> Result<Change, Vec<FieldError>> {
    let mut errors = Vec::new();
    let status = status.and_then(|s| {
        let parsed = Status::parse(s);
        if parsed.is_none() {
            errors.push(FieldError::new(
                "status",
                ErrorCode::InvalidChoice,
                format!("must be one of: {}", Status::choices()),
            ));
        }
        parsed
    });
    let note = note.map(|n| {
        let n = n.map(str::trim).filter(|n| !n.is_empty());
        if let Some(text) = n {
            within(text, "note", MAX_NOTE, true, &mut errors);
        }
        n.map(str::to_owned)
    });
    if errors.is_empty() {
        Ok(Change { status, note })
    } else {
        Err(errors)
    }
}
