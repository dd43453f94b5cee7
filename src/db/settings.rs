//! Small key/value settings shared by every process (e.g. signing keys made on first start).

use diesel::prelude::*;

use super::AnyConnection;
use super::schema::settings;
use crate::error::AppResult;

pub fn get(conn: &mut AnyConnection, key: &str) -> AppResult<Option<String>> {
    Ok(settings::table
        .find(key)
        .select(settings::value)
        .first::<String>(conn)
        .optional()?)
}

/// Returns the stored value, storing `make()` first when there is none. Two processes racing
/// agree on one value: the loser's insert fails on the key and it reads the winner's.
pub fn get_or_init(
    conn: &mut AnyConnection,
    key: &str,
    make: impl FnOnce() -> String,
) -> AppResult<String> {
    if let Some(v) = get(conn, key)? {
        return Ok(v);
    }
    let value = make();
    let inserted = diesel::insert_into(settings::table)
        .values((settings::key.eq(key), settings::value.eq(&value)))
        .execute(conn);
    match inserted {
        Ok(_) => Ok(value),
        Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        )) => Ok(get(conn, key)?.unwrap_or(value)),
        Err(e) => Err(e.into()),
    }
}

/// The key of the public URL template the public rows were built with.
pub const PUBLIC_URL_TEMPLATE: &str = "public_url_template";

/// The public URL template the public rows are built with (see `usecase::site`).
pub fn public_url_template(conn: &mut AnyConnection) -> AppResult<String> {
    Ok(get(conn, PUBLIC_URL_TEMPLATE)?
        .unwrap_or_else(|| crate::domain::site::DEFAULT_URL_TEMPLATE.to_owned()))
}

/// Stores `value` under `key`, replacing what was there.
pub fn set(conn: &mut AnyConnection, key: &str, value: &str) -> AppResult<()> {
    let updated = diesel::update(settings::table.find(key))
        .set(settings::value.eq(value))
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(settings::table)
            .values((settings::key.eq(key), settings::value.eq(value)))
            .execute(conn)?;
    }
    Ok(())
}
