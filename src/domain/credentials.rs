//! Staff roles, and the hashing of passwords and secrets.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::error::AppError;

word_enum!(
    /// A staff member's role, or the narrower one of an API token.
    Role {
        Admin,
        Editor,
        Membership,
        Read,
    }
);

impl Role {
    pub const ALL: &'static [Role] = <Self as strum::VariantArray>::VARIANTS;

    /// Whether a holder of `self` may hand out `other` (a token's role is never wider).
    pub fn covers(self, other: Role) -> bool {
        match self {
            Self::Admin => true,
            Self::Editor => matches!(other, Self::Editor | Self::Read),
            Self::Membership => matches!(other, Self::Membership),
            Self::Read => matches!(other, Self::Read),
        }
    }
}

fn argon2() -> Argon2<'static> {
    // OWASP's argon2id minimum (19 MiB, 2 passes): strong, and a login stays well under 100 ms.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

pub fn hash_password(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::internal(format!("password hashing: {e}")))
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        argon2()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// A hash with the same cost as a real one, checked for unknown e-mails so that the answer
/// takes as long as for a wrong password.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password("not a password of anyone").unwrap_or_default())
}

/// A random secret, URL-safe.
pub fn new_secret(prefix: &str) -> String {
    use base64::Engine;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!(
        "{prefix}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

/// A readable generated password.
pub fn new_password() -> String {
    use base64::Engine;
    let mut bytes = [0u8; 18];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Sessions and tokens are stored as SHA-256 of the secret: high-entropy secrets need no
/// slow hash, and a database leak yields nothing usable.
pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}
