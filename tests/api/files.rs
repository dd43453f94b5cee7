//! Files: uploads, the media library and public downloads.

mod download;
mod library;
mod upload;

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::support::Method;
use crate::support::{Form, Part};
use rand::RngCore;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::support::{Resp, TestApp, send};

/// The start of a real PDF.
pub const PDF: &[u8] = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n";
/// A 1x1 PNG.
pub const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\xf8\x0f\0\0\x01\x01\0\x05\x18\xd8N\0\0\0\0IEND\xaeB`\x82";

pub fn random_bytes(len: usize) -> Vec<u8> {
    let mut v = vec![0u8; len];
    rand::thread_rng().fill_bytes(&mut v);
    v
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// A PDF that differs from every other one made here.
pub fn unique_pdf() -> Vec<u8> {
    let mut v = PDF.to_vec();
    v.extend_from_slice(format!("% {}\n", uuid::Uuid::new_v4()).as_bytes());
    v
}

/// Uploads `bytes` as part `file` named `name`, as the test's admin.
pub async fn upload(app: &TestApp, name: &str, bytes: &[u8], label: Option<&str>) -> Resp {
    upload_as(app, &app.admin_token, name, bytes, label).await
}

pub async fn upload_as(
    app: &TestApp,
    token: &str,
    name: &str,
    bytes: &[u8],
    label: Option<&str>,
) -> Resp {
    let mut form = Form::new().part(
        "file",
        Part::bytes(bytes.to_vec())
            .file_name(name.to_owned())
            .mime_str("application/octet-stream")
            .unwrap(),
    );
    if let Some(l) = label {
        form = form.text("label", l.to_owned());
    }
    send(
        app.request(Method::POST, "/api/v1/admin/files")
            .bearer_auth(token)
            .multipart(form),
    )
    .await
}

/// Uploads and returns the new record.
pub async fn uploaded(app: &TestApp, name: &str, bytes: &[u8]) -> Value {
    upload(app, name, bytes, None).await.expect(201).json()
}

pub fn files_dir(app: &TestApp) -> PathBuf {
    app.dir.path().join("files")
}

/// Every blob on disk (outside `tmp/`).
pub fn blobs(app: &TestApp) -> Vec<PathBuf> {
    let root = files_dir(app);
    let Ok(dirs) = std::fs::read_dir(&root) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for dir in dirs.flatten() {
        if dir.file_name() == "tmp" || !dir.path().is_dir() {
            continue;
        }
        for f in std::fs::read_dir(dir.path()).unwrap().flatten() {
            out.push(f.path());
        }
    }
    out
}

/// Everything in `files/tmp/`.
pub fn temp_files(app: &TestApp) -> Vec<PathBuf> {
    list(&files_dir(app).join("tmp"))
}

fn list(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default()
}

/// Waits up to 10 s for `cond`.
pub async fn eventually(what: &str, mut cond: impl FnMut() -> bool) {
    for _ in 0..200 {
        if cond() {
            return;
        }
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("timed out waiting for: {what}");
}

/// The number of files the admin list reports.
pub async fn file_count(app: &TestApp) -> i64 {
    app.admin_get("/api/v1/admin/files")
        .await
        .expect(200)
        .json()["total"]
        .as_i64()
        .unwrap()
}
