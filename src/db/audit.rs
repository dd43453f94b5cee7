//! The audit log: who did what to which record, when. Never a password or a secret.

use chrono::{NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use super::AnyConnection;
use super::schema::audit_log;
use crate::error::AppResult;

/// Who acts: a staff member, or the system itself (scheduled jobs, the demo loader).
#[derive(Debug, Clone)]
pub struct Actor {
    pub id: Option<String>,
    pub label: String,
}

impl Actor {
    pub fn system(label: &str) -> Self {
        Self {
            id: None,
            label: label.to_owned(),
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = audit_log)]
pub struct AuditEntry {
    #[schema(format = Uuid)]
    pub id: String,
    #[serde(serialize_with = "as_utc")]
    #[schema(value_type = chrono::DateTime<Utc>)]
    pub at: NaiveDateTime,
    #[schema(format = Uuid)]
    pub actor_id: Option<String>,
    pub actor: String,
    pub action: String,
    pub record_type: String,
    #[schema(format = Uuid)]
    pub record_id: Option<String>,
    #[serde(serialize_with = "as_json")]
    #[schema(value_type = Object)]
    pub detail: String,
}

/// Stored in UTC without an offset; written in RFC 3339 with `Z`.
fn as_utc<S: serde::Serializer>(t: &NaiveDateTime, s: S) -> Result<S::Ok, S::Error> {
    t.and_utc().serialize(s)
}

fn as_json<S: serde::Serializer>(v: &str, s: S) -> Result<S::Ok, S::Error> {
    let value: serde_json::Value = serde_json::from_str(v).unwrap_or(serde_json::Value::Null);
    value.serialize(s)
}

/// Records one action. `detail` must carry no secret and no member's personal data.
pub fn record(
    conn: &mut AnyConnection,
    actor: &Actor,
    action: &str,
    record_type: &str,
    record_id: Option<&str>,
    detail: &serde_json::Value,
) -> AppResult<()> {
    diesel::insert_into(audit_log::table)
        .values((
            audit_log::id.eq(uuid::Uuid::now_v7().to_string()),
            audit_log::at.eq(Utc::now().naive_utc()),
            audit_log::actor_id.eq(actor.id.as_deref()),
            audit_log::actor.eq(&actor.label),
            audit_log::action.eq(action),
            audit_log::record_type.eq(record_type),
            audit_log::record_id.eq(record_id),
            audit_log::detail.eq(detail.to_string()),
        ))
        .execute(conn)?;
    Ok(())
}

#[derive(Debug, Default, Clone)]
pub struct AuditFilter {
    pub actor: Option<String>,
    pub record_type: Option<String>,
    pub record_id: Option<String>,
    pub action: Option<String>,
    pub since: Option<NaiveDateTime>,
    pub until: Option<NaiveDateTime>,
    /// Entries older than this id (ids are time-ordered UUIDv7).
    pub before_id: Option<String>,
    pub limit: i64,
}

pub fn list(conn: &mut AnyConnection, f: &AuditFilter) -> AppResult<Vec<AuditEntry>> {
    let mut q = audit_log::table
        .select(AuditEntry::as_select())
        .order(audit_log::id.desc())
        .limit(f.limit)
        .into_boxed();
    if let Some(a) = &f.actor {
        q = q.filter(
            audit_log::actor_id
                .eq(a.clone())
                .or(audit_log::actor.eq(a.clone())),
        );
    }
    if let Some(t) = &f.record_type {
        q = q.filter(audit_log::record_type.eq(t.clone()));
    }
    if let Some(r) = &f.record_id {
        q = q.filter(audit_log::record_id.eq(r.clone()));
    }
    if let Some(a) = &f.action {
        q = q.filter(audit_log::action.eq(a.clone()));
    }
    if let Some(s) = f.since {
        q = q.filter(audit_log::at.ge(s));
    }
    if let Some(u) = f.until {
        q = q.filter(audit_log::at.lt(u));
    }
    if let Some(b) = &f.before_id {
        q = q.filter(audit_log::id.lt(b.clone()));
    }
    Ok(q.load(conn)?)
}
