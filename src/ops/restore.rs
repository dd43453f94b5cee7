//! `restore`: a backup back into an empty data folder, every file checked against the
//! manifest; it writes into a temporary folder and renames it, so a failure leaves nothing.

use std::path::{Component, Path, PathBuf};

use crate::ops::backup::{MANIFEST, Manifest, ManifestEntry, Summary};
use crate::ops::copy::{copy_hashed, is_missing_or_empty, sync_dir};
use crate::ops::data_lock::DataDirLock;

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

/// Restores the backup in `src` into `data_dir`, which must be missing or empty.
pub fn restore(src: &Path, data_dir: &Path) -> Result<Summary, String> {
    let manifest = read_manifest(src)?;
    DataDirLock::clear_if_unused(data_dir).map_err(|e| e.to_string())?;
    if !is_missing_or_empty(data_dir)? {
        return Err(format!(
            "the data folder {} is not empty; restore only into an empty or new folder",
            data_dir.display()
        ));
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
    let result = fill(src, &tmp, &manifest).and_then(|()| {
        if data_dir.exists() {
            std::fs::remove_dir(data_dir)
                .map_err(|e| format!("cannot replace {}: {e}", data_dir.display()))?;
        }
        std::fs::rename(&tmp, data_dir)
            .map_err(|e| format!("cannot move the restored data into place: {e}"))?;
        sync_dir(&parent).map_err(|e| format!("cannot flush {}: {e}", parent.display()))
    });
    if let Err(e) = result {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(e);
    }
    Ok(Summary {
        database_included: manifest
            .files
            .iter()
            .any(|f| f.path == super::backup::DB_FILE),
        files: manifest.files.len(),
        bytes: manifest.files.iter().map(|f| f.size).sum(),
        missing_files: 0,
    })
}

fn fill(src: &Path, tmp: &Path, manifest: &Manifest) -> Result<(), String> {
    for entry in &manifest.files {
        restore_entry(src, tmp, entry)?;
    }
    let mut dirs: Vec<PathBuf> = manifest
        .files
        .iter()
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
