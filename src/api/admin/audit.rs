//! `GET /admin/audit`: who did what to which record, when (admin only).

use actix_web::{HttpResponse, get, web};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::api::extract::limit;
use crate::auth::{Auth, policy::AdminOnly};
use crate::db::audit::{self, AuditEntry, AuditFilter};
use crate::error::{AppError, AppResult, ErrorCode, FieldError, Problem};
use crate::state::AppState;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// A user id or e-mail.
    pub actor: Option<String>,
    /// e.g. `content`, `file`, `membership`, `user`, `token`.
    pub record_type: Option<String>,
    pub record_id: Option<String>,
    /// e.g. `create`, `update`, `delete`, `publish`, `login`.
    pub action: Option<String>,
    /// RFC 3339; entries at or after.
    #[param(value_type = Option<DateTime<Utc>>)]
    pub since: Option<String>,
    /// RFC 3339; entries before.
    #[param(value_type = Option<DateTime<Utc>>)]
    pub until: Option<String>,
    /// Entries per page.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 200, default = 50)]
    pub limit: Option<String>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct AuditPage {
    pub items: Vec<AuditEntry>,
    #[schema(required = true)]
    pub next_cursor: Option<String>,
}

fn time(name: &str, v: Option<&str>, errors: &mut Vec<FieldError>) -> Option<NaiveDateTime> {
    let v = v?;
    crate::domain::time::parse_rfc3339(v)
        .map(|t| t.naive_utc())
        .map_err(|m| errors.push(FieldError::new(name, ErrorCode::InvalidFormat, m)))
        .ok()
}

/// List the activity log
#[utoipa::path(
    operation_id = "listAuditEntries",
    tag = "audit",
    security(("bearer" = []), ("session" = [])),
    params(AuditQuery),
    responses(
        (status = 200, description = "Newest first", body = AuditPage),
        (status = 400, description = "A cursor that is not ours", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/admin/audit")]
pub async fn list(
    state: web::Data<AppState>,
    _staff: Auth<AdminOnly>,
    q: web::Query<AuditQuery>,
) -> AppResult<HttpResponse> {
    let q = q.into_inner();
    let mut errors = Vec::new();
    let since = time("since", q.since.as_deref(), &mut errors);
    let until = time("until", q.until.as_deref(), &mut errors);
    let limit = limit(q.limit.as_deref(), 50, 200, &mut errors);
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let before_id = match q.cursor.filter(|c| !c.trim().is_empty()) {
        None => None,
        Some(c) => Some(
            uuid::Uuid::parse_str(&c)
                .map_err(|_| AppError::BadRequest("The cursor is not valid.".into()))?
                .to_string(),
        ),
    };
    let filter = AuditFilter {
        actor: q.actor,
        record_type: q.record_type,
        record_id: q.record_id,
        action: q.action,
        since,
        until,
        before_id,
        limit: limit + 1,
    };
    let mut items = state.db.run(move |c| audit::list(c, &filter)).await?;
    let more = items.len() > usize::try_from(limit).unwrap_or(usize::MAX);
    items.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    let next_cursor = if more {
        items.last().map(|e| e.id.clone())
    } else {
        None
    };
    Ok(HttpResponse::Ok().json(AuditPage { items, next_cursor }))
}
