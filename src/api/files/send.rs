//! Sends a stored blob over HTTP: `ETag` from the SHA-256, `If-None-Match` → 304, one
//! `Range` → 206, streamed from disk in chunks.

use std::io::{self, Read, Seek, SeekFrom};

use actix_web::body::SizedStream;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderMap, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};

use crate::api::conditional::none_match;
use crate::db::files::FileRow;
use crate::error::{AppError, AppResult};
use crate::storage::{Storage, content_disposition, sniff};

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

/// Parses one `bytes=` range (RFC 9110 §14.1): `a-b`, `a-`, `-n`. A header that does not
/// parse is ignored, as the RFC asks; several ranges are answered with the whole file.
pub fn parse_range(value: &str, size: u64) -> RangeAsk {
    let Some(spec) = value.trim().strip_prefix("bytes=") else {
        return RangeAsk::Whole;
    };
    if spec.contains(',') {
        return RangeAsk::Whole;
    }
    let Some((first, last)) = spec.trim().split_once('-') else {
        return RangeAsk::Whole;
    };
    let number = |s: &str| -> Option<u64> {
        let s = s.trim();
        (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    match (first.trim().is_empty(), last.trim().is_empty()) {
        // -n: the last n bytes.
        (true, false) => match number(last) {
            Some(0) => RangeAsk::Unsatisfiable,
            Some(n) if size > 0 => RangeAsk::Part {
                start: size.saturating_sub(n),
                end: size - 1,
            },
            Some(_) => RangeAsk::Unsatisfiable,
            None => RangeAsk::Whole,
        },
        // a-: from a to the end.
        (false, true) => match number(first) {
            Some(a) if a < size => RangeAsk::Part {
                start: a,
                end: size - 1,
            },
            Some(_) => RangeAsk::Unsatisfiable,
            None => RangeAsk::Whole,
        },
        (false, false) => match (number(first), number(last)) {
            (Some(a), Some(b)) if a <= b => {
                if a < size {
                    RangeAsk::Part {
                        start: a,
                        end: b.min(size - 1),
                    }
                } else {
                    RangeAsk::Unsatisfiable
                }
            }
            _ => RangeAsk::Whole,
        },
        (true, true) => RangeAsk::Whole,
    }
}

/// `If-Range`: serve a part only when it names this entity tag exactly (strong comparison).
fn if_range_allows(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get(header::IF_RANGE)
        .is_none_or(|v| v.to_str().is_ok_and(|v| v.trim() == etag))
}

/// Sends the file's bytes with its validators and `cache_control`.
pub async fn send(
    req: &HttpRequest,
    storage: &Storage,
    file: &FileRow,
    cache_control: &HeaderValue,
) -> AppResult<HttpResponse> {
    let etag = format!("\"{}\"", file.sha256);
    let headers = req.headers();
    if none_match(headers, &etag) {
        return Ok(HttpResponse::NotModified()
            .insert_header((header::ETAG, etag))
            .insert_header((header::CACHE_CONTROL, cache_control.clone()))
            .finish());
    }
    let size = u64::try_from(file.size).map_err(AppError::internal)?;
    let ask = match headers.get(header::RANGE).and_then(|v| v.to_str().ok()) {
        Some(v) if if_range_allows(headers, &etag) => parse_range(v, size),
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
    .insert_header((header::ETAG, etag))
    .insert_header((header::CACHE_CONTROL, cache_control.clone()))
    .insert_header((header::ACCEPT_RANGES, "bytes"))
    .insert_header((
        header::CONTENT_DISPOSITION,
        content_disposition(&file.filename, &file.content_type),
    ))
    .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"));
    if status == StatusCode::PARTIAL_CONTENT {
        resp.insert_header((
            header::CONTENT_RANGE,
            format!("bytes {start}-{}/{size}", start + len - 1),
        ));
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
