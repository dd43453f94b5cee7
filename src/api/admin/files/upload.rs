//! `POST /admin/files`: a multipart upload streamed to disk, hashed on the way, stored once
//! per distinct content.

use actix_multipart::{Field, Multipart, MultipartError};
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, post, web};
use futures_util::StreamExt;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::auth::{Auth, policy::Content};
use crate::domain::files::{FileRecord, parse_label};
use crate::error::{AppError, AppResult, ErrorCode, Problem};
use crate::state::AppState;
use crate::storage::upload::UploadError;
use crate::storage::{Staged, Upload, sanitize_filename};
use crate::usecase::files::register_upload;

/// Room for the multipart framing and the label beside the file itself.
const FORM_OVERHEAD: u64 = 64 * 1024;
const MAX_LABEL_BYTES: usize = 4 * 1024;

/// The multipart form.
#[derive(Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct UploadForm {
    /// The file; its part's `filename` becomes the (sanitised) name it is served under.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    /// A caption for the media library and for attachments (at most 200 characters).
    label: Option<String>,
}

fn is_form_data(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<mime::Mime>().ok())
        .is_some_and(|m| m.type_() == mime::MULTIPART && m.subtype() == mime::FORM_DATA)
}

fn too_large(limit: u64) -> AppError {
    AppError::PayloadTooLarge(format!("The file is larger than {limit} bytes."))
}

fn multipart_error(e: MultipartError) -> AppError {
    match e {
        MultipartError::Payload(_) | MultipartError::Incomplete => {
            AppError::BadRequest("The upload ended before it was complete.".into())
        }
        _ => AppError::BadRequest("The body is not valid multipart/form-data.".into()),
    }
}

/// The name the client gave the part, preferring RFC 8187's `filename*`.
fn part_filename(field: &Field) -> String {
    let Some(cd) = field.content_disposition() else {
        return String::new();
    };
    if let Some(ext) = cd.get_filename_ext() {
        return String::from_utf8_lossy(&ext.value).into_owned();
    }
    cd.get_filename().unwrap_or_default().to_owned()
}

async fn read_label(field: &mut Field) -> AppResult<Option<String>> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.next().await {
        let chunk = chunk.map_err(multipart_error)?;
        if bytes.len() + chunk.len() > MAX_LABEL_BYTES {
            return Err(AppError::field(
                "label",
                ErrorCode::TooLong,
                "must be at most 200 characters",
            ));
        }
        bytes.extend_from_slice(&chunk);
    }
    let text = String::from_utf8(bytes)
        .map_err(|_| AppError::field("label", ErrorCode::InvalidFormat, "must be UTF-8"))?;
    parse_label(&text).map_err(|e| AppError::Validation(vec![e]))
}

async fn stream_file(field: &mut Field, upload: &mut Upload, limit: u64) -> AppResult<()> {
    while let Some(chunk) = field.next().await {
        let chunk = chunk.map_err(multipart_error)?;
        upload.write(&chunk).await.map_err(|e| match e {
            UploadError::TooLarge(_) => too_large(limit),
            UploadError::Io(e) => AppError::from(e),
        })?;
    }
    Ok(())
}

/// Reads the form: the file streamed to a staged temp file, the label in memory.
async fn read_form(
    state: &AppState,
    mut form: Multipart,
) -> AppResult<(Staged, String, Option<String>)> {
    let limit = state.config.upload_limit;
    let mut file: Option<(Upload, String)> = None;
    let mut label = None;
    while let Some(field) = form.next().await {
        let mut field = field.map_err(multipart_error)?;
        let name = field.name().unwrap_or_default().to_owned();
        match name.as_str() {
            "file" if file.is_some() => {
                return Err(AppError::field(
                    "file",
                    ErrorCode::Duplicate,
                    "must be given once",
                ));
            }
            "file" => {
                let raw_name = part_filename(&field);
                let mut upload = Upload::create(&crate::api::files::storage(state), limit).await?;
                stream_file(&mut field, &mut upload, limit).await?;
                file = Some((upload, raw_name));
            }
            "label" => label = read_label(&mut field).await?,
            other => {
                return Err(AppError::field(
                    if other.is_empty() { "body" } else { other },
                    ErrorCode::UnknownField,
                    "is not a known part; send `file` and optionally `label`",
                ));
            }
        }
    }
    let Some((upload, raw_name)) = file else {
        return Err(AppError::field("file", ErrorCode::Required, "is required"));
    };
    if upload.size() == 0 {
        return Err(AppError::field(
            "file",
            ErrorCode::Required,
            "must not be empty",
        ));
    }
    Ok((upload.finish().await?, raw_name, label))
}

/// Upload a file
#[utoipa::path(
    operation_id = "uploadFile",
    tag = "files",
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "Stored as a new file; `Location` names it", body = FileRecord),
        (status = 200, description = "A file with exactly these bytes exists already: nothing new is \
            stored and the existing record is returned (its name and label unchanged)", body = FileRecord),
        (status = 400, description = "The body is not multipart or ended early", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not upload", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The file is larger than the configured upload limit", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not multipart/form-data", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`file` missing, empty or repeated; `label` invalid; an unknown part", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("session" = []))
)]
#[post("/admin/files")]
pub async fn create(
    state: web::Data<AppState>,
    staff: Auth<Content>,
    req: HttpRequest,
    payload: web::Payload,
) -> AppResult<HttpResponse> {
    if !is_form_data(&req) {
        return Err(AppError::UnsupportedMediaType(
            "The body must be multipart/form-data with a `file` part.".into(),
        ));
    }
    let limit = state.config.upload_limit;
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit.saturating_add(FORM_OVERHEAD)) {
        return Err(too_large(limit));
    }
    let form = Multipart::new(req.headers(), payload.into_inner());
    let (staged, raw_name, label) = read_form(&state, form).await?;
    let storage = crate::api::files::storage(&state);
    let actor = staff.actor();
    let filename = sanitize_filename(&raw_name, staged.extension.as_deref());
    let (record, created) = state
        .db
        .tx(move |c| register_upload(c, &storage, &actor, &staged, filename, label))
        .await?;
    let record = FileRecord::from(record);
    if created {
        Ok(HttpResponse::Created()
            .insert_header((
                header::LOCATION,
                format!("/api/v1/admin/files/{}", record.id),
            ))
            .json(record))
    } else {
        Ok(HttpResponse::Ok()
            .insert_header((
                header::CONTENT_LOCATION,
                format!("/api/v1/admin/files/{}", record.id),
            ))
            .json(record))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_form_data_is_multipart() {
        let req = actix_web::test::TestRequest::default()
            .insert_header((header::CONTENT_TYPE, "multipart/form-data; boundary=x"))
            .to_http_request();
        assert!(is_form_data(&req));
        let req = actix_web::test::TestRequest::default()
            .insert_header((header::CONTENT_TYPE, "application/json"))
            .to_http_request();
        assert!(!is_form_data(&req));
    }
}
