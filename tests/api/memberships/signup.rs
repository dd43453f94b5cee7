//! The public sign-up form: validation, the challenge, the honeypot and the limits.

use crate::support::Method;
use chrono::{DateTime, Duration, Utc};
use diesel::QueryDsl;
use serde_json::json;

use super::{challenge, form, list, post_form, reset_limits};
use crate::both_backends;
use crate::support::{Resp, TestApp, send};

both_backends!(
    challenge_is_a_sum_valid_for_half_an_hour,
    sign_up_is_accepted_and_visible_to_staff,
    every_rule_is_checked_and_all_errors_named,
    a_wrong_answer_uses_the_challenge_up,
    a_challenge_works_once,
    a_form_with_mistakes_keeps_its_challenge,
    expired_and_forged_tokens_are_refused,
    honeypot_stores_nothing,
    sign_ups_are_limited_per_address,
    challenges_are_limited_per_address,
    a_repeated_sign_up_is_linked_not_merged,
    used_challenges_are_forgotten_once_expired,
);

async fn challenge_is_a_sum_valid_for_half_an_hour(app: TestApp) {
    let r = send(app.request(Method::POST, "/api/v1/memberships/challenge"))
        .await
        .expect(200);
    assert_eq!(r.header("cache-control").as_deref(), Some("no-store"));
    let v = r.json();
    let q = v["question"].as_str().unwrap();
    assert!(
        regex::Regex::new(r"^\d{1,2} \+ \d{1,2} =$")
            .unwrap()
            .is_match(q),
        "{q}"
    );
    // RFC 3339 with an offset: a time without one does not parse as `DateTime<Utc>`.
    let expires: DateTime<Utc> = serde_json::from_value(v["expires_at"].clone()).unwrap();
    let left = expires - Utc::now();
    assert!(
        left > Duration::minutes(29) && left <= Duration::minutes(30),
        "{left}"
    );
    // Two challenges differ.
    let (t2, _) = challenge(&app).await;
    assert_ne!(v["token"].as_str().unwrap(), t2);
    // The key is in the database, shared by every process, made once.
    let key = signing_key(&app).await;
    assert_eq!(key.len(), 64);
    challenge(&app).await;
    assert_eq!(signing_key(&app).await, key);
}

async fn signing_key(app: &TestApp) -> String {
    app.state
        .db
        .run(|c| oa_cms::db::settings::get(c, oa_cms::domain::memberships::challenge::KEY_SETTING))
        .await
        .unwrap()
        .expect("key stored")
}

async fn sign_up_is_accepted_and_visible_to_staff(app: TestApp) {
    let (token, answer) = challenge(&app).await;
    let mut body = form("  Zoë de Vries ", "Zoe@Example.NL", &token, answer);
    // The answer may come as a string.
    body["challenge_answer"] = json!(answer.to_string());
    body["website"] = json!("");
    let r = post_form(&app, &body).await.expect(202);
    assert_eq!(r.json(), json!({"status": "received"}));

    let (_, secret) = app
        .staff("leden@test.nl", oa_cms::auth::Role::Membership)
        .await;
    let v = send(
        app.request(Method::GET, "/api/v1/admin/memberships")
            .bearer_auth(&secret),
    )
    .await
    .expect(200)
    .json();
    assert_eq!(v["total"], 1);
    assert_eq!(v["next_cursor"], serde_json::Value::Null);
    let m = &v["items"][0];
    assert_eq!(m["name"], "Zoë de Vries");
    assert_eq!(m["email"], "zoe@example.nl");
    assert_eq!(m["organisation"], "Stichting Campus010");
    assert_eq!(m["sector"], "onderwijs");
    assert_eq!(m["role"], "verbinder");
    assert_eq!(m["contribution"], "Ik verbind scholen met de wijk.");
    assert_eq!(m["status"], "new");
    assert_eq!(m["consent"], true);
    assert_eq!(
        m["consent_version"],
        oa_cms::domain::memberships::CONSENT_VERSION
    );
    let consent_at: DateTime<Utc> = serde_json::from_value(m["consent_at"].clone()).unwrap();
    assert!(Utc::now() - consent_at < Duration::minutes(1));
    assert_eq!(m["duplicate_of"], serde_json::Value::Null);
    assert_eq!(m["duplicates"], 0);
    assert_eq!(m["note"], serde_json::Value::Null);
    let id = m["id"].as_str().unwrap();
    let one = send(
        app.request(Method::GET, &format!("/api/v1/admin/memberships/{id}"))
            .bearer_auth(&secret),
    )
    .await
    .expect(200)
    .json();
    assert_eq!(&one, m);
}

#[track_caller]
fn assert_fields(p: &serde_json::Value, expected: &[&str]) {
    let mut got = Resp::fields(p);
    got.sort();
    got.dedup();
    let mut want: Vec<String> = expected.iter().map(|s| (*s).to_owned()).collect();
    want.sort();
    assert_eq!(got, want, "{p}");
}

async fn every_rule_is_checked_and_all_errors_named(app: TestApp) {
    // Everything missing: every required field named at once.
    let p = post_form(&app, &json!({})).await.problem(422);
    assert_fields(
        &p,
        &[
            "name",
            "email",
            "sector",
            "role",
            "contribution",
            "consent",
            "challenge_token",
            "challenge_answer",
        ],
    );
    let (token, answer) = challenge(&app).await;
    let good = form("Jan Jansen", "jan@example.nl", &token, answer);
    // One rule at a time: each names its field (and only it).
    let cases: Vec<(&str, serde_json::Value, &str)> = vec![
        ("email", json!("jan@localhost"), "email"),
        ("email", json!("jan example@x.nl"), "email"),
        ("email", json!(" "), "email"),
        ("name", json!("x".repeat(201)), "name"),
        ("name", json!("   "), "name"),
        ("name", json!("Jan\u{0007}"), "name"),
        ("organisation", json!("o".repeat(201)), "organisation"),
        ("contribution", json!("c".repeat(5001)), "contribution"),
        ("contribution", json!(""), "contribution"),
        ("role", json!("baas"), "role"),
        ("role", json!("Koploper "), "role"),
        ("sector", json!("politiek"), "sector"),
        ("consent", json!(false), "consent"),
        ("consent", serde_json::Value::Null, "consent"),
        ("consent", json!("yes"), "consent"),
        ("challenge_answer", json!("zestien"), "challenge_answer"),
        ("challenge_answer", json!(16.5), "challenge_answer"),
        ("challenge_answer", json!([16]), "challenge_answer"),
        ("challenge_token", json!(""), "challenge_token"),
        ("challenge_token", json!("abc.def"), "challenge_token"),
        ("name", json!(42), "name"),
    ];
    for (field, value, named) in cases {
        let mut body = good.clone();
        body[field] = value.clone();
        let p = post_form(&app, &body).await.problem(422);
        assert_fields(&p, &[named]);
        assert!(
            p["errors"][0]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "{field}={value}: {p}"
        );
        reset_limits(&app).await;
    }
    // Unknown fields are named too.
    let mut body = good.clone();
    body["admin"] = json!(true);
    assert_fields(&post_form(&app, &body).await.problem(422), &["admin"]);
    // Several mistakes at once: all named.
    let mut body = good.clone();
    body["email"] = json!("nope");
    body["role"] = json!("baas");
    body["consent"] = json!(false);
    assert_fields(
        &post_form(&app, &body).await.problem(422),
        &["email", "role", "consent"],
    );
    // Limits are inclusive; organisation is optional.
    let mut body = good.clone();
    body["name"] = json!("n".repeat(200));
    body["contribution"] = json!("c".repeat(5000));
    body.as_object_mut().unwrap().remove("organisation");
    post_form(&app, &body).await.expect(202);
    // None of the refused forms was stored; the good one was, without an organisation.
    let v = list(&app, "").await;
    assert_eq!(v["total"], 1);
    assert_eq!(v["items"][0]["organisation"], serde_json::Value::Null);
}

async fn a_wrong_answer_uses_the_challenge_up(app: TestApp) {
    let (token, answer) = challenge(&app).await;
    let p = post_form(&app, &form("Jan", "jan@example.nl", &token, answer + 1))
        .await
        .problem(422);
    assert_fields(&p, &["challenge_answer"]);
    // The right answer now comes too late: no trying answers one by one.
    let p = post_form(&app, &form("Jan", "jan@example.nl", &token, answer))
        .await
        .problem(422);
    assert_fields(&p, &["challenge_token"]);
    assert_eq!(list(&app, "").await["total"], 0);
}

async fn a_challenge_works_once(app: TestApp) {
    let (token, answer) = challenge(&app).await;
    post_form(&app, &form("Jan", "jan@example.nl", &token, answer))
        .await
        .expect(202);
    let p = post_form(&app, &form("Piet", "piet@example.nl", &token, answer))
        .await
        .problem(422);
    assert_fields(&p, &["challenge_token"]);
    assert!(p["errors"][0]["message"].as_str().unwrap().contains("used"));
    assert_eq!(list(&app, "").await["total"], 1);
    // An incomplete form is refused as anyone's would be: the honeypot hides only whether a
    // complete one was taken.
    let (token, answer) = challenge(&app).await;
    let mut incomplete = form("Bot", "bot@example.nl", &token, answer);
    incomplete["website"] = json!("https://spam.example");
    incomplete.as_object_mut().unwrap().remove("name");
    let p = post_form(&app, &incomplete).await.problem(422);
    assert_eq!(Resp::fields(&p), ["name"]);
}

async fn a_form_with_mistakes_keeps_its_challenge(app: TestApp) {
    let (token, answer) = challenge(&app).await;
    let p = post_form(&app, &form("Jan", "jan@", &token, answer))
        .await
        .problem(422);
    assert_fields(&p, &["email"]);
    post_form(&app, &form("Jan", "jan@example.nl", &token, answer))
        .await
        .expect(202);
}

async fn expired_and_forged_tokens_are_refused(app: TestApp) {
    use oa_cms::domain::memberships::challenge;
    super::challenge(&app).await;
    let key = signing_key(&app).await;
    let now = Utc::now().naive_utc();
    // Signed with the right key, but its half hour is over.
    let expired = challenge::issue_with(&key, 13, 3, "0011", now - Duration::seconds(1));
    let p = post_form(&app, &form("Jan", "jan@example.nl", &expired.token, 16))
        .await
        .problem(422);
    assert_fields(&p, &["challenge_token"]);
    assert!(
        p["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("expired")
    );
    // The same, still valid, is accepted: only the expiry was wrong.
    let fresh = challenge::issue_with(&key, 13, 3, "0012", now + Duration::minutes(5));
    post_form(&app, &form("Jan", "jan@example.nl", &fresh.token, 16))
        .await
        .expect(202);
    // Signed with another key: refused.
    let forged = challenge::issue_with(
        &challenge::new_key(),
        13,
        3,
        "0013",
        now + Duration::minutes(5),
    );
    let p = post_form(&app, &form("Jan", "jan@example.nl", &forged.token, 16))
        .await
        .problem(422);
    assert_fields(&p, &["challenge_token"]);
    // A real token with its expiry pushed out: the signature no longer fits.
    let (token, answer) = super::challenge(&app).await;
    let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
    parts[1] = (parts[1].parse::<i64>().unwrap() + 86_400).to_string();
    let p = post_form(
        &app,
        &form("Jan", "jan@example.nl", &parts.join("."), answer),
    )
    .await
    .problem(422);
    assert_fields(&p, &["challenge_token"]);
}

async fn honeypot_stores_nothing(app: TestApp) {
    let (token, answer) = challenge(&app).await;
    let mut body = form("Bot", "bot@example.nl", &token, answer);
    body["website"] = json!("https://spam.example");
    let r = post_form(&app, &body).await.expect(202);
    // The same answer as a real sign-up, so a bot learns nothing.
    assert_eq!(r.json(), json!({"status": "received"}));
    assert_eq!(list(&app, "").await["total"], 0);
    let hits = super::find_everywhere(&app, &["bot@example.nl"]).await;
    assert!(hits.is_empty(), "{hits:?}");
    // Nothing was written for the challenge either: it still works for a person.
    post_form(&app, &form("Jan", "jan@example.nl", &token, answer))
        .await
        .expect(202);
    assert_eq!(list(&app, "").await["total"], 1);
}

async fn sign_ups_are_limited_per_address(app: TestApp) {
    let (token, answer) = challenge(&app).await;
    // A form sent back for a mistake does not count; a sign-up taken does.
    for i in 0..10 {
        let r = post_form(&app, &form("Jan", "jan@", &token, answer)).await;
        assert_eq!(r.status, 422, "attempt {i}");
    }
    for i in 0..10 {
        let (token, answer) = challenge(&app).await;
        post_form(
            &app,
            &form("Jan", &format!("jan{i}@example.nl"), &token, answer),
        )
        .await
        .expect(202);
    }
    let r = post_form(&app, &form("Jan", "jan@example.nl", &token, answer)).await;
    let retry: u64 = r
        .header("retry-after")
        .expect("Retry-After")
        .parse()
        .expect("seconds");
    assert!((1..=600).contains(&retry), "{retry}");
    r.problem(429);
    assert_eq!(list(&app, "").await["total"], 10);
    // Challenges have their own counter.
    challenge(&app).await;
    // The counter key holds the address only.
    let hits = super::find_everywhere(&app, &["jan@"]).await;
    assert!(hits.is_empty(), "{hits:?}");
}

async fn challenges_are_limited_per_address(app: TestApp) {
    for _ in 0..30 {
        challenge(&app).await;
    }
    let r = send(app.request(Method::POST, "/api/v1/memberships/challenge")).await;
    assert!(r.header("retry-after").is_some());
    r.problem(429);
}

async fn a_repeated_sign_up_is_linked_not_merged(app: TestApp) {
    super::sign_up(&app, "Jan Jansen", "jan@example.nl").await;
    super::sign_up(&app, "J. Jansen", "JAN@example.nl").await;
    super::sign_up(&app, "Piet", "piet@example.nl").await;
    let v = list(&app, "").await;
    assert_eq!(v["total"], 3);
    let items = v["items"].as_array().unwrap();
    // Newest first.
    let (piet, second, first) = (&items[0], &items[1], &items[2]);
    assert_eq!(first["name"], "Jan Jansen");
    assert_eq!(first["duplicate_of"], serde_json::Value::Null);
    assert_eq!(first["duplicates"], 1);
    assert_eq!(second["name"], "J. Jansen");
    assert_eq!(second["duplicate_of"], first["id"]);
    assert_eq!(second["duplicates"], 1);
    assert_eq!(piet["duplicates"], 0);
    assert_eq!(piet["duplicate_of"], serde_json::Value::Null);
}

async fn used_challenges_are_forgotten_once_expired(app: TestApp) {
    use diesel::RunQueryDsl;
    let now = Utc::now().naive_utc();
    let used = |app: &TestApp| {
        let db = app.state.db.clone();
        async move {
            db.run(|c| {
                Ok(oa_cms::db::schema::membership_challenges_used::table
                    .select(oa_cms::db::schema::membership_challenges_used::nonce)
                    .order(oa_cms::db::schema::membership_challenges_used::nonce)
                    .load::<String>(c)?)
            })
            .await
            .unwrap()
        }
    };
    app.state
        .db
        .run(move |c| {
            oa_cms::db::memberships::use_challenge(c, "old", now - Duration::minutes(1))?;
            oa_cms::db::memberships::use_challenge(c, "live", now + Duration::minutes(10))
        })
        .await
        .unwrap();
    assert_eq!(used(&app).await, ["live", "old"]);
    // Asking for a challenge clears what has expired and keeps what still counts.
    challenge(&app).await;
    assert_eq!(used(&app).await, ["live"]);
}
