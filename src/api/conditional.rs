//! Conditional requests (RFC 9110 §13), read with actix-web's typed headers.

use actix_web::HttpRequest;
use actix_web::http::header::{EntityTag, Header, IfMatch, IfNoneMatch, IfRange};

/// Whether the request's `If-None-Match` is `*` or names `etag` (weak comparison, RFC 9110
/// §13.1.2). `etag` is the quoted value our `ETag` header carries. A header that does not
/// parse names nothing.
pub fn none_match(req: &HttpRequest, etag: &str) -> bool {
    // Most requests carry no validator: for them, nothing is parsed or allocated.
    if !req.headers().contains_key(IfNoneMatch::name()) {
        return false;
    }
    match IfNoneMatch::parse(req) {
        Ok(IfNoneMatch::Any) => true,
        Ok(IfNoneMatch::Items(tags)) if !tags.is_empty() => etag
            .parse::<EntityTag>()
            .is_ok_and(|ours| tags.iter().any(|t| t.weak_eq(&ours))),
        _ => false,
    }
}

/// The strong entity tags the request's `If-Match` lists (RFC 9110 §13.1.1 compares
/// strongly, so weak ones name nothing); `None` without the header. `*` and a header that
/// does not parse list no tag.
pub fn if_match(req: &HttpRequest) -> Option<Vec<EntityTag>> {
    if !req.headers().contains_key(IfMatch::name()) {
        return None;
    }
    Some(match IfMatch::parse(req) {
        Ok(IfMatch::Items(tags)) => tags.into_iter().filter(|t| !t.weak).collect(),
        Ok(IfMatch::Any) | Err(_) => Vec::new(),
    })
}

/// `If-Range`: whether a part may be served, that is without the header or when it names
/// `etag` exactly (strong comparison). A date names no version of ours: we send no
/// `Last-Modified`.
pub fn if_range_allows(req: &HttpRequest, etag: &EntityTag) -> bool {
    if !req.headers().contains_key(IfRange::name()) {
        return true;
    }
    matches!(IfRange::parse(req), Ok(IfRange::EntityTag(t)) if t.strong_eq(etag))
}

#[cfg(test)]
mod tests {
    use actix_web::http::header;
    use actix_web::test::TestRequest;

    use super::*;

    fn req(name: header::HeaderName, values: &[&str]) -> HttpRequest {
        let mut r = TestRequest::default();
        for v in values {
            r = r.append_header((name.clone(), *v));
        }
        r.to_http_request()
    }

    #[test]
    fn if_none_match_compares_weakly_over_every_tag() {
        let inm = |v: &[&str]| none_match(&req(header::IF_NONE_MATCH, v), "\"abc\"");
        assert!(inm(&["\"abc\""]));
        assert!(inm(&["W/\"abc\""]));
        assert!(inm(&["\"x\", \"abc\""]));
        assert!(inm(&["\"x\"", "W/\"abc\""]));
        assert!(inm(&["*"]));
        assert!(!inm(&["\"abcd\""]));
        assert!(!inm(&["abc"]));
        assert!(!inm(&[]));
    }

    #[test]
    fn if_match_keeps_the_strong_tags() {
        let tags = |v: &[&str]| {
            if_match(&req(header::IF_MATCH, v))
                .map(|t| t.iter().map(|t| t.tag().to_owned()).collect::<Vec<_>>())
        };
        assert_eq!(tags(&[]), None);
        assert_eq!(
            tags(&["\"a:1\", W/\"a:2\", \"a:3\""]),
            Some(vec!["a:1".into(), "a:3".into()])
        );
        assert_eq!(
            tags(&["\"a:1\"", "\"a:4\""]),
            Some(vec!["a:1".into(), "a:4".into()])
        );
        assert_eq!(tags(&["*"]), Some(vec![]));
        assert_eq!(tags(&["a:1"]), Some(vec![]));
    }

    #[test]
    fn if_range_compares_strongly() {
        let ours = EntityTag::new_strong("abc".into());
        let ir = |v: &[&str]| if_range_allows(&req(header::IF_RANGE, v), &ours);
        assert!(ir(&[]));
        assert!(ir(&["\"abc\""]));
        assert!(!ir(&["W/\"abc\""]));
        assert!(!ir(&["\"abd\""]));
        assert!(!ir(&["Sat, 29 Oct 1994 19:43:31 GMT"]));
        assert!(!ir(&["nonsense"]));
    }
}
