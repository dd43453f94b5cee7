//! Uploaded files on disk: blobs under `<data_dir>/files/` named by their SHA-256, so
//! identical bytes are stored once, and uploads staged in `files/tmp/` until complete.

pub mod erasures;
pub mod names;
pub mod sniff;
pub mod upload;

use std::io;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

pub use names::sanitize_filename;
pub use upload::{Staged, Upload};

/// The blob store of one data directory.
#[derive(Debug, Clone)]
pub struct Storage {
    root: PathBuf,
}

/// Whether `s` looks like a SHA-256 in lowercase hex, so it can never name a path outside
/// the store.
pub fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// The folder uploads stream into before they are complete.
pub fn upload_tmp_dir(files_dir: &Path) -> PathBuf {
    files_dir.join("tmp")
}

/// This process's mark on the upload temp files it makes: its pid and a random part (pids
/// repeat across machines that share a files folder, and after restarts). Temp files are
/// named `<tag>.<random>.part`, so a sweep can tell its own from another live process's.
pub fn upload_tmp_tag() -> &'static str {
    static TAG: LazyLock<String> = LazyLock::new(|| {
        let random = uuid::Uuid::new_v4().simple().to_string();
        format!("{}-{}", std::process::id(), &random[..12])
    });
    &TAG
}

/// Whether the temp file `name` was made by the process tagged `tag`.
pub fn is_upload_tmp_of(name: &str, tag: &str) -> bool {
    name.strip_prefix(tag)
        .is_some_and(|rest| rest.starts_with('.'))
}

impl Storage {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where uploads are staged until they are complete (and swept at start and stop).
    pub fn tmp_dir(&self) -> PathBuf {
        upload_tmp_dir(&self.root)
    }

    /// The blob with this SHA-256: `files/ab/abcdef…`.
    pub fn blob_path(&self, sha256: &str) -> io::Result<PathBuf> {
        if !is_sha256_hex(sha256) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "not a SHA-256 in lowercase hex",
            ));
        }
        Ok(self.root.join(&sha256[..2]).join(sha256))
    }

    pub fn blob_exists(&self, sha256: &str) -> bool {
        self.blob_path(sha256).is_ok_and(|p| p.is_file())
    }

    /// Moves a staged upload into place as the blob of its hash, durably (the rename and
    /// its directory are synced). Blocking.
    pub fn place(&self, staged: &Staged) -> io::Result<()> {
        let target = self.blob_path(&staged.sha256)?;
        let dir = target
            .parent()
            .ok_or_else(|| io::Error::other("blob path has no parent"))?;
        std::fs::create_dir_all(dir)?;
        std::fs::rename(staged.path(), &target)?;
        sync_dir(dir)
    }

    /// The hashes of every blob in the store (none when the folder is missing). Blocking.
    pub fn blobs(&self) -> io::Result<Vec<String>> {
        let mut out = Vec::new();
        for shard in read_dir_or_empty(&self.root)? {
            let shard = shard?;
            let name = shard.file_name();
            let Some(prefix) = name.to_str().filter(|n| n.len() == 2) else {
                continue;
            };
            if !shard.file_type()?.is_dir() {
                continue;
            }
            for blob in read_dir_or_empty(&shard.path())? {
                let blob = blob?;
                if let Some(sha) = blob.file_name().to_str()
                    && is_sha256_hex(sha)
                    && sha.starts_with(prefix)
                    && blob.file_type()?.is_file()
                {
                    out.push(sha.to_owned());
                }
            }
        }
        Ok(out)
    }

    /// Removes the blob of this hash; a blob already gone is fine. Blocking.
    pub fn remove(&self, sha256: &str) -> io::Result<()> {
        match std::fs::remove_file(self.blob_path(sha256)?) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }
}

fn read_dir_or_empty(dir: &Path) -> io::Result<Vec<io::Result<std::fs::DirEntry>>> {
    match std::fs::read_dir(dir) {
        Ok(entries) => Ok(entries.collect()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(e),
    }
}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> io::Result<()> {
    std::fs::File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blob_paths_only_for_hashes() {
        let s = Storage::new("/data/files");
        let sha = "ab".repeat(32);
        assert_eq!(
            s.blob_path(&sha).unwrap(),
            PathBuf::from(format!("/data/files/ab/{sha}"))
        );
        assert!(s.blob_path("../../etc/passwd").is_err());
        assert!(s.blob_path(&"AB".repeat(32)).is_err());
        assert!(s.blob_path("").is_err());
    }
}
