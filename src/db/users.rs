//! Staff users, their login sessions and their API tokens.

use chrono::{NaiveDateTime, Utc};
use diesel::prelude::*;

use super::AnyConnection;
use super::schema::{api_tokens, sessions, users};
use crate::error::AppResult;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct User {
    pub id: String,
    pub email: String,
    pub name: Option<String>,
    pub password_hash: String,
    pub role: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = api_tokens)]
pub struct ApiToken {
    pub id: String,
    pub name: String,
    pub secret_hash: String,
    pub role: String,
    pub user_id: String,
    pub created_at: NaiveDateTime,
    pub last_used_at: Option<NaiveDateTime>,
}

pub struct NewUser<'a> {
    pub email: &'a str,
    pub name: Option<&'a str>,
    pub password_hash: &'a str,
    pub role: &'a str,
}

pub fn insert(conn: &mut AnyConnection, u: &NewUser<'_>) -> AppResult<User> {
    let now = Utc::now().naive_utc();
    let id = uuid::Uuid::now_v7().to_string();
    diesel::insert_into(users::table)
        .values((
            users::id.eq(&id),
            users::email.eq(u.email),
            users::name.eq(u.name),
            users::password_hash.eq(u.password_hash),
            users::role.eq(u.role),
            users::created_at.eq(now),
            users::updated_at.eq(now),
        ))
        .execute(conn)?;
    find(conn, &id)
}

pub fn find(conn: &mut AnyConnection, id: &str) -> AppResult<User> {
    Ok(users::table
        .find(id)
        .select(User::as_select())
        .first(conn)?)
}

pub fn find_by_email(conn: &mut AnyConnection, email: &str) -> AppResult<Option<User>> {
    Ok(users::table
        .filter(users::email.eq(email))
        .select(User::as_select())
        .first(conn)
        .optional()?)
}

pub fn list(conn: &mut AnyConnection) -> AppResult<Vec<User>> {
    Ok(users::table
        .order(users::email.asc())
        .select(User::as_select())
        .load(conn)?)
}

pub fn count(conn: &mut AnyConnection) -> AppResult<i64> {
    Ok(users::table.count().get_result(conn)?)
}

pub fn count_role(conn: &mut AnyConnection, role: &str) -> AppResult<i64> {
    Ok(users::table
        .filter(users::role.eq(role))
        .count()
        .get_result(conn)?)
}

pub struct UserChanges<'a> {
    pub name: Option<Option<&'a str>>,
    pub role: Option<&'a str>,
    pub password_hash: Option<&'a str>,
}

pub fn update(conn: &mut AnyConnection, id: &str, c: &UserChanges<'_>) -> AppResult<User> {
    let now = Utc::now().naive_utc();
    let target = users::table.find(id);
    if let Some(name) = c.name {
        diesel::update(target)
            .set(users::name.eq(name))
            .execute(conn)?;
    }
    if let Some(role) = c.role {
        diesel::update(target)
            .set(users::role.eq(role))
            .execute(conn)?;
        // A narrower role must not leave wider tokens behind.
        narrow_tokens(conn, id, role)?;
    }
    if let Some(hash) = c.password_hash {
        diesel::update(target)
            .set(users::password_hash.eq(hash))
            .execute(conn)?;
    }
    diesel::update(target)
        .set(users::updated_at.eq(now))
        .execute(conn)?;
    find(conn, id)
}

/// Replaces the stored password hash alone (a hash of the same password with the current
/// setting): not a change of the account, so `updated_at` stays.
pub fn set_password_hash(conn: &mut AnyConnection, id: &str, hash: &str) -> AppResult<()> {
    diesel::update(users::table.find(id))
        .set(users::password_hash.eq(hash))
        .execute(conn)?;
    Ok(())
}

fn narrow_tokens(conn: &mut AnyConnection, user_id: &str, role: &str) -> AppResult<()> {
    let tokens: Vec<ApiToken> = api_tokens::table
        .filter(api_tokens::user_id.eq(user_id))
        .select(ApiToken::as_select())
        .load(conn)?;
    for t in tokens {
        let owner = crate::domain::credentials::Role::parse(role);
        let tok = crate::domain::credentials::Role::parse(&t.role);
        if let (Some(owner), Some(tok)) = (owner, tok)
            && !owner.covers(tok)
        {
            {
                diesel::update(api_tokens::table.find(&t.id))
                    .set(api_tokens::role.eq(owner.as_str()))
                    .execute(conn)?;
            }
        }
    }
    Ok(())
}

pub fn delete(conn: &mut AnyConnection, id: &str) -> AppResult<usize> {
    Ok(diesel::delete(users::table.find(id)).execute(conn)?)
}

pub fn create_session(
    conn: &mut AnyConnection,
    token_hash: &str,
    user_id: &str,
    expires_at: NaiveDateTime,
) -> AppResult<()> {
    diesel::insert_into(sessions::table)
        .values((
            sessions::token_hash.eq(token_hash),
            sessions::user_id.eq(user_id),
            sessions::created_at.eq(Utc::now().naive_utc()),
            sessions::expires_at.eq(expires_at),
        ))
        .execute(conn)?;
    Ok(())
}

/// The user of a live session.
pub fn session_user(conn: &mut AnyConnection, token_hash: &str) -> AppResult<Option<User>> {
    Ok(sessions::table
        .inner_join(users::table)
        .filter(sessions::token_hash.eq(token_hash))
        .filter(sessions::expires_at.gt(Utc::now().naive_utc()))
        .select(User::as_select())
        .first(conn)
        .optional()?)
}

pub fn delete_session(conn: &mut AnyConnection, token_hash: &str) -> AppResult<()> {
    diesel::delete(sessions::table.find(token_hash)).execute(conn)?;
    Ok(())
}

pub fn delete_expired_sessions(conn: &mut AnyConnection) -> AppResult<usize> {
    Ok(
        diesel::delete(sessions::table.filter(sessions::expires_at.le(Utc::now().naive_utc())))
            .execute(conn)?,
    )
}

pub fn insert_token(
    conn: &mut AnyConnection,
    name: &str,
    secret_hash: &str,
    role: &str,
    user_id: &str,
) -> AppResult<ApiToken> {
    let id = uuid::Uuid::now_v7().to_string();
    diesel::insert_into(api_tokens::table)
        .values((
            api_tokens::id.eq(&id),
            api_tokens::name.eq(name),
            api_tokens::secret_hash.eq(secret_hash),
            api_tokens::role.eq(role),
            api_tokens::user_id.eq(user_id),
            api_tokens::created_at.eq(Utc::now().naive_utc()),
        ))
        .execute(conn)?;
    Ok(api_tokens::table
        .find(&id)
        .select(ApiToken::as_select())
        .first(conn)?)
}

/// The token and its owner for a presented secret's hash.
pub fn token_user(
    conn: &mut AnyConnection,
    secret_hash: &str,
) -> AppResult<Option<(ApiToken, User)>> {
    Ok(api_tokens::table
        .inner_join(users::table)
        .filter(api_tokens::secret_hash.eq(secret_hash))
        .select((ApiToken::as_select(), User::as_select()))
        .first(conn)
        .optional()?)
}

pub fn list_tokens(conn: &mut AnyConnection, user_id: Option<&str>) -> AppResult<Vec<ApiToken>> {
    let mut q = api_tokens::table
        .select(ApiToken::as_select())
        .order(api_tokens::created_at.desc())
        .into_boxed();
    if let Some(u) = user_id {
        q = q.filter(api_tokens::user_id.eq(u.to_owned()));
    }
    Ok(q.load(conn)?)
}

pub fn find_token(conn: &mut AnyConnection, id: &str) -> AppResult<ApiToken> {
    Ok(api_tokens::table
        .find(id)
        .select(ApiToken::as_select())
        .first(conn)?)
}

pub fn delete_token(conn: &mut AnyConnection, id: &str) -> AppResult<usize> {
    Ok(diesel::delete(api_tokens::table.find(id)).execute(conn)?)
}

pub fn touch_token(conn: &mut AnyConnection, id: &str) -> AppResult<()> {
    diesel::update(api_tokens::table.find(id))
        .set(api_tokens::last_used_at.eq(Utc::now().naive_utc()))
        .execute(conn)?;
    Ok(())
}
