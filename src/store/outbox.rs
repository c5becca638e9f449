//! The outbox: alerts and visit uploads waiting for delivery, one entry per channel, kept in
//! the database so nothing is lost across restarts, power cuts or hours offline.
//!
//! Two tables share the entry number (which never repeats: `meta.outbox_next`):
//! `outbox` holds the message (JSON, sealed under the data key: alerts carry the visitor's name
//! and date of birth), `outbox_due` its schedule in clear (`next_at` and `created` in Unix
//! milliseconds, attempts, channel name), so `vestibule outbox list` needs no key. An entry is
//! deleted only after its channel accepted it ([`Store::delivered`]); a send cut short by a crash
//! is simply sent again, under the same idempotency key, for the receiver to drop.

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
