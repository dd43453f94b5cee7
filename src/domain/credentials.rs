//! Staff roles, and the hashing of passwords and secrets.

use std::sync::{Condvar, LazyLock, Mutex, PoisonError};

use argon2::password_hash::{self, Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
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

/// OWASP's argon2id setting with the least memory among its equally strong ones (7 MiB,
/// 5 passes, rather than 19 MiB and 2): the same work for a guesser, and less memory held
/// per login in progress.
const MEMORY_KIB: u32 = 7 * 1024;
const PASSES: u32 = 5;
/// Hashes computed at once, each with its own working memory; a further login waits for
/// one to end. Two: a login is CPU-bound, so more at once would not end sooner, only hold
/// more memory.
const AT_ONCE: usize = 2;

fn argon2() -> Argon2<'static> {
    let params = Params::new(MEMORY_KIB, PASSES, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Argon2's working memory, [`AT_ONCE`] sets kept and reused: however many logins arrive
/// together, hashing holds no more than that (without it, each login allocated its own
/// 19 MiB, and the allocator kept much of it: 250 MB was seen under many logins).
struct Memory {
    free: Mutex<Vec<Vec<Block>>>,
    returned: Condvar,
}

static MEMORY: LazyLock<Memory> = LazyLock::new(|| Memory {
    free: Mutex::new((0..AT_ONCE).map(|_| Vec::new()).collect()),
    returned: Condvar::new(),
});

impl Memory {
    /// Runs `f` with `blocks` blocks of working memory, waiting for a set to be free.
    fn with<T>(&self, blocks: usize, f: impl FnOnce(&mut [Block]) -> T) -> T {
        let mut free = self.free.lock().unwrap_or_else(PoisonError::into_inner);
        let mut set = loop {
            match free.pop() {
                Some(set) => break set,
                None => {
                    free = self
                        .returned
                        .wait(free)
                        .unwrap_or_else(PoisonError::into_inner);
                }
            }
        };
        drop(free);
        if set.len() < blocks {
            set.resize(blocks, Block::default());
        }
        // Given back even if `f` panics, so the sets are never used up.
        let mut lent = Return(self, Some(set));
        let set = lent.1.as_mut().map_or(&mut [][..], |s| &mut s[..blocks]);
        f(set)
    }
}

/// A lent set of working memory, given back to [`MEMORY`] when dropped.
struct Return<'a>(&'a Memory, Option<Vec<Block>>);

impl Drop for Return<'_> {
    fn drop(&mut self) {
        if let Some(mut set) = self.1.take() {
            // A set grown for a hash with a former, larger setting is not kept.
            if set.len() > argon2().params().block_count() {
                set = Vec::new();
            }
            self.0
                .free
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(set);
            self.0.returned.notify_one();
        }
    }
}

/// The raw argon2 output of `password` with `salt` under `hasher`'s parameters, into `out`.
fn hash_into(hasher: &Argon2<'_>, password: &[u8], salt: &[u8], out: &mut [u8]) -> bool {
    MEMORY.with(hasher.params().block_count(), |blocks| {
        hasher
            .hash_password_into_with_memory(password, salt, out, blocks)
            .is_ok()
    })
}

pub fn hash_password(password: &str) -> Result<String, AppError> {
    let fail = |e: &dyn std::fmt::Display| AppError::internal(format!("password hashing: {e}"));
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    let mut salt_bytes = [0u8; 64];
    let salt_bytes = salt
        .as_salt()
        .decode_b64(&mut salt_bytes)
        .map_err(|e| fail(&e))?;
    let hasher = argon2();
    let output = Output::init_with(Params::DEFAULT_OUTPUT_LEN, |out| {
        if hash_into(&hasher, password.as_bytes(), salt_bytes, out) {
            Ok(())
        } else {
            Err(password_hash::Error::Crypto)
        }
    })
    .map_err(|e| fail(&e))?;
    let hash = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(hasher.params()).map_err(|e| fail(&e))?,
        salt: Some(salt.as_salt()),
        hash: Some(output),
    };
    Ok(hash.to_string())
}

/// Whether `hash` was made with another setting than the current one (and so should be
/// made again the next time the password is at hand).
pub fn needs_rehash(hash: &str) -> bool {
    let current = argon2();
    let Ok(parsed) = PasswordHash::new(hash) else {
        return true;
    };
    let Ok(params) = Params::try_from(&parsed) else {
        return true;
    };
    parsed.algorithm != Algorithm::Argon2id.ident()
        || parsed.version != Some(Version::V0x13.into())
        || params.m_cost() != current.params().m_cost()
        || params.t_cost() != current.params().t_cost()
        || params.p_cost() != current.params().p_cost()
}

/// Whether `password` gives `hash` (a PHC string; its own algorithm and parameters are
/// used, so hashes made with other settings still verify).
pub fn verify_password(password: &str, hash: &str) -> bool {
    let check = || -> Option<bool> {
        let parsed = PasswordHash::new(hash).ok()?;
        let algorithm = Algorithm::try_from(parsed.algorithm).ok()?;
        let version = match parsed.version {
            Some(v) => Version::try_from(v).ok()?,
            None => Version::default(),
        };
        let params = Params::try_from(&parsed).ok()?;
        let expected = parsed.hash?;
        let mut salt = [0u8; 64];
        let salt = parsed.salt?.decode_b64(&mut salt).ok()?;
        let hasher = Argon2::new(algorithm, version, params);
        let mut out = vec![0u8; expected.len()];
        if !hash_into(&hasher, password.as_bytes(), salt, &mut out) {
            return None;
        }
        // `Output`'s comparison takes the same time wherever the bytes differ.
        Some(Output::new(&out).ok()? == expected)
    };
    check().unwrap_or(false)
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

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::password_hash::PasswordHasher;

    #[test]
    fn a_password_verifies_against_its_own_hash_only() {
        let hash = hash_password("geheim wachtwoord").unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=7168,t=5,p=1$"), "{hash}");
        assert!(verify_password("geheim wachtwoord", &hash));
        assert!(!verify_password("geheim wachtwoorD", &hash));
        assert!(!verify_password("geheim wachtwoord", "not a hash"));
        assert!(!verify_password(
            "geheim wachtwoord",
            &hash.replace("t=5", "t=4")
        ));
    }

    #[test]
    fn hashes_stored_with_the_former_settings_still_verify() {
        // 19 MiB and 2 passes, as stored before, made by the crate's own hasher.
        let former = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(19 * 1024, 2, 1, None).unwrap(),
        );
        let salt = SaltString::generate(&mut rand::rngs::OsRng);
        let hash = former
            .hash_password(b"oud wachtwoord", &salt)
            .unwrap()
            .to_string();
        assert!(verify_password("oud wachtwoord", &hash));
        assert!(!verify_password("ander wachtwoord", &hash));
        assert!(needs_rehash(&hash));
        assert!(!needs_rehash(&hash_password("oud wachtwoord").unwrap()));
        // The set grown for the larger setting was not kept.
        let sets = MEMORY.free.lock().unwrap();
        assert!(
            sets.iter()
                .all(|s| s.len() <= argon2().params().block_count())
        );
    }

    #[test]
    fn many_logins_at_once_share_the_bounded_memory() {
        let hash = hash_password("samen").unwrap();
        let threads: Vec<_> = (0..8)
            .map(|i| {
                let hash = hash.clone();
                std::thread::spawn(move || {
                    verify_password(if i % 2 == 0 { "samen" } else { "x" }, &hash)
                })
            })
            .collect();
        let results: Vec<bool> = threads.into_iter().map(|t| t.join().unwrap()).collect();
        assert_eq!(
            results,
            [true, false, true, false, true, false, true, false]
        );
        // Every set is given back, and no more were made (another test may still hold one
        // for a moment).
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        loop {
            let free = MEMORY.free.lock().unwrap().len();
            assert!(free <= AT_ONCE, "{free} sets of working memory");
            if free == AT_ONCE {
                break;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "a set was not given back"
            );
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
    }
}
