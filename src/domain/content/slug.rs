//! Slugs: `[a-z0-9]+(-[a-z0-9]+)*`, derived from a title with diacritics folded.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

pub const MAX_SLUG: usize = 200;
/// Derived slugs are cut shorter than the maximum, at a word boundary, to stay readable.
const MAX_DERIVED: usize = 80;

/// Whether `s` is a well-formed slug.
pub fn is_valid(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= MAX_SLUG
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Folds diacritics and the few letters that do not decompose: "Reünie" → "Reunie",
/// "Straße" → "Strasse".
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.nfkd().filter(|c| !is_combining_mark(*c)) {
        match c {
            'ß' => out.push_str("ss"),
            'æ' => out.push_str("ae"),
            'Æ' => out.push_str("AE"),
            'œ' => out.push_str("oe"),
            'Œ' => out.push_str("OE"),
            'ø' => out.push('o'),
            'Ø' => out.push('O'),
            'đ' | 'ð' => out.push('d'),
            'Đ' | 'Ð' => out.push('D'),
            'ł' => out.push('l'),
            'Ł' => out.push('L'),
            'ı' => out.push('i'),
            'þ' => out.push_str("th"),
            'Þ' => out.push_str("Th"),
            'ħ' => out.push('h'),
            'Ħ' => out.push('H'),
            'ŋ' => out.push('n'),
            'Ŋ' => out.push('N'),
            'ŧ' => out.push('t'),
            'Ŧ' => out.push('T'),
            _ => out.push(c),
        }
    }
    out
}

/// A slug from a title, or `None` when the title has no letters or digits that fold to
/// ASCII.
pub fn derive(title: &str) -> Option<String> {
    let folded = fold(title).to_ascii_lowercase();
    let words: Vec<&str> = folded
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let mut slug = String::new();
    for w in words {
        if slug.is_empty() {
            slug.push_str(w);
            if slug.len() > MAX_DERIVED {
                slug.truncate(MAX_DERIVED);
            }
        } else if slug.len() + 1 + w.len() <= MAX_DERIVED {
            slug.push('-');
            slug.push_str(w);
        } else {
            break;
        }
    }
    (!slug.is_empty()).then_some(slug)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn derives_dutch_titles() {
        assert_eq!(derive("Reünie").as_deref(), Some("reunie"));
        assert_eq!(derive("Café").as_deref(), Some("cafe"));
        assert_eq!(
            derive("  Het Manifest: één school, vóór iedereen!  ").as_deref(),
            Some("het-manifest-een-school-voor-iedereen")
        );
        assert_eq!(derive("Straße & Co").as_deref(), Some("strasse-co"));
        assert_eq!(derive("Ĳsselmeer").as_deref(), Some("ijsselmeer"));
        assert_eq!(derive("!!!"), None);
        assert_eq!(derive("日本語"), None);
    }

    #[test]
    fn validates() {
        assert!(is_valid("a"));
        assert!(is_valid("onderwijs-2030"));
        for bad in ["", "-a", "a-", "a--b", "A", "a_b", "é", "a b"] {
            assert!(!is_valid(bad), "{bad}");
        }
        assert!(!is_valid(&"a".repeat(MAX_SLUG + 1)));
    }

    proptest! {
        #[test]
        fn derivation_yields_a_valid_slug_or_none(title in "\\PC{0,300}") {
            if let Some(s) = derive(&title) {
                prop_assert!(is_valid(&s), "{s:?} from {title:?}");
                prop_assert!(s.len() <= MAX_DERIVED);
            } else {
                prop_assert!(!fold(&title).chars().any(|c| c.is_ascii_alphanumeric()));
            }
        }

        #[test]
        fn folding_leaves_no_combining_marks(title in "[a-zA-Z\u{00C0}-\u{00D6}\u{00D8}-\u{00F6}\u{00F8}-\u{00FF} ]{0,60}") {
            let folded = fold(&title);
            prop_assert!(!folded.chars().any(is_combining_mark));
            // Latin-1 letters all fold to ASCII.
            prop_assert!(folded.is_ascii(), "{folded:?}");
        }

        #[test]
        fn derivation_is_idempotent(title in "\\PC{0,100}") {
            if let Some(s) = derive(&title) {
                prop_assert_eq!(derive(&s), Some(s.clone()));
            }
        }
    }
}
