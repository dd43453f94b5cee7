//! Saving documents: create, edit and restore, each making at most one new version.

use crate::domain::webhooks::Event;
use crate::usecase::webhooks;
use std::collections::{HashMap, HashSet};

use serde_json::json;

use super::view::{self, AdminItem, SavedItem};
use crate::db::AnyConnection;
use crate::db::audit::{self, Actor};
use crate::db::content::{ItemRow, items, now, versions};
use crate::domain::content::document::{self, DocumentInput};
use crate::domain::content::{Document, Fields, Kind};
use crate::error::{AppError, AppResult, ErrorCode, FieldError};

/// 412 unless the caller's `If-Match` named the item's current version.
fn check_version(row: &ItemRow, if_match: &[i64]) -> AppResult<()> {
    if if_match.contains(&row.latest_version) {
        return Ok(());
    }
    let mut extra = serde_json::Map::new();
    extra.insert("current_version".into(), json!(row.latest_version));
    extra.insert(
        "current_etag".into(),
        json!(view::etag(&row.id, row.latest_version)),
    );
    Err(AppError::PreconditionFailed {
        detail: format!(
            "The item has changed since you read it; it is now at version {}.",
            row.latest_version
        ),
        extra,
    })
}

/// Locks item `id` for a write, if `if_match` names its current version (else 412).
pub fn lock_current(conn: &mut AnyConnection, id: &str, if_match: &[i64]) -> AppResult<ItemRow> {
    let row = items::lock(conn, id)?;
    check_version(&row, if_match)?;
    Ok(row)
}

/// [`lock_current`], and 409 when the item is archived.
pub fn lock_editable(conn: &mut AnyConnection, id: &str, if_match: &[i64]) -> AppResult<ItemRow> {
    let row = lock_current(conn, id, if_match)?;
    not_archived(&row)?;
    Ok(row)
}

fn not_archived(row: &ItemRow) -> AppResult<()> {
    if row.archived_at.is_some() {
        return Err(AppError::Conflict {
            detail: "The item is archived; unarchive it first.".into(),
            errors: Vec::new(),
        });
    }
    Ok(())
}

/// The item as the admin API shows it.
pub fn load(conn: &mut AnyConnection, id: &str) -> AppResult<AdminItem> {
    let row = items::get(conn, id)?;
    let latest = versions::get(conn, id, row.latest_version)?;
    AdminItem::build(&row, &latest, now())
}

/// What validation asks of the database, in the writing transaction.
struct InDb<'a>(&'a mut AnyConnection);

impl document::Lookup for InDb<'_> {
    fn existing_files(&mut self, ids: &[String]) -> AppResult<HashSet<String>> {
        items::existing_files(self.0, ids)
    }
    fn item_kinds(&mut self, ids: &[String]) -> AppResult<HashMap<String, Kind>> {
        items::kinds_of(self.0, ids)
    }
}

/// The home page's slug: it is always `home`.
const HOME_SLUG: &str = "home";

fn validate(
    conn: &mut AnyConnection,
    kind: Kind,
    mut input: DocumentInput,
    current: Option<(&str, &str)>,
) -> AppResult<(Document, Option<String>)> {
    if kind == Kind::Home {
        if input.slug.as_deref().is_some_and(|s| s.trim() != HOME_SLUG) {
            return Err(AppError::Validation(vec![FieldError::new(
                "slug",
                ErrorCode::NotAllowed,
                "the home page's slug is always home",
            )]));
        }
        input.slug = Some(HOME_SLUG.into());
    }
    document::validate(
        kind,
        input,
        current.map(|(_, slug)| slug),
        current.map(|(id, _)| id),
        &mut InDb(conn),
    )
}

/// Creates an item at version 1.
pub fn create(
    conn: &mut AnyConnection,
    actor: &Actor,
    kind: Kind,
    input: DocumentInput,
) -> AppResult<AdminItem> {
    if kind == Kind::Home && items::find_by_slug(conn, kind, HOME_SLUG)?.is_some() {
        return Err(AppError::Conflict {
            detail: "There is one home page already; edit it instead.".into(),
            errors: vec![FieldError::new(
                "kind",
                ErrorCode::Taken,
                "the home page exists already",
            )],
        });
    }
    let (doc, comment) = validate(conn, kind, input, None)?;
    items::check_slug_free(conn, kind, &doc.slug, None)?;
    let id = uuid::Uuid::now_v7().to_string();
    let now = now();
    items::insert(
        conn,
        &items::NewItem {
            id: &id,
            kind,
            slug: &doc.slug,
            title: &doc.title,
            now,
            actor_id: actor.id.as_deref(),
        },
    )?;
    versions::insert(conn, &id, 1, &doc, actor, comment.as_deref(), now)?;
    audit::record(
        conn,
        actor,
        "create",
        "content",
        Some(&id),
        &json!({ "kind": kind, "slug": doc.slug, "version": 1 }),
    )?;
    webhooks::content_event(conn, Event::ContentUpdated, &id, Some(1))?;
    load(conn, &id)
}

/// Replaces the document of item `id`, if `if_match` names its current version.
pub fn update(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: &str,
    if_match: &[i64],
    input: DocumentInput,
) -> AppResult<SavedItem> {
    let row = lock_editable(conn, id, if_match)?;
    let (doc, comment) = validate(conn, row.kind()?, input, Some((&row.id, &row.slug)))?;
    no_parent_loop(conn, &row.id, &doc)?;
    save(conn, actor, &row, &doc, comment.as_deref(), "update", None)
}

/// Makes a new latest version with version `n`'s content.
pub fn restore(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: &str,
    if_match: &[i64],
    n: i64,
) -> AppResult<SavedItem> {
    let row = lock_editable(conn, id, if_match)?;
    let kind = row.kind()?;
    let old = Document::from_json(kind, &versions::get(conn, id, n)?.content)?;
    // Validated again: a file it used may be gone since.
    let input = DocumentInput {
        slug: Some(old.slug.clone()),
        title: old.title.clone(),
        summary: Some(old.summary.clone()),
        body: Some(old.body.clone()),
        tags: Some(old.tags.clone()),
        attachments: Some(old.attachments.clone()),
        fields: serde_json::to_value(&old.fields)?,
        comment: None,
    };
    let (doc, _) = validate(conn, kind, input, Some((&row.id, &row.slug)))?;
    no_parent_loop(conn, &row.id, &doc)?;
    let comment = format!("Restored from version {n}");
    save(conn, actor, &row, &doc, Some(&comment), "restore", Some(n))
}

/// The most parents a page may sit under.
const MAX_DEPTH: usize = 20;

/// 422 on `fields.parent` when page `id` would sit under itself: the chain of parents, as
/// their latest versions give them, comes back to it (or is deeper than any site is).
fn no_parent_loop(conn: &mut AnyConnection, id: &str, doc: &Document) -> AppResult<()> {
    let Fields::Page(page) = &doc.fields else {
        return Ok(());
    };
    let mut next = page.parent.clone();
    for _ in 0..MAX_DEPTH {
        let Some(parent) = next else {
            return Ok(());
        };
        if parent == id {
            return Err(AppError::Validation(vec![FieldError::new(
                "fields.parent",
                ErrorCode::SelfReference,
                "would put the page under itself: it is above that page already",
            )]));
        }
        let row = items::get(conn, &parent)?;
        let latest = versions::get(conn, &parent, row.latest_version)?;
        next = match Document::from_json(Kind::Page, &latest.content)?.fields {
            Fields::Page(p) => p.parent,
            _ => None,
        };
    }
    Err(AppError::Validation(vec![FieldError::new(
        "fields.parent",
        ErrorCode::NotAllowed,
        format!("pages may sit at most {MAX_DEPTH} levels deep"),
    )]))
}

/// Writes `doc` as the next version unless it equals the latest one.
fn save(
    conn: &mut AnyConnection,
    actor: &Actor,
    row: &ItemRow,
    doc: &Document,
    comment: Option<&str>,
    action: &str,
    restored_from: Option<i64>,
) -> AppResult<SavedItem> {
    let kind = row.kind()?;
    let latest = versions::get(conn, &row.id, row.latest_version)?;
    let unchanged = Document::from_json(kind, &latest.content)? == *doc;
    let version = if unchanged {
        row.latest_version
    } else {
        if doc.slug != row.slug {
            items::check_slug_free(conn, kind, &doc.slug, Some(&row.id))?;
        }
        let next = row.latest_version + 1;
        let now = now();
        items::advance(
            conn,
            &row.id,
            row.latest_version,
            &items::Head {
                version: next,
                slug: &doc.slug,
                title: &doc.title,
                at: now,
                actor_id: actor.id.as_deref(),
            },
        )?;
        versions::insert(conn, &row.id, next, doc, actor, comment, now)?;
        webhooks::content_event(conn, Event::ContentUpdated, &row.id, Some(next))?;
        next
    };
    audit::record(
        conn,
        actor,
        action,
        "content",
        Some(&row.id),
        &json!({
            "version": version,
            "unchanged": unchanged,
            "restored_from": restored_from,
        }),
    )?;
    Ok(SavedItem {
        item: load(conn, &row.id)?,
        unchanged,
    })
}
