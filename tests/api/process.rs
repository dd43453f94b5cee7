//! The real `oa-cms` binary as a child process: started on port 0 in a data folder, its
//! stdout read line by line, its stderr captured to a file, stopped with a signal.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

pub const BIN: &str = env!("CARGO_BIN_EXE_oa-cms");

/// Variables the binary reads that the test's environment must not steer.
const CLEARED_ENV: [&str; 16] = [
    "DATABASE_URL",
    "DATA_DIR",
    "BIND",
    "DEMO",
    "CORS_ORIGINS",
    "ADMIN_ORIGIN",
    "LOG_FORMAT",
    "RUST_LOG",
    "METRICS_TOKEN",
    "SHUTDOWN_TIMEOUT",
    "WORKERS",
    "POOL_SIZE",
    "UPLOAD_LIMIT",
    "JSON_LIMIT",
    "SQLITE_SYNCHRONOUS",
    "DRAIN_SECONDS",
];

/// `oa-cms <args>` with a clean environment, not started yet.
pub fn oa_cms_command(args: &[&str]) -> Command {
    let mut cmd = Command::new(BIN);
    for v in CLEARED_ENV {
        cmd.env_remove(v);
    }
    cmd.args(args);
    cmd
}

/// `oa-cms <args>` with a clean environment, waiting for it to finish.
pub fn oa_cms(args: &[&str]) -> std::process::Output {
    oa_cms_command(args).output().expect("run oa-cms")
}

/// `oa-cms <args>` that is expected to exit by itself: killed after `timeout` if it has
/// not, so a command that wrongly keeps running fails the test instead of hanging it.
pub fn oa_cms_within(args: &[&str], timeout: Duration) -> std::process::Output {
    let mut child = oa_cms_command(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn oa-cms");
    let deadline = Instant::now() + timeout;
    while child.try_wait().expect("try_wait").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("oa-cms output")
}

pub struct ServerProcess {
    child: Child,
    pub base: String,
    pub data_dir: PathBuf,
    stdout: Arc<Mutex<Vec<String>>>,
    stderr_path: PathBuf,
    pub client: reqwest::blocking::Client,
}

impl ServerProcess {
    /// `oa-cms serve` on SQLite in `data_dir`, returned once `/health/ready` answers 200.
    /// No load balancer watches it, so it stops without a drain unless `extra` asks for one
    /// with `--drain-seconds`.
    pub fn start(data_dir: &Path, extra: &[&str]) -> Self {
        let stderr_path = data_dir.with_extension("stderr.log");
        let stderr = std::fs::File::create(&stderr_path).expect("stderr file");
        let mut cmd = Command::new(BIN);
        for v in CLEARED_ENV {
            cmd.env_remove(v);
        }
        let mut child = cmd
            .env("DRAIN_SECONDS", "0")
            .arg("serve")
            .args(["--bind", "127.0.0.1:0", "--workers", "2", "--data-dir"])
            .arg(data_dir)
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("spawn oa-cms");
        let out = child.stdout.take().expect("stdout");
        let stdout = Arc::new(Mutex::new(Vec::new()));
        let lines = stdout.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                lines.lock().unwrap().push(line);
            }
        });
        let client = reqwest::blocking::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(60))
            .build()
            .expect("client");
        let mut server = Self {
            child,
            base: String::new(),
            data_dir: data_dir.to_path_buf(),
            stdout,
            stderr_path,
            client,
        };
        let addr = server
            .wait_for_stdout("Listening on ", Duration::from_secs(60))
            .unwrap_or_else(|| panic!("the server did not start; stderr:\n{}", server.stderr()));
        server.base = addr;
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let ready = server
                .client
                .get(server.url("/health/ready"))
                .send()
                .is_ok_and(|r| r.status() == 200);
            if ready {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "never ready: {}",
                server.stderr()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        server
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The rest of the first stdout line that starts with `prefix`, waiting for it.
    pub fn wait_for_stdout(&self, prefix: &str, timeout: Duration) -> Option<String> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(v) = self.stdout_value(prefix) {
                return Some(v);
            }
            if Instant::now() > deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn stdout_value(&self, prefix: &str) -> Option<String> {
        self.stdout
            .lock()
            .unwrap()
            .iter()
            .find_map(|l| l.strip_prefix(prefix).map(|v| v.trim().to_owned()))
    }

    pub fn stderr(&self) -> String {
        std::fs::read_to_string(&self.stderr_path).unwrap_or_default()
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends SIGTERM, as a process supervisor does.
    pub fn terminate(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success());
    }

    /// Kills the process with SIGKILL, as a crash or the OOM killer would, and reaps it.
    pub fn kill(&mut self) {
        self.child.kill().expect("kill");
        self.child.wait().expect("wait");
    }

    /// Waits for the process to exit; `None` when it still runs after `timeout`.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return Some(status);
            }
            if Instant::now() > deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// SIGTERM, then asserts a clean exit within `timeout`.
    pub fn stop(&mut self, timeout: Duration) {
        self.terminate();
        let status = self.wait_exit(timeout).unwrap_or_else(|| {
            panic!(
                "the server did not stop within {timeout:?}; stderr:\n{}",
                self.stderr()
            )
        });
        assert!(
            status.success(),
            "exit status {status}; stderr:\n{}",
            self.stderr()
        );
    }
}

impl ServerProcess {
    /// Signs in as the first admin (whose password the first start printed) and makes an
    /// API token.
    pub fn admin_token(&self) -> String {
        let email = self.stdout_value("E-mail:").expect("first admin e-mail");
        let password = self
            .stdout_value("Password:")
            .expect("first admin password");
        let r = self
            .client
            .post(self.url("/api/v1/auth/login"))
            .header("sec-fetch-site", "same-origin")
            .json(&json!({"email": email, "password": password}))
            .send()
            .unwrap();
        assert_eq!(r.status(), 200);
        let cookie = r.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_owned();
        let r = self
            .client
            .post(self.url("/api/v1/admin/tokens"))
            .header("cookie", cookie)
            .header("sec-fetch-site", "same-origin")
            .json(&json!({"name": "test"}))
            .send()
            .unwrap();
        assert_eq!(r.status(), 201);
        r.json::<Value>().unwrap()["secret"]
            .as_str()
            .unwrap()
            .to_owned()
    }
}

/// A request body that sends `first`, then waits: when the gate's sender says go it sends
/// `rest`; when the sender goes away the body fails, as a client cut off would.
pub struct GatedBody {
    pub first: Vec<u8>,
    pub rest: Vec<u8>,
    pub gate: Option<std::sync::mpsc::Receiver<()>>,
}

impl std::io::Read for GatedBody {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.first.is_empty()
            && let Some(gate) = self.gate.take()
            && gate.recv().is_err()
        {
            return Err(std::io::Error::other("the test cut this body off"));
        }
        let from = if self.first.is_empty() {
            &mut self.rest
        } else {
            &mut self.first
        };
        let n = from.len().min(buf.len());
        buf[..n].copy_from_slice(&from[..n]);
        from.drain(..n);
        Ok(n)
    }
}

pub const BOUNDARY: &str = "oa-test-boundary-7f3a";

/// A multipart upload form with one `file` part holding `bytes`.
pub fn multipart(filename: &str, bytes: &[u8]) -> Vec<u8> {
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// Bytes no other test uploads: a counter run through a simple generator.
pub fn file_bytes(seed: u64, len: usize) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x.to_le_bytes()[0]
        })
        .collect()
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
