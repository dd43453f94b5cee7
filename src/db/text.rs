//! Case-insensitive "contains" search in SQL, written the same way for every list.

use diesel::sql_types::{Nullable, Text};

diesel::define_sql_function! {
    /// SQL `lower()`: ASCII only on SQLite, so the pattern is lowercased here as well.
    fn lower(x: Text) -> Text;
}

diesel::define_sql_function! {
    /// `lower()` of a column that may be NULL.
    #[sql_name = "lower"]
    fn lower_nullable(x: Nullable<Text>) -> Nullable<Text>;
}

/// The escape character of [`contains_pattern`]: use it as `.like(p).escape(LIKE_ESCAPE)`.
pub const LIKE_ESCAPE: char = '\\';

/// A `LIKE` pattern matching text that contains `q` in any case: `q` lowercased, with its
/// wildcards (`%`, `_`) and the escape character escaped.
pub fn contains_pattern(q: &str) -> String {
    let q = q.to_lowercase();
    let mut p = String::with_capacity(q.len() + 2);
    p.push('%');
    for c in q.chars() {
        if matches!(c, '%' | '_' | LIKE_ESCAPE) {
            p.push(LIKE_ESCAPE);
        }
        p.push(c);
    }
    p.push('%');
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_are_taken_literally() {
        assert_eq!(contains_pattern("Reünie"), "%reünie%");
        assert_eq!(contains_pattern("50%_a\\b"), "%50\\%\\_a\\\\b%");
        assert_eq!(contains_pattern(""), "%%");
    }
}
