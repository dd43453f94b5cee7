//! The PostgreSQL side of backups: `pg_dump` into the backup (one snapshot, shared with the
//! check that every stored file it refers to was copied) and `pg_restore` back into an
//! empty database or schema.

use std::path::Path;
use std::process::{Command, Output};

use diesel::connection::SimpleConnection;
use diesel::sql_types::BigInt;
use diesel::{Connection, PgConnection, QueryableByName, RunQueryDsl};

/// Where the application's tables live: the schema the URL's `options` put first on the
/// search path (`?options=-csearch_path%3Dcms`), or the whole database.
pub fn schema_of(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url).ok()?;
    let options = parsed
        .query_pairs()
        .find(|(k, _)| k == "options")
        .map(|(_, v)| v.into_owned())?;
    search_path_schema(&options)
}

/// The first schema of a `search_path` set in libpq's `options` (`-c search_path=a,b`,
/// `-csearch_path=a`, `--search_path=a`).
fn search_path_schema(options: &str) -> Option<String> {
    let mut tokens = options.split_whitespace();
    while let Some(t) = tokens.next() {
        let setting = if t == "-c" {
            tokens.next()?
        } else if let Some(s) = t.strip_prefix("-c").or_else(|| t.strip_prefix("--")) {
            s
        } else {
            continue;
        };
        if let Some((name, value)) = setting.split_once('=')
            && name.trim().replace('-', "_") == "search_path"
        {
            let first = value.split(',').next()?.trim().trim_matches('"');
            return (!first.is_empty() && first != "$user").then(|| first.to_owned());
        }
    }
    None
}

/// A URL for the client tools without the password (it would show in the process list),
/// and the password to hand them in `PGPASSWORD`.
fn split_password(url: &str) -> (String, Option<String>) {
    let Ok(mut parsed) = url::Url::parse(url) else {
        return (url.to_owned(), None);
    };
    let password = parsed.password().map(|p| {
        percent_encoding::percent_decode_str(p)
            .decode_utf8_lossy()
            .into_owned()
    });
    if password.is_some() && parsed.set_password(None).is_err() {
        return (url.to_owned(), None);
    }
    (parsed.into(), password)
}

/// A pattern for `pg_dump --schema` matching exactly this name.
fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn tool(name: &str, url: &str) -> Command {
    let (url, password) = split_password(url);
    let mut cmd = Command::new(name);
    if let Some(p) = password {
        cmd.env("PGPASSWORD", p);
    }
    cmd.arg(format!("--dbname={url}"));
    cmd
}

fn run(name: &str, mut cmd: Command) -> Result<Output, String> {
    let out = cmd.output().map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            format!(
                "{name} is needed to back up and restore a PostgreSQL database and was not \
                 found on the PATH: install the PostgreSQL client tools (e.g. the package \
                 postgresql-client), of the server's major version or newer"
            )
        } else {
            format!("cannot run {name}: {e}")
        }
    })?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let detail: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
        return Err(format!("{name} failed: {}", detail.join(" / ")));
    }
    Ok(out)
}

/// Fails with a clear message when `pg_dump` cannot be run, before anything is written.
pub fn check_tools(names: &[&str]) -> Result<(), String> {
    for name in names {
        let mut cmd = Command::new(name);
        cmd.arg("--version");
        run(name, cmd)?;
    }
    Ok(())
}

/// One read-only snapshot of the database, held open while the backup copies the files,
/// so the dump and the check of the copied files see the same rows.
pub struct Snapshot {
    conn: PgConnection,
    id: String,
}

#[derive(QueryableByName)]
struct SnapshotId {
    #[diesel(sql_type = diesel::sql_types::Text)]
    id: String,
}

#[derive(QueryableByName)]
struct BlobRef {
    #[diesel(sql_type = diesel::sql_types::Text)]
    sha256: String,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn connect(url: &str) -> Result<PgConnection, String> {
    PgConnection::establish(url).map_err(|e| format!("cannot connect to PostgreSQL: {e}"))
}

impl Snapshot {
    pub fn take(url: &str) -> Result<Self, String> {
        let mut conn = connect(url)?;
        conn.batch_execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .map_err(|e| format!("cannot start the backup's snapshot: {e}"))?;
        let id = diesel::sql_query("SELECT pg_export_snapshot() AS id")
            .get_result::<SnapshotId>(&mut conn)
            .map_err(|e| format!("cannot start the backup's snapshot: {e}"))?
            .id;
        Ok(Self { conn, id })
    }

    /// `pg_dump` of the snapshot in its custom format, of the URL's schema only when it
    /// names one.
    pub fn dump(&self, url: &str, schema: Option<&str>, target: &Path) -> Result<(), String> {
        let mut cmd = tool("pg_dump", url);
        cmd.arg("--format=custom")
            .arg(format!("--snapshot={}", self.id))
            .arg("--file")
            .arg(target);
        if let Some(s) = schema {
            cmd.arg(format!("--schema={}", quoted(s)));
        }
        run("pg_dump", cmd)?;
        Ok(())
    }

    /// The stored files the snapshot's rows refer to.
    pub fn blob_refs(&mut self) -> Result<Vec<String>, String> {
        let refs: Vec<BlobRef> = diesel::sql_query("SELECT DISTINCT sha256 FROM files")
            .load(&mut self.conn)
            .map_err(|e| format!("cannot read the stored files' records: {e}"))?;
        Ok(refs.into_iter().map(|r| r.sha256).collect())
    }
}

/// Whether the target holds no table, view or sequence yet: in the URL's schema when it
/// names one, else in any schema of the database.
pub fn is_empty(url: &str, schema: Option<&str>) -> Result<bool, String> {
    let mut conn = connect(url)?;
    let q = match schema {
        Some(_) => {
            "SELECT COUNT(*) AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE n.nspname = $1"
        }
        None => {
            "SELECT COUNT(*) AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE n.nspname <> $1 AND n.nspname <> 'information_schema' \
             AND n.nspname NOT LIKE 'pg\\_%'"
        }
    };
    let n = diesel::sql_query(q)
        .bind::<diesel::sql_types::Text, _>(schema.unwrap_or("pg_catalog"))
        .get_result::<Count>(&mut conn)
        .map_err(|e| format!("cannot look into the target database: {e}"))?
        .n;
    Ok(n == 0)
}

/// Loads a dump made by [`Snapshot::dump`] into the database at `url`, in one transaction:
/// a failure leaves nothing behind. Objects get the restoring role as owner.
pub fn load(url: &str, schema: Option<&str>, dump: &Path, work_dir: &Path) -> Result<(), String> {
    if let Some(s) = schema {
        // The schema may exist already (empty), as made by whoever set up the database.
        connect(url)?
            .batch_execute(&format!(
                "CREATE SCHEMA IF NOT EXISTS \"{}\"",
                s.replace('"', "\"\"")
            ))
            .map_err(|e| format!("cannot create the schema {s}: {e}"))?;
    }
    let mut list = Command::new("pg_restore");
    list.arg("--list").arg(dump);
    let toc = String::from_utf8_lossy(&run("pg_restore", list)?.stdout).into_owned();
    // The schema's own entry: made above instead, since it may exist already.
    let mut entries: Vec<&str> = toc
        .lines()
        .filter(|l| !(schema.is_some() && l.contains(" SCHEMA - ")))
        .collect();
    entries.push("");
    let list_path = work_dir.join("pg_restore.list");
    std::fs::write(&list_path, entries.join("\n"))
        .map_err(|e| format!("cannot write {}: {e}", list_path.display()))?;
    let mut cmd = tool("pg_restore", url);
    cmd.args([
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        "--single-transaction",
    ])
    .arg(format!("--use-list={}", list_path.display()))
    .arg(dump);
    let result = run("pg_restore", cmd);
    let _ = std::fs::remove_file(&list_path);
    result.map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schema_comes_from_the_search_path_in_the_options() {
        assert_eq!(schema_of("postgres://u@h/db"), None);
        assert_eq!(
            schema_of("postgres://u@h/db?options=-csearch_path%3Dcms&application_name=x")
                .as_deref(),
            Some("cms")
        );
        assert_eq!(
            schema_of("postgres://u@h/db?options=-c%20search_path%3Dcms,public").as_deref(),
            Some("cms")
        );
        assert_eq!(
            schema_of("postgres://u@h/db?options=--search_path%3D%22Cms%22").as_deref(),
            Some("Cms")
        );
        assert_eq!(
            schema_of("postgres://u@h/db?options=-cstatement_timeout%3D5s").as_deref(),
            None
        );
        assert_eq!(
            schema_of("postgres://u@h/db?options=-csearch_path%3D%24user,public").as_deref(),
            None
        );
    }

    #[test]
    fn the_password_leaves_the_command_line() {
        let (url, pw) = split_password("postgres://cms:s%40cret@db:5432/cms?sslmode=require");
        assert_eq!(url, "postgres://cms@db:5432/cms?sslmode=require");
        assert_eq!(pw.as_deref(), Some("s@cret"));
        let (url, pw) = split_password("postgres://cms@db/cms");
        assert_eq!(url, "postgres://cms@db/cms");
        assert_eq!(pw, None);
    }

    #[test]
    fn schema_patterns_match_one_name_exactly() {
        assert_eq!(quoted("oa_test"), "\"oa_test\"");
        assert_eq!(quoted("a\"b"), "\"a\"\"b\"");
    }
}
