//! Query strings and conditional headers as the typed params and headers read them: every
//! bad parameter named at once, the public list's own sorts, the OpenAPI document showing
//! the types, and ranges or validators that do not apply answered with the whole file.

use crate::support::Method;
use serde_json::Value;

use crate::both_backends;
use crate::files::{random_bytes, sha256_hex, uploaded};
use crate::support::{Resp, TestApp, send};

both_backends!(
    unknown_and_bad_parameters_are_named_together,
    the_public_list_offers_its_own_sorts,
    a_parameter_given_twice_is_refused,
    conditions_that_do_not_apply_serve_the_whole_file,
);

async fn unknown_and_bad_parameters_are_named_together(app: TestApp) {
    // The public list ignores parameters it does not know (see hardening.rs).
    let p = app
        .get("/api/v1/content?colour=red&limit=0")
        .await
        .problem(422);
    assert_eq!(Resp::fields(&p), ["limit"]);
    let p = app
        .admin_get("/api/v1/admin/content?colour=red&limit=0&status=live")
        .await
        .problem(422);
    assert_eq!(Resp::fields(&p), ["colour", "limit", "status"]);
    let p = app
        .admin_get("/api/v1/admin/memberships?colour=red&status=x&limit=ten")
        .await
        .problem(422);
    assert_eq!(Resp::fields(&p), ["colour", "status", "limit"]);
    let p = app
        .admin_get("/api/v1/admin/memberships/export.csv?colour=red&delimiter=pipe")
        .await
        .problem(422);
    assert_eq!(Resp::fields(&p), ["colour", "delimiter"]);
    let p = app
        .admin_get("/api/v1/admin/audit?since=gisteren&limit=201")
        .await
        .problem(422);
    assert_eq!(Resp::fields(&p), ["since", "limit"]);
    let id = uuid::Uuid::now_v7();
    let p = app
        .admin_get(&format!("/api/v1/admin/content/{id}/diff?from=0&x=1"))
        .await
        .problem(422);
    assert_eq!(Resp::fields(&p), ["x", "from", "to"]);
    // Every list takes an empty limit as no limit.
    for path in [
        "/api/v1/admin/content?limit=",
        "/api/v1/admin/files?limit=",
        "/api/v1/admin/memberships?limit=",
        "/api/v1/admin/audit?limit=",
    ] {
        app.admin_get(path).await.expect(200);
    }
    app.get("/api/v1/content?limit=").await.expect(200);
}

async fn the_public_list_offers_its_own_sorts(app: TestApp) {
    for sort in ["-published_at", "published_at", "title", "-updated_at"] {
        app.get(&format!("/api/v1/content?sort={sort}"))
            .await
            .expect(200);
    }
    // Oldest update first is an admin order only.
    let p = app
        .get("/api/v1/content?sort=updated_at")
        .await
        .problem(422);
    assert_eq!(Resp::fields(&p), ["sort"]);
    app.admin_get("/api/v1/admin/content?sort=updated_at")
        .await
        .expect(200);

    let doc = app.get("/api/openapi.json").await.expect(200).json();
    let param = |path: &str, name: &str| -> Value {
        doc["paths"][path]["get"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name)
            .unwrap_or_else(|| panic!("{path} has no parameter {name}"))
            .clone()
    };
    // Empty values read as absent, and the schema says so.
    let sort = param("/api/v1/content", "sort");
    assert_eq!(sort["schema"]["anyOf"][1]["enum"], serde_json::json!([""]));
    assert_eq!(
        sort["schema"]["anyOf"][0]["enum"],
        serde_json::json!([
            "-published_at",
            "published_at",
            "title",
            "-updated_at",
            "position"
        ])
    );
    let sort = param("/api/v1/admin/content", "sort");
    assert_eq!(
        sort["schema"]["anyOf"][0]["enum"],
        serde_json::json!([
            "-updated_at",
            "updated_at",
            "title",
            "-published_at",
            "published_at"
        ])
    );
    for path in [
        "/api/v1/content",
        "/api/v1/admin/content",
        "/api/v1/admin/files",
        "/api/v1/admin/memberships",
    ] {
        let limit = param(path, "limit");
        assert_eq!(limit["schema"]["anyOf"][0]["type"], "integer", "{path}");
        assert_eq!(limit["schema"]["anyOf"][0]["minimum"], 1, "{path}");
        assert_eq!(limit["schema"]["anyOf"][0]["maximum"], 100, "{path}");
    }
    let status = param("/api/v1/admin/content", "status");
    assert_eq!(status["schema"]["anyOf"][0]["type"], "array");
    assert_eq!(status["explode"], false);
    assert_eq!(
        status["schema"]["anyOf"][0]["items"]["enum"],
        serde_json::json!(["draft", "scheduled", "published", "changed", "archived"])
    );
    let delimiter = param("/api/v1/admin/memberships/export.csv", "delimiter");
    assert_eq!(
        delimiter["schema"]["anyOf"][0]["enum"],
        serde_json::json!(["semicolon", "comma", "tab"])
    );
}

async fn a_parameter_given_twice_is_refused(app: TestApp) {
    let p = app
        .get("/api/v1/content?limit=1&limit=2")
        .await
        .problem(422);
    assert_eq!(Resp::fields(&p), ["query"]);
    let p = app
        .admin_get("/api/v1/admin/content?sort=title&sort=title")
        .await
        .problem(422);
    assert_eq!(Resp::fields(&p), ["query"]);
}

async fn conditions_that_do_not_apply_serve_the_whole_file(app: TestApp) {
    let bytes = random_bytes(10_000);
    let rec = uploaded(&app, "geheel.bin", &bytes).await;
    app.download("Geheel", rec["id"].as_str().unwrap())
        .published()
        .await;
    let url = rec["url"].as_str().unwrap();
    let etag = format!("\"{}\"", sha256_hex(&bytes));
    let get = |headers: &[(&str, String)]| {
        let mut rb = app.request(Method::GET, url);
        for (k, v) in headers {
            rb = rb.header(*k, v);
        }
        send(rb)
    };
    let range = ("range", "bytes=0-9".to_owned());
    // If-Range compares strongly, and a date names no version of ours.
    for if_range in [
        format!("W/{etag}"),
        "Sat, 29 Oct 1994 19:43:31 GMT".to_owned(),
    ] {
        let r = get(&[range.clone(), ("if-range", if_range.clone())])
            .await
            .expect(200);
        assert!(r.body == bytes, "{if_range}");
    }
    let r = get(&[range.clone(), ("if-range", etag.clone())])
        .await
        .expect(206);
    assert_eq!(
        r.header("content-range").as_deref(),
        Some("bytes 0-9/10000")
    );
    // A range that is not one (a sign, another unit) is ignored.
    for value in ["bytes=+1-2", "items=0-9", "bytes=abc"] {
        let r = get(&[("range", value.to_owned())]).await.expect(200);
        assert!(r.body == bytes, "{value}");
    }
    // If-None-Match compares weakly, over every tag of every line.
    let r = get(&[
        ("if-none-match", "\"x\"".to_owned()),
        ("if-none-match", format!("\"y\", W/{etag}")),
    ])
    .await
    .expect(304);
    assert_eq!(r.header("etag"), Some(etag));
}
