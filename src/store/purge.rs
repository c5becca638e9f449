//! Keeping personal records no longer than needed, and under a key that can be changed.
//!
//! - [`Store::purge`]: retention. Visits signed in before a cutoff go, and, when the school's
//!   policy sets one, decisions (and blocks) made before theirs; one transaction, one audit
//!   line with counts only.
//! - [`Store::rotate_key`]: a new data key. Order, so that a crash at any point loses nothing:
//!   1. the new key is written to `<key file>.new` (0600, synced);
//!   2. every personal record is re-sealed (and re-keyed: tokens derive from the key) under it,
//!      and `meta.data_key_id` set to its fingerprint, in ONE write transaction;
//!   3. `<key file>.new` is renamed over the key file (directory synced).
//!
//!   A crash before 2 commits leaves the old key and the old records; the next
//!   [`Store::open_personal`] deletes the stray `.new`. A crash between 2 and 3 leaves records
//!   sealed under the key in `.new`, whose fingerprint the database names: the next open
//!   finishes the rename.

use std::path::Path;
use std::sync::Arc;

use redb::ReadableTable;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::crypto::{self, is_sealed, Key, KeyWrap, Sealer};
use super::decisions::{append_audit, SealedDecision};
use super::schema::{
    meta_value, BLOCKED, BLOCKED_NAME, DECISIONS, DECISIONS_NAME, META, META_DATA_KEY_ID,
    META_NEXT_VISIT, VISITS, VISITS_NAME,
};
use super::visits::{open_visit, Block, SealedBlock, StoredVisit};
use super::{Store, StoreError};

const SEP: char = '\u{1f}';

/// What a purge deleted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PurgeSummary {
    pub visits: u64,
    pub decisions: u64,
    pub blocks: u64,
    /// Students' late arrivals and early dismissals (kept as long as visits).
    pub student_events: u64,
    /// Invitations whose last valid day is older than the visits kept.
    pub invitations: u64,
}

/// The times a policy purge deleted records before.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cutoffs {
    pub visits: OffsetDateTime,
    /// `None`: decisions are kept.
    pub decisions: Option<OffsetDateTime>,
}

/// What a key rotation (or the first sealing of records written in clear) re-sealed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ResealSummary {
    pub visits: u64,
    pub decisions: u64,
    pub blocks: u64,
    pub invitations: u64,
}

/// The key in `file`, after finishing or undoing a rotation a crash interrupted; a new key
/// when the file is missing and nothing is sealed yet.
pub(super) fn load_key_file(store: &Store, file: &Path, wrap: &KeyWrap) -> Result<Key, StoreError> {
    let expected = meta_value(&store.db(), META_DATA_KEY_ID)?;
    let pending = crypto::pending(file);
    if pending.exists() {
        match Key::read_wrapped(&pending, wrap) {
            Ok(new) if expected != 0 && new.id() == expected => {
                tracing::warn!("finishing a key rotation that was interrupted");
                crypto::replace(&pending, file)?;
            }
            _ => {
                tracing::warn!("removing a key rotation that never committed");
                std::fs::remove_file(&pending).map_err(|e| StoreError::Key {
                    path: pending.display().to_string(),
                    reason: format!("cannot remove: {e}"),
                })?;
            }
        }
    }
    if !file.exists() {
        if expected != 0 {
            return Err(StoreError::Key {
                path: file.display().to_string(),
                reason: format!(
                    "is missing, and this database's personal records are sealed under key \
                     {expected:016x}: restore the key file"
                ),
            });
        }
        Key::generate().write_new_wrapped(file, wrap)?;
    }
    Key::read_wrapped(file, wrap)
}

/// The first time a database gets a key: seals any record written before encryption (keys
/// holding identity keys become tokens) and stamps the key's fingerprint.
pub(super) fn seal_clear_records(store: &Store, sealer: &Sealer) -> Result<(), StoreError> {
    let write = store.db().begin_write()?;
    let mut sealed = ResealSummary::default();
    {
        let mut visits = write.open_table(VISITS)?;
        let clear: Vec<(u32, String)> = visits
            .iter()?
            .map(|e| e.map(|(k, v)| (k.value(), v.value().to_owned())))
            .filter(|e| e.as_ref().map_or(true, |(_, v)| !is_sealed(v)))
            .collect::<Result<_, _>>()?;
        for (number, text) in clear {
            let value = sealer.seal(VISITS_NAME, &number.to_string(), text.as_bytes());
            visits.insert(number, value.as_str())?;
            sealed.visits += 1;
        }
        let mut decisions = write.open_table(DECISIONS)?;
        for (key, text) in clear_rows(&decisions)? {
            decisions.remove(key.as_str())?;
            let (Some((identity, rest)), Ok(old)) = (
                key.split_once(SEP),
                serde_json::from_str::<serde_json::Value>(&text),
            ) else {
                continue;
            };
            let field = |f: &str| old[f].as_str().unwrap_or_default().to_owned();
            let value = SealedDecision {
                identity: identity.to_owned(),
                decision: field("decision"),
                at: field("at"),
                by: field("by"),
            };
            let new_key = format!("{}{SEP}{rest}", sealer.token(identity));
            let json = serde_json::to_string(&value).expect("decisions serialise");
            let value = sealer.seal(DECISIONS_NAME, &new_key, json.as_bytes());
            decisions.insert(new_key.as_str(), value.as_str())?;
            sealed.decisions += 1;
        }
        let mut blocked = write.open_table(BLOCKED)?;
        for (identity, text) in clear_rows(&blocked)? {
            blocked.remove(identity.as_str())?;
            let Ok(block) = serde_json::from_str::<Block>(&text) else {
                continue;
            };
            let token = sealer.token(&identity);
            let json =
                serde_json::to_string(&SealedBlock { identity, block }).expect("blocks serialise");
            let value = sealer.seal(BLOCKED_NAME, &token, json.as_bytes());
            blocked.insert(token.as_str(), value.as_str())?;
            sealed.blocks += 1;
        }
        write
            .open_table(META)?
            .insert(META_DATA_KEY_ID, sealer.key_id())?;
    }
    if sealed != ResealSummary::default() {
        append_audit(
            &write,
            serde_json::json!({
                "event": "records-sealed", "visits": sealed.visits,
                "decisions": sealed.decisions, "blocks": sealed.blocks,
            }),
        )?;
    }
    write.commit()?;
    Ok(())
}

fn clear_rows(
    table: &redb::Table<&'static str, &'static str>,
) -> Result<Vec<(String, String)>, StoreError> {
    let mut rows = Vec::new();
    for entry in table.iter()? {
        let (k, v) = entry?;
        if !is_sealed(v.value()) {
            rows.push((k.value().to_owned(), v.value().to_owned()));
        }
    }
    Ok(rows)
}

fn all_rows(
    table: &redb::Table<&'static str, &'static str>,
) -> Result<Vec<(String, String)>, StoreError> {
    let mut rows = Vec::new();
    for entry in table.iter()? {
        let (k, v) = entry?;
        rows.push((k.value().to_owned(), v.value().to_owned()));
    }
    Ok(rows)
}

fn parse_time(text: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(text, &Rfc3339).ok()
}

impl Store {
    /// Writes a new data key beside `key_file`, re-seals every personal record under it in one
    /// transaction, then renames it over `key_file` (see the module documentation for why a
    /// crash at any point loses nothing). `at` is the audit line's time.
    pub fn rotate_key(&mut self, key_file: &Path, at: &str) -> Result<ResealSummary, StoreError> {
        self.rotate_key_wrapped(key_file, at, &KeyWrap::None)
    }

    /// [`Store::rotate_key`], the new key stored wrapped as `wrap` says.
    pub fn rotate_key_wrapped(
        &mut self,
        key_file: &Path,
        at: &str,
        wrap: &KeyWrap,
    ) -> Result<ResealSummary, StoreError> {
        self.sealer()?;
        let pending = crypto::pending(key_file);
        if pending.exists() {
            std::fs::remove_file(&pending).map_err(|e| StoreError::Key {
                path: pending.display().to_string(),
                reason: format!("cannot remove a stale rotation: {e}"),
            })?;
        }
        let new = Key::generate();
        new.write_new_wrapped(&pending, wrap)?;
        let summary = match self.reseal(&new, at) {
            Ok(s) => s,
            Err(e) => {
                let _ = std::fs::remove_file(&pending);
                return Err(e);
            }
        };
        crypto::replace(&pending, key_file)?;
        Ok(summary)
    }

    /// Step 2 of [`Store::rotate_key`] alone: re-seals and re-keys every personal record under
    /// `new` in ONE write transaction and records its fingerprint. The caller keeps the key
    /// file in step. Refuses (changing nothing) if any record does not open with the current
    /// key, naming it.
    pub fn reseal(&mut self, new: &Key, at: &str) -> Result<ResealSummary, StoreError> {
        let old = self.sealer()?.clone();
        let sealer = Sealer::new(new);
        let mut summary = ResealSummary::default();
        let write = self.db().begin_write()?;
        {
            let mut visits = write.open_table(VISITS)?;
            let rows: Vec<(u32, String)> = visits
                .iter()?
                .map(|e| e.map(|(k, v)| (k.value(), v.value().to_owned())))
                .collect::<Result<_, _>>()?;
            for (number, text) in rows {
                let label = number.to_string();
                let plain = old.open(VISITS_NAME, &label, &label, &text)?;
                let value = sealer.seal(VISITS_NAME, &label, &plain);
                visits.insert(number, value.as_str())?;
                summary.visits += 1;
            }
            let mut decisions = write.open_table(DECISIONS)?;
            let rows = all_rows(&decisions)?;
            for (key, _) in &rows {
                decisions.remove(key.as_str())?;
            }
            for (n, (key, text)) in rows.iter().enumerate() {
                let label = format!("{} (of {})", n + 1, rows.len());
                let plain = old.open(DECISIONS_NAME, key, &label, text)?;
                let decision: SealedDecision =
                    serde_json::from_slice(&plain).map_err(|_| StoreError::Unseal {
                        table: DECISIONS_NAME,
                        record: label.clone(),
                    })?;
                let rest = key.split_once(SEP).map_or("", |(_, r)| r);
                let new_key = format!("{}{SEP}{rest}", sealer.token(&decision.identity));
                let value = sealer.seal(DECISIONS_NAME, &new_key, &plain);
                decisions.insert(new_key.as_str(), value.as_str())?;
                summary.decisions += 1;
            }
            let mut blocked = write.open_table(BLOCKED)?;
            let rows = all_rows(&blocked)?;
            for (key, _) in &rows {
                blocked.remove(key.as_str())?;
            }
            for (n, (key, text)) in rows.iter().enumerate() {
                let label = format!("{} (of {})", n + 1, rows.len());
                let plain = old.open(BLOCKED_NAME, key, &label, text)?;
                let block: SealedBlock =
                    serde_json::from_slice(&plain).map_err(|_| StoreError::Unseal {
                        table: BLOCKED_NAME,
                        record: label.clone(),
                    })?;
                let token = sealer.token(&block.identity);
                let value = sealer.seal(BLOCKED_NAME, &token, &plain);
                blocked.insert(token.as_str(), value.as_str())?;
                summary.blocks += 1;
            }
            // Alerts still waiting for delivery carry names too, as do invitations and the
            // student roster with its sign-in/out events.
            super::outbox::reseal_outbox(&write, &old, &sealer)?;
            summary.invitations = super::invitations::reseal_invitations(&write, &old, &sealer)?;
            super::students::reseal_students(&write, &old, &sealer)?;
            super::kiosk_state::reseal_kiosk_state(&write, &old, &sealer)?;
            write
                .open_table(META)?
                .insert(META_DATA_KEY_ID, sealer.key_id())?;
        }
        append_audit(
            &write,
            serde_json::json!({
                "event": "key-rotated", "at": at, "key": format!("{:016x}", sealer.key_id()),
                "visits": summary.visits, "decisions": summary.decisions, "blocks": summary.blocks,
            }),
        )?;
        write.commit()?;
        self.sealer = Some(Arc::new(sealer));
        Ok(summary)
    }

    /// The school's retention policy as of `now`: visits signed in more than
    /// `retention_days` ago go, and decisions and blocks made more than
    /// `decisions_retention_days` ago when that is not 0 ([`Store::purge`]).
    pub fn purge_by_policy(
        &self,
        retention_days: u32,
        decisions_retention_days: u32,
        now: OffsetDateTime,
    ) -> Result<(PurgeSummary, Cutoffs), StoreError> {
        let days = |d: u32| time::Duration::days(i64::from(d));
        let cutoffs = Cutoffs {
            visits: now - days(retention_days),
            decisions: (decisions_retention_days > 0).then(|| now - days(decisions_retention_days)),
        };
        let at = now.format(&Rfc3339).unwrap_or_default();
        let summary = self.purge(cutoffs.visits, cutoffs.decisions, &at)?;
        Ok((summary, cutoffs))
    }

    /// Deletes the visits signed in before `visits_before` and, when given, the decisions and
    /// blocks made before `decisions_before`, in one transaction, and audits the counts. A
    /// record that does not open, or whose time does not parse, is kept. Visit numbers keep
    /// counting up from the highest ever given.
    pub fn purge(
        &self,
        visits_before: OffsetDateTime,
        decisions_before: Option<OffsetDateTime>,
        at: &str,
    ) -> Result<PurgeSummary, StoreError> {
        let sealer = self.sealer()?;
        let next_visit = self.next_visit_number()?;
        let mut summary = PurgeSummary::default();
        let write = self.db().begin_write()?;
        {
            let mut visits = write.open_table(VISITS)?;
            let mut old = Vec::new();
            for entry in visits.iter()? {
                let (number, text) = entry?;
                let visit: Option<StoredVisit> = open_visit(sealer, number.value(), text.value());
                if visit
                    .and_then(|v| parse_time(&v.signed_in))
                    .is_some_and(|t| t < visits_before)
                {
                    old.push(number.value());
                }
            }
            for number in &old {
                visits.remove(*number)?;
            }
            summary.visits = old.len() as u64;
            summary.student_events =
                super::students::purge_student_events(&write, sealer, visits_before)?;
            summary.invitations =
                super::invitations::purge_invitations(&write, sealer, visits_before.date())?;
            write
                .open_table(META)?
                .insert(META_NEXT_VISIT, u64::from(next_visit))?;
            if let Some(cutoff) = decisions_before {
                let old_enough = |at: &str| parse_time(at).is_some_and(|t| t < cutoff);
                let mut decisions = write.open_table(DECISIONS)?;
                for (key, text) in all_rows(&decisions)? {
                    let decision = sealer
                        .open(DECISIONS_NAME, &key, "?", &text)
                        .ok()
                        .and_then(|p| serde_json::from_slice::<SealedDecision>(&p).ok());
                    if decision.is_some_and(|d| old_enough(&d.at)) {
                        decisions.remove(key.as_str())?;
                        summary.decisions += 1;
                    }
                }
                let mut blocked = write.open_table(BLOCKED)?;
                for (key, text) in all_rows(&blocked)? {
                    let block = sealer
                        .open(BLOCKED_NAME, &key, "?", &text)
                        .ok()
                        .and_then(|p| serde_json::from_slice::<SealedBlock>(&p).ok());
                    if block.is_some_and(|b| old_enough(&b.block.at)) {
                        blocked.remove(key.as_str())?;
                        summary.blocks += 1;
                    }
                }
            }
        }
        let format = |t: OffsetDateTime| t.format(&Rfc3339).unwrap_or_default();
        append_audit(
            &write,
            serde_json::json!({
                "event": "purge", "at": at, "visits_before": format(visits_before),
                "decisions_before": decisions_before.map(format),
                "visits": summary.visits, "decisions": summary.decisions, "blocks": summary.blocks,
                "student_events": summary.student_events, "invitations": summary.invitations,
            }),
        )?;
        write.commit()?;
        Ok(summary)
    }
}
