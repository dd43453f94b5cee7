//! Fixtures that read like the feature: `app.news("Titel").tags(["a"]).published().await`.
//!
//! Every builder goes through the admin API in-process, so a fixture is validated, versioned,
//! audited and made public exactly as an editor's work is, and stays right when the code
//! behind the API moves.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use crate::support::{Method, TestApp, send};

/// A content item as the admin API answered for it last.
#[derive(Debug, Clone)]
pub struct Item {
    pub id: String,
    pub etag: String,
    /// The admin item.
    pub json: Value,
}

impl Item {
    pub fn path(&self) -> String {
        format!("/api/v1/admin/content/{}", self.id)
    }

    pub fn slug(&self) -> &str {
        self.json["slug"].as_str().expect("slug")
    }

    /// The public address of the item.
    pub fn public_path(&self) -> String {
        format!(
            "/api/v1/content/{}/{}",
            self.json["kind"].as_str().expect("kind"),
            self.slug()
        )
    }

    /// Archives the item (it leaves the public API and frees its files).
    pub async fn archive(&mut self, app: &TestApp) {
        self.act(app, Method::DELETE, &self.path(), None).await;
    }

    /// Brings an archived item back.
    pub async fn unarchive(&mut self, app: &TestApp) {
        self.act(
            app,
            Method::POST,
            &format!("{}/unarchive", self.path()),
            None,
        )
        .await;
    }

    /// Publishes the latest version now.
    pub async fn publish(&mut self, app: &TestApp) {
        self.act(app, Method::POST, &format!("{}/publish", self.path()), None)
            .await;
    }

    /// Takes the item off the public API now, or at `at`.
    pub async fn unpublish(&mut self, app: &TestApp, at: Option<DateTime<Utc>>) {
        let body = at.map(|t| json!({ "at": t }));
        self.act(
            app,
            Method::POST,
            &format!("{}/unpublish", self.path()),
            body.as_ref(),
        )
        .await;
    }

    /// Saves a new version: the current document with `change` applied.
    pub async fn edit(&mut self, app: &TestApp, change: impl FnOnce(&mut Value)) {
        let mut doc = crate::content::as_put(&self.json);
        change(&mut doc);
        self.act(app, Method::PUT, &self.path(), Some(&doc)).await;
    }

    /// A write with `If-Match`; the item follows the answer (204 leaves it as it was).
    async fn act(&mut self, app: &TestApp, method: Method, path: &str, body: Option<&Value>) {
        let mut rb = app.admin(method, path).header("if-match", &self.etag);
        if let Some(b) = body {
            rb = rb.json(b);
        }
        let r = send(rb).await;
        assert!(r.status.is_success(), "{path}: {} {}", r.status, r.text());
        if r.status.as_u16() == 204 {
            self.refresh(app).await;
            return;
        }
        self.etag = r.header("etag").expect("etag");
        let v = r.json();
        self.json = if v["item"].is_object() {
            v["item"].clone()
        } else {
            v
        };
    }

    async fn refresh(&mut self, app: &TestApp) {
        let r = app.admin_get(&self.path()).await.expect(200);
        self.etag = r.header("etag").expect("etag");
        self.json = r.json();
    }
}

/// An item to be made; finish with `draft`, `published`, `scheduled` or `published_until`.
#[must_use]
pub struct NewItem<'a> {
    app: &'a TestApp,
    doc: Value,
}

impl NewItem<'_> {
    pub fn slug(mut self, slug: &str) -> Self {
        self.doc["slug"] = json!(slug);
        self
    }

    pub fn summary(mut self, summary: &str) -> Self {
        self.doc["summary"] = json!(summary);
        self
    }

    pub fn body(mut self, body: &str) -> Self {
        self.doc["body"] = json!(body);
        self
    }

    pub fn tags<const N: usize>(mut self, tags: [&str; N]) -> Self {
        self.doc["tags"] = json!(tags.as_slice());
        self
    }

    /// One of the kind's own fields.
    pub fn field(mut self, name: &str, value: impl Into<Value>) -> Self {
        self.doc["fields"][name] = value.into();
        self
    }

    /// A page's place in the navigation.
    pub fn position(self, position: i64) -> Self {
        self.field("position", position)
    }

    /// Adds an attachment.
    pub fn attach(mut self, file_id: &str, label: &str) -> Self {
        let list = self.doc["attachments"]
            .as_array_mut()
            .map(std::mem::take)
            .unwrap_or_default();
        let mut list = list;
        list.push(json!({"file_id": file_id, "label": label}));
        self.doc["attachments"] = Value::Array(list);
        self
    }

    /// Saved at version 1, not published.
    pub async fn draft(self) -> Item {
        let r = self
            .app
            .admin_json(Method::POST, "/api/v1/admin/content", &self.doc)
            .await
            .expect(201);
        let etag = r.header("etag").expect("etag");
        let json = r.json();
        Item {
            id: json["id"].as_str().expect("id").to_owned(),
            etag,
            json,
        }
    }

    /// Saved and published now.
    pub async fn published(self) -> Item {
        let app = self.app;
        let mut item = self.draft().await;
        item.publish(app).await;
        item
    }

    /// Saved, with its publication scheduled at `at`.
    pub async fn scheduled(self, at: DateTime<Utc>) -> Item {
        let app = self.app;
        let mut item = self.draft().await;
        let path = format!("{}/publish", item.path());
        item.act(app, Method::POST, &path, Some(&json!({ "at": at })))
            .await;
        item
    }

    /// Published now and taken off at `until`.
    pub async fn published_until(self, until: DateTime<Utc>) -> Item {
        let app = self.app;
        let mut item = self.published().await;
        item.unpublish(app, Some(until)).await;
        item
    }
}

impl TestApp {
    fn new_item(&self, kind: &str, title: &str, fields: Value) -> NewItem<'_> {
        NewItem {
            app: self,
            doc: json!({"kind": kind, "title": title, "fields": fields}),
        }
    }

    /// A news article dated 24 November 2026.
    pub fn news(&self, title: &str) -> NewItem<'_> {
        self.new_item("news", title, json!({"display_date": "2026-11-24"}))
    }

    /// A standing page, first in the navigation unless `position` says otherwise.
    pub fn page(&self, title: &str) -> NewItem<'_> {
        self.new_item("page", title, json!({"position": 0}))
    }

    /// A manifest; its documents are attachments.
    pub fn manifest(&self, title: &str) -> NewItem<'_> {
        self.new_item("manifest", title, json!({}))
    }

    /// A download of the file `file_id`.
    pub fn download(&self, title: &str, file_id: &str) -> NewItem<'_> {
        self.new_item("download", title, json!({ "file_id": file_id }))
    }

    /// A video at `url` (https).
    pub fn video(&self, title: &str, url: &str) -> NewItem<'_> {
        self.new_item("video", title, json!({ "url": url }))
    }

    /// An Ontwikkelplek van de Toekomst in `city`.
    pub fn location(&self, title: &str, city: &str) -> NewItem<'_> {
        self.new_item(
            "location",
            title,
            json!({"city": city, "initiator": "Stichting Campus010"}),
        )
    }

    /// Uploads `bytes` as `name` through the admin API; returns the file record.
    pub async fn file(&self, name: &str, bytes: &[u8]) -> Value {
        let form = crate::support::Form::new().part(
            "file",
            crate::support::Part::bytes(bytes.to_vec()).file_name(name),
        );
        let r = send(
            self.admin(Method::POST, "/api/v1/admin/files")
                .multipart(form),
        )
        .await;
        assert!(
            matches!(r.status.as_u16(), 200 | 201),
            "upload {name}: {} {}",
            r.status,
            r.text()
        );
        r.json()
    }

    /// A sign-up through the public form, with a fresh challenge answered.
    pub async fn sign_up(&self, name: &str, email: &str) {
        crate::memberships::sign_up(self, name, email).await;
    }
}
