//! The admin UI at `/admin`: served from the binary, under a strict CSP, with no inline
//! script or handler and nothing loaded from other hosts.

use regex::Regex;

use crate::support::{Backend, TestApp};

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
    img-src 'self' data: blob:; object-src 'self'; frame-src 'self'; frame-ancestors 'none'; \
    base-uri 'none'; form-action 'self'";

fn assets_on_disk() -> Vec<String> {
    fn walk(dir: &std::path::Path, base: &std::path::Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).expect("read admin-ui") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(&path, base, out);
            } else {
                let rel = path.strip_prefix(base).expect("relative");
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let base = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("admin-ui");
    let mut out = Vec::new();
    walk(&base, &base, &mut out);
    out.sort();
    out
}

#[actix_web::test]
async fn admin_serves_the_shell_page_with_a_strict_csp() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    for path in [
        "/admin",
        "/admin/",
        "/admin/inhoud",
        "/admin/inhoud/0192-abc/versies",
    ] {
        let r = app.get(path).await.expect(200);
        assert_eq!(
            r.header("content-security-policy").as_deref(),
            Some(CSP),
            "{path}"
        );
        assert_eq!(
            r.header("content-type").as_deref(),
            Some("text/html; charset=utf-8"),
            "{path}"
        );
        assert_eq!(r.header("cache-control").as_deref(), Some("no-cache"));
        assert_eq!(
            r.header("x-content-type-options").as_deref(),
            Some("nosniff")
        );
        let html = r.text();
        assert!(html.contains("<html lang=\"nl\">"), "{path}: {html}");
        assert!(html.contains("src=\"/admin/app.js\""));
    }
}

#[actix_web::test]
async fn assets_have_their_types_etags_and_revalidate() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    for (path, ty) in [
        ("/admin/app.js", "text/javascript; charset=utf-8"),
        ("/admin/views/editor.js", "text/javascript; charset=utf-8"),
        ("/admin/style.css", "text/css; charset=utf-8"),
        ("/admin/favicon.svg", "image/svg+xml"),
    ] {
        let r = app.get(path).await.expect(200);
        assert_eq!(r.header("content-type").as_deref(), Some(ty), "{path}");
        assert_eq!(r.header("content-security-policy").as_deref(), Some(CSP));
        let etag = r.header("etag").expect("etag");
        assert!(etag.starts_with('"') && etag.len() == 66, "{etag}");
        let again = crate::support::send(
            app.request(crate::support::Method::GET, path)
                .header("if-none-match", &etag),
        )
        .await
        .expect(304);
        assert!(again.body.is_empty());
        let other = crate::support::send(
            app.request(crate::support::Method::GET, path)
                .header("if-none-match", "\"something else\""),
        )
        .await
        .expect(200);
        assert!(!other.body.is_empty());
    }
    // A missing asset is a 404, not the shell page.
    let r = app.get("/admin/nope.js").await.expect(404);
    assert!(!r.text().contains("<html"));
}

#[actix_web::test]
async fn no_inline_script_no_handlers_no_other_hosts() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let script = Regex::new(r"(?is)<script\b([^>]*)>").expect("regex");
    let handler = Regex::new(r"(?i)<[a-z][^>]*\son[a-z]+\s*=").expect("regex");
    let style_attr = Regex::new(r"(?i)<[a-z][^>]*\sstyle\s*=").expect("regex");
    let url =
        Regex::new(r#"(?i)(https?:)?//([a-z0-9.-]+\.[a-z]{2,}|localhost)[:/"'\s]"#).expect("regex");
    let assets = assets_on_disk();
    assert!(assets.iter().any(|a| a == "index.html"));
    for asset in &assets {
        let ext = asset.rsplit_once('.').map_or("", |(_, e)| e);
        let r = app.get(&format!("/admin/{asset}")).await.expect(200);
        // An SVG's namespace names a host but loads nothing from it.
        let text = r.text().replace("http://www.w3.org/2000/svg", "");
        if ext == "html" {
            for cap in script.captures_iter(&text) {
                assert!(
                    cap[1].contains("src="),
                    "{asset}: inline <script{}>",
                    &cap[1]
                );
            }
            assert!(!handler.is_match(&text), "{asset}: inline event handler");
            assert!(!style_attr.is_match(&text), "{asset}: inline style");
            assert!(!text.contains("<style"), "{asset}: inline style sheet");
        }
        if ext == "js" {
            // Markup built from strings would dodge the CSP check above; the app builds
            // elements instead, and only the server-sanitised Markdown is set as HTML.
            assert!(
                !text.contains("setAttribute('style'") && !text.contains("onclick=\""),
                "{asset}: inline style or handler"
            );
        }
        if let Some(m) = url.find(&text) {
            panic!("{asset}: reference to another host: {}", m.as_str());
        }
    }
}

#[actix_web::test]
async fn admin_is_no_api_route() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let doc = app.get("/api/openapi.json").await.expect(200).json();
    let paths = doc["paths"].as_object().expect("paths");
    assert!(paths.keys().all(|p| !p.starts_with("/admin")));
    // Writes to the UI's addresses are not routes either.
    let r = crate::support::send(app.request(crate::support::Method::POST, "/admin/inhoud")).await;
    assert!(r.status.is_client_error());
}

async fn preview_renders_like_body_html(app: TestApp) {
    let r = app
        .admin_json(
            crate::support::Method::POST,
            "/api/v1/admin/preview",
            &serde_json::json!({"body": "# Kop\n\n**vet** <script>alert(1)</script> [x](javascript:alert(1))"}),
        )
        .await
        .expect(200);
    let html = r.json()["html"].as_str().expect("html").to_owned();
    assert!(html.contains("<h1>Kop</h1>"), "{html}");
    assert!(html.contains("<strong>vet</strong>"), "{html}");
    assert!(
        !html.contains("<script") && !html.contains("javascript:"),
        "{html}"
    );

    let p = app
        .admin_json(
            crate::support::Method::POST,
            "/api/v1/admin/preview",
            &serde_json::json!({"body": "x".repeat(200_001)}),
        )
        .await
        .problem(422);
    assert_eq!(crate::support::Resp::fields(&p), vec!["body"]);
    let p = app
        .admin_json(
            crate::support::Method::POST,
            "/api/v1/admin/preview",
            &serde_json::json!({"body": "x", "title": "y"}),
        )
        .await
        .problem(422);
    assert_eq!(crate::support::Resp::fields(&p), vec!["title"]);

    let (_, reader) = app.staff("lezer@test.nl", oa_cms::auth::Role::Read).await;
    crate::support::send(
        app.request(crate::support::Method::POST, "/api/v1/admin/preview")
            .bearer_auth(reader)
            .json(&serde_json::json!({"body": "x"})),
    )
    .await
    .problem(403);
    crate::support::send(
        app.request(crate::support::Method::POST, "/api/v1/admin/preview")
            .json(&serde_json::json!({"body": "x"})),
    )
    .await
    .problem(401);
}

crate::both_backends!(preview_renders_like_body_html);

/// The list and the editor show who saved last.
async fn items_name_who_saved_last(app: TestApp) {
    let created = app
        .admin_json(
            crate::support::Method::POST,
            "/api/v1/admin/content",
            &serde_json::json!({"kind": "page", "title": "Missie", "fields": {"position": 1}}),
        )
        .await
        .expect(201)
        .json();
    assert_eq!(created["updated_by"], "admin@test.nl");
    let (_, editor) = app
        .staff("redacteur@test.nl", oa_cms::auth::Role::Editor)
        .await;
    let id = created["id"].as_str().expect("id");
    crate::support::send(
        app.request(
            crate::support::Method::PUT,
            &format!("/api/v1/admin/content/{id}"),
        )
        .bearer_auth(editor)
        .header("if-match", format!("\"{id}:1\""))
        .json(&serde_json::json!({"title": "Onze missie", "fields": {"position": 1}})),
    )
    .await
    .expect(200);
    let list = app
        .admin_get("/api/v1/admin/content")
        .await
        .expect(200)
        .json();
    assert_eq!(list["items"][0]["updated_by"], "redacteur@test.nl");
    let item = app
        .admin_get(&format!("/api/v1/admin/content/{id}"))
        .await
        .expect(200)
        .json();
    assert_eq!(item["updated_by"], "redacteur@test.nl");
}

crate::both_backends!(items_name_who_saved_last);
