//! `GET /admin/content`

use actix_web::http::header;
use actix_web::{HttpResponse, get, web};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::api::extract::{OtherParams, limit, unknown_params};
use crate::auth::{Auth, policy::Content};
use crate::db::content::list::{Cursor, Filter, list as list_items};
use crate::db::content::now;
use crate::domain::content::{Kind, Sort, Status};
use crate::error::{AppError, AppResult, ErrorCode, FieldError, Problem};
use crate::state::AppState;
use crate::usecase::content::view::{AdminList, AdminListItem};

const DEFAULT_LIMIT: i64 = 20;
const MAX_LIMIT: i64 = 100;

/// Filters, all optional. Values are read as text and checked in [`ListQuery::into_filter`],
/// so that every bad one is named.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Comma list of statuses.
    #[param(inline, value_type = Option<Vec<Status>>, style = Form, explode = false)]
    pub status: Option<String>,
    /// Comma list of kinds. The home page (a single item) is listed only when this names
    /// `home`.
    #[param(value_type = Option<Vec<Kind>>, style = Form, explode = false)]
    pub kind: Option<String>,
    /// Items whose latest version has this tag.
    pub tag: Option<String>,
    /// Case-insensitive text in the title.
    pub q: Option<String>,
    /// RFC 3339; items updated at or after this time.
    #[param(value_type = Option<DateTime<Utc>>)]
    pub updated_since: Option<String>,
    #[param(schema_with = admin_sorts)]
    pub sort: Option<String>,
    /// Items per page.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100, default = 20)]
    pub limit: Option<String>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    #[serde(flatten)]
    #[param(ignore)]
    pub other: OtherParams,
}

fn admin_sorts() -> utoipa::openapi::schema::Object {
    let mut schema = crate::api::extract::words_schema(Sort::ADMIN.map(Sort::as_str));
    schema.default = Some(Sort::UpdatedDesc.as_str().into());
    schema.description = Some("The order, last updated first by default.".into());
    schema
}

impl ListQuery {
    /// The filter, or a 422 naming every bad parameter (400 for a cursor not ours).
    fn into_filter(self) -> AppResult<Filter> {
        let mut errors = Vec::new();
        unknown_params(&self.other, &mut errors);
        let text = |v: Option<String>| v.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        let mut statuses = Vec::new();
        for part in self.status.as_deref().unwrap_or_default().split(',') {
            let part = part.trim();
            if part.is_empty() {
                continue;
            }
            match Status::parse(part) {
                Some(s) if !statuses.contains(&s) => statuses.push(s),
                Some(_) => {}
                None => errors.push(FieldError::new(
                    "status",
                    ErrorCode::InvalidChoice,
                    format!("unknown status '{part}'; one of {}", Status::choices()),
                )),
            }
        }
        let kinds = match self.kind.as_deref().map(str::trim) {
            None | Some("") => Vec::new(),
            Some(v) => Kind::parse_list(v).unwrap_or_else(|m| {
                errors.push(FieldError::new("kind", ErrorCode::InvalidChoice, m));
                Vec::new()
            }),
        };
        let q = text(self.q);
        if q.as_ref().is_some_and(|q| q.chars().count() > 200) {
            errors.push(FieldError::new(
                "q",
                ErrorCode::TooLong,
                "must be at most 200 characters",
            ));
        }
        let updated_since = self.updated_since.and_then(|v| {
            crate::domain::time::parse_rfc3339(&v)
                .map(|t| t.naive_utc())
                .map_err(|m| {
                    errors.push(FieldError::new(
                        "updated_since",
                        ErrorCode::InvalidFormat,
                        m,
                    ));
                })
                .ok()
        });
        let sort = match self.sort.as_deref().map(str::trim) {
            None | Some("") => Sort::default(),
            Some(v) => Sort::parse(v)
                .filter(|s| Sort::ADMIN.contains(s))
                .unwrap_or_else(|| {
                    errors.push(FieldError::new(
                        "sort",
                        ErrorCode::InvalidChoice,
                        format!("must be one of {}", Sort::names(&Sort::ADMIN)),
                    ));
                    Sort::default()
                }),
        };
        let limit = limit(self.limit.as_deref(), DEFAULT_LIMIT, MAX_LIMIT, &mut errors);
        if !errors.is_empty() {
            errors.sort_by(|a, b| a.field.cmp(&b.field));
            return Err(AppError::Validation(errors));
        }
        let cursor = text(self.cursor)
            .map(|c| Cursor::decode(&c, sort))
            .transpose()?;
        Ok(Filter {
            kinds,
            statuses,
            tag: text(self.tag),
            q,
            updated_since,
            sort,
            limit,
            cursor,
            now: now(),
        })
    }
}

/// List content items, drafts and archived ones included
#[utoipa::path(
    operation_id = "listContent",
    tag = super::TAG,
    params(ListQuery),
    responses(
        (status = 200, description = "A page of items, drafts and archived ones included", body = AdminList),
        (status = 400, description = "A cursor this API did not hand out", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not read content", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A bad parameter, named", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("session" = []))
)]
#[get("/admin/content")]
pub async fn list(
    state: web::Data<AppState>,
    _staff: Auth<Content>,
    query: web::Query<ListQuery>,
) -> AppResult<HttpResponse> {
    let filter = query.into_inner().into_filter()?;
    let page = state.db.run(move |c| list_items(c, &filter)).await?;
    let now = now();
    let items = page
        .rows
        .iter()
        .map(|(row, v)| AdminListItem::build(row, v, now))
        .collect::<AppResult<Vec<_>>>()?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(AdminList {
            items,
            next_cursor: page.next_cursor,
            total: page.total,
        }))
}
