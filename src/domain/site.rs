//! The website's shape as the API describes it: item URLs from the public URL template, and
//! the order of `sort=position`.

use super::content::Kind;

/// The URL template when none is configured.
pub const DEFAULT_URL_TEMPLATE: &str = "/{kind}/{slug}";
/// Where an item is on the website.
pub fn url(template: &str, kind: Kind, slug: &str, id: &str) -> String {
    template
        .replace("{kind}", kind.as_str())
        .replace("{slug}", slug)
        .replace("{id}", id)
}

/// Where the website previews an item: `--preview-url-template` with `{token}` filled in
/// besides the item's `{kind}`, `{slug}` and `{id}`.
pub fn preview_url(template: &str, token: &str, kind: Kind, slug: &str, id: &str) -> String {
    // A token is base64url, so it holds no placeholder of its own.
    url(&template.replace("{token}", token), kind, slug, id)
}

/// The key `sort=position` orders by: the position, zero-padded, then the title key; items
/// without a position after every item with one.
pub fn position_key(position: Option<i64>, title_key: &str) -> String {
    match position {
        Some(p) => format!("{p:07} {title_key}"),
        None => format!("~ {title_key}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_are_filled_in() {
        assert_eq!(
            url("/site/{kind}/{slug}?id={id}", Kind::Page, "missie", "x"),
            "/site/page/missie?id=x"
        );
    }

    #[test]
    fn preview_templates_are_filled_in() {
        assert_eq!(
            preview_url(
                "https://www.example.nl/preview?token={token}&p=/{kind}/{slug}",
                "abc-_1",
                Kind::News,
                "welkom",
                "x"
            ),
            "https://www.example.nl/preview?token=abc-_1&p=/news/welkom"
        );
    }

    #[test]
    fn positions_order_before_titles_and_none_last() {
        let mut keys = [
            position_key(None, "aap"),
            position_key(Some(10), "aap"),
            position_key(Some(2), "zebra"),
            position_key(Some(2), "beer"),
        ];
        keys.sort();
        assert_eq!(
            keys,
            [
                position_key(Some(2), "beer"),
                position_key(Some(2), "zebra"),
                position_key(Some(10), "aap"),
                position_key(None, "aap"),
            ]
        );
    }
}
