//! Public downloads: only what a published version uses, with validators and ranges.

use crate::support::Method;
use chrono::Duration;

use super::{PDF, random_bytes, sha256_hex, unique_pdf, uploaded};
use crate::both_backends;
use crate::content_fixtures::{Item, item, now, set_archived};
use crate::support::{Resp, TestApp, send};

both_backends!(
    published_file_is_served_whole,
    ranges_at_both_ends_and_the_middle,
    if_none_match_answers_304,
    only_the_visible_version_counts,
    a_file_is_public_exactly_when_its_item_is,
    everything_else_is_404,
    a_file_stops_being_served_at_once_when_its_item_is_unpublished,
);

/// Whether a file is public is kept in memory with the public answers; an unpublication, an
/// archive or a new version without the file ends it on the very next request.
async fn a_file_stops_being_served_at_once_when_its_item_is_unpublished(app: TestApp) {
    let rec = uploaded(&app, "Verdwijnt.pdf", PDF).await;
    let url = rec["url"].as_str().unwrap().to_owned();
    let mut item = app
        .download("Verdwijnt", rec["id"].as_str().unwrap())
        .published()
        .await;
    for _ in 0..3 {
        get(&app, &url, &[]).await.expect(200);
    }
    item.unpublish(&app, None).await;
    get(&app, &url, &[]).await.problem(404);
    item.publish(&app).await;
    get(&app, &url, &[]).await.expect(200);
    item.archive(&app).await;
    get(&app, &url, &[]).await.problem(404);
}

async fn get(app: &TestApp, url: &str, headers: &[(&str, &str)]) -> Resp {
    let mut rb = app.request(Method::GET, url);
    for (k, v) in headers {
        rb = rb.header(*k, *v);
    }
    send(rb).await
}

async fn published_file_is_served_whole(app: TestApp) {
    let bytes = random_bytes(3 * 1024 * 1024 + 5);
    let rec = uploaded(&app, "Manifest Onderwijs.bin", &bytes).await;
    let url = rec["url"].as_str().unwrap();
    // Not used by anything yet.
    get(&app, url, &[]).await.problem(404);
    app.download("Manifest Onderwijs", rec["id"].as_str().unwrap())
        .published()
        .await;
    let r = get(&app, url, &[]).await.expect(200);
    assert!(r.body == bytes, "byte-exact");
    assert_eq!(r.header("content-length"), Some(bytes.len().to_string()));
    assert_eq!(
        r.header("content-type").as_deref(),
        Some("application/octet-stream")
    );
    assert_eq!(
        r.header("etag"),
        Some(format!("\"{}\"", sha256_hex(&bytes)))
    );
    assert_eq!(
        r.header("cache-control").as_deref(),
        Some("public, max-age=60")
    );
    assert_eq!(r.header("accept-ranges").as_deref(), Some("bytes"));
    assert_eq!(
        r.header("content-disposition").as_deref(),
        Some("attachment; filename=\"Manifest Onderwijs.bin\"")
    );
    // A PDF shows inline.
    let pdf = uploaded(&app, "Manifest.pdf", PDF).await;
    app.download("Manifest", pdf["id"].as_str().unwrap())
        .published()
        .await;
    let r = get(&app, pdf["url"].as_str().unwrap(), &[])
        .await
        .expect(200);
    assert_eq!(r.header("content-type").as_deref(), Some("application/pdf"));
    assert_eq!(
        r.header("content-disposition").as_deref(),
        Some("inline; filename=\"Manifest.pdf\"")
    );
    assert_eq!(r.body, PDF);
}

async fn ranges_at_both_ends_and_the_middle(app: TestApp) {
    let bytes = random_bytes(100_000);
    let size = bytes.len();
    let rec = uploaded(&app, "reeks.bin", &bytes).await;
    app.download("Reeks", rec["id"].as_str().unwrap())
        .published()
        .await;
    let url = rec["url"].as_str().unwrap();
    let etag = format!("\"{}\"", sha256_hex(&bytes));
    let part = |range: &str, start: usize, end: usize| {
        let range = range.to_owned();
        let app = &app;
        let bytes = &bytes;
        async move {
            let r = get(app, url, &[("range", &range)]).await.expect(206);
            assert_eq!(
                r.header("content-range"),
                Some(format!("bytes {start}-{end}/{size}")),
                "{range}"
            );
            assert_eq!(
                r.header("content-length"),
                Some((end - start + 1).to_string())
            );
            assert_eq!(r.header("accept-ranges").as_deref(), Some("bytes"));
            assert!(r.body == bytes[start..=end], "{range}: bytes differ");
        }
    };
    part("bytes=0-99", 0, 99).await;
    part("bytes=40000-40999", 40_000, 40_999).await;
    part("bytes=99900-", 99_900, size - 1).await;
    part("bytes=-100", size - 100, size - 1).await;
    part(&format!("bytes=99990-{}", size + 50), 99_990, size - 1).await;
    part("bytes=0-0", 0, 0).await;
    // Outside the file: 416 with the size.
    let r = get(&app, url, &[("range", "bytes=100000-")]).await;
    assert_eq!(r.header("content-range"), Some(format!("bytes */{size}")));
    r.problem(416);
    get(&app, url, &[("range", "bytes=-0")]).await.problem(416);
    // Several ranges, or a range we cannot read: the whole file.
    let r = get(&app, url, &[("range", "bytes=0-9,20-29")])
        .await
        .expect(200);
    assert!(r.body == bytes);
    let r = get(&app, url, &[("range", "bytes=9-0")]).await.expect(200);
    assert!(r.body == bytes);
    // If-Range: a part only for the current version.
    get(&app, url, &[("range", "bytes=0-9"), ("if-range", &etag)])
        .await
        .expect(206);
    let r = get(
        &app,
        url,
        &[("range", "bytes=0-9"), ("if-range", "\"old\"")],
    )
    .await
    .expect(200);
    assert_eq!(r.body.len(), size);
}

async fn if_none_match_answers_304(app: TestApp) {
    let rec = uploaded(&app, "a.pdf", &unique_pdf()).await;
    app.download("A", rec["id"].as_str().unwrap())
        .published()
        .await;
    let url = rec["url"].as_str().unwrap();
    let etag = get(&app, url, &[])
        .await
        .expect(200)
        .header("etag")
        .unwrap();
    assert_eq!(etag, format!("\"{}\"", rec["sha256"].as_str().unwrap()));
    for value in [
        etag.clone(),
        format!("W/{etag}"),
        format!("\"x\", {etag}"),
        "*".into(),
    ] {
        let r = get(&app, url, &[("if-none-match", &value)])
            .await
            .expect(304);
        assert!(r.body.is_empty());
        assert_eq!(r.header("etag").as_ref(), Some(&etag));
        assert_eq!(
            r.header("cache-control").as_deref(),
            Some("public, max-age=60")
        );
    }
    get(&app, url, &[("if-none-match", "\"other\"")])
        .await
        .expect(200);
}

async fn only_the_visible_version_counts(app: TestApp) {
    let hour = Duration::hours(1);
    let mk = |name: &str| {
        let app = &app;
        let name = name.to_owned();
        async move { uploaded(app, &name, &unique_pdf()).await }
    };
    // Used only by a draft: version 2 is newer than the published version 1.
    let draft = mk("concept.pdf").await;
    let other = mk("gepubliceerd.pdf").await;
    item(
        &app,
        Item {
            latest: 2,
            ..Item::published("Manifest")
        },
        &[
            (other["id"].as_str().unwrap(), &[1]),
            (draft["id"].as_str().unwrap(), &[2]),
        ],
    )
    .await;
    get(&app, draft["url"].as_str().unwrap(), &[])
        .await
        .problem(404);
    get(&app, other["url"].as_str().unwrap(), &[])
        .await
        .expect(200);

    // A publish whose time has come shows its version; one still to come does not.
    let due = mk("gepland.pdf").await;
    let pending = mk("later.pdf").await;
    item(
        &app,
        Item {
            latest: 2,
            publish_version: Some(2),
            publish_at: Some(now() - hour),
            ..Item::published("Gepland")
        },
        &[(due["id"].as_str().unwrap(), &[2])],
    )
    .await;
    item(
        &app,
        Item {
            latest: 2,
            publish_version: Some(2),
            publish_at: Some(now() + hour),
            ..Item::published("Later")
        },
        &[(pending["id"].as_str().unwrap(), &[2])],
    )
    .await;
    get(&app, due["url"].as_str().unwrap(), &[])
        .await
        .expect(200);
    get(&app, pending["url"].as_str().unwrap(), &[])
        .await
        .problem(404);

    // An unpublish whose time has come hides it; one still to come does not.
    let gone = mk("weg.pdf").await;
    let going = mk("straks-weg.pdf").await;
    for (file, at) in [(&gone, now() - hour), (&going, now() + hour)] {
        item(
            &app,
            Item {
                unpublish_at: Some(at),
                ..Item::published("Tijdelijk")
            },
            &[(file["id"].as_str().unwrap(), &[1])],
        )
        .await;
    }
    get(&app, gone["url"].as_str().unwrap(), &[])
        .await
        .problem(404);
    get(&app, going["url"].as_str().unwrap(), &[])
        .await
        .expect(200);

    // Archiving hides it, unarchiving brings it back.
    let archived = mk("archief.pdf").await;
    let item = app
        .download("Archief", archived["id"].as_str().unwrap())
        .published()
        .await;
    let url = archived["url"].as_str().unwrap();
    get(&app, url, &[]).await.expect(200);
    // The archived flag alone, publication kept (the API's archive also unpublishes).
    set_archived(&app, &item.id, true).await;
    get(&app, url, &[]).await.problem(404);
    set_archived(&app, &item.id, false).await;
    get(&app, url, &[]).await.expect(200);
}

/// Files and items follow one rule of visibility: with an unpublish and a later publish
/// both due (and no job having applied them yet), the item shows the new version, and so
/// its file is served; with both due at the same moment, neither is shown.
async fn a_file_is_public_exactly_when_its_item_is(app: TestApp) {
    let minute = chrono::Duration::minutes(1);
    let due = now() - minute;
    for (name, unpublish_at, shown) in [
        ("terug.pdf", due - minute, true),
        ("tegelijk.pdf", due, false),
    ] {
        let file = uploaded(&app, name, &unique_pdf()).await;
        let id = item(
            &app,
            Item {
                latest: 2,
                publish_version: Some(2),
                publish_at: Some(due),
                unpublish_at: Some(unpublish_at),
                ..Item::published(name)
            },
            &[(file["id"].as_str().unwrap(), &[2])],
        )
        .await;
        let listed = app
            .get("/api/v1/content?kind=download&limit=100")
            .await
            .expect(200)
            .json();
        let item_shown = listed["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["id"] == id.as_str() && i["version"] == 2);
        assert_eq!(item_shown, shown, "{name}: the item");
        let status = get(&app, file["url"].as_str().unwrap(), &[]).await.status;
        assert_eq!(
            status.as_u16() == 200,
            shown,
            "{name}: its file answered {status}"
        );
    }
}

async fn everything_else_is_404(app: TestApp) {
    let rec = uploaded(&app, "Reünie verslag.pdf", &unique_pdf()).await;
    let id = rec["id"].as_str().unwrap();
    app.download("Reünie verslag", id).published().await;
    let url = rec["url"].as_str().unwrap();
    assert_eq!(url, format!("/api/v1/files/{id}/Re%C3%BCnie%20verslag.pdf"));
    get(&app, url, &[]).await.expect(200);
    for bad in [
        format!("/api/v1/files/{id}/andere-naam.pdf"),
        format!("/api/v1/files/{id}/re%C3%BCnie%20verslag.pdf"),
        format!("/api/v1/files/{id}/..%2FRe%C3%BCnie%20verslag.pdf"),
        format!("/api/v1/files/{id}/..%2F..%2Fcms.db"),
        format!("/api/v1/files/{id}/%2e%2e"),
        format!(
            "/api/v1/files/{}/Re%C3%BCnie%20verslag.pdf",
            id.to_uppercase()
        ),
        format!(
            "/api/v1/files/{}/Re%C3%BCnie%20verslag.pdf",
            id.replace('-', "")
        ),
        format!(
            "/api/v1/files/{}/Re%C3%BCnie%20verslag.pdf",
            uuid::Uuid::now_v7()
        ),
        "/api/v1/files/not-a-uuid/x.pdf".to_owned(),
        "/api/v1/files/..%2F..%2Fcms.db/x".to_owned(),
        format!("/api/v1/files/{id}"),
    ] {
        let p = get(&app, &bad, &[]).await.problem(404);
        assert!(!p["detail"].as_str().unwrap().contains('/'), "{bad}: {p}");
    }
}
