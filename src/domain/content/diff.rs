//! The difference between two versions: which fields changed, and a line diff of the body.

use serde::Serialize;
use serde_json::Value;
use similar::{ChangeTag, TextDiff};
use utoipa::ToSchema;

use super::Document;

/// One changed field other than the body, with both values.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct FieldChange {
    /// `title`, `tags`, `fields.url`, ...
    pub field: String,
    #[schema(value_type = Object)]
    pub from: Value,
    #[schema(value_type = Object)]
    pub to: Value,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum LineOp {
    Equal,
    Delete,
    Insert,
}

/// One line of the body diff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct BodyLine {
    pub op: LineOp,
    /// 1-based line number in the `from` body (none for inserted lines).
    pub old_line: Option<usize>,
    /// 1-based line number in the `to` body (none for deleted lines).
    pub new_line: Option<usize>,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct VersionDiff {
    pub from: i64,
    pub to: i64,
    /// Every changed field's path, `body` included.
    pub changed_fields: Vec<String>,
    /// The changed fields but the body, with both values.
    pub changes: Vec<FieldChange>,
    /// The body, line by line; empty when the body did not change.
    pub body_diff: Vec<BodyLine>,
    /// The same body diff in unified format.
    pub body_unified: String,
}

fn as_object(doc: &Document) -> serde_json::Map<String, Value> {
    match serde_json::to_value(doc) {
        Ok(Value::Object(m)) => m,
        _ => serde_json::Map::new(),
    }
}

fn compare(
    prefix: &str,
    a: &serde_json::Map<String, Value>,
    b: &serde_json::Map<String, Value>,
    out: &mut Vec<FieldChange>,
) {
    let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    for key in keys {
        let x = a.get(key).unwrap_or(&Value::Null);
        let y = b.get(key).unwrap_or(&Value::Null);
        if x == y {
            continue;
        }
        let path = format!("{prefix}{key}");
        match (x, y) {
            (Value::Object(xa), Value::Object(yb)) if prefix.is_empty() && key == "fields" => {
                compare("fields.", xa, yb, out);
            }
            _ => out.push(FieldChange {
                field: path,
                from: x.clone(),
                to: y.clone(),
            }),
        }
    }
}

pub fn diff(from_version: i64, from: &Document, to_version: i64, to: &Document) -> VersionDiff {
    let mut changes = Vec::new();
    compare("", &as_object(from), &as_object(to), &mut changes);
    let mut changed_fields: Vec<String> = changes.iter().map(|c| c.field.clone()).collect();
    changes.retain(|c| c.field != "body");
    let mut body_diff = Vec::new();
    let mut body_unified = String::new();
    if from.body == to.body {
        changed_fields.retain(|f| f != "body");
    } else {
        let text = TextDiff::from_lines(&from.body, &to.body);
        for change in text.iter_all_changes() {
            body_diff.push(BodyLine {
                op: match change.tag() {
                    ChangeTag::Equal => LineOp::Equal,
                    ChangeTag::Delete => LineOp::Delete,
                    ChangeTag::Insert => LineOp::Insert,
                },
                old_line: change.old_index().map(|i| i + 1),
                new_line: change.new_index().map(|i| i + 1),
                text: change.value().trim_end_matches(['\n', '\r']).to_owned(),
            });
        }
        body_unified = text
            .unified_diff()
            .header(
                &format!("version {from_version}"),
                &format!("version {to_version}"),
            )
            .to_string();
    }
    VersionDiff {
        from: from_version,
        to: to_version,
        changed_fields,
        changes,
        body_diff,
        body_unified,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::content::Fields;
    use crate::domain::content::fields::PageFields;

    fn doc(title: &str, body: &str, position: i64) -> Document {
        Document {
            slug: "missie".into(),
            title: title.into(),
            summary: String::new(),
            body: body.into(),
            tags: vec![],
            attachments: vec![],
            fields: Fields::Page(PageFields {
                position,
                parent: None,
            }),
        }
    }

    #[test]
    fn names_changed_fields_and_diffs_the_body() {
        let d = diff(
            1,
            &doc("Missie", "een\ntwee\ndrie\n", 1),
            2,
            &doc("Onze missie", "een\n2\ndrie\n", 2),
        );
        assert_eq!(d.changed_fields, ["body", "fields.position", "title"]);
        assert_eq!(d.changes.len(), 2);
        let ops: Vec<(LineOp, &str)> = d
            .body_diff
            .iter()
            .map(|l| (l.op, l.text.as_str()))
            .collect();
        assert_eq!(
            ops,
            [
                (LineOp::Equal, "een"),
                (LineOp::Delete, "twee"),
                (LineOp::Insert, "2"),
                (LineOp::Equal, "drie")
            ]
        );
        assert!(d.body_unified.contains("-twee\n+2\n"), "{}", d.body_unified);
        let same = diff(1, &doc("A", "x", 1), 1, &doc("A", "x", 1));
        assert!(same.changed_fields.is_empty() && same.body_diff.is_empty());
    }
}
