//! Markdown bodies to safe HTML: pulldown-cmark renders, ammonia sanitises (no scripts, no
//! event handlers, no `javascript:` URLs; links get `rel="noopener"`).

use pulldown_cmark::{Options, Parser, html};

pub fn render(markdown: &str) -> String {
    let mut opts = Options::empty();
    opts.insert(Options::ENABLE_TABLES);
    opts.insert(Options::ENABLE_FOOTNOTES);
    opts.insert(Options::ENABLE_STRIKETHROUGH);
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut unsafe_html, Parser::new_ext(markdown, opts));
    sanitizer().clean(&unsafe_html).to_string()
}

fn sanitizer() -> &'static ammonia::Builder<'static> {
    static B: std::sync::OnceLock<ammonia::Builder<'static>> = std::sync::OnceLock::new();
    B.get_or_init(|| {
        let mut b = ammonia::Builder::default();
        b.link_rel(Some("noopener noreferrer"))
            .url_schemes(["http", "https", "mailto", "tel"].into_iter().collect());
        b
    })
}

#[cfg(test)]
mod tests {
    use super::render;

    #[test]
    fn dangerous_markup_is_removed() {
        let html = render(
            "[x](javascript:alert(1)) <script>alert(1)</script> <img src=x onerror=alert(1)> [ok](https://a.nl)",
        );
        assert!(!html.contains("<script"));
        assert!(!html.contains("onerror"));
        assert!(!html.contains("javascript:"));
        assert!(html.contains("rel=\"noopener noreferrer\""));
    }
}
