//! The public delivery API: visibility, filters, cursors, full-text search, caching, and
//! scheduled changes applied exactly once across processes.

use std::collections::HashSet;

use chrono::{Duration, NaiveDateTime, Utc};
use diesel::prelude::*;
use oa_cms::db::schema::{content_items, content_versions};
use serde_json::{Value, json};

use crate::both_backends;
use crate::support::{Resp, TestApp, send};

/// Stores an item with one version straight in the database, in the given publication
/// state, and rebuilds its public rows as the admin API does: for times in the past (sorts,
/// `updated_since`) and schedules already due, which the admin API does not make. Other
/// items are made with the builders (`app.news(..)`).
pub async fn seed(
    app: &TestApp,
    kind: &str,
    slug: &str,
    doc: Value,
    published_at: Option<NaiveDateTime>,
    publish_at: Option<NaiveDateTime>,
    unpublish_at: Option<NaiveDateTime>,
) -> String {
    let id = uuid::Uuid::now_v7().to_string();
    let (kind, slug, iid) = (kind.to_owned(), slug.to_owned(), id.clone());
    let mut doc = doc;
    doc["slug"] = json!(slug);
    // The smallest valid fields of the kind, as a save through the API would store them.
    if doc["fields"] == json!({}) {
        doc["fields"] = match kind.as_str() {
            "news" => json!({"display_date": "2026-11-01", "author": null, "cover_file_id": null}),
            "page" => json!({"position": 0}),
            _ => json!({}),
        };
    }
    app.state
        .db
        .tx(move |c| {
            let now = Utc::now().naive_utc();
            diesel::insert_into(content_items::table)
                .values((
                    content_items::id.eq(&iid),
                    content_items::kind.eq(&kind),
                    content_items::slug.eq(&slug),
                    content_items::title.eq(doc["title"].as_str().unwrap_or("")),
                    content_items::latest_version.eq(1_i64),
                    content_items::published_version.eq(published_at.map(|_| 1_i64)),
                    content_items::published_at.eq(published_at),
                    content_items::publish_version.eq(publish_at.map(|_| 1_i64)),
                    content_items::publish_at.eq(publish_at),
                    content_items::unpublish_at.eq(unpublish_at),
                    content_items::created_at.eq(now),
                    content_items::updated_at.eq(now),
                ))
                .execute(c)?;
            diesel::insert_into(content_versions::table)
                .values((
                    content_versions::item_id.eq(&iid),
                    content_versions::version.eq(1_i64),
                    content_versions::content.eq(doc.to_string()),
                    content_versions::author.eq("test"),
                    content_versions::created_at.eq(now),
                ))
                .execute(c)?;
            oa_cms::usecase::public_docs::sync_item(c, &iid, now)
        })
        .await
        .expect("seed");
    id
}

fn doc(title: &str, body: &str, tags: &[&str]) -> Value {
    json!({"title": title, "summary": format!("Samenvatting van {title}"), "body": body, "tags": tags, "attachments": [], "fields": {}})
}

fn ago(secs: i64) -> Option<NaiveDateTime> {
    Some(Utc::now().naive_utc() - Duration::seconds(secs))
}

fn ahead(secs: i64) -> Option<NaiveDateTime> {
    Some(Utc::now().naive_utc() + Duration::seconds(secs))
}

fn slugs(v: &Value) -> Vec<String> {
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["slug"].as_str().unwrap().to_owned())
        .collect()
}

both_backends!(
    only_what_is_published_now_is_shown,
    single_item_is_cacheable,
    lists_filter_sort_and_validate,
    cursor_walk_returns_every_item_once,
    dutch_full_text_search,
    answers_from_memory_follow_own_changes,
    another_process_change_shows_within_a_second,
    an_idle_scheduler_pass_keeps_the_answers,
    answers_expire_when_a_visibility_window_opens,
);

async fn only_what_is_published_now_is_shown(app: TestApp) {
    seed(
        &app,
        "news",
        "live",
        doc("Live", "x", &[]),
        ago(60),
        None,
        None,
    )
    .await;
    seed(
        &app,
        "news",
        "concept",
        doc("Concept", "x", &[]),
        None,
        None,
        None,
    )
    .await;
    seed(
        &app,
        "news",
        "straks",
        doc("Straks", "x", &[]),
        None,
        ahead(2),
        None,
    )
    .await;
    seed(
        &app,
        "news",
        "bijna-weg",
        doc("Bijna weg", "x", &[]),
        ago(60),
        None,
        ahead(2),
    )
    .await;
    let v = app.get("/api/v1/content").await.expect(200).json();
    let mut s = slugs(&v);
    s.sort();
    assert_eq!(s, vec!["bijna-weg", "live"]);
    assert_eq!(v["total"], 2);
    app.get("/api/v1/content/news/concept").await.problem(404);
    app.get("/api/v1/content/news/straks").await.problem(404);
    // Search results and their totals leave out what is scheduled ahead, too.
    let search = |q: &'static str| {
        let app = &app;
        async move {
            let v = app
                .get(&format!("/api/v1/content?q={q}"))
                .await
                .expect(200)
                .json();
            (slugs(&v), v["total"].clone())
        }
    };
    assert_eq!(search("straks").await, (vec![], json!(0)));
    assert_eq!(
        search("weg").await,
        (vec!["bijna-weg".to_owned()], json!(1))
    );
    // At their time, with no request in between, the scheduled changes are there.
    actix_web::rt::time::sleep(std::time::Duration::from_millis(2600)).await;
    let v = app.get("/api/v1/content").await.expect(200).json();
    let mut s = slugs(&v);
    s.sort();
    assert_eq!(s, vec!["live", "straks"]);
    // The total counts what is visible now, scheduled and ended rows excluded.
    assert_eq!(v["total"], 2);
    let v = app
        .get("/api/v1/content?kind=news")
        .await
        .expect(200)
        .json();
    assert_eq!(v["total"], 2);
    app.get("/api/v1/content/news/straks").await.expect(200);
    app.get("/api/v1/content/news/bijna-weg").await.problem(404);
    assert_eq!(
        search("straks").await,
        (vec!["straks".to_owned()], json!(1))
    );
    assert_eq!(search("weg").await, (vec![], json!(0)));
}

async fn single_item_is_cacheable(app: TestApp) {
    app.page("Missie")
        .body("# Missie\n\n<script>alert(1)</script>\n\n[klik](javascript:alert(1)) <a href=\"#\" onclick=\"x()\">a</a> [site](https://onderwijsalliantie.nl)")
        .tags(["over-ons"])
        .published()
        .await;
    let r = app.get("/api/v1/content/page/missie").await.expect(200);
    assert_eq!(
        r.header("cache-control").as_deref(),
        Some("public, max-age=60")
    );
    let etag = r.header("etag").expect("etag");
    assert!(etag.starts_with('"') && !etag.starts_with("W/"));
    let v = r.json();
    assert_eq!(v["title"], "Missie");
    assert_eq!(v["version"], 1);
    assert!(v["body"].as_str().unwrap().contains("# Missie"));
    let html = v["body_html"].as_str().unwrap();
    assert!(html.contains("<h1>Missie</h1>"));
    assert!(
        !html.contains("<script") && !html.contains("javascript:") && !html.contains("onclick"),
        "{html}"
    );
    assert!(html.contains("noopener"));
    assert!(v["published_at"].as_str().unwrap().ends_with('Z'));
    let r = crate::support::send(
        app.request(crate::support::Method::GET, "/api/v1/content/page/missie")
            .header("if-none-match", &etag),
    )
    .await;
    assert_eq!(r.status, 304);
    assert!(r.body.is_empty());
    assert_eq!(r.header("etag").as_deref(), Some(etag.as_str()));
    // If-None-Match compares weakly and may list several tags; a stale one gets the body.
    let r = crate::support::send(
        app.request(crate::support::Method::GET, "/api/v1/content/page/missie")
            .header("if-none-match", format!("\"oud\", W/{etag}")),
    )
    .await;
    assert_eq!(r.status, 304);
    let r = crate::support::send(
        app.request(crate::support::Method::GET, "/api/v1/content/page/missie")
            .header("if-none-match", "\"oud\""),
    )
    .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["title"], "Missie");
    // HEAD: GET's status and headers, no body.
    let get = app.get("/api/v1/content/page/missie").await.expect(200);
    let head = crate::support::send(
        app.request(crate::support::Method::HEAD, "/api/v1/content/page/missie"),
    )
    .await;
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert_eq!(head.header("etag"), get.header("etag"));
    assert_eq!(
        head.header("content-length"),
        Some(get.body.len().to_string())
    );
    let head = crate::support::send(
        app.request(crate::support::Method::HEAD, "/api/v1/content/page/visie"),
    )
    .await;
    assert_eq!(head.status, 404);
    assert!(head.body.is_empty());
    app.get("/api/v1/content/recepten/missie")
        .await
        .problem(404);
    app.get("/api/v1/content/page/visie").await.problem(404);
    let list = app.get("/api/v1/content").await.expect(200);
    assert_eq!(
        list.header("cache-control").as_deref(),
        Some("public, max-age=60")
    );
    let item = &list.json()["items"][0];
    assert!(item.get("body").is_none() && item.get("body_html").is_none());
    assert_eq!(item["tags"], json!(["over-ons"]));
}

async fn lists_filter_sort_and_validate(app: TestApp) {
    seed(
        &app,
        "news",
        "a-nieuws",
        doc("Beta nieuws", "x", &["corona"]),
        ago(30),
        None,
        None,
    )
    .await;
    seed(
        &app,
        "news",
        "b-nieuws",
        doc("Alfa nieuws", "x", &["beleid"]),
        ago(20),
        None,
        None,
    )
    .await;
    seed(
        &app,
        "page",
        "c-pagina",
        doc("Gamma", "x", &["corona"]),
        ago(10),
        None,
        None,
    )
    .await;
    let v = app.get("/api/v1/content").await.expect(200).json();
    assert_eq!(slugs(&v), vec!["c-pagina", "b-nieuws", "a-nieuws"]);
    let v = app
        .get("/api/v1/content?sort=published_at")
        .await
        .expect(200)
        .json();
    assert_eq!(slugs(&v), vec!["a-nieuws", "b-nieuws", "c-pagina"]);
    let v = app
        .get("/api/v1/content?sort=title")
        .await
        .expect(200)
        .json();
    assert_eq!(slugs(&v), vec!["b-nieuws", "a-nieuws", "c-pagina"]);
    let v = app
        .get("/api/v1/content?kind=news")
        .await
        .expect(200)
        .json();
    assert_eq!(slugs(&v), vec!["b-nieuws", "a-nieuws"]);
    assert_eq!(v["total"], 2);
    let v = app
        .get("/api/v1/content?kind=news,page&tag=corona")
        .await
        .expect(200)
        .json();
    assert_eq!(slugs(&v), vec!["c-pagina", "a-nieuws"]);
    assert_eq!(v["total"], 2);
    let v = app
        .get("/api/v1/content?kind=news&tag=corona")
        .await
        .expect(200)
        .json();
    assert_eq!(slugs(&v), vec!["a-nieuws"]);
    assert_eq!(v["total"], 1);
    let v = app
        .get("/api/v1/content?tag=corona")
        .await
        .expect(200)
        .json();
    assert_eq!(v["total"], 2);
    let since = oa_cms::usecase::public_docs::rfc3339(ago(15).unwrap());
    let v = app
        .get(&format!(
            "/api/v1/content?updated_since={}",
            since.replace('+', "%2B")
        ))
        .await
        .expect(200)
        .json();
    assert_eq!(slugs(&v), vec!["c-pagina"]);
    let v = app.get("/api/v1/content?limit=1").await.expect(200).json();
    assert_eq!(slugs(&v).len(), 1);
    assert_eq!(v["total"], 3);
    assert!(v["next_cursor"].is_string());
    for (q, field) in [
        ("kind=recept", "kind"),
        ("sort=random", "sort"),
        ("updated_since=gisteren", "updated_since"),
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=tien", "limit"),
    ] {
        let p = app.get(&format!("/api/v1/content?{q}")).await.problem(422);
        assert_eq!(Resp::fields(&p), vec![field], "{q}");
    }
    app.get("/api/v1/content?cursor=bm90LW91cnM")
        .await
        .problem(400);
    app.get("/api/v1/content?cursor=%%%").await.problem(400);
    // A cursor of one sort is not one of another.
    let c = v["next_cursor"].as_str().unwrap();
    app.get(&format!("/api/v1/content?sort=title&cursor={c}"))
        .await
        .problem(400);
}

async fn cursor_walk_returns_every_item_once(app: TestApp) {
    for i in 0..25 {
        seed(
            &app,
            "news",
            &format!("bericht-{i}"),
            doc(&format!("Bericht {i}"), "x", &[]),
            ago(100 - i),
            None,
            None,
        )
        .await;
    }
    for sort in ["-published_at", "published_at", "title", "-updated_at"] {
        let mut seen = HashSet::new();
        let mut cursor: Option<String> = None;
        let mut pages = 0;
        loop {
            let path = match &cursor {
                Some(c) => format!("/api/v1/content?limit=7&sort={sort}&cursor={c}"),
                None => format!("/api/v1/content?limit=7&sort={sort}"),
            };
            let v = app.get(&path).await.expect(200).json();
            for s in slugs(&v) {
                assert!(seen.insert(s.clone()), "{s} came twice ({sort})");
            }
            // Items published during the walk do not disturb it.
            if pages == 1 {
                seed(
                    &app,
                    "news",
                    &format!("nieuw-{sort}"),
                    doc("Nieuw", "x", &[]),
                    ago(200),
                    None,
                    None,
                )
                .await;
            }
            pages += 1;
            match v["next_cursor"].as_str() {
                Some(c) => cursor = Some(c.to_owned()),
                None => break,
            }
        }
        assert!(
            (0..25).all(|i| seen.contains(&format!("bericht-{i}"))),
            "{sort}: missing items"
        );
    }
}

async fn dutch_full_text_search(app: TestApp) {
    app.news("Tekort aan leraren")
        .slug("leraren")
        .body("De scholen zoeken nieuwe leraren.")
        .published()
        .await;
    app.news("Reünie in Sittard")
        .slug("reunie")
        .body("Een feest.")
        .published()
        .await;
    app.page("Visie")
        .body("Goed onderwijs voor ieder kind; een leraar maakt het verschil.")
        .published()
        .await;
    app.news("Leraar concept")
        .slug("concept")
        .body("leraar leraar")
        .draft()
        .await;
    let v = app.get("/api/v1/content?q=leraar").await.expect(200).json();
    let s = slugs(&v);
    assert_eq!(s.len(), 2, "{s:?}");
    // Ranked: two mentions and the title beat one mention.
    assert_eq!(s[0], "leraren");
    assert_eq!(v["total"], 2);
    let v = app.get("/api/v1/content?q=reunie").await.expect(200).json();
    assert_eq!(slugs(&v), vec!["reunie"]);
    let v = app
        .get("/api/v1/content?q=R%C3%89UNIE")
        .await
        .expect(200)
        .json();
    assert_eq!(slugs(&v), vec!["reunie"]);
    let v = app.get("/api/v1/content?q=school").await.expect(200).json();
    assert_eq!(slugs(&v), vec!["leraren"]);
    let v = app
        .get("/api/v1/content?q=leraar&kind=page")
        .await
        .expect(200)
        .json();
    assert_eq!(slugs(&v), vec!["visie"]);
    let v = app
        .get("/api/v1/content?q=leraar%20kind")
        .await
        .expect(200)
        .json();
    assert_eq!(slugs(&v), vec!["visie"]);
    // Syntax of either engine is just words here.
    let v = app
        .get("/api/v1/content?q=%22leraar%22%20OR%20*%20NEAR(")
        .await
        .expect(200)
        .json();
    assert!(v["items"].is_array());
    let v = app
        .get("/api/v1/content?q=leraar&limit=1")
        .await
        .expect(200)
        .json();
    let c = v["next_cursor"].as_str().unwrap().to_owned();
    let v2 = app
        .get(&format!("/api/v1/content?q=leraar&limit=1&cursor={c}"))
        .await
        .expect(200)
        .json();
    assert_eq!(slugs(&v2), vec!["visie"]);
    assert!(v2["next_cursor"].is_null());
}

/// Two server processes on one PostgreSQL database, schedules due: each change is applied
/// exactly once.
#[actix_web::test]
async fn two_processes_apply_each_scheduled_change_once() {
    let Some(app) = TestApp::spawn_postgres().await else {
        return;
    };
    let url = app.pg.as_ref().unwrap().url.clone();
    let dir = tempfile::tempdir().unwrap();
    let config = oa_cms::config::Config::for_tests(dir.path().to_path_buf(), url);
    let second = actix_web::web::block(move || oa_cms::startup::prepare(config))
        .await
        .unwrap()
        .unwrap();
    oa_cms::jobs::spawn(&second);
    let mut ids = Vec::new();
    for i in 0..10 {
        ids.push(
            seed(
                &app,
                "news",
                &format!("gepland-{i}"),
                doc("Gepland", "x", &[]),
                None,
                ahead(1),
                None,
            )
            .await,
        );
        ids.push(
            seed(
                &app,
                "news",
                &format!("verloopt-{i}"),
                doc("Verloopt", "x", &[]),
                ago(10),
                None,
                ahead(1),
            )
            .await,
        );
    }
    actix_web::rt::time::sleep(std::time::Duration::from_millis(3500)).await;
    for id in &ids {
        let v = app
            .admin_get(&format!("/api/v1/admin/audit?record_id={id}"))
            .await
            .expect(200)
            .json();
        let applied: Vec<&Value> = v["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["action"].as_str().unwrap().ends_with("_applied"))
            .collect();
        assert_eq!(applied.len(), 1, "item {id}: {applied:?}");
    }
    let v = app
        .get("/api/v1/content?limit=100")
        .await
        .expect(200)
        .json();
    let s = slugs(&v);
    assert_eq!(s.len(), 10);
    assert!(s.iter().all(|s| s.starts_with("gepland-")));
}

/// After the first request an answer comes from memory, and this process's own changes
/// (through the admin API) show on the very next request.
async fn answers_from_memory_follow_own_changes(app: TestApp) {
    use crate::content::{as_put, create, news, write};
    use crate::support::Method;
    let (id, etag, item) = create(&app, news("Geheugen")).await;
    let admin = format!("/api/v1/admin/content/{id}");
    write(&app, Method::POST, &format!("{admin}/publish"), &etag, None)
        .await
        .expect(200);
    let path = "/api/v1/content/news/geheugen";
    let list = "/api/v1/content?kind=news&limit=5";
    let first = app.get(path).await.expect(200);
    let first_etag = first.header("etag").unwrap();
    let first = first.text();
    let first_list = app.get(list).await.expect(200).text();
    let before = app.state.answers.counts();
    let again = app.get(path).await.expect(200);
    assert_eq!(again.header("etag").unwrap(), first_etag);
    assert_eq!(again.text(), first);
    assert_eq!(app.get(list).await.expect(200).text(), first_list);
    // A conditional request is answered from memory too.
    send(
        app.request(Method::GET, path)
            .header("if-none-match", &first_etag),
    )
    .await
    .expect(304);
    let after = app.state.answers.counts();
    assert_eq!(after.hits - before.hits, 3, "{before:?} {after:?}");
    assert_eq!(after.misses, before.misses);

    // A new version, published: shown at once, in the item and in the list.
    let mut body = as_put(&item);
    body["summary"] = json!("Nieuwe samenvatting");
    let etag2 = write(&app, Method::PUT, &admin, &etag, Some(&body))
        .await
        .expect(200)
        .header("etag")
        .unwrap();
    write(
        &app,
        Method::POST,
        &format!("{admin}/publish"),
        &etag2,
        None,
    )
    .await
    .expect(200);
    let v = app.get(path).await.expect(200);
    assert_ne!(v.header("etag").unwrap(), first_etag);
    assert_eq!(v.json()["summary"], "Nieuwe samenvatting");
    send(
        app.request(Method::GET, path)
            .header("if-none-match", &first_etag),
    )
    .await
    .expect(200);
    let v = app.get(list).await.expect(200).json();
    assert_eq!(v["items"][0]["summary"], "Nieuwe samenvatting");

    // Unpublished: gone at once.
    write(
        &app,
        Method::POST,
        &format!("{admin}/unpublish"),
        &etag2,
        None,
    )
    .await
    .expect(200);
    app.get(path).await.problem(404);
    let v = app.get(list).await.expect(200).json();
    assert_eq!(v["total"], 0);
    assert!(slugs(&v).is_empty());
}

/// Changes the public rows as another process would: on a connection of its own, outside
/// this process's transactions, so only the database's change counter tells.
fn delete_elsewhere(app: &TestApp, slug: &str) {
    use diesel::r2d2::ManageConnection;
    let mut conn = oa_cms::db::Manager::new(&app.state.config.database_url)
        .connect()
        .unwrap();
    let n = diesel::sql_query("DELETE FROM public_docs WHERE slug = $1")
        .bind::<diesel::sql_types::Text, _>(slug)
        .execute(&mut *conn);
    assert_eq!(n.unwrap(), 1);
}

async fn change_elsewhere_shows_after(app: TestApp, wait: std::time::Duration) {
    app.news("Elders").published().await;
    let path = "/api/v1/content/news/elders";
    app.get(path).await.expect(200);
    assert_eq!(
        app.get("/api/v1/content").await.expect(200).json()["total"],
        1
    );
    delete_elsewhere(&app, "elders");
    actix_web::rt::time::sleep(wait).await;
    app.get(path).await.problem(404);
    let v = app.get("/api/v1/content").await.expect(200).json();
    assert_eq!(v["total"], 0);
    assert!(slugs(&v).is_empty());
}

/// Another process's change shows within a second (the default `max-age` is 60 s).
async fn another_process_change_shows_within_a_second(app: TestApp) {
    change_elsewhere_shows_after(app, std::time::Duration::from_millis(1100)).await;
}

/// With `max-age` 0 clients may keep nothing, and neither does the server: another
/// process's change shows on the next request.
mod another_process_change_shows_at_once_when_max_age_is_zero {
    use crate::support::{PgDatabase, TestApp};

    #[actix_web::test]
    async fn sqlite() {
        let app = TestApp::spawn_with(None, |c| c.cache_max_age = 0).await;
        super::change_elsewhere_shows_after(app, std::time::Duration::ZERO).await;
    }

    #[actix_web::test]
    async fn postgres() {
        if let Some(pg) = PgDatabase::create() {
            let app = TestApp::spawn_with(Some(pg), |c| c.cache_max_age = 0).await;
            super::change_elsewhere_shows_after(app, std::time::Duration::ZERO).await;
        }
    }
}

/// With the answers store off (`PUBLIC_CACHE_MB=0`) every request reads the database: the
/// same behaviour, conditional requests included.
mod with_answers_in_memory_off {
    use crate::support::{PgDatabase, TestApp};

    async fn check(pg: Option<PgDatabase>) {
        let off = |c: &mut oa_cms::config::Config| c.public_cache_bytes = 0;
        let app = TestApp::spawn_with(pg, off).await;
        let pg = app.pg.as_ref().map(|_| PgDatabase::create().expect("pg"));
        super::single_item_is_cacheable(app).await;
        let app = TestApp::spawn_with(pg, off).await;
        let state = app.state.clone();
        super::only_what_is_published_now_is_shown(app).await;
        assert_eq!(state.answers.counts().hits, 0);
    }

    #[actix_web::test]
    async fn sqlite() {
        check(None).await;
    }

    #[actix_web::test]
    async fn postgres() {
        if let Some(pg) = PgDatabase::create() {
            check(Some(pg)).await;
        }
    }
}

/// The scheduler's pass that finds nothing to do changes no public row, so the answers kept
/// in memory stay valid.
async fn an_idle_scheduler_pass_keeps_the_answers(app: TestApp) {
    app.news("Blijft").published().await;
    let path = "/api/v1/content/news/blijft";
    app.get(path).await.expect(200);
    app.state
        .db
        .run(|c| oa_cms::jobs::run_once(c).map(|_| ()))
        .await
        .unwrap();
    let before = app.state.answers.counts();
    app.get(path).await.expect(200);
    let after = app.state.answers.counts();
    assert_eq!(after.hits - before.hits, 1, "{before:?} {after:?}");
}

/// A row whose window opens later shows at its time even when nothing is written in
/// between (its item's schedule is cleared, so the scheduler has nothing to apply): the
/// answers in memory expire at the next visibility moment on their own.
async fn answers_expire_when_a_visibility_window_opens(app: TestApp) {
    let id = seed(
        &app,
        "news",
        "venster",
        doc("Venster", "x", &[]),
        None,
        ahead(2),
        None,
    )
    .await;
    app.state
        .db
        .tx(move |c| {
            diesel::update(content_items::table.find(&id))
                .set(content_items::publish_at.eq(None::<NaiveDateTime>))
                .execute(c)?;
            Ok(())
        })
        .await
        .unwrap();
    let list = "/api/v1/content?kind=news";
    assert_eq!(app.get(list).await.expect(200).json()["total"], 0);
    let before = app.state.answers.counts();
    assert_eq!(app.get(list).await.expect(200).json()["total"], 0);
    assert_eq!(app.state.answers.counts().hits - before.hits, 1);
    actix_web::rt::time::sleep(std::time::Duration::from_millis(2500)).await;
    let v = app.get(list).await.expect(200).json();
    assert_eq!(slugs(&v), vec!["venster"]);
}

/// PostgreSQL: connections the server ends (a restart, a proxy's idle timeout) are replaced.
/// A connection in use a moment ago is taken again without a check, so a request on one
/// the server has just ended fails with 503; the pool then checks it, drops it and opens a
/// new one, so at most one request per pooled connection fails, and reads and writes work
/// again after that.
#[actix_web::test]
async fn postgres_connections_the_server_ended_are_replaced() {
    let Some(pg) = crate::support::PgDatabase::create() else {
        return;
    };
    let app = TestApp::spawn_with(Some(pg), |c| c.public_cache_bytes = 0).await;
    app.news("Verbonden").published().await;
    app.get("/api/v1/content/news/verbonden").await.expect(200);
    app.pg.as_ref().unwrap().end_connections();
    let pool = app.state.db.state().connections;
    let mut failed = 0;
    let mut served = 0;
    for _ in 0..(pool + 10) {
        let r = app.get("/api/v1/content/news/verbonden").await;
        if r.status == 200 {
            served += 1;
            if served == 5 {
                break;
            }
        } else {
            assert_eq!(
                served, 0,
                "a failure after the pool recovered: {}",
                r.status
            );
            assert_eq!(r.status, 503, "a lost connection is 503, not {}", r.status);
            failed += 1;
        }
    }
    assert_eq!(served, 5, "still failing after {failed} requests");
    assert!(
        failed <= pool,
        "{failed} failures with {pool} pooled connections"
    );
    app.news("Na herstel").published().await;
    app.get("/api/v1/content/news/na-herstel").await.expect(200);
}
