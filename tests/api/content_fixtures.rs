//! Content items written straight into the database, for states the admin API cannot make
//! on purpose: a schedule already due that the scheduler has not applied yet, files used by
//! chosen versions only, an archived flag with the publication kept. Everything else is
//! made with the builders (`app.news(..)`, `app.download(..)`).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use oa_cms::db::schema::{content_file_refs, content_items, content_versions};

use crate::support::TestApp;

/// The publication state of an item.
#[derive(Debug, Clone, Default)]
pub struct Item {
    pub title: String,
    /// The latest version; versions 1..=latest are made.
    pub latest: i64,
    pub published_version: Option<i64>,
    pub publish_version: Option<i64>,
    pub publish_at: Option<NaiveDateTime>,
    pub unpublish_at: Option<NaiveDateTime>,
    pub archived: bool,
}

impl Item {
    pub fn draft(title: &str) -> Self {
        Self {
            title: title.to_owned(),
            latest: 1,
            ..Self::default()
        }
    }

    pub fn published(title: &str) -> Self {
        Self {
            published_version: Some(1),
            ..Self::draft(title)
        }
    }
}

pub fn now() -> NaiveDateTime {
    chrono::Utc::now().naive_utc()
}

/// Makes the item; `file_versions` lists, per file, the versions that use it.
pub async fn item(app: &TestApp, item: Item, file_versions: &[(&str, &[i64])]) -> String {
    let id = uuid::Uuid::now_v7().to_string();
    let refs: Vec<(String, i64)> = file_versions
        .iter()
        .flat_map(|(file, versions)| versions.iter().map(|v| ((*file).to_owned(), *v)))
        .collect();
    let item_id = id.clone();
    app.state
        .db
        .run(move |c| {
            let t = now();
            diesel::insert_into(content_items::table)
                .values((
                    content_items::id.eq(&item_id),
                    content_items::kind.eq("download"),
                    content_items::slug.eq(format!("item-{}", &item_id[24..])),
                    content_items::title.eq(&item.title),
                    content_items::latest_version.eq(item.latest),
                    content_items::published_version.eq(item.published_version),
                    content_items::published_at.eq(item.published_version.map(|_| t)),
                    content_items::publish_version.eq(item.publish_version),
                    content_items::publish_at.eq(item.publish_at),
                    content_items::unpublish_at.eq(item.unpublish_at),
                    content_items::archived_at.eq(item.archived.then_some(t)),
                    content_items::created_at.eq(t),
                    content_items::updated_at.eq(t),
                ))
                .execute(c)?;
            for v in 1..=item.latest {
                // A valid document whose attachments are the files this version uses.
                let files: Vec<_> = refs
                    .iter()
                    .filter(|(_, fv)| *fv == v)
                    .map(|(f, _)| serde_json::json!({"file_id": f, "label": ""}))
                    .collect();
                let content = serde_json::json!({
                    "slug": format!("item-{}", &item_id[24..]), "title": item.title,
                    "summary": "", "body": "", "tags": [], "attachments": files,
                    "fields": {"file_id": refs.first().map_or("", |(f, _)| f.as_str()), "description": null},
                });
                diesel::insert_into(content_versions::table)
                    .values((
                        content_versions::item_id.eq(&item_id),
                        content_versions::version.eq(v),
                        content_versions::content.eq(content.to_string()),
                        content_versions::author.eq("test"),
                        content_versions::created_at.eq(t),
                    ))
                    .execute(c)?;
            }
            for (file, v) in refs {
                diesel::insert_into(content_file_refs::table)
                    .values((
                        content_file_refs::item_id.eq(&item_id),
                        content_file_refs::version.eq(v),
                        content_file_refs::file_id.eq(file),
                    ))
                    .execute(c)?;
            }
            oa_cms::usecase::public_docs::sync_item(c, &item_id, t)
        })
        .await
        .expect("insert item");
    id
}

/// Archives the item (or brings it back).
pub async fn set_archived(app: &TestApp, item_id: &str, archived: bool) {
    let item_id = item_id.to_owned();
    // In one transaction, as the server's own changes are (and so seen at once by the
    // answers kept in memory).
    app.state
        .db
        .tx(move |c| {
            diesel::update(content_items::table.find(&item_id))
                .set(content_items::archived_at.eq(archived.then(now)))
                .execute(c)?;
            oa_cms::usecase::public_docs::sync_item(c, &item_id, now())
        })
        .await
        .expect("archive item");
}
