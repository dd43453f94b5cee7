//! Versions, diffs and restores.

use crate::support::Method;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use serde_json::{Value, json};

use super::{as_put, create, write};
use crate::both_backends;
use crate::support::{Resp, TestApp};

both_backends!(
    versions_diff_and_restore,
    restore_round_trips,
    restore_checks_slug_and_files_again
);

#[allow(clippy::many_single_char_names)]
async fn versions_diff_and_restore(app: TestApp) {
    let (id, etag1, v1) = create(
        &app,
        json!({"kind": "page", "title": "Visie", "body": "een\ntwee\ndrie\n", "tags": ["a"], "fields": {"position": 1}}),
    )
    .await;
    let path = format!("/api/v1/admin/content/{id}");
    let mut body = as_put(&v1);
    body["body"] = json!("een\n2\ndrie\nvier\n");
    body["fields"]["position"] = json!(5);
    body["comment"] = json!("cijfers");
    let r = write(&app, Method::PUT, &path, &etag1, Some(&body))
        .await
        .expect(200);
    let etag2 = r.header("etag").unwrap();

    let v = app
        .admin_get(&format!("{path}/versions/1"))
        .await
        .expect(200);
    assert_eq!(
        v.header("etag").unwrap(),
        etag2,
        "a version read carries the item's ETag"
    );
    // Version 1 as saved: its number, content, no comment, its time.
    crate::snapshot!("history_version_1", v.json());
    app.admin_get(&format!("{path}/versions/9"))
        .await
        .problem(404);

    let d = app
        .admin_get(&format!("{path}/diff?from=1&to=2"))
        .await
        .expect(200)
        .json();
    // The changed fields, the position's change, "twee" deleted, "2" and "vier" inserted,
    // and the unified diff.
    crate::snapshot!("history_diff_1_2", d);
    let p = app
        .admin_get(&format!("{path}/diff?from=1&to=8"))
        .await
        .problem(422);
    assert_eq!(Resp::fields(&p), ["to"]);
    let p = app
        .admin_get(&format!("{path}/diff?from=x"))
        .await
        .problem(422);
    let mut f = Resp::fields(&p);
    f.sort();
    assert_eq!(f, ["from", "to"]);

    // Restore 1: a new version 3 with version 1's content; nothing old is rewritten.
    let restore = format!("{path}/versions/1/restore");
    write(&app, Method::POST, &restore, &etag1, None)
        .await
        .problem(412);
    let r = write(&app, Method::POST, &restore, &etag2, None)
        .await
        .expect(200);
    assert_eq!(r.header("etag").unwrap(), format!("\"{id}:3\""));
    let item = r.json();
    assert_eq!(item["version"], 3);
    assert_eq!(item["unchanged"], false);
    assert_eq!(item["body"], "een\ntwee\ndrie\n");
    let v3 = app
        .admin_get(&format!("{path}/versions/3"))
        .await
        .expect(200)
        .json();
    let v1 = app
        .admin_get(&format!("{path}/versions/1"))
        .await
        .expect(200)
        .json();
    assert_eq!(v3["content"], v1["content"]);
    assert_eq!(v3["comment"], "Restored from version 1");
    let v2 = app
        .admin_get(&format!("{path}/versions/2"))
        .await
        .expect(200)
        .json();
    assert_eq!(v2["content"]["fields"]["position"], 5);
    assert_eq!(v2["comment"], "cijfers");
    // Restoring what the latest version already holds makes no version.
    let r = write(&app, Method::POST, &restore, &format!("\"{id}:3\""), None)
        .await
        .expect(200);
    assert_eq!(r.json()["unchanged"], true);
    write(
        &app,
        Method::POST,
        &format!("{path}/versions/42/restore"),
        &format!("\"{id}:3\""),
        None,
    )
    .await
    .problem(404);
    let d = app
        .admin_get(&format!("{path}/diff?from=1&to=3"))
        .await
        .expect(200)
        .json();
    assert_eq!(d["changed_fields"], json!([]));
}

fn doc_strategy() -> impl Strategy<Value = Value> {
    (
        "[A-Za-zéü ]{1,30}",
        "[a-z\\n ]{0,80}",
        proptest::collection::vec("[a-z]{1,8}", 0..4),
        0i64..50,
    )
        .prop_map(|(title, body, mut tags, position)| {
            tags.sort();
            tags.dedup();
            json!({"title": format!("T {title}"), "body": body, "tags": tags, "fields": {"position": position}})
        })
}

/// Any sequence of saves, then restoring any version, yields that version's content.
async fn restore_round_trips(app: TestApp) {
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    for round in 0..4 {
        restore_round_trip(&app, &mut runner, round).await;
    }
}

async fn restore_round_trip(
    app: &TestApp,
    runner: &mut proptest::test_runner::TestRunner,
    round: usize,
) {
    let saves = proptest::collection::vec(doc_strategy(), 1..6)
        .new_tree(runner)
        .unwrap()
        .current();
    let pick = (0usize..saves.len()).new_tree(runner).unwrap().current();
    let (id, mut etag, _) = create(
        app,
        json!({"kind": "page", "title": format!("Start {round}"), "fields": {"position": 0}}),
    )
    .await;
    let path = format!("/api/v1/admin/content/{id}");
    let mut versions = vec![1];
    for s in &saves {
        let r = write(app, Method::PUT, &path, &etag, Some(s))
            .await
            .expect(200);
        etag = r.header("etag").unwrap();
        let body = r.json();
        if body["unchanged"] == false {
            versions.push(body["version"].as_i64().unwrap());
        }
    }
    let latest = *versions.last().unwrap();
    let n = versions[pick % versions.len()];
    let r = write(
        app,
        Method::POST,
        &format!("{path}/versions/{n}/restore"),
        &etag,
        None,
    )
    .await
    .expect(200)
    .json();
    let want = app
        .admin_get(&format!("{path}/versions/{n}"))
        .await
        .expect(200)
        .json()["content"]
        .clone();
    let got_version = r["version"].as_i64().unwrap();
    let now = app
        .admin_get(&format!("{path}/versions/{got_version}"))
        .await
        .expect(200)
        .json();
    assert_eq!(now["content"], want);
    assert_eq!(r["unchanged"] == true, n == latest);
}

/// A restore is validated like a save: a slug taken since is 409, a file gone since is 422.
async fn restore_checks_slug_and_files_again(app: TestApp) {
    let pdf = super::file(&app, "oud.pdf").await;
    let (id, e1, v1) = create(
        &app,
        json!({"kind": "news", "title": "Eerst", "attachments": [{"file_id": pdf, "label": "Oud"}],
               "fields": {"display_date": "2026-11-24"}}),
    )
    .await;
    let path = format!("/api/v1/admin/content/{id}");
    let mut body = as_put(&v1);
    body["slug"] = json!("later");
    body["attachments"] = json!([]);
    let e2 = write(&app, Method::PUT, &path, &e1, Some(&body))
        .await
        .expect(200)
        .header("etag")
        .unwrap();
    // Another item takes the old slug.
    create(&app, super::news("Eerst")).await;
    let p = write(
        &app,
        Method::POST,
        &format!("{path}/versions/1/restore"),
        &e2,
        None,
    )
    .await
    .problem(409);
    assert_eq!(Resp::fields(&p), ["slug"]);
    // The file version 1 used disappears.
    {
        use diesel::prelude::*;
        use oa_cms::db::schema::files;
        app.state
            .db
            .run(move |c| Ok(diesel::delete(files::table.find(pdf)).execute(c)?))
            .await
            .unwrap();
    }
    let p = write(
        &app,
        Method::POST,
        &format!("{path}/versions/1/restore"),
        &e2,
        None,
    )
    .await
    .problem(422);
    assert_eq!(Resp::fields(&p), ["attachments[0].file_id"]);
    // Nothing was written by the refused restores.
    let item = app.admin_get(&path).await.expect(200).json();
    assert_eq!(item["version"], 2);
}
