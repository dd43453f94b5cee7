//! The benchmark's admin writers: one thread per item, each saving its item over and over
//! with `PUT /api/v1/admin/content/{id}` and the `If-Match` of its last save, so every
//! request makes a new version. Prints one JSON line: saves/s, p50 and p99 in ms.
//!
//! With `--every-ms N --publish`, each writer is an editor at work instead: every N ms it
//! saves its item and publishes the new version (`POST .../publish`), so the public rows
//! change, and every answer kept in memory with them, at that pace.
//!
//! With `--count N` the writers stop after N saves in all (the webhook case: N publishes in
//! a row).
//!
//! `cargo run --release --example bench_writers -- --base http://127.0.0.1:8080
//!  --token SECRET --items ID,ID,... --seconds 15 [--every-ms 1000 --publish]`

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use clap::Parser;
use reqwest::blocking::Client;
use reqwest::header;
use serde_json::{Map, Value, json};

#[derive(Parser)]
struct Args {
    #[arg(long)]
    base: String,
    /// An API token of an editor.
    #[arg(long)]
    token: String,
    /// Comma list of item ids, one writer each.
    #[arg(long, value_delimiter = ',')]
    items: Vec<String>,
    #[arg(long, default_value_t = 15)]
    seconds: u64,
    /// Start a save every this many milliseconds (0: one after the other, flat out).
    #[arg(long, default_value_t = 0)]
    every_ms: u64,
    /// Publish each saved version too.
    #[arg(long)]
    publish: bool,
    /// Stop after this many saves in all (0: run for `--seconds`).
    #[arg(long, default_value_t = 0)]
    count: u64,
}

#[derive(Default)]
struct Tally {
    latencies: Vec<Duration>,
    publishes: u64,
    errors: u64,
}

/// The update body for an admin item: the editable document only.
fn editable(item: &Value) -> Map<String, Value> {
    let mut doc = Map::new();
    for key in ["slug", "title", "summary", "body", "tags"] {
        if let Some(v) = item.get(key) {
            doc.insert(key.into(), v.clone());
        }
    }
    let attachments: Vec<Value> = item["attachments"]
        .as_array()
        .into_iter()
        .flatten()
        .map(
            |a| json!({"file_id": a["file_id"].as_str().or(a["id"].as_str()), "label": a["label"]}),
        )
        .collect();
    doc.insert("attachments".into(), Value::Array(attachments));
    let mut fields = item["fields"].as_object().cloned().unwrap_or_default();
    for derived in ["file", "cover", "provider", "embed_url"] {
        fields.remove(derived);
    }
    doc.insert("fields".into(), Value::Object(fields));
    doc
}

fn etag(resp: &reqwest::blocking::Response) -> Option<String> {
    resp.headers()
        .get(header::ETAG)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

fn fetch(client: &Client, url: &str, token: &str) -> Result<(String, Map<String, Value>), String> {
    let resp = client
        .get(url)
        .bearer_auth(token)
        .send()
        .map_err(|e| e.to_string())?;
    if !resp.status().is_success() {
        return Err(format!("GET {url}: {}", resp.status()));
    }
    let tag = etag(&resp).ok_or("no ETag")?;
    let item: Value = resp.json().map_err(|e| e.to_string())?;
    Ok((tag, editable(&item)))
}

fn writer(args: &Args, id: &str, until: Instant, left: &AtomicU64) -> Result<Tally, String> {
    let client = Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .map_err(|e| e.to_string())?;
    let url = format!("{}/api/v1/admin/content/{id}", args.base);
    let (mut tag, mut doc) = fetch(&client, &url, &args.token)?;
    let summary = doc
        .get("summary")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .split(" (bewerking")
        .next()
        .unwrap_or_default()
        .to_owned();
    let mut tally = Tally::default();
    let mut n = 0_u64;
    let pace = Duration::from_millis(args.every_ms);
    let mut next = Instant::now();
    while Instant::now() < until {
        if args.count > 0
            && left
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                .is_err()
        {
            break;
        }
        if !pace.is_zero() {
            std::thread::sleep(next.saturating_duration_since(Instant::now()));
            // A save that ran late moves the next one back, rather than one following
            // another at once to catch up.
            next = next.max(Instant::now()) + pace;
            if Instant::now() >= until {
                break;
            }
        }
        n += 1;
        doc.insert(
            "summary".into(),
            json!(format!(
                "{summary} (bewerking {n} {})",
                uuid::Uuid::new_v4()
            )),
        );
        let started = Instant::now();
        let resp = client
            .put(&url)
            .bearer_auth(&args.token)
            .header(header::IF_MATCH, &tag)
            .json(&doc)
            .send();
        let elapsed = started.elapsed();
        match resp {
            Ok(r) if r.status().is_success() => {
                tag = etag(&r).ok_or("no ETag after a save")?;
                tally.latencies.push(elapsed);
                if args.publish {
                    match publish(&client, &url, &args.token, &tag) {
                        Ok(t) => {
                            tag = t;
                            tally.publishes += 1;
                        }
                        Err(e) => {
                            tally.errors += 1;
                            eprintln!("{e}");
                            (tag, doc) = fetch(&client, &url, &args.token)?;
                        }
                    }
                }
            }
            Ok(r) => {
                tally.errors += 1;
                if tally.errors == 1 {
                    eprintln!("PUT {url}: {} {}", r.status(), r.text().unwrap_or_default());
                }
                (tag, doc) = fetch(&client, &url, &args.token)?;
            }
            Err(e) => {
                tally.errors += 1;
                eprintln!("PUT {url}: {e}");
            }
        }
    }
    Ok(tally)
}

/// Publishes the version `tag` names; returns the item's ETag after it.
fn publish(client: &Client, url: &str, token: &str, tag: &str) -> Result<String, String> {
    let resp = client
        .post(format!("{url}/publish"))
        .bearer_auth(token)
        .header(header::IF_MATCH, tag)
        .json(&json!({}))
        .send()
        .map_err(|e| format!("POST {url}/publish: {e}"))?;
    if !resp.status().is_success() {
        return Err(format!(
            "POST {url}/publish: {} {}",
            resp.status(),
            resp.text().unwrap_or_default()
        ));
    }
    etag(&resp).ok_or_else(|| "no ETag after publishing".to_owned())
}

/// The latency at `per_mille` / 1000 of the sorted samples, in ms.
fn percentile(sorted: &[Duration], per_mille: usize) -> f64 {
    sorted
        .get(sorted.len().saturating_sub(1) * per_mille / 1000)
        .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}

fn main() {
    let args = Args::parse();
    let started = Instant::now();
    let until = started + Duration::from_secs(args.seconds);
    let left = AtomicU64::new(args.count);
    let results: Vec<Result<Tally, String>> = std::thread::scope(|s| {
        let handles: Vec<_> = args
            .items
            .iter()
            .map(|id| s.spawn(|| writer(&args, id, until, &left)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|_| Err("writer panicked".into())))
            .collect()
    });
    let elapsed = started.elapsed().as_secs_f64();
    let mut all = Vec::new();
    let mut errors = 0;
    let mut publishes = 0;
    for r in results {
        match r {
            Ok(t) => {
                all.extend(t.latencies);
                errors += t.errors;
                publishes += t.publishes;
            }
            Err(e) => {
                eprintln!("error: {e}");
                std::process::exit(1);
            }
        }
    }
    all.sort();
    println!(
        "{}",
        json!({
            "rps": f64::from(u32::try_from(all.len()).unwrap_or(u32::MAX)) / elapsed,
            "p50_ms": percentile(&all, 500),
            "p99_ms": percentile(&all, 990),
            "requests": all.len(),
            "publishes": publishes,
            "errors": errors,
            "writers": args.items.len(),
        })
    );
}
