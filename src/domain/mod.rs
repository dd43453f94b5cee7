//! Validated types and the rules of the product, free of HTTP.

pub mod content;
pub mod files;
pub mod markdown;
pub mod memberships;
pub mod search;
pub mod users;

/// The public URL of a file.
pub fn files_url(id: &str, filename: &str) -> String {
    format!("/api/v1/files/{id}/{}", urlencode_segment(filename))
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

fn urlencode_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
    }
    out
}
