//! SIGTERM on the real binary: requests in flight finish, a request cut off by the
//! shutdown timeout leaves no row and no file, and the process exits 0 in time.

use std::io::Read;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use reqwest::blocking::{Body, Client};
use serde_json::{Value, json};

use crate::process::ServerProcess;

/// A request body sent in pieces with pauses between them; with `stall`, it stops after
/// the pieces and waits until the receiver's sender goes away.
struct SlowBody {
    pieces: Vec<Vec<u8>>,
    pause: Duration,
    stall: Option<mpsc::Receiver<()>>,
    started: Option<mpsc::Sender<()>>,
}

impl Read for SlowBody {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if let Some(tx) = self.started.take() {
            let _ = tx.send(());
        } else if !self.pieces.is_empty() {
            std::thread::sleep(self.pause);
        }
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

pub fn login_token(server: &ServerProcess) -> String {
    let email = server.stdout_value("E-mail:").unwrap();
    let password = server.stdout_value("Password:").unwrap();
    let r = server
        .client
        .post(server.url("/api/v1/auth/login"))
        .json(&json!({"email": email, "password": password}))
        .send()
        .unwrap();
    let cookie = r.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let r = server
        .client
        .post(server.url("/api/v1/admin/tokens"))
        .header("cookie", cookie)
        .json(&json!({"name": "shutdown test"}))
        .send()
        .unwrap();
    assert_eq!(r.status(), 201);
    r.json::<Value>().unwrap()["secret"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn sigterm_lets_requests_finish_and_cuts_off_stalled_ones_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut server = ServerProcess::start(&data, &["--shutdown-timeout", "3"]);
    let token = login_token(&server);
    let url = server.url("/api/v1/admin/content");

    // A save whose body is still arriving when SIGTERM comes.
    let finishing = serde_json::to_vec(
        &json!({"kind": "page", "title": "Afgemaakt", "slug": "afgemaakt", "fields": {"position": 1}}),
    )
    .unwrap();
    let (started_tx, started_rx) = mpsc::channel();
    let slow = {
        let (url, token) = (url.clone(), token.clone());
        std::thread::spawn(move || {
            Client::new()
                .post(url)
                .bearer_auth(token)
                .header("content-type", "application/json")
                .body(Body::new(SlowBody {
                    pieces: pieces(&finishing, 4),
                    pause: Duration::from_millis(400),
                    stall: None,
                    started: Some(started_tx),
                }))
                .send()
                .map(|r| r.status().as_u16())
        })
    };
    // A save whose client stops sending halfway and never finishes.
    let cut_off = serde_json::to_vec(
        &json!({"kind": "page", "title": "Afgebroken", "slug": "afgebroken", "fields": {"position": 2}}),
    )
    .unwrap();
    let half = cut_off[..cut_off.len() / 2].to_vec();
    let (stall_tx, stall_rx) = mpsc::channel::<()>();
    let (stalled_started_tx, stalled_started_rx) = mpsc::channel();
    let stalled = {
        let (url, token) = (url.clone(), token.clone());
        std::thread::spawn(move || {
            Client::new()
                .post(url)
                .bearer_auth(token)
                .header("content-type", "application/json")
                .body(Body::new(SlowBody {
                    pieces: vec![half],
                    pause: Duration::ZERO,
                    stall: Some(stall_rx),
                    started: Some(stalled_started_tx),
                }))
                .send()
                .map(|r| r.status().as_u16())
        })
    };
    started_rx.recv().unwrap();
    stalled_started_rx.recv().unwrap();
    std::thread::sleep(Duration::from_millis(200));

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
    drop(stall_tx);
    assert!(
        stalled.join().unwrap().is_err(),
        "the stalled save was answered"
    );

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
    assert!(
        !data.join("files/tmp").exists()
            || std::fs::read_dir(data.join("files/tmp")).unwrap().count() == 0
    );
}
