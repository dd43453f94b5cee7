//! The process's life: ready for traffic, and shutting down on SIGTERM/SIGINT.

use std::sync::atomic::{AtomicBool, Ordering};

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

/// Waits for SIGTERM or SIGINT (Ctrl-C). Both mean a graceful stop: the server stops
/// accepting, finishes requests in flight within the shutdown timeout, then exits.
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

#[cfg(test)]
mod tests {
    use super::*;

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
