//! The audit trail: append-only and hash-chained, so an edited, deleted or reordered line is
//! evident.
//!
//! Line `n` (numbered from 1, its key in the `audit` table) is one JSON object: the event's own
//! fields plus `seq` (= n), `prev` (line n-1's `hash`; 64 zeros for line 1) and `hash` =
//! hex SHA-256 of `prev` followed by the line's canonical bytes: the object without `hash`,
//! keys sorted, no spaces. `meta.audit_lines` counts the lines, so a trail cut short is evident
//! too. [`Store::verify_audit`] walks the chain.
//!
//! The chain is unkeyed: it proves the trail was not changed by editing the file, not that
//! whoever rewrote the whole chain from a point on could not. Lines hold no personal data
//! (visits by number, people by a short keyed token), so the trail is not encrypted.

use redb::{ReadableDatabase, ReadableTable};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::crypto::hex;
use super::schema::{AUDIT, META, META_AUDIT_LINES};
use super::{Store, StoreError};

/// `prev` of the first line.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What [`Store::verify_audit`] found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AuditCheck {
    /// Every line is present, in order, unaltered.
    Intact { lines: u64 },
    /// The first line that is missing, altered or out of place (numbered from 1).
    Broken { line: u64, reason: String },
}

/// Appends one event (a JSON object; anything else is wrapped as `{"value": ...}`) to the
/// trail inside `write`, chained to the line before it.
pub(crate) fn append_audit(
    write: &redb::WriteTransaction,
    event: serde_json::Value,
) -> Result<(), StoreError> {
    let mut audit = write.open_table(AUDIT)?;
    let (seq, prev) = match audit.last()? {
        Some((k, v)) => (k.value() + 1, stored_hash(v.value())),
        None => (1, GENESIS.to_owned()),
    };
    let mut object = match event {
        Value::Object(o) => o,
        other => Map::from_iter([("value".to_owned(), other)]),
    };
    for reserved in ["seq", "prev", "hash"] {
        object.remove(reserved);
    }
    object.insert("seq".into(), seq.into());
    object.insert("prev".into(), prev.clone().into());
    let hash = line_hash(&prev, &canonical(&Value::Object(object.clone())));
    object.insert("hash".into(), hash.into());
    audit.insert(seq, canonical(&Value::Object(object)).as_str())?;
    drop(audit);
    write.open_table(META)?.insert(META_AUDIT_LINES, seq)?;
    Ok(())
}

/// The `hash` a stored line carries; for a line written before the chain (none), the hash of
/// its text, so new lines still chain onto it.
fn stored_hash(line: &str) -> String {
    serde_json::from_str::<Value>(line)
        .ok()
        .and_then(|v| v.get("hash").and_then(Value::as_str).map(str::to_owned))
        .unwrap_or_else(|| line_hash(GENESIS, line))
}

/// Hex SHA-256 of `prev` then `canonical`.
pub fn line_hash(prev: &str, canonical: &str) -> String {
    let mut sha = Sha256::new();
    sha.update(prev.as_bytes());
    sha.update(canonical.as_bytes());
    hex(&sha.finalize())
}

/// Compact JSON with every object's keys sorted: the same value always gives the same bytes.
pub fn canonical(value: &Value) -> String {
    fn sorted(value: &Value) -> Value {
        match value {
            Value::Object(map) => {
                let mut keys: Vec<&String> = map.keys().collect();
                keys.sort();
                Value::Object(
                    keys.into_iter()
                        .map(|k| (k.clone(), sorted(&map[k])))
                        .collect(),
                )
            }
            Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
            other => other.clone(),
        }
    }
    sorted(value).to_string()
}

impl Store {
    /// Walks the audit chain from line 1 and reports the first line missing, altered or out of
    /// place.
    pub fn verify_audit(&self) -> Result<AuditCheck, StoreError> {
        let read = self.db().begin_read()?;
        let recorded = match read.open_table(META) {
            Ok(meta) => meta.get(META_AUDIT_LINES)?.map_or(0, |v| v.value()),
            Err(redb::TableError::TableDoesNotExist(_)) => 0,
            Err(e) => return Err(e.into()),
        };
        let table = match read.open_table(AUDIT) {
            Ok(t) => Some(t),
            Err(redb::TableError::TableDoesNotExist(_)) => None,
            Err(e) => return Err(e.into()),
        };
        let broken = |line: u64, reason: &str| {
            Ok(AuditCheck::Broken {
                line,
                reason: reason.to_owned(),
            })
        };
        let mut expected = 1u64;
        let mut prev = GENESIS.to_owned();
        if let Some(table) = &table {
            for entry in table.iter()? {
                let (key, text) = entry?;
                if key.value() != expected {
                    return broken(expected, "is missing");
                }
                let Ok(Value::Object(mut object)) = serde_json::from_str::<Value>(text.value())
                else {
                    return broken(expected, "is not a JSON object");
                };
                let Some(Value::String(hash)) = object.remove("hash") else {
                    return broken(expected, "carries no hash (written before the chain?)");
                };
                if object.get("prev").and_then(Value::as_str) != Some(prev.as_str()) {
                    return broken(
                        expected,
                        if expected == 1 {
                            "does not start the chain (its prev is not the genesis hash)"
                        } else {
                            "does not follow the line before it (its prev differs): a line was removed or moved"
                        },
                    );
                }
                if object.get("seq").and_then(Value::as_u64) != Some(expected) {
                    return broken(expected, "carries another line's number: lines were moved");
                }
                if line_hash(&prev, &canonical(&Value::Object(object))) != hash {
                    return broken(
                        expected,
                        "was altered (its hash does not match its content)",
                    );
                }
                prev = hash;
                expected += 1;
            }
        }
        if recorded >= expected {
            return broken(expected, "is missing (the trail ends early)");
        }
        Ok(AuditCheck::Intact {
            lines: expected - 1,
        })
    }
}

/// What [`Store::rechain_audit`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rechained {
    /// Lines written before the chain existed, now chained (0: the trail was chained already,
    /// and nothing was written).
    pub legacy: u64,
    /// Lines in the trail afterwards, the `audit-rechained` line included.
    pub lines: u64,
}

/// Why a trail cannot be rechained: the chained part must verify first, or rechaining would
/// hide a change to it.
fn refuse(line: u64, reason: &str) -> StoreError {
    StoreError::BadFile(format!(
        "audit line {line} {reason}: the trail is not rechained (only lines written before the chain may be)"
    ))
}

/// The stored lines, in key order: `(key, text)`.
fn stored_lines(write: &redb::WriteTransaction) -> Result<Vec<(u64, String)>, StoreError> {
    let table = write.open_table(AUDIT)?;
    let lines = table
        .iter()?
        .map(|e| e.map(|(k, v)| (k.value(), v.value().to_owned())))
        .collect::<Result<_, _>>()?;
    Ok(lines)
}

/// The event fields of a stored line (chain fields dropped); a line that is not a JSON object
/// keeps its text under `text`.
fn event_of(text: &str) -> Map<String, Value> {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(mut object)) => {
            for reserved in ["seq", "prev", "hash"] {
                object.remove(reserved);
            }
            object
        }
        _ => Map::from_iter([("text".to_owned(), Value::String(text.to_owned()))]),
    }
}

/// Checks that the trail is legacy lines (no `hash`) first, numbered 1..=k, then lines chained
/// onto them that verify; returns k.
fn legacy_prefix(lines: &[(u64, String)], recorded: u64) -> Result<u64, StoreError> {
    let mut legacy = 0u64;
    let mut prev: Option<String> = None;
    for (n, (key, text)) in (1u64..).zip(lines) {
        if *key != n {
            return Err(refuse(n, "is missing"));
        }
        let object = match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(o)) => Some(o),
            _ => None,
        };
        let hash = object
            .as_ref()
            .and_then(|o| o.get("hash"))
            .and_then(Value::as_str);
        let (Some(mut object), Some(hash)) = (object.clone(), hash.map(str::to_owned)) else {
            if prev.is_some() {
                return Err(refuse(n, "carries no hash after chained lines"));
            }
            legacy = n;
            continue;
        };
        object.remove("hash");
        let before = (n as usize).checked_sub(2).and_then(|i| lines.get(i));
        let expected_prev = prev.unwrap_or_else(|| match before {
            Some((_, before)) => line_hash(GENESIS, before),
            None => GENESIS.to_owned(),
        });
        if object.get("prev").and_then(Value::as_str) != Some(expected_prev.as_str())
            || object.get("seq").and_then(Value::as_u64) != Some(n)
            || line_hash(&expected_prev, &canonical(&Value::Object(object))) != hash
        {
            return Err(refuse(n, "does not verify"));
        }
        prev = Some(hash);
    }
    let total = lines.len() as u64;
    if recorded > total {
        return Err(refuse(total + 1, "is missing (the trail ends early)"));
    }
    Ok(legacy)
}

impl Store {
    /// Chains the audit lines written before the hash chain existed, once: the whole trail is
    /// rewritten from line 1 with `seq`, `prev` and `hash` (every event's fields kept), and an
    /// `audit-rechained` line (at `at`, naming how many lines were chained after the fact) is
    /// appended, in ONE transaction. Refused when any chained line does not verify: rechaining
    /// must not hide a change. A trail with no legacy line is left as it is.
    pub fn rechain_audit(&self, at: &str) -> Result<Rechained, StoreError> {
        let write = self.db().begin_write()?;
        let lines = stored_lines(&write)?;
        let recorded = write
            .open_table(META)?
            .get(META_AUDIT_LINES)?
            .map_or(0, |v| v.value());
        let legacy = legacy_prefix(&lines, recorded)?;
        if legacy == 0 {
            return Ok(Rechained {
                legacy: 0,
                lines: lines.len() as u64,
            });
        }
        let previous_head = lines
            .last()
            .map(|(_, text)| stored_hash(text))
            .unwrap_or_default();
        {
            let mut table = write.open_table(AUDIT)?;
            for (key, _) in &lines {
                table.remove(*key)?;
            }
        }
        for (_, text) in &lines {
            append_audit(&write, Value::Object(event_of(text)))?;
        }
        append_audit(
            &write,
            serde_json::json!({
                "event": "audit-rechained", "at": at, "legacy_lines": legacy,
                "lines": lines.len(), "previous_head": previous_head,
            }),
        )?;
        write.commit()?;
        Ok(Rechained {
            legacy,
            lines: lines.len() as u64 + 1,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_sorts_keys_at_every_level() {
        let v: Value =
            serde_json::from_str(r#"{"b":1,"a":{"d":[{"z":1,"y":2}],"c":"x"}}"#).unwrap();
        assert_eq!(
            canonical(&v),
            r#"{"a":{"c":"x","d":[{"y":2,"z":1}]},"b":1}"#
        );
    }

    #[test]
    fn appended_lines_chain_and_verify() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("a.redb")).unwrap();
        assert_eq!(
            store.verify_audit().unwrap(),
            AuditCheck::Intact { lines: 0 }
        );
        store.audit(serde_json::json!({"event": "one"})).unwrap();
        store
            .audit(serde_json::json!({"event": "two", "hash": "forged"}))
            .unwrap();
        let lines = store.audit_lines().unwrap();
        let first: Value = serde_json::from_str(&lines[0]).unwrap();
        let second: Value = serde_json::from_str(&lines[1]).unwrap();
        assert_eq!(first["prev"], GENESIS);
        assert_eq!(second["prev"], first["hash"]);
        assert_eq!(second["seq"], 2);
        assert_ne!(second["hash"], "forged");
        assert_eq!(
            store.verify_audit().unwrap(),
            AuditCheck::Intact { lines: 2 }
        );
    }
}
