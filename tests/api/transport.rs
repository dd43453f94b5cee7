//! The in-process transport answers as the server on a socket does: status, the headers
//! the HTTP layer sets (Content-Length, none on 204 and 304) and the body, HEAD without it.

use crate::files::{random_bytes, sha256_hex};
use crate::support::{Client, Method, Resp, TestApp, send};

// The server on a real port; the test adds an in-process client on the same state.
crate::both_backends_served_with!(|_| {}, in_process_answers_match_the_socket);

/// A request: method, path and headers.
type Case = (Method, String, Vec<(&'static str, String)>);

/// What a client can see of an answer (the Date header aside).
fn seen(r: &Resp) -> (u16, Vec<Option<String>>, usize, String) {
    let headers = [
        "content-length",
        "content-type",
        "etag",
        "allow",
        "cache-control",
        "content-range",
        "transfer-encoding",
    ]
    .iter()
    .map(|h| r.header(h))
    .collect();
    (
        r.status.as_u16(),
        headers,
        r.body.len(),
        sha256_hex(&r.body),
    )
}

async fn in_process_answers_match_the_socket(app: TestApp) {
    let local = app.in_process_client().await;
    let bytes = random_bytes(70_000);
    let file = app.file("verslag.bin", &bytes).await;
    let url = file["url"].as_str().unwrap().to_owned();
    let item = app
        .download("Verslag", file["id"].as_str().unwrap())
        .published()
        .await;
    let etag = app
        .get(&item.public_path())
        .await
        .expect(200)
        .header("etag")
        .unwrap();
    let cases: Vec<Case> = vec![
        (Method::GET, item.public_path(), vec![]),
        (Method::HEAD, item.public_path(), vec![]),
        (
            Method::GET,
            item.public_path(),
            vec![("if-none-match", etag)],
        ),
        (Method::GET, "/api/v1/content".into(), vec![]),
        (Method::GET, url.clone(), vec![]),
        (Method::HEAD, url.clone(), vec![]),
        (Method::GET, url, vec![("range", "bytes=10-19".into())]),
        (Method::DELETE, "/health".into(), vec![]),
        (Method::GET, "/api/v1/nothing-here".into(), vec![]),
        (Method::HEAD, "/api/v1/content/page/geen".into(), vec![]),
    ];
    let socket = app.client();
    for (method, path, headers) in cases {
        let request = |client: &Client| {
            let mut rb = client.request(method.clone(), &path);
            for (k, v) in &headers {
                rb = rb.header(k, v);
            }
            rb
        };
        let over_socket = send(request(&socket)).await;
        let in_process = send(request(&local)).await;
        assert_eq!(
            seen(&in_process),
            seen(&over_socket),
            "{method} {path} {headers:?}"
        );
    }
    // A file deleted: 204, no body and no length, either way.
    let mut answers = Vec::new();
    for client in [&socket, &local] {
        let rec = app.file("weg.bin", &random_bytes(100)).await;
        let path = format!("/api/v1/admin/files/{}", rec["id"].as_str().unwrap());
        let r = send(
            client
                .request(Method::DELETE, &path)
                .bearer_auth(&app.admin_token),
        )
        .await;
        answers.push(seen(&r.expect(204)));
    }
    assert_eq!(answers[0], answers[1]);
    assert_eq!(answers[0].1[0], None, "no Content-Length on 204");
}
