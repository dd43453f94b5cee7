//! The layers of `src/` depend one way: `api` (and the other outer modules) → `usecase` →
//! `domain` and `db`. This test reads every source file and fails when a module names a
//! module of a higher layer, or a sibling it is not meant to know.

#![allow(clippy::expect_used)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Top-level modules by layer, lowest first. A module may use its own layer's listed
/// neighbours and every lower layer; the outermost layer may use anything.
const LAYERS: &[&[&str]] = &[
    // Shared by all: the error type, configuration, logging and metrics.
    &["error", "config", "cli", "telemetry"],
    // Pure types and rules: no I/O.
    &["domain"],
    // Rows and queries; bytes on disk.
    &["db", "storage"],
    // What a request or a job does; running the service (backups, lifecycle).
    &["usecase", "ops"],
    // What every handler and job can reach.
    &["state"],
    // The outer shell: HTTP, the admin UI, start-up, jobs, demo content.
    &["api", "admin", "auth", "jobs", "demo", "startup"],
];

/// Same-layer uses that are allowed (from, to).
const NEIGHBOURS: &[(&str, &str)] = &[("error", "telemetry"), ("config", "cli")];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a file belongs to (`src/db/public/query.rs` → `db`).
fn module_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).expect("under src");
    let first = rel.components().next().expect("a component");
    first
        .as_os_str()
        .to_string_lossy()
        .trim_end_matches(".rs")
        .to_owned()
}

/// Every top-level module a file names through `crate::`, also inside `use crate::{a, b}`.
/// Test code (after `#[cfg(test)]`) is left out: tests may reach across layers.
fn uses(text: &str) -> BTreeSet<String> {
    let code = text.split("#[cfg(test)]").next().unwrap_or(text);
    let mut out = BTreeSet::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for part in group[..end].split(',') {
                let name: String = part
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    out.insert(name);
                }
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            out.insert(name);
        }
    }
    out
}

#[test]
fn lower_layers_never_use_higher_ones() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let top = LAYERS.len() - 1;
    let mut wrong = Vec::new();
    for file in &files {
        let from = module_of(&src, file);
        if matches!(from.as_str(), "lib" | "main") {
            continue;
        }
        let Some(from_layer) = layer_of(&from) else {
            wrong.push(format!(
                "{}: module `{from}` is in no layer",
                file.display()
            ));
            continue;
        };
        let text = std::fs::read_to_string(file).expect("read file");
        for to in uses(&text) {
            if to == from || from_layer == top {
                continue;
            }
            let ok = match layer_of(&to) {
                Some(l) if l < from_layer => true,
                Some(l) if l == from_layer => NEIGHBOURS.contains(&(from.as_str(), to.as_str())),
                Some(_) => false,
                None => {
                    wrong.push(format!("{}: `crate::{to}` is in no layer", file.display()));
                    continue;
                }
            };
            if !ok {
                wrong.push(format!(
                    "{}: `{from}` uses `crate::{to}`",
                    file.strip_prefix(&src).unwrap_or(file).display()
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "layering broken:\n{}", wrong.join("\n"));
}

/// The checker itself: it sees grouped and nested paths, and skips test code.
#[test]
fn the_checker_reads_uses() {
    let text = "use crate::{db::x, error::AppError};\nfn f() { crate::api::g(); }\n#[cfg(test)]\nuse crate::startup;";
    let found: Vec<String> = uses(text).into_iter().collect();
    assert_eq!(found, ["api", "db", "error"]);
}
