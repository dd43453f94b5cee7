//! Uploading: streaming, hashing, sniffing, dedup, limits and interrupted uploads.

use crate::support::Method;
use oa_cms::auth::Role;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::{
    PDF, PNG, blobs, eventually, file_count, random_bytes, sha256_hex, temp_files, upload,
    upload_as, uploaded,
};
use crate::support::{Resp, TestApp, send};
use crate::{both_backends, both_backends_served_with, both_backends_with};

both_backends!(
    large_file_round_trips_byte_exact,
    identical_bytes_are_stored_once,
    content_type_comes_from_the_bytes,
    filenames_are_sanitised,
    bad_uploads_are_named,
    roles_decide_who_uploads,
    racing_identical_uploads_make_one_file,
    uploads_and_deletes_are_audited,
);
both_backends_with!(|c| c.upload_limit = 1000, upload_over_the_limit_is_413);
// Raw HTTP over a socket: a body cut off mid-way, an answer before the body.
both_backends_served_with!(|_| {}, cut_off_upload_leaves_nothing);
both_backends_served_with!(
    |c| c.upload_limit = 1000,
    declared_length_over_the_limit_is_refused_before_reading,
);

async fn large_file_round_trips_byte_exact(app: TestApp) {
    let bytes = random_bytes(5 * 1024 * 1024 + 17);
    let r = upload(&app, "Jaarverslag reünie.bin", &bytes, Some("Jaarverslag")).await;
    let location = r.header("location").expect("Location");
    let rec = r.expect(201).json();
    let id = rec["id"].as_str().unwrap();
    assert_eq!(location, format!("/api/v1/admin/files/{id}"));
    assert_eq!(rec["filename"], "Jaarverslag reünie.bin");
    assert_eq!(rec["content_type"], "application/octet-stream");
    assert_eq!(rec["size"], bytes.len());
    assert_eq!(rec["sha256"], sha256_hex(&bytes));
    assert_eq!(rec["label"], "Jaarverslag");
    assert!(rec["created_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(
        rec["url"],
        format!("/api/v1/files/{id}/Jaarverslag%20re%C3%BCnie.bin")
    );
    let r = app
        .admin_get(&format!("/api/v1/admin/files/{id}/content"))
        .await
        .expect(200);
    assert_eq!(r.header("content-length"), Some(bytes.len().to_string()));
    assert_eq!(
        r.header("etag"),
        Some(format!("\"{}\"", sha256_hex(&bytes)))
    );
    assert_eq!(
        r.header("cache-control").as_deref(),
        Some("private, no-cache")
    );
    assert!(r.body == bytes, "admin content is byte-exact");
    // The blob on disk is named by its hash and holds the same bytes.
    let on_disk = blobs(&app);
    assert_eq!(on_disk.len(), 1);
    let sha = sha256_hex(&bytes);
    assert!(
        on_disk[0].ends_with(format!("{}/{sha}", &sha[..2])),
        "{on_disk:?}"
    );
    assert!(std::fs::read(&on_disk[0]).unwrap() == bytes);
    assert!(temp_files(&app).is_empty());
}

async fn identical_bytes_are_stored_once(app: TestApp) {
    let bytes = random_bytes(300_000);
    let first = uploaded(&app, "eerste.bin", &bytes).await;
    let r = upload(&app, "tweede.bin", &bytes, Some("ander label")).await;
    assert_eq!(
        r.header("content-location"),
        Some(format!(
            "/api/v1/admin/files/{}",
            first["id"].as_str().unwrap()
        ))
    );
    let again = r.expect(200).json();
    assert_eq!(again, first, "the existing record, unchanged");
    assert_eq!(blobs(&app).len(), 1);
    assert_eq!(file_count(&app).await, 1);
    // Other bytes are another file and another blob.
    let mut other = bytes.clone();
    other[0] ^= 1;
    let second = uploaded(&app, "eerste.bin", &other).await;
    assert_ne!(second["id"], first["id"]);
    assert_eq!(blobs(&app).len(), 2);
    assert_eq!(file_count(&app).await, 2);
    assert!(temp_files(&app).is_empty());
}

async fn content_type_comes_from_the_bytes(app: TestApp) {
    let pdf = uploaded(&app, "x.jpg", PDF).await;
    assert_eq!(pdf["content_type"], "application/pdf");
    assert_eq!(pdf["filename"], "x.jpg");
    let png = uploaded(&app, "logo.pdf", PNG).await;
    assert_eq!(png["content_type"], "image/png");
    let text = uploaded(&app, "notities.bin", "Reünie in Zeeland\n".as_bytes()).await;
    assert_eq!(text["content_type"], "text/plain");
    let binary = uploaded(&app, "data.txt", &[0xff, 0xfe, 0x00, 0x01, 0x80]).await;
    assert_eq!(binary["content_type"], "application/octet-stream");

    let r = app
        .admin_get(&format!(
            "/api/v1/admin/files/{}/content",
            pdf["id"].as_str().unwrap()
        ))
        .await
        .expect(200);
    assert_eq!(r.header("content-type").as_deref(), Some("application/pdf"));
    assert_eq!(
        r.header("content-disposition").as_deref(),
        Some("inline; filename=\"x.jpg\"")
    );
    assert_eq!(
        r.header("x-content-type-options").as_deref(),
        Some("nosniff")
    );
    let r = app
        .admin_get(&format!(
            "/api/v1/admin/files/{}/content",
            text["id"].as_str().unwrap()
        ))
        .await
        .expect(200);
    assert_eq!(
        r.header("content-type").as_deref(),
        Some("text/plain; charset=utf-8")
    );
    assert_eq!(
        r.header("content-disposition").as_deref(),
        Some("attachment; filename=\"notities.bin\"")
    );
}

async fn filenames_are_sanitised(app: TestApp) {
    let rec = uploaded(&app, "../../etc/Café\u{202e}fdp.exe", b"tekst").await;
    assert_eq!(rec["filename"], "Caféfdp.exe");
    let id = rec["id"].as_str().unwrap();
    let r = app
        .admin_get(&format!("/api/v1/admin/files/{id}/content"))
        .await
        .expect(200);
    assert_eq!(
        r.header("content-disposition").as_deref(),
        Some("attachment; filename=\"Cafefdp.exe\"; filename*=UTF-8''Caf%C3%A9fdp.exe")
    );
    // A part without a name gets one from its type.
    let rec = uploaded(&app, "", &super::unique_pdf()).await;
    assert_eq!(rec["filename"], "file.pdf");
}

async fn bad_uploads_are_named(app: TestApp) {
    // Not multipart: 415.
    app.admin_json(Method::POST, "/api/v1/admin/files", &json!({"file": "x"}))
        .await
        .problem(415);
    // No `file` part: 422 naming it.
    let form = crate::support::Form::new().text("label", "alleen een label");
    let p = send(
        app.admin(Method::POST, "/api/v1/admin/files")
            .multipart(form),
    )
    .await
    .problem(422);
    assert_eq!(Resp::fields(&p), vec!["file"]);
    // An empty file.
    let p = upload(&app, "leeg.txt", b"", None).await.problem(422);
    assert_eq!(Resp::fields(&p), vec!["file"]);
    // An unknown part.
    let form = crate::support::Form::new().text("titel", "x").part(
        "file",
        crate::support::Part::bytes(PDF.to_vec()).file_name("a.pdf"),
    );
    let p = send(
        app.admin(Method::POST, "/api/v1/admin/files")
            .multipart(form),
    )
    .await
    .problem(422);
    assert_eq!(Resp::fields(&p), vec!["titel"]);
    // A label too long.
    let p = upload(&app, "a.pdf", PDF, Some(&"x".repeat(201)))
        .await
        .problem(422);
    assert_eq!(Resp::fields(&p), vec!["label"]);
    // Garbage that claims to be multipart.
    send(
        app.admin(Method::POST, "/api/v1/admin/files")
            .header("content-type", "multipart/form-data; boundary=zzz")
            .body("this is not multipart"),
    )
    .await
    .problem(400);
    assert_eq!(file_count(&app).await, 0);
    assert!(blobs(&app).is_empty());
    assert!(temp_files(&app).is_empty());
}

async fn roles_decide_who_uploads(app: TestApp) {
    let (_, editor) = app.staff("editor@test.nl", Role::Editor).await;
    let (_, reader) = app.staff("read@test.nl", Role::Read).await;
    let (_, members) = app.staff("leden@test.nl", Role::Membership).await;
    upload_as(&app, &editor, "a.pdf", PDF, None)
        .await
        .expect(201);
    upload_as(&app, &reader, "b.pdf", &super::unique_pdf(), None)
        .await
        .problem(403);
    upload_as(&app, &members, "b.pdf", &super::unique_pdf(), None)
        .await
        .problem(403);
    let anonymous = crate::support::Form::new().part(
        "file",
        crate::support::Part::bytes(PDF.to_vec()).file_name("a.pdf"),
    );
    send(
        app.request(Method::POST, "/api/v1/admin/files")
            .multipart(anonymous),
    )
    .await
    .problem(401);
    // Reading is for every role that reads content.
    send(
        app.request(Method::GET, "/api/v1/admin/files")
            .bearer_auth(&reader),
    )
    .await
    .expect(200);
    send(
        app.request(Method::GET, "/api/v1/admin/files")
            .bearer_auth(&members),
    )
    .await
    .problem(403);
    assert_eq!(file_count(&app).await, 1);
}

async fn upload_over_the_limit_is_413(app: TestApp) {
    let p = upload(&app, "groot.bin", &random_bytes(5000), None)
        .await
        .problem(413);
    assert!(p["detail"].as_str().unwrap().contains("1000"));
    assert_eq!(file_count(&app).await, 0);
    assert!(blobs(&app).is_empty());
    assert!(temp_files(&app).is_empty());
    // Exactly at the limit is fine.
    uploaded(&app, "precies.bin", &random_bytes(1000)).await;
    assert_eq!(blobs(&app).len(), 1);
}

async fn cut_off_upload_leaves_nothing(app: TestApp) {
    let boundary = "oa-test-boundary";
    let part_head = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"afgebroken.bin\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    );
    let promised = part_head.len() + 20 * 1024 * 1024;
    let head = format!(
        "POST /api/v1/admin/files HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {}\r\n\
         Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {promised}\r\n\r\n",
        app.addr(),
        app.admin_token
    );
    let mut socket = actix_web::rt::net::TcpStream::connect(app.addr())
        .await
        .unwrap();
    socket.write_all(head.as_bytes()).await.unwrap();
    socket.write_all(part_head.as_bytes()).await.unwrap();
    socket.write_all(&random_bytes(512 * 1024)).await.unwrap();
    socket.flush().await.unwrap();
    // The upload streams into a temp file …
    eventually("the upload to reach files/tmp", || {
        !temp_files(&app).is_empty()
    })
    .await;
    // … until the client goes away.
    drop(socket);
    eventually("the temp file to be removed", || {
        temp_files(&app).is_empty()
    })
    .await;
    assert!(blobs(&app).is_empty());
    assert_eq!(file_count(&app).await, 0);
}

async fn declared_length_over_the_limit_is_refused_before_reading(app: TestApp) {
    // Only the headers are sent: the answer comes without waiting for the body.
    let head = format!(
        "POST /api/v1/admin/files HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {}\r\n\
         Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 50000000\r\n\r\n",
        app.addr(),
        app.admin_token
    );
    let mut socket = actix_web::rt::net::TcpStream::connect(app.addr())
        .await
        .unwrap();
    socket.write_all(head.as_bytes()).await.unwrap();
    let mut answer = vec![0u8; 4096];
    let n =
        actix_web::rt::time::timeout(std::time::Duration::from_secs(10), socket.read(&mut answer))
            .await
            .expect("an answer before the body")
            .unwrap();
    let answer = String::from_utf8_lossy(&answer[..n]);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("application/problem+json"), "{answer}");
    assert!(temp_files(&app).is_empty());
}

async fn racing_identical_uploads_make_one_file(app: TestApp) {
    let bytes = random_bytes(200_000);
    let names: Vec<String> = (0..4).map(|i| format!("kopie-{i}.bin")).collect();
    let answers =
        futures_util::future::join_all(names.iter().map(|n| upload(&app, n, &bytes, None))).await;
    let mut statuses: Vec<u16> = answers.iter().map(|r| r.status.as_u16()).collect();
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 200, 200, 201]);
    let ids: std::collections::HashSet<String> = answers
        .iter()
        .map(|r| r.json()["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids.len(), 1, "every answer names the one file");
    assert_eq!(file_count(&app).await, 1);
    assert_eq!(blobs(&app).len(), 1);
    assert!(temp_files(&app).is_empty());
}

async fn uploads_and_deletes_are_audited(app: TestApp) {
    let rec = uploaded(&app, "verslag.pdf", PDF).await;
    let id = rec["id"].as_str().unwrap();
    // Uploading the same bytes again changes nothing, so it records nothing.
    upload(&app, "nogmaals.pdf", PDF, None).await.expect(200);
    send(app.admin(Method::DELETE, &format!("/api/v1/admin/files/{id}")))
        .await
        .expect(204);
    let log = app
        .admin_get(&format!(
            "/api/v1/admin/audit?record_type=file&record_id={id}"
        ))
        .await
        .expect(200)
        .json();
    let entries = log["items"].as_array().unwrap_or_else(|| panic!("{log}"));
    let mut actions: Vec<&str> = entries
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    actions.sort_unstable();
    assert_eq!(actions, ["create", "delete"], "{log}");
    for e in entries {
        assert_eq!(e["actor"], "admin@test.nl");
        assert_eq!(e["detail"]["sha256"], rec["sha256"]);
    }
}
