//! Public answers kept in memory, never staler than the database allows.
//!
//! An answer (the body of a list or of an item, and its ETag) is stored with the stamp it
//! was built under, and served only while that stamp is current. The stamp is the change
//! counter of the public rows (raised by triggers in the writing transaction, whichever
//! process writes) together with the next time a row's visibility window opens or closes.
//! The stamp is read from the database again:
//! - after any transaction this process has ended, so its own edits show at once;
//! - when that next visibility time has come, so a scheduled change shows at its time;
//! - once it is a second old, or older than `max-age` if that is shorter. A change made by
//!   another process on the same database shows within that time, which never exceeds
//!   what `Cache-Control: max-age` already lets every client keep an answer.
//!
//! One request at a time reads the stamp; requests that find it old meanwhile wait for that
//! read and use it when it began after they arrived. (When every request read it itself,
//! some 30 identical reads arrived at once each second, took every pooled connection, and
//! on PostgreSQL on a busy machine sometimes took up to a second, holding up every request.)
//!
//! Answers are built after the stamp is read, so a stored answer is never older than its
//! stamp. The store is bounded in bytes; the least useful answers make room.

use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock, PoisonError, RwLock};
use std::time::{Duration, Instant};

use actix_web::http::header::HeaderValue;
use actix_web::web::Bytes;
use chrono::{NaiveDateTime, Utc};
use quick_cache::Weighter;
use quick_cache::sync::Cache;

use crate::db::Db;
use crate::db::public::query;
use crate::error::AppResult;
use crate::telemetry::metrics::AnswerCounts;

/// The state of the public rows an answer was built from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    generation: i64,
    /// The next time a row becomes visible or stops being so.
    until: Option<NaiveDateTime>,
}

/// A stored answer: the body and, for items, the ETag.
#[derive(Clone)]
pub struct Answer {
    stamp: Stamp,
    pub etag: Option<HeaderValue>,
    pub body: Bytes,
    /// The body gzip-compressed, made on the first request that accepts it and shared by
    /// every copy of this answer.
    gzip: Arc<OnceLock<Bytes>>,
}

impl Answer {
    /// The body compressed with gzip (made once per stored answer).
    pub fn gzip(&self) -> Bytes {
        self.gzip
            .get_or_init(|| {
                let mut out = flate2::write::GzEncoder::new(
                    Vec::with_capacity(self.body.len() / 4),
                    flate2::Compression::default(),
                );
                // Writing into a Vec does not fail.
                let _ = out.write_all(&self.body);
                out.finish().map(Bytes::from).unwrap_or_default()
            })
            .clone()
    }
}

#[derive(Clone)]
struct ByteSize;

impl Weighter<String, Answer> for ByteSize {
    fn weight(&self, key: &String, answer: &Answer) -> u64 {
        let etag = answer.etag.as_ref().map_or(0, HeaderValue::len);
        // The entry's own bookkeeping, roughly.
        (key.len() + etag + answer.body.len() + 96) as u64
    }
}

/// When the stamp was last read and what it was.
#[derive(Clone, Copy)]
struct Known {
    stamp: Stamp,
    /// Taken before the read.
    read_at: Instant,
    /// [`Db::transactions_ended`] before the read.
    transactions: u64,
}

pub struct Answers {
    /// None when the store is turned off (size 0).
    entries: Option<Cache<String, Answer, ByteSize>>,
    known: RwLock<Option<Known>>,
    /// Held while the stamp is read, so that it is read once, not by every request that
    /// finds it old at the same moment.
    reading: tokio::sync::Mutex<()>,
    /// How old a stamp may get before it is read again.
    recheck: Duration,
    hits: AtomicU64,
    misses: AtomicU64,
}

impl Answers {
    /// A store of at most `bytes` (0 turns it off), for answers clients may keep for
    /// `max_age` seconds.
    pub fn new(bytes: u64, max_age: u32) -> Self {
        let entries = (bytes > 0).then(|| {
            let estimated = usize::try_from(bytes / 8192).unwrap_or(usize::MAX).max(16);
            Cache::with_weighter(estimated, bytes, ByteSize)
        });
        Self {
            entries,
            known: RwLock::new(None),
            reading: tokio::sync::Mutex::new(()),
            recheck: Duration::from_secs(u64::from(max_age)).min(Duration::from_secs(1)),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    /// The current stamp, read from the database when it may have moved (see the module
    /// documentation); None when the store is off.
    pub async fn stamp(&self, db: &Db) -> AppResult<Option<Stamp>> {
        self.stamp_read_by(
            || db.transactions_ended(),
            |now| db.read(move |c| query::stamp(c, now)),
        )
        .await
    }

    /// [`Self::stamp`], with `ended` counting the transactions ended through the pool and
    /// `read` asking the database for the stamp as of a time.
    async fn stamp_read_by<F, R>(
        &self,
        ended: impl Fn() -> u64,
        read: F,
    ) -> AppResult<Option<Stamp>>
    where
        F: FnOnce(NaiveDateTime) -> R,
        R: Future<Output = AppResult<(i64, Option<NaiveDateTime>)>>,
    {
        if self.entries.is_none() {
            return Ok(None);
        }
        let transactions = ended();
        let asked_at = Instant::now();
        let now = Utc::now().naive_utc();
        let current = |k: &Known| k.stamp.until.is_none_or(|t| now < t);
        if let Some(k) = self.known()
            && k.transactions == transactions
            && k.read_at.elapsed() < self.recheck
            && current(&k)
        {
            return Ok(Some(k.stamp));
        }
        let _turn = self.reading.lock().await;
        // A read that began after this request asked saw every change this one must see.
        if let Some(k) = self.known()
            && k.read_at >= asked_at
            && current(&k)
        {
            return Ok(Some(k.stamp));
        }
        let transactions = ended();
        let read_at = Instant::now();
        let now = Utc::now().naive_utc();
        let (generation, until) = read(now).await?;
        let stamp = Stamp { generation, until };
        *self.known.write().unwrap_or_else(PoisonError::into_inner) = Some(Known {
            stamp,
            read_at,
            transactions,
        });
        Ok(Some(stamp))
    }

    fn known(&self) -> Option<Known> {
        *self.known.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// The answer stored for `key`, when it was built under `stamp`.
    pub fn get(&self, key: &str, stamp: Option<Stamp>) -> Option<Answer> {
        let (entries, stamp) = (self.entries.as_ref()?, stamp?);
        let hit = entries.get(key).filter(|a| a.stamp == stamp);
        let counter = if hit.is_some() {
            &self.hits
        } else {
            &self.misses
        };
        counter.fetch_add(1, Ordering::Relaxed);
        hit
    }

    pub fn counts(&self) -> AnswerCounts {
        AnswerCounts {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
        }
    }

    /// Stores an answer built after `stamp` was read; answers it as stored, or `None` when
    /// the store is off or there is no stamp.
    pub fn put(
        &self,
        key: String,
        stamp: Option<Stamp>,
        etag: Option<HeaderValue>,
        body: Bytes,
    ) -> Option<Answer> {
        let (entries, stamp) = (self.entries.as_ref()?, stamp?);
        let answer = Answer {
            stamp,
            etag,
            body,
            gzip: Arc::default(),
        };
        entries.insert(key, answer.clone());
        Some(answer)
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;
    use std::time::Duration;

    use super::*;

    #[actix_web::test]
    async fn requests_that_find_the_stamp_old_together_read_it_once() {
        // max-age 0: every request needs a stamp read after it arrived.
        let answers = Answers::new(1 << 20, 0);
        let reads = Cell::new(0);
        let read = |_now| {
            reads.set(reads.get() + 1);
            let n = reads.get();
            async move {
                actix_web::rt::time::sleep(Duration::from_millis(20)).await;
                Ok((n, None))
            }
        };
        let stamps =
            futures_util::future::join_all((0..20).map(|_| answers.stamp_read_by(|| 0, read)))
                .await;
        // All twenty arrived during the first read, so the second one, begun after they
        // all asked, serves them all; the first serves only the first.
        assert_eq!(reads.get(), 2);
        let stamps: Vec<Stamp> = stamps.into_iter().map(|s| s.unwrap().unwrap()).collect();
        assert_eq!(stamps[0].generation, 1);
        assert!(stamps[1..].iter().all(|s| s.generation == 2));
        // A request arriving later reads again.
        let later = answers.stamp_read_by(|| 0, read).await.unwrap().unwrap();
        assert_eq!((later.generation, reads.get()), (3, 3));
    }
}
