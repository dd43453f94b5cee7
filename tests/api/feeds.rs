//! The Atom feed and the sitemap: valid documents of the published items, with absolute
//! addresses, conditional like items.

use crate::both_backends;
use crate::support::{Method, TestApp, send};

both_backends!(
    the_atom_feed_holds_the_newest_published_news,
    the_sitemap_lists_every_published_item,
);

async fn the_atom_feed_holds_the_newest_published_news(app: TestApp) {
    app.news("Eerste")
        .summary("Het begin.")
        .field("author", "Joke")
        .published()
        .await;
    // A control character XML does not allow, pasted into a title, is left out.
    app.news("Oude\u{b}tekst").published().await;
    app.news("Tweede").tags(["manifest"]).published().await;
    app.news("Concept").draft().await;
    app.page("Missie").published().await;
    let r = app.get("/api/v1/feed.atom").await.expect(200);
    assert_eq!(
        r.header("content-type").as_deref(),
        Some("application/atom+xml")
    );
    let etag = r.header("etag").unwrap();
    let feed = atom_syndication::Feed::read_from(&r.body[..]).expect("valid Atom");
    let titles: Vec<&str> = feed.entries.iter().map(|e| e.title.as_str()).collect();
    assert_eq!(titles, ["Tweede", "Oudetekst", "Eerste"]);
    let first = &feed.entries[2];
    assert!(first.id.starts_with("urn:uuid:"), "{}", first.id);
    assert!(
        first.links[0].href.ends_with("/news/eerste"),
        "{}",
        first.links[0].href
    );
    assert!(
        first.links[0].href.starts_with("http"),
        "absolute: {}",
        first.links[0].href
    );
    assert_eq!(first.summary.as_ref().unwrap().as_str(), "Het begin.");
    assert_eq!(first.authors[0].name, "Joke");
    assert!(feed.links.iter().any(|l| l.rel == "self"));
    // Filters like the list, and conditional like an item.
    let tagged = app.get("/api/v1/feed.atom?tag=manifest").await.expect(200);
    let tagged = atom_syndication::Feed::read_from(&tagged.body[..]).unwrap();
    assert_eq!(tagged.entries.len(), 1);
    let pages = app.get("/api/v1/feed.atom?kind=page").await.expect(200);
    assert_eq!(
        atom_syndication::Feed::read_from(&pages.body[..])
            .unwrap()
            .entries[0]
            .title
            .as_str(),
        "Missie"
    );
    app.get("/api/v1/feed.atom?kind=nieuws").await.problem(422);
    app.get("/api/v1/feed.atom?kind=%09").await.problem(422);
    let r = send(
        app.request(Method::GET, "/api/v1/feed.atom")
            .header("if-none-match", &etag),
    )
    .await;
    assert_eq!(r.status.as_u16(), 304);
    // A new article changes the feed at once.
    app.news("Derde").published().await;
    let r = app.get("/api/v1/feed.atom").await.expect(200);
    assert_ne!(r.header("etag").unwrap(), etag);
}

async fn the_sitemap_lists_every_published_item(app: TestApp) {
    let news = app.news("Nieuws & meer").published().await;
    app.page("Missie").published().await;
    app.news("Concept").draft().await;
    let r = app.get("/sitemap.xml").await.expect(200);
    assert_eq!(r.header("content-type").as_deref(), Some("application/xml"));
    let xml = r.text();
    assert!(xml.starts_with("<?xml"), "{xml}");
    assert!(xml.contains("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"));
    let locs: Vec<&str> = xml
        .split("<loc>")
        .skip(1)
        .map(|s| s.split("</loc>").next().unwrap())
        .collect();
    assert_eq!(locs.len(), 2, "{xml}");
    assert!(locs.iter().all(|l| l.starts_with("http")), "{locs:?}");
    assert!(
        locs.iter()
            .any(|l| l.ends_with(&format!("/news/{}", news.slug()))),
        "{locs:?}"
    );
    assert!(xml.contains("<lastmod>"));
    app.get("/sitemap.xml?page=2").await.problem(404);
    // Forwarding headers anyone can send do not decide the addresses.
    let forged = send(
        app.request(Method::GET, "/sitemap.xml")
            .header("x-forwarded-host", "evil.example")
            .header("forwarded", "host=evil.example"),
    )
    .await
    .expect(200)
    .text();
    assert!(!forged.contains("evil.example"), "{forged}");
    app.get("/sitemap.xml?page=nul").await.problem(422);
    app.get("/sitemap.xml?page=%0C").await.problem(422);
    let etag = r.header("etag").unwrap();
    let again = send(
        app.request(Method::GET, "/sitemap.xml")
            .header("if-none-match", &etag),
    )
    .await;
    assert_eq!(again.status.as_u16(), 304);
}
