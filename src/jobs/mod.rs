//! The background jobs: every second the scheduler pass (`usecase::content::schedule`),
//! every minute housekeeping, in whichever processes run; each scheduled change is applied
//! by exactly one of them.

pub mod webhooks;

use std::time::Duration;

use chrono::Utc;

use crate::db::AnyConnection;
use crate::db::erasures::{self, Flush};
use crate::error::AppResult;
use crate::state::AppState;
pub use crate::usecase::content::schedule::run_once;

/// Forgets expired sessions and old rate-limit windows.
pub fn housekeeping(conn: &mut AnyConnection) -> AppResult<()> {
    crate::db::users::delete_expired_sessions(conn)?;
    crate::db::rate_limit::prune(conn, Utc::now().naive_utc() - chrono::Duration::days(1))?;
    crate::usecase::webhooks::prune(conn)?;
    Ok(())
}

/// Runs the scheduler every second, and housekeeping every minute, until the server begins
/// to shut down (a pass under way finishes its transaction first).
pub fn spawn(state: &AppState) {
    webhooks::spawn(state);
    let db = state.db.clone();
    let lifecycle = state.lifecycle.clone();
    actix_web::rt::spawn(async move {
        let mut tick = actix_web::rt::time::interval(Duration::from_secs(1));
        let mut passes: u64 = 0;
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                () = lifecycle.stopped() => break,
            }
            match db.run(run_once).await {
                Ok(0) => {}
                Ok(n) => {
                    crate::telemetry::metrics::scheduled_applied(n as u64);
                    tracing::info!(applied = n, "scheduled publication changes applied");
                }
                Err(e) => tracing::warn!(error = %e, "scheduler pass failed"),
            }
            if passes.is_multiple_of(60)
                && let Err(e) = db.run(housekeeping).await
            {
                tracing::warn!(error = %e, "housekeeping failed");
            }
            passes += 1;
        }
    });
}

/// How long an erasure keeps trying to push the erased rows out of the storage.
const FLUSH_GIVE_UP: Duration = Duration::from_secs(600);

/// After an erasure has committed, pushes the erased rows out of the storage (see
/// [`erasures::flush`]): one attempt now, then, while readers still may see the old rows,
/// more in the background with growing pauses for up to ten minutes. Logs what happened;
/// never fails the request, since the records are erased either way.
pub async fn flush_erasure(state: &AppState) {
    let first = state
        .db
        .run(|c| {
            let since = erasures::storage_clock(c)?;
            Ok((since, erasures::flush(c, since)?))
        })
        .await;
    let since = match first {
        Ok((_, Flush::Done)) => {
            tracing::info!("erasure: the erased rows are gone from the database's storage");
            return;
        }
        Ok((since, Flush::Busy(reason))) => {
            tracing::info!(
                reason,
                "erasure: the erased rows are still in the database's storage; retrying in the background"
            );
            since
        }
        Err(e) => {
            tracing::warn!(error = %e, "erasure: pushing the erased rows out of the storage failed; retrying in the background");
            Utc::now().naive_utc()
        }
    };
    let db = state.db.clone();
    let lifecycle = state.lifecycle.clone();
    actix_web::rt::spawn(async move {
        let started = std::time::Instant::now();
        let mut pause = Duration::from_millis(100);
        for attempt in 2.. {
            tokio::select! {
                () = actix_web::rt::time::sleep(pause) => {}
                () = lifecycle.stopped() => {
                    tracing::warn!(
                        "erasure: shutting down before the erased rows left the storage; \
                         SQLite's checkpoint on close or PostgreSQL's vacuum removes them later"
                    );
                    return;
                }
            }
            let outcome = db.run(move |c| erasures::flush(c, since)).await;
            let reason = match outcome {
                Ok(Flush::Done) => {
                    tracing::info!(
                        attempt,
                        "erasure: the erased rows are gone from the database's storage"
                    );
                    return;
                }
                Ok(Flush::Busy(reason)) => reason.to_owned(),
                Err(e) => e.to_string(),
            };
            if started.elapsed() >= FLUSH_GIVE_UP {
                tracing::warn!(
                    attempt,
                    reason,
                    "erasure: gave up pushing the erased rows out of the storage; SQLite's \
                     next full checkpoint or PostgreSQL's next VACUUM FULL removes them"
                );
                return;
            }
            pause = (pause * 2).min(Duration::from_secs(10));
        }
    });
}
