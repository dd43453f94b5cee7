//! The OpenAPI document as generated clients need it: unique operationIds, a summary per
//! operation, the right security, every error documented as problem+json, distinct schema
//! names, ids as UUIDs and times as RFC 3339.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

const METHODS: [&str; 5] = ["get", "put", "post", "delete", "patch"];

/// Operations anyone may call, without a session or a token.
const PUBLIC: [&str; 14] = [
    "GET /api/v1/sync",
    "GET /api/v1/preview/{token}",
    "GET /api/v1/preview/{token}/files/{file_id}/{filename}",
    "GET /api/v1/feed.atom",
    "GET /sitemap.xml",
    "GET /api/v1/site",
    "GET /api/v1/content",
    "GET /api/v1/content/{kind}/{slug}",
    "GET /api/v1/files/{id}/{filename}",
    "POST /api/v1/memberships",
    "POST /api/v1/memberships/challenge",
    "POST /api/v1/auth/login",
    "GET /health",
    "GET /health/ready",
];

fn doc() -> Value {
    serde_json::to_value(oa_cms::startup::openapi_doc()).expect("json")
}

/// Every operation as `"METHOD /path"` with its object.
fn operations(doc: &Value) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for m in METHODS {
            if let Some(op) = item.get(m) {
                out.insert(format!("{} {path}", m.to_uppercase()), op.clone());
            }
        }
    }
    out
}

/// Follows a `$ref` into the document.
fn resolve<'a>(doc: &'a Value, v: &'a Value) -> &'a Value {
    match v.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let pointer = r.strip_prefix('#').expect("local ref");
            doc.pointer(pointer)
                .unwrap_or_else(|| panic!("{r} points at nothing"))
        }
        None => v,
    }
}

#[test]
fn operation_ids_are_unique_camel_case_and_every_operation_has_a_summary() {
    let doc = doc();
    let ops = operations(&doc);
    assert!(ops.len() > 40, "only {} operations", ops.len());
    let mut seen = BTreeMap::new();
    for (name, op) in &ops {
        let id = op["operationId"]
            .as_str()
            .unwrap_or_else(|| panic!("{name} has no operationId"));
        assert!(
            id.starts_with(|c: char| c.is_ascii_lowercase())
                && id.chars().all(|c| c.is_ascii_alphanumeric()),
            "{name}: operationId {id} is not camelCase"
        );
        if let Some(other) = seen.insert(id.to_owned(), name.clone()) {
            panic!("operationId {id} is used by {other} and {name}");
        }
        let summary = op["summary"].as_str().unwrap_or_default();
        assert!(
            !summary.trim().is_empty() && summary.len() <= 80 && !summary.contains('\n'),
            "{name} needs a short one-line summary, has {summary:?}"
        );
    }
    assert_eq!(seen["listPublicContent"], "GET /api/v1/content");
    assert_eq!(
        seen["getPublicContent"],
        "GET /api/v1/content/{kind}/{slug}"
    );
    assert_eq!(seen["createContent"], "POST /api/v1/admin/content");
    assert_eq!(seen["listAuditEntries"], "GET /api/v1/admin/audit");
}

#[test]
fn public_operations_need_no_credentials_and_the_others_name_their_schemes() {
    let doc = doc();
    let schemes: BTreeSet<&String> = doc["components"]["securitySchemes"]
        .as_object()
        .expect("security schemes")
        .keys()
        .collect();
    for (name, op) in operations(&doc) {
        let security = op["security"]
            .as_array()
            .unwrap_or_else(|| panic!("{name} does not say what security it needs"));
        if PUBLIC.contains(&name.as_str()) {
            assert!(
                security.is_empty(),
                "{name} is public: its security must be `[]`, is {security:?}"
            );
            continue;
        }
        assert!(!security.is_empty(), "{name} must name a security scheme");
        for requirement in security {
            let req = requirement.as_object().expect("requirement");
            assert!(!req.is_empty(), "{name} is not public but allows anonymous");
            for scheme in req.keys() {
                assert!(schemes.contains(scheme), "{name}: unknown scheme {scheme}");
            }
        }
        assert!(
            op["responses"].get("401").is_some(),
            "{name} needs credentials, so it can answer 401"
        );
    }
}

#[test]
fn every_error_answer_is_documented_as_problem_json() {
    let doc = doc();
    for (name, op) in operations(&doc) {
        let responses = op["responses"].as_object().expect("responses");
        let has = |s: &str| responses.contains_key(s);
        assert!(has("500"), "{name} can fail with 500");
        if op.get("requestBody").is_some() {
            for status in ["400", "413", "415", "422"] {
                assert!(
                    has(status),
                    "{name} takes a body, so it can answer {status}"
                );
            }
        }
        let params = op["parameters"].as_array().cloned().unwrap_or_default();
        if params.iter().any(|p| p["in"] == "path") {
            assert!(
                has("404"),
                "{name} has path parameters, so it can answer 404"
            );
        }
        if params
            .iter()
            .any(|p| p["in"] == "header" && p["name"] == "If-Match")
        {
            assert!(has("412") && has("428"), "{name} takes If-Match");
        }
        for (status, response) in responses {
            let response = resolve(&doc, response);
            assert!(
                response["description"]
                    .as_str()
                    .is_some_and(|d| !d.trim().is_empty()),
                "{name} {status} has no description"
            );
            if status.starts_with('4') || status.starts_with('5') {
                let schema = &response["content"]["application/problem+json"]["schema"];
                assert_eq!(
                    schema["$ref"], "#/components/schemas/Problem",
                    "{name} {status} must be application/problem+json with Problem"
                );
            }
        }
    }
    for name in [
        "POST /api/v1/auth/login",
        "POST /api/v1/memberships",
        "POST /api/v1/memberships/challenge",
    ] {
        assert!(
            operations(&doc)[name]["responses"].get("429").is_some(),
            "{name} is rate-limited"
        );
    }
}

/// Every object schema in `components.schemas`, with nested ones, by a readable path.
fn properties(doc: &Value) -> Vec<(String, String, Value)> {
    fn walk(at: &str, v: &Value, out: &mut Vec<(String, String, Value)>) {
        if let Some(props) = v.get("properties").and_then(Value::as_object) {
            for (k, p) in props {
                out.push((at.to_owned(), k.clone(), p.clone()));
                walk(&format!("{at}.{k}"), p, out);
            }
        }
        for key in ["allOf", "oneOf", "anyOf"] {
            for part in v.get(key).and_then(Value::as_array).into_iter().flatten() {
                walk(at, part, out);
            }
        }
        if let Some(items) = v.get("items") {
            walk(&format!("{at}[]"), items, out);
        }
    }
    let mut out = Vec::new();
    for (name, schema) in doc["components"]["schemas"].as_object().expect("schemas") {
        walk(name, schema, &mut out);
    }
    out
}

/// One property of a schema in `components.schemas`.
fn property(doc: &Value, schema: &str, field: &str) -> Value {
    let found = properties(doc)
        .into_iter()
        .find(|(s, n, _)| s == schema && n == field);
    let Some((_, _, p)) = found else {
        panic!("{schema}.{field} missing");
    };
    p
}

/// The format of a property, looking through `oneOf: [null, ...]`-style wrappers.
fn format_of(p: &Value) -> Option<&str> {
    p["format"].as_str().or_else(|| {
        ["oneOf", "anyOf", "allOf"]
            .iter()
            .filter_map(|k| p.get(*k).and_then(Value::as_array))
            .flatten()
            .find_map(|x| x["format"].as_str())
    })
}

#[test]
fn ids_are_uuids_and_times_are_rfc3339() {
    let doc = doc();
    let props = properties(&doc);
    assert!(props.len() > 100);
    for (schema, name, p) in &props {
        if name == "id" || name.ends_with("_id") {
            assert_eq!(format_of(p), Some("uuid"), "{schema}.{name} is an id");
        }
        if name == "at" || name.ends_with("_at") {
            assert_eq!(format_of(p), Some("date-time"), "{schema}.{name} is a time");
        }
    }
}

#[test]
fn path_ids_are_uuids_and_kinds_an_enum() {
    let doc = doc();
    for (name, op) in operations(&doc) {
        for p in op["parameters"].as_array().into_iter().flatten() {
            if p["in"] != "path" {
                continue;
            }
            let schema = resolve(&doc, &p["schema"]);
            match p["name"].as_str().unwrap_or_default() {
                "id" => assert_eq!(schema["format"], "uuid", "{name}: path id"),
                "kind" => assert!(schema["enum"].is_array(), "{name}: path kind"),
                _ => {}
            }
        }
    }
}

#[test]
fn content_and_membership_status_are_distinct_schemas() {
    let doc = doc();
    let schemas = &doc["components"]["schemas"];
    let values = |name: &str| -> Vec<String> {
        schemas[name]["enum"]
            .as_array()
            .unwrap_or_else(|| panic!("{name} is not an enum schema"))
            .iter()
            .map(|v| v.as_str().unwrap_or_default().to_owned())
            .collect()
    };
    assert_eq!(
        values("ContentStatus"),
        ["draft", "scheduled", "published", "changed", "archived"]
    );
    assert_eq!(values("MembershipStatus"), ["new", "approved", "rejected"]);
    assert!(
        schemas.get("Status").is_none(),
        "an ambiguous `Status` is left"
    );
    let status_ref = |schema: &str| property(&doc, schema, "status").to_string();
    assert!(status_ref("AdminItem").contains("#/components/schemas/ContentStatus"));
    assert!(status_ref("AdminListItem").contains("#/components/schemas/ContentStatus"));
    assert!(status_ref("MembershipOut").contains("#/components/schemas/MembershipStatus"));
    // Closed sets are enums, not free strings.
    for (schema, field) in [
        ("PublicItem", "kind"),
        ("FileUse", "kind"),
        ("UserOut", "role"),
        ("TokenOut", "role"),
    ] {
        let p = property(&doc, schema, field);
        assert!(
            p.get("$ref").is_some() || p.get("enum").is_some(),
            "{schema}.{field} should be an enum, is {p}"
        );
    }
}

/// Every `at` / `*_at` string in a JSON answer, with its path.
fn times(v: &Value, at: &str, out: &mut Vec<(String, String)>) {
    match v {
        Value::Object(map) => {
            for (k, x) in map {
                let path = format!("{at}.{k}");
                match x {
                    Value::String(s) if k == "at" || k.ends_with("_at") => {
                        out.push((path, s.clone()));
                    }
                    _ => times(x, &path, out),
                }
            }
        }
        Value::Array(items) => {
            for (i, x) in items.iter().enumerate() {
                times(x, &format!("{at}[{i}]"), out);
            }
        }
        _ => {}
    }
}

#[actix_web::test]
async fn staff_tokens_and_audit_times_are_rfc3339_in_utc() {
    use crate::support::Method;
    use serde_json::json;

    let app = crate::support::TestApp::spawn(crate::support::Backend::Sqlite).await;
    let created = app
        .admin_json(
            Method::POST,
            "/api/v1/admin/tokens",
            &json!({"name": "bouwserver", "role": "read"}),
        )
        .await
        .expect(201)
        .json();
    let mut found = Vec::new();
    times(&created, "token", &mut found);
    for path in [
        "/api/v1/admin/tokens",
        "/api/v1/admin/users",
        "/api/v1/admin/audit",
    ] {
        let v = app.admin_get(path).await.expect(200).json();
        times(&v, path, &mut found);
    }
    for (start, end) in [
        ("token", ".created_at"),
        ("/api/v1/admin/tokens[", ".last_used_at"),
        ("/api/v1/admin/users[", ".updated_at"),
        ("/api/v1/admin/audit.items[", ".at"),
    ] {
        assert!(
            found
                .iter()
                .any(|(p, _)| p.starts_with(start) && p.ends_with(end)),
            "no {start}..{end} among {found:?}"
        );
    }
    for (path, time) in found {
        assert!(
            time.ends_with('Z') && chrono::DateTime::parse_from_rfc3339(&time).is_ok(),
            "{path} is {time:?}, not RFC 3339 in UTC"
        );
    }
}
