//! Registry and watchlist imports (docs/interfaces.md).
//!
//! Streaming: rows go to redb as they are read; memory holds only the index under construction
//! (the vocabulary and 12 bytes per name term) and the set of record ids seen. Atomic: all of it
//! happens in one write transaction that commits only after the last row was read.
//!
//! A registry is data we did not make: one row with an empty `jurisdiction` must not keep
//! 900,000 people out. A registry row with a bad field is quarantined (left out and reported as
//! [`BadRow`]: line, column, reason, never the row's content) and the good rows are imported,
//! up to [`ImportPolicy::max_bad_share`] of the file's rows (1% by default); past that, or when
//! no good row is left, nothing is imported and the previous registry keeps answering. What is
//! wrong with the file as a whole still refuses it: a header without a required column, a
//! header that is not UTF-8, a read error. Watchlists (the school's own, short, typed lists)
//! stay all-or-nothing: a bad entry refuses the file naming its line.

use std::collections::{HashMap, HashSet};
use std::io::Read;

use redb::{ReadableTable, WriteTransaction};

use super::redb_index::TERM_ROWS;
use super::schema::{
    self, RegistryExtras, DELETIONS, DELETIONS_V1, META, POSTINGS, REGISTRY_DETAILS_V1,
    REGISTRY_ROWS, TERMS, TERM_TEXT_V1, WATCHLIST,
};
use super::{Store, StoreError};
use crate::screening::dob::{self, DobKey};
use crate::screening::index::{self, IndexBuilder, RowId};
use crate::screening::normalise::stable_hash;
use crate::screening::NameRow;

/// What an import did, for its one-line summary.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportSummary {
    /// Name rows (registry) or entries (watchlist).
    pub rows: u64,
    /// Distinct people (registry) or distinct lists (watchlist).
    pub groups: u64,
    pub aliases: u64,
    pub terms: u64,
    /// Registry rows left out, in file order (at most [`MOST_BAD_ROWS_KEPT`] of them).
    pub quarantined: Vec<BadRow>,
    /// How many registry rows were left out in all.
    pub bad_rows: u64,
}

/// The share of a registry file's rows that may be bad before the import is refused.
pub const DEFAULT_MAX_BAD_SHARE: f64 = 0.01;

/// Bad rows whose place is kept for the report; past it they are only counted.
pub const MOST_BAD_ROWS_KEPT: usize = 100_000;

/// How much of a registry file may be bad.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ImportPolicy {
    /// Bad rows over all rows, 0.0 to 1.0: more than this refuses the whole import. 0.0 refuses
    /// any bad row. A bad row that spans several lines (an unclosed quote) counts once per line,
    /// so a file swallowed by one stray quote is refused, not imported as one bad row.
    pub max_bad_share: f64,
}

impl Default for ImportPolicy {
    fn default() -> Self {
        ImportPolicy {
            max_bad_share: DEFAULT_MAX_BAD_SHARE,
        }
    }
}

impl ImportPolicy {
    /// `share` must be a number from 0 to 1.
    pub fn new(share: f64) -> Result<ImportPolicy, StoreError> {
        if !(0.0..=1.0).contains(&share) {
            return Err(StoreError::BadFile(format!(
                "the bad row share must be from 0 to 1 (0.01 is 1%), not {share}"
            )));
        }
        Ok(ImportPolicy {
            max_bad_share: share,
        })
    }
}

/// A registry row left out of an import: where it is and what is wrong, never what it holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadRow {
    /// The line the row starts on (the header is line 1).
    pub line: u64,
    /// The column at fault; empty when the row as a whole is (the wrong number of fields).
    pub column: &'static str,
    pub reason: String,
}

impl std::fmt::Display for BadRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.column {
            "" => write!(f, "line {}: {}", self.line, self.reason),
            column => write!(f, "line {}, column `{column}`: {}", self.line, self.reason),
        }
    }
}

/// What is wrong with one row: the column (empty for the whole row) and the message.
struct RowProblem {
    column: &'static str,
    message: String,
}

impl RowProblem {
    fn new(column: &'static str, message: impl Into<String>) -> RowProblem {
        RowProblem {
            column,
            message: message.into(),
        }
    }

    fn at(self, line: u64) -> StoreError {
        StoreError::BadRow {
            line,
            reason: self.message,
        }
    }
}

/// The registry CSV columns every file must have (docs/interfaces.md).
pub(crate) const REGISTRY_REQUIRED: &[&str] = &[
    "record_id",
    "name_kind",
    "last_name",
    "first_name",
    "middle_name",
    "suffix",
    "dob",
    "sex",
    "jurisdiction",
];
const WATCHLIST_REQUIRED: &[&str] = &[
    "entry_id",
    "list",
    "last_name",
    "first_name",
    "middle_name",
    "dob",
    "sex",
    "action",
    "note",
];
pub const WATCHLIST_LISTS: &[&str] = &[
    "custody",
    "banned",
    "expelled",
    "trespass",
    "dismissed",
    "other",
];
pub const WATCHLIST_ACTIONS: &[&str] = &["alert", "deny"];

/// Column positions by name, after checking the required ones are all there.
struct Columns {
    map: HashMap<String, usize>,
    /// The header's names in file order (lower case).
    names: Vec<String>,
}

impl Columns {
    fn read<R: Read>(csv: &mut csv::Reader<R>, required: &[&str]) -> Result<Columns, StoreError> {
        let headers = csv.headers().map_err(|e| match e.kind() {
            csv::ErrorKind::Utf8 { .. } => StoreError::BadRow {
                line: 1,
                reason: "the header is not UTF-8 text (save the file as CSV UTF-8)".into(),
            },
            _ => csv_error(e),
        })?;
        let names: Vec<String> = headers
            .iter()
            .map(|h| h.trim().trim_start_matches('\u{feff}').to_ascii_lowercase())
            .collect();
        let map: HashMap<String, usize> = names
            .iter()
            .enumerate()
            .map(|(i, h)| (h.clone(), i))
            .collect();
        if let Some(missing) = required.iter().find(|c| !map.contains_key(**c)) {
            return Err(StoreError::BadRow {
                line: 1,
                reason: format!("the header has no `{missing}` column"),
            });
        }
        Ok(Columns { map, names })
    }

    /// The name of the column at `index` when it is one the registry knows, else empty.
    fn known_name(&self, index: usize) -> &'static str {
        let Some(name) = self.names.get(index) else {
            return "";
        };
        REGISTRY_REQUIRED
            .iter()
            .chain(schema::DETAIL_COLUMNS)
            .find(|known| **known == name.as_str())
            .copied()
            .unwrap_or("")
    }

    fn get<'r>(&self, record: &'r csv::StringRecord, column: &str) -> &'r str {
        self.map
            .get(column)
            .and_then(|&i| record.get(i))
            .map(str::trim)
            .unwrap_or("")
    }
}

fn csv_error(e: csv::Error) -> StoreError {
    let line = e.position().map(|p| p.line()).unwrap_or(0);
    let reason = match e.kind() {
        csv::ErrorKind::Utf8 { .. } => "not valid UTF-8".to_owned(),
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => {
            format!("{len} fields where the header has {expected_len}")
        }
        csv::ErrorKind::Io(io) => format!("cannot read: {io}"),
        _ => e.to_string().replace('\n', " "),
    };
    StoreError::BadRow { line, reason }
}

/// Control characters never belong in a name; the store uses one as its field separator.
fn clean(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).collect()
}

fn parse_common(
    columns: &Columns,
    record: &csv::StringRecord,
    id_column: &'static str,
) -> Result<NameRow, RowProblem> {
    let record_id = clean(columns.get(record, id_column));
    if record_id.is_empty() {
        return Err(RowProblem::new(
            id_column,
            format!("`{id_column}` is empty"),
        ));
    }
    let dob_text = columns.get(record, "dob");
    let dob = if dob_text.is_empty() {
        None
    } else {
        Some(
            schema::parse_iso(dob_text)
                .ok_or_else(|| RowProblem::new("dob", "`dob` is not a date (YYYY-MM-DD)"))?,
        )
    };
    let sex = schema::parse_sex(columns.get(record, "sex"))
        .map_err(|_| RowProblem::new("sex", "`sex` must be M, F or empty"))?;
    let row = NameRow {
        record_id,
        alias: false,
        last_name: clean(columns.get(record, "last_name")),
        first_name: clean(columns.get(record, "first_name")),
        middle_name: clean(columns.get(record, "middle_name")),
        suffix: clean(columns.get(record, "suffix")),
        dob,
        sex,
    };
    if row.name().last.is_empty() && row.name().first.is_empty() {
        return Err(RowProblem::new("last_name", "the row has no name"));
    }
    Ok(row)
}

/// One registry row checked: the name row (alias or not) and its jurisdiction, or what is wrong.
fn registry_row(
    columns: &Columns,
    record: &csv::StringRecord,
) -> Result<(NameRow, String), RowProblem> {
    let mut row = parse_common(columns, record, "record_id")?;
    row.alias = match columns
        .get(record, "name_kind")
        .to_ascii_lowercase()
        .as_str()
    {
        "primary" => false,
        "alias" => true,
        _ => {
            return Err(RowProblem::new(
                "name_kind",
                "`name_kind` must be primary or alias",
            ))
        }
    };
    let jurisdiction = columns.get(record, "jurisdiction");
    if jurisdiction.len() != 2 || !jurisdiction.chars().all(|c| c.is_ascii_alphabetic()) {
        return Err(RowProblem::new(
            "jurisdiction",
            "`jurisdiction` must be a two-letter code",
        ));
    }
    Ok((row, jurisdiction.to_owned()))
}

/// The row as text, or which field is not UTF-8 / has the wrong number of fields.
fn text_record(columns: &Columns, raw: csv::ByteRecord) -> Result<csv::StringRecord, RowProblem> {
    let width = columns.names.len();
    // A quoted field may hold line breaks, but not whole rows: that is a quote left open,
    // swallowing the rows after it (each line of it counts as a bad row, see `Quarantine`).
    if let Some(field) = raw.iter().position(|field| {
        field.contains(&b'\n')
            && field
                .split(|&b| b == b'\n')
                .skip(1)
                .any(|line| line.iter().filter(|&&b| b == b',').count() + 1 >= width)
    }) {
        return Err(RowProblem::new(
            columns.known_name(field),
            "a quote is not closed: the field runs on over the rows after it",
        ));
    }
    if raw.len() != width {
        return Err(RowProblem::new(
            "",
            format!(
                "{} fields where the header has {}",
                raw.len(),
                columns.names.len()
            ),
        ));
    }
    csv::StringRecord::from_byte_record(raw).map_err(|e| {
        let field = e.utf8_error().field();
        match columns.known_name(field) {
            "" => RowProblem::new("", format!("field {} is not valid UTF-8", field + 1)),
            column => RowProblem::new(column, format!("`{column}` is not valid UTF-8")),
        }
    })
}

/// Bad rows met so far, and the share they make of the file.
#[derive(Default)]
struct Quarantine {
    kept: Vec<BadRow>,
    rows: u64,
    /// Lines the bad rows span (a row swallowed by an unclosed quote spans many).
    lines: u64,
}

impl Quarantine {
    fn add(&mut self, line: u64, lines: u64, problem: RowProblem) {
        self.rows += 1;
        self.lines += lines.max(1);
        if self.kept.len() < MOST_BAD_ROWS_KEPT {
            self.kept.push(BadRow {
                line,
                column: problem.column,
                reason: problem.message,
            });
        }
    }

    /// Refuses the import when the bad rows are more than `policy` allows of `good` + bad rows,
    /// or when nothing good is left.
    fn check(&self, good: u64, policy: ImportPolicy) -> Result<(), StoreError> {
        if self.rows == 0 {
            return Ok(());
        }
        let total = good + self.lines;
        let share = self.lines as f64 / total as f64;
        if good > 0 && share <= policy.max_bad_share {
            return Ok(());
        }
        const SHOWN: usize = 5;
        let mut first: Vec<String> = self
            .kept
            .iter()
            .take(SHOWN)
            .map(ToString::to_string)
            .collect();
        if self.rows > SHOWN as u64 {
            first.push(format!("and {} more", self.rows - SHOWN as u64));
        }
        Err(StoreError::TooManyBadRows {
            bad: self.rows,
            rows: good + self.rows,
            share_pct: share * 100.0,
            allowed_pct: policy.max_bad_share * 100.0,
            first: first.join("; "),
        })
    }
}

/// `meta` key: when the live registry was imported (seconds since the Unix epoch).
pub const REGISTRY_IMPORTED_AT: &str = "registry_imported_unix";

impl Store {
    /// Replaces the whole registry with the CSV in `input` (docs/interfaces.md).
    ///
    /// One pass writes each row as it is read. Aliases whose primary row comes later in the file
    /// are remembered by row id only and completed in a second pass inside the same transaction
    /// (their primary's date of birth when they have none, and the pointer to the primary that
    /// carries the staff-facing details), so rows may come in any order.
    ///
    /// Bad rows are quarantined under the default [`ImportPolicy`] (see the module docs).
    pub fn import_registry(&self, input: impl Read) -> Result<ImportSummary, StoreError> {
        self.import_registry_with(input, ImportPolicy::default())
    }

    /// [`Store::import_registry`] with a chosen share of bad rows to tolerate.
    pub fn import_registry_with(
        &self,
        input: impl Read,
        policy: ImportPolicy,
    ) -> Result<ImportSummary, StoreError> {
        // Flexible: a row with the wrong number of fields is one bad row, not a bad file.
        let mut csv = csv::ReaderBuilder::new().flexible(true).from_reader(input);
        let columns = Columns::read(&mut csv, REGISTRY_REQUIRED)?;
        let write = self.db().begin_write()?;
        // Rows of the registry this import replaces: their pages fall free at the commit.
        let replaced = write
            .open_table(META)?
            .get("registry_rows")?
            .map_or(0, |v| v.value());
        write.delete_table(REGISTRY_ROWS)?;
        write.delete_table(DELETIONS)?;
        write.delete_table(POSTINGS)?;
        write.delete_table(REGISTRY_DETAILS_V1)?;
        write.delete_table(TERMS)?;
        write.delete_table(TERM_ROWS)?;
        write.delete_table(TERM_TEXT_V1)?;
        write.delete_table(DELETIONS_V1)?;

        let mut builder = IndexBuilder::default();
        // record_id (hashed: 16 bytes a person) -> the primary row and its date of birth.
        // A hash collision is caught by reading the row back (see `primary_of`).
        let mut people: HashMap<u64, (RowId, DobKey)> = HashMap::new();
        // Aliases read before their primary row.
        let mut pending: Vec<RowId> = Vec::new();
        let mut summary = ImportSummary {
            rows: 0,
            groups: 0,
            aliases: 0,
            terms: 0,
            quarantined: Vec::new(),
            bad_rows: 0,
        };
        let mut quarantine = Quarantine::default();
        {
            let mut rows = write.open_table(REGISTRY_ROWS)?;
            let mut raw = csv::ByteRecord::new();
            // A read error is the file's, not a row's: it refuses the import.
            while csv.read_byte_record(&mut raw).map_err(csv_error)? {
                let line = raw.position().map(|p| p.line()).unwrap_or(0);
                let spans = csv.position().line().saturating_sub(line);
                let checked = text_record(&columns, std::mem::take(&mut raw))
                    .and_then(|record| Ok((registry_row(&columns, &record)?, record)));
                let ((mut row, jurisdiction), record) = match checked {
                    Ok(checked) => checked,
                    Err(problem) => {
                        quarantine.add(line, spans, problem);
                        continue;
                    }
                };
                let bad = |reason: &str| StoreError::BadRow {
                    line,
                    reason: reason.to_owned(),
                };
                let row_id = RowId::try_from(summary.rows).map_err(|_| bad("too many rows"))?;
                let hash = stable_hash(&row.record_id);
                let extras = if row.alias {
                    let verify = row.dob.is_none();
                    match primary_of(&rows, &people, hash, &row.record_id, verify)? {
                        Some((primary, dob)) => {
                            // A registry that leaves an alias's date empty means "same person":
                            // use the primary's, so a namesake born years apart is not flagged
                            // on names alone.
                            if row.dob.is_none() {
                                row.dob = dob::from_key(dob);
                            }
                            RegistryExtras {
                                primary: Some(primary),
                                details: Vec::new(),
                            }
                        }
                        None => {
                            pending.push(row_id);
                            RegistryExtras::default()
                        }
                    }
                } else {
                    if primary_of(&rows, &people, hash, &row.record_id, true)?.is_some() {
                        let problem = RowProblem::new(
                            "record_id",
                            "a second primary row for this `record_id` (the first is kept)",
                        );
                        quarantine.add(line, spans, problem);
                        continue;
                    }
                    people.insert(hash, (row_id, dob::key(row.dob)));
                    RegistryExtras {
                        primary: None,
                        details: details(&columns, &record, &jurisdiction),
                    }
                };
                rows.insert(
                    row_id,
                    schema::encode_registry_row(&row, &extras).as_slice(),
                )?;
                if extras.primary.is_some() || !row.alias {
                    builder.add(row_id, &row.name(), row.dob);
                }
                summary.rows += 1;
                summary.aliases += u64::from(row.alias);
                raw = record.into_byte_record(); // its buffers serve the next row
            }
            // Second pass: the aliases that came before their primary.
            for &row_id in &pending {
                let Some(bytes) = rows.get(row_id)?.map(|b| b.value().to_vec()) else {
                    continue;
                };
                let Some(mut row) = schema::decode_name(&bytes) else {
                    continue;
                };
                let hash = stable_hash(&row.record_id);
                // An alias without any primary row keeps its own date and has no details.
                if let Some((primary, dob)) =
                    primary_of(&rows, &people, hash, &row.record_id, true)?
                {
                    if row.dob.is_none() {
                        row.dob = dob::from_key(dob);
                    }
                    let extras = RegistryExtras {
                        primary: Some(primary),
                        details: Vec::new(),
                    };
                    rows.insert(
                        row_id,
                        schema::encode_registry_row(&row, &extras).as_slice(),
                    )?;
                }
                builder.add(row_id, &row.name(), row.dob);
            }
        }
        // Past the share the policy allows, the transaction is dropped uncommitted: nothing
        // changes and the previous registry keeps answering.
        quarantine.check(summary.rows, policy)?;
        summary.bad_rows = quarantine.rows;
        summary.quarantined = quarantine.kept;
        summary.groups = people.len() as u64;
        drop(people);
        drop(pending);
        summary.terms = write_index(&write, builder)?;
        {
            let mut meta = write.open_table(META)?;
            meta.insert("registry_rows", summary.rows)?;
            meta.insert("registry_people", summary.groups)?;
            let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
            meta.insert(REGISTRY_IMPORTED_AT, now.map_or(0, |d| d.as_secs()))?;
        }
        write.commit()?;
        // The new registry was built beside the old one, which readers kept until the commit:
        // the file now has room for both. Move the new one down into the freed room and give
        // the rest back (committed already: this only shrinks the file; skipped while a reader
        // in this process still holds a snapshot).
        if replaced > 0 {
            self.compact().map_err(|e| match e {
                // say so: the registry did change
                StoreError::Database(m) => {
                    StoreError::Database(format!("registry imported, but {m}"))
                }
                other => other,
            })?;
        }
        Ok(summary)
    }

    /// Replaces every watchlist with the CSV in `input` (docs/interfaces.md).
    pub fn import_watchlist(&self, input: impl Read) -> Result<ImportSummary, StoreError> {
        let mut csv = csv::ReaderBuilder::new().flexible(false).from_reader(input);
        let columns = Columns::read(&mut csv, WATCHLIST_REQUIRED)?;
        let write = self.db().begin_write()?;
        write.delete_table(WATCHLIST)?;
        let mut summary = ImportSummary {
            rows: 0,
            groups: 0,
            aliases: 0,
            terms: 0,
            quarantined: Vec::new(),
            bad_rows: 0,
        };
        let mut lists = HashSet::new();
        let mut ids = HashSet::new();
        {
            let mut table = write.open_table(WATCHLIST)?;
            let mut record = csv::StringRecord::new();
            while csv.read_record(&mut record).map_err(csv_error)? {
                let line = record.position().map(|p| p.line()).unwrap_or(0);
                let row = parse_common(&columns, &record, "entry_id").map_err(|p| p.at(line))?;
                let bad = |reason: &str| StoreError::BadRow {
                    line,
                    reason: reason.to_owned(),
                };
                let list = columns.get(&record, "list").to_ascii_lowercase();
                if !WATCHLIST_LISTS.contains(&list.as_str()) {
                    return Err(bad(
                        "`list` must be custody, banned, expelled, trespass, dismissed or other",
                    ));
                }
                let action = columns.get(&record, "action").to_ascii_lowercase();
                if !WATCHLIST_ACTIONS.contains(&action.as_str()) {
                    return Err(bad("`action` must be alert or deny"));
                }
                if !ids.insert(row.record_id.clone()) {
                    return Err(bad("a second row with this entry_id"));
                }
                let note = clean(columns.get(&record, "note"));
                // Optional column (issue 8): the one student a custody order is about.
                let student_id = clean(columns.get(&record, "student_id"));
                if !student_id.is_empty() && list != "custody" {
                    return Err(bad("`student_id` is only for `custody` entries"));
                }
                let mut extra = vec![list.as_str(), action.as_str(), note.as_str()];
                if !student_id.is_empty() {
                    extra.push(&student_id);
                }
                let entry = schema::encode_row(&row, &extra);
                let number = u32::try_from(summary.rows).map_err(|_| bad("too many rows"))?;
                table.insert(number, entry.as_slice())?;
                lists.insert(list);
                summary.rows += 1;
            }
        }
        summary.groups = lists.len() as u64;
        write
            .open_table(META)?
            .insert("watchlist_entries", summary.rows)?;
        write.commit()?;
        Ok(summary)
    }

    /// How many name rows and people the live registry holds.
    pub fn registry_size(&self) -> Result<(u64, u64), StoreError> {
        Ok((
            schema::meta_value(&self.db(), "registry_rows")?,
            schema::meta_value(&self.db(), "registry_people")?,
        ))
    }
}

/// The primary row already imported for this `record_id` (its row id and date of birth).
fn primary_of(
    rows: &redb::Table<u32, &[u8]>,
    people: &HashMap<u64, (RowId, DobKey)>,
    hash: u64,
    record_id: &str,
    verify: bool,
) -> Result<Option<(RowId, DobKey)>, StoreError> {
    let Some(&(primary, dob)) = people.get(&hash) else {
        return Ok(None);
    };
    if !verify {
        // A 64-bit collision among a million ids is a one-in-ten-million chance; the pointer
        // it would give is checked again when details are shown.
        return Ok(Some((primary, dob)));
    }
    let same = rows
        .get(primary)?
        .and_then(|b| schema::decode_name(b.value()))
        .is_some_and(|row| row.record_id == record_id);
    Ok(same.then_some((primary, dob)))
}

/// The staff-facing columns of a primary row, in [`schema::DETAIL_COLUMNS`] order.
fn details(columns: &Columns, record: &csv::StringRecord, jurisdiction: &str) -> Vec<String> {
    schema::DETAIL_COLUMNS
        .iter()
        .map(|&column| {
            if column == "jurisdiction" {
                jurisdiction.to_ascii_uppercase()
            } else {
                clean(columns.get(record, column))
            }
        })
        .collect()
}

/// Writes the vocabulary, deletion keys and postings; returns the vocabulary size.
fn write_index(write: &WriteTransaction, builder: IndexBuilder) -> Result<u64, StoreError> {
    let built = builder.finish();
    {
        // in text order: a B-tree filled in key order packs its pages full
        let mut order: Vec<u32> = (0..built.terms.len() as u32).collect();
        order.sort_unstable_by(|&a, &b| built.terms[a as usize].cmp(&built.terms[b as usize]));
        let mut terms = write.open_table(TERMS)?;
        for id in order {
            terms.insert(built.terms[id as usize].as_str(), id)?;
        }
    }
    {
        let keys = built.deletion_keys();
        let mut deletions = write.open_table(DELETIONS)?;
        for group in keys.chunk_by(|a, b| a.0 == b.0) {
            let blob = index::pack_neighbours(
                group
                    .iter()
                    .map(|&(_, id)| (id, built.terms[id as usize].as_str())),
            );
            deletions.insert(group[0].0, blob.as_slice())?;
        }
    }
    {
        let mut postings = write.open_table(POSTINGS)?;
        // each name's frequency beside its postings: the weighed score reads it per query
        let mut frequencies = write.open_table(TERM_ROWS)?;
        for (term, blob) in built.posting_lists() {
            postings.insert(term, blob.as_slice())?;
            if !index::is_block(&built.terms[term as usize]) {
                frequencies.insert(term, (blob.len() / index::POSTING_BYTES) as u32)?;
            }
        }
    }
    // the vocabulary of names; the blocking keys stored beside them are not names
    Ok(built.terms.iter().filter(|t| !index::is_block(t)).count() as u64)
}
