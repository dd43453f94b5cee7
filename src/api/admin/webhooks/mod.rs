//! Webhooks (admin only): where to announce changes, and the log of deliveries.

pub mod create;
pub mod delete;
pub mod deliveries;
pub mod list;
pub mod read;
pub mod retry;
pub mod test;
pub mod update;

use crate::domain::webhooks::AllowHosts;
use crate::state::AppState;

/// The hosts `--webhook-allow-hosts` lets webhooks reach.
fn allow(state: &AppState) -> AllowHosts {
    AllowHosts::new(&state.config.webhook_allow_hosts)
}
