//! The running kiosk's side of the outbox: [`crate::app::KioskApp`] hands it each event's
//! records (audit lines, decisions, alerts: committed in ONE transaction, see
//! [`Store::commit_records`]), each visit and sign-out (a visit and its upload in one
//! transaction), and it wakes the [`Delivery`] thread, so an alert leaves as soon as it is
//! committed.

use std::collections::VecDeque;
use std::sync::Arc;

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::message::StudentNote;
use super::{alert_channels, visit_channels, AlertMessage, AlertRecord, Channels, Delivery};
use super::{Outgoing, VisitEvent};
use crate::config::Config;
use crate::kiosk::{Alert, VisitId};
use crate::screening::Visitor;
use crate::store::outbox::Record;
use crate::store::visits::StoredVisit;
use crate::store::Store;

/// How many recent visitors' names are remembered for the alerts about them (a flag comes
/// with the screening; a staff decision may come some visits later).
const RECENT: usize = 32;

/// Queues alerts and visit uploads, and runs their delivery.
pub struct KioskOutbox {
    alert_channels: Vec<String>,
    visit_channels: Vec<String>,
    school: String,
    kiosk: String,
    /// Visit -> (name as staff read it, date of birth): what the alerts about it carry.
    recent: VecDeque<(VisitId, String, Option<String>)>,
    /// Noisy kinds are rate limited here, where every alert of the kiosk is queued.
    limit: super::limit::RateLimit,
    delivery: Option<Delivery>,
}

impl KioskOutbox {
    /// Starts delivery when the config names a channel and the store has the data key. A
    /// channel that cannot be set up (a missing CA file) is logged; its alerts still queue and
    /// wait for a restart with the config fixed.
    pub fn start(config: &Config, store: Option<&Arc<Store>>) -> KioskOutbox {
        let with_key = store.filter(|s| s.key_id().is_some());
        let delivery = match (with_key, Channels::from_config(config)) {
            (Some(store), Ok(channels)) if !channels.is_empty() => {
                Some(Delivery::start(store.clone(), channels))
            }
            (Some(_), Err(e)) => {
                tracing::error!("alert delivery is off: {e}; alerts wait in the outbox");
                None
            }
            _ => None,
        };
        KioskOutbox {
            alert_channels: alert_channels(config),
            visit_channels: visit_channels(config),
            school: config.school.name.clone(),
            kiosk: config.kiosk.name.clone(),
            recent: VecDeque::new(),
            limit: super::limit::RateLimit::default(),
            delivery,
        }
    }

    /// A visitor is being screened: remember who, for the alerts about this visit.
    pub fn screening(&mut self, visit: VisitId, visitor: &Visitor) {
        let name = crate::screening::listed_name(
            &visitor.last_name,
            &visitor.first_name,
            &visitor.middle_name,
            &visitor.suffix,
        );
        let dob = visitor.dob.map(crate::store::schema::iso);
        self.recent.retain(|(v, _, _)| *v != visit);
        if self.recent.len() == RECENT {
            self.recent.pop_front();
        }
        self.recent.push_back((visit, name, dob));
    }

    /// What the alert channels receive for `alert` (raised at wall-clock `at`); `None` when no
    /// alert channel is configured, or when the rate limit holds it back (counted, and told in
    /// the next alert of its kind).
    pub fn alert_body(&mut self, alert: &Alert, at: OffsetDateTime) -> Option<serde_json::Value> {
        if self.alert_channels.is_empty() {
            return None;
        }
        let held = match self.limit.admit(alert.kind, alert.at_ms) {
            super::limit::Verdict::Hold => {
                tracing::info!("{} alert held back by the rate limit", alert.kind);
                return None;
            }
            super::limit::Verdict::Send { held } => held,
        };
        let visitor = alert
            .visit
            .and_then(|v| self.recent.iter().find(|(id, _, _)| *id == v));
        let message = AlertMessage {
            kind: alert.kind.to_owned(),
            at: at.format(&Rfc3339).unwrap_or_default(),
            school: self.school.clone(),
            kiosk: alert.kiosk.clone(),
            visit: alert.visit.map(|v| v.to_string()),
            visitor_name: visitor.map(|(_, name, _)| name.clone()),
            visitor_dob: visitor.and_then(|(_, _, dob)| dob.clone()),
            records: alert
                .records
                .iter()
                .map(|r| AlertRecord {
                    source: r.source.as_str().into(),
                    record_id: r.record_id.clone(),
                    list: r.list.clone(),
                    action: r.action.clone(),
                })
                .collect(),
            decision: alert.decision.map(|d| d.as_str().to_owned()),
            operator: alert.operator.clone(),
            student: alert.student.as_ref().map(|s| StudentNote {
                student_id: s.student_id.clone(),
                grade: s.grade.clone(),
                school: s.school.clone(),
            }),
            reason_code: alert.reason.clone(),
            held_back: (held > 0).then_some(held),
        };
        Some(serde_json::to_value(Outgoing::Alert(message)).expect("alerts serialise"))
    }

    /// Commits one event's records (audit lines, decisions, blocks, alerts) in ONE
    /// transaction and wakes delivery when an alert is among them. A store without the data
    /// key keeps the audit lines and marks; the personal records are dropped with an error.
    pub fn commit(
        &self,
        store: &Store,
        mut records: Vec<Record>,
    ) -> Result<(), crate::store::StoreError> {
        if store.key_id().is_none() && records.iter().any(Record::is_personal) {
            let before = records.len();
            records.retain(|r| !r.is_personal());
            tracing::error!(
                "{} decision or alert record(s) not kept: the store has no data key",
                before - records.len()
            );
        }
        // Alerts and visit uploads are both deliveries: wake the sender now, not at its idle wake.
        let alerts = records
            .iter()
            .any(|r| matches!(r, Record::Alert(_) | Record::Visit { .. }));
        store
            .commit_records(&records, &self.alert_channels, super::now_ms())
            .inspect_err(|e| {
                tracing::error!("cannot record {} event record(s): {e}", records.len())
            })?;
        if alerts {
            self.wake();
        }
        Ok(())
    }

    /// Saves a visit, with its upload to the district in the same transaction.
    pub fn save_visit(
        &self,
        store: &Store,
        visit: &StoredVisit,
    ) -> Result<(), crate::store::StoreError> {
        if self.visit_channels.is_empty() {
            return store.save_visit(visit);
        }
        let body = self.visit_event("signed-in", visit);
        store.save_visit_queued(visit, &self.visit_channels, &body, super::now_ms())?;
        self.wake();
        Ok(())
    }

    /// Signs a visit out, with its upload in the same transaction.
    pub fn sign_out(
        &self,
        store: &Store,
        visit: u32,
        at: &str,
    ) -> Result<Option<StoredVisit>, crate::store::StoreError> {
        if self.visit_channels.is_empty() {
            return store.sign_out(visit, at);
        }
        let signed = store.sign_out_queued(
            visit,
            at,
            &self.visit_channels,
            |v| self.visit_event("signed-out", v),
            super::now_ms(),
        )?;
        self.wake();
        Ok(signed)
    }

    fn visit_event(&self, event: &str, v: &StoredVisit) -> serde_json::Value {
        visit_upload(&self.school, &self.kiosk, event, v)
    }

    fn wake(&self) {
        if let Some(delivery) = &self.delivery {
            delivery.wake();
        }
    }
}

/// The district upload of one visit event (`signed-in`, `signed-out`), as the outbox carries it.
pub fn visit_upload(school: &str, kiosk: &str, event: &str, v: &StoredVisit) -> serde_json::Value {
    {
        let event = VisitEvent {
            event: event.to_owned(),
            school: school.to_owned(),
            kiosk: kiosk.to_owned(),
            visit: VisitId(v.visit).to_string(),
            visitor_name: v.visitor_name.clone(),
            signed_in: v.signed_in.clone(),
            signed_out: v.signed_out.clone(),
            purpose: v.purpose.clone(),
            destination: v.destination.clone(),
            no_id: v.no_id,
            cleared_by: v.cleared_by.clone(),
        };
        serde_json::to_value(Outgoing::Visit(event)).expect("visits serialise")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alerts::limit::{PER_WINDOW, WINDOW_MS};

    fn alert(kind: &'static str, at_ms: u64) -> Alert {
        Alert {
            at_ms,
            kiosk: "Main lobby".into(),
            kind,
            visit: None,
            records: Vec::new(),
            decision: None,
            operator: None,
            student: None,
            reason: None,
        }
    }

    /// The limit applies where the kiosk queues its alerts: held ones never reach the outbox,
    /// and the next one sent carries their count.
    #[test]
    fn queued_alerts_are_rate_limited_per_noisy_kind() {
        let mut config = Config::default();
        config.alerts.webhooks = vec!["https://office.example/hook".into()];
        let mut outbox = KioskOutbox::start(&config, None);
        let at = OffsetDateTime::UNIX_EPOCH;
        let sent = (0..PER_WINDOW + 4)
            .filter(|i| {
                outbox
                    .alert_body(&alert("no-id", u64::from(*i)), at)
                    .is_some()
            })
            .count();
        assert_eq!(sent, PER_WINDOW as usize);
        // A flag in the middle of the flood always goes.
        assert!(outbox.alert_body(&alert("flagged", 10), at).is_some());
        let next = outbox
            .alert_body(&alert("no-id", WINDOW_MS + 10), at)
            .unwrap();
        assert_eq!(next["held_back"], 4, "{next}");
    }
}
