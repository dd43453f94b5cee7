//! Dutch full-text terms: lower-cased, diacritics folded, Snowball-stemmed in the
//! application, so SQLite's FTS5 and PostgreSQL's text search match exactly the same words
//! ("leraren" finds "leraar", "reünie" finds "reunie").

use rust_stemmers::{Algorithm, Stemmer};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Lower-cases and strips diacritics: "Reünie" → "reunie".
pub fn fold(text: &str) -> String {
    text.nfkd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

fn stemmer() -> &'static Stemmer {
    static S: std::sync::OnceLock<Stemmer> = std::sync::OnceLock::new();
    S.get_or_init(|| Stemmer::create(Algorithm::Dutch))
}

/// The stems of a text, in order, each `[a-z0-9]+`.
pub fn stems(text: &str) -> Vec<String> {
    let folded = fold(text);
    folded
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| stemmer().stem(w).into_owned())
        .collect()
}

/// The indexed terms of a document: its stems joined by spaces.
pub fn terms(parts: &[&str]) -> String {
    parts
        .iter()
        .flat_map(|p| stems(p))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The stems of a query, at most 16 distinct, safe to put in any full-text syntax.
pub fn query_stems(q: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in stems(q) {
        if !out.contains(&s) {
            out.push(s);
        }
        if out.len() == 16 {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dutch_plurals_meet_their_singular() {
        assert_eq!(stems("leraar"), stems("leraren"));
        assert_eq!(stems("school"), stems("scholen"));
        assert_eq!(stems("Reünie"), stems("reunie"));
        assert_eq!(fold("Café Één"), "cafe een");
    }

    #[test]
    fn query_stems_are_plain_words() {
        let q = query_stems("\"onderwijs\" OR leraren* -- ; DROP");
        assert!(
            q.iter()
                .all(|s| s.chars().all(|c| c.is_ascii_alphanumeric()))
        );
        assert!(q.contains(&"lerar".to_owned()));
    }
}
