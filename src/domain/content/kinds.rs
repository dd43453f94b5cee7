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
    #[schema(value_type = String, format = Date)]
    pub display_date: NaiveDate,
    pub author: Option<String>,
    /// An image file (id from `/admin/files`).
    #[schema(format = Uuid)]
    pub cover_file_id: Option<String>,
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
}

/// `download`: one downloadable document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DownloadFields {
    /// The document (id from `/admin/files`).
    #[schema(format = Uuid)]
    pub file_id: String,
    pub description: Option<String>,
}

/// `video`: a link to a video. `provider` and `embed_url` are derived on every save; sent
/// values are ignored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VideoFields {
    /// https only.
    pub url: String,
    pub provider: Provider,
    /// The player URL for YouTube and Vimeo; null for other providers.
    pub embed_url: Option<String>,
}

/// `page`: a standing page (Missie, Visie, ...).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PageFields {
    /// Order in the navigation (0 first).
    pub position: i64,
}

/// `location`: an Ontwikkelplek van de Toekomst.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LocationFields {
    pub city: String,
    pub initiator: String,
    pub initiator_url: Option<String>,
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

    /// Reads stored fields back (they were validated when saved).
    pub fn from_stored(kind: Kind, v: Value) -> serde_json::Result<Self> {
        Ok(match kind {
            Kind::News => Self::News(serde_json::from_value(v)?),
            Kind::Manifest => Self::Manifest(serde_json::from_value(v)?),
            Kind::Download => Self::Download(serde_json::from_value(v)?),
            Kind::Video => Self::Video(serde_json::from_value(v)?),
            Kind::Page => Self::Page(serde_json::from_value(v)?),
            Kind::Location => Self::Location(serde_json::from_value(v)?),
        })
    }
}
