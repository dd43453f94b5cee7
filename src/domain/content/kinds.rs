//! Each kind's own `fields` as stored: one type per kind.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::Kind;
use super::video::Provider;

/// `news`: an article under "Inzichten".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewsFields {
    /// The date shown with the article (`YYYY-MM-DD`); may differ from the publication.
    /// Empty when the article gives none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = Date)]
    pub display_date: Option<NaiveDate>,
    pub author: Option<String>,
    /// An image file (id from `/admin/files`).
    #[schema(format = Uuid)]
    pub cover_file_id: Option<String>,
    /// Items of any kind shown with the article, in order (references: item ids).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<uuid::Uuid>)]
    pub related: Vec<String>,
}

/// One footnote of a manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    pub label: String,
    pub citation: String,
    pub url: Option<String>,
}

/// `manifest`: a manifest with its documents (as attachments) and footnotes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ManifestFields {
    pub subtitle: Option<String>,
    #[serde(default)]
    pub references: Vec<Reference>,
    pub video_url: Option<String>,
    /// The manifest's documents, in order (references to `download` items).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<uuid::Uuid>)]
    pub downloads: Vec<String>,
    /// Its video (a reference to a `video` item).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<uuid::Uuid>)]
    pub video: Option<String>,
    /// Items of any kind shown with the manifest, in order (references).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<uuid::Uuid>)]
    pub related: Vec<String>,
}

/// `download`: one downloadable document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DownloadFields {
    /// The document (id from `/admin/files`).
    #[schema(format = Uuid)]
    pub file_id: String,
    pub description: Option<String>,
    /// Order among downloads (`sort=position`; 0 first).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<i64>,
}

/// `video`: a link to a video. `provider` and `embed_url` are derived on every save; sent
/// values are ignored. Without a `url` (not known yet) both are null.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VideoFields {
    /// https only.
    pub url: Option<String>,
    pub provider: Option<Provider>,
    /// The player URL for YouTube and Vimeo; null for other providers.
    pub embed_url: Option<String>,
}

/// `page`: a standing page (Missie, Visie, ...).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PageFields {
    /// Order in the navigation (0 first).
    pub position: i64,
    /// The page this one sits under in the navigation (a reference to a `page` item).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<uuid::Uuid>)]
    pub parent: Option<String>,
}

/// `location`: an Ontwikkelplek van de Toekomst.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LocationFields {
    pub city: String,
    pub initiator: String,
    pub initiator_url: Option<String>,
    /// Order among locations (`sort=position`; 0 first).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<i64>,
}

/// What a home-page section lists besides its own items: the first `limit` published items
/// a public list with these parameters returns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SectionQuery {
    pub kind: Option<Kind>,
    pub tag: Option<String>,
    /// A public list order; `-published_at` when not given.
    #[schema(value_type = Option<String>)]
    pub sort: Option<String>,
    /// 1–100; 10 when not given.
    pub limit: Option<i64>,
}

/// One section of the home page, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Section {
    /// Unique within the page (lowercase words joined by hyphens): what a site's template
    /// recognises the section by.
    pub key: String,
    #[serde(default)]
    pub heading: String,
    /// Markdown.
    #[serde(default)]
    pub body: String,
    /// Items shown in the section, in order (references).
    #[serde(default)]
    #[schema(value_type = Vec<uuid::Uuid>)]
    pub items: Vec<String>,
    #[serde(default)]
    pub query: Option<SectionQuery>,
}

/// `home`: the home page (a singleton, slug `home`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HomeFields {
    #[serde(default)]
    pub tagline: String,
    /// Markdown.
    #[serde(default)]
    pub intro: String,
    #[serde(default)]
    pub sections: Vec<Section>,
}

/// A kind's own fields; which variant applies follows from the item's `kind`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(untagged)]
pub enum Fields {
    News(NewsFields),
    Manifest(ManifestFields),
    Download(DownloadFields),
    Video(VideoFields),
    Page(PageFields),
    Location(LocationFields),
    Home(HomeFields),
}

impl Fields {
    pub fn kind(&self) -> Kind {
        match self {
            Self::News(_) => Kind::News,
            Self::Manifest(_) => Kind::Manifest,
            Self::Download(_) => Kind::Download,
            Self::Video(_) => Kind::Video,
            Self::Page(_) => Kind::Page,
            Self::Location(_) => Kind::Location,
            Self::Home(_) => Kind::Home,
        }
    }

    /// The files these fields use, with the path of the field naming each.
    pub fn file_refs(&self) -> Vec<(String, String)> {
        match self {
            Self::News(f) => f
                .cover_file_id
                .iter()
                .map(|id| ("fields.cover_file_id".to_owned(), id.clone()))
                .collect(),
            Self::Download(f) => vec![("fields.file_id".to_owned(), f.file_id.clone())],
            _ => Vec::new(),
        }
    }

    /// The references to other items, with the path of the field naming each and the kind
    /// it must be (`None`: any).
    pub fn item_refs(&self) -> Vec<(String, String, Option<Kind>)> {
        fn list(
            name: &str,
            ids: &[String],
            kind: Option<Kind>,
        ) -> Vec<(String, String, Option<Kind>)> {
            ids.iter()
                .enumerate()
                .map(|(i, id)| (format!("{name}[{i}]"), id.clone(), kind))
                .collect()
        }
        fn one(
            name: &str,
            id: Option<&String>,
            kind: Option<Kind>,
        ) -> Vec<(String, String, Option<Kind>)> {
            id.map(|id| (name.to_owned(), id.clone(), kind))
                .into_iter()
                .collect()
        }
        match self {
            Self::News(f) => list("fields.related", &f.related, None),
            Self::Manifest(f) => {
                let mut all = list("fields.downloads", &f.downloads, Some(Kind::Download));
                all.extend(one("fields.video", f.video.as_ref(), Some(Kind::Video)));
                all.extend(list("fields.related", &f.related, None));
                all
            }
            Self::Page(f) => one("fields.parent", f.parent.as_ref(), Some(Kind::Page)),
            Self::Home(f) => f
                .sections
                .iter()
                .enumerate()
                .flat_map(|(i, s)| list(&format!("fields.sections[{i}].items"), &s.items, None))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The Markdown texts among the fields, with their paths.
    pub fn markdown(&self) -> Vec<(String, &str)> {
        match self {
            Self::Home(f) => std::iter::once(("fields.intro".to_owned(), f.intro.as_str()))
                .chain(
                    f.sections
                        .iter()
                        .enumerate()
                        .map(|(i, s)| (format!("fields.sections[{i}].body"), s.body.as_str())),
                )
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The position, for kinds that have one.
    pub fn position(&self) -> Option<i64> {
        match self {
            Self::Page(f) => Some(f.position),
            Self::Download(f) => f.position,
            Self::Location(f) => f.position,
            _ => None,
        }
    }

    /// Reads stored fields back (they were validated when saved).
    pub fn from_stored(kind: Kind, v: Value) -> serde_json::Result<Self> {
        Ok(match kind {
            Kind::News => Self::News(serde_json::from_value(v)?),
            Kind::Manifest => Self::Manifest(serde_json::from_value(v)?),
            Kind::Download => Self::Download(serde_json::from_value(v)?),
            Kind::Video => Self::Video(serde_json::from_value(v)?),
            Kind::Page => Self::Page(serde_json::from_value(v)?),
            Kind::Location => Self::Location(serde_json::from_value(v)?),
            Kind::Home => Self::Home(serde_json::from_value(v)?),
        })
    }
}
