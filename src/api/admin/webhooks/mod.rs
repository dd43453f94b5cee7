//! Webhooks (admin only): where to announce changes, and the log of deliveries.

pub mod create;
pub mod delete;
pub mod deliveries;
pub mod list;
pub mod read;
pub mod retry;
pub mod test;
pub mod update;

use std::time::Duration;

use crate::domain::webhooks::{self as rules, AllowHosts};
use crate::error::{AppError, AppResult, ErrorCode};
use crate::state::AppState;

/// The hosts `--webhook-allow-hosts` lets webhooks reach.
fn allow(state: &AppState) -> AllowHosts {
    AllowHosts::new(&state.config.webhook_allow_hosts)
}

/// 422 naming `url` when its host is a name that resolves only to addresses a delivery
/// must not reach (`localhost`, a cloud metadata name, an intranet name) and is not an
/// allowed host. A name that does not resolve now is accepted; every delivery resolves and
/// checks it again before connecting.
async fn check_resolves(url: &str, allow: &AllowHosts) -> AppResult<()> {
    let Ok(parsed) = url::Url::parse(url.trim()) else {
        // Not a URL: the use case names that.
        return Ok(());
    };
    let Some(url::Host::Domain(host)) = parsed.host() else {
        return Ok(());
    };
    if allow.allows(host) {
        return Ok(());
    }
    let port = parsed.port_or_known_default().unwrap_or(443);
    let found = tokio::time::timeout(
        Duration::from_secs(5),
        tokio::net::lookup_host((host.to_owned(), port)),
    )
    .await;
    let addrs: Vec<std::net::SocketAddr> = match found {
        Ok(Ok(addrs)) => addrs.collect(),
        _ => return Ok(()),
    };
    if !addrs.is_empty() && addrs.iter().all(|a| rules::forbidden(a.ip())) {
        return Err(AppError::field(
            "url",
            ErrorCode::NotAllowed,
            "resolves only to loopback, private or link-local addresses (list the host in --webhook-allow-hosts to allow it)",
        ));
    }
    Ok(())
}
