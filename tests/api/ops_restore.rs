//! Backups and restores through the real binary, on SQLite and on PostgreSQL (`pg_dump`):
//! content and files come back, a member erased after the backup was taken stays erased,
//! and stored files no record refers to are removed.

use std::path::{Path, PathBuf};
use std::time::Duration;

use diesel::RunQueryDsl;
use diesel::sql_types::Text;
use serde_json::{Value, json};
use sha2::Digest;

use crate::process::{BOUNDARY, ServerProcess, file_bytes, multipart, oa_cms};
use crate::support::PgDatabase;

const ZOE: &str = "zoe.devries@example.nl";
const PIET: &str = "piet@example.nl";

#[track_caller]
fn expect(r: reqwest::blocking::Response, status: u16) -> reqwest::blocking::Response {
    if r.status() != status {
        let got = r.status();
        panic!(
            "expected {status}, got {got}: {}",
            r.text().unwrap_or_default()
        );
    }
    r
}

#[track_caller]
fn run_ok(args: &[&str]) -> String {
    let out = oa_cms(args);
    assert!(out.status.success(), "oa-cms {args:?}: {out:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// One installation: a data folder and, on PostgreSQL, its database URL.
struct Place {
    data: PathBuf,
    url: Option<String>,
}

impl Place {
    /// `--data-dir` and, on PostgreSQL, `--database-url`.
    fn args(&self) -> Vec<String> {
        let mut a = vec!["--data-dir".to_owned(), self.data.to_string_lossy().into()];
        if let Some(u) = &self.url {
            a.extend(["--database-url".to_owned(), u.clone()]);
        }
        a
    }

    fn serve(&self) -> ServerProcess {
        let extra: Vec<&str> = match &self.url {
            Some(u) => vec!["--database-url", u],
            None => vec![],
        };
        ServerProcess::start(&self.data, &extra)
    }

    fn backup(&self, to: &Path) {
        let mut args = vec!["backup".to_owned(), to.to_string_lossy().into()];
        args.extend(self.args());
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        run_ok(&args);
    }

    /// `oa-cms restore <backup>` into this place, with more arguments.
    fn restore(&self, backup: &Path, more: &[&str]) -> std::process::Output {
        let mut args = vec!["restore".to_owned(), backup.to_string_lossy().into()];
        args.extend(self.args());
        args.extend(more.iter().map(|s| (*s).to_owned()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        oa_cms(&args)
    }

    /// The e-mail addresses of the sign-ups, read from the database directly.
    fn member_emails(&self) -> Vec<String> {
        #[derive(diesel::QueryableByName)]
        struct Row {
            #[diesel(sql_type = Text)]
            email: String,
        }
        let url = self
            .url
            .clone()
            .unwrap_or_else(|| self.data.join("cms.db").to_string_lossy().into_owned());
        let db = oa_cms::db::Db::connect(&url, 1).unwrap();
        let rows: Vec<Row> = diesel::sql_query("SELECT email FROM memberships ORDER BY email")
            .load(&mut **db.get().unwrap())
            .unwrap();
        rows.into_iter().map(|r| r.email).collect()
    }
}

fn sign_up(server: &ServerProcess, name: &str, email: &str) {
    let c: Value = expect(
        server
            .client
            .post(server.url("/api/v1/memberships/challenge"))
            .send()
            .unwrap(),
        200,
    )
    .json()
    .unwrap();
    let q = c["question"].as_str().unwrap();
    let (a, b) = q.strip_suffix(" =").unwrap().split_once(" + ").unwrap();
    let answer = a.parse::<i64>().unwrap() + b.parse::<i64>().unwrap();
    let form = json!({
        "name": name,
        "email": email,
        "sector": "onderwijs",
        "role": "verbinder",
        "contribution": "Ik verbind scholen met de wijk.",
        "consent": true,
        "challenge_token": c["token"],
        "challenge_answer": answer,
    });
    expect(
        server
            .client
            .post(server.url("/api/v1/memberships"))
            .json(&form)
            .send()
            .unwrap(),
        202,
    );
}

fn erase(server: &ServerProcess, token: &str, email: &str) {
    let list: Value = expect(
        server
            .client
            .get(server.url(&format!("/api/v1/admin/memberships?q={email}")))
            .bearer_auth(token)
            .send()
            .unwrap(),
        200,
    )
    .json()
    .unwrap();
    let id = list["items"][0]["id"].as_str().unwrap();
    let version = list["items"][0]["version"].as_i64().unwrap();
    expect(
        server
            .client
            .delete(server.url(&format!("/api/v1/admin/memberships/{id}")))
            .bearer_auth(token)
            .header("if-match", format!("\"{id}:{version}\""))
            .send()
            .unwrap(),
        204,
    );
}

/// Puts a stored file into the backup, listed in its manifest, that no record refers to.
fn add_orphan(backup: &Path) -> String {
    let bytes = b"een bestand waar geen record naar verwijst".to_vec();
    let sha = hex::encode(sha2::Sha256::digest(&bytes));
    let dir = backup.join("files").join(&sha[..2]);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(&sha), &bytes).unwrap();
    let path = backup.join("manifest.json");
    let mut m: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    m["files"].as_array_mut().unwrap().push(json!({
        "path": format!("files/{}/{sha}", &sha[..2]),
        "size": bytes.len(),
        "sha256": sha,
    }));
    std::fs::write(&path, serde_json::to_vec_pretty(&m).unwrap()).unwrap();
    sha
}

/// A fresh place to restore into: a new folder and, on PostgreSQL, a new database whose
/// URL selects the same schema as the source's (a dump holds its schema by name).
fn fresh_target(dir: &Path, name: &str, source: &Place, dbs: &mut Vec<PgDatabase>) -> Place {
    let url = source.url.as_ref().map(|src| {
        let db = PgDatabase::create_database().expect("TEST_DATABASE_URL");
        let query = src.split_once('?').map_or("", |(_, q)| q);
        let url = format!("{}?{query}", db.url);
        dbs.push(db);
        url
    });
    Place {
        data: dir.join(name),
        url,
    }
}

fn backup_restore_and_erasure_ledger(pg: Option<PgDatabase>) {
    let dir = tempfile::tempdir().unwrap();
    let source = Place {
        data: dir.path().join("data"),
        url: pg.as_ref().map(|p| p.url.clone()),
    };
    let mut dbs = Vec::new();
    let mut server = source.serve();
    let token = server.admin_token();
    sign_up(&server, "Zoë de Vries", ZOE);
    sign_up(&server, "Piet Pietersen", PIET);
    let page: Value = expect(
        server
            .client
            .post(server.url("/api/v1/admin/content"))
            .bearer_auth(&token)
            .json(&json!({"kind": "page", "title": "Over ons", "fields": {"position": 1}}))
            .send()
            .unwrap(),
        201,
    )
    .json()
    .unwrap();
    let page_id = page["id"].as_str().unwrap().to_owned();
    let bytes = file_bytes(77, 50_000);
    let file: Value = expect(
        server
            .client
            .post(server.url("/api/v1/admin/files"))
            .bearer_auth(&token)
            .header(
                "content-type",
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .body(multipart("jaarverslag.bin", &bytes))
            .send()
            .unwrap(),
        201,
    )
    .json()
    .unwrap();
    let file_id = file["id"].as_str().unwrap().to_owned();

    // B1 holds Zoë; she is erased after it was taken, then signs up anew (B2).
    let b1 = dir.path().join("b1");
    source.backup(&b1);
    erase(&server, &token, ZOE);
    let ledger = source.data.join("erasures.log");
    let text = std::fs::read_to_string(&ledger).unwrap();
    assert_eq!(text.lines().count(), 1);
    assert!(!text.to_lowercase().contains("zoe"), "{text}");
    std::thread::sleep(Duration::from_millis(20));
    sign_up(&server, "Zoë de Vries", ZOE);
    let b2 = dir.path().join("b2");
    source.backup(&b2);
    server.stop(Duration::from_secs(30));
    if let Some(url) = &source.url {
        // The dump holds the source's schema only, not the others in its database.
        let out = std::process::Command::new("pg_restore")
            .arg("--list")
            .arg(b1.join("database.dump"))
            .output()
            .unwrap();
        let schema = oa_cms::ops::postgres::schema_of(url).unwrap();
        let toc = String::from_utf8_lossy(&out.stdout);
        for line in toc.lines().filter(|l| l.contains(" TABLE ")) {
            assert!(line.contains(&schema), "{line}");
        }
    }

    // Restoring B1 with the source's ledger: Zoë stays erased, the rest comes back.
    let orphan = add_orphan(&b1);
    let target = fresh_target(dir.path(), "restored", &source, &mut dbs);
    let ledger_arg = ledger.to_string_lossy().into_owned();
    let out = target.restore(&b1, &["--erasures", &ledger_arg]);
    assert!(out.status.success(), "{out:?}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("1 records erased after the backup"),
        "{stdout}"
    );
    assert!(stdout.contains("removed 1 stored files"), "{stdout}");
    assert!(!stdout.contains("note:"), "{stdout}");
    assert!(
        !target
            .data
            .join("files")
            .join(&orphan[..2])
            .join(&orphan)
            .exists()
    );
    assert_eq!(target.member_emails(), [PIET]);
    if target.url.is_none() {
        // Not even in the restored database file's bytes.
        let db = std::fs::read(target.data.join("cms.db")).unwrap();
        assert!(!db.windows(ZOE.len()).any(|w| w == ZOE.as_bytes()));
    }
    let mut server = target.serve();
    let get = |path: &str| {
        expect(
            server
                .client
                .get(server.url(path))
                .bearer_auth(&token)
                .send()
                .unwrap(),
            200,
        )
    };
    let list: Value = get("/api/v1/admin/memberships").json().unwrap();
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["email"], PIET);
    let item: Value = get(&format!("/api/v1/admin/content/{page_id}"))
        .json()
        .unwrap();
    assert_eq!(item["title"], "Over ons");
    let got = get(&format!("/api/v1/admin/files/{file_id}/content"))
        .bytes()
        .unwrap();
    assert!(got.as_ref() == bytes.as_slice(), "the file differs");
    server.stop(Duration::from_secs(30));
    // The restored folder's ledger knows the erasure, for restores to come.
    let kept = std::fs::read_to_string(target.data.join("erasures.log")).unwrap();
    assert_eq!(kept, text);

    // A database already restored into is not overwritten.
    if target.url.is_some() {
        let again = Place {
            data: dir.path().join("again"),
            url: target.url.clone(),
        };
        let out = again.restore(&b1, &[]);
        assert_eq!(out.status.code(), Some(1));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("not empty"), "{err}");
        assert!(!again.data.exists());
    }

    // B2 holds Zoë's new sign-up, made after the erasure: the ledger leaves it.
    let target2 = fresh_target(dir.path(), "restored2", &source, &mut dbs);
    let out = target2.restore(&b2, &["--erasures", &ledger_arg]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(target2.member_emails(), [PIET, ZOE]);

    if source.url.is_none() {
        // Without the source's ledger, B1 brings Zoë back, and the output says what to do.
        let bare = fresh_target(dir.path(), "bare", &source, &mut dbs);
        let out = bare.restore(&b1, &[]);
        assert!(out.status.success(), "{out:?}");
        assert!(String::from_utf8_lossy(&out.stdout).contains("--erasures"));
        assert_eq!(bare.member_emails(), [PIET, ZOE]);
        // A folder holding just the ledger: restored into, the ledger applies and stays.
        let in_place = fresh_target(dir.path(), "in-place", &source, &mut dbs);
        std::fs::create_dir_all(&in_place.data).unwrap();
        std::fs::copy(&ledger, in_place.data.join("erasures.log")).unwrap();
        let out = in_place.restore(&b1, &[]);
        assert!(out.status.success(), "{out:?}");
        assert_eq!(in_place.member_emails(), [PIET]);
        assert_eq!(
            std::fs::read_to_string(in_place.data.join("erasures.log")).unwrap(),
            text
        );
    }
}

#[test]
fn backup_restore_and_erasure_ledger_sqlite() {
    backup_restore_and_erasure_ledger(None);
}

#[test]
fn backup_restore_and_erasure_ledger_postgres() {
    if let Some(pg) = PgDatabase::create() {
        backup_restore_and_erasure_ledger(Some(pg));
    }
}

#[test]
fn backup_on_postgres_needs_pg_dump_and_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let p = |name: &str| dir.path().join(name).to_string_lossy().into_owned();
    let url = "postgres://nobody@127.0.0.1:1/none";
    // Without pg_dump on the PATH: said before anything is written.
    let out = std::process::Command::new(crate::process::BIN)
        .env_clear()
        .env("PATH", p("no-tools"))
        .args([
            "backup",
            &p("b1"),
            "--data-dir",
            &p("data"),
            "--database-url",
            url,
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("pg_dump is needed"), "{err}");
    assert!(!dir.path().join("b1").exists());
    // A database that cannot be reached: no backup either.
    let out = oa_cms(&[
        "backup",
        &p("b2"),
        "--data-dir",
        &p("data"),
        "--database-url",
        url,
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cannot connect to PostgreSQL"), "{err}");
    assert!(!dir.path().join("b2").exists());

    // A backup made before backups took pg_dump (files only) still restores its files.
    std::fs::create_dir_all(dir.path().join("old/files/cd")).unwrap();
    std::fs::write(dir.path().join("old/files/cd/blob"), b"bytes").unwrap();
    let sha = hex::encode(sha2::Sha256::digest(b"bytes"));
    let manifest = json!({
        "format": 1,
        "created_at": "2026-11-24T08:00:00+00:00",
        "backend": "postgres",
        "files": [{"path": "files/cd/blob", "size": 5, "sha256": sha}],
    });
    std::fs::write(
        dir.path().join("old/manifest.json"),
        serde_json::to_vec(&manifest).unwrap(),
    )
    .unwrap();
    let out = oa_cms(&["restore", &p("old"), "--data-dir", &p("restored")]);
    assert!(out.status.success(), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("holds no database"));
    assert_eq!(
        std::fs::read(dir.path().join("restored/files/cd/blob")).unwrap(),
        b"bytes"
    );
    // A SQLite backup does not go into PostgreSQL, nor a dump into SQLite.
    let out = oa_cms(&["migrate", "--data-dir", &p("lite")]);
    assert!(out.status.success());
    run_ok(&["backup", &p("lite-backup"), "--data-dir", &p("lite")]);
    let out = oa_cms(&[
        "restore",
        &p("lite-backup"),
        "--data-dir",
        &p("r2"),
        "--database-url",
        url,
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("holds a SQLite database"));
    // On SQLite without a database there is nothing consistent to copy.
    let out = oa_cms(&["backup", &p("b3"), "--data-dir", &p("nothing")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no database"));
    assert!(!dir.path().join("nothing/cms.db").exists());
    assert!(!dir.path().join("b3").exists());
}
