//! The orders a list of content items can be read in, as the query strings spell them.

use serde::{Deserialize, Serialize};
use strum::{EnumString, IntoStaticStr, VariantArray};
use utoipa::ToSchema;

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    Serialize,
    Deserialize,
    ToSchema,
    EnumString,
    IntoStaticStr,
    VariantArray,
)]
pub enum Sort {
    /// The admin list's default; the public list's is [`Sort::PublishedDesc`].
    #[default]
    #[serde(rename = "-updated_at")]
    #[strum(serialize = "-updated_at")]
    UpdatedDesc,
    #[serde(rename = "updated_at")]
    #[strum(serialize = "updated_at")]
    UpdatedAsc,
    #[serde(rename = "title")]
    #[strum(serialize = "title")]
    Title,
    #[serde(rename = "-published_at")]
    #[strum(serialize = "-published_at")]
    PublishedDesc,
    #[serde(rename = "published_at")]
    #[strum(serialize = "published_at")]
    PublishedAsc,
    /// Public lists only: by `fields.position`, items without one last, then by title.
    #[serde(rename = "position")]
    #[strum(serialize = "position")]
    Position,
}

impl Sort {
    /// The orders the public list offers (all but `updated_at`), its default first.
    pub const PUBLIC: [Sort; 5] = [
        Sort::PublishedDesc,
        Sort::PublishedAsc,
        Sort::Title,
        Sort::UpdatedDesc,
        Sort::Position,
    ];

    /// The orders the admin list offers.
    pub const ADMIN: [Sort; 5] = [
        Sort::UpdatedDesc,
        Sort::UpdatedAsc,
        Sort::Title,
        Sort::PublishedDesc,
        Sort::PublishedAsc,
    ];

    pub fn parse(s: &str) -> Option<Self> {
        s.parse().ok()
    }

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Newest or last first.
    pub fn descending(self) -> bool {
        matches!(self, Sort::UpdatedDesc | Sort::PublishedDesc)
    }

    /// `sorts` as a comma list, for messages.
    pub fn names(sorts: &[Sort]) -> String {
        sorts
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for &s in Sort::VARIANTS {
            assert_eq!(Sort::parse(s.as_str()), Some(s));
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
        assert_eq!(Sort::parse("-title"), None);
        assert_eq!(
            Sort::names(Sort::VARIANTS),
            "-updated_at, updated_at, title, -published_at, published_at, position"
        );
    }
}
