//! The document of a content item (what each version stores) and the requests that make
//! one, validated with every problem collected.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::fields::{self, Fields};
use super::{Kind, slug};
use crate::domain::markdown::{self, Target};
use crate::error::{AppError, AppResult, ErrorCode, FieldError};

/// What validation asks the database: which files and items exist.
pub trait Lookup {
    /// Which of `ids` are uploaded files.
    fn existing_files(&mut self, ids: &[String]) -> AppResult<HashSet<String>>;
    /// The kind of each of `ids` that is a content item.
    fn item_kinds(&mut self, ids: &[String]) -> AppResult<HashMap<String, Kind>>;
}

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

    /// The Markdown texts: the body, and those among the fields, with their paths.
    pub fn markdown(&self) -> Vec<(String, &str)> {
        let mut all = vec![("body".to_owned(), self.body.as_str())];
        all.extend(self.fields.markdown());
        all
    }

    /// The `item:` and `file:` targets of the Markdown texts, with their paths.
    fn markdown_targets(&self) -> Vec<(String, Target)> {
        self.markdown()
            .into_iter()
            .flat_map(|(path, text)| {
                markdown::targets(text)
                    .into_iter()
                    .map(move |t| (path.clone(), t))
            })
            .collect()
    }

    /// Every file this document uses, with the path of the field naming it
    /// (`attachments[0].file_id`, `fields.file_id`, `body` for an image in the text, ...),
    /// as a save names a missing one.
    pub fn file_paths(&self) -> Vec<(String, String)> {
        self.attachments
            .iter()
            .enumerate()
            .map(|(i, a)| (format!("attachments[{i}].file_id"), a.file_id.clone()))
            .chain(self.fields.file_refs())
            .chain(self.markdown_file_paths())
            .collect()
    }

    /// Every other item this document refers to, with the path naming it and the kind it
    /// must be (`None`: any): reference fields, and links in the Markdown texts.
    pub fn item_refs(&self) -> Vec<(String, String, Option<Kind>)> {
        let mut all = self.fields.item_refs();
        all.extend(
            self.markdown_targets()
                .into_iter()
                .filter_map(|(path, t)| match t {
                    Target::Item(id) if !id.is_empty() => Some((path, id, None)),
                    _ => None,
                }),
        );
        all
    }

    /// The ids of the items this document refers to, each once.
    pub fn item_ids(&self) -> Vec<String> {
        let mut seen = HashSet::new();
        self.item_refs()
            .into_iter()
            .map(|(_, id, _)| id)
            .filter(|id| seen.insert(id.clone()))
            .collect()
    }

    /// The files the Markdown texts show or link, with their paths.
    fn markdown_file_paths(&self) -> Vec<(String, String)> {
        self.markdown_targets()
            .into_iter()
            .filter_map(|(path, t)| match t {
                Target::File(id) if !id.is_empty() => Some((path, id)),
                _ => None,
            })
            .collect()
    }

    /// Every file this document uses (attachments, file fields, images in the text), each
    /// once.
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
        ErrorCode::TooLong,
        format!("must be at most {max} characters"),
    ));
}

/// Validates a request into a document and its comment. `current_slug` is kept when no
/// slug is sent (an edit); without it the slug is derived from the title (a new item).
/// `lookup` says which files and items exist; `self_id` is the item's own id (an edit),
/// which its references must not name.
pub fn validate(
    kind: Kind,
    input: DocumentInput,
    current_slug: Option<&str>,
    self_id: Option<&str>,
    lookup: &mut dyn Lookup,
) -> AppResult<(Document, Option<String>)> {
    let mut errors = Vec::new();
    let title = input.title.trim().to_owned();
    if title.is_empty() {
        errors.push(FieldError::new(
            "title",
            ErrorCode::Required,
            "must not be empty",
        ));
    } else if title.chars().count() > MAX_TITLE {
        too_long("title", MAX_TITLE, &mut errors);
    }
    let slug = match (input.slug.as_deref().map(str::trim), current_slug) {
        (Some(s), _) => {
            if !slug::is_valid(s) {
                errors.push(FieldError::new(
                    "slug",
                    ErrorCode::InvalidFormat,
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
                    ErrorCode::Required,
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
            ErrorCode::TooMany,
            format!("must hold at most {MAX_TAGS} tags"),
        ));
    }
    for (i, t) in raw_tags.iter().enumerate() {
        let t = t.trim();
        let path = format!("tags[{i}]");
        if t.is_empty() {
            errors.push(FieldError::new(
                path,
                ErrorCode::Required,
                "must not be empty",
            ));
        } else if t.chars().count() > MAX_TAG {
            too_long(&path, MAX_TAG, &mut errors);
        } else if tags.iter().any(|x: &String| x == t) {
            errors.push(FieldError::new(path, ErrorCode::Duplicate, "appears twice"));
        } else {
            tags.push(t.to_owned());
        }
    }
    let attachments = input.attachments.unwrap_or_default();
    if attachments.len() > MAX_ATTACHMENTS {
        errors.push(FieldError::new(
            "attachments",
            ErrorCode::TooMany,
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
    let Some(fields) = fields else {
        return Err(AppError::Validation(errors));
    };
    let doc = Document {
        slug,
        title,
        summary,
        body,
        tags,
        attachments,
        fields,
    };
    for (path, t) in doc.markdown_targets() {
        let bad = match &t {
            Target::Item(id) => id.is_empty().then_some("item"),
            Target::File(id) => id.is_empty().then_some("file"),
        };
        if let Some(scheme) = bad {
            errors.push(FieldError::new(
                path,
                ErrorCode::InvalidFormat,
                format!("a link to {scheme}: must name its id (a UUID)"),
            ));
        }
    }
    let file_paths: Vec<(String, String)> = file_paths
        .into_iter()
        .chain(doc.markdown_file_paths())
        .collect();
    if !file_paths.is_empty() {
        let ids: Vec<String> = file_paths.iter().map(|(_, id)| id.clone()).collect();
        let found = lookup.existing_files(&ids)?;
        for (path, id) in &file_paths {
            if !found.contains(id) {
                errors.push(FieldError::new(
                    path.clone(),
                    ErrorCode::UnknownFile,
                    "no file with this id exists",
                ));
            }
        }
    }
    let refs = doc.item_refs();
    if !refs.is_empty() {
        let ids: Vec<String> = refs.iter().map(|(_, id, _)| id.clone()).collect();
        let kinds = lookup.item_kinds(&ids)?;
        // Only reference fields must not name the item itself; its text may link to it.
        let texts: HashSet<String> = doc.markdown().into_iter().map(|(p, _)| p).collect();
        for (path, id, want) in &refs {
            let is_field = !texts.contains(path);
            match kinds.get(id) {
                None => errors.push(FieldError::new(
                    path.clone(),
                    ErrorCode::UnknownItem,
                    format!("no content item with the id {id} exists"),
                )),
                Some(_) if is_field && self_id == Some(id.as_str()) => {
                    errors.push(FieldError::new(
                        path.clone(),
                        ErrorCode::SelfReference,
                        "must not refer to the item itself",
                    ));
                }
                Some(k) if want.is_some_and(|w| w != *k) => errors.push(FieldError::new(
                    path.clone(),
                    ErrorCode::WrongKind,
                    format!(
                        "must be a {} item, not a {k}",
                        want.map_or("", Kind::as_str)
                    ),
                )),
                Some(_) => {}
            }
        }
    }
    if errors.is_empty() {
        Ok((doc, comment))
    } else {
        Err(AppError::Validation(errors))
    }
}
