//! The media library: listing, reading, deleting, and the public record resolver.

use std::collections::HashSet;

use crate::support::Method;

use super::{PNG, blobs, file_count, unique_pdf, upload, uploaded};
use crate::both_backends;
use crate::content_fixtures::{Item, item};
use crate::support::{Resp, TestApp, send};

both_backends!(
    list_filters_and_pages,
    read_shows_who_uses_a_file,
    delete_refuses_while_a_live_item_uses_it,
    public_records_resolve_ids,
);

fn ids(v: &serde_json::Value) -> Vec<String> {
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn list_filters_and_pages(app: TestApp) {
    let mut made = Vec::new();
    for name in ["Manifest 2026.pdf", "Bijlage.pdf", "MANIFEST kort.pdf"] {
        made.push(uploaded(&app, name, &unique_pdf()).await);
    }
    let png = uploaded(&app, "logo.png", PNG).await;
    made.push(png.clone());
    let labelled = upload(
        &app,
        "foto.bin",
        &super::random_bytes(64),
        Some("Manifestatie 50%"),
    )
    .await
    .expect(201)
    .json();
    made.push(labelled);

    let all = app
        .admin_get("/api/v1/admin/files")
        .await
        .expect(200)
        .json();
    assert_eq!(all["total"], 5);
    assert_eq!(all["next_cursor"], serde_json::Value::Null);
    let newest_first: Vec<String> = made
        .iter()
        .rev()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids(&all), newest_first);

    let pdfs = app
        .admin_get("/api/v1/admin/files?type=application/pdf")
        .await
        .expect(200)
        .json();
    assert_eq!(pdfs["total"], 3);
    let images = app
        .admin_get("/api/v1/admin/files?type=image")
        .await
        .expect(200)
        .json();
    assert_eq!(ids(&images), vec![png["id"].as_str().unwrap().to_owned()]);
    // Name or label, any case; LIKE wildcards are plain characters.
    let found = app
        .admin_get("/api/v1/admin/files?q=manifest")
        .await
        .expect(200)
        .json();
    assert_eq!(found["total"], 3);
    let found = app
        .admin_get("/api/v1/admin/files?q=50%25")
        .await
        .expect(200)
        .json();
    assert_eq!(found["total"], 1);
    let found = app
        .admin_get("/api/v1/admin/files?q=_")
        .await
        .expect(200)
        .json();
    assert_eq!(found["total"], 0);
    let found = app
        .admin_get("/api/v1/admin/files?q=manifest&type=application/pdf")
        .await
        .expect(200)
        .json();
    assert_eq!(found["total"], 2);

    // Pages of two, by cursor, cover everything once.
    let mut seen = Vec::new();
    let mut path = "/api/v1/admin/files?limit=2".to_owned();
    loop {
        let page = app.admin_get(&path).await.expect(200).json();
        assert_eq!(page["total"], 5);
        seen.extend(ids(&page));
        match page["next_cursor"].as_str() {
            Some(c) => path = format!("/api/v1/admin/files?limit=2&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(seen, newest_first);
    // A last page that is exactly full says so.
    let page = app
        .admin_get("/api/v1/admin/files?limit=5")
        .await
        .expect(200)
        .json();
    assert_eq!(page["next_cursor"], serde_json::Value::Null);
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), 5);

    let p = app
        .admin_get("/api/v1/admin/files?limit=0&type=a%2Fb%2Fc&sort=name")
        .await
        .problem(422);
    assert_eq!(Resp::fields(&p), vec!["limit", "sort", "type"]);
    app.admin_get("/api/v1/admin/files?cursor=bm90LW91cnM")
        .await
        .problem(400);
}

async fn read_shows_who_uses_a_file(app: TestApp) {
    let rec = uploaded(&app, "bijlage.pdf", &unique_pdf()).await;
    let id = rec["id"].as_str().unwrap();
    let path = format!("/api/v1/admin/files/{id}");
    let detail = app.admin_get(&path).await.expect(200).json();
    assert_eq!(detail["id"], rec["id"]);
    assert_eq!(detail["filename"], "bijlage.pdf");
    assert_eq!(detail["public"], false);
    assert_eq!(detail["used_by"], serde_json::json!([]));

    let draft = item(
        &app,
        Item {
            latest: 3,
            ..Item::draft("Concept")
        },
        &[(id, &[2, 3])],
    )
    .await;
    let live = app.download("Bijlage", id).published().await.id;
    let detail = app.admin_get(&path).await.expect(200).json();
    assert_eq!(detail["public"], true);
    let used = detail["used_by"].as_array().unwrap();
    assert_eq!(used.len(), 2);
    let by_id = |item_id: &str| {
        used.iter()
            .find(|u| u["id"] == item_id)
            .unwrap_or_else(|| panic!("{item_id} in {used:?}"))
            .clone()
    };
    let d = by_id(&draft);
    assert_eq!(d["title"], "Concept");
    assert_eq!(d["kind"], "download");
    assert_eq!(d["versions"], serde_json::json!([2, 3]));
    assert_eq!(d["archived"], false);
    assert_eq!(by_id(&live)["versions"], serde_json::json!([1]));

    for bad in [
        "not-a-uuid",
        &uuid::Uuid::now_v7().to_string(),
        &id.to_uppercase(),
    ] {
        app.admin_get(&format!("/api/v1/admin/files/{bad}"))
            .await
            .problem(404);
        app.admin_get(&format!("/api/v1/admin/files/{bad}/content"))
            .await
            .problem(404);
    }
}

async fn delete_refuses_while_a_live_item_uses_it(app: TestApp) {
    let bytes = unique_pdf();
    let rec = uploaded(&app, "manifest.pdf", &bytes).await;
    let id = rec["id"].as_str().unwrap();
    let path = format!("/api/v1/admin/files/{id}");
    let mut draft = app.download("Het Manifest", id).draft().await;
    let p = send(app.admin(Method::DELETE, &path)).await.problem(409);
    assert!(
        p["detail"].as_str().unwrap().contains("Het Manifest"),
        "{p}"
    );
    assert!(
        p["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains(&draft.id)
    );
    assert_eq!(Resp::fields(&p), vec!["used_by"]);
    assert_eq!(blobs(&app).len(), 1);

    // Archived items do not hold it.
    draft.archive(&app).await;
    let (_, reader) = app.staff("read@test.nl", oa_cms::auth::Role::Read).await;
    send(app.request(Method::DELETE, &path).bearer_auth(&reader))
        .await
        .problem(403);
    send(app.admin(Method::DELETE, &path)).await.expect(204);
    app.admin_get(&path).await.problem(404);
    send(app.admin(Method::DELETE, &path)).await.problem(404);
    assert!(blobs(&app).is_empty(), "the bytes go with the last record");
    assert_eq!(file_count(&app).await, 0);
    // The same bytes can come back.
    let again = uploaded(&app, "manifest.pdf", &bytes).await;
    assert_ne!(again["id"], rec["id"]);
    assert_eq!(blobs(&app).len(), 1);
}

async fn public_records_resolve_ids(app: TestApp) {
    let pdf = uploaded(&app, "Reünie.pdf", &unique_pdf()).await;
    let png = upload(&app, "logo.png", PNG, Some("Logo"))
        .await
        .expect(201)
        .json();
    let wanted = vec![
        pdf["id"].as_str().unwrap().to_owned(),
        png["id"].as_str().unwrap().to_owned(),
        uuid::Uuid::now_v7().to_string(),
    ];
    let map = app
        .state
        .db
        .run(move |c| oa_cms::db::files::public_record(c, &wanted))
        .await
        .unwrap();
    assert_eq!(map.len(), 2);
    let p = serde_json::to_value(&map[pdf["id"].as_str().unwrap()]).unwrap();
    assert_eq!(
        p,
        serde_json::json!({
            "id": pdf["id"],
            "label": null,
            "filename": "Reünie.pdf",
            "content_type": "application/pdf",
            "size": pdf["size"],
            "sha256": pdf["sha256"],
            "url": pdf["url"],
        })
    );
    assert_eq!(
        map[png["id"].as_str().unwrap()].label.as_deref(),
        Some("Logo")
    );
}
