//! The sample sign-ups: sent through the public sign-up's own checks and storage, then given
//! a status as staff would.

use chrono::{Duration, NaiveDateTime};
use serde_json::json;

use super::fixtures::SIGN_UPS;
use crate::db::AnyConnection;
use crate::db::audit::Actor;
use crate::domain::memberships::{SignUpForm, challenge};
use crate::error::{AppError, AppResult};
use crate::usecase::memberships::{self, Outcome};

/// Stores every sample sign-up; returns how many.
pub fn store(conn: &mut AnyConnection, actor: &Actor, now: NaiveDateTime) -> AppResult<usize> {
    let key = memberships::challenge_key(conn)?;
    for s in SIGN_UPS {
        // The website's own question, answered as a person filling in the form would.
        let nonce = uuid::Uuid::new_v4().simple().to_string();
        let ch = challenge::issue_with(&key, 13, 3, &nonce, now + Duration::minutes(30));
        let form = SignUpForm {
            name: Some(s.name.to_owned()),
            email: Some(s.email.to_owned()),
            organisation: s.organisation.map(str::to_owned),
            sector: Some(s.sector.to_owned()),
            role: Some(s.role.to_owned()),
            contribution: Some(s.contribution.to_owned()),
            consent: Some(true),
            challenge_token: Some(ch.token),
            challenge_answer: Some(json!(16)),
            website: None,
        };
        let id = match memberships::sign_up(conn, &form, now)? {
            Ok(Outcome::Stored(id)) => id,
            Ok(Outcome::Ignored) => {
                return Err(AppError::internal("a demo sign-up was taken for a bot"));
            }
            Err(errors) => {
                let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
                return Err(AppError::internal(format!(
                    "demo sign-up {} was refused: {}",
                    s.email,
                    fields.join(", ")
                )));
            }
        };
        if s.status != "new" || s.note.is_some() {
            let change = crate::domain::memberships::check_change(Some(s.status), s.note.map(Some))
                .map_err(|_| AppError::internal("a demo sign-up has a bad status or note"))?;
            memberships::change(conn, actor, &id, None, &change)?;
        }
    }
    Ok(SIGN_UPS.len())
}
