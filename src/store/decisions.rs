//! Remembered decisions: staff said this record is "not a match" for this visitor.
//!
//! Keyed by the visitor's identity key ([`crate::screening::identity_key`]: normalised name,
//! date of birth, last four of the document) plus the record, so the same person is not
//! stopped again by the same record, while a new record (or another person) still flags.
//! Every decision and every reset is appended to the `audit` table; the audit names the record
//! and a hash of the identity key, never the visitor's name.

use std::collections::HashSet;

use redb::{ReadOnlyTable, ReadTransaction, ReadableDatabase, ReadableTable};

use super::schema::{AUDIT, DECISIONS};
use super::screener::Source;
use super::{Store, StoreError};
use crate::screening::normalise::stable_hash;

const SEP: char = '\u{1f}';

fn decision_key(identity: &str, source: Source, record_id: &str) -> String {
    format!("{identity}{SEP}{}{SEP}{record_id}", source.as_str())
}

/// When and by whom, as the caller's edge knows it (the store reads no clock).
#[derive(Clone, Debug)]
pub struct Decided<'a> {
    pub at: &'a str,
    pub by: &'a str,
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
        let write = self.db().begin_write()?;
        let value =
            serde_json::json!({"decision": "not-a-match", "at": decided.at, "by": decided.by})
                .to_string();
        write.open_table(DECISIONS)?.insert(
            decision_key(identity, source, record_id).as_str(),
            value.as_str(),
        )?;
        append_audit(
            &write,
            serde_json::json!({
                "event": "not-a-match", "at": decided.at, "by": decided.by, "source": source.as_str(),
                "record_id": record_id, "identity": format!("{:016x}", stable_hash(identity)),
            }),
        )?;
        write.commit()?;
        Ok(())
    }

    /// Forgets every decision about this visitor; returns how many there were.
    pub fn forget_decisions(&self, identity: &str, decided: &Decided) -> Result<usize, StoreError> {
        let write = self.db().begin_write()?;
        let (lo, hi) = (format!("{identity}{SEP}"), format!("{identity}\u{20}"));
        let forgotten = {
            let mut table = write.open_table(DECISIONS)?;
            let keys: Vec<String> = table
                .range(lo.as_str()..hi.as_str())?
                .map(|e| e.map(|(k, _)| k.value().to_owned()))
                .collect::<Result<_, _>>()?;
            for key in &keys {
                table.remove(key.as_str())?;
            }
            keys.len() + usize::from(super::visits::unblock(&write, identity)?)
        };
        append_audit(
            &write,
            serde_json::json!({
                "event": "reset", "at": decided.at, "by": decided.by, "forgotten": forgotten,
                "identity": format!("{:016x}", stable_hash(identity)),
            }),
        )?;
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

pub(super) fn append_audit(
    write: &redb::WriteTransaction,
    event: serde_json::Value,
) -> Result<(), StoreError> {
    let mut audit = write.open_table(AUDIT)?;
    let next = audit.last()?.map(|(k, _)| k.value() + 1).unwrap_or(1);
    audit.insert(next, event.to_string().as_str())?;
    Ok(())
}

/// The decisions table of one snapshot, for screening.
pub struct Remembered(Option<ReadOnlyTable<&'static str, &'static str>>);

impl Remembered {
    pub fn open(read: &ReadTransaction) -> Result<Remembered, StoreError> {
        match read.open_table(DECISIONS) {
            Ok(t) => Ok(Remembered(Some(t))),
            Err(redb::TableError::TableDoesNotExist(_)) => Ok(Remembered(None)),
            Err(e) => Err(e.into()),
        }
    }

    /// The records staff already cleared for this visitor.
    pub fn cleared(&self, identity: &str) -> Result<HashSet<(Source, String)>, StoreError> {
        let mut out = HashSet::new();
        let Some(table) = &self.0 else { return Ok(out) };
        let (lo, hi) = (format!("{identity}{SEP}"), format!("{identity}\u{20}"));
        for entry in table.range(lo.as_str()..hi.as_str())? {
            let (key, _) = entry?;
            let rest = &key.value()[lo.len()..];
            if let Some((source, record)) = rest.split_once(SEP) {
                if let Some(source) = Source::parse(source) {
                    out.insert((source, record.to_owned()));
                }
            }
        }
        Ok(out)
    }
}
