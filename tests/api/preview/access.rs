//! Who may make a preview link, what a request for one must hold, and every way a link stops
//! working: expired, altered, its item archived.

use std::time::Duration;

use oa_cms::auth::Role;
use serde_json::json;

use super::{link, link_as, shown};
use crate::both_backends;
use crate::support::{Method, Resp, TestApp, send};

both_backends!(
    requests_for_links_are_checked_and_bad_fields_named,
    the_read_role_may_make_links_and_anonymous_callers_may_not,
    expired_altered_and_archived_links_are_not_found,
);

async fn requests_for_links_are_checked_and_bad_fields_named(app: TestApp) {
    let mut item = app.news("Te controleren").draft().await;
    let path = format!("{}/preview", item.path());
    let post = |body: serde_json::Value| send(app.admin(Method::POST, &path).json(&body));
    for (body, fields) in [
        (json!({ "expires_in": 0 }), vec!["expires_in"]),
        (json!({ "expires_in": 604_801 }), vec!["expires_in"]),
        (json!({ "expires_in": -5 }), vec!["expires_in"]),
        (json!({ "expires_in": "lang" }), vec!["expires_in"]),
        (json!({ "version": 2 }), vec!["version"]),
        (json!({ "version": 0 }), vec!["version"]),
        (
            json!({ "version": 9, "expires_in": 0 }),
            vec!["version", "expires_in"],
        ),
        (json!({ "versie": 1 }), vec!["versie"]),
    ] {
        let problem = post(body.clone()).await.problem(422);
        assert_eq!(Resp::fields(&problem), fields, "{body}: {problem}");
    }
    // The longest and shortest lifetimes are taken; an empty body means the defaults.
    for body in [
        json!({ "expires_in": 604_800 }),
        json!({ "expires_in": 1 }),
        json!({}),
    ] {
        post(body).await.expect(200);
    }
    send(app.admin(Method::POST, &path)).await.expect(200);
    send(
        app.admin(Method::POST, &path)
            .header("content-type", "application/json")
            .body("{"),
    )
    .await
    .problem(400);
    send(
        app.admin(Method::POST, &path)
            .header("content-type", "text/plain")
            .body("{}"),
    )
    .await
    .problem(415);
    // No such item, or an id that is not one.
    for id in [uuid::Uuid::now_v7().to_string(), "nope".to_owned()] {
        send(app.admin(Method::POST, &format!("/api/v1/admin/content/{id}/preview")))
            .await
            .problem(404);
    }
    // An archived item has nothing to preview until it is brought back.
    item.archive(&app).await;
    send(app.admin(Method::POST, &path)).await.problem(409);
    item.unarchive(&app).await;
    send(app.admin(Method::POST, &path)).await.expect(200);
}

async fn the_read_role_may_make_links_and_anonymous_callers_may_not(app: TestApp) {
    let item = app.news("Voor de bouwserver").draft().await;
    for (email, role) in [
        ("lezer@test.nl", Role::Read),
        ("redactie@test.nl", Role::Editor),
    ] {
        let (_, token) = app.staff(email, role).await;
        let l = link_as(&app, &token, &item, None).await.expect(200).json();
        assert_eq!(shown(&app, &l).await["title"], "Voor de bouwserver");
    }
    let (_, members) = app.staff("leden@test.nl", Role::Membership).await;
    link_as(&app, &members, &item, None).await.problem(403);
    send(app.request(Method::POST, &format!("{}/preview", item.path())))
        .await
        .problem(401);
}

async fn expired_altered_and_archived_links_are_not_found(app: TestApp) {
    let mut item = app.news("Vergankelijk").draft().await;
    let short = link(&app, &item, Some(json!({ "expires_in": 1 }))).await;
    let long = link(&app, &item, None).await;
    let url = long["url"].as_str().unwrap().to_owned();
    let token = long["token"].as_str().unwrap().to_owned();
    shown(&app, &long).await;
    // Every character changed, in turn, makes a link that shows nothing.
    for i in [0, 10, 42, token.len() - 1] {
        let mut altered = token.clone().into_bytes();
        altered[i] = if altered[i] == b'A' { b'B' } else { b'A' };
        let altered = String::from_utf8(altered).unwrap();
        app.get(&format!("/api/v1/preview/{altered}"))
            .await
            .problem(404);
    }
    for bad in [
        String::new(),
        "x".to_owned(),
        format!("{token}A"),
        token[1..].to_owned(),
        "%E2%82%AC".to_owned(),
    ] {
        let r = app.get(&format!("/api/v1/preview/{bad}")).await;
        assert_eq!(r.status.as_u16(), 404, "{bad}: {}", r.text());
    }
    actix_web::rt::time::sleep(Duration::from_millis(2100)).await;
    app.get(short["url"].as_str().unwrap()).await.problem(404);
    shown(&app, &long).await;
    item.archive(&app).await;
    app.get(&url).await.problem(404);
}
