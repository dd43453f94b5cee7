//! The content type of an upload, told from its bytes rather than from its name.

/// How many leading bytes are kept for sniffing.
pub const HEAD_LEN: usize = 64 * 1024;

/// The content type from the magic bytes at the start (`head`); text when there are none
/// and the whole file is UTF-8 without NUL bytes; otherwise `application/octet-stream`.
pub fn content_type(head: &[u8], is_text: bool) -> String {
    if let Some(kind) = infer::get(head) {
        return kind.mime_type().to_owned();
    }
    if is_text {
        "text/plain".to_owned()
    } else {
        "application/octet-stream".to_owned()
    }
}

/// The `Content-Type` to send for a stored type: `text/plain` was checked to be UTF-8.
pub fn header_value(content_type: &str) -> String {
    if content_type == "text/plain" {
        format!("{content_type}; charset=utf-8")
    } else {
        content_type.to_owned()
    }
}

/// Checks UTF-8 across chunk boundaries while an upload streams by.
#[derive(Debug, Default)]
pub struct TextCheck {
    invalid: bool,
    /// The start of a character split by a chunk boundary (at most 3 bytes).
    carry: Vec<u8>,
}

impl TextCheck {
    pub fn feed(&mut self, chunk: &[u8]) {
        if self.invalid {
            return;
        }
        if chunk.contains(&0) {
            self.invalid = true;
            return;
        }
        let joined;
        let data = if self.carry.is_empty() {
            chunk
        } else {
            joined = [self.carry.as_slice(), chunk].concat();
            joined.as_slice()
        };
        match std::str::from_utf8(data) {
            Ok(_) => self.carry.clear(),
            Err(e) if e.error_len().is_none() => {
                self.carry = data[e.valid_up_to()..].to_vec();
            }
            Err(_) => self.invalid = true,
        }
    }

    /// Whether everything fed was UTF-8 text.
    pub fn is_text(&self) -> bool {
        !self.invalid && self.carry.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pdf_is_pdf_whatever_its_name() {
        assert_eq!(
            content_type(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", false),
            "application/pdf"
        );
        assert_eq!(
            content_type(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", false),
            "image/png"
        );
    }

    #[test]
    fn text_survives_split_characters() {
        let text = "Reünie in Zeeland: café, één, naïef".as_bytes();
        for split in 0..text.len() {
            let mut check = TextCheck::default();
            check.feed(&text[..split]);
            check.feed(&text[split..]);
            assert!(check.is_text(), "split at {split}");
        }
        let mut cut = TextCheck::default();
        cut.feed(&text[..3]);
        assert!(!cut.is_text(), "a character cut off at the end is not text");
        let mut bin = TextCheck::default();
        bin.feed(b"abc\xff\xfe");
        assert!(!bin.is_text());
        let mut nul = TextCheck::default();
        nul.feed(b"abc\0def");
        assert!(!nul.is_text());
        assert_eq!(content_type(b"hallo", true), "text/plain");
        assert_eq!(header_value("text/plain"), "text/plain; charset=utf-8");
        assert_eq!(header_value("application/pdf"), "application/pdf");
        assert_eq!(content_type(b"\xff\xfe", false), "application/octet-stream");
    }
}
