//! The public list's cursors: the sort (or `q` for ranked search) and where the page ended.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use crate::db::public::query::{After, Key};
use crate::domain::content::Sort;
use crate::domain::cursor;
use crate::error::AppError;

const TIME: &str = "%Y-%m-%dT%H:%M:%S%.f";

#[derive(Serialize, Deserialize)]
struct Raw {
    /// The sort it belongs to, or `q` for ranked search.
    s: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    k: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    i: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    o: Option<i64>,
}

pub fn encode_key(sort: Sort, key: &Key, id: &str) -> String {
    let k = match key {
        Key::Time(t) => t.format(TIME).to_string(),
        Key::Text(s) => s.clone(),
    };
    encode(&Raw {
        s: sort.as_str().into(),
        k: Some(k),
        i: Some(id.into()),
        o: None,
    })
}

pub fn encode_offset(offset: i64) -> String {
    encode(&Raw {
        s: "q".into(),
        k: None,
        i: None,
        o: Some(offset),
    })
}

fn encode(raw: &Raw) -> String {
    cursor::encode(raw)
}

fn not_ours() -> AppError {
    AppError::BadRequest("The cursor is not valid for this list.".into())
}

/// Decodes a cursor for this sort (or for ranked search when `ranked`).
pub fn decode(text: &str, sort: Sort, ranked: bool) -> Result<After, AppError> {
    let raw: Raw = cursor::decode(text).ok_or_else(not_ours)?;
    if ranked {
        return match (raw.s.as_str(), raw.o) {
            ("q", Some(o)) if o >= 0 => Ok(After::Offset(o)),
            _ => Err(not_ours()),
        };
    }
    if raw.s != sort.as_str() {
        return Err(not_ours());
    }
    let (Some(k), Some(i)) = (raw.k, raw.i) else {
        return Err(not_ours());
    };
    let key = if matches!(sort, Sort::Title | Sort::Position) {
        Key::Text(k)
    } else {
        Key::Time(NaiveDateTime::parse_from_str(&k, TIME).map_err(|_| not_ours())?)
    };
    Ok(After::Key(key, i))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn keys_round_trip(secs in 0i64..4_000_000_000, nanos in 0u32..1_000_000, id in "[a-f0-9-]{1,36}") {
            let t = chrono::DateTime::from_timestamp(secs, nanos * 1000).unwrap().naive_utc();
            let c = encode_key(Sort::PublishedDesc, &Key::Time(t), &id);
            prop_assert_eq!(decode(&c, Sort::PublishedDesc, false).unwrap(), After::Key(Key::Time(t), id));
        }

        #[test]
        fn garbage_is_refused(s in ".*") {
            let _ = decode(&s, Sort::Title, false);
        }
    }

    #[test]
    fn a_cursor_of_another_sort_is_refused() {
        let c = encode_key(Sort::Title, &Key::Text("a".into()), "x");
        assert!(decode(&c, Sort::PublishedDesc, false).is_err());
        assert!(decode("bm90IG91cnM", Sort::Title, false).is_err());
    }
}
