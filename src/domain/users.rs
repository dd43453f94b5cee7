//! Staff users: the rules for e-mail, password, name and role.

use crate::domain::credentials::Role;
use crate::error::{ErrorCode, FieldError};

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
        errors.push(FieldError::new(
            "email",
            ErrorCode::InvalidFormat,
            "must be a valid e-mail address",
        ));
    }
    e
}

pub fn check_password(password: &str, errors: &mut Vec<FieldError>) {
    if password.chars().count() < MIN_PASSWORD {
        errors.push(FieldError::new(
            "password",
            ErrorCode::TooShort,
            format!("must be at least {MIN_PASSWORD} characters"),
        ));
    }
    if password.len() > 1024 {
        errors.push(FieldError::new(
            "password",
            ErrorCode::TooLong,
            "must be at most 1024 bytes",
        ));
    }
}

pub fn check_name(name: Option<&str>, errors: &mut Vec<FieldError>) {
    if name.is_some_and(|n| n.chars().count() > 200) {
        errors.push(FieldError::new(
            "name",
            ErrorCode::TooLong,
            "must be at most 200 characters",
        ));
    }
}

/// The role a request names; an unknown one is an error on `role`.
pub fn check_role(role: &str, errors: &mut Vec<FieldError>) -> Option<Role> {
    let r = Role::parse(role);
    if r.is_none() {
        errors.push(FieldError::new(
            "role",
            ErrorCode::InvalidChoice,
            format!("must be one of {}", Role::choices()),
        ));
    }
    r
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
