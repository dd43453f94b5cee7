//! One version of an item in the public shape ([`PublicItem`]): what the public read model
//! stores for a published version, and what a preview link shows of any version. Both are
//! built by [`build`], so a preview shows exactly what publishing would.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::Value;
use utoipa::ToSchema;

use crate::db;
use crate::domain::content::{Document, Fields, Kind};
use crate::domain::files::PublicFile;
use crate::domain::markdown::{self, Target};
use crate::domain::site;
use crate::error::AppResult;

/// Another item as a published item shows it (a reference, an item of a home-page section,
/// a navigation entry).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ItemRef {
    #[schema(format = Uuid)]
    pub id: String,
    pub kind: Kind,
    pub slug: String,
    pub title: String,
    pub summary: String,
    /// Where the item is on the website (`--public-url-template`).
    pub url: String,
}

/// The part of a public row's JSON a reference shows.
#[derive(Deserialize)]
struct Head {
    title: String,
    summary: String,
}

/// A published item. Lists show it without `body` and `body_html`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublicItem {
    #[schema(format = Uuid)]
    pub id: String,
    pub kind: Kind,
    pub slug: String,
    /// Where the item is on the website: `--public-url-template` filled in.
    pub url: String,
    pub title: String,
    pub summary: String,
    pub tags: Vec<String>,
    /// The attachments in order, each file resolved, with the attachment's own label.
    pub attachments: Vec<PublicFile>,
    /// The kind's own fields; `file_id` resolved beside it as `file`, `cover_file_id` as
    /// `cover`; references to other items resolved to them (`{id, kind, slug, title,
    /// summary, url}`) when they are published, left out of lists and `null` otherwise; on
    /// the home page, each Markdown text also rendered (`intro_html`, `sections[].body_html`).
    #[schema(value_type = Object)]
    pub fields: Value,
    pub version: i64,
    /// When the item was first published (kept across new versions).
    #[serde(serialize_with = "millis")]
    pub published_at: DateTime<Utc>,
    /// When its public state last changed.
    #[serde(serialize_with = "millis")]
    pub updated_at: DateTime<Utc>,
    /// Only on single items: the Markdown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// Only on single items: the body rendered and sanitised.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body_html: Option<String>,
}

/// Every public time is written in RFC 3339, UTC, milliseconds and `Z`.
pub fn rfc3339(t: NaiveDateTime) -> String {
    t.and_utc().to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn millis<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&rfc3339(t.naive_utc()))
}

/// One version of an item and the times the public is told.
pub struct Showing<'a> {
    pub item_id: &'a str,
    pub kind: Kind,
    pub doc: &'a Document,
    pub version: i64,
    pub published_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// The public answer for one version, with `body` and `body_html`. The files it uses come
/// from `files` (with the `url` the answer gives them; a file not there is left out or
/// `null`), the items it refers to from `shown` (likewise; a link to one not there becomes
/// text).
pub(crate) fn build(
    s: &Showing<'_>,
    files: &HashMap<String, PublicFile>,
    shown: &HashMap<String, ItemRef>,
    template: &str,
) -> AppResult<PublicItem> {
    let doc = s.doc;
    let resolve = |t: &Target| match t {
        Target::Item(id) => shown.get(id).map(|r| r.url.clone()),
        Target::File(id) => files.get(id).map(|f| f.url.clone()),
    };
    Ok(PublicItem {
        id: s.item_id.to_owned(),
        kind: s.kind,
        url: site::url(template, s.kind, &doc.slug, s.item_id),
        attachments: attachments(doc, files),
        fields: fields(doc, files, shown, &resolve)?,
        slug: doc.slug.clone(),
        title: doc.title.clone(),
        summary: doc.summary.clone(),
        tags: doc.tags.clone(),
        version: s.version,
        published_at: s.published_at.and_utc(),
        updated_at: s.updated_at.and_utc(),
        body: Some(doc.body.clone()),
        body_html: Some(markdown::render_with(&doc.body, resolve)),
    })
}

/// The targets visible at `at`, as references show them.
pub(crate) fn shown_at(
    targets: &[db::public::TargetRow],
    at: NaiveDateTime,
    template: &str,
) -> AppResult<HashMap<String, ItemRef>> {
    let mut shown = HashMap::new();
    for r in targets
        .iter()
        .filter(|r| r.visible_from <= at && r.visible_until.is_none_or(|u| at < u))
    {
        let head: Head = serde_json::from_str(&r.list_json)?;
        let kind = Kind::parse(&r.kind)
            .ok_or_else(|| crate::error::AppError::internal("a stored kind is unknown"))?;
        shown.insert(
            r.item_id.clone(),
            ItemRef {
                id: r.item_id.clone(),
                kind,
                url: site::url(template, kind, &r.slug, &r.item_id),
                slug: r.slug.clone(),
                title: head.title,
                summary: head.summary,
            },
        );
    }
    Ok(shown)
}

fn attachments(doc: &Document, files: &HashMap<String, PublicFile>) -> Vec<PublicFile> {
    doc.attachments
        .iter()
        .filter_map(|a| {
            let mut file = files.get(&a.file_id)?.clone();
            // The attachment's own label, even when empty.
            file.label = Some(a.label.clone());
            Some(file)
        })
        .collect()
}

/// The kind's fields, each file reference resolved beside its id
/// (`file_id` → `file`, `cover_file_id` → `cover`), each item reference resolved in place,
/// and the home page's Markdown rendered.
fn fields(
    doc: &Document,
    files: &HashMap<String, PublicFile>,
    shown: &HashMap<String, ItemRef>,
    resolve: &dyn Fn(&Target) -> Option<String>,
) -> AppResult<Value> {
    let mut f = serde_json::to_value(&doc.fields)?;
    let one = |id: &Option<String>| -> AppResult<Value> {
        Ok(match id.as_ref().and_then(|id| shown.get(id)) {
            Some(r) => serde_json::to_value(r)?,
            None => Value::Null,
        })
    };
    let list = |ids: &[String]| -> AppResult<Value> {
        Ok(serde_json::to_value(
            ids.iter()
                .filter_map(|id| shown.get(id))
                .collect::<Vec<_>>(),
        )?)
    };
    if let Some(obj) = f.as_object_mut() {
        match &doc.fields {
            Fields::News(n) => {
                obj.insert("related".into(), list(&n.related)?);
            }
            Fields::Manifest(m) => {
                obj.insert("downloads".into(), list(&m.downloads)?);
                obj.insert("video".into(), one(&m.video)?);
                obj.insert("related".into(), list(&m.related)?);
            }
            Fields::Page(p) => {
                obj.insert("parent".into(), one(&p.parent)?);
            }
            Fields::Home(h) => {
                obj.insert(
                    "intro_html".into(),
                    Value::String(markdown::render_with(&h.intro, resolve)),
                );
                let mut sections = Vec::with_capacity(h.sections.len());
                for s in &h.sections {
                    let mut v = serde_json::to_value(s)?;
                    if let Some(o) = v.as_object_mut() {
                        o.insert("items".into(), list(&s.items)?);
                        o.insert(
                            "body_html".into(),
                            Value::String(markdown::render_with(&s.body, resolve)),
                        );
                    }
                    sections.push(v);
                }
                obj.insert("sections".into(), Value::Array(sections));
            }
            _ => {}
        }
        for (path, id) in doc.fields.file_refs() {
            let key = path.trim_start_matches("fields.");
            let resolved = if key == "cover_file_id" {
                "cover"
            } else {
                "file"
            };
            let file = match files.get(&id) {
                Some(file) => serde_json::to_value(file)?,
                None => Value::Null,
            };
            obj.insert(resolved.into(), file);
        }
    }
    Ok(f)
}
