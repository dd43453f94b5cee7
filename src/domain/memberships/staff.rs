//! What staff do with a sign-up: change its status or note, erase it. Each write is audited
//! without personal data.

use chrono::Utc;
use serde_json::json;

use super::{MAX_NOTE, Status, within};
use crate::db::audit::{self, Actor};
use crate::db::{AnyConnection, memberships};
use crate::error::{AppResult, FieldError};

/// A change staff make to a record.
#[derive(Debug, Clone, Default)]
pub struct Change {
    pub status: Option<Status>,
    /// `Some(None)` clears the note.
    pub note: Option<Option<String>>,
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

/// Applies a change; audits the status move and whether the note changed (never the note
/// itself, which may hold personal data). `false` when nothing changed.
pub fn change(conn: &mut AnyConnection, actor: &Actor, id: &str, c: &Change) -> AppResult<bool> {
    let current = memberships::find(conn, id)?;
    let status = c
        .status
        .map(Status::as_str)
        .filter(|s| *s != current.status);
    let note = c.note.as_ref().filter(|n| **n != current.note);
    if status.is_none() && note.is_none() {
        return Ok(false);
    }
    memberships::update(
        conn,
        id,
        status,
        note.map(Option::as_deref),
        Utc::now().naive_utc(),
    )?;
    let mut detail = serde_json::Map::new();
    if let Some(s) = status {
        detail.insert("status".into(), json!({"from": current.status, "to": s}));
    }
    if let Some(n) = note {
        detail.insert(
            "note".into(),
            json!(if n.is_some() { "changed" } else { "cleared" }),
        );
    }
    audit::record(
        conn,
        actor,
        "update",
        "membership",
        Some(id),
        &serde_json::Value::Object(detail),
    )?;
    Ok(true)
}

/// Erases a record for good, with every other record of the same e-mail (the same person's
/// repeated sign-ups). The audit log keeps only that these ids were erased. Returns the ids.
pub fn erase(conn: &mut AnyConnection, actor: &Actor, id: &str) -> AppResult<Vec<String>> {
    let record = memberships::find(conn, id)?;
    memberships::overwrite_on_delete(conn)?;
    let ids = memberships::delete_by_email(conn, &record.email)?;
    for erased in &ids {
        audit::record(conn, actor, "erase", "membership", Some(erased), &json!({}))?;
    }
    Ok(ids)
}
