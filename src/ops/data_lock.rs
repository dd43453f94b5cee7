//! One server per SQLite data folder: an advisory lock on `<data-dir>/.lock`, held while the
//! process runs, so a second process refuses to start instead of sharing the database and
//! sweeping the first one's uploads.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// The lock file inside the data folder. It stays when the process ends; only the lock on it
/// matters, and the operating system drops that with the process, however it ends.
pub const LOCK_FILE: &str = ".lock";

/// The data folder, held for this process as long as the value lives.
#[derive(Debug)]
pub struct DataDirLock {
    _file: File,
}

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("the data folder {} is in use by another oa-cms process{}", .path.display(), pid_note(*.pid))]
    InUse { path: PathBuf, pid: Option<u32> },
    #[error("cannot lock the data folder {}: {source}", .path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

fn pid_note(pid: Option<u32>) -> String {
    pid.map(|p| format!(" (pid {p})")).unwrap_or_default()
}

impl DataDirLock {
    /// Takes the data folder, creating it when missing; fails at once when another process
    /// holds it, naming that process.
    pub fn acquire(data_dir: &Path) -> Result<Self, LockError> {
        let io = |source| LockError::Io {
            path: data_dir.to_path_buf(),
            source,
        };
        std::fs::create_dir_all(data_dir).map_err(io)?;
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(data_dir.join(LOCK_FILE))
            .map_err(io)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                return Err(LockError::InUse {
                    path: data_dir.to_path_buf(),
                    pid: holder(&mut file),
                });
            }
            Err(TryLockError::Error(e)) => return Err(io(e)),
        }
        // The holder's pid, for the message a second process prints.
        file.set_len(0)
            .and_then(|()| writeln!(file, "{}", std::process::id()))
            .map_err(io)?;
        Ok(Self { _file: file })
    }

    /// For a command that replaces the data folder (`restore`): fails when a process holds
    /// it, and removes the lock file an ended process left when nothing else is there, so
    /// the folder counts as empty.
    pub fn clear_if_unused(data_dir: &Path) -> Result<(), LockError> {
        let path = data_dir.join(LOCK_FILE);
        if !path.is_file() {
            return Ok(());
        }
        let lock = Self::acquire(data_dir)?;
        let only_the_lock = std::fs::read_dir(data_dir)
            .map_err(|source| LockError::Io {
                path: data_dir.to_path_buf(),
                source,
            })?
            .filter_map(Result::ok)
            .all(|e| e.file_name() == LOCK_FILE);
        if only_the_lock {
            std::fs::remove_file(&path).map_err(|source| LockError::Io {
                path: data_dir.to_path_buf(),
                source,
            })?;
        }
        drop(lock);
        Ok(())
    }
}

/// The pid the holder wrote into the lock file, when it can be read.
fn holder(file: &mut File) -> Option<u32> {
    let mut text = String::new();
    file.read_to_string(&mut text).ok()?;
    text.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_is_refused_until_the_first_lets_go() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let first = DataDirLock::acquire(&data).unwrap();
        let err = DataDirLock::acquire(&data).unwrap_err();
        let msg = err.to_string();
        assert!(
            matches!(err, LockError::InUse { pid: Some(p), .. } if p == std::process::id()),
            "{msg}"
        );
        assert!(
            msg.contains("in use by another oa-cms process (pid "),
            "{msg}"
        );
        assert!(DataDirLock::clear_if_unused(&data).is_err());
        drop(first);
        // The file stays behind; the lock does not.
        assert!(data.join(LOCK_FILE).is_file());
        drop(DataDirLock::acquire(&data).unwrap());
        DataDirLock::clear_if_unused(&data).unwrap();
        assert_eq!(std::fs::read_dir(&data).unwrap().count(), 0);
        // Beside other data the file is left alone.
        drop(DataDirLock::acquire(&data).unwrap());
        std::fs::write(data.join("cms.db"), b"").unwrap();
        DataDirLock::clear_if_unused(&data).unwrap();
        assert!(data.join(LOCK_FILE).is_file());
    }
}
