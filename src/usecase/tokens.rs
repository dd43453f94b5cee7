//! API tokens: creating and revoking them, each audited (never with the secret).

use crate::db::{AnyConnection, audit, users};
use crate::domain::credentials::{self, Role};
use crate::error::AppResult;

/// Creates a token for `user_id` with a checked name and role. Returns it with its bearer
/// secret, which is stored only hashed and so can be shown this once.
pub fn create(
    conn: &mut AnyConnection,
    actor: &audit::Actor,
    user_id: &str,
    name: &str,
    role: Role,
) -> AppResult<(users::ApiToken, String)> {
    let secret = credentials::new_secret("oa_");
    let hash = credentials::hash_secret(&secret);
    let token = users::insert_token(conn, name, &hash, role.as_str(), user_id)?;
    audit::record(
        conn,
        actor,
        "create",
        "token",
        Some(&token.id),
        &serde_json::json!({ "name": token.name, "role": token.role }),
    )?;
    Ok((token, secret))
}

/// Revokes a token: every process refuses it on its next request.
pub fn delete(conn: &mut AnyConnection, actor: &audit::Actor, id: &str) -> AppResult<()> {
    let token = users::find_token(conn, id)?;
    users::delete_token(conn, id)?;
    audit::record(
        conn,
        actor,
        "delete",
        "token",
        Some(id),
        &serde_json::json!({ "name": token.name }),
    )
}
