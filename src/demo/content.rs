//! Saves and publishes the demo items through the same functions the admin API calls.

use std::collections::HashMap;

use serde_json::{Value, json};

use super::fixtures::{DocKey, Item, home};
use crate::api::admin::content::create::CreateContent;
use crate::db::AnyConnection;
use crate::db::audit::Actor;
use crate::domain::content::{DocumentInput, Kind};
use crate::error::{AppError, AppResult};
use crate::usecase::content::view::AdminItem;
use crate::usecase::content::{publication as state, save};

/// The ids of the demo items made so far, by `kind/slug`.
pub type Made = HashMap<String, String>;

/// `text` with every `@kind/slug` of an item made so far replaced by its id.
fn with_ids(text: &str, made: &Made) -> AppResult<String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('@') {
        out.push_str(&rest[..at]);
        let tail = &rest[at + 1..];
        let len = tail
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '/'))
            .unwrap_or(tail.len());
        let key = &tail[..len];
        let id = made
            .get(key)
            .ok_or_else(|| AppError::internal(format!("demo item {key} is not made yet")))?;
        out.push_str(id);
        rest = &tail[len..];
    }
    out.push_str(rest);
    Ok(out)
}

/// `v` with every string `@kind/slug` replaced by that item's id, and every Markdown link
/// `item:@kind/slug` in its strings by a link to it.
pub fn fields_with_ids(v: &Value, made: &Made) -> AppResult<Value> {
    Ok(match v {
        Value::String(s) if s.starts_with('@') => Value::String(with_ids(s, made)?),
        Value::String(s) if s.contains("item:@") => Value::String(body_with_ids(s, made)?),
        Value::Array(a) => Value::Array(
            a.iter()
                .map(|v| fields_with_ids(v, made))
                .collect::<AppResult<_>>()?,
        ),
        Value::Object(o) => Value::Object(
            o.iter()
                .map(|(k, v)| Ok((k.clone(), fields_with_ids(v, made)?)))
                .collect::<AppResult<_>>()?,
        ),
        other => other.clone(),
    })
}

/// Markdown with every `item:@kind/slug` link target replaced by `item:<id>`.
pub fn body_with_ids(body: &str, made: &Made) -> AppResult<String> {
    if !body.contains("item:@") {
        return Ok(body.to_owned());
    }
    let parts: Vec<&str> = body.split("item:@").collect();
    let mut out = parts[0].to_owned();
    for part in &parts[1..] {
        out.push_str("item:");
        out.push_str(&with_ids(&format!("@{part}"), made)?);
    }
    Ok(out)
}

/// The admin API's create request for `item`, its file references replaced by file ids and
/// its references to other demo items by their ids.
pub fn request(
    item: &Item,
    files: &HashMap<DocKey, String>,
    made: &Made,
) -> AppResult<CreateContent> {
    let file_id = |key: DocKey| {
        files
            .get(&key)
            .cloned()
            .ok_or_else(|| AppError::internal(format!("demo document {key:?} was not stored")))
    };
    let mut fields = fields_with_ids(&item.fields, made)?;
    if let Some(key) = item.file {
        let id = file_id(key)?;
        if let Some(obj) = fields.as_object_mut() {
            obj.insert("file_id".into(), Value::String(id));
        }
    }
    let attachments = item
        .attachments
        .iter()
        .map(|(key, label)| Ok(json!({ "file_id": file_id(*key)?, "label": label })))
        .collect::<AppResult<Vec<Value>>>()?;
    let body = json!({
        "kind": item.kind,
        "slug": item.slug,
        "title": item.title,
        "summary": item.summary,
        "body": body_with_ids(&item.body, made)?,
        "tags": item.tags,
        "attachments": attachments,
        "fields": fields,
        "comment": "Demo-inhoud van de website van de Onderwijs Alliantie",
    });
    // Through serde like a request body, so the fixtures meet the API's exact shape.
    serde_json::from_value(body).map_err(|e| {
        AppError::internal(format!(
            "demo item '{}' does not fit the API: {e}",
            item.slug
        ))
    })
}

/// Creates `item` at version 1 and publishes it, as an editor would over the admin API,
/// and notes its id in `made`.
pub fn create_published(
    conn: &mut AnyConnection,
    actor: &Actor,
    item: &Item,
    files: &HashMap<DocKey, String>,
    made: &mut Made,
) -> AppResult<AdminItem> {
    let (kind, input) = request(item, files, made)?.split();
    let created = save::create(conn, actor, kind, input)?;
    made.insert(format!("{}/{}", item.kind, item.slug), created.id.clone());
    state::publish(conn, actor, &created.id, &[created.version], None, None)
}

/// Fills in the home page `migrate` made and publishes it.
pub fn publish_home(conn: &mut AnyConnection, actor: &Actor, made: &Made) -> AppResult<AdminItem> {
    let id = crate::db::content::items::find_by_slug(conn, Kind::Home, "home")?
        .ok_or_else(|| AppError::internal("the home page is missing"))?;
    let current = save::load(conn, &id)?;
    let input = DocumentInput {
        slug: None,
        title: home::NAME.into(),
        summary: None,
        body: None,
        tags: None,
        attachments: None,
        fields: fields_with_ids(&home::fields(), made)?,
        comment: Some("Demo-inhoud van de website van de Onderwijs Alliantie".into()),
    };
    let saved = save::update(conn, actor, &id, &[current.version], input)?;
    state::publish(conn, actor, &id, &[saved.item.version], None, None)
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::demo::fixtures::{DOCUMENTS, items};
    use crate::domain::content::document;

    /// The files and items the demo makes.
    struct Known {
        files: HashSet<String>,
        kinds: HashMap<String, Kind>,
    }

    impl document::Lookup for Known {
        fn existing_files(&mut self, ids: &[String]) -> AppResult<HashSet<String>> {
            Ok(ids
                .iter()
                .filter(|i| self.files.contains(*i))
                .cloned()
                .collect())
        }
        fn item_kinds(&mut self, ids: &[String]) -> AppResult<HashMap<String, Kind>> {
            Ok(ids
                .iter()
                .filter_map(|id| Some((id.clone(), *self.kinds.get(id)?)))
                .collect())
        }
    }

    #[test]
    fn every_fixture_passes_the_api_validation() {
        let files: HashMap<DocKey, String> = DOCUMENTS
            .iter()
            .map(|d| (d.key, uuid::Uuid::now_v7().to_string()))
            .collect();
        let mut made = Made::new();
        let mut known = Known {
            files: files.values().cloned().collect(),
            kinds: HashMap::new(),
        };
        for item in items() {
            let id = uuid::Uuid::now_v7().to_string();
            made.insert(format!("{}/{}", item.kind, item.slug), id.clone());
            known.kinds.insert(id, Kind::parse(item.kind).unwrap());
        }
        for item in items() {
            let (kind, input) = request(&item, &files, &made).unwrap().split();
            let (doc, comment) = document::validate(kind, input, None, None, &mut known)
                .unwrap_or_else(|e| panic!("{}: {e:?}", item.slug));
            assert_eq!(doc.slug, item.slug);
            assert!(comment.is_some());
        }
        let home = fields_with_ids(&home::fields(), &made).unwrap();
        let mut errors = Vec::new();
        assert!(
            crate::domain::content::fields::validate(Kind::Home, &home, &mut errors).is_some(),
            "{errors:?}"
        );
    }

    #[test]
    fn a_missing_document_or_item_is_an_error_not_a_panic() {
        let all = items();
        let download = all.iter().find(|i| i.kind == "download").unwrap();
        assert!(request(download, &HashMap::new(), &Made::new()).is_err());
        let manifest = all.iter().find(|i| i.kind == "manifest").unwrap();
        assert!(fields_with_ids(&manifest.fields, &Made::new()).is_err());
    }
}
