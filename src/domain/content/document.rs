//! The document of a content item (what each version stores) and the requests that make
//! one, validated with every problem collected.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::fields::{self, Fields};
use super::{Kind, slug};
use crate::error::{AppError, AppResult, FieldError};

pub const MAX_TITLE: usize = 200;
pub const MAX_SUMMARY: usize = 1000;
pub const MAX_BODY: usize = 200_000;
pub const MAX_TAGS: usize = 20;
pub const MAX_TAG: usize = 50;
pub const MAX_ATTACHMENTS: usize = 100;
pub const MAX_LABEL: usize = 200;
pub const MAX_COMMENT: usize = 1000;

/// One attached file, in the order shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Attachment {
    /// The id of an uploaded file.
    #[schema(format = Uuid)]
    pub file_id: String,
    #[serde(default)]
    pub label: String,
}

/// What one version of an item holds. Two saves are identical when their documents are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Document {
    pub slug: String,
    pub title: String,
    pub summary: String,
    /// Markdown.
    pub body: String,
    pub tags: Vec<String>,
    pub attachments: Vec<Attachment>,
    pub fields: Fields,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredDocument {
    slug: String,
    title: String,
    summary: String,
    body: String,
    tags: Vec<String>,
    attachments: Vec<Attachment>,
    fields: Value,
}

impl Document {
    /// Reads a stored version's content.
    pub fn from_json(kind: Kind, json: &str) -> AppResult<Self> {
        let s: StoredDocument = serde_json::from_str(json)?;
        Ok(Self {
            slug: s.slug,
            title: s.title,
            summary: s.summary,
            body: s.body,
            tags: s.tags,
            attachments: s.attachments,
            fields: Fields::from_stored(kind, s.fields)?,
        })
    }

    pub fn to_json(&self) -> AppResult<String> {
        Ok(serde_json::to_string(self)?)
    }

    /// Every file this document uses, with the path of the field naming it
    /// (`attachments[0].file_id`, `fields.file_id`, ...), as a save names a missing one.
    pub fn file_paths(&self) -> Vec<(String, String)> {
        self.attachments
            .iter()
            .enumerate()
            .map(|(i, a)| (format!("attachments[{i}].file_id"), a.file_id.clone()))
            .chain(self.fields.file_refs())
            .collect()
    }

    /// Every file this document uses (attachments and file fields), each once.
    pub fn file_ids(&self) -> Vec<String> {
        let mut seen = HashSet::new();
        self.file_paths()
            .into_iter()
            .map(|(_, id)| id)
            .filter(|id| seen.insert(id.clone()))
            .collect()
    }
}

/// What a create or an edit sends, before it is checked (the API's `CreateContent` without
/// its kind, and `UpdateContent`).
#[derive(Debug, Clone)]
pub struct DocumentInput {
    pub slug: Option<String>,
    pub title: String,
    pub summary: Option<String>,
    pub body: Option<String>,
    pub tags: Option<Vec<String>>,
    pub attachments: Option<Vec<Attachment>>,
    pub fields: Value,
    pub comment: Option<String>,
}

fn too_long(path: &str, max: usize, errors: &mut Vec<FieldError>) {
    errors.push(FieldError::new(
        path,
        format!("must be at most {max} characters"),
    ));
}

/// Validates a request into a document and its comment. `current_slug` is kept when no
/// slug is sent (an edit); without it the slug is derived from the title (a new item).
/// `existing_files` says which of the given file ids exist.
pub fn validate(
    kind: Kind,
    input: DocumentInput,
    current_slug: Option<&str>,
    existing_files: impl FnOnce(&[String]) -> AppResult<HashSet<String>>,
) -> AppResult<(Document, Option<String>)> {
    let mut errors = Vec::new();
    let title = input.title.trim().to_owned();
    if title.is_empty() {
        errors.push(FieldError::new("title", "must not be empty"));
    } else if title.chars().count() > MAX_TITLE {
        too_long("title", MAX_TITLE, &mut errors);
    }
    let slug = match (input.slug.as_deref().map(str::trim), current_slug) {
        (Some(s), _) => {
            if !slug::is_valid(s) {
                errors.push(FieldError::new(
                    "slug",
                    format!(
                        "must be lowercase letters and digits in words joined by single hyphens \
                         (at most {} characters)",
                        slug::MAX_SLUG
                    ),
                ));
            }
            s.to_owned()
        }
        (None, Some(current)) => current.to_owned(),
        (None, None) => slug::derive(&title).unwrap_or_else(|| {
            if !title.is_empty() {
                errors.push(FieldError::new(
                    "slug",
                    "cannot be derived from the title; give one",
                ));
            }
            String::new()
        }),
    };
    let summary = input.summary.unwrap_or_default();
    if summary.chars().count() > MAX_SUMMARY {
        too_long("summary", MAX_SUMMARY, &mut errors);
    }
    let body = input.body.unwrap_or_default();
    if body.chars().count() > MAX_BODY {
        too_long("body", MAX_BODY, &mut errors);
    }
    let mut tags = Vec::new();
    let raw_tags = input.tags.unwrap_or_default();
    if raw_tags.len() > MAX_TAGS {
        errors.push(FieldError::new(
            "tags",
            format!("must hold at most {MAX_TAGS} tags"),
        ));
    }
    for (i, t) in raw_tags.iter().enumerate() {
        let t = t.trim();
        let path = format!("tags[{i}]");
        if t.is_empty() {
            errors.push(FieldError::new(path, "must not be empty"));
        } else if t.chars().count() > MAX_TAG {
            too_long(&path, MAX_TAG, &mut errors);
        } else if tags.iter().any(|x: &String| x == t) {
            errors.push(FieldError::new(path, "appears twice"));
        } else {
            tags.push(t.to_owned());
        }
    }
    let attachments = input.attachments.unwrap_or_default();
    if attachments.len() > MAX_ATTACHMENTS {
        errors.push(FieldError::new(
            "attachments",
            format!("must hold at most {MAX_ATTACHMENTS} files"),
        ));
    }
    let mut file_paths: Vec<(String, String)> = Vec::new();
    let attachments: Vec<Attachment> = attachments
        .into_iter()
        .enumerate()
        .map(|(i, a)| {
            let before = errors.len();
            fields::check_file_id(
                &format!("attachments[{i}].file_id"),
                &Value::String(a.file_id.clone()),
                &mut errors,
            );
            if errors.len() == before {
                file_paths.push((format!("attachments[{i}].file_id"), a.file_id.clone()));
            }
            let label = a.label.trim().to_owned();
            if label.chars().count() > MAX_LABEL {
                too_long(&format!("attachments[{i}].label"), MAX_LABEL, &mut errors);
            }
            Attachment {
                file_id: a.file_id,
                label,
            }
        })
        .collect();
    let fields = fields::validate(kind, &input.fields, &mut errors);
    if let Some(f) = &fields {
        file_paths.extend(f.file_refs());
    }
    let comment = input
        .comment
        .map(|c| c.trim().to_owned())
        .filter(|c| !c.is_empty());
    if comment
        .as_ref()
        .is_some_and(|c| c.chars().count() > MAX_COMMENT)
    {
        too_long("comment", MAX_COMMENT, &mut errors);
    }
    if !file_paths.is_empty() {
        let ids: Vec<String> = file_paths.iter().map(|(_, id)| id.clone()).collect();
        let found = existing_files(&ids)?;
        for (path, id) in &file_paths {
            if !found.contains(id) {
                errors.push(FieldError::new(path.clone(), "no file with this id exists"));
            }
        }
    }
    match fields {
        Some(fields) if errors.is_empty() => Ok((
            Document {
                slug,
                title,
                summary,
                body,
                tags,
                attachments,
                fields,
            },
            comment,
        )),
        _ => Err(AppError::Validation(errors)),
    }
}
