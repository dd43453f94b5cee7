//! The website as one answer (`GET /api/v1/site`): the published home page with its
//! sections, each with its items resolved and its query run, and the navigation tree of the
//! published pages. Also the start-up work the site needs: the home page exists, and the
//! public rows are built with the configured URL template.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::public_docs::{self, ItemRef};
use crate::db::audit::Actor;
use crate::db::content::items;
use crate::db::public::query::{self, After, Key, ListQuery};
use crate::db::{self, AnyConnection};
use crate::domain::content::{DocumentInput, Kind, Sort};
use crate::error::AppResult;

/// One section of the home page, as the site shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct SiteSection {
    pub key: String,
    pub heading: String,
    pub body_html: String,
    /// The section's own items (published ones, in order), then those its query selects.
    pub items: Vec<ItemRef>,
}

/// A published page in the navigation, with the pages under it.
#[derive(Debug, Serialize, ToSchema)]
pub struct NavEntry {
    #[schema(format = Uuid)]
    pub id: String,
    pub kind: Kind,
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub url: String,
    pub position: Option<i64>,
    #[schema(no_recursion)]
    pub children: Vec<NavEntry>,
}

/// The whole site's structure.
#[derive(Debug, Serialize, ToSchema)]
pub struct Site {
    /// The home page's title: the site's name.
    pub name: String,
    pub tagline: String,
    pub intro_html: String,
    pub sections: Vec<SiteSection>,
    /// The published pages without a (published) parent, by position, each with its
    /// children.
    pub navigation: Vec<NavEntry>,
}

/// The home page's public fields, as stored in its public row.
#[derive(Deserialize)]
struct HomeJson {
    title: String,
    fields: HomeFieldsJson,
}

#[derive(Deserialize)]
struct HomeFieldsJson {
    #[serde(default)]
    tagline: String,
    #[serde(default)]
    intro_html: String,
    #[serde(default)]
    sections: Vec<SectionJson>,
}

#[derive(Deserialize)]
struct SectionJson {
    key: String,
    #[serde(default)]
    heading: String,
    #[serde(default)]
    body_html: String,
    #[serde(default)]
    items: Vec<ItemRef>,
    query: Option<QueryJson>,
}

#[derive(Deserialize)]
struct QueryJson {
    kind: Option<Kind>,
    tag: Option<String>,
    sort: Option<String>,
    limit: Option<i64>,
}

/// A page as the public list stores it: its reference and its own fields.
#[derive(Deserialize)]
struct PageJson {
    #[serde(flatten)]
    item: ItemRef,
    fields: PageFieldsJson,
}

#[derive(Deserialize)]
struct PageFieldsJson {
    position: Option<i64>,
    parent: Option<ItemRef>,
}

/// The most pages the navigation holds.
const MAX_PAGES: usize = 1000;

/// The site as published at `now`; `None` while the home page is not published.
pub fn build(conn: &mut AnyConnection, now: NaiveDateTime) -> AppResult<Option<Site>> {
    let Some((_, json)) = query::by_slug(conn, Kind::Home.as_str(), "home", now)? else {
        return Ok(None);
    };
    let home: HomeJson = serde_json::from_str(&json)?;
    let mut sections = Vec::with_capacity(home.fields.sections.len());
    for s in home.fields.sections {
        let mut items = s.items;
        if let Some(q) = s.query {
            let sort = q
                .sort
                .as_deref()
                .and_then(Sort::parse)
                .unwrap_or(Sort::PublishedDesc);
            let list = ListQuery {
                kinds: q
                    .kind
                    .map(|k| vec![k.as_str().to_owned()])
                    .unwrap_or_default(),
                tag: q.tag,
                q: None,
                sort,
                updated_since: None,
                limit: q.limit.unwrap_or(10).clamp(1, 100),
                after: None,
                now,
            };
            let (rows, _) = query::list(conn, &list)?;
            for row in rows
                .into_iter()
                .take(usize::try_from(list.limit).unwrap_or(10))
            {
                let r: ItemRef = serde_json::from_str(&row.list_json)?;
                if !items.iter().any(|i| i.id == r.id) {
                    items.push(r);
                }
            }
        }
        sections.push(SiteSection {
            key: s.key,
            heading: s.heading,
            body_html: s.body_html,
            items,
        });
    }
    Ok(Some(Site {
        name: home.title,
        tagline: home.fields.tagline,
        intro_html: home.fields.intro_html,
        sections,
        navigation: navigation(conn, now)?,
    }))
}

/// The published pages as a tree, each level by position.
fn navigation(conn: &mut AnyConnection, now: NaiveDateTime) -> AppResult<Vec<NavEntry>> {
    let mut pages: Vec<PageJson> = Vec::new();
    let mut after = None;
    loop {
        let q = ListQuery {
            kinds: vec![Kind::Page.as_str().to_owned()],
            tag: None,
            q: None,
            sort: Sort::Position,
            updated_since: None,
            limit: 100,
            after,
            now,
        };
        let (mut rows, _) = query::list(conn, &q)?;
        let more = rows.len() > 100;
        rows.truncate(100);
        after = rows
            .last()
            .map(|r| After::Key(Key::Text(r.position_key.clone()), r.id.clone()));
        for row in rows {
            pages.push(serde_json::from_str(&row.list_json)?);
        }
        if !more || pages.len() >= MAX_PAGES {
            break;
        }
    }
    let ids: std::collections::HashSet<String> = pages.iter().map(|p| p.item.id.clone()).collect();
    let parent_of = |p: &PageJson| {
        p.fields
            .parent
            .as_ref()
            .map(|r| r.id.clone())
            .filter(|id| ids.contains(id) && *id != p.item.id)
    };
    let parents: Vec<Option<String>> = pages.iter().map(parent_of).collect();
    Ok(tree(&pages, &parents, None, 0))
}

/// The entries under `parent` (top level: `None`), each with its own children; a cycle of
/// parents is cut at a depth no real site reaches.
fn tree(
    pages: &[PageJson],
    parents: &[Option<String>],
    parent: Option<&str>,
    depth: usize,
) -> Vec<NavEntry> {
    if depth > 8 {
        return Vec::new();
    }
    pages
        .iter()
        .zip(parents)
        .filter(|(_, p)| p.as_deref() == parent)
        .map(|(page, _)| NavEntry {
            id: page.item.id.clone(),
            kind: page.item.kind,
            slug: page.item.slug.clone(),
            title: page.item.title.clone(),
            summary: page.item.summary.clone(),
            url: page.item.url.clone(),
            position: page.fields.position,
            children: tree(pages, parents, Some(&page.item.id), depth + 1),
        })
        .collect()
}

/// The version of the public rows' shape; raising it rebuilds them at the next start.
const PUBLIC_MODEL: &str = "3";
const PUBLIC_MODEL_KEY: &str = "public_model";

/// Start-up work, in one transaction: the home page exists (a draft when new), and the
/// public rows are rebuilt when they were built with another URL template or an older
/// shape. Returns how many items were rebuilt.
pub fn prepare(conn: &mut AnyConnection, template: &str, now: NaiveDateTime) -> AppResult<usize> {
    db::public::lock_public_rows(conn)?;
    ensure_home(conn)?;
    let model = format!("{PUBLIC_MODEL} {template}");
    let stored_template = db::settings::get(conn, db::settings::PUBLIC_URL_TEMPLATE)?;
    let stored_model = db::settings::get(conn, PUBLIC_MODEL_KEY)?;
    if stored_model.as_deref() == Some(model.as_str())
        && stored_template.as_deref() == Some(template)
    {
        return Ok(0);
    }
    db::settings::set(conn, db::settings::PUBLIC_URL_TEMPLATE, template)?;
    db::settings::set(conn, PUBLIC_MODEL_KEY, &model)?;
    public_docs::rebuild_all(conn, now)
}

/// Creates the home page (a draft) when there is none.
pub fn ensure_home(conn: &mut AnyConnection) -> AppResult<()> {
    if items::find_by_slug(conn, Kind::Home, "home")?.is_some() {
        return Ok(());
    }
    let input = DocumentInput {
        slug: Some("home".into()),
        title: "Home".into(),
        summary: None,
        body: None,
        tags: None,
        attachments: None,
        fields: Value::Object(serde_json::Map::new()),
        comment: Some("The home page, made when the database was set up".into()),
    };
    super::content::save::create(conn, &Actor::system("migrate"), Kind::Home, input)?;
    Ok(())
}
