//! The public read model: each publication window of an item (live or scheduled) becomes
//! one row holding its public JSON, built once from the typed [`PublicItem`] when the
//! publication changes, so delivery reads one indexed row and sends it as is.
//! [`sync_item`] rebuilds an item's rows from its publication state; everything that
//! changes that state calls it in the same transaction.
//!
//! An item's JSON also shows the items it refers to (reference fields, links in its text)
//! as they are published. So a row is split where a target's visibility changes inside its
//! window (each part shows the targets as they are then), and a change to an item's public
//! state rebuilds the rows of every item that refers to it, in the same transaction: the
//! public rows, their ETags and the answers built from them are never staler than the
//! items they show.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDateTime;
use sha2::{Digest, Sha256};

use super::public_item::{self, Showing, shown_at};
pub use super::public_item::{ItemRef, PublicItem, rfc3339};
use crate::db::content::{items, versions};
use crate::db::{self, AnyConnection};
use crate::domain::content::{Document, Kind, Window};
use crate::domain::markdown::{self, Target};
use crate::domain::{search, site};
use crate::error::AppResult;

/// Rebuilds the public rows of one item from its publication state, and those of every item
/// that shows it.
pub fn sync_item(conn: &mut AnyConnection, item_id: &str, now: NaiveDateTime) -> AppResult<()> {
    db::public::lock_public_rows(conn)?;
    let template = db::settings::public_url_template(conn)?;
    sync_rows(conn, item_id, now, &template)?;
    // What a referrer shows of this item (kind, slug, title, summary, URL, visibility) comes
    // from this item's own rows alone, so rebuilding the referrers changes nothing that a
    // third item shows: one level is enough.
    for referrer in db::public::referrers(conn, item_id)? {
        if referrer != item_id {
            sync_rows(conn, &referrer, now, &template)?;
        }
    }
    Ok(())
}

/// Markdown rendered as a public answer would show it now, for the editor's preview: links to
/// published items go to their site address (other links become text), and images of
/// uploaded files show through the admin API, since the public address serves a file only
/// once a published version uses it.
pub fn preview(conn: &mut AnyConnection, text: &str, now: NaiveDateTime) -> AppResult<String> {
    let (mut items, mut files) = (Vec::new(), Vec::new());
    for t in markdown::targets(text) {
        match t {
            Target::Item(id) if !id.is_empty() => items.push(id),
            Target::File(id) if !id.is_empty() => files.push(id),
            _ => {}
        }
    }
    let template = db::settings::public_url_template(conn)?;
    let shown = shown_at(&db::public::target_rows(conn, &items)?, now, &template)?;
    let existing = db::files::existing_ids(conn, &files)?;
    Ok(markdown::render_with(text, |t| match t {
        Target::Item(id) => shown.get(id).map(|r| r.url.clone()),
        Target::File(id) => existing
            .contains(id)
            .then(|| format!("/api/v1/admin/files/{id}/content")),
    }))
}

/// Rebuilds every public row, e.g. after the URL template changed.
pub fn rebuild_all(conn: &mut AnyConnection, now: NaiveDateTime) -> AppResult<usize> {
    db::public::lock_public_rows(conn)?;
    let template = db::settings::public_url_template(conn)?;
    let ids = db::public::published_items(conn)?;
    // Targets first would not help: a referrer rebuilt before its target reads the target's
    // old rows, whose visibility and text are the same; only their URL may differ, and it is
    // built from the target's kind and slug with the current template.
    for id in &ids {
        sync_rows(conn, id, now, &template)?;
    }
    Ok(ids.len())
}

fn sync_rows(
    conn: &mut AnyConnection,
    item_id: &str,
    now: NaiveDateTime,
    template: &str,
) -> AppResult<()> {
    let row = items::find(conn, item_id)?;
    // A live item keeps its first publication time across new versions.
    let first_published = db::public::first_published(conn, item_id, now)?;
    db::public::delete_item(conn, item_id)?;
    let Some(row) = row else {
        return Ok(());
    };
    let kind = row.kind()?;
    let mut embedded = BTreeSet::new();
    let mut timeline = Vec::new();
    for w in row.publication().windows(now) {
        let published_at = match first_published {
            Some(first) if first <= w.from => first,
            _ => w.from,
        };
        let version = versions::get(conn, item_id, w.version)?;
        let document = Document::from_json(kind, &version.content)?;
        let targets = document.item_ids();
        let rows = db::public::target_rows(conn, &targets)?;
        embedded.extend(targets);
        for (from, until) in pieces(&w, &rows) {
            let shown = shown_at(&rows, from, template)?;
            let part = Part {
                version: w.version,
                from,
                until,
                updated_at: w.from,
                published_at,
            };
            let etag = insert(conn, item_id, kind, &document, &part, &shown, template)?;
            timeline.push(Shown {
                from,
                until,
                slug: document.slug.clone(),
                version: w.version,
                etag,
            });
        }
    }
    let embedded: Vec<String> = embedded.into_iter().collect();
    db::public::set_refs(conn, item_id, &embedded)?;
    record_changes(conn, item_id, kind, &timeline)
}

/// One public answer of an item and when it is served.
#[derive(Debug, Clone)]
struct Shown {
    from: NaiveDateTime,
    until: Option<NaiveDateTime>,
    slug: String,
    version: i64,
    etag: String,
}

/// Writes the sync feed's entries for the item's public answers as they now are: what
/// changed now against what the feed last said, and each change ahead (a scheduled
/// publication, unpublication, or a target's), replacing those written before. An answer
/// under another slug is a `delete` of the old one; a new answer (another version, or what
/// it shows of other items changed) an `upsert`. Runs under the lock of the public rows, and
/// dates what changes now by the database's clock read under it, so the feed's order is the
/// order the changes were made in, over every process.
fn record_changes(
    conn: &mut AnyConnection,
    item_id: &str,
    kind: Kind,
    timeline: &[Shown],
) -> AppResult<()> {
    use db::public::changes::{self, NewChange};
    let at = changes::clock(conn)?;
    let said = changes::last_at(conn, item_id, at)?
        .filter(|c| c.change == "upsert")
        .map(|c| (c.slug, c.etag.unwrap_or_default()));
    changes::delete_after(conn, item_id, at)?;
    let shown_at = |t: NaiveDateTime| {
        timeline
            .iter()
            .find(|p| p.from <= t && p.until.is_none_or(|u| t < u))
    };
    let mut points: Vec<NaiveDateTime> = timeline
        .iter()
        .flat_map(|p| std::iter::once(p.from).chain(p.until))
        .filter(|t| *t > at)
        .collect();
    points.push(at);
    points.sort_unstable();
    points.dedup();
    let mut state = said;
    for t in points {
        let next = shown_at(t);
        if let Some((slug, _)) = &state
            && next.is_none_or(|n| n.slug != *slug)
        {
            changes::insert(
                conn,
                &NewChange {
                    item_id,
                    kind: kind.as_str(),
                    slug,
                    change: "delete",
                    version: None,
                    etag: None,
                    at: t,
                    recorded_at: at,
                },
            )?;
        }
        if let Some(n) = next
            && state
                .as_ref()
                .is_none_or(|(slug, etag)| *slug != n.slug || *etag != n.etag)
        {
            changes::insert(
                conn,
                &NewChange {
                    item_id,
                    kind: kind.as_str(),
                    slug: &n.slug,
                    change: "upsert",
                    version: Some(n.version),
                    etag: Some(&n.etag),
                    at: t,
                    recorded_at: at,
                },
            )?;
        }
        state = next.map(|n| (n.slug.clone(), n.etag.clone()));
    }
    Ok(())
}

/// The parts of window `w` within which no target's visibility changes.
fn pieces(
    w: &Window,
    targets: &[db::public::TargetRow],
) -> Vec<(NaiveDateTime, Option<NaiveDateTime>)> {
    let inside = |t: &NaiveDateTime| *t > w.from && w.until.is_none_or(|u| *t < u);
    let cuts: BTreeSet<NaiveDateTime> = targets
        .iter()
        .flat_map(|r| std::iter::once(r.visible_from).chain(r.visible_until))
        .filter(inside)
        .collect();
    let starts = std::iter::once(w.from).chain(cuts.iter().copied());
    let ends = cuts
        .iter()
        .copied()
        .map(Some)
        .chain(std::iter::once(w.until));
    starts.zip(ends).collect()
}

/// One public row's place in time.
struct Part {
    version: i64,
    from: NaiveDateTime,
    until: Option<NaiveDateTime>,
    /// When the item's public state last changed (the window's start).
    updated_at: NaiveDateTime,
    published_at: NaiveDateTime,
}

fn insert(
    conn: &mut AnyConnection,
    item_id: &str,
    kind: Kind,
    doc: &Document,
    part: &Part,
    shown: &HashMap<String, ItemRef>,
    template: &str,
) -> AppResult<String> {
    let files = db::files::public_record(conn, &doc.file_ids())?;
    let terms = search::terms(&[&doc.title, &doc.summary, &doc.body]);
    let title_key = search::fold(&doc.title);
    let showing = Showing {
        item_id,
        kind,
        doc,
        version: part.version,
        published_at: part.published_at,
        updated_at: part.updated_at,
    };
    let mut item = public_item::build(&showing, &files, shown, template)?;
    // Lists show the item without its text.
    let (body, body_html) = (item.body.take(), item.body_html.take());
    let list_json = serde_json::to_string(&item)?;
    item.body = body;
    item.body_html = body_html;
    let item_json = serde_json::to_string(&item)?;
    let etag = format!(
        "\"{}\"",
        &hex::encode(Sha256::digest(item_json.as_bytes()))[..32]
    );
    let position_key = site::position_key(doc.fields.position(), &title_key);
    let stored = db::public::insert(
        conn,
        &db::public::NewDoc {
            item_id,
            version: part.version,
            kind: kind.as_str(),
            slug: &item.slug,
            title_key: &title_key,
            published_at: part.published_at,
            updated_at: part.updated_at,
            visible_from: part.from,
            visible_until: part.until,
            etag: &etag,
            list_json: &list_json,
            item_json: &item_json,
            terms: &terms,
            position_key: &position_key,
        },
        // Tags are unique: the document's validation refuses a tag given twice.
        &item.tags,
    );
    stored.map(|()| etag)
}
