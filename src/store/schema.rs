//! Table definitions and the schema version.
//!
//! | table | key | value |
//! | --- | --- | --- |
//! | `meta` | name | u64 (`schema_version`, `registry_rows`, `registry_people`, `watchlist_entries`) |
//! | `registry_rows` | row id | one name row, [`encode_row`] |
//! | `registry_details` | record_id | JSON object of the staff-facing columns (jurisdiction, photo...) |
//! | `index_terms` | term | term id |
//! | `index_term_text` | term id | term |
//! | `index_deletions` | FNV-1a hash of a deletion key | packed u32 term ids |
//! | `index_postings` | term id | packed `(dob key, row id)` sorted by date of birth |
//! | `watchlist` | entry number | one watchlist entry, [`encode_row`] + list, action, note |
//! | `decisions` | identity key, source, record id | JSON: decision, when, by whom |
//! | `audit` | sequence | one JSON line per decision made or forgotten |

use redb::{Database, ReadableDatabase, TableDefinition};
use time::Date;

use super::StoreError;
use crate::identity::Sex;
use crate::screening::NameRow;

pub const SCHEMA_VERSION: u64 = 1;

pub const META: TableDefinition<&str, u64> = TableDefinition::new("meta");
pub const REGISTRY_ROWS: TableDefinition<u32, &[u8]> = TableDefinition::new("registry_rows");
pub const REGISTRY_DETAILS: TableDefinition<&str, &str> = TableDefinition::new("registry_details");
pub const TERMS: TableDefinition<&str, u32> = TableDefinition::new("index_terms");
pub const TERM_TEXT: TableDefinition<u32, &str> = TableDefinition::new("index_term_text");
pub const DELETIONS: TableDefinition<u64, &[u8]> = TableDefinition::new("index_deletions");
pub const POSTINGS: TableDefinition<u32, &[u8]> = TableDefinition::new("index_postings");
pub const WATCHLIST: TableDefinition<u32, &[u8]> = TableDefinition::new("watchlist");
pub const DECISIONS: TableDefinition<&str, &str> = TableDefinition::new("decisions");
pub const AUDIT: TableDefinition<u64, &str> = TableDefinition::new("audit");

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
        // Each future step goes here: `Some(1) => { upgrade 1 -> 2 in one write transaction }`.
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
    let text = std::str::from_utf8(bytes).ok()?;
    let fields: Vec<&str> = text.split(SEP).collect();
    if fields.len() < 8 {
        return None;
    }
    let row = NameRow {
        record_id: fields[0].to_owned(),
        alias: fields[1] == "1",
        last_name: fields[2].to_owned(),
        first_name: fields[3].to_owned(),
        middle_name: fields[4].to_owned(),
        suffix: fields[5].to_owned(),
        dob: parse_iso(fields[6]),
        sex: parse_sex(fields[7]).ok().flatten(),
    };
    Some((row, fields[8..].iter().map(|s| (*s).to_owned()).collect()))
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
    }
}
