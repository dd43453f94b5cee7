//! Staff users: validation of e-mail, password and role, and creation.

use crate::auth::{self, Role};
use crate::db::{AnyConnection, Db, audit, users};
use crate::error::{AppError, AppResult, FieldError};

pub const MIN_PASSWORD: usize = 10;

/// A syntactically plausible e-mail address (one `@`, a dot in the domain, no spaces).
pub fn valid_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && local.len() <= 64
        && email.len() <= 254
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
}

pub fn check_email(email: &str, errors: &mut Vec<FieldError>) -> String {
    let e = email.trim().to_lowercase();
    if !valid_email(&e) {
        errors.push(FieldError::new("email", "must be a valid e-mail address"));
    }
    e
}

pub fn check_password(password: &str, errors: &mut Vec<FieldError>) {
    if password.chars().count() < MIN_PASSWORD {
        errors.push(FieldError::new(
            "password",
            format!("must be at least {MIN_PASSWORD} characters"),
        ));
    }
    if password.len() > 1024 {
        errors.push(FieldError::new("password", "must be at most 1024 bytes"));
    }
}

pub fn check_name(name: Option<&str>, errors: &mut Vec<FieldError>) {
    if name.is_some_and(|n| n.chars().count() > 200) {
        errors.push(FieldError::new("name", "must be at most 200 characters"));
    }
}

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
    let hash = auth::hash_password(password)?;
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

#[cfg(test)]
mod tests {
    use super::valid_email;

    #[test]
    fn emails() {
        assert!(valid_email("jan@example.nl"));
        assert!(!valid_email("jan@localhost"));
        assert!(!valid_email("jan example@x.nl"));
        assert!(!valid_email("@x.nl"));
        assert!(!valid_email("jan@@x.nl"));
    }
}
