//! The files of a previewed version: served under the link, as public downloads are, and
//! only those that version uses.

use serde_json::json;

use super::link;
use crate::both_backends;
use crate::files::{PNG, sha256_hex, unique_pdf};
use crate::support::{Method, TestApp, send};

both_backends!(
    the_files_of_the_version_are_served_and_no_others,
    a_download_version_serves_its_document_until_archived,
);

async fn the_files_of_the_version_are_served_and_no_others(app: TestApp) {
    let bytes = unique_pdf();
    let pdf = app.file("Verslag 2026.pdf", &bytes).await;
    let png = app.file("vlak.png", PNG).await;
    let other = app.file("ander.pdf", &unique_pdf()).await;
    let (pdf_id, png_id) = (pdf["id"].as_str().unwrap(), png["id"].as_str().unwrap());
    let mut item = app
        .news("Met bestanden")
        .body(&format!("![Vlak](file:{png_id})"))
        .attach(pdf_id, "Verslag")
        .draft()
        .await;
    let first = link(&app, &item, None).await;
    let p = super::shown(&app, &first).await;
    let pdf_url = p["attachments"][0]["url"].as_str().unwrap().to_owned();
    let r = app.get(&pdf_url).await.expect(200);
    assert_eq!(r.body, bytes);
    assert_eq!(
        r.header("cache-control").as_deref(),
        Some("private, no-store")
    );
    assert_eq!(r.header("content-type").as_deref(), Some("application/pdf"));
    assert_eq!(
        r.header("etag"),
        Some(format!("\"{}\"", sha256_hex(&bytes)))
    );
    assert_eq!(
        r.header("content-disposition").as_deref(),
        Some("inline; filename=\"Verslag 2026.pdf\"")
    );
    let part = send(
        app.request(Method::GET, &pdf_url)
            .header("range", "bytes=0-3"),
    )
    .await
    .expect(206);
    assert_eq!(part.body, b"%PDF");
    assert_eq!(
        part.header("cache-control").as_deref(),
        Some("private, no-store")
    );
    // The image in the text is the version's too; the public address serves neither.
    let files = format!("{}/files", first["url"].as_str().unwrap());
    app.get(&format!("{files}/{png_id}/vlak.png"))
        .await
        .expect(200);
    app.get(&format!("/api/v1/files/{pdf_id}/Verslag%202026.pdf"))
        .await
        .problem(404);
    // A file the version does not use, a name that is not the file's, an id that is not one.
    let other_id = other["id"].as_str().unwrap();
    for path in [
        format!("{files}/{other_id}/ander.pdf"),
        format!("{files}/{pdf_id}/ander.pdf"),
        format!("{files}/{}/vlak.png", png_id.to_uppercase()),
        format!("{files}/nope/vlak.png"),
    ] {
        app.get(&path).await.problem(404);
    }
    // The next version drops the attachment: its link does not serve it, the first still does.
    item.edit(&app, |d| d["attachments"] = json!([])).await;
    let second = link(&app, &item, None).await;
    let files2 = format!("{}/files", second["url"].as_str().unwrap());
    app.get(&format!("{files2}/{pdf_id}/Verslag%202026.pdf"))
        .await
        .problem(404);
    app.get(&format!("{files2}/{png_id}/vlak.png"))
        .await
        .expect(200);
    app.get(&pdf_url).await.expect(200);
    // An altered token serves nothing.
    let token = first["token"].as_str().unwrap();
    let flipped = format!(
        "{}{}",
        if token.starts_with('A') { "B" } else { "A" },
        &token[1..]
    );
    app.get(&pdf_url.replace(token, &flipped))
        .await
        .problem(404);
}

async fn a_download_version_serves_its_document_until_archived(app: TestApp) {
    let pdf = app.file("document.pdf", &unique_pdf()).await;
    let pdf_id = pdf["id"].as_str().unwrap();
    let mut item = app.download("Het document", pdf_id).draft().await;
    let l = link(&app, &item, None).await;
    let p = super::shown(&app, &l).await;
    let url = p["fields"]["file"]["url"].as_str().unwrap().to_owned();
    assert_eq!(
        url,
        format!("{}/files/{pdf_id}/document.pdf", l["url"].as_str().unwrap())
    );
    app.get(&url).await.expect(200);
    item.archive(&app).await;
    app.get(&url).await.problem(404);
}
