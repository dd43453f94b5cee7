//! The admin list of items: filters, sorts and keyset pages.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::Bool;
use serde::{Deserialize, Serialize};

use super::{ItemRow, VersionRow};
use crate::db::schema::{content_items, content_tags, content_versions};
use crate::db::text::{LIKE_ESCAPE, contains_pattern, lower};
use crate::db::{AnyConnection, MultiBackend};
use crate::domain::content::{Kind, Sort, Status};
use crate::domain::cursor;
use crate::error::{AppError, AppResult};

/// Where the previous page ended: the last item's sort key and id, under the sort it was
/// made for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cursor {
    #[serde(rename = "s")]
    sort: Sort,
    #[serde(rename = "t", default, skip_serializing_if = "Option::is_none")]
    time: Option<NaiveDateTime>,
    #[serde(rename = "n", default, skip_serializing_if = "Option::is_none")]
    title: Option<String>,
    #[serde(rename = "i")]
    id: String,
}

impl Cursor {
    fn after(sort: Sort, row: &ItemRow) -> Self {
        let (time, title) = match sort {
            Sort::UpdatedDesc | Sort::UpdatedAsc => (Some(row.updated_at), None),
            Sort::Title | Sort::Position => (None, Some(row.title.clone())),
            Sort::PublishedDesc | Sort::PublishedAsc => (row.published_at, None),
        };
        Self {
            sort,
            time,
            title,
            id: row.id.clone(),
        }
    }

    pub fn encode(&self) -> String {
        cursor::encode(self)
    }

    /// Reads a cursor made for `sort`; anything else is a 400.
    pub fn decode(s: &str, sort: Sort) -> AppResult<Self> {
        let bad = || AppError::BadRequest("The cursor is not one this API handed out.".into());
        let c: Self = cursor::decode(s).ok_or_else(bad)?;
        let fits = match sort {
            Sort::UpdatedDesc | Sort::UpdatedAsc => c.time.is_some(),
            Sort::Title | Sort::Position => c.title.is_some(),
            Sort::PublishedDesc | Sort::PublishedAsc => c.title.is_none(),
        };
        if c.sort != sort || !fits {
            return Err(AppError::BadRequest(
                "The cursor was made for another sort order.".into(),
            ));
        }
        Ok(c)
    }
}

#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub kinds: Vec<Kind>,
    pub statuses: Vec<Status>,
    pub tag: Option<String>,
    pub q: Option<String>,
    /// Items updated at or after this time.
    pub updated_since: Option<NaiveDateTime>,
    pub sort: Sort,
    pub limit: i64,
    pub cursor: Option<Cursor>,
    pub now: NaiveDateTime,
}

pub struct Page {
    pub rows: Vec<(ItemRow, VersionRow)>,
    pub next_cursor: Option<String>,
    pub total: i64,
}

type Query<'a, ST> = content_items::BoxedQuery<'a, MultiBackend, ST>;

/// The status condition in SQL. Archived and scheduled come from the item's own columns;
/// which version is shown now comes from the public read model, whose windows are
/// `Publication::windows`, derived from `Publication::at`: the one rule of visibility.
/// `now` is a time we made, never input.
fn status_sql(statuses: &[Status], now: NaiveDateTime) -> String {
    let now = format!("'{}'", now.format("%F %T%.f"));
    // EXISTS, not a scalar subquery: never "more than one row", whatever the rows hold.
    let shown = |version: &str| {
        format!(
            "EXISTS (SELECT 1 FROM public_docs d WHERE d.item_id = content_items.id \
             AND d.visible_from <= {now} AND (d.visible_until IS NULL OR d.visible_until > {now}){version})"
        )
    };
    let live = "content_items.archived_at IS NULL";
    let not_pending =
        format!("(content_items.publish_at IS NULL OR content_items.publish_at <= {now})");
    let parts: Vec<String> = statuses
        .iter()
        .map(|s| match s {
            Status::Archived => "(content_items.archived_at IS NOT NULL)".to_owned(),
            Status::Scheduled => format!("({live} AND content_items.publish_at > {now})"),
            Status::Published => format!(
                "({live} AND {not_pending} AND {})",
                shown(" AND d.version >= content_items.latest_version")
            ),
            Status::Changed => format!(
                "({live} AND {not_pending} AND {})",
                shown(" AND d.version < content_items.latest_version")
            ),
            Status::Draft => format!("({live} AND {not_pending} AND NOT {})", shown("")),
        })
        .collect();
    format!("({})", parts.join(" OR "))
}

/// The same as [`status_sql`] with the timestamps cast for PostgreSQL.
fn status_condition(conn: &AnyConnection, statuses: &[Status], now: NaiveDateTime) -> String {
    let sql = status_sql(statuses, now);
    match conn {
        AnyConnection::Postgresql(_) => {
            let lit = format!("'{}'", now.format("%F %T%.f"));
            sql.replace(&lit, &format!("{lit}::timestamp"))
        }
        AnyConnection::Sqlite(_) => sql,
    }
}

fn filtered<'a, ST: 'static>(
    mut q: Query<'a, ST>,
    f: &Filter,
    status_sql: Option<String>,
) -> Query<'a, ST> {
    if f.kinds.is_empty() {
        // The home page is a single item, listed when asked for by its kind.
        q = q.filter(content_items::kind.ne(Kind::Home.as_str()));
    } else {
        q = q.filter(content_items::kind.eq_any(f.kinds.iter().map(|k| k.as_str().to_owned())));
    }
    if let Some(tag) = &f.tag {
        q = q.filter(diesel::dsl::exists(
            content_tags::table
                .filter(content_tags::item_id.eq(content_items::id))
                .filter(content_tags::version.eq(content_items::latest_version))
                .filter(content_tags::tag.eq(tag.clone())),
        ));
    }
    if let Some(text) = &f.q {
        q = q.filter(
            lower(content_items::title)
                .like(contains_pattern(text))
                .escape(LIKE_ESCAPE),
        );
    }
    if let Some(t) = f.updated_since {
        q = q.filter(content_items::updated_at.ge(t));
    }
    if let Some(sql) = status_sql {
        q = q.filter(diesel::dsl::sql::<Bool>(&sql));
    }
    q
}

pub fn list(conn: &mut AnyConnection, f: &Filter) -> AppResult<Page> {
    use content_items::{id, published_at, title, updated_at};
    let status = (!f.statuses.is_empty()).then(|| status_condition(conn, &f.statuses, f.now));
    let total: i64 = filtered(content_items::table.into_boxed(), f, status.clone())
        .count()
        .get_result(conn)?;
    let mut q = filtered(
        content_items::table
            .select(ItemRow::as_select())
            .into_boxed(),
        f,
        status,
    );
    q = match f.sort {
        Sort::UpdatedDesc => q.order((updated_at.desc(), id.desc())),
        Sort::UpdatedAsc => q.order((updated_at.asc(), id.asc())),
        Sort::Title | Sort::Position => q.order((title.asc(), id.asc())),
        // Items never published come last in both directions.
        Sort::PublishedDesc => {
            q.order((published_at.is_null().asc(), published_at.desc(), id.desc()))
        }
        Sort::PublishedAsc => q.order((published_at.is_null().asc(), published_at.asc(), id.asc())),
    };
    if let Some(c) = &f.cursor {
        let cid = c.id.clone();
        q = match (f.sort, c.time, &c.title) {
            (Sort::UpdatedDesc, Some(t), _) => {
                q.filter(updated_at.lt(t).or(updated_at.eq(t).and(id.lt(cid))))
            }
            (Sort::UpdatedAsc, Some(t), _) => {
                q.filter(updated_at.gt(t).or(updated_at.eq(t).and(id.gt(cid))))
            }
            (Sort::Title | Sort::Position, _, Some(n)) => {
                q.filter(title.gt(n.clone()).or(title.eq(n.clone()).and(id.gt(cid))))
            }
            (Sort::PublishedDesc, Some(t), _) => q.filter(
                published_at
                    .lt(t)
                    .or(published_at.eq(t).and(id.lt(cid)))
                    .or(published_at.is_null()),
            ),
            (Sort::PublishedAsc, Some(t), _) => q.filter(
                published_at
                    .gt(t)
                    .or(published_at.eq(t).and(id.gt(cid)))
                    .or(published_at.is_null()),
            ),
            (Sort::PublishedDesc, None, _) => q.filter(published_at.is_null().and(id.lt(cid))),
            (Sort::PublishedAsc, None, _) => q.filter(published_at.is_null().and(id.gt(cid))),
            _ => {
                return Err(AppError::BadRequest(
                    "The cursor does not fit this sort.".into(),
                ));
            }
        };
    }
    let mut rows: Vec<ItemRow> = q.limit(f.limit + 1).load(conn)?;
    let more = rows.len() > usize::try_from(f.limit).unwrap_or(usize::MAX);
    rows.truncate(usize::try_from(f.limit).unwrap_or(0));
    let next_cursor = more
        .then(|| rows.last().map(|r| Cursor::after(f.sort, r).encode()))
        .flatten();
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let mut latest: Vec<VersionRow> = content_versions::table
        .inner_join(content_items::table)
        .filter(content_versions::item_id.eq_any(&ids))
        .filter(content_versions::version.eq(content_items::latest_version))
        .select(VersionRow::as_select())
        .load(conn)?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let pos = latest
            .iter()
            .position(|v| v.item_id == row.id)
            .ok_or_else(|| AppError::internal("item without its latest version"))?;
        out.push((row, latest.swap_remove(pos)));
    }
    Ok(Page {
        rows: out,
        next_cursor,
        total,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_strangers() {
        let c = Cursor {
            sort: Sort::Title,
            time: None,
            title: Some("Één".into()),
            id: "x".into(),
        };
        assert_eq!(Cursor::decode(&c.encode(), Sort::Title).unwrap(), c);
        assert!(Cursor::decode(&c.encode(), Sort::UpdatedDesc).is_err());
        assert!(Cursor::decode("not-a-cursor", Sort::Title).is_err());
        assert!(Cursor::decode("e30", Sort::Title).is_err());
    }
}
