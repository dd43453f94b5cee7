//! Reads of the public read model: one item by slug, the stamp of the public rows, and
//! (in `list`) lists with filters, full-text search and keyset cursors. Every read filters
//! on the visibility window with `now`, so a scheduled change shows exactly at its time.

mod list;

pub use list::{After, Key, ListQuery, Row, list};
use list::{Bind, Sql};

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Timestamp};

use crate::db::AnyConnection;
use crate::db::schema::public_docs;
use crate::error::{AppError, AppResult};

/// The row of `kind`/`slug` visible at `now`, the latest first. A macro rather than a boxed
/// query, so each use keeps its static type and diesel finds its prepared statement without
/// building the SQL again.
macro_rules! visible_by_slug {
    ($kind:expr, $slug:expr, $now:expr) => {
        public_docs::table
            .filter(public_docs::kind.eq($kind))
            .filter(public_docs::slug.eq($slug))
            .filter(public_docs::visible_from.le($now))
            .filter(
                public_docs::visible_until
                    .is_null()
                    .or(public_docs::visible_until.gt($now)),
            )
            .order(public_docs::visible_from.desc())
    };
}

/// The published document of `kind`/`slug` visible at `now`: (etag, JSON).
pub fn by_slug(
    conn: &mut AnyConnection,
    kind: &str,
    slug: &str,
    now: NaiveDateTime,
) -> AppResult<Option<(String, String)>> {
    Ok(visible_by_slug!(kind, slug, now)
        .select((public_docs::etag, public_docs::item_json))
        .first(conn)
        .optional()?)
}

/// The ETag alone of what [`by_slug`] finds: enough to answer a conditional request without
/// reading the document's JSON.
pub fn etag_by_slug(
    conn: &mut AnyConnection,
    kind: &str,
    slug: &str,
    now: NaiveDateTime,
) -> AppResult<Option<String>> {
    Ok(visible_by_slug!(kind, slug, now)
        .select(public_docs::etag)
        .first(conn)
        .optional()?)
}

#[derive(QueryableByName)]
struct StampRow {
    #[diesel(sql_type = BigInt)]
    n: i64,
    #[diesel(sql_type = Nullable<Timestamp>)]
    next_from: Option<NaiveDateTime>,
    #[diesel(sql_type = Nullable<Timestamp>)]
    next_until: Option<NaiveDateTime>,
}

/// What every public answer at `now` is built from, in one statement (one snapshot): the
/// change counter of the public rows, and the next time after `now` at which a row's
/// visibility window opens or closes (both found by the visibility indexes).
pub fn stamp(
    conn: &mut AnyConnection,
    now: NaiveDateTime,
) -> AppResult<(i64, Option<NaiveDateTime>)> {
    let mut sql = Sql::new("SELECT n", true);
    sql.bind(
        ", (SELECT MIN(visible_from) FROM public_docs WHERE visible_from > ?) AS next_from",
        Bind::Time(now),
    );
    sql.bind(
        ", (SELECT MIN(visible_until) FROM public_docs WHERE visible_until > ?) AS next_until",
        Bind::Time(now),
    );
    sql.push(" FROM public_generation WHERE id = 1");
    let row = sql
        .load::<StampRow>(conn)?
        .pop()
        .ok_or_else(|| AppError::internal("public_generation has no row"))?;
    let next = match (row.next_from, row.next_until) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    Ok((row.n, next))
}
