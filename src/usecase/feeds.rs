//! The Atom feed of the newest published items and the sitemap of every published item,
//! built from the public rows. Item addresses come from the public URL template; where it
//! is a path (`/{kind}/{slug}`), `base` (the address the request came to) is put before it,
//! since both formats want absolute URLs.

use std::fmt::Write as _;

use atom_syndication::{Entry, Feed, Link, Person, Text};
use chrono::{DateTime, FixedOffset, NaiveDateTime};
use serde::Deserialize;

use crate::db::AnyConnection;
use crate::db::public::{self, query};
use crate::domain::content::Sort;
use crate::error::AppResult;

/// Entries in the Atom feed.
pub const FEED_SIZE: i64 = 20;
/// URLs in one sitemap file (the protocol's limit).
pub const SITEMAP_SIZE: i64 = 50_000;

/// The part of a public row's JSON a feed entry shows.
#[derive(Deserialize)]
struct Listed {
    id: String,
    title: String,
    summary: String,
    url: String,
    published_at: DateTime<FixedOffset>,
    updated_at: DateTime<FixedOffset>,
    #[serde(default)]
    fields: ListedFields,
}

#[derive(Deserialize, Default)]
struct ListedFields {
    author: Option<String>,
}

/// `s` without the characters XML 1.0 does not allow (control characters other than tab,
/// line feed and carriage return; U+FFFE and U+FFFF), which a title may hold and which would
/// make the whole feed unreadable.
fn xml_text(s: &str) -> String {
    s.chars()
        .filter(|&c| {
            matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
        })
        .collect()
}

/// An item's address, absolute.
pub fn absolute(base: &str, url: &str) -> String {
    if url.starts_with("http://") || url.starts_with("https://") {
        url.to_owned()
    } else {
        format!("{}{url}", base.trim_end_matches('/'))
    }
}

/// The feed of the newest published items of `kinds` (with `tag`), served at `self_url`.
pub fn atom(
    conn: &mut AnyConnection,
    kinds: Vec<String>,
    tag: Option<String>,
    now: NaiveDateTime,
    base: &str,
    self_url: &str,
) -> AppResult<String> {
    #[derive(Deserialize)]
    struct Titled {
        title: String,
    }
    // The site's name: the published home page's title.
    let site_name = match query::by_slug(conn, "home", "home", now)? {
        Some((_, json)) => serde_json::from_str::<Titled>(&json)?.title,
        None => "Nieuws".to_owned(),
    };
    let site_name = xml_text(&site_name);
    let site_name = site_name.as_str();
    let q = query::ListQuery {
        kinds,
        tag,
        q: None,
        sort: Sort::PublishedDesc,
        updated_since: None,
        limit: FEED_SIZE,
        after: None,
        now,
    };
    let (rows, _) = query::list(conn, &q)?;
    let mut entries = Vec::with_capacity(rows.len());
    for row in rows
        .into_iter()
        .take(usize::try_from(FEED_SIZE).unwrap_or(20))
    {
        let item: Listed = serde_json::from_str(&row.list_json)?;
        let link = absolute(base, &item.url);
        entries.push(Entry {
            title: Text::plain(xml_text(&item.title)),
            id: format!("urn:uuid:{}", item.id),
            updated: item.updated_at,
            published: Some(item.published_at),
            authors: item
                .fields
                .author
                .into_iter()
                .map(|name| Person {
                    name: xml_text(&name),
                    ..Person::default()
                })
                .collect(),
            links: vec![Link {
                href: link,
                rel: "alternate".into(),
                ..Link::default()
            }],
            summary: (!item.summary.is_empty()).then(|| Text::plain(xml_text(&item.summary))),
            ..Entry::default()
        });
    }
    // The newest change among the entries (the feed changes when one does); a fixed time
    // when there is none, so an empty feed keeps its ETag.
    let updated = entries
        .iter()
        .map(|e| e.updated)
        .max()
        .unwrap_or_else(|| crate::domain::time::earliest().and_utc().fixed_offset());
    let feed = Feed {
        title: Text::plain(site_name),
        id: self_url.to_owned(),
        updated,
        authors: vec![Person {
            name: site_name.to_owned(),
            ..Person::default()
        }],
        links: vec![
            Link {
                href: self_url.to_owned(),
                rel: "self".into(),
                mime_type: Some("application/atom+xml".into()),
                ..Link::default()
            },
            Link {
                href: absolute(base, "/"),
                rel: "alternate".into(),
                ..Link::default()
            },
        ],
        entries,
        ..Feed::default()
    };
    Ok(feed.to_string())
}

fn escape(s: &str) -> std::borrow::Cow<'_, str> {
    quick_xml::escape::escape(s)
}

/// The sitemap: with at most [`SITEMAP_SIZE`] published items, every one of them; with
/// more, an index of the pages (`sitemap_url?page=N`). `page` asks for one page.
pub fn sitemap(
    conn: &mut AnyConnection,
    page: Option<i64>,
    now: NaiveDateTime,
    base: &str,
    sitemap_url: &str,
) -> AppResult<Option<String>> {
    let template = crate::db::settings::public_url_template(conn)?;
    let total = public::visible_count(conn, now)?;
    let pages = ((total + SITEMAP_SIZE - 1) / SITEMAP_SIZE).max(1);
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    if page.is_none() && pages > 1 {
        out.push_str("<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
        for n in 1..=pages {
            let _ = writeln!(
                out,
                "<sitemap><loc>{}</loc></sitemap>",
                escape(&format!("{sitemap_url}?page={n}"))
            );
        }
        out.push_str("</sitemapindex>\n");
        return Ok(Some(out));
    }
    let n = page.unwrap_or(1);
    if n < 1 || n > pages {
        return Ok(None);
    }
    out.push_str("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    let mut after: Option<String> = None;
    let mut skip = (n - 1) * SITEMAP_SIZE;
    let mut left = SITEMAP_SIZE;
    while left > 0 {
        let rows = public::visible_by_id(conn, after.as_deref(), now, 5000)?;
        let Some(last) = rows.last() else { break };
        after = Some(last.item_id.clone());
        for r in rows {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            if left == 0 {
                break;
            }
            left -= 1;
            let kind = crate::domain::content::Kind::parse(&r.kind)
                .ok_or_else(|| crate::error::AppError::internal("a stored kind is unknown"))?;
            let url = absolute(
                base,
                &crate::domain::site::url(&template, kind, &r.slug, &r.item_id),
            );
            let _ = writeln!(
                out,
                "<url><loc>{}</loc><lastmod>{}</lastmod></url>",
                escape(&url),
                r.updated_at
                    .and_utc()
                    .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            );
        }
    }
    out.push_str("</urlset>\n");
    Ok(Some(out))
}
