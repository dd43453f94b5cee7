//! Property tests of what restores rely on: a stored document reads back equal, and
//! validating it again (as a restore does) changes nothing.

use std::collections::HashSet;

use proptest::prelude::*;
use serde_json::{Value, json};

use super::document::{self, DocumentInput};
use super::{Document, Kind};

fn input(kind: Kind) -> impl Strategy<Value = (Kind, DocumentInput)> {
    let fields = match kind {
        Kind::News => (
            "20[0-9]{2}-0[1-9]-1[0-9]",
            proptest::option::of("[A-Za-z ]{1,20}"),
        )
            .prop_map(|(d, a)| json!({"display_date": d, "author": a}))
            .boxed(),
        Kind::Manifest => (
            proptest::option::of("[A-Za-zé ]{0,30}"),
            proptest::collection::vec(
                (
                    "[0-9]{1,2}",
                    "[a-z ]{0,30}",
                    proptest::option::of("https://[a-z]{1,8}\\.nl/[a-z]{0,5}"),
                ),
                0..4,
            ),
        )
            .prop_map(|(s, refs)| {
                let refs: Vec<Value> = refs
                    .into_iter()
                    .map(|(l, c, u)| json!({"label": l, "citation": c, "url": u}))
                    .collect();
                json!({"subtitle": s, "references": refs})
            })
            .boxed(),
        Kind::Video => prop_oneof![
            "[A-Za-z0-9_-]{11}".prop_map(|id| json!({"url": format!("https://youtu.be/{id}")})),
            "[0-9]{1,9}".prop_map(|id| json!({"url": format!("https://vimeo.com/{id}")})),
            "[a-z]{1,10}".prop_map(|p| json!({"url": format!("https://example.org/{p}")})),
        ]
        .boxed(),
        Kind::Page => (0i64..1000).prop_map(|p| json!({"position": p})).boxed(),
        Kind::Download => (any::<u128>(), proptest::option::of("\\PC{0,50}"))
            .prop_map(
                |(n, d)| json!({"file_id": uuid::Uuid::from_u128(n).to_string(), "description": d}),
            )
            .boxed(),
        Kind::Location => (
            "[A-Za-z]{1,20}",
            "[A-Za-z ]{0,10}X",
            proptest::option::of("https?://[a-z]{1,8}\\.nl"),
        )
            .prop_map(|(c, i, u)| json!({"city": c, "initiator": i, "initiator_url": u}))
            .boxed(),
        Kind::Home => ("[A-Za-z ]{0,30}", "\\PC{0,60}", "[a-z]{1,8}")
            .prop_map(|(t, i, k)| {
                json!({"tagline": t, "intro": i, "sections": [{"key": k, "heading": t, "query": {"kind": "news", "limit": 2}}]})
            })
            .boxed(),
    };
    (
        "[A-Za-z0-9äëïöüé ,.!]{0,40}[a-z]",
        proptest::option::of("[a-z]{1,10}(-[a-z0-9]{1,5}){0,3}"),
        proptest::option::of("\\PC{0,60}"),
        proptest::option::of("\\PC{0,200}"),
        proptest::collection::vec("[a-z]{1,12}", 0..5),
        fields,
    )
        .prop_map(move |(title, slug, summary, body, mut tags, fields)| {
            tags.sort();
            tags.dedup();
            (
                kind,
                DocumentInput {
                    slug,
                    title,
                    summary,
                    body,
                    tags: Some(tags),
                    attachments: None,
                    fields,
                    comment: None,
                },
            )
        })
}

fn any_input() -> impl Strategy<Value = (Kind, DocumentInput)> {
    prop_oneof![
        input(Kind::News),
        input(Kind::Manifest),
        input(Kind::Video),
        input(Kind::Page),
        input(Kind::Location),
        input(Kind::Download),
        input(Kind::Home),
    ]
}

/// Every file id names a file; no item refers to another.
struct AllFiles;

impl document::Lookup for AllFiles {
    fn existing_files(&mut self, ids: &[String]) -> crate::error::AppResult<HashSet<String>> {
        Ok(ids.iter().cloned().collect())
    }
    fn item_kinds(
        &mut self,
        _ids: &[String],
    ) -> crate::error::AppResult<std::collections::HashMap<String, Kind>> {
        Ok(std::collections::HashMap::new())
    }
}

/// What a restore feeds back into validation.
fn as_input(doc: &Document) -> DocumentInput {
    DocumentInput {
        slug: Some(doc.slug.clone()),
        title: doc.title.clone(),
        summary: Some(doc.summary.clone()),
        body: Some(doc.body.clone()),
        tags: Some(doc.tags.clone()),
        attachments: Some(doc.attachments.clone()),
        fields: serde_json::to_value(&doc.fields).unwrap_or(Value::Null),
        comment: None,
    }
}

proptest! {
    #[test]
    fn saved_documents_restore_unchanged((kind, input) in any_input()) {
        let (doc, _) = document::validate(kind, input, None, None, &mut AllFiles).unwrap();
        let stored = doc.to_json().unwrap();
        let read = Document::from_json(kind, &stored).unwrap();
        prop_assert_eq!(&read, &doc);
        let (again, _) = document::validate(kind, as_input(&read), Some("other"), None, &mut AllFiles).unwrap();
        prop_assert_eq!(again, doc);
    }
}
