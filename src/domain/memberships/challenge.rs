//! The arithmetic challenge of the public sign-up form: a signed token that any process can
//! verify with the key stored in the database, expiring after 30 minutes.
//!
//! A token is `<nonce>.<expires unix seconds>.<answer tag>.<signature>`. The answer tag is
//! an HMAC of the nonce and the answer, so the token does not give the answer away (a plain
//! hash of a number below 100 would); the signature covers the rest. Single use is enforced
//! by the caller, who records the nonce.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, NaiveDateTime};
use hmac::{Hmac, Mac};
use rand::{Rng, RngCore};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// The `settings` key under which the signing key is stored.
pub const KEY_SETTING: &str = "membership_challenge_key";
pub const LIFETIME: Duration = Duration::minutes(30);

/// A challenge as handed out.
#[derive(Debug, Clone)]
pub struct Challenge {
    pub token: String,
    pub question: String,
    pub expires_at: NaiveDateTime,
}

/// A token whose signature and expiry were checked; the answer is checked separately.
#[derive(Debug, Clone)]
pub struct Ticket {
    pub nonce: String,
    pub expires_at: NaiveDateTime,
    answer_tag: Vec<u8>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenError {
    /// Not a token of ours, or tampered with.
    Invalid,
    Expired,
}

/// A fresh random signing key, hex.
pub fn new_key() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

fn mac(key: &str, parts: &[&[u8]]) -> HmacSha256 {
    // HMAC takes a key of any length, so this cannot fail.
    let mut m = match HmacSha256::new_from_slice(key.as_bytes()) {
        Ok(m) => m,
        Err(e) => unreachable!("HMAC accepts any key length: {e}"),
    };
    for p in parts {
        m.update(p);
        m.update(b"\x1f");
    }
    m
}

fn answer_mac(key: &str, nonce: &str, answer: i64) -> HmacSha256 {
    mac(
        key,
        &[b"answer", nonce.as_bytes(), answer.to_string().as_bytes()],
    )
}

fn signature_mac(key: &str, body: &str) -> HmacSha256 {
    mac(key, &[b"challenge", body.as_bytes()])
}

/// A new challenge: two numbers from 1 to 20, valid for [`LIFETIME`] from `now`.
pub fn issue(key: &str, now: NaiveDateTime) -> Challenge {
    let mut rng = rand::rngs::OsRng;
    let a: i64 = rng.gen_range(1..=20);
    let b: i64 = rng.gen_range(1..=20);
    let mut nonce = [0u8; 16];
    rng.fill_bytes(&mut nonce);
    issue_with(key, a, b, &hex::encode(nonce), now + LIFETIME)
}

/// A challenge with the given numbers, nonce and expiry (for [`issue`], and for tests that
/// need an expired token).
pub fn issue_with(key: &str, a: i64, b: i64, nonce: &str, expires_at: NaiveDateTime) -> Challenge {
    let tag = URL_SAFE_NO_PAD.encode(answer_mac(key, nonce, a + b).finalize().into_bytes());
    let body = format!("{nonce}.{}.{tag}", expires_at.and_utc().timestamp());
    let sig = URL_SAFE_NO_PAD.encode(signature_mac(key, &body).finalize().into_bytes());
    Challenge {
        token: format!("{body}.{sig}"),
        question: format!("{a} + {b} ="),
        expires_at,
    }
}

/// Checks the signature and the expiry.
pub fn check_token(key: &str, token: &str, now: NaiveDateTime) -> Result<Ticket, TokenError> {
    let (body, sig) = token.rsplit_once('.').ok_or(TokenError::Invalid)?;
    let sig = URL_SAFE_NO_PAD
        .decode(sig)
        .map_err(|_| TokenError::Invalid)?;
    signature_mac(key, body)
        .verify_slice(&sig)
        .map_err(|_| TokenError::Invalid)?;
    let mut parts = body.split('.');
    let (Some(nonce), Some(exp), Some(tag), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(TokenError::Invalid);
    };
    let expires_at = exp
        .parse::<i64>()
        .ok()
        .and_then(|s| DateTime::from_timestamp(s, 0))
        .ok_or(TokenError::Invalid)?
        .naive_utc();
    let answer_tag = URL_SAFE_NO_PAD
        .decode(tag)
        .map_err(|_| TokenError::Invalid)?;
    if expires_at <= now {
        return Err(TokenError::Expired);
    }
    Ok(Ticket {
        nonce: nonce.to_owned(),
        expires_at,
        answer_tag,
    })
}

/// Whether `answer` is the challenge's answer (compared in constant time).
pub fn answer_matches(key: &str, ticket: &Ticket, answer: i64) -> bool {
    answer_mac(key, &ticket.nonce, answer)
        .verify_slice(&ticket.answer_tag)
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    #[test]
    fn round_trip_and_failures() {
        let key = new_key();
        let now = Utc::now().naive_utc();
        let c = issue_with(&key, 13, 3, "abc", now + LIFETIME);
        assert_eq!(c.question, "13 + 3 =");
        let t = check_token(&key, &c.token, now).unwrap();
        assert!(answer_matches(&key, &t, 16));
        assert!(!answer_matches(&key, &t, 15));
        assert_eq!(t.nonce, "abc");
        // Another key, a tampered token, an expired one.
        assert_eq!(
            check_token(&new_key(), &c.token, now).unwrap_err(),
            TokenError::Invalid
        );
        let tampered = c.token.replacen("abc", "abd", 1);
        assert_eq!(
            check_token(&key, &tampered, now).unwrap_err(),
            TokenError::Invalid
        );
        assert_eq!(
            check_token(&key, &c.token, now + LIFETIME + Duration::seconds(1)).unwrap_err(),
            TokenError::Expired
        );
        assert_eq!(
            check_token(&key, "nonsense", now).unwrap_err(),
            TokenError::Invalid
        );
    }

    #[test]
    fn token_does_not_reveal_the_answer() {
        let key = new_key();
        let c = issue(&key, Utc::now().naive_utc());
        let (a, b) = c.question.trim_end_matches(" =").split_once(" + ").unwrap();
        let sum = a.parse::<i64>().unwrap() + b.parse::<i64>().unwrap();
        let plain = hex::encode(<Sha256 as sha2::Digest>::digest(sum.to_string()));
        assert!(!c.token.contains(&plain));
        assert!((2..=40).contains(&sum));
    }
}
