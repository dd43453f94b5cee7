//! The background jobs: every second the scheduler pass (`usecase::content::schedule`),
//! every minute housekeeping, in whichever processes run; each scheduled change is applied
//! by exactly one of them.

use std::time::Duration;

use chrono::Utc;

use crate::db::AnyConnection;
use crate::error::AppResult;
use crate::state::AppState;
pub use crate::usecase::content::schedule::run_once;

/// Forgets expired sessions and old rate-limit windows.
pub fn housekeeping(conn: &mut AnyConnection) -> AppResult<()> {
    crate::db::users::delete_expired_sessions(conn)?;
    crate::db::rate_limit::prune(conn, Utc::now().naive_utc() - chrono::Duration::days(1))?;
    Ok(())
}

/// Runs the scheduler every second, and housekeeping every minute, until the server begins
/// to shut down (a pass under way finishes its transaction first).
pub fn spawn(state: &AppState) {
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
