//! Safe file names: sanitised on upload, shown inline or as an attachment, with an ASCII
//! fallback for `Content-Disposition` (written by the API with actix-web's typed header).

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Longest name kept, in characters.
pub const MAX_FILENAME_CHARS: usize = 200;
/// Longest extension kept whole when a long name is shortened.
const MAX_EXTENSION_CHARS: usize = 16;

/// Characters that render as nothing or reorder text: dropped, so a name cannot disguise
/// its extension (`invoice\u{202e}fdp.exe`).
fn is_invisible(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{00ad}' | '\u{061c}' | '\u{180e}' | '\u{200b}'..='\u{200f}'
            | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206f}'
            | '\u{feff}')
}

fn is_kept(c: char) -> bool {
    c.is_alphanumeric() || is_combining_mark(c) || "-_.()+,&'!".contains(c)
}

const RESERVED: [&str; 22] = [
    "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8",
    "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

/// A name safe to store, show and send: only the last path component, NFC, no control or
/// invisible characters, letters of any script (Dutch `ë`, `é`, `ĳ` included), digits and
/// `-_.()+,&'!`; anything else becomes `_`; runs of white space become one space; no
/// leading or trailing dots or spaces; at most 200 characters with the extension kept.
/// An empty result becomes `file` with `extension`, when given.
pub fn sanitize_filename(raw: &str, extension: Option<&str>) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let mut out = String::with_capacity(base.len());
    let mut after_space = false;
    for c in base.nfc() {
        let c = if c.is_whitespace() {
            ' '
        } else if is_invisible(c) {
            continue;
        } else if is_kept(c) {
            c
        } else {
            '_'
        };
        if c == ' ' && after_space {
            continue;
        }
        after_space = c == ' ';
        out.push(c);
    }
    let mut name = trim_name(&out).to_owned();
    if name.chars().count() > MAX_FILENAME_CHARS {
        name = shorten(&name);
    }
    if name.is_empty() {
        return match extension {
            Some(ext) if !ext.is_empty() => format!("file.{ext}"),
            _ => "file".to_owned(),
        };
    }
    let stem = name
        .split('.')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    if RESERVED.contains(&stem.as_str()) {
        name.insert(0, '_');
    }
    name
}

fn trim_name(s: &str) -> &str {
    s.trim_matches(|c| c == ' ' || c == '.')
        .trim_start_matches('-')
}

fn shorten(name: &str) -> String {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e)
        .filter(|e| !e.is_empty() && e.chars().count() <= MAX_EXTENSION_CHARS);
    match ext {
        Some(ext) => {
            let keep = MAX_FILENAME_CHARS - ext.chars().count() - 1;
            let stem: String = name.chars().take(keep).collect();
            format!("{}.{ext}", trim_name(&stem))
        }
        None => trim_name(&name.chars().take(MAX_FILENAME_CHARS).collect::<String>()).to_owned(),
    }
}

/// Whether browsers should show the file rather than save it: PDF and images. Types we
/// never sniff (SVG, HTML as an image) cannot end up inline.
pub fn is_inline(content_type: &str) -> bool {
    content_type == "application/pdf" || content_type.starts_with("image/")
}

/// The ASCII stand-in for `filename=`: accents folded (`é` → `e`), anything else non-ASCII,
/// quotes and backslashes as `_`.
pub fn ascii_fallback(name: &str) -> String {
    name.nfd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| {
            if c.is_ascii() && !c.is_ascii_control() && c != '"' && c != '\\' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_made_safe() {
        let s = |n: &str| sanitize_filename(n, Some("pdf"));
        assert_eq!(
            s("Manifest Onderwijs 2026.pdf"),
            "Manifest Onderwijs 2026.pdf"
        );
        assert_eq!(s("../../etc/passwd"), "passwd");
        assert_eq!(s("C:\\Users\\jan\\Reünie.pdf"), "Reünie.pdf");
        // Decomposed input (macOS) comes out composed.
        assert_eq!(s("Reu\u{0308}nie.pdf"), "Reünie.pdf");
        assert_eq!(s("Café één ĳs.docx"), "Café één ĳs.docx");
        assert_eq!(s("a\u{0}b\nc\td.txt"), "ab c d.txt");
        assert_eq!(s("factuur\u{202e}fdp.exe"), "factuurfdp.exe");
        assert_eq!(s("a\"b<c>d|e?*;.pdf"), "a_b_c_d_e___.pdf");
        assert_eq!(s("  ..verborgen.  "), "verborgen");
        assert_eq!(s("-rf.txt"), "rf.txt");
        assert_eq!(s("con.txt"), "_con.txt");
        assert_eq!(s(""), "file.pdf");
        assert_eq!(s("../"), "file.pdf");
        assert_eq!(sanitize_filename("", None), "file");
        let long = format!("{}.pdf", "x".repeat(500));
        let short = s(&long);
        assert_eq!(short.chars().count(), MAX_FILENAME_CHARS);
        assert!(short.ends_with("x.pdf"));
    }
}
