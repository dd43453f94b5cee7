//! The erasure ledger's entries: which e-mail address was erased when, kept as a hash so
//! the ledger itself holds no personal data, and the rule for which records an entry covers.

use chrono::{NaiveDateTime, SubsecRound};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The key of the address hash. It is no secret (it is in the source): it keeps the hashes
/// apart from plain SHA-256 tables of addresses, and lets every installation and every
/// backup compute the same hash for the same address without sharing anything.
const HASH_KEY: &[u8] = b"oa-cms erasure ledger v1";

/// How the time is written in the ledger file: UTC, microseconds (what both databases keep).
const TIME_FORMAT: &str = "%Y-%m-%dT%H:%M:%S%.6fZ";

/// One erasure: the hash of the address and when it was erased.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Erasure {
    pub email_hash: String,
    pub erased_at: NaiveDateTime,
}

/// The hash of an address as the ledger keeps it: trimmed and lower-cased first, as sign-ups
/// store it. Hex HMAC-SHA-256.
pub fn email_hash(email: &str) -> String {
    let normal = email.trim().to_lowercase();
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(HASH_KEY) else {
        unreachable!("HMAC takes a key of any length")
    };
    mac.update(normal.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

fn is_hash(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

impl Erasure {
    /// The entry for erasing `email` at `at` (kept to the microsecond, as stored).
    pub fn of(email: &str, at: NaiveDateTime) -> Self {
        Self {
            email_hash: email_hash(email),
            erased_at: at.trunc_subsecs(6),
        }
    }

    /// Whether a record with this address hash, made at `created_at`, was erased by this
    /// entry. A record made after the erasure is a new sign-up of the same person, which
    /// the erasure does not cover.
    pub fn covers(&self, email_hash: &str, created_at: NaiveDateTime) -> bool {
        self.email_hash == email_hash && created_at <= self.erased_at
    }

    /// The entry as one line of the ledger file (without the line end).
    pub fn to_line(&self) -> String {
        format!("{} {}", self.email_hash, self.erased_at.format(TIME_FORMAT))
    }

    /// An entry from a line of the ledger file; `None` for anything else (an empty line, a
    /// line cut off by a crash while it was written).
    pub fn parse_line(line: &str) -> Option<Self> {
        let (hash, at) = line.trim().split_once(' ')?;
        if !is_hash(hash) {
            return None;
        }
        let erased_at = NaiveDateTime::parse_from_str(at, TIME_FORMAT).ok()?;
        Some(Self {
            email_hash: hash.to_owned(),
            erased_at,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f").unwrap()
    }

    #[test]
    fn the_hash_ignores_case_and_spaces_and_holds_no_address() {
        let h = email_hash("Zoe.DeVries@Example.NL ");
        assert_eq!(h, email_hash("zoe.devries@example.nl"));
        assert_ne!(h, email_hash("zoe.de.vries@example.nl"));
        assert!(is_hash(&h));
        assert!(!h.contains("zoe"));
    }

    #[test]
    fn lines_round_trip_and_torn_lines_are_skipped() {
        let e = Erasure::of("a@b.nl", at("2026-11-24 08:00:01.123456789"));
        assert_eq!(e.erased_at, at("2026-11-24 08:00:01.123456"));
        let line = e.to_line();
        assert!(line.ends_with(" 2026-11-24T08:00:01.123456Z"), "{line}");
        assert_eq!(Erasure::parse_line(&line), Some(e));
        assert_eq!(Erasure::parse_line(&line[..40]), None);
        assert_eq!(Erasure::parse_line(&line[..70]), None);
        assert_eq!(Erasure::parse_line(""), None);
        assert_eq!(
            Erasure::parse_line("zoe@example.nl 2026-11-24T08:00:01.123456Z"),
            None
        );
    }

    #[test]
    fn an_erasure_covers_only_records_made_before_it() {
        let e = Erasure::of("a@b.nl", at("2026-11-24 08:00:00"));
        let h = email_hash("a@b.nl");
        assert!(e.covers(&h, at("2026-11-23 10:00:00")));
        assert!(e.covers(&h, at("2026-11-24 08:00:00")));
        assert!(!e.covers(&h, at("2026-11-24 08:00:00.000001")));
        assert!(!e.covers(&email_hash("c@b.nl"), at("2026-11-23 10:00:00")));
    }
}
