//! The sync feed: a client that applies its entries in order holds exactly the published
//! items, also while two processes change them at once.

use std::collections::BTreeMap;

use chrono::{Duration, Utc};
use serde_json::{Value, json};

use crate::both_backends;
use crate::support::{Resp, TestApp, titles};

both_backends!(
    the_feed_starts_with_every_item_and_follows_each_change,
    the_feed_is_complete_while_two_processes_write,
    bad_cursors_and_limits_are_refused,
    admin_updated_at_moves_with_the_publication,
    big_pages_are_sent_gzipped_to_clients_that_take_it,
);

/// What a site keeps: the published items by id, with their slugs.
#[derive(Default)]
struct Follower {
    items: BTreeMap<String, String>,
    cursor: Option<String>,
    deletes: Vec<String>,
}

impl Follower {
    /// Follows the feed until it has nothing more now.
    async fn follow(&mut self, app: &TestApp, limit: u32) {
        loop {
            let q = self
                .cursor
                .as_ref()
                .map_or(String::new(), |c| format!("&cursor={c}"));
            let page = app
                .get(&format!("/api/v1/sync?limit={limit}{q}"))
                .await
                .expect(200)
                .json();
            for e in page["entries"].as_array().unwrap() {
                let id = e["id"].as_str().unwrap().to_owned();
                let slug = e["slug"].as_str().unwrap().to_owned();
                match e["type"].as_str().unwrap() {
                    "upsert" => {
                        assert!(e["version"].is_i64(), "{e}");
                        self.items.insert(id, slug);
                    }
                    "delete" => {
                        self.deletes.push(slug.clone());
                        if self.items.get(&id) == Some(&slug) {
                            self.items.remove(&id);
                        }
                    }
                    other => panic!("entry type {other}"),
                }
            }
            self.cursor = Some(page["next_cursor"].as_str().unwrap().to_owned());
            if page["has_more"] == false {
                return;
            }
        }
    }
}

/// The published items as the public list gives them.
async fn published(app: &TestApp) -> BTreeMap<String, String> {
    let v = app
        .get("/api/v1/content?limit=100")
        .await
        .expect(200)
        .json();
    assert!(v["next_cursor"].is_null());
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["kind"] != "home")
        .map(|i| {
            (
                i["id"].as_str().unwrap().to_owned(),
                i["slug"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

async fn the_feed_starts_with_every_item_and_follows_each_change(app: TestApp) {
    let mut a = app.news("Eerste bericht").published().await;
    let mut b = app.page("Missie").published().await;
    let c = app
        .location("Ontwikkelplek Rotterdam", "Rotterdam")
        .published()
        .await;
    app.news("Concept").draft().await;
    let mut follower = Follower::default();
    follower.follow(&app, 2).await;
    assert_eq!(follower.items, published(&app).await);
    assert!(follower.items.contains_key(&c.id));

    // Unpublished, archived, published under another slug: deletes, then an upsert.
    a.unpublish(&app, None).await;
    b.edit(&app, |d| d["slug"] = json!("onze-missie")).await;
    b.publish(&app).await;
    let mut c = c;
    c.archive(&app).await;
    follower.follow(&app, 100).await;
    assert_eq!(follower.items, published(&app).await);
    assert_eq!(
        follower.items.get(&b.id).map(String::as_str),
        Some("onze-missie")
    );
    assert!(
        follower.deletes.contains(&"missie".to_owned()),
        "{:?}",
        follower.deletes
    );
    assert!(!follower.items.contains_key(&a.id) && !follower.items.contains_key(&c.id));

    // Nothing changed: an empty page, the same cursor.
    let before = follower.cursor.clone();
    follower.follow(&app, 100).await;
    assert_eq!(follower.cursor, before);

    // A scheduled publication shows in the feed at its time, not before.
    let at = Utc::now() + Duration::milliseconds(1200);
    let later = app.news("Straks").scheduled(at).await;
    follower.follow(&app, 100).await;
    assert!(!follower.items.contains_key(&later.id));
    actix_web::rt::time::sleep(
        (at - Utc::now()).to_std().unwrap_or_default() + std::time::Duration::from_millis(200),
    )
    .await;
    follower.follow(&app, 100).await;
    assert!(follower.items.contains_key(&later.id));
    assert_eq!(follower.items, published(&app).await);
    // A new version published is an upsert again.
    a.publish(&app).await;
    follower.follow(&app, 100).await;
    assert_eq!(follower.items, published(&app).await);
}

async fn the_feed_is_complete_while_two_processes_write(app: TestApp) {
    let other = app.sibling().await;
    let mut mine = Vec::new();
    let mut theirs = Vec::new();
    for i in 0..4 {
        mine.push(app.news(&format!("Hier {i}")).published().await);
        theirs.push(other.news(&format!("Daar {i}")).published().await);
    }
    let mut follower = Follower::default();
    follower.follow(&app, 3).await;
    // Each process changes its own items, both at once, while the client follows.
    let reading = async {
        for _ in 0..10 {
            follower.follow(&app, 5).await;
            actix_web::rt::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    };
    let (mine, mut theirs, ()) = futures_util::join!(
        write(&app, mine, "hier"),
        write(&other, theirs, "daar"),
        reading
    );
    theirs[0].archive(&other).await;
    let _ = mine;
    // A change another process made shows in this one's answers within a second (the
    // answers kept in memory; see usecase::answers).
    actix_web::rt::time::sleep(std::time::Duration::from_millis(1100)).await;
    follower.follow(&app, 5).await;
    let expected = published(&app).await;
    assert_eq!(follower.items, expected);
    // The other process's feed says the same.
    let mut again = Follower::default();
    again.follow(&other, 7).await;
    assert_eq!(again.items, published(&other).await);
}

/// Unpublishes, renames and republishes each item in turn, three times over.
async fn write(
    app: &TestApp,
    mut items: Vec<crate::builders::Item>,
    tag: &str,
) -> Vec<crate::builders::Item> {
    for round in 0..3 {
        for (n, item) in items.iter_mut().enumerate() {
            match (round + n) % 3 {
                0 => item.unpublish(app, None).await,
                1 => {
                    item.edit(app, |d| d["slug"] = json!(format!("{tag}-{n}-{round}")))
                        .await;
                    item.publish(app).await;
                }
                _ => item.publish(app).await,
            }
        }
    }
    items
}

async fn bad_cursors_and_limits_are_refused(app: TestApp) {
    app.get("/api/v1/sync?cursor=bm90IG91cnM")
        .await
        .problem(400);
    let p = app.get("/api/v1/sync?limit=1001").await.problem(422);
    assert_eq!(Resp::fields(&p), ["limit"]);
    let v: Value = app.get("/api/v1/sync?cursor=").await.expect(200).json();
    assert_eq!(v["has_more"], false);
}

/// The admin list's `updated_since` finds what was published, unpublished or archived since.
async fn admin_updated_at_moves_with_the_publication(app: TestApp) {
    let mut a = app.news("Gepubliceerd").published().await;
    let mut b = app.news("Gearchiveerd").published().await;
    let since = Utc::now();
    let q = format!(
        "/api/v1/admin/content?updated_since={}",
        since.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
    );
    assert!(titles(&app.admin_get(&q).await.expect(200).json()).is_empty());
    a.unpublish(&app, None).await;
    b.archive(&app).await;
    let mut found = titles(
        &app.admin_get(&format!("{q}&status=draft,archived"))
            .await
            .expect(200)
            .json(),
    );
    found.sort();
    assert_eq!(found, ["Gearchiveerd", "Gepubliceerd"]);
    let moved =
        chrono::DateTime::parse_from_rfc3339(a.json["updated_at"].as_str().unwrap()).unwrap();
    assert!(moved >= since, "{moved} {since}");
}

async fn big_pages_are_sent_gzipped_to_clients_that_take_it(app: TestApp) {
    use std::io::Read;
    for i in 0..20 {
        app.news(&format!("Bericht {i}")).published().await;
    }
    let get = |path: &'static str, accept: Option<&'static str>| {
        let app = &app;
        async move {
            let mut req = app.request(crate::support::Method::GET, path);
            if let Some(a) = accept {
                req = req.header("Accept-Encoding", a);
            }
            crate::support::send(req).await.expect(200)
        }
    };
    for path in ["/api/v1/sync?limit=1000", "/api/v1/content?limit=20"] {
        let plain = get(path, None).await;
        assert!(plain.header("content-encoding").is_none());
        assert!(plain.header("vary").unwrap().contains("Accept-Encoding"));
        // The first request builds and keeps the answer, the second is served from memory:
        // both compressed, and the same once decompressed.
        for _ in 0..2 {
            let zipped = get(path, Some("gzip, deflate, br")).await;
            assert_eq!(
                zipped.header("content-encoding").as_deref(),
                Some("gzip"),
                "{path}"
            );
            assert!(zipped.body.len() < plain.body.len() / 2, "{path}");
            let mut text = Vec::new();
            flate2::read::GzDecoder::new(&zipped.body[..])
                .read_to_end(&mut text)
                .unwrap();
            assert_eq!(text, plain.body, "{path}");
        }
        // Refused gzip, or asked for another coding only: as it is.
        for accept in ["gzip;q=0", "br", "identity"] {
            let r = get(path, Some(accept)).await;
            assert!(r.header("content-encoding").is_none(), "{accept}");
            assert_eq!(r.body, plain.body);
        }
    }
    // A small answer is not worth compressing.
    let small = get("/api/v1/content?limit=1", Some("gzip")).await;
    assert!(small.header("content-encoding").is_none());
}
