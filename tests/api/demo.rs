//! `serve --demo`: the alliance's content loaded once at start, published, read back through
//! the public API as an external website would.

use crate::support::Method;
use oa_cms::demo::Outcome;
use serde_json::{Value, json};

use std::time::Duration;

use crate::process::ServerProcess;
use crate::support::{Resp, TestApp};

/// Runs `$name` on a demo-enabled app, on SQLite and (with `TEST_DATABASE_URL`) PostgreSQL.
macro_rules! demo_backends {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            use crate::support::{PgDatabase, TestApp};
            #[actix_web::test]
            async fn sqlite() {
                super::$name(TestApp::spawn_with(None, |c| c.demo = true).await).await;
            }
            #[actix_web::test]
            async fn postgres() {
                if let Some(pg) = PgDatabase::create() {
                    super::$name(TestApp::spawn_with(Some(pg), |c| c.demo = true).await).await;
                }
            }
        }
    )*};
}

demo_backends!(
    demo_content_is_published_and_readable,
    a_second_start_loads_nothing_twice,
    a_database_with_content_gets_no_demo,
);

const PAGES: [(&str, &str, i64); 7] = [
    ("missie", "Missie", 1),
    ("visie", "Visie", 2),
    ("strategie", "Strategie", 3),
    ("kernwaarden", "Kernwaarden", 4),
    ("wat-we-doen", "Wat we doen", 5),
    (
        "het-alliantie-wiel",
        "Het Alliantie-wiel: diverse perspectieven verbinden",
        6,
    ),
    ("hoe-kun-jij-bijdragen", "Hoe kun jij bijdragen?", 7),
];

const MANIFEST: &str = "/api/v1/content/manifest/samen-werken-aan-goed-onderwijs-voor-ieder-kind";

async fn start(app: &TestApp) -> oa_cms::startup::Started {
    oa_cms::startup::on_start(&app.state).await.expect("start")
}

async fn public(app: &TestApp, kind: &str, slug: &str) -> Value {
    app.get(&format!("/api/v1/content/{kind}/{slug}"))
        .await
        .expect(200)
        .json()
}

async fn total(app: &TestApp, query: &str) -> i64 {
    app.get(&format!("/api/v1/content?{query}"))
        .await
        .expect(200)
        .json()["total"]
        .as_i64()
        .unwrap()
}

/// Every published item of every kind, by `(kind, slug)`.
async fn listing(app: &TestApp) -> Vec<(String, String)> {
    let list = app
        .get("/api/v1/content?limit=100")
        .await
        .expect(200)
        .json();
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["kind"].as_str().unwrap().to_owned(),
                i["slug"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// Downloads a public file, checks it is a PDF that parses and whose text carries
/// `title`; returns its size.
async fn pdf_with_title(app: &TestApp, url: &str, title: &str) -> usize {
    let r = app.get(url).await.expect(200);
    assert_eq!(r.header("content-type").as_deref(), Some("application/pdf"));
    assert!(r.body.starts_with(b"%PDF-"), "{url}");
    let doc = lopdf::Document::load_mem(&r.body).unwrap_or_else(|e| panic!("{url}: {e}"));
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    assert!(
        (1..=2).contains(&pages.len()),
        "{url}: {} pages",
        pages.len()
    );
    let text = doc.extract_text(&pages).unwrap();
    assert!(text.contains(title), "{url} lacks {title:?}: {text}");
    r.body.len()
}

async fn demo_content_is_published_and_readable(app: TestApp) {
    let started = start(&app).await;
    let Some(Outcome::Loaded(summary)) = started.demo.clone() else {
        panic!("not loaded: {:?}", started.demo);
    };
    assert_eq!(summary.items, 23);
    assert_eq!(summary.files, 4);
    assert_eq!(summary.sign_ups, 4);

    // The start-up message: where it listens, the admin URL, how to log in; one per line.
    let addr: std::net::SocketAddr = "127.0.0.1:8080".parse().unwrap();
    let lines = started.message(addr);
    assert_eq!(lines[0], format!("Listening on http://{addr}"));
    assert_eq!(lines[1], format!("Admin URL: http://{addr}/admin"));
    assert!(lines.iter().all(|l| !l.contains('\n')));

    // Everything is public, and the list says so per kind.
    let all = listing(&app).await;
    assert_eq!(all.len(), 23, "{all:?}");
    for (kind, n) in [
        ("page", 10),
        ("location", 3),
        ("manifest", 1),
        ("download", 4),
        ("video", 1),
        ("news", 3),
        ("home", 1),
    ] {
        assert_eq!(total(&app, &format!("kind={kind}")).await, n, "{kind}");
    }
    for (kind, slug) in &all {
        let item = public(&app, kind, slug).await;
        // The home page `migrate` made is filled in by a second version.
        let version = if kind == "home" { 2 } else { 1 };
        assert_eq!(item["version"], version, "{slug}");
        assert!(item["title"].as_str().is_some_and(|t| !t.is_empty()));
        assert_eq!(item["url"], format!("/{kind}/{slug}"));
        // Links between items go to the website, never to an API path.
        assert!(
            !item["body_html"]
                .as_str()
                .unwrap()
                .contains("/api/v1/content"),
            "{slug}"
        );
    }

    for (slug, title, position) in PAGES {
        let page = public(&app, "page", slug).await;
        assert_eq!(page["title"], title);
        assert_eq!(page["fields"]["position"], position);
        assert!(page["fields"]["parent"].is_null(), "{slug}");
        assert!(
            page["body_html"].as_str().unwrap().contains("<p>"),
            "{slug}"
        );
    }
    let values = public(&app, "page", "kernwaarden").await;
    assert_eq!(
        values["body_html"]
            .as_str()
            .unwrap()
            .matches("<li>")
            .count(),
        4
    );
    // The Alliantie-wiel's three parts are pages under it.
    for (slug, position) in [("integraal", 1), ("fundamenteel", 2), ("onafhankelijk", 3)] {
        let part = public(&app, "page", slug).await;
        assert_eq!(
            part["fields"]["parent"]["slug"], "het-alliantie-wiel",
            "{slug}"
        );
        assert_eq!(part["fields"]["position"], position);
    }

    // The Ontwikkelplekken in the website's order.
    let locations = app
        .get("/api/v1/content?kind=location&sort=position")
        .await
        .expect(200)
        .json();
    let order: Vec<&str> = locations["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["slug"].as_str().unwrap())
        .collect();
    assert_eq!(
        order,
        [
            "ontwikkelplek-rotterdam",
            "ontwikkelplek-amsterdam",
            "ontwikkelplek-sittard-geleen"
        ]
    );
    for (slug, city, initiator) in [
        (
            "ontwikkelplek-rotterdam",
            "Rotterdam",
            "Stichting Campus010",
        ),
        (
            "ontwikkelplek-amsterdam",
            "Amsterdam",
            "Stichting Westelijke Tuinsteden",
        ),
        (
            "ontwikkelplek-sittard-geleen",
            "Sittard-Geleen",
            "Kindcentrum Sittard",
        ),
    ] {
        let loc = public(&app, "location", slug).await;
        assert_eq!(loc["fields"]["city"], city);
        assert_eq!(loc["fields"]["initiator"], initiator);
        assert!(loc["fields"]["initiator_url"].is_null());
    }

    let manifest = app.get(MANIFEST).await.expect(200).json();
    assert_eq!(manifest["title"], "Manifest De Onderwijs Alliantie");
    assert_eq!(
        manifest["fields"]["subtitle"],
        "Samen werken aan goed onderwijs voor ieder kind"
    );
    let refs = manifest["fields"]["references"].as_array().unwrap();
    assert_eq!(refs.len(), 3);
    assert_eq!(refs[0]["label"], "1");
    assert!(refs[1]["citation"].as_str().unwrap().contains("McKinsey"));
    let html = manifest["body_html"].as_str().unwrap();
    assert!(html.contains("recht op goed onderwijs"));
    for n in 1..=3 {
        assert!(
            html.contains(&format!("<sup><a href=\"#bron-{n}\"")),
            "{html}"
        );
    }
    // Its documents, video and the opinion piece are linked to it.
    let titles = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|d| d["title"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        titles(&manifest["fields"]["downloads"]),
        ["Manifest", "Bord manifest", "Rapportage"]
    );
    assert_eq!(manifest["fields"]["video"]["url"], "/video/video-bekijken");
    assert_eq!(
        titles(&manifest["fields"]["related"]),
        ["Achterstand door Corona? Weg met die stress!"]
    );
    assert_eq!(manifest["attachments"], json!([]));

    for (slug, title, pdf_title) in [
        (
            "manifest-downloaden",
            "Manifest",
            "Manifest De Onderwijs Alliantie",
        ),
        ("bord-manifest-downloaden", "Bord manifest", "Bord manifest"),
        (
            "rapportage-downloaden",
            "Rapportage",
            "Rapportage Onderwijs Alliantie",
        ),
        ("alliantie-wiel", "Het Alliantie-wiel", "Het Alliantie-wiel"),
    ] {
        let d = public(&app, "download", slug).await;
        assert_eq!(d["title"], title);
        assert!(
            d["fields"]["description"]
                .as_str()
                .is_some_and(|s| !s.is_empty())
        );
        let file = &d["fields"]["file"];
        assert_eq!(file["id"], d["fields"]["file_id"]);
        assert_eq!(file["content_type"], "application/pdf");
        let bytes = pdf_with_title(&app, file["url"].as_str().unwrap(), pdf_title).await;
        assert_eq!(file["size"], bytes);
    }

    // The home page: its sections in the website's order, with their items.
    let site = app.get("/api/v1/site").await.expect(200).json();
    assert_eq!(site["name"], "Onderwijs Alliantie");
    assert_eq!(
        site["tagline"],
        "Samen werken aan goed onderwijs voor ieder kind"
    );
    let keys: Vec<&str> = site["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["key"].as_str().unwrap())
        .collect();
    assert_eq!(
        keys,
        [
            "sleutel",
            "over-ons",
            "downloads",
            "ontwikkelplekken",
            "bijdragen",
            "aanmelden",
            "inzichten"
        ]
    );
    assert_eq!(
        titles(&site["sections"][3]["items"]),
        [
            "Ontwikkelplek Rotterdam",
            "Ontwikkelplek Amsterdam",
            "Ontwikkelplek Sittard-Geleen"
        ]
    );
    let signup = site["sections"][5]["body_html"].as_str().unwrap();
    assert!(
        signup.contains("Ben je al lid? Log dan hier in."),
        "{signup}"
    );
    assert!(signup.contains("Gegevensverwerking"), "{signup}");
    assert_eq!(
        titles(&site["sections"][6]["items"]),
        [
            "Ontwikkelplek van de Toekomst",
            "Recht op goed onderwijs onder druk"
        ]
    );
    let wiel = site["navigation"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["slug"] == "het-alliantie-wiel")
        .unwrap();
    assert_eq!(
        titles(&wiel["children"]),
        ["Integraal", "Fundamenteel", "Onafhankelijk"]
    );

    // Sign-ups are there for staff who handle members, through their own API.
    let (_, members_token) = app
        .staff("leden@test.nl", oa_cms::auth::Role::Membership)
        .await;
    let members = crate::support::send(
        app.request(Method::GET, "/api/v1/admin/memberships")
            .bearer_auth(&members_token),
    )
    .await
    .expect(200)
    .json();
    assert_eq!(members["total"], 4, "{members}");
    let statuses: Vec<&str> = members["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["status"].as_str().unwrap())
        .collect();
    assert!(statuses.contains(&"approved") && statuses.contains(&"new"));
    let approved = app
        .admin_get("/api/v1/admin/memberships?status=approved&role=koploper")
        .await
        .expect(200)
        .json();
    assert_eq!(approved["total"], 1);

    let news = public(&app, "news", "recht-op-goed-onderwijs-onder-druk").await;
    assert_eq!(news["title"], "Recht op goed onderwijs onder druk");
    assert_eq!(news["fields"]["display_date"], "2020-09-24");
    assert!(news["body"].as_str().unwrap().contains("Arie Slob"));
    assert!(
        news["body_html"]
            .as_str()
            .unwrap()
            .contains("<a href=\"/manifest/samen-werken-aan-goed-onderwijs-voor-ieder-kind\""),
        "{news}"
    );
    let opinion = public(&app, "news", "achterstand-door-corona-weg-met-die-stress").await;
    assert_eq!(
        opinion["title"],
        "Achterstand door Corona? Weg met die stress!"
    );
    assert_eq!(opinion["fields"]["author"], "Joke Middelbeek");
    // The website gives a date for one article only: the others have none.
    assert!(opinion["fields"]["display_date"].is_null());
    let teaser = public(&app, "news", "ontwikkelplek-van-de-toekomst").await;
    assert!(teaser["fields"]["display_date"].is_null());

    // The website gives no address for the video: the item is there, its URL empty.
    let video = public(&app, "video", "video-bekijken").await;
    assert!(video["fields"]["url"].is_null(), "{video}");
    assert!(video["fields"]["provider"].is_null());

    // Saved like an editor's work: versioned with a comment, by the demo, and audited.
    let admin = app
        .admin_get("/api/v1/admin/content?kind=manifest")
        .await
        .expect(200)
        .json();
    let id = admin["items"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(admin["items"][0]["status"], "published");
    let versions = app
        .admin_get(&format!("/api/v1/admin/content/{id}/versions"))
        .await
        .expect(200)
        .json();
    assert_eq!(versions["published_version"], 1);
    let versions = versions["versions"].as_array().unwrap();
    assert_eq!(versions.len(), 1);
    assert_eq!(versions[0]["author"], "demo");
    assert!(
        versions[0]["comment"]
            .as_str()
            .is_some_and(|c| !c.is_empty())
    );
    let audit = app
        .admin_get(&format!("/api/v1/admin/audit?record_id={id}"))
        .await
        .expect(200)
        .text();
    assert!(
        audit.contains("\"publish\"") && audit.contains("\"create\""),
        "{audit}"
    );
}

async fn a_second_start_loads_nothing_twice(app: TestApp) {
    assert!(matches!(start(&app).await.demo, Some(Outcome::Loaded(_))));
    let before = listing(&app).await;
    let audit_before = audit_count(&app).await;
    let files_before = admin_total(&app, "/api/v1/admin/files").await;
    let members_before = admin_total(&app, "/api/v1/admin/memberships").await;
    assert_eq!((files_before, members_before), (4, 4));

    let again = start(&app).await;
    assert_eq!(again.demo, Some(Outcome::AlreadyDone));
    assert!(
        again
            .message("127.0.0.1:8080".parse().unwrap())
            .iter()
            .any(|l| l.contains("earlier start"))
    );
    // Called straight, as a second process would.
    assert_eq!(
        oa_cms::demo::load(&app.state).await.unwrap(),
        Outcome::AlreadyDone
    );
    assert_eq!(listing(&app).await, before);
    assert_eq!(audit_count(&app).await, audit_before);
    assert_eq!(admin_total(&app, "/api/v1/admin/files").await, files_before);
    assert_eq!(
        admin_total(&app, "/api/v1/admin/memberships").await,
        members_before
    );
}

async fn admin_total(app: &TestApp, path: &str) -> i64 {
    app.admin_get(path).await.expect(200).json()["total"]
        .as_i64()
        .unwrap()
}

async fn a_database_with_content_gets_no_demo(app: TestApp) {
    let created = app
        .admin_json(
            Method::POST,
            "/api/v1/admin/content",
            &json!({"kind": "page", "title": "Eigen pagina", "fields": {"position": 1}}),
        )
        .await;
    created.expect(201);
    let started = start(&app).await;
    assert_eq!(started.demo, Some(Outcome::NotEmpty));
    let admin = app
        .admin_get("/api/v1/admin/content")
        .await
        .expect(200)
        .json();
    assert_eq!(admin["total"], 1, "{admin}");
    assert_eq!(total(&app, "").await, 0);
    assert_eq!(admin_total(&app, "/api/v1/admin/files").await, 0);
    assert_eq!(admin_total(&app, "/api/v1/admin/memberships").await, 0);
    // The decision is kept: deleting the item later does not bring the demo in.
    assert_eq!(
        oa_cms::demo::load(&app.state).await.unwrap(),
        Outcome::AlreadyDone
    );
}

async fn audit_count(app: &TestApp) -> usize {
    let r: Resp = app
        .admin_get("/api/v1/admin/audit?limit=200")
        .await
        .expect(200);
    let v = r.json();
    v.as_array()
        .or_else(|| v["items"].as_array())
        .map_or(0, Vec::len)
}

/// The real binary: `serve --demo` prints where it listens and how to log in, once; the
/// printed password works; a restart on the same data prints no password and adds nothing.
#[test]
fn serve_demo_prints_the_way_in_once_and_loads_once() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let total = |server: &ServerProcess| -> i64 {
        server
            .client
            .get(server.url("/api/v1/content"))
            .send()
            .unwrap()
            .json::<Value>()
            .unwrap()["total"]
            .as_i64()
            .unwrap()
    };

    let mut first = ServerProcess::start(&data, &["--demo"]);
    // The demo line is printed last.
    let demo = first
        .wait_for_stdout("Demo content", Duration::from_secs(5))
        .expect("demo line");
    assert_eq!(first.stdout_value("Admin URL:"), Some(first.url("/admin")));
    let email = first.stdout_value("E-mail:").expect("e-mail line");
    let password = first.stdout_value("Password:").expect("password line");
    assert!(demo.contains("23 published items"), "{demo}");
    assert_eq!(total(&first), 23);
    let login = first
        .client
        .post(first.url("/api/v1/auth/login"))
        .header("sec-fetch-site", "same-origin")
        .json(&json!({"email": email, "password": password}))
        .send()
        .unwrap();
    assert_eq!(login.status(), 200);
    first.stop(Duration::from_secs(30));

    let mut second = ServerProcess::start(&data, &["--demo"]);
    let demo = second
        .wait_for_stdout("Demo content", Duration::from_secs(5))
        .expect("demo line");
    assert!(demo.contains("earlier start"), "{demo}");
    assert_eq!(second.stdout_value("Password:"), None);
    assert_eq!(total(&second), 23);
    second.stop(Duration::from_secs(30));
}
