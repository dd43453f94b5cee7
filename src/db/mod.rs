//! Database access: one connection type over SQLite and PostgreSQL, the pool, migrations.

pub mod audit;
pub mod content;
pub mod erasures;
pub mod files;
pub mod memberships;
pub mod public;
pub mod rate_limit;
pub mod schema;
pub mod settings;
pub mod text;
pub mod users;
pub mod webhooks;

use std::ops::{Deref, DerefMut};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection, Pool, PooledConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::cli::SqliteSynchronous;
use crate::error::{AppError, AppResult};

pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// A connection to either backend; queries written once with diesel's DSL run on both.
#[derive(diesel::MultiConnection)]
pub enum AnyConnection {
    Postgresql(diesel::PgConnection),
    Sqlite(diesel::SqliteConnection),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn from_url(url: &str) -> Self {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Self::Postgres
        } else {
            Self::Sqlite
        }
    }
}

/// Picks the backend by URL scheme, so a connection failure says what failed.
#[derive(Debug, Clone)]
pub struct Manager {
    url: String,
    backend: Backend,
    synchronous: SqliteSynchronous,
}

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConnectError(String);

/// The file behind a SQLite database URL (`sqlite://x`, `sqlite:x` or a plain path).
pub fn sqlite_path(url: &str) -> &str {
    url.strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url)
}

/// Set on every SQLite connection, followed by its `synchronous` setting.
const SQLITE_PRAGMAS: &str = "PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON; \
     PRAGMA journal_mode = WAL; PRAGMA cache_size = -2000;";

/// Set on every PostgreSQL connection. Each statement here reads a handful of rows by
/// index; a parallel worker, or compiling a plan with JIT (which the planner's estimate for
/// a search over a large table can set off), costs milliseconds of start-up that such a
/// statement never wins back: a list filtered by tag ran 4 ms in a Gather Merge where its
/// rows took 0.5 ms to read.
const POSTGRES_SETTINGS: &str = "SET max_parallel_workers_per_gather = 0; SET jit = off;";

/// Deleted and overwritten content is zeroed in the database file (and in the pages written
/// to the write-ahead log), so an erased record cannot be read back from the bytes.
const SQLITE_SECURE_DELETE: &str = "PRAGMA secure_delete = ON;";

impl Manager {
    /// A manager for `url`; SQLite connections sync every commit to disk.
    pub fn new(url: &str) -> Self {
        Self {
            url: url.to_owned(),
            backend: Backend::from_url(url),
            synchronous: SqliteSynchronous::Full,
        }
    }

    /// SQLite's `synchronous` setting for every connection made from now on.
    #[must_use]
    pub fn synchronous(mut self, synchronous: SqliteSynchronous) -> Self {
        self.synchronous = synchronous;
        self
    }

    fn connect_typed(&self) -> Result<AnyConnection, ConnectError> {
        match self.backend {
            Backend::Postgres => {
                let mut c = diesel::PgConnection::establish(&self.url)
                    .map_err(|e| ConnectError(format!("cannot connect to PostgreSQL: {e}")))?;
                c.batch_execute(POSTGRES_SETTINGS)
                    .map_err(|e| ConnectError(format!("cannot configure PostgreSQL: {e}")))?;
                Ok(AnyConnection::Postgresql(c))
            }
            Backend::Sqlite => {
                let mut c = diesel::SqliteConnection::establish(sqlite_path(&self.url))
                    .map_err(|e| ConnectError(format!("cannot open the SQLite database: {e}")))?;
                c.batch_execute(SQLITE_PRAGMAS)
                    .and_then(|()| c.batch_execute(self.synchronous.pragma()))
                    .map_err(|e| ConnectError(format!("cannot configure SQLite: {e}")))?;
                c.batch_execute(SQLITE_SECURE_DELETE)
                    .map_err(|e| ConnectError(format!("cannot configure SQLite: {e}")))?;
                Ok(AnyConnection::Sqlite(c))
            }
        }
    }
}

/// A pooled connection, with what the pool needs to know to skip checking it on checkout.
pub struct Pooled {
    conn: AnyConnection,
    /// When it was last given back to the pool.
    returned: Instant,
    /// Its last user ended with a database error, which may have been the server going
    /// away.
    suspect: bool,
}

impl Pooled {
    /// Checked again on its next checkout, whenever that is.
    pub fn suspect(&mut self) {
        self.suspect = true;
    }
}

impl Deref for Pooled {
    type Target = AnyConnection;
    fn deref(&self) -> &AnyConnection {
        &self.conn
    }
}

impl DerefMut for Pooled {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        &mut self.conn
    }
}

/// A connection given back within this long, and whose user ended without an error, is
/// taken out again without a statement to check it (as HikariCP's `aliveBypassWindowMs`):
/// under load every connection is in use all the time, and the check was one more round
/// trip per request. One that idled longer, or whose user saw an error (a server that went
/// away shows as one), is checked with `SELECT 1` first.
const CHECKED_RECENTLY: Duration = Duration::from_millis(500);

impl ManageConnection for Manager {
    type Connection = Pooled;
    type Error = ConnectError;

    fn connect(&self) -> Result<Pooled, ConnectError> {
        Ok(Pooled {
            conn: self.connect_typed()?,
            returned: Instant::now(),
            suspect: false,
        })
    }

    fn is_valid(&self, conn: &mut Pooled) -> Result<(), ConnectError> {
        if !conn.suspect && conn.returned.elapsed() < CHECKED_RECENTLY {
            return Ok(());
        }
        diesel::sql_query("SELECT 1")
            .execute(&mut conn.conn)
            .map(|_| ())
            .map_err(|e| ConnectError(e.to_string()))?;
        conn.suspect = false;
        Ok(())
    }

    /// Dropped instead of given back when its user panicked (a transaction may be left
    /// open) or diesel's transaction manager is in its error state, as diesel's own r2d2
    /// manager does.
    fn has_broken(&self, conn: &mut Pooled) -> bool {
        use diesel::r2d2::R2D2Connection;
        conn.returned = Instant::now();
        std::thread::panicking() || conn.conn.is_broken()
    }
}

pub type DbPool = Pool<Manager>;
pub type Conn = PooledConnection<Manager>;

/// The pool plus the knowledge of which backend it talks to.
#[derive(Clone)]
pub struct Db {
    pool: DbPool,
    backend: Backend,
    /// Transactions ended through [`Db::tx`] (committed or rolled back).
    ended: Arc<AtomicU64>,
}

impl Db {
    /// Runs the migrations on a typed connection, then builds the pool; SQLite syncs every
    /// commit to disk.
    pub fn connect(url: &str, pool_size: u32) -> Result<Self, ConnectError> {
        Self::connect_with(url, pool_size, SqliteSynchronous::Full)
    }

    /// Like [`Db::connect`], with SQLite's `synchronous` setting chosen.
    pub fn connect_with(
        url: &str,
        pool_size: u32,
        synchronous: SqliteSynchronous,
    ) -> Result<Self, ConnectError> {
        let manager = Manager::new(url).synchronous(synchronous);
        if manager.backend == Backend::Sqlite
            && let Some(parent) = std::path::Path::new(sqlite_path(url)).parent()
            && !parent.as_os_str().is_empty()
        {
            {
                {
                    std::fs::create_dir_all(parent).map_err(|e| {
                        ConnectError(format!("cannot create the database folder: {e}"))
                    })?;
                }
            }
        }
        run_migrations(&manager)?;
        let pool = Pool::builder()
            .max_size(pool_size)
            // A SQLite file does not drop a connection; checking each one on checkout would
            // cost a statement per request. A PostgreSQL server can, so it is checked when
            // it may have gone (see `CHECKED_RECENTLY`).
            .test_on_check_out(manager.backend == Backend::Postgres)
            .connection_timeout(Duration::from_secs(5))
            .build(manager.clone())
            .map_err(|e| ConnectError(format!("cannot build the connection pool: {e}")))?;
        Ok(Self {
            pool,
            backend: manager.backend,
            ended: Arc::default(),
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn pool(&self) -> &DbPool {
        &self.pool
    }

    /// Takes a connection, blocking; for code that already runs off the async threads.
    pub fn get(&self) -> AppResult<Conn> {
        Ok(self.pool.get()?)
    }

    /// Runs blocking database work on actix's blocking thread pool.
    pub async fn run<F, T>(&self, f: F) -> AppResult<T>
    where
        F: FnOnce(&mut AnyConnection) -> AppResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        let span = tracing::Span::current();
        actix_web::web::block(move || {
            let _guard = span.enter();
            let mut conn = pool.get()?;
            let out = f(&mut conn);
            // A server that went away shows as one of these (a refused request does not).
            if let Err(AppError::Unavailable(_) | AppError::Internal(_)) = &out {
                conn.suspect();
            }
            out
        })
        .await?
    }

    /// Runs a short read (an index lookup): on SQLite on the calling thread, with a pooled
    /// connection when one is idle, since that costs less than handing the work to another
    /// thread and back; WAL readers never wait for writers. Otherwise, and on PostgreSQL,
    /// like [`Db::run`].
    pub async fn read<F, T>(&self, f: F) -> AppResult<T>
    where
        F: FnOnce(&mut AnyConnection) -> AppResult<T> + Send + 'static,
        T: Send + 'static,
    {
        if self.backend == Backend::Sqlite
            && let Some(mut conn) = self.pool.try_get()
        {
            return f(&mut conn);
        }
        self.run(f).await
    }

    /// Like [`Db::run`], inside one transaction.
    pub async fn tx<F, T>(&self, f: F) -> AppResult<T>
    where
        F: FnOnce(&mut AnyConnection) -> AppResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let ended = self.ended.clone();
        self.run(move |conn| {
            let out = transaction(conn, f);
            ended.fetch_add(1, Ordering::Release);
            out
        })
        .await
    }

    /// How many transactions have ended through this pool's [`Db::tx`] so far. A reader
    /// that notes this before it reads knows, when the count has not moved since, that no
    /// write made through it can have landed in between.
    pub fn transactions_ended(&self) -> u64 {
        self.ended.load(Ordering::Acquire)
    }

    pub fn state(&self) -> r2d2::State {
        self.pool.state()
    }
}

/// One transaction. On SQLite it takes the write lock at once (`BEGIN IMMEDIATE`), so two
/// writers wait for each other instead of failing on a lock upgrade. Code inside never opens
/// a nested transaction.
pub fn transaction<T>(
    conn: &mut AnyConnection,
    f: impl FnOnce(&mut AnyConnection) -> AppResult<T>,
) -> AppResult<T> {
    run_transaction(conn, f)
}

fn run_transaction<T>(
    conn: &mut AnyConnection,
    f: impl FnOnce(&mut AnyConnection) -> AppResult<T>,
) -> AppResult<T> {
    if matches!(conn, AnyConnection::Postgresql(_)) {
        return conn
            .transaction(|c| f(c).map_err(TxError::App))
            .map_err(TxError::into_app);
    }
    conn.batch_execute("BEGIN IMMEDIATE")?;
    let mut guard = RollbackGuard(Some(conn));
    let out = f(guard.conn());
    let conn = guard
        .0
        .take()
        .ok_or_else(|| AppError::internal("transaction guard"))?;
    match out {
        Ok(v) => {
            if let Err(e) = conn.batch_execute("COMMIT") {
                let _ = conn.batch_execute("ROLLBACK");
                return Err(e.into());
            }
            Ok(v)
        }
        Err(e) => {
            conn.batch_execute("ROLLBACK")?;
            Err(e)
        }
    }
}

/// Rolls back if the closure panicked, so the pooled connection is clean again.
struct RollbackGuard<'a>(Option<&'a mut AnyConnection>);

impl RollbackGuard<'_> {
    fn conn(&mut self) -> &mut AnyConnection {
        match self.0.as_deref_mut() {
            Some(c) => c,
            None => unreachable!("guard used after release"),
        }
    }
}

impl Drop for RollbackGuard<'_> {
    fn drop(&mut self) {
        if let Some(c) = self.0.take() {
            let _ = c.batch_execute("ROLLBACK");
        }
    }
}

enum TxError {
    App(AppError),
    Db(diesel::result::Error),
}

impl From<diesel::result::Error> for TxError {
    fn from(e: diesel::result::Error) -> Self {
        Self::Db(e)
    }
}

impl TxError {
    fn into_app(self) -> AppError {
        match self {
            Self::App(e) => e,
            Self::Db(e) => e.into(),
        }
    }
}

fn run_migrations(manager: &Manager) -> Result<(), ConnectError> {
    let mut conn = manager.connect_typed()?;
    let result = match &mut conn {
        AnyConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(|_| ()),
        AnyConnection::Postgresql(c) => c.run_pending_migrations(POSTGRES_MIGRATIONS).map(|_| ()),
    };
    result.map_err(|e| ConnectError(format!("migrations failed: {e}")))
}

/// A query PostgreSQL plans anew for the values of each call, instead of preparing it once
/// per connection. A prepared statement there is soon run with a generic plan, made for an
/// average value; where values are skewed (a file referenced by one item, or by thousands),
/// that plan can be a full scan where the value at hand needs one index lookup. SQLite's
/// plans do not depend on the values, so there it is prepared once, as every statement is.
pub struct PlannedPerCall<Q> {
    query: Q,
    cache: bool,
}

impl<Q> PlannedPerCall<Q> {
    pub fn new(conn: &AnyConnection, query: Q) -> Self {
        Self {
            query,
            cache: matches!(conn, AnyConnection::Sqlite(_)),
        }
    }
}

impl<Q> diesel::query_builder::QueryId for PlannedPerCall<Q> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Q: diesel::query_builder::Query> diesel::query_builder::Query for PlannedPerCall<Q> {
    type SqlType = Q::SqlType;
}

impl<Q, C> RunQueryDsl<C> for PlannedPerCall<Q> {}

impl<Q: diesel::query_builder::QueryFragment<MultiBackend>>
    diesel::query_builder::QueryFragment<MultiBackend> for PlannedPerCall<Q>
{
    fn walk_ast<'b>(
        &'b self,
        mut out: diesel::query_builder::AstPass<'_, 'b, MultiBackend>,
    ) -> QueryResult<()> {
        if !self.cache {
            out.unsafe_to_cache_prepared();
        }
        self.query.walk_ast(out.reborrow())
    }
}
