//! Remembered decisions: staff said this record is "not a match" for this visitor.
//!
//! Keyed by the visitor's identity token (HMAC of [`crate::screening::identity_key`]:
//! normalised name, date of birth, last four of the document, under the data key) plus the
//! record, so the same person is not stopped again by the same record, while a new record (or
//! another person) still flags. The value is sealed ([`super::crypto`]) and carries the
//! identity key itself, so a key rotation can re-key the row. Every decision and every reset is
//! appended to the `audit` table; the audit names the record and a short keyed token of the
//! person, never the visitor's name.

use std::collections::HashSet;
use std::sync::Arc;

use redb::{ReadOnlyTable, ReadTransaction, ReadableDatabase, ReadableTable, WriteTransaction};
use serde::{Deserialize, Serialize};

use super::crypto::Sealer;
use super::schema::{AUDIT, BLOCKED, BLOCKED_NAME, DECISIONS, DECISIONS_NAME};
use super::screener::Source;
use super::visits::{Block, SealedBlock};
use super::{Store, StoreError};

pub(super) use super::audit::append_audit;

const SEP: char = '\u{1f}';

fn decision_key(token: &str, source: Source, record_id: &str) -> String {
    format!("{token}{SEP}{}{SEP}{record_id}", source.as_str())
}

/// The key range holding every decision about one token.
fn token_range(token: &str) -> (String, String) {
    (format!("{token}{SEP}"), format!("{token}\u{20}"))
}

/// A decision as sealed in the `decisions` table.
#[derive(Serialize, Deserialize)]
pub(super) struct SealedDecision {
    pub identity: String,
    pub decision: String,
    pub at: String,
    pub by: String,
}

/// When and by whom, as the caller's edge knows it (the store reads no clock).
#[derive(Clone, Debug)]
pub struct Decided<'a> {
    pub at: &'a str,
    pub by: &'a str,
}

/// Writes "`record_id` is not this person" (sealed) and its audit line inside `write`.
pub(super) fn remember_in(
    write: &WriteTransaction,
    sealer: &Sealer,
    identity: &str,
    source: Source,
    record_id: &str,
    decided: &Decided,
) -> Result<(), StoreError> {
    let key = decision_key(&sealer.token(identity), source, record_id);
    let value = SealedDecision {
        identity: identity.to_owned(),
        decision: "not-a-match".into(),
        at: decided.at.to_owned(),
        by: decided.by.to_owned(),
    };
    let json = serde_json::to_string(&value).expect("decisions serialise");
    let sealed = sealer.seal(DECISIONS_NAME, &key, json.as_bytes());
    write
        .open_table(DECISIONS)?
        .insert(key.as_str(), sealed.as_str())?;
    append_audit(
        write,
        serde_json::json!({
            "event": "not-a-match", "at": decided.at, "by": decided.by, "source": source.as_str(),
            "record_id": record_id, "identity": sealer.audit_token(identity),
        }),
    )
}

/// Writes "allow once and block" (the sealed block, keyed by the person's token) and its audit
/// line inside `write`: the same row and line as [`Store::block_person`].
pub(super) fn block_in(
    write: &WriteTransaction,
    sealer: &Sealer,
    identity: &str,
    source: Source,
    record_id: &str,
    decided: &Decided,
) -> Result<(), StoreError> {
    let block = SealedBlock {
        identity: identity.to_owned(),
        block: Block {
            source: source.as_str().to_owned(),
            record_id: record_id.to_owned(),
            at: decided.at.to_owned(),
            by: decided.by.to_owned(),
        },
    };
    let token = sealer.token(identity);
    let json = serde_json::to_string(&block).expect("blocks serialise");
    let sealed = sealer.seal(BLOCKED_NAME, &token, json.as_bytes());
    write
        .open_table(BLOCKED)?
        .insert(token.as_str(), sealed.as_str())?;
    append_audit(
        write,
        serde_json::json!({
            "event": "blocked", "at": decided.at, "by": decided.by, "source": source.as_str(),
            "record_id": record_id, "identity": sealer.audit_token(identity),
        }),
    )
}

/// Forgets every decision (and any block) about this person inside `write`, with its audit
/// line; returns how many there were.
pub(super) fn forget_in(
    write: &WriteTransaction,
    sealer: &Sealer,
    identity: &str,
    decided: &Decided,
) -> Result<usize, StoreError> {
    let token = sealer.token(identity);
    let (lo, hi) = token_range(&token);
    let forgotten = {
        let mut table = write.open_table(DECISIONS)?;
        let keys: Vec<String> = table
            .range(lo.as_str()..hi.as_str())?
            .map(|e| e.map(|(k, _)| k.value().to_owned()))
            .collect::<Result<_, _>>()?;
        for key in &keys {
            table.remove(key.as_str())?;
        }
        keys.len() + usize::from(super::visits::unblock(write, &token)?)
    };
    append_audit(
        write,
        serde_json::json!({
            "event": "reset", "at": decided.at, "by": decided.by, "forgotten": forgotten,
            "identity": sealer.audit_token(identity),
        }),
    )?;
    Ok(forgotten)
}

impl Store {
    /// Remembers that `record_id` is not the visitor with this identity key.
    pub fn remember_not_a_match(
        &self,
        identity: &str,
        source: Source,
        record_id: &str,
        decided: &Decided,
    ) -> Result<(), StoreError> {
        let sealer = self.sealer()?;
        let write = self.db().begin_write()?;
        remember_in(&write, sealer, identity, source, record_id, decided)?;
        write.commit()?;
        Ok(())
    }

    /// Forgets every decision about this visitor; returns how many there were.
    pub fn forget_decisions(&self, identity: &str, decided: &Decided) -> Result<usize, StoreError> {
        let sealer = self.sealer()?;
        let write = self.db().begin_write()?;
        let forgotten = forget_in(&write, sealer, identity, decided)?;
        write.commit()?;
        Ok(forgotten)
    }

    /// The audit trail, oldest first, one JSON object per line.
    pub fn audit_lines(&self) -> Result<Vec<String>, StoreError> {
        let read = self.db().begin_read()?;
        let table = match read.open_table(AUDIT) {
            Ok(t) => t,
            Err(redb::TableError::TableDoesNotExist(_)) => return Ok(Vec::new()),
            Err(e) => return Err(e.into()),
        };
        let mut lines = Vec::new();
        for entry in table.iter()? {
            lines.push(entry?.1.value().to_owned());
        }
        Ok(lines)
    }
}

type Table = ReadOnlyTable<&'static str, &'static str>;

/// The decisions and blocks of one snapshot, for screening. Without the data key (a store
/// opened by [`Store::open`]) nothing is remembered: every record flags, and blocks are not
/// shown (the blocked person's record still flags them).
pub struct Remembered {
    decisions: Option<Table>,
    blocked: Option<Table>,
    sealer: Option<Arc<Sealer>>,
}

fn open_table(
    read: &ReadTransaction,
    definition: redb::TableDefinition<&'static str, &'static str>,
) -> Result<Option<Table>, StoreError> {
    match read.open_table(definition) {
        Ok(t) => Ok(Some(t)),
        Err(redb::TableError::TableDoesNotExist(_)) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

impl Remembered {
    pub fn open(
        read: &ReadTransaction,
        sealer: Option<Arc<Sealer>>,
    ) -> Result<Remembered, StoreError> {
        Ok(Remembered {
            decisions: open_table(read, DECISIONS)?,
            blocked: open_table(read, BLOCKED)?,
            sealer,
        })
    }

    /// The records staff already cleared for this visitor. A decision whose sealed value does
    /// not open (altered, or moved from another row) is ignored: the record flags again.
    pub fn cleared(&self, identity: &str) -> Result<HashSet<(Source, String)>, StoreError> {
        let mut out = HashSet::new();
        let (Some(table), Some(sealer)) = (&self.decisions, &self.sealer) else {
            return Ok(out);
        };
        let (lo, hi) = token_range(&sealer.token(identity));
        for entry in table.range(lo.as_str()..hi.as_str())? {
            let (key, value) = entry?;
            let key = key.value();
            if sealer
                .open(DECISIONS_NAME, key, "?", value.value())
                .is_err()
            {
                tracing::warn!("a remembered decision does not open with the data key; ignored");
                continue;
            }
            if let Some((source, record)) = key[lo.len()..].split_once(SEP) {
                if let Some(source) = Source::parse(source) {
                    out.insert((source, record.to_owned()));
                }
            }
        }
        Ok(out)
    }

    /// Whether, and why, this visitor is blocked.
    pub fn blocked(&self, identity: &str) -> Result<Option<Block>, StoreError> {
        let (Some(table), Some(sealer)) = (&self.blocked, &self.sealer) else {
            return Ok(None);
        };
        super::visits::read_block(table, sealer, &sealer.token(identity))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Key;

    #[test]
    fn decisions_are_keyed_by_token_and_sealed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.redb");
        let key = Key::generate();
        let store = Store::open_with_key(&path, &key).unwrap();
        let decided = Decided {
            at: "2026-11-23T08:00:00-05:00",
            by: "Ms Office",
        };
        let identity = "HENDERSON|WILLIAM|1970-05-14|1234";
        store
            .remember_not_a_match(identity, Source::Registry, "MO-1", &decided)
            .unwrap();
        let read = store.begin_read().unwrap();
        let remembered = Remembered::open(&read, store.sealer_arc()).unwrap();
        let cleared = remembered.cleared(identity).unwrap();
        assert!(cleared.contains(&(Source::Registry, "MO-1".to_owned())));
        assert!(remembered.cleared("SOMEONE ELSE").unwrap().is_empty());
        // without the key nothing is remembered
        let keyless = Remembered::open(&read, None).unwrap();
        assert!(keyless.cleared(identity).unwrap().is_empty());
        drop((read, remembered, keyless));
        // nothing of the person is stored in clear
        let table = store.begin_read().unwrap();
        let table = table.open_table(DECISIONS).unwrap();
        for entry in table.iter().unwrap() {
            let (k, v) = entry.unwrap();
            assert!(!k.value().contains("HENDERSON") && !v.value().contains("HENDERSON"));
            assert!(!v.value().contains("Ms Office"));
        }
        drop(table);
        assert!(!store.audit_lines().unwrap()[0].contains("HENDERSON"));
        assert_eq!(store.forget_decisions(identity, &decided).unwrap(), 1);
        // a store opened without the key refuses personal tables
        drop(store);
        let keyless = Store::open(&path).unwrap();
        assert!(matches!(
            keyless.remember_not_a_match(identity, Source::Registry, "MO-1", &decided),
            Err(StoreError::NoKey)
        ));
    }
}
