//! The outbox: alerts and visit uploads waiting for delivery, one entry per channel, kept in
//! the database so nothing is lost across restarts, power cuts or hours offline.
//!
//! Two tables share the entry number (which never repeats: `meta.outbox_next`):
//! `outbox` holds the message (JSON, sealed under the data key: alerts carry the visitor's name
//! and date of birth), `outbox_due` its schedule in clear (`next_at` and `created` in Unix
//! milliseconds, attempts, channel name), so `vestibule outbox list` needs no key. An entry is
//! deleted only after its channel accepted it ([`Store::delivered`]); a send cut short by a crash
//! is simply sent again, under the same idempotency key, for the receiver to drop.
//!
//! An entry is written in the same transaction as what it is about: a visit and its upload
//! ([`Store::save_visit_queued`]), a kiosk event's alerts with its audit lines and remembered
//! decisions or blocks ([`Store::commit_records`]). A kill at any moment leaves all of them
//! or none.

use redb::{ReadableDatabase, ReadableTable, TableDefinition, WriteTransaction};
use serde::{Deserialize, Serialize};

use super::crypto::Sealer;
use super::schema::META;
use super::visits::{insert_visit, mark_signed_out, StoredVisit};
use super::{Store, StoreError};

/// Entry number -> the message, sealed JSON ([`Sealed`]).
pub const OUTBOX: TableDefinition<u64, &str> = TableDefinition::new("outbox");
/// Entry number -> `(next_at_ms, attempts, channel, created_ms)`, in clear.
pub const OUTBOX_DUE: TableDefinition<u64, (u64, u32, &str, u64)> =
    TableDefinition::new("outbox_due");
/// The associated data sealed outbox values are bound to.
pub const OUTBOX_NAME: &str = "outbox";
/// `meta` key: the number the next outbox entry takes.
pub const META_OUTBOX_NEXT: &str = "outbox_next";

/// One message for one channel, waiting.
#[derive(Clone, PartialEq)]
pub struct Pending {
    pub id: u64,
    pub channel: String,
    /// The same for every channel's copy of one message: receivers drop duplicates by it.
    pub key: String,
    pub attempts: u32,
    pub created_ms: u64,
    pub body: serde_json::Value,
}

// The body carries personal data: `{:?}` shows the entry, the channel and the attempts only.
impl std::fmt::Debug for Pending {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pending")
            .field("id", &self.id)
            .field("channel", &self.channel)
            .field("attempts", &self.attempts)
            .finish_non_exhaustive()
    }
}

/// What is waiting on one channel (`vestibule outbox list`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChannelBacklog {
    pub channel: String,
    pub pending: u64,
    /// When the oldest waiting entry was queued (Unix ms).
    pub oldest_ms: u64,
    /// The most attempts any waiting entry has had.
    pub max_attempts: u32,
}

#[derive(Serialize, Deserialize)]
struct Sealed {
    key: String,
    body: serde_json::Value,
}

/// A new idempotency key: 128 random bits, hex.
/// Where visit uploads go (the district's channels; empty: nowhere) and how one is written.
pub struct Uploads<'a> {
    pub channels: &'a [String],
    pub body: &'a dyn Fn(&StoredVisit) -> serde_json::Value,
    pub now_ms: u64,
}

/// Queues one visit's upload inside `write` (nothing when there is no channel).
pub(super) fn queue_upload(
    write: &WriteTransaction,
    sealer: &Sealer,
    uploads: &Uploads,
    visit: &StoredVisit,
) -> Result<(), StoreError> {
    enqueue_in(
        write,
        sealer,
        uploads.channels,
        &new_key(),
        &(uploads.body)(visit),
        uploads.now_ms,
    )
}

pub fn new_key() -> String {
    let bytes: [u8; 16] = rand::random();
    super::crypto::hex(&bytes)
}

fn enqueue_in(
    write: &WriteTransaction,
    sealer: &Sealer,
    channels: &[String],
    key: &str,
    body: &serde_json::Value,
    now_ms: u64,
) -> Result<(), StoreError> {
    if channels.is_empty() {
        return Ok(());
    }
    let mut meta = write.open_table(META)?;
    let mut next = meta.get(META_OUTBOX_NEXT)?.map_or(1, |v| v.value()).max(1);
    let mut outbox = write.open_table(OUTBOX)?;
    let mut due = write.open_table(OUTBOX_DUE)?;
    let json = serde_json::to_string(&Sealed {
        key: key.to_owned(),
        body: body.clone(),
    })
    .expect("outbox entries serialise");
    for channel in channels {
        let sealed = sealer.seal(OUTBOX_NAME, &next.to_string(), json.as_bytes());
        outbox.insert(next, sealed.as_str())?;
        due.insert(next, (now_ms, 0, channel.as_str(), now_ms))?;
        next += 1;
    }
    meta.insert(META_OUTBOX_NEXT, next)?;
    Ok(())
}

/// One durable record of a kiosk event. The records of one event (a flag: its alert and audit
/// lines; a staff decision: the remembered decision or block, its audit lines and its alert)
/// are committed together by [`Store::commit_records`]: all of them or none, whatever kills the
/// kiosk and whenever.
pub enum Record {
    /// An audit line (a JSON object: the chain fields are added).
    Audit(serde_json::Value),
    /// Staff said this record is not this person ([`Store::remember_not_a_match`]).
    NotAMatch {
        identity: String,
        source: super::Source,
        record_id: String,
        at: String,
        by: String,
    },
    /// "Allow once and block" ([`Store::block_person`]).
    Block {
        identity: String,
        source: super::Source,
        record_id: String,
        at: String,
        by: String,
    },
    /// Forget every decision about this person ([`Store::forget_decisions`]).
    Forget {
        identity: String,
        at: String,
        by: String,
    },
    /// An alert, queued once on each alert channel under its own idempotency key.
    Alert(serde_json::Value),
    /// A `meta` value set with the others (what the kiosk must remember it did: an alert sent
    /// once, say).
    Mark { key: &'static str, value: u64 },
    /// The kiosk's durable state ([`crate::kiosk::Durable`]) as it is after this event.
    KioskState(serde_json::Value),
    /// A visit signed in, with its upload to the district (`channels` and the body; none
    /// configured: no upload). In the transaction of the event that admitted it, so the
    /// invitation that admitted it is used up in the same commit ([`Record::InvitationUse`]).
    Visit {
        visit: StoredVisit,
        upload: Option<(Vec<String>, serde_json::Value)>,
    },
    /// An invitation admitted `visit` on `date` (kiosk-local `YYYY-MM-DD`): used up that day.
    InvitationUse {
        id: String,
        date: String,
        visit: u32,
    },
}

// Decisions carry the identity key (a name and a date of birth): `{:?}` names the kind only.
impl std::fmt::Debug for Record {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Record::Audit(_) => "Record::Audit",
            Record::NotAMatch { .. } => "Record::NotAMatch",
            Record::Block { .. } => "Record::Block",
            Record::Forget { .. } => "Record::Forget",
            Record::Alert(_) => "Record::Alert",
            Record::Mark { .. } => "Record::Mark",
            Record::KioskState(_) => "Record::KioskState",
            Record::InvitationUse { .. } => "Record::InvitationUse",
            Record::Visit { .. } => "Record::Visit",
        })
    }
}

impl Record {
    /// Whether writing it needs the data key (everything but audit lines and marks).
    pub fn is_personal(&self) -> bool {
        !matches!(
            self,
            Record::Audit(_) | Record::Mark { .. } | Record::InvitationUse { .. }
        )
    }
}

/// Writes one record inside `write`; `sealer` is `None` only for records that need no key.
fn write_record(
    write: &WriteTransaction,
    sealer: Option<&Sealer>,
    record: &Record,
    channels: &[String],
    now_ms: u64,
) -> Result<(), StoreError> {
    use super::decisions::{block_in, forget_in, remember_in, Decided};
    let sealer = || sealer.ok_or(StoreError::NoKey);
    match record {
        Record::Audit(line) => super::audit::append_audit(write, line.clone()),
        Record::NotAMatch {
            identity,
            source,
            record_id,
            at,
            by,
        } => remember_in(
            write,
            sealer()?,
            identity,
            *source,
            record_id,
            &Decided { at, by },
        ),
        Record::Block {
            identity,
            source,
            record_id,
            at,
            by,
        } => block_in(
            write,
            sealer()?,
            identity,
            *source,
            record_id,
            &Decided { at, by },
        ),
        Record::Forget { identity, at, by } => {
            forget_in(write, sealer()?, identity, &Decided { at, by }).map(|_| ())
        }
        Record::Alert(body) => enqueue_in(write, sealer()?, channels, &new_key(), body, now_ms),
        Record::Mark { key, value } => {
            write.open_table(META)?.insert(*key, *value)?;
            Ok(())
        }
        Record::KioskState(state) => super::kiosk_state::save_in(write, sealer()?, state),
        Record::InvitationUse { id, date, visit } => {
            super::invitations::use_invitation_in(write, id, date, *visit)
        }
        Record::Visit { visit, upload } => {
            insert_visit(write, sealer()?, visit)?;
            match upload {
                Some((channels, body)) => {
                    enqueue_in(write, sealer()?, channels, &new_key(), body, now_ms)
                }
                None => Ok(()),
            }
        }
    }
}

impl Store {
    /// Queues `body` once for each of `channels`, due now, under one new idempotency key
    /// (returned). Committed (and synced) before it returns.
    pub fn enqueue(
        &self,
        channels: &[String],
        body: &serde_json::Value,
        now_ms: u64,
    ) -> Result<String, StoreError> {
        let sealer = self.sealer()?;
        let key = new_key();
        let write = self.db().begin_write()?;
        enqueue_in(&write, sealer, channels, &key, body, now_ms)?;
        write.commit()?;
        Ok(key)
    }

    /// Writes `records` (one kiosk event's), in order, in ONE write transaction: all or none.
    /// Alerts are queued on `channels`, due at `now_ms`. A store without the data key refuses
    /// (and writes nothing) when any record is personal.
    pub fn commit_records(
        &self,
        records: &[Record],
        channels: &[String],
        now_ms: u64,
    ) -> Result<(), StoreError> {
        if records.is_empty() {
            return Ok(());
        }
        let sealer = self.sealer.as_deref();
        if sealer.is_none() && records.iter().any(Record::is_personal) {
            return Err(StoreError::NoKey);
        }
        let write = self.db().begin_write()?;
        for record in records {
            write_record(&write, sealer, record, channels, now_ms)?;
        }
        write.commit()?;
        Ok(())
    }

    /// Saves a visit and queues its upload in ONE transaction: both or neither.
    pub fn save_visit_queued(
        &self,
        visit: &StoredVisit,
        channels: &[String],
        body: &serde_json::Value,
        now_ms: u64,
    ) -> Result<(), StoreError> {
        let sealer = self.sealer()?;
        let write = self.db().begin_write()?;
        insert_visit(&write, sealer, visit)?;
        enqueue_in(&write, sealer, channels, &new_key(), body, now_ms)?;
        write.commit()?;
        Ok(())
    }

    /// [`Store::sign_out`] and the sign-out's upload in ONE transaction; the body is made from
    /// the visit as signed out. `None` (and nothing queued) when the visit is not in the building.
    pub fn sign_out_queued(
        &self,
        visit: u32,
        at: &str,
        channels: &[String],
        body: impl FnOnce(&StoredVisit) -> serde_json::Value,
        now_ms: u64,
    ) -> Result<Option<StoredVisit>, StoreError> {
        let sealer = self.sealer()?;
        let write = self.db().begin_write()?;
        let signed_out = mark_signed_out(&write, sealer, visit, at)?;
        if let Some(v) = &signed_out {
            enqueue_in(&write, sealer, channels, &new_key(), &body(v), now_ms)?;
        }
        write.commit()?;
        Ok(signed_out)
    }

    /// Entries due at `now_ms`, oldest first, at most `limit`. An entry that no longer opens
    /// with the data key is left out with a warning naming only its number.
    pub fn due(&self, now_ms: u64, limit: usize) -> Result<Vec<Pending>, StoreError> {
        let sealer = self.sealer()?;
        let read = self.db().begin_read()?;
        let (due, outbox) = match (read.open_table(OUTBOX_DUE), read.open_table(OUTBOX)) {
            (Ok(d), Ok(o)) => (d, o),
            (Err(redb::TableError::TableDoesNotExist(_)), _)
            | (_, Err(redb::TableError::TableDoesNotExist(_))) => return Ok(Vec::new()),
            (Err(e), _) | (_, Err(e)) => return Err(e.into()),
        };
        let mut out = Vec::new();
        for entry in due.iter()? {
            if out.len() >= limit {
                break;
            }
            let (id, schedule) = entry?;
            let (id, (next_at, attempts, channel, created)) = (id.value(), schedule.value());
            if next_at > now_ms {
                continue;
            }
            let label = id.to_string();
            let opened = outbox
                .get(id)?
                .and_then(|v| sealer.open(OUTBOX_NAME, &label, &label, v.value()).ok())
                .and_then(|plain| serde_json::from_slice::<Sealed>(&plain).ok());
            let Some(sealed) = opened else {
                tracing::warn!("outbox entry {id} does not open with the data key; left waiting");
                continue;
            };
            out.push(Pending {
                id,
                channel: channel.to_owned(),
                key: sealed.key,
                attempts,
                created_ms: created,
                body: sealed.body,
            });
        }
        Ok(out)
    }

    /// The earliest time anything in the outbox is due (Unix ms), `None` when it is empty.
    pub fn next_due(&self) -> Result<Option<u64>, StoreError> {
        let read = self.db().begin_read()?;
        let due = match read.open_table(OUTBOX_DUE) {
            Ok(d) => d,
            Err(redb::TableError::TableDoesNotExist(_)) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        let mut earliest: Option<u64> = None;
        for entry in due.iter()? {
            let at = entry?.1.value().0;
            earliest = Some(earliest.map_or(at, |e| e.min(at)));
        }
        Ok(earliest)
    }

    /// The channel accepted entry `id`: it is deleted.
    pub fn delivered(&self, id: u64) -> Result<(), StoreError> {
        let write = self.db().begin_write()?;
        write.open_table(OUTBOX)?.remove(id)?;
        write.open_table(OUTBOX_DUE)?.remove(id)?;
        write.commit()?;
        Ok(())
    }

    /// Entry `id` failed: try again at `next_at_ms`, having been tried `attempts` times.
    pub fn retry_later(&self, id: u64, next_at_ms: u64, attempts: u32) -> Result<(), StoreError> {
        let write = self.db().begin_write()?;
        {
            let mut due = write.open_table(OUTBOX_DUE)?;
            let current = due.get(id)?.map(|v| {
                let (_, _, channel, created) = v.value();
                (channel.to_owned(), created)
            });
            if let Some((channel, created)) = current {
                due.insert(id, (next_at_ms, attempts, channel.as_str(), created))?;
            }
        }
        write.commit()?;
        Ok(())
    }

    /// What waits on each channel; no message is opened (no key needed).
    pub fn outbox_backlog(&self) -> Result<Vec<ChannelBacklog>, StoreError> {
        let read = self.db().begin_read()?;
        let due = match read.open_table(OUTBOX_DUE) {
            Ok(d) => d,
            Err(redb::TableError::TableDoesNotExist(_)) => return Ok(Vec::new()),
            Err(e) => return Err(e.into()),
        };
        let mut backlog: Vec<ChannelBacklog> = Vec::new();
        for entry in due.iter()? {
            let (_, schedule) = entry?;
            let (_, attempts, channel, created) = schedule.value();
            match backlog.iter_mut().find(|b| b.channel == channel) {
                Some(b) => {
                    b.pending += 1;
                    b.oldest_ms = b.oldest_ms.min(created);
                    b.max_attempts = b.max_attempts.max(attempts);
                }
                None => backlog.push(ChannelBacklog {
                    channel: channel.to_owned(),
                    pending: 1,
                    oldest_ms: created,
                    max_attempts: attempts,
                }),
            }
        }
        backlog.sort_by(|a, b| a.channel.cmp(&b.channel));
        Ok(backlog)
    }
}

/// Re-seals every outbox message from `old` to `new`, inside a key rotation's transaction
/// ([`Store::reseal`] must call it, or queued messages stop opening after a rotation).
pub fn reseal_outbox(
    write: &WriteTransaction,
    old: &Sealer,
    new: &Sealer,
) -> Result<u64, StoreError> {
    let mut outbox = write.open_table(OUTBOX)?;
    let rows: Vec<(u64, String)> = outbox
        .iter()?
        .map(|e| e.map(|(k, v)| (k.value(), v.value().to_owned())))
        .collect::<Result<_, _>>()?;
    for (id, sealed) in &rows {
        let label = id.to_string();
        let plain = old.open(OUTBOX_NAME, &label, &label, sealed)?;
        outbox.insert(*id, new.seal(OUTBOX_NAME, &label, &plain).as_str())?;
    }
    Ok(rows.len() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Key;

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_with_key(&dir.path().join("o.redb"), &Key::generate()).unwrap();
        (dir, store)
    }

    #[test]
    fn one_entry_per_channel_sealed_and_retried_independently() {
        let (_dir, store) = store();
        let channels = vec!["webhook-1".to_owned(), "email".to_owned()];
        let body = serde_json::json!({"visitor": "DOE, JANE"});
        let key = store.enqueue(&channels, &body, 1_000).unwrap();
        let due = store.due(1_000, 10).unwrap();
        assert_eq!(due.len(), 2);
        assert!(due.iter().all(|p| p.key == key && p.body == body));
        assert!(!format!("{due:?}").contains("JANE"));
        // sealed at rest
        {
            let read = store.begin_read().unwrap();
            let table = read.open_table(OUTBOX).unwrap();
            for e in table.iter().unwrap() {
                assert!(!e.unwrap().1.value().contains("JANE"));
            }
        }
        store.delivered(due[1].id).unwrap();
        store.retry_later(due[0].id, 5_000, 1).unwrap();
        assert!(store.due(4_999, 10).unwrap().is_empty());
        assert_eq!(store.next_due().unwrap(), Some(5_000));
        let again = store.due(5_000, 10).unwrap();
        assert_eq!(again.len(), 1);
        assert_eq!(
            (again[0].channel.as_str(), again[0].attempts),
            ("webhook-1", 1)
        );
        let backlog = store.outbox_backlog().unwrap();
        assert_eq!(backlog.len(), 1);
        assert_eq!((backlog[0].pending, backlog[0].oldest_ms), (1, 1_000));
        store.delivered(again[0].id).unwrap();
        assert_eq!(store.next_due().unwrap(), None);
        // numbers never repeat
        store.enqueue(&channels, &body, 6_000).unwrap();
        assert!(store
            .due(6_000, 10)
            .unwrap()
            .iter()
            .all(|p| p.id > again[0].id));
    }

    #[test]
    fn one_events_records_commit_together_or_not_at_all() {
        let (dir, store) = store();
        let identity = "HENDERSON|WILLIAM|1970-05-14|1234";
        let decision = |record_id: &str| Record::NotAMatch {
            identity: identity.into(),
            source: crate::store::Source::Registry,
            record_id: record_id.into(),
            at: "2026-11-23T08:00:00-05:00".into(),
            by: "demo".into(),
        };
        let channels = vec!["webhook-1".to_owned(), "sms".to_owned()];
        let records = vec![
            Record::Audit(serde_json::json!({"event": "decision", "record_id": "MO-1"})),
            decision("MO-1"),
            Record::Alert(serde_json::json!({"kind": "decision"})),
            Record::Block {
                identity: identity.into(),
                source: crate::store::Source::Registry,
                record_id: "MO-2".into(),
                at: "2026-11-23T08:00:01-05:00".into(),
                by: "demo".into(),
            },
            Record::Mark {
                key: "test_mark",
                value: 7,
            },
        ];
        store.commit_records(&records, &channels, 5).unwrap();
        let events: Vec<String> = store
            .audit_lines()
            .unwrap()
            .iter()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["event"].to_string())
            .collect();
        assert_eq!(events, ["\"decision\"", "\"not-a-match\"", "\"blocked\""]);
        assert_eq!(store.due(5, 10).unwrap().len(), 2, "one entry per channel");
        assert!(store.blocked(identity).unwrap().is_some());
        assert_eq!(
            crate::store::schema::meta_value(&store.db(), "test_mark").unwrap(),
            7
        );
        // A record that fails (a keyless store, here) leaves nothing of the event behind.
        drop(store);
        let keyless = Store::open(&dir.path().join("o.redb")).unwrap();
        let more = [
            Record::Audit(serde_json::json!({"event": "x"})),
            decision("MO-3"),
        ];
        assert!(matches!(
            keyless.commit_records(&more, &channels, 6),
            Err(StoreError::NoKey)
        ));
        assert_eq!(keyless.audit_lines().unwrap().len(), 3);
        assert!(!format!("{:?}", more[1]).contains("HENDERSON"));
    }

    #[test]
    fn a_visit_its_upload_and_its_invitations_use_commit_together() {
        let (_dir, store) = store();
        let visit = StoredVisit {
            visit: 7,
            signed_in: "2026-11-23T08:00:00-05:00".into(),
            visitor_name: "MORGAN, CAPTAIN".into(),
            purpose: "visitor".into(),
            destination: "library".into(),
            no_id: false,
            cleared_by: None,
            signed_out: None,
        };
        let invitation = "0123456789abcdef";
        let records = [
            Record::Visit {
                visit: visit.clone(),
                upload: Some((vec!["district".into()], serde_json::json!({"visit": 7}))),
            },
            Record::InvitationUse {
                id: invitation.into(),
                date: "2026-11-23".into(),
                visit: 7,
            },
            Record::Audit(serde_json::json!({"event": "invitation-used", "visit": 7})),
        ];
        store.commit_records(&records, &[], 5).unwrap();
        assert_eq!(store.in_building().unwrap(), [visit]);
        let id = crate::prereg::InvitationId(0x0123_4567_89ab_cdef);
        let day = time::macros::date!(2026 - 11 - 23);
        assert!(store.invitation_used_on(id, day).unwrap());
        assert_eq!(store.due(5, 10).unwrap().len(), 1, "the upload");
        assert!(!format!("{:?}", records[0]).contains("MORGAN"));
    }

    #[test]
    fn rotation_reseals_the_outbox() {
        let (_dir, store) = store();
        store
            .enqueue(&["sms".to_owned()], &serde_json::json!({"a": 1}), 0)
            .unwrap();
        let old = store.sealer().unwrap().clone();
        let new = Sealer::new(&Key::generate());
        let write = store.db().begin_write().unwrap();
        assert_eq!(reseal_outbox(&write, &old, &new).unwrap(), 1);
        write.commit().unwrap();
        let read = store.begin_read().unwrap();
        let table = read.open_table(OUTBOX).unwrap();
        let (k, v) = table.iter().unwrap().next().unwrap().unwrap();
        let label = k.value().to_string();
        assert!(new.open(OUTBOX_NAME, &label, &label, v.value()).is_ok());
    }
}
