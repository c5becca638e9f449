//! Silent alerts and visit uploads, delivered from the store's outbox ([`crate::store::outbox`]).
//!
//! Every alert is queued once per configured channel (`webhook-1`, `webhook-2`, ..., `sms`,
//! `email`) in the same database as the visits, under one idempotency key; sign-ins and
//! sign-outs go to the `district` channel, in the same transaction as the visit. [`flush`]
//! sends what is due and deletes an entry only once its channel accepted it (HTTP 2xx, SMTP
//! 250); a failure is retried with exponential backoff (2 s doubling to 10 min, with jitter),
//! forever: nothing is dropped. A crash between the send and the delete sends the entry again
//! under the same key, for the receiver to drop.
//!
//! - [`message`]: the alert's fields (KeepnTrack's: visitor name and DOB, reason, time, kiosk,
//!   school, operator, decision) as JSON, e-mail and SMS text.
//! - [`send`]: the channels: webhook and SMS gateway over HTTPS (ureq/rustls, the configured CA
//!   only), e-mail over SMTP with STARTTLS or implicit TLS (lettre/rustls), the district's log.
//! - [`Delivery`]: the running kiosk's background thread, woken at every enqueue.
//! - [`limit`]: rate limits per noisy alert kind, with what was held back counted.
//! - [`stale`]: the registry's age on the staff screen and the one `registry-stale` alert.
//!
//! Logs name entries by number and channel only: never a visitor.

pub mod kiosk;
pub mod limit;
pub mod message;
pub mod send;
pub mod stale;

use std::sync::mpsc;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use crate::config::Config;
use crate::store::outbox::Pending;
use crate::store::{Store, StoreError};
pub use message::{AlertMessage, AlertRecord, Outgoing, VisitEvent};
pub use send::Channels;

/// The district's visit log channel.
pub const DISTRICT: &str = "district";
/// Visits sent to the district in one request at most.
pub const BATCH: usize = 100;
/// First retry delay and the longest.
pub const BACKOFF_MIN: Duration = Duration::from_secs(2);
pub const BACKOFF_MAX: Duration = Duration::from_secs(600);

/// Why a channel could not be set up or did not accept a message. One line; no personal data.
#[derive(Debug, thiserror::Error)]
pub enum AlertError {
    #[error("{0}")]
    Config(String),
    #[error("{channel}: {reason}")]
    Send { channel: String, reason: String },
    #[error("{0}")]
    Store(#[from] StoreError),
}

/// Unix milliseconds now.
pub fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// The delay before attempt `attempts + 1` after `attempts` failures: 2 s doubling up to 10
/// min, then drawn uniformly from its upper half (jitter, so kiosks coming back online together
/// do not all retry at once).
pub fn backoff(attempts: u32) -> Duration {
    let exp = attempts.saturating_sub(1).min(16);
    let full = BACKOFF_MIN.saturating_mul(1u32 << exp).min(BACKOFF_MAX);
    let half = full / 2;
    let jitter_ms = rand::random_range(0..=u64::try_from(half.as_millis()).unwrap_or(0));
    half + Duration::from_millis(jitter_ms)
}

/// What one [`flush`] did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Flushed {
    pub delivered: u64,
    pub failed: u64,
    /// Entries still waiting afterwards (due later, or just failed).
    pub waiting: u64,
}

/// Sends every entry due at `now_ms` to its channel: delivered ones are deleted, failed ones
/// rescheduled. `stop` is checked between sends.
pub fn flush(
    store: &Store,
    channels: &Channels,
    now_ms: u64,
    stop: &dyn Fn() -> bool,
) -> Result<Flushed, AlertError> {
    let mut flushed = Flushed::default();
    // In rounds, so an outbox that filled up offline drains without holding it all in memory.
    let mut seen = std::collections::HashSet::new();
    // A channel that failed once is not tried again in this flush: its other entries wait too
    // (a server that is down, or a network that swallows packets, costs one timeout, not one a
    // message).
    let mut down: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    let mut send = |channel: &str, attempt: &dyn Fn() -> Result<(), AlertError>| {
        if let Some(reason) = down.get(channel) {
            return Err(AlertError::Send {
                channel: channel.to_owned(),
                reason: format!("not tried: {reason}"),
            });
        }
        let result = attempt();
        if let Err(AlertError::Send { reason, .. }) = &result {
            down.insert(channel.to_owned(), reason.clone());
        }
        result
    };
    loop {
        let due: Vec<Pending> = store
            .due(now_ms, 500)?
            .into_iter()
            .filter(|p| !seen.contains(&p.id))
            .collect();
        if due.is_empty() || stop() {
            break;
        }
        let (district, others): (Vec<Pending>, Vec<Pending>) =
            due.into_iter().partition(|p| p.channel == DISTRICT);
        for pending in others {
            if stop() {
                break;
            }
            seen.insert(pending.id);
            let result = send(&pending.channel, &|| channels.send(&pending));
            settle(store, &[&pending], result, &mut flushed)?;
        }
        for batch in district.chunks(BATCH) {
            if stop() {
                break;
            }
            seen.extend(batch.iter().map(|p| p.id));
            let refs: Vec<&Pending> = batch.iter().collect();
            let result = send(DISTRICT, &|| channels.send_district(&refs));
            settle(store, &refs, result, &mut flushed)?;
        }
    }
    flushed.waiting = store.outbox_backlog()?.iter().map(|b| b.pending).sum();
    Ok(flushed)
}

fn settle(
    store: &Store,
    entries: &[&Pending],
    result: Result<(), AlertError>,
    flushed: &mut Flushed,
) -> Result<(), AlertError> {
    match result {
        Ok(()) => {
            for p in entries {
                store.delivered(p.id)?;
                flushed.delivered += 1;
                tracing::debug!("outbox entry {} delivered to {}", p.id, p.channel);
            }
        }
        Err(e) => {
            for p in entries {
                let attempts = p.attempts.saturating_add(1);
                let wait = backoff(attempts);
                let next = now_ms() + u64::try_from(wait.as_millis()).unwrap_or(u64::MAX);
                store.retry_later(p.id, next, attempts)?;
                flushed.failed += 1;
                tracing::warn!(
                    "outbox entry {} not delivered (attempt {attempts}, next in {} s): {e}",
                    p.id,
                    wait.as_secs()
                );
            }
        }
    }
    Ok(())
}

/// The running kiosk's delivery thread: sends what is due, then sleeps until the next entry is
/// due or [`Delivery::wake`] says something was queued. Dropping it stops the thread (after the
/// send in flight, bounded by the channel timeout) and waits for it.
pub struct Delivery {
    wake: Option<mpsc::Sender<()>>,
    stopped: Arc<std::sync::atomic::AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

/// The longest the thread sleeps without being woken (a clock step, entries added by another
/// process while the kiosk was stopped).
const IDLE_WAKE: Duration = Duration::from_secs(30);

impl Delivery {
    /// Starts the thread over `store` (which it uses only for the outbox).
    pub fn start(store: Arc<Store>, channels: Channels) -> Delivery {
        let (wake, woken) = mpsc::channel::<()>();
        let stopped = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = stopped.clone();
        let thread = std::thread::Builder::new()
            .name("vestibule-alerts".into())
            .spawn(move || run(&store, &channels, &woken, &flag))
            .expect("the delivery thread starts");
        Delivery {
            wake: Some(wake),
            stopped,
            thread: Some(thread),
        }
    }

    /// Something was queued: deliver now.
    pub fn wake(&self) {
        if let Some(wake) = &self.wake {
            let _ = wake.send(());
        }
    }
}

impl Drop for Delivery {
    fn drop(&mut self) {
        self.stopped
            .store(true, std::sync::atomic::Ordering::Relaxed);
        self.wake.take(); // disconnects: the thread ends after its current send
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn run(
    store: &Store,
    channels: &Channels,
    woken: &mpsc::Receiver<()>,
    stopped: &std::sync::atomic::AtomicBool,
) {
    use std::sync::atomic::Ordering;
    let stop = || stopped.load(Ordering::Relaxed);
    loop {
        if let Err(e) = flush(store, channels, now_ms(), &stop) {
            tracing::error!("alert delivery: {e}");
        }
        let wait = match store.next_due() {
            Ok(Some(at)) => Duration::from_millis(at.saturating_sub(now_ms())).min(IDLE_WAKE),
            Ok(None) => IDLE_WAKE,
            Err(_) => BACKOFF_MIN,
        };
        match woken.recv_timeout(wait) {
            Ok(()) => while woken.try_recv().is_ok() {},
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                stopped.store(true, Ordering::Relaxed);
                return;
            }
        }
    }
}

/// The alert channels the config names (`webhook-N`, `sms`, `email`), in that order.
pub fn alert_channels(config: &Config) -> Vec<String> {
    let alerts = &config.alerts;
    let mut names: Vec<String> = (1..=alerts.webhooks.len())
        .map(|i| format!("webhook-{i}"))
        .collect();
    if !alerts.sms_url.is_empty() {
        names.push("sms".into());
    }
    if !alerts.smtp_host.is_empty() {
        names.push("email".into());
    }
    names
}

/// `["district"]` when the config names a visit log, else nothing.
pub fn visit_channels(config: &Config) -> Vec<String> {
    if config.district.visits_url.is_empty() {
        Vec::new()
    } else {
        vec![DISTRICT.to_owned()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_two_seconds_to_ten_minutes_with_jitter() {
        for _ in 0..50 {
            let first = backoff(1);
            assert!(first >= Duration::from_secs(1) && first <= BACKOFF_MIN);
            let third = backoff(3);
            assert!(third >= Duration::from_secs(4) && third <= Duration::from_secs(8));
            let late = backoff(40);
            assert!(late >= BACKOFF_MAX / 2 && late <= BACKOFF_MAX);
        }
    }

    fn load(alerts: &str) -> Result<Config, crate::config::ConfigError> {
        Config::from_toml("k.toml", &format!("[alerts]\n{alerts}\n"), Vec::new())
    }

    #[test]
    fn alert_config_is_checked() {
        let key = |text: &str| load(text).unwrap_err().key;
        assert_eq!(
            key("webhooks = [\"http://x\"]\nca = \"c.pem\""),
            "alerts.webhooks"
        );
        assert_eq!(key("webhooks = [\"https://x\"]"), "alerts.ca");
        assert_eq!(
            key("sms_url = \"https://x\"\nsms_template = \"{}\"\nca = \"c\""),
            "alerts.sms_template"
        );
        assert_eq!(
            key("smtp_host = \"mail\"\nsmtp_from = \"a@b\"\nca = \"c\""),
            "alerts.smtp_to"
        );
        assert_eq!(key("smtp_tls = \"none\""), "alerts.smtp_tls");
        assert_eq!(key("timeout_secs = 0"), "alerts.timeout_secs");
        let ok = load(
            "webhooks = [\"https://a\", \"https://b\"]\nsms_url = \"https://s\"\n\
             sms_template = '{\"text\": \"{{message}}\"}'\nsmtp_host = \"mail\"\n\
             smtp_from = \"a@b.c\"\nsmtp_to = [\"d@e.f\"]\nca = \"c.pem\"",
        )
        .unwrap();
        assert_eq!(
            alert_channels(&ok),
            ["webhook-1", "webhook-2", "sms", "email"]
        );
        assert!(visit_channels(&ok).is_empty());
        let district = Config::from_toml(
            "k.toml",
            "[district]\nvisits_url = \"https://d/visits\"\n",
            Vec::new(),
        )
        .unwrap_err();
        assert_eq!(district.key, "sync.ca");
    }

    #[test]
    fn message_texts_carry_the_fields_and_debug_does_not() {
        let alert = AlertMessage {
            kind: "flagged".into(),
            at: "2026-11-23T09:41:07-06:00".into(),
            school: "Demo Elementary School".into(),
            kiosk: "Main lobby".into(),
            visit: Some("V-0001".into()),
            visitor_name: Some("DOE, JANE".into()),
            visitor_dob: Some("1971-02-03".into()),
            records: vec![AlertRecord {
                source: "watchlist".into(),
                record_id: "W-7".into(),
                list: Some("custody".into()),
                action: Some("deny".into()),
            }],
            decision: None,
            operator: None,
            student: None,
            reason_code: None,
            held_back: None,
        };
        let body = alert.email_body("k1", true);
        assert!(body.contains("Date of birth:  1971-02-03"), "{body}");
        let without = alert.email_body("k1", false);
        assert!(
            !without.contains("1971") && !without.contains("Date of birth"),
            "{without}"
        );
        assert!(!alert.sms_text(false).contains("1971"));
        assert!(body.contains("Reason:         Visitor flagged by screening: watchlist record W-7 (list custody, action deny)"), "{body}");
        assert!(!alert.subject().contains("DOE"));
        assert!(alert.sms_text(true).contains("DOE, JANE DOB 1971-02-03"));
        assert!(!format!("{alert:?}").contains("DOE"));
    }
}
