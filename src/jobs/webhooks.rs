//! The webhook delivery worker: claims due deliveries, sends each signed `POST` with a
//! 10-second limit, records how it went. Names are resolved by the worker itself and only
//! public addresses (or those of allowed hosts) are connected to, so a webhook cannot be
//! pointed at this machine or its network by a name that resolves there.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{SubsecRound, Utc};
use futures_util::StreamExt;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};

use crate::db::webhooks::Claimed;
use crate::domain::webhooks::{self as rules, AllowHosts, TIMEOUT};
use crate::state::AppState;
use crate::usecase::webhooks::{self, Outcome};

/// Deliveries claimed at once, and sent at once.
const BATCH: i64 = 64;
const BATCH_USIZE: usize = 64;
const PARALLEL: usize = 16;

/// A name that resolves only to addresses a delivery must not reach.
#[derive(Debug)]
struct Refused(String);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} resolves only to loopback, private or link-local addresses; list the host in --webhook-allow-hosts to allow it",
            self.0
        )
    }
}

impl std::error::Error for Refused {}

/// Resolves, then keeps only the addresses a delivery may reach: reqwest connects to what
/// this answers, so the check and the connection see the same address.
struct CheckedResolver {
    allow: AllowHosts,
}

impl Resolve for CheckedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_owned();
        let allowed = self.allow.allows(&host);
        Box::pin(async move {
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let ok: Vec<SocketAddr> = found
                .into_iter()
                .filter(|a| allowed || !rules::forbidden(a.ip()))
                .collect();
            if ok.is_empty() {
                return Err(Box::new(Refused(host)) as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(ok.into_iter()) as Addrs)
        })
    }
}

fn client(allow: &AllowHosts) -> reqwest::Result<reqwest::Client> {
    reqwest::Client::builder()
        .dns_resolver(Arc::new(CheckedResolver {
            allow: allow.clone(),
        }))
        .redirect(reqwest::redirect::Policy::none())
        .timeout(TIMEOUT)
        .connect_timeout(TIMEOUT)
        .user_agent(concat!("oa-cms-webhooks/", env!("CARGO_PKG_VERSION")))
        .build()
}

/// Why a request failed, in a sentence for the delivery log (no internals).
fn explain(e: &reqwest::Error) -> String {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(s) = source {
        if let Some(r) = s.downcast_ref::<Refused>() {
            return r.to_string();
        }
        source = s.source();
    }
    if e.is_timeout() {
        format!("no answer within {} s", TIMEOUT.as_secs())
    } else if e.is_connect() {
        "could not connect".into()
    } else {
        "the request failed".into()
    }
}

/// Sends one delivery and says how it went.
async fn send(client: &reqwest::Client, allow: &AllowHosts, d: &Claimed) -> Outcome {
    let started = Utc::now().naive_utc().trunc_subsecs(6);
    let clock = Instant::now();
    let done = |status_code: Option<u16>, error: Option<String>| Outcome {
        started,
        duration_ms: i64::try_from(clock.elapsed().as_millis()).unwrap_or(i64::MAX),
        status_code,
        error,
    };
    // Checked again: the allowed hosts may have changed since the webhook was saved, and a
    // literal address is connected to without resolving.
    if let Err(e) = rules::check_url(&d.url, allow) {
        return done(None, Some(format!("the URL {e}")));
    }
    let t = Utc::now().timestamp();
    let body = d.delivery.payload.clone().into_bytes();
    let signature = rules::signature(&d.secret, t, &body);
    let answer = client
        .post(&d.url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header("X-OA-Event", &d.delivery.event)
        .header("X-OA-Delivery", &d.delivery.id)
        .header("X-OA-Signature", signature)
        .body(body)
        .send()
        .await;
    match answer {
        Ok(r) => {
            let code = r.status().as_u16();
            // The body is not needed; reading a little lets the connection be reused.
            let _ = tokio::time::timeout(Duration::from_secs(1), r.bytes()).await;
            let error = (!(200..300).contains(&code)).then(|| format!("answered {code}"));
            done(Some(code), error)
        }
        Err(e) => done(None, Some(explain(&e))),
    }
}

/// One round: claims what is due, sends it, records it. Answers how many were claimed.
pub async fn round(state: &AppState, client: &reqwest::Client, allow: &AllowHosts) -> usize {
    let claim = uuid::Uuid::now_v7().to_string();
    let claimed = {
        let claim = claim.clone();
        match state
            .db
            .run(move |c| webhooks::claim(c, &claim, BATCH))
            .await
        {
            Ok(list) => list,
            Err(e) => {
                tracing::warn!(error = %e, "claiming webhook deliveries failed");
                return 0;
            }
        }
    };
    let n = claimed.len();
    // Sent side by side; what has come back is recorded together, in one transaction, so
    // recording does not take a write per delivery from the editors' saves.
    let mut done = futures_util::stream::iter(claimed)
        .map(|d| async move {
            let outcome = send(client, allow, &d).await;
            (d.delivery, outcome)
        })
        .buffer_unordered(PARALLEL)
        .ready_chunks(BATCH_USIZE);
    while let Some(batch) = done.next().await {
        for (_, outcome) in &batch {
            crate::telemetry::metrics::webhook_attempt(outcome.succeeded());
        }
        let claim = claim.clone();
        let recorded = state
            .db
            .run(move |c| webhooks::finish_all(c, &batch, &claim))
            .await;
        if let Err(e) = recorded {
            tracing::warn!(error = %e, "recording webhook deliveries failed");
        }
    }
    n
}

/// Runs the delivery worker until the server begins to shut down: a round every half second,
/// at once again while rounds come back full.
pub fn spawn(state: &AppState) {
    let allow = AllowHosts::new(&state.config.webhook_allow_hosts);
    let client = match client(&allow) {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(error = %e, "webhooks: no HTTP client; deliveries wait");
            return;
        }
    };
    let state = state.clone();
    actix_web::rt::spawn(async move {
        loop {
            let n = round(&state, &client, &allow).await;
            if usize::try_from(BATCH).is_ok_and(|b| n >= b) {
                continue;
            }
            tokio::select! {
                () = tokio::time::sleep(Duration::from_millis(500)) => {}
                () = state.lifecycle.stopped() => break,
            }
        }
    });
}
