//! Strict validation of each kind's `fields`: every problem collected with its path.

use chrono::NaiveDate;
use serde_json::{Map, Value};
use url::Url;

use super::Kind;
pub use super::kinds::{
    DownloadFields, Fields, HomeFields, LocationFields, ManifestFields, NewsFields, PageFields,
    Reference, Section, SectionQuery, VideoFields,
};
use super::video;
use crate::error::{ErrorCode, FieldError};

pub const MAX_URL: usize = 2000;
pub const MAX_REFERENCES: usize = 200;
/// Items one reference list may hold.
pub const MAX_ITEM_REFS: usize = 100;
pub const MAX_SECTIONS: usize = 50;

/// The rule for one field.
#[derive(Clone, Copy)]
enum Ty {
    /// A string of at most this many characters; `true`: must not be blank.
    Text(usize, bool),
    Date,
    FileId,
    /// A URL; `true`: https only.
    Link(bool),
    Position,
    References,
    /// Another item's id (its kind is checked with the database: `Fields::item_refs`).
    Ref,
    /// An ordered list of other items' ids.
    Refs,
    /// Markdown of at most this many characters.
    Markdown(usize),
    Sections,
    /// Derived on save: accepted as sent and ignored.
    Derived,
}

struct Spec {
    name: &'static str,
    ty: Ty,
    required: bool,
}

const fn req(name: &'static str, ty: Ty) -> Spec {
    Spec {
        name,
        ty,
        required: true,
    }
}

const fn opt(name: &'static str, ty: Ty) -> Spec {
    Spec {
        name,
        ty,
        required: false,
    }
}

fn specs(kind: Kind) -> &'static [Spec] {
    const NEWS: &[Spec] = &[
        opt("display_date", Ty::Date),
        opt("author", Ty::Text(200, false)),
        opt("cover_file_id", Ty::FileId),
        opt("related", Ty::Refs),
    ];
    const MANIFEST: &[Spec] = &[
        opt("subtitle", Ty::Text(300, false)),
        opt("references", Ty::References),
        opt("video_url", Ty::Link(true)),
        opt("downloads", Ty::Refs),
        opt("video", Ty::Ref),
        opt("related", Ty::Refs),
    ];
    const DOWNLOAD: &[Spec] = &[
        req("file_id", Ty::FileId),
        opt("description", Ty::Text(2000, false)),
        opt("position", Ty::Position),
    ];
    const VIDEO: &[Spec] = &[
        opt("url", Ty::Link(true)),
        opt("provider", Ty::Derived),
        opt("embed_url", Ty::Derived),
    ];
    const PAGE: &[Spec] = &[req("position", Ty::Position), opt("parent", Ty::Ref)];
    const LOCATION: &[Spec] = &[
        req("city", Ty::Text(100, true)),
        req("initiator", Ty::Text(200, true)),
        opt("initiator_url", Ty::Link(false)),
        opt("position", Ty::Position),
    ];
    const HOME: &[Spec] = &[
        opt("tagline", Ty::Text(300, false)),
        opt("intro", Ty::Markdown(20_000)),
        opt("sections", Ty::Sections),
    ];
    match kind {
        Kind::News => NEWS,
        Kind::Manifest => MANIFEST,
        Kind::Download => DOWNLOAD,
        Kind::Video => VIDEO,
        Kind::Page => PAGE,
        Kind::Location => LOCATION,
        Kind::Home => HOME,
    }
}

/// Checks a URL; `https_only` refuses http. Returns the parsed URL when it is fine.
pub fn check_link(
    path: &str,
    s: &str,
    https_only: bool,
    errors: &mut Vec<FieldError>,
) -> Option<Url> {
    if s.len() > MAX_URL {
        errors.push(FieldError::new(
            path,
            ErrorCode::TooLong,
            format!("must be at most {MAX_URL} characters"),
        ));
        return None;
    }
    let Ok(u) = Url::parse(s) else {
        errors.push(FieldError::new(
            path,
            ErrorCode::InvalidFormat,
            "must be an absolute URL",
        ));
        return None;
    };
    let ok_scheme = if https_only {
        u.scheme() == "https"
    } else {
        matches!(u.scheme(), "https" | "http")
    };
    if !ok_scheme {
        errors.push(FieldError::new(
            path,
            ErrorCode::InvalidFormat,
            if https_only {
                "must be an https URL"
            } else {
                "must be an http or https URL"
            },
        ));
        return None;
    }
    if u.host_str().is_none_or(str::is_empty) {
        errors.push(FieldError::new(
            path,
            ErrorCode::InvalidFormat,
            "must name a host",
        ));
        return None;
    }
    Some(u)
}

fn check_text(path: &str, v: &Value, max: usize, nonblank: bool, errors: &mut Vec<FieldError>) {
    match v.as_str() {
        None => errors.push(FieldError::new(
            path,
            ErrorCode::InvalidFormat,
            "must be a string",
        )),
        Some(s) if nonblank && s.trim().is_empty() => {
            errors.push(FieldError::new(
                path,
                ErrorCode::Required,
                "must not be empty",
            ));
        }
        Some(s) if s.chars().count() > max => {
            errors.push(FieldError::new(
                path,
                ErrorCode::TooLong,
                format!("must be at most {max} characters"),
            ));
        }
        Some(_) => {}
    }
}

/// Checks a file id's form; whether the file exists is checked against the database later.
pub fn check_file_id(path: &str, v: &Value, errors: &mut Vec<FieldError>) {
    match v.as_str() {
        Some(s) if uuid::Uuid::parse_str(s).is_ok() => {}
        // No file chosen: say so, rather than that "" is no file's id.
        Some("") => errors.push(FieldError::new(
            path,
            ErrorCode::Required,
            "is required: choose an uploaded file",
        )),
        Some(_) => errors.push(FieldError::new(
            path,
            ErrorCode::UnknownFile,
            "must be the id of an uploaded file",
        )),
        None => errors.push(FieldError::new(
            path,
            ErrorCode::InvalidFormat,
            "must be a string (a file id)",
        )),
    }
}

/// Checks a reference's form; whether the item exists, and its kind, is checked against the
/// database later.
fn check_ref(path: &str, v: &Value, errors: &mut Vec<FieldError>) {
    match v.as_str() {
        Some(s) if uuid::Uuid::parse_str(s).is_ok() => {}
        _ => errors.push(FieldError::new(
            path,
            ErrorCode::UnknownItem,
            "must be the id of a content item",
        )),
    }
}

fn check_refs(path: &str, v: &Value, errors: &mut Vec<FieldError>) {
    let Some(list) = v.as_array() else {
        errors.push(FieldError::new(
            path,
            ErrorCode::UnknownItem,
            "must be a list of content item ids",
        ));
        return;
    };
    if list.len() > MAX_ITEM_REFS {
        errors.push(FieldError::new(
            path,
            ErrorCode::TooMany,
            format!("must hold at most {MAX_ITEM_REFS} items"),
        ));
    }
    for (i, r) in list.iter().enumerate() {
        let p = format!("{path}[{i}]");
        check_ref(&p, r, errors);
        if list[..i].contains(r) {
            errors.push(FieldError::new(p, ErrorCode::Duplicate, "appears twice"));
        }
    }
}

/// Checks that `obj` has no keys besides `known`.
fn only_keys(base: &str, obj: &Map<String, Value>, known: &[&str], errors: &mut Vec<FieldError>) {
    for key in obj.keys() {
        if !known.contains(&key.as_str()) {
            errors.push(FieldError::new(
                format!("{base}.{key}"),
                ErrorCode::UnknownField,
                "is not a known field",
            ));
        }
    }
}

fn check_query(base: &str, v: &Value, errors: &mut Vec<FieldError>) {
    let Some(obj) = v.as_object() else {
        errors.push(FieldError::new(
            base,
            ErrorCode::InvalidFormat,
            "must be an object {kind?, tag?, sort?, limit?}",
        ));
        return;
    };
    only_keys(base, obj, &["kind", "tag", "sort", "limit"], errors);
    match obj.get("kind") {
        None | Some(Value::Null) => {}
        Some(k)
            if k.as_str()
                .and_then(Kind::parse)
                .is_some_and(|k| k != Kind::Home) => {}
        Some(_) => errors.push(FieldError::new(
            format!("{base}.kind"),
            ErrorCode::InvalidChoice,
            "must be one of news, manifest, download, video, page, location",
        )),
    }
    if let Some(t) = obj.get("tag").filter(|t| !t.is_null()) {
        check_text(
            &format!("{base}.tag"),
            t,
            super::document::MAX_TAG,
            true,
            errors,
        );
    }
    match obj.get("sort") {
        None | Some(Value::Null) => {}
        Some(s)
            if s.as_str()
                .and_then(super::Sort::parse)
                .is_some_and(|s| super::Sort::PUBLIC.contains(&s)) => {}
        Some(_) => errors.push(FieldError::new(
            format!("{base}.sort"),
            ErrorCode::InvalidChoice,
            format!(
                "must be one of {}",
                super::Sort::names(&super::Sort::PUBLIC)
            ),
        )),
    }
    match obj.get("limit") {
        None | Some(Value::Null) => {}
        Some(n) if n.as_i64().is_some_and(|n| (1..=100).contains(&n)) => {}
        Some(_) => errors.push(FieldError::new(
            format!("{base}.limit"),
            ErrorCode::OutOfRange,
            "must be a whole number from 1 to 100",
        )),
    }
}

fn check_sections(v: &Value, errors: &mut Vec<FieldError>) {
    let Some(list) = v.as_array() else {
        errors.push(FieldError::new(
            "fields.sections",
            ErrorCode::InvalidFormat,
            "must be a list",
        ));
        return;
    };
    if list.len() > MAX_SECTIONS {
        errors.push(FieldError::new(
            "fields.sections",
            ErrorCode::TooMany,
            format!("must hold at most {MAX_SECTIONS} sections"),
        ));
    }
    let mut keys = Vec::new();
    for (i, s) in list.iter().enumerate() {
        let base = format!("fields.sections[{i}]");
        let Some(obj) = s.as_object() else {
            errors.push(FieldError::new(
                base,
                ErrorCode::InvalidFormat,
                "must be an object {key, heading?, body?, items?, query?}",
            ));
            continue;
        };
        only_keys(
            &base,
            obj,
            &["key", "heading", "body", "items", "query"],
            errors,
        );
        match obj.get("key").and_then(Value::as_str) {
            Some(k) if super::slug::is_valid(k) => {
                if keys.contains(&k) {
                    errors.push(FieldError::new(
                        format!("{base}.key"),
                        ErrorCode::Duplicate,
                        "appears twice",
                    ));
                }
                keys.push(k);
            }
            _ => errors.push(FieldError::new(
                format!("{base}.key"),
                ErrorCode::Required,
                "is required: lowercase letters and digits in words joined by single hyphens",
            )),
        }
        if let Some(h) = obj.get("heading").filter(|v| !v.is_null()) {
            check_text(&format!("{base}.heading"), h, 200, false, errors);
        }
        if let Some(b) = obj.get("body").filter(|v| !v.is_null()) {
            check_text(&format!("{base}.body"), b, 50_000, false, errors);
        }
        if let Some(items) = obj.get("items").filter(|v| !v.is_null()) {
            check_refs(&format!("{base}.items"), items, errors);
        }
        if let Some(q) = obj.get("query").filter(|v| !v.is_null()) {
            check_query(&format!("{base}.query"), q, errors);
        }
    }
}

fn check_references(v: &Value, errors: &mut Vec<FieldError>) {
    let Some(list) = v.as_array() else {
        errors.push(FieldError::new(
            "fields.references",
            ErrorCode::InvalidFormat,
            "must be a list",
        ));
        return;
    };
    if list.len() > MAX_REFERENCES {
        errors.push(FieldError::new(
            "fields.references",
            ErrorCode::TooMany,
            format!("must hold at most {MAX_REFERENCES} references"),
        ));
    }
    for (i, r) in list.iter().enumerate() {
        let base = format!("fields.references[{i}]");
        let Some(obj) = r.as_object() else {
            errors.push(FieldError::new(
                base,
                ErrorCode::InvalidFormat,
                "must be an object {label, citation, url?}",
            ));
            continue;
        };
        for key in obj.keys() {
            if !matches!(key.as_str(), "label" | "citation" | "url") {
                errors.push(FieldError::new(
                    format!("{base}.{key}"),
                    ErrorCode::UnknownField,
                    "is not a known field",
                ));
            }
        }
        for (name, max) in [("label", 200), ("citation", 1000)] {
            match obj.get(name) {
                None | Some(Value::Null) => {
                    errors.push(FieldError::new(
                        format!("{base}.{name}"),
                        ErrorCode::Required,
                        "is required",
                    ));
                }
                Some(v) => check_text(&format!("{base}.{name}"), v, max, false, errors),
            }
        }
        match obj.get("url") {
            None | Some(Value::Null) => {}
            Some(Value::String(s)) => {
                check_link(&format!("{base}.url"), s, false, errors);
            }
            Some(_) => errors.push(FieldError::new(
                format!("{base}.url"),
                ErrorCode::InvalidFormat,
                "must be a string",
            )),
        }
    }
}

/// Validates `fields` for `kind`, pushing every problem with its path; returns the fields
/// (with video's derived values filled in) when they are all fine.
pub fn validate(kind: Kind, v: &Value, errors: &mut Vec<FieldError>) -> Option<Fields> {
    let Some(obj) = v.as_object() else {
        errors.push(FieldError::new(
            "fields",
            ErrorCode::InvalidFormat,
            "must be an object",
        ));
        return None;
    };
    let before = errors.len();
    let specs = specs(kind);
    for key in obj.keys() {
        if !specs.iter().any(|s| s.name == key) {
            errors.push(FieldError::new(
                format!("fields.{key}"),
                ErrorCode::UnknownField,
                format!("is not a known field of a {kind}"),
            ));
        }
    }
    let mut clean = Map::new();
    for spec in specs {
        let path = format!("fields.{}", spec.name);
        let value = obj.get(spec.name).filter(|v| !v.is_null());
        let Some(value) = value else {
            if spec.required {
                errors.push(FieldError::new(path, ErrorCode::Required, "is required"));
            }
            continue;
        };
        match spec.ty {
            Ty::Text(max, nonblank) => check_text(&path, value, max, nonblank, errors),
            Ty::Date => {
                if value
                    .as_str()
                    .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
                    .is_none()
                {
                    errors.push(FieldError::new(
                        path,
                        ErrorCode::InvalidFormat,
                        "must be a date (YYYY-MM-DD)",
                    ));
                }
            }
            Ty::FileId => check_file_id(&path, value, errors),
            Ty::Link(https_only) => match value.as_str() {
                Some(s) => {
                    check_link(&path, s, https_only, errors);
                }
                None => errors.push(FieldError::new(
                    path,
                    ErrorCode::InvalidFormat,
                    "must be a string (a URL)",
                )),
            },
            Ty::Position => {
                if value.as_i64().is_none_or(|n| !(0..=1_000_000).contains(&n)) {
                    errors.push(FieldError::new(
                        path,
                        ErrorCode::OutOfRange,
                        "must be a whole number from 0 to 1000000",
                    ));
                }
            }
            Ty::References => check_references(value, errors),
            Ty::Ref => check_ref(&path, value, errors),
            Ty::Refs => check_refs(&path, value, errors),
            Ty::Markdown(max) => check_text(&path, value, max, false, errors),
            Ty::Sections => check_sections(value, errors),
            Ty::Derived => continue,
        }
        clean.insert(spec.name.to_owned(), value.clone());
    }
    if errors.len() > before {
        return None;
    }
    if kind == Kind::Video {
        let url = clean
            .get("url")
            .and_then(Value::as_str)
            .and_then(|s| Url::parse(s).ok());
        let (provider, embed) = match url {
            Some(url) => {
                let (p, e) = video::derive(&url);
                (serde_json::to_value(p).ok()?, e)
            }
            None => (Value::Null, None),
        };
        clean.insert("provider".into(), provider);
        clean.insert("embed_url".into(), embed.map_or(Value::Null, Value::String));
    }
    match Fields::from_stored(kind, Value::Object(clean)) {
        Ok(f) => Some(f),
        Err(e) => {
            errors.push(FieldError::new(
                "fields",
                ErrorCode::InvalidFormat,
                e.to_string(),
            ));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::content::video::Provider;
    use serde_json::json;

    fn paths(kind: Kind, v: Value) -> Vec<String> {
        let mut e = Vec::new();
        let out = validate(kind, &v, &mut e);
        assert_eq!(out.is_some(), e.is_empty());
        e.into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn collects_every_problem() {
        assert_eq!(
            paths(
                Kind::News,
                json!({"display_date": "24-11-2026", "author": 5, "x": 1})
            ),
            ["fields.x", "fields.display_date", "fields.author"]
        );
        assert_eq!(paths(Kind::Download, json!({})), ["fields.file_id"]);
        assert_eq!(
            paths(Kind::Video, json!({"url": "http://youtu.be/x"})),
            ["fields.url"]
        );
        assert_eq!(
            paths(Kind::Page, json!({"position": 1.5, "parent": "x"})),
            ["fields.position", "fields.parent"]
        );
        let id = "0193a4e2-7c2e-7000-8000-000000000001";
        assert_eq!(
            paths(
                Kind::Manifest,
                json!({"downloads": [id, id, 5], "video": [id]})
            ),
            ["fields.downloads[1]", "fields.downloads[2]", "fields.video"]
        );
        assert_eq!(
            paths(
                Kind::Home,
                json!({"sections": [
                    {"key": "a", "items": [id]},
                    {"key": "a", "query": {"kind": "nieuws", "sort": "x", "limit": 0, "y": 1}},
                    {"heading": 5}
                ]})
            ),
            [
                "fields.sections[1].key",
                "fields.sections[1].query.y",
                "fields.sections[1].query.kind",
                "fields.sections[1].query.sort",
                "fields.sections[1].query.limit",
                "fields.sections[2].key",
                "fields.sections[2].heading"
            ]
        );
        assert_eq!(
            paths(
                Kind::Manifest,
                json!({"references": [{"label": "1", "citation": "c"}, {"label": "2", "url": "ftp://x", "y": 1}]})
            ),
            [
                "fields.references[1].y",
                "fields.references[1].citation",
                "fields.references[1].url"
            ]
        );
        assert_eq!(
            paths(
                Kind::Location,
                json!({"city": " ", "initiator": "X", "initiator_url": "nope"})
            ),
            ["fields.city", "fields.initiator_url"]
        );
        assert_eq!(paths(Kind::Page, json!([])), ["fields"]);
    }

    #[test]
    fn video_is_derived_and_sent_values_ignored() {
        let mut e = Vec::new();
        let f = validate(
            Kind::Video,
            &json!({"url": "https://youtu.be/abcdefghijk", "provider": "vimeo", "embed_url": "x"}),
            &mut e,
        );
        assert_eq!(
            f,
            Some(Fields::Video(VideoFields {
                url: Some("https://youtu.be/abcdefghijk".into()),
                provider: Some(Provider::Youtube),
                embed_url: Some("https://www.youtube.com/embed/abcdefghijk".into()),
            }))
        );
    }
}
