//! The six kinds of content item.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    News,
    Manifest,
    Download,
    Video,
    Page,
    Location,
}

impl Kind {
    pub const ALL: [Kind; 6] = [
        Kind::News,
        Kind::Manifest,
        Kind::Download,
        Kind::Video,
        Kind::Page,
        Kind::Location,
    ];

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::News => "news",
            Self::Manifest => "manifest",
            Self::Download => "download",
            Self::Video => "video",
            Self::Page => "page",
            Self::Location => "location",
        }
    }

    /// Parses a comma list such as `news,video`; the error names the first unknown entry.
    pub fn parse_list(s: &str) -> Result<Vec<Self>, String> {
        let mut out = Vec::new();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let k = Self::parse(part).ok_or_else(|| {
                format!(
                    "unknown kind '{part}'; one of news, manifest, download, video, page, location"
                )
            })?;
            if !out.contains(&k) {
                out.push(k);
            }
        }
        if out.is_empty() {
            return Err("must name at least one kind".into());
        }
        Ok(out)
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
