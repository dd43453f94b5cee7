//! `restore`: a backup back into an empty data folder (and, on PostgreSQL, an empty
//! database), every file checked against the manifest. It writes into a temporary folder and
//! renames it, so a failure leaves no folder behind. Then it applies the erasure ledgers, so
//! records erased after the backup was taken stay erased, and removes stored files no record
//! refers to.

use std::path::{Component, Path, PathBuf};
use std::time::Duration;

use crate::db::audit::Actor;
use crate::db::erasures::{self, Flush};
use crate::ops::data_lock::DataDirLock;
use diesel::r2d2::ManageConnection;

use crate::db::{Backend, Db, Manager, files, sqlite_path};
use crate::domain::memberships::erasure::Erasure;
use crate::ops::backup::{DB_FILE, DUMP_FILE, FILES_DIR, MANIFEST, Manifest, ManifestEntry};
use crate::ops::copy::{copy_hashed, hash_file, is_missing_or_empty, sync_dir};
use crate::ops::postgres;
use crate::storage::Storage;
use crate::storage::erasures::{LEDGER_FILE, Ledger};
/// The entry's path inside a folder, refusing anything that could leave it.
fn safe_relative(path: &str) -> Option<PathBuf> {
    let parts: Vec<&str> = path.split('/').collect();
    if parts
        .iter()
        .any(|p| p.is_empty() || *p == "." || *p == ".." || p.contains(['\\', '\0']))
    {
        return None;
    }
    let rel = PathBuf::from_iter(&parts);
    rel.components()
        .all(|c| matches!(c, Component::Normal(_)))
        .then_some(rel)
}

fn read_manifest(src: &Path) -> Result<Manifest, String> {
    let path = src.join(MANIFEST);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(format!(
                "{} is not a complete backup: {MANIFEST} is missing",
                src.display()
            ));
        }
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    serde_json::from_slice(&bytes).map_err(|e| format!("the backup's {MANIFEST} is damaged: {e}"))
}

fn restore_entry(src: &Path, tmp: &Path, entry: &ManifestEntry) -> Result<(), String> {
    let rel = safe_relative(&entry.path)
        .ok_or_else(|| format!("{MANIFEST} names an unsafe path: {:?}", entry.path))?;
    let from = src.join(&rel);
    let (size, sha256) = match copy_hashed(&from, &tmp.join(&rel)) {
        Ok(v) => v,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(format!("the backup is missing {}", entry.path));
        }
        Err(e) => return Err(format!("cannot copy {}: {e}", entry.path)),
    };
    check_entry(entry, size, &sha256)
}

fn check_entry(entry: &ManifestEntry, size: u64, sha256: &str) -> Result<(), String> {
    if size != entry.size {
        return Err(format!(
            "{} is damaged: it has {size} bytes, the manifest says {}",
            entry.path, entry.size
        ));
    }
    if !sha256.eq_ignore_ascii_case(&entry.sha256) {
        return Err(format!(
            "{} is damaged: its SHA-256 differs from the manifest",
            entry.path
        ));
    }
    Ok(())
}

/// Where a backup goes.
#[derive(Debug, Clone, Copy)]
pub struct Target<'a> {
    /// Must be missing or empty, apart from an erasure ledger (`erasures.log`), which is
    /// applied and kept.
    pub data_dir: &'a Path,
    /// The database's URL. PostgreSQL: the database (or the schema its `options` select) to
    /// load the dump into, which must be empty. SQLite: none, or `<data_dir>/cms.db`.
    pub database_url: Option<&'a str>,
    /// Erasure ledgers to apply besides the backup's own: those of the installation the
    /// backup came from, which know erasures made after it was taken.
    pub ledgers: &'a [PathBuf],
}

/// Which database the backup holds, and where it goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Database {
    Sqlite,
    Postgres {
        url: String,
        schema: Option<String>,
    },
    /// A PostgreSQL backup made before backups took `pg_dump`: files only.
    None,
}

/// What a restore did.
#[derive(Debug)]
pub struct Summary {
    pub files: usize,
    pub bytes: u64,
    pub database: Database,
    /// Erasure ledger entries known after the restore (from the backup, the ledgers given
    /// and the target folder's own).
    pub ledger_entries: usize,
    /// Ledger files applied besides the backup's own (given, or found in the target).
    pub outside_ledgers: usize,
    /// Records that the ledgers erased again: erased after the backup was taken.
    pub erased_again: usize,
    /// Whether those records' bytes also left the database's storage (see
    /// [`erasures::flush`]); `true` when there were none.
    pub erasure_flushed: bool,
    /// Stored files no record refers to, removed.
    pub orphans_removed: usize,
}

/// Which database goes where; refuses a combination that cannot work.
fn database_of(manifest: &Manifest, target: &Target) -> Result<Database, String> {
    let has = |name: &str| manifest.files.iter().any(|f| f.path == name);
    let url = target
        .database_url
        .filter(|u| Backend::from_url(u) == Backend::Postgres);
    if has(DB_FILE) {
        if url.is_some() {
            return Err(
                "the backup holds a SQLite database: restore it without a PostgreSQL database URL"
                    .into(),
            );
        }
        let expected = target.data_dir.join(DB_FILE);
        if let Some(u) = target.database_url
            && Path::new(sqlite_path(u)) != expected
        {
            return Err(format!(
                "the SQLite database is restored to {}, not to the database URL's {}",
                expected.display(),
                sqlite_path(u)
            ));
        }
        return Ok(Database::Sqlite);
    }
    if !has(DUMP_FILE) {
        return Ok(Database::None);
    }
    let Some(url) = url else {
        return Err(
            "the backup holds a PostgreSQL dump: give the database to load it into \
             with --database-url (or DATABASE_URL)"
                .into(),
        );
    };
    let schema = postgres::schema_of(url);
    if schema != manifest.schema {
        let say = |s: &Option<String>| {
            s.as_ref().map_or_else(
                || "the whole database".to_owned(),
                |s| format!("the schema {s}"),
            )
        };
        return Err(format!(
            "the backup holds {}, the database URL selects {}: restore into the same schema \
             (options=-csearch_path=...) of an empty database",
            say(&manifest.schema),
            say(&schema)
        ));
    }
    Ok(Database::Postgres {
        url: url.to_owned(),
        schema,
    })
}

/// Checks the target folder: missing, empty, or holding only an erasure ledger, whose
/// path is returned.
fn check_data_dir(data_dir: &Path) -> Result<Option<PathBuf>, String> {
    if is_missing_or_empty(data_dir)? {
        return Ok(None);
    }
    let ledger = data_dir.join(LEDGER_FILE);
    let only_ledger = std::fs::read_dir(data_dir)
        .map_err(|e| format!("cannot read {}: {e}", data_dir.display()))?
        .all(|e| e.is_ok_and(|e| e.file_name() == LEDGER_FILE));
    if only_ledger && ledger.is_file() {
        return Ok(Some(ledger));
    }
    Err(format!(
        "the data folder {} is not empty; restore only into an empty or new folder \
         (it may hold {LEDGER_FILE}, the erasure ledger)",
        data_dir.display()
    ))
}

/// Restores the backup in `src` into `target`.
pub fn restore(src: &Path, target: &Target) -> Result<Summary, String> {
    let manifest = read_manifest(src)?;
    let database = database_of(&manifest, target)?;
    let data_dir = target.data_dir;
    DataDirLock::clear_if_unused(data_dir).map_err(|e| e.to_string())?;
    let old_ledger = check_data_dir(data_dir)?;
    let mut extra = Vec::new();
    let outside_ledgers = old_ledger.iter().count() + target.ledgers.len();
    for path in old_ledger.iter().chain(target.ledgers) {
        if !path.is_file() {
            return Err(format!("there is no erasure ledger at {}", path.display()));
        }
        extra.extend(
            Ledger::at(path)
                .read()
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?,
        );
    }
    if let Database::Postgres { url, schema } = &database {
        postgres::check_tools(&["pg_restore"])?;
        if !postgres::is_empty(url, schema.as_deref())? {
            return Err(match schema {
                Some(s) => format!(
                    "the schema {s} of the target database is not empty; restore only into \
                     an empty one"
                ),
                None => "the target database is not empty; restore only into an empty one \
                         (createdb a new one)"
                    .into(),
            });
        }
    }
    let name = data_dir
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| format!("{} is not a usable data folder name", data_dir.display()))?;
    let parent = match data_dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent)
        .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    let tmp = parent.join(format!(
        ".{name}.restoring-{}",
        uuid::Uuid::new_v4().simple()
    ));
    std::fs::create_dir(&tmp).map_err(|e| format!("cannot create {}: {e}", tmp.display()))?;
    let result = fill(src, &tmp, &manifest)
        .and_then(|()| settle(src, &tmp, &database, extra))
        .and_then(|settled| {
            // The target's old ledger (its entries are in the restored folder's ledger now)
            // is moved aside, and put back should the restored folder not get into place.
            let aside = old_ledger.as_ref().map(|ledger| {
                let to = parent.join(format!(
                    ".{name}.{LEDGER_FILE}.{}",
                    uuid::Uuid::new_v4().simple()
                ));
                (ledger.clone(), to)
            });
            if let Some((from, to)) = &aside {
                std::fs::rename(from, to)
                    .map_err(|e| format!("cannot replace {}: {e}", from.display()))?;
            }
            let placed = (|| {
                if data_dir.exists() {
                    std::fs::remove_dir(data_dir)
                        .map_err(|e| format!("cannot replace {}: {e}", data_dir.display()))?;
                }
                std::fs::rename(&tmp, data_dir)
                    .map_err(|e| format!("cannot move the restored data into place: {e}"))?;
                sync_dir(&parent).map_err(|e| format!("cannot flush {}: {e}", parent.display()))
            })();
            match (placed, aside) {
                (Ok(()), aside) => {
                    if let Some((_, to)) = aside {
                        let _ = std::fs::remove_file(to);
                    }
                    Ok(settled)
                }
                (Err(e), Some((from, to))) => {
                    let _ = std::fs::create_dir_all(data_dir);
                    let _ = std::fs::rename(&to, &from);
                    Err(e)
                }
                (Err(e), None) => Err(e),
            }
        });
    let settled = match result {
        Ok(s) => s,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&tmp);
            return Err(match &database {
                Database::Postgres { .. } => format!(
                    "{e} (the database may hold the loaded dump: empty it before trying again)"
                ),
                _ => e,
            });
        }
    };
    let restored: Vec<&ManifestEntry> = manifest
        .files
        .iter()
        .filter(|f| f.path != DUMP_FILE)
        .collect();
    Ok(Summary {
        files: restored.len(),
        bytes: restored.iter().map(|f| f.size).sum(),
        database,
        ledger_entries: settled.ledger_entries,
        outside_ledgers,
        erased_again: settled.erased_again,
        erasure_flushed: settled.erasure_flushed,
        orphans_removed: settled.orphans_removed,
    })
}

/// What [`settle`] did.
#[derive(Debug, Default)]
struct Settled {
    ledger_entries: usize,
    erased_again: usize,
    erasure_flushed: bool,
    orphans_removed: usize,
}

/// With the files in `tmp`: loads PostgreSQL's dump, brings the database's schema up to
/// date, applies the erasure ledgers and removes stored files no record refers to. The
/// restored folder's ledger gets every entry known, from wherever it came.
fn settle(
    src: &Path,
    tmp: &Path,
    database: &Database,
    extra: Vec<Erasure>,
) -> Result<Settled, String> {
    let ledger_path = tmp.join(LEDGER_FILE);
    let mut entries = Ledger::at(&ledger_path)
        .read()
        .map_err(|e| format!("cannot read the backup's erasure ledger: {e}"))?;
    entries.extend(extra);
    let url = match database {
        Database::Sqlite => Some(
            tmp.join(DB_FILE)
                .to_str()
                .ok_or_else(|| format!("the path {} is not UTF-8", tmp.display()))?
                .to_owned(),
        ),
        Database::Postgres { url, schema } => {
            postgres::load(url, schema.as_deref(), &src.join(DUMP_FILE), tmp)?;
            Some(url.clone())
        }
        Database::None => None,
    };
    let Some(url) = url else {
        entries.sort_by(|a, b| (a.erased_at, &a.email_hash).cmp(&(b.erased_at, &b.email_hash)));
        entries.dedup();
        write_ledger(tmp, &entries)?;
        return Ok(Settled {
            ledger_entries: entries.len(),
            erasure_flushed: true,
            ..Settled::default()
        });
    };
    // Migrations first (a backup older than the binary), then one plain connection: a
    // pool's background threads could hold a connection to the folder being moved.
    drop(Db::connect(&url, 1).map_err(|e| format!("cannot open the restored database: {e}"))?);
    let mut conn = Manager::new(&url)
        .connect()
        .map_err(|e| format!("cannot open the restored database: {e}"))?;
    let applied = crate::db::transaction(&mut conn, |c| {
        erasures::apply(c, &entries, &Actor::system("restore"))
    })
    .map_err(|e| format!("cannot apply the erasure ledger: {e}"))?;
    let all = erasures::all(&mut conn).map_err(|e| format!("cannot read the ledger: {e}"))?;
    write_ledger(tmp, &all)?;
    let erasure_flushed = applied.erased.is_empty() || flush(&mut conn)?;
    let orphans_removed = remove_orphans(&mut conn, &tmp.join(FILES_DIR))?;
    Ok(Settled {
        ledger_entries: all.len(),
        erased_again: applied.erased.len(),
        erasure_flushed,
        orphans_removed,
    })
}

/// Replaces the ledger file in `tmp` with these entries (none: no file).
fn write_ledger(tmp: &Path, entries: &[Erasure]) -> Result<(), String> {
    let path = tmp.join(LEDGER_FILE);
    let fresh = tmp.join(format!("{LEDGER_FILE}.new"));
    let written = if entries.is_empty() {
        std::fs::remove_file(&path).or_else(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                Ok(())
            } else {
                Err(e)
            }
        })
    } else {
        Ledger::at(&fresh)
            .append(entries)
            .and_then(|()| std::fs::rename(&fresh, &path))
    };
    written.map_err(|e| format!("cannot write the erasure ledger: {e}"))
}

/// Pushes the records erased again out of the storage, waiting a few seconds for other
/// sessions on a PostgreSQL server; `false` when they kept it busy.
fn flush(conn: &mut crate::db::AnyConnection) -> Result<bool, String> {
    let fail = |e: crate::error::AppError| format!("cannot vacuum the erased records: {e}");
    let since = erasures::storage_clock(conn).map_err(fail)?;
    for _ in 0..20 {
        if erasures::flush(conn, since).map_err(fail)? == Flush::Done {
            return Ok(true);
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    Ok(false)
}

/// Removes stored files that no record refers to (uploaded while the backup copied the
/// files, after its database copy was taken). Returns how many.
fn remove_orphans(conn: &mut crate::db::AnyConnection, files_dir: &Path) -> Result<usize, String> {
    let referenced: std::collections::HashSet<String> = files::blob_hashes(conn)
        .map_err(|e| format!("cannot read the stored files' records: {e}"))?
        .into_iter()
        .collect();
    let store = Storage::new(files_dir);
    let blobs = store
        .blobs()
        .map_err(|e| format!("cannot list {}: {e}", files_dir.display()))?;
    let mut removed = 0;
    for sha in blobs.iter().filter(|b| !referenced.contains(*b)) {
        store
            .remove(sha)
            .map_err(|e| format!("cannot remove an unused stored file: {e}"))?;
        removed += 1;
    }
    Ok(removed)
}

/// Copies every file of the manifest but PostgreSQL's dump into `tmp`, checked; the dump
/// is checked where it is, as `pg_restore` reads it from there.
fn fill(src: &Path, tmp: &Path, manifest: &Manifest) -> Result<(), String> {
    for entry in &manifest.files {
        if entry.path == DUMP_FILE {
            check_in_place(src, entry)?;
        } else {
            restore_entry(src, tmp, entry)?;
        }
    }
    let mut dirs: Vec<PathBuf> = manifest
        .files
        .iter()
        .filter(|e| e.path != DUMP_FILE)
        .filter_map(|e| safe_relative(&e.path))
        .filter_map(|rel| tmp.join(rel).parent().map(Path::to_path_buf))
        .collect();
    dirs.sort();
    dirs.dedup();
    for d in dirs {
        sync_dir(&d).map_err(|e| format!("cannot flush {}: {e}", d.display()))?;
    }
    Ok(())
}

fn check_in_place(src: &Path, entry: &ManifestEntry) -> Result<(), String> {
    let (size, sha256) = match hash_file(&src.join(&entry.path)) {
        Ok(v) => v,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(format!("the backup is missing {}", entry.path));
        }
        Err(e) => return Err(format!("cannot read {}: {e}", entry.path)),
    };
    check_entry(entry, size, &sha256)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_relative_paths_are_accepted() {
        assert!(safe_relative("files/ab/cd").is_some());
        assert!(safe_relative("cms.db").is_some());
        assert!(safe_relative("../cms.db").is_none());
        assert!(safe_relative("/etc/passwd").is_none());
        assert!(safe_relative("files//x").is_none());
        assert!(safe_relative("files/./x").is_none());
        assert!(safe_relative("").is_none());
    }
}
