//! Staff handling sign-ups: access, filters, changes with audit, erasure, the export.

use crate::support::Method;
use diesel::sql_types::Text;
use diesel::{QueryableByName, RunQueryDsl};
use serde_json::{Value, json};

use super::{
    challenge, erase, etag, find_everywhere, form, ids, list, patch, post_form, reset_limits,
    sign_up,
};
use crate::both_backends;
use crate::support::{Resp, TestApp, send};

both_backends!(
    only_admin_and_membership_see_members,
    filters_and_pages,
    bad_filters_are_named,
    patch_changes_status_and_note_audited,
    erase_leaves_no_trace_anywhere,
    export_is_csv_that_round_trips,
);

async fn first_id(app: &TestApp) -> String {
    list(app, "").await["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn only_admin_and_membership_see_members(app: TestApp) {
    sign_up(&app, "Jan", "jan@example.nl").await;
    let id = first_id(&app).await;
    let (_, editor) = app
        .staff("editor@test.nl", oa_cms::auth::Role::Editor)
        .await;
    let (_, reader) = app.staff("read@test.nl", oa_cms::auth::Role::Read).await;
    let (_, member) = app
        .staff("leden@test.nl", oa_cms::auth::Role::Membership)
        .await;
    let routes = [
        (Method::GET, "/api/v1/admin/memberships".to_owned(), None),
        (
            Method::GET,
            "/api/v1/admin/memberships/export.csv".to_owned(),
            None,
        ),
        (Method::GET, format!("/api/v1/admin/memberships/{id}"), None),
        (
            Method::PATCH,
            format!("/api/v1/admin/memberships/{id}"),
            Some(json!({"status": "approved"})),
        ),
        (
            Method::DELETE,
            format!("/api/v1/admin/memberships/{id}"),
            None,
        ),
    ];
    for (method, path, body) in &routes {
        let with = |rb: crate::support::Req| match body {
            Some(b) => rb.json(b),
            None => rb,
        };
        send(with(app.request(method.clone(), path)))
            .await
            .problem(401);
        for secret in [&editor, &reader] {
            send(with(app.request(method.clone(), path).bearer_auth(secret)))
                .await
                .problem(403);
        }
    }
    // Nothing changed through the refused writes.
    let v = list(&app, "").await;
    assert_eq!(v["items"][0]["status"], "new");
    // The membership role does everything.
    for (method, path, body) in &routes {
        let mut rb = app.request(method.clone(), path).bearer_auth(&member);
        if [Method::PATCH, Method::DELETE].contains(method) {
            rb = rb.header("if-match", etag(&app, &id).await);
        }
        let rb = match body {
            Some(b) => rb.json(b),
            None => rb,
        };
        let r = send(rb).await;
        assert!(r.status.is_success(), "{method} {path}: {}", r.text());
    }
}

async fn filters_and_pages(app: TestApp) {
    let people = [
        (
            "Anna Bakker",
            "anna@example.nl",
            "koploper",
            "onderwijs",
            Some("Basisschool De Regenboog"),
        ),
        (
            "Bram de Wit",
            "bram@voorbeeld.nl",
            "sloper",
            "bedrijfsleven",
            None,
        ),
        (
            "Chantal Öztürk",
            "chantal@example.nl",
            "koploper",
            "wetenschap",
            Some("Universiteit 100%"),
        ),
        (
            "Daan Visser",
            "daan@example.nl",
            "volger",
            "onderwijs",
            None,
        ),
    ];
    for (name, email, role, sector, org) in people {
        let (token, answer) = challenge(&app).await;
        let mut body = form(name, email, &token, answer);
        body["role"] = json!(role);
        body["sector"] = json!(sector);
        body["organisation"] = json!(org);
        post_form(&app, &body).await.expect(202);
    }
    let names = |v: &Value| -> Vec<String> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["name"].as_str().unwrap().to_owned())
            .collect()
    };
    let daan = list(&app, "?q=daan").await;
    assert_eq!(names(&daan), ["Daan Visser"]);
    let daan_id = daan["items"][0]["id"].as_str().unwrap().to_owned();
    patch(&app, &daan_id, &json!({"status": "approved"}))
        .await
        .expect(200);

    assert_eq!(
        names(&list(&app, "?role=koploper").await),
        ["Chantal Öztürk", "Anna Bakker"]
    );
    assert_eq!(
        names(&list(&app, "?sector=onderwijs").await),
        ["Daan Visser", "Anna Bakker"]
    );
    assert_eq!(
        names(&list(&app, "?status=approved").await),
        ["Daan Visser"]
    );
    assert_eq!(list(&app, "?status=new").await["total"], 3);
    assert_eq!(list(&app, "?status=rejected").await["total"], 0);
    assert_eq!(
        names(&list(&app, "?role=koploper&sector=onderwijs").await),
        ["Anna Bakker"]
    );
    // q: name, e-mail and organisation, any case; wildcards are taken literally.
    assert_eq!(names(&list(&app, "?q=BAKKER").await), ["Anna Bakker"]);
    assert_eq!(names(&list(&app, "?q=voorbeeld.nl").await), ["Bram de Wit"]);
    assert_eq!(names(&list(&app, "?q=regenboog").await), ["Anna Bakker"]);
    assert_eq!(names(&list(&app, "?q=100%25").await), ["Chantal Öztürk"]);
    assert_eq!(list(&app, "?q=%25").await["total"], 1);
    assert_eq!(list(&app, "?q=_").await["total"], 0);
    assert_eq!(list(&app, "?q=nobody").await["total"], 0);

    // Pages of two, newest first, with the total over all pages.
    let p1 = list(&app, "?limit=2").await;
    assert_eq!(p1["total"], 4);
    assert_eq!(names(&p1), ["Daan Visser", "Chantal Öztürk"]);
    let cursor = p1["next_cursor"].as_str().unwrap();
    let p2 = list(&app, &format!("?limit=2&cursor={cursor}")).await;
    assert_eq!(names(&p2), ["Bram de Wit", "Anna Bakker"]);
    assert_eq!(p2["next_cursor"], Value::Null);
    // A cursor with a filter keeps the filter.
    let k1 = list(&app, "?limit=1&role=koploper").await;
    let c = k1["next_cursor"].as_str().unwrap();
    let k2 = list(&app, &format!("?limit=1&role=koploper&cursor={c}")).await;
    assert_eq!(names(&k2), ["Anna Bakker"]);
    assert_eq!(k2["next_cursor"], Value::Null);
}

async fn bad_filters_are_named(app: TestApp) {
    for (query, field) in [
        ("?status=done", "status"),
        ("?role=baas", "role"),
        ("?sector=politiek", "sector"),
        ("?limit=0", "limit"),
        ("?limit=101", "limit"),
        ("?limit=ten", "limit"),
        ("?stauts=new", "stauts"),
    ] {
        let p = app
            .admin_get(&format!("/api/v1/admin/memberships{query}"))
            .await
            .problem(422);
        assert_eq!(Resp::fields(&p), [field], "{query}");
    }
    let p = app
        .admin_get(&format!("/api/v1/admin/memberships?q={}", "x".repeat(201)))
        .await
        .problem(422);
    assert_eq!(Resp::fields(&p), ["q"]);
    // Several at once.
    let p = app
        .admin_get("/api/v1/admin/memberships?status=x&role=y")
        .await
        .problem(422);
    assert_eq!(Resp::fields(&p), ["status", "role"]);
    // The export checks the same filters, and its delimiter.
    let p = app
        .admin_get("/api/v1/admin/memberships/export.csv?sector=x&delimiter=pipe")
        .await
        .problem(422);
    assert_eq!(Resp::fields(&p), ["sector", "delimiter"]);
    // A cursor that is not ours.
    app.admin_get("/api/v1/admin/memberships?cursor=bm90LW91cnM")
        .await
        .problem(400);
    app.admin_get("/api/v1/admin/memberships?cursor=!!!")
        .await
        .problem(400);
    // Unknown record.
    app.admin_get("/api/v1/admin/memberships/0190d0c4-0000-7000-8000-000000000000")
        .await
        .problem(404);
    app.admin_get("/api/v1/admin/memberships/not-an-id")
        .await
        .problem(404);
}

#[derive(QueryableByName, Debug)]
struct AuditRow {
    #[diesel(sql_type = Text)]
    action: String,
    #[diesel(sql_type = Text)]
    record_id: String,
    #[diesel(sql_type = Text)]
    detail: String,
}

async fn membership_audit(app: &TestApp) -> Vec<AuditRow> {
    app.state
        .db
        .run(|c| {
            Ok(diesel::sql_query(
                "SELECT action, record_id, detail FROM audit_log \
                 WHERE record_type = 'membership' ORDER BY id",
            )
            .load::<AuditRow>(c)?)
        })
        .await
        .unwrap()
}

async fn patch_changes_status_and_note_audited(app: TestApp) {
    sign_up(&app, "Jan Jansen", "jan@example.nl").await;
    let id = first_id(&app).await;
    let path = format!("/api/v1/admin/memberships/{id}");
    let v = patch(
        &app,
        &id,
        &json!({"status": "approved", "note": "Gebeld met Jan Jansen"}),
    )
    .await
    .expect(200)
    .json();
    assert_eq!(v["status"], "approved");
    assert_eq!(v["note"], "Gebeld met Jan Jansen");
    assert_eq!(v["name"], "Jan Jansen");
    assert_eq!(app.admin_get(&path).await.expect(200).json(), v);
    // Only the note; then clearing it; then nothing at all (no audit entry).
    let (_, member) = app
        .staff("leden@test.nl", oa_cms::auth::Role::Membership)
        .await;
    let v = send(
        app.request(Method::PATCH, &path)
            .bearer_auth(&member)
            .header("if-match", etag(&app, &id).await)
            .json(&json!({"status": "rejected", "note": null})),
    )
    .await
    .expect(200)
    .json();
    assert_eq!(v["status"], "rejected");
    assert_eq!(v["note"], Value::Null);
    patch(&app, &id, &json!({"status": "rejected"}))
        .await
        .expect(200);

    let audit = membership_audit(&app).await;
    assert_eq!(audit.len(), 2, "{audit:?}");
    assert!(
        audit
            .iter()
            .all(|a| a.action == "update" && a.record_id == id)
    );
    let d0: Value = serde_json::from_str(&audit[0].detail).unwrap();
    assert_eq!(d0["status"], json!({"from": "new", "to": "approved"}));
    assert_eq!(d0["note"], "changed");
    let d1: Value = serde_json::from_str(&audit[1].detail).unwrap();
    assert_eq!(d1["status"], json!({"from": "approved", "to": "rejected"}));
    assert_eq!(d1["note"], "cleared");
    for a in &audit {
        assert!(
            !a.detail.contains("Jan") && !a.detail.contains("jan@"),
            "{a:?}"
        );
    }
    // Who did it is recorded.
    let actors: Vec<String> = app
        .state
        .db
        .run(|c| {
            Ok(oa_cms::db::audit::list(
                c,
                &oa_cms::db::audit::AuditFilter {
                    record_type: Some("membership".into()),
                    limit: 10,
                    ..Default::default()
                },
            )?
            .into_iter()
            .map(|e| e.actor)
            .collect())
        })
        .await
        .unwrap();
    assert_eq!(actors, ["leden@test.nl", "admin@test.nl"]);

    // Bad input, named.
    let p = patch(&app, &id, &json!({"status": "done"}))
        .await
        .problem(422);
    assert_eq!(Resp::fields(&p), ["status"]);
    let p = patch(&app, &id, &json!({"note": "n".repeat(5001)}))
        .await
        .problem(422);
    assert_eq!(Resp::fields(&p), ["note"]);
    let p = patch(&app, &id, &json!({"email": "x@y.nl"}))
        .await
        .problem(422);
    assert_eq!(Resp::fields(&p), ["email"]);
    let unknown = "0190d0c4-0000-7000-8000-000000000000";
    send(
        app.admin(
            Method::PATCH,
            &format!("/api/v1/admin/memberships/{unknown}"),
        )
        .header("if-match", format!("\"{unknown}:1\""))
        .json(&json!({"status": "approved"})),
    )
    .await
    .problem(404);
}

async fn erase_leaves_no_trace_anywhere(app: TestApp) {
    let name = "Zoë \"Zo\" de Vries, jr.";
    let email = "zoe.devries@example.nl";
    // Twice (a repeated sign-up), with a note from staff, and someone else.
    sign_up(&app, name, email).await;
    sign_up(&app, "Zoë de Vries", "Zoe.DeVries@example.nl").await;
    sign_up(&app, "Piet Pietersen", "piet@example.nl").await;
    let v = list(&app, "?q=zoe.devries").await;
    assert_eq!(v["total"], 2);
    let ids = ids(&v);
    let first = ids[1].clone();
    patch(
        &app,
        &first,
        &json!({"status": "approved", "note": format!("{name} belt terug")}),
    )
    .await
    .expect(200);
    // The search does find the data before (so finding nothing after means something).
    let before = find_everywhere(&app, &[email, name, "Zoë de Vries"]).await;
    assert!(
        before.contains(&"memberships.email".to_owned()),
        "{before:?}"
    );
    assert!(
        before.contains(&"memberships.name".to_owned()),
        "{before:?}"
    );

    let first_etag = etag(&app, &first).await;
    erase(&app, &first).await.expect(204);
    // Both records of the person are gone; the other person stays.
    for id in &ids {
        app.admin_get(&format!("/api/v1/admin/memberships/{id}"))
            .await
            .problem(404);
    }
    let v = list(&app, "").await;
    assert_eq!(v["total"], 1);
    assert_eq!(v["items"][0]["name"], "Piet Pietersen");
    // Erasing again: nothing there.
    send(
        app.admin(
            Method::DELETE,
            &format!("/api/v1/admin/memberships/{first}"),
        )
        .header("if-match", first_etag),
    )
    .await
    .problem(404);

    // Not in any column of any table: name, e-mail (any case), the note naming them.
    let after = find_everywhere(&app, &[email, name, "Zoë de Vries", "zoe.devries"]).await;
    assert!(after.is_empty(), "personal data left in {after:?}");
    // The audit log keeps only that the records were erased.
    let audit = membership_audit(&app).await;
    let erased: Vec<&AuditRow> = audit.iter().filter(|a| a.action == "erase").collect();
    assert_eq!(erased.len(), 2);
    for a in &erased {
        assert!(ids.contains(&a.record_id));
        assert_eq!(a.detail, "{}");
    }
    // On SQLite not even the database file's bytes hold the e-mail any more.
    if app.pg.is_none() {
        let dir = app.dir.path().to_owned();
        for file in ["cms.db", "cms.db-wal"] {
            let path = dir.join(file);
            if let Ok(bytes) = std::fs::read(&path) {
                let found = bytes
                    .windows(email.len())
                    .any(|w| w.eq_ignore_ascii_case(email.as_bytes()));
                assert!(!found, "{file} still holds the e-mail");
            }
        }
    }
}

async fn export_is_csv_that_round_trips(app: TestApp) {
    let tricky = "Zoë \"Zo\" de Vries, jr.";
    let multiline = "Ïlse van 't Hoff\nтест, \"quoted\"";
    let (token, answer) = challenge(&app).await;
    let mut body = form(tricky, "zoe@example.nl", &token, answer);
    body["organisation"] = json!("Onderwijs, Cultuur & Wetenschap");
    body["contribution"] = json!("Regel 1,\r\nregel 2 met \"aanhalingstekens\"; en café");
    post_form(&app, &body).await.expect(202);
    let (token, answer) = challenge(&app).await;
    let mut body = form("Formule", "f@example.nl", &token, answer);
    body["organisation"] = json!("=HYPERLINK(\"https://evil.example\")");
    body["role"] = json!("koploper");
    post_form(&app, &body).await.expect(202);
    reset_limits(&app).await;
    let (token, answer) = challenge(&app).await;
    let mut body = form("Multi", "m@example.nl", &token, answer);
    body["contribution"] = json!(multiline);
    post_form(&app, &body).await.expect(202);

    let r = app
        .admin_get("/api/v1/admin/memberships/export.csv")
        .await
        .expect(200);
    assert_eq!(
        r.header("content-type").as_deref(),
        Some("text/csv; charset=utf-8")
    );
    assert_eq!(
        r.header("content-disposition").as_deref(),
        Some("attachment; filename=\"aanmeldingen.csv\"")
    );
    assert!(r.body.starts_with(b"\xEF\xBB\xBF"), "UTF-8 byte-order mark");
    // Semicolons by default, which spreadsheets in Dutch settings split into columns.
    let rows = parse(&r.body[3..], b';');
    let header = &rows[0];
    assert_eq!(header[0], "id");
    let col = |n: &str| header.iter().position(|h| h == n).unwrap();
    assert_eq!(rows.len(), 4, "header and three records, oldest first");
    assert_eq!(rows[1][col("name")], tricky);
    assert_eq!(rows[1][col("email")], "zoe@example.nl");
    assert_eq!(
        rows[1][col("organisation")],
        "Onderwijs, Cultuur & Wetenschap"
    );
    assert_eq!(
        rows[1][col("contribution")],
        "Regel 1,\r\nregel 2 met \"aanhalingstekens\"; en café"
    );
    assert_eq!(rows[1][col("status")], "new");
    assert_eq!(
        rows[1][col("consent_version")],
        oa_cms::domain::memberships::CONSENT_VERSION
    );
    // A formula typed into the form is not run by a spreadsheet.
    assert_eq!(
        rows[2][col("organisation")],
        "'=HYPERLINK(\"https://evil.example\")"
    );
    assert_eq!(rows[3][col("contribution")], multiline);

    // The current filters apply.
    let r = app
        .admin_get("/api/v1/admin/memberships/export.csv?role=koploper")
        .await
        .expect(200);
    let rows = parse(&r.body[3..], b';');
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1][col("name")], "Formule");
    let r = app
        .admin_get("/api/v1/admin/memberships/export.csv?q=zo%C3%AB")
        .await
        .expect(200);
    let rows = parse(&r.body[3..], b';');
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1][col("name")], tricky);
    // Another delimiter on request (or the default when left empty), the BOM always.
    for (param, delimiter) in [
        ("comma", b','),
        ("tab", b'\t'),
        ("semicolon", b';'),
        ("", b';'),
    ] {
        let r = app
            .admin_get(&format!(
                "/api/v1/admin/memberships/export.csv?delimiter={param}&role=verbinder"
            ))
            .await
            .expect(200);
        assert!(r.body.starts_with(b"\xEF\xBB\xBF"), "BOM with {param:?}");
        let rows = parse(&r.body[3..], delimiter);
        assert_eq!(rows.len(), 3, "{param:?}");
        assert_eq!(rows[0].len(), 14, "every column split with {param:?}");
        assert_eq!(rows[1][col("name")], tricky);
    }
    // No records: still the header.
    let r = app
        .admin_get("/api/v1/admin/memberships/export.csv?status=rejected")
        .await
        .expect(200);
    assert_eq!(parse(&r.body[3..], b';').len(), 1);
}

fn parse(bytes: &[u8], delimiter: u8) -> Vec<Vec<String>> {
    let mut rd = csv::ReaderBuilder::new()
        .has_headers(false)
        .delimiter(delimiter)
        .from_reader(bytes);
    rd.records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}
