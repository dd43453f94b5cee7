//! Strict validation of each kind's `fields`: every problem collected with its path.

use chrono::NaiveDate;
use serde_json::{Map, Value};
use url::Url;

use super::Kind;
pub use super::kinds::{
    DownloadFields, Fields, LocationFields, ManifestFields, NewsFields, PageFields, Reference,
    VideoFields,
};
use super::video;
use crate::error::FieldError;

pub const MAX_URL: usize = 2000;
pub const MAX_REFERENCES: usize = 200;

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
        req("display_date", Ty::Date),
        opt("author", Ty::Text(200, false)),
        opt("cover_file_id", Ty::FileId),
    ];
    const MANIFEST: &[Spec] = &[
        opt("subtitle", Ty::Text(300, false)),
        opt("references", Ty::References),
        opt("video_url", Ty::Link(true)),
    ];
    const DOWNLOAD: &[Spec] = &[
        req("file_id", Ty::FileId),
        opt("description", Ty::Text(2000, false)),
    ];
    const VIDEO: &[Spec] = &[
        req("url", Ty::Link(true)),
        opt("provider", Ty::Derived),
        opt("embed_url", Ty::Derived),
    ];
    const PAGE: &[Spec] = &[req("position", Ty::Position)];
    const LOCATION: &[Spec] = &[
        req("city", Ty::Text(100, true)),
        req("initiator", Ty::Text(200, true)),
        opt("initiator_url", Ty::Link(false)),
    ];
    match kind {
        Kind::News => NEWS,
        Kind::Manifest => MANIFEST,
        Kind::Download => DOWNLOAD,
        Kind::Video => VIDEO,
        Kind::Page => PAGE,
        Kind::Location => LOCATION,
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
            format!("must be at most {MAX_URL} characters"),
        ));
        return None;
    }
    let Ok(u) = Url::parse(s) else {
        errors.push(FieldError::new(path, "must be an absolute URL"));
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
            if https_only {
                "must be an https URL"
            } else {
                "must be an http or https URL"
            },
        ));
        return None;
    }
    if u.host_str().is_none_or(str::is_empty) {
        errors.push(FieldError::new(path, "must name a host"));
        return None;
    }
    Some(u)
}

fn check_text(path: &str, v: &Value, max: usize, nonblank: bool, errors: &mut Vec<FieldError>) {
    match v.as_str() {
        None => errors.push(FieldError::new(path, "must be a string")),
        Some(s) if nonblank && s.trim().is_empty() => {
            errors.push(FieldError::new(path, "must not be empty"));
        }
        Some(s) if s.chars().count() > max => {
            errors.push(FieldError::new(
                path,
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
        Some(_) => errors.push(FieldError::new(path, "must be the id of an uploaded file")),
        None => errors.push(FieldError::new(path, "must be a string (a file id)")),
    }
}

fn check_references(v: &Value, errors: &mut Vec<FieldError>) {
    let Some(list) = v.as_array() else {
        errors.push(FieldError::new("fields.references", "must be a list"));
        return;
    };
    if list.len() > MAX_REFERENCES {
        errors.push(FieldError::new(
            "fields.references",
            format!("must hold at most {MAX_REFERENCES} references"),
        ));
    }
    for (i, r) in list.iter().enumerate() {
        let base = format!("fields.references[{i}]");
        let Some(obj) = r.as_object() else {
            errors.push(FieldError::new(
                base,
                "must be an object {label, citation, url?}",
            ));
            continue;
        };
        for key in obj.keys() {
            if !matches!(key.as_str(), "label" | "citation" | "url") {
                errors.push(FieldError::new(
                    format!("{base}.{key}"),
                    "is not a known field",
                ));
            }
        }
        for (name, max) in [("label", 200), ("citation", 1000)] {
            match obj.get(name) {
                None | Some(Value::Null) => {
                    errors.push(FieldError::new(format!("{base}.{name}"), "is required"));
                }
                Some(v) => check_text(&format!("{base}.{name}"), v, max, false, errors),
            }
        }
        match obj.get("url") {
            None | Some(Value::Null) => {}
            Some(Value::String(s)) => {
                check_link(&format!("{base}.url"), s, false, errors);
            }
            Some(_) => errors.push(FieldError::new(format!("{base}.url"), "must be a string")),
        }
    }
}

/// Validates `fields` for `kind`, pushing every problem with its path; returns the fields
/// (with video's derived values filled in) when they are all fine.
pub fn validate(kind: Kind, v: &Value, errors: &mut Vec<FieldError>) -> Option<Fields> {
    let Some(obj) = v.as_object() else {
        errors.push(FieldError::new("fields", "must be an object"));
        return None;
    };
    let before = errors.len();
    let specs = specs(kind);
    for key in obj.keys() {
        if !specs.iter().any(|s| s.name == key) {
            errors.push(FieldError::new(
                format!("fields.{key}"),
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
                errors.push(FieldError::new(path, "is required"));
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
                    errors.push(FieldError::new(path, "must be a date (YYYY-MM-DD)"));
                }
            }
            Ty::FileId => check_file_id(&path, value, errors),
            Ty::Link(https_only) => match value.as_str() {
                Some(s) => {
                    check_link(&path, s, https_only, errors);
                }
                None => errors.push(FieldError::new(path, "must be a string (a URL)")),
            },
            Ty::Position => {
                if value.as_i64().is_none_or(|n| !(0..=1_000_000).contains(&n)) {
                    errors.push(FieldError::new(
                        path,
                        "must be a whole number from 0 to 1000000",
                    ));
                }
            }
            Ty::References => check_references(value, errors),
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
            .and_then(|s| Url::parse(s).ok())?;
        let (provider, embed) = video::derive(&url);
        clean.insert("provider".into(), serde_json::to_value(provider).ok()?);
        clean.insert("embed_url".into(), embed.map_or(Value::Null, Value::String));
    }
    match Fields::from_stored(kind, Value::Object(clean)) {
        Ok(f) => Some(f),
        Err(e) => {
            errors.push(FieldError::new("fields", e.to_string()));
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
            paths(Kind::Page, json!({"position": 1.5})),
            ["fields.position"]
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
                url: "https://youtu.be/abcdefghijk".into(),
                provider: Provider::Youtube,
                embed_url: Some("https://www.youtube.com/embed/abcdefghijk".into()),
            }))
        );
    }
}
