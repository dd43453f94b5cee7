//! The webhook delivery worker: claims due deliveries, sends each signed `POST` with a
//! 10-second limit, records how it went. Names are resolved by the worker itself and only
//! public addresses (or those of allowed hosts) are connected to, so a webhook cannot be
//! pointed at this machine or its network by a name that resolves there.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{SubsecRound, Utc};
use reqwest::dns::{Addrs, Name, Resolve, Resolving};

use tokio::sync::{Semaphore, mpsc};

use crate::db::webhooks::{Claimed, Delivery};
use crate::domain::webhooks::{self as rules, AllowHosts, TIMEOUT};
use crate::state::AppState;
use crate::usecase::webhooks::{self, Outcome};

/// Deliveries in flight at once.
const PARALLEL: usize = 16;
/// Results recorded in one transaction at most.
const RECORD_BATCH: usize = 64;
/// The most of an answer's body read (to reuse the connection); the rest is dropped.
const MAX_ANSWER_READ: usize = 64 * 1024;

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
        // A proxy would resolve and connect to the receiver itself, past the address check.
        .no_proxy()
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
    if let Err((_, e)) = rules::check_url(&d.url, allow) {
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
        Ok(mut r) => {
            let code = r.status().as_u16();
            // The body is not needed; reading a little (bounded in bytes and time) lets the
            // connection be reused.
            let _ = tokio::time::timeout(Duration::from_secs(1), async {
                let mut read = 0;
                while let Ok(Some(chunk)) = r.chunk().await {
                    read += chunk.len();
                    if read > MAX_ANSWER_READ {
                        break;
                    }
                }
            })
            .await;
            let error = (!(200..300).contains(&code)).then(|| format!("answered {code}"));
            done(Some(code), error)
        }
        Err(e) => done(None, Some(explain(&e))),
    }
}

/// What a sent delivery reports to the recorder.
type Sent = (Delivery, Outcome, Arc<str>);

/// Records what comes back in batches (one transaction each), so recording takes one write
/// for many deliveries and never holds up a request in flight.
async fn record(state: AppState, mut sent: mpsc::UnboundedReceiver<Sent>) {
    while let Some(first) = sent.recv().await {
        let mut batch = vec![first];
        while batch.len() < RECORD_BATCH {
            match sent.try_recv() {
                Ok(s) => batch.push(s),
                Err(_) => break,
            }
        }
        for (_, outcome, _) in &batch {
            crate::telemetry::metrics::webhook_attempt(outcome.succeeded());
        }
        let recorded = state.db.run(move |c| webhooks::finish_all(c, &batch)).await;
        if let Err(e) = recorded {
            tracing::warn!(error = %e, "recording webhook deliveries failed");
        }
    }
}

/// Claims as many due deliveries as there are free slots and starts sending each in a task
/// of its own; answers how many it claimed and how many it could have.
async fn claim_and_send(
    state: &AppState,
    client: &reqwest::Client,
    allow: &AllowHosts,
    slots: &Arc<Semaphore>,
    sent: &mpsc::UnboundedSender<Sent>,
) -> (usize, usize) {
    let free = slots.available_permits();
    if free == 0 {
        return (0, 0);
    }
    let claim: Arc<str> = uuid::Uuid::now_v7().to_string().into();
    let limit = i64::try_from(free).unwrap_or(1);
    let c = claim.clone();
    let claimed = match state.db.run(move |db| webhooks::claim(db, &c, limit)).await {
        Ok(list) => list,
        Err(e) => {
            tracing::warn!(error = %e, "claiming webhook deliveries failed");
            return (0, free);
        }
    };
    let n = claimed.len();
    for d in claimed {
        let Ok(permit) = slots.clone().acquire_owned().await else {
            break;
        };
        let (client, allow, sent, claim) =
            (client.clone(), allow.clone(), sent.clone(), claim.clone());
        actix_web::rt::spawn(async move {
            let outcome = send(&client, &allow, &d).await;
            drop(permit);
            let _ = sent.send((d.delivery, outcome, claim));
        });
    }
    (n, free)
}

/// Runs the delivery worker until the server begins to shut down: up to `PARALLEL`
/// deliveries in flight, a free slot filled with the next due delivery at once, and a look
/// for due deliveries every half second otherwise. A receiver that hangs holds one slot
/// for at most 10 s and no other delivery waits for it.
pub fn spawn(state: &AppState) {
    let allow = AllowHosts::new(&state.config.webhook_allow_hosts);
    let client = match client(&allow) {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(error = %e, "webhooks: no HTTP client; deliveries wait");
            return;
        }
    };
    let (tx, rx) = mpsc::unbounded_channel();
    actix_web::rt::spawn(record(state.clone(), rx));
    let state = state.clone();
    let slots = Arc::new(Semaphore::new(PARALLEL));
    actix_web::rt::spawn(async move {
        loop {
            let (claimed, free) = claim_and_send(&state, &client, &allow, &slots, &tx).await;
            let pause = if free > 0 && claimed == free {
                // More may be due: look again as soon as a slot is free.
                Duration::ZERO
            } else {
                Duration::from_millis(500)
            };
            tokio::select! {
                () = tokio::time::sleep(pause) => {}
                () = state.lifecycle.stopped() => break,
            }
            if free == 0 || claimed == free {
                // Every slot busy: wait for one to come free.
                if let Ok(p) = slots.acquire().await {
                    drop(p);
                }
            }
        }
    });
}
