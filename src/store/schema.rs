//! Table definitions and the schema version.
//!
//! | table | key | value |
//! | --- | --- | --- |
//! | `meta` | name | u64 (`schema_version`, `registry_rows`, `registry_people`, `watchlist_entries`) |
//! | `registry_rows` | row id | one name row, [`encode_row`], then [`RegistryExtras`] |
//! | `index_terms` | term | term id |
//! | `index_neighbours` | FNV-1a hash of a deletion key | packed term ids and texts |
//! | `index_postings` | term id | packed `(dob key, row id)` sorted by date of birth |
//! | `watchlist` | entry number | one watchlist entry, [`encode_row`] + list, action, note |
//! | `decisions` | identity token, source, record id | sealed JSON: identity, decision, when, by whom |
//! | `audit` | sequence | one JSON line per event, hash-chained (`seq`, `prev`, `hash`) |
//! | `visits` | visit number | sealed JSON ([`super::visits::StoredVisit`]) |
//! | `blocked` | identity token | sealed JSON: identity and the block |
//! | `outbox` | entry number | sealed JSON: idempotency key and message ([`super::outbox`]) |
//! | `outbox_due` | entry number | `(next_at_ms, attempts, channel, created_ms)`, in clear |
//! | `students` | student-id token | sealed JSON: the student (SIS roster, issue 8) |
//! | `guardians` | guardian number | sealed JSON: the guardian's name |
//! | `student_events` | event number | sealed JSON: a late arrival or early dismissal |
//! | `invitations` | invitation id (16 hex) | sealed JSON: the invitation, its token, screening at issue ([`super::invitations`]) |
//! | `invitation_revocations` | invitation id | JSON: when and by whom, in clear (no personal data) |
//!
//! "Sealed": AES-256-GCM under the data key ([`super::crypto`]); "identity token": HMAC-SHA256
//! of the identity key under a key derived from the data key. `meta` also holds
//! `data_key_id` (the data key's fingerprint) and `audit_lines` (how many audit lines exist).

use redb::{Database, ReadableDatabase, TableDefinition};
use time::Date;

use super::StoreError;
use crate::identity::Sex;
use crate::screening::index::{pack_neighbours, read_ids};
use crate::screening::NameRow;

/// 1: staff-facing details in their own `registry_details` table keyed by record id.
/// 2: details carried by the primary row itself, aliases point at their primary (a smaller file:
///    the old table, inserted in record-id order, was half empty); deletion keys carry their
///    terms' text (one lookup a neighbour instead of two), the term-text table is gone.
pub const SCHEMA_VERSION: u64 = 2;

pub const META: TableDefinition<&str, u64> = TableDefinition::new("meta");
pub const REGISTRY_ROWS: TableDefinition<u32, &[u8]> = TableDefinition::new("registry_rows");
/// Schema 1 only (see [`migrate`]).
pub const REGISTRY_DETAILS_V1: TableDefinition<&str, &str> =
    TableDefinition::new("registry_details");
pub const TERMS: TableDefinition<&str, u32> = TableDefinition::new("index_terms");
/// Schema 1 only: term text by id, and deletion keys -> bare term ids (see [`migrate`]).
pub const TERM_TEXT_V1: TableDefinition<u32, &str> = TableDefinition::new("index_term_text");
pub const DELETIONS_V1: TableDefinition<u64, &[u8]> = TableDefinition::new("index_deletions");
/// Deletion key hash -> the terms with that key, id and text ([`pack_neighbours`]).
pub const DELETIONS: TableDefinition<u64, &[u8]> = TableDefinition::new("index_neighbours");
pub const POSTINGS: TableDefinition<u32, &[u8]> = TableDefinition::new("index_postings");
pub const WATCHLIST: TableDefinition<u32, &[u8]> = TableDefinition::new("watchlist");
pub const DECISIONS: TableDefinition<&str, &str> = TableDefinition::new("decisions");
pub const AUDIT: TableDefinition<u64, &str> = TableDefinition::new("audit");
/// Tables added since schema 2 without a migration: a file without them reads as empty.
/// Visit number -> the visit ([`super::visits::StoredVisit`], JSON, sealed).
pub const VISITS: TableDefinition<u32, &str> = TableDefinition::new("visits");
/// Identity token -> why the person is blocked ("allow once and block"), JSON, sealed.
pub const BLOCKED: TableDefinition<&str, &str> = TableDefinition::new("blocked");
/// The SIS roster (issue 8), replaced whole by `vestibule sis import`: keyed student-id token ->
/// sealed [`crate::sis::Student`]; guardian number -> sealed [`crate::sis::Guardian`]; event
/// number -> sealed [`super::students::StudentEvent`] (late arrivals, early dismissals).
pub const STUDENTS: TableDefinition<&str, &str> = TableDefinition::new("students");
pub const GUARDIANS: TableDefinition<u32, &str> = TableDefinition::new("guardians");
pub const STUDENT_EVENTS: TableDefinition<u64, &str> = TableDefinition::new("student_events");
pub const STUDENTS_NAME: &str = "students";
pub const GUARDIANS_NAME: &str = "guardians";
pub const STUDENT_EVENTS_NAME: &str = "student_events";
/// Pre-registered visitors (issue 8): invitation id -> sealed [`super::invitations::StoredInvitation`];
/// invitation id -> its revocation (when, by whom; no personal data, so in clear).
pub const INVITATIONS: TableDefinition<&str, &str> = TableDefinition::new("invitations");
pub const INVITATION_REVOCATIONS: TableDefinition<&str, &str> =
    TableDefinition::new("invitation_revocations");
pub const INVITATIONS_NAME: &str = "invitations";
/// `<invitation id>/<kiosk-local date>` -> the visit it admitted that day: an invitation admits
/// its person once a day (ids, a date and a visit number: nothing personal, so in clear).
pub const INVITATION_USES: TableDefinition<&str, u32> = TableDefinition::new("invitation_uses");
/// The personal tables' names, the associated data their sealed values are bound to.
pub const VISITS_NAME: &str = "visits";
pub const DECISIONS_NAME: &str = "decisions";
pub const BLOCKED_NAME: &str = "blocked";
/// `meta` keys: the data key's fingerprint, and how many lines the audit trail holds.
pub const META_DATA_KEY_ID: &str = "data_key_id";
pub const META_AUDIT_LINES: &str = "audit_lines";
/// `meta` key: the lowest number the next visit may take (kept by a purge that deletes the
/// newest visits, so visit numbers never repeat).
pub const META_NEXT_VISIT: &str = "next_visit";

/// Brings an older file up to [`SCHEMA_VERSION`]; stamps a new one.
pub fn migrate(db: &Database) -> Result<(), StoreError> {
    let found = {
        let read = db.begin_read()?;
        match read.open_table(META) {
            Ok(meta) => meta.get("schema_version")?.map(|v| v.value()),
            Err(redb::TableError::TableDoesNotExist(_)) => None,
            Err(e) => return Err(e.into()),
        }
    };
    match found {
        Some(v) if v == SCHEMA_VERSION => Ok(()),
        Some(v) if v > SCHEMA_VERSION => Err(StoreError::NewerSchema {
            found: v,
            supported: SCHEMA_VERSION,
        }),
        Some(1) => {
            let write = db.begin_write()?;
            migrate_1_to_2(&write)?;
            write
                .open_table(META)?
                .insert("schema_version", SCHEMA_VERSION)?;
            write.commit()?;
            Ok(())
        }
        // Each future step goes here, in one write transaction like `Some(1)`.
        Some(_) | None => {
            let write = db.begin_write()?;
            write
                .open_table(META)?
                .insert("schema_version", SCHEMA_VERSION)?;
            write.commit()?;
            Ok(())
        }
    }
}

/// Moves schema 1's details (JSON by record id) onto each primary row. Aliases of schema 1
/// carry no pointer to their primary; their details are found through it once re-imported.
fn migrate_1_to_2(write: &redb::WriteTransaction) -> Result<(), StoreError> {
    use redb::ReadableTable;
    let Ok(details) = write.open_table(REGISTRY_DETAILS_V1) else {
        return Ok(());
    };
    let mut rows = write.open_table(REGISTRY_ROWS)?;
    let mut next = 0u32;
    loop {
        // In slices, so memory stays bounded on a large registry.
        let slice: Vec<(u32, Vec<u8>)> = rows
            .range(next..)?
            .take(10_000)
            .map(|e| e.map(|(k, v)| (k.value(), v.value().to_vec())))
            .collect::<Result<_, _>>()?;
        let Some(&(last, _)) = slice.last() else {
            break;
        };
        for (key, bytes) in &slice {
            let Some((row, _)) = decode_row(bytes) else {
                continue;
            };
            if row.alias {
                continue;
            }
            let Some(json) = details.get(row.record_id.as_str())? else {
                continue;
            };
            let object: serde_json::Map<String, serde_json::Value> =
                serde_json::from_str(json.value()).unwrap_or_default();
            let extras = RegistryExtras {
                primary: None,
                details: DETAIL_COLUMNS
                    .iter()
                    .map(|c| {
                        object
                            .get(*c)
                            .and_then(|v| v.as_str())
                            .unwrap_or("")
                            .to_owned()
                    })
                    .collect(),
            };
            rows.insert(*key, encode_registry_row(&row, &extras).as_slice())?;
        }
        match last.checked_add(1) {
            Some(n) if slice.len() == 10_000 => next = n,
            _ => break,
        }
    }
    drop(details);
    drop(rows);
    write.delete_table(REGISTRY_DETAILS_V1)?;
    migrate_neighbours_1_to_2(write)
}

/// Rewrites schema 1's deletion keys (bare ids) with the terms' text, in slices.
fn migrate_neighbours_1_to_2(write: &redb::WriteTransaction) -> Result<(), StoreError> {
    use redb::ReadableTable;
    let (Ok(old), Ok(text)) = (
        write.open_table(DELETIONS_V1),
        write.open_table(TERM_TEXT_V1),
    ) else {
        return Ok(());
    };
    let mut new = write.open_table(DELETIONS)?;
    let mut next = 0u64;
    loop {
        let slice: Vec<(u64, Vec<u8>)> = old
            .range(next..)?
            .take(10_000)
            .map(|e| e.map(|(k, v)| (k.value(), v.value().to_vec())))
            .collect::<Result<_, _>>()?;
        let Some(&(last, _)) = slice.last() else {
            break;
        };
        for (key, ids) in &slice {
            let mut terms = Vec::new();
            for id in read_ids(ids) {
                if let Some(t) = text.get(id)? {
                    terms.push((id, t.value().to_owned()));
                }
            }
            new.insert(*key, pack_neighbours(terms).as_slice())?;
        }
        match last.checked_add(1) {
            Some(n) if slice.len() == 10_000 => next = n,
            _ => break,
        }
    }
    drop((old, text, new));
    write.delete_table(DELETIONS_V1)?;
    write.delete_table(TERM_TEXT_V1)?;
    Ok(())
}

/// The staff-facing columns of docs/interfaces.md, in their stored order.
pub const DETAIL_COLUMNS: &[&str] = &[
    "jurisdiction",
    "race",
    "height",
    "weight",
    "hair",
    "eyes",
    "city",
    "offense",
    "photo",
    "updated",
];

/// What a registry row stores after its name: aliases the row id of their primary, primaries
/// the staff-facing details ([`DETAIL_COLUMNS`], empty when absent).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RegistryExtras {
    pub primary: Option<u32>,
    pub details: Vec<String>,
}

impl RegistryExtras {
    pub fn parse(extra: &[String]) -> RegistryExtras {
        RegistryExtras {
            primary: extra.first().and_then(|p| p.parse().ok()),
            details: extra.iter().skip(1).cloned().collect(),
        }
    }

    /// The details that are present, as `(column, value)`.
    pub fn present_details(&self) -> Vec<(&'static str, String)> {
        DETAIL_COLUMNS
            .iter()
            .zip(&self.details)
            .filter(|(_, v)| !v.is_empty())
            .map(|(c, v)| (*c, v.clone()))
            .collect()
    }
}

/// A registry row: the name, then its [`RegistryExtras`]. Trailing empty details are left out.
pub fn encode_registry_row(row: &NameRow, extras: &RegistryExtras) -> Vec<u8> {
    let primary = extras.primary.map(|p| p.to_string()).unwrap_or_default();
    let used = extras
        .details
        .iter()
        .rposition(|d| !d.is_empty())
        .map_or(0, |i| i + 1);
    let mut fields = Vec::with_capacity(1 + used);
    if extras.primary.is_some() || used > 0 {
        fields.push(primary.as_str());
    }
    fields.extend(extras.details[..used].iter().map(String::as_str));
    encode_row(row, &fields)
}

/// Field separator of stored rows: a control character, which imports strip from input.
const SEP: char = '\u{1f}';

/// `record_id, alias, last, first, middle, suffix, dob, sex` then any `extra` fields.
pub fn encode_row(row: &NameRow, extra: &[&str]) -> Vec<u8> {
    let dob = row.dob.map(iso).unwrap_or_default();
    let sex = row.sex.map(Sex::as_str).unwrap_or("");
    let alias = if row.alias { "1" } else { "0" };
    let mut fields = vec![
        row.record_id.as_str(),
        alias,
        &row.last_name,
        &row.first_name,
        &row.middle_name,
        &row.suffix,
        &dob,
        sex,
    ];
    fields.extend_from_slice(extra);
    fields.join(&SEP.to_string()).into_bytes()
}

/// The row and its extra fields; `None` for bytes this version did not write.
pub fn decode_row(bytes: &[u8]) -> Option<(NameRow, Vec<String>)> {
    let (row, rest) = split_row(bytes)?;
    let extra = rest
        .map(|r| r.split(SEP).map(str::to_owned).collect())
        .unwrap_or_default();
    Some((row, extra))
}

/// The name row alone, without allocating its extra fields (the screening hot path).
pub fn decode_name(bytes: &[u8]) -> Option<NameRow> {
    split_row(bytes).map(|(row, _)| row)
}

fn split_row(bytes: &[u8]) -> Option<(NameRow, Option<&str>)> {
    let text = std::str::from_utf8(bytes).ok()?;
    let mut fields = text.splitn(9, SEP);
    let mut next = || fields.next();
    let (record_id, alias, last, first, middle, suffix, dob, sex) = (
        next()?,
        next()?,
        next()?,
        next()?,
        next()?,
        next()?,
        next()?,
        next()?,
    );
    let row = NameRow {
        record_id: record_id.to_owned(),
        alias: alias == "1",
        last_name: last.to_owned(),
        first_name: first.to_owned(),
        middle_name: middle.to_owned(),
        suffix: suffix.to_owned(),
        dob: parse_iso(dob),
        sex: parse_sex(sex).ok().flatten(),
    };
    Some((row, next()))
}

pub fn iso(date: Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

pub fn parse_iso(text: &str) -> Option<Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(text.trim(), &format).ok()
}

/// A sex field that is not `M`, `F`, `X` or empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotASex;

/// `M`, `F`, `X` (any case) or empty.
pub fn parse_sex(text: &str) -> Result<Option<Sex>, NotASex> {
    match text.trim().to_ascii_uppercase().as_str() {
        "" => Ok(None),
        "M" => Ok(Some(Sex::M)),
        "F" => Ok(Some(Sex::F)),
        "X" => Ok(Some(Sex::X)),
        _ => Err(NotASex),
    }
}

/// Reads a counter from `meta`, 0 when the table or key is missing.
pub fn meta_value(db: &Database, key: &str) -> Result<u64, StoreError> {
    let read = db.begin_read()?;
    match read.open_table(META) {
        Ok(meta) => Ok(meta.get(key)?.map(|v| v.value()).unwrap_or(0)),
        Err(redb::TableError::TableDoesNotExist(_)) => Ok(0),
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_round_trip() {
        let row = NameRow {
            record_id: "MO-1".into(),
            alias: true,
            last_name: "DE LA CRUZ".into(),
            first_name: "José".into(),
            middle_name: String::new(),
            suffix: "JR".into(),
            dob: parse_iso("1970-01-31"),
            sex: Some(Sex::M),
        };
        let (back, extra) = decode_row(&encode_row(&row, &["custody", "deny"])).unwrap();
        assert_eq!(back, row);
        assert_eq!(extra, vec!["custody", "deny"]);
        assert_eq!(decode_name(&encode_row(&row, &[])).unwrap(), row);
        let (_, none) = decode_row(&encode_row(&row, &[])).unwrap();
        assert!(none.is_empty());
    }

    #[test]
    fn registry_extras_round_trip() {
        let row = NameRow {
            record_id: "MO-1".into(),
            alias: false,
            last_name: "SMITH".into(),
            first_name: "JOHN".into(),
            middle_name: String::new(),
            suffix: String::new(),
            dob: None,
            sex: None,
        };
        let mut details = vec![String::new(); DETAIL_COLUMNS.len()];
        details[0] = "MO".into();
        details[8] = "p1.jpg".into();
        let primary = RegistryExtras {
            primary: None,
            details,
        };
        let (_, extra) = decode_row(&encode_registry_row(&row, &primary)).unwrap();
        let back = RegistryExtras::parse(&extra);
        assert_eq!(back.primary, None);
        assert_eq!(
            back.present_details(),
            vec![
                ("jurisdiction", "MO".to_owned()),
                ("photo", "p1.jpg".to_owned())
            ]
        );
        let alias = RegistryExtras {
            primary: Some(7),
            details: Vec::new(),
        };
        let (_, extra) = decode_row(&encode_registry_row(&row, &alias)).unwrap();
        assert_eq!(RegistryExtras::parse(&extra), alias);
        let (_, extra) = decode_row(&encode_row(&row, &[])).unwrap();
        assert_eq!(RegistryExtras::parse(&extra), RegistryExtras::default());
    }
}
