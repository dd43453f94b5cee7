//! Opaque list cursors: base64url of a small JSON value saying where a page ended. Every
//! list encodes its own payload type with these two functions.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Serialize;
use serde::de::DeserializeOwned;

pub fn encode<T: Serialize>(payload: &T) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(payload).unwrap_or_default())
}

/// The payload of a cursor `encode` made, or `None` for anything else. No cursor of ours
/// holds a NUL character (no stored text can), so one that does is not ours.
pub fn decode<T: DeserializeOwned>(cursor: &str) -> Option<T> {
    let bytes = URL_SAFE_NO_PAD.decode(cursor.trim()).ok()?;
    if memchr::memmem::find(&bytes, b"\\u0000").is_some() {
        return None;
    }
    serde_json::from_slice(&bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn payloads_round_trip(list in "[a-z]{1,8}", id in "[^\\x00]{0,40}") {
            let c = encode(&(list.clone(), id.clone()));
            prop_assert_eq!(decode::<(String, String)>(&c), Some((list, id)));
        }

        #[test]
        fn garbage_is_none(s in ".*") {
            // Whatever it is, it is refused or read as a payload, never a panic.
            let _ = decode::<(String, i64)>(&s);
        }
    }

    #[test]
    fn other_payloads_are_refused() {
        assert_eq!(decode::<(String, String)>(&encode(&5)), None);
        assert_eq!(decode::<String>("%%%"), None);
        assert_eq!(decode::<(String, String)>(&encode(&("a", "b\0"))), None);
    }
}
