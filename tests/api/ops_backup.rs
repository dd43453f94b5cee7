//! A backup taken from the real binary while writers keep saving and uploading, restored
//! into a fresh data folder: everything acknowledged before the backup began is there,
//! byte-exact.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::blocking::Client;
use serde_json::{Value, json};

use crate::process::{BOUNDARY, ServerProcess, file_bytes, multipart, oa_cms};

#[derive(Debug, Clone)]
enum Record {
    Version { id: String, n: u64, title: String },
    User { id: String, email: String },
    File { id: String, bytes: Vec<u8> },
}

#[derive(Debug, Clone)]
struct Ack {
    at: Instant,
    record: Record,
}

type Acks = Arc<Mutex<Vec<Ack>>>;
type Writer = fn(String, String, Arc<AtomicBool>, Acks);

#[track_caller]
fn expect(r: reqwest::blocking::Response, status: u16) -> reqwest::blocking::Response {
    if r.status() != status {
        let got = r.status();
        panic!(
            "expected {status}, got {got}: {}",
            r.text().unwrap_or_default()
        );
    }
    r
}

fn as_put(item: &Value, title: &str) -> Value {
    let mut out = crate::content::as_put(item);
    out["title"] = json!(title);
    out
}

/// Creates pages and saves new versions of them until told to stop.
fn content_writer(base: String, token: String, writer: u32, stop: Arc<AtomicBool>, acks: Acks) {
    let client = Client::new();
    let mut current: Option<(String, String, u64, Value)> = None;
    let mut k = 0;
    while !stop.load(Ordering::SeqCst) {
        k += 1;
        let title = format!("Pagina {writer}-{k}");
        let (resp, id) = match current.take() {
            Some((id, etag, n, item)) if n < 3 => {
                let r = client
                    .put(format!("{base}/api/v1/admin/content/{id}"))
                    .bearer_auth(&token)
                    .header("if-match", etag)
                    .json(&as_put(&item, &title))
                    .send()
                    .unwrap();
                (expect(r, 200), id)
            }
            _ => {
                let r = client
                    .post(format!("{base}/api/v1/admin/content"))
                    .bearer_auth(&token)
                    .json(&json!({"kind": "page", "title": title, "fields": {"position": k}}))
                    .send()
                    .unwrap();
                (expect(r, 201), String::new())
            }
        };
        let etag = resp.headers()["etag"].to_str().unwrap().to_owned();
        let item: Value = resp.json().unwrap();
        let at = Instant::now();
        let id = if id.is_empty() {
            item["id"].as_str().unwrap().to_owned()
        } else {
            id
        };
        let n = etag
            .trim_matches('"')
            .rsplit(':')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        acks.lock().unwrap().push(Ack {
            at,
            record: Record::Version {
                id: id.clone(),
                n,
                title,
            },
        });
        current = Some((id, etag, n, item));
    }
}

/// Adds staff users until told to stop.
fn user_writer(base: String, token: String, stop: Arc<AtomicBool>, acks: Acks) {
    let client = Client::new();
    let mut k = 0;
    while !stop.load(Ordering::SeqCst) {
        k += 1;
        let email = format!("redacteur{k}@backup.example");
        let r = client
            .post(format!("{base}/api/v1/admin/users"))
            .bearer_auth(&token)
            .json(&json!({"email": email, "password": "een lang genoeg wachtwoord", "role": "editor"}))
            .send()
            .unwrap();
        let v: Value = expect(r, 201).json().unwrap();
        acks.lock().unwrap().push(Ack {
            at: Instant::now(),
            record: Record::User {
                id: v["id"].as_str().unwrap().to_owned(),
                email,
            },
        });
    }
}

/// Uploads files of a few hundred kilobytes until told to stop.
fn file_writer(base: String, token: String, stop: Arc<AtomicBool>, acks: Acks) {
    let client = Client::new();
    let mut k = 0;
    while !stop.load(Ordering::SeqCst) {
        k += 1;
        let bytes = file_bytes(1000 + k, 100_000 + usize::try_from(k).unwrap() * 7919);
        let r = client
            .post(format!("{base}/api/v1/admin/files"))
            .bearer_auth(&token)
            .header(
                "content-type",
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .body(multipart(&format!("bijlage-{k}.bin"), &bytes))
            .send()
            .unwrap();
        let v: Value = expect(r, 201).json().unwrap();
        acks.lock().unwrap().push(Ack {
            at: Instant::now(),
            record: Record::File {
                id: v["id"].as_str().unwrap().to_owned(),
                bytes,
            },
        });
    }
}

#[test]
fn backup_while_writing_restores_every_acknowledged_save() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut server = ServerProcess::start(&data, &[]);
    let token = server.admin_token();

    let stop = Arc::new(AtomicBool::new(false));
    let acks: Acks = Arc::default();
    let mut writers = Vec::new();
    for w in 0..2 {
        let (base, token, stop, acks) = (
            server.base.clone(),
            token.clone(),
            stop.clone(),
            acks.clone(),
        );
        writers.push(std::thread::spawn(move || {
            content_writer(base, token, w, stop, acks);
        }));
    }
    let single: [Writer; 2] = [user_writer, file_writer];
    for writer in single {
        let (base, token, stop, acks) = (
            server.base.clone(),
            token.clone(),
            stop.clone(),
            acks.clone(),
        );
        writers.push(std::thread::spawn(move || writer(base, token, stop, acks)));
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    let enough = |acks: &[Ack]| {
        acks.len() >= 20
            && acks.iter().any(|a| matches!(a.record, Record::File { .. }))
            && acks.iter().any(|a| matches!(a.record, Record::User { .. }))
    };
    while !enough(&acks.lock().unwrap()) {
        assert!(Instant::now() < deadline, "the writers are stuck");
        std::thread::sleep(Duration::from_millis(20));
    }

    let backup = dir.path().join("backup");
    let began = Instant::now();
    let out = oa_cms(&[
        "backup",
        backup.to_str().unwrap(),
        "--data-dir",
        data.to_str().unwrap(),
    ]);
    let ended = Instant::now();
    assert!(out.status.success(), "{out:?}");
    // Keep writing a little after the backup, then stop.
    std::thread::sleep(Duration::from_millis(300));
    stop.store(true, Ordering::SeqCst);
    for w in writers {
        assert!(
            w.join().is_ok(),
            "a writer failed; server log:\n{}",
            server.stderr()
        );
    }
    server.stop(Duration::from_secs(30));

    let acks = acks.lock().unwrap().clone();
    let before: Vec<&Ack> = acks.iter().filter(|a| a.at < began).collect();
    let during = acks
        .iter()
        .filter(|a| a.at >= began && a.at <= ended)
        .count();
    let after = acks.iter().filter(|a| a.at > ended).count();
    assert!(before.len() >= 20);
    assert!(
        during + after > 0,
        "the writers were not saving while the backup ran"
    );

    let restored = dir.path().join("restored");
    let out = oa_cms(&[
        "restore",
        backup.to_str().unwrap(),
        "--data-dir",
        restored.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{out:?}");
    let server = ServerProcess::start(&restored, &[]);
    let get = |path: &str| {
        let r = server
            .client
            .get(server.url(path))
            .bearer_auth(&token)
            .send()
            .unwrap();
        assert_eq!(r.status(), 200, "{path}");
        r.json::<Value>().unwrap()
    };
    let users = get("/api/v1/admin/users");
    let users = users
        .as_array()
        .or_else(|| users["items"].as_array())
        .expect("a user list");
    for ack in before {
        match &ack.record {
            Record::Version { id, n, title } => {
                let v = get(&format!("/api/v1/admin/content/{id}/versions/{n}"));
                assert_eq!(v["content"]["title"], *title, "version {n} of {id}");
            }
            Record::User { id, email } => {
                assert!(
                    users.iter().any(|u| u["id"] == *id && u["email"] == *email),
                    "user {email} is missing"
                );
            }
            Record::File { id, bytes } => {
                let r = server
                    .client
                    .get(server.url(&format!("/api/v1/admin/files/{id}/content")))
                    .bearer_auth(&token)
                    .send()
                    .unwrap();
                assert_eq!(r.status(), 200, "file {id}");
                assert!(
                    r.bytes().unwrap().as_ref() == bytes.as_slice(),
                    "file {id} differs"
                );
            }
        }
    }
}
