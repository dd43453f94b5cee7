//! Video links: the provider and the embeddable player URL, derived from the link.

use serde::{Deserialize, Serialize};
use url::Url;
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    Youtube,
    Vimeo,
    Other,
}

fn youtube_id_ok(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The provider and, for YouTube and Vimeo, the player URL. `url` must already be https.
pub fn derive(url: &Url) -> (Provider, Option<String>) {
    let host = url.host_str().unwrap_or("").to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host);
    let segments: Vec<&str> = url
        .path_segments()
        .map(|s| s.filter(|p| !p.is_empty()).collect())
        .unwrap_or_default();
    let youtube = |id: &str| {
        youtube_id_ok(id).then(|| {
            (
                Provider::Youtube,
                Some(format!("https://www.youtube.com/embed/{id}")),
            )
        })
    };
    let vimeo = |id: &str| {
        (!id.is_empty() && id.len() <= 20 && id.bytes().all(|b| b.is_ascii_digit())).then(|| {
            (
                Provider::Vimeo,
                Some(format!("https://player.vimeo.com/video/{id}")),
            )
        })
    };
    let found = match host {
        "youtube.com" | "m.youtube.com" | "music.youtube.com" | "youtube-nocookie.com" => {
            match segments.as_slice() {
                ["watch"] => url
                    .query_pairs()
                    .find(|(k, _)| k == "v")
                    .and_then(|(_, v)| youtube(&v)),
                ["embed" | "shorts" | "live" | "v", id, ..] => youtube(id),
                _ => None,
            }
        }
        "youtu.be" => segments.first().and_then(|id| youtube(id)),
        "vimeo.com" => match segments.as_slice() {
            [id, ..] if vimeo(id).is_some() => vimeo(id),
            ["channels", _, id, ..] | ["groups", _, "videos", id, ..] => vimeo(id),
            _ => None,
        },
        "player.vimeo.com" => match segments.as_slice() {
            ["video", id, ..] => vimeo(id),
            _ => None,
        },
        _ => None,
    };
    found.unwrap_or((Provider::Other, None))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> (Provider, Option<String>) {
        derive(&Url::parse(s).unwrap())
    }

    #[test]
    fn youtube_forms() {
        let want = (
            Provider::Youtube,
            Some("https://www.youtube.com/embed/dQw4w9WgXcQ".to_owned()),
        );
        for u in [
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "https://youtube.com/watch?feature=share&v=dQw4w9WgXcQ",
            "https://m.youtube.com/watch?v=dQw4w9WgXcQ",
            "https://youtu.be/dQw4w9WgXcQ?t=42",
            "https://www.youtube.com/embed/dQw4w9WgXcQ",
            "https://www.youtube.com/shorts/dQw4w9WgXcQ",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
        ] {
            assert_eq!(d(u), want, "{u}");
        }
    }

    #[test]
    fn vimeo_forms() {
        let want = (
            Provider::Vimeo,
            Some("https://player.vimeo.com/video/76979871".to_owned()),
        );
        for u in [
            "https://vimeo.com/76979871",
            "https://player.vimeo.com/video/76979871?h=abc",
            "https://vimeo.com/channels/staffpicks/76979871",
        ] {
            assert_eq!(d(u), want, "{u}");
        }
    }

    #[test]
    fn others() {
        for u in [
            "https://example.org/video.mp4",
            "https://www.youtube.com/channel/xyz",
            "https://www.youtube.com/watch?list=abc",
            "https://vimeo.com/about",
            "https://youtube.com.evil.example/watch?v=dQw4w9WgXcQ",
        ] {
            assert_eq!(d(u), (Provider::Other, None), "{u}");
        }
    }
}
