//! The request line, the one log line every request writes.
//!
//! It reads exactly as `tracing_subscriber`'s own formats would write it (text or JSON, the
//! same fields in the same order), but when the output is the batched one, it is put
//! together here and handed over directly: no event dispatch, no field visitors, and the
//! date formatted once a second rather than once a line. Other events, and the request line
//! when the output is a terminal (with colours), go through `tracing` as usual.
//!
//! Why this stays instead of an ordinary `tracing::info!` event: measured on the benchmark
//! (1 000 items, SQLite, two workers, variants alternated in one session on a loaded
//! two-core machine), the event formatted by `tracing_subscriber` cost ~0.6 µs more server
//! CPU per request: 7.5 % of a 304 answered from memory (8.25 -> 8.87 µs) and 6.7 % of an
//! item (9.88 -> 10.54 µs), over the 5 % a library may cost on a target case. Written
//! through `tracing-appender`'s non-blocking writer instead of [`super::batched`], it cost
//! 30-47 % more (a channel message, a wake-up and a write per line). What it costs to keep:
//! this file, and its tests below, which compare its lines with what `tracing_subscriber`
//! writes for the same event, so the two forms cannot drift apart.

use std::cell::RefCell;
use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

use super::batched::Batched;

/// One answered request, as logged.
pub struct RequestLine<'a> {
    pub at: SystemTime,
    pub method: &'a str,
    pub route: &'a str,
    pub status: u16,
    pub duration_ms: f64,
    pub request_id: &'a str,
}

/// The output request lines are written to directly, and whether as JSON.
struct Direct {
    out: Batched,
    json: bool,
}

static DIRECT: OnceLock<Direct> = OnceLock::new();

/// From now on, request lines are put together here and written to `out`.
pub fn write_directly(out: Batched, json: bool) {
    let _ = DIRECT.set(Direct { out, json });
}

thread_local! {
    /// The line being put together, and the date part of the last second formatted.
    static SCRATCH: RefCell<(Vec<u8>, u64, String)> =
        RefCell::new((Vec::with_capacity(256), u64::MAX, String::new()));
}

/// Writes the request line, through `tracing` unless [`write_directly`] was called.
pub fn log(line: &RequestLine<'_>) {
    let Some(direct) = DIRECT.get() else {
        through_tracing(line);
        return;
    };
    SCRATCH.with_borrow_mut(|(buf, second, date)| {
        buf.clear();
        let stamp = Stamp::of(line.at, second, date);
        if direct.json {
            json(buf, &stamp, line);
        } else {
            text(buf, &stamp, line);
        }
        direct.out.line(buf);
    });
}

/// The event `tracing_subscriber` formats into the same line.
fn through_tracing(line: &RequestLine<'_>) {
    tracing::info!(
        target: TARGET,
        method = %line.method,
        route = %line.route,
        status = line.status,
        duration_ms = format!("{:.2}", line.duration_ms),
        request_id = %line.request_id,
        "request"
    );
}

/// The target both forms show, as earlier request lines did.
pub const TARGET: &str = "oa_cms::telemetry";

/// An RFC 3339 time in UTC with microseconds, as tracing's default timer writes it.
struct Stamp<'a> {
    date: &'a str,
    micros: u32,
}

impl<'a> Stamp<'a> {
    /// `date` keeps `YYYY-MM-DDTHH:MM:SS.` of `second`, formatted again when it changes.
    fn of(at: SystemTime, second: &mut u64, date: &'a mut String) -> Self {
        let since = at.duration_since(UNIX_EPOCH).unwrap_or_default();
        if since.as_secs() != *second {
            *second = since.as_secs();
            date.clear();
            let secs = i64::try_from(since.as_secs()).unwrap_or_default();
            if let Some(t) = chrono::DateTime::from_timestamp(secs, 0) {
                use std::fmt::Write as _;
                let _ = write!(date, "{}.", t.format("%Y-%m-%dT%H:%M:%S"));
            }
        }
        Self {
            date,
            micros: since.subsec_micros(),
        }
    }
}

impl Stamp<'_> {
    fn push(&self, buf: &mut Vec<u8>) {
        buf.extend_from_slice(self.date.as_bytes());
        push_digits(buf, u64::from(self.micros), 6);
        buf.push(b'Z');
    }
}

/// `n` in decimal, padded with zeros to at least `width` digits.
fn push_digits(buf: &mut Vec<u8>, mut n: u64, width: usize) {
    let mut digits = [b'0'; 20];
    let mut i = digits.len();
    while n > 0 || digits.len() - i < width.max(1) {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
    }
    buf.extend_from_slice(&digits[i..]);
}

/// Milliseconds with two decimals, as `format!("{:.2}")` writes them (but for exact
/// halves, which this rounds up).
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
fn push_ms(buf: &mut Vec<u8>, ms: f64) {
    // Durations are positive and far below u64::MAX hundredths; `as` saturates anyway.
    let hundredths = (ms.max(0.0) * 100.0).round() as u64;
    push_digits(buf, hundredths / 100, 1);
    buf.push(b'.');
    push_digits(buf, hundredths % 100, 2);
}

fn text(buf: &mut Vec<u8>, at: &Stamp<'_>, l: &RequestLine<'_>) {
    at.push(buf);
    buf.extend_from_slice(b"  INFO ");
    buf.extend_from_slice(TARGET.as_bytes());
    buf.extend_from_slice(b": request method=");
    buf.extend_from_slice(l.method.as_bytes());
    buf.extend_from_slice(b" route=");
    buf.extend_from_slice(l.route.as_bytes());
    buf.extend_from_slice(b" status=");
    push_digits(buf, u64::from(l.status), 1);
    buf.extend_from_slice(b" duration_ms=\"");
    push_ms(buf, l.duration_ms);
    buf.extend_from_slice(b"\" request_id=");
    buf.extend_from_slice(l.request_id.as_bytes());
    buf.push(b'\n');
}

fn json(buf: &mut Vec<u8>, at: &Stamp<'_>, l: &RequestLine<'_>) {
    buf.extend_from_slice(b"{\"timestamp\":\"");
    at.push(buf);
    buf.extend_from_slice(b"\",\"level\":\"INFO\",\"fields\":{\"message\":\"request\",\"method\":");
    let _ = serde_json::to_writer(&mut *buf, l.method);
    buf.extend_from_slice(b",\"route\":");
    let _ = serde_json::to_writer(&mut *buf, l.route);
    buf.extend_from_slice(b",\"status\":");
    push_digits(buf, u64::from(l.status), 1);
    buf.extend_from_slice(b",\"duration_ms\":\"");
    push_ms(buf, l.duration_ms);
    buf.extend_from_slice(b"\",\"request_id\":");
    let _ = serde_json::to_writer(&mut *buf, l.request_id);
    buf.extend_from_slice(b"},\"target\":\"");
    buf.extend_from_slice(TARGET.as_bytes());
    buf.extend_from_slice(b"\"}\n");
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    use super::*;

    #[derive(Clone, Default)]
    struct Sink(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Sink {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Sink {
        type Writer = Sink;
        fn make_writer(&'a self) -> Sink {
            self.clone()
        }
    }

    fn sample(at: SystemTime) -> RequestLine<'static> {
        RequestLine {
            at,
            method: "GET",
            route: "/api/v1/content/{kind}/{slug}",
            status: 304,
            duration_ms: 0.0456,
            request_id: "56584c84-4020-40ac-a76e-d019ff361f0c",
        }
    }

    /// What `tracing_subscriber` writes for the same request, in the given format.
    fn from_tracing(json: bool) -> String {
        let sink = Sink::default();
        let builder = tracing_subscriber::fmt()
            .with_ansi(false)
            .with_writer(sink.clone());
        let dispatch = if json {
            tracing::Dispatch::new(builder.json().finish())
        } else {
            tracing::Dispatch::new(builder.finish())
        };
        tracing::dispatcher::with_default(&dispatch, || {
            through_tracing(&sample(SystemTime::now()));
        });
        String::from_utf8(sink.0.lock().unwrap().clone()).unwrap()
    }

    fn direct(json: bool, at: SystemTime) -> String {
        let mut buf = Vec::new();
        let (mut second, mut date) = (u64::MAX, String::new());
        let stamp = Stamp::of(at, &mut second, &mut date);
        if json {
            super::json(&mut buf, &stamp, &sample(at));
        } else {
            text(&mut buf, &stamp, &sample(at));
        }
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn the_text_line_reads_as_tracing_writes_it() {
        let ours = direct(false, SystemTime::now());
        let theirs = from_tracing(false);
        // The same after the time, which differs by when each was taken.
        let tail = |l: &str| l.split_once(' ').unwrap().1.to_owned();
        assert_eq!(tail(&ours), tail(&theirs));
        assert!(ours.ends_with('\n'));
    }

    #[test]
    fn the_json_line_reads_as_tracing_writes_it() {
        let mut ours: serde_json::Value =
            serde_json::from_str(&direct(true, SystemTime::now())).unwrap();
        let mut theirs: serde_json::Value = serde_json::from_str(&from_tracing(true)).unwrap();
        for v in [&mut ours, &mut theirs] {
            v.as_object_mut().unwrap().remove("timestamp").unwrap();
        }
        assert_eq!(ours, theirs);
        // Same keys in the same order, so the line is the same text too.
        assert_eq!(ours.to_string(), theirs.to_string());
    }

    #[test]
    fn the_time_is_rfc3339_utc_with_microseconds() {
        let at = UNIX_EPOCH + Duration::from_micros(1_795_546_327_000_042);
        let line = direct(false, at);
        assert!(
            line.starts_with("2026-11-24T18:52:07.000042Z  INFO "),
            "{line}"
        );
        // The date part is kept per second and formatted again when the second changes.
        let (mut second, mut date) = (u64::MAX, String::new());
        let mut written = |at| {
            let mut buf = Vec::new();
            Stamp::of(at, &mut second, &mut date).push(&mut buf);
            String::from_utf8(buf).unwrap()
        };
        let a = written(at);
        let b = written(at + Duration::from_micros(999_958));
        assert_eq!(a, "2026-11-24T18:52:07.000042Z");
        assert_eq!(b, "2026-11-24T18:52:08.000000Z");
    }

    #[test]
    fn numbers_are_written_as_format_writes_them() {
        for (n, width) in [
            (0, 1),
            (7, 1),
            (304, 1),
            (42, 6),
            (999_999, 6),
            (u64::MAX, 1),
        ] {
            let mut buf = Vec::new();
            push_digits(&mut buf, n, width);
            assert_eq!(String::from_utf8(buf).unwrap(), format!("{n:0width$}"));
        }
        for ms in [0.0, 0.004, 0.0456, 1.0, 12.345_6, 999.999, 54_321.01] {
            let mut buf = Vec::new();
            push_ms(&mut buf, ms);
            assert_eq!(String::from_utf8(buf).unwrap(), format!("{ms:.2}"));
        }
    }

    #[test]
    fn json_strings_are_escaped() {
        let mut buf = Vec::new();
        let (mut second, mut date) = (u64::MAX, String::new());
        let at = SystemTime::now();
        let stamp = Stamp::of(at, &mut second, &mut date);
        let line = RequestLine {
            method: "BR\"EW",
            ..sample(at)
        };
        super::json(&mut buf, &stamp, &line);
        let v: serde_json::Value = serde_json::from_slice(&buf).unwrap();
        assert_eq!(v["fields"]["method"], "BR\"EW");
    }
}
