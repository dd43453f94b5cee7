//! The benchmark's ceiling: actix-web answering one fixed 2 KB JSON body, with nothing else
//! in the way, so every figure of `bench/run.sh` can also be read as a share of what the
//! framework and this machine can do at all.
//!
//! `cargo run --release --example ceiling -- [--bind 127.0.0.1:8090] [--workers N]`

use actix_web::http::header;
use actix_web::{App, HttpResponse, HttpServer, web};

/// About 2 KB of JSON shaped like a list item of the public API.
fn body() -> web::Bytes {
    let mut items = Vec::new();
    let mut n = 0;
    while serde_json::to_string(&items).map_or(0, |s| s.len()) < 2048 - 200 {
        items.push(serde_json::json!({
            "id": format!("0190f5a2-7c1e-7d3b-9a40-{n:012}"),
            "kind": "news",
            "slug": format!("onderwijs-van-de-toekomst-{n}"),
            "title": "Onderwijs van de toekomst begint vandaag",
            "tags": ["onderwijs", "innovatie"],
            "version": 3,
        }));
        n += 1;
    }
    let mut s = serde_json::json!({"items": items, "next_cursor": null, "total": n}).to_string();
    while s.len() < 2048 {
        s.insert(s.len() - 1, ' ');
    }
    web::Bytes::from(s)
}

fn arg(name: &str) -> Option<String> {
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == name {
            return args.next();
        }
        if let Some(v) = a.strip_prefix(&format!("{name}=")) {
            return Some(v.to_owned());
        }
    }
    None
}

fn main() -> std::io::Result<()> {
    let bind = arg("--bind").unwrap_or_else(|| "127.0.0.1:8090".into());
    let workers = match arg("--workers").map(|w| w.parse::<usize>()) {
        None => None,
        Some(Ok(w)) if w > 0 => Some(w),
        Some(_) => {
            eprintln!("error: --workers must be a positive whole number");
            std::process::exit(2);
        }
    };
    let body = body();
    actix_web::rt::System::new().block_on(async move {
        let mut server = HttpServer::new(move || {
            let body = body.clone();
            App::new().default_service(web::to(move || {
                let body = body.clone();
                async move {
                    HttpResponse::Ok()
                        .insert_header((header::CACHE_CONTROL, "public, max-age=60"))
                        .content_type("application/json")
                        .body(body)
                }
            }))
        })
        .bind(&bind)?;
        if let Some(w) = workers {
            server = server.workers(w);
        }
        println!("Listening on http://{bind}");
        server.run().await
    })
}
