//! One upload streaming to a temp file: hashed and counted as it goes, capped at a limit,
//! and removed again unless it is placed as a blob.

use std::io;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

use super::Storage;
use super::sniff::{self, HEAD_LEN, TextCheck};

#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    #[error("the upload is larger than {0} bytes")]
    TooLarge(u64),
    #[error("io: {0}")]
    Io(#[from] io::Error),
}

/// An upload in progress. Dropping it (an error, a client gone mid-stream) removes the
/// temp file.
pub struct Upload {
    path: PathBuf,
    file: tokio::fs::File,
    hasher: Sha256,
    size: u64,
    limit: u64,
    head: Vec<u8>,
    text: TextCheck,
}

impl Upload {
    pub async fn create(storage: &Storage, limit: u64) -> io::Result<Self> {
        let dir = storage.tmp_dir();
        tokio::fs::create_dir_all(&dir).await?;
        let path = dir.join(format!(
            "{}.{}.part",
            super::upload_tmp_tag(),
            uuid::Uuid::new_v4().simple()
        ));
        let file = tokio::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .await?;
        Ok(Self {
            path,
            file,
            hasher: Sha256::new(),
            size: 0,
            limit,
            head: Vec::new(),
            text: TextCheck::default(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    /// Appends a chunk; past the limit it fails before writing anything more.
    pub async fn write(&mut self, chunk: &[u8]) -> Result<(), UploadError> {
        let len = u64::try_from(chunk.len()).map_err(|_| UploadError::TooLarge(self.limit))?;
        if self.size.saturating_add(len) > self.limit {
            return Err(UploadError::TooLarge(self.limit));
        }
        self.file.write_all(chunk).await?;
        self.hasher.update(chunk);
        self.text.feed(chunk);
        if self.head.len() < HEAD_LEN {
            let take = (HEAD_LEN - self.head.len()).min(chunk.len());
            self.head.extend_from_slice(&chunk[..take]);
        }
        self.size += len;
        Ok(())
    }

    /// Flushes and syncs the bytes to disk and says what they are.
    pub async fn finish(mut self) -> io::Result<Staged> {
        self.file.flush().await?;
        self.file.sync_all().await?;
        let hasher = std::mem::take(&mut self.hasher);
        let content_type = sniff::content_type(&self.head, self.text.is_text());
        let extension = infer::get(&self.head).map(|k| k.extension().to_owned());
        // The temp file now belongs to `Staged`; this `Upload` must not remove it.
        let path = std::mem::take(&mut self.path);
        Ok(Staged {
            path,
            sha256: hex::encode(hasher.finalize()),
            size: self.size,
            content_type,
            extension,
        })
    }
}

impl Drop for Upload {
    fn drop(&mut self) {
        if !self.path.as_os_str().is_empty() {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// A complete upload, synced to disk, not yet a blob. Dropping it removes the temp file
/// unless [`Storage::place`] moved it.
#[derive(Debug)]
pub struct Staged {
    path: PathBuf,
    pub sha256: String,
    pub size: u64,
    pub content_type: String,
    /// The usual file extension of the sniffed type, when it has one.
    pub extension: Option<String>,
}

impl Staged {
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        match std::fs::remove_file(&self.path) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => {
                tracing::warn!(error = %e, "could not remove a staged upload");
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[actix_web::test]
    async fn hashes_caps_and_cleans_up() {
        let dir = tempfile::tempdir().unwrap();
        let storage = Storage::new(dir.path().join("files"));
        let mut up = Upload::create(&storage, 10).await.unwrap();
        up.write(b"hello ").await.unwrap();
        let tmp = up.path().to_path_buf();
        assert!(tmp.exists());
        let name = tmp.file_name().unwrap().to_str().unwrap();
        assert!(
            name.starts_with(&format!("{}-", std::process::id())),
            "{name}"
        );
        assert!(crate::storage::is_upload_tmp_of(
            name,
            crate::storage::upload_tmp_tag()
        ));
        assert!(matches!(
            up.write(b"world").await,
            Err(UploadError::TooLarge(10))
        ));
        drop(up);
        assert!(!tmp.exists(), "a failed upload leaves no temp file");

        let mut up = Upload::create(&storage, 100).await.unwrap();
        up.write(b"hello ").await.unwrap();
        up.write(b"world").await.unwrap();
        let staged = up.finish().await.unwrap();
        assert_eq!(staged.size, 11);
        assert_eq!(
            staged.sha256,
            "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9"
        );
        assert_eq!(staged.content_type, "text/plain");
        storage.place(&staged).unwrap();
        let blob = storage.blob_path(&staged.sha256).unwrap();
        drop(staged);
        assert_eq!(std::fs::read(blob).unwrap(), b"hello world");
        assert_eq!(std::fs::read_dir(storage.tmp_dir()).unwrap().count(), 0);
    }
}
