//! Webhooks: the events other systems can subscribe to, which URLs and addresses a delivery
//! may go to, how a delivery is signed, and how long to wait before trying again.

use std::net::IpAddr;
use std::time::Duration;

use hmac::{Hmac, Mac};

use crate::error::ErrorCode;
use sha2::Sha256;

/// What happened. `webhook.ping` is sent only by the "test" action, to any webhook.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    serde::Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
    strum::EnumString,
    strum::IntoStaticStr,
    strum::VariantArray,
)]
pub enum Event {
    /// An item became public (now, or at its scheduled time), or another version of it did.
    #[serde(rename = "content.published")]
    #[strum(serialize = "content.published")]
    ContentPublished,
    /// An item left the public API (now, or at its scheduled time).
    #[serde(rename = "content.unpublished")]
    #[strum(serialize = "content.unpublished")]
    ContentUnpublished,
    #[serde(rename = "content.archived")]
    #[strum(serialize = "content.archived")]
    ContentArchived,
    /// A new version was saved (created, edited or restored).
    #[serde(rename = "content.updated")]
    #[strum(serialize = "content.updated")]
    ContentUpdated,
    #[serde(rename = "file.uploaded")]
    #[strum(serialize = "file.uploaded")]
    FileUploaded,
    /// A sign-up was stored; the delivery names only its id.
    #[serde(rename = "membership.created")]
    #[strum(serialize = "membership.created")]
    MembershipCreated,
    /// The admin's "test" action.
    #[serde(rename = "webhook.ping")]
    #[strum(serialize = "webhook.ping")]
    Ping,
}

impl Event {
    pub fn parse(s: &str) -> Option<Self> {
        s.parse().ok()
    }

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// The events a webhook can subscribe to (all but the ping).
    pub fn subscribable() -> impl Iterator<Item = Self> {
        <Self as strum::VariantArray>::VARIANTS
            .iter()
            .copied()
            .filter(|e| *e != Self::Ping)
    }

    /// The events a webhook can subscribe to, as a comma list for messages.
    pub fn choices() -> String {
        Self::subscribable()
            .map(Self::as_str)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

word_enum! {
    /// Where a delivery stands: still to be sent (or sent again), answered with 2xx, or
    /// given up after 24 hours of failures.
    DeliveryStatus { Pending, Delivered, Failed }
}

/// The longest webhook URL.
pub const MAX_URL: usize = 2000;
/// The longest description.
pub const MAX_DESCRIPTION: usize = 500;
/// How long a receiver gets to answer.
pub const TIMEOUT: Duration = Duration::from_secs(10);
/// How long a failing delivery is tried again.
pub const GIVE_UP_AFTER: chrono::TimeDelta = chrono::TimeDelta::hours(24);

/// Hosts a webhook may name although they are not `https` or resolve to a loopback, private
/// or link-local address (`--webhook-allow-hosts`), compared without case.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AllowHosts(Vec<String>);

impl AllowHosts {
    pub fn new(hosts: impl IntoIterator<Item = impl AsRef<str>>) -> Self {
        Self(
            hosts
                .into_iter()
                .map(|h| {
                    h.as_ref()
                        .trim()
                        .trim_matches(['[', ']'])
                        .to_ascii_lowercase()
                })
                .filter(|h| !h.is_empty())
                .collect(),
        )
    }

    pub fn allows(&self, host: &str) -> bool {
        let host = host.trim_matches(['[', ']']);
        self.0.iter().any(|h| h.eq_ignore_ascii_case(host))
    }
}

/// Checks a webhook URL: absolute, `https` (or `http` for an allowed host), no credentials,
/// and, when the host is an address, not a loopback, private or link-local one unless the
/// host is allowed. A name is checked where it is resolved: when the webhook is saved (see
/// `api::admin::webhooks`) and at each delivery.
pub fn check_url(raw: &str, allow: &AllowHosts) -> Result<url::Url, (ErrorCode, &'static str)> {
    if raw.trim().is_empty() {
        return Err((ErrorCode::Required, "is required"));
    }
    if raw.len() > MAX_URL {
        return Err((ErrorCode::TooLong, "must be at most 2000 characters"));
    }
    let url = url::Url::parse(raw.trim())
        .map_err(|_| (ErrorCode::InvalidFormat, "must be an absolute http(s) URL"))?;
    let Some(host) = url.host_str().filter(|h| !h.is_empty()) else {
        return Err((ErrorCode::InvalidFormat, "must name a host"));
    };
    let allowed = allow.allows(host);
    match url.scheme() {
        "https" => {}
        "http" if allowed => {}
        "http" => {
            return Err((
                ErrorCode::NotAllowed,
                "must use https (http only for hosts in --webhook-allow-hosts)",
            ));
        }
        _ => return Err((ErrorCode::InvalidFormat, "must be an absolute http(s) URL")),
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err((
            ErrorCode::InvalidFormat,
            "must not hold a user name or password",
        ));
    }
    if url.fragment().is_some() {
        return Err((ErrorCode::InvalidFormat, "must not hold a fragment (#...)"));
    }
    let literal = match url.host() {
        Some(url::Host::Ipv4(a)) => Some(IpAddr::V4(a)),
        Some(url::Host::Ipv6(a)) => Some(IpAddr::V6(a)),
        _ => None,
    };
    if literal.is_some_and(forbidden) && !allowed {
        return Err((
            ErrorCode::NotAllowed,
            "must not point at a loopback, private or link-local address (unless its host is in --webhook-allow-hosts)",
        ));
    }
    Ok(url)
}

/// True for an address a delivery must not reach unless its host is allowed: loopback,
/// private, link-local, shared (carrier-grade NAT), unspecified, broadcast, multicast,
/// documentation and unique-local addresses, also inside IPv4-mapped IPv6.
pub fn forbidden(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(a) => {
            let [x, y, ..] = a.octets();
            a.is_loopback()
                || a.is_private()
                || a.is_link_local()
                || a.is_unspecified()
                || a.is_broadcast()
                || a.is_multicast()
                || a.is_documentation()
                || x == 0
                || (x == 100 && (64..128).contains(&y))
                || x >= 240
        }
        IpAddr::V6(a) => {
            if let Some(v4) = a.to_ipv4_mapped() {
                return forbidden(IpAddr::V4(v4));
            }
            let first = a.segments()[0];
            a.is_loopback()
                || a.is_unspecified()
                || a.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                || first == 0x2001 && a.segments()[1] == 0x0db8
        }
    }
}

/// The `X-OA-Signature` value: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`.
pub fn signature(secret: &str, t: i64, body: &[u8]) -> String {
    #[allow(clippy::expect_used)] // HMAC takes a key of any length.
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(t.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("t={t},v1={}", hex::encode(mac.finalize().into_bytes()))
}

/// How long to wait after the `attempts`-th failed attempt: 5 s, then three times as long
/// each time, at most an hour.
pub fn retry_delay(attempts: i32) -> chrono::TimeDelta {
    let n = u32::try_from(attempts.clamp(1, 10) - 1).unwrap_or(0);
    let secs = 5_i64.saturating_mul(3_i64.pow(n)).min(3600);
    chrono::TimeDelta::seconds(secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allow(hosts: &[&str]) -> AllowHosts {
        AllowHosts::new(hosts)
    }

    #[test]
    fn https_is_required_unless_the_host_is_allowed() {
        assert!(check_url("https://example.org/hook", &allow(&[])).is_ok());
        assert!(check_url("http://example.org/hook", &allow(&[])).is_err());
        assert!(check_url("http://receiver.local:8080/x", &allow(&["Receiver.local"])).is_ok());
        assert!(check_url("ftp://example.org/", &allow(&[])).is_err());
        assert!(check_url("/relative", &allow(&[])).is_err());
        assert!(check_url("https://u:p@example.org/", &allow(&[])).is_err());
        assert!(check_url("https://example.org/#x", &allow(&[])).is_err());
    }

    #[test]
    fn literal_private_addresses_are_refused_unless_allowed() {
        for url in [
            "https://127.0.0.1/",
            "https://10.1.2.3/",
            "https://192.168.0.1/",
            "https://172.16.5.5/",
            "https://169.254.169.254/latest/meta-data",
            "https://[::1]/",
            "https://[fe80::1]/",
            "https://[fd00::1]/",
            "https://[::ffff:127.0.0.1]/",
            "https://0.0.0.0/",
            "https://100.64.0.1/",
        ] {
            assert!(check_url(url, &allow(&[])).is_err(), "{url}");
        }
        assert!(check_url("https://93.184.216.34/", &allow(&[])).is_ok());
        assert!(check_url("http://127.0.0.1:9/", &allow(&["127.0.0.1"])).is_ok());
        assert!(check_url("http://[::1]:9/", &allow(&["[::1]"])).is_ok());
    }

    #[test]
    fn signature_is_hmac_of_time_dot_body() {
        // printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac s3cret
        assert_eq!(
            signature("s3cret", 1_700_000_000, br#"{"a":1}"#),
            "t=1700000000,v1=1698a50bc74d1ff1db85c4e0a5297c2ad9fdba245d5737cdb789e4cc6e098940"
        );
    }

    #[test]
    fn delays_grow_to_an_hour() {
        let secs: Vec<i64> = (1..=9).map(|n| retry_delay(n).num_seconds()).collect();
        assert_eq!(secs, [5, 15, 45, 135, 405, 1215, 3600, 3600, 3600]);
    }

    #[test]
    fn events_parse_by_their_dotted_names() {
        assert_eq!(
            Event::parse("content.published"),
            Some(Event::ContentPublished)
        );
        assert_eq!(Event::parse("published"), None);
        assert!(!Event::choices().contains("webhook.ping"));
        assert_eq!(
            serde_json::to_string(&Event::MembershipCreated).unwrap(),
            "\"membership.created\""
        );
    }
}
