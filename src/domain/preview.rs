//! Preview tokens: a link to one version of an item, drafts included, that expires. A token
//! is stateless, so any process verifies it with the key stored in the database.
//!
//! A token is 64 bytes, base64url without padding: the item id (16 bytes), the version and
//! the expiry in unix seconds (8 bytes each, big-endian), then an HMAC-SHA256 of those 32
//! bytes. Only the exact text made by [`sign`] is accepted: any other spelling of the same
//! bytes, like any changed byte, is refused.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, NaiveDateTime};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

/// The `settings` key under which the signing key is stored.
pub const KEY_SETTING: &str = "preview_token_key";
/// Seconds a preview link lasts when the request does not say.
pub const DEFAULT_LIFETIME: i64 = 60 * 60;
/// The longest a preview link may last: seven days.
pub const MAX_LIFETIME: i64 = 7 * 24 * 60 * 60;

/// How long a link asked to last `expires_in` seconds lasts (default [`DEFAULT_LIFETIME`]),
/// or why it cannot.
pub fn lifetime(expires_in: Option<i64>) -> Result<Duration, String> {
    match expires_in.unwrap_or(DEFAULT_LIFETIME) {
        s @ 1..=MAX_LIFETIME => Ok(Duration::seconds(s)),
        _ => Err(format!("must be 1 to {MAX_LIFETIME} seconds (7 days)")),
    }
}

const PAYLOAD: usize = 32;
const SIGNATURE: usize = 32;

/// What a token grants: version `version` of item `item_id` until `expires_at`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ticket {
    pub item_id: String,
    pub version: i64,
    /// Whole seconds, as the token carries it.
    pub expires_at: NaiveDateTime,
}

/// A fresh random signing key, hex.
pub fn new_key() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

fn mac(key: &str, payload: &[u8]) -> Hmac<Sha256> {
    let mut m = match Hmac::<Sha256>::new_from_slice(key.as_bytes()) {
        Ok(m) => m,
        Err(e) => unreachable!("HMAC accepts any key length: {e}"),
    };
    // Kept apart from anything else a key might ever sign.
    m.update(b"preview\x1f");
    m.update(payload);
    m
}

/// The token for `ticket`; `None` when its item id is not a UUID.
pub fn sign(key: &str, ticket: &Ticket) -> Option<String> {
    let id = uuid::Uuid::try_parse(&ticket.item_id).ok()?;
    let mut bytes = Vec::with_capacity(PAYLOAD + SIGNATURE);
    bytes.extend_from_slice(id.as_bytes());
    bytes.extend_from_slice(&ticket.version.to_be_bytes());
    bytes.extend_from_slice(&ticket.expires_at.and_utc().timestamp().to_be_bytes());
    let signature = mac(key, &bytes).finalize().into_bytes();
    bytes.extend_from_slice(&signature);
    Some(URL_SAFE_NO_PAD.encode(bytes))
}

/// What `token` grants at `now`; `None` when it is not one of ours, was altered, or has
/// expired.
pub fn check(key: &str, token: &str, now: NaiveDateTime) -> Option<Ticket> {
    if token.len() != (PAYLOAD + SIGNATURE).div_ceil(3) * 4 - 2 {
        return None;
    }
    let bytes = URL_SAFE_NO_PAD.decode(token).ok()?;
    if bytes.len() != PAYLOAD + SIGNATURE || URL_SAFE_NO_PAD.encode(&bytes) != token {
        return None;
    }
    let (payload, signature) = bytes.split_at(PAYLOAD);
    mac(key, payload).verify_slice(signature).ok()?;
    let id = uuid::Uuid::from_slice(&payload[..16]).ok()?;
    let version = i64::from_be_bytes(payload[16..24].try_into().ok()?);
    let expires = i64::from_be_bytes(payload[24..32].try_into().ok()?);
    let expires_at = DateTime::from_timestamp(expires, 0)?.naive_utc();
    (expires_at > now).then(|| Ticket {
        item_id: id.hyphenated().to_string(),
        version,
        expires_at,
    })
}

#[cfg(test)]
mod tests {
    use chrono::{SubsecRound, Utc};

    use super::*;

    fn ticket(now: NaiveDateTime) -> Ticket {
        Ticket {
            item_id: uuid::Uuid::now_v7().to_string(),
            version: 3,
            expires_at: (now + Duration::hours(1)).trunc_subsecs(0),
        }
    }

    #[test]
    fn a_token_grants_what_it_was_signed_for_until_it_expires() {
        let (key, now) = (new_key(), Utc::now().naive_utc());
        let t = ticket(now);
        let token = sign(&key, &t).unwrap();
        assert_eq!(token.len(), 86);
        assert!(
            token
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        assert_eq!(check(&key, &token, now), Some(t.clone()));
        assert_eq!(check(&key, &token, t.expires_at), None);
        assert_eq!(
            check(&key, &token, t.expires_at - Duration::seconds(1)),
            Some(t)
        );
    }

    #[test]
    fn every_altered_character_and_another_key_are_refused() {
        let (key, now) = (new_key(), Utc::now().naive_utc());
        let token = sign(&key, &ticket(now)).unwrap();
        assert_eq!(check(&new_key(), &token, now), None);
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        for i in 0..token.len() {
            for &c in alphabet {
                let mut altered = token.clone().into_bytes();
                if altered[i] == c {
                    continue;
                }
                altered[i] = c;
                let altered = String::from_utf8(altered).unwrap();
                assert_eq!(check(&key, &altered, now), None, "{altered}");
            }
        }
        for bad in [
            "",
            "x",
            &token[1..],
            &format!("{token}A"),
            &token.to_uppercase(),
        ] {
            assert_eq!(check(&key, bad, now), None, "{bad}");
        }
    }

    #[test]
    fn lifetimes_are_one_second_to_seven_days() {
        assert_eq!(lifetime(None), Ok(Duration::hours(1)));
        assert_eq!(lifetime(Some(1)), Ok(Duration::seconds(1)));
        assert_eq!(lifetime(Some(604_800)), Ok(Duration::days(7)));
        for bad in [0, -1, 604_801, i64::MAX] {
            assert!(lifetime(Some(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn only_uuids_are_signed() {
        let mut t = ticket(Utc::now().naive_utc());
        t.item_id = "not-a-uuid".into();
        assert_eq!(sign(&new_key(), &t), None);
    }
}
