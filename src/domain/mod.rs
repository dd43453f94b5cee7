//! Validated types and the rules of the product, free of HTTP.

/// A closed set of lowercase words (kinds, statuses, roles, ...): one enum whose serde,
/// strum and OpenAPI names agree, with `parse`, `as_str` and `choices` (for messages).
/// Attributes before the name (docs, `#[schema(as = ...)]`, more derives) and on each
/// variant pass through.
macro_rules! word_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $variant:ident),+ $(,)? }) => {
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
            utoipa::ToSchema, strum::EnumString, strum::IntoStaticStr, strum::Display,
            strum::VariantArray,
        )]
        #[serde(rename_all = "lowercase")]
        #[strum(serialize_all = "lowercase")]
        $(#[$m])*
        pub enum $name { $($(#[$vm])* $variant),+ }

        impl $name {
            pub fn parse(s: &str) -> Option<Self> {
                s.parse().ok()
            }

            pub fn as_str(self) -> &'static str {
                self.into()
            }

            /// The allowed values as a comma list, for messages.
            pub fn choices() -> String {
                <Self as strum::VariantArray>::VARIANTS
                    .iter()
                    .map(|v| v.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        }
    };
}

pub mod content;
pub mod credentials;
pub mod cursor;
pub mod files;
pub mod markdown;
pub mod memberships;
pub mod preview;
pub mod search;
pub mod site;
pub mod time;
pub mod users;
pub mod webhooks;
