//! Staff handling of sign-ups: list, read, change, erase, export.

pub mod erase;
pub mod export;
pub mod list;
pub mod read;
pub mod update;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::api::conditional;
use crate::db::memberships::{Filter, Membership};
use crate::domain::cursor;
use crate::domain::memberships::{MemberRole, Sector, Status, etag};
use crate::error::{AppError, AppResult, ErrorCode, FieldError};

/// A sign-up as staff see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct MembershipOut {
    #[schema(format = Uuid)]
    pub id: String,
    pub name: String,
    pub email: String,
    pub organisation: Option<String>,
    #[schema(value_type = Sector)]
    pub sector: String,
    #[schema(value_type = MemberRole)]
    pub role: String,
    pub contribution: String,
    /// Always true: a sign-up without consent is never stored.
    pub consent: bool,
    pub consent_at: DateTime<Utc>,
    /// The version of the consent text agreed to.
    pub consent_version: String,
    #[schema(value_type = Status)]
    pub status: String,
    pub note: Option<String>,
    /// The first record with the same e-mail, when this is a repeated sign-up.
    #[schema(format = Uuid)]
    pub duplicate_of: Option<String>,
    /// How many other records have the same e-mail.
    pub duplicates: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Raised by every change; the record's `ETag` is `"<id>:<version>"`, which `PATCH` and
    /// `DELETE` need back in `If-Match`.
    pub version: i64,
}

impl MembershipOut {
    /// `same_email`: how many records (this one included) have its e-mail.
    pub fn new(m: Membership, same_email: i64) -> Self {
        Self {
            id: m.id,
            name: m.name,
            email: m.email,
            organisation: m.organisation,
            sector: m.sector,
            role: m.role,
            contribution: m.contribution,
            consent: true,
            consent_at: m.consent_at.and_utc(),
            consent_version: m.consent_version,
            status: m.status,
            note: m.note,
            duplicate_of: m.duplicate_of,
            duplicates: (same_email - 1).max(0),
            created_at: m.created_at.and_utc(),
            updated_at: m.updated_at.and_utc(),
            version: m.version,
        }
    }

    /// The record's strong ETag.
    pub fn etag(&self) -> String {
        etag(&self.id, self.version)
    }
}

/// The strong ETags the request's `If-Match` lists, as sent (quoted): 428 without the
/// header. A weak tag, `*` or a malformed value lists none, which the write answers with
/// 412, as for content items.
pub fn if_match(req: &HttpRequest) -> AppResult<Vec<String>> {
    let tags = conditional::if_match(req).ok_or(AppError::PreconditionRequired)?;
    Ok(tags.iter().map(ToString::to_string).collect())
}

/// An answer carrying the record and its ETag.
pub fn membership_response(m: &MembershipOut) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::ETAG, m.etag()))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(m)
}

/// The filters of the list and the export. Values are read as text and checked in
/// [`MembershipQuery::into_filter`], so that every bad one is named.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MembershipQuery {
    /// `new`, `approved` or `rejected`.
    #[param(value_type = Option<Status>)]
    pub status: Option<String>,
    #[param(value_type = Option<MemberRole>)]
    pub role: Option<String>,
    #[param(value_type = Option<Sector>)]
    pub sector: Option<String>,
    /// Part of the name, e-mail or organisation, ignoring case.
    pub q: Option<String>,
}

/// Paging of the list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Records per page.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100, default = 20)]
    pub limit: Option<String>,
}

pub const MAX_Q: usize = 200;

impl MembershipQuery {
    /// The filter, naming each bad value in `errors`.
    pub fn into_filter(self, errors: &mut Vec<FieldError>) -> Filter {
        let text = |v: Option<String>| v.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        let mut check = |k: &str, v: Option<String>, ok: fn(&str) -> bool, choices: String| {
            text(v).filter(|v| {
                ok(v) || {
                    errors.push(FieldError::new(
                        k,
                        ErrorCode::InvalidChoice,
                        format!("must be one of: {choices}"),
                    ));
                    false
                }
            })
        };
        let status = check(
            "status",
            self.status,
            |v| Status::parse(v).is_some(),
            Status::choices(),
        );
        let role = check(
            "role",
            self.role,
            |v| MemberRole::parse(v).is_some(),
            MemberRole::choices(),
        );
        let sector = check(
            "sector",
            self.sector,
            |v| Sector::parse(v).is_some(),
            Sector::choices(),
        );
        let q = text(self.q);
        if q.as_ref().is_some_and(|q| q.chars().count() > MAX_Q) {
            errors.push(FieldError::new(
                "q",
                ErrorCode::TooLong,
                format!("must be at most {MAX_Q} characters"),
            ));
        }
        Filter {
            status,
            role,
            sector,
            q,
        }
    }
}

/// What a cursor of the sign-up list holds: the list's name and the last record's id.
const CURSOR_LIST: &str = "memberships";

pub fn encode_cursor(id: &str) -> String {
    cursor::encode(&(CURSOR_LIST, id))
}

/// The record id in a cursor of ours; 400 for anything else.
pub fn decode_cursor(text: &str) -> Result<String, AppError> {
    let not_ours = || AppError::BadRequest("The cursor is not one this API handed out.".into());
    match cursor::decode::<(String, uuid::Uuid)>(text) {
        Some((list, id)) if list == CURSOR_LIST => Ok(id.hyphenated().to_string()),
        _ => Err(not_ours()),
    }
}
