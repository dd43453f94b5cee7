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

/// The names of a `use` group's top-level entries: `{db::{a, b}, api::x}` → `db`, `api`.
fn group_heads(group: &str) -> Vec<String> {
    let (mut depth, mut start, mut heads) = (0usize, 0usize, Vec::new());
    let mut push = |part: &str| {
        let name: String = part
            .trim()
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if !name.is_empty() {
            heads.push(name);
        }
    };
    for (i, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => {
                push(&group[start..i]);
                return heads;
            }
            '}' => depth -= 1,
            ',' if depth == 0 => {
                push(&group[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    push(&group[start..]);
    heads
}

fn ident(s: &str) -> String {
    s.chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect()
}

/// Every top-level module a file names through `crate::` (also inside nested `use` groups,
/// and with spaces around `::`), or through enough `super::` to reach the crate root.
/// `depth` is how many modules deep the file's own module is (`src/db/public/query/mod.rs`
/// is 3: db, public, query). Test modules (`#[cfg(test)] mod ...`) are left out: tests
/// may reach across layers.
fn uses(text: &str, depth: usize) -> BTreeSet<String> {
    let code = match text.find("#[cfg(test)]\nmod ") {
        Some(at) => &text[..at],
        None => text,
    };
    // `crate :: db` and `crate::db` alike.
    let code: String = code
        .split("::")
        .map(str::trim)
        .collect::<Vec<_>>()
        .join("::");
    let mut out = BTreeSet::new();
    let mut rest = code.as_str();
    while let Some(at) = rest.find("crate::") {
        let before = rest[..at].chars().next_back();
        rest = &rest[at + "crate::".len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue; // e.g. `oa_crate::`
        }
        match rest.strip_prefix('{') {
            Some(group) => out.extend(group_heads(group)),
            None => {
                out.insert(ident(rest));
            }
        }
    }
    let mut rest = code.as_str();
    while let Some(at) = rest.find("super::") {
        let mut ups = 0;
        rest = &rest[at..];
        while let Some(r) = rest.strip_prefix("super::") {
            ups += 1;
            rest = r;
        }
        if ups >= depth {
            match rest.strip_prefix('{') {
                Some(group) => out.extend(group_heads(group)),
                None => {
                    out.insert(ident(rest));
                }
            }
        }
    }
    out.retain(|n| !n.is_empty() && n != "self");
    out
}

/// How many modules deep a file's module is below the crate root.
fn depth_of(src: &Path, file: &Path) -> usize {
    let rel = file.strip_prefix(src).expect("under src");
    let parts = rel.components().count();
    if rel.file_name().is_some_and(|n| n == "mod.rs") {
        parts - 1
    } else {
        parts
    }
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
        for to in uses(&text, depth_of(&src, file)) {
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

/// The checker itself: it sees grouped, nested and spaced paths and `super::` up to the
/// root, and skips test modules.
#[test]
fn the_checker_reads_uses() {
    let text = "use crate::{db::{a, b}, error::AppError};\n\
        fn f() { crate :: api::g(); super::super::startup::h(); super::sibling(); }\n\
        #[cfg(test)]\nmod tests { use crate::jobs; }";
    let found: Vec<String> = uses(text, 2).into_iter().collect();
    assert_eq!(found, ["api", "db", "error", "startup"]);
    // One level deep, `super::x` is already the crate root.
    let found: Vec<String> = uses("use super::state::AppState;", 1).into_iter().collect();
    assert_eq!(found, ["state"]);
}
