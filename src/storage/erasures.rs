//! The erasure ledger file, `erasures.log` in the data folder: one line per erasure (the
//! address's hash and the time), only ever appended. It outlives the database next to it,
//! so a restore of a backup older than an erasure can erase that record again.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use crate::domain::memberships::erasure::Erasure;

/// The ledger's name in a data folder (and in a backup).
pub const LEDGER_FILE: &str = "erasures.log";

/// The ledger file of one data folder.
#[derive(Debug, Clone)]
pub struct Ledger {
    path: PathBuf,
}

impl Ledger {
    pub fn in_data_dir(data_dir: &Path) -> Self {
        Self::at(data_dir.join(LEDGER_FILE))
    }

    pub fn at(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into() }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends these entries and syncs them to disk. Blocking.
    ///
    /// One write per call: appends of a few lines from several processes sharing the folder
    /// do not interleave. A last line cut off by a crash is ended first, so it cannot run
    /// into the new ones.
    pub fn append(&self, entries: &[Erasure]) -> io::Result<()> {
        if entries.is_empty() {
            return Ok(());
        }
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let created = !self.path.exists();
        let mut f = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(&self.path)?;
        let mut text = String::new();
        if !ends_with_newline(&mut f)? {
            text.push('\n');
        }
        for e in entries {
            text.push_str(&e.to_line());
            text.push('\n');
        }
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        if created && let Some(dir) = self.path.parent() {
            super::sync_dir(if dir.as_os_str().is_empty() {
                Path::new(".")
            } else {
                dir
            })?;
        }
        Ok(())
    }

    /// Every entry in the file; none when there is no file. Lines that are not entries (one
    /// cut off by a crash) are skipped. Blocking.
    pub fn read(&self) -> io::Result<Vec<Erasure>> {
        let text = match std::fs::read(&self.path) {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        Ok(text.lines().filter_map(Erasure::parse_line).collect())
    }
}

/// Whether the file is empty or its last byte ends a line.
fn ends_with_newline(f: &mut File) -> io::Result<bool> {
    let len = f.metadata()?.len();
    if len == 0 {
        return Ok(true);
    }
    f.seek(SeekFrom::Start(len - 1))?;
    let mut last = [0u8; 1];
    f.read_exact(&mut last)?;
    Ok(last[0] == b'\n')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_appended_and_read_back_past_a_torn_line() {
        let dir = tempfile::tempdir().unwrap();
        let ledger = Ledger::in_data_dir(&dir.path().join("data"));
        assert!(ledger.read().unwrap().is_empty());
        let at = chrono::Utc::now().naive_utc();
        let a = Erasure::of("a@example.nl", at);
        let b = Erasure::of("b@example.nl", at);
        ledger.append(std::slice::from_ref(&a)).unwrap();
        // A crash while a line was written leaves part of it.
        let mut f = OpenOptions::new().append(true).open(ledger.path()).unwrap();
        f.write_all(&b.to_line().as_bytes()[..30]).unwrap();
        drop(f);
        ledger.append(std::slice::from_ref(&b)).unwrap();
        assert_eq!(ledger.read().unwrap(), vec![a, b]);
        let text = std::fs::read_to_string(ledger.path()).unwrap();
        assert!(!text.contains('@'), "{text}");
    }
}
