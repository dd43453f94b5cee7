//! SIGTERM on the real binary: a drain with readiness failing while requests are still
//! served, then saves and uploads in flight finish, those cut off by the shutdown timeout
//! leave no row and no file, and the process exits 0 in time.

use std::io::Read;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use reqwest::blocking::{Body, Client};
use serde_json::{Value, json};

use crate::process::{BOUNDARY, ServerProcess, file_bytes, multipart};

/// A request body sent in pieces with pauses between them; with `stall`, it stops after
/// the pieces and waits until the receiver's sender goes away.
struct SlowBody {
    pieces: Vec<Vec<u8>>,
    pause: Duration,
    stall: Option<mpsc::Receiver<()>>,
    started: Option<mpsc::Sender<()>>,
    /// Whether the next read starts a new piece (and so pauses first).
    between_pieces: bool,
}

impl Read for SlowBody {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if let Some(tx) = self.started.take() {
            let _ = tx.send(());
        } else if self.between_pieces && !self.pieces.is_empty() {
            std::thread::sleep(self.pause);
        }
        self.between_pieces = false;
        if self.pieces.is_empty() {
            if let Some(rx) = self.stall.take() {
                let _ = rx.recv();
                return Err(std::io::Error::other("the test gave up on this body"));
            }
            return Ok(0);
        }
        let piece = &mut self.pieces[0];
        let n = piece.len().min(buf.len());
        buf[..n].copy_from_slice(&piece[..n]);
        piece.drain(..n);
        if piece.is_empty() {
            self.pieces.remove(0);
            self.between_pieces = true;
        }
        Ok(n)
    }
}

fn pieces(bytes: &[u8], n: usize) -> Vec<Vec<u8>> {
    bytes
        .chunks(bytes.len().div_ceil(n))
        .map(<[u8]>::to_vec)
        .collect()
}

/// Sends `pieces` to `url` from a thread, slowly; with `stall`, stops after them.
fn send_slowly(
    url: String,
    token: String,
    content_type: String,
    pieces: Vec<Vec<u8>>,
    stall: Option<mpsc::Receiver<()>>,
) -> (
    std::thread::JoinHandle<reqwest::Result<u16>>,
    mpsc::Receiver<()>,
) {
    let (started_tx, started_rx) = mpsc::channel();
    let handle = std::thread::spawn(move || {
        Client::new()
            .post(url)
            .bearer_auth(token)
            .header("content-type", content_type)
            .body(Body::new(SlowBody {
                pieces,
                pause: Duration::from_millis(400),
                stall,
                started: Some(started_tx),
                between_pieces: false,
            }))
            .send()
            .map(|r| r.status().as_u16())
    });
    (handle, started_rx)
}

#[test]
fn sigterm_lets_requests_finish_and_cuts_off_stalled_ones_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut server = ServerProcess::start(&data, &["--shutdown-timeout", "3"]);
    let token = server.admin_token();
    let url = server.url("/api/v1/admin/content");

    let json = "application/json".to_owned();
    let form = format!("multipart/form-data; boundary={BOUNDARY}");
    let files_url = server.url("/api/v1/admin/files");
    // A save and an upload whose bodies are still arriving when SIGTERM comes...
    let finishing = serde_json::to_vec(
        &json!({"kind": "page", "title": "Afgemaakt", "slug": "afgemaakt", "fields": {"position": 1}}),
    )
    .unwrap();
    let (slow, slow_started) = send_slowly(
        url.clone(),
        token.clone(),
        json.clone(),
        pieces(&finishing, 4),
        None,
    );
    let kept = file_bytes(1, 300_000);
    let (slow_upload, slow_upload_started) = send_slowly(
        files_url.clone(),
        token.clone(),
        form.clone(),
        pieces(&multipart("bewaard.bin", &kept), 4),
        None,
    );
    // ... and a save and an upload whose clients stop sending halfway.
    let cut_off = serde_json::to_vec(
        &json!({"kind": "page", "title": "Afgebroken", "slug": "afgebroken", "fields": {"position": 2}}),
    )
    .unwrap();
    let (stall_tx, stall_rx) = mpsc::channel::<()>();
    let (stalled, stalled_started) = send_slowly(
        url.clone(),
        token.clone(),
        json,
        vec![cut_off[..cut_off.len() / 2].to_vec()],
        Some(stall_rx),
    );
    let lost = multipart("verloren.bin", &file_bytes(2, 300_000));
    let (upload_stall_tx, upload_stall_rx) = mpsc::channel::<()>();
    let (stalled_upload, stalled_upload_started) = send_slowly(
        files_url,
        token.clone(),
        form,
        vec![lost[..lost.len() / 2].to_vec()],
        Some(upload_stall_rx),
    );
    for rx in [
        slow_started,
        slow_upload_started,
        stalled_started,
        stalled_upload_started,
    ] {
        rx.recv().unwrap();
    }
    std::thread::sleep(Duration::from_millis(200));
    // The cut-off upload is streaming into the temp folder.
    let tmp = data.join("files/tmp");
    assert!(std::fs::read_dir(&tmp).is_ok_and(|d| d.count() > 0));

    let sent = Instant::now();
    server.terminate();
    // New connections are refused at once.
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        Client::new()
            .get(server.url("/health"))
            .timeout(Duration::from_secs(2))
            .send()
            .is_err(),
        "a new connection was accepted after SIGTERM"
    );
    let status = server
        .wait_exit(Duration::from_secs(10))
        .expect("the server did not stop");
    let took = sent.elapsed();
    assert!(
        status.success(),
        "exit status {status}: {}",
        server.stderr()
    );
    assert!(took < Duration::from_secs(6), "stopping took {took:?}");
    assert_eq!(
        slow.join().unwrap().ok(),
        Some(201),
        "the save in flight finished"
    );
    assert_eq!(
        slow_upload.join().unwrap().ok(),
        Some(201),
        "the upload in flight finished"
    );
    drop(stall_tx);
    drop(upload_stall_tx);
    assert!(
        stalled.join().unwrap().is_err(),
        "the stalled save was answered"
    );
    assert!(
        stalled_upload.join().unwrap().is_err(),
        "the stalled upload was answered"
    );
    // No partial file: the temp folder is empty and the only blob is the finished upload.
    assert!(!tmp.exists() || std::fs::read_dir(&tmp).unwrap().count() == 0);
    let mut blobs = Vec::new();
    for shard in std::fs::read_dir(data.join("files")).unwrap() {
        let shard = shard.unwrap().path();
        if shard.ends_with("tmp") {
            continue;
        }
        for f in std::fs::read_dir(&shard).unwrap() {
            blobs.push(std::fs::read(f.unwrap().path()).unwrap());
        }
    }
    assert_eq!(blobs.len(), 1, "exactly one stored file");
    assert!(blobs[0] == kept, "the stored file is the finished upload");

    // On the next start the finished save is there and the cut-off one is not.
    let server = ServerProcess::start(&data, &[]);
    let get = |path: &str| {
        server
            .client
            .get(server.url(path))
            .bearer_auth(&token)
            .send()
            .unwrap()
    };
    let list: Value = get("/api/v1/admin/content").json().unwrap();
    let titles: Vec<&str> = list["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|i| i["title"].as_str())
        .collect();
    assert_eq!(titles, vec!["Afgemaakt"]);
    let files: Value = get("/api/v1/admin/files").json().unwrap();
    let files = files["items"]
        .as_array()
        .or_else(|| files.as_array())
        .expect("a file list");
    assert_eq!(files.len(), 1, "no row for the cut-off upload: {files:?}");
    let id = files[0]["id"].as_str().unwrap();
    let bytes = get(&format!("/api/v1/admin/files/{id}/content"))
        .bytes()
        .unwrap();
    assert!(bytes.as_ref() == kept.as_slice());
}

/// A client that opens a new connection for every request, as a load balancer's probe does.
fn fresh_client() -> Client {
    Client::builder()
        .pool_max_idle_per_host(0)
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap()
}

#[test]
fn sigterm_fails_readiness_and_keeps_serving_through_the_drain() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = ServerProcess::start(&dir.path().join("data"), &["--drain-seconds", "2"]);
    let client = fresh_client();
    let sent = Instant::now();
    server.terminate();
    // Readiness answers 503 on new connections, and the rest is served as before.
    let deadline = Instant::now() + Duration::from_secs(1);
    let ready = loop {
        let r = client
            .get(server.url("/health/ready"))
            .send()
            .expect("a connection during the drain");
        if r.status() == 503 || Instant::now() > deadline {
            break r;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(ready.status(), 503);
    assert_eq!(
        ready.headers()["content-type"].to_str().unwrap(),
        "application/problem+json"
    );
    let problem: Value = ready.json().unwrap();
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("shutting down"),
        "{problem}"
    );
    let health = client.get(server.url("/health")).send().unwrap();
    assert_eq!(health.status(), 200);
    let list = client.get(server.url("/api/v1/content")).send().unwrap();
    assert_eq!(list.status(), 200);
    assert!(
        sent.elapsed() < Duration::from_secs(2),
        "the checks ran after the drain: {:?}",
        sent.elapsed()
    );

    let status = server
        .wait_exit(Duration::from_secs(15))
        .expect("the server did not stop after the drain");
    let took = sent.elapsed();
    assert!(
        status.success(),
        "exit status {status}: {}",
        server.stderr()
    );
    assert!(
        took >= Duration::from_secs(2),
        "stopped before the drain ended: {took:?}"
    );
    assert!(
        client.get(server.url("/health")).send().is_err(),
        "a connection was accepted after the stop"
    );
}

#[test]
fn a_second_signal_ends_the_drain() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = ServerProcess::start(&dir.path().join("data"), &["--drain-seconds", "60"]);
    let client = fresh_client();
    server.terminate();
    let deadline = Instant::now() + Duration::from_secs(10);
    while client
        .get(server.url("/health/ready"))
        .send()
        .map(|r| r.status())
        .expect("a connection during the drain")
        != 503
    {
        assert!(Instant::now() < deadline, "readiness never failed");
        std::thread::sleep(Duration::from_millis(20));
    }
    let sent = Instant::now();
    server.terminate();
    let status = server
        .wait_exit(Duration::from_secs(15))
        .expect("the second signal did not end the drain");
    assert!(
        status.success(),
        "exit status {status}: {}",
        server.stderr()
    );
    assert!(sent.elapsed() < Duration::from_secs(10));
}
