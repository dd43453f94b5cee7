//! Every `errors[]` entry of a problem carries a stable machine `code` (documented in the
//! OpenAPI document), so clients can say it in their own words; `message` stays English.

use serde_json::{Value, json};

use crate::both_backends;
use crate::support::{Method, TestApp};

both_backends!(field_errors_carry_codes, conflicts_carry_codes);

/// The `(field, code)` pairs of a problem, in order.
fn codes(problem: &Value) -> Vec<(String, String)> {
    problem["errors"]
        .as_array()
        .expect("errors[]")
        .iter()
        .map(|e| {
            assert!(e["message"].is_string(), "an English message stays: {e}");
            (
                e["field"].as_str().expect("field").to_owned(),
                e["code"].as_str().expect("code").to_owned(),
            )
        })
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(f, c)| ((*f).to_owned(), (*c).to_owned()))
        .collect()
}

async fn field_errors_carry_codes(app: TestApp) {
    let r = app
        .admin_json(
            Method::POST,
            "/api/v1/admin/content",
            &json!({"kind": "download", "title": "", "tags": ["a", "a"],
                    "fields": {"file_id": "", "position": -1}}),
        )
        .await
        .expect(422)
        .json();
    assert_eq!(
        codes(&r),
        pairs(&[
            ("title", "required"),
            ("tags[1]", "duplicate"),
            ("fields.file_id", "required"),
            ("fields.position", "out_of_range"),
        ])
    );

    let r = app
        .admin_json(
            Method::POST,
            "/api/v1/admin/content",
            &json!({"kind": "download", "title": "Werkboek",
                    "fields": {"file_id": "0190a4a0-0000-7000-8000-000000000000"}}),
        )
        .await
        .expect(422)
        .json();
    assert_eq!(codes(&r), pairs(&[("fields.file_id", "unknown_file")]));

    let r = app
        .admin_json(
            Method::POST,
            "/api/v1/admin/users",
            &json!({"email": "geen-adres", "password": "kort", "role": "chef"}),
        )
        .await
        .expect(422)
        .json();
    let got = codes(&r);
    for want in pairs(&[
        ("email", "invalid_format"),
        ("password", "too_short"),
        ("role", "invalid_choice"),
    ]) {
        assert!(got.contains(&want), "{want:?} in {got:?}");
    }

    let r = app
        .admin_json(
            Method::POST,
            "/api/v1/admin/content",
            &json!({"kind": "news", "title": "Nieuws", "fields": {}, "colour": "rood"}),
        )
        .await
        .expect(422)
        .json();
    assert_eq!(codes(&r), pairs(&[("colour", "unknown_field")]));

    // Every code given is one the OpenAPI document lists for the error entry.
    let doc = app.get("/api/openapi.json").await.expect(200).json();
    let schemas = &doc["components"]["schemas"];
    let required = schemas["FieldError"]["required"]
        .as_array()
        .expect("required");
    assert!(required.contains(&json!("code")), "{required:?}");
    let listed = schemas["ErrorCode"]["enum"].as_array().expect("enum");
    for code in [
        "required",
        "unknown_file",
        "out_of_range",
        "invalid_format",
        "too_short",
        "invalid_choice",
        "unknown_field",
        "taken",
    ] {
        assert!(listed.contains(&json!(code)), "{code} not in {listed:?}");
    }
}

async fn conflicts_carry_codes(app: TestApp) {
    let doc = json!({"kind": "news", "title": "Open dag", "slug": "open-dag", "fields": {}});
    app.admin_json(Method::POST, "/api/v1/admin/content", &doc)
        .await
        .expect(201);
    let r = app
        .admin_json(Method::POST, "/api/v1/admin/content", &doc)
        .await
        .expect(409)
        .json();
    assert_eq!(codes(&r), pairs(&[("slug", "taken")]));
}
