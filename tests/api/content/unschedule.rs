//! Cancelling a planned publish or unpublish: what is live stays, the plan goes, audited.

use crate::support::Method;
use serde_json::json;

use super::{create, write};
use crate::both_backends;
use crate::support::TestApp;

both_backends!(
    a_planned_publish_is_cancelled,
    a_planned_unpublish_is_cancelled_and_the_item_stays_live,
    cancelling_needs_a_plan_and_a_current_etag
);

const LATER: &str = "2031-03-01T09:00:00Z";

fn etag_of(r: &crate::support::Resp) -> String {
    r.header("etag").expect("etag")
}

async fn a_planned_publish_is_cancelled(app: TestApp) {
    let (id, etag, _) = create(&app, super::news("Aangekondigd")).await;
    let path = format!("/api/v1/admin/content/{id}");
    let r = write(
        &app,
        Method::POST,
        &format!("{path}/publish"),
        &etag,
        Some(&json!({"at": LATER})),
    )
    .await
    .expect(200);
    assert_eq!(r.json()["status"], "scheduled");
    let r = write(
        &app,
        Method::POST,
        &format!("{path}/unschedule"),
        &etag_of(&r),
        Some(&json!({"change": "publish"})),
    )
    .await
    .expect(200);
    let item = r.json();
    assert_eq!(item["status"], "draft");
    assert_eq!(item["publish_at"], json!(null));
    assert_eq!(item["published_version"], json!(null));
    app.get("/api/v1/content/news/aangekondigd")
        .await
        .problem(404);
    let log = app
        .admin_get(&format!("/api/v1/admin/audit?record_id={id}"))
        .await
        .expect(200)
        .json();
    let entry = log["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|e| e["action"] == "unschedule")
        .unwrap_or_else(|| panic!("no unschedule entry in {log}"));
    assert_eq!(entry["detail"]["change"], "publish");
}

async fn a_planned_unpublish_is_cancelled_and_the_item_stays_live(app: TestApp) {
    let (id, etag, _) = create(&app, super::news("Blijft staan")).await;
    let path = format!("/api/v1/admin/content/{id}");
    let r = write(&app, Method::POST, &format!("{path}/publish"), &etag, None)
        .await
        .expect(200);
    let r = write(
        &app,
        Method::POST,
        &format!("{path}/unpublish"),
        &etag_of(&r),
        Some(&json!({"at": LATER})),
    )
    .await
    .expect(200);
    assert_eq!(r.json()["unpublish_at"], LATER);
    let r = write(
        &app,
        Method::POST,
        &format!("{path}/unschedule"),
        &etag_of(&r),
        Some(&json!({"change": "unpublish"})),
    )
    .await
    .expect(200);
    let item = r.json();
    assert_eq!(item["unpublish_at"], json!(null));
    assert_eq!(item["status"], "published");
    assert_eq!(item["published_version"], 1);
    app.get("/api/v1/content/news/blijft-staan")
        .await
        .expect(200);
}

async fn cancelling_needs_a_plan_and_a_current_etag(app: TestApp) {
    let (id, etag, _) = create(&app, super::news("Niets gepland")).await;
    let path = format!("/api/v1/admin/content/{id}/unschedule");
    let r = write(
        &app,
        Method::POST,
        &path,
        &etag,
        Some(&json!({"change": "publish"})),
    )
    .await
    .problem(422);
    assert_eq!(r["errors"][0]["field"], "change");
    assert_eq!(r["errors"][0]["code"], "not_found");
    let r = write(
        &app,
        Method::POST,
        &path,
        &etag,
        Some(&json!({"change": "later"})),
    )
    .await
    .problem(422);
    assert_eq!(r["errors"][0]["field"], "change");
    write(
        &app,
        Method::POST,
        &path,
        &format!("\"{id}:0\""),
        Some(&json!({"change": "publish"})),
    )
    .await
    .problem(412);
}
