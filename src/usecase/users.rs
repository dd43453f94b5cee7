//! Creating staff users.

use crate::db::{AnyConnection, Db, audit, users};
use crate::domain::credentials::{self, Role};
use crate::domain::users::{check_email, check_name, check_password};
use crate::error::{AppError, AppResult};

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
