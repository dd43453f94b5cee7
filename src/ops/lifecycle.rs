//! The process's life: ready for traffic, shutting down on SIGTERM/SIGINT, and the clean-up
//! of upload temp files that an interrupted upload may leave.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime};

use tokio::sync::watch;

/// Whether the process takes traffic, and the signal background jobs watch to stop.
#[derive(Debug)]
pub struct Lifecycle {
    ready: AtomicBool,
    stopping: watch::Sender<bool>,
}

impl Default for Lifecycle {
    fn default() -> Self {
        Self {
            ready: AtomicBool::new(false),
            stopping: watch::Sender::new(false),
        }
    }
}

impl Lifecycle {
    /// Migrations and first-start work are done: load balancers may send traffic.
    pub fn mark_ready(&self) {
        self.ready.store(true, Ordering::SeqCst);
    }

    pub fn is_ready(&self) -> bool {
        self.ready.load(Ordering::SeqCst) && !self.is_stopping()
    }

    /// Starts the shutdown: readiness fails from now on and background jobs are told to stop.
    pub fn begin_shutdown(&self) {
        self.stopping.send_replace(true);
    }

    pub fn is_stopping(&self) -> bool {
        *self.stopping.borrow()
    }

    /// Resolves once the shutdown has begun; background jobs `select!` on it.
    pub async fn stopped(&self) {
        let mut rx = self.stopping.subscribe();
        let _ = rx.wait_for(|stopping| *stopping).await;
    }
}

/// Waits for SIGTERM or SIGINT (Ctrl-C). Both mean a graceful stop: readiness fails, the
/// server drains, then stops accepting and finishes requests in flight within the shutdown
/// timeout. Each call waits for a signal that arrives after it began listening.
pub async fn termination_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let (Ok(mut term), Ok(mut int)) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
        ) {
            tokio::select! {
                _ = term.recv() => tracing::info!("SIGTERM received; shutting down gracefully"),
                _ = int.recv() => tracing::info!("SIGINT received; shutting down gracefully"),
            }
        } else {
            tracing::warn!("cannot listen for SIGTERM; only Ctrl-C stops the server");
            let _ = tokio::signal::ctrl_c().await;
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("Ctrl-C received; shutting down gracefully");
    }
}

/// Which upload temp files a sweep removes: every file this process made (`own_tag`, see
/// [`crate::storage::upload_tmp_tag`]), which at start and stop belongs to no upload in
/// progress, and every other file untouched for `others_min_age`.
///
/// A complete upload is renamed out of `tmp/`, so what stays there belongs to an upload that
/// was cut off, or to one another process is receiving. On SQLite the data folder's lock
/// keeps every other server out, so `others_min_age` is zero: what others left is from a
/// process that has ended. Processes sharing a folder (PostgreSQL) pass an age no upload in
/// progress reaches, so they never remove each other's files.
#[derive(Debug, Clone, Copy)]
pub struct Sweep<'a> {
    pub own_tag: &'a str,
    pub others_min_age: Duration,
}

/// Removes the upload temp files `sweep` says are stale, returning how many went.
pub fn sweep_upload_tmp(files_dir: &Path, sweep: Sweep<'_>) -> std::io::Result<usize> {
    let dir = crate::storage::upload_tmp_dir(files_dir);
    let entries = match std::fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(e),
    };
    let now = SystemTime::now();
    let mut removed = 0;
    for entry in entries {
        let entry = entry?;
        let meta = match entry.metadata() {
            Ok(m) => m,
            // Its upload finished (renamed) or was dropped since the listing.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e),
        };
        let own = entry
            .file_name()
            .to_str()
            .is_some_and(|n| crate::storage::is_upload_tmp_of(n, sweep.own_tag));
        let age = meta
            .modified()
            .ok()
            .and_then(|m| now.duration_since(m).ok())
            .unwrap_or_default();
        if !own && age < sweep.others_min_age {
            continue;
        }
        let path = entry.path();
        let result = if meta.is_dir() {
            std::fs::remove_dir_all(&path)
        } else {
            std::fs::remove_file(&path)
        };
        match result {
            Ok(()) => removed += 1,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sweep_spares_another_process_s_fresh_upload() {
        let dir = tempfile::tempdir().unwrap();
        let tmp = crate::storage::upload_tmp_dir(dir.path());
        std::fs::create_dir_all(&tmp).unwrap();
        let own_tag = "4242-0123456789ab";
        std::fs::write(tmp.join(format!("{own_tag}.aa.part")), b"ours, cut off").unwrap();
        // Another process's upload, still streaming; and a name that only starts the same.
        let other = tmp.join("4243-ba9876543210.bb.part");
        std::fs::write(&other, b"theirs, arriving").unwrap();
        let lookalike = tmp.join(format!("{own_tag}0.cc.part"));
        std::fs::write(&lookalike, b"theirs too").unwrap();
        std::fs::write(dir.path().join("kept"), b"a finished file").unwrap();
        let shared = Sweep {
            own_tag,
            others_min_age: Duration::from_secs(3600),
        };
        assert_eq!(sweep_upload_tmp(dir.path(), shared).unwrap(), 1);
        assert!(other.exists() && lookalike.exists());
        // Once nobody else can be receiving (the data folder's lock), the rest is stale.
        let alone = Sweep {
            own_tag,
            others_min_age: Duration::ZERO,
        };
        assert_eq!(sweep_upload_tmp(dir.path(), alone).unwrap(), 2);
        assert_eq!(std::fs::read_dir(&tmp).unwrap().count(), 0);
        assert!(dir.path().join("kept").exists());
        let missing = dir.path().join("nothing");
        assert_eq!(sweep_upload_tmp(&missing, alone).unwrap(), 0);
    }

    #[actix_web::test]
    async fn shutdown_wakes_waiters_and_fails_readiness() {
        let l = std::sync::Arc::new(Lifecycle::default());
        assert!(!l.is_ready());
        l.mark_ready();
        assert!(l.is_ready());
        let waiter = {
            let l = l.clone();
            actix_web::rt::spawn(async move { l.stopped().await })
        };
        l.begin_shutdown();
        waiter.await.unwrap();
        assert!(!l.is_ready());
        // A job that starts watching after the shutdown began stops at once.
        l.stopped().await;
    }
}
