//! What the load cases need, read from the seeded database: sample slugs with their ETags,
//! the cursor of the page 90 % deep, items for the writers.

use diesel::prelude::*;
use oa_cms::api::public::cursor;
use oa_cms::db::AnyConnection;
use oa_cms::db::public::query::Key;
use oa_cms::db::schema::{content_items, public_docs};
use oa_cms::domain::content::Sort;
use oa_cms::error::AppResult;
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use serde_json::{Value, json};

use crate::corpus::{TAGS, TOPICS};

const SAMPLE: usize = 2000;
const WRITERS: i64 = 8;

pub fn build(conn: &mut AnyConnection, items: u64) -> AppResult<Value> {
    let live = || {
        public_docs::table
            .filter(public_docs::visible_until.is_null())
            .into_boxed::<oa_cms::db::MultiBackend>()
    };
    let mut docs: Vec<(String, String, String)> = live()
        .select((public_docs::kind, public_docs::slug, public_docs::etag))
        .order(public_docs::id.asc())
        .load(conn)?;
    let mut rng = StdRng::seed_from_u64(7);
    docs.shuffle(&mut rng);
    docs.truncate(SAMPLE);
    let sample: Vec<Value> = docs
        .into_iter()
        .map(|(kind, slug, etag)| json!({"path": format!("/api/v1/content/{kind}/{slug}"), "etag": etag}))
        .collect();

    let total: i64 = live().count().get_result(conn)?;
    let depth = total * 9 / 10;
    let deep = live()
        .order((public_docs::published_at.desc(), public_docs::id.desc()))
        .select((public_docs::published_at, public_docs::id))
        .offset(depth - 1)
        .first::<(chrono::NaiveDateTime, String)>(conn)
        .optional()?
        .map(|(t, id)| cursor::encode_key(Sort::PublishedDesc, &Key::Time(t), &id));

    let writers: Vec<String> = content_items::table
        .filter(content_items::kind.eq("news"))
        .filter(content_items::archived_at.is_null())
        .order(content_items::id.asc())
        .select(content_items::id)
        .limit(WRITERS)
        .load(conn)?;

    let queries: Vec<&str> = TOPICS.iter().step_by(6).copied().collect();
    Ok(json!({
        "items": items,
        "published": total,
        "sample": sample,
        "deep_index": depth,
        "deep_cursor": deep,
        "kind": "news",
        "tag": TAGS[0],
        "queries": queries,
        "topics": TOPICS.as_slice(),
        "writer_items": writers,
    }))
}
