//! The command line: exit codes, `openapi`, `user add`, `migrate`.

use std::io::Write;
use std::process::{Command, Stdio};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_oa-cms"))
}

#[test]
fn usage_errors_exit_2_and_failures_exit_1_with_one_line() {
    let out = bin().arg("serve").arg("--no-such-flag").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = bin()
        .args(["serve", "--log-format", "xml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("--log-format"));
    let dir = tempfile::tempdir().unwrap();
    let out = bin()
        .args([
            "migrate",
            "--database-url",
            "postgres://nobody@127.0.0.1:1/none",
        ])
        .env("DATA_DIR", dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("PostgreSQL"), "{err}");
}

#[test]
fn sqlite_synchronous_is_full_unless_normal_is_asked_for() {
    use clap::Parser;
    use oa_cms::cli::{Cli, Command, SqliteSynchronous};
    let config = |args: &[&str]| {
        let cli = Cli::try_parse_from(["oa-cms", "serve"].iter().chain(args)).unwrap();
        let Command::Serve(serve) = cli.command else {
            panic!("not serve")
        };
        oa_cms::config::Config::from_args(&serve).unwrap()
    };
    // The environment of the test run must not decide this.
    if std::env::var_os("SQLITE_SYNCHRONOUS").is_none() {
        assert_eq!(config(&[]).sqlite_synchronous, SqliteSynchronous::Full);
    }
    assert_eq!(
        config(&["--sqlite-synchronous", "normal"]).sqlite_synchronous,
        SqliteSynchronous::Normal
    );
    assert_eq!(
        config(&["--sqlite-synchronous", "full"]).sqlite_synchronous,
        SqliteSynchronous::Full
    );
    let out = bin()
        .args(["serve", "--sqlite-synchronous", "off"])
        .env_remove("SQLITE_SYNCHRONOUS")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--sqlite-synchronous"), "{err}");
    let out = bin()
        .arg("serve")
        .env("SQLITE_SYNCHRONOUS", "sometimes")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn openapi_command_prints_the_served_document() {
    let out = bin().arg("openapi").output().unwrap();
    assert!(out.status.success());
    let printed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let served: serde_json::Value =
        serde_json::from_str(&oa_cms::startup::openapi_doc().to_json().unwrap()).unwrap();
    assert_eq!(printed, served);
}

#[test]
fn user_add_reads_the_password_or_generates_one() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = bin()
        .args([
            "user",
            "add",
            "--email",
            "Eva@Example.nl",
            "--role",
            "editor",
            "--data-dir",
        ])
        .arg(dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"een lang wachtwoord\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("eva@example.nl") && !text.contains("password:"),
        "{text}"
    );
    // Generated when stdin is empty, printed once.
    let out = bin()
        .args([
            "user",
            "add",
            "--email",
            "jan@example.nl",
            "--role",
            "read",
            "--data-dir",
        ])
        .arg(dir.path())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    let pw = text
        .lines()
        .find_map(|l| l.strip_prefix("password: "))
        .expect("generated password");
    assert!(pw.len() >= 16);
    // Bad role and taken e-mail fail with exit 1.
    let out = bin()
        .args([
            "user",
            "add",
            "--email",
            "x@example.nl",
            "--role",
            "baas",
            "--data-dir",
        ])
        .arg(dir.path())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let out = bin()
        .args([
            "user",
            "add",
            "--email",
            "jan@example.nl",
            "--role",
            "read",
            "--data-dir",
        ])
        .arg(dir.path())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    // The users can log in: the stored hash verifies.
    let url = dir.path().join("cms.db").to_string_lossy().into_owned();
    let db = oa_cms::db::Db::connect(&url, 1).unwrap();
    let mut conn = db.get().unwrap();
    let u = oa_cms::db::users::find_by_email(&mut conn, "jan@example.nl")
        .unwrap()
        .unwrap();
    assert!(oa_cms::auth::verify_password(pw, &u.password_hash));
    assert_eq!(u.role, "read");
}
