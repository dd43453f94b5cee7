//! Two processes on one data folder: on SQLite the second server refuses to start (and
//! `migrate` with it) while `user add` and `backup` work beside the running one; on
//! PostgreSQL both run, and neither removes the upload the other is receiving.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use reqwest::blocking::{Body, Client};

use crate::process::{
    BOUNDARY, GatedBody, ServerProcess, file_bytes, multipart, oa_cms, oa_cms_within,
};
use crate::support::PgDatabase;

/// An upload sent halfway; the sender lets it finish (`send`) or cuts it off (drop).
fn upload_halfway(
    server: &ServerProcess,
    token: &str,
    seed: u64,
) -> (JoinHandle<reqwest::Result<u16>>, mpsc::Sender<()>) {
    let body = multipart("bijlage.bin", &file_bytes(seed, 400_000));
    let (go, gate) = mpsc::channel();
    let (url, token) = (server.url("/api/v1/admin/files"), token.to_owned());
    let handle = std::thread::spawn(move || {
        Client::new()
            .post(url)
            .bearer_auth(token)
            .header(
                "content-type",
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .body(Body::new(GatedBody {
                first: body[..body.len() / 2].to_vec(),
                rest: body[body.len() / 2..].to_vec(),
                gate: Some(gate),
            }))
            .send()
            .map(|r| r.status().as_u16())
    });
    (handle, go)
}

/// The upload temp files in the data folder, waiting until there are `n` holding bytes.
fn temp_files(data: &Path, n: usize) -> Vec<PathBuf> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let files: Vec<PathBuf> = std::fs::read_dir(data.join("files/tmp"))
            .map(|d| d.map(|e| e.unwrap().path()).collect())
            .unwrap_or_default();
        let written = files
            .iter()
            .filter(|f| f.metadata().is_ok_and(|m| m.len() > 0))
            .count();
        if written >= n {
            return files;
        }
        assert!(Instant::now() < deadline, "no upload arrived: {files:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn file_name(path: &Path) -> String {
    path.file_name().unwrap().to_string_lossy().into_owned()
}

#[test]
fn a_second_server_on_one_sqlite_data_folder_refuses_to_start() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data_arg = data.to_str().unwrap();
    let mut first = ServerProcess::start(&data, &[]);
    let token = first.admin_token();
    let (upload, go) = upload_halfway(&first, &token, 31);
    let receiving = temp_files(&data, 1);
    assert_eq!(receiving.len(), 1);
    assert!(
        file_name(&receiving[0]).starts_with(&format!("{}-", first.pid())),
        "the temp file is named for its process: {receiving:?}"
    );

    let second = oa_cms_within(
        &["serve", "--bind", "127.0.0.1:0", "--data-dir", data_arg],
        Duration::from_secs(30),
    );
    let err = String::from_utf8_lossy(&second.stderr);
    assert_eq!(second.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&format!(
            "is in use by another oa-cms process (pid {})",
            first.pid()
        )) && err.contains("PostgreSQL"),
        "{err}"
    );
    let migrate = oa_cms_within(
        &["migrate", "--data-dir", data_arg],
        Duration::from_secs(30),
    );
    let err = String::from_utf8_lossy(&migrate.stderr);
    assert_eq!(migrate.status.code(), Some(1), "{err}");
    assert!(
        err.contains("in use") && err.contains("stop it first"),
        "{err}"
    );
    // What works beside a running server does.
    let user = oa_cms(&[
        "user",
        "add",
        "--email",
        "naast@school.example",
        "--role",
        "read",
        "--data-dir",
        data_arg,
    ]);
    assert!(user.status.success(), "{user:?}");
    let backup = dir.path().join("backup");
    let out = oa_cms(&["backup", backup.to_str().unwrap(), "--data-dir", data_arg]);
    assert!(out.status.success(), "{out:?}");
    let out = oa_cms(&["restore", backup.to_str().unwrap(), "--data-dir", data_arg]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");

    // The upload the first server is receiving was left alone and completes.
    assert!(receiving[0].exists());
    go.send(()).unwrap();
    assert_eq!(upload.join().unwrap().ok(), Some(201));

    // A server that crashes mid-upload holds nothing: the next one starts and removes
    // what the crashed one left.
    let (cut, gate) = upload_halfway(&first, &token, 32);
    let left = temp_files(&data, 1);
    first.kill();
    drop(gate);
    assert!(cut.join().unwrap().is_err());
    let mut next = ServerProcess::start(&data, &[]);
    assert!(left.iter().all(|f| !f.exists()), "{left:?}");
    next.stop(Duration::from_secs(30));
}

#[test]
fn servers_sharing_a_files_folder_on_postgres_keep_each_other_s_uploads() {
    let Some(pg) = PgDatabase::create() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let db = ["--database-url", pg.url.as_str()];
    let mut first = ServerProcess::start(&data, &db);
    let token = first.admin_token();
    let (upload, go) = upload_halfway(&first, &token, 33);
    let receiving = temp_files(&data, 1);

    // Another server starts and stops on the same folder: both times it sweeps.
    let mut other = ServerProcess::start(&data, &db);
    other.stop(Duration::from_secs(30));
    assert!(receiving[0].exists(), "the other server removed the upload");
    go.send(()).unwrap();
    assert_eq!(upload.join().unwrap().ok(), Some(201));
    first.stop(Duration::from_secs(30));
}
