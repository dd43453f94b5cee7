//! Sends a stored blob over HTTP: `ETag` from the SHA-256, `If-None-Match` → 304, one
//! `Range` → 206, streamed from disk in chunks.

use std::io::{self, Read, Seek, SeekFrom};

use actix_web::body::SizedStream;
use actix_web::http::StatusCode;
use actix_web::http::header::{
    self, Charset, ContentDisposition, ContentRange, ContentRangeSpec, DispositionParam,
    DispositionType, ETag, EntityTag, ExtendedValue, HeaderValue, Range,
};
use actix_web::{HttpRequest, HttpResponse, web};

use crate::api::conditional::{if_range_allows, none_match};
use crate::db::files::FileRow;
use crate::error::{AppError, AppResult};
use crate::storage::names::{ascii_fallback, is_inline};
use crate::storage::{Storage, sniff};

const CHUNK: u64 = 64 * 1024;

/// What a `Range` header asks of a file of a given size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeAsk {
    /// No range, one we do not serve in part (several ranges), or one that does not parse:
    /// the whole file.
    Whole,
    /// Bytes `start..=end`.
    Part { start: u64, end: u64 },
    /// A well-formed range outside the file: 416.
    Unsatisfiable,
}

/// What one `bytes=` range (RFC 9110 §14.1: `a-b`, `a-`, `-n`) asks of a file of `size`
/// bytes. A header that does not parse is ignored, as the RFC asks; several ranges are
/// answered with the whole file.
pub fn parse_range(value: &str, size: u64) -> RangeAsk {
    // Rust's integer parsing takes a leading `+`, which a range may not have.
    if value.contains('+') {
        return RangeAsk::Whole;
    }
    match value.parse::<Range>() {
        Ok(Range::Bytes(specs)) => {
            match specs.as_slice() {
                [one] => one.to_satisfiable_range(size).map_or(
                    RangeAsk::Unsatisfiable,
                    |(start, end)| RangeAsk::Part { start, end },
                ),
                _ => RangeAsk::Whole,
            }
        }
        _ => RangeAsk::Whole,
    }
}

/// `inline` or `attachment` with the name: `filename="…"` for every client, and
/// `filename*=UTF-8''…` (RFC 8187) when the name is not plain ASCII.
pub fn content_disposition(filename: &str, content_type: &str) -> ContentDisposition {
    let ascii = ascii_fallback(filename);
    let mut parameters = vec![DispositionParam::Filename(ascii.clone())];
    if ascii != filename {
        parameters.push(DispositionParam::FilenameExt(ExtendedValue {
            charset: Charset::Ext("UTF-8".into()),
            language_tag: None,
            value: filename.as_bytes().to_vec(),
        }));
    }
    ContentDisposition {
        disposition: if is_inline(content_type) {
            DispositionType::Inline
        } else {
            DispositionType::Attachment
        },
        parameters,
    }
}

/// Sends the file's bytes with its validators and `cache_control`.
pub async fn send(
    req: &HttpRequest,
    storage: &Storage,
    file: &FileRow,
    cache_control: &HeaderValue,
) -> AppResult<HttpResponse> {
    let etag = EntityTag::new_strong(file.sha256.clone());
    if none_match(req, &etag.to_string()) {
        return Ok(HttpResponse::NotModified()
            .insert_header(ETag(etag))
            .insert_header((header::CACHE_CONTROL, cache_control.clone()))
            .finish());
    }
    let size = u64::try_from(file.size).map_err(AppError::internal)?;
    let ask = match req
        .headers()
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
    {
        Some(v) if if_range_allows(req, &etag) => parse_range(v, size),
        _ => RangeAsk::Whole,
    };
    let (status, start, len) = match ask {
        RangeAsk::Whole => (StatusCode::OK, 0, size),
        RangeAsk::Part { start, end } => (StatusCode::PARTIAL_CONTENT, start, end - start + 1),
        RangeAsk::Unsatisfiable => return Err(AppError::RangeNotSatisfiable(size)),
    };
    let path = storage.blob_path(&file.sha256)?;
    let id = file.id.clone();
    let (blob, on_disk) = web::block(move || -> AppResult<(std::fs::File, u64)> {
        let mut blob = std::fs::File::open(&path)
            .map_err(|e| AppError::internal(format!("blob of file {id} cannot be opened: {e}")))?;
        let on_disk = blob.metadata()?.len();
        if start > 0 {
            blob.seek(SeekFrom::Start(start))?;
        }
        Ok((blob, on_disk))
    })
    .await??;
    if on_disk != size {
        return Err(AppError::internal(format!(
            "blob of file {} has {on_disk} bytes, the record says {size}",
            file.id
        )));
    }
    let mut resp = HttpResponse::build(status);
    resp.insert_header((
        header::CONTENT_TYPE,
        sniff::header_value(&file.content_type),
    ))
    .insert_header(ETag(etag))
    .insert_header((header::CACHE_CONTROL, cache_control.clone()))
    .insert_header((header::ACCEPT_RANGES, "bytes"))
    .insert_header(content_disposition(&file.filename, &file.content_type))
    .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"));
    if status == StatusCode::PARTIAL_CONTENT {
        resp.insert_header(ContentRange(ContentRangeSpec::Bytes {
            range: Some((start, start + len - 1)),
            instance_length: Some(size),
        }));
    }
    Ok(resp.body(SizedStream::new(len, stream(blob, len))))
}

/// The next `remaining` bytes of `file`, in chunks, each read on the blocking pool into a
/// buffer allocated here (so it is freed by the thread that allocated it).
fn stream(
    file: std::fs::File,
    remaining: u64,
) -> impl futures_util::Stream<Item = Result<web::Bytes, io::Error>> {
    futures_util::stream::unfold((Some(file), remaining), |(file, remaining)| async move {
        let file = file?;
        if remaining == 0 {
            return None;
        }
        let want = remaining.min(CHUNK);
        let buf = Vec::with_capacity(usize::try_from(want).unwrap_or(64 * 1024));
        let read = web::block(move || {
            let mut buf = buf;
            let n = (&file).take(want).read_to_end(&mut buf)?;
            Ok::<_, io::Error>((file, buf, n))
        })
        .await
        .map_err(io::Error::other)
        .and_then(|r| r);
        match read {
            Ok((_, _, 0)) => Some((
                Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "the blob is shorter than its record",
                )),
                (None, 0),
            )),
            Ok((file, buf, n)) => {
                let left = remaining.saturating_sub(n as u64);
                Some((Ok(web::Bytes::from(buf)), (Some(file), left)))
            }
            Err(e) => Some((Err(e), (None, 0))),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dispositions() {
        let content_disposition = |name, ty| content_disposition(name, ty).to_string();
        assert_eq!(
            content_disposition("manifest.pdf", "application/pdf"),
            "inline; filename=\"manifest.pdf\""
        );
        assert_eq!(
            content_disposition("foto.png", "image/png"),
            "inline; filename=\"foto.png\""
        );
        assert_eq!(
            content_disposition("Reünie verslag.docx", "application/zip"),
            "attachment; filename=\"Reunie verslag.docx\"; \
             filename*=UTF-8''Re%C3%BCnie%20verslag.docx"
        );
        assert_eq!(
            content_disposition("日本.txt", "text/plain"),
            "attachment; filename=\"__.txt\"; filename*=UTF-8''%E6%97%A5%E6%9C%AC.txt"
        );
        assert_eq!(
            content_disposition("a'b.txt", "text/plain"),
            "attachment; filename=\"a'b.txt\""
        );
        // actix-web encodes a little more than RFC 8187 asks (`-`), which clients decode alike.
        assert_eq!(
            content_disposition("Zoë-2026.pdf", "application/pdf"),
            "inline; filename=\"Zoe-2026.pdf\"; filename*=UTF-8''Zo%C3%AB%2D2026.pdf"
        );
    }

    #[test]
    fn ranges() {
        use RangeAsk::{Part, Unsatisfiable, Whole};
        let p = |v| parse_range(v, 1000);
        assert_eq!(p("bytes=0-99"), Part { start: 0, end: 99 });
        assert_eq!(
            p("bytes=500-"),
            Part {
                start: 500,
                end: 999
            }
        );
        assert_eq!(
            p("bytes=-100"),
            Part {
                start: 900,
                end: 999
            }
        );
        assert_eq!(p("bytes=-5000"), Part { start: 0, end: 999 });
        assert_eq!(
            p("bytes=990-5000"),
            Part {
                start: 990,
                end: 999
            }
        );
        assert_eq!(
            p("bytes=999-999"),
            Part {
                start: 999,
                end: 999
            }
        );
        assert_eq!(p("bytes=1000-"), Unsatisfiable);
        assert_eq!(p("bytes=1000-1001"), Unsatisfiable);
        assert_eq!(p("bytes=-0"), Unsatisfiable);
        assert_eq!(p("bytes=0-1,5-6"), Whole);
        assert_eq!(p("bytes=5-1"), Whole);
        assert_eq!(p("bytes=x-1"), Whole);
        assert_eq!(p("bytes=-"), Whole);
        assert_eq!(p("items=0-1"), Whole);
        assert_eq!(p("bytes=+1-2"), Whole);
        assert_eq!(parse_range("bytes=0-", 0), Unsatisfiable);
    }
}
