//! `backup`: a consistent copy of the database (SQLite's file, or PostgreSQL's `pg_dump`)
//! and the uploaded files, taken while the server keeps serving and writing, with the
//! erasure ledger and a manifest of SHA-256 sums written last.

use std::fs::File;
use std::io::Write;
use std::path::{Component, Path, PathBuf};

use diesel::Connection;
use diesel::connection::SimpleConnection;
use serde::{Deserialize, Serialize};

use crate::db::{Backend, sqlite_path};
use crate::ops::copy::{copy_hashed, hash_file, is_missing_or_empty, sync_dir};
use crate::ops::postgres;
use crate::storage::erasures::LEDGER_FILE;
use crate::storage::{Storage, is_sha256_hex};

/// Written last: a backup folder without it is incomplete.
pub const MANIFEST: &str = "manifest.json";
/// The database copy inside a backup (and inside a data folder).
pub const DB_FILE: &str = "cms.db";
/// PostgreSQL's dump inside a backup (`pg_dump`'s custom format).
pub const DUMP_FILE: &str = "database.dump";
/// The files folder inside a backup (and inside a data folder).
pub const FILES_DIR: &str = "files";
const MANIFEST_FORMAT: u32 = 1;

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub format: u32,
    pub created_at: String,
    /// `sqlite` (the database is `cms.db`) or `postgres` (the database is `database.dump`,
    /// made by `pg_dump`; backups made before that hold only the files).
    pub backend: String,
    /// PostgreSQL: the schema the dump holds, when the database URL named one; else the
    /// dump holds the whole database.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    pub files: Vec<ManifestEntry>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestEntry {
    /// Relative to the backup folder, `/`-separated.
    pub path: String,
    pub size: u64,
    pub sha256: String,
}

/// What a backup wrote.
#[derive(Debug)]
pub struct Summary {
    pub files: usize,
    pub bytes: u64,
    /// Stored files the database refers to that the files folder lacked (already before
    /// the backup: a deletion racing the backup makes it start over instead).
    pub missing_files: usize,
}

fn relative_name(rel: &Path) -> Option<String> {
    let parts: Option<Vec<&str>> = rel
        .components()
        .map(|c| match c {
            Component::Normal(s) => s.to_str(),
            _ => None,
        })
        .collect();
    parts.map(|p| p.join("/"))
}

/// Copies every regular file under `from` into `to`, leaving out `from/tmp` (uploads not
/// yet complete). Adds one manifest entry per file, named relative to the backup root.
fn copy_files(
    from: &Path,
    to: &Path,
    root: &Path,
    entries: &mut Vec<ManifestEntry>,
) -> Result<(), String> {
    let mut stack = vec![from.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let list = match std::fs::read_dir(&dir) {
            Ok(l) => l,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(format!("cannot read {}: {e}", dir.display())),
        };
        for entry in list {
            let entry = entry.map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
            let path = entry.path();
            let kind = entry
                .file_type()
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            let rel = path.strip_prefix(from).unwrap_or(&path);
            if kind.is_dir() {
                if dir == from && rel == Path::new("tmp") {
                    continue;
                }
                stack.push(path);
                continue;
            }
            if !kind.is_file() {
                continue;
            }
            let target = to.join(rel);
            let name = target
                .strip_prefix(root)
                .ok()
                .and_then(relative_name)
                .ok_or_else(|| format!("cannot back up {}: unusual file name", path.display()))?;
            match copy_hashed(&path, &target) {
                Ok((size, sha256)) => entries.push(ManifestEntry {
                    path: name,
                    size,
                    sha256,
                }),
                // Removed after the database copy was taken: nothing acknowledged before
                // the backup began can be missing this way, as stored files never change.
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(format!("cannot copy {}: {e}", path.display())),
            }
        }
    }
    Ok(())
}

/// `VACUUM INTO` reads one snapshot of the live database (also in WAL mode, with writers
/// busy) and writes it as a new, compact database file.
fn snapshot_sqlite(db_path: &Path, target: &Path) -> Result<(), String> {
    if !db_path.is_file() {
        return Err(format!("there is no database at {}", db_path.display()));
    }
    let source = db_path
        .to_str()
        .ok_or_else(|| format!("the database path {} is not UTF-8", db_path.display()))?;
    let target_str = target
        .to_str()
        .ok_or_else(|| format!("the backup path {} is not UTF-8", target.display()))?;
    let mut conn = diesel::SqliteConnection::establish(source)
        .map_err(|e| format!("cannot open the database: {e}"))?;
    conn.batch_execute("PRAGMA busy_timeout = 10000;")
        .map_err(|e| format!("cannot configure the database connection: {e}"))?;
    conn.batch_execute(&format!("VACUUM INTO '{}'", target_str.replace('\'', "''")))
        .map_err(|e| format!("cannot copy the database: {e}"))?;
    File::open(target)
        .and_then(|f| f.sync_all())
        .map_err(|e| format!("cannot flush the database copy: {e}"))
}

/// Takes a backup of `data_dir` (and, on SQLite, of the database at `database_url`) into
/// `dest`, which must be missing or empty.
///
/// The database is copied first and the files after it: stored files are never changed,
/// only added, so every file a copied row refers to is present when the files are copied.
pub fn backup(data_dir: &Path, database_url: &str, dest: &Path) -> Result<Summary, String> {
    if !is_missing_or_empty(dest)? {
        return Err(format!(
            "the backup folder {} is not empty; choose a new one",
            dest.display()
        ));
    }
    if let (Ok(d), Ok(f)) = (dest.canonicalize(), data_dir.join(FILES_DIR).canonicalize())
        && d.starts_with(&f)
    {
        return Err("the backup folder must not be inside the files folder".into());
    }
    std::fs::create_dir_all(dest).map_err(|e| format!("cannot create {}: {e}", dest.display()))?;
    let result = fill(data_dir, database_url, dest);
    if result.is_err() {
        // The folder was empty before: what is in it now is this unfinished backup.
        let _ = std::fs::remove_dir_all(dest);
    }
    result
}

/// How often a backup starts over when a file the database copy refers to was deleted
/// before it could be copied.
const ATTEMPTS: usize = 3;

fn fill(data_dir: &Path, database_url: &str, dest: &Path) -> Result<Summary, String> {
    let backend = Backend::from_url(database_url);
    let schema = match backend {
        Backend::Sqlite => None,
        Backend::Postgres => {
            postgres::check_tools(&["pg_dump"])?;
            postgres::schema_of(database_url)
        }
    };
    let db_file = match backend {
        Backend::Sqlite => DB_FILE,
        Backend::Postgres => DUMP_FILE,
    };
    let target = dest.join(db_file);
    let mut attempt = 1;
    loop {
        let mut entries = Vec::new();
        let missing = match backend {
            Backend::Sqlite => {
                snapshot_sqlite(Path::new(sqlite_path(database_url)), &target)?;
                copy_data(data_dir, dest, &mut entries)?;
                count_missing(&sqlite_blob_refs(&target)?, dest)
            }
            Backend::Postgres => {
                let mut snapshot = postgres::Snapshot::take(database_url)?;
                snapshot.dump(database_url, schema.as_deref(), &target)?;
                copy_data(data_dir, dest, &mut entries)?;
                count_missing(&snapshot.blob_refs()?, dest)
            }
        };
        if missing > 0 && attempt < ATTEMPTS {
            // A file was deleted between the database copy and the file copy: a fresh
            // database copy no longer refers to it.
            attempt += 1;
            std::fs::remove_dir_all(dest)
                .and_then(|()| std::fs::create_dir(dest))
                .map_err(|e| format!("cannot clear {}: {e}", dest.display()))?;
            continue;
        }
        let (size, sha256) =
            hash_file(&target).map_err(|e| format!("cannot read the database copy: {e}"))?;
        entries.push(ManifestEntry {
            path: db_file.into(),
            size,
            sha256,
        });
        let mut summary = write_manifest(dest, backend, schema, entries)?;
        summary.missing_files = missing;
        return Ok(summary);
    }
}

/// Copies the files and the erasure ledger, after the database copy was taken: every file
/// its rows refer to is there, and every erasure it holds is in the ledger.
fn copy_data(data_dir: &Path, dest: &Path, entries: &mut Vec<ManifestEntry>) -> Result<(), String> {
    copy_files(
        &data_dir.join(FILES_DIR),
        &dest.join(FILES_DIR),
        dest,
        entries,
    )?;
    match copy_hashed(&data_dir.join(LEDGER_FILE), &dest.join(LEDGER_FILE)) {
        Ok((size, sha256)) => entries.push(ManifestEntry {
            path: LEDGER_FILE.into(),
            size,
            sha256,
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(format!("cannot copy the erasure ledger: {e}")),
    }
    Ok(())
}

#[derive(diesel::QueryableByName)]
struct BlobRef {
    #[diesel(sql_type = diesel::sql_types::Text)]
    sha256: String,
}

/// The stored files the SQLite database copy refers to.
fn sqlite_blob_refs(db_copy: &Path) -> Result<Vec<String>, String> {
    use diesel::RunQueryDsl;
    let path = db_copy
        .to_str()
        .ok_or_else(|| format!("the backup path {} is not UTF-8", db_copy.display()))?;
    let mut conn = diesel::SqliteConnection::establish(path)
        .map_err(|e| format!("cannot open the database copy: {e}"))?;
    let refs: Vec<BlobRef> = diesel::sql_query("SELECT DISTINCT sha256 FROM files")
        .load(&mut conn)
        .map_err(|e| format!("cannot read the database copy: {e}"))?;
    Ok(refs.into_iter().map(|r| r.sha256).collect())
}

/// How many of these stored files are not in the backup.
fn count_missing(refs: &[String], dest: &Path) -> usize {
    let copied = Storage::new(dest.join(FILES_DIR));
    refs.iter()
        .filter(|r| is_sha256_hex(r) && !copied.blob_exists(r))
        .count()
}

fn write_manifest(
    dest: &Path,
    backend: Backend,
    schema: Option<String>,
    mut entries: Vec<ManifestEntry>,
) -> Result<Summary, String> {
    entries.sort_by(|a, b| a.path.cmp(&b.path));
    let mut dirs: Vec<PathBuf> = entries
        .iter()
        .filter_map(|e| dest.join(&e.path).parent().map(Path::to_path_buf))
        .collect();
    dirs.sort();
    dirs.dedup();
    for d in &dirs {
        sync_dir(d).map_err(|e| format!("cannot flush {}: {e}", d.display()))?;
    }
    let summary = Summary {
        files: entries.len(),
        bytes: entries.iter().map(|e| e.size).sum(),
        missing_files: 0,
    };
    let manifest = Manifest {
        format: MANIFEST_FORMAT,
        created_at: chrono::Utc::now().to_rfc3339(),
        backend: match backend {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
        .into(),
        schema,
        files: entries,
    };
    let json = serde_json::to_vec_pretty(&manifest)
        .map_err(|e| format!("cannot write the manifest: {e}"))?;
    let partial = dest.join(format!("{MANIFEST}.partial"));
    let write = || -> std::io::Result<()> {
        let mut f = File::create(&partial)?;
        f.write_all(&json)?;
        f.sync_all()?;
        std::fs::rename(&partial, dest.join(MANIFEST))?;
        sync_dir(dest)
    };
    write().map_err(|e| format!("cannot write the manifest: {e}"))?;
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_relative_and_slash_separated() {
        assert_eq!(
            relative_name(Path::new("files/ab/cd")).as_deref(),
            Some("files/ab/cd")
        );
        assert_eq!(relative_name(Path::new("../x")), None);
        assert_eq!(relative_name(Path::new("/etc/passwd")), None);
    }

    #[test]
    fn backup_skips_upload_temp_files_and_refuses_a_full_folder() {
        let data = tempfile::tempdir().unwrap();
        let files = data.path().join(FILES_DIR);
        std::fs::create_dir_all(files.join("tmp")).unwrap();
        std::fs::create_dir_all(files.join("ab")).unwrap();
        std::fs::write(files.join("tmp/partial"), b"half").unwrap();
        std::fs::write(files.join("ab/blob"), b"whole").unwrap();
        let url = data.path().join(DB_FILE).to_string_lossy().into_owned();
        drop(crate::db::Db::connect(&url, 1).unwrap());
        let out = tempfile::tempdir().unwrap();
        let dest = out.path().join("b1");
        let s = backup(data.path(), &url, &dest).unwrap();
        assert_eq!(s.files, 2);
        let m: Manifest =
            serde_json::from_slice(&std::fs::read(dest.join(MANIFEST)).unwrap()).unwrap();
        assert_eq!(m.files.len(), 2);
        assert_eq!(m.files[0].path, DB_FILE);
        assert_eq!(m.files[1].path, "files/ab/blob");
        assert_eq!(m.files[1].size, 5);
        assert!(!dest.join("files/tmp").exists());
        let again = backup(data.path(), &url, &dest).unwrap_err();
        assert!(again.contains("not empty"), "{again}");
    }

    #[test]
    fn a_file_the_database_refers_to_is_checked_in_the_copy() {
        use diesel::RunQueryDsl;
        let data = tempfile::tempdir().unwrap();
        let url = data.path().join(DB_FILE).to_string_lossy().into_owned();
        let db = crate::db::Db::connect(&url, 1).unwrap();
        let present = "ab".repeat(32);
        let gone = "cd".repeat(32);
        for sha in [&present, &gone] {
            diesel::sql_query(format!(
                "INSERT INTO files (id, filename, content_type, size, sha256, created_at) \
                 VALUES ('{sha}', 'x.pdf', 'application/pdf', 1, '{sha}', '2026-11-24 08:00:00')"
            ))
            .execute(&mut **db.get().unwrap())
            .unwrap();
        }
        drop(db);
        let shard = data.path().join(FILES_DIR).join("ab");
        std::fs::create_dir_all(&shard).unwrap();
        std::fs::write(shard.join(&present), b"x").unwrap();
        let out = tempfile::tempdir().unwrap();
        let s = backup(data.path(), &url, &out.path().join("b")).unwrap();
        assert_eq!(s.files, 2);
        assert_eq!(s.missing_files, 1);
    }
}
