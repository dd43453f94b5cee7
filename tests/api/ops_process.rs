//! Operations on the real binary: what the logs hold, graceful shutdown, backup and restore.

use std::time::Duration;

use serde_json::{Value, json};

use crate::process::{ServerProcess, oa_cms};

/// Every way a secret could show up in a log line: as sent and URL-encoded.
fn assert_absent(log: &str, secret: &str) {
    let encoded = secret.replace('@', "%40").replace('+', "%2B");
    assert!(
        !log.contains(secret) && !log.contains(&encoded),
        "the log holds {secret:?}:\n{log}"
    );
}

#[test]
fn json_logs_of_a_login_and_a_sign_up_hold_no_credentials_or_personal_data() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = ServerProcess::start(&dir.path().join("data"), &["--log-format", "json"]);
    let email = server.stdout_value("E-mail:").expect("first admin e-mail");
    let password = server
        .stdout_value("Password:")
        .expect("first admin password");

    let r = server
        .client
        .post(server.url("/api/v1/auth/login"))
        .header("sec-fetch-site", "same-origin")
        .json(&json!({"email": email, "password": password}))
        .send()
        .unwrap();
    assert_eq!(r.status(), 200);
    let cookie = r
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .expect("session cookie")
        .to_owned();
    let session = cookie.split_once('=').unwrap().1.to_owned();
    let me = server
        .client
        .get(server.url("/api/v1/auth/me"))
        .header("cookie", &cookie)
        .send()
        .unwrap();
    assert_eq!(me.status(), 200);

    // A failed login of someone else, with the e-mail also in the query string.
    let other_email = "geheim.lid+ops@school.example";
    let other_password = "Zeer-Geheim-Wachtwoord-4711";
    let r = server
        .client
        .post(server.url(&format!(
            "/api/v1/auth/login?email={}",
            other_email.replace('@', "%40").replace('+', "%2B")
        )))
        .header("sec-fetch-site", "same-origin")
        .json(&json!({"email": other_email, "password": other_password}))
        .send()
        .unwrap();
    assert_eq!(r.status(), 401);
    // A bearer token that does not exist.
    let bearer = "t_NotARealTokenButSecretLooking0123456789abcdef";
    let r = server
        .client
        .get(server.url("/api/v1/auth/me"))
        .bearer_auth(bearer)
        .send()
        .unwrap();
    assert_eq!(r.status(), 401);
    // A member signs up through the public form.
    let member_name = "Fenna Oudewater-Lid";
    let member_email = "fenna.oudewater@leden.example";
    let contribution = "Ik verbind scholen met de wijk via de Oudewaterse bibliotheek.";
    let c: Value = server
        .client
        .post(server.url("/api/v1/memberships/challenge"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let (a, b) = c["question"]
        .as_str()
        .unwrap()
        .strip_suffix(" =")
        .and_then(|q| q.split_once(" + "))
        .unwrap();
    let answer = a.parse::<i64>().unwrap() + b.parse::<i64>().unwrap();
    let r = server
        .client
        .post(server.url("/api/v1/memberships"))
        .json(&json!({
            "name": member_name,
            "email": member_email,
            "organisation": "Stichting Campus010",
            "sector": "onderwijs",
            "role": "verbinder",
            "contribution": contribution,
            "consent": true,
            "challenge_token": c["token"],
            "challenge_answer": answer,
        }))
        .send()
        .unwrap();
    assert_eq!(r.status(), 202);
    server.stop(Duration::from_secs(30));

    let log = server.stderr();
    let lines: Vec<Value> = log
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|_| panic!("not a JSON line: {l}")))
        .collect();
    let requests: Vec<&Value> = lines
        .iter()
        .filter(|l| l["fields"]["message"] == "request")
        .collect();
    let login_ok = requests.iter().any(|l| {
        l["fields"]["route"] == "/api/v1/auth/login"
            && l["fields"]["method"] == "POST"
            && l["fields"]["status"] == 200
            && l["fields"]["request_id"].is_string()
            && l["fields"]["duration_ms"].is_string()
    });
    assert!(login_ok, "no request line for the login:\n{log}");
    assert!(
        requests
            .iter()
            .any(|l| l["fields"]["route"] == "/api/v1/memberships" && l["fields"]["status"] == 202),
        "no request line for the sign-up:\n{log}"
    );
    assert!(
        requests
            .iter()
            .any(|l| l["fields"]["route"] == "/api/v1/auth/login" && l["fields"]["status"] == 401)
    );
    for secret in [
        email.as_str(),
        password.as_str(),
        other_email,
        other_password,
        session.as_str(),
        bearer,
        member_name,
        member_email,
        contribution,
    ] {
        assert_absent(&log, secret);
    }
}

/// The one line a failed command prints on stderr.
fn error_line(out: &std::process::Output) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "expected one line on stderr: {stderr}");
    lines[0].to_owned()
}

#[test]
fn restore_checks_the_manifest_and_refuses_damaged_or_partial_backups() {
    let dir = tempfile::tempdir().unwrap();
    let p = |name: &str| dir.path().join(name).to_string_lossy().into_owned();
    let data = p("data");
    let out = oa_cms(&["migrate", "--data-dir", &data]);
    assert!(out.status.success(), "{out:?}");
    let blob: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    std::fs::create_dir_all(dir.path().join("data/files/ab")).unwrap();
    std::fs::write(dir.path().join("data/files/ab/blob"), &blob).unwrap();
    std::fs::create_dir_all(dir.path().join("data/files/tmp")).unwrap();
    std::fs::write(dir.path().join("data/files/tmp/partial"), b"cut off").unwrap();

    let out = oa_cms(&["backup", &p("backup"), "--data-dir", &data]);
    assert!(out.status.success(), "{out:?}");
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("backup/manifest.json")).unwrap())
            .unwrap();
    let paths: Vec<&str> = manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, vec!["cms.db", "files/ab/blob"]);
    // A second backup into the same folder is refused.
    let out = oa_cms(&["backup", &p("backup"), "--data-dir", &data]);
    assert_eq!(out.status.code(), Some(1));
    assert!(error_line(&out).contains("not empty"));

    // A good backup restores byte-exact, without the cut-off upload.
    let out = oa_cms(&["restore", &p("backup"), "--data-dir", &p("restored")]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        std::fs::read(dir.path().join("restored/files/ab/blob")).unwrap(),
        blob
    );
    assert!(!dir.path().join("restored/files/tmp").exists());
    // ... and never over existing data.
    let out = oa_cms(&["restore", &p("backup"), "--data-dir", &p("restored")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(error_line(&out).contains("not empty"));

    // One flipped byte.
    let copy = |name: &str| {
        let to = dir.path().join(name);
        let out = std::process::Command::new("cp")
            .args(["-r", &p("backup"), to.to_str().unwrap()])
            .output()
            .unwrap();
        assert!(out.status.success());
        to
    };
    let damaged = copy("damaged");
    let mut bytes = std::fs::read(damaged.join("files/ab/blob")).unwrap();
    bytes[100_000] ^= 0x01;
    std::fs::write(damaged.join("files/ab/blob"), &bytes).unwrap();
    let out = oa_cms(&["restore", damaged.to_str().unwrap(), "--data-dir", &p("r1")]);
    assert_eq!(out.status.code(), Some(1));
    let line = error_line(&out);
    assert!(
        line.contains("files/ab/blob") && line.contains("SHA-256"),
        "{line}"
    );
    // A truncated database copy.
    let short = copy("short");
    let db = std::fs::read(short.join("cms.db")).unwrap();
    std::fs::write(short.join("cms.db"), &db[..db.len() - 1]).unwrap();
    let out = oa_cms(&["restore", short.to_str().unwrap(), "--data-dir", &p("r2")]);
    assert_eq!(out.status.code(), Some(1));
    let line = error_line(&out);
    assert!(line.contains("cms.db") && line.contains("bytes"), "{line}");
    // A file gone from the backup.
    let missing = copy("missing");
    std::fs::remove_file(missing.join("files/ab/blob")).unwrap();
    let out = oa_cms(&["restore", missing.to_str().unwrap(), "--data-dir", &p("r3")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(error_line(&out).contains("missing files/ab/blob"));
    // No manifest: the backup never finished.
    let partial = copy("partial");
    std::fs::remove_file(partial.join("manifest.json")).unwrap();
    let out = oa_cms(&["restore", partial.to_str().unwrap(), "--data-dir", &p("r4")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(error_line(&out).contains("manifest.json is missing"));
    // A failed restore leaves nothing behind: no data folder, no temporary folder.
    for name in ["r1", "r2", "r3", "r4"] {
        assert!(!dir.path().join(name).exists(), "{name} was created");
    }
    let leftovers: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("restoring"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
