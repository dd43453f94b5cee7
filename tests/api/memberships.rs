//! Membership sign-ups: the public form with its challenge, and staff handling them.

mod conditional;
mod erasure;
mod signup;
mod staff;

use crate::support::Method;
use diesel::sql_types::{BigInt, Text};
use diesel::{QueryableByName, RunQueryDsl};
use serde_json::{Value, json};

use crate::support::{Resp, TestApp, send};

/// A fresh challenge and its answer, worked out from the question as a person would.
pub async fn challenge(app: &TestApp) -> (String, i64) {
    let v = send(app.request(Method::POST, "/api/v1/memberships/challenge"))
        .await
        .expect(200)
        .json();
    let q = v["question"].as_str().expect("question");
    let (a, b) = q
        .strip_suffix(" =")
        .and_then(|s| s.split_once(" + "))
        .unwrap_or_else(|| panic!("question shape: {q}"));
    let answer = a.parse::<i64>().unwrap() + b.parse::<i64>().unwrap();
    (v["token"].as_str().expect("token").to_owned(), answer)
}

/// A complete, valid form for `name` and `email`.
pub fn form(name: &str, email: &str, token: &str, answer: i64) -> Value {
    json!({
        "name": name,
        "email": email,
        "organisation": "Stichting Campus010",
        "sector": "onderwijs",
        "role": "verbinder",
        "contribution": "Ik verbind scholen met de wijk.",
        "consent": true,
        "challenge_token": token,
        "challenge_answer": answer,
    })
}

pub async fn post_form(app: &TestApp, body: &Value) -> Resp {
    send(app.request(Method::POST, "/api/v1/memberships").json(body)).await
}

/// Signs up with a fresh challenge; asserts 202.
pub async fn sign_up(app: &TestApp, name: &str, email: &str) {
    let (token, answer) = challenge(app).await;
    post_form(app, &form(name, email, &token, answer))
        .await
        .expect(202);
}

/// Forgets the per-address counters, for tests that send more than the limit allows.
pub async fn reset_limits(app: &TestApp) {
    app.state
        .db
        .run(|c| {
            diesel::sql_query("DELETE FROM rate_limits").execute(c)?;
            Ok(())
        })
        .await
        .unwrap();
}

/// The staff list, as the admin.
pub async fn list(app: &TestApp, query: &str) -> Value {
    app.admin_get(&format!("/api/v1/admin/memberships{query}"))
        .await
        .expect(200)
        .json()
}

/// The ids of a staff list's records, in order.
pub fn ids(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|m| m["id"].as_str().expect("id").to_owned())
        .collect()
}

/// Record `id`'s ETag, from its `GET` as the admin.
pub async fn etag(app: &TestApp, id: &str) -> String {
    app.admin_get(&format!("/api/v1/admin/memberships/{id}"))
        .await
        .expect(200)
        .header("etag")
        .expect("ETag")
}

/// A `PATCH` of record `id` as the admin, with the record's current ETag.
pub async fn patch(app: &TestApp, id: &str, body: &Value) -> Resp {
    let etag = etag(app, id).await;
    send(
        app.admin(Method::PATCH, &format!("/api/v1/admin/memberships/{id}"))
            .header("if-match", etag)
            .json(body),
    )
    .await
}

/// A `DELETE` (erase) of record `id` as the admin, with the record's current ETag.
pub async fn erase(app: &TestApp, id: &str) -> Resp {
    let etag = etag(app, id).await;
    send(
        app.admin(Method::DELETE, &format!("/api/v1/admin/memberships/{id}"))
            .header("if-match", etag),
    )
    .await
}

#[derive(QueryableByName)]
struct NameRow {
    #[diesel(sql_type = Text)]
    name: String,
}

#[derive(QueryableByName)]
struct CountRow {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Every `table.column` of the whole database whose value contains one of `needles`
/// (ignoring case), whatever the column's type.
pub async fn find_everywhere(app: &TestApp, needles: &[&str]) -> Vec<String> {
    let needles: Vec<String> = needles.iter().map(|n| n.to_lowercase()).collect();
    let postgres = app.pg.is_some();
    app.state
        .db
        .run(move |c| {
            let tables: Vec<NameRow> = if postgres {
                diesel::sql_query(
                    "SELECT CAST(table_name AS TEXT) AS name FROM information_schema.tables \
                     WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
                )
                .load(c)?
            } else {
                diesel::sql_query("SELECT name FROM sqlite_master WHERE type = 'table'").load(c)?
            };
            assert!(tables.len() >= 10, "expected the whole schema");
            let mut hits = Vec::new();
            for t in tables {
                let columns: Vec<NameRow> = if postgres {
                    diesel::sql_query(format!(
                        "SELECT CAST(column_name AS TEXT) AS name FROM information_schema.columns \
                         WHERE table_schema = current_schema() AND table_name = '{}'",
                        t.name
                    ))
                    .load(c)?
                } else {
                    diesel::sql_query(format!("SELECT name FROM pragma_table_info('{}')", t.name))
                        .load(c)?
                };
                for col in columns {
                    for needle in &needles {
                        let sql = format!(
                            "SELECT COUNT(*) AS n FROM \"{}\" \
                             WHERE LOWER(CAST(\"{}\" AS TEXT)) LIKE '%{}%'",
                            t.name,
                            col.name,
                            needle.replace('\'', "''")
                        );
                        let n: Vec<CountRow> = diesel::sql_query(sql).load(c)?;
                        if n.first().is_some_and(|r| r.n > 0) {
                            hits.push(format!("{}.{}", t.name, col.name));
                        }
                    }
                }
            }
            Ok(hits)
        })
        .await
        .unwrap()
}
