//! Webhooks: managing them, writing the deliveries a change owes them in the change's own
//! transaction, and the claim-send-record cycle of the delivery worker. Each delivery is
//! claimed by one process at a time, so with several processes it is sent by one of them.

use std::sync::Arc;

use chrono::{DateTime, NaiveDateTime, SubsecRound, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::ToSchema;

use crate::db::audit::{self, Actor};
use crate::db::content::{items, versions};
use crate::db::webhooks::{self as rows, Attempt, Claimed, Delivery, Webhook};
use crate::db::{AnyConnection, settings, transaction};
use crate::domain::credentials;
use crate::domain::webhooks::{AllowHosts, DeliveryStatus, Event, GIVE_UP_AFTER, retry_delay};
use crate::error::{AppError, AppResult, ErrorCode, FieldError};

/// The most webhooks one site has.
pub const MAX_WEBHOOKS: i64 = 50;

/// A webhook as the admin API shows it (never its secret).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WebhookOut {
    #[schema(format = Uuid)]
    pub id: String,
    pub url: String,
    pub events: Vec<Event>,
    pub active: bool,
    pub description: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl TryFrom<Webhook> for WebhookOut {
    type Error = AppError;

    fn try_from(w: Webhook) -> AppResult<Self> {
        Ok(Self {
            events: stored_events(&w.events)?,
            id: w.id,
            url: w.url,
            active: w.active,
            description: w.description,
            created_at: w.created_at.and_utc(),
            updated_at: w.updated_at.and_utc(),
        })
    }
}

fn stored_events(json: &str) -> AppResult<Vec<Event>> {
    serde_json::from_str(json).map_err(AppError::internal)
}

/// What a webhook should be; every part checked by [`check`].
#[derive(Debug, Clone, Default)]
pub struct Draft {
    pub url: Option<String>,
    pub events: Option<Vec<String>>,
    pub active: Option<bool>,
    pub description: Option<Option<String>>,
}

/// Fills `hook` from `draft`, collecting every field error.
fn check(hook: &mut Webhook, draft: Draft, allow: &AllowHosts) -> AppResult<()> {
    let mut errors = Vec::new();
    if let Some(url) = draft.url {
        match crate::domain::webhooks::check_url(&url, allow) {
            Ok(u) => hook.url = u.to_string(),
            Err((code, m)) => errors.push(FieldError::new("url", code, m)),
        }
    }
    if let Some(names) = draft.events {
        let mut events: Vec<Event> = Vec::new();
        for (i, name) in names.iter().enumerate() {
            match Event::parse(name).filter(|e| *e != Event::Ping) {
                Some(e) if !events.contains(&e) => events.push(e),
                Some(_) => errors.push(FieldError::new(
                    format!("events[{i}]"),
                    ErrorCode::Duplicate,
                    "is listed twice",
                )),
                None => errors.push(FieldError::new(
                    format!("events[{i}]"),
                    ErrorCode::InvalidChoice,
                    format!("must be one of: {}", Event::choices()),
                )),
            }
        }
        if names.is_empty() {
            errors.push(FieldError::new(
                "events",
                ErrorCode::Required,
                "must name at least one event",
            ));
        }
        hook.events = serde_json::to_string(&events)?;
    }
    if let Some(active) = draft.active {
        hook.active = active;
    }
    if let Some(description) = draft.description {
        let d = description
            .map(|d| d.trim().to_owned())
            .filter(|d| !d.is_empty());
        if d.as_ref()
            .is_some_and(|d| d.chars().count() > crate::domain::webhooks::MAX_DESCRIPTION)
        {
            errors.push(FieldError::new(
                "description",
                ErrorCode::TooLong,
                "must be at most 500 characters",
            ));
        }
        hook.description = d;
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(errors))
    }
}

fn now() -> NaiveDateTime {
    Utc::now().naive_utc().trunc_subsecs(6)
}

/// Adds a webhook; answers it with its secret, which is shown only now.
pub fn create(
    conn: &mut AnyConnection,
    actor: &Actor,
    draft: Draft,
    allow: &AllowHosts,
) -> AppResult<(WebhookOut, String)> {
    let mut missing = Vec::new();
    if draft.url.is_none() {
        missing.push(FieldError::new("url", ErrorCode::Required, "is required"));
    }
    if draft.events.is_none() {
        missing.push(FieldError::new(
            "events",
            ErrorCode::Required,
            "is required",
        ));
    }
    if !missing.is_empty() {
        return Err(AppError::Validation(missing));
    }
    let now = now();
    let mut hook = Webhook {
        id: uuid::Uuid::now_v7().to_string(),
        url: String::new(),
        events: "[]".into(),
        active: true,
        description: None,
        secret: credentials::new_secret("whsec_"),
        created_at: now,
        updated_at: now,
    };
    check(&mut hook, draft, allow)?;
    if rows::count(conn)? >= MAX_WEBHOOKS {
        return Err(AppError::Conflict {
            detail: format!("A site has at most {MAX_WEBHOOKS} webhooks; delete one first."),
            errors: Vec::new(),
        });
    }
    rows::insert(conn, &hook)?;
    audit::record(
        conn,
        actor,
        "create",
        "webhook",
        Some(&hook.id),
        &json!({ "url": hook.url }),
    )?;
    let secret = hook.secret.clone();
    Ok((hook.try_into()?, secret))
}

pub fn list(conn: &mut AnyConnection) -> AppResult<Vec<WebhookOut>> {
    rows::list(conn)?
        .into_iter()
        .map(TryInto::try_into)
        .collect()
}

pub fn get(conn: &mut AnyConnection, id: &str) -> AppResult<WebhookOut> {
    rows::get(conn, id)?.try_into()
}

/// Changes the parts of a webhook that `draft` names.
pub fn update(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: &str,
    draft: Draft,
    allow: &AllowHosts,
) -> AppResult<WebhookOut> {
    let mut hook = rows::get(conn, id)?;
    check(&mut hook, draft, allow)?;
    hook.updated_at = now();
    rows::update(conn, &hook)?;
    audit::record(
        conn,
        actor,
        "update",
        "webhook",
        Some(id),
        &json!({ "url": hook.url, "active": hook.active }),
    )?;
    hook.try_into()
}

pub fn delete(conn: &mut AnyConnection, actor: &Actor, id: &str) -> AppResult<()> {
    if !rows::delete(conn, id)? {
        return Err(AppError::not_found("There is no webhook with this id."));
    }
    audit::record(conn, actor, "delete", "webhook", Some(id), &json!({}))
}

/// Writes a delivery of `event` for each active webhook that wants it, in the caller's
/// transaction; `data` is built only when one does.
pub fn emit(
    conn: &mut AnyConnection,
    event: Event,
    data: impl FnOnce(&mut AnyConnection) -> AppResult<Value>,
) -> AppResult<()> {
    let wanted: Vec<String> = rows::active(conn)?
        .into_iter()
        .filter(|(_, events)| stored_events(events).is_ok_and(|e| e.contains(&event)))
        .map(|(id, _)| id)
        .collect();
    if wanted.is_empty() {
        return Ok(());
    }
    let data = data(conn)?;
    let now = now();
    let rows: Vec<Delivery> = wanted
        .into_iter()
        .map(|webhook_id| new_delivery(webhook_id, event, &data, now))
        .collect();
    rows::insert_deliveries(conn, &rows)
}

fn new_delivery(webhook_id: String, event: Event, data: &Value, now: NaiveDateTime) -> Delivery {
    let id = uuid::Uuid::now_v7().to_string();
    let payload = json!({
        "id": id,
        "event": event,
        "created_at": crate::usecase::public_docs::rfc3339(now),
        "data": data,
    });
    Delivery {
        id,
        webhook_id,
        event: event.as_str().to_owned(),
        payload: payload.to_string(),
        status: DeliveryStatus::Pending.as_str().to_owned(),
        attempts: 0,
        next_attempt_at: Some(now),
        claimed_until: None,
        claim: None,
        created_at: now,
    }
}

/// A content event about item `id` at `version`: `{id, kind, slug, version, url}`.
pub fn content_event(
    conn: &mut AnyConnection,
    event: Event,
    id: &str,
    version: Option<i64>,
) -> AppResult<()> {
    emit(conn, event, |c| {
        let row = items::get(c, id)?;
        let kind = row.kind()?;
        let version = version.unwrap_or(row.latest_version);
        let content: Value = serde_json::from_str(&versions::get(c, id, version)?.content)?;
        let slug = content["slug"].as_str().unwrap_or(&row.slug).to_owned();
        let template = settings::public_url_template(c)?;
        Ok(json!({
            "id": id,
            "kind": kind,
            "slug": slug,
            "version": version,
            "url": crate::domain::site::url(&template, kind, &slug, id),
        }))
    })
}

/// Sends a `webhook.ping` to webhook `id` (active or not): the admin's "test" button.
pub fn ping(conn: &mut AnyConnection, actor: &Actor, id: &str) -> AppResult<DeliveryOut> {
    let hook = rows::get(conn, id)?;
    let now = now();
    let row = new_delivery(
        hook.id.clone(),
        Event::Ping,
        &json!({ "webhook_id": hook.id }),
        now,
    );
    rows::insert_deliveries(conn, std::slice::from_ref(&row))?;
    audit::record(
        conn,
        actor,
        "test",
        "webhook",
        Some(id),
        &json!({ "delivery": row.id }),
    )?;
    view(row, Vec::new())
}

/// One attempt to send a delivery, as the log shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AttemptOut {
    pub at: DateTime<Utc>,
    pub duration_ms: i64,
    /// The receiver's HTTP status, when it answered.
    pub status_code: Option<i32>,
    /// Why the attempt failed, when it did without an answer (or with a non-2xx one).
    pub error: Option<String>,
}

/// A delivery and its attempts.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DeliveryOut {
    /// Sent as `X-OA-Delivery`, the same on every attempt.
    #[schema(format = Uuid)]
    pub id: String,
    pub event: Event,
    pub status: DeliveryStatus,
    pub created_at: DateTime<Utc>,
    /// When it will be tried (again); null once delivered or given up.
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub attempts: Vec<AttemptOut>,
    /// The JSON body sent (the same on every attempt).
    #[schema(value_type = Object)]
    pub payload: Value,
}

fn view(d: Delivery, attempts: Vec<Attempt>) -> AppResult<DeliveryOut> {
    Ok(DeliveryOut {
        event: Event::parse(&d.event).ok_or_else(|| AppError::internal("stored event unknown"))?,
        status: DeliveryStatus::parse(&d.status)
            .ok_or_else(|| AppError::internal("stored delivery status unknown"))?,
        created_at: d.created_at.and_utc(),
        next_attempt_at: (d.status == DeliveryStatus::Pending.as_str())
            .then_some(d.next_attempt_at)
            .flatten()
            .map(|t| t.and_utc()),
        attempts: attempts
            .into_iter()
            .map(|a| AttemptOut {
                at: a.at.and_utc(),
                duration_ms: a.duration_ms,
                status_code: a.status_code,
                error: a.error,
            })
            .collect(),
        payload: serde_json::from_str(&d.payload)?,
        id: d.id,
    })
}

/// What the delivery log lists.
#[derive(Debug, Clone, Deserialize)]
pub struct DeliveryQuery {
    pub status: Option<DeliveryStatus>,
    /// Deliveries older than this one.
    pub before: Option<String>,
    pub limit: i64,
}

/// A webhook's deliveries, newest first, each with its attempts.
pub fn deliveries(
    conn: &mut AnyConnection,
    webhook_id: &str,
    q: &DeliveryQuery,
) -> AppResult<Vec<DeliveryOut>> {
    rows::get(conn, webhook_id)?;
    let list = rows::deliveries(
        conn,
        webhook_id,
        q.status.map(DeliveryStatus::as_str),
        q.before.as_deref(),
        q.limit,
    )?;
    let ids: Vec<String> = list.iter().map(|d| d.id.clone()).collect();
    let mut attempts = rows::attempts(conn, &ids)?;
    list.into_iter()
        .map(|d| {
            let (mine, rest): (Vec<_>, Vec<_>) =
                attempts.drain(..).partition(|a| a.delivery_id == d.id);
            attempts = rest;
            view(d, mine)
        })
        .collect()
}

/// Makes a delivery due now again (also one delivered or given up); answers it.
pub fn retry(
    conn: &mut AnyConnection,
    actor: &Actor,
    webhook_id: &str,
    delivery_id: &str,
) -> AppResult<DeliveryOut> {
    rows::get_delivery(conn, webhook_id, delivery_id)?;
    rows::retry_now(conn, delivery_id, now())?;
    audit::record(
        conn,
        actor,
        "retry",
        "webhook",
        Some(webhook_id),
        &json!({ "delivery": delivery_id }),
    )?;
    let d = rows::get_delivery(conn, webhook_id, delivery_id)?;
    let attempts = rows::attempts(conn, std::slice::from_ref(&d.id))?;
    view(d, attempts)
}

/// How long a claim holds: longer than one attempt may take.
const CLAIM: chrono::TimeDelta = chrono::TimeDelta::seconds(60);

/// Claims up to `limit` due deliveries for this worker (`claim`), in one transaction.
pub fn claim(conn: &mut AnyConnection, claim: &str, limit: i64) -> AppResult<Vec<Claimed>> {
    let now = now();
    // Looked for first without a transaction, so an idle worker never takes SQLite's lock.
    if !rows::any_due(conn, now)? {
        return Ok(Vec::new());
    }
    transaction(conn, |c| rows::claim_due(c, now, now + CLAIM, claim, limit))
}

/// How an attempt ended.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub started: NaiveDateTime,
    pub duration_ms: i64,
    pub status_code: Option<u16>,
    pub error: Option<String>,
}

impl Outcome {
    pub fn succeeded(&self) -> bool {
        self.error.is_none() && self.status_code.is_some_and(|s| (200..300).contains(&s))
    }
}

/// Records how the attempts at claimed deliveries ended, in one transaction: each
/// delivered, due again after a growing pause, or given up once 24 hours have passed since
/// it was made. A delivery whose claim lapsed meanwhile (another worker took it over) is
/// left to that worker.
pub fn finish_all(
    conn: &mut AnyConnection,
    done: &[(Delivery, Outcome, Arc<str>)],
) -> AppResult<()> {
    transaction(conn, |c| {
        for (claimed, outcome, claim) in done {
            let (status, next) = next_step(claimed, outcome);
            let attempt = Attempt {
                id: uuid::Uuid::now_v7().to_string(),
                delivery_id: claimed.id.clone(),
                at: outcome.started,
                duration_ms: outcome.duration_ms,
                status_code: outcome.status_code.map(i32::from),
                error: outcome.error.clone(),
            };
            rows::finish_attempt(c, &attempt, claim, status.as_str(), next)?;
        }
        Ok(())
    })
}

/// Where a delivery goes after an attempt.
fn next_step(claimed: &Delivery, outcome: &Outcome) -> (DeliveryStatus, Option<NaiveDateTime>) {
    if outcome.succeeded() {
        return (DeliveryStatus::Delivered, None);
    }
    let next = outcome.started + retry_delay(claimed.attempts.saturating_add(1));
    if next > claimed.created_at + GIVE_UP_AFTER {
        (DeliveryStatus::Failed, None)
    } else {
        (DeliveryStatus::Pending, Some(next))
    }
}

/// Forgets deliveries older than 30 days that are done.
pub fn prune(conn: &mut AnyConnection) -> AppResult<usize> {
    rows::prune(conn, now() - chrono::TimeDelta::days(30))
}
