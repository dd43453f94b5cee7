//! Markdown bodies to safe HTML: pulldown-cmark renders, ammonia sanitises (no scripts, no
//! event handlers, no `javascript:` URLs; links get `rel="noopener"`).
//!
//! Links to other items are written `[text](item:<uuid>)` and images of uploaded files
//! `![alt](file:<uuid>)` (a file may also be linked: `[text](file:<uuid>)`). Rendering asks
//! a resolver for each one's URL; a link whose target has none (an item not published)
//! becomes its text, an image without one its alt text.

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd, html};

/// What an `item:` or `file:` link points at.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Target {
    Item(String),
    File(String),
}

impl Target {
    fn parse(dest: &str) -> Option<Self> {
        let (scheme, id) = dest.split_once(':')?;
        let id = id.trim();
        let ok = uuid::Uuid::parse_str(id).is_ok();
        match scheme {
            "item" => Some(Self::Item(if ok { id.to_owned() } else { String::new() })),
            "file" => Some(Self::File(if ok { id.to_owned() } else { String::new() })),
            _ => None,
        }
    }
}

fn options() -> Options {
    let mut opts = Options::empty();
    opts.insert(Options::ENABLE_TABLES);
    opts.insert(Options::ENABLE_FOOTNOTES);
    opts.insert(Options::ENABLE_STRIKETHROUGH);
    opts
}

/// Every `item:` and `file:` target in the text, in order, each once. A target whose id
/// is not a UUID is given with an empty id.
pub fn targets(markdown: &str) -> Vec<Target> {
    let mut out: Vec<Target> = Vec::new();
    if !markdown.contains("item:") && !markdown.contains("file:") {
        return out;
    }
    for event in Parser::new_ext(markdown, options()) {
        if let Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) = &event
            && let Some(t) = Target::parse(dest_url)
            && !out.contains(&t)
        {
            out.push(t);
        }
    }
    out
}

pub fn render(markdown: &str) -> String {
    render_with(markdown, |_| None)
}

/// Renders, giving `item:` and `file:` targets the URL `resolve` returns for them.
pub fn render_with(markdown: &str, resolve: impl Fn(&Target) -> Option<String>) -> String {
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    // For each open link: whether it was dropped (its text stays).
    let mut open: Vec<bool> = Vec::new();
    // Inside a dropped image: its alt text is written as plain text.
    let mut dropped_image = 0usize;
    let events = Parser::new_ext(markdown, options()).filter_map(|event| match event {
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => match Target::parse(&dest_url) {
            None => {
                open.push(false);
                Some(Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }))
            }
            Some(t) => {
                let url = resolve(&t);
                open.push(url.is_none());
                url.map(|url| {
                    Event::Start(Tag::Link {
                        link_type,
                        dest_url: CowStr::from(url),
                        title,
                        id,
                    })
                })
            }
        },
        Event::End(TagEnd::Link) => {
            if open.pop().unwrap_or(false) {
                None
            } else {
                Some(Event::End(TagEnd::Link))
            }
        }
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => match Target::parse(&dest_url).map(|t| resolve(&t)) {
            Some(None) => {
                dropped_image += 1;
                None
            }
            Some(Some(url)) => Some(Event::Start(Tag::Image {
                link_type,
                dest_url: CowStr::from(url),
                title,
                id,
            })),
            None => Some(Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            })),
        },
        Event::End(TagEnd::Image) if dropped_image > 0 => {
            dropped_image -= 1;
            None
        }
        Event::Text(t) if dropped_image > 0 => Some(Event::Text(t)),
        e if dropped_image > 0 && !matches!(e, Event::Text(_)) => None,
        e => Some(e),
    });
    html::push_html(&mut unsafe_html, events);
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
    use super::{Target, render, render_with, targets};

    const A: &str = "0193a4e2-7c2e-7000-8000-00000000000a";
    const B: &str = "0193a4e2-7c2e-7000-8000-00000000000b";

    #[test]
    fn item_and_file_targets_are_found_once_each() {
        let md = format!(
            "[a](item:{A}) and [again](item:{A}), ![img](file:{B}), [ref][r], [bad](item:xyz)\n\n[r]: item:{B}"
        );
        assert_eq!(
            targets(&md),
            [
                Target::Item(A.into()),
                Target::File(B.into()),
                Target::Item(B.into()),
                Target::Item(String::new())
            ]
        );
    }

    #[test]
    fn links_resolve_or_become_text() {
        let md =
            format!("See [the manifest](item:{A}), [gone](item:{B}) and ![Het wiel](file:{A}).");
        let html = render_with(&md, |t| match t {
            Target::Item(id) if id == A => Some("/manifest/m".into()),
            Target::File(id) if id == A => Some("/api/v1/files/x/wiel.png".into()),
            _ => None,
        });
        assert!(html.contains("<a href=\"/manifest/m\""), "{html}");
        assert!(html.contains(" gone "), "{html}");
        assert!(!html.contains("item:"), "{html}");
        assert!(
            html.contains("<img src=\"/api/v1/files/x/wiel.png\" alt=\"Het wiel\""),
            "{html}"
        );
        let none = render_with(&format!("![Het wiel](file:{B}) [x](item:{A})"), |_| None);
        assert_eq!(none.trim(), "<p>Het wiel x</p>");
    }

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
