//! Saves and publishes the demo items through the same functions the admin API calls.

use std::collections::HashMap;

use serde_json::{Value, json};

use super::fixtures::{DocKey, Item};
use crate::api::admin::content::create::CreateContent;
use crate::db::AnyConnection;
use crate::db::audit::Actor;
use crate::error::{AppError, AppResult};
use crate::usecase::content::view::AdminItem;
use crate::usecase::content::{publication as state, save};

/// The admin API's create request for `item`, its file references replaced by file ids.
pub fn request(item: &Item, files: &HashMap<DocKey, String>) -> AppResult<CreateContent> {
    let file_id = |key: DocKey| {
        files
            .get(&key)
            .cloned()
            .ok_or_else(|| AppError::internal(format!("demo document {key:?} was not stored")))
    };
    let mut fields = item.fields.clone();
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
        "body": item.body,
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

/// Creates `item` at version 1 and publishes it, as an editor would over the admin API.
pub fn create_published(
    conn: &mut AnyConnection,
    actor: &Actor,
    item: &Item,
    files: &HashMap<DocKey, String>,
) -> AppResult<AdminItem> {
    let (kind, input) = request(item, files)?.split();
    let created = save::create(conn, actor, kind, input)?;
    state::publish(conn, actor, &created.id, &[created.version], None, None)
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::demo::fixtures::{DOCUMENTS, items};
    use crate::domain::content::document;

    struct Known<'a>(&'a HashSet<String>);

    impl document::Lookup for Known<'_> {
        fn existing_files(&mut self, ids: &[String]) -> AppResult<HashSet<String>> {
            Ok(ids
                .iter()
                .filter(|i| self.0.contains(*i))
                .cloned()
                .collect())
        }
        fn item_kinds(
            &mut self,
            _ids: &[String],
        ) -> AppResult<HashMap<String, crate::domain::content::Kind>> {
            Ok(HashMap::new())
        }
    }

    #[test]
    fn every_fixture_passes_the_api_validation() {
        let files: HashMap<DocKey, String> = DOCUMENTS
            .iter()
            .map(|d| (d.key, uuid::Uuid::now_v7().to_string()))
            .collect();
        let known: HashSet<String> = files.values().cloned().collect();
        for item in items() {
            let (kind, input) = request(&item, &files).unwrap().split();
            let (doc, comment) = document::validate(kind, input, None, None, &mut Known(&known))
                .unwrap_or_else(|e| panic!("{}: {e:?}", item.slug));
            assert_eq!(doc.slug, item.slug);
            assert!(comment.is_some());
        }
    }

    #[test]
    fn a_missing_document_is_an_error_not_a_panic() {
        let download = items().into_iter().find(|i| i.kind == "download").unwrap();
        assert!(request(&download, &HashMap::new()).is_err());
    }
}
