//! Webhooks: signed deliveries after commit, the same delivery id on every retry, one
//! sender among several processes, scheduled changes on time, the address rules, the log.

use std::collections::HashSet;
use std::time::Duration;

use chrono::Utc;
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

use crate::both_backends_with;
use crate::receiver::{Received, Receiver};
use crate::support::{Method, TestApp, send};

both_backends_with!(
    |c| c.webhook_allow_hosts = vec!["127.0.0.1".into()],
    content_changes_are_delivered_signed_after_commit,
    a_failing_receiver_gets_the_same_delivery_again,
    a_hanging_receiver_is_given_up_on_after_ten_seconds,
    a_delivery_failing_for_a_day_is_given_up,
    the_log_shows_attempts_and_a_delivery_can_be_sent_again,
    a_scheduled_publication_is_announced_at_its_time,
    urls_events_and_access_are_checked,
    a_name_that_resolves_to_loopback_is_not_connected_to,
    two_processes_send_each_delivery_once,
    sign_ups_and_uploads_are_announced_without_personal_data,
    inactive_and_deleted_webhooks_get_nothing_but_a_test,
    an_inactive_webhook_keeps_its_retries_until_it_is_active_again,
);

const CONTENT_EVENTS: [&str; 4] = [
    "content.published",
    "content.unpublished",
    "content.archived",
    "content.updated",
];

/// Creates a webhook for `events` to `url`; answers its id and secret.
async fn hook(app: &TestApp, url: &str, events: &[&str]) -> (String, String) {
    let v = app
        .admin_json(
            Method::POST,
            "/api/v1/admin/webhooks",
            &json!({ "url": url, "events": events, "description": "Website" }),
        )
        .await
        .expect(201)
        .json();
    (
        v["id"].as_str().unwrap().to_owned(),
        v["secret"].as_str().unwrap().to_owned(),
    )
}

/// Checks `X-OA-Signature` the way a receiver should: HMAC-SHA256 of "<t>.<body>".
fn verify(secret: &str, r: &Received) {
    let sig = r.header("x-oa-signature");
    let (t, v1) = sig
        .split_once(',')
        .and_then(|(t, v)| Some((t.strip_prefix("t=")?, v.strip_prefix("v1=")?)))
        .unwrap_or_else(|| panic!("signature {sig}"));
    let t: i64 = t.parse().unwrap();
    assert!((Utc::now().timestamp() - t).abs() < 60, "t={t}");
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{t}.").as_bytes());
    mac.update(&r.body);
    assert_eq!(hex::encode(mac.finalize().into_bytes()), v1, "signature");
}

/// The events received, in the order they were made (deliveries may arrive in any order).
fn events(got: &[Received]) -> Vec<String> {
    let mut got: Vec<Value> = got.iter().map(Received::json).collect();
    got.sort_by(|a, b| {
        (a["created_at"].as_str(), a["id"].as_str())
            .cmp(&(b["created_at"].as_str(), b["id"].as_str()))
    });
    got.iter()
        .map(|r| r["event"].as_str().unwrap().to_owned())
        .collect()
}

async fn deliveries(app: &TestApp, hook: &str) -> Vec<Value> {
    app.admin_get(&format!(
        "/api/v1/admin/webhooks/{hook}/deliveries?limit=100"
    ))
    .await
    .expect(200)
    .json()["items"]
        .as_array()
        .unwrap()
        .clone()
}

/// Waits until the log of `hook` satisfies `done` (at most `secs`); answers the log.
async fn log_until(
    app: &TestApp,
    hook: &str,
    secs: u64,
    done: impl Fn(&[Value]) -> bool,
) -> Vec<Value> {
    let deadline = std::time::Instant::now() + Duration::from_secs(secs);
    loop {
        let log = deliveries(app, hook).await;
        if done(&log) || std::time::Instant::now() > deadline {
            return log;
        }
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
}

/// True once the newest delivery of the log has been tried.
fn tried(log: &[Value]) -> bool {
    log.first()
        .is_some_and(|d| !d["attempts"].as_array().unwrap().is_empty())
}

/// Turns webhook `id` on or off.
async fn set_active(app: &TestApp, id: &str, active: bool) {
    app.admin_json(
        Method::PATCH,
        &format!("/api/v1/admin/webhooks/{id}"),
        &json!({ "active": active }),
    )
    .await
    .expect(200);
}

/// Asks for delivery `delivery` of webhook `hook` to be sent again.
async fn retry(app: &TestApp, hook: &str, delivery: &str) -> crate::support::Resp {
    app.admin_json(
        Method::POST,
        &format!("/api/v1/admin/webhooks/{hook}/deliveries/{delivery}/retry"),
        &json!({}),
    )
    .await
}

async fn content_changes_are_delivered_signed_after_commit(app: TestApp) {
    let rx = Receiver::start();
    let (id, secret) = hook(&app, &rx.url("/hook"), &CONTENT_EVENTS).await;
    // The list and the read never show the secret.
    let list = app
        .admin_get("/api/v1/admin/webhooks")
        .await
        .expect(200)
        .json();
    assert_eq!(list[0]["id"], id.as_str());
    assert!(list[0].get("secret").is_none(), "{list}");
    let one = app
        .admin_get(&format!("/api/v1/admin/webhooks/{id}"))
        .await
        .expect(200)
        .json();
    assert!(one.get("secret").is_none());
    assert_eq!(one["events"], json!(CONTENT_EVENTS));

    let mut item = app.news("Nieuws voor de website").draft().await;
    item.publish(&app).await;
    item.unpublish(&app, None).await;
    item.archive(&app).await;
    let got = rx.wait_for(4, 15).await;
    assert_eq!(
        events(&got),
        [
            "content.updated",
            "content.published",
            "content.unpublished",
            "content.archived"
        ]
    );
    for r in &got {
        verify(&secret, r);
        let body = r.json();
        assert_eq!(r.header("x-oa-event"), body["event"].as_str().unwrap());
        assert_eq!(r.header("x-oa-delivery"), body["id"].as_str().unwrap());
        assert_eq!(r.header("content-type"), "application/json");
        assert_eq!(
            body["data"],
            json!({
                "id": item.id,
                "kind": "news",
                "slug": "nieuws-voor-de-website",
                "version": 1,
                "url": "/news/nieuws-voor-de-website",
            })
        );
        let keys: Vec<&String> = body.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["created_at", "data", "event", "id"]);
    }
    // Each delivery was written in its change's transaction: a change that fails (stale
    // If-Match) announces nothing.
    let stale = send(
        app.admin(Method::POST, &format!("{}/unarchive", item.path()))
            .header("If-Match", "\"99\""),
    )
    .await;
    assert_eq!(stale.status.as_u16(), 412);
    actix_web::rt::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(rx.received().len(), 4);
}

async fn a_failing_receiver_gets_the_same_delivery_again(app: TestApp) {
    let rx = Receiver::start();
    rx.fail_next(1);
    let (hook_id, secret) = hook(&app, &rx.url("/flaky"), &["content.published"]).await;
    app.news("Eerst mislukt").published().await;
    let got = rx.wait_for(2, 20).await;
    assert_eq!(
        got.len(),
        2,
        "one failed attempt, then one more after a pause"
    );
    assert_eq!(
        got[0].header("x-oa-delivery"),
        got[1].header("x-oa-delivery")
    );
    assert_eq!(got[0].body, got[1].body, "the same body on every attempt");
    verify(&secret, &got[1]);
    let log = log_until(&app, &hook_id, 5, |l| l[0]["status"] == "delivered").await;
    assert_eq!(log.len(), 1);
    let attempts: Vec<&Value> = log[0]["attempts"].as_array().unwrap().iter().collect();
    assert_eq!(attempts.len(), 2, "{log:?}");
    assert_eq!(attempts[0]["status_code"], 500);
    assert_eq!(attempts[0]["error"], "answered 500");
    assert_eq!(attempts[1]["status_code"], 204);
    assert!(log[0]["next_attempt_at"].is_null());
}

async fn a_hanging_receiver_is_given_up_on_after_ten_seconds(app: TestApp) {
    let rx = Receiver::start();
    rx.hang(true);
    let (hook_id, _) = hook(&app, &rx.url("/slow"), &["content.published"]).await;
    app.news("Trage ontvanger").published().await;
    let log = log_until(&app, &hook_id, 25, tried).await;
    rx.hang(false);
    let attempt = &log[0]["attempts"][0];
    assert_eq!(attempt["error"], "no answer within 10 s", "{log:?}");
    assert!(attempt["status_code"].is_null());
    let ms = attempt["duration_ms"].as_i64().unwrap();
    assert!((9_500..13_000).contains(&ms), "{ms} ms");
    assert_eq!(log[0]["status"], "pending");
    assert!(log[0]["next_attempt_at"].is_string(), "tried again later");
}

async fn the_log_shows_attempts_and_a_delivery_can_be_sent_again(app: TestApp) {
    let rx = Receiver::start();
    let (hook_id, _) = hook(&app, &rx.url("/log"), &["content.published"]).await;
    app.news("Een").published().await;
    app.news("Twee").published().await;
    rx.wait_for(2, 10).await;
    let log = log_until(&app, &hook_id, 5, |l| {
        l.iter().all(|d| d["status"] == "delivered")
    })
    .await;
    assert_eq!(log.len(), 2);
    // Newest first.
    assert_eq!(log[0]["payload"]["data"]["slug"], "twee");
    let a = &log[0]["attempts"][0];
    assert_eq!(a["status_code"], 204);
    assert!(a["duration_ms"].as_i64().unwrap() >= 0);
    assert!(a["at"].is_string());
    // Paging.
    let page = app
        .admin_get(&format!(
            "/api/v1/admin/webhooks/{hook_id}/deliveries?limit=1"
        ))
        .await
        .expect(200)
        .json();
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    let next = page["next_cursor"].as_str().unwrap();
    let rest = app
        .admin_get(&format!(
            "/api/v1/admin/webhooks/{hook_id}/deliveries?limit=1&cursor={next}"
        ))
        .await
        .expect(200)
        .json();
    assert_eq!(rest["items"][0]["payload"]["data"]["slug"], "een");
    assert!(rest["next_cursor"].is_null());
    let filtered = app
        .admin_get(&format!(
            "/api/v1/admin/webhooks/{hook_id}/deliveries?status=failed"
        ))
        .await
        .expect(200)
        .json();
    assert_eq!(filtered["items"], json!([]));
    let bad = app
        .admin_get(&format!(
            "/api/v1/admin/webhooks/{hook_id}/deliveries?status=lost&limit=0"
        ))
        .await
        .problem(422);
    assert_eq!(crate::support::Resp::fields(&bad), ["limit", "status"]);

    // Sent again by hand: the same id and body.
    let delivery = log[1]["id"].as_str().unwrap();
    let r = retry(&app, &hook_id, delivery).await.expect(202).json();
    assert_eq!(r["status"], "pending");
    let got = rx.wait_for(3, 10).await;
    assert_eq!(got.len(), 3);
    assert_eq!(got[2].header("x-oa-delivery"), delivery);
    let first = got[..2]
        .iter()
        .find(|r| r.header("x-oa-delivery") == delivery)
        .unwrap();
    assert_eq!(got[2].body, first.body);
    let unknown = uuid::Uuid::now_v7();
    retry(&app, &hook_id, &unknown.to_string())
        .await
        .problem(404);
}

async fn a_scheduled_publication_is_announced_at_its_time(app: TestApp) {
    let rx = Receiver::start();
    hook(
        &app,
        &rx.url("/scheduled"),
        &["content.published", "content.unpublished"],
    )
    .await;
    let at = Utc::now() + chrono::Duration::seconds(2);
    let mut item = app.news("Gepland bericht").scheduled(at).await;
    actix_web::rt::time::sleep(Duration::from_millis(800)).await;
    assert!(rx.received().is_empty(), "nothing before its time");
    let got = rx.wait_for(1, 10).await;
    assert_eq!(events(&got), ["content.published"]);
    let body = got[0].json();
    let created =
        chrono::DateTime::parse_from_rfc3339(body["created_at"].as_str().unwrap()).unwrap();
    assert!(
        created >= at - chrono::Duration::milliseconds(1),
        "{created} before {at}"
    );
    assert_eq!(body["data"]["version"], 1);
    // A scheduled unpublication too; one of a draft that was never public announces nothing.
    let mut draft = app.news("Nooit gepubliceerd").draft().await;
    draft
        .unpublish(&app, Some(Utc::now() + chrono::Duration::seconds(1)))
        .await;
    item.unpublish(&app, Some(Utc::now() + chrono::Duration::seconds(1)))
        .await;
    let got = rx.wait_for(2, 10).await;
    actix_web::rt::time::sleep(Duration::from_millis(1500)).await;
    let got_all = rx.received();
    assert_eq!(events(&got), ["content.published", "content.unpublished"]);
    assert_eq!(got_all.len(), 2, "{:?}", events(&got_all));
}

async fn urls_events_and_access_are_checked(app: TestApp) {
    let post = |body: Value| {
        let app = &app;
        async move {
            app.admin_json(Method::POST, "/api/v1/admin/webhooks", &body)
                .await
                .problem(422)
        }
    };
    let fields = crate::support::Resp::fields;
    let p =
        post(json!({ "url": "http://example.org/hook", "events": ["content.published"] })).await;
    assert_eq!(fields(&p), ["url"]);
    assert!(p.to_string().contains("https"), "{p}");
    for url in [
        "https://10.0.0.1/hook",
        "https://169.254.169.254/",
        "https://[::1]/",
        "not a url",
        "",
    ] {
        let p = post(json!({ "url": url, "events": ["content.published"] })).await;
        assert_eq!(fields(&p), ["url"], "{url}");
    }
    let p = post(json!({ "url": "https://example.org/", "events": ["content.deleted", "content.published", "content.published"] })).await;
    assert_eq!(fields(&p), ["events[0]", "events[2]"]);
    let p = post(json!({ "url": "https://example.org/", "events": [] })).await;
    assert_eq!(fields(&p), ["events"]);
    let p = post(json!({ "url": "https://example.org/", "events": ["webhook.ping"] })).await;
    assert_eq!(fields(&p), ["events[0]"]);
    let p = post(json!({ "url": "https://example.org/", "events": ["file.uploaded"], "description": "x".repeat(501) })).await;
    assert_eq!(fields(&p), ["description"]);
    let p = post(json!({ "events": ["file.uploaded"] })).await;
    assert_eq!(fields(&p), ["url"]);
    // The allowed host may use http and a loopback address.
    let (id, _) = hook(&app, "http://127.0.0.1:9/x", &["file.uploaded"]).await;
    let p = app
        .admin_json(
            Method::PATCH,
            &format!("/api/v1/admin/webhooks/{id}"),
            &json!({ "url": "http://example.org/" }),
        )
        .await
        .problem(422);
    assert_eq!(fields(&p), ["url"]);
    let v = app
        .admin_json(
            Method::PATCH,
            &format!("/api/v1/admin/webhooks/{id}"),
            &json!({ "url": "https://example.org/hook", "events": ["content.archived"], "description": "" }),
        )
        .await
        .expect(200)
        .json();
    assert_eq!(v["url"], "https://example.org/hook");
    assert_eq!(v["events"], json!(["content.archived"]));
    assert!(v["description"].is_null());
    assert!(v["active"] == true);
    app.admin_json(
        Method::PATCH,
        "/api/v1/admin/webhooks/00000000-0000-7000-8000-000000000000",
        &json!({}),
    )
    .await
    .problem(404);
    // Admins only.
    let (_, editor) = app
        .staff("redacteur@test.nl", oa_cms::auth::Role::Editor)
        .await;
    let r = send(
        app.request(Method::GET, "/api/v1/admin/webhooks")
            .bearer_auth(&editor),
    )
    .await;
    assert_eq!(r.status.as_u16(), 403);
    let r = send(app.request(Method::GET, "/api/v1/admin/webhooks")).await;
    assert_eq!(r.status.as_u16(), 401);
}

async fn a_name_that_resolves_to_loopback_is_not_connected_to(app: TestApp) {
    use diesel::prelude::*;
    use oa_cms::db::schema::webhooks as w;
    let rx = Receiver::start();
    let port = rx.addr.port();
    let url = format!("https://localhost:{port}/x");
    // Refused when saved: `localhost` resolves to loopback and is not an allowed host.
    let p = app
        .admin_json(
            Method::POST,
            "/api/v1/admin/webhooks",
            &json!({ "url": url, "events": ["content.published"] }),
        )
        .await
        .problem(422);
    assert_eq!(crate::support::Resp::fields(&p), ["url"]);
    assert!(p.to_string().contains("loopback"), "{p}");
    // A name that resolved to a public address when saved and to loopback now (DNS
    // rebinding): the worker resolves it itself and does not connect.
    let now = Utc::now().naive_utc();
    let hook_id = uuid::Uuid::now_v7().to_string();
    let row = (
        w::id.eq(hook_id.clone()),
        w::url.eq(url),
        w::events.eq(r#"["content.published"]"#),
        w::active.eq(true),
        w::secret.eq("whsec_test"),
        w::created_at.eq(now),
        w::updated_at.eq(now),
    );
    app.state
        .db
        .run(move |c| {
            diesel::insert_into(w::table)
                .values(row)
                .execute(c)
                .map_err(Into::into)
        })
        .await
        .unwrap();
    app.news("Niet naar binnen").published().await;
    let log = log_until(&app, &hook_id, 10, tried).await;
    let error = log[0]["attempts"][0]["error"].as_str().unwrap_or_default();
    assert!(error.contains("loopback"), "{log:?}");
    assert!(rx.received().is_empty());
}

async fn an_inactive_webhook_keeps_its_retries_until_it_is_active_again(app: TestApp) {
    let rx = Receiver::start();
    rx.fail_next(1);
    let (id, _) = hook(&app, &rx.url("/pause"), &["content.published"]).await;
    app.news("Even wachten").published().await;
    rx.wait_for(1, 10).await;
    set_active(&app, &id, false).await;
    // The retry falls due after 5 s, but the webhook is off.
    actix_web::rt::time::sleep(Duration::from_secs(7)).await;
    assert_eq!(rx.received().len(), 1);
    set_active(&app, &id, true).await;
    let got = rx.wait_for(2, 10).await;
    assert_eq!(got.len(), 2);
    assert_eq!(
        got[0].header("x-oa-delivery"),
        got[1].header("x-oa-delivery")
    );
}

async fn two_processes_send_each_delivery_once(app: TestApp) {
    let rx = Receiver::start();
    hook(&app, &rx.url("/once"), &["content.published"]).await;
    let other = app.sibling().await;
    let n = 20;
    for i in 0..n {
        let by = if i % 2 == 0 { &app } else { &other };
        by.news(&format!("Bericht {i}")).published().await;
    }
    // Both workers run; give them time to send everything and anything twice.
    let got = rx.wait_for(n, 20).await;
    actix_web::rt::time::sleep(Duration::from_secs(2)).await;
    let got_all = rx.received();
    assert_eq!(got.len().max(got_all.len()), n, "each delivery once");
    let ids: HashSet<String> = got_all
        .iter()
        .map(|r| r.header("x-oa-delivery").to_owned())
        .collect();
    assert_eq!(ids.len(), n);
    other.stop().await;
}

async fn sign_ups_and_uploads_are_announced_without_personal_data(app: TestApp) {
    let rx = Receiver::start();
    hook(
        &app,
        &rx.url("/people"),
        &["membership.created", "file.uploaded"],
    )
    .await;
    app.sign_up("Annemarie Jansen", "annemarie@school.nl").await;
    let file = app.file("wiel.pdf", b"%PDF-1.4\n%%EOF\n").await;
    let got = rx.wait_for(2, 10).await;
    assert_eq!(events(&got), ["membership.created", "file.uploaded"]);
    let by_event = |e: &str| got.iter().find(|r| r.json()["event"] == e).unwrap();
    let member = by_event("membership.created").json();
    let data = member["data"].as_object().unwrap();
    assert_eq!(data.keys().collect::<Vec<_>>(), ["id"]);
    let text = String::from_utf8_lossy(&by_event("membership.created").body).to_string();
    for personal in ["Annemarie", "Jansen", "annemarie@school.nl", "school.nl"] {
        assert!(!text.contains(personal), "{text}");
    }
    let listed = crate::memberships::list(&app, "").await;
    assert_eq!(listed["items"][0]["id"], member["data"]["id"]);
    let f = by_event("file.uploaded").json();
    assert_eq!(f["data"]["id"], file["id"]);
    assert_eq!(f["data"]["filename"], "wiel.pdf");
    assert_eq!(f["data"]["content_type"], "application/pdf");
}

async fn inactive_and_deleted_webhooks_get_nothing_but_a_test(app: TestApp) {
    let rx = Receiver::start();
    let (id, secret) = hook(&app, &rx.url("/quiet"), &["content.published"]).await;
    set_active(&app, &id, false).await;
    app.news("Niemand hoort dit").published().await;
    let ping = app
        .admin_json(
            Method::POST,
            &format!("/api/v1/admin/webhooks/{id}/test"),
            &json!({}),
        )
        .await
        .expect(202)
        .json();
    assert_eq!(ping["event"], "webhook.ping");
    let got = rx.wait_for(1, 10).await;
    actix_web::rt::time::sleep(Duration::from_millis(1200)).await;
    let got_all = rx.received();
    assert_eq!(got_all.len(), 1, "only the test: {:?}", events(&got_all));
    assert_eq!(events(&got), ["webhook.ping"]);
    assert_eq!(got[0].json()["data"], json!({ "webhook_id": id }));
    assert_eq!(got[0].header("x-oa-delivery"), ping["id"].as_str().unwrap());
    verify(&secret, &got[0]);
    // Deleted: gone with its log.
    send(app.admin(Method::DELETE, &format!("/api/v1/admin/webhooks/{id}")))
        .await
        .expect(204);
    app.admin_get(&format!("/api/v1/admin/webhooks/{id}"))
        .await
        .problem(404);
    app.admin_get(&format!("/api/v1/admin/webhooks/{id}/deliveries"))
        .await
        .problem(404);
    send(app.admin(Method::DELETE, &format!("/api/v1/admin/webhooks/{id}")))
        .await
        .problem(404);
    app.news("Ook dit niet").published().await;
    actix_web::rt::time::sleep(Duration::from_millis(1200)).await;
    assert_eq!(rx.received().len(), 1);
}

async fn a_delivery_failing_for_a_day_is_given_up(app: TestApp) {
    use diesel::prelude::*;
    use oa_cms::db::schema::webhook_deliveries as d;
    let rx = Receiver::start();
    rx.fail_next(usize::MAX);
    let (hook_id, _) = hook(&app, &rx.url("/down"), &["content.published"]).await;
    app.news("Ontvanger ligt eruit").published().await;
    let log = log_until(&app, &hook_id, 10, tried).await;
    assert_eq!(log[0]["status"], "pending", "tried again after a pause");
    let next =
        chrono::DateTime::parse_from_rfc3339(log[0]["next_attempt_at"].as_str().unwrap()).unwrap();
    let first = chrono::DateTime::parse_from_rfc3339(log[0]["attempts"][0]["at"].as_str().unwrap())
        .unwrap();
    assert_eq!((next - first).num_seconds(), 5);
    // Made a day ago: the next failure is the last.
    let day_ago = (Utc::now() - chrono::Duration::hours(24)).naive_utc();
    app.state
        .db
        .run(move |c| {
            diesel::update(d::table)
                .set(d::created_at.eq(day_ago))
                .execute(c)
                .map_err(Into::into)
        })
        .await
        .unwrap();
    let id = log[0]["id"].as_str().unwrap();
    retry(&app, &hook_id, id).await.expect(202);
    let log = log_until(&app, &hook_id, 10, |l| l[0]["status"] == "failed").await;
    assert_eq!(log[0]["status"], "failed", "{log:?}");
    assert!(log[0]["next_attempt_at"].is_null());
    assert_eq!(log[0]["attempts"].as_array().unwrap().len(), 2);
    let failed = app
        .admin_get(&format!(
            "/api/v1/admin/webhooks/{hook_id}/deliveries?status=failed"
        ))
        .await
        .expect(200)
        .json();
    assert_eq!(failed["items"].as_array().unwrap().len(), 1);
}
