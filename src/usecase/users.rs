//! Staff users: creating, changing and deleting them. The last admin stays.

use crate::db::{AnyConnection, Db, audit, users};
use crate::domain::credentials::{self, Role};
use crate::domain::users::{check_email, check_name, check_password};
use crate::error::{AppError, AppResult, ErrorCode};

/// Creates a user after validating it; a taken e-mail is a 409 naming `email`.
pub fn create(
    conn: &mut AnyConnection,
    actor: &audit::Actor,
    email: &str,
    name: Option<&str>,
    password: &str,
    role: Role,
) -> AppResult<users::User> {
    let mut errors = Vec::new();
    let email = check_email(email, &mut errors);
    check_password(password, &mut errors);
    check_name(name, &mut errors);
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let hash = credentials::hash_password(password)?;
    create_hashed(conn, actor, &email, name, &hash, role)
}

/// Creates a user whose e-mail (trimmed, lowercase), name and password were checked and
/// whose password is hashed already. Hashing is slow on purpose: done before the
/// transaction, it does not hold the database's write lock.
pub fn create_hashed(
    conn: &mut AnyConnection,
    actor: &audit::Actor,
    email: &str,
    name: Option<&str>,
    password_hash: &str,
    role: Role,
) -> AppResult<users::User> {
    if users::find_by_email(conn, email)?.is_some() {
        return Err(AppError::conflict(
            "email",
            ErrorCode::Taken,
            "A user with this e-mail exists already.",
        ));
    }
    let user = users::insert(
        conn,
        &users::NewUser {
            email,
            name,
            password_hash,
            role: role.as_str(),
        },
    )?;
    audit::record(
        conn,
        actor,
        "create",
        "user",
        Some(&user.id),
        &serde_json::json!({ "email": user.email, "role": user.role }),
    )?;
    Ok(user)
}

/// A change to a user; `None` leaves a field as it is. The password is hashed already.
pub struct UserUpdate<'a> {
    /// `Some(None)` clears the name.
    pub name: Option<Option<&'a str>>,
    pub role: Option<Role>,
    pub password_hash: Option<&'a str>,
}

/// How many admins there are besides `user`.
fn other_admins(conn: &mut AnyConnection, user: &users::User) -> AppResult<i64> {
    let admins = users::count_role(conn, Role::Admin.as_str())?;
    Ok(if user.role == Role::Admin.as_str() {
        admins - 1
    } else {
        admins
    })
}

/// Whether `user` is the only admin left.
fn is_last_admin(conn: &mut AnyConnection, user: &users::User) -> AppResult<bool> {
    Ok(user.role == Role::Admin.as_str() && other_admins(conn, user)? == 0)
}

/// Changes a user and audits which fields changed; demoting the last admin is a 409.
pub fn update(
    conn: &mut AnyConnection,
    actor: &audit::Actor,
    id: &str,
    change: &UserUpdate<'_>,
) -> AppResult<users::User> {
    let user = users::find(conn, id)?;
    if change.role.is_some_and(|r| r != Role::Admin) && is_last_admin(conn, &user)? {
        return Err(AppError::conflict(
            "role",
            ErrorCode::NotAllowed,
            "The last admin cannot be demoted.",
        ));
    }
    let updated = users::update(
        conn,
        id,
        &users::UserChanges {
            name: change.name,
            role: change.role.map(Role::as_str),
            password_hash: change.password_hash,
        },
    )?;
    let changed: Vec<&str> = [
        ("name", change.name.is_some()),
        ("role", change.role.is_some()),
        ("password", change.password_hash.is_some()),
    ]
    .into_iter()
    .filter_map(|(field, set)| set.then_some(field))
    .collect();
    audit::record(
        conn,
        actor,
        "update",
        "user",
        Some(id),
        &serde_json::json!({ "changed": changed, "role": updated.role }),
    )?;
    Ok(updated)
}

/// Deletes a user with its sessions and tokens; the last admin is a 409.
pub fn delete(conn: &mut AnyConnection, actor: &audit::Actor, id: &str) -> AppResult<()> {
    let user = users::find(conn, id)?;
    if is_last_admin(conn, &user)? {
        return Err(AppError::conflict(
            "id",
            ErrorCode::NotAllowed,
            "The last admin cannot be removed.",
        ));
    }
    users::delete(conn, id)?;
    audit::record(
        conn,
        actor,
        "delete",
        "user",
        Some(id),
        &serde_json::json!({ "email": user.email }),
    )
}

/// For the command line, off any async runtime.
pub fn create_user_blocking(
    db: &Db,
    email: &str,
    name: Option<&str>,
    password: &str,
    role: Role,
) -> AppResult<users::User> {
    let mut conn = db.get()?;
    create(
        &mut conn,
        &audit::Actor::system("command line"),
        email,
        name,
        password,
        role,
    )
}
