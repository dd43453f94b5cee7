//! Request extractors that answer bad input with problem+json naming the field.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use futures_util::StreamExt;
use serde::de::DeserializeOwned;
use utoipa::openapi::schema::{Object, ObjectBuilder, Type};

use crate::error::{AppError, ErrorCode, FieldError};
use crate::state::AppState;

/// Whether the request declares a JSON body (`application/json` or a `+json` type).
pub fn is_json(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<mime::Mime>().ok())
        .is_some_and(|m| {
            m.type_() == mime::APPLICATION
                && (m.subtype() == mime::JSON || m.suffix() == Some(mime::JSON))
        })
}

/// A JSON body: 415 unless `application/json`, 413 past the configured limit, 400 when it
/// is not JSON, 422 naming the field when it does not fit the type.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for ApiJson<T> {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let limit = req
            .app_data::<web::Data<AppState>>()
            .map_or(1024 * 1024, |s| s.config.json_limit);
        let is_json = is_json(req);
        let declared = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        let mut payload = payload.take();
        Box::pin(async move {
            if !is_json {
                return Err(AppError::UnsupportedMediaType(
                    "The body must be application/json.".into(),
                ));
            }
            if declared.is_some_and(|n| n > limit) {
                return Err(too_large(limit));
            }
            let mut body = web::BytesMut::new();
            while let Some(chunk) = payload.next().await {
                let chunk = chunk
                    .map_err(|_| AppError::BadRequest("The body could not be read.".into()))?;
                if body.len() + chunk.len() > limit {
                    return Err(too_large(limit));
                }
                body.extend_from_slice(&chunk);
            }
            parse_json(&body).map(ApiJson)
        })
    }
}

fn too_large(limit: usize) -> AppError {
    AppError::PayloadTooLarge(format!("The body is larger than {limit} bytes."))
}

/// Deserializes a JSON object, telling a syntax error (400) from a shape error (422 with the
/// path). Every body we take is an object: an array or a bare value is refused rather than
/// bound to the fields by position, and text PostgreSQL cannot store (NUL) is refused on
/// both backends, naming the field that holds it.
pub fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, AppError> {
    let first = body.iter().find(|b| !b.is_ascii_whitespace());
    if first.is_some_and(|b| *b != b'{') {
        return Err(
            match serde_json::from_slice::<serde::de::IgnoredAny>(body) {
                Ok(_) => AppError::field("body", ErrorCode::InvalidFormat, "must be a JSON object"),
                Err(e) => syntax_error(&e),
            },
        );
    }
    if memchr::memmem::find(body, b"\\u0000").is_some()
        && let Some(field) = serde_json::from_slice(body)
            .ok()
            .as_ref()
            .and_then(nul_path)
    {
        return Err(AppError::field(
            field,
            ErrorCode::InvalidFormat,
            NUL_MESSAGE,
        ));
    }
    let de = &mut serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        match inner.classify() {
            serde_json::error::Category::Data => {
                AppError::Validation(vec![shape_error(&path, &inner.to_string())])
            }
            _ => syntax_error(&inner),
        }
    })?;
    // Free-form objects (an item's `fields`) keep the last of two equal keys without a
    // word; the client meant one of them, so neither is taken.
    if let Some(field) = duplicate_key(body) {
        return Err(AppError::field(
            field,
            ErrorCode::Duplicate,
            "is given more than once",
        ));
    }
    Ok(value)
}

/// The path of the first key that appears twice in one object of `body` (valid JSON).
fn duplicate_key(body: &[u8]) -> Option<String> {
    use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
    use std::cell::RefCell;

    struct Walk<'a> {
        path: String,
        found: &'a RefCell<Option<String>>,
    }

    impl<'de> DeserializeSeed<'de> for Walk<'_> {
        type Value = ();
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            d.deserialize_any(self)
        }
    }

    impl<'de> Visitor<'de> for Walk<'_> {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("any JSON value")
        }
        fn visit_bool<E>(self, _: bool) -> Result<(), E> {
            Ok(())
        }
        fn visit_i64<E>(self, _: i64) -> Result<(), E> {
            Ok(())
        }
        fn visit_u64<E>(self, _: u64) -> Result<(), E> {
            Ok(())
        }
        fn visit_f64<E>(self, _: f64) -> Result<(), E> {
            Ok(())
        }
        fn visit_str<E>(self, _: &str) -> Result<(), E> {
            Ok(())
        }
        fn visit_unit<E>(self) -> Result<(), E> {
            Ok(())
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
            let mut i = 0;
            while seq
                .next_element_seed(Walk {
                    path: format!("{}[{i}]", self.path),
                    found: self.found,
                })?
                .is_some()
            {
                i += 1;
            }
            Ok(())
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
            let mut seen = std::collections::HashSet::new();
            while let Some(key) = map.next_key::<String>()? {
                let path = if self.path.is_empty() {
                    key.clone()
                } else {
                    format!("{}.{key}", self.path)
                };
                if !seen.insert(key) && self.found.borrow().is_none() {
                    *self.found.borrow_mut() = Some(path.clone());
                }
                map.next_value_seed(Walk {
                    path,
                    found: self.found,
                })?;
            }
            Ok(())
        }
    }

    let found = RefCell::new(None);
    let mut de = serde_json::Deserializer::from_slice(body);
    let walk = Walk {
        path: String::new(),
        found: &found,
    };
    walk.deserialize(&mut de).ok()?;
    found.into_inner()
}

/// What a field holding a NUL character is told.
pub const NUL_MESSAGE: &str = "must not contain a NUL character";

fn syntax_error(e: &serde_json::Error) -> AppError {
    AppError::BadRequest(format!(
        "The body is not valid JSON: {}",
        strip_position(&e.to_string())
    ))
}

/// The path of the first string (or key) in `value` that holds a NUL character.
fn nul_path(value: &serde_json::Value) -> Option<String> {
    use serde_json::Value;
    fn walk(v: &Value, path: &str) -> Option<String> {
        let join = |key: &str| {
            if path.is_empty() {
                key.to_owned()
            } else {
                format!("{path}.{key}")
            }
        };
        match v {
            Value::String(s) => s.contains('\0').then(|| path.to_owned()),
            Value::Array(items) => items
                .iter()
                .enumerate()
                .find_map(|(i, item)| walk(item, &format!("{path}[{i}]"))),
            Value::Object(map) => map.iter().find_map(|(k, item)| {
                if k.contains('\0') {
                    Some(join(&k.replace('\0', "")))
                } else {
                    walk(item, &join(k))
                }
            }),
            _ => None,
        }
    }
    walk(value, "").map(|p| if p.is_empty() { "body".to_owned() } else { p })
}

fn strip_position(msg: &str) -> &str {
    msg.split(" at line ").next().unwrap_or(msg)
}

/// Names the field an error is about: serde reports unknown and missing fields at their
/// parent's path.
fn shape_error(path: &str, msg: &str) -> FieldError {
    let msg = strip_position(msg);
    let parent = if path == "." { "" } else { path };
    let named = |prefix: &str| {
        msg.strip_prefix(prefix)
            .and_then(|rest| rest.split('`').next())
            .map(|name| {
                if parent.is_empty() {
                    name.to_owned()
                } else if parent == name || parent.ends_with(&format!(".{name}")) {
                    parent.to_owned()
                } else {
                    format!("{parent}.{name}")
                }
            })
    };
    if let Some(field) = named("unknown field `") {
        return FieldError::new(field, ErrorCode::UnknownField, "is not a known field");
    }
    if let Some(field) = named("missing field `") {
        return FieldError::new(field, ErrorCode::Required, "is required");
    }
    if let Some(field) = named("duplicate field `") {
        return FieldError::new(field, ErrorCode::Duplicate, "is given more than once");
    }
    let field = if parent.is_empty() { "body" } else { parent };
    FieldError::new(field, ErrorCode::InvalidFormat, plain_words(msg))
}

/// serde's message in the words of a JSON document: `struct CreateContent with 9
/// elements`, `u32` or `a sequence` mean nothing to the client that sent the body.
fn plain_words(msg: &str) -> String {
    let mut out = Vec::new();
    let mut words = msg.split(' ').peekable();
    while let Some(word) = words.next() {
        let (core, tail) = match word.strip_suffix(',') {
            Some(core) => (core, ","),
            None => (word, ""),
        };
        let plain = match core {
            "struct" | "enum" | "map" => {
                if matches!(core, "struct" | "enum") {
                    words.next();
                    if words.peek() == Some(&"with") {
                        words.next();
                        words.next();
                        words.next();
                    }
                }
                if core == "enum" {
                    "one of the listed values"
                } else {
                    "an object"
                }
            }
            "sequence" | "tuple" => "a list",
            "unit" => "null",
            "newtype" => continue,
            "char" => "a single character",
            "u8" | "u16" | "u32" | "u64" | "u128" | "i8" | "i16" | "i32" | "i64" | "i128"
            | "usize" | "isize" => "a whole number in range",
            "f32" | "f64" => "a number",
            "bool" => "true or false",
            _ => {
                out.push(word.to_owned());
                continue;
            }
        };
        out.push(format!("{plain}{tail}"));
    }
    out.join(" ")
        .replace("a an object", "an object")
        .replace("a a list", "a list")
        .replace("a a whole", "a whole")
        .replace("a one of", "one of")
}

/// For actix's own `web::Json`, should a handler use it.
pub fn json_config_error(e: &actix_web::error::JsonPayloadError) -> AppError {
    use actix_web::error::JsonPayloadError as E;
    match e {
        E::ContentType => {
            AppError::UnsupportedMediaType("The body must be application/json.".into())
        }
        E::Overflow { limit } | E::OverflowKnownLength { limit, .. } => too_large(*limit),
        E::Deserialize(inner) if inner.is_data() => {
            AppError::Validation(vec![shape_error(".", &inner.to_string())])
        }
        _ => AppError::BadRequest("The body is not valid JSON.".into()),
    }
}

/// Query parameters a params struct does not name (`#[serde(flatten)]`), so that each is
/// reported by name together with the other errors, not as the first of them alone.
pub type OtherParams = std::collections::BTreeMap<String, String>;

/// A query string into its params struct: values are read as text there and converted
/// afterwards, so nothing fails here but a parameter given twice.
pub fn parse_query<T: DeserializeOwned>(query_string: &str) -> Result<T, AppError> {
    web::Query::<T>::from_query(query_string)
        .map(web::Query::into_inner)
        .map_err(|e| AppError::field("query", ErrorCode::InvalidFormat, e.to_string()))
}

/// One "is not a known parameter" error per parameter in `other`.
pub fn unknown_params(other: &OtherParams, errors: &mut Vec<FieldError>) {
    errors.extend(other.keys().map(|k| {
        FieldError::new(
            k.clone(),
            ErrorCode::UnknownField,
            "is not a known parameter",
        )
    }));
}

/// A page size: `default` when absent or empty, else a whole number from 1 to `max` (no
/// spaces or other characters around it).
pub fn limit(value: Option<&str>, default: i64, max: i64, errors: &mut Vec<FieldError>) -> i64 {
    match value {
        None | Some("") => default,
        Some(v) => match v.parse::<i64>() {
            Ok(n) if (1..=max).contains(&n) => n,
            _ => {
                errors.push(FieldError::new(
                    "limit",
                    ErrorCode::OutOfRange,
                    format!("must be a whole number from 1 to {max}"),
                ));
                default
            }
        },
    }
}

/// A closed set of words as an inline string enum of the OpenAPI document (for a
/// `#[param(schema_with = ...)]`), listed from the Rust enum so the two cannot drift.
pub fn words_schema(words: impl IntoIterator<Item = &'static str>) -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(words))
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_speak_of_json_not_of_rust() {
        assert_eq!(
            plain_words("invalid type: sequence, expected struct CreateContent with 9 elements"),
            "invalid type: a list, expected an object"
        );
        assert_eq!(
            plain_words("invalid type: string \"x\", expected u32"),
            "invalid type: string \"x\", expected a whole number in range"
        );
        assert_eq!(
            plain_words("invalid type: map, expected a sequence"),
            "invalid type: an object, expected a list"
        );
        assert_eq!(
            plain_words("invalid type: map, expected enum Kind"),
            "invalid type: an object, expected one of the listed values"
        );
        assert_eq!(
            plain_words("invalid type: integer `5`, expected a string"),
            "invalid type: integer `5`, expected a string"
        );
    }

    #[test]
    fn a_nul_is_found_where_it_is() {
        let path = |s: &str| nul_path(&serde_json::from_str(s).unwrap());
        assert_eq!(
            path(r#"{"a":"x","b":["y","z\u0000"]}"#).as_deref(),
            Some("b[1]")
        );
        assert_eq!(path(r#"{"f":{"u\u0000rl":"x"}}"#).as_deref(), Some("f.url"));
        assert_eq!(path(r#"{"a":"x\\u0000"}"#), None);
        assert_eq!(path(r#""\u0000""#).as_deref(), Some("body"));
    }

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    struct Login {
        #[allow(dead_code)]
        email: String,
    }

    #[test]
    fn only_an_object_is_a_body() {
        let err = |s: &str| match parse_json::<Login>(s.as_bytes()) {
            Err(AppError::Validation(e)) => format!("422 {}: {}", e[0].field, e[0].message),
            Err(AppError::BadRequest(_)) => "400".to_owned(),
            other => format!("{other:?}"),
        };
        assert_eq!(err(r#"["a@b.nl"]"#), "422 body: must be a JSON object");
        assert_eq!(err(" 5"), "422 body: must be a JSON object");
        assert_eq!(err("[1"), "400");
        assert_eq!(
            err(r#"{"email":"a","email":"b"}"#),
            "422 email: is given more than once"
        );
        assert_eq!(
            duplicate_key(br#"{"f":{"city":"a","x":[{"k":1,"k":2}],"city":"b"}}"#).as_deref(),
            Some("f.x[0].k")
        );
        assert_eq!(duplicate_key(br#"{"a":{"b":1},"c":{"b":2}}"#), None);
        assert_eq!(
            err(r#"{"email":"a\u0000"}"#),
            "422 email: must not contain a NUL character"
        );
    }
}
