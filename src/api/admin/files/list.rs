//! `GET /admin/files`: the media library, newest first, filtered and paged by cursor.

use actix_web::{HttpResponse, get, web};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::api::extract::{OtherParams, limit, unknown_params};
use crate::auth::{Auth, policy::Content};
use crate::db::files;
use crate::domain::files::FileFilter;
use crate::domain::files::{
    DEFAULT_LIMIT, FileList, FileRecord, MAX_LIMIT, decode_cursor, encode_cursor, parse_type_filter,
};
use crate::error::{AppError, AppResult, ErrorCode, FieldError, Problem};
use crate::state::AppState;

/// The filters and paging of the library. Values are read as text and checked in
/// [`FileQuery::into_filter`], so that every bad one is named.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FileQuery {
    /// A major type (`image`) or a full media type (`application/pdf`).
    #[serde(rename = "type")]
    pub content_type: Option<String>,
    /// Text in the file name or label, any case.
    pub q: Option<String>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Files per page.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100, default = 20)]
    pub limit: Option<String>,
    #[serde(flatten)]
    #[param(ignore)]
    pub other: OtherParams,
}

impl FileQuery {
    /// The filter, or a 422 naming every bad parameter (400 for a cursor not ours).
    pub fn into_filter(self) -> AppResult<FileFilter> {
        let mut errors = Vec::new();
        unknown_params(&self.other, &mut errors);
        let text = |v: Option<String>| v.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        let content_type = text(self.content_type)
            .and_then(|t| parse_type_filter(&t).map_err(|e| errors.push(e)).ok());
        let q = text(self.q);
        if q.as_ref().is_some_and(|q| q.chars().count() > 200) {
            errors.push(FieldError::new(
                "q",
                ErrorCode::TooLong,
                "must be at most 200 characters",
            ));
        }
        let limit = limit(self.limit.as_deref(), DEFAULT_LIMIT, MAX_LIMIT, &mut errors);
        if !errors.is_empty() {
            errors.sort_by(|a, b| a.field.cmp(&b.field));
            return Err(AppError::Validation(errors));
        }
        let before_id = text(self.cursor)
            .map(|c| {
                decode_cursor(&c).ok_or_else(|| {
                    AppError::BadRequest("The cursor is not one this API handed out.".into())
                })
            })
            .transpose()?;
        Ok(FileFilter {
            content_type,
            q,
            before_id,
            limit,
        })
    }
}

/// List uploaded files
#[utoipa::path(
    operation_id = "listFiles",
    tag = "files",
    params(FileQuery),
    responses(
        (status = 200, description = "One page of files, newest first", body = FileList),
        (status = 400, description = "A cursor this API did not hand out", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not read files", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A bad or unknown parameter, named", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []), ("session" = []))
)]
#[get("/admin/files")]
pub async fn list(
    state: web::Data<AppState>,
    _staff: Auth<Content>,
    query: web::Query<FileQuery>,
) -> AppResult<HttpResponse> {
    let mut filter = query.into_inner().into_filter()?;
    let limit = usize::try_from(filter.limit).unwrap_or(usize::MAX);
    // One more than the page, to know whether another page follows.
    filter.limit += 1;
    let (mut rows, total) = state.db.run(move |c| files::list(c, &filter)).await?;
    let next_cursor = if rows.len() > limit {
        rows.truncate(limit);
        rows.last().map(|r| encode_cursor(&r.id))
    } else {
        None
    };
    Ok(HttpResponse::Ok().json(FileList {
        items: rows.into_iter().map(FileRecord::from).collect(),
        next_cursor,
        total,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::files::TypeFilter;

    fn filter(q: &str) -> AppResult<FileFilter> {
        web::Query::<FileQuery>::from_query(q)
            .unwrap()
            .into_inner()
            .into_filter()
    }

    #[test]
    fn filters() {
        let f = filter("type=Image&limit=5").unwrap();
        assert_eq!(f.content_type, Some(TypeFilter::Major("image".into())));
        assert_eq!(f.limit, 5);
        let f = filter("type=application/pdf").unwrap();
        assert_eq!(
            f.content_type,
            Some(TypeFilter::Exact("application/pdf".into()))
        );
        let Err(AppError::Validation(errs)) = filter("type=im%25ge&limit=0&sort=x") else {
            panic!("expected 422");
        };
        let fields: Vec<_> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["limit", "sort", "type"]);
        assert!(matches!(
            filter("cursor=bm9wZQ"),
            Err(AppError::BadRequest(_))
        ));
        let id = uuid::Uuid::now_v7().to_string();
        let f = filter(&format!("cursor={}", encode_cursor(&id))).unwrap();
        assert_eq!(f.before_id, Some(id));
    }
}
