//! Operations in-process: readiness for load balancers and the Prometheus metrics.

use std::time::{Duration, Instant};

use crate::support::Method;
use oa_cms::config::Secret;
use serde_json::json;

use crate::both_backends;
use crate::support::{PgDatabase, TestApp, send};

both_backends!(
    ready_follows_startup_pool_and_shutdown,
    metrics_are_off_by_default
);

async fn ready_follows_startup_pool_and_shutdown(app: TestApp) {
    let v = app.get("/health/ready").await.expect(200).json();
    assert_eq!(v, json!({"status": "ready"}));
    // Every pooled connection busy: not ready after waiting about a second, while the
    // cheap liveness check does not look at the pool at all.
    let pool = app.state.db.pool().clone();
    let size = app.state.config.pool_size;
    let held = actix_web::web::block(move || {
        (0..size)
            .map(|_| pool.get().expect("connection"))
            .collect::<Vec<_>>()
    })
    .await
    .unwrap();
    let started = Instant::now();
    let p = app.get("/health/ready").await.problem(503);
    assert!(started.elapsed() >= Duration::from_millis(900));
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .contains("database connection"),
        "{p}"
    );
    drop(held);
    app.get("/health/ready").await.expect(200);
    // A shutdown has begun: load balancers must stop sending traffic here.
    app.state.lifecycle.begin_shutdown();
    let p = app.get("/health/ready").await.problem(503);
    assert!(
        p["detail"].as_str().unwrap().contains("shutting down"),
        "{p}"
    );
}

async fn metrics_are_off_by_default(app: TestApp) {
    app.get("/metrics").await.problem(404);
    let r = send(
        app.request(Method::GET, "/metrics")
            .bearer_auth("a-token-that-was-never-configured"),
    )
    .await;
    r.problem(404);
}

const METRICS_TOKEN: &str = "scrape-secret-0123456789";

/// The value of the sample line that starts with `series ` (labels included).
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

async fn metrics_behind_a_token(pg: Option<PgDatabase>) {
    let app = TestApp::spawn_with(pg, |c| c.metrics_token = Some(Secret::new(METRICS_TOKEN))).await;
    let scrape = || {
        send(
            app.request(Method::GET, "/metrics")
                .bearer_auth(METRICS_TOKEN),
        )
    };
    app.get("/metrics").await.problem(401);
    send(
        app.request(Method::GET, "/metrics")
            .bearer_auth("scrape-secret-0123456780"),
    )
    .await
    .problem(401);
    app.get("/health").await.expect(200);
    app.get("/api/v1/no-such-thing?email=lid%40school.example")
        .await
        .problem(404);
    let r = scrape().await.expect(200);
    assert!(
        r.header("content-type")
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    let text = r.text();
    let health = r#"http_requests_total{method="GET",route="/health",status="200"}"#;
    let before = sample(&text, health).expect("a counter for /health");
    assert!(before >= 1.0);
    let inf = r#"http_request_duration_seconds_bucket{method="GET",route="/health",status="200",le="+Inf"}"#;
    assert!(sample(&text, inf).unwrap() >= 1.0, "{text}");
    assert!(
        sample(
            &text,
            r#"http_requests_total{method="GET",route="/metrics",status="401"}"#
        )
        .unwrap()
            >= 2.0
    );
    // Unknown paths are one series, and no path or query ever becomes a label.
    assert!(
        text.contains(r#"route="(unmatched)",status="404""#),
        "{text}"
    );
    assert!(!text.contains("no-such-thing") && !text.contains("school.example"));
    assert_eq!(sample(&text, "db_pool_max_connections"), Some(4.0));
    let open = sample(&text, "db_pool_connections").unwrap();
    let idle = sample(&text, "db_pool_idle_connections").unwrap();
    assert!(open >= 1.0 && idle <= open, "{text}");
    // The counters move with the traffic and with the scheduler's calls.
    let applied = sample(&text, "scheduled_changes_applied_total").unwrap();
    oa_cms::telemetry::metrics::scheduled_applied(3);
    app.get("/health").await.expect(200);
    let text = scrape().await.expect(200).text();
    assert!(sample(&text, health).unwrap() > before);
    assert!(sample(&text, "scheduled_changes_applied_total").unwrap() >= applied + 3.0);
}

mod metrics_behind_a_token {
    #[actix_web::test]
    async fn sqlite() {
        super::metrics_behind_a_token(None).await;
    }
    #[actix_web::test]
    async fn postgres() {
        if let Some(pg) = crate::support::PgDatabase::create() {
            super::metrics_behind_a_token(Some(pg)).await;
        }
    }
}

#[derive(diesel::QueryableByName)]
struct Synchronous {
    #[diesel(sql_type = diesel::sql_types::Integer)]
    synchronous: i32,
}

/// SQLite's `synchronous` on a pooled connection: 2 is FULL, 1 is NORMAL.
async fn synchronous_in_force(app: &TestApp) -> i32 {
    app.state
        .db
        .run(|c| {
            use diesel::RunQueryDsl;
            Ok(diesel::sql_query("PRAGMA synchronous")
                .get_result::<Synchronous>(c)?
                .synchronous)
        })
        .await
        .unwrap()
}

/// An acknowledged write survives a power cut unless the operator chose speed instead.
#[actix_web::test]
async fn sqlite_syncs_every_commit_unless_told_otherwise() {
    use oa_cms::cli::SqliteSynchronous;
    let app = TestApp::spawn_with(None, |_| {}).await;
    assert_eq!(synchronous_in_force(&app).await, 2);
    let app = TestApp::spawn_with(None, |c| {
        c.sqlite_synchronous = SqliteSynchronous::Normal;
    })
    .await;
    assert_eq!(synchronous_in_force(&app).await, 1);
}
