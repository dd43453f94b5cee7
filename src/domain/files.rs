//! Files as the APIs show them: the admin record, its uses, the public record, and the
//! rules for labels and list filters.

use chrono::{DateTime, Utc};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::cursor;
use crate::error::{ErrorCode, FieldError};

pub const MAX_LABEL_CHARS: usize = 200;
pub const DEFAULT_LIMIT: i64 = 20;
pub const MAX_LIMIT: i64 = 100;

/// RFC 3986 unreserved characters stay; everything else in a path segment is encoded.
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The name as one URL path segment.
pub fn path_segment(filename: &str) -> String {
    utf8_percent_encode(filename, PATH_SEGMENT).to_string()
}

/// The public address of a file: `/api/v1/files/{id}/{filename}`, the name URL-encoded.
pub fn public_url(id: &str, filename: &str) -> String {
    format!("/api/v1/files/{id}/{}", path_segment(filename))
}

/// A file in the media library, as the admin API shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FileRecord {
    #[schema(format = Uuid)]
    pub id: String,
    /// The sanitised name the file is served under.
    pub filename: String,
    /// Sniffed from the bytes, never taken from the name or the client.
    pub content_type: String,
    /// Bytes.
    pub size: i64,
    /// SHA-256 of the bytes, lowercase hex; also the public `ETag`.
    pub sha256: String,
    pub label: Option<String>,
    pub created_at: DateTime<Utc>,
    /// The public address; it answers only while a published version uses the file.
    pub url: String,
    /// The bytes through the admin API, published or not.
    pub content_url: String,
}

/// One content item that uses a file, in any of its versions.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FileUse {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(value_type = crate::domain::content::Kind)]
    pub kind: String,
    pub slug: String,
    pub title: String,
    /// Archived items do not keep a file from being deleted.
    pub archived: bool,
    /// The item's versions that use the file, ascending.
    pub versions: Vec<i64>,
}

/// A file with the items that use it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FileDetail {
    #[serde(flatten)]
    pub file: FileRecord,
    /// Whether the public address serves it now (a published version uses it).
    pub public: bool,
    pub used_by: Vec<FileUse>,
}

/// A page of the media library, newest first.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FileList {
    pub items: Vec<FileRecord>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    #[schema(required = true)]
    pub next_cursor: Option<String>,
    /// How many files match the filters, over all pages.
    pub total: i64,
}

/// A file as the public API shows it beside the id that refers to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct PublicFile {
    #[schema(format = Uuid)]
    pub id: String,
    pub label: Option<String>,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    /// `/api/v1/files/{id}/{filename}`
    pub url: String,
}

/// What the media library's list filters on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeFilter {
    /// `image` matches `image/png`, `image/jpeg`, …
    Major(String),
    /// `application/pdf` matches itself.
    Exact(String),
}

#[derive(Debug, Clone, Default)]
pub struct FileFilter {
    pub content_type: Option<TypeFilter>,
    /// Case-insensitive, in the filename or the label.
    pub q: Option<String>,
    /// Files older than this id (ids are time-ordered UUIDv7).
    pub before_id: Option<String>,
    pub limit: i64,
}

/// A label: trimmed, empty means none, at most 200 characters, no control characters.
pub fn parse_label(raw: &str) -> Result<Option<String>, FieldError> {
    let label = raw.trim();
    if label.chars().any(char::is_control) {
        return Err(FieldError::new(
            "label",
            ErrorCode::InvalidFormat,
            "must not contain control characters",
        ));
    }
    if label.chars().count() > MAX_LABEL_CHARS {
        return Err(FieldError::new(
            "label",
            ErrorCode::TooLong,
            format!("must be at most {MAX_LABEL_CHARS} characters"),
        ));
    }
    Ok((!label.is_empty()).then(|| label.to_owned()))
}

/// What a cursor of the file list holds: the list's name and the last file's id.
const CURSOR_LIST: &str = "files";

/// The opaque cursor after a file.
pub fn encode_cursor(last_id: &str) -> String {
    cursor::encode(&(CURSOR_LIST, last_id))
}

/// The last file's id in a cursor of the file list; `None` for anything else.
pub fn decode_cursor(text: &str) -> Option<String> {
    let (list, id): (String, uuid::Uuid) = cursor::decode(text)?;
    (list == CURSOR_LIST).then(|| id.hyphenated().to_string())
}

fn valid_token(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 100
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"+-.".contains(&b))
}

/// A `type` filter: a major type (`image`) or a full media type (`application/pdf`), any
/// case.
pub fn parse_type_filter(value: &str) -> Result<TypeFilter, FieldError> {
    let lower = value.trim().to_ascii_lowercase();
    match lower.split_once('/') {
        None if valid_token(&lower) => Ok(TypeFilter::Major(lower)),
        Some((major, minor)) if valid_token(major) && valid_token(minor) => {
            Ok(TypeFilter::Exact(lower))
        }
        _ => Err(FieldError::new(
            "type",
            ErrorCode::InvalidFormat,
            "must be a media type such as `application/pdf` or a major type such as `image`",
        )),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn path_segments() {
        assert_eq!(path_segment("Reünie 2026.pdf"), "Re%C3%BCnie%202026.pdf");
        assert_eq!(path_segment("a+b,(c)&'.pdf"), "a%2Bb%2C%28c%29%26%27.pdf");
    }

    use super::*;

    #[test]
    fn type_filters_and_cursors() {
        assert_eq!(
            parse_type_filter("Image").unwrap(),
            TypeFilter::Major("image".into())
        );
        assert_eq!(
            parse_type_filter("application/pdf").unwrap(),
            TypeFilter::Exact("application/pdf".into())
        );
        assert!(parse_type_filter("im%ge").is_err());
        assert!(parse_type_filter("a/b/c").is_err());
        assert_eq!(decode_cursor("bm9wZQ"), None);
        let id = uuid::Uuid::now_v7().to_string();
        assert_eq!(decode_cursor(&encode_cursor(&id)), Some(id));
    }

    #[test]
    fn labels() {
        assert_eq!(
            parse_label("  Manifest  ").unwrap().as_deref(),
            Some("Manifest")
        );
        assert_eq!(parse_label("   ").unwrap(), None);
        assert!(parse_label("a\u{7}b").is_err());
        assert!(parse_label(&"x".repeat(201)).is_err());
    }
}
