//! The one error type of the service and its `application/problem+json` answer (RFC 9457).

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

/// What is wrong with a field, as a stable machine code: clients show their own text for
/// it (the admin UI in Dutch); `message` says the same in English and may be reworded.
#[derive(Debug, Clone, Copy, Serialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// Missing or empty, but needed.
    Required,
    /// Shorter than allowed.
    TooShort,
    /// Longer than allowed (characters or bytes).
    TooLong,
    /// A list with more entries than allowed.
    TooMany,
    /// A number, version or count outside its allowed range.
    OutOfRange,
    /// Not one of the allowed values.
    InvalidChoice,
    /// Not of the right shape or type: a date, an e-mail address, a URL, a slug, JSON.
    InvalidFormat,
    /// A field, parameter or part the request may not have.
    UnknownField,
    /// Given more than once, or an entry that appears twice.
    Duplicate,
    /// Not the id of an uploaded file (or its file was deleted).
    UnknownFile,
    /// Not the id of a content item.
    UnknownItem,
    /// A content item of another kind than this field takes.
    WrongKind,
    /// Refers to the item itself, directly or through its parents.
    SelfReference,
    /// Something that does not exist, such as a version of this item.
    NotFound,
    /// Already used by another record (a slug, an e-mail address).
    Taken,
    /// Still used elsewhere, so it cannot go.
    InUse,
    /// Valid on its own, but not allowed here (a rule of the service).
    NotAllowed,
}

/// One field that failed validation.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct FieldError {
    /// The field, as a path into the request: `title`, `fields.url`, `tags[3]`.
    pub field: String,
    /// What is wrong with it, as a stable code.
    pub code: ErrorCode,
    /// What is wrong with it, in plain English words.
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            code,
            message: message.into(),
        }
    }
}

/// The body of every error answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub type_: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    #[serde(default)]
    pub errors: Vec<FieldError>,
    /// Extra members, e.g. `current_version` on a 412.
    #[serde(flatten, skip_serializing_if = "serde_json::Map::is_empty")]
    #[schema(value_type = Object)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    BadRequest(String),
    /// A 400 naming the query parameters that are wrong in a way no value of theirs can be
    /// (a NUL character).
    #[error("one or more query parameters are invalid")]
    BadParameters(Vec<FieldError>),
    #[error("{0}")]
    UriTooLong(String),
    #[error("authentication required")]
    Unauthorized,
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("{detail}")]
    Conflict {
        detail: String,
        errors: Vec<FieldError>,
    },
    #[error("{detail}")]
    PreconditionFailed {
        detail: String,
        extra: serde_json::Map<String, serde_json::Value>,
    },
    #[error("{0}")]
    RangeNotSatisfiable(u64),
    #[error("{0}")]
    PayloadTooLarge(String),
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    #[error("If-Match is required for this request")]
    PreconditionRequired,
    #[error("too many requests")]
    TooManyRequests { retry_after_secs: u64 },
    #[error("{0}")]
    Unavailable(String),
    /// Anything unexpected: logged in full, answered with a generic sentence.
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    pub fn internal(e: impl std::fmt::Display) -> Self {
        Self::Internal(e.to_string())
    }

    /// One field error as a 422.
    pub fn field(field: impl Into<String>, code: ErrorCode, message: impl Into<String>) -> Self {
        Self::Validation(vec![FieldError::new(field, code, message)])
    }

    pub fn not_found(what: impl Into<String>) -> Self {
        Self::NotFound(what.into())
    }

    pub fn conflict(field: &str, code: ErrorCode, detail: impl Into<String>) -> Self {
        let detail = detail.into();
        Self::Conflict {
            errors: vec![FieldError::new(field, code, detail.clone())],
            detail,
        }
    }

    fn title(&self) -> &'static str {
        match self {
            Self::BadRequest(_) | Self::BadParameters(_) => "Bad request",
            Self::UriTooLong(_) => "URI too long",
            Self::Unauthorized => "Unauthorized",
            Self::Forbidden(_) => "Forbidden",
            Self::NotFound(_) => "Not found",
            Self::MethodNotAllowed => "Method not allowed",
            Self::Conflict { .. } => "Conflict",
            Self::PreconditionFailed { .. } => "Precondition failed",
            Self::RangeNotSatisfiable(_) => "Range not satisfiable",
            Self::PayloadTooLarge(_) => "Payload too large",
            Self::UnsupportedMediaType(_) => "Unsupported media type",
            Self::Validation(_) => "Validation failed",
            Self::PreconditionRequired => "Precondition required",
            Self::TooManyRequests { .. } => "Too many requests",
            Self::Unavailable(_) => "Service unavailable",
            Self::Internal(_) => "Internal server error",
        }
    }

    fn slug(&self) -> &'static str {
        match self {
            Self::BadRequest(_) | Self::BadParameters(_) => "bad-request",
            Self::UriTooLong(_) => "uri-too-long",
            Self::Unauthorized => "unauthorized",
            Self::Forbidden(_) => "forbidden",
            Self::NotFound(_) => "not-found",
            Self::MethodNotAllowed => "method-not-allowed",
            Self::Conflict { .. } => "conflict",
            Self::PreconditionFailed { .. } => "precondition-failed",
            Self::RangeNotSatisfiable(_) => "range-not-satisfiable",
            Self::PayloadTooLarge(_) => "payload-too-large",
            Self::UnsupportedMediaType(_) => "unsupported-media-type",
            Self::Validation(_) => "validation",
            Self::PreconditionRequired => "precondition-required",
            Self::TooManyRequests { .. } => "too-many-requests",
            Self::Unavailable(_) => "unavailable",
            Self::Internal(_) => "internal",
        }
    }

    pub fn problem(&self) -> Problem {
        let status = self.status_code();
        let mut extra = serde_json::Map::new();
        let (detail, errors) = match self {
            Self::Validation(errors) => {
                ("One or more fields are invalid.".to_owned(), errors.clone())
            }
            Self::Conflict { detail, errors } => (detail.clone(), errors.clone()),
            Self::BadParameters(errors) => (
                "One or more query parameters are invalid.".to_owned(),
                errors.clone(),
            ),
            Self::PreconditionFailed { detail, extra: x } => {
                extra.clone_from(x);
                (detail.clone(), Vec::new())
            }
            Self::RangeNotSatisfiable(size) => (
                format!("The requested range lies outside the file's {size} bytes."),
                Vec::new(),
            ),
            Self::TooManyRequests { retry_after_secs } => (
                format!("Too many requests; try again in {retry_after_secs} seconds."),
                Vec::new(),
            ),
            Self::Internal(_) => {
                let id = crate::telemetry::current_request_id();
                tracing::error!(error_id = %id, error = %self, "internal error");
                extra.insert("error_id".into(), serde_json::Value::String(id.clone()));
                (
                    format!("Something went wrong on our side (error id {id})."),
                    Vec::new(),
                )
            }
            other => (other.to_string(), Vec::new()),
        };
        Problem {
            type_: format!("https://onderwijsalliantie.nl/problems/{}", self.slug()),
            title: self.title().to_owned(),
            status: status.as_u16(),
            detail,
            errors,
            extra,
        }
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::BadRequest(_) | Self::BadParameters(_) => StatusCode::BAD_REQUEST,
            Self::UriTooLong(_) => StatusCode::URI_TOO_LONG,
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::Conflict { .. } => StatusCode::CONFLICT,
            Self::PreconditionFailed { .. } => StatusCode::PRECONDITION_FAILED,
            Self::RangeNotSatisfiable(_) => StatusCode::RANGE_NOT_SATISFIABLE,
            Self::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::PreconditionRequired => StatusCode::PRECONDITION_REQUIRED,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let problem = self.problem();
        let mut resp = HttpResponse::build(self.status_code());
        resp.content_type("application/problem+json");
        match self {
            Self::TooManyRequests { retry_after_secs } => {
                resp.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
            }
            Self::RangeNotSatisfiable(size) => {
                resp.insert_header(header::ContentRange(header::ContentRangeSpec::Bytes {
                    range: None,
                    instance_length: Some(*size),
                }));
            }
            Self::Unauthorized => {
                resp.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
            }
            _ => {}
        }
        resp.json(problem)
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match e {
            Error::NotFound => Self::NotFound("The record does not exist.".into()),
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => Self::Conflict {
                detail: "A record with the same unique value exists already.".into(),
                errors: info
                    .column_name()
                    .map(|c| vec![FieldError::new(c, ErrorCode::Taken, "is already taken")])
                    .unwrap_or_default(),
            },
            Error::DatabaseError(DatabaseErrorKind::ClosedConnection, _) => {
                Self::Unavailable("The database is unavailable.".into())
            }
            other => Self::Internal(format!("database: {other}")),
        }
    }
}

impl From<diesel::r2d2::PoolError> for AppError {
    fn from(e: diesel::r2d2::PoolError) -> Self {
        tracing::warn!(error = %e, "database pool: no connection");
        Self::Unavailable("The database is unavailable.".into())
    }
}

impl From<actix_web::error::BlockingError> for AppError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        Self::Internal(format!("blocking task: {e}"))
    }
}

impl From<std::io::Error> for AppError {
    fn from(e: std::io::Error) -> Self {
        Self::Internal(format!("io: {e}"))
    }
}

impl From<serde_json::Error> for AppError {
    fn from(e: serde_json::Error) -> Self {
        Self::Internal(format!("json: {e}"))
    }
}

pub type AppResult<T> = Result<T, AppError>;
