//! Which roles may read and write each area of the admin API: the one table of access rules.

use super::Role;

pub trait Policy: 'static {
    fn allows(role: Role, write: bool) -> bool;
}

/// Any signed-in staff member (e.g. `auth/me`, logout).
pub struct AnyStaff;
/// Content and files: admin and editor write; read reads.
pub struct Content;
/// A content action that changes nothing though it is a POST (making a preview link): every
/// role that reads content.
pub struct ContentRead;
/// Membership records: admin and membership.
pub struct Members;
/// Users, tokens, audit: admin only.
pub struct AdminOnly;
impl Policy for AnyStaff {
    fn allows(_: Role, _: bool) -> bool {
        true
    }
}

impl Policy for Content {
    fn allows(role: Role, write: bool) -> bool {
        match role {
            Role::Admin | Role::Editor => true,
            Role::Read => !write,
            Role::Membership => false,
        }
    }
}

impl Policy for ContentRead {
    fn allows(role: Role, _: bool) -> bool {
        Content::allows(role, false)
    }
}

impl Policy for Members {
    fn allows(role: Role, _: bool) -> bool {
        matches!(role, Role::Admin | Role::Membership)
    }
}

impl Policy for AdminOnly {
    fn allows(role: Role, _: bool) -> bool {
        role == Role::Admin
    }
}
