//! The problem answers every operation shares, added to the OpenAPI document from each
//! operation's shape so that no handler has to repeat them.

use utoipa::openapi::header::Header;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::security::SecurityRequirement;
use utoipa::openapi::{Content, Object, OpenApi, Ref, RefOr, Type};

/// The shared answers: status, name under `components.responses`, description.
const SHARED: [(&str, &str, &str); 9] = [
    (
        "400",
        "BadRequest",
        "The body is not valid JSON or could not be read, or a query parameter holds a NUL \
         character (named in `errors`)",
    ),
    (
        "401",
        "Unauthorized",
        "No valid session cookie or bearer token",
    ),
    ("404", "NotFound", "No such resource"),
    ("413", "PayloadTooLarge", "The body is larger than allowed"),
    ("414", "UriTooLong", "The URL is longer than 8 KiB"),
    (
        "415",
        "UnsupportedMediaType",
        "The body is not of the media type the operation takes",
    ),
    (
        "422",
        "ValidationFailed",
        "A field or parameter is invalid; every bad one is named in `errors`",
    ),
    (
        "500",
        "InternalError",
        "Something went wrong on the server; `error_id` names it in the log",
    ),
    ("503", "Unavailable", "The database is unavailable"),
];

/// Operations that answer without the database, so never 503.
const WITHOUT_DATABASE: [&str; 1] = ["getMetrics"];

/// Adds the shared answers to `components.responses`, and to each operation the ones its
/// shape implies and it does not describe itself: a body can be malformed (400), too
/// large (413), of another media type (415) or invalid (422); a path can name nothing
/// (404); a query parameter can be invalid (422) or hold a NUL (400); a URL with
/// parameters can be too long (414); a secured operation can lack
/// credentials (401); anything can fail (500) and the database can be away (503).
pub fn complete(doc: &mut OpenApi) {
    let components = doc.components.get_or_insert_with(Default::default);
    for (status, name, description) in SHARED {
        components
            .responses
            .insert(name.to_owned(), RefOr::T(problem(status, description)));
    }
    for item in doc.paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ];
        for op in operations.into_iter().flatten() {
            if is_public(op) {
                // `[]` rather than `[{}]`: no credentials at all.
                op.security = Some(Vec::new());
            }
            admit_empty_values(op);
            for status in implied(op) {
                let Some((_, name, _)) = SHARED.iter().find(|(s, _, _)| *s == status) else {
                    continue;
                };
                op.responses
                    .responses
                    .entry(status.to_owned())
                    .or_insert_with(|| RefOr::Ref(Ref::from_response_name(*name)));
            }
        }
    }
}

/// Query parameters the lists read as absent when empty (`?kind=&limit=`, as an HTML form
/// sends them): their schema says so, as `anyOf` the value or the empty string.
const EMPTY_MEANS_ABSENT: [&str; 8] = [
    "kind",
    "page",
    "status",
    "sort",
    "role",
    "sector",
    "delimiter",
    "limit",
];

fn admit_empty_values(op: &mut Operation) {
    use utoipa::openapi::schema::{AnyOfBuilder, ObjectBuilder, Schema};
    let list = op.operation_id.as_deref().is_some_and(|id| {
        id.starts_with("list")
            || matches!(
                id,
                "exportMemberships" | "syncContent" | "getAtomFeed" | "getSitemap"
            )
    });
    if !list {
        return;
    }
    for param in op.parameters.iter_mut().flatten() {
        if !matches!(param.parameter_in, ParameterIn::Query)
            || !EMPTY_MEANS_ABSENT.contains(&param.name.as_str())
        {
            continue;
        }
        let Some(schema) = param.schema.take() else {
            continue;
        };
        let empty = ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some([""]))
            .description(Some("Empty: as if the parameter were not given."));
        param.schema = Some(RefOr::T(Schema::AnyOf(
            AnyOfBuilder::new().item(schema).item(empty).build(),
        )));
    }
}

fn implied(op: &Operation) -> Vec<&'static str> {
    let mut statuses = Vec::new();
    if op.request_body.is_some() {
        statuses.extend(["400", "413", "415", "422"]);
    }
    let params = op.parameters.as_deref().unwrap_or_default();
    if params
        .iter()
        .any(|p| matches!(p.parameter_in, ParameterIn::Path))
    {
        statuses.push("404");
    }
    if params
        .iter()
        .any(|p| matches!(p.parameter_in, ParameterIn::Query))
    {
        statuses.extend(["400", "422"]);
    }
    if !params.is_empty() {
        statuses.push("414");
    }
    if !is_public(op) {
        statuses.push("401");
    }
    statuses.push("500");
    let id = op.operation_id.as_deref().unwrap_or_default();
    if !WITHOUT_DATABASE.contains(&id) {
        statuses.push("503");
    }
    statuses
}

/// Anyone may call it: `security(())` on the handler.
fn is_public(op: &Operation) -> bool {
    op.security
        .as_ref()
        .is_some_and(|s| s.iter().all(|r| *r == SecurityRequirement::default()))
}

fn problem(status: &str, description: &str) -> Response {
    let mut response = ResponseBuilder::new().description(description).content(
        "application/problem+json",
        Content::new(Some(Ref::from_schema_name("Problem"))),
    );
    if status == "401" {
        response = response.header(
            "WWW-Authenticate",
            Header::new(Object::with_type(Type::String)),
        );
    }
    response.build()
}
