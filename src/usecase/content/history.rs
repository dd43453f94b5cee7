//! Reading an item's history: the version list, one version, and the diff of two.

use super::view::{VersionList, VersionSummary, VersionView, utc};
use crate::db::AnyConnection;
use crate::db::content::{items, now, versions};
use crate::domain::content::diff::{self, VersionDiff};
use crate::domain::content::{Document, Kind};
use crate::error::{AppError, AppResult, ErrorCode};

/// Every version, newest first, without their content.
pub fn list(conn: &mut AnyConnection, id: &str) -> AppResult<VersionList> {
    let row = items::get(conn, id)?;
    let p = row.publication().at(now());
    let versions = versions::list(conn, id)?
        .into_iter()
        .map(|v| {
            let title = serde_json::from_str::<serde_json::Value>(&v.content)
                .ok()
                .and_then(|c| c.get("title").and_then(|t| t.as_str()).map(str::to_owned))
                .unwrap_or_default();
            VersionSummary {
                version: v.version,
                author: v.author,
                author_id: v.author_id,
                created_at: utc(v.created_at),
                comment: v.comment,
                title,
            }
        })
        .collect();
    Ok(VersionList {
        item_id: row.id,
        latest_version: row.latest_version,
        published_version: p.published_version,
        versions,
    })
}

/// Version `n`, and the item's latest version (for its ETag).
pub fn get(conn: &mut AnyConnection, id: &str, n: i64) -> AppResult<(VersionView, i64)> {
    let row = items::get(conn, id)?;
    let v = versions::get(conn, id, n)?;
    Ok((VersionView::build(row.kind()?, v)?, row.latest_version))
}

fn document(
    conn: &mut AnyConnection,
    kind: Kind,
    id: &str,
    n: i64,
    field: &str,
) -> AppResult<Document> {
    match versions::get(conn, id, n) {
        Ok(v) => Document::from_json(kind, &v.content),
        Err(AppError::NotFound(_)) => Err(AppError::field(
            field,
            ErrorCode::NotFound,
            "this item has no such version",
        )),
        Err(e) => Err(e),
    }
}

/// What changed from version `from` to version `to`, and the item's latest version.
pub fn diff(
    conn: &mut AnyConnection,
    id: &str,
    from: i64,
    to: i64,
) -> AppResult<(VersionDiff, i64)> {
    let row = items::get(conn, id)?;
    let kind = row.kind()?;
    let a = document(conn, kind, id, from, "from");
    let b = document(conn, kind, id, to, "to");
    let (a, b) = match (a, b) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(AppError::Validation(mut x)), Err(AppError::Validation(y))) => {
            x.extend(y);
            return Err(AppError::Validation(x));
        }
        (Err(e), _) | (_, Err(e)) => return Err(e),
    };
    Ok((diff::diff(from, &a, to, &b), row.latest_version))
}
