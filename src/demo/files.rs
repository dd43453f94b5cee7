//! The demo's PDF documents: generated, staged like an upload, and registered in the media
//! library through the functions `POST /admin/files` uses.

use std::collections::HashMap;

use super::fixtures::{DOCUMENTS, DocKey};
use super::pdf;
use crate::db::AnyConnection;
use crate::db::audit::Actor;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::storage::upload::UploadError;
use crate::storage::{Staged, Storage, Upload, sanitize_filename};
use crate::usecase::files::register_upload;

/// A generated document, written to a temp file and hashed; not yet in the library.
pub struct StagedDocument {
    key: DocKey,
    filename: String,
    label: String,
    staged: Staged,
}

/// Makes each PDF and stages it as `POST /admin/files` stages an upload.
pub async fn stage(state: &AppState) -> AppResult<Vec<StagedDocument>> {
    let storage = crate::api::files::storage(state);
    let mut out = Vec::with_capacity(DOCUMENTS.len());
    for doc in DOCUMENTS {
        let bytes =
            actix_web::web::block(move || pdf::document(doc.title, doc.subtitle, &(doc.text)()))
                .await??;
        let mut upload = Upload::create(&storage, state.config.upload_limit).await?;
        upload.write(&bytes).await.map_err(|e| match e {
            UploadError::TooLarge(limit) => AppError::internal(format!(
                "the demo document {} is larger than the upload limit of {limit} bytes",
                doc.filename
            )),
            UploadError::Io(e) => AppError::from(e),
        })?;
        let staged = upload.finish().await?;
        out.push(StagedDocument {
            key: doc.key,
            filename: sanitize_filename(doc.filename, staged.extension.as_deref()),
            label: doc.title.to_owned(),
            staged,
        });
    }
    Ok(out)
}

/// Adds the staged documents to the media library; returns each one's file id.
pub fn register(
    conn: &mut AnyConnection,
    storage: &Storage,
    actor: &Actor,
    docs: &[StagedDocument],
) -> AppResult<HashMap<DocKey, String>> {
    let mut ids = HashMap::with_capacity(docs.len());
    for d in docs {
        let (row, _) = register_upload(
            conn,
            storage,
            actor,
            &d.staged,
            d.filename.clone(),
            Some(d.label.clone()),
        )?;
        ids.insert(d.key, row.id);
    }
    Ok(ids)
}
