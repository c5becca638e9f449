//! Visits (sign-in, sign-out) and the people staff blocked, kept in the store so a restart
//! loses neither who is in the building nor who must not come back.
//!
//! A visit carries the visitor's name for the roster and the evacuation list; nothing else
//! from the ID. Audit lines name visits by number, never by name.

use redb::{ReadableDatabase, ReadableTable};
use serde::{Deserialize, Serialize};

use super::decisions::{append_audit, Decided};
use super::schema::{BLOCKED, VISITS};
use super::screener::Source;
use super::{Store, StoreError};
use crate::screening::normalise::stable_hash;

/// One visit as the store keeps it. Times are RFC 3339 with the kiosk's offset.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredVisit {
    pub visit: u32,
    pub signed_in: String,
    pub visitor_name: String,
    pub purpose: String,
    pub destination: String,
    /// No ID: lobby only.
    pub no_id: bool,
    pub cleared_by: Option<String>,
    pub signed_out: Option<String>,
}

// Personal data must not reach logs through `{:?}`.
impl std::fmt::Debug for StoredVisit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredVisit")
            .field("visit", &self.visit)
            .finish_non_exhaustive()
    }
}

/// Why a person is blocked: the record staff confirmed and the decision that blocked them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Block {
    pub source: String,
    pub record_id: String,
    pub at: String,
    pub by: String,
}

impl Store {
    /// Saves a new visit (or replaces one with the same number).
    pub fn save_visit(&self, visit: &StoredVisit) -> Result<(), StoreError> {
        let write = self.db().begin_write()?;
        let json = serde_json::to_string(visit).expect("visits serialise");
        write
            .open_table(VISITS)?
            .insert(visit.visit, json.as_str())?;
        write.commit()?;
        Ok(())
    }

    /// Records that the visitor left; `None` when no such visit is in the building (an old
    /// badge, or one already scanned out).
    pub fn sign_out(&self, visit: u32, at: &str) -> Result<Option<StoredVisit>, StoreError> {
        let write = self.db().begin_write()?;
        let signed_out = {
            let mut table = write.open_table(VISITS)?;
            let stored = table
                .get(visit)?
                .and_then(|v| serde_json::from_str::<StoredVisit>(v.value()).ok());
            match stored {
                Some(mut v) if v.signed_out.is_none() => {
                    v.signed_out = Some(at.to_owned());
                    let json = serde_json::to_string(&v).expect("visits serialise");
                    table.insert(visit, json.as_str())?;
                    Some(v)
                }
                _ => None,
            }
        };
        write.commit()?;
        Ok(signed_out)
    }

    /// Every visit, oldest first.
    pub fn visits(&self) -> Result<Vec<StoredVisit>, StoreError> {
        let read = self.db().begin_read()?;
        let table = match read.open_table(VISITS) {
            Ok(t) => t,
            Err(redb::TableError::TableDoesNotExist(_)) => return Ok(Vec::new()),
            Err(e) => return Err(e.into()),
        };
        let mut visits = Vec::new();
        for entry in table.iter()? {
            if let Ok(v) = serde_json::from_str(entry?.1.value()) {
                visits.push(v);
            }
        }
        Ok(visits)
    }

    /// Who is in the building: signed in, not signed out.
    pub fn in_building(&self) -> Result<Vec<StoredVisit>, StoreError> {
        let mut visits = self.visits()?;
        visits.retain(|v| v.signed_out.is_none());
        Ok(visits)
    }

    /// The number the next visit takes: visit numbers never repeat across restarts.
    pub fn next_visit_number(&self) -> Result<u32, StoreError> {
        let read = self.db().begin_read()?;
        match read.open_table(VISITS) {
            Ok(t) => Ok(t.last()?.map_or(1, |(k, _)| k.value() + 1)),
            Err(redb::TableError::TableDoesNotExist(_)) => Ok(1),
            Err(e) => Err(e.into()),
        }
    }

    /// Appends one line to the audit trail.
    pub fn audit(&self, event: serde_json::Value) -> Result<(), StoreError> {
        let write = self.db().begin_write()?;
        append_audit(&write, event)?;
        write.commit()?;
        Ok(())
    }

    /// "Allow once and block": staff confirmed this person is `record_id` and let them in
    /// this once; from now on every check-in of theirs goes to staff as blocked.
    pub fn block_person(
        &self,
        identity: &str,
        source: Source,
        record_id: &str,
        decided: &Decided,
    ) -> Result<(), StoreError> {
        let write = self.db().begin_write()?;
        let block = Block {
            source: source.as_str().to_owned(),
            record_id: record_id.to_owned(),
            at: decided.at.to_owned(),
            by: decided.by.to_owned(),
        };
        let json = serde_json::to_string(&block).expect("blocks serialise");
        write.open_table(BLOCKED)?.insert(identity, json.as_str())?;
        append_audit(
            &write,
            serde_json::json!({
                "event": "blocked", "at": decided.at, "by": decided.by, "source": source.as_str(),
                "record_id": record_id, "identity": format!("{:016x}", stable_hash(identity)),
            }),
        )?;
        write.commit()?;
        Ok(())
    }

    /// Whether, and why, this person is blocked.
    pub fn blocked(&self, identity: &str) -> Result<Option<Block>, StoreError> {
        let read = self.db().begin_read()?;
        blocked_in(&read, identity)
    }
}

pub(super) fn blocked_in(
    read: &redb::ReadTransaction,
    identity: &str,
) -> Result<Option<Block>, StoreError> {
    let table = match read.open_table(BLOCKED) {
        Ok(t) => t,
        Err(redb::TableError::TableDoesNotExist(_)) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    Ok(table
        .get(identity)?
        .and_then(|v| serde_json::from_str(v.value()).ok()))
}

/// Forgets a block as part of resetting a person's decisions; returns whether there was one.
pub(super) fn unblock(write: &redb::WriteTransaction, identity: &str) -> Result<bool, StoreError> {
    let mut table = write.open_table(BLOCKED)?;
    let removed = table.remove(identity)?.is_some();
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn visit(n: u32) -> StoredVisit {
        StoredVisit {
            visit: n,
            signed_in: "2026-11-23T08:00:00-05:00".into(),
            visitor_name: format!("Visitor {n}"),
            purpose: "Visitor".into(),
            destination: "Library".into(),
            no_id: false,
            cleared_by: None,
            signed_out: None,
        }
    }

    #[test]
    fn visits_survive_reopening_and_sign_out_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v.redb");
        {
            let store = Store::open(&path).unwrap();
            assert_eq!(store.next_visit_number().unwrap(), 1);
            store.save_visit(&visit(1)).unwrap();
            store.save_visit(&visit(2)).unwrap();
        }
        let store = Store::open(&path).unwrap();
        assert_eq!(store.next_visit_number().unwrap(), 3);
        let out = store.sign_out(1, "2026-11-23T09:00:00-05:00").unwrap();
        assert_eq!(out.unwrap().visitor_name, "Visitor 1");
        assert!(store.sign_out(1, "later").unwrap().is_none(), "only once");
        assert!(
            store.sign_out(9, "later").unwrap().is_none(),
            "unknown visit"
        );
        let inside: Vec<u32> = store
            .in_building()
            .unwrap()
            .iter()
            .map(|v| v.visit)
            .collect();
        assert_eq!(inside, vec![2]);
    }

    #[test]
    fn a_block_is_kept_audited_and_forgotten_by_a_reset() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("b.redb")).unwrap();
        let decided = Decided {
            at: "2026-11-23T08:00:00-05:00",
            by: "Ms Office",
        };
        store
            .block_person("KEY", Source::Registry, "VA-0001", &decided)
            .unwrap();
        assert_eq!(store.blocked("KEY").unwrap().unwrap().record_id, "VA-0001");
        assert!(store.blocked("OTHER").unwrap().is_none());
        assert!(store.audit_lines().unwrap()[0].contains("\"blocked\""));
        store.forget_decisions("KEY", &decided).unwrap();
        assert!(store.blocked("KEY").unwrap().is_none());
    }
}
