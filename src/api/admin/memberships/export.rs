//! `GET /admin/memberships/export.csv`: the filtered sign-ups as a spreadsheet file.

use std::collections::HashMap;

use actix_web::http::header::ContentDisposition;
use actix_web::{HttpResponse, get, web};
use serde::Deserialize;
use strum::VariantArray;
use utoipa::IntoParams;

use super::MembershipQuery;
use crate::api::extract::{OtherParams, unknown_params, words_schema};
use crate::auth::{Auth, policy::Members};
use crate::db::memberships::{self as db, Membership};
use crate::domain::memberships::spreadsheet_safe;
use crate::error::{AppError, AppResult, ErrorCode, FieldError, Problem};
use crate::state::AppState;

/// The byte-order mark that makes spreadsheet programs read the file as UTF-8.
const BOM: &[u8] = "\u{feff}".as_bytes();

const HEADER: [&str; 14] = [
    "id",
    "created_at",
    "status",
    "name",
    "email",
    "organisation",
    "sector",
    "role",
    "contribution",
    "consent_at",
    "consent_version",
    "duplicate_of",
    "duplicates",
    "note",
];

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    #[param(schema_with = delimiters)]
    pub delimiter: Option<String>,
}

fn delimiters() -> utoipa::openapi::schema::Object {
    let mut schema = words_schema(
        Delimiter::VARIANTS
            .iter()
            .map(|d| -> &'static str { d.into() }),
    );
    schema.description = Some(
        "The field separator: `semicolon` (the default, which spreadsheet programs in Dutch \
         settings split into columns), `comma` or `tab`."
            .into(),
    );
    schema
}

/// The field separator of the export.
#[derive(Debug, Clone, Copy, strum::EnumString, strum::IntoStaticStr, strum::VariantArray)]
#[strum(serialize_all = "lowercase")]
pub enum Delimiter {
    Semicolon,
    Comma,
    Tab,
}

impl Delimiter {
    fn byte(self) -> u8 {
        match self {
            Self::Semicolon => b';',
            Self::Comma => b',',
            Self::Tab => b'\t',
        }
    }
}

/// The export's query: the filters, the delimiter and anything else (refused by name).
#[derive(Deserialize)]
pub struct ExportParams {
    #[serde(flatten)]
    filters: MembershipQuery,
    #[serde(flatten)]
    export: ExportQuery,
    #[serde(flatten)]
    other: OtherParams,
}

fn time(t: chrono::NaiveDateTime) -> String {
    t.and_utc()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Writes the rows as CSV; cells people typed are defused against formula injection.
pub fn write_csv<S: std::hash::BuildHasher>(
    rows: &[Membership],
    counts: &HashMap<String, i64, S>,
    delimiter: u8,
) -> AppResult<Vec<u8>> {
    let mut w = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .terminator(csv::Terminator::CRLF)
        .from_writer(BOM.to_vec());
    let err = |e: csv::Error| AppError::internal(format!("csv: {e}"));
    w.write_record(HEADER).map_err(err)?;
    for m in rows {
        let duplicates = (counts.get(&m.email).copied().unwrap_or(1) - 1).max(0);
        w.write_record([
            m.id.as_str(),
            &time(m.created_at),
            &m.status,
            &spreadsheet_safe(&m.name),
            &spreadsheet_safe(&m.email),
            &spreadsheet_safe(m.organisation.as_deref().unwrap_or("")),
            &m.sector,
            &m.role,
            &spreadsheet_safe(&m.contribution),
            &time(m.consent_at),
            &m.consent_version,
            m.duplicate_of.as_deref().unwrap_or(""),
            &duplicates.to_string(),
            &spreadsheet_safe(m.note.as_deref().unwrap_or("")),
        ])
        .map_err(err)?;
    }
    w.into_inner()
        .map_err(|e| AppError::internal(format!("csv: {e}")))
}

/// Export membership sign-ups as CSV
#[utoipa::path(
    operation_id = "exportMemberships",
    tag = "memberships",
    params(MembershipQuery, ExportQuery),
    responses(
        (status = 200, description = "UTF-8 CSV with a byte-order mark and a header row, oldest first; fields separated by semicolons unless `delimiter` says otherwise",
            content_type = "text/csv", body = String),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not see members", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A bad filter, named", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("session" = []))
)]
#[get("/admin/memberships/export.csv")]
pub async fn export(
    state: web::Data<AppState>,
    _staff: Auth<Members>,
    query: web::Query<ExportParams>,
) -> AppResult<HttpResponse> {
    let ExportParams {
        filters,
        export,
        other,
    } = query.into_inner();
    let mut errors = Vec::new();
    unknown_params(&other, &mut errors);
    let filter = filters.into_filter(&mut errors);
    let delimiter = match export.delimiter.as_deref().map(str::trim) {
        None | Some("") => Delimiter::Semicolon.byte(),
        Some(d) => {
            if let Ok(d) = d.parse::<Delimiter>() {
                d.byte()
            } else {
                errors.push(FieldError::new(
                    "delimiter",
                    ErrorCode::InvalidChoice,
                    "must be one of: semicolon, comma, tab",
                ));
                Delimiter::Semicolon.byte()
            }
        }
    };
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let body = state
        .db
        .run(move |c| {
            let rows = db::all(c, &filter)?;
            let mut emails: Vec<String> = rows.iter().map(|m| m.email.clone()).collect();
            emails.sort();
            emails.dedup();
            let mut counts = HashMap::new();
            // In chunks, to stay under the backends' limits on bound parameters.
            for chunk in emails.chunks(500) {
                counts.extend(db::email_counts(c, chunk)?);
            }
            write_csv(&rows, &counts, delimiter)
        })
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(ContentDisposition::attachment("aanmeldingen.csv"))
        .insert_header(("Cache-Control", "no-store"))
        .body(body))
}
