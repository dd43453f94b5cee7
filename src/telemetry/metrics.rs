//! Process metrics in the Prometheus text format: requests by route and status, their
//! durations, the database pool, the scheduled changes applied and the public answers
//! served from memory.
//!
//! Counters live in this process (Prometheus scrapes every process on its own), so they are
//! plain statics that any part of the code can bump without reaching the app state.
//! Request counts are kept per thread and summed when scraped: every request is counted,
//! and a worker never waits on a lock another worker holds.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

/// Upper bounds of the duration histogram, in seconds (Prometheus' usual defaults).
const BUCKETS: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct RequestKey {
    method: &'static str,
    route: String,
    status: u16,
}

#[derive(Debug, Default, Clone)]
struct Series {
    count: u64,
    sum_seconds: f64,
    /// Observations at or under each bound of `BUCKETS` (not cumulative; summed on output).
    buckets: [u64; BUCKETS.len()],
}

/// One thread's request counts: by route, then by method and status (a handful each).
type Shard = Mutex<HashMap<String, Vec<(&'static str, u16, Series)>>>;

/// Every thread's shard, for the scrape.
static SHARDS: Mutex<Vec<Arc<Shard>>> = Mutex::new(Vec::new());

thread_local! {
    static SHARD: Arc<Shard> = {
        let shard = Arc::new(Shard::default());
        lock(&SHARDS).push(Arc::clone(&shard));
        shard
    };
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}
static SCHEDULED_APPLIED: AtomicU64 = AtomicU64::new(0);

/// Counts `n` scheduled publications or unpublications that took effect.
pub fn scheduled_applied(n: u64) {
    SCHEDULED_APPLIED.fetch_add(n, Ordering::Relaxed);
}

/// Methods outside this list are counted as `OTHER`, so a client cannot grow the label set.
fn method_label(method: &str) -> &'static str {
    match method {
        "GET" => "GET",
        "HEAD" => "HEAD",
        "POST" => "POST",
        "PUT" => "PUT",
        "PATCH" => "PATCH",
        "DELETE" => "DELETE",
        "OPTIONS" => "OPTIONS",
        _ => "OTHER",
    }
}

/// Records one answered request. `route` is the matched pattern (never the raw path, which
/// would make one series per id).
pub fn record_request(method: &str, route: &str, status: u16, seconds: f64) {
    let method = method_label(method);
    SHARD.with(|shard| {
        let mut map = lock(shard);
        if !map.contains_key(route) {
            map.insert(route.to_owned(), Vec::new());
        }
        let Some(by_route) = map.get_mut(route) else {
            return;
        };
        let i = by_route
            .iter()
            .position(|(m, s, _)| *m == method && *s == status)
            .unwrap_or_else(|| {
                by_route.push((method, status, Series::default()));
                by_route.len() - 1
            });
        by_route[i].2.observe(seconds);
    });
}

impl Series {
    fn observe(&mut self, seconds: f64) {
        self.count += 1;
        self.sum_seconds += seconds;
        if let Some(i) = BUCKETS.iter().position(|b| seconds <= *b) {
            self.buckets[i] += 1;
        }
    }

    fn add(&mut self, other: &Series) {
        self.count += other.count;
        self.sum_seconds += other.sum_seconds;
        for (a, b) in self.buckets.iter_mut().zip(other.buckets) {
            *a += b;
        }
    }
}

/// Every thread's counts summed, in a stable order.
fn requests() -> BTreeMap<RequestKey, Series> {
    let shards = lock(&SHARDS).clone();
    let mut all: BTreeMap<RequestKey, Series> = BTreeMap::new();
    for shard in shards {
        for (route, series) in lock(&shard).iter() {
            for (method, status, s) in series {
                let key = RequestKey {
                    method,
                    route: route.clone(),
                    status: *status,
                };
                all.entry(key).or_default().add(s);
            }
        }
    }
    all
}

/// Public answers served from memory and built anew, since the process started.
#[derive(Debug, Clone, Copy, Default)]
pub struct AnswerCounts {
    pub hits: u64,
    pub misses: u64,
}

/// The state of the database pool at the moment of a scrape.
#[derive(Debug, Clone, Copy)]
pub struct PoolGauges {
    pub connections: u32,
    pub idle: u32,
    pub max: u32,
}

fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

/// The whole exposition, `text/plain; version=0.0.4`.
pub fn render(pool: PoolGauges, answers: AnswerCounts) -> String {
    let requests = requests();
    let mut out = String::new();
    out.push_str(
        "# HELP http_requests_total HTTP requests answered, by method, route pattern and status.\n\
         # TYPE http_requests_total counter\n",
    );
    for (k, s) in &requests {
        let _ = writeln!(
            out,
            "http_requests_total{{method=\"{}\",route=\"{}\",status=\"{}\"}} {}",
            k.method,
            escape(&k.route),
            k.status,
            s.count
        );
    }
    out.push_str(
        "# HELP http_request_duration_seconds Time to answer HTTP requests, by method, route pattern and status.\n\
         # TYPE http_request_duration_seconds histogram\n",
    );
    for (k, s) in &requests {
        let labels = format!(
            "method=\"{}\",route=\"{}\",status=\"{}\"",
            k.method,
            escape(&k.route),
            k.status
        );
        let mut cumulative = 0;
        for (bound, n) in BUCKETS.iter().zip(s.buckets.iter()) {
            cumulative += n;
            let _ = writeln!(
                out,
                "http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {cumulative}"
            );
        }
        let _ = writeln!(
            out,
            "http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
            s.count
        );
        let _ = writeln!(
            out,
            "http_request_duration_seconds_sum{{{labels}}} {}",
            s.sum_seconds
        );
        let _ = writeln!(
            out,
            "http_request_duration_seconds_count{{{labels}}} {}",
            s.count
        );
    }
    let gauges = [
        (
            "db_pool_connections",
            "Database connections open in this process's pool.",
            pool.connections,
        ),
        (
            "db_pool_idle_connections",
            "Open database connections not in use.",
            pool.idle,
        ),
        (
            "db_pool_max_connections",
            "Largest number of connections the pool may open.",
            pool.max,
        ),
    ];
    for (name, help, value) in gauges {
        let _ = writeln!(
            out,
            "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}"
        );
    }
    let _ = writeln!(
        out,
        "# HELP scheduled_changes_applied_total Scheduled publications and unpublications applied.\n\
         # TYPE scheduled_changes_applied_total counter\n\
         scheduled_changes_applied_total {}",
        SCHEDULED_APPLIED.load(Ordering::Relaxed)
    );
    out.push_str(
        "# HELP public_answers_total Public answers served from memory (hit) or built from the database (miss).\n\
         # TYPE public_answers_total counter\n",
    );
    for (result, n) in [("hit", answers.hits), ("miss", answers.misses)] {
        let _ = writeln!(out, "public_answers_total{{result=\"{result}\"}} {n}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_buckets_are_cumulative_and_labels_escaped() {
        record_request("GET", "/unit/\"quoted\"", 200, 0.02);
        record_request("GET", "/unit/\"quoted\"", 200, 3.0);
        record_request("BREW", "/unit/\"quoted\"", 200, 0.001);
        scheduled_applied(2);
        let text = render(
            PoolGauges {
                connections: 2,
                idle: 1,
                max: 4,
            },
            AnswerCounts { hits: 5, misses: 3 },
        );
        assert!(text.contains("public_answers_total{result=\"hit\"} 5"));
        assert!(text.contains("public_answers_total{result=\"miss\"} 3"));
        let labels = r#"method="GET",route="/unit/\"quoted\"",status="200""#;
        assert!(text.contains(&format!("http_requests_total{{{labels}}} 2")));
        assert!(text.contains(&format!(
            "http_request_duration_seconds_bucket{{{labels},le=\"0.01\"}} 0"
        )));
        assert!(text.contains(&format!(
            "http_request_duration_seconds_bucket{{{labels},le=\"0.025\"}} 1"
        )));
        assert!(text.contains(&format!(
            "http_request_duration_seconds_bucket{{{labels},le=\"5\"}} 2"
        )));
        assert!(text.contains(&format!(
            "http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} 2"
        )));
        assert!(text.contains(
            r#"http_requests_total{method="OTHER",route="/unit/\"quoted\"",status="200"} 1"#
        ));
        assert!(text.contains("db_pool_idle_connections 1\n"));
        assert!(text.contains("scheduled_changes_applied_total "));
    }
}
