//! Seeds the benchmark's database with N published items through the library functions the
//! admin API calls, in batches inside transactions, then writes a manifest of what the
//! load cases need (sample slugs with their ETags, the deep cursor, writer items, a file).
//!
//! `cargo run --release --example bench_seed -- --database-url URL --data-dir DIR
//!  --items N --manifest FILE`

mod corpus;
mod manifest;
mod store;

use std::path::PathBuf;
use std::time::Instant;

use std::sync::atomic::{AtomicU64, Ordering};

use clap::Parser;
use oa_cms::db::{Backend, Db};

#[derive(Parser)]
struct Args {
    /// SQLite path or `postgres://...`.
    #[arg(long)]
    database_url: String,
    /// Where the server keeps its files.
    #[arg(long)]
    data_dir: PathBuf,
    /// Published items wanted; only the missing ones are added.
    #[arg(long)]
    items: u64,
    /// Items per transaction.
    #[arg(long, default_value_t = 500)]
    batch: u64,
    /// Seeding threads on PostgreSQL (SQLite always uses one).
    #[arg(long, default_value_t = 2)]
    jobs: u32,
    /// Where to write the manifest (JSON).
    #[arg(long)]
    manifest: PathBuf,
    /// PostgreSQL only: create the database of `--database-url` when it is missing,
    /// connecting through this URL.
    #[arg(long)]
    create_from: Option<String>,
    /// With `--create-from`: drop the database first and seed it from scratch.
    #[arg(long)]
    fresh: bool,
}

/// A slug from a title: folded, lower-case, `[a-z0-9]+(-[a-z0-9]+)*`.
pub fn slug(title: &str) -> String {
    oa_cms::domain::search::fold(title)
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

fn main() {
    let args = Args::parse();
    if let Err(e) = run(&args) {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

#[derive(diesel::QueryableByName)]
struct Found {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

/// Creates the PostgreSQL database `url` names, through `admin_url`, when it is missing
/// or when `fresh` asks to start over.
fn create_database(admin_url: &str, url: &str, fresh: bool) -> Result<(), String> {
    use diesel::connection::SimpleConnection;
    use diesel::prelude::*;
    let name = url
        .rsplit('/')
        .next()
        .and_then(|n| n.split('?').next())
        .filter(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .ok_or_else(|| format!("no plain database name in {url}"))?;
    let mut conn = diesel::PgConnection::establish(admin_url).map_err(|e| e.to_string())?;
    if fresh {
        // One statement per call: neither may run inside a transaction block.
        conn.batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
            .map_err(|e| e.to_string())?;
    } else {
        let found: Found =
            diesel::sql_query("SELECT COUNT(*) AS n FROM pg_database WHERE datname = $1")
                .bind::<diesel::sql_types::Text, _>(name)
                .get_result(&mut conn)
                .map_err(|e| e.to_string())?;
        if found.n > 0 {
            return Ok(());
        }
    }
    conn.batch_execute(&format!("CREATE DATABASE \"{name}\""))
        .map_err(|e| e.to_string())
}

fn run(args: &Args) -> Result<(), String> {
    if let Some(admin) = &args.create_from {
        create_database(admin, &args.database_url, args.fresh)?;
    }
    let jobs = match Backend::from_url(&args.database_url) {
        // SQLite has one writer at a time: more threads would only queue.
        Backend::Sqlite => 1,
        Backend::Postgres => args.jobs.max(1),
    };
    let db = Db::connect(&args.database_url, jobs + 1).map_err(|e| e.to_string())?;
    let mut conn = db.get().map_err(|e| e.to_string())?;
    let files = store::files(&mut conn, &args.data_dir).map_err(|e| e.to_string())?;
    // The public rows as `serve` wants them (its URL template and the current shape), before
    // any is added, so the server starts at once instead of rebuilding them.
    let started = Instant::now();
    let rebuilt = oa_cms::db::transaction(&mut conn, |c| {
        oa_cms::usecase::site::prepare(c, "/{kind}/{slug}", chrono::Utc::now().naive_utc())
    })
    .map_err(|e| format!("preparing the public rows: {e}"))?;
    if rebuilt > 0 {
        eprintln!(
            "rebuilt the public rows of {rebuilt} items in {:.0} s",
            started.elapsed().as_secs_f64()
        );
    }
    let have = store::published_count(&mut conn).map_err(|e| e.to_string())?;
    if have < args.items {
        let started = Instant::now();
        let next = AtomicU64::new(have);
        let done = AtomicU64::new(have);
        let seed = || -> Result<(), String> {
            let mut conn = db.get().map_err(|e| e.to_string())?;
            loop {
                let n = next.fetch_add(args.batch, Ordering::SeqCst);
                if n >= args.items {
                    return Ok(());
                }
                let end = (n + args.batch).min(args.items);
                let items: Vec<corpus::Item> =
                    (n..end).map(|i| corpus::item(i, &files.ids)).collect();
                oa_cms::db::transaction(&mut conn, |c| {
                    for item in &items {
                        store::create_published(c, item)?;
                    }
                    Ok(())
                })
                .map_err(|e| format!("seeding items {n}..{end}: {e}"))?;
                let total = done.fetch_add(end - n, Ordering::SeqCst) + end - n;
                if total / 10_000 != (total - (end - n)) / 10_000 || total == args.items {
                    let secs = started.elapsed().as_secs().max(1);
                    eprintln!(
                        "seeded {total}/{} items ({} items/s)",
                        args.items,
                        (total - have) / secs
                    );
                }
            }
        };
        std::thread::scope(|s| {
            let handles: Vec<_> = (0..jobs).map(|_| s.spawn(seed)).collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join()
                        .unwrap_or_else(|_| Err("a seeding thread panicked".into()))
                })
                .collect::<Result<Vec<()>, String>>()
        })?;
    }
    if Backend::from_url(&args.database_url) == Backend::Postgres {
        // After a bulk load, as autovacuum would shortly: plans need the new statistics.
        use diesel::connection::SimpleConnection;
        conn.batch_execute("ANALYZE").map_err(|e| e.to_string())?;
    }
    let m = manifest::build(&mut conn, args.items).map_err(|e| e.to_string())?;
    std::fs::write(&args.manifest, m.to_string()).map_err(|e| e.to_string())?;
    Ok(())
}
