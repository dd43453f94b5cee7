//! Preview links: a signed, expiring token that shows one version of an item, drafts
//! included, in exactly the public shape, with the files that version uses. The token holds
//! everything (item, version, expiry); the signing key is kept in the database, so every
//! process accepts the tokens of every other.

use chrono::{DateTime, NaiveDateTime};

use super::public_item::{self, PublicItem, Showing, shown_at};
use crate::db::content::{ItemRow, items, versions};
use crate::db::files::{self, FileRow};
use crate::db::{self, AnyConnection, settings};
use crate::domain::content::{Document, Kind};
use crate::domain::files::path_segment;
use crate::domain::preview::{self, Ticket};
use crate::domain::site;
use crate::error::{AppError, AppResult, ErrorCode, FieldError};

/// A preview link as handed out.
#[derive(Debug, Clone)]
pub struct Issued {
    pub token: String,
    pub expires_at: NaiveDateTime,
    /// Where the website shows the preview, when `--preview-url-template` is set.
    pub site_url: Option<String>,
}

/// The signing key, made on first use and shared by every process.
fn key(conn: &mut AnyConnection) -> AppResult<String> {
    settings::get_or_init(conn, preview::KEY_SETTING, preview::new_key)
}

/// What a preview link is asked for: a version (default: the latest) and how many seconds
/// it lasts (default: an hour).
#[derive(Debug, Clone, Copy, Default)]
pub struct Ask {
    pub version: Option<i64>,
    pub expires_in: Option<i64>,
}

/// A preview link to a version of item `id`. 404 for no such item, 409 for an archived
/// one, 422 naming `version` for a version the item does not have and `expires_in` for a
/// lifetime out of range.
pub fn issue(
    conn: &mut AnyConnection,
    id: &str,
    ask: Ask,
    site_template: Option<&str>,
    now: NaiveDateTime,
) -> AppResult<Issued> {
    let row = items::get(conn, id)?;
    if row.archived_at.is_some() {
        return Err(AppError::Conflict {
            detail: "The item is archived; unarchive it to preview it.".into(),
            errors: Vec::new(),
        });
    }
    let mut errors = Vec::new();
    let version = ask.version.unwrap_or(row.latest_version);
    if !(1..=row.latest_version).contains(&version) {
        errors.push(FieldError::new(
            "version",
            ErrorCode::OutOfRange,
            format!(
                "the item has versions 1 to {}, not {version}",
                row.latest_version
            ),
        ));
    }
    let lifetime = preview::lifetime(ask.expires_in)
        .map_err(|m| errors.push(FieldError::new("expires_in", ErrorCode::OutOfRange, m)))
        .unwrap_or_default();
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let kind = row.kind()?;
    let doc = Document::from_json(kind, &versions::get(conn, id, version)?.content)?;
    // The token carries whole seconds: rounded up, so a link lasts at least what was asked.
    let until = (now + lifetime).and_utc();
    let expires_at = DateTime::from_timestamp(
        until.timestamp() + i64::from(until.timestamp_subsec_nanos() > 0),
        0,
    )
    .ok_or_else(|| AppError::internal("a preview link's expiry is out of range"))?
    .naive_utc();
    let ticket = Ticket {
        item_id: row.id.clone(),
        version,
        expires_at,
    };
    let token = preview::sign(&key(conn)?, &ticket)
        .ok_or_else(|| AppError::internal("a stored item id is not a UUID"))?;
    Ok(Issued {
        site_url: site_template.map(|t| site::preview_url(t, &token, kind, &doc.slug, &row.id)),
        token,
        expires_at,
    })
}

/// The API path of a preview.
pub fn api_path(token: &str) -> String {
    format!("/api/v1/preview/{token}")
}

/// What a token shows: its item (not archived) and version, checked at `now`.
struct Opened {
    row: ItemRow,
    kind: Kind,
    ticket: Ticket,
    created_at: NaiveDateTime,
    doc: Document,
}

/// Every way a preview link can fail answers the same 404: not ours, altered, expired, or
/// its item archived since.
fn gone() -> AppError {
    AppError::not_found("This preview link is unknown or has expired.")
}

fn open(conn: &mut AnyConnection, token: &str, now: NaiveDateTime) -> AppResult<Opened> {
    // Without a key no token was ever made: nothing to check, and nothing to store.
    let key = settings::get(conn, preview::KEY_SETTING)?.ok_or_else(gone)?;
    let ticket = preview::check(&key, token, now).ok_or_else(gone)?;
    let row = items::find(conn, &ticket.item_id)?
        .filter(|r| r.archived_at.is_none())
        .ok_or_else(gone)?;
    let kind = row.kind()?;
    let version = match versions::get(conn, &row.id, ticket.version) {
        Err(AppError::NotFound(_)) => return Err(gone()),
        other => other?,
    };
    let doc = Document::from_json(kind, &version.content)?;
    Ok(Opened {
        row,
        kind,
        ticket,
        created_at: version.created_at,
        doc,
    })
}

/// The version a token shows, as the public would see it published now: the items it
/// refers to as the public sees them now, its files under the preview's own addresses.
/// `published_at` is the item's first publication when it is public now, else the
/// version's creation; `updated_at` is the version's creation.
pub fn show(conn: &mut AnyConnection, token: &str, now: NaiveDateTime) -> AppResult<PublicItem> {
    let o = open(conn, token, now)?;
    let mut files = files::public_record(conn, &o.doc.file_ids())?;
    for f in files.values_mut() {
        f.url = format!(
            "{}/files/{}/{}",
            api_path(token),
            f.id,
            path_segment(&f.filename)
        );
    }
    let template = settings::public_url_template(conn)?;
    let shown = shown_at(
        &db::public::target_rows(conn, &o.doc.item_ids())?,
        now,
        &template,
    )?;
    let published_at = db::public::first_published(conn, &o.row.id, now)?;
    let showing = Showing {
        item_id: &o.row.id,
        kind: o.kind,
        doc: &o.doc,
        version: o.ticket.version,
        published_at: published_at.unwrap_or(o.created_at),
        updated_at: o.created_at,
    };
    public_item::build(&showing, &files, &shown, &template)
}

/// File `file_id`, named `filename`, when the version a token shows uses it.
pub fn file(
    conn: &mut AnyConnection,
    token: &str,
    file_id: &str,
    filename: &str,
    now: NaiveDateTime,
) -> AppResult<FileRow> {
    let o = open(conn, token, now)?;
    let no_file = || AppError::not_found("This preview shows no such file.");
    if !o.doc.file_ids().iter().any(|id| id == file_id) {
        return Err(no_file());
    }
    files::find(conn, file_id)?
        .filter(|f| f.filename == filename)
        .ok_or_else(no_file)
}
