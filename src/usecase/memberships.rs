//! Membership sign-ups: the public form's sign-up and its challenge, and what staff do with
//! a record (change its status or note, erase it). Each staff write is audited without
//! personal data.

use chrono::{NaiveDateTime, Utc};
use serde_json::json;

use crate::db::audit::{self, Actor};
use crate::db::memberships::Membership;
use crate::db::{AnyConnection, erasures, memberships, settings};
use crate::domain::memberships::erasure::Erasure;
use crate::domain::memberships::{
    CONSENT_VERSION, Change, SignUpForm, Status, challenge, check_member_fields, etag, parse_answer,
};
use crate::error::{AppError, AppResult, ErrorCode, FieldError};
use crate::storage::erasures::Ledger;

/// The signing key of the challenge, made on first use and shared by every process.
pub fn challenge_key(conn: &mut AnyConnection) -> AppResult<String> {
    settings::get_or_init(conn, challenge::KEY_SETTING, challenge::new_key)
}

/// A new challenge; also clears used challenges that expired, so that table stays small.
pub fn new_challenge(conn: &mut AnyConnection) -> AppResult<challenge::Challenge> {
    let now = Utc::now().naive_utc();
    memberships::purge_used_challenges(conn, now)?;
    let key = challenge_key(conn)?;
    Ok(challenge::issue(&key, now))
}

/// What became of a sign-up that was not refused for its content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Stored under this id.
    Stored(String),
    /// The honeypot was filled in: nothing was stored and the challenge was not used.
    Ignored,
}

/// Checks the form and the challenge and stores the sign-up; call inside one transaction.
/// Field errors come back as `Ok(Err(..))` so that a challenge used up by a wrong answer is
/// committed as used while the caller answers 422.
pub fn sign_up(
    conn: &mut AnyConnection,
    form: &SignUpForm,
    now: NaiveDateTime,
) -> AppResult<Result<Outcome, Vec<FieldError>>> {
    let mut errors = Vec::new();
    let member = check_member_fields(form, &mut errors);
    let answer = parse_answer(form.challenge_answer.as_ref(), &mut errors);
    let token = form
        .challenge_token
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty());
    // A bot's form is checked like anyone's (what a form needs is no secret); a complete
    // one is then dropped without a trace, answered as if it were taken.
    if form.is_bot() && errors.is_empty() && token.is_some() && answer.is_some() {
        return Ok(Ok(Outcome::Ignored));
    }
    let Some(token) = token else {
        errors.push(FieldError::new(
            "challenge_token",
            ErrorCode::Required,
            "is required",
        ));
        return Ok(Err(errors));
    };
    let key = challenge_key(conn)?;
    let ticket = match challenge::check_token(&key, token, now) {
        Ok(t) => t,
        Err(e) => {
            errors.push(FieldError::new(
                "challenge_token",
                ErrorCode::NotAllowed,
                match e {
                    challenge::TokenError::Invalid => "is not a valid challenge token",
                    challenge::TokenError::Expired => "has expired: ask for a new challenge",
                },
            ));
            return Ok(Err(errors));
        }
    };
    let wrong = answer.is_some_and(|a| !challenge::answer_matches(&key, &ticket, a));
    if wrong {
        errors.push(FieldError::new(
            "challenge_answer",
            ErrorCode::NotAllowed,
            "is not the right answer",
        ));
    }
    // A wrong answer uses the challenge up, so answers cannot be tried one by one; a form
    // with other mistakes keeps it, so the person can correct the form and send it again.
    if (wrong || errors.is_empty())
        && !memberships::use_challenge(conn, &ticket.nonce, ticket.expires_at)?
    {
        errors.push(FieldError::new(
            "challenge_token",
            ErrorCode::NotAllowed,
            "has been used already: ask for a new challenge",
        ));
    }
    match member {
        Some(m) if errors.is_empty() => {
            let id = memberships::insert(conn, &m, CONSENT_VERSION, now)?;
            // Only the id: a delivery carries no personal data.
            crate::usecase::webhooks::emit(
                conn,
                crate::domain::webhooks::Event::MembershipCreated,
                |_| Ok(json!({ "id": id })),
            )?;
            Ok(Ok(Outcome::Stored(id)))
        }
        _ => Ok(Err(errors)),
    }
}

/// 412 unless `if_match` holds the record's current ETag (compared as whole strings).
/// `None` asks for no check (the demo loader, which just stored the record).
fn check_etag(m: &Membership, if_match: Option<&[String]>) -> AppResult<()> {
    let current = etag(&m.id, m.version);
    match if_match {
        Some(tags) if !tags.contains(&current) => Err(stale(m)),
        _ => Ok(()),
    }
}

/// The 412 for a record that is no longer at the version the caller had: the body names
/// the current one, as for content items.
fn stale(m: &Membership) -> AppError {
    let mut extra = serde_json::Map::new();
    extra.insert("current_version".into(), json!(m.version));
    extra.insert("current_etag".into(), json!(etag(&m.id, m.version)));
    AppError::PreconditionFailed {
        detail: format!(
            "The sign-up has changed since you read it; it is now at version {}.",
            m.version
        ),
        extra,
    }
}

/// The 412 after a compare-and-set found the record moved on (or 404 when it is gone).
fn moved(conn: &mut AnyConnection, id: &str) -> AppError {
    match memberships::find(conn, id) {
        Ok(m) => stale(&m),
        Err(e) => e,
    }
}

/// Applies a change if `if_match` names the record's current ETag (else 412); audits the
/// status move and whether the note changed (never the note itself, which may hold
/// personal data). `false` when nothing changed (then the version stays).
pub fn change(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: &str,
    if_match: Option<&[String]>,
    c: &Change,
) -> AppResult<bool> {
    let current = memberships::find(conn, id)?;
    check_etag(&current, if_match)?;
    let status = c
        .status
        .map(Status::as_str)
        .filter(|s| *s != current.status);
    let note = c.note.as_ref().filter(|n| **n != current.note);
    if status.is_none() && note.is_none() {
        return Ok(false);
    }
    let updated = memberships::update(
        conn,
        id,
        current.version,
        status,
        note.map(Option::as_deref),
        Utc::now().naive_utc(),
    )?;
    if !updated {
        return Err(moved(conn, id));
    }
    let mut detail = serde_json::Map::new();
    if let Some(s) = status {
        detail.insert("status".into(), json!({"from": current.status, "to": s}));
    }
    if let Some(n) = note {
        detail.insert(
            "note".into(),
            json!(if n.is_some() { "changed" } else { "cleared" }),
        );
    }
    audit::record(
        conn,
        actor,
        "update",
        "membership",
        Some(id),
        &serde_json::Value::Object(detail),
    )?;
    Ok(true)
}

/// Erases a record for good if `if_match` names its current ETag (else 412), with every
/// other record of the same e-mail (the same person's repeated sign-ups). The audit log
/// keeps only that these ids were erased; the erasure ledger (the table and the data
/// folder's file) keeps the address's hash and the time, so a restore of an older backup
/// erases the records again. Returns the ids.
///
/// The ledger file is written before the transaction commits: when that fails nothing is
/// erased, and when the commit fails after it, a restore erases records staff meant to erase.
pub fn erase(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: &str,
    if_match: &[String],
    ledger: &Ledger,
) -> AppResult<Vec<String>> {
    let record = memberships::find(conn, id)?;
    check_etag(&record, Some(if_match))?;
    let entry = Erasure::of(&record.email, Utc::now().naive_utc());
    let Some(ids) = memberships::delete_person(conn, id, record.version, &record.email)? else {
        return Err(moved(conn, id));
    };
    for erased in &ids {
        audit::record(conn, actor, "erase", "membership", Some(erased), &json!({}))?;
    }
    erasures::record(conn, &entry)?;
    ledger.append(std::slice::from_ref(&entry))?;
    Ok(ids)
}
