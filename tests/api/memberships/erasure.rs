//! Erasure reaches the storage: with a reader holding an older snapshot open during the
//! erasure, the e-mail address leaves the database's bytes once that reader is done.

use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::sql_types::{BigInt, Bool, Bytea, Text};
use diesel::{Connection, QueryableByName, RunQueryDsl};

use super::{list, sign_up};
use crate::both_backends;
use crate::support::TestApp;

both_backends!(erased_address_leaves_the_bytes_after_a_reader_is_done);

const EMAIL: &str = "zoe.devries@example.nl";

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// A second connection, outside the app's pool, reading inside a transaction: it holds a
/// snapshot in which the record still exists.
enum Reader {
    Sqlite(diesel::SqliteConnection),
    Postgres(diesel::PgConnection),
}

impl Reader {
    fn open(app: &TestApp) -> Self {
        let mut reader = if let Some(pg) = &app.pg {
            Self::Postgres(diesel::PgConnection::establish(&pg.url).unwrap())
        } else {
            let path = app.dir.path().join("cms.db");
            Self::Sqlite(diesel::SqliteConnection::establish(path.to_str().unwrap()).unwrap())
        };
        let n = match &mut reader {
            Self::Sqlite(c) => {
                c.batch_execute("BEGIN").unwrap();
                diesel::sql_query("SELECT COUNT(*) AS n FROM memberships").get_result::<Count>(c)
            }
            Self::Postgres(c) => {
                c.batch_execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
                    .unwrap();
                diesel::sql_query("SELECT COUNT(*) AS n FROM memberships").get_result::<Count>(c)
            }
        };
        assert_eq!(n.unwrap().n, 2);
        reader
    }

    /// Still sees the erased record, in its snapshot.
    fn still_sees_both(&mut self) -> bool {
        let n =
            match self {
                Self::Sqlite(c) => diesel::sql_query("SELECT COUNT(*) AS n FROM memberships")
                    .get_result::<Count>(c),
                Self::Postgres(c) => diesel::sql_query("SELECT COUNT(*) AS n FROM memberships")
                    .get_result::<Count>(c),
            };
        n.unwrap().n == 2
    }

    fn close(self) {
        match self {
            Self::Sqlite(mut c) => c.batch_execute("COMMIT").unwrap(),
            Self::Postgres(mut c) => c.batch_execute("COMMIT").unwrap(),
        }
    }
}

fn contains(bytes: &[u8], needle: &str) -> bool {
    bytes
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

#[derive(QueryableByName)]
struct Super {
    #[diesel(sql_type = Bool)]
    rolsuper: bool,
}

#[derive(QueryableByName)]
struct Bytes {
    #[diesel(sql_type = Text)]
    path: String,
    #[diesel(sql_type = Bytea)]
    bytes: Vec<u8>,
}

/// The files (by name) whose bytes hold the address: on SQLite the database and its log, on
/// PostgreSQL the membership table's heap, TOAST and index files, read through the server
/// after a checkpoint wrote its buffers out (which takes a superuser).
fn files_holding(app: &TestApp, needle: &str) -> Vec<String> {
    let Some(pg) = &app.pg else {
        let found = ["cms.db", "cms.db-wal"]
            .into_iter()
            .filter(|f| {
                std::fs::read(app.dir.path().join(f)).is_ok_and(|bytes| contains(&bytes, needle))
            })
            .map(str::to_owned)
            .collect();
        return found;
    };
    let mut c = diesel::PgConnection::establish(&pg.url).unwrap();
    let su: Super = diesel::sql_query("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        .get_result(&mut c)
        .unwrap();
    assert!(
        su.rolsuper,
        "the role of TEST_DATABASE_URL must be a superuser to read the table's files"
    );
    c.batch_execute("CHECKPOINT").unwrap();
    let files: Vec<Bytes> = diesel::sql_query(
        "SELECT CAST(p AS TEXT) AS path, pg_read_binary_file(p) AS bytes FROM ( \
           SELECT pg_relation_filepath(oid) AS p FROM pg_class \
           WHERE oid = 'memberships'::regclass \
              OR oid = (SELECT reltoastrelid FROM pg_class WHERE oid = 'memberships'::regclass) \
              OR oid IN (SELECT indexrelid FROM pg_index WHERE indrelid = 'memberships'::regclass) \
         ) f WHERE p IS NOT NULL",
    )
    .load(&mut c)
    .unwrap();
    assert!(files.len() >= 4, "the table, its TOAST table and indexes");
    files
        .into_iter()
        .filter(|f| contains(&f.bytes, needle))
        .map(|f| f.path)
        .collect()
}

async fn erased_address_leaves_the_bytes_after_a_reader_is_done(app: TestApp) {
    sign_up(&app, "Zoë de Vries", EMAIL).await;
    sign_up(&app, "Piet Pietersen", "piet@example.nl").await;
    // The search does find the address before, so finding nothing after means something.
    assert!(
        !files_holding(&app, EMAIL).is_empty(),
        "the address is not in the storage at all"
    );
    let id = list(&app, "?q=zoe.devries").await["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let mut reader = Reader::open(&app);
    crate::memberships::erase(&app, &id).await.expect(204);
    app.admin_get(&format!("/api/v1/admin/memberships/{id}"))
        .await
        .problem(404);
    assert_eq!(list(&app, "").await["total"], 1);
    // The reader's snapshot still holds the record: no backend can drop it under it.
    assert!(reader.still_sees_both());
    actix_web::rt::time::sleep(Duration::from_millis(300)).await;
    reader.close();

    // Once the reader is done, the server's retries push the old rows out.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let left = files_holding(&app, EMAIL);
        if left.is_empty() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the erased address is still in {left:?}"
        );
        actix_web::rt::time::sleep(Duration::from_millis(200)).await;
    }
    // The other person's record is untouched.
    let v = list(&app, "").await;
    assert_eq!(v["items"][0]["email"], "piet@example.nl");
    let others = app
        .state
        .db
        .run(
            |c| Ok(diesel::sql_query("SELECT COUNT(*) AS n FROM erasures").get_result::<Count>(c)?),
        )
        .await
        .unwrap();
    assert_eq!(others.n, 1, "one ledger entry for the erased address");
}
