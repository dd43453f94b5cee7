//! Small real PDF documents for the demo downloads: A4, a title and the related text.

use printpdf::{BuiltinFont, IndirectFontRef, Mm, PdfDocument, PdfDocumentReference};

use crate::error::{AppError, AppResult};

const PAGE_W: f32 = 210.0;
const PAGE_H: f32 = 297.0;
const MARGIN: f32 = 20.0;
const TITLE_SIZE: f32 = 18.0;
const TEXT_SIZE: f32 = 11.0;
/// Line height in millimetres for the body text (11 pt with some leading).
const LINE_MM: f32 = 5.6;
/// Characters per line of 11 pt Helvetica within the margins (about 170 mm).
const LINE_CHARS: usize = 82;
/// At most this many pages, so the files stay small.
const MAX_PAGES: usize = 2;
/// Characters per line of the 12 pt bold subtitle and headings.
const SUBTITLE_CHARS: usize = 64;

/// An A4 PDF with `title` and `subtitle` on top and `markdown` laid out below them
/// (headings in bold, list items with a bullet), on at most two pages. The text uses the
/// built-in Helvetica (WinAnsi), which covers Dutch diacritics.
pub fn document(title: &str, subtitle: &str, markdown: &str) -> AppResult<Vec<u8>> {
    let (doc, page, layer) = PdfDocument::new(title, Mm(PAGE_W), Mm(PAGE_H), "tekst");
    let doc = doc
        .with_author("Onderwijs Alliantie")
        .with_creator("Onderwijs Alliantie CMS")
        .with_subject(subtitle);
    let regular = font(&doc, BuiltinFont::Helvetica)?;
    let bold = font(&doc, BuiltinFont::HelveticaBold)?;

    let mut head = vec![Line::Title(title.to_owned())];
    head.extend(
        wrap(subtitle, SUBTITLE_CHARS)
            .into_iter()
            .map(Line::Heading),
    );
    head.push(Line::Blank);
    let mut lines = head;
    lines.extend(layout(markdown));

    let per_page = lines_per_page();
    let mut chunks: Vec<&[Line]> = lines.chunks(per_page).take(MAX_PAGES).collect();
    if chunks.is_empty() {
        chunks.push(&[]);
    }
    for (n, chunk) in chunks.iter().enumerate() {
        let layer_ref = if n == 0 {
            doc.get_page(page).get_layer(layer)
        } else {
            let (p, l) = doc.add_page(Mm(PAGE_W), Mm(PAGE_H), "tekst");
            doc.get_page(p).get_layer(l)
        };
        let mut y = PAGE_H - MARGIN;
        for line in *chunk {
            match line {
                Line::Title(text) => {
                    y -= 4.0;
                    layer_ref.use_text(text.as_str(), TITLE_SIZE, Mm(MARGIN), Mm(y), &bold);
                    y -= 4.0;
                }
                Line::Heading(text) => {
                    layer_ref.use_text(text.as_str(), TEXT_SIZE + 1.0, Mm(MARGIN), Mm(y), &bold);
                }
                Line::Text(text) => {
                    layer_ref.use_text(text.as_str(), TEXT_SIZE, Mm(MARGIN), Mm(y), &regular);
                }
                Line::Blank => {}
            }
            y -= LINE_MM;
        }
        let footer = format!("Onderwijs Alliantie - {title} - pagina {}", n + 1);
        layer_ref.use_text(footer, 8.0, Mm(MARGIN), Mm(MARGIN / 2.0), &regular);
    }
    doc.save_to_bytes()
        .map_err(|e| AppError::internal(format!("cannot write the PDF '{title}': {e}")))
}

fn font(doc: &PdfDocumentReference, f: BuiltinFont) -> AppResult<IndirectFontRef> {
    doc.add_builtin_font(f)
        .map_err(|e| AppError::internal(format!("cannot add a PDF font: {e}")))
}

fn lines_per_page() -> usize {
    // Room between the top margin and the footer, in whole lines (the title takes one
    // line plus 8 mm).
    let usable = PAGE_H - 2.0 * MARGIN - 8.0;
    let n = (usable / LINE_MM).floor();
    if n >= 1.0 {
        // `n` is a small positive whole number here.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let n = n as usize;
        n
    } else {
        1
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Line {
    Title(String),
    Heading(String),
    Text(String),
    Blank,
}

/// Markdown to lines: `#` headings in bold, `- ` items with a bullet, `**` and link
/// targets dropped, paragraphs wrapped at word boundaries with a blank line between them.
fn layout(markdown: &str) -> Vec<Line> {
    let mut out = Vec::new();
    for source in markdown.lines() {
        let source = source.trim();
        if source.is_empty() {
            if !matches!(out.last(), None | Some(Line::Blank)) {
                out.push(Line::Blank);
            }
            continue;
        }
        let heading = source.trim_start_matches('#');
        if heading.len() < source.len() {
            out.extend(
                wrap(&plain(heading), SUBTITLE_CHARS)
                    .into_iter()
                    .map(Line::Heading),
            );
        } else if let Some(item) = source.strip_prefix("- ") {
            for (i, l) in wrap(&plain(item), LINE_CHARS - 3).into_iter().enumerate() {
                let mark = if i == 0 { "\u{2022} " } else { "   " };
                out.push(Line::Text(format!("{mark}{l}")));
            }
        } else {
            out.extend(wrap(&plain(source), LINE_CHARS).into_iter().map(Line::Text));
        }
    }
    while matches!(out.last(), Some(Line::Blank)) {
        out.pop();
    }
    out
}

/// Inline Markdown to plain text: emphasis markers removed, `[text](url)` → `text`.
fn plain(s: &str) -> String {
    let s = s.replace("**", "");
    let mut out = String::with_capacity(s.len());
    let mut rest = s.as_str();
    while let Some(open) = rest.find('[') {
        let after = &rest[open + 1..];
        let Some(close) = after.find("](") else { break };
        let Some(end) = after[close + 2..].find(')') else {
            break;
        };
        out.push_str(&rest[..open]);
        out.push_str(&after[..close]);
        rest = &after[close + 2 + end + 1..];
    }
    out.push_str(rest);
    out.trim().to_owned()
}

fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        let needed = if current.is_empty() {
            word.chars().count()
        } else {
            current.chars().count() + 1 + word.chars().count()
        };
        if needed > width && !current.is_empty() {
            lines.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
    }
    if !current.is_empty() {
        lines.push(current);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_of(bytes: &[u8]) -> (lopdf::Document, String) {
        let doc = lopdf::Document::load_mem(bytes).expect("a parseable PDF");
        let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
        let text = doc.extract_text(&pages).expect("text");
        (doc, text)
    }

    #[test]
    fn a_pdf_parses_and_carries_its_title() {
        let bytes = document(
            "Manifest De Onderwijs Alliantie",
            "Samen werken aan goed onderwijs voor ieder kind",
            "De Onderwijs Alliantie wil de **ontwikkelkansen** van kinderen vergroten.",
        )
        .unwrap();
        assert!(bytes.starts_with(b"%PDF-"));
        let (doc, text) = text_of(&bytes);
        assert_eq!(doc.get_pages().len(), 1);
        assert!(text.contains("Manifest De Onderwijs Alliantie"), "{text}");
        assert!(text.contains("Samen werken aan goed onderwijs"), "{text}");
        assert!(text.contains("de ontwikkelkansen van"), "{text}");
        assert!(!text.contains("**"), "{text}");
        assert!(bytes.len() < 20_000, "{} bytes", bytes.len());
    }

    #[test]
    fn dutch_diacritics_survive() {
        let bytes = document("Reünie", "Café", "‘living-lab’ – creëert • ¹").unwrap();
        let (_, text) = text_of(&bytes);
        assert!(text.contains("Reünie"), "{text}");
        assert!(text.contains("creëert"), "{text}");
        assert!(text.contains("‘living-lab’"), "{text}");
    }

    #[test]
    fn long_text_takes_two_pages_at_most() {
        let para = format!("{}\n\n", "woord ".repeat(400));
        let bytes = document("Lang", "Heel lang", &para.repeat(12)).unwrap();
        let (doc, _) = text_of(&bytes);
        assert_eq!(doc.get_pages().len(), MAX_PAGES);
    }

    #[test]
    fn markdown_becomes_plain_lines() {
        let lines = layout("## Kop\n\nTekst met [een link](/x) en **vet**.\n\n- punt\n");
        assert_eq!(
            lines,
            vec![
                Line::Heading("Kop".into()),
                Line::Blank,
                Line::Text("Tekst met een link en vet.".into()),
                Line::Blank,
                Line::Text("\u{2022} punt".into()),
            ]
        );
    }

    #[test]
    fn wrapping_keeps_words_whole_and_lines_short() {
        let lines = wrap(&"alliantie ".repeat(50), 30);
        assert!(lines.len() > 1);
        for l in &lines {
            assert!(l.chars().count() <= 30, "{l}");
            assert!(l.split(' ').all(|w| w == "alliantie"));
        }
    }
}
