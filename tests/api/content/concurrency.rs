//! Concurrent writers with the same `If-Match`: exactly one wins, no edit is lost silently.

use crate::support::Method;
use serde_json::json;

use super::{as_put, create};
use crate::both_backends;
use crate::support::{TestApp, send};

both_backends!(
    concurrent_edits_never_both_succeed,
    concurrent_creates_of_one_slug
);

const WRITERS: usize = 12;

async fn concurrent_edits_never_both_succeed(app: TestApp) {
    let (id, etag, item) = create(&app, super::news("Samen schrijven")).await;
    let path = format!("/api/v1/admin/content/{id}");
    let mut tasks = Vec::new();
    for i in 0..WRITERS {
        let mut body = as_put(&item);
        body["summary"] = json!(format!("schrijver {i}"));
        let rb = app
            .admin(Method::PUT, &path)
            .header("if-match", &etag)
            .json(&body);
        tasks.push(send(rb));
    }
    let mut ok = 0;
    let mut stale = 0;
    for r in futures_util::future::join_all(tasks).await {
        match r.status.as_u16() {
            200 => ok += 1,
            412 => {
                let p = r.problem(412);
                assert_eq!(p["current_version"], 2);
                stale += 1;
            }
            other => panic!("unexpected {other}: {}", r.text()),
        }
    }
    assert_eq!((ok, stale), (1, WRITERS - 1));
    let versions = app
        .admin_get(&format!("{path}/versions"))
        .await
        .expect(200)
        .json();
    assert_eq!(versions["versions"].as_array().unwrap().len(), 1 + ok);

    // Rounds of racing writers that each re-read on 412: every accepted write is a version.
    let mut accepted = 1 + ok;
    let mut tasks = Vec::new();
    for i in 0..6 {
        let client = app.client();
        let path = path.clone();
        let token = app.admin_token.clone();
        tasks.push(async move {
            let mut mine = 0;
            for round in 0..3 {
                loop {
                    let cur = send(client.request(Method::GET, &path).bearer_auth(&token))
                        .await
                        .expect(200);
                    let etag = cur.header("etag").unwrap();
                    let mut body = as_put(&cur.json());
                    body["summary"] = json!(format!("schrijver {i} ronde {round}"));
                    let r = send(
                        client
                            .request(Method::PUT, &path)
                            .bearer_auth(&token)
                            .header("if-match", etag)
                            .json(&body),
                    )
                    .await;
                    match r.status.as_u16() {
                        200 => {
                            mine += 1;
                            break;
                        }
                        412 => {}
                        other => panic!("unexpected {other}: {}", r.text()),
                    }
                }
            }
            mine
        });
    }
    accepted += futures_util::future::join_all(tasks)
        .await
        .into_iter()
        .sum::<usize>();
    let item = app.admin_get(&path).await.expect(200).json();
    assert_eq!(
        usize::try_from(item["version"].as_i64().unwrap()).unwrap(),
        accepted
    );
    let versions = app
        .admin_get(&format!("{path}/versions"))
        .await
        .expect(200)
        .json();
    assert_eq!(versions["versions"].as_array().unwrap().len(), accepted);
}

/// Racing creates of the same slug: one 201, the rest 409 naming `slug`, never a 500.
async fn concurrent_creates_of_one_slug(app: TestApp) {
    let tasks = (0..8).map(|_| {
        send(
            app.admin(Method::POST, "/api/v1/admin/content")
                .json(&super::news("Tegelijk")),
        )
    });
    let mut created = 0;
    for r in futures_util::future::join_all(tasks).await {
        if r.status.as_u16() == 201 {
            created += 1;
        } else {
            let p = r.problem(409);
            assert_eq!(crate::support::Resp::fields(&p), ["slug"]);
        }
    }
    assert_eq!(created, 1);
}
