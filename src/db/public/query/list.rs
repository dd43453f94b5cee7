//! The public lists: filters, full-text search and keyset pages, as one prepared SQL
//! statement per shape.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::{BigInt, Text, Timestamp};

use crate::db::{AnyConnection, MultiBackend, PlannedPerCall};
use crate::domain;
use crate::domain::content::Sort;
use crate::error::{AppError, AppResult};

/// Where the previous page ended.
#[derive(Debug, Clone, PartialEq)]
pub enum After {
    /// The last row's sort value and id (keyset).
    Key(Key, String),
    /// Ranked full-text results page by position.
    Offset(i64),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Key {
    Time(NaiveDateTime),
    Text(String),
}

#[derive(Debug, Clone)]
pub struct ListQuery {
    pub kinds: Vec<String>,
    pub tag: Option<String>,
    /// Stems of the full-text query.
    pub q: Option<Vec<String>>,
    pub sort: Sort,
    pub updated_since: Option<NaiveDateTime>,
    pub limit: i64,
    pub after: Option<After>,
    pub now: NaiveDateTime,
}

#[derive(QueryableByName, Debug)]
pub struct Row {
    #[diesel(sql_type = Text)]
    pub id: String,
    #[diesel(sql_type = Text)]
    pub list_json: String,
    /// As text (see [`Row::time`]): only the last row's is ever needed, for the cursor.
    #[diesel(sql_type = Text)]
    pub published_at: String,
    #[diesel(sql_type = Text)]
    pub updated_at: String,
    #[diesel(sql_type = Text)]
    pub title_key: String,
    #[diesel(sql_type = Text)]
    pub position_key: String,
}

impl Row {
    /// A time column of the row, parsed: the text diesel stores on SQLite, or PostgreSQL's
    /// `to_char` of it, both `YYYY-MM-DD HH:MM:SS[.fraction]`.
    pub fn time(text: &str) -> AppResult<NaiveDateTime> {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f")
            .map_err(|e| AppError::internal(format!("a stored time does not parse: {e}")))
    }
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

pub(super) enum Bind {
    Text(String),
    Time(NaiveDateTime),
    Int(i64),
}

/// A statement written as SQL text with `?` where each bind goes; diesel writes each
/// backend's own placeholders. Unlike `sql_query`, it is kept in the connection's
/// prepared-statement cache (keyed by its text), so it is parsed once per connection, and
/// planned once where the plan does not depend on the values (pages: ordered by an index,
/// limited; see [`Sql::limit`]). A total filtered by `updated_since` on PostgreSQL
/// is planned for its values on each call ([`PlannedPerCall`]): a generic plan cannot tell a
/// recent time (few rows, one index range) from an old one, and scans the table.
pub(super) struct Sql {
    text: String,
    binds: Vec<Bind>,
    /// A generic plan is as good as one for the values (pages: ordered by an index, limited).
    any_plan: bool,
}

impl Sql {
    pub(super) fn new(text: impl Into<String>, any_plan: bool) -> Self {
        Self {
            text: text.into(),
            binds: Vec::new(),
            any_plan,
        }
    }
    pub(super) fn push(&mut self, s: &str) {
        self.text.push_str(s);
    }
    /// ` AND {col} IN (?, ?, ...)` over `values`; nothing when there are none.
    fn and_in(&mut self, col: &str, values: &[String]) {
        if values.is_empty() {
            return;
        }
        self.push(&format!(" AND {col} IN ("));
        for (i, v) in values.iter().enumerate() {
            self.bind(if i == 0 { "?" } else { ", ?" }, Bind::Text(v.clone()));
        }
        self.push(")");
    }
    /// ` - (count of the rows not visible at now)`, once for those scheduled ahead and once
    /// for those ended and not yet pruned, each narrowed by `filter`; both are few and found
    /// by the visibility indexes. Each test is written as a range with both ends bound
    /// (`now` and the end of time, or the start of time and `now`), so that a generic plan
    /// of this prepared statement, which cannot see `now`, estimates a narrow range and
    /// takes the index, where it takes a one-sided `> $1` for a third of the table and scans
    /// it. (PostgreSQL 15 still plans this statement for its values on each call, since
    /// those plans cost far less than any generic one: pg_stat_statements counts 0.3 ms of
    /// planning per call for the plain total, 0.8 ms with kind and tag.)
    fn minus_hidden(&mut self, now: NaiveDateTime, filter: impl Fn(&mut Self)) {
        for (col, above, low, high) in [
            // Scheduled ahead: now < from <= the end of time.
            ("visible_from", ">", now, domain::time::latest()),
            // Ended: the start of time <= until <= now.
            ("visible_until", ">=", domain::time::earliest(), now),
        ] {
            self.bind(
                &format!(" - (SELECT COUNT(*) FROM public_docs d WHERE d.{col} {above} ?"),
                Bind::Time(low),
            );
            self.bind(&format!(" AND d.{col} <= ?"), Bind::Time(high));
            filter(self);
            self.push(")");
        }
    }
    /// ` LIMIT ?` bound to `n` on SQLite. On PostgreSQL ` LIMIT m` with the number written
    /// in the text, `m` the first of a few steps at or above `n`; the caller keeps the first
    /// `n` rows ([`first`]). A prepared statement's
    /// generic plan takes `LIMIT $1` for a tenth of the rows, so for a page of 21 of 100 000
    /// it costs the generic plan a hundred times the plan for the value: PostgreSQL then
    /// plans every execution anew (0.3–1 ms each). With the number in the text the cached
    /// plan is as good as one for the value and is never planned again; the steps keep the
    /// statements per list shape to four instead of one per page size.
    fn limit(&mut self, n: i64, sqlite: bool) {
        if sqlite {
            self.bind(" LIMIT ?", Bind::Int(n));
            return;
        }
        let step = [11, 21, 51]
            .into_iter()
            .find(|&s| n <= s)
            .unwrap_or(n.max(101));
        self.push(&format!(" LIMIT {step}"));
    }
    pub(super) fn bind(&mut self, s: &str, b: Bind) {
        debug_assert_eq!(s.matches('?').count(), 1, "one placeholder per bind: {s}");
        self.text.push_str(s);
        self.binds.push(b);
    }
    pub(super) fn load<T: QueryableByName<MultiBackend> + 'static>(
        self,
        conn: &mut AnyConnection,
    ) -> AppResult<Vec<T>> {
        Ok(if self.any_plan {
            RunQueryDsl::load(self, conn)?
        } else {
            RunQueryDsl::load(PlannedPerCall::new(conn, self), conn)?
        })
    }
}

impl QueryId for Sql {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl Query for Sql {
    type SqlType = diesel::sql_types::Untyped;
}

impl<C> RunQueryDsl<C> for Sql {}

impl QueryFragment<MultiBackend> for Sql {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, MultiBackend>) -> QueryResult<()> {
        let mut parts = self.text.split('?');
        out.push_sql(parts.next().unwrap_or_default());
        for (part, bind) in parts.zip(&self.binds) {
            match bind {
                Bind::Text(s) => out.push_bind_param::<Text, _>(s)?,
                Bind::Time(t) => out.push_bind_param::<Timestamp, _>(t)?,
                Bind::Int(i) => out.push_bind_param::<BigInt, _>(i)?,
            }
            out.push_sql(part);
        }
        Ok(())
    }
}

/// The FROM and WHERE shared by the page and the count.
fn from_where(conn: &AnyConnection, q: &ListQuery, sql: &mut Sql) {
    let sqlite = matches!(conn, AnyConnection::Sqlite(_));
    sql.push(" FROM public_docs d");
    if let Some(tag) = &q.tag {
        sql.bind(
            " JOIN public_doc_tags t ON t.doc_id = d.id AND t.tag = ?",
            Bind::Text(tag.clone()),
        );
    }
    if let (Some(stems), true) = (&q.q, sqlite) {
        let expr = fts_expr(stems);
        sql.bind(
            " JOIN (SELECT rowid AS k, bm25(public_docs_fts) AS score FROM public_docs_fts \
             WHERE public_docs_fts MATCH ?) f ON f.k = d.search_key",
            Bind::Text(expr),
        );
    }
    if sqlite {
        sql.bind(" WHERE d.visible_from <= ?", Bind::Time(q.now));
        sql.bind(
            " AND (d.visible_until IS NULL OR d.visible_until > ?)",
            Bind::Time(q.now),
        );
    } else {
        // Nearly every row is visible, so the visibility test is a filter on the rows the
        // other conditions find. Written on an expression, so no index can serve it: a
        // generic plan, which cannot see `now`, takes it for a third of the rows and
        // otherwise ANDs a scan of the whole visibility index into every search.
        sql.bind(
            " WHERE d.visible_from + INTERVAL '0 seconds' <= ?",
            Bind::Time(q.now),
        );
        sql.bind(
            " AND (d.visible_until IS NULL OR d.visible_until + INTERVAL '0 seconds' > ?)",
            Bind::Time(q.now),
        );
    }
    sql.and_in("d.kind", &q.kinds);
    if let Some(t) = q.updated_since {
        sql.bind(" AND d.updated_at >= ?", Bind::Time(t));
    }
    if let (Some(stems), false) = (&q.q, sqlite) {
        sql.bind(
            " AND d.search_vector @@ plainto_tsquery('simple', ?)",
            Bind::Text(stems.join(" ")),
        );
    }
}

/// The total of a list filtered by kind and tag only, without a row scan: the counters
/// kept by triggers (`public_counts`), less the rows not visible at `now` (scheduled
/// ahead, or ended and not yet pruned), which are few and found by index. One statement,
/// so it reads one snapshot.
fn counted_total(conn: &AnyConnection, q: &ListQuery) -> Sql {
    let mut sql = Sql::new(String::new(), true);
    // The hidden rows are found through the visibility indexes; on SQLite the kind test is
    // written `+d.kind` so the planner does not walk every row of the kind instead (its
    // statistics-free planner prefers the equality on `kind`). PostgreSQL plans by its
    // statistics and takes the visibility index by itself.
    let hidden_kind = if matches!(conn, AnyConnection::Sqlite(_)) {
        "+d.kind"
    } else {
        "d.kind"
    };
    sql.bind(
        "SELECT CAST(COALESCE((SELECT SUM(c.n) FROM public_counts c WHERE c.tag = ?",
        Bind::Text(q.tag.clone().unwrap_or_default()),
    );
    sql.and_in("c.kind", &q.kinds);
    sql.push("), 0) AS BIGINT)");
    sql.minus_hidden(q.now, |sql| {
        sql.and_in(hidden_kind, &q.kinds);
        if let Some(tag) = &q.tag {
            sql.bind(
                " AND EXISTS (SELECT 1 FROM public_doc_tags t WHERE t.doc_id = d.id AND t.tag = ?)",
                Bind::Text(tag.clone()),
            );
        }
    });
    sql.push(" AS n");
    sql
}

/// SQLite: the total of a search with no other filter, from the full-text index's own count
/// of matches, less the matching rows not visible at `now` (found by the visibility
/// indexes, as in [`counted_total`]), so no document is visited.
fn matches_total(q: &ListQuery) -> Sql {
    let expr = fts_expr(q.q.as_deref().unwrap_or_default());
    let mut sql = Sql::new(String::new(), true);
    sql.bind(
        "SELECT (SELECT COUNT(*) FROM public_docs_fts WHERE public_docs_fts MATCH ?)",
        Bind::Text(expr.clone()),
    );
    // Each hidden row is looked up in the full-text index by its rowid: no work at all when
    // none is hidden, where an `IN (SELECT rowid ... MATCH ?)` ran the search a second time
    // (0.33 against 0.21 ms per total at 100 000 items).
    sql.minus_hidden(q.now, |sql| {
        sql.bind(
            " AND EXISTS (SELECT 1 FROM public_docs_fts f WHERE f.public_docs_fts MATCH ? \
             AND f.rowid = d.search_key)",
            Bind::Text(expr.clone()),
        );
    });
    sql.push(" AS n");
    sql
}

/// An FTS5 query matching every stem (each quoted, so it is taken as a word).
fn fts_expr(stems: &[String]) -> String {
    stems
        .iter()
        .map(|s| format!("\"{s}\""))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The columns of a page's rows; times as text, since parsing every row's would cost more
/// than reading it.
fn columns(sqlite: bool) -> &'static str {
    if sqlite {
        "SELECT d.id, d.list_json, d.published_at, d.updated_at, d.title_key, d.position_key"
    } else {
        "SELECT d.id, d.list_json, to_char(d.published_at, 'YYYY-MM-DD HH24:MI:SS.US') AS published_at, \
         to_char(d.updated_at, 'YYYY-MM-DD HH24:MI:SS.US') AS updated_at, d.title_key, \
         d.position_key"
    }
}

/// Where a page of ranked results starts.
fn ranked_offset(q: &ListQuery) -> i64 {
    match &q.after {
        Some(After::Offset(n)) => *n,
        _ => 0,
    }
}

/// One page (up to `limit` rows, plus one to tell whether more follow) and the total.
pub fn list(conn: &mut AnyConnection, q: &ListQuery) -> AppResult<(Vec<Row>, i64)> {
    let sqlite = matches!(conn, AnyConnection::Sqlite(_));
    let search_only = sqlite
        && q.q.is_some()
        && q.kinds.is_empty()
        && q.tag.is_none()
        && q.updated_since.is_none();
    let count = if search_only {
        matches_total(q)
    } else if q.q.is_some() || q.updated_since.is_some() {
        let mut count = Sql::new("SELECT COUNT(*) AS n", q.updated_since.is_none());
        from_where(conn, q, &mut count);
        count
    } else {
        counted_total(conn, q)
    };
    let total = count.load::<Count>(conn)?.first().map_or(0, |c| c.n);

    if let (Some(_), true) = (&q.q, sqlite) {
        // Rank the matches on the narrow search index first, then read only the page's
        // documents: sorting every match with its JSON would read each wide row.
        let mut page = Sql::new(
            format!(
                "{} FROM (SELECT d.id AS id, f.score AS score",
                columns(true)
            ),
            true,
        );
        from_where(conn, q, &mut page);
        page.push(" ORDER BY f.score ASC, d.id ASC");
        page.limit(q.limit + 1, true);
        page.bind(" OFFSET ?", Bind::Int(ranked_offset(q)));
        page.push(") top JOIN public_docs d ON d.id = top.id ORDER BY top.score ASC, top.id ASC");
        return Ok((page.load(conn)?, total));
    }
    if let Some(stems) = &q.q {
        // As on SQLite: rank the matches carrying only their id, then read the page's rows.
        let mut page = Sql::new(
            format!("{} FROM (SELECT d.id AS id, ", columns(false)),
            true,
        );
        page.bind(
            "ts_rank(d.search_vector, plainto_tsquery('simple', ?)) AS score",
            Bind::Text(stems.join(" ")),
        );
        from_where(conn, q, &mut page);
        page.push(" ORDER BY score DESC, d.id ASC");
        page.limit(q.limit + 1, false);
        page.bind(" OFFSET ?", Bind::Int(ranked_offset(q)));
        page.push(") top JOIN public_docs d ON d.id = top.id ORDER BY top.score DESC, top.id ASC");
        return Ok((first(page.load(conn)?, q.limit + 1), total));
    }
    let mut page = Sql::new(columns(sqlite), true);
    from_where(conn, q, &mut page);
    // With a tag, sort on the tag row's copy of published_at: its index is in that order.
    let (col, id) = match (q.sort, q.tag.is_some()) {
        (Sort::PublishedDesc | Sort::PublishedAsc, true) => ("t.published_at", "t.doc_id"),
        (Sort::PublishedDesc | Sort::PublishedAsc, false) => ("d.published_at", "d.id"),
        (Sort::Title, _) => ("d.title_key", "d.id"),
        (Sort::Position, _) => ("d.position_key", "d.id"),
        (Sort::UpdatedDesc | Sort::UpdatedAsc, _) => ("d.updated_at", "d.id"),
    };
    let (cmp, dir) = if q.sort.descending() {
        ("<", "DESC")
    } else {
        (">", "ASC")
    };
    if let Some(After::Key(key, last_id)) = &q.after {
        let key = match key {
            Key::Time(t) => Bind::Time(*t),
            Key::Text(s) => Bind::Text(s.clone()),
        };
        // A row value, so both backends seek the (sort key, id) index instead of scanning.
        page.bind(&format!(" AND ({col}, {id}) {cmp} (?"), key);
        page.bind(", ?)", Bind::Text(last_id.clone()));
    }
    page.push(&format!(" ORDER BY {col} {dir}, {id} {dir}"));
    page.limit(q.limit + 1, sqlite);
    Ok((first(page.load(conn)?, q.limit + 1), total))
}

/// The first `n` rows (see [`Sql::limit`]).
fn first(mut rows: Vec<Row>, n: i64) -> Vec<Row> {
    rows.truncate(usize::try_from(n).unwrap_or(usize::MAX));
    rows
}
